// SPDX-License-Identifier: GPL-2.0
/*
 * dot_swap.c - the `swap` diagram: the swap device's slots and the swap cache.
 *
 * One table for swap device 0 (node swap_0), one row per slot in use, in
 * offset order, with one port per slot (s1, s2, ...): the offset, the raw
 * swap_map byte, what it says (the count of swap PTEs and tmpfs slots that
 * hold the entry, + SWAP_HAS_CACHE when a page is in the swap cache for it)
 * and what the device holds there (written data, a zero-filled page noted in
 * the zeromap without I/O, or nothing yet). Slot 0, the swap header, is a
 * row of its own; runs of free slots fold into one row. From each slot
 * whose page is in the swap cache an arrow goes to that frame (pfn_N),
 * drawn with its flags (PG_dirty, PG_writeback, PG_swapcache).
 */
#include "dot_parts.h"
#include "dot_views.h"
#include "swap.h"

static void free_run(struct dot_node *n, unsigned long first, unsigned long last)
{
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *key = g_strdup_printf("free%lx", first);

	if (first == last)
		dot_cell_mono(row, DOTV_BG(DOTV_FILL_EMPTY), "%#lx", first);
	else
		dot_cell_mono(row, DOTV_BG(DOTV_FILL_EMPTY), "%#lx..%#lx", first, last);
	dot_cell(row, DOTV_BG(DOTV_FILL_EMPTY) " COLSPAN=\"3\"", "free");
	dot_row(n, key, DOT_ROW_QUIET, row->str);
}

/* What the device holds at @offset. */
static const char *slot_data(const struct swap_info_struct *si, unsigned long offset)
{
	if (si->zeromap && si->zeromap[offset])
		return "zero-filled (zeromap, no I/O)";
	if (si->data && si->data[offset])
		return "written";
	return "not written";
}

static void used_slot(struct dot_graph *g, struct dot_node *n, struct dotv_refs *refs,
		      const struct swap_info_struct *si, unsigned long offset)
{
	g_autoptr(GString) row = g_string_new(NULL);
	unsigned char map = si->swap_map[offset];
	struct page *page = radix_tree_lookup((struct radix_tree_root *)&si->cache, offset);
	char key[24], port[24], pfn_id[32], tail[48];

	g_snprintf(key, sizeof(key), "s%lx", offset);
	g_snprintf(port, sizeof(port), "PORT=\"s%lx\" " DOTV_BG(DOTV_FILL_SWAP), offset);
	dot_cell_mono(row, DOTV_BG(DOTV_FILL_SWAP), "%#lx", offset);
	dot_cell_mono(row, DOTV_BG(DOTV_FILL_SWAP), "0x%02x", map);
	dot_cell(row, DOTV_BG(DOTV_FILL_SWAP), "count %d%s", map & ~SWAP_HAS_CACHE,
		 map & SWAP_HAS_CACHE ? " + SWAP_HAS_CACHE" : "");
	dot_cell(row, port, "%s", slot_data(si, offset));
	dot_row(n, key, 0, row->str);
	if (!page)
		return;
	dotv_ref_pfn(refs, page_to_pfn(refs->m, page));
	dotv_pfn_id(pfn_id, sizeof(pfn_id), page_to_pfn(refs->m, page));
	g_snprintf(tail, sizeof(tail), "swap_0:s%lx:e", offset);
	dot_edge(g, tail, pfn_id, DOTV_EDGE_SWAPCACHE);
	refs->used |= DOTV_USED_SWAPCACHE;
}

struct dot_graph *viz_dot_swap(struct sim_machine *m, const char *title)
{
	const struct swap_info_struct *si = m->swap;
	struct dot_graph *g;
	struct dot_node *n, *legend;
	struct dotv_refs refs;
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *header = NULL;
	long run = -1;

	if (!si)
		return viz_dot_message("swap", title, "no swap device (config swap=0)");
	g = dot_graph_new("swap", title);
	dot_graph_attr(g, "rankdir=LR");
	dotv_refs_init(&refs, m);
	header = g_strdup_printf("swap device %u (%s) · %lu slots · inuse_pages %lu · "
				 "swap cache %lu", si->type,
				 si->synchronous ? "zram, SWP_SYNCHRONOUS_IO" : "disk",
				 si->max, si->inuse_pages, si->nr_cached);
	n = dot_table(g, "swap_0", "swap device 0", header, DOTV_HDR_SWAP, 4, NULL);
	dot_cell(row, NULL, "offset");
	dot_cell(row, NULL, "swap_map");
	dot_cell(row, NULL, "meaning");
	dot_cell(row, NULL, "on the device");
	dot_row(n, "columns", DOT_ROW_QUIET, row->str);
	g_string_truncate(row, 0);
	dot_cell_mono(row, DOTV_BG(DOTV_FILL_EMPTY), "0x0");
	dot_cell(row, DOTV_BG(DOTV_FILL_EMPTY) " COLSPAN=\"3\"",
		 "the swap header (never handed out)");
	dot_row(n, "header", DOT_ROW_QUIET, row->str);
	for (unsigned long off = 1; off <= si->max; off++) {
		if (off < si->max && !si->swap_map[off]) {
			if (run < 0)
				run = (long)off;
			continue;
		}
		if (run >= 0) {
			free_run(n, (unsigned long)run, off - 1);
			refs.used |= DOTV_USED_EMPTY;
		}
		run = -1;
		if (off < si->max)
			used_slot(g, n, &refs, si, off);
	}
	dotv_draw_refs(g, &refs);
	legend = dot_legend_begin(g);
	dot_legend_kind(legend, DOTV_HDR_SWAP, "swap device 0",
			"its slots by offset; swap_map is one byte per slot");
	dot_legend_item(legend, DOTV_FILL_SWAP, "count 1 + SWAP_HAS_CACHE",
			"a slot in use: count = swap PTEs and tmpfs slots holding its entry; "
			"SWAP_HAS_CACHE (0x40) = a page is in the swap cache for it");
	dot_legend_item(legend, DOTV_FILL_SWAP, "written",
			"the device holds the page's data (zero-filled: noted in the zeromap "
			"instead; not written: no data yet)");
	if (refs.used & DOTV_USED_EMPTY)
		dot_legend_item(legend, DOTV_FILL_EMPTY, "0x5..0x3f free", "free slots (swap_map 0)");
	if (refs.used & DOTV_USED_SWAPCACHE)
		dot_legend_edge(legend, "#6a1b9a", NULL,
				"the swap cache holds the slot's page (PG_swapcache)");
	dotv_legend_frames(legend, refs.used);
	dotv_refs_fini(&refs);
	return g;
}
