// SPDX-License-Identifier: GPL-2.0
/*
 * text_views.c - the text views of the `show` statement.
 *
 * maps and smaps follow fs/proc/task_mmu.c (show_map_vma, show_smap), meminfo
 * follows fs/proc/meminfo.c (show_val_kb) and vmstat follows mm/vmstat.c
 * (vmstat_show): the same columns and padding, so a student can put them
 * beside the real files. The page-table and frame views have no kernel
 * counterpart; they show what ptdump and /proc/kpageflags would, in a form
 * meant for reading:
 *
 *   VMA 600000000000-600000004000 rw-p (4 pages)
 *     PGD[192] -> PUD[0] -> PMD[0] -> PTE table for 600000000000-600000200000 (2 of 512 used)
 *       600000000000  0x8000000000001067  pfn 0x1 P RW US A D NX
 *       600000001000  0x8000000000000225  zero page (special) P US A NX
 *       ... 2 empty
 *
 * Every view only reads the model. Table addresses are host pointers and are
 * never printed; frames are named by pfn and anon_vmas by their sim_id.
 *
 * Not shown: [heap]/[stack] names (no brk or stack),
 * the smaps fields the model does not compute (AnonHugePages, KSM,
 * THPeligible, ...; see task_mmu.h) and the meminfo fields listed in
 * meminfo.c.
 */
#include "text_views.h"

#include "fs.h"
#include "internal.h"
#include "swap.h"
#include "meminfo.h"
#include "task_mmu.h"

#include <string.h>

/* ---- VMAs: the line /proc/PID/maps prints ---- */

/* show_vma_header_prefix(): the name column starts after 72 characters and a space. */
#define MAPS_NAME_COLUMN 72

static void append_vma_perms(GString *out, const struct vm_area_struct *vma)
{
	unsigned long flags = vma->vm_flags;

	g_string_append_c(out, flags & VM_READ ? 'r' : '-');
	g_string_append_c(out, flags & VM_WRITE ? 'w' : '-');
	g_string_append_c(out, flags & VM_EXEC ? 'x' : '-');
	g_string_append_c(out, flags & VM_MAYSHARE ? 's' : 'p');
}

/*
 * show_map_vma(): start-end perms offset dev inode, then the name padded to
 * its column. The offset is shown for file mappings only (anonymous memory's
 * vm_pgoff is its address, not an offset); dev and inode are 0 without a file.
 */
static void append_maps_line(GString *out, const struct vm_area_struct *vma)
{
	unsigned long long pgoff = 0;
	unsigned int dev_major = 0, dev_minor = 0;
	unsigned long ino = 0;
	g_autofree char *name = NULL;
	gsize line = out->len;

	if (vma->vm_file) {
		const struct inode *inode = vma->vm_file->f_inode;

		pgoff = (unsigned long long)vma->vm_pgoff << PAGE_SHIFT;
		/* ext4 on /dev/vda (254:0); tmpfs on the internal shm mount (0:1) */
		dev_major = inode->kind == SIM_INODE_EXT4 ? 254 : 0;
		dev_minor = inode->kind == SIM_INODE_EXT4 ? 0 : 1;
		ino = inode->i_ino;
		name = g_strdup_printf("%s%s", inode->path, inode->i_nlink ? "" : " (deleted)");
	}
	g_string_append_printf(out, "%08lx-%08lx ", vma->vm_start, vma->vm_end);
	append_vma_perms(out, vma);
	g_string_append_printf(out, " %08llx %02x:%02x %lu ", pgoff, dev_major, dev_minor, ino);
	if (name) {
		while (out->len - line < MAPS_NAME_COLUMN)
			g_string_append_c(out, ' ');
		g_string_append_c(out, ' ');
		g_string_append(out, name);
	}
	g_string_append_c(out, '\n');
}

void viz_text_maps(GString *out, struct task_struct *t)
{
	if (!t->mm)
		return;
	for (const struct vm_area_struct *vma = t->mm->mmap; vma; vma = vma->vm_next)
		append_maps_line(out, vma);
}

/* ---- smaps ---- */

/* seq_put_decimal_ull_width(m, "Name:           ", kb, 8) then " kB". */
static void append_kb_line(GString *out, const char *name, unsigned long kb)
{
	char label[32];

	g_snprintf(label, sizeof(label), "%s:", name);
	g_string_append_printf(out, "%-16s%8lu kB\n", label, kb);
}

static void append_smap(GString *out, struct vm_area_struct *vma)
{
	struct smaps_field fields[SMAPS_NR_FIELDS];
	char flags[128];

	append_maps_line(out, vma);
	smaps_fields(vma, fields);
	for (int i = 0; i < SMAPS_NR_FIELDS; i++)
		append_kb_line(out, fields[i].name, fields[i].kb);
	show_smap_vma_flags(vma, flags, sizeof(flags));
	g_string_append_printf(out, "VmFlags: %s\n", flags);
}

void viz_text_smaps(GString *out, struct task_struct *t)
{
	if (!t->mm)
		return;
	for (struct vm_area_struct *vma = t->mm->mmap; vma; vma = vma->vm_next)
		append_smap(out, vma);
}

/* ---- page tables ---- */

/*
 * One PTE, decoded:
 *   present	pfn 0x3 P RW US A D NX (zero page: "zero page (special)")
 *   PROT_NONE	P clear, bit 8 set: the frame stays, the CPU faults on any access
 *   swap	type and offset (L1TF layout, pgtable.h), exclusive bit (6.x)
 */
static void append_pte_bits(GString *out, pte_t pte)
{
	static const struct {
		u64 bit;
		const char *name;
	} bits[] = {
		{ _PAGE_PRESENT, "P" },
		{ _PAGE_RW, "RW" },
		{ _PAGE_USER, "US" },
		{ _PAGE_PWT, "PWT" },
		{ 1ULL << _PAGE_BIT_PCD, "PCD" },
		{ _PAGE_ACCESSED, "A" },
		{ _PAGE_DIRTY, "D" },
		{ 1ULL << _PAGE_BIT_PSE, "PAT" },
		{ _PAGE_PROTNONE, "G" }, /* PROT_NONE when P is clear */
		{ _PAGE_NX, "NX" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
		const char *name = bits[i].name;

		if (!(pte_val(pte) & bits[i].bit))
			continue;
		if (bits[i].bit == _PAGE_PROTNONE && pte_protnone(pte))
			name = "PROT_NONE";
		g_string_append_printf(out, " %s", name);
	}
}

static void append_pte_meaning(GString *out, pte_t pte)
{
	if (is_swap_pte(pte)) {
		g_string_append_printf(out, "swap type %u offset %#lx%s", __swp_pte_type(pte),
				       __swp_pte_offset(pte),
				       pte_swp_exclusive(pte) ? " (exclusive)" : "");
		return;
	}
	if (is_zero_pfn(pte_pfn(pte)))
		g_string_append(out, "zero page");
	else
		g_string_append_printf(out, "pfn %#lx", pte_pfn(pte));
	if (pte_special(pte))
		g_string_append(out, " (special)");
	append_pte_bits(out, pte);
	if (pte_protnone(pte))
		g_string_append(out, " (not present to the CPU)");
}

static void flush_empty_ptes(GString *out, unsigned long *empty)
{
	if (*empty)
		g_string_append_printf(out, "    ... %lu empty\n", *empty);
	*empty = 0;
}

static unsigned int table_used(const u64 *table)
{
	unsigned int n = 0;

	for (int i = 0; i < PTRS_PER_PTE; i++)
		n += table[i] != 0;
	return n;
}

/* The PTEs of [start, end) in the PTE table @pt, which maps [base, base + PMD_SIZE). */
static void show_pte_table(GString *out, const char *path, const pte_t *pt, unsigned long base,
			   unsigned long start, unsigned long end)
{
	unsigned long empty = 0;

	g_string_append_printf(out, "  %s -> PTE table for %012lx-%012lx (%u of %d used)\n", path,
			       base, base + PMD_SIZE, table_used((const u64 *)pt), PTRS_PER_PTE);
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t pte = pt[pte_index(addr)];

		if (pte_none(pte)) {
			empty++;
			continue;
		}
		flush_empty_ptes(out, &empty);
		g_string_append_printf(out, "    %012lx  0x%016llx  ", addr,
				       (unsigned long long)pte_val(pte));
		append_pte_meaning(out, pte);
		g_string_append_c(out, '\n');
	}
	flush_empty_ptes(out, &empty);
}

/* The upper levels, PGD (3) to PMD (1): entry shift, name, and name of the table below. */
static const struct {
	unsigned int shift;
	const char *name;
	const char *below;
} pt_level[] = {
	[3] = { PGDIR_SHIFT, "PGD", "PUD" },
	[2] = { PUD_SHIFT, "PUD", "PMD" },
	[1] = { PMD_SHIFT, "PMD", "PTE" },
};

/* A run of empty entries [first..last] of one table, covering [start, end) of the VMA. */
struct empty_run {
	int first, last;
	unsigned long start, end;
};

static void flush_empty_run(GString *out, const char *path, int level, struct empty_run *run)
{
	const char *sep = *path ? " -> " : "";

	if (run->first < 0)
		return;
	if (run->first == run->last)
		g_string_append_printf(out, "  %s%s%s[%d]", path, sep, pt_level[level].name,
				       run->first);
	else
		g_string_append_printf(out, "  %s%s%s[%d..%d]", path, sep, pt_level[level].name,
				       run->first, run->last);
	g_string_append_printf(out, " empty: no %s table for %012lx-%012lx\n",
			       pt_level[level].below, run->start, run->end);
	run->first = -1;
}

/* The table below an upper-level entry (pgd_page_vaddr, pud_page_vaddr, pmd_page_vaddr). */
static const u64 *entry_table(u64 entry)
{
	return (const u64 *)(uintptr_t)(entry & PTE_PFN_MASK);
}

/*
 * Walk the entries of @table, a table at @level, that cover [start, end),
 * as xv6's walk() does but without allocating: show each path that reaches
 * a PTE table, and fold runs of empty entries.
 */
static void walk_level(GString *out, const u64 *table, int level, unsigned long start,
		       unsigned long end, const char *path)
{
	unsigned long size = 1UL << pt_level[level].shift;
	struct empty_run run = { .first = -1 };

	for (unsigned long addr = start, next; addr < end; addr = next) {
		unsigned long base = addr & ~(size - 1);
		int i = (int)((addr >> pt_level[level].shift) & (PTRS_PER_PGD - 1));
		char sub[96];

		next = min(base + size, end);
		if (!table[i]) {
			if (run.first < 0)
				run = (struct empty_run){ i, i, addr, next };
			run.last = i;
			run.end = next;
			continue;
		}
		flush_empty_run(out, path, level, &run);
		g_snprintf(sub, sizeof(sub), "%s%s%s[%d]", path, *path ? " -> " : "",
			   pt_level[level].name, i);
		if (level == 1)
			show_pte_table(out, sub, (const pte_t *)entry_table(table[i]), base, addr,
				       next);
		else
			walk_level(out, entry_table(table[i]), level - 1, addr, next, sub);
	}
	flush_empty_run(out, path, level, &run);
}

void viz_text_pagetable(GString *out, struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	long tables;

	if (!mm) {
		g_string_append_printf(out, "pid %d (%s) has exited: no page tables\n", t->pid,
				       t->comm);
		return;
	}
	tables = mm->pgtables_bytes / (long)PAGE_SIZE;
	g_string_append_printf(out, "pid %d (%s): PGD + %ld page table%s below it (VmPTE %ld kB)\n",
			       t->pid, t->comm, tables, tables == 1 ? "" : "s",
			       mm->pgtables_bytes >> 10);
	for (const struct vm_area_struct *vma = mm->mmap; vma; vma = vma->vm_next) {
		g_string_append_printf(out, "VMA %012lx-%012lx ", vma->vm_start, vma->vm_end);
		append_vma_perms(out, vma);
		g_string_append_printf(out, " (%lu pages)\n", vma_pages(vma));
		walk_level(out, (const u64 *)mm->pgd, 3, vma->vm_start, vma->vm_end, "");
	}
}

/* ---- frames ---- */

static const char *const lru_names[NR_LRU_LISTS] = {
	[LRU_INACTIVE_ANON] = "inactive_anon",
	[LRU_ACTIVE_ANON] = "active_anon",
	[LRU_INACTIVE_FILE] = "inactive_file",
	[LRU_ACTIVE_FILE] = "active_file",
	[LRU_UNEVICTABLE] = "unevictable",
};

/* What the frame holds: the zero page, anon memory of an anon_vma, page cache. */
static void frame_mapping(const struct page *page, unsigned long pfn, char *buf, size_t len)
{
	if (is_zero_pfn(pfn))
		g_snprintf(buf, len, "zero page");
	else if (PageAnon(page))
		g_snprintf(buf, len, "anon_vma %u", page_anon_vma(page)->sim_id);
	else if (page->mapping)
		g_snprintf(buf, len, "inode %lu", page->mapping->host->i_ino);
	else
		g_snprintf(buf, len, "-");
}

static void append_page_flags(GString *out, const struct page *page)
{
	bool first = true;

	for (int f = 0; f < __NR_PAGEFLAGS; f++) {
		if (!(page->flags & (1UL << f)))
			continue;
		g_string_append_printf(out, "%s%s", first ? "" : " ", pageflag_names[f]);
		first = false;
	}
}

static void append_frame_line(GString *out, struct sim_machine *m, unsigned long pfn)
{
	const struct page *page = &m->mem_map[pfn];
	char pfn_s[24], mapping[32], index[24];

	g_snprintf(pfn_s, sizeof(pfn_s), "%#lx", pfn);
	if (!pfn)
		g_snprintf(pfn_s, sizeof(pfn_s), "0x0");
	frame_mapping(page, pfn, mapping, sizeof(mapping));
	if (page->mapping)
		g_snprintf(index, sizeof(index), "%#lx", page->index);
	else
		g_snprintf(index, sizeof(index), "-");
	g_string_append_printf(out, "%-8s %4d %4d  %-13s  %-12s %-12s ", pfn_s, page_count(page),
			       page_mapcount(page), PageLRU(page) ? lru_names[page_lru(page)] : "-",
			       mapping, index);
	append_page_flags(out, page);
	g_string_append_c(out, '\n');
}

/* Append "a-b" or "a" to the list of free ranges, wrapping lines before 80 columns. */
static void append_free_range(GString *out, gsize *line, unsigned long first, unsigned long last)
{
	char range[48];

	if (first == last)
		g_snprintf(range, sizeof(range), " %#lx", first);
	else
		g_snprintf(range, sizeof(range), " %#lx-%#lx", first, last);
	if (out->len - *line + strlen(range) > 78) {
		g_string_append(out, "\n     ");
		*line = out->len - 5;
	}
	g_string_append(out, range);
}

static void append_free_frames(GString *out, struct sim_machine *m)
{
	gsize line = out->len;
	long first = -1;

	g_string_append_printf(out, "free: %lu frames:", m->nr_free);
	for (unsigned long pfn = 1; pfn <= m->nr_frames; pfn++) {
		bool is_free = pfn < m->nr_frames && PageBuddy(&m->mem_map[pfn]);

		if (is_free && first < 0)
			first = (long)pfn;
		if (!is_free && first >= 0) {
			append_free_range(out, &line, (unsigned long)first, pfn - 1);
			first = -1;
		}
	}
	if (!m->nr_free)
		g_string_append(out, " none");
	g_string_append_c(out, '\n');
}

void viz_text_frames(GString *out, struct sim_machine *m)
{
	g_string_append_printf(out,
			       "frames: pfn 0x0 is the zero page, pfn 0x1-%#lx the RAM"
			       " (%lu frames)\n",
			       m->nr_frames - 1, m->cfg.ram_pages);
	g_string_append_printf(out, "%-8s %4s %4s  %-13s  %-12s %-12s %s\n", "pfn", "refs", "maps",
			       "lru", "mapping", "index", "flags");
	for (unsigned long pfn = 0; pfn < m->nr_frames; pfn++)
		if (!PageBuddy(&m->mem_map[pfn]))
			append_frame_line(out, m, pfn);
	append_free_frames(out, m);
}

/* ---- meminfo and vmstat ---- */

void viz_text_meminfo(GString *out, struct sim_machine *m)
{
	struct meminfo_field fields[MEMINFO_NR_FIELDS];
	int n;

	meminfo_fields(m, fields, &n);
	for (int i = 0; i < n; i++)
		append_kb_line(out, fields[i].name, fields[i].kb);
}

void viz_text_vmstat(GString *out, struct sim_machine *m)
{
	for (int i = 0; i < NR_VM_ITEMS; i++)
		g_string_append_printf(out, "%s %ld\n", vmstat_text[i],
				       global_node_page_state(m, (enum vm_item)i));
}

/* ---- show cache: the page-cache tree of one inode ------------------------ */

struct cache_walk {
	GString *out;
	bool xarray;
	const struct inode *inode;
};

/*
 * One slot: a page by its pfn (its pointer would change from run to run);
 * an exceptional entry by its raw value and meaning, in the radix tree's
 * encoding (bit 1) or the XArray's (bit 0).
 */
static void append_slot(GString *out, struct sim_machine *m, const void *entry, bool xarray,
			bool page_is_shmem_slot)
{
	const struct page *page = entry;

	if (!radix_tree_exceptional_entry(entry)) {
		g_string_append_printf(out, "page pfn %#lx ", page_to_pfn(m, page));
		append_page_flags(out, page);
		return;
	}
	g_string_append_printf(out, "%#018lx  ",
			       (unsigned long)(xarray ? radix_entry_to_xa_entry(entry) : entry));
	g_string_append(out, xarray ? "value entry, " : "exceptional entry, ");
	if (page_is_shmem_slot) {
		swp_entry_t swp = radix_to_swp_entry(entry);

		g_string_append_printf(out, "swap entry: type %u offset %#lx", (unsigned)swp_type(swp),
				       swp_offset(swp));
	} else {
		g_string_append(out, "shadow of an evicted page");
	}
}

static int visit_cache_node(const struct radix_tree_node *node, unsigned long first_index,
			    unsigned int depth, void *data)
{
	struct cache_walk *w = data;
	unsigned int nslots = 1u << node->root->map_shift;
	unsigned long span = 1UL << node->shift;

	g_string_append_printf(w->out, "%*snode at depth %u: indexes %#lx-%#lx, shift %u, count %u, "
			       "exceptional %u\n", 2 + 2 * (int)depth, "", depth, first_index,
			       first_index + span * nslots - 1, node->shift, node->count,
			       node->exceptional);
	if (node->shift)
		return 0; /* an interior node's slots are the nodes below it */
	for (unsigned int i = 0; i < nslots; i++) {
		if (!node->slots[i])
			continue;
		g_string_append_printf(w->out, "%*s[%2u] index %#lx: ", 4 + 2 * (int)depth, "", i,
				       first_index + i);
		append_slot(w->out, w->inode->sim, node->slots[i], w->xarray,
			    w->inode->kind == SIM_INODE_SHMEM);
		g_string_append_c(w->out, '\n');
	}
	return 0;
}

void viz_text_cache(GString *out, const struct inode *inode, bool xarray)
{
	const struct address_space *mapping = &inode->i_data;
	struct cache_walk w = { out, xarray, inode };

	g_string_append_printf(out, "page cache of %s%s (inode %lu, %s): i_size %llu, %lu pages, "
			       "%lu exceptional\n", inode->path, inode->i_nlink ? "" : " (deleted)",
			       inode->i_ino, inode->kind == SIM_INODE_SHMEM ? "tmpfs" : "ext4",
			       (unsigned long long)inode->i_size, mapping->nrpages,
			       mapping->nrexceptional);
	g_string_append_printf(out, "  %s, height %u, %u slots per node\n",
			       xarray ? "XArray encoding (Linux >= 4.20)"
				      : "radix tree encoding (Linux <= 4.19)",
			       radix_tree_height(&mapping->i_pages), 1u << mapping->i_pages.map_shift);
	if (!mapping->i_pages.rnode) {
		g_string_append(out, "  (empty)\n");
		return;
	}
	if (!radix_tree_is_internal_node(mapping->i_pages.rnode)) {
		g_string_append(out, "  root slot, index 0: ");
		append_slot(out, inode->sim, mapping->i_pages.rnode, xarray,
			    inode->kind == SIM_INODE_SHMEM);
		g_string_append_c(out, '\n');
		return;
	}
	radix_tree_walk_nodes(&mapping->i_pages, visit_cache_node, &w);
}

/* ---- show swap: the device's slots and the swap cache -------------------- */

void viz_text_swap(GString *out, struct sim_machine *m)
{
	struct swap_info_struct *si = m->swap;
	unsigned long shown = 0;

	if (!si) {
		g_string_append(out, "no swap device (config swap=0)\n");
		return;
	}
	g_string_append_printf(out, "swap device type 0 (%s): %lu slots, slot 0 the header; "
			       "%lu in use, %lu pages in the swap cache\n",
			       si->synchronous ? "zram: synchronous" : "disk: asynchronous",
			       si->max - 1, si->inuse_pages, si->nr_cached);
	g_string_append(out, "  offset  swap_map  refs  cache  contents       swap-cache page\n");
	for (unsigned long off = 1; off < si->max; off++) {
		unsigned char map = si->swap_map[off];
		struct page *page = radix_tree_lookup(&si->cache, off);

		if (!map)
			continue;
		g_string_append_printf(out, "  %#6lx  %#8x  %4d  %-5s  %-13s  ", off, map,
				       map & ~SWAP_HAS_CACHE, map & SWAP_HAS_CACHE ? "yes" : "no",
				       si->zeromap[off] ? "zeroes (map)" : si->data[off] ? "written"
										  : "-");
		if (page)
			g_string_append_printf(out, "pfn %#lx%s%s%s", page_to_pfn(m, page),
					       PageDirty(page) ? " dirty" : "",
					       PageWriteback(page) ? " writeback" : "",
					       page_mapped(page) ? " mapped" : "");
		else
			g_string_append(out, "-");
		g_string_append_c(out, '\n');
		shown++;
	}
	if (!shown)
		g_string_append(out, "  (every slot is free)\n");
}

/* ---- show lru: the four LRU lists, head (newest) first ------------------- */

void viz_text_lru(GString *out, struct sim_machine *m)
{
	static const char *const names[NR_LRU_LISTS] = {
		"inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable",
	};

	for (int l = 0; l < NR_LRU_LISTS; l++) {
		struct page *page;
		unsigned long n = 0;

		g_string_append_printf(out, "%-14s", names[l]);
		list_for_each_entry(page, &m->lru[l], lru) {
			g_string_append_printf(out, " %#lx%s", page_to_pfn(m, page),
					       PageReferenced(page) ? "r" : "");
			n++;
		}
		g_string_append_printf(out, "%s(%lu pages)\n", n ? "  " : " ", n);
	}
	g_string_append(out, "(newest first; r: PG_referenced)\n");
}
