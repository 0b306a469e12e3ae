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

/* Resolves a comma-separated list into a new array *idx of *n indices
 * (the caller frees it).  Returns 0 or -1. */
int voc_columns_list(const struct voc_reader *r, const char *refs,
    size_t **idx, size_t *n, struct voc_error *err);

#endif
