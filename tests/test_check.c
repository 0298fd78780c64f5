// SPDX-License-Identifier: GPL-2.0
/*
 * test_check.c - `mmsim check` on anon lessons against the real kernel
 * (root only; skipped otherwise): zero disagreements, every expectation
 * holds on both sides, and nothing is left behind (run directory, POSIX
 * shm names, SysV segments, swap devices, worker processes).
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_util.h"

static void check_lesson(const char *path)
{
	const char *argv[] = { "mmsim", "check", path, NULL };
	g_autofree char *tag = g_strdup_printf("MMSIM_CHECK_TEST=%d-%s", (int)getpid(), path);
	struct check_before before;
	struct check_run r;

	if (geteuid() != 0)
		cr_skip_test("mmsim check needs root (pagemap PFNs, stat_refresh)");
	check_test_lock();
	check_before_take(&before);
	check_spawn(argv, NULL, tag, NULL, 0, &r);
	cr_assert(WIFEXITED(r.status), "mmsim check %s did not exit (status %#x)\n%s", path,
		  r.status, r.err);
	cr_assert_eq(WEXITSTATUS(r.status), 0, "mmsim check %s exited %d\n%s%s", path,
		     WEXITSTATUS(r.status), r.out, r.err);
	cr_assert(strstr(r.out, ", 0 differ"), "disagreements:\n%s", r.out);
	cr_assert(strstr(r.out, "expectations failed: 0 on the simulator, 0 on the real kernel"),
		  "%s", r.out);
	check_expect_nothing_left(r.pid, tag, &before, NULL);
	check_before_free(&before);
	check_run_free(&r);
	check_test_unlock();
}

Test(check, zero_page, .timeout = 30)
{
	check_lesson("scenarios/anon/zero-page.scn");
}

Test(check, fork_cow, .timeout = 30)
{
	check_lesson("scenarios/anon/fork-cow.scn");
}

Test(check, dontneed, .timeout = 30)
{
	check_lesson("scenarios/anon/dontneed.scn");
}

/* A word read at a byte offset: UBSan in the worker made the ASan build spin for ever. */
Test(check, read_unaligned_byte, .timeout = 30)
{
	check_lesson("scenarios/regress/read-unaligned-byte.scn");
}

/*
 * Swap lessons: the run's own swap file (or zram device), removed afterwards.
 * Suite check_swap, run by `make check-real`, not by `make test`: on a loaded
 * machine the real kernel's per-CPU LRU batches sometimes hold a page back
 * (MADV_PAGEOUT skips it, or a write swap-in keeps its slot), so these runs
 * are not yet reproducible enough to gate CI (docs/divergences.md).
 */
Test(check_swap, anon_swap_cache, .timeout = 30)
{
	check_lesson("scenarios/swap/anon-swap-cache.scn");
}

Test(check_swap, dontneed_swapped, .timeout = 30)
{
	check_lesson("scenarios/swap/dontneed-swapped.scn");
}

Test(check_swap, shmem_swap, .timeout = 30)
{
	check_lesson("scenarios/swap/shmem-swap.scn");
}

Test(check_swap, shmem_swap_xarray, .timeout = 30)
{
	check_lesson("scenarios/swap/shmem-swap-xarray.scn");
}

Test(check_swap, zram, .timeout = 30)
{
	if (access("/sys/class/zram-control/hot_add", R_OK))
		cr_skip_test("no zram on this kernel");
	check_lesson("scenarios/swap/zram.scn");
}

Test(check_swap, zram_shmem, .timeout = 30)
{
	if (access("/sys/class/zram-control/hot_add", R_OK))
		cr_skip_test("no zram on this kernel");
	check_lesson("scenarios/swap/zram-shmem.scn");
}

/* Not root: exit 3 with the reason (run as a user via setpriv when root). */
Test(check, refuses_without_root, .timeout = 30)
{
	g_autofree char *out = NULL, *err = NULL, *cmd = NULL;
	int status = 0;

	if (geteuid() == 0)
		cmd = g_strdup_printf("setpriv --reuid=65534 --regid=65534 --clear-groups %s check "
				      "./scenarios/anon/zero-page.scn", check_mmsim());
	else
		cmd = g_strdup_printf("%s check ./scenarios/anon/zero-page.scn", check_mmsim());
	cr_assert(g_spawn_command_line_sync(cmd, &out, &err, &status, NULL));
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), 3, "exit %d\n%s%s", WEXITSTATUS(status), out, err);
	cr_assert(strstr(err, "needs root"), "%s", err);
}
