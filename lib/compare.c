/*
 * Comparisons (see include/voc/compare.h).  For "overall" the whole of
 * each period is built once, by merging every group's state into a table
 * keyed by the period alone (group values made empty); each group's
 * "everyone else" is then that whole less the group, which is why states
 * must support less as well as merge.
 */
#include <stdlib.h>
#include <string.h>

#include "voc/compare.h"
#include "voc/key.h"

const char *const voc_compare_columns[4] = {"change", "change_ci_low",
    "change_ci_high", "p_value"};

struct voc_compare {
	enum voc_compare_mode mode;
	const struct voc_table *t;
	struct voc_compare_ops ops;
	struct voc_table *totals;
	struct voc_key key;	/* scratch for rewritten keys */
	void *other;		/* scratch state */
	int twin;		/* totals are another's (voc_compare_twin) */
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

/*
 * Rewrites key into c->key: with groups 0 every text part becomes empty;
 * the last number part (the period) becomes period + shift.  Returns 0
 * or -1 when out of memory.
 */
static int
rekey(struct voc_compare *c, const char *key, size_t keylen, int groups,
    int64_t shift)
{
	struct voc_key_part p;
	size_t pos = 0;
	int rc = 0;

	voc_key_reset(&c->key);
	while (rc == 0 && voc_key_next(key, keylen, &pos, &p)) {
		if (p.is_total)
			rc = groups ? voc_key_total(&c->key) :
			    voc_key_text(&c->key, "", 0);
		else if (p.is_int)
			rc = voc_key_int(&c->key, p.v + (pos == keylen ? shift :
			    0));
		else
			rc = voc_key_text(&c->key, p.s, groups ? p.len : 0);
	}
	return rc;
}

struct voc_compare *
voc_compare_new(enum voc_compare_mode mode, const struct voc_table *t,
    const struct voc_compare_ops *ops)
{
	struct voc_compare *c = calloc(1, sizeof(*c));
	const struct voc_state_ops *sops = voc_table_ops(t);
	size_t n = voc_table_count(t);

	if (c == NULL)
		return NULL;
	c->mode = mode;
	c->t = t;
	c->ops = *ops;
	if ((c->other = calloc(1, voc_table_state_size(t) + 8)) == NULL)
		goto fail;
	if (mode != VOC_COMPARE_OVERALL)
		return c;
	if ((c->totals = voc_table_new(sops, voc_table_state_size(t),
	    voc_table_cfg(t))) == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct voc_entry e;
		void *tot;

		voc_table_at(t, i, &e);
		if (voc_key_has_total(e.key, e.keylen))
			continue;	/* a --total row is no group of its own */
		if (rekey(c, e.key, e.keylen, 0, 0) < 0 ||
		    (tot = voc_table_get(c->totals, c->key.buf, c->key.len)) ==
		    NULL || sops->merge(tot, e.st, voc_table_cfg(t)) < 0)
			goto fail;
	}
	return c;
fail:
	voc_compare_free(c);
	return NULL;
}

struct voc_compare *
voc_compare_twin(const struct voc_compare *c)
{
	struct voc_compare *d = calloc(1, sizeof(*d));

	if (d == NULL || (d->other = calloc(1, voc_table_state_size(c->t) +
	    8)) == NULL) {
		free(d);
		return NULL;
	}
	d->mode = c->mode;
	d->t = c->t;
	d->ops = c->ops;
	d->totals = c->totals;
	d->twin = 1;
	return d;
}

void
voc_compare_write(struct voc_writer *w, double scale, double d, double lo,
    double hi, double p)
{
	voc_writer_num(w, scale * d);
	voc_writer_num(w, scale * lo);
	voc_writer_num(w, scale * hi);
	voc_writer_pvalue(w, p);
}

void
voc_compare_free(struct voc_compare *c)
{
	if (c == NULL)
		return;
	if (!c->twin)
		voc_table_free(c->totals);
	voc_key_free(&c->key);
	free(c->other);
	free(c);
}

int
voc_compare_base(struct voc_compare *c, const struct voc_entry *e,
    const void **base)
{
	*base = NULL;
	if (c->mode == VOC_COMPARE_PREVIOUS) {
		if (rekey(c, e->key, e->keylen, 1, -1) < 0)
			return -1;
		*base = voc_table_find(c->t, c->key.buf, c->key.len);
		return 0;
	}
	if (c->mode != VOC_COMPARE_OVERALL)
		return 0;
	if (rekey(c, e->key, e->keylen, 0, 0) < 0)
		return -1;
	const void *whole = voc_table_find(c->totals, c->key.buf, c->key.len);
	if (whole != NULL) {
		c->ops.less(c->other, whole, e->st, voc_table_cfg(c->t));
		*base = c->other;
	}
	return 0;
}
