/*
 * The CSV record scanner (see include/voc/scan.h).
 *
 * Each 64-byte block of the record is classified once into five bit masks
 * (quotes, delimiters, CR or LF, LF, bytes >= 0x80), by SSE2 or AVX2
 * compares and movemask where the CPU has them, as simdjson's first stage
 * and zsv do.  The split then jumps from one interesting byte to the next
 * with count-trailing-zeros: an unquoted field ends at the next delimiter,
 * CR or LF; a quoted one at the next quote followed by one of those.
 * Quote parity (simdcsv's prefix XOR) is not used, because libcsv's
 * non-strict reading, which this scanner must match, keeps a quote that
 * is not followed by a delimiter or a line end as an ordinary byte: "ab"c
 * is one field ab"c that is still quoted.
 *
 * Past the last field the caller stores, the fields are only counted: a
 * block whose rest has no terminator and no quote opening a field costs a
 * popcount.  LFs are counted the same way.  UTF-8 is checked sequence by
 * sequence only at the high bits of a block, so ASCII text costs nothing
 * beyond the movemask.
 *
 * The split itself is written once, as an always-inline function, and
 * instantiated per classifier (the AVX2 copy under a target attribute), so
 * the compiler inlines each classifier into its own loop.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__SSE2__)
#define VOC_SCAN_X86 1
#include <immintrin.h>
#endif

#include "voc/scan.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

struct masks {
	uint64_t q, d, t, lf, hi, nul;
};

/* ---- block classifiers ---- */

static ALWAYS_INLINE void
classify_portable(const unsigned char *p, int delim, struct masks *m)
{
	uint64_t q = 0, d = 0, t = 0, lf = 0, hi = 0, nul = 0;

	for (int k = 0; k < 64; k++) {
		unsigned c = p[k];

		nul |= (uint64_t)(c == 0) << k;
		q |= (uint64_t)(c == '"') << k;
		d |= (uint64_t)(c == (unsigned)delim) << k;
		t |= (uint64_t)(c == '\r' || c == '\n') << k;
		lf |= (uint64_t)(c == '\n') << k;
		hi |= (uint64_t)(c >> 7) << k;
	}
	m->q = q;
	m->d = d;
	m->t = t;
	m->lf = lf;
	m->hi = hi;
	m->nul = nul;
}

#ifdef VOC_SCAN_X86
static ALWAYS_INLINE void
classify_sse2(const unsigned char *p, int delim, struct masks *m)
{
	const __m128i vq = _mm_set1_epi8('"'), vd = _mm_set1_epi8((char)delim);
	const __m128i vcr = _mm_set1_epi8('\r'), vlf = _mm_set1_epi8('\n');
	const __m128i v0 = _mm_setzero_si128();
	uint64_t q = 0, d = 0, t = 0, lf = 0, hi = 0, nul = 0;

	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
		__m128i l = _mm_cmpeq_epi8(v, vlf);
		__m128i r = _mm_or_si128(_mm_cmpeq_epi8(v, vcr), l);

		q |= (uint64_t)(uint16_t)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(v, vq)) << (16 * k);
		d |= (uint64_t)(uint16_t)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(v, vd)) << (16 * k);
		t |= (uint64_t)(uint16_t)_mm_movemask_epi8(r) << (16 * k);
		lf |= (uint64_t)(uint16_t)_mm_movemask_epi8(l) << (16 * k);
		hi |= (uint64_t)(uint16_t)_mm_movemask_epi8(v) << (16 * k);
		nul |= (uint64_t)(uint16_t)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(v, v0)) << (16 * k);
	}
	m->q = q;
	m->d = d;
	m->t = t;
	m->lf = lf;
	m->hi = hi;
	m->nul = nul;
}

__attribute__((target("avx2"))) static ALWAYS_INLINE void
classify_avx2(const unsigned char *p, int delim, struct masks *m)
{
	const __m256i vq = _mm256_set1_epi8('"');
	const __m256i vd = _mm256_set1_epi8((char)delim);
	const __m256i vcr = _mm256_set1_epi8('\r');
	const __m256i vlf = _mm256_set1_epi8('\n');
	const __m256i v0 = _mm256_setzero_si256();
	uint64_t q = 0, d = 0, t = 0, lf = 0, hi = 0, nul = 0;

	for (int k = 0; k < 2; k++) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(p + 32 * k));
		__m256i l = _mm256_cmpeq_epi8(v, vlf);
		__m256i r = _mm256_or_si256(_mm256_cmpeq_epi8(v, vcr), l);

		q |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(v, vq)) << (32 * k);
		d |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(v, vd)) << (32 * k);
		t |= (uint64_t)(uint32_t)_mm256_movemask_epi8(r) << (32 * k);
		lf |= (uint64_t)(uint32_t)_mm256_movemask_epi8(l) << (32 * k);
		hi |= (uint64_t)(uint32_t)_mm256_movemask_epi8(v) << (32 * k);
		nul |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(v, v0)) << (32 * k);
	}
	m->q = q;
	m->d = d;
	m->t = t;
	m->lf = lf;
	m->hi = hi;
	m->nul = nul;
}
#endif

/* ---- UTF-8 ---- */

/*
 * The length of the UTF-8 sequence at s[i] (a byte >= 0x80), as RFC 3629
 * bounds it (no overlongs, no surrogates, nothing past U+10FFFF); 0 when
 * it is invalid, -1 when it is cut by the end of the buffer.
 */
static int
utf8_seq(const unsigned char *s, size_t i, size_t len)
{
	unsigned char c = s[i], lo = 0x80, hi = 0xBF;
	int n;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	for (int k = 1; k < n; k++) {
		if (i + (size_t)k >= len)
			return -1;
		unsigned char b = s[i + (size_t)k];
		if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
			return 0;
	}
	return n;
}

/* ---- the cursor over classified blocks ---- */

enum { BAD_NONE, BAD_INVALID, BAD_CUT };

struct cur {
	const unsigned char *buf;
	size_t len;
	size_t base;		/* offset of the block the masks describe */
	struct masks m;		/* bits at and past len are clear */
	long nl;		/* LFs in the blocks left behind */
	uint64_t nul;		/* NULs seen: nonzero if any */
	size_t u8;		/* UTF-8 is checked up to here */
	int check;		/* check UTF-8 at all */
	int bad;		/* BAD_*: why the cursor stopped */
	size_t bad_off;
};

/* Checks the sequences that start at high bits of the block below bit
 * limit; returns 0, or -1 with c->bad set. */
static int
check_hi(struct cur *c, uint64_t hi)
{
	/* Continuation bytes already checked, at the block's start. */
	if (c->u8 > c->base)
		hi &= c->u8 - c->base >= 64 ? 0 : ~0ULL << (c->u8 - c->base);
	while (hi != 0) {
		size_t h = c->base + (size_t)__builtin_ctzll(hi);
		int n = utf8_seq(c->buf, h, c->len);

		if (n <= 0) {
			c->bad = n == 0 ? BAD_INVALID : BAD_CUT;
			c->bad_off = h;
			return -1;
		}
		c->u8 = h + (size_t)n;
		/* Drop the sequence's own bits. */
		hi &= c->u8 - c->base >= 64 ? 0 : ~0ULL << (c->u8 - c->base);
	}
	return 0;
}

/* Where the last line of buf[0..n) begins, after its LF; 0 when it
 * holds none.  Most records end with their LF: one comparison. */
static inline size_t
line_off(const char *buf, size_t n)
{
	while (n > 0 && buf[n - 1] != '\n')
		n--;
	return n;
}

/* Counts and checks the bytes of the current block below bit k (k <= 64).
 * Returns 0 or -1. */
static ALWAYS_INLINE int
take(struct cur *c, unsigned k)
{
	uint64_t below = k >= 64 ? ~0ULL : (1ULL << k) - 1;

	c->nl += __builtin_popcountll(c->m.lf & below);
	c->nul |= c->m.nul & below;
	if (c->check && (c->m.hi & below) != 0)
		return check_hi(c, c->m.hi & below);
	return 0;
}

#define DEFINE_LOAD(NAME, CLASSIFY, ATTR) \
ATTR static ALWAYS_INLINE void \
NAME(struct cur *c, int delim) \
{ \
	const unsigned char *p = c->buf + c->base; \
	size_t left = c->len - c->base; \
	if (left >= 64) { \
		CLASSIFY(p, delim, &c->m); \
		return; \
	} \
	unsigned char tail[64]; \
	memcpy(tail, p, left); \
	memset(tail + left, 0, 64 - left); \
	CLASSIFY(tail, delim, &c->m); \
	uint64_t keep = (1ULL << left) - 1; \
	c->m.q &= keep; \
	c->m.d &= keep; \
	c->m.t &= keep; \
	c->m.lf &= keep; \
	c->m.hi &= keep; \
	c->m.nul &= keep; \
}

DEFINE_LOAD(load_portable, classify_portable, )
#ifdef VOC_SCAN_X86
DEFINE_LOAD(load_sse2, classify_sse2, )
DEFINE_LOAD(load_avx2, classify_avx2, __attribute__((target("avx2"))))
#endif

/* ---- the split ---- */

/*
 * Rewrites a quoted field's bytes in place: each "" pair, taken left to
 * right, becomes one quote (a lone quote stays, as libcsv keeps it).
 */
static size_t
unescape(char *s, size_t len)
{
	char *q = memchr(s, '"', len), *d, *e = s + len;

	if (q == NULL)
		return len;
	for (d = q; q < e; q++) {
		*d++ = *q;
		if (*q == '"' && q + 1 < e && q[1] == '"')
			q++;
	}
	return (size_t)(d - s);
}

/*
 * The body of voc_scan_record for one classifier.  LOAD fills c->m for the
 * block at c->base; FIND(j, mask) is the first bit of the masks at or
 * after offset j, moving on block by block.
 */
#define FIND_IN(c, j, MASK, LOAD, delim, out) do { \
	size_t j_ = (j); \
	for (;;) { \
		if ((c)->base >= (c)->len) { \
			(out) = (c)->len; \
			break; \
		} \
		if (j_ < (c)->base + 64) { \
			uint64_t mm_ = j_ <= (c)->base ? (MASK) : (MASK) & \
			    (~0ULL << (j_ - (c)->base)); \
			if (mm_ != 0) { \
				(out) = (c)->base + \
				    (size_t)__builtin_ctzll(mm_); \
				break; \
			} \
		} \
		if (take((c), 64) < 0) { \
			(out) = SIZE_MAX; \
			break; \
		} \
		(c)->base += 64; \
		if ((c)->base < (c)->len) \
			LOAD((c), (delim)); \
	} \
} while (0)

#define DEFINE_SCAN(NAME, LOAD, ATTR) \
ATTR static int \
NAME(char *buf, size_t len, int delim, unsigned flags, \
    struct voc_scan_field *field, size_t max, struct voc_scan_rec *rec, \
    size_t *consumed) \
{ \
	const unsigned char *ub = (const unsigned char *)buf; \
	int eof = (flags & VOC_SCAN_EOF) != 0, unescape_any = 0; \
	size_t i = 0, nf = 0, f, end, cons; \
	long nl0 = 0; \
	struct cur c; \
 \
	memset(rec, 0, sizeof(*rec)); \
	/* Blank lines before the record: rare, so byte by byte. */ \
	while (i < len) { \
		if (buf[i] == '\n') { \
			if (flags & VOC_SCAN_BLANK) { \
				cons = i + 1; \
				goto blank; \
			} \
			nl0++; \
			i++; \
		} else if (buf[i] == '\r') { \
			if (i + 1 == len && !eof) \
				break; \
			if ((flags & VOC_SCAN_BLANK) && i + 1 < len && \
			    buf[i + 1] == '\n') { \
				cons = i + 2; \
				goto blank; \
			} \
			i++; \
		} else \
			break; \
	} \
	rec->start = i; \
	rec->start_nl = nl0; \
	rec->nl = nl0; \
	*consumed = i; \
	if (i == len || (buf[i] == '\r' && i + 1 == len)) \
		return 0; \
	c.buf = ub; \
	c.len = len; \
	c.base = i; \
	c.nl = 0; \
	c.nul = 0; \
	c.u8 = i; \
	c.check = !(flags & VOC_SCAN_NOUTF8); \
	c.bad = BAD_NONE; \
	c.bad_off = 0; \
	LOAD(&c, delim); \
	f = i; \
	for (;;) { \
		if (f < len && buf[f] == '"') { \
			size_t j = f + 1, q; \
			int pairs = 0; \
			for (;;) { \
				FIND_IN(&c, j, c.m.q, LOAD, delim, q); \
				if (q == SIZE_MAX) \
					goto bad; \
				if (q >= len || q + 1 >= len) { \
					if (!eof) \
						goto more; \
					rec->unterminated = q >= len; \
					if (nf < max) { \
						field[nf].s = buf + f + 1; \
						field[nf].len = \
						    (q >= len ? len : q) - \
						    f - 1; \
						unescape_any |= pairs; \
					} \
					nf++; \
					end = len; \
					goto done; \
				} \
				unsigned char ch = ub[q + 1]; \
				if (ch == '"') { \
					pairs = 1; \
					j = q + 2; \
					continue; \
				} \
				if (ch == (unsigned char)delim || \
				    ch == '\r' || ch == '\n') { \
					if (nf < max) { \
						field[nf].s = buf + f + 1; \
						field[nf].len = q - f - 1; \
						unescape_any |= pairs; \
					} \
					nf++; \
					if (ch != (unsigned char)delim) { \
						end = q + 1; \
						goto done; \
					} \
					f = q + 2; \
					break; \
				} \
				j = q + 1;	/* a lone quote, kept */ \
			} \
			continue; \
		} \
		/* Unquoted fields, a block at a time: every delimiter before \
		 * the first terminator or quote opening a field ends one. */ \
		size_t fs = f, j = f; \
		for (;;) { \
			while (j >= c.base + 64) { \
				if (take(&c, 64) < 0) \
					goto bad; \
				c.base += 64; \
				if (c.base < len) \
					LOAD(&c, delim); \
			} \
			if (c.base >= len || j >= len) { \
				if (!eof) \
					goto more; \
				if (nf < max) { \
					field[nf].s = buf + fs; \
					field[nf].len = len - fs; \
				} \
				nf++; \
				end = len; \
				goto done; \
			} \
			uint64_t from = ~0ULL << (j - c.base); \
			uint64_t dm = c.m.d & from; \
			uint64_t ev = (c.m.t & from) | ((dm << 1) & c.m.q); \
			uint64_t x = ev ? dm & ((ev & -ev) - 1) : dm; \
			while (x != 0 && nf < max) { \
				size_t k = c.base + \
				    (size_t)__builtin_ctzll(x); \
				field[nf].s = buf + fs; \
				field[nf++].len = k - fs; \
				fs = k + 1; \
				x &= x - 1; \
			} \
			if (x != 0) { \
				nf += (size_t)__builtin_popcountll(x); \
				fs = c.base + 64 - (size_t)__builtin_clzll(x); \
			} \
			if (ev != 0) { \
				size_t k = c.base + \
				    (size_t)__builtin_ctzll(ev); \
				if (ub[k] == '"') { \
					f = k;	/* fs == k */ \
					break; \
				} \
				if (nf < max) { \
					field[nf].s = buf + fs; \
					field[nf].len = k - fs; \
				} \
				nf++; \
				end = k; \
				goto done; \
			} \
			j = c.base + 64; \
			if (dm >> 63) { \
				/* A field starts at the next block, maybe \
				 * with a quote. */ \
				f = j; \
				break; \
			} \
		} \
	} \
done: \
	/* Count and check the record's bytes in the blocks not left yet. */ \
	while (c.base < end) { \
		if (end - c.base < 64) { \
			if (take(&c, (unsigned)(end - c.base)) < 0) \
				goto bad; \
			break; \
		} \
		if (take(&c, 64) < 0) \
			goto bad; \
		c.base += 64; \
		if (c.base < len) \
			LOAD(&c, delim); \
	} \
	cons = end; \
	if (end < len) { \
		if (buf[end] == '\n') { \
			cons = end + 1; \
			c.nl++; \
		} else if (end + 1 == len) { \
			if (!eof) \
				goto more; \
			cons = end + 1; \
		} else if (buf[end + 1] == '\n') { \
			cons = end + 2; \
			c.nl++; \
		} else \
			cons = end + 1; \
	} \
	rec->nfields = nf; \
	rec->nl = nl0 + c.nl; \
	rec->nul = c.nul != 0; \
	rec->line_off = line_off(buf, cons); \
	*consumed = cons; \
	if (nf > max) \
		nf = (flags & VOC_SCAN_ALL) ? 0 : max; \
	for (size_t k = 0; k < nf; k++) { \
		char *s = (char *)field[k].s; \
		if (unescape_any && s > buf + i && s[-1] == '"') \
			field[k].len = unescape(s, field[k].len); \
		if (flags & VOC_SCAN_NUL) \
			s[field[k].len] = '\0'; \
	} \
	return 1; \
blank: \
	rec->start = i; \
	rec->start_nl = nl0; \
	rec->nfields = 1; \
	rec->nl = nl0 + 1; \
	rec->line_off = line_off(buf, cons); \
	*consumed = cons; \
	if (max > 0) { \
		field[0].s = buf + i; \
		field[0].len = 0; \
		if (flags & VOC_SCAN_NUL) \
			buf[i] = '\0'; \
	} \
	return 1; \
more: \
	rec->nfields = 0; \
	rec->unterminated = 0; \
	return 0; \
bad: \
	if (c.bad == BAD_CUT && !eof) \
		goto more; \
	rec->nfields = 0; \
	rec->err = VOC_SCAN_EUTF8; \
	rec->bad_off = c.bad_off; \
	*consumed = 0; \
	return -1; \
}

DEFINE_SCAN(scan_portable, load_portable, )
#ifdef VOC_SCAN_X86
DEFINE_SCAN(scan_sse2, load_sse2, )
DEFINE_SCAN(scan_avx2, load_avx2, __attribute__((target("avx2"))))
#endif

/* ---- dispatch ---- */

static _Atomic int level_in_use = -1;

static enum voc_scan_level
best_level(void)
{
#ifdef VOC_SCAN_X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2"))
		return VOC_SCAN_AVX2;
	return VOC_SCAN_SSE2;
#else
	return VOC_SCAN_PORTABLE;
#endif
}

enum voc_scan_level
voc_scan_level(void)
{
	int l = atomic_load_explicit(&level_in_use, memory_order_relaxed);

	if (l < 0) {
		l = (int)best_level();
		atomic_store_explicit(&level_in_use, l, memory_order_relaxed);
	}
	return (enum voc_scan_level)l;
}

enum voc_scan_level
voc_scan_set_level(enum voc_scan_level level)
{
	enum voc_scan_level best = best_level();

	if (level > best)
		level = best;
	atomic_store_explicit(&level_in_use, (int)level, memory_order_relaxed);
	return level;
}

int
voc_scan_record(char *buf, size_t len, int delim, unsigned flags,
    struct voc_scan_field *field, size_t max_fields,
    struct voc_scan_rec *rec, size_t *consumed)
{
	if (delim == '"' || delim == '\r' || delim == '\n' || delim < 0 ||
	    delim > 127) {
		memset(rec, 0, sizeof(*rec));
		rec->err = VOC_SCAN_EARG;
		*consumed = 0;
		return -1;
	}
	switch (voc_scan_level()) {
#ifdef VOC_SCAN_X86
	case VOC_SCAN_AVX2:
		return scan_avx2(buf, len, delim, flags, field, max_fields,
		    rec, consumed);
	case VOC_SCAN_SSE2:
		return scan_sse2(buf, len, delim, flags, field, max_fields,
		    rec, consumed);
#endif
	default:
		return scan_portable(buf, len, delim, flags, field, max_fields,
		    rec, consumed);
	}
}
