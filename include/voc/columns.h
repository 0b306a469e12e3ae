/*
 * Column references: a header name (exact first, then a unique ASCII
 * case-insensitive match) or a 1-based number where no header has that
 * name.  Resolved once, after the header, into indices.
 */
#ifndef VOC_COLUMNS_H
#define VOC_COLUMNS_H

#include <stddef.h>

#include "voc/error.h"
#include "voc/reader.h"

/* Resolves ref[0..len); returns 0 and sets *idx, or -1 with a usage
 * error that lists the columns there are. */
int voc_columns_find(const struct voc_reader *r, const char *ref, size_t len,
    size_t *idx, struct voc_error *err);

/*
 * Splits a comma-separated list of column references (-g, -c, --fields)
 * as a CSV line is split: an item in double quotes may hold commas, and
 * "" inside it is one quote ("Overall, how satisfied",channel).  Sets
 * *items to a new array of *n strings, all in one allocation the caller
 * frees with free(*items).  Returns 0, or -1 with a usage error for a
 * quote left open or text after a closing quote (what names the list in
 * messages).
 */
int voc_columns_split(const char *list, const char *what, char ***items,
    size_t *n, struct voc_error *err);

/*
 * Writes the numbered list of names[0..n) for a message into buf (size
 * bytes, always NUL-terminated): `1 id, 2 person, 3 "a, b", 4 ""`.  A
 * name that holds a comma, a space or a quote, or is empty, is quoted
 * (quotes doubled); a long name is cut with "…", and when the list does
 * not fit, it ends with "… (N more; --columns lists them all)".
 * Returns buf.
 */
char *voc_columns_describe(const char *const *names, size_t n, char *buf,
    size_t size);

/* Resolves a comma-separated list (split by voc_columns_split; what
 * names the option in its errors, "-g") into a new array *idx of *n
 * indices (the caller frees it).  Returns 0 or -1. */
int voc_columns_list(const struct voc_reader *r, const char *refs,
    const char *what, size_t **idx, size_t *n, struct voc_error *err);

#endif
