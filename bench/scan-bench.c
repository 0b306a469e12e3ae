/*
 * scan-bench: throughput of the record scanners on data generated in
 * memory, against what the reader does today.
 *
 *   cc -O2 -std=c11 -D_DEFAULT_SOURCE -Iinclude bench/scan-bench.c \
 *       build/libvoc.a $(pkg-config --libs jansson) -lcsv -o build/scan-bench
 *   build/scan-bench [MB]		(default 100)
 *
 * CSV: a survey export (id, time, score, segment, channel, a comment that
 * is quoted in a third of the rows, with "" and commas and Japanese text
 * now and then, then three short columns), split
 *   - line by line with memchr for '\n' and then for each delimiter (the
 *     reader's fast path for quote-free lines, without its other passes),
 *   - by libcsv alone (the reader's path for every quoted line),
 *   - by voc_scan_record at each classifier level, storing every field,
 *     and storing only the first three (a program that needs those).
 * JSON Lines: objects of ten keys, one nested, read line by line with
 * jansson's json_loadb (the reader today, before its flattening), and
 * with voc_jscan_line asking for four paths (three strings, one integer),
 * then five (with a real printed as "%.15g", as the reader prints them).
 *
 * Each figure is the best of three runs, in MB/s of input; the machine is
 * shared, so compare ratios from one run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <csv.h>
#include <jansson.h>

#include "voc/jsonscan.h"
#include "voc/scan.h"

static uint64_t rng = 88172645463325252ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

struct buf {
	char *s;
	size_t len, cap;
};

static void
add(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>

static void
add(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		fprintf(stderr, "scan-bench: buffer full\n");
		exit(1);
	}
	b->len += (size_t)n;
}

static const char *const comments[] = {
	"great service", "too slow, would not recommend",
	"\xE3\x82\xB5\xE3\x83\x9D\xE3\x83\xBC\xE3\x83\x88\xE3\x81\x8C"
	"\xE4\xB8\x81\xE5\xAF\xA7\xE3\x81\xA7\xE3\x81\x97\xE3\x81\x9F",
	"ok", "", "the app crashed twice during checkout",
	"price is fine but delivery took a week",
};

static void
gen_csv(struct buf *b, size_t target)
{
	add(b, "id,time,score,segment,channel,comment,plan,region,device\n");
	for (long id = 1; b->len < target; id++) {
		const char *c = comments[rnd(7)];

		add(b, "%ld,2024-%02u-%02uT%02u:%02u:00Z,%u,%s,%s,", id,
		    1 + rnd(12), 1 + rnd(28), rnd(24), rnd(60), rnd(11),
		    rnd(2) ? "enterprise" : "smb", rnd(2) ? "email" : "chat");
		switch (rnd(6)) {
		case 0:
			add(b, "\"%s, \"\"really\"\"\"", c);
			break;
		case 1:
			add(b, "\"%s\"", c);
			break;
		default:
			add(b, "%s", *c == 't' ? "fine" : c);
		}
		add(b, ",%s,%s,%s\n", rnd(2) ? "pro" : "free",
		    rnd(2) ? "APAC" : "EMEA", rnd(2) ? "ios" : "web");
	}
}

static void
gen_jsonl(struct buf *b, size_t target)
{
	for (long id = 1; b->len < target; id++)
		add(b, "{\"id\":%ld,\"time\":\"2024-%02u-%02uT%02u:%02u:00Z\","
		    "\"score\":%u,\"segment\":\"%s\",\"channel\":\"%s\","
		    "\"user\":{\"id\":\"u%u\",\"plan\":\"%s\"},"
		    "\"comment\":\"%s%s\",\"weight\":%u.%02u,\"tags\":[\"a\","
		    "\"b\"],\"verified\":%s}\n", id, 1 + rnd(12), 1 + rnd(28),
		    rnd(24), rnd(60), rnd(11), rnd(2) ? "enterprise" : "smb",
		    rnd(2) ? "email" : "chat", rnd(100000),
		    rnd(2) ? "pro" : "free", rnd(2) ? "caf\\u00e9 " : "",
		    comments[rnd(7)], rnd(3), rnd(100),
		    rnd(2) ? "true" : "false");
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- CSV ways ---- */

static long sink;

static long
csv_memchr(char *s, size_t len)
{
	char *p = s, *e = s + len;
	long fields = 0;

	while (p < e) {
		char *nl = memchr(p, '\n', (size_t)(e - p));
		char *le = nl ? nl : e;

		for (char *f = p;;) {
			char *d = memchr(f, ',', (size_t)(le - f));

			fields++;
			if (d == NULL)
				break;
			*d = '\0';
			f = d + 1;
		}
		p = le + 1;
	}
	return fields;
}

static void
cb_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	(*(long *)data)++;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static long
csv_libcsv(char *s, size_t len)
{
	struct csv_parser p;
	long fields = 0;

	csv_init(&p, CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_space_func(&p, no_space);
	csv_parse(&p, s, len, cb_field, NULL, &fields);
	csv_fini(&p, cb_field, NULL, &fields);
	csv_free(&p);
	return fields;
}

static size_t max_fields;

static long
csv_scan(char *s, size_t len)
{
	struct voc_scan_field f[16];
	struct voc_scan_rec rec;
	size_t pos = 0, used;
	long fields = 0;

	while (voc_scan_record(s + pos, len - pos, ',', VOC_SCAN_EOF |
	    VOC_SCAN_NUL, f, max_fields, &rec, &used) == 1) {
		fields += (long)rec.nfields;
		pos += used;
	}
	return fields;
}

/* ---- JSON ways ---- */

static long
json_jansson(char *s, size_t len)
{
	char *p = s, *e = s + len;
	long n = 0;
	json_error_t err;

	while (p < e) {
		char *nl = memchr(p, '\n', (size_t)(e - p));
		char *le = nl ? nl + 1 : e;
		json_t *o = json_loadb(p, (size_t)(le - p), 0, &err);

		n += o != NULL;
		json_decref(o);
		p = le;
	}
	return n;
}

static struct voc_jscan *js;

static long
json_scan(char *s, size_t len)
{
	struct voc_jscan_value v[5];
	char *p = s, *e = s + len;
	long n = 0;

	while (p < e) {
		char *nl = memchr(p, '\n', (size_t)(e - p));
		char *le = nl ? nl + 1 : e;

		n += voc_jscan_line(js, p, (size_t)(le - p), v) == 1;
		p = le;
	}
	return n;
}

/* Best of three runs of fn over a fresh copy of data. */
static void
run(const char *name, long (*fn)(char *, size_t), const struct buf *data,
    char *work)
{
	double best = 1e9;
	long got = 0;

	for (int k = 0; k < 3; k++) {
		memcpy(work, data->s, data->len + 1);
		double t0 = now();
		got = fn(work, data->len);
		double t = now() - t0;
		if (t < best)
			best = t;
	}
	sink += got;
	printf("  %-34s %8.0f MB/s  (%ld)\n", name, data->len / best / 1e6,
	    got);
}

int
main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 100;
	struct buf csv = {0}, jl = {0};
	char *work;
	static const char *const lvname[] = {"portable", "sse2", "avx2"};

	if (mb == 0)
		mb = 100;
	csv.cap = jl.cap = mb * 1000000 + 4096;
	csv.s = malloc(csv.cap);
	jl.s = malloc(jl.cap);
	work = malloc(csv.cap);
	if (csv.s == NULL || jl.s == NULL || work == NULL)
		return 1;
	gen_csv(&csv, mb * 1000000);
	gen_jsonl(&jl, mb * 1000000);

	printf("CSV, %.0f MB (fields counted in brackets):\n", csv.len / 1e6);
	run("memchr per line, then per field", csv_memchr, &csv, work);
	run("libcsv", csv_libcsv, &csv, work);
	enum voc_scan_level best = voc_scan_set_level(VOC_SCAN_AVX2);
	for (int lv = VOC_SCAN_PORTABLE; lv <= (int)best; lv++) {
		char name[64];

		voc_scan_set_level((enum voc_scan_level)lv);
		max_fields = 16;
		snprintf(name, sizeof(name), "voc_scan_record %s, all",
		    lvname[lv]);
		run(name, csv_scan, &csv, work);
		max_fields = 3;
		snprintf(name, sizeof(name), "voc_scan_record %s, 3 of 9",
		    lvname[lv]);
		run(name, csv_scan, &csv, work);
	}

	printf("JSON Lines, %.0f MB (objects read in brackets):\n",
	    jl.len / 1e6);
	js = voc_jscan_new();
	voc_jscan_add(js, "score", 5);
	voc_jscan_add(js, "segment", 7);
	voc_jscan_add(js, "user.plan", 9);
	voc_jscan_add(js, "comment", 7);
	run("jansson json_loadb per line", json_jansson, &jl, work);
	run("voc_jscan_line, 4 paths", json_scan, &jl, work);
	voc_jscan_reals_g15(js, 1);
	voc_jscan_add(js, "weight", 6);
	run("voc_jscan_line, 5 paths, a real %.15g", json_scan, &jl, work);
	voc_jscan_free(js);
	free(csv.s);
	free(jl.s);
	free(work);
	return sink == 0;
}
