// SPDX-License-Identifier: GPL-2.0
/*
 * test_swap.c - the swap device, its swap_map and the swap cache
 * (sim/kernel/swapfile.c, swap_state.c, page_io.c), and the paths that use
 * them: MADV_PAGEOUT of anonymous and tmpfs pages (vmscan.c, shmem.c
 * shmem_writepage), do_swap_page and shmem_swapin, fork and zap of swap
 * entries (memory.c), on a disk and on zram, under kernel=4.19 and 6.18.
 *
 * What each test holds is what Linux does: real-kernel-6.18.md §7 (p07: the
 * swap cache after pageout, swap-in by read and by write, zero-filled pages,
 * zram), §6 (p06: shmem), §9 (p09 part A: DONTNEED of swapped anon), §10
 * and §13 items 8-12; kernel-behaviour.md §2.6 (do_swap_page, the exclusive
 * marker, 4.19 vs 6.11+ read swap-in), §3.2 (the reference flow of
 * swap_map: add_to_swap, try_to_unmap, fork, swap-in, zap, SWAP_HAS_CACHE),
 * §3.3 (what pageout leaves, a full device), §3.4 (readahead) and §3.5
 * (shmem). Offsets are the model's (taken in order from 1); the tests
 * compare offsets with each other, never with the real kernel's.
 *
 * Every test checks the invariants (swap_map count == swap PTEs + tmpfs
 * slots; SWAP_HAS_CACHE exactly when the swap cache holds a page) after
 * each step, and machine_destroy proves nothing leaked.
 */
#include "fs.h"
#include "sim_fixture.h"
#include "swap.h"

#define SHARED (MAP_SHARED)

/* A machine with swap: @swap_pages slots (slot 0 the header), a disk or zram. */
static struct sim_machine *swap_machine(enum sim_kernel_profile kernel, unsigned long ram_pages,
					unsigned long swap_pages, bool zram)
{
	struct sim_config cfg = {
		.kernel = kernel,
		.ram_pages = ram_pages,
		.swap_pages = swap_pages,
		.swap_synchronous = zram,
		.swap_ra_cluster = true, /* the reference machine's rotational swap file */
		.fault_around_bytes = 65536,
		.read_ahead_bytes = 128 * 1024,
		.page_cluster = 3,
	};
	struct sim_machine *m;

	assert_nothing_allocated("before the machine");
	m = sim_machine_create(&cfg);
	cr_assert_not_null(m);
	cr_assert_not_null(m->swap, "no swap device with swap_pages=%lu", swap_pages);
	assert_machine_ok(m);
	return m;
}

static unsigned long pg(unsigned long base, unsigned long i)
{
	return base + i * PG;
}

/* The swap offset the PTE at @addr holds; the PTE must be a swap entry. */
static unsigned long swp_off(struct mm_struct *mm, unsigned long addr)
{
	pte_t pte = pte_at(mm, addr);

	cr_assert(is_swap_pte(pte), "PTE at %#lx is %#llx, not a swap entry", addr,
		  (unsigned long long)pte.pte);
	return swp_offset(pte_to_swp_entry(pte));
}

static unsigned char swap_map(struct sim_machine *m, unsigned long off)
{
	return m->swap->swap_map[off];
}

/* The page the swap cache holds for @off, or NULL. */
static struct page *swapcache_page(struct sim_machine *m, unsigned long off)
{
	return radix_tree_lookup(&m->swap->cache, off);
}

#define assert_map(m, off, want)                                                                   \
	cr_assert_eq(swap_map((m), (off)), (unsigned char)(want),                                  \
		     "swap_map[%#lx] is %#x, not %#x", (unsigned long)(off), swap_map((m), (off)), \
		     (unsigned)(want))

#define assert_swap(m, used, cached)                                                               \
	do {                                                                                       \
		cr_assert_eq((m)->swap->inuse_pages, (unsigned long)(used),                        \
			     "%lu slots in use, not %lu", (m)->swap->inuse_pages,                  \
			     (unsigned long)(used));                                               \
		cr_assert_eq((m)->swap->nr_cached, (unsigned long)(cached),                        \
			     "%lu pages in the swap cache, not %lu", (m)->swap->nr_cached,         \
			     (unsigned long)(cached));                                             \
	} while (0)

static void pageout(struct task_struct *t, unsigned long addr, unsigned long pages)
{
	cr_assert_eq(sim_madvise(t, addr, pages * PG, MADV_PAGEOUT), 0);
	assert_machine_ok(t->mm->sim);
}

/* Write @value + i into pages [0, n) of @base. */
static void fill(struct task_struct *t, unsigned long base, unsigned long n, u64 value)
{
	for (unsigned long i = 0; i < n; i++)
		store(t, pg(base, i), value + i);
}

struct faults {
	struct task_struct *t;
	unsigned long min, maj;
};

static struct faults faults_begin(struct task_struct *t)
{
	return (struct faults){ t, t->min_flt, t->maj_flt };
}

#define assert_faults(f, mn, mj)                                                                   \
	do {                                                                                       \
		cr_assert_eq((f).t->min_flt - (f).min, (unsigned long)(mn),                        \
			     "minor faults %lu, not %d", (f).t->min_flt - (f).min, (mn));          \
		cr_assert_eq((f).t->maj_flt - (f).maj, (unsigned long)(mj),                        \
			     "major faults %lu, not %d", (f).t->maj_flt - (f).maj, (mj));          \
	} while (0)

static bool pte_writable_at(struct mm_struct *mm, unsigned long addr)
{
	pte_t pte = pte_at(mm, addr);

	return pte_present(pte) && pte_write(pte);
}

/*
 * p07 step 2: MADV_PAGEOUT of dirty anonymous pages on a disk. Each page
 * gets a slot; its PTE becomes a swap entry (one reference: count 1) and
 * the page waits in the swap cache (SWAP_HAS_CACHE) under writeback, so
 * mincore still says 1 and the swap-cache pages count in nr_file_pages.
 */
Test(swap, pageout_leaves_a_swap_pte_and_the_page_in_the_swap_cache_under_writeback)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, false);
	struct task_struct *t = sim_task_create(m, "a");
	unsigned long base = map_anon(t, 4, RW);
	struct page *pages[4];
	char smaps[SMAPS_LINE];

	fill(t, base, 4, 0x100);
	for (int i = 0; i < 4; i++)
		pages[i] = page_at(t->mm, pg(base, i));
	pageout(t, base, 4);

	assert_present(t->mm, base, 4, "0000");
	assert_bits(t->mm, base, 4, PM_SWAP, "1111");
	assert_mincore(t->mm, base, 4, "1111");
	for (int i = 0; i < 4; i++) {
		unsigned long off = swp_off(t->mm, pg(base, i));

		assert_map(m, off, 1 | SWAP_HAS_CACHE);
		cr_assert_eq(swapcache_page(m, off), pages[i], "page %d is not cached at its slot",
			     i);
		cr_assert(PageSwapCache(pages[i]) && PageWriteback(pages[i]) &&
			  !PageDirty(pages[i]));
		cr_assert(pte_swp_exclusive(pte_at(t->mm, pg(base, i))),
			  "6.18 marks the swap PTE of an exclusive page (5.19+)");
	}
	assert_swap(m, 4, 4);
	cr_assert_eq(t->mm->rss_stat[MM_ANONPAGES], 0);
	cr_assert_eq(t->mm->rss_stat[MM_SWAPENTS], 4);
	cr_assert_str_eq(smaps_line(t->mm, base, smaps), "0/0/0/0/0/0/0/16/16");
	cr_assert_eq(vmstat(m, PSWPOUT), 4);
	cr_assert_eq(vmstat(m, NR_VMSCAN_WRITE), 4);
	cr_assert_eq(vmstat(m, NR_WRITEBACK), 4);
	cr_assert_eq(vmstat(m, NR_SWAPCACHE), 4);
	cr_assert_eq(vmstat(m, NR_FILE_PAGES), 4, "the swap cache counts in nr_file_pages");
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);

	cr_assert_eq(sim_writeback_all(m), 4);
	assert_machine_ok(m);
	for (int i = 0; i < 4; i++)
		cr_assert(PageSwapCache(pages[i]) && !PageWriteback(pages[i]));
	assert_mincore(t->mm, base, 4, "1111");
	assert_swap(m, 4, 4);
	cr_assert_eq(vmstat(m, NR_WRITEBACK), 0);
	cr_assert_eq(vmstat(m, NR_WRITTEN), 4);
	machine_destroy(m);
}

/*
 * p07 steps 4-5: a read finds the page in the swap cache (minor, no I/O),
 * the PTE's reference goes (count 0) but the cache keeps the slot; a second
 * MADV_PAGEOUT re-installs the swap PTE and drops the clean page: no write.
 */
Test(swap, a_read_swap_in_keeps_the_slot_and_a_second_pageout_frees_the_page_without_io)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, false);
	struct task_struct *t = sim_task_create(m, "a");
	unsigned long base = map_anon(t, 4, RW);
	unsigned long off[4];
	struct page *cached[4];
	struct faults f;
	char smaps[SMAPS_LINE];

	fill(t, base, 4, 0x200);
	pageout(t, base, 4);
	sim_writeback_all(m);
	for (int i = 0; i < 4; i++) {
		off[i] = swp_off(t->mm, pg(base, i));
		cached[i] = swapcache_page(m, off[i]);
	}

	f = faults_begin(t);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(load(t, pg(base, i)), 0x200 + (u64)i);
	assert_machine_ok(m);
	assert_faults(f, 4, 0);
	cr_assert_eq(vmstat(m, PSWPIN), 0);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(page_at(t->mm, pg(base, i)), cached[i], "the same frame comes back");
		assert_map(m, off[i], SWAP_HAS_CACHE); /* no PTE refers to it; the cache does */
		cr_assert(PageSwapCache(cached[i]) && !PageDirty(cached[i]));
	}
	assert_exclusive(t->mm, base, 4, "1111");
	assert_swap(m, 4, 4);
	cr_assert_str_eq(smaps_line(t->mm, base, smaps), "16/16/0/0/16/0/16/0/0");

	pageout(t, base, 4);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(swp_off(t->mm, pg(base, i)), off[i],
			     "the swap PTE takes its old slot");
		assert_map(m, off[i], 1);
		cr_assert_null(swapcache_page(m, off[i]));
	}
	assert_mincore(t->mm, base, 4, "0000");
	assert_swap(m, 4, 0);
	cr_assert_eq(vmstat(m, PSWPOUT), 4, "a clean swap-cache page is not written again");
	cr_assert_eq(vmstat(m, NR_VMSCAN_WRITE), 4);
	cr_assert_eq(vmstat(m, NR_FILE_PAGES), 0);
	cr_assert_eq(m->nr_free, 64, "every frame is free again");
	machine_destroy(m);
}

/*
 * p07 steps 12-14: a write fault on a swap-cache page makes the copy on
 * swap stale: the slot is freed and the page leaves the swap cache, dirty.
 * A page swapped in by a read and then stored to keeps its slot, and the
 * next pageout writes it there again.
 */
Test(swap, a_write_swap_in_frees_the_slot_and_a_rewritten_read_swap_in_reuses_its_slot)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, false);
	struct task_struct *t = sim_task_create(m, "a");
	unsigned long base = map_anon(t, 2, RW);
	unsigned long off0, off1;
	struct page *p1;
	struct faults f;

	fill(t, base, 2, 0x300);
	pageout(t, base, 2);
	sim_writeback_all(m);
	off0 = swp_off(t->mm, base);
	off1 = swp_off(t->mm, pg(base, 1));

	/* page 0: read, then a store that needs no fault (mapped writable by the read) */
	f = faults_begin(t);
	cr_assert_eq(load(t, base), 0x300);
	store(t, base, 0x3a);
	assert_faults(f, 1, 0);
	assert_map(m, off0, SWAP_HAS_CACHE);

	/* page 1: a write fault */
	f = faults_begin(t);
	store(t, pg(base, 1), 0x3b);
	assert_machine_ok(m);
	assert_faults(f, 1, 0);
	p1 = page_at(t->mm, pg(base, 1));
	assert_map(m, off1, 0);
	cr_assert_not(PageSwapCache(p1));
	cr_assert(pte_dirty(pte_at(t->mm, pg(base, 1))) && pte_writable_at(t->mm, pg(base, 1)));
	assert_swap(m, 1, 1);
	cr_assert_eq(vmstat(m, NR_SWAPCACHE), 1);

	pageout(t, base, 2);
	cr_assert_eq(swp_off(t->mm, base), off0, "the rewritten page goes back to its old slot");
	cr_assert_neq(swp_off(t->mm, pg(base, 1)), off1, "the freed slot is not reused next");
	assert_map(m, off0, 1 | SWAP_HAS_CACHE);
	assert_map(m, off1, 0);
	assert_map(m, swp_off(t->mm, pg(base, 1)), 1 | SWAP_HAS_CACHE);
	cr_assert_eq(vmstat(m, PSWPOUT), 4, "both pages are written: 2 + 2");
	sim_writeback_all(m);

	cr_assert_eq(load(t, base), 0x3a);
	cr_assert_eq(load(t, pg(base, 1)), 0x3b);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §2.6: since 6.11 a read swap-in of an exclusive page
 * (the swap PTE carries the 5.19 exclusive marker) maps it writable, so
 * the first store takes no fault; under 4.19 the read maps it read-only and
 * the store costs a second minor fault, which reuses the page in place.
 */
Test(swap, a_read_swap_in_maps_writable_under_6_18_and_read_only_under_4_19)
{
	for (int k = 0; k < 2; k++) {
		enum sim_kernel_profile kernel = k ? SIM_KERNEL_4_19 : SIM_KERNEL_6_18;
		struct sim_machine *m = swap_machine(kernel, 64, 64, false);
		struct task_struct *t = sim_task_create(m, "a");
		unsigned long base = map_anon(t, 1, RW);
		struct page *page;
		struct faults f;

		store(t, base, 0x400);
		pageout(t, base, 1);
		sim_writeback_all(m);
		cr_assert_eq(pte_swp_exclusive(pte_at(t->mm, base)), kernel == SIM_KERNEL_6_18,
			     "the exclusive marker exists from 5.19");

		f = faults_begin(t);
		cr_assert_eq(load(t, base), 0x400);
		assert_faults(f, 1, 0);
		page = page_at(t->mm, base);
		cr_assert_eq(pte_writable_at(t->mm, base), kernel == SIM_KERNEL_6_18,
			     "%s: a read swap-in maps %s", kernel ? "6.18" : "4.19",
			     kernel ? "writable" : "read-only");
		cr_assert(PageSwapCache(page));

		f = faults_begin(t);
		store(t, base, 0x401);
		assert_machine_ok(m);
		assert_faults(f, kernel == SIM_KERNEL_6_18 ? 0 : 1, 0);
		cr_assert_eq(page_at(t->mm, base), page, "the store reuses the page in place");
		cr_assert(pte_writable_at(t->mm, base) && pte_dirty(pte_at(t->mm, base)));
		cr_assert_eq(load(t, base), 0x401);
		machine_destroy(m);
	}
}

/*
 * kernel-behaviour.md §3.2: fork copies a swap PTE and takes one more
 * reference to the slot; the exclusive marker is cleared on both sides.
 * Swap-in and zap each drop one; the slot is free when no PTE and no cached
 * page holds it. SwapPss divides by the reference count.
 */
Test(swap, fork_swap_in_dontneed_and_exit_move_the_slot_count_one_reference_at_a_time)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, false);
	struct task_struct *parent = sim_task_create(m, "parent"), *child;
	unsigned long base = map_anon(parent, 2, RW);
	unsigned long off0, off1;
	struct page *cached0;
	struct faults f;
	char smaps[SMAPS_LINE];

	fill(parent, base, 2, 0x500);
	pageout(parent, base, 2);
	sim_writeback_all(m);
	off0 = swp_off(parent->mm, base);
	off1 = swp_off(parent->mm, pg(base, 1));
	cached0 = swapcache_page(m, off0);
	assert_map(m, off0, 1 | SWAP_HAS_CACHE);

	cr_assert_eq(sim_fork(parent, "child", &child), 0);
	assert_machine_ok(m);
	assert_map(m, off0, 2 | SWAP_HAS_CACHE);
	assert_map(m, off1, 2 | SWAP_HAS_CACHE);
	for (int i = 0; i < 2; i++) {
		cr_assert_not(pte_swp_exclusive(pte_at(parent->mm, pg(base, i))));
		cr_assert_not(pte_swp_exclusive(pte_at(child->mm, pg(base, i))));
		cr_assert_eq(swp_off(child->mm, pg(base, i)), swp_off(parent->mm, pg(base, i)));
	}
	cr_assert_eq(child->mm->rss_stat[MM_SWAPENTS], 2);
	cr_assert_str_eq(smaps_line(child->mm, base, smaps), "0/0/0/0/0/0/0/8/4",
			 "SwapPss: 4 kB / 2 references per page");

	/* The child reads page 0: its PTE's reference goes; the page is not exclusive. */
	f = faults_begin(child);
	cr_assert_eq(load(child, base), 0x500);
	assert_machine_ok(m);
	assert_faults(f, 1, 0);
	cr_assert_eq(page_at(child->mm, base), cached0);
	cr_assert_not(pte_writable_at(child->mm, base), "the parent may still read this slot");
	assert_map(m, off0, 1 | SWAP_HAS_CACHE);

	/* The parent reads it too: both map the one swap-cache page. */
	cr_assert_eq(load(parent, base), 0x500);
	assert_map(m, off0, SWAP_HAS_CACHE);
	cr_assert_eq(page_at(parent->mm, base), cached0);
	assert_exclusive(parent->mm, base, 1, "0");

	/* DONTNEED in the child: page 0 loses a mapping, page 1's slot a reference. */
	cr_assert_eq(sim_madvise(child, base, 2 * PG, MADV_DONTNEED), 0);
	assert_machine_ok(m);
	assert_map(m, off1, 1 | SWAP_HAS_CACHE);
	cr_assert_eq(child->mm->rss_stat[MM_SWAPENTS], 0);

	assert_map(m, off0, SWAP_HAS_CACHE);
	cr_assert_eq(page_mapcount(cached0), 1, "only the parent maps page 0 now");
	sim_exit(child);
	assert_machine_ok(m);
	assert_map(m, off1, 1 | SWAP_HAS_CACHE);
	assert_swap(m, 2, 2);

	/*
	 * The parent pages page 0 out again (clean, its slot current: no I/O)
	 * and exits: both swap PTEs are zapped and nothing is left.
	 */
	pageout(parent, base, 1);
	assert_map(m, off0, 1);
	cr_assert_eq(vmstat(m, PSWPOUT), 2);
	sim_exit(parent);
	assert_machine_ok(m);
	assert_map(m, off0, 0);
	assert_map(m, off1, 0);
	assert_swap(m, 0, 0);
	cr_assert_eq(vmstat(m, NR_SWAPCACHE), 0);
	cr_assert_eq(m->nr_free, 64);
	machine_destroy(m);
}

/*
 * COW must survive a trip through swap. After fork both processes hold a
 * swap PTE for the slot (the exclusive marker cleared); the child swaps the
 * page in from the swap cache and writes it. The parent still refers to
 * that swap-cache page through its swap PTE, so the child must get a copy:
 * 6.18's wp_can_reuse_anon_folio refuses (refcount: the PTE and the swap
 * cache; folio_free_swap fails while the parent's swap reference exists),
 * and 4.19's reuse_swap_page counts mapcount + swapcount = 2. The parent
 * then reads its own data.
 *
 * DISABLED: the model reuses the page in place under both profiles and the
 * parent reads the child's value. Under 6.18 the page keeps PG_anon_exclusive
 * through try_to_unmap_one (vmscan.c sets the swap PTE's exclusive marker but
 * never clears the page's flag, as folio_try_share_anon_rmap_pte does), so
 * can_reuse_anon_page (memory.c) says yes; under 4.19 can_reuse_anon_page
 * looks at page_mapcount only, not at the slot's swap count. Enable this
 * test when the model is fixed.
 */
Test(swap, a_write_to_a_swapped_in_page_that_another_process_still_refers_to_copies_it)
{
	for (int k = 0; k < 2; k++) {
		enum sim_kernel_profile kernel = k ? SIM_KERNEL_4_19 : SIM_KERNEL_6_18;
		struct sim_machine *m = swap_machine(kernel, 64, 64, false);
		struct task_struct *parent = sim_task_create(m, "parent"), *child;
		unsigned long base = map_anon(parent, 1, RW), off;
		struct page *cached;
		struct faults f;

		store(parent, base, 0x500);
		pageout(parent, base, 1);
		sim_writeback_all(m);
		off = swp_off(parent->mm, base);
		cached = swapcache_page(m, off);
		cr_assert_eq(sim_fork(parent, "child", &child), 0);

		cr_assert_eq(load(child, base), 0x500);
		f = faults_begin(child);
		store(child, base, 0x5c);
		assert_machine_ok(m);
		assert_faults(f, 1, 0);
		cr_assert_neq(page_at(child->mm, base), cached, "%s: the child must copy",
			      k ? "4.19" : "6.18");
		assert_map(m, off, 1 | SWAP_HAS_CACHE);
		cr_assert_eq(load(parent, base), 0x500, "%s: the parent reads its own data",
			     k ? "4.19" : "6.18");
		machine_destroy(m);
	}
}

/*
 * Zapping a present page that is still in the swap cache (read back from
 * it, its slot kept): the mmu_gather frees its pages through
 * free_pages_and_swap_cache -> free_swap_cache, which takes an unmapped
 * swap-cache page whose slot nobody else refers to out of the swap cache
 * and frees the slot (try_to_free_swap in 4.19, folio_free_swap in 6.x).
 * MADV_DONTNEED, munmap and exit all go that way.
 *
 * DISABLED: the model's zap_pte_range (memory.c) drops the PTE's reference
 * only, so the page stays in the swap cache with SWAP_HAS_CACHE and its
 * slot until the machine is torn down. Enable this test when the model
 * frees it.
 */
Test(swap, unmapping_a_page_read_back_from_the_swap_cache_frees_the_copy_and_the_slot)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, false);
	struct task_struct *t = sim_task_create(m, "a");
	unsigned long base = map_anon(t, 2, RW);
	unsigned long off0, off1;

	fill(t, base, 2, 0x580);
	pageout(t, base, 2);
	sim_writeback_all(m);
	off0 = swp_off(t->mm, base);
	off1 = swp_off(t->mm, pg(base, 1));
	cr_assert_eq(load(t, base), 0x580);
	cr_assert_eq(load(t, pg(base, 1)), 0x581);
	assert_map(m, off0, SWAP_HAS_CACHE);
	assert_swap(m, 2, 2);

	cr_assert_eq(sim_madvise(t, base, PG, MADV_DONTNEED), 0);
	assert_machine_ok(m);
	assert_map(m, off0, 0);
	assert_swap(m, 1, 1);

	cr_assert_eq(sim_munmap(t, pg(base, 1), PG), 0);
	assert_machine_ok(m);
	assert_map(m, off1, 0);
	assert_swap(m, 0, 0);
	cr_assert_eq(vmstat(m, NR_SWAPCACHE), 0);
	cr_assert_eq(m->nr_free, 64);
	machine_destroy(m);
}

/*
 * p09 part A: MADV_DONTNEED of swapped anonymous pages frees their slots
 * and their swap-cache copies (nr_swapcached -N, mincore 0), no I/O.
 */
Test(swap, dontneed_of_swapped_anon_frees_the_slots_and_the_swap_cache_copies)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, false);
	struct task_struct *t = sim_task_create(m, "a");
	unsigned long base = map_anon(t, 8, RW);
	struct faults f;

	fill(t, base, 8, 0x600);
	pageout(t, pg(base, 4), 4);
	sim_writeback_all(m);
	assert_present(t->mm, base, 8, "11110000");
	assert_bits(t->mm, base, 8, PM_SWAP, "00001111");
	assert_mincore(t->mm, base, 8, "11111111");
	assert_swap(m, 4, 4);

	cr_assert_eq(sim_madvise(t, base, 8 * PG, MADV_DONTNEED), 0);
	assert_machine_ok(m);
	assert_present(t->mm, base, 8, "00000000");
	assert_bits(t->mm, base, 8, PM_SWAP, "00000000");
	assert_mincore(t->mm, base, 8, "00000000");
	assert_swap(m, 0, 0);
	cr_assert_eq(vmstat(m, NR_SWAPCACHE), 0);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0);
	cr_assert_eq(vmstat(m, PSWPIN), 0);
	cr_assert_eq(t->mm->rss_stat[MM_SWAPENTS], 0);

	f = faults_begin(t);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(load(t, pg(base, i)), 0);
	assert_faults(f, 8, 0);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §3.2: a zapped swap PTE frees the cached page only if
 * it is unmapped and not under writeback. A page still being written stays
 * in the swap cache with only SWAP_HAS_CACHE left, for reclaim to find.
 */
Test(swap, zapping_a_swap_pte_whose_page_is_being_written_leaves_the_page_in_the_swap_cache)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, false);
	struct task_struct *t = sim_task_create(m, "a");
	unsigned long base = map_anon(t, 1, RW);
	unsigned long off;
	struct page *page;

	store(t, base, 0x700);
	pageout(t, base, 1);
	off = swp_off(t->mm, base);
	page = swapcache_page(m, off);
	cr_assert(PageWriteback(page));

	cr_assert_eq(sim_munmap(t, base, PG), 0);
	assert_machine_ok(m);
	assert_map(m, off, SWAP_HAS_CACHE);
	cr_assert_eq(swapcache_page(m, off), page);
	assert_swap(m, 1, 1);

	sim_writeback_all(m);
	assert_machine_ok(m);
	assert_map(m, off, SWAP_HAS_CACHE);
	cr_assert(PageSwapCache(page) && !PageWriteback(page) && !page_mapped(page));
	machine_destroy(m); /* the teardown drains it */
}

/*
 * p06 and kernel-behaviour.md §3.5: a tmpfs page goes to swap with its PTE
 * cleared, not turned into a swap entry; the file's slot holds the entry,
 * and that slot is the one reference (count 1; VmSwap 0; smaps Swap but not
 * SwapPss). A fork copies no PTE of a shared mapping, so it adds none. Swap
 * in by a fault or by read(2): the slot is freed, the page back in the file,
 * dirty, out of the swap cache.
 */
Test(swap, a_tmpfs_page_in_swap_is_held_by_its_file_slot_and_freed_by_swap_in)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, false);
	struct task_struct *a = sim_task_create(m, "a"), *b;
	struct file *fd;
	struct inode *inode;
	unsigned long base, off0, off1;
	void *entry;
	u64 v = 0;
	bool eof = false;
	struct faults f;
	char smaps[SMAPS_LINE];

	cr_assert_eq(sim_memfd_create(m, "t", &fd), 0);
	cr_assert_eq(sim_ftruncate(fd, 2 * PG), 0);
	inode = sim_file_inode(fd);
	cr_assert_eq(sim_mmap(a, 0, 2 * PG, RW, SHARED, fd, 0, &base), 0);
	fill(a, base, 2, 0x800);
	pageout(a, base, 2);

	assert_present(a->mm, base, 2, "00");
	assert_bits(a->mm, base, 2, PM_SWAP, "00");
	cr_assert(pte_none(pte_at(a->mm, base)), "the PTE is cleared, not a swap entry");
	assert_mincore(a->mm, base, 2, "11");
	cr_assert_eq(inode->swapped, 2);
	cr_assert_eq(inode->i_data.nrpages, 0);
	entry = radix_tree_lookup(&inode->i_data.i_pages, 0);
	cr_assert(radix_tree_exceptional_entry(entry));
	off0 = swp_offset(radix_to_swp_entry(entry));
	off1 = swp_offset(radix_to_swp_entry(radix_tree_lookup(&inode->i_data.i_pages, 1)));
	cr_assert_eq(entry, swp_to_radix_entry(swp_entry(0, off0)));
	cr_assert_eq((unsigned long)entry, (off0 << 2) | 2, "radix: (swp << 2) | 2");
	assert_map(m, off0, 1 | SWAP_HAS_CACHE);
	assert_map(m, off1, 1 | SWAP_HAS_CACHE);
	cr_assert_eq(a->mm->rss_stat[MM_SWAPENTS], 0, "VmSwap counts swap PTEs only");
	cr_assert_eq(a->mm->rss_stat[MM_SHMEMPAGES], 0);
	cr_assert_str_eq(smaps_line(a->mm, base, smaps), "0/0/0/0/0/0/0/8/0");
	cr_assert_eq(vmstat(m, NR_SHMEM), 0);
	cr_assert_eq(vmstat(m, NR_SWAPCACHE), 2);
	cr_assert_eq(vmstat(m, NR_FILE_PAGES), 2);

	cr_assert_eq(sim_fork(a, "b", &b), 0);
	assert_machine_ok(m);
	assert_map(m, off0, 1 | SWAP_HAS_CACHE);
	sim_writeback_all(m);

	/* A fault in the child: minor, from the swap cache; the slot is freed. */
	f = faults_begin(b);
	cr_assert_eq(load(b, base), 0x800);
	assert_machine_ok(m);
	assert_faults(f, 1, 0);
	assert_map(m, off0, 0);
	cr_assert_eq(inode->swapped, 1);
	cr_assert_eq(radix_tree_lookup(&inode->i_data.i_pages, 0), page_at(b->mm, base));
	cr_assert(PageDirty(page_at(b->mm, base)) && !PageSwapCache(page_at(b->mm, base)));
	assert_present(b->mm, base, 2, "10");
	assert_present(a->mm, base, 2, "00");

	/* read(2): the same swap-in, no fault, nothing mapped. */
	f = faults_begin(a);
	cr_assert_eq(sim_pread(fd, PG, &v, &eof), 0);
	cr_assert_eq(v, 0x801);
	assert_faults(f, 0, 0);
	assert_machine_ok(m);
	assert_map(m, off1, 0);
	cr_assert_eq(inode->swapped, 0);
	cr_assert_eq(inode->i_data.nrpages, 2);
	assert_present(a->mm, base, 2, "00");
	assert_swap(m, 0, 0);
	cr_assert_eq(vmstat(m, NR_SHMEM), 2);
	cr_assert_eq(vmstat(m, PSWPIN), 0);

	sim_exit(b);
	sim_exit(a);
	sim_file_close(fd);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §3.3 and real-kernel §13 item 13: MADV_PAGEOUT leaves
 * alone a page mapped by another process as well; after fork that is every
 * present anonymous page, and a tmpfs page both processes have mapped.
 */
Test(swap, pageout_skips_pages_another_process_also_maps)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, false);
	struct task_struct *a = sim_task_create(m, "a"), *b;
	struct file *fd;
	unsigned long anon = map_anon(a, 2, RW), shm;

	cr_assert_eq(sim_memfd_create(m, "t", &fd), 0);
	cr_assert_eq(sim_ftruncate(fd, PG), 0);
	cr_assert_eq(sim_mmap(a, 0, PG, RW, SHARED, fd, 0, &shm), 0);
	fill(a, anon, 2, 0x900);
	store(a, shm, 0x90);
	cr_assert_eq(sim_fork(a, "b", &b), 0);
	cr_assert_eq(load(b, shm), 0x90);

	pageout(a, anon, 2);
	pageout(a, shm, 1);
	assert_present(a->mm, anon, 2, "11");
	assert_present(a->mm, shm, 1, "1");
	assert_swap(m, 0, 0);
	cr_assert_eq(vmstat(m, PSWPOUT), 0);

	sim_exit(b);
	pageout(a, anon, 2);
	pageout(a, shm, 1);
	assert_bits(a->mm, anon, 2, PM_SWAP, "11");
	assert_present(a->mm, shm, 1, "0");
	assert_swap(m, 3, 3);
	sim_exit(a);
	sim_file_close(fd);
	machine_destroy(m);
}

/*
 * §7b and §6d: zram writes synchronously. The page is freed in the same
 * pass (no swap cache, mincore 0, nr_written at once); a swap-in is always
 * major, reads straight into a new page (no swap cache, no readahead) and
 * frees the slot, so the next pageout writes again to a new slot.
 */
Test(swap, zram_frees_at_once_and_a_swap_in_bypasses_the_swap_cache)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, true);
	struct task_struct *t = sim_task_create(m, "a");
	unsigned long base = map_anon(t, 4, RW);
	unsigned long off[4];
	struct faults f;

	fill(t, base, 4, 0xa00);
	pageout(t, base, 4);
	for (int i = 0; i < 4; i++) {
		off[i] = swp_off(t->mm, pg(base, i));
		assert_map(m, off[i], 1);
		cr_assert_null(swapcache_page(m, off[i]));
	}
	assert_mincore(t->mm, base, 4, "0000");
	assert_swap(m, 4, 0);
	cr_assert_eq(vmstat(m, PSWPOUT), 4);
	cr_assert_eq(vmstat(m, NR_WRITTEN), 4);
	cr_assert_eq(vmstat(m, NR_WRITEBACK), 0);
	cr_assert_eq(vmstat(m, NR_SWAPCACHE), 0);
	cr_assert_eq(m->nr_free, 64);

	f = faults_begin(t);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(load(t, pg(base, i)), 0xa00 + (u64)i);
	assert_machine_ok(m);
	assert_faults(f, 0, 4);
	cr_assert_eq(vmstat(m, PSWPIN), 4);
	cr_assert_eq(vmstat(m, SWAP_RA), 0);
	for (int i = 0; i < 4; i++) {
		assert_map(m, off[i], 0);
		cr_assert_not(PageSwapCache(page_at(t->mm, pg(base, i))));
		cr_assert(pte_writable_at(t->mm, pg(base, i)), "a fresh page is exclusive");
	}
	assert_exclusive(t->mm, base, 4, "1111");
	assert_swap(m, 0, 0);

	pageout(t, base, 4);
	for (int i = 0; i < 4; i++)
		cr_assert_neq(swp_off(t->mm, pg(base, i)), off[i], "written again, to a new slot");
	cr_assert_eq(vmstat(m, PSWPOUT), 8);
	machine_destroy(m);
}

/*
 * The same pageout and read on a disk and on zram, side by side: what stays
 * resident and what a read costs (p07 step 2/4 and the zram table of §7b).
 */
Test(swap, a_disk_keeps_paged_out_pages_resident_and_zram_does_not)
{
	for (int zram = 0; zram < 2; zram++) {
		struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, zram);
		struct task_struct *t = sim_task_create(m, "a");
		unsigned long base = map_anon(t, 2, RW);
		struct faults f;

		fill(t, base, 2, 0xb00);
		pageout(t, base, 2);
		sim_writeback_all(m);
		assert_mincore(t->mm, base, 2, zram ? "00" : "11");
		cr_assert_eq(vmstat(m, NR_SWAPCACHE), zram ? 0 : 2);
		f = faults_begin(t);
		cr_assert_eq(load(t, base), 0xb00);
		assert_faults(f, zram ? 0 : 1, zram ? 1 : 0);
		cr_assert_eq(vmstat(m, PSWPIN), zram ? 1 : 0);
		machine_destroy(m);
	}
}

/*
 * p07 steps 16-17 and §13 item 10: from 6.12 a zero-filled page is not
 * written: the slot is taken and marked in the zeromap (swpout_zero), the
 * page is freed at once, and reading it back is a major fault that clears a
 * page (swpin_zero) instead of reading one. 4.19 writes it like any other.
 */
Test(swap, a_zero_filled_page_takes_a_slot_but_is_not_written_from_6_12)
{
	for (int k = 0; k < 2; k++) {
		enum sim_kernel_profile kernel = k ? SIM_KERNEL_4_19 : SIM_KERNEL_6_18;
		bool zeromap = kernel == SIM_KERNEL_6_18;
		struct sim_machine *m = swap_machine(kernel, 64, 64, false);
		struct task_struct *t = sim_task_create(m, "a");
		unsigned long base = map_anon(t, 1, RW), off;
		struct faults f;

		store(t, base, 0xc00);
		store(t, base, 0);
		pageout(t, base, 1);
		off = swp_off(t->mm, base);
		cr_assert_eq(m->swap->zeromap[off], zeromap);
		cr_assert_eq(vmstat(m, SWPOUT_ZERO), zeromap ? 1 : 0);
		cr_assert_eq(vmstat(m, PSWPOUT), zeromap ? 0 : 1);
		cr_assert_eq(vmstat(m, NR_VMSCAN_WRITE), 1);
		assert_map(m, off, zeromap ? 1 : 1 | SWAP_HAS_CACHE);
		assert_mincore(t->mm, base, 1, zeromap ? "0" : "1");
		assert_swap(m, 1, zeromap ? 0 : 1);
		sim_writeback_all(m);

		if (zeromap) {
			f = faults_begin(t);
			cr_assert_eq(load(t, base), 0);
			assert_faults(f, 0, 1);
			cr_assert_eq(vmstat(m, SWPIN_ZERO), 1);
			cr_assert_eq(vmstat(m, PSWPIN), 0);
			cr_assert_eq(vmstat(m, PGPGIN), 0);
		}
		machine_destroy(m);
	}
}

/*
 * kernel-behaviour.md §3.3: with no free slot, add_to_swap fails and the
 * page stays where it is (activate_locked): an anonymous page keeps its
 * PTE. A tmpfs page is unmapped first (try_to_unmap runs before
 * shmem_writepage looks for a slot), then kept in its file, dirty.
 */
Test(swap, pageout_with_a_full_device_leaves_the_pages_in_place)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 3, false);
	struct task_struct *t = sim_task_create(m, "a");
	unsigned long base = map_anon(t, 4, RW), shm;
	struct file *fd;
	struct inode *inode;
	struct page *p3;

	fill(t, base, 4, 0xd00);
	p3 = page_at(t->mm, pg(base, 3));
	pageout(t, base, 4);
	assert_bits(t->mm, base, 4, PM_SWAP, "1100");
	assert_present(t->mm, base, 4, "0011");
	cr_assert_eq(page_at(t->mm, pg(base, 3)), p3);
	cr_assert(PageActive(p3), "a page reclaim could not free is activated");
	cr_assert_eq(vmstat(m, PGACTIVATE), 2);
	assert_swap(m, 2, 2);
	cr_assert_eq(vmstat(m, PSWPOUT), 2);
	for (int i = 2; i < 4; i++)
		cr_assert_eq(load(t, pg(base, i)), 0xd00 + (u64)i);

	cr_assert_eq(sim_memfd_create(m, "t", &fd), 0);
	cr_assert_eq(sim_ftruncate(fd, PG), 0);
	inode = sim_file_inode(fd);
	cr_assert_eq(sim_mmap(t, 0, PG, RW, SHARED, fd, 0, &shm), 0);
	store(t, shm, 0xd1);
	pageout(t, shm, 1);
	assert_present(t->mm, shm, 1, "0");
	assert_mincore(t->mm, shm, 1, "1");
	cr_assert_eq(inode->swapped, 0);
	cr_assert_eq(inode->i_data.nrpages, 1);
	cr_assert(PageDirty((struct page *)radix_tree_lookup(&inode->i_data.i_pages, 0)));
	assert_swap(m, 2, 2);
	cr_assert_eq(load(t, shm), 0xd1);
	sim_file_close(fd);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §2.6: with more than half of the device in use
 * (vm_swap_full), even a read swap-in frees the slot (the page leaves the
 * swap cache, dirty), so slots go back to the pool quickly.
 */
Test(swap, with_swap_more_than_half_full_a_read_swap_in_frees_the_slot)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 9, false);
	struct task_struct *t = sim_task_create(m, "a");
	unsigned long base = map_anon(t, 6, RW), off;
	struct page *page;

	fill(t, base, 6, 0xe00);
	pageout(t, base, 6);
	sim_writeback_all(m);
	off = swp_off(t->mm, base);
	assert_swap(m, 6, 6); /* 6 of 8 slots */

	cr_assert_eq(load(t, base), 0xe00);
	assert_machine_ok(m);
	page = page_at(t->mm, base);
	assert_map(m, off, 0);
	cr_assert(!PageSwapCache(page) && PageDirty(page));
	assert_swap(m, 5, 5);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §3.4: cluster readahead reads the slots of the
 * aligned 2^page_cluster block around the faulting one that are still in
 * use, and maps only the faulting page: the others wait in the swap cache
 * (PTE still a swap entry, mincore 1, PG_readahead). A later fault on one
 * is minor and counts swap_ra_hit.
 */
Test(swap, cluster_readahead_reads_the_block_in_use_and_maps_only_the_faulting_page)
{
	struct sim_machine *m = swap_machine(SIM_KERNEL_6_18, 64, 64, false);
	struct task_struct *t = sim_task_create(m, "a");
	unsigned long base = map_anon(t, 8, RW), off3;
	struct faults f;

	fill(t, base, 8, 0xf00);
	pageout(t, base, 8);
	sim_writeback_all(m);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(load(t, pg(base, i)), 0xf00 + (u64)i); /* from the swap cache */
	pageout(t, base, 8);					     /* truly freed */
	/* slots 1..8: the block 0..7 holds pages 0..6, the block 8..15 page 7 */
	cr_assert_eq(swp_off(t->mm, base), 1);
	off3 = swp_off(t->mm, pg(base, 3));
	cr_assert_eq(sim_madvise(t, pg(base, 3), PG, MADV_DONTNEED), 0); /* slot 4 freed */
	assert_map(m, off3, 0);

	f = faults_begin(t);
	cr_assert_eq(load(t, base), 0xf00);
	assert_machine_ok(m);
	assert_faults(f, 0, 1);
	cr_assert_eq(vmstat(m, PSWPIN), 6, "slots 1,2,3,5,6,7: slot 4 is free, 8 elsewhere");
	cr_assert_eq(vmstat(m, SWAP_RA), 5);
	assert_present(t->mm, base, 8, "10000000");
	assert_bits(t->mm, base, 8, PM_SWAP, "01101111");
	assert_mincore(t->mm, base, 8, "11101110");
	cr_assert(PageReadahead(swapcache_page(m, swp_off(t->mm, pg(base, 1)))));
	assert_map(m, swp_off(t->mm, pg(base, 1)), 1 | SWAP_HAS_CACHE);

	f = faults_begin(t);
	cr_assert_eq(load(t, pg(base, 1)), 0xf01);
	assert_faults(f, 1, 0);
	cr_assert_eq(vmstat(m, SWAP_RA_HIT), 1);
	machine_destroy(m);
}
