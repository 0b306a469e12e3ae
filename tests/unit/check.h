/*
 * A tiny assertion header for the unit tests: each CHECK counts a pass or
 * prints the failing expression and counts a failure; check_done() prints
 * "NAME: N checks passed, N failed" for tests/run.sh and sets the exit
 * status.
 */
#ifndef CHECK_H
#define CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) do { \
	if (cond) \
		check_passed++; \
	else { \
		check_failed++; \
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, \
		    #cond); \
	} \
} while (0)

#define CHECK_NEAR(a, b, tol) do { \
	double a_ = (a), b_ = (b); \
	if (fabs(a_ - b_) <= (tol)) \
		check_passed++; \
	else { \
		check_failed++; \
		fprintf(stderr, "FAIL %s:%d: %s = %.10g, expected %.10g\n", \
		    __FILE__, __LINE__, #a, a_, b_); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (a_ != NULL && strcmp(a_, b_) == 0) \
		check_passed++; \
	else { \
		check_failed++; \
		fprintf(stderr, "FAIL %s:%d: %s = \"%s\", expected \"%s\"\n", \
		    __FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_); \
	} \
} while (0)

static int
check_done(const char *name)
{
	printf("%s: %d checks passed, %d failed\n", name, check_passed,
	    check_failed);
	return check_failed ? 1 : 0;
}

#endif
