// SPDX-License-Identifier: GPL-2.0
/*
 * test_replay.c - `mmsim replay` (sim/cli/replay.c): memory traces replayed
 * into one simulated process under a RAM size.
 *
 * The traces are written here, small and by hand, in valgrind lackey's
 * --trace-mem=yes format (with its "==PID==" chatter and instruction
 * fetches) and in the plain R|W format, and read from memory (fmemopen).
 * What is checked: more RAM gives fewer major faults; a sweep finds the knee
 * where the working set starts to fit; the counts of records and pages; OOM
 * without swap; and each kind of bad line is refused with TRACE:LINE. The
 * model's invariants are checked at the end of every replay. The last tests
 * drive the mmsim binary ($MMSIM): options, messages, the SVG file.
 */
#include "replay.h"
#include "test_util.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#define BASE 0x4a00000UL /* where the traced array lives (as lackey prints it) */

/*
 * A lackey trace of a loop over @pages pages, @rounds times: per page an
 * instruction fetch, a load, a store and a modify, in the page's first
 * half-kilobyte; one access straddles two pages.
 */
static char *lackey_loop(int pages, int rounds)
{
	GString *s = g_string_new("==4242== Lackey, an example Valgrind tool\n"
				  "==4242== Command: ./prog\n"
				  "==4242== \n");

	for (int r = 0; r < rounds; r++)
		for (int p = 0; p < pages; p++) {
			unsigned long a = BASE + (unsigned long)p * 4096;

			g_string_append_printf(s, "I  %08lx,3\n", 0x401000UL + (unsigned long)p % 4);
			g_string_append_printf(s, " L %08lx,8\n", a + 16);
			g_string_append_printf(s, " S %08lx,4\n", a + 64);
			g_string_append_printf(s, " M %08lx,8\n", a + 128);
		}
	g_string_append(s, "==4242== \n==4242== Counted 1 call to main()\n");
	return g_string_free(s, FALSE);
}

static struct replay_options options(unsigned long ram_pages)
{
	return (struct replay_options){
		.ram_pages = { ram_pages },
		.nr_points = 1,
		.swap_pages = 1024,
		.page_cluster = 3,
		.check_invariants = true,
	};
}

/* Replay @text; the run must succeed. */
static void replay_text(const char *text, const struct replay_options *opt,
			struct replay_report *rep)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	g_autoptr(GError) err = NULL;

	cr_assert_not_null(in);
	cr_assert(replay_stream(in, "tiny.lackey", opt, rep, &err), "%s",
		  err ? err->message : "?");
	fclose(in);
}

/* Replay @text; the run must fail. Returns the message. */
static char *replay_error(const char *text, const struct replay_options *opt)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct replay_report *rep = g_new0(struct replay_report, 1);
	GError *err = NULL;
	char *msg;

	cr_assert_not_null(in);
	cr_assert_not(replay_stream(in, "bad.trace", opt, rep, &err), "accepted: %s", text);
	fclose(in);
	g_free(rep);
	cr_assert_not_null(err);
	msg = g_strdup(err->message);
	g_error_free(err);
	return msg;
}

Test(replay, more_ram_fewer_major_faults)
{
	g_autofree char *trace = lackey_loop(24, 4);
	g_autofree struct replay_report *small = g_new0(struct replay_report, 1);
	g_autofree struct replay_report *big = g_new0(struct replay_report, 1);
	struct replay_options o16 = options(16), o32 = options(32);

	replay_text(trace, &o16, small);
	replay_text(trace, &o32, big);

	/* The trace as read: fetches skipped, the rest one access a page. */
	cr_assert_eq(small->trace.format, REPLAY_FORMAT_LACKEY);
	cr_assert_eq(small->trace.loads, 96);
	cr_assert_eq(small->trace.stores, 96);
	cr_assert_eq(small->trace.modifies, 96);
	cr_assert_eq(small->trace.fetches, 96);
	cr_assert_eq(small->trace.accesses, 96 * 4); /* a modify is a load and a store */
	cr_assert_eq(small->trace.regions, 1);
	cr_assert_eq(small->points[0].touched, 24);
	cr_assert_eq(big->points[0].touched, 24);

	/* 24 pages in 32 frames: the first touches only, never a major fault. */
	cr_assert_eq(big->points[0].min_flt, 24);
	cr_assert_eq(big->points[0].maj_flt, 0);
	cr_assert_eq(big->points[0].pswpout, 0);
	cr_assert_eq(big->points[0].rss, 24);

	/* In 16 frames the loop evicts what it needs next: rounds 2-4 fault. */
	cr_assert_gt(small->points[0].maj_flt, 24);
	cr_assert_eq(small->points[0].maj_flt, (unsigned long)small->points[0].pswpin);
	cr_assert_eq(small->points[0].refaults, small->points[0].pswpin);
	cr_assert_geq(small->points[0].pswpout, small->points[0].pswpin);
	cr_assert_eq(small->points[0].oom_kills, 0);
	cr_assert_eq(small->points[0].rss + small->points[0].swapents, 24);
}

Test(replay, a_sweep_finds_the_knee)
{
	g_autofree char *trace = lackey_loop(24, 4);
	g_autofree struct replay_report *rep = g_new0(struct replay_report, 1);
	struct replay_options opt = options(0);
	static const unsigned long sizes[] = { 8, 16, 23, 24, 32, 40 };
	g_autoptr(GMarkupParseContext) ctx = NULL;
	static const GMarkupParser none = { 0 };
	g_autoptr(GError) err = NULL;
	g_autofree char *svg = NULL;
	g_auto(GStrv) circles = NULL;

	opt.nr_points = G_N_ELEMENTS(sizes);
	for (int i = 0; i < opt.nr_points; i++)
		opt.ram_pages[i] = sizes[i];
	replay_text(trace, &opt, rep);

	cr_assert_eq(rep->nr_points, 6);
	/* A working set of 24 pages: it fits from 24 frames on, not in 23. */
	for (int i = 0; i < 3; i++)
		cr_assert_gt(rep->points[i].maj_flt, 0, "ram=%lu", sizes[i]);
	for (int i = 3; i < 6; i++)
		cr_assert_eq(rep->points[i].maj_flt, 0, "ram=%lu", sizes[i]);
	for (int i = 0; i + 1 < 6; i++)
		cr_assert_geq(rep->points[i].maj_flt, rep->points[i + 1].maj_flt);
	cr_assert_eq(replay_knee(rep), 2); /* between 23 and 24 frames */

	/* The curve as SVG: well-formed, one circle a point, the knee marked. */
	svg = replay_svg("tiny <trace> & co", &opt, rep);
	ctx = g_markup_parse_context_new(&none, 0, NULL, NULL);
	cr_assert(g_markup_parse_context_parse(ctx, svg, -1, &err) &&
			  g_markup_parse_context_end_parse(ctx, &err),
		  "%s", err ? err->message : "?");
	cr_assert(g_str_has_prefix(svg, "<?xml"));
	cr_assert_not_null(strstr(svg, "<polyline"));
	cr_assert_not_null(strstr(svg, ">knee<"));
	cr_assert_not_null(strstr(svg, "tiny &lt;trace&gt; &amp; co"));
	circles = g_strsplit(svg, "<circle", -1);
	cr_assert_eq(g_strv_length(circles) - 1, 6);
}

Test(replay, the_plain_format_and_sparse_addresses)
{
	/*
	 * Four regions of 1 GiB, far apart (the straddling store crosses into the
	 * fourth): four VMAs, four pages.
	 */
	const char *trace = "# a plain trace\n"
			    "W 0x10000\n"
			    "R 10008\n"
			    "w ffffffffffff0000,16\n"
			    "\n"
			    "W 7ffffffffff8,16\n" /* straddles two pages */
			    "R 0x7ffffffff000\n";
	g_autofree struct replay_report *rep = g_new0(struct replay_report, 1);
	struct replay_options opt = options(64);

	replay_text(trace, &opt, rep);
	cr_assert_eq(rep->trace.format, REPLAY_FORMAT_RW);
	cr_assert_eq(rep->trace.lines, 7);
	cr_assert_eq(rep->trace.loads, 2);
	cr_assert_eq(rep->trace.stores, 3);
	cr_assert_eq(rep->trace.accesses, 6);
	cr_assert_eq(rep->trace.regions, 4);
	cr_assert_eq(rep->points[0].touched, 4);
	cr_assert_eq(rep->points[0].min_flt, 4);
}

Test(replay, fetches_as_loads_and_zero_reads)
{
	g_autofree char *trace = lackey_loop(24, 1);
	g_autofree struct replay_report *rep = g_new0(struct replay_report, 1);
	const char *reads = " L 1000,8\n L 2000,8\n L 3000,8\n L 1000,8\n";
	struct replay_options opt = options(64);

	opt.fetches_as_loads = true;
	replay_text(trace, &opt, rep);
	cr_assert_eq(rep->trace.fetches, 24);
	cr_assert_eq(rep->trace.accesses, 24 * 5);
	cr_assert_eq(rep->points[0].touched, 25); /* the code page too */

	/* A page only read holds data by default; with zero_reads, the zero page. */
	opt = options(64);
	replay_text(reads, &opt, rep);
	cr_assert_eq(rep->points[0].touched, 3);
	cr_assert_eq(rep->points[0].rss, 3);
	opt.zero_reads = true;
	replay_text(reads, &opt, rep);
	cr_assert_eq(rep->points[0].touched, 3);
	cr_assert_eq(rep->points[0].rss, 0);
}

Test(replay, out_of_memory_without_swap)
{
	g_autofree char *trace = lackey_loop(16, 1);
	g_autofree struct replay_report *rep = g_new0(struct replay_report, 1);
	struct replay_options opt = options(8);

	opt.swap_pages = 0;
	replay_text(trace, &opt, rep);
	cr_assert(rep->points[0].killed);
	cr_assert_eq(rep->points[0].oom_kills, 1);
	/* The ninth page's first access: 3 lines of header, 4 lines a page. */
	cr_assert_eq(rep->points[0].killed_line, 3 + 8 * 4 + 2);
	cr_assert_eq(rep->points[0].touched, 9);
	cr_assert_eq(rep->trace.lines, 3 + 16 * 4 + 2); /* the rest is read all the same */
}

Test(replay, bad_lines_are_refused_with_their_place)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{ " L 1000,8\n X 1000,8\n",
		  "bad.trace:2: error: expected I, L, S or M and ADDRESS,SIZE" },
		{ "hello\n", "bad.trace:1: error: not a trace record" },
		{ " L 1000\n", "bad.trace:1: error: expected ',SIZE' after the address" },
		{ " L zz,8\n", "bad.trace:1: error: expected a hexadecimal address after 'L'" },
		{ " L 1000,\n", "bad.trace:1: error: expected a decimal size after ','" },
		{ " L 1000,0\n", "bad.trace:1: error: an access of 0 bytes" },
		{ " L 1000,99999\n", "bad.trace:1: error: access size too large: at most 65536" },
		{ " L 1000,8 junk\n", "bad.trace:1: error: unexpected text after the record" },
		{ " L1000,8\n", "bad.trace:1: error: expected a blank after 'L'" },
		{ " L 1ffffffffffffffff,8\n", "bad.trace:1: error: address too large" },
		{ " L ffffffffffffffff,8\n",
		  "bad.trace:1: error: the access runs past the end of the 64-bit address space" },
		{ "==1== x\n L 1000,8\nR 1000\n",
		  "bad.trace:3: error: a rw record in a lackey trace (the format of line 2)" },
		{ "W 1000\n S 1000,8\n", "bad.trace:2: error: a lackey record in a rw trace" },
		{ "R\n", "bad.trace:1: error: expected a blank after 'R'" },
		{ "==1== Lackey\nI  401000,3\n",
		  "bad.trace: error: no memory accesses in 2 lines" },
		{ "", "bad.trace: error: no memory accesses in 0 lines" },
	};
	struct replay_options opt = options(16);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *msg = replay_error(cases[i].text, &opt);

		cr_assert(g_str_has_prefix(msg, cases[i].message), "case %zu: got '%s', want '%s'",
			  i, msg, cases[i].message);
	}
	/* The line is quoted under the message, unprintable bytes escaped. */
	{
		g_autofree char *msg = replay_error(" L 1000,8\n\tQ \x01\n", &opt);

		cr_assert_str_eq(msg, "bad.trace:2: error: expected I, L, S or M and ADDRESS,SIZE "
				      "(lackey's --trace-mem=yes lines)\n    2 |  Q \\x01");
	}
	/* A forced format refuses the other one from the first line. */
	opt.format = REPLAY_FORMAT_LACKEY;
	{
		g_autofree char *msg = replay_error("R 1000\n", &opt);

		cr_assert(g_str_has_prefix(msg, "bad.trace:1: error: a rw record, but --format=lackey"),
			  "%s", msg);
	}
	/* A NUL byte: not a text trace. */
	{
		static const char nul[] = " L 1000,8\n L 10\0000,8\n";
		FILE *in = fmemopen((void *)nul, sizeof(nul) - 1, "r");
		g_autofree struct replay_report *rep = g_new0(struct replay_report, 1);
		g_autoptr(GError) err = NULL;

		opt.format = REPLAY_FORMAT_AUTO;
		cr_assert_not(replay_stream(in, "bad.trace", &opt, rep, &err));
		fclose(in);
		cr_assert(g_str_has_prefix(err->message, "bad.trace:2: error: a NUL byte"), "%s",
			  err->message);
	}
}

Test(replay, sizes)
{
	uint64_t b;

	cr_assert(replay_parse_size("64m", &b) && b == 64ULL << 20);
	cr_assert(replay_parse_size("1G", &b) && b == 1ULL << 30);
	cr_assert(replay_parse_size("4096p", &b) && b == 4096ULL * 4096);
	cr_assert(replay_parse_size("0x1000", &b) && b == 4096);
	cr_assert(replay_parse_size("8192", &b) && b == 8192);
	cr_assert_not(replay_parse_size("", &b));
	cr_assert_not(replay_parse_size("m", &b));
	cr_assert_not(replay_parse_size("12mb", &b));
	cr_assert_not(replay_parse_size("1.5g", &b));
	cr_assert_not(replay_parse_size("99999999999999999999", &b));
	cr_assert_not(replay_parse_size("99999999999g", &b));
}

/* ---- the mmsim binary ----------------------------------------------------- */

/* Run @shell (sh -c) with $MMSIM set; its output (stdout and stderr) and exit status. */
static char *run_shell(const char *shell, int *status)
{
	const char *argv[] = { "/bin/sh", "-c", shell, NULL };
	g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "MMSIM", mmsim_under_test(), TRUE);
	g_autoptr(GError) err = NULL;
	char *out = NULL;
	int wait;

	if (!g_file_test(mmsim_under_test(), G_FILE_TEST_IS_EXECUTABLE))
		cr_skip_test("%s is not built", mmsim_under_test());
	cr_assert(g_spawn_sync(NULL, (char **)argv, env, 0, NULL, NULL, &out, NULL, &wait, &err),
		  "%s", err ? err->message : "?");
	*status = WIFEXITED(wait) ? WEXITSTATUS(wait) : -1;
	return out;
}

Test(replay_cli, options_messages_and_the_svg)
{
	g_autofree char *dir = g_dir_make_tmp("replay-XXXXXX", NULL);
	g_autofree char *trace = g_build_filename(dir, "t.lackey", NULL);
	g_autofree char *svg = g_build_filename(dir, "curve.svg", NULL);
	g_autofree char *loop = lackey_loop(24, 3);
	g_autofree char *cmd = NULL, *out = NULL, *text = NULL;
	int status;

	cr_assert(g_file_set_contents(trace, loop, -1, NULL));

	cmd = g_strdup_printf("\"$MMSIM\" replay %s --sweep 64k:160k:4 --svg %s --check-invariants",
			      trace, svg);
	out = run_shell(cmd, &status);
	cr_assert_eq(status, 0, "%s", out);
	cr_assert_not_null(strstr(out, "major faults against memory size (4 machines, swap=1g "
				       "(zram))"), "%s", out);
	cr_assert_not_null(strstr(out, "knee: between ram=64k and ram=96k"), "%s", out);
	cr_assert(g_file_get_contents(svg, &text, NULL, NULL));
	cr_assert(g_str_has_suffix(text, "</svg>\n"));
	g_free(cmd);
	g_free(out);

	/* One size: the report in detail, from standard input. */
	cmd = g_strdup_printf("\"$MMSIM\" replay - --ram 64k --swap 0 < %s", trace);
	out = run_shell(cmd, &status);
	cr_assert_eq(status, 0, "%s", out);
	cr_assert_not_null(strstr(out, "trace (stdin) (lackey): 293 lines"), "%s", out);
	cr_assert_not_null(strstr(out, "machine ram=64k (16 frames) swap=0 kernel=6.18"), "%s", out);
	cr_assert_not_null(strstr(out, "the OOM killer killed the process at line 69"), "%s", out);
	g_free(cmd);
	g_free(out);

	static const struct {
		const char *args, *message;
	} refused[] = {
		{ "", "--ram SIZE (or --sweep MIN:MAX:STEPS) is required" },
		{ "--ram 4m --sweep 1m:2m:2", "give --ram or --sweep, not both" },
		{ "--ram 4x", "--ram takes a size such as 64m" },
		{ "--ram 1000", "--ram must be whole pages" },
		{ "--ram 32g", "--ram is 1 page to 16g" },
		{ "--ram 4m --svg x.svg", "--svg draws the --sweep curve" },
		{ "--sweep 4m:1m:3", "MAX must exceed MIN" },
		{ "--sweep 1m:2m:1", "STEPS is a count from 2 to 64" },
		{ "--sweep 1m:2m", "--sweep takes MIN:MAX:STEPS" },
		{ "--sweep 1g:16g:64", "at most 8388608" },
		{ "--ram 4m --swap-device ssd", "--swap-device takes zram or disk" },
		{ "--ram 4m --format csv", "--format takes lackey, rw or auto" },
		{ "--ram 4m --page-cluster 11", "--page-cluster is 0 to 10" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
		cmd = g_strdup_printf("\"$MMSIM\" replay %s %s 2>&1", trace, refused[i].args);
		out = run_shell(cmd, &status);
		cr_assert_eq(status, 2, "%s: %s", refused[i].args, out);
		cr_assert_not_null(strstr(out, refused[i].message), "%s: %s", refused[i].args, out);
		g_free(cmd);
		g_free(out);
	}

	/* A bad line: TRACE:LINE, exit status 2. */
	cr_assert(g_file_set_contents(trace, " L 1000,8\n L 1000;8\n", -1, NULL));
	cmd = g_strdup_printf("\"$MMSIM\" replay %s --ram 1m 2>&1", trace);
	out = run_shell(cmd, &status);
	cr_assert_eq(status, 2);
	cr_assert_not_null(strstr(out, "t.lackey:2: error: expected ',SIZE' after the address"),
			   "%s", out);
	g_free(cmd);
	g_free(out);
	cmd = g_strdup_printf("\"$MMSIM\" replay %s/missing --ram 1m 2>&1", dir);
	out = run_shell(cmd, &status);
	cr_assert_eq(status, 2);
	cr_assert_not_null(strstr(out, "missing: error: cannot open: No such file"), "%s", out);

	g_unlink(trace);
	g_unlink(svg);
	g_rmdir(dir);
}
