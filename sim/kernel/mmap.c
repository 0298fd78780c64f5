// SPDX-License-Identifier: GPL-2.0
/*
 * mmap.c - VMAs: creating, finding, splitting, merging and unmapping them.
 * Models mm/mmap.c (Linux v4.19).
 *
 * An address space is a list of VMAs sorted by address. mmap() finds room
 * (get_unmapped_area), tries to extend a neighbour (vma_merge) and otherwise
 * links a new VMA (mmap_region). munmap() splits the VMAs at the edges of the
 * range (__split_vma), zaps their PTEs and frees the page tables nothing
 * uses any more (unmap_region).
 *
 * Placement without an address follows the scenario language's rule, which
 * mmsim check also uses on the real kernel: the lowest 1 GiB-aligned address
 * at or above SIM_MMAP_BASE such that the mapping and the 1 GiB after it are
 * free. (The kernel allocates top-down below the stack; the rule keeps every
 * mapping in its own page tables and the addresses the same on both sides.)
 *
 * Not modelled: the VMA rbtree and vmacache, mmap_sem, VM_ACCOUNT and
 * overcommit (they arrive with the swap and OOM work), mlock, stack guard
 * gaps, hugetlb, personality and randomisation.
 */
#include "fs.h"
#include "internal.h"

static void vma_event(struct vm_area_struct *vma, enum sim_event_type type, u64 a, u64 b)
{
	sim_trace_emit(TR(vma_sim(vma)),
		       (struct sim_event){ .type = type, .mm = vma->vm_mm, .addr = vma->vm_start,
					   .arg = (long)vma->vm_end,
					   .old = type == SIM_EV_vma_adjust ? a : vma->vm_flags,
					   .new = b });
}

/* Change a VMA's bounds and file offset, telling the listeners. */
static void vma_set_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			  pgoff_t pgoff)
{
	unsigned long old_start = vma->vm_start, old_end = vma->vm_end;

	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	vma_event(vma, SIM_EV_vma_adjust, old_start, old_end);
}

/* The x86 protection_map: what the PTEs of a VMA with these flags hold. */
pgprot_t vm_get_page_prot(unsigned long vm_flags)
{
	if (!(vm_flags & VM_ACCESS_FLAGS))
		return PAGE_NONE;
	if ((vm_flags & VM_WRITE) && (vm_flags & VM_SHARED))
		return PAGE_SHARED;
	return PAGE_COPY; /* private writable too: the first write must fault (COW) */
}

/*
 * vma_wants_writenotify - must a store to this shared mapping fault first,
 * so the file system learns of it (page_mkwrite) and the page is dirtied
 * with accounting? ext4: yes; tmpfs: no (it writes back nothing).
 */
static bool vma_wants_writenotify(const struct vm_area_struct *vma)
{
	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED))
		return false;
	if (vma->vm_ops && vma->vm_ops->page_mkwrite)
		return true;
	return vma->vm_file && mapping_cap_account_dirty(vma->vm_file->f_mapping);
}

/* The PTE protection of the VMA's pages: read-only where write-notify is wanted. */
void vma_set_page_prot(struct vm_area_struct *vma)
{
	unsigned long flags = vma->vm_flags;

	if (vma_wants_writenotify(vma))
		flags &= ~VM_SHARED;
	vma->vm_page_prot = vm_get_page_prot(flags);
}

struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = sim_kzalloc(SIM_ALLOC_VMA, sizeof(*vma));

	vma->vm_mm = mm;
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	INIT_LIST_HEAD(&vma->shared);
	return vma;
}

/* A copy of @orig, not linked anywhere and with no anon_vma chain yet. */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = sim_kzalloc(SIM_ALLOC_VMA, sizeof(*vma));

	*vma = *orig;
	vma->vm_next = vma->vm_prev = NULL;
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	INIT_LIST_HEAD(&vma->shared);
	if (vma->vm_file)
		get_file(vma->vm_file);
	return vma;
}

void vm_area_free(struct vm_area_struct *vma)
{
	sim_kfree(SIM_ALLOC_VMA, vma);
}

/* The first VMA that ends after @addr (it may start after @addr too), or NULL. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	for (struct vm_area_struct *vma = mm->mmap; vma; vma = vma->vm_next)
		if (vma->vm_end > addr)
			return vma;
	return NULL;
}

/* Like find_vma, but also return the VMA before it in *pprev. */
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev)
{
	struct vm_area_struct *prev = NULL, *vma;

	for (vma = mm->mmap; vma && vma->vm_end <= addr; vma = vma->vm_next)
		prev = vma;
	*pprev = prev;
	return vma;
}

/* Insert @vma into the sorted list and count it. */
void __vma_link_list(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = NULL, *next = mm->mmap;

	while (next && next->vm_start < vma->vm_start) {
		prev = next;
		next = next->vm_next;
	}
	vma->vm_prev = prev;
	vma->vm_next = next;
	if (prev)
		prev->vm_next = vma;
	else
		mm->mmap = vma;
	if (next)
		next->vm_prev = vma;
	mm->map_count++;
	if (vma->vm_file)
		list_add_tail(&vma->shared, &vma->vm_file->f_mapping->i_mmap);
	vma_event(vma, SIM_EV_vma_add, 0, 0);
}

void __vma_unlink_list(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (vma->vm_prev)
		vma->vm_prev->vm_next = vma->vm_next;
	else
		mm->mmap = vma->vm_next;
	if (vma->vm_next)
		vma->vm_next->vm_prev = vma->vm_prev;
	mm->map_count--;
	if (vma->vm_file)
		list_del_init(&vma->shared);
	vma_event(vma, SIM_EV_vma_remove, 0, 0);
}

/* Free a VMA that is already unlinked and unmapped. */
void remove_vma(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	unlink_anon_vmas(vma);
	if (vma->vm_file)
		fput(vma->vm_file);
	vm_area_free(vma);
}

bool sim_range_is_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return !vma || vma->vm_start >= end;
}

/*
 * get_unmapped_area - where a mapping of @len bytes goes when the caller
 * gave no usable address: see the placement rule in the file header.
 * Returns -ENOMEM (as an unsigned long) when the address space is full.
 */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	TRACE_FUNC(TR(mm->sim), get_unmapped_area);
	unsigned long addr = SIM_MMAP_BASE;

	while (addr + len + SIM_MMAP_ALIGN <= TASK_SIZE && addr + len > addr) {
		struct vm_area_struct *vma = find_vma(mm, addr);

		if (!vma || vma->vm_start >= addr + len + SIM_MMAP_ALIGN)
			return addr;
		addr = (vma->vm_end + SIM_MMAP_ALIGN - 1) & ~(SIM_MMAP_ALIGN - 1);
	}
	return (unsigned long)-ENOMEM;
}

/* Compatible anon_vmas: one side has none yet, or they are the same. */
static bool is_mergeable_anon_vma(const struct anon_vma *a, const struct anon_vma *b)
{
	return !a || !b || a == b;
}

static bool is_mergeable_vma(const struct vm_area_struct *vma, unsigned long vm_flags,
			     struct file *file, struct anon_vma *anon_vma)
{
	if ((vma->vm_flags ^ vm_flags) & ~VM_SOFTDIRTY)
		return false;
	if (vma->vm_file != file || (vma->vm_ops && vma->vm_ops->close))
		return false;
	return is_mergeable_anon_vma(vma->anon_vma, anon_vma);
}

/* @dst absorbs @src's pages: it must see @src's anon_vma (vma_adjust's importer). */
static void import_anon_vma(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	if (dst->anon_vma || !src->anon_vma)
		return;
	anon_vma_clone(dst, src);
	dst->anon_vma = src->anon_vma;
}

/* Unlink and free a VMA swallowed by a merge (its PTEs now belong to another). */
static void merge_away(struct mm_struct *mm, struct vm_area_struct *survivor,
		       struct vm_area_struct *gone)
{
	import_anon_vma(survivor, gone);
	__vma_unlink_list(mm, gone);
	remove_vma(gone);
}

/*
 * vma_merge - can [addr, end), about to get @vm_flags, join the VMA before
 * it (@prev), the VMA after it, or both? If so, widen the survivor, trim or
 * remove what it swallowed, and return it; else return NULL and change
 * nothing. The range may cover part or all of an existing VMA (mprotect) or
 * nothing (mmap). The same eight cases as the kernel's, in fewer words.
 */
struct vm_area_struct *vma_merge(struct mm_struct *mm, struct vm_area_struct *prev,
				 unsigned long addr, unsigned long end, unsigned long vm_flags,
				 struct anon_vma *anon_vma, struct file *file, pgoff_t pgoff)
{
	TRACE_FUNC(TR(mm->sim), vma_merge);
	pgoff_t pglen = (end - addr) >> PAGE_SHIFT;
	struct vm_area_struct *area, *next;
	bool merge_prev, merge_next;

	next = prev ? prev->vm_next : mm->mmap;
	area = next;
	if (area && area->vm_end == end) /* the range covers area to its end */
		next = next->vm_next;

	merge_prev = prev && prev->vm_end == addr &&
		     is_mergeable_vma(prev, vm_flags, file, anon_vma) &&
		     prev->vm_pgoff + vma_pages(prev) == pgoff;
	merge_next = next && next->vm_start == end &&
		     is_mergeable_vma(next, vm_flags, file, anon_vma) &&
		     next->vm_pgoff == pgoff + pglen;
	if (merge_prev && merge_next && !is_mergeable_anon_vma(prev->anon_vma, next->anon_vma))
		merge_next = false;

	if (merge_prev) {
		unsigned long new_end = merge_next ? next->vm_end : end;

		if (area && area != next && area->vm_start >= addr && area->vm_end <= end) {
			merge_away(mm, prev, area); /* wholly covered */
		} else if (area && area->vm_start < end && area->vm_end > end) {
			import_anon_vma(prev, area); /* its front moves to prev */
			vma_set_range(area, end, area->vm_end,
				      area->vm_pgoff + ((end - area->vm_start) >> PAGE_SHIFT));
		}
		if (merge_next)
			merge_away(mm, prev, next);
		vma_set_range(prev, prev->vm_start, new_end, prev->vm_pgoff);
		return prev;
	}
	if (merge_next) {
		if (prev && addr < prev->vm_end) { /* the range is prev's tail */
			import_anon_vma(next, prev);
			vma_set_range(prev, prev->vm_start, addr, prev->vm_pgoff);
		} else if (area && area != next && area->vm_start >= addr && area->vm_end <= end) {
			merge_away(mm, next, area);
		}
		vma_set_range(next, addr, next->vm_end, pgoff);
		return next;
	}
	return NULL;
}

/*
 * __split_vma - cut @vma in two at @addr. With @new_below the new VMA is
 * the lower part, else the upper. Both keep the anon_vma chain, so rmap
 * still finds every page.
 */
int __split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		int new_below)
{
	TRACE_FUNC(TR(mm->sim), __split_vma);
	struct vm_area_struct *new;
	pgoff_t delta = (addr - vma->vm_start) >> PAGE_SHIFT;

	new = vm_area_dup(vma);
	if (new_below) {
		new->vm_end = addr;
		vma_set_range(vma, addr, vma->vm_end, vma->vm_pgoff + delta);
	} else {
		new->vm_start = addr;
		new->vm_pgoff += delta;
		vma_set_range(vma, vma->vm_start, addr, vma->vm_pgoff);
	}
	anon_vma_clone(new, vma);
	if (new->vm_ops && new->vm_ops->open)
		new->vm_ops->open(new);
	__vma_link_list(mm, new);
	return 0;
}

/*
 * mmap_region - map [addr, addr + len) with @vm_flags: unmap whatever was
 * there (MAP_FIXED), extend a neighbour if possible, else link a new VMA.
 */
/* A private writable mapping promises memory (VM_ACCOUNT), unless NORESERVE. */
static bool accountable_mapping(unsigned long vm_flags)
{
	return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

static long mmap_region(struct mm_struct *mm, struct file *file, unsigned long addr,
			unsigned long len, unsigned long vm_flags, pgoff_t pgoff)
{
	TRACE_FUNC(TR(mm->sim), mmap_region);
	struct vm_area_struct *vma, *prev;

	if (!sim_range_is_free(mm, addr, addr + len))
		do_munmap(mm, addr, len);
	if (accountable_mapping(vm_flags)) {
		if (__vm_enough_memory(mm->sim, mm, (long)(len >> PAGE_SHIFT)))
			return -ENOMEM;
		vm_flags |= VM_ACCOUNT;
	} else if (!file && (vm_flags & VM_SHARED) && !(vm_flags & VM_NORESERVE)) {
		/* shared anonymous memory: the whole tmpfs file is charged (shmem_acct_size) */
		if (__vm_enough_memory(mm->sim, mm, (long)(len >> PAGE_SHIFT)))
			return -ENOMEM;
	}
	find_vma_prev(mm, addr, &prev);
	if (!file && !(vm_flags & VM_SHARED)) {
		vma = vma_merge(mm, prev, addr, addr + len, vm_flags, NULL, NULL, pgoff);
		if (vma)
			goto out;
	}
	vma = vm_area_alloc(mm);
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;
	if (file) {
		vma->vm_file = get_file(file);
		vma->vm_ops = file->f_vm_ops; /* call_mmap: ext4_file_mmap, shmem_mmap, shm_mmap */
		if (vma->vm_ops->open)
			vma->vm_ops->open(vma);
	} else if (vm_flags & VM_SHARED) {
		shmem_zero_setup(vma);
		if (!(vm_flags & VM_NORESERVE)) /* the charge goes with the file */
			file_inode(vma->vm_file)->acct_pages = (long)(len >> PAGE_SHIFT);
	}
	vma_set_page_prot(vma);
	__vma_link_list(mm, vma);
out:
	mm->total_vm += len >> PAGE_SHIFT;
	return (long)addr;
}

/* PROT_* to VM_* (include/linux/mman.h calc_vm_prot_bits). */
static unsigned long calc_vm_prot_bits(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

/*
 * The lowest address a mapping may take. /proc/sys/vm/mmap_min_addr says
 * 4096 on the reference machine, but CONFIG_LSM_MMAP_MIN_ADDR raises it to
 * 64 KiB: a hint of 0x1000 got 0x10000 there.
 */
static const unsigned long mmap_min_addr = 65536;

/* A hint is rounded down to its page and kept above mmap_min_addr. */
static unsigned long round_hint_to_min(unsigned long hint)
{
	hint &= PAGE_MASK;
	if (hint && hint < mmap_min_addr)
		return PAGE_ALIGN(mmap_min_addr);
	return hint;
}

/*
 * do_mmap - check the request, choose the address, build the VMA.
 * Returns the address, or a negative errno.
 * Simplified: MAP_NORESERVE's accounting (overcommit) arrives later.
 */
static long do_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
		    unsigned long prot, unsigned long flags, struct file *file, pgoff_t pgoff)
{
	TRACE_FUNC(TR(mm->sim), do_mmap);
	unsigned long vm_flags;

	if (!len)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || len > TASK_SIZE)
		return -ENOMEM;
	if ((flags & MAP_TYPE) != MAP_SHARED && (flags & MAP_TYPE) != MAP_PRIVATE)
		return -EINVAL;
	if (file && pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;

	if (flags & MAP_FIXED) {
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		if (addr + len > TASK_SIZE || addr + len < addr)
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) && !sim_range_is_free(mm, addr, addr + len))
			return -EEXIST;
	} else {
		addr = round_hint_to_min(addr); /* a hint: used when it fits */
		if (!addr || addr + len > TASK_SIZE || !sim_range_is_free(mm, addr, addr + len))
			addr = get_unmapped_area(mm, len);
		if (IS_ERR_VALUE(addr))
			return (long)addr;
	}

	vm_flags = calc_vm_prot_bits(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if ((flags & MAP_NORESERVE) && mm->sim->cfg.overcommit != 2)
		vm_flags |= VM_NORESERVE; /* mode 2 ignores MAP_NORESERVE */
	if ((flags & MAP_TYPE) == MAP_SHARED) {
		vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (file && !file->f_writable) {
			if (prot & PROT_WRITE)
				return -EACCES;
			vm_flags &= ~(VM_MAYWRITE | VM_SHARED); /* may never be written */
		}
	}
	if (!file) /* private anon: the page index is the address; shared anon: 0 */
		pgoff = (flags & MAP_TYPE) == MAP_SHARED ? 0 : addr >> PAGE_SHIFT;
	return mmap_region(mm, file, addr, len, vm_flags, pgoff);
}

long sim_mmap(struct task_struct *t, unsigned long addr, unsigned long len, unsigned long prot,
	      unsigned long flags, struct file *file, unsigned long pgoff, unsigned long *result)
{
	struct mm_struct *mm = t->mm;
	TRACE_FUNC(TR(mm->sim), vm_mmap_pgoff);
	long ret = do_mmap(mm, addr, len, prot, flags, file, pgoff);

	if (ret < 0)
		return ret;
	*result = (unsigned long)ret;
	if (flags & MAP_POPULATE)
		__mm_populate(mm, *result, len);
	return 0;
}

/* Zap the pages and free the page tables of the VMAs from @vma, in [start, end). */
static void unmap_region(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
			 unsigned long end)
{
	TRACE_FUNC(TR(mm->sim), unmap_region);

	unmap_vmas(vma, start, end);
}

/*
 * do_munmap - remove [start, start + len) from the address space, splitting
 * the VMAs that straddle its edges. Unmapping a range with nothing mapped
 * succeeds.
 */
int do_munmap(struct mm_struct *mm, unsigned long start, size_t len)
{
	TRACE_FUNC(TR(mm->sim), do_munmap);
	struct vm_area_struct *vma, *prev, *last, *next;
	unsigned long end;

	if ((start & ~PAGE_MASK) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (len == 0)
		return -EINVAL;

	vma = find_vma_prev(mm, start, &prev);
	if (!vma || vma->vm_start >= end)
		return 0;
	if (start > vma->vm_start) {
		__split_vma(mm, vma, start, 0);
		prev = vma;
	}
	last = find_vma(mm, end);
	if (last && end > last->vm_start)
		__split_vma(mm, last, end, 1);
	vma = prev ? prev->vm_next : mm->mmap; /* the first VMA inside the range */

	unmap_region(mm, vma, start, end);
	for (; vma && vma->vm_start < end; vma = next) {
		next = vma->vm_next;
		mm->total_vm -= vma_pages(vma);
		if (vma->vm_flags & VM_ACCOUNT)
			vm_unacct_memory(mm->sim, (long)vma_pages(vma));
		__vma_unlink_list(mm, vma);
		remove_vma(vma);
	}
	free_pgtables(mm, start, end);
	return 0;
}

int sim_munmap(struct task_struct *t, unsigned long addr, unsigned long len)
{
	return do_munmap(t->mm, addr, len);
}

/* The whole address space goes (exit). */
void exit_mmap(struct mm_struct *mm)
{
	TRACE_FUNC(TR(mm->sim), exit_mmap);
	struct vm_area_struct *vma, *next;

	if (mm->mmap)
		unmap_vmas(mm->mmap, 0, TASK_SIZE);
	for (vma = mm->mmap; vma; vma = next) {
		next = vma->vm_next;
		if (vma->vm_flags & VM_ACCOUNT)
			vm_unacct_memory(mm->sim, (long)vma_pages(vma));
		__vma_unlink_list(mm, vma);
		remove_vma(vma);
	}
	free_pgtables(mm, 0, TASK_SIZE);
	mm->total_vm = 0;
}
