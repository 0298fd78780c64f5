// SPDX-License-Identifier: GPL-2.0
/*
 * dot_parts.c - what the diagram views share (dot_parts.h): the frames and
 * swap entries a view points at, their nodes, names and legend items.
 *
 * A frame node says what the frame holds (anonymous memory of an anon_vma,
 * a page of a file's page cache, the zero page), its reference and map
 * counts, its LRU list and its PG_* flags, as /proc/kpageflags and
 * `show frames` do. A swap entry is drawn as a node of its own, named by
 * type and offset; the device behind it arrives with swap.
 */
#include "dot_parts.h"
#include "swap.h"

#include <string.h>

static const char *const lru_names[NR_LRU_LISTS] = {
	[LRU_INACTIVE_ANON] = "inactive_anon", [LRU_ACTIVE_ANON] = "active_anon",
	[LRU_INACTIVE_FILE] = "inactive_file", [LRU_ACTIVE_FILE] = "active_file",
	[LRU_UNEVICTABLE] = "unevictable",
};

/* ---- what a view points at ---- */

void dotv_refs_init(struct dotv_refs *r, struct sim_machine *m)
{
	*r = (struct dotv_refs){ 0 };
	r->m = m;
	r->pfns = g_new0(bool, m->nr_frames);
	r->swaps = g_array_new(FALSE, FALSE, sizeof(swp_entry_t));
}

void dotv_refs_fini(struct dotv_refs *r)
{
	g_free(r->pfns);
	g_array_free(r->swaps, TRUE);
}

void dotv_ref_pfn(struct dotv_refs *r, unsigned long pfn)
{
	if (pfn < r->m->nr_frames)
		r->pfns[pfn] = true;
}

void dotv_ref_swap(struct dotv_refs *r, swp_entry_t entry)
{
	r->used |= DOTV_USED_SWAP;
	for (guint i = 0; i < r->swaps->len; i++)
		if (g_array_index(r->swaps, swp_entry_t, i).val == entry.val)
			return;
	g_array_append_val(r->swaps, entry);
}

static int cmp_swp(gconstpointer a, gconstpointer b)
{
	unsigned long x = ((const swp_entry_t *)a)->val, y = ((const swp_entry_t *)b)->val;

	return x < y ? -1 : x > y;
}

void dotv_pfn_id(char *buf, size_t len, unsigned long pfn)
{
	g_snprintf(buf, len, "pfn_%lu", pfn);
}

void dotv_swap_id(char *buf, size_t len, swp_entry_t entry)
{
	g_snprintf(buf, len, "swp_%u_%lu", swp_type(entry), (unsigned long)swp_offset(entry));
}

/* The page the swap cache holds for @entry, or NULL (a plain lookup: no hit counted). */
static struct page *swap_cache_page(struct sim_machine *m, swp_entry_t entry)
{
	if (!m->swap || swp_offset(entry) >= m->swap->max)
		return NULL;
	return radix_tree_lookup(&m->swap->cache, swp_offset(entry));
}

/* "count 2 · swap cache": what swap_map says of the slot. */
static void swap_map_text(struct sim_machine *m, swp_entry_t entry, char *buf, size_t len)
{
	unsigned char map;

	if (!m->swap || swp_offset(entry) >= m->swap->max) {
		g_snprintf(buf, len, "no such slot");
		return;
	}
	map = m->swap->swap_map[swp_offset(entry)];
	g_snprintf(buf, len, "swap_map 0x%02x: count %d%s", map, map & ~SWAP_HAS_CACHE,
		   map & SWAP_HAS_CACHE ? " + in swap cache" : "");
}

static void swap_node(struct dot_graph *g, struct sim_machine *m, swp_entry_t entry)
{
	g_autoptr(GString) row = g_string_new(NULL);
	char id[48], name[64], map[64];
	struct dot_node *n;

	dotv_swap_id(id, sizeof(id), entry);
	g_snprintf(name, sizeof(name), "swap entry %u:%#lx", swp_type(entry),
		   (unsigned long)swp_offset(entry));
	n = dot_table(g, id, name, name, DOTV_HDR_SWAP, 1, NULL);
	dot_cell(row, DOTV_BG(DOTV_FILL_SWAP), "device %u, slot %#lx", swp_type(entry),
		 (unsigned long)swp_offset(entry));
	dot_row(n, "slot", 0, row->str);
	g_string_truncate(row, 0);
	swap_map_text(m, entry, map, sizeof(map));
	dot_cell(row, DOTV_BG(DOTV_FILL_SWAP), "%s", map);
	dot_row(n, "map", 0, row->str);
}

/* A page in the swap cache is drawn with the swap entries that lead to it. */
static void ref_swap_cache(struct dotv_refs *r)
{
	for (guint i = 0; i < r->swaps->len; i++) {
		struct page *page = swap_cache_page(r->m, g_array_index(r->swaps, swp_entry_t, i));

		if (page)
			dotv_ref_pfn(r, page_to_pfn(r->m, page));
	}
}

static void swap_cache_edges(struct dot_graph *g, struct dotv_refs *r)
{
	for (guint i = 0; i < r->swaps->len; i++) {
		swp_entry_t entry = g_array_index(r->swaps, swp_entry_t, i);
		struct page *page = swap_cache_page(r->m, entry);
		char tail[48], head[32];

		if (!page)
			continue;
		r->used |= DOTV_USED_SWAPCACHE;
		dotv_swap_id(tail, sizeof(tail), entry);
		dotv_pfn_id(head, sizeof(head), page_to_pfn(r->m, page));
		dot_edge(g, tail, head, DOTV_EDGE_SWAPCACHE);
	}
}

void dotv_draw_refs(struct dot_graph *g, struct dotv_refs *r)
{
	bool any = false;

	unsigned long nr = 0;
	bool compact;

	g_array_sort(r->swaps, cmp_swp);
	ref_swap_cache(r);
	for (unsigned long pfn = 0; pfn < r->m->nr_frames; pfn++)
		nr += r->pfns[pfn];
	any = nr > 0;
	compact = nr > DOTV_FULL_FRAMES_MAX;
	if (compact)
		r->used |= DOTV_USED_F_COMPACT;
	if (any) {
		dot_cluster_begin(g, "cluster_frames", "frames (struct page, by pfn)",
				  "style=\"rounded\"; color=\"#9e9e9e\"");
		for (unsigned long pfn = 0; pfn < r->m->nr_frames; pfn++) {
			if (!r->pfns[pfn])
				continue;
			dotv_use_frame(r, pfn);
			dotv_frame_node(g, r->m, pfn, compact);
		}
		dot_cluster_end(g);
	}
	if (!r->swaps->len)
		return;
	dot_cluster_begin(g, "cluster_swap", "swap entries (swap device 0)",
			  "style=\"rounded,dashed\"; color=\"#6a1b9a\"");
	for (guint i = 0; i < r->swaps->len; i++)
		swap_node(g, r->m, g_array_index(r->swaps, swp_entry_t, i));
	dot_cluster_end(g);
	swap_cache_edges(g, r);
}

/* ---- frames ---- */

void dotv_use_frame(struct dotv_refs *r, unsigned long pfn)
{
	const struct page *page = &r->m->mem_map[pfn];
	const char *color = dotv_frame_color(r->m, pfn);

	if (PageDirty(page))
		r->used |= DOTV_USED_F_DIRTY;
	if (!strcmp(color, DOTV_HDR_ZERO))
		r->used |= DOTV_USED_F_ZERO;
	else if (!strcmp(color, DOTV_HDR_ANON))
		r->used |= DOTV_USED_F_ANON;
	else if (!strcmp(color, DOTV_HDR_FILE))
		r->used |= DOTV_USED_F_FILE;
	else if (!strcmp(color, DOTV_HDR_SHMEM))
		r->used |= DOTV_USED_F_SHMEM;
	else
		r->used |= DOTV_USED_F_OTHER;
}

const char *dotv_frame_color(struct sim_machine *m, unsigned long pfn)
{
	const struct page *page = &m->mem_map[pfn];

	if (is_zero_pfn(pfn))
		return DOTV_HDR_ZERO;
	if (PageAnon(page))
		return DOTV_HDR_ANON;
	if (page->mapping)
		return page->mapping->host->kind == SIM_INODE_SHMEM ? DOTV_HDR_SHMEM
								    : DOTV_HDR_FILE;
	return DOTV_HDR_OTHER;
}

const char *dotv_frame_kind(struct sim_machine *m, unsigned long pfn)
{
	const struct page *page = &m->mem_map[pfn];

	if (is_zero_pfn(pfn))
		return "zero page";
	if (PageAnon(page))
		return "anon";
	if (page->mapping)
		return page->mapping->host->kind == SIM_INODE_SHMEM ? "shmem" : "file";
	return PageSwapCache(page) ? "swap cache" : "no mapping";
}

/* What the frame holds: the zero page, anon memory of an anon_vma, page cache. */
static void frame_what(GString *row, struct sim_machine *m, unsigned long pfn)
{
	const struct page *page = &m->mem_map[pfn];

	if (is_zero_pfn(pfn))
		dot_cell(row, "ALIGN=\"LEFT\"", "the shared zero page");
	else if (PageAnon(page))
		dot_cell(row, "ALIGN=\"LEFT\"", "anon · anon_vma %u · index %#lx",
			 page_anon_vma(page)->sim_id, (unsigned long)page->index);
	else if (page->mapping)
		dot_cell(row, "ALIGN=\"LEFT\"", "%s %s · index %#lx", dotv_frame_kind(m, pfn),
			 page->mapping->host->path, (unsigned long)page->index);
	else if (PageSwapCache(page))
		dot_cell(row, "ALIGN=\"LEFT\"", "only in the swap cache (no mapping)");
	else
		dot_cell(row, "ALIGN=\"LEFT\"", "no mapping");
}

/* The PG_* flags, three to a line. */
static void frame_flags(GString *row, const struct page *page)
{
	int shown = 0;

	g_string_append_printf(row, "<TD ALIGN=\"LEFT\" BALIGN=\"LEFT\" BGCOLOR=\"%s\">",
			       PageDirty(page) ? DOTV_FILL_DIRTY : DOTV_FILL_PRESENT);
	for (int f = 0; f < __NR_PAGEFLAGS; f++) {
		if (!(page->flags & (1UL << f)))
			continue;
		if (shown)
			g_string_append(row, shown % 3 ? " " : "<BR/>");
		dot_escape(row, pageflag_names[f]);
		shown++;
	}
	if (!shown)
		g_string_append(row, "no flags");
	g_string_append(row, "</TD>");
}

/* A frame in one line: its pfn, what it holds and whether it is dirty. */
static void compact_frame_node(struct dot_graph *g, struct sim_machine *m, unsigned long pfn,
			       const char *id, const char *name)
{
	const struct page *page = &m->mem_map[pfn];
	g_autofree char *header = NULL;

	if (is_zero_pfn(pfn))
		header = g_strdup(name);
	else if (PageAnon(page) || page->mapping)
		header = g_strdup_printf("%s · %s %#lx%s", name, dotv_frame_kind(m, pfn),
					 (unsigned long)page->index,
					 PageDirty(page) ? " · dirty" : "");
	else
		header = g_strdup_printf("%s · %s%s", name, dotv_frame_kind(m, pfn),
					 PageDirty(page) ? " · dirty" : "");
	dot_table(g, id, name, header, dotv_frame_color(m, pfn), 1, NULL);
}

void dotv_frame_node(struct dot_graph *g, struct sim_machine *m, unsigned long pfn, bool compact)
{
	const struct page *page = &m->mem_map[pfn];
	g_autoptr(GString) row = g_string_new(NULL);
	char id[32], name[48];
	struct dot_node *n;

	dotv_pfn_id(id, sizeof(id), pfn);
	if (is_zero_pfn(pfn))
		g_snprintf(name, sizeof(name), "pfn 0x0: the zero page");
	else
		g_snprintf(name, sizeof(name), "pfn %#lx", pfn);
	if (compact) {
		compact_frame_node(g, m, pfn, id, name);
		return;
	}
	n = dot_table(g, id, name, name, dotv_frame_color(m, pfn), 1, NULL);
	frame_what(row, m, pfn);
	dot_row(n, "what", 0, row->str);
	g_string_truncate(row, 0);
	dot_cell(row, "ALIGN=\"LEFT\"", "refcount %d · mapcount %d%s%s", page_count(page),
		 page_mapcount(page), PageLRU(page) ? " · " : "",
		 PageLRU(page) ? lru_names[page_lru(page)] : "");
	dot_row(n, "counts", 0, row->str);
	g_string_truncate(row, 0);
	frame_flags(row, page);
	dot_row(n, "flags", 0, row->str);
	if (PageSwapCache(page)) {
		swp_entry_t entry = { page->private };

		g_string_truncate(row, 0);
		dot_cell(row, DOTV_BG(DOTV_FILL_SWAP), "swap cache: entry %u:%#lx", swp_type(entry),
			 (unsigned long)swp_offset(entry));
		dot_row(n, "swapcache", 0, row->str);
	}
}

struct dot_graph *viz_dot_message(const char *name, const char *title, const char *text)
{
	struct dot_graph *g = dot_graph_new(name, title);
	g_autoptr(GString) row = g_string_new(NULL);
	struct dot_node *n =
		dot_table(g, "message", "message", "nothing to draw", DOTV_HDR_OTHER, 1, NULL);

	dot_cell(row, NULL, "%s", text);
	dot_row(n, "text", 0, row->str);
	return g;
}

/* ---- names ---- */

char *dotv_task_name(const struct task_struct *t)
{
	return g_strdup_printf("process %s (pid %d)", t->comm, t->pid);
}

char *dotv_inode_name(const struct inode *inode, const char *name)
{
	const char *path = inode->path[0] == '/' ? inode->path + 1 : inode->path;

	if (name)
		return g_strdup_printf("%s: %s%s (inode %lu, %s)", name, path,
				       inode->i_nlink ? "" : " (deleted)", inode->i_ino,
				       inode->kind == SIM_INODE_SHMEM ? "tmpfs" : "ext4");
	return g_strdup_printf("%s%s (inode %lu, %s)", path, inode->i_nlink ? "" : " (deleted)",
			       inode->i_ino, inode->kind == SIM_INODE_SHMEM ? "tmpfs" : "ext4");
}

/* ---- legends ---- */

void dotv_legend_ptes(struct dot_node *l, unsigned used)
{
	if (used & DOTV_USED_TABLES)
		dot_legend_kind(l, DOTV_HDR_TABLE, "PTE table", "a page-table page (512 entries)");
	if (used & DOTV_USED_EMPTY)
		dot_legend_item(l, DOTV_FILL_EMPTY, "[a..b] empty",
				"empty entries or slots, folded");
	if (used & DOTV_USED_PRESENT)
		dot_legend_item(l, DOTV_FILL_PRESENT, "pfn 0x3 P RW US A NX",
				"maps frame 0x3: Present, Writable, USer, Accessed, No eXecute");
	if (used & DOTV_USED_DIRTY)
		dot_legend_item(l, DOTV_FILL_DIRTY, "pfn 0x3 ... D",
				"Dirty: written through this PTE");
	if (used & DOTV_USED_ZERO)
		dot_legend_item(l, DOTV_FILL_ZERO, "zero page",
				"maps the zero page, read-only (read before written)");
	if (used & DOTV_USED_PROTNONE)
		dot_legend_item(l, DOTV_FILL_PROTNONE, "protnone",
				"PROT_NONE: not present to the CPU, the frame is kept");
	if (used & DOTV_USED_SWAP)
		dot_legend_item(l, DOTV_FILL_SWAP, "swap 0:0x5",
				"not present: the page is on swap device 0, slot 0x5");
	if (used & DOTV_USED_TABLES)
		dot_legend_edge(l, "#37474f", NULL, "entry to the table or frame it points to");
}

void dotv_legend_swap(struct dot_node *l, unsigned used)
{
	if (used & DOTV_USED_SWAP) {
		dot_legend_kind(l, DOTV_HDR_SWAP, "swap entry 0:0x5",
				"a slot of the swap device and its swap_map count");
		dot_legend_edge(l, "#6a1b9a", "dashed", "swap entry to its slot");
	}
	if (used & DOTV_USED_SWAPCACHE)
		dot_legend_edge(l, "#6a1b9a", NULL, "the swap cache holds the slot's page");
}

void dotv_legend_frames(struct dot_node *l, unsigned used)
{
	if (used & DOTV_USED_F_ANON)
		dot_legend_kind(l, DOTV_HDR_ANON, "pfn 0x1", "frame of anonymous memory");
	if (used & DOTV_USED_F_FILE)
		dot_legend_kind(l, DOTV_HDR_FILE, "pfn 0x2",
				"frame in a regular file's page cache");
	if (used & DOTV_USED_F_SHMEM)
		dot_legend_kind(l, DOTV_HDR_SHMEM, "pfn 0x3",
				"frame in a tmpfs/shmem file's page cache");
	if (used & DOTV_USED_F_ZERO)
		dot_legend_kind(l, DOTV_HDR_ZERO, "pfn 0x0", "the zero page: one frame of zeroes");
	if (used & DOTV_USED_F_OTHER)
		dot_legend_kind(l, DOTV_HDR_OTHER, "pfn 0x4",
				"frame with no mapping (swap cache only)");
	if (used & DOTV_USED_F_DIRTY && !(used & DOTV_USED_F_COMPACT))
		dot_legend_item(l, DOTV_FILL_DIRTY, "dirty ...", "PG_dirty: to be written back");
	if (used & DOTV_USED_F_COMPACT)
		dot_legend_item(l, "#ffffff", "pfn 0x3 · anon 0x5",
				"many frames: each in one line (kind, index, dirty)");
}

void dotv_legend_cache(struct dot_node *l, bool xarray, unsigned used)
{
	if (used & DOTV_USED_RADIX)
		dot_legend_kind(l, DOTV_HDR_RADIX, xarray ? "xa_node" : "radix_tree_node",
				"a node of the page-cache tree: slots by index");
	if (used & DOTV_USED_C_PAGE)
		dot_legend_item(l, DOTV_FILL_PRESENT, "page pfn 0x3",
				"the slot holds a struct page *");
	if (used & DOTV_USED_C_DIRTY)
		dot_legend_item(l, DOTV_FILL_DIRTY, "page pfn 0x3",
				"... of a dirty page (PG_dirty)");
	if (used & DOTV_USED_C_SWAP)
		dot_legend_item(l, DOTV_FILL_SWAP, xarray ? "value: swap" : "exceptional: swap",
				xarray ? "a value entry (bit 0 set): shmem's swap entry"
				       : "an exceptional entry (bit 1 set): shmem's swap entry");
	if (used & DOTV_USED_C_SHADOW)
		dot_legend_item(l, DOTV_FILL_SHADOW,
				xarray ? "value: shadow" : "exceptional: shadow",
				"a shadow entry: when the evicted page left");
	if (used & DOTV_USED_RADIX)
		dot_legend_edge(l, "#00695c", NULL, "slot to the node or frame it points to");
}
