/*
 * Error values for the library (see include/voc/error.h).  Kept apart so
 * every module can report without knowing how programs print.
 *
 * Every message passes through voc_error_clean once, when it is set, so
 * no caller has to remember that a field may hold a newline, an escape
 * sequence or a megabyte of text.
 */
#include <stdarg.h>
#include <stdint.h>
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
	voc_error_clean(err->msg, sizeof(err->msg));
	voc_error_clean(err->file, sizeof(err->file));
	return -1;
}

/* The length of the UTF-8 character at s[0..n), or 0 when the bytes are
 * not one (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t k;
	unsigned lo = 0x80, hi = 0xBF;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xC2 || s[0] > 0xF4)
		return 0;
	k = s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
	if (s[0] == 0xE0)
		lo = 0xA0;
	else if (s[0] == 0xED)
		hi = 0x9F;
	else if (s[0] == 0xF0)
		lo = 0x90;
	else if (s[0] == 0xF4)
		hi = 0x8F;
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return k;
}

/* Appends the escaped form of the character at s (k bytes; 0: one bad
 * byte) to buf[*o..size-1); returns 0, or -1 when it does not fit. */
static int
put_char(const unsigned char *s, size_t k, char *buf, size_t size,
    size_t *o)
{
	char tmp[8];
	size_t n;

	if (k == 1 && (s[0] < 0x20 || s[0] == 0x7F)) {
		const char *e = s[0] == '\n' ? "\\n" : s[0] == '\r' ? "\\r" :
		    s[0] == '\t' ? "\\t" : NULL;

		if (e != NULL)
			n = (size_t)snprintf(tmp, sizeof(tmp), "%s", e);
		else
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02x", s[0]);
	} else if (k == 2 && s[0] == 0xC2 && s[1] < 0xA0) {
		n = (size_t)snprintf(tmp, sizeof(tmp), "\\u%04x", s[1]);
	} else if (k == 0) {
		n = (size_t)snprintf(tmp, sizeof(tmp), "\\x%02X", s[0]);
	} else {
		n = k;
		memcpy(tmp, s, k);
	}
	if (*o + n + 1 > size)
		return -1;
	memcpy(buf + *o, tmp, n);
	*o += n;
	return 0;
}

char *
voc_error_escape(const char *s, size_t len, size_t max, char *buf,
    size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	if (size == 0)
		return buf;
	while (i < len) {
		size_t k = utf8_len(p + i, len - i);

		if (i >= max) {
			/* "…" is three bytes. */
			if (o + 4 <= size) {
				memcpy(buf + o, "\xE2\x80\xA6", 3);
				o += 3;
			}
			break;
		}
		if (put_char(p + i, k, buf, size, &o) < 0)
			break;
		i += k ? k : 1;
	}
	buf[o] = '\0';
	return buf;
}

char *
voc_error_quote(const char *s, size_t len, char *buf, size_t size)
{
	return voc_error_escape(s, len, VOC_ERROR_QUOTE_MAX, buf, size);
}

void
voc_error_clean(char *msg, size_t size)
{
	char out[2048];
	size_t len = strnlen(msg, size), i = 0, o = 0;

	if (size > sizeof(out))
		size = sizeof(out);
	while (i < len) {
		const char *q = memchr(msg + i, '"', len - i);
		size_t plain = q ? (size_t)(q - (msg + i)) : len - i;

		voc_error_escape(msg + i, plain, SIZE_MAX, out + o, size - o);
		o += strlen(out + o);
		i += plain;
		if (q == NULL || o + 2 > size)
			break;
		/* A quoted span: up to the next quote, or the end. */
		const char *e = memchr(q + 1, '"', len - i - 1);
		size_t in = e ? (size_t)(e - q - 1) : len - i - 1;

		out[o++] = '"';
		voc_error_escape(q + 1, in, VOC_ERROR_QUOTE_MAX, out + o,
		    size - o);
		o += strlen(out + o);
		i += 1 + in;
		if (e != NULL && o + 2 <= size) {
			out[o++] = '"';
			i++;
		}
	}
	out[o < size ? o : size - 1] = '\0';
	memcpy(msg, out, strlen(out) + 1);
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
