// SPDX-License-Identifier: GPL-2.0
/*
 * test_mmap.c - mmap and munmap of private anonymous memory
 * (sim/kernel/mmap.c, gup.c, memory.c free_pgtables).
 *
 * Placement follows the scenario language's rule (0x600000000000, then the
 * next free GiB with a GiB of room after it), which mmsim check also imposes
 * on the real kernel with MAP_FIXED_NOREPLACE. Everything else is compared
 * with Linux 6.18 on this machine kind: where real-kernel-6.18.md has no row,
 * the comment gives what a probe measured here (VmPTE, hint rounding, the
 * errnos, MAP_POPULATE's fault count, merging under MAP_FIXED).
 */
#include "sim_fixture.h"

Test(mmap, mappings_without_an_address_go_to_0x600000000000_then_0x600040000000)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "place");
	unsigned long a, b, c, big, d;

	a = map_anon(t, 16, RW);
	b = map_anon(t, 1, PROT_READ);
	c = map_anon(t, 4, RW);
	cr_assert_eq(a, 0x600000000000UL);
	cr_assert_eq(b, 0x600040000000UL);
	cr_assert_eq(c, 0x600080000000UL);

	/* A mapping of more than a GiB pushes the next one past its end. */
	big = map_anon(t, (SIM_MMAP_ALIGN >> PAGE_SHIFT) + 1, PROT_NONE);
	cr_assert_eq(big, 0x6000c0000000UL);
	d = map_anon(t, 1, RW);
	cr_assert_eq(d, 0x600140000000UL);

	/*
	 * The rule wants the GiB after the mapping free too: with the first
	 * mapping gone, 0x600000000000 is still refused while b sits one GiB up.
	 */
	cr_assert_eq(sim_munmap(t, a, 16 * PG), 0);
	cr_assert_eq(map_anon(t, 2, RW), 0x600180000000UL);
	cr_assert_eq(sim_munmap(t, b, PG), 0);
	cr_assert_eq(map_anon(t, 1, RW), 0x600000000000UL);
	cr_assert_eq(t->mm->map_count, 5);
	cr_assert_eq(t->mm->total_vm, 4 + (SIM_MMAP_ALIGN >> PAGE_SHIFT) + 1 + 1 + 2 + 1);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * Measured on this machine: mmap(0x600000012345, 1 page) without MAP_FIXED
 * returned 0x600000012000 (the hint is rounded down, round_hint_to_min), a
 * free hint is taken as it is, a hint that overlaps a mapping is ignored,
 * and hints below 64 KiB (CONFIG_LSM_MMAP_MIN_ADDR) give 0x10000.
 */
Test(mmap, a_free_hint_is_used_rounded_down_and_a_busy_one_is_ignored)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "hint");
	unsigned long got = 0;

	cr_assert_eq(sim_mmap(t, BASE + 0x12345, PG, PROT_READ, ANON_PRIVATE, NULL, 0, &got), 0);
	cr_assert_eq(got, BASE + 0x12000, "unaligned hint gave %#lx", got);
	cr_assert_eq(sim_munmap(t, got, PG), 0);

	cr_assert_eq(sim_mmap(t, BASE + 0x1000, 2 * PG, RW, ANON_PRIVATE, NULL, 0, &got), 0);
	cr_assert_eq(got, BASE + 0x1000);
	/* Overlaps the previous one: the placement rule decides instead. */
	cr_assert_eq(sim_mmap(t, BASE + 0x2000, PG, RW, ANON_PRIVATE, NULL, 0, &got), 0);
	cr_assert_eq(got, BASE2);
	cr_assert_eq(t->mm->map_count, 2);

	cr_assert_eq(sim_mmap(t, 0x8000, PG, PROT_READ, ANON_PRIVATE, NULL, 0, &got), 0);
	cr_assert_eq(got, 0x10000, "a hint of 0x8000 gave %#lx", got);
	cr_assert_eq(t->mm->map_count, 3);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §6.1 MAP_FIXED: "silently unmaps whatever overlapped,
 * with the normal munmap effects: anon freed". Measured on this machine: the
 * replaced range reads 0, its neighbours keep their data, and a replacement
 * with the same protection merges back into one VMA.
 */
Test(mmap, map_fixed_replaces_the_old_mapping_and_frees_its_pages)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "fixed");
	unsigned long a = map_anon(t, 8, RW), got = 0;

	for (int i = 0; i < 8; i++)
		store(t, a + i * PG, 10 + (u64)i);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 8);

	cr_assert_eq(sim_mmap(t, a + 2 * PG, 4 * PG, PROT_READ, ANON_PRIVATE | MAP_FIXED, NULL, 0,
			      &got), 0);
	cr_assert_eq(got, a + 2 * PG);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 12, "the four replaced pages are freed");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 4);
	cr_assert_eq(t->mm->rss_stat[MM_ANONPAGES], 4);
	assert_present(t->mm, a, 8, "11000011");
	cr_assert_eq(t->mm->map_count, 3, "rw | r | rw");
	cr_assert_eq(load(t, a + 3 * PG), 0);
	cr_assert_eq(try_store(t, a + 3 * PG, 1), SIGSEGV, "the new mapping is read-only");
	cr_assert_eq(load(t, a + PG), 11);
	cr_assert_eq(load(t, a + 6 * PG), 16);
	cr_assert_eq(t->mm->total_vm, 8);
	assert_machine_ok(m);

	/* Same protection as the neighbours: one VMA again, as on the real kernel. */
	cr_assert_eq(sim_mmap(t, a + 2 * PG, 4 * PG, RW, ANON_PRIVATE | MAP_FIXED, NULL, 0, &got),
		     0);
	cr_assert_eq(t->mm->map_count, 1);
	cr_assert_eq(vma_at(t->mm, a)->vm_end, a + 8 * PG);
	cr_assert_eq(load(t, a + 2 * PG), 0);
	cr_assert_eq(load(t, a + 7 * PG), 17);
	cr_assert_eq(t->mm->total_vm, 8);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* kernel-behaviour.md §6.1: MAP_FIXED_NOREPLACE gives EEXIST on overlap (measured: errno 17). */
Test(mmap, map_fixed_noreplace_over_a_mapping_fails_with_eexist_and_changes_nothing)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "noreplace");
	unsigned long a = map_anon(t, 4, RW), got = 0xabc;

	store(t, a + PG, 5);
	cr_assert_eq(sim_mmap(t, a + PG, PG, PROT_READ, ANON_PRIVATE | MAP_FIXED_NOREPLACE, NULL, 0,
			      &got), -EEXIST);
	cr_assert_eq(sim_mmap(t, a - PG, 2 * PG, PROT_READ, ANON_PRIVATE | MAP_FIXED_NOREPLACE,
			      NULL, 0, &got), -EEXIST, "a partial overlap too");
	cr_assert_eq(got, 0xabc, "no address is returned on failure");
	cr_assert_eq(load(t, a + PG), 5);
	cr_assert_eq(t->mm->map_count, 1);

	/* Next to it is free: taken exactly. */
	cr_assert_eq(map_anon_at(t, a + 4 * PG, 1, PROT_READ), a + 4 * PG);
	cr_assert_eq(t->mm->map_count, 2);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* kernel-behaviour.md §6.1: adjacent compatible anon VMAs merge (measured: one maps line). */
Test(mmap, an_adjacent_mapping_with_the_same_protection_merges)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "merge");
	unsigned long a = map_anon(t, 8, RW);

	store(t, a, 1);
	map_anon_at(t, a + 8 * PG, 4, RW);
	cr_assert_eq(t->mm->map_count, 1);
	cr_assert_eq(vma_at(t->mm, a)->vm_end, a + 12 * PG);
	store(t, a + 10 * PG, 2);
	cr_assert_eq(vma_at(t->mm, a)->anon_vma, page_anon_vma(page_at(t->mm, a + 10 * PG)));

	map_anon_at(t, a + 12 * PG, 4, PROT_READ);
	cr_assert_eq(t->mm->map_count, 2, "a different protection does not merge");
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * munmap of the middle leaves two VMAs. Measured on this machine: VmPTE is
 * +12 kB after the first touch at 0x600000000000 (PUD, PMD and PTE tables),
 * unchanged by the split, and back to where it was once all is unmapped.
 */
Test(mmap, munmap_of_the_middle_splits_a_vma_in_two_and_frees_those_pages)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "split");
	unsigned long a = map_anon(t, 16, RW);

	cr_assert_eq(t->mm->pgtables_bytes, 0);
	for (int i = 0; i < 16; i++)
		store(t, a + i * PG, 100 + (u64)i);
	cr_assert_eq(t->mm->pgtables_bytes, 3 * PG);

	cr_assert_eq(sim_munmap(t, a + 4 * PG, 4 * PG), 0);
	cr_assert_eq(t->mm->map_count, 2);
	cr_assert_eq(vma_at(t->mm, a)->vm_end, a + 4 * PG);
	cr_assert_eq(vma_at(t->mm, a + 8 * PG)->vm_start, a + 8 * PG);
	cr_assert_eq(vma_at(t->mm, a + 8 * PG)->vm_end, a + 16 * PG);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 32 - 12);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 12);
	cr_assert_eq(t->mm->rss_stat[MM_ANONPAGES], 12);
	cr_assert_eq(t->mm->total_vm, 12);
	cr_assert_eq(t->mm->pgtables_bytes, 3 * PG, "the tables still serve both halves");
	assert_present(t->mm, a, 16, "1111000011111111");
	cr_assert_eq(mincore_page(t->mm, a + 5 * PG), -ENOMEM);
	cr_assert_eq(try_load(t, a + 5 * PG), SIGSEGV);
	cr_assert_eq(load(t, a + 3 * PG), 103);
	cr_assert_eq(load(t, a + 8 * PG), 108);
	cr_assert_eq(load(t, a + 15 * PG), 115);
	assert_machine_ok(m);

	/* A prefix and a suffix of the two halves. */
	cr_assert_eq(sim_munmap(t, a, 2 * PG), 0);
	cr_assert_eq(sim_munmap(t, a + 14 * PG, 2 * PG), 0);
	assert_present(t->mm, a, 16, "0011000011111100");
	cr_assert_eq(t->mm->map_count, 2);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 8);
	assert_machine_ok(m);

	cr_assert_eq(sim_munmap(t, a, 16 * PG), 0);
	cr_assert_eq(t->mm->map_count, 0);
	cr_assert_eq(t->mm->pgtables_bytes, 0);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 32);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* Page tables go when no VMA is left under them, level by level. */
Test(mmap, page_tables_are_freed_when_nothing_uses_them)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "pgtables");
	unsigned long a = map_anon(t, 4, RW), b = map_anon(t, 4, RW);

	cr_assert_eq(b, a + PUD_SIZE, "one GiB apart: same PUD table, own PMD table");
	store(t, a, 1);
	cr_assert_eq(t->mm->pgtables_bytes, 3 * PG);
	store(t, b, 1);
	cr_assert_eq(t->mm->pgtables_bytes, 5 * PG, "a second PMD and PTE table");

	/* The VMA is gone but its neighbour still needs the PUD table. */
	cr_assert_eq(sim_munmap(t, a, 4 * PG), 0);
	cr_assert_eq(t->mm->pgtables_bytes, 3 * PG);
	cr_assert_null(sim_lookup_pte(t->mm, a));
	assert_machine_ok(m);

	/* Part of b goes: the PTE table still holds the rest. */
	cr_assert_eq(sim_munmap(t, b, 2 * PG), 0);
	cr_assert_eq(t->mm->pgtables_bytes, 3 * PG);
	cr_assert_eq(sim_munmap(t, b + 2 * PG, 2 * PG), 0);
	cr_assert_eq(t->mm->pgtables_bytes, 0);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_PGTABLE), 1, "only the PGD is left");
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §6.1 MAP_POPULATE: a private writable VMA is populated
 * for write, so anon gets real pages. Measured on this machine for 16 pages:
 * minflt+16, E=1, and a fresh PFN, not the zero page.
 */
Test(mmap, map_populate_of_a_private_writable_mapping_allocates_every_page_with_one_fault_each)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "populate");
	struct pfn_names names = { 0 };
	unsigned long a = 0;

	cr_assert_eq(sim_mmap(t, 0, 16 * PG, RW, ANON_PRIVATE | MAP_POPULATE, NULL, 0, &a), 0);
	cr_assert_eq(t->min_flt, 16);
	cr_assert_eq(vmstat(m, PGFAULT), 16);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 16);
	assert_present(t->mm, a, 16, "1111111111111111");
	assert_exclusive(t->mm, a, 16, "1111111111111111");
	assert_classes(&names, t->mm, a, 16, "ABCDEFGHIJKLMNOP");
	assert_smaps(t->mm, a, "64/64/0/0/0/64/64/0/0");
	for (int i = 0; i < 16; i++)
		store(t, a + i * PG, (u64)i);
	cr_assert_eq(t->min_flt, 16, "the pages are mapped writable: no more faults");
	assert_machine_ok(m);
	machine_destroy(m);
}

/* Measured on this machine: MAP_POPULATE of a PROT_READ mapping, minflt+16, all the zero page. */
Test(mmap, map_populate_of_a_read_only_mapping_maps_the_zero_page)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "populate");
	struct pfn_names names = { 0 };
	unsigned long a = 0;

	cr_assert_eq(sim_mmap(t, 0, 16 * PG, PROT_READ, ANON_PRIVATE | MAP_POPULATE, NULL, 0, &a),
		     0);
	cr_assert_eq(t->min_flt, 16);
	assert_classes(&names, t->mm, a, 16, "ZZZZZZZZZZZZZZZZ");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 32);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* Measured on this machine: munmap of 4 pages where nothing is mapped returns 0. */
Test(mmap, munmap_of_a_range_with_nothing_mapped_succeeds)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "munmap");
	unsigned long a = map_anon(t, 4, RW);

	cr_assert_eq(sim_munmap(t, BASE2, 4 * PG), 0);
	cr_assert_eq(sim_munmap(t, a + 8 * PG, 100 * PG), 0);
	cr_assert_eq(t->mm->map_count, 1);
	/* A range that covers the mapping and holes on both sides removes the mapping. */
	cr_assert_eq(sim_munmap(t, a - 4 * PG, 12 * PG), 0);
	cr_assert_eq(t->mm->map_count, 0);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* Measured on this machine: each of these is errno 22 (EINVAL). */
Test(mmap, bad_arguments_are_rejected_with_einval)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "einval");
	unsigned long a = map_anon(t, 4, RW), got = 0;

	cr_assert_eq(sim_mmap(t, 0, 0, RW, ANON_PRIVATE, NULL, 0, &got), -EINVAL, "length 0");
	cr_assert_eq(sim_mmap(t, BASE2 + 1, PG, RW, ANON_PRIVATE | MAP_FIXED, NULL, 0, &got),
		     -EINVAL, "MAP_FIXED at an unaligned address");
	cr_assert_eq(sim_mmap(t, 0, PG, RW, MAP_ANONYMOUS, NULL, 0, &got), -EINVAL,
		     "neither MAP_PRIVATE nor MAP_SHARED");
	cr_assert_eq(sim_munmap(t, a + 1, PG), -EINVAL, "munmap at an unaligned address");
	cr_assert_eq(sim_munmap(t, a, 0), -EINVAL, "munmap of length 0");
	cr_assert_eq(t->mm->map_count, 1);
	cr_assert_eq(vma_at(t->mm, a)->vm_end, a + 4 * PG);
	assert_machine_ok(m);
	machine_destroy(m);
}

Test(mmap, a_mapping_larger_than_the_address_space_fails_with_enomem)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 16);
	struct task_struct *t = sim_task_create(m, "enomem");
	unsigned long got = 0;

	cr_assert_eq(sim_mmap(t, 0, TASK_SIZE + PG, RW, ANON_PRIVATE, NULL, 0, &got), -ENOMEM);
	cr_assert_eq(sim_mmap(t, TASK_SIZE - PG, 2 * PG, RW, ANON_PRIVATE | MAP_FIXED, NULL, 0,
			      &got), -ENOMEM);
	cr_assert_eq(t->mm->map_count, 0);
	assert_machine_ok(m);
	machine_destroy(m);
}
