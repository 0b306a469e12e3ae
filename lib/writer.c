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
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "voc/error.h"
#include "voc/text.h"
#include "voc/writer.h"

struct cell {
	char *s;	/* NULL: unknown */
	int num;	/* right-aligned in tables */
};

struct voc_writer {
	FILE *fp;
	enum voc_outfmt fmt;
	int precision;
	char **names;
	size_t ncols, col;
	unsigned char *keep;	/* the columns written (--fields) */
	int header;		/* tables: the first stored row is the header */
	size_t nkeep, firstkeep, lastkeep;
	char *bad;		/* a --fields error, reported at close */
	struct cell *cells;	/* table format only */
	size_t ncells, cap;
	int oom;
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

static void
put_csv(FILE *fp, const char *s, char delim)
{
	if (strpbrk(s, "\"\r\n") == NULL && strchr(s, delim) == NULL) {
		fputs(s, fp);
		return;
	}
	putc('"', fp);
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

/* Picks the columns of fields (names or 1-based numbers); 0, or -1 with
 * w->bad set (or w->oom) for a field that names no column. */
static int
select_fields(struct voc_writer *w, const char *fields)
{
	const char *p = fields;

	memset(w->keep, 0, w->ncols);
	while (p != NULL) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p), i;
		char *end;
		unsigned long k = strtoul(p, &end, 10);

		for (i = 0; i < w->ncols; i++)
			if (strlen(w->names[i]) == len &&
			    memcmp(w->names[i], p, len) == 0)
				break;
		if (i == w->ncols && end == p + len && k >= 1 &&
		    k <= w->ncols)
			i = k - 1;
		if (i == w->ncols) {
			size_t size = len + 64, used;

			for (size_t c = 0; c < w->ncols; c++)
				size += strlen(w->names[c]) + 2;
			if ((w->bad = malloc(size)) == NULL) {
				w->oom = 1;
				return -1;
			}
			used = (size_t)snprintf(w->bad, size, "--fields: no output "
			    "column \"%.*s\"; the columns are: ", (int)len, p);
			for (size_t c = 0; c < w->ncols && used < size; c++)
				used += (size_t)snprintf(w->bad + used, size -
				    used, "%s%s", c ? ", " : "", w->names[c]);
			return -1;
		}
		w->keep[i] = 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

static void cell(struct voc_writer *w, const char *s, int num);

struct voc_writer *
voc_writer_open_shaped(FILE *fp, enum voc_outfmt fmt, int precision,
    const struct voc_writer_shape *shape, const char *const *names,
    size_t ncols)
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
	w->fp = fp;
	w->fmt = fmt;
	w->precision = precision;
	w->ncols = ncols;
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
	if (w->bad != NULL || (shape != NULL && shape->no_header))
		return w;
	if (fmt == VOC_OUT_CSV || fmt == VOC_OUT_TSV) {
		for (size_t i = 0; i < ncols; i++) {
			if (!w->keep[i])
				continue;
			if (i != w->firstkeep)
				putc(fmt == VOC_OUT_CSV ? ',' : '\t', fp);
			put_csv(fp, w->names[i], fmt == VOC_OUT_CSV ? ',' :
			    '\t');
		}
		if (w->nkeep > 0)
			putc('\n', fp);
	} else if (fmt == VOC_OUT_TABLE || fmt == VOC_OUT_MARKDOWN) {
		for (size_t i = 0; i < ncols; i++)
			cell(w, w->names[i], 0);
		w->header = 1;
	}
	return w;
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

/* Writes one cell; s NULL is unknown, num says it is a number. */
static void
cell(struct voc_writer *w, const char *s, int num)
{
	FILE *fp = w->fp;
	size_t col = w->col;

	w->col = (w->col + 1) % w->ncols;
	if (w->bad != NULL || !w->keep[col])
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
		if (col == w->lastkeep)
			fputs("}\n", fp);
	} else {
		char delim = w->fmt == VOC_OUT_CSV ? ',' : '\t';

		if (col != w->firstkeep)
			putc(delim, fp);
		if (s != NULL)
			put_csv(fp, s, delim);
		if (col == w->lastkeep)
			putc('\n', fp);
	}
}

void
voc_writer_str(struct voc_writer *w, const char *s)
{
	cell(w, s, 0);
}

void
voc_writer_int(struct voc_writer *w, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	cell(w, buf, 1);
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
static void
shortest(double v, char *buf, size_t size)
{
	int p, exp;
	char *e;

	if (v == (double)(long long)v && v > -9007199254740992.0 &&
	    v < 9007199254740992.0) {
		snprintf(buf, size, "%lld", (long long)v);
		return;
	}
	/* Subnormals carry fewer than 53 bits: search from 1 digit. */
	for (p = fabs(v) < DBL_MIN ? 1 : 15; p < 17; p++) {
		snprintf(buf, size, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (p == 17)
		snprintf(buf, size, "%.17g", v);
	if ((e = strchr(buf, 'e')) == NULL)
		return;
	exp = atoi(e + 1);
	if (exp >= -5 && exp < 17) {
		/* The significant digits %g printed, before the exponent. */
		int digits = 0;

		for (char *q = buf; q < e; q++)
			digits += *q >= '0' && *q <= '9';
		int decimals = digits - 1 - exp;
		snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, v);
	}
}

void
voc_writer_format_num(double v, int precision, char *buf, size_t size)
{
	if (isnan(v) || isinf(v)) {
		buf[0] = '\0';
		return;
	}
	if (v == 0)
		v = 0;	/* no "-0" */
	if (precision < 0)
		shortest(v, buf, size);
	else
		snprintf(buf, size, "%.*f", precision, v);
	/* Locales with a decimal comma: the C locale is never changed here,
	 * but a caller's setlocale() must not change the output either. */
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
	/* No "-0.00": a value that rounds to zero is zero. */
	if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
		memmove(buf, buf + 1, strlen(buf));
}

void
voc_writer_num(struct voc_writer *w, double v)
{
	char buf[64];

	voc_writer_format_num(v, w->precision, buf, sizeof(buf));
	cell(w, buf[0] ? buf : NULL, 1);
}

void
voc_writer_null(struct voc_writer *w)
{
	cell(w, NULL, 1);
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

static void
flush_table(struct voc_writer *w)
{
	size_t n = w->nkeep, *width = calloc(n ? n : 1, sizeof(*width));
	int md = w->fmt == VOC_OUT_MARKDOWN;

	if (width == NULL) {
		w->oom = 1;
		return;
	}
	if (n == 0) {
		free(width);
		return;
	}
	for (size_t i = 0; i < w->ncells; i++) {
		const char *s = w->cells[i].s;
		size_t k = s ? voc_text_width(s, strlen(s)) : 0;

		if (k > width[i % n])
			width[i % n] = k;
	}
	for (size_t i = 0; i < w->ncells; i++) {
		size_t c = i % n, row = i / n;
		const char *s = w->cells[i].s ? w->cells[i].s : "";
		size_t pad = width[c] - voc_text_width(s, strlen(s));
		/* Header cells align like the column's values. */
		int right = w->cells[i + (row == 0 && w->header && i + n <
		    w->ncells ? n : 0)].num;

		if (md)
			fputs(c == 0 ? "| " : " | ", w->fp);
		else if (c > 0)
			fputs("  ", w->fp);
		if (right)
			fprintf(w->fp, "%*s", (int)pad, "");
		if (md)
			put_markdown(w->fp, s);
		else
			fputs(s, w->fp);
		if (!right && (md || c + 1 < n))
			fprintf(w->fp, "%*s", (int)pad, "");
		if (c + 1 < n)
			continue;
		fputs(md ? " |\n" : "\n", w->fp);
		/* Markdown's line under the header, with the alignment. */
		if (md && row == 0 && w->header) {
			for (size_t k = 0; k < n; k++) {
				int r = w->cells[k + (k + n < w->ncells ? n :
				    0)].num;

				fputs(k == 0 ? "|" : "|", w->fp);
				for (size_t d = 0; d < width[k] + 1; d++)
					putc('-', w->fp);
				fputs(r ? ":" : "-", w->fp);
			}
			fputs("|\n", w->fp);
		}
	}
	free(width);
}

int
voc_writer_close(struct voc_writer *w, int close_fp, struct voc_error *err)
{
	int rc = 0;

	if ((w->fmt == VOC_OUT_TABLE || w->fmt == VOC_OUT_MARKDOWN) &&
	    !w->oom && w->bad == NULL)
		flush_table(w);
	errno = 0;
	if (w->oom)
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
	else if (w->bad != NULL)
		rc = voc_error_set(err, VOC_ERR_USAGE, NULL, 0, "%s", w->bad);
	else if (fflush(w->fp) != 0 || ferror(w->fp))
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0, "write error: %s",
		    strerror(errno ? errno : EIO));
	if (close_fp && fclose(w->fp) != 0 && rc == 0)
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0, "write error: %s",
		    strerror(errno));
	for (size_t i = 0; i < w->ncells; i++)
		free(w->cells[i].s);
	for (size_t i = 0; i < w->ncols; i++)
		free(w->names[i]);
	free(w->cells);
	free(w->names);
	free(w->keep);
	free(w->bad);
	free(w);
	return rc;
}
