/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dot_parts.h - what the diagram views share: the palette, frame and swap
 * entry nodes, the set of things a view points at, the page-table and
 * page-cache emitters the system view reuses, and the legend items.
 * Internal to viz/dot_*.c.
 */
#ifndef MMSIM_VIZ_DOT_PARTS_H
#define MMSIM_VIZ_DOT_PARTS_H

#include "dot.h"
#include "fs.h"
#include "internal.h"

/*
 * The palette. A header's (dark) colour says what kind of thing a node is;
 * a cell's (light) colour says the state of an entry. Both are explained by
 * each view's legend. Chosen to stay apart on a projector and for the
 * common colour-vision deficiencies (no red/green pair carries meaning).
 */
#define DOTV_HDR_TABLE "#37474f" /* page-table page */
#define DOTV_HDR_MM "#283593"	 /* mm_struct and VMAs */
#define DOTV_HDR_RADIX "#00695c" /* radix-tree / XArray node and root */
#define DOTV_HDR_ANON "#6d4c41"	 /* anonymous frame */
#define DOTV_HDR_FILE "#33691e"	 /* page-cache frame of a regular file */
#define DOTV_HDR_SHMEM "#00838f" /* page-cache frame of a tmpfs/shmem file */
#define DOTV_HDR_ZERO "#1565c0"	 /* the zero page */
#define DOTV_HDR_OTHER "#616161" /* a frame that is neither (not mapped, no mapping) */
#define DOTV_HDR_SWAP "#6a1b9a"	 /* swap entry */
#define DOTV_HDR_RMAP "#ad1457"	 /* anon_vma, i_mmap */

#define DOTV_FILL_PRESENT "#ffffff"  /* present, clean */
#define DOTV_FILL_DIRTY "#ffcc80"    /* dirty (PTE D bit, PG_dirty) */
#define DOTV_FILL_ZERO "#bbdefb"     /* maps the zero page */
#define DOTV_FILL_SWAP "#e1bee7"     /* a swap entry */
#define DOTV_FILL_SHADOW "#d7ccc8"   /* a shadow entry */
#define DOTV_FILL_PROTNONE "#e0e0e0" /* PROT_NONE */
#define DOTV_FILL_EMPTY "#f5f5f5"    /* folded empty entries */
#define DOTV_FILL_LINK "#eceff1"     /* a pointer to another table or node */

#define DOTV_EDGE_PTE "color=\"#37474f\""
#define DOTV_EDGE_TABLE "color=\"#37474f\", penwidth=2"
#define DOTV_EDGE_SLOT "color=\"#00695c\""
#define DOTV_EDGE_SWAP "color=\"#6a1b9a\", style=dashed, penwidth=2"
#define DOTV_EDGE_SWAPCACHE "color=\"#6a1b9a\", penwidth=2"

/* A cell's attributes: left-aligned, with background @bg. */
#define DOTV_BG(bg) "ALIGN=\"LEFT\" BGCOLOR=\"" bg "\""

/*
 * What a view points at and draws after the tables that point at it: frames
 * (by pfn) and swap entries (by type and offset), so each is drawn once and
 * in pfn or swap order.
 */
struct dotv_refs {
	struct sim_machine *m;
	bool *pfns;	/* m->nr_frames flags */
	GArray *swaps;	/* swp_entry_t values */
	unsigned used;	/* enum dotv_used bits: what the legend must explain */
};

/* What a view drew, so that its legend explains that and nothing else. */
enum dotv_used {
	DOTV_USED_EMPTY = 1 << 0,	/* folded empty entries or slots */
	DOTV_USED_PRESENT = 1 << 1,	/* a present PTE */
	DOTV_USED_DIRTY = 1 << 2,	/* a dirty PTE */
	DOTV_USED_ZERO = 1 << 3,	/* a PTE mapping the zero page */
	DOTV_USED_PROTNONE = 1 << 4,	/* a PROT_NONE PTE */
	DOTV_USED_SWAP = 1 << 5,	/* a swap entry (PTE or slot) */
	DOTV_USED_F_ANON = 1 << 6,	/* frames of each kind */
	DOTV_USED_F_FILE = 1 << 7,
	DOTV_USED_F_SHMEM = 1 << 8,
	DOTV_USED_F_ZERO = 1 << 9,
	DOTV_USED_F_OTHER = 1 << 10,
	DOTV_USED_F_DIRTY = 1 << 11,	/* a frame with PG_dirty */
	DOTV_USED_C_PAGE = 1 << 12,	/* page-cache slots: a page */
	DOTV_USED_C_DIRTY = 1 << 13,	/* ... a dirty page */
	DOTV_USED_C_SWAP = 1 << 14,	/* ... a swap entry */
	DOTV_USED_C_SHADOW = 1 << 15,	/* ... a shadow entry */
	DOTV_USED_TABLES = 1 << 16,	/* page tables */
	DOTV_USED_RADIX = 1 << 17,	/* page-cache tree nodes */
	DOTV_USED_SWAPCACHE = 1 << 18,	/* a swap entry whose page is in the swap cache */
	DOTV_USED_F_COMPACT = 1 << 19,	/* frames drawn in one line each */
};

void dotv_refs_init(struct dotv_refs *r, struct sim_machine *m);
void dotv_refs_fini(struct dotv_refs *r);
void dotv_ref_pfn(struct dotv_refs *r, unsigned long pfn);
void dotv_ref_swap(struct dotv_refs *r, swp_entry_t entry);
/* Every frame and swap entry referenced, in a cluster each. */
void dotv_draw_refs(struct dot_graph *g, struct dotv_refs *r);
/* Note the kind of frame @pfn in r->used. */
void dotv_use_frame(struct dotv_refs *r, unsigned long pfn);

/* Node ids. */
void dotv_pfn_id(char *buf, size_t len, unsigned long pfn);
void dotv_swap_id(char *buf, size_t len, swp_entry_t entry);

/* Above this many frames, a view draws each frame in one line. */
#define DOTV_FULL_FRAMES_MAX 16

/*
 * A frame: header by kind, what it holds, counts, flags (dirty ones filled);
 * @compact: the header alone, with the kind, index and dirtiness.
 */
void dotv_frame_node(struct dot_graph *g, struct sim_machine *m, unsigned long pfn,
		     bool compact);
/* The header colour of a frame's kind, and its kind in words ("anon", "shmem"...). */
const char *dotv_frame_color(struct sim_machine *m, unsigned long pfn);
const char *dotv_frame_kind(struct sim_machine *m, unsigned long pfn);

/*
 * The page tables of @t (prefix @prefix for ids): the mm with its VMAs, each
 * table actually allocated, edges to frames and swap entries recorded in @refs.
 */
void dotv_pagetables(struct dot_graph *g, struct task_struct *t, const char *prefix,
		     struct dotv_refs *refs);
/* The page-cache tree of @inode (prefix @prefix), in radix tree or XArray encoding. */
void dotv_cache_tree(struct dot_graph *g, struct inode *inode, const char *name, bool xarray,
		     const char *prefix, struct dotv_refs *refs);
/* "process A (pid 1)", "memfd:buf (inode 3)": how a cluster or header names them. */
char *dotv_task_name(const struct task_struct *t);
char *dotv_inode_name(const struct inode *inode, const char *name);

/* Legend items shared by the views, for what @used says was drawn. */
void dotv_legend_ptes(struct dot_node *legend, unsigned used);
void dotv_legend_frames(struct dot_node *legend, unsigned used);
void dotv_legend_cache(struct dot_node *legend, bool xarray, unsigned used);
void dotv_legend_swap(struct dot_node *legend, unsigned used);

#endif /* MMSIM_VIZ_DOT_PARTS_H */
