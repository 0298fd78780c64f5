// SPDX-License-Identifier: GPL-2.0
/*
 * sim_machine.c - creating and destroying the simulated machine.
 *
 * No kernel counterpart (free_area_init and mem_init play this part in
 * Linux). pfn 0 is the shared zero page (mm/memory.c's zero_pfn), reserved
 * and never freed; pfns 1..ram_pages are the RAM, all free at start.
 */
#include "fs.h"
#include "internal.h"
#include "swap.h"

#include <stdio.h>
#include <string.h>

const char *const pageflag_names[__NR_PAGEFLAGS] = {
	[PG_locked] = "locked",	    [PG_referenced] = "referenced",
	[PG_uptodate] = "uptodate", [PG_dirty] = "dirty",
	[PG_lru] = "lru",	    [PG_active] = "active",
	[PG_workingset] = "workingset", [PG_reserved] = "reserved",
	[PG_private] = "private",   [PG_writeback] = "writeback",
	[PG_reclaim] = "reclaim",   [PG_swapbacked] = "swapbacked",
	[PG_unevictable] = "unevictable", [PG_swapcache] = "swapcache",
	[PG_anon_exclusive] = "anon_exclusive", [PG_buddy] = "buddy",
};

struct sim_machine *sim_machine_create(const struct sim_config *cfg)
{
	struct sim_machine *m = sim_kzalloc(SIM_ALLOC_OTHER, sizeof(*m));

	m->cfg = *cfg;
	m->nr_frames = cfg->ram_pages + 1;
	m->mem_map = sim_kzalloc(SIM_ALLOC_OTHER, m->nr_frames * sizeof(struct page));
	INIT_LIST_HEAD(&m->free_list);
	INIT_LIST_HEAD(&m->tasks);
	INIT_LIST_HEAD(&m->inodes);
	INIT_LIST_HEAD(&m->shm_segments);
	for (int i = 0; i < NR_LRU_LISTS; i++)
		INIT_LIST_HEAD(&m->lru[i]);
	m->next_pid = 1;

	struct page *zero = &m->mem_map[ZERO_PFN];
	zero->_mapcount = -1;
	zero->_refcount = 1;
	SetPageReserved(zero);
	SetPageUptodate(zero);

	for (unsigned long pfn = 1; pfn < m->nr_frames; pfn++) {
		struct page *page = &m->mem_map[pfn];

		page->_mapcount = -1;
		SetPageBuddy(page);
		list_add_tail(&page->lru, &m->free_list);
	}
	m->nr_free = cfg->ram_pages;
	m->vm_stat[NR_FREE_PAGES] = (long)cfg->ram_pages;
	if (cfg->swap_pages >= 2)
		sim_swapon(m, cfg->swap_pages, cfg->swap_synchronous);
	return m;
}

/*
 * Tear down every task still alive, the SysV segments, every inode (the
 * driver closed its files first), then the machine.
 */
void sim_machine_destroy(struct sim_machine *m)
{
	struct task_struct *t, *tmp;

	if (!m)
		return;
	list_for_each_entry_safe(t, tmp, &m->tasks, tasks) {
		if (!t->exited)
			sim_exit(t);
		list_del(&t->tasks);
		sim_kfree(SIM_ALLOC_TASK, t);
	}
	sim_shm_destroy_all(m);
	sim_evict_all_inodes(m);
	sim_swap_drain(m);
	sim_swapoff(m);
	for (unsigned long pfn = 0; pfn < m->nr_frames; pfn++)
		BUG_ON(m->mem_map[pfn].sim_data && pfn != ZERO_PFN);
	if (!sim_alloc_outstanding(SIM_ALLOC_PAGE_DATA))
		sim_page_data_drain(); /* no other machine of this process holds a block */
	sim_kfree(SIM_ALLOC_OTHER, m->mem_map);
	sim_kfree(SIM_ALLOC_OTHER, m);
}

/* Like the kernel's dump_page: what we know of a page, on stderr, before a BUG. */
void dump_page(const struct page *page, const char *reason)
{
	fprintf(stderr, "page:%p refcount:%d mapcount:%d mapping:%p index:%#lx flags:%#lx\n",
		(const void *)page, page->_refcount, page_mapcount(page),
		(void *)page->mapping, page->index, page->flags);
	fprintf(stderr, "page dumped because: %s\n", reason);
}
