// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: what shmem objects charge to vm_committed_as, by kind.
 *
 * Every shmem inode is on a superblock of the "tmpfs" filesystem type --
 * the mounts users make (/dev/shm, /tmp, /run, a container's) and the
 * kernel's own kern_mount()s (shm_mnt, behind SysV segments, shared
 * anonymous mappings, memfd and drivers' objects; a driver's private
 * one), which iterate_supers_type() reaches -- or of "rootfs", the
 * initramfs, shmem unless the command line names a root=
 * (init/do_mounts.c), reached from init_fs -- or of devtmpfs
 * (drivers/base/devtmpfs.c), whose type is not registered either,
 * reached as /dev where the caller sees it mounted; TMPFS_MAGIC tells
 * shmem from ramfs.  mm/shmem.c (6.1,
 * 6.12) charges an inode in one of two ways, fixed at its creation by
 * VM_NORESERVE in info->flags (7.2: SHMEM_F_NORESERVE; compat.c):
 *
 *  - without it, its size: VM_ACCT(i_size) pages from creation
 *    (shmem_acct_size()) and after every resize (shmem_reacct_size())
 *    until shmem_evict_inode() gives them back;
 *  - with it, its pages as they are allocated (shmem_inode_acct_blocks()):
 *    info->alloced, swapped pages included, given back as they are freed
 *    (shmem_recalc_inode()).
 *
 * Files, directories and symlinks of mounted tmpfs are always VM_NORESERVE
 * (shmem_mknod(), shmem_symlink()); the kernel's objects as their creator
 * asked: SysV segments with SHM_NORESERVE, shared anonymous mappings with
 * MAP_NORESERVE (outside mode 2), memfd always.  Those are told apart by
 * the name of their pseudo file: "SYSV<key>" (ipc/shm.c newseg()),
 * "dev/zero" (shmem_zero_setup()), "memfd:<name>" (mm/memfd.c).
 *
 * Inodes are read under their superblock's inode list lock, as
 * drop_pagecache_sb() (fs/drop_caches.c) walks them: to reschedule, the
 * lock is dropped with a reference on the inode reached (igrab()), from
 * which the walk goes on.  An inode being evicted is counted while it is
 * still listed; evict() unlists it before shmem_evict_inode() gives its
 * charge back, so for that moment its pages are in no kind.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kernel.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/sched/task.h>
#include <linux/sched.h>
#include <linux/shmem_fs.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "compat.h"
#include "shmem.h"

/*
 * The kind of a kernel object (an inode of a kern_mount()ed superblock)
 * by the name of its pseudo file, by how it is charged.
 */
static unsigned int vmacct_object_kind(struct inode *inode, bool by_size)
{
	if (vmacct_inode_name_is(inode, "SYSV"))
		return by_size ? VMACCT_BD_SYSV : VMACCT_BD_SYSV_PAGES;
	if (vmacct_inode_name_is(inode, "dev/zero"))
		return by_size ? VMACCT_BD_SHARED_ANON :
				 VMACCT_BD_SHARED_ANON_PAGES;
	if (!by_size && vmacct_inode_name_is(inode, "memfd:"))
		return VMACCT_BD_MEMFD;
	return by_size ? VMACCT_BD_SHMEM_WHOLE : VMACCT_BD_SHMEM_PAGES;
}

/* Count what @inode charges.  Under its superblock's inode list lock. */
static void vmacct_count_inode(struct vmacct_shmem_charge *c,
			       struct inode *inode, bool kernel)
{
	struct shmem_inode_info *info = SHMEM_I(inode);
	bool by_size = !vmacct_shmem_noreserve(info);
	unsigned long pages;
	unsigned int kind;

	c->inodes++;
	if (by_size)
		pages = DIV_ROUND_UP_ULL(i_size_read(inode), PAGE_SIZE);
	else
		pages = READ_ONCE(info->alloced);
	if (!pages)
		return;
	if (kernel)
		kind = vmacct_object_kind(inode, by_size);
	else
		kind = by_size ? VMACCT_BD_SHMEM_WHOLE : VMACCT_BD_TMPFS;
	c->pages[kind] += pages;
	c->objects[kind]++;
}

static void vmacct_shmem_sb(struct super_block *sb, void *arg)
{
	struct vmacct_shmem_charge *c = arg;
	bool kernel = sb->s_flags & SB_KERNMOUNT;
	struct inode *inode, *held = NULL;

	/* rootfs is ramfs when the command line names a root= */
	if (sb->s_magic != TMPFS_MAGIC)
		return;
	c->superblocks++;
	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		vmacct_count_inode(c, inode, kernel);
		/* igrab() fails for an inode being freed: try the next one */
		if (!need_resched() || !igrab(inode))
			continue;
		spin_unlock(&sb->s_inode_list_lock);
		iput(held);
		held = inode;
		cond_resched();
		spin_lock(&sb->s_inode_list_lock);
	}
	spin_unlock(&sb->s_inode_list_lock);
	iput(held);
}

/*
 * rootfs, whose type is not registered: reached as the root of init_fs,
 * where init_mount_tree() puts it, unless a chroot of the kernel's init
 * (a root= without initramfs) or an initramfs's switch_root (init_fs is
 * shared with pid 1) moved that root elsewhere, to a filesystem that is
 * then no shmem, or a tmpfs mount the walk of @tmpfs reaches.
 */
static void vmacct_shmem_rootfs(struct file_system_type *tmpfs,
				struct vmacct_shmem_charge *c)
{
	struct super_block *sb;
	struct path root;

	get_fs_root(init_task.fs, &root);
	sb = root.mnt->mnt_sb;
	if (sb->s_type != tmpfs) {
		down_read(&sb->s_umount);
		vmacct_shmem_sb(sb, c);
		up_read(&sb->s_umount);
	}
	path_put(&root);
}

/*
 * devtmpfs, reached as the caller's /dev; false when that is no devtmpfs
 * (a container's /dev is a tmpfs, which the walk of @tmpfs reaches).
 */
static bool vmacct_shmem_devtmpfs(struct file_system_type *tmpfs,
				  struct vmacct_shmem_charge *c)
{
	struct super_block *sb;
	struct path dev;
	bool found;

	if (kern_path("/dev", LOOKUP_FOLLOW, &dev))
		return false;
	sb = dev.mnt->mnt_sb;
	found = sb->s_type != tmpfs && !strcmp(sb->s_type->name, "devtmpfs");
	if (found) {
		down_read(&sb->s_umount);
		vmacct_shmem_sb(sb, c);
		up_read(&sb->s_umount);
	}
	path_put(&dev);
	return found;
}

/**
 * vmacct_shmem_charge - what every shmem inode charges, by kind
 * @c: filled in
 *
 * Return: 0, or -EOPNOTSUPP when tmpfs is not shmem (CONFIG_SHMEM off:
 * ramfs, which charges nothing) or not registered.
 */
int vmacct_shmem_charge(struct vmacct_shmem_charge *c)
{
	struct file_system_type *tmpfs;

	memset(c, 0, sizeof(*c));
	if (!IS_ENABLED(CONFIG_SHMEM))
		return -EOPNOTSUPP;
	tmpfs = get_fs_type("tmpfs");
	if (!tmpfs)
		return -EOPNOTSUPP;
	iterate_supers_type(tmpfs, vmacct_shmem_sb, c);
	vmacct_shmem_rootfs(tmpfs, c);
	c->no_devtmpfs = !vmacct_shmem_devtmpfs(tmpfs, c);
	/* put_filesystem(), not exported: its whole body (fs/filesystems.c) */
	module_put(tmpfs->owner);
	return 0;
}
