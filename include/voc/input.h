/*
 * The input loop every program runs: open the inputs with the shared
 * options, resolve -g/-t/-w, and hand out rows that passed the time
 * window, each with its weight and its group key (group values and
 * period).  It keeps the books CONVENTIONS.md asks for: rows read,
 * non-responses, rows skipped and the first skipped row's reason, and a
 * progress line on a terminal during long reads.
 */
#ifndef VOC_INPUT_H
#define VOC_INPUT_H

#include <stdint.h>
#include <stdio.h>

#include "voc/cli.h"
#include "voc/group.h"
#include "voc/reader.h"
#include "voc/writer.h"

struct voc_input;

struct voc_record {
	const struct voc_row *row;
	double weight;		/* 1 without -w */
	int64_t period;		/* with --by */
	const char *key;	/* group key: valid until the next call */
	size_t keylen;
};

/*
 * Opens files[0..nfiles) (none: standard input) with the options in c
 * (after voc_cli_finish), for program prog (used in messages).  Returns
 * NULL with err filled.
 */
struct voc_input *voc_input_open(const struct voc_common *c, const char *prog,
    char *const *files, int nfiles, struct voc_error *err);
void voc_input_close(struct voc_input *in);

/* The column of -s, for programs that score answers (c->scores). */
size_t voc_input_score_col(const struct voc_input *in);

/*
 * A new group table of accumulators of acc_size bytes for this input's
 * keys.  Without -g or --by there is one group, created here so that an
 * input with no rows still reports n = 0.  NULL when out of memory.
 */
struct voc_group *voc_input_group_table(const struct voc_input *in,
    size_t acc_size);

/* The header name of column idx. */
const char *voc_input_colname(const struct voc_input *in, size_t idx);

/* The next row: 1, 0 at the end, -1 on an error (err filled). */
int voc_input_next(struct voc_input *in, struct voc_record *rec,
    struct voc_error *err);

/*
 * Counts rec's row as skipped for the reason fmt (which should name the
 * column and value).  Returns 0, or -1 with the reason in err under
 * --strict.
 */
int voc_input_skip(struct voc_input *in, const struct voc_row *row,
    struct voc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Counts a non-response (a blank answer). */
void voc_input_nonresponse(struct voc_input *in);

/*
 * Prints "prog: skipped N of M rows (first: ...)" when any were.  Returns
 * 1 when every row read was skipped, which programs treat as a data error
 * (exit 1): nothing could be counted, so the table is not a result.
 */
int voc_input_report(const struct voc_input *in, FILE *fp);

/* The key columns (groups, then the period), their names, and a writer
 * call per column for one key. */
size_t voc_input_nkeys(const struct voc_input *in);
const char *voc_input_key_name(const struct voc_input *in, size_t i);
void voc_input_key_write(const struct voc_input *in, struct voc_writer *w,
    const char *key, size_t keylen);

/* Orders group entries by group values (numerically where both are
 * numbers), then period: a comparator for voc_group_sort. */
int voc_input_key_cmp(const void *a, const void *b);

/* The period of a key, and a copy of a key into buf (keylen + 16 bytes)
 * with its period replaced, or (groups 0) with its group values cleared.
 * Returns the new length. */
int64_t voc_input_key_period(const char *key, size_t keylen);
size_t voc_input_key_rekey(const struct voc_input *in, const char *key,
    size_t keylen, int groups, int64_t period, char *buf);

#endif
