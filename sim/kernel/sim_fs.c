// SPDX-License-Identifier: GPL-2.0
/*
 * sim_fs.c - inodes and open files (fs.h).
 *
 * No single kernel counterpart: this stands in for the VFS (fs/inode.c
 * iput/evict, fs/file_table.c fput) as far as memory management needs it.
 * An inode lives while it has a name or a reference; when both are gone it
 * is evicted: its page cache is emptied (truncate_inode_pages) and, for a
 * regular file, its disk copy goes too.
 */
#include "fs.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

static void inode_event(struct inode *inode, const char *what)
{
	sim_trace_emit(TR(inode->sim), (struct sim_event){ .type = SIM_EV_inode,
							   .arg = (long)inode->i_ino, .text = what });
}

struct inode *sim_new_inode(struct sim_machine *m, enum sim_inode_kind kind, const char *path,
			    u64 size)
{
	struct inode *inode = sim_kzalloc(SIM_ALLOC_INODE, sizeof(*inode));

	inode->i_ino = ++m->next_ino;
	inode->kind = kind;
	inode->i_size = size;
	inode->sim = m;
	snprintf(inode->path, sizeof(inode->path), "%s", path);
	inode->i_mapping = &inode->i_data;
	inode->i_data.host = inode;
	inode->i_data.a_ops = kind == SIM_INODE_EXT4 ? &ext4_aops : &shmem_aops;
	INIT_RADIX_TREE(&inode->i_data.i_pages, 0);
	INIT_LIST_HEAD(&inode->i_data.i_mmap);
	INIT_RADIX_TREE(&inode->disk, 0);
	list_add_tail(&inode->i_sb_list, &m->inodes);
	inode_event(inode, path);
	return inode;
}

/* Free the disk's copy of a regular file. */
static void drop_disk(struct inode *inode)
{
	struct radix_tree_iter iter;
	void **slot;

	radix_tree_for_each_slot(slot, &inode->disk, &iter, 0) {
		sim_page_data_free(*slot);
		radix_tree_delete(&inode->disk, iter.index);
		slot = radix_tree_iter_resume(slot, &iter);
	}
}

static void evict(struct inode *inode)
{
	inode_event(inode, "evicted");
	truncate_inode_pages_range(inode->i_mapping, 0, (u64)-1);
	if (inode->acct_pages)
		vm_unacct_memory(inode->sim, inode->acct_pages);
	drop_disk(inode);
	BUG_ON(inode->i_data.nrpages || inode->i_data.nrexceptional);
	list_del(&inode->i_sb_list);
	sim_kfree(SIM_ALLOC_INODE, inode);
}

/* Drop a reference; an unnamed inode goes with its last one. */
void iput(struct inode *inode)
{
	BUG_ON(inode->i_count <= 0);
	if (--inode->i_count == 0 && inode->i_nlink == 0)
		evict(inode);
}

/* Remove the inode's name (unlink); it goes now if nothing refers to it. */
void sim_unlink_inode(struct inode *inode)
{
	BUG_ON(inode->i_nlink == 0);
	if (--inode->i_nlink == 0 && inode->i_count == 0)
		evict(inode);
}

/* Every inode at machine teardown, named or not. */
void sim_evict_all_inodes(struct sim_machine *m)
{
	struct inode *inode, *tmp;

	list_for_each_entry_safe(inode, tmp, &m->inodes, i_sb_list) {
		BUG_ON(inode->i_count);
		evict(inode);
	}
}

struct file *sim_alloc_file(struct inode *inode, const struct vm_operations_struct *vm_ops)
{
	struct file *f = sim_kzalloc(SIM_ALLOC_FILE, sizeof(*f));

	f->f_inode = inode;
	f->f_mapping = inode->i_mapping;
	f->f_vm_ops = vm_ops;
	f->f_count = 1;
	f->f_writable = true;
	inode->i_count++;
	return f;
}

struct file *get_file(struct file *f)
{
	f->f_count++;
	return f;
}

void fput(struct file *f)
{
	BUG_ON(f->f_count <= 0);
	if (--f->f_count)
		return;
	iput(f->f_inode);
	sim_kfree(SIM_ALLOC_FILE, f);
}

/* ftruncate(2) (do_truncate -> notify_change -> ->setattr). */
int sim_ftruncate(struct file *file, u64 size)
{
	struct inode *inode = file_inode(file);

	if (inode->kind == SIM_INODE_SHMEM)
		return shmem_setattr(inode, size);
	return ext4_setattr(inode, size);
}

/* The live inode named @path, or NULL. */
static struct inode *lookup_path(struct sim_machine *m, const char *path)
{
	struct inode *inode;

	list_for_each_entry(inode, &m->inodes, i_sb_list)
		if (inode->i_nlink && strcmp(inode->path, path) == 0)
			return inode;
	return NULL;
}

/*
 * shm_open(name, O_CREAT|O_RDWR) and ftruncate(size): glibc opens
 * /dev/shm/NAME on the tmpfs mount, creating it if it does not exist.
 */
int sim_shm_open(struct sim_machine *m, const char *name, u64 size, struct file **filep)
{
	char path[80];
	struct inode *inode;

	if (strlen(name) + 8 >= sizeof(path))
		return -ENAMETOOLONG;
	snprintf(path, sizeof(path), "/dev/shm%s", name);
	inode = lookup_path(m, path);
	*filep = inode ? sim_alloc_file(inode, &shmem_vm_ops) : shmem_create(m, path, 0);
	return shmem_setattr(file_inode(*filep), size);
}

/* shm_unlink(name): unlink(/dev/shm/NAME); the object lives on while open or mapped. */
int sim_shm_unlink(struct sim_machine *m, const char *name)
{
	char path[80];
	struct inode *inode;

	snprintf(path, sizeof(path), "/dev/shm%s", name);
	inode = lookup_path(m, path);
	if (!inode)
		return -ENOENT;
	sim_unlink_inode(inode);
	return 0;
}

/* close(2) of a file the driver opened. */
void sim_file_close(struct file *file)
{
	fput(file);
}

struct inode *sim_file_inode(struct file *file)
{
	return file->f_inode;
}
