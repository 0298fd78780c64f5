// SPDX-License-Identifier: GPL-2.0
/*
 * test_rmap.c - the reverse map of anonymous pages (sim/kernel/rmap.c).
 *
 * The anon_vma a VMA gets at its first anonymous page, the chains that fork
 * and VMA splits build (every VMA that may map a page is on the chain of the
 * page's anon_vma), rmap_walk finding exactly the PTEs that map a page,
 * mapcount and refcount following the PTEs, and every anon_vma, chain link,
 * VMA and page table given back when the processes exit.
 */
#include "sim_fixture.h"

/* rmap_walk collector: the (mm, address) pairs that map a page. */
struct walk_hits {
	int n;
	struct mm_struct *mm[8];
	unsigned long addr[8];
};

static bool collect(struct page *page, struct vm_area_struct *vma, unsigned long addr, void *arg)
{
	struct walk_hits *h = arg;

	cr_assert_lt(h->n, 8);
	h->mm[h->n] = vma->vm_mm;
	h->addr[h->n] = addr;
	h->n++;
	return true;
}

static struct walk_hits walk(struct sim_machine *m, struct page *page)
{
	struct walk_hits h = { 0 };

	rmap_walk(m, page, collect, &h);
	return h;
}

static int chain_length(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;
	int n = 0;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		n++;
	return n;
}

static bool on_chain(struct vm_area_struct *vma, struct anon_vma *av)
{
	struct anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		if (avc->anon_vma == av)
			return true;
	return false;
}

static int vmas_of(struct anon_vma *av)
{
	struct anon_vma_chain *avc;
	int n = 0;

	list_for_each_entry(avc, &av->rb_root, same_anon_vma)
		n++;
	return n;
}

/* kernel-behaviour.md §2.2: a read creates no anon_vma; the first write does (anon_vma_prepare). */
Test(rmap, the_first_write_creates_an_anon_vma_and_the_page_points_to_it)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "rmap");
	unsigned long a = map_anon(t, 4, RW);
	struct vm_area_struct *vma = vma_at(t->mm, a);
	struct anon_vma *av;
	struct page *page;
	struct walk_hits h;

	load(t, a);
	cr_assert_null(vma->anon_vma);
	cr_assert(list_empty(&vma->anon_vma_chain));
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_ANON_VMA), 0);

	store(t, a + 2 * PG, 1);
	av = vma->anon_vma;
	cr_assert_not_null(av);
	cr_assert_eq(av->root, av);
	cr_assert_null(av->parent);
	cr_assert_eq(av->refcount, 1);
	cr_assert_eq(chain_length(vma), 1);
	cr_assert_eq(vmas_of(av), 1);
	page = page_at(t->mm, a + 2 * PG);
	cr_assert(PageAnon(page));
	cr_assert_eq(page_anon_vma(page), av);
	cr_assert_eq(page->index, (a >> PAGE_SHIFT) + 2, "the linear index of the page");
	h = walk(m, page);
	cr_assert_eq(h.n, 1);
	cr_assert_eq(h.mm[0], t->mm);
	cr_assert_eq(h.addr[0], a + 2 * PG);

	/* A second page joins the same anon_vma. */
	store(t, a, 1);
	cr_assert_eq(vma->anon_vma, av);
	cr_assert_eq(page_anon_vma(page_at(t->mm, a)), av);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_ANON_VMA), 1);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_AVC), 1);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* anon_vma_fork: the child sees the parent's anon_vma and gets its own beneath it. */
Test(rmap, fork_links_the_child_vma_to_the_parent_anon_vma_and_gives_it_its_own)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "parent"), *child;
	unsigned long a = map_anon(t, 4, RW);
	struct vm_area_struct *pvma, *cvma;
	struct anon_vma *pav, *cav;
	struct page *page;
	struct walk_hits h;

	store(t, a, 1);
	store(t, a + PG, 2);
	pvma = vma_at(t->mm, a);
	pav = pvma->anon_vma;
	cr_assert_eq(sim_fork(t, "child", &child), 0);
	cvma = vma_at(child->mm, a);
	cav = cvma->anon_vma;

	cr_assert_not_null(cav);
	cr_assert_neq(cav, pav);
	cr_assert_eq(cav->root, pav);
	cr_assert_eq(cav->parent, pav);
	cr_assert_eq(pav->degree, 1);
	cr_assert_eq(chain_length(pvma), 1);
	cr_assert_eq(chain_length(cvma), 2);
	cr_assert(on_chain(cvma, pav));
	cr_assert(on_chain(cvma, cav));
	cr_assert_not(on_chain(pvma, cav), "the parent never maps the child's pages");
	cr_assert_eq(vmas_of(pav), 2);
	cr_assert_eq(vmas_of(cav), 1);

	page = page_at(t->mm, a + PG);
	cr_assert_eq(page_anon_vma(page), pav, "fork does not move a page");
	cr_assert_eq(page_mapcount(page), 2);
	cr_assert_eq(page_count(page), 2);
	h = walk(m, page);
	cr_assert_eq(h.n, 2);
	cr_assert_eq(h.mm[0], t->mm);
	cr_assert_eq(h.mm[1], child->mm);
	cr_assert_eq(h.addr[0], a + PG);
	cr_assert_eq(h.addr[1], a + PG);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_ANON_VMA), 2);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_AVC), 3);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* wp_page_copy: the new page is the writer's, under the writer's own anon_vma. */
Test(rmap, a_child_cow_copy_belongs_to_the_child_anon_vma_and_rmap_finds_only_the_child)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "parent"), *child;
	unsigned long a = map_anon(t, 4, RW);
	struct page *orig, *copy;
	struct walk_hits h;

	store(t, a, 1);
	cr_assert_eq(sim_fork(t, "child", &child), 0);
	orig = page_at(t->mm, a);
	store(child, a, 2);
	copy = page_at(child->mm, a);

	cr_assert_neq(copy, orig);
	cr_assert_eq(page_anon_vma(copy), vma_at(child->mm, a)->anon_vma);
	cr_assert_eq(page_mapcount(copy), 1);
	cr_assert_eq(page_count(copy), 1);
	cr_assert_eq(page_mapcount(orig), 1);
	cr_assert_eq(page_count(orig), 1);
	h = walk(m, copy);
	cr_assert_eq(h.n, 1);
	cr_assert_eq(h.mm[0], child->mm);
	h = walk(m, orig);
	cr_assert_eq(h.n, 1, "the child's PTE no longer maps the original");
	cr_assert_eq(h.mm[0], t->mm);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §2.5: reuse calls page_move_anon_rmap, so the page
 * becomes the writer's alone.
 */
Test(rmap, a_reuse_moves_the_page_to_the_writer_anon_vma)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "parent"), *child;
	unsigned long a = map_anon(t, 4, RW);
	struct page *orig;
	struct walk_hits h;

	store(t, a, 1);
	cr_assert_eq(sim_fork(t, "child", &child), 0);
	orig = page_at(child->mm, a);
	store(t, a, 2);	    /* the parent copies */
	store(child, a, 3); /* the child reuses the original */
	cr_assert_eq(page_at(child->mm, a), orig);
	cr_assert_eq(page_anon_vma(orig), vma_at(child->mm, a)->anon_vma);
	cr_assert(PageAnonExclusive(orig));
	h = walk(m, orig);
	cr_assert_eq(h.n, 1);
	cr_assert_eq(h.mm[0], child->mm);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* __split_vma: both parts stay on the chain, so rmap still finds every page. */
Test(rmap, splitting_a_vma_links_both_parts_to_the_same_anon_vma)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "split");
	unsigned long a = map_anon(t, 16, RW);
	struct anon_vma *av;
	struct vm_area_struct *lo, *mid, *hi;
	struct walk_hits h;

	for (int i = 0; i < 16; i++)
		store(t, a + i * PG, 1);
	av = vma_at(t->mm, a)->anon_vma;
	cr_assert_eq(sim_mprotect(t, a + 4 * PG, 4 * PG, PROT_READ), 0);
	cr_assert_eq(sim_munmap(t, a + 12 * PG, 2 * PG), 0);
	lo = vma_at(t->mm, a);
	mid = vma_at(t->mm, a + 4 * PG);
	hi = vma_at(t->mm, a + 8 * PG);
	cr_assert_eq(t->mm->map_count, 4);
	cr_assert(lo != mid && mid != hi && lo != hi);
	for (struct vm_area_struct *v = t->mm->mmap; v; v = v->vm_next) {
		cr_assert_eq(v->anon_vma, av);
		cr_assert_eq(chain_length(v), 1);
		cr_assert(on_chain(v, av));
	}
	cr_assert_eq(vmas_of(av), 4);
	cr_assert_eq(av->refcount, 4);

	h = walk(m, page_at(t->mm, a + 5 * PG));
	cr_assert_eq(h.n, 1);
	cr_assert_eq(h.addr[0], a + 5 * PG);
	h = walk(m, page_at(t->mm, a + 15 * PG));
	cr_assert_eq(h.n, 1);
	cr_assert_eq(h.addr[0], a + 15 * PG);
	assert_machine_ok(m);

	/* Merging back drops the extra links. */
	cr_assert_eq(sim_mprotect(t, a + 4 * PG, 4 * PG, RW), 0);
	cr_assert_eq(t->mm->map_count, 2);
	cr_assert_eq(vmas_of(av), 2);
	cr_assert_eq(av->refcount, 2);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_AVC), 2);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* The moved pages keep their anon_vma and index; rmap finds them at the new address. */
Test(rmap, mremap_keeps_the_anon_vma_and_rmap_finds_the_new_address)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "move");
	unsigned long a = map_anon(t, 4, RW), got = 0;
	struct anon_vma *av;
	struct page *page;
	struct walk_hits h;

	map_anon_at(t, a + 4 * PG, 1, PROT_NONE);
	store(t, a + 2 * PG, 1);
	av = vma_at(t->mm, a)->anon_vma;
	page = page_at(t->mm, a + 2 * PG);
	cr_assert_eq(sim_mremap(t, a, 4 * PG, 8 * PG, MREMAP_MAYMOVE, &got), 0);
	cr_assert_neq(got, a);
	cr_assert_eq(page_at(t->mm, got + 2 * PG), page);
	cr_assert_eq(page_anon_vma(page), av);
	cr_assert(on_chain(vma_at(t->mm, got), av));
	h = walk(m, page);
	cr_assert_eq(h.n, 1);
	cr_assert_eq(h.addr[0], got + 2 * PG);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* Exit in either order: everything the reverse map holds is given back. */
Test(rmap, everything_is_freed_when_every_process_has_exited)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "parent"), *child, *grandchild;
	unsigned long a = map_anon(t, 8, RW), b = map_anon(t, 2, RW);
	struct page *shared;
	struct walk_hits h;

	for (int i = 0; i < 8; i++)
		store(t, a + i * PG, (u64)i);
	store(t, b, 1);
	cr_assert_eq(sim_fork(t, "child", &child), 0);
	store(child, a, 10);
	cr_assert_eq(sim_fork(child, "grandchild", &grandchild), 0);
	store(grandchild, a + PG, 11);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_ANON_VMA), 6, "two VMAs x three processes");
	assert_machine_ok(m);

	/* The parent goes first: its anon_vmas live on for the descendants. */
	shared = page_at(child->mm, a + 2 * PG);
	sim_exit(t);
	cr_assert_eq(page_mapcount(shared), 2);
	h = walk(m, shared);
	cr_assert_eq(h.n, 2);
	cr_assert_eq(h.mm[0], child->mm);
	cr_assert_eq(h.mm[1], grandchild->mm);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_ANON_VMA), 6,
		     "the root anon_vmas are still referenced by the descendants");
	cr_assert_eq(load(grandchild, a + 2 * PG), 2);
	assert_machine_ok(m);

	sim_exit(grandchild);
	assert_machine_ok(m);
	sim_exit(child);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_ANON_VMA), 0);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_AVC), 0);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_VMA), 0);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_PGTABLE), 0);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_MM), 0);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_PAGE_DATA), 0);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 32);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	cr_assert_eq(vmstat(m, NR_INACTIVE_ANON) + vmstat(m, NR_ACTIVE_ANON), 0);
	assert_machine_ok(m);
	machine_destroy(m);
}
