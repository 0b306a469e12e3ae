/*
 * Distinct counts (see include/voc/distinct.h): the user-id hash, base64
 * for state tokens, an exact set of hashes and a HyperLogLog sketch.
 *
 * The hash is XXH64 because it is well known and specified, fast on the
 * short strings user ids are, passes SMHasher, and can be recomputed by
 * anyone outside this code with any XXH64 implementation.  Counting needs no secret key, so
 * SipHash's protection against chosen collisions buys nothing here.
 *
 * The exact set is linear probing over bare 64-bit slots, with the hash 0
 * kept as a flag so that 0 can mark an empty slot; the table doubles when
 * three quarters full, so it holds 8 / 0.75 to 8 / 0.375 bytes per element.
 * Its token is the sorted hashes, 8 bytes little-endian each, in base64:
 * sorting makes it canonical, and fixed-width words beat delta varints
 * below about 2^8 elements, where most per-day, per-group sets are.
 *
 * The HyperLogLog sketch has p = 14: register i takes the top 14 bits of
 * the hash, and its value is 1 plus the number of leading zeros of the
 * other 50 bits (51 when they are all zero), as in Flajolet, Fusy,
 * Gandouet and Meunier, "HyperLogLog: the analysis of a near-optimal
 * cardinality estimation algorithm" (AofA 2007), with 64-bit hashes so no
 * large-range correction is needed.  While at most SPARSE_MAX registers
 * are nonzero it keeps only those, as (index, value) pairs in a small
 * open-addressing table (8 KB at most, against 16 KB of registers; a
 * table rather than a sorted array, so an addition never moves memory);
 * the pairs are the registers, not an approximation of them, so the
 * estimate and merges are the same in both forms.  The estimate is Ertl's improved raw estimator, which reads only
 * the histogram of register values and is unbiased from 0 to 2^50 without
 * empirical bias tables.
 *
 * HLL token payload (after base64): byte 0 is p (14), byte 1 the form.
 * Form 1, sparse: 3 bytes little-endian per nonzero register, index << 6
 * | value, indices ascending.  Form 2, dense: the 16,384 registers packed
 * 6 bits each, four to 3 bytes little-endian (register 4k in the low
 * bits).  Sparse is written exactly when it is shorter (fewer than 4,096
 * nonzero registers), so the token depends only on the registers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voc/distinct.h"

/* --- XXH64 (xxHash specification, section "XXH64 algorithm") --- */

#define P64_1 UINT64_C(0x9E3779B185EBCA87)
#define P64_2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define P64_3 UINT64_C(0x165667B19E3779F9)
#define P64_4 UINT64_C(0x85EBCA77C2B2AE63)
#define P64_5 UINT64_C(0x27D4EB2F165667C5)

static uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* Reading byte by byte makes the hash independent of the machine's byte
 * order and alignment; compilers turn it into one load. */
static uint64_t
load_le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56;
}

static uint32_t
load_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
store_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
xxh_round(uint64_t acc, uint64_t lane)
{
	acc += lane * P64_2;
	acc = rotl64(acc, 31);
	return acc * P64_1;
}

static uint64_t
xxh_merge_round(uint64_t acc, uint64_t v)
{
	acc ^= xxh_round(0, v);
	return acc * P64_1 + P64_4;
}

uint64_t
voc_distinct_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	const unsigned char *end = p + len;
	const uint64_t seed = 0;
	uint64_t acc;

	if (len >= 32) {
		uint64_t v1 = seed + P64_1 + P64_2, v2 = seed + P64_2;
		uint64_t v3 = seed, v4 = seed - P64_1;

		while (end - p >= 32) {
			v1 = xxh_round(v1, load_le64(p));
			v2 = xxh_round(v2, load_le64(p + 8));
			v3 = xxh_round(v3, load_le64(p + 16));
			v4 = xxh_round(v4, load_le64(p + 24));
			p += 32;
		}
		acc = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) +
		    rotl64(v4, 18);
		acc = xxh_merge_round(acc, v1);
		acc = xxh_merge_round(acc, v2);
		acc = xxh_merge_round(acc, v3);
		acc = xxh_merge_round(acc, v4);
	} else
		acc = seed + P64_5;
	acc += (uint64_t)len;
	while (end - p >= 8) {
		acc ^= xxh_round(0, load_le64(p));
		acc = rotl64(acc, 27) * P64_1 + P64_4;
		p += 8;
	}
	if (end - p >= 4) {
		acc ^= (uint64_t)load_le32(p) * P64_1;
		acc = rotl64(acc, 23) * P64_2 + P64_3;
		p += 4;
	}
	while (p < end) {
		acc ^= *p++ * P64_5;
		acc = rotl64(acc, 11) * P64_1;
	}
	/* The final avalanche, so every input bit reaches every output
	 * bit: HLL needs the top and the low bits equally random. */
	acc ^= acc >> 33;
	acc *= P64_2;
	acc ^= acc >> 29;
	acc *= P64_3;
	acc ^= acc >> 32;
	return acc;
}

/* --- base64 (RFC 4648 section 4) --- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
voc_distinct_b64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

size_t
voc_distinct_b64_max(size_t len)
{
	return len / 4 * 3;
}

size_t
voc_distinct_b64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	char *o = out;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16 |
		    (unsigned long)p[i + 1] << 8 | p[i + 2];
		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[v >> 12 & 63];
		*o++ = b64_alphabet[v >> 6 & 63];
		*o++ = b64_alphabet[v & 63];
	}
	if (n - i == 1) {
		*o++ = b64_alphabet[p[i] >> 2];
		*o++ = b64_alphabet[(p[i] & 3) << 4];
		*o++ = '=';
		*o++ = '=';
	} else if (n - i == 2) {
		unsigned v = (unsigned)p[i] << 8 | p[i + 1];
		*o++ = b64_alphabet[v >> 10];
		*o++ = b64_alphabet[v >> 4 & 63];
		*o++ = b64_alphabet[(v & 15) << 2];
		*o++ = '=';
	}
	*o = '\0';
	return (size_t)(o - out);
}

/* The value of a base64 digit, or -1. */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
voc_distinct_b64_decode(const char *in, size_t len, void *out,
    size_t *outlen, struct voc_error *err)
{
	const unsigned char *s = (const unsigned char *)in;
	unsigned char *o = out;
	size_t i;

	if (len % 4 != 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "base64 text of %zu characters is not a multiple of 4",
		    len);
	for (i = 0; i < len; i += 4) {
		int d[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			d[k] = b64_value(s[i + k]);
			if (d[k] >= 0 && pad == 0)
				continue;
			/* "=" may end the last group only: "xx==" or
			 * "xxx=". */
			if (s[i + k] == '=' && i + 4 == len && k >= 2) {
				pad++;
				d[k] = 0;
				continue;
			}
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "bad base64 character at offset %zu", i + k);
		}
		unsigned long v = (unsigned long)d[0] << 18 |
		    (unsigned long)d[1] << 12 | (unsigned long)d[2] << 6 |
		    (unsigned long)d[3];
		/* Canonical text only: the bits padding drops must be 0. */
		if ((pad == 1 && (v & 0xff) != 0) ||
		    (pad == 2 && (v & 0xffff) != 0))
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "non-canonical base64 padding");
		*o++ = (unsigned char)(v >> 16);
		if (pad < 2)
			*o++ = (unsigned char)(v >> 8);
		if (pad < 1)
			*o++ = (unsigned char)v;
	}
	*outlen = (size_t)(o - (unsigned char *)out);
	return 0;
}

/* Decodes the token prefix and base64 body into a new buffer. */
static unsigned char *
token_decode(const char *tok, size_t len, const char *prefix, size_t *n,
    struct voc_error *err)
{
	size_t plen = strlen(prefix);
	unsigned char *buf;

	if (len < plen || memcmp(tok, prefix, plen) != 0) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "state token does not start with \"%s\"", prefix);
		return NULL;
	}
	/* One spare byte so an empty body still gets a real buffer. */
	buf = malloc(voc_distinct_b64_max(len - plen) + 1);
	if (buf == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	if (voc_distinct_b64_decode(tok + plen, len - plen, buf, n,
	    err) == -1) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* prefix followed by the base64 of n bytes, as a new string. */
static char *
token_encode(const char *prefix, const unsigned char *bytes, size_t n,
    struct voc_error *err)
{
	size_t plen = strlen(prefix);
	char *s = malloc(plen + voc_distinct_b64_len(n) + 1);

	if (s == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	memcpy(s, prefix, plen);
	voc_distinct_b64_encode(bytes, n, s + plen);
	return s;
}

/* --- the exact set --- */

#define SET_MIN_CAP 16

/* The home slot: Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4) takes the
 * top bits of h times 2^64 / phi, so even hashes that are not random
 * (small integers) spread over the table. */
static size_t
set_home(const struct voc_set *s, uint64_t h)
{
	return (size_t)((h * UINT64_C(0x9E3779B97F4A7C15)) >> s->shift);
}

/* Places nonzero h, known absent, in a table with a free slot. */
static void
set_place(struct voc_set *s, uint64_t h)
{
	size_t mask = s->cap - 1, i = set_home(s, h);

	while (s->slot[i] != 0)
		i = (i + 1) & mask;
	s->slot[i] = h;
}

/* Grows the table to hold want nonzero hashes under 3/4 load. */
static int
set_reserve(struct voc_set *s, size_t want, struct voc_error *err)
{
	size_t cap = s->cap ? s->cap : SET_MIN_CAP;
	unsigned shift = s->cap ? s->shift : 64 - 4;
	uint64_t *old = s->slot;
	size_t oldcap = s->cap;

	if (want == 0)
		return 0;
	while (want > cap / 4 * 3) {
		if (cap > SIZE_MAX / 2 / sizeof(uint64_t))
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		cap *= 2;
		shift--;
	}
	if (cap == s->cap)
		return 0;
	uint64_t *slot = calloc(cap, sizeof(uint64_t));
	if (slot == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	s->slot = slot;
	s->cap = cap;
	s->shift = shift;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] != 0)
			set_place(s, old[i]);
	free(old);
	return 0;
}

void
voc_set_init(struct voc_set *s)
{
	memset(s, 0, sizeof(*s));
}

void
voc_set_clear(struct voc_set *s)
{
	free(s->slot);
	voc_set_init(s);
}

struct voc_set *
voc_set_new(struct voc_error *err)
{
	struct voc_set *s = calloc(1, sizeof(*s));

	if (s == NULL)
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
	return s;
}

void
voc_set_free(struct voc_set *s)
{
	if (s == NULL)
		return;
	free(s->slot);
	free(s);
}

int
voc_set_contains(const struct voc_set *s, uint64_t h)
{
	if (h == 0)
		return s->has_zero;
	if (s->cap == 0)
		return 0;
	size_t mask = s->cap - 1;
	for (size_t i = set_home(s, h); s->slot[i] != 0; i = (i + 1) & mask)
		if (s->slot[i] == h)
			return 1;
	return 0;
}

int
voc_set_add(struct voc_set *s, uint64_t h, struct voc_error *err)
{
	if (h == 0) {
		if (s->has_zero)
			return 0;
		s->has_zero = 1;
		return 1;
	}
	if (voc_set_contains(s, h))
		return 0;
	if (set_reserve(s, s->used + 1, err) == -1)
		return -1;
	set_place(s, h);
	s->used++;
	return 1;
}

size_t
voc_set_count(const struct voc_set *s)
{
	return s->used + (s->has_zero ? 1 : 0);
}

size_t
voc_set_memory(const struct voc_set *s)
{
	return s->cap * sizeof(uint64_t);
}

int
voc_set_next(const struct voc_set *s, size_t *pos, uint64_t *h)
{
	/* Position 0 is the hash 0; slot i is position i + 1. */
	if (*pos == 0) {
		*pos = 1;
		if (s->has_zero) {
			*h = 0;
			return 1;
		}
	}
	while (*pos - 1 < s->cap) {
		uint64_t v = s->slot[*pos - 1];
		(*pos)++;
		if (v != 0) {
			*h = v;
			return 1;
		}
	}
	return 0;
}

int
voc_set_merge(struct voc_set *a, const struct voc_set *b,
    struct voc_error *err)
{
	if (a == b)
		return 0;
	/* Reserving for the larger of the two avoids most rehashes without
	 * guessing the overlap. */
	if (set_reserve(a, a->used > b->used ? a->used : b->used, err) == -1)
		return -1;
	if (b->has_zero)
		a->has_zero = 1;
	for (size_t i = 0; i < b->cap; i++)
		if (b->slot[i] != 0 && voc_set_add(a, b->slot[i], err) == -1)
			return -1;
	return 0;
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

char *
voc_set_save(const struct voc_set *s, struct voc_error *err)
{
	size_t n = voc_set_count(s), k = 0, pos = 0;
	uint64_t *v, h;
	char *tok;

	if (n > SIZE_MAX / 8 - 1) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	v = malloc(n * sizeof(uint64_t) + 1);
	if (v == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	while (voc_set_next(s, &pos, &h))
		v[k++] = h;
	qsort(v, n, sizeof(uint64_t), cmp_u64);
	/* Rewrite each word as its little-endian bytes in place: one
	 * buffer instead of two for sets of millions. */
	for (k = 0; k < n; k++)
		store_le64((unsigned char *)v + 8 * k, v[k]);
	tok = token_encode("s1:", (unsigned char *)v, n * 8, err);
	free(v);
	return tok;
}

int
voc_set_load(struct voc_set *s, const char *tok, size_t len,
    struct voc_error *err)
{
	size_t n, k;
	unsigned char *buf = token_decode(tok, len, "s1:", &n, err);

	if (buf == NULL)
		return -1;
	if (n % 8 != 0) {
		free(buf);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "set state of %zu bytes is not whole 8-byte hashes", n);
	}
	n /= 8;
	for (k = 1; k < n; k++)
		if (load_le64(buf + 8 * k - 8) >= load_le64(buf + 8 * k)) {
			free(buf);
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "set state hashes are not sorted and distinct "
			    "(hash %zu)", k + 1);
		}
	if (set_reserve(s, s->used > n ? s->used : n, err) == -1) {
		free(buf);
		return -1;
	}
	for (k = 0; k < n; k++)
		if (voc_set_add(s, load_le64(buf + 8 * k), err) == -1) {
			free(buf);
			return -1;
		}
	free(buf);
	return 0;
}

/* --- HyperLogLog --- */

#define HLL_Q (64 - VOC_HLL_P)	/* bits that give a register's value */
#define SPARSE_MAX 1536		/* pairs held before going dense */
#define SPARSE_CAP 2048		/* the table at SPARSE_MAX (8 KB) */
#define SPARSE_TEXT_MAX 4095	/* pairs written sparse: 3 n < 12,288 */
#define DENSE_BYTES (VOC_HLL_M / 4 * 3)

#define PAIR(i, v) ((uint32_t)(i) << 8 | (uint32_t)(v))
#define PAIR_INDEX(e) ((e) >> 8)
#define PAIR_VALUE(e) ((e) & 0xff)

/* The number of leading zero bits of a nonzero x. */
static int
clz64(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
	return __builtin_clzll(x);
#else
	int n = 0;

	while (!(x & UINT64_C(0x8000000000000000))) {
		x <<= 1;
		n++;
	}
	return n;
#endif
}

void
voc_hll_init(struct voc_hll *h)
{
	memset(h, 0, sizeof(*h));
}

void
voc_hll_clear(struct voc_hll *h)
{
	free(h->reg);
	free(h->sp);
	voc_hll_init(h);
}

/* Turns a sparse sketch dense. */
static int
hll_densify(struct voc_hll *h, struct voc_error *err)
{
	uint8_t *reg = calloc(VOC_HLL_M, 1);

	if (reg == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	for (uint32_t k = 0; k < h->capsp; k++)
		if (h->sp[k] != 0)
			reg[PAIR_INDEX(h->sp[k])] =
			    (uint8_t)PAIR_VALUE(h->sp[k]);
	free(h->sp);
	h->sp = NULL;
	h->nsp = h->capsp = 0;
	h->reg = reg;
	return 0;
}

/* The home slot of register i in a sparse table of cap slots: the
 * middle bits of i times 2^32 / phi (Fibonacci hashing). */
static uint32_t
sparse_home(uint32_t i, uint32_t cap)
{
	return (i * UINT32_C(0x9E3779B1)) >> 16 & (cap - 1);
}

/* The slot of register i in the sparse table, or the empty slot where it
 * would go.  The table is never full, so the probe ends. */
static uint32_t
sparse_find(const uint32_t *sp, uint32_t cap, uint32_t i)
{
	uint32_t k = sparse_home(i, cap);

	while (sp[k] != 0 && PAIR_INDEX(sp[k]) != i)
		k = (k + 1) & (cap - 1);
	return k;
}

/* Doubles the sparse table (pairs are never 0: values start at 1). */
static int
sparse_grow(struct voc_hll *h, struct voc_error *err)
{
	uint32_t cap = h->capsp ? h->capsp * 2 : 8;
	uint32_t *sp = calloc(cap, sizeof(uint32_t));

	if (sp == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	for (uint32_t k = 0; k < h->capsp; k++)
		if (h->sp[k] != 0)
			sp[sparse_find(sp, cap, PAIR_INDEX(h->sp[k]))] =
			    h->sp[k];
	free(h->sp);
	h->sp = sp;
	h->capsp = cap;
	return 0;
}

/* Register i becomes at least v (1 <= v <= HLL_Q + 1). */
static int
hll_raise(struct voc_hll *h, uint32_t i, unsigned v, struct voc_error *err)
{
	if (h->reg != NULL) {
		if (h->reg[i] < v)
			h->reg[i] = (uint8_t)v;
		return 0;
	}
	uint32_t k = h->capsp ? sparse_find(h->sp, h->capsp, i) : 0;
	if (h->capsp != 0 && h->sp[k] != 0) {
		if (PAIR_VALUE(h->sp[k]) < v)
			h->sp[k] = PAIR(i, v);
		return 0;
	}
	if (h->nsp >= SPARSE_MAX) {
		if (hll_densify(h, err) == -1)
			return -1;
		h->reg[i] = (uint8_t)v;
		return 0;
	}
	/* At most 3/4 full, so probes stay short. */
	if (4 * (h->nsp + 1) > 3 * h->capsp) {
		if (sparse_grow(h, err) == -1)
			return -1;
		k = sparse_find(h->sp, h->capsp, i);
	}
	h->sp[k] = PAIR(i, v);
	h->nsp++;
	return 0;
}

int
voc_hll_add(struct voc_hll *h, uint64_t hash, struct voc_error *err)
{
	uint32_t i = (uint32_t)(hash >> HLL_Q);
	uint64_t w = hash << VOC_HLL_P;
	unsigned v = w == 0 ? HLL_Q + 1 : (unsigned)clz64(w) + 1;

	return hll_raise(h, i, v, err);
}

int
voc_hll_merge(struct voc_hll *a, const struct voc_hll *b,
    struct voc_error *err)
{
	if (a == b)
		return 0;
	if (b->reg != NULL) {
		if (a->reg == NULL && hll_densify(a, err) == -1)
			return -1;
		for (size_t i = 0; i < VOC_HLL_M; i++)
			if (a->reg[i] < b->reg[i])
				a->reg[i] = b->reg[i];
		return 0;
	}
	/* b is sparse: raise a's registers to its pairs. */
	for (uint32_t k = 0; k < b->capsp; k++)
		if (b->sp[k] != 0 && hll_raise(a, PAIR_INDEX(b->sp[k]),
		    PAIR_VALUE(b->sp[k]), err) == -1)
			return -1;
	return 0;
}

size_t
voc_hll_nonzero(const struct voc_hll *h)
{
	size_t n = 0;

	if (h->reg == NULL)
		return h->nsp;
	for (size_t i = 0; i < VOC_HLL_M; i++)
		n += h->reg[i] != 0;
	return n;
}

/* The value of register i. */
static unsigned
hll_get(const struct voc_hll *h, uint32_t i)
{
	if (h->reg != NULL)
		return h->reg[i];
	if (h->capsp == 0)
		return 0;
	return PAIR_VALUE(h->sp[sparse_find(h->sp, h->capsp, i)]);
}

int
voc_hll_equal(const struct voc_hll *a, const struct voc_hll *b)
{
	if (a->reg == NULL && b->reg == NULL) {
		if (a->nsp != b->nsp)
			return 0;
		for (uint32_t k = 0; k < a->capsp; k++)
			if (a->sp[k] != 0 && hll_get(b,
			    PAIR_INDEX(a->sp[k])) != PAIR_VALUE(a->sp[k]))
				return 0;
		return 1;
	}
	for (uint32_t i = 0; i < VOC_HLL_M; i++)
		if (hll_get(a, i) != hll_get(b, i))
			return 0;
	return 1;
}

/*
 * Ertl 2017, equation (40): sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1),
 * summed until the terms no longer change the double.
 */
static double
hll_sigma(double x)
{
	double y = 1, z = x, prev;

	if (x == 1)
		return INFINITY;
	do {
		x *= x;
		prev = z;
		z += x * y;
		y += y;
	} while (z != prev);
	return z;
}

/*
 * Ertl 2017, equation (41):
 * tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3.
 */
static double
hll_tau(double x)
{
	double y = 1, z = 1 - x, prev;

	if (x == 0 || x == 1)
		return 0;
	do {
		x = sqrt(x);
		prev = z;
		y *= 0.5;
		z -= (1 - x) * (1 - x) * y;
	} while (z != prev);
	return z / 3;
}

double
voc_hll_estimate(const struct voc_hll *h)
{
	double c[HLL_Q + 2] = {0};
	const double m = VOC_HLL_M;

	if (h->reg != NULL) {
		for (size_t i = 0; i < VOC_HLL_M; i++)
			c[h->reg[i]]++;
	} else {
		c[0] = m - h->nsp;
		for (uint32_t k = 0; k < h->capsp; k++)
			if (h->sp[k] != 0)
				c[PAIR_VALUE(h->sp[k])]++;
	}
	if (c[0] == m)
		return 0;
	/* Ertl 2017, Algorithm 6: the improved raw estimate
	 * alpha_inf m^2 / (m sigma(C_0/m) + sum_k C_k 2^-k
	 * + m tau(1 - C_{q+1}/m) 2^-q), the sum taken Horner-wise. */
	double z = m * hll_tau(1 - c[HLL_Q + 1] / m);
	for (int k = HLL_Q; k >= 1; k--)
		z = 0.5 * (z + c[k]);
	z += m * hll_sigma(c[0] / m);
	return m * m / (2 * log(2)) / z;
}

char *
voc_hll_save(const struct voc_hll *h, struct voc_error *err)
{
	size_t nz = voc_hll_nonzero(h), n = 2;
	unsigned char *buf = malloc(2 + DENSE_BYTES);
	char *tok;

	if (buf == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	buf[0] = VOC_HLL_P;
	if (nz <= SPARSE_TEXT_MAX) {
		buf[1] = 1;
		for (uint32_t i = 0; i < VOC_HLL_M; i++) {
			unsigned v = hll_get(h, i);
			if (v == 0)
				continue;
			uint32_t e = i << 6 | v;
			buf[n++] = (unsigned char)e;
			buf[n++] = (unsigned char)(e >> 8);
			buf[n++] = (unsigned char)(e >> 16);
		}
	} else {
		buf[1] = 2;
		for (uint32_t i = 0; i < VOC_HLL_M; i += 4) {
			uint32_t e = hll_get(h, i) | hll_get(h, i + 1) << 6 |
			    hll_get(h, i + 2) << 12 | hll_get(h, i + 3) << 18;
			buf[n++] = (unsigned char)e;
			buf[n++] = (unsigned char)(e >> 8);
			buf[n++] = (unsigned char)(e >> 16);
		}
	}
	tok = token_encode("h1:", buf, n, err);
	free(buf);
	return tok;
}

int
voc_hll_load(struct voc_hll *h, const char *tok, size_t len,
    struct voc_error *err)
{
	size_t n, k;
	unsigned char *buf = token_decode(tok, len, "h1:", &n, err);
	struct voc_hll t = {0};
	int rc = -1;

	if (buf == NULL)
		return -1;
	if (n < 2 || buf[0] != VOC_HLL_P || (buf[1] != 1 && buf[1] != 2)) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "HLL state is not a p = %d sketch", VOC_HLL_P);
		goto out;
	}
	/* Build the saved sketch apart and merge it, so h is untouched
	 * when the token turns out bad. */
	if (buf[1] == 1) {
		long prev = -1;

		if ((n - 2) % 3 != 0) {
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "HLL sparse state has a partial register");
			goto out;
		}
		for (k = 2; k < n; k += 3) {
			uint32_t e = buf[k] | (uint32_t)buf[k + 1] << 8 |
			    (uint32_t)buf[k + 2] << 16;
			uint32_t i = e >> 6, v = e & 63;
			if ((long)i <= prev || i >= VOC_HLL_M || v == 0 ||
			    v > HLL_Q + 1) {
				voc_error_set(err, VOC_ERR_DATA, NULL, 0,
				    "HLL sparse state has a bad register "
				    "at byte %zu", k);
				goto out;
			}
			prev = i;
			if (hll_raise(&t, i, v, err) == -1)
				goto out;
		}
	} else {
		if (n != 2 + DENSE_BYTES) {
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "HLL dense state has %zu bytes, not %d", n,
			    2 + DENSE_BYTES);
			goto out;
		}
		t.reg = malloc(VOC_HLL_M);
		if (t.reg == NULL) {
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
			goto out;
		}
		for (k = 0; k < VOC_HLL_M / 4; k++) {
			const unsigned char *p = buf + 2 + 3 * k;
			uint32_t e = p[0] | (uint32_t)p[1] << 8 |
			    (uint32_t)p[2] << 16;
			for (int r = 0; r < 4; r++) {
				unsigned v = e >> (6 * r) & 63;
				if (v > HLL_Q + 1) {
					voc_error_set(err, VOC_ERR_DATA, NULL,
					    0, "HLL dense state has a bad "
					    "register %zu", 4 * k + r);
					goto out;
				}
				t.reg[4 * k + r] = (uint8_t)v;
			}
		}
	}
	rc = voc_hll_merge(h, &t, err);
out:
	voc_hll_clear(&t);
	free(buf);
	return rc;
}
