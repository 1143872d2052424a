// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the /dev/vmacct misc device and its ioctls.
 *
 * Every argument starts with "__u32 size" and is read with
 * copy_struct_from_user(), so that structures can grow without new
 * command numbers (see include/uapi/linux/vmacct.h for the rules).  The
 * global terms are in /proc/meminfo already, so the node is world-readable
 * and any opener may ask for them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vmacct.h"

/* Dispatch on type, number and direction; "size" in the struct decides. */
#define VMACCT_CMD(cmd)		((cmd) & ~IOCSIZE_MASK)

/**
 * vmacct_copy_in - read a size-prefixed argument
 * @dst: kernel copy, @ksize bytes, zero-filled past what the caller sent
 * @ksize: size of the structure this module knows
 * @min: size of its first published version
 * @argp: user pointer
 *
 * Return: the caller's size, or -EFAULT (bad pointer), -EINVAL (size
 * below @min), -E2BIG (size above PAGE_SIZE, or non-zero bytes past the
 * structure this module knows).
 */
static int vmacct_copy_in(void *dst, size_t ksize, size_t min,
			  const void __user *argp)
{
	u32 usize;
	int err;

	if (get_user(usize, (const u32 __user *)argp))
		return -EFAULT;
	if (usize < min)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;

	err = copy_struct_from_user(dst, ksize, argp, usize);
	if (err)
		return err;
	return usize;
}

/* Write back min(caller's size, ours) bytes and say how many in ->size. */
static int vmacct_copy_out(void __user *argp, void *src, size_t ksize,
			   u32 usize)
{
	u32 n = min_t(size_t, usize, ksize);

	*(u32 *)src = n;
	if (copy_to_user(argp, src, n))
		return -EFAULT;
	return 0;
}

static long vmacct_ioc_version(void __user *argp)
{
	struct vmacct_version v;
	int usize;

	usize = vmacct_copy_in(&v, sizeof(v), VMACCT_VERSION_SIZE_VER0, argp);
	if (usize < 0)
		return usize;
	if (v.reserved)
		return -EINVAL;

	v.abi_version = VMACCT_ABI_VERSION;
	v.module_version = (VMACCT_VERSION_MAJOR << 16) |
			   (VMACCT_VERSION_MINOR << 8) | VMACCT_VERSION_PATCH;
	v.kernel_version = vmacct_kernel_version();
	v.algorithm = VMACCT_ALGO_V5_2;
	v.commit_size = sizeof(struct vmacct_commit);
	v.reserved = 0;

	return vmacct_copy_out(argp, &v, sizeof(v), usize);
}

static long vmacct_ioc_commit(void __user *argp)
{
	struct vmacct_commit c;
	int usize;

	usize = vmacct_copy_in(&c, sizeof(c), VMACCT_COMMIT_SIZE_VER0, argp);
	if (usize < 0)
		return usize;
	if (c.flags)
		return -EINVAL;

	vmacct_commit_snapshot(&c);
	c.flags = 0;

	return vmacct_copy_out(argp, &c, sizeof(c), usize);
}

static long vmacct_ioc_mm(void __user *argp)
{
	struct vmacct_mm m;
	int usize, err;

	usize = vmacct_copy_in(&m, sizeof(m), VMACCT_MM_SIZE_VER0, argp);
	if (usize < 0)
		return usize;
	if (m.flags)
		return -EINVAL;

	memset((u8 *)&m + offsetofend(struct vmacct_mm, pid), 0,
	       sizeof(m) - offsetofend(struct vmacct_mm, pid));
	err = vmacct_mm_stats(&m);
	if (err)
		return err;
	return vmacct_copy_out(argp, &m, sizeof(m), usize);
}

static long vmacct_ioc_eval(void __user *argp)
{
	struct vmacct_eval e;
	int usize, err;

	usize = vmacct_copy_in(&e, sizeof(e), VMACCT_EVAL_SIZE_VER0, argp);
	if (usize < 0)
		return usize;

	err = vmacct_eval(&e);
	if (err)
		return err;
	return vmacct_copy_out(argp, &e, sizeof(e), usize);
}

static long vmacct_ioc_fork(void __user *argp)
{
	struct vmacct_fork f;
	int usize, err;

	usize = vmacct_copy_in(&f, sizeof(f), VMACCT_FORK_SIZE_VER0, argp);
	if (usize < 0)
		return usize;
	if (f.flags)
		return -EINVAL;

	memset((u8 *)&f + offsetofend(struct vmacct_fork, pid), 0,
	       sizeof(f) - offsetofend(struct vmacct_fork, pid));
	err = vmacct_fork_predict(&f);
	if (err)
		return err;
	return vmacct_copy_out(argp, &f, sizeof(f), usize);
}

static long vmacct_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (VMACCT_CMD(cmd)) {
	case VMACCT_CMD(VMACCT_IOC_VERSION):
		return vmacct_ioc_version(argp);
	case VMACCT_CMD(VMACCT_IOC_COMMIT):
		return vmacct_ioc_commit(argp);
	case VMACCT_CMD(VMACCT_IOC_MM):
		return vmacct_ioc_mm(argp);
	case VMACCT_CMD(VMACCT_IOC_EVAL):
		return vmacct_ioc_eval(argp);
	case VMACCT_CMD(VMACCT_IOC_FORK):
		return vmacct_ioc_fork(argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmacct_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vmacct_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice vmacct_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= VMACCT_DEVICE_NAME,
	.fops	= &vmacct_fops,
	.mode	= 0444,
};

int vmacct_dev_init(void)
{
	return misc_register(&vmacct_misc);
}

void vmacct_dev_exit(void)
{
	misc_deregister(&vmacct_misc);
}
