/*
 * The writer (see include/voc/writer.h).  CSV, TSV and JSON Lines are
 * streamed cell by cell; the table format keeps its cells until close,
 * since each column's width is its widest cell's display width (Japanese
 * characters count two).  Numbers are formatted here, once, with '.' as
 * the decimal mark whatever the locale: programs never call printf on a
 * double themselves.
 *
 * Output column names are unique: a group column named like an output
 * column ("-g n") would otherwise make a JSON object with one key twice
 * and a CSV header no one can address.  The writer cannot tell a group
 * column from a result, so the rule is positional: the first column of a
 * name keeps it, and each later one gets "_2", "_3", ... (the first
 * suffix no column has).
 *
 * Output for Excel and older Japanese tools (--excel, --output-encoding):
 * with an encoding other than UTF-8 the writer writes into a memory
 * stream, and each finished row (the whole table, for the table
 * formats) is converted with iconv on its way out.  Every cell is first
 * tried alone, so a character the encoding lacks is reported with the
 * cell it is in.  The formula guard prefixes only text cells: a number
 * the program wrote (-0.25) stays a number, while a group value "-5"
 * from the input is text and is guarded.
 *
 * A table wider than the terminal is wrapped into blocks of columns,
 * each repeating the key columns: the leading columns that are text in
 * every row (the groups and periods; statistics are numbers).
 */
#define _GNU_SOURCE	/* fopencookie */
#include <errno.h>
#include <float.h>
#include <iconv.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "voc/columns.h"
#include "voc/error.h"
#include "voc/mem.h"
#include "voc/text.h"
#include "voc/writer.h"

struct cell {
	char *s;	/* NULL: unknown */
	int num;	/* right-aligned in tables */
};

struct voc_writer {
	FILE *fp;		/* where cells go: out, or the memory stream */
	FILE *out;		/* the caller's stream */
	char *mbuf;		/* the memory stream's bytes (--output-encoding) */
	size_t msize;
	iconv_t cd, check;	/* out of mbuf; a cell alone; (iconv_t)-1 */
	const char *encoding;
	int excel;
	const char *eol;
	size_t width;		/* table format: the terminal's; 0 no limit */
	char *fail;		/* a data error (encoding), reported at close */
	enum voc_outfmt fmt;
	int precision;
	char *line;		/* CSV, TSV: bytes of the row not yet in fp */
	size_t linelen, linecap;
	char special[5];	/* what makes a CSV or TSV cell quoted:
				 * csv_plain */
	size_t eollen;
	char **names;
	size_t ncols, col;
	unsigned char *keep;	/* the columns written (--fields) */
	int header;		/* tables: the first stored row is the header */
	size_t nkeep, firstkeep, lastkeep;
	char *bad;		/* a --fields error, reported at close */
	struct cell *cells;	/* table format only */
	size_t ncells, cap;
	int oom;
	int werr;		/* errno of a failed write at a join */
	struct spool *spool;	/* a part's bytes (voc_writer_part) */
	struct num_memo *memo;	/* numbers written (voc_writer_num) */
	size_t nums;
};

int
voc_writer_parse_format(const char *name, enum voc_outfmt *fmt)
{
	static const char *const names[] = {"csv", "tsv", "jsonl", "table",
	    "markdown"};

	for (int i = 0; i < 5; i++)
		if (strcmp(name, names[i]) == 0) {
			*fmt = (enum voc_outfmt)i;
			return 0;
		}
	return -1;
}

/* Whether a text cell would be read by Excel as a formula. */
static int
formula_like(const char *s)
{
	return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

/* Whether a CSV or TSV cell is written as it is: it holds none of
 * special ('"', CR, LF and the delimiter). */
static int
csv_plain(const char *s, const char *special)
{
	return s[strcspn(s, special)] == '\0';
}

/* A CSV or TSV cell; guard puts the formula guard ' first. */
static void
put_csv(FILE *fp, const char *s, const char *special, int guard)
{
	if (csv_plain(s, special)) {
		if (guard)
			putc('\'', fp);
		fputs(s, fp);
		return;
	}
	putc('"', fp);
	if (guard)
		putc('\'', fp);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', fp);
		putc(*s, fp);
	}
	putc('"', fp);
}

static void
put_json_string(FILE *fp, const char *s)
{
	putc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c == '\r')
			fputs("\\r", fp);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			putc(c, fp);
	}
	putc('"', fp);
}

/* Whether name is among orig[0..n) or done[0..k). */
static int
name_used(const char *const *orig, size_t n, char *const *done, size_t k,
    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(orig[i], name) == 0)
			return 1;
	for (size_t i = 0; i < k; i++)
		if (strcmp(done[i], name) == 0)
			return 1;
	return 0;
}

/* Column i's output name: its own, or with the first free "_N" suffix
 * when an earlier column has the name (see the top of the file).  Free
 * means no column's given name and no name handed out before.  NULL
 * when out of memory. */
static char *
unique_name(const char *const *names, size_t ncols, size_t i,
    char *const *done)
{
	size_t size = strlen(names[i]) + 24;
	char *s;

	if (!name_used(names, i, done, i, names[i]))
		return strdup(names[i]);
	if ((s = malloc(size)) == NULL)
		return NULL;
	for (unsigned long k = 2;; k++) {
		snprintf(s, size, "%s_%lu", names[i], k);
		if (!name_used(names, ncols, done, i, s))
			return s;
	}
}

/* Picks the columns of fields (names or 1-based numbers, split as -g
 * is); 0, or -1 with w->bad set (or w->oom) for a field that names no
 * column or a list that does not split. */
static int
select_fields(struct voc_writer *w, const char *fields)
{
	struct voc_error err;
	char **item, list[700];
	size_t nitem;

	memset(w->keep, 0, w->ncols);
	if (voc_columns_split(fields, "--fields", &item, &nitem, &err) < 0) {
		if ((w->bad = strdup(err.msg)) == NULL)
			w->oom = 1;
		return -1;
	}
	for (size_t f = 0; f < nitem; f++) {
		const char *p = item[f];
		size_t i;
		char *end;
		unsigned long k = strtoul(p, &end, 10);

		for (i = 0; i < w->ncols; i++)
			if (strcmp(w->names[i], p) == 0)
				break;
		if (i == w->ncols && *end == '\0' && end != p && k >= 1 &&
		    k <= w->ncols)
			i = k - 1;
		if (i == w->ncols) {
			size_t size = strlen(p) + sizeof(list) + 64;

			voc_columns_describe((const char *const *)w->names,
			    w->ncols, list, sizeof(list));
			if ((w->bad = malloc(size)) == NULL)
				w->oom = 1;
			else
				snprintf(w->bad, size, "--fields: no output "
				    "column \"%s\"; the columns are: %s", p,
				    list);
			free(item);
			return -1;
		}
		w->keep[i] = 1;
	}
	free(item);
	return 0;
}

/* Decodes the UTF-8 character at s (at most len bytes) into *cp; its
 * length in bytes, or 1 (with *cp the byte) for a bad sequence. */
static size_t
utf8_char(const unsigned char *s, size_t len, unsigned long *cp)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 :
	    s[0] >= 0xC0 ? 2 : 0;

	if (n == 0 || n > len) {
		*cp = s[0];
		return 1;
	}
	*cp = n == 1 ? s[0] : s[0] & (0x7F >> n);
	for (size_t i = 1; i < n; i++)
		*cp = (*cp << 6) | (s[i] & 0x3F);
	return n;
}

/* Whether s can be written in the output encoding; when not, w->fail
 * names the character and the cell. */
static int
encodable(struct voc_writer *w, const char *s)
{
	char buf[256], *in = (char *)s, *o;
	size_t inleft, oleft;

	if (w->check == (iconv_t)-1 || w->fail != NULL)
		return w->fail == NULL;
	inleft = strlen(s);
	iconv(w->check, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		o = buf;
		oleft = sizeof(buf);
		if (iconv(w->check, &in, &inleft, &o, &oleft) == (size_t)-1 &&
		    errno != E2BIG) {
			unsigned long cp;
			size_t n = utf8_char((const unsigned char *)in, inleft,
			    &cp), size = strlen(s) + 200;

			if ((w->fail = malloc(size)) == NULL) {
				w->oom = 1;
				return 0;
			}
			snprintf(w->fail, size, "--output-encoding %s: \"%.*s\" "
			    "(U+%04lX) has no %s form, in the cell \"%s\"; "
			    "write UTF-8 (the default) or change the value",
			    w->encoding, (int)n, in, cp, w->encoding, s);
			return 0;
		}
	}
	return 1;
}

/* With an output encoding: converts what the memory stream holds and
 * sends it out, then empties the stream. */
static void
drain(struct voc_writer *w)
{
	char buf[4096], *in, *o;
	size_t inleft, oleft;
	off_t len;

	if (w->cd == (iconv_t)-1)
		return;
	if (fflush(w->fp) != 0 || (len = ftello(w->fp)) < 0) {
		w->oom = 1;
		return;
	}
	in = w->mbuf;
	inleft = (size_t)len;
	while (inleft > 0 && w->fail == NULL) {
		o = buf;
		oleft = sizeof(buf);
		if (iconv(w->cd, &in, &inleft, &o, &oleft) == (size_t)-1 &&
		    errno != E2BIG && (w->fail = strdup("--output-encoding: "
		    "the output cannot be converted")) == NULL)
			w->oom = 1;
		fwrite(buf, 1, sizeof(buf) - oleft, w->out);
	}
	rewind(w->fp);
}

static void cell(struct voc_writer *w, const char *s, size_t len, int num);

/* voc_writer_open_shaped; a part (voc_writer_part) writes neither the
 * header nor the byte-order mark. */
static struct voc_writer *
open_writer(FILE *fp, enum voc_outfmt fmt, int precision,
    const struct voc_writer_shape *shape, const char *const *names,
    size_t ncols, int part)
{
	struct voc_writer *w = calloc(1, sizeof(*w));

	if (w == NULL || (w->names = calloc(ncols ? ncols : 1,
	    sizeof(char *))) == NULL || (w->keep = malloc(ncols ? ncols :
	    1)) == NULL) {
		if (w != NULL)
			free(w->names);
		free(w);
		return NULL;
	}
	w->fp = w->out = fp;
	w->cd = w->check = (iconv_t)-1;
	w->fmt = fmt;
	w->precision = precision;
	/* '"', CR, LF and the delimiter */
	memcpy(w->special, fmt == VOC_OUT_TSV ? "\"\r\n\t" : "\"\r\n,", 5);
	w->ncols = ncols;
	w->eol = "\n";
	w->eollen = 1;
	if (shape != NULL) {
		w->excel = shape->excel && (fmt == VOC_OUT_CSV || fmt ==
		    VOC_OUT_TSV);
		w->width = fmt == VOC_OUT_TABLE ? shape->width : 0;
		if (w->excel) {
			w->eol = "\r\n";
			w->eollen = 2;
		}
		w->encoding = shape->encoding;
	}
	for (size_t i = 0; i < ncols; i++)
		if ((w->names[i] = unique_name(names, ncols, i, w->names)) ==
		    NULL) {
			for (size_t k = 0; k < i; k++)
				free(w->names[k]);
			free(w->names);
			free(w->keep);
			free(w);
			return NULL;
		}
	memset(w->keep, 1, ncols);
	if (shape != NULL && shape->fields != NULL &&
	    select_fields(w, shape->fields) < 0)
		memset(w->keep, 0, ncols);
	for (size_t i = 0; i < ncols; i++)
		if (w->keep[i]) {
			if (w->nkeep++ == 0)
				w->firstkeep = i;
			w->lastkeep = i;
		}
	if (w->encoding != NULL) {
		if ((w->cd = iconv_open(w->encoding, "UTF-8")) == (iconv_t)-1 ||
		    (w->check = iconv_open(w->encoding, "UTF-8")) ==
		    (iconv_t)-1) {
			size_t size = strlen(w->encoding) + 64;

			if ((w->fail = malloc(size)) == NULL)
				w->oom = 1;
			else
				snprintf(w->fail, size, "--output-encoding: "
				    "cannot convert to %s", w->encoding);
		} else if ((w->fp = open_memstream(&w->mbuf, &w->msize)) ==
		    NULL) {
			w->fp = fp;
			w->oom = 1;
		}
	}
	/* The header's names (a part writes none). */
	for (size_t i = 0; i < ncols && !part; i++)
		if (w->keep[i] && !encodable(w, w->names[i]))
			break;
	if (w->bad != NULL || w->fail != NULL || w->oom || part)
		return w;
	/* The mark that makes Excel read the file as UTF-8, not in the
	 * machine's code page (CP932 in Japan). */
	if (w->excel && w->encoding == NULL)
		fputs("\xEF\xBB\xBF", fp);
	if (shape != NULL && shape->no_header)
		return w;
	fp = w->fp;
	if (fmt == VOC_OUT_CSV || fmt == VOC_OUT_TSV) {
		for (size_t i = 0; i < ncols; i++) {
			if (!w->keep[i])
				continue;
			if (i != w->firstkeep)
				putc(fmt == VOC_OUT_CSV ? ',' : '\t', fp);
			put_csv(fp, w->names[i], w->special, w->excel &&
			    formula_like(w->names[i]));
		}
		if (w->nkeep > 0)
			fputs(w->eol, fp);
		drain(w);
	} else if (fmt == VOC_OUT_TABLE || fmt == VOC_OUT_MARKDOWN) {
		for (size_t i = 0; i < ncols; i++)
			cell(w, w->names[i], strlen(w->names[i]), 0);
		w->header = 1;
	}
	return w;
}

struct voc_writer *
voc_writer_open_shaped(FILE *fp, enum voc_outfmt fmt, int precision,
    const struct voc_writer_shape *shape, const char *const *names,
    size_t ncols)
{
	return open_writer(fp, fmt, precision, shape, names, ncols, 0);
}

struct voc_writer *
voc_writer_open(FILE *fp, enum voc_outfmt fmt, int precision,
    const char *const *names, size_t ncols)
{
	return voc_writer_open_shaped(fp, fmt, precision, NULL, names, ncols);
}

/* Cells of the table format are for a terminal: control characters in
 * them are shown as escapes, never sent. */
static char *
table_text(const char *s)
{
	size_t len = strlen(s), size = len * 4 + 1;
	char *buf;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F ||
		    (unsigned char)s[i] == 0xC2 || (unsigned char)s[i] >= 0xF5)
			goto escape;
	return strdup(s);
escape:
	if ((buf = malloc(size)) == NULL)
		return NULL;
	return voc_error_escape(s, len, SIZE_MAX, buf, size);
}

/* Room for len more bytes of the row's line buffer; where they go, or
 * NULL. */
static char *
line_room(struct voc_writer *w, size_t len)
{
	if (w->linelen + len > w->linecap) {
		size_t cap = (w->linelen + len) * 2 + 256;
		char *b = realloc(w->line, cap);

		if (b == NULL) {
			w->oom = 1;
			return NULL;
		}
		w->line = b;
		w->linecap = cap;
	}
	return w->line + w->linelen;
}

/* Appends len bytes to the row's line buffer. */
static void
line_put(struct voc_writer *w, const char *s, size_t len)
{
	char *o = line_room(w, len);

	if (o == NULL)
		return;
	memcpy(o, s, len);
	w->linelen += len;
}

static void
line_flush(struct voc_writer *w)
{
	if (w->linelen > 0)
		fwrite(w->line, 1, w->linelen, w->fp);
	w->linelen = 0;
}

/* The next cell's column in *col; 0 when it is not written (a column
 * --fields left out, a value the output encoding cannot hold, an error
 * before). */
static int
cell_open(struct voc_writer *w, const char *s, size_t *col)
{
	*col = w->col;
	w->col = (w->col + 1) % w->ncols;
	return w->bad == NULL && w->fail == NULL && !w->oom &&
	    w->keep[*col] && (s == NULL || w->check == (iconv_t)-1 ||
	    encodable(w, s));
}

/*
 * After a CSV or TSV cell: the row's end, after its last column.  Rows
 * gather in the line buffer and go out LINES_OUT bytes a write (a write
 * a row took the stream's lock a row: 100,000 rows, 10 ms); a row at a
 * time where each is converted to an output encoding.  Whatever else
 * writes to the stream (a quoted cell, a part, the close) sends the
 * gathered rows first.
 */
#define LINES_OUT 65536

static void
row_end(struct voc_writer *w, size_t col)
{
	if (col == w->lastkeep) {
		line_put(w, w->eol, w->eollen);
		if (w->cd == (iconv_t)-1 && w->linelen < LINES_OUT)
			return;
		line_flush(w);
		drain(w);
	}
}

/*
 * CSV and TSV in UTF-8 take a number straight into the row (a number
 * needs no quotes, and no check of its encoding): num_open opens its
 * cell and returns where it goes, with room for NUM_ROOM bytes (NULL:
 * the cell is not written), and num_close takes its end.
 */
#define NUM_ROOM VOC_NUM_ROOM

static int
direct(const struct voc_writer *w)
{
	return (w->fmt == VOC_OUT_CSV || w->fmt == VOC_OUT_TSV) &&
	    w->check == (iconv_t)-1;
}

static char *
num_open(struct voc_writer *w, size_t *col)
{
	char *o;

	if (!cell_open(w, "", col) || (o = line_room(w, 1 + NUM_ROOM)) ==
	    NULL)
		return NULL;
	if (*col != w->firstkeep)
		*o++ = w->fmt == VOC_OUT_CSV ? ',' : '\t';
	return o;
}

static void
num_close(struct voc_writer *w, size_t col, const char *end)
{
	w->linelen = (size_t)(end - w->line);
	row_end(w, col);
}

/* Writes one cell of len bytes; s NULL is unknown, num says it is a
 * number. */
static void
cell(struct voc_writer *w, const char *s, size_t len, int num)
{
	FILE *fp = w->fp;
	size_t col;

	if (!cell_open(w, s, &col))
		return;
	if (w->fmt == VOC_OUT_TABLE || w->fmt == VOC_OUT_MARKDOWN) {
		if (w->ncells == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 256;
			struct cell *c = realloc(w->cells, cap * sizeof(*c));

			if (c == NULL) {
				w->oom = 1;
				return;
			}
			w->cells = c;
			w->cap = cap;
		}
		/* A blank group value is shown, not left as a gap. */
		if (s != NULL && s[0] == '\0' && !num)
			s = "(blank)";
		w->cells[w->ncells].s = s ? table_text(s) : NULL;
		if (s != NULL && w->cells[w->ncells].s == NULL)
			w->oom = 1;
		w->cells[w->ncells++].num = num;
	} else if (w->fmt == VOC_OUT_JSONL) {
		fputs(col == w->firstkeep ? "{" : ",", fp);
		put_json_string(fp, w->names[col]);
		putc(':', fp);
		if (s == NULL)
			fputs("null", fp);
		else if (num)
			fputs(s, fp);
		else
			put_json_string(fp, s);
		if (col == w->lastkeep) {
			fputs("}\n", fp);
			drain(w);
		}
	} else {
		char delim = w->fmt == VOC_OUT_CSV ? ',' : '\t';

		/* Delimiters, numbers (digits, a sign, '.' and 'e': never
		 * quoted) and text that needs no quotes are gathered into
		 * one write a row; other text goes through put_csv, after
		 * what is gathered. */
		if (col != w->firstkeep)
			line_put(w, &delim, 1);
		if (s != NULL && (num || (csv_plain(s, w->special) &&
		    !(w->excel && formula_like(s)))))
			line_put(w, s, len);
		else if (s != NULL) {
			line_flush(w);
			put_csv(fp, s, w->special, w->excel && formula_like(s));
		}
		row_end(w, col);
	}
}

void
voc_writer_str(struct voc_writer *w, const char *s)
{
	cell(w, s, s != NULL ? strlen(s) : 0, 0);
}

/* 10^0 .. 10^19, every power of ten below 2^64. */
static const uint64_t pow10_u64[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
	10000000000000000000ULL
};

/* 00 to 99. */
static const char pairs[] =
    "0001020304050607080910111213141516171819"
    "2021222324252627282930313233343536373839"
    "4041424344454647484950515253545556575859"
    "6061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* The decimal digits of u, most significant first; returns how many.
 * Two digits a division. */
static int
put_u64(uint64_t u, char *o)
{
	char t[20], *e = t + sizeof(t), *p = e;

	while (u >= 100) {
		unsigned d = (unsigned)(u % 100);

		u /= 100;
		p -= 2;
		memcpy(p, pairs + 2 * d, 2);
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * u, 2);
	} else
		*--p = (char)('0' + (int)u);
	memcpy(o, p, (size_t)(e - p));
	return (int)(e - p);
}

/* A whole number as printf's %lld writes it; returns its length. */
static size_t
put_ll(long long v, char *buf)
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int n = put_u64(u, buf + (v < 0));

	buf[0] = v < 0 ? '-' : buf[0];
	n += v < 0;
	buf[n] = '\0';
	return (size_t)n;
}

void
voc_writer_int(struct voc_writer *w, long long v)
{
	char buf[32], *o;
	size_t col;

	if (direct(w)) {
		if ((o = num_open(w, &col)) != NULL)
			num_close(w, col, o + put_ll(v, o));
		return;
	}
	cell(w, buf, put_ll(v, buf), 1);
}

/*
 * The shortest decimal that reads back as v, written without an exponent
 * where the number is of a size people read (1e-5 up to 1e17).
 *
 * Whole numbers below 2^53 are written as integers.  Otherwise %.15g is
 * tried first: when the double's shortest decimal has at most 15
 * significant digits, rounding to 15 digits gives exactly those digits
 * (the double lies within half an ulp of them, far below 10^-15), and %g
 * drops the trailing zeros; so that form, if it reads back, is the
 * shortest.  Else 16, else 17 digits, which always read back.
 */
/*
 * The shortest() of 10^-4 <= |v| < 10^15 that is not a whole number,
 * without printf or strtod (their multi-precision arithmetic was most of
 * the time of writing a table of 100,000 groups), in exact integers.
 * v = m / 2^s.  With x the decimal exponent of v's first digit, v in
 * units of 10^-k, k = 16 - x, is m 10^k / 2^s = q + F / 2^67: q its 17
 * digits, F exact (s <= 66).  Half a unit of m either side of it, the
 * numbers that read back as v, is W = 10^k / 2^(s + 1), exact in the
 * same fixed point.  The p-digit form (p = 15, 16, 17, as printf rounds:
 * half to even) is C = q rounded to a multiple of 10^(17 - p); it reads
 * back as v when it lies within W of v (ends included when m is even;
 * below a power of two, m = 2^52, the gap below is half as wide).
 * Everything stays below 2^126 (m < 2^53, W < 12).  The three forms are
 * tried together and the shortest that reads back taken, without a
 * branch on the digits (which vary from number to number, and a
 * mispredicted branch cost more than the arithmetic).  Returns the
 * length written, or 0 to use printf.
 */
__extension__ typedef unsigned __int128 u128;

/* 10^0 .. 10^21, in constants (an element of pow10_u64 is not one:
 * clang refused the table made from them). */
#define P10(x) ((u128)x##ULL)
static const u128 pow10_u128[22] = {
	P10(1), P10(10), P10(100), P10(1000), P10(10000), P10(100000),
	P10(1000000), P10(10000000), P10(100000000), P10(1000000000),
	P10(10000000000), P10(100000000000), P10(1000000000000),
	P10(10000000000000), P10(100000000000000), P10(1000000000000000),
	P10(10000000000000000), P10(100000000000000000),
	P10(1000000000000000000), P10(10000000000000000000),
	P10(10000000000000000000) * 10, P10(10000000000000000000) * 100
};
#undef P10

/* The least double >= 10^j, j = -4 .. 15, so that a >= 10^j exactly when
 * a >= pow10_ceil[j + 4]: the nearest double to 10^-4 .. 10^-1 lies
 * above it, and 1 .. 10^15 are doubles. */
static const double pow10_ceil[20] = {
	1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
};

/* Exactly 8 digits of v < 10^8, two at a time. */
static inline void
put8(uint32_t v, char *o)
{
	uint32_t hi = v / 10000, lo = v % 10000;

	memcpy(o, pairs + 2 * (hi / 100), 2);
	memcpy(o + 2, pairs + 2 * (hi % 100), 2);
	memcpy(o + 4, pairs + 2 * (lo / 100), 2);
	memcpy(o + 6, pairs + 2 * (lo % 100), 2);
}

/* How many of the 8 bytes at p are '0' counting back from the last. */
static inline int
zeros_after(const char *p)
{
	uint64_t z;

	memcpy(&z, p, 8);
	z ^= 0x3030303030303030ULL;
	if (z == 0)
		return 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_ctzll(z) >> 3;
#else
	return __builtin_clzll(z) >> 3;
#endif
}

/* q + F / 2^67 rounded to a multiple of div, half to even; whether it
 * lies in [lo, hi] (odd: in (lo, hi)), in *ok.  & and |, not && and ||:
 * the outcomes vary from number to number. */
static inline __attribute__((always_inline)) uint64_t
round_to(uint64_t q, u128 f, uint64_t div, u128 lo, u128 hi, int odd,
    int *ok)
{
	uint64_t t = q / div, rem = q - t * div;
	/* rem + F / 2^67 against div / 2, both times 2^68 */
	u128 twice = ((u128)rem << 68) + 2 * f, half = (u128)div << 67, c;

	t += (uint64_t)(twice > half) | ((uint64_t)(twice == half) & t & 1);
	c = (u128)(t * div) << 67;
	*ok = (c >= lo + (unsigned)odd) & (c + (unsigned)odd <= hi);
	return t * div;
}

static size_t
shortest_exact(double v, char *buf, size_t size)
{
	double a = fabs(v);
	int e2, s, k, x, n, ok15, ok16, ok17;
	uint64_t bits, m, q, c, c15, c16;
	u128 pk, prod, f, w, vf, lo, hi;
	char dig[32], *o = buf;

	if (!(a >= 1e-4 && a < 1e15) || size < 48)
		return 0;
	/* a is normal: m is its 53-bit significand, with the hidden bit. */
	memcpy(&bits, &a, sizeof(bits));
	e2 = (int)(bits >> 52 & 0x7FF);
	m = (bits & ((1ULL << 52) - 1)) | 1ULL << 52;
	s = 1075 - e2;			/* a = m / 2^s */
	if (s <= 0 || s > 66)
		return 0;
	/* x: floor((e2 - 1023) log10 2) (78913 / 2^18 is log10 2 to the
	 * precision needed) is x or one less. */
	x = ((e2 - 1023) * 78913) >> 18;
	if (x < -5 || x > 14)
		return 0;
	x += a >= pow10_ceil[x + 5];
	k = 16 - x;
	pk = pow10_u128[k];
	prod = m * pk;
	q = (uint64_t)(prod >> s);
	if (q < pow10_u64[16] || q >= pow10_u64[17])
		return 0;
	f = (prod & (((u128)1 << s) - 1)) << (67 - s);
	w = pk << (66 - s);		/* W 2^67; 10^k is even */
	vf = ((u128)q << 67) + f;
	hi = vf + w;
	lo = vf - (m == 1ULL << 52 ? w >> 1 : w);
	c15 = round_to(q, f, 100, lo, hi, (int)(m & 1), &ok15);
	c16 = round_to(q, f, 10, lo, hi, (int)(m & 1), &ok16);
	c = round_to(q, f, 1, lo, hi, (int)(m & 1), &ok17);
	/* The shortest that reads back; 17 digits always do. */
	c = ok16 ? c16 : c;
	c = ok15 ? c15 : c;
	/* Rounding carried C to 10^17: not a 17-digit form. */
	if (!ok17 || c >= pow10_u64[17])
		return 0;
	dig[0] = (char)('0' + (int)(c / pow10_u64[16]));
	put8((uint32_t)(c / 100000000 % 100000000), dig + 1);
	put8((uint32_t)(c % 100000000), dig + 9);
	/* n digits without the zeros that end the fraction: dig[0] is not
	 * a zero (C >= 10^16), and an XOR of eight digits with "00000000"
	 * leaves a zero byte for each zero. */
	n = zeros_after(dig + 9);
	n = 17 - (n < 8 ? n : 8 + zeros_after(dig + 1));
	n = n > x + 1 ? n : x + 1;
	memset(dig + 17, '0', sizeof(dig) - 17);
	*o = '-';
	o += v < 0;
	if (x < 0) {
		/* 0., -x - 1 zeros, the digits */
		memcpy(o, "0.000", 5);
		memcpy(o + 1 - x, dig, 24);
		o += 1 - x + n;
	} else {
		/* x + 1 digits, the point, the rest */
		memcpy(o, dig, 16);
		o[x + 1] = '.';
		memcpy(o + x + 2, dig + x + 1, 16);
		o += n > x + 1 ? n + 1 : x + 1;
	}
	*o = '\0';
	return (size_t)(o - buf);
}

/* Returns the length when written here (digits, a sign and a point
 * only), 0 when printf wrote it. */
static size_t
shortest(double v, char *buf, size_t size)
{
	int p, exp;
	size_t n;
	char *e;

	if (v == (double)(long long)v && v > -9007199254740992.0 &&
	    v < 9007199254740992.0 && size >= 32)
		return put_ll((long long)v, buf);
	if ((n = shortest_exact(v, buf, size)) > 0)
		return n;
	/* Subnormals carry fewer than 53 bits: search from 1 digit. */
	for (p = fabs(v) < DBL_MIN ? 1 : 15; p < 17; p++) {
		snprintf(buf, size, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (p == 17)
		snprintf(buf, size, "%.17g", v);
	if ((e = strchr(buf, 'e')) == NULL)
		return 0;
	exp = atoi(e + 1);
	if (exp >= -5 && exp < 17) {
		/* The significant digits %g printed, before the exponent. */
		int digits = 0;

		for (char *q = buf; q < e; q++)
			digits += *q >= '0' && *q <= '9';
		int decimals = digits - 1 - exp;
		snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, v);
	}
	return 0;
}

/* Locales with a decimal comma: the C locale is never changed here, but
 * a caller's setlocale() must not change what printf wrote either (a
 * number is written unquoted). */
static void
point(char *buf)
{
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
}

/* voc_writer_format_num; returns the length. */
static size_t
format_num(double v, int precision, char *buf, size_t size)
{
	size_t n;

	if (isnan(v) || isinf(v)) {
		buf[0] = '\0';
		return 0;
	}
	if (v == 0)
		v = 0;	/* no "-0" */
	if (precision < 0) {
		if ((n = shortest(v, buf, size)) > 0)
			return n;
	} else
		snprintf(buf, size, "%.*f", precision, v);
	point(buf);
	/* No "-0.00": a value that rounds to zero is zero. */
	if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
		memmove(buf, buf + 1, strlen(buf));
	return strlen(buf);
}

void
voc_writer_format_num(double v, int precision, char *buf, size_t size)
{
	format_num(v, precision, buf, size);
}

/*
 * The numbers of a long table repeat: shares, scores and their bounds
 * are functions of small counts (100,000 groups of about 50 answers
 * each: 600,000 numbers, 28,000 of them distinct).  From its
 * MEMO_FROM-th number on, a writer keeps the text of the numbers it
 * wrote, each in the place of NUM_MEMO its bits pick, and copies a
 * number found there rather than format it again (the writer's
 * precision is the same for all: the bits alone name the text).
 */
#define NUM_MEMO 4096
#define MEMO_FROM 4096

struct num_memo {
	uint64_t bits;
	unsigned char len;	/* 0: an empty place */
	char s[23];		/* the text and its NUL */
};

/* v's text in buf (NUM_ROOM bytes); returns its length, 0 for none. */
static size_t
num_text(struct voc_writer *w, double v, char *buf)
{
	struct num_memo *m;
	uint64_t bits;
	size_t n;

	/* Out of memory: tried again MEMO_FROM numbers on. */
	if (w->memo == NULL && ++w->nums >= MEMO_FROM &&
	    (w->memo = calloc(NUM_MEMO, sizeof(*w->memo))) == NULL)
		w->nums = 0;
	if (w->memo == NULL)
		return format_num(v, w->precision, buf, NUM_ROOM);
	memcpy(&bits, &v, sizeof(bits));
	m = &w->memo[(bits * 0x9E3779B97F4A7C15ULL) >> 52];
	if (m->bits == bits && m->len > 0) {
		memcpy(buf, m->s, sizeof(m->s));
		return m->len;
	}
	n = format_num(v, w->precision, buf, NUM_ROOM);
	if (n > 0 && n < sizeof(m->s)) {
		m->bits = bits;
		m->len = (unsigned char)n;
		memcpy(m->s, buf, n + 1);
	}
	return n;
}

void
voc_writer_num(struct voc_writer *w, double v)
{
	char buf[NUM_ROOM], *o;
	size_t n, col;

	if (direct(w)) {
		if ((o = num_open(w, &col)) != NULL)
			num_close(w, col, o + num_text(w, v, o));
		return;
	}
	n = num_text(w, v, buf);
	cell(w, n > 0 ? buf : NULL, n, 1);
}

void
voc_writer_format_pvalue(double p, int precision, char *buf, size_t size)
{
	int decimals;

	/* A p-value of 0 is one too small for a double (the tail of the
	 * distribution underflowed): the smallest normal double says so
	 * without claiming certainty. */
	if (p == 0)
		p = DBL_MIN;
	if (precision < 0 || isnan(p) || isinf(p) || p < 0) {
		voc_writer_format_num(p, precision, buf, size);
		return;
	}
	if (p < 1e-5) {
		snprintf(buf, size, "%.1e", p);
		point(buf);
		return;
	}
	/* 2 significant digits: p in [0.01, 0.1) needs 3 decimals. */
	decimals = 1 - (int)floor(log10(p));
	voc_writer_format_num(p, decimals > precision ? decimals : precision,
	    buf, size);
}

void
voc_writer_pvalue(struct voc_writer *w, double p)
{
	char buf[64];

	voc_writer_format_pvalue(p, w->precision, buf, sizeof(buf));
	cell(w, buf[0] ? buf : NULL, strlen(buf), 1);
}

void
voc_writer_null(struct voc_writer *w)
{
	cell(w, NULL, 0, 1);
}

/* A markdown cell: pipes escaped, so a value cannot end the cell. */
static void
put_markdown(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			putc('\\', fp);
		putc(*s, fp);
	}
}

/* Writes the stored row `row`, its columns cols[0..k) (indices among
 * the kept columns), padded to width[]. */
static void
table_row(struct voc_writer *w, size_t row, const size_t *cols, size_t k,
    const size_t *width)
{
	size_t n = w->nkeep;
	int md = w->fmt == VOC_OUT_MARKDOWN;

	for (size_t j = 0; j < k; j++) {
		size_t c = cols[j], i = row * n + c;
		const char *s = w->cells[i].s ? w->cells[i].s : "";
		size_t pad = width[c] - voc_text_width(s, strlen(s));
		/* Header cells align like the column's values. */
		int right = w->cells[i + (row == 0 && w->header && i + n <
		    w->ncells ? n : 0)].num;

		if (md)
			fputs(j == 0 ? "| " : " | ", w->fp);
		else if (j > 0)
			fputs("  ", w->fp);
		if (right)
			fprintf(w->fp, "%*s", (int)pad, "");
		if (md)
			put_markdown(w->fp, s);
		else
			fputs(s, w->fp);
		if (!right && (md || j + 1 < k))
			fprintf(w->fp, "%*s", (int)pad, "");
	}
	fputs(md ? " |\n" : "\n", w->fp);
	/* Markdown's line under the header, with the alignment. */
	if (md && row == 0 && w->header) {
		for (size_t j = 0; j < k; j++) {
			size_t c = cols[j];
			int r = w->cells[c + (c + n < w->ncells ? n : 0)].num;

			putc('|', w->fp);
			for (size_t d = 0; d < width[c] + 1; d++)
				putc('-', w->fp);
			fputs(r ? ":" : "-", w->fp);
		}
		fputs("|\n", w->fp);
	}
}

/* The key columns a wrapped table repeats: the leading columns that are
 * text in every row below the header, as long as they leave half of
 * the width to the others. */
static size_t
key_columns(const struct voc_writer *w, const size_t *width)
{
	size_t n = w->nkeep, first = w->header ? 1 : 0;
	size_t nrows = w->ncells / n, keys = 0, used = 0;

	if (nrows <= first)
		return 0;
	while (keys + 1 < n) {
		size_t r;

		for (r = first; r < nrows; r++)
			if (w->cells[r * n + keys].num)
				break;
		if (r < nrows)
			break;
		/* As many leading keys as fit in half the width: the first
		 * alone still tells the rows apart in later blocks. */
		if (used + width[keys] + 2 > w->width / 2)
			break;
		used += width[keys] + 2;
		keys++;
	}
	return keys;
}

static void
flush_table(struct voc_writer *w)
{
	size_t n = w->nkeep, *width = calloc(n ? n : 1, sizeof(*width));
	size_t *cols = calloc(n ? n : 1, sizeof(*cols));
	size_t nrows, total = 0, keys, start;

	if (width == NULL || cols == NULL) {
		free(width);
		free(cols);
		w->oom = 1;
		return;
	}
	if (n == 0)
		goto done;
	for (size_t i = 0; i < w->ncells; i++) {
		const char *s = w->cells[i].s;
		size_t k = s ? voc_text_width(s, strlen(s)) : 0;

		if (k > width[i % n])
			width[i % n] = k;
	}
	nrows = w->ncells / n;
	for (size_t c = 0; c < n; c++) {
		cols[c] = c;
		total += width[c] + (c ? 2 : 0);
	}
	if (w->width == 0 || total <= w->width) {
		for (size_t r = 0; r < nrows; r++)
			table_row(w, r, cols, n, width);
		goto done;
	}
	/* Blocks: the keys, then as many more columns as fit (one at
	 * least, however wide: a value is never cut). */
	keys = key_columns(w, width);
	for (start = keys; start < n;) {
		size_t k = keys, used = 0;

		for (size_t c = 0; c < keys; c++)
			used += width[c] + 2;
		while (start < n && (k == keys || used + width[start] <=
		    w->width)) {
			used += width[start] + 2;
			cols[k++] = start++;
		}
		if (cols[keys] != keys)
			putc('\n', w->fp);
		for (size_t r = 0; r < nrows; r++)
			table_row(w, r, cols, k, width);
	}
done:
	free(width);
	free(cols);
}

int
voc_writer_streams(const struct voc_writer *w)
{
	return (w->fmt == VOC_OUT_CSV || w->fmt == VOC_OUT_TSV ||
	    w->fmt == VOC_OUT_JSONL) && !w->oom && w->bad == NULL &&
	    w->fail == NULL;
}

/*
 * A part's bytes: blocks of 2 MB pages, written once and read once at
 * the join (open_memstream zeroed and copied its buffer as it grew, and
 * its fresh 4 KB pages faulted one at a time: the part cost more than
 * it saved).
 */
struct spool {
	char **block;
	size_t nblocks, cap;
	size_t used;		/* of the last block */
	int oom;
};

static ssize_t
spool_write(void *cookie, const char *buf, size_t size)
{
	struct spool *sp = cookie;
	size_t done = 0;

	while (done < size && !sp->oom) {
		if (sp->nblocks == 0 || sp->used == VOC_HUGE_PAGE) {
			if (sp->nblocks == sp->cap) {
				size_t cap = sp->cap ? sp->cap * 2 : 8;
				char **b = realloc(sp->block, cap *
				    sizeof(*b));

				if (b == NULL) {
					sp->oom = 1;
					break;
				}
				sp->block = b;
				sp->cap = cap;
			}
			if ((sp->block[sp->nblocks] =
			    voc_big_alloc(VOC_HUGE_PAGE)) == NULL) {
				sp->oom = 1;
				break;
			}
			sp->nblocks++;
			sp->used = 0;
		}
		size_t n = VOC_HUGE_PAGE - sp->used;

		if (n > size - done)
			n = size - done;
		memcpy(sp->block[sp->nblocks - 1] + sp->used, buf + done, n);
		sp->used += n;
		done += n;
	}
	return (ssize_t)done;
}

static void
spool_free(struct spool *sp)
{
	if (sp == NULL)
		return;
	for (size_t i = 0; i < sp->nblocks; i++)
		free(sp->block[i]);
	free(sp->block);
	free(sp);
}

struct voc_writer *
voc_writer_part(const struct voc_writer *w)
{
	struct voc_writer_shape shape = {NULL, 1, w->excel, w->encoding, 0};
	cookie_io_functions_t io = {NULL, spool_write, NULL, NULL};
	struct voc_writer *p = open_writer(NULL, w->fmt, w->precision, &shape,
	    (const char *const *)w->names, w->ncols, 1);

	if (p == NULL)
		return NULL;
	if (p->oom || (p->spool = calloc(1, sizeof(*p->spool))) == NULL ||
	    (p->out = fopencookie(p->spool, "w", io)) == NULL) {
		struct voc_error err;

		p->oom = 1;
		voc_writer_close(p, 0, &err);
		return NULL;
	}
	if (p->fp == NULL)
		p->fp = p->out;
	memcpy(p->keep, w->keep, w->ncols);
	p->nkeep = w->nkeep;
	p->firstkeep = w->firstkeep;
	p->lastkeep = w->lastkeep;
	return p;
}

size_t
voc_writer_part_size(struct voc_writer *part)
{
	const struct spool *sp = part->spool;

	line_flush(part);
	if (fflush(part->out) != 0 || sp->oom)
		part->oom = 1;
	return part->oom || sp->nblocks == 0 ? 0 :
	    (sp->nblocks - 1) * VOC_HUGE_PAGE + sp->used;
}

void
voc_writer_part_copy(struct voc_writer *w, struct voc_writer *part,
    size_t from, size_t to, int last)
{
	const struct spool *sp = part->spool;

	if (w->oom || w->bad != NULL || w->fail != NULL)
		return;
	if (part->oom) {
		w->oom = 1;
		return;
	}
	line_flush(w);
	while (from < to) {
		size_t i = from / VOC_HUGE_PAGE, at = from % VOC_HUGE_PAGE;
		size_t n = VOC_HUGE_PAGE - at;

		if (n > to - from)
			n = to - from;
		errno = 0;
		if (fwrite(sp->block[i] + at, 1, n, w->out) != n &&
		    w->werr == 0)
			w->werr = errno ? errno : EIO;
		from += n;
	}
	if (last && part->fail != NULL) {
		w->fail = part->fail;
		part->fail = NULL;
	}
}

void
voc_writer_join(struct voc_writer *w, struct voc_writer *part, int keep)
{
	struct voc_error err;
	size_t n = voc_writer_part_size(part);

	if (keep)
		voc_writer_part_copy(w, part, 0, n, 1);
	voc_writer_close(part, 1, &err);
}

int
voc_writer_close(struct voc_writer *w, int close_fp, struct voc_error *err)
{
	int rc = 0;

	if ((w->fmt == VOC_OUT_TABLE || w->fmt == VOC_OUT_MARKDOWN) &&
	    !w->oom && w->bad == NULL && w->fail == NULL) {
		flush_table(w);
		drain(w);
	}
	line_flush(w);
	/* Out before any error is reported: the rows written come before
	 * the message where both go to one place. */
	errno = 0;
	if (w->out != NULL && (fflush(w->out) != 0 || ferror(w->out)) &&
	    w->werr == 0)
		w->werr = errno ? errno : EIO;
	if (w->oom)
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
	else if (w->bad != NULL)
		rc = voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "%s", w->bad);
	else if (w->fail != NULL)
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0, "%s", w->fail);
	else if (w->werr != 0)
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0, "write error: %s",
		    strerror(w->werr));
	if (close_fp && fclose(w->out) != 0 && rc == 0)
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0, "write error: %s",
		    strerror(errno));
	if (w->fp != w->out)
		fclose(w->fp);
	free(w->mbuf);
	spool_free(w->spool);
	if (w->cd != (iconv_t)-1)
		iconv_close(w->cd);
	if (w->check != (iconv_t)-1)
		iconv_close(w->check);
	free(w->fail);
	for (size_t i = 0; i < w->ncells; i++)
		free(w->cells[i].s);
	for (size_t i = 0; i < w->ncols; i++)
		free(w->names[i]);
	free(w->cells);
	free(w->line);
	free(w->names);
	free(w->keep);
	free(w->bad);
	free(w->memo);
	free(w);
	return rc;
}
