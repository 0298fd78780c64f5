// SPDX-License-Identifier: GPL-2.0
/*
 * fault.c - the CPU's page fault, before the generic code takes over.
 * Models arch/x86/mm/fault.c (Linux v4.19): __do_page_fault, here under its
 * later name do_user_addr_fault.
 *
 * The address must lie in a VMA (else SIGSEGV, SEGV_MAPERR) whose protection
 * allows the access (else SIGSEGV, SEGV_ACCERR); neither case reaches
 * handle_mm_fault, so neither is counted in getrusage. A fault that the
 * generic code answers with VM_FAULT_SIGBUS raises SIGBUS.
 *
 * Not modelled: stack growth (VM_GROWSDOWN), kernel-mode faults,
 * protection keys, the mmap_sem retry dance.
 */
#include "internal.h"

#include <signal.h>

/* Does the VMA forbid this access? (access_error) */
static bool access_error(bool write, const struct vm_area_struct *vma)
{
	if (write)
		return !(vma->vm_flags & VM_WRITE);
	return !(vma->vm_flags & (VM_READ | VM_EXEC | VM_WRITE));
}

static int bad_area(struct task_struct *t, unsigned long address, const char *why)
{
	struct sim_machine *m = t->mm->sim;

	sim_note(m, why);
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_signal, .mm = t->mm,
						  .addr = address, .arg = SIGSEGV });
	return SIGSEGV;
}

/*
 * do_user_addr_fault - a user access at @address faulted.
 * Returns 0 when the access may be retried, a signal number when it raised
 * one, or -ENOMEM when memory ran out (the caller decides what that means).
 */
int do_user_addr_fault(struct task_struct *t, unsigned long address, bool write)
{
	struct mm_struct *mm = t->mm;
	struct sim_machine *m = mm->sim;
	TRACE_FUNC(TR(m), do_user_addr_fault);
	struct vm_area_struct *vma;
	unsigned int flags;
	vm_fault_t fault;

	vma = find_vma(mm, address);
	if (!vma || vma->vm_start > address)
		return bad_area(t, address, "no VMA covers the address: SIGSEGV (SEGV_MAPERR)");
	if (access_error(write, vma))
		return bad_area(t, address, "the VMA does not allow this access: SIGSEGV (SEGV_ACCERR)");

	flags = FAULT_FLAG_USER | (write ? FAULT_FLAG_WRITE : 0);
	fault = handle_mm_fault(vma, address, flags);
	if (fault & VM_FAULT_RETRY) {
		/* The handler waited for I/O: try again, now the page is there. */
		flags |= FAULT_FLAG_TRIED;
		fault = handle_mm_fault(vma, address, flags);
	}
	if (fault & (VM_FAULT_OOM | VM_FAULT_RETRY))
		return -ENOMEM;
	if (fault & (VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)) {
		int sig = (fault & VM_FAULT_SIGBUS) ? SIGBUS : SIGSEGV;

		sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_signal, .mm = mm,
							  .addr = address, .arg = sig });
		return sig;
	}
	return 0;
}
