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
 * When the page is read back, workingset_refault finds the shadow: the
 * refault distance is how far the clock moved meanwhile. If it is no more
 * than the active file list's size, the page would have stayed had it been
 * active: it comes back on the active list (workingset_activate_file).
 * Every refault counts workingset_refault_file.
 *
 * Not modelled: memcg ids (0), nodes (0), shadow node shrinking, the
 * workingset_restore counter (v5.9), anon shadows in the swap cache (v5.9:
 * anonymous refaults here are counted on swap-in instead).
 */
#include "fs.h"
#include "internal.h"

/*
 * What the refault distance is compared with: the active file list (v4.19);
 * since v5.x also the anon lists when there is swap to move anon pages to
 * (workingset_test_recent). On a small simulated machine these lists are
 * small, so fewer refaults activate than on a large real one.
 */
static unsigned long workingset_size(struct sim_machine *m)
{
	long size = global_node_page_state(m, NR_ACTIVE_FILE);

	if (m->cfg.kernel == SIM_KERNEL_6_18 && m->swap)
		size += global_node_page_state(m, NR_ACTIVE_ANON) +
			global_node_page_state(m, NR_INACTIVE_ANON);
	return size < 0 ? 0 : (unsigned long)size;
}

/* @page is being added where @shadow was: was it evicted too early? */
void workingset_refault(struct sim_machine *m, struct page *page, void *shadow)
{
	TRACE_FUNC(TR(m), workingset_refault);
	unsigned long eviction, distance;
	int memcgid, nid;

	unpack_shadow(shadow, &memcgid, &nid, &eviction, 0);
	distance = (m->inactive_age - eviction) & EVICTION_MASK;
	count_vm_event(m, WORKINGSET_REFAULT_FILE);
	if (distance > workingset_size(m)) {
		sim_note(m, "refault: evicted long ago, it comes back inactive");
		return;
	}
	sim_note(m, "refault: evicted too early, it comes back active");
	SetPageActive(page);
	m->inactive_age++;
	count_vm_event(m, WORKINGSET_ACTIVATE_FILE);
}

void *workingset_eviction(struct address_space *mapping, struct page *page)
{
	struct sim_machine *m = mapping->host->sim;
	TRACE_FUNC(TR(m), workingset_eviction);
	unsigned long eviction = ++m->inactive_age;

	return pack_shadow(0, 0, eviction, 0);
}
