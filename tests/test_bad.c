// SPDX-License-Identifier: GPL-2.0
/*
 * test_bad.c - every malformed scenario in tests/bad/ fails where it says.
 *
 * Each tests/bad/NAME.scn holds one mistake. Its first line is a comment
 *
 *	# error: LINE:COL: SUBSTRING
 *
 * and parsing it must fail with a message that starts with
 * "tests/bad/NAME.scn:LINE:COL: error: ", contains SUBSTRING, and quotes the
 * line with a caret under the column. Paths are relative to the top
 * directory, where the tests run.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"

#define BAD_GLOB "tests/bad/*.scn"
#define HEADER "# error: "

/* What the header line of a bad file promises. */
struct bad_expect {
	int line, col;
	char *substring;
};

/* Read "# error: LINE:COL: SUBSTRING" from the first line of text. */
static bool read_header(const char *text, struct bad_expect *want)
{
	const char *nl = strchr(text, '\n');
	int used = 0;

	if (!g_str_has_prefix(text, HEADER) || !nl)
		return false;
	if (sscanf(text + strlen(HEADER), "%d:%d: %n", &want->line, &want->col, &used) < 2 || !used)
		return false;
	want->substring = g_strndup(text + strlen(HEADER) + used,
				    (gsize)(nl - text) - strlen(HEADER) - (gsize)used);
	g_strchomp(want->substring);
	return want->substring[0] != '\0';
}

/* The message's second and third lines quote the source line and a caret. */
static void check_caret(const char *path, const char *msg, int line)
{
	char **lines = g_strsplit(msg, "\n", 0);
	char *quote = g_strdup_printf("%5d | ", line);

	cr_expect(eq(int, (int)g_strv_length(lines), 3), "%s: message is not three lines:\n%s",
		  path, msg);
	if (g_strv_length(lines) == 3) {
		cr_expect(g_str_has_prefix(lines[1], quote), "%s: no quoted line %d:\n%s", path,
			  line, msg);
		cr_expect(g_str_has_prefix(lines[2], "      | ") && g_str_has_suffix(lines[2], "^"),
			  "%s: no caret line:\n%s", path, msg);
	}
	g_free(quote);
	g_strfreev(lines);
}

static void check_bad_file(const char *path)
{
	struct bad_expect want = { 0, 0, NULL };
	GError *err = NULL;
	struct scn_file *f;
	char *text = NULL, *prefix;

	cr_assert(g_file_get_contents(path, &text, NULL, NULL), "%s: cannot read", path);
	if (!read_header(text, &want)) {
		cr_expect(0, "%s: first line is not '%sLINE:COL: SUBSTRING'", path, HEADER);
		g_free(want.substring);
		g_free(text);
		return;
	}
	f = scn_parse_file(path, &err);
	cr_expect(f == NULL, "%s: parsed, but it should fail", path);
	scn_file_free(f);
	if (err) {
		prefix = g_strdup_printf("%s:%d:%d: error: ", path, want.line, want.col);
		cr_expect(eq(int, err->code, SCN_ERROR_PARSE), "%s", path);
		cr_expect(g_str_has_prefix(err->message, prefix), "%s: expected '%s...', got:\n%s",
			  path, prefix, err->message);
		cr_expect(strstr(err->message, want.substring) != NULL,
			  "%s: message lacks '%s':\n%s", path, want.substring, err->message);
		check_caret(path, err->message, want.line);
		g_free(prefix);
		g_error_free(err);
	}
	g_free(want.substring);
	g_free(text);
}

Test(bad, every_malformed_scenario_fails_where_its_header_says)
{
	glob_t g;
	int r = glob(BAD_GLOB, 0, NULL, &g);

	cr_assert(eq(int, r, 0), "no file matches %s (run the tests from the top directory)",
		  BAD_GLOB);
	cr_assert(g.gl_pathc > 0);
	for (size_t i = 0; i < g.gl_pathc; i++)
		check_bad_file(g.gl_pathv[i]);
	globfree(&g);
}
