/*
 * writer and text: every output format, unknown values, decimal marks,
 * table alignment by display width, a full disk; UTF-8 checks and widths.
 */
#include <stdlib.h>

#include "check.h"
#include "voc/text.h"
#include "voc/writer.h"

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

int
main(void)
{
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
	return check_done("test_writer");
}
