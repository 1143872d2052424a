// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: Committed_AS attributed (VMACCT_IOC_BREAKDOWN).
 *
 * Everything that charges vm_committed_as does it through
 * __vm_enough_memory() or vm_acct_memory() (mm/, ipc/shm.c, kernel/fork.c,
 * fs/exec.c, mm/swapfile.c; 6.1 and 6.12), for one of two holders:
 *
 *  - a private VM_ACCOUNT VMA (mmap(), brk(), stack growth, the exec
 *    stack, mremap(), mprotect() making memory writable, fork()), until it
 *    is unmapped: every process's, from tasks.c;
 *  - a shmem inode, by size or by page: from shmem.c.
 *
 * hugetlb charges nothing (its pool is taken out of CommitLimit instead),
 * and swapoff charges and gives back in one call.  What is in neither
 * walk is the remainder: charges in flight (a VMA charged but not yet
 * linked, an mm no task points to while it is built by fork() or exec()
 * or torn down at exit, an inode between its unlisting and its eviction),
 * and devtmpfs when the caller's /dev is not it (a container).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "breakdown.h"
#include "commit.h"
#include "shmem.h"
#include "tasks.h"

/**
 * vmacct_breakdown - Committed_AS by kind of holder
 * @b: @b->size and @b->flags in (flags checked by the caller); the rest
 *	out
 *
 * Return: 0, -ENOMEM, or -EINTR on a fatal signal.
 */
int vmacct_breakdown(struct vmacct_breakdown *b)
{
	struct vmacct_tasks_charge t;
	struct vmacct_shmem_charge *s;
	u64 start = ktime_get_ns();
	int i, err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;

	b->committed_before = vmacct_committed_exact();
	b->committed_error = vmacct_committed_error();
	err = vmacct_tasks_charge(&t);
	if (err)
		goto out;
	b->pages[VMACCT_BD_PRIVATE] = t.pages;
	b->objects[VMACCT_BD_PRIVATE] = t.mms;
	b->mms_unread = t.unread;

	if (vmacct_shmem_charge(s)) {
		b->unwalked |= VMACCT_BD_NO_SHMEM;
	} else {
		for (i = VMACCT_BD_PRIVATE + 1; i < VMACCT_BD_KINDS; i++) {
			b->pages[i] = s->pages[i];
			b->objects[i] = s->objects[i];
		}
		b->superblocks = s->superblocks;
		b->inodes = s->inodes;
		if (s->no_devtmpfs)
			b->unwalked |= VMACCT_BD_NO_DEVTMPFS;
	}
	b->committed_after = vmacct_committed_exact();
	b->nr_kinds = VMACCT_BD_KINDS;
	b->walk_ns = ktime_get_ns() - start;
out:
	kfree(s);
	return err;
}
