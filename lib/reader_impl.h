/*
 * The reader's insides, shared by its files and by nothing else:
 * lib/reader_source.c (bytes in: files, pipes, gzip, iconv, lines),
 * lib/reader.c (format and header detection, the public API),
 * lib/reader_csv.c (CSV through the fast paths and libcsv),
 * lib/reader_tsv.c (IANA TSV) and lib/reader_json.c (JSON Lines through
 * the tree-free scanner and jansson).  The voc_rd_ functions are
 * internal to the reader; struct voc_reader is opaque everywhere else.
 */
#ifndef VOC_READER_IMPL_H
#define VOC_READER_IMPL_H

#include <iconv.h>
#include <stddef.h>
#include <stdint.h>

#include <csv.h>
#include <zlib.h>
#ifdef VOC_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "voc/jsonscan.h"
#include "voc/scan.h"
#include "voc/reader.h"

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
	int may_block;			/* fd is not a regular file */
	char *zin;			/* bytes read, not yet used */
	z_stream zs;			/* next_in, avail_in: those bytes */
	int zs_ready, member_done, fd_eof;
	iconv_t cd;
	char *raw;			/* undecoded bytes, with iconv only */
	size_t rawlen, rawcap;
	int auto_utf16;			/* iconv set up by a UTF-16 BOM */
	int eof;			/* the open input has no more bytes */
	int was_gzip;
#ifdef VOC_HAVE_ISAL
	struct inflate_state *isal;	/* ISA-L's inflate, or NULL: zlib */
#endif
	struct inflater *inflater;	/* the inflate thread, or NULL */
	int inflate_here;		/* no thread could be started */
	long long raw_off;		/* file offset of the next byte read */
	int cr_mode;			/* lines end at CR: 1, no: 0, -1 */
	int nul_seen;			/* a NUL byte in a line not checked */

	char *buf;			/* decoded bytes: [pos, end) unread */
	size_t cap, pos, end, scan;
	long line_no;			/* physical line of the last line read */
	unsigned long long consumed;
	unsigned long long line_start;	/* consumed at the line's start */

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

	/* CSV through the one-pass scanner (lib/scan.c). */
	struct voc_scan_field *sf;
	size_t sfcap;
	size_t need;			/* columns noted by voc_reader_use */
	uint64_t used;			/* which, when all are below 64 */
	int limit;			/* voc_reader_limit was called */
	int hold;			/* voc_reader_hold: records are held */
	long long tail;			/* open_tail: see voc_reader_tail */

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

int voc_rd_arena_add(struct voc_reader *r, const char *s, size_t len, size_t *off);
int voc_rd_csv_setup(struct voc_reader *r, struct voc_error *err);
int voc_rd_grow(void **p, size_t *cap, size_t need, size_t size);
void voc_rd_jscan_setup(struct voc_reader *r);
int voc_rd_json_record(struct voc_reader *r, struct voc_row *row, int names, struct voc_error *err);
int voc_rd_next_line(struct voc_reader *r, char **line, size_t *len, struct voc_error *err);
int voc_rd_oom(struct voc_error *err);
int voc_rd_out_room(struct voc_reader *r, size_t n);
int voc_rd_sv_record(struct voc_reader *r, struct voc_row *row, struct voc_error *err);

const char *voc_rd_iconv_name(const char *enc);
void voc_rd_close_input(struct voc_reader *r);
int voc_rd_is_utf8_name(const char *enc);
int voc_rd_open_input(struct voc_reader *r, struct voc_error *err);
int voc_rd_peek(struct voc_reader *r, size_t n, struct voc_error *err);
long voc_rd_lines_in(const char *s, size_t n);
long voc_rd_more(struct voc_reader *r, struct voc_error *err);
int voc_rd_decide_cr(struct voc_reader *r, struct voc_error *err);

int voc_rd_tsv_record(struct voc_reader *r, struct voc_row *row, struct voc_error *err);
int voc_rd_split_line(struct voc_reader *r, char *line, size_t len, struct voc_row *row);
int voc_rd_blank(const char *s, size_t len);

#endif
