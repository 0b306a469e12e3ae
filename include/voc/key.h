/*
 * Keys of per-key state: a sequence of parts, each a text (a group value,
 * a customer id) or a whole number (a period index, an offset), encoded
 * as canonical bytes that do not depend on the host's byte order, so a
 * key written by one machine means the same on another.
 *
 *   text:   0x01, its length as 4 bytes big-endian, its bytes
 *   number: 0x02, the value as 8 bytes big-endian with the sign bit
 *           flipped (so that byte order is numeric order)
 *   total:  0x03, the "all values" of a group column (--total)
 *
 * Keys have one total order, the same whatever order rows arrive in:
 * part by part; numbers numerically; texts that read as decimal numbers
 * ("9", "10", "-2.5") before other texts and by value (ties by bytes);
 * other texts by bytes; a total after everything else.  Output sorted in
 * this order is stable and
 * diffable, and shards merged in any order sort alike.
 */
#ifndef VOC_KEY_H
#define VOC_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "voc/error.h"

/* A key under construction; its bytes are buf[0..len). */
struct voc_key {
	char *buf;
	size_t len, cap;
};

/* Empties k for a new key (keeps its buffer). */
void voc_key_reset(struct voc_key *k);
void voc_key_free(struct voc_key *k);

/* Appends a part.  Return 0, or -1 when out of memory. */
int voc_key_text(struct voc_key *k, const char *s, size_t len);
int voc_key_int(struct voc_key *k, int64_t v);
int voc_key_total(struct voc_key *k);

/* Appends the encoded parts key[0..len) as they are. */
int voc_key_bytes(struct voc_key *k, const char *key, size_t len);

/* A part of an encoded key, read by voc_key_next. */
struct voc_key_part {
	int is_int;
	int is_total;
	const char *s;		/* text parts: not NUL-terminated */
	size_t len;
	int64_t v;		/* number parts */
};

/*
 * Reads the part of key[0..keylen) at *pos into *p and advances *pos.
 * Returns 1, or 0 at the end (or at malformed bytes).
 */
int voc_key_next(const char *key, size_t keylen, size_t *pos,
    struct voc_key_part *p);

/* Whether a key has a total part. */
int voc_key_has_total(const char *key, size_t keylen);

/* The number of parts of a key. */
size_t voc_key_count(const char *key, size_t keylen);

/*
 * Reads s[0..len) as a plain decimal number (an optional sign, digits
 * with an optional fraction, an optional exponent; no spaces, no "inf",
 * no hex).  Returns 1 and sets *v, or 0.
 */
int voc_key_number(const char *s, size_t len, double *v);

/* Compares two encoded keys in the total order above (<0, 0, >0). */
int voc_key_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif
