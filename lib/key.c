/*
 * Canonical keys and their one total order (see include/voc/key.h).
 */
#include <stdlib.h>
#include <string.h>

#include "voc/key.h"

#define TAG_TEXT 0x01
#define TAG_INT 0x02
#define TAG_TOTAL 0x03

void
voc_key_reset(struct voc_key *k)
{
	k->len = 0;
}

void
voc_key_free(struct voc_key *k)
{
	free(k->buf);
	k->buf = NULL;
	k->len = k->cap = 0;
}

static int
room(struct voc_key *k, size_t more)
{
	if (k->len + more <= k->cap)
		return 0;
	size_t cap = k->cap ? k->cap : 64;
	while (cap < k->len + more)
		cap *= 2;
	char *b = realloc(k->buf, cap);
	if (b == NULL)
		return -1;
	k->buf = b;
	k->cap = cap;
	return 0;
}

static void
put_be(char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)(v & 0xFF);
		v >>= 8;
	}
}

static uint64_t
get_be(const char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | (unsigned char)p[i];
	return v;
}

int
voc_key_text(struct voc_key *k, const char *s, size_t len)
{
	if (len > 0xFFFFFFFFu || room(k, 5 + len) < 0)
		return -1;
	k->buf[k->len] = TAG_TEXT;
	put_be(k->buf + k->len + 1, len, 4);
	if (len > 0)
		memcpy(k->buf + k->len + 5, s, len);
	k->len += 5 + len;
	return 0;
}

int
voc_key_int(struct voc_key *k, int64_t v)
{
	if (room(k, 9) < 0)
		return -1;
	k->buf[k->len] = TAG_INT;
	put_be(k->buf + k->len + 1, (uint64_t)v ^ 0x8000000000000000ULL, 8);
	k->len += 9;
	return 0;
}

int
voc_key_total(struct voc_key *k)
{
	if (room(k, 1) < 0)
		return -1;
	k->buf[k->len++] = TAG_TOTAL;
	return 0;
}

int
voc_key_bytes(struct voc_key *k, const char *key, size_t len)
{
	if (room(k, len) < 0)
		return -1;
	if (len > 0)
		memcpy(k->buf + k->len, key, len);
	k->len += len;
	return 0;
}

int
voc_key_next(const char *key, size_t keylen, size_t *pos,
    struct voc_key_part *p)
{
	size_t i = *pos;

	if (i >= keylen)
		return 0;
	p->is_total = 0;
	if (key[i] == TAG_TOTAL) {
		p->is_int = 0;
		p->is_total = 1;
		p->s = NULL;
		p->len = 0;
		*pos = i + 1;
		return 1;
	}
	if (key[i] == TAG_INT && keylen - i >= 9) {
		p->is_int = 1;
		p->v = (int64_t)(get_be(key + i + 1, 8) ^
		    0x8000000000000000ULL);
		p->s = NULL;
		p->len = 0;
		*pos = i + 9;
		return 1;
	}
	if (key[i] == TAG_TEXT && keylen - i >= 5) {
		size_t len = (size_t)get_be(key + i + 1, 4);

		if (len > keylen - i - 5)
			return 0;
		p->is_int = 0;
		p->s = key + i + 5;
		p->len = len;
		*pos = i + 5 + len;
		return 1;
	}
	return 0;
}

int
voc_key_has_total(const char *key, size_t keylen)
{
	struct voc_key_part p;
	size_t pos = 0;

	while (voc_key_next(key, keylen, &pos, &p))
		if (p.is_total)
			return 1;
	return 0;
}

size_t
voc_key_count(const char *key, size_t keylen)
{
	struct voc_key_part p;
	size_t pos = 0, n = 0;

	while (voc_key_next(key, keylen, &pos, &p))
		n++;
	return n;
}

int
voc_key_number(const char *s, size_t len, double *v)
{
	size_t i = 0, digits = 0;
	char buf[64], *end;

	if (len == 0 || len >= sizeof(buf))
		return 0;
	if (s[i] == '-' || s[i] == '+')
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		i++;
		digits++;
	}
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			i++;
			digits++;
		}
	}
	if (digits == 0)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = ++i;

		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		e = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == e)
			return 0;
	}
	if (i != len)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*v = strtod(buf, &end);
	return 1;
}

static int
text_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	double x, y;
	int na = voc_key_number(a, la, &x), nb = voc_key_number(b, lb, &y);

	if (na != nb)
		return na ? -1 : 1;
	if (na && x != y)
		return x < y ? -1 : 1;
	int c = memcmp(a, b, la < lb ? la : lb);
	if (c != 0)
		return c;
	return la == lb ? 0 : la < lb ? -1 : 1;
}

int
voc_key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t ia = 0, ib = 0;
	struct voc_key_part pa, pb;

	for (;;) {
		int ka = voc_key_next(a, alen, &ia, &pa);
		int kb = voc_key_next(b, blen, &ib, &pb);

		if (!ka || !kb)
			return ka - kb;
		if (pa.is_total != pb.is_total)
			return pa.is_total ? 1 : -1;
		if (pa.is_total)
			continue;
		if (pa.is_int != pb.is_int)
			return pa.is_int ? -1 : 1;
		if (pa.is_int) {
			if (pa.v != pb.v)
				return pa.v < pb.v ? -1 : 1;
			continue;
		}
		int c = text_cmp(pa.s, pa.len, pb.s, pb.len);
		if (c != 0)
			return c;
	}
}
