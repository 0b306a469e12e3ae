/*
 * The input loop (see include/voc/input.h).
 *
 * A group key is a byte string that describes itself, so comparators need
 * no context: each group value as a 4-byte length and its bytes, then,
 * with --by, a 4-byte 0xFFFFFFFF mark and the 8-byte period index.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "voc/columns.h"
#include "voc/group.h"
#include "voc/input.h"
#include "voc/text.h"

#define PERIOD_MARK 0xFFFFFFFFu

struct voc_input {
	const struct voc_common *c;
	const char *prog;
	struct voc_reader *r;
	struct voc_row row;
	size_t *groups, ngroups;
	size_t time_col, weight_col, score_col;
	int has_time, has_weight;
	struct voc_tz *tz, *input_tz;
	struct voc_timeopts topts;
	int64_t since, until;
	int has_since, has_until;
	char *key;
	size_t keycap;
	long long rows, skipped, nonresp;
	char first[1200];
	int progress;
	struct timespec last;
};

/* --since and --until are dates of the report, so they are read in the
 * zone periods are cut in (--tz), not the input's zone. */
static int
parse_bound(struct voc_input *in, const char *s, const char *opt,
    int64_t *out, struct voc_error *err)
{
	struct voc_timeopts o = in->topts;
	const char *why;

	o.input_tz = in->tz;
	if (voc_time_parse(s, strlen(s), &o, out, &why) < 0)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "%s \"%s\" %s", opt, s, why);
	return 0;
}

struct voc_input *
voc_input_open(const struct voc_common *c, const char *prog,
    char *const *files, int nfiles, struct voc_error *err)
{
	struct voc_input *in = calloc(1, sizeof(*in));

	if (in == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	in->c = c;
	in->prog = prog;
	if ((in->tz = voc_tz_load(c->tz, err)) == NULL ||
	    (in->input_tz = voc_tz_load(c->input_tz, err)) == NULL)
		goto fail;
	in->topts.input_tz = in->input_tz;
	in->topts.order = c->order;
	if ((c->since && parse_bound(in, c->since, "--since", &in->since,
	    err) < 0) || (c->until && parse_bound(in, c->until, "--until",
	    &in->until, err) < 0))
		goto fail;
	in->has_since = c->since != NULL;
	in->has_until = c->until != NULL;
	in->r = voc_reader_open((const char *const *)files, (size_t)nfiles,
	    &c->rd, err);
	if (in->r == NULL)
		goto fail;
	if (c->group_by && voc_columns_list(in->r, c->group_by, &in->groups,
	    &in->ngroups, err) < 0)
		goto fail;
	if (c->time_col && voc_columns_find(in->r, c->time_col,
	    strlen(c->time_col), &in->time_col, err) < 0)
		goto fail;
	in->has_time = c->time_col != NULL;
	if (c->weight_col && voc_columns_find(in->r, c->weight_col,
	    strlen(c->weight_col), &in->weight_col, err) < 0)
		goto fail;
	in->has_weight = c->weight_col != NULL;
	if (c->scores && voc_columns_find(in->r, c->score_col,
	    strlen(c->score_col), &in->score_col, err) < 0)
		goto fail;
	in->progress = isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &in->last);
	return in;
fail:
	voc_input_close(in);
	return NULL;
}

void
voc_input_close(struct voc_input *in)
{
	if (in == NULL)
		return;
	voc_reader_close(in->r);
	voc_tz_free(in->tz);
	voc_tz_free(in->input_tz);
	free(in->groups);
	free(in->key);
	free(in);
}

size_t
voc_input_score_col(const struct voc_input *in)
{
	return in->score_col;
}

struct voc_group *
voc_input_group_table(const struct voc_input *in, size_t acc_size)
{
	struct voc_group *g = voc_group_new(acc_size);

	if (g != NULL && voc_input_nkeys(in) == 0 &&
	    voc_group_get(g, "", 0) == NULL) {
		voc_group_free(g);
		return NULL;
	}
	return g;
}

const char *
voc_input_colname(const struct voc_input *in, size_t idx)
{
	return voc_reader_colname(in->r, idx);
}

int
voc_input_skip(struct voc_input *in, const struct voc_row *row,
    struct voc_error *err, const char *fmt, ...)
{
	char why[900];
	va_list ap;

	in->skipped++;
	if (in->skipped > 1 && !in->c->strict)
		return 0;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (in->c->strict)
		return voc_error_set(err, VOC_ERR_DATA, row->file, row->line,
		    "%s", why);
	snprintf(in->first, sizeof(in->first), "%s:%ld: %s", row->file,
	    row->line, why);
	return 0;
}

void
voc_input_nonresponse(struct voc_input *in)
{
	in->nonresp++;
}

int
voc_input_report(const struct voc_input *in, FILE *fp)
{
	if (in->skipped > 0)
		fprintf(fp, "%s: skipped %lld of %lld row%s (first: %s)\n",
		    in->prog, in->skipped, in->rows, in->rows == 1 ? "" : "s",
		    in->first);
	return in->rows > 0 && in->skipped == in->rows;
}

static void
progress(struct voc_input *in)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((double)(now.tv_sec - in->last.tv_sec) +
	    (double)(now.tv_nsec - in->last.tv_nsec) / 1e9 < 1.0)
		return;
	in->last = now;
	fprintf(stderr, "\r%s: %lld rows, %.0f MB read", in->prog, in->rows,
	    (double)voc_reader_bytes(in->r) / 1e6);
	fflush(stderr);
	in->progress = 2;
}

static int
key_room(struct voc_input *in, size_t need)
{
	if (need <= in->keycap)
		return 0;
	size_t cap = in->keycap ? in->keycap : 64;
	while (cap < need)
		cap *= 2;
	char *k = realloc(in->key, cap);
	if (k == NULL)
		return -1;
	in->key = k;
	in->keycap = cap;
	return 0;
}

static int
nonblank(const char *s, size_t len)
{
	voc_text_trim(&s, &len);
	return len > 0;
}

int
voc_input_next(struct voc_input *in, struct voc_record *rec,
    struct voc_error *err)
{
	const struct voc_row *row = &in->row;
	int rc;

	for (;;) {
		if ((rc = voc_reader_next(in->r, &in->row, err)) <= 0) {
			if (in->progress == 2)
				fprintf(stderr, "\r\033[K");
			return rc;
		}
		in->rows++;
		if (in->progress && (in->rows & 0xFFFF) == 0)
			progress(in);
		if (row->error != NULL) {
			if (voc_input_skip(in, row, err, "%s", row->error) < 0)
				return -1;
			continue;
		}
		rec->row = row;
		rec->weight = 1;
		rec->period = 0;
		if (in->has_time) {
			const char *s = row->field[in->time_col], *why;
			size_t len = row->len[in->time_col];
			int64_t t;

			if (!nonblank(s, len))
				why = "is empty: no timestamp";
			if (!nonblank(s, len) ||
			    voc_time_parse(s, len, &in->topts, &t, &why) < 0) {
				if (voc_input_skip(in, row, err,
				    "column \"%s\": \"%s\" %s",
				    voc_reader_colname(in->r, in->time_col), s,
				    why) < 0)
					return -1;
				continue;
			}
			if ((in->has_since && t < in->since) ||
			    (in->has_until && t >= in->until))
				continue;
			if (in->c->by != VOC_BY_NONE)
				rec->period = voc_period_index(in->c->by,
				    in->tz, t);
		}
		if (in->has_weight) {
			const char *s = row->field[in->weight_col];
			char *end;
			double w;

			errno = 0;
			w = strtod(s, &end);
			while (*end == ' ' || *end == '\t')
				end++;
			if (end == s || *end != '\0' || errno != 0 ||
			    !isfinite(w) || w < 0) {
				if (voc_input_skip(in, row, err,
				    "column \"%s\": \"%s\" is not a weight (a "
				    "number >= 0)", voc_reader_colname(in->r,
				    in->weight_col), s) < 0)
					return -1;
				continue;
			}
			rec->weight = w;
		}
		size_t need = 12;
		for (size_t i = 0; i < in->ngroups; i++)
			need += 4 + row->len[in->groups[i]];
		if (key_room(in, need) < 0)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		size_t k = 0;
		for (size_t i = 0; i < in->ngroups; i++) {
			const char *s = row->field[in->groups[i]];
			size_t len = row->len[in->groups[i]];
			uint32_t l;

			voc_text_trim(&s, &len);
			l = (uint32_t)len;
			memcpy(in->key + k, &l, 4);
			memcpy(in->key + k + 4, s, len);
			k += 4 + len;
		}
		if (in->c->by != VOC_BY_NONE) {
			uint32_t mark = PERIOD_MARK;

			memcpy(in->key + k, &mark, 4);
			memcpy(in->key + k + 4, &rec->period, 8);
			k += 12;
		}
		rec->key = in->key;
		rec->keylen = k;
		return 1;
	}
}

size_t
voc_input_nkeys(const struct voc_input *in)
{
	return in->ngroups + (in->c->by != VOC_BY_NONE);
}

const char *
voc_input_key_name(const struct voc_input *in, size_t i)
{
	if (i < in->ngroups)
		return voc_reader_colname(in->r, in->groups[i]);
	return voc_reader_colname(in->r, in->time_col);
}

/* Walks a key: sets the next group value or the period; returns 1 for a
 * value, 2 for the period, 0 at the end. */
static int
key_part(const char *key, size_t keylen, size_t *pos, const char **s,
    size_t *len, int64_t *period)
{
	uint32_t l;

	if (*pos + 4 > keylen)
		return 0;
	memcpy(&l, key + *pos, 4);
	if (l == PERIOD_MARK) {
		memcpy(period, key + *pos + 4, 8);
		*pos += 12;
		return 2;
	}
	*s = key + *pos + 4;
	*len = l;
	*pos += 4 + l;
	return 1;
}

void
voc_input_key_write(const struct voc_input *in, struct voc_writer *w,
    const char *key, size_t keylen)
{
	size_t pos = 0, len;
	const char *s;
	int64_t period;
	int kind;
	char buf[4096];

	while ((kind = key_part(key, keylen, &pos, &s, &len, &period)) != 0) {
		if (kind == 2) {
			voc_period_label(in->c->by, period, buf, sizeof(buf));
			voc_writer_str(w, buf);
		} else if (len < sizeof(buf)) {
			memcpy(buf, s, len);
			buf[len] = '\0';
			voc_writer_str(w, buf);
		} else {
			char *big = malloc(len + 1);

			if (big != NULL) {
				memcpy(big, s, len);
				big[len] = '\0';
			}
			voc_writer_str(w, big ? big : "");
			free(big);
		}
	}
}

static int
as_number(const char *s, size_t len, double *v)
{
	char buf[64], *end;

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*v = strtod(buf, &end);
	return *end == '\0' && isfinite(*v);
}

int
voc_input_key_cmp(const void *pa, const void *pb)
{
	const struct voc_group_entry *a = pa, *b = pb;
	size_t ia = 0, ib = 0, la = 0, lb = 0;
	const char *sa = NULL, *sb = NULL;
	int64_t pa_ = 0, pb_ = 0;
	int ka, kb;

	for (;;) {
		ka = key_part(a->key, a->keylen, &ia, &sa, &la, &pa_);
		kb = key_part(b->key, b->keylen, &ib, &sb, &lb, &pb_);
		if (ka == 0 || kb == 0 || ka != kb)
			return ka - kb;
		if (ka == 2) {
			if (pa_ != pb_)
				return pa_ < pb_ ? -1 : 1;
			continue;
		}
		double x, y;
		if (as_number(sa, la, &x) && as_number(sb, lb, &y) && x != y)
			return x < y ? -1 : 1;
		int c = memcmp(sa, sb, la < lb ? la : lb);
		if (c != 0)
			return c;
		if (la != lb)
			return la < lb ? -1 : 1;
	}
}

int64_t
voc_input_key_period(const char *key, size_t keylen)
{
	uint32_t l;
	int64_t p = 0;

	if (keylen >= 12) {
		memcpy(&l, key + keylen - 12, 4);
		if (l == PERIOD_MARK)
			memcpy(&p, key + keylen - 8, 8);
	}
	return p;
}

size_t
voc_input_key_rekey(const struct voc_input *in, const char *key,
    size_t keylen, int groups, int64_t period, char *buf)
{
	size_t n = in->c->by != VOC_BY_NONE ? keylen - 12 : keylen;

	if (!groups) {
		/* Every group value becomes empty: "all groups". */
		uint32_t zero = 0;

		n = 0;
		for (size_t i = 0; i < in->ngroups; i++) {
			memcpy(buf + n, &zero, 4);
			n += 4;
		}
	} else
		memcpy(buf, key, n);
	if (in->c->by != VOC_BY_NONE) {
		uint32_t mark = PERIOD_MARK;

		memcpy(buf + n, &mark, 4);
		memcpy(buf + n + 4, &period, 8);
		n += 12;
	}
	return n;
}
