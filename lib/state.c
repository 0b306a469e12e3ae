/*
 * State files (see include/voc/state.h).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#include "voc/jsonscan.h"
#include "voc/key.h"
#include "voc/text.h"
#include "voc/state.h"
#include "voc/writer.h"

#define FORMAT_VERSION 1

/* Adds n rows of kind r (its first at line + line_offset) to a. */
static void
add_reason(struct voc_books *a, const struct voc_reason *r, long line_offset)
{
	for (int i = 0; i < a->nreason; i++)
		if (strcmp(a->reason[i].cls, r->cls) == 0) {
			a->reason[i].n += r->n;
			return;
		}
	if (a->nreason == VOC_BOOKS_REASONS)
		return;
	a->reason[a->nreason] = *r;
	if (r->file[0] != '\0')
		a->reason[a->nreason].line += line_offset;
	a->nreason++;
}

void
voc_books_skip(struct voc_books *b, const char *cls, const char *file,
    long line, const char *why, long long n)
{
	struct voc_reason r;

	if (b->skipped == 0) {
		snprintf(b->first_file, sizeof(b->first_file), "%s", file);
		b->first_line = line;
		snprintf(b->first_why, sizeof(b->first_why), "%s", why);
		voc_text_utf8_cut(b->first_why, strlen(b->first_why));
		voc_text_utf8_cut(b->first_file, strlen(b->first_file));
	}
	b->skipped += n;
	memset(&r, 0, sizeof(r));
	snprintf(r.cls, sizeof(r.cls), "%s", cls);
	r.n = n;
	snprintf(r.file, sizeof(r.file), "%s", file);
	r.line = line;
	snprintf(r.why, sizeof(r.why), "%s", why);
	voc_text_utf8_cut(r.why, strlen(r.why));
	voc_text_utf8_cut(r.file, strlen(r.file));
	voc_text_utf8_cut(r.cls, strlen(r.cls));
	add_reason(b, &r, 0);
}

void
voc_books_add(struct voc_books *a, const struct voc_books *b,
    long line_offset)
{
	for (int i = 0; i < b->nreason; i++)
		add_reason(a, &b->reason[i], line_offset);
	if (a->skipped == 0 && b->skipped > 0) {
		memcpy(a->first_file, b->first_file, sizeof(a->first_file));
		memcpy(a->first_why, b->first_why, sizeof(a->first_why));
		a->first_line = b->first_line + line_offset;
	}
	a->rows += b->rows;
	a->nonresp += b->nonresp;
	a->skipped += b->skipped;
	a->filtered += b->filtered;
	if (b->has_time) {
		if (!a->has_time || b->tmin < a->tmin)
			a->tmin = b->tmin;
		if (!a->has_time || b->tmax > a->tmax)
			a->tmax = b->tmax;
		a->has_time = 1;
	}
}

/* ---- encoding ---- */

struct voc_enc {
	char *buf;
	size_t len, cap;
	int n;			/* values written */
	int oom;
};

static void
put(struct voc_enc *e, const char *s, size_t n)
{
	if (e->oom)
		return;
	if (e->len + n + 1 > e->cap) {
		size_t cap = e->cap ? e->cap : 256;
		while (cap < e->len + n + 1)
			cap *= 2;
		char *b = realloc(e->buf, cap);
		if (b == NULL) {
			e->oom = 1;
			return;
		}
		e->buf = b;
		e->cap = cap;
	}
	memcpy(e->buf + e->len, s, n);
	e->len += n;
}

static void
sep(struct voc_enc *e)
{
	if (e->n++ > 0)
		put(e, ",", 1);
}

int
voc_enc_int(struct voc_enc *e, long long v)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%lld", v);

	sep(e);
	put(e, b, (size_t)n);
	return e->oom ? -1 : 0;
}

int
voc_enc_num(struct voc_enc *e, double v)
{
	char b[64];

	sep(e);
	voc_writer_format_num(v, -1, b, sizeof(b));
	if (b[0] == '\0')
		put(e, "null", 4);
	else
		put(e, b, strlen(b));
	return e->oom ? -1 : 0;
}

static void
put_jstring(struct voc_enc *e, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	put(e, "\"", 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

		if (c == '"' || c == '\\') {
			char q[2] = {'\\', (char)c};
			put(e, q, 2);
		} else if (c < 0x20 || c == 0x7f)
			put(e, u, 6);
		else
			put(e, (const char *)&s[i], 1);
	}
	put(e, "\"", 1);
}

int
voc_enc_str(struct voc_enc *e, const char *s, size_t len)
{
	sep(e);
	put_jstring(e, s, len);
	return e->oom ? -1 : 0;
}

static void
put_cstr(struct voc_enc *e, const char *s)
{
	put(e, s, strlen(s));
}

/* The key's parts as a JSON array's elements. */
static void
put_key(struct voc_enc *e, const char *key, size_t keylen)
{
	struct voc_key_part p;
	size_t pos = 0;

	e->n = 0;
	while (voc_key_next(key, keylen, &pos, &p)) {
		if (p.is_total) {
			sep(e);
			put(e, "null", 4);
		} else if (p.is_int)
			voc_enc_int(e, (long long)p.v);
		else
			voc_enc_str(e, p.s, p.len);
	}
}

static void
put_header(struct voc_enc *e, const struct voc_state_hdr *h,
    const struct voc_books *b)
{
	char num[128];

	snprintf(num, sizeof(num), "{\"vockit-state\":%d,\"prog\":",
	    FORMAT_VERSION);
	put_cstr(e, num);
	put_jstring(e, h->prog, strlen(h->prog));
	put_cstr(e, ",\"state\":");
	put_jstring(e, h->ops->name, strlen(h->ops->name));
	snprintf(num, sizeof(num), ",\"version\":%u,\"options\":{",
	    h->ops->version);
	put_cstr(e, num);
	for (size_t i = 0; i < h->nopts; i++) {
		if (i > 0)
			put(e, ",", 1);
		put_jstring(e, h->opt_names[i], strlen(h->opt_names[i]));
		put(e, ":", 1);
		put_jstring(e, h->opt_values[i], strlen(h->opt_values[i]));
	}
	put_cstr(e, "},\"names\":[");
	for (size_t i = 0; i < h->nnames; i++) {
		if (i > 0)
			put(e, ",", 1);
		put_jstring(e, h->names[i], strlen(h->names[i]));
	}
	snprintf(num, sizeof(num), "],\"rows\":%lld,\"nonresponse\":%lld,"
	    "\"skipped\":%lld,\"filtered\":%lld", b->rows, b->nonresp,
	    b->skipped, b->filtered);
	put_cstr(e, num);
	if (b->has_time) {
		snprintf(num, sizeof(num), ",\"time_min\":%lld,"
		    "\"time_max\":%lld", (long long)b->tmin,
		    (long long)b->tmax);
		put_cstr(e, num);
	}
	if (b->skipped > 0) {
		put_cstr(e, ",\"first_skip\":{\"file\":");
		put_jstring(e, b->first_file, strlen(b->first_file));
		snprintf(num, sizeof(num), ",\"line\":%ld,\"why\":",
		    b->first_line);
		put_cstr(e, num);
		put_jstring(e, b->first_why, strlen(b->first_why));
		put(e, "}", 1);
	}
	if (b->nreason > 0) {
		put_cstr(e, ",\"reasons\":[");
		for (int i = 0; i < b->nreason; i++) {
			const struct voc_reason *r = &b->reason[i];

			put_cstr(e, i ? ",{\"class\":" : "{\"class\":");
			put_jstring(e, r->cls, strlen(r->cls));
			snprintf(num, sizeof(num), ",\"n\":%lld,\"file\":", r->n);
			put_cstr(e, num);
			put_jstring(e, r->file, strlen(r->file));
			snprintf(num, sizeof(num), ",\"line\":%ld,\"why\":",
			    r->line);
			put_cstr(e, num);
			put_jstring(e, r->why, strlen(r->why));
			put(e, "}", 1);
		}
		put(e, "]", 1);
	}
	put_cstr(e, "}\n");
}

int
voc_state_write(FILE *fp, const struct voc_state_hdr *h,
    const struct voc_books *books, struct voc_table *t,
    struct voc_error *err)
{
	struct voc_enc e = {0};
	const struct voc_state_ops *ops = voc_table_ops(t);
	const void *cfg = voc_table_cfg(t);

	if (voc_table_sort(t) < 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	put_header(&e, h, books);
	fwrite(e.buf, 1, e.oom ? 0 : e.len, fp);
	for (size_t i = 0; i < voc_table_count(t) && !e.oom; i++) {
		struct voc_entry en;

		voc_table_at(t, i, &en);
		e.len = 0;
		put_cstr(&e, "{\"k\":[");
		put_key(&e, en.key, en.keylen);
		put_cstr(&e, "],\"s\":[");
		e.n = 0;
		if (ops->save(en.st, &e, cfg) < 0)
			e.oom = 1;
		put_cstr(&e, "]}\n");
		if (!e.oom)
			fwrite(e.buf, 1, e.len, fp);
	}
	free(e.buf);
	if (e.oom)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	return 0;
}

/* ---- decoding ---- */

/* A value of a state line: from jansson's tree, or read without one
 * (fast_line). */
enum { V_INT, V_REAL, V_NULL, V_STR, V_OTHER };

struct dec_val {
	int type;
	long long i;		/* V_INT */
	double d;		/* V_REAL */
	const char *s;		/* V_STR: len bytes (not NUL-terminated
				 * when read without a tree) */
	size_t len;
};

struct voc_dec {
	json_t *arr;		/* the values in a tree, or */
	const struct dec_val *v;	/* read without one */
	size_t i, n;
	const char *file;
	long line;
};

static void
json_val(json_t *j, struct dec_val *v)
{
	v->type = json_is_integer(j) ? V_INT : json_is_real(j) ? V_REAL :
	    json_is_null(j) ? V_NULL : json_is_string(j) ? V_STR : V_OTHER;
	if (v->type == V_INT)
		v->i = (long long)json_integer_value(j);
	else if (v->type == V_REAL)
		v->d = json_real_value(j);
	else if (v->type == V_STR) {
		v->s = json_string_value(j);
		v->len = json_string_length(j);
	}
}

/* Value i of d, which has one. */
static void
dec_at(const struct voc_dec *d, size_t i, struct dec_val *v)
{
	if (d->v != NULL)
		*v = d->v[i];
	else
		json_val(json_array_get(d->arr, i), v);
}

static int
dec_next(struct voc_dec *d, struct dec_val *v, const char *what,
    struct voc_error *err)
{
	if (d->i >= d->n)
		return voc_error_set(err, VOC_ERR_DATA, d->file, d->line,
		    "state line ends where %s was expected", what);
	dec_at(d, d->i++, v);
	return 0;
}

int
voc_dec_int(struct voc_dec *d, long long *v, struct voc_error *err)
{
	struct dec_val x;

	if (dec_next(d, &x, "a whole number", err) < 0)
		return -1;
	if (x.type != V_INT)
		return voc_error_set(err, VOC_ERR_DATA, d->file, d->line,
		    "state value %zu is not a whole number", d->i);
	*v = x.i;
	return 0;
}

int
voc_dec_count(struct voc_dec *d, long long *v, struct voc_error *err)
{
	if (voc_dec_int(d, v, err) < 0)
		return -1;
	if (*v < 0 || *v > (1LL << 53))
		return voc_error_set(err, VOC_ERR_DATA, d->file, d->line,
		    "state value %zu is not a count", d->i);
	return 0;
}

int
voc_dec_num(struct voc_dec *d, double *v, struct voc_error *err)
{
	struct dec_val x;

	if (dec_next(d, &x, "a number", err) < 0)
		return -1;
	if (x.type == V_NULL)
		*v = NAN;
	else if (x.type == V_INT)
		*v = (double)x.i;
	else if (x.type == V_REAL)
		*v = x.d;
	else
		return voc_error_set(err, VOC_ERR_DATA, d->file, d->line,
		    "state value %zu is not a number", d->i);
	return 0;
}

int
voc_dec_str(struct voc_dec *d, const char **s, size_t *len,
    struct voc_error *err)
{
	struct dec_val x;

	if (dec_next(d, &x, "a string", err) < 0)
		return -1;
	if (x.type != V_STR)
		return voc_error_set(err, VOC_ERR_DATA, d->file, d->line,
		    "state value %zu is not a string", d->i);
	*s = x.s;
	*len = x.len;
	return 0;
}

size_t
voc_dec_left(const struct voc_dec *d)
{
	return d->n - d->i;
}

int
voc_dec_next_is_num(const struct voc_dec *d)
{
	struct dec_val x;

	if (d->i >= d->n)
		return 0;
	dec_at(d, d->i, &x);
	return x.type == V_INT || x.type == V_REAL || x.type == V_NULL;
}

void
voc_state_seen_free(struct voc_state_seen *s)
{
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	s->names = NULL;
	s->nnames = 0;
}

static const char *
jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long
jint(json_t *o, const char *k, int *ok)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		*ok = 0;
		return 0;
	}
	return (long long)json_integer_value(v);
}

/* Checks a shard header against this run and adds its books. */
static int
header(json_t *o, const struct voc_state_hdr *h, struct voc_books *books,
    struct voc_state_seen *seen, const char *file, long line,
    struct voc_error *err)
{
	const char *prog = jstr(o, "prog"), *state = jstr(o, "state");
	json_t *ver = json_object_get(o, "version");
	json_t *opts = json_object_get(o, "options");
	json_t *names = json_object_get(o, "names");
	int ok = 1;

	if (!json_is_integer(json_object_get(o, "vockit-state")) ||
	    json_integer_value(json_object_get(o, "vockit-state")) !=
	    FORMAT_VERSION)
		return voc_error_set(err, VOC_ERR_DATA, file, line,
		    "a state stream of another format version (this vockit "
		    "reads version %d)", FORMAT_VERSION);
	if (prog == NULL || strcmp(prog, h->prog) != 0)
		return voc_error_set(err, VOC_ERR_USAGE, file, line,
		    "this state was written by %s, not %s",
		    prog ? prog : "an unknown program", h->prog);
	if (state == NULL || strcmp(state, h->ops->name) != 0 ||
	    !json_is_integer(ver) ||
	    json_integer_value(ver) != (json_int_t)h->ops->version)
		return voc_error_set(err, VOC_ERR_USAGE, file, line,
		    "this state is not a version %u \"%s\" state of %s",
		    h->ops->version, h->ops->name, h->prog);
	if (!json_is_object(opts) || !json_is_array(names))
		return voc_error_set(err, VOC_ERR_DATA, file, line,
		    "a state header without options or names");
	for (size_t i = 0; i < h->nopts; i++) {
		const char *v = jstr(opts, h->opt_names[i]);

		if (v == NULL)
			return voc_error_set(err, VOC_ERR_USAGE, file, line,
			    "this state records no %s option: it was written "
			    "by another version of %s", h->opt_names[i],
			    h->prog);
		if (strcmp(v, h->opt_values[i]) != 0)
			return voc_error_set(err, VOC_ERR_USAGE, file, line,
			    "this state was written with %s \"%s\", this run "
			    "has %s \"%s\": merge states made with the same "
			    "options", h->opt_names[i], v ? v : "",
			    h->opt_names[i], h->opt_values[i]);
	}
	if (json_object_size(opts) != h->nopts)
		return voc_error_set(err, VOC_ERR_USAGE, file, line,
		    "this state was written with other options than this "
		    "run's");
	size_t nn = json_array_size(names);
	if (seen->headers == 0) {
		if ((seen->names = calloc(nn ? nn : 1, sizeof(char *))) ==
		    NULL)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		for (size_t i = 0; i < nn; i++) {
			const char *s = json_string_value(json_array_get(names,
			    i));

			if ((seen->names[i] = strdup(s ? s : "")) == NULL)
				return voc_error_set(err, VOC_ERR_DATA, NULL,
				    0, "out of memory");
			seen->nnames++;
		}
	} else {
		int same = nn == seen->nnames;

		for (size_t i = 0; same && i < nn; i++) {
			const char *s = json_string_value(json_array_get(names,
			    i));
			same = s != NULL && strcmp(s, seen->names[i]) == 0;
		}
		if (!same)
			return voc_error_set(err, VOC_ERR_USAGE, file, line,
			    "this state's key columns are named otherwise "
			    "than the first state's");
	}
	struct voc_books b;
	memset(&b, 0, sizeof(b));
	b.rows = jint(o, "rows", &ok);
	b.nonresp = jint(o, "nonresponse", &ok);
	b.skipped = jint(o, "skipped", &ok);
	b.filtered = jint(o, "filtered", &ok);
	if (json_is_integer(json_object_get(o, "time_min")) &&
	    json_is_integer(json_object_get(o, "time_max"))) {
		b.has_time = 1;
		b.tmin = json_integer_value(json_object_get(o, "time_min"));
		b.tmax = json_integer_value(json_object_get(o, "time_max"));
	}
	if (!ok)
		return voc_error_set(err, VOC_ERR_DATA, file, line,
		    "a state header without its row counts");
	json_t *fs = json_object_get(o, "first_skip");
	if (b.skipped > 0 && json_is_object(fs)) {
		const char *f = jstr(fs, "file"), *why = jstr(fs, "why");
		json_t *l = json_object_get(fs, "line");

		snprintf(b.first_file, sizeof(b.first_file), "%s", f ? f : "");
		snprintf(b.first_why, sizeof(b.first_why), "%s",
		    why ? why : "");
		b.first_line = json_is_integer(l) ?
		    (long)json_integer_value(l) : 0;
		/* State files are input too: one-line messages. */
		voc_error_clean(b.first_why, sizeof(b.first_why));
		voc_error_clean(b.first_file, sizeof(b.first_file));
	}
	json_t *rs = json_object_get(o, "reasons");
	for (size_t i = 0; json_is_array(rs) && i < json_array_size(rs) &&
	    b.nreason < VOC_BOOKS_REASONS; i++) {
		json_t *r = json_array_get(rs, i);
		struct voc_reason *x = &b.reason[b.nreason];
		const char *cls = jstr(r, "class"), *f = jstr(r, "file");
		const char *why = jstr(r, "why");
		json_t *l = json_object_get(r, "line"), *n = json_object_get(r,
		    "n");

		if (cls == NULL || !json_is_integer(n))
			continue;
		snprintf(x->cls, sizeof(x->cls), "%s", cls);
		snprintf(x->file, sizeof(x->file), "%s", f ? f : "");
		snprintf(x->why, sizeof(x->why), "%s", why ? why : "");
		x->line = json_is_integer(l) ? (long)json_integer_value(l) : 0;
		voc_error_clean(x->why, sizeof(x->why));
		voc_error_clean(x->file, sizeof(x->file));
		x->n = (long long)json_integer_value(n);
		b.nreason++;
	}
	/* Shards may come in any order: the first skip named is the least
	 * by file and line, not the first read. */
	if (books->skipped > 0 && b.skipped > 0) {
		int c = strcmp(b.first_file, books->first_file);

		if (c < 0 || (c == 0 && b.first_line < books->first_line)) {
			memcpy(books->first_file, b.first_file,
			    sizeof(b.first_file));
			memcpy(books->first_why, b.first_why,
			    sizeof(b.first_why));
			books->first_line = b.first_line;
		}
	}
	voc_books_add(books, &b, 0);
	seen->headers++;
	return 0;
}

/*
 * A state line as --state-out writes it, {"k":[...],"s":[...]} with
 * whole numbers, other numbers, null and strings without escapes, is
 * read here without a tree: jansson made and freed one for each line,
 * and that was most of the time of merging a state of 100,000 keys.
 * Whatever else a line holds (a header, spaces, escapes, other values,
 * numbers out of range, bytes that are not UTF-8, something that is not
 * JSON at all) sends it to jansson, which reads it or says what is
 * wrong; what is read here is what jansson would read.
 */
struct fast {
	struct dec_val *v;
	size_t n, cap;
};

/* The value at p (before end) into *v; returns the byte after it, or
 * NULL for one left to jansson. */
static char *
fast_value(char *p, const char *end, struct dec_val *v)
{
	char num[64], *q = p;
	int real;
	long mag;

	if (q < end && *q == '"') {
		for (q++; q < end && *q != '"'; q++)
			if ((unsigned char)*q < 0x20 || *q == '\\')
				return NULL;
		if (q == end || voc_text_utf8_check(p + 1, (size_t)(q - p -
		    1)) != (size_t)(q - p - 1))
			return NULL;
		v->type = V_STR;
		v->s = p + 1;
		v->len = (size_t)(q - p - 1);
		return q + 1;
	}
	if (end - q >= 4 && memcmp(q, "null", 4) == 0) {
		v->type = V_NULL;
		return q + 4;
	}
	if ((q = (char *)voc_json_number(p, end, &real, &mag)) == NULL)
		return NULL;
	if (!real && q - p <= 18) {
		/* Up to 18 digits: no overflow, no call. */
		long long x = 0;

		for (const char *c = p + (*p == '-'); c < q; c++)
			x = x * 10 + (*c - '0');
		v->type = V_INT;
		v->i = *p == '-' ? -x : x;
		return q;
	}
	if (q - p >= (long)sizeof(num))
		return NULL;
	memcpy(num, p, (size_t)(q - p));
	num[q - p] = '\0';
	errno = 0;
	if (!real) {
		/* Past a long long jansson fails the line. */
		v->type = V_INT;
		v->i = strtoll(num, NULL, 10);
		if (errno == ERANGE)
			return NULL;
	} else {
		/* As jansson: an overflow fails the line, an underflow
		 * reads as what strtod gives. */
		v->type = V_REAL;
		v->d = strtod(num, NULL);
		if (isinf(v->d))
			return NULL;
	}
	return q;
}

/* Room in f for n values: 0, or -1 when out of memory. */
static int
fast_room(struct fast *f, size_t n)
{
	size_t cap = f->cap ? f->cap : 32;
	struct dec_val *v;

	if (n <= f->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	if ((v = realloc(f->v, cap * sizeof(*v))) == NULL)
		return -1;
	f->v = v;
	f->cap = cap;
	return 0;
}

/* The values of the array at p ('[' ... ']') appended to f; returns the
 * byte after it, or NULL (out of memory: *oom set). */
static char *
fast_array(char *p, const char *end, struct fast *f, int *oom)
{
	if (p == end || *p++ != '[')
		return NULL;
	if (p < end && *p == ']')
		return p + 1;
	for (;;) {
		if (fast_room(f, f->n + 1) < 0) {
			*oom = 1;
			return NULL;
		}
		if ((p = fast_value(p, end, &f->v[f->n])) == NULL)
			return NULL;
		f->n++;
		if (p < end && *p == ']')
			return p + 1;
		if (p == end || *p++ != ',')
			return NULL;
	}
}

/* Reads a key line without a tree: 1 with its key's values f->v[0 ..
 * *nk) and its state's after them, 0 for a line left to jansson, -1
 * when out of memory. */
static int
fast_line(char *buf, size_t len, struct fast *f, size_t *nk)
{
	const char *end = buf + len;
	char *p = buf;
	int oom = 0;

	f->n = 0;
	if (len < 6 || memcmp(p, "{\"k\":", 5) != 0 ||
	    (p = fast_array(p + 5, end, f, &oom)) == NULL)
		return oom ? -1 : 0;
	*nk = f->n;
	if (end - p < 5 || memcmp(p, ",\"s\":", 5) != 0 ||
	    (p = fast_array(p + 5, end, f, &oom)) == NULL)
		return oom ? -1 : 0;
	if (p == end || *p++ != '}')
		return 0;
	if (p < end && *p == '\r')
		p++;
	if (p < end && *p == '\n')
		p++;
	if (p != end)
		return 0;
	/* Read: each string's closing quote becomes its NUL, as jansson's
	 * strings end (and the line is not jansson's now). */
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].type == V_STR)
			((char *)f->v[i].s)[f->v[i].len] = '\0';
	return 1;
}

/* Merges a key line's state, its key's values k[0..nk) and its state's
 * in d, into t. */
static int
merge_line(const struct dec_val *kv, size_t nk, struct voc_dec *d,
    struct voc_table *t, struct voc_key *k, void *tmp, struct voc_error *err)
{
	const struct voc_state_ops *ops = voc_table_ops(t);
	const void *cfg = voc_table_cfg(t);
	size_t size = voc_table_state_size(t);

	voc_key_reset(k);
	for (size_t i = 0; i < nk; i++) {
		int rc;

		if (kv[i].type == V_STR)
			rc = voc_key_text(k, kv[i].s, kv[i].len);
		else if (kv[i].type == V_INT)
			rc = voc_key_int(k, (int64_t)kv[i].i);
		else if (kv[i].type == V_NULL)
			rc = voc_key_total(k);
		else
			return voc_error_set(err, VOC_ERR_DATA, d->file,
			    d->line, "a state key holds something other than "
			    "text and whole numbers");
		if (rc < 0)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
	}
	memset(tmp, 0, size ? size : 1);
	if (ops->init != NULL)
		ops->init(tmp, cfg);
	int rc = ops->load(tmp, d, cfg, err);
	if (rc == 0 && voc_dec_left(d) > 0)
		rc = voc_error_set(err, VOC_ERR_DATA, d->file, d->line,
		    "a state line with %zu values more than this program "
		    "writes", voc_dec_left(d));
	if (rc == 0) {
		void *st = voc_table_get(t, k->buf, k->len);

		if (st == NULL || ops->merge(st, tmp, cfg) < 0)
			rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
	}
	if (rc < 0 && err->file[0] == '\0')
		snprintf(err->file, sizeof(err->file), "%s", d->file);
	if (rc < 0 && err->line == 0)
		err->line = d->line;
	if (ops->fini != NULL)
		ops->fini(tmp, cfg);
	return rc;
}

/* A key line in jansson's tree. */
static int
key_line(json_t *o, struct voc_table *t, struct voc_key *k, void *tmp,
    struct fast *f, const char *file, long line, struct voc_error *err)
{
	json_t *ka = json_object_get(o, "k"), *sa = json_object_get(o, "s");

	if (!json_is_array(ka) || !json_is_array(sa))
		return voc_error_set(err, VOC_ERR_DATA, file, line,
		    "not a line of a state stream");
	/* The key's values as the fast path's: the tree outlives them. */
	if (fast_room(f, json_array_size(ka)) < 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	for (size_t i = 0; i < json_array_size(ka); i++)
		json_val(json_array_get(ka, i), &f->v[i]);
	struct voc_dec d = {sa, NULL, 0, json_array_size(sa), file, line};
	return merge_line(f->v, json_array_size(ka), &d, t, k, tmp, err);
}

int
voc_state_read(const char *path, const struct voc_state_hdr *h,
    struct voc_table *t, struct voc_books *books,
    struct voc_state_seen *seen, struct voc_error *err)
{
	int std = strcmp(path, "-") == 0;
	const char *name = std ? "stdin" : path;
	gzFile gz = std ? gzdopen(dup(0), "rb") : gzopen(path, "rb");
	struct voc_key k = {0};
	struct fast f = {0};
	size_t cap = 1 << 16, len;
	char *buf = malloc(cap);
	void *tmp = malloc(voc_table_state_size(t) + 8);
	long line = 0;
	int rc = 0;

	if (gz == NULL || buf == NULL || tmp == NULL) {
		if (gz != NULL)
			gzclose(gz);
		free(buf);
		free(tmp);
		if (gz == NULL && errno != 0 && errno != ENOMEM)
			return voc_error_set(err, VOC_ERR_DATA, name, 0, "%s",
			    strerror(errno));
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	}
	gzbuffer(gz, 1 << 18);
	for (;;) {
		len = 0;
		buf[0] = '\0';
		/* One whole line, however long (sketches and sets make long
		 * lines). */
		while (gzgets(gz, buf + len, (int)(cap - len)) != NULL) {
			len += strlen(buf + len);
			if (len > 0 && buf[len - 1] == '\n')
				break;
			if (cap - len < 2) {
				char *b = realloc(buf, cap * 2);

				if (b == NULL) {
					rc = voc_error_set(err, VOC_ERR_DATA,
					    NULL, 0, "out of memory");
					break;
				}
				buf = b;
				cap *= 2;
			}
		}
		if (rc < 0 || len == 0)
			break;
		line++;
		size_t nk;
		int fl = fast_line(buf, len, &f, &nk);
		if (fl < 0) {
			rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
			break;
		}
		if (fl > 0) {
			struct voc_dec d = {NULL, f.v + nk, 0, f.n - nk, name,
			    line};

			if ((rc = merge_line(f.v, nk, &d, t, &k, tmp, err)) < 0)
				break;
			continue;
		}
		json_error_t je;
		json_t *o = json_loadb(buf, len, JSON_ALLOW_NUL, &je);
		if (o == NULL || !json_is_object(o)) {
			json_decref(o);
			size_t i = 0;
			while (i < len && (buf[i] == ' ' || buf[i] == '\t' ||
			    buf[i] == '\r' || buf[i] == '\n'))
				i++;
			if (i == len)
				continue;	/* a blank line */
			rc = voc_error_set(err, VOC_ERR_DATA, name, line,
			    "not a line of a vockit state stream (was the "
			    "file written with --state-out?)");
			break;
		}
		if (json_object_get(o, "vockit-state") != NULL)
			rc = header(o, h, books, seen, name, line, err);
		else
			rc = key_line(o, t, &k, tmp, &f, name, line, err);
		json_decref(o);
		if (rc < 0)
			break;
	}
	if (rc == 0) {
		int errnum;
		const char *msg = gzerror(gz, &errnum);

		if (errnum != Z_OK && errnum != Z_STREAM_END)
			rc = voc_error_set(err, VOC_ERR_DATA, name, line + 1,
			    "read error: %s", errnum == Z_ERRNO ?
			    strerror(errno) : msg);
	}
	gzclose(gz);
	free(buf);
	free(tmp);
	free(f.v);
	voc_key_free(&k);
	return rc;
}
