// SPDX-License-Identifier: GPL-2.0
/*
 * test_regress.c - what the fuzzers found (fuzz/README.md), where the
 * scenario cannot simply pass: a run that must end with a failure (exit 1)
 * or a refusal (exit 2) and a clear message, not a crash. Findings whose
 * scenario passes are under scenarios/regress/; malformed files are in
 * tests/bad/.
 *
 * Each case runs with the invariant checker on, as fuzz_run does, and
 * nothing the model allocated may be left afterwards.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "kernel_glue.h"
#include "runner.h"

struct finding {
	const char *what;
	const char *text;
	enum scn_status status;
	const char *message; /* in the output (failures) or the error (refusals) */
};

static const struct finding findings[] = {
	{
		/* runner.c: map_of() hit BUG_ON(!m) on a mapping whose mmap had failed (fixed in 806735c). */
		"a mapping whose mmap failed is used later",
		"process A\n"
		"A: m = mmap 0p anon private\n"
		"expect A m present\n"
		"A: write m\n",
		SCN_FAILED,
		"regress.scn:3: FAILED: expect A m present\n"
		"       'm' does not exist: the call that should have made it failed",
	},
	{
		/* The refusal said "pages 0..18446744073709551615" for an empty mapping. */
		"a page of a mapping of no pages",
		"process A\n"
		"A: m = mmap 0p anon private -> EINVAL\n"
		"A: n = mmap 0p anon private\n"
		"A: read n[0]\n",
		SCN_REFUSED,
		"regress.scn:4:9: error: page 0 is outside mapping 'n' (it has no pages at this point)",
	},
	{
		"a segment attached after its shmat failed",
		"process A\n"
		"A: S = shmget key=1 size=1p\n"
		"A: s = shmat S at=0x1001\n"
		"A: read s[0]\n"
		"A: shmdt s\n",
		SCN_FAILED,
		"'s' does not exist: the call that should have made it failed",
	},
};

static void run_finding(const struct finding *c)
{
	g_autoptr(GError) err = NULL;
	struct scn_file *f = scn_parse_string("regress.scn", c->text, strlen(c->text), &err);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct scn_run_options opt = { .trace = SCN_TRACE_CALLS, .check_invariants = true,
				       .out = out };
	enum scn_status st;

	cr_assert(f != NULL, "%s: does not parse: %s", c->what, err ? err->message : "?");
	st = scn_run(f, &opt, &err);
	fclose(out);
	cr_expect_eq(st, c->status, "%s: status %d, expected %d", c->what, st, c->status);
	if (st == SCN_REFUSED)
		cr_expect(err && strstr(err->message, c->message), "%s: error lacks '%s': %s",
			  c->what, c->message, err ? err->message : "(none)");
	else
		cr_expect(strstr(buf, c->message) != NULL, "%s: output lacks '%s':\n%s", c->what,
			  c->message, buf);
	for (int k = 0; k < SIM_NR_ALLOC_KINDS; k++)
		cr_expect_eq(sim_alloc_outstanding(k), 0, "%s: %ld %s left allocated", c->what,
			     sim_alloc_outstanding(k), sim_alloc_kind_name(k));
	free(buf);
	scn_file_free(f);
}

Test(regress, fuzz_findings_end_with_a_message_not_a_crash)
{
	for (size_t i = 0; i < G_N_ELEMENTS(findings); i++)
		run_finding(&findings[i]);
}
