/*
 * Calendar periods (--by): an instant becomes the index of its day, ISO
 * week, month, quarter or year in a zone.  Indices are consecutive, so
 * "the previous period" is always index - 1, and they sort in time order.
 */
#ifndef VOC_PERIOD_H
#define VOC_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "voc/timeparse.h"

enum voc_period {
	VOC_BY_NONE = 0,
	VOC_BY_DAY,
	VOC_BY_WEEK,
	VOC_BY_MONTH,
	VOC_BY_QUARTER,
	VOC_BY_YEAR
};

/* "day", "week", ...; returns -1 for an unknown name. */
int voc_period_parse(const char *name, enum voc_period *by);

/* The index of the period holding utc, cut in tz. */
int64_t voc_period_index(enum voc_period by, const struct voc_tz *tz,
    int64_t utc);

/* The period's label: 2024-05-01, 2024-W05 (ISO week), 2024-05, 2024-Q2,
 * 2024. */
void voc_period_label(enum voc_period by, int64_t index, char *buf,
    size_t size);

#endif
