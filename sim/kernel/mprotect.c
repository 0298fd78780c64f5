// SPDX-License-Identifier: GPL-2.0
/*
 * mprotect.c - changing the protection of a range.
 * Models mm/mprotect.c (Linux v4.19), with the v6.x rule for making PTEs
 * writable at once under kernel=6.18.
 *
 * The range's VMAs are split at its edges or merged with their neighbours
 * (mprotect_fixup), then every present PTE gets the new protection
 * (change_protection). Removing write write-protects the PTEs; PROT_NONE
 * turns them into PROTNONE entries (not present to the CPU, still present
 * to pagemap). Adding write back: under kernel=4.19 the PTEs stay read-only
 * and the next store takes a (reuse) fault; under kernel=6.18 a PTE of an
 * exclusive anonymous page is made writable at once (can_change_pte_writable,
 * v6.0+), so the store takes no fault.
 *
 * Not modelled: VM_ACCOUNT charging of newly writable private mappings
 * (arrives with overcommit), protection keys, NUMA hinting, soft-dirty and
 * userfaultfd write-protect.
 */
#include "internal.h"

/* v6.x can_change_pte_writable(), for a VMA that has VM_WRITE. */
static bool can_change_pte_writable(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	struct page *page;

	if (pte_protnone(pte))
		return false;
	if (!(vma->vm_flags & VM_SHARED)) {
		page = vm_normal_page(vma, addr, pte);
		return page && PageAnon(page) && PageAnonExclusive(page);
	}
	return pte_dirty(pte);
}

static void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	TRACE_FUNC(TR(mm->sim), change_protection);
	bool try_writable = mm->sim->cfg.kernel == SIM_KERNEL_6_18 && (vma->vm_flags & VM_WRITE);

	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = sim_lookup_pte(mm, addr);
		pte_t ptent;

		if (!ptep) {
			addr = (addr | (PMD_SIZE - 1)) - PAGE_SIZE + 1;
			continue;
		}
		if (!pte_present(*ptep))
			continue;
		ptent = pte_modify(*ptep, vma->vm_page_prot);
		if (try_writable && !pte_write(ptent) && can_change_pte_writable(vma, addr, ptent))
			ptent = pte_mkwrite(ptent);
		if (ptent.pte != ptep->pte)
			set_pte_at(mm, addr, ptep, ptent);
	}
}

/*
 * mprotect_fixup - give [start, end) of @vma the flags @newflags: merge with
 * a neighbour if that makes one VMA, else split off the range.
 */
static int mprotect_fixup(struct vm_area_struct *vma, struct vm_area_struct **pprev,
			  unsigned long start, unsigned long end, unsigned long newflags)
{
	struct mm_struct *mm = vma->vm_mm;
	TRACE_FUNC(TR(mm->sim), mprotect_fixup);
	pgoff_t pgoff;

	if (newflags == vma->vm_flags) {
		*pprev = vma;
		return 0;
	}
	/* Making a private mapping writable promises its pages (VM_ACCOUNT). */
	if ((newflags & VM_WRITE) &&
	    !(vma->vm_flags & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE))) {
		if (__vm_enough_memory(mm->sim, mm, (long)((end - start) >> PAGE_SHIFT)))
			return -ENOMEM;
		newflags |= VM_ACCOUNT;
	}
	pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);
	*pprev = vma_merge(mm, *pprev, start, end, newflags, vma->anon_vma, vma->vm_file, pgoff);
	if (*pprev) {
		vma = *pprev;
		goto success;
	}
	*pprev = vma;
	if (start != vma->vm_start)
		__split_vma(mm, vma, start, 1);
	if (end != vma->vm_end)
		__split_vma(mm, vma, end, 0);
success:
	vma->vm_flags = newflags;
	vma_set_page_prot(vma);
	change_protection(vma, start, end);
	return 0;
}

int sim_mprotect(struct task_struct *t, unsigned long start, unsigned long len, unsigned long prot)
{
	struct mm_struct *mm = t->mm;
	TRACE_FUNC(TR(mm->sim), do_mprotect_pkey);
	struct vm_area_struct *vma, *prev;
	unsigned long nstart, end, tmp, reqflags;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	reqflags = ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
		   ((prot & PROT_EXEC) ? VM_EXEC : 0);

	vma = find_vma(mm, start);
	if (!vma || vma->vm_start > start)
		return -ENOMEM;
	prev = start > vma->vm_start ? vma : vma->vm_prev;

	for (nstart = start;;) {
		unsigned long newflags = reqflags | (vma->vm_flags & ~VM_ACCESS_FLAGS);
		int error;

		/* Each VM_xxx needs its VM_MAYxxx (the flags sit 4 bits apart). */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS)
			return -EACCES;
		tmp = min(vma->vm_end, end);
		error = mprotect_fixup(vma, &prev, nstart, tmp, newflags);
		if (error)
			return error;
		nstart = tmp;
		if (nstart < prev->vm_end)
			nstart = prev->vm_end;
		if (nstart >= end)
			return 0;
		vma = prev->vm_next;
		if (!vma || vma->vm_start != nstart)
			return -ENOMEM;
	}
}
