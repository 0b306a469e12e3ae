/*
 * Error values for the library (see include/voc/error.h).  Kept apart so
 * every module can report without knowing how programs print.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "voc/error.h"

void
voc_error_clear(struct voc_error *err)
{
	if (err == NULL)
		return;
	err->kind = VOC_ERR_NONE;
	err->file[0] = '\0';
	err->line = 0;
	err->msg[0] = '\0';
}

int
voc_error_set(struct voc_error *err, enum voc_errkind kind, const char *file,
    long line, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->kind = kind;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

char *
voc_error_format(const struct voc_error *err, char *buf, size_t size)
{
	if (err->file[0] != '\0' && err->line > 0)
		snprintf(buf, size, "%s:%ld: %s", err->file, err->line,
		    err->msg);
	else if (err->file[0] != '\0')
		snprintf(buf, size, "%s: %s", err->file, err->msg);
	else
		snprintf(buf, size, "%s", err->msg);
	return buf;
}

void
voc_error_print(const char *prog, const struct voc_error *err, FILE *fp)
{
	char buf[1400];

	fprintf(fp, "%s: %s\n", prog, voc_error_format(err, buf, sizeof(buf)));
}

int
voc_error_status(const struct voc_error *err)
{
	return err->kind == VOC_ERR_USAGE ? 2 : 1;
}
