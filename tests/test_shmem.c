// SPDX-License-Identifier: GPL-2.0
/*
 * test_shmem.c - tmpfs/shmem, the one implementation behind SysV shm, POSIX
 * shm, memfd and MAP_SHARED|MAP_ANONYMOUS (sim/kernel/shmem.c, shm.c,
 * memfd.c, sim_fs.c, and the shmem paths of memory.c and madvise.c).
 *
 * The measured tables are quoted as they stand (real-kernel-6.18.md):
 * §6 (p06 steps 1-6 of each flavour), §3 (p03, shared anon across fork),
 * §8 (p08, the memfd rows past EOF), §9 (p09 part B, DONTNEED and
 * MADV_REMOVE on a shared memfd), and the shmem rows of §10. The lifetime
 * rules (a segment until IPC_RMID and the last detach, a POSIX object until
 * unlinked and unmapped, a memfd until its last fd and mapping) are
 * kernel-behaviour.md §5; the MADV_REMOVE errnos are mm/madvise.c of 6.18.
 * Every test also checks that a tmpfs inode owns what it allocated
 * (alloced == nrpages + swapped) and, at teardown, that every inode, file
 * and segment was freed.
 */
#include "fs.h"
#include "sim_fixture.h"

#include <stdlib.h>

#define SHARED_ANON (MAP_SHARED | MAP_ANONYMOUS)

/*
 * A pagemap bit string as the tables write it: "1.0x63" is a one then 63
 * zeroes, "1x16.0x48" sixteen ones then 48 zeroes.
 */
static const char *rle(const char *spec, char *buf)
{
	char *o = buf;
	const char *p = spec;

	while (*p) {
		char c = *p++;
		long n = 1;

		if (*p == 'x')
			n = strtol(p + 1, (char **)&p, 10);
		while (n-- > 0)
			*o++ = c;
		if (*p == '.')
			p++;
	}
	*o = '\0';
	return buf;
}

#define assert_row(mm, addr, n, bit, spec)                                                         \
	do {                                                                                       \
		char e_[80];                                                                       \
		assert_bits(mm, addr, n, bit, rle(spec, e_));                                      \
	} while (0)
#define assert_mincore_row(mm, addr, n, spec)                                                      \
	do {                                                                                       \
		char e_[80];                                                                       \
		assert_mincore(mm, addr, n, rle(spec, e_));                                        \
	} while (0)

/* shmem_recalc_inode's invariant, and how many pages the file holds. */
static void assert_tmpfs_pages(struct inode *inode, unsigned long nrpages)
{
	cr_assert_eq(inode->kind, SIM_INODE_SHMEM);
	cr_assert_eq(inode->alloced, inode->i_data.nrpages + inode->swapped,
		     "alloced %lu != nrpages %lu + swapped %lu", inode->alloced,
		     inode->i_data.nrpages, inode->swapped);
	cr_assert_eq(inode->i_data.nrpages, nrpages, "the file holds %lu pages, not %lu",
		     inode->i_data.nrpages, nrpages);
	cr_assert_eq(inode->swapped, 0);
}

static long inodes_alive(void)
{
	return sim_alloc_outstanding(SIM_ALLOC_INODE);
}

/* mmap(NULL, pages, prot, flags, file, 0) that must succeed. */
static unsigned long map_file(struct task_struct *t, struct file *file, unsigned long pages,
			      unsigned long prot, unsigned long flags)
{
	unsigned long addr = 0;
	long ret = sim_mmap(t, 0, pages * PG, prot, flags, file, 0, &addr);

	cr_assert_eq(ret, 0, "mmap of %lu pages failed: %ld", pages, ret);
	return addr;
}

static unsigned long attach(struct task_struct *t, int shmid)
{
	unsigned long addr = 0;
	int ret = sim_shmat(t, shmid, 0, false, &addr);

	cr_assert_eq(ret, 0, "shmat(%d) failed: %d", shmid, ret);
	return addr;
}

static unsigned long nattch(struct sim_machine *m, int shmid, bool *dest)
{
	unsigned long n = 0;
	bool d = false;

	cr_assert_eq(sim_shm_info(m, shmid, &n, &d), 0, "segment %d is gone", shmid);
	if (dest)
		*dest = d;
	return n;
}

/* The counters the tables' vmstat column shows for shmem, as deltas from @base. */
struct shmem_counters {
	long mapped, file, shmem, fault, anon;
};

static struct shmem_counters counters(struct sim_machine *m)
{
	return (struct shmem_counters){ vmstat(m, NR_FILE_MAPPED), vmstat(m, NR_FILE_PAGES),
					vmstat(m, NR_SHMEM), vmstat(m, PGFAULT),
					vmstat(m, NR_ANON_MAPPED) };
}

#define assert_counters(m, base, d_mapped, d_file, d_shmem, d_fault)                               \
	do {                                                                                       \
		struct shmem_counters now_ = counters(m);                                          \
		cr_assert_eq(now_.mapped - (base).mapped, (d_mapped), "nr_mapped %+ld, not %+ld",  \
			     now_.mapped - (base).mapped, (long)(d_mapped));                       \
		cr_assert_eq(now_.file - (base).file, (d_file), "nr_file_pages %+ld, not %+ld",    \
			     now_.file - (base).file, (long)(d_file));                             \
		cr_assert_eq(now_.shmem - (base).shmem, (d_shmem), "nr_shmem %+ld, not %+ld",      \
			     now_.shmem - (base).shmem, (long)(d_shmem));                          \
		cr_assert_eq(now_.fault - (base).fault, (d_fault), "pgfault %+ld, not %+ld",       \
			     now_.fault - (base).fault, (long)(d_fault));                          \
		cr_assert_eq(now_.anon, (base).anon, "nr_anon_pages moved: shmem is not anon");    \
	} while (0)

/*
 * The four ways in: a memfd, a POSIX object, a SysV segment, shared anon.
 * obj_open() makes the object (size @pages) and maps it once in @t.
 */
enum flavour { MEMFD, POSIX, SYSV, SHARED_ANON_FL, NR_FLAVOURS };
static const char *const flavour_name[] = { "memfd", "POSIX shm", "SysV shm", "shared anon" };

struct obj {
	enum flavour kind;
	struct file *fd; /* memfd, POSIX: the driver's open file (NULL once closed) */
	int shmid;	 /* SysV */
	struct inode *inode;
};

static unsigned long obj_map(struct task_struct *t, struct obj *o, unsigned long pages)
{
	unsigned long addr;

	switch (o->kind) {
	case SYSV:
		return attach(t, o->shmid);
	case SHARED_ANON_FL:
		addr = 0;
		cr_assert_eq(sim_mmap(t, 0, pages * PG, RW, SHARED_ANON, NULL, 0, &addr), 0);
		o->inode = file_inode(vma_at(t->mm, addr)->vm_file);
		return addr;
	default:
		return map_file(t, o->fd, pages, RW, MAP_SHARED);
	}
}

static unsigned long obj_open(struct sim_machine *m, struct task_struct *t, struct obj *o,
			      enum flavour kind, unsigned long pages)
{
	*o = (struct obj){ .kind = kind, .shmid = -1 };
	switch (kind) {
	case MEMFD:
		cr_assert_eq(sim_memfd_create(m, "buf", &o->fd), 0);
		cr_assert_eq(sim_ftruncate(o->fd, pages * PG), 0);
		o->inode = sim_file_inode(o->fd);
		break;
	case POSIX:
		cr_assert_eq(sim_shm_open(m, "/demo", pages * PG, &o->fd), 0);
		o->inode = sim_file_inode(o->fd);
		break;
	case SYSV:
		cr_assert_eq(sim_shmget(m, 0x1234, pages * PG, &o->shmid), 0);
		o->inode = sim_shm_inode(m, o->shmid);
		break;
	default:
		break;
	}
	return obj_map(t, o, pages);
}

/* Unmap a second mapping of the object (munmap, or shmdt for SysV). */
static void obj_unmap(struct task_struct *t, struct obj *o, unsigned long addr,
		      unsigned long pages)
{
	if (o->kind == SYSV)
		cr_assert_eq(sim_shmdt(t, addr), 0);
	else
		cr_assert_eq(sim_munmap(t, addr, pages * PG), 0);
}

static void obj_close(struct obj *o)
{
	if (o->fd)
		sim_file_close(o->fd);
	o->fd = NULL;
}

/*
 * real-kernel-6.18.md §6 (and the stage table under it): "hole, first read:
 * P=1, F=1, E=1 (new page, not the zero page), mincore 1, Rss +4,
 * Private_Clean, 1 minor fault per page, no fault-around over holes";
 * §10: "shmem / shared-anon fault on a hole: pgfault+1, nr_shmem+1,
 * nr_file_pages+1, nr_mapped+1". The same in all four flavours.
 */
Test(shmem, a_hole_read_allocates_a_real_page_mapped_writable_and_clean_in_every_flavour)
{
	for (int k = 0; k < NR_FLAVOURS; k++) {
		struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
		struct task_struct *t = sim_task_create(m, flavour_name[k]);
		struct obj o;
		unsigned long a = obj_open(m, t, &o, (enum flavour)k, 16);
		struct shmem_counters base = counters(m);
		struct page *page;
		pte_t pte;

		cr_assert_eq(load(t, a), 0, "%s: a hole reads as zeroes", flavour_name[k]);
		cr_assert_eq(t->min_flt, 1, "%s", flavour_name[k]);
		cr_assert_eq(t->maj_flt, 0);
		cr_assert(pfn_at(t->mm, a) > 0, "%s: a real page, not the zero page",
			  flavour_name[k]);
		page = page_at(t->mm, a);
		pte = pte_at(t->mm, a);
		cr_assert(pte_write(pte), "%s: mapped writable by the read fault", flavour_name[k]);
		cr_assert(!pte_dirty(pte) && !PageDirty(page), "%s: and clean", flavour_name[k]);
		cr_assert(PageSwapBacked(page) && !PageAnon(page));
		cr_assert_eq(page->mapping, o.inode->i_mapping, "the page is the file's");
		assert_row(t->mm, a, 16, PM_PRESENT, "1.0x15");
		assert_row(t->mm, a, 16, PM_FILE, "1.0x15");
		assert_row(t->mm, a, 16, PM_MMAP_EXCLUSIVE, "1.0x15");
		assert_mincore_row(t->mm, a, 16, "1.0x15");
		assert_smaps(t->mm, a, "4/4/0/0/4/0/0/0/0");
		cr_assert_eq(t->mm->rss_stat[MM_SHMEMPAGES], 1);
		cr_assert_eq(t->mm->rss_stat[MM_ANONPAGES], 0);
		assert_counters(m, base, 1, 1, 1, 1);
		assert_tmpfs_pages(o.inode, 1);

		/* The write that follows costs no fault. */
		store(t, a, 0x41);
		cr_assert_eq(t->min_flt, 1, "%s: the store takes no fault", flavour_name[k]);
		cr_assert(pte_dirty(pte_at(t->mm, a)));
		assert_smaps(t->mm, a, "4/4/0/0/0/4/0/0/0");

		/* The next hole is a fault of its own: nothing cached to fault around. */
		cr_assert_eq(load(t, a + 3 * PG), 0);
		cr_assert_eq(t->min_flt, 2);
		assert_row(t->mm, a, 16, PM_PRESENT, "1.0x2.1.0x12");
		assert_counters(m, base, 2, 2, 2, 2);
		assert_tmpfs_pages(o.inode, 2);
		assert_machine_ok(m);
		obj_close(&o);
		machine_destroy(m);
	}
}

/* One row of the p06 table (real-kernel-6.18.md §6a/6b/6c), for the mapping it observes. */
enum p06_op { P06_READ, P06_WRITE, P06_SECOND_READ, P06_SECOND_WRITE, P06_UNMAP_SECOND };

struct p06_step {
	const char *what;
	enum p06_op op;
	int first, last;    /* pages touched */
	unsigned long min;  /* minor faults */
	bool second;	    /* the row shows the second mapping */
	const char *P, *E, *mincore, *smaps, *P_sysv, *smaps_sysv;
	long d_mapped, d_file, d_shmem, d_fault;
};

static const struct p06_step p06[] = {
	{ "1 read page 0 (hole)", P06_READ, 0, 0, 1, false, "1.0x63", "1.0x63", "1.0x63",
	  "4/4/0/0/4/0/0/0/0", NULL, NULL, 1, 1, 1, 1 },
	{ "2 read page 1 (hole)", P06_READ, 1, 1, 1, false, "1x2.0x62", "1x2.0x62", "1x2.0x62",
	  "8/8/0/0/8/0/0/0/0", NULL, NULL, 1, 1, 1, 1 },
	{ "3 write pages 0..63", P06_WRITE, 0, 63, 62, false, "1x64", "1x64", "1x64",
	  "256/256/0/0/0/256/0/0/0", NULL, NULL, 62, 62, 62, 62 },
	{ "4 second fresh mapping: read page 5", P06_SECOND_READ, 5, 5, 1, true, "1x16.0x48",
	  "0x64", "1x64", "64/32/8/56/0/0/0/0/0", "0x5.1.0x58", "4/2/0/4/0/0/0/0/0", 0, 0, 0, 1 },
	{ "5 second mapping: write page 40", P06_SECOND_WRITE, 40, 40, 1, true,
	  "1x16.0x24.1.0x23", "0x64", "1x64", "68/34/8/60/0/0/0/0/0", "0x5.1.0x34.1.0x23",
	  "8/4/0/8/0/0/0/0/0", 0, 0, 0, 1 },
	{ "6 unmapped second mapping; view of first mapping", P06_UNMAP_SECOND, 0, -1, 0, false,
	  "1x64", "1x64", "1x64", "256/256/0/0/0/256/0/0/0", NULL, NULL, 0, 0, 0, 0 },
};

/*
 * real-kernel-6.18.md §6, steps 1-6 of each flavour (memfd 6a, POSIX 6b,
 * SysV 6c): identical except that a fresh SysV attachment maps only the
 * touched page (shm_vm_ops has no map_pages).
 */
Test(shmem, p06_steps_1_to_6_match_the_table_for_memfd_posix_and_sysv)
{
	for (int k = MEMFD; k <= SYSV; k++) {
		struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 256);
		struct task_struct *t = sim_task_create(m, "p06");
		struct obj o;
		unsigned long a = obj_open(m, t, &o, (enum flavour)k, 64), b = 0;
		bool sysv = k == SYSV;

		for (size_t s = 0; s < sizeof(p06) / sizeof(p06[0]); s++) {
			const struct p06_step *st = &p06[s];
			struct shmem_counters base = counters(m);
			unsigned long f = t->min_flt, at;
			const char *P = sysv && st->P_sysv ? st->P_sysv : st->P;
			const char *smaps = sysv && st->smaps_sysv ? st->smaps_sysv : st->smaps;

			cr_log_info("%s, step %s", flavour_name[k], st->what);
			if (st->op == P06_SECOND_READ)
				b = obj_map(t, &o, 64);
			for (int i = st->first; i <= st->last; i++) {
				at = (st->second ? b : a) + (unsigned long)i * PG;
				if (st->op == P06_WRITE || st->op == P06_SECOND_WRITE)
					store(t, at, 0x100 + (u64)i);
				else
					load(t, at);
			}
			if (st->op == P06_UNMAP_SECOND)
				obj_unmap(t, &o, b, 64);
			cr_assert_eq(t->min_flt - f, st->min, "%s step %s: %lu faults, not %lu",
				     flavour_name[k], st->what, t->min_flt - f, st->min);
			at = st->second ? b : a;
			assert_row(t->mm, at, 64, PM_PRESENT, P);
			assert_row(t->mm, at, 64, PM_FILE, P);
			assert_row(t->mm, at, 64, PM_MMAP_EXCLUSIVE, st->E);
			assert_mincore_row(t->mm, at, 64, st->mincore);
			assert_smaps(t->mm, at, smaps);
			assert_counters(m, base, st->d_mapped, st->d_file, st->d_shmem,
					st->d_fault);
			if (st->second)
				cr_assert_eq(pfn_at(t->mm, b + 5 * PG), pfn_at(t->mm, a + 5 * PG),
					     "one page cache, one frame");
			assert_tmpfs_pages(o.inode, s < 2 ? s + 1 : 64);
			assert_machine_ok(m);
		}
		cr_assert_eq(load(t, a + 40 * PG), 0x100 + 40,
			     "the second mapping's write is in the first");
		obj_close(&o);
		machine_destroy(m);
	}
}

/* maps names (kernel-behaviour.md §5, §6.4): which file, and "(deleted)" or not. */
Test(shmem, each_flavour_is_a_tmpfs_file_with_the_name_maps_shows)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "names");
	struct obj o[NR_FLAVOURS];
	static const char *const path[] = { "/memfd:buf", "/dev/shm/demo", "/SYSV00001234",
					    "/dev/zero" };
	static const bool deleted[] = { true, false, true, true };

	for (int k = 0; k < NR_FLAVOURS; k++) {
		unsigned long a = obj_open(m, t, &o[k], (enum flavour)k, 4);
		struct vm_area_struct *vma = vma_at(t->mm, a);

		cr_assert_str_eq(file_inode(vma->vm_file)->path, path[k]);
		cr_assert_eq(file_inode(vma->vm_file)->i_nlink == 0, deleted[k], "%s (deleted)",
			     path[k]);
		cr_assert_eq(file_inode(vma->vm_file)->kind, SIM_INODE_SHMEM);
		cr_assert(vma->vm_flags & VM_SHARED);
		cr_assert_eq(vma->vm_ops, k == SYSV ? &shm_vm_ops : &shmem_vm_ops,
			     "%s: %s", path[k], vma->vm_ops->name);
	}
	/* The SysV inode number is the shmid (maps' inode column). */
	cr_assert_eq(o[SYSV].inode->i_ino, (unsigned long)o[SYSV].shmid);
	/* After shm_unlink the POSIX object is "(deleted)" too. */
	cr_assert_eq(sim_shm_unlink(m, "/demo"), 0);
	cr_assert_eq(o[POSIX].inode->i_nlink, 0);
	for (int k = 0; k < NR_FLAVOURS; k++)
		obj_close(&o[k]);
	machine_destroy(m);
}

/* One row of p03 (real-kernel-6.18.md §3): who acts, what it does, what then shows. */
enum p03_op { P03_NONE, P03_READ, P03_WRITE, P03_EXIT_CHILD };

struct p03_step {
	const char *what;
	bool child;
	enum p03_op op;
	int pages[2]; /* pages touched, -1 for none */
	u64 value;
	unsigned long min;
	const char *P, *E, *mincore, *smaps;
	long d_mapped, d_file, d_shmem, d_fault;
};

static const struct p03_step p03_after_fork[] = {
	{ "3 [child] just forked, no access", true, P03_NONE, { -1, -1 }, 0, 0, "0x32", "0x32",
	  "1x16.0x16", "0/0/0/0/0/0/0/0/0", 0, 0, 0, 0 },
	{ "4 [child] read page 5", true, P03_READ, { 5, -1 }, 0, 1, "1x16.0x16", "0x32",
	  "1x16.0x16", "64/32/4/60/0/0/0/0/0", 0, 0, 0, 1 },
	{ "5 [child] write page 1", true, P03_WRITE, { 1, -1 }, 77, 0, "1x16.0x16", "0x32",
	  "1x16.0x16", "64/32/4/60/0/0/0/0/0", 0, 0, 0, 0 },
	{ "6 [child] write page 20 (hole)", true, P03_WRITE, { 20, -1 }, 78, 1,
	  "1x16.0x4.1.0x11", "0x20.1.0x11", "1x16.0x4.1.0x11", "68/36/4/60/0/4/0/0/0", 1, 1, 1,
	  1 },
	{ "7 [child] read page 21 (hole)", true, P03_READ, { 21, -1 }, 0, 1, "1x16.0x4.1x2.0x10",
	  "0x20.1x2.0x10", "1x16.0x4.1x2.0x10", "72/40/4/60/4/4/0/0/0", 1, 1, 1, 1 },
	{ "3 [parent] child alive, no access", false, P03_NONE, { -1, -1 }, 0, 0, "1x16.0x16",
	  "0x32", "1x16.0x4.1x2.0x10", "64/32/0/64/0/0/0/0/0", 0, 0, 0, 0 },
	{ "4 [parent] read pages 1 and 20", false, P03_READ, { 1, 20 }, 0, 1,
	  "1x16.0x4.1x2.0x10", "0x32", "1x16.0x4.1x2.0x10", "72/36/4/68/0/0/0/0/0", 0, 0, 0, 1 },
	{ "5 [parent] write page 2 (child alive)", false, P03_WRITE, { 2, -1 }, 99, 0,
	  "1x16.0x4.1x2.0x10", "0x32", "1x16.0x4.1x2.0x10", "72/36/4/68/0/0/0/0/0", 0, 0, 0,
	  0 },
	{ "6 [parent] child exited, no access", false, P03_EXIT_CHILD, { -1, -1 }, 0, 0,
	  "1x16.0x4.1x2.0x10", "1x16.0x4.1x2.0x10", "1x16.0x4.1x2.0x10",
	  "72/72/0/0/4/68/0/0/0", 0, 0, 0, 0 },
};

/*
 * real-kernel-6.18.md §3 (p03), row by row: MAP_SHARED|MAP_ANONYMOUS is
 * shmem; fork copies no PTE of it; the child's read faults around; writes
 * are visible both ways; after the child exits, E=1 again.
 */
Test(shmem, p03_shared_anonymous_memory_across_fork_matches_the_table_row_by_row)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *parent = sim_task_create(m, "p03"), *child = NULL;
	struct obj o;
	unsigned long a = obj_open(m, parent, &o, SHARED_ANON_FL, 32);
	struct shmem_counters base = counters(m);

	/* step 1: parent reads page 0 (hole) */
	cr_assert_eq(load(parent, a), 0);
	cr_assert_eq(parent->min_flt, 1);
	assert_row(parent->mm, a, 32, PM_PRESENT, "1.0x31");
	assert_row(parent->mm, a, 32, PM_FILE, "1.0x31");
	assert_row(parent->mm, a, 32, PM_MMAP_EXCLUSIVE, "1.0x31");
	assert_row(parent->mm, a, 32, PM_SWAP, "0x32");
	assert_mincore_row(parent->mm, a, 32, "1.0x31");
	assert_smaps(parent->mm, a, "4/4/0/0/4/0/0/0/0");
	assert_counters(m, base, 1, 1, 1, 1);
	/* step 2: parent writes pages 0..15: 15 faults, page 0 is mapped writable */
	base = counters(m);
	for (int i = 0; i < 16; i++)
		store(parent, a + (unsigned long)i * PG, 10 + (u64)i);
	cr_assert_eq(parent->min_flt, 1 + 15);
	assert_row(parent->mm, a, 32, PM_PRESENT, "1x16.0x16");
	assert_row(parent->mm, a, 32, PM_MMAP_EXCLUSIVE, "1x16.0x16");
	assert_smaps(parent->mm, a, "64/64/0/0/0/64/0/0/0");
	assert_counters(m, base, 15, 15, 15, 15);
	cr_assert_eq(sim_fork(parent, "child", &child), 0);
	cr_assert_eq(child->min_flt, 0);

	for (size_t s = 0; s < sizeof(p03_after_fork) / sizeof(p03_after_fork[0]); s++) {
		const struct p03_step *st = &p03_after_fork[s];
		struct task_struct *t = st->child ? child : parent;
		unsigned long f = t->min_flt;

		cr_log_info("p03 step %s", st->what);
		base = counters(m);
		for (int j = 0; j < 2 && st->pages[j] >= 0; j++) {
			unsigned long at = a + (unsigned long)st->pages[j] * PG;

			if (st->op == P03_WRITE)
				store(t, at, st->value);
			else
				load(t, at);
		}
		if (st->op == P03_EXIT_CHILD)
			sim_exit(child);
		cr_assert_eq(t->min_flt - f, st->min, "step %s: %lu faults, not %lu", st->what,
			     t->min_flt - f, st->min);
		assert_row(t->mm, a, 32, PM_PRESENT, st->P);
		assert_row(t->mm, a, 32, PM_FILE, st->P);
		assert_row(t->mm, a, 32, PM_MMAP_EXCLUSIVE, st->E);
		assert_mincore_row(t->mm, a, 32, st->mincore);
		assert_smaps(t->mm, a, st->smaps);
		assert_counters(m, base, st->d_mapped, st->d_file, st->d_shmem, st->d_fault);
		assert_machine_ok(m);
		if (st->op == P03_READ && !st->child) {
			/* "Writes are visible both ways (parent saw 77/78 ...)" */
			cr_assert_eq(load(parent, a + PG), 77);
			cr_assert_eq(load(parent, a + 20 * PG), 78);
			cr_assert_eq(pfn_at(parent->mm, a + 20 * PG),
				     pfn_at(child->mm, a + 20 * PG), "the same frame in both");
		}
		if (st->op == P03_WRITE && !st->child)
			cr_assert_eq(load(child, a + 2 * PG), 99, "... and the child saw 99");
	}
	cr_assert_eq(parent->min_flt, 1 + 15 + 1, "the visibility reads took no fault");
	assert_tmpfs_pages(o.inode, 18);
	machine_destroy(m);
}

/* kernel-behaviour.md §5.1: "A segment outlives all processes unless IPC_RMID." */
Test(shmem, a_sysv_segment_outlives_its_creator_until_ipc_rmid)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *a = sim_task_create(m, "creator"), *b;
	long inodes = inodes_alive();
	struct inode *inode;
	unsigned long s;
	int id, id2;
	bool dest;

	cr_assert_eq(sim_shmget(m, 0x2a, 4 * PG, &id), 0);
	cr_assert_eq(inodes_alive(), inodes + 1, "newseg makes a tmpfs file");
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_SHM), 1);
	inode = sim_shm_inode(m, id);
	cr_assert_str_eq(inode->path, "/SYSV0000002a");
	cr_assert_eq(nattch(m, id, &dest), 0, "nattch starts at 0");
	cr_assert_not(dest);
	s = attach(a, id);
	cr_assert_eq(nattch(m, id, NULL), 1);
	store(a, s, 0x1111);
	store(a, s + 3 * PG, 0x4444);
	assert_tmpfs_pages(inode, 2);

	/* The creator exits: its attachment goes, the segment stays. */
	sim_exit(a);
	cr_assert_eq(nattch(m, id, &dest), 0);
	cr_assert_not(dest);
	cr_assert_eq(sim_shm_inode(m, id), inode);
	assert_tmpfs_pages(inode, 2);
	cr_assert_eq(vmstat(m, NR_SHMEM), 2);
	cr_assert_eq(vmstat(m, NR_FILE_MAPPED), 0, "mapped by nobody");
	cr_assert_eq(inodes_alive(), inodes + 1);

	/* Another process finds it by its key: the same segment, the data kept. */
	b = sim_task_create(m, "later");
	cr_assert_eq(sim_shmget(m, 0x2a, 4 * PG, &id2), 0);
	cr_assert_eq(id2, id);
	cr_assert_eq(sim_shmget(m, 0x2a, 8 * PG, &id2), -EINVAL, "larger than the segment");
	s = attach(b, id);
	cr_assert_eq(load(b, s), 0x1111);
	cr_assert_eq(load(b, s + 3 * PG), 0x4444);
	cr_assert_eq(b->min_flt, 2, "SysV: one fault per page, no fault-around");
	assert_present(b->mm, s, 4, "1001");
	assert_tmpfs_pages(inode, 2);

	/* IPC_RMID with nothing attached destroys it at once. */
	cr_assert_eq(sim_shmdt(b, s), 0);
	cr_assert_eq(nattch(m, id, NULL), 0);
	cr_assert_eq(sim_shmctl_rmid(m, id), 0);
	cr_assert_eq(sim_shm_info(m, id, &(unsigned long){ 0 }, &dest), -EINVAL, "gone");
	cr_assert_null(sim_shm_inode(m, id));
	cr_assert_eq(inodes_alive(), inodes, "its tmpfs file was freed");
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_SHM), 0);
	cr_assert_eq(vmstat(m, NR_SHMEM), 0);
	cr_assert_eq(vmstat(m, NR_FILE_PAGES), 0);
	cr_assert_eq(sim_shmat(b, id, 0, false, &s), -EINVAL);
	cr_assert_eq(sim_shmctl_rmid(m, id), -EINVAL);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §5.1: attaching twice counts twice, fork inherits
 * every attachment (nattch++ each), IPC_RMID while attached marks SHM_DEST
 * and frees the key, attaching by id still works, and the segment goes at
 * the last detach, whoever does it.
 */
Test(shmem, ipc_rmid_while_attached_destroys_the_segment_at_the_last_detach)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *b = sim_task_create(m, "B"), *c;
	long inodes = inodes_alive();
	unsigned long b2, b3, b4;
	long free_before;
	int id, id2;
	bool dest;

	cr_assert_eq(sim_shmget(m, 0x2a, 4 * PG, &id), 0);
	b2 = attach(b, id);
	b3 = attach(b, id);
	cr_assert_neq(b2, b3);
	cr_assert_eq(nattch(m, id, NULL), 2, "two attachments in one process");
	for (int i = 0; i < 4; i++)
		store(b, b2 + (unsigned long)i * PG, 0x20 + (u64)i);
	cr_assert_eq(load(b, b3 + PG), 0x21);
	cr_assert_eq(pfn_at(b->mm, b2 + PG), pfn_at(b->mm, b3 + PG));
	cr_assert_eq(b->mm->rss_stat[MM_SHMEMPAGES], 5, "RssShmem counts each PTE");

	cr_assert_eq(sim_fork(b, "C", &c), 0);
	cr_assert_eq(nattch(m, id, NULL), 4, "fork inherits both attachments");
	assert_present(c->mm, b2, 4, "0000");
	assert_mincore(c->mm, b2, 4, "1111");

	cr_assert_eq(sim_shmctl_rmid(m, id), 0);
	cr_assert_eq(nattch(m, id, &dest), 4);
	cr_assert(dest, "SHM_DEST");
	cr_assert_eq(load(c, b3 + 2 * PG), 0x22, "every attachment keeps working");
	cr_assert_eq(sim_shmget(m, 0x2a, 4 * PG, &id2), 0);
	cr_assert_neq(id2, id, "the key no longer finds the removed segment");
	cr_assert_eq(sim_shmctl_rmid(m, id2), 0, "(a new, unattached one: destroyed at once)");
	b4 = attach(b, id);
	cr_assert_eq(nattch(m, id, NULL), 5, "attaching by id still works until the last detach");
	cr_assert_eq(load(b, b4 + 3 * PG), 0x23);

	cr_assert_eq(sim_shmdt(b, b2), 0);
	cr_assert_eq(sim_shmdt(b, b3), 0);
	cr_assert_eq(sim_shmdt(b, b4), 0);
	cr_assert_eq(nattch(m, id, NULL), 2, "C's inherited attachments remain");
	cr_assert_eq(sim_shmdt(b, b2), -EINVAL, "nothing attached there any more");
	cr_assert_eq(vmstat(m, NR_SHMEM), 4);
	cr_assert_eq(load(c, b2), 0x20);

	free_before = vmstat(m, NR_FREE_PAGES);
	sim_exit(c);
	cr_assert_eq(sim_shm_info(m, id, &(unsigned long){ 0 }, &dest), -EINVAL,
		     "destroyed with the last attachment");
	cr_assert_eq(inodes_alive(), inodes);
	cr_assert_eq(vmstat(m, NR_SHMEM), 0);
	cr_assert_eq(vmstat(m, NR_FILE_PAGES), 0);
	cr_assert_geq(vmstat(m, NR_FREE_PAGES) - free_before, 4, "its four pages are free");
	cr_assert_eq(sim_shmat(b, id, 0, false, &b2), -EINVAL);
	assert_machine_ok(m);
	machine_destroy(m);
}

/* kernel-behaviour.md §5.1: the pages stay in the segment's file between attachments. */
Test(shmem, data_survives_detach_and_reattach)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t");
	unsigned long s;
	long pfn;
	int id;

	cr_assert_eq(sim_shmget(m, 7, 2 * PG, &id), 0);
	s = attach(t, id);
	store(t, s + PG + 64, 0xabcd);
	pfn = pfn_at(t->mm, s + PG);
	cr_assert_eq(sim_shmdt(t, s), 0);
	cr_assert_eq(nattch(m, id, NULL), 0);
	assert_present(t->mm, s, 2, "00");
	assert_tmpfs_pages(sim_shm_inode(m, id), 1);
	cr_assert_eq(vmstat(m, NR_FILE_MAPPED), 0);
	cr_assert_eq(vmstat(m, NR_SHMEM), 1);

	s = attach(t, id);
	cr_assert_eq(load(t, s + PG + 64), 0xabcd);
	cr_assert_eq(pfn_at(t->mm, s + PG), pfn, "the same page, from the page cache");
	cr_assert_eq(t->min_flt, 2);
	cr_assert_eq(vmstat(m, NR_SHMEM), 1, "no new page");
	cr_assert_eq(sim_shmdt(t, s), 0);
	machine_destroy(m); /* the segment was never removed: teardown frees it */
}

/*
 * ipc/shm.c: a split calls shm_vm_ops->open (nattch++) for the new piece;
 * shmdt removes every piece of the attachment.
 */
Test(shmem, splitting_an_attachment_counts_each_piece_and_shmdt_removes_them_all)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t");
	unsigned long s;
	int id;

	cr_assert_eq(sim_shmget(m, 9, 4 * PG, &id), 0);
	s = attach(t, id);
	cr_assert_eq(sim_mprotect(t, s + PG, 2 * PG, PROT_READ), 0);
	cr_assert_eq(vmas_in(t->mm, s, s + 4 * PG), 3);
	cr_assert_eq(nattch(m, id, NULL), 3, "each VMA is an attachment");
	cr_assert_eq(try_store(t, s + PG, 1), SIGSEGV);
	cr_assert_eq(sim_shmdt(t, s), 0);
	cr_assert_eq(vmas_in(t->mm, s, s + 4 * PG), 0);
	cr_assert_eq(nattch(m, id, NULL), 0);
	cr_assert_eq(sim_shmctl_rmid(m, id), 0);
	machine_destroy(m);
}

/*
 * ipc/shm.c ksys_shmdt (6.18): the first loop takes the first shm VMA at or
 * above @addr whose (vm_start - addr) / PAGE_SIZE == vm_pgoff, a fragment
 * left by munmap or mprotect, so shmdt succeeds after the attachment's
 * first page was unmapped and detaches what is left.
 */
Test(shmem, shmdt_after_the_first_page_was_unmapped_detaches_the_remaining_fragment)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t");
	unsigned long s;
	int id;

	cr_assert_eq(sim_shmget(m, 11, 3 * PG, &id), 0);
	s = attach(t, id);
	for (int i = 0; i < 3; i++)
		store(t, s + (unsigned long)i * PG, 1);
	cr_assert_eq(sim_munmap(t, s, PG), 0);
	cr_assert_eq(nattch(m, id, NULL), 1);
	cr_assert_eq(sim_shmdt(t, s), 0, "the fragment at s + 1 page has vm_pgoff 1: a match");
	assert_present(t->mm, s, 3, "000");
	cr_assert_eq(nattch(m, id, NULL), 0);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §5.2: "The object lives until it is unlinked and
 * every fd and mapping is gone."
 */
Test(shmem, a_posix_object_lives_until_unlinked_closed_and_unmapped)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t");
	long inodes = inodes_alive();
	struct file *fd, *fd2;
	struct inode *inode;
	unsigned long a;
	bool eof;
	u64 v;

	cr_assert_eq(sim_shm_open(m, "/obj", 4 * PG, &fd), 0);
	inode = sim_file_inode(fd);
	cr_assert_eq(inodes_alive(), inodes + 1);
	cr_assert_str_eq(inode->path, "/dev/shm/obj");
	cr_assert_eq(inode->i_size, 4 * PG);
	cr_assert_eq(inode->i_nlink, 1);
	a = map_file(t, fd, 4, RW, MAP_SHARED);
	store(t, a + 2 * PG, 0x77);

	/* Opening the name again gives the same object. */
	cr_assert_eq(sim_shm_open(m, "/obj", 4 * PG, &fd2), 0);
	cr_assert_eq(sim_file_inode(fd2), inode);
	cr_assert_eq(sim_pread(fd2, 2 * PG, &v, &eof), 0);
	cr_assert_eq(v, 0x77);
	sim_file_close(fd2);
	sim_file_close(fd);
	cr_assert_eq(inodes_alive(), inodes + 1, "still named and mapped");

	/* Unlinked but mapped: it lives, nameless. */
	cr_assert_eq(sim_shm_unlink(m, "/obj"), 0);
	cr_assert_eq(sim_shm_unlink(m, "/obj"), -ENOENT);
	cr_assert_eq(inode->i_nlink, 0);
	cr_assert_eq(inodes_alive(), inodes + 1);
	cr_assert_eq(load(t, a + 2 * PG), 0x77);

	/* The name is free: shm_open makes a new, empty object. */
	cr_assert_eq(sim_shm_open(m, "/obj", 4 * PG, &fd), 0);
	cr_assert_neq(sim_file_inode(fd), inode);
	cr_assert_eq(sim_pread(fd, 2 * PG, &v, &eof), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(inodes_alive(), inodes + 2);
	sim_file_close(fd);

	/* The last mapping goes: the old object and its page go with it. */
	cr_assert_eq(vmstat(m, NR_SHMEM), 1);
	cr_assert_eq(sim_munmap(t, a, 4 * PG), 0);
	cr_assert_eq(inodes_alive(), inodes + 1, "only the new, named object is left");
	cr_assert_eq(vmstat(m, NR_SHMEM), 0);
	cr_assert_eq(vmstat(m, NR_FILE_PAGES), 0);
	assert_machine_ok(m);
	machine_destroy(m); /* the named object is freed at teardown */
}

/* kernel-behaviour.md §5.3: a memfd lives while an fd or a mapping refers to it. */
Test(shmem, a_memfd_lives_while_an_fd_or_a_mapping_refers_to_it)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t"), *c;
	long inodes = inodes_alive(), free_pages;
	struct file *fd;
	unsigned long a;

	cr_assert_eq(sim_memfd_create(m, "buf", &fd), 0);
	cr_assert_eq(inodes_alive(), inodes + 1);
	cr_assert_eq(sim_file_inode(fd)->i_size, 0, "memfd_create makes an empty file");
	cr_assert_eq(sim_ftruncate(fd, 8 * PG), 0);
	a = map_file(t, fd, 8, RW, MAP_SHARED);
	for (int i = 0; i < 8; i++)
		store(t, a + (unsigned long)i * PG, (u64)i);
	sim_file_close(fd);
	cr_assert_eq(inodes_alive(), inodes + 1, "the mapping holds the file");
	cr_assert_eq(sim_fork(t, "child", &c), 0);
	cr_assert_eq(sim_munmap(t, a, 8 * PG), 0);
	cr_assert_eq(inodes_alive(), inodes + 1, "the child's mapping holds it");
	cr_assert_eq(load(c, a + 7 * PG), 7);
	free_pages = vmstat(m, NR_FREE_PAGES);
	sim_exit(c);
	cr_assert_eq(inodes_alive(), inodes, "the last reference is gone");
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_FILE), 0);
	cr_assert_eq(vmstat(m, NR_SHMEM), 0);
	cr_assert_eq(vmstat(m, NR_FILE_PAGES), 0);
	cr_assert_geq(vmstat(m, NR_FREE_PAGES) - free_pages, 8, "the 8 pages are free");
	machine_destroy(m);
}

/* kernel-behaviour.md §5.3: shmem_zero_setup's file goes with the last VMA that maps it. */
Test(shmem, shared_anonymous_memory_is_freed_with_its_last_mapping)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t");
	long inodes = inodes_alive();
	struct obj o;
	unsigned long a = obj_open(m, t, &o, SHARED_ANON_FL, 4);

	cr_assert_eq(inodes_alive(), inodes + 1);
	cr_assert_eq(o.inode->i_size, 4 * PG, "a file of the mapping's size");
	store(t, a, 1);
	store(t, a + 3 * PG, 2);
	cr_assert_eq(sim_munmap(t, a + PG, PG), 0);
	cr_assert_eq(vmas_in(t->mm, a, a + 4 * PG), 2);
	cr_assert_eq(inodes_alive(), inodes + 1, "two pieces still map it");
	cr_assert_eq(load(t, a + 3 * PG), 2);
	cr_assert_eq(sim_munmap(t, a, 4 * PG), 0);
	cr_assert_eq(inodes_alive(), inodes);
	cr_assert_eq(vmstat(m, NR_SHMEM), 0);
	machine_destroy(m);
}

/*
 * real-kernel-6.18.md §8, memfd MAP_SHARED rows 13-18, with the memfd of
 * 5000 bytes filled by write(2) first (the probe's "page cache warm").
 * §10: "fault that raises SIGBUS: pgfault+1, but not in getrusage".
 */
Test(shmem, p08_a_memfd_of_5000_bytes_mapped_three_pages_raises_sigbus_on_the_third)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "p08");
	struct shmem_counters base;
	struct file *fd;
	unsigned long a;

	cr_assert_eq(sim_memfd_create(m, "eof", &fd), 0);
	cr_assert_eq(sim_ftruncate(fd, 5000), 0);
	cr_assert_eq(sim_pwrite(fd, 0, 0x11), 0);
	cr_assert_eq(sim_pwrite(fd, 4992, 0x22), 0);
	cr_assert_eq(sim_file_inode(fd)->i_size, 5000);
	assert_tmpfs_pages(sim_file_inode(fd), 2);
	a = map_file(t, fd, 3, RW, MAP_SHARED);

	/* 13: read byte 0: 1 fault maps pages 0 and 1 (fault-around stops at EOF) */
	base = counters(m);
	cr_assert_eq(load(t, a), 0x11);
	cr_assert_eq(t->min_flt, 1);
	assert_present(t->mm, a, 3, "110");
	assert_bits(t->mm, a, 3, PM_FILE, "110");
	assert_exclusive(t->mm, a, 3, "110");
	assert_mincore(t->mm, a, 3, "110");
	assert_smaps(t->mm, a, "8/8/0/0/0/8/0/0/0");
	assert_counters(m, base, 2, 0, 0, 1);
	/* 14, 15: the last bytes of the file and the tail past it: no fault */
	cr_assert_eq(load(t, a + 4992), 0x22);
	cr_assert_eq(load(t, a + 5000), 0);
	cr_assert_eq(load(t, a + 8184), 0);
	cr_assert_eq(t->min_flt, 1);
	/* 16: page 2 is wholly past EOF: SIGBUS, pgfault+1, getrusage +0 */
	base = counters(m);
	cr_assert_eq(try_load(t, a + 2 * PG), SIGBUS);
	cr_assert_eq(t->min_flt, 1);
	cr_assert_eq(t->maj_flt, 0);
	assert_present(t->mm, a, 3, "110");
	assert_counters(m, base, 0, 0, 0, 1);
	/* 17: write byte 6000 (the EOF tail of page 1): no fault, no change */
	store(t, a + 6000, 0x54);
	cr_assert_eq(t->min_flt, 1);
	assert_smaps(t->mm, a, "8/8/0/0/0/8/0/0/0");
	cr_assert_eq(sim_file_inode(fd)->i_size, 5000, "writes never change the size");
	/* 18: write byte 8192: SIGBUS */
	base = counters(m);
	cr_assert_eq(try_store(t, a + 2 * PG, 1), SIGBUS);
	cr_assert_eq(t->min_flt, 1);
	assert_counters(m, base, 0, 0, 0, 1);
	assert_tmpfs_pages(sim_file_inode(fd), 2);
	sim_file_close(fd);
	machine_destroy(m);
}

/*
 * real-kernel-6.18.md §8 summary table, memfd MAP_SHARED: the store to byte
 * 6000 "survives in the page cache (read back after remap) and is still
 * there after ftruncate(8192): the extended range is not zero"; §13.17.
 */
Test(shmem, a_store_past_eof_survives_remap_and_ftruncate_up)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t");
	struct file *fd;
	unsigned long a;
	bool eof;
	u64 v;

	cr_assert_eq(sim_memfd_create(m, "tail", &fd), 0);
	cr_assert_eq(sim_ftruncate(fd, 5000), 0);
	a = map_file(t, fd, 3, RW, MAP_SHARED);
	store(t, a + 6000, 0x54);
	cr_assert_eq(sim_pread(fd, 6000, &v, &eof), 0);
	cr_assert(eof, "read(2) stops at the end of the file");
	cr_assert_eq(sim_munmap(t, a, 3 * PG), 0);
	a = map_file(t, fd, 3, RW, MAP_SHARED);
	cr_assert_eq(load(t, a + 6000), 0x54, "kept in the page cache");
	cr_assert_eq(sim_ftruncate(fd, 8192), 0);
	cr_assert_eq(load(t, a + 6000), 0x54, "tmpfs does not zero the extended range");
	cr_assert_eq(sim_pread(fd, 6000, &v, &eof), 0);
	cr_assert_not(eof);
	cr_assert_eq(v, 0x54);
	cr_assert_eq(try_load(t, a + 2 * PG), SIGBUS, "8192 bytes: page 2 is still past EOF");
	assert_tmpfs_pages(sim_file_inode(fd), 1);
	sim_file_close(fd);
	machine_destroy(m);
}

/*
 * kernel-behaviour.md §6.1/§6.2: truncation unmaps the pages past the new
 * end from every mapping, private COW copies included (even_cows), and
 * frees them; a later access is SIGBUS. A partial last page keeps its head
 * and loses its tail (shmem_undo_range zeroes it).
 */
Test(shmem, ftruncate_down_unmaps_and_frees_the_pages_past_the_end_even_cow_copies)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t"), *c;
	struct file *fd;
	unsigned long a, p;
	long free_pages;

	cr_assert_eq(sim_memfd_create(m, "trunc", &fd), 0);
	cr_assert_eq(sim_ftruncate(fd, 4 * PG), 0);
	a = map_file(t, fd, 4, RW, MAP_SHARED);
	p = map_file(t, fd, 4, RW, MAP_PRIVATE);
	for (int i = 0; i < 4; i++)
		store(t, a + (unsigned long)i * PG, 0x10 + (u64)i);
	store(t, a + PG + 4000, 0xee);
	store(t, p + 3 * PG, 0x99); /* a private COW copy of page 3 */
	cr_assert_eq(sim_fork(t, "child", &c), 0);
	cr_assert_eq(load(c, a + 3 * PG), 0x13);
	assert_tmpfs_pages(sim_file_inode(fd), 4);
	free_pages = vmstat(m, NR_FREE_PAGES);

	cr_assert_eq(sim_ftruncate(fd, PG + 100), 0);
	assert_present(t->mm, a, 4, "1100");
	assert_present(c->mm, a, 4, "1100");
	assert_present(t->mm, p, 4, "0000");
	assert_present(c->mm, p, 4, "0000");
	assert_mincore(t->mm, a, 4, "1100");
	assert_tmpfs_pages(sim_file_inode(fd), 2);
	cr_assert_eq(vmstat(m, NR_ANON_MAPPED), 0, "the COW copies went too");
	cr_assert_eq(vmstat(m, NR_FREE_PAGES) - free_pages, 2 + 1, "2 file pages, 1 COW copy");
	cr_assert_eq(try_load(t, a + 2 * PG), SIGBUS);
	cr_assert_eq(try_load(c, a + 3 * PG), SIGBUS);
	cr_assert_eq(try_load(t, p + 3 * PG), SIGBUS);
	cr_assert_eq(load(t, a + PG), 0x11, "the head of the partial page stays");
	cr_assert_eq(load(t, a + PG + 4000), 0, "its tail past the new end is zeroed");

	cr_assert_eq(sim_ftruncate(fd, 4 * PG), 0);
	cr_assert_eq(load(c, a + 3 * PG), 0, "grown back: a hole");
	assert_machine_ok(m);
	sim_file_close(fd);
	machine_destroy(m);
}

/* shmem_file_read_iter reads a hole as zeroes (SGP_READ); write(2) allocates (SGP_WRITE). */
Test(shmem, pread_of_a_hole_allocates_nothing_and_pwrite_allocates_the_page)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct file *fd;
	bool eof;
	u64 v = 1;

	cr_assert_eq(sim_memfd_create(m, "rw", &fd), 0);
	cr_assert_eq(sim_ftruncate(fd, 4 * PG), 0);
	cr_assert_eq(sim_pread(fd, 2 * PG, &v, &eof), 0);
	cr_assert_eq(v, 0);
	cr_assert_not(eof);
	assert_tmpfs_pages(sim_file_inode(fd), 0);
	cr_assert_eq(vmstat(m, NR_SHMEM), 0);
	cr_assert_eq(sim_pwrite(fd, 2 * PG + 8, 0x5), 0);
	assert_tmpfs_pages(sim_file_inode(fd), 1);
	cr_assert_eq(vmstat(m, NR_SHMEM), 1);
	cr_assert_eq(vmstat(m, NR_FILE_PAGES), 1);
	cr_assert_eq(vmstat(m, PGFAULT), 0);
	cr_assert_eq(vmstat(m, NR_FILE_DIRTY), 0, "tmpfs does not account dirty pages");
	cr_assert_eq(sim_pread(fd, 2 * PG + 8, &v, &eof), 0);
	cr_assert_eq(v, 0x5);
	/* write(2) past the end grows the file */
	cr_assert_eq(sim_pwrite(fd, 6 * PG, 0x6), 0);
	cr_assert_eq(sim_file_inode(fd)->i_size, 6 * PG + 8);
	assert_tmpfs_pages(sim_file_inode(fd), 2);
	sim_file_close(fd);
	machine_destroy(m);
}

/* real-kernel-6.18.md §9, p09 part B, steps 4-8 (MAP_SHARED memfd, 8 pages). */
Test(shmem, p09_dontneed_keeps_the_pages_and_madv_remove_punches_a_hole)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "p09");
	struct pfn_names names = { 0 };
	struct shmem_counters base;
	struct file *fd;
	struct inode *inode;
	unsigned long a;

	cr_assert_eq(sim_memfd_create(m, "p09", &fd), 0);
	cr_assert_eq(sim_ftruncate(fd, 8 * PG), 0);
	inode = sim_file_inode(fd);
	a = map_file(t, fd, 8, RW, MAP_SHARED);

	/* 4: write pages 0..7: 8 faults, +8 each */
	base = counters(m);
	for (int i = 0; i < 8; i++)
		store(t, a + (unsigned long)i * PG, 0x50 + (u64)i);
	cr_assert_eq(t->min_flt, 8);
	assert_present(t->mm, a, 8, "11111111");
	assert_bits(t->mm, a, 8, PM_FILE, "11111111");
	assert_exclusive(t->mm, a, 8, "11111111");
	assert_classes(&names, t->mm, a, 8, "ABCDEFGH");
	assert_mincore(t->mm, a, 8, "11111111");
	assert_smaps(t->mm, a, "32/32/0/0/0/32/0/0/0");
	assert_counters(m, base, 8, 8, 8, 8);

	/* 5: MADV_DONTNEED all 8: PTEs only, nr_mapped-8, mincore stays 1 */
	base = counters(m);
	cr_assert_eq(sim_madvise(t, a, 8 * PG, MADV_DONTNEED), 0);
	cr_assert_eq(t->min_flt, 8);
	assert_present(t->mm, a, 8, "00000000");
	assert_bits(t->mm, a, 8, PM_FILE, "00000000");
	assert_exclusive(t->mm, a, 8, "00000000");
	assert_mincore(t->mm, a, 8, "11111111");
	assert_smaps(t->mm, a, "0/0/0/0/0/0/0/0/0");
	assert_counters(m, base, -8, 0, 0, 0);
	assert_tmpfs_pages(inode, 8);

	/* 6: read page 0: 1 fault maps all 8 (fault-around), the same frames */
	base = counters(m);
	cr_assert_eq(load(t, a), 0x50);
	cr_assert_eq(t->min_flt, 9);
	assert_present(t->mm, a, 8, "11111111");
	assert_exclusive(t->mm, a, 8, "11111111");
	assert_classes(&names, t->mm, a, 8, "ABCDEFGH");
	assert_smaps(t->mm, a, "32/32/0/0/0/32/0/0/0");
	assert_counters(m, base, 8, 0, 0, 1);
	cr_assert_eq(load(t, a + 7 * PG), 0x57, "the data was kept");

	/* 7: MADV_REMOVE pages 0..3: -4 each, mincore 00001111 */
	base = counters(m);
	cr_assert_eq(sim_madvise(t, a, 4 * PG, MADV_REMOVE), 0);
	cr_assert_eq(t->min_flt, 9);
	assert_present(t->mm, a, 8, "00001111");
	assert_bits(t->mm, a, 8, PM_FILE, "00001111");
	assert_exclusive(t->mm, a, 8, "00001111");
	assert_classes(&names, t->mm, a, 8, "----EFGH");
	assert_mincore(t->mm, a, 8, "00001111");
	assert_smaps(t->mm, a, "16/16/0/0/0/16/0/0/0");
	assert_counters(m, base, -4, -4, -4, 0);
	assert_tmpfs_pages(inode, 4);
	cr_assert_eq(inode->i_size, 8 * PG, "a punched hole keeps the size");

	/*
	 * 8: read pages 0..7: 4 faults (holes, one each), zeroes, new clean
	 * pages. (The probe's classes "CBAIEFGH" show pages 0..3 on recycled
	 * frames; which frames is the allocator's business, so only "new and
	 * distinct" is checked here.)
	 */
	base = counters(m);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(load(t, a + (unsigned long)i * PG), i < 4 ? 0 : 0x50 + (u64)i);
	cr_assert_eq(t->min_flt, 9 + 4);
	assert_present(t->mm, a, 8, "11111111");
	assert_bits(t->mm, a, 8, PM_FILE, "11111111");
	assert_exclusive(t->mm, a, 8, "11111111");
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 8; j++)
			cr_assert_neq(pfn_at(t->mm, a + (unsigned long)i * PG),
				      pfn_at(t->mm, a + (unsigned long)j * PG));
	assert_mincore(t->mm, a, 8, "11111111");
	assert_smaps(t->mm, a, "32/32/0/0/16/16/0/0/0");
	assert_counters(m, base, 4, 4, 4, 4);
	assert_tmpfs_pages(inode, 8);
	sim_file_close(fd);
	machine_destroy(m);
}

/* MADV_REMOVE frees the pages from every process that maps them, not just the caller. */
Test(shmem, madv_remove_unmaps_the_hole_in_every_process)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t"), *c;
	struct obj o;
	unsigned long a = obj_open(m, t, &o, SHARED_ANON_FL, 4);

	for (int i = 0; i < 4; i++)
		store(t, a + (unsigned long)i * PG, 0x30 + (u64)i);
	cr_assert_eq(sim_fork(t, "child", &c), 0);
	cr_assert_eq(load(c, a), 0x30);
	assert_present(c->mm, a, 4, "1111");
	cr_assert_eq(sim_madvise(t, a + PG, 2 * PG, MADV_REMOVE), 0);
	assert_present(t->mm, a, 4, "1001");
	assert_present(c->mm, a, 4, "1001");
	assert_mincore(c->mm, a, 4, "1001");
	cr_assert_eq(load(c, a + 2 * PG), 0);
	cr_assert_eq(load(t, a + 2 * PG), 0);
	cr_assert_eq(pfn_at(t->mm, a + 2 * PG), pfn_at(c->mm, a + 2 * PG));
	assert_tmpfs_pages(o.inode, 3);
	machine_destroy(m);
}

/*
 * mm/madvise.c madvise_remove (6.18): a VMA with no file is EINVAL, one that
 * is not vma_is_shared_maywrite() (VM_SHARED and VM_MAYWRITE) is EACCES,
 * else vfs_fallocate(PUNCH_HOLE). A private mapping of a memfd is EACCES; so
 * is a SHM_RDONLY attachment, whose file is opened read-only (no VM_MAYWRITE).
 */
Test(shmem, madv_remove_through_a_private_mapping_or_a_read_only_attachment_is_eacces)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t");
	struct file *fd;
	unsigned long priv, ro_shm;
	int id;

	cr_assert_eq(sim_memfd_create(m, "r", &fd), 0);
	cr_assert_eq(sim_ftruncate(fd, 2 * PG), 0);
	cr_assert_eq(sim_pwrite(fd, 0, 0x7), 0);
	priv = map_file(t, fd, 2, RW, MAP_PRIVATE);
	cr_assert_eq(load(t, priv), 0x7);
	cr_assert_eq(sim_madvise(t, priv, PG, MADV_REMOVE), -EACCES);
	assert_tmpfs_pages(sim_file_inode(fd), 1);

	cr_assert_eq(sim_shmget(m, 5, 2 * PG, &id), 0);
	cr_assert_eq(sim_shmat(t, id, 0, true, &ro_shm), 0);
	cr_assert_eq(load(t, ro_shm), 0);
	cr_assert_eq(sim_madvise(t, ro_shm, PG, MADV_REMOVE), -EACCES,
		     "SHM_RDONLY: the file is not writable");
	assert_tmpfs_pages(sim_shm_inode(m, id), 1);
	sim_file_close(fd);
	machine_destroy(m);
}

/* mm/madvise.c madvise_remove (6.18): "if (!f || ...) return -EINVAL;" before any other check. */
Test(shmem, madv_remove_on_memory_with_no_file_is_einval)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t");
	unsigned long a = map_anon(t, 2, RW);

	store(t, a, 1);
	cr_assert_eq(sim_madvise(t, a, PG, MADV_REMOVE), -EINVAL, "private anon: no file at all");
	cr_assert_eq(load(t, a), 1);
	machine_destroy(m);
}

/*
 * mm/madvise.c madvise_remove (6.18) checks vma_is_shared_maywrite(), not
 * VM_WRITE (the 4.19 check): a read-only MAP_SHARED mapping of an object
 * that may be written (a memfd opened read-write, shared anon) has
 * VM_MAYWRITE, so the hole is punched.
 */
Test(shmem, madv_remove_through_a_read_only_shared_mapping_of_a_writable_object_punches_the_hole)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 64);
	struct task_struct *t = sim_task_create(m, "t");
	struct file *fd;
	unsigned long ro, ro_anon;

	cr_assert_eq(sim_memfd_create(m, "r", &fd), 0);
	cr_assert_eq(sim_ftruncate(fd, 2 * PG), 0);
	cr_assert_eq(sim_pwrite(fd, 0, 0x7), 0);
	ro = map_file(t, fd, 2, PROT_READ, MAP_SHARED);
	cr_assert_eq(load(t, ro), 0x7);
	cr_assert_eq(sim_madvise(t, ro, PG, MADV_REMOVE), 0, "memfd, shared, read-only");
	assert_tmpfs_pages(sim_file_inode(fd), 0);
	assert_present(t->mm, ro, 1, "0");
	cr_assert_eq(load(t, ro), 0);

	cr_assert_eq(sim_mmap(t, 0, 2 * PG, PROT_READ, SHARED_ANON, NULL, 0, &ro_anon), 0);
	cr_assert_eq(load(t, ro_anon), 0);
	cr_assert_eq(sim_madvise(t, ro_anon, PG, MADV_REMOVE), 0, "shared anon, read-only");
	assert_present(t->mm, ro_anon, 1, "0");
	sim_file_close(fd);
	machine_destroy(m);
}

/*
 * Teardown (sim_machine_destroy): live processes with their mappings, a
 * segment never removed (attached and not), a POSIX object never unlinked,
 * an unlinked one still mapped, memfds closed and not mapped: every task,
 * VMA, page, inode, file and segment is freed (machine_destroy proves every
 * allocation kind is back to zero).
 */
Test(shmem, every_inode_file_and_segment_is_freed_at_teardown)
{
	struct sim_machine *m = machine_new(SIM_KERNEL_6_18, 128);
	struct task_struct *t = sim_task_create(m, "t"), *c;
	struct file *fd;
	struct obj o[NR_FLAVOURS];
	unsigned long a[NR_FLAVOURS], s;
	int id;

	for (int k = 0; k < NR_FLAVOURS; k++) {
		a[k] = obj_open(m, t, &o[k], (enum flavour)k, 8);
		for (int i = 0; i < 8; i += 3)
			store(t, a[k] + (unsigned long)i * PG, (u64)(k * 10 + i));
	}
	cr_assert_eq(sim_fork(t, "child", &c), 0);
	cr_assert_eq(load(c, a[SYSV] + 3 * PG), 23);
	cr_assert_eq(nattch(m, o[SYSV].shmid, NULL), 2);
	/* A second segment, filled and detached, never removed. */
	cr_assert_eq(sim_shmget(m, 0x77, 4 * PG, &id), 0);
	s = attach(c, id);
	store(c, s, 1);
	cr_assert_eq(sim_shmdt(c, s), 0);
	/* A POSIX object unlinked while mapped, another never mapped nor unlinked. */
	cr_assert_eq(sim_shm_open(m, "/gone", 2 * PG, &fd), 0);
	s = map_file(c, fd, 2, RW, MAP_SHARED);
	store(c, s, 2);
	sim_file_close(fd);
	cr_assert_eq(sim_shm_unlink(m, "/gone"), 0);
	cr_assert_eq(sim_shm_open(m, "/kept", 2 * PG, &fd), 0);
	cr_assert_eq(sim_pwrite(fd, 8, 3), 0);
	sim_file_close(fd);
	/* A memfd written through its fd, closed, never mapped: freed at once. */
	cr_assert_eq(sim_memfd_create(m, "closed", &fd), 0);
	cr_assert_eq(sim_pwrite(fd, 0, 4), 0);
	{
		long before = inodes_alive();

		sim_file_close(fd);
		cr_assert_eq(inodes_alive(), before - 1);
	}
	for (int k = 0; k < NR_FLAVOURS; k++)
		obj_close(&o[k]);
	cr_assert_gt(inodes_alive(), 0);
	cr_assert_eq(sim_alloc_outstanding(SIM_ALLOC_SHM), 2);
	cr_assert_gt(vmstat(m, NR_SHMEM), 0);
	assert_machine_ok(m);
	machine_destroy(m);
}
