// SPDX-License-Identifier: GPL-2.0
/*
 * dot.c - the DOT writer of the diagram views (dot.h).
 *
 * The graph is kept as lists in insertion order (clusters, nodes, edges) and
 * printed in that order, so equal graphs print equal bytes. The printed form
 * follows LLVM's GraphWriter skeleton: header (graph, node and edge
 * defaults), nodes cluster by cluster, edges, footer. Nodes are HTML-like
 * tables (graphviz: "the record-based shape has largely been superseded"),
 * one row per slot with the row's port.
 *
 * --diff compares by identity: a node by its id, a row by its key within the
 * node, an edge by its two ends. What is new or changed is highlighted (a
 * halo for a new node, a marker cell for a new or changed row, a thick edge);
 * what is gone is drawn ghosted under its old name. Hash tables are only
 * used to look things up, never iterated, so the output order stays the
 * insertion order.
 */
#include "dot.h"

#include <stdarg.h>
#include <string.h>

/* What --diff draws with. */
#define DIFF_HALO "#ffd400"	/* a new node: a thick yellow frame around it */
#define DIFF_MARK "#ffd400"	/* a new or changed row: a yellow marker cell */
#define DIFF_EDGE "#e6550d"	/* a new or changed edge: thick orange */
#define DIFF_GHOST "#a0a0a0"	/* gone: grey and dashed */

struct dot_row {
	char *key;
	unsigned flags;
	char *cells;
};

struct dot_node {
	char *id;
	char *name;
	char *header;
	char *header_bg;
	char *attrs;
	int ncols;
	int cluster; /* index in graph->clusters, -1 for the top level */
	bool nodiff;
	GPtrArray *rows;
};

struct dot_edge {
	char *tail, *head, *attrs;
	char *key; /* "tail -> head" */
};

struct dot_cluster {
	char *id, *label, *attrs;
	int parent;
};

struct dot_graph {
	char *name, *title;
	GPtrArray *attrs;
	GPtrArray *clusters;
	GPtrArray *nodes;
	GPtrArray *edges;
	GPtrArray *ranks; /* "{rank=same; a; b;}" lines */
	int current; /* the open cluster, -1 for none */
};

/* ---- escaping and cells ---- */

void dot_escape(GString *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '&':
			g_string_append(out, "&amp;");
			break;
		case '<':
			g_string_append(out, "&lt;");
			break;
		case '>':
			g_string_append(out, "&gt;");
			break;
		case '"':
			g_string_append(out, "&quot;");
			break;
		case '\'':
			g_string_append(out, "&#39;");
			break;
		default:
			g_string_append_c(out, *p);
		}
	}
}

static void append_cell(GString *row, const char *attrs, bool mono, const char *fmt, va_list ap)
{
	g_autofree char *text = g_strdup_vprintf(fmt, ap);

	g_string_append(row, "<TD");
	if (attrs) {
		g_string_append_c(row, ' ');
		g_string_append(row, attrs);
	}
	g_string_append_c(row, '>');
	if (mono)
		g_string_append(row, "<FONT FACE=\"" DOT_MONO "\">");
	dot_escape(row, text);
	if (mono)
		g_string_append(row, "</FONT>");
	g_string_append(row, "</TD>");
}

void dot_cell(GString *row, const char *attrs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_cell(row, attrs, false, fmt, ap);
	va_end(ap);
}

void dot_cell_mono(GString *row, const char *attrs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_cell(row, attrs, true, fmt, ap);
	va_end(ap);
}

/* ---- building ---- */

static void free_row(gpointer p)
{
	struct dot_row *r = p;

	g_free(r->key);
	g_free(r->cells);
	g_free(r);
}

static void free_node(gpointer p)
{
	struct dot_node *n = p;

	g_free(n->id);
	g_free(n->name);
	g_free(n->header);
	g_free(n->header_bg);
	g_free(n->attrs);
	g_ptr_array_free(n->rows, TRUE);
	g_free(n);
}

static void free_edge(gpointer p)
{
	struct dot_edge *e = p;

	g_free(e->tail);
	g_free(e->head);
	g_free(e->attrs);
	g_free(e->key);
	g_free(e);
}

static void free_cluster(gpointer p)
{
	struct dot_cluster *c = p;

	g_free(c->id);
	g_free(c->label);
	g_free(c->attrs);
	g_free(c);
}

struct dot_graph *dot_graph_new(const char *name, const char *title)
{
	struct dot_graph *g = g_new0(struct dot_graph, 1);

	g->name = g_strdup(name);
	g->title = g_strdup(title);
	g->attrs = g_ptr_array_new_with_free_func(g_free);
	g->clusters = g_ptr_array_new_with_free_func(free_cluster);
	g->nodes = g_ptr_array_new_with_free_func(free_node);
	g->edges = g_ptr_array_new_with_free_func(free_edge);
	g->ranks = g_ptr_array_new_with_free_func(g_free);
	g->current = -1;
	return g;
}

void dot_graph_free(struct dot_graph *g)
{
	if (!g)
		return;
	g_free(g->name);
	g_free(g->title);
	g_ptr_array_free(g->attrs, TRUE);
	g_ptr_array_free(g->clusters, TRUE);
	g_ptr_array_free(g->nodes, TRUE);
	g_ptr_array_free(g->edges, TRUE);
	g_ptr_array_free(g->ranks, TRUE);
	g_free(g);
}

void dot_graph_attr(struct dot_graph *g, const char *attr)
{
	g_ptr_array_add(g->attrs, g_strdup(attr));
}

void dot_cluster_begin(struct dot_graph *g, const char *id, const char *label, const char *attrs)
{
	struct dot_cluster *c = g_new0(struct dot_cluster, 1);

	g_assert(g_str_has_prefix(id, "cluster_"));
	c->id = g_strdup(id);
	c->label = g_strdup(label);
	c->attrs = g_strdup(attrs);
	c->parent = g->current;
	g_ptr_array_add(g->clusters, c);
	g->current = (int)g->clusters->len - 1;
}

void dot_cluster_end(struct dot_graph *g)
{
	g_assert(g->current >= 0);
	g->current = ((struct dot_cluster *)g->clusters->pdata[g->current])->parent;
}

struct dot_node *dot_table(struct dot_graph *g, const char *id, const char *name,
			   const char *header, const char *header_bg, int ncols, const char *attrs)
{
	struct dot_node *n = g_new0(struct dot_node, 1);

	n->id = g_strdup(id);
	n->name = g_strdup(name);
	n->header = g_strdup(header);
	n->header_bg = g_strdup(header_bg);
	n->attrs = g_strdup(attrs);
	n->ncols = ncols;
	n->cluster = g->current;
	n->rows = g_ptr_array_new_with_free_func(free_row);
	g_ptr_array_add(g->nodes, n);
	return n;
}

void dot_row(struct dot_node *n, const char *key, unsigned flags, const char *cells)
{
	struct dot_row *r = g_new0(struct dot_row, 1);

	r->key = g_strdup(key);
	r->flags = flags;
	r->cells = g_strdup(cells);
	g_ptr_array_add(n->rows, r);
}

void dot_node_nodiff(struct dot_node *n)
{
	n->nodiff = true;
}

void dot_same_rank(struct dot_graph *g, const char *const *ids)
{
	GString *line = g_string_new("{rank=same;");

	for (; *ids; ids++)
		g_string_append_printf(line, " %s;", *ids);
	g_string_append_c(line, '}');
	g_ptr_array_add(g->ranks, g_string_free(line, FALSE));
}

void dot_edge(struct dot_graph *g, const char *tail, const char *head, const char *attrs)
{
	struct dot_edge *e = g_new0(struct dot_edge, 1);

	e->tail = g_strdup(tail);
	e->head = g_strdup(head);
	e->attrs = g_strdup(attrs);
	e->key = g_strdup_printf("%s -> %s", tail, head);
	g_ptr_array_add(g->edges, e);
}

/* ---- the legend ---- */

struct dot_node *dot_legend_begin(struct dot_graph *g)
{
	int outer = g->current;
	struct dot_node *n;

	g->current = -1;
	n = dot_table(g, "legend", "legend", "Legend", "#546e7a", 2, NULL);
	g->current = outer;
	dot_node_nodiff(n);
	return n;
}

void dot_legend_item(struct dot_node *legend, const char *bg, const char *sample,
		     const char *meaning)
{
	g_autoptr(GString) row = g_string_new(NULL);
	g_autofree char *attrs = g_strdup_printf("BGCOLOR=\"%s\"", bg);

	dot_cell(row, attrs, "%s", sample);
	dot_cell(row, "ALIGN=\"LEFT\"", "%s", meaning);
	dot_row(legend, meaning, 0, row->str);
}

void dot_legend_kind(struct dot_node *legend, const char *bg, const char *sample,
		     const char *meaning)
{
	g_autoptr(GString) row = g_string_new(NULL);

	g_string_append_printf(row, "<TD BGCOLOR=\"%s\"><FONT COLOR=\"white\"><B>", bg);
	dot_escape(row, sample);
	g_string_append(row, "</B></FONT></TD>");
	dot_cell(row, "ALIGN=\"LEFT\"", "%s", meaning);
	dot_row(legend, meaning, 0, row->str);
}

void dot_legend_edge(struct dot_node *legend, const char *color, const char *style,
		     const char *meaning)
{
	g_autoptr(GString) row = g_string_new(NULL);
	const char *arrow = "&#9472;&#9472;&#9472;&#9472;&#9654;";

	if (style && strstr(style, "dashed"))
		arrow = "- - - - &#9654;";
	else if (style && strstr(style, "dotted"))
		arrow = "&#183; &#183; &#183; &#183; &#9654;";
	g_string_append_printf(row, "<TD><FONT COLOR=\"%s\"><B>%s</B></FONT></TD>", color, arrow);
	dot_cell(row, "ALIGN=\"LEFT\"", "%s", meaning);
	dot_row(legend, meaning, 0, row->str);
}

/* ---- printing ---- */

/* What --diff knows about the previous graph, for lookups only. */
struct diff {
	const struct dot_graph *prev;
	const char *prev_title;
	GHashTable *nodes;    /* id -> struct dot_node * of prev */
	GHashTable *edges;    /* key -> struct dot_edge * of prev */
	GHashTable *clusters; /* id -> struct dot_cluster * of prev */
	GHashTable *now_nodes;	  /* id -> struct dot_node * of the graph printed */
	GHashTable *now_edges;	  /* key -> struct dot_edge * of the graph printed */
	GHashTable *now_clusters; /* id -> struct dot_cluster * of the graph printed */
};

static const struct dot_row *find_row(const struct dot_node *n, const char *key)
{
	for (guint i = 0; i < n->rows->len; i++) {
		const struct dot_row *r = n->rows->pdata[i];

		if (strcmp(r->key, key) == 0)
			return r;
	}
	return NULL;
}

/* Per row: 0 unchanged, '+' new, '~' changed. Returns whether anything is marked. */
static bool mark_rows(const struct dot_node *n, const struct dot_node *old, char *marks,
		      char *header_mark)
{
	bool any = false;

	*header_mark = 0;
	for (guint i = 0; i < n->rows->len; i++) {
		const struct dot_row *r = n->rows->pdata[i];
		const struct dot_row *o = find_row(old, r->key);

		marks[i] = 0;
		if (r->flags & DOT_ROW_QUIET)
			continue;
		if (!o)
			marks[i] = '+';
		else if (strcmp(o->cells, r->cells) != 0)
			marks[i] = '~';
		any |= marks[i] != 0;
	}
	for (guint i = 0; i < old->rows->len; i++) {
		const struct dot_row *o = old->rows->pdata[i];

		if (!(o->flags & DOT_ROW_QUIET) && !find_row(n, o->key))
			*header_mark = '-'; /* a row is gone */
	}
	if (strcmp(n->header, old->header) != 0)
		*header_mark = '~';
	return any || *header_mark;
}

static void write_mark(GString *out, char mark)
{
	if (mark)
		g_string_append_printf(out, "<TD BGCOLOR=\"" DIFF_MARK "\"><B>%c</B></TD>", mark);
	else
		g_string_append(out, "<TD BORDER=\"0\"></TD>");
}

static void write_label(GString *out, const struct dot_node *n, const char *marks,
			char header_mark)
{
	g_string_append(out, "<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
			     "CELLPADDING=\"4\" BGCOLOR=\"white\">\n");
	g_string_append(out, "\t\t<TR>");
	if (marks)
		write_mark(out, header_mark);
	g_string_append_printf(out, "<TD COLSPAN=\"%d\" BGCOLOR=\"%s\"><FONT COLOR=\"white\"><B>",
			       n->ncols, n->header_bg);
	dot_escape(out, n->header);
	g_string_append(out, "</B></FONT></TD></TR>\n");
	for (guint i = 0; i < n->rows->len; i++) {
		const struct dot_row *r = n->rows->pdata[i];

		g_string_append(out, "\t\t<TR>");
		if (marks)
			write_mark(out, marks[i]);
		g_string_append(out, r->cells);
		g_string_append(out, "</TR>\n");
	}
	g_string_append(out, "\t</TABLE>>");
}

static void write_node(GString *out, const struct dot_node *n, const struct diff *d)
{
	const struct dot_node *old = d && !n->nodiff ? g_hash_table_lookup(d->nodes, n->id) : NULL;
	g_autofree char *marks = g_malloc0(n->rows->len + 1);
	char header_mark = 0;
	bool marked = old && mark_rows(n, old, marks, &header_mark);

	g_string_append_printf(out, "\t%s [", n->id);
	if (n->attrs)
		g_string_append_printf(out, "%s, ", n->attrs);
	if (d && !n->nodiff && !old)
		g_string_append(out,
				"style=filled, fillcolor=\"" DIFF_HALO "\", margin=\"0.15\", ");
	g_string_append(out, "label=");
	write_label(out, n, marked ? marks : NULL, header_mark);
	g_string_append(out, "];\n");
}

static void write_ghost(GString *out, const struct dot_node *n)
{
	g_string_append_printf(out, "\t%s [shape=box, style=\"dashed,rounded\", color=\"" DIFF_GHOST
				    "\", fontcolor=\"" DIFF_GHOST "\", label=<",
			       n->id);
	dot_escape(out, n->name);
	g_string_append(out, "<BR/>(gone)>];\n");
}

static const char *cluster_id(const struct dot_graph *g, int i)
{
	return i < 0 ? NULL : ((const struct dot_cluster *)g->clusters->pdata[i])->id;
}

/* The ghosts that go in cluster @id of the printed graph (NULL: the top level). */
static void write_ghosts_in(GString *out, const char *id, const struct diff *d)
{
	if (!d)
		return;
	for (guint i = 0; i < d->prev->nodes->len; i++) {
		const struct dot_node *n = d->prev->nodes->pdata[i];
		const char *was_in = cluster_id(d->prev, n->cluster);

		if (n->nodiff || g_hash_table_contains(d->now_nodes, n->id))
			continue;
		/* a node of a cluster that is gone goes in that cluster's ghost */
		if (g_strcmp0(was_in, id) == 0)
			write_ghost(out, n);
	}
}

static void write_cluster(GString *out, const struct dot_graph *g, int ci, const struct diff *d);

/* The nodes and clusters directly inside cluster @ci (-1: the top level). */
static void write_contents(GString *out, const struct dot_graph *g, int ci, const struct diff *d)
{
	for (guint i = 0; i < g->nodes->len; i++) {
		const struct dot_node *n = g->nodes->pdata[i];

		if (n->cluster == ci)
			write_node(out, n, d);
	}
	write_ghosts_in(out, cluster_id(g, ci), d);
	for (guint i = 0; i < g->clusters->len; i++)
		if (((const struct dot_cluster *)g->clusters->pdata[i])->parent == ci)
			write_cluster(out, g, (int)i, d);
}

static void write_cluster_head(GString *out, const struct dot_cluster *c, bool ghost)
{
	g_string_append_printf(out, "subgraph %s {\n\tlabel=<<B>", c->id);
	dot_escape(out, c->label);
	g_string_append_printf(out, "%s</B>>;\n", ghost ? " (gone)" : "");
	if (ghost)
		g_string_append(out, "\tstyle=\"dashed\"; color=\"" DIFF_GHOST
				     "\"; fontcolor=\"" DIFF_GHOST "\";\n");
	else if (c->attrs)
		g_string_append_printf(out, "\t%s;\n", c->attrs);
}

static void write_cluster(GString *out, const struct dot_graph *g, int ci, const struct diff *d)
{
	write_cluster_head(out, g->clusters->pdata[ci], false);
	write_contents(out, g, ci, d);
	g_string_append(out, "}\n");
}

/* Clusters of the previous graph that are gone, with their ghost nodes, flattened. */
static void write_ghost_clusters(GString *out, const struct diff *d)
{
	for (guint i = 0; d && i < d->prev->clusters->len; i++) {
		const struct dot_cluster *c = d->prev->clusters->pdata[i];

		if (g_hash_table_contains(d->now_clusters, c->id))
			continue;
		write_cluster_head(out, c, true);
		write_ghosts_in(out, c->id, d);
		g_string_append(out, "}\n");
	}
}

static void write_edge(GString *out, const struct dot_edge *e, const char *extra)
{
	g_string_append_printf(out, "\t%s -> %s", e->tail, e->head);
	if (e->attrs || extra) {
		g_string_append(out, " [");
		if (e->attrs)
			g_string_append(out, e->attrs);
		if (e->attrs && extra)
			g_string_append(out, ", ");
		if (extra)
			g_string_append(out, extra);
		g_string_append_c(out, ']');
	}
	g_string_append(out, ";\n");
}

static void write_edges(GString *out, const struct dot_graph *g, const struct diff *d)
{
	for (guint i = 0; i < g->edges->len; i++) {
		const struct dot_edge *e = g->edges->pdata[i];
		const struct dot_edge *old = d ? g_hash_table_lookup(d->edges, e->key) : NULL;
		bool changed = d && (!old || g_strcmp0(old->attrs, e->attrs) != 0);

		write_edge(out, e, changed ? "color=\"" DIFF_EDGE "\", penwidth=4" : NULL);
	}
}

/*
 * One end of a ghost edge, as it can be printed now: the node must exist
 * (alive or ghosted); a port is kept only if the node still has that row.
 */
static char *ghost_end(const char *end, const struct diff *d)
{
	g_auto(GStrv) parts = g_strsplit(end, ":", 2);
	const struct dot_node *now = g_hash_table_lookup(d->now_nodes, parts[0]);
	const struct dot_node *was = g_hash_table_lookup(d->nodes, parts[0]);

	if (!now && !was)
		return NULL;
	if (now && parts[1]) {
		g_auto(GStrv) port = g_strsplit(parts[1], ":", 2);

		if (find_row(now, port[0]))
			return g_strdup(end);
	}
	return g_strdup(parts[0]);
}

static void write_ghost_edges(GString *out, const struct diff *d)
{
	for (guint i = 0; d && i < d->prev->edges->len; i++) {
		const struct dot_edge *e = d->prev->edges->pdata[i];
		g_autofree char *tail = NULL, *head = NULL;

		if (g_hash_table_contains(d->now_edges, e->key))
			continue;
		tail = ghost_end(e->tail, d);
		head = ghost_end(e->head, d);
		if (!tail || !head)
			continue;
		g_string_append_printf(out, "\t%s -> %s [style=dashed, color=\"" DIFF_GHOST
					    "\", penwidth=2];\n",
				       tail, head);
	}
}

static GHashTable *index_nodes(const struct dot_graph *g)
{
	GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < g->nodes->len; i++)
		g_hash_table_insert(h, ((struct dot_node *)g->nodes->pdata[i])->id,
				    g->nodes->pdata[i]);
	return h;
}

static GHashTable *index_edges(const struct dot_graph *g)
{
	GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < g->edges->len; i++)
		g_hash_table_insert(h, ((struct dot_edge *)g->edges->pdata[i])->key,
				    g->edges->pdata[i]);
	return h;
}

static GHashTable *index_clusters(const struct dot_graph *g)
{
	GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < g->clusters->len; i++)
		g_hash_table_insert(h, ((struct dot_cluster *)g->clusters->pdata[i])->id,
				    g->clusters->pdata[i]);
	return h;
}

static void diff_init(struct diff *d, const struct dot_graph *g, const struct dot_graph *prev,
		      const char *prev_title)
{
	d->prev = prev;
	d->prev_title = prev_title;
	d->nodes = index_nodes(prev);
	d->edges = index_edges(prev);
	d->clusters = index_clusters(prev);
	d->now_nodes = index_nodes(g);
	d->now_edges = index_edges(g);
	d->now_clusters = index_clusters(g);
}

static void diff_fini(struct diff *d)
{
	g_hash_table_destroy(d->nodes);
	g_hash_table_destroy(d->edges);
	g_hash_table_destroy(d->clusters);
	g_hash_table_destroy(d->now_nodes);
	g_hash_table_destroy(d->now_edges);
	g_hash_table_destroy(d->now_clusters);
}

/* The diff's own legend items, in a node of their own beside the view's legend. */
static void write_diff_legend(GString *out, const struct diff *d)
{
	g_autoptr(GString) since = g_string_new(NULL);

	dot_escape(since, d->prev_title ? d->prev_title : "the previous snapshot");
	g_string_append_printf(
		out,
		"\tdiff_legend [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
		"CELLPADDING=\"4\" BGCOLOR=\"white\">\n"
		"\t\t<TR><TD COLSPAN=\"2\" BGCOLOR=\"#546e7a\"><FONT COLOR=\"white\"><B>"
		"Changes since &#8220;%s&#8221;</B></FONT></TD></TR>\n"
		"\t\t<TR><TD BGCOLOR=\"" DIFF_HALO "\">   </TD><TD ALIGN=\"LEFT\">yellow frame: a "
		"new node</TD></TR>\n"
		"\t\t<TR><TD BGCOLOR=\"" DIFF_MARK "\"><B>+</B></TD><TD ALIGN=\"LEFT\">a new row "
		"(~ changed; - in the header: a row is gone)</TD></TR>\n"
		"\t\t<TR><TD><FONT COLOR=\"" DIFF_EDGE "\"><B>&#9472;&#9472;&#9472;&#9472;&#9654;"
		"</B></FONT></TD><TD ALIGN=\"LEFT\">a new or changed arrow</TD></TR>\n"
		"\t\t<TR><TD><FONT COLOR=\"" DIFF_GHOST "\"><B>- - - - &#9654;</B></FONT></TD>"
		"<TD ALIGN=\"LEFT\">grey and dashed: gone</TD></TR>\n"
		"\t</TABLE>>];\n",
		since->str);
	if (g_hash_table_contains(d->now_nodes, "legend"))
		g_string_append(out, "\t{rank=same; legend; diff_legend;}\n");
}

static void write_header(GString *out, const struct dot_graph *g, const struct diff *d)
{
	g_string_append_printf(out, "digraph %s {\n", g->name);
	g_string_append(out, "\tgraph [fontname=\"" DOT_FONT "\", fontsize=22, labelloc=t, "
			     "labeljust=l, nodesep=0.3, ranksep=0.9");
	for (guint i = 0; i < g->attrs->len; i++)
		g_string_append_printf(out, ", %s", (char *)g->attrs->pdata[i]);
	if (g->title) {
		g_string_append(out, ", label=<<B>");
		dot_escape(out, g->title);
		g_string_append(out, "</B>");
		if (d) {
			g_string_append(out, "<BR/><FONT POINT-SIZE=\"18\">changes since &#8220;");
			dot_escape(out, d->prev_title ? d->prev_title : "the previous snapshot");
			g_string_append(out, "&#8221;</FONT>");
		}
		g_string_append_c(out, '>');
	}
	g_string_append(out, "];\n");
	g_string_append_printf(out,
			       "\tnode [shape=none, margin=0, fontname=\"%s\", fontsize=%d];\n",
			       DOT_FONT, DOT_FONTSIZE);
	g_string_append_printf(out, "\tedge [fontname=\"%s\", fontsize=14, penwidth=1.5];\n",
			       DOT_FONT);
}

void dot_write(const struct dot_graph *g, const struct dot_graph *prev, const char *prev_title,
	       GString *out)
{
	struct diff diff, *d = NULL;

	if (prev) {
		diff_init(&diff, g, prev, prev_title);
		d = &diff;
	}
	write_header(out, g, d);
	write_contents(out, g, -1, d);
	write_ghost_clusters(out, d);
	if (d)
		write_diff_legend(out, d);
	for (guint i = 0; i < g->ranks->len; i++)
		g_string_append_printf(out, "\t%s\n", (char *)g->ranks->pdata[i]);
	write_edges(out, g, d);
	write_ghost_edges(out, d);
	g_string_append(out, "}\n");
	if (d)
		diff_fini(d);
}
