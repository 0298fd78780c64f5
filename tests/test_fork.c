// SPDX-License-Identifier: GPL-2.0
/*
 * test_fork.c - fork and copy-on-write of private anonymous memory
 * (sim/kernel/fork.c, memory.c copy_page_range / do_wp_page) against the
 * real kernel's probe p02 (real-kernel-6.18.md §2), row by row: the PFNs
 * both processes share after fork, the exclusive bit, smaps in each process,
 * copy versus reuse while the child lives and after it exits, and the zero
 * page COWed on each side; then what the table does not show (a VMA that only
 * read the zero page, the privacy of writes after fork).
 */
#include "sim_fixture.h"

enum p02_op { P02_NONE, P02_WRITE, P02_READ, P02_EXIT_CHILD };

/* One row of the p02 table: who acts, what it does, and what then shows. */
struct p02_step {
	const char *what;
	bool child;	  /* the child acts and is observed (else the parent) */
	enum p02_op op;
	unsigned pages;	  /* bit i: page i */
	unsigned long min; /* minor faults of the acting process */
	const char *P, *E, *classes, *smaps;
	long nr_anon, pgfault, pgreuse; /* vmstat deltas */
};

/* real-kernel-6.18.md §2, the p02 table after the fork, in the order it was taken. */
static const struct p02_step p02_after_fork[] = {
	{ "2 [child] just forked, no access", true, P02_NONE, 0, 0,
	  "111111", "000000", "ABCDEZ", "20/10/0/20/0/0/20/0/0", 0, 0, 0 },
	{ "3 [child] child writes page 0", true, P02_WRITE, 1 << 0, 1,
	  "111111", "100000", "FBCDEZ", "20/12/0/16/0/4/20/0/0", 1, 1, 0 },
	{ "4 [child] child reads page 1", true, P02_READ, 1 << 1, 0,
	  "111111", "100000", "FBCDEZ", "20/12/0/16/0/4/20/0/0", 0, 0, 0 },
	{ "5 [child] child writes page 5 (zero page in the parent)", true, P02_WRITE, 1 << 5, 1,
	  "111111", "100001", "FBCDEG", "24/16/0/16/0/8/24/0/0", 1, 1, 0 },
	{ "2 [parent] child alive and has COWed pages 0,5", false, P02_NONE, 0, 0,
	  "111111", "100000", "ABCDEZ", "20/12/0/16/0/4/20/0/0", 0, 0, 0 },
	{ "3 [parent] writes page 2 (the child never wrote it): copy", false, P02_WRITE, 1 << 2, 1,
	  "111111", "101000", "ABFDEZ", "20/14/0/12/0/8/20/0/0", 1, 1, 0 },
	{ "4 [parent] writes page 0 (the child copied it away): reuse", false, P02_WRITE, 1 << 0, 1,
	  "111111", "101000", "ABFDEZ", "20/14/0/12/0/8/20/0/0", 0, 1, 1 },
	/*
	 * The exit happens between the table's steps 4 and 5 and is not in
	 * either bracket: it frees the child's copies (pages 0, 5) and the
	 * original of page 2, which only the child still mapped.
	 */
	{ "child exits", false, P02_EXIT_CHILD, 0, 0,
	  "111111", "111110", "ABFDEZ", "20/20/0/0/0/20/20/0/0", -3, 0, 0 },
	{ "5 [parent] child exited, no access", false, P02_NONE, 0, 0,
	  "111111", "111110", "ABFDEZ", "20/20/0/0/0/20/20/0/0", 0, 0, 0 },
	{ "6 [parent] writes page 1 after the exit: reuse", false, P02_WRITE, 1 << 1, 1,
	  "111111", "111110", "ABFDEZ", "20/20/0/0/0/20/20/0/0", 0, 1, 1 },
	{ "7 [parent] writes pages 3,4 after the exit: reuse", false, P02_WRITE, 3 << 3, 2,
	  "111111", "111110", "ABFDEZ", "20/20/0/0/0/20/20/0/0", 0, 2, 2 },
	{ "8 [parent] writes page 5 (the zero page in the parent)", false, P02_WRITE, 1 << 5, 1,
	  "111111", "111111", "ABFDEG", "24/24/0/0/0/24/24/0/0", 1, 1, 0 },
};

/* p02 step 1: the parent writes 10+i into pages 0..4 and reads page 5. */
static unsigned long p02_setup(struct sim_machine *m, struct task_struct **parent,
			       struct task_struct **child, struct pfn_names *names)
{
	struct task_struct *p = sim_task_create(m, "parent");
	unsigned long a = map_anon(p, 6, RW);

	for (int i = 0; i < 5; i++)
		store(p, a + i * PG, 10 + (u64)i);
	cr_assert_eq(load(p, a + 5 * PG), 0);

	/* real-kernel-6.18.md §2 step 1 */
	cr_assert_eq(p->min_flt, 6);
	cr_assert_eq(vmstat(m, PGFAULT), 6);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 5);
	assert_present(p->mm, a, 6, "111111");
	assert_exclusive(p->mm, a, 6, "111110");
	assert_classes(names, p->mm, a, 6, "ABCDEZ");
	assert_mincore(p->mm, a, 6, "111111");
	assert_smaps(p->mm, a, "20/20/0/0/0/20/20/0/0");
	assert_machine_ok(m);

	cr_assert_eq(sim_fork(p, "child", child), 0);
	cr_assert_eq((*child)->min_flt, 0, "a fork child starts with no faults");
	*parent = p;
	return a;
}

static void p02_act(struct task_struct *t, const struct p02_step *s, unsigned long a)
{
	for (int i = 0; i < 6; i++) {
		if (!(s->pages & (1u << i)))
			continue;
		if (s->op == P02_WRITE)
			store(t, a + i * PG, 50 + (u64)i);
		else
			load(t, a + i * PG);
	}
}

static void run_p02(enum sim_kernel_profile kernel)
{
	struct sim_machine *m = machine_new(kernel, 64);
	struct task_struct *parent, *child;
	struct pfn_names pnames = { 0 }, cnames;
	unsigned long a = p02_setup(m, &parent, &child, &pnames);

	cnames = pnames; /* both views start from the parent's frames A..E */
	for (size_t i = 0; i < ARRAY_SIZE(p02_after_fork); i++) {
		const struct p02_step *s = &p02_after_fork[i];
		struct task_struct *t = s->child ? child : parent;
		struct pfn_names *names = s->child ? &cnames : &pnames;
		long anon = vmstat(m, NR_ANON_MAPPED), pgfault = vmstat(m, PGFAULT),
		     pgreuse = vmstat(m, PGREUSE);
		unsigned long min = t->min_flt;
		char b[SMAPS_LINE];

		if (s->op == P02_EXIT_CHILD)
			sim_exit(child);
		else
			p02_act(t, s, a);
		cr_assert_eq(t->min_flt - min, s->min, "%s: %lu faults", s->what, t->min_flt - min);
		cr_assert_eq(vmstat(m, NR_ANON_MAPPED) - anon, s->nr_anon, "%s: nr_anon_pages%+ld",
			     s->what, vmstat(m, NR_ANON_MAPPED) - anon);
		cr_assert_eq(vmstat(m, PGFAULT) - pgfault, s->pgfault, "%s: pgfault%+ld", s->what,
			     vmstat(m, PGFAULT) - pgfault);
		cr_assert_eq(vmstat(m, PGREUSE) - pgreuse, s->pgreuse, "%s: pgreuse%+ld", s->what,
			     vmstat(m, PGREUSE) - pgreuse);
		cr_assert_str_eq(pm_bits(t->mm, a, 6, PM_PRESENT, b), s->P, "%s: P %s", s->what, b);
		cr_assert_str_eq(pm_bits(t->mm, a, 6, PM_MMAP_EXCLUSIVE, b), s->E, "%s: E %s",
				 s->what, b);
		cr_assert_str_eq(pm_bits(t->mm, a, 6, PM_FILE | PM_SWAP, b), "000000");
		cr_assert_str_eq(mincore_bits(t->mm, a, 6, b), "111111", "%s: mincore %s", s->what,
				 b);
		cr_assert_str_eq(pfn_classes(names, t->mm, a, 6, b), s->classes, "%s: PFNs %s",
				 s->what, b);
		cr_assert_str_eq(smaps_line(t->mm, a, b), s->smaps, "%s: smaps %s",
				 s->what, b);
		assert_machine_ok(m);
	}
	machine_destroy(m);
}

/* real-kernel-6.18.md §2, every row. */
Test(fork, p02_fork_and_cow_match_the_measured_table_row_by_row)
{
	run_p02(SIM_KERNEL_6_18);
}

/*
 * The 4.19 reuse rule (mapcount, reuse_swap_page) and the 6.18 one
 * (PG_anon_exclusive, then refcount) agree on every step of this sequence.
 */
Test(fork, p02_gives_the_same_table_under_the_4_19_profile)
{
	run_p02(SIM_KERNEL_4_19);
}

/* real-kernel-6.18.md §2 "Rule as measured" and §7.3 of kernel-behaviour.md. */
Test(fork, fork_shares_every_frame_clears_the_exclusive_bit_and_copies_ptes_old)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *parent, *child;
	struct pfn_names names = { 0 };
	unsigned long a = p02_setup(m, &parent, &child, &names);

	for (int i = 0; i < 6; i++) {
		unsigned long addr = a + i * PG;
		pte_t pp = pte_at(parent->mm, addr), cp = pte_at(child->mm, addr);

		cr_assert_eq(pfn_at(parent->mm, addr), pfn_at(child->mm, addr), "page %d", i);
		cr_assert_not(pte_write(pp), "page %d: the parent PTE is write-protected", i);
		cr_assert_not(pte_write(cp), "page %d: the child PTE is read-only", i);
		cr_assert_not(pte_young(cp), "page %d: the child PTE is old", i);
		if (i < 5) {
			struct page *page = page_at(parent->mm, addr);

			cr_assert(pte_dirty(cp), "page %d: a private child PTE stays dirty", i);
			cr_assert_eq(page_count(page), 2, "kpagecount 2");
			cr_assert_eq(page_mapcount(page), 2);
			cr_assert_not(PageAnonExclusive(page));
		}
	}
	assert_exclusive(parent->mm, a, 6, "000000");
	assert_exclusive(child->mm, a, 6, "000000");
	assert_smaps(parent->mm, a, "20/10/0/20/0/0/20/0/0");
	assert_smaps(child->mm, a, "20/10/0/20/0/0/20/0/0");
	cr_assert_eq(smaps_referenced_kb(child->mm, a), 0, "the child's PTEs are old");
	cr_assert_eq(smaps_referenced_kb(parent->mm, a), 20);
	cr_assert_eq(child->mm->rss_stat[MM_ANONPAGES], 5);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 5, "fork allocates no page");
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 64 - 5);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* real-kernel-6.18.md §2: "the parent's copy of that page then shows E=1 and count 1". */
Test(fork, child_write_copies_and_leaves_the_parent_page_exclusive_again)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *parent, *child;
	struct pfn_names names = { 0 };
	unsigned long a = p02_setup(m, &parent, &child, &names);
	long before = pfn_at(parent->mm, a);
	struct page *orig = page_at(parent->mm, a);

	store(child, a, 99);
	cr_assert_eq(child->min_flt, 1);
	cr_assert_neq(pfn_at(child->mm, a), before);
	cr_assert_eq(pfn_at(parent->mm, a), before);
	cr_assert_eq(page_count(orig), 1);
	cr_assert_eq(page_mapcount(orig), 1);
	assert_exclusive(parent->mm, a, 1, "1");
	assert_exclusive(child->mm, a, 1, "1");
	cr_assert(PageAnonExclusive(page_at(child->mm, a)));
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * real-kernel-6.18.md §2 last rule: "Writing 52 into page 2 in the parent
 * ... the child read 12".
 */
Test(fork, writes_after_fork_are_not_visible_to_the_other_side)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *parent, *child;
	struct pfn_names names = { 0 };
	unsigned long a = p02_setup(m, &parent, &child, &names);

	store(parent, a + 2 * PG, 52);
	cr_assert_eq(load(child, a + 2 * PG), 12);
	cr_assert_eq(load(parent, a + 2 * PG), 52);

	store(child, a + 3 * PG, 77);
	cr_assert_eq(load(parent, a + 3 * PG), 13);
	cr_assert_eq(load(child, a + 3 * PG), 77);

	/* The zero page too: each side COWs its own. */
	store(child, a + 5 * PG, 5);
	cr_assert_eq(load(parent, a + 5 * PG), 0);
	cr_assert_eq(pfn_at(parent->mm, a + 5 * PG), (long)ZERO_PFN);

	/* Untouched pages still share their frame and the old contents. */
	cr_assert_eq(load(child, a + PG), 11);
	cr_assert_eq(pfn_at(parent->mm, a + PG), pfn_at(child->mm, a + PG));
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §6.1 (vma_needs_copy): an anon VMA without an
 * anon_vma is not copied. Measured on this machine: after reading 4 pages of
 * a fresh private mapping, the fork child's pagemap shows P=0000, and its
 * first read takes a fault of its own.
 */
Test(fork, fork_of_a_vma_that_only_read_the_zero_page_copies_no_ptes)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *parent = sim_task_create(m, "parent"), *child;
	unsigned long a = map_anon(parent, 4, RW);
	unsigned long written = map_anon(parent, 1, RW);

	for (int i = 0; i < 4; i++)
		load(parent, a + i * PG);
	store(parent, written, 1);
	cr_assert_null(vma_at(parent->mm, a)->anon_vma);

	cr_assert_eq(sim_fork(parent, "child", &child), 0);
	assert_present(child->mm, a, 4, "0000");
	assert_present(parent->mm, a, 4, "1111");
	assert_present(child->mm, written, 1, "1");
	cr_assert_eq(vma_at(child->mm, a)->vm_start, a, "the VMA itself is copied");
	cr_assert(list_empty(&vma_at(child->mm, a)->anon_vma_chain));
	/* The child's first read is a fault of its own, mapping the zero page. */
	cr_assert_eq(load(child, a + 2 * PG), 0);
	cr_assert_eq(child->min_flt, 1);
	cr_assert_eq(pfn_at(child->mm, a + 2 * PG), (long)ZERO_PFN);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* kernel-behaviour.md §2.5: "The first writer copies ... The other process's next write reuses". */
Test(fork, the_second_writer_reuses_even_while_the_first_is_alive)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *parent, *child;
	struct pfn_names names = { 0 };
	unsigned long a = p02_setup(m, &parent, &child, &names);
	long orig = pfn_at(child->mm, a + 4 * PG);
	long free_before;

	store(parent, a + 4 * PG, 1); /* copy */
	free_before = vmstat(m, NR_FREE_PAGES);
	store(child, a + 4 * PG, 2);  /* reuse: same frame, no allocation */
	cr_assert_eq(pfn_at(child->mm, a + 4 * PG), orig);
	cr_assert_neq(pfn_at(parent->mm, a + 4 * PG), orig);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), free_before);
	cr_assert_eq(vmstat(m, PGREUSE), 1);
	cr_assert_eq(load(parent, a + 4 * PG), 1);
	cr_assert_eq(load(child, a + 4 * PG), 2);
	assert_machine_ok(m);
	machine_destroy(m);
}

Test(fork, a_grandchild_shares_frames_with_both_ancestors_until_it_writes)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *parent, *child, *grandchild;
	struct pfn_names names = { 0 };
	unsigned long a = p02_setup(m, &parent, &child, &names);
	struct page *page = page_at(parent->mm, a + PG);

	cr_assert_eq(sim_fork(child, "grandchild", &grandchild), 0);
	cr_assert_eq(page_mapcount(page), 3);
	cr_assert_eq(page_count(page), 3);
	assert_smaps(grandchild->mm, a, "20/6/0/20/0/0/20/0/0");

	store(grandchild, a + PG, 3);
	cr_assert_eq(page_mapcount(page), 2);
	cr_assert_eq(load(parent, a + PG), 11);
	cr_assert_eq(load(child, a + PG), 11);
	sim_exit(child);
	sim_exit(parent);
	cr_assert_eq(load(grandchild, a + PG), 3);
	cr_assert_eq(load(grandchild, a + 2 * PG), 12);
	cr_assert_eq(page_count(page_at(grandchild->mm, a + 2 * PG)), 1);
	assert_exclusive(grandchild->mm, a, 6, "111110");
	assert_machine_ok(m);
	sim_exit(grandchild);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 64);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	machine_destroy(m);
}
