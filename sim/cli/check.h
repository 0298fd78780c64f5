/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check.h - `mmsim check FILE`: the simulator and the real kernel side by
 * side (check.c, docs/check.md).
 */
#ifndef MMSIM_CHECK_H
#define MMSIM_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include <stdint.h>

int cmd_check(int argc, char **argv);

/* check's own limits (docs/limits.md): the defaults of --max-real-memory and --timeout */
#define CHECK_MAX_REAL_MEMORY ((uint64_t)1 << 30)
#define CHECK_TIMEOUT 120
#define CHECK_ATTEMPTS 3 /* real runs when the machine reclaims the scenario's pages behind its back */

struct check_options {
	uint64_t max_real_memory; /* bytes of mappings, objects and swap the real run may create */
	unsigned timeout;	  /* seconds the real run may take; 0: no limit */
};
int check_file_opts(const char *path, bool json, FILE *out, const struct check_options *opt);
/* Check one file; the report (or JSON) to @out. Returns the exit status. */
int check_file(const char *path, bool json, FILE *out);

#endif /* MMSIM_CHECK_H */
