// SPDX-License-Identifier: GPL-2.0
/*
 * dot_render.c - render DOT with graphviz's libgvc, in-process (dot_render.h).
 *
 * One graphviz context for the life of the process (it loads the layout and
 * render plugins once). Graphviz reports problems through agerr(); they are
 * collected here and returned as the error, never printed.
 *
 * Graphviz, pango, cairo and fontconfig keep caches for the life of the
 * process and do not free some of what they allocate. Those allocations are
 * not mmsim's to check. Under AddressSanitizer the leak checker ignores what
 * is allocated on this thread inside the calls into graphviz (glib has no
 * frame pointers, so a stack cut short at g_realloc cannot tell pango's
 * caches from ours), and is given suppressions for those libraries for the
 * rest: pango loads the fonts from a thread of its own.
 *
 * Determinism. cgraph's default ID discipline makes a named object's ID the
 * address of its interned name, and keeps subgraphs (clusters) in ID order;
 * so after the first graph of a process (and pango's font thread) the heap
 * decides the order of clusters, and the picture changes from run to run.
 * Graphs are therefore read with an ID discipline of our own that numbers
 * names in the order they are first seen. Cairo stamps a PDF with its
 * creation time; the digits of that date are overwritten with the epoch,
 * keeping every byte offset the same. Then SVG, PNG and PDF are a function
 * of the DOT text (and of the fonts installed).
 */
#include "dot_render.h"

#include <cgraph.h>
#include <gvc.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define not_ours_begin() __lsan_disable()
#define not_ours_end() __lsan_enable()

/* Read by LeakSanitizer at start-up (sanitizer/lsan_interface.h). */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libgvc.so\n"
	       "leak:libcgraph.so\n"
	       "leak:libcdt.so\n"
	       "leak:libgvplugin_\n"
	       "leak:libpango\n"
	       "leak:libcairo.so\n"
	       "leak:libfontconfig.so\n"
	       "leak:libfreetype.so\n"
	       "leak:libharfbuzz.so\n";
}
#else
#define not_ours_begin() ((void)0)
#define not_ours_end() ((void)0)
#endif

static GString *gv_errors; /* what agerr() said during the current call */

/* ---- reading a graph with IDs in the order of the text ---- */

/*
 * The ID discipline's state, per graph: names get even IDs 2, 4, 6 ... in
 * the order first seen, anonymous objects odd IDs 1, 3, 5 ... (cgraph tells
 * the two apart by that bit).
 */
struct id_state {
	GHashTable *ids;  /* name -> ID */
	GPtrArray *names; /* ID / 2 - 1 -> name */
	IDTYPE next_anon;
};

static void *id_open(Agraph_t *g, Agdisc_t *disc)
{
	struct id_state *st = g_new0(struct id_state, 1);

	st->ids = g_hash_table_new(g_str_hash, g_str_equal);
	st->names = g_ptr_array_new_with_free_func(g_free);
	st->next_anon = 1;
	return st;
}

static long id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
	struct id_state *st = state;
	gpointer found;

	if (!str) {
		*id = st->next_anon;
		st->next_anon += 2;
		return TRUE;
	}
	if (g_hash_table_lookup_extended(st->ids, str, NULL, &found)) {
		*id = (IDTYPE)GPOINTER_TO_SIZE(found);
		return TRUE;
	}
	if (!createflag) {
		*id = 0; /* matches nothing: no object has ID 0 */
		return TRUE;
	}
	g_ptr_array_add(st->names, g_strdup(str));
	*id = (IDTYPE)st->names->len * 2;
	g_hash_table_insert(st->ids, st->names->pdata[st->names->len - 1],
			    GSIZE_TO_POINTER((gsize)*id));
	return TRUE;
}

static long id_alloc(void *state, int objtype, IDTYPE request)
{
	return FALSE; /* no object asks for an ID of its choosing */
}

static void id_free(void *state, int objtype, IDTYPE id)
{
	/* names stay until the graph closes: another object may carry the same */
}

static char *id_print(void *state, int objtype, IDTYPE id)
{
	struct id_state *st = state;

	if (id % 2 || id == 0 || id / 2 > st->names->len)
		return NULL;
	return st->names->pdata[id / 2 - 1];
}

static void id_close(void *state)
{
	struct id_state *st = state;

	g_hash_table_destroy(st->ids);
	g_ptr_array_free(st->names, TRUE);
	g_free(st);
}

static void id_register(void *state, int objtype, void *obj)
{
}

static Agiddisc_t text_order_ids = {
	id_open, id_map, id_alloc, id_free, id_print, id_close, id_register,
};

/* Reading from a string: what agmemread does, with the discipline above. */
struct text_chan {
	const char *text;
	size_t len, pos;
};

static int text_read(void *chan, char *buf, int bufsize)
{
	struct text_chan *c = chan;
	size_t n = 0;

	/* one line at a time, as cgraph's own memory reader does */
	while (c->pos < c->len && n + 1 < (size_t)bufsize) {
		buf[n++] = c->text[c->pos++];
		if (buf[n - 1] == '\n')
			break;
	}
	return (int)n;
}

static Agraph_t *read_graph(const char *dot)
{
	static Agiodisc_t io;
	Agdisc_t disc = { &AgMemDisc, &text_order_ids, &io };
	struct text_chan chan = { dot, strlen(dot), 0 };

	io.afread = text_read;
	io.putstr = AgIoDisc.putstr;
	io.flush = AgIoDisc.flush;
	return agread(&chan, &disc);
}

static int collect_error(char *msg)
{
	if (gv_errors)
		g_string_append(gv_errors, msg);
	return 0;
}

static GVC_t *context(void)
{
	static GVC_t *gvc;

	if (!gvc) {
		gvc = gvContext();
		agseterrf(collect_error);
		agseterr(AGERR);
	}
	return gvc;
}

bool viz_dot_format_ok(const char *format)
{
	return !strcmp(format, "svg") || !strcmp(format, "png") || !strcmp(format, "pdf");
}

static void set_error(GError **err, const char *what)
{
	const char *said = gv_errors->len ? gv_errors->str : "(no message)";
	g_autofree char *msg = g_strstrip(g_strdup(said));

	g_set_error(err, g_quark_from_static_string("viz-dot"), 1, "graphviz: %s: %s", what, msg);
}

/* Overwrite the digits of "/KEY (D:...)" with the epoch's, in place. */
static void fix_pdf_date(char *data, size_t len, const char *key)
{
	static const char epoch[] = "19700101000000";
	size_t klen = strlen(key);

	for (size_t i = 0; i + klen < len; i++) {
		if (memcmp(data + i, key, klen) != 0)
			continue;
		for (size_t j = i + klen, k = 0; j < len && data[j] != ')'; j++)
			if (g_ascii_isdigit(data[j]))
				data[j] = k < sizeof(epoch) - 1 ? epoch[k++] : '0';
		return;
	}
}

/*
 * Lay out and render @g. Returns graphviz's buffer (gvFreeRenderData), or
 * NULL and what failed in *what.
 */
static char *render_graph(GVC_t *gvc, Agraph_t *g, const char *format, unsigned int *len,
			  const char **what)
{
	char *data = NULL;

	if (gvLayout(gvc, g, "dot") != 0) {
		*what = "layout failed";
		return NULL;
	}
	if (gvRenderData(gvc, g, format, &data, len) != 0 || !data)
		*what = "rendering failed";
	gvFreeLayout(gvc, g);
	return data;
}

GBytes *viz_dot_render(const char *dot, const char *format, GError **err)
{
	const char *what = "the DOT text does not parse";
	unsigned int len = 0;
	char *data = NULL;
	GBytes *bytes = NULL;
	Agraph_t *g;
	GVC_t *gvc;

	gv_errors = g_string_new(NULL);
	not_ours_begin();
	gvc = context(); /* first: it routes graphviz's messages to gv_errors */
	g = read_graph(dot);
	if (g) {
		data = render_graph(gvc, g, format, &len, &what);
		agclose(g);
	}
	not_ours_end();
	if (data) {
		if (!strcmp(format, "pdf")) {
			fix_pdf_date(data, len, "/CreationDate (D:");
			fix_pdf_date(data, len, "/ModDate (D:");
		}
		bytes = g_bytes_new(data, len);
		gvFreeRenderData(data);
	} else {
		set_error(err, what);
	}
	g_string_free(gv_errors, TRUE);
	gv_errors = NULL;
	return bytes;
}

bool viz_dot_parse_ok(const char *dot, GError **err)
{
	Agraph_t *g;
	bool ok;

	gv_errors = g_string_new(NULL);
	not_ours_begin();
	context();
	agreseterrors();
	g = agmemread(dot); /* cgraph's own reader: what any other program would see */
	ok = g && !agerrors();
	if (g)
		agclose(g);
	not_ours_end();
	if (!ok)
		set_error(err, "the DOT text does not parse");
	g_string_free(gv_errors, TRUE);
	gv_errors = NULL;
	return ok;
}
