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

/*
 * The words of the built-in 4- and 5-point wordings (Excellent ... Poor,
 * Very good ... Very poor, Excellent / Good / Fair / Poor, 4-point
 * satisfaction in English and Japanese, 非常に良い ... 非常に悪い), whose
 * points depend on the wording: a word's index (0 .. voc_labels_nwords()
 * - 1), or -1 when it is none of them.  Not thread-safe on first use
 * only: call voc_labels_nwords() once before threads start.
 */
int voc_labels_word(const char *s, size_t len);
const char *voc_labels_word_name(int i);
int voc_labels_nwords(void);

/*
 * Chooses the wording a column uses from the counts of its words
 * (seen[i] answers were word i) on a scale of points points (1 ..
 * points): sets point[i] to each word's point in it, 0 for words it does
 * not have (those answers are to be skipped), and returns 0; all 0 when
 * no word was seen or no wording of that size fits.  Returns -1 with a
 * reason in why when the words fit several wordings that disagree, or
 * only a wording of another size ("give --scale 1-4").  note is set
 * (else "") when the words are also every word of a wording of another
 * size, so that the scale may be wrong: a warning to show.
 */
int voc_labels_choose(const long long *seen, int points, int *point,
    char *why, size_t size, char *note, size_t notesize);

enum voc_binary {
	VOC_BINARY_NONE = 0,	/* not a binary rating word */
	VOC_BINARY_GOOD,
	VOC_BINARY_BAD,
	VOC_BINARY_NOANSWER	/* Zendesk's offered / unoffered */
};

/* Zendesk's satisfaction ratings: good, bad, offered, unoffered. */
enum voc_binary voc_labels_binary(const char *s, size_t len);

#endif
