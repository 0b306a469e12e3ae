/*
 * nps-score: Net Promoter Score per group and period, with its standard
 * error, a confidence interval and optional period-on-period or
 * group-against-the-rest comparisons.  Options and plumbing only: reading,
 * grouping, statistics and output are the library's.
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
#include "voc/stats.h"
#include "voc/text.h"
#include "voc/writer.h"

#define PROG "nps-score"

enum {
	OPT_CI = VOC_OPT_PROG,
	OPT_RESAMPLES,
	OPT_SEED
};

struct opts {
	struct voc_common c;	/* with the scoring options */
	enum voc_ci ci;
	long long resamples;
	long long seed;
};

struct acc {
	struct voc_nps nps;
	long long nonresp;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: %s -s COL [-g COLS] [-t COL [--by PERIOD]] "
	    "[-w COL] [--ci METHOD]\n"
	    "                 [--compare previous | overall] [--min-n N] "
	    "[OPTIONS] [FILE ...]\n", PROG);
}

static void
help(void)
{
	usage(stdout);
	printf("\nNet Promoter Score of the 0-10 answers in column COL.\n\n"
	    "  -s, --score COL          the 0-10 \"how likely to recommend\" "
	    "column\n"
	    "  --ci METHOD              adjusted-wald (default), wald or "
	    "bootstrap\n"
	    "  --resamples N, --seed S  bootstrap draws (default 2000) and "
	    "seed (default 1)\n"
	    "%s\n%s\nSee nps-score(1) and vockit(7).\n", voc_cli_help_scores,
	    voc_cli_help);
}

/* Takes one of nps-score's own options (voc_cli_parse's callback). */
static int
option(void *ctx, int ch, const char *arg, struct voc_error *err)
{
	struct opts *o = ctx;

	switch (ch) {
	case OPT_CI:
		if (strcmp(arg, "adjusted-wald") == 0)
			o->ci = VOC_CI_ADJUSTED_WALD;
		else if (strcmp(arg, "wald") == 0)
			o->ci = VOC_CI_WALD;
		else if (strcmp(arg, "bootstrap") == 0)
			o->ci = VOC_CI_BOOTSTRAP;
		else
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--ci must be adjusted-wald, wald or bootstrap, "
			    "not \"%s\"", arg);
		return 0;
	case OPT_RESAMPLES:
		return voc_cli_integer(arg, 100, 10000000, "--resamples",
		    &o->resamples, err);
	case OPT_SEED:
		return voc_cli_integer(arg, 0, 4294967295LL, "--seed",
		    &o->seed, err);
	}
	return 0;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option own[] = {
		{"ci", required_argument, NULL, OPT_CI},
		{"resamples", required_argument, NULL, OPT_RESAMPLES},
		{"seed", required_argument, NULL, OPT_SEED},
		{NULL, 0, NULL, 0}
	};
	struct voc_error err;
	int rc = 0;

	voc_cli_defaults(&o->c);
	o->c.scores = 1;
	o->resamples = 2000;
	o->seed = 1;
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
	if (rc == 0 && o->ci == VOC_CI_BOOTSTRAP && o->c.weight_col != NULL)
		rc = voc_error_set(&err, VOC_ERR_USAGE, NULL, 0,
		    "--ci bootstrap is for unweighted data; with -w use "
		    "adjusted-wald or wald");
	if (rc == 0)
		rc = voc_cli_finish(&o->c, &err);
	if (rc != 0)
		exit(voc_cli_fail(PROG, &err));
}

/* The statistics of one accumulator, or NULL fields below --min-n. */
static int
result(const struct opts *o, const struct acc *a, struct voc_nps_result *r)
{
	if (voc_nps_result(&a->nps, o->ci, o->c.conf, (long)o->resamples,
	    (unsigned long)o->seed, r) < 0)
		return -1;
	if (r->n < o->c.min_n) {
		r->share[0] = r->share[1] = r->share[2] = NAN;
		r->nps = r->se = r->lo = r->hi = NAN;
	}
	return 0;
}

static void
acc_merge(void *dst, const void *src)
{
	voc_nps_merge(&((struct acc *)dst)->nps, &((const struct acc *)src)->nps);
}

static void
acc_less(void *out, const void *whole, const void *part)
{
	voc_nps_less(&((struct acc *)out)->nps, &((const struct acc *)whole)->nps,
	    &((const struct acc *)part)->nps);
}

static int
write_table(const struct opts *o, struct voc_input *in, struct voc_group *g,
    struct voc_error *err)
{
	static const char *const base[] = {"n", "promoters", "passives",
	    "detractors", "pct_promoters", "pct_passives", "pct_detractors",
	    "nps", "se", "ci_low", "ci_high", "no_response"};
	static const struct voc_compare_ops ops = {sizeof(struct acc),
	    acc_merge, acc_less};
	const char *names[64];
	size_t n = 0, nkeys = voc_input_nkeys(in);
	double scale = o->c.proportions ? 1 : 100;
	struct voc_compare *cmp = NULL;
	struct voc_writer *w;
	int rc = 0;

	for (size_t i = 0; i < nkeys && n < 40; i++)
		names[n++] = voc_input_key_name(in, i);
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		names[n++] = base[i];
	if (o->c.weight_col)
		names[n++] = "n_eff";
	if (o->c.compare != VOC_COMPARE_NONE)
		for (size_t i = 0; i < 4; i++)
			names[n++] = voc_compare_columns[i];

	voc_group_sort(g, voc_input_key_cmp);
	if (o->c.compare != VOC_COMPARE_NONE &&
	    (cmp = voc_compare_new(o->c.compare, in, g, &ops)) == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	if ((w = voc_writer_open(stdout, o->c.out, o->c.precision, names, n))
	    == NULL) {
		voc_compare_free(cmp);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	}
	for (size_t i = 0; i < voc_group_count(g); i++) {
		const struct voc_group_entry *e = voc_group_entry(g, i);
		const struct acc *a = e->acc, *b;
		struct voc_nps_result r, rb;

		if (result(o, a, &r) < 0) {
			rc = -1;
			break;
		}
		voc_input_key_write(in, w, e->key, e->keylen);
		voc_writer_int(w, r.n);
		voc_writer_int(w, a->nps.n[VOC_NPS_PROMOTER]);
		voc_writer_int(w, a->nps.n[VOC_NPS_PASSIVE]);
		voc_writer_int(w, a->nps.n[VOC_NPS_DETRACTOR]);
		voc_writer_num(w, scale * r.share[VOC_NPS_PROMOTER]);
		voc_writer_num(w, scale * r.share[VOC_NPS_PASSIVE]);
		voc_writer_num(w, scale * r.share[VOC_NPS_DETRACTOR]);
		voc_writer_num(w, scale * r.nps);
		voc_writer_num(w, scale * r.se);
		voc_writer_num(w, scale * r.lo);
		voc_writer_num(w, scale * r.hi);
		voc_writer_int(w, a->nonresp);
		if (o->c.weight_col)
			voc_writer_num(w, r.n_eff);
		if (cmp == NULL)
			continue;
		double lo = NAN, hi = NAN, p = NAN, d = NAN;
		if ((b = voc_compare_base(cmp, e)) != NULL) {
			if (result(o, b, &rb) < 0) {
				rc = -1;
				break;
			}
			voc_stats_diff(rb.nps, rb.se, r.nps, r.se, o->c.conf, &lo,
			    &hi, &p);
			d = r.nps - rb.nps;
		}
		voc_writer_num(w, scale * d);
		voc_writer_num(w, scale * lo);
		voc_writer_num(w, scale * hi);
		voc_writer_num(w, p);
	}
	voc_compare_free(cmp);
	if (voc_writer_close(w, 0, err) < 0)
		return -1;
	return rc < 0 ? voc_error_set(err, VOC_ERR_DATA, NULL, 0,
	    "out of memory") : 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct voc_error err;
	struct voc_input *in;
	struct voc_group *g;
	struct voc_record rec;
	size_t score_col;
	int rc, status = 0;

	memset(&o, 0, sizeof(o));
	voc_stats_init();
	parse_args(argc, argv, &o);
	voc_error_clear(&err);
	if ((in = voc_input_open(&o.c, PROG, argv + optind, argc - optind,
	    &err)) == NULL)
		return voc_cli_fail(PROG, &err);
	score_col = voc_input_score_col(in);
	if ((g = voc_input_group_table(in, sizeof(struct acc))) == NULL) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return 1;
	}
	while ((rc = voc_input_next(in, &rec, &err)) == 1) {
		const struct voc_row *row = rec.row;
		int s, rs = voc_text_scale_number(row->field[score_col],
		    row->len[score_col], &s);
		struct acc *a;

		if (rs == -2 || (rs == 0 && s > 10)) {
			if (voc_input_skip(in, row, &err, "column \"%s\": "
			    "\"%s\" is not a score 0-10",
			    voc_input_colname(in, score_col),
			    row->field[score_col]) < 0) {
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
		if (rs == -1) {
			voc_input_nonresponse(in);
			a->nonresp++;
		} else
			voc_nps_add(&a->nps, voc_nps_classify(s), rec.weight);
	}
	if (rc < 0) {
		voc_error_print(PROG, &err, stderr);
		status = 1;
	} else {
		if (write_table(&o, in, g, &err) < 0) {
			voc_error_print(PROG, &err, stderr);
			status = 1;
		}
		if (voc_input_report(in, stderr))
			status = 1;
	}
	voc_group_free(g);
	voc_input_close(in);
	return status;
}
