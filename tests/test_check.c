// SPDX-License-Identifier: GPL-2.0
/*
 * test_check.c - `mmsim check` on every lesson under scenarios/ against the
 * real kernel (root only; skipped otherwise): zero disagreements, every
 * expectation holds on both sides, and nothing is left behind (run
 * directory, POSIX shm names, SysV segments, swap devices, worker
 * processes). A lesson marked "# check: simulator-only: REASON" is refused
 * with exit 3 and its reason.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_util.h"
#include "test_util.h"

/* Is @path marked simulator-only (see simulator_only() in sim/cli/check.c)? */
static bool simulator_only(const char *path)
{
	g_autofree char *text = NULL;

	return g_file_get_contents(path, &text, NULL, NULL) &&
	       (g_str_has_prefix(text, "# check: simulator-only:") ||
		strstr(text, "\n# check: simulator-only:"));
}

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
	if (simulator_only(path)) {
		cr_expect_eq(WEXITSTATUS(r.status), 3, "mmsim check %s (simulator-only) exited %d\n%s%s",
			     path, WEXITSTATUS(r.status), r.out, r.err);
		cr_expect(strstr(r.err, "a simulator-only lesson, not run on the real kernel: "), "%s",
			  r.err);
	} else {
		cr_expect_eq(WEXITSTATUS(r.status), 0, "mmsim check %s exited %d\n%s%s", path,
			     WEXITSTATUS(r.status), r.out, r.err);
		cr_expect(strstr(r.out, ", 0 differ"), "%s: disagreements:\n%s", path, r.out);
		cr_expect(strstr(r.out, "expectations failed: 0 on the simulator, 0 on the real kernel"),
			  "%s: %s", path, r.out);
	}
	check_expect_nothing_left(r.pid, tag, &before, NULL);
	check_before_free(&before);
	check_run_free(&r);
	check_test_unlock();
}

struct lesson {
	char *path;
};

static void free_lessons(struct criterion_test_params *crp)
{
	struct lesson *l = crp->params;

	for (size_t i = 0; i < crp->length; i++)
		cr_free(l[i].path);
	cr_free(l);
}

/* One test per lesson (criterion parameters live in its shared memory: cr_malloc). */
ParameterizedTestParameters(check, lesson)
{
	g_autoptr(GPtrArray) files = lesson_files();
	struct lesson *l;

	l = cr_malloc(sizeof(*l) * (files->len ? files->len : 1));
	for (guint i = 0; i < files->len; i++) {
		l[i].path = cr_malloc(strlen(files->pdata[i]) + 1);
		strcpy(l[i].path, files->pdata[i]);
	}
	return cr_make_param_array(struct lesson, l, files->len, free_lessons);
}

ParameterizedTest(struct lesson *l, check, lesson, .timeout = 90)
{
	fprintf(stderr, "mmsim check %s\n", l->path); /* which one, should it time out */
	if (strstr(l->path, "zram") && access("/sys/class/zram-control/hot_add", R_OK))
		cr_skip_test("%s: no zram on this kernel", l->path);
	check_lesson(l->path);
}

/*
 * Background reclaim (what this machine kind's DAMON does): a thread pages
 * out pages of the run's file as the run goes. Each real run sees more
 * evicted entries (cachestat) than the simulator has, says so, and is run
 * again, at most 3 times; the differences are then shown, not hidden.
 */
static volatile gint evicting;

static gpointer evictor(gpointer data)
{
	(void)data;
	while (g_atomic_int_get(&evicting)) {
		g_autoptr(GDir) d = g_dir_open("/tmp", 0, NULL);
		const char *name;

		while (d && (name = g_dir_read_name(d))) {
			g_autofree char *path = g_strdup_printf("/tmp/%s/data", name);
			int fd = g_str_has_prefix(name, "mmsim-check-") ? open(path, O_RDONLY) : -1;
			volatile char *p;

			if (fd < 0)
				continue;
			p = mmap(NULL, 4 * 4096, PROT_READ, MAP_SHARED, fd, 40 * 4096);
			if (p != MAP_FAILED) {
				(void)(p[0] + p[4096]);
				madvise((void *)p, 4 * 4096, MADV_PAGEOUT);
				munmap((void *)p, 4 * 4096);
			}
			close(fd);
		}
		g_usleep(20000);
	}
	return NULL;
}

Test(check, background_reclaim_is_detected, .timeout = 90)
{
	const char *argv[] = { "mmsim", "check", "scenarios/file/fault-around.scn", NULL };
	g_autofree char *tag = g_strdup_printf("MMSIM_CHECK_TEST=%d-evict", (int)getpid());
	struct check_before before;
	struct check_run r;
	GThread *t;

	if (geteuid() != 0)
		cr_skip_test("mmsim check needs root (pagemap PFNs, stat_refresh)");
	check_test_lock();
	check_before_take(&before);
	g_atomic_int_set(&evicting, 1);
	t = g_thread_new("evictor", evictor, NULL);
	check_spawn(argv, NULL, tag, NULL, 0, &r);
	g_atomic_int_set(&evicting, 0);
	g_thread_join(t);
	cr_assert(WIFEXITED(r.status), "status %#x\n%s", r.status, r.err);
	cr_expect_eq(WEXITSTATUS(r.status), 1, "exit %d\n%s%s", WEXITSTATUS(r.status), r.out,
		     r.err);
	for (int i = 1; i <= 3; i++) {
		g_autofree char *said = g_strdup_printf("real run %d of at most 3: the machine "
							"reclaimed", i);

		cr_expect(strstr(r.out, said), "no '%s' in\n%s", said, r.out);
	}
	check_expect_nothing_left(r.pid, tag, &before, NULL);
	check_before_free(&before);
	check_run_free(&r);
	check_test_unlock();
}

/* Not root: exit 3 with the reason (run as a user via setpriv when root). */
Test(check, refuses_without_root, .timeout = 30)
{
	g_autofree char *out = NULL, *err = NULL, *cmd = NULL;
	int status = 0;

	if (geteuid() == 0)
		cmd = g_strdup_printf("setpriv --reuid=65534 --regid=65534 --clear-groups %s check "
				      "./scenarios/anon/zero-page.scn", mmsim_under_test());
	else
		cmd = g_strdup_printf("%s check ./scenarios/anon/zero-page.scn", mmsim_under_test());
	cr_assert(g_spawn_command_line_sync(cmd, &out, &err, &status, NULL));
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), 3, "exit %d\n%s%s", WEXITSTATUS(status), out, err);
	cr_assert(strstr(err, "needs root"), "%s", err);
}
