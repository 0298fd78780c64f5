/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swap.h - the swap device, its swap_map and the swap cache.
 * Models include/linux/swap.h and the swap parts of include/linux/swapops.h
 * (Linux v4.19).
 *
 * One swap device (type 0) of `config swap=` pages. Slot 0 holds the swap
 * header and is never handed out. swap_map[offset] is one byte per slot:
 *
 *     7     6        5..0
 *   +---+-------+---------------------------------------------+
 *   | C | CACHE |  count: swap PTEs + a tmpfs slot holding it  |
 *   +---+-------+---------------------------------------------+
 *   SWAP_HAS_CACHE (0x40): a page is in the swap cache for this slot.
 *   COUNT_CONTINUED (0x80) is not modelled (counts stay below SWAP_MAP_MAX).
 *
 * The swap cache is a radix tree keyed by offset whose slots hold the pages
 * (page->private = the entry, PG_swapcache). A page is in it from
 * add_to_swap until the slot and the page part, and a swapped-in page may
 * stay in it, clean, so that a second pageout needs no I/O.
 *
 * `swap_device=disk` writes asynchronously: a page stays under writeback in
 * the swap cache until `writeback` (or a later pass) completes it.
 * `swap_device=zram` is SWP_SYNCHRONOUS_IO: written at once and freed in the
 * same pass; a swap-in reads straight into a new page, bypassing the swap
 * cache, without readahead.
 *
 * Not modelled: several devices and priorities, swap clusters and per-CPU
 * slot caches (slots are taken in order from a moving cursor: the offsets
 * differ from the real kernel's, the counts do not), discard, swapoff,
 * COUNT_CONTINUED, THP swap, zswap.
 */
#ifndef MMSIM_SWAP_H
#define MMSIM_SWAP_H

#include "pgtable.h"
#include "radix-tree.h"
#include "sim_machine.h"

#define SWAP_HAS_CACHE 0x40
#define SWAP_MAP_MAX 0x3e

struct swap_info_struct {
	unsigned int type;
	unsigned long max;	       /* slots, the header slot 0 included */
	unsigned char *swap_map;       /* see above */
	unsigned long inuse_pages;     /* slots not free */
	bool synchronous;	       /* SWP_SYNCHRONOUS_IO (zram) */
	unsigned long cluster_next;    /* where the next allocation starts looking */
	struct sim_page_data **data;   /* the device's content per slot (NULL: zeroes) */
	unsigned char *zeromap;	       /* 6.12+: the slot holds a zero-filled page, not written */
	struct radix_tree_root cache;  /* the swap cache: offset -> page */
	unsigned long nr_cached;       /* pages in the swap cache */
	/* swap readahead state (swapin_readahead_hits, prev_offset) */
	unsigned long ra_hits;
	unsigned long ra_prev_offset;
	unsigned int ra_prev_win;
};

/* The PTE of a swap entry, and back (arch/x86 __swp_entry_to_pte). */
static inline pte_t swp_entry_to_pte(swp_entry_t entry)
{
	return __pte(__swp_pte_val(swp_type(entry), swp_offset(entry)));
}
static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	return swp_entry(__swp_pte_type(pte), __swp_pte_offset(pte));
}
static inline pte_t pte_swp_mkexclusive(pte_t pte)
{
	return __pte(pte.pte | _PAGE_SWP_EXCLUSIVE);
}
static inline pte_t pte_swp_clear_exclusive(pte_t pte)
{
	return __pte(pte.pte & ~_PAGE_SWP_EXCLUSIVE);
}

/* in swapfile.c */
int sim_swapon(struct sim_machine *m, unsigned long pages, bool synchronous);
void sim_swapoff(struct sim_machine *m);
swp_entry_t get_swap_page(struct sim_machine *m);
int swap_duplicate(struct sim_machine *m, swp_entry_t entry);
void swap_free(struct sim_machine *m, swp_entry_t entry);
void put_swap_page(struct sim_machine *m, swp_entry_t entry);
int free_swap_and_cache(struct sim_machine *m, swp_entry_t entry);
int swp_swapcount(struct sim_machine *m, swp_entry_t entry);
bool try_to_free_swap(struct sim_machine *m, struct page *page);
bool vm_swap_full(struct sim_machine *m);

/* in swap_state.c */
int add_to_swap(struct sim_machine *m, struct page *page);
int add_to_swap_cache(struct sim_machine *m, struct page *page, swp_entry_t entry);
void __delete_from_swap_cache(struct sim_machine *m, struct page *page);
void delete_from_swap_cache(struct sim_machine *m, struct page *page);
struct page *lookup_swap_cache(struct sim_machine *m, swp_entry_t entry, bool count_hit);
struct page *swapin_one(struct sim_machine *m, swp_entry_t entry);
struct page *swapin_readahead(struct sim_machine *m, swp_entry_t entry,
			      struct vm_area_struct *vma, unsigned long addr, bool cluster);

unsigned long sim_writeback_all(struct sim_machine *m);
void sim_swap_drain(struct sim_machine *m);

/* in page_io.c */
int swap_writepage(struct sim_machine *m, struct page *page);
void swap_readpage(struct sim_machine *m, struct page *page, swp_entry_t entry);
void end_page_writeback(struct sim_machine *m, struct page *page);

static inline swp_entry_t page_swp_entry(const struct page *page)
{
	return (swp_entry_t){ page->private };
}

#endif /* MMSIM_SWAP_H */
