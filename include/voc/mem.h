/*
 * Memory for large blocks that are written once and read soon after (a
 * large table's entries and index, a part of the output): on 2 MB pages
 * where the system gives them.  On this kind of machine, fresh 4 KB
 * pages cost a page fault each and address translation misses as often
 * as the data.
 */
#ifndef VOC_MEM_H
#define VOC_MEM_H

#include <stddef.h>

#define VOC_HUGE_PAGE ((size_t)1 << 21)

/* size rounded up to whole 2 MB pages, 2 MB aligned, advised as huge
 * pages; free() frees it.  NULL when out of memory. */
void *voc_big_alloc(size_t size);

#endif
