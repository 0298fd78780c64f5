/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - declarations shared between the model's files, grouped by the
 * file that defines them, as mm/internal.h and xv6's defs.h do.
 * Drivers use sim_machine.h; only the model and its tests include this.
 */
#ifndef MMSIM_INTERNAL_H
#define MMSIM_INTERNAL_H

#include "sim_machine.h"

/* Fault flags (include/linux/mm.h). */
#define FAULT_FLAG_WRITE 0x01
#define FAULT_FLAG_USER 0x40
#define FAULT_FLAG_REMOTE 0x80 /* gup: populate, not a CPU access */
#define FAULT_FLAG_TRIED 0x20  /* the second try after VM_FAULT_RETRY */

/* Fault results (include/linux/mm.h, v4.19 values). */
#define VM_FAULT_OOM 0x000001
#define VM_FAULT_SIGBUS 0x000002
#define VM_FAULT_MAJOR 0x000004
#define VM_FAULT_WRITE 0x000008
#define VM_FAULT_SIGSEGV 0x000040
#define VM_FAULT_NOPAGE 0x000100
#define VM_FAULT_LOCKED 0x000200
#define VM_FAULT_RETRY 0x000400
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

/* What a fault handler works on (include/linux/mm.h struct vm_fault). */
struct vm_fault {
	struct vm_area_struct *vma;
	unsigned int flags;	 /* FAULT_FLAG_* */
	pgoff_t pgoff;		 /* offset of the page in the VMA's object */
	unsigned long address;	 /* page-aligned faulting address */
	pmd_t *pmd;
	pte_t orig_pte;		 /* the PTE when the fault began */
	struct page *cow_page;	 /* the new page of a COW */
	struct page *page;	 /* the page ->fault returned */
	pte_t *pte;		 /* the PTE slot */
};

static inline struct sim_machine *vma_sim(const struct vm_area_struct *vma)
{
	return vma->vm_mm->sim;
}

static inline pgoff_t linear_page_index(const struct vm_area_struct *vma, unsigned long address)
{
	return ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

/* in sim_page_data.c: the contents of frames */
u64 sim_page_read_word(const struct page *page, unsigned offset);
void sim_page_write_word(struct page *page, unsigned offset, u64 value);
void clear_highpage(struct page *page);
void copy_user_highpage(struct page *to, const struct page *from);
void sim_page_set_pattern(struct page *page, u64 base, unsigned len);
void sim_page_zero_from(struct page *page, unsigned offset);
struct sim_page_data *sim_page_data_save(const struct page *page);
void sim_page_data_load(struct page *page, const struct sim_page_data *d);
void sim_page_data_free(struct sim_page_data *d);
struct sim_page_data *sim_page_data_zeroes(void);
void sim_page_data_drain(void);

/* in page_alloc.c */
struct page *alloc_page_vma(struct vm_area_struct *vma, unsigned long addr);
struct page *sim_alloc_page(struct sim_machine *m);
void __free_page(struct sim_machine *m, struct page *page);
void get_page(struct page *page);
void put_page(struct sim_machine *m, struct page *page);

/* in swap.c: the LRU lists */
void lru_cache_add_active_or_unevictable(struct sim_machine *m, struct page *page,
					 struct vm_area_struct *vma);
void del_page_from_lru_list(struct sim_machine *m, struct page *page);
void lru_cache_add(struct sim_machine *m, struct page *page);
enum lru_list page_lru(const struct page *page);

/* in rmap.c */
int anon_vma_prepare(struct vm_area_struct *vma);
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src);
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma);
void unlink_anon_vmas(struct vm_area_struct *vma);
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address);
void page_dup_rmap(struct sim_machine *m, struct page *page);
void page_remove_rmap(struct sim_machine *m, struct page *page);
void page_move_anon_rmap(struct page *page, struct vm_area_struct *vma);
void page_add_file_rmap(struct sim_machine *m, struct page *page);
void page_add_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address,
			bool exclusive);
/* Call @fn for every (vma, address) whose PTE maps @page; stop when it returns false. */
void rmap_walk(struct sim_machine *m, struct page *page,
	       bool (*fn)(struct page *page, struct vm_area_struct *vma, unsigned long addr,
			  void *arg),
	       void *arg);

/* in memory.c */
struct page *vm_normal_page(struct vm_area_struct *vma, unsigned long addr, pte_t pte);
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address, unsigned int flags);
int copy_page_range(struct mm_struct *dst_mm, struct mm_struct *src_mm,
		    struct vm_area_struct *vma);
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long size);
void unmap_vmas(struct vm_area_struct *vma, unsigned long start_addr, unsigned long end_addr);
void free_pgtables(struct mm_struct *mm, unsigned long start, unsigned long end);
pte_t *sim_pte_alloc_map(struct mm_struct *mm, unsigned long addr);
void set_pte_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t pte);
void free_pgd(struct mm_struct *mm);
void add_mm_counter(struct mm_struct *mm, int member, long value);
int mm_counter(const struct page *page);
vm_fault_t alloc_set_pte(struct vm_fault *vmf, struct page *page, unsigned long addr, pte_t *ptep,
			 bool write);
void unmap_mapping_range(struct address_space *mapping, pgoff_t first, pgoff_t last,
			 bool even_cows);

/* in filemap.c */
bool mapping_cap_account_dirty(const struct address_space *mapping);

/* in vmscan.c */
void reclaim_pages(struct sim_machine *m, struct page **pages, unsigned long nr);
void deactivate_page(struct sim_machine *m, struct page *page);

/* in workingset.c */
void *workingset_eviction(struct address_space *mapping, struct page *page);
void workingset_refault(struct sim_machine *m, struct page *page, void *shadow);

/* in util.c: overcommit */
int __vm_enough_memory(struct sim_machine *m, struct mm_struct *mm, long pages);
void vm_acct_memory(struct sim_machine *m, long pages);
void vm_unacct_memory(struct sim_machine *m, long pages);
unsigned long vm_commit_limit(const struct sim_machine *m);

/* in oom_kill.c */
bool out_of_memory(struct sim_machine *m, struct task_struct *current);

/* in fault.c */
int do_user_addr_fault(struct task_struct *t, unsigned long address, bool write);

/* in mmap.c */
pgprot_t vm_get_page_prot(unsigned long vm_flags);
void vma_set_page_prot(struct vm_area_struct *vma);
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
void vm_area_free(struct vm_area_struct *vma);
void __vma_link_list(struct mm_struct *mm, struct vm_area_struct *vma);
void __vma_unlink_list(struct mm_struct *mm, struct vm_area_struct *vma);
int __split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		int new_below);
struct vm_area_struct *vma_merge(struct mm_struct *mm, struct vm_area_struct *prev,
				 unsigned long addr, unsigned long end, unsigned long vm_flags,
				 struct anon_vma *anon_vma, struct file *file, pgoff_t pgoff);
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len);
bool sim_range_is_free(struct mm_struct *mm, unsigned long start, unsigned long end);
int do_munmap(struct mm_struct *mm, unsigned long start, size_t len);
void exit_mmap(struct mm_struct *mm);
void remove_vma(struct vm_area_struct *vma);
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, unsigned long addr,
				     struct vm_area_struct **pprev);

/* in gup.c */
long populate_vma_page_range(struct vm_area_struct *vma, unsigned long start,
			     unsigned long end, bool write);
int __mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len);

/* in fork.c */
struct mm_struct *mm_alloc(struct sim_machine *m);
void mmput(struct mm_struct *mm);

#endif /* MMSIM_INTERNAL_H */
