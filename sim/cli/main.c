// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the mmsim command line.
 *
 *   mmsim run [--trace=calls|events|none] [--check-invariants] FILE...
 *   mmsim step [--trace=calls|events|none] FILE		(step.c)
 *   mmsim dot [--view=VIEW] [--format=svg] [-o DIR] FILE	(dot.c)
 *   mmsim replay TRACE --ram SIZE | --sweep MIN:MAX:STEPS	(replay.c)
 *   mmsim lesson [--view=VIEW] [-o DIR] FILE		(lesson.c)
 *
 *   mmsim check [--json] FILE			(check.c)
 *
 * `bench` (make bench) is named and refused with a clear message.
 */
#include "check.h"
#include "dot_cmd.h"
#include "replay.h"
#include "runner.h"
#include "step.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define MMSIM_VERSION "0.1"

static const char usage[] =
	"usage: mmsim COMMAND [OPTION...] FILE...\n"
	"\n"
	"mmsim simulates Linux memory management (Linux v4.19 names, Linux 6.18 behaviour\n"
	"by default) and narrates every step as the kernel path it takes.\n"
	"\n"
	"Commands:\n"
	"  run FILE...     run scenarios on the simulator, narrate them, check every expect\n"
	"                  (mmsim run --help for its options)\n"
	"  step FILE       step through a scenario: next, stepi, finish, break on a line or\n"
	"                  a kernel function, watch a PTE, bt, show (mmsim step --help)\n"
	"  dot FILE        draw the state at each snapshot as Graphviz diagrams: page tables,\n"
	"                  page-cache trees, frames and reverse maps (mmsim dot --help)\n"
	"  lesson FILE     write a scenario as one HTML page to step through: diagrams, say\n"
	"                  text and the kernel's path at each snapshot (mmsim lesson --help)\n"
	"  check FILE      run a scenario on the simulator and the real kernel (root),\n"
	"                  compare them field by field (mmsim check --help)\n"
	"  replay TRACE    replay a program's memory trace (valgrind lackey, or R|W ADDRESS)\n"
	"                  under a RAM size, or a --sweep of sizes (mmsim replay --help)\n"
	"\n"
	"Options:\n"
	"  -h, --help      show this help\n"
	"  --version       show the version\n"
	"\n"
	"The scenario language: docs/language.md. Exit status of run: 0 every\n"
	"expectation held, 1 one failed, 2 a file could not be parsed or was refused.\n";

static int cmd_run(int argc, char **argv)
{
	g_autofree char *trace = NULL;
	gboolean invariants = FALSE;
	GOptionEntry entries[] = {
		{ "trace", 't', 0, G_OPTION_ARG_STRING, &trace,
		  "what to narrate: calls (kernel functions, nested, with state changes; "
		  "the default), events (state changes only), none (results only)",
		  "MODE" },
		{ "check-invariants", 0, 0, G_OPTION_ARG_NONE, &invariants,
		  "check the model's invariants after every statement (mapcounts, refcounts, "
		  "RSS counters, free lists); abort with a dump if one breaks",
		  NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("FILE... - run scenarios on the simulator");
	g_autoptr(GError) err = NULL;
	struct scn_run_options opt = { .trace = SCN_TRACE_CALLS, .out = stdout };
	int status = 0;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(
		ctx, "Each statement is printed with its line number, then the kernel path it took,\n"
		     "then its result. Expectations print 'ok' or 'FAILED' with what was expected\n"
		     "and what the simulator shows. The same file gives the same output, byte for byte.\n"
		     "\n"
		     "Exit status: 0 every expectation held; 1 an expectation failed;\n"
		     "2 a file could not be read or parsed, or uses what is not built yet.");
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "mmsim run: %s\n", err->message);
		return 2;
	}
	if (!trace || strcmp(trace, "calls") == 0)
		opt.trace = SCN_TRACE_CALLS;
	else if (strcmp(trace, "events") == 0)
		opt.trace = SCN_TRACE_EVENTS;
	else if (strcmp(trace, "none") == 0)
		opt.trace = SCN_TRACE_NONE;
	else {
		fprintf(stderr, "mmsim run: --trace takes calls, events or none, not '%s'\n", trace);
		return 2;
	}
	opt.check_invariants = invariants;
	if (argc < 2) {
		fprintf(stderr, "mmsim run: no scenario file given (try: mmsim run scenarios/anon/zero-page.scn)\n");
		return 2;
	}
	/* Parse every file before running any, so a typo in the last stops them all. */
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func((GDestroyNotify)scn_file_free);
	for (int i = 1; i < argc; i++) {
		struct scn_file *f = scn_parse_file(argv[i], &err);

		if (!f) {
			fprintf(stderr, "%s\n", err->message);
			return 2;
		}
		g_ptr_array_add(files, f);
	}
	for (guint i = 0; i < files->len; i++) {
		enum scn_status st = scn_run(files->pdata[i], &opt, &err);

		fflush(stdout);
		if (st == SCN_REFUSED) {
			fprintf(stderr, "%s\n", err->message);
			return 2;
		}
		if (st == SCN_FAILED)
			status = 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	static const char *const later[] = { "bench" };

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("mmsim %s (models Linux v4.19 names; kernel=6.18 behaviour by default)\n",
		       MMSIM_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "dot") == 0)
		return cmd_dot(argc - 1, argv + 1);
	if (strcmp(argv[1], "lesson") == 0)
		return cmd_lesson(argc - 1, argv + 1);
	if (strcmp(argv[1], "step") == 0)
		return cmd_step(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	for (size_t i = 0; i < G_N_ELEMENTS(later); i++) {
		if (strcmp(argv[1], later[i]) == 0) {
			fprintf(stderr, "mmsim %s: not built yet; 'mmsim run' is available now\n",
				argv[1]);
			return 2;
		}
	}
	fprintf(stderr, "mmsim: unknown command '%s'\n\n%s", argv[1], usage);
	return 2;
}
