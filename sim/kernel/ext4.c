// SPDX-License-Identifier: GPL-2.0
/*
 * ext4.c - a regular file on a simulated disk: what the page cache asks of
 * a disk file system. Models the address_space and vm operations of
 * fs/ext4/inode.c and fs/ext4/file.c (Linux v4.19).
 *
 * The disk holds the file's defined content (the word at offset o holds o,
 * up to the end of the file) plus every page written back since. Reading a
 * page fills it from there; writing a page back copies it there. ext4
 * zeroes the part of the last page that lies past the end of the file when
 * it writes it back, so a store beyond EOF through a mapping is lost
 * (real-kernel-6.18.md section 8).
 *
 * Not modelled: blocks, extents, the journal, delayed allocation, large
 * folios, I/O time (reads and writes complete at once).
 */
#include "fs.h"
#include "internal.h"

#include <stdio.h>

/* How many bytes of page @index lie below @size. */
static unsigned bytes_below(u64 size, pgoff_t index)
{
	u64 start = (u64)index << PAGE_SHIFT;

	if (start >= size)
		return 0;
	return (unsigned)min((u64)PAGE_SIZE, size - start);
}

static int ext4_readpage(struct file *file, struct page *page)
{
	struct inode *inode = page->mapping->host;
	TRACE_FUNC(TR(inode->sim), ext4_readpage);
	const struct sim_page_data *disk = radix_tree_lookup(&inode->disk, page->index);

	if (disk)
		sim_page_data_load(page, disk);
	else
		sim_page_set_pattern(page, (u64)page->index << PAGE_SHIFT,
				     bytes_below(inode->pattern_size, page->index));
	/* Past the end of the file a page reads as zeroes (block_read_full_page). */
	if (bytes_below(inode->i_size, page->index) < PAGE_SIZE)
		sim_page_zero_from(page, bytes_below(inode->i_size, page->index));
	return 0;
}

static int ext4_writepage(struct page *page)
{
	struct inode *inode = page->mapping->host;
	TRACE_FUNC(TR(inode->sim), ext4_writepage);
	unsigned valid = bytes_below(inode->i_size, page->index);
	void **slot;

	if (valid < PAGE_SIZE)
		sim_page_zero_from(page, valid);
	slot = radix_tree_lookup_slot(&inode->disk, page->index);
	if (slot) {
		sim_page_data_free(*slot);
		radix_tree_replace_slot(&inode->disk, slot, sim_page_data_save(page));
	} else {
		radix_tree_insert(&inode->disk, page->index, sim_page_data_save(page));
	}
	return 0;
}

/*
 * ext4_page_mkwrite - a store through a read-only PTE of a shared mapping
 * (write-notify): the block is reserved (not modelled) and the page dirtied.
 */
static vm_fault_t ext4_page_mkwrite(struct vm_fault *vmf)
{
	return filemap_page_mkwrite(vmf);
}

const struct address_space_operations ext4_aops = {
	.name = "ext4_aops",
	.readpage = ext4_readpage,
	.writepage = ext4_writepage,
};

const struct vm_operations_struct ext4_file_vm_ops = {
	.name = "ext4_file_vm_ops",
	.fault = filemap_fault,
	.map_pages = filemap_map_pages,
	.page_mkwrite = ext4_page_mkwrite,
};

/*
 * sim_file_create - a regular file of @size bytes with the defined content;
 * with @cached, every page of it is in the page cache (clean), as after
 * writing the file and syncing it. Returns an open file.
 */
int sim_file_create(struct sim_machine *m, const char *name, u64 size, bool cached,
		    struct file **filep)
{
	char path[80];
	struct inode *inode;
	struct file *file;

	snprintf(path, sizeof(path), "/tmp/mmsim/%s", name);
	inode = sim_new_inode(m, SIM_INODE_EXT4, path, size);
	inode->i_nlink = 1;
	inode->pattern_size = size;
	file = sim_alloc_file(inode, &ext4_file_vm_ops);
	if (cached && page_cache_fill(inode->i_mapping, file, 0, i_size_pages(inode), false) <
			      i_size_pages(inode)) {
		fput(file);
		return -ENOMEM;
	}
	*filep = file;
	return 0;
}

/*
 * ext4_setattr - ftruncate of a regular file: shrinking unmaps and drops the
 * pages past the new end (COW copies too) and the disk's copy of them, and
 * the defined content ends there for good; growing adds zeroes.
 */
int ext4_setattr(struct inode *inode, u64 newsize)
{
	u64 oldsize = inode->i_size;

	inode->i_size = newsize;
	inode->pattern_size = min(inode->pattern_size, newsize);
	if (newsize < oldsize) {
		pgoff_t holebegin = (pgoff_t)((newsize + PAGE_SIZE - 1) >> PAGE_SHIFT);
		struct radix_tree_iter iter;
		void **slot;

		unmap_mapping_range(inode->i_mapping, holebegin, (pgoff_t)-1, true);
		truncate_inode_pages_range(inode->i_mapping, newsize, (u64)-1);
		radix_tree_for_each_slot(slot, &inode->disk, &iter, newsize >> PAGE_SHIFT) {
			if (iter.index < holebegin)
				continue; /* the partial page: its tail reads as zero on the next read */
			sim_page_data_free(*slot);
			radix_tree_delete(&inode->disk, iter.index);
			slot = radix_tree_iter_resume(slot, &iter);
		}
	}
	return 0;
}

/*
 * ext4_punch_hole - fallocate(PUNCH_HOLE), which MADV_REMOVE calls: the
 * whole pages of the range are unmapped (not COW copies), dropped from the
 * cache, and their blocks freed, so they read as zeroes.
 */
int ext4_punch_hole(struct inode *inode, u64 offset, u64 len)
{
	pgoff_t first = (pgoff_t)((offset + PAGE_SIZE - 1) >> PAGE_SHIFT);
	pgoff_t end = (pgoff_t)((offset + len) >> PAGE_SHIFT); /* first page after */

	if (first >= end)
		return 0;
	unmap_mapping_range(inode->i_mapping, first, end - 1, false);
	truncate_inode_pages_range(inode->i_mapping, (u64)first << PAGE_SHIFT,
				   ((u64)end << PAGE_SHIFT) - 1);
	for (pgoff_t index = first; index < end && index < i_size_pages(inode); index++) {
		void **slot = radix_tree_lookup_slot(&inode->disk, index);
		struct sim_page_data *zeroes = sim_page_data_zeroes();

		if (slot) {
			sim_page_data_free(*slot);
			radix_tree_replace_slot(&inode->disk, slot, zeroes);
		} else {
			radix_tree_insert(&inode->disk, index, zeroes);
		}
	}
	return 0;
}
