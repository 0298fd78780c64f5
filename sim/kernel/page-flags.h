/* SPDX-License-Identifier: GPL-2.0 */
/*
 * page-flags.h - the PG_* bits of struct page and their accessors.
 * Models include/linux/page-flags.h (Linux v4.19), plus PG_anon_exclusive
 * (v5.19) which the kernel=6.18 profile uses to decide COW reuse.
 *
 * Not modelled: compound/head/tail, slab, mlocked, hwpoison, idle/young.
 */
#ifndef MMSIM_PAGE_FLAGS_H
#define MMSIM_PAGE_FLAGS_H

#include "mm_types.h"

enum pageflags {
	PG_locked,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_active,
	PG_workingset,
	PG_reserved,
	PG_private,
	PG_writeback,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_swapcache,
	PG_anon_exclusive, /* v5.19+: this anon page is mapped by one process only */
	PG_buddy,	   /* on the free list (a page type in the kernel) */
	__NR_PAGEFLAGS
};

#define PAGEFLAG(uname, lname)                                                                     \
	static inline bool Page##uname(const struct page *page)                                    \
	{                                                                                          \
		return page->flags & (1UL << PG_##lname);                                          \
	}                                                                                          \
	static inline void SetPage##uname(struct page *page)                                       \
	{                                                                                          \
		page->flags |= 1UL << PG_##lname;                                                  \
	}                                                                                          \
	static inline void ClearPage##uname(struct page *page)                                     \
	{                                                                                          \
		page->flags &= ~(1UL << PG_##lname);                                               \
	}                                                                                          \
	static inline bool TestClearPage##uname(struct page *page)                                 \
	{                                                                                          \
		bool was = Page##uname(page);                                                      \
		ClearPage##uname(page);                                                            \
		return was;                                                                        \
	}

PAGEFLAG(Locked, locked)
PAGEFLAG(Referenced, referenced)
PAGEFLAG(Uptodate, uptodate)
PAGEFLAG(Dirty, dirty)
PAGEFLAG(LRU, lru)
PAGEFLAG(Active, active)
PAGEFLAG(Workingset, workingset)
PAGEFLAG(Reserved, reserved)
PAGEFLAG(Private, private)
PAGEFLAG(Writeback, writeback)
PAGEFLAG(Reclaim, reclaim)
PAGEFLAG(SwapBacked, swapbacked)
PAGEFLAG(Unevictable, unevictable)
PAGEFLAG(SwapCache, swapcache)
PAGEFLAG(AnonExclusive, anon_exclusive)
PAGEFLAG(Buddy, buddy)

/* PG_readahead shares its bit with PG_reclaim, as in the kernel. */
PAGEFLAG(Readahead, reclaim)

static inline bool PageAnon(const struct page *page)
{
	return ((unsigned long)page->mapping & PAGE_MAPPING_ANON) != 0;
}

static inline struct anon_vma *page_anon_vma(const struct page *page)
{
	if (!PageAnon(page))
		return NULL;
	return (struct anon_vma *)((unsigned long)page->mapping - PAGE_MAPPING_ANON);
}

static inline int page_mapcount(const struct page *page)
{
	return page->_mapcount + 1;
}

static inline bool page_mapped(const struct page *page)
{
	return page_mapcount(page) > 0;
}

static inline int page_count(const struct page *page)
{
	return page->_refcount;
}

/* The names of the flags, for views and dumps ("locked", "dirty"...). */
extern const char *const pageflag_names[__NR_PAGEFLAGS];

#endif /* MMSIM_PAGE_FLAGS_H */
