/*
 * input and compare: the row loop's books (rows, non-responses, skipped
 * rows and the first reason), group keys and their order, the time
 * window, and which accumulator --compare picks.
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "voc/compare.h"
#include "voc/group.h"
#include "voc/input.h"

static char path[64];

static void
merge(void *dst, const void *src)
{
	*(long *)dst += *(const long *)src;
}

static void
less(void *out, const void *whole, const void *part)
{
	*(long *)out = *(const long *)whole - *(const long *)part;
}

int
main(void)
{
	struct voc_common c;
	struct voc_error err;
	struct voc_record rec;
	char *files[1] = {path};

	snprintf(path, sizeof(path), "/tmp/voc-test-input-%d", (int)getpid());
	FILE *fp = fopen(path, "w");
	fputs("team,at,w,x\n"
	    "b,2024-01-15,1,1\n"
	    "10,2024-01-20,1,1\n"
	    "9,2024-02-01,2,1\n"
	    "a,2024-02-03,x,1\n"		/* bad weight: skipped */
	    " a ,2024-02-04,1,1\n"	/* blanks around the group */
	    "a,nope,1,1\n"		/* bad time: skipped */
	    "a,2024-03-01,1\n"		/* ragged: skipped */
	    "a,2023-12-31,1,1\n"		/* before --since: filtered */
	    "b,2024-02-10,1,1\n", fp);
	fclose(fp);

	voc_cli_defaults(&c);
	c.group_by = "team";
	c.time_col = "at";
	c.weight_col = "w";
	c.by = VOC_BY_MONTH;
	c.since = "2024-01-01";
	CHECK(voc_cli_finish(&c, &err) == 0);
	struct voc_input *in = voc_input_open(&c, "test", files, 1, &err);
	CHECK(in != NULL);
	if (in == NULL)
		return check_done("test_input");
	CHECK(voc_input_nkeys(in) == 2);
	CHECK_STR(voc_input_key_name(in, 0), "team");
	CHECK_STR(voc_input_key_name(in, 1), "at");

	struct voc_group *g = voc_group_new(sizeof(long));
	int rc, got = 0;
	double wsum = 0;
	while ((rc = voc_input_next(in, &rec, &err)) == 1) {
		long *n = voc_group_get(g, rec.key, rec.keylen);
		(*n)++;
		got++;
		wsum += rec.weight;
	}
	CHECK(rc == 0);
	CHECK(got == 5);
	CHECK_NEAR(wsum, 6, 0);
	/* Groups: a/2024-02, b/2024-01, b/2024-02, 9/2024-02, 10/2024-01;
	 * numbers sort as numbers, before text. */
	CHECK(voc_group_count(g) == 5);
	voc_group_sort(g, voc_input_key_cmp);
	const char *want[] = {"9 2024-02", "10 2024-01", "a 2024-02",
	    "b 2024-01", "b 2024-02"};
	for (size_t i = 0; i < 5; i++) {
		const struct voc_group_entry *e = voc_group_entry(g, i);
		char label[32];
		uint32_t len;
		memcpy(&len, e->key, 4);
		voc_period_label(VOC_BY_MONTH, voc_input_key_period(e->key,
		    e->keylen), label, sizeof(label));
		char both[64];
		snprintf(both, sizeof(both), "%.*s %s", (int)len, e->key + 4,
		    label);
		CHECK_STR(both, want[i]);
	}

	/* The books: 9 rows read, 3 skipped, the first for its weight. */
	char *buf = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&buf, &size);
	voc_input_report(in, mem);
	fclose(mem);
	CHECK(strstr(buf, "skipped 3 of 9 rows") != NULL);
	CHECK(strstr(buf, ":5: column \"w\": \"x\" is not a weight") != NULL);
	free(buf);

	/* --compare previous: b/2024-02 against b/2024-01; overall: a group
	 * against the rest of its period. */
	struct voc_compare_ops ops = {sizeof(long), merge, less};
	struct voc_compare *cp = voc_compare_new(VOC_COMPARE_PREVIOUS, in, g,
	    &ops);
	const struct voc_group_entry *b2 = voc_group_entry(g, 4);
	const long *prev = voc_compare_base(cp, b2);
	CHECK(prev != NULL && prev == voc_group_entry(g, 3)->acc);
	CHECK(voc_compare_base(cp, voc_group_entry(g, 2)) == NULL);
	voc_compare_free(cp);
	struct voc_compare *co = voc_compare_new(VOC_COMPARE_OVERALL, in, g,
	    &ops);
	/* 2024-02 holds 9, a and b, one answer each: the rest of a is 2. */
	const long *rest = voc_compare_base(co, voc_group_entry(g, 2));
	CHECK(rest != NULL && *rest == 2);
	voc_compare_free(co);

	/* --strict: the first bad row stops with its reason. */
	voc_group_free(g);
	voc_input_close(in);
	c.strict = 1;
	in = voc_input_open(&c, "test", files, 1, &err);
	while ((rc = voc_input_next(in, &rec, &err)) == 1)
		;
	CHECK(rc == -1 && err.line == 5 && strstr(err.msg, "not a weight"));
	voc_input_close(in);

	/* Usage errors: a missing column, an unknown zone. */
	c.strict = 0;
	c.group_by = "tema";
	CHECK(voc_input_open(&c, "test", files, 1, &err) == NULL &&
	    err.kind == VOC_ERR_USAGE);
	c.group_by = "team";
	c.tz = "Nowhere/Land";
	CHECK(voc_input_open(&c, "test", files, 1, &err) == NULL &&
	    err.kind == VOC_ERR_USAGE);
	unlink(path);
	return check_done("test_input");
}
