/*
 * State files: what `--state-out` writes and `--merge` reads, the one
 * mechanism behind both cores, shards and many hosts.
 *
 * A state stream is JSON Lines, one shard after another.  Each shard
 * opens with a header line
 *
 *   {"vockit-state":1,"prog":"nps-score","state":"nps","version":1,
 *    "options":{"-s":"score","-g":"segment",...},"names":["segment"],
 *    "rows":1000,"nonresponse":3,"skipped":2,
 *    "first_skip":{"file":"a.csv","line":17,"why":"..."}}
 *
 * followed by one line per key, in the keys' total order:
 *
 *   {"k":["web",660],"s":[0,1,0,...]}
 *
 * where "k" holds the key's parts (texts as strings, numbers as
 * integers) and "s" the state's values as the program's save wrote them
 * (doubles in the shortest form that reads back exactly).  Merging is
 * commutative and associative, so a reader takes lines in any order and
 * interleaving: `cat` of states, or Hadoop Streaming's shuffle, which
 * sorts lines and may deliver a header after key lines.
 *
 * Row fields of a state stream are read with jansson, the one parser of
 * JSON the project trusts with untrusted input.
 */
#ifndef VOC_STATE_H
#define VOC_STATE_H

#include <stdint.h>
#include <stdio.h>

#include "voc/error.h"
#include "voc/table.h"

/* A kind of skipped row: how many, and the first of them. */
#define VOC_BOOKS_REASONS 5
struct voc_reason {
	char cls[128];		/* what makes rows of one kind (a format) */
	long long n;
	char file[256];
	long line;
	char why[400];
};

/* The books of a run: every row read is counted here as a result, a
 * non-response or a skip.  first_* describe the first skipped row;
 * reason[] the first VOC_BOOKS_REASONS kinds of skipped rows. */
struct voc_books {
	long long rows, nonresp, skipped;
	long long filtered;		/* outside --since/--until: not read */
	int has_time;			/* tmin, tmax: the instants seen */
	int64_t tmin, tmax;
	char first_file[256];
	long first_line;
	char first_why[900];
	struct voc_reason reason[VOC_BOOKS_REASONS];
	int nreason;
};

/* Counts n skipped rows of kind cls, the first at file:line ("" and 0
 * when no one row stands for them) for reason why; the first overall and
 * the first of each kind are kept. */
void voc_books_skip(struct voc_books *b, const char *cls, const char *file,
    long line, const char *why, long long n);

/* Adds b's counts into a; a's first skip stays when it has one, else
 * b's is taken, its line moved on by line_offset (the lines of a file
 * before b's part of it; 0 for other files). */
void voc_books_add(struct voc_books *a, const struct voc_books *b,
    long line_offset);

/* What a shard's header must carry to be merged with this run. */
struct voc_state_hdr {
	const char *prog;
	const struct voc_state_ops *ops;
	const char *const *opt_names;	/* options that shape the state */
	const char *const *opt_values;	/* "" for an option not given */
	size_t nopts;
	const char *const *names;	/* names of the key columns */
	size_t nnames;
};

/* Encoder of a state's values (save). */
struct voc_enc;
int voc_enc_int(struct voc_enc *e, long long v);
int voc_enc_num(struct voc_enc *e, double v);	/* NaN: null */
int voc_enc_str(struct voc_enc *e, const char *s, size_t len);

/* Decoder of a state's values (load), in the order they were saved.
 * Each returns 0, or -1 with a data error when the next value is missing
 * or of another kind. */
struct voc_dec;
int voc_dec_int(struct voc_dec *d, long long *v, struct voc_error *err);
/* A count: a whole number from 0 to 2^53 (no run counts more rows), so
 * that adding counts of merged states cannot overflow. */
int voc_dec_count(struct voc_dec *d, long long *v, struct voc_error *err);
int voc_dec_num(struct voc_dec *d, double *v, struct voc_error *err);
/* s is valid until the state's load returns. */
int voc_dec_str(struct voc_dec *d, const char **s, size_t *len,
    struct voc_error *err);
/* Values not read yet. */
size_t voc_dec_left(const struct voc_dec *d);
/* Whether a next value is there and is a number (or null): for optional
 * numbers before a string. */
int voc_dec_next_is_num(const struct voc_dec *d);

/*
 * Writes one shard to fp: h's header with books, then t's entries in key
 * order (t is sorted here).  Returns 0, or -1 with err filled (out of
 * memory; write errors are found when fp is closed).
 */
int voc_state_write(FILE *fp, const struct voc_state_hdr *h,
    const struct voc_books *books, struct voc_table *t,
    struct voc_error *err);

/* What voc_state_read has seen so far, across calls. */
struct voc_state_seen {
	long headers;			/* shard headers read */
	char **names;			/* key column names of the first */
	size_t nnames;
};

void voc_state_seen_free(struct voc_state_seen *s);

/*
 * Reads the state stream at path ("-": standard input; gzip is read
 * too), merging every key line into t and every header's books into
 * books.  A header from another program, state version or options is a
 * usage error naming what differs; a line that is not part of a state
 * stream is a data error naming the file and line.  Returns 0 or -1.
 */
int voc_state_read(const char *path, const struct voc_state_hdr *h,
    struct voc_table *t, struct voc_books *books,
    struct voc_state_seen *seen, struct voc_error *err);

#endif
