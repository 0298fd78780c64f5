// SPDX-License-Identifier: GPL-2.0
/*
 * vmscan.c - reclaiming pages: unmap them from every process, then drop
 * them or keep them. Models mm/vmscan.c (Linux v4.19) with the reclaim of
 * an explicit page list that MADV_PAGEOUT uses (reclaim_pages, v5.4).
 *
 * For a page-cache page of a regular file (shrink_page_list):
 *  - try_to_unmap clears every PTE mapping it, moving a dirty PTE bit to
 *    the page;
 *  - a clean page is dropped (__remove_mapping): its slot keeps a shadow
 *    entry (workingset_eviction) and the frame is freed;
 *  - a dirty page is not written from here: it is marked PG_reclaim ("free
 *    it when written back"), kept in the cache and activated
 *    (nr_vmscan_immediate_reclaim, pgactivate), as the real kernel does for
 *    reclaim that is not kswapd.
 *
 * Not modelled yet: anonymous and tmpfs pages (they go to swap: add_to_swap,
 * pageout, shmem_writepage), the LRU scan with its reference checks
 * (shrink_inactive_list, page_referenced), kswapd and watermarks. Callers
 * refuse ranges that hold such pages.
 */
#include "fs.h"
#include "internal.h"

/* Clear one PTE that maps @page (try_to_unmap_one), keeping its dirty bit. */
static bool try_to_unmap_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			     void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep = sim_lookup_pte(mm, addr);
	pte_t pte = *ptep;

	set_pte_at(mm, addr, ptep, __pte(0));
	if (pte_dirty(pte))
		set_page_dirty(page);
	add_mm_counter(mm, mm_counter(page), -1);
	page_remove_rmap(mm->sim, page);
	put_page(mm->sim, page);
	return true;
}

static void try_to_unmap(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), try_to_unmap);

	rmap_walk(m, page, try_to_unmap_one, NULL);
}

/*
 * __remove_mapping - take an unmapped clean page out of its file, leaving a
 * shadow entry in its slot, and free it.
 */
static void __remove_mapping(struct address_space *mapping, struct page *page)
{
	struct sim_machine *m = mapping->host->sim;
	TRACE_FUNC(TR(m), __remove_mapping);
	void *shadow = workingset_eviction(mapping, page);
	struct radix_tree_node *node;
	void **slot;

	VM_BUG_ON_PAGE(page_mapped(page) || PageDirty(page), page);
	BUG_ON(!__radix_tree_lookup(&mapping->i_pages, page->index, &node, &slot));
	radix_tree_clear_tags(&mapping->i_pages, node, slot);
	__radix_tree_replace(&mapping->i_pages, node, slot, shadow, NULL);
	mapping->nrpages--;
	mapping->nrexceptional++;
	mod_node_page_state(m, NR_FILE_PAGES, -1);
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_cache,
						  .pfn = page_to_pfn(m, page), .addr = page->index,
						  .arg = (long)mapping->host->i_ino,
						  .text = "evicted: the slot keeps a shadow entry" });
	page->mapping = NULL;
	put_page(m, page);
}

/* A page reclaim keeps goes back to the active list (activate_locked). */
static void activate_page(struct sim_machine *m, struct page *page)
{
	if (PageActive(page))
		return;
	del_page_from_lru_list(m, page);
	SetPageActive(page);
	lru_cache_add(m, page);
	count_vm_event(m, PGACTIVATE);
	m->inactive_age++;
}

/* Reclaim one page-cache page of a regular file, references ignored. */
static void shrink_page_list(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), shrink_page_list);

	if (page_mapped(page))
		try_to_unmap(m, page);
	if (PageDirty(page)) {
		sim_note(m, "dirty: not written from here; kept, to be freed once written back");
		SetPageReclaim(page);
		mod_node_page_state(m, NR_VMSCAN_IMMEDIATE, 1);
		activate_page(m, page);
		return;
	}
	__remove_mapping(page->mapping, page);
}

/*
 * reclaim_pages - reclaim the pages MADV_PAGEOUT collected. Each arrives
 * with a reference of the caller's, dropped here.
 */
void reclaim_pages(struct sim_machine *m, struct page **pages, unsigned long nr)
{
	TRACE_FUNC(TR(m), reclaim_pages);

	for (unsigned long i = 0; i < nr; i++) {
		struct page *page = pages[i];

		BUG_ON(PageAnon(page) || PageSwapBacked(page)); /* swap is not built */
		put_page(m, page); /* the page cache still holds it */
		shrink_page_list(m, page);
	}
}

/* MADV_COLD: move the page to the inactive list (deactivate_page). */
void deactivate_page(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), deactivate_page);

	if (!PageLRU(page) || !PageActive(page))
		return;
	del_page_from_lru_list(m, page);
	ClearPageActive(page);
	ClearPageReferenced(page);
	lru_cache_add(m, page);
	count_vm_event(m, PGDEACTIVATE);
}
