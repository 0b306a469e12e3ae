/*
 * The reader's CSV (see lib/reader.c for the whole): records through
 * the in-place fast paths and libcsv.
 */
#include <stdint.h>
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

/* The next n buffered bytes hold an LF: notes where the line after the
 * last one begins. */
static void
note_line_start(struct voc_reader *r, size_t n)
{
	const char *s = r->buf + r->pos, *p = s + n;

	while (p > s && p[-1] != '\n')
		p--;
	r->line_start = r->consumed + (size_t)(p - s);
}

/*
 * The next record through the one-pass scanner, from the decoded bytes
 * in buf[pos, end): 1, 0 at the end of the open input, -1.  It reads as
 * libcsv does (the differential tests hold it to that), so only line
 * numbering is left to decide: it counts LFs, which is why input whose
 * lines end at a lone CR goes to libcsv instead.
 */
static int
scan_record(struct voc_reader *r, struct voc_row *row, struct voc_error *err)
{
	struct voc_scan_rec rec;
	size_t used, stored = 0, want = r->limit && r->need > 0 ? r->need :
	    SIZE_MAX;
	int rc;

	/* With a limit, room for every field wanted, so that a record is
	 * scanned once; without, a record with more fields than there is
	 * room for is left as it was (VOC_SCAN_ALL) and scanned again. */
	if (want != SIZE_MAX && r->sfcap < want &&
	    voc_rd_grow((void **)&r->sf, &r->sfcap, want, sizeof(*r->sf)) < 0)
		return voc_rd_oom(err);
	for (;;) {
		int at_bol = r->consumed == r->line_start;
		unsigned flags = (r->eof ? VOC_SCAN_EOF : 0) |
		    (r->ncols == 1 && at_bol ? VOC_SCAN_BLANK : 0) |
		    (want == SIZE_MAX ? VOC_SCAN_ALL : 0);

		/* With one column a blank line is an empty answer, but line
		 * ends left after a record cut by a lone CR are not a blank
		 * line, as libcsv reads them: they are passed over. */
		if (r->ncols == 1 && !at_bol) {
			size_t k = r->pos;

			while (k < r->end && r->buf[k] == '\r')
				k++;
			if (k < r->end && r->buf[k] == '\n') {
				r->consumed += k + 1 - r->pos;
				r->line_start = r->consumed;
				r->line_no++;
				r->pos = k + 1;
				continue;
			}
			if (k == r->end && !r->eof) {
				if (r->hold)
					return 2;
				if (voc_rd_more(r, err) < 0)
					return -1;
				continue;
			}
		}

		rc = voc_scan_record(r->buf + r->pos, r->end - r->pos,
		    r->delim, flags, r->sf, want < r->sfcap ? want : r->sfcap,
		    &rec, &used);
		stored = rec.nfields < want ? rec.nfields : want;
		if (rc == 1 && stored > r->sfcap) {
			/* More fields than ever seen: room, then again. */
			if (voc_rd_grow((void **)&r->sf, &r->sfcap, stored,
			    sizeof(*r->sf)) < 0)
				return voc_rd_oom(err);
			continue;
		}
		if (rc != 0 || r->eof)
			break;
		/* Blank lines before a record cut by the buffer's end are
		 * done with (with one column they are records, and what the
		 * scanner passed over is CRs, kept for the blank line). */
		if (r->ncols != 1) {
			if (rec.nl > 0)
				note_line_start(r, used);
			r->pos += used;
			r->line_no += rec.nl;
			r->consumed += used;
		}
		if (r->hold)
			return 2;
		if (voc_rd_more(r, err) < 0)
			return -1;
	}
	if (rc < 0) {
		const char *s = r->buf + r->pos, *bad = s + rec.bad_off;
		const char *bol = bad;
		unsigned long long col;

		while (bol > s && bol[-1] != '\n')
			bol--;
		/* The line may have begun before the bytes still buffered. */
		col = bol > s ? (unsigned long long)(bad - bol) :
		    r->consumed + rec.bad_off - r->line_start;
		return voc_error_set(err, VOC_ERR_DATA, r->name, r->line_no +
		    1 + voc_rd_lines_in(s, rec.bad_off), "invalid UTF-8 "
		    "(byte 0x%02X in column %llu of the line); if the file was "
		    "saved by Excel in Japan, try --encoding cp932",
		    (unsigned char)*bad, col + 1);
	}
	if (rc == 0 && r->ncols == 1 && r->consumed == r->line_start &&
	    r->pos < r->end) {
		/* The scanner passed over a last line of lone CRs: it is
		 * blank, so an empty answer. */
		if (voc_rd_out_room(r, 1) < 0)
			return voc_rd_oom(err);
		r->line_no += rec.nl;
		r->consumed += r->end - r->pos;
		r->pos = r->scan = r->end;
		r->buf[r->end] = '\0';
		r->outf[0] = r->buf + r->end;
		r->outl[0] = 0;
		row->nfields = 1;
		row->line = ++r->line_no;
		row->field = r->outf;
		row->len = r->outl;
		return 1;
	}
	if (rc == 0) {
		r->pos += used;
		r->line_no += rec.nl;
		r->consumed += used;
		r->scan = r->pos;
		return 0;
	}
	/* Where the physical line of the next record began, for the column
	 * of a later error: as the scanner found it before it rewrote any
	 * field (a field's "" made one byte, so the bytes moved). */
	if (rec.nl > 0)
		r->line_start = r->consumed + rec.line_off;
	if (rec.unterminated && r->opts.open_tail) {
		/* Stop before the open record; the caller reads it with
		 * what follows. */
		r->tail = r->raw_off - (long long)r->zs.avail_in -
		    (long long)(r->end - r->pos) + (long long)rec.start;
		r->line_no += rec.start_nl;
		r->consumed += rec.start;
		r->pos = r->scan = r->end;
		return 0;
	}
	if (rec.unterminated)
		return voc_error_set(err, VOC_ERR_DATA, r->name, r->line_no +
		    1 + rec.start_nl, "unterminated quoted field: the quote "
		    "opened in this record is never closed");
	if (rec.nul)
		r->nul_seen = 1;
	if (voc_rd_out_room(r, rec.nfields) < 0)
		return voc_rd_oom(err);
	int lf_end = r->buf[r->pos + used - 1] == '\n';
	/* Each field a C string, now that the bytes after it (a delimiter,
	 * a quote, a line end) have been looked at. */
	for (size_t i = 0; i < stored; i++) {
		r->outf[i] = r->sf[i].s;
		r->outl[i] = r->sf[i].len;
		((char *)r->sf[i].s)[r->sf[i].len] = '\0';
	}
	for (size_t i = stored; i < rec.nfields; i++) {
		r->outf[i] = "";
		r->outl[i] = 0;
	}
	row->nfields = rec.nfields;
	row->line = r->line_no + 1 + rec.start_nl;
	row->field = r->outf;
	row->len = r->outl;
	r->pos += used;
	r->scan = r->pos;
	r->line_no += rec.nl;
	/* A record cut by the end of input without a line break still
	 * takes a line. */
	if (r->eof && r->pos == r->end && !lf_end)
		r->line_no++;
	r->consumed += used;
	return 1;
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

	if (!r->opts.libcsv_only) {
		if (r->cr_mode < 0 && voc_rd_decide_cr(r, err) < 0)
			return -1;
		if (r->cr_mode == 0)
			return scan_record(r, row, err);
	}
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
			/* libcsv would drop it: one empty field, whatever
			 * CRs the line holds. */
			return voc_rd_split_line(r, line, 0, row) < 0 ?
			    voc_rd_oom(err) : 1;
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

