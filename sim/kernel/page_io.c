// SPDX-License-Identifier: GPL-2.0
/*
 * page_io.c - writing pages to the swap device and reading them back.
 * Models mm/page_io.c (Linux v4.19, with the zero-page shortcut of 6.12).
 *
 * swap_writepage copies the page's contents to its slot (pswpout, pgpgout)
 * and leaves it under writeback: on a disk that lasts until `writeback`
 * (end_page_writeback: nr_written); zram finishes at once. Under the 6.18
 * profile a page of zeroes is not written: the slot is marked in the
 * zeromap (swpout_zero) and the page is clean at once.
 */
#include "internal.h"
#include "swap.h"

static bool page_is_zero_filled(const struct page *page)
{
	for (unsigned off = 0; off < PAGE_SIZE; off += 8)
		if (sim_page_read_word(page, off))
			return false;
	return true;
}

void end_page_writeback(struct sim_machine *m, struct page *page)
{
	if (!TestClearPageWriteback(page))
		return;
	mod_node_page_state(m, NR_WRITEBACK, -1);
	mod_node_page_state(m, NR_WRITTEN, 1);
}

int swap_writepage(struct sim_machine *m, struct page *page)
{
	TRACE_FUNC(TR(m), swap_writepage);
	struct swap_info_struct *si = m->swap;
	unsigned long offset = swp_offset(page_swp_entry(page));

	if (m->cfg.kernel == SIM_KERNEL_6_18 && page_is_zero_filled(page)) {
		sim_note(m, "a page of zeroes: not written, the slot is marked in the zeromap");
		si->zeromap[offset] = 1;
		sim_page_data_free(si->data[offset]);
		si->data[offset] = NULL;
		count_vm_event(m, SWPOUT_ZERO);
		return 0;
	}
	si->zeromap[offset] = 0;
	sim_page_data_free(si->data[offset]);
	si->data[offset] = sim_page_data_save(page);
	SetPageWriteback(page);
	mod_node_page_state(m, NR_WRITEBACK, 1);
	count_vm_event(m, PSWPOUT);
	mod_node_page_state(m, PGPGOUT, PAGE_SIZE >> 10);
	if (si->synchronous)
		end_page_writeback(m, page);
	return 0;
}

void swap_readpage(struct sim_machine *m, struct page *page, swp_entry_t entry)
{
	TRACE_FUNC(TR(m), swap_readpage);
	struct swap_info_struct *si = m->swap;
	unsigned long offset = swp_offset(entry);

	if (si->zeromap[offset]) {
		clear_highpage(page);
		count_vm_event(m, SWPIN_ZERO);
	} else {
		sim_page_data_load(page, si->data[offset]);
		count_vm_event(m, PSWPIN);
		mod_node_page_state(m, PGPGIN, PAGE_SIZE >> 10);
	}
	SetPageUptodate(page);
}
