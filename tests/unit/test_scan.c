/*
 * scan: cases worked by hand, then a differential test: random CSV texts
 * (quoted fields, "" escapes, embedded delimiters and newlines, CRLF, lone
 * CRs, stray quotes, multi-byte UTF-8, fields that cross 64-byte blocks)
 * are split by libcsv set up as lib/reader.c sets it up (non-strict,
 * CSV_APPEND_NULL, no space trimming) and by voc_scan_record at every
 * classifier level, whole and fed in random chunks, storing all fields or
 * only a few.  Records, fields, field counts, LF counts and the
 * unterminated-quote flag must agree; invalid UTF-8 must be reported at
 * the offset voc_text_utf8_check gives.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>

#include <csv.h>

#include "check.h"
#include "voc/scan.h"
#include "voc/text.h"

#define MAXF 64

/* ---- records as libcsv reads them ---- */

struct rec {
	size_t nf;
	char *f[MAXF];
	size_t len[MAXF];
};

struct recs {
	struct rec *r;
	size_t n, cap;
	int overflow;
};

static void
recs_free(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		for (size_t k = 0; k < rs->r[i].nf && k < MAXF; k++)
			free(rs->r[i].f[k]);
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

static struct rec *
recs_cur(struct recs *rs)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 16;
		rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
		if (rs->r == NULL)
			abort();
	}
	return &rs->r[rs->n];
}

static void
add_field(struct recs *rs, const char *s, size_t len)
{
	struct rec *r = recs_cur(rs);

	if (r->nf < MAXF) {
		r->f[r->nf] = malloc(len + 1);
		if (r->f[r->nf] == NULL)
			abort();
		memcpy(r->f[r->nf], s, len);
		r->f[r->nf][len] = '\0';
		r->len[r->nf] = len;
	} else
		rs->overflow = 1;
	r->nf++;
}

static void
cb_field(void *s, size_t len, void *data)
{
	add_field(data, s, len);
}

static void
cb_row(int c, void *data)
{
	struct recs *rs = data;

	(void)c;
	rs->n++;
	recs_cur(rs)->nf = 0;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* Splits text with libcsv; returns whether a quoted field was left open. */
static int
libcsv_split(const char *text, size_t len, int delim, struct recs *rs)
{
	struct csv_parser p;
	int open;

	memset(rs, 0, sizeof(*rs));
	recs_cur(rs)->nf = 0;
	if (csv_init(&p, CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		abort();
	csv_set_delim(&p, (unsigned char)delim);
	csv_set_space_func(&p, no_space);
	if (csv_parse(&p, text, len, cb_field, cb_row, rs) != len)
		abort();
	open = p.pstate == 2 && p.quoted;
	csv_fini(&p, cb_field, cb_row, rs);
	csv_free(&p);
	return open;
}

/* ---- the same text through the scanner ---- */

static long
count_lf(const char *s, size_t n)
{
	long k = 0;

	for (size_t i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

/*
 * Splits text with voc_scan_record, chunk bytes arriving at a time (0:
 * all at once), storing at most maxf fields; compares with want.  Returns
 * the number of disagreements (each also a failed CHECK).
 */
static int
scan_compare(const char *text, size_t len, int delim, size_t chunk,
    size_t maxf, const struct recs *want, int want_open, const char *what)
{
	char *buf = malloc(len + 1);
	struct voc_scan_field fld[MAXF];
	struct voc_scan_rec rec;
	size_t pos = 0, avail = chunk ? (chunk < len ? chunk : len) : len;
	size_t nrec = 0;
	long lines = 0;
	int bad = 0, rc;

	if (buf == NULL)
		abort();
	memcpy(buf, text, len);
	buf[len] = 'X';
	for (;;) {
		size_t used;
		unsigned fl = VOC_SCAN_NUL | (avail == len ? VOC_SCAN_EOF : 0);

		rc = voc_scan_record(buf + pos, avail - pos, delim, fl, fld,
		    maxf, &rec, &used);
		if (rc < 0) {
			bad++;
			break;
		}
		if (rec.nl != count_lf(text + pos, used)) {
			bad++;
			break;
		}
		if (rc == 0) {
			pos += used;
			lines += rec.nl;
			if (avail == len)
				break;
			avail += chunk;
			if (avail > len)
				avail = len;
			continue;
		}
		if (rec.start_nl != count_lf(text + pos, rec.start)) {
			bad++;
			break;
		}
		if (nrec >= want->n) {
			bad++;
			break;
		}
		const struct rec *w = &want->r[nrec];
		if (rec.nfields != w->nf) {
			bad++;
			break;
		}
		for (size_t k = 0; k < w->nf && k < maxf; k++) {
			if (fld[k].len != w->len[k] || memcmp(fld[k].s,
			    w->f[k], w->len[k]) != 0 ||
			    fld[k].s[fld[k].len] != '\0')
				bad++;
		}
		if (rec.unterminated != (want_open && nrec + 1 == want->n))
			bad++;
		if (bad)
			break;
		pos += used;
		lines += rec.nl;
		nrec++;
	}
	if (nrec != want->n || (rc == 0 && pos != len) ||
	    (rc == 0 && lines != count_lf(text, len)))
		bad++;
	if (bad) {
		fprintf(stderr, "scan differs (%s, delim %d, chunk %zu, "
		    "max %zu) at record %zu of %zu, rc %d:\n", what, delim,
		    chunk, maxf, nrec, want->n, rc);
		for (size_t i = 0; i < len; i++)
			fprintf(stderr, isprint((unsigned char)text[i]) ? "%c" :
			    "\\x%02x", (unsigned char)text[i]);
		fprintf(stderr, "\n");
	}
	CHECK(bad == 0);
	free(buf);
	return bad;
}

/* ---- random texts ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

struct text {
	char *s;
	size_t len, cap;
};

static void
put(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		if ((t->s = realloc(t->s, t->cap)) == NULL)
			abort();
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
}

static void
puts_(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* Plain field text: letters, spaces, multi-byte characters, runs long
 * enough to cross blocks. */
static void
plain(struct text *t, int allow_quote, int allow_special, char delim)
{
	int n = (int)rnd(6);

	for (int i = 0; i < n; i++) {
		switch (rnd(10)) {
		case 0:
			puts_(t, "\xC3\xA9");		/* é */
			break;
		case 1:
			puts_(t, "\xE6\x97\xA5");	/* 日 */
			break;
		case 2:
			puts_(t, "\xF0\x9F\x98\x80");	/* U+1F600 */
			break;
		case 3: {
			int k = (int)rnd(80);
			for (int j = 0; j < k; j++)
				put(t, "x", 1);
			break;
		}
		case 4:
			if (allow_quote)
				put(t, "\"", 1);
			break;
		case 5:
			if (allow_special) {
				static const char *sp[] = {"\n", "\r\n", "\r",
				    "\"\""};
				puts_(t, sp[rnd(4)]);
				put(t, &delim, 1);
			}
			break;
		default:
			put(t, "ab " + rnd(3), 1);
		}
	}
}

/* A CSV text built from records of quoted and unquoted fields. */
static void
gen_structured(struct text *t, char delim)
{
	int nrec = (int)rnd(8);

	for (int r = 0; r < nrec; r++) {
		int nf = 1 + (int)rnd(6);

		if (rnd(8) == 0)
			puts_(t, rnd(2) ? "\n" : "\r\n");	/* blank */
		for (int f = 0; f < nf; f++) {
			if (f > 0)
				put(t, &delim, 1);
			if (rnd(3) == 0) {
				put(t, "\"", 1);
				plain(t, 0, 1, delim);
				if (rnd(10) == 0) {	/* stray quote */
					put(t, "\"", 1);
					plain(t, 0, 0, delim);
				}
				if (rnd(30) != 0 || r + 1 < nrec)
					put(t, "\"", 1);
			} else
				plain(t, rnd(10) == 0, 0, delim);
		}
		if (r + 1 < nrec || rnd(2)) {
			static const char *term[] = {"\n", "\r\n", "\r"};
			puts_(t, term[rnd(8) == 0 ? 2 : rnd(2)]);
		}
	}
}

/* Bytes drawn from the characters that matter, in any order. */
static void
gen_soup(struct text *t, char delim)
{
	int n = (int)rnd(200);

	for (int i = 0; i < n; i++) {
		switch (rnd(12)) {
		case 0:
		case 1:
			put(t, "\"", 1);
			break;
		case 2:
		case 3:
			put(t, &delim, 1);
			break;
		case 4:
			put(t, "\n", 1);
			break;
		case 5:
			put(t, "\r", 1);
			break;
		case 6:
			puts_(t, "\xE3\x81\x82");	/* あ */
			break;
		case 7: {
			int k = (int)rnd(70);
			for (int j = 0; j < k; j++)
				put(t, "y", 1);
			break;
		}
		default:
			put(t, "ab " + rnd(3), 1);
		}
	}
}

static void
differential(int ntexts)
{
	static const char delims[] = {',', ';', '\t', '|'};
	struct text t = {0};
	int fails = 0;

	for (int n = 0; n < ntexts && fails < 5; n++) {
		char delim = delims[rnd(4)];
		struct recs want;

		t.len = 0;
		put(&t, "", 0);
		if (n % 2)
			gen_soup(&t, delim);
		else
			gen_structured(&t, delim);
		int open = libcsv_split(t.s, t.len, delim, &want);
		if (want.overflow) {
			recs_free(&want);
			continue;
		}
		for (int lv = VOC_SCAN_PORTABLE; lv <= VOC_SCAN_AVX2; lv++) {
			voc_scan_set_level((enum voc_scan_level)lv);
			fails += scan_compare(t.s, t.len, delim, 0, MAXF, &want,
			    open, "whole") != 0;
			fails += scan_compare(t.s, t.len, delim, 1 + rnd(100),
			    MAXF, &want, open, "chunks") != 0;
			fails += scan_compare(t.s, t.len, delim, 0, rnd(3),
			    &want, open, "few fields") != 0;
		}
		recs_free(&want);
	}
	free(t.s);
}

/* Invalid UTF-8 is found at the offset of voc_text_utf8_check, in the
 * record that holds it, at every level. */
static void
utf8_random(int ntexts)
{
	static const char *const bits[] = {"a", ",", "\n", "\"", "\xC3\xA9",
	    "\xE2\x82\xAC", "\xF0\x90\x8D\x88", "\xC3", "\xE2\x82", "\x80",
	    "\xFF", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"};
	struct text t = {0};
	int fails = 0;

	for (int n = 0; n < ntexts && fails < 5; n++) {
		t.len = 0;
		put(&t, "", 0);
		int k = (int)rnd(60);
		for (int i = 0; i < k; i++)
			puts_(&t, bits[rnd(rnd(4) ? 7 : 15)]);
		size_t first_bad = voc_text_utf8_check(t.s, t.len);
		for (int lv = VOC_SCAN_PORTABLE; lv <= VOC_SCAN_AVX2; lv++) {
			struct voc_scan_field fld[4];
			struct voc_scan_rec rec;
			size_t pos = 0, used;
			int rc;
			char *buf = malloc(t.len + 1);

			voc_scan_set_level((enum voc_scan_level)lv);
			memcpy(buf, t.s, t.len);
			while ((rc = voc_scan_record(buf + pos, t.len - pos,
			    ',', VOC_SCAN_EOF, fld, 4, &rec, &used)) == 1)
				pos += used;
			if (rc == 0)
				pos += used;
			int ok = first_bad == t.len ? rc == 0 && pos == t.len :
			    rc == -1 && rec.err == VOC_SCAN_EUTF8 &&
			    pos + rec.bad_off == first_bad;
			CHECK(ok);
			if (!ok)
				fprintf(stderr, "utf8: level %d rc %d at "
				    "%zu+%zu, want %zu of %zu\n", lv, rc, pos,
				    rec.bad_off, first_bad, t.len);
			fails += !ok;
			free(buf);
		}
	}
	free(t.s);
}

/* Scans the whole of s with EOF, into r (fields NUL-terminated). */
static int
scan1(char *s, size_t len, int delim, unsigned fl, struct voc_scan_field *f,
    size_t max, struct voc_scan_rec *r, size_t *used)
{
	return voc_scan_record(s, len, delim, fl | VOC_SCAN_NUL, f, max, r,
	    used);
}

static void
by_hand(void)
{
	struct voc_scan_field f[8];
	struct voc_scan_rec r;
	size_t used;

	{	/* CRLF, "" in a quoted field, lines counted. */
		char s[] = "a,b\r\nc,\"d\"\"e\"\n";
		CHECK(scan1(s, 14, ',', 0, f, 8, &r, &used) == 1);
		CHECK(used == 5 && r.nfields == 2 && r.nl == 1);
		CHECK_STR(f[0].s, "a");
		CHECK_STR(f[1].s, "b");
		CHECK(scan1(s + 5, 9, ',', 0, f, 8, &r, &used) == 1);
		CHECK(used == 9 && r.nfields == 2 && r.nl == 1);
		CHECK_STR(f[0].s, "c");
		CHECK_STR(f[1].s, "d\"e");
		CHECK(f[1].len == 3);
	}
	{	/* An embedded newline; a blank line skipped before "w". */
		char s[] = "\"x\ny\",z\n\nw";
		CHECK(sizeof(s) == 11);
		CHECK(scan1(s, 10, ',', 0, f, 8, &r, &used) == 1);
		CHECK(used == 8 && r.nfields == 2 && r.nl == 2);
		CHECK_STR(f[0].s, "x\ny");
		CHECK_STR(f[1].s, "z");
		/* Without EOF the last record may go on. */
		CHECK(scan1(s + 8, 2, ',', 0, f, 8, &r, &used) == 0);
		CHECK(used == 1 && r.nl == 1);
		CHECK(scan1(s + 8, 2, ',', VOC_SCAN_EOF, f, 8, &r, &used) == 1);
		CHECK(r.start == 1 && r.start_nl == 1 && used == 2);
		CHECK_STR(f[0].s, "w");
	}
	{	/* A stray quote inside a quoted field stays; the field goes
		 * on to the quote before the delimiter. */
		char s[] = "\"ab\"c\",d\n";
		CHECK(scan1(s, 9, ',', VOC_SCAN_EOF, f, 8, &r, &used) == 1);
		CHECK(r.nfields == 2);
		CHECK_STR(f[0].s, "ab\"c");
		CHECK_STR(f[1].s, "d");
	}
	{	/* A quote inside an unquoted field is a byte. */
		char s[] = "a\"b;c\n";
		CHECK(scan1(s, 6, ';', VOC_SCAN_EOF, f, 8, &r, &used) == 1);
		CHECK_STR(f[0].s, "a\"b");
		CHECK_STR(f[1].s, "c");
	}
	{	/* An unterminated quote at EOF. */
		char s[] = "\"ab\"\"c,\nd";
		CHECK(scan1(s, 9, ',', VOC_SCAN_EOF, f, 8, &r, &used) == 1);
		CHECK(r.unterminated == 1 && r.nfields == 1 && used == 9);
		CHECK_STR(f[0].s, "ab\"c,\nd");
		CHECK(scan1(s, 9, ',', 0, f, 8, &r, &used) == 0);
	}
	{	/* A lone CR ends a record; CRLF is one terminator. */
		char s[] = "a\rb\r\n";
		CHECK(scan1(s, 5, ',', 0, f, 8, &r, &used) == 1);
		CHECK(used == 2 && r.nl == 0);
		CHECK(scan1(s + 2, 3, ',', 0, f, 8, &r, &used) == 1);
		CHECK(used == 3 && r.nl == 1);
		CHECK_STR(f[0].s, "b");
		/* A CR at the buffer's end waits for what follows it. */
		CHECK(scan1(s + 2, 2, ',', 0, f, 8, &r, &used) == 0);
	}
	{	/* Only the first field stored; all four counted.  With none
		 * stored, the record is left as it was. */
		char s[] = "a,b,\"c\"\"d\",e\n";
		CHECK(scan1(s, 13, ',', 0, f, 0, &r, &used) == 1);
		CHECK(r.nfields == 4 && used == 13);
		CHECK(memcmp(s, "a,b,\"c\"\"d\",e\n", 14) == 0);
		CHECK(scan1(s, 13, ',', 0, f, 3, &r, &used) == 1);
		CHECK(r.nfields == 4 && used == 13);
		CHECK_STR(f[0].s, "a");
		CHECK_STR(f[2].s, "c\"d");
		CHECK(f[2].len == 3);
	}
	{
		char s[] = "a,b,\"c,d\",e\n";
		CHECK(scan1(s, 12, ',', 0, f, 1, &r, &used) == 1);
		CHECK(r.nfields == 4 && used == 12);
		CHECK_STR(f[0].s, "a");
	}
	{	/* Empty fields, and a trailing delimiter at EOF. */
		char s[] = ",\"\",";
		CHECK(scan1(s, 4, ',', VOC_SCAN_EOF, f, 8, &r, &used) == 1);
		CHECK(r.nfields == 3 && f[0].len == 0 && f[1].len == 0 &&
		    f[2].len == 0);
	}
	{	/* Blank lines as records of one empty field. */
		char s[] = "\r\n\nx\n";
		CHECK(scan1(s, 5, ',', VOC_SCAN_BLANK, f, 8, &r, &used) == 1);
		CHECK(used == 2 && r.nfields == 1 && f[0].len == 0 &&
		    r.nl == 1);
		char s2[] = "\r\n\nx\n";
		CHECK(scan1(s2, 5, ',', 0, f, 8, &r, &used) == 1);
		CHECK(used == 5 && r.start == 3 && r.start_nl == 2);
	}
	{	/* Invalid UTF-8 in the second record: byte 2 of it. */
		char s[] = "ok\nab\xff\n";
		CHECK(scan1(s, 7, ',', 0, f, 8, &r, &used) == 1);
		CHECK(scan1(s + 3, 4, ',', 0, f, 8, &r, &used) == -1);
		CHECK(r.err == VOC_SCAN_EUTF8 && r.bad_off == 2);
		/* A character cut by the buffer's end waits for more. */
		char t[] = "\xE6\x97";
		CHECK(scan1(t, 2, ',', 0, f, 8, &r, &used) == 0);
		CHECK(scan1(t, 2, ',', VOC_SCAN_EOF, f, 8, &r, &used) == -1);
	}
	{	/* A NUL byte in the record is reported, one after it not;
		 * 70 bytes so the NUL sits in the second block. */
		char s[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,\"b\0\"\nc\0\n";
		CHECK(scan1(s, 75, ',', 0, f, 8, &r, &used) == 1);
		CHECK(r.nul == 1 && used == 72 && f[1].len == 2);
		CHECK(scan1(s + 72, 3, ',', 0, f, 8, &r, &used) == 1);
		CHECK(r.nul == 1);
		char t[] = "ab\n\0\n";
		CHECK(scan1(t, 5, ',', 0, f, 8, &r, &used) == 1);
		CHECK(r.nul == 0 && used == 3);
	}
	{	/* VOC_SCAN_ALL: more fields than room leaves the record as
		 * it was (its "" not yet rewritten), to be scanned again. */
		char s[] = "\"x\"\"y\",2,3\n";
		CHECK(scan1(s, 11, ',', VOC_SCAN_ALL, f, 2, &r, &used) == 1);
		CHECK(r.nfields == 3 && used == 11);
		CHECK(memcmp(s, "\"x\"\"y\",2,3\n", 11) == 0);
		CHECK(scan1(s, 11, ',', VOC_SCAN_ALL, f, 3, &r, &used) == 1);
		CHECK_STR(f[0].s, "x\"y");
		CHECK_STR(f[2].s, "3");
	}
	{	/* The quote cannot be the delimiter. */
		char s[] = "a";
		CHECK(scan1(s, 1, '"', 0, f, 8, &r, &used) == -1);
		CHECK(r.err == VOC_SCAN_EARG);
	}
}

int
main(void)
{
	enum voc_scan_level best = voc_scan_set_level(VOC_SCAN_AVX2);

	for (int lv = VOC_SCAN_PORTABLE; lv <= VOC_SCAN_AVX2; lv++) {
		CHECK(voc_scan_set_level((enum voc_scan_level)lv) ==
		    (lv < (int)best ? (enum voc_scan_level)lv : best));
		by_hand();
	}
	differential(4000);
	utf8_random(1000);
	voc_scan_set_level(best);
	return check_done("scan");
}
