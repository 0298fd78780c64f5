// SPDX-License-Identifier: GPL-2.0
/*
 * sim_check.c - the model's invariants, checked from outside.
 *
 * No kernel counterpart (the kernel has VM_BUG_ON sprinkled where it can
 * afford it). After any statement these must hold:
 *  - the VMA list of every mm is sorted, non-overlapping and counted;
 *  - every non-empty PTE lies inside a VMA, and an anon page's index and
 *    anon_vma agree with the VMA that maps it;
 *  - each frame's mapcount equals the PTEs that map it, and its refcount is
 *    at least that (for anon pages: exactly that);
 *  - each mm's RSS counters equal what its PTEs map;
 *  - the free list holds exactly the free frames; counters agree with the
 *    frames (nr_free_pages, nr_anon_pages, nr_mapped, the LRU sizes);
 *  - a page-cache page is referenced once by its cache and once per PTE, a
 *    swap-cache page once by the swap cache and once per PTE; every frame in
 *    use is mapped or in a cache;
 *  - each swap slot's count equals the swap PTEs plus the tmpfs slots that
 *    hold its entry, and SWAP_HAS_CACHE is set exactly when its page is in
 *    the swap cache;
 *    nr_file_pages and nr_shmem agree with the inodes' page caches, and a
 *    tmpfs inode owns what it allocated (alloced == nrpages + swapped).
 */
#include "sim_check.h"

#include "fs.h"
#include "internal.h"
#include "swap.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct checker {
	struct sim_machine *m;
	int *mapcount; /* per pfn, counted from the PTEs */
	int *swapcount; /* per swap slot, counted from swap PTEs and tmpfs slots */
	char *why;
	size_t len;
	bool ok;
};

static bool fail(struct checker *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->ok)
		return false;
	c->ok = false;
	va_start(ap, fmt);
	vsnprintf(c->why, c->len, fmt, ap);
	va_end(ap);
	return false;
}

static bool anon_vma_on_chain(const struct vm_area_struct *vma, const struct anon_vma *av)
{
	const struct anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		if (avc->anon_vma == av)
			return true;
	return false;
}

static void check_pte(struct checker *c, struct mm_struct *mm, struct vm_area_struct *vma,
		      unsigned long addr, pte_t pte, long *rss)
{
	struct page *page;
	unsigned long pfn;

	if (!pte_present(pte)) {
		swp_entry_t entry;

		rss[MM_SWAPENTS]++;
		if (!c->m->swap) {
			fail(c, "pid %d: swap PTE at %#lx without a swap device", mm->owner->pid, addr);
			return;
		}
		entry = (swp_entry_t){ swp_entry(__swp_pte_type(pte), __swp_pte_offset(pte)).val };
		if (swp_offset(entry) >= c->m->swap->max)
			fail(c, "pid %d: swap PTE at %#lx beyond the device", mm->owner->pid, addr);
		else
			c->swapcount[swp_offset(entry)]++;
		return;
	}
	pfn = pte_pfn(pte);
	if (pfn >= c->m->nr_frames) {
		fail(c, "pid %d: PTE at %#lx maps pfn %#lx beyond RAM", mm->owner->pid, addr, pfn);
		return;
	}
	page = vm_normal_page(vma, addr, pte);
	if (!page) {
		if (pte_write(pte))
			fail(c, "pid %d: zero page mapped writable at %#lx", mm->owner->pid, addr);
		return;
	}
	if (PageBuddy(page))
		fail(c, "pid %d: PTE at %#lx maps free pfn %#lx", mm->owner->pid, addr, pfn);
	c->mapcount[pfn]++;
	rss[PageAnon(page) ? MM_ANONPAGES : PageSwapBacked(page) ? MM_SHMEMPAGES : MM_FILEPAGES]++;
	if (PageAnon(page)) {
		if (page->index != linear_page_index(vma, addr))
			fail(c, "pid %d: anon pfn %#lx at %#lx has index %#lx, VMA says %#lx",
			     mm->owner->pid, pfn, addr, page->index, linear_page_index(vma, addr));
		if (!anon_vma_on_chain(vma, page_anon_vma(page)))
			fail(c, "pid %d: anon pfn %#lx at %#lx: its anon_vma is not on the VMA's chain",
			     mm->owner->pid, pfn, addr);
	}
}

static void check_vmas(struct checker *c, struct mm_struct *mm)
{
	int n = 0;
	struct vm_area_struct *prev = NULL;

	for (struct vm_area_struct *vma = mm->mmap; vma; prev = vma, vma = vma->vm_next, n++) {
		if (vma->vm_start >= vma->vm_end || (vma->vm_start | vma->vm_end) & ~PAGE_MASK)
			fail(c, "pid %d: bad VMA %#lx-%#lx", mm->owner->pid, vma->vm_start,
			     vma->vm_end);
		if (vma->vm_prev != prev || (prev && prev->vm_end > vma->vm_start))
			fail(c, "pid %d: VMA list broken at %#lx", mm->owner->pid, vma->vm_start);
		if (vma->vm_mm != mm)
			fail(c, "pid %d: VMA %#lx belongs to another mm", mm->owner->pid,
			     vma->vm_start);
	}
	if (n != mm->map_count)
		fail(c, "pid %d: map_count %d but %d VMAs", mm->owner->pid, mm->map_count, n);
}

static void check_mm(struct checker *c, struct mm_struct *mm)
{
	long rss[NR_MM_COUNTERS] = { 0 };

	check_vmas(c, mm);
	for (unsigned long a = 0; a < TASK_SIZE; a += PGDIR_SIZE) {
		pgd_t *pgd = pgd_offset_pgd(mm->pgd, a);

		if (pgd_none(*pgd))
			continue;
		for (unsigned long b = a; b < a + PGDIR_SIZE; b += PUD_SIZE) {
			pud_t *pud = pud_offset(pgd, b);

			if (pud_none(*pud))
				continue;
			for (unsigned long cc = b; cc < b + PUD_SIZE; cc += PMD_SIZE) {
				pmd_t *pmd = pmd_offset(pud, cc);

				if (pmd_none(*pmd))
					continue;
				for (unsigned long addr = cc; addr < cc + PMD_SIZE; addr += PAGE_SIZE) {
					pte_t pte = *pte_offset_map(pmd, addr);
					struct vm_area_struct *vma;

					if (pte_none(pte))
						continue;
					vma = find_vma(mm, addr);
					if (!vma || vma->vm_start > addr) {
						fail(c, "pid %d: PTE at %#lx outside any VMA",
						     mm->owner->pid, addr);
						continue;
					}
					check_pte(c, mm, vma, addr, pte, rss);
				}
			}
		}
	}
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		if (rss[i] != mm->rss_stat[i])
			fail(c, "pid %d: rss counter %d is %ld but the PTEs map %ld", mm->owner->pid,
			     i, mm->rss_stat[i], rss[i]);
}

static void check_frames(struct checker *c)
{
	struct sim_machine *m = c->m;
	unsigned long nr_free = 0, nr_anon = 0, nr_file_mapped = 0, on_lru[NR_LRU_LISTS] = { 0 };
	struct page *page;

	list_for_each_entry(page, &m->free_list, lru) {
		nr_free++;
		if (!PageBuddy(page) || page->_refcount || page_mapped(page))
			fail(c, "pfn %#lx on the free list but in use", page_to_pfn(m, page));
	}
	for (int l = 0; l < NR_LRU_LISTS; l++)
		list_for_each_entry(page, &m->lru[l], lru) {
			on_lru[l]++;
			if (!PageLRU(page) || page_lru(page) != (enum lru_list)l)
				fail(c, "pfn %#lx on LRU list %d with flags %#lx", page_to_pfn(m, page),
				     l, page->flags);
		}
	for (unsigned long pfn = 1; pfn < m->nr_frames; pfn++) {
		page = &m->mem_map[pfn];
		if (PageBuddy(page))
			continue;
		if (page_mapcount(page) != c->mapcount[pfn])
			fail(c, "pfn %#lx: mapcount %d but %d PTEs map it", pfn, page_mapcount(page),
			     c->mapcount[pfn]);
		if (page->_refcount < c->mapcount[pfn] || page->_refcount <= 0)
			fail(c, "pfn %#lx: refcount %d with %d mappings", pfn, page->_refcount,
			     c->mapcount[pfn]);
		if ((PageAnon(page) || PageSwapCache(page)) &&
		    page->_refcount != c->mapcount[pfn] + (PageSwapCache(page) ? 1 : 0))
			fail(c, "anon/swap-cache pfn %#lx: refcount %d with %d mappings", pfn,
			     page->_refcount, c->mapcount[pfn]);
		if (!c->mapcount[pfn] && !PageSwapCache(page) && !page->mapping)
			fail(c, "pfn %#lx is in use but mapped by nothing and in no cache (leaked)",
			     pfn);
		if (PageAnon(page) && page_mapped(page))
			nr_anon++;
		if (!PageAnon(page) && page->mapping) {
			if (page->_refcount != c->mapcount[pfn] + 1)
				fail(c, "page-cache pfn %#lx: refcount %d with %d mappings", pfn,
				     page->_refcount, c->mapcount[pfn]);
			if (page_mapped(page))
				nr_file_mapped++;
		}
	}
	if ((long)nr_file_mapped != m->vm_stat[NR_FILE_MAPPED])
		fail(c, "%lu mapped page-cache pages but nr_mapped is %ld", nr_file_mapped,
		     m->vm_stat[NR_FILE_MAPPED]);
	if (nr_free != m->nr_free || (long)nr_free != m->vm_stat[NR_FREE_PAGES])
		fail(c, "free list has %lu frames, nr_free %lu, nr_free_pages %ld", nr_free,
		     m->nr_free, m->vm_stat[NR_FREE_PAGES]);
	if ((long)nr_anon != m->vm_stat[NR_ANON_MAPPED])
		fail(c, "%lu mapped anon pages but nr_anon_pages is %ld", nr_anon,
		     m->vm_stat[NR_ANON_MAPPED]);
	if ((long)on_lru[LRU_INACTIVE_ANON] != m->vm_stat[NR_INACTIVE_ANON] ||
	    (long)on_lru[LRU_ACTIVE_ANON] != m->vm_stat[NR_ACTIVE_ANON])
		fail(c, "anon LRU lists hold %lu/%lu pages, counters say %ld/%ld",
		     on_lru[LRU_INACTIVE_ANON], on_lru[LRU_ACTIVE_ANON],
		     m->vm_stat[NR_INACTIVE_ANON], m->vm_stat[NR_ACTIVE_ANON]);
}

static void check_inodes(struct checker *c)
{
	struct sim_machine *m = c->m;
	long nr_file = 0, nr_shmem = 0;
	struct inode *inode;

	list_for_each_entry(inode, &m->inodes, i_sb_list) {
		struct address_space *mapping = inode->i_mapping;
		struct radix_tree_iter iter;
		unsigned long pages = 0, exceptional = 0;
		const char *broken;
		unsigned long index;
		void **slot;

		broken = radix_tree_check(&mapping->i_pages, &index);
		if (broken)
			fail(c, "inode %lu: page cache tree: %s (index %#lx)", inode->i_ino, broken,
			     index);
		radix_tree_for_each_slot(slot, &mapping->i_pages, &iter, 0) {
			struct page *page = *slot;

			if (radix_tree_exceptional_entry(page)) {
				exceptional++;
				continue;
			}
			pages++;
			if (page->mapping != mapping || page->index != iter.index)
				fail(c, "inode %lu index %#lx: the page says mapping/index %#lx",
				     inode->i_ino, iter.index, page->index);
		}
		if (pages != mapping->nrpages || exceptional != mapping->nrexceptional)
			fail(c, "inode %lu: %lu pages and %lu exceptional entries, counted %lu/%lu",
			     inode->i_ino, pages, exceptional, mapping->nrpages,
			     mapping->nrexceptional);
		nr_file += (long)pages;
		if (inode->kind == SIM_INODE_SHMEM) {
			radix_tree_for_each_slot(slot, &mapping->i_pages, &iter, 0)
				if (radix_tree_exceptional_entry(*slot) && m->swap &&
				    swp_offset(radix_to_swp_entry(*slot)) < m->swap->max)
					c->swapcount[swp_offset(radix_to_swp_entry(*slot))]++;
			nr_shmem += (long)pages;
			if (inode->alloced != mapping->nrpages + inode->swapped)
				fail(c, "tmpfs inode %lu: alloced %lu != nrpages %lu + swapped %lu",
				     inode->i_ino, inode->alloced, mapping->nrpages, inode->swapped);
		}
	}
	if (m->swap)
		nr_file += (long)m->swap->nr_cached; /* the swap cache counts in nr_file_pages */
	if (nr_file != m->vm_stat[NR_FILE_PAGES] || nr_shmem != m->vm_stat[NR_SHMEM])
		fail(c, "page caches hold %ld pages (%ld tmpfs), nr_file_pages %ld, nr_shmem %ld",
		     nr_file, nr_shmem, m->vm_stat[NR_FILE_PAGES], m->vm_stat[NR_SHMEM]);
}

static void check_swap(struct checker *c)
{
	struct swap_info_struct *si = c->m->swap;
	unsigned long inuse = 0, cached = 0;

	if (!si)
		return;
	for (unsigned long off = 1; off < si->max; off++) {
		unsigned char map = si->swap_map[off];
		struct page *page = radix_tree_lookup(&si->cache, off);

		if (map)
			inuse++;
		if ((map & ~SWAP_HAS_CACHE) != c->swapcount[off])
			fail(c, "swap slot %#lx: count %d but %d swap PTEs and tmpfs slots hold it",
			     off, map & ~SWAP_HAS_CACHE, c->swapcount[off]);
		if (!!(map & SWAP_HAS_CACHE) != !!page)
			fail(c, "swap slot %#lx: SWAP_HAS_CACHE %s but the swap cache %s a page", off,
			     map & SWAP_HAS_CACHE ? "set" : "clear", page ? "holds" : "has no");
		if (page) {
			cached++;
			if (!PageSwapCache(page) || page->private != swp_entry(0, off).val)
				fail(c, "swap cache slot %#lx holds pfn %#lx, which says otherwise",
				     off, page_to_pfn(c->m, page));
		}
	}
	if (si->swap_map[0])
		fail(c, "swap slot 0 (the header) is in use");
	if (inuse != si->inuse_pages || cached != si->nr_cached ||
	    (long)cached != c->m->vm_stat[NR_SWAPCACHE])
		fail(c, "swap: %lu slots in use, %lu cached; counted %lu, %lu, nr_swapcached %ld", inuse,
		     cached, si->inuse_pages, si->nr_cached, c->m->vm_stat[NR_SWAPCACHE]);
}

bool sim_check_machine(struct sim_machine *m, char *why, size_t len)
{
	struct checker c = { .m = m, .why = why, .len = len, .ok = true };
	struct task_struct *t;

	c.mapcount = sim_kzalloc(SIM_ALLOC_OTHER, m->nr_frames * sizeof(int));
	c.swapcount = sim_kzalloc(SIM_ALLOC_OTHER, (m->swap ? m->swap->max : 1) * sizeof(int));
	list_for_each_entry(t, &m->tasks, tasks)
		if (t->mm)
			check_mm(&c, t->mm);
	check_frames(&c);
	check_inodes(&c);
	check_swap(&c);
	sim_kfree(SIM_ALLOC_OTHER, c.swapcount);
	sim_kfree(SIM_ALLOC_OTHER, c.mapcount);
	return c.ok;
}
