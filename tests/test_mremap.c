// SPDX-License-Identifier: GPL-2.0
/*
 * test_mremap.c - shrinking, growing and moving a mapping (sim/kernel/mremap.c).
 *
 * kernel-behaviour.md §6.2: shrinking unmaps the tail, growth happens in
 * place when the addresses after the VMA are free, else MREMAP_MAYMOVE moves
 * the PTEs (move_page_tables) with no fault, PFNs and data going along. The
 * 6.18 side was measured on this machine with a probe (the comments give the
 * numbers); where the moved mapping lands follows the scenario placement rule
 * instead of the kernel's top-down search.
 */
#include "sim_fixture.h"

Test(mremap, shrinking_unmaps_the_tail_and_frees_its_pages)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "shrink");
	unsigned long a = map_anon(t, 8, RW), got = 0;

	for (int i = 0; i < 8; i++)
		store(t, a + i * PG, 10 + (u64)i);
	cr_assert_eq(sim_mremap(t, a, 8 * PG, 3 * PG, 0, &got), 0);
	cr_assert_eq(got, a);
	cr_assert_eq(vma_at(t->mm, a)->vm_end, a + 3 * PG);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 32 - 3);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 3);
	cr_assert_eq(t->mm->total_vm, 3);
	cr_assert_eq(try_load(t, a + 3 * PG), SIGSEGV);
	cr_assert_eq(load(t, a + 2 * PG), 12);
	assert_machine_ok(m);

	cr_assert_eq(sim_mremap(t, a, 3 * PG, 3 * PG, 0, &got), 0, "same size: nothing to do");
	cr_assert_eq(got, a);
	cr_assert_eq(t->mm->map_count, 1);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* Measured on this machine: 8 -> 16 pages without MREMAP_MAYMOVE returned the same address. */
Test(mremap, growing_in_place_extends_the_vma_when_the_next_pages_are_free)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "grow");
	unsigned long a = map_anon(t, 8, RW), got = 0;
	long pfn;

	for (int i = 0; i < 8; i++)
		store(t, a + i * PG, 10 + (u64)i);
	pfn = pfn_at(t->mm, a + 7 * PG);
	cr_assert_eq(sim_mremap(t, a, 8 * PG, 16 * PG, 0, &got), 0);
	cr_assert_eq(got, a);
	cr_assert_eq(t->mm->map_count, 1);
	cr_assert_eq(vma_at(t->mm, a)->vm_end, a + 16 * PG);
	cr_assert_eq(t->mm->total_vm, 16);
	cr_assert_eq(pfn_at(t->mm, a + 7 * PG), pfn);
	assert_present(t->mm, a, 16, "1111111100000000");
	cr_assert_eq(t->min_flt, 8);
	/* The new pages behave like any untouched anon page. */
	cr_assert_eq(load(t, a + 12 * PG), 0);
	cr_assert_eq(pfn_at(t->mm, a + 12 * PG), (long)ZERO_PFN);
	store(t, a + 15 * PG, 25);
	cr_assert_eq(t->min_flt, 10);
	cr_assert_eq(load(t, a + 7 * PG), 17);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * Measured on this machine: with a PROT_NONE guard right after an 8-page
 * mapping, mremap(16 -> 32 pages, MREMAP_MAYMOVE) moved it: minflt+0, the
 * same PFN at the new address, E=1, the data intact.
 */
Test(mremap, moving_keeps_pfns_and_contents_and_takes_no_fault)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "move");
	unsigned long a = map_anon(t, 8, RW), got = 0;
	long pfn[8];

	map_anon_at(t, a + 8 * PG, 1, PROT_NONE); /* the guard */
	for (int i = 0; i < 8; i++) {
		if (i == 6)
			load(t, a + i * PG); /* a zero-page PTE moves too */
		else
			store(t, a + i * PG, 10 + (u64)i);
		pfn[i] = pfn_at(t->mm, a + i * PG);
	}
	cr_assert_eq(sim_mremap(t, a, 8 * PG, 16 * PG, MREMAP_MAYMOVE, &got), 0);
	cr_assert_eq(got, BASE2, "placed by the rule: the next free GiB");
	cr_assert_eq(t->min_flt, 8);
	cr_assert_eq(vmstat(m, PGFAULT), 8);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(pfn_at(t->mm, got + i * PG), pfn[i], "page %d keeps its frame", i);
	assert_present(t->mm, got, 16, "1111111100000000");
	assert_exclusive(t->mm, got, 8, "11111101");
	for (int i = 0; i < 8; i++)
		cr_assert_eq(load(t, got + i * PG), i == 6 ? 0 : 10 + (u64)i);
	cr_assert_eq(t->min_flt, 8, "reading the moved pages takes no fault");
	store(t, got + 3 * PG, 99);
	cr_assert_eq(t->min_flt, 8, "nor does writing them: the PTEs moved writable");

	/* The old range is gone; the guard stays. */
	cr_assert_eq(try_load(t, a), SIGSEGV);
	cr_assert_eq(mincore_page(t->mm, a), -ENOMEM);
	cr_assert_eq(t->mm->map_count, 2);
	cr_assert_eq(t->mm->total_vm, 16 + 1);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 7);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 32 - 7);
	cr_assert_eq(t->mm->rss_stat[MM_ANONPAGES], 7);
	assert_smaps(t->mm, got, "28/28/0/0/0/28/28/0/0");
	/* The guard keeps the old PTE table: one PUD, and a PMD + PTE table in each GiB. */
	cr_assert_eq(t->mm->pgtables_bytes, 5 * PG);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* Measured on this machine: blocked by the guard and no MREMAP_MAYMOVE -> errno 12 (ENOMEM). */
Test(mremap, growing_without_maymove_when_the_next_page_is_taken_fails_with_enomem)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "blocked");
	unsigned long a = map_anon(t, 8, RW), got = 0x1234;

	map_anon_at(t, a + 16 * PG, 1, PROT_NONE);
	store(t, a, 5);
	cr_assert_eq(sim_mremap(t, a, 8 * PG, 16 * PG, 0, &got), 0, "exactly fits");
	cr_assert_eq(sim_mremap(t, a, 16 * PG, 17 * PG, 0, &got), -ENOMEM);
	cr_assert_eq(got, a);
	cr_assert_eq(vma_at(t->mm, a)->vm_end, a + 16 * PG);
	cr_assert_eq(t->mm->map_count, 2);
	cr_assert_eq(load(t, a), 5);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * Measured on this machine: moving the first 4 pages of a 16-page mapping
 * leaves pages 4..15 where they were.
 */
Test(mremap, moving_a_prefix_of_a_vma_leaves_the_rest_in_place)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "prefix");
	unsigned long a = map_anon(t, 16, RW), got = 0;

	for (int i = 0; i < 16; i++)
		store(t, a + i * PG, 10 + (u64)i);
	cr_assert_eq(sim_mremap(t, a, 4 * PG, 8 * PG, MREMAP_MAYMOVE, &got), 0);
	cr_assert_neq(got, a);
	cr_assert_eq(load(t, got), 10);
	cr_assert_eq(load(t, got + 3 * PG), 13);
	cr_assert_eq(load(t, got + 4 * PG), 0);
	cr_assert_eq(try_load(t, a), SIGSEGV);
	cr_assert_eq(vma_at(t->mm, a + 4 * PG)->vm_start, a + 4 * PG);
	cr_assert_eq(load(t, a + 4 * PG), 14);
	cr_assert_eq(t->mm->map_count, 2);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 16);
	cr_assert_eq(t->min_flt, 16 + 1, "only the read of a new page faulted");
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * Measured on this machine: unmapped -> EFAULT (14); new_len 0 or an
 * unaligned address -> EINVAL (22).
 */
Test(mremap, bad_arguments_fail_with_the_kernel_errnos)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "errors");
	unsigned long a = map_anon(t, 4, RW), got = 0;

	cr_assert_eq(sim_mremap(t, BASE2, PG, 2 * PG, MREMAP_MAYMOVE, &got), -EFAULT);
	cr_assert_eq(sim_mremap(t, a, PG, 0, MREMAP_MAYMOVE, &got), -EINVAL);
	cr_assert_eq(sim_mremap(t, a + 1, PG, 2 * PG, MREMAP_MAYMOVE, &got), -EINVAL);
	cr_assert_eq(sim_mremap(t, a, PG, 2 * PG, 0x100, &got), -EINVAL, "unknown flag");
	cr_assert_eq(sim_mremap(t, a, 8 * PG, 16 * PG, MREMAP_MAYMOVE, &got), -EFAULT,
		     "old range runs past the VMA");
	cr_assert_eq(t->mm->map_count, 1);
	cr_assert_eq(vma_at(t->mm, a)->vm_end, a + 4 * PG);
	assert_machine_ok(m);
	machine_destroy(m);
}
