/* SPDX-License-Identifier: GPL-2.0 */
/*
 * step.h - `mmsim step FILE`: an interactive session over a scenario, in
 * the manner of a debugger: next, stepi, finish, continue, breakpoints on a
 * line or a kernel function, a watchpoint on a PTE, the kernel call chain,
 * the views of `show`, the scenario around the current line.
 *
 * There is no second execution path through the model. The session runs the
 * scenario with scn_run() as `mmsim run` does, and pauses *inside* it: the
 * command loop runs from the runner's statement hook (between statements)
 * or from a trace listener (at a kernel function's entry or exit, after a
 * watched PTE changed). While paused the model is only read.
 */
#ifndef MMSIM_STEP_H
#define MMSIM_STEP_H

#include "scenario.h"
#include "trace_text.h"

#include <stdio.h>

struct step_options {
	FILE *in;  /* the commands, one a line */
	FILE *out; /* the narration, where the run stops, the replies */
	enum scn_trace_mode trace;
	bool check_invariants; /* after every statement, as `mmsim run --check-invariants` */
	/*
	 * Line editing and history (GNU readline) on @in, a terminal. Without
	 * it the commands are read as plain lines and echoed after the prompt,
	 * so a scripted session's output reads like one typed.
	 */
	bool terminal;
};

/*
 * Run @f under the session's control; commands are read until `quit`, the
 * end of the input, or the end of the run after `continue`. Returns the
 * exit status of `mmsim run` for what ran (0, 1), or 2 with *err set when
 * the scenario was refused.
 */
int step_session(const struct scn_file *f, const struct step_options *opt, GError **err);

/* `mmsim step [OPTION...] FILE`: argv[0] is "step". */
int cmd_step(int argc, char **argv);

#endif /* MMSIM_STEP_H */
