/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmstat.h - the machine's memory counters, under their /proc/vmstat names.
 * Models include/linux/vmstat.h, mmzone.h (node_stat_item) and
 * vm_event_item.h, flattened into one list: a gauge (nr_*) and an event
 * count (pg*) are both one long here.
 *
 * Only counters the model maintains are listed: `expect vmstat` refuses a
 * name that is not here rather than compare against a number nobody counts.
 */
#ifndef MMSIM_VMSTAT_H
#define MMSIM_VMSTAT_H

/* X(ENUM, "name") */
#define SIM_VM_ITEMS(X)                                                                            \
	X(NR_FREE_PAGES, "nr_free_pages")                                                          \
	X(NR_INACTIVE_ANON, "nr_inactive_anon")                                                    \
	X(NR_ACTIVE_ANON, "nr_active_anon")                                                        \
	X(NR_INACTIVE_FILE, "nr_inactive_file")                                                    \
	X(NR_ACTIVE_FILE, "nr_active_file")                                                        \
	X(NR_ANON_MAPPED, "nr_anon_pages")                                                         \
	X(NR_FILE_MAPPED, "nr_mapped")                                                             \
	X(NR_FILE_PAGES, "nr_file_pages")                                                          \
	X(NR_SHMEM, "nr_shmem")                                                                    \
	X(NR_FILE_DIRTY, "nr_dirty")                                                               \
	X(NR_WRITEBACK, "nr_writeback")                                                            \
	X(NR_DIRTIED, "nr_dirtied")                                                                \
	X(NR_WRITTEN, "nr_written")                                                                \
	X(PGPGIN, "pgpgin")                                                                        \
	X(PGPGOUT, "pgpgout")                                                                      \
	X(NR_VMSCAN_IMMEDIATE, "nr_vmscan_immediate_reclaim")                                     \
	X(NR_SWAPCACHE, "nr_swapcached")                                                           \
	X(NR_VMSCAN_WRITE, "nr_vmscan_write")                                                      \
	X(PSWPIN, "pswpin")                                                                        \
	X(PSWPOUT, "pswpout")                                                                      \
	X(SWPIN_ZERO, "swpin_zero")                                                                \
	X(SWPOUT_ZERO, "swpout_zero")                                                              \
	X(SWAP_RA, "swap_ra")                                                                      \
	X(SWAP_RA_HIT, "swap_ra_hit")                                                              \
	X(WORKINGSET_REFAULT_ANON, "workingset_refault_anon")                                     \
	X(WORKINGSET_ACTIVATE_ANON, "workingset_activate_anon")                                   \
	X(WORKINGSET_REFAULT_FILE, "workingset_refault_file")                                     \
	X(WORKINGSET_ACTIVATE_FILE, "workingset_activate_file")                                   \
	X(PGFAULT, "pgfault")                                                                      \
	X(PGACTIVATE, "pgactivate")                                                                \
	X(PGDEACTIVATE, "pgdeactivate")                                                            \
	X(PGSCAN_KSWAPD, "pgscan_kswapd")                                                          \
	X(PGSTEAL_KSWAPD, "pgsteal_kswapd")                                                        \
	X(OOM_KILL, "oom_kill")                                                                    \
	X(PGMAJFAULT, "pgmajfault")                                                                \
	X(PGREUSE, "pgreuse")

enum vm_item {
#define SIM_VM_ENUM(e, name) e,
	SIM_VM_ITEMS(SIM_VM_ENUM)
#undef SIM_VM_ENUM
	NR_VM_ITEMS
};

extern const char *const vmstat_text[NR_VM_ITEMS];

struct sim_machine;
/* mod_node_page_state and count_vm_event are inline, in sim_machine.h. */
long global_node_page_state(const struct sim_machine *m, enum vm_item item);
/* The item named @name, or -1. */
int vmstat_item_by_name(const char *name);

#endif /* MMSIM_VMSTAT_H */
