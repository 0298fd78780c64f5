// SPDX-License-Identifier: GPL-2.0
/*
 * madvise.c - advice about a range of memory.
 * Models mm/madvise.c (Linux v4.19; MADV_POPULATE_* from v5.14).
 *
 * MADV_DONTNEED zaps the PTEs: private anonymous pages are freed and read
 * back as zeroes (the zero page on a read, a fresh page on a write).
 * MADV_POPULATE_READ/WRITE fault the range in as a read or a write would.
 * A range with unmapped holes is processed where mapped, then fails ENOMEM.
 *
 * Not modelled yet (the model returns -ENOSYS; the scenario runner refuses
 * them before running): MADV_FREE, MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED
 * (they need reclaim and swap), MADV_REMOVE (shmem).
 */
#include "internal.h"

static bool madvise_behavior_valid(int behavior)
{
	switch (behavior) {
	case MADV_DONTNEED:
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		return true;
	default:
		return false;
	}
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

static long madvise_populate(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			     bool write)
{
	if (!(vma->vm_flags & (write ? VM_WRITE : (VM_READ | VM_WRITE | VM_EXEC))))
		return -EFAULT; /* the fault would raise SIGSEGV */
	return populate_vma_page_range(vma, start, end, write) < 0 ? -EFAULT : 0;
}

static long madvise_vma(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			int behavior)
{
	switch (behavior) {
	case MADV_DONTNEED:
		return madvise_dontneed_single_vma(vma, start, end);
	case MADV_POPULATE_READ:
		return madvise_populate(vma, start, end, false);
	default:
		return madvise_populate(vma, start, end, true);
	}
}

int sim_madvise(struct task_struct *t, unsigned long start, unsigned long len_in, int behavior)
{
	struct mm_struct *mm = t->mm;
	TRACE_FUNC(TR(mm->sim), sys_madvise);
	struct vm_area_struct *vma;
	unsigned long end, len;
	int unmapped_error = 0;

	if (!madvise_behavior_valid(behavior))
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
		error = madvise_vma(vma, start, tmp, behavior);
		if (error)
			return (int)error;
		start = tmp;
		if (start >= end)
			return unmapped_error;
		vma = vma->vm_next;
	}
}
