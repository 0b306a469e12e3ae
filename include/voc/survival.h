/*
 * Survival and retention models: the Kaplan-Meier curve with its
 * confidence bands and median, the log-rank test between groups, and the
 * shifted-beta-geometric (sBG) model that projects a cohort's retention.
 *
 * These are pure functions on arrays the caller has built (the retention
 * program gathers them in its finish step): no I/O, no global state.  The
 * Kaplan-Meier table and the log-rank test reproduce what R's survival
 * package prints (survfit, print.survfit, survdiff), so an analyst can
 * check one against the other.  A value R prints as NA is NaN here.
 *
 * Ownership: every array passed in stays the caller's and is only read;
 * the one array handed out (voc_km_fit's rows) is the caller's to free().
 * GSL is used throughout: call voc_stats_init() once first.
 */
#ifndef VOC_SURVIVAL_H
#define VOC_SURVIVAL_H

#include <stddef.h>

#include "voc/error.h"

/* The scale a Kaplan-Meier confidence band is built on (R's conf.type). */
enum voc_km_ci {
	VOC_KM_CI_LOG = 0,	/* log S: R's default */
	VOC_KM_CI_LOGLOG,	/* log(-log S) */
	VOC_KM_CI_PLAIN		/* S itself, clipped to [0, 1] */
};

/*
 * One line of the Kaplan-Meier table, at a time when an event or a
 * censoring happened.  Counts are sums of weights.  std_err is the
 * standard error of surv (Greenwood), as summary.survfit prints it; lo
 * and hi the band asked for.  Before the first event std_err is 0 and
 * the band is [1, 1]; once surv reaches 0, std_err and the band are NaN
 * (R prints NaN and NA there).
 */
struct voc_km_row {
	double time;
	double n_risk, n_event, n_censor;
	double surv, std_err, lo, hi;
};

/*
 * The Kaplan-Meier estimate of n observations: time[i] (finite), event[i]
 * (1 an event, 0 censored) and weight[i] (> 0; weight NULL means all 1),
 * with a band of type ci at level conf (0 < conf < 1; R uses 0.95).
 * Times are matched exactly (R's survfit first merges times within
 * rounding error; integer and day times are unaffected).
 *
 * On success *rows is a malloc'ed array of *nrows rows in increasing
 * time, which the caller frees, and 0 is returned.  Returns -1 and fills
 * err when n is 0, an input is invalid (naming its index), conf is out of
 * range (a usage error) or memory runs out; *rows is then NULL.
 */
int voc_km_fit(const double *time, const int *event, const double *weight,
    size_t n, enum voc_km_ci ci, double conf, struct voc_km_row **rows,
    size_t *nrows, struct voc_error *err);

/*
 * The median survival time and its confidence interval as R's
 * print.survfit finds them: the first time the curve (for lo and hi, the
 * band's edges) is at or below 0.5, except that where it sits exactly at
 * 0.5 (within 1.5e-8) the median is the midpoint between that time and
 * the time it next drops.  Each is NaN when the curve never gets that
 * low.  The interval comes from the band of the rows given, so it is the
 * one of the ci type they were fitted with.
 */
void voc_km_median(const struct voc_km_row *rows, size_t nrows,
    double *median, double *lo, double *hi);

/* The result of a log-rank test. */
struct voc_logrank {
	double chisq;	/* the statistic */
	int df;		/* groups with a positive expected count, less 1 */
	double p;	/* upper tail of chi-square on df */
};

/*
 * The log-rank test that the survival of ngroups groups is the same, as
 * R's survdiff(rho = 0): observations time[i], event[i] (0/1) in group
 * group[i] < ngroups.  Groups with no expected events (none at risk at an
 * event time) are left out as R does.  When observed and expected are not
 * NULL they receive ngroups counts each (the caller's arrays).
 *
 * Returns 0, or -1 with err filled when an input is invalid, fewer than
 * two groups have subjects at risk at an event time (there is nothing to
 * compare), the variance matrix is singular, or memory runs out.
 */
int voc_logrank_test(const double *time, const int *event,
    const size_t *group, size_t n, size_t ngroups, double *observed,
    double *expected, struct voc_logrank *res, struct voc_error *err);

/*
 * A fitted shifted-beta-geometric model (Fader & Hardie 2007, "How to
 * project customer retention", J. Interactive Marketing 21(1)): each
 * customer churns at the end of each period with a fixed probability
 * theta, and theta is Beta(alpha, beta) across customers.
 */
struct voc_sbg {
	double alpha, beta;
	double loglik;		/* at the maximum */
	double se_alpha, se_beta; /* from the observed information; NaN
				   * when it is not positive definite */
	double cov;		/* covariance of alpha and beta */
	double n;		/* customers that entered the fit */
	size_t periods;		/* the longest cohort's last period T */
};

/*
 * Fits alpha and beta by maximum likelihood (Fader & Hardie 2007,
 * appendix B, (B3)) to ncohorts cohorts: cohort k is surv[k][0..len[k]-1],
 * the number of its customers still active at the start (period 0, the
 * cohort's size) and after each period; later cohorts are usually
 * shorter.  The log-likelihoods of the cohorts add up.  Counts need not
 * be integers (shares scaled to a cohort size work too).  A cohort with
 * fewer than two counts tells nothing and is passed over.
 *
 * Returns 0, or -1 with err filled when a count is negative or not finite,
 * a cohort's count grows, or the model cannot be fitted: nobody churned,
 * everybody churned in the first period, no cohort is seen beyond the
 * first period (alpha and beta cannot be told apart), or the likelihood
 * has no maximum inside the parameter space (churn that does not fall
 * over time runs off to a constant-rate geometric model; churn only in
 * the first period runs alpha and beta to 0).
 */
int voc_sbg_fit(const double *const *surv, const size_t *len,
    size_t ncohorts, struct voc_sbg *fit, struct voc_error *err);

/*
 * The log-likelihood (B3) of the cohorts at (alpha, beta), summed over
 * cohorts, into *ll.  Returns 0, or -1 with err filled for invalid
 * counts (as voc_sbg_fit) or alpha, beta not positive.
 */
int voc_sbg_loglik(const double *const *surv, const size_t *len,
    size_t ncohorts, double alpha, double beta, double *ll,
    struct voc_error *err);

/*
 * The share of a cohort still active after t periods,
 * S(t) = B(alpha, beta + t) / B(alpha, beta); 1 at t = 0, NaN for t < 0.
 */
double voc_sbg_survival(const struct voc_sbg *m, int t);

/*
 * The probability of churning at the end of period t,
 * P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta); NaN for t < 1.
 */
double voc_sbg_churn(const struct voc_sbg *m, int t);

/*
 * The retention rate of period t, S(t) / S(t - 1) =
 * (beta + t - 1) / (alpha + beta + t - 1), which rises with t as the
 * likelier churners leave; NaN for t < 1.
 */
double voc_sbg_retention(const struct voc_sbg *m, int t);

#endif
