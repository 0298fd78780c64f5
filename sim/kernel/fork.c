// SPDX-License-Identifier: GPL-2.0
/*
 * fork.c - creating processes and copying address spaces.
 * Models the memory half of kernel/fork.c (Linux v4.19).
 *
 * fork duplicates the parent's VMAs (dup_mmap): each child VMA joins the
 * parent VMA's anon_vmas and gets its own (anon_vma_fork), and the PTEs of
 * VMAs with anonymous pages are copied write-protected (copy_page_range), so
 * both processes share every page until one of them writes.
 *
 * Not modelled: everything about a task that is not its memory (files,
 * signals, credentials, threads); VM_WIPEONFORK; the child runs only when
 * the scenario says so.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

struct mm_struct *mm_alloc(struct sim_machine *m)
{
	struct mm_struct *mm = sim_kzalloc(SIM_ALLOC_MM, sizeof(*mm));

	mm->sim = m;
	mm->mm_users = 1;
	mm->pgd = sim_kzalloc_aligned(SIM_ALLOC_PGTABLE, PAGE_SIZE, PAGE_SIZE);
	return mm;
}

/* Drop a user of @mm; the last one tears the address space down. */
void mmput(struct mm_struct *mm)
{
	if (--mm->mm_users)
		return;
	exit_mmap(mm);
	free_pgd(mm);
	sim_kfree(SIM_ALLOC_MM, mm);
}

static struct task_struct *task_alloc(struct sim_machine *m, const char *comm)
{
	struct task_struct *t = sim_kzalloc(SIM_ALLOC_TASK, sizeof(*t));

	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	t->pid = m->next_pid++;
	list_add_tail(&t->tasks, &m->tasks);
	return t;
}

/* A process with an empty address space (what exec leaves, minus the binary). */
struct task_struct *sim_task_create(struct sim_machine *m, const char *comm)
{
	struct task_struct *t = task_alloc(m, comm);

	t->mm = mm_alloc(m);
	t->mm->owner = t;
	return t;
}

static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	TRACE_FUNC(TR(oldmm->sim), dup_mmap);

	for (struct vm_area_struct *mpnt = oldmm->mmap; mpnt; mpnt = mpnt->vm_next) {
		struct vm_area_struct *tmp;

		if (mpnt->vm_flags & VM_DONTCOPY)
			continue;
		/* The child promises the parent's accounted pages again. */
		if ((mpnt->vm_flags & VM_ACCOUNT) &&
		    __vm_enough_memory(oldmm->sim, oldmm, (long)vma_pages(mpnt)))
			return -ENOMEM;
		tmp = vm_area_dup(mpnt);
		tmp->vm_mm = mm;
		anon_vma_fork(tmp, mpnt);
		__vma_link_list(mm, tmp);
		if (tmp->vm_ops && tmp->vm_ops->open)
			tmp->vm_ops->open(tmp);
		mm->total_vm += vma_pages(tmp);
		copy_page_range(mm, oldmm, mpnt);
	}
	return 0;
}

static struct mm_struct *dup_mm(struct task_struct *child, struct mm_struct *oldmm)
{
	TRACE_FUNC(TR(oldmm->sim), dup_mm);
	struct mm_struct *mm = mm_alloc(oldmm->sim);

	mm->owner = child;
	if (dup_mmap(mm, oldmm)) {
		mmput(mm); /* gives back what was copied and charged so far */
		return NULL;
	}
	return mm;
}

static struct task_struct *copy_process(struct task_struct *parent, const char *comm)
{
	struct sim_machine *m = parent->mm->sim;
	TRACE_FUNC(TR(m), copy_process);
	struct task_struct *child = task_alloc(m, comm);

	child->mm = dup_mm(child, parent->mm);
	if (!child->mm) {
		list_del(&child->tasks);
		sim_kfree(SIM_ALLOC_TASK, child);
		return NULL;
	}
	return child;
}

int sim_fork(struct task_struct *parent, const char *comm, struct task_struct **child)
{
	TRACE_FUNC(TR(parent->mm->sim), _do_fork);

	*child = copy_process(parent, comm);
	return *child ? 0 : -ENOMEM;
}
