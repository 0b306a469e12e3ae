/*
 * The options every program shares (CONVENTIONS.md), parsed in one place.
 * A program lists its own options, lets voc_cli_parse() add the shared
 * ones, and hands each option getopt_long() returns to voc_cli_option()
 * before looking at it itself.
 */
#ifndef VOC_CLI_H
#define VOC_CLI_H

#include <getopt.h>

#include "voc/error.h"
#include "voc/period.h"
#include "voc/reader.h"
#include "voc/timeparse.h"
#include "voc/writer.h"

/* --compare: previous period, or every other answer of the period. */
enum voc_compare_mode {
	VOC_COMPARE_NONE = 0,
	VOC_COMPARE_PREVIOUS,
	VOC_COMPARE_OVERALL
};

struct voc_common {
	struct voc_reader_opts rd;
	const char *group_by;		/* -g */
	const char *time_col;		/* -t */
	const char *weight_col;		/* -w */
	enum voc_period by;
	const char *since, *until;
	const char *last;		/* --last N UNIT */
	long long now;			/* the one "now" of relative times */
	const char *where[16];		/* --where EXPR, all must hold */
	int nwhere;
	int no_normalize;		/* --no-normalize: group values as is */
	int total;			/* --total */
	int columns;			/* --columns: list them and stop */
	const char *dedupe;		/* --dedupe COL */
	int keep_last;			/* --keep last */
	const char *tz, *input_tz;
	enum voc_date_order order;
	int out_set;
	enum voc_outfmt out;
	int precision;		/* -1: shortest exact form */
	/* --fields, --no-header-out, --excel, --output-encoding, and the
	 * terminal's width for the table format (voc_cli_finish) */
	struct voc_writer_shape shape;
	int strict;
	const char *state_out;		/* --state-out FILE */
	int merge;			/* --merge */
	long long threads;		/* -j; 0: the cores */

	/* The columns of event and order logs and of comment text, taken
	 * when the program sets users, amounts or texts. */
	int users, amounts, texts;
	const char *user_col;		/* -u */
	const char *amount_col;		/* -a */
	const char *text_col;		/* -c */

	/* The options of programs that score answers, taken when the
	 * program sets scores before voc_cli_parse(). */
	int scores;
	const char *score_col;		/* -s */
	double conf;			/* --conf */
	const char *compare_arg;	/* --compare, read by voc_cli_finish */
	enum voc_compare_mode compare;
	long long min_n;		/* --min-n */
	int proportions;		/* --proportions */
};

/* Long-only option codes; a program's own start at VOC_OPT_PROG. */
enum {
	VOC_OPT_BY = 256,
	VOC_OPT_COLUMNS,
	VOC_OPT_COMPARE,
	VOC_OPT_CONF,
	VOC_OPT_CSV,
	VOC_OPT_DATE_ORDER,
	VOC_OPT_DEDUPE,
	VOC_OPT_ENCODING,
	VOC_OPT_EXCEL,
	VOC_OPT_FIELDS,
	VOC_OPT_INPUT_TZ,
	VOC_OPT_JSONL,
	VOC_OPT_KEEP,
	VOC_OPT_LAST,
	VOC_OPT_MERGE,
	VOC_OPT_MIN_N,
	VOC_OPT_NO_NORMALIZE,
	VOC_OPT_NO_HEADER,
	VOC_OPT_NO_HEADER_OUT,
	VOC_OPT_OUTPUT_ENCODING,
	VOC_OPT_PRECISION,
	VOC_OPT_PROPORTIONS,
	VOC_OPT_SINCE,
	VOC_OPT_SKIP_ROWS,
	VOC_OPT_STATE_OUT,
	VOC_OPT_STRICT,
	VOC_OPT_TOTAL,
	VOC_OPT_TSV,
	VOC_OPT_TZ,
	VOC_OPT_UNTIL,
	VOC_OPT_VERSION,
	VOC_OPT_WHERE,
	VOC_OPT_PROG = 512
};

/* The shared short options, for getopt_long's optstring. */
#define VOC_CLI_SHORT "d:g:hj:o:t:w:"

#define VOC_VERSION "0.1.0"

/* Fills c with the defaults. */
void voc_cli_defaults(struct voc_common *c);

/* What voc_cli_parse() found. */
enum voc_cli_result {
	VOC_CLI_RUN = 0,	/* options read: go on */
	VOC_CLI_HELP,		/* -h or --help was given */
	VOC_CLI_VERSION,	/* --version was given */
	VOC_CLI_ERROR = -1	/* a usage error, in err */
};

/*
 * Reads argv with getopt_long: the shared options into c, the program's
 * own (own, with short letters shortopts) through option(ctx, ch, arg,
 * err), which returns 0 or -1 with a usage error.  On VOC_CLI_RUN,
 * optind is the first operand.  Prints nothing: an unknown option is a
 * usage error too.
 */
enum voc_cli_result voc_cli_parse(int argc, char **argv,
    const struct option *own, const char *shortopts, struct voc_common *c,
    int (*option)(void *ctx, int ch, const char *arg, struct voc_error *err),
    void *ctx, struct voc_error *err);

/*
 * Takes option opt with argument arg if it is a shared one.  Returns 1
 * when it was, 0 when it is the program's (including -h and --version,
 * whose text is the program's), -1 with a usage error for a bad value.
 */
int voc_cli_option(struct voc_common *c, int opt, const char *arg,
    struct voc_error *err);

/* Checks the options together (--by needs --time, a scoring program
 * needs -s, --compare needs periods or groups, ...) and settles the
 * output format (a table on a terminal, CSV otherwise; CSV with
 * --excel) and, for the table format, the width to wrap at: COLUMNS
 * when set to a number, else the terminal's when standard output is
 * one, else none. */
int voc_cli_finish(struct voc_common *c, struct voc_error *err);

/* A whole number in [min, max] named what in messages; 0 or -1 (usage). */
int voc_cli_integer(const char *s, long long min, long long max,
    const char *what, long long *out, struct voc_error *err);

/* A finite number in (lo, hi) exclusive; 0 or -1 (usage). */
int voc_cli_real(const char *s, double lo, double hi, const char *what,
    double *out, struct voc_error *err);

/*
 * Prints err as "prog: message" (with a pointer to --help for usage
 * errors) and returns the exit status it calls for.
 */
int voc_cli_fail(const char *prog, const struct voc_error *err);

/* The shared options' lines for a program's --help text, and those of
 * the scoring options but -s. */
extern const char voc_cli_help[];
extern const char voc_cli_help_scores[];
/* The lines of -u, -a and -c, for programs that take them. */
extern const char voc_cli_help_user[];
extern const char voc_cli_help_amount[];
extern const char voc_cli_help_text[];

#endif
