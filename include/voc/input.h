/*
 * The input loop every program runs: open the inputs with the shared
 * options, resolve -g/-t/-w/-s (and a program's own columns through the
 * same resolution), and hand out rows that passed the time window, each
 * with its timestamp, weight and group key (group values, then period,
 * as a canonical key: include/voc/key.h).  It keeps the books
 * CONVENTIONS.md asks for in a caller's struct voc_books: rows read,
 * non-responses, rows skipped and the first skipped row's reason.  It
 * never prints: progress goes to a callback the caller installs.
 */
#ifndef VOC_INPUT_H
#define VOC_INPUT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "voc/cli.h"
#include "voc/reader.h"
#include "voc/state.h"

struct voc_input;

struct voc_record {
	const struct voc_row *row;
	double weight;		/* 1 without -w */
	int has_time;		/* with -t */
	int64_t time;		/* UTC seconds, with -t */
	int64_t period;		/* with --by */
	const char *key;	/* group key: valid until the next call */
	size_t keylen;
	size_t groupkeylen;	/* the -g values' part of key (no period) */
};

/*
 * Opens files[0..nfiles) (none: standard input) with the options in c
 * (after voc_cli_finish), for program prog (used in messages), keeping
 * its books in *books (zeroed by the caller, which owns it).  range
 * limits a single regular file to the records that start in [start,
 * end) of its bytes (NULL: all).  Returns NULL with err filled.
 */
struct voc_input_range {
	long long start, end;
	const char *name;	/* the input's name in messages, or NULL */
	int open_tail;		/* see voc_reader_opts */
	struct voc_range_share *share;	/* see voc_reader_opts; or NULL */
};
struct voc_input *voc_input_open(const struct voc_common *c, const char *prog,
    char *const *files, int nfiles, const struct voc_input_range *range,
    struct voc_books *books, struct voc_error *err);
void voc_input_close(struct voc_input *in);

/*
 * From the next record on, reads only the columns resolved so far
 * (by voc_input_open and voc_input_column): what the row step uses.
 * Call it once every column the run reads has been resolved.
 */
void voc_input_limit(struct voc_input *in);

/* Resolves a column reference (name or number) as -g and -s are. */
int voc_input_column(const struct voc_input *in, const char *ref,
    size_t *idx, struct voc_error *err);

/* The column of -s, for programs that score answers (c->scores). */
size_t voc_input_score_col(const struct voc_input *in);

/* The header name of column idx. */
const char *voc_input_colname(const struct voc_input *in, size_t idx);

/* The time window: sets *since and *until (INT64_MIN, INT64_MAX where
 * open) and returns 1 when there is one. */
int voc_input_window(const struct voc_input *in, int64_t *since,
    int64_t *until);

/* The reader underneath (for its format and columns). */
const struct voc_reader *voc_input_reader(const struct voc_input *in);

/* Calls fn(arg, rows, bytes) every 65,536 rows while reading. */
void voc_input_progress(struct voc_input *in,
    void (*fn)(void *arg, long long rows, unsigned long long bytes),
    void *arg);

/*
 * --dedupe: keep(arg, rowno, rec) is asked of every record that passed
 * the window and filters (rowno counts them from 0, the same on every
 * read of the same input); a record it refuses is counted as filtered.
 */
void voc_input_keep(struct voc_input *in,
    int (*keep)(void *arg, long long rowno, const struct voc_record *rec),
    void *arg);

/* The next row: 1, 0 at the end, -1 on an error (err filled); while
 * rows are held (voc_input_hold), 2 where the next row would move them. */
int voc_input_next(struct voc_input *in, struct voc_record *rec,
    struct voc_error *err);

/*
 * Holding rows (see voc_reader_hold): with on, the fields of rows handed
 * out stay valid until voc_input_hold(in, 0), and voc_input_next returns
 * 2 instead of moving them; the row struct and key are still reused, so
 * a holder copies them.  Returns whether rows can be held now.
 */
int voc_input_hold(struct voc_input *in, int on);

/* The leading columns of a row that hold what they read, once
 * voc_input_limit was called (the rest read as ""; SIZE_MAX: all). */
size_t voc_input_width(const struct voc_input *in);
/* Of those, the columns the run names (voc_reader_used): no step reads
 * a column that neither it nor an option named. */
uint64_t voc_input_used(const struct voc_input *in);

/* fn(arg, err) is called before any row is counted as skipped (NULL:
 * none): a holder steps the rows it holds, so that skips keep the
 * input's order.  fn returns 0, or -1 with err filled. */
void voc_input_before_skip(struct voc_input *in,
    int (*fn)(void *arg, struct voc_error *err), void *arg);

/* The physical line the last record read ended on (for a split file:
 * the lines of its part). */
long voc_input_lines(const struct voc_input *in);

/*
 * Counts row as skipped for the reason fmt (which should name the
 * column and value).  Returns 0, or -1 with the reason in err under
 * --strict.
 */
int voc_input_skip(struct voc_input *in, const struct voc_row *row,
    struct voc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same, with the kind of skip given (cls: rows of one kind are
 * counted together in the skip summary; voc_input_skip uses fmt), and
 * with a va_list. */
int voc_input_skip_as(struct voc_input *in, const struct voc_row *row,
    struct voc_error *err, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int voc_input_vskip(struct voc_input *in, const struct voc_row *row,
    struct voc_error *err, const char *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/* Counts a non-response (a blank answer). */
void voc_input_nonresponse(struct voc_input *in);

/* The key columns (groups, then the period) and their names. */
size_t voc_input_nkeys(const struct voc_input *in);
const char *voc_input_key_name(const struct voc_input *in, size_t i);

#endif
