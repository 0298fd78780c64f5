/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapops.h - the arch-independent swap entry, as include/linux/swapops.h of
 * Linux v4.19 lays it out.
 *
 * MINIMAL STAND-IN. This file holds only what the radix tree needs to encode
 * shmem's swap entries: swp_entry_t, swp_entry(), swp_type() and swp_offset().
 * The engineer who models the swap device is expected to replace it with a
 * fuller version; that version must keep these four names and this layout,
 * and must not include radix-tree.h (which includes this file).
 * swp_entry_t is guarded by MMSIM_HAVE_SWP_ENTRY_T so that it may move to
 * mm_types.h (where the kernel defines it) without a clash.
 *
 * In v4.19 swp_to_radix_entry() and radix_to_swp_entry() also live in this
 * header. mmsim keeps them in radix-tree.h, beside the other page-cache entry
 * encodings; a fuller swapops.h must not define them a second time.
 *
 * Not modelled: migration and hwpoison entries, the arch (PTE) format, which
 * is pgtable.h's __swp_pte_val() and friends.
 */
#ifndef MMSIM_SWAPOPS_H
#define MMSIM_SWAPOPS_H

#include "kernel_glue.h"

#ifndef MMSIM_HAVE_SWP_ENTRY_T
#define MMSIM_HAVE_SWP_ENTRY_T
/* A swap slot: which swap device (type) and which page on it (offset). */
typedef struct {
	unsigned long val;
} swp_entry_t;
#endif

/* 32 swap devices at most (include/linux/swap.h). */
#ifndef MAX_SWAPFILES_SHIFT
#define MAX_SWAPFILES_SHIFT 5
#endif

/*
 * The two low bits a page-cache slot uses to mark an exceptional entry; the
 * same definition as radix-tree.h (an identical redefinition is allowed), so
 * this header stands alone.
 */
#define RADIX_TREE_EXCEPTIONAL_SHIFT 2

/*
 * swp_entry_t.val, v4.19 (64-bit):
 *
 *   63 62 61      57 56                                              0
 *  +-----+----------+-------------------------------------------------+
 *  |  0 0|   type   |                     offset                      |
 *  +-----+----------+-------------------------------------------------+
 *
 * The type sits at 64 - (MAX_SWAPFILES_SHIFT + RADIX_TREE_EXCEPTIONAL_SHIFT)
 * = 57, leaving the top two bits clear: shmem stores val << 2 in a radix tree
 * slot, and nothing may be lost in that shift. (4.20 moved the type to bit
 * 58, since XArray value entries only shift by one.)
 */
#define SWP_TYPE_SHIFT(e)                                                                          \
	((sizeof((e).val) * 8) - (MAX_SWAPFILES_SHIFT + RADIX_TREE_EXCEPTIONAL_SHIFT))
#define SWP_OFFSET_MASK(e) ((1UL << SWP_TYPE_SHIFT(e)) - 1)

/* Build a swap entry from a device number and a page offset on it. */
static inline swp_entry_t swp_entry(unsigned long type, pgoff_t offset)
{
	swp_entry_t ret;

	ret.val = (type << SWP_TYPE_SHIFT(ret)) | (offset & SWP_OFFSET_MASK(ret));
	return ret;
}

/* The swap device (index into swap_info[]) of an entry. */
static inline unsigned swp_type(swp_entry_t entry)
{
	return entry.val >> SWP_TYPE_SHIFT(entry);
}

/* The page offset on the swap device of an entry. */
static inline pgoff_t swp_offset(swp_entry_t entry)
{
	return entry.val & SWP_OFFSET_MASK(entry);
}

#endif /* MMSIM_SWAPOPS_H */
