/*
 * Comments to terms, for voc-topics.  Text is normalised once through
 * utf8proc (NFKC and case folding, so a full-width or half-width form
 * and the ordinary one are the same term), then cut into spans: words
 * of a script written with spaces, and Japanese spans of kanji and kana.
 * Words are kept whole.  Japanese spans go to MeCab when it can be
 * loaded, else to a character-class tokenizer.
 *
 * MeCab is opened with dlopen() rather than linked, for three reasons:
 * every program links libvoc.a, and linking libmecab would pull C++'s
 * runtime into nps-score and the rest; a machine without MeCab can build
 * and run voc-topics with the fallback; and the tests can make MeCab
 * "absent" by naming a library that does not exist.  Only four functions
 * of MeCab's C API are used, all on an opaque handle, and the analysis
 * is read as MeCab's default text output (surface TAB features), so no
 * MeCab header or struct layout is needed at build time.  Each tokenizer
 * loads its own handle, which is what makes tokenizers on two threads
 * safe: a mecab_t is not to be shared.
 *
 * The vocabulary and phrase tables live here too, since voc-topics uses
 * them on the tokenizer's output and nothing else does.
 */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>

#include "voc/text.h"
#include "voc/tokenize.h"

#ifndef VOC_DATADIR
#define VOC_DATADIR "/usr/local/share/vockit"
#endif

/* ---------------------------------------------------------------------
 * Normalisation
 */

static utf8proc_int32_t
apostrophe(utf8proc_int32_t cp, void *data)
{
	(void)data;
	if (cp == 0x2018 || cp == 0x2019 || cp == 0x02BC)
		return '\'';
	return cp;
}

int
voc_tokenize_normalize(const char *s, size_t len, char **out, size_t *outlen,
    struct voc_error *err)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n;
	size_t bad;

	*out = NULL;
	*outlen = 0;
	/* Printable ASCII is its own NFKC form, holds nothing to ignore or
	 * strip, and folds by lowering A-Z: English comments skip
	 * utf8proc's per-character tables (a quarter of voc-topics' time). */
	size_t i = 0;
	while (i < len && s[i] >= 0x20 && s[i] < 0x7F)
		i++;
	if (i == len) {
		char *o = malloc(len + 1);

		if (o == NULL)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		for (i = 0; i < len; i++)
			o[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 :
			    s[i]);
		o[len] = '\0';
		*out = o;
		*outlen = len;
		return 0;
	}
	bad = voc_text_utf8_check(s, len);
	if (bad != len)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "invalid UTF-8 at byte %zu", bad);
	if (len > (size_t)SSIZE_MAX / 8)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "text of %zu bytes is too long", len);
	/* STRIPCC turns tabs and line breaks into spaces, so the MeCab
	 * input below never holds its own field separators. */
	n = utf8proc_map_custom((const utf8proc_uint8_t *)s,
	    (utf8proc_ssize_t)len, &dst, UTF8PROC_STABLE | UTF8PROC_COMPAT |
	    UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE |
	    UTF8PROC_STRIPCC, apostrophe, NULL);
	if (n < 0) {
		free(dst);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "cannot normalise text: %s", utf8proc_errmsg(n));
	}
	*out = (char *)dst;
	*outlen = (size_t)n;
	return 0;
}

/* ---------------------------------------------------------------------
 * Data files
 */

static int
readable(const char *dir, const char *name, char *buf, size_t size)
{
	int w = snprintf(buf, size, "%s/%s", dir, name);

	return w > 0 && (size_t)w < size && access(buf, R_OK) == 0;
}

int
voc_data_path(const char *name, char *buf, size_t size,
    struct voc_error *err)
{
	const char *env = getenv("VOCKIT_DATA");
	char exe[PATH_MAX], dir[PATH_MAX + 32];
	ssize_t n;

	if (env != NULL && *env != '\0' && readable(env, name, buf, size))
		return 0;
	if (readable(VOC_DATADIR, name, buf, size))
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(dir, sizeof(dir), "%s/../data", exe);
			if (readable(dir, name, buf, size))
				return 0;
			snprintf(dir, sizeof(dir), "%s/../share/vockit", exe);
			if (readable(dir, name, buf, size))
				return 0;
		}
	}
	if (size > 0)
		buf[0] = '\0';
	return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
	    "data file %s not found (looked in $VOCKIT_DATA, %s, and ../data "
	    "and ../share/vockit beside the program)", name, VOC_DATADIR);
}

/* ---------------------------------------------------------------------
 * Characters
 */

enum cclass { C_SEP, C_WORD, C_APOS, C_KANJI, C_HIRA, C_KATA };

static enum cclass
cclass(utf8proc_int32_t cp)
{
	if (cp == '\'')
		return C_APOS;
	if ((cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x309D && cp <= 0x309F))
		return C_HIRA;
	if ((cp >= 0x30A1 && cp <= 0x30FA) || (cp >= 0x30FC && cp <= 0x30FF) ||
	    (cp >= 0x31F0 && cp <= 0x31FF))
		return C_KATA;
	if ((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	    (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF)
	    || cp == 0x3005 || cp == 0x3006)
		return C_KANJI;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND:
		return C_WORD;
	default:
		return C_SEP;
	}
}

static int
is_japanese(enum cclass c)
{
	return c == C_KANJI || c == C_HIRA || c == C_KATA;
}

/* Decodes the code point at s[i] (valid UTF-8) and sets *n to its size. */
static utf8proc_int32_t
decode(const char *s, size_t len, size_t i, size_t *n)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
	    (utf8proc_ssize_t)(len - i), &cp);

	*n = k > 0 ? (size_t)k : 1;
	return k > 0 ? cp : 0xFFFD;
}

/* ---------------------------------------------------------------------
 * A growable byte buffer
 */

struct buf {
	char *p;
	size_t len, cap;
};

static int
buf_reserve(struct buf *b, size_t more)
{
	if (b->len + more + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + more + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	return 0;
}

static int
buf_add(struct buf *b, const char *s, size_t len)
{
	if (buf_reserve(b, len) < 0)
		return -1;
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

/* ---------------------------------------------------------------------
 * The vocabulary: an arena of strings that never move, and an
 * open-addressing table (linear probing, at most half full) of ids + 1.
 */

#define ARENA_CHUNK 65536

struct voc_vocab {
	char **chunk;
	size_t nchunk, used;	/* bytes used in the last chunk */
	size_t chunk_size;	/* size of the last chunk */
	const char **str;
	size_t *slen;
	unsigned long *df, *cf, *stamp;
	size_t n, cap;
	uint32_t *slot;
	size_t nslot;
	unsigned long ndocs;
};

static uint64_t
hash_bytes(const char *s, size_t len)
{
	/* FNV-1a, 64 bits. */
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct voc_vocab *
voc_vocab_new(struct voc_error *err)
{
	struct voc_vocab *v = calloc(1, sizeof(*v));

	if (v == NULL || (v->slot = calloc(64, sizeof(*v->slot))) == NULL) {
		free(v);
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	v->nslot = 64;
	return v;
}

void
voc_vocab_free(struct voc_vocab *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->nchunk; i++)
		free(v->chunk[i]);
	free(v->chunk);
	free(v->str);
	free(v->slen);
	free(v->df);
	free(v->cf);
	free(v->stamp);
	free(v->slot);
	free(v);
}

static long
vocab_lookup(const struct voc_vocab *v, const char *s, size_t len,
    size_t *where)
{
	size_t mask = v->nslot - 1;
	size_t i = (size_t)hash_bytes(s, len) & mask;

	for (;; i = (i + 1) & mask) {
		uint32_t id = v->slot[i];

		if (id == 0) {
			if (where != NULL)
				*where = i;
			return -1;
		}
		id--;
		if (v->slen[id] == len && memcmp(v->str[id], s, len) == 0)
			return (long)id;
	}
}

long
voc_vocab_find(const struct voc_vocab *v, const char *s, size_t len)
{
	return vocab_lookup(v, s, len, NULL);
}

static char *
arena_copy(struct voc_vocab *v, const char *s, size_t len)
{
	char *p;

	if (v->nchunk == 0 || v->chunk_size - v->used < len + 1) {
		size_t size = len + 1 > ARENA_CHUNK ? len + 1 : ARENA_CHUNK;
		char **c = realloc(v->chunk, (v->nchunk + 1) * sizeof(*c));

		if (c == NULL)
			return NULL;
		v->chunk = c;
		if ((c[v->nchunk] = malloc(size)) == NULL)
			return NULL;
		v->nchunk++;
		v->chunk_size = size;
		v->used = 0;
	}
	p = v->chunk[v->nchunk - 1] + v->used;
	memcpy(p, s, len);
	p[len] = '\0';
	v->used += len + 1;
	return p;
}

static int
vocab_grow(struct voc_vocab *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		void *p;

#define GROW(field) do { \
	if ((p = realloc(v->field, cap * sizeof(*v->field))) == NULL) \
		return -1; \
	v->field = p; \
} while (0)
		GROW(str);
		GROW(slen);
		GROW(df);
		GROW(cf);
		GROW(stamp);
#undef GROW
		v->cap = cap;
	}
	if ((v->n + 1) * 2 > v->nslot) {
		size_t nslot = v->nslot * 2, mask = nslot - 1;
		uint32_t *slot = calloc(nslot, sizeof(*slot));

		if (slot == NULL)
			return -1;
		for (size_t id = 0; id < v->n; id++) {
			size_t i = (size_t)hash_bytes(v->str[id], v->slen[id])
			    & mask;

			while (slot[i] != 0)
				i = (i + 1) & mask;
			slot[i] = (uint32_t)id + 1;
		}
		free(v->slot);
		v->slot = slot;
		v->nslot = nslot;
	}
	return 0;
}

long
voc_vocab_intern(struct voc_vocab *v, const char *s, size_t len,
    struct voc_error *err)
{
	size_t where;
	long id = vocab_lookup(v, s, len, &where);
	char *copy;

	if (id >= 0)
		return id;
	if (v->n >= UINT32_MAX - 1)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "more than %lu distinct terms", (unsigned long)UINT32_MAX);
	if (vocab_grow(v) < 0 || (copy = arena_copy(v, s, len)) == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	/* The table may have been rebuilt: find the empty slot again. */
	vocab_lookup(v, s, len, &where);
	v->str[v->n] = copy;
	v->slen[v->n] = len;
	v->df[v->n] = v->cf[v->n] = v->stamp[v->n] = 0;
	v->slot[where] = (uint32_t)v->n + 1;
	return (long)v->n++;
}

size_t
voc_vocab_size(const struct voc_vocab *v)
{
	return v->n;
}

const char *
voc_vocab_str(const struct voc_vocab *v, uint32_t id, size_t *len)
{
	if (id >= v->n)
		return NULL;
	if (len != NULL)
		*len = v->slen[id];
	return v->str[id];
}

int
voc_vocab_count_doc(struct voc_vocab *v, const uint32_t *ids, size_t n,
    struct voc_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] >= v->n)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "term id %lu is not in the vocabulary",
			    (unsigned long)ids[i]);
	/* stamp[id] holds the number (from 1) of the last document that
	 * counted id, so a document counts each term once without a set. */
	v->ndocs++;
	for (size_t i = 0; i < n; i++) {
		v->cf[ids[i]]++;
		if (v->stamp[ids[i]] != v->ndocs) {
			v->stamp[ids[i]] = v->ndocs;
			v->df[ids[i]]++;
		}
	}
	return 0;
}

unsigned long
voc_vocab_ndocs(const struct voc_vocab *v)
{
	return v->ndocs;
}

unsigned long
voc_vocab_df(const struct voc_vocab *v, uint32_t id)
{
	return id < v->n ? v->df[id] : 0;
}

unsigned long
voc_vocab_cf(const struct voc_vocab *v, uint32_t id)
{
	return id < v->n ? v->cf[id] : 0;
}

/* ---------------------------------------------------------------------
 * The tokenizer
 */

/* MeCab's C API, as declared in mecab.h 0.996, on an opaque handle. */
typedef void *(*mecab_new2_fn)(const char *arg);
typedef const char *(*mecab_sparse_tostr2_fn)(void *m, const char *s,
    size_t len);
typedef const char *(*mecab_strerror_fn)(void *m);
typedef void (*mecab_destroy_fn)(void *m);

struct voc_tokenizer {
	struct voc_tokenizer_opts opts;
	struct voc_vocab *stop;
	void *lib, *mecab;
	mecab_sparse_tostr2_fn parse;
	mecab_destroy_fn destroy;
	char status[256];
	/* Output: terms in out (each NUL-terminated), offsets in off. */
	struct buf out, pending;
	size_t *off, *tlen, noff, capoff;
	const char **term;
	unsigned char *adj;
	size_t capterm;
	int link;		/* nothing dropped since the last term */
	int pending_link;
};

static const char debian_ipadic[] = "/var/lib/mecab/dic/ipadic-utf8";

static void
mecab_unload(struct voc_tokenizer *tk)
{
	if (tk->mecab != NULL)
		tk->destroy(tk->mecab);
	if (tk->lib != NULL)
		dlclose(tk->lib);
	tk->mecab = tk->lib = NULL;
}

/*
 * Loads MeCab and checks that its dictionary is an IPADIC read as UTF-8
 * (it must tag テスト as a noun, 名詞): a EUC-JP dictionary or JUMAN's
 * would load but give features this file cannot read.  On failure
 * leaves tk->status saying why and returns -1.
 */
static int
mecab_load(struct voc_tokenizer *tk)
{
	const char *libname = tk->opts.mecab_lib ? tk->opts.mecab_lib :
	    "libmecab.so.2";
	mecab_new2_fn new2;
	mecab_strerror_fn strerr;
	char arg[PATH_MAX + 8];
	const char *r;

	tk->lib = dlopen(libname, RTLD_NOW | RTLD_LOCAL);
	if (tk->lib == NULL) {
		snprintf(tk->status, sizeof(tk->status), "cannot load %s",
		    libname);
		return -1;
	}
	*(void **)&new2 = dlsym(tk->lib, "mecab_new2");
	*(void **)&tk->parse = dlsym(tk->lib, "mecab_sparse_tostr2");
	*(void **)&strerr = dlsym(tk->lib, "mecab_strerror");
	*(void **)&tk->destroy = dlsym(tk->lib, "mecab_destroy");
	if (new2 == NULL || tk->parse == NULL || strerr == NULL ||
	    tk->destroy == NULL) {
		snprintf(tk->status, sizeof(tk->status),
		    "%s lacks MeCab's C API", libname);
		mecab_unload(tk);
		return -1;
	}
	if (tk->opts.mecab_dicdir != NULL)
		snprintf(arg, sizeof(arg), "-d %s", tk->opts.mecab_dicdir);
	else if (access(debian_ipadic, R_OK) == 0)
		snprintf(arg, sizeof(arg), "-d %s", debian_ipadic);
	else
		arg[0] = '\0';
	tk->mecab = new2(arg);
	if (tk->mecab == NULL) {
		snprintf(tk->status, sizeof(tk->status),
		    "MeCab cannot open its dictionary: %s", strerr(NULL));
		mecab_unload(tk);
		return -1;
	}
	r = tk->parse(tk->mecab, "テスト", strlen("テスト"));
	if (r == NULL || strstr(r, "\t名詞,") == NULL) {
		snprintf(tk->status, sizeof(tk->status),
		    "MeCab's dictionary is not an IPADIC in UTF-8");
		mecab_unload(tk);
		return -1;
	}
	tk->status[0] = '\0';
	return 0;
}

struct voc_tokenizer *
voc_tokenizer_new(const struct voc_tokenizer_opts *opts,
    struct voc_error *err)
{
	struct voc_tokenizer *tk = calloc(1, sizeof(*tk));

	if (tk == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	if (opts != NULL)
		tk->opts = *opts;
	if ((tk->stop = voc_vocab_new(err)) == NULL) {
		free(tk);
		return NULL;
	}
	if (tk->opts.mecab == VOC_MECAB_OFF)
		snprintf(tk->status, sizeof(tk->status), "MeCab turned off");
	else if (mecab_load(tk) < 0 && tk->opts.mecab == VOC_MECAB_REQUIRE) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "%s", tk->status);
		voc_tokenizer_free(tk);
		return NULL;
	}
	return tk;
}

void
voc_tokenizer_free(struct voc_tokenizer *tk)
{
	if (tk == NULL)
		return;
	mecab_unload(tk);
	voc_vocab_free(tk->stop);
	free(tk->out.p);
	free(tk->pending.p);
	free(tk->off);
	free(tk->tlen);
	free(tk->term);
	free(tk->adj);
	free(tk);
}

int
voc_tokenizer_has_mecab(const struct voc_tokenizer *tk)
{
	return tk->mecab != NULL;
}

const char *
voc_tokenizer_mecab_status(const struct voc_tokenizer *tk)
{
	return tk->status;
}

int
voc_tokenizer_stopword_add(struct voc_tokenizer *tk, const char *word,
    size_t len, struct voc_error *err)
{
	char *norm;
	size_t nlen;
	int rc;

	if (voc_tokenize_normalize(word, len, &norm, &nlen, err) < 0)
		return -1;
	rc = voc_vocab_intern(tk->stop, norm, nlen, err) < 0 ? -1 : 0;
	free(norm);
	return rc;
}

long
voc_tokenizer_stopwords_file(struct voc_tokenizer *tk, const char *path,
    struct voc_error *err)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	long lineno = 0, words = 0;

	if (fp == NULL)
		return voc_error_set(err, VOC_ERR_DATA, path, 0, "%s",
		    strerror(errno));
	while ((got = getline(&line, &cap, fp)) >= 0) {
		const char *s = line;
		size_t len = (size_t)got;

		lineno++;
		voc_text_trim(&s, &len);
		if (len == 0 || s[0] == '#')
			continue;
		if (voc_tokenizer_stopword_add(tk, s, len, err) < 0) {
			if (err != NULL) {
				snprintf(err->file, sizeof(err->file), "%s",
				    path);
				err->line = lineno;
			}
			free(line);
			fclose(fp);
			return -1;
		}
		words++;
	}
	free(line);
	if (ferror(fp)) {
		fclose(fp);
		return voc_error_set(err, VOC_ERR_DATA, path, 0,
		    "read error");
	}
	fclose(fp);
	return words;
}

int
voc_tokenizer_stopwords_default(struct voc_tokenizer *tk,
    struct voc_error *err)
{
	static const char *const names[] = {
		"stopwords-en.txt", "stopwords-ja.txt"
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < 2; i++)
		if (voc_data_path(names[i], path, sizeof(path), err) < 0 ||
		    voc_tokenizer_stopwords_file(tk, path, err) < 0)
			return -1;
	return 0;
}

int
voc_tokenizer_is_stopword(const struct voc_tokenizer *tk, const char *term,
    size_t len)
{
	return voc_vocab_find(tk->stop, term, len) >= 0;
}

static int
all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return len > 0;
}

/*
 * Emits one term, or drops it (and breaks adjacency) when it is a stop
 * word or a number.  adjacent says whether the term directly follows
 * the unit before it in the text.
 */
static int
emit(struct voc_tokenizer *tk, const char *s, size_t len, int adjacent)
{
	if (len == 0 || all_digits(s, len) || (!tk->opts.keep_stopwords &&
	    voc_tokenizer_is_stopword(tk, s, len))) {
		tk->link = 0;
		return 0;
	}
	if (tk->noff == tk->capoff) {
		size_t cap = tk->capoff ? tk->capoff * 2 : 64;
		size_t *o = realloc(tk->off, cap * sizeof(*o));
		size_t *l;
		unsigned char *a;

		if (o == NULL)
			return -1;
		tk->off = o;
		if ((l = realloc(tk->tlen, cap * sizeof(*l))) == NULL)
			return -1;
		tk->tlen = l;
		if ((a = realloc(tk->adj, cap)) == NULL)
			return -1;
		tk->adj = a;
		tk->capoff = cap;
	}
	tk->off[tk->noff] = tk->out.len;
	tk->tlen[tk->noff] = len;
	tk->adj[tk->noff] = (unsigned char)(tk->noff > 0 && tk->link &&
	    adjacent);
	tk->noff++;
	if (buf_add(&tk->out, s, len) < 0 || buf_add(&tk->out, "", 1) < 0)
		return -1;
	tk->link = 1;
	return 0;
}

/* Emits a word of a spaced script, without a final "'s" and without
 * apostrophes at either end. */
static int
emit_word(struct voc_tokenizer *tk, const char *s, size_t len, int adjacent)
{
	while (len > 0 && s[len - 1] == '\'')
		len--;
	if (len > 2 && s[len - 2] == '\'' && s[len - 1] == 's')
		len -= 2;
	while (len > 0 && s[0] == '\'') {
		s++;
		len--;
	}
	return emit(tk, s, len, adjacent);
}

/* ---- MeCab ---- */

/* Field k (0-based) of a comma-separated IPADIC feature string. */
static const char *
feature(const char *f, size_t flen, int k, size_t *len)
{
	size_t i = 0;

	for (int j = 0; j < k; j++) {
		const char *c = memchr(f + i, ',', flen - i);

		if (c == NULL) {
			*len = 0;
			return "";
		}
		i = (size_t)(c - f) + 1;
	}
	const char *c = memchr(f + i, ',', flen - i);
	*len = c ? (size_t)(c - f) - i : flen - i;
	return f + i;
}

static int
feq(const char *f, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(f, lit, len) == 0;
}

static int
flush_pending(struct voc_tokenizer *tk)
{
	int rc = 0;

	if (tk->pending.len > 0)
		rc = emit(tk, tk->pending.p, tk->pending.len,
		    tk->pending_link);
	tk->pending.len = 0;
	return rc;
}

/*
 * One MeCab morpheme.  IPADIC features are POS, POS subtypes 1-3,
 * conjugation type and form, base form (原形), reading, pronunciation.
 * A noun is held as pending so that a suffix can join it.
 */
static int
mecab_morpheme(struct voc_tokenizer *tk, const char *surf, size_t slen,
    const char *f, size_t flen)
{
	size_t plen, p1len, blen;
	const char *pos = feature(f, flen, 0, &plen);
	const char *p1 = feature(f, flen, 1, &p1len);
	const char *base = feature(f, flen, 6, &blen);
	int had_pending = tk->pending.len > 0;

	if (blen == 0 || feq(base, blen, "*")) {
		base = surf;
		blen = slen;
	}
	if (feq(pos, plen, "名詞") && feq(p1, p1len, "接尾")) {
		size_t p2len;
		const char *p2 = feature(f, flen, 2, &p2len);

		if (had_pending && (feq(p2, p2len, "一般") ||
		    feq(p2, p2len, "地域") || feq(p2, p2len, "サ変接続") ||
		    feq(p2, p2len, "形容動詞語幹")))
			return buf_add(&tk->pending, surf, slen);
		if (flush_pending(tk) < 0)
			return -1;
		tk->link = 0;
		return 0;
	}
	if (flush_pending(tk) < 0)
		return -1;
	if (feq(pos, plen, "名詞")) {
		if (feq(p1, p1len, "一般") || feq(p1, p1len, "固有名詞") ||
		    feq(p1, p1len, "サ変接続") ||
		    feq(p1, p1len, "形容動詞語幹") ||
		    feq(p1, p1len, "ナイ形容詞語幹")) {
			tk->pending_link = tk->link;
			/* The pending noun is adjacent to what precedes it
			 * only through pending_link: hold link until the
			 * noun is emitted. */
			return buf_add(&tk->pending, base, blen);
		}
	} else if ((feq(pos, plen, "動詞") || feq(pos, plen, "形容詞")) &&
	    feq(p1, p1len, "自立"))
		return emit(tk, base, blen, 1);
	tk->link = 0;
	return 0;
}

static int
mecab_span(struct voc_tokenizer *tk, const char *s, size_t len,
    struct voc_error *err)
{
	const char *r = tk->parse(tk->mecab, s, len);

	if (r == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "MeCab failed on the text");
	while (*r != '\0') {
		const char *nl = strchr(r, '\n');
		size_t llen = nl ? (size_t)(nl - r) : strlen(r);
		const char *tab = memchr(r, '\t', llen);

		if (tab != NULL && mecab_morpheme(tk, r, (size_t)(tab - r),
		    tab + 1, llen - (size_t)(tab - r) - 1) < 0)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		r += llen + (nl != NULL);
	}
	if (flush_pending(tk) < 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	return 0;
}

/* ---- The fallback ---- */

/*
 * Common adjectives in dictionary form, kanji and kana spellings, that
 * the fallback finds by their stem (the form less its final い) and one
 * inflection kana after it: 狭く, 狭かった, 狭さ.  A one-kana stem
 * (いい, よい) would match inside too many words, so those two match
 * only whole.
 */
static const char *const adjectives[] = {
	"良い", "よい", "いい", "悪い", "高い", "安い", "広い", "狭い",
	"多い", "少ない", "遠い", "近い", "早い", "遅い", "古い", "新しい",
	"美味しい", "おいしい", "旨い", "うまい", "不味い", "まずい",
	"楽しい", "たのしい", "嬉しい", "うれしい", "優しい", "やさしい",
	"寂しい", "悲しい", "難しい", "汚い", "きたない", "暑い", "寒い",
	"暖かい", "温かい", "涼しい", "長い", "短い", "強い", "弱い",
	"明るい", "暗い", "可愛い", "かわいい", "美しい", "素晴らしい",
	"すばらしい", "凄い", "すごい", "酷い", "ひどい", "怖い", "痛い",
	"辛い", "甘い", "忙しい", "詳しい", "珍しい", "懐かしい",
	"大きい", "小さい", "細かい", "危ない", "重い", "軽い", "面白い",
	"おもしろい", "つまらない", "分かりやすい", "わかりやすい",
	"分かりにくい", "わかりにくい", "見やすい", "見にくい",
	"使いやすい", "使いにくい", "心地よい", "気持ちいい", "うるさい",
	"煩い", "臭い", "くさい", "眩しい", "騒がしい", "物足りない",
};

static int
is_inflection(utf8proc_int32_t cp)
{
	/* い く か け さ す そ: dictionary form, -ku, -katta, -kereba,
	 * -sa, -sugiru, -sou. */
	return cp == 0x3044 || cp == 0x304F || cp == 0x304B || cp == 0x3051 ||
	    cp == 0x3055 || cp == 0x3059 || cp == 0x305D;
}

/* The adjective starting at s[i], if any: sets *end past the inflection
 * kana and returns its dictionary form. */
static const char *
match_adjective(const char *s, size_t len, size_t i, size_t *end)
{
	const char *best = NULL;
	size_t bestlen = 0;

	for (size_t k = 0; k < sizeof(adjectives) / sizeof(*adjectives);
	    k++) {
		const char *a = adjectives[k];
		size_t alen = strlen(a), stem = alen - 3, n;

		/* "い" is 3 bytes; a stem of one kana is 3 bytes too. */
		if (alen < 6 || memcmp(a + stem, "い", 3) != 0)
			continue;
		if (stem == 3 && cclass(decode(a, alen, 0, &n)) == C_HIRA) {
			if (len - i >= alen && memcmp(s + i, a, alen) == 0 &&
			    alen > bestlen) {
				best = a;
				bestlen = alen;
				*end = i + alen;
			}
			continue;
		}
		if (len - i <= stem || memcmp(s + i, a, stem) != 0 ||
		    stem <= bestlen)
			continue;
		if (is_inflection(decode(s, len, i + stem, &n))) {
			best = a;
			bestlen = stem;
			*end = i + stem + n;
		}
	}
	return best;
}

/* Hiragana that start a particle: が は を に で と も の へ や か よ. */
static int
is_particle_start(utf8proc_int32_t cp)
{
	static const utf8proc_int32_t p[] = {
		0x304C, 0x306F, 0x3092, 0x306B, 0x3067, 0x3068, 0x3082,
		0x306E, 0x3078, 0x3084, 0x304B, 0x3088
	};
	for (size_t i = 0; i < sizeof(p) / sizeof(*p); i++)
		if (cp == p[i])
			return 1;
	return 0;
}

/*
 * voc_tokenizer_fallback: the Japanese span s[0..len) without MeCab.
 * From left to right: an adjective of the list above gives its
 * dictionary form; a kanji run is a term when 2 or 3 characters long,
 * is cut into overlapping bigrams when longer (the usual fallback of
 * Japanese search engines: a bigram of a long compound is mostly a word
 * of it), and when 1 character long is kept only before a particle or
 * at the end (before other kana it is mostly the stem of a verb, 行き,
 * 見て); a katakana run of 2 or more is a term (loanwords, whose kana
 * bigrams would mean nothing); hiragana is dropped.
 */
static int
fallback_span(struct voc_tokenizer *tk, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n, end;
		const char *adj = match_adjective(s, len, i, &end);
		utf8proc_int32_t cp;
		enum cclass c;

		if (adj != NULL) {
			if (emit(tk, adj, strlen(adj), 1) < 0)
				return -1;
			i = end;
			continue;
		}
		cp = decode(s, len, i, &n);
		c = cclass(cp);
		if (c == C_HIRA) {
			tk->link = 0;
			i += n;
			continue;
		}
		/* A run of one class, stopping where an adjective starts. */
		size_t j = i + n, nch = 1, e2;

		while (j < len) {
			size_t m;
			utf8proc_int32_t d = decode(s, len, j, &m);

			if (cclass(d) != c || match_adjective(s, len, j, &e2))
				break;
			j += m;
			nch++;
		}
		if (c == C_KATA) {
			if (nch >= 2) {
				if (emit(tk, s + i, j - i, 1) < 0)
					return -1;
			} else
				tk->link = 0;
		} else if (nch == 1) {
			size_t m;

			if (j >= len || is_particle_start(decode(s, len, j, &m)))
			{
				if (emit(tk, s + i, j - i, 1) < 0)
					return -1;
			} else
				tk->link = 0;
		} else if (nch <= 3) {
			if (emit(tk, s + i, j - i, 1) < 0)
				return -1;
		} else {
			size_t a = i;

			for (size_t k = 0; k + 1 < nch; k++) {
				size_t m1, m2;

				decode(s, len, a, &m1);
				decode(s, len, a + m1, &m2);
				if (emit(tk, s + a, m1 + m2, k == 0) < 0)
					return -1;
				a += m1;
			}
		}
		i = j;
	}
	return 0;
}

int
voc_tokenizer_run(struct voc_tokenizer *tk, const char *text, size_t tlen,
    struct voc_terms *out, struct voc_error *err)
{
	char *s;
	size_t len, i = 0;

	memset(out, 0, sizeof(*out));
	tk->out.len = 0;
	tk->noff = 0;
	tk->pending.len = 0;
	tk->link = 0;
	if (voc_tokenize_normalize(text, tlen, &s, &len, err) < 0)
		return -1;
	while (i < len) {
		size_t n, j;
		enum cclass c = cclass(decode(s, len, i, &n));

		if (c == C_SEP) {
			if (s[i] != ' ')
				tk->link = 0;
			i += n;
			continue;
		}
		j = i + n;
		while (j < len) {
			size_t m;
			enum cclass d = cclass(decode(s, len, j, &m));

			if (is_japanese(c) ? !is_japanese(d) :
			    (d != C_WORD && d != C_APOS))
				break;
			j += m;
		}
		int rc;
		if (!is_japanese(c)) {
			if ((rc = emit_word(tk, s + i, j - i, 1)) < 0)
				voc_error_set(err, VOC_ERR_DATA, NULL, 0,
				    "out of memory");
		} else {
			/* A Japanese span never continues a phrase of the
			 * word before it. */
			tk->link = 0;
			if (tk->mecab != NULL)
				rc = mecab_span(tk, s + i, j - i, err);
			else if ((rc = fallback_span(tk, s + i, j - i)) < 0)
				voc_error_set(err, VOC_ERR_DATA, NULL, 0,
				    "out of memory");
		}
		if (rc < 0) {
			free(s);
			return -1;
		}
		/* Between two spans of different kinds (ＪＲ敦賀) there is no
		 * space, but they are still not one phrase; a word is
		 * adjacent to the next across spaces only. */
		if (is_japanese(c) || j >= len || s[j] != ' ')
			tk->link = 0;
		i = j;
	}
	free(s);
	if (tk->noff > tk->capterm) {
		const char **t = realloc(tk->term, tk->noff * sizeof(*t));

		if (t == NULL)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		tk->term = t;
		tk->capterm = tk->noff;
	}
	for (size_t k = 0; k < tk->noff; k++)
		tk->term[k] = tk->out.p + tk->off[k];
	out->n = tk->noff;
	out->term = tk->term;
	out->len = tk->tlen;
	out->adjacent = tk->adj;
	return 0;
}

/* ---------------------------------------------------------------------
 * Phrases
 */

struct pair {
	uint64_t key;		/* a << 32 | b; 0 free (a pair 0,0 is key 0
				 * too, so keys are stored + 1) */
	unsigned long count;
};

struct voc_phrases {
	unsigned long *uni;
	size_t nuni;
	unsigned long ntokens;
	struct pair *pair;
	size_t npair, cappair;
	struct voc_phrase *found;
	size_t nfound;
	uint64_t *set;		/* the found pairs' keys + 1 */
	size_t nset;
};

static size_t
hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

struct voc_phrases *
voc_phrases_new(struct voc_error *err)
{
	struct voc_phrases *p = calloc(1, sizeof(*p));

	if (p == NULL)
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
	return p;
}

void
voc_phrases_free(struct voc_phrases *p)
{
	if (p == NULL)
		return;
	free(p->uni);
	free(p->pair);
	free(p->found);
	free(p->set);
	free(p);
}

static int
pair_add(struct voc_phrases *p, uint64_t key)
{
	size_t mask, i;

	if ((p->npair + 1) * 2 > p->cappair) {
		size_t cap = p->cappair ? p->cappair * 2 : 1024;
		struct pair *t = calloc(cap, sizeof(*t));

		if (t == NULL)
			return -1;
		for (size_t k = 0; k < p->cappair; k++) {
			if (p->pair[k].key == 0)
				continue;
			i = hash64(p->pair[k].key) & (cap - 1);
			while (t[i].key != 0)
				i = (i + 1) & (cap - 1);
			t[i] = p->pair[k];
		}
		free(p->pair);
		p->pair = t;
		p->cappair = cap;
	}
	mask = p->cappair - 1;
	for (i = hash64(key) & mask; p->pair[i].key != 0; i = (i + 1) & mask)
		if (p->pair[i].key == key) {
			p->pair[i].count++;
			return 0;
		}
	p->pair[i].key = key;
	p->pair[i].count = 1;
	p->npair++;
	return 0;
}

int
voc_phrases_add_doc(struct voc_phrases *p, const uint32_t *ids,
    const unsigned char *adjacent, size_t n, struct voc_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (ids[i] >= p->nuni) {
			size_t cap = p->nuni ? p->nuni : 256;
			unsigned long *u;

			while (cap <= ids[i])
				cap *= 2;
			if ((u = realloc(p->uni, cap * sizeof(*u))) == NULL)
				return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
				    "out of memory");
			memset(u + p->nuni, 0, (cap - p->nuni) * sizeof(*u));
			p->uni = u;
			p->nuni = cap;
		}
		p->uni[ids[i]]++;
		p->ntokens++;
		if (i > 0 && (adjacent == NULL || adjacent[i]) &&
		    pair_add(p, ((uint64_t)ids[i - 1] << 32 | ids[i]) + 1) < 0)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
	}
	return 0;
}

static int
phrase_cmp(const void *x, const void *y)
{
	const struct voc_phrase *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return (a->b > b->b) - (a->b < b->b);
}

static int
set_has(const struct voc_phrases *p, uint64_t key)
{
	size_t mask = p->nset - 1;

	if (p->nset == 0)
		return 0;
	for (size_t i = hash64(key) & mask; p->set[i] != 0; i = (i + 1) & mask)
		if (p->set[i] == key)
			return 1;
	return 0;
}

const struct voc_phrase *
voc_phrases_find(struct voc_phrases *p, enum voc_phrase_scorer scorer,
    unsigned long min_count, double threshold, size_t vocab_size, size_t *n,
    struct voc_error *err)
{
	double total = (double)p->ntokens;
	size_t k = 0, nset;

	*n = 0;
	if (min_count < 1)
		min_count = 1;
	free(p->found);
	p->found = malloc((p->npair + 1) * sizeof(*p->found));
	if (p->found == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < p->cappair; i++) {
		const struct pair *q = &p->pair[i];
		uint64_t key;
		uint32_t a, b;
		double s, ca, cb, cab;

		if (q->key == 0 || q->count < min_count)
			continue;
		key = q->key - 1;
		a = (uint32_t)(key >> 32);
		b = (uint32_t)key;
		ca = (double)p->uni[a];
		cb = (double)p->uni[b];
		cab = (double)q->count;
		if (scorer == VOC_PHRASE_NPMI) {
			double pab = cab / total;

			s = log(pab / ((ca / total) * (cb / total))) / -log(pab);
		} else
			s = (cab - (double)min_count) / (ca * cb) *
			    (double)vocab_size;
		if (!(s > threshold))
			continue;
		p->found[k].a = a;
		p->found[k].b = b;
		p->found[k].count = q->count;
		p->found[k].score = s;
		k++;
	}
	qsort(p->found, k, sizeof(*p->found), phrase_cmp);
	p->nfound = k;
	for (nset = 16; nset < 2 * k + 2; nset *= 2)
		;
	free(p->set);
	if ((p->set = calloc(nset, sizeof(*p->set))) == NULL) {
		p->nset = 0;
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	p->nset = nset;
	for (size_t i = 0; i < k; i++) {
		uint64_t key = ((uint64_t)p->found[i].a << 32 | p->found[i].b)
		    + 1;
		size_t j = hash64(key) & (nset - 1);

		while (p->set[j] != 0)
			j = (j + 1) & (nset - 1);
		p->set[j] = key;
	}
	*n = k;
	return p->found;
}

/* Whether the last code point of s[0..len) is Japanese. */
static int
ends_japanese(const char *s, size_t len)
{
	size_t i = len, n;

	if (len == 0)
		return 0;
	do
		i--;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
	return is_japanese(cclass(decode(s, len, i, &n)));
}

long
voc_phrases_apply(const struct voc_phrases *p, struct voc_vocab *v,
    uint32_t *ids, unsigned char *adjacent, size_t *n, struct voc_error *err)
{
	struct buf b = {0};
	size_t k = 0, i = 0;
	long merges = 0;

	while (i < *n) {
		if (i + 1 < *n && (adjacent == NULL || adjacent[i + 1]) &&
		    set_has(p, ((uint64_t)ids[i] << 32 | ids[i + 1]) + 1)) {
			size_t la, lb, m;
			const char *a = voc_vocab_str(v, ids[i], &la);
			const char *c = voc_vocab_str(v, ids[i + 1], &lb);
			long id;

			if (a == NULL || c == NULL) {
				free(b.p);
				return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
				    "term id not in the vocabulary");
			}
			b.len = 0;
			int latin = !ends_japanese(a, la) &&
			    !is_japanese(cclass(decode(c, lb, 0, &m)));
			if (buf_add(&b, a, la) < 0 ||
			    (latin && buf_add(&b, "_", 1) < 0) ||
			    buf_add(&b, c, lb) < 0) {
				free(b.p);
				return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
				    "out of memory");
			}
			if ((id = voc_vocab_intern(v, b.p, b.len, err)) < 0) {
				free(b.p);
				return -1;
			}
			ids[k] = (uint32_t)id;
			if (adjacent != NULL)
				adjacent[k] = adjacent[i];
			merges++;
			i += 2;
		} else {
			ids[k] = ids[i];
			if (adjacent != NULL)
				adjacent[k] = adjacent[i];
			i++;
		}
		k++;
	}
	free(b.p);
	*n = k;
	return merges;
}
