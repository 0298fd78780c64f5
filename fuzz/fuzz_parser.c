// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_parser.c - libFuzzer target for the scenario parser (lexer.c,
 * parser.c, names.c).
 *
 * Any bytes must either parse, or fail with one SCN_ERROR_PARSE message of
 * the form "fuzz.scn:LINE:COLUMN: error: WHAT", quoting the line when the
 * line exists. A crash, a sanitizer report, a leak or a hang is a finding;
 * each one found becomes a tests/bad/ file (see fuzz/README.md).
 */
#include "scenario.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const GError *err)
{
	int line = 0, col = 0, used = 0;

	if (!err || err->domain != SCN_ERROR || err->code != SCN_ERROR_PARSE)
		abort();
	if (sscanf(err->message, "fuzz.scn:%d:%d: error: %n", &line, &col, &used) < 2 || !used)
		abort();
	if (line < 1 || col < 1 || !err->message[used])
		abort();
}

/* What a parsed file promises its users (the runner, the views). */
static void check_file(const struct scn_file *f)
{
	for (int i = 0; i < f->nstmts; i++) {
		const struct scn_stmt *s = &f->stmts[i];
		char *msg;

		if (!s->src || s->loc.line < 1 || s->loc.line > f->nlines || s->loc.col < 1)
			abort();
		if (s->ref.kind == SCN_REF_PAGES && s->ref.first > s->ref.last)
			abort();
		msg = scn_format_error(f, s->loc, "x");
		g_free(msg);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *err = NULL;
	struct scn_file *f = scn_parse_string("fuzz.scn", (const char *)data, size, &err);

	if (f) {
		if (err)
			abort();
		check_file(f);
		scn_file_free(f);
	} else {
		check_error(err);
		g_error_free(err);
	}
	return 0;
}
