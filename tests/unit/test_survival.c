/*
 * survival: the Kaplan-Meier table of R's aml data against what R's
 * survfit prints (testdata/survival/aml_km_R_*.csv, every column of every
 * row, all three band types), the median and log-rank test against R's
 * print.survfit and survdiff, the sBG fit against Fader & Hardie (2007)
 * (testdata/sbg/), and edge cases worked by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "voc/stats.h"
#include "voc/survival.h"

#define MAXROWS 64

/* aml.csv: "time","status","x"; x is 0 for Maintained, 1 otherwise. */
static size_t
read_aml(double *time, int *status, size_t *group)
{
	FILE *fp = fopen("testdata/survival/aml.csv", "r");
	char line[256], x[64];
	size_t n = 0;

	if (fp == NULL)
		return 0;
	if (fgets(line, sizeof(line), fp) == NULL) {
		fclose(fp);
		return 0;
	}
	while (n < MAXROWS && fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%lf,%d,\"%63[^\"]\"", &time[n], &status[n],
		    x) != 3)
			continue;
		group[n] = strcmp(x, "Maintained") == 0 ? 0 : 1;
		n++;
	}
	fclose(fp);
	return n;
}

/* What R printed: time, n.risk, n.event, n.censor, surv, std.err, lower,
 * upper, one row per line after the header. */
static size_t
read_r(const char *path, double (*r)[8])
{
	FILE *fp = fopen(path, "r");
	char line[512];
	size_t n = 0;

	if (fp == NULL)
		return 0;
	if (fgets(line, sizeof(line), fp) == NULL) {
		fclose(fp);
		return 0;
	}
	while (n < MAXROWS && fgets(line, sizeof(line), fp) != NULL) {
		char *p = line, *end;

		for (int k = 0; k < 8; k++) {
			r[n][k] = strtod(p, &end);
			p = *end == ',' ? end + 1 : end;
		}
		n++;
	}
	fclose(fp);
	return n;
}

static void
check_km_against_r(const double *time, const int *status, size_t n,
    enum voc_km_ci ci, const char *path)
{
	double r[MAXROWS][8];
	size_t nr = read_r(path, r), nrows = 0;
	struct voc_km_row *rows = NULL;
	struct voc_error err;

	CHECK(nr == 18);
	CHECK(voc_km_fit(time, status, NULL, n, ci, 0.95, &rows, &nrows,
	    &err) == 0);
	CHECK(nrows == nr);
	for (size_t i = 0; i < nr && i < nrows; i++) {
		CHECK_NEAR(rows[i].time, r[i][0], 1e-6);
		CHECK_NEAR(rows[i].n_risk, r[i][1], 1e-6);
		CHECK_NEAR(rows[i].n_event, r[i][2], 1e-6);
		CHECK_NEAR(rows[i].n_censor, r[i][3], 1e-6);
		CHECK_NEAR(rows[i].surv, r[i][4], 1e-6);
		CHECK_NEAR(rows[i].std_err, r[i][5], 1e-6);
		CHECK_NEAR(rows[i].lo, r[i][6], 1e-6);
		CHECK_NEAR(rows[i].hi, r[i][7], 1e-6);
	}
	free(rows);
}

static void
test_km(void)
{
	double time[MAXROWS], med, lo, hi;
	int status[MAXROWS];
	size_t group[MAXROWS], n = read_aml(time, status, group), nrows;
	struct voc_km_row *rows;
	struct voc_error err;

	CHECK(n == 23);
	check_km_against_r(time, status, n, VOC_KM_CI_LOG,
	    "testdata/survival/aml_km_R_log.csv");
	check_km_against_r(time, status, n, VOC_KM_CI_LOGLOG,
	    "testdata/survival/aml_km_R_log-log.csv");
	check_km_against_r(time, status, n, VOC_KM_CI_PLAIN,
	    "testdata/survival/aml_km_R_plain.csv");

	/*
	 * print(survfit(Surv(time, status) ~ 1, aml)) gives median 27,
	 * 0.95LCL 18, 0.95UCL 45.  From the R tables: S is 0.5466 at 23
	 * and 0.4969 at 27; the log band's lower edge is 0.5309 at 13 and
	 * 0.4753 at 18, its upper 0.5148 at 43 and 0.4584 at 45.  The
	 * log-log band's lower edge crosses 0.5 at 13 (0.5092 at 12,
	 * 0.4656 at 13) and its upper at 34 (0.5353 at 33, 0.4803 at 34);
	 * the plain band's at 18 (0.5076, 0.4477) and 34 (0.5398, 0.4759).
	 */
	CHECK(voc_km_fit(time, status, NULL, n, VOC_KM_CI_LOG, 0.95, &rows,
	    &nrows, &err) == 0);
	voc_km_median(rows, nrows, &med, &lo, &hi);
	CHECK_NEAR(med, 27, 1e-12);
	CHECK_NEAR(lo, 18, 1e-12);
	CHECK_NEAR(hi, 45, 1e-12);
	free(rows);
	CHECK(voc_km_fit(time, status, NULL, n, VOC_KM_CI_LOGLOG, 0.95, &rows,
	    &nrows, &err) == 0);
	voc_km_median(rows, nrows, &med, &lo, &hi);
	CHECK_NEAR(med, 27, 1e-12);
	CHECK_NEAR(lo, 13, 1e-12);
	CHECK_NEAR(hi, 34, 1e-12);
	free(rows);
	CHECK(voc_km_fit(time, status, NULL, n, VOC_KM_CI_PLAIN, 0.95, &rows,
	    &nrows, &err) == 0);
	voc_km_median(rows, nrows, &med, &lo, &hi);
	CHECK_NEAR(med, 27, 1e-12);
	CHECK_NEAR(lo, 18, 1e-12);
	CHECK_NEAR(hi, 34, 1e-12);
	free(rows);

	/*
	 * By hand: events at 1, 2, 3, 4.  S = 3/4, 1/2, 1/4, 0, so S sits at
	 * exactly 0.5 from 2 until 3 and R's median is 2.5.  The last row
	 * has S 0: Greenwood's sum is infinite, R prints std.err NaN and
	 * the band NA.  Before: Greenwood at 1 is 1 / (4 * 3), so std_err
	 * is 0.75 sqrt(1/12) = 0.21650635.  Upper band edges never reach
	 * 0.5 at 80% here: hi is NaN.
	 */
	double t4[] = { 4, 3, 2, 1 };
	int e4[] = { 1, 1, 1, 1 };
	CHECK(voc_km_fit(t4, e4, NULL, 4, VOC_KM_CI_LOG, 0.8, &rows, &nrows,
	    &err) == 0);
	CHECK(nrows == 4);
	CHECK_NEAR(rows[0].surv, 0.75, 1e-15);
	CHECK_NEAR(rows[0].std_err, 0.75 * sqrt(1.0 / 12), 1e-15);
	CHECK_NEAR(rows[0].lo, 0.75 * exp(-voc_stats_z(0.8) *
	    sqrt(1.0 / 12)), 1e-15);
	CHECK(rows[3].surv == 0);
	CHECK(isnan(rows[3].std_err));
	CHECK(isnan(rows[3].lo) && isnan(rows[3].hi));
	voc_km_median(rows, nrows, &med, &lo, &hi);
	CHECK_NEAR(med, 2.5, 1e-15);
	free(rows);

	/*
	 * A censoring before any event: S is 1 and its standard error 0,
	 * and R gives the band [1, 1] for every type, log-log included.
	 */
	double tc[] = { 1, 2, 3 };
	int ec[] = { 0, 1, 0 };
	for (int ci = VOC_KM_CI_LOG; ci <= VOC_KM_CI_PLAIN; ci++) {
		CHECK(voc_km_fit(tc, ec, NULL, 3, (enum voc_km_ci)ci, 0.95,
		    &rows, &nrows, &err) == 0);
		CHECK(nrows == 3);
		CHECK(rows[0].surv == 1 && rows[0].std_err == 0);
		CHECK(rows[0].lo == 1 && rows[0].hi == 1);
		CHECK(rows[0].n_censor == 1 && rows[0].n_risk == 3);
		CHECK_NEAR(rows[1].surv, 0.5, 1e-15);
		voc_km_median(rows, nrows, &med, &lo, &hi);
		/* At 0.5 from 2 on and never below: the first time. */
		CHECK_NEAR(med, 2, 1e-15);
		free(rows);
	}

	/*
	 * Weights are case weights: the aml table with the first
	 * observation weighted 2 equals the table with it listed twice.
	 */
	double tw[MAXROWS], w[MAXROWS];
	int ew[MAXROWS];
	struct voc_km_row *r2;
	size_t n2;
	for (size_t i = 0; i < n; i++) {
		tw[i] = time[i];
		ew[i] = status[i];
		w[i] = i == 0 ? 2 : 1;
	}
	tw[n] = time[0];
	ew[n] = status[0];
	CHECK(voc_km_fit(time, status, w, n, VOC_KM_CI_LOGLOG, 0.9, &rows,
	    &nrows, &err) == 0);
	CHECK(voc_km_fit(tw, ew, NULL, n + 1, VOC_KM_CI_LOGLOG, 0.9, &r2,
	    &n2, &err) == 0);
	CHECK(nrows == n2);
	for (size_t i = 0; i < nrows && i < n2; i++) {
		CHECK_NEAR(rows[i].n_risk, r2[i].n_risk, 1e-12);
		CHECK_NEAR(rows[i].surv, r2[i].surv, 1e-12);
		CHECK_NEAR(rows[i].std_err, r2[i].std_err, 1e-12);
		CHECK_NEAR(rows[i].lo, r2[i].lo, 1e-12);
		CHECK_NEAR(rows[i].hi, r2[i].hi, 1e-12);
	}
	free(rows);
	free(r2);

	/* Bad input is an error naming the observation, never a table. */
	int bad[] = { 1, 2, 0 };
	CHECK(voc_km_fit(tc, bad, NULL, 3, VOC_KM_CI_LOG, 0.95, &rows,
	    &nrows, &err) == -1);
	CHECK(rows == NULL && strstr(err.msg, "observation 1") != NULL);
	CHECK(voc_km_fit(tc, ec, NULL, 0, VOC_KM_CI_LOG, 0.95, &rows,
	    &nrows, &err) == -1);
	CHECK(voc_km_fit(tc, ec, NULL, 3, VOC_KM_CI_LOG, 1.5, &rows,
	    &nrows, &err) == -1);
	CHECK(err.kind == VOC_ERR_USAGE);
	double w0[] = { 1, 0, 1 };
	CHECK(voc_km_fit(tc, ec, w0, 3, VOC_KM_CI_LOG, 0.95, &rows,
	    &nrows, &err) == -1);
}

static void
test_logrank(void)
{
	double time[MAXROWS], obs[3], exp_[3];
	int status[MAXROWS];
	size_t group[MAXROWS], n = read_aml(time, status, group);
	struct voc_logrank lr, lr2;
	struct voc_error err;

	/*
	 * survdiff(Surv(time, status) ~ x, aml): Maintained O 7 E 10.69,
	 * Nonmaintained O 11 E 7.31, Chisq = 3.4 on 1 df, p = 0.07.  By
	 * hand over the 15 event times, E = 10.689336 and 7.310664, and the
	 * variance of O - E for Maintained is 4.007551, so the statistic
	 * is 3.689336^2 / 4.007551 = 3.396389 and p = 0.065339.
	 */
	CHECK(voc_logrank_test(time, status, group, n, 2, obs, exp_, &lr,
	    &err) == 0);
	CHECK_NEAR(obs[0], 7, 1e-12);
	CHECK_NEAR(obs[1], 11, 1e-12);
	CHECK_NEAR(exp_[0], 10.69, 5e-3);
	CHECK_NEAR(exp_[1], 7.31, 5e-3);
	CHECK_NEAR(exp_[0], 10.689336, 1e-6);
	CHECK_NEAR(lr.chisq, 3.396, 1e-3);
	CHECK_NEAR(lr.chisq, 3.396389, 1e-6);
	CHECK(lr.df == 1);
	CHECK_NEAR(lr.p, 0.065339, 1e-6);

	/* The labels do not matter, and a third group without subjects is
	 * left out as R leaves it (no expected events): the same test. */
	size_t g3[MAXROWS];
	for (size_t i = 0; i < n; i++)
		g3[i] = group[i] == 0 ? 2 : 0;
	CHECK(voc_logrank_test(time, status, g3, n, 3, obs, exp_, &lr2,
	    &err) == 0);
	CHECK_NEAR(lr2.chisq, lr.chisq, 1e-12);
	CHECK(lr2.df == 1);
	CHECK(exp_[1] == 0 && obs[2] == 7);

	/*
	 * Three groups: the statistic must not depend on which group's
	 * redundant row is dropped, so relabelling the groups in a cycle
	 * gives the same chi-square, now on 2 df.
	 */
	size_t ga[MAXROWS], gb[MAXROWS];
	for (size_t i = 0; i < n; i++) {
		ga[i] = group[i] == 0 ? 0 : (i % 2 ? 1 : 2);
		gb[i] = (ga[i] + 1) % 3;
	}
	CHECK(voc_logrank_test(time, status, ga, n, 3, NULL, NULL, &lr,
	    &err) == 0);
	CHECK(voc_logrank_test(time, status, gb, n, 3, NULL, NULL, &lr2,
	    &err) == 0);
	CHECK(lr.df == 2 && lr2.df == 2);
	CHECK(lr.chisq > 0);
	CHECK_NEAR(lr.chisq, lr2.chisq, 1e-9);

	/* One group only has nothing to compare. */
	size_t g0[MAXROWS] = { 0 };
	CHECK(voc_logrank_test(time, status, g0, n, 2, NULL, NULL, &lr,
	    &err) == -1);
	CHECK(strstr(err.msg, "two groups") != NULL);
	g0[0] = 5;
	CHECK(voc_logrank_test(time, status, g0, n, 2, NULL, NULL, &lr,
	    &err) == -1);
}

/* Fader & Hardie's survivors, years 0-12: column 1 regular, 2 high end. */
static size_t
read_fh(double *regular, double *high)
{
	FILE *fp = fopen("testdata/sbg/fader_hardie_2007_survival.csv", "r");
	char line[256];
	size_t n = 0;
	int year;

	if (fp == NULL)
		return 0;
	if (fgets(line, sizeof(line), fp) == NULL) {
		fclose(fp);
		return 0;
	}
	while (n < 13 && fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "%d,%lf,%lf", &year, &regular[n],
		    &high[n]) == 3 && year == (int)n)
			n++;
	fclose(fp);
	return n;
}

static void
test_sbg(void)
{
	double reg[13], high[13], ll;
	struct voc_sbg m;
	struct voc_error err;

	CHECK(read_fh(reg, high) == 13);

	/*
	 * Fader & Hardie (2007), fitted to years 0-7: high end alpha 0.668,
	 * beta 3.806, LL -1611.2; regular alpha 0.704, beta 1.182, LL
	 * -1680.3.
	 */
	const double *h1[] = { high };
	size_t len8[] = { 8, 8 };
	CHECK(voc_sbg_fit(h1, len8, 1, &m, &err) == 0);
	CHECK_NEAR(m.alpha, 0.668, 5e-4);
	CHECK_NEAR(m.beta, 3.806, 5e-4);
	CHECK_NEAR(m.loglik, -1611.2, 0.05);
	CHECK(m.n == 1000 && m.periods == 7);
	const double *r1[] = { reg };
	CHECK(voc_sbg_fit(r1, len8, 1, &m, &err) == 0);
	CHECK_NEAR(m.alpha, 0.704, 5e-4);
	CHECK_NEAR(m.beta, 1.182, 5e-4);
	CHECK_NEAR(m.loglik, -1680.3, 0.05);

	/*
	 * The standard errors are the observed information's inverse; a
	 * central-difference Hessian of the log-likelihood (h = 1e-4)
	 * must give the same.
	 */
	{
		double a = m.alpha, b = m.beta, e = 1e-4, f[3][3], haa, hab,
		    hbb, det;

		for (int i = -1; i <= 1; i++)
			for (int j = -1; j <= 1; j++)
				voc_sbg_loglik(r1, len8, 1, a + i * e,
				    b + j * e, &f[i + 1][j + 1], &err);
		haa = (f[2][1] - 2 * f[1][1] + f[0][1]) / (e * e);
		hbb = (f[1][2] - 2 * f[1][1] + f[1][0]) / (e * e);
		hab = (f[2][2] - f[2][0] - f[0][2] + f[0][0]) / (4 * e * e);
		det = haa * hbb - hab * hab;
		CHECK(m.se_alpha > 0 && m.se_beta > 0);
		CHECK_NEAR(m.se_alpha, sqrt(-hbb / det), 1e-4 * m.se_alpha);
		CHECK_NEAR(m.se_beta, sqrt(-haa / det), 1e-4 * m.se_beta);
		CHECK_NEAR(m.cov, hab / det, 1e-3 * fabs(m.cov));
	}

	/*
	 * The log-likelihood by hand at alpha = beta = 1, where
	 * P(T = t) = 1 / (t (t + 1)) and S(t) = 1 / (t + 1): survivors 100,
	 * 40, 25, 20 lose 60, 15, 5 and keep 20, so
	 * LL = 60 ln(1/2) + 15 ln(1/6) + 5 ln(1/12) + 20 ln(1/4).
	 */
	double small[] = { 100, 40, 25, 20 };
	const double *s1[] = { small };
	size_t len4[] = { 4 };
	CHECK(voc_sbg_loglik(s1, len4, 1, 1, 1, &ll, &err) == 0);
	CHECK_NEAR(ll, 60 * log(0.5) + 15 * log(1.0 / 6) + 5 *
	    log(1.0 / 12) + 20 * log(0.25), 1e-10);

	/*
	 * The projections from the closed forms (lbeta) agree with the
	 * recursion by hand: S(1) = beta / (alpha + beta), each later
	 * S(t) = S(t - 1) r(t), and P(T = t) = S(t - 1) - S(t).  At the
	 * published regular fit, S(1) = 1.182 / 1.886.
	 */
	struct voc_sbg p = { .alpha = 0.704, .beta = 1.182 };
	CHECK_NEAR(voc_sbg_survival(&p, 0), 1, 1e-14);
	CHECK_NEAR(voc_sbg_survival(&p, 1), 1.182 / 1.886, 1e-13);
	CHECK_NEAR(voc_sbg_retention(&p, 1), 1.182 / 1.886, 1e-15);
	CHECK_NEAR(voc_sbg_retention(&p, 3), 3.182 / 3.886, 1e-15);
	{
		double s = 1;

		for (int t = 1; t <= 12; t++) {
			double next = s * voc_sbg_retention(&p, t);

			CHECK_NEAR(voc_sbg_churn(&p, t), s - next, 1e-13);
			s = next;
			CHECK_NEAR(voc_sbg_survival(&p, t), s, 1e-13);
		}
	}
	CHECK(isnan(voc_sbg_survival(&p, -1)) && isnan(voc_sbg_churn(&p, 0)));
	CHECK(isnan(voc_sbg_retention(&p, 0)));

	/*
	 * Cohorts: the log-likelihood is linear in the counts, so the
	 * regular cohort split 30/70 into two cohorts fits the same as the
	 * whole; with the high-end years 0-7 added as a second cohort and
	 * a third seen only for years 0-3, the log-likelihood is the sum of
	 * the three, and the fit is a maximum of it.
	 */
	double r30[8], r70[8];
	for (int t = 0; t < 8; t++) {
		r30[t] = 0.3 * reg[t];
		r70[t] = 0.7 * reg[t];
	}
	const double *split[] = { r30, r70 };
	CHECK(voc_sbg_fit(split, len8, 2, &m, &err) == 0);
	CHECK_NEAR(m.alpha, 0.704, 5e-4);
	CHECK_NEAR(m.beta, 1.182, 5e-4);
	CHECK_NEAR(m.loglik, -1680.3, 0.05);
	CHECK(m.n == 1000);

	const double *three[] = { reg, high, high };
	size_t len3[] = { 8, 8, 4 };
	CHECK(voc_sbg_fit(three, len3, 3, &m, &err) == 0);
	CHECK(m.periods == 7 && m.n == 3000);
	{
		double l1, l2, l3, lo;
		const double *c1[] = { reg }, *c2[] = { high };
		size_t l8[] = { 8 }, l4[] = { 4 };

		voc_sbg_loglik(c1, l8, 1, m.alpha, m.beta, &l1, &err);
		voc_sbg_loglik(c2, l8, 1, m.alpha, m.beta, &l2, &err);
		voc_sbg_loglik(c2, l4, 1, m.alpha, m.beta, &l3, &err);
		CHECK_NEAR(m.loglik, l1 + l2 + l3, 1e-8);
		for (int i = -1; i <= 1; i++)
			for (int j = -1; j <= 1; j++) {
				if (i == 0 && j == 0)
					continue;
				voc_sbg_loglik(three, len3, 3,
				    m.alpha + 1e-3 * i, m.beta + 1e-3 * j,
				    &lo, &err);
				CHECK(lo < m.loglik);
			}
	}

	/* Fits that cannot be made are errors with a reason. */
	double all[] = { 100, 100, 100 }, none[] = { 100, 0, 0 },
	    grow[] = { 100, 80, 90 }, rising[] = { 1000, 900, 700, 400 },
	    stop[] = { 1000, 600, 600, 600 }, one[] = { 1000, 600 };
	const double *c[1];
	size_t l3[] = { 3 }, l4[] = { 4 }, l2[] = { 2 };
	c[0] = all;
	CHECK(voc_sbg_fit(c, l3, 1, &m, &err) == -1);
	CHECK(strstr(err.msg, "no customer churned") != NULL);
	c[0] = none;
	CHECK(voc_sbg_fit(c, l3, 1, &m, &err) == -1);
	CHECK(strstr(err.msg, "first period") != NULL);
	c[0] = grow;
	CHECK(voc_sbg_fit(c, l3, 1, &m, &err) == -1);
	CHECK(strstr(err.msg, "cannot grow") != NULL);
	c[0] = rising;
	CHECK(voc_sbg_fit(c, l4, 1, &m, &err) == -1);
	CHECK(strstr(err.msg, "constant churn rate") != NULL);
	c[0] = stop;
	CHECK(voc_sbg_fit(c, l4, 1, &m, &err) == -1);
	CHECK(strstr(err.msg, "to 0") != NULL);
	c[0] = one;
	CHECK(voc_sbg_fit(c, l2, 1, &m, &err) == -1);
	CHECK(strstr(err.msg, "told apart") != NULL);
	CHECK(voc_sbg_loglik(c, l2, 1, 0, 1, &ll, &err) == -1);
}

int
main(void)
{
	voc_stats_init();
	test_km();
	test_logrank();
	test_sbg();
	return check_done("test_survival");
}
