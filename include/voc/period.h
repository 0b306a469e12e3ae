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

/*
 * A label back to its period: the form tells the kind (2024-05-01 a day,
 * 2024-W05 a week, 2024-05 a month, 2024-Q2 a quarter, 2024 a year).
 * Only what voc_period_label prints is accepted, years 0000-9999:
 * "2024-5", "2024-02-30" and "2021-W53" (2021 has 52 weeks) are not.
 * Returns 0 and sets *by and *index, or -1.
 */
int voc_period_parse_label(const char *s, enum voc_period *by,
    int64_t *index);

/* The instant period index starts in tz: local midnight of its first day
 * (Monday for weeks), or the end of the gap when a daylight-saving change
 * skips midnight. */
int64_t voc_period_start(enum voc_period by, const struct voc_tz *tz,
    int64_t index);

/*
 * A bound of --since or --until, cut in the report zone tz at the
 * instant now (passed in so results can be tested).  s is one of:
 *   - a period label (voc_period_parse_label): the period's start, so
 *     "--since 2024-02" is 2024-02-01 00:00 in tz and "--until 2024-W05"
 *     the Monday that starts week 5;
 *   - "today", "yesterday": the start of that day; "now": now;
 *   - "-N" and a unit, d w m q y (or day, days, week, ... years): the
 *     start of the period N such units before the one holding now; for
 *     now = 2024-05-17 12:00, -3m is 2024-02-01 00:00, -2w the Monday
 *     two weeks before this week's Monday (2024-04-29), -10d 2024-05-07
 *     00:00, -1y 2023-01-01 00:00, -0d today's start;
 *   - any timestamp voc_time_parse() takes, a time without an offset
 *     read in tz (o gives the date order; its input_tz is not used).
 * Returns 0 and sets *out, or -1 and points *why at a phrase completing
 * "\"VALUE\" ..." (static storage).
 */
int voc_time_parse_bound(const char *s, const struct voc_tz *tz,
    const struct voc_timeopts *o, int64_t now, int64_t *out,
    const char **why);

/*
 * --last N UNIT: the last n complete periods before the one holding now,
 * in tz.  spec is a count and a unit as above, spaces allowed ("3
 * months", "3m", "2 w"); a lone unit ("month") means 1.  Sets *since to
 * the start of the first period and *until to the start of the current
 * one (so since <= time < until), and returns 0; or returns -1 with *why
 * as voc_time_parse_bound() does.
 */
int voc_time_last(const char *spec, const struct voc_tz *tz, int64_t now,
    int64_t *since, int64_t *until, const char **why);

#endif
