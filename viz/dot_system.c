// SPDX-License-Identifier: GPL-2.0
/*
 * dot_system.c - the `system` diagram: the whole machine at once.
 *
 * One cluster per live process with its page tables (as in `pagetable`),
 * one cluster per live inode with its page-cache tree (as in `cache`), and
 * every frame in use in a cluster of its own, so that a frame mapped by two
 * processes and held in a file's cache shows all three arrows. Ids are
 * prefixed by the process (p1_pgd192...) or inode (i3_node_d0_0) so that
 * the parts stay apart; frames (pfn_3) and swap entries (swp_0_5) are shared.
 * Exited processes have no address space and are left out.
 */
#include "dot_parts.h"
#include "dot_views.h"

static void process_clusters(struct dot_graph *g, struct sim_machine *m, struct dotv_refs *refs)
{
	struct task_struct *t;

	list_for_each_entry(t, &m->tasks, tasks) {
		g_autofree char *prefix = NULL;

		if (!t->mm)
			continue;
		prefix = g_strdup_printf("p%d_", t->pid);
		dotv_pagetables(g, t, prefix, refs);
	}
}

static void inode_clusters(struct dot_graph *g, struct sim_machine *m, GHashTable *names,
			   bool xarray, struct dotv_refs *refs)
{
	struct inode *inode;

	list_for_each_entry(inode, &m->inodes, i_sb_list) {
		const char *name = names ? g_hash_table_lookup(names, inode) : NULL;
		g_autofree char *cluster = g_strdup_printf("cluster_i%lu", inode->i_ino);
		g_autofree char *label = dotv_inode_name(inode, name);
		g_autofree char *prefix = g_strdup_printf("i%lu_", inode->i_ino);

		dot_cluster_begin(g, cluster, label, "style=\"rounded\"; color=\"#00695c\"");
		dotv_cache_tree(g, inode, name, xarray, prefix, refs);
		dot_cluster_end(g);
	}
}

struct dot_graph *viz_dot_system(struct sim_machine *m, GHashTable *names, bool xarray,
				 const char *title)
{
	struct dot_graph *g = dot_graph_new("system", title);
	struct dotv_refs refs;
	struct dot_node *legend;

	dot_graph_attr(g, "rankdir=LR");
	dot_graph_attr(g, "newrank=true");
	dotv_refs_init(&refs, m);
	process_clusters(g, m, &refs);
	inode_clusters(g, m, names, xarray, &refs);
	for (unsigned long pfn = 1; pfn < m->nr_frames; pfn++)
		if (!PageBuddy(&m->mem_map[pfn]))
			dotv_ref_pfn(&refs, pfn);
	dotv_draw_refs(g, &refs);
	legend = dot_legend_begin(g);
	if (refs.used & DOTV_USED_TABLES)
		dot_legend_kind(legend, DOTV_HDR_MM, "mm_struct", "a process: its PGD and VMAs");
	dotv_legend_ptes(legend, refs.used);
	dotv_legend_cache(legend, xarray, refs.used);
	dotv_legend_frames(legend, refs.used);
	dotv_legend_swap(legend, refs.used);
	dotv_refs_fini(&refs);
	return g;
}
