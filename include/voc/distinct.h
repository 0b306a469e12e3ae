/*
 * Distinct counts: how many different users did something (mau: daily,
 * weekly and monthly active users).  A user id is reduced to a 64-bit
 * hash once (voc_distinct_hash); everything else works on hashes.  Two
 * counters are offered, both mergeable across threads and shards and
 * both saved as one canonical text token for state lines:
 *
 * - struct voc_set, the exact count: a set of 64-bit hashes.  Two
 *   different ids share a hash with probability about n^2 / 2^65 over a
 *   whole set of n (about 3e-6 for n = 10^7), so "exact" means exact
 *   but for that.  Costs 10.7 to 21.3 bytes per element in memory.
 * - struct voc_hll, the approximate count: a HyperLogLog sketch with
 *   2^14 registers (relative standard error 1.04 / 128 = 0.81%), read
 *   with Ertl's improved estimator.  It is stored sparsely while few
 *   registers are set, so many small per-day, per-group sketches stay
 *   small; at most 16 KB each.
 *
 * Both structs may be embedded in a caller's accumulator: all-bits-zero
 * is an empty set or sketch, so a zeroed group-table entry needs no init.
 * Their fields are private.  Nothing here has global state: different
 * objects may be used from different threads at once.
 *
 * Tokens: a set is "s1:" and an HLL "h1:", each followed by standard
 * padded base64 (RFC 4648 section 4); the encodings are described in
 * lib/distinct.c.  Equal contents give the same token, whatever the order
 * of additions and merges, so saved states are diffable.
 */
#ifndef VOC_DISTINCT_H
#define VOC_DISTINCT_H

#include <stddef.h>
#include <stdint.h>

#include "voc/error.h"

/*
 * The 64-bit hash of len bytes at data: XXH64 with seed 0, as in the
 * xxHash specification (Collet, "xxHash fast digest algorithm", v0.1.1),
 * so every XXH64 implementation (xxhsum's default, Python's
 * xxhash.xxh64_intdigest) gives the same value for the same bytes.  Input
 * words are read little-endian whatever the machine, so the value is the
 * same on every machine and run.  data may be NULL when len is 0.
 */
uint64_t voc_distinct_hash(const void *data, size_t len);

/* --- base64, for any module's state lines --- */

/* The length of the base64 text of n bytes, padding included, without
 * the terminating NUL. */
size_t voc_distinct_b64_len(size_t n);

/*
 * Writes the standard padded base64 of the n bytes at in to out, which
 * must hold voc_distinct_b64_len(n) + 1 bytes, NUL-terminated.  Returns
 * the length written (without the NUL).
 */
size_t voc_distinct_b64_encode(const void *in, size_t n, char *out);

/* The most bytes len characters of base64 can decode to. */
size_t voc_distinct_b64_max(size_t len);

/*
 * Decodes len characters of standard padded base64 at in into out, which
 * must hold voc_distinct_b64_max(len) bytes, and sets *outlen.  Only the
 * canonical text is accepted (the alphabet of RFC 4648 section 4, length
 * a multiple of 4, padding only at the end, unused bits zero), so each
 * byte string has exactly one text.  Returns 0, or -1 with a data error.
 */
int voc_distinct_b64_decode(const char *in, size_t len, void *out,
    size_t *outlen, struct voc_error *err);

/* --- the exact set --- */

struct voc_set {
	uint64_t *slot;		/* open addressing; 0 marks an empty slot */
	size_t cap;		/* slots, 0 or a power of two */
	unsigned shift;		/* 64 - log2(cap): a hash's home slot */
	size_t used;		/* nonzero hashes held */
	int has_zero;		/* the hash 0, which cannot live in slot[] */
};

/* A new empty set on the heap, or NULL (with err) when out of memory. */
struct voc_set *voc_set_new(struct voc_error *err);

/* Frees a set from voc_set_new; NULL is accepted. */
void voc_set_free(struct voc_set *s);

/* Makes s empty (a zeroed struct is already empty). */
void voc_set_init(struct voc_set *s);

/* Releases the memory an embedded set holds and leaves it empty. */
void voc_set_clear(struct voc_set *s);

/*
 * Adds the hash h.  Returns 1 when it was new, 0 when it was already
 * there, -1 (with err; s unchanged) when out of memory.
 */
int voc_set_add(struct voc_set *s, uint64_t h, struct voc_error *err);

/* 1 when h is in s, else 0. */
int voc_set_contains(const struct voc_set *s, uint64_t h);

/* The number of distinct hashes in s. */
size_t voc_set_count(const struct voc_set *s);

/* The bytes of heap s holds (its table), for memory reports. */
size_t voc_set_memory(const struct voc_set *s);

/*
 * a becomes the union of a and b (b unchanged; a and b may be the same
 * set).  Returns 0, or -1 (with err) when out of memory, a then holding
 * part of b.
 */
int voc_set_merge(struct voc_set *a, const struct voc_set *b,
    struct voc_error *err);

/*
 * Iteration in no particular order.  Start with *pos = 0; each call
 * stores the next hash in *h and returns 1, or returns 0 at the end.
 * Adding to s during an iteration invalidates it.
 */
int voc_set_next(const struct voc_set *s, size_t *pos, uint64_t *h);

/*
 * The token of s, "s1:" and the base64 of its hashes sorted ascending,
 * each 8 bytes little-endian (10.7 characters per element).  The caller
 * frees the string.  NULL (with err) when out of memory.
 */
char *voc_set_save(const struct voc_set *s, struct voc_error *err);

/*
 * Adds the hashes of the token of len characters at tok to s: loading
 * into an empty set restores the saved one, loading several tokens
 * merges them.  Non-canonical tokens (unsorted or repeated hashes, bad
 * base64) are refused.  Returns 0, or -1 with a data error (s unchanged
 * unless it ran out of memory midway).
 */
int voc_set_load(struct voc_set *s, const char *tok, size_t len,
    struct voc_error *err);

/* --- HyperLogLog --- */

#define VOC_HLL_P	14
#define VOC_HLL_M	(1 << VOC_HLL_P)
/* The relative standard error 1.04 / sqrt(m) of Flajolet et al. 2007. */
#define VOC_HLL_RSE	0.008125

struct voc_hll {
	uint8_t *reg;		/* VOC_HLL_M registers, or NULL while sparse */
	uint32_t *sp;		/* sparse: a table of index << 8 | value */
	uint32_t nsp, capsp;	/* pairs held, slots */
};

/* Makes h an empty sketch (a zeroed struct is already empty). */
void voc_hll_init(struct voc_hll *h);

/* Releases the memory h holds and leaves it empty. */
void voc_hll_clear(struct voc_hll *h);

/*
 * Adds a 64-bit hash (of a user id, from voc_distinct_hash): the top 14
 * bits pick the register, the rest give its value.  Returns 0, or -1
 * (with err; h unchanged) when out of memory.
 */
int voc_hll_add(struct voc_hll *h, uint64_t hash, struct voc_error *err);

/*
 * a becomes the sketch of the union (each register the larger of the
 * two; b unchanged).  Register for register the same as one sketch of
 * both streams.  Returns 0, or -1 (with err) when out of memory, a
 * then holding part of b.
 */
int voc_hll_merge(struct voc_hll *a, const struct voc_hll *b,
    struct voc_error *err);

/*
 * The estimated number of distinct hashes added: Ertl's improved raw
 * estimator (O. Ertl, "New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017, arXiv:1702.01284, Algorithm 6), which
 * needs no bias table and no switch to linear counting.  0 for an empty
 * sketch.
 */
double voc_hll_estimate(const struct voc_hll *h);

/* The number of nonzero registers. */
size_t voc_hll_nonzero(const struct voc_hll *h);

/* 1 when a and b have the same registers, else 0. */
int voc_hll_equal(const struct voc_hll *a, const struct voc_hll *b);

/*
 * The token of h, "h1:" and base64 (at most 16,391 characters; short
 * while few registers are set).  It depends only on the registers.  The
 * caller frees the string; NULL (with err) when out of memory.
 */
char *voc_hll_save(const struct voc_hll *h, struct voc_error *err);

/*
 * Merges the sketch in the token of len characters at tok into h:
 * loading into an empty sketch restores the saved one.  Returns 0, or -1
 * with a data error (h unchanged).
 */
int voc_hll_load(struct voc_hll *h, const char *tok, size_t len,
    struct voc_error *err);

#endif
