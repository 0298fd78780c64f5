// SPDX-License-Identifier: GPL-2.0
/*
 * test_text_views.c - the text views of `show` (viz/text_views.c) and the
 * meminfo fields (sim/kernel/meminfo.c).
 *
 * Each test builds a machine, drives it through the system calls and
 * accesses of sim_machine.h, and checks concrete lines of a view: the raw
 * PTE values and their decoding, the exact maps and smaps lines the kernel
 * would print, the frames in use, meminfo and vmstat. Every test ends by
 * destroying its machine and checking that nothing the model allocated is
 * left.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "internal.h"
#include "meminfo.h"
#include "sim_check.h"
#include "text_views.h"

static struct sim_machine *machine(unsigned long ram_pages, enum sim_kernel_profile kernel)
{
	struct sim_config cfg = {
		.kernel = kernel,
		.ram_pages = ram_pages,
		.swap_pages = 256,
		.overcommit = 1, /* views, not overcommit, are tested here */
		.overcommit_ratio = 50,
	};

	return sim_machine_create(&cfg);
}

static unsigned long map_anon(struct task_struct *t, unsigned long pages)
{
	unsigned long addr = 0;
	long ret = sim_mmap(t, 0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0, &addr);

	cr_assert_eq(ret, 0, "mmap of %lu pages failed: %ld", pages, ret);
	return addr;
}

static void touch(struct task_struct *t, unsigned long addr, bool write)
{
	u64 value = 0x41;

	cr_assert_eq(sim_access(t, addr, write, &value), 0, "access at %#lx raised a signal", addr);
}

/* Write pages [first, last] of the mapping at @addr, one word each. */
static void write_pages(struct task_struct *t, unsigned long addr, int first, int last)
{
	for (int i = first; i <= last; i++)
		touch(t, addr + (unsigned long)i * PAGE_SIZE, true);
}

/* The machine still holds its invariants; then it goes, and takes everything with it. */
static void finish(struct sim_machine *m)
{
	char why[256];

	cr_assert(sim_check_machine(m, why, sizeof(why)), "invariant broken: %s", why);
	sim_machine_destroy(m);
	for (int k = 0; k < SIM_NR_ALLOC_KINDS; k++)
		cr_assert_eq(sim_alloc_outstanding(k), 0, "%ld %s objects left after destroy",
			     sim_alloc_outstanding(k), sim_alloc_kind_name(k));
}

typedef void (*task_view)(GString *out, struct task_struct *t);
typedef void (*machine_view)(GString *out, struct sim_machine *m);

static char *task_text(task_view view, struct task_struct *t)
{
	GString *out = g_string_new(NULL);

	view(out, t);
	return g_string_free(out, FALSE);
}

static char *machine_text(machine_view view, struct sim_machine *m)
{
	GString *out = g_string_new(NULL);

	view(out, m);
	return g_string_free(out, FALSE);
}

#define assert_has(text, needle)                                                                   \
	cr_assert(strstr((text), (needle)) != NULL, "expected\n%s\nin:\n%s", (needle), (text))
#define assert_lacks(text, needle)                                                                 \
	cr_assert(strstr((text), (needle)) == NULL, "did not expect\n%s\nin:\n%s", (needle), (text))

static int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* ---- page tables ---- */

Test(text_views, mmap_alone_allocates_no_page_table)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	char *text;

	map_anon(a, 16);
	text = task_text(viz_text_pagetable, a);
	assert_has(text, "pid 1 (A): PGD + 0 page tables below it (VmPTE 0 kB)\n");
	assert_has(text, "VMA 600000000000-600000010000 rw-p (16 pages)\n");
	assert_has(text, "  PGD[192] empty: no PUD table for 600000000000-600000010000\n");
	g_free(text);
	finish(m);
}

Test(text_views, read_fault_shows_the_zero_page_entry)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	unsigned long addr = map_anon(a, 4);
	char *text;

	touch(a, addr, false);
	text = task_text(viz_text_pagetable, a);
	assert_has(text, "pid 1 (A): PGD + 3 page tables below it (VmPTE 12 kB)\n");
	assert_has(text, "  PGD[192] -> PUD[0] -> PMD[0] -> PTE table for "
			 "600000000000-600000200000 (1 of 512 used)\n");
	assert_has(text, "    600000000000  0x8000000000000225  zero page (special) P US A NX\n");
	assert_has(text, "    ... 3 empty\n");
	g_free(text);
	finish(m);
}

Test(text_views, write_fault_shows_the_raw_pte_with_its_pfn)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	unsigned long addr = map_anon(a, 4);
	char *text;

	write_pages(a, addr, 0, 1); /* pfns 0x1 and 0x2: the free list hands out in order */
	touch(a, addr + 3 * PAGE_SIZE, false);
	text = task_text(viz_text_pagetable, a);
	assert_has(text, "    600000000000  0x8000000000001067  pfn 0x1 P RW US A D NX\n"
			 "    600000001000  0x8000000000002067  pfn 0x2 P RW US A D NX\n"
			 "    ... 1 empty\n"
			 "    600000003000  0x8000000000000225  zero page (special) P US A NX\n");
	g_free(text);
	finish(m);
}

Test(text_views, fork_write_protects_both_ptes_and_ages_the_childs)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A"), *b;
	unsigned long addr = map_anon(a, 4);
	char *text;

	write_pages(a, addr, 0, 0);
	cr_assert_eq(sim_fork(a, "B", &b), 0);
	text = task_text(viz_text_pagetable, a);
	assert_has(text, "    600000000000  0x8000000000001065  pfn 0x1 P US A D NX\n");
	g_free(text);
	text = task_text(viz_text_pagetable, b);
	assert_has(text, "pid 2 (B): PGD + 3 page tables below it");
	assert_has(text, "    600000000000  0x8000000000001045  pfn 0x1 P US D NX\n");
	g_free(text);
	finish(m);
}

Test(text_views, runs_of_empty_upper_entries_are_folded)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	unsigned long addr = map_anon(a, 4 * 512); /* 8 MiB: four PMD entries */
	char *text;

	write_pages(a, addr, 3 * 512, 3 * 512);
	text = task_text(viz_text_pagetable, a);
	assert_has(text, "  PGD[192] -> PUD[0] -> PMD[0..2] empty: no PTE table for "
			 "600000000000-600000600000\n");
	assert_has(text, "  PGD[192] -> PUD[0] -> PMD[3] -> PTE table for "
			 "600000600000-600000800000 (1 of 512 used)\n"
			 "    600000600000  0x8000000000001067  pfn 0x1 P RW US A D NX\n"
			 "    ... 511 empty\n");
	g_free(text);
	finish(m);
}

Test(text_views, prot_none_entry_keeps_its_frame_but_not_the_present_bit)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	unsigned long addr = map_anon(a, 4);
	char *text;

	write_pages(a, addr, 0, 0);
	cr_assert_eq(sim_mprotect(a, addr, 4 * PAGE_SIZE, PROT_NONE), 0);
	text = task_text(viz_text_pagetable, a);
	assert_has(text, "VMA 600000000000-600000004000 ---p (4 pages)\n");
	assert_has(text, "    600000000000  0x0000000000001160  "
			 "pfn 0x1 A D PROT_NONE (not present to the CPU)\n");
	g_free(text);
	finish(m);
}

/*
 * Swap is not built yet, so the test writes a swap PTE itself (the L1TF
 * layout of pgtable.h, offset stored inverted) and puts the old one back.
 */
Test(text_views, swap_entry_is_decoded_with_type_offset_and_exclusive_bit)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	unsigned long addr = map_anon(a, 4);
	pte_t *ptep, saved;
	char *text;

	write_pages(a, addr, 0, 0);
	ptep = sim_lookup_pte(a->mm, addr + PAGE_SIZE);
	cr_assert(ptep);
	saved = *ptep;
	*ptep = __pte(__swp_pte_val(0, 5) | _PAGE_SWP_EXCLUSIVE);
	text = task_text(viz_text_pagetable, a);
	*ptep = saved;
	assert_has(text,
		   "    600000001000  0x07fffffffffff408  swap type 0 offset 0x5 (exclusive)\n");
	g_free(text);
	finish(m);
}

Test(text_views, exited_task_has_no_page_tables_and_empty_maps)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	char *text;

	write_pages(a, map_anon(a, 4), 0, 1);
	sim_exit(a);
	text = task_text(viz_text_pagetable, a);
	cr_assert_str_eq(text, "pid 1 (A) has exited: no page tables\n");
	g_free(text);
	text = task_text(viz_text_maps, a);
	cr_assert_str_eq(text, "");
	g_free(text);
	text = task_text(viz_text_smaps, a);
	cr_assert_str_eq(text, "");
	g_free(text);
	finish(m);
}

/* ---- maps and smaps ---- */

Test(text_views, maps_line_of_an_anonymous_mapping_is_the_kernels)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	char *text;

	map_anon(a, 16);
	text = task_text(viz_text_maps, a);
	cr_assert_str_eq(text, "600000000000-600000010000 rw-p 00000000 00:00 0 \n");
	g_free(text);
	finish(m);
}

Test(text_views, maps_lists_vmas_in_address_order_after_a_split)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	unsigned long addr = map_anon(a, 16);
	char *text;

	map_anon(a, 1);
	cr_assert_eq(sim_mprotect(a, addr + 4 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ), 0);
	text = task_text(viz_text_maps, a);
	cr_assert_str_eq(text, "600000000000-600000004000 rw-p 00000000 00:00 0 \n"
			       "600000004000-600000008000 r--p 00000000 00:00 0 \n"
			       "600000008000-600000010000 rw-p 00000000 00:00 0 \n"
			       "600040000000-600040001000 rw-p 00000000 00:00 0 \n");
	g_free(text);
	finish(m);
}

Test(text_views, smaps_after_fork_splits_pss_between_the_two_processes)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A"), *b;
	unsigned long addr = map_anon(a, 16);

	write_pages(a, addr, 0, 4);
	cr_assert_eq(sim_fork(a, "B", &b), 0);
	/* Only A's PTEs are young: fork gives the child old ones. */
	for (int i = 0; i < 2; i++) {
		char *text = task_text(viz_text_smaps, i ? b : a);
		char *expect = g_strdup_printf("600000000000-600000010000 rw-p 00000000 00:00 0 \n"
					       "Size:                 64 kB\n"
					       "KernelPageSize:        4 kB\n"
					       "MMUPageSize:           4 kB\n"
					       "Rss:                  20 kB\n"
					       "Pss:                  10 kB\n"
					       "Pss_Dirty:            10 kB\n"
					       "Shared_Clean:          0 kB\n"
					       "Shared_Dirty:         20 kB\n"
					       "Private_Clean:         0 kB\n"
					       "Private_Dirty:         0 kB\n"
					       "Referenced:     %8d kB\n"
					       "Anonymous:            20 kB\n"
					       "LazyFree:              0 kB\n"
					       "Swap:                  0 kB\n"
					       "SwapPss:               0 kB\n"
					       "Locked:                0 kB\n"
					       "VmFlags: rd wr mr mw me ac \n",
					       i ? 0 : 20);

		cr_assert_str_eq(text, expect, "pid %d", i + 1);
		g_free(expect);
		g_free(text);
	}
	finish(m);
}

Test(text_views, smaps_after_a_cow_write_shows_the_private_copy)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A"), *b;
	unsigned long addr = map_anon(a, 16);
	char *text;

	write_pages(a, addr, 0, 4);
	cr_assert_eq(sim_fork(a, "B", &b), 0);
	write_pages(b, addr, 0, 0);
	text = task_text(viz_text_smaps, b);
	assert_has(text, "Rss:                  20 kB\n"
			 "Pss:                  12 kB\n");
	assert_has(text, "Shared_Dirty:         16 kB\n"
			 "Private_Clean:         0 kB\n"
			 "Private_Dirty:         4 kB\n");
	g_free(text);
	finish(m);
}

/* ---- frames ---- */

Test(text_views, frames_lists_the_pfns_in_use_then_folds_the_free_ones)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_4_19);
	struct task_struct *a = sim_task_create(m, "A");
	unsigned long addr = map_anon(a, 4);
	char *text;

	write_pages(a, addr, 0, 3);
	cr_assert_eq(sim_munmap(a, addr + PAGE_SIZE, PAGE_SIZE), 0); /* frees pfn 0x2 */
	text = machine_text(viz_text_frames, m);
	assert_has(text, "0x0         1    0  -              zero page    -            "
			 "uptodate reserved\n");
	assert_has(text, "0x1         1    1  active_anon    anon_vma 1   0x600000000  "
			 "uptodate lru active swapbacked\n");
	assert_lacks(text, "\n0x2 ");
	assert_has(text, "0x3         1    1  active_anon    anon_vma 1   0x600000002  ");
	assert_has(text, "0x4         1    1  active_anon    anon_vma 1   0x600000003  ");
	assert_has(text, "free: 61 frames: 0x2 0x5-0x40\n");
	g_free(text);
	finish(m);
}

Test(text_views, frames_show_the_shared_page_and_the_childs_anon_vma_after_cow)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A"), *b;
	unsigned long addr = map_anon(a, 4);
	char *text;

	write_pages(a, addr, 0, 1);
	cr_assert_eq(sim_fork(a, "B", &b), 0);
	write_pages(b, addr, 1, 1); /* B copies page 1 into pfn 0x3, in its own anon_vma */
	text = machine_text(viz_text_frames, m);
	assert_has(text, "0x1         2    2  inactive_anon  anon_vma 1   0x600000000  "
			 "uptodate lru swapbacked\n");
	assert_has(text, "0x2         1    1  inactive_anon  anon_vma 1   0x600000001  ");
	assert_has(text, "0x3         1    1  inactive_anon  anon_vma 2   0x600000001  "
			 "uptodate lru swapbacked anon_exclusive\n");
	assert_has(text, "free: 61 frames: 0x4-0x40\n");
	g_free(text);
	finish(m);
}

Test(text_views, frames_with_no_free_frame_says_none)
{
	struct sim_machine *m = machine(2, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	char *text;

	write_pages(a, map_anon(a, 2), 0, 1);
	text = machine_text(viz_text_frames, m);
	assert_has(text, "free: 0 frames: none\n");
	g_free(text);
	finish(m);
}

/* ---- meminfo ---- */

Test(text_views, meminfo_shows_ram_free_and_anon_pages_in_kernel_order)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	char *text;

	write_pages(a, map_anon(a, 4), 0, 1);
	text = machine_text(viz_text_meminfo, m);
	cr_assert_str_eq(text, "MemTotal:            256 kB\n"
			       "MemFree:             248 kB\n"
			       "Cached:                0 kB\n"
			       "SwapCached:            0 kB\n"
			       "Active:                0 kB\n"
			       "Inactive:              8 kB\n"
			       "Active(anon):          0 kB\n"
			       "Inactive(anon):        8 kB\n"
			       "Active(file):          0 kB\n"
			       "Inactive(file):        0 kB\n"
			       "Unevictable:           0 kB\n"
			       "SwapTotal:          1020 kB\n"
			       "SwapFree:           1020 kB\n"
			       "Dirty:                 0 kB\n"
			       "Writeback:             0 kB\n"
			       "AnonPages:             8 kB\n"
			       "Mapped:                0 kB\n"
			       "Shmem:                 0 kB\n"
			       "PageTables:           16 kB\n"
			       "CommitLimit:        1148 kB\n"
			       "Committed_AS:         16 kB\n");
	g_free(text);
	finish(m);
}

Test(text_views, meminfo_pagetables_counts_every_level_and_the_pgd_under_6_18)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A"), *b;
	unsigned long kb;

	cr_assert_eq(meminfo_value(m, "PageTables", &kb), 0);
	cr_assert_eq(kb, 4, "an empty mm still has its PGD: %lu kB", kb);
	write_pages(a, map_anon(a, 4), 0, 0);
	cr_assert_eq(meminfo_value(m, "PageTables", &kb), 0);
	cr_assert_eq(kb, 16, "PGD + PUD + PMD + PTE: %lu kB", kb);
	cr_assert_eq(sim_fork(a, "B", &b), 0);
	cr_assert_eq(meminfo_value(m, "PageTables", &kb), 0);
	cr_assert_eq(kb, 32, "two mms: %lu kB", kb);
	sim_exit(b);
	cr_assert_eq(meminfo_value(m, "PageTables", &kb), 0);
	cr_assert_eq(kb, 16, "after B exits: %lu kB", kb);
	finish(m);
}

Test(text_views, meminfo_pagetables_counts_only_pte_tables_under_4_19)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_4_19);
	struct task_struct *a = sim_task_create(m, "A");
	unsigned long addr = map_anon(a, 1024), kb;

	cr_assert_eq(meminfo_value(m, "PageTables", &kb), 0);
	cr_assert_eq(kb, 0, "%lu kB", kb);
	write_pages(a, addr, 0, 0);
	write_pages(a, addr, 512, 512); /* a second PTE table, same PMD table */
	cr_assert_eq(meminfo_value(m, "PageTables", &kb), 0);
	cr_assert_eq(kb, 8, "two PTE tables: %lu kB", kb);
	finish(m);
}

Test(text_views, meminfo_names_are_looked_up_exactly)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct meminfo_field fields[MEMINFO_NR_FIELDS];
	unsigned long kb = 7;
	int n;

	meminfo_fields(m, fields, &n);
	cr_assert_eq(n, MEMINFO_NR_FIELDS);
	for (int i = 0; i < n; i++)
		cr_assert_eq(meminfo_field_by_name(fields[i].name), i, "%s", fields[i].name);
	cr_assert_eq(meminfo_field_by_name("MemTotal"), 0);
	cr_assert_eq(meminfo_field_by_name("Inactive(anon)"), 7);
	cr_assert_eq(meminfo_field_by_name("MemTotal:"), -1);
	cr_assert_eq(meminfo_field_by_name("memtotal"), -1);
	cr_assert_eq(meminfo_field_by_name("Buffers"), -1);
	cr_assert_eq(meminfo_field_by_name("MemAvailable"), -1);
	cr_assert_eq(meminfo_field_by_name("Committed_AS"), 20);
	cr_assert_eq(meminfo_field_by_name("VmallocTotal"), -1);
	cr_assert_eq(meminfo_field_by_name(""), -1);
	cr_assert_eq(meminfo_value(m, "Slab", &kb), -ENOENT);
	cr_assert_eq(kb, 7, "a refused name leaves the value alone");
	cr_assert_eq(meminfo_value(m, "MemTotal", &kb), 0);
	cr_assert_eq(kb, 256);
	finish(m);
}

/* ---- vmstat ---- */

Test(text_views, vmstat_lists_every_counter_with_its_value)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A");
	unsigned long addr = map_anon(a, 4);
	char *text;

	write_pages(a, addr, 0, 1);
	touch(a, addr + 2 * PAGE_SIZE, false);
	text = machine_text(viz_text_vmstat, m);
	cr_assert_eq(count_lines(text), NR_VM_ITEMS);
	cr_assert(g_str_has_prefix(text, "nr_free_pages 62\n"), "%s", text);
	assert_has(text, "\nnr_anon_pages 2\n");
	assert_has(text, "\npgfault 3\n");
	assert_has(text, "\npgmajfault 0\n");
	for (int i = 0; i < NR_VM_ITEMS; i++)
		assert_has(text, vmstat_text[i]);
	g_free(text);
	finish(m);
}

/* ---- every view: deterministic, and only reads ---- */

static char *all_views(struct sim_machine *m, struct task_struct *a, struct task_struct *b)
{
	GString *out = g_string_new(NULL);

	for (int i = 0; i < 2; i++) {
		viz_text_pagetable(out, i ? b : a);
		viz_text_maps(out, i ? b : a);
		viz_text_smaps(out, i ? b : a);
	}
	viz_text_frames(out, m);
	viz_text_meminfo(out, m);
	viz_text_vmstat(out, m);
	return g_string_free(out, FALSE);
}

static char *small_scenario_views(void)
{
	struct sim_machine *m = machine(64, SIM_KERNEL_6_18);
	struct task_struct *a = sim_task_create(m, "A"), *b;
	unsigned long addr = map_anon(a, 4);
	long before[NR_VM_ITEMS], outstanding[SIM_NR_ALLOC_KINDS];
	char *text, *again;

	write_pages(a, addr, 0, 1);
	touch(a, addr + 2 * PAGE_SIZE, false);
	cr_assert_eq(sim_fork(a, "B", &b), 0);
	memcpy(before, m->vm_stat, sizeof(before));
	for (int k = 0; k < SIM_NR_ALLOC_KINDS; k++)
		outstanding[k] = sim_alloc_outstanding(k);
	text = all_views(m, a, b);
	again = all_views(m, a, b);
	cr_assert_str_eq(text, again, "a second look shows something else");
	cr_assert_arr_eq(before, m->vm_stat, sizeof(before), "a view changed a counter");
	for (int k = 0; k < SIM_NR_ALLOC_KINDS; k++)
		cr_assert_eq(sim_alloc_outstanding(k), outstanding[k], "a view allocated %s",
			     sim_alloc_kind_name(k));
	g_free(again);
	finish(m);
	return text;
}

Test(text_views, views_are_deterministic_and_change_nothing)
{
	char *first = small_scenario_views();
	char *second = small_scenario_views();

	cr_assert_str_eq(first, second, "two runs of one scenario differ");
	g_free(first);
	g_free(second);
}
