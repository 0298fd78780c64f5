/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runner.h - run a parsed scenario on the simulator, statement by statement,
 * narrating each and checking every expectation.
 */
#ifndef MMSIM_RUNNER_H
#define MMSIM_RUNNER_H

#include "scenario.h"
#include "trace_text.h"

#include <stdio.h>

struct sim_trace_listener;
struct scn_backend;

/* When a statement hook is called. */
enum scn_hook_when { SCN_HOOK_BEFORE, SCN_HOOK_AFTER };

/*
 * Called before and after every statement (title and config excepted), with
 * the backend the statement runs on (scn_sim_backend_machine() gives the
 * model, read-only). The stepper pauses here; the diagram recorder takes
 * its snapshots here. Returning false stops the run (SCN_OK so far).
 */
typedef bool (*scn_stmt_hook)(void *data, const struct scn_file *f, const struct scn_stmt *s,
			      enum scn_hook_when when, struct scn_backend *be);

struct scn_run_options {
	enum scn_trace_mode trace;
	bool check_invariants; /* run sim_check_machine() after every statement */
	FILE *out;	       /* the narration and the results */
	/* Another listener on the model (the stepper, tests); may be NULL. */
	const struct sim_trace_listener *listener;
	scn_stmt_hook hook; /* may be NULL */
	void *hook_data;
	/*
	 * Run on this backend instead of a new simulator (mmsim check: the real
	 * kernel). The caller destroys it; no narration, invariants or `show`.
	 */
	struct scn_backend *backend;
};

/* Exit status of `mmsim run` for one file. */
enum scn_status {
	SCN_OK = 0,	  /* every expectation held */
	SCN_FAILED = 1,	  /* an expectation failed */
	SCN_REFUSED = 2,  /* not runnable: a feature not built yet, a limit, a bad name */
};

/*
 * Run @f. Refusals (found before anything runs, or a resource that ran out
 * while running) set *err with a FILE:LINE:COLUMN message and return
 * SCN_REFUSED.
 */
enum scn_status scn_run(const struct scn_file *f, const struct scn_run_options *opt,
			GError **err);

/*
 * For a hook or a listener of the run in progress on @be (the stepper):
 * scn_run_show() prints `show` statement @s (kind SCN_SHOW) to @out now, by
 * the names the run knows at this point; an unknown name or a view not built
 * yet sets *err instead. scn_run_mapping() says where mapping @name is now
 * (false if the run has made none by that name).
 */
bool scn_run_show(struct scn_backend *be, const struct scn_stmt *s, FILE *out, GError **err);
bool scn_run_mapping(struct scn_backend *be, const char *name, uint64_t *start, uint64_t *pages);

/* Check that everything @f uses is built; the first refusal as a message. */
bool scn_check_supported(const struct scn_file *f, GError **err);

#endif /* MMSIM_RUNNER_H */
