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

/*
 * Messages are one line of plain text whatever the input holds: a field
 * quoted in a message could otherwise end the line and forge a second
 * "prog: ..." line, or carry terminal escape codes.
 *
 * voc_error_escape copies s[0..len) into buf (size bytes, always
 * NUL-terminated) with control characters written as escapes (\n, \r,
 * \t, \x1b; C1 controls as \u0085; bytes that are not UTF-8 as \xHH),
 * cut at a character boundary after max input bytes with "…" appended
 * (max SIZE_MAX: no cut).  It stops early, at a character boundary, when
 * buf is full.  Returns buf.
 */
char *voc_error_escape(const char *s, size_t len, size_t max, char *buf,
    size_t size);

/* The form for a value quoted in a message: voc_error_escape with max
 * VOC_ERROR_QUOTE_MAX.  VOC_ERROR_QUOTE_SIZE bytes of buf always hold
 * the whole result. */
#define VOC_ERROR_QUOTE_MAX 40
#define VOC_ERROR_QUOTE_SIZE (VOC_ERROR_QUOTE_MAX * 4 + 8)
char *voc_error_quote(const char *s, size_t len, char *buf, size_t size);

/*
 * Makes a formatted message safe in place (size: the bytes msg may use):
 * control characters escaped, and every "..." span longer than
 * VOC_ERROR_QUOTE_MAX bytes cut with "…".  voc_error_set applies it to
 * every message; code that formats messages of its own (skip reasons)
 * calls it once on the result.
 */
void voc_error_clean(char *msg, size_t size);

/* Formats "FILE:LINE: message" (or "message") into buf; returns buf. */
char *voc_error_format(const struct voc_error *err, char *buf, size_t size);

/* Prints "prog: FILE:LINE: message\n" to fp. */
void voc_error_print(const char *prog, const struct voc_error *err, FILE *fp);

/* The exit status for err: 1 for data errors, 2 for usage errors. */
int voc_error_status(const struct voc_error *err);

#endif
