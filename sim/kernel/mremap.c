// SPDX-License-Identifier: GPL-2.0
/*
 * mremap.c - growing, shrinking and moving a mapping.
 * Models mm/mremap.c (Linux v4.19).
 *
 * Shrinking unmaps the tail. Growing extends the VMA in place when the
 * addresses after it are free; otherwise, with MREMAP_MAYMOVE, a new VMA is
 * made elsewhere (placed by get_unmapped_area) and the PTEs are moved to it
 * (move_page_tables): the pages, their contents and their swap entries go
 * along, and no fault is taken.
 *
 * Not modelled: MREMAP_FIXED and MREMAP_DONTUNMAP, VM_ACCOUNT, mlock,
 * userfaultfd, hugetlb.
 */
#include "internal.h"

/* Move the PTEs of [old_addr, old_addr + len) to new_addr. */
static void move_page_tables(struct vm_area_struct *vma, unsigned long old_addr,
			     unsigned long new_addr, unsigned long len)
{
	struct mm_struct *mm = vma->vm_mm;
	TRACE_FUNC(TR(mm->sim), move_page_tables);

	for (unsigned long off = 0; off < len; off += PAGE_SIZE) {
		pte_t *old = sim_lookup_pte(mm, old_addr + off);
		pte_t pte;

		if (!old || pte_none(*old))
			continue;
		pte = *old;
		set_pte_at(mm, old_addr + off, old, __pte(0));
		set_pte_at(mm, new_addr + off, sim_pte_alloc_map(mm, new_addr + off), pte);
	}
}

/* A copy of @vma's [addr, addr+len) at @new_addr, linked, with its anon_vmas. */
static struct vm_area_struct *copy_vma(struct vm_area_struct *vma, unsigned long addr,
				       unsigned long new_addr, unsigned long new_len)
{
	struct vm_area_struct *new = vm_area_dup(vma);

	new->vm_start = new_addr;
	new->vm_end = new_addr + new_len;
	new->vm_pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	anon_vma_clone(new, vma);
	if (new->vm_ops && new->vm_ops->open)
		new->vm_ops->open(new);
	__vma_link_list(vma->vm_mm, new);
	return new;
}

static long move_vma(struct vm_area_struct *vma, unsigned long old_addr, unsigned long old_len,
		     unsigned long new_len, unsigned long new_addr)
{
	struct mm_struct *mm = vma->vm_mm;
	TRACE_FUNC(TR(mm->sim), move_vma);

	copy_vma(vma, old_addr, new_addr, new_len);
	move_page_tables(vma, old_addr, new_addr, old_len);
	mm->total_vm += new_len >> PAGE_SHIFT;
	/* The charge moved with the pages: unmapping the old range gives none back. */
	if (vma->vm_flags & VM_ACCOUNT)
		vm_acct_memory(mm->sim, (long)(old_len >> PAGE_SHIFT));
	do_munmap(mm, old_addr, old_len);
	return (long)new_addr;
}

/* The VMA to resize: [addr, addr + old_len) must lie in one VMA. */
static struct vm_area_struct *vma_to_resize(struct mm_struct *mm, unsigned long addr,
					    unsigned long old_len, long *err)
{
	TRACE_FUNC(TR(mm->sim), vma_to_resize);
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma || vma->vm_start > addr || old_len > vma->vm_end - addr) {
		*err = -EFAULT;
		return NULL;
	}
	return vma;
}

/* Can @vma grow by @delta bytes where it is? */
static bool vma_expandable(struct vm_area_struct *vma, unsigned long delta)
{
	unsigned long end = vma->vm_end + delta;

	if (end < vma->vm_end || end > TASK_SIZE)
		return false;
	return !vma->vm_next || vma->vm_next->vm_start >= end;
}

long sim_mremap(struct task_struct *t, unsigned long addr, unsigned long old_len,
		unsigned long new_len, unsigned long flags, unsigned long *result)
{
	struct mm_struct *mm = t->mm;
	TRACE_FUNC(TR(mm->sim), sys_mremap);
	struct vm_area_struct *vma;
	unsigned long new_addr;
	long err = 0;

	if ((flags & ~(unsigned long)MREMAP_MAYMOVE) || (addr & ~PAGE_MASK))
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len || new_len > TASK_SIZE)
		return -EINVAL;

	if (old_len >= new_len) {
		if (old_len > new_len)
			err = do_munmap(mm, addr + new_len, old_len - new_len);
		*result = addr;
		return err;
	}
	vma = vma_to_resize(mm, addr, old_len, &err);
	if (!vma)
		return err;
	/* Growing a private writable mapping promises the new pages. */
	if ((vma->vm_flags & VM_ACCOUNT) &&
	    __vm_enough_memory(mm->sim, mm, (long)((new_len - old_len) >> PAGE_SHIFT)))
		return -ENOMEM;
	if (old_len == vma->vm_end - addr && vma_expandable(vma, new_len - old_len)) {
		unsigned long old_start = vma->vm_start, old_end = vma->vm_end;

		vma->vm_end = addr + new_len;
		sim_trace_emit(TR(mm->sim),
			       (struct sim_event){ .type = SIM_EV_vma_adjust, .mm = mm,
						   .addr = vma->vm_start, .arg = (long)vma->vm_end,
						   .old = old_start, .new = old_end });
		mm->total_vm += (new_len - old_len) >> PAGE_SHIFT;
		*result = addr;
		return 0;
	}
	if (!(flags & MREMAP_MAYMOVE) || IS_ERR_VALUE(new_addr = get_unmapped_area(mm, new_len))) {
		if (vma->vm_flags & VM_ACCOUNT)
			vm_unacct_memory(mm->sim, (long)((new_len - old_len) >> PAGE_SHIFT));
		return -ENOMEM;
	}
	*result = (unsigned long)move_vma(vma, addr, old_len, new_len, new_addr);
	return 0;
}
