// SPDX-License-Identifier: GPL-2.0
/*
 * step.c - `mmsim step`: pause a scenario's run inside the model (step.h).
 *
 * Where the run can stop, and what notices it:
 *
 *	before a statement	the runner's hook (before)	next, break LINE, the start
 *	a function's entry	the listener, fn_enter		stepi, break FUNCTION
 *	a function's return	the listener, fn_exit		finish
 *	after a PTE changed	the listener, the next event	watch
 *	the end			the runner's hook (after the last statement)
 *
 * A stop reads commands until one resumes the run (next, stepi, finish,
 * continue) or quits it. A watched PTE is reported at the event after its
 * pte_set, because the model announces a PTE change just before making it:
 * stopped there, `show` already sees the new value. `quit` in the middle of
 * a statement cannot unwind the model: the statement runs to its end with
 * the output muted, and the hook ends the run there.
 *
 * The narration is the runner's own text tracer, attached before the
 * session's listener, so it prints as the run goes and stepping shows the
 * function graph line by line. It holds a function's entry back until the
 * next event (to print a leaf as "name();"), so at a stop on an entry the
 * narration shows the caller, and the entered function's line follows when
 * the run resumes.
 */
#include "step.h"

#include "dot_render.h"
#include "dot_views.h"

#include "backend.h"
#include "lexer.h"
#include "pte_text.h"
#include "runner.h"
#include "sim_machine.h"

#include <limits.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum step_mode {
	STEP_CONTINUE, /* stop only at a breakpoint, a watchpoint or the end */
	STEP_NEXT,     /* stop before the statement @count statements on */
	STEP_STEPI,    /* stop at the next function entry, or before the next statement */
	STEP_FINISH,   /* stop when the function at @finish_depth returns */
	STEP_QUIT,     /* never stop again; the hook ends the run */
};

enum bp_kind { BP_LINE, BP_FUNCTION, BP_WATCH };

struct breakpoint {
	int id;
	enum bp_kind kind;
	int stmt;	    /* BP_LINE: index in f->stmts */
	enum sim_fn fn;	    /* BP_FUNCTION */
	char *proc;	    /* BP_WATCH: the process, by name */
	unsigned long addr; /* BP_WATCH: the page's address */
	int hits;
};

struct step {
	const struct scn_file *f;
	const struct step_options *opt;
	FILE *out;   /* to opt->out, unless muted (after quit) */
	bool muted;
	GPtrArray *bps; /* struct breakpoint *, by id */
	int next_id;
	enum step_mode mode;
	long count;	  /* STEP_NEXT: statements to start before stopping */
	int finish_depth; /* STEP_FINISH: the depth of the function to return */
	bool started;	  /* the first stop (before the first statement) was made */
	struct scn_backend *be;
	struct sim_machine *m;
	int stmt;      /* index of the statement running, or about to run */
	int last_stmt; /* index of the last statement the runner runs */
	bool ended;    /* the last statement has run */
	int depth;     /* length of the kernel call chain where the run stands */
	GString *why;  /* why the run stops here; empty: it does not */
	GString *pending; /* watched PTEs being changed: reported at the next event */
	char *repeat;	  /* on a terminal, what an empty line runs again */
};

/* ---- the session's output ----------------------------------------------- */

/* Everything goes through one stream, so `quit` can mute the rest of a statement. */
static ssize_t session_write(void *cookie, const char *buf, size_t size)
{
	struct step *st = cookie;

	if (!st->muted)
		fwrite(buf, 1, size, st->opt->out);
	return (ssize_t)size;
}

static void flush_out(struct step *st)
{
	fflush(st->out);
	fflush(st->opt->out);
}

/* A reply to a command; returns false (the run does not resume). */
static bool reply(struct step *st, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static bool reply(struct step *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(st->out, fmt, ap);
	va_end(ap);
	fputc('\n', st->out);
	return false;
}

/* ---- where the run stands ----------------------------------------------- */

static const struct scn_stmt *cur_stmt(const struct step *st)
{
	return &st->f->stmts[st->stmt];
}

/* The kernel function at @depth (1: the outermost) of the chain now. */
static const char *fn_at(const struct step *st, int depth)
{
	return sim_fn_names[st->m->tracer.stack[depth - 1]];
}

/* " (line 10: A: write m[0])" */
static char *where(const struct step *st)
{
	return g_strdup_printf(" (line %d: %s)", cur_stmt(st)->loc.line, cur_stmt(st)->src);
}

/* Add a line to why the run stops here. */
static void stop_because(struct step *st, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void stop_because(struct step *st, const char *fmt, ...)
{
	va_list ap;

	g_string_append(st->why, "=> ");
	va_start(ap, fmt);
	g_string_append_vprintf(st->why, fmt, ap);
	va_end(ap);
	g_string_append_c(st->why, '\n');
}

static void command_loop(struct step *st);

static void pause_if_stopped(struct step *st)
{
	if (!st->why->len)
		return;
	fputs(st->why->str, st->out);
	g_string_truncate(st->why, 0);
	command_loop(st);
}

/* The PTEs watched at the previous event have changed by now. */
static void take_pending(struct step *st)
{
	g_string_append(st->why, st->pending->str);
	g_string_truncate(st->pending, 0);
}

/* ---- the listener: function entries and exits, PTE changes -------------- */

static void at_function_entry(struct step *st, enum sim_fn fn)
{
	g_autofree char *at = where(st);
	bool hit = false;

	for (guint i = 0; i < st->bps->len; i++) {
		struct breakpoint *bp = st->bps->pdata[i];

		if (bp->kind != BP_FUNCTION || bp->fn != fn)
			continue;
		bp->hits++;
		hit = true;
		stop_because(st, "breakpoint %d, entering %s%s", bp->id, sim_fn_names[fn], at);
	}
	if (!hit && st->mode == STEP_STEPI)
		stop_because(st, "entering %s%s", sim_fn_names[fn], at);
}

static void at_function_exit(struct step *st, enum sim_fn fn)
{
	g_autofree char *at = where(st);

	if (st->depth)
		stop_because(st, "%s returned to %s%s", sim_fn_names[fn], fn_at(st, st->depth), at);
	else
		stop_because(st, "%s returned%s", sim_fn_names[fn], at);
}

static void check_watches(struct step *st, const struct sim_event *ev)
{
	const char *comm = ev->mm && ev->mm->owner ? ev->mm->owner->comm : NULL;
	char was[96], now[96];

	if (!comm || ev->old == ev->new)
		return;
	for (guint i = 0; i < st->bps->len; i++) {
		struct breakpoint *bp = st->bps->pdata[i];

		if (bp->kind != BP_WATCH || strcmp(bp->proc, comm) != 0 ||
		    (ev->addr & PAGE_MASK) != bp->addr)
			continue;
		bp->hits++;
		viz_describe_pte(ev->old, was, sizeof(was));
		viz_describe_pte(ev->new, now, sizeof(now));
		g_string_append_printf(st->pending,
				       "=> watchpoint %d, pte %s %#lx changed%s%s: %s -> %s\n",
				       bp->id, comm, bp->addr, ev->depth ? " in " : "",
				       ev->depth ? fn_at(st, ev->depth) : "", was, now);
	}
}

static void on_event(void *data, const struct sim_event *ev)
{
	struct step *st = data;

	if (!st->be || st->mode == STEP_QUIT)
		return;
	take_pending(st);
	st->depth = ev->depth;
	switch (ev->type) {
	case SIM_EV_fn_enter:
		st->depth = ev->depth + 1; /* the entered function is on the stack already */
		at_function_entry(st, ev->fn);
		break;
	case SIM_EV_fn_exit:
		if (st->mode == STEP_FINISH && ev->depth == st->finish_depth)
			at_function_exit(st, ev->fn);
		break;
	case SIM_EV_pte_set:
		check_watches(st, ev);
		break;
	default:
		break;
	}
	pause_if_stopped(st);
}

/* ---- the hook: before and after each statement -------------------------- */

static void before_statement(struct step *st, int i)
{
	const struct scn_stmt *s = &st->f->stmts[i];
	bool stop = !st->started || st->mode == STEP_STEPI ||
		    (st->mode == STEP_NEXT && --st->count == 0);
	bool hit = false;

	st->started = true;
	st->stmt = i;
	for (guint k = 0; k < st->bps->len; k++) {
		struct breakpoint *bp = st->bps->pdata[k];

		if (bp->kind != BP_LINE || bp->stmt != i)
			continue;
		bp->hits++;
		hit = true;
		stop_because(st, "breakpoint %d, before line %d: %s", bp->id, s->loc.line, s->src);
	}
	if (stop && !hit)
		stop_because(st, "before line %d: %s", s->loc.line, s->src);
}

static void at_the_end(struct step *st)
{
	st->ended = true;
	if (st->mode != STEP_CONTINUE || st->why->len)
		stop_because(st, "the end: every statement has run (show, bt and list still work; "
				 "continue or quit leaves)");
}

static bool on_statement(void *data, const struct scn_file *f, const struct scn_stmt *s,
			 enum scn_hook_when when, struct scn_backend *be)
{
	struct step *st = data;

	st->be = be;
	st->m = scn_sim_backend_machine(be);
	if (st->mode == STEP_QUIT)
		return false;
	st->depth = 0;
	take_pending(st);
	if (when == SCN_HOOK_BEFORE)
		before_statement(st, (int)(s - f->stmts));
	else if (s - f->stmts == st->last_stmt)
		at_the_end(st);
	pause_if_stopped(st);
	return st->mode != STEP_QUIT;
}

/* ---- the scenario's names and lines ------------------------------------- */

enum name_kind { NAME_PROCESS, NAME_MAPPING, NAME_OBJECT };

static const char *declared_name(const struct scn_stmt *s, enum name_kind k)
{
	switch (s->kind) {
	case SCN_PROCESS:
		return k == NAME_PROCESS ? s->name : NULL;
	case SCN_FORK:
		return k == NAME_PROCESS ? s->name2 : NULL;
	case SCN_MMAP:
	case SCN_SHMAT:
		return k == NAME_MAPPING ? s->name : NULL;
	case SCN_FILE:
	case SCN_SHM_OPEN:
	case SCN_MEMFD:
	case SCN_SHMGET:
		return k == NAME_OBJECT ? s->name : NULL;
	default:
		return NULL;
	}
}

/* The statement that declares @name, or NULL. */
static const struct scn_stmt *declaration(const struct scn_file *f, enum name_kind k,
					  const char *name)
{
	for (int i = 0; i < f->nstmts; i++) {
		const char *n = declared_name(&f->stmts[i], k);

		if (n && strcmp(n, name) == 0)
			return &f->stmts[i];
	}
	return NULL;
}

/* "A, B" */
static char *names_of(const struct scn_file *f, enum name_kind k)
{
	GString *s = g_string_new("");

	for (int i = 0; i < f->nstmts; i++) {
		const char *n = declared_name(&f->stmts[i], k);

		if (n)
			g_string_append_printf(s, "%s%s", s->len ? ", " : "", n);
	}
	return g_string_free(s, FALSE);
}

static const char *const kind_nouns[] = { "process", "mapping", "object" };
static const char *const kind_plurals[] = { "processes", "mappings", "objects" };

/* @name is not what the run knows now: say why (not in the file, or not made yet). */
static bool unknown_now(struct step *st, enum name_kind k, const char *name)
{
	const struct scn_stmt *d = declaration(st->f, k, name);
	g_autofree char *all = names_of(st->f, k);

	if (d)
		return reply(st, "%s '%s' does not exist yet: line %d makes it", kind_nouns[k],
			     name, d->loc.line);
	if (*all)
		return reply(st, "no %s '%s' in this scenario (%s: %s)", kind_nouns[k], name,
			     kind_plurals[k], all);
	return reply(st, "no %s '%s': this scenario has no %s", kind_nouns[k], name,
		     kind_plurals[k]);
}

static bool is_header(const struct scn_stmt *s)
{
	return s->kind == SCN_TITLE || s->kind == SCN_CONFIG;
}

/* The statement covering physical line @line (continuations included), or -1. */
static int stmt_at_line(const struct scn_file *f, int line)
{
	for (int i = 0; i < f->nstmts; i++) {
		const struct scn_stmt *s = &f->stmts[i];

		if (s->loc.line <= line && line <= MAX(s->loc.line, s->last_line))
			return i;
	}
	return -1;
}

/* The first statement that runs after @line, or -1. */
static int stmt_after_line(const struct scn_file *f, int line)
{
	for (int i = 0; i < f->nstmts; i++)
		if (f->stmts[i].loc.line > line && !is_header(&f->stmts[i]))
			return i;
	return -1;
}

/* ---- kernel function names ---------------------------------------------- */

static int fn_by_name(const char *name)
{
	for (int i = 0; i < SIM_NR_FNS; i++)
		if (strcmp(sim_fn_names[i], name) == 0)
			return i;
	return -1;
}

/* Edits (insert, delete, replace, swap two neighbours) from @a to @b. */
static int edit_distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), w = lb + 1, d;
	int *t = g_new(int, (size_t)(la + 1) * (size_t)w);

	for (int i = 0; i <= la; i++)
		for (int j = 0; j <= lb; j++) {
			int v = i + j; /* from or to the empty string */

			if (i && j) {
				v = t[(i - 1) * w + j - 1] + (a[i - 1] != b[j - 1]);
				v = MIN(v, t[(i - 1) * w + j] + 1);
				v = MIN(v, t[i * w + j - 1] + 1);
				if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
					v = MIN(v, t[(i - 2) * w + j - 2] + 1);
			}
			t[i * w + j] = v;
		}
	d = t[la * w + lb];
	g_free(t);
	return d;
}

struct candidate {
	int distance;
	const char *name;
};

static int cmp_candidate(const void *pa, const void *pb)
{
	const struct candidate *a = pa, *b = pb;

	return a->distance != b->distance ? a->distance - b->distance : strcmp(a->name, b->name);
}

#define MAX_SUGGESTIONS 4

/*
 * "did you mean X, Y or Z?": the traced functions one edit from @word or
 * with @word in their name; failing those, the nearest by edit distance.
 * NULL when none is near.
 */
static char *suggest_functions(const char *word)
{
	struct candidate c[SIM_NR_FNS];
	int n = 0, len = (int)strlen(word), limit = MAX(2, len / 3 + 1);
	GString *s;

	for (int i = 0; i < SIM_NR_FNS; i++) {
		int d = edit_distance(word, sim_fn_names[i]);

		if (d <= 1 || (len >= 3 && strstr(sim_fn_names[i], word)))
			c[n++] = (struct candidate){ d, sim_fn_names[i] };
	}
	for (int i = 0; !n && i < SIM_NR_FNS; i++) {
		int d = edit_distance(word, sim_fn_names[i]);

		if (d <= limit)
			c[n++] = (struct candidate){ d, sim_fn_names[i] };
	}
	if (!n)
		return NULL;
	qsort(c, (size_t)n, sizeof(c[0]), cmp_candidate);
	s = g_string_new("did you mean ");
	for (int i = 0, last = MIN(n, MAX_SUGGESTIONS) - 1; i <= last; i++)
		g_string_append_printf(s, "%s%s", i == 0 ? "" : i == last ? " or " : ", ",
				       c[i].name);
	g_string_append_c(s, '?');
	if (n > MAX_SUGGESTIONS)
		g_string_append_printf(s, " ('info functions %s' lists more)", word);
	return g_string_free(s, FALSE);
}

/* ---- commands ------------------------------------------------------------ */

typedef bool (*command_fn)(struct step *st, int argc, char **argv);

struct command {
	const char *name;
	const char *aliases; /* short forms, space separated, or NULL */
	command_fn run;	     /* returns true when the run resumes */
	bool repeats;	     /* on a terminal, an empty line runs it again */
	const char *synopsis;
	const char *summary;
	const char *details;
};

static bool ended(struct step *st)
{
	return reply(st, "the scenario has ended: nothing is left to run (continue or quit "
			 "leaves; show, bt and list still work)");
}

static bool parse_count(const char *text, long *out)
{
	guint64 v;

	if (!g_ascii_string_to_unsigned(text, 10, 1, 1000000, &v, NULL))
		return false;
	*out = (long)v;
	return true;
}

static bool do_next(struct step *st, int argc, char **argv)
{
	long n = 1;

	if (argc > 2 || (argc == 2 && !parse_count(argv[1], &n)))
		return reply(st, "next takes a number of statements: next, next 3");
	if (st->ended)
		return ended(st);
	st->mode = STEP_NEXT;
	st->count = n;
	return true;
}

static bool do_stepi(struct step *st, int argc, char **argv)
{
	if (argc > 1)
		return reply(st, "stepi takes nothing after it");
	if (st->ended)
		return ended(st);
	st->mode = STEP_STEPI;
	return true;
}

static bool do_finish(struct step *st, int argc, char **argv)
{
	if (argc > 1)
		return reply(st, "finish takes nothing after it");
	if (st->ended)
		return ended(st);
	if (!st->depth)
		return reply(st,
			     "finish: the run is not inside a kernel function (it stands before "
			     "line %d); stepi enters the next one, next runs the statement",
			     cur_stmt(st)->loc.line);
	st->mode = STEP_FINISH;
	st->finish_depth = st->depth - 1;
	return true;
}

static bool do_continue(struct step *st, int argc, char **argv)
{
	if (argc > 1)
		return reply(st, "continue takes nothing after it");
	st->mode = STEP_CONTINUE;
	return true;
}

/* The rest of a statement runs muted; at the end, the run's summary still prints. */
static bool do_quit(struct step *st, int argc, char **argv)
{
	flush_out(st);
	st->muted = !st->ended;
	st->mode = STEP_QUIT;
	return true;
}

static struct breakpoint *new_breakpoint(struct step *st, enum bp_kind kind)
{
	struct breakpoint *bp = g_new0(struct breakpoint, 1);

	bp->id = ++st->next_id;
	bp->kind = kind;
	g_ptr_array_add(st->bps, bp);
	return bp;
}

static void free_breakpoint(gpointer p)
{
	struct breakpoint *bp = p;

	g_free(bp->proc);
	g_free(bp);
}

static bool is_blank(const char *text)
{
	while (*text == ' ' || *text == '\t')
		text++;
	return !*text;
}

/* Line @line runs nothing: say what it is and where the next statement is. */
static bool no_statement(struct step *st, int line)
{
	const char *text = st->f->lines[line - 1];
	const char *what = is_blank(text) ? "blank" : "a comment";
	int next = stmt_after_line(st->f, line);

	if (next < 0)
		return reply(st, "line %d is %s, and no statement follows it", line, what);
	return reply(st, "line %d is %s: nothing runs there; the next statement is line %d: %s",
		     line, what, st->f->stmts[next].loc.line, st->f->stmts[next].src);
}

static bool break_line(struct step *st, const char *arg)
{
	const struct scn_stmt *s;
	struct breakpoint *bp;
	guint64 line;
	int i;

	if (!g_ascii_string_to_unsigned(arg, 10, 1, INT_MAX, &line, NULL))
		return reply(st, "'%s' is not a line number", arg);
	if ((int)line > st->f->nlines)
		return reply(st, "%s has %d lines; there is no line %d", st->f->path, st->f->nlines,
			     (int)line);
	i = stmt_at_line(st->f, (int)line);
	if (i < 0)
		return no_statement(st, (int)line);
	s = &st->f->stmts[i];
	if (is_header(s))
		return reply(st, "line %d is the %s: it is read before the run and never stops it; "
				 "the first statement is line %d",
			     (int)line, s->kind == SCN_TITLE ? "title" : "config",
			     st->f->stmts[stmt_after_line(st->f, 0)].loc.line);
	bp = new_breakpoint(st, BP_LINE);
	bp->stmt = i;
	return reply(st, "breakpoint %d at line %d: %s%s", bp->id, s->loc.line, s->src,
		     st->ended || i <= st->stmt ? " (the run is past it: it will not stop there)"
						: "");
}

static bool break_function(struct step *st, const char *arg)
{
	g_autofree char *name = g_ascii_strdown(arg, -1);
	struct breakpoint *bp;
	int fn;

	if (g_str_has_suffix(name, "()"))
		name[strlen(name) - 2] = '\0';
	fn = fn_by_name(name);
	if (fn < 0) {
		g_autofree char *hint = suggest_functions(name);

		if (hint)
			return reply(st, "break %s: no such function in the model; %s", arg, hint);
		return reply(st, "break %s: no such function in the model ('info functions' lists "
				 "the ones it traces)", arg);
	}
	bp = new_breakpoint(st, BP_FUNCTION);
	bp->fn = (enum sim_fn)fn;
	return reply(st, "breakpoint %d at %s (the run stops each time the model enters it)",
		     bp->id, sim_fn_names[fn]);
}

static bool do_break(struct step *st, int argc, char **argv)
{
	if (argc != 2)
		return reply(st, "break takes a line or a kernel function: break 12, "
				 "break do_anonymous_page");
	if (g_ascii_isdigit(argv[1][0]))
		return break_line(st, argv[1]);
	return break_function(st, argv[1]);
}

/* A number: 0x hex or decimal, as in scenarios. */
static bool parse_number(const char *text, guint64 *out)
{
	if (g_str_has_prefix(text, "0x") || g_str_has_prefix(text, "0X"))
		return g_ascii_string_to_unsigned(text + 2, 16, 0, G_MAXUINT64, out, NULL);
	return g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, out, NULL);
}

/* m, m[N] or m+OFF: an address in a mapping as the run placed it. */
static bool parse_mapping_ref(struct step *st, const char *text, unsigned long *addr)
{
	size_t n = strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	g_autofree char *name = g_strndup(text, n);
	const char *rest = text + n;
	guint64 start, pages, page = 0, off = 0;

	if (!n || g_ascii_isdigit(name[0]))
		return reply(st, "'%s' is not an address: give 0x..., m, m[N] or m+OFF", text);
	if (!scn_run_mapping(st->be, name, &start, &pages))
		return unknown_now(st, NAME_MAPPING, name);
	if (*rest == '[') {
		g_autofree char *idx = g_strndup(rest + 1, strcspn(rest + 1, "]"));

		if (!strchr(rest, ']') || strchr(rest, ']')[1] || !parse_number(idx, &page))
			return reply(st, "'%s' is not an address: give 0x..., m, m[N] or m+OFF",
				     text);
		if (page >= pages)
			return reply(st,
				     "page %" G_GUINT64_FORMAT " is outside mapping '%s' "
				     "(pages 0..%" G_GUINT64_FORMAT " now)",
				     page, name, pages - 1);
		off = page * PAGE_SIZE;
	} else if (*rest == '+') {
		if (!parse_number(rest + 1, &off))
			return reply(st, "'%s' is not an address: give 0x..., m, m[N] or m+OFF",
				     text);
		if (off >= pages * PAGE_SIZE)
			return reply(st, "byte %#" G_GINT64_MODIFIER "x is outside mapping '%s' "
					 "(%" G_GUINT64_FORMAT " pages now)", off, name, pages);
	} else if (*rest) {
		return reply(st, "'%s' is not an address: give 0x..., m, m[N] or m+OFF", text);
	}
	*addr = (unsigned long)(start + off);
	return true;
}

static bool do_watch(struct step *st, int argc, char **argv)
{
	struct breakpoint *bp;
	unsigned long addr = 0;
	guint64 v;

	if (argc != 3)
		return reply(st, "watch takes a process and an address: watch A m[0], "
				 "watch A 0x600000000000");
	if (!declaration(st->f, NAME_PROCESS, argv[1])) {
		g_autofree char *all = names_of(st->f, NAME_PROCESS);

		return reply(st, "no process '%s' in this scenario (processes: %s)", argv[1],
			     *all ? all : "none");
	}
	if (g_ascii_isdigit(argv[2][0])) {
		if (!parse_number(argv[2], &v))
			return reply(st, "'%s' is not an address: give 0x..., m, m[N] or m+OFF",
				     argv[2]);
		addr = (unsigned long)v;
	} else if (!parse_mapping_ref(st, argv[2], &addr)) {
		return false;
	}
	bp = new_breakpoint(st, BP_WATCH);
	bp->proc = g_strdup(argv[1]);
	bp->addr = addr & PAGE_MASK;
	return reply(st, "watchpoint %d: the pte of %s at %#lx (the run stops after each change)",
		     bp->id, bp->proc, bp->addr);
}

static bool do_delete(struct step *st, int argc, char **argv)
{
	if (argc == 1) {
		guint n = st->bps->len;

		g_ptr_array_set_size(st->bps, 0);
		if (!n)
			return reply(st, "no breakpoints to delete");
		return reply(st, "deleted %u breakpoint%s", n, n == 1 ? "" : "s");
	}
	for (int a = 1; a < argc; a++) {
		guint64 id = 0;
		guint i;

		g_ascii_string_to_unsigned(argv[a], 10, 1, INT_MAX, &id, NULL);
		for (i = 0; i < st->bps->len; i++)
			if (((struct breakpoint *)st->bps->pdata[i])->id == (int)id)
				break;
		if (i == st->bps->len) {
			reply(st, "no breakpoint %s (info breakpoints lists them)", argv[a]);
			continue;
		}
		g_ptr_array_remove_index(st->bps, i);
		reply(st, "deleted breakpoint %s", argv[a]);
	}
	return false;
}

static void describe_breakpoint(struct step *st, const struct breakpoint *bp)
{
	const struct scn_stmt *s;

	fprintf(st->out, "%-4d ", bp->id);
	switch (bp->kind) {
	case BP_LINE:
		s = &st->f->stmts[bp->stmt];
		fprintf(st->out, "breakpoint  line %d: %s", s->loc.line, s->src);
		break;
	case BP_FUNCTION:
		fprintf(st->out, "breakpoint  function %s", sim_fn_names[bp->fn]);
		break;
	case BP_WATCH:
		fprintf(st->out, "watchpoint  pte %s %#lx", bp->proc, bp->addr);
		break;
	}
	if (bp->hits)
		fprintf(st->out, "  (hit %d time%s)", bp->hits, bp->hits == 1 ? "" : "s");
	fputc('\n', st->out);
}

static bool info_breakpoints(struct step *st)
{
	if (!st->bps->len)
		return reply(st, "no breakpoints or watchpoints");
	fprintf(st->out, "Num  Type        What\n");
	for (guint i = 0; i < st->bps->len; i++)
		describe_breakpoint(st, st->bps->pdata[i]);
	return false;
}

/* The traced functions (with @text in their name), three a line. */
static bool info_functions(struct step *st, const char *text)
{
	const char *names[SIM_NR_FNS] = { NULL };
	int n = 0;

	for (int i = 0; i < SIM_NR_FNS; i++)
		if (!text || strstr(sim_fn_names[i], text))
			names[n++] = sim_fn_names[i];
	for (int i = 0; i < n; i++)
		fprintf(st->out, i % 3 == 2 || i == n - 1 ? "%s\n" : "%-32s", names[i]);
	if (!n)
		return reply(st, "no traced function has '%s' in its name", text);
	return reply(st, "%d function%s the model traces%s", n, n == 1 ? "" : "s",
		     text ? " (with that text)" : "; break FUNCTION stops in any of them");
}

static bool do_info(struct step *st, int argc, char **argv)
{
	size_t len = argc > 1 ? strlen(argv[1]) : 0;

	if (len && argc == 2 && (strncmp(argv[1], "breakpoints", len) == 0 ||
				 strncmp(argv[1], "watchpoints", len) == 0))
		return info_breakpoints(st);
	if (len && argc <= 3 && strncmp(argv[1], "functions", len) == 0)
		return info_functions(st, argc == 3 ? argv[2] : NULL);
	return reply(st, "info breakpoints, or info functions [TEXT]");
}

static bool do_bt(struct step *st, int argc, char **argv)
{
	if (st->ended)
		return reply(st, "no kernel function is running: the scenario has ended");
	if (!st->depth)
		return reply(st, "no kernel function is running: the run stands before line %d: %s "
				 "(stepi enters its first function)",
			     cur_stmt(st)->loc.line, cur_stmt(st)->src);
	for (int d = st->depth; d >= 1; d--)
		fprintf(st->out, "#%-2d %s\n", st->depth - d, fn_at(st, d));
	return reply(st, "    from line %d: %s", cur_stmt(st)->loc.line, cur_stmt(st)->src);
}

/* In the order of enum scn_view, as the scenario language spells them. */
static const char *const view_names[] = {
	"pagetable", "maps", "smaps", "cache", "swap", "lru", "frames", "meminfo", "vmstat", NULL,
};

static int view_by_name(const char *name)
{
	for (int i = 0; view_names[i]; i++)
		if (strcmp(view_names[i], name) == 0)
			return i;
	return -1;
}

static bool is_process_view(int v)
{
	return v == SCN_VIEW_PAGETABLE || v == SCN_VIEW_MAPS || v == SCN_VIEW_SMAPS;
}

/* The process the current statement is about, or NULL. */
static const char *current_process(const struct step *st)
{
	const struct scn_stmt *s = cur_stmt(st);

	if (s->proc)
		return s->proc;
	if (s->kind == SCN_FORK || s->kind == SCN_EXIT)
		return s->name;
	return NULL;
}

static bool show_usage(struct step *st)
{
	return reply(st, "show takes a view: show A pagetable|maps|smaps, show cache OBJ, "
			 "show frames|meminfo|vmstat|swap|lru");
}

static bool unknown_view(struct step *st, const char *word)
{
	const char *near = scn_nearest_word(word, view_names);

	if (near)
		return reply(st, "show: unknown view '%s'; did you mean '%s'?", word, near);
	return show_usage(st);
}

/* show VIEW [NAME] or show PROC VIEW, as the `show` statement takes them. */
static bool do_show(struct step *st, int argc, char **argv)
{
	struct scn_stmt s = { .kind = SCN_SHOW };
	g_autoptr(GError) err = NULL;
	const char *name;
	int v;

	if (argc < 2 || argc > 3)
		return show_usage(st);
	v = view_by_name(argv[1]);
	if (v < 0 && argc == 3 && is_process_view(view_by_name(argv[2])))
		return do_show(st, 3, (char *[]){ argv[0], argv[2], argv[1] });
	if (v < 0 && argc == 2 && declaration(st->f, NAME_PROCESS, argv[1]))
		return reply(st, "show %s needs a view: show %s pagetable|maps|smaps", argv[1],
			     argv[1]);
	if (v < 0)
		return unknown_view(st, argc == 3 && declaration(st->f, NAME_PROCESS, argv[1])
						? argv[2] : argv[1]);
	s.view = (enum scn_view)v;
	name = argc == 3 ? argv[2] : NULL;
	if (is_process_view(v)) {
		s.proc = (char *)(name ? name : current_process(st));
		if (!s.proc)
			return reply(st, "show %s needs a process: show A %s", argv[1], argv[1]);
	} else if (v == SCN_VIEW_CACHE) {
		if (!name)
			return reply(st, "show cache needs an object: show cache f");
		s.object = (char *)name;
	} else if (name) {
		return reply(st, "show %s takes no name", argv[1]);
	}
	if (scn_run_show(st->be, &s, st->out, &err))
		return false;
	if (s.proc && strstr(err->message, "no process"))
		return unknown_now(st, NAME_PROCESS, s.proc);
	if (s.object && strstr(err->message, "no object"))
		return unknown_now(st, NAME_OBJECT, s.object);
	return reply(st, "show %s: %s", argv[1], err->message);
}

/* The live task the scenario calls @name (task comm is the scenario's name). */
static struct task_struct *task_named(struct sim_machine *m, const char *name)
{
	struct task_struct *t;

	list_for_each_entry(t, &m->tasks, tasks)
		if (!t->exited && strcmp(t->comm, name) == 0)
			return t;
	return NULL;
}

/*
 * dot FILE [VIEW [PROC]]: the current state as a diagram, drawn by the
 * views of `mmsim dot` (system by default; frames; pagetable of a process).
 * FILE's extension picks the format: .dot, .svg, .png or .pdf.
 */
static bool do_dot(struct step *st, int argc, char **argv)
{
	struct sim_machine *m = scn_sim_backend_machine(st->be);
	const char *view = argc > 2 ? argv[2] : "system";
	const char *ext = argc > 1 ? strrchr(argv[1], '.') : NULL;
	g_autoptr(GString) text = g_string_new("");
	g_autoptr(GError) err = NULL;
	struct dot_graph *g;

	if (argc < 2 || argc > 4)
		return reply(st, "usage: dot FILE [system|frames|pagetable [PROC]]");
	if (!ext || (strcmp(ext, ".dot") && !viz_dot_format_ok(ext + 1)))
		return reply(st, "dot: name the file .dot, .svg, .png or .pdf (it picks the format)");
	if (strcmp(view, "system") == 0) {
		g = viz_dot_system(m, NULL, st->f->config.tree == SCN_TREE_XARRAY, NULL);
	} else if (strcmp(view, "frames") == 0) {
		g = viz_dot_frames(m, NULL);
	} else if (strcmp(view, "pagetable") == 0) {
		const char *proc = argc > 3 ? argv[3] : current_process(st);
		struct task_struct *t = proc ? task_named(m, proc) : NULL;

		if (!t)
			return reply(st, "dot: pagetable needs a live process: dot FILE pagetable A");
		g = viz_dot_pagetable(m, t, NULL);
	} else {
		return reply(st, "dot: views here are system, frames and pagetable "
				 "(mmsim dot draws the others)");
	}
	dot_write(g, NULL, NULL, text);
	dot_graph_free(g);
	if (strcmp(ext, ".dot") == 0) {
		if (!g_file_set_contents(argv[1], text->str, (gssize)text->len, &err))
			return reply(st, "dot: %s", err->message);
	} else {
		g_autoptr(GBytes) bytes = viz_dot_render(text->str, ext + 1, &err);
		gsize len;
		const char *data = bytes ? g_bytes_get_data(bytes, &len) : NULL;

		if (!bytes)
			return reply(st, "dot: %s", err->message);
		if (!g_file_set_contents(argv[1], data, (gssize)len, &err))
			return reply(st, "dot: %s", err->message);
	}
	return reply(st, "dot: wrote %s (%s view)", argv[1], view);
}

#define LIST_AROUND 5

/* The scenario's lines around @center: => marks where the run stands, * a breakpoint. */
static bool list_lines(struct step *st, int center)
{
	int from = MAX(1, center - LIST_AROUND), to = MIN(st->f->nlines, center + LIST_AROUND);
	const struct scn_stmt *s = st->ended ? NULL : cur_stmt(st);

	for (int l = from; l <= to; l++) {
		int i = stmt_at_line(st->f, l);
		bool here = s && i == st->stmt;
		bool bp = false;

		for (guint k = 0; i >= 0 && k < st->bps->len; k++) {
			const struct breakpoint *b = st->bps->pdata[k];

			bp |= b->kind == BP_LINE && b->stmt == i;
		}
		fprintf(st->out, "%s%5d%s%s\n", here && bp ? "*>" : here ? "=>" : bp ? " *" : "  ",
			l, *st->f->lines[l - 1] ? "  " : "", st->f->lines[l - 1]);
	}
	return false;
}

static bool do_list(struct step *st, int argc, char **argv)
{
	guint64 line;

	if (argc > 2)
		return reply(st, "list takes at most a line number: list, list 20");
	if (argc == 1)
		return list_lines(st, cur_stmt(st)->loc.line);
	if (!g_ascii_string_to_unsigned(argv[1], 10, 1, INT_MAX, &line, NULL) ||
	    (int)line > st->f->nlines)
		return reply(st, "list: '%s' is not a line of %s (1..%d)", argv[1], st->f->path,
			     st->f->nlines);
	return list_lines(st, (int)line);
}

static bool do_help(struct step *st, int argc, char **argv);

static const struct command commands[] = {
	{ "next", "n", do_next, true, "next [N]",
	  "run N statements (1), stop before the next one",
	  "Runs the statement the run stands in or before, and N-1 more, then stops before\n"
	  "the next one. Breakpoints and watchpoints on the way stop it earlier. Inside a\n"
	  "kernel function, next runs the rest of the statement." },
	{ "stepi", "si s step", do_stepi, true, "stepi",
	  "run to the next kernel function entry (one level deeper)",
	  "Runs until the model enters its next kernel function, at any depth: from before\n"
	  "a statement that faults, do_user_addr_fault; then handle_mm_fault, and so on.\n"
	  "A statement that enters no (more) function stops before the next statement." },
	{ "finish", "fin", do_finish, true, "finish",
	  "run until the current kernel function returns",
	  "Runs until the function the prompt names returns, and stops in its caller. `show`\n"
	  "then sees everything it did: finish in do_anonymous_page, and the PTE is set." },
	{ "continue", "c cont", do_continue, false, "continue",
	  "run until a breakpoint, a watchpoint or the end",
	  "Runs until a breakpoint or a watchpoint stops it, or to the end of the scenario\n"
	  "(which ends the session, after the run's summary line)." },
	{ "break", "b", do_break, false, "break LINE|FUNCTION",
	  "stop before LINE, or whenever the model enters FUNCTION",
	  "break 12 stops before the statement on line 12 (a line that continues a statement\n"
	  "stands for that statement; comments, blank lines, the title and config run\n"
	  "nothing). break do_swap_page stops each time the model enters do_swap_page; the\n"
	  "names are Linux v4.19's, as in the narration ('info functions' lists them)." },
	{ "watch", NULL, do_watch, false, "watch PROC ADDR",
	  "stop after each change of PROC's PTE for ADDR",
	  "ADDR is an address (0x600000000000) or a place in a mapping the run has made:\n"
	  "m (its first page), m[N] (page N), m+OFF. The run stops at the next event after\n"
	  "the change, so `show PROC pagetable` shows the new PTE." },
	{ "delete", "d", do_delete, false, "delete [N...]",
	  "delete breakpoints and watchpoints N... (all without N)", NULL },
	{ "info", "i", do_info, false, "info breakpoints|functions [TEXT]",
	  "list the breakpoints, or the kernel functions the model traces", NULL },
	{ "bt", "backtrace where", do_bt, false, "bt",
	  "the kernel call chain the run stands in, innermost first",
	  "#0 is the function the run stands in, the last line the statement that called\n"
	  "into the kernel." },
	{ "show", NULL, do_show, false, "show VIEW ...",
	  "a view of the state now, as the show statement prints it",
	  "show A pagetable|maps|smaps (without A: the current statement's process),\n"
	  "show cache OBJ (the page-cache tree of a file or shared-memory object),\n"
	  "show frames|meminfo|vmstat. The model is read-only while the run is paused." },
	{ "dot", NULL, do_dot, false, "dot FILE [VIEW]", "write the current diagram (Graphviz)",
	  NULL },
	{ "list", "l", do_list, true, "list [LINE]",
	  "the scenario around the current line (or LINE)",
	  "=> marks the statement the run stands in or before, * a line with a breakpoint." },
	{ "help", "h ?", do_help, false, "help [COMMAND]", "the commands, or one in detail",
	  NULL },
	{ "quit", "q exit", do_quit, false, "quit", "stop the run and leave",
	  "In the middle of a statement, the statement runs to its end silently first:\n"
	  "the model is never left half-way. The end of the input quits too." },
};

static bool has_alias(const struct command *c, const char *word)
{
	g_auto(GStrv) aliases = c->aliases ? g_strsplit(c->aliases, " ", -1) : NULL;

	return aliases && g_strv_contains((const char *const *)aliases, word);
}

static const struct command *find_command(const char *word)
{
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(commands[i].name, word) == 0 || has_alias(&commands[i], word))
			return &commands[i];
	return NULL;
}

static const char *const *command_names(void)
{
	static const char *names[G_N_ELEMENTS(commands) + 1];

	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		names[i] = commands[i].name;
	return names;
}

static bool do_help(struct step *st, int argc, char **argv)
{
	const struct command *c;

	if (argc == 1) {
		fprintf(st->out, "The run is paused inside the model; these commands move it on or "
				 "look at it:\n");
		for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
			fprintf(st->out, "  %-34s %s\n", commands[i].synopsis, commands[i].summary);
		return reply(st,
			     "Short forms: n, si, fin, c, b, d, i b, l, h, q. The prompt shows "
			     "the line and the kernel\nfunction the run stands in. 'help COMMAND' "
			     "says more.");
	}
	c = find_command(argv[1]);
	if (!c)
		return reply(st, "help: no command '%s' (help lists them)", argv[1]);
	fprintf(st->out, "%s: %s\n", c->synopsis, c->summary);
	if (c->details)
		fprintf(st->out, "%s\n", c->details);
	if (c->aliases)
		fprintf(st->out, "Also: %s\n", c->aliases);
	return false;
}

static bool unknown_command(struct step *st, const char *word)
{
	const char *near = scn_nearest_word(word, command_names());

	if (near)
		return reply(st,
			     "unknown command '%s'; did you mean '%s'? (help lists the commands)",
			     word, near);
	return reply(st, "unknown command '%s' (help lists the commands)", word);
}

/* Run one command line; true when the run resumes. */
static bool execute(struct step *st, const char *line)
{
	g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
	GPtrArray *argv = g_ptr_array_new();
	const struct command *c;
	bool resume = false;

	for (int i = 0; words[i]; i++)
		if (*words[i])
			g_ptr_array_add(argv, words[i]);
	if (argv->len && *(char *)argv->pdata[0] != '#') {
		c = find_command(argv->pdata[0]);
		if (!c)
			unknown_command(st, argv->pdata[0]);
		else
			resume = c->run(st, (int)argv->len, (char **)argv->pdata);
		g_free(st->repeat);
		st->repeat = c && c->repeats ? g_strdup(line) : NULL;
	}
	g_ptr_array_free(argv, TRUE);
	return resume;
}

/* ---- reading commands ---------------------------------------------------- */

static char *make_prompt(const struct step *st)
{
	if (st->ended)
		return g_strdup("(mmsim end) ");
	if (st->depth)
		return g_strdup_printf("(mmsim line %d %s) ", cur_stmt(st)->loc.line,
				       fn_at(st, st->depth));
	return g_strdup_printf("(mmsim line %d) ", cur_stmt(st)->loc.line);
}

/* The next command (malloc'd), or NULL at the end of the input. */
static char *read_command(struct step *st, const char *prompt)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	flush_out(st);
	if (st->opt->terminal) {
		line = readline(prompt);
		if (line && *line)
			add_history(line);
		else if (line && st->repeat) {
			free(line);
			line = strdup(st->repeat);
		}
		return line;
	}
	fputs(prompt, st->out);
	len = getline(&line, &cap, st->opt->in);
	if (len < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	fprintf(st->out, "%s\n", line); /* a script's session reads like a typed one */
	return line;
}

static void command_loop(struct step *st)
{
	for (;;) {
		g_autofree char *prompt = make_prompt(st);
		char *line = read_command(st, prompt);
		bool resume;

		if (!line) {
			fputs("quit\n", st->out);
			do_quit(st, 0, NULL);
			return;
		}
		resume = execute(st, line);
		free(line);
		if (resume)
			return;
	}
}

/* Completion on a terminal: commands, then function names, views, processes. */
static const char **completion_words;
static GPtrArray *function_words, *show_words, *info_words;

static char *complete_word(const char *text, int state)
{
	static int i;
	static size_t len;

	if (!state) {
		i = 0;
		len = strlen(text);
	}
	while (completion_words && completion_words[i]) {
		const char *w = completion_words[i++];

		if (strncmp(w, text, len) == 0)
			return strdup(w);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	g_autofree char *first = g_strndup(rl_line_buffer, strcspn(rl_line_buffer, " \t"));
	const struct command *c = start ? find_command(first) : NULL;

	completion_words = NULL;
	if (!start || (c && c->run == do_help))
		completion_words = (const char **)command_names();
	else if (c && c->run == do_break)
		completion_words = (const char **)function_words->pdata;
	else if (c && (c->run == do_show || c->run == do_watch))
		completion_words = (const char **)show_words->pdata;
	else if (c && c->run == do_info)
		completion_words = (const char **)info_words->pdata;
	else if (c && c->run == do_dot)
		return NULL; /* file names */
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, complete_word);
}

static void setup_terminal(struct step *st)
{
	g_autofree char *procs = names_of(st->f, NAME_PROCESS);
	g_auto(GStrv) names = g_strsplit(procs, ", ", -1);

	function_words = g_ptr_array_new();
	for (int i = 0; i < SIM_NR_FNS; i++)
		g_ptr_array_add(function_words, (gpointer)sim_fn_names[i]);
	g_ptr_array_add(function_words, NULL);
	show_words = g_ptr_array_new_with_free_func(g_free);
	for (int i = 0; view_names[i]; i++)
		g_ptr_array_add(show_words, g_strdup(view_names[i]));
	for (int i = 0; names[i]; i++)
		if (*names[i])
			g_ptr_array_add(show_words, g_strdup(names[i]));
	g_ptr_array_add(show_words, NULL);
	info_words = g_ptr_array_new();
	g_ptr_array_add(info_words, "breakpoints");
	g_ptr_array_add(info_words, "functions");
	g_ptr_array_add(info_words, NULL);
	rl_instream = st->opt->in;
	rl_outstream = st->opt->out;
	rl_readline_name = "mmsim";
	rl_attempted_completion_function = complete;
}

static void teardown_terminal(void)
{
	g_ptr_array_free(function_words, TRUE);
	g_ptr_array_free(show_words, TRUE);
	g_ptr_array_free(info_words, TRUE);
	function_words = show_words = info_words = NULL;
}

/* ---- the session ---------------------------------------------------------- */

static int last_statement(const struct scn_file *f)
{
	for (int i = f->nstmts - 1; i >= 0; i--)
		if (!is_header(&f->stmts[i]))
			return i;
	return -1;
}

int step_session(const struct scn_file *f, const struct step_options *opt, GError **err)
{
	struct step st = { .f = f, .opt = opt, .stmt = -1, .last_stmt = last_statement(f) };
	struct sim_trace_listener listener = { .event = on_event, .data = &st };
	struct scn_run_options ro = { .trace = opt->trace,
				      .check_invariants = opt->check_invariants,
				      .listener = &listener,
				      .hook = on_statement,
				      .hook_data = &st };
	cookie_io_functions_t io = { .write = session_write };
	enum scn_status status;

	if (st.last_stmt < 0) {
		fprintf(opt->out, "%s has no statement to step through\n", f->path);
		return 0;
	}
	st.out = fopencookie(&st, "w", io);
	ro.out = st.out;
	st.bps = g_ptr_array_new_with_free_func(free_breakpoint);
	st.why = g_string_new("");
	st.pending = g_string_new("");
	if (opt->terminal)
		setup_terminal(&st);
	fprintf(st.out, "Stepping through %s: the run pauses before its first statement.\n"
			"Type 'help' for the commands.\n", f->path);
	status = scn_run(f, &ro, err);
	fclose(st.out);
	fflush(opt->out);
	if (opt->terminal)
		teardown_terminal();
	g_ptr_array_free(st.bps, TRUE);
	g_string_free(st.why, TRUE);
	g_string_free(st.pending, TRUE);
	g_free(st.repeat);
	return (int)status;
}

/* ---- mmsim step ------------------------------------------------------------ */

static const char step_description[] =
	"Runs the scenario as 'mmsim run' does, narrated, and stops it before its first\n"
	"statement. Commands (help in the session says more):\n"
	"  next [N]            run N statements, stop before the next one\n"
	"  stepi               run to the next kernel function entry\n"
	"  finish              run until the current kernel function returns\n"
	"  continue            run until a breakpoint, a watchpoint or the end\n"
	"  break LINE|FUNCTION stop before a line, or when the model enters a function\n"
	"  watch PROC ADDR     stop after each change of a PTE (ADDR: 0x..., m[N], m+OFF)\n"
	"  delete [N...]       delete breakpoints; info breakpoints lists them\n"
	"  bt                  the kernel call chain now\n"
	"  show VIEW ...       A pagetable|maps|smaps, cache OBJ, frames, meminfo, vmstat\n"
	"  dot FILE [VIEW]     write the current diagram\n"
	"  list [LINE]         the scenario around the current line\n"
	"  help [COMMAND], quit\n"
	"\n"
	"On a terminal, commands have line editing, history and completion; an empty line\n"
	"repeats next, stepi, finish or list. Otherwise commands are read one a line from\n"
	"standard input and echoed after the prompt, so a session can be scripted:\n"
	"  printf 'break do_anonymous_page\\ncontinue\\nbt\\n' | mmsim step FILE\n"
	"The end of the input quits. Walk-through: docs/step.md.\n"
	"\n"
	"Exit status: 0 every expectation that ran held; 1 one failed;\n"
	"2 the file could not be read or parsed, or uses what is not built yet.";

int cmd_step(int argc, char **argv)
{
	g_autofree char *trace = NULL;
	GOptionEntry entries[] = {
		{ "trace", 't', 0, G_OPTION_ARG_STRING, &trace,
		  "what to narrate as the run goes: calls (the default), events, none", "MODE" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("FILE - step through a scenario interactively");
	g_autoptr(GError) err = NULL;
	struct step_options opt = { .in = stdin, .out = stdout, .trace = SCN_TRACE_CALLS };
	struct scn_file *f;
	int status;

	g_set_prgname("mmsim step");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(ctx, step_description);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "mmsim step: %s\n", err->message);
		return 2;
	}
	if (trace && strcmp(trace, "events") == 0)
		opt.trace = SCN_TRACE_EVENTS;
	else if (trace && strcmp(trace, "none") == 0)
		opt.trace = SCN_TRACE_NONE;
	else if (trace && strcmp(trace, "calls") != 0) {
		fprintf(stderr, "mmsim step: --trace takes calls, events or none, not '%s'\n",
			trace);
		return 2;
	}
	if (argc != 2) {
		fprintf(stderr, "mmsim step: %s (try: mmsim step scenarios/anon/zero-page.scn)\n",
			argc < 2 ? "no scenario file given" : "one scenario file at a time");
		return 2;
	}
	f = scn_parse_file(argv[1], &err);
	if (!f || !scn_check_supported(f, &err)) {
		fprintf(stderr, "%s\n", err->message);
		scn_file_free(f);
		return 2;
	}
	opt.terminal = isatty(fileno(stdin));
	status = step_session(f, &opt, &err);
	if (status == SCN_REFUSED)
		fprintf(stderr, "%s\n", err->message);
	scn_file_free(f);
	return status;
}
