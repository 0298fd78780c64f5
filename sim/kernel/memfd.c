// SPDX-License-Identifier: GPL-2.0
/*
 * memfd.c - memfd_create: an anonymous tmpfs file behind a file descriptor.
 * Models mm/memfd.c (Linux v4.19). The file is named "memfd:NAME" and is
 * never linked anywhere: it lives while an fd or a mapping refers to it.
 *
 * Not modelled: sealing (MFD_ALLOW_SEALING, F_ADD_SEALS), MFD_HUGETLB.
 */
#include "fs.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define MFD_NAME_MAX_LEN 249 /* NAME_MAX minus strlen("memfd:") */

int sim_memfd_create(struct sim_machine *m, const char *uname, struct file **filep)
{
	TRACE_FUNC(TR(m), memfd_create);
	char name[8 + MFD_NAME_MAX_LEN];

	if (strlen(uname) > MFD_NAME_MAX_LEN)
		return -EINVAL;
	snprintf(name, sizeof(name), "/memfd:%s", uname);
	*filep = shmem_file_setup(m, name, 0);
	file_inode(*filep)->acct_blocks = true; /* VM_NORESERVE: charged per page */
	return 0;
}
