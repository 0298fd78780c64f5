// SPDX-License-Identifier: GPL-2.0
/*
 * sim_page_data.c - the contents of simulated frames.
 *
 * No kernel counterpart: this stands in for the bytes of physical memory.
 * A scenario reads and writes 8-byte words, so a frame's contents are kept
 * as the words written to it, sorted by offset; a frame nobody wrote reads as
 * zeroes and costs nothing (page->sim_data is NULL). This is what lets a
 * million-frame machine fit in the metadata budget.
 */
#include "internal.h"

#include <string.h>

struct sim_word {
	u32 offset;
	u64 value;
};

struct sim_page_data {
	u32 nr, cap;
	struct sim_word words[];
};

/* Index of the first word at or after @offset. */
static u32 find_word(const struct sim_page_data *d, unsigned offset)
{
	u32 lo = 0, hi = d->nr;

	while (lo < hi) {
		u32 mid = (lo + hi) / 2;

		if (d->words[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

u64 sim_page_read_word(const struct page *page, unsigned offset)
{
	const struct sim_page_data *d = page->sim_data;
	u32 i;

	if (!d)
		return 0;
	i = find_word(d, offset);
	return i < d->nr && d->words[i].offset == offset ? d->words[i].value : 0;
}

static struct sim_page_data *grow(struct sim_page_data *d)
{
	u32 cap = d ? d->cap * 2 : 4;
	struct sim_page_data *n = sim_kzalloc(SIM_ALLOC_PAGE_DATA,
					      sizeof(*n) + cap * sizeof(struct sim_word));

	if (d) {
		memcpy(n->words, d->words, d->nr * sizeof(struct sim_word));
		n->nr = d->nr;
		sim_kfree(SIM_ALLOC_PAGE_DATA, d);
	}
	n->cap = cap;
	return n;
}

void sim_page_write_word(struct page *page, unsigned offset, u64 value)
{
	struct sim_page_data *d = page->sim_data;
	u32 i;

	BUG_ON(offset >= PAGE_SIZE || offset % 8);
	i = d ? find_word(d, offset) : 0;
	if (d && i < d->nr && d->words[i].offset == offset) {
		d->words[i].value = value;
		return;
	}
	if (!d || d->nr == d->cap)
		page->sim_data = d = grow(d);
	memmove(&d->words[i + 1], &d->words[i], (d->nr - i) * sizeof(struct sim_word));
	d->words[i] = (struct sim_word){ offset, value };
	d->nr++;
}

/* The frame reads as zeroes again (include/linux/highmem.h). */
void clear_highpage(struct page *page)
{
	sim_kfree(SIM_ALLOC_PAGE_DATA, page->sim_data);
	page->sim_data = NULL;
}

/* Copy the contents of @from into @to, as a COW does (include/linux/highmem.h). */
void copy_user_highpage(struct page *to, const struct page *from)
{
	const struct sim_page_data *d = from->sim_data;

	clear_highpage(to);
	if (!d)
		return;
	to->sim_data = sim_kzalloc(SIM_ALLOC_PAGE_DATA, sizeof(*d) + d->cap * sizeof(struct sim_word));
	memcpy(to->sim_data, d, sizeof(*d) + d->nr * sizeof(struct sim_word));
}
