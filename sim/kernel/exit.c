// SPDX-License-Identifier: GPL-2.0
/*
 * exit.c - a process ends and gives back its memory.
 * Models the memory half of kernel/exit.c (Linux v4.19): do_exit -> exit_mm
 * -> mmput -> exit_mmap. The task stays on the machine's list, marked
 * exited, so a scenario can still ask about it.
 */
#include "internal.h"

void sim_exit(struct task_struct *task)
{
	struct mm_struct *mm = task->mm;

	BUG_ON(task->exited || !mm);
	{
		TRACE_FUNC(TR(mm->sim), do_exit);

		task->mm = NULL;
		mmput(mm);
	}
	task->exited = true;
}
