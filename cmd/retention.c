/*
 * retention: cohort retention, churn and survival from activity or order
 * logs (one row per event: a customer id and a time), or from tables of
 * lifetimes or of active counts.
 *
 * The state of an event log is kept per customer: the first and last
 * event, the group value of the first event, and the set of periods the
 * customer was active in, as a bitset relative to the period of the
 * first event.  Its merge is min / max / OR (re-basing the bitset when
 * the first event moves earlier), so shards that split one customer's
 * events still give one pass's table, and memory grows with customers,
 * not events.  Every table (cohorts, churn, Kaplan-Meier, sBG) is
 * derived in the finish step from the merged states, once the end of
 * the data (the last event of anyone) is known.
 *
 * Lifetime tables (--duration, --event) are kept as counts per group,
 * time and status; count tables (--counts) as the active count per group
 * and period.  Both merge by addition.  The models are the library's
 * (include/voc/survival.h).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voc/cli.h"
#include "voc/key.h"
#include "voc/period.h"
#include "voc/prog.h"
#include "voc/stats.h"
#include "voc/survival.h"
#include "voc/text.h"
#include "voc/timeparse.h"
#include "voc/writer.h"

#define PROG "retention"
/* Group values up to this many encoded bytes live inside the state; a
 * longer one is malloc'ed (see struct cust). */
#define GINLINE 16

enum {
	OPT_ACTIVE = VOC_OPT_PROG,
	OPT_CHURN,
	OPT_CI_TYPE,
	OPT_CONF,
	OPT_COUNTS,
	OPT_DURATION,
	OPT_EVENT,
	OPT_FIT,
	OPT_FIT_PERIODS,
	OPT_HORIZON,
	OPT_INACTIVE,
	OPT_MODE,
	OPT_PERIOD,
	OPT_SUMMARY,
	OPT_SURVIVAL,
	OPT_WIDE
};

/* What the input rows are. */
enum kind {
	KIND_EVENTS = 0,	/* -u, -t: one row per event */
	KIND_DURATION,		/* --duration, --event: lifetimes */
	KIND_COUNTS		/* --counts: period, active */
};

/* What is written. */
enum report {
	REPORT_COHORTS = 0,
	REPORT_CHURN,
	REPORT_SURVIVAL,
	REPORT_SBG
};

struct opts {
	struct voc_common c;	/* with -u */
	enum kind kind;
	enum report report;
	int unbounded, wide, summary;
	const char *inactive_arg;
	long long inactive_n;
	char inactive_unit;	/* d, w, m, y */
	const char *duration_col, *event_col, *period_col, *active_col;
	enum voc_km_ci ci;
	double conf;
	long long horizon, fit_periods;	/* fit_periods -1: all */
	size_t ucol, dcol, ecol, pcol, acol;	/* resolved by prepare */
	const char *uname, *dname, *ename, *pname, *aname;
};

/*
 * A customer's state.  Offset k of the bitset is the period p0 + k,
 * where p0 is the period of the first event (so bit 0 is always set):
 * offsets 0-63 are the word w0, later ones the words more[0..nmore).
 * The group value is the encoded -g key parts of the first event (ties
 * between events at the same first instant go to the least value in the
 * key order, so the result does not depend on the order of rows):
 * inline when it is at most GINLINE bytes, which covers a short plan or
 * channel name, else malloc'ed.  An empty state has first = INT64_MAX.
 */
struct cust {
	int64_t first, last, p0;
	uint64_t w0;
	uint64_t *more;
	uint32_t nmore, glen;
	union {
		char in[GINLINE];
		char *p;
	} g;
};

/* The state of lifetime and count tables: rows (lifetimes) or the sum of
 * the active counts of a group's period. */
struct tally {
	long long n;
	double sum;
};

static size_t
state_size(const void *ctx)
{
	const struct opts *o = ctx;

	return o->kind == KIND_EVENTS ? sizeof(struct cust) :
	    sizeof(struct tally);
}

static const char synopsis[] =
    "-u COL -t COL [--by PERIOD] [-g COLS] [--mode classic | unbounded] "
    "[--wide]\n"
    "                 [--churn | --survival --inactive DURATION | "
    "--fit sbg] [OPTIONS] [FILE ...]\n"
    "       retention --survival --duration COL --event COL [-g COLS] "
    "[--summary] [FILE ...]\n"
    "       retention --fit sbg --counts [--period COL] [--active COL] "
    "[FILE ...]";

static const char help_text[] =
    "Cohort retention, churn and survival of customers in an event log.\n"
    "Cohorts are months of the first event unless --by says otherwise.\n\n"
    "  --mode classic|unbounded active in exactly period k, or in k or "
    "later\n"
    "  --wide                   one row per cohort, one column per offset\n"
    "  --churn                  per period: new, retained, reactivated, "
    "churned\n"
    "  --survival               Kaplan-Meier table of time to churn (days)"
    "\n"
    "  --inactive DURATION      churned after this long without an event "
    "(90d, 12w, 3m, 1y)\n"
    "  --duration COL, --event COL  lifetimes given directly (event 1 or 0)"
    "\n"
    "  --ci-type log|log-log|plain  Kaplan-Meier band (default log)\n"
    "  --conf LEVEL             confidence level (default 0.95)\n"
    "  --summary                one row per curve or fit: median, log-rank, "
    "parameters\n"
    "  --fit sbg                the shifted-beta-geometric model\n"
    "  --counts                 input rows are period, active counts\n"
    "  --period COL, --active COL  their columns (default the first two)\n"
    "  --fit-periods N          fit periods 0..N only\n"
    "  --horizon N              project to period N (default 12)\n";

/* ---- options ---- */

static int
parse_inactive(const char *s, struct opts *o, struct voc_error *err)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (end == s || errno != 0 || n <= 0 || n > 100000 ||
	    strchr("dwmy", *end) == NULL || *end == '\0' || end[1] != '\0')
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--inactive must be a number of days, weeks, months or "
		    "years such as 90d, 12w, 3m or 1y, not \"%s\"", s);
	o->inactive_n = n;
	o->inactive_unit = *end;
	o->inactive_arg = s;
	return 0;
}

static int
option(void *ctx, int ch, const char *arg, struct voc_error *err)
{
	struct opts *o = ctx;

	switch (ch) {
	case OPT_ACTIVE:
		o->active_col = arg;
		return 0;
	case OPT_CHURN:
		o->report = REPORT_CHURN;
		return 0;
	case OPT_CI_TYPE:
		if (strcmp(arg, "log") == 0)
			o->ci = VOC_KM_CI_LOG;
		else if (strcmp(arg, "log-log") == 0)
			o->ci = VOC_KM_CI_LOGLOG;
		else if (strcmp(arg, "plain") == 0)
			o->ci = VOC_KM_CI_PLAIN;
		else
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--ci-type must be log, log-log or plain, not "
			    "\"%s\"", arg);
		return 0;
	case OPT_CONF:
		return voc_cli_real(arg, 0, 1, "--conf", &o->conf, err);
	case OPT_COUNTS:
		o->kind = KIND_COUNTS;
		return 0;
	case OPT_DURATION:
		o->duration_col = arg;
		return 0;
	case OPT_EVENT:
		o->event_col = arg;
		return 0;
	case OPT_FIT:
		if (strcmp(arg, "sbg") != 0)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--fit takes sbg (the shifted-beta-geometric "
			    "model), not \"%s\"", arg);
		o->report = REPORT_SBG;
		return 0;
	case OPT_FIT_PERIODS:
		return voc_cli_integer(arg, 1, 100000, "--fit-periods",
		    &o->fit_periods, err);
	case OPT_HORIZON:
		return voc_cli_integer(arg, 0, 100000, "--horizon",
		    &o->horizon, err);
	case OPT_INACTIVE:
		return parse_inactive(arg, o, err);
	case OPT_MODE:
		if (strcmp(arg, "classic") == 0)
			o->unbounded = 0;
		else if (strcmp(arg, "unbounded") == 0)
			o->unbounded = 1;
		else
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--mode must be classic or unbounded, not \"%s\"",
			    arg);
		return 0;
	case OPT_PERIOD:
		o->period_col = arg;
		return 0;
	case OPT_SUMMARY:
		o->summary = 1;
		return 0;
	case OPT_SURVIVAL:
		o->report = REPORT_SURVIVAL;
		return 0;
	case OPT_WIDE:
		o->wide = 1;
		return 0;
	}
	return 0;
}

static int
usage_error(struct voc_error *err, const char *msg)
{
	return voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "%s", msg);
}

static int
check(void *ctx, struct voc_common *c, struct voc_error *err)
{
	struct opts *o = ctx;

	if ((o->duration_col != NULL) != (o->event_col != NULL))
		return usage_error(err, "--duration and --event go together: "
		    "a lifetime and whether it ended");
	if (o->duration_col != NULL) {
		if (o->kind == KIND_COUNTS)
			return usage_error(err, "--counts and --duration are "
			    "two kinds of input: give one");
		o->kind = KIND_DURATION;
		if (o->report != REPORT_SURVIVAL)
			return usage_error(err, "--duration and --event give "
			    "lifetimes for --survival");
	}
	if (o->kind == KIND_COUNTS && o->report != REPORT_SBG)
		return usage_error(err, "--counts gives active counts for "
		    "--fit sbg");
	if (o->kind != KIND_COUNTS && (o->period_col || o->active_col))
		return usage_error(err, "--period and --active name the "
		    "columns of --counts");
	if (c->weight_col != NULL)
		return usage_error(err, "retention counts customers: it takes "
		    "no weights (-w)");
	if (o->kind != KIND_EVENTS) {
		if (c->user_col != NULL)
			return usage_error(err, "-u is for event logs, not for "
			    "tables of lifetimes or counts");
		if (c->by != VOC_BY_NONE)
			return usage_error(err, "--by cuts event logs into "
			    "cohorts, not tables of lifetimes or counts");
		c->users = 0;
	} else {
		if (c->time_col == NULL)
			return usage_error(err, "an event log needs its "
			    "timestamp column: add -t COL");
		if (c->by == VOC_BY_NONE)
			c->by = VOC_BY_MONTH;
		if (o->report == REPORT_SURVIVAL && o->inactive_arg == NULL)
			return usage_error(err, "--survival of an event log "
			    "needs --inactive DURATION (such as 90d): how long "
			    "without an event makes a customer churned");
	}
	if (o->inactive_arg != NULL && (o->kind != KIND_EVENTS ||
	    o->report != REPORT_SURVIVAL))
		return usage_error(err, "--inactive is for --survival of an "
		    "event log");
	if (o->summary && o->report != REPORT_SURVIVAL &&
	    o->report != REPORT_SBG)
		return usage_error(err, "--summary is for --survival and "
		    "--fit sbg");
	if (o->wide && o->report != REPORT_COHORTS)
		return usage_error(err, "--wide is for cohort tables");
	return 0;
}

/* The options that shape the state; the report is chosen at the end, so
 * one set of states gives every table. */
static size_t
state_opts(const void *ctx, struct voc_prog_opt *p)
{
	static const char *const kinds[] = {"events", "duration", "counts"};
	const struct opts *o = ctx;
	const char *v[4] = {o->duration_col, o->event_col, o->period_col,
	    o->active_col};
	static const char *const names[4] = {"--duration", "--event",
	    "--period", "--active"};

	p[0].name = "input";
	snprintf(p[0].value, sizeof(p[0].value), "%s", kinds[o->kind]);
	for (int i = 0; i < 4; i++) {
		p[i + 1].name = names[i];
		snprintf(p[i + 1].value, sizeof(p[i + 1].value), "%s",
		    v[i] ? v[i] : "");
	}
	return 5;
}

static int
prepare(void *ctx, const struct voc_input *in, struct voc_error *err)
{
	struct opts *o = ctx;

	switch (o->kind) {
	case KIND_EVENTS:
		if (voc_input_column(in, o->c.user_col, &o->ucol, err) < 0)
			return -1;
		o->uname = voc_input_colname(in, o->ucol);
		break;
	case KIND_DURATION:
		if (voc_input_column(in, o->duration_col, &o->dcol, err) < 0 ||
		    voc_input_column(in, o->event_col, &o->ecol, err) < 0)
			return -1;
		o->dname = voc_input_colname(in, o->dcol);
		o->ename = voc_input_colname(in, o->ecol);
		break;
	case KIND_COUNTS:
		if (voc_input_column(in, o->period_col ? o->period_col : "1",
		    &o->pcol, err) < 0 || voc_input_column(in,
		    o->active_col ? o->active_col : "2", &o->acol, err) < 0)
			return -1;
		o->pname = voc_input_colname(in, o->pcol);
		o->aname = voc_input_colname(in, o->acol);
		break;
	}
	return 0;
}

/* ---- the customer state ---- */

static int
oom(struct voc_error *err)
{
	return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
}

static const char *
cust_group(const struct cust *s)
{
	return s->glen <= GINLINE ? s->g.in : s->g.p;
}

static int
cust_set_group(struct cust *s, const char *g, size_t len)
{
	char *p = NULL;

	if (len > UINT32_MAX)
		return -1;
	if (len > GINLINE) {
		if ((p = malloc(len)) == NULL)
			return -1;
		memcpy(p, g, len);
	}
	if (s->glen > GINLINE)
		free(s->g.p);
	if (p != NULL)
		s->g.p = p;
	else if (len > 0)
		memcpy(s->g.in, g, len);
	s->glen = (uint32_t)len;
	return 0;
}

static void
cust_init(void *st, const void *cfg)
{
	const struct opts *o = cfg;
	struct cust *s = st;

	if (o->kind != KIND_EVENTS)
		return;
	s->first = INT64_MAX;
	s->last = INT64_MIN;
}

static void
cust_fini(void *st, const void *cfg)
{
	const struct opts *o = cfg;
	struct cust *s = st;

	if (o->kind != KIND_EVENTS)
		return;
	free(s->more);
	if (s->glen > GINLINE)
		free(s->g.p);
}

static uint64_t
cust_word(const struct cust *s, size_t i)
{
	return i == 0 ? s->w0 : i - 1 < s->nmore ? s->more[i - 1] : 0;
}

static int
cust_bit(const struct cust *s, int64_t k)
{
	return k >= 0 && (cust_word(s, (size_t)(k / 64)) >> (k % 64) & 1);
}

/* Makes room for nwords words (w0 and more); 0 or -1. */
static int
cust_grow(struct cust *s, size_t nwords)
{
	uint64_t *m;

	if (nwords - 1 <= s->nmore)
		return 0;
	if (nwords > UINT32_MAX ||
	    (m = realloc(s->more, (nwords - 1) * sizeof(*m))) == NULL)
		return -1;
	memset(m + s->nmore, 0, (nwords - 1 - s->nmore) * sizeof(*m));
	s->more = m;
	s->nmore = (uint32_t)(nwords - 1);
	return 0;
}

/* ORs the words src[0..n) shifted up by d bits into s; 0 or -1. */
static int
cust_or(struct cust *s, const uint64_t *src, size_t n, int64_t d)
{
	size_t ws = (size_t)(d / 64), bs = (size_t)(d % 64), need = 1;

	/* Only the words that receive a bit are made: most customers live
	 * in w0 and own no memory. */
	for (size_t i = 0; i < n; i++)
		if (src[i] != 0 && need < i + ws + 1 + (bs != 0 &&
		    (src[i] >> (64 - bs)) != 0))
			need = i + ws + 1 + (bs != 0 &&
			    (src[i] >> (64 - bs)) != 0);
	if (cust_grow(s, need) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint64_t v = src[i];
		size_t j = i + ws;

		if (v == 0)
			continue;
		if (j == 0)
			s->w0 |= v << bs;
		else
			s->more[j - 1] |= v << bs;
		if (bs != 0 && (v >> (64 - bs)) != 0)
			s->more[j] |= v >> (64 - bs);
	}
	return 0;
}

/* All the words of s, w0 first, in a new array of *n; NULL when out of
 * memory. */
static uint64_t *
cust_words(const struct cust *s, size_t *n)
{
	uint64_t *w = malloc((1 + (size_t)s->nmore) * sizeof(*w));

	if (w == NULL)
		return NULL;
	w[0] = s->w0;
	if (s->nmore)
		memcpy(w + 1, s->more, s->nmore * sizeof(*w));
	*n = 1 + s->nmore;
	return w;
}

/* Moves the bitset's epoch back to period p (< s->p0); 0 or -1. */
static int
cust_rebase(struct cust *s, int64_t p)
{
	size_t n;
	uint64_t *w = cust_words(s, &n);

	if (w == NULL)
		return -1;
	s->w0 = 0;
	if (s->nmore)
		memset(s->more, 0, s->nmore * sizeof(*s->more));
	int rc = cust_or(s, w, n, s->p0 - p);
	free(w);
	s->p0 = p;
	return rc;
}

/*
 * Takes the first event's group value g when the event at t comes
 * before the state's first, or at the same instant with a smaller value.
 */
static int
cust_first(struct cust *s, int64_t t, const char *g, size_t glen)
{
	if (t < s->first || (t == s->first && voc_key_cmp(g, glen,
	    cust_group(s), s->glen) < 0))
		return cust_set_group(s, g, glen);
	return 0;
}

/* Adds an event at t in period p with group value g; 0 or -1. */
static int
cust_add(struct cust *s, int64_t t, int64_t p, const char *g, size_t glen)
{
	uint64_t one = 1;

	if (s->first == INT64_MAX) {
		if (cust_set_group(s, g, glen) < 0)
			return -1;
		s->first = s->last = t;
		s->p0 = p;
		s->w0 = 1;
		return 0;
	}
	if (cust_first(s, t, g, glen) < 0 ||
	    (p < s->p0 && cust_rebase(s, p) < 0))
		return -1;
	if (t < s->first)
		s->first = t;
	if (t > s->last)
		s->last = t;
	return cust_or(s, &one, 1, p - s->p0);
}

static int
state_merge(void *dst, const void *src, const void *cfg)
{
	const struct opts *o = cfg;

	if (o->kind != KIND_EVENTS) {
		struct tally *a = dst;
		const struct tally *b = src;

		a->n += b->n;
		a->sum += b->sum;
		return 0;
	}
	struct cust *a = dst;
	const struct cust *b = src;
	size_t n;
	uint64_t *w;

	if (b->first == INT64_MAX)
		return 0;
	if (a->first == INT64_MAX) {
		a->first = b->first;
		a->p0 = b->p0;
		if (cust_set_group(a, cust_group(b), b->glen) < 0)
			return -1;
	} else if (cust_first(a, b->first, cust_group(b), b->glen) < 0 ||
	    (b->p0 < a->p0 && cust_rebase(a, b->p0) < 0))
		return -1;
	if (b->first < a->first)
		a->first = b->first;
	if (b->last > a->last)
		a->last = b->last;
	if ((w = cust_words(b, &n)) == NULL)
		return -1;
	int rc = cust_or(a, w, n, b->p0 - a->p0);
	free(w);
	return rc;
}

/* The number of words up to the last that is not zero. */
static size_t
cust_nwords(const struct cust *s)
{
	size_t n = 1 + s->nmore;

	while (n > 1 && s->more[n - 2] == 0)
		n--;
	return n;
}

/* The highest active offset. */
static int64_t
cust_top(const struct cust *s)
{
	size_t n = cust_nwords(s);
	uint64_t v = cust_word(s, n - 1);
	int b = 63;

	while (b > 0 && !(v >> b & 1))
		b--;
	return (int64_t)(n - 1) * 64 + b;
}

/* Saved as first, last, p0, the number of group values and each of
 * them, then the bitset's words up
 * to the last that is not zero (as signed 64-bit integers), so the form
 * is canonical. */
static int
state_save(const void *st, struct voc_enc *e, const void *cfg)
{
	const struct opts *o = cfg;

	if (o->kind != KIND_EVENTS) {
		const struct tally *a = st;

		return voc_enc_int(e, a->n) | voc_enc_num(e, a->sum) ? -1 : 0;
	}
	const struct cust *s = st;
	size_t n = cust_nwords(s), pos = 0;
	struct voc_key_part p;
	int rc = voc_enc_int(e, s->first) | voc_enc_int(e, s->last) |
	    voc_enc_int(e, s->p0) | voc_enc_int(e,
	    (long long)voc_key_count(cust_group(s), s->glen));

	while (voc_key_next(cust_group(s), s->glen, &pos, &p))
		rc |= voc_enc_str(e, p.s, p.len);
	for (size_t i = 0; i < n; i++)
		rc |= voc_enc_int(e, (long long)cust_word(s, i));
	return rc ? -1 : 0;
}

static int
state_load(void *st, struct voc_dec *d, const void *cfg,
    struct voc_error *err)
{
	const struct opts *o = cfg;

	if (o->kind != KIND_EVENTS) {
		struct tally *a = st;

		if (voc_dec_int(d, &a->n, err) < 0 ||
		    voc_dec_num(d, &a->sum, err) < 0)
			return -1;
		if (a->n < 0 || !isfinite(a->sum) || a->sum < 0)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "a count in the state is negative");
		return 0;
	}
	struct cust *s = st;
	long long first, last, p0, nparts, v;
	const char *g;
	size_t glen, n;
	struct voc_key k = {NULL, 0, 0};

	if (voc_dec_int(d, &first, err) < 0 || voc_dec_int(d, &last, err) < 0 ||
	    voc_dec_int(d, &p0, err) < 0 || voc_dec_int(d, &nparts, err) < 0)
		return -1;
	if (nparts < 0 || (size_t)nparts >= voc_dec_left(d))
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "a customer's state is not what --state-out writes");
	for (long long i = 0; i < nparts; i++) {
		if (voc_dec_str(d, &g, &glen, err) < 0) {
			voc_key_free(&k);
			return -1;
		}
		if (voc_key_text(&k, g, glen) < 0) {
			voc_key_free(&k);
			return oom(err);
		}
	}
	if ((n = voc_dec_left(d)) == 0 || first > last || first == INT64_MAX) {
		voc_key_free(&k);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "a customer's state is not what --state-out writes");
	}
	if (cust_set_group(s, k.buf ? k.buf : "", k.len) < 0 ||
	    cust_grow(s, n) < 0) {
		voc_key_free(&k);
		return oom(err);
	}
	voc_key_free(&k);
	s->first = first;
	s->last = last;
	s->p0 = p0;
	for (size_t i = 0; i < n; i++) {
		if (voc_dec_int(d, &v, err) < 0)
			return -1;
		if (i == 0)
			s->w0 = (uint64_t)v;
		else
			s->more[i - 1] = (uint64_t)v;
	}
	if (!(s->w0 & 1))
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "a customer's state has no first period");
	return 0;
}

static const struct voc_state_ops retention_state = {
	"retention", 1, cust_init, state_merge, cust_fini, state_save,
	state_load, NULL
};

/* ---- the row step ---- */

/* Reads a trimmed field as a finite number; 0 or -1. */
static int
field_number(const char *s, size_t len, double *v)
{
	char buf[64], *end;

	voc_text_trim(&s, &len);
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtod(buf, &end);
	return *end != '\0' || errno != 0 || !isfinite(*v) ? -1 : 0;
}

static int
row_events(const struct opts *o, struct voc_run *run,
    const struct voc_record *rec, struct voc_error *err)
{
	const struct voc_row *row = rec->row;
	const char *id = row->field[o->ucol];
	size_t len = row->len[o->ucol];
	char small[256];
	struct voc_key big = {NULL, 0, 0};
	const char *key = small;
	size_t keylen;
	struct cust *s;

	voc_text_trim(&id, &len);
	if (len == 0)
		return voc_run_skip(run, row, err, "column \"%s\": empty "
		    "customer id", o->uname);
	/* The key of a customer is its id as one text part (key.h); built
	 * here without the heap for the usual short id. */
	if (len + 5 <= sizeof(small)) {
		small[0] = 0x01;
		small[1] = (char)(len >> 24 & 0xff);
		small[2] = (char)(len >> 16 & 0xff);
		small[3] = (char)(len >> 8 & 0xff);
		small[4] = (char)(len & 0xff);
		memcpy(small + 5, id, len);
		keylen = len + 5;
	} else {
		if (voc_key_text(&big, id, len) < 0)
			return oom(err);
		key = big.buf;
		keylen = big.len;
	}
	s = voc_run_state(run, key, keylen);
	voc_key_free(&big);
	/* The record's key is the -g values then the period (9 bytes). */
	if (s == NULL || cust_add(s, rec->time, rec->period, rec->key,
	    rec->keylen - 9) < 0)
		return oom(err);
	return 0;
}

static int
row_duration(const struct opts *o, struct voc_run *run,
    const struct voc_record *rec, struct voc_error *err)
{
	const struct voc_row *row = rec->row;
	const char *es = row->field[o->ecol];
	size_t elen = row->len[o->ecol];
	double t;
	int ev;
	char buf[40];
	struct voc_key k = {NULL, 0, 0};
	struct tally *a;

	if (field_number(row->field[o->dcol], row->len[o->dcol], &t) < 0 ||
	    t < 0)
		return voc_run_skip(run, row, err, "column \"%s\": \"%s\" is "
		    "not a duration (a number >= 0)", o->dname,
		    row->field[o->dcol]);
	voc_text_trim(&es, &elen);
	if ((elen == 1 && es[0] == '1') || (elen == 4 &&
	    strncasecmp(es, "true", 4) == 0))
		ev = 1;
	else if ((elen == 1 && es[0] == '0') || (elen == 5 &&
	    strncasecmp(es, "false", 5) == 0))
		ev = 0;
	else
		return voc_run_skip(run, row, err, "column \"%s\": \"%s\" is "
		    "not an event status (1 ended, 0 censored)", o->ename,
		    row->field[o->ecol]);
	snprintf(buf, sizeof(buf), "%.17g", t + 0.0);
	if (voc_key_bytes(&k, rec->key, rec->keylen) < 0 ||
	    voc_key_text(&k, buf, strlen(buf)) < 0 || voc_key_int(&k, ev) < 0 ||
	    (a = voc_run_state(run, k.buf, k.len)) == NULL) {
		voc_key_free(&k);
		return oom(err);
	}
	voc_key_free(&k);
	a->n++;
	a->sum += 1;
	return 0;
}

static int
row_counts(const struct opts *o, struct voc_run *run,
    const struct voc_record *rec, struct voc_error *err)
{
	const struct voc_row *row = rec->row;
	double p, v;
	struct voc_key k = {NULL, 0, 0};
	struct tally *a;

	if (field_number(row->field[o->pcol], row->len[o->pcol], &p) < 0 ||
	    p < 0 || p > 100000 || p != floor(p))
		return voc_run_skip(run, row, err, "column \"%s\": \"%s\" is "
		    "not a period (a whole number >= 0)", o->pname,
		    row->field[o->pcol]);
	if (field_number(row->field[o->acol], row->len[o->acol], &v) < 0 ||
	    v < 0)
		return voc_run_skip(run, row, err, "column \"%s\": \"%s\" is "
		    "not a count (a number >= 0)", o->aname,
		    row->field[o->acol]);
	if (voc_key_bytes(&k, rec->key, rec->keylen) < 0 ||
	    voc_key_int(&k, (int64_t)p) < 0 ||
	    (a = voc_run_state(run, k.buf, k.len)) == NULL) {
		voc_key_free(&k);
		return oom(err);
	}
	voc_key_free(&k);
	a->n++;
	a->sum += v;
	return 0;
}

static int
row_step(const void *ctx, struct voc_run *run, const struct voc_record *rec,
    struct voc_error *err)
{
	const struct opts *o = ctx;

	switch (o->kind) {
	case KIND_EVENTS:
		return row_events(o, run, rec, err);
	case KIND_DURATION:
		return row_duration(o, run, rec, err);
	case KIND_COUNTS:
		return row_counts(o, run, rec, err);
	}
	return 0;
}

/* ---- the finish step: shared pieces ---- */

/* Writes the text parts of an encoded group key as cells. */
static void
write_group(struct voc_writer *w, const char *g, size_t glen)
{
	struct voc_key_part p;
	size_t pos = 0;

	while (voc_key_next(g, glen, &pos, &p)) {
		char *s = malloc(p.len + 1);

		if (s != NULL) {
			memcpy(s, p.s, p.len);
			s[p.len] = '\0';
		}
		voc_writer_str(w, s ? s : "");
		free(s);
	}
}

/* A writer for the -g columns followed by names[0..n); NULL when out
 * of memory. */
static struct voc_writer *
open_writer(const struct opts *o, struct voc_run *run, size_t ngroups,
    const char *const *names, size_t n)
{
	const char **all = calloc(ngroups + n + 1, sizeof(*all));
	struct voc_writer *w;

	if (all == NULL)
		return NULL;
	for (size_t i = 0; i < ngroups; i++)
		all[i] = voc_run_key_name(run, i);
	for (size_t i = 0; i < n; i++)
		all[ngroups + i] = names[i];
	w = voc_writer_open_shaped(stdout, o->c.out, o->c.precision,
	    &o->c.shape, all,
	    ngroups + n);
	free(all);
	return w;
}

static size_t
ngroups_of(const struct opts *o, struct voc_run *run)
{
	size_t n = voc_run_nkeys(run);

	return o->kind == KIND_EVENTS && n > 0 ? n - 1 : n;
}

/* One curve or fit's observations, grouped. */
struct span {
	const char *g;
	size_t glen;
	size_t start, end;	/* [start, end) of the sorted array */
};

static int
nodata(struct voc_error *err)
{
	return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
	    "no row could be counted");
}

/* ---- the finish step of event logs ---- */

static int
cmp_cust(const void *pa, const void *pb)
{
	const struct cust *a = *(const struct cust *const *)pa;
	const struct cust *b = *(const struct cust *const *)pb;
	int c = voc_key_cmp(cust_group(a), a->glen, cust_group(b), b->glen);

	if (c != 0)
		return c;
	return (a->p0 > b->p0) - (a->p0 < b->p0);
}

struct events {
	struct cust **v;
	size_t n;
	int64_t end, endp, minp;	/* the last event, its period */
	struct span *spans;		/* one per group */
	size_t nspans;
};

static void
events_free(struct events *ev)
{
	free(ev->v);
	free(ev->spans);
}

static int
same_group(const struct cust *a, const struct cust *b)
{
	return a->glen == b->glen && memcmp(cust_group(a), cust_group(b),
	    a->glen) == 0;
}

/* Gathers the customers sorted by group and cohort, and the end of the
 * data. */
static int
events_gather(const struct opts *o, struct voc_run *run, struct events *ev,
    struct voc_error *err)
{
	struct voc_table *t = voc_run_table(run);
	struct voc_tz *tz;

	memset(ev, 0, sizeof(*ev));
	ev->n = voc_table_count(t);
	if (ev->n == 0)
		return nodata(err);
	if ((ev->v = malloc(ev->n * sizeof(*ev->v))) == NULL ||
	    (ev->spans = malloc(ev->n * sizeof(*ev->spans))) == NULL)
		return oom(err);
	ev->end = INT64_MIN;
	ev->minp = INT64_MAX;
	for (size_t i = 0; i < ev->n; i++) {
		struct voc_entry e;

		voc_table_at(t, i, &e);
		ev->v[i] = e.st;
		if (ev->v[i]->last > ev->end)
			ev->end = ev->v[i]->last;
		if (ev->v[i]->p0 < ev->minp)
			ev->minp = ev->v[i]->p0;
	}
	qsort(ev->v, ev->n, sizeof(*ev->v), cmp_cust);
	for (size_t i = 0; i < ev->n; i++) {
		if (i > 0 && same_group(ev->v[i], ev->v[i - 1])) {
			ev->spans[ev->nspans - 1].end = i + 1;
			continue;
		}
		ev->spans[ev->nspans].g = cust_group(ev->v[i]);
		ev->spans[ev->nspans].glen = ev->v[i]->glen;
		ev->spans[ev->nspans].start = i;
		ev->spans[ev->nspans++].end = i + 1;
	}
	if ((tz = voc_tz_load(o->c.tz, err)) == NULL)
		return -1;
	ev->endp = voc_period_index(o->c.by, tz, ev->end);
	voc_tz_free(tz);
	return 0;
}

/*
 * The cohort table of customers v[start, end) (one group and cohort):
 * active[k] for offsets 0..K, K = endp - cohort, in the classic or the
 * unbounded sense.  Returns a calloc'ed array of K + 1, or NULL.
 */
static long long *
cohort_counts(const struct events *ev, size_t start, size_t end,
    int unbounded, int64_t *K)
{
	int64_t cohort = ev->v[start]->p0;
	long long *a;

	*K = ev->endp - cohort;
	if ((a = calloc((size_t)*K + 2, sizeof(*a))) == NULL)
		return NULL;
	for (size_t i = start; i < end; i++) {
		const struct cust *s = ev->v[i];
		int64_t top = cust_top(s);

		if (top > *K)
			top = *K;	/* cannot happen: last <= end */
		if (unbounded) {
			a[top]++;	/* summed from the top below */
			continue;
		}
		for (size_t w = 0; w < cust_nwords(s); w++) {
			uint64_t v = cust_word(s, w);

			while (v != 0) {
				int b = __builtin_ctzll(v);
				int64_t k = (int64_t)w * 64 + b;

				if (k <= *K)
					a[k]++;
				v &= v - 1;
			}
		}
	}
	if (unbounded)
		for (int64_t k = *K - 1; k >= 0; k--)
			a[k] += a[k + 1];
	return a;
}

static int
report_cohorts(const struct opts *o, struct voc_run *run, struct events *ev,
    struct voc_error *err)
{
	static const char *const lnames[] = {"cohort", "cohort_size", "offset",
	    "active", "retention_pct"};
	int64_t kmax = ev->endp - ev->minp;
	size_t ng = ngroups_of(o, run), ncols;
	const char **names;
	char (*labels)[24] = NULL, buf[32];
	struct voc_writer *w;

	if (o->wide) {
		if (kmax > 100000)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "%lld offsets are too many columns for --wide",
			    (long long)kmax + 1);
		ncols = 2 + (size_t)kmax + 1;
		names = calloc(ncols, sizeof(*names));
		labels = calloc((size_t)kmax + 1, sizeof(*labels));
		if (names == NULL || labels == NULL) {
			free(names);
			free(labels);
			return oom(err);
		}
		names[0] = "cohort";
		names[1] = "cohort_size";
		for (int64_t k = 0; k <= kmax; k++) {
			snprintf(labels[k], sizeof(labels[k]), "%lld",
			    (long long)k);
			names[2 + k] = labels[k];
		}
	} else {
		ncols = 5;
		names = malloc(sizeof(lnames));
		if (names == NULL)
			return oom(err);
		memcpy(names, lnames, sizeof(lnames));
	}
	w = open_writer(o, run, ng, names, ncols);
	free(names);
	if (w == NULL) {
		free(labels);
		return oom(err);
	}
	for (size_t i = 0; i < ev->n;) {
		size_t j = i + 1;
		int64_t K;
		long long *a, size;

		while (j < ev->n && same_group(ev->v[j], ev->v[i]) &&
		    ev->v[j]->p0 == ev->v[i]->p0)
			j++;
		if ((a = cohort_counts(ev, i, j, o->unbounded, &K)) == NULL) {
			voc_writer_close(w, 0, NULL);
			free(labels);
			return oom(err);
		}
		size = (long long)(j - i);
		voc_period_label(o->c.by, ev->v[i]->p0, buf, sizeof(buf));
		if (o->wide) {
			write_group(w, cust_group(ev->v[i]), ev->v[i]->glen);
			voc_writer_str(w, buf);
			voc_writer_int(w, size);
		}
		for (int64_t k = 0; k <= kmax; k++) {
			if (!o->wide) {
				write_group(w, cust_group(ev->v[i]),
				    ev->v[i]->glen);
				voc_writer_str(w, buf);
				voc_writer_int(w, size);
				voc_writer_int(w, k);
				if (k <= K)
					voc_writer_int(w, a[k]);
				else
					voc_writer_null(w);
			}
			voc_writer_num(w, k <= K ? 100.0 * (double)a[k] /
			    (double)size : NAN);
		}
		free(a);
		i = j;
	}
	free(labels);
	return voc_writer_close(w, 0, err);
}

static int
report_churn(const struct opts *o, struct voc_run *run, struct events *ev,
    struct voc_error *err)
{
	static const char *const names[] = {"period", "active", "new",
	    "retained", "reactivated", "churned", "churn_pct"};
	struct voc_writer *w = open_writer(o, run, ngroups_of(o, run), names,
	    7);
	char buf[32];

	if (w == NULL)
		return oom(err);
	for (size_t g = 0; g < ev->nspans; g++) {
		const struct span *sp = &ev->spans[g];
		int64_t p0 = ev->v[sp->start]->p0, L = ev->endp - p0 + 1;
		/* act, new, ret, react, churned per period of the group */
		long long *c = calloc((size_t)L * 5, sizeof(*c));

		if (c == NULL) {
			voc_writer_close(w, 0, NULL);
			return oom(err);
		}
		for (size_t i = sp->start; i < sp->end; i++) {
			const struct cust *s = ev->v[i];
			int64_t top = cust_top(s), base = s->p0 - p0;

			for (int64_t k = 0; k <= top; k++) {
				if (!cust_bit(s, k))
					continue;
				int64_t p = base + k;
				c[p * 5]++;
				if (k == 0)
					c[p * 5 + 1]++;
				else if (cust_bit(s, k - 1))
					c[p * 5 + 2]++;
				else
					c[p * 5 + 3]++;
				if (p + 1 < L && !cust_bit(s, k + 1))
					c[(p + 1) * 5 + 4]++;
			}
		}
		for (int64_t p = 0; p < L; p++) {
			long long prev = p > 0 ? c[(p - 1) * 5] : 0;

			write_group(w, sp->g, sp->glen);
			voc_period_label(o->c.by, p0 + p, buf, sizeof(buf));
			voc_writer_str(w, buf);
			for (int k = 0; k < 5; k++)
				voc_writer_int(w, c[p * 5 + k]);
			voc_writer_num(w, prev > 0 ? 100.0 *
			    (double)c[p * 5 + 4] / (double)prev : NAN);
		}
		free(c);
	}
	return voc_writer_close(w, 0, err);
}

/* t plus the --inactive span: calendar months and years are added to the
 * UTC date (the 31st plus a month is the last day of the next month). */
static int64_t
plus_inactive(const struct opts *o, int64_t t)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400, y;
	int m, d;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31};

	switch (o->inactive_unit) {
	case 'd':
		return t + o->inactive_n * 86400;
	case 'w':
		return t + o->inactive_n * 7 * 86400;
	}
	voc_civil_from_days(days, &y, &m, &d);
	int64_t months = (o->inactive_unit == 'y' ? 12 : 1) * o->inactive_n;
	int64_t mi = y * 12 + (m - 1) + months;
	y = mi >= 0 ? mi / 12 : -((-mi + 11) / 12);
	m = (int)(mi - y * 12) + 1;
	int ml = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0));
	if (d > ml)
		d = ml;
	return voc_days_from_civil(y, m, d) * 86400 + secs;
}

/* ---- survival (both kinds of input) ---- */

struct lifetimes {
	double *time;
	int *event;
	size_t *group;
	size_t n;
	struct span *spans;
	size_t nspans;
};

static void
lifetimes_free(struct lifetimes *lt)
{
	free(lt->time);
	free(lt->event);
	free(lt->group);
	free(lt->spans);
}

static int
lifetimes_alloc(struct lifetimes *lt, size_t n, size_t nspans)
{
	lt->time = malloc((n ? n : 1) * sizeof(double));
	lt->event = malloc((n ? n : 1) * sizeof(int));
	lt->group = malloc((n ? n : 1) * sizeof(size_t));
	lt->spans = malloc((nspans ? nspans : 1) * sizeof(struct span));
	return lt->time && lt->event && lt->group && lt->spans ? 0 : -1;
}

/* Lifetimes of customers in days from their first to their last event;
 * an event when no event came within --inactive of the last one before
 * the end of the data. */
static int
lifetimes_events(const struct opts *o, const struct events *ev,
    struct lifetimes *lt)
{
	if (lifetimes_alloc(lt, ev->n, ev->nspans) < 0)
		return -1;
	lt->n = ev->n;
	lt->nspans = ev->nspans;
	memcpy(lt->spans, ev->spans, ev->nspans * sizeof(*ev->spans));
	for (size_t g = 0; g < ev->nspans; g++)
		for (size_t i = ev->spans[g].start; i < ev->spans[g].end; i++) {
			const struct cust *s = ev->v[i];

			lt->time[i] = (double)((s->last - s->first) / 86400);
			lt->event[i] = plus_inactive(o, s->last) <= ev->end;
			lt->group[i] = g;
		}
	return 0;
}

/* Lifetimes of a --duration table: its keys are the groups, the time as
 * text and the status. */
static int
lifetimes_table(struct voc_run *run, size_t ngroups, struct lifetimes *lt,
    struct voc_error *err)
{
	struct voc_table *t = voc_run_table(run);
	size_t n = 0, k = 0;

	if (voc_table_sort(t) < 0)
		return oom(err);
	for (size_t i = 0; i < voc_table_count(t); i++) {
		struct voc_entry e;

		voc_table_at(t, i, &e);
		n += (size_t)((const struct tally *)e.st)->n;
	}
	if (n == 0)
		return nodata(err);
	if (lifetimes_alloc(lt, n, voc_table_count(t)) < 0)
		return oom(err);
	for (size_t i = 0; i < voc_table_count(t); i++) {
		struct voc_entry e;
		struct voc_key_part p;
		size_t pos = 0, glen;
		double time = 0;
		long long ev = 0;

		voc_table_at(t, i, &e);
		for (size_t j = 0; j < ngroups; j++)
			voc_key_next(e.key, e.keylen, &pos, &p);
		glen = pos;
		if (voc_key_next(e.key, e.keylen, &pos, &p) && !p.is_int)
			voc_key_number(p.s, p.len, &time);
		if (voc_key_next(e.key, e.keylen, &pos, &p) && p.is_int)
			ev = p.v;
		if (lt->nspans == 0 || lt->spans[lt->nspans - 1].glen != glen ||
		    memcmp(lt->spans[lt->nspans - 1].g, e.key, glen) != 0) {
			lt->spans[lt->nspans].g = e.key;
			lt->spans[lt->nspans].glen = glen;
			lt->spans[lt->nspans].start = k;
			lt->spans[lt->nspans++].end = k;
		}
		for (long long r = 0; r < ((const struct tally *)e.st)->n;
		    r++) {
			lt->time[k] = time;
			lt->event[k] = ev != 0;
			lt->group[k++] = lt->nspans - 1;
		}
		lt->spans[lt->nspans - 1].end = k;
	}
	lt->n = k;
	return 0;
}

static int
report_survival(const struct opts *o, struct voc_run *run,
    struct lifetimes *lt, struct voc_error *err)
{
	static const char *const knames[] = {"time", "n_risk", "n_event",
	    "n_censor", "survival", "std_err", "ci_low", "ci_high"};
	static const char *const snames[] = {"n", "n_event", "median",
	    "median_low", "median_high", "observed", "expected", "chisq",
	    "df", "p_value"};
	size_t ng = ngroups_of(o, run);
	int logrank = ng > 0;
	struct voc_logrank lr;
	double *obs = NULL, *expd = NULL;
	struct voc_writer *w;
	int have_lr = 0;

	if (o->summary && logrank && lt->nspans >= 2) {
		obs = calloc(lt->nspans, sizeof(*obs));
		expd = calloc(lt->nspans, sizeof(*expd));
		if (obs == NULL || expd == NULL) {
			free(obs);
			free(expd);
			return oom(err);
		}
		/* Fewer than two groups at risk: no test, empty cells. */
		have_lr = voc_logrank_test(lt->time, lt->event, lt->group,
		    lt->n, lt->nspans, obs, expd, &lr, NULL) == 0;
	}
	if (o->summary)
		w = open_writer(o, run, ng, snames, logrank ? 10 : 5);
	else
		w = open_writer(o, run, ng, knames, 8);
	if (w == NULL) {
		free(obs);
		free(expd);
		return oom(err);
	}
	for (size_t g = 0; g < lt->nspans; g++) {
		const struct span *sp = &lt->spans[g];
		struct voc_km_row *rows;
		size_t nrows, nev = 0;
		double med, lo, hi;

		if (voc_km_fit(lt->time + sp->start, lt->event + sp->start,
		    NULL, sp->end - sp->start, o->ci, o->conf, &rows, &nrows,
		    err) < 0) {
			voc_writer_close(w, 0, NULL);
			free(obs);
			free(expd);
			return -1;
		}
		if (!o->summary) {
			for (size_t i = 0; i < nrows; i++) {
				write_group(w, sp->g, sp->glen);
				voc_writer_num(w, rows[i].time);
				voc_writer_num(w, rows[i].n_risk);
				voc_writer_num(w, rows[i].n_event);
				voc_writer_num(w, rows[i].n_censor);
				voc_writer_num(w, rows[i].surv);
				voc_writer_num(w, rows[i].std_err);
				voc_writer_num(w, rows[i].lo);
				voc_writer_num(w, rows[i].hi);
			}
			free(rows);
			continue;
		}
		for (size_t i = sp->start; i < sp->end; i++)
			nev += (size_t)lt->event[i];
		voc_km_median(rows, nrows, &med, &lo, &hi);
		free(rows);
		write_group(w, sp->g, sp->glen);
		voc_writer_int(w, (long long)(sp->end - sp->start));
		voc_writer_int(w, (long long)nev);
		voc_writer_num(w, med);
		voc_writer_num(w, lo);
		voc_writer_num(w, hi);
		if (!logrank)
			continue;
		voc_writer_num(w, have_lr ? obs[g] : NAN);
		voc_writer_num(w, have_lr ? expd[g] : NAN);
		voc_writer_num(w, have_lr ? lr.chisq : NAN);
		if (have_lr)
			voc_writer_int(w, lr.df);
		else
			voc_writer_null(w);
		voc_writer_pvalue(w, have_lr ? lr.p : NAN);
	}
	free(obs);
	free(expd);
	return voc_writer_close(w, 0, err);
}

/* ---- the sBG fit (both kinds of input) ---- */

/* The cohorts of one fit: surv[c][0..len[c]), as voc_sbg_fit takes. */
struct cohorts {
	double **surv;
	size_t *len;
	size_t n;
};

static void
cohorts_free(struct cohorts *ch)
{
	for (size_t i = 0; i < ch->n; i++)
		free(ch->surv[i]);
	free(ch->surv);
	free(ch->len);
	memset(ch, 0, sizeof(*ch));
}

static int
cohorts_add(struct cohorts *ch, double *surv, size_t len)
{
	double **s = realloc(ch->surv, (ch->n + 1) * sizeof(*s));
	size_t *l;

	if (s == NULL)
		return -1;
	ch->surv = s;
	if ((l = realloc(ch->len, (ch->n + 1) * sizeof(*l))) == NULL)
		return -1;
	ch->len = l;
	ch->surv[ch->n] = surv;
	ch->len[ch->n++] = len;
	return 0;
}

/* A count: whole numbers as integers, whatever --precision says. */
static void
write_count(struct voc_writer *w, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		voc_writer_int(w, (long long)v);
	else
		voc_writer_num(w, v);
}

/* Writes the fit of one group, or its projection to --horizon. */
static void
write_fit(const struct opts *o, struct voc_writer *w, const struct span *sp,
    const struct cohorts *ch, const struct voc_sbg *m)
{
	if (o->summary) {
		write_group(w, sp->g, sp->glen);
		write_count(w, m->n);
		voc_writer_int(w, (long long)m->periods);
		voc_writer_num(w, m->alpha);
		voc_writer_num(w, m->beta);
		voc_writer_num(w, m->se_alpha);
		voc_writer_num(w, m->se_beta);
		voc_writer_num(w, m->loglik);
		return;
	}
	for (long long t = 0; t <= o->horizon; t++) {
		double act = 0, size = 0;
		int seen = 0;

		/* What was seen: every cohort observed at t, pooled. */
		for (size_t c = 0; c < ch->n; c++)
			if ((size_t)t < ch->len[c]) {
				act += ch->surv[c][t];
				size += ch->surv[c][0];
				seen = 1;
			}
		write_group(w, sp->g, sp->glen);
		voc_writer_int(w, t);
		if (seen)
			write_count(w, act);
		else
			voc_writer_null(w);
		voc_writer_num(w, seen && size > 0 ? 100 * act / size : NAN);
		voc_writer_num(w, 100 * voc_sbg_survival(m, (int)t));
		voc_writer_num(w, 100 * voc_sbg_retention(m, (int)t));
	}
}

/* Cuts a cohort to --fit-periods for the fit. */
static size_t
fit_len(const struct opts *o, size_t len)
{
	return o->fit_periods >= 0 && (size_t)o->fit_periods + 1 < len ?
	    (size_t)o->fit_periods + 1 : len;
}

/* One group's cohorts and its fit. */
struct fitgrp {
	struct span sp;
	struct cohorts ch;
	struct voc_sbg m;
};

static void
fitgrps_free(struct fitgrp *fg, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cohorts_free(&fg[i].ch);
	free(fg);
}

static const char *const fit_summary[] = {"n", "periods", "alpha", "beta",
    "se_alpha", "se_beta", "loglik"};
static const char *const fit_proj[] = {"period", "active", "observed_pct",
    "survival_pct", "retention_pct"};

/*
 * Fits every group, then writes them all: a group that cannot be fitted
 * is an error before any output, not a table cut short.  Frees fg.
 */
static int
fit_and_write(const struct opts *o, struct voc_run *run, struct fitgrp *fg,
    size_t n, struct voc_error *err)
{
	struct voc_writer *w;

	for (size_t g = 0; g < n; g++) {
		struct cohorts *ch = &fg[g].ch;
		size_t *flen = malloc((ch->n ? ch->n : 1) * sizeof(*flen));
		int rc;

		if (flen == NULL) {
			fitgrps_free(fg, n);
			return oom(err);
		}
		for (size_t c = 0; c < ch->n; c++)
			flen[c] = fit_len(o, ch->len[c]);
		rc = voc_sbg_fit((const double *const *)ch->surv, flen, ch->n,
		    &fg[g].m, err);
		free(flen);
		if (rc < 0) {
			fitgrps_free(fg, n);
			return -1;
		}
	}
	w = o->summary ? open_writer(o, run, ngroups_of(o, run), fit_summary,
	    7) : open_writer(o, run, ngroups_of(o, run), fit_proj, 5);
	if (w == NULL) {
		fitgrps_free(fg, n);
		return oom(err);
	}
	for (size_t g = 0; g < n; g++)
		write_fit(o, w, &fg[g].sp, &fg[g].ch, &fg[g].m);
	fitgrps_free(fg, n);
	return voc_writer_close(w, 0, err);
}

/* One fit per group over its cohorts, each cohort's unbounded counts. */
static int
report_sbg_events(const struct opts *o, struct voc_run *run,
    struct events *ev, struct voc_error *err)
{
	struct fitgrp *fg = calloc(ev->nspans, sizeof(*fg));

	if (fg == NULL)
		return oom(err);
	for (size_t g = 0; g < ev->nspans; g++) {
		const struct span *sp = &ev->spans[g];

		fg[g].sp = *sp;
		for (size_t i = sp->start; i < sp->end;) {
			size_t j = i + 1;
			int64_t K;
			long long *a;
			double *s;

			while (j < sp->end && ev->v[j]->p0 == ev->v[i]->p0)
				j++;
			a = cohort_counts(ev, i, j, 1, &K);
			s = malloc(((size_t)K + 1) * sizeof(*s));
			if (a == NULL || s == NULL || cohorts_add(&fg[g].ch, s,
			    (size_t)K + 1) < 0) {
				free(a);
				free(s);
				fitgrps_free(fg, ev->nspans);
				return oom(err);
			}
			for (int64_t k = 0; k <= K; k++)
				s[k] = (double)a[k];
			free(a);
			i = j;
		}
	}
	return fit_and_write(o, run, fg, ev->nspans, err);
}

/* One fit per group of a --counts table: periods 0, 1, ... with none
 * missing. */
static int
report_sbg_counts(const struct opts *o, struct voc_run *run,
    struct voc_error *err)
{
	struct voc_table *t = voc_run_table(run);
	size_t ng = ngroups_of(o, run), n = voc_table_count(t), nfg = 0;
	struct fitgrp *fg;

	if (n == 0)
		return nodata(err);
	if (voc_table_sort(t) < 0 || (fg = calloc(n, sizeof(*fg))) == NULL)
		return oom(err);
	for (size_t i = 0; i < n;) {
		struct voc_entry e, f;
		struct voc_key_part p;
		size_t pos = 0, glen, j = i;
		double *s;

		voc_table_at(t, i, &e);
		for (size_t k = 0; k < ng; k++)
			voc_key_next(e.key, e.keylen, &pos, &p);
		glen = pos;
		if ((s = malloc(n * sizeof(*s))) == NULL) {
			fitgrps_free(fg, nfg);
			return oom(err);
		}
		for (; j < n; j++) {
			voc_table_at(t, j, &f);
			if (f.keylen < glen || memcmp(f.key, e.key, glen) != 0)
				break;
			pos = glen;
			voc_key_next(f.key, f.keylen, &pos, &p);
			if (p.v != (int64_t)(j - i)) {
				free(s);
				fitgrps_free(fg, nfg);
				return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
				    "--counts: period %lld is missing: the "
				    "periods must run 0, 1, 2, ...",
				    (long long)(j - i));
			}
			s[j - i] = ((const struct tally *)f.st)->sum;
		}
		fg[nfg].sp.g = e.key;
		fg[nfg].sp.glen = glen;
		if (cohorts_add(&fg[nfg++].ch, s, j - i) < 0) {
			free(s);
			fitgrps_free(fg, nfg);
			return oom(err);
		}
		i = j;
	}
	return fit_and_write(o, run, fg, nfg, err);
}

static int
finish(void *ctx, struct voc_run *run, struct voc_error *err)
{
	struct opts *o = ctx;
	struct events ev;
	struct lifetimes lt;
	int rc;

	if (o->kind == KIND_COUNTS)
		return report_sbg_counts(o, run, err);
	memset(&lt, 0, sizeof(lt));
	if (o->kind == KIND_DURATION) {
		rc = lifetimes_table(run, ngroups_of(o, run), &lt, err);
		if (rc == 0)
			rc = report_survival(o, run, &lt, err);
		lifetimes_free(&lt);
		return rc;
	}
	if ((rc = events_gather(o, run, &ev, err)) == 0) {
		switch (o->report) {
		case REPORT_COHORTS:
			rc = report_cohorts(o, run, &ev, err);
			break;
		case REPORT_CHURN:
			rc = report_churn(o, run, &ev, err);
			break;
		case REPORT_SURVIVAL:
			if (lifetimes_events(o, &ev, &lt) < 0)
				rc = oom(err);
			else
				rc = report_survival(o, run, &lt, err);
			lifetimes_free(&lt);
			break;
		case REPORT_SBG:
			rc = report_sbg_events(o, run, &ev, err);
			break;
		}
	}
	events_free(&ev);
	return rc;
}

static const struct option own_options[] = {
	{"active", required_argument, NULL, OPT_ACTIVE},
	{"churn", no_argument, NULL, OPT_CHURN},
	{"ci-type", required_argument, NULL, OPT_CI_TYPE},
	{"conf", required_argument, NULL, OPT_CONF},
	{"counts", no_argument, NULL, OPT_COUNTS},
	{"duration", required_argument, NULL, OPT_DURATION},
	{"event", required_argument, NULL, OPT_EVENT},
	{"fit", required_argument, NULL, OPT_FIT},
	{"fit-periods", required_argument, NULL, OPT_FIT_PERIODS},
	{"horizon", required_argument, NULL, OPT_HORIZON},
	{"inactive", required_argument, NULL, OPT_INACTIVE},
	{"mode", required_argument, NULL, OPT_MODE},
	{"period", required_argument, NULL, OPT_PERIOD},
	{"summary", no_argument, NULL, OPT_SUMMARY},
	{"survival", no_argument, NULL, OPT_SURVIVAL},
	{"wide", no_argument, NULL, OPT_WIDE},
	{NULL, 0, NULL, 0}
};

static const struct voc_prog prog = {
	.name = PROG,
	.synopsis = synopsis,
	.help = help_text,
	.options = own_options,
	.shortopts = "",
	.state = &retention_state,
	.state_size = state_size,
	.option = option,
	.check = check,
	.state_opts = state_opts,
	.prepare = prepare,
	.row = row_step,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.c.users = 1;
	o.conf = 0.95;
	o.horizon = 12;
	o.fit_periods = -1;
	voc_stats_init();
	return voc_prog_main(&prog, &o, &o.c, argc, argv);
}
