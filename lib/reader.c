/*
 * The reader (see include/voc/reader.h).
 *
 * Bytes flow through three stages.  Each input is read with read(2) and,
 * when it opens with gzip's magic bytes, inflated member after member
 * (files and pipes alike; by ISA-L where the build has it, else zlib, in
 * a thread of its own: reader_source.c).  iconv then decodes to UTF-8
 * when --encoding asks for it.  Last, the decoded bytes are cut into
 * physical lines, so each record knows the line it starts on and each
 * line is checked as UTF-8 once.
 *
 * This file is the byte source, format detection, headers and the public
 * API; CSV and TSV records are read in reader_csv.c, JSON Lines in
 * reader_json.c, all over struct voc_reader (reader_impl.h).
 *
 * CSV lines are parsed in one of two ways.  A line without a quote
 * character, met when no quoted field is open, is split in place on the
 * delimiter: that is most lines of most exports, and the fast path.  Any
 * other line is fed to libcsv, which keeps the state of a quoted field
 * across lines (embedded newlines) and calls back for each field and
 * record; fields are copied into an arena that is reset once the records
 * queued from it have been handed out.  Both paths keep fields verbatim
 * (no trimming): what a field means is for the caller to decide.
 *
 * JSON Lines are parsed a line at a time with jansson; nested objects are
 * flattened to "a.b.c" names, and the first object names the columns.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>
#include <zlib.h>

#include "voc/jsonscan.h"
#include "voc/reader.h"
#include "voc/text.h"

#include "reader_impl.h"

int
voc_rd_grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if ((q = realloc(*p, n * size)) == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

int
voc_rd_oom(struct voc_error *err)
{
	return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
}

/* ---- format detection ---- */

/*
 * Excel's "Unicode Text" export is UTF-16 with a byte-order mark.  The
 * mark makes the encoding certain, so without --encoding the bytes read
 * so far become undecoded input and iconv takes over from here.
 */
static int
start_utf16(struct voc_reader *r, const char *enc, struct voc_error *err)
{
	size_t n = r->end - r->pos;

	if ((r->cd = iconv_open("UTF-8", enc)) == (iconv_t)-1)
		return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
		    "cannot decode UTF-16: %s", strerror(errno));
	if (n > r->rawcap) {
		char *raw = realloc(r->raw, n > READ_CHUNK ? n : READ_CHUNK);

		if (raw == NULL)
			return voc_rd_oom(err);
		r->raw = raw;
		r->rawcap = n > READ_CHUNK ? n : READ_CHUNK;
	}
	memcpy(r->raw, r->buf + r->pos, n);
	r->rawlen = n;
	r->pos = r->end = r->scan = 0;
	r->eof = 0;	/* of the decoded bytes: the raw ones are there */
	r->auto_utf16 = 1;
	r->opts.encoding = enc;
	return 0;
}

/*
 * UTF-16 without a byte-order mark: text in a Latin script has a zero
 * byte in every other place, and a text file in any other encoding has
 * none.  Looks at the first 64 bytes: "UTF-16LE", "UTF-16BE" or NULL.
 */
static const char *
sniff_utf16(const unsigned char *b, size_t n)
{
	size_t zero[2] = {0, 0};

	if (n > 64)
		n = 64;
	n &= ~(size_t)1;
	if (n < 4)
		return NULL;
	for (size_t i = 0; i < n; i++)
		zero[i & 1] += b[i] == 0;
	if (zero[0] == 0 && zero[1] * 2 >= n / 2)
		return "UTF-16LE";
	if (zero[1] == 0 && zero[0] * 2 >= n / 2)
		return "UTF-16BE";
	return NULL;
}

static int
skip_bom(struct voc_reader *r, struct voc_error *err)
{
	if (r->auto_utf16) {
		/* Each input says its own encoding. */
		iconv_close(r->cd);
		r->cd = (iconv_t)-1;
		r->auto_utf16 = 0;
		r->opts.encoding = NULL;
	}
	if (voc_rd_peek(r, 3, err) < 0)
		return -1;
	const unsigned char *b = (const unsigned char *)r->buf + r->pos;
	if (r->cd == (iconv_t)-1 && r->end - r->pos >= 2 &&
	    ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
		if (start_utf16(r, "UTF-16", err) < 0 || voc_rd_peek(r, 3, err) < 0)
			return -1;
	} else if (r->cd == (iconv_t)-1) {
		const char *enc;

		if (voc_rd_peek(r, 64, err) < 0)
			return -1;
		enc = sniff_utf16((const unsigned char *)r->buf + r->pos,
		    r->end - r->pos);
		if (enc != NULL && (start_utf16(r, enc, err) < 0 ||
		    voc_rd_peek(r, 3, err) < 0))
			return -1;
	}
	if (r->end - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF",
	    3) == 0)
		r->pos = r->scan = r->pos + 3;
	return 0;
}

/* The first non-blank byte of the input, or -1 when there is none. */
static int
first_byte(struct voc_reader *r, struct voc_error *err)
{
	size_t i = r->pos;

	for (;;) {
		for (; i < r->end; i++) {
			unsigned char c = (unsigned char)r->buf[i];

			if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
				return c;
		}
		if (r->eof)
			return -1;
		size_t off = i - r->pos;
		if (voc_rd_peek(r, r->end - r->pos + 1, err) < 0)
			return -2;
		i = r->pos + off;
	}
}

/* Picks ',', tab or ';', whichever the first line has most of outside
 * quotes; ',' when none appears. */
static int
sniff_delim(struct voc_reader *r, struct voc_error *err)
{
	static const char cand[] = {',', '\t', ';'};
	size_t count[3] = {0, 0, 0}, i;
	int quoted = 0, best = 0;

	for (i = r->pos;; i++) {
		if (i == r->end) {
			if (r->eof)
				break;
			size_t off = i - r->pos;
			if (voc_rd_peek(r, r->end - r->pos + 1, err) < 0)
				return -1;
			i = r->pos + off;
			if (i == r->end)
				break;
		}
		char c = r->buf[i];
		if (c == '"')
			quoted = !quoted;
		else if (c == '\n' && !quoted)
			break;
		else if (!quoted)
			for (int k = 0; k < 3; k++)
				count[k] += c == cand[k];
	}
	for (int k = 1; k < 3; k++)
		if (count[k] > count[best])
			best = k;
	return cand[best];
}

/* Appends s[0..len) and a NUL to the arena and sets *off to where it
 * starts; returns 0, or -1 when out of memory. */
int
voc_rd_arena_add(struct voc_reader *r, const char *s, size_t len, size_t *off)
{
	if (voc_rd_grow((void **)&r->arena, &r->acap, r->alen + len + 1, 1) < 0)
		return -1;
	if (len > 0)
		memcpy(r->arena + r->alen, s, len);
	r->arena[r->alen + len] = '\0';
	*off = r->alen;
	r->alen += len + 1;
	return 0;
}

int
voc_rd_out_room(struct voc_reader *r, size_t n)
{
	if (n <= r->outcap)
		return 0;
	size_t cap = r->outcap;
	if (voc_rd_grow((void **)&r->outf, &cap, n, sizeof(*r->outf)) < 0)
		return -1;
	cap = r->outcap;
	if (voc_rd_grow((void **)&r->outl, &cap, n, sizeof(*r->outl)) < 0)
		return -1;
	r->outcap = cap;
	return 0;
}

/* ---- records, headers, inputs ---- */

static int
record(struct voc_reader *r, struct voc_row *row, struct voc_error *err)
{
	row->error = NULL;
	if (r->fmt == VOC_FMT_JSONL)
		return voc_rd_json_record(r, row, 0, err);
	return voc_rd_sv_record(r, row, err);
}

static int
set_numbered_names(struct voc_reader *r, size_t n)
{
	if ((r->colnames = calloc(n ? n : 1, sizeof(*r->colnames))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char tmp[32];

		snprintf(tmp, sizeof(tmp), "%zu", i + 1);
		if ((r->colnames[i] = strdup(tmp)) == NULL)
			return -1;
		r->ncols = i + 1;
	}
	return 0;
}

/* A record has been checked for NUL bytes: the mark is cleared when no
 * record of the lines that set it is left, queued or begun in libcsv. */
static void
nul_checked(struct voc_reader *r)
{
	if (r->rhead >= r->nrows && r->csv.pstate == 0)
		r->nul_seen = 0;
}

/*
 * Reads the header of the open input (and for the first input decides the
 * format and the column names), then drops --skip-rows records.
 */
static int
start_input(struct voc_reader *r, struct voc_error *err)
{
	struct voc_row row;
	int rc, first = r->colnames == NULL;

	if (skip_bom(r, err) < 0)
		return -1;
	if (first) {
		int c = first_byte(r, err);

		if (c == -2)
			return -1;
		if (c == -1)
			return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
			    "empty input: no header row");
		if (r->fmt == VOC_FMT_AUTO)
			r->fmt = c == '{' ? VOC_FMT_JSONL : VOC_FMT_CSV;
		if (r->fmt == VOC_FMT_TSV && r->delim == 0)
			r->delim = '\t';
		if (r->fmt != VOC_FMT_JSONL && r->delim == 0 &&
		    (r->delim = sniff_delim(r, err)) < 0)
			return -1;
	}
	if (r->fmt != VOC_FMT_JSONL && voc_rd_csv_setup(r, err) < 0)
		return -1;
	if (r->fmt == VOC_FMT_JSONL) {
		if (first) {
			if ((rc = voc_rd_json_record(r, &row, 1, err)) < 0)
				return -1;
			r->nfirst = r->ncols;
			voc_rd_jscan_setup(r);
			r->have_pending = 1;
			r->pending_n = row.nfields;
			r->pending_line = row.line;
		}
		/* Later JSON Lines inputs carry no header: their first record
		 * is data. */
		return 0;
	}
	/* A header is read whole, whatever voc_reader_limit asked. */
	int limit = r->limit;
	r->limit = 0;
	rc = voc_rd_sv_record(r, &row, err);
	r->limit = limit;
	if (rc < 0)
		return -1;
	if (rc == 0) {
		if (first)
			return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
			    "empty input: no header row");
		return 0;
	}
	if (r->opts.no_header) {
		if (first && set_numbered_names(r, row.nfields) < 0)
			return voc_rd_oom(err);
		r->have_pending = 1;
		r->pending_n = row.nfields;
		r->pending_line = row.line;
		return 0;
	}
	for (size_t i = 0; r->nul_seen && i < row.nfields; i++)
		if (memchr(row.field[i], '\0', row.len[i]) != NULL)
			return voc_error_set(err, VOC_ERR_DATA, r->name,
			    row.line, "NUL byte in the header (column %zu): "
			    "not a text file, or UTF-16 (try --encoding "
			    "utf-16le)", i + 1);
	nul_checked(r);
	if (first) {
		if ((r->colnames = calloc(row.nfields, sizeof(char *))) == NULL)
			return voc_rd_oom(err);
		for (size_t i = 0; i < row.nfields; i++) {
			if ((r->colnames[i] = strdup(row.field[i])) == NULL)
				return voc_rd_oom(err);
			r->ncols = i + 1;
		}
	} else {
		size_t i = 0;

		while (i < row.nfields && i < r->ncols &&
		    strcmp(row.field[i], r->colnames[i]) == 0)
			i++;
		if (i < row.nfields || i < r->ncols)
			return voc_error_set(err, VOC_ERR_DATA, r->name,
			    row.line, "header differs from the first input's "
			    "(%s \"%s\", expected \"%s\")",
			    i < row.nfields ? "column" : "missing column",
			    i < row.nfields ? row.field[i] : "",
			    i < r->ncols ? r->colnames[i] : "(none)");
	}
	for (long k = 0; k < r->opts.skip_rows; k++)
		if ((rc = voc_rd_sv_record(r, &row, err)) <= 0)
			return rc;
	return 0;
}

/*
 * Moves a reader that has read its header to range_start: the bytes
 * buffered so far, any record read ahead and libcsv's state are dropped,
 * and lines are counted from there.
 */
static int
seek_range(struct voc_reader *r, struct voc_error *err)
{
	if (!voc_reader_plain(r))
		return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
		    "a byte range of an input that is not a plain file");
	if (lseek(r->fd, (off_t)r->opts.range_start, SEEK_SET) < 0)
		return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
		    "cannot seek: %s", strerror(errno));
	r->raw_off = r->opts.range_start;
	r->zs.next_in = (unsigned char *)r->zin;
	r->zs.avail_in = 0;
	r->fd_eof = 0;
	r->pos = r->end = r->scan = 0;
	r->eof = 0;
	r->line_no = 0;
	r->line_start = r->consumed;
	r->have_pending = 0;
	r->nrows = r->rhead = 0;
	r->alen = r->nf = 0;
	if (r->csv_ready) {
		csv_free(&r->csv);
		r->csv_ready = 0;
		if (voc_rd_csv_setup(r, err) < 0)
			return -1;
	}
	return 0;
}

struct voc_reader *
voc_reader_open(const char *const *paths, size_t npaths,
    const struct voc_reader_opts *opts, struct voc_error *err)
{
	static const char *const stdin_only[] = {"-"};
	struct voc_reader *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		voc_rd_oom(err);
		return NULL;
	}
	r->opts = *opts;
	r->fmt = opts->format;
	r->delim = opts->delim;
	r->cd = (iconv_t)-1;
	r->fd = -1;
	r->tail = -1;
	if (npaths == 0) {
		paths = stdin_only;
		npaths = 1;
	}
	if ((r->paths = calloc(npaths, sizeof(char *))) == NULL)
		goto nomem;
	for (size_t i = 0; i < npaths; i++)
		if ((r->paths[r->npaths++] = strdup(paths[i])) == NULL)
			goto nomem;
	if (!voc_rd_is_utf8_name(opts->encoding)) {
		r->cd = iconv_open("UTF-8", voc_rd_iconv_name(opts->encoding));
		if (r->cd == (iconv_t)-1) {
			voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "unknown encoding \"%s\" (try cp932)",
			    opts->encoding);
			goto fail;
		}
		if ((r->raw = malloc(READ_CHUNK)) == NULL)
			goto nomem;
		r->rawcap = READ_CHUNK;
	}
	if (voc_rd_open_input(r, err) < 0 || start_input(r, err) < 0)
		goto fail;
	if (opts->range_start > 0 && seek_range(r, err) < 0)
		goto fail;
	return r;
nomem:
	voc_rd_oom(err);
fail:
	voc_reader_close(r);
	return NULL;
}

/* At the end of the input: a key asked for that no object had is an
 * error, as a column no header has is.  Returns 0 or -1. */
static int
unseen_keys(struct voc_reader *r, struct voc_error *err)
{
	if (r->seen == NULL)
		return 0;
	for (size_t i = r->nfirst; i < r->ncols; i++) {
		if (r->seen[i - r->nfirst])
			continue;
		char list[600];
		size_t used = 0;

		list[0] = '\0';
		for (size_t k = 0; k < r->nfirst && used + 4 < sizeof(list);
		    k++) {
			int w = snprintf(list + used, sizeof(list) - used,
			    "%s%s", k ? ", " : "", r->colnames[k]);
			used += w > 0 ? (size_t)w : 0;
		}
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "no key \"%s\" in any object of the input; the first "
		    "object's keys are: %s", r->colnames[i], list);
	}
	return 0;
}

int
voc_reader_want(struct voc_reader *r, const char *name, size_t len,
    size_t *idx)
{
	size_t cap = r->ncols, n = r->ncols - r->nfirst + 1;
	char *dup;
	unsigned char *seen;

	if (r->fmt != VOC_FMT_JSONL)
		return 1;
	for (size_t i = r->nfirst; i < r->ncols; i++)
		if (strlen(r->colnames[i]) == len &&
		    memcmp(r->colnames[i], name, len) == 0) {
			*idx = i;
			return 0;
		}
	if ((seen = realloc(r->seen, n)) == NULL)
		return -1;
	r->seen = seen;
	seen[n - 1] = 0;
	if (voc_rd_grow((void **)&r->colnames, &cap, r->ncols + 1,
	    sizeof(*r->colnames)) < 0 || (dup = malloc(len + 1)) == NULL)
		return -1;
	memcpy(dup, name, len);
	dup[len] = '\0';
	r->colnames[r->ncols] = dup;
	*idx = r->ncols++;
	if (r->js != NULL) {
		struct voc_jscan_value *v = realloc(r->jval, r->ncols *
		    sizeof(*v));

		if (v != NULL)
			r->jval = v;
		if (v == NULL || voc_jscan_add(r->js, name, len) != (long)*idx) {
			voc_jscan_free(r->js);
			r->js = NULL;
		}
	}
	/* The record read ahead with the header has no field for it yet. */
	if (r->have_pending && voc_rd_out_room(r, r->ncols) == 0) {
		r->outf[*idx] = "";
		r->outl[*idx] = 0;
		r->pending_n = r->ncols;
	}
	return 0;
}

int
voc_reader_next(struct voc_reader *r, struct voc_row *row,
    struct voc_error *err)
{
	int rc;

	for (;;) {
		row->file = r->name;
		if (r->have_pending) {
			r->have_pending = 0;
			row->nfields = r->pending_n;
			row->line = r->pending_line;
			row->error = NULL;
			break;
		}
		if ((rc = record(r, row, err)) < 0)
			return -1;
		if (rc == 1)
			break;
		if (r->hold)
			return 2;
		voc_rd_close_input(r);
		if (r->cur + 1 >= r->npaths)
			return unseen_keys(r, err);
		r->cur++;
		if (voc_rd_open_input(r, err) < 0 || start_input(r, err) < 0)
			return -1;
	}
	row->field = r->outf;
	row->len = r->outl;
	if (row->error == NULL && row->nfields != r->ncols) {
		snprintf(r->errbuf, sizeof(r->errbuf),
		    "ragged row: %zu field%s, the header has %zu",
		    row->nfields, row->nfields == 1 ? "" : "s", r->ncols);
		row->error = r->errbuf;
	}
	/* A NUL would cut a field short wherever it is used as a C string:
	 * the row is bad. */
	if (r->nul_seen) {
		for (size_t i = 0; row->error == NULL && i < row->nfields; i++)
			if (memchr(row->field[i], '\0', row->len[i]) != NULL) {
				snprintf(r->errbuf, sizeof(r->errbuf),
				    "NUL byte in column %zu", i + 1);
				row->error = r->errbuf;
			}
		nul_checked(r);
	}
	return 1;
}

long long
voc_reader_tail(const struct voc_reader *r)
{
	return r->tail;
}

void
voc_reader_use(struct voc_reader *r, size_t idx)
{
	if (idx + 1 > r->need)
		r->need = idx + 1;
	r->used |= idx < 64 ? 1ULL << idx : ~0ULL;
}

void
voc_reader_limit(struct voc_reader *r)
{
	r->limit = 1;
}

uint64_t
voc_reader_used(const struct voc_reader *r)
{
	return r->limit && r->need > 0 ? r->used : ~0ULL;
}

size_t
voc_reader_width(const struct voc_reader *r)
{
	return r->limit && r->need > 0 ? r->need : SIZE_MAX;
}

int
voc_reader_hold(struct voc_reader *r, int on)
{
	/* Only the scanner's CSV records stop where the buffer would move;
	 * the other paths (libcsv, TSV, JSON Lines) read on. */
	r->hold = on && r->fmt == VOC_FMT_CSV && r->cr_mode == 0 &&
	    !r->opts.libcsv_only && !r->have_pending;
	return r->hold;
}

size_t
voc_reader_ncols(const struct voc_reader *r)
{
	return r->ncols;
}

const char *
voc_reader_colname(const struct voc_reader *r, size_t i)
{
	return i < r->ncols ? r->colnames[i] : NULL;
}

enum voc_format
voc_reader_format(const struct voc_reader *r)
{
	return r->fmt;
}

int
voc_reader_delim(const struct voc_reader *r)
{
	return r->delim;
}

long long
voc_reader_data_start(const struct voc_reader *r)
{
	return r->raw_off - (long long)(r->end - r->pos);
}

long
voc_reader_lines(const struct voc_reader *r)
{
	return r->line_no;
}

int
voc_reader_cr_lines(const struct voc_reader *r)
{
	return r->cr_mode == 1;
}

int
voc_reader_plain(const struct voc_reader *r)
{
	return r->npaths == 1 && strcmp(r->paths[0], "-") != 0 &&
	    r->was_gzip == 0 && r->cd == (iconv_t)-1;
}

unsigned long long
voc_reader_bytes(const struct voc_reader *r)
{
	return r->consumed;
}

void
voc_reader_close(struct voc_reader *r)
{
	if (r == NULL)
		return;
	voc_rd_close_input(r);
	if (r->zs_ready)
		inflateEnd(&r->zs);
	free(r->zin);
#ifdef VOC_HAVE_ISAL
	free(r->isal);
#endif
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	if (r->csv_ready)
		csv_free(&r->csv);
	for (size_t i = 0; i < r->npaths; i++)
		free(r->paths[i]);
	for (size_t i = 0; i < r->ncols; i++)
		free(r->colnames[i]);
	free(r->colnames);
	free(r->seen);
	voc_jscan_free(r->js);
	free(r->jval);
	free(r->paths);
	free(r->raw);
	free(r->buf);
	free(r->arena);
	free(r->fields);
	free(r->sf);
	free(r->rows);
	free(r->outf);
	free(r->outl);
	free(r);
}
