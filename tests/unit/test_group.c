/*
 * group, columns and cli: accumulators by key, sorting, column
 * references, and the shared options' checks.
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "voc/cli.h"
#include "voc/columns.h"
#include "voc/group.h"
#include "voc/input.h"

static int
by_key(const void *a, const void *b)
{
	const struct voc_group_entry *x = a, *y = b;
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(x->key, y->key, n);

	return c ? c : (int)x->keylen - (int)y->keylen;
}

int
main(void)
{
	struct voc_group *g = voc_group_new(sizeof(long));
	char key[16];

	/* 5000 keys, each seen 3 times: grows, finds, counts. */
	int got = 1;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 5000; i++) {
			int n = snprintf(key, sizeof(key), "k%d", i);
			long *v = voc_group_get(g, key, (size_t)n);

			if (v == NULL)
				got = 0;
			else
				*v += i;
		}
	CHECK(got);
	CHECK(voc_group_count(g) == 5000);
	long *v = voc_group_find(g, "k4999", 5);
	CHECK(v != NULL && *v == 3 * 4999);
	CHECK(voc_group_find(g, "nope", 4) == NULL);
	voc_group_sort(g, by_key);
	CHECK(strncmp(voc_group_entry(g, 0)->key, "k0", 2) == 0);
	CHECK(strncmp(voc_group_entry(g, 1)->key, "k1", 2) == 0);
	voc_group_free(g);

	/* Columns through a real reader. */
	char path[64];
	snprintf(path, sizeof(path), "/tmp/voc-test-group-%d", (int)getpid());
	FILE *fp = fopen(path, "w");
	fputs("Score,Region,REGION,date\n1,a,b,c\n", fp);
	fclose(fp);
	struct voc_reader_opts ro = {0};
	struct voc_error err;
	const char *p = path;
	struct voc_reader *r = voc_reader_open(&p, 1, &ro, &err);
	size_t idx, *list, n;
	CHECK(r != NULL);
	CHECK(voc_columns_find(r, "score", 5, &idx, &err) == 0 && idx == 0);
	CHECK(voc_columns_find(r, "Region", 6, &idx, &err) == 0 && idx == 1);
	CHECK(voc_columns_find(r, "region", 6, &idx, &err) == -1);
	CHECK(strstr(err.msg, "matches both") != NULL);
	CHECK(voc_columns_find(r, "4", 1, &idx, &err) == 0 && idx == 3);
	CHECK(voc_columns_find(r, "5", 1, &idx, &err) == -1);
	CHECK(voc_columns_find(r, "scroe", 5, &idx, &err) == -1 &&
	    err.kind == VOC_ERR_USAGE);
	CHECK_STR(err.msg, "no column \"scroe\"; the columns are: Score, "
	    "Region, REGION, date");
	CHECK(voc_columns_list(r, "date,1", &list, &n, &err) == 0 && n == 2 &&
	    list[0] == 3 && list[1] == 0);
	free(list);
	voc_reader_close(r);
	unlink(path);

	/* Shared options. */
	struct voc_common c;
	long long ll;
	double d;
	voc_cli_defaults(&c);
	CHECK(voc_cli_option(&c, VOC_OPT_BY, "week", &err) == 1 &&
	    c.by == VOC_BY_WEEK);
	CHECK(voc_cli_finish(&c, &err) == -1 && err.kind == VOC_ERR_USAGE);
	CHECK(voc_cli_option(&c, 't', "date", &err) == 1);
	CHECK(voc_cli_finish(&c, &err) == 0);
	CHECK_STR(c.input_tz, "UTC");
	CHECK(voc_cli_option(&c, VOC_OPT_BY, "fortnight", &err) == -1);
	CHECK(voc_cli_option(&c, 'd', "tab", &err) == 1 && c.rd.delim == '\t');
	CHECK(voc_cli_option(&c, 'd', ",,", &err) == -1);
	CHECK(voc_cli_option(&c, 's', "x", &err) == 0);
	CHECK(voc_cli_integer("12", 0, 15, "--precision", &ll, &err) == 0 &&
	    ll == 12);
	CHECK(voc_cli_integer("16", 0, 15, "--precision", &ll, &err) == -1);
	CHECK(voc_cli_integer("3x", 0, 15, "--precision", &ll, &err) == -1);
	CHECK(voc_cli_real("0.9", 0, 1, "--conf", &d, &err) == 0 && d == 0.9);
	CHECK(voc_cli_real("1", 0, 1, "--conf", &d, &err) == -1);
	return check_done("test_group");
}
