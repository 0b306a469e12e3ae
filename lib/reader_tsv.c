/*
 * The reader's TSV (see lib/reader.c for the whole), as the IANA
 * text/tab-separated-values format.
 */
#include <string.h>

#include "reader_impl.h"

/*
 * TSV as the IANA text/tab-separated-values format, which PostgreSQL's
 * COPY and Miller write: fields never quoted, a record per line, and
 * tab, newline, carriage return and backslash inside a field escaped as
 * \t, \n, \r and \\.  A quote is an ordinary character.  Fields are
 * split and unescaped in place.
 */
static void
tsv_unescape(char *s, size_t *len)
{
	char *d = memchr(s, '\\', *len), *e = s + *len, *p;

	if (d == NULL)
		return;
	for (p = d; p < e; p++) {
		if (*p == '\\' && p + 1 < e) {
			char c = p[1];

			*d++ = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' :
			    c;
			p++;
		} else
			*d++ = *p;
	}
	*d = '\0';
	*len = (size_t)(d - s);
}

int
voc_rd_tsv_record(struct voc_reader *r, struct voc_row *row, struct voc_error *err)
{
	char *line;
	size_t len;
	int rc;

	do {
		if ((rc = voc_rd_next_line(r, &line, &len, err)) <= 0)
			return rc;
	} while (voc_rd_blank(line, len) && r->ncols != 1);
	if (voc_rd_split_line(r, line, len, row) < 0)
		return voc_rd_oom(err);
	for (size_t i = 0; i < row->nfields; i++)
		tsv_unescape((char *)r->outf[i], &r->outl[i]);
	return 1;
}

