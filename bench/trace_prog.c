// SPDX-License-Identifier: GPL-2.0
/*
 * trace_prog.c - the sample program of `mmsim replay`. `make trace-sample`
 * runs it under valgrind --tool=lackey --trace-mem=yes and keeps the trace
 * in build/sample.lackey (made on this machine, never committed).
 *
 * It has a working set of a known size, so that a sweep of RAM sizes shows a
 * knee: it fills a 12 MiB array (every page written), then works on the first
 * half, the hot 6 MiB, eight times over, reading and updating a word every
 * 512 bytes in order (the "a[i] += a[i + 256]" compiles to a load and a
 * read-modify-write: lackey's L and M), then reads the cold half once more.
 * Below about 6 MiB of RAM each hot pass evicts what the next needs, so every
 * pass faults the hot half back in; above it, only the cold half comes back.
 *
 * Built -O1 -static so that the trace is mostly this loop, not the dynamic
 * loader.
 */
#include <stdio.h>

#define MIB (1 << 20)
#define SIZE (12 * MIB)
#define HOT (6 * MIB)
#define PASSES 8

static unsigned char a[SIZE];

int main(void)
{
	unsigned long sum = 0;

	for (unsigned long i = 0; i < SIZE; i += 256)
		a[i] = (unsigned char)(i >> 8); /* first touch: every page gets data */
	for (int pass = 0; pass < PASSES; pass++)
		for (unsigned long i = 0; i < HOT; i += 512)
			a[i] += a[i + 256];
	for (unsigned long i = HOT; i < SIZE; i += 4096)
		sum += a[i];
	for (unsigned long i = 0; i < HOT; i += 4096)
		sum += a[i];
	printf("%lu\n", sum);
	return 0;
}
