// SPDX-License-Identifier: GPL-2.0
/*
 * task_mmu.c - /proc/PID/pagemap and /proc/PID/smaps of a simulated task.
 * Models fs/proc/task_mmu.c (the 6.x rules: pagemap's exclusive bit, Pss
 * with PSS_SHIFT fixed point, Pss_Dirty).
 *
 * Rules a student meets here:
 *  - the zero page is present in pagemap but is not a "normal" page, so
 *    smaps counts nothing for it (Rss stays 0) and its exclusive bit is 0;
 *  - a page is Private if only one reference exists or one PTE maps it,
 *    else Shared; Pss divides it between its mappers;
 *  - dirty means the PTE is dirty or the page is (PG_dirty).
 *
 * Not modelled: soft-dirty (CONFIG_MEM_SOFT_DIRTY is not set on the
 * reference machine, so bit 55 is never shown), THP fields, hugetlb.
 */
#include "task_mmu.h"

#include "fs.h"
#include "internal.h"
#include "swap.h"

#include <stdio.h>
#include <string.h>

/* The swap cache holds an up-to-date page for @entry (mincore). */
static int swap_cache_resident(struct sim_machine *m, swp_entry_t entry)
{
	struct page *page = m->swap ? radix_tree_lookup(&m->swap->cache, swp_offset(entry)) : NULL;

	return page && PageUptodate(page);
}

u64 pagemap_entry(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	pte_t *ptep;
	pte_t pte;
	struct page *page;
	u64 e;

	if (!vma || vma->vm_start > addr)
		return 0;
	ptep = sim_lookup_pte(mm, addr);
	if (!ptep || pte_none(*ptep))
		return 0;
	pte = *ptep;
	if (!pte_present(pte))
		return PM_SWAP | ((u64)__swp_pte_type(pte) | ((u64)__swp_pte_offset(pte) << 5));
	e = PM_PRESENT | pte_pfn(pte);
	page = vm_normal_page(vma, addr, pte);
	if (page && !PageAnon(page))
		e |= PM_FILE;
	if (page && page_mapcount(page) == 1)
		e |= PM_MMAP_EXCLUSIVE;
	return e;
}

int mincore_page(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	pte_t *ptep;

	if (!vma || vma->vm_start > addr)
		return -ENOMEM;
	ptep = sim_lookup_pte(mm, addr);
	if (ptep && pte_present(*ptep))
		return 1;
	if (ptep && !pte_none(*ptep)) /* a swap entry: resident if in the swap cache */
		return swap_cache_resident(mm->sim, pte_to_swp_entry(*ptep));
	if (!vma->vm_file)
		return 0; /* anonymous memory with no PTE is not resident */
	/* A file page with no PTE: is it in the page cache (and up to date)? */
	{
		struct page *page = radix_tree_lookup(&vma->vm_file->f_mapping->i_pages,
						      linear_page_index(vma, addr));

		if (page && radix_tree_exceptional_entry(page)) /* tmpfs: look in the swap cache */
			return vma->vm_file->f_inode->kind == SIM_INODE_SHMEM &&
			       swap_cache_resident(mm->sim, radix_to_swp_entry(page));
		return page && PageUptodate(page);
	}
}

/* The tmpfs pages of the VMA's range that are on swap (shmem_swap_usage). */
static unsigned long shmem_swap_usage(struct vm_area_struct *vma)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	struct radix_tree_iter iter;
	unsigned long swapped = 0;
	void **slot;

	radix_tree_for_each_slot(slot, &mapping->i_pages, &iter, vma->vm_pgoff) {
		if (iter.index >= vma->vm_pgoff + vma_pages(vma))
			break;
		if (radix_tree_exceptional_entry(*slot))
			swapped++;
	}
	return swapped;
}

static void smaps_page_accumulate(struct mem_size_stats *mss, struct page *page,
				  unsigned long size, u64 pss, bool dirty, bool private)
{
	mss->pss += pss;
	if (dirty || PageDirty(page)) {
		mss->pss_dirty += pss;
		if (private)
			mss->private_dirty += size;
		else
			mss->shared_dirty += size;
	} else {
		if (private)
			mss->private_clean += size;
		else
			mss->shared_clean += size;
	}
}

static void smaps_account(struct mem_size_stats *mss, struct page *page, bool young, bool dirty)
{
	unsigned long size = PAGE_SIZE;
	int mapcount;

	if (PageAnon(page)) {
		mss->anonymous += size;
		if (!PageSwapBacked(page) && !dirty && !PageDirty(page))
			mss->lazyfree += size;
	}
	mss->resident += size;
	if (young || PageReferenced(page))
		mss->referenced += size;
	if (page_count(page) == 1) {
		smaps_page_accumulate(mss, page, size, (u64)size << PSS_SHIFT, dirty, true);
		return;
	}
	mapcount = page_mapcount(page);
	if (mapcount >= 2)
		smaps_page_accumulate(mss, page, size, ((u64)size << PSS_SHIFT) / mapcount, dirty,
				      false);
	else
		smaps_page_accumulate(mss, page, size, (u64)size << PSS_SHIFT, dirty, true);
}

void smap_gather_stats(struct vm_area_struct *vma, struct mem_size_stats *mss)
{
	memset(mss, 0, sizeof(*mss));
	for (unsigned long addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		pte_t *ptep = sim_lookup_pte(vma->vm_mm, addr);
		struct page *page;

		if (!ptep) {
			addr = (addr | (PMD_SIZE - 1)) - PAGE_SIZE + 1;
			continue;
		}
		if (pte_none(*ptep))
			continue;
		if (!pte_present(*ptep)) {
			int count = swp_swapcount(vma_sim(vma), pte_to_swp_entry(*ptep));

			mss->swap += PAGE_SIZE;
			mss->swap_pss += ((u64)PAGE_SIZE << PSS_SHIFT) / (count >= 2 ? count : 1);
			continue;
		}
		page = vm_normal_page(vma, addr, *ptep);
		if (page)
			smaps_account(mss, page, pte_young(*ptep), pte_dirty(*ptep));
	}
	if (vma->vm_file && vma->vm_file->f_inode->kind == SIM_INODE_SHMEM)
		mss->swap += shmem_swap_usage(vma) * PAGE_SIZE; /* no SwapPss for tmpfs */
	if (vma->vm_flags & VM_LOCKED)
		mss->locked = (unsigned long)(mss->pss >> PSS_SHIFT);
}

void smaps_fields(struct vm_area_struct *vma, struct smaps_field *out)
{
	struct mem_size_stats mss;
	int i = 0;

	smap_gather_stats(vma, &mss);
#define F(n, v) (out[i++] = (struct smaps_field){ n, (unsigned long)(v) >> 10 })
	F("Size", vma->vm_end - vma->vm_start);
	F("KernelPageSize", PAGE_SIZE);
	F("MMUPageSize", PAGE_SIZE);
	F("Rss", mss.resident);
	F("Pss", mss.pss >> PSS_SHIFT);
	F("Pss_Dirty", mss.pss_dirty >> PSS_SHIFT);
	F("Shared_Clean", mss.shared_clean);
	F("Shared_Dirty", mss.shared_dirty);
	F("Private_Clean", mss.private_clean);
	F("Private_Dirty", mss.private_dirty);
	F("Referenced", mss.referenced);
	F("Anonymous", mss.anonymous);
	F("LazyFree", mss.lazyfree);
	F("Swap", mss.swap);
	F("SwapPss", mss.swap_pss >> PSS_SHIFT);
	F("Locked", mss.locked);
#undef F
	BUG_ON(i != SMAPS_NR_FIELDS);
}

/* The two-letter VmFlags mnemonics of the flags the model has. */
void show_smap_vma_flags(const struct vm_area_struct *vma, char *buf, size_t len)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} mnemonics[] = {
		{ VM_READ, "rd" },	   { VM_WRITE, "wr" },	      { VM_EXEC, "ex" },
		{ VM_SHARED, "sh" },	   { VM_MAYREAD, "mr" },      { VM_MAYWRITE, "mw" },
		{ VM_MAYEXEC, "me" },	   { VM_MAYSHARE, "ms" },     { VM_LOCKED, "lo" },
		{ VM_DONTCOPY, "dc" },	   { VM_DONTEXPAND, "de" },   { VM_ACCOUNT, "ac" },
		{ VM_NORESERVE, "nr" },	   { VM_SOFTDIRTY, "sd" },    { VM_NOHUGEPAGE, "nh" },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(mnemonics); i++) {
		if (!(vma->vm_flags & mnemonics[i].flag))
			continue;
		used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "%s ",
					 mnemonics[i].name);
	}
}
