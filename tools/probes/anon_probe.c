// SPDX-License-Identifier: GPL-2.0
/*
 * anon_probe.c - measures on the real kernel what the anon lessons assert
 * and shared/reference/real-kernel-6.18.md does not cover: mprotect taking
 * write away and giving it back, munmap splitting a VMA, mremap growing and
 * moving, MAP_POPULATE, MADV_POPULATE_*. Run as root (pagemap PFNs).
 *
 *   cc -O1 -o /tmp/anon_probe tools/probes/anon_probe.c && /tmp/anon_probe
 *
 * Each step prints the minor/major fault deltas and the pagemap bits of the
 * pages (P present, E exclusive, Z zero page, - none) with PFN classes.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define PS 4096UL
static int pm_fd;
static long zero_pfn = -1;
static long last_min, last_maj;
static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, sig);
}

static uint64_t pm(void *a)
{
	uint64_t e = 0;
	pread(pm_fd, &e, 8, (off_t)((uintptr_t)a / PS * 8));
	return e;
}

static void faults(const char *what)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("%-48s min %ld maj %ld\n", what, ru.ru_minflt - last_min, ru.ru_majflt - last_maj);
	last_min = ru.ru_minflt;
	last_maj = ru.ru_majflt;
}

static void bits(char *a, int n)
{
	printf("    ");
	for (int i = 0; i < n; i++) {
		uint64_t e = pm(a + i * PS);
		long pfn = (long)(e & ((1ULL << 55) - 1));
		putchar(!(e >> 63) ? '-' : pfn == zero_pfn ? 'Z' : (e >> 56 & 1) ? 'E' : 'P');
	}
	printf("   pfns:");
	for (int i = 0; i < n; i++)
		printf(" %lx", (long)(pm(a + i * PS) & ((1ULL << 55) - 1)));
	printf("\n");
}

static void maps(void *lo, void *hi)
{
	char line[256];
	FILE *f = fopen("/proc/self/maps", "r");
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e;
		sscanf(line, "%lx-%lx", &s, &e);
		if (s < (uintptr_t)hi && e > (uintptr_t)lo)
			printf("    %s", line);
	}
	fclose(f);
}

static int try_write(volatile char *p)
{
	int sig = sigsetjmp(jb, 1);
	if (sig)
		return sig;
	*p = 1;
	return 0;
}

int main(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof set, &set);
	signal(SIGSEGV, on_segv);
	pm_fd = open("/proc/self/pagemap", O_RDONLY);
	char *base = (char *)0x600000000000UL;

	/* the zero page's pfn */
	char *z = mmap(base + (8UL << 30), PS, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	(void)*(volatile char *)z;
	zero_pfn = (long)(pm(z) & ((1ULL << 55) - 1));
	faults("setup");

	printf("== mprotect: write 4 pages, take write away from 1..2, write back\n");
	char *a = mmap(base, 4 * PS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	madvise(a, 4 * PS, MADV_NOHUGEPAGE);
	for (int i = 0; i < 4; i++) a[i * PS] = 1;
	faults("write 0..3");
	mprotect(a + PS, 2 * PS, PROT_READ);
	faults("mprotect 1..2 r");
	maps(a, a + 4 * PS);
	printf("    write page 1 -> signal %d\n", try_write(a + PS));
	faults("write page 1 (SIGSEGV)");
	mprotect(a + PS, 2 * PS, PROT_READ | PROT_WRITE);
	faults("mprotect 1..2 rw");
	maps(a, a + 4 * PS);
	a[PS] = 2;
	faults("write page 1 after rw again");
	a[3 * PS] = 2;
	faults("write page 3");
	bits(a, 4);

	printf("== mprotect none: read -> SIGSEGV\n");
	mprotect(a, PS, PROT_NONE);
	{ int sig = sigsetjmp(jb, 1); if (!sig) { (void)*(volatile char *)a; } printf("    read page 0 -> signal %d\n", sig); }
	faults("read PROT_NONE page");
	bits(a, 4);
	mprotect(a, PS, PROT_READ | PROT_WRITE);
	(void)*(volatile char *)a;
	faults("read page 0 after rw again");

	printf("== munmap the middle of 8 pages\n");
	char *b = mmap(base + (1UL << 30), 8 * PS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	madvise(b, 8 * PS, MADV_NOHUGEPAGE);
	for (int i = 0; i < 8; i++) b[i * PS] = 1;
	faults("write 0..7");
	munmap(b + 2 * PS, 2 * PS);
	faults("munmap 2..3");
	maps(b, b + 8 * PS);
	bits(b, 8);
	printf("    write page 2 -> signal %d\n", try_write(b + 2 * PS));
	faults("write page 2 (unmapped)");

	printf("== mremap: grow in place, then move\n");
	char *c = mmap(base + (2UL << 30), 4 * PS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	madvise(c, 4 * PS, MADV_NOHUGEPAGE);
	for (int i = 0; i < 4; i++) c[i * PS] = (char)(10 + i);
	faults("write 0..3");
	bits(c, 4);
	char *c2 = mremap(c, 4 * PS, 8 * PS, 0);
	faults("mremap grow 8 (in place)");
	printf("    in place: %d\n", c2 == c);
	bits(c2, 8);
	char *blocker = mmap(c + 8 * PS, PS, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	char *c3 = mremap(c2, 8 * PS, 16 * PS, 0);
	printf("    grow past a neighbour without MAYMOVE: %s\n", c3 == MAP_FAILED ? "ENOMEM" : "ok");
	c3 = mremap(c2, 8 * PS, 16 * PS, MREMAP_MAYMOVE | MREMAP_FIXED, base + (3UL << 30));
	faults("mremap 16 maymove (to 0x6000c0000000)");
	bits(c3, 16);
	printf("    contents: %d %d %d %d\n", c3[0], c3[PS], c3[2 * PS], c3[3 * PS]);
	faults("read moved pages");
	(void)blocker;

	printf("== MAP_POPULATE private rw, and ro\n");
	char *d = mmap(base + (4UL << 30), 8 * PS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_POPULATE, -1, 0);
	faults("mmap 8 rw populate");
	bits(d, 8);
	char *e = mmap(base + (5UL << 30), 8 * PS, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_POPULATE, -1, 0);
	faults("mmap 8 ro populate");
	bits(e, 8);

	printf("== MADV_POPULATE_READ / WRITE\n");
	char *g = mmap(base + (6UL << 30), 8 * PS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	madvise(g, 8 * PS, MADV_NOHUGEPAGE);
	faults("mmap 8");
	printf("    populate_read: %d\n", madvise(g, 4 * PS, MADV_POPULATE_READ));
	faults("MADV_POPULATE_READ 0..3");
	printf("    populate_write: %d\n", madvise(g, 8 * PS, MADV_POPULATE_WRITE));
	faults("MADV_POPULATE_WRITE 0..7");
	bits(g, 8);
	return 0;
}
