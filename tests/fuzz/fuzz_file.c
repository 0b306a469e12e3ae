/*
 * fuzz_file() for the harnesses (see fuzz.h): one temporary file per
 * process, rewritten for each input and removed at exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char path[64];

static void
remove_file(void)
{
	if (path[0] != '\0')
		unlink(path);
}

const char *
fuzz_file(const uint8_t *data, size_t size)
{
	FILE *fp;

	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/voc-fuzz-%ld",
		    (long)getpid());
		atexit(remove_file);
	}
	if ((fp = fopen(path, "wb")) == NULL)
		return NULL;
	if (size > 0 && fwrite(data, 1, size, fp) != size) {
		fclose(fp);
		return NULL;
	}
	if (fclose(fp) != 0)
		return NULL;
	return path;
}
