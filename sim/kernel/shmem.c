// SPDX-License-Identifier: GPL-2.0
/*
 * shmem.c - tmpfs: files that live in the page cache and, under pressure,
 * on swap. Models mm/shmem.c (Linux v4.19).
 *
 * One implementation serves every flavour of shared memory: a SysV segment
 * (ipc/shm.c calls shmem_kernel_file_setup, "SYSV%08x"), a POSIX object
 * (shm_open creates a file on the /dev/shm tmpfs), a memfd ("memfd:NAME")
 * and MAP_SHARED|MAP_ANONYMOUS memory (shmem_zero_setup, "dev/zero").
 *
 * The page cache is the only home of a shmem page: a fault on a hole
 * allocates a real page (never the zero page) and adds it to the cache;
 * a shared mapping maps it writable and clean, since tmpfs wants no write
 * notification. Each inode counts the pages it owns:
 * alloced == nrpages + swapped (shmem_recalc_inode's invariant).
 *
 * Under memory pressure a dirty tmpfs page goes to swap (shmem_writepage):
 * its PTEs are cleared, and the file's slot receives the swap entry as an
 * exceptional entry, (swp_entry.val << 2) | 2. A fault (or read) on that
 * slot swaps it back in (shmem_swapin): the page returns to the file,
 * dirty, leaves the swap cache, and its slot is freed.
 *
 * Not modelled: huge pages, seals, xattrs, quotas, the block limit of the
 * mount, SHM_LOCK, swapoff.
 */
#include "fs.h"
#include "internal.h"
#include "swap.h"

#include <stdio.h>

const struct address_space_operations shmem_aops = {
	.name = "shmem_aops",
};

/* Give back the charge of @nr pages of a file charged per page. */
void shmem_unacct_blocks(struct inode *inode, long nr)
{
	if (!inode->acct_blocks || !nr)
		return;
	inode->acct_pages -= nr;
	vm_unacct_memory(inode->sim, nr);
}

/* Like add_to_page_cache_lru: the new page joins the file (and the anon LRU). */
static void shmem_add_to_page_cache(struct page *page, struct address_space *mapping,
				    pgoff_t index)
{
	TRACE_FUNC(TR(mapping->host->sim), shmem_add_to_page_cache);

	BUG_ON(add_to_page_cache_lru(page, mapping, index));
}

/*
 * shmem_swapin - the slot at @index holds swap entry @swap: bring the page
 * back (a swap-cache hit, or a read with cluster readahead, which is what
 * tmpfs always uses), put it back in the file dirty, take it out of the
 * swap cache and free the slot. *majorp is set when it took I/O.
 */
static int shmem_swapin(struct inode *inode, pgoff_t index, swp_entry_t swap,
			struct page **pagep, bool *majorp)
{
	struct sim_machine *m = inode->sim;
	TRACE_FUNC(TR(m), shmem_swapin);
	struct address_space *mapping = inode->i_mapping;
	struct radix_tree_node *node;
	void **slot;
	struct page *page = lookup_swap_cache(m, swap, true);

	if (!page) {
		sim_note(m, "the slot holds a swap entry, not in the swap cache: read it (major)");
		/* a synchronous device reads the one page; a disk, with cluster readahead */
		page = m->swap->synchronous ? swapin_one(m, swap) : swapin_readahead(m, swap, NULL, 0, true);
		if (!page)
			return -ENOMEM;
		if (majorp)
			*majorp = true;
	} else {
		sim_note(m, "the slot holds a swap entry whose page is still in the swap cache");
	}
	end_page_writeback(m, page); /* wait for a write still in flight */
	/* shmem_add_to_page_cache: the page replaces the exceptional entry */
	BUG_ON(!__radix_tree_lookup(&mapping->i_pages, index, &node, &slot));
	get_page(page);
	page->mapping = mapping;
	page->index = index;
	__radix_tree_replace(&mapping->i_pages, node, slot, page, NULL);
	mapping->nrexceptional--;
	mapping->nrpages++;
	mod_node_page_state(m, NR_FILE_PAGES, 1);
	mod_node_page_state(m, NR_SHMEM, 1);
	inode->swapped--;
	delete_from_swap_cache(m, page);
	SetPageDirty(page);
	swap_free(m, swap); /* the file's reference to the slot */
	*pagep = page;
	return 0;
}

/*
 * shmem_writepage - reclaim of a dirty tmpfs page: give it a swap slot, move
 * it from its file to the swap cache, and leave the swap entry in the file's
 * slot as an exceptional entry. Returns false when there is no free slot
 * (the page stays).
 */
bool shmem_writepage(struct page *page)
{
	struct address_space *mapping = page->mapping;
	struct inode *inode = mapping->host;
	struct sim_machine *m = inode->sim;
	TRACE_FUNC(TR(m), shmem_writepage);
	swp_entry_t swap = get_swap_page(m);
	struct radix_tree_node *node;
	void **slot;

	if (!swap.val)
		return false;
	add_to_swap_cache(m, page, swap);
	/* shmem_delete_from_page_cache: the slot keeps the swap entry */
	BUG_ON(!__radix_tree_lookup(&mapping->i_pages, page->index, &node, &slot));
	radix_tree_clear_tags(&mapping->i_pages, node, slot);
	__radix_tree_replace(&mapping->i_pages, node, slot, swp_to_radix_entry(swap), NULL);
	mapping->nrpages--;
	mapping->nrexceptional++;
	mod_node_page_state(m, NR_FILE_PAGES, -1);
	mod_node_page_state(m, NR_SHMEM, -1);
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_cache,
						  .pfn = page_to_pfn(m, page), .addr = page->index,
						  .arg = (long)inode->i_ino,
						  .text = "moved to the swap cache: the slot holds the swap entry" });
	page->mapping = NULL;
	put_page(m, page); /* the file's reference; the swap cache holds its own */
	inode->swapped++;
	swap_duplicate(m, swap); /* swap_shmem_alloc: the file refers to the slot */
	return true;
}

/*
 * shmem_getpage - the page at @index of a tmpfs file, with a reference
 * (shmem_getpage_gfp). A hole gets a new zeroed page added to the cache,
 * except with SGP_READ, which returns NULL: the hole reads as zeroes.
 * Returns -EINVAL past the end of the file (a fault raises SIGBUS), or
 * -ENOMEM when RAM is exhausted.
 */
int shmem_getpage(struct inode *inode, pgoff_t index, struct page **pagep, enum sgp_type sgp)
{
	return shmem_getpage_gfp(inode, index, pagep, sgp, NULL);
}

int shmem_getpage_gfp(struct inode *inode, pgoff_t index, struct page **pagep,
		      enum sgp_type sgp, bool *majorp)
{
	struct sim_machine *m = inode->sim;
	TRACE_FUNC(TR(m), shmem_getpage_gfp);
	struct address_space *mapping = inode->i_mapping;
	struct page *page;

	*pagep = NULL;
	if (sgp != SGP_WRITE && index >= i_size_pages(inode))
		return -EINVAL;
	page = find_get_entry(mapping, index);
	if (page && radix_tree_exceptional_entry(page)) {
		int err = shmem_swapin(inode, index, radix_to_swp_entry(page), &page, majorp);

		if (err)
			return err;
	}
	if (page) {
		*pagep = page;
		return 0;
	}
	if (sgp == SGP_READ)
		return 0;
	sim_note(m, "a hole in the tmpfs file: allocate a page (never the zero page)");
	if (inode->acct_blocks) { /* shmem_acct_block: memfd and POSIX files charge per page */
		if (__vm_enough_memory(m, NULL, 1))
			return -ENOSPC;
		inode->acct_pages++;
	}
	page = sim_alloc_page(m);
	if (!page) {
		shmem_unacct_blocks(inode, 1);
		return -ENOMEM;
	}
	SetPageSwapBacked(page);
	SetPageUptodate(page);
	shmem_add_to_page_cache(page, mapping, index);
	inode->alloced++;
	*pagep = page;
	return 0;
}

vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	TRACE_FUNC(TR(inode->sim), shmem_fault);
	bool major = false;
	int err = shmem_getpage_gfp(inode, vmf->pgoff, &vmf->page, SGP_CACHE, &major);

	if (err == -EINVAL || err == -ENOSPC)
		return VM_FAULT_SIGBUS; /* past the end, or the page could not be charged */
	if (err)
		return VM_FAULT_OOM;
	return VM_FAULT_LOCKED | (major ? VM_FAULT_MAJOR : 0);
}

/* shmem_vm_ops (and shmem_anon_vm_ops, the same here): fault-around included. */
const struct vm_operations_struct shmem_vm_ops = {
	.name = "shmem_vm_ops",
	.fault = shmem_fault,
	.map_pages = filemap_map_pages,
};

/*
 * shmem_file_setup - an unlinked tmpfs file on the internal mount (SysV
 * segments, memfd, shared anonymous memory): it lives while referenced.
 */
struct file *shmem_file_setup(struct sim_machine *m, const char *name, u64 size)
{
	TRACE_FUNC(TR(m), shmem_file_setup);
	struct inode *inode = sim_new_inode(m, SIM_INODE_SHMEM, name, size);

	return sim_alloc_file(inode, &shmem_vm_ops);
}

/* A named tmpfs file (shm_open's O_CREAT on /dev/shm): it lives until unlinked. */
struct file *shmem_create(struct sim_machine *m, const char *path, u64 size)
{
	struct file *file = shmem_file_setup(m, path, size);

	file_inode(file)->i_nlink = 1;
	file_inode(file)->acct_blocks = true; /* tmpfs files are VM_NORESERVE: per page */
	return file;
}

/*
 * shmem_zero_setup - MAP_SHARED|MAP_ANONYMOUS: back the VMA with a fresh
 * tmpfs file of its size ("/dev/zero (deleted)" in maps); fork shares it.
 */
int shmem_zero_setup(struct vm_area_struct *vma)
{
	struct sim_machine *m = vma_sim(vma);
	TRACE_FUNC(TR(m), shmem_zero_setup);

	vma->vm_file = shmem_file_setup(m, "/dev/zero", vma->vm_end - vma->vm_start);
	vma->vm_ops = &shmem_vm_ops;
	return 0;
}

/*
 * shmem_truncate_range - free the pages (and, later, swap) of the bytes
 * [lstart, lend] (shmem_undo_range), zeroing a partial first page, and
 * give the pages back from the inode's count.
 */
void shmem_truncate_range(struct inode *inode, u64 lstart, u64 lend)
{
	TRACE_FUNC(TR(inode->sim), shmem_undo_range);
	unsigned long before = inode->i_data.nrpages;

	unsigned long before_swapped = inode->swapped;

	truncate_inode_pages_range(inode->i_mapping, lstart, lend);
	inode->alloced -= before - inode->i_data.nrpages;
	shmem_unacct_blocks(inode, (long)(before - inode->i_data.nrpages) +
				   (long)(before_swapped - inode->swapped));
}

/*
 * shmem_setattr - ftruncate. Shrinking unmaps the pages past the new end in
 * every process (private COW copies too) and frees them; growing only moves
 * the end: a partial last page keeps what was stored past the old end (tmpfs
 * never zeroes it, unlike ext4's writeback).
 */
int shmem_setattr(struct inode *inode, u64 newsize)
{
	TRACE_FUNC(TR(inode->sim), shmem_setattr);
	u64 oldsize = inode->i_size;

	inode->i_size = newsize;
	if (newsize < oldsize) {
		pgoff_t holebegin = (pgoff_t)((newsize + PAGE_SIZE - 1) >> PAGE_SHIFT);

		unmap_mapping_range(inode->i_mapping, holebegin, (pgoff_t)-1, true);
		shmem_truncate_range(inode, newsize, (u64)-1);
	}
	return 0;
}

/* fallocate(PUNCH_HOLE), which MADV_REMOVE calls: the range becomes a hole. */
int shmem_fallocate_punch_hole(struct inode *inode, u64 offset, u64 len)
{
	TRACE_FUNC(TR(inode->sim), shmem_fallocate);
	pgoff_t first = (pgoff_t)(offset >> PAGE_SHIFT);
	pgoff_t last = (pgoff_t)((offset + len) >> PAGE_SHIFT) - 1;

	if (len < PAGE_SIZE)
		return 0;
	unmap_mapping_range(inode->i_mapping, first, last, false);
	shmem_truncate_range(inode, (u64)first << PAGE_SHIFT, ((u64)(last + 1) << PAGE_SHIFT) - 1);
	return 0;
}
