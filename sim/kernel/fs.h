/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fs.h - inodes, their page cache (address_space) and open files.
 * Models the parts of include/linux/fs.h and include/linux/shmem_fs.h
 * (Linux v4.19) that memory management touches.
 *
 * Two kinds of inode exist in the model: a regular file on a simulated ext4
 * disk, and a tmpfs/shmem file. Every shared-memory flavour is a shmem file:
 * a SysV segment ("SYSV%08x" on the internal shm mount), a POSIX object
 * (a file on /dev/shm), a memfd ("memfd:NAME") and MAP_SHARED|MAP_ANONYMOUS
 * memory ("dev/zero"). The page cache of each is a radix tree whose slot
 * holds a struct page, or an exceptional entry: a swap entry for shmem, a
 * shadow entry for a regular file (both arrive with reclaim and swap).
 *
 * Not modelled: dentries, the VFS path walk, permissions, block mapping,
 * buffer heads, the i_mmap interval tree (a list is kept), locks.
 * Ownership: the machine owns every inode (sim_machine.inodes); an inode
 * lives while it has a name (i_nlink) or references (i_count: open files,
 * SysV segments).
 */
#ifndef MMSIM_FS_H
#define MMSIM_FS_H

#include "radix-tree.h"
#include "sim_machine.h"

struct inode;
struct file;

struct address_space_operations {
	const char *name;
	/* Fill @page (locked, in the cache) from the backing store. */
	int (*readpage)(struct file *file, struct page *page);
	/* Write a dirty @page back; it stays in the cache, clean. */
	int (*writepage)(struct page *page);
	/* Mark a page dirty, with the accounting this kind of file does. */
	bool (*set_page_dirty)(struct page *page);
};

/* The page cache of one inode (include/linux/fs.h). */
struct address_space {
	struct inode *host;
	struct radix_tree_root i_pages; /* index -> page, or exceptional entry */
	unsigned long nrpages;		/* pages in i_pages */
	unsigned long nrexceptional;	/* swap and shadow entries in i_pages */
	struct list_head i_mmap;	/* VMAs mapping it (vma->shared), by address */
	const struct address_space_operations *a_ops;
};

enum sim_inode_kind {
	SIM_INODE_EXT4,	 /* a regular file on the simulated disk */
	SIM_INODE_SHMEM, /* tmpfs: SysV, POSIX shm, memfd, shared anonymous */
};

struct inode {
	unsigned long i_ino;
	u64 i_size;		     /* bytes */
	int i_count;		     /* references: files, segments */
	unsigned int i_nlink;	     /* names: 0 once unlinked (or never named) */
	enum sim_inode_kind kind;
	struct address_space i_data; /* the page cache; i_mapping points here */
	struct address_space *i_mapping;
	char path[80];		     /* as /proc/PID/maps shows it, without " (deleted)" */
	struct sim_machine *sim;
	struct list_head i_sb_list;  /* on sim_machine.inodes, by creation */
	/* ext4: the disk's copy of written-back pages (index -> sim_page_data) */
	struct radix_tree_root disk;
	u64 pattern_size;	     /* ext4: bytes of the defined content (o at offset o) */
	/* shmem (struct shmem_inode_info): alloced == nrpages + swapped */
	unsigned long alloced;	     /* pages allocated to the file */
	unsigned long swapped;	     /* of which on swap */
	long acct_pages;	     /* tmpfs: Committed_AS charged for it, given back at eviction */
	bool acct_blocks;	     /* tmpfs file charged per page as it fills (memfd, POSIX) */
};

/* An open file: what an fd, a SysV attachment or a VMA holds on an inode. */
struct file {
	struct inode *f_inode;
	struct address_space *f_mapping;
	int f_count;
	bool f_writable; /* opened for writing (FMODE_WRITE) */
	/* what mmap installs (ext4_file_vm_ops, shmem_vm_ops, shm_vm_ops) */
	const struct vm_operations_struct *f_vm_ops;
	void *private_data; /* SysV: the segment */
};

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

static inline pgoff_t i_size_pages(const struct inode *inode)
{
	return (pgoff_t)((inode->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

/* in sim_fs.c: inodes and files */
struct inode *sim_new_inode(struct sim_machine *m, enum sim_inode_kind kind, const char *path,
			    u64 size);
void iput(struct inode *inode);
void sim_unlink_inode(struct inode *inode);
void sim_evict_all_inodes(struct sim_machine *m);
struct file *sim_alloc_file(struct inode *inode, const struct vm_operations_struct *vm_ops);
struct file *get_file(struct file *f);
void fput(struct file *f);

/* in filemap.c: the page cache */
struct page *find_get_entry(struct address_space *mapping, pgoff_t offset);
struct page *find_get_page(struct address_space *mapping, pgoff_t offset);
int add_to_page_cache_lru(struct page *page, struct address_space *mapping, pgoff_t offset);
void delete_from_page_cache(struct page *page);
vm_fault_t filemap_fault(struct vm_fault *vmf);
void filemap_map_pages(struct vm_fault *vmf, pgoff_t start_pgoff, pgoff_t end_pgoff);
vm_fault_t filemap_page_mkwrite(struct vm_fault *vmf);
bool set_page_dirty(struct page *page);
int filemap_write_and_wait_range(struct address_space *mapping, pgoff_t start, pgoff_t end);
unsigned long page_cache_ra(struct address_space *mapping, struct file *file, pgoff_t start,
			    unsigned long nr);
unsigned long page_cache_fill(struct address_space *mapping, struct file *file, pgoff_t start,
			      unsigned long nr, bool io);
void truncate_inode_pages_range(struct address_space *mapping, u64 lstart, u64 lend);
unsigned long invalidate_mapping_pages(struct address_space *mapping, pgoff_t start, pgoff_t end);
extern const struct address_space_operations ext4_aops;
extern const struct address_space_operations shmem_aops;
extern const struct vm_operations_struct ext4_file_vm_ops;

/* in shmem.c */
enum sgp_type {
	SGP_READ,  /* don't allocate: a hole reads as zeroes */
	SGP_CACHE, /* allocate a page for a hole (a fault) */
	SGP_WRITE, /* allocate, even past the end of the file (write(2)) */
};
int shmem_getpage(struct inode *inode, pgoff_t index, struct page **pagep, enum sgp_type sgp);
int shmem_getpage_gfp(struct inode *inode, pgoff_t index, struct page **pagep,
		      enum sgp_type sgp, bool *majorp);
bool shmem_writepage(struct page *page);
void shmem_unacct_blocks(struct inode *inode, long nr);
vm_fault_t shmem_fault(struct vm_fault *vmf);
struct file *shmem_file_setup(struct sim_machine *m, const char *name, u64 size);
struct file *shmem_create(struct sim_machine *m, const char *path, u64 size);
int shmem_zero_setup(struct vm_area_struct *vma);
void shmem_truncate_range(struct inode *inode, u64 lstart, u64 lend);
int shmem_setattr(struct inode *inode, u64 newsize);
int shmem_fallocate_punch_hole(struct inode *inode, u64 offset, u64 len);
extern const struct vm_operations_struct shmem_vm_ops;

/* in ext4.c */
int ext4_setattr(struct inode *inode, u64 newsize);
int ext4_punch_hole(struct inode *inode, u64 offset, u64 len);

/* in shm.c: SysV shared memory */
extern const struct vm_operations_struct shm_vm_ops;
void sim_shm_destroy_all(struct sim_machine *m);

#endif /* MMSIM_FS_H */
