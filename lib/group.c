/*
 * The group table (see include/voc/group.h): open addressing with linear
 * probing over an index of entry numbers; keys and accumulators live in
 * one growing array of entries so sorting never moves the index's
 * targets.  A one-entry cache serves runs of rows with the same key,
 * common in exports sorted by date or team.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "voc/group.h"

struct slot {
	uint64_t hash;
	size_t entry;	/* entry index + 1; 0 is an empty slot */
};

struct voc_group {
	size_t acc_size;
	struct voc_group_entry *entries;
	uint64_t *hashes;
	size_t n, cap;
	struct slot *slots;
	size_t nslots;	/* a power of two */
	size_t *order;	/* sorted view: order[i] is an entry index */
	size_t last;	/* entry index + 1 of the last hit */
};

static uint64_t
hash(const char *key, size_t len)
{
	/* FNV-1a, 64-bit, with a final mix so low bits spread. */
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

struct voc_group *
voc_group_new(size_t acc_size)
{
	struct voc_group *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->acc_size = acc_size;
	g->nslots = 64;
	if ((g->slots = calloc(g->nslots, sizeof(*g->slots))) == NULL) {
		free(g);
		return NULL;
	}
	return g;
}

void
voc_group_free(struct voc_group *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->n; i++) {
		free((char *)g->entries[i].key);
		free(g->entries[i].acc);
	}
	free(g->entries);
	free(g->hashes);
	free(g->slots);
	free(g->order);
	free(g);
}

static struct slot *
probe(const struct voc_group *g, uint64_t h, const char *key, size_t len)
{
	size_t mask = g->nslots - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		struct slot *s = &g->slots[i];

		if (s->entry == 0)
			return s;
		const struct voc_group_entry *e = &g->entries[s->entry - 1];
		if (s->hash == h && e->keylen == len &&
		    memcmp(e->key, key, len) == 0)
			return s;
	}
}

static int
rehash(struct voc_group *g)
{
	size_t n = g->nslots * 2;
	struct slot *old = g->slots, *s;
	size_t oldn = g->nslots;

	if ((s = calloc(n, sizeof(*s))) == NULL)
		return -1;
	g->slots = s;
	g->nslots = n;
	for (size_t i = 0; i < oldn; i++)
		if (old[i].entry != 0) {
			size_t j = old[i].hash & (n - 1);

			while (s[j].entry != 0)
				j = (j + 1) & (n - 1);
			s[j] = old[i];
		}
	free(old);
	return 0;
}

void *
voc_group_find(const struct voc_group *g, const char *key, size_t keylen)
{
	if (g->last != 0) {
		const struct voc_group_entry *e = &g->entries[g->last - 1];

		if (e->keylen == keylen && memcmp(e->key, key, keylen) == 0)
			return e->acc;
	}
	struct slot *s = probe(g, hash(key, keylen), key, keylen);
	return s->entry ? g->entries[s->entry - 1].acc : NULL;
}

void *
voc_group_get(struct voc_group *g, const char *key, size_t keylen)
{
	if (g->last != 0) {
		const struct voc_group_entry *e = &g->entries[g->last - 1];

		if (e->keylen == keylen && memcmp(e->key, key, keylen) == 0)
			return e->acc;
	}
	uint64_t h = hash(key, keylen);
	struct slot *s = probe(g, h, key, keylen);

	if (s->entry != 0) {
		g->last = s->entry;
		return g->entries[s->entry - 1].acc;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		struct voc_group_entry *e = realloc(g->entries,
		    cap * sizeof(*e));

		if (e == NULL)
			return NULL;
		g->entries = e;
		g->cap = cap;
	}
	struct voc_group_entry *e = &g->entries[g->n];
	char *k = malloc(keylen ? keylen : 1);
	void *acc = calloc(1, g->acc_size ? g->acc_size : 1);

	if (k == NULL || acc == NULL) {
		free(k);
		free(acc);
		return NULL;
	}
	memcpy(k, key, keylen);
	e->key = k;
	e->keylen = keylen;
	e->acc = acc;
	s->hash = h;
	s->entry = ++g->n;
	g->last = g->n;
	if (g->n * 2 > g->nslots && rehash(g) < 0)
		return NULL;
	return acc;
}

size_t
voc_group_count(const struct voc_group *g)
{
	return g->n;
}

static int (*sort_cmp)(const void *, const void *);
static const struct voc_group *sort_table;

static int
by_entry(const void *a, const void *b)
{
	return sort_cmp(&sort_table->entries[*(const size_t *)a],
	    &sort_table->entries[*(const size_t *)b]);
}

void
voc_group_sort(struct voc_group *g, int (*cmp)(const void *, const void *))
{
	free(g->order);
	if ((g->order = malloc((g->n ? g->n : 1) * sizeof(size_t))) == NULL)
		return;	/* entries stay in insertion order */
	for (size_t i = 0; i < g->n; i++)
		g->order[i] = i;
	/* qsort has no context argument in C11; sorting is done once, at
	 * the end, from one thread. */
	sort_cmp = cmp;
	sort_table = g;
	qsort(g->order, g->n, sizeof(size_t), by_entry);
}

const struct voc_group_entry *
voc_group_entry(const struct voc_group *g, size_t i)
{
	return &g->entries[g->order ? g->order[i] : i];
}
