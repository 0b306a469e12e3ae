/*
 * The reader's CSV (see lib/reader.c for the whole): records through
 * the in-place fast paths and libcsv.
 */
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "reader_impl.h"
#include "voc/text.h"


static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}


static void
csv_field_cb(void *s, size_t len, void *data)
{
	struct voc_reader *r = data;

	if (voc_rd_grow((void **)&r->fields, &r->fcap, r->nf + 1,
	    sizeof(*r->fields)) < 0 ||
	    voc_rd_arena_add(r, s, len, &r->fields[r->nf].off) < 0) {
		r->oom = 1;
		return;
	}
	r->fields[r->nf++].len = len;
}

static void
csv_row_cb(int c, void *data)
{
	struct voc_reader *r = data;
	size_t first = r->nrows > 0 ? r->rows[r->nrows - 1].first +
	    r->rows[r->nrows - 1].n : 0;

	(void)c;
	if (voc_rd_grow((void **)&r->rows, &r->rcap, r->nrows + 1,
	    sizeof(*r->rows)) < 0) {
		r->oom = 1;
		return;
	}
	r->rows[r->nrows].first = first;
	r->rows[r->nrows].n = r->nf - first;
	r->rows[r->nrows].line = r->row_start;
	r->nrows++;
	/* A record ended by a lone CR may be followed by another on the
	 * same physical line. */
	r->row_start = r->line_no;
}

int
voc_rd_csv_setup(struct voc_reader *r, struct voc_error *err)
{
	if (r->csv_ready)
		csv_free(&r->csv);
	if (csv_init(&r->csv, CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return voc_rd_oom(err);
	csv_set_delim(&r->csv, (unsigned char)r->delim);
	csv_set_space_func(&r->csv, no_space);
	r->csv_ready = 1;
	return 0;
}


static int
pop_queued(struct voc_reader *r, struct voc_row *row)
{
	struct queued *q = &r->rows[r->rhead++];

	if (voc_rd_out_room(r, q->n) < 0)
		return -1;
	for (size_t i = 0; i < q->n; i++) {
		r->outf[i] = r->arena + r->fields[q->first + i].off;
		r->outl[i] = r->fields[q->first + i].len;
	}
	row->nfields = q->n;
	row->line = q->line;
	row->field = r->outf;
	row->len = r->outl;
	return 1;
}

/* Splits a quote-free line in place. */
int
voc_rd_split_line(struct voc_reader *r, char *line, size_t len, struct voc_row *row)
{
	size_t n = 0;
	char *p = line, *e = line + len;

	if (len > 0 && e[-1] == '\n')
		e--;
	if (e > line && e[-1] == '\r')
		e--;
	*e = '\0';
	for (;;) {
		char *d = memchr(p, r->delim, (size_t)(e - p));
		char *fe = d ? d : e;

		if (n == r->outcap && voc_rd_out_room(r, n + 1) < 0)
			return -1;
		r->outf[n] = p;
		r->outl[n] = (size_t)(fe - p);
		n++;
		if (d == NULL)
			break;
		*d = '\0';
		p = d + 1;
	}
	row->nfields = n;
	row->line = r->line_no;
	row->field = r->outf;
	row->len = r->outl;
	return 1;
}

/*
 * Splits a one-line record with quoted fields into the arena, as RFC 4180
 * reads it: a quoted field opens right after a delimiter or the line's
 * start, "" stands for ", and the closing quote is followed by a delimiter
 * or the line's end.  Returns 1, or 0 when the line is anything else (a
 * field that continues on the next line, a stray quote, a lone CR), which
 * is then libcsv's to read; -1 when out of memory.
 */
static int
split_quoted(struct voc_reader *r, const char *line, size_t len,
    struct voc_row *row)
{
	const char *p = line, *e = line + len;
	char delim = (char)r->delim;

	if (len > 0 && e[-1] == '\n')
		e--;
	if (e > line && e[-1] == '\r')
		e--;
	if (memchr(line, '\r', (size_t)(e - line)) != NULL)
		return 0;
	r->alen = r->nf = 0;
	for (;;) {
		size_t start = r->alen;

		if (voc_rd_grow((void **)&r->arena, &r->acap, r->alen +
		    (size_t)(e - p) + 1, 1) < 0 || voc_rd_grow((void **)&r->fields,
		    &r->fcap, r->nf + 1, sizeof(*r->fields)) < 0)
			return -1;
		if (p < e && *p == '"') {
			for (p++;;) {
				const char *q = memchr(p, '"', (size_t)(e - p));

				if (q == NULL)
					return 0;
				memcpy(r->arena + r->alen, p, (size_t)(q - p));
				r->alen += (size_t)(q - p);
				p = q + 1;
				if (p < e && *p == '"') {
					r->arena[r->alen++] = '"';
					p++;
					continue;
				}
				break;
			}
			if (p < e && *p != delim)
				return 0;
		} else {
			const char *d = memchr(p, delim, (size_t)(e - p));
			const char *fe = d ? d : e;

			if (memchr(p, '"', (size_t)(fe - p)) != NULL)
				return 0;
			memcpy(r->arena + r->alen, p, (size_t)(fe - p));
			r->alen += (size_t)(fe - p);
			p = fe;
		}
		r->arena[r->alen] = '\0';
		r->fields[r->nf].off = start;
		r->fields[r->nf].len = r->alen - start;
		r->nf++;
		r->alen++;
		if (p == e)
			break;
		p++;	/* the delimiter */
	}
	if (voc_rd_out_room(r, r->nf) < 0)
		return -1;
	for (size_t i = 0; i < r->nf; i++) {
		r->outf[i] = r->arena + r->fields[i].off;
		r->outl[i] = r->fields[i].len;
	}
	row->nfields = r->nf;
	row->line = r->line_no;
	row->field = r->outf;
	row->len = r->outl;
	r->alen = r->nf = 0;
	return 1;
}

/* A CR anywhere but at the line's end (alone or before the final LF)
 * ends a record for libcsv. */
static int
lone_cr(const char *s, size_t len)
{
	const char *cr = memchr(s, '\r', len);

	return cr != NULL && !(cr + 1 == s + len ||
	    (cr + 2 == s + len && cr[1] == '\n'));
}

int
voc_rd_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* The next CSV record of the open input: 1, 0 at its end, -1. */
static int
csv_record(struct voc_reader *r, struct voc_row *row, struct voc_error *err)
{
	char *line;
	size_t len;

	for (;;) {
		if (r->rhead < r->nrows)
			return pop_queued(r, row) < 0 ? voc_rd_oom(err) : 1;
		if (r->csv.pstate == 0) {
			/* libcsv's state 0 is "no record begun": nothing in
			 * the arena is still needed. */
			r->alen = r->nf = r->nrows = r->rhead = 0;
		}
		int rc = voc_rd_next_line(r, &line, &len, err);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			long start = r->row_start;
			/* libcsv's state 2 is "in a field"; with quoted set,
			 * no closing quote has been seen.  Its own check
			 * (CSV_STRICT_FINI) works only in strict mode, which
			 * would also refuse the stray quotes Excel users
			 * type. */
			if ((r->csv.pstate == 2 && r->csv.quoted) ||
			    csv_fini(&r->csv, csv_field_cb, csv_row_cb, r) != 0)
				return voc_error_set(err, VOC_ERR_DATA, r->name,
				    start, "unterminated quoted field: the "
				    "quote opened in this record is never "
				    "closed");
			if (r->oom)
				return voc_rd_oom(err);
			if (r->rhead < r->nrows)
				continue;
			return 0;
		}
		/* A blank line is no record, except where the header has one
		 * column: there it is an empty answer, to be counted. */
		if (r->csv.pstate == 0 && voc_rd_blank(line, len)) {
			if (r->ncols != 1)
				continue;
			/* libcsv would drop it: split here in every mode. */
			return voc_rd_split_line(r, line, len, row) < 0 ? voc_rd_oom(err) : 1;
		}
		/* With CR line ends, an LF inside a line is a record end
		 * too, which only libcsv knows. */
		if (r->csv.pstate == 0 && !r->opts.libcsv_only &&
		    !(r->cr_mode && len > 1 && memchr(line, '\n', len - 1))) {
			if (memchr(line, '"', len) == NULL &&
			    !lone_cr(line, len)) {
				return voc_rd_split_line(r, line, len, row) < 0 ?
				    voc_rd_oom(err) : 1;
			}
			if ((rc = split_quoted(r, line, len, row)) != 0)
				return rc < 0 ? voc_rd_oom(err) : 1;
			r->alen = r->nf = 0;
		}
		if (r->csv.pstate == 0)
			r->row_start = r->line_no;
		if (csv_parse(&r->csv, line, len, csv_field_cb, csv_row_cb,
		    r) != len)
			return voc_error_set(err, VOC_ERR_DATA, r->name,
			    r->line_no, "CSV parse error: %s",
			    csv_strerror(csv_error(&r->csv)));
		if (r->oom)
			return voc_rd_oom(err);
	}
}

/* A record of delimited text: TSV or CSV. */
int
voc_rd_sv_record(struct voc_reader *r, struct voc_row *row, struct voc_error *err)
{
	return r->fmt == VOC_FMT_TSV ? voc_rd_tsv_record(r, row, err) :
	    csv_record(r, row, err);
}

