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
 *	bench [--reps N] [--pages N] [--cpu N] [--quick] [--sim-only write|read|zero-cow|fork-cow]
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
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
	HOST_PROT_RW = PROT_READ | PROT_WRITE,
	HOST_MAP_PRIVATE_ANON = MAP_PRIVATE | MAP_ANONYMOUS,
	HOST_MADV_NOHUGEPAGE = MADV_NOHUGEPAGE,
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

#include "sim_check.h"
#include "sim_machine.h"
#include "trace_events.h"

/* ---------------------------------------------------------------- helpers */

static int opt_reps = 7;
static unsigned long opt_pages = 65536; /* 256 MiB, as the reference's anchors */
static bool opt_quick;
static const char *opt_sim_only; /* run one simulated fault loop, for a profiler */
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

static double median(double *v, int n)
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
	long faults, nivcsw;
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
	printf("\n");
	fflush(stdout);
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
		else if (!strcmp(argv[i], "--quick"))
			opt_quick = true, opt_reps = 3, opt_pages = 16384;
		else {
			fprintf(stderr, "usage: bench [--reps N] [--pages N] [--cpu N] [--quick]"
					" [--sim-only write|read|zero-cow|fork-cow]\n");
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
		char a[32];

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
		fail("--sim-only takes write, read, zero-cow or fork-cow");
	}
	print_header(cpu);

	/* Memory figures first, in children forked while we are still small. */
	metadata_figure();
	big_figure();

	fault_figure(FAULT_WRITE, ">= 30x", 30.0);
	fault_figure(FAULT_READ, NULL, 0);
	fault_figure(FAULT_FORK_COW, NULL, 0);
	fault_figure(FAULT_ZERO_COW, NULL, 0);
	trace_figure();
	return 0;
}
