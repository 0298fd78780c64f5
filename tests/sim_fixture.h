/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim_fixture.h - what every test of sim/kernel/ needs.
 *
 * A machine built from a struct sim_config (machine_new), an invariant check
 * that prints the broken rule (assert_machine_ok), a teardown that proves
 * nothing leaked (machine_destroy: every sim_alloc_kind back to zero), and
 * readers that show the model the way reference/real-kernel-6.18.md shows the
 * real kernel: pagemap bits page by page ("1111000..."), PFN classes
 * ("ABCDEZ", Z the zero page, - not present), and the smaps column
 * Rss/Pss/ShCl/ShDi/PrCl/PrDi/Anon/Swap/SwapPss in kB ("20/10/0/20/0/0/20/0/0"),
 * so a test can quote a row of the measured tables as it stands.
 *
 * Header-only (static inline) so each test file includes it on its own.
 */
#ifndef MMSIM_TESTS_SIM_FIXTURE_H
#define MMSIM_TESTS_SIM_FIXTURE_H

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sim_check.h"
#include "task_mmu.h"

#define RW (PROT_READ | PROT_WRITE)
#define ANON_PRIVATE (MAP_PRIVATE | MAP_ANONYMOUS)
#define PG PAGE_SIZE
/* Where the placement rule puts the first and second mapping (sim_machine.h). */
#define BASE SIM_MMAP_BASE
#define BASE2 (SIM_MMAP_BASE + SIM_MMAP_ALIGN)

/* Run the invariant checker; on failure, say which invariant broke. */
#define assert_machine_ok(m)                                                                       \
	do {                                                                                       \
		char why_[512] = "";                                                               \
		bool ok_ = sim_check_machine((m), why_, sizeof(why_));                             \
		cr_assert(ok_, "invariant broken: %s", why_);                                      \
	} while (0)

static inline void assert_nothing_allocated(const char *when)
{
	for (int k = 0; k < SIM_NR_ALLOC_KINDS; k++)
		cr_assert_eq(sim_alloc_outstanding((enum sim_alloc_kind)k), 0,
			     "%s: %ld %s object(s) still allocated", when,
			     sim_alloc_outstanding((enum sim_alloc_kind)k),
			     sim_alloc_kind_name((enum sim_alloc_kind)k));
}

/* A machine with @ram_pages frames that follows @kernel's rules. */
static inline struct sim_machine *machine_new(enum sim_kernel_profile kernel,
					      unsigned long ram_pages)
{
	struct sim_config cfg = {
		.kernel = kernel,
		.ram_pages = ram_pages,
		.fault_around_bytes = 65536,
		.read_ahead_bytes = 128 * 1024,
		.page_cluster = 3,
		/* overcommit's own tests set mode 0 or 2; here tiny machines map freely */
		.overcommit = 1,
		.overcommit_ratio = 50,
	};
	struct sim_machine *m;

	assert_nothing_allocated("before the machine");
	m = sim_machine_create(&cfg);
	cr_assert_not_null(m);
	assert_machine_ok(m);
	return m;
}

/* Check the invariants one last time, destroy, and prove nothing leaked. */
static inline void machine_destroy(struct sim_machine *m)
{
	assert_machine_ok(m);
	sim_machine_destroy(m);
	assert_nothing_allocated("after sim_machine_destroy");
}

/* mmap(NULL, pages, prot, MAP_PRIVATE|MAP_ANONYMOUS) that must succeed. */
static inline unsigned long map_anon(struct task_struct *t, unsigned long pages,
				     unsigned long prot)
{
	unsigned long addr = 0;
	long ret = sim_mmap(t, 0, pages * PG, prot, ANON_PRIVATE, NULL, 0, &addr);

	cr_assert_eq(ret, 0, "mmap of %lu pages failed: %ld", pages, ret);
	return addr;
}

/* mmap(addr, ..., MAP_FIXED_NOREPLACE) that must land at @addr. */
static inline unsigned long map_anon_at(struct task_struct *t, unsigned long addr,
					unsigned long pages, unsigned long prot)
{
	unsigned long got = 0;
	long ret = sim_mmap(t, addr, pages * PG, prot, ANON_PRIVATE | MAP_FIXED_NOREPLACE, NULL,
			    0, &got);

	cr_assert_eq(ret, 0, "mmap at %#lx failed: %ld", addr, ret);
	cr_assert_eq(got, addr);
	return got;
}

/* A load that must not raise a signal. */
static inline u64 load(struct task_struct *t, unsigned long addr)
{
	u64 v = 0xdeadbeef;
	int sig = sim_access(t, addr, false, &v);

	cr_assert_eq(sig, 0, "load at %#lx raised %d", addr, sig);
	return v;
}

/* A store that must not raise a signal. */
static inline void store(struct task_struct *t, unsigned long addr, u64 value)
{
	int sig = sim_access(t, addr, true, &value);

	cr_assert_eq(sig, 0, "store at %#lx raised %d", addr, sig);
}

/* What an access raised (0, SIGSEGV, SIGBUS), for accesses that may fail. */
static inline int try_load(struct task_struct *t, unsigned long addr)
{
	u64 v = 0;

	return sim_access(t, addr, false, &v);
}
static inline int try_store(struct task_struct *t, unsigned long addr, u64 value)
{
	return sim_access(t, addr, true, &value);
}

static inline long vmstat(struct sim_machine *m, enum vm_item item)
{
	return global_node_page_state(m, item);
}

/* The frame pagemap shows at @addr; -1 when not present. */
static inline long pfn_at(struct mm_struct *mm, unsigned long addr)
{
	u64 e = pagemap_entry(mm, addr);

	return (e & PM_PRESENT) ? (long)(e & PM_PFRAME_MASK) : -1;
}

static inline struct page *page_at(struct mm_struct *mm, unsigned long addr)
{
	long pfn = pfn_at(mm, addr);

	cr_assert(pfn > 0, "no normal page at %#lx", addr);
	return pfn_to_page(mm->sim, (unsigned long)pfn);
}

/* One pagemap bit (PM_PRESENT, PM_MMAP_EXCLUSIVE...) of @n pages as "1010...". */
static inline const char *pm_bits(struct mm_struct *mm, unsigned long addr, int n, u64 bit,
				  char *buf)
{
	for (int i = 0; i < n; i++)
		buf[i] = (pagemap_entry(mm, addr + (unsigned long)i * PG) & bit) ? '1' : '0';
	buf[n] = '\0';
	return buf;
}

/* mincore() of @n pages as "1100..." ('E' for -ENOMEM). */
static inline const char *mincore_bits(struct mm_struct *mm, unsigned long addr, int n, char *buf)
{
	for (int i = 0; i < n; i++) {
		int r = mincore_page(mm, addr + (unsigned long)i * PG);

		buf[i] = r < 0 ? 'E' : (char)('0' + r);
	}
	buf[n] = '\0';
	return buf;
}

#define assert_bits(mm, addr, n, bit, want)                                                        \
	do {                                                                                       \
		char b_[80];                                                                       \
		cr_assert_str_eq(pm_bits((mm), (addr), (n), (bit), b_), (want), "%s: %s, not %s",  \
				 #bit, b_, (want));                                                \
	} while (0)
#define assert_present(mm, addr, n, want) assert_bits(mm, addr, n, PM_PRESENT, want)
#define assert_exclusive(mm, addr, n, want) assert_bits(mm, addr, n, PM_MMAP_EXCLUSIVE, want)
#define assert_mincore(mm, addr, n, want)                                                          \
	do {                                                                                       \
		char b_[80];                                                                       \
		cr_assert_str_eq(mincore_bits((mm), (addr), (n), b_), (want),                      \
				 "mincore: %s, not %s", b_, (want));                               \
	} while (0)

/*
 * PFN classes as the reference tables write them: Z the zero page, '-' not
 * present, and a letter per distinct frame that keeps its meaning across
 * calls with the same @names (so "a new letter" means "a frame not seen
 * before in this view").
 */
struct pfn_names {
	long pfn[26];
	int n;
};

static inline const char *pfn_classes(struct pfn_names *names, struct mm_struct *mm,
				      unsigned long addr, int n, char *buf)
{
	for (int i = 0; i < n; i++) {
		long pfn = pfn_at(mm, addr + (unsigned long)i * PG);
		int j;

		if (pfn < 0) {
			buf[i] = '-';
			continue;
		}
		if (is_zero_pfn((unsigned long)pfn)) {
			buf[i] = 'Z';
			continue;
		}
		for (j = 0; j < names->n && names->pfn[j] != pfn; j++)
			;
		if (j == names->n) {
			cr_assert_lt(names->n, 25, "too many frames to name");
			names->pfn[names->n++] = pfn;
		}
		buf[i] = (char)('A' + j);
	}
	buf[n] = '\0';
	return buf;
}

#define assert_classes(names, mm, addr, n, want)                                                   \
	do {                                                                                       \
		char b_[80];                                                                       \
		cr_assert_str_eq(pfn_classes((names), (mm), (addr), (n), b_), (want),              \
				 "PFN classes %s, not %s", b_, (want));                            \
	} while (0)

/* The smaps column of the reference tables for the VMA holding @addr. */
#define SMAPS_LINE 200 /* room for nine 64-bit numbers */
static inline const char *smaps_line(struct mm_struct *mm, unsigned long addr,
				     char buf[SMAPS_LINE])
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	struct mem_size_stats mss;

	cr_assert(vma && vma->vm_start <= addr, "no VMA at %#lx", addr);
	smap_gather_stats(vma, &mss);
	snprintf(buf, SMAPS_LINE, "%lu/%lu/%lu/%lu/%lu/%lu/%lu/%lu/%lu", mss.resident >> 10,
		 (unsigned long)(mss.pss >> PSS_SHIFT) >> 10, mss.shared_clean >> 10,
		 mss.shared_dirty >> 10, mss.private_clean >> 10, mss.private_dirty >> 10,
		 mss.anonymous >> 10, mss.swap >> 10,
		 (unsigned long)(mss.swap_pss >> PSS_SHIFT) >> 10);
	return buf;
}

#define assert_smaps(mm, addr, want)                                                               \
	do {                                                                                       \
		char b_[SMAPS_LINE];                                                               \
		cr_assert_str_eq(smaps_line((mm), (addr), b_), (want),                             \
				 "smaps Rss/Pss/ShCl/ShDi/PrCl/PrDi/Anon/Swap/SwapPss %s, not %s", \
				 b_, (want));                                                      \
	} while (0)

static inline unsigned long smaps_referenced_kb(struct mm_struct *mm, unsigned long addr)
{
	struct mem_size_stats mss;

	smap_gather_stats(find_vma(mm, addr), &mss);
	return mss.referenced >> 10;
}

/* The number of VMAs of @mm that lie inside [start, end). */
static inline int vmas_in(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	int n = 0;

	for (struct vm_area_struct *vma = mm->mmap; vma; vma = vma->vm_next)
		n += vma->vm_start >= start && vma->vm_end <= end;
	return n;
}

/* The VMA that contains @addr, which must exist. */
static inline struct vm_area_struct *vma_at(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	cr_assert(vma && vma->vm_start <= addr, "no VMA at %#lx", addr);
	return vma;
}

static inline pte_t pte_at(struct mm_struct *mm, unsigned long addr)
{
	pte_t *ptep = sim_lookup_pte(mm, addr);

	return ptep ? *ptep : __pte(0);
}

#endif /* MMSIM_TESTS_SIM_FIXTURE_H */
