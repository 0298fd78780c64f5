// SPDX-License-Identifier: GPL-2.0
/*
 * pte_text.c - a PTE value in words (pte_text.h). The bit layout is drawn
 * in sim/kernel/pgtable.h.
 */
#include "pte_text.h"

#include "pgtable.h"
#include "sim_machine.h"

#include <stdio.h>
#include <string.h>

static void append(char *buf, size_t len, size_t *used, const char *s)
{
	int n = snprintf(buf + *used, len > *used ? len - *used : 0, "%s", s);

	if (n > 0)
		*used += (size_t)n;
}

void viz_describe_pte(uint64_t val, char *buf, size_t len)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} bits[] = {
		{ _PAGE_PRESENT, " P" }, { _PAGE_RW, " RW" },	   { _PAGE_USER, " US" },
		{ _PAGE_ACCESSED, " A" }, { _PAGE_DIRTY, " D" },   { _PAGE_NX, " NX" },
		{ _PAGE_SPECIAL, " special" },
	};
	pte_t pte = { val };
	size_t used = 0;
	char head[64];

	if (pte_none(pte)) {
		snprintf(buf, len, "none");
		return;
	}
	if (!pte_present(pte)) {
		snprintf(buf, len, "swap %u:%#lx%s", __swp_pte_type(pte), __swp_pte_offset(pte),
			 pte_swp_exclusive(pte) ? " exclusive" : "");
		return;
	}
	if (is_zero_pfn(pte_pfn(pte)))
		snprintf(head, sizeof(head), "zero page");
	else
		snprintf(head, sizeof(head), "pfn %#lx", pte_pfn(pte));
	buf[0] = '\0';
	if (pte_protnone(pte))
		append(buf, len, &used, "protnone ");
	append(buf, len, &used, head);
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (val & bits[i].bit)
			append(buf, len, &used, bits[i].name);
}
