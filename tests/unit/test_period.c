/*
 * period: labels read back, period starts in zones with daylight saving,
 * and the bounds of --since, --until and --last.  Expected instants were
 * worked out from the calendar: 2024-05-17 is a Friday in ISO week
 * 2024-W20 (Monday 13 May; 2024-W01 starts on Monday 1 January), so
 * 2024-W05 starts on 29 January.
 */
#include "check.h"
#include "voc/period.h"
#include "voc/timeparse.h"

static struct voc_error err;

static int64_t
at(int y, int m, int d, int h, int mi)
{
	return voc_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60;
}

/* The bound s in tz at now, or -1. */
static int64_t
bound(const char *s, const struct voc_tz *tz, int64_t now)
{
	struct voc_timeopts o = {NULL, VOC_DATE_UNSET};
	const char *why = NULL;
	int64_t t;

	if (voc_time_parse_bound(s, tz, &o, now, &t, &why) < 0)
		return why != NULL ? -1 : -2;
	return t;
}

static const char *
bound_why(const char *s, const struct voc_tz *tz)
{
	const char *why = "(parsed)";
	int64_t t;

	voc_time_parse_bound(s, tz, NULL, 0, &t, &why);
	return why;
}

/* --last spec: whether it gives exactly since and until. */
static int
last_is(const char *spec, const struct voc_tz *tz, int64_t now,
    int64_t since, int64_t until)
{
	int64_t s, u;
	const char *why;

	return voc_time_last(spec, tz, now, &s, &u, &why) == 0 &&
	    s == since && u == until;
}

static int
label_is(const char *s, enum voc_period by, int64_t index)
{
	enum voc_period b;
	int64_t i;

	return voc_period_parse_label(s, &b, &i) == 0 && b == by && i == index;
}

static int
label_bad(const char *s)
{
	enum voc_period b;
	int64_t i;

	return voc_period_parse_label(s, &b, &i) < 0;
}

/* Every label of a stretch of periods reads back as its index. */
static int
round_trip(enum voc_period by, int64_t lo, int64_t hi)
{
	char buf[32];

	for (int64_t i = lo; i <= hi; i++) {
		voc_period_label(by, i, buf, sizeof(buf));
		if (!label_is(buf, by, i))
			return 0;
	}
	return 1;
}

/* Each day of 2023-2025 starts in its own day, after the one before,
 * and a second before its start lies in the day before. */
static int
days_start_right(const struct voc_tz *tz)
{
	int64_t lo = voc_days_from_civil(2023, 1, 1);
	int64_t hi = voc_days_from_civil(2025, 12, 31);

	for (int64_t d = lo; d <= hi; d++) {
		int64_t s = voc_period_start(VOC_BY_DAY, tz, d);

		if (voc_period_index(VOC_BY_DAY, tz, s) != d ||
		    voc_period_index(VOC_BY_DAY, tz, s - 1) != d - 1 ||
		    s >= voc_period_start(VOC_BY_DAY, tz, d + 1))
			return 0;
	}
	return 1;
}

int
main(void)
{
	struct voc_tz *utc = voc_tz_load("UTC", &err);
	struct voc_tz *tokyo = voc_tz_load("Asia/Tokyo", &err);
	struct voc_tz *ny = voc_tz_load("America/New_York", &err);
	struct voc_tz *scl = voc_tz_load("America/Santiago", &err);
	struct voc_tz *syd = voc_tz_load("Australia/Sydney", &err);
	int64_t now = at(2024, 5, 17, 12, 0);	/* a Friday */

	CHECK(utc && tokyo && ny && scl && syd);

	/* Labels back to periods. */
	CHECK(label_is("2024-05-01", VOC_BY_DAY,
	    voc_days_from_civil(2024, 5, 1)));
	CHECK(label_is("2024-W01", VOC_BY_WEEK,
	    voc_period_index(VOC_BY_WEEK, utc, at(2024, 1, 1, 0, 0))));
	CHECK(label_is("2020-W53", VOC_BY_WEEK,
	    voc_period_index(VOC_BY_WEEK, utc, at(2020, 12, 28, 0, 0))));
	CHECK(label_is("2025-W01", VOC_BY_WEEK,
	    voc_period_index(VOC_BY_WEEK, utc, at(2024, 12, 30, 0, 0))));
	CHECK(label_is("2024-05", VOC_BY_MONTH, 2024 * 12 + 4));
	CHECK(label_is("2024-Q2", VOC_BY_QUARTER, 2024 * 4 + 1));
	CHECK(label_is("2024", VOC_BY_YEAR, 2024));
	CHECK(label_bad("2021-W53"));	/* 2021 has 52 weeks */
	CHECK(label_bad("2024-W00"));
	CHECK(label_bad("2024-02-30"));
	CHECK(label_bad("2023-02-29"));
	CHECK(label_bad("2024-13"));
	CHECK(label_bad("2024-5"));
	CHECK(label_bad("2024-Q5"));
	CHECK(label_bad("2024-Q"));
	CHECK(label_bad("24"));
	CHECK(label_bad("20240"));
	CHECK(label_bad("2024-05-01x"));
	CHECK(label_bad(""));
	/* 1900-2100 in every kind, days 1960-2040. */
	CHECK(round_trip(VOC_BY_DAY, voc_days_from_civil(1960, 1, 1),
	    voc_days_from_civil(2040, 12, 31)));
	CHECK(round_trip(VOC_BY_WEEK,
	    voc_period_index(VOC_BY_WEEK, utc, at(1900, 1, 1, 0, 0)),
	    voc_period_index(VOC_BY_WEEK, utc, at(2100, 12, 31, 0, 0))));
	CHECK(round_trip(VOC_BY_MONTH, 1900 * 12, 2100 * 12 + 11));
	CHECK(round_trip(VOC_BY_QUARTER, 1900 * 4, 2100 * 4 + 3));
	CHECK(round_trip(VOC_BY_YEAR, 1900, 2100));

	/* Period starts. */
	CHECK(voc_period_start(VOC_BY_WEEK, utc, voc_period_index(VOC_BY_WEEK,
	    utc, now)) == at(2024, 5, 13, 0, 0));
	CHECK(voc_period_start(VOC_BY_QUARTER, tokyo, 2024 * 4 + 1) ==
	    at(2024, 3, 31, 15, 0));	/* 1 April 00:00 JST */
	/* Santiago's clocks skip 00:00-01:00 on 8 September 2024: the day
	 * starts at 01:00 -03, 04:00 UTC.  New York's 10 March 2024 lasts
	 * 23 hours, 05:00 UTC to 04:00 UTC the next day. */
	CHECK(voc_period_start(VOC_BY_DAY, scl,
	    voc_days_from_civil(2024, 9, 8)) == at(2024, 9, 8, 4, 0));
	CHECK(voc_period_start(VOC_BY_DAY, ny,
	    voc_days_from_civil(2024, 3, 11)) -
	    voc_period_start(VOC_BY_DAY, ny,
	    voc_days_from_civil(2024, 3, 10)) == 23 * 3600);
	CHECK(days_start_right(ny));
	CHECK(days_start_right(scl));
	CHECK(days_start_right(syd));

	/* --since / --until bounds at Friday 2024-05-17 12:00 UTC. */
	CHECK(bound("2024-02", utc, now) == at(2024, 2, 1, 0, 0));
	CHECK(bound("2024-W05", utc, now) == at(2024, 1, 29, 0, 0));
	CHECK(bound("2024-Q2", utc, now) == at(2024, 4, 1, 0, 0));
	CHECK(bound("2024", utc, now) == at(2024, 1, 1, 0, 0));
	CHECK(bound("2024-05-03", utc, now) == at(2024, 5, 3, 0, 0));
	CHECK(bound("2024-05-03 10:30", utc, now) == at(2024, 5, 3, 10, 30));
	CHECK(bound("today", utc, now) == at(2024, 5, 17, 0, 0));
	CHECK(bound("yesterday", utc, now) == at(2024, 5, 16, 0, 0));
	CHECK(bound("now", utc, now) == now);
	CHECK(bound("-3m", utc, now) == at(2024, 2, 1, 0, 0));
	CHECK(bound("-3months", utc, now) == at(2024, 2, 1, 0, 0));
	CHECK(bound("-2w", utc, now) == at(2024, 4, 29, 0, 0));
	CHECK(bound("-10d", utc, now) == at(2024, 5, 7, 0, 0));
	CHECK(bound("-0d", utc, now) == at(2024, 5, 17, 0, 0));
	CHECK(bound("-1q", utc, now) == at(2024, 1, 1, 0, 0));
	CHECK(bound("-1y", utc, now) == at(2023, 1, 1, 0, 0));
	CHECK(bound("-5m", utc, now) == at(2023, 12, 1, 0, 0));
	/* In Tokyo, 2024-05-16 20:00 UTC is already Friday 05:00. */
	CHECK(bound("today", tokyo, at(2024, 5, 16, 20, 0)) ==
	    at(2024, 5, 16, 15, 0));
	CHECK(bound("-3m", tokyo, at(2024, 5, 16, 20, 0)) ==
	    at(2024, 1, 31, 15, 0));
	CHECK(bound("2024-02", tokyo, now) == at(2024, 1, 31, 15, 0));
	CHECK(bound("2024-02-01 09:00", tokyo, now) == at(2024, 2, 1, 0, 0));
	CHECK(bound("2024-02-01T09:00Z", tokyo, now) == at(2024, 2, 1, 9, 0));
	/* New York: 2024-03 starts at 05:00 UTC (EST), 2024-04 at 04:00
	 * (EDT). */
	CHECK(bound("2024-03", ny, now) == at(2024, 3, 1, 5, 0));
	CHECK(bound("2024-04", ny, now) == at(2024, 4, 1, 4, 0));
	CHECK(bound("-3x", utc, now) == -1);
	CHECK(bound("-", utc, now) == -1);
	CHECK(bound("-1234567d", utc, now) == -1);
	CHECK(bound("soon", utc, now) == -1);
	CHECK(bound("2024-13", utc, now) == -1);
	CHECK(bound("2021-W53", utc, now) == -1);
	CHECK(strstr(bound_why("soon", utc), "2024-W05") != NULL);
	CHECK(strstr(bound_why("12/1/2010", utc), "--date-order") != NULL);

	/* --last: complete periods before the current one. */
	CHECK(last_is("3 months", utc, now, at(2024, 2, 1, 0, 0),
	    at(2024, 5, 1, 0, 0)));
	CHECK(last_is("3m", utc, now, at(2024, 2, 1, 0, 0),
	    at(2024, 5, 1, 0, 0)));
	CHECK(last_is("2w", utc, now, at(2024, 4, 29, 0, 0),
	    at(2024, 5, 13, 0, 0)));
	CHECK(last_is("1 quarter", utc, now, at(2024, 1, 1, 0, 0),
	    at(2024, 4, 1, 0, 0)));
	CHECK(last_is("year", utc, now, at(2023, 1, 1, 0, 0),
	    at(2024, 1, 1, 0, 0)));
	CHECK(last_is("7 days", utc, now, at(2024, 5, 10, 0, 0),
	    at(2024, 5, 17, 0, 0)));
	/* Monday 2024-03-11 12:00 EDT: yesterday was 23 hours long. */
	CHECK(last_is("1d", ny, at(2024, 3, 11, 16, 0), at(2024, 3, 10, 5, 0),
	    at(2024, 3, 11, 4, 0)));
	{
		int64_t s, u;
		const char *why = NULL;

		CHECK(voc_time_last("0 months", utc, now, &s, &u, &why) < 0 &&
		    why != NULL);
		CHECK(voc_time_last("3 fortnights", utc, now, &s, &u, &why) <
		    0);
		CHECK(voc_time_last("", utc, now, &s, &u, &why) < 0);
	}

	voc_tz_free(utc);
	voc_tz_free(tokyo);
	voc_tz_free(ny);
	voc_tz_free(scl);
	voc_tz_free(syd);
	return check_done("test_period");
}
