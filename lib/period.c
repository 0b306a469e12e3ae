/*
 * Periods (see include/voc/period.h).  Weeks are ISO 8601 weeks: they
 * start on Monday and belong to the year of their Thursday, so the label
 * of the week of 2024-12-30 is 2025-W01.
 *
 * The bounds of --since, --until and --last are built from the same
 * indices: a period label, "today" or "-3m" names a period, and the
 * bound is the instant that period starts in the report zone, so a
 * window always holds whole periods of --by and no period is cut in two
 * by a bound that was read in another zone.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "voc/period.h"

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int
voc_period_parse(const char *name, enum voc_period *by)
{
	static const char *const names[] = {"day", "week", "month", "quarter",
	    "year"};

	for (int i = 0; i < 5; i++)
		if (strcmp(name, names[i]) == 0) {
			*by = (enum voc_period)(VOC_BY_DAY + i);
			return 0;
		}
	return -1;
}

int64_t
voc_period_index(enum voc_period by, const struct voc_tz *tz, int64_t utc)
{
	int64_t days = floordiv(utc + voc_tz_offset(tz, utc), 86400), y;
	int m, d;

	switch (by) {
	case VOC_BY_DAY:
		return days;
	case VOC_BY_WEEK:
		/* 1970-01-01 was a Thursday: day 4 starts week 1. */
		return floordiv(days + 3, 7);
	default:
		break;
	}
	voc_civil_from_days(days, &y, &m, &d);
	switch (by) {
	case VOC_BY_MONTH:
		return y * 12 + m - 1;
	case VOC_BY_QUARTER:
		return y * 4 + (m - 1) / 3;
	case VOC_BY_YEAR:
		return y;
	default:
		return 0;
	}
}

void
voc_period_label(enum voc_period by, int64_t index, char *buf, size_t size)
{
	int64_t y;
	int m, d;

	switch (by) {
	case VOC_BY_DAY:
		voc_civil_from_days(index, &y, &m, &d);
		snprintf(buf, size, "%04lld-%02d-%02d", (long long)y, m, d);
		break;
	case VOC_BY_WEEK: {
		/* Week w runs from Monday 7w - 3 to Sunday 7w + 3. */
		int64_t thursday = index * 7;

		voc_civil_from_days(thursday, &y, &m, &d);
		int64_t jan1 = voc_days_from_civil(y, 1, 1);
		snprintf(buf, size, "%04lld-W%02lld", (long long)y,
		    (long long)((thursday - jan1) / 7 + 1));
		break;
	}
	case VOC_BY_MONTH:
		snprintf(buf, size, "%04lld-%02d", (long long)floordiv(index,
		    12), (int)(index - floordiv(index, 12) * 12) + 1);
		break;
	case VOC_BY_QUARTER:
		snprintf(buf, size, "%04lld-Q%d", (long long)floordiv(index, 4),
		    (int)(index - floordiv(index, 4) * 4) + 1);
		break;
	case VOC_BY_YEAR:
		snprintf(buf, size, "%04lld", (long long)index);
		break;
	default:
		snprintf(buf, size, "%s", "");
	}
}

/* The first day (days since 1970-01-01) of period index. */
static int64_t
first_day(enum voc_period by, int64_t index)
{
	switch (by) {
	case VOC_BY_DAY:
		return index;
	case VOC_BY_WEEK:
		return index * 7 - 3;	/* the Monday before Thursday 7w */
	case VOC_BY_MONTH:
		return voc_days_from_civil(floordiv(index, 12),
		    (int)(index - floordiv(index, 12) * 12) + 1, 1);
	case VOC_BY_QUARTER:
		return voc_days_from_civil(floordiv(index, 4),
		    (int)(index - floordiv(index, 4) * 4) * 3 + 1, 1);
	case VOC_BY_YEAR:
		return voc_days_from_civil(index, 1, 1);
	default:
		return 0;
	}
}

int64_t
voc_period_start(enum voc_period by, const struct voc_tz *tz, int64_t index)
{
	/* Midnight in a gap moves to the end of the gap (fold = 0), which is
	 * when that day's clocks start. */
	return voc_tz_to_utc(tz, first_day(by, index) * 86400);
}

/* Reads exactly n digits. */
static int
fixed_digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

int
voc_period_parse_label(const char *s, enum voc_period *by, int64_t *index)
{
	const char *p = s;
	int y, a, b;
	enum voc_period k;
	int64_t i;
	char buf[32];

	if (fixed_digits(&p, 4, &y) < 0)
		return -1;
	if (*p == '\0') {
		k = VOC_BY_YEAR;
		i = y;
	} else if (p[0] == '-' && p[1] == 'Q') {
		p += 2;
		if (fixed_digits(&p, 1, &a) < 0 || a < 1 || a > 4)
			return -1;
		k = VOC_BY_QUARTER;
		i = (int64_t)y * 4 + a - 1;
	} else if (p[0] == '-' && p[1] == 'W') {
		p += 2;
		if (fixed_digits(&p, 2, &a) < 0 || a < 1)
			return -1;
		/* 4 January is always in week 1. */
		k = VOC_BY_WEEK;
		i = floordiv(voc_days_from_civil(y, 1, 4) + 3, 7) + a - 1;
	} else if (*p++ == '-' && fixed_digits(&p, 2, &a) == 0) {
		if (a < 1 || a > 12)
			return -1;
		if (*p == '\0') {
			k = VOC_BY_MONTH;
			i = (int64_t)y * 12 + a - 1;
		} else {
			if (*p++ != '-' || fixed_digits(&p, 2, &b) < 0 ||
			    b < 1)
				return -1;
			k = VOC_BY_DAY;
			i = voc_days_from_civil(y, a, b);
		}
	} else
		return -1;
	if (*p != '\0')
		return -1;
	/* Whatever does not print back the same (2024-02-30, 2021-W53)
	 * is no period. */
	voc_period_label(k, i, buf, sizeof(buf));
	if (strcmp(buf, s) != 0)
		return -1;
	*by = k;
	*index = i;
	return 0;
}

/* "d", "day", "days", ... "y", "year", "years"; the rest of s must be
 * the unit.  Returns 0 or -1. */
static int
parse_unit(const char *s, enum voc_period *by)
{
	static const struct {
		const char *one, *name;
		enum voc_period by;
	} units[] = {
		{"d", "day", VOC_BY_DAY},
		{"w", "week", VOC_BY_WEEK},
		{"m", "month", VOC_BY_MONTH},
		{"q", "quarter", VOC_BY_QUARTER},
		{"y", "year", VOC_BY_YEAR},
	};
	size_t n = strlen(s);

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t len = strlen(units[i].name);

		if (strcmp(s, units[i].one) == 0 ||
		    strcmp(s, units[i].name) == 0 ||
		    (n == len + 1 && strncmp(s, units[i].name, len) == 0 &&
		    s[len] == 's')) {
			*by = units[i].by;
			return 0;
		}
	}
	return -1;
}

/* A count of at most 6 digits then a unit, spaces allowed between; a
 * missing count is 1 when one_ok. */
static int
count_unit(const char *s, int one_ok, int64_t *n, enum voc_period *by)
{
	int nd = 0;

	*n = 0;
	while (*s >= '0' && *s <= '9') {
		if (++nd > 6)
			return -1;
		*n = *n * 10 + (*s++ - '0');
	}
	if (nd == 0) {
		if (!one_ok)
			return -1;
		*n = 1;
	}
	while (*s == ' ')
		s++;
	return parse_unit(s, by);
}

static const char NOT_BOUND[] = "is not a date, a period (2024-02, "
    "2024-W05, 2024-Q1, 2024), today, yesterday, now or a relative time "
    "such as -3m";

int
voc_time_parse_bound(const char *s, const struct voc_tz *tz,
    const struct voc_timeopts *o, int64_t now, int64_t *out,
    const char **why)
{
	struct voc_timeopts local = {tz, VOC_DATE_UNSET};
	enum voc_period by;
	int64_t index, n;

	*why = NOT_BOUND;
	if (strcasecmp(s, "now") == 0) {
		*out = now;
		return 0;
	}
	if (strcasecmp(s, "today") == 0 || strcasecmp(s, "yesterday") == 0) {
		index = voc_period_index(VOC_BY_DAY, tz, now);
		*out = voc_period_start(VOC_BY_DAY, tz, index -
		    (strcasecmp(s, "yesterday") == 0));
		return 0;
	}
	if (s[0] == '-' && s[1] >= '0' && s[1] <= '9') {
		if (count_unit(s + 1, 0, &n, &by) < 0)
			return -1;
		index = voc_period_index(by, tz, now) - n;
		*out = voc_period_start(by, tz, index);
		return 0;
	}
	if (voc_period_parse_label(s, &by, &index) == 0) {
		*out = voc_period_start(by, tz, index);
		return 0;
	}
	if (o != NULL)
		local.order = o->order;
	if (voc_time_parse(s, strlen(s), &local, out, why) < 0) {
		if (strstr(*why, "--date-order") == NULL)
			*why = NOT_BOUND;
		return -1;
	}
	return 0;
}

int
voc_time_last(const char *spec, const struct voc_tz *tz, int64_t now,
    int64_t *since, int64_t *until, const char **why)
{
	enum voc_period by;
	int64_t n, cur;

	if (count_unit(spec, 1, &n, &by) < 0 || n < 1) {
		*why = "is not a count and a unit such as \"3 months\", "
		    "\"2w\" or \"year\"";
		return -1;
	}
	cur = voc_period_index(by, tz, now);
	*since = voc_period_start(by, tz, cur - n);
	*until = voc_period_start(by, tz, cur);
	return 0;
}
