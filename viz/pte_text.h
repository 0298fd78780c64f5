/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pte_text.h - a PTE value in words, for traces and views.
 */
#ifndef MMSIM_PTE_TEXT_H
#define MMSIM_PTE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Describe the x86-64 PTE value @val: "none", "pfn 0x3 P RW US A D NX",
 * "zero page P US A NX special", "protnone pfn 0x3 ...", "swap 0:0x5 excl".
 */
void viz_describe_pte(uint64_t val, char *buf, size_t len);

#endif /* MMSIM_PTE_TEXT_H */
