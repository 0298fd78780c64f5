// SPDX-License-Identifier: GPL-2.0
/*
 * trace_text.c - the narrated trace (trace_text.h).
 *
 * A function entered is held back until the next event: if it returns at
 * once it prints as "name();", else as "name() {" and later "}". That is
 * function_graph's leaf rule, and keeps allocator calls to one line.
 */
#include "trace_text.h"

#include "pte_text.h"
#include "sim_machine.h"

#include <glib.h>
#include <signal.h>

/* VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV (the model's internal.h) */
#define FAULT_ERROR_BITS 0x43

struct scn_text_tracer {
	FILE *out;
	enum scn_trace_mode mode;
	int indent;	    /* columns before depth 0 */
	int pending;	    /* entered function not printed yet, or -1 */
	int pending_depth;
};

static void pad(struct scn_text_tracer *tt, int depth)
{
	fprintf(tt->out, "%*s", tt->indent + (tt->mode == SCN_TRACE_CALLS ? 2 * depth : 0), "");
}

static void flush_pending(struct scn_text_tracer *tt)
{
	if (tt->pending < 0)
		return;
	pad(tt, tt->pending_depth);
	fprintf(tt->out, "%s() {\n", sim_fn_names[tt->pending]);
	tt->pending = -1;
}

void scn_text_tracer_flush(struct scn_text_tracer *tt)
{
	flush_pending(tt);
}

static const char *proc_name(const struct mm_struct *mm)
{
	return mm && mm->owner ? mm->owner->comm : "?";
}

static const char *const table_names[] = { "", "PTE table", "PMD table", "PUD table" };

static void vma_perms(unsigned long flags, char *p)
{
	p[0] = flags & VM_READ ? 'r' : '-';
	p[1] = flags & VM_WRITE ? 'w' : '-';
	p[2] = flags & VM_EXEC ? 'x' : '-';
	p[3] = flags & VM_MAYSHARE ? 's' : 'p';
	p[4] = '\0';
}

/* One line for a state change. */
static void print_event(struct scn_text_tracer *tt, const struct sim_event *ev)
{
	char a[96], b[96], perms[5];

	pad(tt, ev->depth);
	switch (ev->type) {
	case SIM_EV_pte_set:
		viz_describe_pte(ev->old, a, sizeof(a));
		viz_describe_pte(ev->new, b, sizeof(b));
		fprintf(tt->out, "pte %s %#lx: %s -> %s\n", proc_name(ev->mm), ev->addr, a, b);
		break;
	case SIM_EV_pgtable_alloc:
	case SIM_EV_pgtable_free:
		fprintf(tt->out, "%s %s for %#lx\n", ev->type == SIM_EV_pgtable_alloc ? "new" : "free",
			table_names[ev->arg], ev->addr);
		break;
	case SIM_EV_page_alloc:
		fprintf(tt->out, "page pfn %#lx allocated\n", ev->pfn);
		break;
	case SIM_EV_page_free:
		fprintf(tt->out, "page pfn %#lx freed\n", ev->pfn);
		break;
	case SIM_EV_page_copy:
		fprintf(tt->out, "copy pfn %#lx -> pfn %#lx\n", (unsigned long)ev->arg, ev->pfn);
		break;
	case SIM_EV_rmap_add:
	case SIM_EV_rmap_remove:
		fprintf(tt->out, "pfn %#lx mapcount %ld\n", ev->pfn, ev->arg);
		break;
	case SIM_EV_page_flags:
		fprintf(tt->out, "pfn %#lx flags %#llx -> %#llx\n", ev->pfn,
			(unsigned long long)ev->old, (unsigned long long)ev->new);
		break;
	case SIM_EV_vma_add:
	case SIM_EV_vma_remove:
		vma_perms((unsigned long)ev->old, perms);
		fprintf(tt->out, "vma %s %#lx-%#lx %s %s\n", proc_name(ev->mm), ev->addr,
			(unsigned long)ev->arg, perms,
			ev->type == SIM_EV_vma_add ? "added" : "removed");
		break;
	case SIM_EV_vma_adjust:
		fprintf(tt->out, "vma %s %#lx-%#lx (was %#llx-%#llx)\n", proc_name(ev->mm), ev->addr,
			(unsigned long)ev->arg, (unsigned long long)ev->old,
			(unsigned long long)ev->new);
		break;
	case SIM_EV_fault_done:
		fprintf(tt->out, "= %s\n", ev->arg & FAULT_ERROR_BITS ? "error" : ev->new ? "major fault" : "minor fault");
		break;
	case SIM_EV_signal:
		fprintf(tt->out, "%s at %#lx\n", ev->arg == SIGSEGV ? "SIGSEGV" : "SIGBUS", ev->addr);
		break;
	case SIM_EV_note:
		fprintf(tt->out, "# %s\n", ev->text);
		break;
	case SIM_EV_cache:
		fprintf(tt->out, "page cache of inode %ld, index %#lx: pfn %#lx %s\n", ev->arg,
			ev->addr, ev->pfn, ev->text);
		break;
	case SIM_EV_inode:
		fprintf(tt->out, "inode %ld: %s\n", ev->arg, ev->text);
		break;
	case SIM_EV_swap:
		if (ev->pfn)
			fprintf(tt->out, "swap slot %#lx (swap_map %#lx): pfn %#lx %s\n", ev->addr,
				(unsigned long)ev->arg, ev->pfn, ev->text);
		else
			fprintf(tt->out, "swap slot %#lx %s (swap_map %#lx)\n", ev->addr, ev->text,
				(unsigned long)ev->arg);
		break;
	case SIM_EV_oom:
		fprintf(tt->out, "OOM killer: kill pid %ld (%s), badness %llu pages\n", ev->arg,
			ev->text, (unsigned long long)ev->new);
		break;
	default:
		fprintf(tt->out, "%s\n", sim_event_names[ev->type]);
		break;
	}
}

static void on_event(void *data, const struct sim_event *ev)
{
	struct scn_text_tracer *tt = data;

	switch (ev->type) {
	case SIM_EV_fn_enter:
		if (tt->mode != SCN_TRACE_CALLS)
			return;
		flush_pending(tt);
		tt->pending = (int)ev->fn;
		tt->pending_depth = ev->depth;
		return;
	case SIM_EV_fn_exit:
		if (tt->mode != SCN_TRACE_CALLS)
			return;
		if (tt->pending == (int)ev->fn && tt->pending_depth == ev->depth) {
			pad(tt, ev->depth);
			fprintf(tt->out, "%s();\n", sim_fn_names[ev->fn]);
			tt->pending = -1;
			return;
		}
		flush_pending(tt);
		pad(tt, ev->depth);
		fprintf(tt->out, "}\n");
		return;
	case SIM_EV_access:
	case SIM_EV_rmap_add:
	case SIM_EV_rmap_remove:
		return; /* the runner reports accesses; mapcounts show in views */
	default:
		flush_pending(tt);
		print_event(tt, ev);
	}
}

struct scn_text_tracer *scn_text_tracer_new(FILE *out, enum scn_trace_mode mode, int indent)
{
	struct scn_text_tracer *tt = g_new0(struct scn_text_tracer, 1);

	tt->out = out;
	tt->mode = mode;
	tt->indent = indent;
	tt->pending = -1;
	return tt;
}

void scn_text_tracer_attach(struct scn_text_tracer *tt, struct sim_tracer *tracer)
{
	sim_trace_attach(tracer, (struct sim_trace_listener){ .event = on_event, .data = tt });
}

void scn_text_tracer_free(struct scn_text_tracer *tt)
{
	g_free(tt);
}
