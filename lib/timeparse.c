/*
 * Timestamp parsing and TZif zones (see include/voc/timeparse.h).
 *
 * The parser is a hand-written scanner rather than strptime(): it must
 * accept several forms in one column, tell ambiguous slash dates from
 * unambiguous ones, and run once per input row.  Date arithmetic uses
 * Howard Hinnant's days_from_civil/civil_from_days algorithms
 * ("chrono-Compatible Low-Level Date Algorithms"), exact for any
 * Gregorian date.
 *
 * A zone is the 64-bit (version 2+) block of its TZif file (RFC 8536):
 * transition times and the UTC offset that holds from each.  Instants
 * after the last transition keep the last offset; Debian's tzdata lists
 * transitions up to 2037, so that covers any survey.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voc/text.h"
#include "voc/timeparse.h"

struct voc_tz {
	size_t n;		/* transitions */
	int64_t *at;		/* sorted transition instants */
	long *off;		/* offset from at[i] on */
	long before;		/* offset before at[0], or always when n == 0 */
};

int64_t
voc_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
voc_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* ---- zones ---- */

static int64_t
be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

static int
tzif_parse(struct voc_tz *tz, const unsigned char *d, size_t size)
{
	const unsigned char *h = d;
	size_t v1;

	if (size < 44 || memcmp(d, "TZif", 4) != 0)
		return -1;
	/* Skip the 32-bit block to the 64-bit one when there is one. */
	v1 = 44 + (size_t)be(h + 32, 4) * 5 + (size_t)be(h + 36, 4) * 6 +
	    (size_t)be(h + 40, 4) + (size_t)be(h + 28, 4) * 8 +
	    (size_t)be(h + 24, 4) + (size_t)be(h + 20, 4);
	int tsize = 4;
	if (h[4] >= '2' && size >= v1 + 44 && memcmp(d + v1, "TZif", 4) == 0) {
		h = d + v1;
		tsize = 8;
	}
	size_t timecnt = (size_t)be(h + 32, 4), typecnt = (size_t)be(h + 36, 4);
	const unsigned char *times = h + 44, *idx = times + timecnt * tsize;
	const unsigned char *types = idx + timecnt;
	if (typecnt == 0 || (size_t)(types + typecnt * 6 - d) > size)
		return -1;
	tz->n = timecnt;
	tz->at = calloc(timecnt + 1, sizeof(*tz->at));
	tz->off = calloc(timecnt + 1, sizeof(*tz->off));
	if (tz->at == NULL || tz->off == NULL)
		return -1;
	for (size_t i = 0; i < timecnt; i++) {
		size_t t = idx[i];

		if (t >= typecnt)
			return -1;
		tz->at[i] = be(times + i * tsize, tsize);
		tz->off[i] = (long)be(types + t * 6, 4);
	}
	/* RFC 8536 3.2: type 0 holds before the first transition. */
	tz->before = (long)be(types, 4);
	return 0;
}

struct voc_tz *
voc_tz_load(const char *name, struct voc_error *err)
{
	struct voc_tz *tz = calloc(1, sizeof(*tz));
	const char *dir = getenv("TZDIR");
	char path[1024];
	unsigned char *data = NULL;
	size_t size = 0, cap = 0;
	FILE *fp;

	if (tz == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0 ||
	    strcmp(name, "Z") == 0)
		return tz;
	if (name[0] == '\0' || name[0] == '/' || strstr(name, "..") != NULL)
		goto bad;
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "/usr/share/zoneinfo",
	    name);
	if ((fp = fopen(path, "rb")) == NULL)
		goto bad;
	for (;;) {
		if (size == cap) {
			unsigned char *p = realloc(data, cap = cap ? cap * 2 :
			    4096);
			if (p == NULL)
				break;
			data = p;
		}
		size_t n = fread(data + size, 1, cap - size, fp);
		if (n == 0)
			break;
		size += n;
	}
	fclose(fp);
	if (data != NULL && tzif_parse(tz, data, size) == 0) {
		free(data);
		return tz;
	}
	free(data);
bad:
	voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "unknown time zone \"%s\" "
	    "(use an IANA name such as Asia/Tokyo, Europe/London or UTC)",
	    name);
	voc_tz_free(tz);
	return NULL;
}

void
voc_tz_free(struct voc_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->at);
	free(tz->off);
	free(tz);
}

long
voc_tz_offset(const struct voc_tz *tz, int64_t utc)
{
	size_t lo = 0, hi = tz->n;

	if (tz->n == 0 || utc < tz->at[0])
		return tz->before;
	/* The last transition at or before utc. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz->at[mid] <= utc)
			lo = mid;
		else
			hi = mid;
	}
	return tz->off[lo];
}

int64_t
voc_tz_to_utc(const struct voc_tz *tz, int64_t local)
{
	long o1 = voc_tz_offset(tz, local - voc_tz_offset(tz, local));
	long o2 = voc_tz_offset(tz, local - o1);

	return local - (o1 > o2 ? o1 : o2);
}

/* ---- parsing ---- */

struct scan {
	const char *p, *e;
};

/* Reads 1..max digits; returns the count read (0: none). */
static int
digits(struct scan *s, int max, long long *v)
{
	int n = 0;

	*v = 0;
	while (s->p < s->e && n < max && *s->p >= '0' && *s->p <= '9') {
		*v = *v * 10 + (*s->p - '0');
		s->p++;
		n++;
	}
	return n;
}

static int
lit(struct scan *s, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(s->e - s->p) >= n && memcmp(s->p, w, n) == 0) {
		s->p += n;
		return 1;
	}
	return 0;
}

static void
spaces(struct scan *s)
{
	while (s->p < s->e && *s->p == ' ')
		s->p++;
}

/* [+-]HH[:MM] or [+-]HHMM or [+-]H (GMT+9); returns 0 or -1. */
static int
offset(struct scan *s, long *off)
{
	long long h, m = 0;
	int sign, nd;

	if (s->p >= s->e || (*s->p != '+' && *s->p != '-'))
		return -1;
	sign = *s->p++ == '-' ? -1 : 1;
	if ((nd = digits(s, 4, &h)) == 0)
		return -1;
	if (nd == 4) {
		m = h % 100;
		h /= 100;
	} else if (nd == 3)
		return -1;
	else if (lit(s, ":") && digits(s, 2, &m) != 2)
		return -1;
	if (h > 14 || m > 59)
		return -1;
	*off = sign * (long)(h * 3600 + m * 60);
	return 0;
}

static const char NOT_TS[] = "is not a timestamp";

static int
valid_date(long long y, long long m, long long d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31};

	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return 0;
	return 1;
}

/* The time of day and zone after a date; *local is set when the text has
 * no offset. */
static int
time_part(struct scan *s, long *secs, int *has_off, long *off)
{
	long long h = 0, mi = 0, se = 0, frac;

	*secs = 0;
	*has_off = 0;
	if (s->p == s->e)
		return 0;
	if (*s->p == 'T' || *s->p == ' ')
		s->p++;
	else if (*s->p != 'Z' && *s->p != '+' && *s->p != '-')
		return -1;
	spaces(s);
	if (s->p < s->e && *s->p >= '0' && *s->p <= '9') {
		if (digits(s, 2, &h) == 0 || !lit(s, ":") ||
		    digits(s, 2, &mi) != 2)
			return -1;
		if (lit(s, ":") && digits(s, 2, &se) != 2)
			return -1;
		if (lit(s, ".") || lit(s, ","))
			if (digits(s, 9, &frac) == 0)
				return -1;
		while (s->p < s->e && *s->p >= '0' && *s->p <= '9')
			s->p++;	/* fraction digits beyond nanoseconds */
		spaces(s);
		/* 12-hour clocks: Japanese Google Forms and English exports. */
		int pm = -1;
		if (lit(s, "\xE5\x8D\x88\xE5\x89\x8D") || lit(s, "AM") ||
		    lit(s, "am"))
			pm = 0;
		else if (lit(s, "\xE5\x8D\x88\xE5\xBE\x8C") || lit(s, "PM") ||
		    lit(s, "pm"))
			pm = 1;
		if (pm >= 0) {
			if (h < 1 || h > 12)
				return -1;
			h = h % 12 + (pm ? 12 : 0);
		}
		if (h > 23 || mi > 59 || se > 60)
			return -1;
		*secs = (long)(h * 3600 + mi * 60 + (se == 60 ? 59 : se));
		spaces(s);
	}
	if (s->p == s->e)
		return 0;
	if (lit(s, "Z") || lit(s, "UTC") || lit(s, "GMT")) {
		*has_off = 1;
		*off = 0;
		if (s->p == s->e)
			return 0;
	}
	if (offset(s, off) < 0)
		return -1;
	*has_off = 1;
	return s->p == s->e ? 0 : -1;
}

int
voc_time_parse(const char *str, size_t len, const struct voc_timeopts *o,
    int64_t *utc, const char **why)
{
	struct scan s;
	long long a, b, c;
	int na, nc, has_off;
	long secs, off = 0;
	long long y, m, d;

	voc_text_trim(&str, &len);
	s.p = str;
	s.e = str + len;
	*why = NOT_TS;
	na = digits(&s, 19, &a);
	if (na == 0)
		return -1;
	if (s.p == s.e || *s.p == '.') {
		/* YYYYMMDD, or Unix seconds or milliseconds. */
		if (s.p < s.e) {
			s.p++;
			while (s.p < s.e && *s.p >= '0' && *s.p <= '9')
				s.p++;
			if (s.p != s.e || na < 9)
				return -1;
		}
		if (na == 8 && s.p == s.e) {
			y = a / 10000;
			m = a / 100 % 100;
			d = a % 100;
			if (!valid_date(y, m, d))
				return -1;
			*utc = voc_tz_to_utc(o->input_tz,
			    voc_days_from_civil(y, (int)m, (int)d) * 86400);
			return 0;
		}
		if (na >= 9 && na <= 10)
			*utc = a;
		else if (na >= 12 && na <= 13)
			*utc = a / 1000;
		else
			return -1;
		return 0;
	}
	char sep = *s.p;
	if ((sep != '-' && sep != '/') || na > 4)
		return -1;
	s.p++;
	if (digits(&s, 2, &b) == 0 || !lit(&s, sep == '-' ? "-" : "/"))
		return -1;
	nc = digits(&s, 4, &c);
	if (nc == 0)
		return -1;
	if (na == 4 && nc <= 2) {
		y = a;
		m = b;
		d = c;
	} else if (na <= 2 && nc == 4 && sep == '/') {
		if (o->order == VOC_DATE_UNSET) {
			*why = "is a day-first or month-first date: say which "
			    "with --date-order mdy or --date-order dmy";
			return -1;
		}
		y = c;
		m = o->order == VOC_DATE_MDY ? a : b;
		d = o->order == VOC_DATE_MDY ? b : a;
	} else
		return -1;
	if (!valid_date(y, m, d))
		return -1;
	if (time_part(&s, &secs, &has_off, &off) < 0)
		return -1;
	int64_t local = voc_days_from_civil(y, (int)m, (int)d) * 86400 + secs;
	*utc = has_off ? local - off : voc_tz_to_utc(o->input_tz, local);
	return 0;
}
