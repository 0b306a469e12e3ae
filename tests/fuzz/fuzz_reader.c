/*
 * Fuzzes the reader in each of its modes.  The first byte picks the
 * mode (auto, CSV, TSV, JSON Lines, gzip, CP932, no header, skip rows)
 * and two flags (libcsv only, ';' as the delimiter); the rest is the
 * input, written to a file (gzip-compressed in the gzip mode).  Besides
 * not crashing, every run checks the reader's promises: a good row's
 * fields are NUL-terminated at their length and hold no NUL, a row
 * has the header's width, and every message is one line.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "fuzz.h"
#include "voc/columns.h"
#include "voc/reader.h"

static void
one_line(const char *s)
{
	if (strchr(s, '\n') != NULL || strchr(s, '\r') != NULL ||
	    strchr(s, '\x1b') != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct voc_reader_opts o;
	struct voc_error err;
	struct voc_row row;
	const char *path;
	int rc, mode;

	if (size < 1 || size > 1 << 20)
		return 0;
	memset(&o, 0, sizeof(o));
	mode = data[0] & 7;
	o.libcsv_only = (data[0] >> 3) & 1;
	o.delim = (data[0] >> 4) & 1 ? ';' : 0;
	data++;
	size--;
	switch (mode) {
	case 1: o.format = VOC_FMT_CSV; break;
	case 2: o.format = VOC_FMT_TSV; o.delim = 0; break;
	case 3: o.format = VOC_FMT_JSONL; break;
	case 5: o.encoding = "cp932"; break;
	case 6: o.no_header = 1; break;
	case 7: o.skip_rows = 1 + (data[-1] >> 5); break;
	}
	if (mode == 4) {
		uLongf zlen = compressBound((uLong)size) + 32;
		unsigned char *z = malloc(zlen);
		z_stream zs;

		if (z == NULL)
			return 0;
		memset(&zs, 0, sizeof(zs));
		if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK) {
			free(z);
			return 0;
		}
		zs.next_in = (unsigned char *)data;
		zs.avail_in = (uInt)size;
		zs.next_out = z;
		zs.avail_out = (uInt)zlen;
		deflate(&zs, Z_FINISH);
		path = fuzz_file(z, zlen - zs.avail_out);
		deflateEnd(&zs);
		free(z);
	} else
		path = fuzz_file(data, size);
	if (path == NULL)
		return 0;

	struct voc_reader *r = voc_reader_open(&path, 1, &o, &err);
	if (r == NULL) {
		one_line(err.msg);
		return 0;
	}
	size_t ncols = voc_reader_ncols(r), idx;
	for (size_t i = 0; i < ncols; i++)
		if (voc_reader_colname(r, i) == NULL)
			abort();
	if (voc_columns_find(r, "a", 1, &idx, &err) < 0)
		one_line(err.msg);
	else if (idx >= voc_reader_ncols(r))
		abort();
	ncols = voc_reader_ncols(r);
	for (long n = 0; (rc = voc_reader_next(r, &row, &err)) == 1; n++) {
		if (row.error != NULL) {
			one_line(row.error);
			continue;
		}
		if (row.nfields != ncols)
			abort();
		for (size_t i = 0; i < row.nfields; i++)
			if (row.field[i][row.len[i]] != '\0' ||
			    memchr(row.field[i], '\0', row.len[i]) != NULL)
				abort();
	}
	if (rc < 0)
		one_line(err.msg);
	voc_reader_bytes(r);
	voc_reader_close(r);
	return 0;
}
