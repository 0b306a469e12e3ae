/*
 * "Buy 'til you die" customer-lifetime-value models: per-customer
 * recency/frequency/monetary summaries, BG/NBD and Pareto/NBD purchase
 * models, the Gamma-Gamma spend model and a discounted CLV.  Pure
 * functions over arrays the caller owns: nothing here reads files,
 * prints or keeps state between calls.  Fits allocate scratch memory
 * and free it before returning; every function that can fail returns
 * -1 and fills err (which may be NULL).
 *
 * Time is measured in "units" (1 = days, 7 = weeks) from a customer's
 * first purchase.  Model parameters are in those units, so a model
 * fitted on weekly summaries predicts for weekly horizons.
 */
#ifndef VOC_BTYD_H
#define VOC_BTYD_H

#include <stddef.h>

#include "voc/error.h"

/* One purchase: a day number (any consecutive day count) and money. */
struct voc_btyd_purchase {
	long day;
	double amount;
};

/*
 * One customer, as the models see them (Fader, Hardie & Lee 2005).
 * Purchases on one day count as one transaction.
 */
struct voc_btyd_customer {
	long x;		/* repeat transactions in the calibration window */
	double t_x;	/* last transaction, units after the first */
	double T;	/* calibration end, units after the first */
	double m;	/* mean spend of the x repeat transactions; 0 if x 0 */
	long x_star;	/* transactions in the holdout window */
	long first;	/* day of the first transaction */
};

/*
 * Summarises one customer's purchases p[0..n-1], sorted by day, for a
 * calibration window ending on day cal_end (inclusive) and a holdout
 * window (cal_end, holdout_end].  unit is the length of a time unit in
 * days (1, 7, ...).  Same-day purchases are merged, their amounts
 * summed; the first transaction is not a repeat, and its money is not
 * in m.  t_x = (last - first) / unit and T = (cal_end - first) / unit,
 * the conventions of the published CDNOW summary.  Returns 0; 1 when
 * the customer has no purchase on or before cal_end (out is then not
 * filled: such a customer is not in the calibration cohort); -1 when p
 * is not sorted, n is 0 or unit is not positive.
 */
int voc_btyd_summarise(const struct voc_btyd_purchase *p, size_t n,
    long cal_end, long holdout_end, double unit,
    struct voc_btyd_customer *out, struct voc_error *err);

/* BG/NBD parameters (Fader, Hardie & Lee 2005, "Counting your
 * customers the easy way", Marketing Science 24(2)). */
struct voc_bgnbd {
	double r, alpha, a, b;
	double se[4];	/* standard errors of r, alpha, a, b; NaN when the
			 * Hessian of the fit is not positive definite */
	double ll;	/* log-likelihood at the estimate */
	size_t n;	/* customers fitted */
};

/* The log-likelihood of one customer (FHL 2005, eq. 6); NaN for
 * parameters that are not all positive. */
double voc_bgnbd_ll(const struct voc_bgnbd *m,
    const struct voc_btyd_customer *c);

/* The sum of voc_bgnbd_ll over c[0..n-1]. */
double voc_bgnbd_ll_total(const struct voc_bgnbd *m,
    const struct voc_btyd_customer *c, size_t n);

/*
 * Maximum-likelihood fit of r, alpha, a, b to c[0..n-1] (from several
 * starts, on log-parameters), with standard errors from the numerical
 * Hessian.  Fills out; returns 0, or -1 (no customers, none with a
 * repeat purchase, no convergence, out of memory).
 */
int voc_bgnbd_fit(const struct voc_btyd_customer *c, size_t n,
    struct voc_bgnbd *out, struct voc_error *err);

/* E[X(t)], purchases in (0, t] of a new customer (FHL 2005, eq. 7).
 * NaN where the series cannot be summed (a + b <= 1). */
double voc_bgnbd_unconditional(const struct voc_bgnbd *m, double t);

/* E[Y(t) | x, t_x, T], purchases in the t units after T (FHL 2005,
 * eq. 10).  Finite for any x; NaN as voc_bgnbd_unconditional. */
double voc_bgnbd_expected(const struct voc_bgnbd *m,
    const struct voc_btyd_customer *c, double t);

/* P(alive | x, t_x, T) (FHL 2005, appendix; Fader, Hardie & Lee 2008,
 * "Computing P(alive) using the BG/NBD model"). */
double voc_bgnbd_palive(const struct voc_bgnbd *m,
    const struct voc_btyd_customer *c);

/* Pareto/NBD parameters (Schmittlein, Morrison & Colombo 1987). */
struct voc_paretonbd {
	double r, alpha, s, beta;
	double se[4];	/* of r, alpha, s, beta; NaN as for BG/NBD */
	double ll;
	size_t n;
};

/* The log-likelihood of one customer (Fader & Hardie 2005, "A note on
 * deriving the Pareto/NBD model and related expressions"); NaN
 * for parameters that are not all positive. */
double voc_paretonbd_ll(const struct voc_paretonbd *m,
    const struct voc_btyd_customer *c);

double voc_paretonbd_ll_total(const struct voc_paretonbd *m,
    const struct voc_btyd_customer *c, size_t n);

/* The threads the fits may use from now on (1 or more; the default
 * 1): with 2 or more, the points of a difference gradient or Hessian are
 * evaluated two at once.  The fitted numbers are the same either way. */
void voc_btyd_threads(long n);

/* Fit as voc_bgnbd_fit.  With no analytic gradient and a 2F1 series
 * per customer it is far slower than BG/NBD: 1.4 s for CDNOW's 23,570
 * customers, and minutes for some large logs.  Fails, saying so, when
 * an iterate's r or s passes 1000: customers' rates that alike leave
 * the likelihood no finite maximum. */
int voc_paretonbd_fit(const struct voc_btyd_customer *c, size_t n,
    struct voc_paretonbd *out, struct voc_error *err);

/* P(alive | x, t_x, T) (the Fader & Hardie 2005 note). */
double voc_paretonbd_palive(const struct voc_paretonbd *m,
    const struct voc_btyd_customer *c);

/* E[Y(t) | x, t_x, T] (the Fader & Hardie 2005 note;
 * Schmittlein et al. 1987). */
double voc_paretonbd_expected(const struct voc_paretonbd *m,
    const struct voc_btyd_customer *c, double t);

/* E[X(t)] of a new customer (the Fader & Hardie 2005 note). */
double voc_paretonbd_unconditional(const struct voc_paretonbd *m,
    double t);

/* Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV:
 * using iso-value curves", J. Marketing Research 42(4); the note "The
 * Gamma-Gamma model of monetary value", 2013). */
struct voc_gg {
	double p, q, gamma;
	double se[3];	/* of p, q, gamma; NaN as for BG/NBD */
	double ll;
	size_t n;	/* repeat buyers fitted */
};

/* The fewest repeat buyers voc_gg_fit accepts. */
#define VOC_GG_MIN_BUYERS 10

/*
 * Fits p, q, gamma to the repeat buyers of c[0..n-1] by maximum
 * likelihood; customers with x = 0 or m <= 0 are ignored.  Returns -1
 * with a message when fewer than VOC_GG_MIN_BUYERS remain, when the
 * fit fails, or when q <= 1 (the mean spend would be infinite); out is
 * then not to be used.
 */
int voc_gg_fit(const struct voc_btyd_customer *c, size_t n,
    struct voc_gg *out, struct voc_error *err);

/* E[Z | x, m], the customer's expected mean spend per transaction
 * (FHL 2005 iso-value); the population mean p gamma / (q - 1)
 * when x is 0.  NaN when q <= 1 and x is 0. */
double voc_gg_expected_spend(const struct voc_gg *m,
    const struct voc_btyd_customer *c);

enum voc_btyd_kind {
	VOC_BTYD_BGNBD,
	VOC_BTYD_PARETONBD
};

/*
 * Discounted customer-lifetime value: over periods 1..periods of
 * period_len units each after T, the expected purchases of each period
 * (the difference of cumulative conditional expectations) discounted
 * by (1 + rate)^-k, times spend and margin.  model points to a struct
 * voc_bgnbd or voc_paretonbd as kind says.  Returns 0 and sets *clv,
 * or -1 on bad arguments or when an expectation is not finite.
 */
int voc_clv_discounted(enum voc_btyd_kind kind, const void *model,
    const struct voc_btyd_customer *c, double spend, double margin,
    int periods, double period_len, double rate, double *clv,
    struct voc_error *err);

#endif
