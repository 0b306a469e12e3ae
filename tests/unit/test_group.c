/*
 * table, key, columns and cli: states by key, the one total order of
 * keys, column references, and the shared options' checks.
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "voc/cli.h"
#include "voc/columns.h"
#include "voc/input.h"
#include "voc/key.h"
#include "voc/table.h"

static int
add(void *dst, const void *src, const void *cfg)
{
	(void)cfg;
	*(long *)dst += *(const long *)src;
	return 0;
}

static const struct voc_state_ops longs = {"long", 1, NULL, add, NULL, NULL,
    NULL, NULL};

/* The key of one text part. */
static void
text_key(struct voc_key *k, const char *s)
{
	voc_key_reset(k);
	voc_key_text(k, s, strlen(s));
}

/* The first part of entry i as a string. */
static const char *
first_text(const struct voc_table *t, size_t i, char *buf, size_t size)
{
	struct voc_entry e;
	struct voc_key_part p;
	size_t pos = 0;

	voc_table_at(t, i, &e);
	buf[0] = '\0';
	if (voc_key_next(e.key, e.keylen, &pos, &p) && !p.is_int)
		snprintf(buf, size, "%.*s", (int)p.len, p.s);
	return buf;
}

int
main(void)
{
	struct voc_table *t = voc_table_new(&longs, sizeof(long), NULL);
	struct voc_key k = {0};
	char key[16], buf[32];

	/* 5000 keys, each seen 3 times: grows, finds, counts. */
	int got = 1;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 5000; i++) {
			snprintf(key, sizeof(key), "k%d", i);
			text_key(&k, key);
			long *v = voc_table_get(t, k.buf, k.len);

			if (v == NULL)
				got = 0;
			else
				*v += i;
		}
	CHECK(got);
	CHECK(voc_table_count(t) == 5000);
	text_key(&k, "k4999");
	long *v = voc_table_find(t, k.buf, k.len);
	CHECK(v != NULL && *v == 3 * 4999);
	text_key(&k, "nope");
	CHECK(voc_table_find(t, k.buf, k.len) == NULL);
	CHECK(voc_table_sort(t) == 0);
	CHECK_STR(first_text(t, 0, buf, sizeof(buf)), "k0");
	CHECK_STR(first_text(t, 1, buf, sizeof(buf)), "k1");
	text_key(&k, "k17");
	v = voc_table_find(t, k.buf, k.len);	/* found after sorting */
	CHECK(v != NULL && *v == 3 * 17);
	voc_table_free(t);

	/*
	 * 300,000 keys: the index grows to 65,536 groups of 8, and at three
	 * quarters full many home groups are full and send their keys on to
	 * the next.  Every key is found with its own value, before and after
	 * a merge into a second table, and none of 10,000 absent ones is.
	 */
	t = voc_table_new(&longs, sizeof(long), NULL);
	got = 1;
	for (int i = 0; i < 300000; i++) {
		snprintf(key, sizeof(key), "u%d", i);
		text_key(&k, key);
		if ((v = voc_table_get(t, k.buf, k.len)) == NULL)
			got = 0;
		else
			*v = i;
	}
	struct voc_table *t2 = voc_table_new(&longs, sizeof(long), NULL);
	CHECK(got && voc_table_count(t) == 300000);
	CHECK(voc_table_merge(t2, t) == 0 && voc_table_merge(t2, t) == 0);
	int found = 1, absent = 1;
	for (int i = 0; i < 300000; i++) {
		snprintf(key, sizeof(key), "u%d", i);
		text_key(&k, key);
		v = voc_table_find(t, k.buf, k.len);
		long *v2 = voc_table_find(t2, k.buf, k.len);
		if (v == NULL || *v != i || v2 == NULL || *v2 != 2L * i)
			found = 0;
	}
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "x%d", i);
		text_key(&k, key);
		if (voc_table_find(t, k.buf, k.len) != NULL)
			absent = 0;
	}
	CHECK(found);
	CHECK(absent);
	CHECK(voc_table_count(t2) == 300000);

	/*
	 * The batched lookup: prefetch_entry gives a hint for almost every
	 * key (none for the few a full home group sent on: 1.7 % here);
	 * with it, another key's entry as the hint, or none, the key's own
	 * state is found; a key absent when its hint was taken, then added
	 * (by an earlier row of the batch), is found, not added twice.
	 */
	int hinted = 1, none = 0;
	const void *other = NULL;
	for (int i = 0; i < 300000; i += 7) {
		snprintf(key, sizeof(key), "u%d", i);
		text_key(&k, key);
		uint64_t h = voc_table_prefetch(t, k.buf, k.len);
		const void *hint = voc_table_prefetch_entry(t, h);
		long *want = voc_table_find(t, k.buf, k.len);

		none += hint == NULL;
		if (voc_table_get_hashed(t, k.buf, k.len, h, hint) != want ||
		    voc_table_get_hashed(t, k.buf, k.len, h, other) != want ||
		    voc_table_get_hashed(t, k.buf, k.len, h, NULL) != want)
			hinted = 0;
		other = hint;
	}
	CHECK(none < 300000 / 7 / 20);
	CHECK(hinted);
	text_key(&k, "late");
	uint64_t lh = voc_table_prefetch(t, k.buf, k.len);
	const void *lhint = voc_table_prefetch_entry(t, lh);
	long *late = voc_table_get(t, k.buf, k.len);
	CHECK(late != NULL && voc_table_get_hashed(t, k.buf, k.len, lh,
	    lhint) == late && voc_table_count(t) == 300001);
	voc_table_free(t2);
	voc_table_free(t);

	/*
	 * One total order whatever the input order: numbers before text,
	 * numbers numerically (ties by bytes), text by bytes.  Every
	 * permutation of these seven values sorts alike.
	 */
	const char *vals[] = {"1a", "10", "9", "-2.5", "9.0", "", "B"};
	const char *want[] = {"-2.5", "9", "9.0", "10", "", "1a", "B"};
	int perm[7] = {0, 1, 2, 3, 4, 5, 6}, same = 1, nperm = 0;
	for (;;) {
		t = voc_table_new(&longs, sizeof(long), NULL);
		for (int i = 0; i < 7; i++) {
			text_key(&k, vals[perm[i]]);
			voc_table_get(t, k.buf, k.len);
		}
		voc_table_sort(t);
		for (int i = 0; i < 7; i++)
			if (strcmp(first_text(t, (size_t)i, buf, sizeof(buf)),
			    want[i]) != 0)
				same = 0;
		voc_table_free(t);
		nperm++;
		/* The next permutation in lexicographic order. */
		int i = 5;
		while (i >= 0 && perm[i] > perm[i + 1])
			i--;
		if (i < 0)
			break;
		int j = 6;
		while (perm[j] < perm[i])
			j--;
		int tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
		for (int a = i + 1, b = 6; a < b; a++, b--) {
			tmp = perm[a];
			perm[a] = perm[b];
			perm[b] = tmp;
		}
	}
	CHECK(nperm == 5040);
	CHECK(same);

	/* The sort's shortcuts (a first part's class, number or first 8
	 * bytes) agree with voc_key_cmp on random keys of every kind: int
	 * parts, numeric and other texts sharing long prefixes, high bytes,
	 * NUL bytes, totals, no parts, several parts. */
	t = voc_table_new(&longs, sizeof(long), NULL);
	unsigned long long rnd = 0x9E3779B97F4A7C15ULL;
	const char *stems[] = {"", "a", "abcdefgh", "abcdefghi", "abcdefgh\xc3",
	    "\xe3\x81\x82", "-1", "10", "2.50", "1e3", "007", "B", "-0", "0",
	    "1e999", "-1e999", "customer_", "customer_00", "https://x.example/",
	    "https://x.example/a/b/c/d/e/f/"};
	for (int i = 0; i < 20000; i++) {
		rnd ^= rnd << 13;
		rnd ^= rnd >> 7;
		rnd ^= rnd << 17;
		int parts = (int)(rnd >> 50) % 3;

		voc_key_reset(&k);
		for (int pi = 0; pi < parts; pi++) {
			rnd ^= rnd << 13;
			rnd ^= rnd >> 7;
			rnd ^= rnd << 17;
			char s[32];
			size_t len = (size_t)snprintf(s, sizeof(s), "%s",
			    stems[rnd % 20]);

			switch ((rnd >> 8) % 6) {
			case 0: {
				static const int64_t big[] = {INT64_MIN,
				    INT64_MAX, (1LL << 53) + 1, 1LL << 53,
				    -(1LL << 53) - 1};

				voc_key_int(&k, (rnd >> 24) % 4 == 0 ?
				    big[(rnd >> 30) % 5] :
				    (int64_t)(rnd >> 20) % 7 - 3);
				continue;
			}
			case 1:
				if ((rnd >> 30) % 50 == 0) {
					voc_key_total(&k);
					continue;
				}
				break;
			case 2:
				s[len++] = (char)((rnd >> 24) % 4 ? 'a' +
				    (rnd >> 26) % 3 : 0);
				break;
			case 3:
				len += (size_t)snprintf(s + len,
				    sizeof(s) - len, "%d", (int)(rnd >> 40) % 20);
				break;
			case 4:
				/* Long texts that tie on 8, 16, ... bytes. */
				for (int d = (int)(rnd >> 44) % 24; d > 0 &&
				    len + 1 < sizeof(s); d--)
					s[len++] = (char)('a' + (rnd >> (d % 40)) % 2);
				break;
			default:
				break;
			}
			voc_key_text(&k, s, len);
		}
		voc_table_get(t, k.buf, k.len);
	}
	CHECK(voc_table_sort(t) == 0);
	int ordered = 1;
	for (size_t i = 1; i < voc_table_count(t); i++) {
		struct voc_entry a, b;

		voc_table_at(t, i - 1, &a);
		voc_table_at(t, i, &b);
		if (voc_key_cmp(a.key, a.keylen, b.key, b.keylen) >= 0)
			ordered = 0;
	}
	CHECK(voc_table_count(t) > 1000);
	CHECK(ordered);
	voc_table_free(t);

	/* Keys are bytes of their own: a number part orders numerically,
	 * and the encoding does not depend on the host. */
	voc_key_reset(&k);
	voc_key_int(&k, -3);
	CHECK(k.len == 9 && (unsigned char)k.buf[0] == 2 &&
	    (unsigned char)k.buf[1] == 0x7F && (unsigned char)k.buf[8] == 0xFD);
	struct voc_key k2 = {0};
	voc_key_int(&k2, 2);
	CHECK(voc_key_cmp(k.buf, k.len, k2.buf, k2.len) < 0);
	voc_key_text(&k2, "x", 1);
	CHECK(voc_key_count(k2.buf, k2.len) == 2);
	double d0;
	CHECK(voc_key_number("1e3", 3, &d0) && d0 == 1000);
	CHECK(!voc_key_number("inf", 3, &d0) && !voc_key_number("0x1", 3, &d0)
	    && !voc_key_number(" 1", 2, &d0) && !voc_key_number("-", 1, &d0));
	voc_key_free(&k);
	voc_key_free(&k2);

	/* Merging tables adds states key by key. */
	struct voc_table *ta = voc_table_new(&longs, sizeof(long), NULL);
	struct voc_table *tb = voc_table_new(&longs, sizeof(long), NULL);
	text_key(&k, "x");
	*(long *)voc_table_get(ta, k.buf, k.len) = 2;
	*(long *)voc_table_get(tb, k.buf, k.len) = 5;
	text_key(&k, "y");
	*(long *)voc_table_get(tb, k.buf, k.len) = 7;
	CHECK(voc_table_merge(ta, tb) == 0 && voc_table_count(ta) == 2);
	text_key(&k, "x");
	CHECK(*(long *)voc_table_find(ta, k.buf, k.len) == 7);
	voc_table_free(ta);
	voc_table_free(tb);
	voc_key_free(&k);

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
	CHECK_STR(err.msg, "no column \"scroe\"; the columns are: 1 Score, "
	    "2 Region, 3 REGION, 4 date");
	CHECK(voc_columns_list(r, "date,1", "-g", &list, &n, &err) == 0 &&
	    n == 2 && list[0] == 3 && list[1] == 0);
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
