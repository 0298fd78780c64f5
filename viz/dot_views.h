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
 *	swap		the swap device's slots in use (offset, swap_map, count,
 *			SWAP_HAS_CACHE, what the device holds), free runs folded,
 *			and the swap cache's pages with an arrow from their slot
 *	life		one picture of a whole run: the first page of the first
 *			anonymous, file and tmpfs mapping, one row each, one
 *			column per snapshot, what holds the page in each, and
 *			arrows labelled with the statements that moved it
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

struct dot_graph *viz_dot_swap(struct sim_machine *m, const char *title);

/*
 * The life view is recorded while the scenario runs: follow a mapping (only
 * the first of each kind is kept; @obj is the scenario's name of its object,
 * or NULL), note each statement that ran (@ref the mapping it names, @name
 * and @object the names it defines or operates on, any may be NULL), take a
 * column at each snapshot, and draw the graph at the end.
 */
struct viz_life;
struct viz_life *viz_life_new(void);
void viz_life_free(struct viz_life *l);
void viz_life_track(struct viz_life *l, const struct vm_area_struct *vma, const char *proc,
		    const char *map, const char *obj);
void viz_life_statement(struct viz_life *l, const char *proc, const char *ref, const char *name,
			const char *object, const char *src);
void viz_life_snapshot(struct viz_life *l, struct sim_machine *m, const char *title);
struct dot_graph *viz_life_graph(struct viz_life *l, const char *title);

/* A picture that only says @text (a process that does not exist yet). */
/* The task a scenario names (its comm), or NULL. */
struct task_struct *viz_find_task(struct sim_machine *m, const char *name);

struct dot_graph *viz_dot_message(const char *name, const char *title, const char *text);

#endif /* MMSIM_VIZ_DOT_VIEWS_H */
