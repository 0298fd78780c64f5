// SPDX-License-Identifier: GPL-2.0
/*
 * dot.c - `mmsim dot FILE`: Graphviz diagrams of a scenario's state.
 *
 *   mmsim dot [--view=VIEW] [--process=P] [--object=O] [--at=SNAPSHOT |
 *             --every-step] [--diff] [--tree=radix|xarray] [-o DIR]
 *             [--format=dot|svg|png|pdf] FILE
 *
 * The scenario runs as under `mmsim run` (silently); the recorder (below)
 * draws the view at each `snapshot` statement from the runner's statement
 * hook, while the model is there to read. The pictures are written once the
 * run is over, one file per snapshot: DIR/NN-SLUG.VIEW.FORMAT, NN the
 * snapshot's number in the file and SLUG its text in lowercase letters,
 * digits and dashes. SVG, PNG and PDF are rendered in-process with libgvc.
 * The same file gives the same bytes.
 *
 * A scenario without `snapshot` statements is drawn once, at its end.
 *
 * --view=life is one picture of the whole run (viz/dot_life.c): the recorder
 * follows the first anonymous, file and tmpfs mapping made (the VMA a `mmap`
 * statement added), notes every statement, takes a column at each snapshot
 * and draws the graph after the last statement: DIR/life.FORMAT.
 */
#include "dot_cmd.h"

#include "backend.h"
#include "dot_render.h"
#include "dot_views.h"
#include "fs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SLUG_MAX 48

struct dot_recorder {
	const struct scn_file *f;
	struct dot_request req;
	bool xarray;
	char *view_tag;
	int at;		       /* the snapshot number --at selects, 0 for all */
	bool end_only;	       /* draw the end too (always when there are no snapshots) */
	int last_stmt;	       /* index of the last statement the runner runs */
	int nobjects;	       /* objects created so far, as the runner numbers them */
	GHashTable *objects;   /* object name -> runner's number + 1 */
	GPtrArray *snapshots;  /* struct dot_snapshot * */
	struct dot_graph *prev;
	const char *prev_title;
	struct viz_life *life;	/* --view=life */
	GArray *vmas_before;	/* life: the VMA starts before an mmap statement */
};

/* ---- names in the scenario ---- */

static bool creates_object(enum scn_kind k)
{
	return k == SCN_FILE || k == SCN_SHM_OPEN || k == SCN_MEMFD || k == SCN_SHMGET;
}

/* Processes (@objects false) or objects, in order of creation. */
static GPtrArray *scenario_names(const struct scn_file *f, bool objects)
{
	GPtrArray *names = g_ptr_array_new();

	for (int i = 0; i < f->nstmts; i++) {
		const struct scn_stmt *s = &f->stmts[i];

		if (objects && creates_object(s->kind))
			g_ptr_array_add(names, s->name);
		else if (!objects && s->kind == SCN_PROCESS)
			g_ptr_array_add(names, s->name);
		else if (!objects && s->kind == SCN_FORK)
			g_ptr_array_add(names, s->name2);
	}
	return names;
}

static char *join_names(GPtrArray *names)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < names->len; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", (char *)names->pdata[i]);
	return g_string_free(s, FALSE);
}

static bool has_name(GPtrArray *names, const char *name)
{
	for (guint i = 0; i < names->len; i++)
		if (strcmp(names->pdata[i], name) == 0)
			return true;
	return false;
}

/*
 * The process (or object) a one-process view draws: the one named, which
 * must exist, or the scenario's only one. NULL with *err set otherwise.
 */
static const char *pick_name(const struct scn_file *f, bool objects, const char *given,
			     GError **err)
{
	g_autoptr(GPtrArray) names = scenario_names(f, objects);
	g_autofree char *list = join_names(names);
	const char *what = objects ? "object" : "process";
	const char *view = objects ? "cache" : "pagetable";

	if (given && has_name(names, given))
		return given;
	if (given)
		g_set_error(err, SCN_ERROR, SCN_ERROR_REFUSED, "%s has no %s '%s'%s%s%s", f->path,
			    what, given, names->len ? " (it has " : "", list,
			    names->len ? ")" : "");
	else if (names->len == 1)
		return names->pdata[0];
	else if (!names->len)
		g_set_error(err, SCN_ERROR, SCN_ERROR_REFUSED,
			    "%s has no %s to draw with --view=%s", f->path, what, view);
	else
		g_set_error(err, SCN_ERROR, SCN_ERROR_REFUSED,
			    "--view=%s draws one %s; choose it with --%s (%s has %s)", view, what,
			    what, f->path, list);
	return NULL;
}

/* The snapshot --at names: its text, or its number counted from 1. 0 with *err set. */
static int pick_snapshot(const struct scn_file *f, const char *at, GError **err)
{
	g_autoptr(GString) list = g_string_new(NULL);
	int n = 0, number = 0;
	char *end;
	long asked = strtol(at, &end, 10);

	for (int i = 0; i < f->nstmts; i++) {
		if (f->stmts[i].kind != SCN_SNAPSHOT)
			continue;
		n++;
		if (!number && strcmp(f->stmts[i].text, at) == 0)
			number = n;
		g_string_append_printf(list, "\n  %d  \"%s\"", n, f->stmts[i].text);
	}
	if (!number && *at && !*end && asked >= 1 && asked <= n)
		number = (int)asked;
	if (number)
		return number;
	if (!n)
		g_set_error(err, SCN_ERROR, SCN_ERROR_REFUSED,
			    "--at: %s has no snapshot statements (add snapshot \"TEXT\", or use "
			    "--every-step)", f->path);
	else
		g_set_error(err, SCN_ERROR, SCN_ERROR_REFUSED,
			    "--at: %s has no snapshot \"%s\"; its snapshots are:%s", f->path, at,
			    list->str);
	return 0;
}

bool dot_view_from_name(const char *name, enum dot_view *view, GError **err)
{
	static const char *const names[] = {
		[DOT_VIEW_PAGETABLE] = "pagetable", [DOT_VIEW_CACHE] = "cache",
		[DOT_VIEW_FRAMES] = "frames", [DOT_VIEW_SYSTEM] = "system",
		[DOT_VIEW_SWAP] = "swap",     [DOT_VIEW_LIFE] = "life",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		if (strcmp(name, names[i]) == 0) {
			*view = (enum dot_view)i;
			return true;
		}
	}
	g_set_error(err, SCN_ERROR, SCN_ERROR_REFUSED,
		    "unknown view '%s'; the views are pagetable, cache, frames, system, swap and "
		    "life", name);
	return false;
}

/* ---- the recorder ---- */

static void free_snapshot(gpointer p)
{
	struct dot_snapshot *s = p;

	g_free(s->title);
	g_free(s->slug);
	g_free(s->dot);
	g_free(s);
}

static int last_runnable(const struct scn_file *f)
{
	for (int i = f->nstmts - 1; i >= 0; i--)
		if (f->stmts[i].kind != SCN_TITLE && f->stmts[i].kind != SCN_CONFIG)
			return i;
	return -1;
}

static bool has_snapshots(const struct scn_file *f)
{
	for (int i = 0; i < f->nstmts; i++)
		if (f->stmts[i].kind == SCN_SNAPSHOT)
			return true;
	return false;
}

static char *view_tag(const struct dot_request *req)
{
	switch (req->view) {
	case DOT_VIEW_PAGETABLE:
		return g_strdup_printf("pagetable-%s", req->process);
	case DOT_VIEW_CACHE:
		return g_strdup_printf("cache-%s", req->object);
	case DOT_VIEW_FRAMES:
		return g_strdup("frames");
	case DOT_VIEW_SWAP:
		return g_strdup("swap");
	case DOT_VIEW_LIFE:
		return g_strdup("life");
	default:
		return g_strdup("system");
	}
}

struct dot_recorder *dot_recorder_new(const struct scn_file *f, const struct dot_request *req,
				      GError **err)
{
	struct dot_recorder *rec;
	struct dot_request r = *req;

	if (req->at && req->every_step) {
		g_set_error(err, SCN_ERROR, SCN_ERROR_REFUSED,
			    "--at and --every-step do not go together: --at picks one snapshot, "
			    "--every-step draws after every statement");
		return NULL;
	}
	if (req->view == DOT_VIEW_LIFE && (req->at || req->every_step || req->diff)) {
		g_set_error(err, SCN_ERROR, SCN_ERROR_REFUSED,
			    "--view=life is one picture of the whole run, a column per snapshot; "
			    "--at, --every-step and --diff do not apply to it");
		return NULL;
	}
	if (r.view == DOT_VIEW_PAGETABLE && !(r.process = pick_name(f, false, req->process, err)))
		return NULL;
	if (r.view == DOT_VIEW_CACHE && !(r.object = pick_name(f, true, req->object, err)))
		return NULL;
	rec = g_new0(struct dot_recorder, 1);
	if (req->at && !(rec->at = pick_snapshot(f, req->at, err))) {
		g_free(rec);
		return NULL;
	}
	rec->f = f;
	rec->req = r;
	rec->xarray = req->xarray < 0 ? f->config.tree == SCN_TREE_XARRAY : req->xarray;
	rec->view_tag = view_tag(&r);
	rec->end_only = !req->every_step && (req->at_end || !has_snapshots(f));
	rec->last_stmt = last_runnable(f);
	rec->objects = g_hash_table_new(g_str_hash, g_str_equal);
	rec->snapshots = g_ptr_array_new_with_free_func(free_snapshot);
	if (r.view == DOT_VIEW_LIFE) {
		rec->life = viz_life_new();
		rec->vmas_before = g_array_new(FALSE, FALSE, sizeof(unsigned long));
	}
	return rec;
}

void dot_recorder_free(struct dot_recorder *rec)
{
	if (!rec)
		return;
	g_free(rec->view_tag);
	g_hash_table_destroy(rec->objects);
	g_ptr_array_free(rec->snapshots, TRUE);
	dot_graph_free(rec->prev);
	viz_life_free(rec->life);
	if (rec->vmas_before)
		g_array_free(rec->vmas_before, TRUE);
	g_free(rec);
}

GPtrArray *dot_recorder_snapshots(struct dot_recorder *rec)
{
	return rec->snapshots;
}

const char *dot_recorder_view_tag(struct dot_recorder *rec)
{
	return rec->view_tag;
}

/* Lowercase ASCII letters and digits, anything else one dash, at most SLUG_MAX. */
static char *slug(const char *text)
{
	GString *s = g_string_new(NULL);

	for (const char *p = text; *p && s->len < SLUG_MAX; p++) {
		if (g_ascii_isalnum(*p))
			g_string_append_c(s, g_ascii_tolower(*p));
		else if (s->len && s->str[s->len - 1] != '-')
			g_string_append_c(s, '-');
	}
	while (s->len && s->str[s->len - 1] == '-')
		g_string_truncate(s, s->len - 1);
	if (!s->len)
		g_string_append(s, "snapshot");
	return g_string_free(s, FALSE);
}

/* Statements that may change the model (not say, show, snapshot, expect). */
static bool changes_state(enum scn_kind k)
{
	switch (k) {
	case SCN_TITLE:
	case SCN_CONFIG:
	case SCN_SAY:
	case SCN_SNAPSHOT:
	case SCN_SHOW:
		return false;
	default:
		return k < SCN_EXPECT_PAGE || k > SCN_EXPECT_VMSTAT;
	}
}

static struct inode *find_inode(struct dot_recorder *rec, struct scn_backend *be,
				const char *name)
{
	gpointer id = g_hash_table_lookup(rec->objects, name);

	return id ? scn_sim_backend_inode(be, GPOINTER_TO_INT(id) - 1) : NULL;
}

/* The scenario's names of the live objects, for the system view's labels. */
static GHashTable *object_names(struct dot_recorder *rec, struct scn_backend *be)
{
	GHashTable *names = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_autoptr(GPtrArray) all = scenario_names(rec->f, true);

	for (guint i = 0; i < all->len; i++) {
		struct inode *inode = find_inode(rec, be, all->pdata[i]);

		if (inode && !g_hash_table_contains(names, inode))
			g_hash_table_insert(names, inode, all->pdata[i]);
	}
	return names;
}

static struct dot_graph *draw(struct dot_recorder *rec, struct scn_backend *be, const char *title)
{
	struct sim_machine *m = scn_sim_backend_machine(be);
	const struct dot_request *r = &rec->req;

	switch (r->view) {
	case DOT_VIEW_PAGETABLE: {
		struct task_struct *t = viz_find_task(m, r->process);
		g_autofree char *text =
			g_strdup_printf("process %s does not exist yet", r->process);

		return t ? viz_dot_pagetable(m, t, title)
			 : viz_dot_message("pagetable", title, text);
	}
	case DOT_VIEW_CACHE: {
		struct inode *inode = find_inode(rec, be, r->object);
		bool was = g_hash_table_contains(rec->objects, r->object);
		g_autofree char *text = g_strdup_printf("object %s does not exist %s", r->object,
							was ? "any more" : "yet");

		return inode ? viz_dot_cache(m, inode, r->object, rec->xarray, title)
			     : viz_dot_message("cache", title, text);
	}
	case DOT_VIEW_FRAMES:
		return viz_dot_frames(m, title);
	case DOT_VIEW_SWAP:
		return viz_dot_swap(m, title);
	default: {
		g_autoptr(GHashTable) names = object_names(rec, be);

		return viz_dot_system(m, names, rec->xarray, title);
	}
	}
}

static void take(struct dot_recorder *rec, const struct scn_stmt *s, struct scn_backend *be,
		 char *title)
{
	struct dot_snapshot *snap = g_new0(struct dot_snapshot, 1);
	struct dot_graph *g;
	g_autofree char *base = slug(title);
	g_autoptr(GString) out = g_string_new(NULL);

	snap->number = (int)rec->snapshots->len + 1;
	snap->title = title;
	snap->slug = g_strdup_printf("%02d-%s", snap->number, base);
	snap->line = s->loc.line;
	snap->stmt = (int)(s - rec->f->stmts);
	snap->selected = !rec->at || rec->at == snap->number;
	g = draw(rec, be, title);
	dot_write(g, rec->req.diff ? rec->prev : NULL, rec->prev_title, out);
	snap->dot = g_strdup(out->str);
	dot_graph_free(rec->prev);
	rec->prev = g;
	rec->prev_title = snap->title;
	g_ptr_array_add(rec->snapshots, snap);
}

/* ---- the life view ---- */

/* Before an mmap statement: the VMAs its process has. */
static void life_before_mmap(struct dot_recorder *rec, const struct scn_stmt *s,
			     struct scn_backend *be)
{
	struct task_struct *t = s->proc ? viz_find_task(scn_sim_backend_machine(be), s->proc) : NULL;

	g_array_set_size(rec->vmas_before, 0);
	for (struct vm_area_struct *v = t && t->mm ? t->mm->mmap : NULL; v; v = v->vm_next)
		g_array_append_val(rec->vmas_before, v->vm_start);
}

/* After it: the VMA that was not there before is the mapping the statement named. */
static void life_after_mmap(struct dot_recorder *rec, const struct scn_stmt *s,
			    struct scn_backend *be)
{
	struct task_struct *t = s->proc ? viz_find_task(scn_sim_backend_machine(be), s->proc) : NULL;

	if (s->outcome.kind != SCN_OUT_OK)
		return;
	for (struct vm_area_struct *v = t && t->mm ? t->mm->mmap : NULL; v; v = v->vm_next) {
		bool old = false;

		for (guint i = 0; i < rec->vmas_before->len; i++)
			old |= g_array_index(rec->vmas_before, unsigned long, i) == v->vm_start;
		if (!old) {
			g_autoptr(GHashTable) names = object_names(rec, be);
			const char *obj = v->vm_file ? g_hash_table_lookup(names,
									   file_inode(v->vm_file))
						     : NULL;

			viz_life_track(rec->life, v, s->proc, s->name, obj);
			return;
		}
	}
}

static void life_hook(struct dot_recorder *rec, const struct scn_file *f,
		      const struct scn_stmt *s, enum scn_hook_when when, struct scn_backend *be)
{
	struct sim_machine *m = scn_sim_backend_machine(be);

	if (s->kind == SCN_MMAP && when == SCN_HOOK_BEFORE)
		life_before_mmap(rec, s, be);
	if (when != SCN_HOOK_AFTER)
		return;
	if (s->kind == SCN_MMAP)
		life_after_mmap(rec, s, be);
	if (changes_state(s->kind))
		viz_life_statement(rec->life, s->proc, s->ref.name, s->name, s->object, s->src);
	if (s->kind == SCN_SNAPSHOT)
		viz_life_snapshot(rec->life, m, s->text);
	if (s == &f->stmts[rec->last_stmt]) {
		struct dot_snapshot *snap = g_new0(struct dot_snapshot, 1);
		struct dot_graph *g;
		g_autoptr(GString) out = g_string_new(NULL);

		if (!has_snapshots(f))
			viz_life_snapshot(rec->life, m, "the end of the scenario");
		snap->number = 1;
		snap->title = f->title ? g_strdup(f->title)
					: g_strdup_printf("The life of a page: %s", f->path);
		snap->slug = g_strdup("life");
		snap->line = s->loc.line;
		snap->stmt = (int)(s - f->stmts);
		snap->selected = true;
		g = viz_life_graph(rec->life, snap->title);
		dot_write(g, NULL, NULL, out);
		snap->dot = g_strdup(out->str);
		dot_graph_free(g);
		g_ptr_array_add(rec->snapshots, snap);
	}
}

bool dot_recorder_hook(void *data, const struct scn_file *f, const struct scn_stmt *s,
		       enum scn_hook_when when, struct scn_backend *be)
{
	struct dot_recorder *rec = data;

	if (rec->life && creates_object(s->kind) && when == SCN_HOOK_AFTER) {
		rec->nobjects++;
		if (s->outcome.kind == SCN_OUT_OK)
			g_hash_table_insert(rec->objects, s->name, GINT_TO_POINTER(rec->nobjects));
	}
	if (rec->life) {
		life_hook(rec, f, s, when, be);
		return true;
	}
	if (when != SCN_HOOK_AFTER)
		return true;
	if (creates_object(s->kind)) {
		rec->nobjects++;
		if (s->outcome.kind == SCN_OUT_OK)
			g_hash_table_insert(rec->objects, s->name, GINT_TO_POINTER(rec->nobjects));
	}
	if (rec->req.every_step && changes_state(s->kind))
		take(rec, s, be, g_strdup_printf("line %d: %s", s->loc.line, s->src));
	else if (!rec->req.every_step && s->kind == SCN_SNAPSHOT)
		take(rec, s, be, g_strdup(s->text));
	else if (rec->end_only && s == &f->stmts[rec->last_stmt] && !rec->req.at)
		take(rec, s, be, g_strdup("the end of the scenario"));
	return true;
}

/* ---- mmsim dot ---- */

struct dot_cli {
	char *view, *process, *object, *at, *output, *format, *tree;
	gboolean every_step, diff;
};

static bool write_snapshot(const struct dot_cli *o, struct dot_recorder *rec,
			   const struct dot_snapshot *snap, GError **err)
{
	/* life is one picture: DIR/life.FORMAT */
	g_autofree char *name =
		strcmp(dot_recorder_view_tag(rec), "life") == 0
			? g_strdup_printf("%s.%s", snap->slug, o->format)
			: g_strdup_printf("%s.%s.%s", snap->slug, dot_recorder_view_tag(rec),
					  o->format);
	g_autofree char *path = g_build_filename(o->output, name, NULL);
	g_autoptr(GBytes) bytes = NULL;
	gsize len;
	const char *data;

	if (strcmp(o->format, "dot") == 0)
		bytes = g_bytes_new(snap->dot, strlen(snap->dot));
	else if (!(bytes = viz_dot_render(snap->dot, o->format, err)))
		return false;
	data = g_bytes_get_data(bytes, &len);
	if (!g_file_set_contents(path, data, (gssize)len, err))
		return false;
	printf("%s\n", path);
	return true;
}

static bool write_all(const struct dot_cli *o, struct dot_recorder *rec, GError **err)
{
	GPtrArray *snaps = dot_recorder_snapshots(rec);

	if (strcmp(o->output, "-") != 0 && g_mkdir_with_parents(o->output, 0755) != 0) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "cannot create directory '%s': %s", o->output, g_strerror(errno));
		return false;
	}
	for (guint i = 0; i < snaps->len; i++) {
		const struct dot_snapshot *snap = snaps->pdata[i];

		if (!snap->selected)
			continue;
		if (strcmp(o->output, "-") == 0)
			fputs(snap->dot, stdout);
		else if (!write_snapshot(o, rec, snap, err))
			return false;
	}
	return true;
}

/* Turn the options into a request; false with a message on stderr. */
static bool make_request(struct dot_cli *o, struct dot_request *req)
{
	g_autoptr(GError) err = NULL;

	*req = (struct dot_request){ .process = o->process, .object = o->object, .at = o->at,
				     .every_step = o->every_step, .diff = o->diff, .xarray = -1 };
	if (!dot_view_from_name(o->view ? o->view : "system", &req->view, &err)) {
		fprintf(stderr, "mmsim dot: %s\n", err->message);
		return false;
	}
	if (!o->format)
		o->format = g_strdup("dot");
	if (strcmp(o->format, "dot") != 0 && !viz_dot_format_ok(o->format)) {
		fprintf(stderr, "mmsim dot: --format takes dot, svg, png or pdf, not '%s'\n",
			o->format);
		return false;
	}
	if (!o->output)
		o->output = g_strdup(".");
	if (strcmp(o->output, "-") == 0 && strcmp(o->format, "dot") != 0) {
		fprintf(stderr, "mmsim dot: -o - writes DOT text to the standard output; "
				"--format=%s needs a directory\n", o->format);
		return false;
	}
	if (o->tree && strcmp(o->tree, "radix") != 0 && strcmp(o->tree, "xarray") != 0) {
		fprintf(stderr, "mmsim dot: --tree takes radix or xarray, not '%s'\n", o->tree);
		return false;
	}
	if (o->tree)
		req->xarray = strcmp(o->tree, "xarray") == 0;
	return true;
}

static void free_cli(struct dot_cli *o)
{
	g_free(o->view);
	g_free(o->process);
	g_free(o->object);
	g_free(o->at);
	g_free(o->output);
	g_free(o->format);
	g_free(o->tree);
}

static const char dot_description[] =
	"Views:\n"
	"  pagetable  one process: its VMAs, the page tables it has allocated (runs of\n"
	"             empty entries folded), every PTE with its bits, arrows to frames\n"
	"  cache      one object's page-cache tree: nodes, occupied slots, exceptional\n"
	"             entries with their raw values (--tree=xarray: the XArray encoding)\n"
	"  frames     the frames in use by LRU list, and reverse-map arrows to every PTE\n"
	"             mapping them (through the anon_vma chain or mapping->i_mmap)\n"
	"  system     every process's page tables and every object's tree, clustered\n"
	"  swap       the swap device's slots in use (swap_map count, SWAP_HAS_CACHE,\n"
	"             written or zero), free runs folded, and the swap cache's pages\n"
	"  life       one picture of the run, DIR/life.FORMAT: the first page of an\n"
	"             anonymous, a file and a tmpfs mapping, a column per snapshot,\n"
	"             arrows labelled with the statements that moved each page\n"
	"\n"
	"One file per snapshot statement, named after it: DIR/NN-SLUG.VIEW.FORMAT, e.g.\n"
	"out/01-just-after-fork.pagetable-A.svg. A scenario without snapshots is drawn at\n"
	"its end. The same file gives the same bytes. Each file written is printed.\n"
	"\n"
	"Exit status: 0 drawn and every expectation held; 1 drawn, but an expectation\n"
	"failed (mmsim run shows which); 2 nothing drawn: a bad option, a file that does\n"
	"not parse or is refused, a file that cannot be written.";

int cmd_dot(int argc, char **argv)
{
	struct dot_cli o = { 0 };
	GOptionEntry entries[] = {
		{ "view", 0, 0, G_OPTION_ARG_STRING, &o.view,
		  "pagetable, cache, frames, system (the default), swap or life", "VIEW" },
		{ "process", 0, 0, G_OPTION_ARG_STRING, &o.process,
		  "the process --view=pagetable draws (default: the only one)", "P" },
		{ "object", 0, 0, G_OPTION_ARG_STRING, &o.object,
		  "the object --view=cache draws (default: the only one)", "O" },
		{ "at", 0, 0, G_OPTION_ARG_STRING, &o.at,
		  "draw only this snapshot: its text, or its number counting from 1", "SNAPSHOT" },
		{ "every-step", 0, 0, G_OPTION_ARG_NONE, &o.every_step,
		  "draw after every statement that can change the state, not at snapshots", NULL },
		{ "diff", 0, 0, G_OPTION_ARG_NONE, &o.diff,
		  "mark what changed since the previous picture: new in yellow and orange, "
		  "gone in grey", NULL },
		{ "tree", 0, 0, G_OPTION_ARG_STRING, &o.tree,
		  "draw page-cache trees in the radix tree or the XArray encoding "
		  "(default: the scenario's config tree=)", "radix|xarray" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
		  "the directory to write to (default: .); - writes DOT to the standard output",
		  "DIR" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &o.format,
		  "dot (the default), svg, png or pdf", "FORMAT" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("FILE - draw the state of a scenario");
	g_autoptr(GError) err = NULL;
	struct scn_file *f = NULL;
	struct dot_recorder *rec = NULL;
	struct dot_request req;
	struct scn_run_options opt = { .trace = SCN_TRACE_NONE };
	enum scn_status st = SCN_REFUSED;
	int status = 2;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(ctx, dot_description);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "mmsim dot: %s\n", err->message);
		goto out;
	}
	if (argc != 2) {
		fprintf(stderr, "mmsim dot: give one scenario file (try: mmsim dot --view=pagetable"
				" --format=svg -o out scenarios/anon/fork-cow.scn)\n");
		goto out;
	}
	if (!make_request(&o, &req))
		goto out;
	if (!(f = scn_parse_file(argv[1], &err)) || !(rec = dot_recorder_new(f, &req, &err))) {
		fprintf(stderr, "%s%s\n", f ? "mmsim dot: " : "", err->message);
		goto out;
	}
	opt.out = fopen("/dev/null", "w");
	opt.hook = dot_recorder_hook;
	opt.hook_data = rec;
	st = scn_run(f, &opt, &err);
	fclose(opt.out);
	if (st == SCN_REFUSED) {
		fprintf(stderr, "%s\n", err->message);
		goto out;
	}
	if (!write_all(&o, rec, &err)) {
		fprintf(stderr, "mmsim dot: %s\n", err->message);
		goto out;
	}
	status = 0;
	if (st == SCN_FAILED) {
		fprintf(stderr, "mmsim dot: %s: an expectation failed (mmsim run %s shows which); "
				"the diagrams show the model as it was\n", f->path, f->path);
		status = 1;
	}
out:
	dot_recorder_free(rec);
	if (f)
		scn_file_free(f);
	free_cli(&o);
	return status;
}
