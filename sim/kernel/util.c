// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - overcommit accounting: may this much more memory be promised?
 * Models __vm_enough_memory of mm/util.c (Linux 5.x+, the simplified
 * heuristic of mode 0).
 *
 * Every charge is added to Committed_AS first, then checked:
 *  - mode 1 (always): yes;
 *  - mode 0 (heuristic): no only if this one request exceeds RAM + swap;
 *  - mode 2 (never overcommit): yes while Committed_AS stays below
 *    CommitLimit = RAM * overcommit_ratio / 100 + swap, less the user
 *    reserve (min(total_vm / 32, 128 MiB)); the admin reserve is not taken,
 *    since mmsim check runs as root (CAP_SYS_ADMIN).
 * A refused charge is taken back and the call fails with ENOMEM.
 *
 * What is charged (mmap.c, mprotect.c, mremap.c, fork.c, shmem.c, shm.c):
 * private writable mappings (VM_ACCOUNT) unless MAP_NORESERVE in modes 0/1;
 * shared anonymous memory and SysV segments, whole, at creation; tmpfs
 * files (memfd, POSIX shm) per page as they fill.
 *
 * Not modelled: overcommit_kbytes, hugetlb, the admin reserve (non-root).
 */
#include "internal.h"
#include "swap.h"

#define USER_RESERVE_PAGES (131072UL >> (PAGE_SHIFT - 10)) /* 128 MiB */

unsigned long vm_commit_limit(const struct sim_machine *m)
{
	unsigned long swap = m->swap ? m->swap->max - 1 : 0;

	return m->cfg.ram_pages * m->cfg.overcommit_ratio / 100 + swap;
}

void vm_acct_memory(struct sim_machine *m, long pages)
{
	m->vm_committed_as += pages;
}

void vm_unacct_memory(struct sim_machine *m, long pages)
{
	m->vm_committed_as -= pages;
	BUG_ON(m->vm_committed_as < 0);
}

int __vm_enough_memory(struct sim_machine *m, struct mm_struct *mm, long pages)
{
	unsigned long swap = m->swap ? m->swap->max - 1 : 0;
	long allowed;

	vm_acct_memory(m, pages);
	switch (m->cfg.overcommit) {
	case 1:
		return 0;
	case 0:
		if ((unsigned long)pages <= m->cfg.ram_pages + swap)
			return 0;
		break;
	default:
		allowed = (long)vm_commit_limit(m);
		if (mm)
			allowed -= (long)min(mm->total_vm / 32, USER_RESERVE_PAGES);
		if (m->vm_committed_as < allowed)
			return 0;
		break;
	}
	sim_note(m, "overcommit: the request is refused (ENOMEM)");
	vm_unacct_memory(m, pages);
	return -ENOMEM;
}
