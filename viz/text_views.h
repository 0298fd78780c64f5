/* SPDX-License-Identifier: GPL-2.0 */
/*
 * text_views.h - the text views of the `show` statement: page tables,
 * /proc/PID/maps and smaps, frames, /proc/meminfo and /proc/vmstat.
 *
 * Each function appends its view to @out and only reads the model. The
 * output is deterministic (no pointer values, no hash order) and fits an
 * 80-100 column terminal. maps, smaps, meminfo and vmstat are printed byte
 * for byte in the kernel's format, limited to what the model computes; the
 * page-table and frame views are mmsim's own.
 */
#ifndef MMSIM_TEXT_VIEWS_H
#define MMSIM_TEXT_VIEWS_H

#include <glib.h>

#include "sim_machine.h"

/* Per VMA, the PGD -> PUD -> PMD -> PTE walk and every non-empty PTE, decoded. */
void viz_text_pagetable(GString *out, struct task_struct *t);
/* /proc/PID/maps (nothing for a task that exited: a zombie's maps is empty). */
void viz_text_maps(GString *out, struct task_struct *t);
/* /proc/PID/smaps, with the fields the model computes (task_mmu.h). */
void viz_text_smaps(GString *out, struct task_struct *t);
/* One line per frame in use (pfn, counts, flags, mapping, LRU), then the free ones. */
void viz_text_frames(GString *out, struct sim_machine *m);
/* /proc/meminfo, with the fields the model computes (meminfo.h). */
void viz_text_meminfo(GString *out, struct sim_machine *m);
/* /proc/vmstat, with every counter of vmstat.h. */
void viz_text_vmstat(GString *out, struct sim_machine *m);

/* The swap device's slots with their counts, and the swap cache. */
void viz_text_swap(GString *out, struct sim_machine *m);
/* The LRU lists, newest first. */
void viz_text_lru(GString *out, struct sim_machine *m);

struct inode;
/* The page-cache tree of @inode: nodes, slots, raw exceptional values; @xarray: >=4.20 encoding. */
void viz_text_cache(GString *out, const struct inode *inode, bool xarray);

#endif /* MMSIM_TEXT_VIEWS_H */
