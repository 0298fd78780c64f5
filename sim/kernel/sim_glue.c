// SPDX-License-Identifier: GPL-2.0
/*
 * sim_glue.c - counted allocation and BUG() for the model (kernel_glue.h).
 *
 * No kernel counterpart: this is where kmalloc, kmem_cache_alloc and the
 * BUG() machinery of the kernel are stood in for. Counts are global (one
 * simulated machine at a time per process is the rule; tests that build
 * several in turn check the counts return to zero between them).
 */
#include "kernel_glue.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long outstanding[SIM_NR_ALLOC_KINDS];

static const char *const kind_names[SIM_NR_ALLOC_KINDS] = {
	[SIM_ALLOC_MM] = "mm_struct",
	[SIM_ALLOC_VMA] = "vm_area_struct",
	[SIM_ALLOC_ANON_VMA] = "anon_vma",
	[SIM_ALLOC_AVC] = "anon_vma_chain",
	[SIM_ALLOC_PGTABLE] = "page table",
	[SIM_ALLOC_PAGE_DATA] = "page data",
	[SIM_ALLOC_TASK] = "task_struct",
	[SIM_ALLOC_RADIX_NODE] = "radix_tree_node",
	[SIM_ALLOC_INODE] = "inode",
	[SIM_ALLOC_FILE] = "file",
	[SIM_ALLOC_SHM] = "shmid_kernel",
	[SIM_ALLOC_OTHER] = "other",
};

void *sim_kzalloc(enum sim_alloc_kind kind, size_t size)
{
	outstanding[kind]++;
	return g_malloc0(size);
}

void *sim_kzalloc_aligned(enum sim_alloc_kind kind, size_t size, size_t align)
{
	void *p = NULL;

	if (posix_memalign(&p, align, size) != 0)
		g_error("out of host memory (%zu bytes)", size);
	memset(p, 0, size);
	outstanding[kind]++;
	return p;
}

/* Frees memory from either allocator above (glib's g_free is free()). */
void sim_kfree(enum sim_alloc_kind kind, void *p)
{
	if (!p)
		return;
	BUG_ON(outstanding[kind] <= 0);
	outstanding[kind]--;
	free(p);
}

void sim_alloc_count(enum sim_alloc_kind kind, long delta)
{
	outstanding[kind] += delta;
	BUG_ON(outstanding[kind] < 0);
}

long sim_alloc_outstanding(enum sim_alloc_kind kind)
{
	return outstanding[kind];
}

const char *sim_alloc_kind_name(enum sim_alloc_kind kind)
{
	return kind_names[kind];
}

void sim_bug(const char *file, int line, const char *cond)
{
	fprintf(stderr, "mmsim: BUG at %s:%d: %s\n"
			"This is a bug in mmsim's model, not in your scenario. Please report it.\n",
		file, line, cond);
	abort();
}
