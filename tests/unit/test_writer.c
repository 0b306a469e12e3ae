/*
 * writer and text: every output format, unknown values, decimal marks,
 * table alignment by display width, a full disk; UTF-8 checks and widths.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "voc/text.h"
#include "voc/writer.h"

/* The bytes a shaped writer writes for cells given as a string: one
 * character a cell, 's' a text cell, 'n' a number, 'p' a p-value, taken
 * in turn from text[] and num[]. */
static char *
render_shaped(enum voc_outfmt fmt, int precision,
    const struct voc_writer_shape *shape, const char *const *names,
    size_t ncols, const char *kinds, const char *const *text,
    const double *num, int *rc)
{
	static char out[4096];
	FILE *fp = tmpfile();
	struct voc_error err;
	struct voc_writer *w = voc_writer_open_shaped(fp, fmt, precision,
	    shape, names, ncols);

	for (; *kinds; kinds++)
		if (*kinds == 's')
			voc_writer_str(w, *text++);
		else if (*kinds == 'n')
			voc_writer_num(w, *num++);
		else
			voc_writer_pvalue(w, *num++);
	*rc = voc_writer_close(w, 0, &err);
	rewind(fp);
	size_t n = fread(out, 1, sizeof(out) - 1, fp);
	out[n] = '\0';
	fclose(fp);
	if (*rc < 0)
		snprintf(out, sizeof(out), "ERR %d: %s", err.kind, err.msg);
	return out;
}

static char *
render(enum voc_outfmt fmt)
{
	static char out[4096];
	const char *names[] = {"group", "n", "nps"};
	FILE *fp = tmpfile();
	struct voc_error err;

	struct voc_writer *w = voc_writer_open(fp, fmt, 2, names, 3);
	voc_writer_str(w, "a,\"b\"");
	voc_writer_int(w, 12);
	voc_writer_num(w, -0.001);
	voc_writer_str(w, "\xE6\x97\xA5\xE6\x9C\xAC");	/* 2 wide chars */
	voc_writer_int(w, 3);
	voc_writer_num(w, NAN);
	CHECK(voc_writer_close(w, 0, &err) == 0);
	rewind(fp);
	size_t n = fread(out, 1, sizeof(out) - 1, fp);
	out[n] = '\0';
	fclose(fp);
	return out;
}

/* The shortest form the slow way, as the writer defined it before its
 * printf-free path: %.15g, %.16g or %.17g, the first that reads back,
 * written without an exponent where %g used one for a modest number. */
static void
reference(double v, char *buf, size_t size)
{
	int p;
	char *e;

	if (v == (double)(long long)v && fabs(v) < 9007199254740992.0) {
		snprintf(buf, size, "%lld", (long long)v);
		return;
	}
	for (p = 15; p < 17; p++) {
		snprintf(buf, size, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (p == 17)
		snprintf(buf, size, "%.17g", v);
	if ((e = strchr(buf, 'e')) != NULL) {
		int exp = atoi(e + 1), digits = 0;

		if (exp >= -5 && exp < 17) {
			for (char *q = buf; q < e; q++)
				digits += *q >= '0' && *q <= '9';
			snprintf(buf, size, "%.*f", digits - 1 - exp > 0 ?
			    digits - 1 - exp : 0, v);
		}
	}
}

/* Random doubles of every size the writer meets, the sums of two
 * decimals (0.1 + 0.2) whose shortest form needs 17 digits, decimals of
 * 14 to 17 digits read as doubles (where 15, 16 and 17 digits part),
 * and powers of ten and of two with their neighbours; either sign. */
static int
shortest_agrees(int n)
{
	uint64_t x = 88172645463325252ULL;
	int same = 1;

	for (int i = 0; i < n && same; i++) {
		char a[64], b[64];
		double v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (i % 7) {
		case 0:		/* any mantissa, exponent 2^-20 .. 2^55 */
			v = ldexp((double)(x >> 11) / 9007199254740992.0,
			    (int)(x % 76) - 20);
			break;
		case 1:		/* short decimals */
			v = (double)(long long)(x % 2000001 - 1000000) /
			    pow(10, (double)(x % 9));
			break;
		case 2:		/* percentages of counts */
			v = 100.0 * (double)(x % 997) / (double)(1 + x % 4999);
			break;
		case 3:
			v = (double)(x % 1000) / 10 + (double)(x % 7) / 10;
			break;
		case 4: {	/* 14 to 17 digits, 10^-6 .. 10^15, read
				 * back as a double, or a neighbour */
			char s[40];
			int digits = 14 + (int)(x % 4);
			uint64_t y = x * 0x9E3779B97F4A7C15ULL,
			    d = 1 + x / 7 % 9;

			for (int k = 1; k < digits; k++, y /= 10)
				d = d * 10 + y % 10;
			snprintf(s, sizeof(s), "%llue%d", (unsigned long long)d,
			    (int)(x >> 8 & 31) % 22 - 5 - digits);
			v = strtod(s, NULL);
			v = x % 3 == 0 ? v : x % 3 == 1 ? nextafter(v, 0) :
			    nextafter(v, INFINITY);
			break;
		}
		case 5:		/* a power of ten (where the first digit's
				 * exponent changes) or a neighbour */
			v = pow(10, (double)(x % 24) - 6);
			v = x % 3 == 0 ? v : x % 3 == 1 ? nextafter(v, 0) :
			    nextafter(v, INFINITY);
			break;
		default:	/* a power of two (its gap below is half as
				 * wide) or a neighbour */
			v = ldexp(1, (int)(x % 70) - 20);
			v = x % 3 == 0 ? v : x % 3 == 1 ? nextafter(v, 0) :
			    nextafter(v, INFINITY);
			break;
		}
		if (x >> 63)
			v = -v;
		voc_writer_format_num(v, -1, a, sizeof(a));
		reference(v == 0 ? 0 : v, b, sizeof(b));
		if (strcmp(a, b) != 0) {
			fprintf(stderr, "shortest(%.17g): %s, want %s\n", v, a,
			    b);
			same = 0;
		}
	}
	return same;
}

/* Row i of a table for parts_agree: a text of about 900 bytes (rows
 * past the part's 2 MB blocks), Japanese text, numbers; bad is the row
 * whose text CP932 cannot hold (-1 none). */
static void
part_row(struct voc_writer *w, int i, int bad)
{
	char text[1024];

	snprintf(text, sizeof(text), "%s%05d %.*s", i == bad ?
	    "\xF0\x9F\x98\x80" : i % 3 ? "\xE5\xBA\x97" : "=x", i,
	    800 + i % 97, "the comment of a customer, \"quoted\", "
	    "repeated: the comment of a customer, \"quoted\", repeated: "
	    "the comment of a customer, \"quoted\", repeated: the comment "
	    "of a customer, \"quoted\", repeated: the comment of a "
	    "customer, \"quoted\", repeated: the comment of a customer, "
	    "\"quoted\", repeated: the comment of a customer, \"quoted\", "
	    "repeated: the comment of a customer, \"quoted\", repeated: the "
	    "comment of a customer, \"quoted\", repeated: the comment of a "
	    "customer, \"quoted\", repeated: the comment of a customer, "
	    "\"quoted\", repeated: the comment of a customer, \"quoted\", "
	    "repeated: the comment of a customer, \"quoted\", repeated: the "
	    "comment of a customer, \"quoted\", repeated: the comment of a "
	    "customer, \"quoted\", repeated: the comment of a customer, "
	    "\"quoted\", repeated: the comment of a customer, \"quoted\".");
	voc_writer_str(w, text);
	voc_writer_int(w, i);
	voc_writer_num(w, 100.0 * i / 7);
	voc_writer_num(w, i % 5 ? -0.25 * i : NAN);
	voc_writer_pvalue(w, 1.0 / (i + 2));
}

/* The bytes and the close of a table written whole, against the same
 * rows written as a first half and a part (voc_writer_part) joined
 * after it: they must agree. */
static int
parts_agree(enum voc_outfmt fmt, const struct voc_writer_shape *shape,
    int rows, int bad)
{
	const char *names[] = {"text", "n", "share", "change", "p_value"};
	FILE *fp[2] = {tmpfile(), tmpfile()};
	char *buf[2];
	long len[2];
	int rc[2];
	struct voc_error err[2];

	for (int k = 0; k < 2; k++) {
		struct voc_writer *w = voc_writer_open_shaped(fp[k], fmt, -1,
		    shape, names, 5);
		struct voc_writer *part = k ? voc_writer_part(w) : NULL;

		if (k == 1 && part == NULL)
			return 0;
		for (int i = 0; i < rows; i++)
			part_row(k && i >= rows / 2 ? part : w, i, bad);
		if (part != NULL)
			voc_writer_join(w, part, 1);
		rc[k] = voc_writer_close(w, 0, &err[k]);
		len[k] = ftell(fp[k]);
		buf[k] = malloc((size_t)len[k] + 1);
		rewind(fp[k]);
		if (fread(buf[k], 1, (size_t)len[k], fp[k]) != (size_t)len[k])
			len[k] = -1;
		fclose(fp[k]);
	}
	int same = len[0] > 0 && len[0] == len[1] && memcmp(buf[0], buf[1],
	    (size_t)len[0]) == 0 && rc[0] == rc[1] && (rc[0] == 0 ||
	    strcmp(err[0].msg, err[1].msg) == 0);
	if (!same)
		fprintf(stderr, "parts: %ld and %ld bytes, close %d and %d\n",
		    len[0], len[1], rc[0], rc[1]);
	free(buf[0]);
	free(buf[1]);
	return same;
}

/* Rows gather before they go out, and a quoted cell goes out directly:
 * rows of plain and quoted text, far past what gathers, each in its
 * place (the text written here, against the text made by hand). */
static int
rows_in_order(enum voc_outfmt fmt, int rows)
{
	const char *names[] = {"text", "n", "x"};
	char d = fmt == VOC_OUT_CSV ? ',' : '\t', cell[64];
	FILE *fp = tmpfile();
	struct voc_writer *w = voc_writer_open(fp, fmt, -1, names, 3);
	struct voc_error err;
	size_t cap = (size_t)rows * 64 + 64, len = 0;
	char *want = malloc(cap), *got = malloc(cap);
	int ok;

	len += (size_t)snprintf(want, cap, "text%cn%cx\n", d, d);
	for (int i = 0; i < rows; i++) {
		/* Every third text needs quotes: a comma and a quote. */
		snprintf(cell, sizeof(cell), i % 3 ? "row %d" : "row, \"%d\"",
		    i);
		voc_writer_str(w, cell);
		voc_writer_int(w, i);
		voc_writer_num(w, i / 4.0);
		len += (size_t)snprintf(want + len, cap - len, i % 3 ?
		    "row %d%c%d%c%g\n" : "\"row, \"\"%d\"\"\"%c%d%c%g\n", i, d,
		    i, d, i / 4.0);
	}
	ok = voc_writer_close(w, 0, &err) == 0 && ftell(fp) == (long)len;
	rewind(fp);
	ok = ok && fread(got, 1, len, fp) == len && memcmp(got, want, len) ==
	    0;
	fclose(fp);
	free(want);
	free(got);
	return ok;
}

/* Numbers written through a writer, many times over, from a few
 * thousand values and from random ones (places that the memo shares):
 * each cell must be what voc_writer_format_num writes for it. */
static int
memo_agrees(enum voc_outfmt fmt, int precision, int rows)
{
	const char *names[] = {"a", "b", "c", "d"};
	FILE *fp = tmpfile();
	struct voc_writer *w = voc_writer_open(fp, fmt, precision, names, 4);
	struct voc_error err;
	double *v = malloc((size_t)rows * 4 * sizeof(*v));
	uint64_t x = 88172645463325252ULL;
	char line[4 * VOC_NUM_ROOM + 8], want[VOC_NUM_ROOM];
	int ok = fp != NULL && w != NULL && v != NULL, sep = fmt ==
	    VOC_OUT_CSV ? ',' : '\t';

	for (int i = 0; ok && i < rows * 4; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int n = 1 + (int)(x % 60), p = (int)(x >> 20) % (n + 1);
		switch (i % 4) {
		case 0:	/* a share: few values, repeated */
			v[i] = 100.0 * p / n;
			break;
		case 1:	/* its bound */
			v[i] = 100.0 * p / n - 1.96 * sqrt(p * (n - p) /
			    (double)n) / n * 100;
			break;
		case 2:	/* random bits: all over the memo */
			memcpy(&v[i], &x, sizeof(v[i]));
			if (isnan(v[i]) || isinf(v[i]))
				v[i] = (double)(x >> 11) / 7;
			break;
		default: /* a whole number, and an empty cell */
			v[i] = i % 28 == 3 ? NAN : (double)(x % 1000);
		}
		voc_writer_num(w, v[i]);
	}
	ok = ok && voc_writer_close(w, 0, &err) == 0;
	rewind(fp);
	ok = ok && fgets(line, sizeof(line), fp) != NULL;
	for (int i = 0; ok && i < rows; i++) {
		char *c = fgets(line, sizeof(line), fp);

		for (int k = 0; ok && k < 4; k++) {
			char *end = c == NULL ? NULL : strchr(c, k < 3 ? sep :
			    '\n');

			voc_writer_format_num(v[i * 4 + k], precision, want,
			    sizeof(want));
			ok = end != NULL && (size_t)(end - c) == strlen(want) &&
			    memcmp(c, want, strlen(want)) == 0;
			if (!ok)
				fprintf(stderr, "memo: row %d cell %d: %.*s, "
				    "not %s\n", i, k, end ? (int)(end - c) : 0,
				    c ? c : "", want);
			c = end ? end + 1 : NULL;
		}
	}
	if (fp != NULL)
		fclose(fp);
	free(v);
	return ok;
}

/* At a fixed precision a number is printf's %.*f whatever its size (it
 * was cut at 63 bytes: 1e62 and up lost their last digits), formatted
 * alone and written in a row. */
static int
wide_numbers(void)
{
	static const double v[] = {-7.8904214067409111e64, 1e70, -DBL_MAX,
	    DBL_MAX, 1.5e200, -2.5e300};
	int ok = 1;

	for (int precision = 0; precision <= 15; precision += 5)
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			char want[400], got[VOC_NUM_ROOM], line[400];
			const char *names[] = {"x"};
			FILE *fp = tmpfile();
			struct voc_writer *w = fp ? voc_writer_open(fp,
			    VOC_OUT_CSV, precision, names, 1) : NULL;
			struct voc_error err;

			snprintf(want, sizeof(want), "%.*f", precision, v[i]);
			voc_writer_format_num(v[i], precision, got,
			    sizeof(got));
			ok &= strcmp(got, want) == 0;
			if (w != NULL) {
				voc_writer_num(w, v[i]);
				ok &= voc_writer_close(w, 0, &err) == 0;
			}
			ok &= fp != NULL && w != NULL;
			if (fp != NULL) {
				rewind(fp);
				ok &= fgets(line, sizeof(line), fp) != NULL &&
				    fgets(line, sizeof(line), fp) != NULL &&
				    strncmp(line, want, strlen(want)) == 0 &&
				    line[strlen(want)] == '\n';
				fclose(fp);
			}
			if (strcmp(got, want) != 0)
				fprintf(stderr, "wide: %.17g at %d: %s, not "
				    "%s\n", v[i], precision, got, want);
		}
	return ok;
}

int
main(void)
{
	CHECK(wide_numbers());
	CHECK(shortest_agrees(400000));
	CHECK(memo_agrees(VOC_OUT_CSV, -1, 20000));
	CHECK(memo_agrees(VOC_OUT_TSV, -1, 3000));
	CHECK(memo_agrees(VOC_OUT_CSV, 2, 20000));
	CHECK(rows_in_order(VOC_OUT_CSV, 30000));
	CHECK(rows_in_order(VOC_OUT_TSV, 30000));
	CHECK_STR(render(VOC_OUT_CSV), "group,n,nps\n\"a,\"\"b\"\"\",12,0.00\n"
	    "\xE6\x97\xA5\xE6\x9C\xAC,3,\n");
	CHECK_STR(render(VOC_OUT_TSV), "group\tn\tnps\n\"a,\"\"b\"\"\"\t12\t0.00\n"
	    "\xE6\x97\xA5\xE6\x9C\xAC\t3\t\n");
	CHECK_STR(render(VOC_OUT_JSONL),
	    "{\"group\":\"a,\\\"b\\\"\",\"n\":12,\"nps\":0.00}\n"
	    "{\"group\":\"\xE6\x97\xA5\xE6\x9C\xAC\",\"n\":3,\"nps\":null}\n");
	/* Widths 5 ("group", a,"b"), 2 and 4; the Japanese word is 4
	 * columns wide, so it gets 1 space of padding, not 2 per byte. */
	CHECK_STR(render(VOC_OUT_TABLE), "group   n   nps\n"
	    "a,\"b\"  12  0.00\n"
	    "\xE6\x97\xA5\xE6\x9C\xAC    3      \n");

	enum voc_outfmt f;
	CHECK(voc_writer_parse_format("jsonl", &f) == 0 && f == VOC_OUT_JSONL);
	CHECK(voc_writer_parse_format("xml", &f) == -1);

	/* A full disk is an error at close. */
	FILE *full = fopen("/dev/full", "w");
	if (full != NULL) {
		const char *names[] = {"x"};
		struct voc_error err;
		struct voc_writer *w = voc_writer_open(full, VOC_OUT_CSV, 2,
		    names, 1);
		voc_writer_int(w, 1);
		CHECK(voc_writer_close(w, 1, &err) == -1);
		CHECK(strstr(err.msg, "No space left on device") != NULL);
	}

	/* text */
	CHECK(voc_text_utf8_check("plain ascii text", 16) == 16);
	CHECK(voc_text_utf8_check("ok\xE3\x81\x82", 5) == 5);
	CHECK(voc_text_utf8_check("ok\x82\xA0", 4) == 2);	/* CP932 */
	CHECK(voc_text_utf8_check("\xC0\xAF", 2) == 0);	/* overlong */
	CHECK(voc_text_utf8_check("\xED\xA0\x80", 3) == 0);	/* surrogate */
	CHECK(voc_text_utf8_check("\xE3\x81", 2) == 0);	/* cut short */
	CHECK(voc_text_width("abc", 3) == 3);
	CHECK(voc_text_width("\xE3\x81\x82\xEF\xBC\xA1", 6) == 4); /* あＡ */
	CHECK(voc_text_width("e\xCC\x81", 3) == 1);	/* e + combining */
	const char *s = "  x y \t";
	size_t len = strlen(s);
	voc_text_trim(&s, &len);
	CHECK(len == 3 && strncmp(s, "x y", 3) == 0);
	CHECK(voc_text_ieq("Region", "REGION", 6));
	/* Japanese input: ideographic spaces are blanks, full-width digits
	 * are digits. */
	s = "\xE3\x80\x80x\xE3\x80\x80 ";
	len = strlen(s);
	voc_text_trim(&s, &len);
	CHECK(len == 1 && *s == 'x');
	int v = -1;
	CHECK(voc_text_scale_number("\xEF\xBC\x91\xEF\xBC\x90", 6, &v) == 0
	    && v == 10);					/* １０ */
	CHECK(voc_text_scale_number("\xEF\xBC\x99\xEF\xBC\x8E\xEF\xBC\x90",
	    9, &v) == 0 && v == 9);				/* ９．０ */
	CHECK(voc_text_scale_number(" 9.0 ", 5, &v) == 0 && v == 9);
	CHECK(voc_text_scale_number("10 - Extremely likely", 21, &v) == 0 &&
	    v == 10);
	CHECK(voc_text_scale_number("9.5", 3, &v) == -2);
	CHECK(voc_text_scale_number("9pts", 4, &v) == -2);
	CHECK(voc_text_scale_number("\xE3\x80\x80", 3, &v) == -1);
	CHECK(voc_text_scale_number("n/a", 3, &v) == -2);
	CHECK(!voc_text_ieq("Region", "REGIO", 5));

	/* Unique output names: later duplicates get the first free "_N"
	 * ("n_2" is taken by column 4, so the second "n" is "n_3"). */
	{
		static char out[512];
		const char *dup[] = {"n", "A", "n", "n_2", "A"};
		FILE *fp = tmpfile();
		struct voc_error err;
		struct voc_writer *w = voc_writer_open(fp, VOC_OUT_JSONL, -1,
		    dup, 5);

		voc_writer_str(w, "EU");
		voc_writer_str(w, "x");
		voc_writer_int(w, 1);
		voc_writer_int(w, 2);
		voc_writer_str(w, "y");
		CHECK(voc_writer_close(w, 0, &err) == 0);
		rewind(fp);
		size_t n = fread(out, 1, sizeof(out) - 1, fp);
		out[n] = '\0';
		fclose(fp);
		CHECK_STR(out, "{\"n\":\"EU\",\"A\":\"x\",\"n_3\":1,"
		    "\"n_2\":2,\"A_2\":\"y\"}\n");
	}

	/* Table cells show control characters as escapes: no terminal
	 * codes, no second line. */
	{
		static char out[512];
		const char *names[] = {"g"};
		FILE *fp = tmpfile();
		struct voc_error err;
		struct voc_writer *w = voc_writer_open(fp, VOC_OUT_TABLE, -1,
		    names, 1);

		voc_writer_str(w, "a\x1b[31m\nb");
		CHECK(voc_writer_close(w, 0, &err) == 0);
		rewind(fp);
		size_t n = fread(out, 1, sizeof(out) - 1, fp);
		out[n] = '\0';
		fclose(fp);
		CHECK_STR(out, "g\na\\x1b[31m\\nb\n");
	}

	/* Messages: values cut at 40 bytes on a character boundary, with
	 * "…"; control characters escaped, so a message stays one line. */
	{
		struct voc_error err;
		char q[VOC_ERROR_QUOTE_SIZE];

		voc_error_set(&err, VOC_ERR_DATA, "f\nx", 2, "value \"%s\" bad",
		    "1\nnps-score: forged\x1b[31m");
		CHECK_STR(err.msg, "value \"1\\nnps-score: forged\\x1b[31m\" "
		    "bad");
		CHECK_STR(err.file, "f\\nx");
		voc_error_set(&err, VOC_ERR_DATA, NULL, 0, "\"%s\" is long",
		    "0123456789012345678901234567890123456789X");
		CHECK_STR(err.msg, "\"0123456789012345678901234567890123456789"
		    "\xE2\x80\xA6\" is long");
		/* 39 ASCII bytes, then a 3-byte character: cut after it. */
		CHECK_STR(voc_error_quote("012345678901234567890123456789012345678"
		    "\xE6\x97\xA5x", 43, q, sizeof(q)),
		    "012345678901234567890123456789012345678\xE6\x97\xA5"
		    "\xE2\x80\xA6");
		CHECK_STR(voc_error_quote("a\tb\xC2\x9B\xFF" "c", 7, q, sizeof(q)),
		    "a\\tb\\u009b\\xFFc");
		CHECK_STR(voc_error_quote("short", 5, q, sizeof(q)), "short");
	}
	/* --excel: a BOM, CRLF, and text cells starting with = + - @ tab
	 * or CR prefixed with ', quoted where CSV needs it (the CR); the
	 * numbers -0.25 and -12 are numbers and stay as they are, while
	 * the text "-5" is guarded. */
	{
		const char *names[] = {"g", "v"};
		const char *text[] = {"=SUM(A1)", "+1", "-5", "@x", "\tt",
		    "\rr", "a,b", "ok"};
		const double num[] = {-0.25, -12, 1, 2, 3, 4, 5, 6};
		struct voc_writer_shape sh = {NULL, 0, 1, NULL, 0};
		int rc;

		CHECK_STR(render_shaped(VOC_OUT_CSV, -1, &sh, names, 2,
		    "snsnsnsnsnsnsnsn", text, num, &rc),
		    "\xEF\xBB\xBFg,v\r\n'=SUM(A1),-0.25\r\n'+1,-12\r\n"
		    "'-5,1\r\n'@x,2\r\n'\tt,3\r\n\"'\rr\",4\r\n\"a,b\",5\r\n"
		    "ok,6\r\n");
		CHECK(rc == 0);
		/* Without --excel nothing is guarded. */
		sh.excel = 0;
		CHECK_STR(render_shaped(VOC_OUT_CSV, -1, &sh, names, 2,
		    "snsn", text, num, &rc), "g,v\n=SUM(A1),-0.25\n+1,-12\n");
		/* A header name is text too. */
		const char *bad[] = {"=cmd", "v"};
		sh.excel = 1;
		sh.no_header = 0;
		CHECK_STR(render_shaped(VOC_OUT_CSV, -1, &sh, bad, 2, "sn",
		    text + 7, num, &rc), "\xEF\xBB\xBF'=cmd,v\r\nok,-0.25\r\n");
	}

	/* --output-encoding CP932: 日本 is 93 FA 96 7B (JIS X 0208 row 38
	 * and 43 in Shift_JIS form); with --excel no BOM but CRLF.  An
	 * emoji has no CP932 form: a data error naming it and its cell. */
	{
		const char *names[] = {"g", "n"};
		const char *text[] = {"\xE6\x97\xA5\xE6\x9C\xAC",
		    "ok \xF0\x9F\x98\x80 here"};
		const double num[] = {3, 4};
		struct voc_writer_shape sh = {NULL, 0, 1, "CP932", 0};
		int rc;

		CHECK_STR(render_shaped(VOC_OUT_CSV, -1, &sh, names, 2, "sn",
		    text, num, &rc), "g,n\r\n\x93\xFA\x96\x7B,3\r\n");
		CHECK(rc == 0);
		sh.excel = 0;
		CHECK_STR(render_shaped(VOC_OUT_TABLE, 0, &sh, names, 2, "sn",
		    text, num, &rc), "g     n\n\x93\xFA\x96\x7B  3\n");
		CHECK_STR(render_shaped(VOC_OUT_CSV, -1, &sh, names, 2, "snsn",
		    text, num, &rc), "ERR 1: --output-encoding CP932: "
		    "\"\xF0\x9F\x98\x80\" (U+1F600) has no CP932 form, in the "
		    "cell \"ok \xF0\x9F\x98\x80 here\"; write UTF-8 (the default) "
		    "or change the value");
		CHECK(rc == -1);
	}

	/* p-values keep 2 significant digits whatever --precision. */
	{
		char buf[64];

		voc_writer_format_pvalue(0.0031, 2, buf, sizeof(buf));
		CHECK_STR(buf, "0.0031");
		voc_writer_format_pvalue(0.031, 2, buf, sizeof(buf));
		CHECK_STR(buf, "0.031");
		voc_writer_format_pvalue(0.5123, 1, buf, sizeof(buf));
		CHECK_STR(buf, "0.51");
		voc_writer_format_pvalue(0.5123, 3, buf, sizeof(buf));
		CHECK_STR(buf, "0.512");
		voc_writer_format_pvalue(1, 0, buf, sizeof(buf));
		CHECK_STR(buf, "1.0");
		voc_writer_format_pvalue(3.14e-7, 2, buf, sizeof(buf));
		CHECK_STR(buf, "3.1e-07");
		voc_writer_format_pvalue(0.0031, -1, buf, sizeof(buf));
		CHECK_STR(buf, "0.0031");
		voc_writer_format_pvalue(NAN, 2, buf, sizeof(buf));
		CHECK_STR(buf, "");
		/* 0 is a tail that underflowed: the smallest normal double,
		 * never a p-value of 0. */
		voc_writer_format_pvalue(0, 2, buf, sizeof(buf));
		CHECK_STR(buf, "2.2e-308");
		voc_writer_format_pvalue(0, -1, buf, sizeof(buf));
		CHECK_STR(buf, "2.2250738585072014e-308");
	}

	/* A table wider than the width: blocks of columns, each with the
	 * key column (text in every row) first; values never cut.  Widths:
	 * g 5, a 3, bb 2, c 6, so the whole is 5+2+3+2+2+2+6 = 22; at 16,
	 * block one holds g, a, bb (5+2+3+2+2 = 14; with c it would be 22)
	 * and block two g, c. */
	{
		const char *names[] = {"g", "a", "bb", "c"};
		const char *text[] = {"north", "south"};
		const double num[] = {1, 22, 123456, 333, 4, 5};
		struct voc_writer_shape sh = {NULL, 0, 0, NULL, 16};
		int rc;

		CHECK_STR(render_shaped(VOC_OUT_TABLE, 0, &sh, names, 4,
		    "snnnsnnn", text, num, &rc),
		    "g        a  bb\n"
		    "north    1  22\n"
		    "south  333   4\n"
		    "\n"
		    "g           c\n"
		    "north  123456\n"
		    "south       5\n");
		/* Wide enough: one block as before. */
		sh.width = 22;
		CHECK_STR(render_shaped(VOC_OUT_TABLE, 0, &sh, names, 4,
		    "snnnsnnn", text, num, &rc),
		    "g        a  bb       c\n"
		    "north    1  22  123456\n"
		    "south  333   4       5\n");
		/* At 8 the key (5 + 2) would take more than half the width,
		 * so it is not repeated: blocks g; a, bb (3+2+2 = 7); and c,
		 * wider than what is left, alone and whole. */
		sh.width = 8;
		CHECK_STR(render_shaped(VOC_OUT_TABLE, 0, &sh, names, 4,
		    "snnnsnnn", text, num, &rc),
		    "g\nnorth\nsouth\n\n  a  bb\n  1  22\n333   4\n\n"
		    "     c\n123456\n     5\n");
	}
	/* A long table written in two halves at once (voc_run_rows). */
	{
		struct voc_writer_shape plain = {NULL, 0, 0, NULL, 0};
		struct voc_writer_shape excel = {NULL, 0, 1, NULL, 0};
		struct voc_writer_shape cp932 = {NULL, 0, 0, "CP932", 0};
		struct voc_writer_shape some = {"p_value,text,n", 0, 0, NULL,
		    0};

		struct voc_writer_shape nosuch = {"nosuch", 0, 0, NULL, 0};
		const char *one[] = {"n"};
		FILE *fp = tmpfile();
		struct voc_error err;
		struct voc_writer *w;

		/* Which tables can be written in parts: streamed formats
		 * with no error so far. */
		w = voc_writer_open(fp, VOC_OUT_TABLE, -1, one, 1);
		CHECK(!voc_writer_streams(w));
		voc_writer_close(w, 0, &err);
		w = voc_writer_open(fp, VOC_OUT_JSONL, -1, one, 1);
		CHECK(voc_writer_streams(w));
		voc_writer_close(w, 0, &err);
		w = voc_writer_open_shaped(fp, VOC_OUT_CSV, -1, &nosuch, one,
		    1);
		CHECK(!voc_writer_streams(w));
		voc_writer_close(w, 0, &err);
		fclose(fp);
		/* 6,000 rows of about 900 bytes: the part's 2.7 MB span
		 * two blocks. */
		CHECK(parts_agree(VOC_OUT_CSV, &plain, 6000, -1));
		CHECK(parts_agree(VOC_OUT_TSV, &plain, 300, -1));
		CHECK(parts_agree(VOC_OUT_JSONL, &plain, 300, -1));
		CHECK(parts_agree(VOC_OUT_CSV, &excel, 300, -1));
		CHECK(parts_agree(VOC_OUT_CSV, &cp932, 300, -1));
		CHECK(parts_agree(VOC_OUT_JSONL, &some, 300, -1));
		/* A character CP932 lacks, in the part's rows and in the
		 * first half's: the same rows out, the same error. */
		CHECK(parts_agree(VOC_OUT_CSV, &cp932, 300, 222));
		CHECK(parts_agree(VOC_OUT_CSV, &cp932, 300, 22));
		CHECK(parts_agree(VOC_OUT_CSV, &cp932, 300, 150));
	}
	return check_done("test_writer");
}
