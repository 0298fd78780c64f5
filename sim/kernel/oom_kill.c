// SPDX-License-Identifier: GPL-2.0
/*
 * oom_kill.c - when reclaim cannot free a frame: kill the process whose
 * death frees the most. Models mm/oom_kill.c (Linux v4.19).
 *
 * The badness of a process is its resident pages, its swap entries and its
 * page tables (oom_badness: rss + MM_SWAPENTS + pgtables_bytes / PAGE_SIZE).
 * The task with the highest badness is killed; on a tie the one found last
 * in the task list (the youngest), as oom_evaluate_task's ">=" does.
 *
 * A victim that is not running now is torn down at once (its memory comes
 * back, as the OOM reaper would make it). The task running now, if chosen,
 * dies when its access returns: the access reports SIGKILL.
 *
 * Not modelled: oom_score_adj, memcg OOM, panic_on_oom, the reaper thread.
 */
#include "internal.h"

static long oom_badness(const struct task_struct *t)
{
	const struct mm_struct *mm = t->mm;

	return mm->rss_stat[MM_FILEPAGES] + mm->rss_stat[MM_ANONPAGES] +
	       mm->rss_stat[MM_SHMEMPAGES] + mm->rss_stat[MM_SWAPENTS] +
	       mm->pgtables_bytes / (long)PAGE_SIZE;
}

/* Kill @victim; its memory comes back now unless it is the task running. */
static bool oom_kill_process(struct sim_machine *m, struct task_struct *victim, long points,
			     struct task_struct *current)
{
	TRACE_FUNC(TR(m), oom_kill_process);

	sim_note(m, "out of memory: kill the process with the highest badness");
	sim_trace_emit(TR(m), (struct sim_event){ .type = SIM_EV_oom, .arg = victim->pid,
						  .new = (u64)points, .text = victim->comm });
	count_vm_event(m, OOM_KILL);
	victim->oom_killed = true;
	if (victim == current)
		return false;
	sim_exit(victim);
	return true;
}

/*
 * out_of_memory - pick and kill a victim. Returns true if memory was freed
 * (another task died), false if the victim is @current (it must die when its
 * access unwinds) or nobody can be killed.
 */
bool out_of_memory(struct sim_machine *m, struct task_struct *current)
{
	TRACE_FUNC(TR(m), out_of_memory);
	struct task_struct *t, *victim = NULL;
	long chosen = -1;

	list_for_each_entry(t, &m->tasks, tasks) {
		long points;

		if (t->exited || !t->mm || t->oom_killed)
			continue;
		points = oom_badness(t);
		if (points >= chosen) {
			chosen = points;
			victim = t;
		}
	}
	if (!victim)
		return false;
	return oom_kill_process(m, victim, chosen, current);
}
