// SPDX-License-Identifier: GPL-2.0
/*
 * test_scenarios.c - every lesson in scenarios/ runs clean: it parses, every
 * expectation holds (exit 0) with the invariant checker on after every
 * statement, nothing the model allocated is left, and a second run prints
 * the same bytes.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>

#include "kernel_glue.h"
#include "runner.h"
#include "test_util.h"

/* Run @path with the given trace mode; the output in *text. */
static enum scn_status run_file(const char *path, enum scn_trace_mode mode, char **text)
{
	g_autoptr(GError) err = NULL;
	struct scn_file *f = scn_parse_file(path, &err);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct scn_run_options opt = { .trace = mode, .check_invariants = true, .out = out };
	enum scn_status st;

	cr_assert(f, "%s does not parse: %s", path, err ? err->message : "?");
	st = scn_run(f, &opt, &err);
	fclose(out);
	if (st == SCN_REFUSED)
		cr_log_error("%s refused: %s", path, err->message);
	if (st == SCN_FAILED)
		cr_log_error("%s output:\n%s", path, buf);
	scn_file_free(f);
	*text = buf;
	return st;
}

/* Parse @text as the file @name and run it without the checker; its output in *buf. */
static enum scn_status run_text(const char *name, const char *text, size_t n,
				enum scn_trace_mode mode, char **buf, size_t *len, GError **err)
{
	struct scn_file *f = scn_parse_string(name, text, n, err);
	FILE *out = open_memstream(buf, len);
	struct scn_run_options opt = { .trace = mode, .out = out };
	enum scn_status st;

	cr_assert(f, "%s does not parse: %s", name, *err ? (*err)->message : "?");
	st = scn_run(f, &opt, err);
	fclose(out);
	scn_file_free(f);
	return st;
}

static void assert_nothing_allocated(const char *path)
{
	for (int k = 0; k < SIM_NR_ALLOC_KINDS; k++)
		cr_assert_eq(sim_alloc_outstanding(k), 0, "%s left %ld %s allocated", path,
			     sim_alloc_outstanding(k), sim_alloc_kind_name(k));
}

Test(scenarios, every_lesson_passes_with_invariants_checked)
{
	g_autoptr(GPtrArray) files = lesson_files();

	cr_assert_geq(files->len, 8, "expected the lessons under scenarios/, found %u", files->len);
	for (guint i = 0; i < files->len; i++) {
		const char *path = files->pdata[i];
		g_autofree char *text = NULL;

		cr_expect_eq(run_file(path, SCN_TRACE_CALLS, &text), SCN_OK, "%s did not pass",
			     path);
		assert_nothing_allocated(path);
	}
}

Test(scenarios, the_same_file_gives_the_same_bytes)
{
	g_autoptr(GPtrArray) files = lesson_files();

	cr_assert_gt(files->len, 0);
	for (guint i = 0; i < files->len; i++) {
		g_autofree char *a = NULL, *b = NULL;

		run_file(files->pdata[i], SCN_TRACE_CALLS, &a);
		run_file(files->pdata[i], SCN_TRACE_CALLS, &b);
		cr_assert(strlen(a) > 100, "%s printed almost nothing", (char *)files->pdata[i]);
		cr_assert_str_eq(a, b, "%s: two runs differ", (char *)files->pdata[i]);
	}
}

/* A failing expectation is reported with expected and actual, and exit status 1. */
Test(scenarios, a_wrong_expectation_fails_with_expected_and_actual)
{
	static const char text[] = "process A\n"
				   "A: m = mmap 4p anon private\n"
				   "A: read m[0]\n"
				   "expect A m[0] writable\n"
				   "expect A faults minor=2\n";
	g_autoptr(GError) err = NULL;
	char *buf = NULL;
	size_t len = 0;

	cr_assert_eq(run_text("wrong.scn", text, sizeof(text) - 1, SCN_TRACE_NONE, &buf, &len, &err),
		     SCN_FAILED);
	cr_assert(strstr(buf, "wrong.scn:4: FAILED: expect A m[0] writable"), "%s", buf);
	cr_assert(strstr(buf, "page 0 is not writable; it is: present zero resident readonly"),
		  "%s", buf);
	cr_assert(strstr(buf, "minor is 1, expected 2"), "%s", buf);
	cr_assert(strstr(buf, "0 passed, 2 failed"), "%s", buf);
	free(buf);
}

/* What the model does not do yet is refused before anything runs, with its place. */
Test(scenarios, features_not_built_yet_are_refused_before_running)
{
	static const char text[] = "process A\n"
				   "A: m = mmap 4p anon private\n"
				   "A: write m[0]\n"
				   "A: madvise m[0] willneed\n";
	g_autoptr(GError) err = NULL;
	char *buf = NULL;
	size_t len = 0;

	cr_assert_eq(run_text("later.scn", text, sizeof(text) - 1, SCN_TRACE_CALLS, &buf, &len, &err),
		     SCN_REFUSED);
	cr_assert(strstr(err->message, "later.scn:4:1: error: not supported yet: madvise willneed"),
		  "%s", err->message);
	cr_assert_eq(len, 0, "something ran: %s", buf);
	free(buf);
}

/* RAM runs out with nothing to reclaim: the OOM killer ends the process, and the run goes on. */
Test(scenarios, running_out_of_simulated_ram_calls_the_oom_killer)
{
	static const char text[] = "config ram=2p swap=0\n"
				   "process A\n"
				   "A: m = mmap 2p anon private\n"
				   "A: n = mmap 2p anon private\n"
				   "A: write m[0..1]\n"
				   "A: write n[0]\n"
				   "expect A killed\n"
				   "A: read m[0]\n";
	g_autoptr(GError) err = NULL;
	char *buf = NULL;
	size_t len = 0;

	cr_assert_eq(run_text("small.scn", text, sizeof(text) - 1, SCN_TRACE_NONE, &buf, &len, &err),
		     SCN_FAILED);
	cr_assert(strstr(buf, "(page 0) raised SIGKILL"), "%s", buf);
	cr_assert(strstr(buf, "small.scn:8: FAILED: A: read m[0]"), "%s", buf);
	cr_assert(strstr(buf, "1 passed, 2 failed"), "%s", buf);
	assert_nothing_allocated("small.scn");
	free(buf);
}
