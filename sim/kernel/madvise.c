// SPDX-License-Identifier: GPL-2.0
/*
 * madvise.c - advice about a range of memory.
 * Models mm/madvise.c (Linux v4.19; MADV_POPULATE_* from v5.14).
 *
 * MADV_DONTNEED zaps the PTEs: private anonymous pages are freed and read
 * back as zeroes (the zero page on a read, a fresh page on a write). A range
 * with unmapped holes is processed where mapped, then fails ENOMEM.
 * MADV_POPULATE_READ/WRITE fault the range in as a read or a write would;
 * they stop at the first hole (ENOMEM) and refuse a VMA that does not allow
 * the access (EINVAL), as v6.10+ does.
 *
 * MADV_REMOVE punches a hole in a shared tmpfs mapping's file: the pages
 * are unmapped everywhere and freed, and read back as zeroes.
 * MADV_COLD and MADV_PAGEOUT (v5.4) look only at pages this PTE alone maps
 * (another mapping of the page makes them skip it): COLD ages the PTE and
 * moves the page to the inactive list; PAGEOUT reclaims it at once
 * (reclaim_pages): anonymous and tmpfs pages go to swap (without swap they
 * stay, activated), clean file pages are dropped.
 *
 * Advice Linux does not know is EINVAL. Not modelled yet (the model returns
 * -ENOSYS; the scenario runner refuses them before running): every other
 * valid advice, among them MADV_FREE, MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED
 * (they need reclaim and swap).
 */
#include "fs.h"
#include "internal.h"

/*
 * Is @behavior an advice Linux 6.18 knows (madvise_behavior_valid)? The
 * values of include/uapi/asm-generic/mman-common.h: 0-4, 8-25, 100-103.
 */
static bool madvise_behavior_valid(int behavior)
{
	return (behavior >= 0 && behavior <= MADV_DONTNEED) ||
	       (behavior >= MADV_FREE && behavior <= 25) || (behavior >= 100 && behavior <= 103);
}

/* The advice the model carries out. */
static bool madvise_behavior_modelled(int behavior)
{
	switch (behavior) {
	case MADV_DONTNEED:
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
	case MADV_REMOVE:
	case MADV_COLD:
	case MADV_PAGEOUT:
		return true;
	default:
		return false;
	}
}

/* The page a PTE of [start, end) maps that COLD/PAGEOUT would act on, or NULL. */
static struct page *cold_candidate(struct vm_area_struct *vma, unsigned long addr)
{
	pte_t *ptep = sim_lookup_pte(vma->vm_mm, addr);
	struct page *page;

	if (!ptep || !pte_present(*ptep) || pte_protnone(*ptep))
		return NULL;
	page = vm_normal_page(vma, addr, *ptep);
	if (!page || page_mapcount(page) != 1 || !PageLRU(page))
		return NULL; /* the zero page, or a page another mapping also maps */
	return page;
}

/*
 * madvise_cold_or_pageout_pte_range - age and deactivate (COLD) or reclaim
 * (PAGEOUT) the pages of [start, end) that only this PTE maps.
 */
static long madvise_cold_or_pageout(struct vm_area_struct *vma, unsigned long start,
				    unsigned long end, bool pageout)
{
	struct sim_machine *m = vma_sim(vma);
	TRACE_FUNC(TR(m), madvise_cold_or_pageout_pte_range);
	unsigned long nr = 0, addr;
	struct page **list;

	if (vma->vm_flags & VM_LOCKED)
		return -EINVAL;
	list = sim_kzalloc(SIM_ALLOC_OTHER, ((end - start) >> PAGE_SHIFT) * sizeof(*list) + 1);
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		struct page *page = cold_candidate(vma, addr);
		pte_t *ptep = sim_lookup_pte(vma->vm_mm, addr);

		if (!page)
			continue;
		if (pte_young(*ptep))
			set_pte_at(vma->vm_mm, addr, ptep, pte_mkold(*ptep));
		ClearPageReferenced(page);
		if (!pageout) {
			deactivate_page(m, page);
			continue;
		}
		get_page(page);
		list[nr++] = page;
	}
	reclaim_pages(m, list, nr);
	sim_kfree(SIM_ALLOC_OTHER, list);
	return 0;
}

/*
 * madvise_remove - free the file's pages behind [start, end) of a shared
 * mapping that may be written (vfs_fallocate PUNCH_HOLE): the range reads
 * as zeroes afterwards, on tmpfs and on ext4.
 */
static long madvise_remove(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct inode *inode;
	u64 offset;

	if ((vma->vm_flags & VM_LOCKED) || !vma->vm_file)
		return -EINVAL;
	/* vma_is_shared_maywrite (v6.7): a shared mapping that could be made writable */
	if ((vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
		return -EACCES;
	inode = file_inode(vma->vm_file);
	offset = ((u64)(start - vma->vm_start) + ((u64)vma->vm_pgoff << PAGE_SHIFT));
	if (inode->kind != SIM_INODE_SHMEM)
		return ext4_punch_hole(inode, offset, end - start);
	return shmem_fallocate_punch_hole(inode, offset, end - start);
}

static long madvise_dontneed_single_vma(struct vm_area_struct *vma, unsigned long start,
					unsigned long end)
{
	TRACE_FUNC(TR(vma_sim(vma)), madvise_dontneed_single_vma);

	if (vma->vm_flags & (VM_LOCKED | VM_PFNMAP))
		return -EINVAL;
	zap_page_range(vma, start, end - start);
	return 0;
}

/*
 * madvise_populate - fault [start, end) in as a read or a write would
 * (faultin_page_range). Unlike the walk of the other advice, it stops at
 * the first address no VMA covers: ENOMEM, with what came before populated.
 * A VMA that does not allow the access (check_vma_flags) is EINVAL; a fault
 * that would raise a signal is EFAULT.
 */
static int madvise_populate(struct mm_struct *mm, unsigned long start, unsigned long end,
			    bool write)
{
	while (start < end) {
		struct vm_area_struct *vma = find_vma(mm, start);
		unsigned long tmp;
		long pages;

		if (!vma || vma->vm_start > start)
			return -ENOMEM;
		if (!(vma->vm_flags & (write ? VM_WRITE : VM_READ)) || (vma->vm_flags & VM_PFNMAP))
			return -EINVAL;
		tmp = min(vma->vm_end, end);
		pages = populate_vma_page_range(vma, start, tmp, write);
		if (pages < 0)
			return pages == -ENOMEM ? -ENOMEM : -EFAULT;
		start = tmp;
	}
	return 0;
}

int sim_madvise(struct task_struct *t, unsigned long start, unsigned long len_in, int behavior)
{
	struct mm_struct *mm = t->mm;
	TRACE_FUNC(TR(mm->sim), sys_madvise);
	struct vm_area_struct *vma;
	unsigned long end, len;
	int unmapped_error = 0;

	if (!madvise_behavior_valid(behavior))
		return -EINVAL;
	if (!madvise_behavior_modelled(behavior))
		return -ENOSYS;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	len = PAGE_ALIGN(len_in);
	if (len_in && !len)
		return -EINVAL;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if (behavior == MADV_POPULATE_READ || behavior == MADV_POPULATE_WRITE)
		return madvise_populate(mm, start, end, behavior == MADV_POPULATE_WRITE);

	vma = find_vma(mm, start);
	for (;;) {
		unsigned long tmp;
		long error;

		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				return -ENOMEM;
		}
		tmp = min(vma->vm_end, end);
		if (behavior == MADV_REMOVE)
			error = madvise_remove(vma, start, tmp);
		else if (behavior == MADV_COLD || behavior == MADV_PAGEOUT)
			error = madvise_cold_or_pageout(vma, start, tmp, behavior == MADV_PAGEOUT);
		else
			error = madvise_dontneed_single_vma(vma, start, tmp);
		if (error)
			return (int)error;
		start = tmp;
		if (start >= end)
			return unmapped_error;
		vma = vma->vm_next;
	}
}
