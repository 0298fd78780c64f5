// SPDX-License-Identifier: GPL-2.0
/*
 * filemap.c - the page cache: finding, adding and removing pages, the file
 * fault (with read-around on a miss), fault-around, dirtying and writeback.
 * Models mm/filemap.c, with the readahead of mm/readahead.c and the dirty
 * accounting of mm/page-writeback.c (Linux v4.19).
 *
 * A read fault on a file first maps every cached, up-to-date page of a
 * 16-page window around the address (filemap_map_pages: fault-around); if
 * the faulting page was among them the fault is done, else filemap_fault
 * looks it up. A miss is a major fault: the read-around window is read from
 * the disk, and the fault is retried, which then maps the window.
 *
 * Not modelled: large folios (ext4 builds them when read() fills the cache;
 * the model's cache holds single pages, as a write()- or mmap-filled cache
 * does), asynchronous readahead marks, the page lock (pages are never
 * locked), writeback congestion (writeback completes at once).
 */
#include "fs.h"
#include "internal.h"

/* The page at @offset (with a reference), or the exceptional entry there, or NULL. */
struct page *find_get_entry(struct address_space *mapping, pgoff_t offset)
{
	struct page *page = radix_tree_lookup(&mapping->i_pages, offset);

	if (page && !radix_tree_exceptional_entry(page))
		get_page(page);
	return page;
}

/* The page at @offset with a reference, or NULL (a hole or an exceptional entry). */
struct page *find_get_page(struct address_space *mapping, pgoff_t offset)
{
	struct page *page = find_get_entry(mapping, offset);

	return page && radix_tree_exceptional_entry(page) ? NULL : page;
}

static void cache_event(struct sim_machine *m, struct page *page, struct address_space *mapping,
			pgoff_t offset, const char *what)
{
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_cache, .pfn = page_to_pfn(m, page),
						  .addr = offset, .text = what,
						  .arg = (long)mapping->host->i_ino });
}

/*
 * add_to_page_cache_lru - @page becomes the page at @offset of @mapping:
 * the cache takes a reference; the page goes on the file LRU (shmem pages,
 * being swap-backed, on the anon LRU). An exceptional entry in the slot is
 * replaced (a shadow entry of an evicted page).
 */
int add_to_page_cache_lru(struct page *page, struct address_space *mapping, pgoff_t offset)
{
	struct sim_machine *m = mapping->host->sim;
	TRACE_FUNC(TR(m), add_to_page_cache_lru);
	void **slot;
	struct radix_tree_node *node;
	int err;

	err = __radix_tree_create(&mapping->i_pages, offset, 0, &node, &slot);
	if (err)
		return err;
	if (*slot) {
		if (!radix_tree_exceptional_entry(*slot))
			return -EEXIST;
		mapping->nrexceptional--;
		if (!PageSwapBacked(page))
			workingset_refault(m, page, *slot); /* the shadow of an evicted page */
	}
	get_page(page);
	page->mapping = mapping;
	page->index = offset;
	__radix_tree_replace(&mapping->i_pages, node, slot, page, NULL);
	mapping->nrpages++;
	mod_node_page_state(m, NR_FILE_PAGES, 1);
	if (PageSwapBacked(page))
		mod_node_page_state(m, NR_SHMEM, 1);
	lru_cache_add(m, page);
	cache_event(m, page, mapping, offset, "added to the page cache");
	return 0;
}

/*
 * delete_from_page_cache - take an unmapped page out of its mapping; the
 * cache's reference is dropped (the page is freed if nothing else holds it).
 */
void delete_from_page_cache(struct page *page)
{
	struct address_space *mapping = page->mapping;
	struct sim_machine *m = mapping->host->sim;
	TRACE_FUNC(TR(m), delete_from_page_cache);
	struct radix_tree_node *node;
	void **slot;

	VM_BUG_ON_PAGE(page_mapped(page), page);
	BUG_ON(!__radix_tree_lookup(&mapping->i_pages, page->index, &node, &slot) || *slot != page);
	cache_event(m, page, mapping, page->index, "deleted from the page cache");
	radix_tree_clear_tags(&mapping->i_pages, node, slot);
	__radix_tree_replace(&mapping->i_pages, node, slot, NULL, NULL);
	mapping->nrpages--;
	mod_node_page_state(m, NR_FILE_PAGES, -1);
	if (PageSwapBacked(page))
		mod_node_page_state(m, NR_SHMEM, -1);
	if (TestClearPageDirty(page) && mapping_cap_account_dirty(mapping))
		mod_node_page_state(m, NR_FILE_DIRTY, -1);
	page->mapping = NULL;
	put_page(m, page);
}

/*
 * page_cache_ra - read the pages of [start, start + nr) that are not cached,
 * as __do_page_cache_readahead does: allocate, add to the cache, read from
 * the disk. Stops at the end of the file and when RAM runs out. Returns
 * how many pages it read.
 */
unsigned long page_cache_ra(struct address_space *mapping, struct file *file, pgoff_t start,
			    unsigned long nr)
{
	return page_cache_fill(mapping, file, start, nr, true);
}

/*
 * page_cache_fill - like page_cache_ra; with @io false the pages arrive
 * without a disk read being counted (a cache filled by write(2) and synced).
 */
unsigned long page_cache_fill(struct address_space *mapping, struct file *file, pgoff_t start,
			      unsigned long nr, bool io)
{
	struct inode *inode = mapping->host;
	struct sim_machine *m = inode->sim;
	TRACE_FUNC(TR(m), __do_page_cache_readahead);
	pgoff_t end = min(start + nr, i_size_pages(inode));
	unsigned long done = 0;

	for (pgoff_t index = start; index < end; index++) {
		void *entry = radix_tree_lookup(&mapping->i_pages, index);
		struct page *page;

		if (entry && !radix_tree_exceptional_entry(entry))
			continue;
		page = sim_alloc_page(m);
		if (!page)
			break;
		if (add_to_page_cache_lru(page, mapping, index)) {
			put_page(m, page);
			break;
		}
		mapping->a_ops->readpage(file, page);
		SetPageUptodate(page);
		put_page(m, page); /* the cache keeps its own reference */
		if (io)
			mod_node_page_state(m, PGPGIN, PAGE_SIZE >> 10);
		done++;
	}
	return done;
}

/*
 * The read-around window of an mmap fault (do_sync_mmap_readahead): the
 * read_ahead window centred on the faulting page.
 */
static void do_sync_mmap_readahead(struct vm_fault *vmf)
{
	struct file *file = vmf->vma->vm_file;
	struct sim_machine *m = vma_sim(vmf->vma);
	unsigned long ra_pages = max(1UL, m->cfg.read_ahead_bytes >> PAGE_SHIFT);
	pgoff_t start = vmf->pgoff > ra_pages / 2 ? vmf->pgoff - ra_pages / 2 : 0;

	page_cache_ra(file->f_mapping, file, start, ra_pages);
}

/*
 * filemap_fault - the page at vmf->pgoff for a fault: from the cache (a
 * minor fault), else read from the disk with read-around (a major fault,
 * retried so the retry maps the window with fault-around). Past the last
 * page of the file: SIGBUS.
 */
vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	struct file *file = vmf->vma->vm_file;
	struct address_space *mapping = file->f_mapping;
	struct sim_machine *m = vma_sim(vmf->vma);
	TRACE_FUNC(TR(m), filemap_fault);
	struct page *page;

	if (vmf->pgoff >= i_size_pages(mapping->host))
		return VM_FAULT_SIGBUS;
	page = find_get_page(mapping, vmf->pgoff);
	if (page) {
		vmf->page = page;
		return VM_FAULT_LOCKED;
	}
	if (vmf->flags & FAULT_FLAG_TRIED) {
		/* Reclaim took it again while the window was read: read it alone. */
		page_cache_ra(mapping, vmf->vma->vm_file, vmf->pgoff, 1);
		page = find_get_page(mapping, vmf->pgoff);
		if (!page)
			return VM_FAULT_OOM;
		vmf->page = page;
		return VM_FAULT_LOCKED | VM_FAULT_MAJOR;
	}
	sim_note(m, "not in the page cache: read it from the disk (a major fault), then retry");
	do_sync_mmap_readahead(vmf);
	return VM_FAULT_MAJOR | VM_FAULT_RETRY;
}

/*
 * filemap_map_pages - fault-around: map every cached, up-to-date page of
 * [start_pgoff, end_pgoff] whose PTE is empty, without faulting. Stops at
 * the end of the file. The caller computed the window (do_fault_around),
 * which never leaves one page table: the tree is walked once, slot after
 * slot, and the window's PTEs are found once.
 */
void filemap_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff)
{
	struct vm_area_struct *vma = vmf->vma;
	struct address_space *mapping = vma->vm_file->f_mapping;
	TRACE_FUNC(TR(vma_sim(vma)), filemap_map_pages);
	pgoff_t max_idx = i_size_pages(mapping->host);
	struct radix_tree_iter iter;
	pte_t *ptes = NULL; /* the PTE of start_pgoff, once a page is to be mapped */
	void **slot;

	radix_tree_for_each_slot(slot, &mapping->i_pages, &iter, start_pgoff) {
		struct page *page = radix_tree_deref_slot(slot);
		unsigned long addr = vma->vm_start + ((iter.index - vma->vm_pgoff) << PAGE_SHIFT);
		pte_t *pte;

		if (iter.index > end_pgoff || iter.index >= max_idx)
			break;
		if (!page || radix_tree_exceptional_entry(page) || !PageUptodate(page) ||
		    PageLocked(page) || PageReclaim(page))
			continue;
		if (!ptes)
			ptes = sim_pte_alloc_map(vma->vm_mm, addr) - (iter.index - start_pgoff);
		pte = ptes + (iter.index - start_pgoff);
		if (!pte_none(*pte))
			continue;
		get_page(page);
		alloc_set_pte(vmf, page, addr, pte, false);
	}
}

/* Does writing to this mapping's pages need accounting (nr_dirty)? tmpfs: no. */
bool mapping_cap_account_dirty(const struct address_space *mapping)
{
	return mapping->host->kind == SIM_INODE_EXT4;
}

/*
 * set_page_dirty - mark a page-cache page dirty: the radix tree's dirty tag,
 * and for a file that writes back, nr_dirty and nr_dirtied
 * (account_page_dirtied). tmpfs only sets PG_dirty. Returns true if the
 * page was clean.
 */
bool set_page_dirty(struct page *page)
{
	struct address_space *mapping = page->mapping;
	struct sim_machine *m;

	if (PageDirty(page))
		return false;
	SetPageDirty(page);
	if (!mapping || PageAnon(page))
		return true;
	m = mapping->host->sim;
	if (mapping_cap_account_dirty(mapping)) {
		mod_node_page_state(m, NR_FILE_DIRTY, 1);
		mod_node_page_state(m, NR_DIRTIED, 1);
		radix_tree_tag_set(&mapping->i_pages, page->index, PAGECACHE_TAG_DIRTY);
	}
	return true;
}

/* ext4's page_mkwrite: the page may be written through this PTE now. */
vm_fault_t filemap_page_mkwrite(struct vm_fault *vmf)
{
	TRACE_FUNC(TR(vma_sim(vmf->vma)), filemap_page_mkwrite);

	set_page_dirty(vmf->page);
	return VM_FAULT_LOCKED;
}

/* Write-protect and clean one PTE mapping @page (page_mkclean_one). */
static bool page_mkclean_one(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			     void *arg)
{
	pte_t *ptep = sim_lookup_pte(vma->vm_mm, addr);
	int *cleaned = arg;

	if (!(vma->vm_flags & VM_SHARED) || (!pte_write(*ptep) && !pte_dirty(*ptep)))
		return true;
	set_pte_at(vma->vm_mm, addr, ptep, pte_mkclean(pte_wrprotect(*ptep)));
	(*cleaned)++;
	return true;
}

/*
 * clear_page_dirty_for_io - before writing a page back: write-protect every
 * shared PTE that maps it (so the next store faults and dirties it again:
 * write-notify) and clear PG_dirty.
 */
static bool clear_page_dirty_for_io(struct page *page)
{
	struct address_space *mapping = page->mapping;
	struct sim_machine *m = mapping->host->sim;
	int cleaned = 0;

	if (page_mapped(page))
		rmap_walk(m, page, page_mkclean_one, &cleaned);
	if (!TestClearPageDirty(page))
		return false;
	radix_tree_tag_clear(&mapping->i_pages, page->index, PAGECACHE_TAG_DIRTY);
	mod_node_page_state(m, NR_FILE_DIRTY, -1);
	return true;
}

/*
 * filemap_write_and_wait_range - write back the dirty pages of [start, end]
 * and wait: fsync, msync(MS_SYNC). Writeback here completes at once.
 * Returns how many pages were written.
 */
int filemap_write_and_wait_range(struct address_space *mapping, pgoff_t start, pgoff_t end)
{
	struct sim_machine *m = mapping->host->sim;
	TRACE_FUNC(TR(m), filemap_write_and_wait_range);
	struct radix_tree_iter iter;
	void **slot;

	if (!mapping_cap_account_dirty(mapping))
		return 0; /* tmpfs: nothing to write back */
	int written = 0;

	radix_tree_for_each_tagged(slot, &mapping->i_pages, &iter, start, PAGECACHE_TAG_DIRTY) {
		struct page *page = *slot;

		if (iter.index > end)
			break;
		if (!clear_page_dirty_for_io(page))
			continue;
		mapping->a_ops->writepage(page);
		mod_node_page_state(m, NR_WRITTEN, 1);
		mod_node_page_state(m, PGPGOUT, PAGE_SIZE >> 10);
		written++;
		slot = radix_tree_iter_resume(slot, &iter);
	}
	return written;
}

/*
 * generic_perform_write - write(2) of one 8-byte word at @pos: into the page
 * cache, dirtying the page; the file grows if the word ends past its end.
 * ext4 reads a page it does not have before a partial write to it
 * (write_begin); tmpfs allocates a hole.
 */
int sim_pwrite(struct file *file, u64 pos, u64 value)
{
	struct inode *inode = file_inode(file);
	struct sim_machine *m = inode->sim;
	TRACE_FUNC(TR(m), generic_perform_write);
	pgoff_t index = (pgoff_t)(pos >> PAGE_SHIFT);
	struct page *page;
	int err = 0;

	if (inode->kind == SIM_INODE_SHMEM) {
		err = shmem_getpage(inode, index, &page, SGP_WRITE);
	} else {
		page = find_get_page(file->f_mapping, index);
		if (!page && index < i_size_pages(inode)) {
			page_cache_ra(file->f_mapping, file, index, 1);
			page = find_get_page(file->f_mapping, index);
		} else if (!page) {
			page = sim_alloc_page(m);
			if (!page)
				return -ENOMEM;
			add_to_page_cache_lru(page, file->f_mapping, index); /* past the end: zeroes */
			SetPageUptodate(page);
		}
		if (!page)
			return -ENOMEM;
	}
	if (err)
		return err;
	sim_page_write_word(page, (unsigned)(pos & ~PAGE_MASK), value);
	set_page_dirty(page);
	if (pos + 8 > inode->i_size)
		inode->i_size = pos + 8;
	put_page(m, page);
	return 0;
}

/*
 * generic_file_read_iter - read(2) of one 8-byte word at @pos, through the
 * page cache. A miss on ext4 reads ahead (the initial window of a read: 4
 * pages); a tmpfs hole reads as zeroes without allocating. At or past the
 * end of the file nothing is read: *value is 0 and *eof true.
 */
int sim_pread(struct file *file, u64 pos, u64 *value, bool *eof)
{
	struct inode *inode = file_inode(file);
	struct sim_machine *m = inode->sim;
	TRACE_FUNC(TR(m), generic_file_read_iter);
	pgoff_t index = (pgoff_t)(pos >> PAGE_SHIFT);
	struct page *page = NULL;

	*value = 0;
	*eof = pos >= inode->i_size;
	if (*eof)
		return 0;
	if (inode->kind == SIM_INODE_SHMEM) {
		if (shmem_getpage(inode, index, &page, SGP_READ))
			return -ENOMEM;
	} else {
		page = find_get_page(file->f_mapping, index);
		if (!page) {
			page_cache_ra(file->f_mapping, file, index, 4);
			page = find_get_page(file->f_mapping, index);
			if (!page)
				return -ENOMEM;
		}
	}
	if (page) {
		*value = sim_page_read_word(page, (unsigned)(pos & ~PAGE_MASK));
		put_page(m, page);
	}
	return 0;
}

/*
 * fsync(2), and msync(MS_SYNC) of a range: write the dirty pages back. An
 * ext4 sync that wrote data also commits the journal: one more 4 KiB block
 * in pgpgout (measured: msync of 3 pages +16 KiB, fsync of 1 page +8 KiB).
 */
int vfs_fsync_range(struct file *file, u64 start, u64 end)
{
	struct sim_machine *m = file_inode(file)->sim;
	TRACE_FUNC(TR(m), vfs_fsync_range);
	int written = filemap_write_and_wait_range(file->f_mapping, (pgoff_t)(start >> PAGE_SHIFT),
						   (pgoff_t)(end >> PAGE_SHIFT));

	if (written > 0)
		mod_node_page_state(m, PGPGOUT, PAGE_SIZE >> 10);
	return 0;
}
