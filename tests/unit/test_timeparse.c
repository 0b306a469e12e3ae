/*
 * timeparse and period: every timestamp form of CONVENTIONS.md, zones
 * from the system's tzdata, and period labels.  Expected instants were
 * worked out by hand from the calendar (1704067200 is 2024-01-01T00:00Z).
 */
#include "check.h"
#include "voc/period.h"
#include "voc/timeparse.h"

static struct voc_timeopts opts;

static int64_t
ts(const char *s)
{
	int64_t t;
	const char *why;

	if (voc_time_parse(s, strlen(s), &opts, &t, &why) < 0)
		return -1;
	return t;
}

static const char *
why_of(const char *s)
{
	int64_t t;
	const char *why = "";

	if (voc_time_parse(s, strlen(s), &opts, &t, &why) == 0)
		return "(parsed)";
	return why;
}

static const char *
label(enum voc_period by, const struct voc_tz *tz, int64_t t)
{
	static char buf[32];

	voc_period_label(by, voc_period_index(by, tz, t), buf, sizeof(buf));
	return buf;
}

int
main(void)
{
	struct voc_error err;
	struct voc_tz *utc = voc_tz_load("UTC", &err);
	struct voc_tz *tokyo = voc_tz_load("Asia/Tokyo", &err);
	struct voc_tz *ny = voc_tz_load("America/New_York", &err);
	const int64_t jan1 = 1704067200;

	CHECK(utc && tokyo && ny);
	CHECK(voc_tz_load("Mars/Olympus", &err) == NULL &&
	    err.kind == VOC_ERR_USAGE);
	CHECK(voc_days_from_civil(2024, 1, 1) * 86400 == jan1);

	opts.input_tz = utc;
	CHECK(ts("2024-01-01") == jan1);
	CHECK(ts("2024-01-01T00:00:00Z") == jan1);
	CHECK(ts("2024-01-01 09:00:00+09:00") == jan1);
	CHECK(ts("2024-01-01T09:00:00.123+0900") == jan1);
	CHECK(ts("2023-12-31T19:00-05:00") == jan1);
	CHECK(ts("2024/01/01") == jan1);
	CHECK(ts("2024/1/1 0:00") == jan1);
	CHECK(ts("20240101") == jan1);
	CHECK(ts("1704067200") == jan1);
	CHECK(ts("1704067200123") == jan1);
	CHECK(ts("  2024-01-01 ") == jan1);
	/* Google Forms, Japanese: 午後 7:41:40 JST is 10:41:40 UTC. */
	CHECK(ts("2024/01/07 7:41:40 \xE5\x8D\x88\xE5\xBE\x8C GMT+9") ==
	    jan1 + 6 * 86400 + 10 * 3600 + 41 * 60 + 40);
	CHECK(ts("2024/01/07 12:05:00 \xE5\x8D\x88\xE5\x89\x8D GMT+9") ==
	    jan1 + 6 * 86400 - 9 * 3600 + 5 * 60);
	CHECK(ts("2024-01-01 12:30 PM") == jan1 + 12 * 3600 + 30 * 60);

	/* Bad and ambiguous values. */
	CHECK(ts("2024-02-30") == -1);
	CHECK(ts("2023-02-29") == -1);
	CHECK(ts("2024-02-29") == jan1 + 59 * 86400);
	CHECK(ts("n/a") == -1);
	CHECK(ts("2024-01-01T25:00") == -1);
	CHECK(ts("12345") == -1);
	CHECK(strstr(why_of("12/1/2010 8:26"), "--date-order") != NULL);
	opts.order = VOC_DATE_MDY;
	CHECK(ts("12/1/2010 8:26") == 1291191960);
	opts.order = VOC_DATE_DMY;
	CHECK(ts("12/1/2010 8:26") == 1263284760);
	opts.order = VOC_DATE_UNSET;

	/* Times without an offset are read in the input zone. */
	opts.input_tz = tokyo;
	CHECK(ts("2024-01-01 09:00:00") == jan1);
	CHECK(ts("2024-01-01 09:00:00Z") == jan1 + 9 * 3600);
	opts.input_tz = ny;
	CHECK(ts("2024-07-01 08:00") == jan1 + 182 * 86400 + 12 * 3600);
	CHECK(ts("2024-01-01 07:00") == jan1 + 12 * 3600);
	CHECK(voc_tz_offset(ny, jan1) == -5 * 3600);
	CHECK(voc_tz_offset(ny, jan1 + 182 * 86400) == -4 * 3600);
	CHECK(voc_tz_offset(tokyo, jan1) == 9 * 3600);

	/* Periods, cut in a zone. */
	int64_t t = jan1 - 3600;	/* 2023-12-31 23:00 UTC */
	CHECK_STR(label(VOC_BY_DAY, utc, t), "2023-12-31");
	CHECK_STR(label(VOC_BY_DAY, tokyo, t), "2024-01-01");
	CHECK_STR(label(VOC_BY_MONTH, utc, t), "2023-12");
	CHECK_STR(label(VOC_BY_MONTH, tokyo, t), "2024-01");
	CHECK_STR(label(VOC_BY_QUARTER, utc, t), "2023-Q4");
	CHECK_STR(label(VOC_BY_YEAR, tokyo, t), "2024");
	/* ISO weeks: 2024-01-01 was a Monday (2024-W01); 2024-12-30, a
	 * Monday, starts 2025-W01; 2021-01-03, a Sunday, is in 2020-W53. */
	CHECK_STR(label(VOC_BY_WEEK, utc, jan1), "2024-W01");
	CHECK_STR(label(VOC_BY_WEEK, utc, jan1 - 1), "2023-W52");
	CHECK_STR(label(VOC_BY_WEEK, utc,
	    voc_days_from_civil(2024, 12, 30) * 86400), "2025-W01");
	CHECK_STR(label(VOC_BY_WEEK, utc,
	    voc_days_from_civil(2021, 1, 3) * 86400), "2020-W53");
	CHECK(voc_period_index(VOC_BY_WEEK, utc, jan1) -
	    voc_period_index(VOC_BY_WEEK, utc, jan1 - 1) == 1);
	CHECK(voc_period_index(VOC_BY_MONTH, utc, jan1) -
	    voc_period_index(VOC_BY_MONTH, utc, jan1 - 1) == 1);
	/* Before 1970 too. */
	CHECK_STR(label(VOC_BY_MONTH, utc, -1), "1969-12");

	voc_tz_free(utc);
	voc_tz_free(tokyo);
	voc_tz_free(ny);
	return check_done("test_timeparse");
}
