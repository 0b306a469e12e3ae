/*
 * Periods (see include/voc/period.h).  Weeks are ISO 8601 weeks: they
 * start on Monday and belong to the year of their Thursday, so the label
 * of the week of 2024-12-30 is 2025-W01.
 */
#include <stdio.h>
#include <string.h>

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
