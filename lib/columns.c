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

static int no_column(const struct voc_reader *r, const char *ref,
    size_t len, struct voc_error *err);

int
voc_columns_find(const struct voc_reader *r, const char *ref, size_t len,
    size_t *idx, struct voc_error *err)
{
	size_t n = voc_reader_ncols(r), found = n, i;

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
	return no_column(r, ref, len, err);
}

/* The "no column" error, with the numbered list of the columns. */
static int
no_column(const struct voc_reader *r, const char *ref, size_t len,
    struct voc_error *err)
{
	size_t n = voc_reader_ncols(r);
	const char **names = calloc(n ? n : 1, sizeof(*names));
	char list[700];

	if (names == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	for (size_t i = 0; i < n; i++)
		names[i] = voc_reader_colname(r, i);
	voc_columns_describe(names, n, list, sizeof(list));
	free(names);
	return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
	    "no column \"%.*s\"; the columns are: %s", (int)len, ref, list);
}

/* The longest name, in bytes, a list shows whole. */
#define NAME_MAX_SHOWN 32

/* Appends name (numbered k) to buf at *used; 0, or -1 when it does not
 * fit in size bytes, leaving buf as it was. */
static int
describe_one(const char *name, size_t k, int first, char *buf, size_t size,
    size_t *used)
{
	size_t len = strlen(name), shown = len, at = *used;
	int quote = len == 0 || strpbrk(name, ", \"\t") != NULL;
	int n;

	if (len > NAME_MAX_SHOWN) {
		/* Cut on a character boundary: back over continuation
		 * bytes. */
		shown = NAME_MAX_SHOWN;
		while (shown > 0 && ((unsigned char)name[shown] & 0xC0) == 0x80)
			shown--;
		while (shown > 0 && name[shown - 1] == ' ')
			shown--;
	}
	n = snprintf(buf + at, size - at, "%s%zu %s", first ? "" : ", ", k,
	    quote ? "\"" : "");
	if (n < 0 || (size_t)n >= size - at)
		return -1;
	at += (size_t)n;
	for (size_t i = 0; i < shown; i++) {
		if (at + 2 >= size)
			return -1;
		if (name[i] == '"')
			buf[at++] = '"';
		buf[at++] = name[i];
	}
	n = snprintf(buf + at, size - at, "%s%s", shown < len ?
	    "\xE2\x80\xA6" : "", quote ? "\"" : "");
	if (n < 0 || (size_t)n >= size - at)
		return -1;
	*used = at + (size_t)n;
	return 0;
}

char *
voc_columns_describe(const char *const *names, size_t n, char *buf,
    size_t size)
{
	/* Room kept for the closing "… (N more; ...)". */
	const size_t tail = 64;
	size_t used = 0, i;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (size <= tail)
		return buf;
	for (i = 0; i < n; i++)
		if (describe_one(names[i], i + 1, i == 0, buf, size - tail,
		    &used) < 0) {
			buf[used] = '\0';
			break;
		}
	if (i < n)
		snprintf(buf + used, size - used, "%s\xE2\x80\xA6 (%zu more; "
		    "--columns lists them all)", i ? ", " : "", n - i);
	return buf;
}

int
voc_columns_split(const char *list, const char *what, char ***items,
    size_t *n, struct voc_error *err)
{
	size_t len = strlen(list), cap = 1;
	char **v, *out;
	const char *p = list;

	for (const char *q = list; *q; q++)
		cap += *q == ',';
	/* The pointers, then the items' bytes: never longer than the list
	 * plus a NUL per item. */
	if ((v = malloc(cap * sizeof(char *) + len + cap)) == NULL)
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	out = (char *)(v + cap);
	*n = 0;
	for (;;) {
		v[(*n)++] = out;
		if (*p == '"') {
			for (p++;; p++) {
				if (*p == '\0') {
					free(v);
					return voc_error_set(err, VOC_ERR_USAGE,
					    NULL, 0, "%s \"%s\": a quote is left "
					    "open", what, list);
				}
				if (*p == '"' && p[1] == '"')
					p++;
				else if (*p == '"')
					break;
				*out++ = *p;
			}
			p++;
			if (*p != ',' && *p != '\0') {
				free(v);
				return voc_error_set(err, VOC_ERR_USAGE, NULL, 0,
				    "%s \"%s\": a comma must follow a quoted "
				    "name", what, list);
			}
		} else
			while (*p != ',' && *p != '\0')
				*out++ = *p++;
		*out++ = '\0';
		if (*p == '\0')
			break;
		p++;
	}
	*items = v;
	return 0;
}

int
voc_columns_list(const struct voc_reader *r, const char *refs,
    const char *what, size_t **idx, size_t *n, struct voc_error *err)
{
	char **item;
	size_t k;

	if (voc_columns_split(refs, what, &item, &k, err) < 0)
		return -1;
	if ((*idx = calloc(k, sizeof(size_t))) == NULL) {
		free(item);
		return voc_error_set(err, VOC_ERR_DATA, NULL, 0,
		    "out of memory");
	}
	for (*n = 0; *n < k; (*n)++)
		if (voc_columns_find(r, item[*n], strlen(item[*n]), &(*idx)[*n],
		    err) < 0) {
			free(*idx);
			*idx = NULL;
			free(item);
			return -1;
		}
	free(item);
	return 0;
}
