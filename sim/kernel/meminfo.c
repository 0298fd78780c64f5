// SPDX-License-Identifier: GPL-2.0
/*
 * meminfo.c - the fields of /proc/meminfo that the model can compute.
 * Models fs/proc/meminfo.c (meminfo_proc_show), field by field, in its order.
 *
 * What each field is made of here:
 *
 *	MemTotal	the scenario's RAM (the zero page is not RAM: the kernel
 *			reserves it, and totalram_pages leaves reserved pages out)
 *	MemFree		nr_free_pages
 *	Cached		nr_file_pages - SwapCached (- Buffers, which is 0 here)
 *	SwapCached	frames with PG_swapcache (total_swapcache_pages)
 *	Active...	the LRU counters; Unevictable is the length of its list
 *	SwapTotal	the swap device's size
 *	SwapFree	the same: the swap device is not built yet, so no slot is
 *			ever used (when it is, subtract its used slots here)
 *	AnonPages	nr_anon_pages (NR_ANON_MAPPED)
 *	Mapped		nr_mapped (NR_FILE_MAPPED)
 *	Shmem		nr_shmem
 *	PageTables	NR_PAGETABLE, the page-table pages of every live mm. The
 *			rule changed: v4.19 counts only PTE tables
 *			(pgtable_page_ctor); PMD tables joined in v5.x, PUD tables
 *			in v6.7 (pagetable_pud_ctor) and the PGD in v6.14
 *			(pagetable_pgd_ctor). mm->pgtables_bytes holds the PUD, PMD
 *			and PTE tables but not the PGD, so kernel=6.18 adds one
 *			page per mm for it. (x86-64 with 4-level paging and PTI
 *			off at run time, as on the reference machine: with PTI on
 *			the PGD is two pages, with 5-level paging a P4D is added.)
 *
 * Not modelled, so not listed (expect meminfo refuses these names):
 * MemAvailable (needs the watermarks and reclaimable slab), Buffers (no block
 * device cache), Mlocked (mlock is not modelled), Dirty and Writeback (no
 * counters yet: they arrive with writeback), Zswap/Zswapped, KReclaimable,
 * Slab, SReclaimable, SUnreclaim, KernelStack, SecPageTables, NFS_Unstable,
 * Bounce, WritebackTmp, CommitLimit and Committed_AS (until overcommit
 * exists), Vmalloc*, Percpu, the huge page lines, DirectMap*.
 */
#include "meminfo.h"

#include "internal.h"
#include "swap.h"

#include <string.h>

enum meminfo_item {
	MI_MEMTOTAL,
	MI_MEMFREE,
	MI_CACHED,
	MI_SWAPCACHED,
	MI_ACTIVE,
	MI_INACTIVE,
	MI_ACTIVE_ANON,
	MI_INACTIVE_ANON,
	MI_ACTIVE_FILE,
	MI_INACTIVE_FILE,
	MI_UNEVICTABLE,
	MI_SWAPTOTAL,
	MI_SWAPFREE,
	MI_DIRTY,
	MI_WRITEBACK,
	MI_ANONPAGES,
	MI_MAPPED,
	MI_SHMEM,
	MI_PAGETABLES,
	MI_COMMITLIMIT,
	MI_COMMITTED_AS,
	NR_MEMINFO_ITEMS
};

static const char *const meminfo_names[NR_MEMINFO_ITEMS] = {
	[MI_MEMTOTAL] = "MemTotal",
	[MI_MEMFREE] = "MemFree",
	[MI_CACHED] = "Cached",
	[MI_SWAPCACHED] = "SwapCached",
	[MI_ACTIVE] = "Active",
	[MI_INACTIVE] = "Inactive",
	[MI_ACTIVE_ANON] = "Active(anon)",
	[MI_INACTIVE_ANON] = "Inactive(anon)",
	[MI_ACTIVE_FILE] = "Active(file)",
	[MI_INACTIVE_FILE] = "Inactive(file)",
	[MI_UNEVICTABLE] = "Unevictable",
	[MI_SWAPTOTAL] = "SwapTotal",
	[MI_SWAPFREE] = "SwapFree",
	[MI_DIRTY] = "Dirty",
	[MI_WRITEBACK] = "Writeback",
	[MI_ANONPAGES] = "AnonPages",
	[MI_MAPPED] = "Mapped",
	[MI_SHMEM] = "Shmem",
	[MI_PAGETABLES] = "PageTables",
	[MI_COMMITLIMIT] = "CommitLimit",
	[MI_COMMITTED_AS] = "Committed_AS",
};

_Static_assert(NR_MEMINFO_ITEMS == MEMINFO_NR_FIELDS, "meminfo.h disagrees with meminfo.c");

/* Pages to kB, as the kernel's K() and show_val_kb() do. */
static unsigned long K(unsigned long pages)
{
	return pages << (PAGE_SHIFT - 10);
}

/* A node counter, never negative (the kernel clamps the per-CPU sums at 0). */
static unsigned long node_pages(const struct sim_machine *m, enum vm_item item)
{
	long v = global_node_page_state(m, item);

	return v < 0 ? 0 : (unsigned long)v;
}

/* total_swapcache_pages(): the pages in the swap cache, by their flag. */
static unsigned long swapcache_pages(const struct sim_machine *m)
{
	unsigned long n = 0;

	for (unsigned long pfn = 0; pfn < m->nr_frames; pfn++)
		if (PageSwapCache(&m->mem_map[pfn]))
			n++;
	return n;
}

static unsigned long lru_list_pages(const struct list_head *head)
{
	const struct list_head *pos;
	unsigned long n = 0;

	list_for_each(pos, head)
		n++;
	return n;
}

/* The PTE tables of @mm: what v4.19's NR_PAGETABLE counts. */
static unsigned long pte_tables(const struct mm_struct *mm)
{
	unsigned long n = 0;

	for (int i = 0; i < PTRS_PER_PGD; i++) {
		pgd_t pgd = mm->pgd[i];

		if (pgd_none(pgd))
			continue;
		for (int j = 0; j < PTRS_PER_PUD; j++) {
			pud_t pud = pgd_page_vaddr(pgd)[j];

			if (pud_none(pud))
				continue;
			for (int k = 0; k < PTRS_PER_PMD; k++)
				if (!pmd_none(pud_page_vaddr(pud)[k]))
					n++;
		}
	}
	return n;
}

/* NR_PAGETABLE: the page-table pages of every live mm, by the profile's rule. */
static unsigned long pagetable_pages(const struct sim_machine *m)
{
	const struct task_struct *t;
	unsigned long n = 0;

	list_for_each_entry(t, &m->tasks, tasks) {
		const struct mm_struct *mm = t->mm;

		if (!mm || mm->owner != t) /* count each mm once */
			continue;
		if (m->cfg.kernel == SIM_KERNEL_4_19)
			n += pte_tables(mm);
		else
			n += (unsigned long)mm->pgtables_bytes / PAGE_SIZE + 1; /* + the PGD */
	}
	return n;
}

/* The value of every field, in pages. */
static void meminfo_pages(struct sim_machine *m, unsigned long *v)
{
	unsigned long swapcached = swapcache_pages(m);
	unsigned long file = node_pages(m, NR_FILE_PAGES);

	v[MI_MEMTOTAL] = m->cfg.ram_pages;
	v[MI_MEMFREE] = node_pages(m, NR_FREE_PAGES);
	v[MI_CACHED] = file > swapcached ? file - swapcached : 0;
	v[MI_SWAPCACHED] = swapcached;
	v[MI_ACTIVE_ANON] = node_pages(m, NR_ACTIVE_ANON);
	v[MI_INACTIVE_ANON] = node_pages(m, NR_INACTIVE_ANON);
	v[MI_ACTIVE_FILE] = node_pages(m, NR_ACTIVE_FILE);
	v[MI_INACTIVE_FILE] = node_pages(m, NR_INACTIVE_FILE);
	v[MI_ACTIVE] = v[MI_ACTIVE_ANON] + v[MI_ACTIVE_FILE];
	v[MI_INACTIVE] = v[MI_INACTIVE_ANON] + v[MI_INACTIVE_FILE];
	v[MI_UNEVICTABLE] = lru_list_pages(&m->lru[LRU_UNEVICTABLE]);
	/* the header page is not swap space (SwapTotal leaves it out) */
	v[MI_SWAPTOTAL] = m->swap ? m->swap->max - 1 : 0;
	v[MI_SWAPFREE] = m->swap ? m->swap->max - 1 - m->swap->inuse_pages : 0;
	v[MI_DIRTY] = node_pages(m, NR_FILE_DIRTY);
	v[MI_WRITEBACK] = node_pages(m, NR_WRITEBACK);
	v[MI_ANONPAGES] = node_pages(m, NR_ANON_MAPPED);
	v[MI_MAPPED] = node_pages(m, NR_FILE_MAPPED);
	v[MI_SHMEM] = node_pages(m, NR_SHMEM);
	v[MI_PAGETABLES] = pagetable_pages(m);
	v[MI_COMMITLIMIT] = vm_commit_limit(m);
	v[MI_COMMITTED_AS] = m->vm_committed_as < 0 ? 0 : (unsigned long)m->vm_committed_as;
}

void meminfo_fields(struct sim_machine *m, struct meminfo_field *out, int *n)
{
	unsigned long v[NR_MEMINFO_ITEMS];

	meminfo_pages(m, v);
	for (int i = 0; i < NR_MEMINFO_ITEMS; i++)
		out[i] = (struct meminfo_field){ meminfo_names[i], K(v[i]) };
	*n = NR_MEMINFO_ITEMS;
}

int meminfo_field_by_name(const char *name)
{
	for (int i = 0; i < NR_MEMINFO_ITEMS; i++)
		if (strcmp(meminfo_names[i], name) == 0)
			return i;
	return -1;
}

int meminfo_value(struct sim_machine *m, const char *name, unsigned long *kb)
{
	int i = meminfo_field_by_name(name);
	unsigned long v[NR_MEMINFO_ITEMS];

	if (i < 0)
		return -ENOENT;
	meminfo_pages(m, v);
	*kb = K(v[i]);
	return 0;
}
