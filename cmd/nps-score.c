/*
 * nps-score: Net Promoter Score per group and period, with its standard
 * error, a confidence interval and optional period-on-period or
 * group-against-the-rest comparisons.  Options and plumbing only: reading,
 * grouping, statistics and output are the library's.
 */
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voc/cli.h"
#include "voc/compare.h"
#include "voc/prog.h"
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
	size_t score_col;	/* resolved by prepare */
	const char *score_name;
};

/*
 * A group's state.  Without -w the weighted sums equal the counts, so
 * the state stops after nps.n (40 bytes instead of 88: ten million
 * groups fit in half a gigabyte) and whole() makes the rest when needed.
 * seen has bit s set when an answer s (0-10) was counted, so that a
 * column of 1-5 answers can be told from the merged states (in finish)
 * however the rows were split across threads and shards.
 */
struct acc {
	long long nonresp;
	unsigned seen;
	struct voc_nps nps;
};

/* seen: a state loaded from a file that did not record the answers. */
#define SEEN_UNKNOWN (1u << 15)

#define UNWEIGHTED_SIZE offsetof(struct acc, nps.w)

/* The full accumulator of a state, with or without weights. */
static void
whole(const struct opts *o, const struct acc *a, struct voc_nps *out)
{
	if (o->c.weight_col != NULL) {
		*out = a->nps;
		return;
	}
	memset(out, 0, sizeof(*out));
	for (int k = 0; k < 3; k++) {
		out->n[k] = a->nps.n[k];
		out->w[k] = out->w2[k] = (double)a->nps.n[k];
	}
}

static const char synopsis[] =
    "-s COL [-g COLS] [-t COL [--by PERIOD]] [-w COL] [--ci METHOD]\n"
    "                 [--compare previous | overall] [--min-n N] "
    "[OPTIONS] [FILE ...]";

static const char help_text[] =
    "Net Promoter Score of the 0-10 answers in column COL.\n\n"
    "  -s, --score COL          the 0-10 \"how likely to recommend\" "
    "column\n"
    "  --ci METHOD              adjusted-wald (default), wald or "
    "bootstrap\n"
    "  --resamples N, --seed S  bootstrap draws (default 2000) and "
    "seed (default 1)\n"
    "  --proportions            shares as proportions (0..1) and the NPS "
    "on -1..1,\n"
    "                           not percentages\n";

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

static int
check(void *ctx, struct voc_common *c, struct voc_error *err)
{
	const struct opts *o = ctx;

	if (o->ci == VOC_CI_BOOTSTRAP && c->weight_col != NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--ci bootstrap is for unweighted data; with -w use "
		    "adjusted-wald or wald");
	return 0;
}

/* ---- the per-key state ---- */

static size_t
state_size(const void *ctx)
{
	const struct opts *o = ctx;

	return o->c.weight_col != NULL ? sizeof(struct acc) : UNWEIGHTED_SIZE;
}

static int
acc_merge(void *dst, const void *src, const void *cfg)
{
	const struct opts *o = cfg;
	struct acc *a = dst;
	const struct acc *b = src;

	if (o->c.weight_col != NULL)
		voc_nps_merge(&a->nps, &b->nps);
	else
		for (int k = 0; k < 3; k++)
			a->nps.n[k] += b->nps.n[k];
	a->nonresp += b->nonresp;
	a->seen |= b->seen;
	return 0;
}

static int
acc_save(const void *st, struct voc_enc *e, const void *cfg)
{
	struct voc_nps v;
	int rc = 0;

	whole(cfg, st, &v);
	for (int i = 0; i < 3; i++)
		rc |= voc_enc_int(e, v.n[i]);
	for (int i = 0; i < 3; i++)
		rc |= voc_enc_num(e, v.w[i]);
	for (int i = 0; i < 3; i++)
		rc |= voc_enc_num(e, v.w2[i]);
	rc |= voc_enc_int(e, ((const struct acc *)st)->nonresp);
	/* The scale of weights far from 1 (lib/stats.c), the answers seen,
	 * and what rounding left out of the weighted sums: each optional
	 * (and written when a later one is), so older states still load. */
	int lost = 0;
	for (int i = 0; i < 3; i++)
		lost |= v.w_lost[i] != 0 || v.w2_lost[i] != 0;
	if (v.scale != 0 || ((const struct acc *)st)->seen != 0 || lost)
		rc |= voc_enc_int(e, v.scale);
	if (((const struct acc *)st)->seen != 0 || lost)
		rc |= voc_enc_int(e, ((const struct acc *)st)->seen);
	for (int i = 0; lost && i < 3; i++)
		rc |= voc_enc_num(e, v.w_lost[i]);
	for (int i = 0; lost && i < 3; i++)
		rc |= voc_enc_num(e, v.w2_lost[i]);
	return rc ? -1 : 0;
}

static int
acc_load(void *st, struct voc_dec *d, const void *cfg, struct voc_error *err)
{
	const struct opts *o = cfg;
	struct acc *a = st;
	struct voc_nps v;

	memset(&v, 0, sizeof(v));
	for (int i = 0; i < 3; i++)
		if (voc_dec_count(d, &v.n[i], err) < 0)
			return -1;
	for (int i = 0; i < 3; i++)
		if (voc_dec_num(d, &v.w[i], err) < 0)
			return -1;
	for (int i = 0; i < 3; i++)
		if (voc_dec_num(d, &v.w2[i], err) < 0)
			return -1;
	long long scale = 0, seen = -1;
	if (voc_dec_count(d, &a->nonresp, err) < 0 || (voc_dec_left(d) > 0 &&
	    voc_dec_int(d, &scale, err) < 0) || (voc_dec_left(d) > 0 &&
	    voc_dec_int(d, &seen, err) < 0))
		return -1;
	if (seen >= (long long)SEEN_UNKNOWN * 2)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "the answers seen are out of range");
	if (voc_dec_left(d) > 0) {
		for (int i = 0; i < 3; i++)
			if (voc_stats_lost(d, &v.w_lost[i], err) < 0)
				return -1;
		for (int i = 0; i < 3; i++)
			if (voc_stats_lost(d, &v.w2_lost[i], err) < 0)
				return -1;
	}
	a->seen = seen >= 0 ? (unsigned)seen : v.n[0] + v.n[1] + v.n[2] > 0 ?
	    SEEN_UNKNOWN : 0;
	if (voc_stats_scale(scale, &v.scale, err) < 0)
		return -1;
	if (o->c.weight_col != NULL)
		a->nps = v;
	else
		memcpy(a->nps.n, v.n, sizeof(v.n));
	return 0;
}

static void
acc_less(void *out, const void *all, const void *part, const void *cfg)
{
	struct voc_nps a, b, d;

	whole(cfg, all, &a);
	whole(cfg, part, &b);
	voc_nps_less(&d, &a, &b);
	memcpy(&((struct acc *)out)->nps, &d, ((const struct opts *)cfg)->
	    c.weight_col != NULL ? sizeof(d) : sizeof(d.n));
}

static const struct voc_state_ops nps_state = {
	"nps", 1, NULL, acc_merge, NULL, acc_save, acc_load, NULL
};

/*
 * An answer given as its NPS category, as some exports write it
 * (Qualtrics' NPS_GROUP, Japanese tools' 推奨者/中立者/批判者): sets *c
 * and returns 1, or returns 0.
 */
static int
category(const char *s, size_t len, enum voc_nps_class *c)
{
	static const struct {
		const char *word;
		enum voc_nps_class c;
	} words[] = {
		{"promoter", VOC_NPS_PROMOTER}, {"promoters", VOC_NPS_PROMOTER},
		{"passive", VOC_NPS_PASSIVE}, {"passives", VOC_NPS_PASSIVE},
		{"neutral", VOC_NPS_PASSIVE},
		{"detractor", VOC_NPS_DETRACTOR},
		{"detractors", VOC_NPS_DETRACTOR},
		{"推奨者", VOC_NPS_PROMOTER}, {"中立者", VOC_NPS_PASSIVE},
		{"批判者", VOC_NPS_DETRACTOR},
	};

	voc_text_trim(&s, &len);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (voc_text_ieq(words[i].word, s, len)) {
			*c = words[i].c;
			return 1;
		}
	return 0;
}

static int
row_step(const void *ctx, struct voc_run *run, const struct voc_record *rec,
    struct voc_error *err)
{
	const struct opts *o = ctx;
	const struct voc_row *row = rec->row;
	size_t col = o->score_col;
	int s, rs = voc_text_scale_number(row->field[col], row->len[col], &s);
	enum voc_nps_class cat;
	struct acc *a;

	if (rs == -2 && category(row->field[col], row->len[col], &cat)) {
		rs = 0;
		s = cat == VOC_NPS_PROMOTER ? 10 : cat == VOC_NPS_PASSIVE ? 8 :
		    0;
	}
	if (rs == -2 || (rs == 0 && s > 10))
		return voc_run_skip(run, row, err, "column \"%s\": \"%s\" is "
		    "not a score 0-10 nor an NPS category", o->score_name,
		    row->field[col]);
	if ((a = voc_run_state(run, rec->key, rec->keylen)) == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	if (rs == -1) {
		voc_run_nonresponse(run);
		a->nonresp++;
		return 0;
	}
	if (s >= 0 && s <= 10)
		a->seen |= 1u << s;
	if (o->c.weight_col != NULL)
		voc_nps_add(&a->nps, voc_nps_classify(s), rec->weight);
	else
		a->nps.n[voc_nps_classify(s)]++;
	return 0;
}

/* Without weights a state is counts: merged alike in any order (the
 * weighted sums are reals, whose sum depends on the order). */
static int
any_order(const void *ctx)
{
	const struct opts *o = ctx;

	return o->c.weight_col == NULL;
}

static int
prepare(void *ctx, const struct voc_input *in, struct voc_error *err)
{
	struct opts *o = ctx;

	(void)err;
	o->score_col = voc_input_score_col(in);
	o->score_name = voc_input_colname(in, o->score_col);
	return 0;
}

/* The statistics of one accumulator, or NULL fields below --min-n. */
static int
result(const struct opts *o, const struct acc *a, struct voc_nps_result *r)
{
	struct voc_nps v;

	whole(o, a, &v);
	if (voc_nps_result(&v, o->ci, o->c.conf, (long)o->resamples,
	    (unsigned long)o->seed, r) < 0)
		return -1;
	if (r->n < o->c.min_n) {
		r->share[0] = r->share[1] = r->share[2] = NAN;
		r->nps = r->se = r->lo = r->hi = NAN;
	}
	return 0;
}

/*
 * Answers that all lie within 1-5 (or 1-3) are unlikely on the 0-10
 * scale: the column is likely a CSAT question read as NPS.  A warning,
 * from the merged states, once there are enough answers (10) for the
 * pattern to mean something; the table is still the one asked for.
 */
static void
scale_warning(const struct opts *o, struct voc_run *run)
{
	struct voc_table *t = voc_run_table(run);
	unsigned seen = 0;
	long long n = 0;

	/* Done at the first answer outside 1-5 (with 100,000 groups, a
	 * pass over them all took a millisecond). */
	for (size_t i = 0; i < voc_table_count(t) && (seen & ~0x3Eu) == 0;
	    i++) {
		struct voc_entry e;
		const struct acc *a;

		voc_table_at(t, i, &e);
		a = e.st;
		seen |= a->seen;
		n += a->nps.n[0] + a->nps.n[1] + a->nps.n[2];
	}
	/* With --merge no input was read: the column is the -s name. */
	const char *name = o->score_name ? o->score_name : o->c.score_col;

	if (n < 10 || seen == 0 || (seen & ~0x3Eu) != 0)
		return;
	if ((seen & ~0x0Eu) == 0)
		fprintf(stderr, "%s: warning: column \"%s\": the %lld answers "
		    "are all within 1-3: is this a 3-point column? use "
		    "csat-agg --scale 1-3\n", PROG, name, n);
	else
		fprintf(stderr, "%s: warning: column \"%s\": the %lld answers "
		    "are all within 1-5: is this a 5-point CSAT column? use "
		    "csat-agg\n", PROG, name, n);
}

/* What the rows of the table share (voc_run_rows). */
struct out {
	const struct opts *o;
	const struct voc_run *run;
	double scale;
};

static int
out_row(void *arg, struct voc_writer *w, const struct voc_entry *e,
    const void *b)
{
	const struct out *u = arg;
	const struct opts *o = u->o;
	double scale = u->scale;
	const struct acc *a = e->st;
	struct voc_nps_result r, rb;

	if (result(o, a, &r) < 0)
		return -1;
	voc_run_key_write(u->run, w, e->key, e->keylen);
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
	if (o->c.compare == VOC_COMPARE_NONE)
		return 0;
	double lo = NAN, hi = NAN, p = NAN, d = NAN;
	if (b != NULL) {
		if (result(o, b, &rb) < 0)
			return -1;
		voc_stats_diff(rb.nps, rb.se, r.nps, r.se, o->c.conf, &lo, &hi,
		    &p);
		d = r.nps - rb.nps;
	}
	voc_compare_write(w, scale, d, lo, hi, p);
	return 0;
}

static int
finish(void *ctx, struct voc_run *run, struct voc_error *err)
{
	static const struct voc_compare_ops ops = {acc_less};
	static const char *const base[] = {"n", "promoters", "passives",
	    "detractors", "pct_promoters", "pct_passives", "pct_detractors",
	    "nps", "se", "ci_low", "ci_high", "no_response"};
	const struct opts *o = ctx;
	struct voc_table *t = voc_run_table(run);
	const char *cols[17];
	size_t n = 0;
	struct voc_writer *w;
	struct out u = {o, run, o->c.proportions ? 1 : 100};

	/* Without -g or --by there is one group, even with no rows, so that
	 * an input with no answers still reports n = 0. */
	if (voc_run_nkeys(run) == 0 && voc_run_state(run, "", 0) == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	scale_warning(o, run);
	if (voc_run_add_totals(run) < 0 || voc_table_sort(t) < 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		cols[n++] = base[i];
	if (o->c.weight_col)
		cols[n++] = "n_eff";
	if (o->c.compare != VOC_COMPARE_NONE)
		for (size_t i = 0; i < 4; i++)
			cols[n++] = voc_compare_columns[i];
	if ((w = voc_run_writer(run, cols, n)) == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	return voc_run_rows(run, w, &ops, out_row, &u, err);
}

static const struct option own_options[] = {
	{"ci", required_argument, NULL, OPT_CI},
	{"resamples", required_argument, NULL, OPT_RESAMPLES},
	{"seed", required_argument, NULL, OPT_SEED},
	{NULL, 0, NULL, 0}
};

static const struct voc_prog prog = {
	.name = PROG,
	.synopsis = synopsis,
	.help = help_text,
	.options = own_options,
	.shortopts = "",
	.group_keyed = 1,
	.state = &nps_state,
	.state_size = state_size,
	.any_order = any_order,
	.option = option,
	.check = check,
	.prepare = prepare,
	.row = row_step,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.c.scores = 1;
	o.resamples = 2000;
	o.seed = 1;
	voc_stats_init();
	return voc_prog_main(&prog, &o, &o.c, argc, argv);
}
