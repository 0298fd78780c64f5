/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scn_limits.h - the limits on what one scenario may ask for.
 *
 * A scenario is untrusted input (a lecturer runs what students wrote), so
 * every quantity that makes mmsim allocate or loop is bounded here, and a
 * scenario over a limit is refused before anything runs, with the place
 * (FILE:LINE:COLUMN) and the limit in the message. docs/limits.md explains
 * each number; tests/test_limits.c and tests/bad/limit-*.scn test each.
 *
 * The parser checks what it can see in the text (sizes, counts, lengths);
 * scn_check_limits() checks, before the run, the work the statements
 * imply taken together, using the mapping and object sizes as they change
 * through the scenario.
 */
#ifndef MMSIM_SCENARIO_SCN_LIMITS_H
#define MMSIM_SCENARIO_SCN_LIMITS_H

#include "scenario.h"

/* The text. */
#define SCN_MAX_FILE_BYTES (1u << 20) /* a scenario file: 1 MiB */
#define SCN_MAX_LINE_BYTES 4096	      /* a physical line, without its '\n' */
#define SCN_MAX_TOKENS 256	      /* words and symbols of one statement */
#define SCN_MAX_STATEMENTS 5000

/* The names a scenario declares. */
#define SCN_MAX_PROCESSES 64  /* process and fork */
#define SCN_MAX_MAPPINGS 1000 /* mmap and shmat statements */
#define SCN_MAX_OBJECTS 256   /* file, shmget, shm_open, memfd */

/* The simulated machine (config). */
#define SCN_MAX_RAM_PAGES ((uint64_t)1 << 22)  /* ram=16g: 4M frames */
#define SCN_MAX_SWAP_PAGES ((uint64_t)1 << 22) /* swap=16g */
#define SCN_MAX_FAULT_AROUND ((uint64_t)2 << 20) /* one PTE table, as the kernel's debugfs */
#define SCN_MAX_READ_AHEAD ((uint64_t)16 << 20)

/*
 * Sizes and places: a mapping, an object (file, segment, ftruncate), a
 * byte offset and a page index all stay below 64 GiB (16M pages), four
 * times the largest RAM.
 */
#define SCN_MAX_SIZE ((uint64_t)64 << 30)
#define SCN_MAX_PAGES (SCN_MAX_SIZE / SCN_PAGE_SIZE)

/*
 * The work of the whole scenario, in page steps: every statement counts the
 * pages it walks (a range, a whole mapping or object at its size then, a
 * fork or exit every mapping known then, a view of the frames every frame).
 * 32M page steps: eight times the largest RAM, or the largest mapping
 * walked twice.
 */
#define SCN_MAX_WORK_PAGES ((uint64_t)1 << 25)

/*
 * The page steps @f implies (an upper bound; the model skips empty page
 * tables and often does less). Used by scn_check_limits() and by the
 * fuzzer, which keeps to small runs.
 */
uint64_t scn_estimate_work(const struct scn_file *f);

/* Refuse @f when its work is over SCN_MAX_WORK_PAGES, naming the statement that crosses it. */
bool scn_check_limits(const struct scn_file *f, GError **err);

#endif /* MMSIM_SCENARIO_SCN_LIMITS_H */
