// SPDX-License-Identifier: GPL-2.0
/*
 * page_alloc.c - handing out and taking back frames.
 * Models mm/page_alloc.c (Linux v4.19) at order 0.
 *
 * The free frames are one list; allocation takes the most recently freed
 * frame first, as the kernel's per-CPU free lists do (a hot page), which
 * also makes the order of pfns deterministic.
 *
 * When the list is empty, the slow path reclaims (direct reclaim) and, if
 * nothing could be freed, calls the OOM killer.
 *
 * Not modelled: the buddy allocator's higher orders, zones and watermarks
 * (kswapd), per-CPU lists, migrate types, GFP flags.
 */
#include "internal.h"
#include "swap.h"

/*
 * __alloc_pages_slowpath - no free frame: reclaim some (direct reclaim),
 * and if that frees nothing, call the OOM killer, and try again. Gives up
 * when the OOM killer chose the task running now (it dies when its access
 * unwinds) or found nobody.
 */
static bool __alloc_pages_slowpath(struct sim_machine *m)
{
	TRACE_FUNC(TR(m), __alloc_pages_slowpath);

	if (m->in_reclaim)
		return false; /* reclaim itself is allocating: do not recurse */
	for (int tries = 0; tries < 16 && list_empty(&m->free_list); tries++) {
		unsigned long freed;

		m->in_reclaim = true;
		freed = sim_reclaim(m, 32, m->swap != NULL, true);
		m->in_reclaim = false;
		if (freed || !list_empty(&m->free_list))
			continue;
		/* Pages still being written to swap: wait for them, then reclaim again. */
		if (sim_writeback_all(m))
			continue;
		if (!out_of_memory(m, m->current))
			return false;
	}
	return !list_empty(&m->free_list);
}

struct page *sim_alloc_page(struct sim_machine *m)
{
	TRACE_FUNC(TR(m), alloc_pages);
	struct page *page;

	if (list_empty(&m->free_list) && !__alloc_pages_slowpath(m))
		return NULL;
	page = list_first_entry(&m->free_list, struct page, lru);
	list_del(&page->lru);
	VM_BUG_ON_PAGE(!PageBuddy(page) || page->_refcount != 0, page);
	ClearPageBuddy(page);
	page->_refcount = 1;
	page->_mapcount = -1;
	m->nr_free--;
	mod_node_page_state(m, NR_FREE_PAGES, -1);
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_page_alloc,
						  .pfn = page_to_pfn(m, page) });
	return page;
}

/*
 * alloc_page_vma - a zeroed page for user memory at @addr of @vma
 * (alloc_zeroed_user_highpage_movable in the fault paths). NULL when RAM is
 * exhausted.
 */
struct page *alloc_page_vma(struct vm_area_struct *vma, unsigned long addr)
{
	return sim_alloc_page(vma_sim(vma));
}

/* The frame goes back to the free list: nothing may still refer to it. */
void __free_page(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), __free_pages);

	VM_BUG_ON_PAGE(page->_refcount != 0 || page_mapped(page), page);
	VM_BUG_ON_PAGE(PageReserved(page), page);
	if (PageLRU(page))
		del_page_from_lru_list(m, page);
	clear_highpage(page);
	page->flags = 0;
	page->mapping = NULL;
	page->index = 0;
	page->private = 0;
	SetPageBuddy(page);
	list_add(&page->lru, &m->free_list);
	m->nr_free++;
	mod_node_page_state(m, NR_FREE_PAGES, 1);
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_page_free,
						  .pfn = page_to_pfn(m, page) });
}

void get_page(struct page *page)
{
	VM_BUG_ON_PAGE(page->_refcount <= 0, page);
	page->_refcount++;
}

/* Drop a reference; the last one frees the frame. The zero page is never freed. */
void put_page(struct sim_machine *m, struct page *page)
{
	VM_BUG_ON_PAGE(page->_refcount <= 0, page);
	if (--page->_refcount == 0)
		__free_page(m, page);
}
