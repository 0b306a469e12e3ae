/*
 * Answer labels (see include/voc/labels.h).  The built-in wordings are
 * those survey tools export for 5-point satisfaction questions:
 * SurveyMonkey and Qualtrics ("Very satisfied" ... "Very dissatisfied",
 * "Extremely satisfied", "Neither satisfied nor dissatisfied"), and the
 * Japanese forms (とても満足 / 満足 / ふつう or どちらでもない / 不満 /
 * とても不満, with 非常に, 大変 and やや variants).  Tables are small, so
 * lookups are linear.
 *
 * Beyond it, wordings of 4 and 5 points whose words overlap and mean
 * different points ("Good" is 3 of Excellent ... Poor, 4 of Very good ...
 * Very poor, and Zendesk's good): which one a column uses is told by all
 * of its words together (voc_labels_choose), never by one answer.
 */
#include <stdlib.h>
#include <string.h>

#include "voc/labels.h"
#include "voc/text.h"

struct entry {
	char *label;
	int point;
};

struct voc_labels {
	struct entry *e;
	size_t n;
};


/* The wordings a column may use, each word with its point on 1..points. */
#define WORDING_MAX 40

struct wording {
	const char *name;
	int points;
	const char *word[WORDING_MAX];
	int point[WORDING_MAX];
};

static const struct wording wordings[] = {
	{"Very satisfied ... Very dissatisfied", 5, {
	    "Very satisfied", "Extremely satisfied", "Completely satisfied",
	    "とても満足", "非常に満足", "大変満足",
	    "Satisfied", "Somewhat satisfied", "Mostly satisfied", "満足",
	    "やや満足", "まあ満足",
	    "Neutral", "Neither satisfied nor dissatisfied",
	    "Neither satisfied nor unsatisfied", "ふつう", "普通",
	    "どちらでもない", "どちらともいえない",
	    "Dissatisfied", "Somewhat dissatisfied", "Unsatisfied", "不満",
	    "やや不満", "少し不満",
	    "Very dissatisfied", "Extremely dissatisfied",
	    "Completely dissatisfied", "Very unsatisfied", "とても不満",
	    "非常に不満", "大変不満"},
	    {5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2,
	    2, 2, 2, 1, 1, 1, 1, 1, 1, 1}},
	{"Excellent ... Poor", 5, {"Excellent", "Very good", "Good", "Fair",
	    "Poor"}, {5, 4, 3, 2, 1}},
	{"Very good ... Very poor", 5, {"Very good", "Good", "Fair",
	    "Average", "Neither good nor poor", "Poor", "Very poor"},
	    {5, 4, 3, 3, 3, 2, 1}},
	{"Excellent, Good, Fair, Poor", 4, {"Excellent", "Good", "Fair",
	    "Poor"}, {4, 3, 2, 1}},
	{"Very satisfied ... Very dissatisfied (4 points)", 4,
	    {"Very satisfied", "Satisfied", "Dissatisfied",
	    "Very dissatisfied"}, {4, 3, 2, 1}},
	{"満足, やや満足, やや不満, 不満", 4, {"満足", "やや満足", "やや不満",
	    "不満"}, {4, 3, 2, 1}},
	{"とても満足, 満足, 不満, とても不満", 4, {"とても満足", "満足", "不満",
	    "とても不満", "非常に満足", "非常に不満", "大変満足", "大変不満"},
	    {4, 3, 2, 1, 4, 1, 4, 1}},
	{"非常に良い ... 非常に悪い", 5, {"非常に良い", "とても良い", "良い",
	    "普通", "悪い", "非常に悪い", "とても悪い"},
	    {5, 5, 4, 3, 2, 1, 1}},
};

#define NWORDINGS (sizeof(wordings) / sizeof(wordings[0]))
#define NWORDS 96

/* The distinct words of all wordings, built once. */
static const char *words[NWORDS];
static int nwords = -1;

static int
word_index(const char *w)
{
	for (int i = 0; i < nwords; i++)
		if (voc_text_ieq(words[i], w, strlen(w)))
			return i;
	return -1;
}

static void
build_words(void)
{
	if (nwords >= 0)
		return;
	nwords = 0;
	for (size_t k = 0; k < NWORDINGS; k++)
		for (int j = 0; j < WORDING_MAX && wordings[k].word[j]; j++)
			if (word_index(wordings[k].word[j]) < 0 &&
			    nwords < NWORDS)
				words[nwords++] = wordings[k].word[j];
}

int
voc_labels_word(const char *s, size_t len)
{
	build_words();
	voc_text_trim(&s, &len);
	for (int i = 0; i < nwords; i++)
		if (voc_text_ieq(words[i], s, len))
			return i;
	return -1;
}

const char *
voc_labels_word_name(int i)
{
	build_words();
	return i >= 0 && i < nwords ? words[i] : "";
}

int
voc_labels_nwords(void)
{
	build_words();
	return nwords;
}

/* The point of word i in wording k, or 0 when it has no such word. */
static int
point_in(size_t k, int i)
{
	for (int j = 0; j < WORDING_MAX && wordings[k].word[j]; j++)
		if (voc_text_ieq(words[i], wordings[k].word[j],
		    strlen(wordings[k].word[j])))
			return wordings[k].point[j];
	return 0;
}

/* The words seen, for messages: "Excellent, Good, Fair". */
static void
seen_list(const long long *seen, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < nwords && used + 4 < size; i++)
		if (seen[i] > 0) {
			int w = snprintf(buf + used, size - used, "%s%s",
			    used ? ", " : "", words[i]);
			used += w > 0 ? (size_t)w : 0;
		}
}

int
voc_labels_choose(const long long *seen, int points, int *point, char *why,
    size_t size, char *note, size_t notesize)
{
	size_t best = NWORDINGS, cover = NWORDINGS, nfit = 0;
	long long bestn = -1;
	int agree = 1, any = 0;
	char list[300];

	build_words();
	note[0] = '\0';
	for (int i = 0; i < nwords; i++) {
		point[i] = 0;
		any |= seen[i] > 0;
	}
	if (!any)
		return 0;
	seen_list(seen, list, sizeof(list));
	for (size_t k = 0; k < NWORDINGS; k++) {
		int all = 1;
		long long n = 0;

		for (int i = 0; i < nwords; i++)
			if (seen[i] > 0) {
				if (point_in(k, i))
					n += seen[i];
				else
					all = 0;
			}
		if (all && cover == NWORDINGS)
			cover = k;
		if (wordings[k].points != points)
			continue;
		if (all) {
			if (nfit > 0)
				for (int i = 0; i < nwords; i++)
					if (seen[i] > 0 && point_in(k, i) !=
					    point_in(best, i))
						agree = 0;
			if (nfit == 0 || n > bestn) {
				best = k;
				bestn = n;
			}
			nfit++;
		} else if (nfit == 0 && n > bestn) {
			best = k;
			bestn = n;
		}
	}
	if (nfit > 1 && !agree) {
		snprintf(why, size, "its words (%s) fit more than one %d-point "
		    "wording: map them to points with --labels", list, points);
		return -1;
	}
	if (nfit == 0 && cover != NWORDINGS) {
		snprintf(why, size, "its words (%s) are the %d-point wording "
		    "%s: give --scale 1-%d", list, wordings[cover].points,
		    wordings[cover].name, wordings[cover].points);
		return -1;
	}
	if (best == NWORDINGS || bestn <= 0)
		return 0;
	for (int i = 0; i < nwords; i++)
		point[i] = point_in(best, i);
	/* The words are also a whole wording of another size, of which the
	 * chosen one lacks none: the scale may be wrong. */
	note[0] = '\0';
	for (size_t k = 0; k < NWORDINGS && nfit > 0; k++) {
		int all = wordings[k].points != points, every = 1;

		for (int i = 0; all && i < nwords; i++)
			if (seen[i] > 0 && !point_in(k, i))
				all = 0;
		for (int j = 0; all && j < WORDING_MAX && wordings[k].word[j];
		    j++)
			if (seen[voc_labels_word(wordings[k].word[j],
			    strlen(wordings[k].word[j]))] == 0)
				every = 0;
		if (all && every) {
			snprintf(note, notesize, "its words (%s) are also the "
			    "%d-point wording %s: if the question had %d "
			    "points, give --scale 1-%d", list,
			    wordings[k].points, wordings[k].name,
			    wordings[k].points, wordings[k].points);
			break;
		}
	}
	return 0;
}

struct voc_labels *
voc_labels_parse(const char *spec, struct voc_error *err)
{
	struct voc_labels *l = calloc(1, sizeof(*l));
	const char *p = spec;

	if (l == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ','), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *stop;

		eq = memchr(p, '=', len);
		const char *lab = p;
		size_t llen = eq ? (size_t)(eq - p) : 0;
		voc_text_trim(&lab, &llen);
		long v = eq ? strtol(eq + 1, &stop, 10) : 0;
		if (eq == NULL || llen == 0 || stop == eq + 1 ||
		    (stop != p + len && strspn(stop, " ") < (size_t)(p + len -
		    stop))) {
			voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--labels wants LABEL=NUMBER pairs separated by "
			    "commas, not \"%.*s\"", (int)len, p);
			voc_labels_free(l);
			return NULL;
		}
		struct entry *e = realloc(l->e, (l->n + 1) * sizeof(*e));
		if (e == NULL || (e[l->n].label = strndup(lab, llen)) == NULL) {
			if (e != NULL)
				l->e = e;
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
			voc_labels_free(l);
			return NULL;
		}
		l->e = e;
		l->e[l->n++].point = (int)v;
		p = end ? end + 1 : NULL;
	}
	return l;
}

void
voc_labels_free(struct voc_labels *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->e[i].label);
	free(l->e);
	free(l);
}

int
voc_labels_find(const struct voc_labels *l, int use_builtin, const char *s,
    size_t len, int *v)
{
	voc_text_trim(&s, &len);
	for (size_t i = 0; l != NULL && i < l->n; i++)
		if (voc_text_ieq(l->e[i].label, s, len)) {
			*v = l->e[i].point;
			return 0;
		}
	/* The built-in table is the first wording: 5-point satisfaction. */
	for (int j = 0; use_builtin && j < WORDING_MAX &&
	    wordings[0].word[j] != NULL; j++)
		if (voc_text_ieq(wordings[0].word[j], s, len)) {
			*v = wordings[0].point[j];
			return 0;
		}
	return -1;
}

enum voc_binary
voc_labels_binary(const char *s, size_t len)
{
	voc_text_trim(&s, &len);
	if (voc_text_ieq("good", s, len))
		return VOC_BINARY_GOOD;
	if (voc_text_ieq("bad", s, len))
		return VOC_BINARY_BAD;
	if (voc_text_ieq("offered", s, len) || voc_text_ieq("unoffered", s,
	    len))
		return VOC_BINARY_NOANSWER;
	return VOC_BINARY_NONE;
}
