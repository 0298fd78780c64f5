/* SPDX-License-Identifier: GPL-2.0 */
/*
 * real_proto.h - the commands between `mmsim check` and its worker
 * processes (real_backend.c, real_worker.c): fixed-size records over a
 * SOCK_SEQPACKET socket pair, a file descriptor riding along (SCM_RIGHTS)
 * for mmap of an object and for the socket of a forked worker.
 */
#ifndef MMSIM_REAL_PROTO_H
#define MMSIM_REAL_PROTO_H

#include <stdbool.h>
#include <stdint.h>

enum real_op {
	REAL_OP_ACCESS = 1, /* a: addr, b: value to write, flags: REAL_WRITE */
	REAL_OP_EXIT,
	REAL_OP_FORK,	    /* fd: the child's socket; reply v: the child's pid */
	/* system calls, bracketed by getrusage (REAL_OP_MMAP..REAL_OP_MINCORE) */
	REAL_OP_MMAP,	    /* a addr, b len, c prot, d flags, e offset; fd */
	REAL_OP_MUNMAP,	    /* a, b */
	REAL_OP_MPROTECT,   /* a, b, c prot */
	REAL_OP_MREMAP,	    /* a old, b old_len, c new_len, d flags, e new addr */
	REAL_OP_MADVISE,    /* a, b, c advice */
	REAL_OP_MSYNC,	    /* a, b, c flags */
	REAL_OP_SHMAT,	    /* e shmid, a addr, c flags */
	REAL_OP_SHMDT,	    /* a */
	REAL_OP_MINCORE,    /* a; reply v: 1 resident */
};

#define REAL_WRITE 1u

struct real_cmd {
	uint32_t op;
	uint32_t flags;
	uint64_t a, b, c, d, e;
};

struct real_reply {
	int32_t err;	/* 0 or -errno */
	int32_t sig;	/* signal an access raised */
	uint64_t v;	/* value read, child pid, mincore */
	uint64_t addr;	/* address mapped, or the faulting address */
	uint64_t minflt, majflt; /* the scenario's faults in this worker so far */
};

void real_worker_main(int sock) __attribute__((noreturn));
void real_pin_cpu0(void);

#endif /* MMSIM_REAL_PROTO_H */
