/*
 * The per-key state table (see include/voc/table.h).
 *
 * Entries are laid out in arena chunks as an 8-byte header (the key's
 * length and the low half of its 64-bit hash; the high half is in the
 * entry's slot), the state (rounded up to 8 bytes) and the key's bytes;
 * an entry of at most a cache line never crosses one (nps-score's 56
 * bytes crossed three times in four, and 100,000 random keys were read
 * 4 % faster kept whole).
 * The index is open addressing over groups of 8 slots, one cache line
 * each, in the manner of Abseil's Swiss tables: a slot holds where the
 * entry is (its chunk's number and its offset there) and 32 bits of the
 * hash (never 0: 0 marks an empty slot).  A key's hash picks its home
 * group; the 8 tags there are compared with the key's at once, and only
 * an entry whose tag matches is touched.  A lookup reads one line of the
 * index and goes from it to the entry with no table of entries between
 * (with 100,000 keys, each of those is a cache miss), and its branches
 * do not depend on how far a probe runs, as a slot-by-slot probe's loop
 * did (100,000 random keys were read 7 % faster, 100 keys 6 %).  A full
 * group sends the probe on to the next.
 * A cache of 256 entries, each in the place its hash's top bits pick,
 * serves runs of rows with the same key (common in exports sorted by
 * date or team) and a few keys in any order (8 segments at random: x0.97
 * of the time of a one-entry cache, which missed 7 rows in 8).  With 64
 * places, 64 to 256 keys in any order collided there (a lookup of 100
 * random keys took longer than one of 1,000); 256 places made 100
 * segments x0.93 of the time at -j 1 and x0.95 with both cores, 1 and
 * 100,000 groups x0.97-0.98.
 */
#include <math.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "voc/key.h"
#include "voc/mem.h"
#include "voc/table.h"

#define CHUNK (1u << 18)		/* the first chunk */
#define HUGE_PAGE VOC_HUGE_PAGE	/* later chunks, and large indexes */

/* A slot's place: the chunk's number in its high bits, the entry's
 * offset there in 8-byte units in the low LOC_BITS (a chunk past
 * HUGE_PAGE holds one entry, at offset 0). */
#define LOC_BITS 18
#define MAX_CHUNKS (1u << (32 - LOC_BITS))

/* Eight slots: their tags (the hash's high 32 bits with the low bit
 * set; 0 is an empty slot) and their entries' places. */
#define GROUP 8
struct group {
	uint32_t tag[GROUP];
	uint32_t loc[GROUP];
};

struct head {
	uint32_t keylen;
	uint32_t hash_lo;
};

struct chunk {
	size_t used, size;
	/* entries follow */
};

#define RECENT_BITS 8
#define RECENT (1u << RECENT_BITS)

struct voc_table {
	const struct voc_state_ops *ops;
	const void *cfg;
	size_t size, stride;	/* state size; state size rounded to 8 */
	char **ents;		/* entry headers, in insertion or sorted order */
	size_t n, cap;
	struct group *groups;
	size_t ngroups;		/* a power of two */
	struct chunk **chunk;	/* by number; the last is being filled */
	size_t nchunks, chunkcap;
	char *recent[RECENT];	/* entries hit, by their hash's top bits */
};

static inline uint64_t
hash(const char *key, size_t len)
{
	/* Eight bytes a step, each mixed by a multiply and a shift (a
	 * group's key is short, and FNV's byte-a-step chain of multiplies
	 * was a tenth of a row's time), then a final mix so that low bits
	 * spread.  Not stored anywhere: byte order does not matter. */
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ len, w;

	for (; len > 8; key += 8, len -= 8) {
		memcpy(&w, key, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
		h ^= h >> 29;
	}
	/* The last 1 to 8 bytes in one word (two overlapping halves below
	 * eight), no call to memcpy of a variable length. */
	if (len == 8)
		memcpy(&w, key, 8);
	else if (len >= 4) {
		uint32_t a, b;

		memcpy(&a, key, 4);
		memcpy(&b, key + len - 4, 4);
		w = (uint64_t)a << 32 | b;
	} else {
		w = 0;
		for (size_t i = 0; i < len; i++)
			w = w << 8 | (unsigned char)key[i];
	}
	h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
	h ^= h >> 29;
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDULL;
	return h ^ (h >> 33);
}

static inline const char *
ent_key(const struct voc_table *t, const char *e)
{
	return e + sizeof(struct head) + t->stride;
}

static inline void *
ent_state(const char *e)
{
	return (void *)(e + sizeof(struct head));
}

struct voc_table *
voc_table_new(const struct voc_state_ops *ops, size_t size, const void *cfg)
{
	struct voc_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->ops = ops;
	t->cfg = cfg;
	t->size = size;
	t->stride = (size + 7) & ~(size_t)7;
	t->ngroups = 8;
	if ((t->groups = aligned_alloc(64, t->ngroups *
	    sizeof(*t->groups))) == NULL) {
		free(t);
		return NULL;
	}
	memset(t->groups, 0, t->ngroups * sizeof(*t->groups));
	return t;
}

void
voc_table_free(struct voc_table *t)
{
	if (t == NULL)
		return;
	if (t->ops != NULL && t->ops->fini != NULL)
		for (size_t i = 0; i < t->n; i++)
			t->ops->fini(ent_state(t->ents[i]), t->cfg);
	for (size_t i = 0; i < t->nchunks; i++)
		free(t->chunk[i]);
	free(t->ents);
	free(t->chunk);
	free(t->groups);
	free(t);
}

/* Whether a[0..len) and b[0..len) hold the same bytes: a group's key
 * is short, and two overlapping words compare it without a call. */
static inline int
same_bytes(const char *a, const char *b, size_t len)
{
	uint64_t x, y, u, v;

	if (len > 16)
		return memcmp(a, b, len) == 0;
	if (len >= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + len - 8, 8);
		memcpy(&v, b + len - 8, 8);
		return ((x ^ y) | (u ^ v)) == 0;
	}
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static inline int
match(const struct voc_table *t, const char *e, uint64_t h, const char *key,
    size_t len)
{
	const struct head *hd = (const struct head *)e;

	return hd->hash_lo == (uint32_t)h && hd->keylen == len &&
	    same_bytes(ent_key(t, e), key, len);
}

/* The entry at a slot's place (loc as the slot holds it, plus 1). */
static inline char *
at_loc(const struct voc_table *t, uint32_t loc)
{
	loc--;
	return (char *)(t->chunk[loc >> LOC_BITS] + 1) +
	    ((size_t)(loc & ((1u << LOC_BITS) - 1)) << 3);
}

static inline uint32_t
tag_of(uint64_t h)
{
	return (uint32_t)(h >> 32) | 1;
}

/* A bit for each of g's slots whose tag is tag. */
static inline unsigned
group_match(const struct group *g, uint32_t tag)
{
#ifdef __SSE2__
	__m128i k = _mm_set1_epi32((int)tag);
	__m128i a = _mm_load_si128((const __m128i *)(const void *)g->tag);
	__m128i b = _mm_load_si128((const __m128i *)(const void *)
	    (g->tag + 4));

	return (unsigned)_mm_movemask_ps(_mm_castsi128_ps(
	    _mm_cmpeq_epi32(a, k))) | (unsigned)_mm_movemask_ps(
	    _mm_castsi128_ps(_mm_cmpeq_epi32(b, k))) << 4;
#else
	unsigned m = 0;

	for (int i = 0; i < GROUP; i++)
		m |= (unsigned)(g->tag[i] == tag) << i;
	return m;
#endif
}

/* Where key is: returns 1 and sets *g and *i to its slot, or returns 0
 * and sets them to the empty slot where it would go. */
static int
probe(const struct voc_table *t, uint64_t h, const char *key, size_t len,
    struct group **g, int *i)
{
	size_t mask = t->ngroups - 1, gi = h & mask;
	uint32_t tag = tag_of(h);

	for (;; gi = (gi + 1) & mask) {
		struct group *x = &t->groups[gi];
		unsigned m = group_match(x, tag), e;

		for (; m != 0; m &= m - 1) {
			int k = __builtin_ctz(m);

			if (match(t, at_loc(t, x->loc[k]), h, key, len)) {
				*g = x;
				*i = k;
				return 1;
			}
		}
		if ((e = group_match(x, 0)) != 0) {
			*g = x;
			*i = __builtin_ctz(e);
			return 0;
		}
	}
}

/*
 * Memory for a large table (voc_big_alloc): with 100,000 keys, each
 * row's lookup lands on pages all over 8 MB, and with 4 KB pages the
 * address translation missed as often as the data; 2 MB pages made the
 * run a tenth faster.  A small table keeps malloc's memory, so that one
 * group does not cost a 2 MB page.  The chunks after the first are on
 * 2 MB pages, and so is every array of a table from 256 KB on (fresh
 * 4 KB pages cost a page fault each, which on a virtual machine was
 * most of the time of sorting 100,000 keys).
 */
#define BIG_ARRAY (256u << 10)

/* What table_alloc(size) gives room for: a block on 2 MB pages is
 * whole pages, and the kernel clears every byte of them on first touch
 * whether used or not, so an array that grows takes all of it (on a
 * virtual machine, clearing fresh pages was up to a third of the time
 * of tabling 86,000 keys from 200,000 rows, varying from run to run). */
static size_t
table_room(size_t size)
{
	return size >= BIG_ARRAY ? (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1) :
	    size;
}

static void *
table_alloc(size_t size)
{
	/* A multiple of 64 (an index) is aligned to its cache lines. */
	return size >= BIG_ARRAY ? voc_big_alloc(size) : size % 64 == 0 ?
	    aligned_alloc(64, size) : malloc(size);
}

/* Rebuilds the index at twice the size: an entry's home group is
 * chosen by the low half of its hash, which its header holds. */
static int
grow_index(struct voc_table *t)
{
	/* Still a power of two: a 2 MB page holds a power of two groups. */
	size_t n = table_room(t->ngroups * 2 * sizeof(struct group)) /
	    sizeof(struct group);
	struct group *g = table_alloc(n * sizeof(*g));

	if (g == NULL)
		return -1;
	memset(g, 0, n * sizeof(*g));
	for (size_t i = 0; i < t->ngroups; i++)
		for (int k = 0; k < GROUP; k++) {
			uint32_t loc = t->groups[i].loc[k];

			if (t->groups[i].tag[k] == 0)
				continue;
			const struct head *hd = (const struct head *)
			    at_loc(t, loc);
			size_t j = hd->hash_lo & (n - 1);
			unsigned e;

			while ((e = group_match(&g[j], 0)) == 0)
				j = (j + 1) & (n - 1);
			g[j].tag[__builtin_ctz(e)] = t->groups[i].tag[k];
			g[j].loc[__builtin_ctz(e)] = loc;
		}
	free(t->groups);
	t->groups = g;
	t->ngroups = n;
	return 0;
}

/* Room for an entry of need bytes (a multiple of 8); *loc is where it
 * is, for its slot. */
static char *
arena(struct voc_table *t, size_t need, uint32_t *loc)
{
	struct chunk *c = t->nchunks ? t->chunk[t->nchunks - 1] : NULL;

	if (c == NULL || c->size - c->used < need) {
		size_t base = t->nchunks ? HUGE_PAGE - sizeof(*c) : CHUNK;
		size_t size = need > base ? need : base;

		if (t->nchunks == MAX_CHUNKS)
			return NULL;
		if (t->nchunks == t->chunkcap) {
			size_t cap = t->chunkcap ? t->chunkcap * 2 : 16;
			struct chunk **b = realloc(t->chunk, cap * sizeof(*b));

			if (b == NULL)
				return NULL;
			t->chunk = b;
			t->chunkcap = cap;
		}
		if ((c = t->nchunks ? voc_big_alloc(sizeof(*c) + size) :
		    malloc(sizeof(*c) + size)) == NULL)
			return NULL;
		c->used = 0;
		c->size = size;
		t->chunk[t->nchunks++] = c;
	}
	char *p = (char *)(c + 1) + c->used;
	size_t in_line = (uintptr_t)p & 63;

	/* An entry of a cache line or less starts on the next line rather
	 * than cross one: a lookup then waits on one line, not two. */
	if (need <= 64 && in_line + need > 64 &&
	    c->size - c->used >= need + (64 - in_line)) {
		c->used += 64 - in_line;
		p += 64 - in_line;
	}
	*loc = (uint32_t)(((t->nchunks - 1) << LOC_BITS) | (c->used >> 3));
	c->used += need;
	return p;
}

void *
voc_table_find(const struct voc_table *t, const char *key, size_t keylen)
{
	struct group *g;
	int i;

	return probe(t, hash(key, keylen), key, keylen, &g, &i) ?
	    ent_state(at_loc(t, g->loc[i])) : NULL;
}

uint64_t
voc_table_prefetch(const struct voc_table *t, const char *key, size_t keylen)
{
	uint64_t h = hash(key, keylen);

	__builtin_prefetch(&t->groups[h & (t->ngroups - 1)]);
	return h;
}

const void *
voc_table_prefetch_entry(const struct voc_table *t, uint64_t h)
{
	const struct group *g = &t->groups[h & (t->ngroups - 1)];
	unsigned m = group_match(g, tag_of(h));
	const char *e;

	/* The first match in the home group: almost always the key. */
	if (m == 0)
		return NULL;
	e = at_loc(t, g->loc[__builtin_ctz(m)]);
	__builtin_prefetch(e);
	return e;
}

void *
voc_table_get(struct voc_table *t, const char *key, size_t keylen)
{
	return voc_table_get_hashed(t, key, keylen, hash(key, keylen), NULL);
}

void *
voc_table_get_hashed(struct voc_table *t, const char *key, size_t keylen,
    uint64_t h, const void *hint)
{
	/* The entry the slot named when its load was asked for: with many
	 * keys the key's, found with no second look at the index (100,000
	 * keys: x0.95-0.98 of the time at -j 1, x0.94 with both cores). */
	if (hint != NULL && match(t, hint, h, key, keylen))
		return ent_state(hint);
	/* The entry last hit in the key's place among recent first: runs
	 * of one key are common, and a few keys in any order (segments,
	 * months) each keep a place. */
	char **r = &t->recent[h >> (64 - RECENT_BITS)];

	if (*r != NULL && match(t, *r, h, key, keylen))
		return ent_state(*r);
	struct group *g;
	int i;

	if (probe(t, h, key, keylen, &g, &i)) {
		*r = at_loc(t, g->loc[i]);
		return ent_state(*r);
	}
	if (t->n >= 0xFFFFFFFEu || keylen > 0xFFFFFFFFu)
		return NULL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **e;

		if (cap * sizeof(*e) < BIG_ARRAY)
			e = realloc(t->ents, cap * sizeof(*e));
		else if ((e = table_alloc(cap * sizeof(*e))) != NULL) {
			cap = table_room(cap * sizeof(*e)) / sizeof(*e);
			memcpy(e, t->ents, t->n * sizeof(*e));
			free(t->ents);
		}
		if (e == NULL)
			return NULL;
		t->ents = e;
		t->cap = cap;
	}
	size_t need = (sizeof(struct head) + t->stride + keylen + 7) &
	    ~(size_t)7;
	uint32_t loc;
	char *e = arena(t, need, &loc);
	if (e == NULL)
		return NULL;
	struct head *hd = (struct head *)e;
	hd->hash_lo = (uint32_t)h;
	hd->keylen = (uint32_t)keylen;
	memset(ent_state(e), 0, t->stride);
	if (keylen > 0)
		memcpy(e + sizeof(*hd) + t->stride, key, keylen);
	if (t->ops != NULL && t->ops->init != NULL)
		t->ops->init(ent_state(e), t->cfg);
	t->ents[t->n++] = e;
	g->loc[i] = loc + 1;
	g->tag[i] = tag_of(h);
	*r = e;
	/* Load factor at most 3/4; the entry is in place either way, so a
	 * failed grow only leaves the index fuller. */
	if (t->n * 4 > t->ngroups * GROUP * 3 && grow_index(t) < 0)
		return NULL;
	return ent_state(e);
}

size_t
voc_table_count(const struct voc_table *t)
{
	return t->n;
}

size_t
voc_table_state_size(const struct voc_table *t)
{
	return t->size;
}

const struct voc_state_ops *
voc_table_ops(const struct voc_table *t)
{
	return t->ops;
}

const void *
voc_table_cfg(const struct voc_table *t)
{
	return t->cfg;
}

void
voc_table_at(const struct voc_table *t, size_t i, struct voc_entry *e)
{
	const char *p = t->ents[i];

	/* Entries are read in order, and after sorting that order is all
	 * over memory: the one a few ahead is asked for now. */
	if (i + 4 < t->n)
		__builtin_prefetch(t->ents[i + 4]);
	e->key = ent_key(t, p);
	e->keylen = (size_t)((const struct head *)p)->keylen;
	e->st = ent_state(p);
}

/*
 * Sorting: the first part of most keys decides, so it is read once per
 * entry, not once per comparison, into its class (in voc_key_cmp's
 * order: no part, a number, a text that reads as a number, another
 * text, a total) and a value to compare within the class: the number,
 * or the text's first 8 bytes as a big-endian integer (zero-padded: a
 * text that ends first sorts first, as by bytes).  Only a tie goes to
 * voc_key_cmp.  The sort moves these records, not entries; the index's
 * slots hold where entries are, which sorting does not change.  C's
 * qsort passes no context, so the tie-break finds the table through a
 * thread-local.
 */
struct sort_rec {
	union {
		double num;
		uint64_t pre;
	} u;
	uint64_t ord;	/* u as an integer in the same order (radix sort) */
	uint32_t idx;
	int cls;
};

static _Thread_local const struct voc_table *sort_t;

static int
by_key(const void *pa, const void *pb)
{
	const struct sort_rec *a = pa, *b = pb;

	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if ((a->cls == 1 || a->cls == 2) && a->u.num != b->u.num)
		return a->u.num < b->u.num ? -1 : 1;
	if (a->cls == 3 && a->u.pre != b->u.pre)
		return a->u.pre < b->u.pre ? -1 : 1;
	const char *ea = sort_t->ents[a->idx], *eb = sort_t->ents[b->idx];

	return voc_key_cmp(ent_key(sort_t, ea),
	    ((const struct head *)ea)->keylen, ent_key(sort_t, eb),
	    ((const struct head *)eb)->keylen);
}

/* Bytes at .. at+8 of s[0..len) as a big-endian integer, zero-padded:
 * in the order of the bytes, a text that ends first first. */
static uint64_t
text_word(const char *s, size_t len, size_t at)
{
	uint64_t w = 0;

	for (size_t j = at; j < at + 8; j++)
		w = w << 8 | (j < len ? (unsigned char)s[j] : 0);
	return w;
}

static void
sort_rec_of(const struct voc_table *t, size_t i, struct sort_rec *r)
{
	const char *key = ent_key(t, t->ents[i]);
	struct voc_key_part p;
	size_t pos = 0;

	r->idx = (uint32_t)i;
	r->u.pre = 0;
	if (!voc_key_next(key, ((const struct head *)t->ents[i])->keylen,
	    &pos, &p))
		r->cls = 0;
	else if (p.is_total)
		r->cls = 4;
	else if (p.is_int) {
		r->cls = 1;
		r->u.num = (double)p.v;
	} else if (voc_key_number(p.s, p.len, &r->u.num))
		r->cls = 2;
	else {
		r->cls = 3;
		r->u.pre = text_word(p.s, p.len, 0);
	}
	r->ord = r->u.pre;
	if (r->cls == 1 || r->cls == 2) {
		/* A double's bits in numeric order: negatives reversed,
		 * positives above them (-0 is 0: equal numbers tie). */
		double v = r->u.num == 0 ? 0 : r->u.num;
		uint64_t b;

		memcpy(&b, &v, sizeof(b));
		r->ord = b >> 63 ? ~b : b | 1ULL << 63;
	}
}

/*
 * Sorts rec[0..n) by (cls, ord): least significant digit first, a byte
 * of ord a pass (a pass where every record has the same byte is
 * skipped), then cls; every pass is stable.  tmp holds n records.
 */
static void
radix(struct sort_rec *rec, struct sort_rec *tmp, size_t n)
{
	struct sort_rec *a = rec, *b = tmp;

	if (n < 2)
		return;
	for (int pass = 0; pass <= 8; pass++) {
		size_t count[256] = {0}, at = 0;
		int shift = pass * 8;

		for (size_t i = 0; i < n; i++)
			count[pass < 8 ? a[i].ord >> shift & 0xFF :
			    (unsigned)a[i].cls]++;
		size_t first = pass < 8 ? a[0].ord >> shift & 0xFF :
		    (unsigned)a[0].cls;
		if (count[first] == n)
			continue;
		for (int d = 0; d < 256; d++) {
			size_t c = count[d];

			count[d] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			b[count[pass < 8 ? a[i].ord >> shift & 0xFF :
			    (unsigned)a[i].cls]++] = a[i];
		struct sort_rec *x = a;
		a = b;
		b = x;
	}
	if (a != rec)
		memcpy(rec, a, n * sizeof(*rec));
}

static void sort_ties(struct sort_rec *rec, struct sort_rec *tmp, size_t n,
    int depth);

/* Each run of rec[0..n) (sorted by (cls, ord)) that ties on both goes
 * on to sort_ties at depth. */
static void
sort_runs(struct sort_rec *rec, struct sort_rec *tmp, size_t n, int depth)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && rec[j].cls == rec[i].cls &&
		    rec[j].ord == rec[i].ord; j++)
			;
		if (j - i > 1)
			sort_ties(rec + i, tmp, j - i, depth);
	}
}

/*
 * Keys of class 3 whose first 8 bytes tie (customer_…, https://…) are
 * sorted by radix on their next 8 bytes, and so on down to 64 bytes;
 * what still ties goes to the full comparison.
 */
static void
sort_ties(struct sort_rec *rec, struct sort_rec *tmp, size_t n, int depth)
{
	const struct voc_table *t = sort_t;
	int more = 0;

	if (rec[0].cls != 3 || depth == 8) {
		qsort(rec, n, sizeof(*rec), by_key);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *e = t->ents[rec[i].idx];
		struct voc_key_part p;
		size_t pos = 0, at = (size_t)depth * 8;

		(void)voc_key_next(ent_key(t, e),
		    ((const struct head *)e)->keylen, &pos, &p);
		rec[i].ord = text_word(p.s, p.len, at);
		more |= p.len > at;
	}
	if (!more) {
		/* The first parts are equal: later parts decide. */
		qsort(rec, n, sizeof(*rec), by_key);
		return;
	}
	radix(rec, tmp, n);
	sort_runs(rec, tmp, n, depth + 1);
}

int
voc_table_sort(struct voc_table *t)
{
	size_t n = t->n ? t->n : 1;
	struct sort_rec *rec = table_alloc(2 * n * sizeof(*rec));
	char **ents;

	if (rec == NULL)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		sort_rec_of(t, i, &rec[i]);
	sort_t = t;
	/* By class and first 8 bytes or number in linear time; the keys
	 * those leave tied (rare) by the full comparison. */
	radix(rec, rec + n, t->n);
	sort_runs(rec, rec + n, t->n, 1);
	if ((ents = table_alloc(n * sizeof(*ents))) == NULL) {
		free(rec);
		return -1;
	}
	for (size_t i = 0; i < t->n; i++)
		ents[i] = t->ents[rec[i].idx];
	free(rec);
	free(t->ents);
	t->ents = ents;
	t->cap = n;
	return 0;
}

int
voc_table_merge(struct voc_table *dst, const struct voc_table *src)
{
	/* Each key's slot in dst asked for 8 entries ahead, its entry 4
	 * ahead (src's keys are where they are: no copy to hold them); the
	 * hashes of those 8 and of this one are kept, and the hints of the
	 * entries asked for. */
	uint64_t h[16];
	const void *hint[16];

	for (size_t i = 0; i < src->n + 8; i++) {
		struct voc_entry e;
		void *d;

		if (i < src->n) {
			voc_table_at(src, i, &e);
			h[i % 16] = voc_table_prefetch(dst, e.key, e.keylen);
		}
		if (i >= 4 && i - 4 < src->n)
			hint[(i - 4) % 16] = voc_table_prefetch_entry(dst,
			    h[(i - 4) % 16]);
		if (i < 8)
			continue;
		voc_table_at(src, i - 8, &e);
		if ((d = voc_table_get_hashed(dst, e.key, e.keylen,
		    h[(i - 8) % 16], hint[(i - 8) % 16])) == NULL ||
		    dst->ops->merge(d, e.st, dst->cfg) < 0)
			return -1;
	}
	return 0;
}
