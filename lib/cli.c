/*
 * The shared options (see include/voc/cli.h).  Numbers go through
 * strtonum-style checked helpers: a value out of range or with trailing
 * junk is a usage error naming the option.
 */
#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "voc/cli.h"
#include "voc/compare.h"
#include "voc/text.h"

static const struct option shared[] = {
	{"by", required_argument, NULL, VOC_OPT_BY},
	{"columns", no_argument, NULL, VOC_OPT_COLUMNS},
	{"csv", no_argument, NULL, VOC_OPT_CSV},
	{"date-order", required_argument, NULL, VOC_OPT_DATE_ORDER},
	{"dedupe", required_argument, NULL, VOC_OPT_DEDUPE},
	{"delimiter", required_argument, NULL, 'd'},
	{"encoding", required_argument, NULL, VOC_OPT_ENCODING},
	{"excel", no_argument, NULL, VOC_OPT_EXCEL},
	{"fields", required_argument, NULL, VOC_OPT_FIELDS},
	{"group-by", required_argument, NULL, 'g'},
	{"help", no_argument, NULL, 'h'},
	{"input-tz", required_argument, NULL, VOC_OPT_INPUT_TZ},
	{"jsonl", no_argument, NULL, VOC_OPT_JSONL},
	{"keep", required_argument, NULL, VOC_OPT_KEEP},
	{"last", required_argument, NULL, VOC_OPT_LAST},
	{"merge", no_argument, NULL, VOC_OPT_MERGE},
	{"no-header", no_argument, NULL, VOC_OPT_NO_HEADER},
	{"no-header-out", no_argument, NULL, VOC_OPT_NO_HEADER_OUT},
	{"no-normalize", no_argument, NULL, VOC_OPT_NO_NORMALIZE},
	{"output", required_argument, NULL, 'o'},
	{"output-encoding", required_argument, NULL, VOC_OPT_OUTPUT_ENCODING},
	{"precision", required_argument, NULL, VOC_OPT_PRECISION},
	{"since", required_argument, NULL, VOC_OPT_SINCE},
	{"skip-rows", required_argument, NULL, VOC_OPT_SKIP_ROWS},
	{"state-out", required_argument, NULL, VOC_OPT_STATE_OUT},
	{"strict", no_argument, NULL, VOC_OPT_STRICT},
	{"threads", required_argument, NULL, 'j'},
	{"time", required_argument, NULL, 't'},
	{"total", no_argument, NULL, VOC_OPT_TOTAL},
	{"tsv", no_argument, NULL, VOC_OPT_TSV},
	{"tz", required_argument, NULL, VOC_OPT_TZ},
	{"until", required_argument, NULL, VOC_OPT_UNTIL},
	{"version", no_argument, NULL, VOC_OPT_VERSION},
	{"weight", required_argument, NULL, 'w'},
	{"where", required_argument, NULL, VOC_OPT_WHERE},
	{NULL, 0, NULL, 0}
};

static const struct option user_opt[] = {
	{"user", required_argument, NULL, 'u'},
	{NULL, 0, NULL, 0}
};

static const struct option amount_opt[] = {
	{"amount", required_argument, NULL, 'a'},
	{NULL, 0, NULL, 0}
};

static const struct option text_opt[] = {
	{"text", required_argument, NULL, 'c'},
	{NULL, 0, NULL, 0}
};

static const struct option scoring[] = {
	{"compare", required_argument, NULL, VOC_OPT_COMPARE},
	{"conf", required_argument, NULL, VOC_OPT_CONF},
	{"min-n", required_argument, NULL, VOC_OPT_MIN_N},
	{"proportions", no_argument, NULL, VOC_OPT_PROPORTIONS},
	{"score", required_argument, NULL, 's'},
	{NULL, 0, NULL, 0}
};

const char voc_cli_help_scores[] =
"  --conf LEVEL             confidence level (default 0.95)\n"
"  --compare previous       each period against the previous one (needs --by)\n"
"  --compare overall        each group against all other answers (needs -g)\n"
"  --min-n N                leave scores empty for groups of fewer answers\n";

const char voc_cli_help_user[] =
"  -u, --user COL           the customer or user id column\n";
const char voc_cli_help_amount[] =
"  -a, --amount COL         the money of each order\n";
const char voc_cli_help_text[] =
"  -c, --text COL[,COL]     the free-text comment columns\n";

const char voc_cli_help[] =
"Input:\n"
"  --csv, --tsv, --jsonl    force the input format (default: detected)\n"
"  --columns                list the columns as read (number, name, blanks,\n"
"                           first values) and stop\n"
"  -d, --delimiter CHAR     CSV field delimiter (default: sniffed)\n"
"  --encoding NAME          input encoding, e.g. cp932 (default UTF-8)\n"
"  --skip-rows N            drop N rows after each header\n"
"  --no-header              no header row: columns are numbers\n"
"Rows and groups:\n"
"  -g, --group-by COLS      one result per combination of these columns\n"
"  -t, --time COL           the timestamp column\n"
"  --by PERIOD              day, week, month, quarter or year of --time\n"
"  --since DATE, --until DATE  keep rows with since <= time < until; a date,\n"
"                           a period (2024-02, 2024-W05, 2024-Q1, 2024),\n"
"                           today, yesterday, or -3m, -2w, -10d, -1y\n"
"  --last N UNIT            the last N complete periods (--last 1month)\n"
"  --tz ZONE                zone periods are cut in (default $TZ, else UTC)\n"
"  --input-tz ZONE          zone of times without an offset (default --tz)\n"
"  --date-order mdy|dmy     how to read dates such as 12/1/2010\n"
"  -w, --weight COL         survey weights\n"
"  --where EXPR             keep rows where COL=A,B  COL!=A  COL>=N  COL<N ...\n"
"                           (repeatable; dropped rows are counted as filtered)\n"
"  --no-normalize           group values as they are (default: Unicode NFKC,\n"
"                           so half-width and full-width forms are one group)\n"
"  --total                  with -g: add the all-groups line, (total)\n"
"  --dedupe COL [--keep first|last]  one row per value of COL: the first\n"
"                           (default) or last by --time; the others are\n"
"                           counted as filtered\n"
"  --strict                 the first bad row is an error\n"
"Output:\n"
"  -o, --output FORMAT      csv, tsv, jsonl, table or markdown (default: table\n"
"                           on a terminal, csv otherwise)\n"
"  --fields LIST            the output columns to keep, by name or number\n"
"  --no-header-out          no header line (for sort and join)\n"
"  --excel                  CSV for Excel: UTF-8 with a byte-order mark, CRLF,\n"
"                           text starting with = + - @ guarded with '\n"
"  --output-encoding NAME   utf-8 (default) or cp932 (sjis, shift_jis)\n"
"  --precision N            decimals of non-integer numbers (default: the\n"
"                           shortest exact form; 2 in a table)\n"
"Scale-out:\n"
"  --state-out FILE         write the mergeable state, not the table (- for\n"
"                           standard output)\n"
"  --merge                  read state files (or standard input) and merge\n"
"  -j, --threads N          threads to use (default: the cores)\n"
"  -h, --help, --version\n";

void
voc_cli_defaults(struct voc_common *c)
{
	memset(c, 0, sizeof(*c));
	c->tz = voc_tz_default_name();
	c->precision = -2;	/* unset: settled by voc_cli_finish */
	c->conf = 0.95;
}

static size_t
count(const struct option *o)
{
	size_t n = 0;

	while (o[n].name != NULL)
		n++;
	return n;
}

/* own, then the option families the program takes, then the shared
 * ones and their terminating entry. */
static struct option *
merge(const struct option *own, const struct voc_common *c)
{
	const struct option *fam[4] = {c->scores ? scoring : NULL,
	    c->users ? user_opt : NULL, c->amounts ? amount_opt : NULL,
	    c->texts ? text_opt : NULL};
	size_t n = count(own), k = 0;
	size_t m = sizeof(shared) / sizeof(shared[0]);
	struct option *o;

	for (int i = 0; i < 4; i++)
		k += fam[i] ? count(fam[i]) : 0;
	if ((o = calloc(n + k + m, sizeof(*o))) == NULL)
		return NULL;
	memcpy(o, own, n * sizeof(*o));
	for (int i = 0; i < 4; i++)
		if (fam[i] != NULL) {
			memcpy(o + n, fam[i], count(fam[i]) * sizeof(*o));
			n += count(fam[i]);
		}
	memcpy(o + n, shared, m * sizeof(*o));
	return o;
}

enum voc_cli_result
voc_cli_parse(int argc, char **argv, const struct option *own,
    const char *shortopts, struct voc_common *c,
    int (*option)(void *ctx, int ch, const char *arg, struct voc_error *err),
    void *ctx, struct voc_error *err)
{
	struct option *longopts = merge(own, c);
	char optstring[128];
	enum voc_cli_result res = VOC_CLI_RUN;
	int ch;

	if (longopts == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		return VOC_CLI_ERROR;
	}
	/* A leading ':' makes getopt report a missing argument as ':'; its
	 * own messages are off so that every message has one format. */
	snprintf(optstring, sizeof(optstring), ":%s%s%s%s%s%s", VOC_CLI_SHORT,
	    c->scores ? "s:" : "", c->users ? "u:" : "", c->amounts ? "a:" :
	    "", c->texts ? "c:" : "", shortopts);
	opterr = 0;
	while (res == VOC_CLI_RUN && (ch = getopt_long(argc, argv, optstring,
	    longopts, NULL)) != -1) {
		int r = voc_cli_option(c, ch, optarg, err);
		const char *opt = argv[optind - 1];

		if (r < 0)
			res = VOC_CLI_ERROR;
		else if (r == 1)
			continue;
		else if (ch == 'h')
			res = VOC_CLI_HELP;
		else if (ch == VOC_OPT_VERSION)
			res = VOC_CLI_VERSION;
		else if (ch == ':') {
			voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "option %s needs a value", opt);
			res = VOC_CLI_ERROR;
		} else if (ch == '?') {
			if (optopt != 0)
				voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
				    "unknown option -%c", optopt);
			else
				voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
				    "unknown option %s", opt);
			res = VOC_CLI_ERROR;
		} else if (option(ctx, ch, optarg, err) < 0)
			res = VOC_CLI_ERROR;
	}
	free(longopts);
	return res;
}

int
voc_cli_integer(const char *s, long long min, long long max, const char *what,
    long long *out, struct voc_error *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "%s must be a whole number from %lld to %lld, not \"%s\"",
		    what, min, max, s);
	*out = v;
	return 0;
}

int
voc_cli_real(const char *s, double lo, double hi, const char *what,
    double *out, struct voc_error *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) ||
	    !(v > lo && v < hi))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "%s must be a number between %g and %g, not \"%s\"",
		    what, lo, hi, s);
	*out = v;
	return 0;
}

/* --output-encoding: UTF-8, or CP932 under any of the names the input
 * side takes for it (Shift_JIS as Excel writes it in Japan is CP932). */
static int
output_encoding(struct voc_common *c, const char *arg,
    struct voc_error *err)
{
	static const char *const cp932[] = {"cp932", "sjis", "shift_jis",
	    "shift-jis", "windows-31j", "ms932", "csWindows31J"};

	if (voc_text_ieq("utf-8", arg, strlen(arg)) ||
	    voc_text_ieq("utf8", arg, strlen(arg))) {
		c->shape.encoding = NULL;
		return 0;
	}
	for (size_t i = 0; i < sizeof(cp932) / sizeof(cp932[0]); i++)
		if (voc_text_ieq(cp932[i], arg, strlen(arg))) {
			c->shape.encoding = "CP932";
			return 0;
		}
	return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
	    "--output-encoding must be utf-8 or cp932 (also named sjis, "
	    "shift_jis, windows-31j), not \"%s\"", arg);
}

/* The width to wrap a table at (see voc_cli_finish); 0: none. */
static size_t
table_width(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long v;

	if (env != NULL && *env != '\0') {
		errno = 0;
		v = strtol(env, &end, 10);
		if (*end == '\0' && errno == 0 && v > 0 && v < 100000)
			return (size_t)v;
	}
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) ==
	    0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

int
voc_cli_option(struct voc_common *c, int opt, const char *arg,
    struct voc_error *err)
{
	long long v;

	switch (opt) {
	case 'd':
		if (strcmp(arg, "\\t") == 0 || strcmp(arg, "tab") == 0)
			arg = "\t";
		if (strlen(arg) != 1 || arg[0] == '"' || arg[0] == '\n')
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--delimiter must be one character, not \"%s\"",
			    arg);
		c->rd.delim = (unsigned char)arg[0];
		if (c->rd.format != VOC_FMT_TSV)
			c->rd.format = VOC_FMT_CSV;
		return 1;
	case 'g':
		c->group_by = arg;
		return 1;
	case 'o':
		if (voc_writer_parse_format(arg, &c->out) < 0)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--output must be csv, tsv, jsonl, table or markdown, not "
			    "\"%s\"", arg);
		c->out_set = 1;
		return 1;
	case 't':
		c->time_col = arg;
		return 1;
	case 'w':
		c->weight_col = arg;
		return 1;
	case VOC_OPT_BY:
		if (voc_period_parse(arg, &c->by) < 0)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--by must be day, week, month, quarter or year, "
			    "not \"%s\"", arg);
		return 1;
	case VOC_OPT_CSV:
		c->rd.format = VOC_FMT_CSV;
		if (c->rd.delim == 0)
			c->rd.delim = ',';
		return 1;
	case VOC_OPT_TSV:
		c->rd.format = VOC_FMT_TSV;
		c->rd.delim = '\t';
		return 1;
	case VOC_OPT_JSONL:
		c->rd.format = VOC_FMT_JSONL;
		return 1;
	case VOC_OPT_DATE_ORDER:
		if (strcmp(arg, "mdy") == 0)
			c->order = VOC_DATE_MDY;
		else if (strcmp(arg, "dmy") == 0)
			c->order = VOC_DATE_DMY;
		else
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--date-order must be mdy or dmy, not \"%s\"", arg);
		return 1;
	case VOC_OPT_ENCODING:
		c->rd.encoding = arg;
		return 1;
	case VOC_OPT_INPUT_TZ:
		c->input_tz = arg;
		return 1;
	case VOC_OPT_TZ:
		c->tz = arg;
		return 1;
	case VOC_OPT_NO_HEADER:
		c->rd.no_header = 1;
		return 1;
	case VOC_OPT_PRECISION:
		if (voc_cli_integer(arg, 0, 15, "--precision", &v, err) < 0)
			return -1;
		c->precision = (int)v;
		return 1;
	case VOC_OPT_SKIP_ROWS:
		if (voc_cli_integer(arg, 0, 1000000, "--skip-rows", &v, err) <
		    0)
			return -1;
		c->rd.skip_rows = (long)v;
		return 1;
	case VOC_OPT_SINCE:
		c->since = arg;
		return 1;
	case VOC_OPT_UNTIL:
		c->until = arg;
		return 1;
	case VOC_OPT_LAST:
		c->last = arg;
		return 1;
	case VOC_OPT_WHERE:
		if (c->nwhere == 16)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "at most 16 --where tests");
		c->where[c->nwhere++] = arg;
		return 1;
	case VOC_OPT_NO_NORMALIZE:
		c->no_normalize = 1;
		return 1;
	case VOC_OPT_TOTAL:
		c->total = 1;
		return 1;
	case VOC_OPT_COLUMNS:
		c->columns = 1;
		return 1;
	case VOC_OPT_FIELDS:
		c->shape.fields = arg;
		return 1;
	case VOC_OPT_NO_HEADER_OUT:
		c->shape.no_header = 1;
		return 1;
	case VOC_OPT_EXCEL:
		c->shape.excel = 1;
		return 1;
	case VOC_OPT_OUTPUT_ENCODING:
		return output_encoding(c, arg, err) < 0 ? -1 : 1;
	case VOC_OPT_DEDUPE:
		c->dedupe = arg;
		return 1;
	case VOC_OPT_KEEP:
		if (strcmp(arg, "first") != 0 && strcmp(arg, "last") != 0)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--keep must be first or last, not \"%s\"", arg);
		c->keep_last = strcmp(arg, "last") == 0;
		return 1;
	case VOC_OPT_STRICT:
		c->strict = 1;
		return 1;
	case VOC_OPT_STATE_OUT:
		c->state_out = arg;
		return 1;
	case VOC_OPT_MERGE:
		c->merge = 1;
		return 1;
	case 'j':
		return voc_cli_integer(arg, 1, 256, "--threads", &c->threads,
		    err) < 0 ? -1 : 1;
	case 'u':
		if (!c->users)
			return 0;
		c->user_col = arg;
		return 1;
	case 'a':
		if (!c->amounts)
			return 0;
		c->amount_col = arg;
		return 1;
	case 'c':
		if (!c->texts)
			return 0;
		c->text_col = arg;
		return 1;
	default:
		break;
	}
	if (!c->scores)
		return 0;
	switch (opt) {
	case 's':
		c->score_col = arg;
		return 1;
	case VOC_OPT_COMPARE:
		c->compare_arg = arg;
		return 1;
	case VOC_OPT_CONF:
		return voc_cli_real(arg, 0, 1, "--conf", &c->conf, err) < 0 ?
		    -1 : 1;
	case VOC_OPT_MIN_N:
		return voc_cli_integer(arg, 0, 1000000000, "--min-n",
		    &c->min_n, err) < 0 ? -1 : 1;
	case VOC_OPT_PROPORTIONS:
		c->proportions = 1;
		return 1;
	default:
		return 0;
	}
}

int
voc_cli_finish(struct voc_common *c, struct voc_error *err)
{
	if (c->by != VOC_BY_NONE && c->time_col == NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--by needs the timestamp column: add -t COL");
	if ((c->since || c->until || c->last) && c->time_col == NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--since, --until and --last need the timestamp column: add "
		    "-t COL");
	if (c->dedupe && c->time_col == NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--dedupe keeps the first or last answer by time: add -t "
		    "COL");
	if (c->total && c->group_by == NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--total adds the all-groups line to a grouped table: add "
		    "-g COLS");
	if (c->last && (c->since || c->until))
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--last sets both ends of the time window: give it alone, "
		    "or --since and --until");
	if (c->scores && c->score_col == NULL && !c->columns)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "the column to score is required: add -s COL");
	if (c->compare_arg != NULL && voc_compare_parse(c->compare_arg, c,
	    &c->compare, err) < 0)
		return -1;
	if (c->input_tz != NULL && c->time_col == NULL)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--input-tz says how to read the timestamp column: add -t "
		    "COL");
	if (c->input_tz == NULL)
		c->input_tz = c->tz;
	if (c->shape.excel && c->out_set && c->out != VOC_OUT_CSV &&
	    c->out != VOC_OUT_TSV)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--excel writes CSV (or TSV): drop -o, or give -o csv");
	if (c->shape.excel && !c->out_set)
		c->out = VOC_OUT_CSV;
	if (!c->out_set && !c->shape.excel)
		c->out = isatty(STDOUT_FILENO) ? VOC_OUT_TABLE : VOC_OUT_CSV;
	if (c->out == VOC_OUT_TABLE)
		c->shape.width = table_width();
	/* Relative times (--since -3m, --last) are read against one clock
	 * reading, whichever pass of the input reads them. */
	if (c->now == 0)
		c->now = (long long)time(NULL);
	if (c->precision == -2)
		c->precision = c->out == VOC_OUT_TABLE ? 2 : -1;
	if (c->users && c->user_col == NULL && !c->columns)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "the customer id column is required: add -u COL");
	if (c->merge && c->rd.skip_rows)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--merge reads state files, which take no input options "
		    "such as --skip-rows");
	return 0;
}

int
voc_cli_fail(const char *prog, const struct voc_error *err)
{
	voc_error_print(prog, err, stderr);
	if (err->kind == VOC_ERR_USAGE)
		fprintf(stderr, "Try '%s --help'.\n", prog);
	return voc_error_status(err);
}
