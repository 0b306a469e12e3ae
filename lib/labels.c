/*
 * Answer labels (see include/voc/labels.h).  The built-in wordings are
 * those survey tools export for 5-point satisfaction questions:
 * SurveyMonkey and Qualtrics ("Very satisfied" ... "Very dissatisfied",
 * "Extremely satisfied", "Neither satisfied nor dissatisfied"), and the
 * Japanese forms (とても満足 / 満足 / ふつう or どちらでもない / 不満 /
 * とても不満, with 非常に, 大変 and やや variants).  Tables are small, so
 * lookups are linear.
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

static const struct {
	const char *label;
	int point;
} builtin[] = {
	{"Very satisfied", 5}, {"Extremely satisfied", 5},
	{"Completely satisfied", 5},
	{"とても満足", 5},
	{"非常に満足", 5},
	{"大変満足", 5},
	{"Satisfied", 4}, {"Somewhat satisfied", 4}, {"Mostly satisfied", 4},
	{"満足", 4},
	{"やや満足", 4},
	{"まあ満足", 4},
	{"Neutral", 3}, {"Neither satisfied nor dissatisfied", 3},
	{"Neither satisfied nor unsatisfied", 3},
	{"ふつう", 3},
	{"普通", 3},
	{"どちらでもない", 3},
	{"どちらともいえない", 3},
	{"Dissatisfied", 2}, {"Somewhat dissatisfied", 2},
	{"Unsatisfied", 2},
	{"不満", 2},
	{"やや不満", 2},
	{"少し不満", 2},
	{"Very dissatisfied", 1}, {"Extremely dissatisfied", 1},
	{"Completely dissatisfied", 1}, {"Very unsatisfied", 1},
	{"とても不満", 1},
	{"非常に不満", 1},
	{"大変不満", 1},
};

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
	for (size_t i = 0; use_builtin && i < sizeof(builtin) /
	    sizeof(builtin[0]); i++)
		if (voc_text_ieq(builtin[i].label, s, len)) {
			*v = builtin[i].point;
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
