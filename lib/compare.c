/*
 * Comparisons (see include/voc/compare.h).  For "overall" the whole of
 * each period is built once, by merging every group's accumulator into a
 * table keyed by period alone; each group's "everyone else" is then that
 * whole less the group, which is why accumulators must support less as
 * well as merge.
 */
#include <stdlib.h>
#include <string.h>

#include "voc/compare.h"

const char *const voc_compare_columns[4] = {"change", "change_ci_low",
    "change_ci_high", "p_value"};

struct voc_compare {
	enum voc_compare_mode mode;
	const struct voc_input *in;
	const struct voc_group *g;
	struct voc_compare_ops ops;
	struct voc_group *totals;
	char *key;		/* scratch for rewritten keys */
	void *other;		/* scratch accumulator */
};

int
voc_compare_parse(const char *s, const struct voc_common *c,
    enum voc_compare_mode *mode, struct voc_error *err)
{
	if (strcmp(s, "previous") == 0) {
		if (c->by == VOC_BY_NONE)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--compare previous needs periods: add -t COL "
			    "--by PERIOD");
		*mode = VOC_COMPARE_PREVIOUS;
	} else if (strcmp(s, "overall") == 0) {
		if (c->group_by == NULL)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--compare overall needs groups: add -g COLS");
		*mode = VOC_COMPARE_OVERALL;
	} else
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--compare must be previous or overall, not \"%s\"", s);
	return 0;
}

struct voc_compare *
voc_compare_new(enum voc_compare_mode mode, const struct voc_input *in,
    const struct voc_group *g, const struct voc_compare_ops *ops)
{
	struct voc_compare *c = calloc(1, sizeof(*c));
	size_t maxkey = 0, n = voc_group_count(g);

	if (c == NULL)
		return NULL;
	c->mode = mode;
	c->in = in;
	c->g = g;
	c->ops = *ops;
	for (size_t i = 0; i < n; i++)
		if (voc_group_entry(g, i)->keylen > maxkey)
			maxkey = voc_group_entry(g, i)->keylen;
	/* A key with its period changed is as long; one with its groups
	 * cleared takes 4 bytes a group plus the period. */
	c->key = malloc(maxkey + 4 * voc_input_nkeys(in) + 16);
	c->other = calloc(1, ops->acc_size);
	if (c->key == NULL || c->other == NULL)
		goto fail;
	if (mode != VOC_COMPARE_OVERALL)
		return c;
	if ((c->totals = voc_group_new(ops->acc_size)) == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const struct voc_group_entry *e = voc_group_entry(g, i);
		size_t kl = voc_input_key_rekey(in, e->key, e->keylen, 0,
		    voc_input_key_period(e->key, e->keylen), c->key);
		void *t = voc_group_get(c->totals, c->key, kl);

		if (t == NULL)
			goto fail;
		ops->merge(t, e->acc);
	}
	return c;
fail:
	voc_compare_free(c);
	return NULL;
}

void
voc_compare_free(struct voc_compare *c)
{
	if (c == NULL)
		return;
	voc_group_free(c->totals);
	free(c->key);
	free(c->other);
	free(c);
}

const void *
voc_compare_base(struct voc_compare *c, const struct voc_group_entry *e)
{
	int64_t period = voc_input_key_period(e->key, e->keylen);
	size_t kl;

	if (c->mode == VOC_COMPARE_PREVIOUS) {
		kl = voc_input_key_rekey(c->in, e->key, e->keylen, 1,
		    period - 1, c->key);
		return voc_group_find(c->g, c->key, kl);
	}
	if (c->mode != VOC_COMPARE_OVERALL)
		return NULL;
	kl = voc_input_key_rekey(c->in, e->key, e->keylen, 0, period, c->key);
	const void *whole = voc_group_find(c->totals, c->key, kl);
	if (whole == NULL)
		return NULL;
	c->ops.less(c->other, whole, e->acc);
	return c->other;
}
