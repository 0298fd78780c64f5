// SPDX-License-Identifier: GPL-2.0
/*
 * swap.c - the LRU lists: where pages go when they are first mapped.
 * Models the LRU half of mm/swap.c (Linux v4.19).
 *
 * A new anonymous page goes to the active anon list under kernel=4.19
 * (lru_cache_add_active_or_unevictable) and to the inactive list under
 * kernel=6.18 (since 5.9 new anon pages start inactive).
 *
 * Not modelled: the per-CPU pagevecs that batch additions (the real
 * kernel's LRU counters move in bursts of about 31 because of them; here a
 * page is on its list at once), mlock and the unevictable list's rules.
 */
#include "internal.h"

static const enum vm_item lru_counter[NR_LRU_LISTS] = {
	[LRU_INACTIVE_ANON] = NR_INACTIVE_ANON,
	[LRU_ACTIVE_ANON] = NR_ACTIVE_ANON,
	[LRU_INACTIVE_FILE] = NR_INACTIVE_FILE,
	[LRU_ACTIVE_FILE] = NR_ACTIVE_FILE,
	[LRU_UNEVICTABLE] = NR_VM_ITEMS,
};

/* Which list the page belongs on, from its flags (include/linux/mm_inline.h). */
enum lru_list page_lru(const struct page *page)
{
	enum lru_list lru;

	if (PageUnevictable(page))
		return LRU_UNEVICTABLE;
	lru = PageSwapBacked(page) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
	if (PageActive(page))
		lru += 1;
	return lru;
}

static void add_page_to_lru_list(struct sim_machine *m, struct page *page)
{
	enum lru_list lru = page_lru(page);

	SetPageLRU(page);
	list_add(&page->lru, &m->lru[lru]);
	if (lru_counter[lru] != NR_VM_ITEMS)
		mod_node_page_state(m, lru_counter[lru], 1);
}

void del_page_from_lru_list(struct sim_machine *m, struct page *page)
{
	enum lru_list lru = page_lru(page);

	VM_BUG_ON_PAGE(!PageLRU(page), page);
	list_del(&page->lru);
	ClearPageLRU(page);
	if (lru_counter[lru] != NR_VM_ITEMS)
		mod_node_page_state(m, lru_counter[lru], -1);
}

void lru_cache_add_active_or_unevictable(struct sim_machine *m, struct page *page,
					 struct vm_area_struct *vma)
{
	if (m->cfg.kernel == SIM_KERNEL_4_19 && !(vma->vm_flags & VM_LOCKED))
		SetPageActive(page);
	add_page_to_lru_list(m, page);
}

/* A page-cache page joins the inactive list of its kind (lru_cache_add). */
void lru_cache_add(struct sim_machine *m, struct page *page)
{
	add_page_to_lru_list(m, page);
}
