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
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *mmsim(void)
{
	const char *bin = getenv("MMSIM");

	return bin ? bin : "build/mmsim";
}

/* Processes whose environment holds @tag (the run's workers inherit it). */
static int tagged(const char *tag)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		g_autofree char *path = g_strdup_printf("/proc/%s/environ", e->d_name);
		g_autofree char *env = NULL;
		gsize len = 0;

		if (!g_ascii_isdigit(e->d_name[0]) || !g_file_get_contents(path, &env, &len, NULL))
			continue;
		for (gsize i = 0; i < len; i += strlen(env + i) + 1)
			if (strcmp(env + i, tag) == 0) {
				cr_log_error("left behind: process %s", e->d_name);
				n++;
			}
	}
	if (d)
		closedir(d);
	return n;
}

/* SysV segments created by process @pid. */
static int segments_of(pid_t pid)
{
	struct shm_info info;
	int max = shmctl(0, SHM_INFO, (struct shmid_ds *)&info), n = 0;

	for (int i = 0; i <= max; i++) {
		struct shmid_ds ds;

		if (shmctl(i, SHM_STAT, &ds) >= 0 && ds.shm_cpid == pid)
			n++;
	}
	return n;
}

/* g_ptr_array_sort() hands over pointers to the elements. */
static gint cmp_path(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The zram devices in /sys/block, as one sorted string. */
static char *zram_devices(void)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	GString *s = g_string_new("");

	while (d && (e = readdir(d)))
		if (strncmp(e->d_name, "zram", 4) == 0)
			g_ptr_array_add(names, g_strdup(e->d_name));
	if (d)
		closedir(d);
	g_ptr_array_sort(names, cmp_path);
	for (guint i = 0; i < names->len; i++)
		g_string_append_printf(s, "%s ", (char *)names->pdata[i]);
	g_ptr_array_free(names, TRUE);
	return g_string_free(s, FALSE);
}

/*
 * In the spawned `mmsim check`: a SIGTERM when the test process dies (a
 * criterion timeout kills it), so the run cleans up instead of living on.
 */
static void end_with_test(gpointer data)
{
	(void)data;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

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
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr(GError) gerr = NULL;
	g_autofree char *swaps_before = NULL, *swaps_after = NULL;
	const char *argv[] = { mmsim(), "check", path, NULL };
	GPid pid = 0;
	int status = 0, out_fd, err_fd;
	g_autofree char *tag = g_strdup_printf("MMSIM_CHECK_TEST=%d-%s", (int)getpid(), path);
	g_auto(GStrv) envp = g_get_environ();

	if (geteuid() != 0)
		cr_skip_test("mmsim check needs root (pagemap PFNs, stat_refresh)");
	/*
	 * One lesson at a time (criterion runs tests in parallel): `check` itself
	 * waits for another run, but the before/after looks at /proc/swaps and
	 * /sys/block must not see another test's swap device.
	 */
	int lk = open("/tmp/mmsim-test-check.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	cr_assert(lk >= 0 && flock(lk, LOCK_EX) == 0, "cannot lock /tmp/mmsim-test-check.lock");
	envp = g_environ_setenv(envp, "MMSIM_CHECK_TEST", strchr(tag, '=') + 1, TRUE);
	g_file_get_contents("/proc/swaps", &swaps_before, NULL, NULL);
	g_autofree char *zram_before = zram_devices();
	cr_assert(g_spawn_async_with_pipes(NULL, (char **)argv, envp, G_SPAWN_DO_NOT_REAP_CHILD,
					   end_with_test, NULL, &pid, NULL, &out_fd, &err_fd, &gerr),
		  "cannot run %s: %s", argv[0], gerr ? gerr->message : "?");
	{
		g_autoptr(GIOChannel) o = g_io_channel_unix_new(out_fd);
		g_autoptr(GIOChannel) e = g_io_channel_unix_new(err_fd);

		g_io_channel_set_close_on_unref(o, TRUE);
		g_io_channel_set_close_on_unref(e, TRUE);
		g_io_channel_read_to_end(o, &out, NULL, NULL);
		g_io_channel_read_to_end(e, &err, NULL, NULL);
	}
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status), "mmsim check %s did not exit (status %#x)\n%s", path, status,
		  err);
	if (simulator_only(path)) {
		cr_expect_eq(WEXITSTATUS(status), 3, "mmsim check %s (simulator-only) exited %d\n%s%s",
			     path, WEXITSTATUS(status), out, err);
		cr_expect(strstr(err, "a simulator-only lesson, not run on the real kernel: "), "%s",
			  err);
	} else {
		cr_expect_eq(WEXITSTATUS(status), 0, "mmsim check %s exited %d\n%s%s", path,
			     WEXITSTATUS(status), out, err);
		cr_expect(strstr(out, ", 0 differ"), "%s: disagreements:\n%s", path, out);
		cr_expect(strstr(out, "expectations failed: 0 on the simulator, 0 on the real kernel"),
			  "%s: %s", path, out);
	}

	/* nothing left behind */
	g_autofree char *dir = g_strdup_printf("mmsim-check-%d-", (int)pid);
	g_autofree char *shm = g_strdup_printf("mmsim-%d-", (int)pid);
	DIR *d = opendir("/tmp");
	struct dirent *e;

	while (d && (e = readdir(d)))
		cr_expect(strncmp(e->d_name, dir, strlen(dir)) != 0, "left behind: /tmp/%s", e->d_name);
	if (d)
		closedir(d);
	d = opendir("/dev/shm");
	while (d && (e = readdir(d)))
		cr_expect(strncmp(e->d_name, shm, strlen(shm)) != 0, "left behind: /dev/shm/%s",
			  e->d_name);
	if (d)
		closedir(d);
	cr_expect_eq(segments_of(pid), 0, "SysV segments of the run are left");
	g_file_get_contents("/proc/swaps", &swaps_after, NULL, NULL);
	cr_expect_str_eq(swaps_after, swaps_before, "a swap device was left");
	g_autofree char *zram_after = zram_devices();
	cr_expect_str_eq(zram_after, zram_before, "a zram device was left");
	/* workers: none may outlive the run */
	cr_expect_eq(tagged(tag), 0, "processes of the run are left");
	close(lk);
}

/* Every *.scn under @dir, into @out. */
static void collect(const char *dir, GPtrArray *out)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		char *path = g_build_filename(dir, name, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			collect(path, out);
		if (g_str_has_suffix(name, ".scn"))
			g_ptr_array_add(out, path);
		else
			g_free(path);
	}
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
	g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
	struct lesson *l;

	collect("scenarios", files);
	g_ptr_array_sort(files, cmp_path);
	l = cr_malloc(sizeof(*l) * (files->len ? files->len : 1));
	for (guint i = 0; i < files->len; i++) {
		l[i].path = cr_malloc(strlen(files->pdata[i]) + 1);
		strcpy(l[i].path, files->pdata[i]);
	}
	return cr_make_param_array(struct lesson, l, files->len, free_lessons);
}

ParameterizedTest(struct lesson *l, check, lesson, .timeout = 60)
{
	fprintf(stderr, "mmsim check %s\n", l->path); /* which one, should it time out */
	if (access("/sys/class/zram-control/hot_add", R_OK) == 0 || !strstr(l->path, "zram"))
		check_lesson(l->path);
	else
		cr_skip_test("%s: no zram on this kernel", l->path);
}

/* Not root: exit 3 with the reason (run as a user via setpriv when root). */
Test(check, refuses_without_root, .timeout = 30)
{
	g_autofree char *out = NULL, *err = NULL, *cmd = NULL;
	int status = 0;

	if (geteuid() == 0)
		cmd = g_strdup_printf("setpriv --reuid=65534 --regid=65534 --clear-groups %s check "
				      "./scenarios/anon/zero-page.scn", mmsim());
	else
		cmd = g_strdup_printf("%s check ./scenarios/anon/zero-page.scn", mmsim());
	cr_assert(g_spawn_command_line_sync(cmd, &out, &err, &status, NULL));
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), 3, "exit %d\n%s%s", WEXITSTATUS(status), out, err);
	cr_assert(strstr(err, "needs root"), "%s", err);
}
