// SPDX-License-Identifier: GPL-2.0
/*
 * real_worker.c - one scenario process on the real kernel (real_backend.h).
 *
 * A worker waits for a command on its socket, does it, and answers. Every
 * command that may touch scenario memory is bracketed by getrusage(), and
 * only the difference is counted as the scenario's faults: the worker's own
 * faults (its stack after fork, its code) fall outside the brackets. Before
 * the first command and after every fork the worker faults in its own code
 * and runs each bracketed path once, so those faults do not land inside.
 * SIGSEGV and SIGBUS of an access are caught (sigsetjmp) and reported with
 * the faulting address. The worker ends when told to, or when the socket
 * closes (the controller is gone).
 */
#include "real_proto.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <unistd.h>

static sigjmp_buf fault_jmp;
static volatile uint64_t fault_addr;
static uint64_t total_min, total_maj; /* the scenario's faults, summed over brackets */
static char scratch[2 * 4096] __attribute__((aligned(4096)));

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	fault_addr = (uint64_t)(uintptr_t)si->si_addr;
	siglongjmp(fault_jmp, sig);
}

/*
 * A word at any byte offset (`read m+6`): declared unaligned, so that the
 * load is defined C (one mov on x86) and UBSan has nothing to report. A
 * report from here would run the sanitizer's dying code inside a worker
 * whose SIGSEGV handler jumps back into the command loop: the ASan build of
 * `mmsim check scenarios/regress/read-unaligned-byte.scn` spun for ever.
 */
typedef uint64_t __attribute__((aligned(1))) unaligned_u64;

/* The access itself: not instrumented, so only the scenario's page is touched. */
__attribute__((no_sanitize("address"), noinline)) static void touch(uint64_t addr, bool write,
								   uint64_t *value)
{
	if (write)
		*(volatile unaligned_u64 *)(uintptr_t)addr = *value;
	else
		*value = *(volatile unaligned_u64 *)(uintptr_t)addr;
}

/* Faults in [before, after): added to the totals. */
static void count(const struct rusage *before, const struct rusage *after)
{
	total_min += (uint64_t)(after->ru_minflt - before->ru_minflt);
	total_maj += (uint64_t)(after->ru_majflt - before->ru_majflt);
}

static int do_access(const struct real_cmd *c, struct real_reply *r)
{
	struct rusage before, after;
	uint64_t value = c->b;
	int sig;

	fault_addr = 0;
	getrusage(RUSAGE_SELF, &before);
	sig = sigsetjmp(fault_jmp, 1);
	if (!sig)
		touch(c->a, c->flags & REAL_WRITE, &value);
	getrusage(RUSAGE_SELF, &after);
	if (!sig)
		count(&before, &after);
	r->sig = sig;
	r->v = value;
	r->addr = fault_addr;
	return 0;
}

/* Run @c's system call between two getrusage() calls. */
static void do_call(const struct real_cmd *c, struct real_reply *r, int fd)
{
	struct rusage before, after;
	long ret = 0;
	void *p;
	unsigned char vec = 0;

	getrusage(RUSAGE_SELF, &before);
	switch (c->op) {
	case REAL_OP_MMAP:
		p = mmap((void *)(uintptr_t)c->a, c->b, (int)c->c, (int)c->d, fd, (off_t)c->e);
		if (p == MAP_FAILED)
			ret = -errno;
		else
			r->addr = (uint64_t)(uintptr_t)p;
		break;
	case REAL_OP_MUNMAP:
		ret = munmap((void *)(uintptr_t)c->a, c->b) ? -errno : 0;
		break;
	case REAL_OP_MPROTECT:
		ret = mprotect((void *)(uintptr_t)c->a, c->b, (int)c->c) ? -errno : 0;
		break;
	case REAL_OP_MREMAP:
		p = mremap((void *)(uintptr_t)c->a, c->b, c->c, (int)c->d, (void *)(uintptr_t)c->e);
		if (p == MAP_FAILED)
			ret = -errno;
		else
			r->addr = (uint64_t)(uintptr_t)p;
		break;
	case REAL_OP_MADVISE:
		ret = madvise((void *)(uintptr_t)c->a, c->b, (int)c->c) ? -errno : 0;
		break;
	case REAL_OP_MSYNC:
		ret = msync((void *)(uintptr_t)c->a, c->b, (int)c->c) ? -errno : 0;
		break;
	case REAL_OP_SHMAT:
		p = shmat((int)c->e, (void *)(uintptr_t)c->a, (int)c->c);
		if (p == (void *)-1)
			ret = -errno;
		else
			r->addr = (uint64_t)(uintptr_t)p;
		break;
	case REAL_OP_SHMDT:
		ret = shmdt((void *)(uintptr_t)c->a) ? -errno : 0;
		break;
	case REAL_OP_MINCORE:
		ret = mincore((void *)(uintptr_t)(c->a & ~4095ull), 4096, &vec) ? -errno : 0;
		r->v = vec & 1;
		break;
	}
	getrusage(RUSAGE_SELF, &after);
	count(&before, &after);
	r->err = (int)ret;
}

/*
 * Fault in the worker's own file-backed mappings (its code and libraries).
 * No malloc here or anywhere in the worker: see release_asan_heap().
 */
static char maps_buf[1 << 16];

static void populate_self(void)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ssize_t n, len = 0;

	if (fd < 0)
		return;
	while ((n = read(fd, maps_buf + len, sizeof(maps_buf) - 1 - (size_t)len)) > 0)
		len += n;
	close(fd);
	maps_buf[len] = 0;
	for (char *line = maps_buf; line && *line;) {
		char *nl = strchr(line, '\n');
		unsigned long s, e;
		char perms[5];

		if (nl)
			*nl = 0;
		char *path = strchr(line, '/');

		/* code and libraries only, never the scenario's files or shared memory */
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3 && path && perms[0] == 'r' &&
		    perms[3] == 'p' && e - s <= (64ul << 20) && !strstr(path, "(deleted)") &&
		    strncmp(path, "/SYSV", 5) != 0 && strncmp(path, "/memfd:", 7) != 0 &&
		    strncmp(path, "/dev/", 5) != 0 && strncmp(path, "/tmp/mmsim-check-", 17) != 0)
			madvise((void *)s, e - s, MADV_POPULATE_READ);
		line = nl ? nl + 1 : NULL;
	}
}

/*
 * The simulator places mappings from 0x600000000000 up, which is where
 * AddressSanitizer keeps its heap (kAllocatorSpace) in a sanitized build.
 * The worker never allocates, so it gives that range back to the scenario.
 */
static void release_asan_heap(void)
{
#if defined(__SANITIZE_ADDRESS__)
	munmap((void *)0x600000000000ul, 0x40000000000ul);
#endif
}

/* Take every bracketed path once, on the worker's own scratch page. */
static void warm_up(void)
{
	struct real_reply r;
	struct real_cmd c = { .a = (uint64_t)(uintptr_t)scratch, .b = 4096 };
	uint64_t min = total_min, maj = total_maj;

	populate_self();
	for (int i = 0; i < 2; i++) {
		c.flags = REAL_WRITE;
		do_access(&c, &r);
		c.flags = 0;
		do_access(&c, &r);
		for (int op = REAL_OP_MMAP; op <= REAL_OP_MINCORE; op++) {
			struct real_cmd w = { .op = op, .a = 1, .b = 0, .c = 0, .d = 0, .e = 0 };

			if (op == REAL_OP_MINCORE)
				w.a = c.a;
			if (op == REAL_OP_SHMAT)
				w.e = (uint64_t)-1;
			do_call(&w, &r, -1);
		}
	}
	total_min = min;
	total_maj = maj;
}

static int recv_cmd(int sock, struct real_cmd *c, int *fd)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { c, sizeof(*c) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(*c))
		return -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return 0;
}

static void reply(int sock, struct real_reply *r)
{
	r->minflt = total_min;
	r->majflt = total_maj;
	if (send(sock, r, sizeof(*r), MSG_NOSIGNAL) != sizeof(*r))
		_exit(1);
}

void real_pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

void real_worker_main(int sock)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER };
	struct real_reply r;

	real_pin_cpu0();
	release_asan_heap();
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGINT, SIG_IGN);  /* the controller decides when workers end */
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGCHLD, SIG_IGN); /* forked workers are reaped by the kernel */
	total_min = total_maj = 0;
	warm_up();
	memset(&r, 0, sizeof(r));
	reply(sock, &r); /* ready */

	for (;;) {
		struct real_cmd c = { 0 };
		int fd;

		if (recv_cmd(sock, &c, &fd))
			_exit(0); /* the controller is gone */
		memset(&r, 0, sizeof(r));
		switch (c.op) {
		case REAL_OP_ACCESS:
			do_access(&c, &r);
			break;
		case REAL_OP_EXIT:
			_exit(0);
		case REAL_OP_FORK: {
			pid_t pid = fork();

			if (pid == 0) {
				close(sock);
				sock = fd;
				total_min = total_maj = 0;
				warm_up();
				memset(&r, 0, sizeof(r));
				reply(sock, &r);
				continue;
			}
			close(fd);
			warm_up();
			r.err = pid < 0 ? -errno : 0;
			r.v = (uint64_t)pid;
			break;
		}
		default:
			do_call(&c, &r, fd);
			if (fd >= 0)
				close(fd);
			break;
		}
		reply(sock, &r);
	}
}
