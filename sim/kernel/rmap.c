// SPDX-License-Identifier: GPL-2.0
/*
 * rmap.c - reverse mapping of anonymous pages: from a page to the PTEs that
 * map it. Models mm/rmap.c (Linux v4.19).
 *
 * An anonymous page points (page->mapping) at the anon_vma of the VMA that
 * created it, and page->index is its linear index in that VMA. Every VMA that
 * may map the page is linked to that anon_vma by an anon_vma_chain: the VMA
 * itself, VMAs split from it, and the copies fork made in every descendant.
 * A walk of the chain, computing the address from page->index, finds every
 * PTE (rmap_walk), which is what reclaim's try_to_unmap and the frames
 * diagram need.
 *
 * Not modelled: the interval tree (a list is walked), the anon_vma rwsem,
 * anon_vma reuse on fork (a child always gets a fresh anon_vma), KSM.
 * Simplified: an anon_vma's refcount counts the chains linking it and the
 * children whose parent it is; it is freed when that reaches zero.
 */
#include "fs.h"
#include "internal.h"

static struct anon_vma *anon_vma_alloc(struct sim_machine *m)
{
	struct anon_vma *av = sim_kzalloc(SIM_ALLOC_ANON_VMA, sizeof(*av));

	av->root = av;
	INIT_LIST_HEAD(&av->rb_root);
	av->sim_id = ++m->next_anon_vma_id;
	return av;
}

static void put_anon_vma(struct anon_vma *av)
{
	while (av && --av->refcount == 0) {
		struct anon_vma *parent = av->parent;

		BUG_ON(!list_empty(&av->rb_root));
		sim_kfree(SIM_ALLOC_ANON_VMA, av);
		av = parent;
	}
}

static void anon_vma_chain_link(struct vm_area_struct *vma, struct anon_vma *av)
{
	struct anon_vma_chain *avc = sim_kzalloc(SIM_ALLOC_AVC, sizeof(*avc));

	avc->vma = vma;
	avc->anon_vma = av;
	list_add(&avc->same_vma, &vma->anon_vma_chain);
	list_add_tail(&avc->same_anon_vma, &av->rb_root);
	av->refcount++;
}

/*
 * anon_vma_prepare - make sure @vma has an anon_vma before its first anon
 * page is mapped. A VMA that only ever read the zero page never gets one,
 * which is why fork copies none of its PTEs.
 */
int anon_vma_prepare(struct vm_area_struct *vma)
{
	TRACE_FUNC(TR(vma_sim(vma)), anon_vma_prepare);

	if (vma->anon_vma)
		return 0;
	vma->anon_vma = anon_vma_alloc(vma_sim(vma));
	anon_vma_chain_link(vma, vma->anon_vma);
	return 0;
}

/* Link @dst to every anon_vma @src is linked to (split, mremap, fork). */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct anon_vma_chain *avc;

	/* Oldest first, so dst's chain keeps src's order. */
	for (avc = list_last_entry(&src->anon_vma_chain, struct anon_vma_chain, same_vma);
	     &avc->same_vma != &src->anon_vma_chain;
	     avc = list_entry(avc->same_vma.prev, struct anon_vma_chain, same_vma))
		anon_vma_chain_link(dst, avc->anon_vma);
	return 0;
}

/*
 * anon_vma_fork - the child VMA @vma sees every anon_vma of the parent's
 * @pvma, and gets its own for the pages it will COW.
 */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	TRACE_FUNC(TR(vma_sim(vma)), anon_vma_fork);
	struct anon_vma *av;

	vma->anon_vma = NULL;
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	if (!pvma->anon_vma)
		return 0;
	anon_vma_clone(vma, pvma);
	av = anon_vma_alloc(vma_sim(vma));
	av->root = pvma->anon_vma->root;
	av->parent = pvma->anon_vma;
	pvma->anon_vma->refcount++;
	pvma->anon_vma->degree++;
	vma->anon_vma = av;
	anon_vma_chain_link(vma, av);
	return 0;
}

void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc, *next;

	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		struct anon_vma *av = avc->anon_vma;

		list_del(&avc->same_vma);
		list_del(&avc->same_anon_vma);
		sim_kfree(SIM_ALLOC_AVC, avc);
		put_anon_vma(av);
	}
	vma->anon_vma = NULL;
}

static void rmap_event(struct sim_machine *m, enum sim_event_type type, struct page *page)
{
	sim_trace_emit(TR(m), (struct sim_event){ .type = type, .pfn = page_to_pfn(m, page),
						  .arg = page_mapcount(page) });
}

/*
 * page_add_new_anon_rmap - a freshly allocated page becomes anonymous memory
 * of @vma at @address, mapped once. Under kernel=6.18 it is also marked
 * exclusive (PG_anon_exclusive, v5.19), which later lets a write reuse it.
 */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address)
{
	struct sim_machine *m = vma_sim(vma);
	TRACE_FUNC(TR(m), page_add_new_anon_rmap);

	VM_BUG_ON_PAGE(page_mapped(page) || !vma->anon_vma, page);
	SetPageSwapBacked(page);
	page->_mapcount = 0;
	page->mapping = (struct address_space *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	page->index = linear_page_index(vma, address);
	if (m->cfg.kernel == SIM_KERNEL_6_18)
		SetPageAnonExclusive(page);
	mod_node_page_state(m, NR_ANON_MAPPED, 1);
	rmap_event(m, SIM_EV_rmap_add, page);
}

/* One more PTE maps a page-cache page; the first one counts it in nr_mapped. */
void page_add_file_rmap(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), page_add_file_rmap);

	if (++page->_mapcount == 0)
		mod_node_page_state(m, NR_FILE_MAPPED, 1);
	rmap_event(m, SIM_EV_rmap_add, page);
}

/*
 * page_add_anon_rmap - a swapped-in page is mapped at @address of @vma: its
 * first mapping makes it anonymous memory of the VMA again (a page read by
 * swap-in belongs to nobody yet), later ones just count.
 */
void page_add_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address,
			bool exclusive)
{
	struct sim_machine *m = vma_sim(vma);

	if (!PageAnon(page)) {
		page->mapping = (struct address_space *)((unsigned long)vma->anon_vma |
							 PAGE_MAPPING_ANON);
		page->index = linear_page_index(vma, address);
	}
	if (++page->_mapcount == 0)
		mod_node_page_state(m, NR_ANON_MAPPED, 1);
	if (exclusive && m->cfg.kernel == SIM_KERNEL_6_18)
		SetPageAnonExclusive(page);
	rmap_event(m, SIM_EV_rmap_add, page);
}

/* One more PTE maps the page (fork). */
void page_dup_rmap(struct sim_machine *m, struct page *page)
{
	page->_mapcount++;
	rmap_event(m, SIM_EV_rmap_add, page);
}

/* One PTE stopped mapping the page. */
void page_remove_rmap(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), page_remove_rmap);

	VM_BUG_ON_PAGE(!page_mapped(page), page);
	if (--page->_mapcount < 0)
		mod_node_page_state(m, PageAnon(page) ? NR_ANON_MAPPED : NR_FILE_MAPPED, -1);
	rmap_event(m, SIM_EV_rmap_remove, page);
}

/* A COW reuse: the page now belongs to @vma's anon_vma alone. */
void page_move_anon_rmap(struct page *page, struct vm_area_struct *vma)
{
	page->mapping = (struct address_space *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	if (vma_sim(vma)->cfg.kernel == SIM_KERNEL_6_18)
		SetPageAnonExclusive(page);
}

/* Where @page would be mapped in @vma, or 0 if outside it (mm/internal.h vma_address). */
static unsigned long vma_address(const struct page *page, const struct vm_area_struct *vma)
{
	unsigned long addr;

	if (page->index < vma->vm_pgoff)
		return 0;
	addr = vma->vm_start + ((page->index - vma->vm_pgoff) << PAGE_SHIFT);
	return addr < vma->vm_end ? addr : 0;
}

/* Call @fn if @vma maps @page where page->index says; false to stop the walk. */
static bool rmap_one(struct sim_machine *m, struct page *page, struct vm_area_struct *vma,
		     bool (*fn)(struct page *page, struct vm_area_struct *vma, unsigned long addr,
				void *arg),
		     void *arg)
{
	unsigned long addr = vma_address(page, vma);
	pte_t *pte;

	if (!addr)
		return true;
	pte = sim_lookup_pte(vma->vm_mm, addr);
	if (!pte || !pte_present(*pte) || pte_pfn(*pte) != page_to_pfn(m, page))
		return true;
	return fn(page, vma, addr, arg);
}

/*
 * rmap_walk - call @fn for every PTE that maps @page: for an anonymous page
 * the VMAs linked to its anon_vma, for a page-cache page the VMAs mapping
 * its file (mapping->i_mmap), in the order they were linked.
 */
void rmap_walk(struct sim_machine *m, struct page *page,
	       bool (*fn)(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			  void *arg),
	       void *arg)
{
	struct anon_vma *av = page_anon_vma(page);
	struct anon_vma_chain *avc;
	struct vm_area_struct *vma;

	if (av) {
		list_for_each_entry(avc, &av->rb_root, same_anon_vma)
			if (!rmap_one(m, page, avc->vma, fn, arg))
				return;
		return;
	}
	/* A page-cache page: every VMA mapping its file (rmap_walk_file). */
	list_for_each_entry(vma, &page->mapping->i_mmap, shared)
		if (!rmap_one(m, page, vma, fn, arg))
			return;
}
