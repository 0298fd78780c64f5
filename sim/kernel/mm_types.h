/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mm_types.h - struct page, vm_area_struct, mm_struct, anon_vma.
 * Models include/linux/mm_types.h and include/linux/rmap.h (Linux v4.19).
 *
 * Not modelled: compound pages and THP, slab, memcg, NUMA, locks (mmap_sem,
 * page_table_lock, anon_vma rwsem), the VMA rbtree (a sorted list is kept:
 * vm_next/vm_prev, as v4.19 also keeps beside its tree), userfaultfd, mlock.
 *
 * Ownership: a sim_machine owns every page and task; a task owns its mm; an
 * mm owns its VMAs and page tables; anon_vmas are reference counted.
 */
#ifndef MMSIM_MM_TYPES_H
#define MMSIM_MM_TYPES_H

#include "kernel_glue.h"
#include "pgtable.h"

struct address_space;
struct anon_vma;
struct sim_machine;
struct sim_page_data;

/*
 * struct page - one per physical frame, in mem_map[] indexed by pfn.
 *
 * 64 bytes, as in the kernel. The model's only addition is @sim_data, the
 * frame's contents: NULL for a frame of zeroes, else the words written to it.
 *
 *	flags		PG_* bits (page-flags.h)
 *	lru		on an LRU list (PG_lru), on the free list, or unlinked
 *	mapping		page cache: the address_space; anon: anon_vma | PAGE_MAPPING_ANON
 *	index		page cache: offset in the file; anon: linear page index in the VMA
 *	private		swap cache: the swp_entry_t value (PG_swapcache)
 *	_mapcount	page table entries mapping the frame, minus one (-1: unmapped)
 *	_refcount	references: each mapping PTE, the page cache, the swap cache
 */
struct page {
	unsigned long flags;
	struct list_head lru;
	struct address_space *mapping;
	pgoff_t index;
	unsigned long private;
	int _mapcount;
	int _refcount;
	struct sim_page_data *sim_data;
};

/* Low bit of page->mapping marks an anon page (include/linux/page-flags.h). */
#define PAGE_MAPPING_ANON 0x1UL

/* vm_flags (include/linux/mm.h). */
#define VM_NONE 0x00000000UL
#define VM_READ 0x00000001UL
#define VM_WRITE 0x00000002UL
#define VM_EXEC 0x00000004UL
#define VM_SHARED 0x00000008UL
#define VM_MAYREAD 0x00000010UL
#define VM_MAYWRITE 0x00000020UL
#define VM_MAYEXEC 0x00000040UL
#define VM_MAYSHARE 0x00000080UL
#define VM_GROWSDOWN 0x00000100UL
#define VM_PFNMAP 0x00000400UL
#define VM_LOCKED 0x00002000UL
#define VM_DONTCOPY 0x00020000UL
#define VM_DONTEXPAND 0x00040000UL
#define VM_ACCOUNT 0x00100000UL
#define VM_NORESERVE 0x00200000UL
#define VM_SOFTDIRTY 0x08000000UL
#define VM_MIXEDMAP 0x10000000UL
#define VM_NOHUGEPAGE 0x40000000UL
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)

struct vm_area_struct;
struct vm_fault;
typedef unsigned int vm_fault_t;

/* What a file-backed VMA can do on a fault (include/linux/mm.h). */
struct vm_operations_struct {
	const char *name; /* for views: "shmem_vm_ops", "shm_vm_ops", ... */
	vm_fault_t (*fault)(struct vm_fault *vmf);
	void (*map_pages)(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff);
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
	void (*open)(struct vm_area_struct *vma);
	void (*close)(struct vm_area_struct *vma);
};

struct file;

/*
 * vm_area_struct - one contiguous range of an address space with one set of
 * permissions, mapping one object (or anonymous memory).
 */
struct vm_area_struct {
	unsigned long vm_start; /* first byte */
	unsigned long vm_end;	/* first byte after */
	struct vm_area_struct *vm_next, *vm_prev; /* sorted by address */
	struct mm_struct *vm_mm;
	unsigned long vm_flags;
	pgprot_t vm_page_prot;	/* PTE bits for pages of this VMA (vm_get_page_prot) */
	/* anon_vma_chain entries of this VMA (avc->same_vma), newest first */
	struct list_head anon_vma_chain;
	struct anon_vma *anon_vma; /* where new anon pages of this VMA go */
	const struct vm_operations_struct *vm_ops;
	unsigned long vm_pgoff; /* offset in the file in pages; anon: vm_start >> PAGE_SHIFT */
	struct file *vm_file;	/* NULL for private anonymous memory */
	struct list_head shared; /* on vm_file's mapping->i_mmap */
	void *vm_private_data;
};

/*
 * anon_vma - the reverse map of anonymous pages: every VMA that may map a
 * page whose page->mapping points here is on the chain (include/linux/rmap.h).
 * Simplified: a list instead of the interval tree; root is kept.
 */
struct anon_vma {
	struct anon_vma *root;
	int refcount;
	int degree;
	struct anon_vma *parent;
	struct list_head rb_root; /* anon_vma_chain.same_anon_vma: the VMAs */
	unsigned int sim_id;	  /* stable id for views (never a pointer) */
};

/* Links one VMA and one anon_vma (include/linux/rmap.h). */
struct anon_vma_chain {
	struct vm_area_struct *vma;
	struct anon_vma *anon_vma;
	struct list_head same_vma;	/* on vma->anon_vma_chain */
	struct list_head same_anon_vma; /* on anon_vma->rb_root */
};

/* RSS counters (include/linux/mm_types_task.h). */
enum {
	MM_FILEPAGES,
	MM_ANONPAGES,
	MM_SWAPENTS,
	MM_SHMEMPAGES,
	NR_MM_COUNTERS
};

struct mm_struct {
	struct vm_area_struct *mmap; /* list of VMAs, by address */
	int map_count;		     /* number of VMAs */
	pgd_t *pgd;
	long rss_stat[NR_MM_COUNTERS];
	unsigned long total_vm;	     /* pages mapped */
	long pgtables_bytes;	     /* page-table pages, in bytes */
	int mm_users;
	struct sim_machine *sim;     /* the machine this mm lives in */
	struct task_struct *owner;
};

/* A process: the part of task_struct the model needs. */
struct task_struct {
	char comm[32];
	int pid;
	struct mm_struct *mm;
	unsigned long min_flt, maj_flt; /* getrusage's ru_minflt, ru_majflt */
	bool exited;
	bool oom_killed;
	struct list_head tasks; /* on sim_machine.tasks, by creation */
};

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_ops;
}

#endif /* MMSIM_MM_TYPES_H */
