/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dot_views.h - the diagram views: the model's state as Graphviz graphs.
 *
 * Each view is one function over the model that only reads it and returns a
 * graph (dot.h) to print, compare with the previous snapshot (--diff) and
 * render. Node ids are the model's identities: pfn_3 for frame 3, swp_0_5 for
 * swap entry 0:0x5, pgd192_pud0_pmd0 for the PTE table reached through
 * PGD[192], PUD[0], PMD[0], node_d0_40 for the radix-tree node at depth 0
 * whose first index is 0x40 (prefixed by the process or inode in the system
 * view). Nodes and edges come in table, index and pfn order.
 *
 *	pagetable	one process: its VMAs, the page tables it has allocated
 *			(runs of empty entries folded), every non-empty PTE with
 *			its raw value and bits, arrows to frames, the zero page
 *			and swap entries as nodes of their own
 *	cache		one object's page-cache tree: nodes with their occupied
 *			slots (runs of empty slots folded), raw values of
 *			exceptional entries, arrows to frames and swap entries;
 *			in the XArray encoding when @xarray
 *	frames		every frame in use with its flags and counts, on its LRU
 *			list in list order, and reverse-map arrows to every PTE
 *			that maps it: through the anon_vma chain for anonymous
 *			pages, through mapping->i_mmap for page-cache pages
 *	system		every process's page tables and every object's tree,
 *			clustered, with the frames they point to
 *
 * Not drawn yet: the swap device and swap cache (the `swap` view) and the
 * life of a page (`life`), which arrive with swap.
 */
#ifndef MMSIM_VIZ_DOT_VIEWS_H
#define MMSIM_VIZ_DOT_VIEWS_H

#include "dot.h"
#include "sim_machine.h"

struct inode;

/* @title (may be NULL) is printed above the diagram: the snapshot's text. */
struct dot_graph *viz_dot_pagetable(struct sim_machine *m, struct task_struct *t,
				    const char *title);
/* @name: the scenario's name for the object (may be NULL). */
struct dot_graph *viz_dot_cache(struct sim_machine *m, struct inode *inode, const char *name,
				bool xarray, const char *title);
struct dot_graph *viz_dot_frames(struct sim_machine *m, const char *title);
/* @names: the scenario's names of objects (struct inode * -> name), or NULL. */
struct dot_graph *viz_dot_system(struct sim_machine *m, GHashTable *names, bool xarray,
				 const char *title);

/* A picture that only says @text (a process that does not exist yet). */
struct dot_graph *viz_dot_message(const char *name, const char *title, const char *text);

#endif /* MMSIM_VIZ_DOT_VIEWS_H */
