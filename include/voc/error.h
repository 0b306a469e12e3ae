/*
 * Errors as values.  Library functions never print and never exit: they
 * return -1 (or NULL) and fill a caller-owned struct voc_error, which the
 * program prints in the one format CONVENTIONS.md asks for
 * ("PROG: FILE:LINE: message") and turns into an exit status.
 */
#ifndef VOC_ERROR_H
#define VOC_ERROR_H

#include <stdio.h>

enum voc_errkind {
	VOC_ERR_NONE = 0,
	VOC_ERR_DATA,	/* bad input, I/O: exit 1 */
	VOC_ERR_USAGE	/* bad options or column names: exit 2 */
};

struct voc_error {
	enum voc_errkind kind;
	char file[256];	/* empty when the message names no file */
	long line;	/* 0 when the message names no line */
	char msg[1024];
};

/* Clears err.  A NULL err is accepted everywhere and ignored. */
void voc_error_clear(struct voc_error *err);

/*
 * Fills err with a printf-style message.  file may be NULL and line 0.
 * Always returns -1, so callers can write "return voc_error_set(...)".
 */
int voc_error_set(struct voc_error *err, enum voc_errkind kind,
    const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Formats "FILE:LINE: message" (or "message") into buf; returns buf. */
char *voc_error_format(const struct voc_error *err, char *buf, size_t size);

/* Prints "prog: FILE:LINE: message\n" to fp. */
void voc_error_print(const char *prog, const struct voc_error *err, FILE *fp);

/* The exit status for err: 1 for data errors, 2 for usage errors. */
int voc_error_status(const struct voc_error *err);

#endif
