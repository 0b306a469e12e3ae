/*
 * The program driver: a program is a description, and voc_prog_main()
 * runs it.  The description lists the program's own options, its
 * per-key state (include/voc/table.h), a row step and a finish step; the
 * driver owns everything else: the shared options, opening the input,
 * the row loop, skip accounting, both cores on one large file,
 * --state-out and --merge, the skip line and the exit status.
 *
 *   read rows -> row step into per-key states -> (--state-out: save)
 *             -> (--merge: load and merge) -> finish step -> write
 *
 * Two threads of one file, every shard of a GNU parallel run and a plain
 * single pass all go through the same merge, so "shards equal one pass"
 * holds by construction.
 *
 * Ownership: the program's context is the program's; the driver passes
 * it to every callback, and the row step gets it const (rows may be
 * stepped in two threads at once, each into its own table).  A row's
 * fields live until the row step returns.
 */
#ifndef VOC_PROG_H
#define VOC_PROG_H

#include <getopt.h>

#include "voc/cli.h"
#include "voc/compare.h"
#include "voc/input.h"
#include "voc/state.h"
#include "voc/table.h"
#include "voc/writer.h"

struct voc_run;

/* One option of a program's own that shapes its state, for the state
 * header: states written with other values are not merged. */
struct voc_prog_opt {
	const char *name;	/* "--scale" */
	char value[128];	/* "" when not given */
};

struct voc_prog {
	const char *name;
	const char *synopsis;	/* the usage lines after "usage: NAME " */
	const char *help;	/* what the program does and its own options */
	const struct option *options;	/* own long options, zero-terminated */
	const char *shortopts;	/* own short options, for getopt */
	/* The option families the program takes (voc_common's scores,
	 * users, amounts, texts) are set in c before voc_prog_main. */

	/* 1 when the table is keyed by the -g values (and period), so
	 * --total can add their all-groups rows (voc_run_add_totals). */
	int group_keyed;

	const struct voc_state_ops *state;
	/* The size of one state (may depend on options). */
	size_t (*state_size)(const void *ctx);
	/* 1 when, with these options, states merged in any order give the
	 * same bytes (counts, not sums of reals) and name no input line,
	 * and prepare only reads the input: then a file's parts may be
	 * read by whichever thread is free, the rest of a slow thread's
	 * part by one that is done.  May be NULL (never). */
	int (*any_order)(const void *ctx);

	/* One of the program's own options: 0, or -1 with a usage error. */
	int (*option)(void *ctx, int ch, const char *arg,
	    struct voc_error *err);
	/* After all options: checks them together; 0 or -1 (usage). */
	int (*check)(void *ctx, struct voc_common *c, struct voc_error *err);
	/* Fills up to 16 options of its own that shape the state; returns
	 * their number.  May be NULL. */
	size_t (*state_opts)(const void *ctx, struct voc_prog_opt *o);
	/* Once the input is open: resolves the program's own columns.  May
	 * be NULL. */
	int (*prepare)(void *ctx, const struct voc_input *in,
	    struct voc_error *err);
	/* One row into the run's states: 0, or -1 with err filled (a row
	 * error under --strict, out of memory). */
	int (*row)(const void *ctx, struct voc_run *run,
	    const struct voc_record *rec, struct voc_error *err);
	/* After reading or merging: roll up, fit, write the table with
	 * voc_run_writer.  0, or -1 with err filled. */
	int (*finish)(void *ctx, struct voc_run *run, struct voc_error *err);
};

/*
 * Runs program p with context ctx and its shared options in c (which
 * voc_prog_main fills with defaults first, keeping the family flags).
 * Returns the exit status: 0, 1 (data, input or output error) or 2
 * (usage error).
 */
int voc_prog_main(const struct voc_prog *p, void *ctx, struct voc_common *c,
    int argc, char **argv);

/* The run's per-key state table. */
struct voc_table *voc_run_table(struct voc_run *run);

/* The state for key, made when new; NULL when out of memory. */
void *voc_run_state(struct voc_run *run, const char *key, size_t keylen);

/* The shared options. */
const struct voc_common *voc_run_common(const struct voc_run *run);

/* Counts a row as skipped (see voc_input_skip) or as a non-response.
 * Only from the row step. */
int voc_run_skip(struct voc_run *run, const struct voc_row *row,
    struct voc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void voc_run_nonresponse(struct voc_run *run);
/* voc_run_skip with the kind of skip named (see voc_input_skip_as). */
int voc_run_skip_as(struct voc_run *run, const struct voc_row *row,
    struct voc_error *err, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The books of the whole run (after reading or merging). */
struct voc_books *voc_run_books(struct voc_run *run);

/*
 * With --total: adds to the table, for each period, the merge of every
 * group's state under a key whose group values are "total" parts (they
 * sort last and print as "(total)").  A finish step calls it where its
 * own roll-ups are done.  0, or -1 when out of memory.
 */
int voc_run_add_totals(struct voc_run *run);

/* The key columns' names: the -g columns, then the --by period column. */
size_t voc_run_nkeys(const struct voc_run *run);
const char *voc_run_key_name(const struct voc_run *run, size_t i);

/* Writes the parts of a group key as cells: texts as they are, numbers
 * as period labels of --by. */
void voc_run_key_write(const struct voc_run *run, struct voc_writer *w,
    const char *key, size_t keylen);

/*
 * A writer on standard output with the run's format and precision for a
 * table whose columns are the key columns followed by names[0..n).
 * NULL when out of memory.
 */
struct voc_writer *voc_run_writer(const struct voc_run *run,
    const char *const *names, size_t n);

/* The threads the run may use (-j; the cores by default). */
long voc_run_threads(const struct voc_run *run);

/*
 * Writes a row for each entry e of the run's table, in its order, with
 * row(arg, w, e, base), then closes w.  With --compare, base is the
 * state e is compared with (NULL when there is none; ops give the
 * states' "less"); without it base is NULL.  With more than one thread
 * (-j), a long table and a streamed format (CSV, TSV, JSON Lines), the
 * second half is written at the same time, by a second thread into a
 * part (voc_writer_part) appended after the first: row must only read
 * what it shares.  row returns 0, or -1 when out of memory; the rows
 * after a failing one are not written.  Returns 0, or -1 with err
 * filled (the writer's error first, else out of memory).
 */
int voc_run_rows(const struct voc_run *run, struct voc_writer *w,
    const struct voc_compare_ops *ops,
    int (*row)(void *arg, struct voc_writer *w, const struct voc_entry *e,
    const void *base), void *arg, struct voc_error *err);

#endif
