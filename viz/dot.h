/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dot.h - a small Graphviz DOT writer for the diagram views.
 *
 * A view does not print DOT directly: it describes a graph (clusters, nodes
 * that are HTML-like tables with one port per row, edges) and dot_write()
 * prints it. Keeping the graph as data is what lets --diff compare one
 * snapshot with the previous one: a node, a row or an edge is the same thing
 * in both when its id (or key) is the same, so ids must come from the model's
 * identity (pfn, swap type and offset, mapping and index, table path), never
 * from pointers, and everything is printed in the order it was added. The
 * same model state therefore always gives the same bytes.
 *
 * Every piece of text that ends up in a label goes through dot_escape(), the
 * one escape function: all labels are HTML-like, so only & < > " ' need it,
 * and ids and attribute values are built by the views from safe characters.
 *
 * Not a general DOT library: no record shapes, no undirected graphs, no
 * attributes on the default edge, one table per node.
 */
#ifndef MMSIM_VIZ_DOT_H
#define MMSIM_VIZ_DOT_H

#include <glib.h>
#include <stdbool.h>

struct dot_graph;
struct dot_node;

/* Fonts and sizes: readable on a projector (at least 14 points). */
#define DOT_FONT "DejaVu Sans"
#define DOT_MONO "DejaVu Sans Mono"
#define DOT_FONTSIZE 16

/* A row of a table node that --diff does not mark when it changes (folded empty runs). */
#define DOT_ROW_QUIET 1u

/* Append @text to @out, escaped for an HTML-like label. */
void dot_escape(GString *out, const char *text);

/* Append "<TD attrs>" + escaped printf text + "</TD>" to @row. @attrs may be NULL. */
void dot_cell(GString *row, const char *attrs, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Like dot_cell, in the monospaced font (raw values, addresses). */
void dot_cell_mono(GString *row, const char *attrs, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* A graph named @name; @title (may be NULL) is printed above it. */
struct dot_graph *dot_graph_new(const char *name, const char *title);
void dot_graph_free(struct dot_graph *g);
/* An extra graph attribute, e.g. "rankdir=LR" (printed in the order given). */
void dot_graph_attr(struct dot_graph *g, const char *attr);

/*
 * Clusters nest: nodes and clusters added between dot_cluster_begin and
 * dot_cluster_end belong to the cluster. @id must start with "cluster_".
 */
void dot_cluster_begin(struct dot_graph *g, const char *id, const char *label,
		       const char *attrs);
void dot_cluster_end(struct dot_graph *g);

/*
 * A node drawn as a table: a header cell spanning @ncols columns (@header is
 * plain text, @header_bg its background colour), then rows added with
 * dot_row(). @name is what --diff prints for it once it is gone ("pfn 0x3").
 * @attrs are extra node attributes, or NULL.
 */
struct dot_node *dot_table(struct dot_graph *g, const char *id, const char *name,
			   const char *header, const char *header_bg, int ncols,
			   const char *attrs);
/*
 * A row: @cells is the HTML of its cells ("<TD PORT=..>..</TD>..."), built
 * with dot_cell(). @key identifies the row within the node, for --diff.
 */
void dot_row(struct dot_node *n, const char *key, unsigned flags, const char *cells);
/* The node is not compared by --diff (the legend). */
void dot_node_nodiff(struct dot_node *n);

/* Put the nodes @ids (NULL-terminated) in the same rank (a column, in a left-to-right graph). */
void dot_same_rank(struct dot_graph *g, const char *const *ids);

/* An edge; @tail and @head are "id" or "id:port" (or "id:port:compass"). */
void dot_edge(struct dot_graph *g, const char *tail, const char *head, const char *attrs);

/*
 * The legend: a table node (id "legend"), added last. Each item is a sample
 * cell (background @bg, text @sample) and what it means.
 */
struct dot_node *dot_legend_begin(struct dot_graph *g);
void dot_legend_item(struct dot_node *legend, const char *bg, const char *sample,
		     const char *meaning);
/* A legend item for a kind of node: a header-coloured (dark) sample, white text. */
void dot_legend_kind(struct dot_node *legend, const char *bg, const char *sample,
		     const char *meaning);
/* A legend item for an edge style: a sample arrow drawn in @color, @style. */
void dot_legend_edge(struct dot_node *legend, const char *color, const char *style,
		     const char *meaning);

/*
 * Print @g as DOT. With @prev (the previous snapshot's graph), mark what
 * changed: nodes that are new get a highlighted halo, rows that are new or
 * changed a marker cell, new or changed edges are drawn thick in the
 * highlight colour, and nodes and edges that are gone are drawn ghosted
 * (grey, dashed) with their names. @prev_title names the previous snapshot.
 */
void dot_write(const struct dot_graph *g, const struct dot_graph *prev, const char *prev_title,
	       GString *out);

#endif /* MMSIM_VIZ_DOT_H */
