/*
 * The JSON Lines value extractor (see include/voc/jsonscan.h).
 *
 * A recursive-descent reader of RFC 8259 with jansson's limits (UTF-8
 * checked, no \u0000, surrogates paired, integers within 64 bits), which
 * carries down the nesting only the requested paths that the keys read so
 * far still lead to ("live" paths).  Where none is live, a value is only
 * checked and skipped; where a key completes a path, its value is taken.
 * A string without escapes is handed out where it lies in the line; one
 * with escapes is decoded into a scratch buffer that the scanner keeps
 * from line to line, so a run of lines allocates nothing.  The line
 * itself is written to only once the whole line has been accepted (a NUL
 * after each value handed out), so a line left to jansson is intact.
 *
 * Duplicate keys are found without a table: along one route through the
 * nesting, the keys that match a path of k segments cover k segments
 * ("a.b" covers two), so a path whose keys cover more than that in one
 * line has a repeated key (jansson keeps the last value) or two names
 * for one column, and goes to jansson.
 *
 * Strings, the bulk of most lines, are crossed 16 bytes at a time with
 * SSE2 (present on every x86-64) up to the next quote, backslash,
 * control character or byte >= 0x80.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#define JSCAN_SSE2 1
#endif

#include "voc/jsonscan.h"

#define MAX_DEPTH 512

enum { AT_STATIC, AT_LINE, AT_SCRATCH };

/* A value taken while the line is read: where its text lies. */
struct slot {
	enum voc_jscan_type type;
	int at;
	size_t off, len;
	const char *text;	/* AT_STATIC */
};

struct path {
	char *s;
	size_t len;
	unsigned segs;
};

struct voc_jscan {
	struct path *paths;
	size_t npaths, pcap;
	unsigned maxsegs;
	size_t *live;		/* stacked lists of live path indices */
	size_t livecap;
	unsigned *touch;	/* keys that matched path i in this line */
	struct slot *slot;
	size_t slotcap;
	char *scratch;
	size_t slen, scap;

	const unsigned char *line, *p, *e;
	int status;		/* 0, REJECT or NOMEM once the line fails */
	unsigned empty_top;	/* "" keys met where the name is empty */
	int g15;		/* reals as "%.15g" of their double */
};

enum { REJECT = 1, NOMEM = 2 };

/* ---- building ---- */

struct voc_jscan *
voc_jscan_new(void)
{
	return calloc(1, sizeof(struct voc_jscan));
}

long
voc_jscan_add(struct voc_jscan *js, const char *name, size_t len)
{
	struct path *p;

	for (size_t i = 0; i < js->npaths; i++)
		if (js->paths[i].len == len &&
		    memcmp(js->paths[i].s, name, len) == 0)
			return (long)i;
	if (js->npaths == js->pcap) {
		size_t cap = js->pcap ? 2 * js->pcap : 8;

		if ((p = realloc(js->paths, cap * sizeof(*p))) == NULL)
			return -1;
		js->paths = p;
		js->pcap = cap;
	}
	p = &js->paths[js->npaths];
	if ((p->s = malloc(len + 1)) == NULL)
		return -1;
	memcpy(p->s, name, len);
	p->s[len] = '\0';
	p->len = len;
	p->segs = 1;
	for (size_t i = 0; i < len; i++)
		p->segs += name[i] == '.';
	if (p->segs > js->maxsegs)
		js->maxsegs = p->segs;
	return (long)js->npaths++;
}

void
voc_jscan_reals_g15(struct voc_jscan *js, int on)
{
	js->g15 = on;
}

size_t
voc_jscan_count(const struct voc_jscan *js)
{
	return js->npaths;
}

void
voc_jscan_free(struct voc_jscan *js)
{
	if (js == NULL)
		return;
	for (size_t i = 0; i < js->npaths; i++)
		free(js->paths[i].s);
	free(js->paths);
	free(js->live);
	free(js->touch);
	free(js->slot);
	free(js->scratch);
	free(js);
}

/* ---- the line ---- */

static int
fail(struct voc_jscan *js, int why)
{
	if (js->status == 0)
		js->status = why;
	return -1;
}

static int
scratch_put(struct voc_jscan *js, const void *s, size_t n)
{
	if (n == 0)
		return 0;
	if (js->slen + n > js->scap) {
		size_t cap = js->scap ? js->scap : 256;
		char *q;

		while (cap < js->slen + n)
			cap *= 2;
		if ((q = realloc(js->scratch, cap)) == NULL)
			return fail(js, NOMEM);
		js->scratch = q;
		js->scap = cap;
	}
	memcpy(js->scratch + js->slen, s, n);
	js->slen += n;
	return 0;
}

static void
skip_ws(struct voc_jscan *js)
{
	const unsigned char *p = js->p, *e = js->e;

	while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	js->p = p;
}

/* The length of the valid UTF-8 sequence at p (lead byte >= 0x80), as
 * jansson's utf8_check_full bounds it; 0 when invalid. */
static int
utf8_len(const unsigned char *p, const unsigned char *e)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	int n;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		lo = c == 0xE0 ? 0xA0 : 0x80;
		hi = c == 0xED ? 0x9F : 0xBF;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF;
	} else
		return 0;
	if (e - p < n || p[1] < lo || p[1] > hi)
		return 0;
	for (int k = 2; k < n; k++)
		if (p[k] < 0x80 || p[k] > 0xBF)
			return 0;
	return n;
}

static int
hex4(const unsigned char *p, const unsigned char *e, unsigned *v)
{
	unsigned x = 0;

	if (e - p < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		unsigned c = p[k], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		x = x * 16 + d;
	}
	*v = x;
	return 0;
}

/* The first byte at or after p that is '"', '\\', below 0x20 or above
 * 0x7F; e when there is none. */
static const unsigned char *
str_special(const unsigned char *p, const unsigned char *e)
{
#ifdef JSCAN_SSE2
	const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	const __m128i c1f = _mm_set1_epi8(0x1F);

	while (e - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)p);
		__m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, q),
		    _mm_cmpeq_epi8(v, bs));
		/* unsigned v <= 0x1F */
		m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v));
		int bits = _mm_movemask_epi8(m) | _mm_movemask_epi8(v);

		if (bits != 0)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
#endif
	while (p < e && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80)
		p++;
	return p;
}

/*
 * Reads a string whose opening quote is at js->p.  With want set, its
 * decoded text is described by *at, *off, *len: in the line when it has
 * no escape, else at the scratch buffer's end (followed by a NUL when nul
 * is set).  Returns 0 or -1.
 */
static int
string(struct voc_jscan *js, int want, int nul, int *at, size_t *off,
    size_t *len)
{
	const unsigned char *p = js->p + 1, *e = js->e, *run = p;
	size_t start = js->slen;
	int esc = 0;

	for (;;) {
		p = str_special(p, e);
		if (p == e)
			return fail(js, REJECT);
		if (*p == '"')
			break;
		if (*p >= 0x80) {
			int n = utf8_len(p, e);

			if (n == 0)
				return fail(js, REJECT);
			p += n;
			continue;
		}
		if (*p != '\\')
			return fail(js, REJECT);	/* control character */
		if (want && scratch_put(js, run, (size_t)(p - run)) < 0)
			return -1;
		esc = 1;
		if (e - p < 2)
			return fail(js, REJECT);
		unsigned char out[4];
		size_t nout = 1;
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
			out[0] = p[1];
			break;
		case 'b':
			out[0] = '\b';
			break;
		case 'f':
			out[0] = '\f';
			break;
		case 'n':
			out[0] = '\n';
			break;
		case 'r':
			out[0] = '\r';
			break;
		case 't':
			out[0] = '\t';
			break;
		case 'u': {
			unsigned u, lo;

			if (hex4(p + 2, e, &u) < 0 || u == 0 ||
			    (u >= 0xDC00 && u <= 0xDFFF))
				return fail(js, REJECT);
			if (u >= 0xD800 && u <= 0xDBFF) {
				if (e - p < 12 || p[6] != '\\' || p[7] != 'u' ||
				    hex4(p + 8, e, &lo) < 0 || lo < 0xDC00 ||
				    lo > 0xDFFF)
					return fail(js, REJECT);
				u = 0x10000 + ((u - 0xD800) << 10) +
				    (lo - 0xDC00);
				p += 6;
			}
			if (u < 0x80)
				out[0] = (unsigned char)u;
			else if (u < 0x800) {
				out[0] = (unsigned char)(0xC0 | u >> 6);
				out[1] = (unsigned char)(0x80 | (u & 0x3F));
				nout = 2;
			} else if (u < 0x10000) {
				out[0] = (unsigned char)(0xE0 | u >> 12);
				out[1] = (unsigned char)(0x80 |
				    (u >> 6 & 0x3F));
				out[2] = (unsigned char)(0x80 | (u & 0x3F));
				nout = 3;
			} else {
				out[0] = (unsigned char)(0xF0 | u >> 18);
				out[1] = (unsigned char)(0x80 |
				    (u >> 12 & 0x3F));
				out[2] = (unsigned char)(0x80 |
				    (u >> 6 & 0x3F));
				out[3] = (unsigned char)(0x80 | (u & 0x3F));
				nout = 4;
			}
			p += 4;
			break;
		}
		default:
			return fail(js, REJECT);
		}
		p += 2;
		run = p;
		if (want && scratch_put(js, out, nout) < 0)
			return -1;
	}
	if (want) {
		if (!esc) {
			*at = AT_LINE;
			*off = (size_t)(js->p + 1 - js->line);
			*len = (size_t)(p - js->p - 1);
		} else {
			if (scratch_put(js, run, (size_t)(p - run)) < 0)
				return -1;
			*at = AT_SCRATCH;
			*off = start;
			*len = js->slen - start;
			if (nul && scratch_put(js, "", 1) < 0)
				return -1;
		}
	}
	js->p = p + 1;
	return 0;
}

const char *
voc_json_number(const char *p, const char *e, int *real, long *mag)
{
	const char *d0;

	*real = 0;
	if (p < e && *p == '-')
		p++;
	d0 = p;
	if (p < e && *p == '0')
		p++;
	else if (p < e && *p >= '1' && *p <= '9')
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	*mag = (long)(p - d0);
	if (p < e && *p == '.') {
		*real = 1;
		p++;
		if (p == e || *p < '0' || *p > '9')
			return NULL;
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		long x = 0;
		int xneg = 0;

		*real = 1;
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			xneg = *p++ == '-';
		if (p == e || *p < '0' || *p > '9')
			return NULL;
		while (p < e && *p >= '0' && *p <= '9') {
			if (x < 100000)
				x = x * 10 + (*p - '0');
			p++;
		}
		*mag += xneg ? -x : x;
	}
	return p;
}

/*
 * Reads a number at js->p as jansson's lexer does (RFC 8259's grammar,
 * integers within int64_t).  Reals of 1e300 and more are left to jansson,
 * whose strtod may find them out of range.  Sets *type to VOC_JSCAN_INT
 * or VOC_JSCAN_REAL.  Returns 0 or -1.
 */
static int
number(struct voc_jscan *js, enum voc_jscan_type *type)
{
	const char *p = (const char *)js->p, *end;
	int neg = *js->p == '-', real;
	long mag;

	if ((end = voc_json_number(p, (const char *)js->e, &real, &mag)) ==
	    NULL)
		return fail(js, REJECT);
	if (real) {
		if (mag >= 300)
			return fail(js, REJECT);
	} else if (mag >= 19) {
		static const char max[] = "9223372036854775807";
		static const char min[] = "9223372036854775808";

		if (mag > 19 || memcmp(p + neg, neg ? min : max, 19) > 0)
			return fail(js, REJECT);
	}
	*type = real ? VOC_JSCAN_REAL : VOC_JSCAN_INT;
	js->p = (const unsigned char *)end;
	return 0;
}

static int
literal(struct voc_jscan *js, const char *word, size_t n)
{
	if ((size_t)(js->e - js->p) < n || memcmp(js->p, word, n) != 0)
		return fail(js, REJECT);
	js->p += n;
	return 0;
}

static int value(struct voc_jscan *js, size_t *live, size_t nlive,
    size_t plen, int depth, long take);

/* Reads the object at js->p ('{'); live[0..nlive) are the paths still
 * live, whose first plen bytes the keys so far have matched. */
static int
object(struct voc_jscan *js, size_t *live, size_t nlive, size_t plen,
    int depth)
{
	size_t *child = live + nlive;

	if (depth > MAX_DEPTH)
		return fail(js, REJECT);
	js->p++;
	skip_ws(js);
	if (js->p < js->e && *js->p == '}') {
		js->p++;
		return 0;
	}
	for (;;) {
		int at = AT_LINE;
		size_t koff = 0, klen = 0, nchild = 0, mark = js->slen;
		long take = -1;

		if (js->p == js->e || *js->p != '"')
			return fail(js, REJECT);
		if (string(js, nlive > 0, 0, &at, &koff, &klen) < 0)
			return -1;
		if (nlive > 0) {
			const char *key = at == AT_LINE ?
			    (const char *)js->line + koff : js->scratch + koff;
			size_t at0 = plen ? plen + 1 : 0;

			/* The reader names the members of {"": {...}} at
			 * the top as if they were at the top; a second
			 * such key is left to jansson. */
			int through = plen == 0 && klen == 0;

			if (through && js->empty_top++ > 0)
				return fail(js, REJECT);
			for (size_t i = 0; i < nlive; i++) {
				struct path *r = &js->paths[live[i]];

				if (through && r->len > 0) {
					child[nchild++] = live[i];
					continue;
				}

				if (r->len < at0 + klen || memcmp(r->s + at0,
				    key, klen) != 0)
					continue;
				if (r->len == at0 + klen)
					take = (long)live[i];
				else if (r->s[at0 + klen] == '.')
					child[nchild++] = live[i];
				else
					continue;
				/* A key counts for the segments it
				 * covers ("a.b" for two). */
				js->touch[live[i]] += 1;
				for (size_t k = at0; k < at0 + klen; k++)
					js->touch[live[i]] += r->s[k] == '.';
				if (js->touch[live[i]] > r->segs)
					return fail(js, REJECT);
			}
			js->slen = mark;	/* the key's decoded text */
		}
		skip_ws(js);
		if (js->p == js->e || *js->p != ':')
			return fail(js, REJECT);
		js->p++;
		skip_ws(js);
		if (value(js, child, nchild, nlive > 0 ? (plen ? plen + 1 : 0) +
		    klen : 0, depth + 1, take) < 0)
			return -1;
		skip_ws(js);
		if (js->p == js->e)
			return fail(js, REJECT);
		if (*js->p == '}') {
			js->p++;
			return 0;
		}
		if (*js->p != ',')
			return fail(js, REJECT);
		js->p++;
		skip_ws(js);
	}
}

static int
array(struct voc_jscan *js, int depth)
{
	if (depth > MAX_DEPTH)
		return fail(js, REJECT);
	js->p++;
	skip_ws(js);
	if (js->p < js->e && *js->p == ']') {
		js->p++;
		return 0;
	}
	for (;;) {
		if (value(js, NULL, 0, 0, depth + 1, -1) < 0)
			return -1;
		skip_ws(js);
		if (js->p == js->e)
			return fail(js, REJECT);
		if (*js->p == ']') {
			js->p++;
			return 0;
		}
		if (*js->p != ',')
			return fail(js, REJECT);
		js->p++;
		skip_ws(js);
	}
}

/*
 * Puts the real whose literal runs from start to js->p into the scratch
 * buffer as lib/reader.c prints a jansson real: strtod, then "%.15g"
 * (both in the C locale's form, as long as no one calls setlocale).
 */
static int
real_g15(struct voc_jscan *js, const unsigned char *start, struct slot *s)
{
	const unsigned char *p = start, *e = js->p, *ip, *fp, *last;
	size_t mark = js->slen;

	/*
	 * Most reals need no strtod: one without an exponent, of at most 15
	 * significant digits (DBL_DIG: they survive the trip through a
	 * double) and between 1e-4 and 1e15 (where %g writes no exponent)
	 * comes out of "%.15g" as written less the fraction's trailing
	 * zeros, and its point if nothing is left after it.
	 */
	if (*p == '-')
		p++;
	ip = p;
	while (p < e && *p != '.' && *p != 'e' && *p != 'E')
		p++;
	if (p < e && *p == '.' && p - ip <= 15) {
		size_t sig = *ip == '0' ? 0 : (size_t)(p - ip), lead = 0;

		fp = p + 1;
		last = p;	/* the last non-zero digit of the fraction */
		for (p = fp; p < e && *p >= '0' && *p <= '9'; p++)
			if (*p != '0')
				last = p;
		if (p == e) {
			if (*ip == '0' && last > fp - 1) {
				/* 0.000123: zeros before the first digit */
				for (const unsigned char *q = fp;
				    *q == '0'; q++)
					lead++;
				sig = (size_t)(last - fp) + 1 - lead;
			} else if (last > fp - 1)
				sig += (size_t)(last - fp) + 1;
			if (sig <= 15 && lead <= 3) {
				s->at = AT_LINE;
				s->off = (size_t)(start - js->line);
				s->len = (size_t)((last == fp - 1 ? fp - 1 :
				    last + 1) - start);
				return 0;
			}
		}
	}
	char tmp[40];
	int n;

	if (scratch_put(js, start, (size_t)(js->p - start)) < 0 ||
	    scratch_put(js, "", 1) < 0)
		return -1;
	n = snprintf(tmp, sizeof(tmp), "%.15g", strtod(js->scratch + mark,
	    NULL));
	js->slen = mark;
	if (n < 0 || (size_t)n >= sizeof(tmp) ||
	    scratch_put(js, tmp, (size_t)n + 1) < 0)
		return fail(js, NOMEM);
	s->at = AT_SCRATCH;
	s->off = mark;
	s->len = (size_t)n;
	return 0;
}

static void
set_static(struct slot *s, enum voc_jscan_type type, const char *text)
{
	s->type = type;
	s->at = AT_STATIC;
	s->text = text;
	s->len = strlen(text);
}

/*
 * Reads the value at js->p.  take >= 0: it is the leaf of path take, to
 * be kept.  live[0..nlive): paths that go on into it if it is an object.
 */
static int
value(struct voc_jscan *js, size_t *live, size_t nlive, size_t plen,
    int depth, long take)
{
	struct slot *s = take >= 0 ? &js->slot[take] : NULL;

	if (js->p == js->e)
		return fail(js, REJECT);
	switch (*js->p) {
	case '{': {
		const unsigned char *open = js->p;

		if (object(js, live, nlive, plen, depth) < 0)
			return -1;
		/* Only an empty object is a leaf; a path that ends at a
		 * non-empty one names no value. */
		if (s != NULL) {
			if (js->p - open == 2)
				set_static(s, VOC_JSCAN_OBJECT, "{}");
			else {
				int ws_only = 1;
				for (const unsigned char *q = open + 1;
				    q < js->p - 1; q++)
					if (*q != ' ' && *q != '\t' &&
					    *q != '\n' && *q != '\r')
						ws_only = 0;
				if (ws_only)
					set_static(s, VOC_JSCAN_OBJECT, "{}");
				else
					s->type = VOC_JSCAN_ABSENT;
			}
		}
		return 0;
	}
	case '[': {
		const unsigned char *open = js->p;

		if (array(js, depth) < 0)
			return -1;
		if (s != NULL) {
			for (const unsigned char *q = open + 1; q < js->p - 1;
			    q++)
				if (*q != ' ' && *q != '\t' && *q != '\n' &&
				    *q != '\r')
					/* jansson's compact dump of it
					 * is left to jansson. */
					return fail(js, REJECT);
			set_static(s, VOC_JSCAN_ARRAY, "[]");
		}
		return 0;
	}
	case '"':
		if (s == NULL)
			return string(js, 0, 0, NULL, NULL, NULL);
		s->type = VOC_JSCAN_STRING;
		return string(js, 1, 1, &s->at, &s->off, &s->len);
	case 't':
		if (s != NULL)
			set_static(s, VOC_JSCAN_TRUE, "true");
		return literal(js, "true", 4);
	case 'f':
		if (s != NULL)
			set_static(s, VOC_JSCAN_FALSE, "false");
		return literal(js, "false", 5);
	case 'n':
		if (s != NULL)
			set_static(s, VOC_JSCAN_NULL, "");
		return literal(js, "null", 4);
	default: {
		const unsigned char *start = js->p;
		enum voc_jscan_type type;

		if (number(js, &type) < 0)
			return -1;
		if (s != NULL) {
			s->type = type;
			if (js->p - start == 2 && start[0] == '-' &&
			    start[1] == '0')
				set_static(s, type, "0");
			else if (type == VOC_JSCAN_REAL && js->g15)
				return real_g15(js, start, s);
			else {
				s->at = AT_LINE;
				s->off = (size_t)(start - js->line);
				s->len = (size_t)(js->p - start);
			}
		}
		return 0;
	}
	}
}

static int
prepare(struct voc_jscan *js)
{
	size_t need = js->npaths * (js->maxsegs + 2) + 1;

	if (need > js->livecap) {
		size_t *l = realloc(js->live, need * sizeof(*l));

		if (l == NULL)
			return -1;
		js->live = l;
		js->livecap = need;
	}
	if (js->npaths > js->slotcap) {
		struct slot *s = realloc(js->slot, js->npaths * sizeof(*s));
		unsigned *t = realloc(js->touch, js->npaths * sizeof(*t));

		if (s != NULL)
			js->slot = s;
		if (t != NULL)
			js->touch = t;
		if (s == NULL || t == NULL)
			return -1;
		js->slotcap = js->npaths;
	}
	for (size_t i = 0; i < js->npaths; i++) {
		js->live[i] = i;
		js->touch[i] = 0;
		js->slot[i].type = VOC_JSCAN_ABSENT;
	}
	return 0;
}

int
voc_jscan_line(struct voc_jscan *js, char *line, size_t len,
    struct voc_jscan_value *val)
{
	if (prepare(js) < 0)
		return -1;
	js->line = (const unsigned char *)line;
	js->p = js->line;
	js->e = js->line + len;
	js->slen = 0;
	js->status = 0;
	js->empty_top = 0;
	skip_ws(js);
	if (js->p == js->e || *js->p != '{')
		return 0;
	if (object(js, js->live, js->npaths, 0, 1) < 0)
		return js->status == NOMEM ? -1 : 0;
	skip_ws(js);
	if (js->p != js->e)
		return 0;
	for (size_t i = 0; i < js->npaths; i++) {
		struct slot *s = &js->slot[i];

		val[i].type = s->type;
		val[i].len = s->len;
		switch (s->type == VOC_JSCAN_ABSENT ? -1 : s->at) {
		case AT_LINE:
			val[i].s = line + s->off;
			line[s->off + s->len] = '\0';
			break;
		case AT_SCRATCH:
			val[i].s = js->scratch + s->off;
			break;
		case AT_STATIC:
			val[i].s = s->text;
			break;
		default:
			val[i].s = "";
			val[i].len = 0;
		}
	}
	return 1;
}
