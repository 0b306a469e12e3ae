/*
 * csat-agg: satisfaction (CSAT) and effort (CES) scores on any rating
 * scale, per group and period: mean, top-box and bottom-box shares with
 * Wilson intervals, the distribution over the scale, and comparisons.
 * Answers may be numbers, labels ("Very satisfied", とても満足) or
 * Zendesk's good/bad ratings.  Options and plumbing only: reading,
 * grouping, labels, statistics and output are the library's.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voc/cli.h"
#include "voc/compare.h"
#include "voc/prog.h"
#include "voc/labels.h"
#include "voc/stats.h"
#include "voc/text.h"
#include "voc/writer.h"

#define PROG "csat-agg"
#define MAX_POINTS 101

enum {
	OPT_BOTTOM = VOC_OPT_PROG,
	OPT_DIST,
	OPT_LABELS,
	OPT_SCALE,
	OPT_TOP
};

/* What the column holds: decided at the end from all its answers, so
 * that neither the order of rows nor how the input was cut matters. */
enum mode {
	MODE_SCALE = 0,
	MODE_BINARY
};

struct opts {
	struct voc_common c;	/* with the scoring options */
	int lo, hi;
	long long top, bottom;
	const char *labels_arg;
	struct voc_labels *labels;
	int dist;
	size_t col;		/* resolved by prepare */
	const char *colname;
	enum mode mode;		/* settled by finish */
};

#define SAMPLE 24

/*
 * A group's state.  Answers of both kinds are kept apart until the end:
 * r and dist for ratings on the scale, b and bin (bad, good) for
 * good/bad ratings.  sample[k] is the least answer (by bytes) of kind k,
 * to name in messages: a minimum merges alike in any order.
 */
struct acc {
	struct voc_rating r, b;
	long long nonresp;
	long long bin[2];
	char sample[2][SAMPLE];
	struct word *words;	/* nwords, made at the first answer word */
	long long dist[];	/* npoints counts */
};

/*
 * Answers that are words of the built-in wordings whose points depend on
 * the wording (Good is 3 of Excellent ... Poor, 4 of Very good ... Very
 * poor, and Zendesk's good): counted per word until the finish step
 * knows the column's wording.  A group's words are made when its first
 * answer word comes (2 KB: a column of numbers should not cost that for
 * each of a million groups), and freed with the group.
 */
struct word {
	struct voc_weights r;	/* at point 0: counts and weights only */
};



static size_t
npoints(const struct opts *o)
{
	return (size_t)(o->hi - o->lo + 1);
}

/* a's words, made (zeroed) when it has none: NULL when out of
 * memory. */
static struct word *
words_made(struct acc *a)
{
	if (a->words == NULL)
		a->words = calloc((size_t)voc_labels_nwords(),
		    sizeof(*a->words));
	return a->words;
}

static void
acc_fini(void *st, const void *cfg)
{
	(void)cfg;
	free(((struct acc *)st)->words);
}

static size_t
state_size(const void *ctx)
{
	return sizeof(struct acc) + npoints(ctx) * sizeof(long long);
}

static const char synopsis[] =
    "-s COL [--scale LO-HI] [--top N] [--bottom N] [--labels SPEC] "
    "[--dist]\n"
    "                [-g COLS] [-t COL [--by PERIOD]] [-w COL] "
    "[--compare previous | overall]\n"
    "                [OPTIONS] [FILE ...]";

static const char help_text[] =
    "Satisfaction (CSAT) or effort (CES) scores of the ratings in column "
    "COL.\n\n"
    "  -s, --score COL          the rating column\n"
    "  --scale LO-HI            the rating scale (default 1-5; 1-7 for "
    "CES)\n"
    "  --top N, --bottom N      top-N and bottom-N boxes (default 2; 3 on "
    "7 points)\n"
    "  --labels SPEC            answer words to points: 'Very good=5,"
    "Good=4,...'\n"
    "  --dist                   one count column per scale point\n"
    "  --proportions            shares as proportions (0..1), not "
    "percentages\n";

static int
parse_scale(const char *s, struct opts *o, struct voc_error *err)
{
	char *end;
	long lo = strtol(s, &end, 10), hi = -1;

	if (end != s && *end == '-' && end[1] >= '0' && end[1] <= '9')
		hi = strtol(end + 1, &end, 10);
	if (*end != '\0' || lo < 0 || hi <= lo || hi > 1000 ||
	    hi - lo + 1 > MAX_POINTS)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--scale must be LO-HI with 0 <= LO < HI and at most %d "
		    "points, such as 1-5 or 0-10, not \"%s\"", MAX_POINTS, s);
	o->lo = (int)lo;
	o->hi = (int)hi;
	return 0;
}

/* Takes one of csat-agg's own options (voc_cli_parse's callback). */
static int
option(void *ctx, int ch, const char *arg, struct voc_error *err)
{
	struct opts *o = ctx;

	switch (ch) {
	case OPT_BOTTOM:
		return voc_cli_integer(arg, 1, MAX_POINTS, "--bottom",
		    &o->bottom, err);
	case OPT_DIST:
		o->dist = 1;
		return 0;
	case OPT_LABELS:
		o->labels_arg = arg;
		return 0;
	case OPT_SCALE:
		return parse_scale(arg, o, err);
	case OPT_TOP:
		return voc_cli_integer(arg, 1, MAX_POINTS, "--top", &o->top,
		    err);
	}
	return 0;
}

static int
check(void *ctx, struct voc_common *c, struct voc_error *err)
{
	struct opts *o = ctx;
	int points = o->hi - o->lo + 1, box = points == 7 ? 3 : 2;

	/* The column as -s named it, until prepare finds its header name
	 * (with --merge no input is read: messages name it so). */
	o->colname = c->score_col;
	if (o->top == 0)
		o->top = box;
	if (o->bottom == 0)
		o->bottom = box;
	if (o->top >= points || o->bottom >= points)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--top and --bottom must be smaller than the %d points of "
		    "the %d-%d scale", points, o->lo, o->hi);
	if (o->top + o->bottom > points)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--top %lld and --bottom %lld overlap on the %d points of "
		    "the %d-%d scale", o->top, o->bottom, points, o->lo, o->hi);
	if ((o->labels = voc_labels_parse(o->labels_arg, err)) == NULL)
		return -1;
	/* The spec parsed, so each '=' is followed by a number. */
	for (const char *p = o->labels_arg; p && (p = strchr(p, '=')); p++) {
		long v = strtol(p + 1, NULL, 10);
		if (v < o->lo || v > o->hi)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--labels maps to %ld, outside the %d-%d scale",
			    v, o->lo, o->hi);
	}
	return 0;
}

/* The options that shape the state: states made with others differ. */
static size_t
state_opts(const void *ctx, struct voc_prog_opt *p)
{
	const struct opts *o = ctx;

	p[0].name = "--scale";
	snprintf(p[0].value, sizeof(p[0].value), "%d-%d", o->lo, o->hi);
	p[1].name = "--top";
	snprintf(p[1].value, sizeof(p[1].value), "%lld", o->top);
	p[2].name = "--bottom";
	snprintf(p[2].value, sizeof(p[2].value), "%lld", o->bottom);
	p[3].name = "--labels";
	snprintf(p[3].value, sizeof(p[3].value), "%s",
	    o->labels_arg ? o->labels_arg : "");
	return 4;
}

static int
prepare(void *ctx, const struct voc_input *in, struct voc_error *err)
{
	struct opts *o = ctx;

	(void)err;
	o->col = voc_input_score_col(in);
	o->colname = voc_input_colname(in, o->col);
	return 0;
}

/*
 * Classifies one answer, trying in turn: blank (a non-response), the
 * user's --labels, a number, the words of the built-in wordings (1 with
 * *word set: their point waits for the column's wording), Zendesk's
 * bad / offered / unoffered.  Returns 0 with *kind and *point set (for
 * good/bad, 1 and 0), 1 for a word, -1 for a non-response, -2 for a bad
 * answer with a reason in why.
 */
static int
classify(const struct opts *o, const char *s, size_t len, enum mode *kind,
    int *point, int *word, char *why, size_t whysize)
{
	enum voc_binary b = VOC_BINARY_NONE;
	int rc = voc_text_scale_number(s, len, point);

	if (rc == -1)
		return -1;
	if (voc_labels_find(o->labels, 0, s, len, point) == 0)
		rc = 1;
	else if (rc == -2 && (*word = voc_labels_word(s, len)) >= 0) {
		*kind = MODE_SCALE;
		return 1;
	} else if (rc == -2 && (b = voc_labels_binary(s, len)) ==
	    VOC_BINARY_NONE) {
		snprintf(why, whysize, "is not a rating on the %d-%d scale nor "
		    "a known label (map it with --labels)", o->lo, o->hi);
		return -2;
	}
	*kind = b != VOC_BINARY_NONE ? MODE_BINARY : MODE_SCALE;
	if (*kind == MODE_BINARY) {
		if (b == VOC_BINARY_NOANSWER)
			return -1;
		*point = b == VOC_BINARY_GOOD;
		return 0;
	}
	if (*point < o->lo || *point > o->hi) {
		snprintf(why, whysize, "is outside the %d-%d scale%s", o->lo,
		    o->hi, rc == 0 ? "" : " (the point its label maps to)");
		return -2;
	}
	return 0;
}

/* Keeps the least of the samples: "" is none yet. */
static void
sample_min(char *dst, const char *s, size_t len)
{
	char tmp[SAMPLE];

	if (len >= SAMPLE)
		len = SAMPLE - 1;
	memcpy(tmp, s, len);
	len = voc_text_utf8_cut(tmp, len);
	if (dst[0] == '\0' || strcmp(tmp, dst) < 0)
		memcpy(dst, tmp, len + 1);
}

static int
row_step(const void *ctx, struct voc_run *run, const struct voc_record *rec,
    struct voc_error *err)
{
	const struct opts *o = ctx;
	const struct voc_row *row = rec->row;
	const char *s = row->field[o->col];
	size_t len = row->len[o->col];
	enum mode kind;
	int point, c, word = -1;
	char why[200];
	struct acc *a;

	if ((c = classify(o, s, len, &kind, &point, &word, why,
	    sizeof(why))) == -2)
		return voc_run_skip_as(run, row, err, strncmp(why, "is outside",
		    10) == 0 ? "outside the scale" : "not a rating",
		    "column \"%s\": \"%s\" %s", o->colname, s, why);
	if ((a = voc_run_state(run, rec->key, rec->keylen)) == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	if (c == -1) {
		voc_run_nonresponse(run);
		a->nonresp++;
		return 0;
	}
	voc_text_trim(&s, &len);
	if (c == 1) {
		if (words_made(a) == NULL)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		voc_weights_add(&a->words[word].r, rec->weight);
		return 0;
	}
	sample_min(a->sample[kind], s, len);
	if (kind == MODE_BINARY) {
		voc_rating_add(&a->b, point, rec->weight, point == 1,
		    point == 0);
		a->bin[point]++;
	} else {
		voc_rating_add(&a->r, point, rec->weight,
		    point > o->hi - o->top, point < o->lo + o->bottom);
		a->dist[point - o->lo]++;
	}
	return 0;
}

/* ---- the per-key state ---- */

static int
acc_merge(void *dst, const void *src, const void *cfg)
{
	struct acc *a = dst;
	const struct acc *b = src;

	voc_rating_merge(&a->r, &b->r);
	voc_rating_merge(&a->b, &b->b);
	a->nonresp += b->nonresp;
	for (int k = 0; k < 2; k++) {
		a->bin[k] += b->bin[k];
		if (b->sample[k][0] != '\0')
			sample_min(a->sample[k], b->sample[k],
			    strlen(b->sample[k]));
	}
	for (size_t i = 0; i < npoints(cfg); i++)
		a->dist[i] += b->dist[i];
	if (b->words == NULL)
		return 0;
	if (words_made(a) == NULL)
		return -1;
	for (int i = 0; i < voc_labels_nwords(); i++)
		voc_weights_merge(&a->words[i].r, &b->words[i].r);
	return 0;
}

static int
rating_save(const struct voc_rating *r, struct voc_enc *e)
{
	return voc_enc_int(e, r->n) | voc_enc_int(e, r->top_n) |
	    voc_enc_int(e, r->bottom_n) | voc_enc_num(e, r->w) |
	    voc_enc_num(e, r->wx) | voc_enc_num(e, r->wx2) |
	    voc_enc_num(e, r->w2) | voc_enc_num(e, r->top_w) |
	    voc_enc_num(e, r->bottom_w);
}

static int
rating_load(struct voc_rating *r, struct voc_dec *d, struct voc_error *err)
{
	if (voc_dec_count(d, &r->n, err) < 0 ||
	    voc_dec_count(d, &r->top_n, err) < 0 ||
	    voc_dec_count(d, &r->bottom_n, err) < 0 ||
	    voc_dec_num(d, &r->w, err) < 0 || voc_dec_num(d, &r->wx, err) < 0 ||
	    voc_dec_num(d, &r->wx2, err) < 0 || voc_dec_num(d, &r->w2, err) < 0 ||
	    voc_dec_num(d, &r->top_w, err) < 0 ||
	    voc_dec_num(d, &r->bottom_w, err) < 0)
		return -1;
	r->fraction = 1;	/* its sums may be anything */
	return 0;
}

/* What rounding left out of the sums of r (lib/stats.c). */
static int
lost_save(const struct voc_rating *r, struct voc_enc *e)
{
	int rc = 0;

	for (int i = 0; i < VOC_RATING_SUMS; i++)
		rc |= voc_enc_num(e, r->lost[i]);
	return rc;
}

static int
lost_load(struct voc_rating *r, struct voc_dec *d, struct voc_error *err)
{
	for (int i = 0; i < VOC_RATING_SUMS; i++)
		if (voc_stats_lost(d, &r->lost[i], err) < 0)
			return -1;
	return 0;
}

static int
lost_any(const struct voc_rating *r)
{
	for (int i = 0; i < VOC_RATING_SUMS; i++)
		if (r->lost[i] != 0)
			return 1;
	return 0;
}

static int
acc_save(const void *st, struct voc_enc *e, const void *cfg)
{
	const struct acc *a = st;
	int rc = rating_save(&a->r, e) | rating_save(&a->b, e) |
	    voc_enc_int(e, a->nonresp);

	for (int k = 0; k < 2; k++)
		rc |= voc_enc_int(e, a->bin[k]) | voc_enc_str(e, a->sample[k],
		    strlen(a->sample[k]));
	for (size_t i = 0; i < npoints(cfg); i++)
		rc |= voc_enc_int(e, a->dist[i]);
	/* The sums' powers of two (lib/stats.c); what rounding left out of
	 * them, when anything (optional, so that older states load); then
	 * the words. */
	rc |= voc_enc_int(e, a->r.scale) | voc_enc_int(e, a->b.scale);
	if (lost_any(&a->r) || lost_any(&a->b))
		rc |= lost_save(&a->r, e) | lost_save(&a->b, e);
	/* Words as name, count and sums, only those seen: the list of
	 * wordings can grow without breaking saved states. */
	for (int i = 0; a->words != NULL && i < voc_labels_nwords(); i++) {
		const struct word *w = &a->words[i];
		const char *name = voc_labels_word_name(i);

		if (w->r.n == 0)
			continue;
		rc |= voc_enc_str(e, name, strlen(name)) |
		    voc_enc_int(e, w->r.n) | voc_enc_num(e, w->r.w) |
		    voc_enc_num(e, w->r.w2) | voc_enc_int(e, w->r.scale);
		if (w->r.w_lost != 0 || w->r.w2_lost != 0)
			rc |= voc_enc_num(e, w->r.w_lost) |
			    voc_enc_num(e, w->r.w2_lost);
	}
	return rc ? -1 : 0;
}

static int
acc_load(void *st, struct voc_dec *d, const void *cfg, struct voc_error *err)
{
	struct acc *a = st;

	if (rating_load(&a->r, d, err) < 0 || rating_load(&a->b, d, err) < 0 ||
	    voc_dec_count(d, &a->nonresp, err) < 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		const char *s;
		size_t len;

		if (voc_dec_count(d, &a->bin[k], err) < 0 ||
		    voc_dec_str(d, &s, &len, err) < 0)
			return -1;
		a->sample[k][0] = '\0';
		if (len > 0)
			sample_min(a->sample[k], s, len);
	}
	for (size_t i = 0; i < npoints(cfg); i++)
		if (voc_dec_count(d, &a->dist[i], err) < 0)
			return -1;
	long long rs = 0, bs = 0;
	if (voc_dec_int(d, &rs, err) < 0 || voc_dec_int(d, &bs, err) < 0)
		return -1;
	if (voc_stats_scale(rs, &a->r.scale, err) < 0 ||
	    voc_stats_scale(bs, &a->b.scale, err) < 0)
		return -1;
	if (voc_dec_next_is_num(d) &&
	    (lost_load(&a->r, d, err) < 0 || lost_load(&a->b, d, err) < 0))
		return -1;
	while (voc_dec_left(d) > 0) {
		const char *name;
		size_t len;
		int i;
		struct word w;
		long long ws;

		memset(&w, 0, sizeof(w));
		if (voc_dec_str(d, &name, &len, err) < 0 ||
		    voc_dec_count(d, &w.r.n, err) < 0 ||
		    voc_dec_num(d, &w.r.w, err) < 0 ||
		    voc_dec_num(d, &w.r.w2, err) < 0 ||
		    voc_dec_int(d, &ws, err) < 0)
			return -1;
		if (voc_stats_scale(ws, &w.r.scale, err) < 0)
			return -1;
		if (voc_dec_next_is_num(d) && (voc_stats_lost(d,
		    &w.r.w_lost, err) < 0 || voc_stats_lost(d, &w.r.w2_lost,
		    err) < 0))
			return -1;
		if ((i = voc_labels_word(name, len)) < 0)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "a state with the answer word \"%.*s\", which this "
			    "csat-agg does not know", (int)(len < 40 ? len : 40),
			    name);
		if (words_made(a) == NULL)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		a->words[i] = w;
	}
	return 0;
}

static void
acc_less(void *out, const void *whole, const void *part, const void *cfg)
{
	const struct opts *o = cfg;
	struct acc *x = out;
	const struct acc *a = whole, *b = part;

	voc_rating_less(&x->r, &a->r, &b->r);
	voc_rating_less(&x->b, &a->b, &b->b);
	(void)o;
}

static const struct voc_state_ops csat_state = {
	"csat", 1, NULL, acc_merge, acc_fini, acc_save, acc_load, NULL
};

/* ---- the finish step ---- */

static void
result(const struct opts *o, const struct acc *a, struct voc_rating_result *r)
{
	voc_rating_result(o->mode == MODE_BINARY ? &a->b : &a->r, o->c.conf,
	    r);
	if (o->mode == MODE_BINARY)
		r->mean = r->sd = NAN;
	if (r->n < o->c.min_n)
		r->mean = r->sd = r->top = r->bottom = r->lo = r->hi = NAN;
}

/* Adds a word's answers, at point x, into r, in the top or bottom box
 * or neither. */
static void
rating_add_word(struct voc_rating *r, const struct voc_weights *wd, int x,
    int top, int bottom)
{
	struct voc_rating t;

	voc_weights_rating(wd, &t);
	voc_rating_settle(&t);
	t.wx = x * t.w;
	t.wx2 = (double)x * x * t.w;
	t.top_n = top ? wd->n : 0;
	t.top_w = top ? t.w : 0;
	t.bottom_n = bottom ? wd->n : 0;
	t.bottom_w = bottom ? t.w : 0;
	voc_rating_merge(r, &t);
}

/* Adds rows to the books' skips, one line for their kind. */
static void
skip_wrong(const struct opts *o, struct voc_books *books, long long wrong,
    const char *sample, const char *is, const char *are, const char *holds)
{
	char why[400];

	if (wrong == 0)
		return;
	snprintf(why, sizeof(why), "column \"%s\": %lld answer%s (such as "
	    "\"%s\"), but the column holds %s", o->colname, wrong,
	    wrong == 1 ? is : are, sample, holds);
	voc_books_skip(books, holds, "", 0, why, wrong);
}

/* The error for a column whose answers are of several kinds. */
static int
mixed(const struct opts *o, const long long *n, char sample[2][SAMPLE],
    const long long *seen, int nw, struct voc_error *err)
{
	char list[300] = "";
	size_t used = 0;

	for (int k = 0; k < nw && k < 96 && used + 4 < sizeof(list); k++)
		if (seen[k] > 0) {
			int w = snprintf(list + used, sizeof(list) - used, "%s%s",
			    used ? ", " : "", voc_labels_word_name(k));
			used += w > 0 ? (size_t)w : 0;
		}
	return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "column \"%s\" mixes "
	    "kinds of answers: %lld good/bad rating%s%s%s%s, %lld rating%s on "
	    "the %d-%d scale%s%s%s%s%s; is it the column you meant, and its "
	    "scale (--scale, --labels)?", o->colname, n[MODE_BINARY],
	    n[MODE_BINARY] == 1 ? "" : "s", sample[MODE_BINARY][0] ?
	    " (such as \"" : "", sample[MODE_BINARY], sample[MODE_BINARY][0] ?
	    "\")" : "", n[MODE_SCALE], n[MODE_SCALE] == 1 ? "" : "s", o->lo,
	    o->hi, sample[MODE_SCALE][0] ? " (such as \"" : "",
	    sample[MODE_SCALE], sample[MODE_SCALE][0] ? "\")" : "",
	    list[0] ? ", and the words " : "", list);
}

/*
 * Settles what the column holds from all its answers, whatever their
 * order: good/bad ratings when bad (and good) outnumber everything else,
 * else ratings on the scale, in the wording its words fit.  The words are
 * then folded into the groups' states at their points, and answers of
 * the other kind are skipped rows.  When more than a small share of the
 * answers would be skipped so, the column is not what the options say:
 * that is an error (exit 1) naming the words seen, not a quiet table.
 */
static int
settle_mode(struct opts *o, struct voc_run *run, struct voc_error *err)
{
	struct voc_table *t = voc_run_table(run);
	struct voc_books *books = voc_run_books(run);
	int nw = voc_labels_nwords(), good = voc_labels_word("good", 4);
	long long n[2] = {0, 0}, seen[96], all = 0, others = 0, unmapped = 0;
	int point[96];
	char sample[2][SAMPLE] = {"", ""}, unword[SAMPLE] = "", why[400];
	char note[400] = "";

	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < voc_table_count(t); i++) {
		struct voc_entry e;
		const struct acc *a;

		voc_table_at(t, i, &e);
		a = e.st;
		n[MODE_SCALE] += a->r.n;
		n[MODE_BINARY] += a->b.n;
		for (int k = 0; a->words != NULL && k < nw && k < 96; k++)
			seen[k] += a->words[k].r.n;
		for (int k = 0; k < 2; k++)
			if (a->sample[k][0] != '\0')
				sample_min(sample[k], a->sample[k],
				    strlen(a->sample[k]));
	}
	for (int k = 0; k < nw && k < 96; k++) {
		all += seen[k];
		if (k != good)
			others += seen[k];
	}
	all += n[0] + n[1];
	/* Good/bad when bad and good outnumber every other answer. */
	o->mode = n[MODE_BINARY] + (good >= 0 ? seen[good] : 0) >
	    n[MODE_SCALE] + others && (n[MODE_BINARY] > 0 || others == 0) ?
	    MODE_BINARY : MODE_SCALE;
	/* Answers of the other kind: with good/bad ratings, the scale's
	 * answers and every word but good. */
	long long wrong = n[!o->mode] + (o->mode == MODE_BINARY ? others : 0);
	if (wrong > 1 && wrong * 20 > all)
		return mixed(o, n, sample, seen, nw, err);
	memset(point, 0, sizeof(point));
	if (o->mode == MODE_BINARY) {
		if (good >= 0)
			point[good] = 1;
	} else if (voc_labels_choose(seen, o->hi - o->lo + 1, point, why,
	    sizeof(why), note, sizeof(note)) < 0) {
		/* A few stray words among numbers are skipped rows; a column
		 * of words that fit no one wording is an error. */
		if ((others + (good >= 0 ? seen[good] : 0)) * 20 > all)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "column \"%s\": %s", o->colname, why);
		memset(point, 0, sizeof(point));
	}
	if (note[0] != '\0')
		fprintf(stderr, "%s: warning: column \"%s\": %s\n", PROG,
		    o->colname, note);
	for (int k = 0; k < nw && k < 96; k++)
		if (o->mode == MODE_SCALE && seen[k] > 0 && point[k] == 0) {
			unmapped += seen[k];
			if (unword[0] == '\0')
				snprintf(unword, sizeof(unword), "%s",
				    voc_labels_word_name(k));
		}
	if (unmapped > 1 && unmapped * 20 > all)
		return mixed(o, n, sample, seen, nw, err);
	/* Fold the words in at their points. */
	for (size_t i = 0; i < voc_table_count(t); i++) {
		struct voc_entry e;
		struct acc *a;

		voc_table_at(t, i, &e);
		a = e.st;
		for (int k = 0; a->words != NULL && k < nw && k < 96; k++) {
			const struct word *wd = &a->words[k];

			if (wd->r.n == 0 || point[k] == 0)
				continue;
			if (o->mode == MODE_BINARY) {
				rating_add_word(&a->b, &wd->r, 1, 1, 0);
				a->bin[1] += wd->r.n;
			} else {
				int x = point[k] + o->lo - 1;

				rating_add_word(&a->r, &wd->r, x, x > o->hi -
				    o->top, x < o->lo + o->bottom);
				a->dist[x - o->lo] += wd->r.n;
			}
		}
	}
	skip_wrong(o, books, n[!o->mode], sample[!o->mode], o->mode ==
	    MODE_BINARY ? " is a rating on a scale" : " is a good/bad rating",
	    o->mode == MODE_BINARY ? "s are ratings on a scale" :
	    "s are good/bad ratings", o->mode == MODE_BINARY ?
	    "good/bad ratings" : "ratings on a scale");
	char holds[64];
	snprintf(holds, sizeof(holds), o->mode == MODE_BINARY ?
	    "good/bad ratings" : "ratings on the %d-%d scale", o->lo, o->hi);
	skip_wrong(o, books, unmapped + (o->mode == MODE_BINARY ? others : 0),
	    unword[0] ? unword : "Excellent", " is a word that does not fit",
	    "s are words that do not fit", holds);
	return 0;
}

/*
 * Answers outside the scale, more than one in twenty: the column is
 * likely on another scale (6s and 7s of a 1-7 CES question read on the
 * default 1-5).  A warning naming the likely scale, the table is still
 * the one asked for.
 */
static void
scale_warning(const struct opts *o, struct voc_run *run)
{
	const struct voc_books *b = voc_run_books(run);
	struct voc_table *t = voc_run_table(run);
	long long answers = 0;

	for (size_t i = 0; i < voc_table_count(t); i++) {
		struct voc_entry e;

		voc_table_at(t, i, &e);
		answers += ((const struct acc *)e.st)->r.n +
		    ((const struct acc *)e.st)->b.n;
	}
	for (int i = 0; i < b->nreason; i++) {
		const struct voc_reason *r = &b->reason[i];
		const char *q;
		long v;

		if (strcmp(r->cls, "outside the scale") != 0 || r->n < 2 ||
		    r->n * 20 <= answers + r->n)
			continue;
		/* The first such answer, quoted after the column's name. */
		q = strstr(r->why, "\": \"");
		v = q != NULL ? strtol(q + 4, NULL, 10) : 0;
		fprintf(stderr, "%s: warning: column \"%s\": %lld answers are "
		    "outside the %d-%d scale (the first: %s): %s\n", PROG,
		    o->colname, r->n, o->lo, o->hi, q != NULL ? q + 3 : "?",
		    v > o->hi && v <= 7 && o->hi < 7 ? "is it a 1-7 (CES) "
		    "column? give --scale 1-7" : v > o->hi && v <= 10 ?
		    "is it a 0-10 column? give --scale 0-10" :
		    "give the column's scale with --scale LO-HI");
	}
}

/* What the rows of the table share (voc_run_rows). */
struct out {
	const struct opts *o;
	const struct voc_run *run;
	size_t ndist;
	double scale;
};

static int
out_row(void *arg, struct voc_writer *w, const struct voc_entry *e,
    const void *b)
{
	const struct out *u = arg;
	const struct opts *o = u->o;
	double scale = u->scale;
	const struct acc *a = e->st;
	const struct voc_rating *ra;
	struct voc_rating_result r, rb;

	ra = o->mode == MODE_BINARY ? &a->b : &a->r;
	result(o, a, &r);
	voc_run_key_write(u->run, w, e->key, e->keylen);
	voc_writer_int(w, r.n);
	voc_writer_num(w, r.mean);
	voc_writer_num(w, r.sd);
	voc_writer_int(w, ra->top_n);
	voc_writer_num(w, scale * r.top);
	voc_writer_int(w, ra->bottom_n);
	voc_writer_num(w, scale * r.bottom);
	voc_writer_num(w, scale * r.lo);
	voc_writer_num(w, scale * r.hi);
	voc_writer_int(w, a->nonresp);
	if (o->c.weight_col)
		voc_writer_num(w, r.n_eff);
	for (size_t k = 0; k < u->ndist; k++)
		voc_writer_int(w, o->mode == MODE_BINARY ? a->bin[k] :
		    a->dist[k]);
	if (o->c.compare == VOC_COMPARE_NONE)
		return 0;
	double lo = NAN, hi = NAN, p = NAN, d = NAN;
	if (b != NULL) {
		result(o, b, &rb);
		if (!isnan(r.top) && !isnan(rb.top)) {
			voc_stats_newcombe(rb.top, rb.n_eff, r.top, r.n_eff,
			    o->c.conf, &lo, &hi, &p);
			/* The p-value of the test the interval inverts, so
			 * the two never disagree. */
			p = voc_stats_newcombe_p(rb.top, rb.n_eff, r.top,
			    r.n_eff);
			d = r.top - rb.top;
		}
	}
	voc_compare_write(w, scale, d, lo, hi, p);
	return 0;
}

static int
finish(void *ctx, struct voc_run *run, struct voc_error *err)
{
	static const char *const base[] = {"n", "mean", "sd", "top_box",
	    "pct_top_box", "bottom_box", "pct_bottom_box", "ci_low", "ci_high",
	    "no_response"};
	static const struct voc_compare_ops ops = {acc_less};
	struct opts *o = ctx;
	struct voc_table *t = voc_run_table(run);
	size_t n = 0;
	const char *names[20 + MAX_POINTS];
	char distnames[MAX_POINTS][16];
	struct out u = {o, run, 0, o->c.proportions ? 1 : 100};
	struct voc_writer *w = NULL;

	if (voc_run_nkeys(run) == 0 && voc_run_state(run, "", 0) == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	if (settle_mode(o, run, err) < 0)
		return -1;
	scale_warning(o, run);
	if (voc_run_add_totals(run) < 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	if (o->dist)
		u.ndist = o->mode == MODE_BINARY ? 2 : npoints(o);
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		names[n++] = base[i];
	if (o->c.weight_col)
		names[n++] = "n_eff";
	for (size_t i = 0; i < u.ndist; i++) {
		if (o->mode == MODE_BINARY)
			snprintf(distnames[i], 16, "n_%s", i ? "good" : "bad");
		else
			snprintf(distnames[i], 16, "n_%d", o->lo + (int)i);
		names[n++] = distnames[i];
	}
	if (o->c.compare != VOC_COMPARE_NONE)
		for (size_t i = 0; i < 4; i++)
			names[n++] = voc_compare_columns[i];
	if (voc_table_sort(t) < 0 ||
	    (w = voc_run_writer(run, names, n)) == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	return voc_run_rows(run, w, &ops, out_row, &u, err);
}

static const struct option own_options[] = {
	{"bottom", required_argument, NULL, OPT_BOTTOM},
	{"dist", no_argument, NULL, OPT_DIST},
	{"labels", required_argument, NULL, OPT_LABELS},
	{"scale", required_argument, NULL, OPT_SCALE},
	{"top", required_argument, NULL, OPT_TOP},
	{NULL, 0, NULL, 0}
};

static const struct voc_prog prog = {
	.name = PROG,
	.synopsis = synopsis,
	.help = help_text,
	.options = own_options,
	.shortopts = "",
	.group_keyed = 1,
	.state = &csat_state,
	.state_size = state_size,
	.option = option,
	.check = check,
	.state_opts = state_opts,
	.prepare = prepare,
	.row = row_step,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	struct opts o;
	int status;

	memset(&o, 0, sizeof(o));
	o.c.scores = 1;
	o.lo = 1;
	o.hi = 5;
	voc_labels_nwords();	/* builds the word list before any thread */
	voc_stats_init();
	status = voc_prog_main(&prog, &o, &o.c, argc, argv);
	voc_labels_free(o.labels);
	return status;
}
