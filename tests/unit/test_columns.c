/*
 * columns: the list splitter -g, -c and --fields share (CSV quoting, so a
 * name may hold a comma), and the numbered list of columns in messages.
 * Every expected string is worked out by hand from the rules in
 * include/voc/columns.h.
 */
#include <stdlib.h>

#include "check.h"
#include "voc/columns.h"

/* The items of list joined with '|', or "ERR: message". */
static const char *
split(const char *list)
{
	static char out[1200];
	struct voc_error err;
	char **item;
	size_t n, used = 0;

	if (voc_columns_split(list, "-g", &item, &n, &err) < 0) {
		snprintf(out, sizeof(out), "ERR: %s", err.msg);
		return out;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s",
		    i ? "|" : "", item[i]);
	free(item);
	return out;
}

int
main(void)
{
	char buf[700];

	/* Plain lists split at every comma, empty items kept. */
	CHECK_STR(split("a,b,c"), "a|b|c");
	CHECK_STR(split("a"), "a");
	CHECK_STR(split("a,,b"), "a||b");
	/* A quoted name holds commas; "" is one quote. */
	CHECK_STR(split("\"Overall, how satisfied\",channel"),
	    "Overall, how satisfied|channel");
	CHECK_STR(split("x,\"say \"\"hi\"\", then\""), "x|say \"hi\", then");
	CHECK_STR(split("\"\""), "");
	/* Quotes inside an unquoted name are plain characters. */
	CHECK_STR(split("a\"b,c"), "a\"b|c");
	CHECK_STR(split("\"open,b"),
	    "ERR: -g \"\"open,b\": a quote is left open");
	CHECK_STR(split("\"a\"b,c"),
	    "ERR: -g \"\"a\"b,c\": a comma must follow a quoted name");

	/* The numbered list: names with a comma, a space or a quote, and
	 * empty names, are quoted (quotes doubled). */
	{
		const char *names[] = {"id", "person", "Overall, how",
		    "", "say \"x\"", "score"};

		CHECK_STR(voc_columns_describe(names, 6, buf, sizeof(buf)),
		    "1 id, 2 person, 3 \"Overall, how\", 4 \"\", "
		    "5 \"say \"\"x\"\"\", 6 score");
	}
	/* A long name is cut at 32 bytes on a character boundary, trailing
	 * spaces dropped, with "…": "Overall, how satisfied were you" is
	 * 31 bytes and byte 32 is a space. */
	{
		const char *names[] = {"Overall, how satisfied were you with "
		    "the service?"};

		CHECK_STR(voc_columns_describe(names, 1, buf, sizeof(buf)),
		    "1 \"Overall, how satisfied were you\xE2\x80\xA6\"");
	}
	/* 11 Japanese characters (33 bytes): the 11th does not fit in 32
	 * bytes, so 10 are kept (30 bytes). */
	{
		const char *names[] = {"\xE6\xBA\x80\xE8\xB6\xB3\xE5\xBA\xA6"
		    "\xE3\x81\xAE\xE7\x90\x86\xE7\x94\xB1\xE3\x82\x92\xE6\x95"
		    "\x99\xE3\x81\x88\xE3\x81\xA6\xE4\xB8\x8B"};

		CHECK_STR(voc_columns_describe(names, 1, buf, sizeof(buf)),
		    "1 \xE6\xBA\x80\xE8\xB6\xB3\xE5\xBA\xA6\xE3\x81\xAE\xE7\x90"
		    "\x86\xE7\x94\xB1\xE3\x82\x92\xE6\x95\x99\xE3\x81\x88\xE3"
		    "\x81\xA6\xE2\x80\xA6");
	}
	/* A list longer than the buffer ends with how many are left out:
	 * 100 bytes less 64 kept for the tail leave 36, which hold
	 * "1 c01, 2 c02, 3 c03, 4 c04, 5 c05" (33 bytes) and not a 6th. */
	{
		const char *names[40];
		char small[100], nm[40][4];

		for (int i = 0; i < 40; i++) {
			snprintf(nm[i], sizeof(nm[i]), "c%02d", i + 1);
			names[i] = nm[i];
		}
		CHECK_STR(voc_columns_describe(names, 40, small, sizeof(small)),
		    "1 c01, 2 c02, 3 c03, 4 c04, 5 c05, \xE2\x80\xA6 (35 more; "
		    "--columns lists them all)");
	}
	return check_done("test_columns");
}
