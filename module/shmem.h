/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: what shmem objects charge, by kind (shmem.c).
 */
#ifndef _VMACCT_SHMEM_H
#define _VMACCT_SHMEM_H

#include <linux/types.h>
#include <linux/vmacct.h>

struct vmacct_shmem_charge {
	u64 pages[VMACCT_BD_SLOTS];	/* by VMACCT_BD_*, private aside */
	u64 objects[VMACCT_BD_SLOTS];	/* inodes holding a charge */
	u32 superblocks;		/* tmpfs superblocks walked */
	u64 inodes;			/* inodes seen */
	bool no_devtmpfs;		/* the caller's /dev is no devtmpfs */
};

int vmacct_shmem_charge(struct vmacct_shmem_charge *c);

#endif /* _VMACCT_SHMEM_H */
