/*
 * money: amounts read exactly into 1/10,000 units, cases worked by hand.
 */
#include "check.h"
#include "voc/money.h"

static int64_t
parse(const char *s)
{
	int64_t v = -777;
	const char *why = NULL;

	if (voc_money_parse(s, strlen(s), &v, &why) < 0)
		return -777;
	return v;
}

int
main(void)
{
	int64_t a, sum = 0;
	const char *why = NULL;

	CHECK(parse("12.34") == 123400);
	CHECK(parse("-5") == -50000);
	CHECK(parse("+5") == 50000);
	CHECK(parse(" 1,234.50 ") == 12345000);
	CHECK(parse("1,234,567") == INT64_C(12345670000));
	CHECK(parse(".5") == 5000);
	CHECK(parse("5.") == 50000);
	CHECK(parse("0.0001") == 1);
	/* Past four decimals: half away from zero, by the fifth digit. */
	CHECK(parse("0.00005") == 1);
	CHECK(parse("0.000049") == 0);
	CHECK(parse("-0.00005") == -1);
	CHECK(parse("2.99999") == 30000);
	/* Not amounts. */
	CHECK(parse("") == -777);
	CHECK(parse("-") == -777);
	CHECK(parse(".") == -777);
	CHECK(parse("$5") == -777);
	CHECK(parse("1.234,50") == -777);
	CHECK(parse("12,34") == -777);
	CHECK(parse("1234,567") == -777);
	CHECK(parse(",123") == -777);
	CHECK(parse("1,23,456") == -777);
	CHECK(parse("1e3") == -777);
	CHECK(parse("(5)") == -777);
	CHECK(parse("1 000") == -777);
	CHECK(parse("n/a") == -777);
	CHECK(voc_money_parse("abc", 3, &a, &why) == -1 && why != NULL);
	/* 10^14 is the largest; one unit more is refused. */
	CHECK(parse("100000000000000") == VOC_MONEY_MAX);
	CHECK(parse("100000000000000.0001") == -777);
	CHECK(parse("99999999999999999999999") == -777);

	/* Ten times 0.1 is exactly 1, which in doubles it is not. */
	for (int i = 0; i < 10; i++)
		CHECK(voc_money_add(&sum, parse("0.1")) == 0);
	CHECK(sum == VOC_MONEY_SCALE);
	CHECK(voc_money_value(sum) == 1.0);
	CHECK(voc_money_value(parse("29.33")) == 29.33);
	CHECK(voc_money_value(parse("-0.07")) == -0.07);
	sum = VOC_MONEY_MAX;
	CHECK(voc_money_add(&sum, 1) == -1 && sum == VOC_MONEY_MAX);
	CHECK(voc_money_add(&sum, -VOC_MONEY_MAX) == 0 && sum == 0);
	return check_done("money");
}
