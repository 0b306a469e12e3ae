/*
 * btyd: the CDNOW figures of Fader, Hardie & Lee, reproduced from the
 * raw transaction log testdata/cdnow/CDNOW_sample.txt (not from the
 * published summary, which is only compared against):
 *   - the summaries equal cdnow_customers_summary_with_transactions.csv
 *     for all 2,357 customers;
 *   - BG/NBD r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9582.4
 *     ("Counting your customers the easy way", 2005, section 5);
 *   - Pareto/NBD r 0.553, alpha 10.578, s 0.606, beta 11.669,
 *     LL -9595.0 (same paper);
 *   - Gamma-Gamma p 6.25, q 3.74, gamma 15.44 on 946 repeat buyers,
 *     mean spend 35.17 ("RFM and CLV: using iso-value curves", 2005);
 *   - E[X(39) | x=2, t_x=30.43, T=38.86] = 1.226 (paper, section 5);
 *   - 2,457 repeat purchases in weeks 1-39, 1,882 in weeks 40-78, and
 *     the published weekly cumulative tracking, exactly.
 * Plus cases worked by hand and a heavy buyer (x = 300) that must give
 * finite numbers.
 */
#include <float.h>
#include <stdlib.h>

#include <gsl/gsl_sf_hyperg.h>

#include "check.h"
#include "voc/btyd.h"
#include "voc/stats.h"

#define SAMPLE "testdata/cdnow/CDNOW_sample.txt"
#define SUMMARY "testdata/cdnow/cdnow_customers_summary_with_transactions.csv"
#define TRACKING "testdata/cdnow/cdnowSummary_cu_tracking.csv"

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
 * days_from_civil). */
static long
days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static long
ymd(long v)
{
	return days_from_civil(v / 10000, v / 100 % 100, v % 100);
}

struct txn {
	long id;
	struct voc_btyd_purchase p;
};

/* Reads the whitespace-separated raw log: master_id sample_id
 * YYYYMMDD cds dollars.  The customer is column idcol (1 or 2). */
static struct txn *
read_log(const char *path, int idcol, size_t *n)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return NULL;
	size_t cap = 1024, k = 0;
	struct txn *t = malloc(cap * sizeof *t);
	long mid, sid, date, cds;
	double dollars;
	while (fscanf(fp, "%ld %ld %ld %ld %lf", &mid, &sid, &date, &cds,
	    &dollars) == 5) {
		if (k == cap) {
			cap *= 2;
			t = realloc(t, cap * sizeof *t);
		}
		t[k].id = idcol == 1 ? mid : sid;
		t[k].p.day = ymd(date);
		t[k].p.amount = dollars;
		k++;
	}
	fclose(fp);
	*n = k;
	return t;
}

static int
txn_cmp(const void *pa, const void *pb)
{
	const struct txn *a = pa, *b = pb;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->p.day != b->p.day)
		return a->p.day < b->p.day ? -1 : 1;
	return 0;
}

/* Customers of the log, summarised; ids[i] is c[i]'s id. */
static struct voc_btyd_customer *
summarise_log(struct txn *t, size_t nt, long cal_end, long hold_end,
    long **ids, size_t *nc)
{
	qsort(t, nt, sizeof *t, txn_cmp);
	struct voc_btyd_customer *c = malloc(nt * sizeof *c);
	struct voc_btyd_purchase *p = malloc(nt * sizeof *p);
	*ids = malloc(nt * sizeof **ids);
	size_t k = 0, failed = 0;
	for (size_t i = 0; i < nt;) {
		size_t j = i, np = 0;
		while (j < nt && t[j].id == t[i].id)
			p[np++] = t[j++].p;
		struct voc_error err;
		int rc = voc_btyd_summarise(p, np, cal_end, hold_end, 7,
		    &c[k], &err);
		if (rc != 0)
			failed++;
		else
			(*ids)[k++] = t[i].id;
		i = j;
	}
	CHECK(failed == 0);
	free(p);
	*nc = k;
	return c;
}

static void
test_summarise_by_hand(void)
{
	struct voc_error err;
	struct voc_btyd_customer c;
	/* Days 0, 0, 7, 14, 14, 30 (holdout) with cal_end 20, weeks:
	 * the two day-0 buys are the trial; repeats on 7 (5) and 14
	 * (2 + 4 = 6); x = 2, t_x = 2, T = 20/7, m = 5.5, x* = 1. */
	struct voc_btyd_purchase p[] = {
		{0, 1}, {0, 2}, {7, 5}, {14, 2}, {14, 4}, {30, 9}, {99, 1},
	};
	CHECK(voc_btyd_summarise(p, 7, 20, 40, 7, &c, &err) == 0);
	CHECK(c.x == 2);
	CHECK_NEAR(c.t_x, 2, 1e-12);
	CHECK_NEAR(c.T, 20.0 / 7, 1e-12);
	CHECK_NEAR(c.m, 5.5, 1e-12);
	CHECK(c.x_star == 1);
	CHECK(c.first == 0);
	/* A single day: no repeat, t_x 0, m 0. */
	CHECK(voc_btyd_summarise(p, 2, 20, 40, 1, &c, &err) == 0);
	CHECK(c.x == 0 && c.t_x == 0 && c.m == 0 && c.T == 20);
	/* Not in the cohort; unsorted; nothing. */
	CHECK(voc_btyd_summarise(p + 5, 2, 20, 40, 7, &c, &err) == 1);
	struct voc_btyd_purchase bad[] = { {5, 1}, {3, 1} };
	CHECK(voc_btyd_summarise(bad, 2, 20, 40, 7, &c, &err) == -1);
	CHECK(voc_btyd_summarise(p, 0, 20, 40, 7, &c, &err) == -1);
}

/* Every customer's summary equals the published table (2 decimals). */
static void
test_against_summary(const struct voc_btyd_customer *c, const long *ids,
    size_t nc)
{
	FILE *fp = fopen(SUMMARY, "r");
	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	char line[256];
	size_t rows = 0, bad = 0;
	if (fgets(line, sizeof line, fp) == NULL)
		line[0] = 0;
	CHECK(strncmp(line, "ID,x,t_x,T,zbar", 15) == 0);
	long id, x;
	double tx, T, zbar;
	while (fscanf(fp, "%ld,%ld,%lf,%lf,%lf", &id, &x, &tx, &T, &zbar)
	    == 5) {
		rows++;
		if (rows > nc || ids[rows - 1] != id || c[rows - 1].x != x ||
		    fabs(c[rows - 1].t_x - tx) > 0.005 + 1e-9 ||
		    fabs(c[rows - 1].T - T) > 0.005 + 1e-9 ||
		    fabs(c[rows - 1].m - zbar) > 0.005 + 1e-9) {
			if (bad++ < 5)
				fprintf(stderr, "summary differs for %ld\n",
				    id);
		}
	}
	fclose(fp);
	CHECK(rows == 2357);
	CHECK(nc == 2357);
	CHECK(bad == 0);
}

/* The actual cumulative repeat purchases per week (from the raw log,
 * days merged) against the published tracking, and the BG/NBD expected
 * curve loosely. */
static void
test_tracking(struct txn *t, size_t nt, long day0,
    const struct voc_btyd_customer *c, size_t nc, const struct voc_bgnbd *m)
{
	/* t is sorted by customer then day: a repeat is a day that is
	 * neither the customer's first nor the day before it. */
	long perweek[79] = {0}, outside = 0;
	for (size_t i = 0; i < nt; i++) {
		int firstday = i == 0 || t[i - 1].id != t[i].id;
		int sameday = !firstday && t[i - 1].p.day == t[i].p.day;
		if (firstday || sameday)
			continue;
		long w = (t[i].p.day - day0) / 7 + 1;
		if (w >= 1 && w <= 78)
			perweek[w]++;
		else
			outside++;
	}
	CHECK(outside == 0);
	FILE *fp = fopen(TRACKING, "r");
	CHECK(fp != NULL);
	if (fp == NULL)
		return;
	char line[128];
	if (fgets(line, sizeof line, fp) == NULL)
		line[0] = 0;
	long week, cum, mine = 0, weeks = 0, bad = 0, actual[79] = {0};
	while (fscanf(fp, "%ld,%ld", &week, &cum) == 2 && week >= 1 &&
	    week <= 78) {
		weeks++;
		mine += perweek[week];
		actual[week] = mine;
		if (mine != cum && bad++ < 5)
			fprintf(stderr, "week %ld: %ld, published %ld\n",
			    week, mine, cum);
	}
	fclose(fp);
	CHECK(weeks == 78);
	CHECK(bad == 0);
	long cal = 0, hold = 0;
	for (int w = 1; w <= 78; w++)
		*(w <= 39 ? &cal : &hold) += perweek[w];
	CHECK(cal == 2457);
	CHECK(hold == 1882);
	long sx = 0, sxs = 0;
	for (size_t i = 0; i < nc; i++) {
		sx += c[i].x;
		sxs += c[i].x_star;
	}
	CHECK(sx == 2457);
	CHECK(sxs == 1882);

	/* Expected: at the end of week w a customer has been a customer
	 * for w - first/7 weeks (the curve of FHL 2005, figure 3). */
	printf("bgnbd tracking, week actual/expected:");
	double e[79] = {0};
	for (int w = 13; w <= 78; w += 13) {
		for (size_t i = 0; i < nc; i++) {
			double age0 = (double)(c[i].first - day0) / 7;
			if (w > age0)
				e[w] += voc_bgnbd_unconditional(m, w - age0);
		}
		printf(" %d %ld/%.1f", w, actual[w], e[w]);
	}
	printf("\n");
	CHECK(fabs(e[39] / 2457 - 1) < 0.03);
	CHECK(fabs(e[78] / 4339 - 1) < 0.05);
}

static void
test_bgnbd(const struct voc_btyd_customer *c, size_t nc,
    struct voc_bgnbd *m)
{
	struct voc_error err;
	/* Nothing to fit: errors, not boundary estimates. */
	struct voc_btyd_customer none[3] = { { .T = 30 }, { .T = 20 },
	    { .T = 10 } };
	struct voc_paretonbd pn;
	err.msg[0] = 0;
	CHECK(voc_bgnbd_fit(c, 0, m, &err) == -1);
	CHECK(err.msg[0] != 0);
	err.msg[0] = 0;
	CHECK(voc_bgnbd_fit(none, 3, m, &err) == -1);
	CHECK(strstr(err.msg, "repeat purchase") != NULL);
	err.msg[0] = 0;
	CHECK(voc_paretonbd_fit(none, 3, &pn, &err) == -1);
	CHECK(strstr(err.msg, "repeat purchase") != NULL);

	CHECK(voc_bgnbd_fit(c, nc, m, &err) == 0);
	fprintf(stderr, "bgnbd: r %.4f alpha %.4f a %.4f b %.4f ll %.3f "
	    "se %.4f %.4f %.4f %.4f\n", m->r, m->alpha, m->a, m->b, m->ll,
	    m->se[0], m->se[1], m->se[2], m->se[3]);
	CHECK_NEAR(m->r, 0.243, 0.0005);
	CHECK_NEAR(m->alpha, 4.414, 0.005);
	CHECK_NEAR(m->a, 0.793, 0.0005);
	CHECK_NEAR(m->b, 2.426, 0.005);
	CHECK_NEAR(m->ll, -9582.4, 0.05);
	/* R CLVTools' estimates on the same data
	 * (tests/testthat/test_correctness_bgnbd.R). */
	CHECK_NEAR(m->r, 0.2425945, 1e-5 * 0.2425945);
	CHECK_NEAR(m->alpha, 4.4136019, 1e-5 * 4.4136019);
	CHECK_NEAR(m->a, 0.7929199, 1e-5 * 0.7929199);
	CHECK_NEAR(m->b, 2.4258881, 1e-5 * 2.4258881);
	CHECK_NEAR(m->ll, -9582.429, 0.0005);
	CHECK_NEAR(voc_bgnbd_ll_total(m, c, nc), m->ll, 1e-6);
	CHECK(m->n == nc);
	for (int i = 0; i < 4; i++)
		CHECK(m->se[i] > 0 && isfinite(m->se[i]));

	/* Paper: E[X(39) | x=2, t_x=30.43, T=38.86] = 1.226, with the
	 * published parameters and with ours. */
	struct voc_bgnbd pub = { .r = 0.243, .alpha = 4.414, .a = 0.793,
	    .b = 2.426 };
	struct voc_btyd_customer one = { .x = 2, .t_x = 30.43, .T = 38.86 };
	CHECK_NEAR(voc_bgnbd_expected(&pub, &one, 39), 1.226, 0.0005);
	CHECK_NEAR(voc_bgnbd_expected(m, &one, 39), 1.226, 0.0015);

	/* Hand cases: x = 0 means P(alive) 1; with T = 0 the conditional
	 * is the unconditional; E grows with t; t = 0 gives 0. */
	struct voc_btyd_customer zero = { .x = 0, .t_x = 0, .T = 0 };
	CHECK(voc_bgnbd_palive(m, &zero) == 1);
	CHECK_NEAR(voc_bgnbd_expected(m, &zero, 10),
	    voc_bgnbd_unconditional(m, 10), 1e-12);
	CHECK(voc_bgnbd_expected(m, &one, 0) == 0);
	CHECK(voc_bgnbd_expected(m, &one, 52) >
	    voc_bgnbd_expected(m, &one, 39));
	/* P(alive) by hand for x=2, t_x=30.43, T=38.86 and the published
	 * parameters: 1/(1 + 0.793/3.426 (43.274/34.844)^2.243) =
	 * 1/(1 + 0.231465 * 1.62612) = 0.72654. */
	CHECK_NEAR(voc_bgnbd_palive(&pub, &one), 0.72654, 5e-5);
	/* a = 1 exactly is the limit of a -> 1. */
	struct voc_bgnbd a1 = { .r = 0.5, .alpha = 3, .a = 1, .b = 2 };
	struct voc_bgnbd a1e = a1;
	a1e.a = 1 + 1e-7;
	CHECK_NEAR(voc_bgnbd_expected(&a1, &one, 20),
	    voc_bgnbd_expected(&a1e, &one, 20), 1e-6);
	/* Small t: E[X(t)] ~ r t / alpha, the rate of a live customer. */
	CHECK_NEAR(voc_bgnbd_unconditional(&pub, 1e-6) / 1e-6,
	    0.243 / 4.414, 1e-6);
}

/*
 * The Pareto/NBD likelihood from its definition, independently of the
 * 2F1 series: Gamma(r+x) alpha^r beta^s / Gamma(r) [(alpha+T)^-(r+x)
 * (beta+T)^-s + s I], I the integral over (t_x, T) of (alpha+tau)^-(r+x)
 * (beta+tau)^-(s+1), by Simpson's rule on 200,000 panels in
 * u = log(tau - t_x + 1), which spreads the mass near t_x.
 */
static double
pareto_ll_direct(const struct voc_paretonbd *m,
    const struct voc_btyd_customer *c)
{
	double r = m->r, al = m->alpha, s = m->s, be = m->beta;
	double x = (double)c->x, tx = c->t_x, T = c->T;
	/* scale the integrand by its value at t_x to stay in range */
	double l0 = -(r + x) * log(al + tx) - (s + 1) * log(be + tx);
	int n = 200000;
	double u1 = log(T - tx + 1), h = u1 / n, sum = 0;
	for (int i = 0; i <= n; i++) {
		double u = i * h, tau = tx + exp(u) - 1;
		double f = exp(-(r + x) * log(al + tau) -
		    (s + 1) * log(be + tau) - l0) * exp(u);
		sum += f * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
	}
	double I = sum * h / 3;
	double l1 = -(r + x) * log(al + T) - s * log(be + T);
	double l2 = log(s) + log(I) + l0;
	double big = l1 > l2 ? l1 : l2;
	return lgamma(r + x) - lgamma(r) + r * log(al) + s * log(be) + big +
	    log(exp(l1 - big) + exp(l2 - big));
}

static void
test_pareto_direct(void)
{
	/* alpha > beta, alpha < beta, alpha >> beta (2F1 argument
	 * 0.99999: the integral path), and a heavy buyer. */
	const struct voc_paretonbd ms[] = {
		{ .r = 0.55, .alpha = 10.6, .s = 0.61, .beta = 2.0 },
		{ .r = 0.55, .alpha = 2.0, .s = 0.61, .beta = 10.6 },
		{ .r = 0.55, .alpha = 1000, .s = 0.61, .beta = 0.01 },
		{ .r = 2.0, .alpha = 0.01, .s = 1.5, .beta = 1000 },
	};
	const struct voc_btyd_customer cs[] = {
		{ .x = 2, .t_x = 30.43, .T = 38.86 },
		{ .x = 0, .t_x = 0, .T = 38.86 },
		{ .x = 300, .t_x = 290, .T = 300 },
		{ .x = 7, .t_x = 1, .T = 70 },
	};
	for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
		for (size_t j = 0; j < sizeof cs / sizeof cs[0]; j++) {
			double a = voc_paretonbd_ll(&ms[i], &cs[j]);
			double b = pareto_ll_direct(&ms[i], &cs[j]);
			if (fabs(a - b) > 1e-7 * (1 + fabs(b)))
				fprintf(stderr, "pareto ll %zu %zu: %.12g "
				    "direct %.12g\n", i, j, a, b);
			CHECK_NEAR(a, b, 1e-7 * (1 + fabs(b)));
		}
}

/* BG/NBD eq. 7 and eq. 10 as printed, with GSL's 2F1, where its
 * arguments are moderate: our transformed series must agree. */
static void
test_bgnbd_direct(void)
{
	const struct voc_bgnbd ms[] = {
		{ .r = 0.243, .alpha = 4.414, .a = 0.793, .b = 2.426 },
		{ .r = 1.5, .alpha = 20, .a = 2.5, .b = 4 },
	};
	const struct voc_btyd_customer cs[] = {
		{ .x = 2, .t_x = 30.43, .T = 38.86 },
		{ .x = 5, .t_x = 12, .T = 20 },
		{ .x = 0, .t_x = 0, .T = 30 },
	};
	for (size_t i = 0; i < 2; i++) {
		double r = ms[i].r, al = ms[i].alpha, a = ms[i].a,
		    b = ms[i].b;
		for (double t = 5; t <= 40; t += 35) {
			double f = gsl_sf_hyperg_2F1(r, b, a + b - 1,
			    t / (al + t));
			double e7 = (a + b - 1) / (a - 1) *
			    (1 - pow(al / (al + t), r) * f);
			CHECK_NEAR(voc_bgnbd_unconditional(&ms[i], t), e7,
			    1e-9 * e7);
			for (size_t j = 0; j < 3; j++) {
				double x = (double)cs[j].x, T = cs[j].T;
				double g = gsl_sf_hyperg_2F1(r + x, b + x,
				    a + b + x - 1, t / (al + T + t));
				double num = (a + b + x - 1) / (a - 1) *
				    (1 - pow((al + T) / (al + T + t), r + x) *
				    g);
				double den = 1 + (x > 0 ? a / (b + x - 1) *
				    pow((al + T) / (al + cs[j].t_x), r + x) :
				    0);
				CHECK_NEAR(voc_bgnbd_expected(&ms[i], &cs[j],
				    t), num / den, 1e-9 * num / den);
			}
		}
	}
}

static void
test_heavy_buyer(const struct voc_bgnbd *m, const struct voc_paretonbd *pn)
{
	/* 300 repeat purchases in a 300-week window, the last half a
	 * week ago: (alpha+T)^(r+x) alone is about 10^750. */
	struct voc_btyd_customer h = { .x = 300, .t_x = 299.5, .T = 300 };
	double ll = voc_bgnbd_ll(m, &h);
	double e = voc_bgnbd_expected(m, &h, 52);
	double pa = voc_bgnbd_palive(m, &h);
	fprintf(stderr, "heavy buyer: bgnbd ll %.3f E[52] %.3f "
	    "palive %.4f\n", ll, e, pa);
	CHECK(isfinite(ll) && ll < 0);
	CHECK(isfinite(e) && e > 0);
	CHECK(pa > 0.9 && pa <= 1);
	/* A live customer buying once a week buys about 52 more in 52
	 * weeks, less the chance of dropping out (p near
	 * a / (a + b + x) = 0.0026 a purchase). */
	CHECK(e > 30 && e < 53);
	double lp = voc_paretonbd_ll(pn, &h);
	double ep = voc_paretonbd_expected(pn, &h, 52);
	fprintf(stderr, "heavy buyer: paretonbd ll %.3f E[52] %.3f\n", lp,
	    ep);
	CHECK(isfinite(lp) && lp < 0);
	CHECK(isfinite(ep) && ep > 30 && ep < 53);
	/* Ten silent weeks from a weekly buyer: P(alive) by hand
	 * 1/(1 + a/(b+299) (304.41/294.41)^300.24) with the fitted
	 * parameters is about 1/(1 + 0.00263 e^10.03) = 0.0165. */
	h.t_x = 290;
	pa = voc_bgnbd_palive(m, &h);
	CHECK(pa > 0.015 && pa < 0.018);
	CHECK(isfinite(voc_bgnbd_expected(m, &h, 52)));
	/* An ancient last purchase: P(alive) underflows to 0, cleanly. */
	h.t_x = 10;
	CHECK(isfinite(voc_bgnbd_expected(m, &h, 52)));
	CHECK(voc_bgnbd_palive(m, &h) >= 0);
	CHECK(isfinite(voc_paretonbd_ll(pn, &h)));
	CHECK(isfinite(voc_paretonbd_expected(pn, &h, 52)));
}

static void
test_paretonbd(const struct voc_btyd_customer *c, size_t nc,
    struct voc_paretonbd *m)
{
	struct voc_error err;
	CHECK(voc_paretonbd_fit(c, nc, m, &err) == 0);
	fprintf(stderr, "paretonbd: r %.4f alpha %.4f s %.4f beta %.4f ll %.3f "
	    "se %.4f %.4f %.4f %.4f\n", m->r, m->alpha, m->s, m->beta, m->ll,
	    m->se[0], m->se[1], m->se[2], m->se[3]);
	CHECK_NEAR(m->r, 0.553, 0.0005);
	CHECK_NEAR(m->alpha, 10.578, 0.05);
	CHECK_NEAR(m->s, 0.606, 0.0005);
	CHECK_NEAR(m->beta, 11.669, 0.05);
	CHECK_NEAR(m->ll, -9595.0, 0.05);
	/* R CLVTools (test_correctness_pnbd.R): estimates and standard
	 * errors, to its tolerance of 1e-3 relative; beta sits on a flat
	 * ridge (its SE is half its value). */
	CHECK_NEAR(m->r, 0.55315, 1e-3 * 0.55315);
	CHECK_NEAR(m->alpha, 10.57633, 1e-3 * 10.57633);
	CHECK_NEAR(m->s, 0.60625, 1e-3 * 0.60625);
	CHECK_NEAR(m->beta, 11.67150, 1e-3 * 11.67150);
	CHECK_NEAR(m->ll, -9594.976, 0.0005);
	CHECK_NEAR(m->se[0], 0.0476264, 1e-3 * 0.0476264);
	CHECK_NEAR(m->se[1], 0.8427222, 1e-3 * 0.8427222);
	CHECK_NEAR(m->se[2], 0.1872594, 1e-3 * 0.1872594);
	CHECK_NEAR(m->se[3], 6.2105448, 1e-3 * 6.2105448);
	/* Two threads evaluate the difference gradient's and Hessian's
	 * points at once: the same fit, to the last bit. */
	struct voc_paretonbd two;
	voc_btyd_threads(2);
	CHECK(voc_paretonbd_fit(c, nc, &two, &err) == 0);
	voc_btyd_threads(1);
	CHECK(memcmp(&two, m, sizeof(two)) == 0);
	/* CLVTools' heavy buyers whose P(alive) once came out NaN. */
	struct voc_paretonbd q = { .r = 0.5143, .alpha = 2.8845,
	    .s = 0.2856, .beta = 14.1087 };
	const double hx[] = { 221, 254, 161, 204 };
	const double htx[] = { 103.42857, 97.14286, 94.71429, 98.57143 };
	const double hT[] = { 103.57143, 97.28571, 98.00000, 99.42857 };
	for (int i = 0; i < 4; i++) {
		struct voc_btyd_customer h = { .x = (long)hx[i],
		    .t_x = htx[i], .T = hT[i] };
		double pa = voc_paretonbd_palive(&q, &h);
		CHECK(pa >= 0 && pa <= 1);
		CHECK(isfinite(voc_paretonbd_ll(&q, &h)));
	}

	/* Both branches of A0 agree where they meet: alpha = beta
	 * against alpha = beta (1 +- 1e-9). */
	struct voc_paretonbd e = { .r = 0.5, .alpha = 10, .s = 0.7,
	    .beta = 10 };
	struct voc_paretonbd lo = e, hi = e;
	lo.beta = 10 * (1 - 1e-9);
	hi.beta = 10 * (1 + 1e-9);
	struct voc_btyd_customer one = { .x = 2, .t_x = 30.43, .T = 38.86 };
	CHECK_NEAR(voc_paretonbd_ll(&lo, &one), voc_paretonbd_ll(&e, &one),
	    1e-6);
	CHECK_NEAR(voc_paretonbd_ll(&hi, &one), voc_paretonbd_ll(&e, &one),
	    1e-6);
	/*
	 * alpha = beta by hand: A0 = [1/(a+t_x)^(r+s+x) - 1/(a+T)^(r+s+x)]
	 * (2F1 with z = 0 is 1); r+s+x = 3.2, 1/40.43^3.2 = 7.22018e-6,
	 * 1/48.86^3.2 = 3.93866e-6, A0 = 3.28152e-6.  P(alive) = 1/(1 +
	 * 0.7/3.2 * 48.86^2.5 * 48.86^0.7 * A0) = 1/(1 + 0.21875 *
	 * 253893.2 * 3.28152e-6) = 1/(1 + 0.182253) = 0.845843.
	 */
	CHECK_NEAR(voc_paretonbd_palive(&e, &one), 0.845843, 2e-6);
	/* x = 0, t_x = T = 0: alive for sure; E is the unconditional. */
	struct voc_btyd_customer zero = {0};
	CHECK_NEAR(voc_paretonbd_palive(m, &zero), 1, 1e-12);
	CHECK_NEAR(voc_paretonbd_expected(m, &zero, 52),
	    voc_paretonbd_unconditional(m, 52), 1e-12);
	/* s = 1: the limit r/alpha beta log(1 + t/beta). */
	struct voc_paretonbd s1 = { .r = 0.5, .alpha = 10, .s = 1,
	    .beta = 8 };
	CHECK_NEAR(voc_paretonbd_unconditional(&s1, 52),
	    0.5 / 10 * 8 * log(1 + 52.0 / 8), 1e-12);
}

static void
test_gg(const struct voc_btyd_customer *c, size_t nc, struct voc_gg *gp)
{
	struct voc_error err;
	struct voc_gg g;
	CHECK(voc_gg_fit(c, nc, &g, &err) == 0);
	*gp = g;
	fprintf(stderr, "gg: p %.4f q %.4f gamma %.4f ll %.3f n %zu "
	    "se %.4f %.4f %.4f\n", g.p, g.q, g.gamma, g.ll, g.n, g.se[0], g.se[1],
	    g.se[2]);
	CHECK(g.n == 946);
	CHECK_NEAR(g.p, 6.25, 0.005);
	CHECK_NEAR(g.q, 3.74, 0.005);
	CHECK_NEAR(g.gamma, 15.44, 0.05);
	struct voc_btyd_customer none = {0};
	CHECK_NEAR(voc_gg_expected_spend(&g, &none), 35.17, 0.005);
	CHECK_NEAR(g.p * g.gamma / (g.q - 1), 35.17, 0.005);
	/* By hand with the published p, q, gamma: x = 2, m = 22.35,
	 * (6.25 (15.44 + 44.70)) / (12.5 + 2.74) = 375.875 / 15.24
	 * = 24.6637. */
	struct voc_gg pub = { .p = 6.25, .q = 3.74, .gamma = 15.44 };
	struct voc_btyd_customer one = { .x = 2, .t_x = 30.43, .T = 38.86,
	    .m = 22.35 };
	CHECK_NEAR(voc_gg_expected_spend(&pub, &one), 24.66371, 1e-4);

	/* Too few repeat buyers: an error, not NaN. */
	err.msg[0] = 0;
	CHECK(voc_gg_fit(c, 5, &g, &err) == -1);
	CHECK(strstr(err.msg, "repeat buyers") != NULL);
	/* Spend so heavy-tailed that q <= 1: one transaction each of
	 * the quantiles of a Pareto law of index 1/2 (no mean), m =
	 * (1 - u)^-2 for u = 0.0025, 0.0075, ..., 0.9975. */
	struct voc_btyd_customer heavy[200];
	for (int i = 0; i < 200; i++)
		heavy[i] = (struct voc_btyd_customer){ .x = 1,
		    .m = pow(1 - (i + 0.5) / 200, -2) };
	err.msg[0] = 0;
	int rc = voc_gg_fit(heavy, 200, &g, &err);
	fprintf(stderr, "gg heavy tail: rc %d: %s\n", rc, err.msg);
	CHECK(rc == -1);
	CHECK(strstr(err.msg, "q = ") != NULL);
}

static void
test_clv(const struct voc_bgnbd *m, const struct voc_paretonbd *pn)
{
	struct voc_error err;
	struct voc_btyd_customer one = { .x = 2, .t_x = 30.43, .T = 38.86 };
	double clv, clv0;
	/* No discount: the sum telescopes to E[Y(12 * 4.33)] spend margin. */
	CHECK(voc_clv_discounted(VOC_BTYD_BGNBD, m, &one, 30, 0.2, 12,
	    4.33, 0, &clv0, &err) == 0);
	CHECK_NEAR(clv0, voc_bgnbd_expected(m, &one, 12 * 4.33) * 30 * 0.2,
	    1e-9);
	/* One period at 10%: E[Y(4)] / 1.1. */
	CHECK(voc_clv_discounted(VOC_BTYD_PARETONBD, pn, &one, 50, 1, 1, 4,
	    0.1, &clv, &err) == 0);
	CHECK_NEAR(clv, voc_paretonbd_expected(pn, &one, 4) * 50 / 1.1,
	    1e-9);
	/* Discounting lowers value; bad arguments are errors. */
	CHECK(voc_clv_discounted(VOC_BTYD_BGNBD, m, &one, 30, 0.2, 12,
	    4.33, 0.01, &clv, &err) == 0);
	CHECK(clv < clv0 && clv > 0.8 * clv0);
	CHECK(voc_clv_discounted(VOC_BTYD_BGNBD, m, &one, 30, 0.2, 12, 0,
	    0.01, &clv, &err) == -1);
	CHECK(voc_clv_discounted(VOC_BTYD_BGNBD, NULL, &one, 30, 0.2, 12, 1,
	    0.01, &clv, &err) == -1);
}

/*
 * The Python lifetimes package's Quickstart (docs/Quickstart.md, on the
 * published CDNOW summary, whose t_x, T and m are rounded to 2
 * decimals, hence the tolerances): BG/NBD expected purchases in the
 * next week of its five best customers; Gamma-Gamma conditional mean
 * spend; and its customer_lifetime_value with time = 12, discount 0.01
 * and the default 30-unit step (30 weeks here), BG/NBD refitted on the
 * same data, margin 1.
 */
static void
test_lifetimes_peer(const struct voc_bgnbd *m, const struct voc_gg *g)
{
	static const struct {
		struct voc_btyd_customer c;
		double e1;
	} best[] = {
		{ { .x = 18, .t_x = 35.14, .T = 35.86 }, 0.424877 },
		{ { .x = 19, .t_x = 34.00, .T = 34.14 }, 0.474738 },
		{ { .x = 17, .t_x = 28.43, .T = 28.86 }, 0.486526 },
		{ { .x = 29, .t_x = 37.71, .T = 38.00 }, 0.662396 },
		{ { .x = 26, .t_x = 30.86, .T = 31.00 }, 0.710623 },
	};
	for (size_t i = 0; i < 5; i++) {
		double e = voc_bgnbd_expected(m, &best[i].c, 1);
		fprintf(stderr, "lifetimes E[1] %zu: %.6f vs %.6f\n", i, e,
		    best[i].e1);
		CHECK_NEAR(e, best[i].e1, 2e-5 * best[i].e1);
	}
	static const struct {
		struct voc_btyd_customer c;
		double spend, clv;
	} cust[] = {
		{ { .x = 2, .t_x = 30.43, .T = 38.86, .m = 22.35 }, 24.658619,
		    140.096211 },
		{ { .x = 1, .t_x = 1.71, .T = 38.86, .m = 11.77 }, 18.911489,
		    18.943467 },
		{ { .x = 0, .t_x = 0, .T = 38.86, .m = 0 }, 35.170981,
		    38.180574 },
		{ { .x = 7, .t_x = 29.43, .T = 38.86, .m = 73.74 }, 71.462843,
		    1003.868107 },
		{ { .x = 2, .t_x = 35.71, .T = 38.86, .m = 25.55 }, 27.282408,
		    167.418216 },
	};
	struct voc_error err;
	for (size_t i = 0; i < 5; i++) {
		double sp = voc_gg_expected_spend(g, &cust[i].c), clv = NAN;
		CHECK(voc_clv_discounted(VOC_BTYD_BGNBD, m, &cust[i].c, sp, 1,
		    12, 30, 0.01, &clv, &err) == 0);
		fprintf(stderr, "lifetimes spend/clv %zu: %.6f/%.6f vs "
		    "%.6f/%.6f\n", i, sp, clv, cust[i].spend, cust[i].clv);
		CHECK_NEAR(sp, cust[i].spend, 2e-4 * cust[i].spend);
		CHECK_NEAR(clv, cust[i].clv, 2e-4 * cust[i].clv);
	}
}

int
main(void)
{
	voc_stats_init();
	test_summarise_by_hand();
	test_pareto_direct();
	test_bgnbd_direct();

	size_t nt, nc;
	struct txn *t = read_log(SAMPLE, 2, &nt);
	CHECK(t != NULL);
	if (t == NULL)
		return check_done("test_btyd");
	CHECK(nt == 6919);
	long day0 = ymd(19970101);
	long cal_end = ymd(19970930), hold_end = ymd(19980630);
	CHECK(hold_end - day0 + 1 == 78 * 7);
	long *ids;
	struct voc_btyd_customer *c = summarise_log(t, nt, cal_end, hold_end,
	    &ids, &nc);
	test_against_summary(c, ids, nc);

	struct voc_bgnbd m;
	struct voc_paretonbd pn;
	test_bgnbd(c, nc, &m);
	test_tracking(t, nt, day0, c, nc, &m);
	test_paretonbd(c, nc, &pn);
	test_heavy_buyer(&m, &pn);
	struct voc_gg g;
	test_gg(c, nc, &g);
	test_clv(&m, &pn);
	test_lifetimes_peer(&m, &g);

	free(ids);
	free(c);
	free(t);
	return check_done("test_btyd");
}
