// SPDX-License-Identifier: GPL-2.0
/*
 * test_check_faults.c - `mmsim check` under faults, and its own limits
 * (docs/check.md, docs/limits.md).
 *
 * Suite check (root only, skipped otherwise; run one at a time by make
 * test): a worker killed at several points, SIGINT and SIGTERM mid-run, the
 * deadline, a full directory, a failed swap set-up, a crashed run cleaned
 * by the next one. Each checks the exit (3, or death by the signal), the
 * message on standard error, and that nothing is left behind
 * (check_expect_nothing_left). The faults come from the test-only
 * MMSIM_CHECK_FAULT (kill-worker:LINE, pause:LINE, swapon) and
 * MMSIM_CHECK_TMPDIR; tests/check/everything.scn creates one of everything.
 *
 * Suite check_limits (any user): --max-real-memory and --timeout.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_util.h"
#include "test_util.h"

#define EVERYTHING "tests/check/everything.scn"

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("mmsim check's real side needs root");
}

/* Run `mmsim check` with @fault (MMSIM_CHECK_FAULT) and the options in @argv. */
static void run_fault(const char *const *argv, const char *fault, const char *when, int sig,
		      struct check_before *before, char **tag, struct check_run *r)
{
	g_autofree char *env = fault ? g_strdup_printf("MMSIM_CHECK_FAULT=%s", fault) : NULL;
	const char *envp[] = { env, NULL };

	*tag = g_strdup_printf("MMSIM_CHECK_TEST=%d-fault-%s", (int)getpid(), fault ? fault : "");
	check_before_take(before);
	check_spawn(argv, envp, *tag, when, sig, r);
}

static void expect_exit3(const struct check_run *r, const char *message)
{
	cr_assert(WIFEXITED(r->status), "mmsim check did not exit (status %#x)\n%s", r->status,
		  r->err);
	cr_assert_eq(WEXITSTATUS(r->status), 3, "exit %d, expected 3\n%s%s", WEXITSTATUS(r->status),
		     r->out, r->err);
	cr_assert(strstr(r->err, message), "no '%s' in:\n%s", message, r->err);
}

/* SIGKILL to a worker before line @line: exit 3, named, nothing left. */
static void kill_worker_at(int line, const char *proc)
{
	const char *argv[] = { "mmsim", "check", EVERYTHING, NULL };
	g_autofree char *fault = g_strdup_printf("kill-worker:%d", line);
	g_autofree char *tag = NULL, *named = NULL;
	struct check_before before;
	struct check_run r;

	need_root();
	check_test_lock();
	run_fault(argv, fault, NULL, 0, &before, &tag, &r);
	named = g_strdup_printf("the worker of process %s died during the run", proc);
	expect_exit3(&r, named);
	check_expect_nothing_left(r.pid, tag, &before, NULL);
	check_before_free(&before);
	check_run_free(&r);
	check_test_unlock();
}

/* Before the objects, after them, with swap in use, and the forked worker. */
Test(check, kill_worker_first_statement, .timeout = 60)
{
	kill_worker_at(10, "A");
}

Test(check, kill_worker_after_objects, .timeout = 60)
{
	kill_worker_at(15, "A");
}

Test(check, kill_worker_attached_sysv, .timeout = 60)
{
	kill_worker_at(19, "B");
}

Test(check, kill_worker_swapped, .timeout = 60)
{
	kill_worker_at(21, "A");
}

Test(check, kill_worker_forked, .timeout = 60)
{
	kill_worker_at(23, "C");
}

/* A signal to `mmsim check` paused at line 21 (swap in use): it dies by it, cleaned up. */
static void signal_mid_run(int sig, const char *name)
{
	const char *argv[] = { "mmsim", "check", EVERYTHING, NULL };
	g_autofree char *tag = NULL, *said = g_strdup_printf("%s: the real run was ended", name);
	struct check_before before;
	struct check_run r;

	need_root();
	check_test_lock();
	run_fault(argv, "pause:21", "paused before line 21", sig, &before, &tag, &r);
	/* re-raised after the clean-up, so a shell loop stops as it should */
	cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == sig,
		  "mmsim check did not end by %s (status %#x)\n%s", name, r.status, r.err);
	cr_assert(strstr(r.err, said), "no '%s' in:\n%s", said, r.err);
	check_expect_nothing_left(r.pid, tag, &before, NULL);
	check_before_free(&before);
	check_run_free(&r);
	check_test_unlock();
}

Test(check, sigint_mid_run, .timeout = 60)
{
	signal_mid_run(SIGINT, "SIGINT");
}

Test(check, sigterm_mid_run, .timeout = 60)
{
	signal_mid_run(SIGTERM, "SIGTERM");
}

/* --timeout: a run held at line 21 is ended after 2 s, exit 3, cleaned up. */
Test(check, timeout_ends_the_run, .timeout = 60)
{
	const char *argv[] = { "mmsim", "check", "--timeout", "2", EVERYTHING, NULL };
	g_autofree char *tag = NULL;
	struct check_before before;
	struct check_run r;
	gint64 t0 = g_get_monotonic_time();

	need_root();
	check_test_lock();
	run_fault(argv, "pause:21", NULL, 0, &before, &tag, &r);
	expect_exit3(&r, "the real run did not finish within 2 s (--timeout)");
	cr_expect_lt(g_get_monotonic_time() - t0, 30 * G_USEC_PER_SEC,
		     "the pause is 60 s: the deadline did not end it");
	check_expect_nothing_left(r.pid, tag, &before, NULL);
	check_before_free(&before);
	check_run_free(&r);
	check_test_unlock();
}

/* MMSIM_CHECK_FAULT=swapon: the device is made, swapon fails; file or zram removed. */
static void swapon_fails(const char *path)
{
	const char *argv[] = { "mmsim", "check", path, NULL };
	g_autofree char *tag = NULL;
	struct check_before before;
	struct check_run r;

	need_root();
	check_test_lock();
	run_fault(argv, "swapon", NULL, 0, &before, &tag, &r);
	expect_exit3(&r, "the real run's swap device could not be set up: swapon ");
	cr_expect(strstr(r.err, "injected by MMSIM_CHECK_FAULT=swapon"), "%s", r.err);
	check_expect_nothing_left(r.pid, tag, &before, NULL);
	check_before_free(&before);
	check_run_free(&r);
	check_test_unlock();
}

Test(check, swapon_fails_swap_file, .timeout = 60)
{
	swapon_fails(EVERYTHING);
}

Test(check, swapon_fails_zram, .timeout = 60)
{
	need_root();
	if (access("/sys/class/zram-control/hot_add", R_OK))
		cr_skip_test("no zram on this kernel");
	swapon_fails("scenarios/swap/zram.scn");
}

/*
 * The run's directory on a tmpfs of @size mounted in a mount namespace of
 * its own (unshare: the mount goes with the namespace, whatever happens):
 * `mmsim check` runs there with MMSIM_CHECK_TMPDIR, then the tmpfs is
 * listed ("left: NAME" on standard output) before it goes.
 */
static void in_small_tmpdir(const char *path, const char *size, const char *message)
{
	g_autofree char *mnt = g_dir_make_tmp("mmsim-test-tmpdir-XXXXXX", NULL);
	g_autofree char *script = NULL, *tag = NULL;
	g_autofree char *out = NULL, *err = NULL;
	struct check_before before;
	int status = 0, pid = 0;
	const char *p;

	need_root();
	cr_assert(mnt, "cannot make a directory in the temporary directory");
	check_test_lock();
	tag = g_strdup_printf("MMSIM_CHECK_TEST=%d-tmpdir-%s", (int)getpid(), path);
	script = g_strdup_printf(
		"mount -t tmpfs -o size=%s mmsim-test %s || exit 99; "
		"MMSIM_CHECK_TMPDIR=%s MMSIM_CHECK_TEST=%s %s check %s & pid=$!; wait $pid; rc=$?; "
		"echo pid=$pid; for f in %s/* %s/.[!.]*; do [ -e \"$f\" ] && echo \"left: $f\"; done; "
		"exit $rc",
		size, mnt, mnt, strchr(tag, '=') + 1, mmsim_under_test(), path, mnt, mnt);
	const char *argv[] = { "unshare", "--mount", "--propagation", "private", "sh", "-c", script,
			       NULL };
	check_before_take(&before);
	cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
			       &err, &status, NULL));
	rmdir(mnt);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 99, "cannot mount a tmpfs:\n%s", err);
	cr_assert_eq(WEXITSTATUS(status), 3, "exit %d, expected 3\n%s%s", WEXITSTATUS(status), out,
		     err);
	cr_assert(strstr(err, message), "no '%s' in:\n%s", message, err);
	cr_expect(!strstr(out, "left: "), "left behind in the tmpfs:\n%s", out);
	p = strstr(out, "pid=");
	cr_assert(p, "%s", out);
	pid = atoi(p + 4);
	check_expect_nothing_left(pid, tag, &before, NULL);
	check_before_free(&before);
	check_test_unlock();
}

/* The scenario's file does not fit (ENOSPC): the run ends at its line. */
Test(check, full_tmpdir_file, .timeout = 60)
{
	in_small_tmpdir("scenarios/file/read-around.scn", "32k",
			"the real run could not finish: cannot create file ");
}

/* The swap file does not fit (ENOSPC). */
Test(check, full_tmpdir_swap_file, .timeout = 60)
{
	in_small_tmpdir(EVERYTHING, "32k", "cannot write ");
}

/* A swap file on tmpfs fits, but swapon refuses it (EINVAL): a real failure, not injected. */
Test(check, swapon_refuses_tmpfs, .timeout = 60)
{
	in_small_tmpdir(EVERYTHING, "16m", "swapon ");
}

/*
 * A crashed run (SIGKILL to `mmsim check` with swap in use, shm objects, a
 * SysV segment, three workers) leaves its directory, objects and swap
 * device; the next run removes them all before it starts.
 */
Test(check, crashed_run_cleaned_by_the_next, .timeout = 90)
{
	const char *argv[] = { "mmsim", "check", EVERYTHING, NULL };
	const char *next[] = { "mmsim", "check", "scenarios/anon/zero-page.scn", NULL };
	g_autofree char *tag = NULL, *tag2 = NULL, *dir = NULL;
	struct check_before before, before2;
	struct check_run r, r2;
	bool left = false;

	need_root();
	check_test_lock();
	run_fault(argv, "pause:21", "paused before line 21", SIGKILL, &before, &tag, &r);
	cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL, "status %#x", r.status);
	/* the crash left its run directory (with the swap file in it) */
	dir = g_strdup_printf("mmsim-check-%d-", (int)r.pid);
	{
		GDir *d = g_dir_open("/tmp", 0, NULL);
		const char *n;

		while (d && (n = g_dir_read_name(d)))
			left |= g_str_has_prefix(n, dir);
		if (d)
			g_dir_close(d);
	}
	cr_assert(left, "the killed run left nothing: the test would prove nothing");
	tag2 = g_strdup_printf("MMSIM_CHECK_TEST=%d-after-crash", (int)getpid());
	check_before_take(&before2);
	check_spawn(next, NULL, tag2, NULL, 0, &r2);
	cr_assert(WIFEXITED(r2.status) && WEXITSTATUS(r2.status) == 0, "status %#x\n%s%s",
		  r2.status, r2.out, r2.err);
	/* nothing of the crashed run, and nothing of the next */
	check_expect_nothing_left(r.pid, tag, &before, NULL);
	check_expect_nothing_left(r2.pid, tag2, &before2, NULL);
	check_before_free(&before);
	check_before_free(&before2);
	check_run_free(&r);
	check_run_free(&r2);
	check_test_unlock();
}

/*
 * The machine-wide lock file: a stale one (as a crashed run leaves) is
 * taken and removed; after the run it is gone, unless another run holds it.
 */
Test(check, lock_file_removed, .timeout = 60)
{
	const char *argv[] = { "mmsim", "check", "scenarios/anon/zero-page.scn", NULL };
	g_autofree char *tag = g_strdup_printf("MMSIM_CHECK_TEST=%d-lock", (int)getpid());
	struct check_before before;
	struct check_run r;
	int fd;

	need_root();
	check_test_lock();
	fd = open("/tmp/mmsim-check.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	cr_assert(fd >= 0);
	close(fd);
	check_before_take(&before);
	check_spawn(argv, NULL, tag, NULL, 0, &r);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "status %#x\n%s", r.status,
		  r.err);
	fd = open("/tmp/mmsim-check.lock", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		/* there: only while another run holds it */
		cr_expect(flock(fd, LOCK_EX | LOCK_NB) != 0, "/tmp/mmsim-check.lock was left");
		close(fd);
	}
	check_expect_nothing_left(r.pid, tag, &before, NULL);
	check_before_free(&before);
	check_run_free(&r);
	check_test_unlock();
}

/*
 * Another run holds the machine-wide lock (here: the test, as a run stuck
 * for ever would): `check` says it waits, and --timeout counts the wait.
 */
Test(check, timeout_while_waiting_for_the_lock, .timeout = 60)
{
	const char *argv[] = { "mmsim", "check", "--timeout", "2", "scenarios/anon/zero-page.scn",
			       NULL };
	g_autofree char *tag = g_strdup_printf("MMSIM_CHECK_TEST=%d-lockwait", (int)getpid());
	struct check_before before;
	struct check_run r;
	struct stat a, b;
	int fd;

	need_root();
	check_test_lock();
	for (;;) { /* the protocol of sim/real/real_backend.c */
		fd = open("/tmp/mmsim-check.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		cr_assert(fd >= 0 && flock(fd, LOCK_EX) == 0);
		if (fstat(fd, &a) == 0 && stat("/tmp/mmsim-check.lock", &b) == 0 && a.st_ino == b.st_ino)
			break;
		close(fd);
	}
	check_before_take(&before);
	check_spawn(argv, NULL, tag, NULL, 0, &r);
	unlink("/tmp/mmsim-check.lock");
	close(fd);
	expect_exit3(&r, "the real run did not finish within 2 s (--timeout)");
	cr_expect(strstr(r.err, "waiting for another mmsim check to finish"), "%s", r.err);
	check_expect_nothing_left(r.pid, tag, &before, NULL);
	check_before_free(&before);
	check_run_free(&r);
	check_test_unlock();
}

/* ---- check's own limits: no root needed, nothing runs -------------------------- */

static void refused(const char *const *argv, const char *message)
{
	g_autofree char *tag = g_strdup_printf("MMSIM_CHECK_TEST=%d-limits", (int)getpid());
	struct check_run r;

	check_spawn(argv, NULL, tag, NULL, 0, &r);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 2, "status %#x\n%s%s", r.status,
		  r.out, r.err);
	cr_assert(strstr(r.err, message), "no '%s' in:\n%s", message, r.err);
	cr_expect_str_eq(r.out, "", "a refused scenario printed a report");
	check_run_free(&r);
}

Test(check_limits, real_memory_mappings_and_objects)
{
	const char *argv[] = { "mmsim", "check", "tests/check/limit-memory.scn", NULL };

	refused(argv, "tests/check/limit-memory.scn:8:1: error: too much real memory for mmsim "
		      "check: the real run would create 1212m up to here");
}

Test(check_limits, real_memory_swap_device)
{
	const char *argv[] = { "mmsim", "check", "tests/check/limit-swap.scn", NULL };

	refused(argv, "tests/check/limit-swap.scn:3:1: error: too much real memory");
}

Test(check_limits, real_memory_fork_copies)
{
	const char *argv[] = { "mmsim", "check", "tests/check/limit-fork.scn", NULL };

	refused(argv, "tests/check/limit-fork.scn:6:1: error: too much real memory for mmsim "
		      "check: the real run would create 1200m");
}

/* A shared anonymous mapping is not copied by fork: refused at the mapping after it. */
Test(check_limits, real_memory_fork_shares)
{
	const char *argv[] = { "mmsim", "check", "tests/check/limit-fork-shared.scn", NULL };

	refused(argv, "tests/check/limit-fork-shared.scn:7:1: error: too much real memory for "
		      "mmsim check: the real run would create 1100m");
}

Test(check_limits, real_memory_smaller_limit)
{
	const char *argv[] = { "mmsim", "check", "--max-real-memory", "100m",
			       "tests/check/limit-memory.scn", NULL };

	refused(argv, "tests/check/limit-memory.scn:5:1: error: too much real memory for mmsim "
		      "check: the real run would create 512m up to here (mappings, objects, swap), "
		      "over the limit of 100m");
}

/* Raised, the limit lets it through: to the real side, which as a user refuses (exit 3). */
Test(check_limits, real_memory_raised)
{
	g_autofree char *out = NULL, *err = NULL, *cmd = NULL;
	int status = 0;

	cmd = g_strdup_printf("%s%s check --max-real-memory 1300m tests/check/limit-memory.scn",
			      geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups "
					     : "",
			      mmsim_under_test());
	cr_assert(g_spawn_command_line_sync(cmd, &out, &err, &status, NULL));
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3, "status %#x\n%s%s", status, out,
		  err);
	cr_assert(strstr(err, "needs root"), "%s", err);
	cr_assert(!strstr(err, "too much real memory"), "%s", err);
}

Test(check_limits, bad_options)
{
	const char *size[] = { "mmsim", "check", "--max-real-memory", "12x",
			       "scenarios/anon/zero-page.scn", NULL };
	const char *timeout[] = { "mmsim", "check", "--timeout", "-1",
				  "scenarios/anon/zero-page.scn", NULL };

	refused(size, "--max-real-memory: '12x' is not a size");
	refused(timeout, "--timeout: -1 is not a number of seconds");
}

Test(check_limits, bad_fault)
{
	const char *argv[] = { "mmsim", "check", "scenarios/anon/zero-page.scn", NULL };
	const char *env[] = { "MMSIM_CHECK_FAULT=kill-worker:x", NULL };
	g_autofree char *tag = g_strdup_printf("MMSIM_CHECK_TEST=%d-badfault", (int)getpid());
	struct check_run r;

	check_spawn(argv, env, tag, NULL, 0, &r);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 2, "status %#x\n%s", r.status,
		  r.err);
	cr_assert(strstr(r.err, "MMSIM_CHECK_FAULT=kill-worker:x is not understood"), "%s", r.err);
	check_run_free(&r);
}
