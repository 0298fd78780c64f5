// SPDX-License-Identifier: GPL-2.0
/*
 * dot_cache.c - the `cache` diagram: one object's page-cache tree.
 *
 * The root (mapping->i_pages) with its counts, then each radix_tree_node in
 * the order radix_tree_walk_nodes visits them (parents first, by index).
 * A node is named by its depth and first index (node_d0_40); its occupied
 * slots are rows, runs of empty slots fold into one row. A slot holds one of
 * (radix-tree.h draws the bits):
 *
 *	a page		arrow to its frame; the row says the tags it carries
 *	a child node	arrow to the node (interior nodes)
 *	exceptional	its raw value, and what it means: shmem's swap entry
 *			(arrow to the swap entry) or a file's shadow entry
 *
 * With @xarray the same state is drawn in the XArray encoding of Linux 4.20
 * and later (radix_entry_to_xa_entry): value entries carry bit 0 instead of
 * bit 1. Pages and node pointers are never printed as numbers (they are
 * host pointers); only values are.
 */
#include "dot_parts.h"
#include "dot_views.h"

#include <string.h>

struct cache_draw {
	struct dot_graph *g;
	struct inode *inode;
	struct sim_machine *m;
	bool xarray;
	const char *prefix;
	struct dotv_refs *refs;
};

static char *node_id(const struct cache_draw *d, unsigned int depth, unsigned long first)
{
	return g_strdup_printf("%snode_d%u_%lx", d->prefix, depth, first);
}

static const char *const tag_names[RADIX_TREE_MAX_TAGS] = {
	[PAGECACHE_TAG_DIRTY] = "dirty",
	[PAGECACHE_TAG_WRITEBACK] = "writeback",
	[PAGECACHE_TAG_TOWRITE] = "towrite",
};

/* " · tags dirty towrite" for slot @i of @node, or "". */
static void append_tags(GString *out, const struct radix_tree_node *node, unsigned int i)
{
	bool any = false;

	for (int t = 0; t < RADIX_TREE_MAX_TAGS; t++) {
		if (!(node->tags[t][0] & (1UL << i)))
			continue;
		g_string_append_printf(out, "%s%s", any ? " " : " · tagged ", tag_names[t]);
		any = true;
	}
}

/* What an exceptional entry means, and the edge it gets (to a swap entry). */
static void exceptional_meaning(struct cache_draw *d, GString *text, const void *entry,
				const char *tail)
{
	if (d->inode->kind == SIM_INODE_SHMEM) {
		swp_entry_t swp = radix_to_swp_entry(entry);
		char head[48];

		g_string_append_printf(text, "swap entry %u:%#lx", swp_type(swp),
				       (unsigned long)swp_offset(swp));
		dotv_ref_swap(d->refs, swp);
		dotv_swap_id(head, sizeof(head), swp);
		dot_edge(d->g, tail, head, DOTV_EDGE_SWAP);
	} else {
		int memcg, nid;
		unsigned long eviction;

		unpack_shadow(entry, &memcg, &nid, &eviction, 0);
		g_string_append_printf(text, "shadow: evicted at %lu (node %d, memcg %d)",
				       eviction, nid, memcg);
	}
}

/*
 * The value and meaning cells of a leaf entry (@node NULL for root->rnode),
 * with the port @port on the meaning; the edge from @tail.
 */
static void entry_cells(struct cache_draw *d, GString *row, const void *entry,
			const struct radix_tree_node *node, unsigned int slot, const char *port,
			const char *tail)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_autofree char *attrs = NULL;
	unsigned long pfn;
	bool dirty;
	char head[32];

	if (radix_tree_exceptional_entry(entry)) {
		unsigned long raw =
			(unsigned long)(d->xarray ? radix_entry_to_xa_entry(entry) : entry);

		exceptional_meaning(d, text, entry, tail);
		bool swap = d->inode->kind == SIM_INODE_SHMEM;

		d->refs->used |= swap ? DOTV_USED_C_SWAP : DOTV_USED_C_SHADOW;
		attrs = g_strdup_printf(DOTV_BG("%s") " PORT=\"%s\"",
					swap ? DOTV_FILL_SWAP : DOTV_FILL_SHADOW, port);
		dot_cell_mono(row, NULL, "0x%016lx", raw);
		dot_cell(row, attrs, "%s: %s", d->xarray ? "value" : "exceptional", text->str);
		return;
	}
	pfn = page_to_pfn(d->m, entry);
	dirty = PageDirty((const struct page *)entry);
	d->refs->used |= DOTV_USED_C_PAGE | (dirty ? DOTV_USED_C_DIRTY : 0);
	g_string_append_printf(text, "page pfn %#lx", pfn);
	if (node)
		append_tags(text, node, slot);
	attrs = g_strdup_printf(DOTV_BG("%s") " PORT=\"%s\"",
				dirty ? DOTV_FILL_DIRTY : DOTV_FILL_PRESENT, port);
	dot_cell(row, NULL, "struct page *");
	dot_cell(row, attrs, "%s", text->str);
	dotv_ref_pfn(d->refs, pfn);
	dotv_pfn_id(head, sizeof(head), pfn);
	dot_edge(d->g, tail, head, DOTV_EDGE_SLOT);
}

static void empty_slots(struct cache_draw *d, struct dot_node *n, unsigned int first,
			unsigned int last)
{
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *key = g_strdup_printf("empty%u", first);

	if (first == last)
		dot_cell(row, "BGCOLOR=\"" DOTV_FILL_EMPTY "\"", "[%u]", first);
	else
		dot_cell(row, "BGCOLOR=\"" DOTV_FILL_EMPTY "\"", "[%u..%u]", first, last);
	dot_cell(row, DOTV_BG(DOTV_FILL_EMPTY) " COLSPAN=\"3\"", "empty");
	dot_row(n, key, DOT_ROW_QUIET, row->str);
	d->refs->used |= DOTV_USED_EMPTY;
}

/* One occupied slot of @node: a child node (interior) or an entry (leaf). */
static void slot_row(struct cache_draw *d, struct dot_node *n, const char *id,
		     const struct radix_tree_node *node, unsigned long first, unsigned int depth,
		     unsigned int i)
{
	g_autoptr(GString) row = g_string_new(NULL);
	unsigned long index = first + ((unsigned long)i << node->shift);
	g_autofree char *tail = g_strdup_printf("%s:s%u:e", id, i);
	char port[16];

	g_snprintf(port, sizeof(port), "s%u", i);
	dot_cell(row, NULL, "[%u]", i);
	if (node->shift) {
		g_autofree char *child = node_id(d, depth + 1, index);
		g_autofree char *attrs =
			g_strdup_printf(DOTV_BG(DOTV_FILL_LINK) " COLSPAN=\"2\" PORT=\"%s\"", port);

		dot_cell_mono(row, NULL, "%#lx-%#lx", index,
			      index + (1UL << node->shift) - 1);
		dot_cell(row, attrs, "→ %s", d->xarray ? "xa_node" : "radix_tree_node");
		dot_edge(d->g, tail, child, DOTV_EDGE_SLOT);
	} else {
		dot_cell_mono(row, NULL, "index %#lx", index);
		entry_cells(d, row, node->slots[i], node, i, port, tail);
	}
	dot_row(n, port, 0, row->str);
}

static int draw_node(const struct radix_tree_node *node, unsigned long first, unsigned int depth,
		     void *data)
{
	struct cache_draw *d = data;
	unsigned int nslots = 1u << node->root->map_shift;
	unsigned long span = (unsigned long)nslots << node->shift;
	g_autofree char *id = node_id(d, depth, first);
	g_autofree char *name = g_strdup_printf("%s %#lx-%#lx",
						d->xarray ? "xa_node" : "radix_tree_node", first,
						first + span - 1);
	g_autofree char *header = g_strdup_printf("%s · shift %u · count %u · %s %u", name,
						  node->shift, node->count,
						  d->xarray ? "nr_values" : "exceptional",
						  node->exceptional);
	struct dot_node *n = dot_table(d->g, id, name, header, DOTV_HDR_RADIX, 4, NULL);
	int run = -1;

	for (unsigned int i = 0; i <= nslots; i++) {
		if (i < nslots && !node->slots[i]) {
			if (run < 0)
				run = (int)i;
			continue;
		}
		if (run >= 0)
			empty_slots(d, n, (unsigned int)run, i - 1);
		run = -1;
		if (i < nslots)
			slot_row(d, n, id, node, first, depth, i);
	}
	return 0;
}

static void root_info(struct dot_node *n, const char *key, const char *label, const char *text)
{
	g_autoptr(GString) row = g_string_new(NULL);

	dot_cell(row, "ALIGN=\"LEFT\"", "%s", label);
	dot_cell(row, "ALIGN=\"LEFT\" COLSPAN=\"2\"", "%s", text);
	dot_row(n, key, 0, row->str);
}

/* The root's slot: empty, the top node, or the lone entry at index 0. */
static void root_slot(struct cache_draw *d, struct dot_node *n, const char *id)
{
	const struct radix_tree_root *root = &d->inode->i_data.i_pages;
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *tail = g_strdup_printf("%s:rnode:e", id);

	dot_cell(row, "ALIGN=\"LEFT\"", d->xarray ? "xa_head" : "rnode");
	if (!root->rnode) {
		dot_cell(row, DOTV_BG(DOTV_FILL_EMPTY) " COLSPAN=\"2\" PORT=\"rnode\"",
			 "empty (NULL)");
	} else if (radix_tree_is_internal_node(root->rnode)) {
		g_autofree char *top = node_id(d, 0, 0);

		dot_cell(row, DOTV_BG(DOTV_FILL_LINK) " COLSPAN=\"2\" PORT=\"rnode\"", "→ %s",
			 d->xarray ? "xa_node" : "radix_tree_node");
		dot_edge(d->g, tail, top, DOTV_EDGE_SLOT);
	} else {
		entry_cells(d, row, root->rnode, NULL, 0, "rnode", tail);
	}
	dot_row(n, "rnode", 0, row->str);
}

static struct dot_node *root_node(struct cache_draw *d, const char *name)
{
	const struct address_space *mapping = &d->inode->i_data;
	const struct radix_tree_root *root = &mapping->i_pages;
	g_autofree char *id = g_strconcat(d->prefix, "root", NULL);
	g_autofree char *who = dotv_inode_name(d->inode, name);
	g_autofree char *header = g_strdup_printf("%s: i_pages", who);
	g_autofree char *text = NULL;
	g_autoptr(GString) tags = g_string_new(NULL);
	struct dot_node *n = dot_table(d->g, id, header, header, DOTV_HDR_RADIX, 3, NULL);

	text = g_strdup_printf("%llu bytes (%lu pages)", (unsigned long long)d->inode->i_size,
			       (unsigned long)i_size_pages(d->inode));
	root_info(n, "size", "i_size", text);
	g_free(text);
	text = g_strdup_printf("%lu pages · %lu %s", mapping->nrpages, mapping->nrexceptional,
			       d->xarray ? "value entries" : "exceptional entries");
	root_info(n, "counts", "nrpages", text);
	g_free(text);
	text = g_strdup_printf("height %u · %u slots per node · %s", radix_tree_height(root),
			       1u << root->map_shift,
			       d->xarray ? "XArray encoding (Linux 4.20 and later)"
					 : "radix tree encoding (Linux 4.19 and before)");
	root_info(n, "tree", "tree", text);
	for (unsigned int t = 0; t < RADIX_TREE_MAX_TAGS; t++)
		if (radix_tree_tagged(root, t))
			g_string_append_printf(tags, "%s%s", tags->len ? " " : "", tag_names[t]);
	root_info(n, "tags", "root tags", tags->len ? tags->str : "none");
	root_slot(d, n, id);
	return n;
}

void dotv_cache_tree(struct dot_graph *g, struct inode *inode, const char *name, bool xarray,
		     const char *prefix, struct dotv_refs *refs)
{
	struct cache_draw d = { g, inode, inode->sim, xarray, prefix, refs };

	refs->used |= DOTV_USED_RADIX;
	root_node(&d, name);
	if (radix_tree_is_internal_node(inode->i_data.i_pages.rnode))
		radix_tree_walk_nodes(&inode->i_data.i_pages, draw_node, &d);
}

struct dot_graph *viz_dot_cache(struct sim_machine *m, struct inode *inode, const char *name,
				bool xarray, const char *title)
{
	struct dot_graph *g = dot_graph_new("cache", title);
	struct dotv_refs refs;
	struct dot_node *legend;

	dot_graph_attr(g, "rankdir=LR");
	dotv_refs_init(&refs, m);
	dotv_cache_tree(g, inode, name, xarray, "", &refs);
	dotv_draw_refs(g, &refs);
	legend = dot_legend_begin(g);
	dotv_legend_cache(legend, xarray, refs.used);
	dotv_legend_frames(legend, refs.used);
	dotv_legend_swap(legend, refs.used);
	dotv_refs_fini(&refs);
	return g;
}
