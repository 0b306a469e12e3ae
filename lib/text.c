/*
 * UTF-8 validation and display width.  Validation runs on every input
 * line, so it first skips ASCII eight bytes at a time; the multibyte path
 * follows the well-formed byte sequences table of Unicode 15, section 3.9
 * (Table 3-7).  Widths use the East Asian Width property's W and F
 * ranges, which is what terminals draw two columns wide; the table below
 * keeps only the blocks survey text uses, and counts other characters 1.
 */
#include <stdint.h>
#include <string.h>

#include "voc/text.h"

size_t
voc_text_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		if (len - i >= 8) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF)
			n = 2;
		else if (c >= 0xE0 && c <= 0xEF) {
			n = 3;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else
			return i;
		if (len - i < n)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k < n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return i;
		i += n;
	}
	return len;
}

static int
wide(uint32_t cp)
{
	static const uint32_t ranges[][2] = {
		{0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF},
		{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
		{0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F},
		{0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
		{0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD},
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return 1;
	return 0;
}

static int
combining(uint32_t cp)
{
	return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x3099 && cp <= 0x309A)
	    || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200B || cp == 0x200D;
}

size_t
voc_text_width(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0, i = 0;

	while (i < len) {
		uint32_t cp;
		unsigned char c = s[i];
		size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

		if (n > len - i)
			n = len - i;
		cp = n == 1 ? c : c & (0xFF >> (n + 1));
		for (size_t k = 1; k < n; k++)
			cp = (cp << 6) | (s[i + k] & 0x3F);
		i += n;
		if (combining(cp))
			continue;
		w += wide(cp) ? 2 : 1;
	}
	return w;
}

/* The ideographic space U+3000, which Japanese input methods type. */
#define IDEO_SPACE "\xE3\x80\x80"
/* U+00A0, which spreadsheets and web forms leave for a blank cell. */
#define NO_BREAK_SPACE "\xC2\xA0"

void
voc_text_trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;

	/* Space, tab, CR and LF are at most 0x20, and U+3000 and U+00A0
	 * begin with and end in bytes of 0x80 and above: a value that
	 * starts and ends with other ASCII has nothing to trim. */
	if (n == 0 || ((unsigned char)p[0] - 0x21u < 0x5Fu &&
	    (unsigned char)p[n - 1] - 0x21u < 0x5Fu))
		return;
	for (;;) {
		if (n > 0 && (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\n')) {
			p++;
			n--;
		} else if (n >= 3 && memcmp(p, IDEO_SPACE, 3) == 0) {
			p += 3;
			n -= 3;
		} else if (n >= 2 && memcmp(p, NO_BREAK_SPACE, 2) == 0) {
			p += 2;
			n -= 2;
		} else
			break;
	}
	for (;;) {
		if (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
		    p[n - 1] == '\r' || p[n - 1] == '\n'))
			n--;
		else if (n >= 3 && memcmp(p + n - 3, IDEO_SPACE, 3) == 0)
			n -= 3;
		else if (n >= 2 && memcmp(p + n - 2, NO_BREAK_SPACE, 2) == 0)
			n -= 2;
		else
			break;
	}
	*s = p;
	*len = n;
}

int
voc_text_ieq(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x == '\0')
			return 0;
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return 0;
	}
	return a[i] == '\0';
}

/*
 * Copies s[0..len) to buf (at least len bytes) with the full-width
 * digits, full stop and hyphen-minus of Japanese input (U+FF10..FF19,
 * U+FF0E, U+FF0D) made ASCII; returns the new length.
 */
static size_t
narrow_digits(const char *s, size_t len, char *buf)
{
	size_t i = 0, n = 0;

	while (i < len) {
		const unsigned char *u = (const unsigned char *)s + i;

		if (len - i >= 3 && u[0] == 0xEF && u[1] == 0xBC &&
		    (u[2] == 0x8D || u[2] == 0x8E || (u[2] >= 0x90 &&
		    u[2] <= 0x99))) {
			/* U+FF0D..FF19 map in order onto '-' (0x2D)
			 * onwards; U+FF0F is left out above. */
			buf[n++] = (char)('-' + (u[2] - 0x8D));
			i += 3;
		} else
			buf[n++] = s[i++];
	}
	return n;
}

int
voc_text_scale_number(const char *s, size_t len, int *out)
{
	char narrow[64];
	size_t i = 0;
	int v = 0;

	voc_text_trim(&s, &len);
	if (len == 0)
		return -1;
	/* Full-width digits (U+FF10..U+FF19) start with 0xEF; a score is a
	 * byte or two, so a loop beats a call to memchr. */
	for (i = 0; i < len && (unsigned char)s[i] != 0xEF; i++)
		;
	if (i < len && len <= sizeof(narrow)) {
		len = narrow_digits(s, len, narrow);
		s = narrow;
	}
	i = 0;
	while (i < len && i < 4 && s[i] >= '0' && s[i] <= '9')
		v = v * 10 + (s[i++] - '0');
	if (i == 0 || i == 4)
		return -2;
	if (i < len && s[i] == '.') {
		size_t j = i + 1;

		while (j < len && s[j] == '0')
			j++;
		if (j == i + 1 || (j < len && s[j] >= '1' && s[j] <= '9'))
			return -2;
		i = j;
	}
	/* A label: the number must be followed by a separator, not more of
	 * a number or a unit glued to it. */
	if (i < len && s[i] != ' ' && s[i] != '-' && s[i] != '(' &&
	    s[i] != ':' && s[i] != '\t')
		return -2;
	*out = v;
	return 0;
}

size_t
voc_text_utf8_cut(char *s, size_t len)
{
	size_t i = len, back = 0;

	/* Step back over continuation bytes to the last lead byte. */
	while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
		i--;
		back++;
	}
	if (i > 0) {
		unsigned char c = (unsigned char)s[i - 1];
		size_t need = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

		if (c >= 0xC0 && need != back)
			len = i - 1;	/* an incomplete last character */
	}
	s[len] = '\0';
	return len;
}
