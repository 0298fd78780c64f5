/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel_glue.h - the kernel idioms the model is written in, mapped onto C.
 *
 * The only host-specific header of the model: integer types, BUG_ON and
 * VM_BUG_ON_PAGE (dump and abort: a broken invariant is a bug in mmsim, never
 * a user's mistake), counted allocation (every object the model allocates is
 * counted by kind, so a test can assert that teardown returns to zero, the
 * nr_allocated idea of tools/testing/radix-tree), and container_of.
 *
 * Ownership: nothing here owns anything.
 */
#ifndef MMSIM_KERNEL_GLUE_H
#define MMSIM_KERNEL_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef unsigned long pgoff_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-4095)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/*
 * A broken invariant: print where, dump what we know, abort. The message
 * goes to stderr; this is the one place the model writes anything, and only
 * on its way down.
 */
void sim_bug(const char *file, int line, const char *cond) __attribute__((noreturn));
#define BUG() sim_bug(__FILE__, __LINE__, "BUG")
#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (unlikely(cond))                                                                \
			sim_bug(__FILE__, __LINE__, #cond);                                        \
	} while (0)
#define VM_BUG_ON(cond) BUG_ON(cond)
struct page;
void dump_page(const struct page *page, const char *reason);
#define VM_BUG_ON_PAGE(cond, page)                                                                 \
	do {                                                                                       \
		if (unlikely(cond)) {                                                              \
			dump_page(page, #cond);                                                    \
			sim_bug(__FILE__, __LINE__, #cond);                                        \
		}                                                                                  \
	} while (0)

/*
 * Counted allocation. Each kind of kernel object has a slot; kmalloc-style
 * calls count up, kfree-style calls count down. sim_alloc_outstanding()
 * tells the tests what is still allocated.
 */
enum sim_alloc_kind {
	SIM_ALLOC_MM,
	SIM_ALLOC_VMA,
	SIM_ALLOC_ANON_VMA,
	SIM_ALLOC_AVC,
	SIM_ALLOC_PGTABLE,
	SIM_ALLOC_PAGE_DATA,
	SIM_ALLOC_TASK,
	SIM_ALLOC_RADIX_NODE,
	SIM_ALLOC_INODE,
	SIM_ALLOC_FILE,
	SIM_ALLOC_SHM,
	SIM_ALLOC_OTHER,
	SIM_NR_ALLOC_KINDS
};
void *sim_kzalloc(enum sim_alloc_kind kind, size_t size);
void *sim_kzalloc_aligned(enum sim_alloc_kind kind, size_t size, size_t align);
void sim_kfree(enum sim_alloc_kind kind, void *p);
long sim_alloc_outstanding(enum sim_alloc_kind kind);
/* A cache hands an object out (+1) or takes it back (-1) without the allocator. */
void sim_alloc_count(enum sim_alloc_kind kind, long delta);
const char *sim_alloc_kind_name(enum sim_alloc_kind kind);

/* Doubly linked lists, as include/linux/list.h. */
struct list_head {
	struct list_head *next, *prev;
};
#define LIST_HEAD_INIT(name) { &(name), &(name) }
static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}
static inline void __list_add(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = NULL;
	e->prev = NULL;
}
static inline void list_del_init(struct list_head *e)
{
	list_del(e);
	INIT_LIST_HEAD(e);
}
static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}
static inline void list_move(struct list_head *e, struct list_head *head)
{
	list_del(e);
	list_add(e, head);
}
static inline void list_move_tail(struct list_head *e, struct list_head *head)
{
	list_del(e);
	list_add_tail(e, head);
}
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_last_entry(head, type, member) list_entry((head)->prev, type, member)
#define list_for_each(pos, head) for (pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_safe(pos, n, head)                                                           \
	for (pos = (head)->next, n = pos->next; pos != (head); pos = n, n = pos->next)
#define list_for_each_entry(pos, head, member)                                                     \
	for (pos = list_entry((head)->next, __typeof__(*pos), member); &pos->member != (head);     \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))
#define list_for_each_entry_safe(pos, n, head, member)                                             \
	for (pos = list_entry((head)->next, __typeof__(*pos), member),                             \
	    n = list_entry(pos->member.next, __typeof__(*pos), member);                            \
	     &pos->member != (head); pos = n, n = list_entry(n->member.next, __typeof__(*n), member))

/* errno values, as the kernel returns them (negative). */
#include <errno.h>

#endif /* MMSIM_KERNEL_GLUE_H */
