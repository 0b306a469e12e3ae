/*
 * retention-gen: a seeded generator of event logs for retention's
 * benchmark and its consistency checks.
 *
 *	retention-gen [-j] [-s SEED] EVENTS CUSTOMERS
 *
 * Writes EVENTS events of CUSTOMERS customers as CSV (or JSON Lines with
 * -j) to standard output: customer, time (ISO 8601, UTC, within
 * 2023-01-01 .. 2024-12-31), plan (basic, plus, pro; about 1% of rows
 * blank).  Each customer has a start day (uniform over the two years)
 * and a lifetime (geometric, a few months on average), both drawn from
 * its id, and each event picks a customer at random and a day inside
 * that customer's life: events come in no particular order, as an
 * export of several sources does.  About 0.1% of rows have an empty
 * id and 0.1% a broken time, to exercise the skip accounting.  The same
 * seed always gives the same bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t state;

static uint64_t
mix(uint64_t z)
{
	/* splitmix64's finaliser */
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t
next(void)
{
	return mix(state += 0x9E3779B97F4A7C15ULL);
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void
civil(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
main(int argc, char **argv)
{
	static const char *const plans[] = {"basic", "plus", "pro"};
	const long day0 = 19358;	/* 2023-01-01 */
	const long ndays = 731;
	int json = 0, ch;
	uint64_t seed = 42;
	long long events, customers;

	while ((ch = getopt(argc, argv, "js:")) != -1) {
		if (ch == 'j')
			json = 1;
		else if (ch == 's')
			seed = strtoull(optarg, NULL, 10);
		else
			return 2;
	}
	if (argc - optind != 2 || (events = atoll(argv[optind])) <= 0 ||
	    (customers = atoll(argv[optind + 1])) <= 0) {
		fprintf(stderr, "usage: retention-gen [-j] [-s SEED] EVENTS "
		    "CUSTOMERS\n");
		return 2;
	}
	state = seed;
	if (!json)
		puts("customer,time,plan");
	for (long long i = 0; i < events; i++) {
		uint64_t c = next() % (uint64_t)customers;
		uint64_t h = mix(c ^ seed);
		long start = (long)(h % (uint64_t)ndays);
		/* A lifetime of about 120 days on average, geometric. */
		long life = 0;
		uint64_t r = mix(h);
		while (life < 2000 && (r & 3) != 0) {
			life += 30;
			r >>= 2;
			if (r == 0)
				r = mix(h + (uint64_t)life);
		}
		long dayn = start + (life > 0 ? (long)(next() % (uint64_t)
		    (life + 1)) : 0);
		if (dayn >= ndays)
			dayn = ndays - 1;
		int y, m, d;
		civil(day0 + dayn, &y, &m, &d);
		uint64_t x = next();
		int hh = (int)(x % 24), mm = (int)(x / 24 % 60),
		    ss = (int)(x / 1440 % 60);
		char id[32], tm[40];
		const char *plan = plans[h >> 60 & 1 ? 0 : (h >> 56) % 3];
		uint64_t bad = next() % 1000;

		/* One event in ten names another plan (an upgrade, a
		 * mistake): the first event's plan is the customer's. */
		if (next() % 10 == 0)
			plan = plans[next() % 3];

		snprintf(id, sizeof(id), "C%07llu", (unsigned long long)c);
		if (bad == 0)
			id[0] = '\0';
		snprintf(tm, sizeof(tm), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m,
		    d, hh, mm, ss);
		if (bad == 1)
			strcpy(tm, "not a time");
		if (bad == 2)
			plan = "";
		if (json)
			printf("{\"customer\":\"%s\",\"event\":{"
			    "\"time\":\"%s\",\"plan\":\"%s\"}}\n", id, tm,
			    plan);
		else
			printf("%s,%s,%s\n", id, tm, plan);
	}
	return fflush(stdout) != 0 || ferror(stdout);
}
