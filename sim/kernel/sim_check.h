/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim_check.h - whole-machine invariants, for tests and --check-invariants.
 * In the spirit of SQLite's sqlite3PcacheSanity: cheap enough to run after
 * every statement of a scenario, silent unless something is wrong.
 */
#ifndef MMSIM_SIM_CHECK_H
#define MMSIM_SIM_CHECK_H

#include "sim_machine.h"

/*
 * Check every invariant. Returns true when all hold; otherwise false, with
 * a description of the first broken one in @why (at most @len bytes).
 */
bool sim_check_machine(struct sim_machine *m, char *why, size_t len);

#endif /* MMSIM_SIM_CHECK_H */
