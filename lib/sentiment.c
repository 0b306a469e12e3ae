/*
 * Lexicon sentiment for survey comments.  A plain sum of word valences
 * with a few local rules (negation, intensifiers, "but") is what the
 * reference results for short review sentences rest on, and it can be
 * explained to the analyst who reads voc-topics' output: every point of
 * a score comes from a word in the comment.
 *
 * English is scored word by word (the words are cut as the tokenizer
 * cuts them, but stop words stay: "not" and "very" matter here).
 * Japanese is scored on the normalised characters, not on MeCab's
 * morphemes, so that a comment gets the same score whether or not MeCab
 * is installed: the lexicon lists i-adjectives by stem and the other
 * terms as written, and negation is read from the kana after a term,
 * where Japanese puts it (美味しくなかった).
 *
 * The lexicons are three string tables (voc_vocab from tokenize.c) with
 * a value per id; scoring only reads them.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "voc/sentiment.h"
#include "voc/text.h"
#include "voc/tokenize.h"

struct lex {
	struct voc_vocab *v;
	double *val;
	size_t cap;
};

struct voc_sentiment {
	struct lex en;		/* English words */
	struct lex ja_w;	/* Japanese terms matched as written */
	struct lex ja_a;	/* i-adjective stems */
	struct lex ja_x;	/* intensifiers, value = factor */
	size_t ja_max;		/* longest Japanese key, in characters */
};

struct voc_sentiment *
voc_sentiment_new(struct voc_error *err)
{
	struct voc_sentiment *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	if ((s->en.v = voc_vocab_new(err)) == NULL ||
	    (s->ja_w.v = voc_vocab_new(err)) == NULL ||
	    (s->ja_a.v = voc_vocab_new(err)) == NULL ||
	    (s->ja_x.v = voc_vocab_new(err)) == NULL) {
		voc_sentiment_free(s);
		return NULL;
	}
	return s;
}

static void
lex_free(struct lex *l)
{
	voc_vocab_free(l->v);
	free(l->val);
}

void
voc_sentiment_free(struct voc_sentiment *s)
{
	if (s == NULL)
		return;
	lex_free(&s->en);
	lex_free(&s->ja_w);
	lex_free(&s->ja_a);
	lex_free(&s->ja_x);
	free(s);
}

/* Adds key (normalised) with val unless present: returns 1 added, 0 kept,
 * -1 on error. */
static int
lex_add(struct lex *l, const char *key, size_t len, double val,
    struct voc_error *err)
{
	char *norm;
	size_t nlen;
	long id;

	if (voc_tokenize_normalize(key, len, &norm, &nlen, err) < 0)
		return -1;
	if (voc_vocab_find(l->v, norm, nlen) >= 0) {
		free(norm);
		return 0;
	}
	id = voc_vocab_intern(l->v, norm, nlen, err);
	free(norm);
	if (id < 0)
		return -1;
	if ((size_t)id >= l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		double *v = realloc(l->val, cap * sizeof(*v));

		if (v == NULL)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		l->val = v;
		l->cap = cap;
	}
	l->val[id] = val;
	return 1;
}

static int
lex_get(const struct lex *l, const char *key, size_t len, double *val)
{
	long id = voc_vocab_find(l->v, key, len);

	if (id < 0)
		return 0;
	*val = l->val[id];
	return 1;
}

/* ---------------------------------------------------------------------
 * Characters
 */

static utf8proc_int32_t
decode(const char *s, size_t len, size_t i, size_t *n)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
	    (utf8proc_ssize_t)(len - i), &cp);

	*n = k > 0 ? (size_t)k : 1;
	return k > 0 ? cp : 0xFFFD;
}

static int
is_hiragana(utf8proc_int32_t cp)
{
	return (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x309D && cp <= 0x309F);
}

static int
is_japanese(utf8proc_int32_t cp)
{
	return is_hiragana(cp) || (cp >= 0x30A1 && cp <= 0x30FA) ||
	    (cp >= 0x30FC && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
	    (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	    (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF)
	    || cp == 0x3005 || cp == 0x3006;
}

static int
is_word(utf8proc_int32_t cp)
{
	if (is_japanese(cp))
		return 0;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND:
		return 1;
	default:
		return 0;
	}
}

/* Where negation and intensifiers stop reaching. */
static int
ends_clause(utf8proc_int32_t cp)
{
	return cp == '.' || cp == '!' || cp == '?' || cp == ';' || cp == ':' ||
	    cp == ',' || cp == 0x3002 || cp == 0x3001;
}

static int
ends_sentence(utf8proc_int32_t cp)
{
	return cp == '.' || cp == '!' || cp == '?' || cp == 0x3002;
}

/* Whether the word s[0..len) is a word (letters, digits, inner
 * apostrophes), as the tokenizer would keep it whole. */
static int
wordlike(const char *s, size_t len)
{
	size_t i = 0, n;

	if (len == 0 || s[0] == '\'' || s[len - 1] == '\'')
		return 0;
	while (i < len) {
		utf8proc_int32_t cp = decode(s, len, i, &n);

		if (cp != '\'' && !is_word(cp))
			return 0;
		i += n;
	}
	return 1;
}

/* ---------------------------------------------------------------------
 * Loading
 */

typedef int (*line_fn)(struct voc_sentiment *s, char **field, size_t nf,
    void *arg, struct voc_error *err);

/*
 * Reads path as TAB-separated lines (blank lines and '#' comments
 * skipped), calling fn on each; fn returns 1 for an entry added, 0 for
 * one skipped, -1 for an error (the message then gets the file and
 * line).  Returns the entries added, or -1.
 */
static long
read_tsv(struct voc_sentiment *s, const char *path, line_fn fn, void *arg,
    struct voc_error *err)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *field[8];
	size_t cap = 0;
	ssize_t got;
	long lineno = 0, added = 0;

	if (fp == NULL)
		return voc_error_set(err, VOC_ERR_DATA, path, 0, "%s",
		    strerror(errno));
	while ((got = getline(&line, &cap, fp)) >= 0) {
		size_t nf = 0, len = (size_t)got;
		char *p = line;
		int rc;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (voc_text_utf8_check(line, len) != len) {
			voc_error_set(err, VOC_ERR_DATA, path, lineno,
			    "invalid UTF-8");
			goto fail;
		}
		for (;;) {
			char *tab = strchr(p, '\t');

			if (nf < sizeof(field) / sizeof(*field))
				field[nf++] = p;
			if (tab == NULL)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		rc = fn(s, field, nf, arg, err);
		if (rc < 0) {
			if (err != NULL) {
				snprintf(err->file, sizeof(err->file), "%s",
				    path);
				err->line = lineno;
			}
			goto fail;
		}
		added += rc;
	}
	if (ferror(fp)) {
		voc_error_set(err, VOC_ERR_DATA, path, 0, "read error");
		goto fail;
	}
	free(line);
	fclose(fp);
	return added;
fail:
	free(line);
	fclose(fp);
	return -1;
}

static int
number(const char *f, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(f, &end);
	return end != f && *end == '\0' && errno == 0 && isfinite(*v);
}

static int
vader_line(struct voc_sentiment *s, char **field, size_t nf, void *arg,
    struct voc_error *err)
{
	double v;

	(void)arg;
	if (nf < 2 || !number(field[1], &v))
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "expected token TAB valence");
	if (!wordlike(field[0], strlen(field[0])))
		return 0;
	return lex_add(&s->en, field[0], strlen(field[0]), v, err);
}

long
voc_sentiment_load_vader(struct voc_sentiment *s, const char *path,
    struct voc_error *err)
{
	return read_tsv(s, path, vader_line, NULL, err);
}

static int
polar_line(struct voc_sentiment *s, char **field, size_t nf, void *arg,
    struct voc_error *err)
{
	double w = *(double *)arg;

	if (nf < 2)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "expected word TAB positive|negative");
	if (strcmp(field[0], "word") == 0 && strcmp(field[1], "sentiment") == 0)
		return 0;
	if (strcmp(field[1], "negative") == 0)
		w = -w;
	else if (strcmp(field[1], "positive") != 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "\"%.40s\" is neither positive nor negative", field[1]);
	if (!wordlike(field[0], strlen(field[0])))
		return 0;
	return lex_add(&s->en, field[0], strlen(field[0]), w, err);
}

long
voc_sentiment_load_polar(struct voc_sentiment *s, const char *path,
    double weight, struct voc_error *err)
{
	return read_tsv(s, path, polar_line, &weight, err);
}

static int
ja_line(struct voc_sentiment *s, char **field, size_t nf, void *arg,
    struct voc_error *err)
{
	size_t len = nf > 0 ? strlen(field[0]) : 0, chars = 0, n;
	struct lex *l;
	double v;
	int rc;

	(void)arg;
	if (nf < 3 || len == 0 || !number(field[1], &v) ||
	    strlen(field[2]) != 1)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "expected term TAB number TAB a|w|x");
	switch (field[2][0]) {
	case 'a':
		/* Keep the stem: the term less its final い (3 bytes). */
		if (len <= 3 || strcmp(field[0] + len - 3, "い") != 0)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "adjective \"%.40s\" does not end in い",
			    field[0]);
		len -= 3;
		l = &s->ja_a;
		break;
	case 'w':
		l = &s->ja_w;
		break;
	case 'x':
		l = &s->ja_x;
		break;
	default:
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "kind \"%s\" is not a, w or x", field[2]);
	}
	rc = lex_add(l, field[0], len, v, err);
	for (size_t i = 0; i < len; i += n, chars++)
		decode(field[0], len, i, &n);
	if (rc > 0 && chars > s->ja_max)
		s->ja_max = chars;
	return rc;
}

long
voc_sentiment_load_ja(struct voc_sentiment *s, const char *path,
    struct voc_error *err)
{
	return read_tsv(s, path, ja_line, NULL, err);
}

int
voc_sentiment_load_default(struct voc_sentiment *s, struct voc_error *err)
{
	char path[PATH_MAX];

	if (voc_data_path("lexicons/vader_lexicon.txt", path, sizeof(path),
	    err) < 0 || voc_sentiment_load_vader(s, path, err) < 0)
		return -1;
	if (voc_data_path("lexicons/bing_liu_tidytext.tsv", path,
	    sizeof(path), err) < 0 ||
	    voc_sentiment_load_polar(s, path, 1.5, err) < 0)
		return -1;
	if (voc_data_path("lexicons/ja-evaluative.tsv", path, sizeof(path),
	    err) < 0 || voc_sentiment_load_ja(s, path, err) < 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------------
 * Scoring
 */

static const char *const negations[] = {
	"not", "no", "never", "none", "nothing", "nobody", "nowhere",
	"neither", "nor", "without", "cannot", "hardly", "barely",
	"scarcely", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt",
	"werent", "cant", "couldnt", "wont", "wouldnt", "shouldnt", "hasnt",
	"havent", "hadnt", "aint", "mustnt", "neednt",
};

static const struct {
	const char *word;
	double factor;
} boosters[] = {
	{"very", 1.5}, {"really", 1.5}, {"extremely", 1.5}, {"so", 1.5},
	{"too", 1.5}, {"super", 1.5}, {"totally", 1.5}, {"completely", 1.5},
	{"absolutely", 1.5}, {"highly", 1.5}, {"incredibly", 1.5},
	{"truly", 1.5}, {"utterly", 1.5}, {"most", 1.5}, {"especially", 1.5},
	{"particularly", 1.5}, {"exceptionally", 1.5}, {"thoroughly", 1.5},
	{"tremendously", 1.5}, {"remarkably", 1.5}, {"unbelievably", 1.5},
	{"quite", 1.25}, {"pretty", 1.25}, {"more", 1.25},
	{"slightly", 0.5}, {"somewhat", 0.5}, {"marginally", 0.5},
	{"partly", 0.5}, {"little", 0.5},
};

/* Whether the word w[0..len) is lit (most words differ at their first
 * byte: no strlen of every list entry for every word). */
static int
word_is(const char *lit, const char *w, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (lit[i] == '\0' || lit[i] != w[i])
			return 0;
	return lit[len] == '\0';
}

static int
is_negation(const char *w, size_t len)
{
	if (len >= 3 && memcmp(w + len - 3, "n't", 3) == 0)
		return 1;
	for (size_t i = 0; i < sizeof(negations) / sizeof(*negations); i++)
		if (word_is(negations[i], w, len))
			return 1;
	return 0;
}

static double
booster(const char *w, size_t len)
{
	for (size_t i = 0; i < sizeof(boosters) / sizeof(*boosters); i++)
		if (word_is(boosters[i].word, w, len))
			return boosters[i].factor;
	return 0;
}

struct state {
	double sentence;	/* this sentence's sum so far */
	double but;		/* factor after "but": 1 or 1.5 */
	/* The last 3 words of the clause: negation?, booster factor. */
	int neg[3];
	double boost[3];
	double ja_boost;	/* a Japanese intensifier's pending factor */
};

static void
clause_reset(struct state *st)
{
	memset(st->neg, 0, sizeof(st->neg));
	for (int k = 0; k < 3; k++)
		st->boost[k] = 0;
	st->ja_boost = 1;
}

static void
sentence_end(struct state *st, struct voc_sentiment_result *r)
{
	r->score += st->sentence;
	st->sentence = 0;
	st->but = 1;
	clause_reset(st);
}

static void
hit(struct state *st, struct voc_sentiment_result *r, double v, int negated)
{
	if (negated) {
		v = -v;
		r->negated++;
	}
	v *= st->but;
	r->hits++;
	if (v > 0)
		r->pos++;
	else if (v < 0)
		r->neg++;
	st->sentence += v;
}

static void
push_word(struct state *st, int neg, double boost)
{
	st->neg[2] = st->neg[1];
	st->neg[1] = st->neg[0];
	st->neg[0] = neg;
	st->boost[2] = st->boost[1];
	st->boost[1] = st->boost[0];
	st->boost[0] = boost;
}

static void
english_word(const struct voc_sentiment *s, struct state *st,
    struct voc_sentiment_result *r, const char *w, size_t len)
{
	double v, b;

	while (len > 0 && w[len - 1] == '\'')
		len--;
	while (len > 0 && w[0] == '\'') {
		w++;
		len--;
	}
	if (len == 0)
		return;
	if (len == 3 && memcmp(w, "but", 3) == 0) {
		st->sentence *= 0.5;
		st->but = 1.5;
		clause_reset(st);
		return;
	}
	if (is_negation(w, len)) {
		push_word(st, 1, 0);
		return;
	}
	if ((b = booster(w, len)) != 0) {
		push_word(st, 0, b);
		return;
	}
	if (lex_get(&s->en, w, len, &v)) {
		double f = st->boost[0] != 0 ? st->boost[0] :
		    st->boost[1] != 0 ? st->boost[1] : 1;

		hit(st, r, v * f, st->neg[0] || st->neg[1] || st->neg[2]);
	}
	push_word(st, 0, 0);
}

/*
 * The longest Japanese term at s[i]: sets *kind ('w', 'a' or 'x'), *v
 * and *end (past an adjective's inflection kana).  Returns 0 when none.
 */
static int
ja_match(const struct voc_sentiment *s, const char *t, size_t len, size_t i,
    int *kind, double *v, size_t *end)
{
	size_t off[64], nch = 0, j = i, n;

	while (j < len && nch < s->ja_max && nch < 63) {
		utf8proc_int32_t cp = decode(t, len, j, &n);

		if (!is_japanese(cp))
			break;
		j += n;
		off[++nch] = j - i;
	}
	for (size_t k = nch; k >= 1; k--) {
		size_t bl = off[k];

		if (lex_get(&s->ja_w, t + i, bl, v)) {
			*kind = 'w';
			*end = i + bl;
			return 1;
		}
		if (lex_get(&s->ja_x, t + i, bl, v)) {
			*kind = 'x';
			*end = i + bl;
			return 1;
		}
		if (i + bl < len && lex_get(&s->ja_a, t + i, bl, v)) {
			utf8proc_int32_t cp = decode(t, len, i + bl, &n);

			/* い く か け さ す そ */
			if (cp == 0x3044 || cp == 0x304F || cp == 0x304B ||
			    cp == 0x3051 || cp == 0x3055 || cp == 0x3059 ||
			    cp == 0x305D) {
				*kind = 'a';
				*end = i + bl + n;
				return 1;
			}
		}
	}
	return 0;
}

static int
starts(const char *t, size_t len, size_t i, const char *lit)
{
	size_t n = strlen(lit);

	return len - i >= n && memcmp(t + i, lit, n) == 0;
}

/* Whether the kana after a term at t[i] negate it. */
static int
ja_negated(const struct voc_sentiment *s, const char *t, size_t len, size_t i)
{
	static const char *const neg[] = {
		"ない", "なかっ", "なく", "ません", "ず"
	};
	size_t start = i, n, e;
	int kind;
	double v;

	for (int k = 0; k < 6 && i < len; k++) {
		utf8proc_int32_t cp = decode(t, len, i, &n);

		if (!is_hiragana(cp))
			return 0;
		/* The window ends where the next term starts: in
		 * 楽しいけどつまらない the ない is つまらない's. */
		if (i > start && ja_match(s, t, len, i, &kind, &v, &e))
			return 0;
		for (size_t q = 0; q < sizeof(neg) / sizeof(*neg); q++) {
			if (!starts(t, len, i, neg[q]))
				continue;
			if (q == 0 && i >= start + 6 &&
			    memcmp(t + i - 6, "しれ", 6) == 0)
				continue;	/* かもしれない: maybe */
			if (q == 4 && (starts(t, len, i, "ずっ") ||
			    starts(t, len, i, "ずつ")))
				continue;	/* ずっと, ずつ */
			return 1;
		}
		i += n;
	}
	return 0;
}

int
voc_sentiment_score(const struct voc_sentiment *s, const char *text,
    size_t tlen, struct voc_sentiment_result *r, struct voc_error *err)
{
	struct state st;
	char *t;
	size_t len, i = 0;

	memset(r, 0, sizeof(*r));
	if (voc_tokenize_normalize(text, tlen, &t, &len, err) < 0)
		return -1;
	st.sentence = 0;
	st.but = 1;
	clause_reset(&st);
	while (i < len) {
		size_t n, end;
		utf8proc_int32_t cp = decode(t, len, i, &n);
		int kind;
		double v;

		if (is_word(cp) || cp == '\'') {
			size_t j = i + n;

			while (j < len) {
				size_t m;
				utf8proc_int32_t d = decode(t, len, j, &m);

				if (!is_word(d) && d != '\'')
					break;
				j += m;
			}
			english_word(s, &st, r, t + i, j - i);
			i = j;
		} else if (is_japanese(cp) &&
		    ja_match(s, t, len, i, &kind, &v, &end)) {
			if (kind == 'x')
				st.ja_boost = v;
			else {
				hit(&st, r, v * st.ja_boost,
				    ja_negated(s, t, len, end));
				st.ja_boost = 1;
			}
			i = end;
		} else {
			if (ends_sentence(cp))
				sentence_end(&st, r);
			else if (ends_clause(cp))
				clause_reset(&st);
			i += n;
		}
	}
	sentence_end(&st, r);
	free(t);
	/* Hutto & Gilbert's normalize(): x / sqrt(x^2 + alpha), alpha 15. */
	r->compound = r->score / sqrt(r->score * r->score + 15);
	return 0;
}
