/*
 * cli: the output options of issue 11 — --output-encoding names, --excel
 * against -o, and the width a table is wrapped at (COLUMNS; standard
 * output is a pipe under tests/run.sh, so no terminal width is read).
 */
#include <stdlib.h>

#include "check.h"
#include "voc/cli.h"

/* A fresh struct voc_common with opt=arg taken; its voc_cli_option
 * result in *rc. */
static struct voc_common
with(int opt, const char *arg, int *rc)
{
	struct voc_common c;
	struct voc_error err;

	voc_cli_defaults(&c);
	*rc = voc_cli_option(&c, opt, arg, &err);
	return c;
}

int
main(void)
{
	struct voc_common c;
	struct voc_error err;
	int rc;

	/* Every CP932 name, in any case, is iconv's CP932; UTF-8 is none. */
	c = with(VOC_OPT_OUTPUT_ENCODING, "Shift_JIS", &rc);
	CHECK(rc == 1 && c.shape.encoding != NULL &&
	    strcmp(c.shape.encoding, "CP932") == 0);
	c = with(VOC_OPT_OUTPUT_ENCODING, "sjis", &rc);
	CHECK(rc == 1 && strcmp(c.shape.encoding, "CP932") == 0);
	c = with(VOC_OPT_OUTPUT_ENCODING, "windows-31j", &rc);
	CHECK(rc == 1 && strcmp(c.shape.encoding, "CP932") == 0);
	c = with(VOC_OPT_OUTPUT_ENCODING, "UTF-8", &rc);
	CHECK(rc == 1 && c.shape.encoding == NULL);
	voc_cli_defaults(&c);
	CHECK(voc_cli_option(&c, VOC_OPT_OUTPUT_ENCODING, "latin9", &err) ==
	    -1 && err.kind == VOC_ERR_USAGE);

	/* --excel selects CSV; with -o table it is a usage error. */
	unsetenv("COLUMNS");
	c = with(VOC_OPT_EXCEL, NULL, &rc);
	CHECK(rc == 1 && c.shape.excel == 1);
	CHECK(voc_cli_finish(&c, &err) == 0 && c.out == VOC_OUT_CSV &&
	    c.shape.width == 0);
	c = with(VOC_OPT_EXCEL, NULL, &rc);
	CHECK(voc_cli_option(&c, 'o', "table", &err) == 1);
	CHECK(voc_cli_finish(&c, &err) == -1 && err.kind == VOC_ERR_USAGE);
	c = with(VOC_OPT_EXCEL, NULL, &rc);
	CHECK(voc_cli_option(&c, 'o', "tsv", &err) == 1);
	CHECK(voc_cli_finish(&c, &err) == 0 && c.out == VOC_OUT_TSV);

	/* COLUMNS sets the width of a table, and only of a table; a value
	 * that is not a positive number is ignored. */
	setenv("COLUMNS", "77", 1);
	c = with('o', "table", &rc);
	CHECK(voc_cli_finish(&c, &err) == 0 && c.shape.width == 77);
	c = with('o', "csv", &rc);
	CHECK(voc_cli_finish(&c, &err) == 0 && c.shape.width == 0);
	setenv("COLUMNS", "wide", 1);
	c = with('o', "table", &rc);
	CHECK(voc_cli_finish(&c, &err) == 0 && c.shape.width == 0);
	setenv("COLUMNS", "-5", 1);
	c = with('o', "table", &rc);
	CHECK(voc_cli_finish(&c, &err) == 0 && c.shape.width == 0);
	unsetenv("COLUMNS");
	return check_done("test_cli");
}
