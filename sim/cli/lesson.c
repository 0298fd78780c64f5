// SPDX-License-Identifier: GPL-2.0
/*
 * lesson.c - `mmsim lesson FILE -o DIR`: a scenario as a page to step through.
 *
 *   mmsim lesson [--view=VIEW] [--process=P] [--object=O] [--tree=T]
 *                [--no-diff] [--trace=calls|events|none] [-o DIR] FILE
 *
 * One static HTML file, DIR/NAME.html (NAME: the scenario's file name),
 * with everything inside it: no network, no build step, no external file.
 * Each step is a snapshot of the scenario (and its end, if statements follow
 * the last snapshot): its title, the `say` text since the previous step, the
 * diagram (`mmsim dot`'s view, as inline SVG, marked with what changed), and
 * the statements with the narrated kernel trace since the previous step, as
 * `mmsim run` prints them. The arrow keys, Page Up/Down, Home/End and two
 * buttons move between steps; the address (#3) names the step shown. A
 * step's title, text and diagram fill the screen (the diagram scaled to
 * fit; a click shows it at full size), the trace is below them.
 *
 * The run is the same as `mmsim dot`'s: the recorder of dot.c takes the
 * pictures from the runner's statement hook, and this file's hook, around
 * it, cuts the narration at each picture. The same file gives the same page.
 */
#include "dot_cmd.h"

#include "dot_render.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* What one step shows besides its picture. */
struct lesson_step {
	GPtrArray *says;  /* the say texts since the previous step */
	char *narration;  /* what the runner printed since the previous step */
};

struct lesson {
	struct dot_recorder *rec;
	FILE *out;	     /* the runner's narration, into buf */
	char *buf;
	size_t len;
	size_t mark;	     /* where the previous step's narration ended */
	GPtrArray *says;     /* say texts not yet given to a step */
	GPtrArray *steps;    /* struct lesson_step *, one per snapshot */
};

static void free_step(gpointer p)
{
	struct lesson_step *st = p;

	g_ptr_array_free(st->says, TRUE);
	g_free(st->narration);
	g_free(st);
}

/* The narration printed since the previous cut. */
static char *cut_narration(struct lesson *l)
{
	char *text;

	fflush(l->out);
	text = g_strndup(l->buf + l->mark, l->len - l->mark);
	l->mark = l->len;
	return text;
}

/* The recorder's hook, then: a new picture closes a step. */
static bool lesson_hook(void *data, const struct scn_file *f, const struct scn_stmt *s,
			enum scn_hook_when when, struct scn_backend *be)
{
	struct lesson *l = data;
	guint before = dot_recorder_snapshots(l->rec)->len;
	struct lesson_step *st;

	if (!dot_recorder_hook(l->rec, f, s, when, be))
		return false;
	if (when == SCN_HOOK_AFTER && s->kind == SCN_SAY)
		g_ptr_array_add(l->says, g_strdup(s->text));
	if (dot_recorder_snapshots(l->rec)->len == before)
		return true;
	st = g_new0(struct lesson_step, 1);
	st->says = l->says;
	st->narration = cut_narration(l);
	l->says = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(l->steps, st);
	return true;
}

/* ---- the page ---- */

static void html_escape(GString *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '&')
			g_string_append(out, "&amp;");
		else if (*p == '<')
			g_string_append(out, "&lt;");
		else if (*p == '>')
			g_string_append(out, "&gt;");
		else if (*p == '"')
			g_string_append(out, "&quot;");
		else
			g_string_append_c(out, *p);
	}
}

static const char page_style[] =
	"body{margin:0;font-family:\"DejaVu Sans\",sans-serif;font-size:18px;color:#212121;"
	"background:#fafafa}\n"
	"header{position:sticky;top:0;z-index:1;display:flex;align-items:center;gap:1em;"
	"padding:.5em 1em;background:#263238;color:#fff}\n"
	"header h1{flex:1;margin:0;font-size:1.2em}\n"
	"header button{font:inherit;padding:.3em .9em;border:0;border-radius:4px;"
	"background:#ffd400;color:#212121;cursor:pointer}\n"
	"header button:disabled{background:#78909c;cursor:default}\n"
	"#pos{min-width:5em;text-align:center}\n"
	"section.step{padding:0 1.5em 1em;border-bottom:1px solid #cfd8dc}\n"
	"body.js section.step{display:none;border:0}\n"
	"body.js section.step.current{display:block}\n"
	".stage{display:flex;flex-direction:column;height:calc(100vh - 3.4em)}\n"
	"section.step h2{margin:.4em 0 .3em;font-size:1.4em}\n"
	".say p{margin:.2em 0;font-size:1.1em;max-width:60em}\n"
	"figure{flex:1;min-height:12em;margin:.5em 0 0;overflow:auto;background:#fff;"
	"border:1px solid #cfd8dc}\n"
	"figure svg{display:block;width:100%;height:100%;cursor:zoom-in}\n"
	"figure.zoom svg{width:auto;height:auto;cursor:zoom-out}\n"
	"details{margin-top:1em}\n"
	"summary{cursor:pointer;color:#37474f}\n"
	"pre{font-family:\"DejaVu Sans Mono\",monospace;font-size:14px;background:#eceff1;"
	"padding:.8em;overflow:auto;max-height:40em}\n"
	"footer{padding:1em 1.5em;color:#546e7a}\n";

/*
 * Show one step at a time: #N in the address names it; the buttons and the
 * keys change the address. ?selftest drives the keys and buttons and writes
 * what it saw into <body data-selftest>, for the browser test.
 */
static const char page_script[] =
	"(function(){\n"
	"var steps=document.querySelectorAll('section.step'),n=steps.length,cur=0;\n"
	"var prev=document.getElementById('prev'),next=document.getElementById('next'),"
	"pos=document.getElementById('pos');\n"
	"document.body.classList.add('js');\n"
	"function show(i){i=Math.max(0,Math.min(n-1,i));steps[cur].classList.remove('current');"
	"cur=i;steps[cur].classList.add('current');pos.textContent=(cur+1)+' / '+n;"
	"prev.disabled=cur==0;next.disabled=cur==n-1;}\n"
	"function go(i){i=Math.max(0,Math.min(n-1,i));if(location.hash!='#'+(i+1))"
	"location.hash='#'+(i+1);show(i);window.scrollTo(0,0);}\n"
	"function fromHash(){var i=parseInt(location.hash.slice(1),10);show(isNaN(i)?0:i-1);}\n"
	"prev.onclick=function(){go(cur-1);};next.onclick=function(){go(cur+1);};\n"
	"document.querySelectorAll('figure').forEach(function(f){"
	"f.onclick=function(){f.classList.toggle('zoom');};});\n"
	"document.addEventListener('keydown',function(e){\n"
	" if(e.altKey||e.ctrlKey||e.metaKey)return;\n"
	" var k=e.key;\n"
	" if(k=='ArrowRight'||k=='PageDown'||k==' '||k=='n'){go(cur+1);e.preventDefault();}\n"
	" else if(k=='ArrowLeft'||k=='PageUp'||k=='p'){go(cur-1);e.preventDefault();}\n"
	" else if(k=='Home'){go(0);e.preventDefault();}\n"
	" else if(k=='End'){go(n-1);e.preventDefault();}\n"
	"});\n"
	"window.addEventListener('hashchange',fromHash);\n"
	"fromHash();\n"
	"if(location.search.indexOf('selftest')>=0){\n"
	" var seen=[cur+1],key=function(k){document.dispatchEvent("
	"new KeyboardEvent('keydown',{key:k}));seen.push(cur+1);};\n"
	" key('ArrowRight');key('ArrowRight');key('ArrowLeft');\n"
	" next.click();seen.push(cur+1);prev.click();seen.push(cur+1);\n"
	" key('End');key('Home');\n"
	" document.body.setAttribute('data-selftest',seen.join(' '));\n"
	"}\n"
	"})();\n";

static void write_step(GString *page, const struct dot_snapshot *snap,
		       const struct lesson_step *st, const char *svg)
{
	const char *open = strstr(svg, "<svg");

	g_string_append_printf(page, "<section class=\"step\" id=\"step-%d\">\n<div "
				     "class=\"stage\">\n<h2>%d. ",
			       snap->number, snap->number);
	html_escape(page, snap->title);
	g_string_append(page, "</h2>\n<div class=\"say\">\n");
	for (guint i = 0; i < st->says->len; i++) {
		g_string_append(page, "<p>");
		html_escape(page, st->says->pdata[i]);
		g_string_append(page, "</p>\n");
	}
	g_string_append(page, "</div>\n<figure class=\"diagram\">\n");
	g_string_append(page, open ? open : svg); /* without the XML prologue and DOCTYPE */
	g_string_append(page, "</figure>\n</div>\n<details><summary>The statements and the "
			      "kernel's path since the previous step</summary>\n<pre>");
	html_escape(page, st->narration);
	g_string_append(page, "</pre></details>\n</section>\n");
}

static void write_head(GString *page, const struct scn_file *f, int nsteps)
{
	const char *title = f->title ? f->title : f->path;

	g_string_append(page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			      "<meta charset=\"utf-8\">\n"
			      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
	html_escape(page, title);
	g_string_append_printf(page,
			       "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>",
			       page_style);
	html_escape(page, title);
	g_string_append_printf(page, "</h1>\n<button id=\"prev\" title=\"previous step "
				     "(&#8592;)\">&#9664; Previous</button>\n<span id=\"pos\">%d "
				     "steps</span>\n<button id=\"next\" title=\"next step "
				     "(&#8594;)\">Next &#9654;</button>\n</header>\n",
			       nsteps);
}

static char *build_page(struct lesson *l, const struct scn_file *f, GError **err)
{
	GPtrArray *snaps = dot_recorder_snapshots(l->rec);
	g_autoptr(GString) page = g_string_new(NULL);
	g_autofree char *rest = cut_narration(l);

	write_head(page, f, (int)snaps->len);
	for (guint i = 0; i < snaps->len; i++) {
		const struct dot_snapshot *snap = snaps->pdata[i];
		g_autoptr(GBytes) svg = viz_dot_render(snap->dot, "svg", err);
		g_autofree char *text = NULL;

		if (!svg)
			return NULL;
		text = g_strndup(g_bytes_get_data(svg, NULL), g_bytes_get_size(svg));
		write_step(page, snap, l->steps->pdata[i], text);
	}
	g_string_append(page, "<footer>");
	html_escape(page, g_strstrip(rest));
	g_string_append_printf(page, "<br>Made by mmsim lesson from %s.</footer>\n<script>\n%s"
				     "</script>\n</body>\n</html>\n",
			       f->path, page_script);
	return g_strdup(page->str);
}

/* ---- mmsim lesson ---- */

struct lesson_cli {
	char *view, *process, *object, *output, *tree, *trace;
	gboolean no_diff;
};

static void free_cli(struct lesson_cli *o)
{
	g_free(o->view);
	g_free(o->process);
	g_free(o->object);
	g_free(o->output);
	g_free(o->tree);
	g_free(o->trace);
}

static bool make_request(const struct lesson_cli *o, struct dot_request *req,
			 enum scn_trace_mode *trace)
{
	g_autoptr(GError) err = NULL;

	*req = (struct dot_request){ .process = o->process, .object = o->object,
				     .diff = !o->no_diff, .at_end = true, .xarray = -1 };
	if (!dot_view_from_name(o->view ? o->view : "system", &req->view, &err)) {
		fprintf(stderr, "mmsim lesson: %s\n", err->message);
		return false;
	}
	if (req->view == DOT_VIEW_LIFE) {
		fprintf(stderr, "mmsim lesson: --view=life is one picture of the whole run; draw it "
				"with mmsim dot --view=life\n");
		return false;
	}
	if (o->tree && strcmp(o->tree, "radix") != 0 && strcmp(o->tree, "xarray") != 0) {
		fprintf(stderr, "mmsim lesson: --tree takes radix or xarray, not '%s'\n", o->tree);
		return false;
	}
	if (o->tree)
		req->xarray = strcmp(o->tree, "xarray") == 0;
	if (!o->trace || strcmp(o->trace, "calls") == 0)
		*trace = SCN_TRACE_CALLS;
	else if (strcmp(o->trace, "events") == 0)
		*trace = SCN_TRACE_EVENTS;
	else if (strcmp(o->trace, "none") == 0)
		*trace = SCN_TRACE_NONE;
	else {
		fprintf(stderr, "mmsim lesson: --trace takes calls, events or none, not '%s'\n",
			o->trace);
		return false;
	}
	return true;
}

/* DIR/NAME.html, NAME the scenario's file name without .scn. */
static char *page_path(const char *dir, const char *scn)
{
	g_autofree char *base = g_path_get_basename(scn);
	g_autofree char *name = NULL;

	if (g_str_has_suffix(base, ".scn"))
		base[strlen(base) - 4] = '\0';
	name = g_strconcat(base, ".html", NULL);
	return g_build_filename(dir, name, NULL);
}

/* Run @f with the lesson's hooks; the page, or NULL with a message printed. */
static char *run_lesson(const struct scn_file *f, const struct dot_request *req,
			enum scn_trace_mode trace, enum scn_status *st)
{
	struct lesson l = { 0 };
	struct scn_run_options opt = { .trace = trace, .hook = lesson_hook, .hook_data = &l };
	g_autoptr(GError) err = NULL;
	char *page = NULL;

	if (!(l.rec = dot_recorder_new(f, req, &err))) {
		fprintf(stderr, "mmsim lesson: %s\n", err->message);
		return NULL;
	}
	l.out = open_memstream(&l.buf, &l.len);
	l.says = g_ptr_array_new_with_free_func(g_free);
	l.steps = g_ptr_array_new_with_free_func(free_step);
	opt.out = l.out;
	*st = scn_run(f, &opt, &err);
	if (*st == SCN_REFUSED)
		fprintf(stderr, "%s\n", err->message);
	else if (!(page = build_page(&l, f, &err)))
		fprintf(stderr, "mmsim lesson: %s\n", err->message);
	fclose(l.out);
	free(l.buf);
	g_ptr_array_free(l.says, TRUE);
	g_ptr_array_free(l.steps, TRUE);
	dot_recorder_free(l.rec);
	return page;
}

static const char lesson_description[] =
	"Writes DIR/NAME.html (NAME: the scenario's file name): one page with\n"
	"everything inside it, no network. Each step is a snapshot of the scenario\n"
	"(and its end): the say text, the diagram marked with what changed since the\n"
	"previous step, and the statements with the kernel's path since then. Move\n"
	"with the arrow keys, Page Up/Down, Home/End or the buttons; #3 in the address\n"
	"opens step 3. The same file gives the same page.\n"
	"\n"
	"Views as in mmsim dot: pagetable, cache, frames, system (the default).\n"
	"\n"
	"Exit status: 0 written and every expectation held; 1 written, but an\n"
	"expectation failed; 2 nothing written.";

int cmd_lesson(int argc, char **argv)
{
	struct lesson_cli o = { 0 };
	GOptionEntry entries[] = {
		{ "view", 0, 0, G_OPTION_ARG_STRING, &o.view,
		  "the diagram of each step: pagetable, cache, frames or system (the default)",
		  "VIEW" },
		{ "process", 0, 0, G_OPTION_ARG_STRING, &o.process,
		  "the process --view=pagetable draws (default: the only one)", "P" },
		{ "object", 0, 0, G_OPTION_ARG_STRING, &o.object,
		  "the object --view=cache draws (default: the only one)", "O" },
		{ "tree", 0, 0, G_OPTION_ARG_STRING, &o.tree,
		  "page-cache trees in the radix tree or the XArray encoding", "radix|xarray" },
		{ "no-diff", 0, 0, G_OPTION_ARG_NONE, &o.no_diff,
		  "do not mark what changed since the previous step", NULL },
		{ "trace", 't', 0, G_OPTION_ARG_STRING, &o.trace,
		  "the narration of each step: calls (the default), events or none", "MODE" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
		  "the directory to write the page to (default: .)", "DIR" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("FILE - write a lesson page");
	g_autoptr(GError) err = NULL;
	struct scn_file *f = NULL;
	struct dot_request req;
	enum scn_trace_mode trace;
	enum scn_status st = SCN_REFUSED;
	g_autofree char *page = NULL, *path = NULL;
	int status = 2;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(ctx, lesson_description);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "mmsim lesson: %s\n", err->message);
		goto out;
	}
	if (argc != 2) {
		fprintf(stderr, "mmsim lesson: give one scenario file (try: mmsim lesson -o out "
				"scenarios/anon/fork-cow.scn)\n");
		goto out;
	}
	if (!make_request(&o, &req, &trace))
		goto out;
	if (!(f = scn_parse_file(argv[1], &err))) {
		fprintf(stderr, "%s\n", err->message);
		goto out;
	}
	if (!(page = run_lesson(f, &req, trace, &st)))
		goto out;
	path = page_path(o.output ? o.output : ".", argv[1]);
	if (g_mkdir_with_parents(o.output ? o.output : ".", 0755) != 0 ||
	    !g_file_set_contents(path, page, -1, &err)) {
		fprintf(stderr, "mmsim lesson: cannot write %s: %s\n", path,
			err ? err->message : g_strerror(errno));
		goto out;
	}
	printf("%s\n", path);
	status = st == SCN_FAILED ? 1 : 0;
	if (st == SCN_FAILED)
		fprintf(stderr, "mmsim lesson: %s: an expectation failed (the page says which)\n",
			f->path);
out:
	if (f)
		scn_file_free(f);
	free_cli(&o);
	return status;
}
