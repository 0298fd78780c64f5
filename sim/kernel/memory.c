// SPDX-License-Identifier: GPL-2.0
/*
 * memory.c - page tables and the page fault paths.
 * Models mm/memory.c (Linux v4.19), with the kernel=6.18 profile where the
 * real kernel on this machine kind behaves differently.
 *
 * A fault walks PGD -> PUD -> PMD, allocating the tables it lacks, and
 * handle_pte_fault() dispatches on the PTE:
 *
 *	none, anonymous VMA	do_anonymous_page (read: the zero page; write: a new page)
 *	none, file VMA		do_fault: read (with fault-around), COW or shared write
 *	swap entry		do_swap_page: from the swap cache (minor) or the device (major)
 *	present, write to RO	do_wp_page (COW copy, or reuse by the last mapper)
 *	present otherwise	mark young (and dirty on a write): a spurious fault
 *
 * fork copies PTEs here (copy_page_range) and munmap/exit/DONTNEED zap them
 * (zap_pte_range), then free the tables nothing uses (free_pgtables).
 *
 * Not modelled: huge pages (PMD mappings), the PTE lock, TLB flushing and
 * batching, NUMA hinting faults, userfaultfd, device/PFN mappings, KSM.
 */
#include "fs.h"
#include "internal.h"
#include "swap.h"

static void pgtable_event(struct mm_struct *mm, enum sim_event_type type, unsigned long addr,
			  int level)
{
	sim_trace_emit(TR(mm->sim), (struct sim_event){ .type = type, .mm = mm, .addr = addr,
							.arg = level });
}

/* A new, empty page-table page: the kernel takes these from RAM; we do not. */
static void *alloc_table(struct mm_struct *mm, unsigned long addr, int level)
{
	void *table = sim_kzalloc_aligned(SIM_ALLOC_PGTABLE, PAGE_SIZE, PAGE_SIZE);

	mm->pgtables_bytes += PAGE_SIZE;
	pgtable_event(mm, SIM_EV_pgtable_alloc, addr, level);
	return table;
}

static void free_table(struct mm_struct *mm, void *table, unsigned long addr, int level)
{
	mm->pgtables_bytes -= PAGE_SIZE;
	pgtable_event(mm, SIM_EV_pgtable_free, addr, level);
	sim_kfree(SIM_ALLOC_PGTABLE, table);
}

static pud_t *__pud_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long addr)
{
	TRACE_FUNC(TR(mm->sim), __pud_alloc);

	pgd->pgd = (u64)(uintptr_t)alloc_table(mm, addr & PGDIR_MASK, 3) | _PAGE_TABLE;
	return pud_offset(pgd, addr);
}

static pmd_t *__pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long addr)
{
	TRACE_FUNC(TR(mm->sim), __pmd_alloc);

	pud->pud = (u64)(uintptr_t)alloc_table(mm, addr & PUD_MASK, 2) | _PAGE_TABLE;
	return pmd_offset(pud, addr);
}

static void __pte_alloc(struct mm_struct *mm, pmd_t *pmd, unsigned long addr)
{
	TRACE_FUNC(TR(mm->sim), __pte_alloc);

	pmd->pmd = (u64)(uintptr_t)alloc_table(mm, addr & PMD_MASK, 1) | _PAGE_TABLE;
}

/* The PMD entry covering @addr, allocating the PUD and PMD tables on the way. */
static pmd_t *walk_to_pmd(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset_pgd(mm->pgd, addr);
	pud_t *pud;

	pud = pgd_none(*pgd) ? __pud_alloc(mm, pgd, addr) : pud_offset(pgd, addr);
	return pud_none(*pud) ? __pmd_alloc(mm, pud, addr) : pmd_offset(pud, addr);
}

/* The PTE slot for @addr, allocating every table on the way (fork, mremap). */
pte_t *sim_pte_alloc_map(struct mm_struct *mm, unsigned long addr)
{
	pmd_t *pmd = walk_to_pmd(mm, addr);

	if (pmd_none(*pmd))
		__pte_alloc(mm, pmd, addr);
	return pte_offset_map(pmd, addr);
}

/* Every PTE change goes through here, so listeners see each one. */
void set_pte_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t pte)
{
	sim_trace_emit(TR(mm->sim), (struct sim_event){ .type = SIM_EV_pte_set, .mm = mm,
							.addr = addr, .old = ptep->pte,
							.new = pte.pte });
	*ptep = pte;
}

void add_mm_counter(struct mm_struct *mm, int member, long value)
{
	mm->rss_stat[member] += value;
}

/* Which RSS counter a page is charged to (include/linux/mm.h mm_counter). */
int mm_counter(const struct page *page)
{
	if (PageAnon(page))
		return MM_ANONPAGES;
	return PageSwapBacked(page) ? MM_SHMEMPAGES : MM_FILEPAGES;
}

/*
 * vm_normal_page - the struct page a present PTE maps, or NULL for a
 * "special" mapping: the zero page is not a normal page, so it is never
 * counted in RSS, never reference counted and never reverse mapped.
 */
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte)
{
	if (pte_special(pte) || is_zero_pfn(pte_pfn(pte)))
		return NULL;
	return pfn_to_page(vma_sim(vma), pte_pfn(pte));
}

static pte_t mk_pte(struct sim_machine *m, struct page *page, pgprot_t prot)
{
	return pfn_pte(page_to_pfn(m, page), prot);
}

/*
 * do_anonymous_page - first touch of private anonymous memory.
 * We enter with an empty PTE (or no PTE table yet). A read maps the shared
 * zero page read-only, whatever the VMA allows; a write allocates a zeroed
 * page, maps it writable, dirty and young, and charges it to MM_ANONPAGES.
 */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct sim_machine *m = mm->sim;
	TRACE_FUNC(TR(m), do_anonymous_page);
	struct page *page;
	pte_t entry;

	if (vma->vm_flags & VM_SHARED)
		return VM_FAULT_SIGBUS;
	if (pmd_none(*vmf->pmd))
		__pte_alloc(mm, vmf->pmd, vmf->address);
	vmf->pte = pte_offset_map(vmf->pmd, vmf->address);

	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		entry = pte_mkspecial(pfn_pte(ZERO_PFN, vma->vm_page_prot));
		set_pte_at(mm, vmf->address, vmf->pte, entry);
		return 0;
	}

	anon_vma_prepare(vma);
	page = alloc_page_vma(vma, vmf->address);
	if (!page)
		return VM_FAULT_OOM;
	SetPageUptodate(page);
	entry = mk_pte(m, page, vma->vm_page_prot);
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(pte_mkdirty(entry));
	add_mm_counter(mm, MM_ANONPAGES, 1);
	page_add_new_anon_rmap(page, vma, vmf->address);
	lru_cache_add_active_or_unevictable(m, page, vma);
	set_pte_at(mm, vmf->address, vmf->pte, entry);
	return 0;
}

/*
 * wp_page_reuse - the faulting process may write the page in place: make
 * the PTE young, dirty and writable. Counted as pgreuse (v5.9 counter,
 * kept under both profiles).
 */
static vm_fault_t wp_page_reuse(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	TRACE_FUNC(TR(mm->sim), wp_page_reuse);
	pte_t entry = pte_mkwrite(pte_mkdirty(pte_mkyoung(vmf->orig_pte)));

	count_vm_event(mm->sim, PGREUSE);
	set_pte_at(mm, vmf->address, vmf->pte, entry);
	return VM_FAULT_WRITE;
}

/*
 * wp_page_copy - break COW: give the faulting PTE a private copy (a zeroed
 * page when the PTE mapped the zero page), then drop the old mapping. The
 * old page is freed if this was its last reference.
 */
static vm_fault_t wp_page_copy(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct sim_machine *m = mm->sim;
	TRACE_FUNC(TR(m), wp_page_copy);
	struct page *old_page = vmf->page, *new_page;
	pte_t entry;

	anon_vma_prepare(vma);
	new_page = alloc_page_vma(vma, vmf->address);
	if (!new_page)
		return VM_FAULT_OOM;
	if (old_page) {
		copy_user_highpage(new_page, old_page);
		sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_page_copy,
							  .pfn = page_to_pfn(m, new_page),
							  .arg = (long)page_to_pfn(m, old_page) });
	}
	SetPageUptodate(new_page);

	if (old_page && !PageAnon(old_page)) {
		add_mm_counter(mm, mm_counter(old_page), -1);
		add_mm_counter(mm, MM_ANONPAGES, 1);
	} else if (!old_page) {
		add_mm_counter(mm, MM_ANONPAGES, 1);
	}
	entry = mk_pte(m, new_page, vma->vm_page_prot);
	entry = pte_mkwrite(pte_mkdirty(entry));
	page_add_new_anon_rmap(new_page, vma, vmf->address);
	lru_cache_add_active_or_unevictable(m, new_page, vma);
	set_pte_at(mm, vmf->address, vmf->pte, entry);
	if (old_page) {
		page_remove_rmap(m, old_page);
		put_page(m, old_page);
	}
	return VM_FAULT_WRITE;
}

static void fault_dirty_shared_page(struct vm_fault *vmf, struct page *page);
static vm_fault_t do_page_mkwrite(struct vm_fault *vmf);

/*
 * wp_page_shared - a store through a read-only PTE of a shared file mapping
 * (ext4 maps read faults read-only, and msync write-protects again): tell
 * the file system, then write in place and dirty the page.
 */
static vm_fault_t wp_page_shared(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	TRACE_FUNC(TR(vma_sim(vma)), wp_page_shared);
	vm_fault_t ret;

	if (vma->vm_ops && vma->vm_ops->page_mkwrite)
		do_page_mkwrite(vmf);
	ret = wp_page_reuse(vmf);
	fault_dirty_shared_page(vmf, vmf->page);
	return ret;
}

/*
 * Can the last mapper of an anon page write it in place?
 * kernel=6.18 (v5.19+): yes if PG_anon_exclusive, else only if nothing but
 * this PTE holds a reference once the swap cache let go of a copy nobody
 * else refers to (then the page becomes exclusive again).
 * kernel=4.19: yes if this PTE is the only reference in memory or on swap
 * (reuse_swap_page), and then the swap copy is dropped.
 */
static bool can_reuse_anon_page(struct sim_machine *m, struct page *page)
{
	if (m->cfg.kernel == SIM_KERNEL_6_18) {
		if (PageAnonExclusive(page))
			return true;
		if (page_count(page) > 1 + (PageSwapCache(page) ? 1 : 0))
			return false;
		if (PageSwapCache(page))
			try_to_free_swap(m, page); /* fails while another swap PTE refers to it */
		return page_count(page) == 1;
	}
	/* reuse_swap_page: this mapping and no other, in memory or on swap */
	if (page_mapcount(page) + (PageSwapCache(page) ?
				   swp_swapcount(m, page_swp_entry(page)) : 0) != 1)
		return false;
	if (PageSwapCache(page))
		try_to_free_swap(m, page);
	return true;
}

/*
 * do_wp_page - a write to a present PTE that does not allow it.
 * The zero page is always copied; an anon page is reused in place when this
 * process is its last mapper (after fork: the other side already copied it
 * away, or exited), otherwise copied.
 */
static vm_fault_t __do_wp_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct sim_machine *m = vma_sim(vma);
	TRACE_FUNC(TR(m), do_wp_page);

	vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);
	if (!vmf->page) {
		sim_note(m, "the PTE maps the zero page: copy it");
		return wp_page_copy(vmf);
	}
	if (PageAnon(vmf->page)) {
		if (can_reuse_anon_page(m, vmf->page)) {
			sim_note(m, "this PTE is the page's last mapper: reuse it in place");
			page_move_anon_rmap(vmf->page, vma);
			return wp_page_reuse(vmf);
		}
		sim_note(m, "the page is shared with another process: copy it");
		return wp_page_copy(vmf);
	}
	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED))
		return wp_page_shared(vmf);
	sim_note(m, "a page-cache page in a private mapping: copy it (COW)");
	return wp_page_copy(vmf);
}

/* The page a COW works on is locked, so reclaim leaves it alone meanwhile. */
static vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	struct page *page = vm_normal_page(vmf->vma, vmf->address, vmf->orig_pte);
	vm_fault_t ret;

	if (page)
		SetPageLocked(page);
	ret = __do_wp_page(vmf);
	if (page)
		ClearPageLocked(page);
	return ret;
}

/*
 * alloc_set_pte - map @page at @addr (its PTE @ptep, or NULL: found here)
 * for a file fault (the fault's reference becomes the PTE's). A write in a
 * private mapping maps an anonymous copy (the COW page); a write in a shared
 * mapping maps the page-cache page writable and dirty; a read maps it with
 * the VMA's protection, which is writable for a shared tmpfs mapping and
 * read-only for a shared ext4 one (write-notify).
 */
vm_fault_t alloc_set_pte(struct vm_fault *vmf, struct page *page, unsigned long addr, pte_t *ptep,
			 bool write)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct sim_machine *m = mm->sim;
	pte_t entry = mk_pte(m, page, vma->vm_page_prot);

	if (!ptep)
		ptep = sim_pte_alloc_map(mm, addr);

	if (write)
		entry = pte_mkwrite(pte_mkdirty(entry));
	if (write && !(vma->vm_flags & VM_SHARED)) {
		add_mm_counter(mm, MM_ANONPAGES, 1);
		page_add_new_anon_rmap(page, vma, addr);
		lru_cache_add_active_or_unevictable(m, page, vma);
	} else {
		add_mm_counter(mm, mm_counter(page), 1);
		page_add_file_rmap(m, page);
	}
	set_pte_at(mm, addr, ptep, entry);
	return 0;
}

/* Map the page the fault found (or the COW copy) at the faulting address. */
static vm_fault_t finish_fault(struct vm_fault *vmf)
{
	TRACE_FUNC(TR(vma_sim(vmf->vma)), finish_fault);
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	struct page *page = write && !(vmf->vma->vm_flags & VM_SHARED) ? vmf->cow_page : vmf->page;

	return alloc_set_pte(vmf, page, vmf->address, NULL, write);
}

/* Ask the VMA's object for the page: filemap_fault or shmem_fault. */
static vm_fault_t __do_fault(struct vm_fault *vmf)
{
	TRACE_FUNC(TR(vma_sim(vmf->vma)), __do_fault);

	return vmf->vma->vm_ops->fault(vmf);
}

/*
 * do_fault_around - map the cached pages around a read fault. The window is
 * fault_around_bytes (16 pages) aligned on the virtual address, moved to
 * start at the VMA start if it began before it, and cut at the VMA end and
 * at the end of the PTE table (2 MiB); filemap_map_pages also stops at the
 * end of the file. Returns VM_FAULT_NOPAGE when the faulting page got mapped.
 */
static vm_fault_t do_fault_around(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	TRACE_FUNC(TR(vma_sim(vma)), do_fault_around);
	unsigned long nr_pages = vma_sim(vma)->cfg.fault_around_bytes >> PAGE_SHIFT;
	unsigned long mask = ~(nr_pages * PAGE_SIZE - 1) & PAGE_MASK;
	unsigned long address = max(vmf->address & mask, vma->vm_start);
	pgoff_t start_pgoff = vmf->pgoff - ((vmf->address - address) >> PAGE_SHIFT);
	pgoff_t end_pgoff;
	pte_t *pte;

	end_pgoff = start_pgoff - ((address >> PAGE_SHIFT) & (PTRS_PER_PTE - 1)) + PTRS_PER_PTE - 1;
	end_pgoff = min(end_pgoff, vma_pages(vma) + vma->vm_pgoff - 1);
	end_pgoff = min(end_pgoff, start_pgoff + nr_pages - 1);

	vma->vm_ops->map_pages(vmf, start_pgoff, end_pgoff);
	pte = sim_lookup_pte(vma->vm_mm, vmf->address);
	return pte && !pte_none(*pte) ? VM_FAULT_NOPAGE : 0;
}

/* A read of a page not mapped yet: fault-around first, then the object's ->fault. */
static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	TRACE_FUNC(TR(vma_sim(vma)), do_read_fault);
	vm_fault_t ret;

	if (vma->vm_ops->map_pages && (vma_sim(vma)->cfg.fault_around_bytes >> PAGE_SHIFT) > 1) {
		ret = do_fault_around(vmf);
		if (ret)
			return ret;
	}
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	return ret | finish_fault(vmf);
}

/*
 * do_cow_fault - the first access to a page of a private file mapping is a
 * write: copy the page-cache page into a new anonymous page and map only
 * that (no fault-around on a write).
 */
static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct sim_machine *m = vma_sim(vma);
	TRACE_FUNC(TR(m), do_cow_fault);
	vm_fault_t ret;

	anon_vma_prepare(vma);
	vmf->cow_page = alloc_page_vma(vma, vmf->address);
	if (!vmf->cow_page)
		return VM_FAULT_OOM;
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) {
		put_page(m, vmf->cow_page);
		return ret;
	}
	copy_user_highpage(vmf->cow_page, vmf->page);
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_page_copy,
						  .pfn = page_to_pfn(m, vmf->cow_page),
						  .arg = (long)page_to_pfn(m, vmf->page) });
	SetPageUptodate(vmf->cow_page);
	put_page(m, vmf->page);
	return ret | finish_fault(vmf);
}

/* A store through a shared mapping dirties the page (fault_dirty_shared_page). */
static void fault_dirty_shared_page(struct vm_fault *vmf, struct page *page)
{
	set_page_dirty(page);
}

static vm_fault_t do_page_mkwrite(struct vm_fault *vmf)
{
	TRACE_FUNC(TR(vma_sim(vmf->vma)), do_page_mkwrite);

	return vmf->vma->vm_ops->page_mkwrite(vmf);
}

/*
 * do_shared_fault - the first access to a page of a shared mapping is a
 * write: get the page, let the file system know (page_mkwrite), map it
 * writable and dirty, and dirty the page.
 */
static vm_fault_t do_shared_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	TRACE_FUNC(TR(vma_sim(vma)), do_shared_fault);
	vm_fault_t ret = __do_fault(vmf);

	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	if (vma->vm_ops->page_mkwrite)
		do_page_mkwrite(vmf);
	ret |= finish_fault(vmf);
	fault_dirty_shared_page(vmf, vmf->page);
	return ret;
}

/* An empty PTE in a VMA backed by a file (or shmem): dispatch on the access. */
static vm_fault_t do_fault(struct vm_fault *vmf)
{
	TRACE_FUNC(TR(vma_sim(vmf->vma)), do_fault);

	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(vmf);
	if (!(vmf->vma->vm_flags & VM_SHARED))
		return do_cow_fault(vmf);
	return do_shared_fault(vmf);
}

/*
 * Should swap-in free the slot at once (should_try_to_free_swap)? When swap
 * is half full, or when a write fault finds only the swap cache and this
 * fault holding the page.
 */
static bool should_try_to_free_swap(struct sim_machine *m, struct page *page, unsigned int flags)
{
	if (!PageSwapCache(page))
		return false;
	if (vm_swap_full(m))
		return true;
	return (flags & FAULT_FLAG_WRITE) && page_count(page) == 2;
}

/* Read a page straight from a synchronous device, bypassing the swap cache. */
static struct page *swapin_direct(struct vm_fault *vmf, swp_entry_t entry)
{
	struct sim_machine *m = vma_sim(vmf->vma);
	struct page *page = alloc_page_vma(vmf->vma, vmf->address);

	if (!page)
		return NULL;
	SetPageSwapBacked(page);
	swap_readpage(m, page, entry);
	SetPageWorkingset(page);
	count_vm_event(m, WORKINGSET_REFAULT_ANON);
	count_vm_event(m, WORKINGSET_ACTIVATE_ANON);
	return page;
}

/*
 * do_swap_page - the PTE holds a swap entry. The page is in the swap cache
 * (a minor fault: readahead brought it, or it was never freed after
 * pageout), or it is read from the device (a major fault), with readahead
 * on a disk and straight into a new page on zram.
 * Under kernel=6.18 a page the swap PTE marked exclusive is mapped writable
 * even by a read (v6.11), and stays in the swap cache with its slot unless
 * the fault is a write (then the slot is freed: the copy on swap is stale);
 * under kernel=4.19 a read maps it read-only.
 */
static vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct sim_machine *m = mm->sim;
	TRACE_FUNC(TR(m), do_swap_page);
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);
	bool write = vmf->flags & FAULT_FLAG_WRITE, fresh = false, exclusive;
	vm_fault_t ret = 0;
	struct page *page;
	pte_t pte;

	BUG_ON(!m->swap);
	page = lookup_swap_cache(m, entry, true);
	if (page) {
		sim_note(m, "the page is still in the swap cache: a minor fault");
	} else {
		if (m->swap->synchronous && swp_swapcount(m, entry) == 1) {
			sim_note(m, "not in the swap cache; a synchronous device: read it directly");
			page = swapin_direct(vmf, entry);
			fresh = true;
		} else {
			sim_note(m, "not in the swap cache: read it, with readahead (a major fault)");
			page = swapin_readahead(m, entry, vma, vmf->address, m->cfg.swap_ra_cluster);
		}
		if (!page)
			return VM_FAULT_OOM;
		ret = VM_FAULT_MAJOR;
	}
	if (m->cfg.kernel == SIM_KERNEL_6_18)
		exclusive = fresh || pte_swp_exclusive(vmf->orig_pte);
	else
		exclusive = swp_swapcount(m, entry) == 1 && !page_mapped(page);

	add_mm_counter(mm, MM_ANONPAGES, 1);
	add_mm_counter(mm, MM_SWAPENTS, -1);
	pte = mk_pte(m, page, vma->vm_page_prot);
	swap_free(m, entry);
	if (should_try_to_free_swap(m, page, vmf->flags))
		try_to_free_swap(m, page);
	if (write && exclusive) {
		pte = pte_mkwrite(pte_mkdirty(pte));
		write = false;
	} else if (exclusive && (vma->vm_flags & VM_WRITE) && m->cfg.kernel == SIM_KERNEL_6_18) {
		pte = pte_mkwrite(pte); /* v6.11: no second fault for the first store */
	}
	if (fresh) {
		anon_vma_prepare(vma);
		page_add_new_anon_rmap(page, vma, vmf->address);
		lru_cache_add_active_or_unevictable(m, page, vma);
	} else {
		page_add_anon_rmap(page, vma, vmf->address, exclusive);
	}
	vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
	set_pte_at(mm, vmf->address, vmf->pte, pte);
	vmf->orig_pte = pte;
	if (write)
		ret |= do_wp_page(vmf); /* shared with another process: copy, in the same fault */
	return ret;
}

/*
 * handle_pte_fault - dispatch on the state of the PTE.
 * We enter with vmf->pmd set; vmf->pte is NULL when there is no PTE table.
 */
static vm_fault_t handle_pte_fault(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	TRACE_FUNC(TR(mm->sim), handle_pte_fault);
	pte_t entry;

	if (pmd_none(*vmf->pmd)) {
		vmf->pte = NULL;
	} else {
		vmf->pte = pte_offset_map(vmf->pmd, vmf->address);
		vmf->orig_pte = *vmf->pte;
		if (pte_none(vmf->orig_pte))
			vmf->pte = NULL;
	}

	if (!vmf->pte) {
		if (vma_is_anonymous(vmf->vma))
			return do_anonymous_page(vmf);
		return do_fault(vmf);
	}
	if (!pte_present(vmf->orig_pte))
		return do_swap_page(vmf);

	if ((vmf->flags & FAULT_FLAG_WRITE) && !pte_write(vmf->orig_pte))
		return do_wp_page(vmf);

	/* Spurious: the PTE already allows the access; just mark it. */
	entry = pte_mkyoung(vmf->orig_pte);
	if (vmf->flags & FAULT_FLAG_WRITE)
		entry = pte_mkdirty(entry);
	if (entry.pte != vmf->orig_pte.pte)
		set_pte_at(mm, vmf->address, vmf->pte, entry);
	return 0;
}

static vm_fault_t __handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
				    unsigned int flags)
{
	TRACE_FUNC(TR(vma_sim(vma)), __handle_mm_fault);
	struct vm_fault vmf = {
		.vma = vma,
		.address = address & PAGE_MASK,
		.flags = flags,
		.pgoff = linear_page_index(vma, address & PAGE_MASK),
	};

	vmf.pmd = walk_to_pmd(vma->vm_mm, address);
	return handle_pte_fault(&vmf);
}

/*
 * Charge the fault to the task, as getrusage reports it: a fault that ends
 * in an error (SIGBUS, SIGSEGV, OOM) or asks for a retry is not counted
 * (the retry is); a major one (I/O, or a retry after I/O) is maj_flt, any
 * other min_flt. v4.19 does this in the arch fault handler and
 * in GUP's faultin_page; v5.9 moved it here as mm_account_fault().
 */
static void mm_account_fault(struct mm_struct *mm, vm_fault_t ret, unsigned int flags)
{
	struct task_struct *t = mm->owner;

	if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY))
		return;
	if ((ret & VM_FAULT_MAJOR) || (flags & FAULT_FLAG_TRIED))
		t->maj_flt++;
	else
		t->min_flt++;
}

/*
 * handle_mm_fault - resolve a fault at @address of @vma; the VMA allows the
 * access (the caller checked). Returns VM_FAULT_* bits.
 */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address, unsigned int flags)
{
	struct sim_machine *m = vma_sim(vma);
	TRACE_FUNC(TR(m), handle_mm_fault);
	vm_fault_t ret;

	if (!(flags & FAULT_FLAG_TRIED))
		count_vm_event(m, PGFAULT); /* once per fault, retry or not (as measured) */
	ret = __handle_mm_fault(vma, address, flags);
	if (ret & VM_FAULT_MAJOR)
		count_vm_event(m, PGMAJFAULT);
	mm_account_fault(vma->vm_mm, ret, flags);
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_fault_done, .mm = vma->vm_mm,
						  .addr = address, .arg = (long)ret,
						  .new = !!(ret & VM_FAULT_MAJOR) });
	return ret;
}

/* Private, may be written: a write must copy (include/linux/mm.h). */
static bool is_cow_mapping(unsigned long flags)
{
	return (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/*
 * copy_one_pte - give the child the parent's PTE. In a COW mapping both
 * PTEs become read-only, so whoever writes first copies. The child's PTE is
 * made old (and clean in a shared mapping); the page gains a reference and a
 * mapping, and loses its exclusive mark.
 */
static void copy_one_pte(struct mm_struct *dst_mm, struct mm_struct *src_mm, pte_t *dst_pte,
			 pte_t *src_pte, struct vm_area_struct *vma, unsigned long addr)
{
	pte_t pte = *src_pte;
	struct page *page;

	if (!pte_present(pte)) {
		/* A swap entry: one more reference; neither side is exclusive any more. */
		swap_duplicate(src_mm->sim, pte_to_swp_entry(pte));
		if (pte_swp_exclusive(pte)) {
			pte = pte_swp_clear_exclusive(pte);
			set_pte_at(src_mm, addr, src_pte, pte);
		}
		add_mm_counter(dst_mm, MM_SWAPENTS, 1);
		set_pte_at(dst_mm, addr, dst_pte, pte);
		return;
	}
	if (is_cow_mapping(vma->vm_flags) && pte_write(pte)) {
		set_pte_at(src_mm, addr, src_pte, pte_wrprotect(pte));
		pte = pte_wrprotect(pte);
	}
	if (vma->vm_flags & VM_SHARED)
		pte = pte_mkclean(pte);
	pte = pte_mkold(pte);

	page = vm_normal_page(vma, addr, pte);
	if (page) {
		get_page(page);
		page_dup_rmap(src_mm->sim, page);
		ClearPageAnonExclusive(page);
		add_mm_counter(dst_mm, mm_counter(page), 1);
	}
	set_pte_at(dst_mm, addr, dst_pte, pte);
}

/*
 * copy_page_range - fork's copy of one VMA's PTEs. Only VMAs with anonymous
 * pages (an anon_vma) are copied: shared mappings, never-written private
 * file mappings and anon VMAs that only read the zero page are left empty in
 * the child, which faults them in again.
 */
int copy_page_range(struct mm_struct *dst_mm, struct mm_struct *src_mm,
		    struct vm_area_struct *vma)
{
	TRACE_FUNC(TR(src_mm->sim), copy_page_range);

	if (!(vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)) && !vma->anon_vma) {
		sim_note(src_mm->sim, "no anon_vma: nothing to copy, the child will fault");
		return 0;
	}
	for (unsigned long addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		pte_t *src = sim_lookup_pte(src_mm, addr);

		if (!src) {
			addr = (addr | (PMD_SIZE - 1)) - PAGE_SIZE + 1; /* skip the 2 MiB */
			continue;
		}
		if (pte_none(*src))
			continue;
		copy_one_pte(dst_mm, src_mm, sim_pte_alloc_map(dst_mm, addr), src, vma, addr);
	}
	return 0;
}

/*
 * zap_pte_range - clear the PTEs of [addr, end) in @vma: each page loses a
 * mapping and a reference (anonymous pages are freed with their last one;
 * page-cache pages stay in the cache).
 */
static void zap_pte_range(struct vm_area_struct *vma, unsigned long addr, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct sim_machine *m = mm->sim;
	TRACE_FUNC(TR(m), zap_pte_range);

	for (; addr < end; addr += PAGE_SIZE) {
		pte_t *ptep = sim_lookup_pte(mm, addr);
		pte_t pte;
		struct page *page;

		if (!ptep) {
			addr = (addr | (PMD_SIZE - 1)) - PAGE_SIZE + 1;
			continue;
		}
		pte = *ptep;
		if (pte_none(pte))
			continue;
		set_pte_at(mm, addr, ptep, __pte(0));
		if (!pte_present(pte)) { /* a swap entry: drop its reference to the slot */
			add_mm_counter(mm, MM_SWAPENTS, -1);
			free_swap_and_cache(m, pte_to_swp_entry(pte));
			continue;
		}
		page = vm_normal_page(vma, addr, pte);
		if (!page)
			continue;
		if (!PageAnon(page) && pte_dirty(pte))
			set_page_dirty(page); /* the PTE's dirty bit goes to the page */
		add_mm_counter(mm, mm_counter(page), -1);
		page_remove_rmap(m, page);
		/* free_swap_cache: a swap copy nobody maps or refers to goes too */
		if (PageAnon(page) && PageSwapCache(page) && !page_mapped(page))
			try_to_free_swap(m, page);
		put_page(m, page);
	}
}

/* Zap only the PTEs that map page-cache pages (not COW copies) in [first, last]. */
static void zap_file_ptes(struct vm_area_struct *vma, pgoff_t first, pgoff_t last)
{
	for (pgoff_t pg = first; pg <= last; pg++) {
		unsigned long addr = vma->vm_start + ((pg - vma->vm_pgoff) << PAGE_SHIFT);
		pte_t *ptep = sim_lookup_pte(vma->vm_mm, addr);
		struct page *page;

		if (!ptep || !pte_present(*ptep))
			continue;
		page = vm_normal_page(vma, addr, *ptep);
		if (page && !PageAnon(page))
			zap_pte_range(vma, addr, addr + PAGE_SIZE);
	}
}

static void unmap_single_vma(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	start = max(vma->vm_start, start);
	end = min(vma->vm_end, end);
	if (start < end)
		zap_pte_range(vma, start, end);
}

/* Zap the PTEs of every VMA from @vma on that overlaps [start, end). */
void unmap_vmas(struct vm_area_struct *vma, unsigned long start_addr, unsigned long end_addr)
{
	TRACE_FUNC(TR(vma_sim(vma)), unmap_vmas);

	for (; vma && vma->vm_start < end_addr; vma = vma->vm_next)
		unmap_single_vma(vma, start_addr, end_addr);
}

/* Zap [start, start + size) of one VMA (MADV_DONTNEED). */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long size)
{
	TRACE_FUNC(TR(vma_sim(vma)), zap_page_range);

	unmap_single_vma(vma, start, start + size);
}

/* Does any VMA of @mm overlap [start, end)? */
static bool range_in_use(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (struct vm_area_struct *vma = mm->mmap; vma; vma = vma->vm_next)
		if (vma->vm_start < end && vma->vm_end > start)
			return true;
	return false;
}

static bool table_empty(const u64 *table)
{
	for (int i = 0; i < 512; i++)
		if (table[i])
			return false;
	return true;
}

/*
 * free_pgtables - free the page tables under [start, end) that no VMA uses
 * any more: a PTE table when nothing is mapped in its 2 MiB, a PMD table
 * when nothing is in its 1 GiB, a PUD table when nothing is in its 512 GiB.
 * The kernel gets the same result from the floor and ceiling of the
 * neighbouring VMAs.
 */
void free_pgtables(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	TRACE_FUNC(TR(mm->sim), free_pgtables);

	for (unsigned long a = start & PGDIR_MASK; a < end; a += PGDIR_SIZE) {
		pgd_t *pgd = pgd_offset_pgd(mm->pgd, a);

		if (pgd_none(*pgd))
			continue;
		for (unsigned long b = max(a, start & PUD_MASK); b < min(a + PGDIR_SIZE, end);
		     b += PUD_SIZE) {
			pud_t *pud = pud_offset(pgd, b);

			if (pud_none(*pud))
				continue;
			for (unsigned long c = max(b, start & PMD_MASK);
			     c < min(b + PUD_SIZE, end); c += PMD_SIZE) {
				pmd_t *pmd = pmd_offset(pud, c);

				if (pmd_none(*pmd) || range_in_use(mm, c, c + PMD_SIZE))
					continue;
				BUG_ON(!table_empty((u64 *)pmd_page_vaddr(*pmd)));
				free_table(mm, pmd_page_vaddr(*pmd), c, 1);
				pmd->pmd = 0;
			}
			if (range_in_use(mm, b, b + PUD_SIZE) ||
			    !table_empty((u64 *)pud_page_vaddr(*pud)))
				continue;
			free_table(mm, pud_page_vaddr(*pud), b, 2);
			pud->pud = 0;
		}
		if (range_in_use(mm, a, a + PGDIR_SIZE) || !table_empty((u64 *)pgd_page_vaddr(*pgd)))
			continue;
		free_table(mm, pgd_page_vaddr(*pgd), a, 3);
		pgd->pgd = 0;
	}
}

/* The PGD itself goes with the mm (pgd_free); everything under it must be gone. */
void free_pgd(struct mm_struct *mm)
{
	BUG_ON(!table_empty((u64 *)mm->pgd));
	sim_kfree(SIM_ALLOC_PGTABLE, mm->pgd);
	mm->pgd = NULL;
}

/*
 * unmap_mapping_range - zap every PTE that maps pages [first, last] of
 * @mapping in any process: the page-cache pages, and with @even_cows the
 * private COW copies of them too (truncate does that; hole punching not).
 */
void unmap_mapping_range(struct address_space *mapping, pgoff_t first, pgoff_t last,
			 bool even_cows)
{
	struct sim_machine *m = mapping->host->sim;
	TRACE_FUNC(TR(m), unmap_mapping_range);
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mapping->i_mmap, shared) {
		pgoff_t vfirst = max(first, vma->vm_pgoff);
		pgoff_t vlast = min(last, vma->vm_pgoff + vma_pages(vma) - 1);

		if (vfirst > vlast)
			continue;
		if (!even_cows && !(vma->vm_flags & VM_SHARED) && vma->anon_vma)
			zap_file_ptes(vma, vfirst, vlast);
		else
			unmap_single_vma(vma, vma->vm_start + ((vfirst - vma->vm_pgoff) << PAGE_SHIFT),
					 vma->vm_start + ((vlast + 1 - vma->vm_pgoff) << PAGE_SHIFT));
	}
}
