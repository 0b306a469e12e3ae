/*
 * Answer labels: rating answers exported as words.  A table maps labels
 * to scale points; the built-in one holds the common English and
 * Japanese 5-point satisfaction wordings, and --labels adds any other.
 * Matching ignores surrounding blanks and ASCII case.
 */
#ifndef VOC_LABELS_H
#define VOC_LABELS_H

#include <stddef.h>

#include "voc/error.h"

struct voc_labels;

/*
 * A table from a spec "Very good=5,Good=4,...": comma-separated
 * LABEL=NUMBER pairs.  Returns NULL with a usage error for a malformed
 * spec.  A NULL spec gives an empty table.
 */
struct voc_labels *voc_labels_parse(const char *spec, struct voc_error *err);
void voc_labels_free(struct voc_labels *l);

/* The point of label s[0..len) in l, then (when builtin is set) in the
 * built-in 5-point table; returns 0 and sets *v, or -1. */
int voc_labels_find(const struct voc_labels *l, int builtin, const char *s,
    size_t len, int *v);

enum voc_binary {
	VOC_BINARY_NONE = 0,	/* not a binary rating word */
	VOC_BINARY_GOOD,
	VOC_BINARY_BAD,
	VOC_BINARY_NOANSWER	/* Zendesk's offered / unoffered */
};

/* Zendesk's satisfaction ratings: good, bad, offered, unoffered. */
enum voc_binary voc_labels_binary(const char *s, size_t len);

#endif
