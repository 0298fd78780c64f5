// SPDX-License-Identifier: GPL-2.0
/*
 * swapfile.c - the swap device: slots and their counts (swap_map).
 * Models mm/swapfile.c (Linux v4.19); see swap.h for the swap_map layout.
 *
 * A slot is taken by get_swap_page with SWAP_HAS_CACHE set (its page goes
 * into the swap cache at once); each swap PTE and each tmpfs slot holding
 * the entry adds one to the count (swap_duplicate); swap_free takes one
 * away. The slot is free when the count is 0 and no page is cached for it.
 */
#include "fs.h"
#include "internal.h"
#include "swap.h"

int sim_swapon(struct sim_machine *m, unsigned long pages, bool synchronous)
{
	struct swap_info_struct *si;

	if (pages < 2)
		return -EINVAL; /* the header takes slot 0 */
	si = sim_kzalloc(SIM_ALLOC_OTHER, sizeof(*si));
	si->max = pages;
	si->synchronous = synchronous;
	si->swap_map = sim_kzalloc(SIM_ALLOC_OTHER, pages);
	si->zeromap = sim_kzalloc(SIM_ALLOC_OTHER, pages);
	si->data = sim_kzalloc(SIM_ALLOC_OTHER, pages * sizeof(*si->data));
	si->cluster_next = 1;
	si->ra_hits = 4; /* SWAP_RA_HITS initial value: the first window is full */
	INIT_RADIX_TREE(&si->cache, 0);
	m->swap = si;
	return 0;
}

/* At machine teardown: every page and swap PTE is gone, so every slot is free. */
void sim_swapoff(struct sim_machine *m)
{
	struct swap_info_struct *si = m->swap;

	if (!si)
		return;
	BUG_ON(si->inuse_pages || si->nr_cached);
	for (unsigned long i = 0; i < si->max; i++)
		sim_page_data_free(si->data[i]);
	sim_kfree(SIM_ALLOC_OTHER, si->data);
	sim_kfree(SIM_ALLOC_OTHER, si->zeromap);
	sim_kfree(SIM_ALLOC_OTHER, si->swap_map);
	sim_kfree(SIM_ALLOC_OTHER, si);
	m->swap = NULL;
}

static struct swap_info_struct *swap_info_get(struct sim_machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = m->swap;

	BUG_ON(!si || swp_type(entry) != 0 || !swp_offset(entry) || swp_offset(entry) >= si->max);
	return si;
}

static void slot_event(struct sim_machine *m, swp_entry_t entry, const char *what)
{
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_swap, .addr = swp_offset(entry),
						  .arg = m->swap->swap_map[swp_offset(entry)],
						  .text = what });
}

/*
 * get_swap_page - a free slot, marked SWAP_HAS_CACHE, or an entry of 0 when
 * the device is full (or there is none). The search starts where the last
 * one ended, wrapping, as scan_swap_map does within a cluster.
 */
swp_entry_t get_swap_page(struct sim_machine *m)
{
	TRACE_FUNC(TR(m), get_swap_page);
	struct swap_info_struct *si = m->swap;

	if (!si || si->inuse_pages == si->max - 1)
		return (swp_entry_t){ 0 };
	for (unsigned long n = 0; n < si->max; n++) {
		unsigned long offset = si->cluster_next;

		si->cluster_next = offset + 1 < si->max ? offset + 1 : 1;
		if (offset == 0 || si->swap_map[offset])
			continue;
		si->swap_map[offset] = SWAP_HAS_CACHE;
		si->inuse_pages++;
		si->zeromap[offset] = 0;
		slot_event(m, swp_entry(0, offset), "allocated");
		return swp_entry(0, offset);
	}
	BUG();
}

/* The slot's count is 0 and no page is cached: it is free again. */
static void swap_entry_free(struct swap_info_struct *si, unsigned long offset)
{
	si->inuse_pages--;
	si->zeromap[offset] = 0;
	sim_page_data_free(si->data[offset]);
	si->data[offset] = NULL;
}

/* One more reference to the slot: a swap PTE copied by fork, written by unmap. */
int swap_duplicate(struct sim_machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(m, entry);
	unsigned char *count = &si->swap_map[swp_offset(entry)];

	BUG_ON(!*count || (*count & ~SWAP_HAS_CACHE) >= SWAP_MAP_MAX);
	(*count)++;
	return 0;
}

/* Drop a count (or, with @cache, the cache flag); free the slot when nothing is left. */
static void swap_entry_put(struct sim_machine *m, swp_entry_t entry, bool cache)
{
	struct swap_info_struct *si = swap_info_get(m, entry);
	unsigned long offset = swp_offset(entry);
	unsigned char *count = &si->swap_map[offset];

	if (cache) {
		BUG_ON(!(*count & SWAP_HAS_CACHE));
		*count &= ~SWAP_HAS_CACHE;
	} else {
		BUG_ON(!(*count & ~SWAP_HAS_CACHE));
		(*count)--;
	}
	if (!*count) {
		swap_entry_free(si, offset);
		slot_event(m, entry, "freed");
	}
}

/* A swap PTE (or tmpfs slot) stops referring to the slot. */
void swap_free(struct sim_machine *m, swp_entry_t entry)
{
	swap_entry_put(m, entry, false);
}

/* The swap cache gives the slot up (put_swap_page clears SWAP_HAS_CACHE). */
void put_swap_page(struct sim_machine *m, swp_entry_t entry)
{
	swap_entry_put(m, entry, true);
}

/* The references to the slot, the cache flag excluded (smaps SwapPss). */
int swp_swapcount(struct sim_machine *m, swp_entry_t entry)
{
	return swap_info_get(m, entry)->swap_map[swp_offset(entry)] & ~SWAP_HAS_CACHE;
}

/* Half the device used: swap-in then frees slots eagerly (mem_cgroup_swap_full). */
bool vm_swap_full(struct sim_machine *m)
{
	return m->swap && m->swap->inuse_pages * 2 > m->swap->max - 1;
}

/*
 * try_to_free_swap - if nothing refers to a swap-cache page's slot but the
 * cache, take the page out of the swap cache (dirty, so a later pageout
 * writes it again) and free the slot. Not while under writeback.
 */
bool try_to_free_swap(struct sim_machine *m, struct page *page)
{
	if (!PageSwapCache(page) || PageWriteback(page))
		return false;
	if (swp_swapcount(m, page_swp_entry(page)))
		return false;
	delete_from_swap_cache(m, page);
	set_page_dirty(page);
	return true;
}

/*
 * free_swap_and_cache - a swap PTE or tmpfs slot is zapped: drop its count;
 * if only the swap cache still holds the slot and its page is mapped by
 * nobody and not under writeback, free the page from the cache too.
 */
int free_swap_and_cache(struct sim_machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(m, entry);
	unsigned long offset = swp_offset(entry);
	struct page *page;

	swap_free(m, entry);
	if (si->swap_map[offset] != SWAP_HAS_CACHE)
		return 1;
	page = radix_tree_lookup(&si->cache, offset);
	if (page && !page_mapped(page) && !PageWriteback(page))
		delete_from_swap_cache(m, page); /* frees the page with the cache's reference */
	return 1;
}
