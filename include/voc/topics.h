/*
 * Topic models and term statistics over documents that are already
 * arrays of term ids (0 .. nterms-1); turning text into ids is the
 * tokeniser's job.  LDA by collapsed Gibbs sampling, GSDMM for short
 * texts, gensim-compatible topic coherence, the "Fightin' Words" log-odds
 * ratio, TF-IDF, and the read-outs a program needs (top terms,
 * representative documents, shares, per-document assignment).
 *
 * Results depend only on the data, the options and the seed: the random
 * numbers come from our own generator and every sum runs in a fixed
 * order, so a seed gives the same model on every machine.
 *
 * Ownership: the library never keeps a pointer into a corpus after a call
 * returns.  A model filled by voc_topics_fit owns its arrays until
 * voc_topics_free.
 */
#ifndef VOC_TOPICS_H
#define VOC_TOPICS_H

#include <stddef.h>
#include <stdint.h>

#include "voc/error.h"

/*
 * A corpus in compressed-row form: document d is the term ids
 * ids[start[d]] .. ids[start[d + 1] - 1], in text order (order matters to
 * sliding-window coherence only).  start has ndocs + 1 entries, start[0]
 * is 0.  Empty documents are allowed everywhere.
 */
struct voc_topics_corpus {
	const uint32_t *ids;
	const size_t *start;
	size_t ndocs;
	uint32_t nterms;	/* V: every id is below it */
};

/*
 * xoshiro256** (Blackman & Vigna 2018, "Scrambled linear pseudorandom
 * number generators"), seeded through splitmix64.  Plain integer
 * arithmetic, so a seed gives the same stream everywhere.
 */
struct voc_topics_rng {
	uint64_t s[4];
};

void voc_topics_rng_seed(struct voc_topics_rng *r, uint64_t seed);
uint64_t voc_topics_rng_next(struct voc_topics_rng *r);
/* A double uniform on [0, 1), from the top 53 bits. */
double voc_topics_rng_uniform(struct voc_topics_rng *r);
/* An integer uniform on 0 .. n-1 without bias (Lemire 2019); n > 0. */
uint32_t voc_topics_rng_below(struct voc_topics_rng *r, uint32_t n);

enum voc_topics_method {
	VOC_TOPICS_LDA = 0,	/* a mixture of topics per document */
	VOC_TOPICS_GSDMM	/* one topic (cluster) per document */
};

struct voc_topics_opts {
	int k;			/* topics; for GSDMM an upper bound */
	double alpha;		/* document-topic prior, > 0 */
	double beta;		/* topic-term prior, > 0 */
	int iterations;		/* Gibbs sweeps over the corpus, >= 0 */
	uint64_t seed;
};

/*
 * The defaults for a method.  LDA: k 10, alpha 0.1, beta 0.01, 1000
 * sweeps.  alpha is 0.1 rather than Griffiths & Steyvers' 50/K because
 * survey comments are a few words long: 50/K puts a prior mass of 50
 * against some ten observed tokens, so every theta comes out nearly
 * uniform and assignments say nothing.  GSDMM: k 20, alpha 0.1,
 * beta 0.1, 30 sweeps, Yin & Wang's (2014) settings.  Seed 1.
 */
void voc_topics_defaults(struct voc_topics_opts *o,
    enum voc_topics_method method);

struct voc_topics_model {
	enum voc_topics_method method;
	int k;
	uint32_t nterms;
	size_t ndocs;
	double *phi;	/* k x nterms: row t is P(term | topic t) */
	double *theta;	/* ndocs x k: row d is P(topic | document d) */
	int *topic;	/* ndocs: the most probable topic, -1 when empty */
	long long *size;	/* k: documents whose topic is t */
};

/*
 * Fits a model to c by collapsed Gibbs sampling, documents in the order
 * given, and fills m (which the caller frees with voc_topics_free, also
 * after an error).
 *
 * LDA (Griffiths & Steyvers 2004, "Finding scientific topics", PNAS 101,
 * eq. 5 for the sampler, eqs. 6-7 for phi and theta) estimates phi and
 * theta from the last sweep's counts.  GSDMM (Yin & Wang 2014, "A
 * Dirichlet multinomial mixture model-based approach for short text
 * clustering", KDD 2014; the collapsed conditional in its form for
 * documents with repeated words) draws one cluster per document; theta[d]
 * is then that conditional for document d given every other document,
 * and phi the cluster's smoothed term distribution.  topic[d] is the
 * argmax of theta[d] (lowest index on ties); empty documents take no part
 * in the sampling, keep their prior theta and have topic -1.
 *
 * Returns 0, or -1 with err filled on bad options, an id >= nterms, a
 * corpus too large for 32-bit counts, or out of memory.
 */
int voc_topics_fit(const struct voc_topics_corpus *c,
    enum voc_topics_method method, const struct voc_topics_opts *o,
    struct voc_topics_model *m, struct voc_error *err);

/* Frees the arrays of m and zeroes it; a zeroed m is accepted. */
void voc_topics_free(struct voc_topics_model *m);

/*
 * The n most probable terms of topic t (phi, descending; lower id first
 * on ties) into out; returns how many were written (n or nterms).
 */
size_t voc_topics_top_terms(const struct voc_topics_model *m, int t,
    size_t n, uint32_t *out);

/*
 * The n non-empty documents with the highest theta[d][t] (the posterior
 * for GSDMM; lower index first on ties) into out; returns how many.
 */
size_t voc_topics_top_docs(const struct voc_topics_model *m, int t,
    size_t n, size_t *out);

/*
 * Topic shares over the non-empty documents: by_doc[t] the share whose
 * topic is t, by_mass[t] the mean of theta[d][t].  Either may be NULL;
 * NaN when every document is empty.
 */
void voc_topics_shares(const struct voc_topics_model *m, double *by_doc,
    double *by_mass);

/* Document d's topic (-1 when empty) and its probability in *prob (NaN
 * when empty); prob may be NULL. */
int voc_topics_assign(const struct voc_topics_model *m, size_t d,
    double *prob);

enum voc_topics_coherence {
	VOC_COHERENCE_UMASS = 0,
	VOC_COHERENCE_UCI,
	VOC_COHERENCE_NPMI
};

/*
 * Topic coherence as gensim 4 computes it (CoherenceModel), for ntopics
 * topics of nwords term ids each (words, row-major, most probable
 * first), one value per topic into out.
 *
 * u_mass (Mimno et al. 2011): every word with each word before it,
 * log((D(wi, wj) / N + 1e-12) / (D(wj) / N)) over documents, averaged
 * (0 for a pair whose earlier word never occurs, as gensim does).
 * c_uci and c_npmi (Newman et al. 2010; Bouma 2009): every ordered pair,
 * log((W(wi, wj) / N + 1e-12) / (W(wi) W(wj) / N^2)), for npmi divided by
 * -log(W(wi, wj) / N + 1e-12), averaged, where counts are of boolean
 * sliding windows of `window` tokens (0 means gensim's 10): every token
 * takes a position, a document no longer than the window is one window,
 * an empty one an empty window that still counts in N.  Like gensim, a
 * word leaving the window is dropped from it even when another copy of
 * it is still inside.  A topic word found in no window makes uci and npmi
 * infinite, as in gensim.
 *
 * Returns 0, or -1 with err filled on an id >= nterms, nwords < 2, or
 * out of memory.
 */
int voc_topics_coherence(const struct voc_topics_corpus *c,
    enum voc_topics_coherence measure, size_t window, const uint32_t *words,
    size_t nwords, size_t ntopics, double *out, struct voc_error *err);

/* The term counts of c into tf (nterms entries).  Returns 0 or -1 on an
 * id >= nterms. */
int voc_topics_tf(const struct voc_topics_corpus *c, double *tf,
    struct voc_error *err);

/* The document frequency of every term into df (nterms entries).
 * Returns 0 or -1 on an id >= nterms or out of memory. */
int voc_topics_df(const struct voc_topics_corpus *c, uint32_t *df,
    struct voc_error *err);

/*
 * TF-IDF weight of every term over the whole corpus: tf (its count in c)
 * times idf.  Plain idf is log(N / df) (Sparck Jones 1972), 0 for a term
 * in no document; smooth is log((1 + N) / (1 + df)) + 1, scikit-learn's
 * default, which keeps terms found in every document above zero.  The
 * program uses smooth: in survey data the commonest complaint words occur
 * in most comments and should not vanish.  Returns 0 or -1.
 */
int voc_topics_tfidf(const struct voc_topics_corpus *c, int smooth,
    double *weight, struct voc_error *err);

/*
 * Monroe, Colaresi & Quinn (2008), "Fightin' Words: lexical feature
 * selection and evaluation for identifying the content of political
 * conflict", Political Analysis 16(4): the log-odds ratio with an
 * informative Dirichlet prior.  For term counts y1, y2 of two corpora (n1,
 * n2 their sums) and a prior alpha (a0 its sum),
 *   delta = log((y1+a) / (n1+a0-y1-a)) - log((y2+a) / (n2+a0-y2-a)),
 *   var = 1/(y1+a) + 1/(y2+a),  z = delta / sqrt(var).
 * Positive z leans to corpus 1.  Any output array may be NULL.  A term
 * with a zero prior and no count on one side gets NaN.  Returns 0, or -1
 * on a negative or non-finite count or prior.
 */
int voc_topics_fightin(const double *y1, const double *y2,
    const double *alpha, uint32_t nterms, double *delta, double *var,
    double *z, struct voc_error *err);

/*
 * The paper's informative prior from the pooled counts:
 * alpha_w = a0 (y1_w + y2_w) / (n1 + n2).  Returns 0, or -1 when a0 is not
 * positive or both corpora are empty.
 */
int voc_topics_fightin_prior(const double *y1, const double *y2,
    uint32_t nterms, double a0, double *alpha, struct voc_error *err);

#endif
