/*
 * Timestamps to UTC seconds, and time zones.  Zones are read from the
 * system's TZif files (/usr/share/zoneinfo, or $TZDIR) into a value of
 * their own, because the C library keeps only one zone at a time and a
 * program may need two: the zone times without an offset are read in
 * (--input-tz) and the zone periods are cut in (--tz).
 */
#ifndef VOC_TIMEPARSE_H
#define VOC_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "voc/error.h"

struct voc_tz;

/* Loads a zone by IANA name ("Asia/Tokyo"); "UTC" needs no file.  Returns
 * NULL with a usage error for an unknown name. */
struct voc_tz *voc_tz_load(const char *name, struct voc_error *err);
void voc_tz_free(struct voc_tz *tz);

/* The zone's offset from UTC, in seconds east, at the instant utc. */
long voc_tz_offset(const struct voc_tz *tz, int64_t utc);

/* The instant at which the zone's wall clock reads local (seconds since
 * 1970-01-01 00:00 as if it were UTC).  In a gap or an overlap of a
 * daylight-saving change, the earlier offset's reading wins. */
int64_t voc_tz_to_utc(const struct voc_tz *tz, int64_t local);

enum voc_date_order {
	VOC_DATE_UNSET = 0,
	VOC_DATE_MDY,
	VOC_DATE_DMY
};

struct voc_timeopts {
	const struct voc_tz *input_tz;	/* for times without an offset */
	enum voc_date_order order;	/* for 12/1/2010-style dates */
};

/*
 * Parses s[0..len) in any form CONVENTIONS.md lists.  Returns 0 and sets
 * *utc (seconds, fractions dropped), or -1 and points *why at a phrase
 * that completes "\"VALUE\" ..." (static storage).
 */
int voc_time_parse(const char *s, size_t len, const struct voc_timeopts *o,
    int64_t *utc, const char **why);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t voc_days_from_civil(int64_t y, int m, int d);
void voc_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

#endif
