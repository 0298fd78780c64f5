/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meminfo.h - the lines of /proc/meminfo the model can compute truthfully.
 * Models fs/proc/meminfo.c (meminfo_proc_show).
 *
 * meminfo_fields() fills the fields in the kernel's order under the kernel's
 * names (without the colon), in kB. Only fields the model keeps the counters
 * for are listed: `expect meminfo` refuses any other name (see
 * meminfo_field_by_name) rather than compare against a number nobody counts.
 * The file header of meminfo.c lists what is left out, and why.
 *
 * These functions read the model and fill plain structs; they never print.
 */
#ifndef MMSIM_MEMINFO_H
#define MMSIM_MEMINFO_H

#include "sim_machine.h"

struct meminfo_field {
	const char *name; /* "MemTotal", "Active(anon)", ... as /proc/meminfo spells it */
	unsigned long kb;
};

#define MEMINFO_NR_FIELDS 21

/* Fill @out (MEMINFO_NR_FIELDS entries) in the kernel's order; *@n is how many. */
void meminfo_fields(struct sim_machine *m, struct meminfo_field *out, int *n);

/* The position of the field called @name in meminfo_fields()' output, or -1. */
int meminfo_field_by_name(const char *name);

/* The value in kB of the field called @name: 0, or -ENOENT if it is not computed. */
int meminfo_value(struct sim_machine *m, const char *name, unsigned long *kb);

#endif /* MMSIM_MEMINFO_H */
