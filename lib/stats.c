/*
 * Mergeable statistics (see include/voc/stats.h).  Every state is sums,
 * so merging is addition; weighted and unweighted data share one code
 * path, the unweighted case being weights of 1.
 *
 * Weights may come at any scale (survey weights of 1e-200 or 1e300 are
 * a unit choice, not an error), and every result is a ratio in which
 * the scale cancels.  The sums of squared weights, though, would leave
 * the range of a double long before the weights do.  So the sums are
 * kept relative to a power of two, 2^scale: 0 for weights between
 * 2^-64 and 2^64 (then the sums are the plain ones, exactly as before),
 * else the binary exponent of the first weight, moved up when a weight
 * more than 2^128 times larger comes.  Scaling by a power of two is
 * exact, so states of ordinary weights merge exactly as before.
 *
 * Each sum keeps beside it what rounding has left out (Neumaier's
 * compensated summation; see include/voc/stats.h), so that one pass and
 * parts merged give the same bits: plain sums of fractional weights
 * differed in their last digits between -j 1 and -j 2.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "voc/state.h"
#include "voc/stats.h"

void
voc_stats_init(void)
{
	gsl_set_error_handler_off();
}

double
voc_stats_z(double conf)
{
	/* The last level asked for, per thread: every row of a table asks
	 * for the same one, and the inverse was 5 % of writing 100,000
	 * rows. */
	static _Thread_local double last_conf = NAN, last_z;

	if (!(conf > 0 && conf < 1))
		return NAN;
	if (conf != last_conf) {
		last_z = gsl_cdf_ugaussian_Pinv(1 - (1 - conf) / 2);
		last_conf = conf;
	}
	return last_z;
}

double
voc_stats_p(double z)
{
	if (isnan(z))
		return NAN;
	return 2 * gsl_cdf_ugaussian_Q(fabs(z));
}

enum voc_nps_class
voc_nps_classify(int score)
{
	return score >= 9 ? VOC_NPS_PROMOTER : score >= 7 ? VOC_NPS_PASSIVE :
	    VOC_NPS_DETRACTOR;
}

/* Weights within 2^-SCALE_FREE..2^SCALE_FREE need no scale; relative
 * weights past 2^SCALE_MOVE move it. */
#define SCALE_FREE 64
#define SCALE_MOVE 128

/*
 * The scale the sums of a state with total relative weight w should
 * have once weight is added: *to.  Returns weight relative to it.
 */
static double
scale_for(int scale, double w, double weight, int *to)
{
	int e;

	*to = scale;
	if (!(weight != 0) || isinf(weight) || isnan(weight))
		return ldexp(weight, -scale);
	frexp(weight, &e);
	if (w == 0)
		*to = e > SCALE_FREE || e < -SCALE_FREE ? e : 0;
	else if (e - scale > SCALE_MOVE)
		*to = e;
	return ldexp(weight, -*to);
}

int
voc_stats_scale(long long v, int *scale, struct voc_error *err)
{
	if (v < -VOC_SCALE_MAX || v > VOC_SCALE_MAX)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "a weights' "
		    "scale of %lld, which no run writes (it is a weight's "
		    "binary exponent, within %d either way)", v,
		    VOC_SCALE_MAX);
	*scale = (int)v;
	return 0;
}

int
voc_stats_lost(struct voc_dec *d, double *lost, struct voc_error *err)
{
	double v;

	if (voc_dec_num(d, &v, err) < 0)
		return -1;
	if (!isfinite(v))
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "what "
		    "rounding left out of a weighted sum is not a number");
	*lost = v;
	return 0;
}

/* Adds x to the sum *s, what rounding leaves out going to *lost. */
static inline void
sum_add(double *s, double *lost, double x)
{
	double t = *s + x;

	*lost += fabs(*s) >= fabs(x) ? (*s - t) + x : (x - t) + *s;
	*s = t;
}

/* Adds the sum b (and what it left out) to the sum *s. */
static inline void
sum_merge(double *s, double *lost, double b, double b_lost)
{
	sum_add(s, lost, b);
	*lost += b_lost;
}

static void
nps_rescale(struct voc_nps *a, int to)
{
	int by = a->scale - to;

	if (by == 0)
		return;
	for (int k = 0; k < 3; k++) {
		a->w[k] = ldexp(a->w[k], by);
		a->w2[k] = ldexp(a->w2[k], 2 * by);
		a->w_lost[k] = ldexp(a->w_lost[k], by);
		a->w2_lost[k] = ldexp(a->w2_lost[k], 2 * by);
	}
	a->scale = to;
}

void
voc_nps_add(struct voc_nps *a, enum voc_nps_class c, double weight)
{
	int to;
	double w = scale_for(a->scale, a->w[0] + a->w[1] + a->w[2], weight,
	    &to);

	if (to != a->scale)
		nps_rescale(a, to);
	a->n[c]++;
	sum_add(&a->w[c], &a->w_lost[c], w);
	sum_add(&a->w2[c], &a->w2_lost[c], w * w);
}

void
voc_nps_settle(struct voc_nps *a)
{
	for (int k = 0; k < 3; k++) {
		a->w[k] += a->w_lost[k];
		a->w2[k] += a->w2_lost[k];
		a->w_lost[k] = a->w2_lost[k] = 0;
	}
}

/* The common scale of two states: that of the one with the larger
 * weights, or the other's when one has no weight at all. */
static int
common_scale(int sa, double wa, int sb, double wb)
{
	if (wa == 0)
		return sb;
	if (wb == 0)
		return sa;
	return sa > sb ? sa : sb;
}

void
voc_nps_merge(struct voc_nps *a, const struct voc_nps *b)
{
	struct voc_nps t = *b;
	int to = common_scale(a->scale, a->w[0] + a->w[1] + a->w[2],
	    b->scale, b->w[0] + b->w[1] + b->w[2]);

	nps_rescale(a, to);
	nps_rescale(&t, to);
	for (int k = 0; k < 3; k++) {
		a->n[k] += t.n[k];
		sum_merge(&a->w[k], &a->w_lost[k], t.w[k], t.w_lost[k]);
		sum_merge(&a->w2[k], &a->w2_lost[k], t.w2[k], t.w2_lost[k]);
	}
}

void
voc_nps_less(struct voc_nps *out, const struct voc_nps *a,
    const struct voc_nps *b)
{
	struct voc_nps x = *a, y = *b;
	int to = common_scale(a->scale, a->w[0] + a->w[1] + a->w[2],
	    b->scale, b->w[0] + b->w[1] + b->w[2]);

	nps_rescale(&x, to);
	nps_rescale(&y, to);
	for (int k = 0; k < 3; k++) {
		x.n[k] -= y.n[k];
		sum_merge(&x.w[k], &x.w_lost[k], -y.w[k], -y.w_lost[k]);
		sum_merge(&x.w2[k], &x.w2_lost[k], -y.w2[k], -y.w2_lost[k]);
	}
	*out = x;
}

static double
clamp1(double v)
{
	return v < -1 ? -1 : v > 1 ? 1 : v;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
bootstrap(const struct voc_nps *a, long long n, double conf, long resamples,
    unsigned long seed, double *lo, double *hi)
{
	double p[3], *est = malloc((size_t)resamples * sizeof(double));
	unsigned int draw[3];
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

	if (est == NULL || rng == NULL) {
		free(est);
		gsl_rng_free(rng);
		return -1;
	}
	gsl_rng_set(rng, seed);
	for (int k = 0; k < 3; k++)
		p[k] = (double)a->n[k] / (double)n;
	for (long i = 0; i < resamples; i++) {
		gsl_ran_multinomial(rng, 3, (unsigned)n, p, draw);
		est[i] = ((double)draw[VOC_NPS_PROMOTER] -
		    (double)draw[VOC_NPS_DETRACTOR]) / (double)n;
	}
	qsort(est, (size_t)resamples, sizeof(double), cmp_double);
	*lo = gsl_stats_quantile_from_sorted_data(est, 1, (size_t)resamples,
	    (1 - conf) / 2);
	*hi = gsl_stats_quantile_from_sorted_data(est, 1, (size_t)resamples,
	    1 - (1 - conf) / 2);
	free(est);
	gsl_rng_free(rng);
	return 0;
}

int
voc_nps_result(const struct voc_nps *sums, enum voc_ci ci, double conf,
    long resamples, unsigned long seed, struct voc_nps_result *r)
{
	struct voc_nps settled = *sums, *a = &settled;

	voc_nps_settle(a);
	double W = a->w[0] + a->w[1] + a->w[2];
	double W2 = a->w2[0] + a->w2[1] + a->w2[2];
	double z = voc_stats_z(conf);
	static const double y[3] = {-1, 0, 1};

	r->n = a->n[0] + a->n[1] + a->n[2];
	if (r->n == 0 || !(W > 0)) {
		r->share[0] = r->share[1] = r->share[2] = NAN;
		r->nps = r->se = r->lo = r->hi = r->n_eff = NAN;
		if (r->n > 0)
			r->n_eff = 0;
		return 0;
	}
	for (int k = 0; k < 3; k++)
		r->share[k] = a->w[k] / W;
	r->nps = r->share[VOC_NPS_PROMOTER] - r->share[VOC_NPS_DETRACTOR];
	double var = 0;
	for (int k = 0; k < 3; k++)
		var += a->w2[k] * (y[k] - r->nps) * (y[k] - r->nps);
	var /= W * W;
	r->se = sqrt(var);
	r->n_eff = W * W / W2;
	switch (ci) {
	case VOC_CI_WALD:
		r->lo = clamp1(r->nps - z * r->se);
		r->hi = clamp1(r->nps + z * r->se);
		break;
	case VOC_CI_ADJUSTED_WALD: {
		static const double add[3] = {0.75, 1.5, 0.75};
		double c[3], nt = r->n_eff + 3;

		for (int k = 0; k < 3; k++)
			c[k] = (r->n_eff * r->share[k] + add[k]) / nt;
		double m = c[VOC_NPS_PROMOTER] - c[VOC_NPS_DETRACTOR];
		double se = sqrt((c[VOC_NPS_PROMOTER] + c[VOC_NPS_DETRACTOR] -
		    m * m) / nt);
		r->lo = clamp1(m - z * se);
		r->hi = clamp1(m + z * se);
		break;
	}
	case VOC_CI_BOOTSTRAP:
		if (bootstrap(a, r->n, conf, resamples, seed, &r->lo, &r->hi)
		    < 0)
			return -1;
		break;
	}
	return 0;
}

void
voc_stats_diff(double a, double se_a, double b, double se_b, double conf,
    double *lo, double *hi, double *p)
{
	double d = b - a, se = sqrt(se_a * se_a + se_b * se_b);
	double z = voc_stats_z(conf);

	*lo = d - z * se;
	*hi = d + z * se;
	*p = se > 0 ? voc_stats_p(d / se) : NAN;
}

void
voc_stats_wilson(double p, double n, double conf, double *lo, double *hi)
{
	double z = voc_stats_z(conf), z2 = z * z;

	if (!(n > 0)) {
		*lo = *hi = NAN;
		return;
	}
	double d = 1 + z2 / n;
	double c = (p + z2 / (2 * n)) / d;
	double h = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / d;
	*lo = c - h < 0 ? 0 : c - h;
	*hi = c + h > 1 ? 1 : c + h;
}

void
voc_stats_newcombe(double p1, double n1, double p2, double n2, double conf,
    double *lo, double *hi, double *pvalue)
{
	double l1, u1, l2, u2, d = p2 - p1;

	voc_stats_wilson(p1, n1, conf, &l1, &u1);
	voc_stats_wilson(p2, n2, conf, &l2, &u2);
	*lo = d - sqrt((p2 - l2) * (p2 - l2) + (u1 - p1) * (u1 - p1));
	*hi = d + sqrt((u2 - p2) * (u2 - p2) + (p1 - l1) * (p1 - l1));
	double pool = (p1 * n1 + p2 * n2) / (n1 + n2);
	double se = sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2));
	*pvalue = se > 0 ? voc_stats_p(d / se) : NAN;
}

double
voc_stats_newcombe_p(double p1, double n1, double p2, double n2)
{
	double lo, hi, pv, a = 0, b = 1;

	if (!(n1 > 0 && n2 > 0) || isnan(p1) || isnan(p2))
		return NAN;
	if (p1 == p2)
		return 1;
	/* The bound nearer 0 moves away from the difference as the level
	 * rises: bisect on 1 - level for the level whose bound is 0. */
	for (int i = 0; i < 80; i++) {
		double m = (a + b) / 2;

		voc_stats_newcombe(p1, n1, p2, n2, 1 - m, &lo, &hi, &pv);
		if ((p2 > p1 ? lo : -hi) > 0)
			b = m;	/* 0 outside at level 1 - m: p < m */
		else
			a = m;
	}
	return (a + b) / 2;
}

/* The rating's sums in the order of its lost[]. */
static void
rating_sums(struct voc_rating *a, double *s[VOC_RATING_SUMS])
{
	s[0] = &a->w;
	s[1] = &a->wx;
	s[2] = &a->wx2;
	s[3] = &a->w2;
	s[4] = &a->top_w;
	s[5] = &a->bottom_w;
}

static void
rating_rescale(struct voc_rating *a, int to)
{
	int by = a->scale - to;
	double *s[VOC_RATING_SUMS];

	if (by == 0)
		return;
	rating_sums(a, s);
	for (int i = 0; i < VOC_RATING_SUMS; i++) {
		int b = s[i] == &a->w2 ? 2 * by : by;

		*s[i] = ldexp(*s[i], b);
		a->lost[i] = ldexp(a->lost[i], b);
	}
	a->scale = to;
}

void
voc_rating_settle(struct voc_rating *a)
{
	double *s[VOC_RATING_SUMS];

	rating_sums(a, s);
	for (int i = 0; i < VOC_RATING_SUMS; i++) {
		*s[i] += a->lost[i];
		a->lost[i] = 0;
	}
}

void
voc_rating_add(struct voc_rating *a, double x, double weight, int top,
    int bottom)
{
	int to;

	if (!a->fraction && weight == 1 && a->scale == 0 && x > -1024 &&
	    x < 1024 && x == (double)(int)x && a->n < (1LL << 32)) {
		/* Whole numbers onto exact whole sums (below 2^53): plain
		 * adds are exact and leave nothing out.  No weights at all
		 * is this case. */
		a->n++;
		a->w += 1;
		a->wx += x;
		a->wx2 += x * x;
		a->w2 += 1;
		a->top_n += top != 0;
		a->top_w += top != 0;
		a->bottom_n += bottom != 0;
		a->bottom_w += bottom != 0;
		return;
	}
	a->fraction = 1;
	weight = scale_for(a->scale, a->w, weight, &to);
	if (to != a->scale)
		rating_rescale(a, to);
	a->n++;
	sum_add(&a->w, &a->lost[0], weight);
	sum_add(&a->wx, &a->lost[1], weight * x);
	sum_add(&a->wx2, &a->lost[2], weight * x * x);
	sum_add(&a->w2, &a->lost[3], weight * weight);
	if (top) {
		a->top_n++;
		sum_add(&a->top_w, &a->lost[4], weight);
	}
	if (bottom) {
		a->bottom_n++;
		sum_add(&a->bottom_w, &a->lost[5], weight);
	}
}

void
voc_rating_merge(struct voc_rating *a, const struct voc_rating *src)
{
	struct voc_rating t = *src, *b = &t;
	int to = common_scale(a->scale, a->w, src->scale, src->w);
	double *sa[VOC_RATING_SUMS], *sb[VOC_RATING_SUMS];

	rating_rescale(a, to);
	rating_rescale(b, to);
	a->fraction |= b->fraction;
	a->n += b->n;
	a->top_n += b->top_n;
	a->bottom_n += b->bottom_n;
	rating_sums(a, sa);
	rating_sums(b, sb);
	for (int i = 0; i < VOC_RATING_SUMS; i++)
		sum_merge(sa[i], &a->lost[i], *sb[i], b->lost[i]);
}

void
voc_rating_less(struct voc_rating *out, const struct voc_rating *all,
    const struct voc_rating *part)
{
	struct voc_rating x = *all, y = *part, *a = &x, *b = &y;
	int to = common_scale(all->scale, all->w, part->scale, part->w);
	double *sa[VOC_RATING_SUMS], *sb[VOC_RATING_SUMS];

	rating_rescale(a, to);
	rating_rescale(b, to);
	a->n -= b->n;
	a->top_n -= b->top_n;
	a->bottom_n -= b->bottom_n;
	rating_sums(a, sa);
	rating_sums(b, sb);
	for (int i = 0; i < VOC_RATING_SUMS; i++)
		sum_merge(sa[i], &a->lost[i], -*sb[i], -b->lost[i]);
	*out = *a;
}

void
voc_weights_rating(const struct voc_weights *a, struct voc_rating *r)
{
	memset(r, 0, sizeof(*r));
	r->fraction = 1;
	r->n = a->n;
	r->w = a->w;
	r->w2 = a->w2;
	r->lost[0] = a->w_lost;
	r->lost[3] = a->w2_lost;
	r->scale = a->scale;
}

static void
weights_of(struct voc_weights *a, const struct voc_rating *r)
{
	a->n = r->n;
	a->w = r->w;
	a->w2 = r->w2;
	a->w_lost = r->lost[0];
	a->w2_lost = r->lost[3];
	a->scale = r->scale;
}

void
voc_weights_add(struct voc_weights *a, double weight)
{
	struct voc_rating r;

	voc_weights_rating(a, &r);
	voc_rating_add(&r, 0, weight, 0, 0);
	weights_of(a, &r);
}

void
voc_weights_merge(struct voc_weights *a, const struct voc_weights *b)
{
	struct voc_rating x, y;

	voc_weights_rating(a, &x);
	voc_weights_rating(b, &y);
	voc_rating_merge(&x, &y);
	weights_of(a, &x);
}

void
voc_rating_result(const struct voc_rating *sums, double conf,
    struct voc_rating_result *r)
{
	struct voc_rating settled = *sums, *a = &settled;

	voc_rating_settle(a);
	r->n = a->n;
	r->mean = r->sd = r->top = r->bottom = r->lo = r->hi = NAN;
	r->n_eff = a->n > 0 ? 0 : NAN;
	if (a->n == 0 || !(a->w > 0))
		return;
	r->mean = a->wx / a->w;
	r->top = a->top_w / a->w;
	r->bottom = a->bottom_w / a->w;
	r->n_eff = a->w * a->w / a->w2;
	/* Reliability weights: divide by W - sum w^2 / W, which is n - 1
	 * for unit weights.  The sum of squares is taken about the mean in
	 * one step, clamped at 0 against rounding. */
	double denom = a->w - a->w2 / a->w;
	if (denom > 0) {
		double ss = a->wx2 - a->wx * a->wx / a->w;
		r->sd = sqrt(ss > 0 ? ss / denom : 0);
	}
	voc_stats_wilson(r->top, r->n_eff, conf, &r->lo, &r->hi);
}
