/*
 * jsonscan: cases worked by hand, then differential tests against jansson.
 * Random objects (nested objects and arrays, keys with dots and escapes,
 * duplicate keys, strings with every escape, \uXXXX and surrogate pairs,
 * numbers of all forms, white space) and random mutations and garbage are
 * read by json_loadb and flattened as lib/reader.c flattens them, and by
 * voc_jscan_line.  Whatever the scanner accepts jansson must accept as an
 * object, with the same values (reals compared as the doubles strtod
 * makes of both texts); the scanner may leave a line to jansson, but not
 * most valid lines.
 */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "check.h"
#include "voc/jsonscan.h"

static const char *const paths[] = {"a", "b", "c", "a.b", "a.c", "b.a.c",
    "\xC3\xA9", "kA", "a.b.c", "d"};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

/* ---- the reference: jansson, flattened as the reader does ---- */

static void
flatten(json_t *obj, char *name, size_t nlen, json_t **leaf)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t klen = strlen(key);

		if (nlen + klen + 2 > 512)
			continue;
		if (nlen > 0)
			name[nlen] = '.';
		memcpy(name + nlen + (nlen > 0), key, klen + 1);
		if (json_is_object(v) && json_object_size(v) > 0)
			flatten(v, name, nlen + (nlen > 0) + klen, leaf);
		else
			for (size_t i = 0; i < NPATHS; i++)
				if (strcmp(name, paths[i]) == 0)
					leaf[i] = v;
		name[nlen] = '\0';
	}
}

/* Reals as "%.15g" (voc_jscan_reals_g15), else as written. */
static int g15;

/* Does the scanner's value agree with jansson's leaf? */
static int
same_value(json_t *v, const struct voc_jscan_value *s)
{
	char tmp[64];

	if (v == NULL)
		return s->type == VOC_JSCAN_ABSENT;
	if (strlen(s->s) != s->len && s->type != VOC_JSCAN_STRING)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return s->type == VOC_JSCAN_STRING &&
		    s->len == json_string_length(v) &&
		    memcmp(s->s, json_string_value(v), s->len) == 0 &&
		    s->s[s->len] == '\0';
	case JSON_INTEGER:
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return s->type == VOC_JSCAN_INT && strcmp(tmp, s->s) == 0;
	case JSON_REAL:
		if (g15) {
			snprintf(tmp, sizeof(tmp), "%.15g", json_real_value(v));
			return s->type == VOC_JSCAN_REAL &&
			    strcmp(tmp, s->s) == 0;
		}
		return s->type == VOC_JSCAN_REAL &&
		    strtod(s->s, NULL) == json_real_value(v);
	case JSON_TRUE:
		return s->type == VOC_JSCAN_TRUE && strcmp(s->s, "true") == 0;
	case JSON_FALSE:
		return s->type == VOC_JSCAN_FALSE && strcmp(s->s, "false") == 0;
	case JSON_NULL:
		return s->type == VOC_JSCAN_NULL && s->len == 0;
	default: {
		char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		int ok = d != NULL && strcmp(d, s->s) == 0;

		free(d);
		return ok && s->type == (json_is_object(v) ?
		    VOC_JSCAN_OBJECT : VOC_JSCAN_ARRAY);
	}
	}
}

static void
show(const char *what, const char *s, size_t len)
{
	fprintf(stderr, "%s: ", what);
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, s[i] >= 0x20 && s[i] < 0x7F ? "%c" : "\\x%02x",
		    (unsigned char)s[i]);
	fprintf(stderr, "\n");
}

struct tally {
	long lines, valid, accepted, left;
};

/* Reads one line both ways; returns 0 when they agree. */
static int
compare(struct voc_jscan *js, const char *text, size_t len, struct tally *t)
{
	struct voc_jscan_value val[NPATHS];
	json_error_t jerr;
	json_t *obj = json_loadb(text, len, 0, &jerr), *leaf[NPATHS] = {0};
	char *copy = malloc(len + 1), name[512] = "";
	int rc, bad = 0;

	memcpy(copy, text, len);
	copy[len] = '\x7f';
	rc = voc_jscan_line(js, copy, len, val);
	t->lines++;
	if (obj != NULL && json_is_object(obj)) {
		t->valid++;
		t->left += rc == 0;
	}
	if (rc == 0 && memcmp(copy, text, len) != 0)
		bad = 1;	/* a line left to jansson must be intact */
	if (rc == 1) {
		t->accepted++;
		if (obj == NULL || !json_is_object(obj))
			bad = 1;
		else {
			flatten(obj, name, 0, leaf);
			for (size_t i = 0; i < NPATHS; i++)
				if (!same_value(leaf[i], &val[i])) {
					fprintf(stderr, "path %s: \"%s\" "
					    "(type %d)\n", paths[i], val[i].s,
					    val[i].type);
					bad = 1;
				}
		}
	}
	if (rc < 0)
		bad = 1;
	if (bad)
		show(rc == 1 && obj == NULL ? "accepted, jansson rejects" :
		    "differs", text, len);
	CHECK(bad == 0);
	json_decref(obj);
	free(copy);
	return bad;
}

/* ---- random JSON ---- */

static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

struct text {
	char *s;
	size_t len, cap;
};

static void
put(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		if ((t->s = realloc(t->s, t->cap)) == NULL)
			abort();
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

static void
ws(struct text *t)
{
	static const char *const w[] = {" ", "\t", "\r\n", "  "};

	if (rnd(5) == 0)
		put(t, w[rnd(4)]);
}

/* Only what the scanner reads itself: valid, no repeated or dotted
 * keys, no non-empty arrays, no reals past 1e300. */
static int clean;

static void
gen_string(struct text *t)
{
	static const char *const bits[] = {"x", "hello", " ", "\xC3\xA9",
	    "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x98\x80", "\\\"", "\\\\",
	    "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041", "\\u00e9",
	    "\\u65E5", "\\ud83d\\ude00", "\\uD834\\uDD1E", ",", ":", "{", "]",
	    "0123456789012345678901234567890123456789",
	    /* what jansson rejects */
	    "\\u0000", "\\ud800", "\\udc00", "\\ud800\\u0041", "\\x", "\\u12",
	    "\x01", "\xC3", "\xFF", "\xED\xA0\x80"};
	int n = (int)rnd(5);

	put(t, "\"");
	for (int i = 0; i < n; i++)
		put(t, bits[rnd(rnd(50) == 0 && !clean ? 34 : 24)]);
	put(t, "\"");
}

static void
gen_key(struct text *t, unsigned *used)
{
	static const char *const plain[] = {"\"a\"", "\"b\"", "\"c\"",
	    "\"d\"", "\"\xC3\xA9\"", "\"k\\u0041\"", "\"zz\"", "\"x\""};
	static const char *const keys[] = {"\"a\"", "\"b\"", "\"c\"",
	    "\"d\"", "\"a.b\"", "\"\\u0061\"", "\"\xC3\xA9\"",
	    "\"\\u00e9\"", "\"kA\"", "\"k\\u0041\"", "\"\"", "\"zz\"",
	    "\"b.a\"", "\"x\""};

	if (clean) {
		unsigned k;

		do
			k = rnd(8);
		while (*used & 1u << k);
		*used |= 1u << k;
		put(t, plain[k]);
	} else if (rnd(20) == 0)
		gen_string(t);
	else
		put(t, keys[rnd(sizeof(keys) / sizeof(keys[0]))]);
}

static void
gen_number(struct text *t)
{
	static const char *const nums[] = {"0", "-0", "1", "-1", "42",
	    "1.5", "1.50", "-0.25", "1e3", "1E+3", "2.5e-3", "0.1",
	    "123456789012345678", "9223372036854775807",
	    "-9223372036854775808", "1e299", "0.000001", "3.14159265358979",
	    "-0.0", "6.02e23", "0.000123", "123456789012345.5",
	    "100000000000000.0", "0.00001234", "12.003000",
	    /* what jansson rejects, or what the scanner leaves to it */
	    "9223372036854775808", "-9223372036854775809", "01", "1.",
	    ".5", "-", "1e", "1e+", "+1", "1e400", "99999999999999999999",
	    "--1", "0x1F", "1.5.2"};

	uint32_t k;

	do
		k = rnd(rnd(30) == 0 && !clean ? 39 : 25);
	while (clean && strcmp(nums[k], "1e299") == 0);
	put(t, nums[k]);
}

static void gen_value(struct text *t, int depth);

static void
gen_object(struct text *t, int depth)
{
	int n = (int)rnd(depth > 3 ? 2 : 5);
	unsigned used = 0;

	put(t, "{");
	ws(t);
	for (int i = 0; i < n; i++) {
		if (i > 0) {
			put(t, ",");
			ws(t);
		}
		gen_key(t, &used);
		ws(t);
		put(t, ":");
		ws(t);
		gen_value(t, depth + 1);
		ws(t);
	}
	put(t, "}");
}

static void
gen_value(struct text *t, int depth)
{
	switch (rnd(depth > 4 ? 6 : 9)) {
	case 0:
	case 1:
		gen_string(t);
		break;
	case 2:
	case 3:
		gen_number(t);
		break;
	case 4:
		put(t, rnd(2) ? "true" : "false");
		break;
	case 5:
		put(t, "null");
		break;
	case 6:
	case 7:
		gen_object(t, depth);
		break;
	default: {
		int n = clean ? 0 : (int)rnd(4);

		put(t, "[");
		for (int i = 0; i < n; i++) {
			if (i > 0)
				put(t, ",");
			ws(t);
			gen_value(t, depth + 1);
		}
		put(t, "]");
	}
	}
}

/* Changes, inserts or deletes a byte or two. */
static void
mutate(struct text *t)
{
	static const char ch[] = "{}[]\",:\\ 0-.eu\x80\xC3tnf";
	int n = 1 + (int)rnd(2);

	for (int k = 0; k < n && t->len > 0; k++) {
		size_t i = rnd((uint32_t)t->len);

		switch (rnd(3)) {
		case 0:
			t->s[i] = ch[rnd(sizeof(ch) - 1)];
			break;
		case 1:
			memmove(t->s + i, t->s + i + 1, t->len - i);
			t->len--;
			break;
		default:
			put(t, "x");
			memmove(t->s + i + 1, t->s + i, t->len - i - 1);
			t->s[i] = ch[rnd(sizeof(ch) - 1)];
		}
	}
}

static void
random_lines(struct voc_jscan *js, int n)
{
	struct text t = {0};
	struct tally ty = {0}, tm = {0}, tg = {0};
	int fails = 0;

	for (int i = 0; i < n && fails < 10; i++) {
		t.len = 0;
		put(&t, "");
		ws(&t);
		gen_object(&t, 0);
		ws(&t);
		if (rnd(2))
			put(&t, "\n");
		fails += compare(js, t.s, t.len, &ty);
		mutate(&t);
		fails += compare(js, t.s, t.len, &tm);
	}
	static const char soup[] = "{}[]\"\",:\\ \n0123-.eEtruefalsnl"
	    "abk\x80\xC3\xA9\x01";
	for (int i = 0; i < n && fails < 10; i++) {
		int len = (int)rnd(40);

		t.len = 0;
		put(&t, "{");
		for (int k = 0; k < len; k++) {
			char c[2] = {soup[rnd(sizeof(soup) - 1)], 0};
			put(&t, c);
		}
		fails += compare(js, t.s, t.len, &tg);
	}
	fprintf(stderr, "jsonscan: random objects: %ld, jansson accepts %ld, "
	    "scanner reads %ld, leaves %ld to jansson\n", ty.lines, ty.valid,
	    ty.accepted, ty.left);
	fprintf(stderr, "jsonscan: mutated: %ld, jansson accepts %ld, "
	    "scanner reads %ld; garbage: %ld, jansson accepts %ld, "
	    "scanner reads %ld\n",
	    tm.lines, tm.valid, tm.accepted, tg.lines, tg.valid, tg.accepted);
	/* Leaving a line to jansson is for the rare cases the header
	 * lists (many random objects here have one of them: duplicate
	 * keys, arrays at requested paths, bad strings or numbers). */
	CHECK(ty.accepted > ty.lines / 4);
	/* Objects without them are all read. */
	struct tally tc = {0};
	clean = 1;
	for (int i = 0; i < n / 4 && fails < 10; i++) {
		t.len = 0;
		put(&t, "");
		gen_object(&t, 0);
		fails += compare(js, t.s, t.len, &tc);
	}
	clean = 0;
	fprintf(stderr, "jsonscan: clean objects: %ld, jansson accepts %ld, "
	    "scanner reads %ld\n", tc.lines, tc.valid, tc.accepted);
	CHECK(tc.valid == tc.lines && tc.accepted == tc.lines);
	free(t.s);
}

/* ---- by hand ---- */

static struct voc_jscan *
scanner(const char *const *names, size_t n)
{
	struct voc_jscan *js = voc_jscan_new();

	for (size_t i = 0; i < n; i++)
		CHECK(voc_jscan_add(js, names[i], strlen(names[i])) ==
		    (long)i);
	return js;
}

static int
line(struct voc_jscan *js, const char *s, struct voc_jscan_value *v)
{
	static char buf[4096];
	size_t n = strlen(s);

	memcpy(buf, s, n + 1);
	return voc_jscan_line(js, buf, n, v);
}

static void
by_hand(void)
{
	static const char *const names[] = {"a", "b.c", "d", "e", "f", "g",
	    "z", "h", "i", "j"};
	struct voc_jscan *js = scanner(names, 10);
	struct voc_jscan_value v[10];

	CHECK(voc_jscan_add(js, "d", 1) == 2);
	CHECK(voc_jscan_count(js) == 10);
	CHECK(line(js, " {\"a\":1, \"b\":{\"x\":[1,{\"c\":2}],\"c\":"
	    "\"x\\u00e9\\ud83d\\ude00\\n\"}, \"d\":null, \"e\":true, "
	    "\"f\":1.50, \"g\":-0, \"h\":{}, \"i\":[ ], \"j\":{\"k\":1}}\n",
	    v) == 1);
	CHECK_STR(v[0].s, "1");
	CHECK(v[0].type == VOC_JSCAN_INT);
	/* é is C3 A9, U+1F600 is F0 9F 98 80. */
	CHECK_STR(v[1].s, "x\xC3\xA9\xF0\x9F\x98\x80\n");
	CHECK(v[1].len == 8 && v[1].type == VOC_JSCAN_STRING);
	CHECK(v[2].type == VOC_JSCAN_NULL && v[2].len == 0);
	CHECK_STR(v[3].s, "true");
	CHECK_STR(v[4].s, "1.50");
	CHECK(v[4].type == VOC_JSCAN_REAL);
	CHECK_STR(v[5].s, "0");
	CHECK(v[6].type == VOC_JSCAN_ABSENT);
	CHECK_STR(v[7].s, "{}");
	CHECK_STR(v[8].s, "[]");
	/* A non-empty object is no leaf. */
	CHECK(v[9].type == VOC_JSCAN_ABSENT);

	/* Left to jansson: a repeated key on a path, a key that is also a
	 * nested pair, a non-empty array asked for, invalid JSON, a line
	 * that is not an object. */
	CHECK(line(js, "{\"a\":1,\"a\":2}", v) == 0);
	CHECK(line(js, "{\"b\":{\"c\":1},\"b\":{}}", v) == 0);
	CHECK(line(js, "{\"b.c\":1,\"b\":{\"c\":2}}", v) == 0);
	CHECK(line(js, "{\"i\":[1]}", v) == 0);
	CHECK(line(js, "{\"a\":01}", v) == 0);
	CHECK(line(js, "{\"a\":1,}", v) == 0);
	CHECK(line(js, "{\"a\":\"\\ud800\"}", v) == 0);
	CHECK(line(js, "{\"a\":\"\\u0000\"}", v) == 0);
	CHECK(line(js, "{\"a\":9223372036854775808}", v) == 0);
	CHECK(line(js, "{\"a\":1} x", v) == 0);
	CHECK(line(js, "[1]", v) == 0);
	CHECK(line(js, "{\"a\":\"\xC3\"}", v) == 0);
	/* A repeated key no path goes through is fine. */
	CHECK(line(js, "{\"x\":1,\"x\":2,\"b.c\":\"q\"}", v) == 1);
	CHECK_STR(v[1].s, "q");
	/* jansson keeps the last of repeated keys (where the first
	 * stood), which is why the scanner leaves them to it. */
	json_error_t jerr;
	json_t *o = json_loads("{\"a\":1,\"b\":5,\"a\":2}", 0, &jerr);
	CHECK(o != NULL && json_integer_value(json_object_get(o, "a")) == 2);
	json_decref(o);
	/* Reals as written, or as the reader prints jansson's. */
	CHECK(line(js, "{\"f\":1.50,\"a\":1e3,\"e\":-0.0}", v) == 1);
	CHECK_STR(v[4].s, "1.50");
	CHECK_STR(v[0].s, "1e3");
	voc_jscan_reals_g15(js, 1);
	CHECK(line(js, "{\"f\":1.50,\"a\":1e3,\"e\":-0.0,\"g\":"
	    "0.1234567890123456789}", v) == 1);
	CHECK_STR(v[4].s, "1.5");
	CHECK_STR(v[0].s, "1000");
	CHECK_STR(v[3].s, "-0");
	CHECK_STR(v[5].s, "0.123456789012346");
	voc_jscan_reals_g15(js, 0);
	CHECK(line(js, "{\"a\":-9223372036854775808}", v) == 1);
	CHECK_STR(v[0].s, "-9223372036854775808");
	/* Nesting: 100 levels are read, 600 left to jansson (whose own
	 * limit is 2048). */
	char deep[1300];
	for (int depth = 100; depth <= 600; depth += 500) {
		size_t n = 0;
		n += (size_t)snprintf(deep, sizeof(deep), "{\"a\":2,\"x\":");
		for (int k = 0; k < depth; k++)
			deep[n++] = '[';
		for (int k = 0; k < depth; k++)
			deep[n++] = ']';
		deep[n++] = '}';
		deep[n] = '\0';
		CHECK(line(js, deep, v) == (depth == 100));
	}
	voc_jscan_free(js);
}

int
main(void)
{
	static const char *const p[NPATHS] = {"a", "b", "c", "a.b", "a.c",
	    "b.a.c", "\xC3\xA9", "kA", "a.b.c", "d"};
	struct voc_jscan *js;

	by_hand();
	js = scanner(p, NPATHS);
	random_lines(js, 10000);
	g15 = 1;
	voc_jscan_reals_g15(js, 1);
	random_lines(js, 10000);
	voc_jscan_free(js);
	return check_done("jsonscan");
}
