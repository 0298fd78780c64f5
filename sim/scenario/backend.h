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
	int (*mmap)(struct scn_backend *be, int proc, const struct scn_mmap *req,
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
};

struct scn_backend {
	const struct scn_backend_ops *ops;
};

/* The simulator backend. */
struct sim_machine;
struct scn_backend *scn_sim_backend_create(const struct scn_config *cfg);
struct sim_machine *scn_sim_backend_machine(struct scn_backend *be);
struct task_struct *scn_sim_backend_task(struct scn_backend *be, int proc);

/* Names the simulator can answer for `expect meminfo` / `expect vmstat` / smaps. */
bool scn_sim_knows_meminfo(const char *key);
bool scn_sim_knows_vmstat(const char *key);
bool scn_sim_knows_smaps(const char *key);

#endif /* MMSIM_BACKEND_H */
