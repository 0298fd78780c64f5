/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check.h - `mmsim check FILE`: the simulator and the real kernel side by
 * side (check.c, docs/check.md).
 */
#ifndef MMSIM_CHECK_H
#define MMSIM_CHECK_H

#include <stdbool.h>
#include <stdio.h>

int cmd_check(int argc, char **argv);
/* Check one file; the report (or JSON) to @out. Returns the exit status. */
int check_file(const char *path, bool json, FILE *out);

#endif /* MMSIM_CHECK_H */
