/*
 * Timestamp parsing and zones (see include/voc/timeparse.h).
 *
 * The parser is a hand-written scanner rather than strptime(): it must
 * accept several forms in one column, tell ambiguous slash dates from
 * unambiguous ones, and run once per input row.  Date arithmetic uses
 * Howard Hinnant's days_from_civil/civil_from_days algorithms
 * ("chrono-Compatible Low-Level Date Algorithms"), exact for any
 * Gregorian date.
 *
 * A zone is the 64-bit (version 2+) block of its TZif file (RFC 8536):
 * transition times and the UTC offset that holds from each, then the
 * file's footer, a POSIX TZ rule (POSIX.1-2017 XBD 8.3, with the RFC 8536
 * section 3.3.1 extensions: hours -167..167 in rule times) that gives
 * the offset after the last listed transition.  Debian's files list
 * transitions up to 2037 and "slim" files stop at the last rule change,
 * so without the footer every later summer would keep winter time.  A
 * zone can also be that rule alone ("JST-9", as in $TZ), a fixed offset
 * ("+09:00", "UTC+9") or a common abbreviation that names one zone
 * ("JST"); abbreviations shared by several zones ("CST") are refused
 * with the names to choose from, because a silent guess would cut every
 * period of the other zone at the wrong hour.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "voc/text.h"
#include "voc/timeparse.h"

/* A date of a POSIX rule: Jn (kind 'J', n 1..365, February 29 never
 * counted), n (kind 'n', 0..365 counting it), Mm.w.d (kind 'M'). */
struct rule_date {
	char kind;
	int n, m, w, d;
	long time;		/* seconds after local midnight */
};

struct rule {
	long std, dst;		/* offsets, seconds east */
	int has_dst;
	struct rule_date start, end;
};

struct voc_tz {
	size_t n;		/* transitions */
	int64_t *at;		/* sorted transition instants */
	long *off;		/* offset from at[i] on */
	long before;		/* offset before at[0], or always when n == 0 */
	int has_rule;		/* rule holds from at[n - 1] on, or always */
	struct rule rule;
	char *name;
};

static const char UNKNOWN_HINT[] = "use an IANA name such as Asia/Tokyo, "
    "Europe/London or UTC";

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

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* ---- POSIX TZ rules ---- */

/* Days since 1970-01-01 of a rule date in year y. */
static int64_t
rule_day(const struct rule_date *r, int64_t y)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31};
	int64_t jan1 = voc_days_from_civil(y, 1, 1);

	if (r->kind == 'J')
		return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
	if (r->kind == 'n')
		return jan1 + r->n;
	/* Mm.w.d: day d (0 Sunday) of week w (5: the last) of month m;
	 * 1970-01-01 was a Thursday. */
	int64_t first = voc_days_from_civil(y, r->m, 1);
	int64_t wday = first + 4 - floordiv(first + 4, 7) * 7;
	int64_t day = first + (r->d - wday + 7) % 7 + 7 * (r->w - 1);
	int len = mdays[r->m - 1] + (r->m == 2 && is_leap(y));
	while (day >= first + len)
		day -= 7;
	return day;
}

static long
rule_offset(const struct rule *r, int64_t utc)
{
	int64_t y;
	int m, d;

	if (!r->has_dst)
		return r->std;
	voc_civil_from_days(floordiv(utc + r->std, 86400), &y, &m, &d);
	/* The start is written in standard time, the end in summer time. */
	int64_t s = rule_day(&r->start, y) * 86400 + r->start.time - r->std;
	int64_t e = rule_day(&r->end, y) * 86400 + r->end.time - r->dst;
	int in = s < e ? (utc >= s && utc < e) : !(utc >= e && utc < s);
	return in ? r->dst : r->std;
}

/* [+-]h[h][:mm[:ss]] with hours up to maxh; returns seconds or sets
 * *ok = 0. */
static long
posix_hms(const char **p, int maxh, int *ok)
{
	long sign = 1, v[3] = {0, 0, 0};
	int i;

	if (**p == '+' || **p == '-')
		sign = *(*p)++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		int nd = 0;

		if (i > 0) {
			if (**p != ':')
				break;
			(*p)++;
		}
		while (isdigit((unsigned char)**p) && nd < 3) {
			v[i] = v[i] * 10 + (*(*p)++ - '0');
			nd++;
		}
		if (nd == 0 || (i > 0 && (nd != 2 || v[i] > 59)))
			*ok = 0;
	}
	if (v[0] > maxh)
		*ok = 0;
	return sign * (v[0] * 3600 + v[1] * 60 + v[2]);
}

/* A zone abbreviation: 3+ letters, or <...> of letters, digits, + and -. */
static int
posix_abbr(const char **p)
{
	const char *q = *p;

	if (*q == '<') {
		q++;
		while (isalnum((unsigned char)*q) || *q == '+' || *q == '-')
			q++;
		if (*q != '>' || q - *p < 4)
			return -1;
		*p = q + 1;
		return 0;
	}
	while (isalpha((unsigned char)*q))
		q++;
	if (q - *p < 3)
		return -1;
	*p = q;
	return 0;
}

static int
posix_num(const char **p, int lo, int hi)
{
	int v = 0, nd = 0;

	while (isdigit((unsigned char)**p) && nd < 4) {
		v = v * 10 + (*(*p)++ - '0');
		nd++;
	}
	return nd == 0 || v < lo || v > hi ? -1 : v;
}

static int
posix_date(const char **p, struct rule_date *r)
{
	int ok = 1;

	if (**p == 'J') {
		(*p)++;
		r->kind = 'J';
		r->n = posix_num(p, 1, 365);
		ok = r->n > 0;
	} else if (**p == 'M') {
		(*p)++;
		r->kind = 'M';
		if ((r->m = posix_num(p, 1, 12)) < 0 || *(*p)++ != '.' ||
		    (r->w = posix_num(p, 1, 5)) < 0 || *(*p)++ != '.' ||
		    (r->d = posix_num(p, 0, 6)) < 0)
			return -1;
	} else {
		r->kind = 'n';
		r->n = posix_num(p, 0, 365);
		ok = r->n >= 0;
	}
	r->time = 2 * 3600;
	if (ok && **p == '/') {
		(*p)++;
		r->time = posix_hms(p, 167, &ok);
	}
	return ok ? 0 : -1;
}

/* Parses a POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3"; the
 * offsets in it count hours west, the opposite of ours.  Returns 0 or
 * -1. */
static int
posix_parse(const char *s, struct rule *r)
{
	int ok = 1;

	memset(r, 0, sizeof(*r));
	if (posix_abbr(&s) < 0 || !(isdigit((unsigned char)*s) || *s == '+' ||
	    *s == '-'))
		return -1;
	r->std = -posix_hms(&s, 24, &ok);
	if (*s == '\0')
		return ok ? 0 : -1;
	if (posix_abbr(&s) < 0)
		return -1;
	r->has_dst = 1;
	r->dst = r->std + 3600;
	if (*s != ',' && *s != '\0')
		r->dst = -posix_hms(&s, 24, &ok);
	if (*s == '\0') {
		/* No dates: glibc and tzcode fall back to the US rules. */
		r->start = (struct rule_date){'M', 0, 3, 2, 0, 2 * 3600};
		r->end = (struct rule_date){'M', 0, 11, 1, 0, 2 * 3600};
		return ok ? 0 : -1;
	}
	if (*s++ != ',' || posix_date(&s, &r->start) < 0 || *s++ != ',' ||
	    posix_date(&s, &r->end) < 0 || *s != '\0')
		return -1;
	return ok ? 0 : -1;
}

/* ---- TZif files ---- */

static uint64_t
be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* The size of a data block whose header is at h (RFC 8536 3.1), with
 * time values of tsize bytes. */
static size_t
tzif_block(const unsigned char *h, size_t tsize)
{
	size_t isut = be(h + 20, 4), isstd = be(h + 24, 4);
	size_t leap = be(h + 28, 4), time = be(h + 32, 4);
	size_t type = be(h + 36, 4), chars = be(h + 40, 4);

	return 44 + time * (tsize + 1) + type * 6 + chars +
	    leap * (tsize + 4) + isstd + isut;
}

static int
tzif_parse(struct voc_tz *tz, const unsigned char *d, size_t size)
{
	const unsigned char *h = d;
	size_t tsize = 4, end;

	if (size < 44 || memcmp(d, "TZif", 4) != 0)
		return -1;
	/* Counts are 32-bit, so with a 64-bit size_t the sums cannot wrap. */
	end = tzif_block(d, 4);
	if (d[4] >= '2') {
		if (end > size || size - end < 44 ||
		    memcmp(d + end, "TZif", 4) != 0)
			return -1;
		h = d + end;
		tsize = 8;
		end += tzif_block(h, 8);
	}
	if (end > size)
		return -1;
	size_t timecnt = be(h + 32, 4), typecnt = be(h + 36, 4);
	const unsigned char *times = h + 44, *idx = times + timecnt * tsize;
	const unsigned char *types = idx + timecnt;
	if (typecnt == 0)
		return -1;
	tz->n = timecnt;
	tz->at = calloc(timecnt + 1, sizeof(*tz->at));
	tz->off = calloc(timecnt + 1, sizeof(*tz->off));
	if (tz->at == NULL || tz->off == NULL)
		return -1;
	for (size_t i = 0; i < timecnt; i++) {
		size_t t = idx[i];
		uint64_t v = be(times + i * tsize, (int)tsize);

		if (t >= typecnt)
			return -1;
		tz->at[i] = tsize == 4 ? (int32_t)(uint32_t)v : (int64_t)v;
		tz->off[i] = (int32_t)(uint32_t)be(types + t * 6, 4);
	}
	/* RFC 8536 3.2: type 0 holds before the first transition. */
	tz->before = (int32_t)(uint32_t)be(types, 4);
	/* The footer: "\nRULE\n" after the version 2+ block. */
	if (tsize == 8 && end < size && d[end] == '\n') {
		const unsigned char *f = d + end + 1;
		const unsigned char *nl = memchr(f, '\n', size - end - 1);
		char buf[128];

		if (nl != NULL && nl > f && (size_t)(nl - f) < sizeof(buf)) {
			memcpy(buf, f, (size_t)(nl - f));
			buf[nl - f] = '\0';
			tz->has_rule = posix_parse(buf, &tz->rule) == 0;
		}
	}
	return 0;
}

/* Drops what a failed load may have left. */
static void
tz_reset(struct voc_tz *tz)
{
	free(tz->at);
	free(tz->off);
	tz->at = NULL;
	tz->off = NULL;
	tz->n = 0;
	tz->before = 0;
	tz->has_rule = 0;
}

static int
tzif_load(struct voc_tz *tz, const char *path)
{
	unsigned char *data = NULL;
	size_t size = 0, cap = 0;
	FILE *fp;
	int rc = -1;

	tz_reset(tz);
	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	for (;;) {
		if (size == cap) {
			unsigned char *p;

			if (cap >= (1u << 22))
				goto out;	/* no zone file is this big */
			if ((p = realloc(data, cap = cap ? cap * 2 : 4096)) ==
			    NULL)
				goto out;
			data = p;
		}
		size_t n = fread(data + size, 1, cap - size, fp);
		if (n == 0)
			break;
		size += n;
	}
	if (!ferror(fp))
		rc = tzif_parse(tz, data, size);
out:
	fclose(fp);
	free(data);
	return rc;
}

/* ---- names ---- */

/*
 * Abbreviations people write for a zone.  One zone: accepted as that
 * zone.  Several: refused, naming them.  EST and MST are tzdata files,
 * but fixed ones (no daylight saving), while people who write them
 * nearly always mean New York or Denver clocks, so they are refused too.
 * KST is also North Korea's; Seoul is meant far more often and the two
 * agree since 2018.
 */
static const struct {
	const char *abbr, *zone, *choices;
} abbrs[] = {
	{"JST", "Asia/Tokyo", NULL},
	{"KST", "Asia/Seoul", NULL},
	{"HKT", "Asia/Hong_Kong", NULL},
	{"SGT", "Asia/Singapore", NULL},
	{"PHT", "Asia/Manila", NULL},
	{"WIB", "Asia/Jakarta", NULL},
	{"MSK", "Europe/Moscow", NULL},
	{"NZST", "Pacific/Auckland", NULL},
	{"NZDT", "Pacific/Auckland", NULL},
	{"CST", NULL, "America/Chicago, Asia/Shanghai, America/Havana"},
	{"CDT", NULL, "America/Chicago, America/Havana"},
	{"IST", NULL, "Asia/Kolkata, Europe/Dublin, Asia/Jerusalem"},
	{"BST", NULL, "Europe/London, Asia/Dhaka"},
	{"AST", NULL, "America/Halifax, Asia/Riyadh, America/Puerto_Rico"},
	{"EST", NULL, "America/New_York, or -05:00 for a fixed offset"},
	{"EDT", NULL, "America/New_York, America/Toronto"},
	{"MST", NULL, "America/Denver, America/Phoenix, or -07:00 for a fixed "
	    "offset"},
	{"MDT", NULL, "America/Denver, America/Edmonton"},
	{"PST", NULL, "America/Los_Angeles, Asia/Manila"},
	{"PDT", NULL, "America/Los_Angeles, America/Vancouver"},
	{"AEST", NULL, "Australia/Sydney, Australia/Melbourne, "
	    "Australia/Brisbane"},
	{"AEDT", NULL, "Australia/Sydney, Australia/Melbourne"},
	{"ACST", NULL, "Australia/Adelaide, Australia/Darwin"},
	{"CEST", NULL, "Europe/Paris, Europe/Berlin, CET"},
	{"EEST", NULL, "Europe/Athens, Europe/Helsinki, EET"},
	{"WEST", NULL, "Europe/Lisbon, WET"},
};

/* "+09:00", "-0530", "+9", optionally after "UTC" or "GMT", read the
 * ISO 8601 way (east positive), unlike POSIX TZ strings. */
static int
fixed_offset(const char *s, long *off)
{
	long sign, h = 0, m = 0;
	int nd = 0;

	if (strncasecmp(s, "UTC", 3) == 0 || strncasecmp(s, "GMT", 3) == 0)
		s += 3;
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s++ == '-' ? -1 : 1;
	while (isdigit((unsigned char)*s) && nd < 4)
		h = h * 10 + (*s++ - '0'), nd++;
	if (nd == 4)
		m = h % 100, h /= 100;
	else if (nd == 0 || nd == 3)
		return -1;
	else if (*s == ':') {
		s++;
		if (!isdigit((unsigned char)s[0]) ||
		    !isdigit((unsigned char)s[1]))
			return -1;
		m = (s[0] - '0') * 10 + (s[1] - '0');
		s += 2;
	}
	if (*s != '\0' || h > 14 || m > 59)
		return -1;
	*off = sign * (h * 3600 + m * 60);
	return 0;
}

/* Finds the zone file whose name equals name but for case, writing its
 * spelling to out; returns 0 or -1. */
static int
case_match(const char *dir, const char *name, char *out, size_t size)
{
	char path[1024], part[256];
	size_t used = 0;

	out[0] = '\0';
	while (*name != '\0') {
		size_t n = strcspn(name, "/");
		struct dirent *e;
		DIR *dp;
		int found = 0;

		if (n == 0 || n >= sizeof(part))
			return -1;
		memcpy(part, name, n);
		part[n] = '\0';
		snprintf(path, sizeof(path), "%s%s%s", dir, used ? "/" : "",
		    out);
		if ((dp = opendir(path)) == NULL)
			return -1;
		while ((e = readdir(dp)) != NULL)
			if (strcasecmp(e->d_name, part) == 0) {
				int w = snprintf(out + used, size - used,
				    "%s%s", used ? "/" : "", e->d_name);

				if (w < 0 || (size_t)w >= size - used)
					break;
				used += (size_t)w;
				found = 1;
				break;
			}
		closedir(dp);
		if (!found)
			return -1;
		name += n;
		if (*name == '/')
			name++;
	}
	return used > 0 ? 0 : -1;
}

/* Whether path is a zone file (not a directory or a table). */
static int
is_zone_file(const char *path)
{
	struct voc_tz probe = {0};
	int ok = tzif_load(&probe, path) == 0;

	tz_reset(&probe);
	return ok;
}

const char *
voc_tz_default_name(void)
{
	const char *tz = getenv("TZ");

	if (tz != NULL && *tz == ':')
		tz++;
	return tz != NULL && *tz != '\0' ? tz : "UTC";
}

static struct voc_tz *
tz_new(const char *name)
{
	struct voc_tz *tz = calloc(1, sizeof(*tz));

	if (tz != NULL && (tz->name = strdup(name)) == NULL) {
		free(tz);
		tz = NULL;
	}
	return tz;
}

struct voc_tz *
voc_tz_load(const char *name, struct voc_error *err)
{
	const char *dir = getenv("TZDIR");
	struct voc_tz *tz;
	char path[1024], fix[256];
	long off;

	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	if (name == NULL || *name == '\0') {
		voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "empty time zone "
		    "name (%s)", UNKNOWN_HINT);
		return NULL;
	}
	if ((tz = tz_new(name)) == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	if (strcasecmp(name, "UTC") == 0 || strcasecmp(name, "GMT") == 0 ||
	    strcasecmp(name, "Z") == 0 || strcmp(name, "Etc/UTC") == 0)
		return tz;
	if (fixed_offset(name, &off) == 0) {
		tz->before = off;
		return tz;
	}
	/* Not a POSIX rule either: "UTC+15" there would mean -15:00. */
	if (name[0] == '+' || name[0] == '-' || ((strncasecmp(name, "UTC",
	    3) == 0 || strncasecmp(name, "GMT", 3) == 0) && (name[3] == '+' ||
	    name[3] == '-'))) {
		voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "time zone \"%s\" "
		    "is not an offset from -14:00 to +14:00 such as +09:00 or "
		    "UTC-5", name);
		voc_tz_free(tz);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(abbrs) / sizeof(abbrs[0]); i++) {
		if (strcasecmp(name, abbrs[i].abbr) != 0)
			continue;
		if (abbrs[i].zone == NULL) {
			voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "time zone "
			    "\"%s\" is ambiguous: use %s", name,
			    abbrs[i].choices);
			voc_tz_free(tz);
			return NULL;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, abbrs[i].zone);
		if (tzif_load(tz, path) == 0)
			return tz;
		break;
	}
	/* An absolute path is what glibc accepts in TZ (":/etc/localtime"). */
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else if (strstr(name, "..") == NULL)
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	else
		path[0] = '\0';
	if (path[0] != '\0' && tzif_load(tz, path) == 0)
		return tz;
	tz_reset(tz);
	if (posix_parse(name, &tz->rule) == 0) {
		tz->has_rule = 1;
		tz->before = tz->rule.std;
		return tz;
	}
	if (name[0] != '/' && strstr(name, "..") == NULL &&
	    case_match(dir, name, fix, sizeof(fix)) == 0 &&
	    snprintf(path, sizeof(path), "%s/%s", dir, fix) > 0 &&
	    is_zone_file(path))
		voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "unknown time zone "
		    "\"%s\" (did you mean %s?)", name, fix);
	else
		voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "unknown time zone "
		    "\"%s\" (%s)", name, UNKNOWN_HINT);
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
	free(tz->name);
	free(tz);
}

const char *
voc_tz_name(const struct voc_tz *tz)
{
	return tz->name;
}

long
voc_tz_offset(const struct voc_tz *tz, int64_t utc)
{
	size_t lo = 0, hi = tz->n;

	if (tz->n == 0)
		return tz->has_rule ? rule_offset(&tz->rule, utc) : tz->before;
	if (utc < tz->at[0])
		return tz->before;
	if (tz->has_rule && utc >= tz->at[tz->n - 1])
		return rule_offset(&tz->rule, utc);
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

/*
 * The offsets in force 30 hours either side of local (offsets stay
 * within 26 hours, so every instant the wall clock could read local at
 * lies between) are the candidates; one is right where the instant it
 * gives has that offset.  Two right ones are an overlap, where the
 * earlier instant is the earlier offset's reading; none is a gap, where
 * the offset before the change applies, so the time moves forward by
 * the gap (PEP 495's fold = 0, as zdump and Python read such times).
 * Exact unless two changes fall within 60 hours, which no zone has had.
 */
int64_t
voc_tz_to_utc(const struct voc_tz *tz, int64_t local)
{
	const int64_t w = 30 * 3600;
	long cand[4];
	int nc = 0, found = 0;
	int64_t best = 0;

	cand[nc++] = voc_tz_offset(tz, local - w);
	cand[nc++] = voc_tz_offset(tz, local);
	cand[nc++] = voc_tz_offset(tz, local + w);
	for (int i = 0; i < nc; i++) {
		int64_t t = local - cand[i];

		if (voc_tz_offset(tz, t) == cand[i] && (!found || t < best)) {
			best = t;
			found = 1;
		}
	}
	if (found)
		return best;
	/* In a gap: the largest candidate reads an instant before the
	 * change, whose offset is the one before it. */
	long hi = cand[0];
	for (int i = 1; i < nc; i++)
		if (cand[i] > hi)
			hi = cand[i];
	return local - voc_tz_offset(tz, local - hi);
}

/* ---- parsing ---- */

struct scan {
	const char *p, *e;
};

/* Reads 0..max digits (max <= 18, so *v cannot overflow); returns the
 * count read. */
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
	/* 18 digits hold every form below; a longer number is no
	 * timestamp (and would overflow). */
	na = digits(&s, 18, &a);
	if (na == 0 || (s.p < s.e && *s.p >= '0' && *s.p <= '9'))
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
