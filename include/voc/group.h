/*
 * The group table: a hash table from a group key (opaque bytes) to a
 * fixed-size accumulator that starts zeroed.  Programs keep one
 * accumulator per group and period; at the end they ask for the entries
 * sorted.  Memory grows with the number of groups, never with rows.
 */
#ifndef VOC_GROUP_H
#define VOC_GROUP_H

#include <stddef.h>

struct voc_group;

struct voc_group_entry {
	const char *key;
	size_t keylen;
	void *acc;
};

/* A table of accumulators of acc_size bytes each; NULL when out of
 * memory. */
struct voc_group *voc_group_new(size_t acc_size);
void voc_group_free(struct voc_group *g);

/* The accumulator for key, created zeroed (the key is copied) when new.
 * Returns NULL when out of memory. */
void *voc_group_get(struct voc_group *g, const char *key, size_t keylen);

/* The accumulator for key, or NULL when there is none. */
void *voc_group_find(const struct voc_group *g, const char *key,
    size_t keylen);

size_t voc_group_count(const struct voc_group *g);

/* Entry i, in the order of the last voc_group_sort (else insertion). */
const struct voc_group_entry *voc_group_entry(const struct voc_group *g,
    size_t i);

/* Sorts the entries with cmp (as qsort, on two struct voc_group_entry). */
void voc_group_sort(struct voc_group *g,
    int (*cmp)(const void *, const void *));

#endif
