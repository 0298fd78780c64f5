/* SPDX-License-Identifier: GPL-2.0 */
/*
 * real_backend.h - the real Linux kernel behind the backend interface
 * (backend.h), for `mmsim check`.
 *
 * Each scenario process is a worker process pinned to CPU 0; a scenario
 * `fork` is a real fork() of the worker, so copy-on-write is the kernel's.
 * Commands and results travel over a socket pair in a fixed binary format.
 * Mappings go where the simulator put them (real_backend_place() before
 * each mmap, mremap or shmat), with MAP_FIXED_NOREPLACE and
 * MADV_NOHUGEPAGE. Files live in a private directory under /tmp; POSIX
 * shm names and SysV segments are the run's own. Everything is listed in a
 * manifest in that directory, removed at the end, on SIGINT/SIGTERM/SIGHUP,
 * and, after a crash, by the next run (real_backend_create()).
 *
 * What the real kernel cannot show without changing the state (a PTE's
 * write and dirty bits) is reported in scn_page_obs.unknown.
 */
#ifndef MMSIM_REAL_BACKEND_H
#define MMSIM_REAL_BACKEND_H

#include "backend.h"

/*
 * Set up the real side for @cfg: needs root (pagemap PFNs, stat_refresh).
 * On failure NULL and *why is the reason (g_free it).
 */
struct scn_backend *real_backend_create(const struct scn_config *cfg, char **why);

/*
 * Set up the run's own swap device of @pages slots (plus REAL_SWAP_SPARE
 * for other processes' swap-outs): a swap file in the
 * run's directory, or a zram device (@zram), swapon'd at the highest
 * priority, listed in the manifest, removed by destroy, on a signal, and by
 * the next run after a crash. *others: the swap areas already active
 * (from /proc/swaps, "; "-separated), or NULL. On failure -errno and *why.
 */
#define REAL_SWAP_SPARE 1024 /* slots added to the run's device for other processes */

int real_backend_swap_on(struct scn_backend *be, uint64_t pages, bool zram, char **why,
			 char **others);

/* The next mmap/mremap/shmat goes at @addr (the simulator's); 0: wherever the request says. */
void real_backend_place(struct scn_backend *be, uint64_t addr);

/*
 * meminfo values are reported as @base (the simulator's value at the start)
 * plus the real kernel's change since the backend was created.
 */
void real_backend_set_meminfo_base(struct scn_backend *be, const char *key, uint64_t base);

/*
 * What moved the machine-wide counters since the backend was created that
 * was not the scenario: when any is non-zero, system counters (vmstat,
 * meminfo) cannot be attributed to the scenario; when swap_io is, neither
 * can the run's swap device (another process swapped onto it).
 */
struct real_noise {
	uint64_t faults;	/* page faults not the scenario's: check's own, the
				   workers' start-up and bookkeeping, other processes */
	uint64_t setup_pages;	/* pages written to create the scenario's files */
	uint64_t swap_io;	/* swap reads and writes outside the scenario's steps */
	uint64_t caches_dropped; /* writes to /proc/sys/vm/drop_caches by anyone */
};

void real_backend_noise(struct scn_backend *be, struct real_noise *n);

/*
 * A page `reclaim` took on the simulator, replayed on the real kernel (the
 * spec: "mmsim check replays the simulator's choice of victims with
 * MADV_PAGEOUT"): a page mapped by process @proc at @addr is paged out
 * there; a page of file object @obj that no process mapped (@proc < 0) is
 * dropped with POSIX_FADV_DONTNEED.
 */
struct real_victim {
	int proc;
	uint64_t addr;
	int obj;
	uint64_t index;
};

/* The victims of the next `reclaim` (copied). */
void real_backend_set_victims(struct scn_backend *be, const struct real_victim *v, size_t n);

/*
 * Value entries in object @id's page cache now (shadows, tmpfs swap
 * entries), from cachestat(2); -1 when unknown. More than the simulator
 * has means the machine reclaimed pages of the scenario in the background.
 */
int64_t real_backend_evicted(struct scn_backend *be, int id);

/* A worker died without being told to (killed from outside); its process number, or -1. */
int real_backend_lost_worker(struct scn_backend *be);

/* Remove what crashed earlier runs left behind (called by real_backend_create). */
void real_backend_remove_stale(void);

/* ---- limits and test-only fault injection (docs/check.md) ---- */

/*
 * Why the real run cannot go on (a step of the backend's own set-up failed,
 * such as writing a scenario file into a full directory), or NULL.
 */
const char *real_backend_failure(struct scn_backend *be);

/*
 * In @seconds, end the run wherever it is: remove everything it created
 * (as on SIGTERM), print @msg on standard error and exit with status 3.
 * 0 cancels.
 */
void real_backend_deadline(unsigned seconds, const char *msg);

/* Test-only (MMSIM_CHECK_FAULT): the next swapon fails after the device is made. */
void real_backend_fail_swapon(struct scn_backend *be);

/* Test-only (MMSIM_CHECK_FAULT): SIGKILL the worker of process @id. */
int real_backend_kill_worker(struct scn_backend *be, int id);

#endif /* MMSIM_REAL_BACKEND_H */
