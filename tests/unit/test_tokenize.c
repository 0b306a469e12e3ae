/*
 * tokenize: normalisation, data paths, English and Japanese terms with
 * MeCab (which `make deps` installs, so it is required here) and with the
 * fallback, stop words, the vocabulary, and phrases on a corpus whose
 * NPMI scores are worked by hand below.  Two threads with a tokenizer
 * each must give what one thread gives.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>

#include "check.h"
#include "voc/tokenize.h"

static char got[4096];

/* The terms of text joined by '|', adjacent terms marked with a '+'. */
static const char *
terms(struct voc_tokenizer *tk, const char *text)
{
	struct voc_error err = {0};
	struct voc_terms t;
	size_t n = 0;

	if (voc_tokenizer_run(tk, text, strlen(text), &t, &err) < 0) {
		snprintf(got, sizeof(got), "error: %s", err.msg);
		return got;
	}
	got[0] = '\0';
	for (size_t i = 0; i < t.n && n < sizeof(got) - 1; i++) {
		CHECK(strlen(t.term[i]) == t.len[i]);
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s%s",
		    i ? "|" : "", t.adjacent[i] ? "+" : "", t.term[i]);
	}
	return got;
}

static const char *
norm(const char *s)
{
	struct voc_error err = {0};
	char *out;
	size_t len;

	if (voc_tokenize_normalize(s, strlen(s), &out, &len, &err) < 0) {
		snprintf(got, sizeof(got), "error: %s", err.msg);
		return got;
	}
	snprintf(got, sizeof(got), "%s", out);
	CHECK(strlen(out) == len);
	free(out);
	return got;
}

/* Printable ASCII takes a path of its own: it must agree with utf8proc
 * (the flags voc_tokenize_normalize gives it) on every such string. */
static int
ascii_agrees(int n)
{
	uint64_t x = 0x9E3779B97F4A7C15ULL;

	for (int i = 0; i < n; i++) {
		char s[64], *out;
		utf8proc_uint8_t *ref = NULL;
		size_t len = (size_t)(i % 60), olen;
		struct voc_error err = {0};

		for (size_t k = 0; k < len; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			s[k] = (char)(0x20 + x % 95);
		}
		s[len] = '\0';
		utf8proc_ssize_t rn = utf8proc_map((const utf8proc_uint8_t *)s,
		    (utf8proc_ssize_t)len, &ref, UTF8PROC_STABLE |
		    UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
		    UTF8PROC_IGNORE | UTF8PROC_STRIPCC);
		int same = voc_tokenize_normalize(s, len, &out, &olen,
		    &err) == 0 && rn >= 0 && (size_t)rn == olen &&
		    memcmp(out, ref, olen) == 0 && out[olen] == '\0';
		free(out);
		free(ref);
		if (!same) {
			fprintf(stderr, "ascii: \"%s\" differs\n", s);
			return 0;
		}
	}
	return 1;
}

static void
normalisation(void)
{
	struct voc_error err = {0};
	char *out;
	size_t len;

	CHECK_STR(norm("ＡＢＣ"), "abc");
	CHECK_STR(norm("ｶﾀｶﾅ"), "カタカナ");
	CHECK_STR(norm("ｶﾞｲﾄﾞ"), "ガイド");
	CHECK_STR(norm("Straße ＮＯ１"), "strasse no1");
	CHECK_STR(norm("don\xE2\x80\x99t"), "don't");
	CHECK_STR(norm("a\tb\nc"), "a b c");
	CHECK_STR(norm("Don't STOP, ok?"), "don't stop, ok?");
	CHECK(ascii_agrees(20000));
	CHECK(voc_tokenize_normalize("ok\xC3(", 4, &out, &len, &err) == -1);
	CHECK(out == NULL);
	CHECK(strstr(err.msg, "byte 2") != NULL);
}

static void
data_path(void)
{
	struct voc_error err = {0};
	char buf[512];

	setenv("VOCKIT_DATA", "data", 1);
	CHECK(voc_data_path("stopwords-en.txt", buf, sizeof(buf), &err) == 0);
	CHECK_STR(buf, "data/stopwords-en.txt");
	CHECK(voc_data_path("no-such-file.txt", buf, sizeof(buf), &err) == -1);
	CHECK(strstr(err.msg, "no-such-file.txt") != NULL);
	CHECK(voc_data_path("stopwords-en.txt", buf, 8, &err) == -1);
}

static void
english(struct voc_tokenizer *tk)
{
	CHECK_STR(terms(tk, "The waiting time was TOO long; the customer's "
	    "service isn't good!"),
	    "waiting|+time|long|customer|+service|good");
	/* Numbers go, words with digits stay; apostrophes at either end go. */
	CHECK_STR(terms(tk, "3 stars, 'mp3' 2024"), "stars|mp3");
	CHECK_STR(terms(tk, "Café  ＣＡＦÉ"), "café|+café");
	CHECK_STR(terms(tk, ""), "");
	CHECK_STR(terms(tk, "ab\xFF"), "error: invalid UTF-8 at byte 2");
}

static void
japanese_mecab(struct voc_tokenizer *tk)
{
	CHECK(voc_tokenizer_has_mecab(tk));
	CHECK_STR(voc_tokenizer_mecab_status(tk), "");
	CHECK_STR(terms(tk, "駐車場が狭くて不便でした"), "駐車場|狭い|不便");
	/* Suffixes join their noun (福井|県, 郵便|局); the counter after a
	 * number goes with it; 待たさ is the verb 待たす. */
	CHECK_STR(terms(tk, "待ち時間が長かった。福井県の郵便局で3時間待たされた"),
	    "待ち時間|長い|福井県|郵便局|待たす");
	/* Nouns side by side stay adjacent, for phrases. */
	CHECK_STR(terms(tk, "駐車料金は美味しくなかった"), "駐車|+料金|美味しい");
	CHECK_STR(terms(tk, "ｶﾀｶﾅのスタッフ"), "カタカナ|スタッフ");
	/* English inside Japanese is still cut as words; a hyphen is not
	 * a space, so wi and fi are not adjacent. */
	CHECK_STR(terms(tk, "JRの駅がwi-fi"), "jr|駅|wi|fi");
}

static void
japanese_fallback(struct voc_tokenizer *tk)
{
	CHECK(!voc_tokenizer_has_mecab(tk));
	CHECK_STR(terms(tk, "駐車場が狭くて不便でした"), "駐車場|狭い|不便");
	/* A long kanji run becomes bigrams; a single kanji before kana
	 * that are not a particle (行き) is a verb stem and goes; 店 before
	 * に stays. */
	CHECK_STR(terms(tk, "恐竜博物館の店に行きました"),
	    "恐竜|竜博|博物|物館|店");
	/* Kana adjectives are found, other hiragana dropped. */
	CHECK_STR(terms(tk, "すごくおいしかったです"), "すごい|+おいしい");
	CHECK_STR(terms(tk, "ｶﾀｶﾅのスタッフ"), "カタカナ|スタッフ");
}

static void
stopwords(void)
{
	struct voc_error err = {0};
	struct voc_tokenizer_opts o = {.mecab = VOC_MECAB_OFF};
	struct voc_tokenizer *tk = voc_tokenizer_new(&o, &err);
	char path[] = "/tmp/voc-stopwords-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp;

	CHECK(tk != NULL && fd >= 0);
	if (tk == NULL || fd < 0)
		return;
	CHECK_STR(terms(tk, "The staff"), "the|+staff");
	CHECK(voc_tokenizer_stopword_add(tk, "ＴＨＥ", strlen("ＴＨＥ"), &err)
	    == 0);
	CHECK(voc_tokenizer_is_stopword(tk, "the", 3));
	CHECK_STR(terms(tk, "The staff"), "staff");
	fp = fdopen(fd, "w");
	fputs("# my words\n\n  staff \nスタッフ\n", fp);
	fclose(fp);
	CHECK(voc_tokenizer_stopwords_file(tk, path, &err) == 2);
	CHECK_STR(terms(tk, "The staff, the スタッフ and food"), "and|+food");
	fp = fopen(path, "w");
	fputs("ok\nbad\xFF\n", fp);
	fclose(fp);
	CHECK(voc_tokenizer_stopwords_file(tk, path, &err) == -1);
	CHECK(err.line == 2);
	unlink(path);
	CHECK(voc_tokenizer_stopwords_file(tk, path, &err) == -1);
	/* The shipped lists. */
	CHECK(voc_tokenizer_stopwords_default(tk, &err) == 0);
	CHECK(voc_tokenizer_is_stopword(tk, "and", 3));
	CHECK(voc_tokenizer_is_stopword(tk, "する", strlen("する")));
	CHECK(!voc_tokenizer_is_stopword(tk, "food", 4));
	voc_tokenizer_free(tk);
	/* keep_stopwords: the words are known but kept. */
	o.keep_stopwords = 1;
	tk = voc_tokenizer_new(&o, &err);
	CHECK(tk != NULL);
	if (tk == NULL)
		return;
	CHECK(voc_tokenizer_stopwords_default(tk, &err) == 0);
	CHECK(voc_tokenizer_is_stopword(tk, "the", 3));
	CHECK_STR(terms(tk, "The staff"), "the|+staff");
	voc_tokenizer_free(tk);
}

static void
vocab(void)
{
	struct voc_error err = {0};
	struct voc_vocab *v = voc_vocab_new(&err);
	char word[32];
	size_t len;
	int ok = 1;

	CHECK(voc_vocab_intern(v, "staff", 5, &err) == 0);
	CHECK(voc_vocab_intern(v, "駐車場", strlen("駐車場"), &err) == 1);
	CHECK(voc_vocab_intern(v, "staff", 5, &err) == 0);
	CHECK(voc_vocab_find(v, "staf", 4) == -1);
	CHECK(voc_vocab_find(v, "駐車場", strlen("駐車場")) == 1);
	CHECK_STR(voc_vocab_str(v, 1, &len), "駐車場");
	CHECK(len == strlen("駐車場"));
	CHECK(voc_vocab_str(v, 2, NULL) == NULL);
	/* Enough terms to rehash many times and fill several arena chunks;
	 * the first strings must not move. */
	const char *first = voc_vocab_str(v, 0, NULL);
	for (int i = 0; i < 20000; i++) {
		snprintf(word, sizeof(word), "term%d", i);
		if (voc_vocab_intern(v, word, strlen(word), &err) != i + 2)
			ok = 0;
	}
	CHECK(ok);
	CHECK(voc_vocab_size(v) == 20002);
	CHECK(voc_vocab_str(v, 0, NULL) == first);
	CHECK(voc_vocab_find(v, "term12345", 9) == 12347);
	CHECK_STR(voc_vocab_str(v, 12347, NULL), "term12345");

	/* Document frequency: staff in 2 documents, 3 times. */
	uint32_t d1[] = {0, 0, 1}, d2[] = {0, 2}, bad[] = {0, 99999};
	CHECK(voc_vocab_count_doc(v, d1, 3, &err) == 0);
	CHECK(voc_vocab_count_doc(v, d2, 2, &err) == 0);
	CHECK(voc_vocab_count_doc(v, bad, 2, &err) == -1);
	CHECK(voc_vocab_ndocs(v) == 2);
	CHECK(voc_vocab_df(v, 0) == 2 && voc_vocab_cf(v, 0) == 3);
	CHECK(voc_vocab_df(v, 1) == 1 && voc_vocab_cf(v, 1) == 1);
	CHECK(voc_vocab_df(v, 3) == 0);
	voc_vocab_free(v);
}

static uint32_t
id(struct voc_vocab *v, const char *s)
{
	return (uint32_t)voc_vocab_intern(v, s, strlen(s), NULL);
}

/*
 * Four documents: [waiting time staff] [waiting time food]
 * [waiting time] [staff food]: 10 tokens; waiting 3, time 3, staff 2,
 * food 2; pairs waiting-time 3, time-staff 1, time-food 1, staff-food 1.
 * NPMI(waiting, time) = ln(.3 / (.3 * .3)) / -ln .3 = 1;
 * NPMI(staff, food) = ln(.1 / (.2 * .2)) / -ln .1 = 0.3979400087;
 * NPMI(time, staff) = ln(.1 / (.3 * .2)) / -ln .1 = 0.2218487496.
 * Mikolov with min_count 1 and 4 words: (3 - 1) / 9 * 4 = 0.8888888889.
 */
static void
phrases(void)
{
	struct voc_error err = {0};
	struct voc_vocab *v = voc_vocab_new(&err);
	struct voc_phrases *p = voc_phrases_new(&err);
	uint32_t w = id(v, "waiting"), t = id(v, "time"), s = id(v, "staff"),
	    f = id(v, "food");
	uint32_t d1[] = {w, t, s}, d2[] = {w, t, f}, d3[] = {w, t},
	    d4[] = {s, f};
	const struct voc_phrase *ph;
	size_t n;

	CHECK(voc_phrases_add_doc(p, d1, NULL, 3, &err) == 0);
	CHECK(voc_phrases_add_doc(p, d2, NULL, 3, &err) == 0);
	CHECK(voc_phrases_add_doc(p, d3, NULL, 2, &err) == 0);
	CHECK(voc_phrases_add_doc(p, d4, NULL, 2, &err) == 0);

	ph = voc_phrases_find(p, VOC_PHRASE_NPMI, 2, 0.5, 4, &n, &err);
	CHECK(ph != NULL && n == 1);
	if (ph != NULL && n == 1) {
		CHECK(ph[0].a == w && ph[0].b == t && ph[0].count == 3);
		CHECK_NEAR(ph[0].score, 1.0, 1e-12);
	}
	ph = voc_phrases_find(p, VOC_PHRASE_NPMI, 1, 0.2, 4, &n, &err);
	CHECK(ph != NULL && n == 4);
	if (ph != NULL && n == 4) {
		CHECK(ph[1].a == s && ph[1].b == f);
		CHECK_NEAR(ph[1].score, 0.3979400087, 1e-9);
		CHECK(ph[2].a == t && ph[2].b == s);
		CHECK_NEAR(ph[2].score, 0.2218487496, 1e-9);
		CHECK(ph[3].a == t && ph[3].b == f);
	}
	ph = voc_phrases_find(p, VOC_PHRASE_MIKOLOV, 1, 0.5, 4, &n, &err);
	CHECK(ph != NULL && n == 1);
	if (ph != NULL && n == 1)
		CHECK_NEAR(ph[0].score, 0.8888888889, 1e-9);

	/* Merging with waiting_time and staff_food (NPMI > 0.3). */
	ph = voc_phrases_find(p, VOC_PHRASE_NPMI, 1, 0.3, 4, &n, &err);
	CHECK(n == 2);
	uint32_t doc[] = {w, t, s, f, w, w, t};
	unsigned char adj[] = {0, 1, 1, 0, 1, 1, 1};
	size_t len = 7;
	CHECK(voc_phrases_apply(p, v, doc, adj, &len, &err) == 2);
	CHECK(len == 5);
	CHECK_STR(voc_vocab_str(v, doc[0], NULL), "waiting_time");
	CHECK(doc[1] == s && doc[2] == f && doc[3] == w);
	CHECK_STR(voc_vocab_str(v, doc[4], NULL), "waiting_time");
	CHECK(adj[0] == 0 && adj[1] == 1 && adj[2] == 0 && adj[4] == 1);

	/* Pairs that are not adjacent are not counted: "food staff" is
	 * never a pair here.  Japanese parts join without '_'. */
	struct voc_phrases *q = voc_phrases_new(&err);
	uint32_t m = id(v, "待ち"), j = id(v, "時間");
	uint32_t e1[] = {m, j, f, s}, e2[] = {m, j, f, s};
	unsigned char a1[] = {0, 1, 0, 1}, a2[] = {0, 1, 0, 0};
	CHECK(voc_phrases_add_doc(q, e1, a1, 4, &err) == 0);
	CHECK(voc_phrases_add_doc(q, e2, a2, 4, &err) == 0);
	ph = voc_phrases_find(q, VOC_PHRASE_NPMI, 2, 0.5, 0, &n, &err);
	CHECK(n == 1);
	len = 4;
	CHECK(voc_phrases_apply(q, v, e1, a1, &len, &err) == 1);
	CHECK_STR(voc_vocab_str(v, e1[0], NULL), "待ち時間");
	CHECK(len == 3);
	voc_phrases_free(q);
	voc_phrases_free(p);
	voc_vocab_free(v);
}

/* ---- Two threads, a tokenizer each. */

static const char *const texts[] = {
	"駐車場が狭くて不便でした",
	"恐竜博物館はとても楽しかったです。スタッフの方も親切でした",
	"The waiting time was too long",
	"福井県の敦賀駅前郵便局で美味しいものを食べた",
};

struct job {
	char out[4096];
	int rc;
};

static void *
worker(void *arg)
{
	struct job *jb = arg;
	struct voc_error err = {0};
	struct voc_tokenizer_opts o = {.mecab = VOC_MECAB_REQUIRE};
	struct voc_tokenizer *tk = voc_tokenizer_new(&o, &err);
	size_t n = 0;

	jb->rc = -1;
	jb->out[0] = '\0';
	if (tk == NULL)
		return NULL;
	for (int round = 0; round < 200; round++)
		for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
			struct voc_terms t;

			if (voc_tokenizer_run(tk, texts[i], strlen(texts[i]), &t,
			    &err) < 0) {
				voc_tokenizer_free(tk);
				return NULL;
			}
			if (round > 0)
				continue;
			for (size_t k = 0; k < t.n; k++)
				n += (size_t)snprintf(jb->out + n,
				    sizeof(jb->out) - n, "%s|", t.term[k]);
		}
	voc_tokenizer_free(tk);
	jb->rc = 0;
	return NULL;
}

static void
threads(void)
{
	static struct job serial, j1, j2;
	pthread_t t1, t2;

	worker(&serial);
	CHECK(serial.rc == 0 && serial.out[0] != '\0');
	CHECK(pthread_create(&t1, NULL, worker, &j1) == 0);
	CHECK(pthread_create(&t2, NULL, worker, &j2) == 0);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	CHECK(j1.rc == 0 && j2.rc == 0);
	CHECK_STR(j1.out, serial.out);
	CHECK_STR(j2.out, serial.out);
}

int
main(void)
{
	struct voc_error err = {0};
	struct voc_tokenizer_opts o = {0};
	struct voc_tokenizer *tk;

	normalisation();
	data_path();

	o.mecab = VOC_MECAB_REQUIRE;
	tk = voc_tokenizer_new(&o, &err);
	if (tk == NULL)
		fprintf(stderr, "MeCab: %s\n", err.msg);
	CHECK(tk != NULL);
	if (tk != NULL) {
		CHECK(voc_tokenizer_stopwords_default(tk, &err) == 0);
		english(tk);
		japanese_mecab(tk);
		voc_tokenizer_free(tk);
	}

	/* MeCab that cannot be loaded: the fallback in AUTO mode, an error
	 * when required. */
	o.mecab = VOC_MECAB_AUTO;
	o.mecab_lib = "libvoc-no-such-mecab.so";
	tk = voc_tokenizer_new(&o, &err);
	CHECK(tk != NULL);
	if (tk != NULL) {
		CHECK(strstr(voc_tokenizer_mecab_status(tk),
		    "libvoc-no-such-mecab.so") != NULL);
		CHECK(voc_tokenizer_stopwords_default(tk, &err) == 0);
		english(tk);
		japanese_fallback(tk);
		voc_tokenizer_free(tk);
	}
	o.mecab = VOC_MECAB_REQUIRE;
	CHECK(voc_tokenizer_new(&o, &err) == NULL);
	CHECK(strstr(err.msg, "libvoc-no-such-mecab.so") != NULL);
	/* A dictionary directory that does not exist. */
	o.mecab_lib = NULL;
	o.mecab_dicdir = "/nonexistent/dic";
	CHECK(voc_tokenizer_new(&o, &err) == NULL);
	CHECK(strstr(err.msg, "dictionary") != NULL);

	stopwords();
	vocab();
	phrases();
	threads();
	return check_done("test_tokenize");
}
