/*
 * The program driver (see include/voc/prog.h).
 *
 * Both cores on one file: a large regular file is cut into as many byte
 * ranges as there are threads, each starting at a line start, and each
 * range is read by its own reader into its own table; the tables are
 * then merged in order.  A cut is right only where the part before it
 * ends between records; when a quoted field with a newline spans a cut,
 * the part before it ends inside the field and fails, and the whole
 * file is read again in one thread.  So is any other failure, so that
 * the error a user sees is the one a single pass reports.  For a program
 * whose states merge alike in any order, a thread done early takes over
 * the rest of another's range (see struct part).
 */
#define _GNU_SOURCE	/* splice, memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "voc/key.h"
#include "voc/period.h"
#include "voc/prog.h"
#include "voc/text.h"

/* Files smaller than this are read in one thread unless -j asks for
 * more: below it, starting a second reader costs more than it saves. */
#define MIN_SPLIT (32LL << 20)
#define MIN_SPLIT_ASKED (64LL << 10)
#define MAX_THREADS 64
/* Standard input is read in pieces of this size (see read_pipe);
 * tests make them small with VOCKIT_PIECE_BYTES. */
#define PIECE (64LL << 20)
#define PIECE_FIRST (8LL << 20)

struct voc_run {
	const struct voc_prog *p;
	void *ctx;
	const struct voc_common *c;
	struct voc_table *t;
	struct voc_books books;
	struct voc_input *in;		/* while reading */
	char **names;			/* key column names */
	size_t nnames;
	struct timespec last;		/* of the last progress line */
	struct timespec start;		/* of reading, for the time left */
	long long total;		/* bytes to read, 0 when unknown */
	int progress_shown;
	const char *hint_key;		/* a held row's key, its hash and */
	size_t hint_len;
	uint64_t hint_hash;
	const void *hint_ent;		/* the entry its slot named */
};

static struct voc_table *new_table(const struct voc_prog *p,
    const void *ctx);

struct voc_table *
voc_run_table(struct voc_run *run)
{
	return run->t;
}

void *
voc_run_state(struct voc_run *run, const char *key, size_t keylen)
{
	/* A held row's key was hashed when it was held (batch_add). */
	if (key == run->hint_key && keylen == run->hint_len)
		return voc_table_get_hashed(run->t, key, keylen,
		    run->hint_hash, run->hint_ent);
	return voc_table_get(run->t, key, keylen);
}

const struct voc_common *
voc_run_common(const struct voc_run *run)
{
	return run->c;
}

int
voc_run_skip(struct voc_run *run, const struct voc_row *row,
    struct voc_error *err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = voc_input_vskip(run->in, row, err, fmt, fmt, ap);
	va_end(ap);
	return rc;
}

int
voc_run_skip_as(struct voc_run *run, const struct voc_row *row,
    struct voc_error *err, const char *cls, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = voc_input_vskip(run->in, row, err, cls, fmt, ap);
	va_end(ap);
	return rc;
}

void
voc_run_nonresponse(struct voc_run *run)
{
	voc_input_nonresponse(run->in);
}

struct voc_books *
voc_run_books(struct voc_run *run)
{
	return &run->books;
}

size_t
voc_run_nkeys(const struct voc_run *run)
{
	return run->nnames;
}

const char *
voc_run_key_name(const struct voc_run *run, size_t i)
{
	return run->names[i];
}

void
voc_run_key_write(const struct voc_run *run, struct voc_writer *w,
    const char *key, size_t keylen)
{
	struct voc_key_part p;
	size_t pos = 0;
	char buf[4096];

	while (voc_key_next(key, keylen, &pos, &p)) {
		if (p.is_total) {
			voc_writer_str(w, "(total)");
		} else if (p.is_int) {
			voc_period_label(run->c->by, p.v, buf, sizeof(buf));
			voc_writer_str(w, buf);
		} else if (p.len < sizeof(buf)) {
			memcpy(buf, p.s, p.len);
			buf[p.len] = '\0';
			voc_writer_str(w, buf);
		} else {
			char *big = malloc(p.len + 1);

			if (big != NULL) {
				memcpy(big, p.s, p.len);
				big[p.len] = '\0';
			}
			voc_writer_str(w, big ? big : "");
			free(big);
		}
	}
}

int
voc_run_add_totals(struct voc_run *run)
{
	struct voc_table *tot;
	struct voc_key k = {0};
	int rc = 0;

	if (!run->c->total)
		return 0;
	if ((tot = new_table(run->p, run->ctx)) == NULL)
		return -1;
	for (size_t i = 0; rc == 0 && i < voc_table_count(run->t); i++) {
		struct voc_entry e;
		struct voc_key_part p;
		size_t pos = 0;
		void *st;

		voc_table_at(run->t, i, &e);
		voc_key_reset(&k);
		while (rc == 0 && voc_key_next(e.key, e.keylen, &pos, &p))
			rc = p.is_int ? voc_key_int(&k, p.v) : voc_key_total(&k);
		if (rc == 0 && ((st = voc_table_get(tot, k.buf, k.len)) ==
		    NULL || run->p->state->merge(st, e.st, run->ctx) < 0))
			rc = -1;
	}
	if (rc == 0)
		rc = voc_table_merge(run->t, tot);
	voc_table_free(tot);
	voc_key_free(&k);
	return rc;
}

struct voc_writer *
voc_run_writer(const struct voc_run *run, const char *const *names,
    size_t n)
{
	const char **all = calloc(run->nnames + n + 1, sizeof(*all));
	struct voc_writer *w;

	if (all == NULL)
		return NULL;
	for (size_t i = 0; i < run->nnames; i++)
		all[i] = run->names[i];
	for (size_t i = 0; i < n; i++)
		all[run->nnames + i] = names[i];
	w = voc_writer_open_shaped(stdout, run->c->out, run->c->precision,
	    &run->c->shape, all,
	    run->nnames + n);
	free(all);
	return w;
}

/* The threads -j asks for; 0 (the default) is the cores. */
static long long
threads(const struct voc_common *c)
{
	return c->threads ? c->threads : sysconf(_SC_NPROCESSORS_ONLN);
}

long
voc_run_threads(const struct voc_run *run)
{
	return (long)threads(run->c);
}

/*
 * A table from ROWS_SPLIT rows on is written by two threads at once, in
 * blocks of ROWS_BLOCK rows: one takes blocks from the front and writes
 * them out as it goes, the other takes them from the back into a part of
 * its own (voc_writer_part); they meet where their speeds have them
 * meet, and the back's blocks then follow in order.  (Two fixed halves
 * waited on the slower thread: a shared machine's two cores ran this
 * code at times 1.4 times apart.)
 */
#define ROWS_SPLIT 8192
#define ROWS_BLOCK 2048

struct rows {
	const struct voc_table *t;
	struct voc_writer *w;
	struct voc_compare *cmp;	/* NULL without --compare */
	size_t from, to;
	int (*row)(void *arg, struct voc_writer *w,
	    const struct voc_entry *e, const void *base);
	void *arg;
	int rc;
};

static void
rows_run(struct rows *r)
{
	for (size_t i = r->from; i < r->to; i++) {
		struct voc_entry e;
		const void *base = NULL;

		voc_table_at(r->t, i, &e);
		if ((r->cmp != NULL && voc_compare_base(r->cmp, &e, &base) <
		    0) || r->row(r->arg, r->w, &e, base) < 0) {
			r->rc = -1;
			break;
		}
	}
}

/* The blocks of a table written from both ends. */
struct ends {
	pthread_mutex_t mu;
	size_t front, back;	/* blocks [front, back) are not taken yet */
	size_t n;		/* rows */
	int stop;		/* out of memory: both stop */
	size_t *start;		/* the back's blocks: where each begins in */
	size_t *end;		/* its part, and ends */
	size_t failed;		/* the back's block that failed, or SIZE_MAX */
};

struct end_run {
	struct ends *e;
	struct rows r;
	int back;
};

/* The next block from this end, in *k: 0 when none is left. */
static int
take_block(struct end_run *er, size_t *k)
{
	struct ends *e = er->e;
	int ok;

	pthread_mutex_lock(&e->mu);
	ok = !e->stop && e->front < e->back;
	if (ok)
		*k = er->back ? --e->back : e->front++;
	pthread_mutex_unlock(&e->mu);
	return ok;
}

static void *
end_run(void *arg)
{
	struct end_run *er = arg;
	struct ends *e = er->e;
	size_t k, at = 0;

	while (take_block(er, &k)) {
		er->r.from = k * ROWS_BLOCK;
		er->r.to = er->r.from + ROWS_BLOCK < e->n ? er->r.from +
		    ROWS_BLOCK : e->n;
		rows_run(&er->r);
		if (er->r.rc < 0) {
			pthread_mutex_lock(&e->mu);
			e->stop = 1;
			pthread_mutex_unlock(&e->mu);
			break;
		}
		if (!er->back)
			continue;
		e->start[k] = at;
		e->end[k] = at = voc_writer_part_size(er->r.w);
		/* A value the output cannot hold (or no memory): no row
		 * after it is written, and the front stops here. */
		if (!voc_writer_streams(er->r.w)) {
			e->failed = k;
			break;
		}
	}
	return NULL;
}

/* The rows of job into job->w by two threads: 1 when done (job->rc set),
 * 0 when they must be written in one (out of memory before any row). */
static int
rows_ends(struct rows *job, struct voc_compare *cmp2)
{
	struct ends e;
	struct end_run front = {&e, *job, 0}, back = {&e, *job, 1};
	size_t nblocks = (job->to + ROWS_BLOCK - 1) / ROWS_BLOCK;
	pthread_t tid;
	int done = 0;

	memset(&e, 0, sizeof(e));
	e.n = job->to;
	e.back = nblocks;
	e.failed = SIZE_MAX;
	e.start = malloc(nblocks * sizeof(*e.start));
	e.end = malloc(nblocks * sizeof(*e.end));
	back.r.cmp = cmp2;
	if (e.start != NULL && e.end != NULL &&
	    pthread_mutex_init(&e.mu, NULL) == 0) {
		if ((back.r.w = voc_writer_part(job->w)) != NULL &&
		    pthread_create(&tid, NULL, end_run, &back) == 0) {
			done = 1;
			end_run(&front);
			pthread_join(tid, NULL);
			/* The back's blocks in order, from where they met
			 * to the end or to the one that failed. */
			for (size_t k = e.back; k < nblocks && !e.stop; k++) {
				voc_writer_part_copy(job->w, back.r.w,
				    e.start[k], e.end[k], k == e.failed);
				if (k == e.failed)
					break;
			}
			job->rc = e.stop ? -1 : 0;
		}
		if (back.r.w != NULL)
			voc_writer_join(job->w, back.r.w, 0);
		pthread_mutex_destroy(&e.mu);
	}
	free(e.start);
	free(e.end);
	return done;
}

int
voc_run_rows(const struct voc_run *run, struct voc_writer *w,
    const struct voc_compare_ops *ops,
    int (*row)(void *arg, struct voc_writer *w, const struct voc_entry *e,
    const void *base), void *arg, struct voc_error *err)
{
	size_t n = voc_table_count(run->t);
	struct rows a = {run->t, w, NULL, 0, n, row, arg, 0};
	struct voc_compare *cmp2 = NULL;
	int two = n >= ROWS_SPLIT && threads(run->c) > 1 &&
	    voc_writer_streams(w);

	/* The back's comparison has scratch of its own. */
	if (run->c->compare != VOC_COMPARE_NONE &&
	    ((a.cmp = voc_compare_new(run->c->compare, run->t, ops)) ==
	    NULL || (two && (cmp2 = voc_compare_twin(a.cmp)) == NULL)))
		a.rc = -1;
	else if (!two || !rows_ends(&a, cmp2))
		rows_run(&a);
	voc_compare_free(cmp2);
	voc_compare_free(a.cmp);
	if (voc_writer_close(w, 0, err) < 0)
		return -1;
	return a.rc < 0 ? voc_error_set(err, VOC_ERR_DATA, NULL, 0,
	    "out of memory") : 0;
}

/* ---- options ---- */

static void
usage(const struct voc_prog *p, FILE *fp)
{
	fprintf(fp, "usage: %s %s\n", p->name, p->synopsis);
}

static int
help(const struct voc_prog *p, const struct voc_common *c)
{
	usage(p, stdout);
	printf("\n%s", p->help);
	if (c->users)
		fputs(voc_cli_help_user, stdout);
	if (c->amounts)
		fputs(voc_cli_help_amount, stdout);
	if (c->texts)
		fputs(voc_cli_help_text, stdout);
	if (c->scores)
		fputs(voc_cli_help_scores, stdout);
	printf("\n%s\nSee %s(1) and vockit(7).\n", voc_cli_help, p->name);
	return fflush(stdout) != 0 || ferror(stdout) ? 1 : 0;
}

static int
parse(const struct voc_prog *p, void *ctx, struct voc_common *c, int argc,
    char **argv, int *exit_now)
{
	struct voc_error err;
	int rc = 0;

	voc_error_clear(&err);
	*exit_now = 0;
	switch (voc_cli_parse(argc, argv, p->options, p->shortopts, c,
	    p->option, ctx, &err)) {
	case VOC_CLI_HELP:
		*exit_now = 1;
		return help(p, c);
	case VOC_CLI_VERSION:
		*exit_now = 1;
		printf("%s (vockit) %s\n", p->name, VOC_VERSION);
		return fflush(stdout) != 0 || ferror(stdout) ? 1 : 0;
	case VOC_CLI_ERROR:
		rc = -1;
		break;
	case VOC_CLI_RUN:
		break;
	}
	if (rc == 0 && p->check != NULL)
		rc = p->check(ctx, c, &err);
	if (rc == 0)
		rc = voc_cli_finish(c, &err);
	if (rc == 0 && c->merge && c->state_out == NULL && argc - optind == 0 &&
	    isatty(STDIN_FILENO))
		rc = voc_error_set(&err, VOC_ERR_USAGE, NULL, 0,
		    "--merge reads state files: name them, or pipe them in");
	if (rc == 0 && c->total && !p->group_keyed)
		rc = voc_error_set(&err, VOC_ERR_USAGE, NULL, 0,
		    "%s has no --total: its rows are not groups", p->name);
	if (rc == 0 && c->merge && (p->state->load == NULL))
		rc = voc_error_set(&err, VOC_ERR_USAGE, NULL, 0,
		    "%s has no mergeable state", p->name);
	if (rc != 0) {
		*exit_now = 1;
		return voc_cli_fail(p->name, &err);
	}
	return 0;
}

/* The options that shape a state, for its header. */
struct fingerprint {
	const char *names[48];
	const char *values[48];
	char by[16];
	char where[1024];
	struct voc_prog_opt own[16];
	size_t n;
};

static void
fp_add(struct fingerprint *f, const char *name, const char *value)
{
	f->names[f->n] = name;
	f->values[f->n++] = value ? value : "";
}

static void
fingerprint(const struct voc_prog *p, const void *ctx,
    const struct voc_common *c, struct fingerprint *f)
{
	static const char *const orders[] = {"", "mdy", "dmy"};
	static const char *const periods[] = {"", "day", "week", "month",
	    "quarter", "year"};

	memset(f, 0, sizeof(*f));
	fp_add(f, "-g", c->group_by);
	fp_add(f, "-t", c->time_col);
	snprintf(f->by, sizeof(f->by), "%s", periods[c->by <= VOC_BY_YEAR ?
	    c->by : 0]);
	fp_add(f, "--by", f->by);
	fp_add(f, "--tz", c->tz);
	fp_add(f, "--input-tz", c->input_tz);
	fp_add(f, "--date-order", orders[c->order < 3 ? c->order : 0]);
	fp_add(f, "--since", c->since);
	fp_add(f, "--until", c->until);
	fp_add(f, "--last", c->last);
	for (int i = 0; i < c->nwhere; i++) {
		size_t used = strlen(f->where);

		snprintf(f->where + used, sizeof(f->where) - used, "%s%s",
		    i ? " --where " : "", c->where[i]);
	}
	fp_add(f, "--where", f->where);
	fp_add(f, "--no-normalize", c->no_normalize ? "yes" : "");
	fp_add(f, "--dedupe", c->dedupe);
	fp_add(f, "--keep", c->dedupe ? (c->keep_last ? "last" : "first") : "");
	fp_add(f, "-w", c->weight_col);
	if (c->scores)
		fp_add(f, "-s", c->score_col);
	if (c->users)
		fp_add(f, "-u", c->user_col);
	if (c->amounts)
		fp_add(f, "-a", c->amount_col);
	if (c->texts)
		fp_add(f, "-c", c->text_col);
	if (p->state_opts != NULL) {
		size_t n = p->state_opts(ctx, f->own);

		for (size_t i = 0; i < n && i < 16; i++)
			fp_add(f, f->own[i].name, f->own[i].value);
	}
}

/* ---- reading ---- */

static void
progress(void *arg, long long rows, unsigned long long bytes)
{
	struct voc_run *run = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((double)(now.tv_sec - run->last.tv_sec) +
	    (double)(now.tv_nsec - run->last.tv_nsec) / 1e9 < 1.0)
		return;
	run->last = now;
	if (run->start.tv_sec == 0 && run->start.tv_nsec == 0)
		run->start = now;
	double secs = (double)(now.tv_sec - run->start.tv_sec) +
	    (double)(now.tv_nsec - run->start.tv_nsec) / 1e9;
	/* A file's size is known: the share read and the time left (gzip
	 * gives more bytes out than its size, and then no estimate). */
	if (run->total > 0 && bytes <= (unsigned long long)run->total &&
	    bytes > 0 && secs > 0)
		fprintf(stderr, "\r%s: %lld rows, %.0f%% of %.0f MB, about "
		    "%.0f s left\033[K", run->p->name, rows, 100.0 *
		    (double)bytes / (double)run->total, (double)run->total / 1e6,
		    secs * ((double)run->total - (double)bytes) /
		    (double)bytes);
	else
		fprintf(stderr, "\r%s: %lld rows, %.0f MB read\033[K",
		    run->p->name, rows, (double)bytes / 1e6);
	fflush(stderr);
	run->progress_shown = 1;
}

static int
set_names(struct voc_run *run, const struct voc_input *in)
{
	size_t n = voc_input_nkeys(in);

	if ((run->names = calloc(n + 1, sizeof(char *))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if ((run->names[i] = strdup(voc_input_key_name(in, i))) ==
		    NULL)
			return -1;
		run->nnames = i + 1;
	}
	return 0;
}

static void
free_names(struct voc_run *run)
{
	for (size_t i = 0; i < run->nnames; i++)
		free(run->names[i]);
	free(run->names);
	run->names = NULL;
	run->nnames = 0;
}

/*
 * Rows in batches, for programs whose row step looks its state up by
 * the record's key (group_keyed): with many groups, each lookup would
 * wait on memory twice, for the index's slot and then for the entry.
 * Once the table has BATCH_FROM keys (a smaller one is in the cache), a
 * batch holds up to BATCH rows whose fields stay in the reader's buffer
 * (voc_input_hold), each with the columns the run reads (its nfields
 * cut to them: the rest are "" in any case).  Each row's slot is asked
 * for as the row is read, each entry when the batch is full, and then
 * the rows are stepped in order, their loads under way together.  The
 * batch is stepped before any skip is counted (voc_input_before_skip)
 * and before an error is returned, so skips and errors come in the
 * input's order.  A batch of 64 rather than 16 gives the first rows'
 * entries longer to arrive (100,000 keys at -j 1: x0.97-0.98 of the
 * time; 32 and 128 did no better than 16).
 */
#define BATCH 64
#define BATCH_FROM 4096	/* keys: below, the table is in the cache */

struct batch {
	struct voc_run *run;
	struct voc_record rec[BATCH];
	struct voc_row row[BATCH];
	uint64_t h[BATCH];
	const void *ent[BATCH];	/* the entries their slots name */
	size_t keyoff[BATCH];
	size_t n;
	size_t width;		/* the columns a held row keeps */
	uint64_t used;		/* of those, the ones copied */
	const char **field;	/* BATCH rows of stride fields */
	size_t *len;
	size_t stride;
	char *keys;
	size_t keyused, keycap;
};

static int
step_batch(void *arg, struct voc_error *err)
{
	struct batch *b = arg;
	struct voc_run *run = b->run;
	size_t n = b->n;

	/* Emptied first: a skip from a row step comes back here. */
	b->n = 0;
	b->keyused = 0;
	for (size_t i = 0; i < n; i++)
		b->ent[i] = voc_table_prefetch_entry(run->t, b->h[i]);
	for (size_t i = 0; i < n; i++) {
		run->hint_key = b->rec[i].key;
		run->hint_len = b->rec[i].keylen;
		run->hint_hash = b->h[i];
		run->hint_ent = b->ent[i];
		if (run->p->row(run->ctx, run, &b->rec[i], err) < 0) {
			run->hint_key = NULL;
			return -1;
		}
	}
	run->hint_key = NULL;
	return 0;
}

/* Copies rec (its row's arrays and its key) into b: 0, or -1 when out
 * of memory. */
static int
batch_add(struct batch *b, const struct voc_record *rec)
{
	size_t i = b->n, nf = rec->row->nfields;

	/* Only the columns the run reads: past them every field is "" (a
	 * 200-column export would copy 200 pointers a row). */
	if (nf > b->width)
		nf = b->width;

	if (nf > b->stride) {
		size_t stride = nf * 2;
		const char **f = malloc(BATCH * stride * sizeof(*f));
		size_t *l = calloc(BATCH * stride, sizeof(*l));

		if (f == NULL || l == NULL) {
			free(f);
			free(l);
			return -1;
		}
		/* A column not copied reads as "" (see below). */
		for (size_t j = 0; j < BATCH * stride; j++)
			f[j] = "";
		for (size_t j = 0; j < i; j++) {
			memcpy(f + j * stride, b->field + j * b->stride,
			    b->row[j].nfields * sizeof(*f));
			memcpy(l + j * stride, b->len + j * b->stride,
			    b->row[j].nfields * sizeof(*l));
		}
		free(b->field);
		free(b->len);
		b->field = f;
		b->len = l;
		b->stride = stride;
		for (size_t j = 0; j < i; j++) {
			b->row[j].field = b->field + j * stride;
			b->row[j].len = b->len + j * stride;
		}
	}
	if (b->keyused + rec->keylen > b->keycap) {
		size_t cap = (b->keyused + rec->keylen) * 2 + 256;
		char *k = realloc(b->keys, cap);

		if (k == NULL)
			return -1;
		b->keys = k;
		b->keycap = cap;
		for (size_t j = 0; j < i; j++)
			b->rec[j].key = b->keys + b->keyoff[j];
	}
	/* Only the columns named (the step reads no other; the rest read
	 * as "", as past the width): a few, a loop, not two calls. */
	if (b->used != ~0ULL) {
		for (uint64_t m = b->used & (nf < 64 ? (1ULL << nf) - 1 :
		    ~0ULL); m != 0; m &= m - 1) {
			size_t j = (size_t)__builtin_ctzll(m);

			b->field[i * b->stride + j] = rec->row->field[j];
			b->len[i * b->stride + j] = rec->row->len[j];
		}
	} else
		for (size_t j = 0; j < nf; j++) {
			b->field[i * b->stride + j] = rec->row->field[j];
			b->len[i * b->stride + j] = rec->row->len[j];
		}
	b->row[i] = *rec->row;
	b->row[i].nfields = nf;
	b->row[i].field = b->field + i * b->stride;
	b->row[i].len = b->len + i * b->stride;
	memcpy(b->keys + b->keyused, rec->key, rec->keylen);
	b->rec[i] = *rec;
	b->rec[i].row = &b->row[i];
	b->rec[i].key = b->keys + b->keyused;
	b->keyoff[i] = b->keyused;
	b->keyused += rec->keylen;
	b->h[i] = voc_table_prefetch(b->run->t, rec->key, rec->keylen);
	b->n++;
	return 0;
}

static int
step_batched(struct voc_run *run, struct voc_error *err)
{
	struct batch b = {.run = run, .width = voc_input_width(run->in),
	    .used = voc_input_used(run->in)};
	struct voc_record rec;
	struct voc_error held;
	int rc;

	voc_input_before_skip(run->in, step_batch, &b);
	for (;;) {
		rc = voc_input_next(run->in, &rec, err);
		if (rc == 2) {
			voc_input_hold(run->in, 0);
			if (step_batch(&b, err) < 0) {
				rc = -1;
				break;
			}
			continue;
		}
		if (rc != 1) {
			/* The rows before an error are stepped first; an
			 * error of theirs comes first. */
			if (rc < 0)
				held = *err;
			voc_input_hold(run->in, 0);
			if (step_batch(&b, err) < 0)
				rc = -1;
			else if (rc < 0)
				*err = held;
			break;
		}
		/* A table that fits in the cache gains nothing: its rows
		 * are stepped as they come. */
		if (b.n == 0 && voc_table_count(run->t) < BATCH_FROM) {
			if (run->p->row(run->ctx, run, &rec, err) < 0) {
				rc = -1;
				break;
			}
			continue;
		}
		if (batch_add(&b, &rec) < 0) {
			rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
			break;
		}
		/* Rows are held only where the reader keeps their fields;
		 * else each is stepped at once. */
		if ((b.n == 1 && !voc_input_hold(run->in, 1)) ||
		    b.n == BATCH) {
			voc_input_hold(run->in, 0);
			if (step_batch(&b, err) < 0) {
				rc = -1;
				break;
			}
		}
	}
	voc_input_hold(run->in, 0);
	voc_input_before_skip(run->in, NULL, NULL);
	free(b.field);
	free(b.len);
	free(b.keys);
	return rc;
}

/* Steps every row of run->in into run's table. */
static int
step_rows(struct voc_run *run, struct voc_error *err)
{
	struct voc_record rec;
	int rc;

	/* The columns the program and the shared options read have all
	 * been resolved by now (prepare and voc_input_open). */
	voc_input_limit(run->in);
	if (run->p->group_keyed)
		return step_batched(run, err);
	while ((rc = voc_input_next(run->in, &rec, err)) == 1)
		if (run->p->row(run->ctx, run, &rec, err) < 0)
			return -1;
	return rc;
}

static struct voc_table *
new_table(const struct voc_prog *p, const void *ctx)
{
	return voc_table_new(p->state, p->state_size(ctx), ctx);
}

/* The offset of the first line start at or after off, or -1. */
static long long
line_start(int fd, long long off, long long size)
{
	char buf[65536];

	while (off < size) {
		ssize_t n = pread(fd, buf, sizeof(buf), (off_t)off);

		if (n <= 0)
			return -1;
		char *nl = memchr(buf, '\n', (size_t)n);
		if (nl != NULL)
			return off + (nl - buf) + 1;
		off += n;
	}
	return -1;
}

/* What read_split reads: a file, or a piece of standard input spooled
 * to one (a header, then records). */
struct piece {
	const char *name;	/* for messages; NULL: the path */
	long line_offset;	/* added to the piece's line numbers */
	long lines;		/* out: the piece's lines, header included */
};

/* Moves the input lines t's states name on by lines (see the rebase of
 * voc_state_ops): a part's lines become lines of the whole input. */
static void
rebase_lines(struct voc_table *t, long lines)
{
	const struct voc_state_ops *ops = voc_table_ops(t);

	if (lines == 0 || ops == NULL || ops->rebase == NULL)
		return;
	for (size_t i = 0; i < voc_table_count(t); i++) {
		struct voc_entry e;

		voc_table_at(t, i, &e);
		ops->rebase(e.st, lines, voc_table_cfg(t));
	}
}

/*
 * A part of a file read by one thread (read_split): its own reader,
 * books and lines.  Its end is shared: when a thread is done with its
 * own part, it may move another's end earlier, to a line start half way
 * through what that one has left, and read the rest as a part of its
 * own (when the program's states merge alike in any order): a slower
 * core (this machine's two ran this code at times 1.7 times apart) no
 * longer holds the run back by the time of half the file.
 */
struct part {
	long long start;
	struct voc_range_share share;
	struct voc_input *in;
	struct voc_books books;
	struct voc_error err;
	long lines;
	int rc;
	int done;		/* read to its end (under the split's mu) */
};

/* Parts a file may come to, and the least a thread takes over: less is
 * read in the time opening a reader takes (tests make it small with
 * VOCKIT_TAKE_BYTES, to take over at every kind of place). */
#define MAX_PARTS 64
#define TAKE_MIN (4LL << 20)
_Static_assert(MAX_PARTS >= MAX_THREADS, "a part for each thread");

struct split {
	pthread_mutex_t mu;		/* the parts and their done */
	struct part *part[MAX_PARTS];
	int nparts;
	int take;			/* threads take the rest of parts */
	long long take_min;		/* bytes left, at the least, to take */
	int failed;			/* a part taken over did not open */
	const struct voc_run *run;
	char *file;
	int fd;
	const char *name;
};

struct worker {
	struct voc_run run;
	struct split *sp;
	struct part *first;
};

/* A part [start, end) of sp's file, its reader open: NULL when out of
 * memory; a part whose reader did not open, or is not of a plain file
 * (which a part must be), has in NULL.  Freed with part_free. */
static struct part *
part_open(struct split *sp, long long start, long long end)
{
	struct part *pt = calloc(1, sizeof(*pt));

	if (pt == NULL)
		return NULL;
	pt->start = start;
	pt->share.end = end;
	pt->share.reserved = start;
	if (pthread_mutex_init(&pt->share.mu, NULL) != 0) {
		free(pt);
		return NULL;
	}
	struct voc_input_range r = {start, end, sp->name, 0,
	    sp->take ? &pt->share : NULL};
	pt->in = voc_input_open(sp->run->c, sp->run->p->name, &sp->file, 1,
	    &r, &pt->books, &pt->err);
	if (pt->in != NULL && !voc_reader_plain(voc_input_reader(pt->in))) {
		voc_input_close(pt->in);
		pt->in = NULL;
	}
	return pt;
}

static void
part_free(struct part *pt)
{
	if (pt == NULL)
		return;
	voc_input_close(pt->in);
	pthread_mutex_destroy(&pt->share.mu);
	free(pt);
}

/* Takes over the second half of what the part with the most left has
 * left, as a part of the caller's: NULL when none has TAKE_MIN left (or
 * a part cannot be added). */
static struct part *
take_rest(struct split *sp)
{
	for (;;) {
		struct part *v = NULL;
		long long from = 0, end = 0, cut;

		pthread_mutex_lock(&sp->mu);
		for (int i = 0; i < sp->nparts && !sp->failed &&
		    sp->nparts < MAX_PARTS; i++) {
			struct part *pt = sp->part[i];

			if (pt->done)
				continue;
			pthread_mutex_lock(&pt->share.mu);
			long long at = pt->share.reserved > pt->start ?
			    pt->share.reserved : pt->start;
			if (pt->share.end - at > end - from) {
				v = pt;
				from = at;
				end = pt->share.end;
			}
			pthread_mutex_unlock(&pt->share.mu);
		}
		pthread_mutex_unlock(&sp->mu);
		if (v == NULL || end - from < sp->take_min)
			return NULL;
		if ((cut = line_start(sp->fd, from + (end - from) / 2, end)) < 0
		    || cut >= end)
			return NULL;
		/* Still ahead of what it has read, and its end unmoved. */
		pthread_mutex_lock(&v->share.mu);
		int ok = cut > v->share.reserved && cut > v->start &&
		    v->share.end == end;
		if (ok)
			v->share.end = cut;
		pthread_mutex_unlock(&v->share.mu);
		if (!ok)
			continue;
		struct part *pt = part_open(sp, cut, end);

		pthread_mutex_lock(&sp->mu);
		if (pt == NULL || pt->in == NULL) {
			/* [cut, end) will not be read: the split fails. */
			sp->failed = 1;
			pthread_mutex_unlock(&sp->mu);
			part_free(pt);
			return NULL;
		}
		sp->part[sp->nparts++] = pt;
		pthread_mutex_unlock(&sp->mu);
		return pt;
	}
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct split *sp = w->sp;

	for (struct part *pt = w->first; pt != NULL; pt = take_rest(sp)) {
		w->run.in = pt->in;
		pt->rc = step_rows(&w->run, &pt->err);
		pt->lines = voc_input_lines(pt->in);
		pthread_mutex_lock(&sp->mu);
		pt->done = 1;
		if (pt->rc < 0)
			sp->failed = 1;
		pthread_mutex_unlock(&sp->mu);
		if (pt->rc < 0 || !sp->take)
			break;
	}
	w->run.in = NULL;
	return NULL;
}

static int
part_order(const void *a, const void *b)
{
	const struct part *x = *(struct part *const *)a;
	const struct part *y = *(struct part *const *)b;

	return (x->start > y->start) - (x->start < y->start);
}

/*
 * Reads file in nthreads parts at once into run (into run->t when it
 * has a table already, from an earlier piece).  Returns 1 when done,
 * 0 when the file must be read in one pass instead (not a plain file, a
 * cut inside a record, any error), -1 when out of memory.
 */
static int
read_split(struct voc_run *run, char *file, int nthreads, struct piece *pc,
    struct voc_error *err)
{
	struct worker *w = calloc((size_t)nthreads, sizeof(*w));
	struct split sp;
	pthread_t tid[MAX_THREADS];
	long long cut[MAX_THREADS + 1];
	struct stat sb;
	int ok = 1, started = 0;

	memset(&sp, 0, sizeof(sp));
	sp.fd = open(file, O_RDONLY);
	if (w == NULL || pthread_mutex_init(&sp.mu, NULL) != 0) {
		if (sp.fd >= 0)
			close(sp.fd);
		free(w);
		return -1;
	}
	sp.run = run;
	sp.file = file;
	sp.name = pc->name;
	/* Parts read in any order, by whichever thread is free: only for
	 * states that merge alike in any order and name no input line. */
	sp.take = run->p->any_order != NULL && run->p->any_order(run->ctx) &&
	    run->p->state->rebase == NULL;
	const char *env = getenv("VOCKIT_TAKE_BYTES");
	sp.take_min = env != NULL && atoll(env) >= 2 ? atoll(env) : TAKE_MIN;
	if (sp.fd < 0 || fstat(sp.fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size < (run->c->threads ? MIN_SPLIT_ASKED : MIN_SPLIT))
		ok = 0;
	cut[0] = 0;
	for (int i = 1; ok && i < nthreads; i++) {
		cut[i] = line_start(sp.fd, (long long)sb.st_size * i / nthreads,
		    sb.st_size);
		if (cut[i] < 0 || cut[i] <= cut[i - 1] + 1)
			ok = 0;
	}
	cut[nthreads] = ok ? (long long)sb.st_size : 0;
	for (int i = 0; ok && i < nthreads; i++) {
		struct part *pt = part_open(&sp, cut[i], cut[i + 1]);

		if (pt != NULL)
			sp.part[sp.nparts++] = pt;
		w[i].run = *run;
		memset(&w[i].run.books, 0, sizeof(w[i].run.books));
		w[i].run.in = NULL;
		w[i].sp = &sp;
		w[i].first = pt;
		if (pt == NULL || pt->in == NULL ||
		    (w[i].run.t = new_table(run->p, run->ctx)) == NULL)
			ok = 0;
	}
	/* A cut must come after the header and the --skip-rows rows, which
	 * the first part reads. */
	if (ok && nthreads > 1 &&
	    voc_reader_data_start(voc_input_reader(sp.part[0]->in)) >= cut[1])
		ok = 0;
	/* Each part's reader resolves the program's columns (a JSON Lines
	 * key the first object lacks becomes a column of each); the first
	 * part's last, so that what prepare keeps points into the input the
	 * run keeps to the end.  (A part taken over later is of a program
	 * whose prepare only reads the input: see voc_prog's any_order.) */
	for (int i = nthreads - 1; ok && i >= 0; i--)
		if (run->p->prepare != NULL &&
		    run->p->prepare(run->ctx, sp.part[i]->in, err) < 0)
			ok = 0;
	if (ok && pc->name == NULL && isatty(STDERR_FILENO)) {
		w[0].run.total = cut[1];
		voc_input_progress(sp.part[0]->in, progress, &w[0].run);
	}
	for (int i = 0; ok && i < nthreads; i++) {
		if (pthread_create(&tid[i], NULL, work, &w[i]) != 0) {
			/* The run is read again in one pass: those started
			 * take over nothing more. */
			pthread_mutex_lock(&sp.mu);
			sp.failed = 1;
			pthread_mutex_unlock(&sp.mu);
			break;
		}
		started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	if (started < nthreads || sp.failed)
		ok = 0;
	if (w[0].run.progress_shown)
		fputs("\r\033[K", stderr);
	/* The parts in the file's order: part i's lines follow those of
	 * the parts before it.  Without taking over, part i is thread i's. */
	qsort(sp.part, (size_t)sp.nparts, sizeof(sp.part[0]), part_order);
	long offset = pc->line_offset;
	int rc = ok, first = run->t == NULL;
	for (int i = 0; ok && i < sp.nparts; i++) {
		if (!sp.take)
			rebase_lines(w[i].run.t, offset);
		voc_books_add(&run->books, &sp.part[i]->books, offset);
		offset += sp.part[i]->lines;
	}
	for (int i = 0; ok && i < nthreads; i++) {
		if (i == 0 && first) {
			run->t = w[0].run.t;
			w[0].run.t = NULL;
			if (set_names(run, sp.part[0]->in) < 0)
				rc = -1;
		} else if (voc_table_merge(run->t, w[i].run.t) < 0)
			rc = -1;
	}
	pc->lines = offset - pc->line_offset;
	if (rc > 0 && first) {
		/* The first part's input stays open to the end of the run:
		 * names the program took from it in prepare live there. */
		run->in = sp.part[0]->in;
		sp.part[0]->in = NULL;
	} else if (rc > 0 && run->p->prepare != NULL) {
		/* What prepare took from this piece's inputs, closed below,
		 * points into the kept input again; it succeeded there. */
		(void)run->p->prepare(run->ctx, run->in, err);
	}
	for (int i = 0; i < sp.nparts; i++)
		part_free(sp.part[i]);
	for (int i = 0; i < nthreads; i++)
		voc_table_free(w[i].run.t);
	if (sp.fd >= 0)
		close(sp.fd);
	pthread_mutex_destroy(&sp.mu);
	free(w);
	return rc;
}

/* ---- standard input on every core ---- */

static int
put_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, s, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/*
 * Copies up to want bytes from fd `from` to the end of the file `to`:
 * with splice(2) where the kernel can (a pipe into a memory file, no
 * copy through this process), else read and write.  Returns the bytes
 * copied (fewer than want only at the end of the input) or -1.
 */
static long long
spool(int from, int to, long long want)
{
	char buf[1 << 16];
	long long got = 0;
	int use_splice = 1;

	while (got < want) {
		ssize_t n;

		if (use_splice) {
			n = splice(from, NULL, to, NULL, (size_t)(want - got),
			    SPLICE_F_MOVE);
			if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {
				use_splice = 0;
				continue;
			}
		} else {
			size_t ask = want - got < (long long)sizeof(buf) ?
			    (size_t)(want - got) : sizeof(buf);
			n = read(from, buf, ask);
			if (n > 0 && put_all(to, buf, (size_t)n) < 0)
				return -1;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

/* What a thread writes into the pipe that replaces standard input. */
struct feed {
	int mfd;		/* the bytes already taken from the input */
	long long len;
	int from, to;		/* the rest of the input; the new pipe */
};

static void *
feed_run(void *arg)
{
	struct feed *f = arg;
	char buf[1 << 16];
	sigset_t set;
	ssize_t n;

	/* A reader that stops early closes the pipe: the write fails with
	 * EPIPE here instead of the signal ending the program. */
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (long long off = 0; off < f->len; off += n) {
		n = pread(f->mfd, buf, sizeof(buf), (off_t)off);
		if (n <= 0 || put_all(f->to, buf, (size_t)n) < 0)
			goto done;
	}
	while ((n = read(f->from, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || put_all(f->to, buf, (size_t)n) < 0)
			break;
	}
done:
	close(f->to);
	close(f->from);
	close(f->mfd);
	free(f);
	return NULL;
}

/*
 * Gives back the len bytes spooled into mfd: standard input becomes a
 * pipe that a thread fills with them and then with the rest of the
 * input, so one pass reads it all as it came.  Returns 0 or -1.
 */
static int
unread(int mfd, long long len)
{
	struct feed *f = malloc(sizeof(*f));
	pthread_attr_t attr;
	pthread_t tid;
	int p[2];

	if (f == NULL || pipe(p) < 0) {
		free(f);
		return -1;
	}
	f->mfd = mfd;
	f->len = len;
	f->from = dup(STDIN_FILENO);
	f->to = p[1];
	if (f->from < 0 || dup2(p[0], STDIN_FILENO) < 0) {
		close(p[0]);
		close(p[1]);
		free(f);
		return -1;
	}
	close(p[0]);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&tid, &attr, feed_run, f);
	pthread_attr_destroy(&attr);
	return rc == 0 ? 0 : -1;
}

/* Reads one piece in one pass (the whole of a small input, or a piece
 * cut inside a record).  Returns 1, or -1 with err set. */
static int
piece_serial(struct voc_run *run, char *path, struct piece *pc,
    int open_tail, long long *tail, struct voc_error *err)
{
	struct voc_input_range r = {0, 0, "stdin", open_tail, NULL};
	struct voc_run one = *run;
	int first = run->t == NULL, rc = -1;

	memset(&one.books, 0, sizeof(one.books));
	one.in = NULL;
	if ((one.t = new_table(run->p, run->ctx)) == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		goto done;
	}
	if ((one.in = voc_input_open(run->c, run->p->name, &path, 1, &r,
	    &one.books, err)) == NULL)
		goto done;
	if (run->p->prepare != NULL && run->p->prepare(run->ctx, one.in,
	    err) < 0)
		goto done;
	if (step_rows(&one, err) < 0)
		goto done;
	*tail = voc_reader_tail(voc_input_reader(one.in));
	pc->lines = voc_input_lines(one.in);
	rebase_lines(one.t, pc->line_offset);
	if (first) {
		run->t = one.t;
		one.t = NULL;
		if (set_names(run, one.in) < 0) {
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
			goto done;
		}
		run->in = one.in;
		one.in = NULL;
	} else {
		if (voc_table_merge(run->t, one.t) < 0) {
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
			goto done;
		}
		if (run->p->prepare != NULL)
			(void)run->p->prepare(run->ctx, run->in, err);
	}
	voc_books_add(&run->books, &one.books, pc->line_offset);
	rc = 1;
done:
	/* An error's line in the piece is a line of the whole input. */
	if (rc < 0 && err != NULL && err->line > 0)
		err->line += pc->line_offset;
	voc_input_close(one.in);
	voc_table_free(one.t);
	return rc;
}

/* The next piece, filled from standard input while the threads read
 * the current one: the header, the bytes carried over, then input. */
struct spooler {
	int mfd;
	long long piece;
	const char *hdr, *carry;
	size_t hlen, clen;
	long long got;		/* input bytes spooled, or -1 */
	int err;		/* errno of a failure */
};

static void *
spool_run(void *arg)
{
	struct spooler *sp = arg;

	sp->got = -1;
	/* The last piece's pages are written over, not freed and made
	 * anew: a memory file's new pages are zeroed by the kernel, which
	 * was a third of the time of reading a pipe.  The file is cut to
	 * what this piece wrote. */
	if (lseek(sp->mfd, 0, SEEK_SET) < 0 ||
	    put_all(sp->mfd, sp->hdr, sp->hlen) < 0 ||
	    put_all(sp->mfd, sp->carry, sp->clen) < 0 ||
	    (sp->got = spool(STDIN_FILENO, sp->mfd, sp->piece)) < 0 ||
	    ftruncate(sp->mfd, (off_t)(sp->hlen + sp->clen) +
	    (off_t)sp->got) < 0) {
		sp->got = -1;
		sp->err = errno;
	}
	return NULL;
}

/* Puts the len bytes at tail in front of what follows the header in
 * the file mfd: the record left open at the end of the last piece
 * begins this one.  Returns 0 or -1. */
static int
prepend(int mfd, size_t hlen, const char *tail, size_t len)
{
	long long size = lseek(mfd, 0, SEEK_END);
	size_t rest = (size_t)(size - (long long)hlen);
	char *buf = malloc(len + rest + 1);
	int rc = -1;

	if (buf != NULL && pread(mfd, buf + len, rest, (off_t)hlen) ==
	    (ssize_t)rest) {
		memcpy(buf, tail, len);
		if (ftruncate(mfd, (off_t)hlen) == 0 &&
		    lseek(mfd, 0, SEEK_END) >= 0 &&
		    put_all(mfd, buf, len + rest) == 0)
			rc = 0;
	}
	free(buf);
	return rc;
}

/* The offset just past the last LF of mfd at or after from, or -1. */
static long long
last_lf(int mfd, long long from)
{
	char buf[65536];
	long long at = lseek(mfd, 0, SEEK_END);

	while (at > from) {
		long long lo = at - (long long)sizeof(buf) > from ?
		    at - (long long)sizeof(buf) : from;
		ssize_t n = pread(mfd, buf, (size_t)(at - lo), (off_t)lo);

		if (n <= 0)
			return -1;
		for (ssize_t i = n; i > 0; i--)
			if (buf[i - 1] == '\n')
				return lo + i;
		at = lo;
	}
	return -1;
}

/*
 * Standard input on every core.  A pipe cannot be cut into byte ranges
 * as a file is, so it is taken in pieces of PIECE bytes, each spooled
 * into a memory file (splice: no copy through this process) behind the
 * header, cut after its last line break, and read as a file is, in
 * nthreads ranges, while a thread spools the next piece into a second
 * memory file; the bytes after the cut begin the next piece.  A piece
 * whose cut fell inside a quoted field is read in one pass that stops
 * before the open record, which then begins the next piece; a piece
 * with no line break past the header (a record longer than a piece)
 * sends it and the rest of the input to one pass.
 * Returns 1 when done, 0 when standard input is to be read in one pass
 * (not a pipe; gzip, decoded, JSON Lines or lone-CR input, as the
 * reader decides from the first piece; options that need one pass),
 * with whatever was taken from it given back; -1 on error.
 */
static int
read_pipe(struct voc_run *run, int nthreads, struct voc_error *err)
{
	const struct voc_common *c = run->c;
	const char *enc = c->rd.encoding;
	char path[2][64], *hdr = NULL, *carry = NULL;
	size_t hlen = 0, clen = 0;
	long hlines = 0, base = 0;
	struct stat sb;
	int mfd[2] = {-1, -1}, rc = -1, eof, fits = 0;
	long long got, piece = PIECE;
	unsigned long long taken = 0;
	const char *env = getenv("VOCKIT_PIECE_BYTES");

	/* The cores wait for the first piece: it is small, and each next
	 * one twice the last, up to PIECE (a size set for tests stays). */
	long long want = PIECE_FIRST;

	if (env != NULL && atoll(env) >= 1)
		piece = want = atoll(env);
	if (fstat(STDIN_FILENO, &sb) < 0 || !S_ISFIFO(sb.st_mode) ||
	    c->rd.skip_rows > 0 || c->rd.no_header || c->rd.libcsv_only ||
	    c->rd.format == VOC_FMT_JSONL || (enc != NULL &&
	    strcasecmp(enc, "utf-8") != 0 && strcasecmp(enc, "utf8") != 0))
		return 0;
	/* A pipe of 1 MB: the writer and the spooler wake each other less
	 * often (as the reader does for one pass). */
	(void)fcntl(STDIN_FILENO, F_SETPIPE_SZ, 1 << 20);
	for (int i = 0; i < 2; i++) {
		if ((mfd[i] = memfd_create("vockit-stdin", MFD_CLOEXEC)) < 0) {
			if (i == 1)
				close(mfd[0]);
			return 0;
		}
		snprintf(path[i], sizeof(path[i]), "/proc/self/fd/%d",
		    mfd[i]);
	}
	if ((got = spool(STDIN_FILENO, mfd[0], want)) < 0)
		goto rerr;
	eof = got < want;
	/*
	 * The header, for the pieces after the first, read by the reader
	 * that decides what the input is: pieces are for plain (not gzip,
	 * not decoded) CSV or TSV whose lines end at LF; anything else, or
	 * a header that does not read, is given back to one pass (which
	 * reports the error).
	 */
	if (access(path[0], R_OK) == 0) {
		struct voc_input_range r = {0, 0, "stdin", 0, NULL};
		struct voc_books b;
		struct voc_input *in;
		char *one = path[0];

		memset(&b, 0, sizeof(b));
		if ((in = voc_input_open(c, run->p->name, &one, 1, &r, &b,
		    err)) != NULL) {
			const struct voc_reader *rd = voc_input_reader(in);

			if (voc_reader_plain(rd) && voc_reader_format(rd) !=
			    VOC_FMT_JSONL && !voc_reader_cr_lines(rd)) {
				hlen = (size_t)voc_reader_data_start(rd);
				hlines = voc_input_lines(in);
				fits = 1;
			}
			voc_input_close(in);
		}
		voc_error_clear(err);
		/* The header whole in the first piece, ending at its LF. */
		if (fits && (hlen == 0 || (long long)hlen > got ||
		    (hdr = malloc(hlen + 1)) == NULL ||
		    pread(mfd[0], hdr, hlen, 0) != (ssize_t)hlen ||
		    hdr[hlen - 1] != '\n'))
			fits = 0;
	}
	if (!fits) {
		free(hdr);
		close(mfd[1]);
		if (unread(mfd[0], got) < 0) {
			close(mfd[0]);
			return voc_error_set(err, VOC_ERR_DATA, "stdin", 0,
			    "cannot read standard input again: %s",
			    strerror(errno));
		}
		return 0;
	}
	for (int k = 0;; k++) {
		int cur = k & 1;
		long long cut = lseek(mfd[cur], 0, SEEK_END), tail = -1;
		struct piece pc = {"stdin", k == 0 ? 0 : base - hlines, 0};
		struct spooler sp = {mfd[!cur], want * 2 < piece ? want * 2 :
		    piece, hdr, NULL, hlen, 0, 0, 0};
		pthread_t tid;
		int spooling = 0;

		free(carry);
		carry = NULL;
		clen = 0;
		if (!eof) {
			/* Cut after the last LF; what follows starts the next
			 * piece. */
			long long size = cut;

			if ((cut = last_lf(mfd[cur], (long long)hlen)) < 0) {
				/* A record longer than a piece: the rest in
				 * one pass, this piece (header included) and
				 * then the rest of the input. */
				char *dash = "-";

				if (unread(mfd[cur], size) < 0)
					goto rerr;
				mfd[cur] = -1;
				rc = piece_serial(run, dash, &pc, 0, &tail,
				    err) < 0 ? -1 : 1;
				goto done;
			}
			clen = (size_t)(size - cut);
			if ((carry = malloc(clen + 1)) == NULL)
				goto nomem;
			if (pread(mfd[cur], carry, clen, (off_t)cut) !=
			    (ssize_t)clen || ftruncate(mfd[cur], cut) < 0)
				goto rerr;
			sp.carry = carry;
			sp.clen = clen;
			if (pthread_create(&tid, NULL, spool_run, &sp) != 0)
				spool_run(&sp);
			else
				spooling = 1;
		}
		int r = read_split(run, path[cur], nthreads, &pc, err);
		if (r == 0) {
			voc_error_clear(err);
			r = piece_serial(run, path[cur], &pc, !eof, &tail, err);
		} else if (r < 0)
			voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
		if (spooling)
			pthread_join(tid, NULL);
		if (r < 0)
			goto done;
		base = k == 0 ? pc.lines : base + pc.lines - hlines;
		/* Progress a piece at a time: rows, and the bytes read. */
		taken += (unsigned long long)(cut - (k == 0 ? 0 :
		    (long long)hlen));
		if (isatty(STDERR_FILENO))
			progress(run, run->books.rows, taken);
		if (eof)
			break;
		if ((got = sp.got) < 0) {
			errno = sp.err;
			goto rerr;
		}
		want = sp.piece;
		eof = got < want;
		if (tail >= 0) {
			/* The open record goes on in the next piece. */
			size_t tl = (size_t)(cut - tail);
			char *t = malloc(tl + 1);

			if (t == NULL)
				goto nomem;
			if (pread(mfd[cur], t, tl, (off_t)tail) != (ssize_t)tl ||
			    prepend(mfd[!cur], hlen, t, tl) < 0) {
				free(t);
				goto rerr;
			}
			free(t);
			clen += tl;
		}
		if (got == 0 && clen == 0)
			break;
	}
	rc = 1;
	goto done;
nomem:
	voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
	goto done;
rerr:
	voc_error_set(err, VOC_ERR_DATA, "stdin", 0, "read error: %s",
	    strerror(errno));
done:
	if (run->progress_shown)
		fputs("\r\033[K", stderr);
	free(hdr);
	free(carry);
	for (int i = 0; i < 2; i++)
		if (mfd[i] >= 0)
			close(mfd[i]);
	return rc;
}

/*
 * --dedupe: a first pass finds, for each value of the column, the row to
 * keep (the earliest by --time, or with --keep last the latest; ties by
 * row order); the second pass steps only those rows.
 */
struct pick {
	int64_t time;
	long long rowno;
};

static int
pick_merge(void *dst, const void *src, const void *cfg)
{
	(void)dst;
	(void)src;
	(void)cfg;
	return 0;
}

static const struct voc_state_ops pick_ops = {"dedupe", 1, NULL, pick_merge,
    NULL, NULL, NULL, NULL};

struct dedupe {
	struct voc_table *t;
	size_t col;
	int last, pass;
	struct voc_key key;
	int oom;
};

static int
dedupe_keep(void *arg, long long rowno, const struct voc_record *rec)
{
	struct dedupe *d = arg;
	const char *s = rec->row->field[d->col];
	size_t len = rec->row->len[d->col];
	struct pick *p;

	voc_text_trim(&s, &len);
	voc_key_reset(&d->key);
	if (voc_key_text(&d->key, s, len) < 0) {
		d->oom = 1;
		return 1;
	}
	if (d->pass == 2) {
		p = voc_table_find(d->t, d->key.buf, d->key.len);
		return p != NULL && p->rowno == rowno;
	}
	if ((p = voc_table_find(d->t, d->key.buf, d->key.len)) == NULL) {
		if ((p = voc_table_get(d->t, d->key.buf, d->key.len)) == NULL) {
			d->oom = 1;
			return 1;
		}
		p->time = rec->time;
		p->rowno = rowno;
	} else if (d->last ? rec->time >= p->time : rec->time < p->time) {
		p->time = rec->time;
		p->rowno = rowno;
	}
	return 1;
}

static int
dedupe_pass(struct voc_run *run, struct dedupe *d, char **files, int nfiles,
    struct voc_error *err)
{
	struct voc_books books;
	struct voc_input *in;
	struct voc_record rec;
	int rc;

	for (int i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") == 0)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "--dedupe reads the input twice: give a file, not "
			    "standard input");
	if (nfiles == 0)
		return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
		    "--dedupe reads the input twice: give a file, not "
		    "standard input");
	memset(&books, 0, sizeof(books));
	if ((in = voc_input_open(run->c, run->p->name, files, nfiles, NULL,
	    &books, err)) == NULL)
		return -1;
	if (voc_input_column(in, run->c->dedupe, &d->col, err) < 0) {
		voc_input_close(in);
		return -1;
	}
	d->pass = 1;
	voc_input_limit(in);
	voc_input_keep(in, dedupe_keep, d);
	while ((rc = voc_input_next(in, &rec, err)) == 1)
		;
	voc_input_close(in);
	d->pass = 2;
	if (rc == 0 && d->oom)
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
	return rc;
}

static int
read_input(struct voc_run *run, char **files, int nfiles,
    struct voc_error *err)
{
	const struct voc_common *c = run->c;
	int nthreads = (int)threads(c);
	struct dedupe d;
	int rc;

	memset(&d, 0, sizeof(d));
	if (c->dedupe) {
		d.last = c->keep_last;
		nthreads = 1;
		if ((d.t = voc_table_new(&pick_ops, sizeof(struct pick), NULL)) ==
		    NULL) {
			rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
			goto done;
		}
		if ((rc = dedupe_pass(run, &d, files, nfiles, err)) < 0)
			goto done;
	}
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	if (nthreads > 1 && nfiles == 1 && strcmp(files[0], "-") != 0 &&
	    !c->strict) {
		struct piece whole = {NULL, 0, 0};

		if ((rc = read_split(run, files[0], nthreads, &whole,
		    err)) != 0) {
			if (rc < 0)
				rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0,
				    "out of memory");
			else
				rc = 0;
			goto done;
		}
		voc_error_clear(err);
	}
	if (nthreads > 1 && (nfiles == 0 || (nfiles == 1 &&
	    strcmp(files[0], "-") == 0)) && !c->strict) {
		if ((rc = read_pipe(run, nthreads, err)) != 0) {
			if (rc > 0)
				rc = 0;
			goto done;
		}
	}
	rc = -1;
	if ((run->t = new_table(run->p, run->ctx)) == NULL) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		goto done;
	}
	if ((run->in = voc_input_open(c, run->p->name, files, nfiles, NULL,
	    &run->books, err)) == NULL)
		goto done;
	if (set_names(run, run->in) < 0) {
		voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
		goto done;
	}
	if (run->p->prepare != NULL && run->p->prepare(run->ctx, run->in,
	    err) < 0)
		goto done;
	if (isatty(STDERR_FILENO)) {
		struct stat sb;

		for (int i = 0; i < nfiles; i++) {
			if (strcmp(files[i], "-") == 0 || stat(files[i], &sb) < 0
			    || !S_ISREG(sb.st_mode)) {
				run->total = 0;
				break;
			}
			run->total += (long long)sb.st_size;
		}
		voc_input_progress(run->in, progress, run);
	}
	if (c->dedupe)
		voc_input_keep(run->in, dedupe_keep, &d);
	rc = step_rows(run, err);
	if (run->progress_shown)
		fputs("\r\033[K", stderr);
	if (rc == 0 && d.oom)
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
done:
	voc_table_free(d.t);
	voc_key_free(&d.key);
	return rc;
}

static int
read_states(struct voc_run *run, const struct voc_state_hdr *h, char **files,
    int nfiles, struct voc_error *err)
{
	static char *const stdin_only[] = {"-"};
	struct voc_state_seen seen;
	int rc = 0;

	memset(&seen, 0, sizeof(seen));
	if ((run->t = new_table(run->p, run->ctx)) == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	if (nfiles == 0) {
		files = (char **)stdin_only;
		nfiles = 1;
	}
	for (int i = 0; rc == 0 && i < nfiles; i++)
		rc = voc_state_read(files[i], h, run->t, &run->books, &seen,
		    err);
	if (rc == 0 && seen.headers == 0)
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "no state header in the input: --merge reads what "
		    "--state-out writes");
	if (rc == 0) {
		run->names = seen.names;
		run->nnames = seen.nnames;
		seen.names = NULL;
		seen.nnames = 0;
	}
	voc_state_seen_free(&seen);
	return rc;
}

static int
write_state(struct voc_run *run, const struct voc_state_hdr *h,
    struct voc_error *err)
{
	int std = strcmp(run->c->state_out, "-") == 0;
	FILE *fp = std ? stdout : fopen(run->c->state_out, "w");
	struct voc_state_hdr hh = *h;

	if (fp == NULL)
		return voc_error_set(err, VOC_ERR_DATA, run->c->state_out, 0,
		    "%s", strerror(errno));
	hh.names = (const char *const *)run->names;
	hh.nnames = run->nnames;
	int rc = voc_state_write(fp, &hh, &run->books, run->t, err);
	errno = 0;
	if (fflush(fp) != 0 || ferror(fp)) {
		if (rc == 0)
			rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "write error: %s", strerror(errno ? errno : EIO));
	}
	if (!std && fclose(fp) != 0 && rc == 0)
		rc = voc_error_set(err, VOC_ERR_DATA, run->c->state_out, 0,
		    "write error: %s", strerror(errno));
	return rc;
}

/*
 * --columns: each column as vockit reads it, with how many of its values
 * are blank and its first three distinct values, so that an unknown
 * export's columns can be named (or numbered) and what was parsed seen.
 */
#define EXAMPLES 3
#define EXAMPLE_LEN 40

struct colinfo {
	long long blank;
	char ex[EXAMPLES][EXAMPLE_LEN + 4];
	int nex;
};

static int
list_columns(const struct voc_prog *p, const struct voc_common *c,
    char **files, int nfiles, struct voc_error *err)
{
	static const char *const names[] = {"column", "name", "rows", "blank",
	    "examples"};
	struct voc_reader *r;
	struct voc_row row;
	struct colinfo *ci = NULL;
	struct voc_writer *w = NULL;
	long long rows = 0;
	size_t n;
	int rc;

	if ((r = voc_reader_open((const char *const *)files, (size_t)nfiles,
	    &c->rd, err)) == NULL)
		return -1;
	n = voc_reader_ncols(r);
	if ((ci = calloc(n ? n : 1, sizeof(*ci))) == NULL) {
		voc_reader_close(r);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	}
	while ((rc = voc_reader_next(r, &row, err)) == 1) {
		rows++;
		if (row.error != NULL)
			continue;
		for (size_t i = 0; i < n && i < row.nfields; i++) {
			const char *s = row.field[i];
			size_t len = row.len[i];
			int seen = 0;

			voc_text_trim(&s, &len);
			if (len == 0) {
				ci[i].blank++;
				continue;
			}
			if (ci[i].nex == EXAMPLES)
				continue;
			char ex[EXAMPLE_LEN + 4];
			size_t k = len > EXAMPLE_LEN ? EXAMPLE_LEN : len;
			/* Cut at a character boundary. */
			while (k < len && k > 0 && ((unsigned char)s[k] & 0xC0) ==
			    0x80)
				k--;
			memcpy(ex, s, k);
			strcpy(ex + k, k < len ? "..." : "");
			/* One line per column: breaks and tabs become spaces. */
			for (size_t q = 0; q < k; q++)
				if ((unsigned char)ex[q] < 0x20)
					ex[q] = ' ';
			for (int e = 0; e < ci[i].nex; e++)
				seen |= strcmp(ci[i].ex[e], ex) == 0;
			if (!seen)
				strcpy(ci[i].ex[ci[i].nex++], ex);
		}
	}
	if (rc == 0 && (w = voc_writer_open_shaped(stdout, c->out, c->precision,
	    &c->shape, names,
	    5)) == NULL)
		rc = voc_error_set(err, VOC_ERR_DATA, NULL, 0, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char ex[EXAMPLES * (EXAMPLE_LEN + 8)] = "";

		for (int e = 0; e < ci[i].nex; e++) {
			if (e > 0)
				strcat(ex, " | ");
			strcat(ex, ci[i].ex[e]);
		}
		voc_writer_int(w, (long long)i + 1);
		voc_writer_str(w, voc_reader_colname(r, i));
		voc_writer_int(w, rows);
		voc_writer_int(w, ci[i].blank);
		voc_writer_str(w, ex);
	}
	if (w != NULL && voc_writer_close(w, 0, err) < 0)
		rc = -1;
	(void)p;
	free(ci);
	voc_reader_close(r);
	return rc < 0 ? -1 : 0;
}

/* The skip line, when rows were skipped. */
static void
report(const struct voc_run *run)
{
	const struct voc_books *b = &run->books;
	char where[300] = "", outside[128] = "";

	if (b->skipped == 0)
		return;
	if (b->first_file[0] != '\0')
		snprintf(where, sizeof(where), "%s:%ld: ", b->first_file,
		    b->first_line);
	if (b->filtered > 0)
		snprintf(outside, sizeof(outside), "; %lld more filtered out "
		    "by --where or the time window", b->filtered);
	fprintf(stderr, "%s: skipped %lld of %lld row%s (first: %s%s)%s\n",
	    run->p->name, b->skipped, b->rows, b->rows == 1 ? "" : "s", where,
	    b->first_why, outside);
	/* Rows skipped for more than one reason: a line per kind. */
	if (b->nreason < 2)
		return;
	for (int i = 0; i < b->nreason; i++) {
		const struct voc_reason *r = &b->reason[i];

		if (r->file[0] != '\0')
			fprintf(stderr, "%s:   %lld like %s:%ld: %s\n",
			    run->p->name, r->n, r->file, r->line, r->why);
		else
			fprintf(stderr, "%s:   %lld like: %s\n", run->p->name,
			    r->n, r->why);
	}
}

/* A day of the report zone, for messages. */
static void
day_label(const struct voc_common *c, int64_t t, char *buf, size_t size)
{
	struct voc_error err;
	struct voc_tz *tz = voc_tz_load(c->tz, &err);

	voc_period_label(VOC_BY_DAY, voc_period_index(VOC_BY_DAY, tz, t), buf,
	    size);
	voc_tz_free(tz);
}

/*
 * A result in which nothing could be counted is a data error, never a
 * table of zeros: no rows, every row blank or skipped, or a time window
 * that kept no row (the stale export of a cron job).  Returns 0, or -1
 * with err filled.
 */
static int
check_counted(const struct voc_run *run, struct voc_error *err)
{
	const struct voc_books *b = &run->books;
	const struct voc_common *c = run->c;
	char from[32], to[32];

	if (b->rows - b->skipped - b->nonresp > 0)
		return 0;
	if (b->rows == 0 && b->filtered > 0 && !b->has_time)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "no row passes "
		    "--where (%lld left out)", b->filtered);
	if (b->rows == 0 && b->filtered > 0) {
		day_label(c, b->tmin, from, sizeof(from));
		day_label(c, b->tmax, to, sizeof(to));
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "no row falls "
		    "in the time window (%s%s%s%s%s%s); the data run from %s to "
		    "%s", c->last ? "--last " : c->since ? "--since " : "",
		    c->last ? c->last : c->since ? c->since : "",
		    c->since && c->until ? ", " : "", c->until && !c->last ?
		    "--until " : "", c->until && !c->last ? c->until : "",
		    "", from, to);
	}
	if (b->rows == 0)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "no data rows: "
		    "nothing to count");
	return voc_error_set(err, VOC_ERR_DATA, NULL, 0, "nothing could be "
	    "counted: of %lld row%s, %lld %s blank and %lld skipped",
	    b->rows, b->rows == 1 ? "" : "s", b->nonresp, b->nonresp == 1 ?
	    "was" : "were", b->skipped);
}

int
voc_prog_main(const struct voc_prog *p, void *ctx, struct voc_common *c,
    int argc, char **argv)
{
	struct voc_common fam = *c;
	struct voc_run run;
	struct voc_error err;
	struct fingerprint f;
	struct voc_state_hdr h;
	int exit_now, status, rc;
	static char outbuf[1 << 16];

	voc_cli_defaults(c);
	c->scores = fam.scores;
	c->users = fam.users;
	c->amounts = fam.amounts;
	c->texts = fam.texts;
	status = parse(p, ctx, c, argc, argv, &exit_now);
	if (exit_now)
		return status;
	/* A table for a file or a pipe goes out in 64 KB writes, not
	 * stdio's 4 KB (100,000 groups made 2,500 write calls); a terminal
	 * keeps its line buffering.  (glibc takes no size without a
	 * buffer.) */
	if (!isatty(STDOUT_FILENO))
		(void)setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	memset(&run, 0, sizeof(run));
	run.p = p;
	run.ctx = ctx;
	run.c = c;
	voc_error_clear(&err);
	fingerprint(p, ctx, c, &f);
	memset(&h, 0, sizeof(h));
	h.prog = p->name;
	h.ops = p->state;
	h.opt_names = f.names;
	h.opt_values = f.values;
	h.nopts = f.n;

	if (c->columns) {
		if (list_columns(p, c, argv + optind, argc - optind, &err) < 0)
			return voc_cli_fail(p->name, &err);
		return 0;
	}
	if (c->merge)
		rc = read_states(&run, &h, argv + optind, argc - optind, &err);
	else
		rc = read_input(&run, argv + optind, argc - optind, &err);
	if (rc < 0) {
		status = voc_cli_fail(p->name, &err);
	} else if (c->state_out != NULL) {
		status = write_state(&run, &h, &err) < 0 ?
		    voc_cli_fail(p->name, &err) : 0;
	} else if (check_counted(&run, &err) < 0) {
		report(&run);
		status = voc_cli_fail(p->name, &err);
	} else {
		status = 0;
		if (p->finish(ctx, &run, &err) < 0)
			status = voc_cli_fail(p->name, &err);
		report(&run);
	}
	voc_input_close(run.in);
	voc_table_free(run.t);
	free_names(&run);
	return status;
}
