// SPDX-License-Identifier: GPL-2.0
/*
 * test_memory.c - the anonymous fault paths (sim/kernel/memory.c, fault.c,
 * sim_access.c) against what Linux 6.18 did on this machine kind.
 *
 * Private anonymous memory only: a read maps the shared zero page, a write
 * allocates an exclusive page, read-then-write is two faults and moves the
 * PTE to a new frame, a mapped page is re-accessed without a fault, and
 * accesses the VMA forbids raise SIGSEGV before any fault is counted. The
 * numbers are the rows of real-kernel-6.18.md §1 (probe p01).
 */
#include "sim_fixture.h"

#include <signal.h>

/* real-kernel-6.18.md §1 p01 step 2-3; kernel-behaviour.md §2.2. */
Test(memory, read_fault_maps_the_shared_zero_page)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "p01");
	unsigned long a = map_anon(t, 16, RW);
	struct pfn_names names = { 0 };

	assert_present(t->mm, a, 16, "0000000000000000"); /* step 1: mmap only */
	assert_mincore(t->mm, a, 16, "0000000000000000");

	cr_assert_eq(load(t, a), 0);
	/* step 2: 1 minor fault, pgfault+1, and no memory counter moves */
	cr_assert_eq(t->min_flt, 1);
	cr_assert_eq(t->maj_flt, 0);
	cr_assert_eq(vmstat(m, PGFAULT), 1);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 64);
	cr_assert_eq(pagemap_entry(t->mm, a), PM_PRESENT | ZERO_PFN, "P=1, F=0, E=0, zero pfn");
	assert_present(t->mm, a, 16, "1000000000000000");
	assert_mincore(t->mm, a, 16, "1000000000000000");
	assert_smaps(t->mm, a, "0/0/0/0/0/0/0/0/0");
	/* Read-only and special even though the VMA is writable; no anon_vma yet. */
	cr_assert_not(pte_write(pte_at(t->mm, a)));
	cr_assert(pte_special(pte_at(t->mm, a)));
	cr_assert_null(vma_at(t->mm, a)->anon_vma);
	cr_assert_eq(t->mm->rss_stat[MM_ANONPAGES], 0);
	assert_machine_ok(m);

	/* step 3: pages 1..15, one fault each, every one the same zero pfn */
	for (int i = 1; i < 16; i++)
		cr_assert_eq(load(t, a + i * PG + 8), 0);
	cr_assert_eq(t->min_flt, 16);
	cr_assert_eq(vmstat(m, PGFAULT), 16);
	assert_classes(&names, t->mm, a, 16, "ZZZZZZZZZZZZZZZZ");
	assert_exclusive(t->mm, a, 16, "0000000000000000");
	assert_mincore(t->mm, a, 16, "1111111111111111");
	assert_smaps(t->mm, a, "0/0/0/0/0/0/0/0/0");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* real-kernel-6.18.md §1 p01 step 4 and step 7. */
Test(memory, reaccessing_a_mapped_page_takes_no_fault)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "p01");
	unsigned long a = map_anon(t, 16, RW);

	for (int i = 0; i < 16; i++)
		load(t, a + i * PG);
	for (int i = 0; i < 8; i++)
		store(t, a + i * PG, 100 + i);
	cr_assert_eq(t->min_flt, 16 + 8);

	/* step 4: reading the zero-page PTEs again */
	for (int i = 8; i < 16; i++)
		cr_assert_eq(load(t, a + i * PG), 0);
	/* step 7: write page 0 again and read pages 0..7 */
	store(t, a, 200);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(load(t, a + i * PG), i ? 100 + (u64)i : 200);
	cr_assert_eq(t->min_flt, 24, "no fault: %lu", t->min_flt);
	cr_assert_eq(vmstat(m, PGFAULT), 24);
	assert_smaps(t->mm, a, "32/32/0/0/0/32/32/0/0");
	assert_machine_ok(m);
	machine_destroy(m);
}

/* real-kernel-6.18.md §1 p01 steps 11-12; kernel-behaviour.md §2.2. */
Test(memory, write_to_an_untouched_page_allocates_an_exclusive_page)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "p01");
	unsigned long a = map_anon(t, 16, RW);
	struct pfn_names names = { 0 };
	struct page *page;
	pte_t pte;

	store(t, a, 42);
	/* step 11: 1 fault, nr_anon_pages+1, E=1, 4 kB Rss/Anonymous/Private_Dirty */
	cr_assert_eq(t->min_flt, 1);
	cr_assert_eq(vmstat(m, PGFAULT), 1);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 1);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 63);
	assert_present(t->mm, a, 16, "1000000000000000");
	assert_exclusive(t->mm, a, 16, "1000000000000000");
	assert_bits(t->mm, a, 16, PM_FILE, "0000000000000000");
	assert_classes(&names, t->mm, a, 16, "A---------------");
	assert_smaps(t->mm, a, "4/4/0/0/0/4/4/0/0");

	pte = pte_at(t->mm, a);
	cr_assert(pte_write(pte) && pte_dirty(pte) && pte_young(pte));
	page = page_at(t->mm, a);
	cr_assert(PageAnon(page));
	cr_assert(PageAnonExclusive(page));
	cr_assert_eq(page_mapcount(page), 1);
	cr_assert_eq(page_count(page), 1);
	cr_assert_not_null(vma_at(t->mm, a)->anon_vma);
	cr_assert_eq(t->mm->rss_stat[MM_ANONPAGES], 1);
	assert_machine_ok(m);

	/* step 12: pages 1..15, one fault each, each its own frame */
	for (int i = 1; i < 16; i++)
		store(t, a + i * PG, (u64)i);
	cr_assert_eq(t->min_flt, 16);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 16);
	assert_classes(&names, t->mm, a, 16, "ABCDEFGHIJKLMNOP");
	assert_exclusive(t->mm, a, 16, "1111111111111111");
	assert_smaps(t->mm, a, "64/64/0/0/0/64/64/0/0");
	assert_machine_ok(m);
	machine_destroy(m);
}

/* real-kernel-6.18.md §1 p01 step 5 and §13.1: the write after a read is a second fault. */
Test(memory, read_then_write_takes_two_faults_and_changes_the_pfn)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "p01");
	unsigned long a = map_anon(t, 16, RW);
	long zero, copy;

	load(t, a);
	zero = pfn_at(t->mm, a);
	cr_assert_eq(zero, (long)ZERO_PFN);
	store(t, a + 16, 7);
	copy = pfn_at(t->mm, a);

	cr_assert_eq(t->min_flt, 2, "read + COW of the zero page: %lu faults", t->min_flt);
	cr_assert_eq(vmstat(m, PGFAULT), 2);
	cr_assert_neq(copy, zero);
	cr_assert_gt(copy, 0);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 1);
	cr_assert_eq(vmstat(m, PGREUSE), 0);
	assert_exclusive(t->mm, a, 1, "1");
	assert_smaps(t->mm, a, "4/4/0/0/0/4/4/0/0");
	cr_assert_eq(load(t, a + 16), 7);
	cr_assert_eq(load(t, a), 0, "the rest of the new page is zero");
	assert_machine_ok(m);
	machine_destroy(m);
}

/* real-kernel-6.18.md §1 p01 steps 1-7, row by row. */
Test(memory, private_anon_steps_1_to_7_match_p01)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "p01");
	unsigned long a = map_anon(t, 16, RW);
	struct pfn_names names = { 0 };
	unsigned long f;

	load(t, a);
	for (int i = 1; i < 16; i++)
		load(t, a + i * PG);
	for (int i = 0; i < 16; i++)
		load(t, a + i * PG);
	cr_assert_eq(t->min_flt, 16);

	/* step 5: write page 0 (COW from the zero page) */
	f = t->min_flt;
	store(t, a, 1);
	cr_assert_eq(t->min_flt - f, 1);
	assert_exclusive(t->mm, a, 16, "1000000000000000");
	assert_classes(&names, t->mm, a, 16, "AZZZZZZZZZZZZZZZ");
	assert_smaps(t->mm, a, "4/4/0/0/0/4/4/0/0");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 1);

	/* step 6: write pages 1..7 */
	f = t->min_flt;
	for (int i = 1; i < 8; i++)
		store(t, a + i * PG, 1);
	cr_assert_eq(t->min_flt - f, 7);
	assert_present(t->mm, a, 16, "1111111111111111");
	assert_exclusive(t->mm, a, 16, "1111111100000000");
	assert_classes(&names, t->mm, a, 16, "ABCDEFGHZZZZZZZZ");
	assert_mincore(t->mm, a, 16, "1111111111111111");
	assert_smaps(t->mm, a, "32/32/0/0/0/32/32/0/0");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 8);
	cr_assert_eq(vmstat(m, PGFAULT), 24);
	assert_machine_ok(m);

	/* step 7: write page 0 again + read pages 0..7: nothing moves */
	f = t->min_flt;
	store(t, a, 2);
	for (int i = 0; i < 8; i++)
		load(t, a + i * PG);
	cr_assert_eq(t->min_flt - f, 0);
	assert_classes(&names, t->mm, a, 16, "ABCDEFGHZZZZZZZZ");
	assert_smaps(t->mm, a, "32/32/0/0/0/32/32/0/0");
	assert_machine_ok(m);
	machine_destroy(m);
}

Test(memory, values_written_are_read_back)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "rw");
	unsigned long a = map_anon(t, 4, RW);

	store(t, a + 0, 0x1111);
	store(t, a + 4088, 0x2222);
	store(t, a + PG + 512, 0xfeedfacecafebeefULL);
	store(t, a + 3 * PG + 8, 3);
	store(t, a + 3 * PG + 8, 4); /* overwrite */

	cr_assert_eq(load(t, a + 0), 0x1111);
	cr_assert_eq(load(t, a + 4088), 0x2222);
	cr_assert_eq(load(t, a + 8), 0, "an unwritten word of a written page reads 0");
	cr_assert_eq(load(t, a + PG + 512), 0xfeedfacecafebeefULL);
	cr_assert_eq(load(t, a + 3 * PG + 8), 4);
	cr_assert_eq(load(t, a + 2 * PG), 0, "an untouched page reads 0");
	cr_assert_eq(pfn_at(t->mm, a + 2 * PG), (long)ZERO_PFN);
	cr_assert_eq(t->min_flt, 4, "three written pages and one read: %lu", t->min_flt);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* kernel-behaviour.md §2.1: no VMA -> SIGSEGV (SEGV_MAPERR), never reaching handle_mm_fault. */
Test(memory, access_outside_any_vma_raises_sigsegv_without_counting_a_fault)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "segv");
	unsigned long a = map_anon(t, 4, RW);

	cr_assert_eq(try_load(t, a + 4 * PG), SIGSEGV, "just past the end");
	cr_assert_eq(try_store(t, a - PG, 1), SIGSEGV, "just before the start");
	cr_assert_eq(try_load(t, 0x1000), SIGSEGV);
	/* Measured on this machine: minflt+0 and pgfault+0 for each of these. */
	cr_assert_eq(t->min_flt, 0);
	cr_assert_eq(vmstat(m, PGFAULT), 0);
	cr_assert_eq(t->mm->pgtables_bytes, 0, "no page table was built for a bad address");
	assert_machine_ok(m);
	machine_destroy(m);
}

/* kernel-behaviour.md §2.1: the VMA forbids the access -> SIGSEGV (SEGV_ACCERR). */
Test(memory, any_access_to_prot_none_raises_sigsegv_without_counting_a_fault)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "segv");
	unsigned long a = map_anon(t, 4, PROT_NONE);

	cr_assert_eq(try_load(t, a), SIGSEGV);
	cr_assert_eq(try_store(t, a + PG, 1), SIGSEGV);
	cr_assert_eq(t->min_flt, 0);
	cr_assert_eq(vmstat(m, PGFAULT), 0);
	assert_present(t->mm, a, 4, "0000");
	assert_machine_ok(m);
	machine_destroy(m);
}

Test(memory, write_to_a_read_only_vma_raises_sigsegv_without_counting_a_fault)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "segv");
	unsigned long a = map_anon(t, 4, PROT_READ);

	/* Untouched page: the write is refused before any fault. */
	cr_assert_eq(try_store(t, a, 1), SIGSEGV);
	cr_assert_eq(t->min_flt, 0);
	cr_assert_eq(vmstat(m, PGFAULT), 0);
	assert_present(t->mm, a, 1, "0");

	/* A read is fine: the zero page, one fault. A write to it is still refused. */
	cr_assert_eq(load(t, a), 0);
	cr_assert_eq(t->min_flt, 1);
	cr_assert_eq(try_store(t, a, 1), SIGSEGV);
	cr_assert_eq(t->min_flt, 1);
	cr_assert_eq(vmstat(m, PGFAULT), 1);
	cr_assert_eq(pfn_at(t->mm, a), (long)ZERO_PFN);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* kernel-behaviour.md §8: new anon pages start on the inactive list since 5.9. */
Test(memory, new_anon_pages_start_inactive_under_6_18_and_active_under_4_19)
{
	enum sim_kernel_profile profiles[] = { SIM_KERNEL_6_18, SIM_KERNEL_4_19 };

	for (int p = 0; p < 2; p++) {
		struct sim_machine *m = machine_new(profiles[p], 16);
		struct task_struct *t = sim_task_create(m, "lru");
		unsigned long a = map_anon(t, 2, RW);
		struct page *page;

		store(t, a, 1);
		store(t, a + PG, 1);
		page = page_at(t->mm, a);
		cr_assert(PageLRU(page));
		if (profiles[p] == SIM_KERNEL_6_18) {
			cr_assert_eq(vmstat(m, NR_INACTIVE_ANON), 2);
			cr_assert_eq(vmstat(m, NR_ACTIVE_ANON), 0);
			cr_assert_not(PageActive(page));
			cr_assert(PageAnonExclusive(page));
		} else {
			cr_assert_eq(vmstat(m, NR_INACTIVE_ANON), 0);
			cr_assert_eq(vmstat(m, NR_ACTIVE_ANON), 2);
			cr_assert(PageActive(page));
			cr_assert_not(PageAnonExclusive(page), "4.19 has no PG_anon_exclusive");
		}
		assert_machine_ok(m);
		machine_destroy(m);
	}
}

/* The fault path's error exit must leave the machine consistent. */
/*
 * No free frame, no swap, nothing to reclaim: the OOM killer picks the only
 * process, the one faulting, and the access ends in SIGKILL; its memory
 * comes back.
 */
Test(memory, a_write_fault_with_no_frame_left_gets_the_process_oom_killed)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 3);
	struct task_struct *t = sim_task_create(m, "oom");
	unsigned long a = map_anon(t, 4, RW);

	for (int i = 0; i < 3; i++)
		store(t, a + i * PG, (u64)i + 1);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 0);
	cr_assert_eq(try_store(t, a + 3 * PG, 9), SIGKILL);
	cr_assert(t->oom_killed && t->exited && !t->mm);
	cr_assert_eq(t->min_flt, 3, "the fault that failed is not counted in getrusage");
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 3);
	cr_assert_eq(vmstat(m, OOM_KILL), 1);
	assert_machine_ok(m);
	machine_destroy(m);
}

Test(memory, exit_frees_every_frame_and_page_table)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 32);
	struct task_struct *t = sim_task_create(m, "exit");
	unsigned long a = map_anon(t, 16, RW);

	for (int i = 0; i < 16; i++)
		store(t, a + i * PG, (u64)i);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 16);
	cr_assert_eq(t->mm->pgtables_bytes, 3 * PG, "PUD, PMD and PTE tables");
	sim_exit(t);
	cr_assert(t->exited);
	cr_assert_null(t->mm);
	cr_assert_eq(vmstat(m, NR_FREE_PAGES), 32);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	cr_assert_eq(vmstat(m, NR_INACTIVE_ANON), 0);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_PGTABLE), 0);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_PAGE_DATA), 0);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_VMA), 0);
	assert_machine_ok(m);
	machine_destroy(m);
}
