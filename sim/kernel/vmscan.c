// SPDX-License-Identifier: GPL-2.0
/*
 * vmscan.c - reclaiming pages: unmap them from every process, then drop
 * them or keep them. Models mm/vmscan.c (Linux v4.19) with the reclaim of
 * an explicit page list that MADV_PAGEOUT uses (reclaim_pages, v5.4).
 *
 * shrink_page_list, for each kind of page:
 *  - anonymous: add_to_swap gives it a slot and puts it in the swap cache,
 *    dirty; try_to_unmap turns every PTE into a swap PTE (the entry, and the
 *    exclusive mark under 6.18); pageout writes it (swap_writepage). On a
 *    disk the page stays in the swap cache under writeback; on zram, or once
 *    clean, it leaves the cache and is freed. A clean page already in the
 *    swap cache (read back, not written since) is freed without I/O.
 *  - tmpfs: try_to_unmap clears its PTEs (file style); shmem_writepage moves
 *    it from its file to the swap cache and leaves the swap entry in the
 *    file's slot as an exceptional entry; then as anonymous.
 *  - regular file: try_to_unmap; a clean page is dropped (__remove_mapping)
 *    leaving a shadow entry (workingset_eviction); a dirty one is not
 *    written from here: PG_reclaim, kept and activated
 *    (nr_vmscan_immediate_reclaim, pgactivate), as for reclaim that is not
 *    kswapd.
 *
 * `reclaim N [anon|file]` scans the inactive lists from their tails
 * (shrink_inactive_list) with the classic reference checks
 * (page_check_references): a page whose PTEs were young since the last look
 * is activated if it is anonymous or tmpfs, or if it was referenced before
 * too; a file page young once is kept and marked referenced (second chance);
 * the rest are reclaimed. When an inactive list runs short, the active list
 * is aged onto it (shrink_active_list).
 *
 * Not modelled: kswapd and watermarks (reclaim runs when the scenario says,
 * or when an allocation fails: direct reclaim), swappiness (file and anon
 * lists are scanned in turn), memcg, the isolation batches.
 */
#include "fs.h"
#include "internal.h"
#include "swap.h"

/* Clear one PTE that maps @page (try_to_unmap_one), keeping its dirty bit. */
static bool try_to_unmap_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			     void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep = sim_lookup_pte(mm, addr);
	pte_t pte = *ptep, swp_pte = __pte(0);

	if (PageAnon(page)) {
		/* The PTE keeps the way back: the swap entry (and exclusivity). */
		swp_entry_t entry = page_swp_entry(page);

		swap_duplicate(mm->sim, entry);
		swp_pte = swp_entry_to_pte(entry);
		/* Exclusivity moves from the page to the swap PTE (folio_try_share_anon_rmap_pte). */
		if (mm->sim->cfg.kernel == SIM_KERNEL_6_18 && PageAnonExclusive(page)) {
			swp_pte = pte_swp_mkexclusive(swp_pte);
			ClearPageAnonExclusive(page);
		}
		add_mm_counter(mm, MM_SWAPENTS, 1);
	}
	set_pte_at(mm, addr, ptep, swp_pte);
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
	struct radix_tree_node *node;
	void *shadow;
	void **slot;

	VM_BUG_ON_PAGE(page_mapped(page) || PageDirty(page), page);
	if (PageSwapBacked(page)) {
		/* A clean tmpfs page (read, never written): it becomes a hole again. */
		mapping->host->alloced--;
		shmem_unacct_blocks(mapping->host, 1);
		delete_from_page_cache(page);
		return;
	}
	BUG_ON(!__radix_tree_lookup(&mapping->i_pages, page->index, &node, &slot));
	shadow = workingset_eviction(mapping, page);
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

/*
 * The swap cache lets go of a clean page that nobody maps (__remove_mapping
 * for swap cache pages): the slot keeps its swap PTE or tmpfs references.
 */
static void remove_from_swap_cache(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), __remove_mapping);

	VM_BUG_ON_PAGE(page_mapped(page) || PageDirty(page) || PageWriteback(page), page);
	delete_from_swap_cache(m, page); /* the cache's reference was the last one */
}

/*
 * pageout - write a dirty swap-backed page: clear its dirty bit and hand it
 * to swap_writepage. Counted in nr_vmscan_write.
 */
static void pageout(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), pageout);

	ClearPageDirty(page);
	mod_node_page_state(m, NR_VMSCAN_WRITE, 1);
	swap_writepage(m, page);
}

/*
 * shrink_page_list - reclaim one page, references ignored (MADV_PAGEOUT,
 * or a page reclaim chose). Returns true if the frame was freed.
 */
static bool shrink_page_list(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), shrink_page_list);

	if (PageSwapBacked(page) && !PageSwapCache(page)) {
		if (!m->swap) {
			activate_page(m, page); /* no swap: it must stay */
			return false;
		}
		if (PageAnon(page) && !add_to_swap(m, page)) {
			sim_note(m, "the swap device is full: the page stays");
			activate_page(m, page);
			return false;
		}
	}
	if (page_mapped(page))
		try_to_unmap(m, page);
	if (PageWriteback(page))
		return false; /* still being written from an earlier pass */
	if (PageDirty(page)) {
		if (!PageSwapBacked(page)) {
			sim_note(m, "dirty: not written from here; kept, to be freed once written back");
			SetPageReclaim(page);
			mod_node_page_state(m, NR_VMSCAN_IMMEDIATE, 1);
			activate_page(m, page);
			return false;
		}
		if (!PageAnon(page) && !shmem_writepage(page)) {
			activate_page(m, page);
			return false;
		}
		pageout(m, page);
		if (PageWriteback(page)) {
			sim_note(m, "written asynchronously: the page stays in the swap cache until written");
			return false;
		}
	}
	if (PageSwapCache(page)) {
		remove_from_swap_cache(m, page);
		return true;
	}
	__remove_mapping(page->mapping, page);
	return true;
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

		put_page(m, page); /* the LRU, the cache or the PTEs still hold it */
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

/* Clear one young PTE of the page, counting it (page_referenced_one). */
static bool page_referenced_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
				void *arg)
{
	pte_t *ptep = sim_lookup_pte(vma->vm_mm, addr);
	int *referenced = arg;

	if (pte_young(*ptep)) {
		set_pte_at(vma->vm_mm, addr, ptep, pte_mkold(*ptep));
		(*referenced)++;
	}
	return true;
}

/* How many PTEs mapping @page were young; their young bits are cleared. */
static int page_referenced(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), page_referenced);
	int referenced = 0;

	if (page_mapped(page))
		rmap_walk(m, page, page_referenced_one, &referenced);
	return referenced;
}

enum page_references { PAGEREF_RECLAIM, PAGEREF_KEEP, PAGEREF_ACTIVATE };

static enum page_references page_check_references(struct sim_machine *m, struct page *page)
{
	int referenced_ptes = page_referenced(m, page);
	bool referenced_page = TestClearPageReferenced(page);

	if (referenced_ptes) {
		if (PageSwapBacked(page))
			return PAGEREF_ACTIVATE;
		SetPageReferenced(page);
		if (referenced_page || referenced_ptes > 1)
			return PAGEREF_ACTIVATE;
		return PAGEREF_KEEP;
	}
	return PAGEREF_RECLAIM;
}

/* Move the oldest pages of an active list to the inactive list (aging). */
static void shrink_active_list(struct sim_machine *m, enum lru_list lru, unsigned long nr)
{
	TRACE_FUNC(TR(m), shrink_active_list);

	while (nr-- && !list_empty(&m->lru[lru])) {
		struct page *page = list_last_entry(&m->lru[lru], struct page, lru);

		page_referenced(m, page); /* the young bits start over */
		deactivate_page(m, page);
	}
}

/*
 * A fault is working on the page: it is locked, or someone holds a
 * reference beyond its mappings and its cache's (the kernel's trylock_page
 * and the refcount freeze of __remove_mapping). Reclaim leaves it alone.
 */
static bool page_busy(const struct page *page)
{
	int expected = page_mapcount(page);

	if (PageSwapCache(page) || (page->mapping && !PageAnon(page)))
		expected++;
	return PageLocked(page) || page_count(page) > expected;
}

/*
 * Scan up to @nr pages from the tail of inactive list @lru; returns how many
 * frames were freed.
 */
static unsigned long shrink_inactive_list(struct sim_machine *m, enum lru_list lru,
					  unsigned long nr)
{
	TRACE_FUNC(TR(m), shrink_inactive_list);
	unsigned long freed = 0;

	while (nr-- && !list_empty(&m->lru[lru])) {
		struct page *page = list_last_entry(&m->lru[lru], struct page, lru);

		count_vm_event(m, PGSCAN_KSWAPD);
		if (page_busy(page)) {
			list_move(&page->lru, &m->lru[lru]);
			continue;
		}
		switch (page_check_references(m, page)) {
		case PAGEREF_ACTIVATE:
			activate_page(m, page);
			continue;
		case PAGEREF_KEEP:
			list_move(&page->lru, &m->lru[lru]); /* back to the head: a second chance */
			continue;
		case PAGEREF_RECLAIM:
			break;
		}
		list_move(&page->lru, &m->lru[lru]); /* if it stays, it goes round again */
		if (shrink_page_list(m, page)) {
			freed++;
			count_vm_event(m, PGSTEAL_KSWAPD);
		}
	}
	return freed;
}

/* The length of an LRU list, from its counter (the lists are long under pressure). */
static unsigned long lru_size(struct sim_machine *m, enum lru_list lru)
{
	static const enum vm_item counter[] = {
		[LRU_INACTIVE_ANON] = NR_INACTIVE_ANON, [LRU_ACTIVE_ANON] = NR_ACTIVE_ANON,
		[LRU_INACTIVE_FILE] = NR_INACTIVE_FILE, [LRU_ACTIVE_FILE] = NR_ACTIVE_FILE,
	};
	long n = global_node_page_state(m, counter[lru]);

	return n < 0 ? 0 : (unsigned long)n;
}

/*
 * sim_reclaim - free @nr_pages frames (ULONG_MAX: all that can be) from the
 * anon and/or file LRU lists, as kswapd would. Returns how many were freed.
 */
unsigned long sim_reclaim(struct sim_machine *m, unsigned long nr_pages, bool anon, bool file)
{
	TRACE_FUNC(TR(m), shrink_node);
	unsigned long freed = 0;

	for (int pass = 0; pass < 8 && freed < nr_pages; pass++) {
		unsigned long before = freed;

		for (int kind = 0; kind < 2 && freed < nr_pages; kind++) {
			enum lru_list inactive = kind ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
			unsigned long n;

			if ((kind && !anon) || (!kind && !file))
				continue;
			if (lru_size(m, inactive) < lru_size(m, inactive + 1))
				shrink_active_list(m, inactive + 1, lru_size(m, inactive + 1));
			n = lru_size(m, inactive);
			while (n && freed < nr_pages) {
				unsigned long batch = min(n, nr_pages - freed);

				freed += shrink_inactive_list(m, inactive, batch);
				n -= batch;
			}
		}
		if (freed == before && pass >= 2)
			break; /* nothing more to free: everything left is in use or cannot go */
	}
	return freed;
}
