/*
 * A one-pass CSV record scanner.  It classifies a block of bytes at a time
 * (quote, delimiter, CR, LF, bytes >= 0x80) with SIMD where the CPU has it,
 * checks UTF-8 only around high bytes, and splits one RFC 4180 record into
 * fields that point into the caller's buffer: a field is copied nowhere,
 * and only a quoted field holding "" is rewritten, in place.
 *
 * Records are read exactly as libcsv reads them with the reader's setup
 * (non-strict mode, no space trimming): a quote opens a quoted field only
 * as a field's first byte; inside it "" is a quote, and a quote followed
 * by anything but a delimiter, CR, LF or the end of input is kept as an
 * ordinary byte; CR, LF or CRLF ends a record; blank lines between
 * records are no records.
 *
 * The scanner keeps no state between calls: a record that the buffer does
 * not hold whole is scanned again from its start once more bytes are in.
 */
#ifndef VOC_SCAN_H
#define VOC_SCAN_H

#include <stddef.h>

/* The block classifiers, slowest first; voc_scan_set_level picks one. */
enum voc_scan_level {
	VOC_SCAN_PORTABLE = 0,	/* plain C, any CPU */
	VOC_SCAN_SSE2 = 1,	/* every x86-64 */
	VOC_SCAN_AVX2 = 2	/* chosen at run time where the CPU has it */
};

/* Flags of voc_scan_record. */
#define VOC_SCAN_EOF	0x1	/* buf holds the rest of the input */
#define VOC_SCAN_BLANK	0x2	/* an empty line (LF or CRLF) where a
				 * record starts is a record of one empty
				 * field, not skipped */
#define VOC_SCAN_NUL	0x4	/* write a NUL after each stored field;
				 * buf[len] must then be writable */
#define VOC_SCAN_NOUTF8	0x8	/* do not check UTF-8 */
#define VOC_SCAN_ALL	0x10	/* a record of more than max_fields fields
				 * is left untouched, fields unstored (the
				 * caller makes room and scans it again) */

/* Why voc_scan_record returned -1. */
enum voc_scan_err {
	VOC_SCAN_OK = 0,
	VOC_SCAN_EUTF8,		/* invalid UTF-8 at bad_off */
	VOC_SCAN_EARG		/* delim is '"', CR, LF or not ASCII */
};

/* One field: bytes s[0..len), inside the buffer given to the scanner. */
struct voc_scan_field {
	const char *s;
	size_t len;
};

/* What voc_scan_record found besides the fields. */
struct voc_scan_rec {
	size_t nfields;		/* fields of the record, stored or not */
	size_t start;		/* offset where the record begins, after the
				 * blank lines skipped before it */
	long start_nl;		/* LFs in buf[0..start) */
	long nl;		/* LFs in buf[0..*consumed) */
	size_t line_off;	/* with a record: where the last line in
				 * buf[0..*consumed) begins, after its LF
				 * (0: no LF there), found before any field
				 * is rewritten */
	int nul;		/* the record holds a NUL byte */
	int unterminated;	/* at EOF, a quoted field never closed: its
				 * field runs to the end of the input */
	enum voc_scan_err err;	/* with a -1 return */
	size_t bad_off;		/* VOC_SCAN_EUTF8: offset of the bad byte */
};

/*
 * Scans the record at the start of buf[0..len) with delimiter delim.  The
 * first max_fields fields are stored in field[] (max_fields may be 0: the
 * record's end and its field count are still found, and fields past the
 * ones stored cost little more than finding quotes and delimiters).
 *
 * Returns 1 for a record: *consumed bytes (blank lines before it, the
 * record, its CR, LF or CRLF) are used, rec is filled, and the stored
 * fields point into buf, which the scanner has rewritten in place where a
 * stored quoted field held "" (and with VOC_SCAN_NUL, after each stored
 * field).  Bytes after *consumed are untouched, and with max_fields 0 so
 * is the record: a caller that needs every field of a record (a header)
 * can learn rec->nfields that way first, then scan it again.
 *
 * Returns 0 when buf holds no whole record: without VOC_SCAN_EOF, more
 * bytes are needed; with it, the input has ended.  *consumed is then the
 * length of the blank lines at buf's start (rec->nl their LFs), which the
 * caller may drop; buf is untouched.
 *
 * Returns -1 with rec->err set on invalid UTF-8 in the record or the
 * blank lines before it (rec->bad_off) or a bad delimiter; buf is
 * untouched.
 *
 * A record cut by the end of input (VOC_SCAN_EOF) ends there, as it does
 * for csv_fini; when a quoted field is still open, rec->unterminated is
 * set and whether that is an error is the caller's decision.
 */
int voc_scan_record(char *buf, size_t len, int delim, unsigned flags,
    struct voc_scan_field *field, size_t max_fields,
    struct voc_scan_rec *rec, size_t *consumed);

/*
 * The classifier in use: the best the CPU has unless voc_scan_set_level
 * chose another.
 */
enum voc_scan_level voc_scan_level(void);

/*
 * Uses level, or the best one below it that the CPU has (tests force each
 * one in turn); returns the level now in use.  Not to be called while
 * another thread scans.
 */
enum voc_scan_level voc_scan_set_level(enum voc_scan_level level);

#endif
