// SPDX-License-Identifier: GPL-2.0
/*
 * sim_backend.c - the simulator behind the backend interface (backend.h).
 *
 * Translates the runner's calls into the model's system calls and reads
 * the model's observables (pagemap, mincore, smaps, status, meminfo,
 * vmstat) into the observation structures the expectations are checked on.
 */
#include "backend.h"

#include "fs.h"
#include "internal.h"
#include "swap.h"
#include "meminfo.h"
#include "task_mmu.h"

#include <limits.h>
#include <string.h>

/* An object: an open file (file, POSIX shm, memfd) or a SysV segment. */
struct sim_object {
	struct file *file;
	int shmid;
};

struct sim_backend {
	struct scn_backend be;
	struct sim_machine *m;
	GPtrArray *tasks;   /* struct task_struct *, by process number */
	GArray *objects;    /* struct sim_object, by object number */
};

static struct sim_object *object(struct scn_backend *be, int obj)
{
	GArray *objs = container_of(be, struct sim_backend, be)->objects;

	if ((guint)obj >= objs->len)
		g_array_set_size(objs, obj + 1);
	return &g_array_index(objs, struct sim_object, obj);
}

static struct sim_backend *to_sim(struct scn_backend *be)
{
	return container_of(be, struct sim_backend, be);
}

static struct task_struct *task(struct scn_backend *be, int proc)
{
	return g_ptr_array_index(to_sim(be)->tasks, proc);
}

struct sim_machine *scn_sim_backend_machine(struct scn_backend *be)
{
	return to_sim(be)->m;
}

struct task_struct *scn_sim_backend_task(struct scn_backend *be, int proc)
{
	return task(be, proc);
}

static void sim_destroy(struct scn_backend *be)
{
	struct sim_backend *s = to_sim(be);

	for (guint i = 0; i < s->objects->len; i++) {
		struct sim_object *o = &g_array_index(s->objects, struct sim_object, i);

		if (o->file)
			sim_file_close(o->file); /* the fds the scenario's processes held */
	}
	g_array_free(s->objects, TRUE);
	sim_machine_destroy(s->m);
	g_ptr_array_free(s->tasks, TRUE);
	g_free(s);
}

static void set_task(struct scn_backend *be, int proc, struct task_struct *t)
{
	GPtrArray *tasks = to_sim(be)->tasks;

	if ((guint)proc >= tasks->len)
		g_ptr_array_set_size(tasks, proc + 1);
	tasks->pdata[proc] = t;
}

static int sim_process(struct scn_backend *be, int proc, const char *name)
{
	set_task(be, proc, sim_task_create(to_sim(be)->m, name));
	return 0;
}

static int sim_fork_(struct scn_backend *be, int parent, int child, const char *name)
{
	struct task_struct *t;
	int err = sim_fork(task(be, parent), name, &t);

	if (!err)
		set_task(be, child, t);
	return err;
}

static int sim_exit_(struct scn_backend *be, int proc)
{
	sim_exit(task(be, proc));
	return 0;
}

static unsigned long to_prot(unsigned prot)
{
	return ((prot & SCN_PROT_R) ? PROT_READ : 0) | ((prot & SCN_PROT_W) ? PROT_WRITE : 0) |
	       ((prot & SCN_PROT_X) ? PROT_EXEC : 0);
}

static int sim_mmap_(struct scn_backend *be, int proc, const struct scn_mmap *req, int obj,
		     uint64_t *addr)
{
	unsigned long flags = req->shared ? MAP_SHARED : MAP_PRIVATE;
	unsigned long result = 0;
	long err;

	if (req->anon)
		flags |= MAP_ANONYMOUS;
	if (req->fixed)
		flags |= MAP_FIXED;
	if (req->noreplace)
		flags |= MAP_FIXED_NOREPLACE;
	if (req->populate)
		flags |= MAP_POPULATE;
	if (req->noreserve)
		flags |= MAP_NORESERVE;
	err = sim_mmap(task(be, proc), req->has_at ? req->at : 0, req->size, to_prot(req->prot),
		       flags, obj < 0 ? NULL : object(be, obj)->file, req->offset >> PAGE_SHIFT,
		       &result);
	*addr = result;
	return (int)err;
}

static int sim_munmap_(struct scn_backend *be, int proc, uint64_t addr, uint64_t len)
{
	return sim_munmap(task(be, proc), addr, len);
}

static int sim_mprotect_(struct scn_backend *be, int proc, uint64_t addr, uint64_t len,
			 unsigned prot)
{
	return sim_mprotect(task(be, proc), addr, len, to_prot(prot));
}

static int sim_mremap_(struct scn_backend *be, int proc, uint64_t addr, uint64_t old_len,
		       uint64_t new_len, bool maymove, uint64_t *new_addr)
{
	unsigned long result = 0;
	long err = sim_mremap(task(be, proc), addr, old_len, new_len,
			      maymove ? MREMAP_MAYMOVE : 0, &result);

	*new_addr = result;
	return (int)err;
}

int scn_madvise_advice(enum scn_madvise advice)
{
	static const int linux_advice[] = {
		[SCN_MADV_DONTNEED] = MADV_DONTNEED,
		[SCN_MADV_COLD] = MADV_COLD,
		[SCN_MADV_PAGEOUT] = MADV_PAGEOUT,
		[SCN_MADV_WILLNEED] = MADV_WILLNEED,
		[SCN_MADV_POPULATE_READ] = MADV_POPULATE_READ,
		[SCN_MADV_POPULATE_WRITE] = MADV_POPULATE_WRITE,
		[SCN_MADV_REMOVE] = MADV_REMOVE,
		[SCN_MADV_FREE] = MADV_FREE,
	};

	return linux_advice[advice];
}

static int sim_madvise_(struct scn_backend *be, int proc, uint64_t addr, uint64_t len,
			enum scn_madvise advice)
{
	return sim_madvise(task(be, proc), addr, len, scn_madvise_advice(advice));
}

static int sim_access_(struct scn_backend *be, int proc, uint64_t addr, bool write,
		       uint64_t *value)
{
	u64 v = *value;
	/*
	 * A read that compares nothing may name any byte (m+6); the model
	 * moves 8-byte words, so it reads the word holding that byte: the
	 * same page, the same fault. Writes are aligned by the parser.
	 */
	int ret = sim_access(task(be, proc), addr & ~(uint64_t)7, write, &v);

	*value = v;
	return ret;
}

/* The words of `expect` for one page, from pagemap, mincore and the PTE. */
static void sim_observe_page(struct scn_backend *be, int proc, uint64_t addr,
			     struct scn_page_obs *obs)
{
	struct task_struct *t = task(be, proc);
	struct mm_struct *mm = t->mm;
	u64 pm;
	pte_t *ptep;
	unsigned w = 0;
	bool writable = false, dirty = false;

	memset(obs, 0, sizeof(*obs));
	if (!mm) {
		obs->words = SCN_W_NONE | SCN_W_NONRESIDENT | SCN_W_READONLY | SCN_W_CLEAN;
		return;
	}
	pm = pagemap_entry(mm, addr);
	ptep = sim_lookup_pte(mm, addr);
	if (pm & PM_PRESENT) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		struct page *page = vm_normal_page(vma, addr, *ptep);

		w |= SCN_W_PRESENT;
		obs->has_frame = true;
		obs->frame = pm & PM_PFRAME_MASK;
		if (is_zero_pfn(obs->frame))
			w |= SCN_W_ZERO;
		w |= (pm & PM_MMAP_EXCLUSIVE) ? SCN_W_EXCLUSIVE : SCN_W_SHARED;
		w |= (pm & PM_FILE) ? SCN_W_FILE : SCN_W_ANON;
		writable = pte_write(*ptep) && !pte_protnone(*ptep);
		dirty = page && (pte_dirty(*ptep) || PageDirty(page));
	} else if (pm & PM_SWAP) {
		w |= SCN_W_SWAPPED;
	} else {
		w |= SCN_W_NONE;
	}
	w |= mincore_page(mm, addr) == 1 ? SCN_W_RESIDENT : SCN_W_NONRESIDENT;
	w |= writable ? SCN_W_WRITABLE : SCN_W_READONLY;
	w |= dirty ? SCN_W_DIRTY : SCN_W_CLEAN;
	obs->words = w;
}

static void sim_observe_faults(struct scn_backend *be, int proc, uint64_t *minor, uint64_t *major)
{
	struct task_struct *t = task(be, proc);

	*minor = t->min_flt;
	*major = t->maj_flt;
}

static bool sim_observe_alive(struct scn_backend *be, int proc)
{
	return !task(be, proc)->exited;
}

static void sim_observe_rss(struct scn_backend *be, int proc, struct scn_rss *rss)
{
	struct mm_struct *mm = task(be, proc)->mm;

	memset(rss, 0, sizeof(*rss));
	if (!mm)
		return;
	rss->anon = (uint64_t)mm->rss_stat[MM_ANONPAGES] * PAGE_SIZE;
	rss->file = (uint64_t)mm->rss_stat[MM_FILEPAGES] * PAGE_SIZE;
	rss->shmem = (uint64_t)mm->rss_stat[MM_SHMEMPAGES] * PAGE_SIZE;
	rss->swap = (uint64_t)mm->rss_stat[MM_SWAPENTS] * PAGE_SIZE;
}

static int smaps_index(const char *key)
{
	static const char *const names[SMAPS_NR_FIELDS] = {
		"Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Pss_Dirty",
		"Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced",
		"Anonymous", "LazyFree", "Swap", "SwapPss", "Locked",
	};

	for (int i = 0; i < SMAPS_NR_FIELDS; i++)
		if (strcmp(names[i], key) == 0)
			return i;
	return -1;
}

bool scn_sim_knows_smaps(const char *key)
{
	return smaps_index(key) >= 0;
}

static int sim_observe_smaps(struct scn_backend *be, int proc, uint64_t start, uint64_t end,
			     const char *key, uint64_t *bytes)
{
	struct mm_struct *mm = task(be, proc)->mm;
	int i = smaps_index(key);

	*bytes = 0;
	if (i < 0)
		return -1;
	if (!mm)
		return 0;
	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma->vm_next) {
		struct smaps_field f[SMAPS_NR_FIELDS];

		smaps_fields(vma, f);
		*bytes += (uint64_t)f[i].kb << 10;
	}
	return 0;
}

bool scn_sim_knows_meminfo(const char *key)
{
	return meminfo_field_by_name(key) >= 0;
}

static int sim_observe_meminfo(struct scn_backend *be, const char *key, uint64_t *bytes)
{
	struct meminfo_field f[MEMINFO_NR_FIELDS];
	int n = 0;

	meminfo_fields(to_sim(be)->m, f, &n);
	for (int i = 0; i < n; i++) {
		if (strcmp(f[i].name, key) == 0) {
			*bytes = (uint64_t)f[i].kb << 10;
			return 0;
		}
	}
	return -1;
}

bool scn_sim_knows_vmstat(const char *key)
{
	return vmstat_item_by_name(key) >= 0;
}

static int sim_observe_vmstat(struct scn_backend *be, const char *key, int64_t *value)
{
	int i = vmstat_item_by_name(key);

	if (i < 0)
		return -1;
	*value = global_node_page_state(to_sim(be)->m, (enum vm_item)i);
	return 0;
}

static int sim_msync_(struct scn_backend *be, int proc, uint64_t addr, uint64_t len,
		      const struct scn_msync *how)
{
	int flags = (how->sync ? MS_SYNC : MS_ASYNC) | (how->invalidate ? MS_INVALIDATE : 0);

	return sim_msync(task(be, proc), addr, len, flags);
}

static int sim_file_(struct scn_backend *be, int obj, const char *name, uint64_t size, bool cached)
{
	return sim_file_create(to_sim(be)->m, name, size, cached, &object(be, obj)->file);
}

static int sim_shm_open_(struct scn_backend *be, int obj, const char *name, uint64_t size)
{
	return sim_shm_open(to_sim(be)->m, name, size, &object(be, obj)->file);
}

static int sim_shm_unlink_(struct scn_backend *be, const char *name)
{
	return sim_shm_unlink(to_sim(be)->m, name);
}

/* memfd_create and ftruncate to the size. */
static int sim_memfd_(struct scn_backend *be, int obj, const char *name, uint64_t size)
{
	struct sim_object *o = object(be, obj);
	int err = sim_memfd_create(to_sim(be)->m, name, &o->file);

	return err ? err : sim_ftruncate(o->file, size);
}

static int sim_shmget_(struct scn_backend *be, int obj, uint64_t key, uint64_t size)
{
	return sim_shmget(to_sim(be)->m, (u32)key, size, &object(be, obj)->shmid);
}

static int sim_shmat_(struct scn_backend *be, int proc, int obj, unsigned prot, uint64_t at,
		      uint64_t *addr)
{
	unsigned long result = 0;
	int err = sim_shmat(task(be, proc), object(be, obj)->shmid, at, !(prot & SCN_PROT_W),
			    &result);

	*addr = result;
	return err;
}

static int sim_shmdt_(struct scn_backend *be, int proc, uint64_t addr)
{
	return sim_shmdt(task(be, proc), addr);
}

static int sim_shmctl_rmid_(struct scn_backend *be, int obj)
{
	return sim_shmctl_rmid(to_sim(be)->m, object(be, obj)->shmid);
}

static int sim_ftruncate_(struct scn_backend *be, int obj, uint64_t size)
{
	return sim_ftruncate(object(be, obj)->file, size);
}

static int sim_pwrite_(struct scn_backend *be, int obj, uint64_t pos, uint64_t value)
{
	return sim_pwrite(object(be, obj)->file, pos, value);
}

static int sim_pread_(struct scn_backend *be, int obj, uint64_t pos, uint64_t *value, bool *eof)
{
	u64 v = 0;
	int err = sim_pread(object(be, obj)->file, pos, &v, eof);

	*value = v;
	return err;
}

static int sim_fsync_(struct scn_backend *be, int obj)
{
	return vfs_fsync_range(object(be, obj)->file, 0, (u64)-1);
}

static int sim_fadvise_(struct scn_backend *be, int obj, uint64_t pos, uint64_t len, bool willneed)
{
	return sim_fadvise(object(be, obj)->file, pos, len,
			   willneed ? POSIX_FADV_WILLNEED : POSIX_FADV_DONTNEED);
}

static int sim_writeback_(struct scn_backend *be)
{
	sim_writeback_all(to_sim(be)->m);
	return 0;
}

static uint64_t sim_reclaim_(struct scn_backend *be, uint64_t nr, bool anon, bool file)
{
	return sim_reclaim(to_sim(be)->m, nr == UINT64_MAX ? ULONG_MAX : (unsigned long)nr, anon,
			   file);
}

static void sim_observe_swap(struct scn_backend *be, uint64_t *used, uint64_t *cached)
{
	struct swap_info_struct *si = to_sim(be)->m->swap;

	*used = si ? si->inuse_pages : 0;
	*cached = si ? si->nr_cached : 0;
}

/* The inode behind an object: its open file's, or its SysV segment's. */
struct inode *scn_sim_backend_inode(struct scn_backend *be, int obj)
{
	struct sim_object *o = object(be, obj);

	if (o->file)
		return sim_file_inode(o->file);
	return sim_shm_inode(to_sim(be)->m, o->shmid);
}

bool scn_sim_backend_in_swap_cache(struct scn_backend *be, int obj, uint64_t index)
{
	struct inode *inode = scn_sim_backend_inode(be, obj);
	void *entry = inode ? radix_tree_lookup(&inode->i_data.i_pages, (unsigned long)index) : NULL;
	struct swap_info_struct *si = to_sim(be)->m->swap;

	if (!entry || !radix_tree_exceptional_entry(entry) || inode->kind != SIM_INODE_SHMEM || !si)
		return false;
	return radix_tree_lookup(&si->cache, swp_offset(radix_to_swp_entry(entry))) != NULL;
}

static enum scn_cache_state sim_observe_cache(struct scn_backend *be, int obj, uint64_t index)
{
	struct inode *inode = scn_sim_backend_inode(be, obj);
	void *entry = inode ? radix_tree_lookup(&inode->i_data.i_pages, (unsigned long)index) : NULL;

	if (!entry)
		return SCN_CACHE_EMPTY;
	if (!radix_tree_exceptional_entry(entry))
		return SCN_CACHE_PAGE;
	return inode->kind == SIM_INODE_SHMEM ? SCN_CACHE_SWAP : SCN_CACHE_SHADOW;
}

static const struct scn_backend_ops sim_ops = {
	.name = "simulator",
	.destroy = sim_destroy,
	.process = sim_process,
	.fork = sim_fork_,
	.exit = sim_exit_,
	.mmap = sim_mmap_,
	.munmap = sim_munmap_,
	.mprotect = sim_mprotect_,
	.mremap = sim_mremap_,
	.madvise = sim_madvise_,
	.access = sim_access_,
	.msync = sim_msync_,
	.file = sim_file_,
	.shm_open = sim_shm_open_,
	.shm_unlink = sim_shm_unlink_,
	.memfd = sim_memfd_,
	.shmget = sim_shmget_,
	.shmat = sim_shmat_,
	.shmdt = sim_shmdt_,
	.shmctl_rmid = sim_shmctl_rmid_,
	.ftruncate = sim_ftruncate_,
	.pwrite = sim_pwrite_,
	.pread = sim_pread_,
	.fsync = sim_fsync_,
	.fadvise = sim_fadvise_,
	.observe_cache = sim_observe_cache,
	.writeback = sim_writeback_,
	.reclaim = sim_reclaim_,
	.observe_swap = sim_observe_swap,
	.observe_page = sim_observe_page,
	.observe_faults = sim_observe_faults,
	.observe_alive = sim_observe_alive,
	.observe_rss = sim_observe_rss,
	.observe_smaps = sim_observe_smaps,
	.observe_meminfo = sim_observe_meminfo,
	.observe_vmstat = sim_observe_vmstat,
};

/*
 * fault_around= as the kernel's debugfs stores it (fault_around_bytes_set):
 * rounded down to a power of two, at least one page. The parser bounds it
 * to one PTE table (2m).
 */
static unsigned long fault_around_bytes(uint64_t v)
{
	unsigned long bytes = PAGE_SIZE;

	while (bytes * 2 <= v)
		bytes *= 2;
	return bytes;
}

struct scn_backend *scn_sim_backend_create(const struct scn_config *cfg)
{
	struct sim_backend *s = g_new0(struct sim_backend, 1);
	struct sim_config sc = {
		.kernel = cfg->kernel == SCN_KERNEL_4_19 ? SIM_KERNEL_4_19 : SIM_KERNEL_6_18,
		.ram_pages = cfg->ram_pages,
		.swap_pages = cfg->swap_pages,
		.swap_synchronous = cfg->swap_device == SCN_SWAP_ZRAM,
		.swap_ra_cluster = cfg->swap_ra == SCN_SWAP_RA_CLUSTER,
		.overcommit = cfg->overcommit,
		.overcommit_ratio = cfg->overcommit_ratio,
		.fault_around_bytes = fault_around_bytes(cfg->fault_around_bytes),
		.read_ahead_bytes = cfg->read_ahead_bytes,
		.page_cluster = cfg->page_cluster,
	};

	s->be.ops = &sim_ops;
	s->m = sim_machine_create(&sc);
	s->tasks = g_ptr_array_new();
	s->objects = g_array_new(FALSE, TRUE, sizeof(struct sim_object));
	return &s->be;
}
