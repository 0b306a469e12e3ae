/*
 * A main() for the fuzz harnesses without libFuzzer: runs the harness
 * once on every file of its corpus directories (the arguments, or
 * tests/fuzz/corpus/NAME when there are none) and prints the tally line
 * tests/run.sh reads.  A crash or a sanitizer report fails the test.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#define FUZZ_NAME "fuzz"
#endif

static long replayed, unreadable;

static void
replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL) {
		unreadable++;
		return;
	}
	for (;;) {
		if (len == cap) {
			unsigned char *b = realloc(buf, cap ? cap * 2 : 4096);
			if (b == NULL)
				break;
			buf = b;
			cap = cap ? cap * 2 : 4096;
		}
		if ((n = fread(buf + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf ? buf : (unsigned char *)"", len);
	free(buf);
	replayed++;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (d == NULL) {
		unreadable++;
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char **nn = realloc(names, (n + 1) * sizeof(*names));
		if (nn == NULL)
			break;
		names = nn;
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		if ((names[n] = malloc(len)) == NULL)
			break;
		snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	/* The same order on every machine. */
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		replay_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		replay_dir("tests/fuzz/corpus/" FUZZ_NAME);
	for (int i = 1; i < argc; i++)
		replay_dir(argv[i]);
	/* An empty or missing corpus is a failure: it tests nothing. */
	printf("fuzz_%s: %ld checks passed, %ld failed\n", FUZZ_NAME,
	    replayed, unreadable + (replayed == 0));
	return unreadable > 0 || replayed == 0;
}
