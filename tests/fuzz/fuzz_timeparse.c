/*
 * Fuzzes the timestamp parser.  The first byte picks the date order and
 * the zone of times without an offset.  Properties: a failure says why;
 * a success is an instant whose ISO 8601 UTC form parses back to the
 * same instant; the civil calendar conversions are inverses.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "voc/timeparse.h"

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct voc_tz *zones[3];
	static const char *const names[3] = {"UTC", "Asia/Tokyo",
	    "Europe/London"};
	struct voc_timeopts o = {0}, utc_o = {0};
	struct voc_error err;
	const char *why = NULL;
	int64_t t, back;

	if (size < 1 || size > 4096)
		return 0;
	for (int i = 0; i < 3; i++)
		if (zones[i] == NULL &&
		    (zones[i] = voc_tz_load(names[i], &err)) == NULL)
			abort();
	o.order = (enum voc_date_order)(data[0] % 3);
	o.input_tz = zones[(data[0] >> 2) % 3];
	utc_o.input_tz = zones[0];
	if (voc_time_parse((const char *)data + 1, size - 1, &o, &t,
	    &why) < 0) {
		if (why == NULL)
			abort();
		return 0;
	}
	int64_t days = floor_div(t, 86400), sec = t - days * 86400, y;
	int m, d;

	voc_civil_from_days(days, &y, &m, &d);
	if (voc_days_from_civil(y, m, d) != days)
		abort();
	if (y >= 1000 && y <= 9999) {
		char iso[64];
		int n = snprintf(iso, sizeof(iso), "%04" PRId64 "-%02d-%02dT"
		    "%02d:%02d:%02dZ", y, m, d, (int)(sec / 3600),
		    (int)(sec / 60 % 60), (int)(sec % 60));

		if (voc_time_parse(iso, (size_t)n, &utc_o, &back, &why) < 0 ||
		    back != t) {
			fprintf(stderr, "%s: %" PRId64 " vs %" PRId64 "\n", iso,
			    t, back);
			abort();
		}
	}
	return 0;
}
