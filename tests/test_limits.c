// SPDX-License-Identifier: GPL-2.0
/*
 * test_limits.c - every limit of docs/limits.md: a scenario at the limit is
 * accepted, one over it is refused before anything runs, with its place
 * (FILE:LINE:COLUMN) and the limit in the message, and mmsim exits 2.
 *
 * The limits that a short file shows are also in tests/bad/limit-*.scn;
 * here are those that need a large text (built in memory), the work limit
 * that the runner checks, and the command line's exit status.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "kernel_glue.h"
#include "runner.h"
#include "scn_limits.h"

/* Parse @text; it must fail at @where ("LINE:COL") with @what in the message. */
static void assert_parse_error(const char *text, gsize len, const char *where, const char *what)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *prefix = g_strdup_printf("limit.scn:%s: error: ", where);
	struct scn_file *f = scn_parse_string("limit.scn", text, len, &err);

	cr_assert(f == NULL, "parsed, but it should fail with '%s'", what);
	cr_assert(err != NULL);
	cr_assert_eq(err->code, SCN_ERROR_PARSE);
	cr_assert(g_str_has_prefix(err->message, prefix), "expected '%s...', got:\n%.300s", prefix,
		  err->message);
	cr_assert(NULL != strstr(err->message, what), "message lacks '%s':\n%.300s", what, err->message);
	/* The quoted line stays short, whatever the line was. */
	cr_assert(strlen(err->message) < SCN_MAX_LINE_BYTES * 2 + 400, "message of %zu bytes",
		  strlen(err->message));
}

static struct scn_file *assert_parses(const char *text, gsize len)
{
	g_autoptr(GError) err = NULL;
	struct scn_file *f = scn_parse_string("limit.scn", text, len, &err);

	cr_assert(f != NULL, "does not parse: %s", err ? err->message : "?");
	return f;
}

/* ---- the text ---- */

Test(limits, a_file_over_one_mib_is_refused_where_it_crosses_the_limit)
{
	/* Comment lines of 64 bytes: byte 1 MiB starts line 16385. */
	GString *s = g_string_new(NULL);
	struct scn_file *f;

	while (s->len < SCN_MAX_FILE_BYTES)
		g_string_append(s, "# a comment line of sixty-four bytes, padded out to the length.\n");
	cr_assert_eq(s->len, SCN_MAX_FILE_BYTES);
	f = assert_parses(s->str, s->len);
	scn_file_free(f);
	g_string_append(s, "process A\n");
	assert_parse_error(s->str, s->len, "16385:1", "file too large");
	g_string_free(s, TRUE);
}

Test(limits, a_line_over_4096_bytes_is_refused_at_column_4097)
{
	GString *s = g_string_new("process A\nsay \"");
	struct scn_file *f;

	while (s->len < 10 + SCN_MAX_LINE_BYTES - 1)
		g_string_append_c(s, 'x');
	g_string_append(s, "\"\n"); /* line 2 is exactly 4096 bytes */
	f = assert_parses(s->str, s->len);
	scn_file_free(f);
	g_string_insert_c(s, 15, 'y');
	assert_parse_error(s->str, s->len, "2:4097", "line too long");
	g_string_free(s, TRUE);
}

Test(limits, a_huge_single_line_is_refused_and_quoted_short)
{
	gsize len = 3 << 20;
	char *text = g_malloc(len);

	memset(text, 'a', len);
	assert_parse_error(text, len, "1:4097", "line too long");
	g_free(text);
}

Test(limits, a_statement_of_more_than_256_tokens_is_refused)
{
	GString *s = g_string_new("say \"x\"");

	/* say, the string, then 254 '+', one per continued line (lines 2..255). */
	for (int i = 0; i < SCN_MAX_TOKENS - 2; i++)
		g_string_append(s, " \\\n+");
	g_string_append_c(s, '\n');
	/* 256 tokens: the lexer takes them all (the parser then wants end of line). */
	assert_parse_error(s->str, s->len, "2:1", "expected end of line");
	g_string_truncate(s, s->len - 1);
	g_string_append(s, " +\n");
	assert_parse_error(s->str, s->len, "255:3", "statement too long");
	g_string_free(s, TRUE);
}

/* @n lines of @line (a printf format taking the line's number). */
static GString *repeat(const char *head, const char *line, int n)
{
	GString *s = g_string_new(head);

	for (int i = 0; i < n; i++)
		g_string_append_printf(s, line, i);
	return s;
}

Test(limits, at_most_5000_statements)
{
	GString *s = repeat("", "say \"%d\"\n", SCN_MAX_STATEMENTS);
	struct scn_file *f = assert_parses(s->str, s->len);

	cr_assert_eq(f->nstmts, SCN_MAX_STATEMENTS);
	scn_file_free(f);
	g_string_append(s, "\n# a comment is no statement\nsay \"one more\"\n");
	assert_parse_error(s->str, s->len, "5003:1", "too many statements");
	g_string_free(s, TRUE);
}

Test(limits, at_most_64_processes)
{
	GString *s = repeat("process P\n", "fork P C%d\n", SCN_MAX_PROCESSES - 1);
	struct scn_file *f = assert_parses(s->str, s->len);

	scn_file_free(f);
	g_string_append(s, "process Q\n");
	assert_parse_error(s->str, s->len, "65:9", "too many processes: a scenario declares at most 64");
	g_string_free(s, TRUE);
}

Test(limits, at_most_1000_mappings)
{
	GString *s = repeat("process A\n", "A: m%d = mmap 1p anon private\n", SCN_MAX_MAPPINGS);
	struct scn_file *f = assert_parses(s->str, s->len);

	scn_file_free(f);
	/* A declaration expected to fail counts too: it is an mmap call. */
	g_string_append(s, "A: one_more = mmap 1p anon private -> ENOMEM\n");
	assert_parse_error(s->str, s->len, "1002:4", "too many mappings: a scenario declares at most 1000");
	g_string_free(s, TRUE);
}

Test(limits, at_most_256_objects)
{
	GString *s = repeat("", "file f%d size=1p\n", SCN_MAX_OBJECTS);
	struct scn_file *f = assert_parses(s->str, s->len);

	scn_file_free(f);
	g_string_append(s, "process A\nA: M = memfd \"m\" size=1p\n");
	assert_parse_error(s->str, s->len, "258:4", "too many objects: a scenario declares at most 256");
	g_string_free(s, TRUE);
}

/* ---- sizes ---- */

/* @head then @fmt with @at parses; with @over it is refused at @where with @what. */
static void assert_size_limit(const char *head, const char *fmt, const char *at, const char *over,
			      const char *where, const char *what)
{
	g_autofree char *line_ok = g_strdup_printf(fmt, at);
	g_autofree char *line_bad = g_strdup_printf(fmt, over);
	g_autofree char *text_ok = g_strconcat(head, line_ok, "\n", NULL);
	g_autofree char *text_bad = g_strconcat(head, line_bad, "\n", NULL);
	struct scn_file *f = assert_parses(text_ok, strlen(text_ok));

	scn_file_free(f);
	assert_parse_error(text_bad, strlen(text_bad), where, what);
}

#define HEAD "process A\nfile f size=1p\nA: m = mmap 1p anon private\n"

Test(limits, the_machine)
{
	assert_size_limit("", "config ram=%s", "16g", "0x400001p", "1:12",
			  "size too large: ram is at most 16g, found '0x400001p'");
	assert_size_limit("", "config swap=%s", "16g", "17g", "1:13", "swap is at most 16g");
	assert_size_limit("", "config fault_around=%s", "2m", "0x200001", "1:21",
			  "fault_around is at most 2m");
	assert_size_limit("", "config read_ahead=%s", "16m", "16385k", "1:19",
			  "read_ahead is at most 16m");
}

Test(limits, mappings_and_objects_stay_below_64_gib)
{
	assert_size_limit(HEAD, "A: x = mmap %s anon private noreserve", "64g", "0x1000000001", "4:13",
			  "size too large: a mapping is at most 64g");
	assert_size_limit(HEAD, "A: mremap m %s maymove", "64g", "65g", "4:13", "a mapping is at most 64g");
	assert_size_limit(HEAD, "file g size=%s", "64g", "65g", "4:13", "a file is at most 64g");
	assert_size_limit(HEAD, "A: S = shmget key=1 size=%s", "64g", "65g", "4:26",
			  "a segment is at most 64g");
	assert_size_limit(HEAD, "A: P = shm_open \"/p\" size=%s", "64g", "65g", "4:27",
			  "an object is at most 64g");
	assert_size_limit(HEAD, "A: M = memfd \"m\" size=%s", "64g", "65g", "4:23",
			  "an object is at most 64g");
	assert_size_limit(HEAD, "ftruncate f %s", "64g", "65g", "4:13", "an object is at most 64g");
	assert_size_limit(HEAD, "A: y = mmap 1p file=f private offset=%s", "64g", "65g", "4:38",
			  "offset= is at most 64g");
}

Test(limits, offsets_and_page_indexes_stay_below_64_gib)
{
	assert_size_limit(HEAD, "pwrite f+%s = 1", "0xffffffff8", "0x1000000000", "4:10",
			  "a byte offset is at most");
	assert_size_limit(HEAD, "A: read m+%s", "0", "64g", "4:11", "a byte offset is at most");
	assert_size_limit(HEAD, "pread f[%s]", "16777215", "16777216", "4:9",
			  "page index too large: '16777216' (page indexes are below 16777216");
	assert_size_limit(HEAD, "expect cache f[0..%s] empty", "16777215", "0x1000000", "4:19",
			  "page index too large");
	assert_size_limit(HEAD, "reclaim %s", "4194304", "4194305", "4:9",
			  "reclaim count too large: at most 4194304 pages");
}

/* ---- the work of the whole scenario (the runner, before running) ---- */

static enum scn_status run_text(const char *text, GError **err, char **out)
{
	struct scn_file *f = assert_parses(text, strlen(text));
	size_t len = 0;
	FILE *fp = open_memstream(out, &len);
	struct scn_run_options opt = { .trace = SCN_TRACE_NONE, .out = fp };
	enum scn_status st = scn_run(f, &opt, err);

	fclose(fp);
	scn_file_free(f);
	for (int k = 0; k < SIM_NR_ALLOC_KINDS; k++)
		cr_assert_eq(sim_alloc_outstanding(k), 0, "%s left allocated",
			  sim_alloc_kind_name(k));
	return st;
}

Test(limits, too_much_work_is_refused_before_anything_runs)
{
	/* The read walks 16M pages, the expect 16M more: over 32M page steps. */
	static const char text[] = "process A\n"
				   "A: m = mmap 64g anon private noreserve\n"
				   "say \"x\"\n"
				   "A: read m\n"
				   "expect A m none\n";
	g_autoptr(GError) err = NULL;
	char *out = NULL;

	cr_assert_eq(run_text(text, &err, &out), SCN_REFUSED);
	cr_assert(err != NULL);
	cr_assert(NULL != strstr(err->message, "limit.scn:5:1: error: too much work"), "%s", err->message);
	cr_assert(NULL != strstr(err->message, "over the limit of 33554432 page steps"), "%s", err->message);
	cr_assert_eq(strlen(out), 0, "something ran: %s", out);
	free(out);
}

Test(limits, fork_and_exit_count_every_mapping)
{
	GString *s = g_string_new("process A\nA: m = mmap 16g anon private noreserve\n");
	uint64_t before = 0;
	bool crossed = false;

	/* Each fork and exit counts the 4M pages of m (and one for itself). */
	for (int i = 0; !crossed; i++) {
		g_autoptr(GError) err = NULL;
		struct scn_file *f;
		uint64_t work;

		g_string_append_printf(s, i % 2 ? "exit B%d\n" : "fork A B%d\n", i - i % 2);
		f = assert_parses(s->str, s->len);
		work = scn_estimate_work(f);
		if (before)
			cr_assert_eq(work - before, SCN_MAX_PAGES / 4 + 1);
		before = work;
		crossed = work > SCN_MAX_WORK_PAGES;
		cr_assert_eq(scn_check_limits(f, &err), !crossed);
		cr_assert(i < 8);
		scn_file_free(f);
	}
	g_string_free(s, TRUE);
}

/* The largest machine is built and torn down: 4M frames. */
Test(limits, the_largest_ram_runs, .timeout = 60)
{
	static const char text[] = "config ram=16g swap=16g\n"
				   "process A\n"
				   "A: m = mmap 64p anon private\n"
				   "A: write m\n"
				   "expect meminfo MemTotal=16g\n";
	g_autoptr(GError) err = NULL;
	char *out = NULL;

	cr_assert_eq(run_text(text, &err, &out), SCN_OK, "%s", err ? err->message : out);
	free(out);
}

/* ---- the command line ---- */

static int run_mmsim(const char *path, char **err_text)
{
	const char *mmsim = g_getenv("MMSIM") ? g_getenv("MMSIM") : "build/asan/mmsim";
	const char *argv[] = { mmsim, "run", "--trace=none", path, NULL };
	g_autoptr(GError) err = NULL;
	int status = -1;

	cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
			       NULL, err_text, &status, &err),
		  "cannot run %s: %s", mmsim, err ? err->message : "?");
	cr_assert(WIFEXITED(status) != 0, "%s did not exit", mmsim);
	return WEXITSTATUS(status);
}

Test(limits, mmsim_run_dev_zero_ends_with_exit_status_2, .timeout = 60)
{
	g_autofree char *msg = NULL;

	cr_assert_eq(run_mmsim("/dev/zero", &msg), 2);
	cr_assert(NULL != strstr(msg, "/dev/zero:1:1048577: error: file too large"), "%s", msg);
}

Test(limits, mmsim_run_exits_2_on_too_much_work, .timeout = 60)
{
	g_autofree char *dir = g_dir_make_tmp("mmsim-limits-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "work.scn", NULL);
	g_autofree char *msg = NULL;
	GString *s = g_string_new("process A\nA: m = mmap 64g anon private noreserve\n");

	for (int i = 0; i < 3; i++)
		g_string_append(s, "expect A m none\n");
	cr_assert(g_file_set_contents(path, s->str, (gssize)s->len, NULL));
	cr_assert_eq(run_mmsim(path, &msg), 2);
	cr_assert(NULL != strstr(msg, "work.scn:4:1: error: too much work"), "%s", msg);
	g_unlink(path);
	g_rmdir(dir);
	g_string_free(s, TRUE);
}
