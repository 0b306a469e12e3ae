/*
 * The reader: the one module that knows about libcsv, jansson, zlib and
 * iconv.  It turns files or standard input in any of the formats
 * CONVENTIONS.md lists into a header and a stream of rows, one at a time,
 * in memory that does not grow with the number of rows.
 */
#ifndef VOC_READER_H
#define VOC_READER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "voc/error.h"

enum voc_format {
	VOC_FMT_AUTO = 0,
	VOC_FMT_CSV,
	VOC_FMT_TSV,
	VOC_FMT_JSONL
};

struct voc_reader_opts {
	enum voc_format format;	/* VOC_FMT_AUTO: detect from the content */
	int delim;		/* 0: sniff from the header (CSV only) */
	const char *encoding;	/* NULL or "utf-8": no conversion */
	long skip_rows;		/* records dropped after each header */
	int no_header;		/* the first record is data */
	int libcsv_only;	/* tests: no fast paths, libcsv reads all */
	int zlib_only;		/* tests: zlib inflates, not ISA-L */
	/* A byte range of a single plain file: records that start in
	 * [range_start, range_end) (range_start at a line start; 0 and 0:
	 * the whole input).  The header is read from the file's start. */
	long long range_start, range_end;
	/* The name messages give the input (NULL: its path, or "stdin"):
	 * a part of standard input spooled to a file is still "stdin". */
	const char *name;
	/* CSV: a quoted field still open at the end of the input is not an
	 * error but where reading stops; voc_reader_tail() tells where the
	 * record began (for input read in pieces, whose last record may
	 * go on in the next piece). */
	int open_tail;
	/* With a range: its end as another thread may move it earlier, to
	 * read the rest itself (NULL: range_end stays). */
	struct voc_range_share *share;
};

/*
 * The end of a byte range that a thread done with its own part may take
 * the rest of: the range's reader reads only below end, and reserved is
 * as far as it has taken bytes, so an end moved to reserved or beyond
 * cuts nothing it read.  Both under mu.
 */
struct voc_range_share {
	pthread_mutex_t mu;
	long long end, reserved;
};

/*
 * One record.  The strings are NUL-terminated and stay valid until the
 * next call to voc_reader_next() or voc_reader_close(); a good record's
 * fields hold no NUL byte.  When error is not NULL the record is bad
 * (ragged, not a JSON object, a NUL byte in a field) and should be
 * skipped and counted; its fields are then not to be used.  Lines end at
 * LF, CR LF, or (when the input's first line break is one) a lone CR.
 */
struct voc_row {
	size_t nfields;
	const char *const *field;
	const size_t *len;
	const char *file;	/* the name to print: a path or "stdin" */
	long line;		/* physical line where the record starts */
	const char *error;
};

struct voc_reader;

/*
 * Opens the inputs (paths[0..npaths), "-" is standard input; npaths 0
 * means standard input) and reads the first header.  Returns NULL and
 * fills err on failure: a missing file, an empty input, an unknown
 * encoding (a usage error).
 */
struct voc_reader *voc_reader_open(const char *const *paths, size_t npaths,
    const struct voc_reader_opts *opts, struct voc_error *err);

/* The header: column count and names (for --no-header, "1", "2", ...). */
size_t voc_reader_ncols(const struct voc_reader *r);
const char *voc_reader_colname(const struct voc_reader *r, size_t i);

/*
 * JSON Lines: asks for the column with key path name[0..len) that the
 * first object lacks.  It becomes a column (index *idx) that is empty in
 * objects without the key; if no object of the input has it, reading
 * ends with a usage error naming it.  Returns 0, 1 when the input is not
 * JSON Lines (nothing done), -1 when out of memory.
 */
int voc_reader_want(struct voc_reader *r, const char *name, size_t len,
    size_t *idx);

/* The detected format; for CSV the delimiter. */
enum voc_format voc_reader_format(const struct voc_reader *r);
int voc_reader_delim(const struct voc_reader *r);

/*
 * Reads the next record into *row.  Returns 1 for a record, 0 at the end
 * of the last input, -1 on an error that stops reading (I/O, truncated
 * gzip, bytes after the last gzip member, invalid UTF-8, an unterminated
 * quote, a header that differs from the first file's or holds a NUL),
 * with err filled.  UTF-16 input is decoded when it has a byte-order
 * mark or, without one, when its zero bytes show it.
 */
int voc_reader_next(struct voc_reader *r, struct voc_row *row,
    struct voc_error *err);

/*
 * Notes that the caller will read column idx of the records.  After
 * voc_reader_limit, a CSV record's fields past the last column noted are
 * not split out: they read as empty strings, while nfields stays the
 * record's own count (so a ragged row is still one).  The bytes are
 * still scanned for quotes and checked as UTF-8; only the work of
 * handing the fields out is saved.  Other formats hand out every field.
 */
void voc_reader_use(struct voc_reader *r, size_t idx);
void voc_reader_limit(struct voc_reader *r);
/* The leading columns split out since voc_reader_limit (SIZE_MAX: all). */
size_t voc_reader_width(const struct voc_reader *r);
/* Since voc_reader_limit, bit i set for each column i noted (all bits
 * when one was past 63, or before the limit). */
uint64_t voc_reader_used(const struct voc_reader *r);

/*
 * Holding records: with on, the fields of the records handed out from
 * now on stay where they are until voc_reader_hold(r, 0): where the
 * next record would need the buffer moved (more input, the next file),
 * voc_reader_next returns 2 and hands out nothing; after voc_reader_hold
 * (r, 0) the same call goes on.  A record's field and len arrays are
 * still the reader's, overwritten by the next record: a holder copies
 * them.  Returns whether records can be held now (CSV read by the
 * scanner; other formats: 0, and nothing changes).
 */
int voc_reader_hold(struct voc_reader *r, int on);

/* With open_tail: the file offset where the record left open at the
 * end began, or -1 when every record was closed. */
long long voc_reader_tail(const struct voc_reader *r);

/* The physical lines read so far from the open input (for a range:
 * from its start). */
long voc_reader_lines(const struct voc_reader *r);

/* For a plain file: the offset of the first byte not read yet (after
 * the header and --skip-rows, the first data row's). */
long long voc_reader_data_start(const struct voc_reader *r);

/* 1 when the input's lines end at a lone CR (decided from its first
 * line break). */
int voc_reader_cr_lines(const struct voc_reader *r);

/* 1 when the open input is one plain file read without conversion (not
 * gzip, not decoded by iconv), so byte ranges of it can be read apart. */
int voc_reader_plain(const struct voc_reader *r);

/* Bytes of decoded input consumed so far, for progress lines. */
unsigned long long voc_reader_bytes(const struct voc_reader *r);

/* Closes all inputs and frees r.  NULL is accepted. */
void voc_reader_close(struct voc_reader *r);

#endif
