/*
 * Column references (see include/voc/columns.h).  A reference that
 * matches nothing is the commonest mistake, so its message lists every
 * column the input has; one that matches two columns of the same name is
 * refused, not resolved to the first.
 */
#include <stdlib.h>
#include <string.h>

#include "voc/columns.h"
#include "voc/text.h"

int
voc_columns_find(const struct voc_reader *r, const char *ref, size_t len,
    size_t *idx, struct voc_error *err)
{
	size_t n = voc_reader_ncols(r), found = n, i;
	char list[700];
	size_t used = 0;

	for (i = 0; i < n; i++) {
		const char *name = voc_reader_colname(r, i);

		if (strlen(name) != len || memcmp(name, ref, len) != 0)
			continue;
		/* Two columns of one name: taking either would be a guess. */
		if (found != n)
			return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
			    "column \"%.*s\" is ambiguous: columns %zu and %zu "
			    "of the header are both named so; give the column's "
			    "number", (int)len, ref, found + 1, i + 1);
		found = i;
	}
	if (found != n) {
		*idx = found;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (voc_text_ieq(voc_reader_colname(r, i), ref, len)) {
			if (found != n)
				return voc_error_set(err, VOC_ERR_USAGE, NULL,
				    0, "column \"%.*s\" matches both \"%s\" "
				    "and \"%s\"; give the exact name",
				    (int)len, ref, voc_reader_colname(r, found),
				    voc_reader_colname(r, i));
			found = i;
		}
	if (found != n) {
		*idx = found;
		return 0;
	}
	if (len > 0 && len < 10 && strspn(ref, "0123456789") >= len) {
		size_t k = (size_t)strtoul(ref, NULL, 10);

		if (k >= 1 && k <= n) {
			*idx = k - 1;
			return 0;
		}
	}
	/* A JSON Lines key the first object lacks may be in later ones: the
	 * reader checks at the end that some object had it.  The reader is
	 * const to callers that only look names up; asking for a key only
	 * extends its header. */
	if (voc_reader_format(r) == VOC_FMT_JSONL) {
		int rc = voc_reader_want((struct voc_reader *)r, ref, len, idx);

		if (rc == 0)
			return 0;
		if (rc < 0)
			return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
			    "out of memory");
	}
	list[0] = '\0';
	for (i = 0; i < n && used + 4 < sizeof(list); i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s",
		    i ? ", " : "", voc_reader_colname(r, i));

		if (w < 0 || (size_t)w >= sizeof(list) - used) {
			snprintf(list + (sizeof(list) > used + 5 ?
			    sizeof(list) - 5 : used), 5, "...");
			break;
		}
		used += (size_t)w;
	}
	return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
	    "no column \"%.*s\"; the columns are: %s", (int)len, ref, list);
}

int
voc_columns_list(const struct voc_reader *r, const char *refs, size_t **idx,
    size_t *n, struct voc_error *err)
{
	size_t cap = 1;
	const char *p;

	for (p = refs; *p; p++)
		cap += *p == ',';
	if ((*idx = calloc(cap, sizeof(size_t))) == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	*n = 0;
	for (p = refs;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (voc_columns_find(r, p, len, &(*idx)[*n], err) < 0) {
			free(*idx);
			*idx = NULL;
			return -1;
		}
		(*n)++;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return 0;
}
