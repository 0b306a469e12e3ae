/*
 * Allocation failure on demand, the way SQLite tests its out-of-memory
 * paths: a program linked with this file and -Wl,--wrap=malloc (and
 * calloc, realloc, aligned_alloc, strdup, strndup) makes its Nth
 * allocation fail, N from $VOC_OOM_FAIL (0 or unset: none fails).
 * jansson's allocations count too: the reader routes them through
 * malloc.  At exit it writes the number of allocations made, and the
 * distinct call sites they came from, to the file $VOC_OOM_COUNT when
 * that is set, so a sweep knows where to stop.
 *
 * The wrappers see the allocations of the program and of libvoc, which
 * are linked statically; those inside the other shared libraries (zlib,
 * libcsv, iconv, GSL) are theirs to test.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static unsigned long calls, fail_at;
static int ready;

/* Call sites seen, as return addresses: a small open-addressing set. */
#define SITES 4096
static uintptr_t sites[SITES];
static unsigned long nsites;

static void
note_site(uintptr_t pc)
{
	size_t i = (size_t)(pc * 0x9E3779B97F4A7C15ULL >> 52) % SITES;

	for (size_t k = 0; k < SITES; k++, i = (i + 1) % SITES) {
		if (sites[i] == pc)
			return;
		if (sites[i] == 0) {
			sites[i] = pc;
			nsites++;
			return;
		}
	}
}

static void
report(void)
{
	const char *path = getenv("VOC_OOM_COUNT");
	FILE *fp;

	if (path == NULL || (fp = fopen(path, "w")) == NULL)
		return;
	fprintf(fp, "%lu %lu\n", calls, nsites);
	fclose(fp);
}

static void
setup(void)
{
	const char *s = getenv("VOC_OOM_FAIL");

	ready = 1;
	fail_at = s ? strtoul(s, NULL, 10) : 0;
	atexit(report);
}

/* Whether this allocation, from pc, is the one to fail.  Allocations
 * of two threads (-j 2) are counted one at a time; which thread makes
 * the Nth is the scheduler's choice, but each run still fails exactly
 * one. */
static int
fail_now(uintptr_t pc)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int fail;

	/* The first allocation comes before any thread (and setup may
	 * allocate: it is not under the lock). */
	if (!ready)
		setup();
	pthread_mutex_lock(&lock);
	calls++;
	note_site(pc);
	fail = fail_at != 0 && calls == fail_at;
	pthread_mutex_unlock(&lock);
	return fail;
}

#define PC ((uintptr_t)__builtin_return_address(0))

void *
__wrap_malloc(size_t size)
{
	return fail_now(PC) ? NULL : __real_malloc(size);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return fail_now(PC) ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t size)
{
	return fail_now(PC) ? NULL : __real_realloc(p, size);
}

void *
__wrap_aligned_alloc(size_t align, size_t size)
{
	return fail_now(PC) ? NULL : __real_aligned_alloc(align, size);
}

char *
__wrap_strdup(const char *s)
{
	return fail_now(PC) ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return fail_now(PC) ? NULL : __real_strndup(s, n);
}
