// SPDX-License-Identifier: GPL-2.0
/*
 * test_radix_tree.c - the page-cache radix tree (sim/kernel/radix-tree.c).
 *
 * Unit tests for each operation, the shapes growth and shrinking leave, tag
 * propagation, exceptional counts and the entry encodings; then a randomized
 * run against a GHashTable model, over several fan-outs and index ranges,
 * checking the tree's invariants after every batch and that deleting
 * everything gives every node back. The run prints its seed ("random seed
 * %u"); MMSIM_SEED=<n> replays one.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <glib.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "radix-tree.h"

/* A stand-in for a struct page *: never dereferenced, 16-byte aligned, non-NULL. */
static void *page(unsigned long n)
{
	return (void *)(uintptr_t)(0x10000 + (n << 4));
}

/* A shmem swap entry as the page cache stores it. */
static void *swap_slot(unsigned type, unsigned long offset)
{
	return swp_to_radix_entry(swp_entry(type, offset));
}

static struct radix_tree_node *top_node(const struct radix_tree_root *root)
{
	cr_assert(radix_tree_is_internal_node(root->rnode), "the tree has no node");
	return entry_to_node(root->rnode);
}

#define assert_tree_ok(root)                                                                       \
	do {                                                                                       \
		unsigned long where_ = 0;                                                          \
		const char *why_ = radix_tree_check(root, &where_);                                \
		cr_assert(why_ == NULL, "radix tree broken: %s (node at index %lu)",               \
			  why_ ? why_ : "", where_);                                               \
	} while (0)

#define assert_nodes(n)                                                                            \
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_RADIX_NODE), (n),                             \
		     "%ld nodes allocated, not %ld", sim_alloc_outstanding(SIM_ALLOC_RADIX_NODE),  \
		     (long)(n))

static struct radix_tree_root *new_tree(unsigned int map_shift)
{
	static struct radix_tree_root root;

	radix_tree_init_shift(&root, map_shift);
	return &root;
}

/* ---- insert and lookup ---- */

Test(radix_tree, empty_tree_finds_nothing_and_has_no_node)
{
	RADIX_TREE(root, 0);

	cr_assert(radix_tree_empty(&root));
	cr_assert_null(radix_tree_lookup(&root, 0));
	cr_assert_null(radix_tree_lookup(&root, 12345));
	cr_assert_null(radix_tree_lookup_slot(&root, 0));
	cr_assert_eq(radix_tree_height(&root), 0);
	assert_tree_ok(&root);
	assert_nodes(0);
}

Test(radix_tree, lone_entry_at_index_zero_lives_in_the_root_without_a_node)
{
	struct radix_tree_root *root = new_tree(6);

	cr_assert_eq(radix_tree_insert(root, 0, page(0)), 0);
	cr_assert_eq(root->rnode, page(0));
	cr_assert_eq(radix_tree_lookup(root, 0), page(0));
	cr_assert_null(radix_tree_lookup(root, 1));
	cr_assert_eq(radix_tree_height(root), 0);
	assert_nodes(0);
	assert_tree_ok(root);
}

Test(radix_tree, entry_at_index_one_gets_a_single_leaf)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_node *leaf;

	cr_assert_eq(radix_tree_insert(root, 1, page(1)), 0);
	assert_nodes(1);
	leaf = top_node(root);
	cr_assert_eq(leaf->shift, 0);
	cr_assert_eq(leaf->count, 1);
	cr_assert_eq(leaf->slots[1], page(1));
	cr_assert_null(leaf->parent);
	cr_assert_eq(leaf->root, root);
	cr_assert_eq(radix_tree_lookup(root, 1), page(1));
	assert_tree_ok(root);
}

Test(radix_tree, insert_into_an_occupied_slot_returns_eexist)
{
	struct radix_tree_root *root = new_tree(6);

	cr_assert_eq(radix_tree_insert(root, 0, page(0)), 0);
	cr_assert_eq(radix_tree_insert(root, 0, page(9)), -EEXIST);
	cr_assert_eq(radix_tree_insert(root, 70, page(70)), 0);
	cr_assert_eq(radix_tree_insert(root, 70, swap_slot(1, 5)), -EEXIST);
	cr_assert_eq(radix_tree_insert(root, 0, page(9)), -EEXIST);
	cr_assert_eq(radix_tree_lookup(root, 0), page(0));
	cr_assert_eq(radix_tree_lookup(root, 70), page(70));
	assert_tree_ok(root);
}

Test(radix_tree, lookup_returns_the_node_and_slot_even_for_an_empty_slot)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_node *node = (void *)1;
	void **slot = (void *)1;

	radix_tree_insert(root, 130, page(130));
	cr_assert_eq(__radix_tree_lookup(root, 130, &node, &slot), page(130));
	cr_assert_eq(node->shift, 0);
	cr_assert_eq(slot, &node->slots[130 & 63]);
	cr_assert_eq(radix_tree_lookup_slot(root, 130), slot);

	cr_assert_null(__radix_tree_lookup(root, 131, &node, &slot));
	cr_assert_eq(slot, &node->slots[131 & 63], "an empty slot inside the tree is returned");
	cr_assert_null(radix_tree_lookup_slot(root, 131));

	cr_assert_null(__radix_tree_lookup(root, 5000, &node, &slot));
	cr_assert_null(node);
	cr_assert_null(slot, "an index beyond the tree has no slot");
}

Test(radix_tree, lookup_of_index_zero_in_a_lone_root_gives_no_node)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_node *node = (void *)1;
	void **slot = NULL;

	radix_tree_insert(root, 0, page(0));
	cr_assert_eq(__radix_tree_lookup(root, 0, &node, &slot), page(0));
	cr_assert_null(node);
	cr_assert_eq(slot, &root->rnode);
}

Test(radix_tree, inserting_a_node_pointer_is_a_bug, .signal = SIGABRT, .init = cr_redirect_stderr)
{
	struct radix_tree_root *root = new_tree(6);

	radix_tree_insert(root, 3, (void *)(0x1000 | RADIX_TREE_INTERNAL_NODE));
}

Test(radix_tree, map_shift_outside_one_to_six_is_a_bug, .signal = SIGABRT,
     .init = cr_redirect_stderr)
{
	struct radix_tree_root root;

	radix_tree_init_shift(&root, 7);
}

/* ---- growth ---- */

static unsigned int height_after_inserting(unsigned int map_shift, unsigned long index)
{
	struct radix_tree_root root;
	unsigned int height;

	radix_tree_init_shift(&root, map_shift);
	cr_assert_eq(radix_tree_insert(&root, index, page(1)), 0);
	height = radix_tree_height(&root);
	assert_tree_ok(&root);
	cr_assert_eq(radix_tree_delete(&root, index), page(1));
	cr_assert(radix_tree_empty(&root));
	assert_nodes(0);
	return height;
}

Test(radix_tree, height_is_what_the_largest_index_needs)
{
	cr_assert_eq(height_after_inserting(6, 0), 0);
	cr_assert_eq(height_after_inserting(6, 1), 1);
	cr_assert_eq(height_after_inserting(6, 63), 1);
	cr_assert_eq(height_after_inserting(6, 64), 2);
	cr_assert_eq(height_after_inserting(6, 4095), 2);
	cr_assert_eq(height_after_inserting(6, 4096), 3);
	cr_assert_eq(height_after_inserting(6, ULONG_MAX), 11);
	cr_assert_eq(height_after_inserting(2, 3), 1);
	cr_assert_eq(height_after_inserting(2, 4), 2);
	cr_assert_eq(height_after_inserting(2, 15), 2);
	cr_assert_eq(height_after_inserting(2, 16), 3);
	cr_assert_eq(height_after_inserting(2, ULONG_MAX), 32);
	cr_assert_eq(height_after_inserting(1, ULONG_MAX), 64);
	cr_assert_eq(height_after_inserting(5, ULONG_MAX), 13);
}

Test(radix_tree, index_ulong_max_works_for_every_map_shift)
{
	unsigned int ms;

	for (ms = 1; ms <= 6; ms++) {
		struct radix_tree_root *root = new_tree(ms);

		cr_assert_eq(radix_tree_insert(root, 0, page(0)), 0);
		cr_assert_eq(radix_tree_insert(root, ULONG_MAX, page(1)), 0);
		cr_assert_eq(radix_tree_insert(root, ULONG_MAX - 1, swap_slot(2, 9)), 0);
		cr_assert_eq(radix_tree_height(root), 63 / ms + 1, "map_shift %u", ms);
		cr_assert_eq(top_node(root)->shift, (63 / ms) * ms);
		cr_assert_eq(radix_tree_lookup(root, ULONG_MAX), page(1));
		cr_assert_eq(radix_tree_lookup(root, ULONG_MAX - 1), swap_slot(2, 9));
		assert_tree_ok(root);
		radix_tree_delete(root, ULONG_MAX);
		radix_tree_delete(root, ULONG_MAX - 1);
		cr_assert_eq(root->rnode, page(0), "map_shift %u: back to a lone entry", ms);
		radix_tree_delete(root, 0);
		assert_nodes(0);
	}
}

Test(radix_tree, growth_puts_the_old_top_in_slot_zero_of_the_new_top)
{
	struct radix_tree_root *root = new_tree(2);
	struct radix_tree_node *leaf, *top;

	radix_tree_insert(root, 1, page(1));
	leaf = top_node(root);
	radix_tree_insert(root, 5, page(5));
	top = top_node(root);
	cr_assert_neq(top, leaf);
	cr_assert_eq(top->shift, 2);
	cr_assert_eq(top->count, 2);
	cr_assert_eq(entry_to_node(top->slots[0]), leaf);
	cr_assert(radix_tree_is_internal_node(top->slots[1]));
	cr_assert_eq(leaf->parent, top);
	cr_assert_eq(leaf->offset, 0);
	cr_assert_eq(entry_to_node(top->slots[1])->offset, 1);
	assert_nodes(3);
	assert_tree_ok(root);
}

Test(radix_tree, growth_over_a_lone_exceptional_entry_counts_it_in_the_new_leaf)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_node *leaf;

	radix_tree_insert(root, 0, swap_slot(0, 42));
	radix_tree_insert(root, 1, page(1));
	leaf = top_node(root);
	cr_assert_eq(leaf->slots[0], swap_slot(0, 42));
	cr_assert_eq(leaf->count, 2);
	cr_assert_eq(leaf->exceptional, 1);
	assert_tree_ok(root);
}

Test(radix_tree, growth_carries_the_root_tags_onto_slot_zero)
{
	struct radix_tree_root *root = new_tree(6);

	radix_tree_insert(root, 0, page(0));
	radix_tree_tag_set(root, 0, PAGECACHE_TAG_DIRTY);
	cr_assert(radix_tree_tagged(root, PAGECACHE_TAG_DIRTY));
	radix_tree_insert(root, 100, page(100));
	cr_assert_eq(radix_tree_height(root), 2);
	cr_assert(radix_tree_tag_get(root, 0, PAGECACHE_TAG_DIRTY));
	cr_assert_not(radix_tree_tag_get(root, 100, PAGECACHE_TAG_DIRTY));
	cr_assert_eq(top_node(root)->tags[PAGECACHE_TAG_DIRTY][0], 1UL);
	assert_tree_ok(root);
}

Test(radix_tree, a_lone_index_far_from_zero_keeps_a_top_node_with_one_child_not_in_slot_zero)
{
	struct radix_tree_root *root = new_tree(2);

	radix_tree_insert(root, 5, page(5));
	cr_assert_eq(radix_tree_height(root), 2);
	cr_assert_eq(top_node(root)->count, 1);
	cr_assert_null(top_node(root)->slots[0]);
	assert_tree_ok(root);
}

/* ---- delete and shrink ---- */

Test(radix_tree, deleting_the_last_entry_frees_every_node)
{
	struct radix_tree_root *root = new_tree(6);

	radix_tree_insert(root, 300000, page(1));
	cr_assert_eq(radix_tree_height(root), 4);
	assert_nodes(4);
	cr_assert_eq(radix_tree_delete(root, 300000), page(1));
	cr_assert(radix_tree_empty(root));
	cr_assert_eq(root->gfp_mask, 0);
	assert_nodes(0);
}

Test(radix_tree, delete_shrinks_the_tree_back_to_a_lone_root_entry)
{
	struct radix_tree_root *root = new_tree(2);

	radix_tree_insert(root, 0, page(0));
	radix_tree_insert(root, 100, page(100));
	cr_assert_eq(radix_tree_height(root), 4);
	radix_tree_delete(root, 100);
	cr_assert_eq(radix_tree_height(root), 0);
	cr_assert_eq(root->rnode, page(0));
	assert_nodes(0);
}

Test(radix_tree, delete_shrinks_only_the_levels_slot_zero_alone_justifies)
{
	struct radix_tree_root *root = new_tree(2);

	radix_tree_insert(root, 1, page(1));
	radix_tree_insert(root, 2, page(2));
	radix_tree_insert(root, 100, page(100));
	cr_assert_eq(radix_tree_height(root), 4);
	radix_tree_delete(root, 100);
	cr_assert_eq(radix_tree_height(root), 1, "indices 1 and 2 need one leaf");
	cr_assert_null(top_node(root)->parent);
	cr_assert_eq(top_node(root)->offset, 0);
	assert_nodes(1);
	assert_tree_ok(root);
}

Test(radix_tree, delete_does_not_shrink_when_the_one_child_is_not_in_slot_zero)
{
	struct radix_tree_root *root = new_tree(2);

	radix_tree_insert(root, 5, page(5));
	radix_tree_insert(root, 6, page(6));
	radix_tree_delete(root, 6);
	cr_assert_eq(radix_tree_height(root), 2);
	assert_nodes(2);
	assert_tree_ok(root);
}

Test(radix_tree, delete_item_with_another_item_changes_nothing)
{
	struct radix_tree_root *root = new_tree(6);

	radix_tree_insert(root, 7, page(7));
	cr_assert_null(radix_tree_delete_item(root, 7, page(8)));
	cr_assert_eq(radix_tree_lookup(root, 7), page(7));
	cr_assert_eq(radix_tree_delete_item(root, 7, page(7)), page(7));
	cr_assert(radix_tree_empty(root));
}

Test(radix_tree, deleting_an_absent_index_returns_null)
{
	struct radix_tree_root *root = new_tree(6);

	cr_assert_null(radix_tree_delete(root, 0));
	radix_tree_insert(root, 7, page(7));
	cr_assert_null(radix_tree_delete(root, 8));
	cr_assert_null(radix_tree_delete(root, 80000));
	cr_assert_eq(radix_tree_lookup(root, 7), page(7));
	assert_tree_ok(root);
}

Test(radix_tree, deleting_an_exceptional_entry_lowers_the_exceptional_count)
{
	struct radix_tree_root *root = new_tree(6);

	radix_tree_insert(root, 1, page(1));
	radix_tree_insert(root, 2, swap_slot(1, 2));
	radix_tree_insert(root, 3, pack_shadow(0, 0, 77, 0));
	cr_assert_eq(top_node(root)->exceptional, 2);
	radix_tree_delete(root, 2);
	cr_assert_eq(top_node(root)->exceptional, 1);
	cr_assert_eq(top_node(root)->count, 2);
	assert_tree_ok(root);
}

/* ---- replace ---- */

static struct radix_tree_node *updated[8];
static int nr_updated;

static void record_update(struct radix_tree_node *node)
{
	if (nr_updated < 8)
		updated[nr_updated] = node;
	nr_updated++;
}

Test(radix_tree, replacing_a_page_by_a_swap_entry_and_back_keeps_the_counts)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_node *node;
	void **slot;

	radix_tree_insert(root, 3, page(3));
	radix_tree_insert(root, 4, page(4));
	__radix_tree_lookup(root, 3, &node, &slot);
	__radix_tree_replace(root, node, slot, swap_slot(1, 33), NULL);
	cr_assert_eq(node->count, 2);
	cr_assert_eq(node->exceptional, 1);
	cr_assert_eq(radix_tree_lookup(root, 3), swap_slot(1, 33));
	assert_tree_ok(root);

	__radix_tree_replace(root, node, slot, page(3), NULL);
	cr_assert_eq(node->count, 2);
	cr_assert_eq(node->exceptional, 0);
	assert_tree_ok(root);
}

Test(radix_tree, replace_calls_update_node_with_the_leaf)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_node *node;
	void **slot;

	nr_updated = 0;
	radix_tree_insert(root, 3, page(3));
	radix_tree_insert(root, 4, page(4));
	__radix_tree_lookup(root, 3, &node, &slot);
	__radix_tree_replace(root, node, slot, pack_shadow(1, 0, 5, 0), record_update);
	cr_assert_eq(nr_updated, 1);
	cr_assert_eq(updated[0], node);
}

Test(radix_tree, replacing_the_last_entry_by_null_frees_the_leaf)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_node *node;
	void **slot;

	radix_tree_insert(root, 3, page(3));
	radix_tree_tag_set(root, 3, PAGECACHE_TAG_DIRTY);
	__radix_tree_lookup(root, 3, &node, &slot);
	radix_tree_clear_tags(root, node, slot);
	cr_assert_not(radix_tree_tagged(root, PAGECACHE_TAG_DIRTY));
	__radix_tree_replace(root, node, slot, NULL, NULL);
	cr_assert(radix_tree_empty(root));
	assert_nodes(0);
}

Test(radix_tree, replace_that_empties_a_slot_can_shrink_the_tree)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_node *node;
	void **slot;

	nr_updated = 0;
	radix_tree_insert(root, 0, pack_shadow(0, 0, 1, 0));
	radix_tree_insert(root, 1, page(1));
	__radix_tree_lookup(root, 1, &node, &slot);
	__radix_tree_replace(root, node, slot, NULL, record_update);
	cr_assert_eq(root->rnode, pack_shadow(0, 0, 1, 0), "the shadow went back to the root");
	cr_assert_eq(nr_updated, 2, "once for the change, once as the shrink frees the leaf");
	assert_nodes(0);
}

Test(radix_tree, replace_slot_between_entries_of_one_kind_keeps_the_counts)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_node *node;

	radix_tree_insert(root, 3, page(3));
	radix_tree_insert(root, 4, swap_slot(0, 4));
	radix_tree_replace_slot(root, radix_tree_lookup_slot(root, 3), page(33));
	radix_tree_replace_slot(root, radix_tree_lookup_slot(root, 4), swap_slot(0, 44));
	node = top_node(root);
	cr_assert_eq(node->count, 2);
	cr_assert_eq(node->exceptional, 1);
	cr_assert_eq(radix_tree_lookup(root, 3), page(33));
	cr_assert_eq(radix_tree_lookup(root, 4), swap_slot(0, 44));
	assert_tree_ok(root);
}

Test(radix_tree, replace_slot_may_change_kind_in_the_root_slot)
{
	struct radix_tree_root *root = new_tree(6);

	radix_tree_insert(root, 0, page(0));
	radix_tree_replace_slot(root, radix_tree_lookup_slot(root, 0), swap_slot(3, 1));
	cr_assert_eq(radix_tree_lookup(root, 0), swap_slot(3, 1));
}

Test(radix_tree, replace_slot_changing_kind_inside_a_node_is_a_bug, .signal = SIGABRT,
     .init = cr_redirect_stderr)
{
	struct radix_tree_root *root = new_tree(6);

	radix_tree_insert(root, 3, page(3));
	radix_tree_replace_slot(root, radix_tree_lookup_slot(root, 3), swap_slot(0, 1));
}

/* ---- tags ---- */

Test(radix_tree, tag_set_marks_the_slot_and_every_ancestor_and_the_root)
{
	struct radix_tree_root *root = new_tree(2);
	struct radix_tree_node *top, *mid, *leaf;

	radix_tree_insert(root, 0, page(0));
	radix_tree_insert(root, 37, page(37));
	cr_assert_eq(radix_tree_height(root), 3);
	cr_assert_eq(radix_tree_tag_set(root, 37, PAGECACHE_TAG_DIRTY), page(37));

	top = top_node(root);
	mid = entry_to_node(top->slots[(37 >> 4) & 3]);
	leaf = entry_to_node(mid->slots[(37 >> 2) & 3]);
	cr_assert_eq(top->tags[PAGECACHE_TAG_DIRTY][0], 1UL << 2);
	cr_assert_eq(mid->tags[PAGECACHE_TAG_DIRTY][0], 1UL << 1);
	cr_assert_eq(leaf->tags[PAGECACHE_TAG_DIRTY][0], 1UL << 1);
	cr_assert(radix_tree_tagged(root, PAGECACHE_TAG_DIRTY));
	cr_assert_not(radix_tree_tagged(root, PAGECACHE_TAG_WRITEBACK));
	cr_assert(radix_tree_tag_get(root, 37, PAGECACHE_TAG_DIRTY));
	cr_assert_not(radix_tree_tag_get(root, 0, PAGECACHE_TAG_DIRTY));
	cr_assert_not(radix_tree_tag_get(root, 36, PAGECACHE_TAG_DIRTY));
	assert_tree_ok(root);
}

Test(radix_tree, tag_clear_clears_a_parent_bit_only_when_no_sibling_keeps_it)
{
	struct radix_tree_root *root = new_tree(2);
	struct radix_tree_node *top;

	radix_tree_insert(root, 0, page(0));
	radix_tree_insert(root, 36, page(36));
	radix_tree_insert(root, 37, page(37));
	radix_tree_tag_set(root, 36, PAGECACHE_TAG_TOWRITE);
	radix_tree_tag_set(root, 37, PAGECACHE_TAG_TOWRITE);
	top = top_node(root);

	cr_assert_eq(radix_tree_tag_clear(root, 37, PAGECACHE_TAG_TOWRITE), page(37));
	cr_assert_eq(top->tags[PAGECACHE_TAG_TOWRITE][0], 1UL << 2, "36 is still tagged");
	cr_assert(radix_tree_tagged(root, PAGECACHE_TAG_TOWRITE));
	assert_tree_ok(root);

	radix_tree_tag_clear(root, 36, PAGECACHE_TAG_TOWRITE);
	cr_assert_eq(top->tags[PAGECACHE_TAG_TOWRITE][0], 0UL);
	cr_assert_not(radix_tree_tagged(root, PAGECACHE_TAG_TOWRITE));
	assert_tree_ok(root);
}

Test(radix_tree, tag_clear_of_an_absent_index_returns_null_and_changes_nothing)
{
	struct radix_tree_root *root = new_tree(6);

	cr_assert_null(radix_tree_tag_clear(root, 0, PAGECACHE_TAG_DIRTY));
	radix_tree_insert(root, 5, page(5));
	radix_tree_tag_set(root, 5, PAGECACHE_TAG_DIRTY);
	cr_assert_null(radix_tree_tag_clear(root, 6, PAGECACHE_TAG_DIRTY));
	cr_assert_null(radix_tree_tag_clear(root, 99999, PAGECACHE_TAG_DIRTY));
	cr_assert(radix_tree_tag_get(root, 5, PAGECACHE_TAG_DIRTY));
	assert_tree_ok(root);
}

Test(radix_tree, tagging_an_absent_index_is_a_bug, .signal = SIGABRT, .init = cr_redirect_stderr)
{
	struct radix_tree_root *root = new_tree(6);

	radix_tree_insert(root, 1, page(1));
	radix_tree_tag_set(root, 2, PAGECACHE_TAG_DIRTY);
}

Test(radix_tree, tagging_index_zero_of_an_empty_tree_is_a_bug, .signal = SIGABRT,
     .init = cr_redirect_stderr)
{
	struct radix_tree_root *root = new_tree(6);

	radix_tree_tag_set(root, 0, PAGECACHE_TAG_DIRTY);
}

Test(radix_tree, delete_clears_the_tags_of_the_entry)
{
	struct radix_tree_root *root = new_tree(6);

	radix_tree_insert(root, 1, page(1));
	radix_tree_insert(root, 2, page(2));
	radix_tree_tag_set(root, 1, PAGECACHE_TAG_DIRTY);
	radix_tree_tag_set(root, 1, PAGECACHE_TAG_TOWRITE);
	radix_tree_delete(root, 1);
	cr_assert_not(radix_tree_tagged(root, PAGECACHE_TAG_DIRTY));
	cr_assert_not(radix_tree_tagged(root, PAGECACHE_TAG_TOWRITE));
	radix_tree_insert(root, 1, page(1));
	cr_assert_not(radix_tree_tag_get(root, 1, PAGECACHE_TAG_DIRTY));
	assert_tree_ok(root);
}

Test(radix_tree, the_three_tags_are_independent)
{
	struct radix_tree_root *root = new_tree(6);
	void *results[4];

	radix_tree_insert(root, 1, page(1));
	radix_tree_insert(root, 2, page(2));
	radix_tree_insert(root, 3, page(3));
	radix_tree_tag_set(root, 1, PAGECACHE_TAG_DIRTY);
	radix_tree_tag_set(root, 2, PAGECACHE_TAG_WRITEBACK);
	radix_tree_tag_set(root, 3, PAGECACHE_TAG_DIRTY);
	cr_assert_eq(radix_tree_gang_lookup_tag(root, results, 0, 4, PAGECACHE_TAG_DIRTY), 2);
	cr_assert_eq(results[0], page(1));
	cr_assert_eq(results[1], page(3));
	cr_assert_eq(radix_tree_gang_lookup_tag(root, results, 0, 4, PAGECACHE_TAG_WRITEBACK), 1);
	cr_assert_eq(results[0], page(2));
	cr_assert_eq(radix_tree_gang_lookup_tag(root, results, 0, 4, PAGECACHE_TAG_TOWRITE), 0);
	cr_assert_not(radix_tree_tagged(root, PAGECACHE_TAG_TOWRITE));
}

/* ---- gang lookups and iteration ---- */

static const unsigned long spread[] = {
	0, 3, 4, 17, 64, 1000, 123456789, ULONG_MAX - 1, ULONG_MAX,
};

static void *spread_item(unsigned int i)
{
	return i % 3 == 1 ? swap_slot(i, i * 10) : page(i);
}

static struct radix_tree_root *spread_tree(unsigned int map_shift)
{
	struct radix_tree_root *root = new_tree(map_shift);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(spread); i++)
		cr_assert_eq(radix_tree_insert(root, spread[i], spread_item(i)), 0);
	assert_tree_ok(root);
	return root;
}

Test(radix_tree, gang_lookup_returns_entries_in_index_order_including_exceptional_ones)
{
	struct radix_tree_root *root = spread_tree(2);
	void *results[16];
	unsigned int i;

	cr_assert_eq(radix_tree_gang_lookup(root, results, 0, 16), ARRAY_SIZE(spread));
	for (i = 0; i < ARRAY_SIZE(spread); i++)
		cr_assert_eq(results[i], spread_item(i), "entry %u", i);
}

Test(radix_tree, gang_lookup_starts_at_first_index_and_stops_at_max_items)
{
	struct radix_tree_root *root = spread_tree(6);
	void **slots[16];
	unsigned long indices[16];
	void *results[16];

	cr_assert_eq(radix_tree_gang_lookup(root, results, 5, 3), 3);
	cr_assert_eq(results[0], spread_item(3));
	cr_assert_eq(results[2], spread_item(5));
	cr_assert_eq(radix_tree_gang_lookup(root, results, 1001, 16), 3);
	cr_assert_eq(radix_tree_gang_lookup(root, results, ULONG_MAX, 16), 1);
	cr_assert_eq(results[0], spread_item(8));
	cr_assert_eq(radix_tree_gang_lookup(root, results, 0, 0), 0);

	cr_assert_eq(radix_tree_gang_lookup_slot(root, slots, indices, 4, 16), 7);
	cr_assert_eq(indices[0], 4);
	cr_assert_eq(indices[6], ULONG_MAX);
	cr_assert_eq(*slots[2], spread_item(4));
}

Test(radix_tree, gang_lookup_tag_returns_only_tagged_entries_in_order)
{
	struct radix_tree_root *root = spread_tree(3);
	void **slots[16];
	void *results[16];

	radix_tree_tag_set(root, ULONG_MAX, PAGECACHE_TAG_DIRTY);
	radix_tree_tag_set(root, 4, PAGECACHE_TAG_DIRTY);
	radix_tree_tag_set(root, 1000, PAGECACHE_TAG_DIRTY);
	radix_tree_tag_set(root, 17, PAGECACHE_TAG_WRITEBACK);
	cr_assert_eq(radix_tree_gang_lookup_tag(root, results, 0, 16, PAGECACHE_TAG_DIRTY), 3);
	cr_assert_eq(results[0], spread_item(2));
	cr_assert_eq(results[1], spread_item(5));
	cr_assert_eq(results[2], spread_item(8));
	cr_assert_eq(radix_tree_gang_lookup_tag(root, results, 5, 1, PAGECACHE_TAG_DIRTY), 1);
	cr_assert_eq(results[0], spread_item(5));
	cr_assert_eq(radix_tree_gang_lookup_tag_slot(root, slots, 0, 16, PAGECACHE_TAG_WRITEBACK),
		     1);
	cr_assert_eq(*slots[0], spread_item(3));
	assert_tree_ok(root);
}

Test(radix_tree, for_each_slot_visits_every_entry_in_order_across_leaves)
{
	unsigned int ms;

	for (ms = 1; ms <= 6; ms++) {
		struct radix_tree_root *root = spread_tree(ms);
		struct radix_tree_iter iter;
		unsigned int n = 0;
		void **slot;

		radix_tree_for_each_slot(slot, root, &iter, 0) {
			cr_assert_lt(n, ARRAY_SIZE(spread));
			cr_assert_eq(iter.index, spread[n], "map_shift %u entry %u", ms, n);
			cr_assert_eq(*slot, spread_item(n));
			n++;
		}
		cr_assert_eq(n, ARRAY_SIZE(spread), "map_shift %u", ms);

		n = 3;
		radix_tree_for_each_slot(slot, root, &iter, 5) {
			cr_assert_eq(iter.index, spread[n]);
			n++;
		}
		cr_assert_eq(n, ARRAY_SIZE(spread));
		for (n = 0; n < ARRAY_SIZE(spread); n++)
			radix_tree_delete(root, spread[n]);
		assert_nodes(0);
	}
}

Test(radix_tree, for_each_tagged_visits_tagged_entries_in_order)
{
	struct radix_tree_root *root = spread_tree(2);
	struct radix_tree_iter iter;
	unsigned long seen[16];
	unsigned int n = 0;
	void **slot;

	radix_tree_tag_set(root, 0, PAGECACHE_TAG_TOWRITE);
	radix_tree_tag_set(root, 64, PAGECACHE_TAG_TOWRITE);
	radix_tree_tag_set(root, ULONG_MAX - 1, PAGECACHE_TAG_TOWRITE);
	radix_tree_for_each_tagged(slot, root, &iter, 0, PAGECACHE_TAG_TOWRITE)
		seen[n++] = iter.index;
	cr_assert_eq(n, 3);
	cr_assert_eq(seen[0], 0);
	cr_assert_eq(seen[1], 64);
	cr_assert_eq(seen[2], ULONG_MAX - 1);
}

Test(radix_tree, for_each_slot_over_a_lone_root_entry_visits_it_once)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_iter iter;
	unsigned int n = 0;
	void **slot;

	radix_tree_insert(root, 0, page(0));
	radix_tree_for_each_slot(slot, root, &iter, 0) {
		cr_assert_eq(slot, &root->rnode);
		cr_assert_null(iter.node);
		n++;
	}
	cr_assert_eq(n, 1);
	radix_tree_for_each_slot(slot, root, &iter, 1)
		n++;
	cr_assert_eq(n, 1);
}

Test(radix_tree, iter_tags_a_lone_root_entry_through_the_root_tag)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_iter iter;
	void **slot;

	radix_tree_insert(root, 0, swap_slot(0, 3));
	radix_tree_for_each_slot(slot, root, &iter, 0)
		radix_tree_iter_tag_set(root, &iter, PAGECACHE_TAG_WRITEBACK);
	cr_assert(radix_tree_tagged(root, PAGECACHE_TAG_WRITEBACK));
	cr_assert(radix_tree_tag_get(root, 0, PAGECACHE_TAG_WRITEBACK));
	radix_tree_for_each_tagged(slot, root, &iter, 0, PAGECACHE_TAG_WRITEBACK)
		radix_tree_iter_tag_clear(root, &iter, PAGECACHE_TAG_WRITEBACK);
	cr_assert_not(radix_tree_tagged(root, PAGECACHE_TAG_WRITEBACK));
}

Test(radix_tree, iter_resume_lets_a_loop_delete_what_it_visits)
{
	struct radix_tree_root *root = spread_tree(2);
	struct radix_tree_iter iter;
	unsigned int n = 0;
	void **slot;

	radix_tree_tag_set(root, 3, PAGECACHE_TAG_DIRTY);
	radix_tree_for_each_slot(slot, root, &iter, 0) {
		cr_assert_eq(iter.index, spread[n]);
		n++;
		radix_tree_clear_tags(root, iter.node, slot);
		radix_tree_iter_replace(root, &iter, slot, NULL);
		slot = radix_tree_iter_resume(slot, &iter);
	}
	cr_assert_eq(n, ARRAY_SIZE(spread));
	cr_assert(radix_tree_empty(root));
	cr_assert_eq(root->gfp_mask, 0);
	assert_nodes(0);
}

Test(radix_tree, iter_resume_at_ulong_max_ends_the_walk)
{
	struct radix_tree_root *root = spread_tree(6);
	struct radix_tree_iter iter;
	unsigned int n = 0;
	void **slot;

	radix_tree_for_each_slot(slot, root, &iter, 0) {
		cr_assert_lt(n, ARRAY_SIZE(spread), "the walk started over");
		cr_assert_eq(iter.index, spread[n]);
		n++;
		radix_tree_iter_tag_set(root, &iter, PAGECACHE_TAG_TOWRITE);
		slot = radix_tree_iter_resume(slot, &iter);
	}
	cr_assert_eq(n, ARRAY_SIZE(spread));
	cr_assert_eq(radix_tree_gang_lookup_tag(root, (void *[16]){ 0 }, 0, 16,
						PAGECACHE_TAG_TOWRITE),
		     ARRAY_SIZE(spread));
	assert_tree_ok(root);
}

Test(radix_tree, full_leaves_count_all_sixty_four_slots)
{
	struct radix_tree_root *root = new_tree(6);
	struct radix_tree_node *top;
	unsigned long i;

	for (i = 0; i < 4096; i++) {
		void *item = i % 64 < 32 ? page(i) : swap_slot(1, i);

		cr_assert_eq(radix_tree_insert(root, i, item), 0);
	}
	top = top_node(root);
	cr_assert_eq(radix_tree_height(root), 2);
	cr_assert_eq(top->count, 64);
	cr_assert_eq(entry_to_node(top->slots[63])->count, 64);
	cr_assert_eq(entry_to_node(top->slots[63])->exceptional, 32);
	assert_nodes(65);
	assert_tree_ok(root);
	for (i = 0; i < 4096; i++)
		radix_tree_tag_set(root, i, PAGECACHE_TAG_DIRTY);
	cr_assert_eq(top->tags[PAGECACHE_TAG_DIRTY][0], ~0UL);
	assert_tree_ok(root);
	for (i = 4096; i-- > 0;)
		cr_assert_eq(radix_tree_delete(root, i), i % 64 < 32 ? page(i) : swap_slot(1, i));
	cr_assert(radix_tree_empty(root));
	cr_assert_eq(root->gfp_mask, 0);
	assert_nodes(0);
}

/* ---- walking nodes, for views ---- */

struct visit {
	unsigned int shift, depth, count;
	unsigned long first;
};

struct visits {
	struct visit v[16];
	unsigned int n;
};

static int record_visit(const struct radix_tree_node *node, unsigned long first_index,
			unsigned int depth, void *data)
{
	struct visits *vs = data;

	cr_assert_lt(vs->n, 16);
	vs->v[vs->n++] = (struct visit){ node->shift, depth, node->count, first_index };
	return 0;
}

Test(radix_tree, walk_visits_nodes_depth_first_in_index_order)
{
	struct radix_tree_root *root = new_tree(2);
	static const struct visit want[] = {
		{ 4, 0, 2, 0 }, { 2, 1, 2, 0 }, { 0, 2, 1, 0 }, { 0, 2, 1, 4 },
		{ 2, 1, 1, 16 }, { 0, 2, 1, 16 },
	};
	struct visits got = { .n = 0 };
	unsigned int i;

	radix_tree_insert(root, 18, page(18));
	radix_tree_insert(root, 0, page(0));
	radix_tree_insert(root, 5, page(5));
	cr_assert_eq(radix_tree_walk_nodes(root, record_visit, &got), 0);
	cr_assert_eq(got.n, ARRAY_SIZE(want));
	assert_nodes(ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		cr_assert_eq(got.v[i].shift, want[i].shift, "visit %u", i);
		cr_assert_eq(got.v[i].depth, want[i].depth, "visit %u", i);
		cr_assert_eq(got.v[i].count, want[i].count, "visit %u", i);
		cr_assert_eq(got.v[i].first, want[i].first, "visit %u", i);
	}
}

static int stop_at_second(const struct radix_tree_node *node, unsigned long first_index,
			  unsigned int depth, void *data)
{
	return ++*(int *)data == 2 ? 42 : 0;
}

Test(radix_tree, walk_stops_when_the_visitor_says_so_and_skips_a_nodeless_tree)
{
	struct radix_tree_root *root = new_tree(2);
	int calls = 0;

	radix_tree_insert(root, 0, page(0));
	cr_assert_eq(radix_tree_walk_nodes(root, stop_at_second, &calls), 0);
	cr_assert_eq(calls, 0);
	radix_tree_insert(root, 18, page(18));
	cr_assert_eq(radix_tree_walk_nodes(root, stop_at_second, &calls), 42);
	cr_assert_eq(calls, 2);
}

Test(radix_tree, check_reports_a_wrong_count)
{
	struct radix_tree_root *root = spread_tree(3);
	struct radix_tree_node *top = top_node(root);
	unsigned long where = 1;

	top->count++;
	cr_assert_not_null(radix_tree_check(root, &where));
	cr_assert_eq(where, 0);
	top->count--;
	top->exceptional++;
	cr_assert_not_null(radix_tree_check(root, NULL));
	top->exceptional--;
	top->tags[PAGECACHE_TAG_DIRTY][0] |= 1;
	cr_assert_not_null(radix_tree_check(root, NULL));
	top->tags[PAGECACHE_TAG_DIRTY][0] = 0;
	assert_tree_ok(root);
}

/* ---- entry encodings ---- */

Test(radix_tree, low_bits_tell_pages_nodes_and_exceptional_entries_apart)
{
	void *node = (void *)(0x2000 | RADIX_TREE_INTERNAL_NODE);
	void *exc = swap_slot(0, 1);

	cr_assert_not(radix_tree_exceptional_entry(page(1)));
	cr_assert_not(radix_tree_exception(page(1)));
	cr_assert_not(radix_tree_is_internal_node(page(1)));
	cr_assert(radix_tree_exceptional_entry(exc));
	cr_assert(radix_tree_exception(exc));
	cr_assert_not(radix_tree_is_internal_node(exc));
	cr_assert(radix_tree_is_internal_node(node));
	cr_assert(radix_tree_exception(node));
	cr_assert_not(radix_tree_exceptional_entry(node));
	cr_assert_eq((uintptr_t)entry_to_node(node), 0x2000);
}

Test(radix_tree, swp_entry_puts_the_type_at_bit_57)
{
	swp_entry_t e = swp_entry(3, 0x1234);
	swp_entry_t top = swp_entry(31, (1UL << 57) - 1);

	cr_assert_eq(e.val, (3UL << 57) | 0x1234);
	cr_assert_eq(swp_type(e), 3);
	cr_assert_eq(swp_offset(e), 0x1234);
	cr_assert_eq(swp_type(top), 31);
	cr_assert_eq(swp_offset(top), (1UL << 57) - 1);
	cr_assert_eq(top.val >> 62, 0, "the two top bits stay free for the radix tree shift");
}

Test(radix_tree, swap_entry_becomes_val_shifted_by_two_with_bit_one_set)
{
	swp_entry_t e = swp_entry(31, (1UL << 57) - 5);
	void *slot = swp_to_radix_entry(e);

	cr_assert_eq((unsigned long)slot, (e.val << 2) | 2);
	cr_assert(radix_tree_exceptional_entry(slot));
	cr_assert_eq(radix_to_swp_entry(slot).val, e.val);
	cr_assert_eq(swp_type(radix_to_swp_entry(slot)), 31);
	cr_assert_eq(swp_offset(radix_to_swp_entry(slot)), (1UL << 57) - 5);
}

Test(radix_tree, shadow_packs_eviction_memcg_and_node_above_the_exceptional_bits)
{
	void *shadow = pack_shadow(5, 1, 0x1234, 0);
	unsigned long eviction;
	int memcg, nid;

	cr_assert_eq((unsigned long)shadow,
		     ((((0x1234UL << MEM_CGROUP_ID_SHIFT) | 5) << NODES_SHIFT | 1) << 2) | 2);
	cr_assert(radix_tree_exceptional_entry(shadow));
	unpack_shadow(shadow, &memcg, &nid, &eviction, 0);
	cr_assert_eq(memcg, 5);
	cr_assert_eq(nid, 1);
	cr_assert_eq(eviction, 0x1234);
}

Test(radix_tree, shadow_loses_the_bucket_bits_and_the_counter_top)
{
	unsigned long eviction;
	int memcg, nid;

	unpack_shadow(pack_shadow(65535, (1 << NODES_SHIFT) - 1, 0x123f, 3), &memcg, &nid,
		      &eviction, 3);
	cr_assert_eq(eviction, 0x1238);
	cr_assert_eq(memcg, 65535);
	cr_assert_eq(nid, (1 << NODES_SHIFT) - 1);
	unpack_shadow(pack_shadow(0, 0, ~0UL, 0), &memcg, &nid, &eviction, 0);
	cr_assert_eq(eviction, EVICTION_MASK);
}

Test(radix_tree, xarray_view_turns_a_swap_entry_into_a_value_entry)
{
	swp_entry_t e = swp_entry(2, 77);
	void *xa = radix_entry_to_xa_entry(swp_to_radix_entry(e));

	cr_assert(xa_is_value(xa));
	cr_assert_eq(xa_to_value(xa), e.val);
	cr_assert_eq((unsigned long)xa, (e.val << 1) | 1);
	cr_assert_eq(xa, xa_mk_value(e.val));
}

Test(radix_tree, xarray_view_turns_a_shadow_into_a_value_entry_with_the_same_payload)
{
	void *shadow = pack_shadow(7, 0, 999, 0);
	void *xa = radix_entry_to_xa_entry(shadow);

	cr_assert(xa_is_value(xa));
	cr_assert_eq(xa_to_value(xa), (unsigned long)shadow >> 2);
}

Test(radix_tree, xarray_view_leaves_pages_and_null_alone_and_retags_nodes)
{
	void *node = (void *)(0x4000 | RADIX_TREE_INTERNAL_NODE);

	cr_assert_eq(radix_entry_to_xa_entry(page(5)), page(5));
	cr_assert_not(xa_is_value(page(5)));
	cr_assert_null(radix_entry_to_xa_entry(NULL));
	cr_assert(xa_is_internal(radix_entry_to_xa_entry(node)));
	cr_assert_eq((uintptr_t)radix_entry_to_xa_entry(node), 0x4002);
}

/* ---- randomized, against a reference model ---- */

struct ref_entry {
	void *item;
	unsigned int tags;
	unsigned int pos; /* in rt_run.live */
};

/*
 * The run alternates between growing phases (mostly inserts) and draining
 * ones (mostly deletes), so that trees keep passing through the small shapes
 * where growth and shrinking happen: empty, a lone entry at index 0, one leaf.
 */
enum rt_op {
	OP_INSERT,
	OP_LOOKUP,
	OP_DELETE,
	OP_REPLACE,
	OP_TAG_SET,
	OP_TAG_CLEAR,
	OP_TAG_GET,
	OP_ITERATE, /* walk a few slots, deleting or retagging some */
	NR_OPS
};
static const int grow_weights[NR_OPS] = { 30, 15, 13, 15, 12, 10, 3, 2 };
static const int drain_weights[NR_OPS] = { 8, 10, 43, 15, 10, 7, 3, 4 };

struct rt_run {
	GRand *rand;
	unsigned int seed;
	struct radix_tree_root root;
	GHashTable *ref; /* index -> struct ref_entry * */
	GArray *live;	 /* the indices present, in no order */
	unsigned long pool[256];
	unsigned long next_page;
	unsigned long ops;
	bool draining;
	int phase_left;
};

#define rt_assert(run, cond, ...)                                                                  \
	cr_assert(cond, "random seed %u: " __VA_ARGS__)

static struct ref_entry *ref_get(struct rt_run *run, unsigned long index)
{
	return g_hash_table_lookup(run->ref, GSIZE_TO_POINTER(index));
}

static void ref_put(struct rt_run *run, unsigned long index, void *item)
{
	struct ref_entry *e = g_new0(struct ref_entry, 1);

	e->item = item;
	e->pos = run->live->len;
	g_array_append_val(run->live, index);
	g_hash_table_insert(run->ref, GSIZE_TO_POINTER(index), e);
}

static void ref_del(struct rt_run *run, unsigned long index)
{
	struct ref_entry *e = ref_get(run, index);
	unsigned long last;

	if (!e)
		return;
	last = g_array_index(run->live, unsigned long, run->live->len - 1);
	g_array_index(run->live, unsigned long, e->pos) = last;
	ref_get(run, last)->pos = e->pos;
	g_array_set_size(run->live, run->live->len - 1);
	g_hash_table_remove(run->ref, GSIZE_TO_POINTER(index));
}

static bool is_page(const void *item)
{
	return !radix_tree_exceptional_entry(item);
}

static unsigned long random_u64(GRand *rand)
{
	return ((unsigned long)g_rand_int(rand) << 32) | g_rand_int(rand);
}

static void *random_item(struct rt_run *run)
{
	switch (g_rand_int_range(run->rand, 0, 4)) {
	case 0:
		return swap_slot(g_rand_int_range(run->rand, 0, 32), random_u64(run->rand));
	case 1:
		return pack_shadow(g_rand_int_range(run->rand, 0, 1 << 16),
				   g_rand_int_range(run->rand, 0, 1 << NODES_SHIFT),
				   random_u64(run->rand), g_rand_int_range(run->rand, 0, 4));
	default:
		return page(run->next_page++);
	}
}

/* An index of one of the three ranges: 0 dense, 1 medium, 2 the whole space. */
static unsigned long fresh_index(struct rt_run *run, int range)
{
	unsigned int ms = run->root.map_shift;

	switch (range) {
	case 0:
		return g_rand_int_range(run->rand, 0, 4 << ms);
	case 1:
		return g_rand_int_range(run->rand, 0, 1 << 20);
	default:
		switch (g_rand_int_range(run->rand, 0, 3)) {
		case 0:
			return random_u64(run->rand);
		case 1:
			return ULONG_MAX - g_rand_int_range(run->rand, 0, 2 << ms);
		default:
			return g_rand_int_range(run->rand, 0, 2 << ms);
		}
	}
}

/*
 * Inserts go to the pool or a fresh index; other operations half the time to
 * a present entry, else to the pool or (a tenth) a fresh index.
 */
static unsigned long pick_index(struct rt_run *run, int range, enum rt_op op)
{
	int r = g_rand_int_range(run->rand, 0, 10);

	if (r == 0 || (op == OP_INSERT && r == 1))
		return fresh_index(run, range);
	if (op != OP_INSERT && r <= 5 && run->live->len)
		return g_array_index(run->live, unsigned long,
				     g_rand_int_range(run->rand, 0, run->live->len));
	return run->pool[g_rand_int_range(run->rand, 0, G_N_ELEMENTS(run->pool))];
}

static enum rt_op pick_op(struct rt_run *run)
{
	const int *w = run->draining ? drain_weights : grow_weights;
	int r = g_rand_int_range(run->rand, 0, 100);
	enum rt_op op;

	if (--run->phase_left <= 0) {
		run->draining = !run->draining;
		run->phase_left = run->draining ? g_rand_int_range(run->rand, 20, 600)
						: g_rand_int_range(run->rand, 100, 1500);
	}
	for (op = OP_INSERT; op < NR_OPS - 1; op++) {
		if (r < w[op])
			return op;
		r -= w[op];
	}
	return NR_OPS - 1;
}

static void count_update(struct radix_tree_node *node)
{
	cr_assert_eq(node->shift, 0, "update_node is only called on leaves");
}

static gint cmp_index(gconstpointer a, gconstpointer b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static GArray *sorted_indices(struct rt_run *run, int tag)
{
	GArray *keys = g_array_new(FALSE, FALSE, sizeof(unsigned long));
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, run->ref);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		unsigned long index = GPOINTER_TO_SIZE(k);
		struct ref_entry *e = v;

		if (tag < 0 || (e->tags & (1U << tag)))
			g_array_append_val(keys, index);
	}
	g_array_sort(keys, cmp_index);
	return keys;
}

static int count_nodes(const struct radix_tree_node *node, unsigned long first, unsigned int depth,
		       void *data)
{
	(*(long *)data)++;
	return 0;
}

/* Everything the tree says must agree with the model, and its invariants hold. */
static void verify(struct rt_run *run)
{
	struct radix_tree_root *root = &run->root;
	struct radix_tree_iter iter;
	unsigned long where = 0;
	const char *why = radix_tree_check(root, &where);
	long nodes = 0;
	GArray *keys;
	void **slot;
	unsigned int i;
	int tag;

	rt_assert(run, why == NULL, "radix tree broken: %s (node at index %lu)", run->seed,
		  why ? why : "", where);
	radix_tree_walk_nodes(root, count_nodes, &nodes);
	rt_assert(run, nodes == sim_alloc_outstanding(SIM_ALLOC_RADIX_NODE),
		  "walk saw %ld nodes, %ld allocated", run->seed, nodes,
		  sim_alloc_outstanding(SIM_ALLOC_RADIX_NODE));

	for (tag = -1; tag < RADIX_TREE_MAX_TAGS; tag++) {
		unsigned int n = 0;

		keys = sorted_indices(run, tag);
		if (tag < 0) {
			radix_tree_for_each_slot(slot, root, &iter, 0) {
				unsigned long want;

				rt_assert(run, n < keys->len, "iteration found extra index %lu",
					  run->seed, iter.index);
				want = g_array_index(keys, unsigned long, n);
				rt_assert(run, iter.index == want,
					  "iteration found index %lu, expected %lu", run->seed,
					  iter.index, want);
				rt_assert(run, *slot == ref_get(run, want)->item,
					  "wrong entry at %lu", run->seed, want);
				n++;
			}
		} else {
			rt_assert(run, !radix_tree_tagged(root, tag) == !keys->len,
				  "radix_tree_tagged(%d) wrong", run->seed, tag);
			radix_tree_for_each_tagged(slot, root, &iter, 0, tag) {
				bool ok = n < keys->len &&
					  iter.index == g_array_index(keys, unsigned long, n);

				rt_assert(run, ok, "tagged iteration (tag %d) found index %lu",
					  run->seed, tag, iter.index);
				n++;
			}
		}
		rt_assert(run, n == keys->len, "iteration (tag %d) saw %u of %u entries", run->seed,
			  tag, n, keys->len);

		/* a gang lookup from a random known index */
		if (keys->len) {
			unsigned int start = g_rand_int_range(run->rand, 0, keys->len);
			unsigned int max = g_rand_int_range(run->rand, 1, 20);
			unsigned long first = g_array_index(keys, unsigned long, start);
			void *results[20];
			void **slots[20];
			unsigned long indices[20];
			unsigned int got, want = MIN(max, keys->len - start);

			if (tag < 0) {
				got = radix_tree_gang_lookup(root, results, first, max);
				rt_assert(run, got == want, "gang lookup got %u, expected %u",
					  run->seed, got, want);
				got = radix_tree_gang_lookup_slot(root, slots, indices, first, max);
				rt_assert(run, got == want, "gang lookup slot got %u", run->seed,
					  got);
			} else {
				got = radix_tree_gang_lookup_tag(root, results, first, max, tag);
				rt_assert(run, got == want,
					  "tagged gang lookup got %u, expected %u", run->seed, got,
					  want);
			}
			for (i = 0; i < got; i++) {
				unsigned long index = g_array_index(keys, unsigned long, start + i);

				rt_assert(run, results[i] == ref_get(run, index)->item,
					  "gang lookup result %u wrong", run->seed, i);
				if (tag < 0)
					rt_assert(run,
						  indices[i] == index && *slots[i] == results[i],
						  "gang lookup slot %u wrong", run->seed, i);
			}
		}
		g_array_free(keys, TRUE);
	}
}

/*
 * One slot of an OP_ITERATE walk: it must be the next of @keys; then leave
 * it, delete it or change a tag on it through the iterator. Returns the slot
 * to go on from.
 */
static void **iterate_visit(struct rt_run *run, struct radix_tree_iter *iter, void **slot,
			    GArray *keys, unsigned int *n, unsigned int tag)
{
	struct radix_tree_root *root = &run->root;
	struct ref_entry *e;
	unsigned long want;

	rt_assert(run, *n < keys->len, "iteration went past the last entry to %lu", run->seed,
		  iter->index);
	want = g_array_index(keys, unsigned long, *n);
	rt_assert(run, iter->index == want, "iteration found %lu, expected %lu", run->seed,
		  iter->index, want);
	e = ref_get(run, want);
	rt_assert(run, *slot == e->item, "iteration slot of %lu", run->seed, want);
	(*n)++;

	switch (g_rand_int_range(run->rand, 0, 4)) {
	case 0:
		return slot;
	case 1:
		radix_tree_clear_tags(root, iter->node, slot);
		radix_tree_iter_replace(root, iter, slot, NULL);
		ref_del(run, want);
		break;
	case 2:
		radix_tree_iter_tag_set(root, iter, tag);
		e->tags |= 1U << tag;
		break;
	default:
		radix_tree_iter_tag_clear(root, iter, tag);
		e->tags &= ~(1U << tag);
		break;
	}
	return radix_tree_iter_resume(slot, iter);
}

/* OP_ITERATE: up to a few slots from @start, all of them or those with @tag. */
static void iterate_some(struct rt_run *run, unsigned long start, unsigned int tag)
{
	bool tagged = g_rand_boolean(run->rand);
	GArray *keys = sorted_indices(run, tagged ? (int)tag : -1);
	unsigned int k = g_rand_int_range(run->rand, 1, 9);
	struct radix_tree_iter iter;
	unsigned int first, n;
	void **slot;

	for (first = 0; first < keys->len; first++)
		if (g_array_index(keys, unsigned long, first) >= start)
			break;
	n = first;
	if (tagged) {
		radix_tree_for_each_tagged(slot, &run->root, &iter, start, tag) {
			slot = iterate_visit(run, &iter, slot, keys, &n, tag);
			if (n - first == k)
				break;
		}
	} else {
		radix_tree_for_each_slot(slot, &run->root, &iter, start) {
			slot = iterate_visit(run, &iter, slot, keys, &n, tag);
			if (n - first == k)
				break;
		}
	}
	rt_assert(run, n == MIN(first + k, keys->len), "iteration from %lu saw %u entries",
		  run->seed, start, n - first);
	g_array_free(keys, TRUE);
}

static void one_op(struct rt_run *run, int range)
{
	struct radix_tree_root *root = &run->root;
	enum rt_op op = pick_op(run);
	unsigned long index = pick_index(run, range, op);
	struct ref_entry *e = ref_get(run, index);
	unsigned int tag = g_rand_int_range(run->rand, 0, RADIX_TREE_MAX_TAGS);
	struct radix_tree_node *node;
	void **slot;
	void *item, *got;
	int ret;

	run->ops++;
	if (op == OP_INSERT) {
		item = random_item(run);
		ret = radix_tree_insert(root, index, item);
		rt_assert(run, ret == (e ? -EEXIST : 0), "insert at %lu returned %d", run->seed,
			  index, ret);
		if (!e)
			ref_put(run, index, item);
	} else if (op == OP_LOOKUP) {
		got = __radix_tree_lookup(root, index, &node, &slot);
		rt_assert(run, got == (e ? e->item : NULL), "lookup at %lu", run->seed, index);
		if (e) {
			rt_assert(run, *slot == got, "slot of %lu", run->seed, index);
			rt_assert(run, node ? node->shift == 0 && slot == &node->slots[index &
				  ((1UL << root->map_shift) - 1)] : slot == &root->rnode,
				  "node/slot of %lu", run->seed, index);
			rt_assert(run, radix_tree_lookup_slot(root, index) == slot, "lookup_slot",
				  run->seed);
		} else {
			rt_assert(run, !radix_tree_lookup_slot(root, index), "lookup_slot of hole",
				  run->seed);
		}
	} else if (op == OP_DELETE) {
		if (e && g_rand_int_range(run->rand, 0, 4) == 0) {
			got = radix_tree_delete_item(root, index, page(~0UL >> 8));
			rt_assert(run, got == NULL, "delete_item with a wrong item", run->seed);
		} else {
			got = radix_tree_delete(root, index);
			rt_assert(run, got == (e ? e->item : NULL), "delete at %lu", run->seed,
				  index);
			ref_del(run, index);
		}
	} else if (op == OP_REPLACE) {
		if (!e)
			return;
		item = random_item(run);
		got = __radix_tree_lookup(root, index, &node, &slot);
		rt_assert(run, got == e->item, "lookup before replace", run->seed);
		if (g_rand_int_range(run->rand, 0, 8) == 0) {
			/* emptying the slot, as page_cache_tree_delete does with no shadow */
			radix_tree_clear_tags(root, node, slot);
			__radix_tree_replace(root, node, slot, NULL, count_update);
			ref_del(run, index);
		} else if (is_page(item) == is_page(e->item) && g_rand_boolean(run->rand)) {
			radix_tree_replace_slot(root, slot, item);
			e->item = item;
		} else {
			__radix_tree_replace(root, node, slot, item, count_update);
			e->item = item;
		}
	} else if (op == OP_TAG_SET) {
		if (!e)
			return;
		got = radix_tree_tag_set(root, index, tag);
		rt_assert(run, got == e->item, "tag_set at %lu", run->seed, index);
		e->tags |= 1U << tag;
	} else if (op == OP_TAG_CLEAR) {
		got = radix_tree_tag_clear(root, index, tag);
		rt_assert(run, got == (e ? e->item : NULL), "tag_clear at %lu", run->seed, index);
		if (e)
			e->tags &= ~(1U << tag);
	} else if (op == OP_ITERATE) {
		iterate_some(run, index, tag);
	} else {
		ret = radix_tree_tag_get(root, index, tag);
		rt_assert(run, ret == (e && (e->tags & (1U << tag))), "tag_get(%lu, %u) = %d",
			  run->seed, index, tag, ret);
	}
}

static void run_round(struct rt_run *run, unsigned int map_shift, int range, unsigned int nr_ops)
{
	long base = sim_alloc_outstanding(SIM_ALLOC_RADIX_NODE);
	GArray *keys;
	unsigned int i;

	radix_tree_init_shift(&run->root, map_shift);
	run->ref = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	run->live = g_array_new(FALSE, FALSE, sizeof(unsigned long));
	run->draining = false;
	run->phase_left = g_rand_int_range(run->rand, 20, 400);
	for (i = 0; i < 4; i++)
		run->pool[i] = 0; /* the index that can live in the root */
	for (; i < G_N_ELEMENTS(run->pool); i++)
		run->pool[i] = fresh_index(run, range);

	for (i = 1; i <= nr_ops; i++) {
		one_op(run, range);
		if (i % 64 == 0)
			verify(run);
	}
	verify(run);

	/* Delete everything in a random order, through both deletion paths. */
	keys = sorted_indices(run, -1);
	for (i = keys->len; i > 1; i--) {
		unsigned int j = g_rand_int_range(run->rand, 0, i);
		unsigned long t = g_array_index(keys, unsigned long, i - 1);

		g_array_index(keys, unsigned long, i - 1) = g_array_index(keys, unsigned long, j);
		g_array_index(keys, unsigned long, j) = t;
	}
	for (i = 0; i < keys->len; i++) {
		unsigned long index = g_array_index(keys, unsigned long, i);
		void *want = ref_get(run, index)->item;

		rt_assert(run, radix_tree_delete_item(&run->root, index, want) == want,
			  "final delete of %lu", run->seed, index);
		ref_del(run, index);
		if (i % 16 == 0)
			verify(run);
	}
	g_array_free(keys, TRUE);

	rt_assert(run, radix_tree_empty(&run->root), "tree not empty after deleting all",
		  run->seed);
	rt_assert(run, run->root.gfp_mask == 0, "root tags left after deleting all", run->seed);
	rt_assert(run, sim_alloc_outstanding(SIM_ALLOC_RADIX_NODE) == base,
		  "map_shift %u range %d: %ld nodes leaked", run->seed, map_shift, range,
		  sim_alloc_outstanding(SIM_ALLOC_RADIX_NODE) - base);
	g_hash_table_destroy(run->ref);
	g_array_free(run->live, TRUE);
}

Test(radix_tree, random_operations_agree_with_a_reference_model)
{
	static const unsigned int shifts[] = { 1, 2, 3, 4, 6 };
	long base = sim_alloc_outstanding(SIM_ALLOC_RADIX_NODE);
	const char *env = getenv("MMSIM_SEED");
	struct rt_run run = { 0 };
	gint64 start, elapsed;
	unsigned int i;
	int range;

	run.seed = env ? (unsigned int)strtoul(env, NULL, 0) : (unsigned int)g_random_int();
	fprintf(stderr, "random seed %u\n", run.seed);
	run.rand = g_rand_new_with_seed(run.seed);

	start = g_get_monotonic_time();
	for (i = 0; i < G_N_ELEMENTS(shifts); i++)
		for (range = 0; range < 3; range++)
			run_round(&run, shifts[i], range, 3000);
	elapsed = g_get_monotonic_time() - start;
	fprintf(stderr,
		"radix tree: %lu random operations in %.3f s (%.0f ops/s, checks included)\n",
		run.ops, elapsed / 1e6, run.ops / (elapsed / 1e6));

	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_RADIX_NODE), base);
	g_rand_free(run.rand);
}
