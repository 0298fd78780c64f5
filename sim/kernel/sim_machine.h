/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim_machine.h - the simulated machine: the root that owns everything.
 *
 * No kernel counterpart. One machine has a mem_map of struct page bounded by
 * the scenario's RAM (pfn 0 is the shared zero page, pfns 1..N the RAM), the
 * tasks with their address spaces, the counters, the LRU lists and the
 * tracer. sim_machine_create() and sim_machine_destroy() bracket every
 * lifetime: nothing the model allocates outlives its machine.
 *
 * The public interface of the model for drivers (the scenario runner, tests,
 * the stepper) is declared here too: the system calls and user accesses a
 * process can make. Each returns what the kernel returns (0, -ERRNO, or a
 * signal number for an access) and never prints.
 */
#ifndef MMSIM_SIM_MACHINE_H
#define MMSIM_SIM_MACHINE_H

#include "mm_types.h"
#include "page-flags.h"
#include "trace_events.h"
#include "vmstat.h"

/* Behaviour profiles: where Linux changed behaviour, which one to follow. */
enum sim_kernel_profile {
	SIM_KERNEL_4_19,
	SIM_KERNEL_6_18,
};

struct sim_config {
	enum sim_kernel_profile kernel;
	bool swap_synchronous;	  /* swap_device=zram: SWP_SYNCHRONOUS_IO */
	bool swap_ra_cluster;	  /* swap_ra=cluster, else VMA-based readahead */
	unsigned int overcommit;       /* vm.overcommit_memory: 0, 1 or 2 */
	unsigned int overcommit_ratio; /* vm.overcommit_ratio, percent */
	unsigned long ram_pages;  /* frames of simulated RAM (the zero page is extra) */
	unsigned long swap_pages; /* size of the swap device, 0 for none */
	unsigned long fault_around_bytes;
	unsigned long read_ahead_bytes;
	unsigned int page_cluster;
};

/* The LRU lists (include/linux/mmzone.h). */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS
};

struct sim_machine {
	struct sim_config cfg;
	struct page *mem_map;	    /* nr_frames entries, indexed by pfn */
	unsigned long nr_frames;    /* RAM frames + 1 (pfn 0, the zero page) */
	struct list_head free_list; /* free frames; allocation takes the head */
	unsigned long nr_free;
	struct list_head lru[NR_LRU_LISTS];
	struct list_head tasks;	    /* every task ever created, by creation */
	int next_pid;
	struct list_head inodes;    /* every live inode, by creation (struct inode.i_sb_list) */
	unsigned long next_ino;
	struct list_head shm_segments; /* SysV segments (struct shmid_kernel), by id */
	struct swap_info_struct *swap;  /* the swap device, or NULL (config swap=0) */
	struct task_struct *current;    /* the task whose access or call runs now, or NULL */
	bool in_reclaim;		/* direct reclaim runs: no reclaim within it */
	int next_shmid;
	unsigned int next_anon_vma_id;
	long vm_stat[NR_VM_ITEMS];
	unsigned long inactive_age; /* the workingset clock (lruvec->inactive_age) */
	long vm_committed_as;	    /* pages promised (Committed_AS) */
	struct sim_tracer tracer;
};

#define ZERO_PFN 0UL

struct sim_machine *sim_machine_create(const struct sim_config *cfg);
void sim_machine_destroy(struct sim_machine *m);

static inline struct page *pfn_to_page(struct sim_machine *m, unsigned long pfn)
{
	BUG_ON(pfn >= m->nr_frames);
	return &m->mem_map[pfn];
}
static inline unsigned long page_to_pfn(const struct sim_machine *m, const struct page *page)
{
	return (unsigned long)(page - m->mem_map);
}
static inline bool is_zero_pfn(unsigned long pfn)
{
	return pfn == ZERO_PFN;
}

/* Shorthand for the machine's tracer, used by TRACE_FUNC in the model. */
#define TR(m) (&(m)->tracer)

/* A note for the listeners ("reuse: the last mapper writes in place"). */
static inline void sim_note(struct sim_machine *m, const char *text)
{
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_note, .text = text });
}

/*
 * Processes and their system calls (the driver's interface to the model).
 * Addresses and lengths are bytes; results are 0 or a negative errno.
 */
struct task_struct *sim_task_create(struct sim_machine *m, const char *comm);
/* fork(): a child with a copy of @parent's address space. */
int sim_fork(struct task_struct *parent, const char *comm, struct task_struct **child);
/* The task exits: its address space is torn down. */
void sim_exit(struct task_struct *task);

/* mmap flags the driver passes (include/uapi/linux/mman.h values). */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_TYPE 0x0f /* the sharing type: MAP_SHARED or MAP_PRIVATE */
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_FIXED_NOREPLACE 0x100000
#define MREMAP_MAYMOVE 1
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_WILLNEED 3
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23

/* Placement of a mapping without an address: see get_unmapped_area(). */
#define SIM_MMAP_BASE 0x600000000000UL
#define SIM_MMAP_ALIGN (1UL << 30)

long sim_mmap(struct task_struct *t, unsigned long addr, unsigned long len, unsigned long prot,
	      unsigned long flags, struct file *file, unsigned long pgoff, unsigned long *result);
int sim_munmap(struct task_struct *t, unsigned long addr, unsigned long len);
int sim_mprotect(struct task_struct *t, unsigned long addr, unsigned long len, unsigned long prot);
long sim_mremap(struct task_struct *t, unsigned long addr, unsigned long old_len,
		unsigned long new_len, unsigned long flags, unsigned long *result);
int sim_madvise(struct task_struct *t, unsigned long addr, unsigned long len, int advice);

/*
 * A user load or store of the 8-byte word at @addr (8-byte aligned), as the
 * CPU does it: through the page tables, faulting when the PTE does not allow
 * the access. Returns 0, or the signal the access raised (SIGSEGV, SIGBUS).
 */
int sim_access(struct task_struct *t, unsigned long addr, bool write, u64 *value);

/*
 * Files and shared-memory objects. A struct file is an open file the driver
 * holds (like an fd); sim_file_close() drops it. Objects live on while
 * mapped. Results are 0 or a negative errno.
 */
struct file;
int sim_file_create(struct sim_machine *m, const char *name, u64 size, bool cached,
		    struct file **filep);
int sim_shm_open(struct sim_machine *m, const char *name, u64 size, struct file **filep);
int sim_shm_unlink(struct sim_machine *m, const char *name);
int sim_memfd_create(struct sim_machine *m, const char *name, struct file **filep);
void sim_file_close(struct file *file);
int sim_ftruncate(struct file *file, u64 size);
int sim_pwrite(struct file *file, u64 pos, u64 value);
int sim_pread(struct file *file, u64 pos, u64 *value, bool *eof);
int vfs_fsync_range(struct file *file, u64 start, u64 end);
int sim_fadvise(struct file *file, u64 offset, u64 len, int advice);
int sim_msync(struct task_struct *t, unsigned long addr, unsigned long len, int flags);
int sim_shmget(struct sim_machine *m, u32 key, u64 size, int *shmid);
int sim_shmat(struct task_struct *t, int shmid, unsigned long addr, bool readonly,
	      unsigned long *result);
int sim_shmdt(struct task_struct *t, unsigned long addr);
int sim_shmctl_rmid(struct sim_machine *m, int shmid);
int sim_shm_info(struct sim_machine *m, int shmid, unsigned long *nattch, bool *dest);
/* `reclaim N [anon|file]`: free N frames (ULONG_MAX: all that can go). */
unsigned long sim_reclaim(struct sim_machine *m, unsigned long nr_pages, bool anon, bool file);
/* `writeback`: complete every write in flight; returns how many. */
unsigned long sim_writeback_all(struct sim_machine *m);
struct inode *sim_file_inode(struct file *file);
struct inode *sim_shm_inode(struct sim_machine *m, int shmid);
#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4
#define POSIX_FADV_WILLNEED 3
#define POSIX_FADV_DONTNEED 4

/* Lookups for drivers and views. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* The PTE slot for @addr without allocating, or NULL (the xv6 walk, alloc=0). */
static inline pte_t *sim_lookup_pte(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset_pgd(mm->pgd, addr);
	pud_t *pud;
	pmd_t *pmd;

	if (pgd_none(*pgd))
		return NULL;
	pud = pud_offset(pgd, addr);
	if (pud_none(*pud))
		return NULL;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(*pmd))
		return NULL;
	return pte_offset_map(pmd, addr);
}

/* Counter updates (mm/vmstat.c), inline: they sit on every fault path. */
static inline void mod_node_page_state(struct sim_machine *m, enum vm_item item, long delta)
{
	m->vm_stat[item] += delta;
}

static inline void count_vm_event(struct sim_machine *m, enum vm_item item)
{
	m->vm_stat[item]++;
}

#endif /* MMSIM_SIM_MACHINE_H */
