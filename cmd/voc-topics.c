/*
 * voc-topics: what customers talk about, and what drives bad scores.
 * Top terms and phrases of comment columns, topics by a seeded collapsed
 * Gibbs sampler (LDA or GSDMM), the terms that separate score segments
 * or groups (Monroe et al.'s log-odds with a Dirichlet prior), and
 * lexicon sentiment, in English or Japanese.
 *
 * The per-key state is one comment: its key is the --id value, else the
 * 64-bit hash of the normalised text (then the text itself, the group
 * and the score, so that only truly identical answers share a key, and
 * sharing one just counts a duplicate).  The state keeps the comment's
 * terms as strings, stop words included, so shards tokenised apart merge
 * and stop words are chosen when the table is made.  Everything that
 * depends on more than one comment (the vocabulary, phrases, the models)
 * is done in the finish step over the merged table in key order, which
 * does not depend on how the input was cut: shards, threads and one
 * pass give the same topics.
 */
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voc/cli.h"
#include "voc/columns.h"
#include "voc/distinct.h"
#include "voc/key.h"
#include "voc/prog.h"
#include "voc/sentiment.h"
#include "voc/stats.h"
#include "voc/text.h"
#include "voc/tokenize.h"
#include "voc/topics.h"
#include "voc/writer.h"

#define PROG "voc-topics"
#define MAX_TEXT_COLS 16
#define TEXT_KEEP 300		/* bytes of the original text kept */
#define TOPIC_TERMS 10		/* terms shown and scored per topic */
#define EXAMPLES 3		/* representative comments per topic */
#define PHRASE_MIN 5
#define PHRASE_NPMI 0.5
#define GSDMM_BELOW 15.0	/* mean tokens under which GSDMM is the default */

enum {
	OPT_ASSIGN = VOC_OPT_PROG,
	OPT_ALPHA,
	OPT_BETA,
	OPT_COHERENCE_OF,
	OPT_COMPARE,
	OPT_ID,
	OPT_ITERATIONS,
	OPT_MECAB,
	OPT_METHOD,
	OPT_NO_PHRASES,
	OPT_NO_STOPWORDS,
	OPT_PRIOR,
	OPT_PRIOR_SIZE,
	OPT_SEED,
	OPT_SENTIMENT,
	OPT_SPLIT,
	OPT_STOPWORDS,
	OPT_TERMS,
	OPT_TOP,
	OPT_TOPICS
};

struct opts {
	struct voc_common c;	/* with -c */
	const char *score_col, *id_col, *split_arg, *stopwords_file;
	const char *coherence_of;
	int has_split;
	double lo, hi;		/* low <= lo, high >= hi */
	int terms, compare, sentiment, assign, no_stopwords, no_phrases;
	long long topics, top, iterations, seed;
	double alpha, beta, prior, prior_size;
	int has_prior;
	enum voc_mecab_mode mecab;
	/* Settled by check and prepare. */
	int method;		/* -1: by the comments' length */
	int use_mecab;
	struct voc_tokenizer *stop;	/* stop words, for the finish step */
	struct voc_sentiment *senti;
	size_t ntext, text[MAX_TEXT_COLS], score, id;
	const char *score_name;
};

/*
 * One comment (or n identical ones).  Terms are saved as one string:
 * terms split by spaces, and a "|" token where the next term does not
 * directly follow the one before (a dropped word, another column); the
 * tokenizer never makes a term "|" or one with a space.
 */
struct doc {
	long long n;		/* rows with this key (1 under --id) */
	double score;		/* NaN: none */
	double senti;		/* lexicon sentiment: sum of valences */
	long long hits;		/* evaluative terms found */
	char *group;		/* the group key, hex */
	char *text;		/* the original text, cut at TEXT_KEEP */
	char *terms;
	long long *lines;	/* input lines, sorted (without --id) */
	size_t nlines, caplines;
};

/* ---- tokenizers, one a thread ---- */

/*
 * The row step may run in two threads at once, and a tokenizer is not
 * shared: each thread makes its own on first use.  They are freed at the
 * end from this list.
 */
static _Thread_local struct voc_tokenizer *thread_tok;
static pthread_mutex_t tok_lock = PTHREAD_MUTEX_INITIALIZER;
static struct voc_tokenizer *toks[256];
static size_t ntoks;

static struct voc_tokenizer *
tokenizer(const struct opts *o, struct voc_error *err)
{
	struct voc_tokenizer_opts to;
	struct voc_tokenizer *tk;

	if (thread_tok != NULL)
		return thread_tok;
	memset(&to, 0, sizeof(to));
	to.mecab = o->use_mecab ? VOC_MECAB_REQUIRE : VOC_MECAB_OFF;
	to.keep_stopwords = 1;
	if ((tk = voc_tokenizer_new(&to, err)) == NULL)
		return NULL;
	pthread_mutex_lock(&tok_lock);
	if (ntoks == sizeof(toks) / sizeof(toks[0])) {
		pthread_mutex_unlock(&tok_lock);
		voc_tokenizer_free(tk);
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "too many threads");
		return NULL;
	}
	toks[ntoks++] = tk;
	pthread_mutex_unlock(&tok_lock);
	return thread_tok = tk;
}

/* ---- options ---- */

static const char synopsis[] =
    "-c COL[,COL] [--terms | --topics K [--method lda|gsdmm] | "
    "--compare | --sentiment]\n"
    "                [-s COL [--split LO,HI]] [-g COLS] [--id COL] "
    "[--assign] [OPTIONS] [FILE ...]";

static const char help_text[] =
    "Themes of free-text comments, tied to scores and groups.\n\n"
    "  --terms                  top terms and phrases (the default)\n"
    "  --topics K               K topics by collapsed Gibbs sampling\n"
    "  --method lda|gsdmm       the topic model (default: GSDMM when "
    "comments\n"
    "                           average under 15 terms, else LDA)\n"
    "  --compare                terms that separate detractors from "
    "promoters\n"
    "                           (-s), or each -g group from the rest\n"
    "  --sentiment              lexicon sentiment per group, topic or "
    "comment\n"
    "  --assign                 one row per comment: topic, probability,\n"
    "                           sentiment\n"
    "  --coherence-of 'W W;W W' coherence of given topics\n"
    "  -s, --score COL          the score column (0-10: NPS segments)\n"
    "  --split LO,HI            other scales: low <= LO, high >= HI\n"
    "  --id COL                 the comment id (else a hash of the text)\n"
    "  --top N                  terms per group (default 20)\n"
    "  --seed N, --iterations N, --alpha A, --beta B   the sampler\n"
    "  --prior A                a flat prior of A per term for --compare\n"
    "  --prior-size A0          the informative prior's total (default "
    "500)\n"
    "  --stopwords FILE         more stop words; --no-stopwords: none\n"
    "  --no-phrases             no bigram phrases\n"
    "  --mecab auto|on|off      Japanese by MeCab (default auto)\n";

static int
option(void *ctx, int ch, const char *arg, struct voc_error *err)
{
	struct opts *o = ctx;
	long long v;

	switch (ch) {
	case 's':
		o->score_col = arg;
		return 0;
	case OPT_ALPHA:
		return voc_cli_real(arg, 0, 1e6, "--alpha", &o->alpha, err);
	case OPT_ASSIGN:
		o->assign = 1;
		return 0;
	case OPT_BETA:
		return voc_cli_real(arg, 0, 1e6, "--beta", &o->beta, err);
	case OPT_COHERENCE_OF:
		o->coherence_of = arg;
		return 0;
	case OPT_COMPARE:
		o->compare = 1;
		return 0;
	case OPT_ID:
		o->id_col = arg;
		return 0;
	case OPT_ITERATIONS:
		return voc_cli_integer(arg, 0, 1000000, "--iterations",
		    &o->iterations, err);
	case OPT_MECAB:
		if (strcmp(arg, "auto") == 0)
			o->mecab = VOC_MECAB_AUTO;
		else if (strcmp(arg, "on") == 0)
			o->mecab = VOC_MECAB_REQUIRE;
		else if (strcmp(arg, "off") == 0)
			o->mecab = VOC_MECAB_OFF;
		else
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--mecab must be auto, on or off, not \"%s\"",
			    arg);
		return 0;
	case OPT_METHOD:
		if (strcmp(arg, "lda") == 0)
			o->method = VOC_TOPICS_LDA;
		else if (strcmp(arg, "gsdmm") == 0)
			o->method = VOC_TOPICS_GSDMM;
		else
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--method must be lda or gsdmm, not \"%s\"", arg);
		return 0;
	case OPT_NO_PHRASES:
		o->no_phrases = 1;
		return 0;
	case OPT_NO_STOPWORDS:
		o->no_stopwords = 1;
		return 0;
	case OPT_PRIOR:
		o->has_prior = 1;
		return voc_cli_real(arg, 0, 1e9, "--prior", &o->prior, err);
	case OPT_PRIOR_SIZE:
		return voc_cli_real(arg, 0, 1e12, "--prior-size",
		    &o->prior_size, err);
	case OPT_SEED:
		if (voc_cli_integer(arg, 0, INT64_MAX, "--seed", &v, err) < 0)
			return -1;
		o->seed = v;
		return 0;
	case OPT_SENTIMENT:
		o->sentiment = 1;
		return 0;
	case OPT_SPLIT: {
		char *end;

		o->split_arg = arg;
		o->lo = strtod(arg, &end);
		if (end == arg || *end != ',' ||
		    (o->hi = strtod(end + 1, &end), *end != '\0') ||
		    !isfinite(o->lo) || !isfinite(o->hi) || o->lo >= o->hi)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--split must be LO,HI with LO < HI, such as 2,4, "
			    "not \"%s\"", arg);
		o->has_split = 1;
		return 0;
	}
	case OPT_STOPWORDS:
		o->stopwords_file = arg;
		return 0;
	case OPT_TERMS:
		o->terms = 1;
		return 0;
	case OPT_TOP:
		return voc_cli_integer(arg, 1, 1000000, "--top", &o->top, err);
	case OPT_TOPICS:
		return voc_cli_integer(arg, 1, 1000, "--topics", &o->topics,
		    err);
	}
	return 0;
}

static int
check(void *ctx, struct voc_common *c, struct voc_error *err)
{
	struct opts *o = ctx;
	struct voc_tokenizer_opts to;
	struct voc_tokenizer *probe;
	int modes = o->terms + (o->topics > 0) + (o->coherence_of != NULL);

	if (c->text_col == NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "the comment column is required: add -c COL");
	if (modes > 1)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--terms, --topics and --coherence-of are different "
		    "tables: give one");
	if (o->compare && (o->topics > 0 || o->coherence_of || o->terms))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--compare is a table of its own: drop --terms, --topics "
		    "or --coherence-of");
	if (o->compare && o->score_col == NULL && c->group_by == NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--compare needs groups to compare: add -s COL or -g COL");
	if (o->assign && o->topics == 0 && !o->sentiment)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--assign writes each comment's topic or sentiment: add "
		    "--topics K or --sentiment");
	if (o->assign && (o->compare || o->terms || o->coherence_of))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--assign writes one row per comment: drop --terms, "
		    "--compare and --coherence-of");
	if (o->has_split && o->score_col == NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--split cuts the scores of -s COL: add it");
	if (o->method != -1 && o->topics == 0)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--method chooses the model of --topics K: add it");
	if (o->has_prior && o->prior <= 0)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--prior must be above 0");
	if (c->weight_col != NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "-w: survey weights are not used by %s", PROG);

	/* Whether MeCab loads here shapes the terms, so it goes into the
	 * state's fingerprint. */
	memset(&to, 0, sizeof(to));
	to.mecab = o->mecab;
	to.keep_stopwords = 1;
	if ((probe = voc_tokenizer_new(&to, err)) == NULL) {
		err->kind = VOC_ERR_USAGE;
		return -1;
	}
	o->use_mecab = voc_tokenizer_has_mecab(probe);
	pthread_mutex_lock(&tok_lock);
	toks[ntoks++] = probe;
	pthread_mutex_unlock(&tok_lock);
	thread_tok = probe;

	memset(&to, 0, sizeof(to));
	to.mecab = VOC_MECAB_OFF;
	if ((o->stop = voc_tokenizer_new(&to, err)) == NULL)
		return -1;
	if (!o->no_stopwords && voc_tokenizer_stopwords_default(o->stop,
	    err) < 0)
		return -1;
	if (o->stopwords_file != NULL && voc_tokenizer_stopwords_file(o->stop,
	    o->stopwords_file, err) < 0) {
		err->kind = VOC_ERR_USAGE;
		return -1;
	}
	if ((o->senti = voc_sentiment_new(err)) == NULL ||
	    voc_sentiment_load_default(o->senti, err) < 0)
		return -1;
	return 0;
}

/* The options that shape the state: states made with others differ. */
static size_t
state_opts(const void *ctx, struct voc_prog_opt *p)
{
	const struct opts *o = ctx;

	p[0].name = "--id";
	snprintf(p[0].value, sizeof(p[0].value), "%s",
	    o->id_col ? o->id_col : "");
	p[1].name = "-s";
	snprintf(p[1].value, sizeof(p[1].value), "%s",
	    o->score_col ? o->score_col : "");
	p[2].name = "--split";
	snprintf(p[2].value, sizeof(p[2].value), "%s",
	    o->split_arg ? o->split_arg : "");
	p[3].name = "--mecab";
	snprintf(p[3].value, sizeof(p[3].value), "%s",
	    o->use_mecab ? "on" : "off");
	return 4;
}

static int
prepare(void *ctx, const struct voc_input *in, struct voc_error *err)
{
	struct opts *o = ctx;
	char **item;
	size_t nitem;

	/* Split as -g is: a quoted name may hold a comma. */
	if (voc_columns_split(o->c.text_col, "-c", &item, &nitem, err) < 0)
		return -1;
	if (nitem > MAX_TEXT_COLS) {
		free(item);
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "-c: at most %d columns", MAX_TEXT_COLS);
	}
	o->ntext = 0;
	for (size_t i = 0; i < nitem; i++)
		if (voc_input_column(in, item[i], &o->text[o->ntext++], err) <
		    0) {
			free(item);
			return -1;
		}
	free(item);
	if (o->score_col != NULL) {
		if (voc_input_column(in, o->score_col, &o->score, err) < 0)
			return -1;
		o->score_name = voc_input_colname(in, o->score);
	}
	if (o->id_col != NULL && voc_input_column(in, o->id_col, &o->id,
	    err) < 0)
		return -1;
	return 0;
}

/* ---- the per-key state ---- */

static void
doc_fini(void *st, const void *cfg)
{
	struct doc *d = st;

	(void)cfg;
	free(d->group);
	free(d->text);
	free(d->terms);
	free(d->lines);
	memset(d, 0, sizeof(*d));
}

/* Orders two versions of a comment, to keep one alike in any order. */
static int
doc_cmp(const struct doc *a, const struct doc *b)
{
	int c;

	if ((c = strcmp(a->text, b->text)) != 0 ||
	    (c = strcmp(a->terms, b->terms)) != 0 ||
	    (c = strcmp(a->group, b->group)) != 0)
		return c;
	if (isnan(a->score) != isnan(b->score))
		return isnan(a->score) ? -1 : 1;
	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	return 0;
}

/*
 * Adds the sorted lines l[0..n) to d's sorted lines.  One pass brings
 * them in order, so the common case appends; the array grows by
 * doubling, so a comment written 10^5 times costs no more than linear.
 */
static int
add_lines(struct doc *d, const long long *l, size_t n)
{
	size_t i, j, k;

	if (n == 0)
		return 0;
	if (d->nlines + n > d->caplines) {
		size_t cap = d->caplines ? d->caplines : 1;
		long long *p;

		while (cap < d->nlines + n)
			cap *= 2;
		if ((p = realloc(d->lines, cap * sizeof(*p))) == NULL)
			return -1;
		d->lines = p;
		d->caplines = cap;
	}
	/* Merged from the back, in place. */
	i = d->nlines;
	j = n;
	k = d->nlines + n;
	while (j > 0) {
		if (i > 0 && d->lines[i - 1] > l[j - 1])
			d->lines[--k] = d->lines[--i];
		else
			d->lines[--k] = l[--j];
	}
	d->nlines += n;
	return 0;
}

/*
 * Merges src into dst.  Without --id a key is the comment itself, so
 * the two are the same text, group and score: the rows add up.  Under
 * --id the same id is the same comment seen twice: one version is kept,
 * the least, so that any order keeps the same one.
 */
static int
doc_merge(void *dst, const void *src, const void *cfg)
{
	const struct opts *o = cfg;
	struct doc *a = dst;
	const struct doc *b = src;

	if (b->n == 0)
		return 0;
	if (a->n == 0 || (o->id_col != NULL && doc_cmp(b, a) < 0)) {
		char *g = strdup(b->group), *t = strdup(b->text);
		char *m = strdup(b->terms);

		if (g == NULL || t == NULL || m == NULL) {
			free(g);
			free(t);
			free(m);
			return -1;
		}
		free(a->group);
		free(a->text);
		free(a->terms);
		a->group = g;
		a->text = t;
		a->terms = m;
		a->score = b->score;
		a->senti = b->senti;
		a->hits = b->hits;
		if (o->id_col != NULL)
			a->n = 1;
	}
	if (o->id_col != NULL)
		return 0;
	if (a->n != 0 && a != b && strcmp(b->text, a->text) < 0) {
		char *t = strdup(b->text);

		if (t == NULL)
			return -1;
		free(a->text);
		a->text = t;
	}
	a->n += b->n;
	return add_lines(a, b->lines, b->nlines);
}

/* A part read in a thread of its own counts lines from its start: its
 * comments' lines become lines of the whole input. */
static void
doc_rebase(void *st, long lines, const void *cfg)
{
	struct doc *d = st;

	(void)cfg;
	for (size_t i = 0; i < d->nlines; i++)
		d->lines[i] += lines;
}

static int
doc_save(const void *st, struct voc_enc *e, const void *cfg)
{
	const struct doc *d = st;
	int rc;

	(void)cfg;
	rc = voc_enc_int(e, d->n) | voc_enc_num(e, d->score) |
	    voc_enc_num(e, d->senti) | voc_enc_int(e, d->hits) |
	    voc_enc_str(e, d->group, strlen(d->group)) |
	    voc_enc_str(e, d->text, strlen(d->text)) |
	    voc_enc_str(e, d->terms, strlen(d->terms)) |
	    voc_enc_int(e, (long long)d->nlines);
	for (size_t i = 0; i < d->nlines; i++)
		rc |= voc_enc_int(e, d->lines[i]);
	return rc ? -1 : 0;
}

static char *
dup_n(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static int
doc_load(void *st, struct voc_dec *dec, const void *cfg,
    struct voc_error *err)
{
	struct doc *d = st;
	const char *s;
	size_t len;
	long long nl;

	(void)cfg;
	if (voc_dec_int(dec, &d->n, err) < 0 ||
	    voc_dec_num(dec, &d->score, err) < 0 ||
	    voc_dec_num(dec, &d->senti, err) < 0 ||
	    voc_dec_int(dec, &d->hits, err) < 0)
		return -1;
	if (voc_dec_str(dec, &s, &len, err) < 0 ||
	    (d->group = dup_n(s, len)) == NULL ||
	    voc_dec_str(dec, &s, &len, err) < 0 ||
	    (d->text = dup_n(s, len)) == NULL ||
	    voc_dec_str(dec, &s, &len, err) < 0 ||
	    (d->terms = dup_n(s, len)) == NULL ||
	    voc_dec_int(dec, &nl, err) < 0)
		return err->kind != VOC_ERR_NONE ? -1 : voc_error_set(err,
		    VOC_ERR_DATA, NULL, 0, "out of memory");
	if (d->n < 1 || nl < 0 || (size_t)nl != voc_dec_left(dec))
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "a comment's state is not what --state-out writes");
	if (nl > 0 && (d->lines = malloc((size_t)nl * sizeof(long long))) ==
	    NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	for (long long i = 0; i < nl; i++)
		if (voc_dec_int(dec, &d->lines[i], err) < 0)
			return -1;
	d->nlines = d->caplines = (size_t)nl;
	if (isnan(d->senti))
		d->senti = 0;
	return 0;
}

static void
doc_init(void *st, const void *cfg)
{
	struct doc *d = st;

	(void)cfg;
	d->score = NAN;
}

static size_t
state_size(const void *ctx)
{
	(void)ctx;
	return sizeof(struct doc);
}

static const struct voc_state_ops doc_state = {
	"comment", 1, doc_init, doc_merge, doc_fini, doc_save, doc_load,
	doc_rebase
};

/* ---- the row step ---- */

/* A growing string. */
struct buf {
	char *s;
	size_t len, cap;
};

static int
buf_add(struct buf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + len + 1)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL)
			return -1;
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
	return 0;
}

static int
buf_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/* Cuts s[0..len) to at most max bytes at a character boundary. */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/*
 * Reads a score: blank is none (NaN, returns 0); 0-10 (NPS) without
 * --split; any number with it.  Returns -1 for anything else.
 */
static int
read_score(const struct opts *o, const char *s, size_t len, double *v)
{
	int p;

	voc_text_trim(&s, &len);
	*v = NAN;
	if (len == 0)
		return 0;
	if (o->has_split)
		return voc_key_number(s, len, v) ? 0 : -1;
	if (voc_text_scale_number(s, len, &p) != 0 || p < 0 || p > 10)
		return -1;
	*v = p;
	return 0;
}

static int
oom(struct voc_error *err)
{
	return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
}

static int
row_step(const void *ctx, struct voc_run *run, const struct voc_record *rec,
    struct voc_error *err)
{
	const struct opts *o = ctx;
	const struct voc_row *row = rec->row;
	struct voc_tokenizer *tk;
	struct buf text = {0}, norm = {0}, terms = {0}, group = {0};
	struct voc_key key = {0};
	struct doc d, *st;
	long long line = row->line;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	d.score = NAN;
	if (o->score_col != NULL && read_score(o, row->field[o->score],
	    row->len[o->score], &d.score) < 0)
		return voc_run_skip(run, row, err, "column \"%s\": \"%s\" is "
		    "not a score %s", o->score_name, row->field[o->score],
		    o->has_split ? "(a number)" : "0-10 (give --split LO,HI "
		    "for other scales)");
	if ((tk = tokenizer(o, err)) == NULL)
		return -1;
	for (size_t i = 0; i < o->ntext; i++) {
		const char *s = row->field[o->text[i]];
		size_t len = row->len[o->text[i]];
		struct voc_terms t;
		struct voc_sentiment_result sr;
		char *n;
		size_t nlen;

		voc_text_trim(&s, &len);
		if (len == 0)
			continue;
		if (text.len > 0 && buf_str(&text, " / ") < 0)
			goto fail_oom;
		if (buf_add(&text, s, len) < 0)
			goto fail_oom;
		/* The normalised text is the key, when there is no id. */
		if (o->id_col != NULL)
			n = NULL, nlen = 0;
		else if (voc_tokenize_normalize(s, len, &n, &nlen, err) < 0)
			goto fail;
		rc = n == NULL ? 0 : (norm.len > 0 ? buf_str(&norm, "\n") :
		    0) | buf_add(&norm, n, nlen);
		free(n);
		if (rc < 0)
			goto fail_oom;
		rc = -1;
		if (voc_tokenizer_run(tk, s, len, &t, err) < 0 ||
		    voc_sentiment_score(o->senti, s, len, &sr, err) < 0)
			goto fail;
		d.senti += sr.score;
		d.hits += (long long)sr.hits;
		for (size_t j = 0; j < t.n; j++) {
			if (terms.len > 0 && buf_str(&terms, (j > 0 &&
			    t.adjacent[j]) ? " " : " | ") < 0)
				goto fail_oom;
			if (buf_add(&terms, t.term[j], t.len[j]) < 0)
				goto fail_oom;
		}
	}
	if (text.len == 0) {
		voc_run_nonresponse(run);
		return 0;
	}
	for (size_t i = 0; i < rec->keylen; i++) {
		char hx[3];

		snprintf(hx, sizeof(hx), "%02x", (unsigned char)rec->key[i]);
		if (buf_add(&group, hx, 2) < 0)
			goto fail_oom;
	}
	if ((group.s == NULL && buf_str(&group, "") < 0) ||
	    (terms.s == NULL && buf_str(&terms, "") < 0))
		goto fail_oom;
	if (o->id_col != NULL) {
		const char *s = row->field[o->id];
		size_t len = row->len[o->id];

		voc_text_trim(&s, &len);
		if (len == 0) {
			rc = voc_run_skip(run, row, err, "column \"%s\": the "
			    "comment id is blank", o->id_col);
			goto out;
		}
		if (voc_key_text(&key, s, len) < 0)
			goto fail_oom;
	} else {
		char sc[40] = "";

		if (!isnan(d.score))
			snprintf(sc, sizeof(sc), "%.17g", d.score);
		if (voc_key_int(&key, (int64_t)(voc_distinct_hash(norm.s,
		    norm.len) >> 1)) < 0 ||
		    voc_key_text(&key, norm.s, norm.len) < 0 ||
		    voc_key_bytes(&key, rec->key, rec->keylen) < 0 ||
		    voc_key_text(&key, sc, strlen(sc)) < 0)
			goto fail_oom;
		d.lines = &line;
		d.nlines = 1;
	}
	d.n = 1;
	d.group = group.s;
	d.terms = terms.s;
	/* One line a comment in the examples column. */
	for (size_t i = 0; i < text.len; i++)
		if (text.s[i] == '\n' || text.s[i] == '\r' ||
		    text.s[i] == '\t')
			text.s[i] = ' ';
	text.len = utf8_cut(text.s, text.len, TEXT_KEEP);
	text.s[text.len] = '\0';
	d.text = text.s;
	if ((st = voc_run_state(run, key.buf, key.len)) == NULL ||
	    doc_merge(st, &d, o) < 0)
		goto fail_oom;
	rc = 0;
	goto out;
fail_oom:
	oom(err);
fail:
	rc = -1;
out:
	free(text.s);
	free(norm.s);
	free(terms.s);
	free(group.s);
	voc_key_free(&key);
	return rc;
}

/* ---- the finish step: the corpus ---- */

/*
 * The merged comments as a corpus: one document a row (a key's n
 * duplicates are n documents), in key order, terms interned in that
 * order, stop words dropped and phrases joined.
 */
struct corpus {
	struct voc_vocab *vocab;
	uint32_t *ids;
	size_t *start;
	size_t ndocs, nids, cap;
	size_t *uniq;		/* document -> table entry */
	size_t *dup;		/* document -> which duplicate (0..n-1) */
	size_t *grp;		/* document -> group index */
	double *score;
	int *seg;		/* 0 low, 1 middle, 2 high, -1 none */
	double *senti;		/* compound sentiment */
	struct voc_topics_corpus c;
	/* Groups: distinct group keys (hex) in key order, and the
	 * documents of group g, gdocs[gstart[g] .. gstart[g + 1]); of score
	 * segment s (3: no score), sdocs[sstart[s] .. sstart[s + 1]). */
	char **gkey;
	size_t ngroups;
	size_t *gdocs, *gstart, *sdocs, sstart[5];
};

static void
corpus_free(struct corpus *k)
{
	voc_vocab_free(k->vocab);
	free(k->ids);
	free(k->start);
	free(k->uniq);
	free(k->dup);
	free(k->grp);
	free(k->score);
	free(k->seg);
	free(k->senti);
	free(k->gdocs);
	free(k->gstart);
	free(k->sdocs);
	for (size_t i = 0; i < k->ngroups; i++)
		free(k->gkey[i]);
	free(k->gkey);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
hexval(int c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* The group key's bytes from its hex form into out (len/2 bytes). */
static void
unhex(const char *h, char *out)
{
	for (size_t i = 0; h[2 * i] != '\0'; i++)
		out[i] = (char)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
}

/* Groups are ordered as their keys are. */
static int
cmp_gkey(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t lx = strlen(x) / 2, ly = strlen(y) / 2;
	char bx[4096], by[4096];

	if (lx > sizeof(bx) || ly > sizeof(by))
		return strcmp(x, y);
	unhex(x, bx);
	unhex(y, by);
	return voc_key_cmp(bx, lx, by, ly);
}

static int
segment(const struct opts *o, double s)
{
	if (isnan(s))
		return -1;
	if (o->has_split)
		return s <= o->lo ? 0 : s >= o->hi ? 2 : 1;
	return s <= 6 ? 0 : s >= 9 ? 2 : 1;
}

/* Reads a saved terms string into ids/adjacency, stop words dropped. */
static int
doc_terms(const struct opts *o, struct corpus *k, const char *terms,
    uint32_t **ids, unsigned char **adj, size_t *n, size_t *cap,
    struct voc_error *err)
{
	const char *s = terms;
	int link = 0;

	*n = 0;
	while (*s != '\0') {
		const char *sp = strchr(s, ' ');
		size_t len = sp ? (size_t)(sp - s) : strlen(s);
		long id;

		if (len == 1 && *s == '|') {
			link = 0;
		} else if (len > 0 && voc_tokenizer_is_stopword(o->stop, s,
		    len)) {
			link = 0;
		} else if (len > 0) {
			if ((id = voc_vocab_intern(k->vocab, s, len, err)) < 0)
				return -1;
			if (*n == *cap) {
				size_t c = *cap ? *cap * 2 : 64;
				uint32_t *p = realloc(*ids, c * sizeof(*p));
				unsigned char *q;

				if (p == NULL)
					return oom(err);
				*ids = p;
				if ((q = realloc(*adj, c)) == NULL)
					return oom(err);
				*adj = q;
				*cap = c;
			}
			(*ids)[*n] = (uint32_t)id;
			(*adj)[*n] = (unsigned char)(*n > 0 && link);
			(*n)++;
			link = 1;
		}
		s += len + (sp != NULL);
	}
	return 0;
}

static int
add_ids(struct corpus *k, const uint32_t *ids, size_t n)
{
	if (k->nids + n > k->cap) {
		size_t c = k->cap ? k->cap : 1024;
		uint32_t *p;

		while (c < k->nids + n)
			c *= 2;
		if ((p = realloc(k->ids, c * sizeof(*p))) == NULL)
			return -1;
		k->ids = p;
		k->cap = c;
	}
	memcpy(k->ids + k->nids, ids, n * sizeof(*ids));
	k->nids += n;
	return 0;
}

/*
 * Keeps in the vocabulary only the terms the documents hold: words that
 * only ever occur inside a phrase would otherwise be topic terms of
 * probability beta alone, and widen every smoothing.  Ids are given
 * again in order of first occurrence, as before.
 */
static int
compact(struct corpus *k, struct voc_error *err)
{
	size_t V = voc_vocab_size(k->vocab);
	uint32_t *map = malloc((V + 1) * sizeof(*map));
	struct voc_vocab *nv = voc_vocab_new(err);

	if (map == NULL || nv == NULL) {
		free(map);
		voc_vocab_free(nv);
		return nv == NULL ? -1 : oom(err);
	}
	for (size_t i = 0; i < V; i++)
		map[i] = UINT32_MAX;
	for (size_t i = 0; i < k->nids; i++) {
		uint32_t w = k->ids[i];

		if (map[w] == UINT32_MAX) {
			size_t len;
			const char *str = voc_vocab_str(k->vocab, w, &len);
			long id = voc_vocab_intern(nv, str, len, err);

			if (id < 0) {
				free(map);
				voc_vocab_free(nv);
				return -1;
			}
			map[w] = (uint32_t)id;
		}
		k->ids[i] = map[w];
	}
	free(map);
	voc_vocab_free(k->vocab);
	k->vocab = nv;
	return 0;
}

static int
build_corpus(const struct opts *o, struct voc_table *t, int phrases,
    struct corpus *k, struct voc_error *err)
{
	size_t nent = voc_table_count(t), ndocs = 0, cap = 0, n;
	uint32_t *ids = NULL;
	unsigned char *adj = NULL;
	struct voc_phrases *ph = NULL;
	const struct voc_phrase *found = NULL;
	size_t nfound = 0;
	int rc = -1;

	memset(k, 0, sizeof(*k));
	for (size_t i = 0; i < nent; i++) {
		struct voc_entry e;

		voc_table_at(t, i, &e);
		ndocs += (size_t)((struct doc *)e.st)->n;
	}
	if ((k->vocab = voc_vocab_new(err)) == NULL)
		return -1;
	if ((k->start = calloc(ndocs + 1, sizeof(size_t))) == NULL ||
	    (k->uniq = calloc(ndocs + 1, sizeof(size_t))) == NULL ||
	    (k->dup = calloc(ndocs + 1, sizeof(size_t))) == NULL ||
	    (k->grp = calloc(ndocs + 1, sizeof(size_t))) == NULL ||
	    (k->score = calloc(ndocs + 1, sizeof(double))) == NULL ||
	    (k->seg = calloc(ndocs + 1, sizeof(int))) == NULL ||
	    (k->senti = calloc(ndocs + 1, sizeof(double))) == NULL ||
	    (k->gkey = calloc(nent + 1, sizeof(char *))) == NULL)
		return oom(err);

	/* Groups: the distinct keys, in the keys' order. */
	for (size_t i = 0; i < nent; i++) {
		struct voc_entry e;

		voc_table_at(t, i, &e);
		k->gkey[k->ngroups++] = ((struct doc *)e.st)->group;
	}
	qsort(k->gkey, k->ngroups, sizeof(char *), cmp_str);
	n = 0;
	for (size_t i = 0; i < k->ngroups; i++)
		if (n == 0 || strcmp(k->gkey[n - 1], k->gkey[i]) != 0)
			k->gkey[n++] = k->gkey[i];
	k->ngroups = n;
	for (size_t i = 0; i < n; i++)
		if ((k->gkey[i] = strdup(k->gkey[i])) == NULL) {
			k->ngroups = i;
			return oom(err);
		}
	qsort(k->gkey, k->ngroups, sizeof(char *), cmp_gkey);

	/* Phrases are found over the comments as the table holds them. */
	if (phrases) {
		if ((ph = voc_phrases_new(err)) == NULL)
			goto out;
		for (size_t i = 0; i < nent; i++) {
			struct voc_entry e;
			const struct doc *d;

			voc_table_at(t, i, &e);
			d = e.st;
			if (doc_terms(o, k, d->terms, &ids, &adj, &n, &cap,
			    err) < 0)
				goto out;
			for (long long r = 0; r < d->n; r++)
				if (voc_phrases_add_doc(ph, ids, adj, n, err) <
				    0)
					goto out;
		}
		if ((found = voc_phrases_find(ph, VOC_PHRASE_NPMI, PHRASE_MIN,
		    PHRASE_NPMI, voc_vocab_size(k->vocab), &nfound, err)) ==
		    NULL)
			goto out;
	}
	for (size_t i = 0; i < nent; i++) {
		struct voc_entry e;
		const struct doc *d;
		size_t g;
		char *gp;

		voc_table_at(t, i, &e);
		d = e.st;
		if (doc_terms(o, k, d->terms, &ids, &adj, &n, &cap, err) < 0)
			goto out;
		if (nfound > 0 && voc_phrases_apply(ph, k->vocab, ids, adj, &n,
		    err) < 0)
			goto out;
		gp = d->group;
		g = (size_t)((char **)bsearch(&gp, k->gkey, k->ngroups,
		    sizeof(char *), cmp_gkey) - k->gkey);
		for (long long r = 0; r < d->n; r++) {
			size_t j = k->ndocs++;

			if (add_ids(k, ids, n) < 0) {
				oom(err);
				goto out;
			}
			k->start[j + 1] = k->nids;
			k->uniq[j] = i;
			k->dup[j] = (size_t)r;
			k->grp[j] = g;
			k->score[j] = d->score;
			k->seg[j] = segment(o, d->score);
			k->senti[j] = d->senti / sqrt(d->senti * d->senti + 15);
		}
	}
	if (compact(k, err) < 0)
		goto out;
	/* Each group's and segment's documents, by a counting sort. */
	if ((k->gdocs = calloc(k->ndocs + 1, sizeof(size_t))) == NULL ||
	    (k->gstart = calloc(k->ngroups + 2, sizeof(size_t))) == NULL ||
	    (k->sdocs = calloc(k->ndocs + 1, sizeof(size_t))) == NULL) {
		oom(err);
		goto out;
	}
	for (size_t d = 0; d < k->ndocs; d++) {
		k->gstart[k->grp[d] + 2]++;
		k->sstart[(k->seg[d] >= 0 ? k->seg[d] : 3) + 1]++;
	}
	for (size_t g = 2; g < k->ngroups + 2; g++)
		k->gstart[g] += k->gstart[g - 1];
	for (int g = 1; g < 5; g++)
		k->sstart[g] += k->sstart[g - 1];
	{
		size_t sfill[4];

		memcpy(sfill, k->sstart, sizeof(sfill));
		for (size_t d = 0; d < k->ndocs; d++) {
			k->gdocs[k->gstart[k->grp[d] + 1]++] = d;
			k->sdocs[sfill[k->seg[d] >= 0 ? k->seg[d] : 3]++] = d;
		}
	}
	k->c.ids = k->ids;
	k->c.start = k->start;
	k->c.ndocs = k->ndocs;
	k->c.nterms = (uint32_t)voc_vocab_size(k->vocab);
	rc = 0;
out:
	free(ids);
	free(adj);
	voc_phrases_free(ph);
	return rc;
}

/* ---- writing ---- */

/* A writer whose columns are first[0..nfirst) (group names or none)
 * then names[0..n). */
static struct voc_writer *
writer(const struct opts *o, struct voc_run *run, int groups,
    const char *const *names, size_t n)
{
	const char *all[64];
	size_t m = 0;

	if (groups)
		for (size_t i = 0; i < voc_run_nkeys(run) && m < 32; i++)
			all[m++] = voc_run_key_name(run, i);
	for (size_t i = 0; i < n && m < 64; i++)
		all[m++] = names[i];
	return voc_writer_open_shaped(stdout, o->c.out, o->c.precision,
	    &o->c.shape, all, m);
}

static void
write_group(struct voc_run *run, struct voc_writer *w, const char *hex)
{
	size_t len = strlen(hex) / 2;
	char *b = malloc(len + 1);

	if (b == NULL) {
		for (size_t i = 0; i < voc_run_nkeys(run); i++)
			voc_writer_str(w, "");
		return;
	}
	unhex(hex, b);
	voc_run_key_write(run, w, b, len);
	free(b);
}

static const char *const seg_nps[] = {"detractors", "passives",
    "promoters"};
static const char *const seg_split[] = {"low", "middle", "high"};

static const char *
seg_name(const struct opts *o, int s)
{
	return o->has_split ? seg_split[s] : seg_nps[s];
}

/* Terms ranked: key descending, then key2 (when not NULL) descending,
 * then by bytes. */
struct rank {
	const struct voc_vocab *v;
	const double *key, *key2;
};
static _Thread_local struct rank rank_by;

static int
cmp_rank(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	double kx = rank_by.key[x], ky = rank_by.key[y];

	if (kx != ky)
		return kx > ky ? -1 : 1;
	if (rank_by.key2 != NULL && rank_by.key2[x] != rank_by.key2[y])
		return rank_by.key2[x] > rank_by.key2[y] ? -1 : 1;
	return strcmp(voc_vocab_str(rank_by.v, x, NULL),
	    voc_vocab_str(rank_by.v, y, NULL));
}

/* Sorts the term ids order[0..n) (all 0..n-1 when fill is set). */
static void
rank_terms(const struct voc_vocab *v, const double *key, const double *key2,
    uint32_t *order, uint32_t n, int fill)
{
	for (uint32_t i = 0; fill && i < n; i++)
		order[i] = i;
	rank_by.v = v;
	rank_by.key = key;
	rank_by.key2 = key2;
	qsort(order, n, sizeof(*order), cmp_rank);
}

/*
 * Counts per term over the documents list[0..n) (all when list is NULL):
 * occurrences into cf, documents into df (may be NULL).  Both must be
 * zero where touched says they are not: the terms seen are added to
 * touched[*ntouched..] (when not NULL), so a caller can clear just them.
 */
static void
count_terms(const struct corpus *k, const size_t *list, size_t n,
    double *cf, double *df, uint32_t *seen, uint32_t *touched,
    size_t *ntouched)
{
	for (size_t x = 0; x < (list ? n : k->ndocs); x++) {
		size_t d = list ? list[x] : x;

		for (size_t i = k->start[d]; i < k->start[d + 1]; i++) {
			uint32_t w = k->ids[i];

			if (cf[w] == 0 && touched != NULL)
				touched[(*ntouched)++] = w;
			cf[w] += 1;
			if (df != NULL && seen[w] != (uint32_t)d) {
				df[w] += 1;
				seen[w] = (uint32_t)d;
			}
		}
	}
}

/* The documents of group g, or of all with -1. */
static const size_t *
group_docs(const struct corpus *k, long g, size_t *n)
{
	if (g < 0) {
		*n = k->ndocs;
		return NULL;
	}
	*n = k->gstart[g + 1] - k->gstart[g];
	return k->gdocs + k->gstart[g];
}

static const size_t *
seg_docs(const struct corpus *k, int s, size_t *n)
{
	*n = k->sstart[s + 1] - k->sstart[s];
	return k->sdocs + k->sstart[s];
}

static void
clear_seen(uint32_t *seen, uint32_t V)
{
	for (uint32_t w = 0; w < V; w++)
		seen[w] = UINT32_MAX;
}

/* --terms: the top terms, overall or per group. */
static int
out_terms(const struct opts *o, struct voc_run *run, struct corpus *k,
    struct voc_error *err)
{
	static const char *const names[] = {"term", "docs", "pct_docs",
	    "count", "tfidf"};
	uint32_t V = k->c.nterms;
	double *tfidf = calloc(V + 1, sizeof(double));
	double *cf = calloc(V + 1, sizeof(double));
	double *df = calloc(V + 1, sizeof(double));
	double *key = calloc(V + 1, sizeof(double));
	uint32_t *seen = calloc(V + 1, sizeof(uint32_t));
	uint32_t *order = calloc(V + 1, sizeof(uint32_t));
	int groups = voc_run_nkeys(run) > 0;
	struct voc_writer *w = NULL;
	int rc = -1;

	if (tfidf == NULL || cf == NULL || df == NULL || key == NULL ||
	    seen == NULL || order == NULL ||
	    (w = writer(o, run, groups, names, 5)) == NULL) {
		oom(err);
		goto out;
	}
	if (voc_topics_tfidf(&k->c, 1, tfidf, err) < 0)
		goto out;
	/* tfidf / cf is the term's idf over all comments. */
	clear_seen(seen, V);
	count_terms(k, NULL, 0, cf, NULL, seen, NULL, NULL);
	for (uint32_t t = 0; t < V; t++) {
		tfidf[t] = cf[t] > 0 ? tfidf[t] / cf[t] : 0;
		cf[t] = 0;
	}
	/* Per group, only the terms it holds are ranked and cleared, so
	 * many small groups cost no more than one large one. */
	for (size_t g = 0; g < (groups ? k->ngroups : 1); g++) {
		size_t nd, nt = 0;
		const size_t *list = group_docs(k, groups ? (long)g : -1, &nd);

		count_terms(k, list, nd, cf, df, seen, order, &nt);
		/* Ranked by documents, then weight. */
		for (size_t i = 0; i < nt; i++)
			key[order[i]] = cf[order[i]] * tfidf[order[i]];
		rank_terms(k->vocab, df, key, order, (uint32_t)nt, 0);
		for (size_t i = 0; i < nt && i < (size_t)o->top; i++) {
			uint32_t t = order[i];

			if (groups)
				write_group(run, w, k->gkey[g]);
			voc_writer_str(w, voc_vocab_str(k->vocab, t, NULL));
			voc_writer_int(w, (long long)df[t]);
			voc_writer_num(w, 100 * df[t] / (double)nd);
			voc_writer_int(w, (long long)cf[t]);
			voc_writer_num(w, cf[t] * tfidf[t]);
		}
		for (size_t i = 0; i < nt; i++)
			cf[order[i]] = df[order[i]] = 0;
	}
	rc = voc_writer_close(w, 0, err);
	w = NULL;
out:
	if (w != NULL)
		voc_writer_close(w, 0, NULL);
	free(tfidf);
	free(cf);
	free(df);
	free(key);
	free(seen);
	free(order);
	return rc;
}

/* --compare: the log-odds of each group (or score segment) against the
 * rest (Monroe et al. 2008, eq. 16, z by eq. 18). */
static int
out_compare(const struct opts *o, struct voc_run *run, struct corpus *k,
    struct voc_error *err)
{
	static const char *const names[] = {"segment", "term", "count",
	    "count_other", "log_odds", "z"};
	uint32_t V = k->c.nterms;
	int groups = voc_run_nkeys(run) > 0;
	double *y1 = calloc(V + 1, sizeof(double));
	double *y2 = calloc(V + 1, sizeof(double));
	double *all = calloc(V + 1, sizeof(double));
	double *prior = calloc(V + 1, sizeof(double));
	double *delta = calloc(V + 1, sizeof(double));
	double *z = calloc(V + 1, sizeof(double));
	uint32_t *seen = calloc(V + 1, sizeof(uint32_t));
	uint32_t *order = calloc(V + 1, sizeof(uint32_t));
	struct voc_writer *w = NULL;
	int rc = -1;

	if (y1 == NULL || y2 == NULL || all == NULL || prior == NULL ||
	    delta == NULL || z == NULL || seen == NULL || order == NULL ||
	    (w = writer(o, run, groups, groups ? names + 1 : names,
	    groups ? 5 : 6)) == NULL) {
		oom(err);
		goto out;
	}
	if (groups && k->ngroups < 2) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "--compare needs at "
		    "least two groups of comments; -g gave %zu", k->ngroups);
		goto out;
	}
	count_terms(k, NULL, 0, all, NULL, seen, NULL, NULL);
	/* Groups: each against all the others.  Score segments: the low
	 * against the high, each side's own terms listed under it. */
	for (size_t g = 0; g < (groups ? k->ngroups : 2); g++) {
		const size_t *list;
		size_t nd;

		memset(y1, 0, V * sizeof(double));
		memset(y2, 0, V * sizeof(double));
		if (groups) {
			list = group_docs(k, (long)g, &nd);
			count_terms(k, list, nd, y1, NULL, seen, NULL, NULL);
			for (uint32_t t = 0; t < V; t++)
				y2[t] = all[t] - y1[t];
		} else {
			list = seg_docs(k, g ? 2 : 0, &nd);
			count_terms(k, list, nd, y1, NULL, seen, NULL, NULL);
			list = seg_docs(k, g ? 0 : 2, &nd);
			count_terms(k, list, nd, y2, NULL, seen, NULL, NULL);
		}
		if (o->has_prior) {
			for (uint32_t t = 0; t < V; t++)
				prior[t] = o->prior;
		} else if (voc_topics_fightin_prior(y1, y2, V, o->prior_size,
		    prior, err) < 0)
			goto out;
		if (voc_topics_fightin(y1, y2, prior, V, delta, NULL, z,
		    err) < 0)
			goto out;
		for (uint32_t t = 0; t < V; t++)
			if (isnan(z[t]) || y1[t] + y2[t] == 0)
				z[t] = -INFINITY;
		rank_terms(k->vocab, z, NULL, order, V, 1);
		for (uint32_t i = 0; i < V && i < (uint32_t)o->top; i++) {
			uint32_t t = order[i];

			if (z[t] == -INFINITY)
				break;
			if (groups)
				write_group(run, w, k->gkey[g]);
			else
				voc_writer_str(w, seg_name(o, g ? 2 : 0));
			voc_writer_str(w, voc_vocab_str(k->vocab, t, NULL));
			voc_writer_int(w, (long long)y1[t]);
			voc_writer_int(w, (long long)y2[t]);
			voc_writer_num(w, delta[t]);
			voc_writer_num(w, z[t]);
		}
	}
	rc = voc_writer_close(w, 0, err);
	w = NULL;
out:
	if (w != NULL)
		voc_writer_close(w, 0, NULL);
	free(y1);
	free(y2);
	free(all);
	free(prior);
	free(delta);
	free(z);
	free(seen);
	free(order);
	return rc;
}

/* Means over a set of documents. */
struct tally {
	double n, nempty, score_n, score_sum, senti_sum, pos, neg;
	double seg[3];
};

static void
tally_add(struct tally *t, const struct corpus *k, size_t d)
{
	t->n++;
	if (k->start[d] == k->start[d + 1])
		t->nempty++;
	if (!isnan(k->score[d])) {
		t->score_n++;
		t->score_sum += k->score[d];
	}
	if (k->seg[d] >= 0)
		t->seg[k->seg[d]]++;
	t->senti_sum += k->senti[d];
	t->pos += k->senti[d] > 0;
	t->neg += k->senti[d] < 0;
}

/* --sentiment alone: sentiment per group, score segment or overall. */
static int
out_sentiment(const struct opts *o, struct voc_run *run, struct corpus *k,
    struct voc_error *err)
{
	static const char *const names[] = {"segment", "comments",
	    "sentiment", "pct_positive", "pct_negative", "mean_score"};
	int groups = voc_run_nkeys(run) > 0;
	int segs = !groups && o->score_col != NULL;
	/* Score segments: comments without a score come last, with an
	 * empty segment, so that every comment is in the table. */
	size_t ng = groups ? k->ngroups : segs ? 4 : 1;
	struct tally *t = calloc(ng, sizeof(*t));
	struct voc_writer *w;

	if (t == NULL || (w = writer(o, run, groups, segs ? names : names + 1,
	    (segs ? 5 : 4) + (o->score_col != NULL))) == NULL) {
		free(t);
		return oom(err);
	}
	for (size_t d = 0; d < k->ndocs; d++) {
		long g = groups ? (long)k->grp[d] : segs ? k->seg[d] : 0;

		tally_add(&t[g >= 0 ? g : 3], k, d);
	}
	for (size_t g = 0; g < ng; g++) {
		if (t[g].n == 0)
			continue;
		if (groups)
			write_group(run, w, k->gkey[g]);
		if (segs && g < 3)
			voc_writer_str(w, seg_name(o, (int)g));
		else if (segs)
			voc_writer_null(w);
		voc_writer_int(w, (long long)t[g].n);
		voc_writer_num(w, t[g].senti_sum / t[g].n);
		voc_writer_num(w, 100 * t[g].pos / t[g].n);
		voc_writer_num(w, 100 * t[g].neg / t[g].n);
		if (o->score_col != NULL)
			voc_writer_num(w, t[g].score_n ? t[g].score_sum /
			    t[g].score_n : NAN);
	}
	free(t);
	return voc_writer_close(w, 0, err);
}

struct line_doc {
	long long line;
	size_t d;
};

static int
cmp_line(const void *a, const void *b)
{
	const struct line_doc *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->d > y->d) - (x->d < y->d);
}

/* --assign: one row per comment. */
static int
out_assign(const struct opts *o, struct voc_run *run, struct corpus *k,
    const struct voc_topics_model *m, struct voc_error *err)
{
	const char *names[8];
	size_t n = 0;
	int groups = voc_run_nkeys(run) > 0;
	struct voc_writer *w;
	struct voc_table *t = voc_run_table(run);
	struct line_doc *perm;

	names[n++] = o->id_col ? "id" : "line";
	if (m != NULL) {
		names[n++] = "topic";
		names[n++] = "probability";
	}
	if (o->sentiment)
		names[n++] = "sentiment";
	if (o->score_col != NULL)
		names[n++] = "score";
	{
		const char *all[64];
		size_t a = 0;

		all[a++] = names[0];
		if (groups)
			for (size_t i = 0; i < voc_run_nkeys(run) && a < 32;
			    i++)
				all[a++] = voc_run_key_name(run, i);
		for (size_t i = 1; i < n; i++)
			all[a++] = names[i];
		if ((w = voc_writer_open_shaped(stdout, o->c.out,
		    o->c.precision, &o->c.shape,
		    all, a)) == NULL)
			return oom(err);
	}
	/* Rows in input order without --id (lines), else in id order. */
	if ((perm = calloc(k->ndocs + 1, sizeof(*perm))) == NULL) {
		voc_writer_close(w, 0, NULL);
		return oom(err);
	}
	for (size_t d = 0; d < k->ndocs; d++) {
		struct voc_entry e;
		const struct doc *doc;

		voc_table_at(t, k->uniq[d], &e);
		doc = e.st;
		perm[d].line = k->dup[d] < doc->nlines ?
		    doc->lines[k->dup[d]] : 0;
		perm[d].d = d;
	}
	if (o->id_col == NULL)
		qsort(perm, k->ndocs, sizeof(*perm), cmp_line);
	for (size_t i = 0; i < k->ndocs; i++) {
		struct voc_entry e;
		const struct doc *doc;
		size_t d = perm[i].d;

		voc_table_at(t, k->uniq[d], &e);
		doc = e.st;
		if (o->id_col != NULL) {
			struct voc_key_part p;
			size_t pos = 0;
			char *s;

			voc_key_next(e.key, e.keylen, &pos, &p);
			if ((s = dup_n(p.s, p.len)) == NULL) {
				voc_writer_close(w, 0, NULL);
				return oom(err);
			}
			voc_writer_str(w, s);
			free(s);
		} else if (k->dup[d] < doc->nlines) {
			voc_writer_int(w, perm[i].line);
		} else {
			voc_writer_null(w);
		}
		if (groups)
			write_group(run, w, doc->group);
		if (m != NULL) {
			double p;
			int tp = voc_topics_assign(m, d, &p);

			if (tp < 0) {
				voc_writer_null(w);
				voc_writer_null(w);
			} else {
				voc_writer_int(w, tp + 1);
				voc_writer_num(w, p);
			}
		}
		if (o->sentiment)
			voc_writer_num(w, k->senti[d]);
		if (o->score_col != NULL)
			voc_writer_num(w, k->score[d]);
	}
	free(perm);
	return voc_writer_close(w, 0, err);
}

/* Joins the strings of terms ids[0..n) with spaces. */
static int
join_terms(const struct corpus *k, const uint32_t *ids, size_t n,
    struct buf *b)
{
	b->len = 0;
	if (buf_str(b, "") < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((i > 0 && buf_str(b, " ") < 0) ||
		    buf_str(b, voc_vocab_str(k->vocab, ids[i], NULL)) < 0)
			return -1;
	return 0;
}

/* --topics K: fits the model, then one row per non-empty topic (per
 * group with -g), largest first; --assign writes the comments instead. */
static int
out_topics(struct opts *o, struct voc_run *run, struct corpus *k,
    struct voc_error *err)
{
	const char *names[24];
	struct voc_topics_opts to;
	struct voc_topics_model m;
	int method = o->method, K, groups = voc_run_nkeys(run) > 0;
	int segs = !groups && o->score_col != NULL;
	size_t nn = 0, ntok = 0, nonempty = 0, nw;
	int *order = NULL;
	uint32_t *top = NULL;
	double *umass = NULL, *npmi = NULL;
	struct tally *tal = NULL, *gt = NULL;
	struct voc_writer *w = NULL;
	struct buf terms = {0}, ex = {0};
	int rc = -1;

	memset(&m, 0, sizeof(m));
	for (size_t d = 0; d < k->ndocs; d++)
		if (k->start[d + 1] > k->start[d]) {
			nonempty++;
			ntok += k->start[d + 1] - k->start[d];
		}
	if (nonempty == 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "no comment "
		    "has a term left to model (all stop words or numbers)");
	if (method < 0)
		method = (double)ntok / nonempty < GSDMM_BELOW ?
		    VOC_TOPICS_GSDMM : VOC_TOPICS_LDA;
	voc_topics_defaults(&to, method);
	to.k = (int)o->topics;
	to.seed = (uint64_t)o->seed;
	if (o->iterations >= 0)
		to.iterations = (int)o->iterations;
	if (o->alpha > 0)
		to.alpha = o->alpha;
	if (o->beta > 0)
		to.beta = o->beta;
	if (voc_topics_fit(&k->c, method, &to, &m, err) < 0)
		goto out;
	if (o->assign) {
		rc = out_assign(o, run, k, &m, err);
		goto out;
	}
	K = m.k;
	nw = k->c.nterms < TOPIC_TERMS ? k->c.nterms : TOPIC_TERMS;
	if ((order = calloc((size_t)K, sizeof(int))) == NULL ||
	    (top = calloc((size_t)K * TOPIC_TERMS + 1, sizeof(uint32_t))) ==
	    NULL || (umass = calloc((size_t)K, sizeof(double))) == NULL ||
	    (npmi = calloc((size_t)K, sizeof(double))) == NULL ||
	    (tal = calloc((size_t)K, sizeof(*tal))) == NULL ||
	    (gt = calloc(k->ngroups + 1, sizeof(*gt))) == NULL) {
		oom(err);
		goto out;
	}
	for (int t = 0; t < K; t++) {
		order[t] = t;
		voc_topics_top_terms(&m, t, nw, top + (size_t)t * nw);
	}
	for (int t = 0; t < K; t++)
		umass[t] = npmi[t] = NAN;
	if (nw >= 2 && (voc_topics_coherence(&k->c, VOC_COHERENCE_UMASS, 0,
	    top, nw, (size_t)K, umass, err) < 0 ||
	    voc_topics_coherence(&k->c, VOC_COHERENCE_NPMI, 0, top, nw,
	    (size_t)K, npmi, err) < 0))
		goto out;
	/* Largest topic first; ties by the sampler's index. */
	for (int i = 1; i < K; i++)
		for (int j = i; j > 0 && m.size[order[j]] >
		    m.size[order[j - 1]]; j--) {
			int x = order[j];

			order[j] = order[j - 1];
			order[j - 1] = x;
		}

	names[nn++] = "topic";
	names[nn++] = "docs";
	names[nn++] = "pct_docs";
	if (o->score_col != NULL)
		names[nn++] = "mean_score";
	if (segs) {
		static const char *const nps[] = {"pct_detractors",
		    "pct_passives", "pct_promoters"};
		static const char *const split[] = {"pct_low", "pct_middle",
		    "pct_high"};

		for (int s = 0; s < 3; s++)
			names[nn++] = o->has_split ? split[s] : nps[s];
	}
	if (o->sentiment)
		names[nn++] = "sentiment";
	names[nn++] = "u_mass";
	names[nn++] = "npmi";
	names[nn++] = "terms";
	names[nn++] = "examples";
	if ((w = writer(o, run, groups, names, nn)) == NULL) {
		oom(err);
		goto out;
	}
	for (size_t g = 0; g < (groups ? k->ngroups : 1); g++) {
		size_t nd;
		const size_t *list = group_docs(k, groups ? (long)g : -1, &nd);

		memset(tal, 0, (size_t)K * sizeof(*tal));
		memset(&gt[0], 0, sizeof(gt[0]));
		for (size_t x = 0; x < nd; x++) {
			size_t d = list ? list[x] : x;
			int tp = m.topic[d];

			tally_add(&gt[0], k, d);
			if (tp >= 0)
				tally_add(&tal[tp], k, d);
		}
		for (int i = 0; i < K; i++) {
			int t = order[i];
			const struct tally *a = &tal[t];
			size_t docs[64], nd;
			struct voc_table *tab = voc_run_table(run);
			size_t shown[EXAMPLES], ns = 0;

			if (m.size[t] == 0)
				continue;
			if (groups)
				write_group(run, w, k->gkey[g]);
			voc_writer_int(w, i + 1);
			voc_writer_int(w, (long long)a->n);
			voc_writer_num(w, gt[0].n - gt[0].nempty > 0 ?
			    100 * a->n / (gt[0].n - gt[0].nempty) : NAN);
			if (o->score_col != NULL)
				voc_writer_num(w, a->score_n > 0 ?
				    a->score_sum / a->score_n : NAN);
			for (int s = 0; segs && s < 3; s++)
				voc_writer_num(w, gt[0].seg[s] > 0 ?
				    100 * a->seg[s] / gt[0].seg[s] : NAN);
			if (o->sentiment)
				voc_writer_num(w, a->n > 0 ? a->senti_sum /
				    a->n : NAN);
			voc_writer_num(w, umass[t]);
			voc_writer_num(w, npmi[t]);
			if (join_terms(k, top + (size_t)t * nw, nw, &terms) <
			    0) {
				oom(err);
				goto out;
			}
			voc_writer_str(w, terms.s);
			/* Representative comments: the most probable, each
			 * text once. */
			ex.len = 0;
			if (buf_str(&ex, "") < 0) {
				oom(err);
				goto out;
			}
			nd = voc_topics_top_docs(&m, t, 64, docs);
			for (size_t j = 0; j < nd && ns < EXAMPLES; j++) {
				struct voc_entry e;
				size_t u = k->uniq[docs[j]], x;

				for (x = 0; x < ns && shown[x] != u; x++)
					;
				if (x < ns)
					continue;
				shown[ns++] = u;
				voc_table_at(tab, u, &e);
				if ((ex.len > 0 && buf_str(&ex, " | ") < 0) ||
				    buf_str(&ex, ((struct doc *)e.st)->text) <
				    0) {
					oom(err);
					goto out;
				}
			}
			voc_writer_str(w, ex.s);
		}
	}
	rc = voc_writer_close(w, 0, err);
	w = NULL;
out:
	if (w != NULL)
		voc_writer_close(w, 0, NULL);
	voc_topics_free(&m);
	free(order);
	free(top);
	free(umass);
	free(npmi);
	free(tal);
	free(gt);
	free(terms.s);
	free(ex.s);
	return rc;
}

/* --coherence-of 'a b c;d e': the coherence of topics given as terms. */
static int
out_coherence(const struct opts *o, struct corpus *k, struct voc_error *err)
{
	static const char *const names[] = {"topic", "terms", "u_mass",
	    "c_uci", "npmi"};
	char *spec = strdup(o->coherence_of), *save = NULL, *tp;
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0, ntopics = 0, nw = 0;
	double *v[3] = {NULL, NULL, NULL};
	static const enum voc_topics_coherence meas[] = {VOC_COHERENCE_UMASS,
	    VOC_COHERENCE_UCI, VOC_COHERENCE_NPMI};
	struct voc_writer *w = NULL;
	struct buf b = {0};
	int rc = -1;

	if (spec == NULL)
		return oom(err);
	/* Every topic must have as many terms as the first. */
	for (tp = strtok_r(spec, ";", &save); tp != NULL;
	    tp = strtok_r(NULL, ";", &save)) {
		size_t m = 0;
		char *s2 = NULL, *word;

		for (word = strtok_r(tp, " ", &s2); word != NULL;
		    word = strtok_r(NULL, " ", &s2)) {
			char *norm;
			size_t nlen;
			long id;

			if (voc_tokenize_normalize(word, strlen(word), &norm,
			    &nlen, err) < 0) {
				err->kind = VOC_ERR_USAGE;
				goto out;
			}
			id = voc_vocab_find(k->vocab, norm, nlen);
			if (id < 0) {
				voc_error_set(err, VOC_ERR_DATA, NULL, 0,
				    "--coherence-of: \"%s\" is in no comment",
				    norm);
				free(norm);
				goto out;
			}
			free(norm);
			if (n == cap) {
				uint32_t *p;

				cap = cap ? cap * 2 : 64;
				if ((p = realloc(ids, cap * sizeof(*p))) ==
				    NULL) {
					oom(err);
					goto out;
				}
				ids = p;
			}
			ids[n++] = (uint32_t)id;
			m++;
		}
		if (ntopics == 0)
			nw = m;
		if (m < 2 || m != nw) {
			voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--coherence-of takes topics of the same number "
			    "of terms, at least 2, split by ';'");
			goto out;
		}
		ntopics++;
	}
	if (ntopics == 0) {
		voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--coherence-of takes topics of the same number of terms, "
		    "at least 2, split by ';'");
		goto out;
	}
	for (int i = 0; i < 3; i++)
		if ((v[i] = calloc(ntopics, sizeof(double))) == NULL ||
		    voc_topics_coherence(&k->c, meas[i], 0, ids, nw, ntopics,
		    v[i], err) < 0)
			goto out;
	if ((w = voc_writer_open_shaped(stdout, o->c.out, o->c.precision,
	    &o->c.shape, names,
	    5)) == NULL) {
		oom(err);
		goto out;
	}
	for (size_t t = 0; t < ntopics; t++) {
		if (join_terms(k, ids + t * nw, nw, &b) < 0) {
			oom(err);
			goto out;
		}
		voc_writer_int(w, (long long)t + 1);
		voc_writer_str(w, b.s);
		for (int i = 0; i < 3; i++)
			voc_writer_num(w, v[i][t]);
	}
	rc = voc_writer_close(w, 0, err);
	w = NULL;
out:
	if (w != NULL)
		voc_writer_close(w, 0, NULL);
	free(spec);
	free(ids);
	free(b.s);
	for (int i = 0; i < 3; i++)
		free(v[i]);
	return rc;
}

static int
finish(void *ctx, struct voc_run *run, struct voc_error *err)
{
	struct opts *o = ctx;
	struct voc_table *t = voc_run_table(run);
	struct corpus k;
	int rc;

	if (voc_table_sort(t) < 0)
		return oom(err);
	if (voc_table_count(t) == 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "no comments to read in column%s %s",
		    strchr(o->c.text_col, ',') ? "s" : "", o->c.text_col);
	if (build_corpus(o, t, !o->no_phrases && o->coherence_of == NULL, &k,
	    err) < 0) {
		corpus_free(&k);
		return -1;
	}
	if (o->coherence_of != NULL)
		rc = out_coherence(o, &k, err);
	else if (o->topics > 0)
		rc = out_topics(o, run, &k, err);
	else if (o->compare)
		rc = out_compare(o, run, &k, err);
	else if (o->assign)
		rc = out_assign(o, run, &k, NULL, err);
	else if (o->sentiment && !o->terms)
		rc = out_sentiment(o, run, &k, err);
	else
		rc = out_terms(o, run, &k, err);
	corpus_free(&k);
	return rc;
}

static const struct option own_options[] = {
	{"alpha", required_argument, NULL, OPT_ALPHA},
	{"assign", no_argument, NULL, OPT_ASSIGN},
	{"beta", required_argument, NULL, OPT_BETA},
	{"coherence-of", required_argument, NULL, OPT_COHERENCE_OF},
	{"compare", no_argument, NULL, OPT_COMPARE},
	{"id", required_argument, NULL, OPT_ID},
	{"iterations", required_argument, NULL, OPT_ITERATIONS},
	{"mecab", required_argument, NULL, OPT_MECAB},
	{"method", required_argument, NULL, OPT_METHOD},
	{"no-phrases", no_argument, NULL, OPT_NO_PHRASES},
	{"no-stopwords", no_argument, NULL, OPT_NO_STOPWORDS},
	{"prior", required_argument, NULL, OPT_PRIOR},
	{"prior-size", required_argument, NULL, OPT_PRIOR_SIZE},
	{"score", required_argument, NULL, 's'},
	{"seed", required_argument, NULL, OPT_SEED},
	{"sentiment", no_argument, NULL, OPT_SENTIMENT},
	{"split", required_argument, NULL, OPT_SPLIT},
	{"stopwords", required_argument, NULL, OPT_STOPWORDS},
	{"terms", no_argument, NULL, OPT_TERMS},
	{"top", required_argument, NULL, OPT_TOP},
	{"topics", required_argument, NULL, OPT_TOPICS},
	{NULL, 0, NULL, 0}
};

static const struct voc_prog prog = {
	.name = PROG,
	.synopsis = synopsis,
	.help = help_text,
	.options = own_options,
	.shortopts = "s:",
	.state = &doc_state,
	.state_size = state_size,
	.option = option,
	.check = check,
	.state_opts = state_opts,
	.prepare = prepare,
	.row = row_step,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	struct opts o;
	int status;

	memset(&o, 0, sizeof(o));
	o.c.texts = 1;
	o.method = -1;
	o.top = 20;
	o.iterations = -1;
	o.seed = 1;
	o.prior_size = 500;
	voc_stats_init();
	status = voc_prog_main(&prog, &o, &o.c, argc, argv);
	for (size_t i = 0; i < ntoks; i++)
		voc_tokenizer_free(toks[i]);
	voc_tokenizer_free(o.stop);
	voc_sentiment_free(o.senti);
	return status;
}
