/*
 * The reader (see include/voc/reader.h).
 *
 * Bytes flow through three stages.  Each input is read with read(2) and,
 * when it opens with gzip's magic bytes, inflated member after member
 * with zlib (files and pipes alike).  iconv then decodes to UTF-8 when --encoding asks for it.  Last, the
 * decoded bytes are cut into physical lines, so each record knows the
 * line it starts on and each line is checked as UTF-8 once.
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
#include <jansson.h>
#include <zlib.h>

#include "voc/jsonscan.h"
#include "voc/reader.h"
#include "voc/text.h"

#define READ_CHUNK (256 * 1024)

struct field {
	size_t off, len;
};

struct queued {
	size_t first, n;
	long line;
};

struct voc_reader {
	struct voc_reader_opts opts;
	char **paths;
	size_t npaths, cur;
	const char *name;		/* display name of the open input */

	int fd;				/* the open input, or -1 */
	char *zin;			/* bytes read, not yet used */
	z_stream zs;			/* next_in, avail_in: those bytes */
	int zs_ready, member_done, fd_eof;
	iconv_t cd;
	char *raw;			/* undecoded bytes, with iconv only */
	size_t rawlen, rawcap;
	int auto_utf16;			/* iconv set up by a UTF-16 BOM */
	int eof;			/* the open input has no more bytes */
	int was_gzip;
	long long raw_off;		/* file offset of the next byte read */
	int cr_mode;			/* lines end at CR: 1, no: 0, -1 */
	int nul_seen;			/* a NUL byte in a line not checked */

	char *buf;			/* decoded bytes: [pos, end) unread */
	size_t cap, pos, end, scan;
	long line_no;			/* physical line of the last line read */
	unsigned long long consumed;

	enum voc_format fmt;
	int delim;

	char **colnames;
	size_t ncols;
	/* JSON Lines: columns past the first object's keys were asked for
	 * by name (voc_reader_want); seen[i - nfirst] says whether any
	 * object had key i. */
	size_t nfirst;
	unsigned char *seen;
	/* JSON Lines: the scanner that reads the columns' values without
	 * building a tree (lib/jsonscan.c); NULL when it cannot serve. */
	struct voc_jscan *js;
	struct voc_jscan_value *jval;

	/* CSV through libcsv. */
	struct csv_parser csv;
	int csv_ready;
	char *arena;
	size_t alen, acap;
	struct field *fields;
	size_t nf, fcap;
	struct queued *rows;
	size_t nrows, rhead, rcap;
	long row_start;
	int oom;

	/* The record handed out. */
	const char **outf;
	size_t *outl;
	size_t outcap;
	char errbuf[256];

	/* A data record read while finding the header (--no-header, JSONL). */
	int have_pending;
	size_t pending_n;
	long pending_line;
};

static int
grow(void **p, size_t *cap, size_t need, size_t size)
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

static int
oom(struct voc_error *err)
{
	return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
}

/* ---- bytes in ---- */

static const char *
iconv_name(const char *enc)
{
	static const char *const cp932[] = {
		"cp932", "sjis", "shift_jis", "shift-jis", "windows-31j",
		"ms932", "csWindows31J",
	};
	for (size_t i = 0; i < sizeof(cp932) / sizeof(cp932[0]); i++)
		if (voc_text_ieq(cp932[i], enc, strlen(enc)))
			return "CP932";
	return enc;
}

static int
is_utf8_name(const char *enc)
{
	return enc == NULL || voc_text_ieq("utf-8", enc, strlen(enc)) ||
	    voc_text_ieq("utf8", enc, strlen(enc));
}

static int
open_input(struct voc_reader *r, struct voc_error *err)
{
	const char *path = r->paths[r->cur];

	if (strcmp(path, "-") == 0) {
		r->fd = dup(STDIN_FILENO);
		r->name = "stdin";
	} else {
		r->fd = open(path, O_RDONLY);
		r->name = path;
	}
	if (r->fd < 0)
		return voc_error_set(err, VOC_ERR_DATA, r->name, 0, "%s",
		    strerror(errno));
	if (r->zin == NULL && (r->zin = malloc(READ_CHUNK)) == NULL) {
		close(r->fd);
		r->fd = -1;
		return oom(err);
	}
	r->zs.next_in = (unsigned char *)r->zin;
	r->zs.avail_in = 0;
	r->fd_eof = 0;
	r->member_done = 0;
	r->eof = 0;
	r->was_gzip = -1;
	r->rawlen = 0;
	r->raw_off = 0;
	r->pos = r->end = r->scan = 0;
	r->line_no = 0;
	r->cr_mode = -1;
	return 0;
}

static void
close_input(struct voc_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* Reads more of the file behind the unread input bytes: returns the
 * bytes added, 0 at the end of the file, -1 on a read error. */
static long
raw_fill(struct voc_reader *r, struct voc_error *err)
{
	ssize_t n;

	if (r->fd_eof)
		return 0;
	if (r->zs.avail_in > 0 && r->zs.next_in != (unsigned char *)r->zin)
		memmove(r->zin, r->zs.next_in, r->zs.avail_in);
	r->zs.next_in = (unsigned char *)r->zin;
	if (r->zs.avail_in == READ_CHUNK)
		return 0;
	do
		n = read(r->fd, r->zin + r->zs.avail_in,
		    READ_CHUNK - r->zs.avail_in);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
		    "read error: %s", strerror(errno));
	if (n == 0)
		r->fd_eof = 1;
	r->zs.avail_in += (unsigned)n;
	r->raw_off += n;
	return (long)n;
}

/* The file offset of the next input byte not yet used. */
static long long
raw_tell(const struct voc_reader *r)
{
	return r->raw_off - (long long)r->zs.avail_in;
}

/*
 * zlib's gzread() would do this, but it drops whatever follows the last
 * gzip member when that is not another member, silently: a gzip file
 * with plain lines appended would lose them.  So the input is inflated
 * here, member after member, and anything else after a member is an
 * error naming its offset.
 */
static int
gz_start(struct voc_reader *r, struct voc_error *err)
{
	while (r->zs.avail_in < 2 && !r->fd_eof)
		if (raw_fill(r, err) < 0)
			return -1;
	r->was_gzip = r->zs.avail_in >= 2 && r->zs.next_in[0] == 0x1F &&
	    r->zs.next_in[1] == 0x8B;
	if (!r->was_gzip)
		return 0;
	int rc = r->zs_ready ? inflateReset2(&r->zs, 16 + MAX_WBITS) :
	    inflateInit2(&r->zs, 16 + MAX_WBITS);
	if (rc != Z_OK)
		return oom(err);
	r->zs_ready = 1;
	return 0;
}

static int
gz_read(struct voc_reader *r, char *dst, size_t want, struct voc_error *err)
{
	if (want > INT_MAX)
		want = INT_MAX;
	if (r->was_gzip < 0 && gz_start(r, err) < 0)
		return -1;
	if (!r->was_gzip) {
		size_t n;

		if (r->opts.range_end > 0) {
			long long at = raw_tell(r);

			if (at >= r->opts.range_end)
				return 0;
			if ((long long)want > r->opts.range_end - at)
				want = (size_t)(r->opts.range_end - at);
		}
		if (r->zs.avail_in == 0 && raw_fill(r, err) < 0)
			return -1;
		n = r->zs.avail_in < want ? r->zs.avail_in : want;
		memcpy(dst, r->zs.next_in, n);
		r->zs.next_in += n;
		r->zs.avail_in -= (unsigned)n;
		return (int)n;
	}
	r->zs.next_out = (unsigned char *)dst;
	r->zs.avail_out = (unsigned)want;
	while (r->zs.avail_out > 0) {
		if (r->member_done) {
			/* Another member, the end, or trailing bytes. */
			while (r->zs.avail_in < 2 && !r->fd_eof)
				if (raw_fill(r, err) < 0)
					return -1;
			if (r->zs.avail_in == 0)
				break;
			if (r->zs.avail_in < 2 || r->zs.next_in[0] != 0x1F ||
			    r->zs.next_in[1] != 0x8B)
				return voc_error_set(err, VOC_ERR_DATA,
				    r->name, 0, "data after the end of the "
				    "gzip stream, at byte %lld of the file",
				    raw_tell(r));
			if (inflateReset(&r->zs) != Z_OK)
				return oom(err);
			r->member_done = 0;
		}
		if (r->zs.avail_in == 0) {
			long got = raw_fill(r, err);

			if (got < 0)
				return -1;
			if (got == 0)
				return voc_error_set(err, VOC_ERR_DATA,
				    r->name, 0, "truncated gzip stream "
				    "(unexpected end of file)");
		}
		int rc = inflate(&r->zs, Z_NO_FLUSH);
		if (rc == Z_STREAM_END)
			r->member_done = 1;
		else if (rc == Z_MEM_ERROR)
			return oom(err);
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
			    "corrupt gzip stream (%s)", r->zs.msg ?
			    r->zs.msg : "invalid data");
	}
	return (int)(want - r->zs.avail_out);
}

static long
lines_in(const char *s, size_t n)
{
	long k = 0;
	const char *e = s + n;

	while ((s = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		k++;
		s++;
	}
	return k;
}

/* Decodes raw bytes into buf[end..cap-1); returns bytes added or -1. */
static long
decode(struct voc_reader *r, struct voc_error *err)
{
	char *in = r->raw, *out = r->buf + r->end;
	size_t inleft = r->rawlen, outleft = r->cap - r->end - 1;

	if (iconv(r->cd, &in, &inleft, &out, &outleft) == (size_t)-1 &&
	    errno == EILSEQ) {
		long line = r->line_no + 1 +
		    lines_in(r->buf + r->pos, (size_t)(out - r->buf - r->pos));
		return voc_error_set(err, VOC_ERR_DATA, r->name, line,
		    "byte 0x%02X is not valid %s; check --encoding",
		    (unsigned char)*in, r->opts.encoding);
	}
	memmove(r->raw, in, inleft);
	r->rawlen = inleft;
	return (long)(out - (r->buf + r->end));
}

/* Appends decoded bytes to buf; returns bytes added, 0 at end, -1. */
static long
fill(struct voc_reader *r, struct voc_error *err)
{
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->scan -= r->pos;
		r->pos = 0;
	}
	if (r->cap - r->end < READ_CHUNK + 1 &&
	    grow((void **)&r->buf, &r->cap, r->end + READ_CHUNK + 1, 1) < 0)
		return oom(err);
	if (r->cd == (iconv_t)-1) {
		int n = gz_read(r, r->buf + r->end, r->cap - r->end - 1, err);

		if (n < 0)
			return -1;
		r->end += (size_t)n;
		return n;
	}
	for (;;) {
		int n = gz_read(r, r->raw + r->rawlen, r->rawcap - r->rawlen,
		    err);
		long got;

		if (n < 0)
			return -1;
		r->rawlen += (size_t)n;
		if ((got = decode(r, err)) < 0)
			return -1;
		r->end += (size_t)got;
		if (got > 0)
			return got;
		if (n == 0) {
			if (r->rawlen > 0)
				return voc_error_set(err, VOC_ERR_DATA,
				    r->name, r->line_no + 1, "incomplete %s "
				    "character at end of input",
				    r->opts.encoding);
			return 0;
		}
	}
}

/*
 * Classic Mac OS and some exporters end lines with a CR alone.  Whether
 * the input does is decided once, from its first line break outside a
 * quoted CSV field: a CR not followed by LF makes CR the line end (CR LF
 * still counts as one), so line numbers stay those of an editor.
 * Returns 0 or -1.
 */
static int
decide_cr(struct voc_reader *r, struct voc_error *err)
{
	size_t i = r->pos;
	int quoted = 0, csv = r->fmt == VOC_FMT_CSV;

	for (;;) {
		for (; i < r->end; i++) {
			/* A break inside a quoted CSV field is data. */
			if (csv && r->buf[i] == '"')
				quoted = !quoted;
			if (quoted)
				continue;
			if (r->buf[i] == '\n') {
				r->cr_mode = 0;
				return 0;
			}
			if (r->buf[i] != '\r')
				continue;
			if (i + 1 < r->end || r->eof) {
				r->cr_mode = i + 1 == r->end ||
				    r->buf[i + 1] != '\n';
				return 0;
			}
			break;
		}
		/* A stray quote must not pull the whole input in. */
		if (r->eof || i - r->pos > READ_CHUNK * 4) {
			r->cr_mode = 0;
			return 0;
		}
		size_t off = i - r->pos;
		long n = fill(r, err);
		if (n < 0)
			return -1;
		if (n == 0)
			r->eof = 1;
		i = r->pos + off;
	}
}

/* The end of the next line in buf[scan..end), or NULL. */
static char *
line_end(struct voc_reader *r)
{
	char *nl;

	if (!r->cr_mode) {
		nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
		if (nl == NULL)
			r->scan = r->end;
		return nl;
	}
	char *cr = memchr(r->buf + r->scan, '\r', r->end - r->scan);
	if (cr == NULL) {
		r->scan = r->end;
		return NULL;
	}
	if (cr + 1 < r->buf + r->end)
		return cr[1] == '\n' ? cr + 1 : cr;
	if (r->eof)
		return cr;
	/* Whether an LF follows is not known yet. */
	r->scan = (size_t)(cr - r->buf);
	return NULL;
}

/*
 * Sets *line to the next physical line, its line break included when
 * there is one.  Returns 1, 0 at the end of the open input, -1 on error.
 * The line stays in buf until the next call, with one spare byte after
 * it.
 */
static int
next_line(struct voc_reader *r, char **line, size_t *len,
    struct voc_error *err)
{
	if (r->cr_mode < 0 && decide_cr(r, err) < 0)
		return -1;
	for (;;) {
		char *nl = line_end(r);

		if (nl != NULL) {
			*line = r->buf + r->pos;
			*len = (size_t)(nl + 1 - *line);
			r->pos = r->scan = (size_t)(nl + 1 - r->buf);
			break;
		}
		if (r->eof) {
			if (r->pos == r->end)
				return 0;
			*line = r->buf + r->pos;
			*len = r->end - r->pos;
			r->pos = r->scan = r->end;
			break;
		}
		long n = fill(r, err);
		if (n < 0)
			return -1;
		if (n == 0)
			r->eof = 1;
	}
	r->line_no++;
	r->consumed += *len;
	if (memchr(*line, '\0', *len) != NULL)
		r->nul_seen = 1;
	size_t ok = voc_text_utf8_check(*line, *len);
	if (ok != *len)
		return voc_error_set(err, VOC_ERR_DATA, r->name, r->line_no,
		    "invalid UTF-8 (byte 0x%02X in column %zu of the line); "
		    "if the file was saved by Excel in Japan, try "
		    "--encoding cp932", (unsigned char)(*line)[ok], ok + 1);
	return 1;
}

/* Makes at least n unread bytes available unless the input ends first. */
static int
peek(struct voc_reader *r, size_t n, struct voc_error *err)
{
	while (r->end - r->pos < n && !r->eof) {
		long got = fill(r, err);

		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = 1;
	}
	return 0;
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
			return oom(err);
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
	if (peek(r, 3, err) < 0)
		return -1;
	const unsigned char *b = (const unsigned char *)r->buf + r->pos;
	if (r->cd == (iconv_t)-1 && r->end - r->pos >= 2 &&
	    ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
		if (start_utf16(r, "UTF-16", err) < 0 || peek(r, 3, err) < 0)
			return -1;
	} else if (r->cd == (iconv_t)-1) {
		const char *enc;

		if (peek(r, 64, err) < 0)
			return -1;
		enc = sniff_utf16((const unsigned char *)r->buf + r->pos,
		    r->end - r->pos);
		if (enc != NULL && (start_utf16(r, enc, err) < 0 ||
		    peek(r, 3, err) < 0))
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
		if (peek(r, r->end - r->pos + 1, err) < 0)
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
			if (peek(r, r->end - r->pos + 1, err) < 0)
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

/* ---- CSV ---- */

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* Appends s[0..len) and a NUL to the arena and sets *off to where it
 * starts; returns 0, or -1 when out of memory. */
static int
arena_add(struct voc_reader *r, const char *s, size_t len, size_t *off)
{
	if (grow((void **)&r->arena, &r->acap, r->alen + len + 1, 1) < 0)
		return -1;
	if (len > 0)
		memcpy(r->arena + r->alen, s, len);
	r->arena[r->alen + len] = '\0';
	*off = r->alen;
	r->alen += len + 1;
	return 0;
}

static void
csv_field_cb(void *s, size_t len, void *data)
{
	struct voc_reader *r = data;

	if (grow((void **)&r->fields, &r->fcap, r->nf + 1,
	    sizeof(*r->fields)) < 0 ||
	    arena_add(r, s, len, &r->fields[r->nf].off) < 0) {
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
	if (grow((void **)&r->rows, &r->rcap, r->nrows + 1,
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

static int
csv_setup(struct voc_reader *r, struct voc_error *err)
{
	if (r->csv_ready)
		csv_free(&r->csv);
	if (csv_init(&r->csv, CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return oom(err);
	csv_set_delim(&r->csv, (unsigned char)r->delim);
	csv_set_space_func(&r->csv, no_space);
	r->csv_ready = 1;
	return 0;
}

static int
out_room(struct voc_reader *r, size_t n)
{
	if (n <= r->outcap)
		return 0;
	size_t cap = r->outcap;
	if (grow((void **)&r->outf, &cap, n, sizeof(*r->outf)) < 0)
		return -1;
	cap = r->outcap;
	if (grow((void **)&r->outl, &cap, n, sizeof(*r->outl)) < 0)
		return -1;
	r->outcap = cap;
	return 0;
}

static int
pop_queued(struct voc_reader *r, struct voc_row *row)
{
	struct queued *q = &r->rows[r->rhead++];

	if (out_room(r, q->n) < 0)
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
static int
split_line(struct voc_reader *r, char *line, size_t len, struct voc_row *row)
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

		if (n == r->outcap && out_room(r, n + 1) < 0)
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

		if (grow((void **)&r->arena, &r->acap, r->alen +
		    (size_t)(e - p) + 1, 1) < 0 || grow((void **)&r->fields,
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
	if (out_room(r, r->nf) < 0)
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

static int
blank(const char *s, size_t len)
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
			return pop_queued(r, row) < 0 ? oom(err) : 1;
		if (r->csv.pstate == 0) {
			/* libcsv's state 0 is "no record begun": nothing in
			 * the arena is still needed. */
			r->alen = r->nf = r->nrows = r->rhead = 0;
		}
		int rc = next_line(r, &line, &len, err);
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
				return oom(err);
			if (r->rhead < r->nrows)
				continue;
			return 0;
		}
		/* A blank line is no record, except where the header has one
		 * column: there it is an empty answer, to be counted. */
		if (r->csv.pstate == 0 && blank(line, len)) {
			if (r->ncols != 1)
				continue;
			/* libcsv would drop it: split here in every mode. */
			return split_line(r, line, len, row) < 0 ? oom(err) : 1;
		}
		/* With CR line ends, an LF inside a line is a record end
		 * too, which only libcsv knows. */
		if (r->csv.pstate == 0 && !r->opts.libcsv_only &&
		    !(r->cr_mode && len > 1 && memchr(line, '\n', len - 1))) {
			if (memchr(line, '"', len) == NULL &&
			    !lone_cr(line, len)) {
				return split_line(r, line, len, row) < 0 ?
				    oom(err) : 1;
			}
			if ((rc = split_quoted(r, line, len, row)) != 0)
				return rc < 0 ? oom(err) : 1;
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
			return oom(err);
	}
}

/* ---- JSON Lines ---- */

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

		if (grow((void **)name, ncap, need, 1) < 0)
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
	if (grow((void **)&r->colnames, &cap, r->ncols + 1,
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
	int rc = arena_add(r, s, len, &r->fields[col].off);
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
static int
json_record(struct voc_reader *r, struct voc_row *row, int names,
    struct voc_error *err)
{
	char *line, *name = NULL;
	size_t len, ncap = 0;
	json_error_t jerr;
	json_t *obj;
	int rc;

	do {
		if ((rc = next_line(r, &line, &len, err)) <= 0)
			return rc;
	} while (json_blank(line, len));
	row->line = r->line_no;
	row->error = NULL;
	if (!names && r->js != NULL) {
		/* Most lines: only the columns' values, no tree.  Lines the
		 * scanner hands back (invalid JSON, repeated keys, ...) go to
		 * jansson below, for its reading and its messages. */
		int rc = voc_jscan_line(r->js, line, len, r->jval);

		if (rc < 0 || out_room(r, r->ncols) < 0)
			return oom(err);
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
		return oom(err);
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
		if (grow((void **)&r->fields, &r->fcap, r->ncols,
		    sizeof(*r->fields)) < 0 || out_room(r, r->ncols) < 0)
			rc = -1;
		else {
			/* Columns the record lacks point at one empty
			 * string. */
			size_t empty;
			if (arena_add(r, "", 0, &empty) < 0)
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
	return rc < 0 ? oom(err) : 1;
}

/* ---- TSV ---- */

/*
 * TSV as the IANA text/tab-separated-values format, which PostgreSQL's
 * COPY and Miller write: fields never quoted, a record per line, and
 * tab, newline, carriage return and backslash inside a field escaped as
 * \t, \n, \r and \\.  A quote is an ordinary character.  Fields are
 * split and unescaped in place.
 */
static void
tsv_unescape(char *s, size_t *len)
{
	char *d = memchr(s, '\\', *len), *e = s + *len, *p;

	if (d == NULL)
		return;
	for (p = d; p < e; p++) {
		if (*p == '\\' && p + 1 < e) {
			char c = p[1];

			*d++ = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' :
			    c;
			p++;
		} else
			*d++ = *p;
	}
	*d = '\0';
	*len = (size_t)(d - s);
}

static int
tsv_record(struct voc_reader *r, struct voc_row *row, struct voc_error *err)
{
	char *line;
	size_t len;
	int rc;

	do {
		if ((rc = next_line(r, &line, &len, err)) <= 0)
			return rc;
	} while (blank(line, len) && r->ncols != 1);
	if (split_line(r, line, len, row) < 0)
		return oom(err);
	for (size_t i = 0; i < row->nfields; i++)
		tsv_unescape((char *)r->outf[i], &r->outl[i]);
	return 1;
}

/* A record of delimited text: TSV or CSV. */
static int
sv_record(struct voc_reader *r, struct voc_row *row, struct voc_error *err)
{
	return r->fmt == VOC_FMT_TSV ? tsv_record(r, row, err) :
	    csv_record(r, row, err);
}

/*
 * Sets up the tree-free scanner for the columns the first object named.
 * Two columns of one name (which jansson's reading tells apart by
 * position) leave the scanner out.
 */
static void
jscan_setup(struct voc_reader *r)
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

/* ---- records, headers, inputs ---- */

static int
record(struct voc_reader *r, struct voc_row *row, struct voc_error *err)
{
	row->error = NULL;
	if (r->fmt == VOC_FMT_JSONL)
		return json_record(r, row, 0, err);
	return sv_record(r, row, err);
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
	if (r->fmt != VOC_FMT_JSONL && csv_setup(r, err) < 0)
		return -1;
	if (r->fmt == VOC_FMT_JSONL) {
		if (first) {
			if ((rc = json_record(r, &row, 1, err)) < 0)
				return -1;
			r->nfirst = r->ncols;
			jscan_setup(r);
			r->have_pending = 1;
			r->pending_n = row.nfields;
			r->pending_line = row.line;
		}
		/* Later JSON Lines inputs carry no header: their first record
		 * is data. */
		return 0;
	}
	if ((rc = sv_record(r, &row, err)) < 0)
		return -1;
	if (rc == 0) {
		if (first)
			return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
			    "empty input: no header row");
		return 0;
	}
	if (r->opts.no_header) {
		if (first && set_numbered_names(r, row.nfields) < 0)
			return oom(err);
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
			return oom(err);
		for (size_t i = 0; i < row.nfields; i++) {
			if ((r->colnames[i] = strdup(row.field[i])) == NULL)
				return oom(err);
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
		if ((rc = sv_record(r, &row, err)) <= 0)
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
	r->have_pending = 0;
	r->nrows = r->rhead = 0;
	r->alen = r->nf = 0;
	if (r->csv_ready) {
		csv_free(&r->csv);
		r->csv_ready = 0;
		if (csv_setup(r, err) < 0)
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
		oom(err);
		return NULL;
	}
	r->opts = *opts;
	r->fmt = opts->format;
	r->delim = opts->delim;
	r->cd = (iconv_t)-1;
	r->fd = -1;
	if (npaths == 0) {
		paths = stdin_only;
		npaths = 1;
	}
	if ((r->paths = calloc(npaths, sizeof(char *))) == NULL)
		goto nomem;
	for (size_t i = 0; i < npaths; i++)
		if ((r->paths[r->npaths++] = strdup(paths[i])) == NULL)
			goto nomem;
	if (!is_utf8_name(opts->encoding)) {
		r->cd = iconv_open("UTF-8", iconv_name(opts->encoding));
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
	if (open_input(r, err) < 0 || start_input(r, err) < 0)
		goto fail;
	if (opts->range_start > 0 && seek_range(r, err) < 0)
		goto fail;
	return r;
nomem:
	oom(err);
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
	if (grow((void **)&r->colnames, &cap, r->ncols + 1,
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
	if (r->have_pending && out_room(r, r->ncols) == 0) {
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
		close_input(r);
		if (r->cur + 1 >= r->npaths)
			return unseen_keys(r, err);
		r->cur++;
		if (open_input(r, err) < 0 || start_input(r, err) < 0)
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
	close_input(r);
	if (r->zs_ready)
		inflateEnd(&r->zs);
	free(r->zin);
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
	free(r->rows);
	free(r->outf);
	free(r->outl);
	free(r);
}
