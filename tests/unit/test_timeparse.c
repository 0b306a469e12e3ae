/*
 * timeparse and period: every timestamp form of CONVENTIONS.md, zones
 * from the system's tzdata, and period labels.  Expected instants were
 * worked out by hand from the calendar (1704067200 is 2024-01-01T00:00Z).
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "voc/period.h"
#include "voc/timeparse.h"

static struct voc_timeopts opts;
static struct voc_error err;

static int64_t
ts(const char *s)
{
	int64_t t;
	const char *why;

	if (voc_time_parse(s, strlen(s), &opts, &t, &why) < 0)
		return -1;
	return t;
}

/* A UTC instant from its calendar reading. */
static int64_t
at(int y, int m, int d, int h, int mi)
{
	return voc_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60;
}

/* The offset of zone name at the UTC reading, or -99999 when it does
 * not load. */
static long
off_in(const char *name, int64_t t)
{
	struct voc_tz *tz = voc_tz_load(name, &err);
	long off = tz ? voc_tz_offset(tz, t) : -99999;

	voc_tz_free(tz);
	return off;
}

/* Whether loading name fails with a usage error whose message holds
 * text. */
static int
refused(const char *name, const char *text)
{
	struct voc_tz *tz = voc_tz_load(name, &err);

	if (tz != NULL) {
		voc_tz_free(tz);
		return 0;
	}
	return err.kind == VOC_ERR_USAGE && strstr(err.msg, text) != NULL;
}

/* Reads local in zone name (fold = 0). */
static int64_t
local_in(const char *name, const char *local)
{
	struct voc_tz *tz = voc_tz_load(name, &err);
	int64_t t;

	if (tz == NULL)
		return -1;
	opts.input_tz = tz;
	t = ts(local);
	voc_tz_free(tz);
	return t;
}

static void
put32(FILE *fp, uint32_t v)
{
	for (int i = 3; i >= 0; i--)
		fputc((int)(v >> (i * 8)) & 0xff, fp);
}

/*
 * Writes a "slim" TZif file (RFC 8536) like zic -b slim makes: an empty
 * version 1 block, then one transition (2020-01-01, to GMT) and the
 * footer that must give every later offset.  Returns 0 or -1.
 */
static int
write_slim(const char *path, const char *footer)
{
	FILE *fp = fopen(path, "wb");
	static const char chars[] = "LMT\0GMT\0";

	if (fp == NULL)
		return -1;
	for (int v = 1; v <= 2; v++) {
		fwrite("TZif2", 1, 5, fp);
		for (int i = 0; i < 15; i++)
			fputc(0, fp);
		put32(fp, 0);		/* isutcnt */
		put32(fp, 0);		/* isstdcnt */
		put32(fp, 0);		/* leapcnt */
		put32(fp, v == 1 ? 0 : 1);	/* timecnt */
		put32(fp, v == 1 ? 1 : 2);	/* typecnt */
		put32(fp, v == 1 ? 4 : 8);	/* charcnt */
		if (v == 1) {
			put32(fp, 0);	/* one type: +0, no dst, "LMT" */
			fputc(0, fp);
			fputc(0, fp);
			fwrite(chars, 1, 4, fp);
			continue;
		}
		put32(fp, 0);	/* the time, 1577836800, as 64 bits */
		put32(fp, 1577836800u);
		fputc(1, fp);
		put32(fp, (uint32_t)-75);	/* type 0: LMT -00:01:15 */
		fputc(0, fp);
		fputc(0, fp);
		put32(fp, 0);			/* type 1: GMT */
		fputc(0, fp);
		fputc(4, fp);
		fwrite(chars, 1, 8, fp);
	}
	fprintf(fp, "\n%s\n", footer);
	return fclose(fp) == 0 ? 0 : -1;
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

	/*
	 * Daylight-saving changes, read with fold = 0: in an overlap the
	 * first instant (the earlier offset), in a gap the offset before
	 * the change, so the reading moves forward by the gap.
	 * Europe/London 2024: 01:00 GMT -> 02:00 BST on Sunday 31 March at
	 * 01:00 UTC; 02:00 BST -> 01:00 GMT on Sunday 27 October at 01:00
	 * UTC.
	 */
	CHECK(local_in("Europe/London", "2024-03-31 01:30") ==
	    at(2024, 3, 31, 1, 30));	/* +00:00: 02:30 BST */
	CHECK(local_in("Europe/London", "2024-10-27 01:30") ==
	    at(2024, 10, 27, 0, 30));	/* +01:00, the first 01:30 */
	CHECK(local_in("Europe/London", "2024-10-27 00:59") ==
	    at(2024, 10, 26, 23, 59));
	CHECK(local_in("Europe/London", "2024-10-27 02:00") ==
	    at(2024, 10, 27, 2, 0));
	/* America/New_York 2024: 02:00 EST -> 03:00 EDT on 10 March (07:00
	 * UTC); 02:00 EDT -> 01:00 EST on 3 November (06:00 UTC). */
	CHECK(local_in("America/New_York", "2024-03-10 02:30") ==
	    at(2024, 3, 10, 7, 30));	/* -05:00: 03:30 EDT */
	CHECK(local_in("America/New_York", "2024-11-03 01:30") ==
	    at(2024, 11, 3, 5, 30));	/* -04:00, the first 01:30 */
	/* America/Santiago 2024 (rule: the first Saturday of the month at
	 * 24:00): 00:00 -04 -> 01:00 -03 on Sunday 8 September (04:00 UTC);
	 * 24:00 -03 on Saturday 6 April -> 23:00 -04 (03:00 UTC on the 7th).
	 * The old reading put 00:30 of 8 September on the 7th. */
	CHECK(local_in("America/Santiago", "2024-09-08 00:30") ==
	    at(2024, 9, 8, 4, 30));	/* -04:00: 01:30 -03 */
	CHECK(local_in("America/Santiago", "2024-09-08") ==
	    at(2024, 9, 8, 4, 0));	/* the day starts at 01:00 -03 */
	CHECK(local_in("America/Santiago", "2024-04-06 23:30") ==
	    at(2024, 4, 7, 2, 30));	/* -03:00, the first 23:30 */
	/* Australia/Sydney 2024: 03:00 AEDT -> 02:00 AEST on Sunday 7 April
	 * (16:00 UTC on the 6th); 02:00 AEST -> 03:00 AEDT on Sunday 6
	 * October (16:00 UTC on the 5th). */
	CHECK(local_in("Australia/Sydney", "2024-04-07 02:30") ==
	    at(2024, 4, 6, 15, 30));	/* +11:00, the first 02:30 */
	CHECK(local_in("Australia/Sydney", "2024-10-06 02:30") ==
	    at(2024, 10, 5, 16, 30));	/* +10:00: 03:30 AEDT */
	CHECK(local_in("Australia/Sydney", "2024-10-06 03:00") ==
	    at(2024, 10, 5, 16, 0));

	/* Past the last listed transition (2037), from the footers. */
	CHECK(off_in("Europe/London", at(2040, 7, 1, 12, 0)) == 3600);
	CHECK(off_in("Europe/London", at(2040, 1, 15, 12, 0)) == 0);
	CHECK(off_in("America/New_York", at(2050, 7, 1, 12, 0)) == -4 * 3600);
	CHECK(off_in("America/New_York", at(2050, 1, 1, 12, 0)) == -5 * 3600);
	/* London 2040: the changes fall on Sundays 25 March and 28 October
	 * at 01:00 UTC. */
	CHECK(off_in("Europe/London", at(2040, 3, 25, 0, 59)) == 0);
	CHECK(off_in("Europe/London", at(2040, 3, 25, 1, 0)) == 3600);
	CHECK(off_in("Europe/London", at(2040, 10, 28, 0, 59)) == 3600);
	CHECK(off_in("Europe/London", at(2040, 10, 28, 1, 0)) == 0);
	CHECK(local_in("Europe/London", "2040-03-25 01:30") ==
	    at(2040, 3, 25, 1, 30));
	CHECK(local_in("Europe/London", "2040-10-28 01:30") ==
	    at(2040, 10, 28, 0, 30));
	/* Santiago 2040: Saturday 1 September 24:00 -04 is 04:00 UTC on the
	 * 2nd ("M9.1.6/24", hours past 24 from RFC 8536). */
	CHECK(local_in("America/Santiago", "2040-09-02 00:30") ==
	    at(2040, 9, 2, 4, 30));
	CHECK(off_in("America/Santiago", at(2040, 9, 2, 3, 59)) == -4 * 3600);
	CHECK(off_in("America/Santiago", at(2040, 9, 2, 4, 0)) == -3 * 3600);
	/* Sydney 2045: southern summer over New Year. */
	CHECK(off_in("Australia/Sydney", at(2045, 1, 1, 0, 0)) == 11 * 3600);
	CHECK(off_in("Australia/Sydney", at(2045, 7, 1, 0, 0)) == 10 * 3600);

	/* A slim file: one transition in 2020, the rest from the footer. */
	{
		char path[] = "/tmp/voc_slim_XXXXXX";
		int fd = mkstemp(path);

		CHECK(fd >= 0);
		if (fd >= 0) {
			close(fd);
			CHECK(write_slim(path, "GMT0BST,M3.5.0/1,M10.5.0") ==
			    0);
			CHECK(off_in(path, at(2019, 7, 1, 0, 0)) == -75);
			CHECK(off_in(path, at(2024, 7, 1, 0, 0)) == 3600);
			CHECK(off_in(path, at(2024, 1, 1, 0, 0)) == 0);
			CHECK(local_in(path, "2024-10-27 01:30") ==
			    at(2024, 10, 27, 0, 30));
			remove(path);
		}
	}

	/* Numbers too long to be a timestamp are refused, never overflow. */
	opts.input_tz = utc;
	CHECK(ts("1704067200000000000") == -1);	/* 19 digits */
	CHECK(ts("99999999999999999999999") == -1);
	CHECK(ts("170406720000000000") == -1);	/* 18: no form */
	CHECK(ts("9999999999999999999.5") == -1);
	CHECK(ts("2024-01-01T00:00:00.99999999999999999999Z") == jan1);

	/* Zone names: abbreviations, fixed offsets, POSIX rules. */
	CHECK(off_in("JST", jan1) == 9 * 3600);
	CHECK(off_in("jst", jan1) == 9 * 3600);
	CHECK(off_in("KST", jan1) == 9 * 3600);
	CHECK(off_in("UTC", jan1) == 0);
	CHECK(off_in("utc", jan1) == 0);
	CHECK(off_in("GMT", jan1) == 0);
	CHECK(off_in("Z", jan1) == 0);
	CHECK(off_in("+09:00", jan1) == 9 * 3600);
	CHECK(off_in("-0530", jan1) == -(5 * 3600 + 1800));
	CHECK(off_in("UTC+9", jan1) == 9 * 3600);
	CHECK(off_in("GMT-03:30", jan1) == -(3 * 3600 + 1800));
	CHECK(refused("UTC+15", "not an offset"));
	CHECK(off_in("+9:5", jan1) == -99999);
	/* tzdata's Etc names keep the POSIX sign: Etc/GMT+9 is -09:00. */
	CHECK(off_in("Etc/GMT+9", jan1) == -9 * 3600);
	CHECK(off_in("CET", at(2024, 7, 1, 0, 0)) == 2 * 3600);
	CHECK(off_in("CET", jan1) == 3600);
	CHECK(off_in("EST5EDT", at(2050, 7, 1, 0, 0)) == -4 * 3600);
	CHECK(refused("CST", "America/Chicago, Asia/Shanghai, America/Havana"));
	CHECK(refused("IST", "Asia/Kolkata"));
	CHECK(refused("BST", "Europe/London"));
	CHECK(refused("EST", "America/New_York"));
	CHECK(refused("asia/tokyo", "did you mean Asia/Tokyo?"));
	CHECK(refused("ASIA/TOKYO", "\"ASIA/TOKYO\""));
	CHECK(refused("asia", "(use an IANA name"));
	CHECK(refused("Asia/Tokio", "unknown time zone \"Asia/Tokio\" (use "
	    "an IANA name such as Asia/Tokyo, Europe/London or UTC)"));
	CHECK(refused("", "empty"));
	CHECK(refused("../../etc/passwd", "unknown"));
	CHECK(off_in("/usr/share/zoneinfo/Asia/Tokyo", jan1) == 9 * 3600);
	CHECK(off_in("JST-9", jan1) == 9 * 3600);
	CHECK(off_in("<+0330>-3:30", jan1) == 3 * 3600 + 1800);
	CHECK(off_in("JST-9x", jan1) == -99999);
	CHECK(off_in("AB-9", jan1) == -99999);
	/* CET rule: 31 March 2024 01:00 UTC to 27 October 01:00 UTC. */
	CHECK(off_in("CET-1CEST,M3.5.0,M10.5.0/3", at(2024, 3, 31, 0, 59)) ==
	    3600);
	CHECK(off_in("CET-1CEST,M3.5.0,M10.5.0/3", at(2024, 3, 31, 1, 0)) ==
	    7200);
	CHECK(off_in("CET-1CEST,M3.5.0,M10.5.0/3", at(2024, 10, 27, 0, 59)) ==
	    7200);
	CHECK(off_in("CET-1CEST,M3.5.0,M10.5.0/3", at(2024, 10, 27, 1, 0)) ==
	    3600);
	/* Julian days: J60 is 1 March even in a leap year; 59 (from 0) is
	 * 29 February in 2024.  Summer from there to J300 (26 October). */
	CHECK(off_in("AAA0BBB,J60/0,J300/0", at(2024, 2, 29, 12, 0)) == 0);
	CHECK(off_in("AAA0BBB,J60/0,J300/0", at(2024, 3, 1, 0, 0)) == 3600);
	CHECK(off_in("AAA0BBB,59/0,J300/0", at(2024, 2, 29, 0, 0)) == 3600);
	CHECK(off_in("AAA0BBB,59/0,J300/0", at(2024, 10, 26, 23, 0)) == 0);
	/* Summer all year round, as tzdata writes it. */
	CHECK(off_in("XXX3YYY,0/0,J365/25", at(2024, 1, 1, 3, 0)) == -7200);
	CHECK(off_in("XXX3YYY,0/0,J365/25", at(2024, 12, 31, 23, 0)) == -7200);
	{
		struct voc_tz *z = voc_tz_load("JST", &err);

		CHECK(z != NULL && strcmp(voc_tz_name(z), "JST") == 0);
		voc_tz_free(z);
	}

	/* The default zone: $TZ, less glibc's ':', else UTC. */
	setenv("TZ", ":Asia/Tokyo", 1);
	CHECK_STR(voc_tz_default_name(), "Asia/Tokyo");
	setenv("TZ", "JST-9", 1);
	CHECK_STR(voc_tz_default_name(), "JST-9");
	CHECK(off_in(voc_tz_default_name(), jan1) == 9 * 3600);
	setenv("TZ", "", 1);
	CHECK_STR(voc_tz_default_name(), "UTC");
	unsetenv("TZ");
	CHECK_STR(voc_tz_default_name(), "UTC");

	voc_tz_free(utc);
	voc_tz_free(tokyo);
	voc_tz_free(ny);
	return check_done("test_timeparse");
}
