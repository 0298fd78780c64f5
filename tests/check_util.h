/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check_util.h - what the tests of `mmsim check` share (check_util.c):
 * running it, the lock that keeps their real runs one at a time, and the
 * look for anything a run left behind.
 */
#ifndef MMSIM_TESTS_CHECK_UTIL_H
#define MMSIM_TESTS_CHECK_UTIL_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

/*
 * One real run at a time among the tests (criterion runs tests in
 * parallel): the before/after look at /proc/swaps and /sys/block must not
 * see another test's device. /tmp/mmsim-test-check.lock, removed when
 * released (nothing is left in /tmp).
 */
void check_test_lock(void);
void check_test_unlock(void);

/* What the machine looks like before a run: swap areas, zram devices. */
struct check_before {
	char *swaps;
	char *zram;
};
void check_before_take(struct check_before *b);
void check_before_free(struct check_before *b);

/*
 * Nothing the run of `mmsim check` process @pid made is left: no run
 * directory mmsim-check-PID-* in /tmp (or in @base when not NULL), no
 * /dev/shm/mmsim-PID-*, no SysV segment it created, no swap area or zram
 * device that was not there before (@b), no process whose environment
 * holds @tag (the workers inherit it; they get a second to go). Each
 * leftover is a failed expectation naming it.
 */
void check_expect_nothing_left(pid_t pid, const char *tag, const struct check_before *b,
			       const char *base);

/* Processes whose environment holds @tag. */
int check_tagged(const char *tag);

/* The result of one `mmsim check`. */
struct check_run {
	pid_t pid;
	int status;	/* as waitpid() gives it */
	char *out, *err;
};
void check_run_free(struct check_run *r);

/*
 * Run @argv (argv[0] is replaced by the mmsim under test) with the
 * environment plus @env ("K=V" strings, NULL-terminated, may be NULL) and
 * MMSIM_CHECK_TEST=@tag. If @when is not NULL, send @sig to it as soon as
 * a line of its standard error contains @when (if one never does, the
 * test fails). Waits for it to end.
 */
void check_spawn(const char *const *argv, const char *const *env, const char *tag,
		 const char *when, int sig, struct check_run *r);

#endif /* MMSIM_TESTS_CHECK_UTIL_H */
