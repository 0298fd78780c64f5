// SPDX-License-Identifier: GPL-2.0
/*
 * radix-tree.c - the radix tree of the page cache and the swap cache.
 * Models lib/radix-tree.c of Linux v4.19: the tree behind
 * mapping->i_pages, where each slot holds a struct page or an exceptional
 * entry (a shmem swap entry, a workingset shadow).
 *
 * Shape. A tree is either empty, or a lone entry for index 0 held in
 * root->rnode, or a top node. Each node has 2^map_shift slots; a leaf
 * (shift 0) holds entries, an interior node (shift = k * map_shift) holds
 * child nodes, slot i covering indices [i << shift, (i + 1) << shift) of the
 * node's range. The tree is only as tall as its largest index needs: it
 * grows at the top when an index does not fit (radix_tree_extend), and
 * shrinks back when the top node keeps a single child in slot 0
 * (radix_tree_shrink). Nodes left empty by a delete are freed at once
 * (delete_node).
 *
 * Tags. Each slot has RADIX_TREE_MAX_TAGS tag bits. On a leaf the bit marks
 * the entry; on an interior node it says "something below this slot is
 * tagged"; the root's bit (in gfp_mask) says "something in the tree is".
 * Setting a tag sets the bits all the way up; clearing one clears a parent's
 * bit only when the node has no other slot with that tag left.
 *
 * Not modelled: RCU (nodes are freed immediately), locking, preloading,
 * multiorder entries, the IDR/IDA, RADIX_TREE_ITER_CONTIG. See radix-tree.h.
 *
 * Ownership: the root owns its nodes (SIM_ALLOC_RADIX_NODE); nothing here
 * owns what the slots point to.
 */
#include "radix-tree.h"

#include <limits.h>

#define BITS_PER_LONG (8 * (unsigned int)sizeof(unsigned long))

/* ---- encoding and geometry ---- */

static inline void *node_to_entry(const struct radix_tree_node *node)
{
	return (void *)((unsigned long)node | RADIX_TREE_INTERNAL_NODE);
}

static inline unsigned long map_size(const struct radix_tree_root *root)
{
	return 1UL << root->map_shift;
}

/*
 * The largest index a node of @shift can reach below it: its 2^map_shift
 * slots each span 2^shift indices. Saturates at ULONG_MAX when that is the
 * whole index space.
 */
static unsigned long shift_maxindex(const struct radix_tree_root *root, unsigned int shift)
{
	if (shift + root->map_shift >= BITS_PER_LONG)
		return ULONG_MAX;
	return (map_size(root) << shift) - 1;
}

static inline unsigned long node_maxindex(const struct radix_tree_node *node)
{
	return shift_maxindex(node->root, node->shift);
}

static inline unsigned int get_slot_offset(const struct radix_tree_node *node, void **slot)
{
	return slot - (void **)node->slots;
}

/* The slot of @parent on the way to @index, and what it holds. */
static unsigned int radix_tree_descend(const struct radix_tree_node *parent, void **childp,
				       unsigned long index)
{
	unsigned int offset = (index >> parent->shift) & (map_size(parent->root) - 1);

	*childp = parent->slots[offset];
	return offset;
}

/*
 * What root->rnode holds (in *@childp) and how far the tree reaches
 * (*@maxindex). Returns the shift a new node above the current top would
 * take: 0 when there is no node.
 */
static unsigned int radix_tree_load_root(const struct radix_tree_root *root, void **childp,
					 unsigned long *maxindex)
{
	void *entry = root->rnode;

	*childp = entry;
	if (radix_tree_is_internal_node(entry)) {
		struct radix_tree_node *node = entry_to_node(entry);

		*maxindex = node_maxindex(node);
		return node->shift + root->map_shift;
	}
	*maxindex = 0;
	return 0;
}

/* ---- tag bits ---- */

static inline void tag_set(struct radix_tree_node *node, unsigned int tag, unsigned int offset)
{
	node->tags[tag][0] |= 1UL << offset;
}

static inline void tag_clear(struct radix_tree_node *node, unsigned int tag, unsigned int offset)
{
	node->tags[tag][0] &= ~(1UL << offset);
}

static inline bool tag_get(const struct radix_tree_node *node, unsigned int tag,
			   unsigned int offset)
{
	return (node->tags[tag][0] >> offset) & 1;
}

static inline bool any_tag_set(const struct radix_tree_node *node, unsigned int tag)
{
	return node->tags[tag][0] != 0;
}

static inline void root_tag_set(struct radix_tree_root *root, unsigned int tag)
{
	root->gfp_mask |= 1U << (tag + ROOT_TAG_SHIFT);
}

static inline void root_tag_clear(struct radix_tree_root *root, unsigned int tag)
{
	root->gfp_mask &= ~(1U << (tag + ROOT_TAG_SHIFT));
}

static inline void root_tag_clear_all(struct radix_tree_root *root)
{
	root->gfp_mask &= (1U << ROOT_TAG_SHIFT) - 1;
}

static inline bool root_tag_get(const struct radix_tree_root *root, unsigned int tag)
{
	return (root->gfp_mask >> (tag + ROOT_TAG_SHIFT)) & 1;
}

static inline unsigned int root_tags_get(const struct radix_tree_root *root)
{
	return root->gfp_mask >> ROOT_TAG_SHIFT;
}

/* The first slot at or after @offset with @tag, or @size if none. */
static unsigned int next_tagged_offset(const struct radix_tree_node *node, unsigned int tag,
				       unsigned int offset, unsigned int size)
{
	unsigned long bits;

	if (offset >= size)
		return size;
	bits = node->tags[tag][0] >> offset;
	if (!bits)
		return size;
	return offset + __builtin_ctzl(bits);
}

/* Set @tag on slot @offset of @node and on every ancestor up to the root. */
static void node_tag_set(struct radix_tree_root *root, struct radix_tree_node *node,
			 unsigned int tag, unsigned int offset)
{
	for (; node; offset = node->offset, node = node->parent) {
		if (tag_get(node, tag, offset))
			return; /* the ancestors already have it */
		tag_set(node, tag, offset);
	}
	root_tag_set(root, tag);
}

/*
 * Clear @tag on slot @offset of @node; going up, clear the parent's bit only
 * while the node just cleared has no other slot tagged.
 */
static void node_tag_clear(struct radix_tree_root *root, struct radix_tree_node *node,
			   unsigned int tag, unsigned int offset)
{
	for (; node; offset = node->offset, node = node->parent) {
		if (!tag_get(node, tag, offset))
			return;
		tag_clear(node, tag, offset);
		if (any_tag_set(node, tag))
			return; /* still tagged below: the ancestors stay set */
	}
	root_tag_clear(root, tag);
}

/* ---- nodes ---- */

static struct radix_tree_node *radix_tree_node_alloc(struct radix_tree_root *root,
						     struct radix_tree_node *parent,
						     unsigned int shift, unsigned int offset,
						     unsigned int count, unsigned int exceptional)
{
	struct radix_tree_node *node;

	node = sim_kzalloc(SIM_ALLOC_RADIX_NODE, sizeof(*node));
	BUG_ON(radix_tree_is_internal_node(node) || radix_tree_exceptional_entry(node));
	node->shift = shift;
	node->offset = offset;
	node->count = count;
	node->exceptional = exceptional;
	node->parent = parent;
	node->root = root;
	INIT_LIST_HEAD(&node->private_list);
	return node;
}

/* The kernel defers this past an RCU grace period; the model frees at once. */
static void radix_tree_node_free(struct radix_tree_node *node)
{
	BUG_ON(!list_empty(&node->private_list)); /* still on a workingset list */
	sim_kfree(SIM_ALLOC_RADIX_NODE, node);
}

/* ---- growing and shrinking ---- */

void radix_tree_init_shift(struct radix_tree_root *root, unsigned int map_shift)
{
	BUG_ON(map_shift < RADIX_TREE_MIN_MAP_SHIFT || map_shift > RADIX_TREE_MAP_SHIFT);
	root->gfp_mask = 0;
	root->rnode = NULL;
	root->map_shift = map_shift;
}

/*
 * Add levels on top until @index fits. @shift is what radix_tree_load_root
 * returned: the shift the first new node takes. Each new top node has the
 * old top (node, or the lone entry of index 0) in slot 0, inheriting the
 * root's tags on that slot. An empty tree gets no node here: the path is
 * built by __radix_tree_create. Returns the shift above the new top.
 */
static int radix_tree_extend(struct radix_tree_root *root, unsigned long index, unsigned int shift)
{
	unsigned int maxshift = shift;
	unsigned int tag;
	void *entry;

	while (index > shift_maxindex(root, maxshift))
		maxshift += root->map_shift;

	entry = root->rnode;
	if (!entry)
		return maxshift + root->map_shift;

	do {
		struct radix_tree_node *node = radix_tree_node_alloc(root, NULL, shift, 0, 1, 0);

		for (tag = 0; tag < RADIX_TREE_MAX_TAGS; tag++)
			if (root_tag_get(root, tag))
				tag_set(node, tag, 0);

		if (radix_tree_is_internal_node(entry))
			entry_to_node(entry)->parent = node;
		else if (radix_tree_exceptional_entry(entry))
			node->exceptional = 1; /* the lone entry was a swap entry or shadow */
		node->slots[0] = entry;
		entry = node_to_entry(node);
		root->rnode = entry;
		shift += root->map_shift;
	} while (shift <= maxshift);

	return maxshift + root->map_shift;
}

/*
 * Take away top nodes while they are redundant: a top node whose one child
 * sits in slot 0 covers nothing that child does not. The child becomes the
 * top; if it is an entry (the top was a leaf), it goes back into
 * root->rnode. A freed leaf is handed to @update_node first, with count 0,
 * so that its user drops it from any list. Returns whether it freed a node.
 */
static bool radix_tree_shrink(struct radix_tree_root *root, radix_tree_update_node_t update_node)
{
	bool shrunk = false;

	for (;;) {
		struct radix_tree_node *node;
		void *child;

		if (!radix_tree_is_internal_node(root->rnode))
			break;
		node = entry_to_node(root->rnode);
		if (node->count != 1)
			break;
		child = node->slots[0];
		if (!child)
			break; /* the one child is elsewhere: the height is needed */
		if (!radix_tree_is_internal_node(child) && node->shift)
			break; /* only a multiorder entry could be here */

		if (radix_tree_is_internal_node(child))
			entry_to_node(child)->parent = NULL;
		root->rnode = child;

		/*
		 * The kernel leaves RADIX_TREE_RETRY in a freed leaf's slot 0
		 * for RCU readers still holding the slot; kept for fidelity,
		 * though nobody can see it here.
		 */
		node->count = 0;
		if (!radix_tree_is_internal_node(child)) {
			node->slots[0] = RADIX_TREE_RETRY;
			if (update_node)
				update_node(node);
		}
		radix_tree_node_free(node);
		shrunk = true;
	}
	return shrunk;
}

/*
 * After a slot of @node was emptied: free @node if it has no entries left,
 * and its parent if that leaves it empty, and so on up. When the walk stops
 * at the top node, see whether the tree can shrink. Returns whether any node
 * was freed.
 */
static bool delete_node(struct radix_tree_root *root, struct radix_tree_node *node,
			radix_tree_update_node_t update_node)
{
	bool deleted = false;

	do {
		struct radix_tree_node *parent;

		if (node->count) {
			if (node_to_entry(node) == root->rnode)
				deleted |= radix_tree_shrink(root, update_node);
			return deleted;
		}

		parent = node->parent;
		if (parent) {
			parent->slots[node->offset] = NULL;
			parent->count--;
		} else {
			/* the last node of the tree: nothing can be tagged */
			root_tag_clear_all(root);
			root->rnode = NULL;
		}
		radix_tree_node_free(node);
		deleted = true;
		node = parent;
	} while (node);

	return deleted;
}

/* ---- insert, lookup ---- */

int __radix_tree_create(struct radix_tree_root *root, unsigned long index, unsigned order,
			struct radix_tree_node **nodep, void ***slotp)
{
	struct radix_tree_node *node = NULL;
	void **slot = &root->rnode;
	unsigned long maxindex;
	unsigned int shift, offset = 0;
	void *child;

	BUG_ON(order != 0); /* multiorder entries are not modelled */

	shift = radix_tree_load_root(root, &child, &maxindex);
	if (index > maxindex) {
		shift = radix_tree_extend(root, index, shift);
		child = root->rnode;
	}

	while (shift > 0) {
		shift -= root->map_shift;
		if (!child) {
			/* a hole on the path: hang a new node there */
			struct radix_tree_node *new = radix_tree_node_alloc(root, node, shift,
									    offset, 0, 0);

			child = node_to_entry(new);
			*slot = child;
			if (node)
				node->count++;
		}
		BUG_ON(!radix_tree_is_internal_node(child)); /* an entry above the leaves */

		node = entry_to_node(child);
		offset = radix_tree_descend(node, &child, index);
		slot = &node->slots[offset];
	}

	if (nodep)
		*nodep = node;
	if (slotp)
		*slotp = slot;
	return 0;
}

int __radix_tree_insert(struct radix_tree_root *root, unsigned long index, unsigned order,
			void *item)
{
	struct radix_tree_node *node;
	void **slot;
	int error;

	BUG_ON(radix_tree_is_internal_node(item));
	BUG_ON(!item); /* the IDR may store NULL; the page cache never does */

	error = __radix_tree_create(root, index, order, &node, &slot);
	if (error)
		return error;
	if (*slot)
		return -EEXIST;
	*slot = item;

	if (node) {
		unsigned int offset = get_slot_offset(node, slot);

		node->count++;
		if (radix_tree_exceptional_entry(item))
			node->exceptional++;
		/* a slot that was empty cannot have been tagged */
		BUG_ON(tag_get(node, 0, offset));
		BUG_ON(tag_get(node, 1, offset));
		BUG_ON(tag_get(node, 2, offset));
	} else {
		BUG_ON(root_tags_get(root));
	}
	return 0;
}

void *__radix_tree_lookup(const struct radix_tree_root *root, unsigned long index,
			  struct radix_tree_node **nodep, void ***slotp)
{
	struct radix_tree_node *parent = NULL;
	void **slot = (void **)&root->rnode;
	unsigned long maxindex;
	void *node;

	radix_tree_load_root(root, &node, &maxindex);
	if (index > maxindex) {
		if (nodep)
			*nodep = NULL;
		if (slotp)
			*slotp = NULL;
		return NULL;
	}

	while (radix_tree_is_internal_node(node)) {
		unsigned int offset;

		BUG_ON(node == RADIX_TREE_RETRY); /* only in freed nodes */
		parent = entry_to_node(node);
		offset = radix_tree_descend(parent, &node, index);
		slot = &parent->slots[offset];
	}

	if (nodep)
		*nodep = parent;
	if (slotp)
		*slotp = slot;
	return node;
}

void **radix_tree_lookup_slot(const struct radix_tree_root *root, unsigned long index)
{
	void **slot;

	if (!__radix_tree_lookup(root, index, NULL, &slot))
		return NULL;
	return slot;
}

void *radix_tree_lookup(const struct radix_tree_root *root, unsigned long index)
{
	return __radix_tree_lookup(root, index, NULL, NULL);
}

/* ---- replace, delete ---- */

static void replace_slot(void **slot, void *item, struct radix_tree_node *node, int count,
			 int exceptional)
{
	BUG_ON(radix_tree_is_internal_node(item));
	if (node) {
		node->count += count;
		node->exceptional += exceptional;
	}
	*slot = item;
}

void __radix_tree_replace(struct radix_tree_root *root, struct radix_tree_node *node, void **slot,
			  void *item, radix_tree_update_node_t update_node)
{
	void *old = *slot;
	int exceptional = !!radix_tree_exceptional_entry(item) -
			  !!radix_tree_exceptional_entry(old);
	int count = !!item - !!old;

	/*
	 * Without its node, a slot inside the tree cannot have its counts
	 * kept: only root->rnode, which has none, may change kind that way.
	 */
	BUG_ON(!node && slot != &root->rnode && (count || exceptional));
	replace_slot(slot, item, node, count, exceptional);

	if (!node)
		return;
	if (update_node)
		update_node(node);
	delete_node(root, node, update_node);
}

void radix_tree_replace_slot(struct radix_tree_root *root, void **slot, void *item)
{
	__radix_tree_replace(root, NULL, slot, item, NULL);
}

void radix_tree_iter_replace(struct radix_tree_root *root, const struct radix_tree_iter *iter,
			     void **slot, void *item)
{
	__radix_tree_replace(root, iter->node, slot, item, NULL);
}

/* Empty @slot of @node: its tags, its entry, then the nodes this leaves empty. */
static bool __radix_tree_delete(struct radix_tree_root *root, struct radix_tree_node *node,
				void **slot)
{
	void *old = *slot;
	int exceptional = radix_tree_exceptional_entry(old) ? -1 : 0;
	unsigned int offset = node ? get_slot_offset(node, slot) : 0;
	unsigned int tag;

	for (tag = 0; tag < RADIX_TREE_MAX_TAGS; tag++)
		node_tag_clear(root, node, tag, offset);

	replace_slot(slot, NULL, node, -1, exceptional);
	return node && delete_node(root, node, NULL);
}

void *radix_tree_delete_item(struct radix_tree_root *root, unsigned long index, void *item)
{
	struct radix_tree_node *node = NULL;
	void **slot = NULL;
	void *entry;

	entry = __radix_tree_lookup(root, index, &node, &slot);
	if (!slot || !entry)
		return NULL;
	if (item && entry != item)
		return NULL;

	__radix_tree_delete(root, node, slot);
	return entry;
}

void *radix_tree_delete(struct radix_tree_root *root, unsigned long index)
{
	return radix_tree_delete_item(root, index, NULL);
}

void radix_tree_clear_tags(struct radix_tree_root *root, struct radix_tree_node *node, void **slot)
{
	unsigned int tag;

	if (!node) {
		root_tag_clear_all(root);
		return;
	}
	for (tag = 0; tag < RADIX_TREE_MAX_TAGS; tag++)
		node_tag_clear(root, node, tag, get_slot_offset(node, slot));
}

/* ---- tags ---- */

void *radix_tree_tag_set(struct radix_tree_root *root, unsigned long index, unsigned int tag)
{
	unsigned long maxindex;
	void *node;

	BUG_ON(tag >= RADIX_TREE_MAX_TAGS);
	radix_tree_load_root(root, &node, &maxindex);
	BUG_ON(index > maxindex);

	while (radix_tree_is_internal_node(node)) {
		struct radix_tree_node *parent = entry_to_node(node);
		unsigned int offset = radix_tree_descend(parent, &node, index);

		BUG_ON(!node); /* tagging an index with no entry */
		tag_set(parent, tag, offset);
	}
	/* The kernel does not check this case (index 0, no node): the model does. */
	BUG_ON(!node);

	root_tag_set(root, tag);
	return node;
}

void *radix_tree_tag_clear(struct radix_tree_root *root, unsigned long index, unsigned int tag)
{
	struct radix_tree_node *parent = NULL;
	unsigned long maxindex;
	unsigned int offset = 0;
	void *node;

	BUG_ON(tag >= RADIX_TREE_MAX_TAGS);
	radix_tree_load_root(root, &node, &maxindex);
	if (index > maxindex)
		return NULL;

	while (radix_tree_is_internal_node(node)) {
		parent = entry_to_node(node);
		offset = radix_tree_descend(parent, &node, index);
	}

	if (node)
		node_tag_clear(root, parent, tag, offset);
	return node;
}

int radix_tree_tag_get(const struct radix_tree_root *root, unsigned long index, unsigned int tag)
{
	unsigned long maxindex;
	void *node;

	BUG_ON(tag >= RADIX_TREE_MAX_TAGS);
	if (!root_tag_get(root, tag))
		return 0;

	radix_tree_load_root(root, &node, &maxindex);
	if (index > maxindex)
		return 0;

	while (radix_tree_is_internal_node(node)) {
		struct radix_tree_node *parent = entry_to_node(node);
		unsigned int offset = radix_tree_descend(parent, &node, index);

		if (!tag_get(parent, tag, offset))
			return 0;
	}
	return 1;
}

int radix_tree_tagged(const struct radix_tree_root *root, unsigned int tag)
{
	BUG_ON(tag >= RADIX_TREE_MAX_TAGS);
	return root_tag_get(root, tag);
}

void radix_tree_iter_tag_set(struct radix_tree_root *root, const struct radix_tree_iter *iter,
			     unsigned int tag)
{
	unsigned int offset = iter->index & (map_size(root) - 1);

	if (!iter->node) {
		BUG_ON(!root->rnode);
		root_tag_set(root, tag);
		return;
	}
	node_tag_set(root, iter->node, tag, offset);
}

void radix_tree_iter_tag_clear(struct radix_tree_root *root, const struct radix_tree_iter *iter,
			       unsigned int tag)
{
	node_tag_clear(root, iter->node, tag, iter->index & (map_size(root) - 1));
}

/* ---- iteration ---- */

void **radix_tree_next_chunk(const struct radix_tree_root *root, struct radix_tree_iter *iter,
			     unsigned flags)
{
	unsigned int tag = flags & RADIX_TREE_ITER_TAG_MASK;
	bool tagged = flags & RADIX_TREE_ITER_TAGGED;
	unsigned int size = map_size(root);
	struct radix_tree_node *node;
	unsigned long index, maxindex;
	unsigned int offset;
	void *child;

	if (tagged && !root_tag_get(root, tag))
		return NULL;

	/* next_index wraps to 0 after a chunk ending at ULONG_MAX */
	index = iter->next_index;
	if (!index && iter->index)
		return NULL;

restart:
	radix_tree_load_root(root, &child, &maxindex);
	if (index > maxindex || !child)
		return NULL;

	if (!radix_tree_is_internal_node(child)) {
		/* the lone entry of index 0, a chunk of one */
		iter->index = 0;
		iter->next_index = 1;
		iter->tags = 1;
		iter->node = NULL;
		return (void **)&root->rnode;
	}

	do {
		unsigned int found;

		node = entry_to_node(child);
		offset = (index >> node->shift) & (size - 1);
		if (tagged) {
			found = next_tagged_offset(node, tag, offset, size);
		} else {
			found = offset;
			while (found < size && !node->slots[found])
				found++;
		}

		if (found == size) {
			/* nothing wanted from @index to the end of this node */
			index = (index | node_maxindex(node)) + 1;
			if (!index)
				return NULL;
			goto restart;
		}
		if (found != offset)
			index = (index & ~node_maxindex(node)) +
				((unsigned long)found << node->shift);
		offset = found;
		child = node->slots[offset];
	} while (radix_tree_is_internal_node(child));

	BUG_ON(node->shift != 0); /* an entry above the leaves: multiorder */

	iter->index = index;
	iter->next_index = (index | node_maxindex(node)) + 1;
	iter->tags = tagged ? node->tags[tag][0] >> offset : 0;
	iter->node = node;
	return &node->slots[offset];
}

void **radix_tree_next_slot(void **slot, struct radix_tree_iter *iter, unsigned flags)
{
	if (flags & RADIX_TREE_ITER_TAGGED) {
		unsigned int skip;

		iter->tags >>= 1;
		if (!iter->tags)
			return NULL;
		skip = __builtin_ctzl(iter->tags);
		iter->tags >>= skip;
		iter->index += skip + 1;
		return slot + skip + 1;
	} else {
		/* slots left in the chunk, the current one included */
		unsigned long left = iter->next_index - iter->index;

		while (left > 1) {
			left--;
			slot++;
			iter->index++;
			if (*slot)
				return slot;
		}
	}
	return NULL;
}

void **radix_tree_iter_resume(void **slot, struct radix_tree_iter *iter)
{
	iter->next_index = iter->index + 1;
	/* past ULONG_MAX: leave index non-zero so next_chunk sees the wrap */
	iter->index = iter->next_index ? iter->next_index : ULONG_MAX;
	iter->tags = 0;
	return NULL;
}

/* ---- gang lookups ---- */

unsigned int radix_tree_gang_lookup(const struct radix_tree_root *root, void **results,
				    unsigned long first_index, unsigned int max_items)
{
	struct radix_tree_iter iter;
	unsigned int ret = 0;
	void **slot;

	if (!max_items)
		return 0;
	radix_tree_for_each_slot(slot, root, &iter, first_index) {
		results[ret] = *slot;
		if (++ret == max_items)
			break;
	}
	return ret;
}

unsigned int radix_tree_gang_lookup_slot(const struct radix_tree_root *root, void ***results,
					 unsigned long *indices, unsigned long first_index,
					 unsigned int max_items)
{
	struct radix_tree_iter iter;
	unsigned int ret = 0;
	void **slot;

	if (!max_items)
		return 0;
	radix_tree_for_each_slot(slot, root, &iter, first_index) {
		results[ret] = slot;
		if (indices)
			indices[ret] = iter.index;
		if (++ret == max_items)
			break;
	}
	return ret;
}

unsigned int radix_tree_gang_lookup_tag(const struct radix_tree_root *root, void **results,
					unsigned long first_index, unsigned int max_items,
					unsigned int tag)
{
	struct radix_tree_iter iter;
	unsigned int ret = 0;
	void **slot;

	BUG_ON(tag >= RADIX_TREE_MAX_TAGS);
	if (!max_items)
		return 0;
	radix_tree_for_each_tagged(slot, root, &iter, first_index, tag) {
		results[ret] = *slot;
		if (++ret == max_items)
			break;
	}
	return ret;
}

unsigned int radix_tree_gang_lookup_tag_slot(const struct radix_tree_root *root, void ***results,
					     unsigned long first_index, unsigned int max_items,
					     unsigned int tag)
{
	struct radix_tree_iter iter;
	unsigned int ret = 0;
	void **slot;

	BUG_ON(tag >= RADIX_TREE_MAX_TAGS);
	if (!max_items)
		return 0;
	radix_tree_for_each_tagged(slot, root, &iter, first_index, tag) {
		results[ret] = slot;
		if (++ret == max_items)
			break;
	}
	return ret;
}

/* ---- sim only: shape, walking and checking ---- */

unsigned int radix_tree_height(const struct radix_tree_root *root)
{
	if (!radix_tree_is_internal_node(root->rnode))
		return 0;
	return entry_to_node(root->rnode)->shift / root->map_shift + 1;
}

static int walk_node(const struct radix_tree_node *node, unsigned long first_index,
		     unsigned int depth, radix_tree_visit_t visit, void *data)
{
	unsigned int size = map_size(node->root);
	unsigned int i;
	int ret;

	ret = visit(node, first_index, depth, data);
	if (ret)
		return ret;
	for (i = 0; i < size; i++) {
		void *child = node->slots[i];

		if (!radix_tree_is_internal_node(child))
			continue;
		ret = walk_node(entry_to_node(child),
				first_index + ((unsigned long)i << node->shift), depth + 1, visit,
				data);
		if (ret)
			return ret;
	}
	return 0;
}

int radix_tree_walk_nodes(const struct radix_tree_root *root, radix_tree_visit_t visit, void *data)
{
	if (!radix_tree_is_internal_node(root->rnode))
		return 0;
	return walk_node(entry_to_node(root->rnode), 0, 0, visit, data);
}

/*
 * Check @node (covering indices from @first), expected to hang from @parent
 * at @offset with @shift, and everything below it. On success, *@tagsp gets
 * which tags the node carries on any slot.
 */
static const char *check_node(const struct radix_tree_root *root,
			      const struct radix_tree_node *node,
			      const struct radix_tree_node *parent, unsigned int offset,
			      unsigned int shift, unsigned long first, unsigned long *indexp,
			      unsigned int *tagsp)
{
	unsigned int size = map_size(root);
	unsigned int count = 0, exceptional = 0;
	unsigned int i, tag;
	const char *why;

	*indexp = first;
	if (node->root != root)
		return "node->root is not the tree's root";
	if (node->parent != parent)
		return "node->parent is not the node whose slot points here";
	if (node->offset != offset)
		return "node->offset is not the parent slot that points here";
	if (node->shift != shift)
		return "node->shift is not its parent's shift less map_shift";
	if (first & node_maxindex(node))
		return "node's first index is not aligned to the range it covers";

	for (tag = 0; tag < RADIX_TREE_MAX_TAGS; tag++)
		if (size < BITS_PER_LONG && node->tags[tag][0] >> size)
			return "a tag bit is set beyond the node's last slot";

	for (i = 0; i < RADIX_TREE_MAP_SIZE; i++) {
		void *entry = node->slots[i];
		unsigned long slot_first = first + ((unsigned long)i << node->shift);
		unsigned int child_tags = 0;

		if (i >= size) {
			if (entry)
				return "a slot beyond the node's last slot is in use";
			continue;
		}
		if (!entry) {
			for (tag = 0; tag < RADIX_TREE_MAX_TAGS; tag++)
				if (tag_get(node, tag, i))
					return "an empty slot is tagged";
			continue;
		}
		count++;
		if (radix_tree_exceptional_entry(entry))
			exceptional++;

		if (node->shift == 0) {
			if (radix_tree_is_internal_node(entry))
				return "a leaf slot holds a node pointer";
			continue;
		}
		if (!radix_tree_is_internal_node(entry))
			return "an interior slot holds an entry, not a node";
		if (entry == RADIX_TREE_RETRY)
			return "a slot holds RADIX_TREE_RETRY";

		why = check_node(root, entry_to_node(entry), node, i, node->shift - root->map_shift,
				 slot_first, indexp, &child_tags);
		if (why)
			return why;
		*indexp = first;
		for (tag = 0; tag < RADIX_TREE_MAX_TAGS; tag++)
			if (tag_get(node, tag, i) != !!(child_tags & (1U << tag)))
				return "an interior tag bit disagrees with the child's tags";
	}

	if (node->count != count)
		return "node->count differs from its non-empty slots";
	if (node->exceptional != exceptional)
		return "node->exceptional differs from its exceptional slots";
	if (!count)
		return "an empty node was left in the tree";

	*tagsp = 0;
	for (tag = 0; tag < RADIX_TREE_MAX_TAGS; tag++)
		if (any_tag_set(node, tag))
			*tagsp |= 1U << tag;
	return NULL;
}

const char *radix_tree_check(const struct radix_tree_root *root, unsigned long *indexp)
{
	const struct radix_tree_node *top;
	unsigned long index = 0;
	unsigned int tags = 0, tag;
	const char *why;

	if (!indexp)
		indexp = &index;
	*indexp = 0;

	if (root->map_shift < RADIX_TREE_MIN_MAP_SHIFT || root->map_shift > RADIX_TREE_MAP_SHIFT)
		return "root->map_shift is out of range";
	if (!root->rnode) {
		if (root_tags_get(root))
			return "an empty tree has root tags";
		return NULL;
	}
	if (!radix_tree_is_internal_node(root->rnode))
		return NULL; /* a lone entry for index 0: it may carry any tag */

	top = entry_to_node(root->rnode);
	if (top == NULL)
		return "root->rnode is RADIX_TREE_RETRY";
	if (top->shift % root->map_shift)
		return "the top node's shift is not a multiple of map_shift";
	why = check_node(root, top, NULL, 0, top->shift, 0, indexp, &tags);
	if (why)
		return why;

	*indexp = 0;
	for (tag = 0; tag < RADIX_TREE_MAX_TAGS; tag++)
		if (root_tag_get(root, tag) != !!(tags & (1U << tag)))
			return "a root tag bit disagrees with the top node's tags";
	if (top->count == 1 && top->slots[0] &&
	    (radix_tree_is_internal_node(top->slots[0]) || top->shift == 0))
		return "the tree is taller than needed: the top node could shrink";
	return NULL;
}
