// SPDX-License-Identifier: GPL-2.0
/*
 * msync.c - msync(2): write a shared file mapping back.
 * Models mm/msync.c (Linux v4.19).
 *
 * MS_SYNC writes back the dirty pages of each shared file mapping in the
 * range and write-protects their PTEs (so the next store faults again);
 * MS_ASYNC does nothing but check the range; tmpfs has nothing to write.
 * An unmapped hole in the range gives ENOMEM after the mapped parts are
 * done; MS_INVALIDATE on a locked mapping would give EBUSY (mlock is not
 * modelled).
 */
#include "fs.h"
#include "internal.h"


int sim_msync(struct task_struct *t, unsigned long start, unsigned long len, int flags)
{
	struct mm_struct *mm = t->mm;
	TRACE_FUNC(TR(mm->sim), sys_msync);
	struct vm_area_struct *vma;
	unsigned long end;
	int unmapped_error = 0;

	if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || (start & ~PAGE_MASK) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;
	for (vma = find_vma(mm, start); start < end; vma = vma->vm_next) {
		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				return unmapped_error;
		}
		if ((flags & MS_SYNC) && vma->vm_file && (vma->vm_flags & VM_SHARED)) {
			u64 fstart = ((u64)(start - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
			u64 fend = fstart + ((min(end, vma->vm_end) - start) >> PAGE_SHIFT) - 1;

			vfs_fsync_range(vma->vm_file, fstart << PAGE_SHIFT,
					(fend << PAGE_SHIFT) + PAGE_SIZE - 1);
		}
		start = vma->vm_end;
	}
	return unmapped_error;
}
