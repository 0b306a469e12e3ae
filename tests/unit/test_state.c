/*
 * Tests of the state stream's reading (lib/state.c).  A key line as
 * --state-out writes it is read without a tree; any other goes to
 * jansson.  Each random line here is read both ways: as made, and with
 * a space after its first brace (which jansson alone reads).  The two
 * must merge the same states or fail with the same message, file and
 * line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "voc/state.h"
#include "voc/table.h"

/* A state that keeps a digest of every value read, in the order read:
 * whole numbers, counts, numbers (their bits), strings (their bytes and
 * length), and how many there were. */
struct acc {
	uint64_t digest;
	long long values, lines;
};

static void
mix(uint64_t *h, uint64_t v)
{
	*h = (*h ^ v) * 0x100000001B3ULL;
	*h ^= *h >> 29;
}

static int
acc_merge(void *dst, const void *src, const void *cfg)
{
	struct acc *a = dst;
	const struct acc *b = src;

	(void)cfg;
	a->digest += b->digest;
	a->values += b->values;
	a->lines += b->lines;
	return 0;
}

static int
acc_save(const void *st, struct voc_enc *e, const void *cfg)
{
	const struct acc *a = st;

	(void)cfg;
	return voc_enc_int(e, (long long)(a->digest >> 12)) |
	    voc_enc_int(e, a->values) | voc_enc_int(e, a->lines);
}

/* An int, a count, a number, a string, then numbers and strings as they
 * come. */
static int
acc_load(void *st, struct voc_dec *d, const void *cfg, struct voc_error *err)
{
	struct acc *a = st;
	long long i;
	double x;
	const char *s;
	size_t len;
	uint64_t bits;

	(void)cfg;
	a->lines = 1;
	if (voc_dec_int(d, &i, err) < 0)
		return -1;
	mix(&a->digest, (uint64_t)i);
	if (voc_dec_count(d, &i, err) < 0)
		return -1;
	mix(&a->digest, (uint64_t)i);
	if (voc_dec_num(d, &x, err) < 0)
		return -1;
	memcpy(&bits, &x, sizeof(bits));
	mix(&a->digest, x != x ? 1 : bits);
	if (voc_dec_str(d, &s, &len, err) < 0)
		return -1;
	/* Its bytes end with a NUL, as jansson's strings do. */
	if (s[len] != '\0')
		return -1;
	for (size_t k = 0; k < len; k++)
		mix(&a->digest, (unsigned char)s[k]);
	mix(&a->digest, len);
	a->values = 4;
	while (voc_dec_left(d) > 0) {
		if (voc_dec_next_is_num(d)) {
			if (voc_dec_num(d, &x, err) < 0)
				return -1;
			memcpy(&bits, &x, sizeof(bits));
			mix(&a->digest, x != x ? 1 : bits);
		} else {
			if (voc_dec_str(d, &s, &len, err) < 0)
				return -1;
			for (size_t k = 0; k < len; k++)
				mix(&a->digest, (unsigned char)s[k]);
		}
		a->values++;
	}
	return 0;
}

static const struct voc_state_ops ops = {
	"digest", 1, NULL, acc_merge, NULL, acc_save, acc_load, NULL
};

static const char *const opt_names[] = {"-g"};
static const char *const opt_values[] = {"g"};
static const char *const names[] = {"g"};
static const struct voc_state_hdr hdr = {"test", &ops, opt_names,
    opt_values, 1, names, 1};

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static unsigned
pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Numbers as JSON writes them, and some it does not. */
static const char *const numbers[] = {
	"0", "-0", "7", "-12", "123456789", "9007199254740993",
	"9223372036854775807", "-9223372036854775808",
	"9223372036854775808", "-9223372036854775809",
	"99999999999999999999999", "1.5", "-0.0", "0.1",
	"3.141592653589793238462643383279", "1e5", "1E+5", "2.5e-3",
	"1e-400", "4.9e-324", "1e308", "1e400", "-1e400", "01", "00", "1.",
	".5", "1.e5", "+1", "-", "1e", "1e+", "--1", "0x10", "NaN",
	"Infinity", "1_000", "null", "true", "false", "nul", "[]", "[1]",
	"{}"
};

/* Strings, as they would stand in a line. */
static const char *const strings[] = {
	"\"a\"", "\"\"", "\"segment 1\"", "\"\xE6\x97\xA5\xE6\x9C\xAC\"",
	"\"\xEF\xBD\xBD\xEF\xBE\x80\"", "\"\xF0\x9F\x98\x80\"",
	"\"\xFF\"", "\"\xC0\xAF\"", "\"\xED\xA0\x80\"", "\"\xE6\x97\"",
	"\"\x01\"", "\"a\tb\"", "\"\x7F\"", "\"a\\\"b\"", "\"a\\\\b\"",
	"\"\\u0041\"", "\"\\u0000x\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"",
	"\"unterminated", "\"a\"\"b\"", "'a'"
};

/* Of each kind, values a load takes: whole numbers (counts too), other
 * numbers and null, strings. */
static const char *const good_ints[] = {
	"0", "-0", "7", "12", "123456789", "9007199254740992", "-12",
	"9223372036854775807", "-9223372036854775808"
};
static const char *const good_nums[] = {
	"0", "3", "1.5", "-0.0", "0.1", "3.141592653589793238462643383279",
	"1e5", "1E+5", "2.5e-3", "1e-400", "4.9e-324", "1e308", "null",
	"28.000000000000004", "-57.456537261081195"
};
static const char *const good_strs[] = {
	"\"a\"", "\"\"", "\"segment 1\"", "\"\xE6\x97\xA5\xE6\x9C\xAC\"",
	"\"\xEF\xBD\xBD\xEF\xBE\x80\"", "\"\xF0\x9F\x98\x80\"",
	"\"a\tb\"", "\"\x7F\""
};

#define PICK(a) ((a)[pick(sizeof(a) / sizeof((a)[0]))])

/* A value of kind (0 whole number, 1 number, 2 string, 3 any, good or
 * not); one in ten is any. */
static void
put_value(char *buf, size_t *n, size_t cap, int kind)
{
	const char *v;

	if (kind == 3 || pick(10) == 0)
		v = pick(2) ? PICK(numbers) : PICK(strings);
	else
		v = kind == 0 ? PICK(good_ints) : kind == 1 ? PICK(good_nums) :
		    PICK(good_strs);
	*n += (size_t)snprintf(buf + *n, cap - *n, "%s", v);
}

/* A key line: mostly well made, with values of every kind. */
static void
make_line(char *buf, size_t cap)
{
	size_t n = 0, nk = pick(4), ns = 3 + pick(5);

	n += (size_t)snprintf(buf + n, cap - n, "%s", pick(20) ? "{\"k\":[" :
	    "{\"k\": [");
	for (size_t i = 0; i < nk; i++) {
		if (i > 0)
			buf[n++] = ',';
		put_value(buf, &n, cap, pick(4) ? 2 : pick(2) ? 0 : 1);
	}
	n += (size_t)snprintf(buf + n, cap - n, "%s", pick(30) ? "],\"s\":[" :
	    "],\"s\" :[");
	for (size_t i = 0; i < ns; i++) {
		if (i > 0)
			buf[n++] = pick(60) ? ',' : ' ';
		/* What the load reads there: a whole number, a count, a
		 * number, a string, then numbers and strings. */
		put_value(buf, &n, cap, i < 2 ? 0 : i == 2 ? 1 : i == 3 ? 2 :
		    pick(2) ? 1 : 2);
	}
	n += (size_t)snprintf(buf + n, cap - n, "%s", pick(30) ? "]}" :
	    pick(2) ? "]} " : "]}x");
	n += (size_t)snprintf(buf + n, cap - n, "%s", pick(10) ? "\n" :
	    pick(2) ? "\r\n" : "");
}

struct outcome {
	int rc;
	struct voc_error err;
	char *state;		/* the merged table as a state stream */
	size_t len;
};

/* Reads the header and lines (their text at text) from a file at path;
 * the outcome in *o. */
static void
read_lines(const char *path, const char *header, const char *text,
    struct outcome *o)
{
	FILE *fp = fopen(path, "w");
	struct voc_table *t = voc_table_new(&ops, sizeof(struct acc), NULL);
	struct voc_books books;
	struct voc_state_seen seen;

	fputs(header, fp);
	fputs(text, fp);
	fclose(fp);
	memset(&books, 0, sizeof(books));
	memset(&seen, 0, sizeof(seen));
	memset(&o->err, 0, sizeof(o->err));
	o->rc = voc_state_read(path, &hdr, t, &books, &seen, &o->err);
	o->state = NULL;
	o->len = 0;
	if (o->rc == 0) {
		FILE *m = open_memstream(&o->state, &o->len);
		struct voc_error e;

		voc_state_write(m, &hdr, &books, t, &e);
		fclose(m);
	}
	voc_state_seen_free(&seen);
	voc_table_free(t);
}

/* Every line of text with "{ " for its first "{": jansson's alone. */
static char *
spaced(const char *text)
{
	char *out = malloc(strlen(text) * 2 + 1), *o = out;
	int bol = 1;

	for (const char *p = text; *p; p++) {
		*o++ = *p;
		if (bol && *p == '{')
			*o++ = ' ';
		bol = *p == '\n';
	}
	*o = '\0';
	return out;
}

static int
same_outcome(const struct outcome *a, const struct outcome *b)
{
	return a->rc == b->rc && strcmp(a->err.msg, b->err.msg) == 0 &&
	    strcmp(a->err.file, b->err.file) == 0 && a->err.line ==
	    b->err.line && a->len == b->len && (a->len == 0 ||
	    memcmp(a->state, b->state, a->len) == 0);
}

/* n files of lines random lines each, read both ways; returns the files
 * whose outcomes differ, and counts those that merged in *merged. */
static int
differential(const char *path, const char *header, int n, int lines,
    int *merged)
{
	char line[4096], *text = malloc((size_t)lines * sizeof(line) + 1);
	int differ = 0;

	*merged = 0;
	for (int f = 0; f < n; f++) {
		struct outcome a, b;
		char *sp;

		text[0] = '\0';
		for (int i = 0; i < lines; i++) {
			make_line(line, sizeof(line));
			strcat(text, line);
			if (line[strlen(line) - 1] != '\n')
				strcat(text, "\n");
		}
		sp = spaced(text);
		read_lines(path, header, text, &a);
		read_lines(path, header, sp, &b);
		if (!same_outcome(&a, &b)) {
			if (differ++ < 3)
				fprintf(stderr, "differ: rc %d/%d \"%s\" / "
				    "\"%s\" line %ld/%ld, in:\n%s", a.rc, b.rc,
				    a.err.msg, b.err.msg, a.err.line,
				    b.err.line, text);
		}
		*merged += a.rc == 0;
		free(a.state);
		free(b.state);
		free(sp);
	}
	free(text);
	return differ;
}

int
main(void)
{
	char path[] = "/tmp/vockit-test-state.XXXXXX", *header = NULL;
	size_t hlen = 0;
	int fd = mkstemp(path), merged;

	CHECK(fd >= 0);
	if (fd < 0)
		return check_done("test_state");
	close(fd);

	/* The header of this program's stream, from an empty table. */
	FILE *m = open_memstream(&header, &hlen);
	struct voc_table *t = voc_table_new(&ops, sizeof(struct acc), NULL);
	struct voc_books books;
	struct voc_error err;

	memset(&books, 0, sizeof(books));
	CHECK(voc_state_write(m, &hdr, &books, t, &err) == 0);
	fclose(m);
	voc_table_free(t);

	/* A line as written, read without a tree: values of each kind,
	 * a Japanese key, a count at its bound. */
	struct outcome a, b;
	read_lines(path, header, "{\"k\":[\"\xE6\x97\xA5\xE6\x9C\xAC\"],"
	    "\"s\":[-5,9007199254740992,0.25,\"x\",null,7,\"y\"]}\n"
	    "{\"k\":[\"\xE6\x97\xA5\xE6\x9C\xAC\"],\"s\":[1,2,1e-3,\"\"]}\n",
	    &a);
	CHECK(a.rc == 0);
	CHECK(a.len > 0 && strstr(a.state, ",11,2]}") != NULL);
	free(a.state);
	/* A count past 2^53, a string where a number goes: the messages
	 * of the load, at the line. */
	read_lines(path, header, "{\"k\":[\"a\"],\"s\":[1,9007199254740993,"
	    "0,\"x\"]}\n", &a);
	CHECK(a.rc < 0 && a.err.line == 2 &&
	    strstr(a.err.msg, "not a count") != NULL);
	read_lines(path, header, "{\"k\":[\"a\"],\"s\":[1,2,\"x\",\"x\"]}\n",
	    &b);
	CHECK(b.rc < 0 && strstr(b.err.msg, "not a number") != NULL);

	/* Random lines, one a file and ten a file, both ways. */
	CHECK(differential(path, header, 6000, 1, &merged) == 0);
	printf("test_state: %d of 6000 one-line files merged\n", merged);
	CHECK(merged > 300);
	CHECK(differential(path, header, 300, 10, &merged) == 0);
	remove(path);
	free(header);
	return check_done("test_state");
}
