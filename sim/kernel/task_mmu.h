/* SPDX-License-Identifier: GPL-2.0 */
/*
 * task_mmu.h - what /proc/PID/pagemap, smaps and status show, and mincore().
 * Models fs/proc/task_mmu.c and mm/mincore.c (the rules of Linux 6.x, which
 * mmsim check compares against; the v4.19 rules are the same for what is
 * modelled, except where noted).
 *
 * These functions read the model and fill plain structs; they never print.
 */
#ifndef MMSIM_TASK_MMU_H
#define MMSIM_TASK_MMU_H

#include "sim_machine.h"

/* pagemap bits (fs/proc/task_mmu.c). */
#define PM_PFRAME_BITS 55
#define PM_PFRAME_MASK ((1ULL << PM_PFRAME_BITS) - 1)
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_FILE (1ULL << 61)
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)

/* The 64-bit pagemap entry of @addr, as root reads it (PFNs shown). */
u64 pagemap_entry(struct mm_struct *mm, unsigned long addr);

/* mincore() of one page: 1 resident, 0 not; -ENOMEM if @addr is unmapped. */
int mincore_page(struct mm_struct *mm, unsigned long addr);

/* Per-VMA sums of smaps (fs/proc/task_mmu.c struct mem_size_stats). Bytes. */
struct mem_size_stats {
	unsigned long resident;
	unsigned long shared_clean;
	unsigned long shared_dirty;
	unsigned long private_clean;
	unsigned long private_dirty;
	unsigned long referenced;
	unsigned long anonymous;
	unsigned long lazyfree;
	unsigned long swap;
	unsigned long locked;
	u64 pss;	/* fixed point, PSS_SHIFT fractional bits */
	u64 pss_dirty;
	u64 swap_pss;
};
#define PSS_SHIFT 12

void smap_gather_stats(struct vm_area_struct *vma, struct mem_size_stats *mss);

/* The fields of one smaps entry, in the kernel's order and units (kB). */
struct smaps_field {
	const char *name;
	unsigned long kb;
};
#define SMAPS_NR_FIELDS 16
/* Fill @out (SMAPS_NR_FIELDS entries) for @vma. */
void smaps_fields(struct vm_area_struct *vma, struct smaps_field *out);

/* The flags smaps prints on its VmFlags line ("rd wr mr mw me ac"). */
void show_smap_vma_flags(const struct vm_area_struct *vma, char *buf, size_t len);

#endif /* MMSIM_TASK_MMU_H */
