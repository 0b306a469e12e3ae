/*
 * --compare: which accumulator each group-and-period row is compared
 * with.  "previous" is the same group's previous calendar period;
 * "overall" is every other answer of the same period (the period's whole
 * less the group).  The statistic of the difference is the program's.
 */
#ifndef VOC_COMPARE_H
#define VOC_COMPARE_H

#include <stddef.h>

#include "voc/cli.h"
#include "voc/group.h"
#include "voc/input.h"

/* The output columns a comparison adds, in order. */
extern const char *const voc_compare_columns[4];

/* Reads "previous" or "overall"; checks it fits the other options
 * (previous needs --by, overall needs -g).  Returns 0 or -1 (usage). */
int voc_compare_parse(const char *s, const struct voc_common *c,
    enum voc_compare_mode *mode, struct voc_error *err);

/* How the program's accumulators combine: merge adds src into dst; less
 * sets out to whole without part. */
struct voc_compare_ops {
	size_t acc_size;
	void (*merge)(void *dst, const void *src);
	void (*less)(void *out, const void *whole, const void *part);
};

struct voc_compare;

/* Prepares comparisons of g's entries (the groups of in).  Returns NULL
 * when out of memory. */
struct voc_compare *voc_compare_new(enum voc_compare_mode mode,
    const struct voc_input *in, const struct voc_group *g,
    const struct voc_compare_ops *ops);
void voc_compare_free(struct voc_compare *c);

/* The accumulator e is compared with, or NULL when there is none (no
 * previous period).  Valid until the next call. */
const void *voc_compare_base(struct voc_compare *c,
    const struct voc_group_entry *e);

#endif
