// SPDX-License-Identifier: GPL-2.0
/*
 * sim_trace.c - delivery of trace events to listeners (trace_events.h).
 *
 * No kernel counterpart; it plays the part of the tracepoint and ftrace
 * machinery. Events go to listeners in the order they attached.
 */
#include "trace_events.h"

#include <string.h>

const char *const sim_fn_names[SIM_NR_FNS] = {
#define SIM_FN_NAME(name) [SIM_FN_##name] = #name,
	SIM_TRACED_FUNCTIONS(SIM_FN_NAME)
#undef SIM_FN_NAME
};

const char *const sim_event_names[SIM_NR_EVENTS] = {
#define SIM_EV_NAME(name) [SIM_EV_##name] = #name,
	SIM_TRACE_EVENTS(SIM_EV_NAME)
#undef SIM_EV_NAME
};

void sim_trace_attach(struct sim_tracer *t, struct sim_trace_listener l)
{
	BUG_ON(t->nr_listeners >= SIM_MAX_LISTENERS);
	t->listeners[t->nr_listeners++] = l;
}

void sim_trace_detach(struct sim_tracer *t, void *data)
{
	for (int i = 0; i < t->nr_listeners; i++) {
		if (t->listeners[i].data != data)
			continue;
		memmove(&t->listeners[i], &t->listeners[i + 1],
			(size_t)(t->nr_listeners - i - 1) * sizeof(t->listeners[0]));
		t->nr_listeners--;
		return;
	}
}

void __sim_trace_emit(struct sim_tracer *t, struct sim_event *ev)
{
	ev->depth = t->depth;
	for (int i = 0; i < t->nr_listeners; i++)
		t->listeners[i].event(t->listeners[i].data, ev);
}

struct sim_fn_scope __sim_fn_enter(struct sim_tracer *t, enum sim_fn fn)
{
	struct sim_event ev = { .type = SIM_EV_fn_enter, .fn = fn };

	BUG_ON(t->depth >= SIM_MAX_DEPTH);
	t->stack[t->depth] = fn;
	__sim_trace_emit(t, &ev);
	t->depth++;
	return (struct sim_fn_scope){ t, fn, true };
}

void __sim_fn_exit(struct sim_fn_scope *s)
{
	struct sim_event ev = { .type = SIM_EV_fn_exit, .fn = s->fn };

	s->t->depth--;
	__sim_trace_emit(s->t, &ev);
}
