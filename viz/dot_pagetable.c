// SPDX-License-Identifier: GPL-2.0
/*
 * dot_pagetable.c - the `pagetable` diagram: one process's address space.
 *
 * Left to right: the mm_struct with its VMAs, the PGD, and below it every
 * page-table page the process has allocated, reached as the MMU reaches it
 * (xv6's walk(), without allocating). Each table is a node named by the path
 * of indexes that reaches it (pgd192_pud0_pmd0 is the PTE table under
 * PGD[192] -> PUD[0] -> PMD[0]); its non-empty entries are rows, each with
 * its port, and runs of empty entries are folded into one row. A PTE row
 * shows the entry's virtual address, raw value and decoded bits
 * (viz_describe_pte, as the trace prints them), with an arrow to the frame it
 * maps, to the zero page, or to the swap entry it holds. Dotted arrows join
 * each VMA to the PTE tables that map it.
 *
 * The whole table is walked, not only the VMAs' ranges, so tables left
 * behind (free_pgtables keeps a table another VMA still shares) are drawn.
 * Table addresses are host pointers and never appear.
 */
#include "dot_parts.h"
#include "dot_views.h"
#include "pte_text.h"

#include <string.h>

struct pt_draw {
	struct dot_graph *g;
	const char *prefix;
	struct dotv_refs *refs;
	GArray *pte_tables; /* unsigned long: first address of each PTE table drawn */
	GPtrArray *column;  /* ids of the mm and the upper tables: one column */
};

/* Per level, PGD (3) to PTE (0): shift of one entry, table name, id part. */
static const struct {
	unsigned int shift;
	const char *name;
	const char *id;
} level[] = {
	[3] = { PGDIR_SHIFT, "PGD", "pgd" },
	[2] = { PUD_SHIFT, "PUD table", "pud" },
	[1] = { PMD_SHIFT, "PMD table", "pmd" },
	[0] = { PAGE_SHIFT, "PTE table", "pte" },
};

static const u64 *entry_table(u64 entry)
{
	return (const u64 *)(uintptr_t)(entry & PTE_PFN_MASK);
}

static unsigned int table_used(const u64 *table)
{
	unsigned int n = 0;

	for (int i = 0; i < PTRS_PER_PTE; i++)
		n += table[i] != 0;
	return n;
}

/* The path of the table under entry @i of the table at @lvl whose path is @path. */
static char *child_path(const char *path, int lvl, int i)
{
	if (lvl == 3)
		return g_strdup_printf("pgd%d", i);
	return g_strdup_printf("%s_%s%d", path, level[lvl].id, i);
}

static void empty_row(struct pt_draw *d, struct dot_node *n, int first, int last)
{
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *key = g_strdup_printf("empty%d", first);

	if (first == last)
		dot_cell(row, "BGCOLOR=\"" DOTV_FILL_EMPTY "\"", "[%d]", first);
	else
		dot_cell(row, "BGCOLOR=\"" DOTV_FILL_EMPTY "\"", "[%d..%d]", first, last);
	dot_cell(row, DOTV_BG(DOTV_FILL_EMPTY) " COLSPAN=\"3\"", "empty");
	dot_row(n, key, DOT_ROW_QUIET, row->str);
	d->refs->used |= DOTV_USED_EMPTY;
}

/* The fill of a PTE's row, noting what the legend must explain. */
static const char *pte_fill(struct pt_draw *d, pte_t pte)
{
	unsigned *used = &d->refs->used;

	if (is_swap_pte(pte))
		return DOTV_FILL_SWAP; /* dotv_ref_swap notes it */
	if (pte_protnone(pte)) {
		*used |= DOTV_USED_PROTNONE;
		return DOTV_FILL_PROTNONE;
	}
	if (is_zero_pfn(pte_pfn(pte))) {
		*used |= DOTV_USED_ZERO;
		return DOTV_FILL_ZERO;
	}
	*used |= DOTV_USED_PRESENT | (pte_dirty(pte) ? DOTV_USED_DIRTY : 0);
	return pte_dirty(pte) ? DOTV_FILL_DIRTY : DOTV_FILL_PRESENT;
}

/* One non-empty PTE: a row, and an arrow to the frame or swap entry. */
static void pte_row(struct pt_draw *d, struct dot_node *n, const char *id, int i,
		    unsigned long addr, pte_t pte)
{
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *attrs =
		g_strdup_printf(DOTV_BG("%s") " PORT=\"e%d\"", pte_fill(d, pte), i);
	g_autofree char *tail = g_strdup_printf("%s:e%d:e", id, i);
	char key[16], meaning[96], head[48];

	viz_describe_pte(pte_val(pte), meaning, sizeof(meaning));
	dot_cell(row, NULL, "[%d]", i);
	dot_cell_mono(row, NULL, "%012lx", addr);
	dot_cell_mono(row, NULL, "0x%016llx", (unsigned long long)pte_val(pte));
	dot_cell(row, attrs, "%s", meaning);
	g_snprintf(key, sizeof(key), "e%d", i);
	dot_row(n, key, 0, row->str);
	if (is_swap_pte(pte)) {
		swp_entry_t entry = swp_entry(__swp_pte_type(pte), __swp_pte_offset(pte));

		dotv_ref_swap(d->refs, entry);
		dotv_swap_id(head, sizeof(head), entry);
		dot_edge(d->g, tail, head, DOTV_EDGE_SWAP);
		return;
	}
	dotv_ref_pfn(d->refs, pte_pfn(pte));
	dotv_pfn_id(head, sizeof(head), pte_pfn(pte));
	dot_edge(d->g, tail, head, DOTV_EDGE_PTE);
}

/*
 * An arrow between two tables of the column (mm, PGD, PUD and PMD tables
 * stand in one column: the same rank). Graphviz lays such "flat" arrows out
 * reliably only from node to node (the row names the table below), and
 * keeps the column top-down only if the arrow is given upwards and drawn
 * backwards (dir=back).
 */
static void column_edge(struct dot_graph *g, const char *upper, const char *lower)
{
	dot_edge(g, lower, upper, DOTV_EDGE_TABLE ", dir=back");
}

/* One entry of an upper-level table: a row pointing to the table below. */
static void upper_row(struct pt_draw *d, struct dot_node *n, const char *id, int lvl, int i,
		      unsigned long base, const char *child)
{
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *attrs =
		g_strdup_printf(DOTV_BG(DOTV_FILL_LINK) " COLSPAN=\"2\" PORT=\"e%d\"", i);
	g_autofree char *head = g_strconcat(d->prefix, child, NULL);
	g_autofree char *tail = NULL;
	unsigned long size = 1UL << level[lvl].shift;
	char key[16];

	dot_cell(row, NULL, "[%d]", i);
	dot_cell_mono(row, NULL, "%012lx-%012lx", base, base + size - 1);
	dot_cell(row, attrs, "→ %s %s", level[lvl - 1].name, child);
	g_snprintf(key, sizeof(key), "e%d", i);
	dot_row(n, key, 0, row->str);
	if (lvl == 1) {
		tail = g_strdup_printf("%s:e%d:e", id, i);
		dot_edge(d->g, tail, head, DOTV_EDGE_TABLE);
		return;
	}
	column_edge(d->g, id, head);
}

static void draw_table(struct pt_draw *d, const u64 *table, int lvl, unsigned long base,
		       const char *path);

/* The rows of one table, then the tables below it, in index order. */
static void table_rows(struct pt_draw *d, struct dot_node *n, const u64 *table, int lvl,
		       unsigned long base, const char *path, const char *id)
{
	int run = -1;

	for (int i = 0; i <= PTRS_PER_PTE; i++) {
		unsigned long addr = base + ((unsigned long)i << level[lvl].shift);

		if (i < PTRS_PER_PTE && !table[i]) {
			if (run < 0)
				run = i;
			continue;
		}
		if (run >= 0)
			empty_row(d, n, run, i - 1);
		run = -1;
		if (i == PTRS_PER_PTE)
			break;
		if (lvl == 0) {
			pte_row(d, n, id, i, addr, __pte(table[i]));
		} else {
			g_autofree char *child = child_path(path, lvl, i);

			upper_row(d, n, id, lvl, i, addr, child);
		}
	}
	for (int i = 0; lvl > 0 && i < PTRS_PER_PTE; i++) {
		g_autofree char *child = NULL;

		if (!table[i])
			continue;
		child = child_path(path, lvl, i);
		draw_table(d, entry_table(table[i]), lvl - 1,
			   base + ((unsigned long)i << level[lvl].shift), child);
	}
}

static void draw_table(struct pt_draw *d, const u64 *table, int lvl, unsigned long base,
		       const char *path)
{
	g_autofree char *id = g_strconcat(d->prefix, path, NULL);
	g_autofree char *name = NULL, *header = NULL;
	unsigned long span = 1UL << (level[lvl].shift + 9);
	struct dot_node *n;

	if (lvl == 3) {
		name = g_strdup("PGD (mm->pgd)");
		header = g_strdup_printf("PGD (mm->pgd) · %u of 512 used", table_used(table));
	} else {
		name = g_strdup_printf("%s %s", level[lvl].name, path);
		header = g_strdup_printf("%s %s · %012lx-%012lx · %u of 512 used",
					 level[lvl].name, path, base, base + span - 1,
					 table_used(table));
	}
	n = dot_table(d->g, id, name, header, DOTV_HDR_TABLE, 4, NULL);
	if (lvl == 0)
		g_array_append_val(d->pte_tables, base);
	else
		g_ptr_array_add(d->column, g_strdup(id));
	table_rows(d, n, table, lvl, base, path, id);
}

static void vma_row(struct dot_node *n, const struct vm_area_struct *vma)
{
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *port = g_strdup_printf("v%lx", vma->vm_start);
	g_autofree char *attrs = g_strdup_printf("ALIGN=\"LEFT\" PORT=\"%s\"", port);
	unsigned long f = vma->vm_flags;
	char perms[5] = { f & VM_READ ? 'r' : '-', f & VM_WRITE ? 'w' : '-',
			  f & VM_EXEC ? 'x' : '-', f & VM_MAYSHARE ? 's' : 'p', 0 };

	dot_cell_mono(row, NULL, "%012lx-%012lx", vma->vm_start, vma->vm_end);
	if (vma->vm_file)
		dot_cell(row, attrs, "%s %s +%#lx · %lu pages", perms, vma->vm_file->f_inode->path,
			 vma->vm_pgoff << PAGE_SHIFT, vma_pages(vma));
	else
		dot_cell(row, attrs, "%s anon · %lu pages", perms, vma_pages(vma));
	dot_row(n, port, 0, row->str);
}

/* The mm_struct: its PGD pointer, page-table and RSS counts, and its VMAs. */
static struct dot_node *mm_node(struct pt_draw *d, struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *id = g_strconcat(d->prefix, "mm", NULL);
	g_autofree char *who = dotv_task_name(t);
	g_autofree char *name = g_strdup_printf("mm_struct of %s", who);
	g_autofree char *header = g_strdup_printf("mm_struct of pid %d", t->pid);
	struct dot_node *n = dot_table(d->g, id, name, header, DOTV_HDR_MM, 2, NULL);

	dot_cell(row, "ALIGN=\"LEFT\"", "pgd");
	dot_cell(row, DOTV_BG(DOTV_FILL_LINK) " PORT=\"pgd\"",
		 "→ PGD · %ld tables below it (%ld kB)", mm->pgtables_bytes / (long)PAGE_SIZE,
		 mm->pgtables_bytes >> 10);
	dot_row(n, "pgd", 0, row->str);
	g_string_truncate(row, 0);
	dot_cell(row, "ALIGN=\"LEFT\"", "RSS");
	dot_cell(row, "ALIGN=\"LEFT\"", "anon %ld kB · file %ld kB · shmem %ld kB · swap %ld kB",
		 mm->rss_stat[MM_ANONPAGES] * 4, mm->rss_stat[MM_FILEPAGES] * 4,
		 mm->rss_stat[MM_SHMEMPAGES] * 4, mm->rss_stat[MM_SWAPENTS] * 4);
	dot_row(n, "rss", 0, row->str);
	for (const struct vm_area_struct *vma = mm->mmap; vma; vma = vma->vm_next)
		vma_row(n, vma);
	return n;
}

/* A dotted arrow from each VMA to every PTE table covering part of it. */
static void vma_edges(struct pt_draw *d, struct mm_struct *mm)
{
	for (const struct vm_area_struct *vma = mm->mmap; vma; vma = vma->vm_next) {
		for (guint i = 0; i < d->pte_tables->len; i++) {
			unsigned long base = g_array_index(d->pte_tables, unsigned long, i);
			g_autofree char *tail = NULL, *head = NULL;

			if (base >= vma->vm_end || base + PMD_SIZE <= vma->vm_start)
				continue;
			tail = g_strdup_printf("%smm:v%lx:e", d->prefix, vma->vm_start);
			head = g_strdup_printf("%spgd%lu_pud%lu_pmd%lu", d->prefix, pgd_index(base),
					       pud_index(base), pmd_index(base));
			dot_edge(d->g, tail, head,
				 "color=\"#283593\", style=dotted, constraint=false, "
				 "arrowhead=none");
		}
	}
}

/* The upper tables and the mm, top-down in one column, left of the PTE tables. */
static void walk_tables(struct pt_draw *d, struct task_struct *t)
{
	g_autofree char *mm = g_strconcat(d->prefix, "mm", NULL);
	g_autofree char *pgd = g_strconcat(d->prefix, "pgd", NULL);

	mm_node(d, t);
	g_ptr_array_add(d->column, g_strdup(mm));
	draw_table(d, (const u64 *)t->mm->pgd, 3, 0, "pgd");
	column_edge(d->g, mm, pgd);
	vma_edges(d, t->mm);
	g_ptr_array_add(d->column, NULL);
	dot_same_rank(d->g, (const char *const *)d->column->pdata);
}

/*
 * The process is a cluster: besides grouping, it is what keeps the column
 * top-down (graphviz orders the flat arrows of a rank inside a cluster as
 * given; tests/test_dot.c checks it for every lesson).
 */
void dotv_pagetables(struct dot_graph *g, struct task_struct *t, const char *prefix,
		     struct dotv_refs *refs)
{
	struct pt_draw d = { g, prefix, refs, g_array_new(FALSE, FALSE, sizeof(unsigned long)),
			     g_ptr_array_new_with_free_func(g_free) };
	g_autofree char *cluster = g_strdup_printf("cluster_p%d", t->pid);
	g_autofree char *label = dotv_task_name(t);

	dot_cluster_begin(g, cluster, label, "style=\"rounded\"; color=\"#283593\"");
	if (t->mm) {
		refs->used |= DOTV_USED_TABLES;
		walk_tables(&d, t);
	} else {
		g_autofree char *id = g_strconcat(prefix, "mm", NULL);
		g_autoptr(GString) row = g_string_new(NULL);
		struct dot_node *n =
			dot_table(g, id, "mm_struct", "mm_struct", DOTV_HDR_MM, 1, NULL);

		dot_cell(row, NULL, "the process has exited: no address space");
		dot_row(n, "exited", 0, row->str);
	}
	dot_cluster_end(g);
	g_array_free(d.pte_tables, TRUE);
	g_ptr_array_free(d.column, TRUE);
}

struct dot_graph *viz_dot_pagetable(struct sim_machine *m, struct task_struct *t,
				    const char *title)
{
	struct dot_graph *g = dot_graph_new("pagetable", title);
	struct dotv_refs refs;
	struct dot_node *legend;

	dot_graph_attr(g, "rankdir=LR");
	dot_graph_attr(g, "newrank=true");
	dotv_refs_init(&refs, m);
	dotv_pagetables(g, t, "", &refs);
	dotv_draw_refs(g, &refs);
	legend = dot_legend_begin(g);
	dot_legend_kind(legend, DOTV_HDR_MM, "mm_struct", "the process: its PGD and VMAs");
	dotv_legend_ptes(legend, refs.used);
	dotv_legend_frames(legend, refs.used);
	dotv_legend_swap(legend, refs.used);
	if (refs.used & DOTV_USED_TABLES)
		dot_legend_edge(legend, "#283593", "dotted", "a VMA and the PTE tables mapping it");
	dotv_refs_fini(&refs);
	return g;
}
