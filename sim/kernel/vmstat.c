// SPDX-License-Identifier: GPL-2.0
/*
 * vmstat.c - the machine's counters by name. Models mm/vmstat.c (v4.19):
 * vmstat_text and the mod_/count_ helpers.
 *
 * Not modelled: per-CPU differentials and their folding (the real kernel's
 * LRU and nr_* counters lag in batches of about 31; here they are exact,
 * which is what the real kernel shows after writing vm/stat_refresh).
 */
#include "vmstat.h"

#include "sim_machine.h"

#include <string.h>

const char *const vmstat_text[NR_VM_ITEMS] = {
#define SIM_VM_NAME(e, name) [e] = name,
	SIM_VM_ITEMS(SIM_VM_NAME)
#undef SIM_VM_NAME
};

long global_node_page_state(const struct sim_machine *m, enum vm_item item)
{
	return m->vm_stat[item];
}

int vmstat_item_by_name(const char *name)
{
	for (int i = 0; i < NR_VM_ITEMS; i++)
		if (strcmp(vmstat_text[i], name) == 0)
			return i;
	return -1;
}
