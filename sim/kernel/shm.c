// SPDX-License-Identifier: GPL-2.0
/*
 * shm.c - System V shared memory: shmget, shmat, shmdt, shmctl(IPC_RMID).
 * Models ipc/shm.c (Linux v4.19).
 *
 * A segment is a tmpfs file ("SYSV%08x" with the key) on the internal shm
 * mount, made by newseg() through shmem_kernel_file_setup. shmat opens a
 * file of its own on that inode (read-only with SHM_RDONLY) and maps it
 * MAP_SHARED with shm_vm_ops, which count the attachments (nattch) and
 * have no map_pages: a SysV attachment never faults around. A segment
 * outlives every process until IPC_RMID; removed while attached, it is
 * marked SHM_DEST and destroyed at the last detach.
 *
 * Not modelled: permissions, SHM_LOCK, SHM_HUGETLB, shm_rmid_forced,
 * namespaces, the shmall/shmmax limits beyond the basic size check.
 */
#include "fs.h"
#include "internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define IPC_PRIVATE 0
#define SHMMIN 1
#define SHMMAX (ULONG_MAX - (1UL << 24))

/* One segment (struct shmid_kernel). */
struct shmid_kernel {
	int id;
	u32 key;
	u64 shm_segsz;
	struct file *shm_file;
	unsigned long shm_nattch;
	bool dest; /* SHM_DEST: IPC_RMID came while attached */
	struct list_head list;
};

static struct shmid_kernel *shm_lock(struct sim_machine *m, int id)
{
	struct shmid_kernel *shp;

	list_for_each_entry(shp, &m->shm_segments, list)
		if (shp->id == id)
			return shp;
	return NULL;
}

static void shm_destroy(struct sim_machine *m, struct shmid_kernel *shp)
{
	TRACE_FUNC(TR(m), shm_destroy);

	list_del(&shp->list);
	fput(shp->shm_file);
	sim_kfree(SIM_ALLOC_SHM, shp);
}

/* The segment a VMA attaches (the shm file's private data). */
static struct shmid_kernel *shm_of(struct vm_area_struct *vma)
{
	return vma->vm_file->private_data;
}

/* A new attachment: shmat, a split, or fork (shm_open in ipc/shm.c). */
static void shm_vma_open(struct vm_area_struct *vma)
{
	shm_of(vma)->shm_nattch++;
}

/* An attachment goes (shm_close); a removed segment goes with its last one. */
static void shm_vma_close(struct vm_area_struct *vma)
{
	struct shmid_kernel *shp = shm_of(vma);

	if (--shp->shm_nattch == 0 && shp->dest)
		shm_destroy(vma_sim(vma), shp);
}

/* shm_fault: the segment's tmpfs file answers. */
static vm_fault_t shm_fault(struct vm_fault *vmf)
{
	return shmem_fault(vmf);
}

/* No map_pages: a SysV attachment maps only the faulting page. */
const struct vm_operations_struct shm_vm_ops = {
	.name = "shm_vm_ops",
	.fault = shm_fault,
	.open = shm_vma_open,
	.close = shm_vma_close,
};

static int newseg(struct sim_machine *m, u32 key, u64 size, int *idp)
{
	TRACE_FUNC(TR(m), newseg);
	struct shmid_kernel *shp;
	char name[16];

	if (size < SHMMIN || size > SHMMAX)
		return -EINVAL;
	/* shmem_acct_size: the whole segment is promised now */
	if (__vm_enough_memory(m, NULL, (long)(PAGE_ALIGN(size) >> PAGE_SHIFT)))
		return -ENOMEM;
	shp = sim_kzalloc(SIM_ALLOC_SHM, sizeof(*shp));
	snprintf(name, sizeof(name), "/SYSV%08x", key);
	shp->shm_file = shmem_file_setup(m, name, size);
	shp->shm_file->f_vm_ops = &shm_vm_ops;
	shp->shm_file->private_data = shp;
	shp->id = m->next_shmid++;
	shp->key = key;
	shp->shm_segsz = size;
	file_inode(shp->shm_file)->i_ino = (unsigned long)shp->id; /* maps shows the shmid */
	file_inode(shp->shm_file)->acct_pages = (long)(PAGE_ALIGN(size) >> PAGE_SHIFT);
	list_add_tail(&shp->list, &m->shm_segments);
	*idp = shp->id;
	return 0;
}

/* shmget(key, size, IPC_CREAT|0600): an existing segment of that key, or a new one. */
int sim_shmget(struct sim_machine *m, u32 key, u64 size, int *idp)
{
	struct shmid_kernel *shp;

	if (key != IPC_PRIVATE) {
		list_for_each_entry(shp, &m->shm_segments, list) {
			if (shp->key != key || shp->dest)
				continue;
			if (size > shp->shm_segsz)
				return -EINVAL;
			*idp = shp->id;
			return 0;
		}
	}
	return newseg(m, key, size, idp);
}

/* shmat(id, addr, readonly ? SHM_RDONLY : 0): map the segment's file. */
int sim_shmat(struct task_struct *t, int id, unsigned long addr, bool readonly,
	      unsigned long *result)
{
	struct sim_machine *m = t->mm->sim;
	TRACE_FUNC(TR(m), do_shmat);
	struct shmid_kernel *shp = shm_lock(m, id);
	unsigned long prot = PROT_READ | (readonly ? 0 : PROT_WRITE);
	unsigned long flags = MAP_SHARED;
	struct file *file;
	long err;

	if (!shp)
		return -EINVAL;
	if (addr) {
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		if (!sim_range_is_free(t->mm, addr, addr + PAGE_ALIGN(shp->shm_segsz)))
			return -EINVAL; /* without SHM_REMAP an overlap is refused */
		flags |= MAP_FIXED;
	}
	/* Each attachment has its own file on the segment's inode (SHM_RDONLY: read-only). */
	file = sim_alloc_file(file_inode(shp->shm_file), &shm_vm_ops);
	file->f_writable = !readonly;
	file->private_data = shp;
	err = sim_mmap(t, addr, shp->shm_segsz, prot, flags, file, 0, result);
	fput(file); /* the VMA keeps its own reference */
	return (int)err;
}

/* shmdt(addr): unmap the attachment that starts at @addr. */
int sim_shmdt(struct task_struct *t, unsigned long addr)
{
	struct mm_struct *mm = t->mm;
	TRACE_FUNC(TR(mm->sim), ksys_shmdt);
	struct vm_area_struct *vma;
	struct file *file = NULL;
	unsigned long end;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	/*
	 * The attachment is the first shm VMA at or above @addr whose file
	 * offset says it starts at @addr (its first pages may be unmapped).
	 */
	for (vma = find_vma(mm, addr); vma; vma = vma->vm_next) {
		if (vma->vm_ops == &shm_vm_ops &&
		    (vma->vm_start - addr) >> PAGE_SHIFT == vma->vm_pgoff) {
			file = vma->vm_file;
			break;
		}
	}
	if (!file)
		return -EINVAL;
	end = addr + PAGE_ALIGN(shm_of(vma)->shm_segsz);
	/* Every piece of this attachment: its file's VMAs up to the segment's end. */
	while (vma && vma->vm_start < end) {
		struct vm_area_struct *next = vma->vm_next;

		if (vma->vm_file == file)
			do_munmap(mm, vma->vm_start, vma->vm_end - vma->vm_start);
		vma = next;
	}
	return 0;
}

/* shmctl(id, IPC_RMID): destroy now, or at the last detach. */
int sim_shmctl_rmid(struct sim_machine *m, int id)
{
	TRACE_FUNC(TR(m), do_shm_rmid);
	struct shmid_kernel *shp = shm_lock(m, id);

	if (!shp)
		return -EINVAL;
	if (shp->shm_nattch) {
		shp->dest = true;
		shp->key = IPC_PRIVATE; /* no longer found by its key */
		return 0;
	}
	shm_destroy(m, shp);
	return 0;
}

/* At machine teardown, after every process has gone. */
void sim_shm_destroy_all(struct sim_machine *m)
{
	struct shmid_kernel *shp, *tmp;

	list_for_each_entry_safe(shp, tmp, &m->shm_segments, list)
		shm_destroy(m, shp);
}

/* For views: the segment's attachments and state. */
int sim_shm_info(struct sim_machine *m, int id, unsigned long *nattch, bool *dest)
{
	struct shmid_kernel *shp = shm_lock(m, id);

	if (!shp)
		return -EINVAL;
	*nattch = shp->shm_nattch;
	*dest = shp->dest;
	return 0;
}

/* The tmpfs inode behind segment @id, or NULL. */
struct inode *sim_shm_inode(struct sim_machine *m, int id)
{
	struct shmid_kernel *shp = shm_lock(m, id);

	return shp ? file_inode(shp->shm_file) : NULL;
}
