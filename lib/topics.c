/*
 * Topic models and term statistics (see include/voc/topics.h).
 *
 * Both samplers keep their counts in int32 arrays laid out for the inner
 * loop: LDA's term-topic counts term-major (the K counts of one term are
 * adjacent, as the per-token draw reads them all), GSDMM's likewise.  LDA
 * keeps 1 / (n_k + V beta) per topic up to date instead of dividing K
 * times per token, and draws from cumulative weights in one reused
 * buffer.  No randomness comes from the C library: a seed fixes every
 * draw, and with -std=c11 GCC does not contract a*b+c into FMA, so the
 * same seed gives bit-identical models across x86-64 and arm64.
 *
 * Coherence reproduces gensim 4's counting to the quirk (see
 * count_windows), so figures can be compared with published gensim runs.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voc/topics.h"

/* Added to probabilities before a logarithm, as gensim's EPSILON. */
#define GENSIM_EPSILON 1e-12
#define GENSIM_WINDOW 10

/* ---- random numbers ---------------------------------------------------- */

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
voc_topics_rng_seed(struct voc_topics_rng *r, uint64_t seed)
{
	/* splitmix64 never yields four zero words, the one state xoshiro
	 * cannot leave. */
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
voc_topics_rng_next(struct voc_topics_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double
voc_topics_rng_uniform(struct voc_topics_rng *r)
{
	return (double)(voc_topics_rng_next(r) >> 11) * 0x1.0p-53;
}

uint32_t
voc_topics_rng_below(struct voc_topics_rng *r, uint32_t n)
{
	/* Lemire (2019), "Fast random integer generation in an interval",
	 * ACM TOMACS 29(1): multiply, and redraw only in the sliver that
	 * would make some values likelier than others. */
	uint64_t m = (voc_topics_rng_next(r) >> 32) * (uint64_t)n;
	uint32_t low = (uint32_t)m;

	if (low < n) {
		uint32_t floor = (uint32_t)(-n) % n;

		while (low < floor) {
			m = (voc_topics_rng_next(r) >> 32) * (uint64_t)n;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

/* ---- shared checks ----------------------------------------------------- */

static int
check_corpus(const struct voc_topics_corpus *c, struct voc_error *err)
{
	if (c->ndocs > 0 && (c->start == NULL || c->start[0] != 0))
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "corpus: document offsets must start at 0");
	for (size_t d = 0; d < c->ndocs; d++) {
		if (c->start[d + 1] < c->start[d])
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "corpus: document %zu ends before it starts",
			    d + 1);
		for (size_t i = c->start[d]; i < c->start[d + 1]; i++)
			if (c->ids[i] >= c->nterms)
				return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
				    "corpus: document %zu: term id %lu is not "
				    "below the vocabulary size %lu", d + 1,
				    (unsigned long)c->ids[i],
				    (unsigned long)c->nterms);
	}
	return 0;
}

static int
oom(struct voc_error *err)
{
	return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
}

/* calloc of a * b elements of size bytes, NULL on overflow. */
static void *
alloc2(size_t a, size_t b, size_t size)
{
	if (b != 0 && a > SIZE_MAX / b)
		return NULL;
	a *= b;
	if (a == 0)
		a = 1;
	return calloc(a, size);
}

/* ---- model fitting ----------------------------------------------------- */

void
voc_topics_defaults(struct voc_topics_opts *o, enum voc_topics_method method)
{
	o->seed = 1;
	if (method == VOC_TOPICS_GSDMM) {
		o->k = 20;
		o->alpha = 0.1;
		o->beta = 0.1;
		o->iterations = 30;
	} else {
		o->k = 10;
		o->alpha = 0.1;
		o->beta = 0.01;
		o->iterations = 1000;
	}
}

void
voc_topics_free(struct voc_topics_model *m)
{
	free(m->phi);
	free(m->theta);
	free(m->topic);
	free(m->size);
	memset(m, 0, sizeof(*m));
}

/* The state both samplers share: a topic per token (LDA) or per
 * document (GSDMM), and the counts it implies. */
struct sampler {
	const struct voc_topics_corpus *c;
	int k;
	double alpha, beta, vbeta;
	struct voc_topics_rng rng;
	int32_t *nwk;	/* nterms x k */
	int32_t *nk;	/* k: tokens per topic */
	int32_t *ndk;	/* LDA: ndocs x k; GSDMM: k documents per cluster */
	int32_t *z;	/* LDA: per token; GSDMM: per document */
	double *buf;	/* k scratch */
};

static void
sampler_free(struct sampler *s)
{
	free(s->nwk);
	free(s->nk);
	free(s->ndk);
	free(s->z);
	free(s->buf);
}

/* Draws an index from weights whose running sums are cum[0 .. k-1]. */
static inline int
draw(struct voc_topics_rng *rng, const double *cum, int k)
{
	double u = voc_topics_rng_uniform(rng) * cum[k - 1];
	int t = 0;

	/* u < cum[k-1] but for rounding, which the bound covers. */
	while (t < k - 1 && cum[t] <= u)
		t++;
	return t;
}

static void
lda_sweep(struct sampler *s, double *inv)
{
	const struct voc_topics_corpus *c = s->c;
	const int k = s->k;
	const double alpha = s->alpha, beta = s->beta, vbeta = s->vbeta;
	double *cum = s->buf;

	for (size_t d = 0; d < c->ndocs; d++) {
		int32_t *nd = s->ndk + d * (size_t)k;

		for (size_t i = c->start[d]; i < c->start[d + 1]; i++) {
			int32_t *nw = s->nwk + (size_t)c->ids[i] * k;
			int t = s->z[i];
			double sum = 0;

			nw[t]--;
			nd[t]--;
			s->nk[t]--;
			inv[t] = 1.0 / (s->nk[t] + vbeta);
			/* Griffiths & Steyvers (2004), eq. 5; the document's
			 * length term is the same for every topic. */
			for (int j = 0; j < k; j++) {
				sum += (nw[j] + beta) * (nd[j] + alpha) *
				    inv[j];
				cum[j] = sum;
			}
			t = draw(&s->rng, cum, k);
			s->z[i] = t;
			nw[t]++;
			nd[t]++;
			s->nk[t]++;
			inv[t] = 1.0 / (s->nk[t] + vbeta);
		}
	}
}

static int
lda_fit(struct sampler *s, int iterations, struct voc_topics_model *m,
    struct voc_error *err)
{
	const struct voc_topics_corpus *c = s->c;
	const int k = s->k;
	size_t ntok = c->ndocs ? c->start[c->ndocs] : 0;
	double *inv;

	s->ndk = alloc2(c->ndocs, k, sizeof(int32_t));
	s->z = alloc2(ntok, 1, sizeof(int32_t));
	inv = alloc2(k, 1, sizeof(double));
	if (s->ndk == NULL || s->z == NULL || inv == NULL) {
		free(inv);
		return oom(err);
	}
	for (size_t d = 0; d < c->ndocs; d++)
		for (size_t i = c->start[d]; i < c->start[d + 1]; i++) {
			int t = (int)voc_topics_rng_below(&s->rng, k);

			s->z[i] = t;
			s->nwk[(size_t)c->ids[i] * k + t]++;
			s->ndk[d * k + t]++;
			s->nk[t]++;
		}
	for (int t = 0; t < k; t++)
		inv[t] = 1.0 / (s->nk[t] + s->vbeta);
	for (int it = 0; it < iterations; it++)
		lda_sweep(s, inv);
	free(inv);

	/* Griffiths & Steyvers (2004), eqs. 6 and 7, from the last state. */
	for (size_t d = 0; d < c->ndocs; d++) {
		double len = (double)(c->start[d + 1] - c->start[d]);

		for (int t = 0; t < k; t++)
			m->theta[d * k + t] = (s->ndk[d * k + t] + s->alpha) /
			    (len + k * s->alpha);
	}
	return 0;
}

/*
 * The log of document d's weight for every cluster, given the others
 * (Yin & Wang 2014): log(m_k + alpha) + sum over tokens of
 * log(n_kw + beta + j - 1) - sum over i < N_d of log(n_k + V beta + i),
 * where j counts the copies of w so far in the document (rep[] holds
 * j - 1).  Factors are multiplied in runs of 8 and then logged: each lies
 * in [beta / (n_k + V beta + N_d), 1], so with counts below 2^31 a run of
 * 8 stays a normal double for any beta above 1e-29 (and an underflow
 * would only zero one cluster's weight); 8 times fewer logarithms are
 * taken than term by term.
 */
static void
gsdmm_weights(const struct sampler *s, size_t d, const int32_t *rep,
    double *lw)
{
	const struct voc_topics_corpus *c = s->c;
	const int k = s->k;
	size_t b = c->start[d], e = c->start[d + 1];

	for (int t = 0; t < k; t++) {
		double acc = log(s->ndk[t] + s->alpha), prod = 1;
		double nk = s->nk[t] + s->vbeta;
		int run = 0;

		for (size_t i = b; i < e; i++) {
			int32_t nw = s->nwk[(size_t)c->ids[i] * k + t];

			prod *= (nw + s->beta + rep[i]) /
			    (nk + (double)(i - b));
			if (++run == 8) {
				acc += log(prod);
				prod = 1;
				run = 0;
			}
		}
		lw[t] = acc + log(prod);
	}
}

static void
gsdmm_move(struct sampler *s, size_t d, int t, int sign)
{
	const struct voc_topics_corpus *c = s->c;

	s->ndk[t] += sign;
	s->nk[t] += sign * (int32_t)(c->start[d + 1] - c->start[d]);
	for (size_t i = c->start[d]; i < c->start[d + 1]; i++)
		s->nwk[(size_t)c->ids[i] * s->k + t] += sign;
}

/* Turns log weights into cumulative sums of exp(lw - max) in place. */
static void
log_to_cum(double *lw, int k)
{
	double max = lw[0], sum = 0;

	for (int t = 1; t < k; t++)
		if (lw[t] > max)
			max = lw[t];
	for (int t = 0; t < k; t++) {
		sum += exp(lw[t] - max);
		lw[t] = sum;
	}
}

static int
gsdmm_fit(struct sampler *s, int iterations, struct voc_topics_model *m,
    struct voc_error *err)
{
	const struct voc_topics_corpus *c = s->c;
	const int k = s->k;
	size_t ntok = c->ndocs ? c->start[c->ndocs] : 0;
	int32_t *rep, *seen;

	s->ndk = alloc2(k, 1, sizeof(int32_t));
	s->z = alloc2(c->ndocs, 1, sizeof(int32_t));
	rep = alloc2(ntok, 1, sizeof(int32_t));
	seen = alloc2(c->nterms, 1, sizeof(int32_t));
	if (s->ndk == NULL || s->z == NULL || rep == NULL || seen == NULL) {
		free(rep);
		free(seen);
		return oom(err);
	}
	for (size_t d = 0; d < c->ndocs; d++) {
		for (size_t i = c->start[d]; i < c->start[d + 1]; i++)
			rep[i] = seen[c->ids[i]]++;
		for (size_t i = c->start[d]; i < c->start[d + 1]; i++)
			seen[c->ids[i]] = 0;
	}
	free(seen);

	/* Yin & Wang's Algorithm 1 starts from uniformly random clusters. */
	for (size_t d = 0; d < c->ndocs; d++) {
		if (c->start[d + 1] == c->start[d]) {
			s->z[d] = -1;
			continue;
		}
		s->z[d] = (int32_t)voc_topics_rng_below(&s->rng, k);
		gsdmm_move(s, d, s->z[d], 1);
	}
	for (int it = 0; it < iterations; it++)
		for (size_t d = 0; d < c->ndocs; d++) {
			if (s->z[d] < 0)
				continue;
			gsdmm_move(s, d, s->z[d], -1);
			gsdmm_weights(s, d, rep, s->buf);
			log_to_cum(s->buf, k);
			s->z[d] = draw(&s->rng, s->buf, k);
			gsdmm_move(s, d, s->z[d], 1);
		}

	/* The posterior of each document given all the others; an empty
	 * document's is the prior on cluster sizes. */
	for (size_t d = 0; d < c->ndocs; d++) {
		double *th = m->theta + d * k, sum;

		if (s->z[d] >= 0)
			gsdmm_move(s, d, s->z[d], -1);
		gsdmm_weights(s, d, rep, th);
		if (s->z[d] >= 0)
			gsdmm_move(s, d, s->z[d], 1);
		log_to_cum(th, k);
		sum = th[k - 1];
		for (int t = k - 1; t > 0; t--)
			th[t] = (th[t] - th[t - 1]) / sum;
		th[0] /= sum;
	}
	free(rep);
	return 0;
}

int
voc_topics_fit(const struct voc_topics_corpus *c,
    enum voc_topics_method method, const struct voc_topics_opts *o,
    struct voc_topics_model *m, struct voc_error *err)
{
	struct sampler s;
	size_t ntok;
	int k = o->k, rc;

	memset(m, 0, sizeof(*m));
	if (method != VOC_TOPICS_LDA && method != VOC_TOPICS_GSDMM)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "unknown topic model %d", (int)method);
	if (k < 1 || k > 65535)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "the number of topics must be 1 to 65535, not %d", k);
	if (!(o->alpha > 0 && isfinite(o->alpha)) ||
	    !(o->beta > 0 && isfinite(o->beta)))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "alpha and beta must be positive numbers");
	if (o->iterations < 0)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "the number of iterations must not be negative");
	if (c->nterms == 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "corpus: the vocabulary is empty");
	if (check_corpus(c, err) < 0)
		return -1;
	ntok = c->ndocs ? c->start[c->ndocs] : 0;
	if (ntok > INT32_MAX)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "corpus: %zu tokens is more than the counts can hold",
		    ntok);

	m->method = method;
	m->k = k;
	m->nterms = c->nterms;
	m->ndocs = c->ndocs;
	m->phi = alloc2(k, c->nterms, sizeof(double));
	m->theta = alloc2(c->ndocs, k, sizeof(double));
	m->topic = alloc2(c->ndocs, 1, sizeof(int));
	m->size = alloc2(k, 1, sizeof(long long));

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.k = k;
	s.alpha = o->alpha;
	s.beta = o->beta;
	s.vbeta = o->beta * c->nterms;
	voc_topics_rng_seed(&s.rng, o->seed);
	s.nwk = alloc2(c->nterms, k, sizeof(int32_t));
	s.nk = alloc2(k, 1, sizeof(int32_t));
	s.buf = alloc2(k, 1, sizeof(double));
	if (m->phi == NULL || m->theta == NULL || m->topic == NULL ||
	    m->size == NULL || s.nwk == NULL || s.nk == NULL ||
	    s.buf == NULL) {
		sampler_free(&s);
		return oom(err);
	}

	if (method == VOC_TOPICS_GSDMM)
		rc = gsdmm_fit(&s, o->iterations, m, err);
	else
		rc = lda_fit(&s, o->iterations, m, err);
	if (rc < 0) {
		sampler_free(&s);
		return -1;
	}

	for (int t = 0; t < k; t++)
		for (uint32_t w = 0; w < c->nterms; w++)
			m->phi[(size_t)t * c->nterms + w] =
			    (s.nwk[(size_t)w * k + t] + s.beta) /
			    (s.nk[t] + s.vbeta);
	for (size_t d = 0; d < c->ndocs; d++) {
		const double *th = m->theta + d * k;
		int best = 0;

		if (c->start[d + 1] == c->start[d]) {
			m->topic[d] = -1;
			continue;
		}
		for (int t = 1; t < k; t++)
			if (th[t] > th[best])
				best = t;
		m->topic[d] = best;
		m->size[best]++;
	}
	sampler_free(&s);
	return 0;
}

/* ---- read-outs --------------------------------------------------------- */

size_t
voc_topics_top_terms(const struct voc_topics_model *m, int t, size_t n,
    uint32_t *out)
{
	const double *row = m->phi + (size_t)t * m->nterms;
	size_t have = 0;

	if (n > m->nterms)
		n = m->nterms;
	/* Insertion into a sorted top n: n is small (10-20) beside V. */
	for (uint32_t w = 0; w < m->nterms; w++) {
		size_t i = have;

		if (have == n && (n == 0 || row[w] <= row[out[n - 1]]))
			continue;
		if (have < n)
			have++;
		else
			i = n - 1;
		while (i > 0 && row[out[i - 1]] < row[w]) {
			out[i] = out[i - 1];
			i--;
		}
		out[i] = w;
	}
	return have;
}

size_t
voc_topics_top_docs(const struct voc_topics_model *m, int t, size_t n,
    size_t *out)
{
	const int k = m->k;
	size_t have = 0;

	for (size_t d = 0; d < m->ndocs; d++) {
		double v = m->theta[d * k + t];
		size_t i = have;

		if (m->topic[d] < 0)
			continue;
		if (have == n && (n == 0 || v <= m->theta[out[n - 1] * k + t]))
			continue;
		if (have < n)
			have++;
		else
			i = n - 1;
		while (i > 0 && m->theta[out[i - 1] * k + t] < v) {
			out[i] = out[i - 1];
			i--;
		}
		out[i] = d;
	}
	return have;
}

void
voc_topics_shares(const struct voc_topics_model *m, double *by_doc,
    double *by_mass)
{
	const int k = m->k;
	size_t n = 0;

	for (int t = 0; t < k; t++) {
		if (by_doc != NULL)
			by_doc[t] = 0;
		if (by_mass != NULL)
			by_mass[t] = 0;
	}
	for (size_t d = 0; d < m->ndocs; d++) {
		if (m->topic[d] < 0)
			continue;
		n++;
		if (by_doc != NULL)
			by_doc[m->topic[d]]++;
		if (by_mass != NULL)
			for (int t = 0; t < k; t++)
				by_mass[t] += m->theta[d * k + t];
	}
	for (int t = 0; t < k; t++) {
		if (by_doc != NULL)
			by_doc[t] = n ? by_doc[t] / n : NAN;
		if (by_mass != NULL)
			by_mass[t] = n ? by_mass[t] / n : NAN;
	}
}

int
voc_topics_assign(const struct voc_topics_model *m, size_t d, double *prob)
{
	int t = m->topic[d];

	if (prob != NULL)
		*prob = t < 0 ? NAN : m->theta[d * m->k + t];
	return t;
}

/* ---- coherence --------------------------------------------------------- */

/*
 * Occurrence and co-occurrence counts of the topic words, over whole
 * documents (window 0) or boolean sliding windows, the way gensim's
 * CorpusAccumulator and WordOccurrenceAccumulator count them.
 */
struct cooc {
	size_t r;		/* distinct topic words */
	int32_t *slot;		/* nterms: a term's row, or -1 */
	long long *occ;		/* r */
	long long *co;		/* r x r, symmetric; diagonal = occ */
	long long n;		/* documents or windows */
};

/* Counts one window whose present words are the flagged ones of list. */
static void
count_present(struct cooc *a, const unsigned char *present,
    const int32_t *list, size_t nlist)
{
	for (size_t i = 0; i < nlist; i++) {
		int32_t x = list[i];

		if (!present[x])
			continue;
		a->occ[x]++;
		for (size_t j = i + 1; j < nlist; j++) {
			int32_t y = list[j];

			if (present[y]) {
				a->co[(size_t)x * a->r + y]++;
				a->co[(size_t)y * a->r + x]++;
			}
		}
	}
	a->n++;
}

/*
 * gensim's sliding window (text_analysis.WordOccurrenceAccumulator): the
 * first window of a document flags the words in it; each later window
 * unflags the token that just left and flags the one that came in.  The
 * unflagging ignores other copies still inside the window, so a repeated
 * word can be missed for a while: that is gensim's count, and the one
 * published coherence figures were computed with, so it is kept.
 * list holds each topic word of the document once (as rows).
 */
static void
count_windows(struct cooc *a, const uint32_t *doc, size_t len, size_t window,
    unsigned char *present, int32_t *list)
{
	size_t nlist = 0;

	for (size_t i = 0; i < len; i++) {
		int32_t x = a->slot[doc[i]];

		if (x >= 0 && !present[x]) {
			present[x] = 1;
			list[nlist++] = x;
		}
	}
	if (window == 0 || len <= window) {
		count_present(a, present, list, nlist);
	} else {
		for (size_t i = 0; i < nlist; i++)
			present[list[i]] = 0;
		for (size_t i = 0; i < window; i++)
			if (a->slot[doc[i]] >= 0)
				present[a->slot[doc[i]]] = 1;
		count_present(a, present, list, nlist);
		for (size_t s = 1; s + window <= len; s++) {
			int32_t out = a->slot[doc[s - 1]];
			int32_t in = a->slot[doc[s + window - 1]];

			if (out >= 0)
				present[out] = 0;
			if (in >= 0)
				present[in] = 1;
			count_present(a, present, list, nlist);
		}
	}
	for (size_t i = 0; i < nlist; i++)
		present[list[i]] = 0;
}

static void
cooc_free(struct cooc *a)
{
	free(a->slot);
	free(a->occ);
	free(a->co);
}

static int
cooc_count(struct cooc *a, const struct voc_topics_corpus *c,
    const uint32_t *words, size_t nw, size_t window, struct voc_error *err)
{
	unsigned char *present = NULL;
	int32_t *list = NULL;

	memset(a, 0, sizeof(*a));
	a->slot = malloc((c->nterms ? c->nterms : 1) * sizeof(int32_t));
	if (a->slot == NULL)
		return oom(err);
	for (uint32_t w = 0; w < c->nterms; w++)
		a->slot[w] = -1;
	for (size_t i = 0; i < nw; i++) {
		if (words[i] >= c->nterms) {
			cooc_free(a);
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "coherence: term id %lu is not below the "
			    "vocabulary size %lu", (unsigned long)words[i],
			    (unsigned long)c->nterms);
		}
		if (a->slot[words[i]] < 0)
			a->slot[words[i]] = (int32_t)a->r++;
	}
	a->occ = alloc2(a->r, 1, sizeof(long long));
	a->co = alloc2(a->r, a->r, sizeof(long long));
	present = alloc2(a->r, 1, 1);
	list = alloc2(a->r, 1, sizeof(int32_t));
	if (a->occ == NULL || a->co == NULL || present == NULL ||
	    list == NULL) {
		free(present);
		free(list);
		cooc_free(a);
		return oom(err);
	}
	for (size_t d = 0; d < c->ndocs; d++)
		count_windows(a, c->ids + c->start[d],
		    c->start[d + 1] - c->start[d], window, present, list);
	for (size_t x = 0; x < a->r; x++)
		a->co[x * a->r + x] = a->occ[x];
	free(present);
	free(list);
	return 0;
}

int
voc_topics_coherence(const struct voc_topics_corpus *c,
    enum voc_topics_coherence measure, size_t window, const uint32_t *words,
    size_t nwords, size_t ntopics, double *out, struct voc_error *err)
{
	struct cooc a;

	if (nwords < 2)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "coherence needs at least 2 words per topic");
	if (ntopics > SIZE_MAX / nwords)
		return oom(err);
	if (check_corpus(c, err) < 0)
		return -1;
	if (measure != VOC_COHERENCE_UMASS && window == 0)
		window = GENSIM_WINDOW;
	if (measure == VOC_COHERENCE_UMASS)
		window = 0;
	if (cooc_count(&a, c, words, nwords * ntopics, window, err) < 0)
		return -1;

	for (size_t t = 0; t < ntopics; t++) {
		const uint32_t *top = words + t * nwords;
		double sum = 0, n = (double)a.n;
		size_t npairs = 0;

		for (size_t i = 1; i < nwords; i++) {
			size_t x = (size_t)a.slot[top[i]];

			/* u_mass pairs each word with the words before it
			 * (gensim's s_one_pre); uci and npmi take every
			 * ordered pair (s_one_one), which for these
			 * symmetric measures is each unordered pair twice,
			 * so the mean over unordered pairs is the same. */
			for (size_t j = 0; j < i; j++) {
				size_t y = (size_t)a.slot[top[j]];
				double co = (double)a.co[x * a.r + y] / n;
				double px = (double)a.occ[x] / n;
				double py = (double)a.occ[y] / n;
				double m;

				if (measure == VOC_COHERENCE_UMASS) {
					/* Mimno et al. (2011), eq. 1, with
					 * gensim's epsilon; gensim scores a
					 * pair 0 when it would divide by 0. */
					m = (a.occ[y] == 0 || a.n == 0) ? 0 :
					    log((co + GENSIM_EPSILON) / py);
				} else {
					m = log((co + GENSIM_EPSILON) /
					    (px * py));
					if (measure == VOC_COHERENCE_NPMI)
						m /= -log(co + GENSIM_EPSILON);
				}
				sum += m;
				npairs++;
			}
		}
		out[t] = sum / npairs;
	}
	cooc_free(&a);
	return 0;
}

/* ---- term statistics --------------------------------------------------- */

int
voc_topics_tf(const struct voc_topics_corpus *c, double *tf,
    struct voc_error *err)
{
	if (check_corpus(c, err) < 0)
		return -1;
	for (uint32_t w = 0; w < c->nterms; w++)
		tf[w] = 0;
	for (size_t i = 0; c->ndocs && i < c->start[c->ndocs]; i++)
		tf[c->ids[i]]++;
	return 0;
}

int
voc_topics_df(const struct voc_topics_corpus *c, uint32_t *df,
    struct voc_error *err)
{
	size_t *last;

	if (check_corpus(c, err) < 0)
		return -1;
	/* last[w] is 1 + the last document counted for w. */
	last = alloc2(c->nterms, 1, sizeof(size_t));
	if (last == NULL)
		return oom(err);
	for (uint32_t w = 0; w < c->nterms; w++)
		df[w] = 0;
	for (size_t d = 0; d < c->ndocs; d++)
		for (size_t i = c->start[d]; i < c->start[d + 1]; i++)
			if (last[c->ids[i]] != d + 1) {
				last[c->ids[i]] = d + 1;
				df[c->ids[i]]++;
			}
	free(last);
	return 0;
}

int
voc_topics_tfidf(const struct voc_topics_corpus *c, int smooth,
    double *weight, struct voc_error *err)
{
	uint32_t *df;
	double n = (double)c->ndocs;

	df = alloc2(c->nterms, 1, sizeof(uint32_t));
	if (df == NULL)
		return oom(err);
	if (voc_topics_df(c, df, err) < 0 ||
	    voc_topics_tf(c, weight, err) < 0) {
		free(df);
		return -1;
	}
	for (uint32_t w = 0; w < c->nterms; w++) {
		double idf;

		if (smooth)
			idf = log((1 + n) / (1 + df[w])) + 1;
		else
			idf = df[w] ? log(n / df[w]) : 0;
		weight[w] *= idf;
	}
	free(df);
	return 0;
}

/* ---- Fightin' Words ---------------------------------------------------- */

static int
check_counts(const double *x, uint32_t n, const char *what,
    struct voc_error *err)
{
	for (uint32_t w = 0; w < n; w++)
		if (!(x[w] >= 0 && isfinite(x[w])))
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "log-odds: %s of term %lu is %g, not a count",
			    what, (unsigned long)w, x[w]);
	return 0;
}

int
voc_topics_fightin(const double *y1, const double *y2, const double *alpha,
    uint32_t nterms, double *delta, double *var, double *z,
    struct voc_error *err)
{
	double n1 = 0, n2 = 0, a0 = 0;

	if (check_counts(y1, nterms, "count 1", err) < 0 ||
	    check_counts(y2, nterms, "count 2", err) < 0 ||
	    check_counts(alpha, nterms, "prior", err) < 0)
		return -1;
	for (uint32_t w = 0; w < nterms; w++) {
		n1 += y1[w];
		n2 += y2[w];
		a0 += alpha[w];
	}
	for (uint32_t w = 0; w < nterms; w++) {
		double a = y1[w] + alpha[w], b = y2[w] + alpha[w];
		double dl = NAN, v = NAN;

		if (a > 0 && b > 0) {
			dl = log(a / (n1 + a0 - a)) - log(b / (n2 + a0 - b));
			v = 1 / a + 1 / b;
		}
		if (delta != NULL)
			delta[w] = dl;
		if (var != NULL)
			var[w] = v;
		if (z != NULL)
			z[w] = dl / sqrt(v);
	}
	return 0;
}

int
voc_topics_fightin_prior(const double *y1, const double *y2, uint32_t nterms,
    double a0, double *alpha, struct voc_error *err)
{
	double n = 0;

	if (!(a0 > 0 && isfinite(a0)))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "log-odds: the prior size must be a positive number");
	if (check_counts(y1, nterms, "count 1", err) < 0 ||
	    check_counts(y2, nterms, "count 2", err) < 0)
		return -1;
	for (uint32_t w = 0; w < nterms; w++)
		n += y1[w] + y2[w];
	if (n == 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "log-odds: both corpora are empty");
	for (uint32_t w = 0; w < nterms; w++)
		alpha[w] = a0 * (y1[w] + y2[w]) / n;
	return 0;
}
