/*
 * The reader's JSON Lines (see lib/reader.c for the whole): the first
 * object names the columns (nested keys flattened to a.b.c); later lines
 * go through the tree-free scanner (lib/jsonscan.c) and, when it hands a
 * line back, through jansson, which also words the errors.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "reader_impl.h"
#include "voc/text.h"


/*
 * jansson reports a failed allocation inside the parser as a syntax
 * error, which would make out of memory a skipped row.  Its allocations
 * go through these, which note a failure for the thread that parses.
 */
static _Thread_local int json_oom;
static pthread_once_t json_alloc_once = PTHREAD_ONCE_INIT;

static void *
json_alloc(size_t size)
{
	void *p = malloc(size);

	if (p == NULL)
		json_oom = 1;
	return p;
}

static void
json_alloc_setup(void)
{
	json_set_alloc_funcs(json_alloc, free);
}

static int
json_scalar_text(json_t *v, char *tmp, size_t size, const char **s,
    size_t *len, char **dumped)
{
	*dumped = NULL;
	switch (json_typeof(v)) {
	case JSON_STRING:
		*s = json_string_value(v);
		*len = json_string_length(v);
		return 0;
	case JSON_INTEGER:
		*len = (size_t)snprintf(tmp, size, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		break;
	case JSON_REAL:
		*len = (size_t)snprintf(tmp, size, "%.15g", json_real_value(v));
		break;
	case JSON_TRUE:
		*len = (size_t)snprintf(tmp, size, "true");
		break;
	case JSON_FALSE:
		*len = (size_t)snprintf(tmp, size, "false");
		break;
	case JSON_NULL:
		*len = 0;
		tmp[0] = '\0';
		break;
	default:
		if ((*dumped = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY))
		    == NULL)
			return -1;
		*s = *dumped;
		*len = strlen(*dumped);
		return 0;
	}
	*s = tmp;
	return 0;
}

/* Calls fn(name, value) for each leaf of obj, names joined with '.'. */
static int
flatten(json_t *obj, char **name, size_t *ncap, size_t nlen,
    int (*fn)(struct voc_reader *, const char *, json_t *),
    struct voc_reader *r)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t klen = strlen(key), need = nlen + klen + 2;

		if (voc_rd_grow((void **)name, ncap, need, 1) < 0)
			return -1;
		if (nlen > 0)
			(*name)[nlen] = '.';
		memcpy(*name + nlen + (nlen > 0), key, klen + 1);
		if (json_is_object(v) && json_object_size(v) > 0) {
			if (flatten(v, name, ncap, nlen + (nlen > 0) + klen,
			    fn, r) < 0)
				return -1;
		} else if (fn(r, *name, v) < 0)
			return -1;
		(*name)[nlen] = '\0';
	}
	return 0;
}

static int
add_colname(struct voc_reader *r, const char *name, json_t *v)
{
	size_t cap = r->ncols;
	char *dup;

	(void)v;
	if (voc_rd_grow((void **)&r->colnames, &cap, r->ncols + 1,
	    sizeof(*r->colnames)) < 0 || (dup = strdup(name)) == NULL)
		return -1;
	r->colnames[r->ncols++] = dup;
	return 0;
}

static int
set_jfield(struct voc_reader *r, const char *name, json_t *v)
{
	char tmp[64], *dumped;
	const char *s;
	size_t len, col;

	for (col = 0; col < r->ncols; col++)
		if (strcmp(r->colnames[col], name) == 0)
			break;
	if (col == r->ncols)
		return 0;	/* a key no one asked for */
	if (r->seen != NULL && col >= r->nfirst)
		r->seen[col - r->nfirst] = 1;
	if (json_scalar_text(v, tmp, sizeof(tmp), &s, &len, &dumped) < 0)
		return -1;
	r->fields[col].len = len;
	int rc = voc_rd_arena_add(r, s, len, &r->fields[col].off);
	free(dumped);
	return rc;
}

static int
json_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/*
 * What is wrong with a line that is not a JSON object, in words that
 * name the input's problem ("not valid JSON: ..."), not the parser's
 * flags or internals (jansson's texts quote the input and name its
 * options).
 */
static void
json_why(json_t *v, const json_error_t *e, char *buf, size_t size)
{
	static const char *const type[] = {
		"an object", "an array", "a string", "an integer",
		"a number", "true", "false", "null",
	};
	const char *what;

	if (v != NULL) {
		snprintf(buf, size, "%s, not an object",
		    type[json_typeof(v)]);
		return;
	}
	switch (json_error_code(e)) {
	case json_error_null_character:
		what = "a NUL character (\\u0000) in a string";
		break;
	case json_error_stack_overflow:
		what = "arrays or objects nested too deep";
		break;
	case json_error_premature_end_of_input:
		what = "the line ends inside a value";
		break;
	case json_error_end_of_input_expected:
		what = "more than one value on the line";
		break;
	case json_error_numeric_overflow:
		what = "a number too large";
		break;
	case json_error_invalid_utf8:
		what = "invalid UTF-8";
		break;
	default:
		what = strncmp(e->text, "control character", 17) == 0 ?
		    "a control character in a string (it must be escaped)" :
		    "a syntax error";
		break;
	}
	if (e->column > 0)
		snprintf(buf, size, "not valid JSON: %s (column %d)", what,
		    e->column);
	else
		snprintf(buf, size, "not valid JSON: %s", what);
}

/* The next JSON Lines record: 1, 0 at the end, -1.  With names set, the
 * record's keys also become the header. */
int
voc_rd_json_record(struct voc_reader *r, struct voc_row *row, int names,
    struct voc_error *err)
{
	char *line, *name = NULL;
	size_t len, ncap = 0;
	json_error_t jerr;
	json_t *obj;
	int rc;

	do {
		if ((rc = voc_rd_next_line(r, &line, &len, err)) <= 0)
			return rc;
	} while (json_blank(line, len));
	row->line = r->line_no;
	row->error = NULL;
	if (!names && r->js != NULL) {
		/* Most lines: only the columns' values, no tree.  Lines the
		 * scanner hands back (invalid JSON, repeated keys, ...) go to
		 * jansson below, for its reading and its messages. */
		int rc = voc_jscan_line(r->js, line, len, r->jval);

		if (rc < 0 || voc_rd_out_room(r, r->ncols) < 0)
			return voc_rd_oom(err);
		if (rc == 1) {
			for (size_t i = 0; i < r->ncols; i++) {
				const struct voc_jscan_value *v = &r->jval[i];
				int absent = v->type == VOC_JSCAN_ABSENT ||
				    v->s == NULL;

				r->outf[i] = absent ? "" : v->s;
				r->outl[i] = absent ? 0 : v->len;
				if (!absent && r->seen != NULL && i >= r->nfirst)
					r->seen[i - r->nfirst] = 1;
			}
			row->nfields = r->ncols;
			row->field = r->outf;
			row->len = r->outl;
			return 1;
		}
	}
	pthread_once(&json_alloc_once, json_alloc_setup);
	json_oom = 0;
	obj = json_loadb(line, len, 0, &jerr);
	if (json_oom || (obj == NULL &&
	    json_error_code(&jerr) == json_error_out_of_memory)) {
		json_decref(obj);
		return voc_rd_oom(err);
	}
	if (obj == NULL || !json_is_object(obj)) {
		char why[160];

		json_why(obj, &jerr, why, sizeof(why));
		json_decref(obj);
		if (names)
			return voc_error_set(err, VOC_ERR_DATA, r->name,
			    r->line_no, "the first JSON Lines record is %s",
			    why);
		snprintf(r->errbuf, sizeof(r->errbuf), "%s", why);
		row->error = r->errbuf;
		row->nfields = 0;
		return 1;
	}
	rc = names ? flatten(obj, &name, &ncap, 0, add_colname, r) : 0;
	if (rc >= 0) {
		r->alen = 0;
		if (voc_rd_grow((void **)&r->fields, &r->fcap, r->ncols,
		    sizeof(*r->fields)) < 0 || voc_rd_out_room(r, r->ncols) < 0)
			rc = -1;
		else {
			/* Columns the record lacks point at one empty
			 * string. */
			size_t empty;
			if (voc_rd_arena_add(r, "", 0, &empty) < 0)
				rc = -1;
			for (size_t i = 0; i < r->ncols; i++) {
				r->fields[i].off = empty;
				r->fields[i].len = 0;
			}
			if (rc >= 0)
				rc = flatten(obj, &name, &ncap, 0, set_jfield,
				    r);
			for (size_t i = 0; rc >= 0 && i < r->ncols; i++) {
				r->outf[i] = r->arena + r->fields[i].off;
				r->outl[i] = r->fields[i].len;
			}
			row->nfields = r->ncols;
			row->field = r->outf;
			row->len = r->outl;
		}
	}
	free(name);
	json_decref(obj);
	return rc < 0 ? voc_rd_oom(err) : 1;
}

/*
 * Sets up the tree-free scanner for the columns the first object named.
 * Two columns of one name (which jansson's reading tells apart by
 * position) leave the scanner out.
 */
void
voc_rd_jscan_setup(struct voc_reader *r)
{
	if ((r->js = voc_jscan_new()) == NULL)
		return;
	voc_jscan_reals_g15(r->js, 1);
	for (size_t i = 0; i < r->ncols; i++)
		if (voc_jscan_add(r->js, r->colnames[i],
		    strlen(r->colnames[i])) != (long)i) {
			voc_jscan_free(r->js);
			r->js = NULL;
			return;
		}
	if ((r->jval = calloc(r->ncols ? r->ncols : 1, sizeof(*r->jval))) ==
	    NULL) {
		voc_jscan_free(r->js);
		r->js = NULL;
	}
}
