// SPDX-License-Identifier: GPL-2.0
/*
 * sim_access.c - a user load or store, as the CPU performs it.
 *
 * No kernel counterpart: this is the MMU. It walks the page tables; when the
 * PTE maps a frame and allows the access, the access happens and the
 * hardware sets the accessed (and, for a store, dirty) bit, with no fault.
 * Otherwise the CPU raises a page fault (do_user_addr_fault) and, once the
 * kernel fixed the PTE, retries the instruction.
 */
#include "internal.h"

#include <signal.h>

/* The PTE allows this access without a fault. */
static bool pte_allows(pte_t pte, bool write)
{
	if (!pte_present(pte) || pte_protnone(pte))
		return false;
	return !write || pte_write(pte);
}

int sim_access(struct task_struct *t, unsigned long addr, bool write, u64 *value)
{
	struct mm_struct *mm = t->mm;
	struct sim_machine *m = mm->sim;

	BUG_ON(addr % 8);
	/* A fault fixes the PTE or raises a signal; two rounds always suffice. */
	for (int tries = 0; tries < 4; tries++) {
		pte_t *ptep = sim_lookup_pte(mm, addr);
		struct page *page;

		if (!ptep || !pte_allows(*ptep, write)) {
			int ret;

			m->current = t;
			ret = do_user_addr_fault(t, addr, write);
			m->current = NULL;
			if (ret == -ENOMEM && t->oom_killed) {
				/* The OOM killer chose this task: it dies now. */
				sim_exit(t);
				return SIGKILL;
			}
			if (ret)
				return ret;
			continue;
		}
		page = pfn_to_page(m, pte_pfn(*ptep));
		ptep->pte |= _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);
		if (write)
			sim_page_write_word(page, addr & ~PAGE_MASK, *value);
		else
			*value = sim_page_read_word(page, addr & ~PAGE_MASK);
		sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_access, .mm = mm,
							  .addr = addr, .arg = write,
							  .new = *value,
							  .pfn = page_to_pfn(m, page) });
		return 0;
	}
	BUG(); /* the fault handler returned success without fixing the PTE */
}
