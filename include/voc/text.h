/*
 * UTF-8 text helpers: validation (the reader checks every line), display
 * width (the table writer aligns Japanese text, two columns a character),
 * and trimming.
 */
#ifndef VOC_TEXT_H
#define VOC_TEXT_H

#include <stddef.h>

/*
 * Returns len when s[0..len) is valid UTF-8, else the offset of the first
 * byte of the first invalid sequence.  Overlong forms, surrogates and code
 * points above U+10FFFF are invalid.
 */
size_t voc_text_utf8_check(const char *s, size_t len);

/*
 * The number of terminal columns s[0..len) takes: East Asian wide and
 * full-width characters count 2, combining marks 0, everything else 1.
 * s must be valid UTF-8.
 */
size_t voc_text_width(const char *s, size_t len);

/* Sets *s and *len to the part of the string without ASCII white space at
 * either end. */
void voc_text_trim(const char **s, size_t *len);

/*
 * Reads a rating-scale answer: an integer ("9"), an integral decimal as
 * spreadsheets write it ("9.0"), or a label that starts with the number
 * ("10 - Extremely likely", "0 (Not at all likely)").  Returns 0 and sets
 * *v, -1 for a blank answer, -2 for anything else.
 */
int voc_text_scale_number(const char *s, size_t len, int *v);

/* ASCII case-insensitive equality of a NUL-terminated and a counted string. */
int voc_text_ieq(const char *a, const char *b, size_t blen);

/* Cuts a UTF-8 string of len bytes that may end inside a character (a
 * cut made by bytes) before that character; NUL-terminates it and
 * returns the new length. */
size_t voc_text_utf8_cut(char *s, size_t len);

#endif
