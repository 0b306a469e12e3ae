/*
 * Money as exact fixed-point integers.  An order log's amounts are read
 * as decimal text straight into whole units of 1/10,000 of the currency
 * (VOC_MONEY_SCALE), never through a double, so that sums over millions
 * of orders, same-day merges and merges of shards are exact and do not
 * depend on the order they are added in.  Four decimals hold cents,
 * mills and the three-decimal currencies (KWD, BHD) alike.
 */
#ifndef VOC_MONEY_H
#define VOC_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Units per one of the currency. */
#define VOC_MONEY_SCALE 10000

/* The largest magnitude an amount or a sum may have, in units: 10^18
 * (10^14 of the currency), well inside int64_t. */
#define VOC_MONEY_MAX INT64_C(1000000000000000000)

/*
 * Reads s[0..len) as an amount into *units.  Blanks around the value
 * are ignored.  Accepted: an optional sign (+ or -), digits, optionally
 * grouped in threes by commas ("1,234,567.5"; each group after the
 * first exactly three digits), an optional decimal point and fraction
 * (".5" and "5." are read).  Fraction digits past the fourth are
 * rounded half away from zero.  Not accepted: currency signs, spaces or
 * dots as thousands separators, decimal commas, exponents, parentheses
 * for negatives, magnitudes above VOC_MONEY_MAX units.  Returns 0, or
 * -1 and points *why at a phrase completing "\"VALUE\" ..." (static
 * storage).
 */
int voc_money_parse(const char *s, size_t len, int64_t *units,
    const char **why);

/* *a += b; 0, or -1 (a unchanged) when the sum would pass
 * VOC_MONEY_MAX in magnitude. */
int voc_money_add(int64_t *a, int64_t b);

/* units as a number of the currency (nearest double). */
double voc_money_value(int64_t units);

#endif
