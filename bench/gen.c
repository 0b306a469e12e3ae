/*
 * gen: a seeded generator of survey exports for the benchmarks.
 *
 *	gen [-j] [-U] [-G GROUPS] [-s SEED] ROWS
 *
 * Writes ROWS responses as CSV (or JSON Lines with -j) to standard output:
 * respondent_id, submitted_at (ISO 8601, UTC), segment (8 values), region
 * (4 values), score (0-10, about 3% blank), csat (1-5, about 5% blank),
 * comment (free text, quoted,
 * with commas and doubled quotes; empty for about 40% of rows).  The
 * comment is the last column so that tools without a CSV parser (mawk,
 * datamash) still split the other columns right and can be compared.
 * -G GROUPS draws the segment from GROUPS values (g00000, g00001, ...,
 * at least 5 digits: every file up to 100,000 groups has the same bytes
 * a row, so that one group and many are timed on inputs of one size)
 * instead of the 8 names; -U leaves every comment empty (an export
 * without quoted fields).  The same seed always gives the same bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t state;

static uint64_t
next(void)
{
	/* splitmix64 */
	uint64_t z = (state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(next() % n);
}

int
main(int argc, char **argv)
{
	static const char *const segment[] = {"enterprise", "smb", "startup",
	    "education", "government", "nonprofit", "retail", "healthcare"};
	static const char *const region[] = {"NAM", "EMEA", "APAC", "LATAM"};
	static const char *const words[] = {"support", "was", "slow", "great",
	    "price", "too high", "easy", "to use", "billing", "confusing",
	    "fast", "delivery", "app", "crashes", "love it", "staff",
	    "helpful", "\"premium\"", "plan", "setup"};
	/* Weights of scores 0..10, a typical B2B shape, and of CSAT 1..5. */
	static const unsigned weight[] = {3, 2, 2, 3, 3, 6, 7, 12, 18, 20, 24};
	static const unsigned cweight[] = {4, 6, 15, 40, 35};
	int json = 0, unquoted = 0, c;
	unsigned groups = 0;
	uint64_t seed = 42;
	long rows;
	char gname[32];

	while ((c = getopt(argc, argv, "jUG:s:")) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'U')
			unquoted = 1;
		else if (c == 'G')
			groups = (unsigned)strtoul(optarg, NULL, 10);
		else if (c == 's')
			seed = strtoull(optarg, NULL, 10);
		else {
			fprintf(stderr, "usage: gen [-j] [-U] [-G GROUPS] "
			    "[-s SEED] ROWS\n");
			return 2;
		}
	}
	if (optind != argc - 1 || (rows = atol(argv[optind])) <= 0) {
		fprintf(stderr, "usage: gen [-j] [-U] [-G GROUPS] [-s SEED] "
		    "ROWS\n");
		return 2;
	}
	int width = 5;

	for (unsigned g = groups > 0 ? groups - 1 : 0; g >= 100000; g /= 10)
		width++;
	state = seed;
	if (!json)
		puts("respondent_id,submitted_at,segment,region,score,csat,"
		    "comment");
	long t = 1704067200;	/* 2024-01-01T00:00:00Z */
	for (long i = 0; i < rows; i++) {
		char score[4] = "", csat[4] = "", comment[256] = "";
		unsigned s = pick(100), acc = 0, k;

		t += (long)pick(13);
		if (pick(100) >= 3) {
			for (k = 0; k < 10 && acc + weight[k] <= s; k++)
				acc += weight[k];
			snprintf(score, sizeof(score), "%u", k);
		}
		if (pick(100) >= 5) {
			unsigned c = pick(100), cacc = 0;

			for (k = 0; k < 4 && cacc + cweight[k] <= c; k++)
				cacc += cweight[k];
			snprintf(csat, sizeof(csat), "%u", k + 1);
		}
		if (pick(10) >= 4) {
			size_t n = 0;
			unsigned nw = 2 + pick(10);

			for (k = 0; k < nw; k++) {
				const char *w = words[pick(20)];

				n += (size_t)snprintf(comment + n,
				    sizeof(comment) - n, "%s%s",
				    k ? (pick(4) ? " " : ", ") : "", w);
			}
		}
		long d = t / 86400, sec = t % 86400;
		/* days to civil date, Howard Hinnant's algorithm */
		long z = d + 719468, era = z / 146097;
		long doe = z - era * 146097;
		long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 -
		    yoe / 100);
		long mp = (5 * doy + 2) / 153, dd = doy - (153 * mp + 2) / 5 + 1;
		long mm = mp < 10 ? mp + 3 : mp - 9;
		y += mm <= 2;
		char ts[64];
		snprintf(ts, sizeof(ts), "%04ld-%02ld-%02ldT%02ld:%02ld:%02ldZ",
		    y, mm, dd, sec / 3600, sec / 60 % 60, sec % 60);
		const char *seg = segment[pick(8)], *reg = region[pick(4)];
		if (groups > 0) {
			snprintf(gname, sizeof(gname), "g%0*u", width & 15,
			    pick(groups));
			seg = gname;
		}
		if (unquoted)
			comment[0] = '\0';
		if (json) {
			printf("{\"respondent_id\":%ld,\"submitted_at\":\"%s\","
			    "\"segment\":\"%s\",\"region\":\"%s\",\"score\":%s,"
			    "\"csat\":%s,\"comment\":\"", i + 1, ts, seg, reg,
			    score[0] ? score : "null", csat[0] ? csat : "null");
			for (char *p = comment; *p; p++)
				printf(*p == '"' ? "\\\"" : "%c", *p);
			puts("\"}");
		} else {
			printf("%ld,%s,%s,%s,%s,%s,", i + 1, ts, seg, reg, score,
			    csat);
			if (comment[0]) {
				putchar('"');
				for (char *p = comment; *p; p++) {
					if (*p == '"')
						putchar('"');
					putchar(*p);
				}
				putchar('"');
			}
			putchar('\n');
		}
	}
	return ferror(stdout) || fclose(stdout) ? 1 : 0;
}
