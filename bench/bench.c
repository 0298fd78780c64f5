// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - the figures mmsim must reach (DESIGN.md, "Figures it must
 * reach"), measured side by side with the real kernel in one run.
 *
 * No kernel counterpart. One program, built -O2 without sanitizers against
 * the model's sources (make bench). It prints a header with the machine,
 * then one line per figure, with the ratio where there is a real-kernel
 * counterpart:
 *
 *	first-touch write fault	sim vs real, faults/s	target >= 30x
 *	zero-page read fault	sim vs real (a')
 *	COW after fork		child writes pages its parent wrote, sim vs real
 *	COW from the zero page	read, then write (a''), sim vs real
 *	metadata per frame	sizeof(struct page) + the rest, target <= 64 B
 *	1M frames, 10M events	in one run: time, events/s, peak RSS
 *	trace listeners		events/s with tracing off and with a listener
 *	file read faults	a cached file mapped shared, fault-around of 16 pages
 *	shmem write faults	memfd, sim vs real
 *	swap-out, swap-in	MADV_PAGEOUT to a swap file, the swap cache, readahead
 *	radix tree		insert/lookup/delete vs glib's GHashTable, dense and sparse keys
 *
 * Method. The whole process is pinned to one CPU (sched_setaffinity), as
 * the real-kernel probes of reference/real-kernel-6.18.md are. Each
 * repetition measures the simulator and then the real kernel on the same
 * number of pages, so slow moments of the (virtualised, noisy) host hit
 * both; the figure is the median over the repetitions, after one warm-up
 * round that is not counted. Times are CLOCK_MONOTONIC around the access
 * loop only (mmap, madvise, fork and machine creation are outside); the
 * thread's CPU time and the involuntary context switches are reported
 * beside them, to tell a slow loop from a preempted one. Every loop's fault
 * count is checked: getrusage's ru_minflt for the real kernel, the task's
 * min_flt for the model. The memory figures run in children forked before
 * anything large is allocated, so their ru_maxrss is their own.
 *
 * The file, shmem and swap figures check the real side with mincore and
 * /proc/self/pagemap too; a real-kernel check that fails is reported on the
 * figure's last line, not fatal (the machine is shared). Their files (the
 * page-cache file, the swap file) live in a mkdtemp directory under /tmp and
 * are removed, the swap file swapped off, at the end, at exit and on
 * SIGINT/SIGTERM/SIGHUP. The swap figure holds /tmp/mmsim-check.lock, as
 * `mmsim check` does, and is skipped (with the reason) without root.
 *
 *	bench [--reps N] [--pages N] [--cpu N] [--quick]
 *	      [--sim-only write|read|zero-cow|fork-cow|file|shmem|swap]
 *	      [--only metadata,big,faults,trace,file,shmem,swap,radix]
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * The model declares the uapi mmap constants too (same values, sometimes
 * spelled differently): keep the host's under other names, then let the
 * model's headers define the usual ones.
 */
enum {
	HOST_PROT_READ = PROT_READ,
	HOST_PROT_RW = PROT_READ | PROT_WRITE,
	HOST_MAP_SHARED = MAP_SHARED,
	HOST_MAP_PRIVATE_ANON = MAP_PRIVATE | MAP_ANONYMOUS,
	HOST_MADV_NOHUGEPAGE = MADV_NOHUGEPAGE,
	HOST_MADV_PAGEOUT = MADV_PAGEOUT,
};
#undef PROT_NONE
#undef PROT_READ
#undef PROT_WRITE
#undef PROT_EXEC
#undef MAP_SHARED
#undef MAP_PRIVATE
#undef MAP_FIXED
#undef MAP_ANONYMOUS
#undef MAP_NORESERVE
#undef MAP_POPULATE
#undef MAP_FIXED_NOREPLACE
#undef MREMAP_MAYMOVE
#undef MADV_DONTNEED
#undef MADV_FREE
#undef MADV_REMOVE
#undef MADV_WILLNEED
#undef MADV_COLD
#undef MADV_PAGEOUT
#undef MADV_POPULATE_READ
#undef MADV_POPULATE_WRITE
#undef POSIX_FADV_WILLNEED
#undef POSIX_FADV_DONTNEED

#include "radix-tree.h"
#include "sim_check.h"
#include "sim_machine.h"
#include "trace_events.h"

/* ---------------------------------------------------------------- helpers */

static int opt_reps = 7;
static unsigned long opt_pages = 65536; /* 256 MiB, as the reference's anchors */
static bool opt_quick;
static const char *opt_sim_only; /* run one simulated fault loop, for a profiler */
static const char *opt_only;	 /* run these figures only (comma-separated names) */
static int opt_cpu;		 /* the CPU to pin to */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long maxrss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A "Vm...:" line of /proc/self/status, in KiB, or -1. */
static long proc_status_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t n = strlen(field);
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
	double tmp[64];

	memcpy(tmp, v, (size_t)n * sizeof(double));
	qsort(tmp, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static double vmin(const double *v, int n)
{
	double m = v[0];

	for (int i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

static double vmax(const double *v, int n)
{
	double m = v[0];

	for (int i = 1; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

/* 1234567 -> "1.23M" */
static const char *human(double x, char *buf, size_t len)
{
	if (x >= 1e9)
		snprintf(buf, len, "%.2fG", x / 1e9);
	else if (x >= 1e6)
		snprintf(buf, len, "%.2fM", x / 1e6);
	else if (x >= 1e3)
		snprintf(buf, len, "%.1fk", x / 1e3);
	else
		snprintf(buf, len, "%.0f", x);
	return buf;
}

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

/* ------------------------------------------------------- the simulated side */

static struct sim_config sim_cfg(unsigned long ram_pages)
{
	return (struct sim_config){
	    .kernel = SIM_KERNEL_6_18,
	    .ram_pages = ram_pages,
	    .swap_pages = 0,
	    .fault_around_bytes = 65536,
	    .read_ahead_bytes = 131072,
	    .page_cluster = 3,
	};
}

struct sim_env {
	struct sim_machine *m;
	struct task_struct *t;
	unsigned long base;
};

static struct sim_env sim_setup(unsigned long ram_pages, unsigned long npages)
{
	struct sim_config cfg = sim_cfg(ram_pages);
	struct sim_env e;

	e.m = sim_machine_create(&cfg);
	e.t = sim_task_create(e.m, "bench");
	if (sim_mmap(e.t, 0, npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0, &e.base))
		fail("sim_mmap failed");
	return e;
}

/*
 * One access per page of [base, base + npages pages); every one must succeed.
 * Not inlined, so a profiler can collect just this: valgrind --tool=callgrind
 * --toggle-collect=sim_touch build/bench --sim-only write.
 */
static __attribute__((noinline)) void sim_touch(struct task_struct *t, unsigned long base,
						unsigned long npages, bool write, u64 value)
{
	for (unsigned long i = 0; i < npages; i++) {
		u64 v = value + i;

		if (sim_access(t, base + i * PAGE_SIZE, write, &v))
			fail("sim_access raised a signal");
	}
}

enum fault_kind {
	FAULT_WRITE,	/* (a) first-touch write: a new zeroed page */
	FAULT_READ,	/* (a') first-touch read: the zero page */
	FAULT_ZERO_COW, /* (a'') write to a zero-page PTE */
	FAULT_FORK_COW, /* child writes a page its parent wrote before fork */
	NR_FAULT_KINDS
};

static const char *const fault_names[NR_FAULT_KINDS] = {
    [FAULT_WRITE] = "first-touch write fault (a)",
    [FAULT_READ] = "zero-page read fault (a')",
    [FAULT_ZERO_COW] = "COW from the zero page (a'')",
    [FAULT_FORK_COW] = "COW after fork, child writes",
};

/*
 * A timed loop: wall time (CLOCK_MONOTONIC, the figure), the thread's CPU
 * time (what it is when nobody else wants our CPU), the minor faults and the
 * involuntary context switches during the loop (another task took the CPU).
 */
struct timing {
	double mono, cpu;
	long faults, majfaults, nivcsw;
	double t0, c0;
	struct rusage ru0;
};

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void timing_start(struct timing *tm)
{
	getrusage(RUSAGE_SELF, &tm->ru0);
	tm->c0 = cpu_now();
	tm->t0 = now();
}

static void timing_stop(struct timing *tm)
{
	struct rusage ru;

	tm->mono = now() - tm->t0;
	tm->cpu = cpu_now() - tm->c0;
	getrusage(RUSAGE_SELF, &ru);
	tm->faults = ru.ru_minflt - tm->ru0.ru_minflt;
	tm->majfaults = ru.ru_majflt - tm->ru0.ru_majflt;
	tm->nivcsw = ru.ru_nivcsw - tm->ru0.ru_nivcsw;
}

/* Simulated faults of one kind over @npages pages; tm->faults is the model's count. */
static void sim_faults(enum fault_kind kind, unsigned long npages, struct timing *tm)
{
	struct sim_env e = sim_setup(4 * npages > 262144 ? 4 * npages : 262144, npages);
	struct task_struct *t = e.t;
	unsigned long before;

	if (kind == FAULT_ZERO_COW)
		sim_touch(t, e.base, npages, false, 0);
	if (kind == FAULT_FORK_COW) {
		sim_touch(t, e.base, npages, true, 1);
		if (sim_fork(e.t, "child", &t))
			fail("sim_fork failed");
	}
	before = t->min_flt;
	timing_start(tm);
	sim_touch(t, e.base, npages, kind != FAULT_READ, 2);
	timing_stop(tm);
	tm->faults = (long)(t->min_flt - before);
	if (tm->faults != (long)npages) {
		fprintf(stderr, "bench: sim %s: %ld faults for %lu pages\n", fault_names[kind],
			tm->faults, npages);
		exit(1);
	}
	sim_machine_destroy(e.m);
}

/* ------------------------------------------------------------ the real side */

static void real_loop(volatile char *p, unsigned long npages, bool write, char value,
		      struct timing *tm)
{
	char sink = 0;

	timing_start(tm);
	if (write)
		for (unsigned long i = 0; i < npages; i++)
			p[i * PAGE_SIZE] = value;
	else
		for (unsigned long i = 0; i < npages; i++)
			sink ^= p[i * PAGE_SIZE];
	timing_stop(tm);
	__asm__ volatile("" : : "r"(sink));
}

/* Real faults of one kind over @npages pages of a fresh mapping. */
static void real_faults(enum fault_kind kind, unsigned long npages, struct timing *tm)
{
	size_t len = npages * PAGE_SIZE;
	volatile char *p = mmap(NULL, len, HOST_PROT_RW, HOST_MAP_PRIVATE_ANON, -1, 0);
	struct timing pre;

	if (p == MAP_FAILED)
		die("mmap");
	if (madvise((void *)p, len, HOST_MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");

	switch (kind) {
	case FAULT_WRITE:
		real_loop(p, npages, true, 1, tm);
		break;
	case FAULT_READ:
		real_loop(p, npages, false, 0, tm);
		break;
	case FAULT_ZERO_COW:
		real_loop(p, npages, false, 0, &pre);
		real_loop(p, npages, true, 2, tm);
		break;
	case FAULT_FORK_COW: {
		int fds[2];
		pid_t pid;
		int status;

		real_loop(p, npages, true, 1, &pre);
		if (pipe(fds))
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) { /* the child, on the same CPU (affinity is inherited) */
			real_loop(p, npages, true, 2, tm);
			if (write(fds[1], tm, sizeof(*tm)) != sizeof(*tm))
				_exit(1);
			_exit(0);
		}
		close(fds[1]);
		if (read(fds[0], tm, sizeof(*tm)) != sizeof(*tm))
			fail("the COW child died");
		close(fds[0]);
		waitpid(pid, &status, 0);
		break;
	}
	default:
		abort();
	}
	munmap((void *)p, len);
	/* A few extra faults (the stack, the timer's vDSO page) are allowed. */
	if (tm->faults < (long)npages || tm->faults > (long)npages + 64) {
		fprintf(stderr, "bench: real %s: %ld faults for %lu pages\n", fault_names[kind],
			tm->faults, npages);
		exit(1);
	}
}

/* ---------------------------------------------------------- fault figures */

static void fault_figure(enum fault_kind kind, const char *target, double target_ratio)
{
	double sim[64], real[64], ratio[64], sim_cpu[64], real_cpu[64], ratio_cpu[64];
	char a[32], b[32], c[32], d[32];
	double ms, mr, mratio;
	int preempted = 0;
	struct timing ts, tr;

	/* One warm-up round, not counted: the first one in a process also grows the heap. */
	sim_faults(kind, opt_pages, &ts);
	real_faults(kind, opt_pages, &tr);
	for (int i = 0; i < opt_reps; i++) {
		sim_faults(kind, opt_pages, &ts);
		real_faults(kind, opt_pages, &tr);
		sim[i] = (double)opt_pages / ts.mono;
		real[i] = (double)opt_pages / tr.mono;
		ratio[i] = sim[i] / real[i];
		sim_cpu[i] = (double)opt_pages / ts.cpu;
		real_cpu[i] = (double)opt_pages / tr.cpu;
		ratio_cpu[i] = sim_cpu[i] / real_cpu[i];
		preempted += ts.nivcsw > 0 || tr.nivcsw > 0;
	}
	ms = median(sim, opt_reps);
	mr = median(real, opt_reps);
	mratio = median(ratio, opt_reps);
	printf("%-32s sim %8s/s  real %8s/s  ratio %6.1fx  (per-rep ratio %.1f..%.1f",
	       fault_names[kind], human(ms, a, sizeof(a)), human(mr, b, sizeof(b)), mratio,
	       vmin(ratio, opt_reps), vmax(ratio, opt_reps));
	if (target)
		printf("; target %s: %s)\n", target, mratio >= target_ratio ? "met" : "NOT MET");
	else
		printf(")\n");
	printf("%-32s   sim %.0f ns/fault (%s..%s/s), real %.2f us/fault (%s..%s/s)\n", "",
	       1e9 / ms, human(vmin(sim, opt_reps), a, sizeof(a)),
	       human(vmax(sim, opt_reps), b, sizeof(b)), 1e6 / mr,
	       human(vmin(real, opt_reps), c, sizeof(c)),
	       human(vmax(real, opt_reps), d, sizeof(d)));
	printf("%-32s   by CPU time: sim %.0f ns/fault, real %.2f us/fault, ratio %.1fx;"
	       " %d of %d reps were preempted\n",
	       "", 1e9 / median(sim_cpu, opt_reps), 1e6 / median(real_cpu, opt_reps),
	       median(ratio_cpu, opt_reps), preempted, opt_reps);
	fflush(stdout);
}

/* ------------------------------------------------ memory figures, in a child */

/*
 * Run @fn in a forked child (so ru_maxrss is the child's own and the heap it
 * leaves behind is not ours) and copy back what it wrote into @out.
 */
static void in_child(void (*fn)(void *out, const void *arg), const void *arg, void *out, size_t len)
{
	int fds[2];
	pid_t pid;
	int status;
	size_t got = 0;

	fflush(stdout);
	if (pipe(fds))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char *buf = calloc(1, len);

		close(fds[0]);
		fn(buf, arg);
		if (write(fds[1], buf, len) != (ssize_t)len)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	while (got < len) {
		ssize_t n = read(fds[0], (char *)out + got, len - got);

		if (n <= 0)
			fail("a measuring child died");
		got += (size_t)n;
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
}

struct meta_result {
	long rss_before_kib;	/* VmRSS before sim_machine_create */
	long maxrss_before_kib; /* ru_maxrss before */
	long maxrss_after_kib;	/* ru_maxrss after create (the peak) */
	long hwm_after_kib;	/* VmHWM after */
	double create_secs;
};

static void meta_child(void *out, const void *arg)
{
	struct meta_result *r = out;
	unsigned long frames = *(const unsigned long *)arg;
	struct sim_config cfg = sim_cfg(frames);
	struct sim_config small = sim_cfg(512);
	struct sim_machine *m;
	double t0;

	/* Fault in the code and the allocator's first pages, so they are not counted. */
	sim_machine_destroy(sim_machine_create(&small));
	r->rss_before_kib = proc_status_kib("VmRSS");
	r->maxrss_before_kib = maxrss_kib();
	t0 = now();
	m = sim_machine_create(&cfg);
	r->create_secs = now() - t0;
	r->maxrss_after_kib = maxrss_kib();
	r->hwm_after_kib = proc_status_kib("VmHWM");
	sim_machine_destroy(m);
}

static void metadata_figure(void)
{
	static const unsigned long sizes[] = {250000, 500000, 1000000};
	struct meta_result r[3];
	double per_frame, slope, other;

	for (int i = 0; i < 3; i++)
		in_child(meta_child, &sizes[i], &r[i], sizeof(r[i]));
	/* Bytes the machine added, per frame: the peak over the RSS before it. */
	per_frame = (double)(r[2].maxrss_after_kib - r[2].rss_before_kib) * 1024.0 / 1e6;
	/* The growth per frame between 250k and 1M frames: the constant part cancels. */
	slope = (double)((r[2].maxrss_after_kib - r[2].rss_before_kib) -
			 (r[0].maxrss_after_kib - r[0].rss_before_kib)) *
		1024.0 / (double)(sizes[2] - sizes[0]);
	other = per_frame - (double)sizeof(struct page);
	printf("%-32s %.2f B/frame = sizeof(struct page) %zu + %.2f other; growth per frame"
	       " 250k->1M %.2f B  (target <= 64 B: %s)\n",
	       "metadata per frame (1M frames)", per_frame, sizeof(struct page), other, slope,
	       sizeof(struct page) <= 64 && slope <= 64.5 ? "met" : "NOT MET");
	printf("%-32s   peak RSS %.1f MiB (ru_maxrss; VmHWM %.1f MiB) over %.1f MiB before"
	       " sim_machine_create (%.0f ms); 250k/500k/1M frames: +%.1f/+%.1f/+%.1f MiB\n",
	       "", r[2].maxrss_after_kib / 1024.0, r[2].hwm_after_kib / 1024.0,
	       r[2].rss_before_kib / 1024.0, r[2].create_secs * 1e3,
	       (r[0].maxrss_after_kib - r[0].rss_before_kib) / 1024.0,
	       (r[1].maxrss_after_kib - r[1].rss_before_kib) / 1024.0,
	       (r[2].maxrss_after_kib - r[2].rss_before_kib) / 1024.0);
	fflush(stdout);
}

/* ------------------------------------------- a million frames, ten million events */

#define BIG_FRAMES 1000000UL
#define BIG_PHASES 6

struct big_result {
	double secs_total; /* create + all phases + destroy */
	double secs_phase[BIG_PHASES];
	unsigned long events; /* sim_access and sim_madvise calls */
	unsigned long faults; /* the task's min_flt */
	long rss_before_kib;
	long maxrss_kib;       /* peak before the invariant check */
	long maxrss_check_kib; /* peak after it */
	bool invariants_ok;
	char why[200];
};

static const char *const big_phase_names[BIG_PHASES] = {
    "create", "1M write faults", "4M reads", "3M writes", "DONTNEED + 1M re-touch", "1M reads",
};

static void big_child(void *out, const void *arg)
{
	struct big_result *r = out;
	struct sim_env e;
	struct task_struct *t;
	unsigned long n = *(const unsigned long *)arg, ev = 0;
	double t0 = now(), tp = t0, tn;
	u64 v;

	r->rss_before_kib = proc_status_kib("VmRSS");
	e = sim_setup(n, n);
	t = e.t;
	tn = now();
	r->secs_phase[0] = tn - tp;
	tp = tn;

	/* 1M first-touch writes: every frame of RAM is used. */
	sim_touch(t, e.base, n, true, 1);
	ev += n;
	tn = now();
	r->secs_phase[1] = tn - tp;
	tp = tn;

	/* 4M reads, no faults: four passes at different offsets in each page. */
	for (unsigned pass = 0; pass < 4; pass++)
		for (unsigned long i = 0; i < n; i++)
			if (sim_access(t, e.base + i * PAGE_SIZE + pass * 8 * 64, false, &v))
				fail("read raised a signal");
	ev += 4 * n;
	tn = now();
	r->secs_phase[2] = tn - tp;
	tp = tn;

	/* 3M writes, no faults: overwrite the word written by the first touch. */
	for (unsigned pass = 0; pass < 3; pass++)
		sim_touch(t, e.base, n, true, 100 + pass);
	ev += 3 * n;
	tn = now();
	r->secs_phase[3] = tn - tp;
	tp = tn;

	/* DONTNEED 2 MiB at a time (frees every frame), re-touch each page. */
	for (unsigned long i = 0; i < n; i += 512) {
		unsigned long len = (n - i < 512 ? n - i : 512) * PAGE_SIZE;

		if (sim_madvise(t, e.base + i * PAGE_SIZE, len, MADV_DONTNEED))
			fail("sim_madvise(MADV_DONTNEED) failed");
		ev++;
	}
	sim_touch(t, e.base, n, true, 7);
	ev += n;
	tn = now();
	r->secs_phase[4] = tn - tp;
	tp = tn;

	/* 1M reads of what was just written. */
	for (unsigned long i = 0; i < n; i++) {
		if (sim_access(t, e.base + i * PAGE_SIZE, false, &v) || v != 7 + i)
			fail("a read returned the wrong value");
	}
	ev += n;
	tn = now();
	r->secs_phase[5] = tn - tp;

	r->events = ev;
	r->faults = t->min_flt;
	r->maxrss_kib = maxrss_kib();
	r->invariants_ok = sim_check_machine(e.m, r->why, sizeof(r->why));
	r->maxrss_check_kib = maxrss_kib();
	t0 = now() - t0; /* the invariant check is not timed ... */
	tp = now();
	sim_machine_destroy(e.m);
	r->secs_total = t0 + (now() - tp); /* ... the destroy is */
}

static void big_figure(void)
{
	static const unsigned long big_frames = BIG_FRAMES, small_frames = BIG_FRAMES / 4;
	struct big_result r[64], small;
	double secs[64] = {0}, rate[64] = {0}, rss[64] = {0};
	int reps = opt_quick ? 1 : (opt_reps < 5 ? opt_reps : 5);
	char a[32];
	int med;

	for (int i = 0; i < reps; i++) {
		in_child(big_child, &big_frames, &r[i], sizeof(r[i]));
		if (!r[i].invariants_ok) {
			fprintf(stderr, "bench: invariants broken after the 1M run: %s\n",
				r[i].why);
			exit(1);
		}
		secs[i] = r[i].secs_total;
		rate[i] = (double)r[i].events / r[i].secs_total;
		rss[i] = (double)r[i].maxrss_kib;
	}
	/* The same run at a quarter of the size: does memory grow linearly? */
	in_child(big_child, &small_frames, &small, sizeof(small));
	/* Report the repetition with the median total time (the lower one of two). */
	med = 0;
	for (int i = 0; i < reps; i++) {
		int rank = 0;

		for (int j = 0; j < reps; j++)
			rank += secs[j] < secs[i] || (secs[j] == secs[i] && j < i);
		if (rank == (reps - 1) / 2)
			med = i;
	}
	printf("%-32s %.2f s, %s events/s, %lu events, %lu faults, peak RSS %.0f MiB"
	       " (invariants hold; %d reps, time %.2f..%.2f s)\n",
	       "1M frames + 10M events", r[med].secs_total, human(rate[med], a, sizeof(a)),
	       r[med].events, r[med].faults, rss[med] / 1024.0, reps, vmin(secs, reps),
	       vmax(secs, reps));
	printf("%-32s  ", "");
	for (int p = 0; p < BIG_PHASES; p++)
		printf(" %s %.0f ms%s", big_phase_names[p], r[med].secs_phase[p] * 1e3,
		       p + 1 < BIG_PHASES ? ";" : "\n");
	printf("%-32s   RSS before %.1f MiB; the invariant check (untimed) raises the peak to"
	       " %.0f MiB\n",
	       "", r[med].rss_before_kib / 1024.0, r[med].maxrss_check_kib / 1024.0);
	printf("%-32s   the same at 250k frames: peak RSS %.1f MiB, %.2f s; growth 250k->1M"
	       " %.1f B per frame (struct page, page tables, the written word)\n",
	       "", small.maxrss_kib / 1024.0, small.secs_total,
	       (double)(r[med].maxrss_kib - small.maxrss_kib) * 1024.0 /
		   (double)(big_frames - small_frames));
	fflush(stdout);
}

/* ------------------------------------------------------------ trace events */

struct listener_state {
	char buf[256];
	unsigned long events;
	unsigned long bytes;
	bool format;
};

/* A stand-in for the text trace: format every event into a buffer. */
static void bench_listener(void *data, const struct sim_event *ev)
{
	struct listener_state *s = data;
	int n;

	s->events++;
	if (!s->format)
		return;
	switch (ev->type) {
	case SIM_EV_fn_enter:
	case SIM_EV_fn_exit:
		n = snprintf(s->buf, sizeof(s->buf), "%*s%s %s", ev->depth * 2, "",
			     sim_event_names[ev->type], sim_fn_names[ev->fn]);
		break;
	case SIM_EV_note:
		n = snprintf(s->buf, sizeof(s->buf), "%*s# %s", ev->depth * 2, "", ev->text);
		break;
	default:
		n = snprintf(s->buf, sizeof(s->buf),
			     "%*s%s addr=%#lx pfn=%lu old=%#llx new=%#llx arg=%ld", ev->depth * 2,
			     "", sim_event_names[ev->type], ev->addr, ev->pfn,
			     (unsigned long long)ev->old, (unsigned long long)ev->new, ev->arg);
		break;
	}
	s->bytes += (unsigned long)n;
}

enum listen_mode { LISTEN_OFF, LISTEN_COUNT, LISTEN_FORMAT, NR_LISTEN_MODES };

/*
 * A mixed workload on @npages pages: first-touch writes, reads, writes with
 * no fault, DONTNEED of the whole range, re-touch with writes. Returns the
 * model calls (sim_access, sim_madvise) per second; *events gets the trace
 * events a listener saw.
 */
static double trace_workload(enum listen_mode mode, unsigned long npages, unsigned long *events)
{
	struct sim_env e = sim_setup(4 * npages > 262144 ? 4 * npages : 262144, npages);
	struct listener_state s = {.format = mode == LISTEN_FORMAT};
	unsigned long calls = 0;
	double t0, t1;

	if (mode != LISTEN_OFF)
		sim_trace_attach(&e.m->tracer,
				 (struct sim_trace_listener){.event = bench_listener, .data = &s});
	t0 = now();
	sim_touch(e.t, e.base, npages, true, 1);
	sim_touch(e.t, e.base, npages, false, 0);
	sim_touch(e.t, e.base, npages, true, 2);
	calls += 3 * npages;
	if (sim_madvise(e.t, e.base, npages * PAGE_SIZE, MADV_DONTNEED))
		fail("sim_madvise failed");
	calls++;
	sim_touch(e.t, e.base, npages, true, 3);
	calls += npages;
	t1 = now();
	if (mode != LISTEN_OFF)
		sim_trace_detach(&e.m->tracer, &s);
	sim_machine_destroy(e.m);
	*events = s.events;
	return (double)calls / (t1 - t0);
}

static void trace_figure(void)
{
	static const char *const names[NR_LISTEN_MODES] = {
	    [LISTEN_OFF] = "tracing off",
	    [LISTEN_COUNT] = "a listener that counts",
	    [LISTEN_FORMAT] = "a listener that snprintf()s",
	};
	double rate[NR_LISTEN_MODES][64], med[NR_LISTEN_MODES];
	unsigned long events = 0, calls = 4 * opt_pages + 1;
	char a[32], b[32];

	for (int mode = 0; mode < NR_LISTEN_MODES; mode++) /* warm-up, not counted */
		trace_workload(mode, opt_pages, &events);
	for (int i = 0; i < opt_reps; i++)
		for (int mode = 0; mode < NR_LISTEN_MODES; mode++)
			rate[mode][i] = trace_workload(mode, opt_pages, &events);
	for (int mode = 0; mode < NR_LISTEN_MODES; mode++)
		med[mode] = median(rate[mode], opt_reps);
	printf("%-32s %s calls/s off, %s calls/s with a snprintf listener: %.1fx slower"
	       " (%.1f trace events per call)\n",
	       "events/s, tracing off vs on", human(med[LISTEN_OFF], a, sizeof(a)),
	       human(med[LISTEN_FORMAT], b, sizeof(b)), med[LISTEN_OFF] / med[LISTEN_FORMAT],
	       (double)events / (double)calls);
	for (int mode = 0; mode < NR_LISTEN_MODES; mode++)
		printf("%-32s   %-28s %8s calls/s = %8s trace events/s\n", "", names[mode],
		       human(med[mode], a, sizeof(a)),
		       mode == LISTEN_OFF
			   ? "-"
			   : human(med[mode] * (double)events / (double)calls, b, sizeof(b)));
	fflush(stdout);
}

/* ------------------------------------------------ files, shmem and swap */

/*
 * The real side's files live in a private directory made by mkdtemp under
 * /tmp: the page-cache file of the fault-around figure and the swap file.
 * cleanup() swaps the swap file off and removes both and the directory; it
 * runs after the swap figure, at exit (atexit) and on SIGINT, SIGTERM and
 * SIGHUP. Children inherit the handlers, so only the process that made the
 * files cleans up. It makes system calls only, so a signal handler may run it.
 */
static struct {
	pid_t owner;
	char dir[64];
	char file[96];	   /* the page-cache file, "" when there is none */
	char swapfile[96]; /* the swap file, "" when there is none */
	volatile sig_atomic_t swap_on;
} tmp;

static void say(const char *a, const char *b)
{
	if (write(2, a, strlen(a)) < 0 || write(2, b, strlen(b)) < 0 || write(2, "\n", 1) < 0)
		return;
}

static void cleanup(void)
{
	sigset_t set, old;

	if (!tmp.owner || tmp.owner != getpid())
		return;
	sigemptyset(&set); /* not run twice at once: by exit() and by a signal */
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (tmp.swap_on) {
		if (swapoff(tmp.swapfile) == 0)
			tmp.swap_on = 0;
		else
			say("bench: swapoff failed, still active: ", tmp.swapfile);
	}
	if (tmp.swapfile[0] && !tmp.swap_on) {
		unlink(tmp.swapfile);
		tmp.swapfile[0] = 0;
	}
	if (tmp.file[0]) {
		unlink(tmp.file);
		tmp.file[0] = 0;
	}
	if (tmp.dir[0] && !tmp.swapfile[0]) {
		rmdir(tmp.dir);
		tmp.dir[0] = 0;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void tmp_setup(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa = {.sa_handler = on_signal};

	snprintf(tmp.dir, sizeof(tmp.dir), "/tmp/mmsim-bench.XXXXXX");
	if (!mkdtemp(tmp.dir))
		die("mkdtemp");
	tmp.owner = getpid();
	atexit(cleanup);
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void block_signals(bool block)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

/* Pages of [p, p + npages pages) that mincore says are resident. */
static unsigned long mincore_count(volatile void *p, unsigned long npages)
{
	unsigned char *vec = malloc(npages);
	unsigned long n = 0;

	if (!vec || mincore((void *)p, npages * PAGE_SIZE, vec))
		die("mincore");
	for (unsigned long i = 0; i < npages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

/* Pages of the range that /proc/self/pagemap says are present (bit 63), swapped (bit 62). */
static void pagemap_count(volatile void *p, unsigned long npages, unsigned long *present,
			  unsigned long *swapped)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t *e = malloc(npages * sizeof(*e));
	off_t off = (off_t)((unsigned long)p / PAGE_SIZE * sizeof(*e));

	if (fd < 0 || !e ||
	    pread(fd, e, npages * sizeof(*e), off) != (ssize_t)(npages * sizeof(*e)))
		die("/proc/self/pagemap");
	*present = *swapped = 0;
	for (unsigned long i = 0; i < npages; i++) {
		*present += (e[i] >> 63) & 1;
		*swapped += (e[i] >> 62) & 1;
	}
	free(e);
	close(fd);
}

/* Global counters of /proc/vmstat, after folding the per-CPU diffs (stat_refresh). */
struct vmstat_snap {
	long pswpin, pswpout, nr_writeback;
};

static void vmstat_read(struct vmstat_snap *v)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	FILE *f;
	char name[64];
	long val;

	if (fd >= 0) {
		if (write(fd, "1", 1) < 0) { /* not root, or a counter went negative: no matter */
		}
		close(fd);
	}
	memset(v, 0, sizeof(*v));
	f = fopen("/proc/vmstat", "r");
	if (!f)
		die("/proc/vmstat");
	while (fscanf(f, "%63s %ld", name, &val) == 2) {
		if (!strcmp(name, "pswpin"))
			v->pswpin = val;
		else if (!strcmp(name, "pswpout"))
			v->pswpout = val;
		else if (!strcmp(name, "nr_writeback"))
			v->nr_writeback = val;
	}
	fclose(f);
}

/*
 * The sanity checks of a real-kernel figure. The real side is not exact
 * (other processes, per-CPU batches), so a failed check is reported on the
 * figure's last line rather than ending the bench: how many repetitions
 * failed, and the first failure.
 */
struct checks {
	int failed_reps;
	bool failed_now;
	char first[240];
};

static void __attribute__((format(printf, 3, 4)))
check(struct checks *c, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	if (!c->first[0]) {
		va_start(ap, fmt);
		vsnprintf(c->first, sizeof(c->first), fmt, ap);
		va_end(ap);
	}
	c->failed_now = true;
}

static void checks_end_rep(struct checks *c)
{
	c->failed_reps += c->failed_now;
	c->failed_now = false;
}

static void checks_print(const struct checks *c, int reps, const char *what)
{
	if (!c->failed_reps)
		printf("%-32s   real-kernel checks passed in %d of %d reps: %s\n", "", reps, reps,
		       what);
	else
		printf("%-32s   REAL-KERNEL CHECK FAILED in %d of %d reps (%s); first: %s\n", "",
		       c->failed_reps, reps, what, c->first);
}

/* A figure line: the medians of the simulator's and the kernel's rates and of their ratios. */
static void ratio_line(const char *name, const char *unit, const double *sim, const double *real,
		       int reps)
{
	double ratio[64] = {0};
	char a[32], b[32];

	for (int i = 0; i < reps; i++)
		ratio[i] = sim[i] / real[i];
	printf("%-32s sim %8s %s/s  real %8s %s/s  ratio %6.1fx  (per-rep ratio %.1f..%.1f)\n",
	       name, human(median(sim, reps), a, sizeof(a)), unit,
	       human(median(real, reps), b, sizeof(b)), unit, median(ratio, reps),
	       vmin(ratio, reps), vmax(ratio, reps));
}

static unsigned long sim_ram_for(unsigned long npages)
{
	return 4 * npages > 262144 ? 4 * npages : 262144;
}

/* ---------------------------------------- file read faults with fault-around */

#define AROUND_PAGES 16 /* fault_around_bytes = 64 KiB: the reference's measured window */

/*
 * Simulated: a file of @npages pages, every page in the page cache
 * (sim_file_create, cached), mapped MAP_SHARED|PROT_READ; one read per page.
 * The mapping is 1 GiB-aligned, so each fault maps exactly 16 pages.
 */
static void sim_file_faults(unsigned long npages, struct timing *tm)
{
	struct sim_config cfg = sim_cfg(sim_ram_for(npages));
	struct sim_machine *m = sim_machine_create(&cfg);
	struct task_struct *t = sim_task_create(m, "bench");
	unsigned long base, min0, maj0;
	struct file *file;

	if (sim_file_create(m, "bench", (u64)npages * PAGE_SIZE, true, &file))
		fail("sim_file_create failed");
	if (sim_mmap(t, 0, npages * PAGE_SIZE, PROT_READ, MAP_SHARED, file, 0, &base))
		fail("sim_mmap of the file failed");
	min0 = t->min_flt;
	maj0 = t->maj_flt;
	timing_start(tm);
	sim_touch(t, base, npages, false, 0);
	timing_stop(tm);
	tm->faults = (long)(t->min_flt - min0);
	tm->majfaults = (long)(t->maj_flt - maj0);
	if (tm->faults != (long)(npages / AROUND_PAGES) || tm->majfaults ||
	    m->vm_stat[NR_FILE_MAPPED] != (long)npages) {
		fprintf(stderr,
			"bench: sim file read: %ld minor, %ld major faults, %ld pages mapped,"
			" for %lu pages\n",
			tm->faults, tm->majfaults, m->vm_stat[NR_FILE_MAPPED], npages);
		exit(1);
	}
	sim_file_close(file);
	sim_machine_destroy(m);
}

/*
 * The real file, fdatasync'ed so that its pages are clean in the page cache.
 * Written one page per write(): ext4 on this kernel sizes a new page-cache
 * folio by the write, so the cache is order-0, like the model's, and a
 * fault maps 16 pages. (Written 1 MiB at a time, the cache is made of large
 * folios and one fault maps about 200 pages: reference §4b.)
 */
static int real_file_create(unsigned long npages)
{
	const unsigned long chunk = 1;
	char *buf = malloc(chunk * PAGE_SIZE);
	int fd;

	snprintf(tmp.file, sizeof(tmp.file), "%s/file", tmp.dir);
	fd = open(tmp.file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || !buf)
		die(tmp.file);
	memset(buf, 0x5a, chunk * PAGE_SIZE);
	for (unsigned long i = 0; i < npages; i += chunk) {
		size_t len = (npages - i < chunk ? npages - i : chunk) * PAGE_SIZE;

		if (write(fd, buf, len) != (ssize_t)len)
			die("write of the file");
	}
	if (fdatasync(fd))
		die("fdatasync");
	free(buf);
	return fd;
}

static void real_file_faults(int fd, unsigned long npages, struct timing *tm, struct checks *c)
{
	size_t len = npages * PAGE_SIZE;
	volatile char *p = mmap(NULL, len, HOST_PROT_READ, HOST_MAP_SHARED, fd, 0);
	unsigned long cached, expect = npages / AROUND_PAGES;

	if (p == MAP_FAILED)
		die("mmap of the file");
	if (madvise((void *)p, len, HOST_MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	cached = mincore_count(p, npages);
	real_loop(p, npages, false, 0, tm);
	check(c, cached == npages, "%lu of %lu pages in the page cache before the loop", cached,
	      npages);
	check(c, tm->majfaults == 0, "%ld major faults", tm->majfaults);
	/* One more fault per window when the mapping is not 64 KiB-aligned; a few extra. */
	check(c, tm->faults >= (long)expect && tm->faults <= (long)expect + 64,
	      "%ld faults for %lu pages (16 pages a fault: %lu)", tm->faults, npages, expect);
	munmap((void *)p, len);
}

static void file_figure(void)
{
	unsigned long n = opt_pages;
	double sim[64], real[64], rfaults[64], rmono[64];
	struct checks c = {0}, warm = {0};
	struct timing ts, tr;
	char a[32], b[32];
	int fd = real_file_create(n);

	sim_file_faults(n, &ts); /* warm-up, not counted */
	real_file_faults(fd, n, &tr, &warm);
	for (int i = 0; i < opt_reps; i++) {
		sim_file_faults(n, &ts);
		real_file_faults(fd, n, &tr, &c);
		checks_end_rep(&c);
		sim[i] = (double)n / ts.mono;
		real[i] = (double)n / tr.mono;
		rfaults[i] = (double)tr.faults;
		rmono[i] = (double)tr.faults / tr.mono;
	}
	ratio_line("file read fault, fault-around", "pages", sim, real, opt_reps);
	printf("%-32s   faults/s: sim %s, real %s; pages per fault: sim %lu.0, real %.1f"
	       " (median); sim %.0f ns per page, real %.2f us per fault\n",
	       "", human(median(sim, opt_reps) / AROUND_PAGES, a, sizeof(a)),
	       human(median(rmono, opt_reps), b, sizeof(b)), (unsigned long)AROUND_PAGES,
	       (double)n / median(rfaults, opt_reps), 1e9 / median(sim, opt_reps),
	       1e6 / median(rmono, opt_reps));
	checks_print(&c, opt_reps, "no major fault, N/16..N/16+64 faults, mincore: all cached");
	close(fd);
	unlink(tmp.file);
	tmp.file[0] = 0;
	fflush(stdout);
}

/* --------------------------------------------------------- shmem write faults */

/* Simulated: memfd_create, ftruncate, mmap MAP_SHARED, one write per page. */
static void sim_shmem_faults(unsigned long npages, struct timing *tm)
{
	struct sim_config cfg = sim_cfg(sim_ram_for(npages));
	struct sim_machine *m = sim_machine_create(&cfg);
	struct task_struct *t = sim_task_create(m, "bench");
	unsigned long base, min0, maj0;
	struct file *file;

	if (sim_memfd_create(m, "bench", &file) || sim_ftruncate(file, (u64)npages * PAGE_SIZE))
		fail("sim_memfd_create failed");
	if (sim_mmap(t, 0, npages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0, &base))
		fail("sim_mmap of the memfd failed");
	min0 = t->min_flt;
	maj0 = t->maj_flt;
	timing_start(tm);
	sim_touch(t, base, npages, true, 1);
	timing_stop(tm);
	tm->faults = (long)(t->min_flt - min0);
	tm->majfaults = (long)(t->maj_flt - maj0);
	if (tm->faults != (long)npages || tm->majfaults || m->vm_stat[NR_SHMEM] != (long)npages) {
		fprintf(stderr,
			"bench: sim shmem write: %ld minor, %ld major faults, nr_shmem %ld,"
			" for %lu pages\n",
			tm->faults, tm->majfaults, m->vm_stat[NR_SHMEM], npages);
		exit(1);
	}
	sim_file_close(file);
	sim_machine_destroy(m);
}

static void real_shmem_faults(unsigned long npages, struct timing *tm, struct checks *c)
{
	size_t len = npages * PAGE_SIZE;
	int fd = memfd_create("mmsim-bench", MFD_CLOEXEC);
	volatile char *p;
	unsigned long resident;

	if (fd < 0 || ftruncate(fd, (off_t)len))
		die("memfd_create");
	p = mmap(NULL, len, HOST_PROT_RW, HOST_MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap of the memfd");
	if (madvise((void *)p, len, HOST_MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	real_loop(p, npages, true, 1, tm);
	resident = mincore_count(p, npages);
	check(c, tm->faults >= (long)npages && tm->faults <= (long)npages + 64 && !tm->majfaults,
	      "%ld minor, %ld major faults for %lu pages", tm->faults, tm->majfaults, npages);
	check(c, resident == npages, "mincore: %lu of %lu pages resident", resident, npages);
	munmap((void *)p, len);
	close(fd);
}

static void shmem_figure(void)
{
	unsigned long n = opt_pages;
	double sim[64], real[64];
	struct checks c = {0}, warm = {0};
	struct timing ts, tr;

	sim_shmem_faults(n, &ts); /* warm-up, not counted */
	real_shmem_faults(n, &tr, &warm);
	for (int i = 0; i < opt_reps; i++) {
		sim_shmem_faults(n, &ts);
		real_shmem_faults(n, &tr, &c);
		checks_end_rep(&c);
		sim[i] = (double)n / ts.mono;
		real[i] = (double)n / tr.mono;
	}
	ratio_line("shmem write fault (memfd)", "faults", sim, real, opt_reps);
	printf("%-32s   sim %.0f ns/fault, real %.2f us/fault\n", "", 1e9 / median(sim, opt_reps),
	       1e6 / median(real, opt_reps));
	checks_print(&c, opt_reps, "N..N+64 minor faults, no major, mincore: all resident");
	fflush(stdout);
}

/* ------------------------------------------------------ swap-out and swap-in */

/*
 * One round of the swap figure, on either side: @n dirty anonymous pages
 * are paged out with MADV_PAGEOUT (written to swap, left in the swap cache
 * under writeback), read back once (minor faults from the swap cache), paged
 * out again (clean swap-cache pages: dropped, no I/O) and read back in order
 * (major faults, with swap readahead).
 */
struct swap_round {
	double out, minor, drop, in;	/* seconds of each timed step */
	long in_major, in_minor;	/* the faults of the swap-in loop */
	long pswpout, pswpout2, pswpin; /* during the first pageout, the second, the swap-in */
	unsigned long left_cached;	/* real: pages still resident after the second pageout */
	double wb_wait;			/* real: seconds until nr_writeback came back to 0 */
};

static void sim_swap_round(unsigned long n, struct swap_round *r)
{
	struct sim_config cfg = sim_cfg(sim_ram_for(n));
	struct sim_env e;
	struct task_struct *t;
	struct sim_machine *m;
	size_t len = n * PAGE_SIZE;
	long out0, in0;
	unsigned long min0, maj0;
	struct timing tm;

	cfg.swap_pages = 4 * n; /* a disk, VMA-based readahead, page_cluster 3 */
	e.m = m = sim_machine_create(&cfg);
	e.t = t = sim_task_create(m, "bench");
	if (sim_mmap(t, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0,
		     &e.base))
		fail("sim_mmap failed");
	sim_touch(t, e.base, n, true, 1); /* non-zero words: written to swap, not zeromapped */

	out0 = m->vm_stat[PSWPOUT];
	timing_start(&tm);
	if (sim_madvise(t, e.base, len, MADV_PAGEOUT))
		fail("sim_madvise(MADV_PAGEOUT) failed");
	timing_stop(&tm);
	r->out = tm.mono;
	r->pswpout = m->vm_stat[PSWPOUT] - out0;
	if (r->pswpout != (long)n || m->vm_stat[NR_WRITEBACK] != (long)n)
		fail("sim: MADV_PAGEOUT did not write every page");
	if (sim_writeback_all(m) != n) /* the disk's writes complete */
		fail("sim: writeback did not complete every page");

	min0 = t->min_flt;
	maj0 = t->maj_flt;
	timing_start(&tm);
	sim_touch(t, e.base, n, false, 0);
	timing_stop(&tm);
	r->minor = tm.mono;
	if (t->min_flt - min0 != n || t->maj_flt != maj0)
		fail("sim: the re-read after pageout was not all swap-cache minor faults");

	out0 = m->vm_stat[PSWPOUT];
	timing_start(&tm);
	if (sim_madvise(t, e.base, len, MADV_PAGEOUT))
		fail("sim_madvise(MADV_PAGEOUT) failed");
	timing_stop(&tm);
	r->drop = tm.mono;
	r->pswpout2 = m->vm_stat[PSWPOUT] - out0;
	r->left_cached = (unsigned long)m->vm_stat[NR_SWAPCACHE];
	if (r->pswpout2 || r->left_cached || m->vm_stat[NR_ANON_MAPPED])
		fail("sim: the second MADV_PAGEOUT did not drop every clean page");

	min0 = t->min_flt;
	maj0 = t->maj_flt;
	in0 = m->vm_stat[PSWPIN];
	timing_start(&tm);
	sim_touch(t, e.base, n, false, 0);
	timing_stop(&tm);
	r->in = tm.mono;
	r->in_major = (long)(t->maj_flt - maj0);
	r->in_minor = (long)(t->min_flt - min0);
	r->pswpin = m->vm_stat[PSWPIN] - in0;
	if (r->in_major + r->in_minor != (long)n || r->pswpin != (long)n || !r->in_major)
		fail("sim: the swap-in did not read every page");
	for (unsigned long i = 0; i < n; i++) {
		u64 v;

		if (sim_access(t, e.base + i * PAGE_SIZE, false, &v) || v != 1 + i)
			fail("sim: a page came back from swap with the wrong value");
	}
	sim_machine_destroy(m);
}

static void real_swap_round(unsigned long n, struct swap_round *r, struct checks *c)
{
	size_t len = n * PAGE_SIZE;
	volatile char *p = mmap(NULL, len, HOST_PROT_RW, HOST_MAP_PRIVATE_ANON, -1, 0);
	struct vmstat_snap v0, v1, v2, v3;
	unsigned long present, swapped, wrong = 0;
	struct timing tm;
	double t0;

	if (p == MAP_FAILED)
		die("mmap");
	if (madvise((void *)p, len, HOST_MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	for (unsigned long i = 0; i < n; i++)
		p[i * PAGE_SIZE] = (char)(i | 1); /* not a page of zeroes: it is written */

	vmstat_read(&v0);
	timing_start(&tm);
	if (madvise((void *)p, len, HOST_MADV_PAGEOUT))
		die("madvise(MADV_PAGEOUT)");
	timing_stop(&tm);
	r->out = tm.mono;
	pagemap_count(p, n, &present, &swapped);
	check(c, swapped == n && !present, "after MADV_PAGEOUT %lu pages swapped, %lu present",
	      swapped, present);
	/* Wait for the writes to finish (the swap cache keeps the pages meanwhile). */
	t0 = now();
	do
		vmstat_read(&v1);
	while (v1.nr_writeback > 0 && now() - t0 < 2.0 && usleep(200) == 0);
	r->wb_wait = now() - t0;
	check(c, v1.nr_writeback <= 0, "nr_writeback still %ld after 2 s", v1.nr_writeback);
	r->pswpout = v1.pswpout - v0.pswpout;
	/* Not exact: another process may page out to the same device meanwhile. */
	check(c, r->pswpout >= (long)n, "pswpout +%ld for %lu pages", r->pswpout, n);

	timing_start(&tm);
	real_loop(p, n, false, 0, &tm);
	r->minor = tm.mono;
	check(c, !tm.majfaults && tm.faults >= (long)n && tm.faults <= (long)n + 64,
	      "re-read from the swap cache: %ld minor, %ld major faults for %lu pages", tm.faults,
	      tm.majfaults, n);

	vmstat_read(&v1);
	timing_start(&tm);
	if (madvise((void *)p, len, HOST_MADV_PAGEOUT))
		die("madvise(MADV_PAGEOUT)");
	timing_stop(&tm);
	r->drop = tm.mono;
	vmstat_read(&v2);
	r->pswpout2 = v2.pswpout - v1.pswpout;
	pagemap_count(p, n, &present, &swapped);
	check(c, swapped == n && !present, "after the 2nd MADV_PAGEOUT %lu swapped, %lu present",
	      swapped, present);
	r->left_cached = mincore_count(p, n);

	real_loop(p, n, false, 0, &tm);
	r->in = tm.mono;
	r->in_major = tm.majfaults;
	r->in_minor = tm.faults;
	vmstat_read(&v3);
	r->pswpin = v3.pswpin - v2.pswpin;
	for (unsigned long i = 0; i < n; i++)
		wrong += p[i * PAGE_SIZE] != (char)(i | 1);
	pagemap_count(p, n, &present, &swapped);
	check(c, !wrong && present == n, "after the swap-in %lu pages present, %lu wrong", present,
	      wrong);
	check(c,
	      tm.majfaults + tm.faults >= (long)n && tm.majfaults + tm.faults <= (long)n + 64 &&
		  tm.majfaults >= (long)(n / 64) && tm.majfaults <= (long)n,
	      "swap-in: %ld major + %ld minor faults for %lu pages", tm.majfaults, tm.faults, n);
	check(c, r->pswpin + (long)r->left_cached >= (long)n,
	      "pswpin +%ld, %lu left cached, for %lu", r->pswpin, r->left_cached, n);
	munmap((void *)p, len);
}

/* Swap areas in /proc/swaps other than ours. */
static int other_swap_devices(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[512];
	int n = -1; /* the header line */

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += !tmp.swapfile[0] || strncmp(line, tmp.swapfile, strlen(tmp.swapfile));
	fclose(f);
	return n;
}

/* Run a program quietly; its exit status, or -1. */
static int run_quiet(const char *const *paths, const char *arg1)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		for (int i = 0; paths[i]; i++)
			execl(paths[i], paths[i], arg1, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * The swap file: @slots pages of zeroes written out (a file with holes is
 * refused), mode 0600, mkswap, then swapon at priority 32767. Returns false
 * with the reason when it cannot be made.
 */
static bool swap_setup(unsigned long slots, char *why, size_t len)
{
	static const char *const mkswap[] = {"/usr/sbin/mkswap", "/sbin/mkswap", NULL};
	const size_t chunk = 1 << 20;
	char *zeroes;
	int fd, rc;

	if (geteuid() != 0) {
		snprintf(why, len, "not root");
		return false;
	}
	snprintf(tmp.swapfile, sizeof(tmp.swapfile), "%s/swapfile", tmp.dir);
	fd = open(tmp.swapfile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	zeroes = calloc(1, chunk);
	if (fd < 0 || !zeroes) {
		snprintf(why, len, "%s: %s", tmp.swapfile, strerror(errno));
		return false;
	}
	for (size_t done = 0, total = slots * PAGE_SIZE; done < total;) {
		size_t n = total - done < chunk ? total - done : chunk;

		if (write(fd, zeroes, n) != (ssize_t)n) {
			snprintf(why, len, "writing the swap file: %s", strerror(errno));
			close(fd);
			free(zeroes);
			return false;
		}
		done += n;
	}
	free(zeroes);
	if (fsync(fd) || close(fd) || chmod(tmp.swapfile, 0600)) {
		snprintf(why, len, "the swap file: %s", strerror(errno));
		return false;
	}
	rc = run_quiet(mkswap, tmp.swapfile);
	if (rc) {
		snprintf(why, len, "mkswap failed (status %d)", rc);
		return false;
	}
	block_signals(true); /* the flag and the device's state go together */
	if (swapon(tmp.swapfile,
		   SWAP_FLAG_PREFER | ((32767 << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK))) {
		snprintf(why, len, "swapon: %s", strerror(errno));
		block_signals(false);
		return false;
	}
	tmp.swap_on = 1;
	block_signals(false);
	return true;
}

static void swap_figure(void)
{
	unsigned long n = opt_pages / 4; /* 16384 pages, 64 MiB, as reference §12 (c) */
	struct swap_round s[64], r[64], warm;
	struct checks c = {0}, cw = {0};
	double so[64], ro[64], sm[64], rm[64], sd[64], rd[64], si[64], ri[64];
	double smaj[64], rmaj[64], rleft[64], rwb[64], rout2[64], rin[64], rmajs[64];
	char why[200], a[32], b[32];
	int reps = opt_reps, lk, others;
	double t0, waited;

	/*
	 * One real-kernel run at a time on the machine: `mmsim check` (and so
	 * make test) swaps to a device of its own at the same priority and holds
	 * this lock meanwhile. Wait for it, and hold it while our device is on.
	 */
	t0 = now();
	lk = open("/tmp/mmsim-check.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lk < 0 || flock(lk, LOCK_EX)) {
		printf("%-32s skipped: cannot lock /tmp/mmsim-check.lock: %s\n",
		       "swap-out / swap-in", strerror(errno));
		if (lk >= 0)
			close(lk);
		return;
	}
	waited = now() - t0;
	others = other_swap_devices();
	if (!swap_setup(4 * n + 1, why, sizeof(why))) {
		cleanup();
		close(lk);
		printf("%-32s skipped: %s\n", "swap-out / swap-in", why);
		return;
	}
	sim_swap_round(n, &warm); /* warm-up, not counted */
	real_swap_round(n, &warm, &cw);
	for (int i = 0; i < reps; i++) {
		sim_swap_round(n, &s[i]);
		real_swap_round(n, &r[i], &c);
		checks_end_rep(&c);
		so[i] = (double)n / s[i].out;
		ro[i] = (double)n / r[i].out;
		sm[i] = (double)n / s[i].minor;
		rm[i] = (double)n / r[i].minor;
		sd[i] = (double)n / s[i].drop;
		rd[i] = (double)n / r[i].drop;
		si[i] = (double)n / s[i].in;
		ri[i] = (double)n / r[i].in;
		smaj[i] = (double)s[i].in_major;
		rmaj[i] = (double)r[i].in_major;
		rmajs[i] = (double)r[i].in_major / r[i].in;
		rleft[i] = (double)r[i].left_cached;
		rwb[i] = r[i].wb_wait * 1e3;
		rout2[i] = (double)r[i].pswpout2;
		rin[i] = (double)r[i].pswpin;
	}
	cleanup(); /* swapoff, remove the swap file and the directory */
	close(lk);
	ratio_line("swap-out (MADV_PAGEOUT, dirty)", "pages", so, ro, reps);
	ratio_line("  swap-cache minor fault", "pages", sm, rm, reps);
	ratio_line("  PAGEOUT of clean swap cache", "pages", sd, rd, reps);
	ratio_line("swap-in, in order, readahead", "pages", si, ri, reps);
	printf(
	    "%-32s   %lu pages; swap-in majors: sim %.0f (%.1f pages each), real %.0f"
	    " (%.1f pages each, %.0f..%.0f), %s majflt/s real; swap file %lu MiB at prio 32767\n",
	    "", n, median(smaj, reps), (double)n / median(smaj, reps), median(rmaj, reps),
	    (double)n / median(rmaj, reps), vmin(rmaj, reps), vmax(rmaj, reps),
	    human(median(rmajs, reps), a, sizeof(a)), (4 * n + 1) * PAGE_SIZE >> 20);
	printf("%-32s   real: writeback done %.1f ms after MADV_PAGEOUT returned (median);"
	       " 2nd PAGEOUT wrote %.0f pages; %.0f (%.0f..%.0f) pages still resident before the"
	       " swap-in; pswpin +%s\n",
	       "", median(rwb, reps), median(rout2, reps), median(rleft, reps), vmin(rleft, reps),
	       vmax(rleft, reps), human(median(rin, reps), b, sizeof(b)));
	printf("%-32s   waited %.1f s for /tmp/mmsim-check.lock; %d other swap device(s) active\n",
	       "", waited, others);
	checks_print(
	    &c, reps,
	    "pagemap: all swapped after each PAGEOUT, writeback done, pswpout >= N,"
	    " N minor faults from the swap cache, N..N+64 faults in the swap-in, the data");
	if (tmp.swap_on)
		printf("%-32s   WARNING: swapoff failed, %s is still active\n", "", tmp.swapfile);
	fflush(stdout);
}

/* ------------------------------------------------ radix tree vs GHashTable */

struct map_round {
	double ins, look, del; /* operations per second */
	size_t bytes;	       /* heap bytes the structure held when full */
};

static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* The value stored for key number @i: a 4-byte aligned "pointer", never NULL. */
static void *map_value(unsigned long i)
{
	return (void *)((i + 1) << 2);
}

static void radix_round(const unsigned long *keys, unsigned long n, struct map_round *r,
			bool check_tree)
{
	struct radix_tree_root root;
	size_t h0 = heap_bytes();
	double t0, t1;

	INIT_RADIX_TREE(&root, 0);
	t0 = now();
	for (unsigned long i = 0; i < n; i++)
		if (radix_tree_insert(&root, keys[i], map_value(i)))
			fail("radix_tree_insert failed");
	t1 = now();
	r->ins = (double)n / (t1 - t0);
	r->bytes = heap_bytes() - h0;
	if (check_tree && radix_tree_check(&root, NULL)) /* untimed */
		fail(radix_tree_check(&root, NULL));
	t0 = now();
	for (unsigned long i = 0; i < n; i++)
		if (radix_tree_lookup(&root, keys[i]) != map_value(i))
			fail("radix_tree_lookup returned the wrong entry");
	t1 = now();
	r->look = (double)n / (t1 - t0);
	t0 = now();
	for (unsigned long i = 0; i < n; i++)
		if (radix_tree_delete(&root, keys[i]) != map_value(i))
			fail("radix_tree_delete returned the wrong entry");
	t1 = now();
	r->del = (double)n / (t1 - t0);
	if (!radix_tree_empty(&root))
		fail("the radix tree is not empty after deleting every key");
}

/* The same with glib's GHashTable, keys as pointers (g_direct_hash). */
static void hash_round(const unsigned long *keys, unsigned long n, struct map_round *r)
{
	size_t h0 = heap_bytes();
	GHashTable *h = g_hash_table_new(g_direct_hash, g_direct_equal);
	double t0, t1;

	t0 = now();
	for (unsigned long i = 0; i < n; i++)
		g_hash_table_insert(h, GSIZE_TO_POINTER(keys[i]), map_value(i));
	t1 = now();
	r->ins = (double)n / (t1 - t0);
	r->bytes = heap_bytes() - h0;
	if (g_hash_table_size(h) != n)
		fail("GHashTable: a key was inserted twice");
	t0 = now();
	for (unsigned long i = 0; i < n; i++)
		if (g_hash_table_lookup(h, GSIZE_TO_POINTER(keys[i])) != map_value(i))
			fail("g_hash_table_lookup returned the wrong value");
	t1 = now();
	r->look = (double)n / (t1 - t0);
	t0 = now();
	for (unsigned long i = 0; i < n; i++)
		if (!g_hash_table_remove(h, GSIZE_TO_POINTER(keys[i])))
			fail("g_hash_table_remove found no key");
	t1 = now();
	r->del = (double)n / (t1 - t0);
	if (g_hash_table_size(h))
		fail("the GHashTable is not empty after removing every key");
	g_hash_table_destroy(h);
}

static void map_figure(const char *name, const unsigned long *keys, unsigned long n,
		       const char *keys_desc)
{
	struct map_round rr[64], hr[64];
	double ri[64], rl[64], rd[64], hi[64], hl[64], hd[64], rb[64], hb[64];
	char a[32], b[32], c[32], d[32], e[32], f[32];

	radix_round(keys, n, &rr[0], true); /* warm-up, not counted; checks the tree's invariants */
	hash_round(keys, n, &hr[0]);
	for (int i = 0; i < opt_reps; i++) {
		radix_round(keys, n, &rr[i], false);
		hash_round(keys, n, &hr[i]);
		ri[i] = rr[i].ins, rl[i] = rr[i].look, rd[i] = rr[i].del;
		hi[i] = hr[i].ins, hl[i] = hr[i].look, hd[i] = hr[i].del;
		rb[i] = (double)rr[i].bytes, hb[i] = (double)hr[i].bytes;
	}
	{
		double xi[64], xl[64], xd[64];

		for (int i = 0; i < opt_reps; i++)
			xi[i] = ri[i] / hi[i], xl[i] = rl[i] / hl[i], xd[i] = rd[i] / hd[i];
		printf("%-32s insert %s/s vs %s/s %.3gx; lookup %s/s vs %s/s %.3gx;"
		       " delete %s/s vs %s/s %.3gx\n",
		       name, human(median(ri, opt_reps), a, sizeof(a)),
		       human(median(hi, opt_reps), b, sizeof(b)), median(xi, opt_reps),
		       human(median(rl, opt_reps), c, sizeof(c)),
		       human(median(hl, opt_reps), d, sizeof(d)), median(xl, opt_reps),
		       human(median(rd, opt_reps), e, sizeof(e)),
		       human(median(hd, opt_reps), f, sizeof(f)), median(xd, opt_reps));
	}
	printf("%-32s   %lu keys, %s; heap when full: radix tree %.1f B/key (%zu-byte nodes),"
	       " GHashTable %.1f B/key\n",
	       "", n, keys_desc, median(rb, opt_reps) / (double)n, sizeof(struct radix_tree_node),
	       median(hb, opt_reps) / (double)n);
	fflush(stdout);
}

/*
 * The model's radix tree (the page cache, the swap cache) against a glib
 * hash table on the same keys: dense page indices 0..N-1 inserted in order,
 * and a sparse set, N/8 indices spread over 2^36 (a bijection i -> i * odd
 * constant mod 2^36), inserted in that scattered order. Insert, look up and
 * delete every key; ratio = radix tree / GHashTable.
 */
static void radix_figure(void)
{
	unsigned long nd = 4 * opt_pages, ns = opt_pages / 2;
	unsigned long *keys = malloc(nd * sizeof(*keys));

	if (!keys)
		die("malloc");
	for (unsigned long i = 0; i < nd; i++)
		keys[i] = i;
	map_figure("radix tree vs GHashTable, dense", keys, nd, "0..N-1 in order");
	for (unsigned long i = 0; i < ns; i++)
		keys[i] = (i * 0x9E3779B97F4A7C15UL) & ((1UL << 36) - 1);
	map_figure("radix tree vs GHashTable, sparse", keys, ns, "spread over 2^36, scattered");
	free(keys);
}

/* ------------------------------------------------------------------ header */

static void print_header(int cpu)
{
	struct utsname u;
	char model[512] = "unknown", line[512], thp[128] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "model name", 10) == 0) {
			char *c = strchr(line, ':');

			snprintf(model, sizeof(model), "%s", c ? c + 2 : line);
			model[strcspn(model, "\n")] = 0;
			break;
		}
	if (f)
		fclose(f);
	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f && fgets(thp, sizeof(thp), f))
		thp[strcspn(thp, "\n")] = 0;
	if (f)
		fclose(f);
	uname(&u);
	printf("mmsim bench\n");
	printf("machine: %ld CPUs online, %s, Linux %s %s, THP %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	       model, u.release, u.machine, thp);
	printf("build:   %s, -O2, no sanitizers; sizeof(struct page) = %zu\n",
	       __VERSION__[0] ? "gcc " __VERSION__ : "cc", sizeof(struct page));
	printf(
	    "method:  pinned to CPU %d; %lu pages (%lu MiB) per fault figure; one warm-up round,"
	    " then %d repetitions, each simulator then real kernel; medians; CLOCK_MONOTONIC around the access"
	    " loop only; faults checked (ru_minflt, task min_flt). Real: MAP_PRIVATE|"
	    "MAP_ANONYMOUS + MADV_NOHUGEPAGE, one byte per page. Sim: machine of max(4x pages,"
	    " 262144) frames, kernel=6.18, one 8-byte sim_access per page.\n",
	    cpu, opt_pages, opt_pages * PAGE_SIZE >> 20, opt_reps);
	printf("         file: %lu pages written one page per write(), fdatasync'ed, mapped"
	       " MAP_SHARED|PROT_READ. shmem: memfd of %lu pages. swap: %lu pages, a swap file of"
	       " %lu MiB in a mkdtemp dir under /tmp at priority 32767 (sim: a disk of as many"
	       " slots). Real-side checks: faults, mincore, pagemap, /proc/vmstat.\n",
	       opt_pages, opt_pages, opt_pages / 4, (opt_pages + 1) * PAGE_SIZE >> 20);
	printf("\n");
	fflush(stdout);
}

#define FIGURE_NAMES "metadata,big,faults,trace,file,shmem,swap,radix"

/* Is figure @name selected (--only, a comma-separated list; all by default)? */
static bool want(const char *name)
{
	size_t n = strlen(name);

	if (!opt_only)
		return true;
	for (const char *p = opt_only; (p = strstr(p, name)); p += n)
		if ((p == opt_only || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	cpu_set_t set;
	int cpu;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			opt_reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--pages") && i + 1 < argc)
			opt_pages = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--cpu") && i + 1 < argc)
			opt_cpu = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--sim-only") && i + 1 < argc)
			opt_sim_only = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			opt_only = argv[++i];
		else if (!strcmp(argv[i], "--quick"))
			opt_quick = true, opt_reps = 3, opt_pages = 16384;
		else {
			fprintf(stderr,
				"usage: bench [--reps N] [--pages N] [--cpu N] [--quick]"
				" [--sim-only write|read|zero-cow|fork-cow|file|shmem|swap]"
				" [--only %s]\n",
				FIGURE_NAMES);
			return 2;
		}
	}
	if (opt_reps < 1 || opt_reps > 64 || opt_pages < 512)
		fail("--reps must be 1..64 and --pages at least 512");

	cpu = opt_cpu;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (opt_sim_only) {
		static const char *const kinds[NR_FAULT_KINDS] = {
		    [FAULT_WRITE] = "write",
		    [FAULT_READ] = "read",
		    [FAULT_ZERO_COW] = "zero-cow",
		    [FAULT_FORK_COW] = "fork-cow",
		};
		char a[32], b[32];

		for (int k = 0; k < NR_FAULT_KINDS; k++)
			if (!strcmp(opt_sim_only, kinds[k])) {
				for (int i = 0; i < opt_reps; i++) {
					struct timing tm;

					sim_faults(k, opt_pages, &tm);
					printf("sim %s: %s faults/s\n", fault_names[k],
					       human((double)opt_pages / tm.mono, a, sizeof(a)));
				}
				return 0;
			}
		for (int i = 0; i < opt_reps; i++) {
			struct swap_round r;
			struct timing tm;

			if (!strcmp(opt_sim_only, "file")) {
				sim_file_faults(opt_pages, &tm);
				printf("sim file read: %s pages/s\n",
				       human((double)opt_pages / tm.mono, a, sizeof(a)));
			} else if (!strcmp(opt_sim_only, "shmem")) {
				sim_shmem_faults(opt_pages, &tm);
				printf("sim shmem write: %s faults/s\n",
				       human((double)opt_pages / tm.mono, a, sizeof(a)));
			} else if (!strcmp(opt_sim_only, "swap")) {
				sim_swap_round(opt_pages / 4, &r);
				printf("sim swap: out %s, in %s pages/s\n",
				       human((double)(opt_pages / 4) / r.out, a, sizeof(a)),
				       human((double)(opt_pages / 4) / r.in, b, sizeof(b)));
			} else {
				fail("--sim-only takes write, read, zero-cow, fork-cow, file, shmem"
				     " or swap");
			}
		}
		return 0;
	}
	print_header(cpu);

	/* Memory figures first, in children forked while we are still small. */
	if (want("metadata"))
		metadata_figure();
	if (want("big"))
		big_figure();

	if (want("faults")) {
		fault_figure(FAULT_WRITE, ">= 30x", 30.0);
		fault_figure(FAULT_READ, NULL, 0);
		fault_figure(FAULT_FORK_COW, NULL, 0);
		fault_figure(FAULT_ZERO_COW, NULL, 0);
	}
	if (want("trace"))
		trace_figure();

	/* Files, shmem, swap: the real side's files go to a private directory. */
	tmp_setup();
	if (want("file"))
		file_figure();
	if (want("shmem"))
		shmem_figure();
	if (want("swap"))
		swap_figure();
	if (want("radix"))
		radix_figure();
	cleanup();
	return 0;
}
