/* Large blocks (see include/voc/mem.h). */
#include <stdlib.h>
#include <sys/mman.h>

#include "voc/mem.h"

void *
voc_big_alloc(size_t size)
{
	size_t round = (size + VOC_HUGE_PAGE - 1) & ~(VOC_HUGE_PAGE - 1);
	void *p = aligned_alloc(VOC_HUGE_PAGE, round);

#ifdef MADV_HUGEPAGE
	if (p != NULL)
		(void)madvise(p, round, MADV_HUGEPAGE);
#endif
	return p;
}
