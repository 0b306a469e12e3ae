/*
 * Fuzzes the state-file loader of --merge (voc_state_read) with a
 * program's state ops built here in the shape of nps-score's: three
 * counts, three sums of weights and of squares, the non-responses and
 * an optional scale.  Whatever the stream, the loader either merges it
 * or fails with a one-line message, and what it merged can be written
 * again.  Each stream is read twice, as given and with a space after
 * each line's first brace (a key line as --state-out writes it is read
 * without jansson's tree; with the space, by jansson): the outcome must
 * be the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "voc/state.h"
#include "voc/table.h"

struct acc {
	long long n[3], nonresp, scale;
	double w[3], w2[3];
};

static int
acc_merge(void *dst, const void *src, const void *cfg)
{
	struct acc *a = dst;
	const struct acc *b = src;

	(void)cfg;
	for (int k = 0; k < 3; k++) {
		a->n[k] += b->n[k];
		a->w[k] += b->w[k];
		a->w2[k] += b->w2[k];
	}
	a->nonresp += b->nonresp;
	return 0;
}

static int
acc_save(const void *st, struct voc_enc *e, const void *cfg)
{
	const struct acc *a = st;
	int rc = 0;

	(void)cfg;
	for (int k = 0; k < 3; k++)
		rc |= voc_enc_int(e, a->n[k]);
	for (int k = 0; k < 3; k++)
		rc |= voc_enc_num(e, a->w[k]);
	for (int k = 0; k < 3; k++)
		rc |= voc_enc_num(e, a->w2[k]);
	return rc | voc_enc_int(e, a->nonresp);
}

static int
acc_load(void *st, struct voc_dec *d, const void *cfg, struct voc_error *err)
{
	struct acc *a = st;

	(void)cfg;
	for (int k = 0; k < 3; k++)
		if (voc_dec_int(d, &a->n[k], err) < 0)
			return -1;
	for (int k = 0; k < 3; k++)
		if (voc_dec_num(d, &a->w[k], err) < 0)
			return -1;
	for (int k = 0; k < 3; k++)
		if (voc_dec_num(d, &a->w2[k], err) < 0)
			return -1;
	if (voc_dec_int(d, &a->nonresp, err) < 0)
		return -1;
	if (voc_dec_left(d) > 0 && voc_dec_int(d, &a->scale, err) < 0)
		return -1;
	return 0;
}

static const struct voc_state_ops ops = {
	"nps", 1, NULL, acc_merge, NULL, acc_save, acc_load, NULL
};

/* Reads the stream at path into a new table: the outcome in *rc and
 * *err, what was merged written again into *out (NULL on failure). */
static void
load(const char *path, const struct voc_state_hdr *h, int *rc,
    struct voc_error *err, char **out, size_t *len)
{
	struct voc_state_seen seen;
	struct voc_books books;
	struct voc_table *t = voc_table_new(&ops, sizeof(struct acc), NULL);

	*out = NULL;
	*len = 0;
	*rc = -2;
	if (t == NULL)
		return;
	memset(&seen, 0, sizeof(seen));
	memset(&books, 0, sizeof(books));
	memset(err, 0, sizeof(*err));
	if ((*rc = voc_state_read(path, h, t, &books, &seen, err)) < 0) {
		if (strchr(err->msg, '\n') != NULL)
			abort();
	} else {
		FILE *fp = open_memstream(out, len);
		struct voc_error e;

		if (fp != NULL) {
			if (voc_state_write(fp, h, &books, t, &e) < 0 &&
			    strchr(e.msg, '\n') != NULL)
				abort();
			fclose(fp);
		}
	}
	voc_state_seen_free(&seen);
	voc_table_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const opt_names[] = {"-g", "-t", "--by", "--tz",
	    "--input-tz", "--date-order", "--since", "--until", "--last",
	    "-w", "-s"};
	static const char *const opt_values[] = {"region", "", "", "UTC",
	    "UTC", "", "", "", "", "", "score"};
	static const char *const names[] = {"region"};
	struct voc_state_hdr h = {"nps-score", &ops, opt_names, opt_values,
	    11, names, 1};
	struct voc_error err[2];
	const char *path;
	char *out[2];
	size_t len[2];
	int rc[2];

	if (size > 1 << 20 || (path = fuzz_file(data, size)) == NULL)
		return 0;
	load(path, &h, &rc[0], &err[0], &out[0], &len[0]);
	/* The same lines with a space after each line's first brace, which
	 * only jansson reads (a key line as written is read without it):
	 * the same outcome.  Not for gzip (its magic bytes first): a space
	 * among compressed bytes changes the lines, or where inflating
	 * fails. */
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		free(out[0]);
		return 0;
	}
	uint8_t *sp = malloc(size * 2 + 1);
	size_t n = 0;

	if (sp == NULL) {
		free(out[0]);
		return 0;
	}
	for (size_t i = 0; i < size; i++) {
		sp[n++] = data[i];
		if (data[i] == '{' && (i == 0 || data[i - 1] == '\n'))
			sp[n++] = ' ';
	}
	if ((path = fuzz_file(sp, n)) != NULL) {
		load(path, &h, &rc[1], &err[1], &out[1], &len[1]);
		if (rc[0] != -2 && rc[1] != -2 && (rc[0] != rc[1] ||
		    (rc[0] < 0 && (strcmp(err[0].msg, err[1].msg) != 0 ||
		    err[0].line != err[1].line)) || len[0] != len[1] ||
		    (len[0] > 0 && memcmp(out[0], out[1], len[0]) != 0)))
			abort();
		free(out[1]);
	}
	free(sp);
	free(out[0]);
	return 0;
}
