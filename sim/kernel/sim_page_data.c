// SPDX-License-Identifier: GPL-2.0
/*
 * sim_page_data.c - the contents of simulated frames.
 *
 * No kernel counterpart: this stands in for the bytes of physical memory.
 * A scenario reads and writes 8-byte words, so a frame's contents are kept
 * as the words written to it, sorted by offset; a frame nobody wrote reads as
 * zeroes and costs nothing (page->sim_data is NULL). This is what lets a
 * million-frame machine fit in the metadata budget.
 *
 * A page read from a regular file starts with the file's defined content:
 * the word at file offset o holds o (up to the end of the file, zeroes
 * after). That is a "pattern" (base, len): a word not written explicitly at
 * page offset x < len reads base + x.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct sim_word {
	u32 offset;
	u64 value;
};

struct sim_page_data {
	u32 nr, cap;
	u64 base;     /* pattern: file offset of the page's first byte */
	u32 base_len; /* pattern: bytes of the page it covers (0: none) */
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
	if (i < d->nr && d->words[i].offset == offset)
		return d->words[i].value;
	return offset < d->base_len ? d->base + offset : 0;
}

/*
 * Most frames hold one written word, so blocks start with room for one.
 * One-word blocks come from slabs of SLAB_BLOCKS (a tiny kmem_cache: the
 * first-touch fault path needs one per fault, and malloc per block cost a
 * fifth of the fault). A block counts as allocated while a page holds it;
 * sim_page_data_drain() frees the slabs at machine teardown.
 */
#define SLAB_BLOCKS 256
#define ONE_WORD_BLOCK (sizeof(struct sim_page_data) + sizeof(struct sim_word))

struct data_slab {
	struct data_slab *next;
	u64 blocks[]; /* SLAB_BLOCKS blocks of ONE_WORD_BLOCK bytes */
};

static struct sim_page_data *one_word_cache; /* free blocks, linked through ->base */
static struct data_slab *slabs;

static void new_slab(void)
{
	struct data_slab *slab = malloc(sizeof(*slab) + SLAB_BLOCKS * ONE_WORD_BLOCK);

	if (!slab)
		BUG(); /* the host is out of memory */
	slab->next = slabs;
	slabs = slab;
	for (int i = 0; i < SLAB_BLOCKS; i++) {
		struct sim_page_data *d = (void *)((char *)slab->blocks + i * ONE_WORD_BLOCK);

		d->base = (u64)(uintptr_t)one_word_cache;
		one_word_cache = d;
	}
}

static struct sim_page_data *alloc_data(u32 cap)
{
	struct sim_page_data *n;

	if (cap == 1) {
		if (!one_word_cache)
			new_slab();
		n = one_word_cache;
		one_word_cache = (struct sim_page_data *)(uintptr_t)n->base;
		sim_alloc_count(SIM_ALLOC_PAGE_DATA, 1);
	} else {
		n = sim_kzalloc(SIM_ALLOC_PAGE_DATA, sizeof(*n) + cap * sizeof(struct sim_word));
	}
	n->nr = 0;
	n->base = 0;
	n->base_len = 0;
	n->cap = cap;
	return n;
}

static void free_data(struct sim_page_data *d)
{
	if (d && d->cap == 1) {
		d->base = (u64)(uintptr_t)one_word_cache;
		one_word_cache = d;
		sim_alloc_count(SIM_ALLOC_PAGE_DATA, -1);
		return;
	}
	sim_kfree(SIM_ALLOC_PAGE_DATA, d);
}

/* Free the slabs (the machine is going away: no page holds a block). */
void sim_page_data_drain(void)
{
	while (slabs) {
		struct data_slab *slab = slabs;

		slabs = slab->next;
		free(slab);
	}
	one_word_cache = NULL;
}

static struct sim_page_data *grow(struct sim_page_data *d)
{
	struct sim_page_data *n = alloc_data(d ? d->cap * 2 : 1);

	if (d) {
		memcpy(n->words, d->words, d->nr * sizeof(struct sim_word));
		n->nr = d->nr;
		n->base = d->base;
		n->base_len = d->base_len;
		free_data(d);
	}
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
	free_data(page->sim_data);
	page->sim_data = NULL;
}

static struct sim_page_data *data_dup(const struct sim_page_data *d)
{
	struct sim_page_data *n;

	if (!d)
		return NULL;
	n = alloc_data(d->cap);
	memcpy(n, d, sizeof(*d) + d->nr * sizeof(struct sim_word));
	return n;
}

/* Copy the contents of @from into @to, as a COW does (include/linux/highmem.h). */
void copy_user_highpage(struct page *to, const struct page *from)
{
	clear_highpage(to);
	to->sim_data = data_dup(from->sim_data);
}

/* The page holds the file's defined content from file offset @base, @len bytes of it. */
void sim_page_set_pattern(struct page *page, u64 base, unsigned len)
{
	clear_highpage(page);
	if (!len)
		return;
	page->sim_data = grow(NULL);
	page->sim_data->base = base;
	page->sim_data->base_len = len;
}

/* Bytes from @offset to the end of the page read as zero (ext4 at EOF, truncate). */
void sim_page_zero_from(struct page *page, unsigned offset)
{
	struct sim_page_data *d = page->sim_data;

	if (!d)
		return;
	d->nr = find_word(d, offset);
	if (d->base_len > offset)
		d->base_len = offset;
}

/* A copy of the page's contents, for the disk (never NULL: zeroes are a copy too). */
struct sim_page_data *sim_page_data_save(const struct page *page)
{
	return page->sim_data ? data_dup(page->sim_data) : grow(NULL);
}

/* The page's contents become @d (a copy of it). */
void sim_page_data_load(struct page *page, const struct sim_page_data *d)
{
	clear_highpage(page);
	page->sim_data = data_dup(d);
}

/* A page of zeroes, as the disk keeps a freed block. */
struct sim_page_data *sim_page_data_zeroes(void)
{
	return grow(NULL);
}

void sim_page_data_free(struct sim_page_data *d)
{
	free_data(d);
}
