/*
 * input and compare: the row loop's books (rows, non-responses, skipped
 * rows and the first reason), group keys and their order, the time
 * window, and which accumulator --compare picks.
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "voc/compare.h"
#include "voc/input.h"
#include "voc/key.h"
#include "voc/period.h"
#include "voc/table.h"

static char path[64];

static int
merge(void *dst, const void *src, const void *cfg)
{
	(void)cfg;
	*(long *)dst += *(const long *)src;
	return 0;
}

static void
less(void *out, const void *whole, const void *part, const void *cfg)
{
	(void)cfg;
	*(long *)out = *(const long *)whole - *(const long *)part;
}

static const struct voc_state_ops longs = {"long", 1, NULL, merge, NULL,
    NULL, NULL, NULL};

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
	struct voc_books books;
	memset(&books, 0, sizeof(books));
	struct voc_input *in = voc_input_open(&c, "test", files, 1, NULL,
	    &books, &err);
	CHECK(in != NULL);
	if (in == NULL)
		return check_done("test_input");
	CHECK(voc_input_nkeys(in) == 2);
	CHECK_STR(voc_input_key_name(in, 0), "team");
	CHECK_STR(voc_input_key_name(in, 1), "at");

	struct voc_table *g = voc_table_new(&longs, sizeof(long), NULL);
	int rc, got = 0, times = 1;
	double wsum = 0;
	while ((rc = voc_input_next(in, &rec, &err)) == 1) {
		long *n = voc_table_get(g, rec.key, rec.keylen);
		times &= rec.has_time && rec.time >= 1704067200;
		(*n)++;
		got++;
		wsum += rec.weight;
	}
	CHECK(rc == 0);
	CHECK(got == 5);
	CHECK_NEAR(wsum, 6, 0);
	CHECK(times);	/* every record carries its instant (2024 or later) */
	/* Groups: a/2024-02, b/2024-01, b/2024-02, 9/2024-02, 10/2024-01;
	 * numbers sort as numbers, before text. */
	CHECK(voc_table_count(g) == 5);
	voc_table_sort(g);
	const char *want[] = {"9 2024-02", "10 2024-01", "a 2024-02",
	    "b 2024-01", "b 2024-02"};
	for (size_t i = 0; i < 5; i++) {
		struct voc_entry e;
		struct voc_key_part p1, p2;
		size_t pos = 0;
		char label[32], both[64];

		voc_table_at(g, i, &e);
		voc_key_next(e.key, e.keylen, &pos, &p1);
		voc_key_next(e.key, e.keylen, &pos, &p2);
		voc_period_label(VOC_BY_MONTH, p2.v, label, sizeof(label));
		snprintf(both, sizeof(both), "%.*s %s", (int)p1.len, p1.s,
		    label);
		CHECK_STR(both, want[i]);
	}

	/* The books: 8 rows read (one more was outside the window), 3
	 * skipped, the first for its weight. */
	CHECK(books.rows == 8 && books.skipped == 3 && books.filtered == 1);
	CHECK(books.first_line == 5);
	CHECK_STR(books.first_why, "column \"w\": \"x\" is not a weight (a "
	    "number >= 0)");

	/* --compare previous: b/2024-02 against b/2024-01; overall: a group
	 * against the rest of its period. */
	struct voc_compare_ops ops = {less};
	struct voc_compare *cp = voc_compare_new(VOC_COMPARE_PREVIOUS, g,
	    &ops);
	struct voc_entry e2, e3, e4;
	voc_table_at(g, 2, &e2);
	voc_table_at(g, 3, &e3);
	voc_table_at(g, 4, &e4);
	const void *prev, *none = &e2;
	CHECK(voc_compare_base(cp, &e4, &prev) == 0);
	CHECK(prev != NULL && prev == e3.st);
	CHECK(voc_compare_base(cp, &e2, &none) == 0 && none == NULL);
	voc_compare_free(cp);
	struct voc_compare *co = voc_compare_new(VOC_COMPARE_OVERALL, g, &ops);
	/* 2024-02 holds 9, a and b, one answer each: the rest of a is 2.  A
	 * twin (for a second thread) reads the same totals. */
	struct voc_compare *tw = voc_compare_twin(co);
	const void *rest, *rest2;
	CHECK(voc_compare_base(co, &e2, &rest) == 0);
	CHECK(rest != NULL && *(const long *)rest == 2);
	CHECK(tw != NULL && voc_compare_base(tw, &e2, &rest2) == 0);
	CHECK(rest2 != NULL && rest2 != rest && *(const long *)rest2 == 2);
	voc_compare_free(tw);
	voc_compare_free(co);

	/* --strict: the first bad row stops with its reason. */
	voc_table_free(g);
	voc_input_close(in);
	c.strict = 1;
	memset(&books, 0, sizeof(books));
	in = voc_input_open(&c, "test", files, 1, NULL, &books, &err);
	while ((rc = voc_input_next(in, &rec, &err)) == 1)
		;
	CHECK(rc == -1 && err.line == 5 && strstr(err.msg, "not a weight"));
	voc_input_close(in);

	/* Usage errors: a missing column, an unknown zone. */
	c.strict = 0;
	c.group_by = "tema";
	CHECK(voc_input_open(&c, "test", files, 1, NULL, &books, &err) == NULL &&
	    err.kind == VOC_ERR_USAGE);
	c.group_by = "team";
	c.tz = "Nowhere/Land";
	CHECK(voc_input_open(&c, "test", files, 1, NULL, &books, &err) == NULL &&
	    err.kind == VOC_ERR_USAGE);
	unlink(path);
	return check_done("test_input");
}
