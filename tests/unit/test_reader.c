/*
 * reader: CSV corner cases, the fast paths against libcsv on random
 * input, JSON Lines, gzip, encodings, headers and line numbers.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zlib.h>

#include "check.h"
#include "voc/reader.h"

static char path[64];

static void
write_file(const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	fwrite(data, 1, len, fp);
	fclose(fp);
}

static struct voc_reader *
open_str(const char *data, const struct voc_reader_opts *o,
    struct voc_error *err)
{
	const char *p = path;

	write_file(data, strlen(data));
	return voc_reader_open(&p, 1, o, err);
}

/* All records of data flattened as "f|f|f\n" per record, "!" + error for
 * bad ones, and "ERROR: message" when reading stops. */
static char *
dump(const char *data, size_t len, const struct voc_reader_opts *o)
{
	static char out[1 << 16];
	struct voc_error err;
	struct voc_row row;
	const char *p = path;
	size_t n = 0;
	int rc;

	out[0] = '\0';
	write_file(data, len);
	struct voc_reader *r = voc_reader_open(&p, 1, o, &err);
	if (r == NULL) {
		snprintf(out, sizeof(out), "ERROR: %s", err.msg);
		return out;
	}
	while ((rc = voc_reader_next(r, &row, &err)) == 1 && n < sizeof(out) -
	    1000) {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%ld:", row.line);
		if (row.error) {
			n += (size_t)snprintf(out + n, sizeof(out) - n, "!%s\n",
			    row.error);
			continue;
		}
		for (size_t i = 0; i < row.nfields; i++)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
			    i ? "|" : "", row.field[i]);
		out[n++] = '\n';
		out[n] = '\0';
	}
	if (rc < 0)
		snprintf(out + n, sizeof(out) - n, "ERROR: %s", err.msg);
	voc_reader_close(r);
	return out;
}

/* dump() of a NUL-terminated string. */
#define DUMP(s, o) dump((s), strlen(s), (o))

static uint64_t seed = 12345;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((seed >> 33) % n);
}

/*
 * 3000 random inputs of header and up to 60 bytes drawn from alphabet,
 * read with o and with lib: 1 when every pair gives the same records.
 * Where both stop at invalid UTF-8 with one message, the records lib
 * handed out before it must come first in o's too (see the one-column
 * case in main).
 */
static int
differential(const char *header, const char *alphabet, size_t nalpha,
    const struct voc_reader_opts *o, const struct voc_reader_opts *lib)
{
	size_t hlen = strlen(header);

	for (int t = 0; t < 3000; t++) {
		char data[128], a[1 << 12];
		size_t len = hlen + rnd(60);

		memcpy(data, header, hlen);
		for (size_t i = hlen; i < len; i++)
			data[i] = alphabet[rnd((unsigned)nalpha)];
		data[len] = '\0';
		snprintf(a, sizeof(a), "%s", dump(data, len, o));
		char *b = dump(data, len, lib);
		char *ea = strstr(a, "ERROR: invalid UTF-8");
		char *eb = strstr(b, "ERROR: invalid UTF-8");
		if (ea != NULL && eb != NULL && strcmp(ea, eb) == 0 &&
		    strncmp(a, b, (size_t)(eb - b)) == 0)
			continue;
		if (strcmp(a, b) != 0) {
			fprintf(stderr, "differ on %zu bytes:\n%s\n--\n%s\n",
			    len, a, b);
			for (size_t i = 0; i < len; i++)
				fprintf(stderr, "\\x%02X", (unsigned char)data[i]);
			fprintf(stderr, "\n");
			return 0;
		}
	}
	return 1;
}

/*
 * The file at path read with o and with lib in step: each record of o's
 * against lib's.  With hold, o's records are held (voc_reader_hold) up
 * to 16 at a time the way the driver holds them (their field and len
 * arrays copied, their bytes left where they are); when the reader says
 * it would move (2) or 16 are held, every held record's fields must
 * still hold the bytes they had.  Returns the records read, or -1 when
 * they differ; adds to held_total the times holding was granted.
 */
static long held_total;	/* records the reader agreed to hold */

static long
read_in_step(const struct voc_reader_opts *o,
    const struct voc_reader_opts *lib, int hold)
{
	struct held {
		size_t nf;
		const char **f;
		size_t *l;
		char **copy;
	} h[16];
	const char *p = path;
	struct voc_error ea, eb;
	struct voc_reader *ra = voc_reader_open(&p, 1, o, &ea);
	struct voc_reader *rb = voc_reader_open(&p, 1, lib, &eb);
	struct voc_row x, y;
	long rows = 0;
	int nh = 0, ok = ra != NULL && rb != NULL, holds = 0;

	for (;;) {
		int ca = ok ? voc_reader_next(ra, &x, &ea) : -1, cb;

		if (ca == 2 || nh == 16 || (ca != 1 && nh > 0)) {
			/* The held records, still where they were. */
			for (int k = 0; k < nh; k++) {
				for (size_t i = 0; i < h[k].nf; i++) {
					if (memcmp(h[k].f[i], h[k].copy[i],
					    h[k].l[i] + 1) != 0)
						ok = 0;
					free(h[k].copy[i]);
				}
				free(h[k].f);
				free(h[k].l);
				free(h[k].copy);
			}
			nh = 0;
			voc_reader_hold(ra, 0);
			if (ca == 2)
				continue;
		}
		if (!ok)
			break;
		cb = voc_reader_next(rb, &y, &eb);
		if (ca != cb) {
			ok = 0;
			break;
		}
		if (ca != 1) {
			if (ca < 0 && strcmp(ea.msg, eb.msg) != 0)
				ok = 0;
			break;
		}
		rows++;
		if (x.line != y.line || x.nfields != y.nfields ||
		    (x.error == NULL) != (y.error == NULL)) {
			ok = 0;
			break;
		}
		if (x.error != NULL)
			continue;
		for (size_t i = 0; i < x.nfields; i++)
			if (x.len[i] != y.len[i] || memcmp(x.field[i],
			    y.field[i], x.len[i]) != 0)
				ok = 0;
		if (!hold)
			continue;
		struct held *e = &h[nh++];
		e->nf = x.nfields;
		e->f = malloc(x.nfields * sizeof(*e->f));
		e->l = malloc(x.nfields * sizeof(*e->l));
		e->copy = malloc(x.nfields * sizeof(*e->copy));
		for (size_t i = 0; i < x.nfields; i++) {
			e->f[i] = x.field[i];
			e->l[i] = x.len[i];
			e->copy[i] = malloc(x.len[i] + 1);
			memcpy(e->copy[i], x.field[i], x.len[i] + 1);
		}
		if (nh == 1)
			holds += voc_reader_hold(ra, 1);
	}
	voc_reader_close(ra);
	voc_reader_close(rb);
	held_total += holds;
	return ok ? rows : -1;
}

/* A child that writes header and then rows numbered from 0 until
 * `bytes` have gone into a pipe, then holds the pipe open `hold`
 * seconds; returns the pipe's reading end ("/dev/fd/N" in name). */
static int
pipe_from_child(long bytes, unsigned hold, pid_t *pid, char *name, size_t sz)
{
	int p[2];

	if (pipe(p) < 0)
		return -1;
	if ((*pid = fork()) == 0) {
		static char buf[1 << 16];
		size_t n = 4;
		long sent = 0;

		close(p[0]);
		close(STDOUT_FILENO);	/* the test's output ends without it */
		close(STDERR_FILENO);
		memcpy(buf, "k,v\n", 4);
		for (long i = 0; sent < bytes; i++) {
			n += (size_t)snprintf(buf + n, 64, "%ld,\"v %ld\"\n",
			    i, i % 97);
			if (n > sizeof(buf) - 64 || sent + (long)n >= bytes) {
				if (write(p[1], buf, n) != (ssize_t)n)
					_exit(1);
				sent += (long)n;
				n = 0;
			}
		}
		sleep(hold);
		_exit(0);
	}
	close(p[1]);
	snprintf(name, sz, "/dev/fd/%d", p[0]);
	return p[0];
}

int
main(void)
{
	struct voc_reader_opts o = {0}, lib = {0};
	struct voc_error err;

	snprintf(path, sizeof(path), "/tmp/voc-test-reader-%d", (int)getpid());
	lib.libcsv_only = 1;

	/* RFC 4180: quoted delimiters, doubled quotes, embedded newlines,
	 * CRLF; a blank line is no record; line numbers are physical. */
	const char *csv = "a,b,c\r\n1,\"x, y\",3\r\n\r\n4,\"multi\nline "
	    "\"\"q\"\"\",6\r\n7,,\"\"\r\n";
	const char *want = "2:1|x, y|3\n4:4|multi\nline \"q\"|6\n6:7||\n";
	CHECK_STR(DUMP(csv, &o), want);
	CHECK_STR(dump(csv, strlen(csv), &lib), want);

	/* Ragged rows are bad records, not errors. */
	CHECK_STR(DUMP("a,b\n1\n2,3,4\n5,6", &o),
	    "2:!ragged row: 1 field, the header has 2\n"
	    "3:!ragged row: 3 fields, the header has 2\n4:5|6\n");

	/* An unterminated quote at the end is an error naming its line. */
	CHECK_STR(DUMP("a,b\n1,2\n3,\"open\n", &o),
	    "2:1|2\nERROR: unterminated quoted field: the quote opened in "
	    "this record is never closed");

	/* Delimiter sniffing, byte-order mark, TSV. */
	CHECK_STR(DUMP("\xEF\xBB\xBFx;y\n1;2\n", &o), "2:1|2\n");
	CHECK_STR(DUMP("x\ty\tz,w\n1\t2\t3,4\n", &o), "2:1|2|3,4\n");

	/* Empty and header-only inputs. */
	CHECK_STR(DUMP("", &o), "ERROR: empty input: no header row");
	CHECK_STR(DUMP("\n\n", &o), "ERROR: empty input: no header row");
	CHECK_STR(DUMP("a,b\n", &o), "");

	/* --no-header numbers the columns; --skip-rows drops rows. */
	struct voc_reader_opts nh = {0};
	nh.no_header = 1;
	CHECK_STR(DUMP("1,2\n3,4\n", &nh), "1:1|2\n2:3|4\n");
	struct voc_reader *r = open_str("1,2\n", &nh, &err);
	CHECK(r != NULL && voc_reader_ncols(r) == 2);
	CHECK_STR(voc_reader_colname(r, 1), "2");
	voc_reader_close(r);
	struct voc_reader_opts sk = {0};
	sk.skip_rows = 2;
	CHECK_STR(DUMP("q1,q2\n\"Question 1\",\"Q 2\"\n{\"ImportId\"},x\n5,6\n", &sk), "4:5|6\n");

	/* Invalid UTF-8 stops with the line and a hint. */
	char *e = DUMP("a\nok\nbad\x82\xA0\n", &o);
	CHECK(strstr(e, "ERROR: invalid UTF-8") != NULL);
	CHECK(strstr(e, "--encoding cp932") != NULL);

	/* CP932 decoded: 0x82A0 is HIRAGANA A, 0x93FA 0x967B "Nihon". */
	struct voc_reader_opts sj = {0};
	sj.encoding = "shift_jis";
	CHECK_STR(DUMP("k\n\x82\xA0\x93\xFA\x96\x7B\n", &sj),
	    "2:\xE3\x81\x82\xE6\x97\xA5\xE6\x9C\xAC\n");
	sj.encoding = "no-such-encoding";
	r = open_str("a\n", &sj, &err);
	CHECK(r == NULL && err.kind == VOC_ERR_USAGE);

	/* JSON Lines: nested keys flattened, types as text, null blank,
	 * invalid lines bad records. */
	const char *jl = "{\"id\":1,\"a\":{\"b\":\"x\",\"c\":2.5},\"n\":null}\n"
	    "\n{\"id\":2,\"a\":{\"b\":\"y\"},\"n\":true}\nnot json\n";
	CHECK_STR(dump(jl, strlen(jl), &o), "1:1|x|2.5|\n3:2|y||true\n"
	    "4:!not valid JSON: a syntax error (column 3)\n");
	r = open_str(jl, &o, &err);
	CHECK(r != NULL && voc_reader_format(r) == VOC_FMT_JSONL);
	CHECK_STR(voc_reader_colname(r, 1), "a.b");
	CHECK_STR(voc_reader_colname(r, 2), "a.c");
	voc_reader_close(r);

	/* gzip, and a truncated gzip stream. */
	{
		char gzpath[80];
		const char *gp = gzpath;
		snprintf(gzpath, sizeof(gzpath), "%s.gz", path);
		gzFile gz = gzopen(gzpath, "wb");
		for (int i = 0; i < 1000; i++)
			gzprintf(gz, i ? "%d,\"v %d\"\n" : "k,v\n", i, i);
		gzclose(gz);
		struct voc_row row;
		long n = 0;
		int rc;
		r = voc_reader_open(&gp, 1, &o, &err);
		CHECK(r != NULL);
		while (r && (rc = voc_reader_next(r, &row, &err)) == 1)
			n++;
		CHECK(n == 999);
		voc_reader_close(r);
		FILE *fp = fopen(gzpath, "rb");
		char buf[8192];
		size_t len = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		fp = fopen(gzpath, "wb");
		fwrite(buf, 1, len / 2, fp);
		fclose(fp);
		r = voc_reader_open(&gp, 1, &o, &err);
		rc = -1;
		if (r != NULL)
			while ((rc = voc_reader_next(r, &row, &err)) == 1)
				;
		CHECK(rc == -1);
		CHECK(strstr(err.msg, "truncated gzip stream") != NULL);
		voc_reader_close(r);
		unlink(gzpath);
	}

	/* A pipe is read in a thread of its own: every record arrives, in
	 * order, across the ring's buffers; and a reader closed early does
	 * not wait for a writer that sends nothing more (alarm ends the
	 * test if it does). */
	{
		char name[32];
		const char *np = name;
		struct voc_row row;
		pid_t pid;
		long n = 0, bad = 0;
		int rc = -1, fd = pipe_from_child(5L << 20, 0, &pid, name,
		    sizeof(name));

		r = fd < 0 ? NULL : voc_reader_open(&np, 1, &o, &err);
		CHECK(r != NULL);
		while (r && (rc = voc_reader_next(r, &row, &err)) == 1) {
			char want_v[32];

			snprintf(want_v, sizeof(want_v), "v %ld", n % 97);
			bad += row.error != NULL || atol(row.field[0]) != n ||
			    strcmp(row.field[1], want_v) != 0;
			n++;
		}
		CHECK(rc == 0);
		CHECK(n > 300000 && bad == 0);
		voc_reader_close(r);
		close(fd);
		waitpid(pid, NULL, 0);

		fd = pipe_from_child(3L << 20, 30, &pid, name, sizeof(name));
		r = fd < 0 ? NULL : voc_reader_open(&np, 1, &o, &err);
		CHECK(r != NULL);
		alarm(10);
		for (n = 0; r && n < 100000 &&
		    voc_reader_next(r, &row, &err) == 1;)
			n++;
		CHECK(n == 100000);
		voc_reader_close(r);
		alarm(0);
		close(fd);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}

	/* A 1 MB field. */
	{
		size_t big = 1 << 20;
		char *data = malloc(big + 32);
		memcpy(data, "k,v\n1,\"", 7);
		memset(data + 7, 'x', big);
		memcpy(data + 7 + big, "\"\n", 3);
		char *got = NULL;
		struct voc_row row;
		const char *p = path;
		write_file(data, strlen(data));
		r = voc_reader_open(&p, 1, &o, &err);
		CHECK(voc_reader_next(r, &row, &err) == 1);
		got = row.error ? NULL : (char *)row.field[1];
		CHECK(got != NULL && row.len[1] == big && got[big - 1] == 'x');
		voc_reader_close(r);
		free(data);
	}

	/* Differential: random CSV with every awkward byte, read through the
	 * fast paths and through libcsv alone, must give the same records. */
	static const char alphabet[] = "ab,\"\n\r ;1";
	CHECK(differential("h,i\n", alphabet, sizeof(alphabet) - 1, &o, &lib));
	/* The same inputs with records held (valid UTF-8 only: the two
	 * paths may stop at a bad byte after different records). */
	{
		int held_ok = 1;

		for (int t = 0; t < 3000 && held_ok; t++) {
			char data[128];
			size_t len = 4 + rnd(60);

			memcpy(data, "h,i\n", 4);
			for (size_t i = 4; i < len; i++)
				data[i] = alphabet[rnd(sizeof(alphabet) - 1)];
			write_file(data, len);
			if (read_in_step(&o, &lib, 1) < 0) {
				held_ok = 0;
				fprintf(stderr, "hold differs on: %.*s\n",
				    (int)len, data);
			}
		}
		CHECK(held_ok);
		CHECK(held_total > 1000);
	}

	/*
	 * The same with a one-column header, where a blank line is an empty
	 * answer, and with UTF-8 and NUL bytes among the awkward ones.
	 * Invalid UTF-8 stops reading with the same message either way; the
	 * scanner checks a record at a time and libcsv's path a line at a
	 * time, so a record cut by a lone CR before the bad byte, on its
	 * line, may be handed out by one and not the other.
	 */
	static const char alphabet1[] = "a,\"\n\r \xC3\xA9\x00";
	CHECK(differential("h\n", alphabet1, sizeof(alphabet1) - 1, &o, &lib));

	/*
	 * Records cut by the reader's buffer (256 KiB) at every kind of
	 * place: 3 MB of random records with long quoted fields, some over
	 * a megabyte, read both ways in step.
	 */
	{
		size_t cap = 3u << 20, len = 0;
		char *big = malloc(cap + 1);

		memcpy(big, "k,v,w\n", 6);
		len = 6;
		while (len < cap - 2) {
			size_t room = cap - 2 - len, n = rnd(8) == 0 ?
			    rnd(1200000) : rnd(300);
			if (n > room)
				n = room;
			for (size_t i = 0; i < n; i++) {
				unsigned c = rnd(40);
				if (c == 9 && i + 1 < n) {
					big[len++] = '\xC3';	/* é */
					big[len++] = '\xA9';
					i++;
					continue;
				}
				big[len++] = c < 3 ? '"' : c < 6 ? ',' : c < 8 ?
				    '\n' : c == 8 ? '\r' : (char)('a' + c % 26);
			}
		}
		big[len] = '\0';
		write_file(big, len);
		CHECK(read_in_step(&o, &lib, 0) > 1000);
		/* The same 3 MB with records held across the buffer's
		 * refills. */
		CHECK(read_in_step(&o, &lib, 1) > 1000);
		free(big);
	}

	/* A record with more fields than any before it (room made, then
	 * scanned again) keeps its "" right; and the lines of a small input
	 * read whole at once are its lines, not one more. */
	{
		struct voc_row row;
		struct voc_reader *r = open_str("a,b\n1,2\n\"x\"\"y\",2,3,4,5,"
		    "6,7,8,9,10,11,12,13,14,15,16,17,18\n", &o, &err);

		CHECK(r != NULL);
		CHECK(voc_reader_next(r, &row, &err) == 1);
		CHECK(voc_reader_next(r, &row, &err) == 1);
		CHECK(row.nfields == 18);
		CHECK_STR(row.field[0], "x\"y");
		CHECK_STR(row.field[17], "18");
		CHECK(voc_reader_next(r, &row, &err) == 0);
		CHECK(voc_reader_lines(r) == 3);
		voc_reader_close(r);
		r = open_str("a,b\n1,2\n", &o, &err);
		CHECK(r != NULL && voc_reader_next(r, &row, &err) == 1);
		CHECK(voc_reader_next(r, &row, &err) == 0);
		CHECK(voc_reader_lines(r) == 2);
		voc_reader_close(r);
	}

	/* Only the columns noted are split out after voc_reader_limit; the
	 * field count stays the record's, so a ragged row is still one,
	 * and a second input's header is still read whole. */
	{
		const char *two[] = {path, path};
		struct voc_row row;

		write_file("a,b,c,d\n1,2,\"x\"\"y\",4\n5,6\n",
		    strlen("a,b,c,d\n1,2,\"x\"\"y\",4\n5,6\n"));
		struct voc_reader *r = voc_reader_open(two, 2, &o, &err);
		CHECK(r != NULL);
		voc_reader_use(r, 1);
		CHECK(voc_reader_used(r) == ~0ULL);	/* before the limit */
		voc_reader_limit(r);
		CHECK(voc_reader_width(r) == 2 && voc_reader_used(r) == 2);
		voc_reader_use(r, 0);
		CHECK(voc_reader_used(r) == 3);
		CHECK(voc_reader_next(r, &row, &err) == 1);
		CHECK(row.nfields == 4 && row.error == NULL);
		CHECK_STR(row.field[0], "1");
		CHECK_STR(row.field[1], "2");
		CHECK(row.len[2] == 0 && row.len[3] == 0);
		CHECK_STR(row.field[2], "");
		CHECK(voc_reader_next(r, &row, &err) == 1);
		CHECK(row.nfields == 2 && row.error != NULL);
		CHECK(voc_reader_next(r, &row, &err) == 1);
		CHECK(row.nfields == 4 && row.line == 2);
		CHECK_STR(row.field[1], "2");
		/* A column past 63 makes every column count as named. */
		voc_reader_use(r, 70);
		CHECK(voc_reader_used(r) == ~0ULL);
		voc_reader_close(r);
	}

	/* Reliability: gzip followed by plain bytes is an error naming the
	 * offset of the first byte after the member (never dropped); two
	 * members are read as one stream; a cut or damaged stream is an
	 * error.  The same with ISA-L's inflate (where the build has it) and
	 * zlib's, and in an input long enough to pass through the inflate
	 * thread's ring several times. */
	for (int eng = 0; eng < 2; eng++) {
		struct voc_reader_opts go = o;
		char gzpath[80], data[256];
		const char *gp = gzpath;
		struct voc_row row;
		long long glen;
		int rc, n = 0;

		go.zlib_only = eng;
		snprintf(gzpath, sizeof(gzpath), "%s.gz", path);
		gzFile gz = gzopen(gzpath, "wb");
		gzputs(gz, "score\n9\n");
		gzclose(gz);
		FILE *fp = fopen(gzpath, "ab");
		fseek(fp, 0, SEEK_END);
		glen = ftell(fp);
		fputs("10\n0\n", fp);
		fclose(fp);
		/* The input is read ahead: the error may come with the
		 * header already. */
		r = voc_reader_open(&gp, 1, &go, &err);
		rc = -1;
		while (r != NULL && (rc = voc_reader_next(r, &row, &err)) == 1)
			n++;
		CHECK(rc == -1 && n <= 1);
		snprintf(data, sizeof(data), "data after the end of the gzip "
		    "stream, at byte %lld of the file", glen);
		CHECK_STR(err.msg, data);
		voc_reader_close(r);

		gz = gzopen(gzpath, "wb");
		gzputs(gz, "score\n9\n");
		gzclose(gz);
		gz = gzopen(gzpath, "ab");
		gzputs(gz, "10\n0\n");
		gzclose(gz);
		r = voc_reader_open(&gp, 1, &go, &err);
		n = 0;
		while (r != NULL && (rc = voc_reader_next(r, &row, &err)) == 1)
			n++;
		CHECK(rc == 0 && n == 3);
		voc_reader_close(r);

		/* 6 MB of rows in three members. */
		long rows = 0, sum = 0, want_rows = 0, want_sum = 0;
		for (int m = 0; m < 3; m++) {
			gz = gzopen(gzpath, m == 0 ? "wb" : "ab");
			if (m == 0)
				gzputs(gz, "id,score,comment\n");
			for (int i = 0; i < 100000; i++) {
				gzprintf(gz, "%d,%d,\"row %d of member %d, "
				    "padded to be long\"\n", i, i % 11, i, m);
				want_rows++;
				want_sum += i % 11;
			}
			gzclose(gz);
		}
		r = voc_reader_open(&gp, 1, &go, &err);
		while (r != NULL && (rc = voc_reader_next(r, &row, &err)) == 1) {
			rows++;
			sum += atol(row.field[1]);
		}
		CHECK(rc == 0 && rows == want_rows && sum == want_sum);
		voc_reader_close(r);

		/* Cut short, then damaged inside the deflate data. */
		fp = fopen(gzpath, "rb");
		fseek(fp, 0, SEEK_END);
		glen = ftell(fp);
		fclose(fp);
		if (truncate(gzpath, glen / 3) == 0) {
			r = voc_reader_open(&gp, 1, &go, &err);
			while (r != NULL && (rc = voc_reader_next(r, &row,
			    &err)) == 1)
				;
			CHECK(rc == -1);
			CHECK_STR(err.msg, "truncated gzip stream (unexpected "
			    "end of file)");
			voc_reader_close(r);
		}
		fp = fopen(gzpath, "r+b");
		fseek(fp, 2000, SEEK_SET);
		for (int i = 0; i < 64; i++)
			fputc(0xFF, fp);
		fclose(fp);
		r = voc_reader_open(&gp, 1, &go, &err);
		rc = r == NULL ? -1 : 0;
		while (r != NULL && (rc = voc_reader_next(r, &row, &err)) == 1)
			;
		CHECK(rc == -1 && strncmp(err.msg, "corrupt gzip stream (",
		    21) == 0);
		voc_reader_close(r);
		unlink(gzpath);
	}

	/* A NUL inside a field makes the row bad (named, not cut short);
	 * in the header it stops reading. */
	CHECK_STR(dump("s,g\n9,a\0b\n10,b\n", 15, &o),
	    "2:!NUL byte in column 2\n3:10|b\n");
	CHECK_STR(dump("s,g\n9,\"a\0b\"\n10,b\n", 17, &o),
	    "2:!NUL byte in column 2\n3:10|b\n");
	CHECK_STR(dump("s,g\n9,\"a\0b\"\n10,b\n", 17, &lib),
	    "2:!NUL byte in column 2\n3:10|b\n");
	CHECK(strncmp(dump("s\0x,g\n9,a\n", 10, &o),
	    "ERROR: NUL byte in the header (column 1)", 40) == 0);

	/* UTF-16 without a byte-order mark, told from its zero bytes. */
	CHECK_STR(dump("s\0,\0g\0\n\0" "9\0,\0a\0\n\0", 16, &o), "2:9|a\n");
	CHECK_STR(dump("\0s\0,\0g\0\n\0" "9\0,\0a\0\n", 16, &o), "2:9|a\n");

	/* JSON Lines errors in the reader's words. */
	CHECK_STR(DUMP("{\"a\":1}\n{\"a\":\"x\\u0000y\"}\n[1]\n{\"a\":\n"
	    "{\"a\":1} 2\n", &o), "1:1\n"
	    "2:!not valid JSON: a NUL character (\\u0000) in a string "
	    "(column 15)\n3:!an array, not an object\n"
	    "4:!not valid JSON: the line ends inside a value\n"
	    "5:!not valid JSON: more than one value on the line (column 9)\n");
	{
		char deep[6200];
		size_t k = 0;

		k += (size_t)snprintf(deep, sizeof(deep), "{\"a\":1}\n");
		for (int i = 0; i < 3000; i++)
			k += (size_t)snprintf(deep + k, sizeof(deep) - k, "[");
		deep[k++] = '\n';
		deep[k] = '\0';
		CHECK(strstr(DUMP(deep, &o), "2:!not valid JSON: arrays or "
		    "objects nested too deep") != NULL);
	}

	/* Lines ended by CR alone (classic Mac) are numbered as lines; a
	 * CR LF pair is one line end. */
	CHECK_STR(DUMP("a,b\r1,2\rx\r3,\"q\r\"\"r\"\r5,6\r", &o),
	    "2:1|2\n3:!ragged row: 1 field, the header has 2\n"
	    "4:3|q\r\"r\n6:5|6\n");
	CHECK_STR(DUMP("a,b\r1,2\rx\r3,\"q\r\"\"r\"\r5,6\r", &lib),
	    "2:1|2\n3:!ragged row: 1 field, the header has 2\n"
	    "4:3|q\r\"r\n6:5|6\n");
	CHECK_STR(DUMP("a,b\r\n1,2\r\n3,4\r", &o), "2:1|2\n3:3|4\n");

	unlink(path);
	return check_done("test_reader");
}
