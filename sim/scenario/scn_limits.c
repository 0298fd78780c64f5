// SPDX-License-Identifier: GPL-2.0
/*
 * scn_limits.c - the work a scenario implies, bounded before it runs (scn_limits.h).
 *
 * The parser bounds each number on its own: no mapping or object is over
 * 64 GiB, no range over 16M pages, no more than 5000 statements. Taken
 * together they could still ask for hours of work (5000 statements, each
 * reading a 64 GiB mapping page by page), so this pass walks the statements
 * once, follows the size of every mapping and object as the scenario
 * changes it, and adds up the pages each statement walks. A scenario over
 * SCN_MAX_WORK_PAGES is refused at the statement that crosses the limit.
 *
 * The count is an upper bound on what the model does, not a prediction:
 * fork and exit count every mapping known at that point, the views of the
 * frames every frame, a munmap never shrinks a mapping's count. Left out:
 * the invariant checker (--check-invariants), which is a debugging option
 * and costs a walk of every frame and page table after every statement.
 */
#include "scn_limits.h"

#include <inttypes.h>

struct work {
	const struct scn_file *f;
	GHashTable *maps;    /* mapping name -> pages */
	GHashTable *objects; /* object name -> bytes */
	uint64_t total;
};

static uint64_t lookup(GHashTable *h, const char *name)
{
	return name ? (uint64_t)(uintptr_t)g_hash_table_lookup(h, name) : 0;
}

static void set(GHashTable *h, const char *name, uint64_t v)
{
	if (name)
		g_hash_table_insert(h, (gpointer)name, (gpointer)(uintptr_t)v);
}

static uint64_t pages_of(uint64_t bytes)
{
	return bytes / SCN_PAGE_SIZE + (bytes % SCN_PAGE_SIZE != 0);
}

/* The pages a reference walks; a whole mapping or object at its size now. */
static uint64_t ref_pages(const struct scn_ref *r, uint64_t whole)
{
	switch (r->kind) {
	case SCN_REF_PAGES:
		return r->last - r->first + 1;
	case SCN_REF_BYTE:
		return 1;
	default:
		return whole ? whole : 1;
	}
}

/* Every mapping known now: what fork, exit and the per-process views walk at most. */
static uint64_t all_mappings(const struct work *w)
{
	GHashTableIter it;
	gpointer v;
	uint64_t sum = 0;

	g_hash_table_iter_init(&it, w->maps);
	while (g_hash_table_iter_next(&it, NULL, &v))
		sum += (uint64_t)(uintptr_t)v;
	return sum;
}

static uint64_t object_pages(const struct work *w, const char *name)
{
	return pages_of(lookup(w->objects, name));
}

/* A pwrite past the end grows the object, as the runner does. */
static void grow_object(struct work *w, const struct scn_ref *r)
{
	uint64_t end = r->kind == SCN_REF_BYTE	? r->offset + 8
		       : r->kind == SCN_REF_PAGES ? r->last * SCN_PAGE_SIZE + 8
						  : 0;

	if (end > lookup(w->objects, r->name))
		set(w->objects, r->name, end);
}

/* The page steps of one statement; updates the sizes it changes. */
static uint64_t stmt_work(struct work *w, const struct scn_stmt *s)
{
	const struct scn_config *c = &w->f->config;
	uint64_t map = lookup(w->maps, s->ref.name), n;

	switch (s->kind) {
	case SCN_MMAP:
		if (s->outcome.kind == SCN_OUT_OK)
			set(w->maps, s->name, s->mmap.size / SCN_PAGE_SIZE);
		/* MAP_POPULATE faults every page in; MAP_FIXED unmaps what was there. */
		return s->mmap.populate || s->mmap.fixed ? s->mmap.size / SCN_PAGE_SIZE : 1;
	case SCN_MREMAP:
		if (s->outcome.kind == SCN_OUT_OK)
			set(w->maps, s->ref.name, s->size / SCN_PAGE_SIZE);
		return map + s->size / SCN_PAGE_SIZE;
	case SCN_MUNMAP:
	case SCN_MPROTECT:
	case SCN_MADVISE:
	case SCN_MSYNC:
	case SCN_READ:
	case SCN_WRITE:
	case SCN_EXPECT_PAGE:
		return ref_pages(&s->ref, map);
	case SCN_EXPECT_SAME:
	case SCN_EXPECT_DIFFERS:
		return ref_pages(&s->ref, map) + ref_pages(&s->ref2, lookup(w->maps, s->ref2.name));
	case SCN_EXPECT_SMAPS:
		return map * (uint64_t)MAX(s->nkvs, 1);
	case SCN_SHMDT:
		return map;
	case SCN_FILE:
	case SCN_SHM_OPEN:
	case SCN_MEMFD:
	case SCN_SHMGET:
		if (s->outcome.kind == SCN_OUT_OK)
			set(w->objects, s->name, s->size);
		return pages_of(s->size);
	case SCN_SHMAT:
		n = object_pages(w, s->object);
		if (s->outcome.kind == SCN_OUT_OK)
			set(w->maps, s->name, n);
		return n;
	case SCN_SHMCTL:
	case SCN_FSYNC:
		return object_pages(w, s->object);
	case SCN_FTRUNCATE:
		n = MAX(object_pages(w, s->object), pages_of(s->size));
		set(w->objects, s->object, s->size);
		return n;
	case SCN_PWRITE:
		n = ref_pages(&s->ref, object_pages(w, s->ref.name));
		grow_object(w, &s->ref);
		return n;
	case SCN_PREAD:
	case SCN_FADVISE:
	case SCN_EXPECT_CACHE:
		return ref_pages(&s->ref, object_pages(w, s->ref.name));
	case SCN_FORK:
	case SCN_EXIT:
		return all_mappings(w);
	case SCN_RECLAIM:
	case SCN_WRITEBACK:
	case SCN_EXPECT_SWAP:
		return c->ram_pages + c->swap_pages;
	case SCN_EXPECT_MEMINFO:
		return c->ram_pages * (uint64_t)MAX(s->nkvs, 1);
	case SCN_SHOW:
		switch (s->view) {
		case SCN_VIEW_PAGETABLE:
		case SCN_VIEW_MAPS:
		case SCN_VIEW_SMAPS:
			return all_mappings(w);
		case SCN_VIEW_CACHE:
			return object_pages(w, s->object);
		default:
			return c->ram_pages + c->swap_pages;
		}
	default:
		return 1;
	}
}

/*
 * Walk the statements; stop at the first that takes the total over @limit
 * (*at is its index) or at the end (*at is -1).
 */
static uint64_t walk(const struct scn_file *f, uint64_t limit, int *at)
{
	struct work w = { .f = f };

	w.maps = g_hash_table_new(g_str_hash, g_str_equal);
	w.objects = g_hash_table_new(g_str_hash, g_str_equal);
	/* Setting up the machine walks every frame and swap slot once. */
	w.total = f->config.ram_pages + f->config.swap_pages;
	*at = -1;
	for (int i = 0; i < f->nstmts; i++) {
		uint64_t n = stmt_work(&w, &f->stmts[i]) + 1;

		/* The parser's limits keep each term far below 2^48: no overflow. */
		w.total += MIN(n, (uint64_t)1 << 48);
		if (w.total > limit) {
			*at = i;
			break;
		}
	}
	g_hash_table_destroy(w.maps);
	g_hash_table_destroy(w.objects);
	return w.total;
}

uint64_t scn_estimate_work(const struct scn_file *f)
{
	int at;

	return walk(f, UINT64_MAX, &at);
}

bool scn_check_limits(const struct scn_file *f, GError **err)
{
	int at;
	uint64_t total = walk(f, SCN_MAX_WORK_PAGES, &at);
	char *what, *msg;

	if (at < 0)
		return true;
	what = g_strdup_printf("too much work: the scenario walks %" PRIu64 " pages up to here, "
			       "over the limit of %" PRIu64 " page steps (see docs/limits.md)",
			       total, (uint64_t)SCN_MAX_WORK_PAGES);
	msg = scn_format_error(f, f->stmts[at].loc, what);
	g_set_error_literal(err, SCN_ERROR, SCN_ERROR_REFUSED, msg);
	g_free(msg);
	g_free(what);
	return false;
}
