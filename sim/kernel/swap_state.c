// SPDX-License-Identifier: GPL-2.0
/*
 * swap_state.c - the swap cache and swap readahead.
 * Models mm/swap_state.c (Linux v4.19, readahead window rules as in 6.x).
 *
 * The swap cache holds pages by swap offset. A page enters it when reclaim
 * gives it a slot (add_to_swap) or when a swap-in reads it
 * (read_swap_cache_async), and leaves it when its slot and the page part
 * (delete_from_swap_cache). It is counted in nr_swapcached and, as 4.19 and
 * 6.18 both do, in nr_file_pages.
 *
 * Readahead reads more than the faulting page: cluster-based (the swap
 * offsets around it, aligned on the window) or VMA-based (the swap PTEs
 * around the address, within the VMA and its 2 MiB page table). Extra pages
 * stay in the swap cache, unmapped, marked PG_readahead; a later fault on
 * one is a minor fault that counts swap_ra_hit. The window grows with the
 * hits (__swapin_nr_pages): 1 page after a miss, up to 1 << page_cluster.
 */
#include "fs.h"
#include "internal.h"
#include "swap.h"

static void swapcache_event(struct sim_machine *m, struct page *page, swp_entry_t entry,
			    const char *what)
{
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_swap, .addr = swp_offset(entry),
						  .pfn = page_to_pfn(m, page),
						  .arg = m->swap->swap_map[swp_offset(entry)],
						  .text = what });
}

/* @page joins the swap cache for @entry (whose SWAP_HAS_CACHE is set): one reference. */
int add_to_swap_cache(struct sim_machine *m, struct page *page, swp_entry_t entry)
{
	TRACE_FUNC(TR(m), add_to_swap_cache);
	struct swap_info_struct *si = m->swap;

	VM_BUG_ON_PAGE(PageSwapCache(page) || !PageSwapBacked(page), page);
	BUG_ON(radix_tree_insert(&si->cache, swp_offset(entry), page));
	get_page(page);
	SetPageSwapCache(page);
	page->private = entry.val;
	si->nr_cached++;
	mod_node_page_state(m, NR_FILE_PAGES, 1);
	mod_node_page_state(m, NR_SWAPCACHE, 1);
	swapcache_event(m, page, entry, "added to the swap cache");
	return 0;
}

/* Take @page out of the swap cache; the caller drops the reference and the slot. */
void __delete_from_swap_cache(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), __delete_from_swap_cache);
	swp_entry_t entry = page_swp_entry(page);
	struct swap_info_struct *si = m->swap;

	VM_BUG_ON_PAGE(!PageSwapCache(page) || PageWriteback(page), page);
	swapcache_event(m, page, entry, "deleted from the swap cache");
	BUG_ON(radix_tree_delete(&si->cache, swp_offset(entry)) != page);
	ClearPageSwapCache(page);
	ClearPageReadahead(page);
	page->private = 0;
	si->nr_cached--;
	mod_node_page_state(m, NR_FILE_PAGES, -1);
	mod_node_page_state(m, NR_SWAPCACHE, -1);
}

/* Out of the swap cache, the slot's cache flag cleared, the cache's reference dropped. */
void delete_from_swap_cache(struct sim_machine *m, struct page *page)
{
	swp_entry_t entry = page_swp_entry(page);

	__delete_from_swap_cache(m, page);
	put_swap_page(m, entry);
	put_page(m, page);
}

/*
 * add_to_swap - give an anonymous page a swap slot and put it in the swap
 * cache, dirty, so reclaim writes it. Returns 0 when there is no free slot.
 */
int add_to_swap(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), add_to_swap);
	swp_entry_t entry = get_swap_page(m);

	if (!entry.val)
		return 0;
	add_to_swap_cache(m, page, entry);
	set_page_dirty(page);
	return 1;
}

/*
 * lookup_swap_cache - the page cached for @entry, with a reference, or
 * NULL. A page that readahead brought in counts a readahead hit, once.
 */
struct page *lookup_swap_cache(struct sim_machine *m, swp_entry_t entry, bool count_hit)
{
	struct page *page = m->swap ? radix_tree_lookup(&m->swap->cache, swp_offset(entry)) : NULL;

	if (!page)
		return NULL;
	get_page(page);
	if (count_hit && TestClearPageReadahead(page)) {
		count_vm_event(m, SWAP_RA_HIT);
		m->swap->ra_hits++;
	}
	return page;
}

/*
 * read_swap_cache_async - the page for @entry: from the swap cache, or a new
 * page added to it and read from the device (pswpin, or swpin_zero for a
 * zero-filled slot). Returns it with a reference; *read says whether I/O
 * happened. NULL if RAM is exhausted or the slot is free.
 */
static struct page *read_swap_cache_async(struct sim_machine *m, swp_entry_t entry, bool *read)
{
	struct swap_info_struct *si = m->swap;
	struct page *page = lookup_swap_cache(m, entry, false);

	*read = false;
	if (page)
		return page;
	if (!(si->swap_map[swp_offset(entry)] & ~SWAP_HAS_CACHE))
		return NULL; /* nobody refers to the slot any more */
	page = sim_alloc_page(m);
	if (!page)
		return NULL;
	SetPageSwapBacked(page);
	si->swap_map[swp_offset(entry)] |= SWAP_HAS_CACHE; /* swapcache_prepare */
	add_to_swap_cache(m, page, entry);
	swap_readpage(m, page, entry);
	/* A refault of anonymous memory: it was in use, so it goes active. */
	SetPageWorkingset(page);
	SetPageActive(page);
	lru_cache_add(m, page);
	count_vm_event(m, WORKINGSET_REFAULT_ANON);
	count_vm_event(m, WORKINGSET_ACTIVATE_ANON);
	*read = true;
	return page;
}

/* The page for @entry read alone, through the swap cache (no readahead). */
struct page *swapin_one(struct sim_machine *m, swp_entry_t entry)
{
	bool read;

	return read_swap_cache_async(m, entry, &read);
}

/*
 * __swapin_nr_pages - the readahead window: grows with the hits since the
 * last miss (pages = hits + 2, rounded up to a power of two, at least 4),
 * is 1 after a miss unless the fault is next to the previous one, and never
 * shrinks below half the previous window.
 */
static unsigned int __swapin_nr_pages(struct swap_info_struct *si, unsigned long offset,
				      unsigned int max_pages)
{
	unsigned int pages = (unsigned int)si->ra_hits + 2, last_ra;

	if (pages == 2) {
		if (offset != si->ra_prev_offset + 1 && offset != si->ra_prev_offset - 1)
			pages = 1;
	} else {
		unsigned int roundup = 4;

		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	if (pages > max_pages)
		pages = max_pages;
	last_ra = si->ra_prev_win / 2;
	if (pages < last_ra)
		pages = last_ra;
	si->ra_prev_win = pages;
	si->ra_hits = 0;
	si->ra_prev_offset = offset;
	return pages;
}

/* Read one readahead page (not the target): it waits in the swap cache. */
static void readahead_one(struct sim_machine *m, swp_entry_t entry)
{
	bool read;
	struct page *page = read_swap_cache_async(m, entry, &read);

	if (!page)
		return;
	if (read) {
		SetPageReadahead(page);
		count_vm_event(m, SWAP_RA);
	}
	put_page(m, page);
}

/*
 * swapin_readahead - read the faulting entry and its window; return the
 * faulting page (with a reference), or NULL when RAM is exhausted.
 * Cluster-based: the swap offsets of the aligned window. VMA-based: the
 * swap PTEs of the window centred on the address, inside the VMA and its
 * page table.
 */
struct page *swapin_readahead(struct sim_machine *m, swp_entry_t entry,
			      struct vm_area_struct *vma, unsigned long addr, bool cluster)
{
	TRACE_FUNC(TR(m), swapin_readahead);
	struct swap_info_struct *si = m->swap;
	unsigned long offset = swp_offset(entry);
	unsigned int max_pages = 1u << m->cfg.page_cluster;
	unsigned int win = __swapin_nr_pages(si, offset, max_pages);
	bool read;
	struct page *page;

	page = read_swap_cache_async(m, entry, &read);
	if (!page || win <= 1)
		return page;
	if (cluster || !vma) {
		unsigned long start = offset & ~((unsigned long)win - 1), end = start + win;

		for (unsigned long o = max(start, 1UL); o < min(end, si->max); o++)
			if (o != offset)
				readahead_one(m, swp_entry(0, o));
		return page;
	}
	{
		unsigned long left = (win - 1) / 2, pmd_start = addr & PMD_MASK;
		unsigned long lo = addr - left * PAGE_SIZE, hi = lo + win * PAGE_SIZE;

		if (lo < vma->vm_start || lo > addr)
			lo = vma->vm_start;
		lo = max(lo, pmd_start);
		hi = min(min(hi, vma->vm_end), pmd_start + PMD_SIZE);
		for (unsigned long a = lo; a < hi; a += PAGE_SIZE) {
			pte_t *pte = sim_lookup_pte(vma->vm_mm, a);

			if (a != addr && pte && is_swap_pte(*pte))
				readahead_one(m, pte_to_swp_entry(*pte));
		}
	}
	return page;
}

/*
 * Complete every write in flight (`writeback`): the pages stay in the swap
 * cache, clean. Returns how many completed.
 */
unsigned long sim_writeback_all(struct sim_machine *m)
{
	struct radix_tree_iter iter;
	unsigned long n = 0;
	void **slot;

	if (!m->swap)
		return 0;
	radix_tree_for_each_slot(slot, &m->swap->cache, &iter, 0) {
		struct page *page = *slot;

		if (PageWriteback(page)) {
			end_page_writeback(m, page);
			n++;
		}
	}
	return n;
}

/* At teardown: nothing maps the pages left in the swap cache; free them. */
void sim_swap_drain(struct sim_machine *m)
{
	struct radix_tree_iter iter;
	void **slot;

	if (!m->swap)
		return;
	radix_tree_for_each_slot(slot, &m->swap->cache, &iter, 0) {
		struct page *page = *slot;

		end_page_writeback(m, page);
		delete_from_swap_cache(m, page);
		slot = radix_tree_iter_resume(slot, &iter);
	}
}
