/*
 * The reader's CSV through the one-pass scanner (lib/scan.c) against
 * libcsv alone: for any input the two must hand out the same records,
 * with the same line numbers, bad rows and errors.  One difference is
 * allowed: the scanner checks UTF-8 (and meets a character the input's
 * encoding cannot decode) a record at a time and libcsv's path a line
 * at a time, so where a line holds such a byte, records cut by a lone CR
 * before it may be handed out by one and not the other, and another
 * error in them (a NUL in the header) may come first.  Both must still
 * stop.  The first byte picks the delimiter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "voc/reader.h"

struct dump {
	char *s;
	size_t len, cap;
};

static void
put(struct dump *d, const void *p, size_t n)
{
	if (d->len + n + 1 > d->cap) {
		size_t cap = (d->len + n + 1) * 2;
		char *s = realloc(d->s, cap);
		if (s == NULL)
			abort();
		d->s = s;
		d->cap = cap;
	}
	memcpy(d->s + d->len, p, n);
	d->len += n;
	d->s[d->len] = '\0';
}

/* Every record as "line:nfields:len:field...", one per record. */
static void
dump(const char *path, const struct voc_reader_opts *o, struct dump *d)
{
	struct voc_error err;
	struct voc_row row;
	char tmp[64];
	int rc;

	struct voc_reader *r = voc_reader_open(&path, 1, o, &err);
	if (r == NULL) {
		put(d, "open:", 5);
		put(d, err.msg, strlen(err.msg));
		return;
	}
	while ((rc = voc_reader_next(r, &row, &err)) == 1) {
		snprintf(tmp, sizeof(tmp), "%ld:%zu:", row.line, row.nfields);
		put(d, tmp, strlen(tmp));
		if (row.error != NULL) {
			put(d, row.error, strlen(row.error));
		} else
			for (size_t i = 0; i < row.nfields; i++) {
				snprintf(tmp, sizeof(tmp), "%zu:", row.len[i]);
				put(d, tmp, strlen(tmp));
				put(d, row.field[i], row.len[i]);
			}
		put(d, "\n", 1);
	}
	if (rc < 0) {
		put(d, "error:", 6);
		put(d, err.msg, strlen(err.msg));
	}
	voc_reader_close(r);
}

/* The dump's last line when it is an error ("error:" while reading,
 * "open:" at the header), or NULL; *utf8 says whether it is a byte that
 * does not decode (invalid UTF-8, or not valid in the input's encoding,
 * or a character cut by the end of input), which the scanner finds a
 * record at a time and libcsv's path a line at a time.  A field may hold
 * the same words: only the last line counts. */
static const char *
last_error(const struct dump *d, int *utf8)
{
	const char *p, *m;

	*utf8 = 0;
	if (d->len == 0)
		return NULL;
	p = d->s + d->len;
	while (p > d->s && p[-1] != '\n')
		p--;
	if (strncmp(p, "error:", 6) == 0)
		m = p + 6;
	else if (strncmp(p, "open:", 5) == 0)
		m = p + 5;
	else
		return NULL;
	*utf8 = strncmp(m, "invalid UTF-8", 13) == 0 ||
	    strncmp(m, "incomplete ", 11) == 0 ||
	    (strncmp(m, "byte 0x", 7) == 0 && strstr(m, "is not valid") !=
	    NULL);
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = {',', ';', '\t', '|'};
	struct voc_reader_opts fast, lib;
	struct dump a = {0}, b = {0};
	const char *path;

	if (size < 1 || size > 1 << 16)
		return 0;
	memset(&fast, 0, sizeof(fast));
	fast.format = VOC_FMT_CSV;
	fast.delim = delims[data[0] & 3];
	lib = fast;
	lib.libcsv_only = 1;
	if ((path = fuzz_file(data + 1, size - 1)) == NULL)
		return 0;
	dump(path, &fast, &a);
	dump(path, &lib, &b);
	int ua, ub;
	const char *ea = last_error(&a, &ua), *eb = last_error(&b, &ub);
	if (ea != NULL && eb != NULL && (ua || ub)) {
		/* Both stop; the shorter list of records is the start of the
		 * other. */
		size_t na = (size_t)(ea - a.s), nb = (size_t)(eb - b.s);
		/* The same message, at the header ("open:") by one and at
		 * a record ("error:") by the other where the header was
		 * cut by a lone CR before the bad byte. */
		if (memcmp(a.s, b.s, na < nb ? na : nb) == 0 &&
		    (ua == ub ? strcmp(strchr(ea, ':'), strchr(eb, ':')) ==
		    0 : 1))
			a.len = b.len = 0;
	}
	if (a.len != b.len || (a.len > 0 && memcmp(a.s, b.s, a.len) != 0)) {
		fprintf(stderr, "fast path:\n%s\nlibcsv:\n%s\n", a.s, b.s);
		abort();
	}
	free(a.s);
	free(b.s);
	return 0;
}
