/*
 * A JSON Lines value extractor that builds no tree.  Given the key paths a
 * program asks for ("score", "user.id": names joined with '.', as the
 * reader flattens nested objects), it reads one line, checks that it is
 * JSON that jansson would accept, and hands out only those values, as the
 * text the reader would give them: strings decoded (escapes, \uXXXX and
 * surrogate pairs to UTF-8), numbers as written in the line, true/false as
 * those words, null as the empty string, {} and [] as themselves.
 * Everything else is skipped without a copy or an allocation.
 *
 * Whatever the scanner is not sure of it leaves to jansson: invalid JSON
 * (for jansson's error message), a line that is not an object, a key that
 * a requested path goes through twice (duplicate keys, where jansson keeps
 * the last, or "a.b" both as one key and as a nested pair), a requested
 * value that is a non-empty array, nesting deeper than 512, a real number
 * of 1e300 or more.  Whatever it accepts, jansson accepts.
 */
#ifndef VOC_JSONSCAN_H
#define VOC_JSONSCAN_H

#include <stddef.h>

enum voc_jscan_type {
	VOC_JSCAN_ABSENT = 0,	/* no such leaf in this object */
	VOC_JSCAN_NULL,		/* text "" */
	VOC_JSCAN_FALSE,	/* "false" */
	VOC_JSCAN_TRUE,		/* "true" */
	VOC_JSCAN_INT,		/* the literal, "-0" as "0" */
	VOC_JSCAN_REAL,		/* the literal, e.g. "1.50", "2e3", or
				 * "%.15g" (voc_jscan_reals_g15) */
	VOC_JSCAN_STRING,	/* decoded UTF-8 (no NUL inside) */
	VOC_JSCAN_OBJECT,	/* "{}": only an empty object is a leaf */
	VOC_JSCAN_ARRAY		/* "[]" */
};

/* One requested value of a line: NUL-terminated text s[0..len). */
struct voc_jscan_value {
	enum voc_jscan_type type;
	const char *s;
	size_t len;
};

struct voc_jscan;

/* A scanner with no paths yet; NULL when out of memory. */
struct voc_jscan *voc_jscan_new(void);

/*
 * Asks for the leaf at path name[0..len) (segments joined with '.').  The
 * first path added has index 0, the next 1, and so on; adding a path
 * twice returns its first index.  Returns the index, or -1 when out of
 * memory.
 */
long voc_jscan_add(struct voc_jscan *js, const char *name, size_t len);

/*
 * on: reals are handed out as lib/reader.c prints jansson's reals, "%.15g"
 * of their double ("1.50" as "1.5", "1e3" as "1000"), so lines the
 * scanner reads and lines left to jansson give the same text.  Off (the
 * default): as written in the line, which keeps every digit.
 */
void voc_jscan_reals_g15(struct voc_jscan *js, int on);

/* The number of paths added. */
size_t voc_jscan_count(const struct voc_jscan *js);

/*
 * Reads the JSON text line[0..len) (one object; surrounding white space
 * and a final newline are fine) and fills val[i] for each path i.
 *
 * Returns 1 when the line is an object the scanner read whole: the values
 * point into line (which the scanner has written NULs into, after each
 * value it hands out) or into js, and stay valid until the next call with
 * js.  Returns 0 when the line is to go to jansson instead (invalid JSON,
 * not an object, or a case listed above): line and val are then not to be
 * used as scanned, and line is untouched.  Returns -1 when out of memory.
 */
int voc_jscan_line(struct voc_jscan *js, char *line, size_t len,
    struct voc_jscan_value *val);

/* Frees js; NULL is accepted. */
void voc_jscan_free(struct voc_jscan *js);

/*
 * The JSON number (RFC 8259's grammar, as jansson's lexer reads it) that
 * starts at p, before e: returns the byte after it, or NULL when none
 * does.  *real says whether it has a fraction or an exponent; *mag is its
 * decimal magnitude, the digits before any point (a whole number's
 * digits) plus the exponent, which is counted to 100,000 at most.
 */
const char *voc_json_number(const char *p, const char *e, int *real,
    long *mag);

#endif
