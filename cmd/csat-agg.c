/*
 * csat-agg: satisfaction (CSAT) and effort (CES) scores on any rating
 * scale, per group and period: mean, top-box and bottom-box shares with
 * Wilson intervals, the distribution over the scale, and comparisons.
 * Answers may be numbers, labels ("Very satisfied", とても満足) or
 * Zendesk's good/bad ratings.  Options and plumbing only: reading,
 * grouping, labels, statistics and output are the library's.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voc/cli.h"
#include "voc/compare.h"
#include "voc/group.h"
#include "voc/input.h"
#include "voc/labels.h"
#include "voc/stats.h"
#include "voc/text.h"
#include "voc/writer.h"

#define PROG "csat-agg"
#define MAX_POINTS 101

enum {
	OPT_BOTTOM = VOC_OPT_PROG,
	OPT_DIST,
	OPT_LABELS,
	OPT_SCALE,
	OPT_TOP
};

/* What the column holds, decided by its first answer. */
enum mode {
	MODE_UNKNOWN = 0,
	MODE_SCALE,
	MODE_BINARY
};

struct opts {
	struct voc_common c;	/* with the scoring options */
	int lo, hi;
	long long top, bottom;
	const char *labels_arg;
	struct voc_labels *labels;
	int dist;
};

/* A group's state; dist has one count per scale point (binary: bad,
 * good). */
struct acc {
	struct voc_rating r;
	long long nonresp;
	long long dist[];
};

/* The size of a group's state: the scale has at least 2 points, which
 * also holds good/bad. */
static size_t
acc_size(const struct opts *o)
{
	return sizeof(struct acc) + (size_t)(o->hi - o->lo + 1) *
	    sizeof(long long);
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: %s -s COL [--scale LO-HI] [--top N] [--bottom N] "
	    "[--labels SPEC] [--dist]\n"
	    "                [-g COLS] [-t COL [--by PERIOD]] [-w COL] "
	    "[--compare previous | overall]\n"
	    "                [OPTIONS] [FILE ...]\n", PROG);
}

static void
help(void)
{
	usage(stdout);
	printf("\nSatisfaction (CSAT) or effort (CES) scores of the ratings in "
	    "column COL.\n\n"
	    "  -s, --score COL          the rating column\n"
	    "  --scale LO-HI            the rating scale (default 1-5; 1-7 "
	    "for CES)\n"
	    "  --top N, --bottom N      top-N and bottom-N boxes (default 2; "
	    "3 on 7 points)\n"
	    "  --labels SPEC            answer words to points: 'Very good=5,"
	    "Good=4,...'\n"
	    "  --dist                   one count column per scale point\n"
	    "%s\n%s\nSee csat-agg(1) and vockit(7).\n", voc_cli_help_scores,
	    voc_cli_help);
}

static int
parse_scale(const char *s, struct opts *o, struct voc_error *err)
{
	char *end;
	long lo = strtol(s, &end, 10), hi = -1;

	if (end != s && *end == '-' && end[1] >= '0' && end[1] <= '9')
		hi = strtol(end + 1, &end, 10);
	if (*end != '\0' || lo < 0 || hi <= lo || hi > 1000 ||
	    hi - lo + 1 > MAX_POINTS)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--scale must be LO-HI with 0 <= LO < HI and at most %d "
		    "points, such as 1-5 or 0-10, not \"%s\"", MAX_POINTS, s);
	o->lo = (int)lo;
	o->hi = (int)hi;
	return 0;
}

/* Takes one of csat-agg's own options (voc_cli_parse's callback). */
static int
option(void *ctx, int ch, const char *arg, struct voc_error *err)
{
	struct opts *o = ctx;

	switch (ch) {
	case OPT_BOTTOM:
		return voc_cli_integer(arg, 1, MAX_POINTS, "--bottom",
		    &o->bottom, err);
	case OPT_DIST:
		o->dist = 1;
		return 0;
	case OPT_LABELS:
		o->labels_arg = arg;
		return 0;
	case OPT_SCALE:
		return parse_scale(arg, o, err);
	case OPT_TOP:
		return voc_cli_integer(arg, 1, MAX_POINTS, "--top", &o->top,
		    err);
	}
	return 0;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option own[] = {
		{"bottom", required_argument, NULL, OPT_BOTTOM},
		{"dist", no_argument, NULL, OPT_DIST},
		{"labels", required_argument, NULL, OPT_LABELS},
		{"scale", required_argument, NULL, OPT_SCALE},
		{"top", required_argument, NULL, OPT_TOP},
		{NULL, 0, NULL, 0}
	};
	struct voc_error err;
	int rc = 0;

	voc_cli_defaults(&o->c);
	o->c.scores = 1;
	o->lo = 1;
	o->hi = 5;
	voc_error_clear(&err);
	switch (voc_cli_parse(argc, argv, own, "", &o->c, option, o, &err)) {
	case VOC_CLI_HELP:
		help();
		exit(0);
	case VOC_CLI_VERSION:
		printf("%s (vockit) %s\n", PROG, VOC_VERSION);
		exit(0);
	case VOC_CLI_ERROR:
		rc = -1;
		break;
	case VOC_CLI_RUN:
		break;
	}
	int points = o->hi - o->lo + 1, box = points == 7 ? 3 : 2;
	if (o->top == 0)
		o->top = box;
	if (o->bottom == 0)
		o->bottom = box;
	if (rc == 0 && (o->top >= points || o->bottom >= points))
		rc = voc_error_set(&err, VOC_ERR_USAGE, NULL, 0,
		    "--top and --bottom must be smaller than the %d points of "
		    "the %d-%d scale", points, o->lo, o->hi);
	if (rc == 0 && (o->labels = voc_labels_parse(o->labels_arg, &err)) ==
	    NULL)
		rc = -1;
	if (rc == 0)
		rc = voc_cli_finish(&o->c, &err);
	if (rc != 0)
		exit(voc_cli_fail(PROG, &err));
}

/*
 * Classifies one answer, trying in turn: blank (a non-response), the
 * user's --labels, a number, Zendesk's good/bad words, the built-in
 * 5-point labels.  Returns 0 with *point set (for good/bad, 1 and 0), -1
 * for a non-response, -2 for a bad answer with a reason in why.
 */
static int
classify(const struct opts *o, enum mode *mode, const char *s, size_t len,
    int *point, char *why, size_t whysize)
{
	enum voc_binary b = VOC_BINARY_NONE;
	int rc = voc_text_scale_number(s, len, point);

	if (rc == -1)
		return -1;
	if (voc_labels_find(o->labels, 0, s, len, point) == 0)
		rc = 1;
	else if (rc == -2 && (b = voc_labels_binary(s, len)) ==
	    VOC_BINARY_NONE) {
		if (voc_labels_find(NULL, o->lo == 1 && o->hi == 5, s, len,
		    point) < 0) {
			snprintf(why, whysize, "is not a rating on the %d-%d "
			    "scale nor a known label (map it with --labels)",
			    o->lo, o->hi);
			return -2;
		}
		rc = 1;
	}
	enum mode kind = b != VOC_BINARY_NONE ? MODE_BINARY : MODE_SCALE;
	if (*mode != MODE_UNKNOWN && *mode != kind) {
		snprintf(why, whysize, *mode == MODE_BINARY ? "is a rating on "
		    "a scale, but the column's first answers were good/bad" :
		    "is a good/bad rating, but the column's first answers were "
		    "on the %d-%d scale", o->lo, o->hi);
		return -2;
	}
	*mode = kind;
	if (kind == MODE_BINARY) {
		if (b == VOC_BINARY_NOANSWER)
			return -1;
		*point = b == VOC_BINARY_GOOD;
		return 0;
	}
	if (*point < o->lo || *point > o->hi) {
		snprintf(why, whysize, "is outside the %d-%d scale%s", o->lo,
		    o->hi, rc == 0 ? "" : " (the point its label maps to)");
		return -2;
	}
	return 0;
}

static void
acc_merge(void *dst, const void *src)
{
	struct acc *a = dst;
	const struct acc *b = src;

	voc_rating_merge(&a->r, &b->r);
}

static void
acc_less(void *out, const void *whole, const void *part)
{
	voc_rating_less(&((struct acc *)out)->r, &((const struct acc *)whole)->r,
	    &((const struct acc *)part)->r);
}

static void
result(const struct opts *o, const struct acc *a, enum mode mode,
    struct voc_rating_result *r)
{
	voc_rating_result(&a->r, o->c.conf, r);
	if (mode == MODE_BINARY)
		r->mean = r->sd = NAN;
	if (r->n < o->c.min_n)
		r->mean = r->sd = r->top = r->bottom = r->lo = r->hi = NAN;
}

static int
write_table(const struct opts *o, struct voc_input *in, struct voc_group *g,
    enum mode mode, struct voc_error *err)
{
	static const char *const base[] = {"n", "mean", "sd", "top_box",
	    "pct_top_box", "bottom_box", "pct_bottom_box", "ci_low", "ci_high",
	    "no_response"};
	static const struct voc_compare_ops ops = {0, acc_merge, acc_less};
	struct voc_compare_ops cops = ops;
	size_t nkeys = voc_input_nkeys(in), n = 0, ndist = 0;
	const char **names;
	char (*distnames)[16];
	double scale = o->c.proportions ? 1 : 100;
	struct voc_compare *cmp = NULL;
	struct voc_writer *w = NULL;

	if (o->dist)
		ndist = mode == MODE_BINARY ? 2 : (size_t)(o->hi - o->lo + 1);
	names = calloc(nkeys + 20 + ndist, sizeof(*names));
	distnames = calloc(ndist + 1, sizeof(*distnames));
	if (names == NULL || distnames == NULL)
		goto nomem;
	for (size_t i = 0; i < nkeys; i++)
		names[n++] = voc_input_key_name(in, i);
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		names[n++] = base[i];
	if (o->c.weight_col)
		names[n++] = "n_eff";
	for (size_t i = 0; i < ndist; i++) {
		if (mode == MODE_BINARY)
			snprintf(distnames[i], 16, "n_%s", i ? "good" : "bad");
		else
			snprintf(distnames[i], 16, "n_%d", o->lo + (int)i);
		names[n++] = distnames[i];
	}
	if (o->c.compare != VOC_COMPARE_NONE)
		for (size_t i = 0; i < 4; i++)
			names[n++] = voc_compare_columns[i];

	voc_group_sort(g, voc_input_key_cmp);
	cops.acc_size = acc_size(o);
	if (o->c.compare != VOC_COMPARE_NONE &&
	    (cmp = voc_compare_new(o->c.compare, in, g, &cops)) == NULL)
		goto nomem;
	if ((w = voc_writer_open(stdout, o->c.out, o->c.precision, names, n))
	    == NULL)
		goto nomem;
	for (size_t i = 0; i < voc_group_count(g); i++) {
		const struct voc_group_entry *e = voc_group_entry(g, i);
		const struct acc *a = e->acc, *b;
		struct voc_rating_result r, rb;

		result(o, a, mode, &r);
		voc_input_key_write(in, w, e->key, e->keylen);
		voc_writer_int(w, r.n);
		voc_writer_num(w, r.mean);
		voc_writer_num(w, r.sd);
		voc_writer_int(w, a->r.top_n);
		voc_writer_num(w, scale * r.top);
		voc_writer_int(w, a->r.bottom_n);
		voc_writer_num(w, scale * r.bottom);
		voc_writer_num(w, scale * r.lo);
		voc_writer_num(w, scale * r.hi);
		voc_writer_int(w, a->nonresp);
		if (o->c.weight_col)
			voc_writer_num(w, r.n_eff);
		for (size_t k = 0; k < ndist; k++)
			voc_writer_int(w, a->dist[k]);
		if (cmp == NULL)
			continue;
		double lo = NAN, hi = NAN, p = NAN, d = NAN;
		if ((b = voc_compare_base(cmp, e)) != NULL) {
			result(o, b, mode, &rb);
			if (!isnan(r.top) && !isnan(rb.top)) {
				voc_stats_newcombe(rb.top, rb.n_eff, r.top,
				    r.n_eff, o->c.conf, &lo, &hi, &p);
				d = r.top - rb.top;
			}
		}
		voc_writer_num(w, scale * d);
		voc_writer_num(w, scale * lo);
		voc_writer_num(w, scale * hi);
		voc_writer_num(w, p);
	}
	voc_compare_free(cmp);
	free(names);
	free(distnames);
	return voc_writer_close(w, 0, err);
nomem:
	voc_compare_free(cmp);
	free(names);
	free(distnames);
	return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct voc_error err;
	struct voc_input *in;
	struct voc_group *g;
	struct voc_record rec;
	enum mode mode = MODE_UNKNOWN;
	size_t col;
	int rc, status = 0;
	char why[200];

	memset(&o, 0, sizeof(o));
	voc_stats_init();
	parse_args(argc, argv, &o);
	voc_error_clear(&err);
	if ((in = voc_input_open(&o.c, PROG, argv + optind, argc - optind,
	    &err)) == NULL) {
		voc_labels_free(o.labels);
		return voc_cli_fail(PROG, &err);
	}
	col = voc_input_score_col(in);
	if ((g = voc_input_group_table(in, acc_size(&o))) == NULL) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return 1;
	}
	while ((rc = voc_input_next(in, &rec, &err)) == 1) {
		const struct voc_row *row = rec.row;
		int point, c = classify(&o, &mode, row->field[col],
		    row->len[col], &point, why, sizeof(why));
		struct acc *a;

		if (c == -2) {
			if (voc_input_skip(in, row, &err, "column \"%s\": \"%s\" "
			    "%s", voc_input_colname(in, col), row->field[col],
			    why) < 0) {
				rc = -1;
				break;
			}
			continue;
		}
		if ((a = voc_group_get(g, rec.key, rec.keylen)) == NULL) {
			rc = voc_error_set(&err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
			break;
		}
		if (c == -1) {
			voc_input_nonresponse(in);
			a->nonresp++;
			continue;
		}
		if (mode == MODE_BINARY) {
			voc_rating_add(&a->r, point, rec.weight, point == 1,
			    point == 0);
			a->dist[point]++;
		} else {
			voc_rating_add(&a->r, point, rec.weight,
			    point > o.hi - o.top, point < o.lo + o.bottom);
			a->dist[point - o.lo]++;
		}
	}
	if (rc < 0) {
		voc_error_print(PROG, &err, stderr);
		status = 1;
	} else {
		if (write_table(&o, in, g, mode, &err) < 0) {
			voc_error_print(PROG, &err, stderr);
			status = 1;
		}
		if (voc_input_report(in, stderr))
			status = 1;
	}
	voc_group_free(g);
	voc_input_close(in);
	voc_labels_free(o.labels);
	return status;
}
