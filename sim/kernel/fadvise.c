// SPDX-License-Identifier: GPL-2.0
/*
 * fadvise.c - posix_fadvise: DONTNEED and WILLNEED on the page cache.
 * Models mm/fadvise.c (Linux v4.19).
 *
 * DONTNEED starts writeback of the range's dirty pages, then drops every
 * clean page nobody maps (no shadow entries are left, so a later refault is
 * not counted as one). WILLNEED reads the range in. tmpfs ignores both.
 *
 * Simplified: the writeback DONTNEED starts completes at once, so dirty
 * pages are dropped too; on the real kernel they may still be under
 * writeback and stay.
 */
#include "fs.h"
#include "internal.h"


int sim_fadvise(struct file *file, u64 offset, u64 len, int advice)
{
	struct inode *inode = file_inode(file);
	TRACE_FUNC(TR(inode->sim), generic_fadvise);
	pgoff_t start = (pgoff_t)(offset >> PAGE_SHIFT);
	pgoff_t end = len ? (pgoff_t)((offset + len - 1) >> PAGE_SHIFT) : (pgoff_t)-1;

	if (advice != POSIX_FADV_WILLNEED && advice != POSIX_FADV_DONTNEED)
		return -EINVAL;
	if (inode->kind == SIM_INODE_SHMEM)
		return 0; /* tmpfs has no backing device: the advice is ignored */
	if (advice == POSIX_FADV_WILLNEED) {
		pgoff_t last = min(end, i_size_pages(inode) ? i_size_pages(inode) - 1 : 0);

		if (start < i_size_pages(inode))
			page_cache_ra(file->f_mapping, file, start, last - start + 1);
		return 0;
	}
	filemap_write_and_wait_range(file->f_mapping, start, end);
	invalidate_mapping_pages(file->f_mapping, start, end);
	return 0;
}
