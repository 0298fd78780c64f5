/* SPDX-License-Identifier: GPL-2.0 */
/*
 * replay.h - `mmsim replay`: a real program's memory trace, replayed into
 * one simulated process's private anonymous memory (replay.c).
 *
 * The trace is read once, line by line, and fed to one machine per RAM size
 * in lockstep (a --sweep is one pass, so a trace can come down a pipe). The
 * report holds what the machines counted: faults, swap traffic, refaults,
 * OOM kills. Nothing here prints but replay_print() and cmd_replay().
 */
#ifndef MMSIM_CLI_REPLAY_H
#define MMSIM_CLI_REPLAY_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Points of a sweep: machines run side by side, and all their frames together. */
#define REPLAY_MAX_POINTS 64
#define REPLAY_MAX_TOTAL_FRAMES (1UL << 23) /* 8M frames: 512 MiB of struct page */
/*
 * The program's address space is cut into 1 GiB regions; each region it
 * touches becomes one VMA of the simulated process, made on first touch, at
 * the next free GiB from SIM_MMAP_BASE. Sparse 64-bit addresses thus cost
 * one VMA per region and page tables only where pages are touched.
 */
#define REPLAY_REGION_SHIFT 30
#define REPLAY_MAX_REGIONS 16384 /* 16 TiB of simulated address space */
#define REPLAY_MAX_RECORD_BYTES 65536 /* the largest access one line may make */
#define REPLAY_MAX_LINE_BYTES 4096

enum replay_format { REPLAY_FORMAT_AUTO, REPLAY_FORMAT_LACKEY, REPLAY_FORMAT_RW };

struct replay_options {
	unsigned long ram_pages[REPLAY_MAX_POINTS]; /* one machine per size, ascending */
	int nr_points;
	unsigned long swap_pages;	/* 0: no swap device */
	bool swap_disk;			/* a disk (writes in flight) instead of zram */
	unsigned int page_cluster;	/* vm.page-cluster: swap readahead, 2^N pages */
	enum replay_format format;
	bool fetches_as_loads;		/* lackey's I lines are loads; else skipped */
	bool zero_reads;		/* a first load maps the zero page; else it gets a frame */
	bool check_invariants;		/* sim_check_machine at the end of each machine */
};

/* What the trace held: the same for every machine. */
struct replay_trace {
	enum replay_format format; /* as given or as detected */
	unsigned long lines;	   /* lines read */
	unsigned long loads, stores, modifies, fetches; /* records of each kind */
	unsigned long accesses;	   /* user accesses made (one per page a record touches) */
	unsigned long regions;	   /* 1 GiB regions touched (VMAs made) */
	double seconds;		   /* wall time of the replay (for --time only) */
};

/* What one machine counted. */
struct replay_point {
	unsigned long ram_pages;
	unsigned long touched;		 /* pages touched for the first time */
	unsigned long min_flt, maj_flt;	 /* the process's getrusage figures */
	long pswpin, pswpout, swpin_zero, swpout_zero;
	long swap_ra, swap_ra_hit;
	long refaults, activations;	 /* workingset_refault_anon, workingset_activate_anon */
	long pgscan, pgsteal;
	long oom_kills;
	unsigned long rss, swapents;	 /* the process's anon pages resident / in swap at the end */
	bool killed;			 /* by the OOM killer: the replay stopped there */
	unsigned long killed_line;
	long writeback_at_kill;		 /* nr_writeback when it was killed */
};

struct replay_report {
	struct replay_trace trace;
	int nr_points;
	struct replay_point points[REPLAY_MAX_POINTS];
};

/* Replay the trace read from @in (named @name in messages) on each machine of @opt. */
bool replay_stream(FILE *in, const char *name, const struct replay_options *opt,
		   struct replay_report *rep, GError **err);
/* The same for a file; "-" is the standard input. */
bool replay_file(const char *path, const struct replay_options *opt, struct replay_report *rep,
		 GError **err);
/* The text report: one machine in detail, or the sweep's table and curve. */
void replay_print(FILE *out, const char *name, const struct replay_options *opt,
		  const struct replay_report *rep);
/* The sweep's curve, major faults against RAM size, as an SVG document. */
char *replay_svg(const char *name, const struct replay_options *opt,
		 const struct replay_report *rep);
/* The pair of neighbouring points with the largest drop in major faults, or -1. */
int replay_knee(const struct replay_report *rep);
/* "64m", "0x1000", "4096p": a size in bytes. */
bool replay_parse_size(const char *text, uint64_t *bytes);

int cmd_replay(int argc, char **argv);

#endif /* MMSIM_CLI_REPLAY_H */
