// SPDX-License-Identifier: GPL-2.0
/*
 * gup.c - faulting pages in on a process's behalf (MAP_POPULATE,
 * MADV_POPULATE_*). Models the populate path of mm/gup.c (Linux v4.19).
 *
 * For each page, follow the PTE; if it does not give the page with the
 * access wanted, fault it in (faultin_page -> handle_mm_fault). A private
 * writable mapping is populated for write, which breaks COW: anonymous
 * memory gets real pages, not the zero page. Other mappings are populated
 * for read. Each fault is charged to the calling task, as a CPU fault is.
 *
 * Not modelled: page pinning and references (FOLL_GET), mlock, FOLL_FORCE.
 */
#include "internal.h"

/* Does the PTE already give what a populate of this kind wants? (follow_page) */
static bool follow_page_ok(pte_t *ptep, bool write)
{
	if (!ptep || !pte_present(*ptep) || pte_protnone(*ptep))
		return false;
	return !write || pte_write(*ptep);
}

/* Returns the number of pages, or a negative errno when a fault failed. */
long populate_vma_page_range(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	TRACE_FUNC(TR(mm->sim), populate_vma_page_range);

	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		unsigned int flags;
		vm_fault_t ret;

		if (follow_page_ok(sim_lookup_pte(mm, addr), write))
			continue;
		flags = FAULT_FLAG_REMOTE | (write ? FAULT_FLAG_WRITE : 0);
		ret = handle_mm_fault(vma, addr, flags);
		if (ret & VM_FAULT_RETRY)
			ret = handle_mm_fault(vma, addr, flags | FAULT_FLAG_TRIED);
		if (ret & (VM_FAULT_OOM | VM_FAULT_RETRY))
			return -ENOMEM;
		if (ret & VM_FAULT_ERROR)
			return -EFAULT;
	}
	return (long)((end - start) >> PAGE_SHIFT);
}

/* Populate every VMA in [start, start + len), as mmap(MAP_POPULATE) does. */
int __mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	TRACE_FUNC(TR(mm->sim), __mm_populate);
	unsigned long end = start + len;

	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma->vm_next) {
		bool write = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE;

		if (!(vma->vm_flags & VM_ACCESS_FLAGS) || (vma->vm_flags & VM_PFNMAP))
			continue;
		if (populate_vma_page_range(vma, max(start, vma->vm_start), min(end, vma->vm_end),
					    write) == -ENOMEM)
			return -ENOMEM;
	}
	return 0;
}
