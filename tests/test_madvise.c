// SPDX-License-Identifier: GPL-2.0
/*
 * test_madvise.c - MADV_DONTNEED and MADV_POPULATE_* on private anonymous
 * memory (sim/kernel/madvise.c, gup.c).
 *
 * DONTNEED is compared with real-kernel-6.18.md §1 (p01 steps 8-10) and §9
 * (p09 part A); POPULATE_READ/WRITE, the holes and the errnos with what a
 * probe measured on this machine (kernel-behaviour.md §6.3 has the rules).
 */
#include "sim_fixture.h"

/*
 * real-kernel-6.18.md §1 p01 steps 8-10 (and §9: "the next read is 1 minor
 * fault per page, mapping the zero page, value 0").
 */
Test(madvise, dontneed_frees_the_pages_then_a_read_maps_the_zero_page_and_a_write_a_fresh_page)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "p01");
	unsigned long a = map_anon(t, 16, RW);
	struct pfn_names names = { 0 };
	unsigned long f;
	long anon, free_pages;

	/* p01 steps 1-7: pages 0..7 written, 8..15 the zero page. */
	for (int i = 0; i < 16; i++)
		load(t, a + i * PG);
	for (int i = 0; i < 8; i++)
		store(t, a + i * PG, 100 + (u64)i);
	assert_classes(&names, t->mm, a, 16, "ABCDEFGHZZZZZZZZ");
	anon = vmstat(m, NR_ANON_MAPPED);
	free_pages = vmstat(m, NR_FREE_PAGES);

	/* step 8: MADV_DONTNEED pages 0..3: no fault, nr_anon_pages-4 */
	f = t->min_flt;
	cr_assert_eq(sim_madvise(t, a, 4 * PG, MADV_DONTNEED), 0);
	cr_assert_eq(t->min_flt, f);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED) - anon, -4);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES) - free_pages, 4, "the frames are freed");
	assert_present(t->mm, a, 16, "0000111111111111");
	assert_exclusive(t->mm, a, 16, "0000111100000000");
	assert_classes(&names, t->mm, a, 16, "----EFGHZZZZZZZZ");
	assert_mincore(t->mm, a, 16, "0000111111111111");
	assert_smaps(t->mm, a, "16/16/0/0/0/16/16/0/0");
	cr_assert_eq(t->mm->map_count, 1, "the VMA stays");
	assert_machine_ok(m);

	/* step 9: read page 0 after DONTNEED: the zero page, value 0, 1 fault */
	f = t->min_flt;
	cr_assert_eq(load(t, a), 0);
	cr_assert_eq(t->min_flt - f, 1);
	assert_classes(&names, t->mm, a, 16, "Z---EFGHZZZZZZZZ");
	assert_smaps(t->mm, a, "16/16/0/0/0/16/16/0/0");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED) - anon, -4);

	/* step 10: write page 1 (no prior read): a fresh page, 1 fault, nr_anon_pages+1 */
	f = t->min_flt;
	store(t, a + PG + 8, 5);
	cr_assert_eq(t->min_flt - f, 1);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED) - anon, -3);
	assert_present(t->mm, a, 16, "1100111111111111");
	assert_exclusive(t->mm, a, 16, "0100111100000000");
	assert_smaps(t->mm, a, "20/20/0/0/0/20/20/0/0");
	cr_assert_eq(load(t, a + PG), 0, "the old data (101) is gone");
	cr_assert_eq(load(t, a + PG + 8), 5);
	cr_assert_eq(load(t, a + 4 * PG), 104, "pages outside the range keep theirs");
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * real-kernel-6.18.md §9 step 2-3: DONTNEED of everything, then a read of
 * every page: 8 faults, all the zero page.
 */
Test(madvise, dontneed_of_the_whole_mapping_then_reading_it_gives_zero_pages)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "p09");
	unsigned long a = map_anon(t, 8, RW);
	struct pfn_names names = { 0 };

	for (int i = 0; i < 8; i++)
		store(t, a + i * PG, 1);
	cr_assert_eq(sim_madvise(t, a, 8 * PG, MADV_DONTNEED), 0);
	assert_present(t->mm, a, 8, "00000000");
	assert_mincore(t->mm, a, 8, "00000000");
	assert_smaps(t->mm, a, "0/0/0/0/0/0/0/0/0");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	cr_assert_eq(t->mm->rss_stat[MM_ANONPAGES], 0);

	for (int i = 0; i < 8; i++)
		cr_assert_eq(load(t, a + i * PG), 0);
	cr_assert_eq(t->min_flt, 8 + 8);
	assert_classes(&names, t->mm, a, 8, "ZZZZZZZZ");
	assert_smaps(t->mm, a, "0/0/0/0/0/0/0/0/0");
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §6.2/§6.3: the zap drops this process's mapping; the
 * other still has the page.
 */
Test(madvise, dontneed_of_a_page_shared_with_a_fork_child_leaves_the_child_its_copy)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "parent"), *child;
	unsigned long a = map_anon(t, 2, RW);
	struct page *page;

	store(t, a, 7);
	cr_assert_eq(sim_fork(t, "child", &child), 0);
	page = page_at(t->mm, a);
	cr_assert_eq(sim_madvise(t, a, 2 * PG, MADV_DONTNEED), 0);
	cr_assert_eq(page_mapcount(page), 1);
	cr_assert_eq(page_count(page), 1);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 1, "the child still maps it");
	assert_exclusive(child->mm, a, 1, "1");
	cr_assert_eq(load(t, a), 0);
	cr_assert_eq(load(child, a), 7);
	/* The child's next write reuses the frame: it is the last mapper. */
	store(child, a, 8);
	cr_assert_eq(pfn_at(child->mm, a), (long)(page - m->mem_map));
	cr_assert_eq(vmstat(m, PGREUSE), 1);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * Measured on this machine: POPULATE_READ of 4 of 8 pages -> 0, minflt+4,
 * the zero pfn, page 4 not present.
 */
Test(madvise, populate_read_maps_the_zero_page_with_one_fault_per_page)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "populate");
	unsigned long a = map_anon(t, 8, RW);
	struct pfn_names names = { 0 };

	cr_assert_eq(sim_madvise(t, a, 4 * PG, MADV_POPULATE_READ), 0);
	cr_assert_eq(t->min_flt, 4);
	cr_assert_eq(vmstat(m, PGFAULT), 4);
	assert_classes(&names, t->mm, a, 8, "ZZZZ----");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	/* Already populated: a second call faults nothing. */
	cr_assert_eq(sim_madvise(t, a, 4 * PG, MADV_POPULATE_READ), 0);
	cr_assert_eq(t->min_flt, 4);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * Measured on this machine: POPULATE_WRITE of 8 pages after POPULATE_READ of
 * the first 4 -> minflt+8 (four COWs of the zero page, four new pages), E=1.
 */
Test(madvise, populate_write_allocates_pages_and_breaks_cow_of_the_zero_page)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "populate");
	unsigned long a = map_anon(t, 8, RW);
	struct pfn_names names = { 0 };

	cr_assert_eq(sim_madvise(t, a, 4 * PG, MADV_POPULATE_READ), 0);
	cr_assert_eq(sim_madvise(t, a, 8 * PG, MADV_POPULATE_WRITE), 0);
	cr_assert_eq(t->min_flt, 4 + 8);
	assert_classes(&names, t->mm, a, 8, "ABCDEFGH");
	assert_exclusive(t->mm, a, 8, "11111111");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 8);
	assert_smaps(t->mm, a, "32/32/0/0/0/32/32/0/0");
	for (int i = 0; i < 8; i++)
		store(t, a + i * PG, 1);
	cr_assert_eq(t->min_flt, 12, "the pages are writable: no more faults");
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * Measured on this machine: POPULATE_WRITE over [4 pages][4-page hole][4 pages]
 * -> -1 ENOMEM, the first mapping populated, the second not; starting in
 * the hole -> ENOMEM and nothing populated.
 */
Test(madvise, populate_stops_at_a_hole_with_enomem)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "hole");
	unsigned long a = map_anon_at(t, BASE, 4, RW);
	unsigned long b = map_anon_at(t, BASE + 8 * PG, 4, RW);

	cr_assert_eq(sim_madvise(t, a, 12 * PG, MADV_POPULATE_WRITE), -ENOMEM);
	assert_present(t->mm, a, 4, "1111");
	assert_present(t->mm, b, 4, "0000");
	cr_assert_eq(t->min_flt, 4);

	cr_assert_eq(sim_madvise(t, a + 4 * PG, 8 * PG, MADV_POPULATE_WRITE), -ENOMEM);
	assert_present(t->mm, b, 4, "0000");
	cr_assert_eq(sim_madvise(t, a + 4 * PG, 8 * PG, MADV_POPULATE_READ), -ENOMEM);
	assert_present(t->mm, b, 4, "0000");
	cr_assert_eq(t->min_flt, 4);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * Measured on this machine: POPULATE_WRITE of PROT_READ and POPULATE_READ of
 * PROT_NONE -> EINVAL (22).
 */
Test(madvise, populate_of_a_mapping_that_forbids_the_access_fails_with_einval)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "perm");
	unsigned long ro = map_anon(t, 4, PROT_READ), none = map_anon(t, 4, PROT_NONE);

	cr_assert_eq(sim_madvise(t, ro, 4 * PG, MADV_POPULATE_WRITE), -EINVAL);
	cr_assert_eq(sim_madvise(t, none, 4 * PG, MADV_POPULATE_READ), -EINVAL);
	cr_assert_eq(t->min_flt, 0);
	assert_present(t->mm, ro, 4, "0000");
	cr_assert_eq(sim_madvise(t, ro, 4 * PG, MADV_POPULATE_READ), 0);
	assert_present(t->mm, ro, 4, "1111");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	assert_machine_ok(m);
	machine_destroy(m);
}

/*
 * Measured on this machine: DONTNEED over [4 written pages][hole][4 written
 * pages] -> -1 ENOMEM, and both mappings were zapped (P=0 on each side).
 */
Test(madvise, dontneed_over_a_hole_zaps_every_mapped_part_and_fails_with_enomem)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "hole");
	unsigned long a = map_anon_at(t, BASE, 4, RW);
	unsigned long b = map_anon_at(t, BASE + 8 * PG, 4, RW);

	for (int i = 0; i < 4; i++) {
		store(t, a + i * PG, 1);
		store(t, b + i * PG, 1);
	}
	cr_assert_eq(sim_madvise(t, a, 12 * PG, MADV_DONTNEED), -ENOMEM);
	assert_present(t->mm, a, 4, "0000");
	assert_present(t->mm, b, 4, "0000");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 64);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* Measured on this machine: unaligned -> EINVAL, unknown advice -> EINVAL, unmapped -> ENOMEM. */
Test(madvise, bad_arguments_fail_with_the_kernel_errnos)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "errors");
	unsigned long a = map_anon(t, 4, RW);

	store(t, a, 1);
	cr_assert_eq(sim_madvise(t, a + 1, PG, MADV_DONTNEED), -EINVAL);
	cr_assert_eq(sim_madvise(t, a, PG, 999), -EINVAL);
	cr_assert_eq(sim_madvise(t, BASE2, PG, MADV_DONTNEED), -ENOMEM);
	cr_assert_eq(sim_madvise(t, a, 0, MADV_DONTNEED), 0, "length 0 is a no-op");
	assert_present(t->mm, a, 1, "1");
	assert_machine_ok(m);
	machine_destroy(m);
}
