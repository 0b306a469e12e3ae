/*
 * The writer: tables out as CSV, TSV, JSON Lines or an aligned text
 * table, with one notion of an unknown value (empty, or null in JSON) and
 * a checked close, so a full disk is an error and not a short report.
 */
#ifndef VOC_WRITER_H
#define VOC_WRITER_H

#include <stdio.h>

#include "voc/error.h"

enum voc_outfmt {
	VOC_OUT_CSV = 0,
	VOC_OUT_TSV,
	VOC_OUT_JSONL,
	VOC_OUT_TABLE,
	VOC_OUT_MARKDOWN	/* a pipe table, for tickets and wikis */
};

/*
 * How a table is shaped for where it goes: --fields, --no-header-out,
 * --excel, --output-encoding and the terminal's width.
 */
struct voc_writer_shape {
	const char *fields;	/* comma-separated names or numbers; NULL all */
	int no_header;
	/* --excel (CSV and TSV): a byte-order mark when the output is
	 * UTF-8, CRLF line ends, and text cells that start with = + - @,
	 * tab or CR prefixed with ' so that Excel does not run them as
	 * formulas (OWASP "CSV injection").  Numbers are never guarded. */
	int excel;
	/* The output's encoding as iconv names it ("CP932"); NULL: UTF-8.
	 * A character it cannot hold is an error at close naming the cell;
	 * the few that CP932 maps by convention (U+00A5 to 0x5C, U+301C and
	 * U+FF5E to 0x8160) are written so, as iconv does. */
	const char *encoding;
	/* The table format only: wider tables are wrapped into blocks of
	 * columns no wider than this, each repeating the leading text (key)
	 * columns; values are never cut.  0: no limit. */
	size_t width;
};

struct voc_writer;

/* "csv", "tsv", "jsonl", "table", "markdown"; -1 for anything else. */
int voc_writer_parse_format(const char *name, enum voc_outfmt *fmt);

/*
 * A writer on fp (not closed by the writer) for a table with ncols named
 * columns; names are copied, and made unique: a name an earlier column
 * has gets the first free suffix "_2", "_3", ... (so "-g n" beside the
 * count "n" writes "n" and "n_2").  Table cells show control characters
 * as escapes (\n, \x1b).  precision is the number of decimals of
 * non-integer numbers, or -1 for the shortest decimal that reads back as
 * the same double (2.853069..., not 2.85; 46.2, not 46.200000).  Returns
 * NULL when out of memory.
 */
struct voc_writer *voc_writer_open(FILE *fp, enum voc_outfmt fmt,
    int precision, const char *const *names, size_t ncols);

/*
 * voc_writer_open with a shape: only the columns shape->fields names (by
 * output name, or 1-based number), and no header line with no_header.  A
 * field that names no column makes the writer write nothing and its
 * close a usage error that lists the columns.  shape may be NULL.
 */
struct voc_writer *voc_writer_open_shaped(FILE *fp, enum voc_outfmt fmt,
    int precision, const struct voc_writer_shape *shape,
    const char *const *names, size_t ncols);

/* Cells, left to right; a row ends after its ncols-th cell. */
void voc_writer_str(struct voc_writer *w, const char *s);
void voc_writer_int(struct voc_writer *w, long long v);
void voc_writer_num(struct voc_writer *w, double v);	/* NaN: unknown */
void voc_writer_null(struct voc_writer *w);
/* A p-value: as voc_writer_num, but never rounded to fewer than 2
 * significant digits (precision 2 writes 0.0031, not 0.00). */
void voc_writer_pvalue(struct voc_writer *w, double p);

/* Formats v as voc_writer_num does at precision into buf (VOC_NUM_ROOM
 * bytes are enough); an unknown value (NaN, infinite) gives "". */
void voc_writer_format_num(double v, int precision, char *buf, size_t size);
/* The most a number takes: at precision 15 (--precision's most), -1e308
 * is a sign, 309 digits, a point and 15 decimals; and the NUL. */
#define VOC_NUM_ROOM 328

/* Formats a p-value as voc_writer_pvalue does into buf (64 bytes): at
 * precision -1 as voc_writer_format_num; else with at least precision
 * decimals and at least 2 significant digits, in exponent form
 * ("3.1e-07") below 1e-5, where the decimals would fill a line. */
void voc_writer_format_pvalue(double p, int precision, char *buf,
    size_t size);

/*
 * A long table written in parts at once (voc_run_rows): a part is a
 * writer like w (its format, columns, encoding, line ends) that keeps
 * its rows in memory, with no header.  voc_writer_join ends part and,
 * when keep is 1 and w has not failed, appends its rows to w's output
 * and hands on its error, if any (reported by w's close).
 * voc_writer_streams says whether w's rows can be written in parts:
 * CSV, TSV and JSON Lines (a table format measures every row first),
 * with no error so far.
 * voc_writer_part returns NULL when out of memory.
 */
int voc_writer_streams(const struct voc_writer *w);
struct voc_writer *voc_writer_part(const struct voc_writer *w);
void voc_writer_join(struct voc_writer *w, struct voc_writer *part,
    int keep);
/* A part's rows a range at a time, in any order: voc_writer_part_size
 * is the bytes it holds so far (its rows are complete at a row's end),
 * 0 when out of memory; voc_writer_part_copy appends bytes [from, to)
 * of them to w's output (unless w has failed) and, with last set, hands
 * on part's error as voc_writer_join does.  Close part with
 * voc_writer_join(w, part, 0). */
size_t voc_writer_part_size(struct voc_writer *part);
void voc_writer_part_copy(struct voc_writer *w, struct voc_writer *part,
    size_t from, size_t to, int last);

/*
 * Flushes (the table format is written here, once all widths are known),
 * closes fp when close_fp is set, and checks that every byte went out.
 * Returns 0, or -1 with err filled ("write error: No space left on
 * device").  Frees w either way.
 */
int voc_writer_close(struct voc_writer *w, int close_fp,
    struct voc_error *err);

#endif
