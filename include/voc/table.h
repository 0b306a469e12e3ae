/*
 * The per-key state table of every program: a hash table from a
 * canonical key (include/voc/key.h) to a program's state, which is
 * described by a table of functions in the manner of SQLite's aggregate
 * callbacks and Redis's module type methods (init, merge, free, save,
 * load).  Keys and states live inline in one arena of large chunks, so a
 * key costs no malloc of its own (about 30 bytes of overhead each: 10^7
 * customers fit in well under a gigabyte plus their states; an entry
 * of up to 64 bytes may take a whole cache line, so as not to cross
 * two), and a state's address never changes once made.
 *
 * Ownership: the table owns its keys and states; a state may own memory
 * of its own, which the ops' fini releases.  Pointers returned by get and
 * find stay valid until the table is freed.
 */
#ifndef VOC_TABLE_H
#define VOC_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "voc/error.h"

struct voc_enc;
struct voc_dec;

/*
 * A program's per-key state.  cfg is the program's own context, passed
 * back to every call (a state's shape may depend on options).  Every
 * function but merge may be NULL: no init leaves the state zeroed, no
 * fini frees nothing, and a program without save and load cannot write
 * or merge state files.
 */
struct voc_state_ops {
	const char *name;	/* names the state in state files */
	unsigned version;	/* bumps when the saved form changes */
	void (*init)(void *st, const void *cfg);
	/* Adds src into dst; 0, or -1 when out of memory. */
	int (*merge)(void *dst, const void *src, const void *cfg);
	void (*fini)(void *st, const void *cfg);
	/* Writes the state's values (voc_enc_*); 0 or -1 (out of memory). */
	int (*save)(const void *st, struct voc_enc *e, const void *cfg);
	/* Reads what save wrote into a fresh (initialised) state; 0, or -1
	 * with a data error for values that are not what save writes. */
	int (*load)(void *st, struct voc_dec *d, const void *cfg,
	    struct voc_error *err);
	/* For a state that names input lines: adds lines to them.  A part
	 * of a file read in a thread of its own counts lines from its own
	 * start; the driver calls this before merging it.  May be NULL. */
	void (*rebase)(void *st, long lines, const void *cfg);
};

struct voc_table;

struct voc_entry {
	const char *key;
	size_t keylen;
	void *st;
};

/* A table of states of size bytes each; NULL when out of memory. */
struct voc_table *voc_table_new(const struct voc_state_ops *ops,
    size_t size, const void *cfg);

/* Frees the table, calling fini on every state. */
void voc_table_free(struct voc_table *t);

/* The state for key, made (zeroed, then init) when new; NULL when out of
 * memory. */
void *voc_table_get(struct voc_table *t, const char *key, size_t keylen);

/*
 * Asking the memory early, for a caller that knows which keys come
 * next (with many keys, each lookup would otherwise wait on the index's
 * slot, then on the entry): voc_table_prefetch starts the load of key's
 * slot and returns its hash, which voc_table_prefetch_entry (called a
 * little later, when the slot has arrived) uses to start the load of
 * the entry.  voc_table_prefetch_entry returns that entry (almost
 * always key's, when key is in the table) or NULL, as a hint for
 * voc_table_get_hashed, which checks it against key.  Neither changes
 * anything.
 */
uint64_t voc_table_prefetch(const struct voc_table *t, const char *key,
    size_t keylen);
const void *voc_table_prefetch_entry(const struct voc_table *t, uint64_t h);
/* voc_table_get with the hash voc_table_prefetch returned for key and
 * the hint voc_table_prefetch_entry returned for it since (or NULL).
 * Entries never move, so a hint stays good while keys are added. */
void *voc_table_get_hashed(struct voc_table *t, const char *key,
    size_t keylen, uint64_t h, const void *hint);

/* The state for key, or NULL when there is none. */
void *voc_table_find(const struct voc_table *t, const char *key,
    size_t keylen);

size_t voc_table_count(const struct voc_table *t);
size_t voc_table_state_size(const struct voc_table *t);
const struct voc_state_ops *voc_table_ops(const struct voc_table *t);
const void *voc_table_cfg(const struct voc_table *t);

/* Entry i, in key order after voc_table_sort, else in insertion order. */
void voc_table_at(const struct voc_table *t, size_t i, struct voc_entry *e);

/* Sorts the entries in the one total order of keys; 0, or -1 when out of
 * memory (the order is then unchanged). */
int voc_table_sort(struct voc_table *t);

/* Merges every state of src into dst (same ops and size); 0 or -1 when
 * out of memory. */
int voc_table_merge(struct voc_table *dst, const struct voc_table *src);

#endif
