/*
 * Survival and retention models (see include/voc/survival.h).
 *
 * The Kaplan-Meier table and the log-rank test follow R's survival
 * package line by line in what they print, including its conventions at
 * the edges (a band of [S, S] while the standard error is 0, NA once S is
 * 0, groups without expected events dropped from the test), because the
 * analyst's first check of a new tool is to run the same data through R.
 *
 * The sBG likelihood is not computed from differences of log Beta
 * functions: for the large alpha + beta that near-constant churn gives,
 * lbeta(alpha + 1, beta + t - 1) - lbeta(alpha, beta) loses every digit
 * to cancellation.  The survivor function is instead built as a running
 * sum of log retention rates, log1p(-alpha / (alpha + beta + k - 1)) (the
 * log of Fader & Hardie's recursion (7)), which stays exact however large
 * the parameters get; its derivatives are sums of reciprocals, so the
 * optimiser gets an exact gradient and the standard errors an exact
 * Hessian.  The projection functions, called on fitted parameters, use
 * the closed forms through lbeta.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_vector.h>

#include "voc/stats.h"
#include "voc/survival.h"

/* One observation, sorted by time for the Kaplan-Meier and log-rank passes. */
struct obs {
	double time;
	double w;
	int event;
	size_t group;
};

static int
obs_cmp(const void *a, const void *b)
{
	const struct obs *x = a, *y = b;

	return (x->time > y->time) - (x->time < y->time);
}

/*
 * Copies and checks the inputs common to both tests and sorts them by
 * time.  Returns the array (the caller frees it) or NULL with err filled.
 */
static struct obs *
obs_sorted(const double *time, const int *event, const double *weight,
    const size_t *group, size_t n, size_t ngroups, struct voc_error *err)
{
	struct obs *o;

	if (n == 0) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "no observations to estimate survival from");
		return NULL;
	}
	if ((o = malloc(n * sizeof(*o))) == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(time[i])) {
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "observation %zu: time is not a finite number", i);
			goto bad;
		}
		if (event[i] != 0 && event[i] != 1) {
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "observation %zu: event is %d, not 0 (censored) "
			    "or 1 (event)", i, event[i]);
			goto bad;
		}
		if (weight != NULL && !(isfinite(weight[i]) &&
		    weight[i] > 0)) {
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "observation %zu: weight %g is not a positive "
			    "number", i, weight[i]);
			goto bad;
		}
		if (group != NULL && group[i] >= ngroups) {
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "observation %zu: group %zu is not below the "
			    "%zu groups", i, group[i], ngroups);
			goto bad;
		}
		o[i].time = time[i];
		o[i].event = event[i];
		o[i].w = weight != NULL ? weight[i] : 1;
		o[i].group = group != NULL ? group[i] : 0;
	}
	qsort(o, n, sizeof(*o), obs_cmp);
	return o;
bad:
	free(o);
	return NULL;
}

/*
 * The band of one row, as R's survfit_confint (survival 3.x, R/survfit.R)
 * builds it from S and se, the standard error of log S (the square root
 * of Greenwood's sum).  Where se is 0 (no event yet) every type gives
 * [S, S]; where S is 0, se is infinite and every type gives NA.
 */
static void
km_band(enum voc_km_ci ci, double z, double s, double se, double *lo,
    double *hi)
{
	if (se == 0) {
		*lo = *hi = s;
		return;
	}
	if (s == 0 || !isfinite(se)) {
		*lo = *hi = NAN;
		return;
	}
	switch (ci) {
	case VOC_KM_CI_PLAIN:
		/* Klein & Moeschberger (4.3.1): S +- z se(S). */
		*lo = fmax(s - z * se * s, 0);
		*hi = fmin(s + z * se * s, 1);
		break;
	case VOC_KM_CI_LOG:
		*lo = exp(log(s) - z * se);
		*hi = fmin(exp(log(s) + z * se), 1);
		break;
	case VOC_KM_CI_LOGLOG:
		if (s == 1) {
			*lo = *hi = NAN;
			break;
		}
		/* The delta method on log(-log S): its se is se / |log S|;
		 * the lower edge of S is the upper edge of log(-log S). */
		*lo = exp(-exp(log(-log(s)) + z * se / -log(s)));
		*hi = exp(-exp(log(-log(s)) - z * se / -log(s)));
		break;
	}
}

int
voc_km_fit(const double *time, const int *event, const double *weight,
    size_t n, enum voc_km_ci ci, double conf, struct voc_km_row **rows,
    size_t *nrows, struct voc_error *err)
{
	struct obs *o;
	struct voc_km_row *r;
	size_t nt, k;
	double z, s, gw;

	*rows = NULL;
	*nrows = 0;
	if (ci != VOC_KM_CI_LOG && ci != VOC_KM_CI_LOGLOG &&
	    ci != VOC_KM_CI_PLAIN)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "unknown confidence interval type %d", (int)ci);
	z = voc_stats_z(conf);
	if (isnan(z))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "confidence level %g is not between 0 and 1", conf);
	if ((o = obs_sorted(time, event, weight, NULL, n, 1, err)) == NULL)
		return -1;
	nt = 1;
	for (size_t i = 1; i < n; i++)
		if (o[i].time != o[i - 1].time)
			nt++;
	if ((r = calloc(nt, sizeof(*r))) == NULL) {
		free(o);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	}
	k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && o[i].time != o[i - 1].time)
			k++;
		r[k].time = o[i].time;
		if (o[i].event)
			r[k].n_event += o[i].w;
		else
			r[k].n_censor += o[i].w;
	}
	free(o);
	/* The risk set summed from the end, so that at the last time it is
	 * exactly the events plus censorings there, and S drops to exactly
	 * 0 when everyone left has the event (weights are not integers). */
	for (size_t j = nt; j-- > 0;)
		r[j].n_risk = r[j].n_event + r[j].n_censor +
		    (j + 1 < nt ? r[j + 1].n_risk : 0);
	s = 1;
	gw = 0;
	for (size_t j = 0; j < nt; j++) {
		double d = r[j].n_event, nr = r[j].n_risk, se;

		if (d > 0) {
			s *= (nr - d) / nr;
			/* Greenwood's sum; infinite when all at risk die. */
			gw += nr > d ? d / (nr * (nr - d)) : INFINITY;
		}
		se = sqrt(gw);
		r[j].surv = s;
		r[j].std_err = s == 0 ? NAN : s * se;
		km_band(ci, z, s, se, &r[j].lo, &r[j].hi);
	}
	*rows = r;
	*nrows = nt;
	return 0;
}

/*
 * The first time the curve y is at or below 0.5, as print.survfit's
 * minmin (survival 3.x, R/print.survfit.R): NaNs skipped, and a curve
 * that sits at 0.5 (within the square root of the machine epsilon) gives
 * the midpoint between where it reached 0.5 and where it next drops.
 */
static double
km_col(const struct voc_km_row *r, int col)
{
	return col == 0 ? r->surv : col == 1 ? r->lo : r->hi;
}

static double
km_first_half(const struct voc_km_row *rows, size_t n, int col)
{
	const double tol = sqrt(DBL_EPSILON);
	size_t first = n;
	double y0, y;

	for (size_t j = 0; j < n; j++) {
		y = km_col(&rows[j], col);
		if (!isnan(y) && y < 0.5 + tol) {
			first = j;
			break;
		}
	}
	if (first == n)
		return NAN;
	y0 = km_col(&rows[first], col);
	if (fabs(y0 - 0.5) < tol)
		for (size_t j = first + 1; j < n; j++) {
			y = km_col(&rows[j], col);
			if (!isnan(y) && y < y0)
				return (rows[first].time + rows[j].time) / 2;
		}
	return rows[first].time;
}

void
voc_km_median(const struct voc_km_row *rows, size_t nrows, double *median,
    double *lo, double *hi)
{
	*median = km_first_half(rows, nrows, 0);
	*lo = km_first_half(rows, nrows, 1);
	*hi = km_first_half(rows, nrows, 2);
}

/*
 * The log-rank test as survdiff.fit computes it (survival 3.x,
 * src/survdiff2.c with rho = 0): at each event time with n at risk and d
 * events, group j expects d n_j / n, and the hypergeometric covariance of
 * the observed counts is d (n - d) / (n - 1) n_j / n (delta_jk - n_k / n).
 * The statistic is (O - E)' V^-1 (O - E) over the groups with expected
 * events less the first of them, whose row is redundant.
 */
int
voc_logrank_test(const double *time, const int *event, const size_t *group,
    size_t n, size_t ngroups, double *observed, double *expected,
    struct voc_logrank *res, struct voc_error *err)
{
	struct obs *o;
	double *risk = NULL, *obsd = NULL, *expd = NULL, *var = NULL;
	size_t *keep = NULL, nkeep = 0;
	gsl_matrix *v = NULL;
	gsl_vector *x = NULL, *dev = NULL;
	int rc = -1;

	if (ngroups < 2)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "the log-rank test needs at least two groups, not %zu",
		    ngroups);
	if ((o = obs_sorted(time, event, NULL, group, n, ngroups, err)) ==
	    NULL)
		return -1;
	risk = calloc(ngroups, sizeof(*risk));
	obsd = calloc(ngroups, sizeof(*obsd));
	expd = calloc(ngroups, sizeof(*expd));
	var = calloc(ngroups * ngroups, sizeof(*var));
	keep = calloc(ngroups, sizeof(*keep));
	if (risk == NULL || obsd == NULL || expd == NULL || var == NULL ||
	    keep == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		risk[o[i].group]++;
	for (size_t i = 0, next; i < n; i = next) {
		double nr = (double)(n - i), d = 0;

		for (next = i; next < n && o[next].time == o[i].time; next++)
			if (o[next].event) {
				d++;
				obsd[o[next].group]++;
			}
		if (d > 0) {
			for (size_t j = 0; j < ngroups; j++)
				expd[j] += d * risk[j] / nr;
			if (nr > 1)
				for (size_t j = 0; j < ngroups; j++) {
					double t = d * (nr - d) / (nr - 1) *
					    risk[j] / nr;

					var[j * ngroups + j] += t;
					for (size_t k = 0; k < ngroups; k++)
						var[j * ngroups + k] -= t *
						    risk[k] / nr;
				}
		}
		for (size_t j = i; j < next; j++)
			risk[o[j].group]--;
	}
	for (size_t j = 0; j < ngroups; j++) {
		if (observed != NULL)
			observed[j] = obsd[j];
		if (expected != NULL)
			expected[j] = expd[j];
		if (expd[j] > 0)
			keep[nkeep++] = j;
	}
	if (nkeep < 2) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "the log-rank test needs two groups with subjects at "
		    "risk at an event time; %zu %s", nkeep,
		    nkeep == 1 ? "has" : "have");
		goto out;
	}
	v = gsl_matrix_alloc(nkeep - 1, nkeep - 1);
	x = gsl_vector_alloc(nkeep - 1);
	dev = gsl_vector_alloc(nkeep - 1);
	if (v == NULL || x == NULL || dev == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t a = 1; a < nkeep; a++) {
		size_t ga = keep[a];

		gsl_vector_set(dev, a - 1, obsd[ga] - expd[ga]);
		for (size_t b = 1; b < nkeep; b++)
			gsl_matrix_set(v, a - 1, b - 1,
			    var[ga * ngroups + keep[b]]);
	}
	if (gsl_linalg_cholesky_decomp1(v) != GSL_SUCCESS ||
	    gsl_linalg_cholesky_solve(v, dev, x) != GSL_SUCCESS) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "the log-rank variance matrix is singular: the groups "
		    "cannot be compared");
		goto out;
	}
	res->chisq = 0;
	for (size_t a = 0; a + 1 < nkeep; a++)
		res->chisq += gsl_vector_get(x, a) * gsl_vector_get(dev, a);
	res->df = (int)(nkeep - 1);
	res->p = gsl_cdf_chisq_Q(res->chisq, res->df);
	rc = 0;
out:
	gsl_matrix_free(v);
	gsl_vector_free(x);
	gsl_vector_free(dev);
	free(o);
	free(risk);
	free(obsd);
	free(expd);
	free(var);
	free(keep);
	return rc;
}

/*
 * The cohorts reduced to what the likelihood (B3) needs, summed over
 * cohorts: churn[t], the customers lost at the end of period t, and
 * cens[t], the customers still active when their cohort's observation
 * ends at t (t = 1..T).
 */
struct sbg_data {
	size_t T;
	double *churn, *cens;
	double n;	/* customers in cohorts seen at least one period */
};

static int
sbg_gather(const double *const *surv, const size_t *len, size_t ncohorts,
    struct sbg_data *d, struct voc_error *err)
{
	memset(d, 0, sizeof(*d));
	if (ncohorts == 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "no cohort to fit the sBG model to");
	for (size_t k = 0; k < ncohorts; k++) {
		if (len[k] > 0 && surv[k] == NULL)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "cohort %zu has no survivor counts", k + 1);
		for (size_t t = 0; t < len[k]; t++) {
			double s = surv[k][t];

			if (!(isfinite(s) && s >= 0))
				return voc_error_set(err, VOC_ERR_DATA, NULL,
				    0, "cohort %zu, period %zu: %g is not a "
				    "count of customers", k + 1, t, s);
			if (t > 0 && s > surv[k][t - 1])
				return voc_error_set(err, VOC_ERR_DATA, NULL,
				    0, "cohort %zu: active customers grow "
				    "from %g in period %zu to %g in period "
				    "%zu; survivors of a cohort cannot grow",
				    k + 1, surv[k][t - 1], t - 1, s, t);
		}
		if (len[k] > 1 && len[k] - 1 > d->T)
			d->T = len[k] - 1;
	}
	d->churn = calloc(d->T + 1, sizeof(double));
	d->cens = calloc(d->T + 1, sizeof(double));
	if (d->churn == NULL || d->cens == NULL) {
		free(d->churn);
		free(d->cens);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	}
	for (size_t k = 0; k < ncohorts; k++) {
		if (len[k] < 2)
			continue;
		for (size_t t = 1; t < len[k]; t++)
			d->churn[t] += surv[k][t - 1] - surv[k][t];
		d->cens[len[k] - 1] += surv[k][len[k] - 1];
		d->n += surv[k][0];
	}
	return 0;
}

static void
sbg_free(struct sbg_data *d)
{
	free(d->churn);
	free(d->cens);
}

/*
 * The log-likelihood (B3) at (a, b) and, when g and h are not NULL, its
 * gradient g[0..1] and Hessian h[0..2] (aa, ab, bb) in (a, b).  With
 * q_k = a + b + k - 1 the retention rate of period k is (b + k - 1) / q_k,
 * so log S(t) = sum_{k <= t} log1p(-a / q_k), and P(T = t) =
 * S(t - 1) a / q_t (the recursion (7) of Fader & Hardie 2007).
 */
static double
sbg_ll(const struct sbg_data *d, double a, double b, double *g, double *h)
{
	double ll = 0, ls = 0;
	double sa = 0, sb = 0;		/* gradient of log S(t - 1) */
	double saa = 0, sab = 0, sbb = 0; /* its Hessian */
	double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;

	for (size_t t = 1; t <= d->T; t++) {
		double q = a + b + (double)t - 1, iq = 1 / q, iq2 = iq * iq;
		double ib = 1 / (b + (double)t - 1);

		if (d->churn[t] != 0) {
			double c = d->churn[t];

			ll += c * (ls + log(a) - log(q));
			ga += c * (sa + 1 / a - iq);
			gb += c * (sb - iq);
			haa += c * (saa - 1 / (a * a) + iq2);
			hab += c * (sab + iq2);
			hbb += c * (sbb + iq2);
		}
		/* S(t) from S(t - 1): log S gains log((b + t - 1) / q). */
		ls += log1p(-a * iq);
		sa -= iq;
		sb += ib - iq;
		saa += iq2;
		sab += iq2;
		sbb += iq2 - ib * ib;
		if (d->cens[t] != 0) {
			double c = d->cens[t];

			ll += c * ls;
			ga += c * sa;
			gb += c * sb;
			haa += c * saa;
			hab += c * sab;
			hbb += c * sbb;
		}
	}
	if (g != NULL) {
		g[0] = ga;
		g[1] = gb;
	}
	if (h != NULL) {
		h[0] = haa;
		h[1] = hab;
		h[2] = hbb;
	}
	return ll;
}

/*
 * The optimiser works on u = log alpha, v = log beta, minimising minus
 * the log-likelihood per customer.  Beyond |u|, |v| <= SBG_LIM the
 * parameters are pinned at the edge and a quadratic wall added, so every
 * value stays finite (GSL stops on a non-finite one) and a fit that runs
 * off to a boundary is seen as such afterwards.
 */
#define SBG_LIM 40.0

static double
sbg_clamp(double u, double *excess)
{
	double c = fmax(-SBG_LIM, fmin(SBG_LIM, u));

	*excess = u - c;
	return c;
}

static void
sbg_obj_fdf(const gsl_vector *x, void *p, double *f, gsl_vector *grad)
{
	const struct sbg_data *d = p;
	double eu, ev, a, b, g[2], ll;

	a = exp(sbg_clamp(gsl_vector_get(x, 0), &eu));
	b = exp(sbg_clamp(gsl_vector_get(x, 1), &ev));
	ll = sbg_ll(d, a, b, grad != NULL ? g : NULL, NULL);
	if (f != NULL)
		*f = -ll / d->n + eu * eu + ev * ev;
	if (grad != NULL) {
		gsl_vector_set(grad, 0, (eu != 0 ? 0 : -g[0] * a / d->n) +
		    2 * eu);
		gsl_vector_set(grad, 1, (ev != 0 ? 0 : -g[1] * b / d->n) +
		    2 * ev);
	}
}

static double
sbg_obj_f(const gsl_vector *x, void *p)
{
	double f;

	sbg_obj_fdf(x, p, &f, NULL);
	return f;
}

static void
sbg_obj_df(const gsl_vector *x, void *p, gsl_vector *grad)
{
	sbg_obj_fdf(x, p, NULL, grad);
}

/*
 * One Nelder-Mead run from (a0, b0); keeps the point in best/fbest when
 * it is better.  Returns 0, or -1 when GSL could not run (memory).
 */
static int
sbg_simplex(struct sbg_data *d, double a0, double b0, double best[2],
    double *fbest)
{
	gsl_multimin_function fn = { sbg_obj_f, 2, d };
	gsl_multimin_fminimizer *s;
	gsl_vector *x, *step;
	int rc = -1;

	s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2,
	    2);
	x = gsl_vector_alloc(2);
	step = gsl_vector_alloc(2);
	if (s == NULL || x == NULL || step == NULL)
		goto out;
	gsl_vector_set(x, 0, log(a0));
	gsl_vector_set(x, 1, log(b0));
	gsl_vector_set_all(step, 0.5);
	if (gsl_multimin_fminimizer_set(s, &fn, x, step) != GSL_SUCCESS)
		goto out;
	for (int it = 0; it < 5000; it++) {
		if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS)
			break;
		if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(s),
		    1e-10) == GSL_SUCCESS)
			break;
	}
	if (s->fval < *fbest) {
		*fbest = s->fval;
		best[0] = gsl_vector_get(s->x, 0);
		best[1] = gsl_vector_get(s->x, 1);
	}
	rc = 0;
out:
	gsl_multimin_fminimizer_free(s);
	gsl_vector_free(x);
	gsl_vector_free(step);
	return rc;
}

/*
 * BFGS with the exact gradient from the simplex's best point, which the
 * simplex leaves only about as precise as its function values allow.
 */
static int
sbg_polish(struct sbg_data *d, double best[2], double *fbest)
{
	gsl_multimin_function_fdf fn = { sbg_obj_f, sbg_obj_df, sbg_obj_fdf,
	    2, d };
	gsl_multimin_fdfminimizer *s;
	gsl_vector *x;
	int rc = -1;

	s = gsl_multimin_fdfminimizer_alloc(
	    gsl_multimin_fdfminimizer_vector_bfgs2, 2);
	x = gsl_vector_alloc(2);
	if (s == NULL || x == NULL)
		goto out;
	gsl_vector_set(x, 0, best[0]);
	gsl_vector_set(x, 1, best[1]);
	if (gsl_multimin_fdfminimizer_set(s, &fn, x, 1e-3, 0.1) !=
	    GSL_SUCCESS)
		goto out;
	for (int it = 0; it < 200; it++) {
		/* GSL_ENOPROG: no step improves, i.e. at the minimum. */
		if (gsl_multimin_fdfminimizer_iterate(s) != GSL_SUCCESS)
			break;
		if (gsl_multimin_test_gradient(s->gradient, 1e-12) ==
		    GSL_SUCCESS)
			break;
	}
	if (s->f <= *fbest) {
		*fbest = s->f;
		best[0] = gsl_vector_get(s->x, 0);
		best[1] = gsl_vector_get(s->x, 1);
	}
	rc = 0;
out:
	gsl_multimin_fdfminimizer_free(s);
	gsl_vector_free(x);
	return rc;
}

int
voc_sbg_loglik(const double *const *surv, const size_t *len,
    size_t ncohorts, double alpha, double beta, double *ll,
    struct voc_error *err)
{
	struct sbg_data d;

	if (!(isfinite(alpha) && alpha > 0 && isfinite(beta) && beta > 0))
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "sBG parameters alpha %g, beta %g must be positive",
		    alpha, beta);
	if (sbg_gather(surv, len, ncohorts, &d, err) != 0)
		return -1;
	*ll = sbg_ll(&d, alpha, beta, NULL, NULL);
	sbg_free(&d);
	return 0;
}

int
voc_sbg_fit(const double *const *surv, const size_t *len, size_t ncohorts,
    struct voc_sbg *fit, struct voc_error *err)
{
	/* Starting points (alpha, beta) spread over the shapes of the
	 * beta mixing distribution: U-shaped, flat, skewed either way. */
	static const double start[][2] = {
		{ 1, 1 }, { 0.2, 0.5 }, { 0.5, 3 }, { 3, 0.5 }, { 2, 20 },
		{ 20, 20 }
	};
	struct sbg_data d;
	double churned = 0, later = 0, exposure = 0, best[2] = { 0, 0 };
	double fbest;
	double a, b, g[2], h[3], det, ll, llgeo, theta;
	int rc = -1;

	memset(fit, 0, sizeof(*fit));
	if (sbg_gather(surv, len, ncohorts, &d, err) != 0)
		return -1;
	for (size_t t = 1; t <= d.T; t++) {
		churned += d.churn[t];
		if (t >= 2)
			later += d.churn[t] + d.cens[t];
		/* Periods survived: the geometric model's exposure. */
		exposure += d.churn[t] * (double)(t - 1) + d.cens[t] *
		    (double)t;
	}
	if (d.n <= 0) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "no cohort has customers seen for a period: there is "
		    "nothing to fit the sBG model to");
		goto out;
	}
	if (churned == 0) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "no customer churned in any cohort: retention of 100%% "
		    "cannot be fitted by the sBG model");
		goto out;
	}
	if (exposure == 0) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "every customer churned in the first period: the sBG "
		    "model cannot be fitted");
		goto out;
	}
	if (later == 0) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "no cohort is seen beyond its first period: the sBG "
		    "model's alpha and beta cannot be told apart");
		goto out;
	}

	fbest = INFINITY;
	for (size_t i = 0; i < sizeof(start) / sizeof(start[0]); i++)
		if (sbg_simplex(&d, start[i][0], start[i][1], best,
		    &fbest) != 0) {
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
			goto out;
		}
	if (!isfinite(fbest) || sbg_polish(&d, best, &fbest) != 0) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "the sBG fit failed to start");
		goto out;
	}
	a = exp(best[0]);
	b = exp(best[1]);
	ll = sbg_ll(&d, a, b, g, h);

	/* The sBG tends to the geometric model (one churn rate theta for
	 * all) as alpha + beta grows; when that limit is as good as any
	 * heterogeneous fit, the likelihood has no maximum inside. */
	theta = churned / (churned + exposure);
	llgeo = churned * log(theta) + exposure * log1p(-theta);
	if (a + b > 1e6 || ll <= llgeo + 1e-9 * d.n) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "churn does not fall over time, so the sBG fit runs off "
		    "to a constant churn rate (%.4g per period) and has no "
		    "maximum", theta);
		goto out;
	}
	if (a < 1e-6 || b < 1e-6) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "churn stops after the first periods, so the sBG fit "
		    "runs alpha (%.3g) or beta (%.3g) to 0 and has no "
		    "maximum", a, b);
		goto out;
	}

	fit->alpha = a;
	fit->beta = b;
	fit->loglik = ll;
	fit->n = d.n;
	fit->periods = d.T;
	/* The inverse of the observed information -H. */
	det = h[0] * h[2] - h[1] * h[1];
	if (h[0] < 0 && det > 0) {
		fit->se_alpha = sqrt(-h[2] / det);
		fit->se_beta = sqrt(-h[0] / det);
		fit->cov = h[1] / det;
	} else {
		fit->se_alpha = fit->se_beta = fit->cov = NAN;
	}
	rc = 0;
out:
	sbg_free(&d);
	return rc;
}

double
voc_sbg_survival(const struct voc_sbg *m, int t)
{
	gsl_sf_result r1, r0;

	if (t < 0)
		return NAN;
	if (gsl_sf_lnbeta_e(m->alpha, m->beta + t, &r1) != GSL_SUCCESS ||
	    gsl_sf_lnbeta_e(m->alpha, m->beta, &r0) != GSL_SUCCESS)
		return NAN;
	return exp(r1.val - r0.val);
}

double
voc_sbg_churn(const struct voc_sbg *m, int t)
{
	gsl_sf_result r1, r0;

	if (t < 1)
		return NAN;
	if (gsl_sf_lnbeta_e(m->alpha + 1, m->beta + t - 1, &r1) !=
	    GSL_SUCCESS ||
	    gsl_sf_lnbeta_e(m->alpha, m->beta, &r0) != GSL_SUCCESS)
		return NAN;
	return exp(r1.val - r0.val);
}

double
voc_sbg_retention(const struct voc_sbg *m, int t)
{
	if (t < 1)
		return NAN;
	return (m->beta + t - 1) / (m->alpha + m->beta + t - 1);
}
