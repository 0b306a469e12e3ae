/*
 * Exact decimal amounts (see include/voc/money.h).  The digits are
 * accumulated as an integer and scaled once, so "0.1" is exactly 1,000
 * units and ten of them sum to exactly 1: what a double would get
 * nearly right, an integer gets right.
 */
#include "voc/money.h"

#include <string.h>

static const char not_amount[] =
    "is not an amount (a decimal number such as 12.34, -5 or 1,234.50)";

int
voc_money_parse(const char *s, size_t len, int64_t *units, const char **why)
{
	size_t i = 0, group = 0, fd = 0;
	int neg = 0, digits = 0, commas = 0, round = 0;
	int64_t v = 0;

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < len && s[i] != '.'; i++) {
		if (s[i] == ',') {
			/* A comma follows 1-3 digits the first time, exactly
			 * three after that. */
			if (group == 0 || group > 3 || (commas && group != 3))
				goto bad;
			commas = 1;
			group = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		if (v > VOC_MONEY_MAX / VOC_MONEY_SCALE)
			goto big;
		v = v * 10 + (s[i] - '0');
		digits = 1;
		group++;
	}
	if (commas && group != 3)
		goto bad;
	if (v > VOC_MONEY_MAX / VOC_MONEY_SCALE)
		goto big;
	v *= VOC_MONEY_SCALE;
	if (i < len)
		i++;		/* the decimal point */
	for (int64_t place = VOC_MONEY_SCALE / 10; i < len; i++, fd++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		digits = 1;
		if (place > 0) {
			v += (s[i] - '0') * place;
			place /= 10;
		} else if (fd == 4 && s[i] >= '5') {
			/* Only the first digit past the fourth decides:
			 * half away from zero. */
			round = 1;
		}
	}
	if (!digits)
		goto bad;
	v += round;
	if (v > VOC_MONEY_MAX)
		goto big;
	*units = neg ? -v : v;
	return 0;
bad:
	*why = not_amount;
	return -1;
big:
	*why = "is too large an amount (more than 10^14)";
	return -1;
}

int
voc_money_add(int64_t *a, int64_t b)
{
	int64_t s;

	/* Both are within +-VOC_MONEY_MAX, so the sum cannot overflow. */
	if (*a > VOC_MONEY_MAX || *a < -VOC_MONEY_MAX || b > VOC_MONEY_MAX ||
	    b < -VOC_MONEY_MAX)
		return -1;
	s = *a + b;
	if (s > VOC_MONEY_MAX || s < -VOC_MONEY_MAX)
		return -1;
	*a = s;
	return 0;
}

double
voc_money_value(int64_t units)
{
	/* Whole and fraction apart, so that amounts up to 2^53 units are
	 * the nearest double to the decimal they stand for. */
	return (double)(units / VOC_MONEY_SCALE) +
	    (double)(units % VOC_MONEY_SCALE) / VOC_MONEY_SCALE;
}
