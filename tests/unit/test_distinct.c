/*
 * distinct: the hash against published XXH64 digests, base64 against the
 * RFC 4648 section 10 vectors, exact sets and HLL tokens worked by hand,
 * and HLL accuracy on seeded streams of known cardinality against the
 * published standard error 1.04 / sqrt(2^14) (Flajolet et al. 2007).
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "voc/distinct.h"

/* SplitMix64 (Steele, Lea and Flood 2014): a bijection of its counter,
 * so n calls give n different ids, and the stream is known exactly. */
static uint64_t
splitmix(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* The hash of user id i of stream seed, a string such as a real id. */
static uint64_t
user(uint64_t seed, uint64_t i)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t st = seed * UINT64_C(0x100000000) + i;
	uint64_t v = splitmix(&st);
	char id[21] = "cus_";

	for (int k = 0; k < 16; k++)
		id[4 + k] = hex[v >> (4 * k) & 15];
	return voc_distinct_hash(id, 20);
}

static int
hll_stream(struct voc_hll *h, uint64_t seed, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to; i++)
		if (voc_hll_add(h, user(seed, i), NULL) == -1)
			return -1;
	return 0;
}

static void
check_hash(const char *s, uint64_t want)
{
	uint64_t got = voc_distinct_hash(s, strlen(s));

	if (got != want)
		fprintf(stderr, "hash \"%s\" = %016llx, expected %016llx\n",
		    s, (unsigned long long)got, (unsigned long long)want);
	CHECK(got == want);
}

static void
test_hash(void)
{
	/* Published XXH64 digests, seed 0 (xxHash's own sanity tests and
	 * the bindings that copy them); 32 bytes and more take the
	 * four-lane path, the others each tail step. */
	CHECK(voc_distinct_hash(NULL, 0) == UINT64_C(0xEF46DB3751D8E999));
	check_hash("", UINT64_C(0xEF46DB3751D8E999));
	check_hash("a", UINT64_C(0xD24EC4F1A98C6E5B));
	check_hash("abc", UINT64_C(0x44BC2CF5AD770999));
	check_hash("abcd", UINT64_C(0xDE0327B0D25D92CC));
	check_hash("123456789012345", UINT64_C(0xC377D78ADE001A3C));
	check_hash("1234567890123456", UINT64_C(0xB61C33DC6C59F270));
	check_hash("12345678901234567890123456789012",
	    UINT64_C(0x40FD1AA52D98274C));
	check_hash("Nobody inspects the spammish repetition",
	    UINT64_C(0xFBCEA83C8A378BF1));
	check_hash("The quick brown fox jumps over the lazy dog",
	    UINT64_C(0x0B242D361FDA71BC));
}

static void
check_b64(const char *plain, const char *want)
{
	char out[64];
	unsigned char back[64];
	size_t n = strlen(plain), m = 0;

	CHECK(voc_distinct_b64_len(n) == strlen(want));
	CHECK(voc_distinct_b64_encode(plain, n, out) == strlen(want));
	CHECK_STR(out, want);
	CHECK(voc_distinct_b64_decode(want, strlen(want), back, &m,
	    NULL) == 0);
	CHECK(m == n && memcmp(back, plain, n) == 0);
}

static void
test_b64(void)
{
	unsigned char out[16];
	size_t m;
	struct voc_error err;

	/* RFC 4648 section 10. */
	check_b64("", "");
	check_b64("f", "Zg==");
	check_b64("fo", "Zm8=");
	check_b64("foo", "Zm9v");
	check_b64("foob", "Zm9vYg==");
	check_b64("fooba", "Zm9vYmE=");
	check_b64("foobar", "Zm9vYmFy");
	/* Every byte value and the last two alphabet letters. */
	unsigned char all[256];
	char text[400];
	unsigned char back[300];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)(255 - i);
	CHECK(voc_distinct_b64_encode(all, 256, text) == 344);
	CHECK(strncmp(text, "//79", 4) == 0);
	CHECK(voc_distinct_b64_decode(text, 344, back, &m, NULL) == 0);
	CHECK(m == 256 && memcmp(back, all, 256) == 0);

	/* Only the canonical text is accepted. */
	CHECK(voc_distinct_b64_decode("Zg=", 3, out, &m, &err) == -1);
	CHECK(err.kind == VOC_ERR_DATA);
	CHECK(voc_distinct_b64_decode("Zh==", 4, out, &m, NULL) == -1);
	CHECK(voc_distinct_b64_decode("Zm9=", 4, out, &m, NULL) == -1);
	CHECK(voc_distinct_b64_decode("Z===", 4, out, &m, NULL) == -1);
	CHECK(voc_distinct_b64_decode("Zg==Zm9v", 8, out, &m, NULL) == -1);
	CHECK(voc_distinct_b64_decode("Zm-v", 4, out, &m, NULL) == -1);
	CHECK(voc_distinct_b64_decode("Zm9v\n", 5, out, &m, NULL) == -1);
}

static void
test_set_small(void)
{
	struct voc_set a = {0}, b = {0};
	struct voc_error err;
	char *tok;
	size_t pos = 0;
	uint64_t h, sum = 0;
	int n = 0;

	CHECK(voc_set_count(&a) == 0);
	CHECK(voc_set_contains(&a, 7) == 0);
	CHECK(voc_set_add(&a, 3, &err) == 1);
	CHECK(voc_set_add(&a, 1, &err) == 1);
	CHECK(voc_set_add(&a, 0, &err) == 1);
	CHECK(voc_set_add(&a, UINT64_MAX, &err) == 1);
	CHECK(voc_set_add(&a, 3, &err) == 0);
	CHECK(voc_set_add(&a, 0, &err) == 0);
	CHECK(voc_set_count(&a) == 4);
	CHECK(voc_set_contains(&a, 0) && voc_set_contains(&a, 1) &&
	    voc_set_contains(&a, 3) && voc_set_contains(&a, UINT64_MAX));
	CHECK(!voc_set_contains(&a, 2));
	while (voc_set_next(&a, &pos, &h)) {
		n++;
		sum += h;
	}
	/* 0 + 1 + 3 + (2^64 - 1) = 3 mod 2^64. */
	CHECK(n == 4 && sum == 3);

	/* {0, 1, 3, max} u {3, 4, 5} has 6 elements. */
	CHECK(voc_set_add(&b, 5, &err) == 1);
	CHECK(voc_set_add(&b, 4, &err) == 1);
	CHECK(voc_set_add(&b, 3, &err) == 1);
	CHECK(voc_set_merge(&a, &b, &err) == 0);
	CHECK(voc_set_count(&a) == 6);
	CHECK(voc_set_count(&b) == 3);
	CHECK(voc_set_merge(&a, &a, &err) == 0);
	CHECK(voc_set_count(&a) == 6);
	voc_set_clear(&a);
	voc_set_clear(&b);
	CHECK(voc_set_count(&a) == 0);

	/* {2, 1} by hand: 01 00*7 02 00*7 in base64 is
	 * AQAA AAAA AAAC AAAA AAAA AA==, whatever the order of adding. */
	voc_set_add(&a, 2, NULL);
	voc_set_add(&a, 1, NULL);
	tok = voc_set_save(&a, &err);
	CHECK_STR(tok, "s1:AQAAAAAAAAACAAAAAAAAAA==");
	voc_set_add(&b, 1, NULL);
	CHECK(voc_set_load(&b, tok, strlen(tok), &err) == 0);
	CHECK(voc_set_count(&b) == 2 && voc_set_contains(&b, 2));
	free(tok);
	/* The empty set, and refused tokens: unsorted, repeated, partial,
	 * another kind. */
	struct voc_set e = {0};
	tok = voc_set_save(&e, &err);
	CHECK_STR(tok, "s1:");
	free(tok);
	CHECK(voc_set_load(&e, "s1:", 3, &err) == 0);
	CHECK(voc_set_count(&e) == 0);
	const char *bad[] = {
		"s1:AgAAAAAAAAABAAAAAAAAAA==",	/* 2, 1 */
		"s1:AQAAAAAAAAABAAAAAAAAAA==",	/* 1, 1 */
		"s1:AQAAAAAAAA==",		/* 7 bytes */
		"h1:AQAAAAAAAAA=",
		"s1AQAAAAAAAAA=",
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		err.kind = VOC_ERR_NONE;
		CHECK(voc_set_load(&e, bad[k], strlen(bad[k]), &err) == -1);
		CHECK(err.kind == VOC_ERR_DATA);
	}
	CHECK(voc_set_count(&e) == 0);
	CHECK(voc_set_memory(&e) == 0);
	voc_set_clear(&e);
	voc_set_clear(&a);
	voc_set_clear(&b);
}

static void
test_set_large(void)
{
	struct voc_error err;
	struct voc_set *all = voc_set_new(&err), *lo = voc_set_new(&err);
	struct voc_set *hi = voc_set_new(&err), *back = voc_set_new(&err);
	const uint64_t n = 1000000;
	int ok = 1;

	CHECK(all && lo && hi && back);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t h = user(1, i);
		ok &= voc_set_add(all, h, &err) == 1;
		if (i < 600000)
			ok &= voc_set_add(lo, h, &err) == 1;
		if (i >= 400000)
			ok &= voc_set_add(hi, h, &err) == 1;
	}
	CHECK(ok);
	/* Adding the stream again changes nothing. */
	for (uint64_t i = 0; i < n; i += 7)
		ok &= voc_set_add(all, user(1, i), &err) == 0;
	CHECK(ok);
	CHECK(voc_set_count(all) == n);
	CHECK(voc_set_count(lo) == 600000 && voc_set_count(hi) == 600000);
	CHECK(voc_set_merge(lo, hi, &err) == 0);
	CHECK(voc_set_count(lo) == n);
	CHECK(voc_set_contains(lo, user(1, 0)) &&
	    voc_set_contains(lo, user(1, n - 1)));
	CHECK(!voc_set_contains(lo, user(1, n)));
	fprintf(stderr, "set: %zu hashes in %zu bytes, %.1f bytes each\n",
	    voc_set_count(all), voc_set_memory(all),
	    (double)voc_set_memory(all) / (double)voc_set_count(all));

	/* The merged set saves to the same token as the whole stream. */
	char *t1 = voc_set_save(all, &err), *t2 = voc_set_save(lo, &err);
	CHECK(t1 != NULL && t2 != NULL);
	CHECK(strlen(t1) == 3 + voc_distinct_b64_len(8 * n));
	CHECK(strcmp(t1, t2) == 0);
	CHECK(voc_set_load(back, t1, strlen(t1), &err) == 0);
	CHECK(voc_set_count(back) == n);
	char *t3 = voc_set_save(back, &err);
	CHECK(strcmp(t1, t3) == 0);
	free(t1);
	free(t2);
	free(t3);
	voc_set_free(all);
	voc_set_free(lo);
	voc_set_free(hi);
	voc_set_free(back);
	voc_set_free(NULL);
}

/* A dense token with one register set: register 3 value 2 sits in the
 * first 3-byte group at bits 18..23, so the bytes are 00 00 08. */
static char *
dense_token_r3v2(void)
{
	size_t n = 2 + 12288;
	unsigned char *b = calloc(n, 1);
	char *t = malloc(3 + voc_distinct_b64_len(n) + 1);

	b[0] = 14;
	b[1] = 2;
	b[4] = 0x08;
	memcpy(t, "h1:", 3);
	voc_distinct_b64_encode(b, n, t + 3);
	free(b);
	return t;
}

static void
test_hll_small(void)
{
	struct voc_hll h, g = {0};
	struct voc_error err;
	char *tok;

	voc_hll_init(&h);
	CHECK(voc_hll_estimate(&h) == 0);
	/* Bytes 0E 01 (p = 14, sparse, no registers). */
	tok = voc_hll_save(&h, &err);
	CHECK_STR(tok, "h1:DgE=");
	free(tok);

	/* Register 3 (top 14 bits), then a 0 and a 1 bit: value 2.  Sparse
	 * entry 3 << 6 | 2 = 0x0000C2, so the bytes are 0E 01 C2 00 00. */
	uint64_t x = UINT64_C(3) << 50 | UINT64_C(1) << 48;
	CHECK(voc_hll_add(&h, x, &err) == 0);
	CHECK(voc_hll_add(&h, UINT64_C(3) << 50 | UINT64_C(1) << 49,
	    &err) == 0);	/* value 1: no change */
	CHECK(voc_hll_nonzero(&h) == 1);
	tok = voc_hll_save(&h, &err);
	CHECK_STR(tok, "h1:DgHCAAA=");
	free(tok);
	/* The same register read from a dense token: same registers, same
	 * (sparse, canonical) token, same estimate. */
	tok = dense_token_r3v2();
	CHECK(voc_hll_load(&g, tok, strlen(tok), &err) == 0);
	free(tok);
	CHECK(voc_hll_equal(&g, &h) && voc_hll_equal(&h, &g));
	CHECK(voc_hll_estimate(&g) == voc_hll_estimate(&h));
	tok = voc_hll_save(&g, &err);
	CHECK_STR(tok, "h1:DgHCAAA=");
	free(tok);
	/* One element: m sigma((m-1)/m) dominates, m ln(m/(m-1)) ~ 1. */
	CHECK_NEAR(voc_hll_estimate(&h), 1, 0.01);
	/* A hash whose low 50 bits are all zero takes the top value 51. */
	CHECK(voc_hll_add(&h, UINT64_C(5) << 50, &err) == 0);
	tok = voc_hll_save(&h, &err);
	/* 0E 01 C2 00 00, then 5 << 6 | 51 = 0x173: 73 01 00. */
	CHECK_STR(tok, "h1:DgHCAABzAQA=");
	free(tok);
	voc_hll_clear(&h);
	voc_hll_clear(&g);

	/* Refused tokens leave the sketch as it was. */
	const char *bad[] = {
		"h1:DQE=",		/* p = 13 */
		"h1:DgM=",		/* form 3 */
		"h1:DgHCAA==",		/* partial register */
		"h1:DgE0AAA=",		/* value 52 */
		"h1:DgEAAAA=",		/* value 0 */
		"h1:DgHCAADCAAA=",	/* register 3 twice */
		"h1:DgI=",		/* dense without registers */
		"s1:DgE=",
	};
	voc_hll_add(&h, x, NULL);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		err.kind = VOC_ERR_NONE;
		CHECK(voc_hll_load(&h, bad[k], strlen(bad[k]), &err) == -1);
		CHECK(err.kind == VOC_ERR_DATA);
	}
	tok = voc_hll_save(&h, &err);
	CHECK_STR(tok, "h1:DgHCAAA=");
	free(tok);
	voc_hll_clear(&h);

	/* Registers 0..99 at value 1, as 100 users without a collision
	 * may leave them.  Ertl's Algorithm 6 by hand: C_0 = 16284,
	 * C_1 = 100, tau(1) = 0, so z = m sigma(16284/16384) + 100/2 and
	 * m^2 / (2 ln 2) / z = 100.3053263 (the sigma series summed in
	 * Python).  Linear counting (Whang, Vander-Zanden and Taylor 1990),
	 * m ln(m / (m - 100)) = 100.30642, is within 0.002 of it. */
	for (uint64_t i = 0; i < 100; i++)
		voc_hll_add(&h, i << 50 | UINT64_C(1) << 49, NULL);
	CHECK(voc_hll_nonzero(&h) == 100);
	CHECK_NEAR(voc_hll_estimate(&h), 100.3053263, 1e-6);
	CHECK_NEAR(voc_hll_estimate(&h), 100.30642, 0.002);
	voc_hll_clear(&h);

	/* The top of the range, where tau matters: 8,192 registers at the
	 * top value 51 (hashes with the low 50 bits zero) and 8,192 at 40
	 * (bit 10 the first one set).  Algorithm 6 by hand, with tau and
	 * sigma summed as the series of Ertl's equations in Python (tau(1/2)
	 * = 0.14992950): 2.5981675153e16. */
	for (uint64_t i = 0; i < VOC_HLL_M; i++)
		voc_hll_add(&h, i < VOC_HLL_M / 2 ? i << 50 :
		    i << 50 | UINT64_C(1) << 10, NULL);
	CHECK_NEAR(voc_hll_estimate(&h) / 2.5981675153099444e16, 1, 1e-9);
	voc_hll_clear(&h);

	/* The token is sparse up to 4,095 nonzero registers (2 + 3 * 4095
	 * bytes, 16,384 characters) and dense from 4,096 (2 + 12,288 bytes,
	 * 16,388 characters), whichever form the sketch is in. */
	for (uint64_t i = 0; i < 4095; i++)
		voc_hll_add(&h, i << 50 | UINT64_C(1) << 49, NULL);
	tok = voc_hll_save(&h, &err);
	CHECK(tok != NULL && strlen(tok) == 3 + 16384);
	CHECK(voc_hll_load(&g, tok, strlen(tok), &err) == 0);
	CHECK(voc_hll_equal(&g, &h));
	free(tok);
	voc_hll_add(&h, UINT64_C(4095) << 50 | UINT64_C(1) << 49, NULL);
	tok = voc_hll_save(&h, &err);
	CHECK(tok != NULL && strlen(tok) == 3 + 16388);
	CHECK(voc_hll_load(&g, tok, strlen(tok), &err) == 0);
	CHECK(voc_hll_equal(&g, &h));
	free(tok);
	voc_hll_clear(&h);
	voc_hll_clear(&g);

	/* Small cardinalities are near exact: the estimator behaves as
	 * linear counting there, whose standard deviation is about
	 * n / sqrt(2m) = n / 181 (Whang et al. 1990); 3.6 of them. */
	const uint64_t small[] = { 10, 100 };
	for (int k = 0; k < 2; k++) {
		double tol = 3.6 * (double)small[k] / 181;
		for (uint64_t seed = 1; seed <= 5; seed++) {
			voc_hll_init(&h);
			hll_stream(&h, 100 + seed, 0, small[k]);
			hll_stream(&h, 100 + seed, 0, small[k]);
			CHECK_NEAR(voc_hll_estimate(&h), (double)small[k],
			    tol);
			voc_hll_clear(&h);
		}
	}
}

/* Estimates one stream of n users (each added twice, as returning
 * users are) and checks the relative error against 3 standard errors;
 * returns the relative error. */
static double
check_hll_n(uint64_t seed, uint64_t n)
{
	struct voc_hll h = {0};

	CHECK(hll_stream(&h, seed, 0, n) == 0);
	CHECK(hll_stream(&h, seed, 0, n / 10) == 0);
	double rel = voc_hll_estimate(&h) / (double)n - 1;
	CHECK_NEAR(rel, 0, 3 * VOC_HLL_RSE);
	voc_hll_clear(&h);
	return rel;
}

/* The sketches of two overlapping parts, merged, equal the sketch of the
 * whole register for register; and save -> load gives it back. */
static void
check_hll_merge(uint64_t seed, uint64_t n)
{
	struct voc_hll all = {0}, a = {0}, b = {0}, back = {0};
	struct voc_error err;

	CHECK(hll_stream(&all, seed, 0, n) == 0);
	CHECK(hll_stream(&a, seed, 0, n * 6 / 10) == 0);
	CHECK(hll_stream(&b, seed, n * 4 / 10, n) == 0);
	CHECK(!voc_hll_equal(&a, &all) || n < 10);
	CHECK(voc_hll_merge(&a, &b, &err) == 0);
	CHECK(voc_hll_equal(&a, &all));
	CHECK(voc_hll_estimate(&a) == voc_hll_estimate(&all));
	/* The other way round, and merging in itself, change nothing. */
	CHECK(voc_hll_merge(&b, &a, &err) == 0);
	CHECK(voc_hll_merge(&b, &b, &err) == 0);
	CHECK(voc_hll_equal(&b, &all));

	char *t1 = voc_hll_save(&all, &err), *t2 = voc_hll_save(&a, &err);
	CHECK(t1 != NULL && t2 != NULL && strcmp(t1, t2) == 0);
	CHECK(voc_hll_load(&back, t1, strlen(t1), &err) == 0);
	CHECK(voc_hll_equal(&back, &all));
	char *t3 = voc_hll_save(&back, &err);
	CHECK(strcmp(t1, t3) == 0);
	/* Loading into a sketch merges. */
	voc_hll_clear(&b);
	CHECK(hll_stream(&b, seed, n * 4 / 10, n) == 0);
	char *t4 = voc_hll_save(&b, &err);
	voc_hll_clear(&back);
	CHECK(hll_stream(&back, seed, 0, n * 6 / 10) == 0);
	CHECK(voc_hll_load(&back, t4, strlen(t4), &err) == 0);
	CHECK(voc_hll_equal(&back, &all));
	free(t1);
	free(t2);
	free(t3);
	free(t4);
	voc_hll_clear(&all);
	voc_hll_clear(&a);
	voc_hll_clear(&b);
	voc_hll_clear(&back);
}

int
main(void)
{
	test_hash();
	test_b64();
	test_set_small();
	test_set_large();
	test_hll_small();

	/* Sparse + sparse (few registers), sparse + dense, dense + dense,
	 * and a token of each form. */
	check_hll_merge(11, 500);
	check_hll_merge(15, 2600);	/* two sparse, the union dense */
	check_hll_merge(12, 3000);
	check_hll_merge(13, 8000);
	check_hll_merge(14, 1000000);

	/* Over 40 streams of 100,000 users (n / m = 6, where the
	 * asymptotic analysis holds) the mean relative error (the bias) is
	 * within 3 standard errors of the mean, 3 RSE / sqrt(40), and the
	 * root mean square error within the 0.1% and 99.9% points of
	 * sqrt(chi^2_40 / 40) times RSE, 0.669 and 1.355 (chi^2_40
	 * quantiles 17.916 and 73.402, from GSL's gsl_cdf_chisq_Pinv):
	 * the estimator's spread is the published one, not only its
	 * centre. */
	double sum = 0, sum2 = 0;
	for (uint64_t seed = 1; seed <= 40; seed++) {
		struct voc_hll h = {0};
		hll_stream(&h, 1000 + seed, 0, 100000);
		double rel = voc_hll_estimate(&h) / 100000 - 1;
		sum += rel;
		sum2 += rel * rel;
		voc_hll_clear(&h);
	}
	double rms = sqrt(sum2 / 40);
	CHECK_NEAR(sum / 40, 0, 3 * VOC_HLL_RSE / sqrt(40));
	CHECK(rms >= 0.669 * VOC_HLL_RSE && rms <= 1.355 * VOC_HLL_RSE);
	fprintf(stderr, "hll: 40 streams of 100000: mean error %+.4f%%, "
	    "rms %.4f%%\n", 100 * sum / 40, 100 * rms);

	double r3 = check_hll_n(21, 1000);
	double r5 = check_hll_n(22, 100000);
	double r6 = check_hll_n(23, 1000000);
	clock_t t0 = clock();
	double r7 = check_hll_n(24, 10000000);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	fprintf(stderr, "hll: relative error %+.4f%% at 1e3, %+.4f%% at 1e5, "
	    "%+.4f%% at 1e6, %+.4f%% at 1e7 (%.1f s); standard error "
	    "%.4f%%\n", 100 * r3, 100 * r5, 100 * r6, 100 * r7, secs,
	    100 * VOC_HLL_RSE);
	return check_done("test_distinct");
}
