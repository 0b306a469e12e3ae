/*
 * topics: coherence against gensim 4's published figures on its toy
 * corpus (testdata/topics/gensim_common_texts.txt), the Fightin' Words z
 * worked by hand, TF-IDF by hand, and the samplers on a synthetic corpus
 * of three topics with disjoint vocabularies, which both must recover
 * exactly and repeat exactly for a seed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "voc/topics.h"

#define MAXTOK 4096
#define MAXDOC 256
#define MAXVOC 256

/* A corpus built from text split on spaces, with its vocabulary. */
struct texts {
	uint32_t ids[MAXTOK];
	size_t start[MAXDOC + 1];
	char words[MAXVOC][32];
	uint32_t nwords;
	struct voc_topics_corpus c;
};

static uint32_t
word_id(struct texts *t, const char *w)
{
	for (uint32_t i = 0; i < t->nwords; i++)
		if (strcmp(t->words[i], w) == 0)
			return i;
	snprintf(t->words[t->nwords], sizeof(t->words[0]), "%s", w);
	return t->nwords++;
}

static void
add_doc(struct texts *t, const char *line)
{
	char buf[1024], *save, *w;
	size_t n = t->start[t->c.ndocs];

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok_r(buf, " \n", &save); w != NULL;
	    w = strtok_r(NULL, " \n", &save))
		t->ids[n++] = word_id(t, w);
	t->start[++t->c.ndocs] = n;
	t->c.nterms = t->nwords;
}

static void
texts_init(struct texts *t)
{
	memset(t, 0, sizeof(*t));
	t->c.ids = t->ids;
	t->c.start = t->start;
}

static int
load(struct texts *t, const char *path)
{
	char line[1024];
	FILE *fp = fopen(path, "r");

	texts_init(t);
	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		add_doc(t, line);
	fclose(fp);
	return 0;
}

static void
test_rng(void)
{
	struct voc_topics_rng r, r2;
	int ok = 1;

	/* splitmix64's first output for seed 0 (Vigna's reference). */
	voc_topics_rng_seed(&r, 0);
	CHECK(r.s[0] == 0xe220a8397b1dcdafULL);
	/* xoshiro256** from seed 12345, by an independent Python
	 * transcription of Blackman & Vigna's reference code. */
	voc_topics_rng_seed(&r, 12345);
	CHECK(voc_topics_rng_next(&r) == 0xbe6a36374160d49bULL);
	CHECK(voc_topics_rng_next(&r) == 0x214aaa0637a688c6ULL);
	CHECK(voc_topics_rng_next(&r) == 0xf69d16de9954d388ULL);

	voc_topics_rng_seed(&r, 7);
	r2 = r;
	for (int i = 0; i < 10000; i++) {
		double u = voc_topics_rng_uniform(&r);
		uint32_t b = voc_topics_rng_below(&r2, 3);

		if (!(u >= 0 && u < 1) || b > 2)
			ok = 0;
	}
	CHECK(ok);
}

static void
test_coherence(void)
{
	struct texts t;
	struct voc_error err;
	uint32_t top[8];
	const char *words[8] = {"human", "computer", "system", "interface",
	    "graph", "minors", "trees", "eps"};
	double v[2];

	CHECK(load(&t, "testdata/topics/gensim_common_texts.txt") == 0);
	CHECK(t.c.ndocs == 9);
	for (int i = 0; i < 8; i++)
		top[i] = word_id(&t, words[i]);
	CHECK(t.nwords == 12);

	/* gensim 4 CoherenceModel(topics, texts, dictionary, coherence=...)
	 * on common_texts. */
	CHECK(voc_topics_coherence(&t.c, VOC_COHERENCE_UMASS, 0, top, 4, 2,
	    v, &err) == 0);
	CHECK_NEAR(v[0], -0.760725, 1e-6);
	CHECK_NEAR(v[1], -13.449306, 1e-6);
	CHECK(voc_topics_coherence(&t.c, VOC_COHERENCE_NPMI, 0, top, 4, 2,
	    v, &err) == 0);
	CHECK_NEAR(v[0], 0.276803, 1e-6);
	CHECK_NEAR(v[1], -0.221157, 1e-6);
	CHECK(voc_topics_coherence(&t.c, VOC_COHERENCE_UCI, 10, top, 4, 2,
	    v, &err) == 0);
	CHECK_NEAR(v[0], 0.608198, 1e-6);
	CHECK_NEAR(v[1], -12.080384, 1e-6);

	top[0] = 99;
	CHECK(voc_topics_coherence(&t.c, VOC_COHERENCE_UCI, 10, top, 4, 1,
	    v, &err) == -1);
	CHECK(voc_topics_coherence(&t.c, VOC_COHERENCE_UCI, 10, top, 1, 1,
	    v, &err) == -1);
}

/*
 * Windows worked by hand, window 3, documents "a b a c", "", "c", and a
 * word d that never occurs.  gensim's windows: [a b a] flags {a, b}; the
 * slide drops the a at the edge (though another a is inside) and adds c:
 * {b, c}; the empty document is one empty window; "c" is {c}.  N = 4,
 * W(a) 1, W(b) 2, W(c) 2, W(a,b) 1, W(b,c) 1, W(a,c) 0.
 *   uci [a b] = log((1/4) / (1/4 * 2/4)) = log 2
 *   uci [a c] = log(1e-12 / (1/4 * 2/4)) = log 8e-12
 *   uci [b c] = log((1/4 + 1e-12) / (2/4 * 2/4)) = ~0
 * u_mass over the 3 documents, the later word given the earlier:
 * D(a) 1, D(c) 2, D(a,c) 1, d in none;
 *   [c a] = log((1/3) / (2/3)) = log 1/2
 *   [a c] = log((1/3) / (1/3)) = ~0
 *   [d a] = 0: gensim scores a pair 0 when the earlier word never occurs
 *   [a d] = log(1e-12 / (1/3)) = log 3e-12
 */
static void
test_windows(void)
{
	struct texts t;
	struct voc_error err;
	uint32_t a, b, c, d, pairs[10];
	double v[5];

	texts_init(&t);
	add_doc(&t, "a b a c");
	add_doc(&t, "");
	add_doc(&t, "c");
	a = word_id(&t, "a");
	b = word_id(&t, "b");
	c = word_id(&t, "c");
	d = word_id(&t, "d");
	t.c.nterms = t.nwords;
	CHECK(t.c.ndocs == 3 && t.start[2] == 4 && t.start[3] == 5);

	pairs[0] = a, pairs[1] = b;
	pairs[2] = a, pairs[3] = c;
	pairs[4] = b, pairs[5] = c;
	CHECK(voc_topics_coherence(&t.c, VOC_COHERENCE_UCI, 3, pairs, 2, 3,
	    v, &err) == 0);
	CHECK_NEAR(v[0], log(2), 1e-9);
	CHECK_NEAR(v[1], log(8e-12), 1e-9);
	CHECK_NEAR(v[2], 0, 1e-9);
	/* A window as long as the longest document sees a and c together. */
	CHECK(voc_topics_coherence(&t.c, VOC_COHERENCE_UCI, 4, pairs + 2, 2,
	    1, v, &err) == 0);
	CHECK_NEAR(v[0], log((1.0 / 3) / (1.0 / 3 * 2.0 / 3)), 1e-9);

	pairs[0] = c, pairs[1] = a;
	pairs[2] = a, pairs[3] = c;
	pairs[4] = d, pairs[5] = a;
	pairs[6] = a, pairs[7] = d;
	CHECK(voc_topics_coherence(&t.c, VOC_COHERENCE_UMASS, 0, pairs, 2, 4,
	    v, &err) == 0);
	CHECK_NEAR(v[0], log(0.5), 1e-9);
	CHECK_NEAR(v[1], 0, 1e-9);
	CHECK(v[2] == 0);
	CHECK_NEAR(v[3], log(1e-12 * 3), 1e-9);
}

static void
test_tfidf(void)
{
	struct texts t;
	struct voc_error err;
	uint32_t df[MAXVOC];
	double w[MAXVOC];
	uint32_t sys, user;

	CHECK(load(&t, "testdata/topics/gensim_common_texts.txt") == 0);
	sys = word_id(&t, "system");
	user = word_id(&t, "user");
	CHECK(voc_topics_df(&t.c, df, &err) == 0);
	CHECK(df[sys] == 3 && df[user] == 3);
	CHECK(voc_topics_tf(&t.c, w, &err) == 0);
	CHECK(w[sys] == 4 && w[user] == 3);
	/* system: tf 4, df 3 of N 9: 4 log 3; smoothed
	 * 4 (log(10 / 4) + 1). */
	CHECK(voc_topics_tfidf(&t.c, 0, w, &err) == 0);
	CHECK_NEAR(w[sys], 4.394449154672439, 1e-12);
	CHECK(voc_topics_tfidf(&t.c, 1, w, &err) == 0);
	CHECK_NEAR(w[sys], 7.66516292749662, 1e-12);
}

/*
 * "the quick brown fox jumps over the lazy pig" against "the lazy purple
 * pig jumps over the lazier donkey": n1 = n2 = 9, 11 distinct words,
 * prior 0.05 each (a0 0.55).  quick (1 vs 0):
 * delta = log(1.05 / 8.5) - log(0.05 / 9.5) = 3.155703,
 * var = 1/1.05 + 1/0.05 = 20.952381, z = 0.6894227886807968.
 * With the pooled prior of size 1, quick has a = 1/18 and
 * z = 0.7007857297327479.
 */
static void
test_fightin(void)
{
	struct texts t;
	struct voc_error err;
	double y1[MAXVOC], y2[MAXVOC], prior[MAXVOC], z[MAXVOC];
	uint32_t quick, purple, the, jumps;
	struct voc_topics_corpus one;
	size_t s1[2] = {0, 0};

	texts_init(&t);
	add_doc(&t, "the quick brown fox jumps over the lazy pig");
	add_doc(&t, "the lazy purple pig jumps over the lazier donkey");
	CHECK(t.nwords == 11);
	quick = word_id(&t, "quick");
	purple = word_id(&t, "purple");
	the = word_id(&t, "the");
	jumps = word_id(&t, "jumps");

	/* Each document as a corpus of its own over the shared vocabulary. */
	one.ids = t.ids;
	one.start = s1;
	one.ndocs = 1;
	one.nterms = t.nwords;
	s1[1] = t.start[1];
	CHECK(voc_topics_tf(&one, y1, &err) == 0);
	one.ids = t.ids + t.start[1];
	s1[1] = t.start[2] - t.start[1];
	CHECK(voc_topics_tf(&one, y2, &err) == 0);
	CHECK(y1[the] == 2 && y2[the] == 2 && y1[purple] == 0);

	for (uint32_t w = 0; w < 11; w++)
		prior[w] = 0.05;
	CHECK(voc_topics_fightin(y1, y2, prior, 11, NULL, NULL, z, &err) == 0);
	CHECK_NEAR(z[quick], 0.6894227886807968, 1e-12);
	CHECK_NEAR(z[purple], -0.6894227886807968, 1e-12);
	CHECK_NEAR(z[the], 0, 1e-12);
	CHECK_NEAR(z[jumps], 0, 1e-12);

	CHECK(voc_topics_fightin_prior(y1, y2, 11, 1.0, prior, &err) == 0);
	CHECK_NEAR(prior[the], 4.0 / 18, 1e-15);
	CHECK(voc_topics_fightin(y1, y2, prior, 11, NULL, NULL, z, &err) == 0);
	CHECK_NEAR(z[quick], 0.7007857297327479, 1e-12);

	prior[0] = -1;
	CHECK(voc_topics_fightin(y1, y2, prior, 11, NULL, NULL, z, &err) == -1);
	CHECK(voc_topics_fightin_prior(y1, y2, 11, 0, prior, &err) == -1);
}

/*
 * Three topics over disjoint blocks of 8 terms: 30 documents of 12 tokens
 * each, document i drawn from block i % 3, with an empty document after
 * every tenth.  Returns the true topic of each document (-1 if empty).
 */
#define SYN_DOCS 33
static void
synthetic(struct texts *t, int *truth)
{
	struct voc_topics_rng r;
	size_t n = 0, d = 0;

	texts_init(t);
	voc_topics_rng_seed(&r, 2024);
	for (int i = 0; i < 30; i++) {
		for (int j = 0; j < 12; j++)
			t->ids[n++] = (uint32_t)(i % 3) * 8 +
			    voc_topics_rng_below(&r, 8);
		truth[d] = i % 3;
		t->start[++d] = n;
		if (i % 10 == 9) {
			truth[d] = -1;
			t->start[++d] = n;
		}
	}
	t->c.ndocs = d;
	t->c.nterms = 24;
}

/* Purity 1 both ways: each found topic holds one true topic and each
 * true topic lies in one found topic. */
static int
recovered(const struct voc_topics_model *m, const int *truth)
{
	int map[3] = {-1, -1, -1};

	for (size_t d = 0; d < m->ndocs; d++) {
		int t = voc_topics_assign(m, d, NULL);

		if (truth[d] < 0) {
			if (t != -1)
				return 0;
			continue;
		}
		if (map[truth[d]] < 0)
			map[truth[d]] = t;
		if (map[truth[d]] != t)
			return 0;
	}
	return map[0] != map[1] && map[1] != map[2] && map[0] != map[2];
}

static void
test_model(enum voc_topics_method method, int k)
{
	struct texts t;
	struct voc_error err;
	struct voc_topics_opts o;
	struct voc_topics_model m, m2;
	int truth[SYN_DOCS], used = 0, ok = 1;
	uint32_t top[8];
	size_t docs[10];
	double share[64], p;

	synthetic(&t, truth);
	CHECK(t.c.ndocs == SYN_DOCS);
	voc_topics_defaults(&o, method);
	o.k = k;
	o.iterations = method == VOC_TOPICS_LDA ? 200 : 30;
	o.seed = 42;
	CHECK(voc_topics_fit(&t.c, method, &o, &m, &err) == 0);
	CHECK(recovered(&m, truth));
	for (int j = 0; j < k; j++)
		used += m.size[j] > 0;
	CHECK(used == 3);

	/* Each used topic's top 8 terms are its block, its top documents
	 * from it; every theta row sums to 1. */
	for (int j = 0; j < k; j++) {
		size_t n;
		int block;

		if (m.size[j] == 0)
			continue;
		CHECK(voc_topics_top_terms(&m, j, 8, top) == 8);
		block = (int)top[0] / 8;
		for (int i = 0; i < 8; i++)
			ok &= (int)top[i] / 8 == block;
		n = voc_topics_top_docs(&m, j, 10, docs);
		CHECK(n == 10);
		for (size_t i = 0; i < n; i++)
			ok &= truth[docs[i]] == block;
	}
	for (size_t d = 0; d < m.ndocs; d++) {
		double s = 0;

		for (int j = 0; j < k; j++)
			s += m.theta[d * k + j];
		ok &= fabs(s - 1) < 1e-12;
	}
	CHECK(ok);
	voc_topics_shares(&m, share, NULL);
	CHECK_NEAR(share[m.topic[0]], 1.0 / 3, 1e-15);
	CHECK(voc_topics_assign(&m, 10, &p) == -1 && isnan(p));
	CHECK(voc_topics_assign(&m, 0, &p) == m.topic[0] &&
	    p == m.theta[m.topic[0]]);
	if (method == VOC_TOPICS_LDA)
		CHECK_NEAR(m.theta[10 * k], 1.0 / k, 1e-15);

	/* The same seed repeats the model bit for bit; another seed takes
	 * another path (compared after one sweep: converged GSDMM runs can
	 * land on the same partition under the same labels). */
	CHECK(voc_topics_fit(&t.c, method, &o, &m2, &err) == 0);
	CHECK(memcmp(m.theta, m2.theta, m.ndocs * k * sizeof(double)) == 0);
	CHECK(memcmp(m.phi, m2.phi, 24 * k * sizeof(double)) == 0);
	CHECK(memcmp(m.topic, m2.topic, m.ndocs * sizeof(int)) == 0);
	voc_topics_free(&m2);
	o.seed = 43;
	CHECK(voc_topics_fit(&t.c, method, &o, &m2, &err) == 0);
	CHECK(recovered(&m2, truth));
	voc_topics_free(&m2);
	voc_topics_free(&m);
	o.iterations = 1;
	CHECK(voc_topics_fit(&t.c, method, &o, &m2, &err) == 0);
	o.seed = 42;
	CHECK(voc_topics_fit(&t.c, method, &o, &m, &err) == 0);
	CHECK(memcmp(m.theta, m2.theta, m.ndocs * k * sizeof(double)) != 0);
	voc_topics_free(&m2);
	voc_topics_free(&m);
}

static void
test_edges(void)
{
	struct texts t;
	struct voc_error err;
	struct voc_topics_opts o;
	struct voc_topics_model m;
	double share[3];

	/* A corpus of empty documents fits; shares are unknown. */
	texts_init(&t);
	add_doc(&t, "");
	add_doc(&t, "");
	t.c.nterms = 5;
	voc_topics_defaults(&o, VOC_TOPICS_GSDMM);
	o.k = 3;
	CHECK(voc_topics_fit(&t.c, VOC_TOPICS_GSDMM, &o, &m, &err) == 0);
	CHECK(m.topic[0] == -1 && m.topic[1] == -1);
	CHECK_NEAR(m.theta[0], 1.0 / 3, 1e-15);
	voc_topics_shares(&m, share, NULL);
	CHECK(isnan(share[0]));
	voc_topics_free(&m);
	voc_topics_defaults(&o, VOC_TOPICS_LDA);
	o.k = 3;
	CHECK(voc_topics_fit(&t.c, VOC_TOPICS_LDA, &o, &m, &err) == 0);
	CHECK(m.topic[0] == -1);
	voc_topics_free(&m);

	/* Bad options and ids are errors, not crashes. */
	add_doc(&t, "x y");
	t.c.nterms = 1;
	CHECK(voc_topics_fit(&t.c, VOC_TOPICS_LDA, &o, &m, &err) == -1);
	CHECK(err.kind == VOC_ERR_DATA);
	voc_topics_free(&m);
	t.c.nterms = 2;
	o.k = 0;
	CHECK(voc_topics_fit(&t.c, VOC_TOPICS_LDA, &o, &m, &err) == -1);
	CHECK(err.kind == VOC_ERR_USAGE);
	voc_topics_free(&m);
	o.k = 2;
	o.beta = 0;
	CHECK(voc_topics_fit(&t.c, VOC_TOPICS_GSDMM, &o, &m, &err) == -1);
	voc_topics_free(&m);
}

int
main(void)
{
	test_rng();
	test_coherence();
	test_windows();
	test_tfidf();
	test_fightin();
	test_model(VOC_TOPICS_LDA, 3);
	test_model(VOC_TOPICS_GSDMM, 8);
	test_edges();
	return check_done("test_topics");
}
