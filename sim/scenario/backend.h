/* SPDX-License-Identifier: GPL-2.0 */
/*
 * backend.h - what the runner drives: the simulator, or (mmsim check) the
 * real kernel. Both execute the same calls and answer the same
 * observations, so a comparison is of two observations, not two programs.
 *
 * Processes are numbered by the runner (0, 1, ... in order of creation).
 * Calls return 0 or a negative errno; an access returns 0 or the signal it
 * raised; -ENOMEM from an access means memory ran out.
 */
#ifndef MMSIM_BACKEND_H
#define MMSIM_BACKEND_H

#include "scenario.h"

#include <stdint.h>

/* One page as the backend sees it (the per-page words of `expect`). */
struct scn_page_obs {
	unsigned words;	 /* enum scn_word bits that hold */
	bool has_frame;	 /* present: frame is the pfn */
	uint64_t frame;
	unsigned unknown; /* words this backend cannot observe (the real kernel: writable, dirty) */
};

/* /proc/PID/status-style counters, bytes. */
struct scn_rss {
	uint64_t anon, file, shmem, swap;
};

struct scn_backend;
struct scn_backend_ops {
	const char *name;
	void (*destroy)(struct scn_backend *be);
	int (*process)(struct scn_backend *be, int proc, const char *name);
	int (*fork)(struct scn_backend *be, int parent, int child, const char *name);
	int (*exit)(struct scn_backend *be, int proc);
	/* @obj: the object of file=OBJ, or -1 for anonymous memory. */
	int (*mmap)(struct scn_backend *be, int proc, const struct scn_mmap *req, int obj,
		    uint64_t *addr);
	int (*munmap)(struct scn_backend *be, int proc, uint64_t addr, uint64_t len);
	int (*mprotect)(struct scn_backend *be, int proc, uint64_t addr, uint64_t len,
			unsigned prot);
	int (*mremap)(struct scn_backend *be, int proc, uint64_t addr, uint64_t old_len,
		      uint64_t new_len, bool maymove, uint64_t *new_addr);
	int (*madvise)(struct scn_backend *be, int proc, uint64_t addr, uint64_t len,
		       enum scn_madvise advice);
	int (*access)(struct scn_backend *be, int proc, uint64_t addr, bool write,
		      uint64_t *value);
	int (*msync)(struct scn_backend *be, int proc, uint64_t addr, uint64_t len,
		     const struct scn_msync *how);

	/* Objects, numbered by the runner like processes. */
	int (*file)(struct scn_backend *be, int obj, const char *name, uint64_t size, bool cached);
	int (*shm_open)(struct scn_backend *be, int obj, const char *name, uint64_t size);
	int (*shm_unlink)(struct scn_backend *be, const char *name);
	int (*memfd)(struct scn_backend *be, int obj, const char *name, uint64_t size);
	int (*shmget)(struct scn_backend *be, int obj, uint64_t key, uint64_t size);
	int (*shmat)(struct scn_backend *be, int proc, int obj, unsigned prot, uint64_t at,
		     uint64_t *addr);
	int (*shmdt)(struct scn_backend *be, int proc, uint64_t addr);
	int (*shmctl_rmid)(struct scn_backend *be, int obj);
	int (*ftruncate)(struct scn_backend *be, int obj, uint64_t size);
	int (*pwrite)(struct scn_backend *be, int obj, uint64_t pos, uint64_t value);
	int (*pread)(struct scn_backend *be, int obj, uint64_t pos, uint64_t *value, bool *eof);
	int (*fsync)(struct scn_backend *be, int obj);
	int (*fadvise)(struct scn_backend *be, int obj, uint64_t pos, uint64_t len, bool willneed);
	int (*writeback)(struct scn_backend *be);
	/* reclaim @nr pages (UINT64_MAX: all) from the anon and/or file LRU; returns freed. */
	uint64_t (*reclaim)(struct scn_backend *be, uint64_t nr, bool anon, bool file);

	void (*observe_page)(struct scn_backend *be, int proc, uint64_t addr,
			     struct scn_page_obs *obs);
	void (*observe_faults)(struct scn_backend *be, int proc, uint64_t *minor,
			       uint64_t *major);
	bool (*observe_alive)(struct scn_backend *be, int proc);
	void (*observe_rss)(struct scn_backend *be, int proc, struct scn_rss *rss);
	/* Sum of smaps field @key over the VMAs overlapping [start, end); -1 if unknown key. */
	int (*observe_smaps)(struct scn_backend *be, int proc, uint64_t start, uint64_t end,
			     const char *key, uint64_t *bytes);
	int (*observe_meminfo)(struct scn_backend *be, const char *key, uint64_t *bytes);
	int (*observe_vmstat)(struct scn_backend *be, const char *key, int64_t *value);
	/* Swap slots in use and pages in the swap cache (expect swap). */
	void (*observe_swap)(struct scn_backend *be, uint64_t *used, uint64_t *cached);
	/* What the page-cache slot @index of @obj holds. */
	enum scn_cache_state (*observe_cache)(struct scn_backend *be, int obj, uint64_t index);
};

struct scn_backend {
	const struct scn_backend_ops *ops;
};

/* The simulator backend. */
struct sim_machine;
struct scn_backend *scn_sim_backend_create(const struct scn_config *cfg);
struct sim_machine *scn_sim_backend_machine(struct scn_backend *be);
struct task_struct *scn_sim_backend_task(struct scn_backend *be, int proc);
/* The inode of object @obj (for `show cache`). */
struct inode *scn_sim_backend_inode(struct scn_backend *be, int obj);

/* A tmpfs object's page @index is swapped and its page waits in the swap cache. */
bool scn_sim_backend_in_swap_cache(struct scn_backend *be, int obj, uint64_t index);

/*
 * Linux's number for @advice (the madvise() ABI, which the model's
 * sim_machine.h mirrors): what both backends pass on.
 */
int scn_madvise_advice(enum scn_madvise advice);

/* Names the simulator can answer for `expect meminfo` / `expect vmstat` / smaps. */
bool scn_sim_knows_meminfo(const char *key);
bool scn_sim_knows_vmstat(const char *key);
bool scn_sim_knows_smaps(const char *key);

#endif /* MMSIM_BACKEND_H */
