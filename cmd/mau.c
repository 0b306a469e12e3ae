/*
 * mau: active users the way product teams report them, from event logs
 * (a user column and a timestamp column): a daily series of DAU, WAU,
 * MAU and stickiness over rolling windows, distinct users per calendar
 * period, and growth accounting (new, retained, resurrected, churned,
 * quick ratio).
 *
 * The per-key state is one day's users, kept under the key (groups...,
 * [--by period,] day): an exact set of 64-bit user hashes, or with
 * --approx a HyperLogLog sketch (include/voc/distinct.h), plus the
 * count of anonymous events.  Day sets merge by union (sketches by
 * register maximum), so threads, shards and --merge give one pass's
 * table.  Everything that spans days (windows, periods, lifecycles) is
 * worked out in the finish step from the merged day states, in one
 * sweep over each group's days that keeps, per user, the last day it
 * was seen: the users of a window ending on day d are those whose last
 * day up to d falls in the window, so one count per day answers every
 * window and period exactly.
 */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voc/cli.h"
#include "voc/distinct.h"
#include "voc/key.h"
#include "voc/period.h"
#include "voc/prog.h"
#include "voc/stats.h"
#include "voc/text.h"
#include "voc/timeparse.h"
#include "voc/writer.h"

#define PROG "mau"
/* Days a run may span: 100 years.  More means a misread time column
 * (milliseconds read as seconds), and would only waste memory. */
#define MAX_SPAN 36600
#define MAX_WINDOW 366

enum {
	OPT_APPROX = VOC_OPT_PROG,
	OPT_LIFECYCLE,
	OPT_MAU_DAYS,
	OPT_WAU_DAYS
};

struct opts {
	struct voc_common c;	/* with -u */
	int approx, lifecycle;
	long long wau_days, mau_days;
	size_t user_col;	/* resolved by prepare */
	struct voc_tz *tz;	/* --tz, loaded by prepare */
};

/* One day's users (of one group). */
struct acc {
	union {
		struct voc_set set;
		struct voc_hll hll;
	} u;
	long long nouser;	/* events without a user id */
};

static const char synopsis[] =
    "-u COL -t COL [--by PERIOD] [--lifecycle] [--approx]\n"
    "           [--wau-days N] [--mau-days N] [-g COLS] [OPTIONS] "
    "[FILE ...]";

static const char help_text[] =
    "Active users of an event log: a daily series of DAU, WAU, MAU and "
    "stickiness,\nwith --by the distinct users of each period, with "
    "--lifecycle growth accounting.\n\n"
    "  --approx                 HyperLogLog sketches (0.81% standard "
    "error), not exact sets\n"
    "  --lifecycle              new, retained, resurrected and churned "
    "users per period\n"
    "                           (--by week or month; default month)\n"
    "  --mau-days N             days of the MAU window (default 28)\n"
    "  --wau-days N             days of the WAU window (default 7)\n";

static size_t
state_size(const void *ctx)
{
	(void)ctx;
	return sizeof(struct acc);
}

static int
option(void *ctx, int ch, const char *arg, struct voc_error *err)
{
	struct opts *o = ctx;

	switch (ch) {
	case OPT_APPROX:
		o->approx = 1;
		return 0;
	case OPT_LIFECYCLE:
		o->lifecycle = 1;
		return 0;
	case OPT_MAU_DAYS:
		return voc_cli_integer(arg, 1, MAX_WINDOW, "--mau-days",
		    &o->mau_days, err);
	case OPT_WAU_DAYS:
		return voc_cli_integer(arg, 1, MAX_WINDOW, "--wau-days",
		    &o->wau_days, err);
	}
	return 0;
}

static int
check(void *ctx, struct voc_common *c, struct voc_error *err)
{
	struct opts *o = ctx;

	if (c->time_col == NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "the timestamp column is required: add -t COL");
	if (c->weight_col != NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "mau counts users, which take no weights: drop -w");
	if (o->lifecycle && o->approx)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--lifecycle needs exact sets: it compares users across "
		    "periods, which sketches cannot do; drop --approx");
	if (o->lifecycle && c->by == VOC_BY_NONE)
		c->by = VOC_BY_MONTH;
	return 0;
}

/* Only --approx shapes the state: the windows and tables are worked out
 * at the end, so one state serves them all. */
static size_t
state_opts(const void *ctx, struct voc_prog_opt *p)
{
	const struct opts *o = ctx;

	p[0].name = "--approx";
	snprintf(p[0].value, sizeof(p[0].value), "%s", o->approx ? "yes" :
	    "");
	return 1;
}

static int
prepare(void *ctx, const struct voc_input *in, struct voc_error *err)
{
	struct opts *o = ctx;

	if (voc_input_column(in, o->c.user_col, &o->user_col, err) < 0)
		return -1;
	if (o->tz == NULL && (o->tz = voc_tz_load(o->c.tz, err)) == NULL)
		return -1;
	return 0;
}

static int
row_step(const void *ctx, struct voc_run *run, const struct voc_record *rec,
    struct voc_error *err)
{
	const struct opts *o = ctx;
	const char *s = rec->row->field[o->user_col];
	size_t len = rec->row->len[o->user_col];
	char buf[512];
	struct voc_key k = {buf, 0, sizeof(buf)};
	struct acc *a;
	int rc;

	/* The key fits the stack buffer unless the group values are long;
	 * then voc_key grows a buffer of its own. */
	if (rec->keylen + 9 > sizeof(buf)) {
		k.buf = NULL;
		k.cap = 0;
	}
	if (voc_key_bytes(&k, rec->key, rec->keylen) < 0 ||
	    voc_key_int(&k, voc_period_index(VOC_BY_DAY, o->tz, rec->time)) <
	    0 || (a = voc_run_state(run, k.buf, k.len)) == NULL) {
		if (k.buf != buf)
			voc_key_free(&k);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	}
	if (k.buf != buf)
		voc_key_free(&k);
	voc_text_trim(&s, &len);
	if (len == 0) {
		a->nouser++;
		return 0;
	}
	if (o->approx)
		rc = voc_hll_add(&a->u.hll, voc_distinct_hash(s, len), err);
	else
		rc = voc_set_add(&a->u.set, voc_distinct_hash(s, len), err);
	return rc < 0 ? -1 : 0;
}

/* ---- the per-key state ---- */

static int
acc_merge(void *dst, const void *src, const void *cfg)
{
	const struct opts *o = cfg;
	struct acc *a = dst;
	const struct acc *b = src;
	struct voc_error err;

	a->nouser += b->nouser;
	if (o->approx)
		return voc_hll_merge(&a->u.hll, &b->u.hll, &err);
	return voc_set_merge(&a->u.set, &b->u.set, &err);
}

static void
acc_fini(void *st, const void *cfg)
{
	const struct opts *o = cfg;
	struct acc *a = st;

	if (o->approx)
		voc_hll_clear(&a->u.hll);
	else
		voc_set_clear(&a->u.set);
}

/* The state line's values: the anonymous events, then the token of the
 * set ("s1:...") or sketch ("h1:..."). */
static int
acc_save(const void *st, struct voc_enc *e, const void *cfg)
{
	const struct opts *o = cfg;
	const struct acc *a = st;
	struct voc_error err;
	char *tok = o->approx ? voc_hll_save(&a->u.hll, &err) :
	    voc_set_save(&a->u.set, &err);
	int rc;

	if (tok == NULL)
		return -1;
	rc = voc_enc_int(e, a->nouser) | voc_enc_str(e, tok, strlen(tok));
	free(tok);
	return rc ? -1 : 0;
}

static int
acc_load(void *st, struct voc_dec *d, const void *cfg, struct voc_error *err)
{
	const struct opts *o = cfg;
	struct acc *a = st;
	const char *tok;
	size_t len;

	if (voc_dec_int(d, &a->nouser, err) < 0 ||
	    voc_dec_str(d, &tok, &len, err) < 0)
		return -1;
	if (a->nouser < 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "a negative count of anonymous events");
	if (o->approx)
		return voc_hll_load(&a->u.hll, tok, len, err);
	return voc_set_load(&a->u.set, tok, len, err);
}

static const struct voc_state_ops mau_state = {
	"mau-days", 1, NULL, acc_merge, acc_fini, acc_save, acc_load, NULL
};

/* ---- the last day each user was seen ---- */

/*
 * An open-addressing map from a user's hash to the last day (an offset
 * from the first day of the run) it was seen.  The hash 0 marks an
 * empty slot, so that user (one in 2^64) is kept apart.
 */
struct lastseen {
	uint64_t *key;
	int32_t *day;
	size_t cap, used;
	int32_t zero_day;	/* -1: the hash 0 not seen */
};

/* Empties m and frees its tables: each group starts small, so a run of
 * many small groups after a large one does not clear a large table each
 * time. */
static void
ls_free(struct lastseen *m)
{
	free(m->key);
	free(m->day);
	memset(m, 0, sizeof(*m));
	m->zero_day = -1;
}

static int
ls_grow(struct lastseen *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	uint64_t *key = calloc(cap, sizeof(*key));
	int32_t *day = malloc(cap * sizeof(*day));

	if (key == NULL || day == NULL) {
		free(key);
		free(day);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (m->key[i] == 0)
			continue;
		size_t j = (size_t)(m->key[i] >> 1) & (cap - 1);
		while (key[j] != 0)
			j = (j + 1) & (cap - 1);
		key[j] = m->key[i];
		day[j] = m->day[i];
	}
	free(m->key);
	free(m->day);
	m->key = key;
	m->day = day;
	m->cap = cap;
	return 0;
}

/* Sets h's last day to day; *prev gets the one before (-1: none).
 * Returns 0, or -1 when out of memory. */
static int
ls_put(struct lastseen *m, uint64_t h, int32_t day, int32_t *prev)
{
	if (h == 0) {
		*prev = m->zero_day;
		m->zero_day = day;
		return 0;
	}
	if ((m->used + 1) * 2 > m->cap && ls_grow(m) < 0)
		return -1;
	size_t j = (size_t)(h >> 1) & (m->cap - 1);
	while (m->key[j] != 0 && m->key[j] != h)
		j = (j + 1) & (m->cap - 1);
	if (m->key[j] == h) {
		*prev = m->day[j];
	} else {
		*prev = -1;
		m->key[j] = h;
		m->used++;
	}
	m->day[j] = day;
	return 0;
}

/* ---- the finish step ---- */

/* What one group's sweep over the days [0, nd) of the run gives. */
struct sweep {
	size_t nd;			/* days of the run */
	const struct acc **day;		/* the group's day states (or NULL) */
	int64_t *pidx;			/* each day's period (with --by) */
	long long *dau, *wau, *mau;	/* -1: the window is cut off */
	long long *nouser;
	/* per period, indexed by pidx - pidx[0] */
	size_t np;
	long long *users, *days, *dausum, *pnouser;
	long long *nnew, *retained, *resurrected;
};

/* The sum of cnt[lo..hi], or -1 when lo < 0 (a window that reaches
 * before the first day of the run is not known). */
static long long
window_sum(const long long *cnt, long long lo, long long hi)
{
	long long s = 0;

	if (lo < 0)
		return -1;
	for (long long i = lo; i <= hi; i++)
		s += cnt[i];
	return s;
}

/* The exact sweep: cnt[d] is the number of users whose last day so far
 * is d, so the users of days [lo, d] are the sum of cnt[lo..d]. */
static int
sweep_exact(const struct opts *o, struct sweep *s, struct lastseen *m,
    long long *cnt)
{
	int by = o->c.by != VOC_BY_NONE;
	long long pstart = 0;

	ls_free(m);
	memset(cnt, 0, s->nd * sizeof(*cnt));
	for (size_t k = 0; k < s->nd; k++) {
		const struct acc *a = s->day[k];
		int64_t p = by ? s->pidx[k] - s->pidx[0] : 0;

		if (by && (k == 0 || s->pidx[k] != s->pidx[k - 1]))
			pstart = (long long)k;
		s->dau[k] = a ? (long long)voc_set_count(&a->u.set) : 0;
		s->nouser[k] = a ? a->nouser : 0;
		if (a != NULL) {
			size_t pos = 0;
			uint64_t h;
			int32_t prev;

			while (voc_set_next(&a->u.set, &pos, &h)) {
				if (ls_put(m, h, (int32_t)k, &prev) < 0)
					return -1;
				if (prev >= 0)
					cnt[prev]--;
				cnt[k]++;
				if (!by || (prev >= 0 && s->pidx[prev] ==
				    s->pidx[k]))
					continue;
				if (prev < 0)
					s->nnew[p]++;
				else if (s->pidx[prev] == s->pidx[k] - 1)
					s->retained[p]++;
				else
					s->resurrected[p]++;
			}
		}
		s->wau[k] = window_sum(cnt, (long long)k - o->wau_days + 1,
		    (long long)k);
		s->mau[k] = window_sum(cnt, (long long)k - o->mau_days + 1,
		    (long long)k);
		if (by && (k + 1 == s->nd || s->pidx[k + 1] != s->pidx[k]))
			s->users[p] = window_sum(cnt, pstart, (long long)k);
	}
	return 0;
}

static long long
estimate(const struct voc_hll *h)
{
	return llround(voc_hll_estimate(h));
}

/* The users of days [lo, hi] by a merged sketch, or -1 when lo < 0. */
static long long
union_estimate(const struct sweep *s, long long lo, long long hi,
    struct voc_hll *scratch)
{
	struct voc_error err;

	if (lo < 0)
		return -1;
	voc_hll_clear(scratch);
	for (long long i = lo; i <= hi; i++)
		if (s->day[i] != NULL &&
		    voc_hll_merge(scratch, &s->day[i]->u.hll, &err) < 0)
			return -2;
	return estimate(scratch);
}

static int
sweep_approx(const struct opts *o, struct sweep *s, struct voc_hll *scratch)
{
	int by = o->c.by != VOC_BY_NONE;
	long long pstart = 0;

	for (size_t k = 0; k < s->nd; k++) {
		const struct acc *a = s->day[k];
		long long kk = (long long)k;

		if (by && (k == 0 || s->pidx[k] != s->pidx[k - 1]))
			pstart = kk;
		s->dau[k] = a ? estimate(&a->u.hll) : 0;
		s->nouser[k] = a ? a->nouser : 0;
		if (!by) {
			s->wau[k] = union_estimate(s, kk - o->wau_days + 1, kk,
			    scratch);
			s->mau[k] = union_estimate(s, kk - o->mau_days + 1, kk,
			    scratch);
			if (s->wau[k] < -1 || s->mau[k] < -1)
				return -1;
		} else if (k + 1 == s->nd || s->pidx[k + 1] != s->pidx[k]) {
			s->users[s->pidx[k] - s->pidx[0]] = union_estimate(s,
			    pstart, kk, scratch);
			if (s->users[s->pidx[k] - s->pidx[0]] < -1)
				return -1;
		}
	}
	return 0;
}

/* A share in percent, or unknown. */
static double
pct(long long part, long long whole)
{
	return part < 0 || whole <= 0 ? NAN : 100.0 * (double)part /
	    (double)whole;
}

static void
write_count(struct voc_writer *w, long long v)
{
	if (v < 0)
		voc_writer_null(w);
	else
		voc_writer_int(w, v);
}

static void
write_group(const struct opts *o, struct voc_run *run, struct voc_writer *w,
    const struct sweep *s, const char *key, size_t prefix, int64_t first)
{
	char label[64];

	if (o->c.by == VOC_BY_NONE) {
		for (size_t k = 0; k < s->nd; k++) {
			voc_run_key_write(run, w, key, prefix);
			voc_period_label(VOC_BY_DAY, first + (int64_t)k, label,
			    sizeof(label));
			voc_writer_str(w, label);
			voc_writer_int(w, s->dau[k]);
			write_count(w, s->wau[k]);
			write_count(w, s->mau[k]);
			voc_writer_num(w, s->mau[k] < 0 ? NAN : pct(s->dau[k],
			    s->mau[k]));
			voc_writer_int(w, s->nouser[k]);
		}
		return;
	}
	for (size_t p = 0; p < s->np; p++) {
		voc_run_key_write(run, w, key, prefix);
		voc_period_label(o->c.by, s->pidx[0] + (int64_t)p, label,
		    sizeof(label));
		voc_writer_str(w, label);
		if (o->lifecycle) {
			long long churned = p == 0 ? 0 :
			    s->users[p - 1] - s->retained[p];

			voc_writer_int(w, s->users[p]);
			voc_writer_int(w, s->nnew[p]);
			voc_writer_int(w, s->retained[p]);
			voc_writer_int(w, s->resurrected[p]);
			voc_writer_int(w, churned);
			voc_writer_num(w, churned == 0 ? NAN :
			    (double)(s->nnew[p] + s->resurrected[p]) /
			    (double)churned);
		} else {
			double avg = (double)s->dausum[p] / (double)s->days[p];

			voc_writer_int(w, s->days[p]);
			voc_writer_int(w, s->users[p]);
			voc_writer_num(w, avg);
			/* One division, so 4/3 users of 3 reads 44.44...4,
			 * not the rounding of avg carried on. */
			voc_writer_num(w, s->users[p] > 0 ?
			    100.0 * (double)s->dausum[p] /
			    ((double)s->days[p] * (double)s->users[p]) : NAN);
		}
		voc_writer_int(w, s->pnouser[p]);
	}
}

/* The length of the group part of a key (its first ngroups parts) and
 * the day (its last part). */
static int
split_key(const char *key, size_t keylen, size_t ngroups, size_t *prefix,
    int64_t *day)
{
	struct voc_key_part part;
	size_t pos = 0, n = 0;

	*prefix = 0;
	while (voc_key_next(key, keylen, &pos, &part)) {
		if (++n == ngroups)
			*prefix = pos;
		if (pos == keylen) {
			if (!part.is_int)
				return -1;
			*day = part.v;
			return 0;
		}
	}
	return -1;
}

static void *
xcalloc(size_t n, size_t size, int *fail)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		*fail = 1;
	return p;
}

static int
finish(void *ctx, struct voc_run *run, struct voc_error *err)
{
	static const char *const daily[] = {"date", "dau", "wau", "mau",
	    "stickiness_pct", "no_user"};
	static const char *const period[] = {"days", "users", "avg_dau",
	    "stickiness_pct", "no_user"};
	static const char *const life[] = {"users", "new", "retained",
	    "resurrected", "churned", "quick_ratio", "no_user"};
	struct opts *o = ctx;
	struct voc_table *t = voc_run_table(run);
	size_t n = voc_table_count(t), nkeys = voc_run_nkeys(run);
	size_t ngroups = nkeys - (o->c.by != VOC_BY_NONE);
	int64_t first = INT64_MAX, last = INT64_MIN;
	struct voc_entry e;
	struct voc_writer *w = NULL;
	struct voc_tz *utc = NULL;
	struct lastseen m;
	struct voc_hll scratch;
	struct sweep s;
	long long *cnt = NULL;
	size_t *prefix = NULL;
	int64_t *day = NULL;
	int fail = 0, rc = -1;

	memset(&m, 0, sizeof(m));
	m.zero_day = -1;
	memset(&s, 0, sizeof(s));
	voc_hll_init(&scratch);
	if (n == 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "no events to count");
	if (voc_table_sort(t) < 0 ||
	    (prefix = calloc(n, sizeof(*prefix))) == NULL ||
	    (day = calloc(n, sizeof(*day))) == NULL) {
		fail = 1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		voc_table_at(t, i, &e);
		if (split_key(e.key, e.keylen, ngroups, &prefix[i], &day[i]) <
		    0) {
			voc_error_set(err, VOC_ERR_DATA, NULL, 0, "a state key "
			    "without its day: not a state mau wrote");
			goto out;
		}
		if (day[i] < first)
			first = day[i];
		if (day[i] > last)
			last = day[i];
	}
	if (last - first >= MAX_SPAN) {
		char a[32], b[32];

		voc_period_label(VOC_BY_DAY, first, a, sizeof(a));
		voc_period_label(VOC_BY_DAY, last, b, sizeof(b));
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "the events span "
		    "%s to %s, more than 100 years: is the time column read "
		    "right?", a, b);
		goto out;
	}
	s.nd = (size_t)(last - first + 1);
	s.day = xcalloc(s.nd, sizeof(*s.day), &fail);
	s.pidx = xcalloc(s.nd, sizeof(*s.pidx), &fail);
	s.dau = xcalloc(s.nd, sizeof(*s.dau), &fail);
	s.wau = xcalloc(s.nd, sizeof(*s.wau), &fail);
	s.mau = xcalloc(s.nd, sizeof(*s.mau), &fail);
	s.nouser = xcalloc(s.nd, sizeof(*s.nouser), &fail);
	cnt = xcalloc(s.nd, sizeof(*cnt), &fail);
	if (fail || (utc = voc_tz_load("UTC", err)) == NULL)
		goto out;
	/* Day indices count local days, so a day's midnight read as UTC
	 * falls in the day's own week, month or year. */
	if (o->c.by != VOC_BY_NONE) {
		for (size_t k = 0; k < s.nd; k++)
			s.pidx[k] = voc_period_index(o->c.by, utc,
			    (first + (int64_t)k) * 86400);
		s.np = (size_t)(s.pidx[s.nd - 1] - s.pidx[0] + 1);
	}
	s.users = xcalloc(s.np, sizeof(long long), &fail);
	s.days = xcalloc(s.np, sizeof(long long), &fail);
	s.dausum = xcalloc(s.np, sizeof(long long), &fail);
	s.pnouser = xcalloc(s.np, sizeof(long long), &fail);
	s.nnew = xcalloc(s.np, sizeof(long long), &fail);
	s.retained = xcalloc(s.np, sizeof(long long), &fail);
	s.resurrected = xcalloc(s.np, sizeof(long long), &fail);
	if (fail)
		goto out;
	if (o->c.by == VOC_BY_NONE)
		w = voc_run_writer(run, daily, 6);
	else if (o->lifecycle)
		w = voc_run_writer(run, life, 7);
	else
		w = voc_run_writer(run, period, 5);
	if (w == NULL) {
		fail = 1;
		goto out;
	}
	for (size_t i = 0, j; i < n; i = j) {
		struct voc_entry g;

		voc_table_at(t, i, &g);
		memset(s.day, 0, s.nd * sizeof(*s.day));
		for (j = i; j < n; j++) {
			voc_table_at(t, j, &e);
			if (prefix[j] != prefix[i] ||
			    memcmp(e.key, g.key, prefix[i]) != 0)
				break;
			s.day[day[j] - first] = e.st;
		}
		for (size_t p = 0; p < s.np; p++)
			s.users[p] = s.days[p] = s.dausum[p] = s.pnouser[p] =
			    s.nnew[p] = s.retained[p] = s.resurrected[p] = 0;
		if ((o->approx ? sweep_approx(o, &s, &scratch) :
		    sweep_exact(o, &s, &m, cnt)) < 0) {
			fail = 1;
			goto out;
		}
		for (size_t k = 0; o->c.by != VOC_BY_NONE && k < s.nd; k++) {
			size_t p = (size_t)(s.pidx[k] - s.pidx[0]);

			s.days[p]++;
			s.dausum[p] += s.dau[k];
			s.pnouser[p] += s.nouser[k];
		}
		write_group(o, run, w, &s, g.key, prefix[i], first);
	}
	rc = voc_writer_close(w, 0, err);
	w = NULL;
out:
	if (fail)
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	if (w != NULL) {
		struct voc_error ignored;

		voc_writer_close(w, 0, &ignored);
	}
	voc_tz_free(utc);
	voc_hll_clear(&scratch);
	ls_free(&m);
	free(cnt);
	free(prefix);
	free(day);
	free(s.day);
	free(s.pidx);
	free(s.dau);
	free(s.wau);
	free(s.mau);
	free(s.nouser);
	free(s.users);
	free(s.days);
	free(s.dausum);
	free(s.pnouser);
	free(s.nnew);
	free(s.retained);
	free(s.resurrected);
	return rc;
}

static const struct option own_options[] = {
	{"approx", no_argument, NULL, OPT_APPROX},
	{"lifecycle", no_argument, NULL, OPT_LIFECYCLE},
	{"mau-days", required_argument, NULL, OPT_MAU_DAYS},
	{"wau-days", required_argument, NULL, OPT_WAU_DAYS},
	{NULL, 0, NULL, 0}
};

static const struct voc_prog prog = {
	.name = PROG,
	.synopsis = synopsis,
	.help = help_text,
	.options = own_options,
	.shortopts = "",
	.state = &mau_state,
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
	int status;

	memset(&o, 0, sizeof(o));
	o.c.users = 1;
	o.wau_days = 7;
	o.mau_days = 28;
	voc_stats_init();
	status = voc_prog_main(&prog, &o, &o.c, argc, argv);
	voc_tz_free(o.tz);
	return status;
}
