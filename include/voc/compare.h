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
#include "voc/table.h"
#include "voc/writer.h"

/* The output columns a comparison adds, in order. */
extern const char *const voc_compare_columns[4];

/* Reads "previous" or "overall"; checks it fits the other options
 * (previous needs --by, overall needs -g).  Returns 0 or -1 (usage). */
int voc_compare_parse(const char *s, const struct voc_common *c,
    enum voc_compare_mode *mode, struct voc_error *err);

/* How the program's states combine beyond merge: less sets out to whole
 * without part (for "everyone else"). */
struct voc_compare_ops {
	void (*less)(void *out, const void *whole, const void *part,
	    const void *cfg);
};

struct voc_compare;

/* Prepares comparisons of t's entries, whose keys are group values and
 * (last) a period.  Returns NULL when out of memory. */
struct voc_compare *voc_compare_new(enum voc_compare_mode mode,
    const struct voc_table *t, const struct voc_compare_ops *ops);
void voc_compare_free(struct voc_compare *c);
/* For a second thread: a comparison with its own scratch that reads c's
 * tables (c is freed after it).  NULL when out of memory. */
struct voc_compare *voc_compare_twin(const struct voc_compare *c);

/* The cells of voc_compare_columns: the change d and its interval, times
 * scale (100 for points), and the p-value; NaN for none. */
void voc_compare_write(struct voc_writer *w, double scale, double d,
    double lo, double hi, double p);

/* Sets *base to the state e is compared with, or NULL when there is
 * none (no previous period); valid until the next call.  Returns 0, or
 * -1 when out of memory. */
int voc_compare_base(struct voc_compare *c, const struct voc_entry *e,
    const void **base);

#endif
