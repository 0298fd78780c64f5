// SPDX-License-Identifier: GPL-2.0
/*
 * truncate.c - taking pages out of the page cache: truncation, hole
 * punching, invalidation (fadvise DONTNEED). Models mm/truncate.c (v4.19).
 *
 * The callers unmap first (unmap_mapping_range), so the pages removed here
 * are mapped by nobody. A partial first page is kept and zeroed from the
 * cut on.
 */
#include "fs.h"
#include "internal.h"
#include "swap.h"

/*
 * truncate_inode_pages_range - remove the pages wholly inside the bytes
 * [lstart, lend] from the cache, with the exceptional entries there; zero
 * the tail of a partial first page. lend = (u64)-1 means to the end.
 */
void truncate_inode_pages_range(struct address_space *mapping, u64 lstart, u64 lend)
{
	struct sim_machine *m = mapping->host->sim;
	TRACE_FUNC(TR(m), truncate_inode_pages_range);
	pgoff_t start = (pgoff_t)((lstart + PAGE_SIZE - 1) >> PAGE_SHIFT);
	pgoff_t end = lend == (u64)-1 ? (pgoff_t)-1 : (pgoff_t)((lend + 1) >> PAGE_SHIFT) - 1;
	struct radix_tree_iter iter;
	void **slot;

	if (lstart & ~PAGE_MASK) {
		struct page *page = find_get_page(mapping, (pgoff_t)(lstart >> PAGE_SHIFT));

		if (page) {
			sim_page_zero_from(page, (unsigned)(lstart & ~PAGE_MASK));
			put_page(m, page);
		}
	}
	if (start > end)
		return;
	radix_tree_for_each_slot(slot, &mapping->i_pages, &iter, start) {
		void *entry = *slot;

		if (iter.index > end)
			break;
		if (radix_tree_exceptional_entry(entry)) {
			radix_tree_delete(&mapping->i_pages, iter.index);
			mapping->nrexceptional--;
			if (mapping->host->kind == SIM_INODE_SHMEM) {
				/* a tmpfs page on swap: its slot goes too */
				free_swap_and_cache(m, radix_to_swp_entry(entry));
				mapping->host->swapped--;
				mapping->host->alloced--;
			}
		} else {
			VM_BUG_ON_PAGE(page_mapped((struct page *)entry), (struct page *)entry);
			delete_from_page_cache(entry);
		}
		slot = radix_tree_iter_resume(slot, &iter);
	}
}

/*
 * invalidate_mapping_pages - drop the clean, unmapped pages of [start, end]
 * (fadvise DONTNEED). Dirty, mapped and locked pages stay. Returns how many
 * went.
 */
unsigned long invalidate_mapping_pages(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	TRACE_FUNC(TR(mapping->host->sim), invalidate_mapping_pages);
	struct radix_tree_iter iter;
	unsigned long count = 0;
	void **slot;

	radix_tree_for_each_slot(slot, &mapping->i_pages, &iter, start) {
		struct page *page = *slot;

		if (iter.index > end)
			break;
		if (radix_tree_exceptional_entry(page) || PageDirty(page) || PageWriteback(page) ||
		    PageLocked(page) || page_mapped(page))
			continue;
		delete_from_page_cache(page);
		count++;
		slot = radix_tree_iter_resume(slot, &iter);
	}
	return count;
}
