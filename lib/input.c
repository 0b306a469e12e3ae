/*
 * The input loop (see include/voc/input.h).  A group key is a canonical
 * key (include/voc/key.h): each group value as a text part, then with
 * --by the period index as a number part.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "voc/columns.h"
#include "voc/input.h"
#include "voc/key.h"
#include "voc/period.h"
#include "voc/text.h"

#include <utf8proc.h>

/* One --where test. */
enum where_op { W_IN, W_NOT_IN, W_GE, W_LE, W_GT, W_LT };

struct where {
	size_t col;
	enum where_op op;
	char *vals;		/* W_IN, W_NOT_IN: NUL-separated values */
	size_t nvals;
	double num;		/* the others */
};

struct voc_input {
	const struct voc_common *c;
	struct where where[16];
	int nwhere;
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
	struct voc_key key;
	struct voc_books *books;
	void (*progress)(void *arg, long long rows, unsigned long long bytes);
	void *progress_arg;
	int (*keep)(void *arg, long long rowno, const struct voc_record *rec);
	void *keep_arg;
	long long rowno;
	int (*before_skip)(void *arg, struct voc_error *err);
	void *before_skip_arg;
};

/* --since and --until are dates of the report, so they are read in the
 * zone periods are cut in (--tz), not the input's zone; so are period
 * labels and relative forms, from now. */
static int
parse_bound(struct voc_input *in, const char *s, const char *opt,
    int64_t *out, struct voc_error *err)
{
	const char *why;

	if (voc_time_parse_bound(s, in->tz, &in->topts, (int64_t)in->c->now,
	    out, &why) < 0)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "%s \"%s\" %s", opt, s, why);
	return 0;
}

/* The window of --since, --until or --last. */
static int
parse_window(struct voc_input *in, const struct voc_common *c,
    struct voc_error *err)
{
	const char *why;

	if (c->last != NULL) {
		if (voc_time_last(c->last, in->tz, (int64_t)c->now,
		    &in->since, &in->until, &why) < 0)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--last \"%s\" %s", c->last, why);
		in->has_since = in->has_until = 1;
		return 0;
	}
	if ((c->since && parse_bound(in, c->since, "--since", &in->since,
	    err) < 0) || (c->until && parse_bound(in, c->until, "--until",
	    &in->until, err) < 0))
		return -1;
	in->has_since = c->since != NULL;
	in->has_until = c->until != NULL;
	if (in->has_since && in->has_until && in->since >= in->until)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--since %s is not before --until %s: the window is empty",
		    c->since, c->until);
	return 0;
}

int
voc_input_window(const struct voc_input *in, int64_t *since, int64_t *until)
{
	*since = in->has_since ? in->since : INT64_MIN;
	*until = in->has_until ? in->until : INT64_MAX;
	return in->has_since || in->has_until;
}

/*
 * Reads a --where test: COL=A,B (one of), COL!=A,B (none of), COL>=N,
 * COL<=N, COL>N, COL<N (numbers).  The column is the text before the
 * first operator character.
 */
static int
parse_where(struct voc_input *in, const char *expr, struct where *w,
    struct voc_error *err)
{
	size_t at = strcspn(expr, "!=<>"), oplen = 1;
	const char *v;

	memset(w, 0, sizeof(*w));
	if (expr[at] == '\0' || at == 0)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "--where \"%s\" "
		    "is not a test: write COL=A,B, COL!=A, COL>=N, COL<=N, "
		    "COL>N or COL<N", expr);
	switch (expr[at]) {
	case '!':
		if (expr[at + 1] != '=')
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--where \"%s\": ! must be followed by =", expr);
		w->op = W_NOT_IN;
		oplen = 2;
		break;
	case '=':
		w->op = W_IN;
		break;
	case '>':
	case '<':
		oplen = expr[at + 1] == '=' ? 2 : 1;
		w->op = expr[at] == '>' ? (oplen == 2 ? W_GE : W_GT) :
		    (oplen == 2 ? W_LE : W_LT);
		break;
	}
	if (voc_columns_find(in->r, expr, at, &w->col, err) < 0)
		return -1;
	voc_reader_use(in->r, w->col);
	v = expr + at + oplen;
	if (w->op == W_IN || w->op == W_NOT_IN) {
		size_t len = strlen(v);

		if ((w->vals = malloc(len + 1)) == NULL)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		memcpy(w->vals, v, len + 1);
		w->nvals = 1;
		for (char *p = w->vals; *p; p++)
			if (*p == ',') {
				*p = '\0';
				w->nvals++;
			}
		return 0;
	}
	if (!voc_key_number(v, strlen(v), &w->num))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "--where \"%s\": "
		    "\"%s\" is not a number to compare with", expr, v);
	return 0;
}

/* Whether row passes every --where test. */
static int
where_ok(const struct voc_input *in, const struct voc_row *row)
{
	for (int i = 0; i < in->nwhere; i++) {
		const struct where *w = &in->where[i];
		const char *s = row->field[w->col];
		size_t len = row->len[w->col];
		double x;

		voc_text_trim(&s, &len);
		if (w->op == W_IN || w->op == W_NOT_IN) {
			int found = 0;
			const char *v = w->vals;

			for (size_t k = 0; k < w->nvals && !found; k++) {
				size_t vl = strlen(v);

				found = vl == len && memcmp(v, s, len) == 0;
				v += vl + 1;
			}
			if (found != (w->op == W_IN))
				return 0;
			continue;
		}
		if (!voc_key_number(s, len, &x))
			return 0;
		if ((w->op == W_GE && !(x >= w->num)) ||
		    (w->op == W_LE && !(x <= w->num)) ||
		    (w->op == W_GT && !(x > w->num)) ||
		    (w->op == W_LT && !(x < w->num)))
			return 0;
	}
	return 1;
}

/* Appends a group value to the key, in Unicode NFKC unless
 * --no-normalize (so that ｽﾀﾝﾀﾞｰﾄﾞ and スタンダード are one group);
 * ASCII is its own NFKC form. */
static int
key_value(struct voc_input *in, const char *s, size_t len)
{
	utf8proc_uint8_t *norm = NULL;
	utf8proc_ssize_t n;
	size_t i = 0;

	while (i < len && (unsigned char)s[i] < 0x80)
		i++;
	if (i == len || in->c->no_normalize)
		return voc_key_text(&in->key, s, len);
	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
	    &norm, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
	if (n < 0)	/* not valid UTF-8: the reader has checked, but keep */
		return voc_key_text(&in->key, s, len);
	int rc = voc_key_text(&in->key, (const char *)norm, (size_t)n);
	free(norm);
	return rc;
}

/*
 * Adds a hint to a "no column" error for the mistakes people make:
 * datamash's -t (its field separator) given to vockit, where -t is the
 * time column; and a delimiter that leaves the whole header one column.
 */
static void
hint(const struct voc_input *in, const char *ref, struct voc_error *err)
{
	const char *h = NULL, *name = voc_reader_colname(in->r, 0);
	size_t used = strlen(err->msg);

	if (in->c->time_col == ref && strlen(ref) == 1 &&
	    strchr(",;\t|:", ref[0]) != NULL)
		h = " (-t is the time column here; the delimiter is -d)";
	else if (voc_reader_ncols(in->r) == 1 && name != NULL &&
	    strpbrk(name, ",;\t|") != NULL)
		h = " (the header was read as one column: is the delimiter "
		    "right? give it with -d)";
	if (h != NULL)
		snprintf(err->msg + used, sizeof(err->msg) - used, "%s", h);
}

struct voc_input *
voc_input_open(const struct voc_common *c, const char *prog,
    char *const *files, int nfiles, const struct voc_input_range *range,
    struct voc_books *books, struct voc_error *err)
{
	struct voc_input *in = calloc(1, sizeof(*in));
	struct voc_reader_opts ro = c->rd;

	if (in == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return NULL;
	}
	in->c = c;
	in->prog = prog;
	in->books = books;
	if ((in->tz = voc_tz_load(c->tz, err)) == NULL ||
	    (in->input_tz = voc_tz_load(c->input_tz, err)) == NULL)
		goto fail;
	in->topts.input_tz = in->input_tz;
	in->topts.order = c->order;
	if (parse_window(in, c, err) < 0)
		goto fail;
	if (range != NULL) {
		ro.range_start = range->start;
		ro.range_end = range->end;
		ro.name = range->name;
		ro.open_tail = range->open_tail;
		ro.share = range->share;
	}
	in->r = voc_reader_open((const char *const *)files, (size_t)nfiles,
	    &ro, err);
	if (in->r == NULL)
		goto fail;
	if (c->group_by && voc_columns_list(in->r, c->group_by, "-g",
	    &in->groups, &in->ngroups, err) < 0) {
		hint(in, c->group_by, err);
		goto fail;
	}
	for (size_t i = 0; i < in->ngroups; i++)
		voc_reader_use(in->r, in->groups[i]);
	if (c->time_col && voc_input_column(in, c->time_col, &in->time_col,
	    err) < 0)
		goto fail;
	in->has_time = c->time_col != NULL;
	if (c->weight_col && voc_input_column(in, c->weight_col,
	    &in->weight_col, err) < 0)
		goto fail;
	in->has_weight = c->weight_col != NULL;
	if (c->scores && voc_input_column(in, c->score_col, &in->score_col,
	    err) < 0)
		goto fail;
	for (int i = 0; i < c->nwhere; i++)
		if (parse_where(in, c->where[i], &in->where[in->nwhere++],
		    err) < 0)
			goto fail;
	/* --dedupe's column is read by the driver's keep step: noted here
	 * so that voc_input_limit keeps it. */
	if (c->dedupe) {
		size_t col;

		if (voc_input_column(in, c->dedupe, &col, err) < 0)
			goto fail;
	}
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
	for (int i = 0; i < in->nwhere; i++)
		free(in->where[i].vals);
	voc_key_free(&in->key);
	free(in);
}

int
voc_input_column(const struct voc_input *in, const char *ref, size_t *idx,
    struct voc_error *err)
{
	if (voc_columns_find(in->r, ref, strlen(ref), idx, err) == 0) {
		voc_reader_use(in->r, *idx);
		return 0;
	}
	hint(in, ref, err);
	return -1;
}

size_t
voc_input_score_col(const struct voc_input *in)
{
	return in->score_col;
}

const char *
voc_input_colname(const struct voc_input *in, size_t idx)
{
	return voc_reader_colname(in->r, idx);
}

const struct voc_reader *
voc_input_reader(const struct voc_input *in)
{
	return in->r;
}

void
voc_input_progress(struct voc_input *in,
    void (*fn)(void *arg, long long rows, unsigned long long bytes),
    void *arg)
{
	in->progress = fn;
	in->progress_arg = arg;
}

void
voc_input_keep(struct voc_input *in,
    int (*keep)(void *arg, long long rowno, const struct voc_record *rec),
    void *arg)
{
	in->keep = keep;
	in->keep_arg = arg;
}

long
voc_input_lines(const struct voc_input *in)
{
	return voc_reader_lines(in->r);
}

int
voc_input_vskip(struct voc_input *in, const struct voc_row *row,
    struct voc_error *err, const char *cls, const char *fmt, va_list ap)
{
	char why[900];

	/* Rows read before this one and held by the caller are stepped
	 * first, so skips are counted in the order of the input. */
	if (in->before_skip != NULL && in->before_skip(in->before_skip_arg,
	    err) < 0)
		return -1;
	vsnprintf(why, sizeof(why), fmt, ap);
	/* One line: values are shortened and control characters escaped,
	 * so a field cannot forge a second message or move the cursor. */
	voc_error_clean(why, sizeof(why));
	voc_text_utf8_cut(why, strlen(why));
	if (in->c->strict) {
		in->books->skipped++;
		return voc_error_set(err, VOC_ERR_DATA, row->file, row->line,
		    "%s", why);
	}
	voc_books_skip(in->books, cls, row->file, row->line, why, 1);
	return 0;
}

int
voc_input_skip(struct voc_input *in, const struct voc_row *row,
    struct voc_error *err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = voc_input_vskip(in, row, err, fmt, fmt, ap);
	va_end(ap);
	return rc;
}

/* A row the reader found bad: its kind is the reason up to the first
 * colon ("ragged row", "invalid JSON"). */
static int
reader_skip(struct voc_input *in, const struct voc_row *row,
    struct voc_error *err)
{
	char cls[64];
	size_t n = strcspn(row->error, ":");

	snprintf(cls, sizeof(cls), "%.*s", (int)(n < 63 ? n : 63), row->error);
	return voc_input_skip_as(in, row, err, cls, "%s", row->error);
}

int
voc_input_skip_as(struct voc_input *in, const struct voc_row *row,
    struct voc_error *err, const char *cls, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = voc_input_vskip(in, row, err, cls, fmt, ap);
	va_end(ap);
	return rc;
}

void
voc_input_nonresponse(struct voc_input *in)
{
	in->books->nonresp++;
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
		if ((rc = voc_reader_next(in->r, &in->row, err)) != 1)
			return rc;
		in->books->rows++;
		if (in->progress && (in->books->rows & 0xFFFF) == 0)
			in->progress(in->progress_arg, in->books->rows,
			    voc_reader_bytes(in->r));
		if (row->error != NULL) {
			if (reader_skip(in, row, err) < 0)
				return -1;
			continue;
		}
		if (in->nwhere > 0 && !where_ok(in, row)) {
			in->books->rows--;
			in->books->filtered++;
			continue;
		}
		rec->row = row;
		rec->weight = 1;
		rec->period = 0;
		rec->has_time = 0;
		rec->time = 0;
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
			struct voc_books *b = in->books;
			if (!b->has_time || t < b->tmin)
				b->tmin = t;
			if (!b->has_time || t > b->tmax)
				b->tmax = t;
			b->has_time = 1;
			if ((in->has_since && t < in->since) ||
			    (in->has_until && t >= in->until)) {
				/* Outside the window: left out, not read. */
				b->rows--;
				b->filtered++;
				continue;
			}
			rec->has_time = 1;
			rec->time = t;
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
		voc_key_reset(&in->key);
		for (size_t i = 0; i < in->ngroups; i++) {
			const char *s = row->field[in->groups[i]];
			size_t len = row->len[in->groups[i]];

			voc_text_trim(&s, &len);
			if (key_value(in, s, len) < 0)
				return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
				    "out of memory");
		}
		rec->groupkeylen = in->key.len;
		if (in->c->by != VOC_BY_NONE &&
		    voc_key_int(&in->key, rec->period) < 0)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		rec->key = in->key.buf ? in->key.buf : "";
		rec->keylen = in->key.len;
		if (in->keep != NULL && !in->keep(in->keep_arg, in->rowno++,
		    rec)) {
			in->books->rows--;
			in->books->filtered++;
			continue;
		}
		return 1;
	}
}

size_t
voc_input_width(const struct voc_input *in)
{
	return voc_reader_width(in->r);
}

uint64_t
voc_input_used(const struct voc_input *in)
{
	return voc_reader_used(in->r);
}

int
voc_input_hold(struct voc_input *in, int on)
{
	return voc_reader_hold(in->r, on);
}

void
voc_input_before_skip(struct voc_input *in,
    int (*fn)(void *arg, struct voc_error *err), void *arg)
{
	in->before_skip = fn;
	in->before_skip_arg = arg;
}

void
voc_input_limit(struct voc_input *in)
{
	voc_reader_limit(in->r);
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
