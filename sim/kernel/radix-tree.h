/* SPDX-License-Identifier: GPL-2.0 */
/*
 * radix-tree.h - the radix tree behind the page cache and the swap cache.
 * Models include/linux/radix-tree.h of Linux v4.19, with the page-cache entry
 * encodings that live around it (include/linux/swapops.h, mm/workingset.c)
 * and, for comparison, the XArray encoding that replaced it in 4.20.
 *
 * Modelled: nodes of 2^map_shift slots (64 by default, as the kernel; fewer
 * per root, so that diagrams of small trees stay drawable), lone entry at
 * index 0 held in the root, growth and shrinking of the height, the node
 * counts (count, exceptional), three tags per slot propagated up to the root,
 * exceptional entries, gang lookups and the slot iterator, the update_node
 * callback the workingset code hooks into.
 *
 * Not modelled: RCU (nodes are freed at once, so RADIX_TREE_RETRY is never
 * seen by a reader; slots are plain stores), locking (xa_lock), the per-CPU
 * preload pools (radix_tree_preload: node allocation cannot fail here),
 * multiorder entries and sibling slots (order must be 0), the IDR and IDA,
 * RADIX_TREE_ITER_CONTIG, gfp flags (the root's gfp_mask only carries tags).
 *
 * Sim-only additions (no kernel counterpart), at the end of this header:
 * radix_tree_init_shift(), radix_tree_height(), radix_tree_walk_nodes() for
 * views and radix_tree_check() for the invariant checker.
 *
 * Ownership: a root owns its nodes; the tree never owns what its slots point
 * to (pages are the machine's; exceptional entries are plain values).
 */
#ifndef MMSIM_RADIX_TREE_H
#define MMSIM_RADIX_TREE_H

#include "kernel_glue.h"

/*
 * A slot of the tree (and root->rnode) holds one of, by its two low bits:
 *
 *   63                                            2   1   0
 *  +-----------------------------------------------+---+---+
 *  | struct page * (4-byte aligned)                | 0 | 0 |  data entry
 *  +-----------------------------------------------+---+---+
 *  | struct radix_tree_node *                      | 0 | 1 |  internal: a child node
 *  +-----------------------------------------------+---+---+
 *  | payload (62 bits)                             | 1 | 0 |  exceptional entry
 *  +-----------------------------------------------+---+---+
 *
 * RADIX_TREE_RETRY, the internal entry with a NULL node, marks a slot of a
 * node being freed; with no RCU readers the model never lets one be seen.
 */
#define RADIX_TREE_ENTRY_MASK 3UL
#define RADIX_TREE_INTERNAL_NODE 1UL
#define RADIX_TREE_EXCEPTIONAL_ENTRY 2
#define RADIX_TREE_EXCEPTIONAL_SHIFT 2
#define RADIX_TREE_RETRY ((void *)RADIX_TREE_INTERNAL_NODE)

static inline bool radix_tree_is_internal_node(const void *ptr)
{
	return ((unsigned long)ptr & RADIX_TREE_ENTRY_MASK) == RADIX_TREE_INTERNAL_NODE;
}

/* Bit 1: a value stored in the tree, not a pointer (shmem swap, shadow, DAX). */
static inline int radix_tree_exceptional_entry(const void *arg)
{
	return (unsigned long)arg & RADIX_TREE_EXCEPTIONAL_ENTRY;
}

/* Either low bit: not a plain pointer (exceptional, or internal). */
static inline int radix_tree_exception(const void *arg)
{
	return unlikely((unsigned long)arg & RADIX_TREE_ENTRY_MASK);
}

/* Geometry. The slot and tag arrays are always sized for the kernel's 64. */
#define RADIX_TREE_MAP_SHIFT 6
#define RADIX_TREE_MAP_SIZE (1UL << RADIX_TREE_MAP_SHIFT)
#define RADIX_TREE_MAP_MASK (RADIX_TREE_MAP_SIZE - 1)
#define RADIX_TREE_MAX_TAGS 3
#define RADIX_TREE_TAG_LONGS 1 /* 64 slots, one long of tag bits */
#define RADIX_TREE_INDEX_BITS (8 * sizeof(unsigned long))
#define RADIX_TREE_MAX_PATH                                                                        \
	((RADIX_TREE_INDEX_BITS + RADIX_TREE_MAP_SHIFT - 1) / RADIX_TREE_MAP_SHIFT)
#define RADIX_TREE_MIN_MAP_SHIFT 1 /* sim: smallest fan-out a root may choose */

/* The page cache's tags (include/linux/fs.h). */
#ifndef PAGECACHE_TAG_DIRTY
#define PAGECACHE_TAG_DIRTY 0
#define PAGECACHE_TAG_WRITEBACK 1
#define PAGECACHE_TAG_TOWRITE 2
#endif

/*
 * The root's tags are kept in its gfp_mask, above the gfp flags: bit
 * ROOT_TAG_SHIFT + tag means "some entry of the tree carries tag". The kernel
 * puts them at __GFP_BITS_SHIFT, 23 in a v4.19 build without CONFIG_LOCKDEP.
 */
#define ROOT_TAG_SHIFT 23

struct radix_tree_root;

/*
 * struct radix_tree_node - one node: 2^map_shift slots, each covering
 * 2^shift consecutive indices.
 *
 *	shift		index bits below one slot: 0 for a leaf (slots hold entries),
 *			else a multiple of map_shift (slots hold child nodes)
 *	offset		the slot of the parent that points here (0 for the top node)
 *	count		non-empty slots
 *	exceptional	slots holding an exceptional entry (a subset of count)
 *	parent		NULL for the top node, the one root->rnode points to
 *	root		the tree, for its map_shift
 *	private_list	for the tree's user: the workingset code links nodes that
 *			hold only shadow entries here; must be empty when freed
 *	slots		entries (leaf) or child node | RADIX_TREE_INTERNAL_NODE
 *	tags		bit i of tags[t]: slot i is tagged t (leaf) or something
 *			below slot i is tagged t (interior)
 */
struct radix_tree_node {
	unsigned char shift;
	unsigned char offset;
	unsigned char count;
	unsigned char exceptional;
	struct radix_tree_node *parent;
	struct radix_tree_root *root;
	struct list_head private_list;
	void *slots[RADIX_TREE_MAP_SIZE];
	unsigned long tags[RADIX_TREE_MAX_TAGS][RADIX_TREE_TAG_LONGS];
};

/*
 * struct radix_tree_root - the tree.
 *
 *	gfp_mask	the root tags, at ROOT_TAG_SHIFT and up (no gfp flags are
 *			modelled; bits below ROOT_TAG_SHIFT are kept as given)
 *	rnode		NULL (empty), the entry for index 0 when it is the only one
 *			(no node at all), or top node | RADIX_TREE_INTERNAL_NODE.
 *			void * rather than the kernel's node pointer, so that
 *			&root->rnode is a slot like any other.
 *	map_shift	sim: log2 of the slots per node, 1..6 (the kernel's is
 *			RADIX_TREE_MAP_SHIFT, 6)
 */
struct radix_tree_root {
	unsigned int gfp_mask;
	void *rnode;
	unsigned char map_shift;
};

#define RADIX_TREE_INIT(name, mask)                                                                \
	{                                                                                          \
		.gfp_mask = (mask), .rnode = NULL, .map_shift = RADIX_TREE_MAP_SHIFT               \
	}
#define RADIX_TREE(name, mask) struct radix_tree_root name = RADIX_TREE_INIT(name, mask)

/* Like INIT_RADIX_TREE(), but with 2^map_shift slots per node (1 <= map_shift <= 6). */
void radix_tree_init_shift(struct radix_tree_root *root, unsigned int map_shift);

static inline void __init_radix_tree(struct radix_tree_root *root, unsigned int mask)
{
	radix_tree_init_shift(root, RADIX_TREE_MAP_SHIFT);
	BUG_ON(mask >> ROOT_TAG_SHIFT);
	root->gfp_mask = mask;
}
#define INIT_RADIX_TREE(root, mask) __init_radix_tree(root, mask)

static inline bool radix_tree_empty(const struct radix_tree_root *root)
{
	return root->rnode == NULL;
}

/* The node an internal entry points to. */
static inline struct radix_tree_node *entry_to_node(const void *ptr)
{
	return (struct radix_tree_node *)((unsigned long)ptr & ~RADIX_TREE_INTERNAL_NODE);
}

/*
 * Reading a slot. In the kernel these are rcu_dereference()s; here plain
 * loads. A reader must still treat an internal entry as "look again"
 * (radix_tree_deref_retry), though the model never produces one in a leaf.
 */
static inline void *radix_tree_deref_slot(void **slot)
{
	return *slot;
}
#define radix_tree_deref_slot_protected(slot, treelock) radix_tree_deref_slot(slot)
static inline int radix_tree_deref_retry(const void *arg)
{
	return unlikely(radix_tree_is_internal_node(arg));
}

/*
 * Called on a leaf node whose entries have just changed, so that the user
 * can track it (workingset_update_node keeps shadow-only nodes on a list).
 */
typedef void (*radix_tree_update_node_t)(struct radix_tree_node *node);

/*
 * Find or build the path to @index. On return *@nodep is the leaf node (NULL
 * when the slot is root->rnode) and *@slotp the slot, which may be occupied.
 * Nothing is stored, so the caller must fill the slot (with
 * __radix_tree_replace, which keeps the counts) or leave an empty node behind.
 * @order must be 0. Returns 0 (the kernel may return -ENOMEM; the model cannot).
 */
int __radix_tree_create(struct radix_tree_root *root, unsigned long index, unsigned order,
			struct radix_tree_node **nodep, void ***slotp);

/* Store @item at @index: 0, or -EEXIST if the slot is occupied. @order must be 0. */
int __radix_tree_insert(struct radix_tree_root *root, unsigned long index, unsigned order,
			void *item);
static inline int radix_tree_insert(struct radix_tree_root *root, unsigned long index, void *item)
{
	return __radix_tree_insert(root, index, 0, item);
}

/*
 * The entry at @index, or NULL. If the tree reaches @index, *@nodep gets the
 * leaf node (NULL for root->rnode) and *@slotp the slot even when it is
 * empty; otherwise both are set to NULL (the kernel leaves them untouched).
 */
void *__radix_tree_lookup(const struct radix_tree_root *root, unsigned long index,
			  struct radix_tree_node **nodep, void ***slotp);
void *radix_tree_lookup(const struct radix_tree_root *root, unsigned long index);
/* The slot holding @index's entry, or NULL if there is no entry. */
void **radix_tree_lookup_slot(const struct radix_tree_root *root, unsigned long index);

/*
 * Store @item in @slot of @node (from __radix_tree_lookup or
 * __radix_tree_create), adjusting node->count and node->exceptional when the
 * slot goes between empty, data and exceptional. Tags are left alone: a
 * caller emptying a slot clears them first (radix_tree_clear_tags). Calls
 * @update_node on @node, then frees @node and its ancestors if they became
 * empty and shrinks the tree if it can.
 */
void __radix_tree_replace(struct radix_tree_root *root, struct radix_tree_node *node, void **slot,
			  void *item, radix_tree_update_node_t update_node);
/*
 * Like __radix_tree_replace, but for a slot whose node the caller does not
 * know: the slot may only change between two entries of the same kind (data
 * for data, exceptional for exceptional), except for root->rnode. Switching
 * kinds inside a node is a BUG here (the kernel only warns).
 */
void radix_tree_replace_slot(struct radix_tree_root *root, void **slot, void *item);

/*
 * Remove the entry at @index, if it is @item (any entry if @item is NULL).
 * Clears its tags, frees nodes left empty and shrinks the tree. Returns the
 * removed entry, or NULL if nothing was removed.
 */
void *radix_tree_delete_item(struct radix_tree_root *root, unsigned long index, void *item);
void *radix_tree_delete(struct radix_tree_root *root, unsigned long index);
/* Clear every tag of @slot in @node (NULL node: the root's tags), up the tree. */
void radix_tree_clear_tags(struct radix_tree_root *root, struct radix_tree_node *node, void **slot);

/*
 * Tags. Setting a tag on an absent entry is a BUG. Setting or clearing
 * returns the entry (NULL from tag_clear if there is none).
 */
void *radix_tree_tag_set(struct radix_tree_root *root, unsigned long index, unsigned int tag);
void *radix_tree_tag_clear(struct radix_tree_root *root, unsigned long index, unsigned int tag);
int radix_tree_tag_get(const struct radix_tree_root *root, unsigned long index, unsigned int tag);
/* Does any entry of the tree carry @tag? (The root's tag bit.) */
int radix_tree_tagged(const struct radix_tree_root *root, unsigned int tag);

/*
 * Gang lookups: up to @max_items entries (or their slots) at indices
 * >= @first_index, in index order. Exceptional entries are returned too.
 * Return how many were found.
 */
unsigned int radix_tree_gang_lookup(const struct radix_tree_root *root, void **results,
				    unsigned long first_index, unsigned int max_items);
unsigned int radix_tree_gang_lookup_slot(const struct radix_tree_root *root, void ***results,
					 unsigned long *indices, unsigned long first_index,
					 unsigned int max_items);
unsigned int radix_tree_gang_lookup_tag(const struct radix_tree_root *root, void **results,
					unsigned long first_index, unsigned int max_items,
					unsigned int tag);
unsigned int radix_tree_gang_lookup_tag_slot(const struct radix_tree_root *root, void ***results,
					     unsigned long first_index, unsigned int max_items,
					     unsigned int tag);

/*
 * The slot iterator: radix_tree_for_each_slot(slot, root, &iter, start)
 * visits each non-empty slot at index >= start in index order, with
 * iter.index its index and iter.node its leaf node (NULL for root->rnode);
 * radix_tree_for_each_tagged does the same for slots carrying a tag.
 *
 * It works a leaf at a time (a "chunk"): radix_tree_next_chunk finds the
 * first wanted slot at or after iter->next_index, radix_tree_next_slot moves
 * along the same leaf. After changing the tree inside the loop (a delete, a
 * replace by NULL), end the body with slot = radix_tree_iter_resume(slot,
 * &iter): the leaf may have been freed.
 *
 *	index		index of the current slot
 *	next_index	one past the last index of the current chunk
 *	tags		tagged walk: bit 0 is the current slot's tag, bit i the
 *			tag of the slot i further along the chunk
 *	node		the leaf node of the chunk, NULL for root->rnode
 */
struct radix_tree_iter {
	unsigned long index;
	unsigned long next_index;
	unsigned long tags;
	struct radix_tree_node *node;
};

#define RADIX_TREE_ITER_TAG_MASK 0x0f /* the tag, in the low bits of flags */
#define RADIX_TREE_ITER_TAGGED 0x10   /* only slots carrying that tag */

static inline void **radix_tree_iter_init(struct radix_tree_iter *iter, unsigned long start)
{
	iter->index = 0; /* so that start 0 does not look like a wrap past ULONG_MAX */
	iter->next_index = start;
	iter->tags = 0;
	iter->node = NULL;
	return NULL;
}

void **radix_tree_next_chunk(const struct radix_tree_root *root, struct radix_tree_iter *iter,
			     unsigned flags);
void **radix_tree_next_slot(void **slot, struct radix_tree_iter *iter, unsigned flags);
void **radix_tree_iter_resume(void **slot, struct radix_tree_iter *iter);
/* Like __radix_tree_replace on the iterator's current slot, without update_node. */
void radix_tree_iter_replace(struct radix_tree_root *root, const struct radix_tree_iter *iter,
			     void **slot, void *item);
void radix_tree_iter_tag_set(struct radix_tree_root *root, const struct radix_tree_iter *iter,
			     unsigned int tag);
void radix_tree_iter_tag_clear(struct radix_tree_root *root, const struct radix_tree_iter *iter,
			       unsigned int tag);

#define radix_tree_for_each_slot(slot, root, iter, start)                                          \
	for (slot = radix_tree_iter_init(iter, start);                                             \
	     slot || (slot = radix_tree_next_chunk(root, iter, 0));                                \
	     slot = radix_tree_next_slot(slot, iter, 0))

#define radix_tree_for_each_tagged(slot, root, iter, start, tag)                                   \
	for (slot = radix_tree_iter_init(iter, start);                                             \
	     slot || (slot = radix_tree_next_chunk(root, iter, RADIX_TREE_ITER_TAGGED | (tag)));   \
	     slot = radix_tree_next_slot(slot, iter, RADIX_TREE_ITER_TAGGED | (tag)))

/* ---- Page-cache entries: what the exceptional entries carry (v4.19) ---- */

#include "swapops.h" /* swp_entry_t; it must not include this header back */

/*
 * shmem swap entry (mm/shmem.c, the helpers from include/linux/swapops.h).
 * When shmem swaps a page out, the page's slot in the file's tree receives
 * the swap entry, shifted over the exceptional bits:
 *
 *   63      59 58                                                2   1   0
 *  +----------+---------------------------------------------------+---+---+
 *  |   type   |                  swap offset                      | 1 | 0 |
 *  +----------+---------------------------------------------------+---+---+
 *  '---------- swp_entry_t.val << 2 (val's two top bits are 0) ----'
 *
 * swp_entry_t puts the type at bit 57 precisely so that this shift loses
 * nothing (swapops.h).
 */
static inline void *swp_to_radix_entry(swp_entry_t entry)
{
	unsigned long value = entry.val << RADIX_TREE_EXCEPTIONAL_SHIFT;

	return (void *)(value | RADIX_TREE_EXCEPTIONAL_ENTRY);
}

static inline swp_entry_t radix_to_swp_entry(const void *arg)
{
	swp_entry_t entry;

	entry.val = (unsigned long)arg >> RADIX_TREE_EXCEPTIONAL_SHIFT;
	return entry;
}

/*
 * workingset shadow entry (mm/workingset.c, v4.19). When reclaim evicts a
 * page-cache page, its slot keeps a shadow: a snapshot of the node's
 * eviction counter (lruvec->inactive_age) and which lruvec it was on, so a
 * refault can measure how long the page was out. The fields, packed from the
 * top down by pack_shadow:
 *
 *   63            18+N 17+N             2+N 1+N            2   1   0
 *  +------------------+--------------------+----------------+---+---+
 *  | eviction >>      |     memcg id       |    node id     | 1 | 0 |
 *  |   bucket_order   |     (16 bits)      |    (N bits)    |   |   |
 *  +------------------+--------------------+----------------+---+---+
 *                                               N = NODES_SHIFT
 *
 * The eviction counter keeps only its low 64 - EVICTION_SHIFT bits after
 * bucket_order coarsening. (EVICTION_SHIFT counts RADIX_TREE_EXCEPTIONAL_ENTRY,
 * i.e. 2, for the two low bits, as v4.19 does.) 4.20 added a one-bit
 * "workingset" field just above the low bits; v4.19 has none.
 *
 * pack_shadow and unpack_shadow are static in workingset.c in the kernel and
 * take a pg_data_t and the global bucket_order; here they take the node id
 * and bucket_order as arguments. A model of workingset.c should call these,
 * not define its own.
 */
#ifndef MEM_CGROUP_ID_SHIFT
#define MEM_CGROUP_ID_SHIFT 16
#endif
#ifndef NODES_SHIFT
#define NODES_SHIFT 10 /* CONFIG_NODES_SHIFT of the reference machine's kernel (x86-64) */
#endif
#define EVICTION_SHIFT (RADIX_TREE_EXCEPTIONAL_ENTRY + NODES_SHIFT + MEM_CGROUP_ID_SHIFT)
#define EVICTION_MASK (~0UL >> EVICTION_SHIFT)

static inline void *pack_shadow(int memcgid, int nid, unsigned long eviction,
				unsigned int bucket_order)
{
	BUG_ON(memcgid < 0 || (unsigned long)memcgid >> MEM_CGROUP_ID_SHIFT);
	BUG_ON(nid < 0 || (unsigned long)nid >> NODES_SHIFT);
	eviction >>= bucket_order;
	eviction = (eviction << MEM_CGROUP_ID_SHIFT) | (unsigned long)memcgid;
	eviction = (eviction << NODES_SHIFT) | (unsigned long)nid;
	eviction = eviction << RADIX_TREE_EXCEPTIONAL_SHIFT;
	return (void *)(eviction | RADIX_TREE_EXCEPTIONAL_ENTRY);
}

static inline void unpack_shadow(const void *shadow, int *memcgidp, int *nidp,
				 unsigned long *evictionp, unsigned int bucket_order)
{
	unsigned long entry = (unsigned long)shadow;

	entry >>= RADIX_TREE_EXCEPTIONAL_SHIFT;
	*nidp = entry & ((1UL << NODES_SHIFT) - 1);
	entry >>= NODES_SHIFT;
	*memcgidp = entry & ((1UL << MEM_CGROUP_ID_SHIFT) - 1);
	entry >>= MEM_CGROUP_ID_SHIFT;
	*evictionp = entry << bucket_order;
}

/* ---- The XArray view (Linux 4.20 and later) ---- */

/*
 * In 4.20 the page cache moved to the XArray (mapping->i_pages), which swaps
 * the roles of the two low bits and shifts values by one:
 *
 *          radix tree, <= 4.19                       XArray, >= 4.20
 *   63                      2   1   0        63                     2   1   0
 *  +-------------------------+---+---+      +-------------------------+---+---+
 *  | struct page *           | 0 | 0 |      | struct page *           | 0 | 0 |
 *  +-------------------------+---+---+      +-------------------------+---+---+
 *  | node *                  | 0 | 1 |      | node *                  | 1 | 0 |
 *  +-------------------------+---+---+      +-------------------------+---+---+
 *  | exceptional payload     | 1 | 0 |      | value (63 bits)             | 1 |
 *  +-------------------------+---+---+      +-----------------------------+---+
 *
 * So a shmem swap entry becomes xa_mk_value(swp.val) and a shadow
 * xa_mk_value(its payload); pages are unchanged. (The payloads themselves
 * also changed in 4.20: swp_entry_t's type moved to bit 58 and shadows
 * gained the workingset bit. The view keeps the payload as it is.)
 */
static inline void *xa_mk_value(unsigned long v)
{
	BUG_ON((long)v < 0); /* one bit is lost to the tag */
	return (void *)((v << 1) | 1);
}

static inline unsigned long xa_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}

static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}

/* An XArray internal entry: node pointers, and (v << 2) | 2 for small v. */
static inline bool xa_is_internal(const void *entry)
{
	return ((unsigned long)entry & 3) == 2;
}

static inline void *xa_mk_node(const void *node)
{
	return (void *)((unsigned long)node | 2);
}

/*
 * What the XArray would hold in place of radix tree slot value @entry:
 * exceptional entries become value entries carrying the same payload, child
 * node pointers become XArray node pointers, pages and NULL stay as they are.
 * Pure: it reads nothing but @entry.
 */
static inline void *radix_entry_to_xa_entry(const void *entry)
{
	if (radix_tree_exceptional_entry(entry))
		return xa_mk_value((unsigned long)entry >> RADIX_TREE_EXCEPTIONAL_SHIFT);
	if (radix_tree_is_internal_node(entry))
		return xa_mk_node(entry_to_node(entry));
	return (void *)entry;
}

/* ---- sim only: shape, walking and checking (no kernel counterpart) ---- */

/* Levels of nodes: 0 for an empty tree or a lone entry in root->rnode. */
unsigned int radix_tree_height(const struct radix_tree_root *root);

/*
 * Called once per node by radix_tree_walk_nodes, parents before children and
 * children in slot order (so depth-first, in index order). @first_index is
 * the lowest index the node covers; slot i covers indices
 * first_index + (i << node->shift) up to 2^node->shift of them. @depth is 0
 * for the top node. Slots 0 .. (1 << node->root->map_shift) - 1 are in use.
 * A non-zero return stops the walk and is returned by it.
 */
typedef int (*radix_tree_visit_t)(const struct radix_tree_node *node, unsigned long first_index,
				  unsigned int depth, void *data);
int radix_tree_walk_nodes(const struct radix_tree_root *root, radix_tree_visit_t visit, void *data);

/*
 * Verify the tree's invariants: each node's count and exceptional match its
 * slots, parent/offset/shift/root links are right, leaves hold only entries
 * and interior nodes only nodes, tag bits agree with the children and the
 * root, no node is empty and the height is minimal. Returns NULL if all hold,
 * else a constant sentence naming the first broken one, with *@indexp (if not
 * NULL) the first index of the node where it broke.
 */
const char *radix_tree_check(const struct radix_tree_root *root, unsigned long *indexp);

#endif /* MMSIM_RADIX_TREE_H */
