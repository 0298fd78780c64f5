// SPDX-License-Identifier: GPL-2.0
/*
 * test_dot.c - the diagrams: viz/dot*.c and `mmsim dot` (sim/cli/dot.c).
 *
 * Every view of every lesson in scenarios/ is drawn at each of its
 * snapshots and must parse with cgraph (agmemread, no error); the first
 * picture of each view is also laid out and rendered with libgvc. Two key
 * lessons are compared with golden DOT files in tests/golden/ (`make regen`
 * rewrites them for review: MMSIM_REGEN=1). The same run twice gives the
 * same bytes, in DOT, SVG, PNG and PDF. The layout keeps each process's
 * upper page tables top-down. --diff marks what changed. The last tests
 * drive the mmsim binary ($MMSIM): names of the files written, refusals,
 * and `mmsim lesson`, whose page is opened in headless Chromium (Debian's
 * chromium, installed by tools/deps.sh when missing; the test is skipped,
 * saying why, when it cannot be): its keys and buttons are driven, and a
 * screenshot of each step must be sized, drawn and different.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <zlib.h>

#include "dot_cmd.h"
#include "dot.h"
#include "dot_render.h"
#include "kernel_glue.h"
#include "test_util.h"

#define FORK_COW "scenarios/anon/fork-cow.scn"
#define THREE_KINDS "scenarios/swap/three-kinds.scn"

/* ---- helpers ---- */

static GPtrArray *lessons(void)
{
	GPtrArray *files = lesson_files();

	cr_assert_geq(files->len, 8, "expected the lessons under scenarios/, found %u", files->len);
	return files;
}

/* The first process or object a scenario creates, or NULL. */
static const char *first_name(const struct scn_file *f, bool object)
{
	for (int i = 0; i < f->nstmts; i++) {
		enum scn_kind k = f->stmts[i].kind;

		if (!object && k == SCN_PROCESS)
			return f->stmts[i].name;
		if (object && (k == SCN_FILE || k == SCN_SHM_OPEN || k == SCN_MEMFD ||
			       k == SCN_SHMGET))
			return f->stmts[i].name;
	}
	return NULL;
}

/*
 * Run @f with a recorder for @req; the pictures' DOT texts, concatenated
 * (each begins with "digraph "), and how many there were.
 */
static char *record(const struct scn_file *f, const struct dot_request *req, int *count)
{
	g_autoptr(GError) err = NULL;
	struct dot_recorder *rec = dot_recorder_new(f, req, &err);
	FILE *out = fopen("/dev/null", "w");
	struct scn_run_options opt = { .trace = SCN_TRACE_NONE, .out = out,
				       .hook = dot_recorder_hook };
	GString *all = g_string_new(NULL);
	GPtrArray *snaps;

	cr_assert(rec, "%s: %s", f->path, err ? err->message : "?");
	opt.hook_data = rec;
	cr_assert_neq(scn_run(f, &opt, &err), SCN_REFUSED, "%s refused: %s", f->path,
		      err ? err->message : "?");
	fclose(out);
	snaps = dot_recorder_snapshots(rec);
	for (guint i = 0; i < snaps->len; i++) {
		const struct dot_snapshot *s = snaps->pdata[i];

		if (s->selected)
			g_string_append(all, s->dot);
	}
	if (count)
		*count = (int)snaps->len;
	dot_recorder_free(rec);
	return g_string_free(all, FALSE);
}

static struct scn_file *parse(const char *path)
{
	g_autoptr(GError) err = NULL;
	struct scn_file *f = scn_parse_file(path, &err);

	cr_assert(f, "%s does not parse: %s", path, err ? err->message : "?");
	return f;
}

/* Split concatenated graphs where each begins ("digraph " at the start of a line). */
static GPtrArray *split_graphs(const char *all)
{
	GPtrArray *graphs = g_ptr_array_new_with_free_func(g_free);
	const char *p = all, *next;

	while (*p) {
		cr_assert(g_str_has_prefix(p, "digraph "), "not a graph: %.40s", p);
		next = strstr(p, "\ndigraph ");
		next = next ? next + 1 : p + strlen(p);
		g_ptr_array_add(graphs, g_strndup(p, (gsize)(next - p)));
		p = next;
	}
	return graphs;
}

static void assert_parses(const char *dot, const char *what)
{
	g_autoptr(GError) err = NULL;

	cr_assert(viz_dot_parse_ok(dot, &err), "%s: %s\n%s", what, err ? err->message : "?", dot);
}

static void assert_renders(const char *dot, const char *format, const char *what)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GBytes) bytes = viz_dot_render(dot, format, &err);

	cr_assert(bytes, "%s: %s", what, err ? err->message : "?");
	cr_assert_gt(g_bytes_get_size(bytes), 500, "%s: %s output is only %zu bytes", what, format,
		     g_bytes_get_size(bytes));
}

/* ---- every view of every lesson ---- */

static void check_view(const struct scn_file *f, struct dot_request *req, const char *view)
{
	g_autofree char *all = record(f, req, NULL);
	g_autoptr(GPtrArray) graphs = split_graphs(all);
	g_autofree char *what = NULL;

	cr_assert_gt(graphs->len, 0, "%s: no %s picture", f->path, view);
	for (guint i = 0; i < graphs->len; i++) {
		g_free(what);
		what = g_strdup_printf("%s, %s view, picture %u", f->path, view, i + 1);
		assert_parses(graphs->pdata[i], what);
	}
	g_free(what);
	what = g_strdup_printf("%s, %s view, picture 1", f->path, view);
	assert_renders(graphs->pdata[0], "svg", what);
}

Test(dot, every_view_of_every_lesson_parses_and_renders, .timeout = 240)
{
	g_autoptr(GPtrArray) files = lessons();

	for (guint i = 0; i < files->len; i++) {
		struct scn_file *f = parse(files->pdata[i]);
		struct dot_request req = { .xarray = -1 };
		const char *proc = first_name(f, false), *obj = first_name(f, true);

		req.view = DOT_VIEW_SYSTEM;
		check_view(f, &req, "system");
		req.view = DOT_VIEW_FRAMES;
		check_view(f, &req, "frames");
		req.view = DOT_VIEW_SWAP;
		check_view(f, &req, "swap");
		req.view = DOT_VIEW_LIFE;
		check_view(f, &req, "life");
		if (proc) {
			req.view = DOT_VIEW_PAGETABLE;
			req.process = proc;
			check_view(f, &req, "pagetable");
		}
		if (obj) {
			req.view = DOT_VIEW_CACHE;
			req.object = obj;
			req.xarray = 1;
			check_view(f, &req, "cache (xarray)");
		}
		scn_file_free(f);
	}
}

/* Every statement of a lesson with swap, in the system view with --diff. */
Test(dot, every_step_with_diff_parses, .timeout = 120)
{
	struct scn_file *f = parse(THREE_KINDS);
	struct dot_request req = { .view = DOT_VIEW_SYSTEM, .every_step = true, .diff = true,
				   .xarray = -1 };
	int count = 0;
	g_autofree char *all = record(f, &req, &count);
	g_autoptr(GPtrArray) graphs = split_graphs(all);

	cr_assert_gt(count, 10);
	cr_assert_eq((int)graphs->len, count);
	for (guint i = 0; i < graphs->len; i++)
		assert_parses(graphs->pdata[i], "three-kinds every step");
	scn_file_free(f);
}

/* ---- golden files ---- */

struct golden {
	const char *scenario;
	const char *file; /* under tests/golden/ */
	struct dot_request req;
};

static const struct golden goldens[] = {
	{ FORK_COW, "fork-cow.pagetable-A.diff.dot",
	  { .view = DOT_VIEW_PAGETABLE, .process = "A", .diff = true, .xarray = -1 } },
	{ FORK_COW, "fork-cow.frames.dot", { .view = DOT_VIEW_FRAMES, .xarray = -1 } },
	{ THREE_KINDS, "three-kinds.system.dot", { .view = DOT_VIEW_SYSTEM, .xarray = -1 } },
	{ THREE_KINDS, "three-kinds.cache-M.xarray.dot",
	  { .view = DOT_VIEW_CACHE, .object = "M", .xarray = 1 } },
	{ THREE_KINDS, "three-kinds.swap.dot", { .view = DOT_VIEW_SWAP, .xarray = -1 } },
	{ THREE_KINDS, "three-kinds.life.dot", { .view = DOT_VIEW_LIFE, .xarray = -1 } },
};

Test(dot, golden_files_match)
{
	bool regen = g_getenv("MMSIM_REGEN") != NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(goldens); i++) {
		const struct golden *gd = &goldens[i];
		struct scn_file *f = parse(gd->scenario);
		g_autofree char *now = record(f, &gd->req, NULL);
		g_autofree char *path = g_build_filename("tests", "golden", gd->file, NULL);
		g_autofree char *want = NULL;
		g_autoptr(GError) err = NULL;

		scn_file_free(f);
		if (regen) {
			cr_assert(g_file_set_contents(path, now, -1, &err), "%s: %s", path,
				  err->message);
			continue;
		}
		cr_assert(g_file_get_contents(path, &want, NULL, &err),
			  "%s: %s (make regen writes it)", path, err->message);
		cr_assert_str_eq(now, want, "%s differs from what %s draws now; if the change is "
					    "wanted, make regen and review the diff", path,
				 gd->scenario);
	}
}

/* ---- determinism ---- */

Test(dot, the_same_run_gives_the_same_bytes, .timeout = 120)
{
	struct scn_file *f = parse(THREE_KINDS);
	struct dot_request req = { .view = DOT_VIEW_SYSTEM, .diff = true, .xarray = -1 };
	g_autofree char *a = record(f, &req, NULL);
	g_autofree char *b = record(f, &req, NULL);
	g_autoptr(GPtrArray) graphs = split_graphs(a);
	static const char *const formats[] = { "svg", "png", "pdf" };

	cr_assert_str_eq(a, b, "two runs of %s drew different DOT", THREE_KINDS);
	for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
		g_autoptr(GError) err = NULL;
		g_autoptr(GBytes) x = viz_dot_render(graphs->pdata[1], formats[i], &err);
		g_autoptr(GBytes) y = viz_dot_render(graphs->pdata[1], formats[i], &err);

		cr_assert(x && y, "%s: %s", formats[i], err ? err->message : "?");
		cr_assert(g_bytes_equal(x, y), "two renderings to %s differ", formats[i]);
	}
	scn_file_free(f);
}

/* ---- layout ---- */

/* The y of node @id in graphviz's "plain" output (y grows upwards). */
static double node_y(const char *plain, const char *id)
{
	g_autofree char *key = g_strdup_printf("\nnode %s ", id);
	const char *p = strstr(plain, key);
	double x, y;

	cr_assert(p, "node %s not laid out", id);
	cr_assert_eq(sscanf(p + strlen(key), "%lf %lf", &x, &y), 2);
	return y;
}

/* mm, PGD, PUD, PMD: one column, read top-down, in every lesson's pagetable view. */
Test(dot, the_upper_page_tables_stand_top_down, .timeout = 240)
{
	g_autoptr(GPtrArray) files = lessons();

	for (guint i = 0; i < files->len; i++) {
		struct scn_file *f = parse(files->pdata[i]);
		struct dot_request req = { .view = DOT_VIEW_PAGETABLE, .xarray = -1 };
		g_autofree char *all = NULL;
		g_autoptr(GPtrArray) graphs = NULL;
		g_autoptr(GError) err = NULL;
		g_autoptr(GBytes) plain = NULL;
		g_autofree char *text = NULL;

		req.process = first_name(f, false);
		all = record(f, &req, NULL);
		graphs = split_graphs(all);
		if (!strstr(graphs->pdata[0], "\n\tpgd192 ")) {
			scn_file_free(f);
			continue; /* nothing mapped at that point */
		}
		plain = viz_dot_render(graphs->pdata[0], "plain", &err);
		cr_assert(plain, "%s: %s", f->path, err ? err->message : "?");
		text = g_strndup(g_bytes_get_data(plain, NULL), g_bytes_get_size(plain));
		cr_assert_gt(node_y(text, "mm"), node_y(text, "pgd"), "%s: mm below the PGD",
			     f->path);
		cr_assert_gt(node_y(text, "pgd"), node_y(text, "pgd192"), "%s: PGD below the PUD",
			     f->path);
		scn_file_free(f);
	}
}

/* ---- what the pictures say ---- */

Test(dot, diff_marks_new_changed_and_gone)
{
	struct scn_file *f = parse(FORK_COW);
	struct dot_request req = { .view = DOT_VIEW_PAGETABLE, .process = "A", .diff = true,
				   .xarray = -1 };
	g_autofree char *all = record(f, &req, NULL);
	g_autoptr(GPtrArray) graphs = split_graphs(all);
	const char *second;

	cr_assert_eq(graphs->len, 2);
	cr_assert_null(strstr(graphs->pdata[0], "(gone)"),
		       "the first picture has nothing to compare");
	second = graphs->pdata[1];
	/* A wrote page 2 (copied to a new frame) and page 0 (reused in place). */
	cr_assert(strstr(second, "\tpfn_8 [style=filled, fillcolor=\"#ffd400\""), "%s", second);
	cr_assert(strstr(second, "pfn_3 [shape=box, style=\"dashed,rounded\""), "%s", second);
	cr_assert(strstr(second, "<TD BGCOLOR=\"#ffd400\"><B>~</B></TD><TD>[2]</TD>"), "%s",
		  second);
	cr_assert(strstr(second, "<TD BGCOLOR=\"#ffd400\"><B>~</B></TD><TD>[0]</TD>"), "%s",
		  second);
	cr_assert(strstr(second, "pgd192_pud0_pmd0:e2:e -> pfn_8 [color=\"#37474f\", "
				 "color=\"#e6550d\", penwidth=4]"), "%s", second);
	cr_assert(strstr(second, "pgd192_pud0_pmd0:e2:e -> pfn_3 [style=dashed"), "%s", second);
	cr_assert(strstr(second, "changes since &#8220;just after fork&#8221;"), "%s", second);
	scn_file_free(f);
}

/* The swap picture of the seed: a PTE and a tmpfs slot leading to swap entries. */
Test(dot, swap_entries_are_drawn_from_ptes_and_slots)
{
	struct scn_file *f = parse(THREE_KINDS);
	struct dot_request req = { .view = DOT_VIEW_SYSTEM, .at = "paged out", .xarray = -1 };
	g_autofree char *dot = record(f, &req, NULL);

	/* anon: the PTE holds swap entry 0:0x1, whose page waits in the swap cache */
	cr_assert(strstr(dot, "p1_pgd192_pud0_pmd0:e0:e -> swp_0_1 [color=\"#6a1b9a\", "
			      "style=dashed"), "%s", dot);
	cr_assert(strstr(dot, "swp_0_1 -> pfn_5 [color=\"#6a1b9a\", penwidth=2]"), "%s", dot);
	/* tmpfs: slot 0 of the memfd holds (5 << 2) | 2, swap entry 0:0x5 */
	cr_assert(strstr(dot, "0x0000000000000016"), "%s", dot);
	cr_assert(strstr(dot, "i2_node_d0_0:s0:e -> swp_0_5"), "%s", dot);
	/* file: a shadow entry, and no arrow */
	cr_assert(strstr(dot, "exceptional: shadow: evicted at 1"), "%s", dot);
	cr_assert_null(strstr(dot, "i1_node_d0_0:s0:e ->"), "%s", dot);
	scn_file_free(f);
}

Test(dot, escape_covers_the_html_specials)
{
	g_autoptr(GString) s = g_string_new(NULL);

	dot_escape(s, "a<b>&\"c'");
	cr_assert_str_eq(s->str, "a&lt;b&gt;&amp;&quot;c&#39;");
}

/* ---- the mmsim dot command ---- */

/* Run @shell (sh -c) with $MMSIM set; its standard output and exit status. */
static char *run_shell(const char *shell, int *status)
{
	g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "MMSIM", mmsim_under_test(), TRUE);
	const char *argv[] = { "/bin/sh", "-c", shell, NULL };
	char *out = NULL;
	g_autofree char *errout = NULL;
	int wait = 0;

	cr_assert(g_spawn_sync(NULL, (char **)argv, env, 0, NULL, NULL, &out, &errout, &wait,
			       NULL), "cannot run %s", shell);
	*status = WIFEXITED(wait) ? WEXITSTATUS(wait) : -1;
	return out;
}

Test(dot_cli, writes_one_file_per_snapshot_named_after_it, .timeout = 120)
{
	g_autofree char *dir = g_dir_make_tmp("mmsim-dot-XXXXXX", NULL);
	g_autofree char *cmd = g_strdup_printf("\"$MMSIM\" dot --view=pagetable --process=B "
					       "--format=svg -o %s " FORK_COW, dir);
	int status;
	g_autofree char *out = run_shell(cmd, &status);
	g_autofree char *first = g_strdup_printf("%s/01-just-after-fork.pagetable-B.svg", dir);
	g_autofree char *second =
		g_strdup_printf("%s/02-parent-reused-page-0.pagetable-B.svg", dir);
	g_autofree char *svg = NULL;

	cr_assert_eq(status, 0, "%s", out);
	cr_assert(strstr(out, first) && strstr(out, second), "%s", out);
	cr_assert(g_file_get_contents(first, &svg, NULL, NULL));
	cr_assert(g_str_has_prefix(svg, "<?xml"), "not SVG: %.80s", svg);
	cr_assert(strstr(svg, "process B (pid 2)"), "B's picture does not name B");
	g_unlink(first);
	g_unlink(second);
	g_rmdir(dir);
}

/* --view=life: one picture of the run, DIR/life.svg, that says where each kind of page went. */
Test(dot_cli, life_is_one_picture_of_the_run, .timeout = 120)
{
	g_autofree char *dir = g_dir_make_tmp("mmsim-life-XXXXXX", NULL);
	g_autofree char *cmd = g_strdup_printf("\"$MMSIM\" dot --view=life --format=svg -o %s "
					       THREE_KINDS, dir);
	int status;
	g_autofree char *out = run_shell(cmd, &status);
	g_autofree char *path = g_strdup_printf("%s/life.svg", dir);
	g_autofree char *svg = NULL, *dot = NULL, *at = NULL;

	cr_assert_eq(status, 0, "%s", out);
	cr_assert(g_file_get_contents(path, &svg, NULL, NULL), "%s", out);
	g_unlink(path);
	g_rmdir(dir);
	dot = run_shell("\"$MMSIM\" dot --view=life -o - " THREE_KINDS, &status);
	cr_assert_eq(status, 0);
	/* paged out: anon in a swap PTE under writeback, tmpfs in its slot, the file a shadow */
	cr_assert(strstr(dot, "PTE: swap 0:0x1"), "%s", dot);
	cr_assert(strstr(dot, "in swap cache (writeback)"), "%s", dot);
	cr_assert(strstr(dot, "slot [0]: exceptional 0x16"), "%s", dot);
	cr_assert(strstr(dot, "slot [0]: shadow"), "%s", dot);
	cr_assert(strstr(dot, "label=<A: madvise a pageout>"), "%s", dot);
	cr_assert(strstr(dot, "life_shmem_6"), "%s", dot);
	at = run_shell("\"$MMSIM\" dot --view=life --at 2 " THREE_KINDS " 2>&1", &status);
	cr_assert_eq(status, 2);
	cr_assert(strstr(at, "--view=life is one picture of the whole run"), "%s", at);
}

Test(dot_cli, dot_to_stdout_and_one_snapshot)
{
	int status;
	g_autofree char *out = run_shell("\"$MMSIM\" dot --view=frames --at 2 -o - " FORK_COW,
					 &status);

	cr_assert_eq(status, 0, "%s", out);
	cr_assert(g_str_has_prefix(out, "digraph frames {"), "%.80s", out);
	cr_assert(strstr(out, "<B>parent reused page 0</B>"), "%s", out);
	cr_assert_null(strstr(out, "just after fork"), "--at 2 drew the first snapshot too");
}

Test(dot_cli, mistakes_are_refused_with_what_is_there)
{
	int status;
	g_autofree char *swap = run_shell("\"$MMSIM\" dot --view=heap " FORK_COW " 2>&1", &status);
	g_autofree char *at = NULL, *proc = NULL, *fmt = NULL, *lesson = NULL;

	cr_assert_eq(status, 2);
	cr_assert(strstr(swap, "unknown view 'heap'; the views are pagetable, cache, frames, "
			       "system, swap and life"), "%s", swap);
	at = run_shell("\"$MMSIM\" dot --at nowhere " FORK_COW " 2>&1", &status);
	cr_assert_eq(status, 2);
	cr_assert(strstr(at, "has no snapshot \"nowhere\"; its snapshots are:\n  1  \"just after "
			     "fork\"\n  2  \"parent reused page 0\""), "%s", at);
	proc = run_shell("\"$MMSIM\" dot --view=pagetable " FORK_COW " 2>&1", &status);
	cr_assert_eq(status, 2);
	cr_assert(strstr(proc, "--view=pagetable draws one process; choose it with --process"),
		  "%s", proc);
	cr_assert(strstr(proc, "has A, B"), "%s", proc);
	fmt = run_shell("\"$MMSIM\" dot --format=gif " FORK_COW " 2>&1", &status);
	cr_assert_eq(status, 2);
	cr_assert(strstr(fmt, "--format takes dot, svg, png or pdf, not 'gif'"), "%s", fmt);
}

/* ---- mmsim lesson, and the page in a browser ---- */

/* A directory of the test's own, removed with what is in it. */
static void remove_tree(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *path = g_build_filename(dir, name, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			remove_tree(path);
		else
			g_unlink(path);
	}
	g_rmdir(dir);
}

static int count_of(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

Test(lesson, the_page_has_every_step_and_needs_no_network, .timeout = 120)
{
	g_autofree char *dir = g_dir_make_tmp("mmsim-lesson-XXXXXX", NULL);
	g_autofree char *cmd = g_strdup_printf("\"$MMSIM\" lesson -o %s " FORK_COW, dir);
	g_autofree char *path = g_build_filename(dir, "fork-cow.html", NULL);
	g_autofree char *page = NULL, *again = NULL;
	int status;
	g_autofree char *out = run_shell(cmd, &status);
	g_autofree char *out2 = NULL;

	cr_assert_eq(status, 0, "%s", out);
	cr_assert(g_file_get_contents(path, &page, NULL, NULL), "%s was not written", path);
	/* two snapshots and the end (statements follow the last snapshot) */
	cr_assert_eq(count_of(page, "<section class=\"step\""), 3);
	cr_assert_eq(count_of(page, "<svg "), 3);
	cr_assert(strstr(page, "<h2>3. the end of the scenario</h2>"), "no final step");
	cr_assert(strstr(page, "<p>The child's first write copies the page: a new frame for the "
			       "child.</p>"), "the say text of step 2 is missing");
	cr_assert(strstr(page, "do_wp_page"), "no kernel trace in the page");
	/* nothing fetched: no src= at all, no link but the SVG namespaces */
	cr_assert_null(strstr(page, " src="), "the page loads something");
	cr_assert_null(strstr(page, "<link"), "the page loads something");
	cr_assert_null(strstr(page, "href=\"http"), "the page links out");
	/* the same file gives the same page */
	out2 = run_shell(cmd, &status);
	cr_assert(g_file_get_contents(path, &again, NULL, NULL));
	cr_assert_str_eq(page, again, "two runs wrote different pages");
	remove_tree(dir);
}

static guint32 be32(const guint8 *p)
{
	return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

/*
 * Decode an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes):
 * the chunks, zlib, the five row filters. Returns the pixels (RGBA), or NULL.
 */
static guint8 *png_pixels(const guint8 *png, gsize len, guint32 *width, guint32 *height)
{
	g_autoptr(GByteArray) idat = g_byte_array_new();
	guint8 depth = 0, type = 0, bpp;
	gsize pos = 8;
	g_autofree guint8 *raw = NULL;
	guint8 *rgba, *prev, *line;
	uLongf rawlen;

	if (len < 33 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) != 0)
		return NULL;
	while (pos + 12 <= len) {
		guint32 n = be32(png + pos);

		if (pos + 12 + n > len)
			return NULL;
		if (!memcmp(png + pos + 4, "IHDR", 4)) {
			*width = be32(png + pos + 8);
			*height = be32(png + pos + 12);
			depth = png[pos + 16];
			type = png[pos + 17];
		} else if (!memcmp(png + pos + 4, "IDAT", 4)) {
			g_byte_array_append(idat, png + pos + 8, n);
		}
		pos += 12 + n;
	}
	if (depth != 8 || (type != 2 && type != 6) || png[28] != 0)
		return NULL;
	bpp = type == 6 ? 4 : 3;
	rawlen = (uLongf)(*height) * (1 + (uLongf)(*width) * bpp);
	raw = g_malloc(rawlen);
	if (uncompress(raw, &rawlen, idat->data, idat->len) != Z_OK)
		return NULL;
	rgba = g_malloc0((gsize)(*width) * (*height) * 4);
	prev = g_malloc0((gsize)(*width) * bpp);
	for (guint32 y = 0; y < *height; y++) {
		guint8 filter = raw[y * (1 + *width * bpp)];

		line = raw + y * (1 + *width * bpp) + 1;
		for (guint32 x = 0; x < *width * bpp; x++) {
			int a = x >= bpp ? line[x - bpp] : 0, b = prev[x];
			int c = x >= bpp ? prev[x - bpp] : 0, p = a + b - c;
			int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

			if (filter == 1)
				line[x] += a;
			else if (filter == 2)
				line[x] += b;
			else if (filter == 3)
				line[x] += (a + b) / 2;
			else if (filter == 4)
				line[x] += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
		}
		for (guint32 x = 0; x < *width; x++) {
			memcpy(rgba + ((gsize)y * *width + x) * 4, line + x * bpp, 3);
			rgba[((gsize)y * *width + x) * 4 + 3] = bpp == 4 ? line[x * bpp + 3] : 255;
		}
		memcpy(prev, line, (gsize)(*width) * bpp);
	}
	g_free(prev);
	return rgba;
}

/* The share of pixels, in thousandths, that are not the page's background. */
static int drawn_permille(const guint8 *rgba, guint32 width, guint32 height)
{
	guint64 drawn = 0, all = (guint64)width * height;

	for (guint64 i = 0; i < all; i++) {
		const guint8 *p = rgba + i * 4;

		drawn += !(p[0] == 0xfa && p[1] == 0xfa && p[2] == 0xfa) &&
			 !(p[0] == 0xff && p[1] == 0xff && p[2] == 0xff);
	}
	return (int)(drawn * 1000 / all);
}

/* Chromium, installed from Debian by tools/deps.sh if it is missing; NULL if it cannot be. */
static bool have_chromium(void)
{
	g_autofree char *path = g_find_program_in_path("chromium");

	return path != NULL;
}

static const char *chromium(char **why)
{
	int status;
	g_autofree char *out = NULL;

	if (have_chromium())
		return "chromium";
	out = run_shell("tools/deps.sh chromium 2>&1", &status);
	if (have_chromium())
		return "chromium";
	*why = g_strdup_printf("tools/deps.sh chromium: %s", g_strstrip(out));
	return NULL;
}

static char *browser(const char *profile, const char *args, const char *url)
{
	g_autofree char *cmd = g_strdup_printf(
		"timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
		"--no-first-run --user-data-dir=%s %s '%s' 2>/dev/null", profile, args, url);
	int status;
	char *out = run_shell(cmd, &status);

	cr_assert_eq(status, 0, "chromium failed (%d): %s", status, cmd);
	return out;
}

Test(lesson, a_browser_steps_through_the_page, .timeout = 600)
{
	g_autofree char *why = NULL;
	g_autofree char *dir = NULL, *cmd = NULL, *page = NULL, *profile = NULL, *dom = NULL;
	g_autofree char *url = NULL, *mk = NULL;
	int status;
	g_autofree guint8 *first = NULL;
	gsize first_len = 0;

	if (!chromium(&why))
		cr_skip_test("no headless Chromium, so the lesson page is not opened in a browser "
			     "(%s)", why);
	dir = g_dir_make_tmp("mmsim-browser-XXXXXX", NULL);
	profile = g_build_filename(dir, "profile", NULL);
	cmd = g_strdup_printf("\"$MMSIM\" lesson -o %s " FORK_COW, dir);
	mk = run_shell(cmd, &status);
	cr_assert_eq(status, 0, "%s", mk);
	page = g_build_filename(dir, "fork-cow.html", NULL);

	/* The keys and buttons, driven by the page's own self-test. */
	url = g_strdup_printf("file://%s?selftest#1", page);
	dom = browser(profile, "--dump-dom", url);
	cr_assert(strstr(dom, "data-selftest=\"1 2 3 2 3 2 3 1\""),
		  "keys and buttons did not move as expected: %.300s",
		  strstr(dom, "data-selftest") ? strstr(dom, "data-selftest") : "(no self-test)");

	/* A screenshot of each step: the right size, drawn, each its own. */
	for (int step = 1; step <= 3; step++) {
		g_autofree char *shot = g_strdup_printf("%s/step%d.png", dir, step);
		g_autofree char *args = g_strdup_printf("--window-size=1280,800 --screenshot=%s",
							shot);
		g_autofree char *surl = g_strdup_printf("file://%s#%d", page, step);
		g_autofree char *png = NULL, *ignored = browser(profile, args, surl);
		g_autofree guint8 *rgba = NULL;
		gsize len = 0;
		guint32 w = 0, h = 0;

		cr_assert(g_file_get_contents(shot, &png, &len, NULL), "no screenshot of step %d",
			  step);
		rgba = png_pixels((const guint8 *)png, len, &w, &h);
		cr_assert(rgba, "step %d: the screenshot is not a PNG this test reads", step);
		cr_assert(w == 1280 && h == 800, "step %d: screenshot is %ux%u", step, w, h);
		cr_assert_gt(drawn_permille(rgba, w, h), 100,
			     "step %d: the screenshot is almost blank (%d/1000 drawn)", step,
			     drawn_permille(rgba, w, h));
		if (step == 1) {
			first = g_memdup2(png, len);
			first_len = len;
		} else {
			cr_assert(len != first_len || memcmp(png, first, len) != 0,
				  "step %d looks the same as step 1", step);
		}
	}
	remove_tree(dir);
}
