/*
 * Timestamps to UTC seconds, and time zones.  Zones are read from the
 * system's TZif files (/usr/share/zoneinfo, or $TZDIR) into a value of
 * their own, because the C library keeps only one zone at a time and a
 * program may need two: the zone times without an offset are read in
 * (--input-tz) and the zone periods are cut in (--tz).  The files'
 * POSIX-rule footers carry each zone's daylight-saving rule past the
 * last transition they list (2037 in Debian's files).
 */
#ifndef VOC_TIMEPARSE_H
#define VOC_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "voc/error.h"

struct voc_tz;

/*
 * Loads a zone.  name is, in the order tried:
 *   - "UTC", "GMT" or "Z" (any case), or "Etc/UTC": UTC, no file;
 *   - a fixed offset, read the ISO 8601 way (east of Greenwich is +):
 *     "+09:00", "-0530", "+9", "UTC+9", "GMT-03:30";
 *   - an abbreviation that names one zone ("JST" is Asia/Tokyo, "KST"
 *     Asia/Seoul, ...); one that names several ("CST", "IST", "BST",
 *     also EST and MST, tzdata's fixed zones that people use for the New
 *     York and Denver clocks) is a usage error listing the IANA names;
 *   - an IANA name ("Asia/Tokyo", also tzdata's "CET", "EST5EDT"), or an
 *     absolute path to a TZif file, as glibc takes in $TZ;
 *   - a POSIX TZ rule ("JST-9", "CET-1CEST,M3.5.0,M10.5.0/3"; its
 *     offsets count west, so "UTC+9" above is not read as one).
 * Returns the zone, which the caller frees with voc_tz_free(), or NULL
 * with a usage error naming the zone (and the right spelling when only
 * the case is wrong: "asia/tokyo" suggests Asia/Tokyo), or a data error
 * when out of memory.
 */
struct voc_tz *voc_tz_load(const char *name, struct voc_error *err);
void voc_tz_free(struct voc_tz *tz);

/* The name tz was loaded by (owned by tz). */
const char *voc_tz_name(const struct voc_tz *tz);

/*
 * The zone to use when none is given: $TZ when it is set and not empty,
 * without the leading ':' glibc allows ("TZ=:Asia/Tokyo"), else "UTC".
 * The string belongs to the environment; pass it to voc_tz_load().
 */
const char *voc_tz_default_name(void);

/* The zone's offset from UTC, in seconds east, at the instant utc. */
long voc_tz_offset(const struct voc_tz *tz, int64_t utc);

/*
 * The instant at which the zone's wall clock reads local (seconds since
 * 1970-01-01 00:00 as if it were UTC).  In a gap or an overlap of a
 * daylight-saving change, the earlier offset's reading wins (Python's
 * fold = 0): in an overlap, the first of the two instants (01:30 on
 * 2024-10-27 in Europe/London is 00:30 UTC, still summer time); in a
 * gap, the offset before the change, so the time moves forward by the
 * gap (01:30 on 2024-03-31 in London is 01:30 UTC, which London clocks
 * show as 02:30).
 */
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
 * that completes "\"VALUE\" ..." (static storage).  A number of more than
 * 18 digits is not a timestamp.
 */
int voc_time_parse(const char *s, size_t len, const struct voc_timeopts *o,
    int64_t *utc, const char **why);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t voc_days_from_civil(int64_t y, int m, int d);
void voc_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

#endif
