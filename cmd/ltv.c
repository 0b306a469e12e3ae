/*
 * ltv: customer lifetime value from order logs (customer -u, time -t,
 * amount -a), from history and from the "buy 'til you die" models: what
 * cohorts have spent so far (--model historical), the formula most teams
 * use (--model simple), and what each customer is expected to spend
 * (--model bgnbd or pareto-nbd, with the Gamma-Gamma spend model).
 *
 * The state is per customer, and is the customer's history itself: the
 * distinct days they bought on, each with its number of orders and its
 * net spend in exact fixed-point money (include/voc/money.h), and the
 * -g group of their first row.  It depends on no model option, so one
 * pass, or shards merged with --merge, can be read with any --model,
 * --calibration-end or --unit: every model is fitted in the finish step.
 * Merging is a union of days, adding the orders and money of a day both
 * sides hold, so it is exact, commutative and associative.
 *
 * Refunds (negative amounts) reduce the revenue of their day.  A day
 * with refunds only is not a purchase: it is no transaction for the
 * models and makes no one "still buying", but its money counts in every
 * revenue figure.
 */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "voc/btyd.h"
#include "voc/cli.h"
#include "voc/key.h"
#include "voc/money.h"
#include "voc/period.h"
#include "voc/prog.h"
#include "voc/stats.h"
#include "voc/text.h"
#include "voc/timeparse.h"
#include "voc/writer.h"

#define PROG "ltv"

enum {
	OPT_CAL_END = VOC_OPT_PROG,
	OPT_CHURN,
	OPT_DISCOUNT,
	OPT_HOLDOUT,
	OPT_HORIZON,
	OPT_MARGIN,
	OPT_MODEL,
	OPT_PARAMS,
	OPT_RFM,
	OPT_TRACKING,
	OPT_UNIT
};

enum model {
	MODEL_HISTORICAL = 0,
	MODEL_SIMPLE,
	MODEL_BGNBD,
	MODEL_PARETO
};

/* What is written: the model's own table, or one of the others. */
enum report {
	REP_MAIN = 0,
	REP_RFM,
	REP_PARAMS,
	REP_HOLDOUT,
	REP_TRACKING
};

struct opts {
	struct voc_common c;	/* with -u and -a */
	enum model model;
	int model_set;
	enum report report;
	const char *cal_arg;
	int has_cal;
	int64_t cal_day;	/* the last day of the calibration window */
	int unit;		/* days */
	long long horizon;	/* units; 0: a year */
	double margin, discount, churn;	/* churn < 0: measured */
	int discount_set;
	struct voc_tz *tz;
	size_t ucol, acol;	/* resolved by prepare */
	const char *uname, *aname;
};

static int
oom(struct voc_error *err)
{
	return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
}

/* ---- the customer state ---- */

/* One day a customer bought on (or was refunded on). */
struct pday {
	int32_t day;		/* days since 1970-01-01 in --tz */
	uint32_t orders;	/* rows with an amount >= 0 */
	int64_t amt;		/* net money, VOC_MONEY_SCALE units */
};

#define NIN 2			/* days kept inline */
#define GIN 24			/* group key bytes kept inline */

struct cust {
	int64_t t0;		/* the first row's time (UTC seconds) */
	uint32_t n, cap;	/* days; cap 0: they are in d.in */
	uint32_t glen;		/* the first row's -g key */
	union {
		struct pday in[NIN];
		struct pday *p;
	} d;
	union {
		char in[GIN];
		char *p;
	} g;
};

static struct pday *
cust_days(struct cust *s)
{
	return s->cap ? s->d.p : s->d.in;
}

static const struct pday *
cust_cdays(const struct cust *s)
{
	return s->cap ? s->d.p : s->d.in;
}

static const char *
cust_group(const struct cust *s)
{
	return s->glen <= GIN ? s->g.in : s->g.p;
}

static size_t
state_size(const void *ctx)
{
	(void)ctx;
	return sizeof(struct cust);
}

static void
cust_fini(void *st, const void *cfg)
{
	struct cust *s = st;

	(void)cfg;
	if (s->cap)
		free(s->d.p);
	if (s->glen > GIN)
		free(s->g.p);
}

static int
cust_set_group(struct cust *s, const char *g, size_t len)
{
	char *p = NULL;

	if (len > UINT32_MAX)
		return -1;
	if (len > GIN && (p = malloc(len)) == NULL)
		return -1;
	if (s->glen > GIN)
		free(s->g.p);
	if (p != NULL) {
		memcpy(p, g, len);
		s->g.p = p;
	} else if (len > 0) {
		memcpy(s->g.in, g, len);
	}
	s->glen = (uint32_t)len;
	return 0;
}

/* Takes (t, g) as the first row when it is earlier, or as early and of
 * a smaller group: the same whatever order rows arrive in. */
static int
cust_first(struct cust *s, int fresh, int64_t t, const char *g, size_t glen)
{
	if (!fresh && (t > s->t0 || (t == s->t0 && voc_key_cmp(g, glen,
	    cust_group(s), s->glen) >= 0)))
		return 0;
	s->t0 = t;
	return cust_set_group(s, g, glen);
}

/* Room for n days; 0 or -1. */
static int
cust_reserve(struct cust *s, size_t n)
{
	struct pday *p;
	size_t cap;

	if (n <= NIN && s->cap == 0)
		return 0;
	if (s->cap >= n)
		return 0;
	cap = s->cap ? s->cap : NIN;
	while (cap < n)
		cap *= 2;
	if (cap > UINT32_MAX)
		return -1;
	if ((p = malloc(cap * sizeof(*p))) == NULL)
		return -1;
	memcpy(p, cust_days(s), s->n * sizeof(*p));
	if (s->cap)
		free(s->d.p);
	s->d.p = p;
	s->cap = (uint32_t)cap;
	return 0;
}

/* Adds a row of amt on day; 0, -1 out of memory, -2 a sum too large. */
static int
cust_add(struct cust *s, int32_t day, int64_t amt)
{
	struct pday *d = cust_days(s);
	size_t lo = 0, hi = s->n;

	/* Order logs come mostly in time order: try the end first. */
	if (s->n > 0 && d[s->n - 1].day < day)
		lo = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n && d[lo].day == day) {
		if (voc_money_add(&d[lo].amt, amt) < 0)
			return -2;
		d[lo].orders += amt >= 0;
		return 0;
	}
	if (cust_reserve(s, (size_t)s->n + 1) < 0)
		return -1;
	d = cust_days(s);
	memmove(d + lo + 1, d + lo, (s->n - lo) * sizeof(*d));
	d[lo].day = day;
	d[lo].orders = amt >= 0;
	d[lo].amt = amt;
	s->n++;
	return 0;
}

static int
cust_merge(void *dst, const void *src, const void *cfg)
{
	struct cust *a = dst;
	const struct cust *b = src;
	const struct pday *x, *y;
	struct pday *m;
	size_t i = 0, j = 0, k = 0;

	(void)cfg;
	if (b->n == 0)
		return 0;
	if (cust_first(a, a->n == 0, b->t0, cust_group(b), b->glen) < 0)
		return -1;
	if (a->n == 0) {
		/* The usual case of a customer seen by one shard only. */
		if (cust_reserve(a, b->n) < 0)
			return -1;
		memcpy(cust_days(a), cust_cdays(b), b->n * sizeof(*m));
		a->n = b->n;
		return 0;
	}
	if ((m = malloc(((size_t)a->n + b->n) * sizeof(*m))) == NULL)
		return -1;
	x = cust_cdays(a);
	y = cust_cdays(b);
	while (i < a->n || j < b->n) {
		if (j == b->n || (i < a->n && x[i].day < y[j].day))
			m[k++] = x[i++];
		else if (i == a->n || y[j].day < x[i].day)
			m[k++] = y[j++];
		else {
			m[k] = x[i++];
			m[k].orders += y[j].orders;
			m[k++].amt += y[j++].amt;
		}
	}
	if (cust_reserve(a, k) < 0) {
		free(m);
		return -1;
	}
	memcpy(cust_days(a), m, k * sizeof(*m));
	a->n = (uint32_t)k;
	free(m);
	return 0;
}

static int
cust_save(const void *st, struct voc_enc *e, const void *cfg)
{
	const struct cust *s = st;
	const struct pday *d = cust_cdays(s);
	struct voc_key_part p;
	size_t pos = 0;
	int rc = voc_enc_int(e, s->t0) | voc_enc_int(e,
	    (long long)voc_key_count(cust_group(s), s->glen));

	(void)cfg;
	/* The group's values as texts: its key's bytes are not JSON. */
	while (voc_key_next(cust_group(s), s->glen, &pos, &p))
		rc |= voc_enc_str(e, p.s, p.len);
	for (size_t i = 0; i < s->n; i++)
		rc |= voc_enc_int(e, d[i].day) | voc_enc_int(e, d[i].orders) |
		    voc_enc_int(e, d[i].amt);
	return rc ? -1 : 0;
}

static int
cust_load(void *st, struct voc_dec *d, const void *cfg,
    struct voc_error *err)
{
	struct cust *s = st;
	struct voc_key k = {NULL, 0, 0};
	size_t n;
	long long t0, ng;

	(void)cfg;
	if (voc_dec_int(d, &t0, err) < 0 || voc_dec_int(d, &ng, err) < 0)
		return -1;
	if (ng < 0 || (size_t)ng > voc_dec_left(d))
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "a customer's group has %lld values", ng);
	for (long long i = 0; i < ng; i++) {
		const char *g;
		size_t glen;

		if (voc_dec_str(d, &g, &glen, err) < 0) {
			voc_key_free(&k);
			return -1;
		}
		if (voc_key_text(&k, g, glen) < 0) {
			voc_key_free(&k);
			return oom(err);
		}
	}
	s->t0 = t0;
	if (cust_set_group(s, k.buf, k.len) < 0) {
		voc_key_free(&k);
		return oom(err);
	}
	voc_key_free(&k);
	if ((n = voc_dec_left(d)) % 3 != 0 || n == 0 || n / 3 > UINT32_MAX)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "a customer's days are not (day, orders, amount) triples");
	if (cust_reserve(s, n / 3) < 0)
		return oom(err);
	for (size_t i = 0; i < n / 3; i++) {
		struct pday *p = cust_days(s) + i;
		long long day, orders, amt;

		if (voc_dec_int(d, &day, err) < 0 ||
		    voc_dec_int(d, &orders, err) < 0 ||
		    voc_dec_int(d, &amt, err) < 0)
			return -1;
		if (day < INT32_MIN || day > INT32_MAX || orders < 0 ||
		    orders > UINT32_MAX || amt > VOC_MONEY_MAX * 2 ||
		    amt < -VOC_MONEY_MAX * 2 || (i > 0 && day <= p[-1].day))
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "a customer's days are not increasing days with "
			    "orders and amounts");
		p->day = (int32_t)day;
		p->orders = (uint32_t)orders;
		p->amt = amt;
		s->n = (uint32_t)(i + 1);
	}
	return 0;
}

static const struct voc_state_ops ltv_state = {
	"ltv", 1, NULL, cust_merge, cust_fini, cust_save, cust_load, NULL
};

/* ---- options ---- */

static const char synopsis[] =
    "-u COL -t COL -a COL\n"
    "           [--model historical | simple | bgnbd | pareto-nbd]\n"
    "           [--by month | week] [--calibration-end DATE] "
    "[--unit day | week]\n"
    "           [--horizon N] [--margin X] [--discount RATE] "
    "[--churn RATE]\n"
    "           [--rfm | --params | --holdout-table | --tracking]\n"
    "           [-g COLS] [OPTIONS] [FILE ...]";

static const char help_text[] =
    "Customer lifetime value from an order log.\n\n"
    "  --model NAME             historical (cohort revenue, the default), "
    "simple\n"
    "                           (ARPU x margin / churn), bgnbd or "
    "pareto-nbd\n"
    "                           (per customer, with Gamma-Gamma spend)\n"
    "  --by PERIOD              the periods of historical and simple "
    "(month)\n"
    "  --calibration-end DATE   the last day the models are fitted on; "
    "later\n"
    "                           days are the holdout (default: the last "
    "day)\n"
    "  --unit day|week          the models' time unit (default week)\n"
    "  --horizon N              units ahead to predict (default a year)\n"
    "  --margin X               profit share of revenue, 0 < X <= 1 "
    "(default 1)\n"
    "  --discount RATE          discount rate per unit (models) or "
    "period\n"
    "                           (simple); default 0\n"
    "  --churn RATE             churn per period for simple (default: "
    "measured)\n"
    "  --rfm                    per customer: frequency, recency, T, "
    "monetary\n"
    "  --params                 fitted parameters, standard errors, "
    "log-likelihood\n"
    "  --holdout-table          holdout purchases per frequency, actual "
    "and expected\n"
    "  --tracking               cumulative repeat purchases per unit, "
    "actual and\n"
    "                           expected\n";

static int
usage_error(struct voc_error *err, const char *msg)
{
	return voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "%s", msg);
}

static int
set_report(struct opts *o, enum report r, struct voc_error *err)
{
	if (o->report != REP_MAIN && o->report != r)
		return usage_error(err, "--rfm, --params, --holdout-table and "
		    "--tracking choose the table: give one of them");
	o->report = r;
	return 0;
}

/* A number in (lo, hi], or [lo, hi] when lo_ok; 0 or -1 (usage). */
static int
real_arg(const char *s, double lo, int lo_ok, double hi, const char *what,
    const char *range, double *out, struct voc_error *err)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !isfinite(v) || v > hi || v < lo ||
	    (v == lo && !lo_ok))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "%s must be a number, %s, not \"%s\"", what, range, s);
	*out = v;
	return 0;
}

static int
option(void *ctx, int ch, const char *arg, struct voc_error *err)
{
	struct opts *o = ctx;

	switch (ch) {
	case OPT_CAL_END:
		o->cal_arg = arg;
		return 0;
	case OPT_CHURN:
		return real_arg(arg, 0, 0, 1, "--churn", "0 < RATE <= 1",
		    &o->churn, err);
	case OPT_DISCOUNT:
		o->discount_set = 1;
		return real_arg(arg, 0, 1, 10, "--discount", "0 <= RATE <= 10",
		    &o->discount, err);
	case OPT_HOLDOUT:
		return set_report(o, REP_HOLDOUT, err);
	case OPT_HORIZON:
		return voc_cli_integer(arg, 1, 100000, "--horizon", &o->horizon,
		    err);
	case OPT_MARGIN:
		return real_arg(arg, 0, 0, 1, "--margin", "0 < X <= 1",
		    &o->margin, err);
	case OPT_MODEL:
		o->model_set = 1;
		if (strcmp(arg, "historical") == 0)
			o->model = MODEL_HISTORICAL;
		else if (strcmp(arg, "simple") == 0)
			o->model = MODEL_SIMPLE;
		else if (strcmp(arg, "bgnbd") == 0 || strcmp(arg, "bg-nbd") == 0)
			o->model = MODEL_BGNBD;
		else if (strcmp(arg, "pareto-nbd") == 0 ||
		    strcmp(arg, "paretonbd") == 0)
			o->model = MODEL_PARETO;
		else
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--model must be historical, simple, bgnbd or "
			    "pareto-nbd, not \"%s\"", arg);
		return 0;
	case OPT_PARAMS:
		return set_report(o, REP_PARAMS, err);
	case OPT_RFM:
		return set_report(o, REP_RFM, err);
	case OPT_TRACKING:
		return set_report(o, REP_TRACKING, err);
	case OPT_UNIT:
		if (strcmp(arg, "day") == 0)
			o->unit = 1;
		else if (strcmp(arg, "week") == 0)
			o->unit = 7;
		else
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--unit must be day or week, not \"%s\"", arg);
		return 0;
	}
	return 0;
}

static int
is_fitted(const struct opts *o)
{
	return o->model == MODEL_BGNBD || o->model == MODEL_PARETO;
}

static int
check(void *ctx, struct voc_common *c, struct voc_error *err)
{
	struct opts *o = ctx;

	if (c->time_col == NULL)
		return usage_error(err, "the order time column is required: "
		    "add -t COL");
	if (c->amount_col == NULL)
		return usage_error(err, "the order amount column is required: "
		    "add -a COL");
	if ((o->report == REP_PARAMS || o->report == REP_HOLDOUT ||
	    o->report == REP_TRACKING) && !is_fitted(o))
		return usage_error(err, "--params, --holdout-table and "
		    "--tracking need --model bgnbd or pareto-nbd");
	if (o->report == REP_HOLDOUT && o->cal_arg == NULL)
		return usage_error(err, "--holdout-table needs "
		    "--calibration-end DATE");
	if (o->cal_arg != NULL && !is_fitted(o) && o->report != REP_RFM)
		return usage_error(err, "--calibration-end is for --rfm and "
		    "--model bgnbd or pareto-nbd");
	if (o->churn >= 0 && o->model != MODEL_SIMPLE)
		return usage_error(err, "--churn is for --model simple");
	if (c->by != VOC_BY_NONE && (is_fitted(o) || o->report == REP_RFM))
		return usage_error(err, "--by cuts the periods of --model "
		    "historical and simple; the models take --unit");
	if (o->horizon == 0)
		o->horizon = o->unit == 7 ? 52 : 365;
	if ((o->tz = voc_tz_load(c->tz, err)) == NULL)
		return -1;
	if (o->cal_arg != NULL) {
		struct voc_timeopts to = {o->tz, c->order};
		const char *why;
		int64_t t;

		if (voc_time_parse(o->cal_arg, strlen(o->cal_arg), &to, &t,
		    &why) < 0)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--calibration-end \"%s\" %s", o->cal_arg, why);
		o->cal_day = voc_period_index(VOC_BY_DAY, o->tz, t);
		o->has_cal = 1;
	}
	return 0;
}

static int
prepare(void *ctx, const struct voc_input *in, struct voc_error *err)
{
	struct opts *o = ctx;

	if (voc_input_column(in, o->c.user_col, &o->ucol, err) < 0 ||
	    voc_input_column(in, o->c.amount_col, &o->acol, err) < 0)
		return -1;
	o->uname = voc_input_colname(in, o->ucol);
	o->aname = voc_input_colname(in, o->acol);
	return 0;
}

/* ---- the row step ---- */

static int
row_step(const void *ctx, struct voc_run *run, const struct voc_record *rec,
    struct voc_error *err)
{
	const struct opts *o = ctx;
	const struct voc_row *row = rec->row;
	const char *id = row->field[o->ucol], *am = row->field[o->acol];
	size_t len = row->len[o->ucol], glen = rec->keylen, amlen;
	const char *why;
	struct voc_key k = {NULL, 0, 0};
	char small[256];
	const char *key = small;
	size_t keylen;
	struct cust *s;
	int64_t amt, day;
	int rc, fresh;

	voc_text_trim(&id, &len);
	if (len == 0)
		return voc_run_skip(run, row, err, "column \"%s\": empty "
		    "customer id", o->uname);
	amlen = row->len[o->acol];
	if (voc_money_parse(am, amlen, &amt, &why) < 0)
		return voc_run_skip(run, row, err, "column \"%s\": \"%s\" %s",
		    o->aname, am, why);
	day = voc_period_index(VOC_BY_DAY, o->tz, rec->time);
	if (day < -2000000 || day > 2000000)
		return voc_run_skip(run, row, err, "the time is out of range");
	/* A customer's key is the id as one text part (key.h), built
	 * without the heap for the usual short id. */
	if (len + 5 <= sizeof(small)) {
		small[0] = 0x01;
		small[1] = (char)(len >> 24 & 0xff);
		small[2] = (char)(len >> 16 & 0xff);
		small[3] = (char)(len >> 8 & 0xff);
		small[4] = (char)(len & 0xff);
		memcpy(small + 5, id, len);
		keylen = len + 5;
	} else {
		if (voc_key_text(&k, id, len) < 0)
			return oom(err);
		key = k.buf;
		keylen = k.len;
	}
	s = voc_run_state(run, key, keylen);
	voc_key_free(&k);
	if (s == NULL)
		return oom(err);
	/* The record's key is the -g values, then with --by the period (a
	 * number part of 9 bytes), which is not the customer's. */
	if (o->c.by != VOC_BY_NONE)
		glen -= 9;
	/* A row skipped here leaves the state as it was: a new customer's
	 * first amount alone cannot be too large. */
	fresh = s->n == 0;
	if ((rc = cust_add(s, (int32_t)day, amt)) == -1)
		return oom(err);
	if (rc == -2)
		return voc_run_skip(run, row, err, "column \"%s\": \"%s\" "
		    "makes the day's sum too large", o->aname, am);
	if (cust_first(s, fresh, rec->time, rec->key, glen) < 0)
		return oom(err);
	return 0;
}

/* ---- the finish step: common parts ---- */

/* One customer, as the finish step sees them. */
struct cview {
	const char *key;
	size_t keylen;
	const struct cust *s;
	size_t idx;
};

struct fin {
	struct opts *o;
	struct voc_run *run;
	struct cview *cv;
	size_t n;
	size_t ngroups;		/* -g columns */
	int64_t maxday;		/* the last day of the data */
	int64_t cal_end;	/* the last day of the calibration window */
};

static int
cview_cmp(const void *pa, const void *pb)
{
	const struct cview *a = pa, *b = pb;
	int c = voc_key_cmp(cust_group(a->s), a->s->glen, cust_group(b->s),
	    b->s->glen);

	if (c != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int
same_group(const struct cview *a, const struct cview *b)
{
	return a->s->glen == b->s->glen && memcmp(cust_group(a->s),
	    cust_group(b->s), a->s->glen) == 0;
}

/* The customers in group order, then customer order. */
static int
fin_open(struct fin *f, struct opts *o, struct voc_run *run,
    struct voc_error *err)
{
	struct voc_table *t = voc_run_table(run);

	memset(f, 0, sizeof(*f));
	f->o = o;
	f->run = run;
	f->n = voc_table_count(t);
	f->ngroups = voc_run_nkeys(run) - (o->c.by != VOC_BY_NONE);
	if (f->n == 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "no order could be counted");
	if (voc_table_sort(t) < 0 ||
	    (f->cv = malloc(f->n * sizeof(*f->cv))) == NULL)
		return oom(err);
	f->maxday = INT64_MIN;
	for (size_t i = 0; i < f->n; i++) {
		struct voc_entry e;
		const struct cust *s;

		voc_table_at(t, i, &e);
		s = e.st;
		f->cv[i].key = e.key;
		f->cv[i].keylen = e.keylen;
		f->cv[i].s = s;
		f->cv[i].idx = i;
		if (s->n > 0 && cust_cdays(s)[s->n - 1].day > f->maxday)
			f->maxday = cust_cdays(s)[s->n - 1].day;
	}
	if (f->ngroups > 0)
		qsort(f->cv, f->n, sizeof(*f->cv), cview_cmp);
	f->cal_end = o->has_cal ? o->cal_day : f->maxday;
	return 0;
}

/* The end of the segment (customers of one group) starting at i. */
static size_t
seg_end(const struct fin *f, size_t i)
{
	size_t j = i + 1;

	while (j < f->n && same_group(&f->cv[i], &f->cv[j]))
		j++;
	return j;
}

/* The name of the customer column: -u as given, unless a number. */
static const char *
user_name(const struct opts *o)
{
	double v;

	if (voc_key_number(o->c.user_col, strlen(o->c.user_col), &v))
		return "customer";
	return o->c.user_col;
}

/* A writer for the -g columns followed by names[0..n). */
static struct voc_writer *
fin_writer(const struct fin *f, const char *const *names, size_t n)
{
	const char *all[40];
	size_t k = 0;

	if (f->ngroups + n > sizeof(all) / sizeof(all[0]))
		return NULL;
	for (size_t i = 0; i < f->ngroups; i++)
		all[k++] = voc_run_key_name(f->run, i);
	for (size_t i = 0; i < n; i++)
		all[k++] = names[i];
	return voc_writer_open_shaped(stdout, f->o->c.out, f->o->c.precision,
	    &f->o->c.shape, all, k);
}

static void
write_group(const struct fin *f, struct voc_writer *w, const struct cust *s)
{
	if (f->ngroups > 0)
		voc_run_key_write(f->run, w, cust_group(s), s->glen);
}

static void
write_customer(struct voc_writer *w, const struct cview *c)
{
	struct voc_key_part p;
	size_t pos = 0;
	char buf[512];
	char *big = NULL;

	if (!voc_key_next(c->key, c->keylen, &pos, &p)) {
		voc_writer_str(w, "");
		return;
	}
	if (p.len < sizeof(buf)) {
		memcpy(buf, p.s, p.len);
		buf[p.len] = '\0';
		voc_writer_str(w, buf);
		return;
	}
	if ((big = malloc(p.len + 1)) != NULL) {
		memcpy(big, p.s, p.len);
		big[p.len] = '\0';
	}
	voc_writer_str(w, big ? big : "");
	free(big);
}

static void
write_day(struct voc_writer *w, int64_t day)
{
	char buf[32];

	voc_period_label(VOC_BY_DAY, day, buf, sizeof(buf));
	voc_writer_str(w, buf);
}

/* A group's name for messages: its values joined by "/". */
static void
group_text(const struct cust *s, char *buf, size_t size)
{
	struct voc_key_part p;
	size_t pos = 0, k = 0;

	buf[0] = '\0';
	while (voc_key_next(cust_group(s), s->glen, &pos, &p) && k < size) {
		int n = snprintf(buf + k, size - k, "%s%.*s", k ? "/" : "",
		    (int)(p.len > 100 ? 100 : p.len), p.s);

		if (n < 0)
			break;
		k += (size_t)n;
	}
}

/* Prefixes err's message with the group, when there are groups. */
static int
group_error(const struct fin *f, const struct cust *s, struct voc_error *err)
{
	char g[256], msg[sizeof(err->msg)];

	if (f->ngroups == 0)
		return -1;
	group_text(s, g, sizeof(g));
	snprintf(msg, sizeof(msg), "%s", err->msg);
	return voc_error_set(err, err->kind, NULL, 0, "group %s: %s", g, msg);
}

/* The period of a day in --tz. */
static int64_t
period_of(const struct opts *o, enum voc_period by, int64_t day)
{
	if (by == VOC_BY_DAY)
		return day;
	return voc_period_index(by, o->tz, voc_period_start(VOC_BY_DAY, o->tz,
	    day));
}

/* ---- --model historical ---- */

struct cell {
	long long active;
	int64_t revenue;
};

static int
historical(struct fin *f, struct voc_error *err)
{
	static const char *const names[] = {"cohort", "age", "customers",
	    "active", "revenue", "arpu", "revenue_per_customer",
	    "cum_revenue_per_customer"};
	const struct opts *o = f->o;
	enum voc_period by = o->c.by != VOC_BY_NONE ? o->c.by : VOC_BY_MONTH;
	int64_t last = period_of(o, by, f->maxday);
	struct voc_writer *w = fin_writer(f, names, 8);
	int64_t *cohort = malloc(f->n * sizeof(*cohort));

	if (w == NULL || cohort == NULL) {
		free(cohort);
		if (w)
			voc_writer_close(w, 0, err);
		return oom(err);
	}
	for (size_t i = 0; i < f->n; i++)
		cohort[i] = period_of(o, by, cust_cdays(f->cv[i].s)[0].day);
	for (size_t i = 0, j; i < f->n; i = j) {
		int64_t p0 = INT64_MAX;
		size_t nages, ncoh;
		struct cell *cells;
		long long *size;

		j = seg_end(f, i);
		for (size_t k = i; k < j; k++)
			if (cohort[k] < p0)
				p0 = cohort[k];
		ncoh = nages = (size_t)(last - p0 + 1);
		if (nages > 100000 || (cells = calloc(ncoh * nages,
		    sizeof(*cells))) == NULL) {
			free(cohort);
			voc_writer_close(w, 0, err);
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    nages > 100000 ? "too many periods: choose a "
			    "longer --by" : "out of memory");
		}
		if ((size = calloc(ncoh, sizeof(*size))) == NULL) {
			free(cells);
			free(cohort);
			voc_writer_close(w, 0, err);
			return oom(err);
		}
		for (size_t k = i; k < j; k++) {
			const struct cust *s = f->cv[k].s;
			const struct pday *d = cust_cdays(s);
			size_t c = (size_t)(cohort[k] - p0);
			int64_t seen = INT64_MIN;

			size[c]++;
			for (size_t q = 0; q < s->n; q++) {
				int64_t p = period_of(o, by, d[q].day);
				struct cell *x = &cells[c * nages +
				    (size_t)(p - cohort[k])];

				x->revenue += d[q].amt;
				if (d[q].orders > 0 && p != seen) {
					x->active++;
					seen = p;
				}
			}
		}
		for (size_t c = 0; c < ncoh; c++) {
			int64_t cum = 0;
			char label[32];

			if (size[c] == 0)
				continue;
			voc_period_label(by, p0 + (int64_t)c, label,
			    sizeof(label));
			for (size_t a = 0; a < nages; a++) {
				const struct cell *x = &cells[c * nages + a];
				double sz = (double)size[c];

				write_group(f, w, f->cv[i].s);
				voc_writer_str(w, label);
				voc_writer_int(w, (long long)a);
				voc_writer_int(w, size[c]);
				if (p0 + (int64_t)(c + a) > last) {
					for (int e = 0; e < 5; e++)
						voc_writer_null(w);
					continue;
				}
				cum += x->revenue;
				voc_writer_int(w, x->active);
				voc_writer_num(w, voc_money_value(x->revenue));
				voc_writer_num(w, x->active ? voc_money_value(
				    x->revenue) / (double)x->active : NAN);
				voc_writer_num(w, voc_money_value(x->revenue) /
				    sz);
				voc_writer_num(w, voc_money_value(cum) / sz);
			}
		}
		free(size);
		free(cells);
	}
	free(cohort);
	return voc_writer_close(w, 0, err);
}

/* ---- --model simple ---- */

static int
simple(struct fin *f, struct voc_error *err)
{
	static const char *const names[] = {"customers", "active_periods",
	    "revenue", "arpu", "retention", "churn", "clv", "clv_discounted"};
	const struct opts *o = f->o;
	enum voc_period by = o->c.by != VOC_BY_NONE ? o->c.by : VOC_BY_MONTH;
	int64_t last = period_of(o, by, f->maxday);
	struct voc_writer *w = fin_writer(f, names, 8);

	if (w == NULL)
		return oom(err);
	for (size_t i = 0, j; i < f->n; i = j) {
		long long active = 0, stay = 0, base = 0;
		int64_t revenue = 0;

		j = seg_end(f, i);
		for (size_t k = i; k < j; k++) {
			const struct cust *s = f->cv[k].s;
			const struct pday *d = cust_cdays(s);
			int64_t prev = INT64_MIN;

			/* Each active period but the last of the data is a
			 * chance to churn; staying is buying in the next. */
			for (size_t q = 0; q < s->n; q++) {
				int64_t p = period_of(o, by, d[q].day);

				revenue += d[q].amt;
				if (d[q].orders == 0 || p == prev)
					continue;
				active++;
				if (p < last)
					base++;
				if (prev != INT64_MIN && p == prev + 1)
					stay++;
				prev = p;
			}
		}
		double arpu = active ? voc_money_value(revenue) /
		    (double)active : NAN;
		double r = base ? (double)stay / (double)base : NAN;
		double churn = o->churn >= 0 ? o->churn : 1 - r;
		double m = arpu * o->margin;

		if (o->churn >= 0)
			r = 1 - churn;
		write_group(f, w, f->cv[i].s);
		voc_writer_int(w, (long long)(j - i));
		voc_writer_int(w, active);
		voc_writer_num(w, voc_money_value(revenue));
		voc_writer_num(w, arpu);
		voc_writer_num(w, r);
		voc_writer_num(w, churn);
		voc_writer_num(w, churn > 0 ? m / churn : NAN);
		voc_writer_num(w, 1 + o->discount - r > 0 ?
		    m * r / (1 + o->discount - r) : NAN);
	}
	return voc_writer_close(w, 0, err);
}

/* ---- the models ---- */

/* The customers of one segment as the models see them. */
struct seg {
	struct voc_btyd_customer *bc;
	size_t *who;		/* index into f->cv */
	size_t n;
	size_t start;		/* the segment's first customer in f->cv */
	int fitted, gg_fitted;
	struct voc_bgnbd bg;
	struct voc_paretonbd pn;
	struct voc_gg gg;
};

static void
seg_free(struct seg *g)
{
	free(g->bc);
	free(g->who);
	memset(g, 0, sizeof(*g));
}

/* Summarises the customers [i, j) of f into g: the calibration cohort,
 * those with a purchase on or before the calibration end. */
static int
seg_summarise(const struct fin *f, size_t i, size_t j, struct seg *g,
    struct voc_error *err)
{
	struct voc_btyd_purchase *p = NULL;
	size_t cap = 0;

	memset(g, 0, sizeof(*g));
	g->start = i;
	if ((g->bc = malloc((j - i) * sizeof(*g->bc))) == NULL ||
	    (g->who = malloc((j - i) * sizeof(*g->who))) == NULL)
		return oom(err);
	for (size_t k = i; k < j; k++) {
		const struct cust *s = f->cv[k].s;
		const struct pday *d = cust_cdays(s);
		size_t np = 0;

		if (s->n > cap) {
			free(p);
			cap = (size_t)s->n * 2;
			if ((p = malloc(cap * sizeof(*p))) == NULL)
				return oom(err);
		}
		for (size_t q = 0; q < s->n; q++)
			if (d[q].orders > 0) {
				p[np].day = d[q].day;
				p[np++].amount = voc_money_value(d[q].amt);
			}
		if (np == 0 || voc_btyd_summarise(p, np, (long)f->cal_end,
		    (long)f->maxday, f->o->unit, &g->bc[g->n], err) != 0)
			continue;
		g->who[g->n++] = k;
	}
	free(p);
	return 0;
}

static int
seg_fit(const struct fin *f, struct seg *g, int spend, struct voc_error *err)
{
	const struct cust *s = f->cv[g->start].s;
	int rc;

	if (g->n == 0) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "no customer bought on or before the calibration end");
		return group_error(f, s, err);
	}
	/* A fit of many customers takes seconds (Pareto/NBD: half a
	 * minute for 100,000): a terminal is told what is going on. */
	int shown = isatty(STDERR_FILENO) && g->n >= 10000;
	if (shown) {
		fprintf(stderr, "%s: fitting %s to %zu customers...", PROG,
		    f->o->model == MODEL_BGNBD ? "BG/NBD" : "Pareto/NBD",
		    g->n);
		fflush(stderr);
	}
	if (f->o->model == MODEL_BGNBD)
		rc = voc_bgnbd_fit(g->bc, g->n, &g->bg, err);
	else
		rc = voc_paretonbd_fit(g->bc, g->n, &g->pn, err);
	if (shown)
		fputs("\r\033[K", stderr);
	if (rc < 0)
		return group_error(f, s, err);
	g->fitted = 1;
	if (spend) {
		if (voc_gg_fit(g->bc, g->n, &g->gg, err) < 0)
			return group_error(f, s, err);
		g->gg_fitted = 1;
	}
	return 0;
}

static const void *
seg_model(const struct fin *f, const struct seg *g)
{
	return f->o->model == MODEL_BGNBD ? (const void *)&g->bg :
	    (const void *)&g->pn;
}

static double
seg_expected(const struct fin *f, const struct seg *g,
    const struct voc_btyd_customer *c, double t)
{
	return f->o->model == MODEL_BGNBD ? voc_bgnbd_expected(&g->bg, c, t) :
	    voc_paretonbd_expected(&g->pn, c, t);
}

static double
seg_unconditional(const struct fin *f, const struct seg *g, double t)
{
	return f->o->model == MODEL_BGNBD ? voc_bgnbd_unconditional(&g->bg,
	    t) : voc_paretonbd_unconditional(&g->pn, t);
}

static double
seg_palive(const struct fin *f, const struct seg *g,
    const struct voc_btyd_customer *c)
{
	return f->o->model == MODEL_BGNBD ? voc_bgnbd_palive(&g->bg, c) :
	    voc_paretonbd_palive(&g->pn, c);
}

/* Holdout purchases are known when the data go past the calibration. */
static int
has_holdout(const struct fin *f)
{
	return f->o->has_cal && f->maxday > f->cal_end;
}

static int
customers(struct fin *f, struct seg *g, struct voc_writer *w,
    struct voc_error *err)
{
	const struct opts *o = f->o;
	enum voc_btyd_kind kind = o->model == MODEL_BGNBD ? VOC_BTYD_BGNBD :
	    VOC_BTYD_PARETONBD;
	double h = (double)o->horizon;

	for (size_t k = 0; k < g->n; k++) {
		const struct voc_btyd_customer *c = &g->bc[k];
		const struct cview *cv = &f->cv[g->who[k]];
		double ey = seg_expected(f, g, c, h);
		double spend = voc_gg_expected_spend(&g->gg, c), clv;

		/* Undiscounted, the sum over the periods telescopes to the
		 * expectation over the whole horizon, known already. */
		if (o->discount == 0)
			clv = ey * spend * o->margin;
		else if (voc_clv_discounted(kind, seg_model(f, g), c, spend,
		    o->margin, (int)o->horizon, 1, o->discount, &clv, err) < 0)
			return -1;
		write_group(f, w, cv->s);
		write_customer(w, cv);
		voc_writer_int(w, c->x);
		voc_writer_num(w, c->t_x);
		voc_writer_num(w, c->T);
		voc_writer_num(w, c->x > 0 ? c->m : NAN);
		if (has_holdout(f))
			voc_writer_int(w, c->x_star);
		voc_writer_num(w, seg_palive(f, g, c));
		voc_writer_num(w, ey);
		voc_writer_num(w, spend);
		voc_writer_num(w, ey * spend);
		voc_writer_num(w, clv);
	}
	return 0;
}

static void
param_row(const struct fin *f, struct voc_writer *w, const struct seg *g,
    const char *model, const char *name, double v, double se)
{
	write_group(f, w, f->cv[g->who[0]].s);
	voc_writer_str(w, model);
	voc_writer_str(w, name);
	voc_writer_num(w, v);
	voc_writer_num(w, se);
}

static void
params(const struct fin *f, const struct seg *g, struct voc_writer *w)
{
	static const char *const bgn[] = {"r", "alpha", "a", "b"};
	static const char *const pnn[] = {"r", "alpha", "s", "beta"};
	static const char *const ggn[] = {"p", "q", "gamma"};
	const char *mname = f->o->model == MODEL_BGNBD ? "bgnbd" :
	    "pareto-nbd";
	const double *v, *se;
	double ll, n;

	if (f->o->model == MODEL_BGNBD) {
		double bv[4] = {g->bg.r, g->bg.alpha, g->bg.a, g->bg.b};

		for (int i = 0; i < 4; i++)
			param_row(f, w, g, mname, bgn[i], bv[i], g->bg.se[i]);
		ll = g->bg.ll;
		n = (double)g->bg.n;
	} else {
		double pv[4] = {g->pn.r, g->pn.alpha, g->pn.s, g->pn.beta};

		for (int i = 0; i < 4; i++)
			param_row(f, w, g, mname, pnn[i], pv[i], g->pn.se[i]);
		ll = g->pn.ll;
		n = (double)g->pn.n;
	}
	param_row(f, w, g, mname, "log_likelihood", ll, NAN);
	param_row(f, w, g, mname, "customers", n, NAN);
	v = (const double[]){g->gg.p, g->gg.q, g->gg.gamma};
	se = g->gg.se;
	for (int i = 0; i < 3; i++)
		param_row(f, w, g, "gamma-gamma", ggn[i], v[i], se[i]);
	param_row(f, w, g, "gamma-gamma", "log_likelihood", g->gg.ll, NAN);
	param_row(f, w, g, "gamma-gamma", "customers", (double)g->gg.n, NAN);
}

/* Buckets of calibration frequency, as in Fader, Hardie & Lee (2005),
 * figure 4: 0 to 6 and 7 or more. */
#define NBUCKET 8

static void
holdout(const struct fin *f, const struct seg *g, struct voc_writer *w)
{
	static const char *const label[NBUCKET] = {"0", "1", "2", "3", "4",
	    "5", "6", "7+"};
	double len = (double)(f->maxday - f->cal_end) / f->o->unit;
	double act[NBUCKET] = {0}, exp[NBUCKET] = {0};
	long long cnt[NBUCKET] = {0};

	for (size_t k = 0; k < g->n; k++) {
		const struct voc_btyd_customer *c = &g->bc[k];
		int b = c->x >= NBUCKET - 1 ? NBUCKET - 1 : (int)c->x;

		cnt[b]++;
		act[b] += (double)c->x_star;
		exp[b] += seg_expected(f, g, c, len);
	}
	for (int b = 0; b < NBUCKET; b++) {
		write_group(f, w, f->cv[g->who[0]].s);
		voc_writer_str(w, label[b]);
		voc_writer_int(w, cnt[b]);
		voc_writer_num(w, cnt[b] ? act[b] / (double)cnt[b] : NAN);
		voc_writer_num(w, cnt[b] ? exp[b] / (double)cnt[b] : NAN);
	}
}

/*
 * Cumulative repeat purchases of the cohort per unit from its first
 * day, against the model's sum over customers of E[X(t)] since each
 * one's first purchase (Fader, Hardie & Lee 2005, figure 3).
 */
static int
tracking(const struct fin *f, const struct seg *g, struct voc_writer *w,
    struct voc_error *err)
{
	int unit = f->o->unit;
	int64_t origin = INT64_MAX;
	size_t nper, nfirst;
	long long *rep, *first;
	double cum_a = 0, cum_e = 0, prev_e = 0;

	for (size_t k = 0; k < g->n; k++)
		if (g->bc[k].first < origin)
			origin = g->bc[k].first;
	nfirst = (size_t)(f->cal_end - origin + 1);
	nper = (size_t)((f->maxday - origin) / unit + 1);
	if ((rep = calloc(nper, sizeof(*rep))) == NULL)
		return oom(err);
	if ((first = calloc(nfirst, sizeof(*first))) == NULL) {
		free(rep);
		return oom(err);
	}
	for (size_t k = 0; k < g->n; k++) {
		const struct cust *s = f->cv[g->who[k]].s;
		const struct pday *d = cust_cdays(s);
		int seen_first = 0;

		first[g->bc[k].first - origin]++;
		for (size_t q = 0; q < s->n; q++) {
			if (d[q].orders == 0)
				continue;
			if (seen_first++)
				rep[(size_t)(d[q].day - origin) / (size_t)unit]++;
		}
	}
	for (size_t p = 0; p < nper; p++) {
		int64_t end = origin + (int64_t)(p + 1) * unit;
		double e = 0;

		/* Customers who joined on day q have had (end - q) / unit
		 * units to buy again by the end of period p. */
		for (size_t q = 0; q < nfirst && origin + (int64_t)q < end;
		    q++)
			if (first[q] > 0)
				e += (double)first[q] * seg_unconditional(f, g,
				    (double)(end - origin - (int64_t)q) / unit);
		cum_a += (double)rep[p];
		cum_e = e;
		write_group(f, w, f->cv[g->who[0]].s);
		voc_writer_int(w, (long long)p + 1);
		write_day(w, end - 1);
		voc_writer_int(w, rep[p]);
		voc_writer_num(w, cum_e - prev_e);
		voc_writer_num(w, cum_a);
		voc_writer_num(w, cum_e);
		prev_e = cum_e;
	}
	free(rep);
	free(first);
	return 0;
}

static int
models(struct fin *f, struct voc_error *err)
{
	static const char *const cust_names[] = {"frequency", "recency", "T",
	    "monetary", "holdout_purchases", "p_alive", "expected_purchases",
	    "spend_per_purchase", "expected_spend", "clv"};
	static const char *const par_names[] = {"model", "parameter",
	    "estimate", "std_error"};
	static const char *const hold_names[] = {"frequency", "customers",
	    "actual", "expected"};
	static const char *const track_names[] = {"period", "end", "repeat",
	    "expected", "cum_repeat", "cum_expected"};
	const struct opts *o = f->o;
	const char *names[12];
	size_t nn = 0;
	struct voc_writer *w = NULL;
	int rc = 0;

	switch (o->report) {
	case REP_PARAMS:
		memcpy(names, par_names, sizeof(par_names));
		nn = 4;
		break;
	case REP_HOLDOUT:
		if (!has_holdout(f))
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "no purchase after the calibration end: no "
			    "holdout to compare with");
		memcpy(names, hold_names, sizeof(hold_names));
		nn = 4;
		break;
	case REP_TRACKING:
		memcpy(names, track_names, sizeof(track_names));
		nn = 6;
		break;
	default:
		names[nn++] = user_name(o);
		for (size_t i = 0; i < 10; i++)
			if (i != 4 || has_holdout(f))
				names[nn++] = cust_names[i];
		break;
	}
	/* Fit every segment before writing, so that a fit that fails
	 * leaves no half table. */
	size_t nseg = 0;
	struct seg *segs = NULL;
	for (size_t i = 0, j; i < f->n; i = j, nseg++)
		j = seg_end(f, i);
	if ((segs = calloc(nseg, sizeof(*segs))) == NULL)
		return oom(err);
	for (size_t i = 0, j, s = 0; rc == 0 && i < f->n; i = j, s++) {
		j = seg_end(f, i);
		if (seg_summarise(f, i, j, &segs[s], err) < 0 ||
		    seg_fit(f, &segs[s], o->report == REP_MAIN ||
		    o->report == REP_PARAMS, err) < 0)
			rc = -1;
	}
	if (rc == 0 && (w = fin_writer(f, names, nn)) == NULL)
		rc = oom(err);
	for (size_t s = 0; rc == 0 && s < nseg; s++) {
		switch (o->report) {
		case REP_PARAMS:
			params(f, &segs[s], w);
			break;
		case REP_HOLDOUT:
			holdout(f, &segs[s], w);
			break;
		case REP_TRACKING:
			rc = tracking(f, &segs[s], w, err);
			break;
		default:
			rc = customers(f, &segs[s], w, err);
			break;
		}
	}
	if (rc == 0)
		rc = voc_writer_close(w, 0, err);
	else if (w != NULL)
		voc_writer_close(w, 0, NULL);
	for (size_t s = 0; s < nseg; s++)
		seg_free(&segs[s]);
	free(segs);
	return rc;
}

/* ---- --rfm ---- */

static int
rfm(struct fin *f, struct voc_error *err)
{
	static const char *const base[] = {"first", "last", "purchases",
	    "revenue", "frequency", "recency", "T", "monetary",
	    "holdout_purchases"};
	const char *names[12];
	size_t nn = 0;
	struct voc_writer *w;
	struct voc_btyd_purchase *p = NULL;
	size_t cap = 0;
	int hold = has_holdout(f);

	names[nn++] = user_name(f->o);
	for (size_t i = 0; i < 9; i++)
		if (i != 8 || hold)
			names[nn++] = base[i];
	if ((w = fin_writer(f, names, nn)) == NULL)
		return oom(err);
	for (size_t k = 0; k < f->n; k++) {
		const struct cust *s = f->cv[k].s;
		const struct pday *d = cust_cdays(s);
		struct voc_btyd_customer c;
		int64_t revenue = 0;
		size_t np = 0;
		int in;

		if (s->n > cap) {
			free(p);
			cap = (size_t)s->n * 2;
			if ((p = malloc(cap * sizeof(*p))) == NULL) {
				voc_writer_close(w, 0, NULL);
				return oom(err);
			}
		}
		for (size_t q = 0; q < s->n; q++) {
			revenue += d[q].amt;
			if (d[q].orders > 0) {
				p[np].day = d[q].day;
				p[np++].amount = voc_money_value(d[q].amt);
			}
		}
		in = np > 0 && voc_btyd_summarise(p, np, (long)f->cal_end,
		    (long)f->maxday, f->o->unit, &c, NULL) == 0;
		write_group(f, w, s);
		write_customer(w, &f->cv[k]);
		if (np > 0) {
			write_day(w, p[0].day);
			write_day(w, p[np - 1].day);
		} else {
			voc_writer_null(w);
			voc_writer_null(w);
		}
		voc_writer_int(w, (long long)np);
		voc_writer_num(w, voc_money_value(revenue));
		if (in) {
			voc_writer_int(w, c.x);
			voc_writer_num(w, c.t_x);
			voc_writer_num(w, c.T);
			voc_writer_num(w, c.x > 0 ? c.m : NAN);
		} else {
			for (int e = 0; e < 4; e++)
				voc_writer_null(w);
		}
		if (hold) {
			if (in)
				voc_writer_int(w, c.x_star);
			else
				voc_writer_null(w);
		}
	}
	free(p);
	return voc_writer_close(w, 0, err);
}

static int
finish(void *ctx, struct voc_run *run, struct voc_error *err)
{
	struct opts *o = ctx;
	struct fin f;
	int rc;

	if (fin_open(&f, o, run, err) < 0) {
		free(f.cv);
		return -1;
	}
	if (o->report == REP_RFM)
		rc = rfm(&f, err);
	else if (o->model == MODEL_HISTORICAL)
		rc = historical(&f, err);
	else if (o->model == MODEL_SIMPLE)
		rc = simple(&f, err);
	else {
		voc_btyd_threads(voc_run_threads(run));
		rc = models(&f, err);
	}
	free(f.cv);
	return rc;
}

static const struct option own_options[] = {
	{"calibration-end", required_argument, NULL, OPT_CAL_END},
	{"churn", required_argument, NULL, OPT_CHURN},
	{"discount", required_argument, NULL, OPT_DISCOUNT},
	{"holdout-table", no_argument, NULL, OPT_HOLDOUT},
	{"horizon", required_argument, NULL, OPT_HORIZON},
	{"margin", required_argument, NULL, OPT_MARGIN},
	{"model", required_argument, NULL, OPT_MODEL},
	{"params", no_argument, NULL, OPT_PARAMS},
	{"rfm", no_argument, NULL, OPT_RFM},
	{"tracking", no_argument, NULL, OPT_TRACKING},
	{"unit", required_argument, NULL, OPT_UNIT},
	{NULL, 0, NULL, 0}
};

static const struct voc_prog prog = {
	.name = PROG,
	.synopsis = synopsis,
	.help = help_text,
	.options = own_options,
	.shortopts = "",
	.state = &ltv_state,
	.state_size = state_size,
	.option = option,
	.check = check,
	.state_opts = NULL,
	.prepare = prepare,
	.row = row_step,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	struct opts o;
	int status;

	memset(&o, 0, sizeof(o));
	o.c.users = 1;
	o.c.amounts = 1;
	o.unit = 7;
	o.margin = 1;
	o.churn = -1;
	voc_stats_init();
	status = voc_prog_main(&prog, &o, &o.c, argc, argv);
	voc_tz_free(o.tz);
	return status;
}
