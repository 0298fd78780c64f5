/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dot_render.h - DOT text to SVG, PNG or PDF, in-process with graphviz's
 * libgvc (the `dot` layout), and DOT validation with cgraph.
 *
 * Only the CLI and the tests link graphviz; the model never does.
 */
#ifndef MMSIM_VIZ_DOT_RENDER_H
#define MMSIM_VIZ_DOT_RENDER_H

#include <glib.h>
#include <stdbool.h>

/* Is @format one viz_dot_render() knows: "svg", "png" or "pdf"? */
bool viz_dot_format_ok(const char *format);

/*
 * Lay out @dot and render it as @format. Returns the bytes (g_bytes_unref
 * them), or NULL with *err set to what graphviz said. The same DOT gives the
 * same bytes: PDF's creation date is fixed to the epoch.
 */
GBytes *viz_dot_render(const char *dot, const char *format, GError **err);

/* Does @dot parse as a graph (cgraph's agmemread)? *err says why not. */
bool viz_dot_parse_ok(const char *dot, GError **err);

#endif /* MMSIM_VIZ_DOT_RENDER_H */
