// SPDX-License-Identifier: GPL-2.0
/*
 * check_util.c - running `mmsim check` from the tests, and looking for what
 * a run left behind (check_util.h).
 */
#include "check_util.h"
#include "test_util.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_LOCK "/tmp/mmsim-test-check.lock"

static int test_lock_fd = -1;

/* The lock-file protocol of sim/real/real_backend.c: the holder unlinks it. */
void check_test_lock(void)
{
	for (;;) {
		struct stat a, b;
		int fd = open(TEST_LOCK, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

		cr_assert(fd >= 0 && flock(fd, LOCK_EX) == 0, "cannot lock " TEST_LOCK ": %s",
			  strerror(errno));
		if (fstat(fd, &a) == 0 && stat(TEST_LOCK, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev) {
			test_lock_fd = fd;
			return;
		}
		close(fd);
	}
}

void check_test_unlock(void)
{
	if (test_lock_fd < 0)
		return;
	unlink(TEST_LOCK);
	close(test_lock_fd);
	test_lock_fd = -1;
}

int check_tagged(const char *tag)
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
			if (strcmp(env + i, tag) == 0)
				n++;
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

static gint by_name(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/* The zram devices in /sys/block, as one sorted string: " zram0 zram1 ". */
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
	g_ptr_array_sort(names, by_name);
	g_string_append_c(s, ' ');
	for (guint i = 0; i < names->len; i++)
		g_string_append_printf(s, "%s ", (char *)names->pdata[i]);
	g_ptr_array_free(names, TRUE);
	return g_string_free(s, FALSE);
}

void check_before_take(struct check_before *b)
{
	b->swaps = NULL;
	g_file_get_contents("/proc/swaps", &b->swaps, NULL, NULL);
	b->zram = zram_devices();
}

void check_before_free(struct check_before *b)
{
	g_free(b->swaps);
	g_free(b->zram);
}

/*
 * Is swap area line @l another live `mmsim check`'s (a run directory
 * mmsim-check-PID-* of a PID other than @pid that is running)? Someone
 * else's run on the same machine is not this run's leftover.
 */
static bool others_swap(const char *l, pid_t pid)
{
	const char *p = strstr(l, "/mmsim-check-");
	int owner;

	if (!p)
		return false;
	owner = atoi(p + strlen("/mmsim-check-"));
	return owner != pid && owner > 0 && kill(owner, 0) == 0;
}

static void expect_no_entry(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		cr_expect(strncmp(e->d_name, prefix, strlen(prefix)) != 0, "left behind: %s/%s", dir,
			  e->d_name);
	if (d)
		closedir(d);
}

void check_expect_nothing_left(pid_t pid, const char *tag, const struct check_before *b,
			       const char *base)
{
	g_autofree char *dir = g_strdup_printf("mmsim-check-%d-", (int)pid);
	g_autofree char *shm = g_strdup_printf("mmsim-%d-", (int)pid);
	g_autofree char *swaps = NULL, *zram = NULL;
	g_auto(GStrv) lines = NULL;
	int n = 0;

	expect_no_entry("/tmp", dir);
	if (base)
		expect_no_entry(base, dir);
	expect_no_entry("/dev/shm", shm);
	cr_expect_eq(segments_of(pid), 0, "SysV segments created by the run (pid %d) are left",
		     (int)pid);
	/* swap areas: every one active now was active before, or is another live run's */
	g_file_get_contents("/proc/swaps", &swaps, NULL, NULL);
	lines = g_strsplit(swaps ? swaps : "", "\n", -1);
	for (int i = 1; lines[i]; i++) {
		g_autofree char *first = g_strdup(lines[i]);
		char *sp = strpbrk(first, " \t");

		if (!*lines[i])
			continue;
		if (sp)
			*sp = 0;
		cr_expect(strstr(b->swaps ? b->swaps : "", first) || others_swap(lines[i], pid),
			  "a swap area was left: %s", lines[i]);
	}
	/* zram devices: every one there now was there before (another run may remove its own) */
	zram = zram_devices();
	{
		g_auto(GStrv) now = g_strsplit(g_strstrip(zram), " ", -1);

		for (int i = 0; now[i]; i++) {
			g_autofree char *word = g_strdup_printf(" %s ", now[i]);

			cr_expect(!*now[i] || strstr(b->zram, word), "a zram device was left: %s",
				  now[i]);
		}
	}
	/* workers: they end when their socket closes; a second for a killed run's */
	for (int i = 0; i < 100 && (n = check_tagged(tag)); i++)
		g_usleep(10000);
	cr_expect_eq(n, 0, "%d processes of the run are left", n);
}

void check_run_free(struct check_run *r)
{
	g_free(r->out);
	g_free(r->err);
	r->out = r->err = NULL;
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

void check_spawn(const char *const *argv, const char *const *env, const char *tag,
		 const char *when, int sig, struct check_run *r)
{
	g_auto(GStrv) envp = g_get_environ();
	g_autoptr(GError) gerr = NULL;
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	GPid pid = 0;
	int out_fd, err_fd;
	bool sent = false;

	memset(r, 0, sizeof(*r));
	g_ptr_array_add(args, (char *)mmsim_under_test());
	for (int i = 1; argv[i]; i++)
		g_ptr_array_add(args, (char *)argv[i]);
	g_ptr_array_add(args, NULL);
	for (int i = 0; env && env[i]; i++) {
		g_autofree char *k = g_strndup(env[i], strcspn(env[i], "="));

		envp = g_environ_setenv(envp, k, strchr(env[i], '=') + 1, TRUE);
	}
	envp = g_environ_setenv(envp, "MMSIM_CHECK_TEST", strchr(tag, '=') + 1, TRUE);
	cr_assert(g_spawn_async_with_pipes(NULL, (char **)args->pdata, envp,
					   G_SPAWN_DO_NOT_REAP_CHILD, end_with_test, NULL, &pid, NULL,
					   &out_fd, &err_fd, &gerr),
		  "cannot run %s: %s", mmsim_under_test(), gerr ? gerr->message : "?");
	r->pid = pid;
	{
		/* both streams as they come; the signal's cue in standard error */
		GString *out = g_string_new(""), *err = g_string_new("");
		struct pollfd pfd[2] = { { .fd = out_fd, .events = POLLIN },
					 { .fd = err_fd, .events = POLLIN } };
		int open_fds = 2;

		while (open_fds) {
			char buf[4096];

			if (poll(pfd, 2, -1) < 0 && errno != EINTR)
				break;
			for (int i = 0; i < 2; i++) {
				ssize_t n;

				if (pfd[i].fd < 0 || !pfd[i].revents)
					continue;
				n = read(pfd[i].fd, buf, sizeof(buf));
				if (n <= 0) {
					close(pfd[i].fd);
					pfd[i].fd = -1;
					open_fds--;
					continue;
				}
				g_string_append_len(i ? err : out, buf, n);
			}
			if (when && !sent && strstr(err->str, when)) {
				kill(pid, sig);
				sent = true;
			}
		}
		r->out = g_string_free(out, FALSE);
		r->err = g_string_free(err, FALSE);
	}
	waitpid(pid, &r->status, 0);
	if (when)
		cr_assert(sent, "'%s' never appeared on the standard error of mmsim check:\n%s", when,
			  r->err);
}
