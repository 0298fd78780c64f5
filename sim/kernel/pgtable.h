/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pgtable.h - x86-64 four-level page tables and the bits of their entries.
 * Models arch/x86/include/asm/pgtable*.h and pgtable_types.h (Linux v4.19).
 *
 * A virtual address is split like this (4 KiB pages, 48 bits):
 *
 *   47        39 38        30 29        21 20        12 11           0
 *  +------------+------------+------------+------------+--------------+
 *  | PGD index  | PUD index  | PMD index  | PTE index  | page offset  |
 *  +------------+------------+------------+------------+--------------+
 *
 * Each table is one 4 KiB page of 512 eight-byte entries. An upper-level
 * entry holds the address of the next table and _PAGE_TABLE; a PTE holds a
 * frame number and the bits below (a present PTE), or a swap entry (a
 * non-present, non-empty PTE), or nothing (pte_none).
 *
 * Present PTE:
 *   63  62..52  51........12  11..9  8  7   6  5  4   3   2  1  0
 *  +--+-------+-------------+------+--+---+--+--+---+---+--+--+--+
 *  |NX|       |     PFN     |SW    |G |PAT|D |A |PCD|PWT|US|RW|P |
 *  +--+-------+-------------+------+--+---+--+--+---+---+--+--+--+
 *   bit 9 (SOFTW1) is _PAGE_SPECIAL: the zero page is mapped "special".
 *   A PROT_NONE PTE has P clear and bit 8 (_PAGE_PROTNONE) set.
 *
 * Swap PTE (L1TF-safe layout, v4.18+; P and PROTNONE clear):
 *   63....59 58..............................9  8  7..4  3     2..1 0
 *  +--------+----------------------------------+--+-----+----+-----+--+
 *  |  type  |        ~offset (inverted)        |0 |     |EXCL|     |0 |
 *  +--------+----------------------------------+--+-----+----+-----+--+
 *   bit 3 is _PAGE_SWP_EXCLUSIVE (v5.19+; used under kernel=6.18 only).
 *
 * Simplified: the address of a table is the host address of its memory
 * (tables do not take frames from the simulated RAM); views never print it.
 */
#ifndef MMSIM_PGTABLE_H
#define MMSIM_PGTABLE_H

#include "kernel_glue.h"

typedef struct {
	u64 pte;
} pte_t;
typedef struct {
	u64 pmd;
} pmd_t;
typedef struct {
	u64 pud;
} pud_t;
typedef struct {
	u64 pgd;
} pgd_t;
typedef struct {
	u64 pgprot;
} pgprot_t;

#define PGDIR_SHIFT 39
#define PUD_SHIFT 30
#define PMD_SHIFT 21
#define PTRS_PER_PGD 512
#define PTRS_PER_PUD 512
#define PTRS_PER_PMD 512
#define PTRS_PER_PTE 512
#define PGDIR_SIZE (1UL << PGDIR_SHIFT)
#define PUD_SIZE (1UL << PUD_SHIFT)
#define PMD_SIZE (1UL << PMD_SHIFT)
#define PGDIR_MASK (~(PGDIR_SIZE - 1))
#define PUD_MASK (~(PUD_SIZE - 1))
#define PMD_MASK (~(PMD_SIZE - 1))
#define TASK_SIZE 0x00007ffffffff000UL

#define _PAGE_BIT_PRESENT 0
#define _PAGE_BIT_RW 1
#define _PAGE_BIT_USER 2
#define _PAGE_BIT_PWT 3
#define _PAGE_BIT_PCD 4
#define _PAGE_BIT_ACCESSED 5
#define _PAGE_BIT_DIRTY 6
#define _PAGE_BIT_PSE 7
#define _PAGE_BIT_GLOBAL 8
#define _PAGE_BIT_SOFTW1 9
#define _PAGE_BIT_NX 63

#define _PAGE_PRESENT (1ULL << _PAGE_BIT_PRESENT)
#define _PAGE_RW (1ULL << _PAGE_BIT_RW)
#define _PAGE_USER (1ULL << _PAGE_BIT_USER)
#define _PAGE_PWT (1ULL << _PAGE_BIT_PWT)
#define _PAGE_ACCESSED (1ULL << _PAGE_BIT_ACCESSED)
#define _PAGE_DIRTY (1ULL << _PAGE_BIT_DIRTY)
#define _PAGE_SPECIAL (1ULL << _PAGE_BIT_SOFTW1)
#define _PAGE_PROTNONE (1ULL << _PAGE_BIT_GLOBAL)
#define _PAGE_NX (1ULL << _PAGE_BIT_NX)
#define _PAGE_SWP_EXCLUSIVE _PAGE_PWT

#define PTE_PFN_MASK 0x000ffffffffff000ULL
#define _PAGE_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)

/* The protections vm_get_page_prot() hands out (arch/x86 protection_map). */
#define PAGE_NONE ((pgprot_t){ _PAGE_PROTNONE | _PAGE_ACCESSED })
#define PAGE_SHARED ((pgprot_t){ _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX })
#define PAGE_COPY ((pgprot_t){ _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX })
#define PAGE_READONLY PAGE_COPY

static inline pte_t __pte(u64 v)
{
	return (pte_t){ v };
}
static inline u64 pte_val(pte_t pte)
{
	return pte.pte;
}
static inline bool pte_none(pte_t pte)
{
	return pte.pte == 0;
}
static inline bool pte_present(pte_t pte)
{
	return pte.pte & (_PAGE_PRESENT | _PAGE_PROTNONE);
}
static inline bool pte_protnone(pte_t pte)
{
	return (pte.pte & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}
static inline bool pte_write(pte_t pte)
{
	return pte.pte & _PAGE_RW;
}
static inline bool pte_dirty(pte_t pte)
{
	return pte.pte & _PAGE_DIRTY;
}
static inline bool pte_young(pte_t pte)
{
	return pte.pte & _PAGE_ACCESSED;
}
static inline bool pte_special(pte_t pte)
{
	return pte.pte & _PAGE_SPECIAL;
}
static inline unsigned long pte_pfn(pte_t pte)
{
	return (pte.pte & PTE_PFN_MASK) >> 12;
}
static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return __pte(((u64)pfn << 12) | prot.pgprot);
}
static inline pte_t pte_mkwrite(pte_t pte)
{
	return __pte(pte.pte | _PAGE_RW);
}
static inline pte_t pte_wrprotect(pte_t pte)
{
	return __pte(pte.pte & ~_PAGE_RW);
}
static inline pte_t pte_mkdirty(pte_t pte)
{
	return __pte(pte.pte | _PAGE_DIRTY);
}
static inline pte_t pte_mkclean(pte_t pte)
{
	return __pte(pte.pte & ~_PAGE_DIRTY);
}
static inline pte_t pte_mkyoung(pte_t pte)
{
	return __pte(pte.pte | _PAGE_ACCESSED);
}
static inline pte_t pte_mkold(pte_t pte)
{
	return __pte(pte.pte & ~_PAGE_ACCESSED);
}
static inline pte_t pte_mkspecial(pte_t pte)
{
	return __pte(pte.pte | _PAGE_SPECIAL);
}
/* Keep the frame and the A/D/special bits, take the rest from @prot. */
static inline pte_t pte_modify(pte_t pte, pgprot_t prot)
{
	u64 keep = PTE_PFN_MASK | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_SPECIAL;

	return __pte((pte.pte & keep) | (prot.pgprot & ~keep));
}

/* A non-present, non-empty PTE: a swap entry (or, later, a migration entry). */
static inline bool is_swap_pte(pte_t pte)
{
	return !pte_none(pte) && !pte_present(pte);
}
static inline bool pte_swp_exclusive(pte_t pte)
{
	return pte.pte & _PAGE_SWP_EXCLUSIVE;
}

/* The L1TF swap PTE layout (arch/x86/include/asm/pgtable_64.h). */
#define SWP_TYPE_BITS 5
#define SWP_OFFSET_FIRST_BIT (_PAGE_BIT_PROTNONE + 1)
#define _PAGE_BIT_PROTNONE _PAGE_BIT_GLOBAL
#define SWP_OFFSET_SHIFT (SWP_OFFSET_FIRST_BIT + SWP_TYPE_BITS)
static inline u64 __swp_pte_val(unsigned type, unsigned long offset)
{
	return ((~(u64)offset << SWP_OFFSET_SHIFT) >> SWP_TYPE_BITS) |
	       ((u64)type << (64 - SWP_TYPE_BITS));
}
static inline unsigned __swp_pte_type(pte_t pte)
{
	return pte.pte >> (64 - SWP_TYPE_BITS);
}
static inline unsigned long __swp_pte_offset(pte_t pte)
{
	return (~pte.pte << SWP_TYPE_BITS) >> SWP_OFFSET_SHIFT;
}

static inline unsigned long pgd_index(unsigned long addr)
{
	return (addr >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1);
}
static inline unsigned long pud_index(unsigned long addr)
{
	return (addr >> PUD_SHIFT) & (PTRS_PER_PUD - 1);
}
static inline unsigned long pmd_index(unsigned long addr)
{
	return (addr >> PMD_SHIFT) & (PTRS_PER_PMD - 1);
}
static inline unsigned long pte_index(unsigned long addr)
{
	return (addr >> PAGE_SHIFT) & (PTRS_PER_PTE - 1);
}

static inline bool pgd_none(pgd_t pgd)
{
	return pgd.pgd == 0;
}
static inline bool pud_none(pud_t pud)
{
	return pud.pud == 0;
}
static inline bool pmd_none(pmd_t pmd)
{
	return pmd.pmd == 0;
}
/* The table an upper-level entry points to. */
static inline pud_t *pgd_page_vaddr(pgd_t pgd)
{
	return (pud_t *)(uintptr_t)(pgd.pgd & PTE_PFN_MASK);
}
static inline pmd_t *pud_page_vaddr(pud_t pud)
{
	return (pmd_t *)(uintptr_t)(pud.pud & PTE_PFN_MASK);
}
static inline pte_t *pmd_page_vaddr(pmd_t pmd)
{
	return (pte_t *)(uintptr_t)(pmd.pmd & PTE_PFN_MASK);
}
static inline pgd_t *pgd_offset_pgd(pgd_t *pgd, unsigned long addr)
{
	return pgd + pgd_index(addr);
}
static inline pud_t *pud_offset(pgd_t *pgd, unsigned long addr)
{
	return pgd_page_vaddr(*pgd) + pud_index(addr);
}
static inline pmd_t *pmd_offset(pud_t *pud, unsigned long addr)
{
	return pud_page_vaddr(*pud) + pmd_index(addr);
}
static inline pte_t *pte_offset_map(pmd_t *pmd, unsigned long addr)
{
	return pmd_page_vaddr(*pmd) + pte_index(addr);
}

#endif /* MMSIM_PGTABLE_H */
