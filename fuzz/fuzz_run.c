// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_run.c - libFuzzer target for the runner and the model: parse, then
 * run on the simulator with the invariant checker after every statement
 * and the narrated trace on (written to /dev/null).
 *
 * A broken invariant aborts with a dump, by design: that is a finding (a
 * bug in the model, or a scenario the runner should have refused). So is a
 * refusal without a FILE:LINE:COLUMN message, and anything the model
 * allocated that is still counted after the run. Each finding becomes a
 * regression scenario under scenarios/regress/ or a tests/bad/ file.
 *
 * The fuzzer explores the language at small scale: inputs with more than
 * FUZZ_MAX_RAM frames or FUZZ_MAX_WORK page steps (scn_estimate_work) are
 * parsed but not run. tests/test_limits.c runs the largest allowed sizes.
 */
#include "kernel_glue.h"
#include "runner.h"
#include "scn_limits.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_RAM 16384
#define FUZZ_MAX_WORK (1u << 18)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	return 0;
}

/* A refusal names its place: "fuzz.scn:LINE:COLUMN: error: WHAT". */
static void check_refusal(const GError *err)
{
	int line = 0, col = 0, used = 0;

	if (!err || err->domain != SCN_ERROR || err->code != SCN_ERROR_REFUSED)
		abort();
	if (sscanf(err->message, "fuzz.scn:%d:%d: error: %n", &line, &col, &used) < 2 || !used)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *err = NULL;
	struct scn_file *f = scn_parse_string("fuzz.scn", (const char *)data, size, &err);
	struct scn_run_options opt = {
		.trace = SCN_TRACE_CALLS, .check_invariants = true, .out = devnull,
	};
	int ret = 0;

	if (!f) {
		g_error_free(err);
		return -1; /* fuzz_parser's business: keep it out of this corpus */
	}
	if (f->config.ram_pages > FUZZ_MAX_RAM || scn_estimate_work(f) > FUZZ_MAX_WORK) {
		ret = -1;
	} else if (scn_run(f, &opt, &err) == SCN_REFUSED) {
		check_refusal(err);
		g_clear_error(&err);
	} else if (err) {
		abort();
	}
	for (int k = 0; k < SIM_NR_ALLOC_KINDS; k++)
		if (sim_alloc_outstanding(k)) {
			fprintf(stderr, "fuzz_run: %ld %s left allocated after the run\n",
				sim_alloc_outstanding(k), sim_alloc_kind_name(k));
			abort();
		}
	scn_file_free(f);
	return ret;
}
