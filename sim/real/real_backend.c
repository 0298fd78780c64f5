// SPDX-License-Identifier: GPL-2.0
/*
 * real_backend.c - the real Linux kernel behind the backend interface
 * (real_backend.h): the controller side. The workers are in real_worker.c.
 *
 * Observations: pagemap (present, swapped, file, exclusive, PFN) is read
 * here from /proc/PID/pagemap (PFNs need root); mincore is asked of the
 * worker; rss from /proc/PID/status; smaps fields from /proc/PID/smaps;
 * meminfo and vmstat after writing /proc/sys/vm/stat_refresh; the page
 * cache of an object by mincore over a mapping of it here.
 *
 * Swap: real_backend_swap_on() sets up the run's own swap device (a swap
 * file in the run's directory, or a zram device), listed in the manifest
 * and always removed (swapoff, then unlink or reset + hot_remove).
 * Left out: `reclaim` (`check` stops comparing there).
 */
#include "real_backend.h"
#include "real_proto.h"

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#endif

#define PM_PFN_MASK ((1ull << 55) - 1)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_FILE (1ull << 61)
#define PM_SWAP (1ull << 62)
#define PM_PRESENT (1ull << 63)

#define DIR_PREFIX "mmsim-check-"
#define SHM_PREFIX "mmsim-"

struct real_proc {
	pid_t pid;
	int sock;
	int pagemap;
	int pidfd;
	bool alive;
	bool direct;		  /* a child of this process (not of a worker) */
	uint64_t minflt, majflt;  /* the scenario's faults, from the last reply */
	char *smaps;		  /* its /proc/PID/smaps, read at generation smaps_gen */
	uint64_t smaps_gen;
	GArray *ranges;		  /* uint64_t pairs: where the scenario mapped memory */
};

enum real_kind { OBJ_NONE, OBJ_FILE, OBJ_SHM, OBJ_MEMFD, OBJ_SYSV };

struct real_obj {
	enum real_kind kind;
	int fd;			/* file, shm, memfd */
	int shmid;		/* SysV */
	uint64_t key;		/* SysV: the scenario's key (the real one is IPC_PRIVATE) */
	bool removed;		/* SysV: IPC_RMID done, the key no longer finds it */
	char *path;		/* file: its path; shm: the real name "/mmsim-PID-N" */
	char *scn_name;		/* shm: the scenario's name */
	bool unlinked;
};

struct real_backend {
	struct scn_backend be;
	char *dir;		/* the run's private directory */
	FILE *manifest;
	GArray *procs;		/* struct real_proc */
	GArray *objs;		/* struct real_obj */
	uint64_t zero_pfn;
	uint64_t place;		/* the simulator's address for the next mapping */
	int shm_seq;
	int lost;		/* a worker that died unasked, or -1 */
	/* system counters, read once per state */
	bool sys_valid;
	uint64_t gen;		/* bumped by every change: what was read before is stale */
	GHashTable *meminfo;	/* key -> kB (boxed in a pointer) */
	GHashTable *vmstat;	/* key -> value */
	GHashTable *mi_start;	/* meminfo at the start */
	GHashTable *mi_base;	/* the simulator's meminfo at the start */
	uint64_t pgfault_start;
	uint64_t sigbus;	/* accesses that faulted into SIGBUS (vmstat counts them) */
	uint64_t setup_pages;	/* pages written to set up files (not the scenario's) */
	uint64_t swap_io_start;	/* pswpin + pswpout at the start */
	uint64_t swap_io_own;	/* ... of them, during the scenario's own steps */
	uint64_t drop_start;	/* vmstat drop_pagecache at the start */
	/* the run's swap device */
	char swap_path[4200];	/* the swap file or /dev/zramN; "" when none */
	int zram;		/* its zram number, or -1 */
	bool swap_on;
	uint64_t swapcached_start; /* meminfo SwapCached (kB) at swapon */
	uint64_t writeback_start;  /* meminfo Writeback (kB) at the start */
	GArray *victims;	   /* struct real_victim: the next reclaim's */
	/* why the run cannot go on, and the test-only injected faults */
	char *failure;		/* a set-up step of the backend failed (g_free) */
	bool fail_swapon;	/* MMSIM_CHECK_FAULT=swapon */
};

static struct real_backend *to_real(struct scn_backend *be)
{
	return container_of(be, struct real_backend, be);
}

/* Something may have changed: counters and smaps are read again. */
static void changed(struct real_backend *rb)
{
	rb->sys_valid = false;
	rb->gen++;
}

static struct real_proc *proc(struct real_backend *rb, int id)
{
	if ((guint)id >= rb->procs->len)
		g_array_set_size(rb->procs, id + 1);
	return &g_array_index(rb->procs, struct real_proc, id);
}

static struct real_obj *obj(struct real_backend *rb, int id)
{
	if ((guint)id >= rb->objs->len)
		g_array_set_size(rb->objs, id + 1);
	return &g_array_index(rb->objs, struct real_obj, id);
}

/* ---- the manifest, cleanup, signals ------------------------------------ */

/* The run being cleaned up by a signal. */
static struct real_backend *live;

static void note(struct real_backend *rb, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void note(struct real_backend *rb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(rb->manifest, fmt, ap);
	va_end(ap);
	fputc('\n', rb->manifest);
	fflush(rb->manifest);
	fsync(fileno(rb->manifest));
}

/* Write @text to sysfs file @path (async-signal-safe). */
static int sys_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = write(fd, text, strlen(text)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* Reset and remove zram device @n (async-signal-safe). */
static void zram_remove(int n)
{
	char path[64], num[16];

	snprintf(path, sizeof(path), "/sys/block/zram%d/reset", n);
	sys_write(path, "1");
	snprintf(num, sizeof(num), "%d", n);
	sys_write("/sys/class/zram-control/hot_remove", num);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/*
 * Undo everything the run created. Called at the end and from a signal
 * handler (so: system calls and no allocation; the lists are not changed
 * while a command runs).
 */
static void cleanup(struct real_backend *rb)
{
	for (guint i = 0; i < rb->procs->len; i++) {
		struct real_proc *p = &g_array_index(rb->procs, struct real_proc, i);

		if (p->pid > 0 && p->alive) {
			if (p->pidfd >= 0)
				syscall(SYS_pidfd_send_signal, p->pidfd, SIGKILL, NULL, 0);
			else
				kill(p->pid, SIGKILL);
		}
	}
	for (guint i = 0; i < rb->objs->len; i++) {
		struct real_obj *o = &g_array_index(rb->objs, struct real_obj, i);

		if (o->kind == OBJ_SHM && !o->unlinked)
			shm_unlink(o->path);
		if (o->kind == OBJ_SYSV && o->shmid >= 0 && !o->removed)
			shmctl(o->shmid, IPC_RMID, NULL);
	}
	/* Workers forked by workers are reparented to us (a subreaper): reap all. */
	while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
		;
	/* the workers are gone: swapoff has only the swap cache left to read back */
	if (rb->swap_path[0]) {
		if (rb->swap_on)
			swapoff(rb->swap_path);
		rb->swap_on = false;
		if (rb->zram >= 0)
			zram_remove(rb->zram);
		else
			unlink(rb->swap_path);
		rb->swap_path[0] = 0;
	}
	remove_dir(rb->dir);
}

/* ---- the machine-wide lock, the run's base directory, the deadline ---- */

/*
 * One real run at a time on the machine: /tmp/mmsim-check.lock, flock'ed.
 * The holder unlinks it before unlocking, so no file is left behind; a
 * waiter that then gets the lock of an unlinked file tries again (the
 * usual lock-file protocol). A crashed holder leaves the empty file, which
 * the next run locks, and removes when it is done.
 */
#define LOCK_PATH "/tmp/mmsim-check.lock"
static int lock_fd = -1;

static int take_lock(void)
{
	for (;;) {
		struct stat a, b;
		int fd = open(LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK)
			fprintf(stderr, "mmsim check: waiting for another mmsim check to finish "
					"(" LOCK_PATH "; --timeout counts the wait)\n");
		else if (lock_fd < 0 && fstat(fd, &a) == 0 && stat(LOCK_PATH, &b) == 0 &&
			 a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			lock_fd = fd;
			return 0;
		}
		if (flock(fd, LOCK_EX)) {
			int err = -errno;

			close(fd);
			return err;
		}
		if (fstat(fd, &a) == 0 && stat(LOCK_PATH, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev) {
			lock_fd = fd;
			return 0;
		}
		close(fd); /* the previous holder removed it meanwhile */
	}
}

/* Async-signal-safe. */
static void release_lock(void)
{
	if (lock_fd < 0)
		return;
	unlink(LOCK_PATH);
	close(lock_fd);
	lock_fd = -1;
}

/* Where run directories go: $MMSIM_CHECK_TMPDIR (docs/check.md), else /tmp. */
static const char *run_base(void)
{
	const char *d = getenv("MMSIM_CHECK_TMPDIR");

	return d && *d == '/' ? d : "/tmp";
}

static void say_safe(const char *a, const char *b, const char *c)
{
	if (a && write(2, a, strlen(a)) < 0)
		return;
	if (b && write(2, b, strlen(b)) < 0)
		return;
	if (c && write(2, c, strlen(c)) < 0)
		return;
}

static void on_signal(int sig)
{
	const char *name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";

	if (live)
		cleanup(live);
	live = NULL;
	release_lock();
	say_safe("mmsim check: ", name, ": the real run was ended; its workers, files, shared "
					"memory and swap device were removed\n");
	signal(sig, SIG_DFL);
	raise(sig);
}

static char deadline_msg[512];

static void on_deadline(int sig)
{
	if (live)
		cleanup(live);
	live = NULL;
	release_lock();
	say_safe(deadline_msg, NULL, NULL);
	_exit(3);
}

void real_backend_deadline(unsigned seconds, const char *msg)
{
	struct sigaction sa = { .sa_handler = on_deadline };

	if (!seconds) {
		alarm(0);
		return;
	}
	snprintf(deadline_msg, sizeof(deadline_msg), "%s\n", msg);
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

const char *real_backend_failure(struct scn_backend *be)
{
	return to_real(be)->failure;
}

void real_backend_fail_swapon(struct scn_backend *be)
{
	to_real(be)->fail_swapon = true;
}

int real_backend_kill_worker(struct scn_backend *be, int id)
{
	struct real_backend *rb = to_real(be);

	if ((guint)id >= rb->procs->len || !proc(rb, id)->alive)
		return -ESRCH;
	return kill(proc(rb, id)->pid, SIGKILL) ? -errno : 0;
}

static bool pid_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

void real_backend_remove_stale(void)
{
	DIR *d = opendir(run_base());
	struct dirent *e;

	if (d) {
		while ((e = readdir(d))) {
			char dir[4096], line[4200];
			FILE *m;
			pid_t pid;

			if (strncmp(e->d_name, DIR_PREFIX, strlen(DIR_PREFIX)) != 0)
				continue;
			pid = (pid_t)atoi(e->d_name + strlen(DIR_PREFIX));
			if (pid_alive(pid))
				continue;
			snprintf(dir, sizeof(dir), "%s/%s", run_base(), e->d_name);
			snprintf(line, sizeof(line), "%s/manifest", dir);
			m = fopen(line, "r");
			while (m && fgets(line, sizeof(line), m)) {
				char what[16], arg[4096];

				if (sscanf(line, "%15s %4095s", what, arg) != 2)
					continue;
				if (strcmp(what, "shm") == 0)
					shm_unlink(arg);
				else if (strcmp(what, "swapfile") == 0) {
					swapoff(arg);
					unlink(arg);
				} else if (strcmp(what, "zram") == 0) {
					char dev[64];

					snprintf(dev, sizeof(dev), "/dev/zram%d", atoi(arg));
					swapoff(dev);
					zram_remove(atoi(arg));
				}
				else if (strcmp(what, "sysv") == 0) {
					struct shmid_ds ds;
					int id = atoi(arg);

					/* only a segment that process created */
					if (shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_cpid == pid)
						shmctl(id, IPC_RMID, NULL);
				}
			}
			if (m)
				fclose(m);
			remove_dir(dir);
		}
		closedir(d);
	}
	/* POSIX shm objects of a dead run not yet in its manifest */
	d = opendir("/dev/shm");
	if (d) {
		while ((e = readdir(d))) {
			char name[300];

			if (strncmp(e->d_name, SHM_PREFIX, strlen(SHM_PREFIX)) != 0 ||
			    strncmp(e->d_name, DIR_PREFIX, strlen(DIR_PREFIX)) == 0)
				continue;
			if (pid_alive((pid_t)atoi(e->d_name + strlen(SHM_PREFIX))))
				continue;
			snprintf(name, sizeof(name), "/%s", e->d_name);
			shm_unlink(name);
		}
		closedir(d);
	}
}

/* ---- talking to workers -------------------------------------------------- */

static void lose(struct real_backend *rb, int id)
{
	struct real_proc *p = proc(rb, id);

	if (p->alive && rb->lost < 0)
		rb->lost = id;
	p->alive = false;
}

/*
 * Drain every CPU's LRU batches (lru_add, activate, rotate, deactivate).
 * A page waiting in another CPU's batch holds a reference and is not on
 * an LRU list, so MADV_PAGEOUT skips it, a write swap-in keeps its slot
 * and a clean swap-cache page is not freed: the kernel's answer would
 * depend on which CPU faulted the page or finished its I/O. The
 * simulator has no batches. move_pages() of one page of our own to the
 * node it is already on migrates nothing, but first calls
 * lru_cache_disable(), which drains all CPUs (mm/migrate.c,
 * do_pages_move); 8 us here, no privilege, no setting changed.
 * Measured in docs/divergences.md ("per-CPU LRU batches, all CPUs").
 */
static char drain_page[4096] __attribute__((aligned(4096)));

static void lru_drain_all(void)
{
	void *page = drain_page;
	int node = 0, status = 0;

	drain_page[0] = 1;
	syscall(SYS_move_pages, 0, 1UL, &page, &node, &status, 0);
}

/* The machine's swap reads and writes so far (vmstat pswpin + pswpout). */
static uint64_t swap_io_now(void)
{
	g_autofree char *vm = NULL;
	uint64_t n = 0;

	if (!g_file_get_contents("/proc/vmstat", &vm, NULL, NULL))
		return 0;
	for (const char *k = vm; (k = strstr(k, "pswp")); k += 4)
		if ((k == vm || k[-1] == '\n') &&
		    (!strncmp(k, "pswpin ", 7) || !strncmp(k, "pswpout ", 8)))
			n += strtoull(strchr(k, ' ') + 1, NULL, 10);
	return n;
}

/*
 * Count the swap I/O from @before to now as the scenario's own. Around each
 * step that can swap (an access, madvise, mmap, mremap; pread, pwrite and
 * fadvise of an object): what happens outside those steps is another
 * process's, or the kernel's own background reclaim (real_backend_noise).
 */
static void own_swap_io(struct real_backend *rb, uint64_t before)
{
	rb->swap_io_own += swap_io_now() - before;
}

static int call_worker(struct real_backend *rb, int id, const struct real_cmd *c, int fd,
		       struct real_reply *r);

/* Send @c (with @fd if >= 0) to worker @id and wait for the reply. */
static int call(struct real_backend *rb, int id, const struct real_cmd *c, int fd,
		struct real_reply *r)
{
	bool io = c->op == REAL_OP_ACCESS || c->op == REAL_OP_MADVISE || c->op == REAL_OP_MMAP ||
		  c->op == REAL_OP_MREMAP;
	uint64_t before = io ? swap_io_now() : 0;
	int err = call_worker(rb, id, c, fd, r);

	if (io)
		own_swap_io(rb, before);
	return err;
}

static int call_worker(struct real_backend *rb, int id, const struct real_cmd *c, int fd,
		       struct real_reply *r)
{
	struct real_proc *p = proc(rb, id);
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)c, sizeof(*c) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	memset(r, 0, sizeof(*r));
	if (c->op != REAL_OP_MINCORE) { /* an observation changes nothing */
		changed(rb);
		lru_drain_all();
	}
	if (!p->alive) {
		r->err = -ESRCH;
		return -ESRCH;
	}
	if (fd >= 0) {
		struct cmsghdr *cm;

		memset(ctl, 0, sizeof(ctl));
		mh.msg_control = ctl;
		mh.msg_controllen = sizeof(ctl);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	if (sendmsg(p->sock, &mh, MSG_NOSIGNAL) != sizeof(*c)) {
		lose(rb, id);
		r->err = -ESRCH;
		return -ESRCH;
	}
	do
		n = recv(p->sock, r, sizeof(*r), 0);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(*r)) {
		lose(rb, id);
		memset(r, 0, sizeof(*r));
		r->err = -ESRCH;
		return -ESRCH;
	}
	p->minflt = r->minflt;
	p->majflt = r->majflt;
	return r->err;
}

static void open_proc_files(struct real_backend *rb, struct real_proc *p)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)p->pid);
	p->pagemap = open(path, O_RDONLY | O_CLOEXEC);
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	p->alive = true;
}

static int wait_ready(struct real_backend *rb, struct real_proc *p)
{
	struct real_reply r;
	ssize_t n;

	do
		n = recv(p->sock, &r, sizeof(r), 0);
	while (n < 0 && errno == EINTR);
	return n == sizeof(r) ? 0 : -ESRCH;
}

static int real_process(struct scn_backend *be, int id, const char *name)
{
	struct real_backend *rb = to_real(be);
	struct real_proc *p = proc(rb, id);
	int sv[2];
	pid_t pid;

	p->sock = p->pagemap = p->pidfd = -1;
	changed(rb);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (pid == 0) {
		/* keep only the standard streams and our end of the socket */
		int keep = sv[1];

		if (keep != 3) {
			dup2(keep, 3);
			keep = 3;
		}
		syscall(SYS_close_range, 4, ~0u, 0);
		real_worker_main(keep);
	}
	close(sv[1]);
	p->pid = pid;
	p->sock = sv[0];
	p->direct = true;
	open_proc_files(rb, p);
	if (wait_ready(rb, p)) {
		lose(rb, id);
		return -ESRCH;
	}
	return 0;
}

static int real_fork(struct scn_backend *be, int parent, int child, const char *name)
{
	struct real_backend *rb = to_real(be);
	struct real_proc *c;
	struct real_cmd cmd = { .op = REAL_OP_FORK };
	struct real_reply r;
	int sv[2], err;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	err = call(rb, parent, &cmd, sv[1], &r);
	close(sv[1]);
	c = proc(rb, child);
	c->sock = c->pagemap = c->pidfd = -1;
	if (err) {
		close(sv[0]);
		return err;
	}
	c->pid = (pid_t)r.v;
	c->sock = sv[0];
	if (proc(rb, parent)->ranges) {
		GArray *pr = proc(rb, parent)->ranges;

		c->ranges = g_array_new(FALSE, FALSE, sizeof(uint64_t));
		g_array_append_vals(c->ranges, pr->data, pr->len);
	}
	open_proc_files(rb, c);
	if (wait_ready(rb, c)) {
		lose(rb, child);
		return -ESRCH;
	}
	return 0;
}

static int real_exit(struct scn_backend *be, int id)
{
	struct real_backend *rb = to_real(be);
	struct real_proc *p = proc(rb, id);
	struct real_cmd cmd = { .op = REAL_OP_EXIT };
	struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };

	if (!p->alive)
		return 0;
	changed(rb);
	send(p->sock, &cmd, sizeof(cmd), MSG_NOSIGNAL);
	/* wait until its mm is gone: the pidfd turns readable when it has exited */
	if (p->pidfd >= 0)
		poll(&pfd, 1, 10000);
	if (p->direct)
		waitpid(p->pid, NULL, 0);
	p->alive = false;
	close(p->sock);
	p->sock = -1;
	return 0;
}

/* ---- mappings ----------------------------------------------------------- */

static int to_prot(unsigned prot)
{
	return ((prot & SCN_PROT_R) ? PROT_READ : 0) | ((prot & SCN_PROT_W) ? PROT_WRITE : 0) |
	       ((prot & SCN_PROT_X) ? PROT_EXEC : 0);
}

static void add_range(struct real_proc *p, uint64_t start, uint64_t len)
{
	uint64_t r[2] = { start, start + len };

	if (!p->ranges)
		p->ranges = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	g_array_append_vals(p->ranges, r, 2);
}

static bool in_ranges(const struct real_proc *p, uint64_t s, uint64_t e)
{
	for (guint i = 0; p->ranges && i + 1 < p->ranges->len; i += 2)
		if (s < g_array_index(p->ranges, uint64_t, i + 1) &&
		    e > g_array_index(p->ranges, uint64_t, i))
			return true;
	return false;
}

void real_backend_place(struct scn_backend *be, uint64_t addr)
{
	to_real(be)->place = addr;
}

static int nohugepage(struct real_backend *rb, int id, uint64_t addr, uint64_t len)
{
	struct real_cmd c = { .op = REAL_OP_MADVISE, .a = addr, .b = len, .c = MADV_NOHUGEPAGE };
	struct real_reply r;

	return call(rb, id, &c, -1, &r);
}

static int real_mmap(struct scn_backend *be, int id, const struct scn_mmap *req, int o,
		     uint64_t *addr)
{
	struct real_backend *rb = to_real(be);
	struct real_cmd c = { .op = REAL_OP_MMAP, .b = req->size, .c = (uint64_t)to_prot(req->prot),
			      .e = req->offset };
	int flags = req->shared ? MAP_SHARED : MAP_PRIVATE;
	struct real_reply r;
	int err;

	if (o < 0)
		flags |= MAP_ANONYMOUS;
	if (req->populate)
		flags |= MAP_POPULATE;
	if (req->noreserve)
		flags |= MAP_NORESERVE;
	if (req->fixed)
		flags |= MAP_FIXED;
	else if (req->noreplace || rb->place)
		flags |= MAP_FIXED_NOREPLACE;
	c.a = rb->place ? rb->place : req->has_at ? req->at : 0;
	c.d = (uint64_t)flags;
	rb->place = 0;
	err = call(rb, id, &c, o < 0 ? -1 : obj(rb, o)->fd, &r);
	*addr = r.addr;
	if (!err) {
		add_range(proc(rb, id), r.addr, req->size);
		nohugepage(rb, id, r.addr, req->size);
	}
	return err;
}

static int simple(struct real_backend *rb, int id, enum real_op op, uint64_t a, uint64_t b,
		  uint64_t c3)
{
	struct real_cmd c = { .op = op, .a = a, .b = b, .c = c3 };
	struct real_reply r;

	return call(rb, id, &c, -1, &r);
}

static int real_munmap(struct scn_backend *be, int id, uint64_t addr, uint64_t len)
{
	return simple(to_real(be), id, REAL_OP_MUNMAP, addr, len, 0);
}

static int real_mprotect(struct scn_backend *be, int id, uint64_t addr, uint64_t len,
			 unsigned prot)
{
	return simple(to_real(be), id, REAL_OP_MPROTECT, addr, len, (uint64_t)to_prot(prot));
}

static int real_mremap(struct scn_backend *be, int id, uint64_t addr, uint64_t old_len,
		       uint64_t new_len, bool maymove, uint64_t *new_addr)
{
	struct real_backend *rb = to_real(be);
	struct real_cmd c = { .op = REAL_OP_MREMAP, .a = addr, .b = old_len, .c = new_len };
	struct real_reply r;
	int err;

	c.d = maymove ? MREMAP_MAYMOVE : 0;
	if (maymove && rb->place && rb->place != addr) {
		c.d |= MREMAP_FIXED;
		c.e = rb->place;
	}
	rb->place = 0;
	err = call(rb, id, &c, -1, &r);
	*new_addr = r.addr;
	if (!err)
		add_range(proc(rb, id), r.addr, new_len);
	if (!err && new_len > old_len)
		nohugepage(rb, id, r.addr, new_len);
	return err;
}

static int real_madvise(struct scn_backend *be, int id, uint64_t addr, uint64_t len,
			enum scn_madvise advice)
{
	return simple(to_real(be), id, REAL_OP_MADVISE, addr, len,
		      (uint64_t)scn_madvise_advice(advice));
}

static int real_msync(struct scn_backend *be, int id, uint64_t addr, uint64_t len,
		      const struct scn_msync *how)
{
	int flags = (how->sync ? MS_SYNC : MS_ASYNC) | (how->invalidate ? MS_INVALIDATE : 0);

	return simple(to_real(be), id, REAL_OP_MSYNC, addr, len, (uint64_t)flags);
}

static int real_access(struct scn_backend *be, int id, uint64_t addr, bool write,
		       uint64_t *value)
{
	struct real_backend *rb = to_real(be);
	/* the 8-byte word holding the byte, as the simulator reads it (and aligned for the CPU) */
	struct real_cmd c = { .op = REAL_OP_ACCESS, .flags = write ? REAL_WRITE : 0,
			      .a = addr & ~7ull, .b = *value };
	struct real_reply r;
	int err = call(rb, id, &c, -1, &r);

	if (err)
		return SIGKILL; /* the worker is gone */
	if (!write)
		*value = r.v;
	if (r.sig == SIGBUS)
		rb->sigbus++;
	return r.sig;
}

/* ---- objects ------------------------------------------------------------ */

/* The spec's content: the 8-byte word at offset o holds o. */
static int fill(int fd, uint64_t size)
{
	uint64_t buf[512];

	for (uint64_t pos = 0; pos < size; pos += sizeof(buf)) {
		size_t n = size - pos < sizeof(buf) ? (size_t)(size - pos) : sizeof(buf);

		for (int i = 0; i < 512; i++)
			buf[i] = pos + (uint64_t)i * 8;
		ssize_t w = pwrite(fd, buf, n, (off_t)pos);

		if (w != (ssize_t)n) /* a short write is a full disk (errno says nothing) */
			return w < 0 ? -errno : -ENOSPC;
	}
	return 0;
}

static int real_file(struct scn_backend *be, int id, const char *name, uint64_t size, bool cached)
{
	struct real_backend *rb = to_real(be);
	struct real_obj *o = obj(rb, id);
	int err;

	changed(rb);
	o->path = g_strdup_printf("%s/%s", rb->dir, name);
	o->fd = open(o->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	err = o->fd < 0 ? -errno : 0;
	if (!err) {
		o->kind = OBJ_FILE;
		err = fill(o->fd, size);
		rb->setup_pages += (size + 4095) / 4096;
	}
	/* clean either way; cached=all keeps the order-0 pages write() left */
	if (!err && fdatasync(o->fd))
		err = -errno;
	if (err) { /* the file is the backend's set-up, not the scenario's claim */
		if (!rb->failure)
			rb->failure = g_strdup_printf("cannot create file %s (%s): %s", name, o->path,
						      g_strerror(-err));
		return err;
	}
	if (!cached)
		posix_fadvise(o->fd, 0, 0, POSIX_FADV_DONTNEED);
	return 0;
}

static int real_shm_open(struct scn_backend *be, int id, const char *name, uint64_t size)
{
	struct real_backend *rb = to_real(be);
	struct real_obj *o = obj(rb, id);

	changed(rb);
	o->path = g_strdup_printf("/" SHM_PREFIX "%d-%d", (int)getpid(), rb->shm_seq++);
	o->scn_name = g_strdup(name);
	note(rb, "shm %s", o->path);
	o->fd = shm_open(o->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (o->fd < 0)
		return -errno;
	o->kind = OBJ_SHM;
	return ftruncate(o->fd, (off_t)size) ? -errno : 0;
}

static int real_shm_unlink(struct scn_backend *be, const char *name)
{
	struct real_backend *rb = to_real(be);

	for (guint i = 0; i < rb->objs->len; i++) {
		struct real_obj *o = obj(rb, (int)i);

		if (o->kind == OBJ_SHM && !o->unlinked && strcmp(o->scn_name, name) == 0) {
			o->unlinked = true;
			return shm_unlink(o->path) ? -errno : 0;
		}
	}
	return -ENOENT;
}

static int real_memfd(struct scn_backend *be, int id, const char *name, uint64_t size)
{
	struct real_backend *rb = to_real(be);
	struct real_obj *o = obj(rb, id);

	changed(rb);
	o->fd = memfd_create(name, MFD_CLOEXEC);
	if (o->fd < 0)
		return -errno;
	o->kind = OBJ_MEMFD;
	return ftruncate(o->fd, (off_t)size) ? -errno : 0;
}

static int real_shmget(struct scn_backend *be, int id, uint64_t key, uint64_t size)
{
	struct real_backend *rb = to_real(be);
	struct real_obj *o = obj(rb, id);

	changed(rb);
	o->fd = -1;
	o->key = key;
	/* the scenario's key finds the segment an earlier shmget made, as the kernel's would */
	for (guint i = 0; key && i < rb->objs->len; i++) {
		struct real_obj *x = obj(rb, (int)i);

		if (x != o && x->kind == OBJ_SYSV && x->key == key && !x->removed && x->shmid >= 0) {
			struct shmid_ds ds;

			if (shmctl(x->shmid, IPC_STAT, &ds))
				return -errno;
			if (size > ds.shm_segsz)
				return -EINVAL;
			o->shmid = x->shmid;
			o->kind = OBJ_SYSV;
			o->removed = false;
			return 0;
		}
	}
	o->shmid = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	if (o->shmid < 0)
		return -errno;
	o->kind = OBJ_SYSV;
	note(rb, "sysv %d", o->shmid);
	return 0;
}

static int real_shmat(struct scn_backend *be, int id, int o, unsigned prot, uint64_t at,
		      uint64_t *addr)
{
	struct real_backend *rb = to_real(be);
	struct real_cmd c = { .op = REAL_OP_SHMAT, .e = (uint64_t)obj(rb, o)->shmid };
	struct real_reply r;
	int err;

	c.a = rb->place ? rb->place : at;
	c.c = (prot & SCN_PROT_W) ? 0 : SHM_RDONLY;
	rb->place = 0;
	err = call(rb, id, &c, -1, &r);
	*addr = r.addr;
	if (!err) {
		struct shmid_ds ds;

		if (shmctl(obj(rb, o)->shmid, IPC_STAT, &ds) == 0) {
			add_range(proc(rb, id), r.addr, (ds.shm_segsz + 4095) & ~4095ull);
			nohugepage(rb, id, r.addr, (ds.shm_segsz + 4095) & ~4095ull);
		}
	}
	return err;
}

static int real_shmdt(struct scn_backend *be, int id, uint64_t addr)
{
	return simple(to_real(be), id, REAL_OP_SHMDT, addr, 0, 0);
}

static int real_shmctl_rmid(struct scn_backend *be, int id)
{
	struct real_backend *rb = to_real(be);
	struct real_obj *o = obj(rb, id);

	changed(rb);
	if (o->removed)
		return -EINVAL;
	if (shmctl(o->shmid, IPC_RMID, NULL))
		return -errno;
	for (guint i = 0; i < rb->objs->len; i++) {
		struct real_obj *x = obj(rb, (int)i);

		if (x->kind == OBJ_SYSV && x->shmid == o->shmid)
			x->removed = true;
	}
	return 0;
}

static int real_ftruncate(struct scn_backend *be, int id, uint64_t size)
{
	changed(to_real(be));
	return ftruncate(obj(to_real(be), id)->fd, (off_t)size) ? -errno : 0;
}

static int real_pwrite(struct scn_backend *be, int id, uint64_t pos, uint64_t value)
{
	uint64_t before = swap_io_now();
	int err;

	changed(to_real(be));
	err = pwrite(obj(to_real(be), id)->fd, &value, 8, (off_t)pos) == 8 ? 0 : -errno;
	own_swap_io(to_real(be), before); /* a tmpfs page may come back from swap */
	return err;
}

static int real_pread(struct scn_backend *be, int id, uint64_t pos, uint64_t *value, bool *eof)
{
	uint64_t v = 0, before = swap_io_now();
	ssize_t n;

	changed(to_real(be));
	n = pread(obj(to_real(be), id)->fd, &v, 8, (off_t)pos);
	own_swap_io(to_real(be), before);
	if (n < 0)
		return -errno;
	*value = v;
	*eof = n == 0;
	return 0;
}

static int real_fsync(struct scn_backend *be, int id)
{
	changed(to_real(be));
	return fsync(obj(to_real(be), id)->fd) ? -errno : 0;
}

static int real_fadvise(struct scn_backend *be, int id, uint64_t pos, uint64_t len, bool willneed)
{
	uint64_t before = swap_io_now();
	int err;

	changed(to_real(be));
	err = -posix_fadvise(obj(to_real(be), id)->fd, (off_t)pos, (off_t)len,
			     willneed ? POSIX_FADV_WILLNEED : POSIX_FADV_DONTNEED);
	own_swap_io(to_real(be), before);
	return err;
}

/* Read one meminfo value (kB) now, after stat_refresh; 0 if missing. */
static void refresh(struct real_backend *rb);
static uint64_t meminfo_now(struct real_backend *rb, const char *key)
{
	rb->sys_valid = false; /* read again, and again by the next reader: nothing changed */
	refresh(rb);
	rb->sys_valid = false;
	return (uint64_t)(uintptr_t)g_hash_table_lookup(rb->meminfo, key);
}

/* Wait (at most 10 s) until meminfo Writeback is back to its value at the start. */
static void wait_writeback(struct real_backend *rb)
{
	for (int i = 0; i < 10000; i++) {
		struct timespec ms = { 0, 1000000 };

		if (meminfo_now(rb, "Writeback") <= rb->writeback_start)
			break;
		nanosleep(&ms, NULL);
	}
}

/* Wait for the writeback in flight on every object and on swap (starting none). */
static int real_writeback(struct scn_backend *be)
{
	struct real_backend *rb = to_real(be);

	for (guint i = 0; i < rb->objs->len; i++) {
		struct real_obj *o = obj(rb, (int)i);

		if (o->kind != OBJ_NONE && o->kind != OBJ_SYSV && o->fd >= 0)
			sync_file_range(o->fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE);
	}
	/*
	 * Swap writes (and any writeback not tied to an object) are waited for
	 * through meminfo Writeback: back to what it was at the start, polled
	 * every millisecond for at most 10 s.
	 */
	wait_writeback(rb);
	/* the end of writeback rotates each page through the finishing CPU's batch */
	lru_drain_all();
	changed(rb);
	return 0;
}

void real_backend_set_victims(struct scn_backend *be, const struct real_victim *v, size_t n)
{
	struct real_backend *rb = to_real(be);

	g_array_set_size(rb->victims, 0);
	g_array_append_vals(rb->victims, v, (guint)n);
}

/*
 * Replay the simulator's victims: the real kernel's own reclaim would pick
 * by its LRU lists, which no one can steer, and would need real memory
 * pressure. MADV_PAGEOUT takes the same path for one page (shrink_page_list:
 * swap-out, unmap, shadow entry). The count is of pages asked for.
 */
static uint64_t real_reclaim(struct scn_backend *be, uint64_t nr, bool anon, bool file)
{
	struct real_backend *rb = to_real(be);
	uint64_t done = 0;

	for (guint i = 0; i < rb->victims->len; i++) {
		struct real_victim *v = &g_array_index(rb->victims, struct real_victim, i);

		if (v->proc >= 0) {
			struct real_cmd c = { .op = REAL_OP_MADVISE, .a = v->addr, .b = 4096,
					      .c = MADV_PAGEOUT };
			struct real_reply r;

			done += call(rb, v->proc, &c, -1, &r) == 0;
		} else if (obj(rb, v->obj)->kind == OBJ_FILE) {
			changed(rb);
			done += posix_fadvise(obj(rb, v->obj)->fd, (off_t)(v->index * 4096), 4096,
					      POSIX_FADV_DONTNEED) == 0;
		}
	}
	g_array_set_size(rb->victims, 0);
	(void)nr, (void)anon, (void)file;
	return done;
}

/* ---- observations --------------------------------------------------------- */

static void real_observe_page(struct scn_backend *be, int id, uint64_t addr,
			      struct scn_page_obs *obs)
{
	struct real_backend *rb = to_real(be);
	struct real_proc *p = proc(rb, id);
	uint64_t pm = 0;
	unsigned w = 0;
	struct real_cmd c = { .op = REAL_OP_MINCORE, .a = addr };
	struct real_reply r;

	memset(obs, 0, sizeof(*obs));
	obs->unknown = SCN_W_WRITABLE | SCN_W_READONLY | SCN_W_DIRTY | SCN_W_CLEAN;
	if (!p->alive || pread(p->pagemap, &pm, 8, (off_t)(addr / 4096 * 8)) != 8) {
		obs->words = SCN_W_NONE | SCN_W_NONRESIDENT;
		return;
	}
	if (pm & PM_PRESENT) {
		w |= SCN_W_PRESENT;
		obs->has_frame = true;
		obs->frame = pm & PM_PFN_MASK;
		if (obs->frame == rb->zero_pfn)
			w |= SCN_W_ZERO;
		w |= (pm & PM_EXCLUSIVE) ? SCN_W_EXCLUSIVE : SCN_W_SHARED;
		w |= (pm & PM_FILE) ? SCN_W_FILE : SCN_W_ANON;
	} else if (pm & PM_SWAP) {
		w |= SCN_W_SWAPPED;
	} else {
		w |= SCN_W_NONE;
	}
	call(rb, id, &c, -1, &r);
	w |= !r.err && r.v ? SCN_W_RESIDENT : SCN_W_NONRESIDENT;
	obs->words = w;
}

static void real_observe_faults(struct scn_backend *be, int id, uint64_t *minor, uint64_t *major)
{
	struct real_proc *p = proc(to_real(be), id);

	*minor = p->minflt;
	*major = p->majflt;
}

static bool real_observe_alive(struct scn_backend *be, int id)
{
	return proc(to_real(be), id)->alive;
}

/* Read /proc/PID/@file fully (NULL if it cannot be read). */
static char *read_proc(pid_t pid, const char *file)
{
	char path[64], *text = NULL;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	return text;
}

/*
 * rss of the scenario's mappings only: /proc/PID/status counts the worker's
 * own code and heap too, so the counters are summed from smaps over the
 * VMAs the scenario made (anon: Anonymous; file and shmem: the rest of Rss,
 * by the VMA's backing; swap: Swap of private VMAs, as VmSwap counts PTEs).
 */
/*
 * Is line @l of smaps a VMA's first line, "START-END perms ..."? Parsed by
 * hand: sscanf() measures the whole rest of the text at every call.
 */
static bool vma_header(const char *l, unsigned long *s, unsigned long *e)
{
	char *end;

	if (!g_ascii_isxdigit(*l))
		return false;
	*s = strtoul(l, &end, 16);
	if (*end != '-' || !g_ascii_isxdigit(end[1]))
		return false;
	*e = strtoul(end + 1, &end, 16);
	return *end == ' ';
}

/* Process @p's smaps, read once per state (a point reads it for every mapping and key). */
static const char *smaps_of(struct real_backend *rb, struct real_proc *p)
{
	if (!p->alive)
		return NULL;
	if (!p->smaps || p->smaps_gen != rb->gen) {
		g_free(p->smaps);
		p->smaps = read_proc(p->pid, "smaps");
		p->smaps_gen = rb->gen;
	}
	return p->smaps;
}

static void real_observe_rss(struct scn_backend *be, int id, struct scn_rss *rss)
{
	struct real_backend *rb = to_real(be);
	struct real_proc *p = proc(rb, id);
	const char *text = smaps_of(rb, p);
	bool in = false, file = false, shared_mem = false;

	memset(rss, 0, sizeof(*rss));
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		unsigned long s, e;
		uint64_t kb;

		if (vma_header(l, &s, &e)) {
			char *path = strchr(l, '/');

			if (path && nl && path > nl)
				path = NULL;
			in = in_ranges(p, s, e);
			file = path && strncmp(path, rb->dir, strlen(rb->dir)) == 0;
			shared_mem = path && !file;
		} else if (in && strncmp(l, "Rss:", 4) == 0) {
			kb = strtoull(l + 4, NULL, 10);
			if (file)
				rss->file += kb << 10;
			else if (shared_mem)
				rss->shmem += kb << 10;
		} else if (in && strncmp(l, "Anonymous:", 10) == 0) {
			kb = strtoull(l + 10, NULL, 10) << 10;
			rss->anon += kb;
			if (file)
				rss->file -= kb;
			else if (shared_mem)
				rss->shmem -= kb;
		} else if (in && !shared_mem && strncmp(l, "Swap:", 5) == 0) {
			rss->swap += strtoull(l + 5, NULL, 10) << 10;
		}
		l = nl ? nl + 1 : NULL;
	}
}

static int real_observe_smaps(struct scn_backend *be, int id, uint64_t start, uint64_t end,
			      const char *key, uint64_t *bytes)
{
	struct real_proc *p = proc(to_real(be), id);
	const char *text = smaps_of(to_real(be), p);
	bool in = false;
	size_t n = strlen(key);

	*bytes = 0;
	if (!scn_sim_knows_smaps(key))
		return -1;
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		unsigned long s, e;

		if (vma_header(l, &s, &e))
			in = s < end && e > start;
		else if (in && strncmp(l, key, n) == 0 && l[n] == ':')
			*bytes += strtoull(l + n + 1, NULL, 10) << 10;
		l = nl ? nl + 1 : NULL;
	}
	return 0;
}

static void refresh(struct real_backend *rb)
{
	g_autofree char *mi = NULL, *vm = NULL;
	int fd;

	if (rb->sys_valid)
		return;
	lru_drain_all();
	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0) {
			/* EINVAL when a counter is negative: the values are still refreshed */
		}
		close(fd);
	}
	g_hash_table_remove_all(rb->meminfo);
	g_hash_table_remove_all(rb->vmstat);
	g_file_get_contents("/proc/meminfo", &mi, NULL, NULL);
	g_file_get_contents("/proc/vmstat", &vm, NULL, NULL);
	for (char *l = mi; l && *l;) {
		char *nl = strchr(l, '\n'), *colon = strchr(l, ':');

		if (colon && (!nl || colon < nl))
			g_hash_table_insert(rb->meminfo, g_strndup(l, (gsize)(colon - l)),
					    (gpointer)(uintptr_t)strtoull(colon + 1, NULL, 10));
		l = nl ? nl + 1 : NULL;
	}
	for (char *l = vm; l && *l;) {
		char *nl = strchr(l, '\n'), *sp = strchr(l, ' ');

		if (sp && (!nl || sp < nl))
			g_hash_table_insert(rb->vmstat, g_strndup(l, (gsize)(sp - l)),
					    (gpointer)(uintptr_t)strtoull(sp + 1, NULL, 10));
		l = nl ? nl + 1 : NULL;
	}
	rb->sys_valid = true;
}

void real_backend_set_meminfo_base(struct scn_backend *be, const char *key, uint64_t base)
{
	g_hash_table_insert(to_real(be)->mi_base, g_strdup(key), (gpointer)(uintptr_t)base);
}

/* The simulator's value at the start plus the real change since. */
static int real_observe_meminfo(struct scn_backend *be, const char *key, uint64_t *bytes)
{
	struct real_backend *rb = to_real(be);
	gpointer now, start;

	refresh(rb);
	if (!g_hash_table_lookup_extended(rb->meminfo, key, NULL, &now) ||
	    !g_hash_table_lookup_extended(rb->mi_start, key, NULL, &start))
		return -1;
	*bytes = (uint64_t)(uintptr_t)g_hash_table_lookup(rb->mi_base, key) +
		 (((uint64_t)(uintptr_t)now - (uint64_t)(uintptr_t)start) << 10);
	return 0;
}

static int real_observe_vmstat(struct scn_backend *be, const char *key, int64_t *value)
{
	struct real_backend *rb = to_real(be);
	gpointer v;

	refresh(rb);
	if (!g_hash_table_lookup_extended(rb->vmstat, key, NULL, &v))
		return -1;
	*value = (int64_t)(uintptr_t)v;
	return 0;
}

void real_backend_noise(struct scn_backend *be, struct real_noise *n)
{
	struct real_backend *rb = to_real(be);
	uint64_t ours = rb->sigbus, pgfault, io;

	refresh(rb);
	pgfault = (uint64_t)(uintptr_t)g_hash_table_lookup(rb->vmstat, "pgfault");
	/* the scenario's faults: the workers' bracketed counts, gone ones included */
	for (guint i = 0; i < rb->procs->len; i++)
		if (proc(rb, (int)i)->pid > 0)
			ours += proc(rb, (int)i)->minflt + proc(rb, (int)i)->majflt;
	n->faults = pgfault - rb->pgfault_start > ours ? pgfault - rb->pgfault_start - ours : 0;
	n->setup_pages = rb->setup_pages;
	n->caches_dropped = (uint64_t)(uintptr_t)g_hash_table_lookup(rb->vmstat, "drop_pagecache") -
			    rb->drop_start;
	io = swap_io_now() - rb->swap_io_start;
	n->swap_io = io > rb->swap_io_own ? io - rb->swap_io_own : 0;
}

int real_backend_lost_worker(struct scn_backend *be)
{
	struct real_backend *rb = to_real(be);

	for (guint i = 0; i < rb->procs->len; i++) {
		struct real_proc *p = proc(rb, (int)i);

		if (p->alive && p->pidfd >= 0) {
			struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };

			if (poll(&pfd, 1, 0) == 1)
				lose(rb, (int)i);
		}
	}
	return rb->lost;
}

/* Slots in use on the run's device (/proc/swaps, kB), in pages; 0 without one. */
static uint64_t swap_used(struct real_backend *rb)
{
	g_autofree char *text = NULL;
	size_t n = strlen(rb->swap_path);

	if (!rb->swap_on || !g_file_get_contents("/proc/swaps", &text, NULL, NULL))
		return 0;
	for (char *l = text; l && *l;) {
		char *nl = strchr(l, '\n');

		if (strncmp(l, rb->swap_path, n) == 0 && (l[n] == ' ' || l[n] == '\t')) {
			unsigned long long size = 0, used = 0;

			if (sscanf(l + n, " %*s %llu %llu", &size, &used) == 2)
				return used / 4;
		}
		l = nl ? nl + 1 : NULL;
	}
	return 0;
}

/*
 * used: the slots taken on the run's own device (exact: nothing else
 * swaps to it). cached: meminfo SwapCached since swapon, in pages
 * (machine-wide: the run's device takes every new slot, having the highest
 * priority, so only a swap-in from another device could move it).
 */
static void real_observe_swap(struct scn_backend *be, uint64_t *used, uint64_t *cached)
{
	struct real_backend *rb = to_real(be);
	uint64_t now;

	*used = swap_used(rb);
	refresh(rb);
	now = (uint64_t)(uintptr_t)g_hash_table_lookup(rb->meminfo, "SwapCached");
	*cached = rb->swap_on && now > rb->swapcached_start ? (now - rb->swapcached_start) / 4 : 0;
}

/* The swap header mkswap writes: version 1, the last usable page, no bad pages. */
static int write_swap_header(int fd, uint64_t pages)
{
	static char page[4096];
	uint32_t v[3] = { 1, (uint32_t)pages, 0 };

	memset(page, 0, sizeof(page));
	memcpy(page + 1024, v, sizeof(v));
	memcpy(page + 1024 + 12 + 16, "mmsim-check", 11); /* the label, after the uuid */
	memcpy(page + 4096 - 10, "SWAPSPACE2", 10);
	if (pwrite(fd, page, sizeof(page), 0) != sizeof(page) || fsync(fd))
		return -errno;
	return 0;
}

/*
 * The first swap readahead window after a major fault depends on global
 * state that earlier swap-ins on the machine left (swapin_readahead_hits,
 * last_readahead_pages, prev_offset in mm/swap_state.c). The simulator
 * starts as a fresh boot does: 4 hits, so its first window is full. Give
 * the real kernel the same: 64 pages of our own are swapped out and read
 * back in order until, after the last major fault, 3 pages it read ahead
 * were hit (mincore tells a page in the swap cache from one on the device):
 * 3 hits or more make the next window 8 (pages = hits + 2, rounded up to a
 * power of two, at most 2^page-cluster), so the first fault of the scenario
 * reads a full window on both sides. The 64 slots are given back; where the
 * scenario's slots start moves by a multiple of 8, so they keep their place
 * in the 8-slot blocks.
 * Measured in docs/divergences.md ("swap readahead window").
 */
static void prime_swap_readahead(struct real_backend *rb)
{
	const size_t n = 64, len = n * 4096;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);

	if (p == MAP_FAILED)
		return;
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < n; i++)
		p[i * 4096] = 1; /* not zero: a zero page is not written */
	for (int round = 0; round < 2; round++) {
		/* the second pageout drops the clean swap-cache copies without I/O */
		lru_drain_all();
		madvise((void *)p, len, MADV_PAGEOUT);
		wait_writeback(rb);
		lru_drain_all();
		for (size_t i = 0; round == 0 && i < n; i++)
			(void)p[i * 4096];
	}
	for (size_t i = 0, hits = 0; i < n && hits < 3; i++) {
		unsigned char vec[64];

		if (mincore((void *)p, len, vec))
			break;
		hits = vec[i] & 1 ? hits + 1 : 0; /* read ahead: a hit; else a major fault */
		(void)p[i * 4096];
	}
	munmap((void *)p, len);
	/* none of this is the scenario's */
	changed(rb);
	refresh(rb);
	rb->pgfault_start = (uint64_t)(uintptr_t)g_hash_table_lookup(rb->vmstat, "pgfault");
	rb->swap_io_start = swap_io_now();
	rb->swapcached_start = meminfo_now(rb, "SwapCached");
}

int real_backend_swap_on(struct scn_backend *be, uint64_t pages, bool zram, char **why,
			 char **others)
{
	struct real_backend *rb = to_real(be);
	g_autofree char *swaps = NULL;
	int fd, err, flags = SWAP_FLAG_PREFER | (32767 & SWAP_FLAG_PRIO_MASK);

	/*
	 * Room for others: any swap-out goes to the highest-priority device,
	 * ours. Measured here: the kernel's DAMON pages out about 20 idle
	 * pages of other processes every 5 s while swap exists; on a device of
	 * exactly the scenario's size that could leave a tmpfs writeout of the
	 * scenario without a slot.
	 */
	pages += REAL_SWAP_SPARE;

	*others = NULL;
	if (g_file_get_contents("/proc/swaps", &swaps, NULL, NULL)) {
		char *nl = strchr(swaps, '\n');

		if (nl && nl[1]) {
			g_strchomp(nl + 1);
			*others = g_strdelimit(g_strdup(nl + 1), "\n", ';');
		}
	}
	rb->zram = -1;
	if (zram) {
		g_autofree char *id = NULL, *p = NULL, *size = NULL;

		if (access("/sys/class/zram-control/hot_add", R_OK)) {
			*why = g_strdup("swap_device=zram, but this kernel has no zram "
					"(/sys/class/zram-control is missing: modprobe zram)");
			return -ENODEV;
		}
		if (!g_file_get_contents("/sys/class/zram-control/hot_add", &id, NULL, NULL)) {
			*why = g_strdup("cannot add a zram device (/sys/class/zram-control/hot_add)");
			return -EIO;
		}
		rb->zram = atoi(id);
		note(rb, "zram %d", rb->zram);
		snprintf(rb->swap_path, sizeof(rb->swap_path), "/dev/zram%d", rb->zram);
		p = g_strdup_printf("/sys/block/zram%d/disksize", rb->zram);
		size = g_strdup_printf("%" PRIu64, (pages + 1) * 4096);
		err = sys_write(p, size);
		if (err) {
			*why = g_strdup_printf("cannot size %s: %s", rb->swap_path, g_strerror(-err));
			return err;
		}
		fd = open(rb->swap_path, O_WRONLY | O_CLOEXEC);
	} else {
		snprintf(rb->swap_path, sizeof(rb->swap_path), "%s/swapfile", rb->dir);
		note(rb, "swapfile %s", rb->swap_path);
		fd = open(rb->swap_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			/* written out, not just fallocated: no unwritten extents under swap */
			static char zero[65536];
			uint64_t len = (pages + 1) * 4096;

			fchmod(fd, 0600);
			for (uint64_t pos = 0; pos < len; pos += sizeof(zero)) {
				size_t n = len - pos < sizeof(zero) ? (size_t)(len - pos) : sizeof(zero);

				ssize_t w = pwrite(fd, zero, n, (off_t)pos);

				if (w != (ssize_t)n) { /* short: a full disk, errno unset */
					err = w < 0 ? -errno : -ENOSPC;
					close(fd);
					*why = g_strdup_printf("cannot write %s: %s", rb->swap_path,
							       g_strerror(-err));
					return err;
				}
			}
		}
	}
	if (fd < 0) {
		err = -errno;
		*why = g_strdup_printf("cannot open %s: %s", rb->swap_path, g_strerror(errno));
		return err;
	}
	err = write_swap_header(fd, pages);
	close(fd);
	if (err) {
		*why = g_strdup_printf("cannot write the swap header of %s: %s", rb->swap_path,
				       g_strerror(-err));
		return err;
	}
	rb->swapcached_start = meminfo_now(rb, "SwapCached");
	if (rb->fail_swapon) { /* test-only, MMSIM_CHECK_FAULT=swapon */
		*why = g_strdup_printf("swapon %s: %s (injected by MMSIM_CHECK_FAULT=swapon)",
				       rb->swap_path, g_strerror(EIO));
		return -EIO;
	}
	if (swapon(rb->swap_path, flags)) {
		err = -errno;
		*why = g_strdup_printf("swapon %s: %s%s", rb->swap_path, g_strerror(errno),
				       errno == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
		return err;
	}
	rb->swap_on = true;
	changed(rb);
	if (!zram)
		prime_swap_readahead(rb);
	return 0;
}

/* What mincore says of the object's page @index, through a mapping of ours. */
static enum scn_cache_state real_observe_cache(struct scn_backend *be, int id, uint64_t index)
{
	struct real_obj *o = obj(to_real(be), id);
	struct stat st;
	unsigned char vec = 0;
	void *p;

	if (o->kind == OBJ_SYSV || o->kind == OBJ_NONE || fstat(o->fd, &st) ||
	    (uint64_t)st.st_size <= index * 4096)
		return SCN_CACHE_EMPTY;
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, o->fd, (off_t)(index * 4096));
	if (p == MAP_FAILED)
		return SCN_CACHE_EMPTY;
	mincore(p, 4096, &vec);
	munmap(p, 4096);
	if (vec & 1)
		return SCN_CACHE_PAGE;
	/*
	 * tmpfs: a swap entry in the file's slot counts as data for SEEK_DATA
	 * (mapping_seek_hole_data), a hole does not; shmem keeps no shadows.
	 */
	if ((o->kind == OBJ_SHM || o->kind == OBJ_MEMFD) &&
	    lseek(o->fd, (off_t)(index * 4096), SEEK_DATA) == (off_t)(index * 4096))
		return SCN_CACHE_SWAP;
	return SCN_CACHE_EMPTY;
}

/*
 * Value entries in object @id's page cache: shadows of evicted pages, or a
 * tmpfs file's swap entries (cachestat(2), Linux 6.5: nr_evicted); -1 when
 * the kernel cannot say or the object has no file (SysV).
 */
int64_t real_backend_evicted(struct scn_backend *be, int id)
{
	struct real_obj *o = obj(to_real(be), id);
	/* struct cachestat_range { off, len } (len 0: to the end); struct cachestat {
	 * nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted }:
	 * Debian 12's headers predate them */
	uint64_t range[2] = { 0, 0 }, cs[5] = { 0 };

	if (o->kind == OBJ_SYSV || o->kind == OBJ_NONE || o->fd < 0 ||
	    syscall(451 /* cachestat */, o->fd, range, cs, 0))
		return -1;
	return (int64_t)cs[3];
}

/* ---- set up and tear down ---------------------------------------------------- */

static void real_destroy(struct scn_backend *be)
{
	struct real_backend *rb = to_real(be);

	for (guint i = 0; i < rb->procs->len; i++) {
		struct real_proc *p = proc(rb, (int)i);

		if (p->alive)
			real_exit(be, (int)i);
	}
	cleanup(rb);
	live = NULL;
	release_lock(); /* nothing left in /tmp */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	for (guint i = 0; i < rb->procs->len; i++) {
		struct real_proc *p = proc(rb, (int)i);

		if (p->sock >= 0)
			close(p->sock);
		if (p->pagemap >= 0)
			close(p->pagemap);
		if (p->pidfd >= 0)
			close(p->pidfd);
		if (p->ranges)
			g_array_free(p->ranges, TRUE);
		g_free(p->smaps);
	}
	for (guint i = 0; i < rb->objs->len; i++) {
		struct real_obj *o = obj(rb, (int)i);

		if (o->kind != OBJ_NONE && o->kind != OBJ_SYSV && o->fd >= 0)
			close(o->fd);
		g_free(o->path);
		g_free(o->scn_name);
	}
	if (rb->manifest)
		fclose(rb->manifest);
	g_array_free(rb->procs, TRUE);
	g_array_free(rb->victims, TRUE);
	g_array_free(rb->objs, TRUE);
	g_hash_table_destroy(rb->meminfo);
	g_hash_table_destroy(rb->vmstat);
	g_hash_table_destroy(rb->mi_start);
	g_hash_table_destroy(rb->mi_base);
	g_free(rb->dir);
	g_free(rb->failure);
	g_free(rb);
}

static const struct scn_backend_ops real_ops = {
	.name = "real kernel",
	.destroy = real_destroy,
	.process = real_process,
	.fork = real_fork,
	.exit = real_exit,
	.mmap = real_mmap,
	.munmap = real_munmap,
	.mprotect = real_mprotect,
	.mremap = real_mremap,
	.madvise = real_madvise,
	.access = real_access,
	.msync = real_msync,
	.file = real_file,
	.shm_open = real_shm_open,
	.shm_unlink = real_shm_unlink,
	.memfd = real_memfd,
	.shmget = real_shmget,
	.shmat = real_shmat,
	.shmdt = real_shmdt,
	.shmctl_rmid = real_shmctl_rmid,
	.ftruncate = real_ftruncate,
	.pwrite = real_pwrite,
	.pread = real_pread,
	.fsync = real_fsync,
	.fadvise = real_fadvise,
	.writeback = real_writeback,
	.reclaim = real_reclaim,
	.observe_page = real_observe_page,
	.observe_faults = real_observe_faults,
	.observe_alive = real_observe_alive,
	.observe_rss = real_observe_rss,
	.observe_smaps = real_observe_smaps,
	.observe_meminfo = real_observe_meminfo,
	.observe_vmstat = real_observe_vmstat,
	.observe_swap = real_observe_swap,
	.observe_cache = real_observe_cache,
};

/* The shared zero page's PFN: read a fresh anonymous page and look. */
static uint64_t find_zero_pfn(void)
{
	volatile uint64_t *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t pm = 0;
	int fd;

	if (p == MAP_FAILED)
		return 0;
	(void)*p;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (pread(fd, &pm, 8, (off_t)((uintptr_t)p / 4096 * 8)) != 8)
			pm = 0;
		close(fd);
	}
	munmap((void *)p, 4096);
	return pm & PM_PFN_MASK;
}

struct scn_backend *real_backend_create(const struct scn_config *cfg, char **why)
{
	struct real_backend *rb;
	char tmpl[4200];
	g_autofree char *path = NULL;
	struct sigaction sa = { .sa_handler = on_signal };

	if (geteuid() != 0) {
		*why = g_strdup("the real side needs root: PFNs in /proc/PID/pagemap (frame sharing) "
				"and /proc/sys/vm/stat_refresh are root-only");
		return NULL;
	}
	if (live) {
		*why = g_strdup("one real run at a time per process");
		return NULL;
	}
	/*
	 * One real run at a time on the machine: two runs would share their
	 * swap devices (equal priorities take turns), the global swap readahead
	 * state and the counters. The lock goes with the process, crash or not.
	 */
	{
		int err = take_lock(); /* released by destroy, a signal or the deadline */

		if (err) {
			*why = g_strdup_printf("cannot lock " LOCK_PATH ": %s", g_strerror(-err));
			return NULL;
		}
	}
	real_backend_remove_stale();
	snprintf(tmpl, sizeof(tmpl), "%s/" DIR_PREFIX "%d-XXXXXX", run_base(), (int)getpid());
	if (!mkdtemp(tmpl)) {
		*why = g_strdup_printf("cannot create a private directory under %s: %s", run_base(),
				       g_strerror(errno));
		release_lock();
		return NULL;
	}
	rb = g_new0(struct real_backend, 1);
	rb->be.ops = &real_ops;
	rb->dir = g_strdup(tmpl);
	rb->lost = -1;
	rb->zram = -1;
	rb->procs = g_array_new(FALSE, TRUE, sizeof(struct real_proc));
	rb->victims = g_array_new(FALSE, FALSE, sizeof(struct real_victim));
	rb->objs = g_array_new(FALSE, TRUE, sizeof(struct real_obj));
	rb->meminfo = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	rb->vmstat = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	rb->mi_start = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	rb->mi_base = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	path = g_strdup_printf("%s/manifest", rb->dir);
	rb->manifest = fopen(path, "we");
	if (!rb->manifest) {
		*why = g_strdup_printf("cannot write %s: %s", path, g_strerror(errno));
		remove_dir(rb->dir);
		real_destroy(&rb->be);
		return NULL;
	}
	live = rb;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* workers whose parent worker exits come back to us, to be reaped */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	real_pin_cpu0();
	rb->zero_pfn = find_zero_pfn();
	if (!rb->zero_pfn) {
		*why = g_strdup("cannot read PFNs from /proc/self/pagemap");
		real_destroy(&rb->be);
		return NULL;
	}
	refresh(rb);
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, rb->meminfo);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_hash_table_insert(rb->mi_start, g_strdup(k), v);
	rb->pgfault_start = (uint64_t)(uintptr_t)g_hash_table_lookup(rb->vmstat, "pgfault");
	rb->drop_start = (uint64_t)(uintptr_t)g_hash_table_lookup(rb->vmstat, "drop_pagecache");
	rb->writeback_start = (uint64_t)(uintptr_t)g_hash_table_lookup(rb->meminfo, "Writeback");
	rb->swap_io_start = swap_io_now();
	(void)cfg;
	return &rb->be;
}
