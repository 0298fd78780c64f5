// SPDX-License-Identifier: GPL-2.0
/*
 * test_mprotect.c - changing the protection of a range (sim/kernel/mprotect.c).
 *
 * The range is split off its VMA and merged back when the protections agree
 * again; removing write write-protects the PTEs; adding it back differs by
 * kernel: since 6.0 an exclusive anonymous page is made writable at once
 * (can_change_pte_writable), before that the next store is a reuse fault.
 * kernel-behaviour.md §6.2; the 6.18 side was measured on this machine
 * (probe numbers in the comments: the real-kernel-6.18.md tables have no
 * mprotect row).
 */
#include "sim_fixture.h"

/* Measured on this machine: 3 maps lines after mprotect of the middle, 1 after restoring it. */
Test(mprotect, mprotect_of_the_middle_splits_into_three_vmas_and_restoring_merges_them_back)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "split");
	unsigned long a = map_anon(t, 16, RW);
	struct vm_area_struct *mid;

	for (int i = 0; i < 16; i++)
		store(t, a + i * PG, 10 + (u64)i);

	cr_assert_eq(sim_mprotect(t, a + 4 * PG, 4 * PG, PROT_READ), 0);
	cr_assert_eq(t->mm->map_count, 3);
	mid = vma_at(t->mm, a + 4 * PG);
	cr_assert_eq(mid->vm_start, a + 4 * PG);
	cr_assert_eq(mid->vm_end, a + 8 * PG);
	cr_assert_eq(mid->vm_flags & VM_ACCESS_FLAGS, VM_READ);
	cr_assert_eq(vma_at(t->mm, a)->vm_end, a + 4 * PG);
	cr_assert_eq(vma_at(t->mm, a + 8 * PG)->vm_start, a + 8 * PG);
	cr_assert_eq(vma_at(t->mm, a + 8 * PG)->vm_flags & VM_ACCESS_FLAGS, VM_READ | VM_WRITE);
	for (int i = 4; i < 8; i++)
		cr_assert_not(pte_write(pte_at(t->mm, a + i * PG)), "page %d write-protected", i);
	cr_assert(pte_write(pte_at(t->mm, a + 3 * PG)));
	cr_assert(pte_write(pte_at(t->mm, a + 8 * PG)));
	cr_assert_eq(t->mm->total_vm, 16);
	assert_machine_ok(m);

	cr_assert_eq(sim_mprotect(t, a + 4 * PG, 4 * PG, RW), 0);
	cr_assert_eq(t->mm->map_count, 1);
	cr_assert_eq(vma_at(t->mm, a)->vm_start, a);
	cr_assert_eq(vma_at(t->mm, a)->vm_end, a + 16 * PG);
	for (int i = 0; i < 16; i++)
		cr_assert_eq(load(t, a + i * PG), 10 + (u64)i);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_VMA), 1);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* Measured on this machine: SIGSEGV; kernel-behaviour.md §2.1 (SEGV_ACCERR, not counted). */
Test(mprotect, a_write_to_the_read_only_part_raises_sigsegv)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "ro");
	unsigned long a = map_anon(t, 16, RW);
	unsigned long f;

	for (int i = 0; i < 16; i++)
		store(t, a + i * PG, 10 + (u64)i);
	cr_assert_eq(sim_mprotect(t, a + 4 * PG, 4 * PG, PROT_READ), 0);

	f = t->min_flt;
	cr_assert_eq(try_store(t, a + 5 * PG, 1), SIGSEGV);
	cr_assert_eq(try_store(t, a + 4 * PG, 1), SIGSEGV, "the first page of the range");
	cr_assert_eq(try_store(t, a + 7 * PG + 4088, 1), SIGSEGV, "the last word of the range");
	cr_assert_eq(t->min_flt, f, "refused before any fault");
	cr_assert_eq(load(t, a + 5 * PG), 15, "the data is untouched and still readable");
	store(t, a + 3 * PG, 1);
	store(t, a + 8 * PG, 1);
	cr_assert_eq(t->min_flt, f, "the neighbours stay writable");
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * Measured on this machine (6.18): after RW -> R -> RW, a store takes
 * minflt+0, pgreuse+0, same PFN.
 */
Test(mprotect, restoring_write_makes_an_exclusive_anon_pte_writable_without_a_fault_under_6_18)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "upgrade");
	unsigned long a = map_anon(t, 16, RW);
	long pfn;

	for (int i = 0; i < 16; i++)
		store(t, a + i * PG, 1);
	pfn = pfn_at(t->mm, a + 5 * PG);
	cr_assert_eq(sim_mprotect(t, a + 4 * PG, 4 * PG, PROT_READ), 0);
	cr_assert_not(pte_write(pte_at(t->mm, a + 5 * PG)));
	cr_assert_eq(sim_mprotect(t, a + 4 * PG, 4 * PG, RW), 0);
	cr_assert(pte_write(pte_at(t->mm, a + 5 * PG)), "can_change_pte_writable upgraded it");

	store(t, a + 5 * PG, 2);
	cr_assert_eq(t->min_flt, 16);
	cr_assert_eq(vmstat(m, PGFAULT), 16);
	cr_assert_eq(vmstat(m, PGREUSE), 0);
	cr_assert_eq(pfn_at(t->mm, a + 5 * PG), pfn);
	cr_assert_eq(load(t, a + 5 * PG), 2);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §6.2: "≤5.18 leaves private anon PTEs read-only, so
 * each page costs a write fault (reuse)".
 */
Test(mprotect, restoring_write_under_4_19_leaves_the_pte_read_only_until_a_reuse_fault)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_4_19, 32);
	struct task_struct *t = sim_task_create(m, "upgrade");
	unsigned long a = map_anon(t, 16, RW);
	long pfn;

	for (int i = 0; i < 16; i++)
		store(t, a + i * PG, 1);
	pfn = pfn_at(t->mm, a + 5 * PG);
	cr_assert_eq(sim_mprotect(t, a + 4 * PG, 4 * PG, PROT_READ), 0);
	cr_assert_eq(sim_mprotect(t, a + 4 * PG, 4 * PG, RW), 0);
	cr_assert_eq(t->mm->map_count, 1);
	cr_assert_not(pte_write(pte_at(t->mm, a + 5 * PG)));

	store(t, a + 5 * PG, 2);
	cr_assert_eq(t->min_flt, 17, "one reuse fault");
	cr_assert_eq(vmstat(m, PGREUSE), 1);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 16, "reused, not copied");
	cr_assert_eq(pfn_at(t->mm, a + 5 * PG), pfn);
	cr_assert(pte_write(pte_at(t->mm, a + 5 * PG)));
	store(t, a + 5 * PG, 3);
	cr_assert_eq(t->min_flt, 17);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * can_change_pte_writable: only PageAnonExclusive pages; fork cleared the
 * bit (real-kernel-6.18.md §2).
 */
Test(mprotect, restoring_write_leaves_a_page_shared_with_a_fork_child_read_only)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "parent"), *child;
	unsigned long a = map_anon(t, 2, RW);
	long pfn;

	store(t, a, 7);
	store(t, a + PG, 8);
	cr_assert_eq(sim_fork(t, "child", &child), 0);
	pfn = pfn_at(t->mm, a);
	cr_assert_eq(sim_mprotect(t, a, 2 * PG, PROT_READ), 0);
	cr_assert_eq(sim_mprotect(t, a, 2 * PG, RW), 0);
	cr_assert_not(pte_write(pte_at(t->mm, a)), "shared with the child: still COW");

	store(t, a, 9);
	cr_assert_eq(t->min_flt, 3, "the store copies");
	cr_assert_neq(pfn_at(t->mm, a), pfn);
	cr_assert_eq(load(child, a), 7);
	assert_machine_ok(m);
	machine_destroy(m);
}

Test(mprotect, restoring_write_leaves_the_zero_page_read_only)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "zero");
	unsigned long a = map_anon(t, 2, RW);

	load(t, a);
	store(t, a + PG, 1);
	cr_assert_eq(sim_mprotect(t, a, 2 * PG, PROT_READ), 0);
	cr_assert_eq(sim_mprotect(t, a, 2 * PG, RW), 0);
	cr_assert_not(pte_write(pte_at(t->mm, a)));
	cr_assert(pte_write(pte_at(t->mm, a + PG)));
	store(t, a, 2);
	cr_assert_eq(t->min_flt, 3, "COW of the zero page");
	cr_assert_gt(pfn_at(t->mm, a), 0);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * PROT_NONE keeps the page (the PTE becomes a PROTNONE entry, still present
 * to pagemap); any access is SIGSEGV; restoring the protection gives the
 * same frame back with its data.
 */
Test(mprotect, prot_none_refuses_every_access_and_keeps_the_page)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "none");
	unsigned long a = map_anon(t, 4, RW);
	long pfn;

	store(t, a + PG, 21);
	pfn = pfn_at(t->mm, a + PG);
	cr_assert_eq(sim_mprotect(t, a, 4 * PG, PROT_NONE), 0);
	cr_assert(pte_protnone(pte_at(t->mm, a + PG)));
	cr_assert_eq(pfn_at(t->mm, a + PG), pfn);
	assert_mincore(t->mm, a, 4, "0100");
	cr_assert_eq(try_load(t, a + PG), SIGSEGV);
	cr_assert_eq(try_store(t, a + PG, 1), SIGSEGV);
	cr_assert_eq(try_load(t, a), SIGSEGV);
	cr_assert_eq(t->min_flt, 1);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 1);
	assert_machine_ok(m);

	cr_assert_eq(sim_mprotect(t, a, 4 * PG, RW), 0);
	cr_assert_eq(load(t, a + PG), 21);
	store(t, a + PG, 22);
	cr_assert_eq(t->min_flt, 1, "exclusive: writable again at once (6.18)");
	cr_assert_eq(pfn_at(t->mm, a + PG), pfn);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * Measured on this machine: mprotect at an unaligned address is EINVAL, of
 * an unmapped range ENOMEM, and of a range running past the end of its
 * mapping ENOMEM after changing the mapped part.
 */
Test(mprotect, bad_ranges_fail_and_a_range_with_a_hole_changes_only_what_precedes_it)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "errors");
	unsigned long a = map_anon(t, 16, RW);

	cr_assert_eq(sim_mprotect(t, a + 1, PG, PROT_READ), -EINVAL);
	cr_assert_eq(sim_mprotect(t, a, PG, 0x1000), -EINVAL, "unknown PROT bit");
	cr_assert_eq(sim_mprotect(t, BASE2, PG, PROT_READ), -ENOMEM);
	cr_assert_eq(sim_mprotect(t, a - PG, 2 * PG, PROT_READ), -ENOMEM, "starts in a hole");
	cr_assert_eq(t->mm->map_count, 1);
	cr_assert_eq(vma_at(t->mm, a)->vm_flags & VM_ACCESS_FLAGS, VM_READ | VM_WRITE);

	cr_assert_eq(sim_mprotect(t, a, 32 * PG, PROT_READ), -ENOMEM);
	cr_assert_eq(t->mm->map_count, 1);
	cr_assert_eq(vma_at(t->mm, a)->vm_flags & VM_ACCESS_FLAGS, VM_READ,
		     "the mapped part was changed");
	cr_assert_eq(sim_mprotect(t, a, 0, PROT_NONE), 0, "length 0 does nothing");
	assert_machine_ok(m);
	machine_destroy(m);
}

/* A range over two VMAs with different protections ends as one VMA. */
Test(mprotect, mprotect_across_two_vmas_merges_them)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "two");
	unsigned long a = map_anon(t, 8, RW);

	store(t, a, 1);
	store(t, a + 7 * PG, 2);
	cr_assert_eq(sim_mprotect(t, a + 4 * PG, 4 * PG, PROT_READ), 0);
	cr_assert_eq(t->mm->map_count, 2);
	cr_assert_eq(sim_mprotect(t, a, 8 * PG, PROT_READ), 0);
	cr_assert_eq(t->mm->map_count, 1);
	cr_assert_eq(try_store(t, a, 3), SIGSEGV);
	cr_assert_eq(load(t, a + 7 * PG), 2);
	assert_machine_ok(m);
	machine_destroy(m);
}
