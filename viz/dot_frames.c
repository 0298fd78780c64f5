// SPDX-License-Identifier: GPL-2.0
/*
 * dot_frames.c - the `frames` diagram: physical memory and its reverse map.
 *
 * Left: every frame in use, one row each, grouped by the LRU list it is on
 * and in list order (head first: the next page reclaim takes is at the
 * bottom), then the frames on no list (the zero page). Each row gives the
 * frame's kind, what it belongs to (anon_vma and index, or file and index),
 * its counts and PG_* flags.
 *
 * Middle: the reverse-map structures the kernel walks to find who maps a
 * frame (mm/rmap.c): each anon_vma with its chain of VMAs (anon_vma_chain,
 * same_anon_vma), and each file's address_space with its i_mmap list.
 *
 * Right: every VMA of every process, with the PTEs that map frames drawn on
 * the left. An arrow goes from a frame to every PTE mapping it, found the
 * way reclaim finds them: rmap_walk() (through the anon_vma chain for an
 * anonymous page, through mapping->i_mmap for a page-cache page). The zero
 * page is mapped by special PTEs and has no reverse map.
 */
#include "dot_parts.h"
#include "dot_views.h"
#include "pte_text.h"

#include <string.h>

#define EDGE_RMAP_ANON "color=\"#6d4c41\", style=dashed, penwidth=2"
#define EDGE_RMAP_FILE "color=\"#33691e\", style=dashed, penwidth=2"
#define EDGE_CHAIN "color=\"#ad1457\""

static const char *const lru_names[NR_LRU_LISTS] = {
	[LRU_INACTIVE_ANON] = "inactive_anon", [LRU_ACTIVE_ANON] = "active_anon",
	[LRU_INACTIVE_FILE] = "inactive_file", [LRU_ACTIVE_FILE] = "active_file",
	[LRU_UNEVICTABLE] = "unevictable",
};

/* A PTE that maps a frame, as rmap_walk reported it. */
struct hit {
	const struct vm_area_struct *vma;
	unsigned long addr;
	unsigned long pfn;
};

struct frames_draw {
	struct dot_graph *g;
	struct sim_machine *m;
	GArray *hits; /* struct hit, in frame order then rmap order */
	struct dotv_refs refs; /* only for refs.used: the kinds of frame drawn */
};

static char *vma_id(const struct vm_area_struct *vma)
{
	return g_strdup_printf("p%d_vma_%lx", vma->vm_mm->owner->pid, vma->vm_start);
}

/* ---- frames, by LRU list ---- */

static bool record_hit(struct page *page, struct vm_area_struct *vma, unsigned long addr,
		       void *arg)
{
	struct frames_draw *d = arg;
	struct hit h = { vma, addr, page_to_pfn(d->m, page) };

	g_array_append_val(d->hits, h);
	return true;
}

/* The frame's row, and its reverse-map arrows to the PTEs mapping it. */
static void frame_row(struct frames_draw *d, struct dot_node *n, const char *table,
		      unsigned long pfn)
{
	struct page *page = &d->m->mem_map[pfn];
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *head_attrs =
		g_strdup_printf("BGCOLOR=\"%s\"", dotv_frame_color(d->m, pfn));
	g_autofree char *tail = g_strdup_printf("%s:f%lu:e", table, pfn);
	g_autofree char *what = NULL;
	char key[24];
	guint first = d->hits->len;

	if (is_zero_pfn(pfn))
		what = g_strdup("the zero page (special PTEs: no reverse map)");
	else if (PageAnon(page))
		what = g_strdup_printf("anon · anon_vma %u · index %#lx",
				       page_anon_vma(page)->sim_id, (unsigned long)page->index);
	else if (page->mapping)
		what = g_strdup_printf("%s %s · index %#lx", dotv_frame_kind(d->m, pfn),
				       page->mapping->host->path, (unsigned long)page->index);
	else
		what = g_strdup("no mapping");
	g_string_append_printf(row, "<TD %s><FONT COLOR=\"white\"><B>", head_attrs);
	g_string_append_printf(row, "pfn 0x%lx</B></FONT></TD>", pfn);
	dot_cell(row, "ALIGN=\"LEFT\"", "%s", what);
	dot_cell(row, NULL, "ref %d · map %d", page_count(page), page_mapcount(page));
	g_string_append_printf(row, "<TD ALIGN=\"LEFT\" BGCOLOR=\"%s\" PORT=\"f%lu\">",
			       PageDirty(page) ? DOTV_FILL_DIRTY : DOTV_FILL_PRESENT, pfn);
	for (int f = 0, shown = 0; f < __NR_PAGEFLAGS; f++) {
		if (!(page->flags & (1UL << f)) || f == PG_lru)
			continue;
		g_string_append_printf(row, "%s%s", shown++ ? " " : "", pageflag_names[f]);
	}
	g_string_append(row, "</TD>");
	g_snprintf(key, sizeof(key), "f%lu", pfn);
	dot_row(n, key, 0, row->str);
	dotv_use_frame(&d->refs, pfn);

	if (!is_zero_pfn(pfn) && page->mapping)
		rmap_walk(d->m, page, record_hit, d);
	for (guint i = first; i < d->hits->len; i++) {
		struct hit *h = &g_array_index(d->hits, struct hit, i);
		g_autofree char *vma = vma_id(h->vma);
		g_autofree char *head = g_strdup_printf("%s:a%lx:w", vma, h->addr);

		dot_edge(d->g, tail, head, PageAnon(page) ? EDGE_RMAP_ANON : EDGE_RMAP_FILE);
	}
}

static void lru_table(struct frames_draw *d, enum lru_list lru)
{
	struct list_head *head = &d->m->lru[lru];
	g_autofree char *id = g_strdup_printf("lru_%s", lru_names[lru]);
	g_autofree char *header = NULL;
	struct list_head *pos;
	struct dot_node *n;
	unsigned long nr = 0;

	if (list_empty(head))
		return;
	list_for_each(pos, head)
		nr++;
	header = g_strdup_printf("LRU list %s · %lu pages · head first, reclaim takes the last",
				 lru_names[lru], nr);
	n = dot_table(d->g, id, header, header, "#455a64", 4, NULL);
	list_for_each(pos, head)
		frame_row(d, n, id, page_to_pfn(d->m, list_entry(pos, struct page, lru)));
}

/* Frames in use that are on no LRU list (the zero page, pages being moved). */
static void other_frames(struct frames_draw *d)
{
	struct dot_node *n = NULL;

	for (unsigned long pfn = 0; pfn < d->m->nr_frames; pfn++) {
		const struct page *page = &d->m->mem_map[pfn];

		if (PageBuddy(page) || PageLRU(page))
			continue;
		if (!n)
			n = dot_table(d->g, "lru_none", "frames on no LRU list",
				      "frames on no LRU list", "#455a64", 4, NULL);
		frame_row(d, n, "lru_none", pfn);
	}
}

/* ---- reverse-map structures ---- */

static void chain_row(struct frames_draw *d, struct dot_node *n, const char *id, int k,
		      const struct vm_area_struct *vma)
{
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *port = g_strdup_printf("c%d", k);
	g_autofree char *attrs = g_strdup_printf("ALIGN=\"LEFT\" PORT=\"%s\"", port);
	g_autofree char *tail = g_strdup_printf("%s:%s:e", id, port);
	g_autofree char *head = vma_id(vma);

	dot_cell(row, attrs, "%s · VMA %012lx-%012lx", vma->vm_mm->owner->comm, vma->vm_start,
		 vma->vm_end);
	dot_row(n, port, 0, row->str);
	dot_edge(d->g, tail, head, EDGE_CHAIN);
}

static int cmp_anon_vma(gconstpointer a, gconstpointer b)
{
	const struct anon_vma *x = *(struct anon_vma *const *)a, *y = *(struct anon_vma *const *)b;

	return x->sim_id < y->sim_id ? -1 : x->sim_id > y->sim_id;
}

/* Every anon_vma a live VMA is linked to, by id. */
static GPtrArray *collect_anon_vmas(struct sim_machine *m)
{
	GPtrArray *avs = g_ptr_array_new();
	struct task_struct *t;

	list_for_each_entry(t, &m->tasks, tasks) {
		for (struct vm_area_struct *vma = t->mm ? t->mm->mmap : NULL; vma;
		     vma = vma->vm_next) {
			struct anon_vma_chain *avc;

			list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
				if (!g_ptr_array_find(avs, avc->anon_vma, NULL))
					g_ptr_array_add(avs, avc->anon_vma);
		}
	}
	g_ptr_array_sort(avs, cmp_anon_vma);
	return avs;
}

static void anon_vma_nodes(struct frames_draw *d)
{
	g_autoptr(GPtrArray) avs = collect_anon_vmas(d->m);

	for (guint i = 0; i < avs->len; i++) {
		const struct anon_vma *av = avs->pdata[i];
		g_autofree char *id = g_strdup_printf("anon_vma_%u", av->sim_id);
		g_autofree char *header = g_strdup_printf("anon_vma %u · root %u%s", av->sim_id,
							  av->root->sim_id,
							  av->parent ? " · has a parent" : "");
		g_autofree char *name = g_strdup_printf("anon_vma %u", av->sim_id);
		struct dot_node *n = dot_table(d->g, id, name, header, DOTV_HDR_RMAP, 1, NULL);
		struct anon_vma_chain *avc;
		int k = 0;

		list_for_each_entry(avc, &av->rb_root, same_anon_vma)
			chain_row(d, n, id, k++, avc->vma);
	}
}

static void i_mmap_nodes(struct frames_draw *d)
{
	struct inode *inode;

	list_for_each_entry(inode, &d->m->inodes, i_sb_list) {
		const struct address_space *mapping = &inode->i_data;
		g_autofree char *id = NULL, *who = NULL, *header = NULL;
		struct vm_area_struct *vma;
		struct dot_node *n;
		int k = 0;

		if (list_empty(&mapping->i_mmap))
			continue;
		id = g_strdup_printf("i_mmap_%lu", inode->i_ino);
		who = dotv_inode_name(inode, NULL);
		header = g_strdup_printf("%s: i_mmap", who);
		n = dot_table(d->g, id, header, header, DOTV_HDR_RMAP, 1, NULL);
		list_for_each_entry(vma, &mapping->i_mmap, shared)
			chain_row(d, n, id, k++, vma);
	}
}

/* ---- VMAs and the PTEs the reverse map found ---- */

static int cmp_hit_addr(gconstpointer a, gconstpointer b)
{
	const struct hit *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void vma_node(struct frames_draw *d, const struct task_struct *t,
		     const struct vm_area_struct *vma)
{
	g_autofree char *id = vma_id(vma);
	g_autofree char *header = g_strdup_printf("%s · VMA %012lx-%012lx", t->comm, vma->vm_start,
						  vma->vm_end);
	g_autoptr(GArray) mine = g_array_new(FALSE, FALSE, sizeof(struct hit));
	g_autoptr(GString) row = g_string_new(NULL);
	struct dot_node *n = dot_table(d->g, id, header, header, DOTV_HDR_MM, 3, NULL);

	for (guint i = 0; i < d->hits->len; i++)
		if (g_array_index(d->hits, struct hit, i).vma == vma)
			g_array_append_val(mine, g_array_index(d->hits, struct hit, i));
	g_array_sort(mine, cmp_hit_addr);
	for (guint i = 0; i < mine->len; i++) {
		const struct hit *h = &g_array_index(mine, struct hit, i);
		pte_t pte = *sim_lookup_pte(vma->vm_mm, h->addr);
		g_autofree char *port = g_strdup_printf("a%lx", h->addr);
		g_autofree char *attrs = g_strdup_printf("PORT=\"%s\"", port);
		char meaning[96];

		viz_describe_pte(pte_val(pte), meaning, sizeof(meaning));
		g_string_truncate(row, 0);
		dot_cell_mono(row, attrs, "%012lx", h->addr);
		dot_cell_mono(row, NULL, "0x%016llx", (unsigned long long)pte_val(pte));
		dot_cell(row, pte_dirty(pte) ? DOTV_BG(DOTV_FILL_DIRTY) : "ALIGN=\"LEFT\"", "%s",
			 meaning);
		dot_row(n, port, 0, row->str);
	}
	if (!mine->len) {
		dot_cell(row, "COLSPAN=\"3\"", "maps none of these frames");
		dot_row(n, "none", 0, row->str);
	}
}

static void vma_nodes(struct frames_draw *d)
{
	struct task_struct *t;

	list_for_each_entry(t, &d->m->tasks, tasks) {
		g_autofree char *cluster = NULL, *label = NULL;

		if (!t->mm)
			continue;
		cluster = g_strdup_printf("cluster_p%d", t->pid);
		label = dotv_task_name(t);
		dot_cluster_begin(d->g, cluster, label, "style=\"rounded\"; color=\"#283593\"");
		for (struct vm_area_struct *vma = t->mm->mmap; vma; vma = vma->vm_next)
			vma_node(d, t, vma);
		dot_cluster_end(d->g);
	}
}

struct dot_graph *viz_dot_frames(struct sim_machine *m, const char *title)
{
	struct dot_graph *g = dot_graph_new("frames", title);
	struct frames_draw d = { .g = g, .m = m,
				 .hits = g_array_new(FALSE, FALSE, sizeof(struct hit)) };
	struct dot_node *legend;

	dot_graph_attr(g, "rankdir=LR");
	dotv_refs_init(&d.refs, m);
	dot_cluster_begin(g, "cluster_memmap", "frames in use, by LRU list",
			  "style=\"rounded\"; color=\"#9e9e9e\"");
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		lru_table(&d, (enum lru_list)lru);
	other_frames(&d);
	dot_cluster_end(g);
	dot_cluster_begin(g, "cluster_rmap", "reverse maps: anon_vma chains and i_mmap lists",
			  "style=\"rounded\"; color=\"#ad1457\"");
	anon_vma_nodes(&d);
	i_mmap_nodes(&d);
	dot_cluster_end(g);
	vma_nodes(&d);
	g_array_free(d.hits, TRUE);

	legend = dot_legend_begin(g);
	dotv_legend_frames(legend, d.refs.used);
	dotv_refs_fini(&d.refs);
	dot_legend_kind(legend, DOTV_HDR_RMAP, "anon_vma", "the VMAs that may map its anon pages");
	dot_legend_kind(legend, DOTV_HDR_MM, "VMA", "a VMA and its PTEs that map these frames");
	if (d.refs.used & DOTV_USED_F_ANON)
		dot_legend_edge(legend, "#6d4c41", "dashed",
				"reverse map of an anon page (anon_vma chain)");
	if (d.refs.used & (DOTV_USED_F_FILE | DOTV_USED_F_SHMEM))
		dot_legend_edge(legend, "#33691e", "dashed",
				"reverse map of a page-cache page (i_mmap)");
	dot_legend_edge(legend, "#ad1457", NULL, "a chain or i_mmap entry: a VMA to search");
	return g;
}
