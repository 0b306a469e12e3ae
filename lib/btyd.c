/*
 * BTYD models (see include/voc/btyd.h).  Everything is computed in log
 * space: the likelihoods as log-sum-exp of their two terms, and the
 * Gauss hypergeometric series by our own summation with rescaling, so a
 * heavy buyer (x in the hundreds) gives finite numbers where
 * (alpha + T)^(r + x) or the plain 2F1 would overflow.  GSL's
 * gsl_sf_hyperg_2F1 is not used: it works in plain doubles and gives up
 * near z = 1 and for large parameters, the cases heavy buyers and long
 * horizons reach.
 *
 * Fits maximise the log-likelihood over log-parameters (so every
 * parameter stays positive) from a few starts with GSL's multimin,
 * after collapsing customers with equal (x, t_x, T) into weighted rows:
 * most customers of a cohort never come back, and those differ only in
 * T.  BG/NBD runs BFGS on its analytic gradient, Pareto/NBD BFGS on
 * a central-difference one, Gamma-Gamma (cheap) the simplex; the
 * simplex also finishes a BFGS run that stalled with a gradient that
 * is not small.  Standard errors come from a central
 * difference Hessian of the negative log-likelihood in the natural
 * parameters.  The points of a difference gradient or Hessian are
 * evaluated two threads at once (voc_btyd_threads), each as alone, so
 * the numbers do not depend on the threads.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_vector.h>

#include "voc/btyd.h"

/* Series terms past this many mean the sum is not converging usefully. */
#define MAX_TERMS 4000000L

int
voc_btyd_summarise(const struct voc_btyd_purchase *p, size_t n,
    long cal_end, long holdout_end, double unit,
    struct voc_btyd_customer *out, struct voc_error *err)
{
	if (n == 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "customer has no purchases");
	if (!(unit > 0))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "time unit must be positive");
	for (size_t i = 1; i < n; i++)
		if (p[i].day < p[i - 1].day)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "purchases are not sorted by day");
	if (p[0].day > cal_end)
		return 1;

	long first = p[0].day, last = first, x = 0, xs = 0;
	double spend = 0, day_amount = 0;
	/* Walk days: a run of equal days is one transaction whose amount
	 * is the run's sum; the first run is the trial purchase. */
	for (size_t i = 0; i < n; i++) {
		day_amount += p[i].amount;
		if (i + 1 < n && p[i + 1].day == p[i].day)
			continue;
		long d = p[i].day;
		if (d != first) {
			if (d <= cal_end) {
				x++;
				spend += day_amount;
				last = d;
			} else if (d <= holdout_end)
				xs++;
		}
		day_amount = 0;
	}
	out->x = x;
	out->t_x = (double)(last - first) / unit;
	out->T = (double)(cal_end - first) / unit;
	out->m = x > 0 ? spend / (double)x : 0;
	out->x_star = xs;
	out->first = first;
	return 0;
}

/* log(exp(u) + exp(v)) without overflow. */
static double
logsumexp(double u, double v)
{
	if (u == -INFINITY)
		return v;
	if (v == -INFINITY)
		return u;
	return u > v ? u + log1p(exp(v - u)) : v + log1p(exp(u - v));
}

/* log(1 + exp(u)). */
static double
softplus(double u)
{
	return u > 0 ? u + log1p(exp(-u)) : log1p(exp(u));
}

/*
 * log 2F1(a, b; a + 1; z) for a, b > 0 and 0 <= z < 1, the form the
 * Pareto/NBD likelihood needs.  All terms are positive, so the sum is
 * kept with a running scale (1e280 at a time) instead of exp/log per
 * term.  The ratio of successive terms tends to z, from above or from
 * below, so with Q the larger of the current ratio and z the tail is
 * at most term Q / (1 - Q); we stop when that is below 1e-16 of the
 * sum.
 */
static double
log_hyp2f1_a1(double a, double b, double z)
{
	if (z <= 0)
		return 0;
	double sum = 1, term = 1, lscale = 0;
	for (long n = 0; n < MAX_TERMS; n++) {
		double q = (a + n) * (b + n) / ((a + 1 + n) * (n + 1)) * z;
		term *= q;
		sum += term;
		if (sum > 1e280) {
			sum *= 1e-280;
			term *= 1e-280;
			lscale += 280 * M_LN10;
		}
		double Q = q > z ? q : z;
		if (Q < 1 && term * Q / (1 - Q) < 1e-16 * sum)
			return log(sum) + lscale;
	}
	return NAN;
}

/*
 * sum_{n >= 1} (A)_n (B + 1)_(n-1) / ((C)_n n!) z^n, that is
 * (2F1(A, B; C; z) - 1) / B without the division, for C > 0 and
 * 0 <= z < 1.  Signs may alternate while A + n < 0; once past that,
 * the stopping rule is log_hyp2f1_a1's tail bound on absolute values.
 */
static double
hyp2f1_m1_over_b(double A, double B, double C, double z)
{
	if (z <= 0)
		return 0;
	double term = A * z / C, sum = term;
	if (term == 0)
		return 0;
	for (long n = 1; n < MAX_TERMS; n++) {
		double q = (A + n) * (B + n) / ((C + n) * (n + 1)) * z;
		term *= q;
		sum += term;
		if (term == 0)
			return sum;
		double aq = fabs(q) > z ? fabs(q) : z;
		if (!isfinite(sum))
			return NAN;
		if (n > -A && n > -B && aq < 1 &&
		    fabs(term) * aq / (1 - aq) < 1e-16 * fabs(sum))
			return sum;
	}
	return NAN;
}

/* (1 - exp(e L)) / e, its limit -L at e = 0. */
static double
expm1_ratio(double e, double L)
{
	return e == 0 ? -L : -expm1(e * L) / e;
}

/* ---- weighted rows: customers collapsed on (x, t_x, T) or (x, m) ---- */

struct row {
	long x;
	double tx, T, m;
	double w;
};

static int
row_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->tx != b->tx)
		return a->tx < b->tx ? -1 : 1;
	if (a->T != b->T)
		return a->T < b->T ? -1 : 1;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	return 0;
}

/*
 * The rows of c[0..n-1] sorted by x (so per-x terms are computed once
 * per x), equal rows merged.  spend: keep only x > 0, m > 0 and key on
 * (x, m); else key on (x, t_x, T).  Returns NULL when out of memory.
 */
static struct row *
make_rows(const struct voc_btyd_customer *c, size_t n, int spend,
    size_t *nrows, double *wsum)
{
	struct row *r = malloc((n ? n : 1) * sizeof *r);
	if (r == NULL)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (spend && !(c[i].x > 0 && c[i].m > 0))
			continue;
		r[k].x = c[i].x;
		r[k].tx = spend ? 0 : c[i].t_x;
		r[k].T = spend ? 0 : c[i].T;
		r[k].m = spend ? c[i].m : 0;
		r[k].w = 1;
		k++;
	}
	qsort(r, k, sizeof *r, row_cmp);
	size_t u = 0;
	*wsum = 0;
	for (size_t i = 0; i < k; i++) {
		*wsum += 1;
		if (u > 0 && row_cmp(&r[u - 1], &r[i]) == 0)
			r[u - 1].w += 1;
		else
			r[u++] = r[i];
	}
	*nrows = u;
	return r;
}

/* ---- generic fitting on log-parameters ---- */

struct fitctx {
	const struct row *rows;
	size_t nrows;
	double wsum;
	/* negative log-likelihood at natural parameters th; grad (may be
	 * NULL) gets its gradient in the log-parameters */
	double (*nll)(const struct fitctx *, const double *th, double *grad);
	/* Pareto/NBD: which parameters are gamma shapes; drift is 1 + the
	 * index of one an iterate took past SHAPE_MAX (see shapes_drift). */
	const int *shape;
	int drift;
};

/*
 * A gamma shape r over customers' rates gives them a spread (CV) of
 * 1/sqrt(r): past 1000 (3 %), every customer has nearly the same rate,
 * and when the data say so the likelihood keeps rising as the shape and
 * scale grow together, with no finite maximum.  The Pareto/NBD series
 * then needs more terms at every step (a fit ran on past 11 minutes),
 * so the fit stops there and says why.
 */
#define SHAPE_MAX 1000.0

#define MAXPAR 4

/* log |Gamma(x)| without lgamma's write of the global signgam: the
 * likelihoods run in two threads at once. */
static double
lgam(double x)
{
	int sign;

	return lgamma_r(x, &sign);
}

/* The threads a fit may use (voc_btyd_threads). */
static int fit_threads = 1;

void
voc_btyd_threads(long n)
{
	fit_threads = n > 1 ? 2 : 1;
}

/* Points [from, to) of a batch of likelihood evaluations. */
struct evals {
	const struct fitctx *ctx;
	const double (*pt)[MAXPAR];
	double *f;
	size_t from, to;
};

static void *
evals_run(void *arg)
{
	const struct evals *e = arg;

	for (size_t i = e->from; i < e->to; i++)
		e->f[i] = e->ctx->nll(e->ctx, e->pt[i], NULL);
	return NULL;
}

/* f[i] = the negative log-likelihood at pt[i], i < n: the second half in
 * a second thread when a fit may use two. */
static void
nll_points(const struct fitctx *ctx, const double (*pt)[MAXPAR], double *f,
    size_t n)
{
	struct evals a = {ctx, pt, f, 0, n}, b = {ctx, pt, f, n, n};
	pthread_t tid;
	int two = 0;

	if (fit_threads > 1 && n > 1) {
		a.to = b.from = n / 2;
		if (pthread_create(&tid, NULL, evals_run, &b) == 0)
			two = 1;
		else
			a.to = n;
	}
	evals_run(&a);
	if (two)
		pthread_join(tid, NULL);
}

static double
mm_f(const gsl_vector *v, void *p)
{
	const struct fitctx *ctx = p;
	double th[MAXPAR];
	for (size_t i = 0; i < v->size; i++)
		th[i] = exp(gsl_vector_get(v, i));
	double f = ctx->nll(ctx, th, NULL) / ctx->wsum;
	return isfinite(f) ? f : GSL_POSINF;
}

static void
mm_fdf(const gsl_vector *v, void *p, double *f, gsl_vector *g)
{
	const struct fitctx *ctx = p;
	double th[MAXPAR], gr[MAXPAR];
	for (size_t i = 0; i < v->size; i++)
		th[i] = exp(gsl_vector_get(v, i));
	*f = ctx->nll(ctx, th, gr) / ctx->wsum;
	for (size_t i = 0; i < v->size; i++)
		gsl_vector_set(g, i, gr[i] / ctx->wsum);
	if (!isfinite(*f))
		*f = GSL_POSINF;
}

static void
mm_df(const gsl_vector *v, void *p, gsl_vector *g)
{
	double f;
	mm_fdf(v, p, &f, g);
}

/* Whether the iterate at log-parameters x has a shape past SHAPE_MAX;
 * marks ctx when it has. */
static int
shapes_drift(struct fitctx *ctx, const gsl_vector *x)
{
	for (size_t i = 0; ctx->shape != NULL && i < x->size; i++)
		if (ctx->shape[i] && gsl_vector_get(x, i) > log(SHAPE_MAX))
			ctx->drift = (int)i + 1;
	return ctx->drift;
}

/* Simplex from lp; on return lp holds the best point.  Returns its
 * mean negative log-likelihood, or +inf when GSL fails. */
static double
run_simplex(struct fitctx *ctx, size_t k, double *lp)
{
	gsl_multimin_function fn = { mm_f, k, ctx };
	gsl_vector *x = gsl_vector_alloc(k), *step = gsl_vector_alloc(k);
	gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(
	    gsl_multimin_fminimizer_nmsimplex2, k);
	double best = GSL_POSINF;
	if (x == NULL || step == NULL || s == NULL)
		goto out;
	for (size_t i = 0; i < k; i++)
		gsl_vector_set(x, i, lp[i]);
	gsl_vector_set_all(step, 0.5);
	if (gsl_multimin_fminimizer_set(s, &fn, x, step) != GSL_SUCCESS)
		goto out;
	for (int it = 0; it < 5000; it++) {
		if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS ||
		    shapes_drift(ctx, s->x))
			break;
		if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(s),
		    1e-6) == GSL_SUCCESS)
			break;
	}
	best = s->fval;
	for (size_t i = 0; i < k; i++)
		lp[i] = gsl_vector_get(s->x, i);
out:
	gsl_multimin_fminimizer_free(s);
	gsl_vector_free(x);
	gsl_vector_free(step);
	return best;
}

/* BFGS from lp, as run_simplex. */
static double
run_bfgs(struct fitctx *ctx, size_t k, double *lp)
{
	gsl_multimin_function_fdf fn = { mm_f, mm_df, mm_fdf, k, ctx };
	gsl_vector *x = gsl_vector_alloc(k);
	gsl_multimin_fdfminimizer *s = gsl_multimin_fdfminimizer_alloc(
	    gsl_multimin_fdfminimizer_vector_bfgs2, k);
	double best = GSL_POSINF;
	if (x == NULL || s == NULL)
		goto out;
	for (size_t i = 0; i < k; i++)
		gsl_vector_set(x, i, lp[i]);
	if (gsl_multimin_fdfminimizer_set(s, &fn, x, 0.1, 0.1) != GSL_SUCCESS)
		goto out;
	for (int it = 0; it < 1000; it++) {
		int st = gsl_multimin_fdfminimizer_iterate(s);
		if (gsl_multimin_test_gradient(s->gradient, 1e-9) ==
		    GSL_SUCCESS || st != GSL_SUCCESS || shapes_drift(ctx, s->x))
			break;
	}
	if (isfinite(s->f)) {
		best = s->f;
		for (size_t i = 0; i < k; i++)
			lp[i] = gsl_vector_get(s->x, i);
	}
out:
	gsl_multimin_fdfminimizer_free(s);
	gsl_vector_free(x);
	return best;
}

/*
 * Minimises from each of nstarts starts (natural parameters, k per
 * start), then polishes the best with the simplex.  th gets the
 * estimate; returns the total negative log-likelihood (inf on failure).
 */
static double
fit_multistart(struct fitctx *ctx, size_t k, const double *starts,
    int nstarts, int gradient, double *th)
{
	double best = GSL_POSINF, blp[MAXPAR] = {0};
	for (int s = 0; s < nstarts; s++) {
		double lp[MAXPAR];
		for (size_t i = 0; i < k; i++)
			lp[i] = log(starts[s * k + i]);
		double f = gradient ? run_bfgs(ctx, k, lp) :
		    run_simplex(ctx, k, lp);
		if (ctx->drift)
			return GSL_POSINF;
		if (f < best) {
			best = f;
			memcpy(blp, lp, sizeof blp);
		}
	}
	if (!isfinite(best))
		return GSL_POSINF;
	int polish = !gradient;
	if (gradient) {
		/* BFGS stops when its line search makes no progress, which
		 * is usually at the optimum; when the gradient says it is
		 * not, the simplex finishes the job. */
		double g[MAXPAR], t[MAXPAR];
		for (size_t i = 0; i < k; i++)
			t[i] = exp(blp[i]);
		ctx->nll(ctx, t, g);
		for (size_t i = 0; i < k; i++)
			if (!(fabs(g[i]) / ctx->wsum < 1e-6))
				polish = 1;
	}
	if (polish) {
		/* A restart also shakes the simplex out of a collapsed
		 * shape. */
		double lp[MAXPAR];
		memcpy(lp, blp, sizeof lp);
		double f = run_simplex(ctx, k, lp);
		if (ctx->drift)
			return GSL_POSINF;
		if (f <= best) {
			best = f;
			memcpy(blp, lp, sizeof blp);
		}
	}
	for (size_t i = 0; i < k; i++)
		th[i] = exp(blp[i]);
	return best * ctx->wsum;
}

/*
 * Standard errors: the square roots of the diagonal of the inverse of
 * the central-difference Hessian of the total negative log-likelihood
 * at th, steps 1e-4 relative.  NaN when it is not positive definite.
 */
static void
hessian_se(const struct fitctx *ctx, size_t k, const double *th, double *se)
{
	/* The points: the centre, then per i the two steps of th[i], then
	 * per j < i the four corners (+-h[i], +-h[j]). */
	double h[MAXPAR], pt[1 + 2 * MAXPAR + 2 * MAXPAR * MAXPAR][MAXPAR];
	double f[1 + 2 * MAXPAR + 2 * MAXPAR * MAXPAR];
	size_t n = 0;
	gsl_matrix *H = gsl_matrix_alloc(k, k);

	for (size_t i = 0; i < k; i++) {
		se[i] = NAN;
		h[i] = 1e-4 * th[i];
	}
	if (H == NULL)
		return;
	memcpy(pt[n++], th, k * sizeof(double));
	for (size_t i = 0; i < k; i++) {
		for (int q = 0; q < 2; q++) {
			memcpy(pt[n], th, k * sizeof(double));
			pt[n++][i] = th[i] + (q ? -h[i] : h[i]);
		}
		for (size_t j = 0; j < i; j++)
			for (int q = 0; q < 4; q++) {
				memcpy(pt[n], th, k * sizeof(double));
				pt[n][i] = th[i] + (q & 1 ? -h[i] : h[i]);
				pt[n++][j] = th[j] + (q & 2 ? -h[j] : h[j]);
			}
	}
	nll_points(ctx, (const double (*)[MAXPAR])pt, f, n);
	n = 1;
	for (size_t i = 0; i < k; i++) {
		double fp = f[n++], fm = f[n++];

		gsl_matrix_set(H, i, i, (fp - 2 * f[0] + fm) / (h[i] * h[i]));
		for (size_t j = 0; j < i; j++, n += 4) {
			double v = (f[n] - f[n + 1] - f[n + 2] + f[n + 3]) /
			    (4 * h[i] * h[j]);
			gsl_matrix_set(H, i, j, v);
			gsl_matrix_set(H, j, i, v);
		}
	}
	int ok = 1;
	for (size_t i = 0; i < k * k; i++)
		if (!isfinite(H->data[i]))
			ok = 0;
	if (ok && gsl_linalg_cholesky_decomp1(H) == GSL_SUCCESS &&
	    gsl_linalg_cholesky_invert(H) == GSL_SUCCESS)
		for (size_t i = 0; i < k; i++) {
			double v = gsl_matrix_get(H, i, i);
			se[i] = v > 0 ? sqrt(v) : NAN;
		}
	gsl_matrix_free(H);
}

/* ---- BG/NBD ---- */

/*
 * The negative log-likelihood of FHL 2005 eq. 6 over the rows, and its
 * gradient in log r, log alpha, log a, log b.  Per customer
 *   ll = A + B + log(exp(C) + [x > 0] exp(D)),
 *   A = lgamma(r + x) - lgamma(r) + r log alpha,
 *   B = lbeta(a, b + x) - lbeta(a, b),
 *   C = -(r + x) log(alpha + T),
 *   D = log a - log(b + x - 1) - (r + x) log(alpha + t_x).
 */
static double
bg_nll(const struct fitctx *ctx, const double *th, double *grad)
{
	double r = th[0], al = th[1], a = th[2], b = th[3];
	double ll = 0, g[4] = {0};
	double la = log(al), lgr = lgam(r), lgb = lgam(b),
	    lgab = lgam(a + b);
	double psr = 0, psb = 0, psab = 0;
	if (grad) {
		psr = gsl_sf_psi(r);
		psb = gsl_sf_psi(b);
		psab = gsl_sf_psi(a + b);
	}
	long cx = -1;
	double lx = 0, ld = 0, dr0 = 0, da0 = 0, db0 = 0;
	for (size_t i = 0; i < ctx->nrows; i++) {
		const struct row *w = &ctx->rows[i];
		double x = (double)w->x;
		if (w->x != cx) {
			cx = w->x;
			lx = lgam(r + x) - lgr + r * la + lgam(b + x) -
			    lgb - lgam(a + b + x) + lgab;
			ld = x > 0 ? log(a) - log(b + x - 1) : -INFINITY;
			if (grad) {
				double pabx = gsl_sf_psi(a + b + x);
				dr0 = gsl_sf_psi(r + x) - psr + la;
				da0 = psab - pabx;
				db0 = gsl_sf_psi(b + x) - pabx - psb + psab;
			}
		}
		double lT = log(al + w->T), lt = log(al + w->tx);
		double C = -(r + x) * lT;
		double D = ld - (r + x) * lt;
		double ls = logsumexp(C, D);
		ll += w->w * (lx + ls);
		if (grad) {
			double q = x > 0 ? exp(D - ls) : 0, p = 1 - q;
			g[0] += w->w * (dr0 - p * lT - q * lt);
			g[1] += w->w * (r / al - (r + x) * (p / (al + w->T) +
			    q / (al + w->tx)));
			g[2] += w->w * (da0 + q / a);
			g[3] += w->w * (db0 - (x > 0 ? q / (b + x - 1) : 0));
		}
	}
	if (grad)
		for (int j = 0; j < 4; j++)
			grad[j] = -g[j] * th[j];
	return -ll;
}

static int
positive4(double p, double q, double u, double v)
{
	return p > 0 && q > 0 && u > 0 && v > 0 && isfinite(p) &&
	    isfinite(q) && isfinite(u) && isfinite(v);
}

double
voc_bgnbd_ll(const struct voc_bgnbd *m, const struct voc_btyd_customer *c)
{
	if (!positive4(m->r, m->alpha, m->a, m->b))
		return NAN;
	struct row w = { c->x, c->t_x, c->T, 0, 1 };
	struct fitctx ctx = { &w, 1, 1, bg_nll, NULL, 0 };
	double th[4] = { m->r, m->alpha, m->a, m->b };
	return -bg_nll(&ctx, th, NULL);
}

double
voc_bgnbd_ll_total(const struct voc_bgnbd *m,
    const struct voc_btyd_customer *c, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += voc_bgnbd_ll(m, &c[i]);
	return s;
}

/* Whether any row has a repeat purchase: without one the purchase
 * rate and the dropout are not identified, and the optimiser would
 * wander off to a boundary.  The rows are sorted by x. */
static int
any_repeat(const struct fitctx *ctx)
{
	return ctx->nrows > 0 && ctx->rows[ctx->nrows - 1].x > 0;
}

/* Mean T of the rows, to scale starting points. */
static double
mean_T(const struct fitctx *ctx)
{
	double s = 0;
	for (size_t i = 0; i < ctx->nrows; i++)
		s += ctx->rows[i].w * ctx->rows[i].T;
	return s / ctx->wsum;
}

/*
 * The rows a fit works on (customers with equal (x, t_x, T) merged), also
 * set in ctx; the caller frees them.  NULL with err filled when there is
 * no one to fit, no repeat purchase, or no memory.
 */
static struct row *
fit_rows(const char *model, const struct voc_btyd_customer *c, size_t n,
    struct fitctx *ctx, struct voc_error *err)
{
	struct row *rows;

	if (n == 0) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "%s: no customers to fit", model);
		return NULL;
	}
	if ((rows = make_rows(c, n, 0, &ctx->nrows, &ctx->wsum)) == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	ctx->rows = rows;
	if (!any_repeat(ctx)) {
		free(rows);
		voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "%s: no customer made a repeat purchase, nothing to fit",
		    model);
		return NULL;
	}
	return rows;
}

int
voc_bgnbd_fit(const struct voc_btyd_customer *c, size_t n,
    struct voc_bgnbd *out, struct voc_error *err)
{
	struct fitctx ctx = { NULL, 0, 0, bg_nll, NULL, 0 };
	struct row *rows = fit_rows("BG/NBD", c, n, &ctx, err);
	if (rows == NULL)
		return -1;
	double tb = mean_T(&ctx);
	if (!(tb > 0))
		tb = 1;
	/* alpha is in time units: start it at fractions of the mean age. */
	const double starts[] = {
		1, tb / 4, 1, 1,
		0.5, tb / 10, 0.5, 3,
		2, tb, 2, 5,
	};
	double th[4];
	double f = fit_multistart(&ctx, 4, starts, 3, 1, th);
	if (!isfinite(f)) {
		free(rows);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "BG/NBD: the fit did not converge");
	}
	out->r = th[0];
	out->alpha = th[1];
	out->a = th[2];
	out->b = th[3];
	out->ll = -f;
	out->n = n;
	hessian_se(&ctx, 4, th, out->se);
	free(rows);
	return 0;
}

double
voc_bgnbd_expected(const struct voc_bgnbd *m,
    const struct voc_btyd_customer *c, double t)
{
	double r = m->r, al = m->alpha, a = m->a, b = m->b;
	double x = (double)c->x;
	if (!positive4(r, al, a, b) || !(t >= 0) || !isfinite(t))
		return NAN;
	if (t == 0)
		return 0;
	/*
	 * FHL 2005 eq. 10 has ((alpha+T)/(alpha+T+t))^(r+x)
	 * 2F1(r+x, b+x; a+b+x-1; z), z = t/(alpha+T+t), whose two factors
	 * under- and overflow for large x.  Euler's transformation
	 * 2F1(A,B;C;z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z) turns the
	 * product into (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z), whose
	 * series is tame, and writing that 2F1 as 1 + (a-1) S makes the
	 * bracket divided by (a - 1) finite at a = 1 too.
	 */
	double C = a + b + x - 1;
	if (!(C > 0))
		return NAN;
	double lc = log(al + c->T) - log(al + c->T + t);
	double z = t / (al + c->T + t);
	double S = hyp2f1_m1_over_b(a + b - 1 - r, a - 1, C, z);
	if (isnan(S))
		return NAN;
	double e = a - 1;
	double bracket = expm1_ratio(e, lc) - exp(e * lc) * S;
	return C * bracket * voc_bgnbd_palive(m, c);
}

double
voc_bgnbd_unconditional(const struct voc_bgnbd *m, double t)
{
	/* eq. 7 is eq. 10 for a customer with x = t_x = T = 0. */
	struct voc_btyd_customer c = {0};
	return voc_bgnbd_expected(m, &c, t);
}

double
voc_bgnbd_palive(const struct voc_bgnbd *m, const struct voc_btyd_customer *c)
{
	if (!positive4(m->r, m->alpha, m->a, m->b))
		return NAN;
	if (c->x == 0)
		return 1;
	double x = (double)c->x;
	/* 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)), the power
	 * kept as a logarithm. */
	double u = log(m->a) - log(m->b + x - 1) + (m->r + x) *
	    (log(m->alpha + c->T) - log(m->alpha + c->t_x));
	return exp(-softplus(u));
}

/* ---- Pareto/NBD ---- */

/* The integrand of pn_log_k's integral over exp of its value at t_x. */
struct pn_integrand {
	double tx, rx, s1, ca, cb;	/* t_x, r+x, s+1, alpha+t_x, beta+t_x */
};

static double
pn_g(double tau, void *p)
{
	const struct pn_integrand *q = p;
	double d = tau - q->tx;
	return exp(-q->rx * log1p(d / q->ca) - q->s1 * log1p(d / q->cb));
}

/*
 * log of s/(r+s+x) A0, the weight of "dropped out between t_x and T" in
 * the Pareto/NBD likelihood.  The note gives, with a' = r + s + x,
 * alpha >= beta:
 *   A0 = 2F1(a', s+1; a'+1; (alpha-beta)/(alpha+t_x)) / (alpha+t_x)^a'
 *      - 2F1(a', s+1; a'+1; (alpha-beta)/(alpha+T)) / (alpha+T)^a'
 * alpha < beta: the same with beta for alpha in the bases, beta - alpha
 * in the arguments and r + x for s + 1.  Both terms are kept as logs and
 * the difference taken as log(e^l1 - e^l2).  -inf when t_x = T.
 *
 * s/(r+s+x) A0 is also s times the integral over tau in (t_x, T) of
 * (alpha+tau)^-(r+x) (beta+tau)^-(s+1), the two gamma mixtures of the
 * purchase and dropout rates at the dropout time.  When the larger 2F1
 * argument passes 0.95 (one of alpha, beta dwarfs the other plus t_x)
 * the series needs thousands of terms or more, so that integral is
 * taken numerically instead (GSL's adaptive Gauss-Kronrod).
 */
/* The first 2F1 term of pn_log_k, which depends on x and t_x alone: the
 * rows of a likelihood, sorted by (x, t_x, T), share it while x and t_x
 * stay (every one-time buyer has x = t_x = 0). */
struct pn_l1 {
	int ok;
	double x, tx, l1;
};

static double
pn_log_k(double r, double al, double s, double be, double x, double tx,
    double T, struct pn_l1 *c)
{
	if (!(T > tx))
		return -INFINITY;
	double ap = r + s + x, bp, base, d;
	if (al >= be) {
		bp = s + 1;
		base = al;
		d = al - be;
	} else {
		bp = r + x;
		base = be;
		d = be - al;
	}
	if (d / (base + tx) <= 0.95) {
		double l1;

		if (c != NULL && c->ok && c->x == x && c->tx == tx)
			l1 = c->l1;
		else {
			l1 = log_hyp2f1_a1(ap, bp, d / (base + tx)) -
			    ap * log(base + tx);
			if (c != NULL)
				*c = (struct pn_l1){1, x, tx, l1};
		}
		double l2 = log_hyp2f1_a1(ap, bp, d / (base + T)) -
		    ap * log(base + T);
		if (isnan(l1) || isnan(l2))
			return NAN;
		if (!(l1 > l2))
			return -INFINITY;
		return log(s) - log(ap) + l1 + log1p(-exp(l2 - l1));
	}
	struct pn_integrand q = { tx, r + x, s + 1, al + tx, be + tx };
	gsl_function fn = { pn_g, &q };
	gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
	if (ws == NULL)
		return NAN;
	double v, abserr;
	int st = gsl_integration_qag(&fn, tx, T, 0, 1e-10, 200,
	    GSL_INTEG_GAUSS21, ws, &v, &abserr);
	gsl_integration_workspace_free(ws);
	/* A roundoff warning still leaves an answer good to far more than
	 * the likelihood needs; anything else is a failure. */
	if ((st != GSL_SUCCESS && st != GSL_EROUND) || !(v > 0))
		return NAN;
	return log(s) + log(v) - (r + x) * log(al + tx) -
	    (s + 1) * log(be + tx);
}

/* log(s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0): the odds of "dropped
 * out" against "alive" given the history; P(alive) = 1/(1 + exp). */
static double
pn_log_odds(double r, double al, double s, double be, double x, double tx,
    double T, struct pn_l1 *c)
{
	return pn_log_k(r, al, s, be, x, tx, T, c) + (r + x) * log(al + T) +
	    s * log(be + T);
}

/*
 * The note's likelihood
 *   L = Gamma(r+x) alpha^r beta^s / Gamma(r)
 *       [1/((alpha+T)^(r+x) (beta+T)^s) + s/(r+s+x) A0],
 * as log: the per-x constant plus the first term's log plus
 * softplus(log odds).
 */
static double
pn_nll(const struct fitctx *ctx, const double *th, double *grad)
{
	if (grad != NULL) {
		/* No closed-form gradient through the 2F1 terms: central
		 * differences in the log-parameters, steps of 1e-5, whose
		 * error (about 1e-10 of the function) is far below what
		 * the optimiser's stopping rule can see. */
		double t[8][MAXPAR], f[8];
		for (int j = 0; j < 8; j++) {
			memcpy(t[j], th, 4 * sizeof(double));
			t[j][j / 2] = th[j / 2] * exp(j % 2 ? -1e-5 : 1e-5);
		}
		nll_points(ctx, (const double (*)[MAXPAR])t, f, 8);
		for (int j = 0; j < 4; j++)
			grad[j] = (f[2 * j] - f[2 * j + 1]) / 2e-5;
	}
	double r = th[0], al = th[1], s = th[2], be = th[3];
	double ll = 0, k0 = -lgam(r) + r * log(al) + s * log(be);
	long cx = -1;
	double lx = 0;
	struct pn_l1 l1 = {0, 0, 0, 0};
	for (size_t i = 0; i < ctx->nrows; i++) {
		const struct row *w = &ctx->rows[i];
		double x = (double)w->x;
		if (w->x != cx) {
			cx = w->x;
			lx = lgam(r + x) + k0;
		}
		double first = -(r + x) * log(al + w->T) - s * log(be + w->T);
		double u = pn_log_odds(r, al, s, be, x, w->tx, w->T, &l1);
		if (isnan(u))
			return NAN;
		ll += w->w * (lx + first + softplus(u));
	}
	return -ll;
}

double
voc_paretonbd_ll(const struct voc_paretonbd *m,
    const struct voc_btyd_customer *c)
{
	if (!positive4(m->r, m->alpha, m->s, m->beta))
		return NAN;
	struct row w = { c->x, c->t_x, c->T, 0, 1 };
	struct fitctx ctx = { &w, 1, 1, pn_nll, NULL, 0 };
	double th[4] = { m->r, m->alpha, m->s, m->beta };
	return -pn_nll(&ctx, th, NULL);
}

double
voc_paretonbd_ll_total(const struct voc_paretonbd *m,
    const struct voc_btyd_customer *c, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += voc_paretonbd_ll(m, &c[i]);
	return s;
}

int
voc_paretonbd_fit(const struct voc_btyd_customer *c, size_t n,
    struct voc_paretonbd *out, struct voc_error *err)
{
	static const int shape[4] = {1, 0, 1, 0};	/* r, s */
	struct fitctx ctx = { NULL, 0, 0, pn_nll, shape, 0 };
	struct row *rows = fit_rows("Pareto/NBD", c, n, &ctx, err);
	if (rows == NULL)
		return -1;
	double tb = mean_T(&ctx);
	if (!(tb > 0))
		tb = 1;
	const double starts[] = {
		1, tb / 4, 1, tb / 4,
		0.5, tb / 4, 0.5, tb / 2,
	};
	double th[4];
	double f = fit_multistart(&ctx, 4, starts, 2, 1, th);
	if (ctx.drift) {
		free(rows);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "Pareto/NBD: the fit has no finite maximum: the %s rates "
		    "look the same for every customer (a gamma shape passed "
		    "%.0f); BG/NBD (--model bgnbd) may fit", ctx.drift == 1 ?
		    "purchase" : "dropout", SHAPE_MAX);
	}
	if (!isfinite(f)) {
		free(rows);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "Pareto/NBD: the fit did not converge");
	}
	out->r = th[0];
	out->alpha = th[1];
	out->s = th[2];
	out->beta = th[3];
	out->ll = -f;
	out->n = n;
	hessian_se(&ctx, 4, th, out->se);
	free(rows);
	return 0;
}

double
voc_paretonbd_palive(const struct voc_paretonbd *m,
    const struct voc_btyd_customer *c)
{
	if (!positive4(m->r, m->alpha, m->s, m->beta))
		return NAN;
	double u = pn_log_odds(m->r, m->alpha, m->s, m->beta, (double)c->x,
	    c->t_x, c->T, NULL);
	return isnan(u) ? NAN : exp(-softplus(u));
}

double
voc_paretonbd_expected(const struct voc_paretonbd *m,
    const struct voc_btyd_customer *c, double t)
{
	if (!positive4(m->r, m->alpha, m->s, m->beta) || !(t >= 0))
		return NAN;
	/*
	 * (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
	 * P(alive); the bracket over (s - 1) through expm1, so s = 1 is
	 * its limit, not a division by zero.
	 */
	double L = log(m->beta + c->T) - log(m->beta + c->T + t);
	double x = (double)c->x;
	return (m->r + x) * (m->beta + c->T) / (m->alpha + c->T) *
	    expm1_ratio(m->s - 1, L) * voc_paretonbd_palive(m, c);
}

double
voc_paretonbd_unconditional(const struct voc_paretonbd *m, double t)
{
	if (!positive4(m->r, m->alpha, m->s, m->beta) || !(t >= 0))
		return NAN;
	/* r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] */
	double L = log(m->beta) - log(m->beta + t);
	return m->r * m->beta / m->alpha * expm1_ratio(m->s - 1, L);
}

/* ---- Gamma-Gamma ---- */

/*
 * The negative log-likelihood of mean spends m of x transactions
 * (the Gamma-Gamma note of Fader & Hardie 2013):
 *   ll = lgamma(px+q) - lgamma(px) - lgamma(q) + q log gamma
 *        + (px-1) log m + px log x - (px+q) log(gamma + m x).
 */
static double
gg_nll(const struct fitctx *ctx, const double *th, double *grad)
{
	(void)grad;
	double p = th[0], q = th[1], g = th[2];
	double ll = 0, k0 = -lgam(q) + q * log(g);
	long cx = -1;
	double lx = 0;
	for (size_t i = 0; i < ctx->nrows; i++) {
		const struct row *w = &ctx->rows[i];
		double x = (double)w->x, px = p * x;
		if (w->x != cx) {
			cx = w->x;
			lx = lgam(px + q) - lgam(px) + k0 + px * log(x);
		}
		ll += w->w * (lx + (px - 1) * log(w->m) -
		    (px + q) * log(g + w->m * x));
	}
	return -ll;
}

int
voc_gg_fit(const struct voc_btyd_customer *c, size_t n, struct voc_gg *out,
    struct voc_error *err)
{
	struct fitctx ctx = { NULL, 0, 0, gg_nll, NULL, 0 };
	struct row *rows = make_rows(c, n, 1, &ctx.nrows, &ctx.wsum);
	if (rows == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	ctx.rows = rows;
	if (ctx.wsum < VOC_GG_MIN_BUYERS) {
		free(rows);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "Gamma-Gamma: %.0f repeat buyers with spend, at least "
		    "%d needed", ctx.wsum, VOC_GG_MIN_BUYERS);
	}
	double mb = 0;
	for (size_t i = 0; i < ctx.nrows; i++)
		mb += rows[i].w * rows[i].m;
	mb /= ctx.wsum;
	/* E[m] = p gamma / (q - 1): starts whose mean matches the data. */
	const double starts[] = {
		1, 2, mb,
		5, 3, 2 * mb / 5,
		2, 5, 2 * mb,
	};
	double th[3];
	double f = fit_multistart(&ctx, 3, starts, 3, 0, th);
	if (!isfinite(f)) {
		free(rows);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "Gamma-Gamma: the fit did not converge");
	}
	if (!(th[1] > 1)) {
		free(rows);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "Gamma-Gamma: q = %.4g <= 1, so the mean spend is "
		    "infinite; spend is too heavy-tailed for this model",
		    th[1]);
	}
	out->p = th[0];
	out->q = th[1];
	out->gamma = th[2];
	out->ll = -f;
	out->n = (size_t)ctx.wsum;
	hessian_se(&ctx, 3, th, out->se);
	free(rows);
	return 0;
}

double
voc_gg_expected_spend(const struct voc_gg *m,
    const struct voc_btyd_customer *c)
{
	double p = m->p, q = m->q, g = m->gamma;
	if (!(p > 0 && q > 0 && g > 0))
		return NAN;
	double x = c->x > 0 && c->m > 0 ? (double)c->x : 0;
	if (x == 0 && !(q > 1))
		return NAN;
	/* A weighted mean of the population mean p gamma / (q - 1) and
	 * the customer's m, with weight px / (px + q - 1) on m. */
	return p * (g + x * (x > 0 ? c->m : 0)) / (p * x + q - 1);
}

/* ---- discounted CLV ---- */

static double
expected(enum voc_btyd_kind kind, const void *model,
    const struct voc_btyd_customer *c, double t)
{
	if (kind == VOC_BTYD_BGNBD)
		return voc_bgnbd_expected(model, c, t);
	return voc_paretonbd_expected(model, c, t);
}

int
voc_clv_discounted(enum voc_btyd_kind kind, const void *model,
    const struct voc_btyd_customer *c, double spend, double margin,
    int periods, double period_len, double rate, double *clv,
    struct voc_error *err)
{
	if (model == NULL || (kind != VOC_BTYD_BGNBD &&
	    kind != VOC_BTYD_PARETONBD))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "CLV: no model");
	if (periods < 0 || !(period_len > 0) || !(rate > -1) ||
	    !isfinite(spend) || !isfinite(margin))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "CLV: periods, period length, discount rate, spend "
		    "or margin out of range");
	double sum = 0, prev = 0, disc = 1;
	for (int k = 1; k <= periods; k++) {
		double cum = expected(kind, model, c, k * period_len);
		if (!isfinite(cum))
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "CLV: expected purchases not finite at period %d",
			    k);
		disc /= 1 + rate;
		sum += (cum - prev) * disc;
		prev = cum;
	}
	*clv = sum * spend * margin;
	return 0;
}
