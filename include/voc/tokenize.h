/*
 * The text pipeline of voc-topics: normalisation (UTF-8 check, NFKC,
 * case folding), tokenising English and Japanese comments into terms
 * (MeCab when it can be loaded, a character-class tokenizer when not),
 * stop words, a vocabulary that interns terms and counts document
 * frequency, and adjacent-bigram phrases ("waiting_time", "待ち時間").
 *
 * Ownership: every object here is created by its _new function and freed
 * by its _free function; the strings a function hands out belong to the
 * object and stay valid as the function's comment says.  No object is
 * shared: two threads may each use their own tokenizer, vocabulary and
 * phrase table at once (the tokenizer loads MeCab per object).
 */
#ifndef VOC_TOKENIZE_H
#define VOC_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "voc/error.h"

/*
 * Normalises s[0..len): checks it is UTF-8 (the error names the byte
 * offset of the first bad sequence), then applies Unicode NFKC with case
 * folding (full-width ＡＢＣ becomes abc, half-width ｶﾀｶﾅ becomes
 * カタカナ), drops default-ignorable characters, turns tabs and line
 * breaks into spaces (other control characters are dropped) and maps
 * the typographic apostrophes (U+2018, U+2019, U+02BC) to "'".  On success *out is a
 * malloc'ed NUL-terminated string the caller frees and *outlen its
 * length; returns 0.  Returns -1 with err filled otherwise.
 */
int voc_tokenize_normalize(const char *s, size_t len, char **out,
    size_t *outlen, struct voc_error *err);

/*
 * Finds a data file (stop words, lexicons) by name, such as
 * "stopwords-en.txt" or "lexicons/vader_lexicon.txt".  Looks in
 * $VOCKIT_DATA, then in the directory compiled in as VOC_DATADIR
 * (Makefile: $(PREFIX)/share/vockit), then beside the running program:
 * its directory + "/../data" (build/voc-topics in a checkout) and
 * + "/../share/vockit" (a relocated install).  Writes the first path
 * that can be read into buf and returns 0; returns -1 with err filled
 * when none can (the message lists where it looked) or buf is too small.
 */
int voc_data_path(const char *name, char *buf, size_t size,
    struct voc_error *err);

/* Whether a tokenizer uses MeCab for Japanese. */
enum voc_mecab_mode {
	VOC_MECAB_AUTO = 0,	/* MeCab when it loads, else the fallback */
	VOC_MECAB_OFF,		/* always the built-in fallback */
	VOC_MECAB_REQUIRE	/* an error when MeCab cannot be loaded */
};

struct voc_tokenizer_opts {
	enum voc_mecab_mode mecab;
	/* The shared library to dlopen; NULL means "libmecab.so.2". */
	const char *mecab_lib;
	/* MeCab's dictionary directory (an IPADIC in UTF-8); NULL tries
	 * the Debian ipadic-utf8 path, then MeCab's own default. */
	const char *mecab_dicdir;
	/* Keep stop words in the output (they are dropped by default). */
	int keep_stopwords;
};

struct voc_tokenizer;

/*
 * Makes a tokenizer; opts may be NULL (all defaults).  It has no stop
 * words until voc_tokenizer_stopwords_file() or _add() gives some.  In
 * VOC_MECAB_AUTO mode a MeCab that cannot be loaded is not an error: the
 * tokenizer falls back, and voc_tokenizer_mecab_status() says why.
 * Returns NULL with err filled when out of memory, or in
 * VOC_MECAB_REQUIRE mode when MeCab cannot be loaded.
 */
struct voc_tokenizer *voc_tokenizer_new(const struct voc_tokenizer_opts *opts,
    struct voc_error *err);

/* Frees tk (unloading MeCab).  NULL is accepted. */
void voc_tokenizer_free(struct voc_tokenizer *tk);

/* 1 when tk tokenises Japanese with MeCab, 0 when with the fallback. */
int voc_tokenizer_has_mecab(const struct voc_tokenizer *tk);

/* Why MeCab is not in use ("" when it is): for a --verbose line. */
const char *voc_tokenizer_mecab_status(const struct voc_tokenizer *tk);

/*
 * Adds one stop word; it is normalised as the text is, so "The" and
 * "ＴＨＥ" both stop "the".  Returns 0, or -1 with err filled.
 */
int voc_tokenizer_stopword_add(struct voc_tokenizer *tk, const char *word,
    size_t len, struct voc_error *err);

/*
 * Adds the stop words of a file: one a line, UTF-8, blank lines and
 * lines starting with '#' ignored, surrounding white space trimmed.
 * Returns the number of lines read as words, or -1 with err filled
 * (naming the file and line of invalid UTF-8).
 */
long voc_tokenizer_stopwords_file(struct voc_tokenizer *tk, const char *path,
    struct voc_error *err);

/*
 * Adds the shipped lists stopwords-en.txt and stopwords-ja.txt, found
 * with voc_data_path().  Returns 0, or -1 with err filled.
 */
int voc_tokenizer_stopwords_default(struct voc_tokenizer *tk,
    struct voc_error *err);

/* 1 when the (normalised) term is a stop word of tk. */
int voc_tokenizer_is_stopword(const struct voc_tokenizer *tk,
    const char *term, size_t len);

/*
 * The terms of one text.  term[i] is NUL-terminated with length len[i];
 * adjacent[i] is 1 when term i follows term i-1 with nothing dropped in
 * between but spaces (so "waiting time" and 待ち|時間 can form a phrase,
 * while "time of waiting" and 駐車場が狭い cannot), 0 otherwise and for
 * term 0.  The arrays belong to the tokenizer and stay valid until its
 * next voc_tokenizer_run() or voc_tokenizer_free().
 */
struct voc_terms {
	size_t n;
	const char *const *term;
	const size_t *len;
	const unsigned char *adjacent;
};

/*
 * Tokenises s[0..len) (any UTF-8 text; it is normalised first) into
 * terms:
 *  - words of letters, digits and inner apostrophes in any script but
 *    Japanese, case-folded, a final "'s" dropped;
 *  - Japanese with MeCab: the base forms (原形) of nouns (general,
 *    proper, verbal and adjectival stems), independent verbs and
 *    adjectives; a noun suffix such as 場 or 県 joins the noun before
 *    it (駐車|場 gives 駐車場), other suffixes, prefixes, particles,
 *    auxiliaries, symbols and number nouns are dropped;
 *  - Japanese without MeCab: see voc_tokenizer_fallback in tokenize.c:
 *    kanji runs (cut into bigrams past 3 characters), katakana runs, and
 *    a built-in list of common adjectives in their dictionary form;
 *  - terms made of digits only and stop words are dropped.
 * Returns 0 and fills *out, or -1 with err filled (invalid UTF-8 naming
 * the byte offset, out of memory, a MeCab failure).
 */
int voc_tokenizer_run(struct voc_tokenizer *tk, const char *s, size_t len,
    struct voc_terms *out, struct voc_error *err);

/*
 * The vocabulary: interns term strings as dense ids 0, 1, 2, ... (an
 * arena holds the strings, an open-addressing hash finds them) and
 * counts, over the documents given to voc_vocab_count_doc(), how many
 * documents hold each term (document frequency) and how often it occurs.
 */
struct voc_vocab;

/* Returns an empty vocabulary, or NULL with err filled. */
struct voc_vocab *voc_vocab_new(struct voc_error *err);

/* Frees v.  NULL is accepted. */
void voc_vocab_free(struct voc_vocab *v);

/*
 * The id of s[0..len), adding it when new (with counts 0).  Returns the
 * id, or -1 with err filled when out of memory or past 2^32-1 terms.
 */
long voc_vocab_intern(struct voc_vocab *v, const char *s, size_t len,
    struct voc_error *err);

/* The id of s[0..len), or -1 when it is not in v. */
long voc_vocab_find(const struct voc_vocab *v, const char *s, size_t len);

/* The number of terms. */
size_t voc_vocab_size(const struct voc_vocab *v);

/*
 * The string of id (NUL-terminated; *len set when len is not NULL), or
 * NULL for an id out of range.  Valid until v is freed: interning more
 * terms never moves it.
 */
const char *voc_vocab_str(const struct voc_vocab *v, uint32_t id,
    size_t *len);

/*
 * Counts one document of ids[0..n): each distinct id's document
 * frequency goes up by one, and its occurrence count by its number of
 * occurrences.  Every id must come from v.  Returns 0, or -1 with err
 * filled for an id out of range.
 */
int voc_vocab_count_doc(struct voc_vocab *v, const uint32_t *ids, size_t n,
    struct voc_error *err);

/* Documents counted; a term's document frequency and occurrences. */
unsigned long voc_vocab_ndocs(const struct voc_vocab *v);
unsigned long voc_vocab_df(const struct voc_vocab *v, uint32_t id);
unsigned long voc_vocab_cf(const struct voc_vocab *v, uint32_t id);

/*
 * Phrases: adjacent bigrams frequent and associated enough to be one
 * term.  Feed every document with voc_phrases_add_doc(), then
 * voc_phrases_find() scores each bigram seen at least min_count times:
 *  - VOC_PHRASE_NPMI: normalised pointwise mutual information (Bouma
 *    2009, "Normalized (pointwise) mutual information in collocation
 *    extraction", eq. 7), ln(p(a,b) / (p(a) p(b))) / -ln p(a,b), with
 *    every probability a count over the number of tokens, as gensim's
 *    npmi_scorer computes it; in [-1, 1], 1 for words that only occur
 *    together.  A threshold of 0.5 is a common start.
 *  - VOC_PHRASE_MIKOLOV: (count(a,b) - min_count) / (count(a) count(b))
 *    * vocabulary size (Mikolov et al. 2013, "Distributed
 *    representations of words and phrases", section 4, as gensim's
 *    default scorer); gensim's default threshold is 10.
 * and keeps those scoring above the threshold.
 */
enum voc_phrase_scorer {
	VOC_PHRASE_NPMI = 0,
	VOC_PHRASE_MIKOLOV
};

struct voc_phrase {
	uint32_t a, b;		/* the two terms, in order */
	unsigned long count;	/* times b directly followed a */
	double score;
};

struct voc_phrases;

/* Returns an empty table, or NULL with err filled. */
struct voc_phrases *voc_phrases_new(struct voc_error *err);

/* Frees p.  NULL is accepted. */
void voc_phrases_free(struct voc_phrases *p);

/*
 * Counts the terms of one document and its adjacent pairs: ids[i-1],
 * ids[i] is a pair when adjacent is NULL or adjacent[i] is not 0 (the
 * tokenizer's voc_terms.adjacent).  Returns 0, or -1 with err filled.
 */
int voc_phrases_add_doc(struct voc_phrases *p, const uint32_t *ids,
    const unsigned char *adjacent, size_t n, struct voc_error *err);

/*
 * Scores the pairs counted at least min_count times (min_count >= 1),
 * keeps those scoring above threshold, and returns them sorted by score
 * (highest first, ties by a then b).  vocab_size is the MIKOLOV
 * scorer's vocabulary size (ignored by NPMI).  The array belongs to p
 * and stays valid until the next voc_phrases_find() or _free(); *n is
 * set to its length (possibly 0).  Returns NULL with err filled when out
 * of memory.
 */
const struct voc_phrase *voc_phrases_find(struct voc_phrases *p,
    enum voc_phrase_scorer scorer, unsigned long min_count,
    double threshold, size_t vocab_size, size_t *n, struct voc_error *err);

/*
 * Rewrites one document with the phrases of the last voc_phrases_find()
 * merged, left to right as gensim's Phrases does: where ids[i], ids[i+1]
 * is a phrase (and adjacent), the two become the id of the joined term,
 * interned in v: "a_b" when both sides are Latin-script words, else the
 * two strings run together (待ち + 時間 gives 待ち時間).  ids and
 * adjacent (which may be NULL) are rewritten in place and *n set to the
 * new length.  Returns the number of merges, or -1 with err filled.
 */
long voc_phrases_apply(const struct voc_phrases *p, struct voc_vocab *v,
    uint32_t *ids, unsigned char *adjacent, size_t *n,
    struct voc_error *err);

#endif
