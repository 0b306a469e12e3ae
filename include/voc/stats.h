/*
 * Mergeable statistics.  Each accumulator is a small struct that starts
 * zeroed, takes values with _add, combines with _merge (merging the
 * states of two inputs gives what one pass over both gives), and is read
 * with _result.  Shares and scores are proportions here (NPS in -1..1);
 * programs scale them for output.
 */
#ifndef VOC_STATS_H
#define VOC_STATS_H

#include <stdint.h>

#include "voc/error.h"

struct voc_dec;

/* Turns off GSL's aborting error handler; call once at start-up. */
void voc_stats_init(void);

/* The two-sided normal critical value for a confidence level (0.95 ->
 * 1.959964); NaN unless 0 < conf < 1. */
double voc_stats_z(double conf);

/* The two-sided p-value of a standard normal statistic. */
double voc_stats_p(double z);

enum voc_nps_class {
	VOC_NPS_DETRACTOR = 0,	/* 0-6 */
	VOC_NPS_PASSIVE,	/* 7-8 */
	VOC_NPS_PROMOTER	/* 9-10 */
};

/* The class of a 0-10 score. */
enum voc_nps_class voc_nps_classify(int score);

/*
 * The weighted sums of the accumulators below are compensated (Neumaier):
 * beside each sum is what rounding has left out of it so far, and a
 * result uses the two together.  So a sum comes out as the exact sum of
 * its terms correctly rounded, unless the exact sum lies within about
 * n 2^-106 times itself of halfway between two doubles: in practice,
 * the same bits in whatever order the rows were added, one pass or parts
 * merged (threads, shards).
 * Not for weights more than about 10^300 apart: rescaled to the larger,
 * the smaller ones' sums leave the range of a double, and where they
 * are cut depends on when the larger came.
 */
struct voc_nps {
	long long n[3];		/* answers per class */
	double w[3];		/* sum of weights per class */
	double w2[3];		/* sum of squared weights per class */
	int scale;		/* the sums are of weight * 2^-scale */
	double w_lost[3], w2_lost[3];	/* left out of w and w2 */
};

void voc_nps_add(struct voc_nps *a, enum voc_nps_class c, double weight);
void voc_nps_merge(struct voc_nps *a, const struct voc_nps *b);
/* out = a less b, for "everyone else" comparisons (b a part of a). */
void voc_nps_less(struct voc_nps *out, const struct voc_nps *a,
    const struct voc_nps *b);

enum voc_ci {
	VOC_CI_ADJUSTED_WALD = 0,
	VOC_CI_WALD,
	VOC_CI_BOOTSTRAP
};

struct voc_nps_result {
	long long n;		/* answers */
	double share[3];	/* weighted shares of the classes */
	double nps;		/* share[PROMOTER] - share[DETRACTOR] */
	double se;		/* standard error of nps */
	double lo, hi;		/* the interval asked for */
	double n_eff;		/* Kish effective sample size */
};

/*
 * The NPS, its standard error and interval.  The variance is the
 * linearised variance of a weighted mean of +1/0/-1, which for unit
 * weights is the trinomial (p_P + p_D - (p_P - p_D)^2) / n.  Intervals:
 * Wald, nps +- z se; adjusted Wald (Rocks 2016, "Interval estimation for
 * the Net Promoter Score", The American Statistician 70(4)), the Wald
 * interval after adding 3/4 detractor, 3/2 passive and 3/4 promoter to
 * the (effective) counts; bootstrap, the percentile interval of
 * resamples multinomial redraws (unweighted data only) from a
 * generator seeded with seed.  Fields are NaN where n is 0.  Returns 0,
 * or -1 when out of memory.
 */
int voc_nps_result(const struct voc_nps *a, enum voc_ci ci, double conf,
    long resamples, unsigned long seed, struct voc_nps_result *r);

/*
 * The difference b - a of two independent estimates with standard errors
 * se_a, se_b: its interval at conf and two-sided p-value (z test).
 */
void voc_stats_diff(double a, double se_a, double b, double se_b,
    double conf, double *lo, double *hi, double *p);

/*
 * Wilson's score interval for a proportion p observed on n (effective)
 * answers (Wilson 1927, JASA 22; the form in Newcombe 1998, "Two-sided
 * confidence intervals for the single proportion", Statistics in
 * Medicine 17, method 3).  NaN when n is 0.
 */
void voc_stats_wilson(double p, double n, double conf, double *lo,
    double *hi);

/*
 * The difference p2 - p1 of two independent proportions: Newcombe's
 * hybrid score interval (Newcombe 1998, "Interval estimation for the
 * difference between independent proportions", Statistics in Medicine
 * 17, method 10), and the two-sided p-value of the pooled two-proportion
 * z test.
 */
/*
 * The p-value that agrees with Newcombe's interval: 1 - the largest
 * confidence level at which the interval of p2 - p1 still holds 0, so
 * that p < 1 - conf exactly when the interval at conf leaves 0 out.
 * NaN when an n is 0.
 */
double voc_stats_newcombe_p(double p1, double n1, double p2, double n2);

void voc_stats_newcombe(double p1, double n1, double p2, double n2,
    double conf, double *lo, double *hi, double *pvalue);

/*
 * A rating-scale accumulator: answers, weighted moments and the weighted
 * top-box and bottom-box counts.
 */
#define VOC_RATING_SUMS 6
struct voc_rating {
	long long n;		/* answers */
	long long top_n, bottom_n;
	double w, wx, wx2, w2;	/* sums of w, w x, w x^2, w^2 */
	double top_w, bottom_w;
	int scale;		/* the sums are of weight * 2^-scale */
	/* 0 while every term added was a whole number (weights of 1 at
	 * whole points): the sums are then exact and plain adds serve.  A
	 * rating made otherwise than by adding (loaded) sets it. */
	int fraction;
	/* Left out of w, wx, wx2, w2, top_w and bottom_w, in that order. */
	double lost[VOC_RATING_SUMS];
};

void voc_rating_add(struct voc_rating *a, double x, double weight, int top,
    int bottom);
void voc_rating_merge(struct voc_rating *a, const struct voc_rating *b);
void voc_rating_less(struct voc_rating *out, const struct voc_rating *a,
    const struct voc_rating *b);
/* The sums with what rounding left out added in, and nothing left out:
 * the best doubles for the sums, before they are read. */
void voc_rating_settle(struct voc_rating *a);
void voc_nps_settle(struct voc_nps *a);

/* A scale read from a state file into *scale: 0, or -1 with a data error
 * when it is not one a run makes (a weight's binary exponent, within
 * +-VOC_SCALE_MAX): rescaling by it would overflow. */
#define VOC_SCALE_MAX 1100
int voc_stats_scale(long long v, int *scale, struct voc_error *err);
/* Reads what rounding left out of a sum from a state file's values
 * into *lost: 0, or -1 with a data error when it is not a finite
 * number. */
int voc_stats_lost(struct voc_dec *d, double *lost, struct voc_error *err);

/*
 * Weighted answers at one point, as csat-agg counts an answer word
 * before its point is known: a rating's n, w and w2 with their scale and
 * what rounding left out of the sums, small enough to keep dozens a
 * group.  Added and merged as the rating of answers at point 0.
 */
struct voc_weights {
	long long n;
	double w, w2;
	double w_lost, w2_lost;
	int scale;
};

void voc_weights_add(struct voc_weights *a, double weight);
void voc_weights_merge(struct voc_weights *a, const struct voc_weights *b);
/* The rating of a's answers, all at point 0. */
void voc_weights_rating(const struct voc_weights *a, struct voc_rating *r);

struct voc_rating_result {
	long long n;
	double mean, sd;	/* weighted; sd with the n - 1 analogue */
	double top, bottom;	/* weighted top-box and bottom-box shares */
	double lo, hi;		/* Wilson interval of top, on n_eff */
	double n_eff;		/* Kish effective sample size */
};

/* The results; NaN where they cannot be known (n 0, sd of 1 answer). */
void voc_rating_result(const struct voc_rating *a, double conf,
    struct voc_rating_result *r);

#endif
