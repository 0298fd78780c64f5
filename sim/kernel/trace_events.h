/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace_events.h - what the model tells its observers, declared once.
 *
 * The model never prints. It announces (1) entry to and exit from the kernel
 * functions it models, so a listener can draw the call graph as ftrace's
 * function_graph does, set breakpoints on a function or print a backtrace;
 * and (2) state changes: a PTE set, a frame allocated, a VMA split... A
 * listener (text tracer, stepper, diagram recorder, test collector) attaches
 * to the machine from outside and may only read. With no listener the cost
 * of a trace point is one branch.
 *
 * Every traced function is in SIM_TRACED_FUNCTIONS and every event in
 * SIM_TRACE_EVENTS; the lists generate the enums and name tables.
 */
#ifndef MMSIM_TRACE_EVENTS_H
#define MMSIM_TRACE_EVENTS_H

#include "kernel_glue.h"

/* Kernel functions, by the name a student can grep in Linux v4.19. */
#define SIM_TRACED_FUNCTIONS(F)                                                                    \
	F(do_user_addr_fault)                                                                      \
	F(handle_mm_fault)                                                                         \
	F(__handle_mm_fault)                                                                       \
	F(handle_pte_fault)                                                                        \
	F(do_anonymous_page)                                                                       \
	F(do_fault)                                                                                \
	F(do_read_fault)                                                                           \
	F(do_cow_fault)                                                                            \
	F(do_shared_fault)                                                                         \
	F(do_wp_page)                                                                              \
	F(wp_page_copy)                                                                            \
	F(wp_page_reuse)                                                                           \
	F(do_swap_page)                                                                            \
	F(do_fault_around)                                                                         \
	F(__do_fault)                                                                              \
	F(finish_fault)                                                                            \
	F(wp_page_shared)                                                                          \
	F(do_page_mkwrite)                                                                         \
	F(filemap_fault)                                                                           \
	F(filemap_map_pages)                                                                       \
	F(filemap_page_mkwrite)                                                                    \
	F(__do_page_cache_readahead)                                                               \
	F(add_to_page_cache_lru)                                                                   \
	F(delete_from_page_cache)                                                                  \
	F(filemap_write_and_wait_range)                                                            \
	F(ext4_readpage)                                                                           \
	F(ext4_writepage)                                                                          \
	F(generic_perform_write)                                                                   \
	F(generic_file_read_iter)                                                                  \
	F(invalidate_mapping_pages)                                                                \
	F(truncate_inode_pages_range)                                                              \
	F(unmap_mapping_range)                                                                     \
	F(shmem_fault)                                                                             \
	F(shmem_getpage_gfp)                                                                       \
	F(shmem_add_to_page_cache)                                                                 \
	F(shmem_file_setup)                                                                        \
	F(shmem_zero_setup)                                                                        \
	F(shmem_undo_range)                                                                        \
	F(shmem_fallocate)                                                                         \
	F(shmem_setattr)                                                                           \
	F(newseg)                                                                                  \
	F(do_shmat)                                                                                \
	F(ksys_shmdt)                                                                              \
	F(do_shm_rmid)                                                                             \
	F(shm_destroy)                                                                             \
	F(memfd_create)                                                                            \
	F(sys_msync)                                                                               \
	F(vfs_fsync_range)                                                                         \
	F(generic_fadvise)                                                                         \
	F(page_add_file_rmap)                                                                      \
	F(madvise_cold_or_pageout_pte_range)                                                       \
	F(reclaim_pages)                                                                           \
	F(shrink_page_list)                                                                        \
	F(try_to_unmap)                                                                            \
	F(__remove_mapping)                                                                        \
	F(workingset_eviction)                                                                     \
	F(deactivate_page)                                                                         \
	F(get_swap_page)                                                                           \
	F(add_to_swap)                                                                             \
	F(add_to_swap_cache)                                                                       \
	F(__delete_from_swap_cache)                                                                \
	F(swapin_readahead)                                                                        \
	F(swap_writepage)                                                                          \
	F(swap_readpage)                                                                           \
	F(pageout)                                                                                 \
	F(shmem_writepage)                                                                         \
	F(shmem_swapin)                                                                            \
	F(shrink_inactive_list)                                                                    \
	F(shrink_active_list)                                                                      \
	F(page_referenced)                                                                         \
	F(out_of_memory)                                                                           \
	F(shrink_node)                                                                             \
	F(workingset_refault)                                                                      \
	F(oom_kill_process)                                                                        \
	F(__alloc_pages_slowpath)                                                                  \
	F(__pte_alloc)                                                                             \
	F(__pmd_alloc)                                                                             \
	F(__pud_alloc)                                                                             \
	F(vm_mmap_pgoff)                                                                           \
	F(do_mmap)                                                                                 \
	F(get_unmapped_area)                                                                       \
	F(mmap_region)                                                                             \
	F(vma_merge)                                                                               \
	F(__split_vma)                                                                             \
	F(do_munmap)                                                                               \
	F(unmap_region)                                                                            \
	F(unmap_vmas)                                                                              \
	F(zap_pte_range)                                                                           \
	F(free_pgtables)                                                                           \
	F(do_mprotect_pkey)                                                                        \
	F(mprotect_fixup)                                                                          \
	F(change_protection)                                                                       \
	F(sys_mremap)                                                                              \
	F(vma_to_resize)                                                                           \
	F(move_vma)                                                                                \
	F(move_page_tables)                                                                        \
	F(sys_madvise)                                                                             \
	F(madvise_dontneed_single_vma)                                                             \
	F(zap_page_range)                                                                          \
	F(__mm_populate)                                                                           \
	F(populate_vma_page_range)                                                                 \
	F(_do_fork)                                                                                \
	F(copy_process)                                                                            \
	F(dup_mm)                                                                                  \
	F(dup_mmap)                                                                                \
	F(anon_vma_fork)                                                                           \
	F(copy_page_range)                                                                         \
	F(do_exit)                                                                                 \
	F(exit_mmap)                                                                               \
	F(anon_vma_prepare)                                                                        \
	F(page_add_new_anon_rmap)                                                                  \
	F(page_remove_rmap)                                                                        \
	F(alloc_pages)                                                                             \
	F(__free_pages)

enum sim_fn {
#define SIM_FN_ENUM(name) SIM_FN_##name,
	SIM_TRACED_FUNCTIONS(SIM_FN_ENUM)
#undef SIM_FN_ENUM
	SIM_NR_FNS
};
extern const char *const sim_fn_names[SIM_NR_FNS];

/*
 * Events and their payload (struct sim_event fields used):
 *	fn_enter, fn_exit	fn
 *	pte_set		mm addr old new		a PTE changed from old to new
 *	pgtable_alloc	mm addr arg=level	a table was allocated (level 3 PUD .. 1 PTE)
 *	pgtable_free	mm addr arg=level
 *	page_alloc	pfn			a frame left the free list
 *	page_free	pfn			a frame went back to the free list
 *	page_copy	pfn arg=from pfn	contents copied (COW)
 *	rmap_add	pfn arg=new mapcount
 *	rmap_remove	pfn arg=new mapcount
 *	page_flags	pfn old new		PG_* flags changed (exclusive, dirty...)
 *	vma_add		mm addr=start arg=end old=vm_flags
 *	vma_remove	mm addr=start arg=end old=vm_flags
 *	vma_adjust	mm addr=start arg=end old=old start new=old end
 *	fault_done	mm addr arg=vm_fault_t new=1 if major
 *	signal		mm addr arg=signal number
 *	access		mm addr arg=1 for a write, new=value read or written
 *	note		text			a remark of the model's ("reuse: last mapper")
 *	cache		pfn addr=index arg=inode text	a page-cache slot changed
 *	inode		arg=inode text		an inode was created or freed
 *	swap		addr=offset pfn arg=swap_map text	a swap slot or the swap cache changed
 *	oom		arg=pid new=badness text=comm	the OOM killer chose a victim
 */
#define SIM_TRACE_EVENTS(E)                                                                        \
	E(fn_enter)                                                                                \
	E(fn_exit)                                                                                 \
	E(pte_set)                                                                                 \
	E(pgtable_alloc)                                                                           \
	E(pgtable_free)                                                                            \
	E(page_alloc)                                                                              \
	E(page_free)                                                                               \
	E(page_copy)                                                                               \
	E(rmap_add)                                                                                \
	E(rmap_remove)                                                                             \
	E(page_flags)                                                                              \
	E(vma_add)                                                                                 \
	E(vma_remove)                                                                              \
	E(vma_adjust)                                                                              \
	E(fault_done)                                                                              \
	E(signal)                                                                                  \
	E(access)                                                                                  \
	E(note)                                                                                    \
	E(cache)                                                                                   \
	E(inode)                                                                                   \
	E(swap)                                                                                    \
	E(oom)

enum sim_event_type {
#define SIM_EV_ENUM(name) SIM_EV_##name,
	SIM_TRACE_EVENTS(SIM_EV_ENUM)
#undef SIM_EV_ENUM
	SIM_NR_EVENTS
};
extern const char *const sim_event_names[SIM_NR_EVENTS];

struct mm_struct;
struct sim_event {
	enum sim_event_type type;
	enum sim_fn fn;
	const struct mm_struct *mm;
	unsigned long addr;
	unsigned long pfn;
	u64 old, new;
	long arg;
	const char *text;
	int depth; /* call depth when it happened (0: outside any traced function) */
};

/* A listener: called for every event, in order. It must not change the model. */
struct sim_trace_listener {
	void (*event)(void *data, const struct sim_event *ev);
	void *data;
};

#define SIM_MAX_LISTENERS 8
#define SIM_MAX_DEPTH 64

struct sim_tracer {
	struct sim_trace_listener listeners[SIM_MAX_LISTENERS];
	int nr_listeners;
	enum sim_fn stack[SIM_MAX_DEPTH]; /* the traced call chain, outermost first */
	int depth;
};

void sim_trace_attach(struct sim_tracer *t, struct sim_trace_listener l);
void sim_trace_detach(struct sim_tracer *t, void *data);
void __sim_trace_emit(struct sim_tracer *t, struct sim_event *ev);

static inline bool sim_trace_enabled(const struct sim_tracer *t)
{
	return t->nr_listeners != 0;
}

static inline void sim_trace_emit(struct sim_tracer *t, struct sim_event ev)
{
	if (unlikely(sim_trace_enabled(t)))
		__sim_trace_emit(t, &ev);
}

/* Enter/exit bookkeeping for TRACE_FUNC. */
struct sim_fn_scope {
	struct sim_tracer *t;
	enum sim_fn fn;
	bool pushed;
};
struct sim_fn_scope __sim_fn_enter(struct sim_tracer *t, enum sim_fn fn);
void __sim_fn_exit(struct sim_fn_scope *s);
static inline struct sim_fn_scope sim_fn_enter(struct sim_tracer *t, enum sim_fn fn)
{
	if (unlikely(sim_trace_enabled(t)))
		return __sim_fn_enter(t, fn);
	return (struct sim_fn_scope){ t, fn, false };
}
static inline void sim_fn_exit(struct sim_fn_scope *s)
{
	if (unlikely(s->pushed))
		__sim_fn_exit(s);
}

/*
 * TRACE_FUNC(tracer, fn) - first line of a traced function: announces entry
 * now and exit when the function returns, by whatever path.
 */
#define TRACE_FUNC(tracer, fn)                                                                     \
	struct sim_fn_scope __sim_scope __attribute__((cleanup(sim_fn_exit))) =                    \
		sim_fn_enter((tracer), SIM_FN_##fn)

#endif /* MMSIM_TRACE_EVENTS_H */
