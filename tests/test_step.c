// SPDX-License-Identifier: GPL-2.0
/*
 * test_step.c - `mmsim step`: scripted sessions, every command.
 *
 * Each test feeds a session its commands from a string (as a pipe would:
 * not a terminal, so the commands are echoed after the prompt) and reads
 * what it printed. The lessons in scenarios/ are the material: a break on
 * do_anonymous_page in an anonymous-memory lesson and on shmem_fault in a
 * shmem lesson, with the backtrace and the PTE before and after. The swap
 * lesson's break on do_swap_page runs once scenarios/swap/ exists. The last
 * tests drive the mmsim binary ($MMSIM) through a pipe and read its help.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "kernel_glue.h"
#include "step.h"
#include "test_util.h"

#define ANON "scenarios/anon/write-after-read.scn"
#define SHMEM "scenarios/shmem/three-flavours.scn"

/* Run a session over @scn (a path, or the text of a scenario) with @commands. */
static char *session_of(struct scn_file *f, const char *commands, int *status)
{
	g_autoptr(GError) err = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *in = fmemopen((void *)commands, strlen(commands), "r");
	FILE *out = open_memstream(&buf, &len);
	struct step_options opt = { .in = in, .out = out, .trace = SCN_TRACE_CALLS,
				    .check_invariants = true };
	int st;

	cr_assert(in && out);
	st = step_session(f, &opt, &err);
	fclose(in);
	fclose(out);
	cr_assert(st != 2, "refused: %s", err ? err->message : "?");
	if (status)
		*status = st;
	scn_file_free(f);
	return buf;
}

static char *session(const char *path, const char *commands, int *status)
{
	g_autoptr(GError) err = NULL;
	struct scn_file *f = scn_parse_file(path, &err);

	cr_assert(f, "%s does not parse: %s", path, err ? err->message : "?");
	return session_of(f, commands, status);
}

static char *session_text(const char *text, const char *commands, int *status)
{
	g_autoptr(GError) err = NULL;
	struct scn_file *f = scn_parse_string("t.scn", text, strlen(text), &err);

	cr_assert(f, "does not parse: %s", err ? err->message : "?");
	return session_of(f, commands, status);
}

#define assert_has(out, text)                                                                      \
	cr_assert(strstr((out), (text)), "missing:\n%s\nin:\n%s", (text), (out))
#define assert_lacks(out, text)                                                                    \
	cr_assert(!strstr((out), (text)), "unexpected:\n%s\nin:\n%s", (text), (out))

/* @a appears, and @b after it. */
static void assert_order(const char *out, const char *a, const char *b)
{
	const char *pa = strstr(out, a);

	cr_assert(pa, "missing:\n%s\nin:\n%s", a, out);
	cr_assert(strstr(pa + strlen(a), b), "missing after '%s':\n%s\nin:\n%s", a, b, out);
}

/* The text after the first @mark (to read what a command printed). */
static const char *after(const char *out, const char *mark)
{
	const char *p = strstr(out, mark);

	cr_assert(p, "missing:\n%s\nin:\n%s", mark, out);
	return p + strlen(mark);
}

/* The text between @from and the next prompt. */
static char *reply_to(const char *out, const char *from)
{
	const char *p = after(out, from), *end = strstr(p, "(mmsim ");

	return g_strndup(p, end ? (size_t)(end - p) : strlen(p));
}

/* What the command @from printed holds @text. */
#define assert_reply_has(out, from, text)                                                          \
	do {                                                                                       \
		g_autofree char *reply_ = reply_to((out), (from));                                 \
		assert_has(reply_, (text));                                                        \
	} while (0)

static int count(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* ---- starting, ending, quitting ------------------------------------------ */

Test(step, starts_paused_before_the_first_statement_and_eof_quits)
{
	int status;
	g_autofree char *out = session(ANON, "", &status);

	assert_has(out, "Stepping through " ANON ": the run pauses before its first statement.\n"
			"Type 'help' for the commands.\n");
	assert_has(out, "=> before line 6: process A\n(mmsim line 6) quit\n");
	assert_lacks(out, "    6  process A"); /* nothing ran */
	assert_lacks(out, "passed");
	cr_assert_eq(status, 0);
}

Test(step, quit_inside_a_fault_finishes_the_statement_silently)
{
	int status;
	g_autofree char *out = session(ANON, "break do_anonymous_page\ncontinue\nquit\n", &status);
	const char *rest = after(out, "(mmsim line 10 do_anonymous_page) quit\n");

	cr_assert_str_empty(rest, "printed after quit: %s", rest);
	cr_assert_eq(status, 0);
}

Test(step, quit_at_the_end_prints_the_summary)
{
	g_autofree char *out = session(ANON, "break 27\ncontinue\nnext\nquit\n", NULL);

	assert_order(out, "=> the end: every statement has run", "(mmsim end) quit\n");
	assert_has(out, "(mmsim end) quit\n" ANON ": 10 passed, 0 failed\n");
}

Test(step, continue_runs_to_the_end)
{
	int status;
	g_autofree char *out = session(ANON, "continue\n", &status);

	assert_has(out, "(mmsim line 6) continue\n    6  process A\n");
	assert_has(out, ANON ": 10 passed, 0 failed\n");
	cr_assert(g_str_has_suffix(out, "10 passed, 0 failed\n"), "%s", out);
	cr_assert_eq(status, 0);
}

Test(step, a_failed_expectation_is_exit_status_1)
{
	int status;
	g_autofree char *out = session_text("process A\nA: m = mmap 1p anon private\n"
					    "A: read m[0]\nexpect A m[0] writable\n",
					    "continue\n", &status);

	assert_has(out, "t.scn:4: FAILED: expect A m[0] writable");
	cr_assert_eq(status, 1);
}

Test(step, the_same_script_prints_the_same_bytes)
{
	const char *script = "break do_wp_page\nwatch A m[2]\ncontinue\nbt\nfinish\ncontinue\n"
			     "show A pagetable\nshow frames\ncontinue\n";
	g_autofree char *a = session(ANON, script, NULL);
	g_autofree char *b = session(ANON, script, NULL);

	cr_assert_str_eq(a, b);
}

/* ---- breaking on a kernel function: the fault path ----------------------- */

Test(step, break_on_do_anonymous_page_bt_and_the_pte_before_and_after)
{
	g_autofree char *out = session(ANON,
				       "break do_anonymous_page\ncontinue\nbt\nshow A pagetable\n"
				       "finish\nshow A pagetable\nquit\n",
				       NULL);
	g_autofree char *before = NULL, *after_ = NULL;

	assert_has(out, "breakpoint 1 at do_anonymous_page (the run stops each time the model "
			"enters it)\n");
	assert_has(out, "=> breakpoint 1, entering do_anonymous_page (line 10: A: write m[0])\n"
			"(mmsim line 10 do_anonymous_page) bt\n"
			"#0  do_anonymous_page\n"
			"#1  handle_pte_fault\n"
			"#2  __handle_mm_fault\n"
			"#3  handle_mm_fault\n"
			"#4  do_user_addr_fault\n"
			"    from line 10: A: write m[0]\n");
	/* The narration went as far as the caller when the run stopped. */
	assert_order(out, "             handle_pte_fault() {\n", "=> breakpoint 1, entering");
	before = reply_to(out, "(mmsim line 10 do_anonymous_page) show A pagetable\n");
	assert_has(before, "PGD[192] -> PUD[0] -> PMD[0] empty: no PTE table");
	assert_lacks(before, "600000000000  0x");
	assert_has(out,
		   "pte A 0x600000000000: none -> pfn 0x1 P RW US A D NX\n"
		   "               }\n"
		   "=> do_anonymous_page returned to handle_pte_fault (line 10: A: write m[0])\n");
	after_ = reply_to(out, "(mmsim line 10 handle_pte_fault) show A pagetable\n");
	assert_has(after_, "    600000000000  0x8000000000001067  pfn 0x1 P RW US A D NX\n");
}

Test(step, break_on_shmem_fault_in_a_shmem_lesson)
{
	g_autofree char *out = session(SHMEM,
				       "break shmem_fault\ncontinue\nbt\nshow A pagetable\nnext\n"
				       "show A pagetable\nshow cache M\nquit\n",
				       NULL);
	g_autofree char *before = NULL, *after_ = NULL, *cache = NULL;

	assert_has(out, "=> breakpoint 1, entering shmem_fault (line 32: A: read m[0] == 0)\n"
			"(mmsim line 32 shmem_fault) bt\n"
			"#0  shmem_fault\n"
			"#1  __do_fault\n"
			"#2  do_read_fault\n"
			"#3  do_fault\n"
			"#4  handle_pte_fault\n");
	before = reply_to(out, "(mmsim line 32 shmem_fault) show A pagetable\n");
	assert_has(before, "PGD[192] -> PUD[0] -> PMD[0] empty: no PTE table for 600000000000");
	assert_has(out, "pte A 0x600000000000: none -> pfn 0x1 P RW US A NX\n");
	after_ = reply_to(out, "(mmsim line 33) show A pagetable\n");
	assert_has(after_, "    600000000000  0x8000000000001027  pfn 0x1 P RW US A NX\n");
	cache = reply_to(out, "(mmsim line 33) show cache M\n");
	assert_has(cache, "index 0: page pfn 0x1");
}

/* Every scenarios/swap/ lesson, sorted; the first that enters do_swap_page is the test's. */
static GPtrArray *swap_lessons(void)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) d = g_dir_open("scenarios/swap", 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".scn"))
			g_ptr_array_add(files, g_build_filename("scenarios/swap", name, NULL));
	g_ptr_array_sort(files, (GCompareFunc)g_strcmp0);
	return files;
}

/* "A" from "(line 14: A: read m[0])": the process of the statement that faulted. */
static char *faulting_process(const char *stop)
{
	const char *p = strchr(after(stop, "(line "), ':') + 2;

	return g_strndup(p, strcspn(p, ":"));
}

Test(step, break_on_do_swap_page_in_a_swap_lesson)
{
	g_autoptr(GPtrArray) files = swap_lessons();
	const char *stop = "=> breakpoint 1, entering do_swap_page";

	if (!files->len)
		cr_skip_test("no scenarios/swap/ lesson yet: the break on do_swap_page runs once "
			     "swap lands");
	for (guint i = 0; i < files->len; i++) {
		const char *path = files->pdata[i];
		g_autofree char *probe =
		    session(path, "break do_swap_page\ncontinue\nquit\n", NULL);
		g_autofree char *proc = NULL, *script = NULL, *out = NULL;
		g_autofree char *before = NULL, *after_ = NULL, *bt = NULL;

		if (!strstr(probe, stop))
			continue;
		proc = faulting_process(strstr(probe, stop));
		script = g_strdup_printf("break do_swap_page\ncontinue\nbt\nshow %s pagetable\n"
					 "finish\nshow %s pagetable\nquit\n", proc, proc);
		out = session(path, script, NULL);
		bt = reply_to(out, "do_swap_page) bt\n");
		cr_assert(g_str_has_prefix(bt, "#0  do_swap_page\n#1  handle_pte_fault\n"), "%s",
			  bt);
		before = reply_to(out, "do_swap_page) show ");
		assert_has(out, "=> do_swap_page returned to handle_pte_fault");
		after_ = reply_to(out, "handle_pte_fault) show ");
		cr_assert_gt(count(before, " swap type "), count(after_, " swap type "),
			     "%s: the swap PTE is still there after do_swap_page:\n%s\n%s", path,
			     before, after_);
		return;
	}
	cr_assert_fail("no lesson under scenarios/swap/ enters do_swap_page (%u tried)",
		       files->len);
}

/* ---- moving on: next, stepi, finish -------------------------------------- */

Test(step, next_runs_statements_and_stops_before_the_next)
{
	g_autofree char *out = session(ANON, "next\nnext 2\nnext\n", NULL);

	assert_has(out,
		   "(mmsim line 6) next\n    6  process A\n=> before line 7: A: m = mmap 16p "
		   "anon private\n(mmsim line 7) next 2\n    7  A: m = mmap 16p anon private\n");
	/* next 2 ran line 7 and the say on line 9 */
	assert_has(out, "=> before line 10: A: write m[0]\n(mmsim line 10) next\n");
	assert_has(out, "       write 0x600000000000 := 0x1  (minor fault)\n"
			"=> before line 11: expect A m[0] present writable dirty exclusive\n");
}

Test(step, next_past_the_last_statement_stops_at_the_end)
{
	g_autofree char *out =
	    session(ANON, "next 1000\nnext\nstepi\nfinish\nbt\ncontinue\n", NULL);

	assert_has(out,
		   "=> the end: every statement has run (show, bt and list still work; "
		   "continue or quit leaves)\n(mmsim end) next\nthe scenario has ended: nothing "
		   "is left to run");
	assert_has(out, "(mmsim end) stepi\nthe scenario has ended");
	assert_has(out, "(mmsim end) finish\nthe scenario has ended");
	assert_has(out, "(mmsim end) bt\nno kernel function is running: the scenario has ended\n");
	assert_has(out, "(mmsim end) continue\n" ANON ": 10 passed, 0 failed\n");
}

Test(step, next_rejects_what_is_not_a_count)
{
	g_autofree char *out = session(ANON, "next 0\nnext x\nnext 1 2\n", NULL);

	cr_assert_eq(count(out, "next takes a number of statements: next, next 3\n"), 3, "%s", out);
}

Test(step, stepi_enters_the_fault_path_function_by_function)
{
	g_autofree char *out = session(ANON, "break 10\ncontinue\nstepi\nstepi\nsi\nbt\n", NULL);

	assert_has(out, "(mmsim line 10) stepi\n   10  A: write m[0]\n"
			"=> entering do_user_addr_fault (line 10: A: write m[0])\n"
			"(mmsim line 10 do_user_addr_fault) stepi\n"
			"       do_user_addr_fault() {\n"
			"=> entering handle_mm_fault (line 10: A: write m[0])\n"
			"(mmsim line 10 handle_mm_fault) si\n"
			"         handle_mm_fault() {\n"
			"=> entering __handle_mm_fault (line 10: A: write m[0])\n"
			"(mmsim line 10 __handle_mm_fault) bt\n"
			"#0  __handle_mm_fault\n#1  handle_mm_fault\n#2  do_user_addr_fault\n");
}

Test(step, stepi_over_a_statement_without_kernel_functions_stops_before_the_next)
{
	g_autofree char *out = session(ANON, "stepi\n", NULL);

	assert_has(out, "(mmsim line 6) stepi\n    6  process A\n=> before line 7: A: m = mmap");
}

Test(step, finish_returns_to_the_caller_and_outside_the_kernel)
{
	g_autofree char *out = session(ANON, "finish\nbreak handle_mm_fault\ncontinue\nfinish\n"
					     "finish\nfinish\n", NULL);

	assert_has(out, "(mmsim line 6) finish\nfinish: the run is not inside a kernel function "
			"(it stands before line 6); stepi enters the next one, next runs the "
			"statement\n");
	assert_has(out, "=> handle_mm_fault returned to do_user_addr_fault (line 10: A: write "
			"m[0])\n(mmsim line 10 do_user_addr_fault) finish\n       }\n"
			"=> do_user_addr_fault returned (line 10: A: write m[0])\n"
			"(mmsim line 10) finish\nfinish: the run is not inside a kernel function");
}

/* ---- breakpoints ---------------------------------------------------------- */

Test(step, break_on_a_line_stops_before_its_statement)
{
	g_autofree char *out = session(ANON, "break 15\ncontinue\nlist\ncontinue\n", NULL);

	assert_has(out, "breakpoint 1 at line 15: A: read m[1]\n");
	assert_has(out, "=> breakpoint 1, before line 15: A: read m[1]\n(mmsim line 15) list\n");
	assert_has(out, "*>   15  A: read m[1]\n");
}

Test(step, break_explains_lines_without_statements)
{
	g_autofree char *out = session(ANON, "break 1\nbreak 5\nbreak 3\nbreak 4\nbreak 99\n"
					     "break 0\nbreak 12x\nbreak\n", NULL);

	assert_has(out, "line 1 is a comment: nothing runs there; the next statement is line 6: "
			"process A\n");
	assert_has(out, "line 5 is blank: nothing runs there; the next statement is line 6: "
			"process A\n");
	assert_has(out, "line 3 is the title: it is read before the run and never stops it; the "
			"first statement is line 6\n");
	assert_has(out, "line 4 is the config: it is read before the run");
	assert_has(out, ANON " has 27 lines; there is no line 99\n");
	assert_has(out, "'0' is not a line number\n");
	assert_has(out, "'12x' is not a line number\n");
	assert_has(out, "break takes a line or a kernel function: break 12, break "
			"do_anonymous_page\n");
	assert_lacks(out, "breakpoint 1");
}

Test(step, break_on_a_continued_line_or_a_line_already_run)
{
	g_autofree char *out = session_text("process A\nA: m = mmap 1p \\\n   anon private\n"
					    "# a comment, last\n",
					    "break 3\nnext\nnext\nbreak 1\nbreak 4\n", NULL);

	assert_has(out, "breakpoint 1 at line 2: A: m = mmap 1p anon private\n");
	assert_has(out, "breakpoint 2 at line 1: process A (the run is past it: it will not stop "
			"there)\n");
	assert_has(out, "line 4 is a comment, and no statement follows it\n");
}

Test(step, break_on_an_unknown_function_suggests_the_nearest)
{
	g_autofree char *out = session(ANON, "break do_anonymous_pgae\nbreak do_swap\n"
					     "break xyzzy\nbreak DO_WP_PAGE()\n", NULL);

	assert_has(out, "break do_anonymous_pgae: no such function in the model; did you mean "
			"do_anonymous_page?\n");
	assert_has(out,
		   "break do_swap: no such function in the model; did you mean do_swap_page?\n");
	assert_has(out, "break xyzzy: no such function in the model ('info functions' lists the "
			"ones it traces)\n");
	assert_has(out, "breakpoint 1 at do_wp_page (the run stops each time the model enters "
			"it)\n");
}

Test(step, delete_and_info_breakpoints)
{
	g_autofree char *out = session(ANON, "info breakpoints\nbreak 10\nbreak do_wp_page\n"
					     "watch A 0x600000001000\ncontinue\ni b\ndelete 1\n"
					     "delete 7\ninfo watchpoints\ndelete\ndelete\ninfo b\n"
					     "info\n", NULL);

	assert_has(out, "(mmsim line 6) info breakpoints\nno breakpoints or watchpoints\n");
	assert_has(out, "(mmsim line 10) i b\n"
			"Num  Type        What\n"
			"1    breakpoint  line 10: A: write m[0]  (hit 1 time)\n"
			"2    breakpoint  function do_wp_page\n"
			"3    watchpoint  pte A 0x600000001000\n");
	assert_has(out, "delete 1\ndeleted breakpoint 1\n");
	assert_has(out, "delete 7\nno breakpoint 7 (info breakpoints lists them)\n");
	assert_has(out, "info watchpoints\nNum  Type        What\n2    breakpoint  function "
			"do_wp_page\n3    watchpoint");
	assert_has(out, "delete\ndeleted 2 breakpoints\n");
	assert_has(out, "delete\nno breakpoints to delete\n");
	assert_has(out, "info\ninfo breakpoints, or info functions [TEXT]\n");
}

Test(step, info_functions_lists_what_break_takes)
{
	g_autofree char *out = session(ANON, "info functions\ninfo functions swap_page\n"
					     "info functions nothing_like_it\n", NULL);
	g_autofree char *all = reply_to(out, "info functions\n");

	assert_has(all, "do_user_addr_fault");
	assert_has(all, "do_anonymous_page");
	assert_has(all, "functions the model traces; break FUNCTION stops in any of them\n");
	assert_has(out, "info functions swap_page\n"
			"do_swap_page                    get_swap_page\n"
			"2 functions the model traces (with that text)\n");
	assert_has(out, "no traced function has 'nothing_like_it' in its name\n");
}

/* ---- watchpoints ---------------------------------------------------------- */

Test(step, watch_stops_after_the_pte_changed)
{
	g_autofree char *out = session(ANON, "next 2\nwatch A m[1]\ncontinue\nshow A pagetable\n"
					     "continue\nbt\ncontinue\n", NULL);
	g_autofree char *view = NULL;

	assert_has(out, "watchpoint 1: the pte of A at 0x600000001000 (the run stops after each "
			"change)\n");
	/* the read maps the zero page; the write copies it */
	assert_has(out, "=> watchpoint 1, pte A 0x600000001000 changed in do_anonymous_page: "
			"none -> zero page P US A NX special\n(mmsim line 15 handle_pte_fault) ");
	view = reply_to(out, "(mmsim line 15 handle_pte_fault) show A pagetable\n");
	assert_has(view, "600000001000  0x8000000000000225  zero page (special) P US A NX\n");
	assert_has(out, "=> watchpoint 1, pte A 0x600000001000 changed in wp_page_copy: zero page "
			"P US A NX special -> pfn 0x2 P RW US A D NX\n");
	cr_assert_eq(count(out, "=> watchpoint 1,"), 2, "%s", out);
	assert_has(out, ANON ": 10 passed, 0 failed\n");
}

Test(step, watch_takes_addresses_and_places_in_mappings)
{
	g_autofree char *out = session(ANON, "watch A 0x600000001234\nwatch B m[1]\n"
					     "watch A m[1]\nnext 2\nwatch A m\nwatch A m+0x2008\n"
					     "watch A m[16]\nwatch A m+0x10000\nwatch A q\n"
					     "watch A m[x]\nwatch A 12zz\nwatch A\n", NULL);

	assert_has(out, "watchpoint 1: the pte of A at 0x600000001000");
	assert_has(out, "no process 'B' in this scenario (processes: A)\n");
	assert_has(out, "watch A m[1]\nmapping 'm' does not exist yet: line 7 makes it\n");
	assert_has(out, "watchpoint 2: the pte of A at 0x600000000000");
	assert_has(out, "watchpoint 3: the pte of A at 0x600000002000");
	assert_has(out, "page 16 is outside mapping 'm' (pages 0..15 now)\n");
	assert_has(out, "byte 0x10000 is outside mapping 'm' (16 pages now)\n");
	assert_has(out, "no mapping 'q' in this scenario (mappings: m)\n");
	assert_has(out, "'m[x]' is not an address: give 0x..., m, m[N] or m+OFF\n");
	assert_has(out, "'12zz' is not an address");
	assert_has(out, "watch takes a process and an address: watch A m[0], watch A "
			"0x600000000000\n");
}

/* ---- looking: bt, show, list ---------------------------------------------- */

Test(step, bt_between_statements_says_where_the_run_stands)
{
	g_autofree char *out = session(ANON, "bt\n", NULL);

	assert_has(out, "(mmsim line 6) bt\nno kernel function is running: the run stands before "
			"line 6: process A (stepi enters its first function)\n");
}

Test(step, show_prints_every_view)
{
	g_autofree char *out = session(SHMEM,
				       "break 33\ncontinue\nshow A pagetable\nshow maps A\n"
				       "show A smaps\nshow frames\nshow meminfo\nshow vmstat\n"
				       "show cache M\nshow pagetable\n",
				       NULL);

	assert_reply_has(out, "show A pagetable\n", "pid 1 (A): PGD + 3 page tables");
	assert_reply_has(out, "show maps A\n", "/memfd:buf (deleted)\n");
	assert_reply_has(out, "show A smaps\n", "Rss:                   4 kB\n");
	assert_reply_has(out, "show frames\n", "0x1 ");
	assert_reply_has(out, "show meminfo\n", "MemTotal:");
	assert_reply_has(out, "show vmstat\n", "nr_shmem 1\n");
	assert_reply_has(out, "show cache M\n", "index 0: page pfn 0x1");
	/* without a process: the current statement's (expect A faults) */
	assert_reply_has(out, "(mmsim line 33) show pagetable\n", "pid 1 (A)");
}

Test(step, show_explains_what_it_cannot_show)
{
	g_autofree char *out = session(SHMEM, "show\nshow A\nshow pagetable\nshow A pagetable\n"
					      "show B maps\nshow cach M\nshow cache\nshow cache Z\n"
					      "show cache M\nshow frames A\nnext 4\nshow cache M\n",
				       NULL);

	assert_has(out, "(mmsim line 8) show\nshow takes a view: show A pagetable|maps|smaps, "
			"show cache OBJ, show frames|meminfo|vmstat|swap|lru\n");
	assert_has(out, "show A\nshow A needs a view: show A pagetable|maps|smaps\n");
	assert_has(out, "show pagetable\nshow pagetable needs a process: show A pagetable\n");
	assert_has(out, "show A pagetable\nprocess 'A' does not exist yet: line 8 makes it\n");
	assert_has(out, "show B maps\nno process 'B' in this scenario (processes: A)\n");
	assert_has(out, "show: unknown view 'cach'; did you mean 'cache'?\n");
	assert_has(out, "show cache\nshow cache needs an object: show cache f\n");
	assert_has(out, "show cache Z\nno object 'Z' in this scenario (objects: M, P, S)\n");
	assert_has(out, "show cache M\nobject 'M' does not exist yet: line 11 makes it\n");
	assert_has(out, "show frames A\nshow frames takes no name\n");
	assert_has(out, "(mmsim line 12) show cache M\npage cache of /memfd:buf");
}

Test(step, list_shows_the_scenario_around_the_line)
{
	g_autofree char *out = session(ANON, "break 12\nlist\nnext 3\nlist\nlist 27\nlist 28\n"
					     "list 1 2\n", NULL);
	g_autofree char *first = reply_to(out, "(mmsim line 6) list\n");

	cr_assert_str_eq(first,
			 "      1  # Write first costs one fault; read then write costs two.\n"
			 "      2  # real-kernel-6.18.md section 1 (p01 steps 2, 5, 11, 12) and "
			 "kernel-behaviour.md 2.2.\n"
			 "      3  title \"Write-after-read: the zero page makes a write cost a "
			 "second fault\"\n"
			 "      4  config ram=64p\n"
			 "      5\n"
			 "=>    6  process A\n"
			 "      7  A: m = mmap 16p anon private\n"
			 "      8\n"
			 "      9  say \"Writing first: do_anonymous_page allocates a zeroed page "
			 "at once. One fault.\"\n"
			 "     10  A: write m[0]\n"
			 "     11  expect A m[0] present writable dirty exclusive\n");
	assert_reply_has(out, "(mmsim line 10) list\n", "=>   10  A: write m[0]\n");
	assert_reply_has(out, "(mmsim line 10) list\n", " *   12  expect A faults minor=1\n");
	assert_reply_has(out, "list 27\n", "     22\n");
	assert_has(out, "list 28\nlist: '28' is not a line of " ANON " (1..27)\n");
	assert_has(out, "list 1 2\nlist takes at most a line number: list, list 20\n");
}

/* ---- help, errors, the rest ----------------------------------------------- */

Test(step, help_lists_every_command_and_explains_one)
{
	static const char *const names[] = { "next [N]", "stepi", "finish", "continue",
					     "break LINE|FUNCTION", "watch PROC ADDR",
					     "delete [N...]", "info breakpoints", "bt",
					     "show VIEW", "dot FILE [VIEW]", "list [LINE]",
					     "help [COMMAND]", "quit" };
	g_autofree char *out = session(ANON, "help\nhelp break\nh b\nhelp nope\n", NULL);
	g_autofree char *all = reply_to(out, "(mmsim line 6) help\n");

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		assert_has(all, names[i]);
	assert_has(out, "help break\nbreak LINE|FUNCTION: stop before LINE, or whenever the model "
			"enters FUNCTION\n");
	assert_has(out, "Also: b\n");
	cr_assert_eq(count(out, "break LINE|FUNCTION: stop before"), 2, "%s", out);
	assert_has(out, "help nope\nhelp: no command 'nope' (help lists them)\n");
}

Test(step, unknown_commands_get_a_suggestion)
{
	g_autofree char *out = session(ANON, "nxet\nfinsh\nfrobnicate\nstepi now\ncontinue 3\n",
				       NULL);

	assert_has(out, "nxet\nunknown command 'nxet'; did you mean 'next'? (help lists the "
			"commands)\n");
	assert_has(out, "finsh\nunknown command 'finsh'; did you mean 'finish'?");
	assert_has(out, "frobnicate\nunknown command 'frobnicate' (help lists the commands)\n");
	assert_has(out, "stepi now\nstepi takes nothing after it\n");
	assert_has(out, "continue 3\ncontinue takes nothing after it\n");
}

Test(step, blank_lines_and_comments_in_a_script_do_nothing)
{
	g_autofree char *out = session(ANON, "\n# a comment\n   \nnext\n", NULL);

	assert_has(out, "(mmsim line 6) \n(mmsim line 6) # a comment\n(mmsim line 6)    \n"
			"(mmsim line 6) next\n    6  process A\n");
}

Test(step, short_forms)
{
	g_autofree char *out = session(ANON, "b do_anonymous_page\nc\nwhere\nfin\nn\nl\nq\n", NULL);

	assert_has(out, "(mmsim line 10 do_anonymous_page) where\n#0  do_anonymous_page\n");
	assert_has(out, "(mmsim line 10 do_anonymous_page) fin\n");
	assert_has(out, "(mmsim line 10 handle_pte_fault) n\n");
	assert_has(out, "=> before line 11: expect A m[0] present writable dirty exclusive\n"
			"(mmsim line 11) l\n");
}

Test(step, dot_writes_the_current_diagram_or_says_why_not)
{
	g_autofree char *dir = g_dir_make_tmp("mmsim-step-XXXXXX", NULL);
	g_autofree char *file = g_build_filename(dir, "now.dot", NULL);
	g_autofree char *script = g_strdup_printf("b do_anonymous_page\nc\ndot %s pagetable\n"
						  "dot %s/x.txt\ndot %s nothing\n", file, dir, file);
	g_autofree char *out = session(ANON, script, NULL);
	g_autofree char *dot = NULL;

	assert_has(out, "(pagetable view)");
	cr_assert(g_file_get_contents(file, &dot, NULL, NULL), "%s", out);
	cr_assert(g_str_has_prefix(dot, "digraph "), "%s", dot);
	assert_has(out, "dot: name the file .dot, .svg, .png or .pdf");
	assert_has(out, "dot: views here are system, frames and pagetable");
	g_unlink(file);
	g_rmdir(dir);
}

/* ---- docs/step.md: every transcript is what the tool prints -------------- */

struct doc_session {
	char *path;	 /* the scenario, from "$ mmsim step PATH" */
	GString *text;	 /* the transcript, its blocks joined */
};

static void free_doc_session(gpointer p)
{
	struct doc_session *d = p;

	g_free(d->path);
	g_string_free(d->text, TRUE);
	g_free(d);
}

/* The sessions of @doc: a console block opening with "$ mmsim step", and the blocks after it. */
static GPtrArray *doc_sessions(const char *doc)
{
	GPtrArray *all = g_ptr_array_new_with_free_func(free_doc_session);
	g_auto(GStrv) lines = g_strsplit(doc, "\n", -1);
	struct doc_session *cur = NULL;
	bool in_block = false;

	for (int i = 0; lines[i]; i++) {
		if (!in_block) {
			in_block = strcmp(lines[i], "```console") == 0;
			continue;
		}
		if (strcmp(lines[i], "```") == 0) {
			in_block = false;
		} else if (g_str_has_prefix(lines[i], "$ mmsim step ")) {
			cur = g_new0(struct doc_session, 1);
			cur->path = g_strdup(lines[i] + strlen("$ mmsim step "));
			cur->text = g_string_new("");
			g_ptr_array_add(all, cur);
		} else {
			cr_assert(cur, "docs/step.md: a console block before any '$ mmsim step'");
			g_string_append_printf(cur->text, "%s\n", lines[i]);
		}
	}
	return all;
}

/* The commands typed in a transcript: what follows each prompt. */
static char *doc_commands(const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	GString *cmds = g_string_new("");

	for (int i = 0; lines[i]; i++)
		if (g_str_has_prefix(lines[i], "(mmsim ") && strstr(lines[i], ") "))
			g_string_append_printf(cmds, "%s\n", strstr(lines[i], ") ") + 2);
	return g_string_free(cmds, FALSE);
}

/* Each stretch between [...] lines appears in @out, in order; the first at its start. */
static void assert_transcript(const char *path, const char *doc, const char *out)
{
	g_auto(GStrv) parts = g_strsplit(doc, "[...]\n", -1);
	const char *at = out;

	for (int i = 0; parts[i]; i++) {
		const char *p = strstr(at, parts[i]);

		cr_assert(p && (i > 0 || p == out),
			  "docs/step.md is stale for %s (run tools/step-doc.py): the tool does not "
			  "print\n%s\nwhere the transcript has it; it printed:\n%s",
			  path, parts[i], at);
		at = p + strlen(parts[i]);
	}
}

Test(step, the_transcripts_in_docs_step_md_are_what_the_tool_prints)
{
	g_autofree char *doc = NULL;
	g_autoptr(GPtrArray) sessions = NULL;
	int checked = 0;

	cr_assert(g_file_get_contents("docs/step.md", &doc, NULL, NULL), "no docs/step.md");
	sessions = doc_sessions(doc);
	cr_assert_geq(sessions->len, 1, "docs/step.md has no '$ mmsim step' transcript");
	for (guint i = 0; i < sessions->len; i++) {
		struct doc_session *d = sessions->pdata[i];
		g_autofree char *cmds = doc_commands(d->text->str);
		g_autofree char *out = NULL;

		if (!g_file_test(d->path, G_FILE_TEST_EXISTS)) {
			cr_log_info(
			    "docs/step.md: %s is not here yet; its transcript is not checked",
			    d->path);
			continue;
		}
		out = session(d->path, cmds, NULL);
		assert_transcript(d->path, d->text->str, out);
		checked++;
	}
	cr_assert_geq(checked, 1);
}

/* ---- the mmsim binary ----------------------------------------------------- */

/* Run @shell (sh -c) with $MMSIM set; its standard output and exit status. */
static char *run_shell(const char *shell, int *status)
{
	const char *argv[] = { "/bin/sh", "-c", shell, NULL };
	g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "MMSIM", mmsim_under_test(), TRUE);
	g_autoptr(GError) err = NULL;
	char *out = NULL, *errout = NULL;
	int wait;

	if (!g_file_test(mmsim_under_test(), G_FILE_TEST_IS_EXECUTABLE))
		cr_skip_test("%s is not built", mmsim_under_test());
	cr_assert(g_spawn_sync(NULL, (char **)argv, env, 0, NULL, NULL, &out, &errout, &wait,
			       &err), "%s", err ? err->message : "?");
	*status = WIFEXITED(wait) ? WEXITSTATUS(wait) : -1;
	g_free(errout);
	return out;
}

Test(step_cli, a_session_scripted_on_standard_input)
{
	int status;
	g_autofree char *out = run_shell("printf 'break do_anonymous_page\\ncontinue\\nbt\\n' | "
					 "\"$MMSIM\" step " ANON, &status);

	assert_has(out, "=> breakpoint 1, entering do_anonymous_page (line 10: A: write m[0])\n"
			"(mmsim line 10 do_anonymous_page) bt\n#0  do_anonymous_page\n");
	assert_has(out, "(mmsim line 10 do_anonymous_page) quit\n");
	cr_assert_eq(status, 0);
}

Test(step_cli, help_documents_step)
{
	int status;
	g_autofree char *top = run_shell("\"$MMSIM\" --help", &status);
	g_autofree char *step = run_shell("\"$MMSIM\" step --help", &status);

	assert_has(top, "  step FILE       step through a scenario");
	assert_lacks(top, "Not built yet (each is refused with exit status 2):\n  check FILE      "
			  "run a scenario on the real kernel too and compare\n  step");
	assert_has(step, "mmsim step [OPTION");
	assert_has(step, "break LINE|FUNCTION");
	assert_has(step, "watch PROC ADDR");
	assert_has(step, "docs/step.md");
	cr_assert_eq(status, 0);
}

Test(step_cli, mistakes_on_the_command_line)
{
	int status;
	g_autofree char *none = run_shell("\"$MMSIM\" step 2>&1", &status);

	assert_has(none, "mmsim step: no scenario file given");
	cr_assert_eq(status, 2);
	g_autofree char *two = run_shell("\"$MMSIM\" step " ANON " " ANON " 2>&1", &status);
	assert_has(two, "mmsim step: one scenario file at a time");
	cr_assert_eq(status, 2);
	g_autofree char *missing =
	    run_shell("\"$MMSIM\" step no/such.scn 2>&1 </dev/null", &status);
	assert_has(missing, "no/such.scn");
	cr_assert_eq(status, 2);
	g_autofree char *trace = run_shell("\"$MMSIM\" step --trace=all " ANON " 2>&1", &status);
	assert_has(trace, "--trace takes calls, events or none, not 'all'");
	cr_assert_eq(status, 2);
}

Test(step_cli, trace_events_narrates_only_state_changes)
{
	int status;
	g_autofree char *out = run_shell("printf 'break 11\\ncontinue\\n' | \"$MMSIM\" step "
					 "--trace=events " ANON, &status);

	assert_has(out, "       pte A 0x600000000000: none -> pfn 0x1 P RW US A D NX\n");
	assert_lacks(out, "do_user_addr_fault() {");
	cr_assert_eq(status, 0);
}
