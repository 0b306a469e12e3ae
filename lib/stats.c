/*
 * Mergeable statistics (see include/voc/stats.h).  Every state is sums,
 * so merging is addition; weighted and unweighted data share one code
 * path, the unweighted case being weights of 1.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "voc/stats.h"

void
voc_stats_init(void)
{
	gsl_set_error_handler_off();
}

double
voc_stats_z(double conf)
{
	if (!(conf > 0 && conf < 1))
		return NAN;
	return gsl_cdf_ugaussian_Pinv(1 - (1 - conf) / 2);
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

void
voc_nps_add(struct voc_nps *a, enum voc_nps_class c, double weight)
{
	a->n[c]++;
	a->w[c] += weight;
	a->w2[c] += weight * weight;
}

void
voc_nps_merge(struct voc_nps *a, const struct voc_nps *b)
{
	for (int k = 0; k < 3; k++) {
		a->n[k] += b->n[k];
		a->w[k] += b->w[k];
		a->w2[k] += b->w2[k];
	}
}

void
voc_nps_less(struct voc_nps *out, const struct voc_nps *a,
    const struct voc_nps *b)
{
	for (int k = 0; k < 3; k++) {
		out->n[k] = a->n[k] - b->n[k];
		out->w[k] = a->w[k] - b->w[k];
		out->w2[k] = a->w2[k] - b->w2[k];
	}
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
voc_nps_result(const struct voc_nps *a, enum voc_ci ci, double conf,
    long resamples, unsigned long seed, struct voc_nps_result *r)
{
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
