/*
 * stats: NPS against the R NPS package's published figures
 * (testdata/README.md: the R NPS package data), and cases worked by hand.
 */
#include "check.h"
#include "voc/stats.h"

static void
fill(struct voc_nps *a, int det, int pas, int pro)
{
	for (int i = 0; i < det; i++)
		voc_nps_add(a, VOC_NPS_DETRACTOR, 1);
	for (int i = 0; i < pas; i++)
		voc_nps_add(a, VOC_NPS_PASSIVE, 1);
	for (int i = 0; i < pro; i++)
		voc_nps_add(a, VOC_NPS_PROMOTER, 1);
}

int
main(void)
{
	struct voc_nps a = {0}, b = {0}, c = {0};
	struct voc_nps_result r;

	voc_stats_init();
	CHECK_NEAR(voc_stats_z(0.95), 1.959963984540054, 1e-9);
	CHECK(voc_nps_classify(0) == VOC_NPS_DETRACTOR);
	CHECK(voc_nps_classify(6) == VOC_NPS_DETRACTOR);
	CHECK(voc_nps_classify(7) == VOC_NPS_PASSIVE);
	CHECK(voc_nps_classify(8) == VOC_NPS_PASSIVE);
	CHECK(voc_nps_classify(9) == VOC_NPS_PROMOTER);

	/* R NPS package test data: 362 / 176 / 462 gives NPS 0.100,
	 * variance 0.814, se 0.028531, Wald [0.044081, 0.155919]. */
	fill(&a, 362, 176, 462);
	CHECK(voc_nps_result(&a, VOC_CI_WALD, 0.95, 0, 0, &r) == 0);
	CHECK(r.n == 1000);
	CHECK_NEAR(r.nps, 0.100, 1e-12);
	CHECK_NEAR(r.se * r.se * 1000, 0.814, 1e-9);
	CHECK_NEAR(r.se, 0.028531, 5e-7);
	CHECK_NEAR(r.lo, 0.044081, 5e-7);
	CHECK_NEAR(r.hi, 0.155919, 5e-7);
	CHECK_NEAR(r.n_eff, 1000, 1e-9);

	/* Adjusted Wald by hand: counts 362.75 / 177.5 / 462.75 of 1003,
	 * m = 0.0997009, se from (pP + pD - m^2) / 1003:
	 * [0.0438967, 0.1555051]. */
	CHECK(voc_nps_result(&a, VOC_CI_ADJUSTED_WALD, 0.95, 0, 0, &r) == 0);
	CHECK_NEAR(r.nps, 0.100, 1e-12);
	CHECK_NEAR(r.lo, 0.0438966692503, 1e-9);
	CHECK_NEAR(r.hi, 0.1555051253658, 1e-9);

	/* The bootstrap interval holds the point estimate, is about as wide
	 * as the Wald one, and is the same for the same seed. */
	struct voc_nps_result r2;
	CHECK(voc_nps_result(&a, VOC_CI_BOOTSTRAP, 0.95, 4000, 7, &r) == 0);
	CHECK(voc_nps_result(&a, VOC_CI_BOOTSTRAP, 0.95, 4000, 7, &r2) == 0);
	CHECK(r.lo < 0.1 && r.hi > 0.1);
	CHECK_NEAR(r.hi - r.lo, 0.155919 - 0.044081, 0.01);
	CHECK(r.lo == r2.lo && r.hi == r2.hi);

	/* Weights by hand: promoters 2 and 1, a passive 1, a detractor 4.
	 * W = 8, NPS = (3 - 4) / 8 = -0.125; linearised variance
	 * (5 (1.125)^2 + 1 (0.125)^2 + 16 (0.875)^2) / 64 = 0.29052734375;
	 * Kish n_eff = 64 / 22. */
	struct voc_nps w = {0};
	voc_nps_add(&w, VOC_NPS_PROMOTER, 2);
	voc_nps_add(&w, VOC_NPS_PROMOTER, 1);
	voc_nps_add(&w, VOC_NPS_PASSIVE, 1);
	voc_nps_add(&w, VOC_NPS_DETRACTOR, 4);
	CHECK(voc_nps_result(&w, VOC_CI_WALD, 0.95, 0, 0, &r) == 0);
	CHECK(r.n == 4);
	CHECK_NEAR(r.nps, -0.125, 1e-12);
	CHECK_NEAR(r.se * r.se, 0.29052734375, 1e-12);
	CHECK_NEAR(r.n_eff, 64.0 / 22.0, 1e-12);
	CHECK_NEAR(r.share[VOC_NPS_PROMOTER], 0.375, 1e-12);

	/* Merging two halves gives what one pass gives. */
	fill(&b, 100, 50, 200);
	fill(&c, 262, 126, 262);
	voc_nps_merge(&b, &c);
	for (int k = 0; k < 3; k++) {
		CHECK(b.n[k] == a.n[k]);
		CHECK_NEAR(b.w[k], a.w[k], 0);
		CHECK_NEAR(b.w2[k], a.w2[k], 0);
	}
	/* And taking a part out gives the rest. */
	struct voc_nps rest;
	voc_nps_less(&rest, &a, &c);
	CHECK(rest.n[VOC_NPS_PROMOTER] == 200 && rest.n[VOC_NPS_DETRACTOR] ==
	    100);

	/* Empty: unknown, not zero. */
	struct voc_nps e = {0};
	CHECK(voc_nps_result(&e, VOC_CI_ADJUSTED_WALD, 0.95, 0, 0, &r) == 0);
	CHECK(r.n == 0 && isnan(r.nps) && isnan(r.lo) && isnan(r.se));

	/* Difference by hand: a = 50/30/20 of 100 (NPS 0.30, se
	 * sqrt((0.7 - 0.09)/100)), b = 60/20/20 (NPS 0.40): change 0.10,
	 * interval [-0.1191306, 0.3191306], p = 0.3710934. */
	double lo, hi, p;
	voc_stats_diff(0.30, sqrt(0.61 / 100), 0.40, sqrt(0.64 / 100), 0.95,
	    &lo, &hi, &p);
	CHECK_NEAR(lo, -0.11913063514, 1e-9);
	CHECK_NEAR(hi, 0.31913063514, 1e-9);
	CHECK_NEAR(p, 0.37109336952, 1e-9);

	/* Wilson intervals of the issue: 7/20 -> [18.119, 56.715] %,
	 * 81/100 -> [72.221, 87.485] %, 0/10 -> [0, 27.753] %. */
	voc_stats_wilson(7.0 / 20, 20, 0.95, &lo, &hi);
	CHECK_NEAR(100 * lo, 18.119, 5e-4);
	CHECK_NEAR(100 * hi, 56.715, 5e-4);
	voc_stats_wilson(0.81, 100, 0.95, &lo, &hi);
	CHECK_NEAR(100 * lo, 72.221, 5e-4);
	CHECK_NEAR(100 * hi, 87.485, 5e-4);
	voc_stats_wilson(0, 10, 0.95, &lo, &hi);
	CHECK_NEAR(100 * lo, 0, 1e-12);
	CHECK_NEAR(100 * hi, 27.753, 5e-4);
	voc_stats_wilson(0.5, 0, 0.95, &lo, &hi);
	CHECK(isnan(lo) && isnan(hi));

	/* Newcombe's hybrid score interval, 81/100 against 70/100:
	 * [-0.948, 22.573] points; the pooled z test gives p = 0.070527
	 * (z = 0.11 / sqrt(0.755 * 0.245 * 0.02)). */
	voc_stats_newcombe(0.70, 100, 0.81, 100, 0.95, &lo, &hi, &p);
	CHECK_NEAR(100 * lo, -0.948, 5e-4);
	CHECK_NEAR(100 * hi, 22.573, 5e-4);
	CHECK_NEAR(p, 0.0705269968501, 1e-9);
	/* The p-value that agrees with the interval: the 95 % interval
	 * holds 0, so p > 0.05; at level 1 - p the lower bound is 0. */
	double pn = voc_stats_newcombe_p(0.70, 100, 0.81, 100);
	CHECK(pn > 0.05 && pn < 0.1);
	voc_stats_newcombe(0.70, 100, 0.81, 100, 1 - pn, &lo, &hi, &p);
	CHECK_NEAR(lo, 0, 1e-9);
	voc_stats_newcombe(0.81, 100, 0.70, 100, 1 - pn, &lo, &hi, &p);
	CHECK_NEAR(hi, 0, 1e-9);
	CHECK_NEAR(voc_stats_newcombe_p(0.81, 100, 0.70, 100), pn, 1e-12);
	CHECK(voc_stats_newcombe_p(0.5, 40, 0.5, 60) == 1);
	CHECK(isnan(voc_stats_newcombe_p(0.5, 0, 0.5, 60)));
	/* A clear difference: 90/100 against 50/100 leaves 0 far out. */
	CHECK(voc_stats_newcombe_p(0.5, 100, 0.9, 100) < 1e-6);

	/* Ratings by hand: 5, 4, 4, 2, 1 on 1-5, top-2 and bottom-2 boxes:
	 * mean 3.2, sd sqrt(((1.8)^2 + 2 (0.8)^2 + (1.2)^2 + (2.2)^2) / 4)
	 * = sqrt(10.8 / 4), top 3/5, bottom 2/5, Wilson of 3/5 on 5. */
	struct voc_rating ra = {0}, rb2 = {0};
	struct voc_rating_result rr;
	int pts[] = {5, 4, 4, 2, 1};
	for (int i = 0; i < 5; i++)
		voc_rating_add(i < 2 ? &ra : &rb2, pts[i], 1, pts[i] >= 4,
		    pts[i] <= 2);
	voc_rating_merge(&ra, &rb2);
	voc_rating_result(&ra, 0.95, &rr);
	CHECK(rr.n == 5 && ra.top_n == 3 && ra.bottom_n == 2);
	CHECK_NEAR(rr.mean, 3.2, 1e-12);
	CHECK_NEAR(rr.sd, sqrt(10.8 / 4), 1e-12);
	CHECK_NEAR(rr.top, 0.6, 1e-12);
	CHECK_NEAR(rr.bottom, 0.4, 1e-12);
	voc_stats_wilson(0.6, 5, 0.95, &lo, &hi);
	CHECK_NEAR(rr.lo, lo, 1e-12);
	CHECK_NEAR(rr.n_eff, 5, 1e-12);
	/* Weighted: 5 with weight 3, 1 with weight 1: mean (15 + 1) / 4 = 4,
	 * sd^2 = (3 (1)^2 + 1 (3)^2) / (4 - 10/4) = 12 / 1.5 = 8. */
	struct voc_rating rw = {0};
	voc_rating_add(&rw, 5, 3, 1, 0);
	voc_rating_add(&rw, 1, 1, 0, 1);
	voc_rating_result(&rw, 0.95, &rr);
	CHECK_NEAR(rr.mean, 4, 1e-12);
	CHECK_NEAR(rr.sd, sqrt(8), 1e-12);
	CHECK_NEAR(rr.top, 0.75, 1e-12);
	CHECK_NEAR(rr.n_eff, 16.0 / 10.0, 1e-12);
	/* One answer: no sd. */
	struct voc_rating r1 = {0};
	voc_rating_add(&r1, 3, 1, 0, 0);
	voc_rating_result(&r1, 0.95, &rr);
	CHECK(rr.mean == 3 && isnan(rr.sd));

	/* Weights at any scale give the same results: the case above with
	 * both weights times 1e-200, 1e-300 (subnormal squares), 1e200 and
	 * 5e307 (1.5e308 + 5e307: a sum past DBL_MAX). */
	static const double scales[] = {1e-200, 1e-300, 1e200, 5e307};
	for (int i = 0; i < 4; i++) {
		struct voc_rating rs = {0};
		voc_rating_add(&rs, 5, 3 * scales[i], 1, 0);
		voc_rating_add(&rs, 1, 1 * scales[i], 0, 1);
		voc_rating_result(&rs, 0.95, &rr);
		CHECK_NEAR(rr.mean, 4, 1e-12);
		CHECK_NEAR(rr.sd, sqrt(8), 1e-12);
		CHECK_NEAR(rr.top, 0.75, 1e-12);
		CHECK_NEAR(rr.n_eff, 16.0 / 10.0, 1e-12);
	}
	/* NPS: 2 promoters, 1 passive, 1 detractor, equal weights w: nps
	 * 0.25 and se^2 = sum w^2 (y - nps)^2 / W^2 = (2 (0.75)^2 +
	 * (0.25)^2 + (1.25)^2) / 16 = 2.75 / 16, whatever w is. */
	static const double wsc[] = {1, 1e-200, 1e308, 3e-320};
	for (int i = 0; i < 4; i++) {
		struct voc_nps a = {0};
		struct voc_nps_result res;

		voc_nps_add(&a, VOC_NPS_PROMOTER, wsc[i]);
		voc_nps_add(&a, VOC_NPS_PROMOTER, wsc[i]);
		voc_nps_add(&a, VOC_NPS_PASSIVE, wsc[i]);
		voc_nps_add(&a, VOC_NPS_DETRACTOR, wsc[i]);
		CHECK(voc_nps_result(&a, VOC_CI_WALD, 0.95, 0, 1, &res) == 0);
		CHECK_NEAR(res.nps, 0.25, 1e-12);
		CHECK_NEAR(res.se, sqrt(2.75 / 16), 1e-12);
		CHECK_NEAR(res.n_eff, 4, 1e-12);
	}
	/* Merging keeps one pass's numbers: ordinary weights exactly (the
	 * sums are the plain ones), extreme ones to 12 digits, and states of
	 * different scales (1e-200 beside 1e200: the small ones vanish, as
	 * in one pass). */
	{
		static const double ws[] = {0.7, 1.3, 2.9, 0.4, 1.1, 5.5};
		static const double fac[] = {1, 1e-250, 1e250};
		for (int f = 0; f < 3; f++) {
			struct voc_rating one = {0}, p1 = {0}, p2 = {0};
			struct voc_rating_result r1, r2;
			for (int i = 0; i < 6; i++) {
				double x = 1 + i % 5, w = ws[i] * fac[f];
				voc_rating_add(&one, x, w, x >= 4, x <= 2);
				voc_rating_add(i < 3 ? &p1 : &p2, x, w, x >= 4,
				    x <= 2);
			}
			voc_rating_merge(&p1, &p2);
			voc_rating_result(&one, 0.95, &r1);
			voc_rating_result(&p1, 0.95, &r2);
			CHECK_NEAR(r2.mean, r1.mean, 1e-12 * fabs(r1.mean));
			CHECK_NEAR(r2.sd, r1.sd, 1e-12 * r1.sd);
			CHECK_NEAR(r2.n_eff, r1.n_eff, 1e-12 * r1.n_eff);
			if (f == 0)
				CHECK(r2.mean == r1.mean && p1.scale == 0);
		}
		struct voc_nps s1 = {0}, s2 = {0}, both = {0};
		struct voc_nps_result x, y;
		voc_nps_add(&s1, VOC_NPS_DETRACTOR, 1e-200);
		voc_nps_add(&s2, VOC_NPS_PROMOTER, 1e200);
		voc_nps_add(&both, VOC_NPS_DETRACTOR, 1e-200);
		voc_nps_add(&both, VOC_NPS_PROMOTER, 1e200);
		voc_nps_merge(&s1, &s2);
		voc_nps_result(&s1, VOC_CI_WALD, 0.95, 0, 1, &x);
		voc_nps_result(&both, VOC_CI_WALD, 0.95, 0, 1, &y);
		CHECK(x.nps == 1 && y.nps == 1 && x.n == 2);
		/* less: everyone but the promoter is the detractor. */
		struct voc_nps d;
		voc_nps_less(&d, &both, &s2);
		voc_nps_result(&d, VOC_CI_WALD, 0.95, 0, 1, &x);
		CHECK(d.n[VOC_NPS_DETRACTOR] == 1 && d.n[VOC_NPS_PROMOTER] == 0);
	}
	{
		/*
		 * Compensated sums: 10,000 weights of 0.1 (the double just
		 * above it) sum to 1000.0000000000000555..., whose nearest
		 * double is 1000; a plain running sum drifts to
		 * 1000.0000000001588.  One pass, two halves merged, and the
		 * weights in another order (0.1 and 0.7 mixed) all settle on
		 * the same bits.
		 */
		struct voc_rating one, a, b, back;
		struct voc_nps n1, na, nb;
		double plain = 0;

		memset(&one, 0, sizeof(one));
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		memset(&back, 0, sizeof(back));
		memset(&n1, 0, sizeof(n1));
		memset(&na, 0, sizeof(na));
		memset(&nb, 0, sizeof(nb));
		for (int i = 0; i < 10000; i++) {
			double w = i % 3 ? 0.1 : 0.7;

			plain += 0.1;
			voc_rating_add(&one, i % 5, w, i % 5 == 4, i % 5 == 0);
			voc_rating_add(i < 3000 ? &a : &b, i % 5, w, i % 5 == 4,
			    i % 5 == 0);
			voc_nps_add(&n1, (enum voc_nps_class)(i % 3), w);
			voc_nps_add(i < 7000 ? &na : &nb,
			    (enum voc_nps_class)(i % 3), w);
		}
		for (int i = 9999; i >= 0; i--)
			voc_rating_add(&back, i % 5, i % 3 ? 0.1 : 0.7,
			    i % 5 == 4, i % 5 == 0);
		voc_rating_merge(&a, &b);
		voc_nps_merge(&na, &nb);
		voc_rating_settle(&one);
		voc_rating_settle(&a);
		voc_rating_settle(&back);
		voc_nps_settle(&n1);
		voc_nps_settle(&na);
		CHECK(plain != 1000);
		CHECK(memcmp(&one, &a, sizeof(one)) == 0);
		CHECK(memcmp(&one, &back, sizeof(one)) == 0);
		CHECK(memcmp(&n1, &na, sizeof(n1)) == 0);
		/* 3,334 weights of 0.7 and 6,666 of 0.1: 2333.8 + 666.6. */
		CHECK(one.w == 3000.4);
		/* Only 0.1s in class 1 (i % 3 == 1): 3,333 of them. */
		CHECK(n1.w[1] == 333.3);
		/* An answer word's weights: added in two halves and merged,
		 * they make the rating of answers at 0 one pass makes. */
		struct voc_weights wa, wb;
		struct voc_rating at0, rw;
		memset(&wa, 0, sizeof(wa));
		memset(&wb, 0, sizeof(wb));
		memset(&at0, 0, sizeof(at0));
		for (int i = 0; i < 10000; i++) {
			double w = i % 3 ? 0.1 : 0.7;

			voc_weights_add(i % 2 ? &wa : &wb, w);
			voc_rating_add(&at0, 0, w, 0, 0);
		}
		voc_weights_merge(&wa, &wb);
		voc_weights_rating(&wa, &rw);
		voc_rating_settle(&rw);
		voc_rating_settle(&at0);
		CHECK(wa.n == 10000 && rw.w == at0.w && rw.w2 == at0.w2);
		CHECK(rw.w == 3000.4);
		/*
		 * Weights of 1 take plain adds only onto whole sums: a 1
		 * after fractional weights, or after merging in a state that
		 * had them, is compensated like any weight (0.1, 1, 0.2 and
		 * 1, 0.1, 0.2 once gave different sums of squares).
		 */
		static const double ws[][3] = {{0.1, 1, 0.2}, {1, 0.1, 0.2},
		    {0.2, 0.1, 1}};
		struct voc_rating o[4];
		memset(o, 0, sizeof(o));
		for (int k = 0; k < 3; k++)
			for (int i = 0; i < 3; i++)
				voc_rating_add(&o[k], 3, ws[k][i], 0, 0);
		/* 1 alone, then 0.1 merged in, then 0.2 added. */
		struct voc_rating tenth;
		memset(&tenth, 0, sizeof(tenth));
		voc_rating_add(&o[3], 3, 1, 0, 0);
		voc_rating_add(&tenth, 3, 0.1, 0, 0);
		voc_rating_merge(&o[3], &tenth);
		voc_rating_add(&o[3], 3, 0.2, 0, 0);
		int alike = 1;
		for (int k = 0; k < 4; k++)
			voc_rating_settle(&o[k]);
		for (int k = 1; k < 4; k++)
			alike &= o[k].w == o[0].w && o[k].wx == o[0].wx &&
			    o[k].wx2 == o[0].wx2 && o[k].w2 == o[0].w2;
		CHECK(alike);
		CHECK(o[0].w == 1.3);
	}
	return check_done("test_stats");
}
