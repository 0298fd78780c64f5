// SPDX-License-Identifier: GPL-2.0
/*
 * workingset.c - what an evicted page leaves behind: a shadow entry.
 * Models mm/workingset.c (Linux v4.19), the eviction half.
 *
 * When reclaim drops a clean page-cache page, the page's slot keeps a shadow
 * entry: an exceptional entry packing the workingset clock (inactive_age,
 * which every eviction and activation advances) at eviction time. A later
 * fault that finds the shadow can tell how long the page was gone: its
 * refault distance.
 *
 * Not modelled yet: the refault half (workingset_refault, activation on
 * refault, the workingset_* counters) arrives with reclaim; memcg ids (0),
 * nodes (0), shadow node shrinking.
 */
#include "fs.h"
#include "internal.h"

void *workingset_eviction(struct address_space *mapping, struct page *page)
{
	struct sim_machine *m = mapping->host->sim;
	TRACE_FUNC(TR(m), workingset_eviction);
	unsigned long eviction = ++m->inactive_age;

	return pack_shadow(0, 0, eviction, 0);
}
