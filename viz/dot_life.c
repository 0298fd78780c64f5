// SPDX-License-Identifier: GPL-2.0
/*
 * dot_life.c - the `life` diagram: how an anonymous page, a page of a
 * regular file and a tmpfs page are each reclaimed and restored.
 *
 * Built from the run of a scenario, not drawn by hand. The recorder
 * (sim/cli/dot.c) tells it which mappings to follow (the first mapping of
 * each kind a process makes: private anonymous, a regular file, tmpfs/shmem),
 * every statement that ran, and each snapshot; at a snapshot each followed
 * page (the first page of its mapping) is described in short words and raw
 * values from the model: its PTE, and when the PTE is empty the page-cache
 * slot of the file, and for a swap entry the slot's count on the device and
 * whether the swap cache holds the page. At the end one graph: a row per
 * kind, a column per snapshot (ids life_anon_1, life_file_2, ...), and
 * arrows between consecutive cells labelled with the statements that moved
 * the page (those naming its mapping or its object, and those that name
 * nothing: writeback, reclaim).
 */
#include "dot_parts.h"
#include "dot_views.h"
#include "pte_text.h"
#include "swap.h"

#include <string.h>

enum life_kind { LIFE_ANON, LIFE_FILE, LIFE_SHMEM, NR_LIFE_KINDS };

static const char *const kind_ids[NR_LIFE_KINDS] = { "anon", "file", "shmem" };
static const char *const kind_words[NR_LIFE_KINDS] = {
	"anonymous page", "file page", "tmpfs (shmem) page"
};
static const char *const kind_hdr[NR_LIFE_KINDS] = {
	DOTV_HDR_ANON, DOTV_HDR_FILE, DOTV_HDR_SHMEM
};

enum life_state { LS_NONE, LS_PRESENT, LS_DIRTY, LS_SWAP, LS_SHADOW };

static const char *const state_fill[] = {
	[LS_NONE] = DOTV_FILL_EMPTY, [LS_PRESENT] = DOTV_FILL_PRESENT,
	[LS_DIRTY] = DOTV_FILL_DIRTY, [LS_SWAP] = DOTV_FILL_SWAP, [LS_SHADOW] = DOTV_FILL_SHADOW,
};

struct life_cell {
	GPtrArray *lines;      /* char *: the lines of the cell */
	enum life_state state;
	char *via;	       /* the statements since the previous snapshot, or NULL */
};

struct life_row {
	bool tracked;
	char *proc, *map, *obj; /* the scenario's names: process, mapping, object (or NULL) */
	unsigned long start;	/* the mapping's first address */
	GString *pending;	/* relevant statements since the last snapshot */
};

struct viz_life {
	struct life_row rows[NR_LIFE_KINDS];
	GPtrArray *titles;		      /* char *: the snapshots' texts */
	GPtrArray *cells[NR_LIFE_KINDS];      /* struct life_cell * per snapshot */
};

static void free_cell(gpointer p)
{
	struct life_cell *c = p;

	g_ptr_array_free(c->lines, TRUE);
	g_free(c->via);
	g_free(c);
}

struct viz_life *viz_life_new(void)
{
	struct viz_life *l = g_new0(struct viz_life, 1);

	l->titles = g_ptr_array_new_with_free_func(g_free);
	for (int k = 0; k < NR_LIFE_KINDS; k++) {
		l->cells[k] = g_ptr_array_new_with_free_func(free_cell);
		l->rows[k].pending = g_string_new(NULL);
	}
	return l;
}

void viz_life_free(struct viz_life *l)
{
	if (!l)
		return;
	for (int k = 0; k < NR_LIFE_KINDS; k++) {
		g_free(l->rows[k].proc);
		g_free(l->rows[k].map);
		g_free(l->rows[k].obj);
		g_string_free(l->rows[k].pending, TRUE);
		g_ptr_array_free(l->cells[k], TRUE);
	}
	g_ptr_array_free(l->titles, TRUE);
	g_free(l);
}

static enum life_kind vma_kind(const struct vm_area_struct *vma)
{
	if (!vma->vm_file)
		return LIFE_ANON;
	return file_inode(vma->vm_file)->kind == SIM_INODE_SHMEM ? LIFE_SHMEM : LIFE_FILE;
}

void viz_life_track(struct viz_life *l, const struct vm_area_struct *vma, const char *proc,
		    const char *map, const char *obj)
{
	struct life_row *r = &l->rows[vma_kind(vma)];

	if (r->tracked)
		return;
	r->tracked = true;
	r->proc = g_strdup(proc);
	r->map = g_strdup(map);
	r->obj = g_strdup(obj);
	r->start = vma->vm_start;
	/* mapped after some snapshots: those columns say so */
	for (guint i = 0; i < l->titles->len; i++) {
		struct life_cell *c = g_new0(struct life_cell, 1);

		c->lines = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(c->lines, g_strdup("not mapped yet"));
		g_ptr_array_add(l->cells[vma_kind(vma)], c);
	}
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

void viz_life_statement(struct viz_life *l, const char *proc, const char *ref, const char *name,
			const char *object, const char *src)
{
	for (int k = 0; k < NR_LIFE_KINDS; k++) {
		struct life_row *r = &l->rows[k];
		bool mine = (same(ref, r->map) && (!proc || same(proc, r->proc))) ||
			    same(name, r->obj) || same(object, r->obj) || same(ref, r->obj);

		if (!r->tracked || !(mine || (!ref && !name && !object)))
			continue;
		g_string_append_printf(r->pending, "%s%s", r->pending->len ? "\n" : "", src);
	}
}

static void add_line(struct life_cell *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void add_line(struct life_cell *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(c->lines, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

/* "in swap cache (writeback)", "in swap cache (clean)", or NULL. */
static const char *swap_cache_words(const struct page *page)
{
	if (!page)
		return NULL;
	if (PageWriteback(page))
		return "in swap cache (writeback)";
	return PageDirty(page) ? "in swap cache (dirty)" : "in swap cache (clean)";
}

/* "slot count 1," and "in swap cache (writeback)" or "on the device only". */
static void swap_slot_line(struct life_cell *c, struct sim_machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = m->swap;
	unsigned long off = swp_offset(entry);
	const struct page *page;

	if (!si || off >= si->max) {
		add_line(c, "slot: no such slot");
		return;
	}
	page = radix_tree_lookup(&si->cache, off);
	add_line(c, "slot count %d,", si->swap_map[off] & ~SWAP_HAS_CACHE);
	add_line(c, "%s", page ? swap_cache_words(page) : "on the device only");
}

static void present_page(struct life_cell *c, struct sim_machine *m, unsigned long pfn)
{
	const struct page *page = pfn_to_page(m, pfn);
	bool dirty = PageDirty(page);

	if (PageSwapCache(page)) {
		swp_entry_t e = page_swp_entry(page);

		add_line(c, "page %s, also in swap cache", dirty ? "dirty" : "clean");
		add_line(c, "(slot 0:%#lx, swap_map %#04x)", (unsigned long)swp_offset(e),
			 m->swap ? m->swap->swap_map[swp_offset(e)] : 0);
	} else {
		add_line(c, "page %s%s", dirty ? "dirty" : "clean",
			 PageWriteback(page) ? ", under writeback" : "");
	}
	if (dirty)
		c->state = LS_DIRTY;
}

static void cache_slot(struct life_cell *c, struct sim_machine *m,
		       const struct vm_area_struct *vma)
{
	struct inode *inode = file_inode(vma->vm_file);
	unsigned long index = vma->vm_pgoff;
	void *entry = radix_tree_lookup(&inode->i_data.i_pages, index);

	if (!entry) {
		add_line(c, "slot [%lu]: empty", index);
		return;
	}
	if (radix_tree_exceptional_entry(entry)) {
		if (inode->kind == SIM_INODE_SHMEM) {
			swp_entry_t e = radix_to_swp_entry(entry);

			add_line(c, "slot [%lu]: exceptional %#lx", index, (unsigned long)entry);
			add_line(c, "= swap 0:%#lx", (unsigned long)swp_offset(e));
			swap_slot_line(c, m, e);
			c->state = LS_SWAP;
		} else {
			int memcg, nid;
			unsigned long eviction;

			unpack_shadow(entry, &memcg, &nid, &eviction, 0);
			add_line(c, "slot [%lu]: shadow %#lx", index, (unsigned long)entry);
			add_line(c, "(evicted at %lu)", eviction);
			c->state = LS_SHADOW;
		}
		return;
	}
	add_line(c, "slot [%lu]: page pfn %#lx", index, page_to_pfn(m, entry));
	add_line(c, "page %s (not mapped)", PageDirty((struct page *)entry) ? "dirty" : "clean");
	c->state = PageDirty((struct page *)entry) ? LS_DIRTY : LS_PRESENT;
}

/* Keep the words that tell the story: "pfn 0x9 P RW US A D NX" -> "pfn 0x9 P RW D". */
static const char *short_pte(char *text, size_t len)
{
	gchar **words = g_strsplit(text, " ", -1);
	GString *out = g_string_new(NULL);

	for (int i = 0; words[i]; i++) {
		bool keep = strcmp(words[i], "P") == 0 || strcmp(words[i], "RW") == 0 ||
			    strcmp(words[i], "D") == 0 || strcmp(words[i], "pfn") == 0 ||
			    (i && strcmp(words[i - 1], "pfn") == 0);

		if (keep)
			g_string_append_printf(out, "%s%s", out->len ? " " : "", words[i]);
	}
	g_strlcpy(text, out->str, len);
	g_string_free(out, TRUE);
	g_strfreev(words);
	return text;
}

struct task_struct *viz_find_task(struct sim_machine *m, const char *name)
{
	struct task_struct *t;

	list_for_each_entry(t, &m->tasks, tasks)
		if (strncmp(t->comm, name, sizeof(t->comm) - 1) == 0)
			return t;
	return NULL;
}

static struct life_cell *describe(struct sim_machine *m, const struct life_row *r)
{
	struct life_cell *c = g_new0(struct life_cell, 1);
	struct task_struct *t = viz_find_task(m, r->proc);
	struct vm_area_struct *vma;
	pte_t *ptep;
	pte_t pte = __pte(0);
	char text[96];

	c->lines = g_ptr_array_new_with_free_func(g_free);
	c->state = LS_NONE;
	if (!t || !t->mm) {
		add_line(c, "process %s is gone", r->proc);
		return c;
	}
	vma = find_vma(t->mm, r->start);
	if (!vma || vma->vm_start > r->start) {
		add_line(c, "not mapped");
		return c;
	}
	ptep = sim_lookup_pte(t->mm, r->start);
	if (ptep)
		pte = *ptep;
	if (pte_present(pte)) {
		viz_describe_pte(pte_val(pte), text, sizeof(text));
		add_line(c, "PTE: %s", short_pte(text, sizeof(text)));
		c->state = pte_dirty(pte) ? LS_DIRTY : LS_PRESENT;
		present_page(c, m, pte_pfn(pte));
	} else if (!pte_none(pte)) {
		swp_entry_t e = pte_to_swp_entry(pte);

		add_line(c, "PTE: swap 0:%#lx", (unsigned long)swp_offset(e));
		swap_slot_line(c, m, e);
		c->state = LS_SWAP;
	} else if (vma->vm_file) {
		add_line(c, "PTE: none");
		cache_slot(c, m, vma);
	} else {
		add_line(c, "PTE: none (no page)");
	}
	return c;
}

void viz_life_snapshot(struct viz_life *l, struct sim_machine *m, const char *title)
{
	g_ptr_array_add(l->titles, g_strdup(title));
	for (int k = 0; k < NR_LIFE_KINDS; k++) {
		struct life_row *r = &l->rows[k];
		struct life_cell *c;

		if (!r->tracked)
			continue;
		c = describe(m, r);
		c->via = r->pending->len ? g_strdup(r->pending->str) : NULL;
		g_string_truncate(r->pending, 0);
		g_ptr_array_add(l->cells[k], c);
	}
}

static bool same_cell(const struct life_cell *a, const struct life_cell *b)
{
	if (a->lines->len != b->lines->len)
		return false;
	for (guint i = 0; i < a->lines->len; i++)
		if (strcmp(a->lines->pdata[i], b->lines->pdata[i]) != 0)
			return false;
	return true;
}

static void row_label(struct dot_graph *g, const struct life_row *r, int k)
{
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *id = g_strdup_printf("row_%s", kind_ids[k]);
	struct dot_node *n = dot_table(g, id, kind_words[k], kind_words[k], kind_hdr[k], 1, NULL);

	dot_cell(row, "ALIGN=\"LEFT\"", "%s: %s[0]%s%s", r->proc, r->map, r->obj ? " of " : "",
		 r->obj ? r->obj : "");
	dot_row(n, "name", 0, row->str);
	g_string_truncate(row, 0);
	dot_cell_mono(row, "ALIGN=\"LEFT\"", "%#lx", r->start);
	dot_row(n, "addr", 0, row->str);
}

struct dot_graph *viz_life_graph(struct viz_life *l, const char *title)
{
	struct dot_graph *g;
	struct dot_node *legend;
	int nrows = 0;

	for (int k = 0; k < NR_LIFE_KINDS; k++)
		nrows += l->rows[k].tracked;
	if (!nrows || !l->titles->len)
		return viz_dot_message("life", title,
				       "no anonymous, file or tmpfs mapping to follow");
	g = dot_graph_new("life", title);
	dot_graph_attr(g, "rankdir=LR");
	/* column 0: the kinds; then a column per snapshot, its title on top */
	for (guint s = 0; s <= l->titles->len; s++) {
		g_autofree char *col = g_strdup_printf("col_%u", s);
		g_autoptr(GString) row = g_string_new(NULL);
		g_autofree char *head = s ? g_strdup_printf("%u. %s", s,
							    (char *)l->titles->pdata[s - 1])
					  : g_strdup("the first page of");
		GPtrArray *rank = g_ptr_array_new_with_free_func(g_free);

		(void)row;
		/* declared last kind first: dot stacks a rank of a left-to-right graph bottom-up */
		for (int k = NR_LIFE_KINDS - 1; k >= 0; k--) {
			struct life_cell *c;
			g_autofree char *id = NULL;
			struct dot_node *cn;

			if (!l->rows[k].tracked)
				continue;
			if (!s) {
				row_label(g, &l->rows[k], k);
				g_ptr_array_add(rank, g_strdup_printf("row_%s", kind_ids[k]));
				continue;
			}
			c = l->cells[k]->pdata[s - 1];
			id = g_strdup_printf("life_%s_%u", kind_ids[k], s);
			cn = dot_table(g, id, id, kind_words[k], kind_hdr[k], 1, NULL);
			for (guint i = 0; i < c->lines->len; i++) {
				g_autoptr(GString) line = g_string_new(NULL);
				g_autofree char *key = g_strdup_printf("l%u", i);
				g_autofree char *attrs =
					g_strdup_printf(DOTV_BG("%s"), state_fill[c->state]);

				dot_cell_mono(line, attrs, "%s", (char *)c->lines->pdata[i]);
				dot_row(cn, key, 0, line->str);
			}
			g_ptr_array_add(rank, g_strdup(id));
		}
		/* the column's title, declared last: on top */
		dot_node_nodiff(dot_table(g, col, head, head, DOTV_HDR_TABLE, 1, NULL));
		g_ptr_array_add(rank, g_strdup(col));
		g_ptr_array_add(rank, NULL);
		dot_same_rank(g, (const char *const *)rank->pdata);
		g_ptr_array_free(rank, TRUE);
	}
	for (guint s = 0; s < l->titles->len; s++) {
		g_autofree char *a = g_strdup_printf("col_%u", s);
		g_autofree char *b = g_strdup_printf("col_%u", s + 1);

		dot_edge(g, a, b, "style=invis");
	}
	for (int k = 0; k < NR_LIFE_KINDS; k++) {
		if (!l->rows[k].tracked)
			continue;
		for (guint s = 0; s < l->titles->len; s++) {
			g_autofree char *a = s ? g_strdup_printf("life_%s_%u", kind_ids[k], s)
					       : g_strdup_printf("row_%s", kind_ids[k]);
			g_autofree char *b = g_strdup_printf("life_%s_%u", kind_ids[k], s + 1);
			struct life_cell *c = l->cells[k]->pdata[s];
			struct life_cell *p = s ? l->cells[k]->pdata[s - 1] : NULL;
			g_autoptr(GString) attrs = g_string_new(NULL);

			if (!s) {
				dot_edge(g, a, b, "color=\"#9e9e9e\"");
				continue;
			}
			if (same_cell(c, p)) {
				dot_edge(g, a, b, "color=\"#9e9e9e\", style=dotted, "
						  "label=\"unchanged\", fontcolor=\"#757575\"");
				continue;
			}
			g_string_append(attrs, "color=\"#e65100\", penwidth=2.5, fontsize=16, "
					       "label=<");
			if (c->via) {
				gchar **parts = g_strsplit(c->via, "\n", -1);

				for (int i = 0; parts[i]; i++) {
					if (i)
						g_string_append(attrs, "<BR/>");
					dot_escape(attrs, parts[i]);
				}
				g_strfreev(parts);
			} else {
				g_string_append(attrs, "(other statements)");
			}
			g_string_append(attrs, ">");
			dot_edge(g, a, b, attrs->str);
		}
	}
	legend = dot_legend_begin(g);
	dot_legend_kind(legend, DOTV_HDR_ANON, "anonymous page", "private anonymous memory");
	dot_legend_kind(legend, DOTV_HDR_FILE, "file page", "a regular file's page-cache page");
	dot_legend_kind(legend, DOTV_HDR_SHMEM, "tmpfs (shmem) page", "a tmpfs (memfd) page");
	dot_legend_item(legend, DOTV_FILL_PRESENT, "PTE: pfn 0x3 P", "in memory, clean");
	dot_legend_item(legend, DOTV_FILL_DIRTY, "page dirty", "in memory, dirty");
	dot_legend_item(legend, DOTV_FILL_SWAP, "swap 0:0x1",
			"a swap entry (in the PTE, or in tmpfs's page-cache slot)");
	dot_legend_item(legend, DOTV_FILL_SHADOW, "shadow",
			"a shadow entry: the file page was evicted; only the file has the data");
	dot_legend_item(legend, DOTV_FILL_EMPTY, "PTE: none", "no page and no entry");
	dot_legend_edge(legend, "#e65100", NULL, "the statements that moved the page");
	dot_legend_edge(legend, "#9e9e9e", "dotted", "nothing changed for this page");
	return g;
}
