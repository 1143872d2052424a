// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: what differs between the kernels the module supports (5.10,
 * 6.1, 6.12, 7.2), each difference with the kernel source it comes from.
 * An interface that differs is detected from the headers being built
 * against (Kbuild's VMACCT_HAVE_*, and the kernel's own macros); a
 * behaviour that differs, from the running kernel's version, read once
 * at load.  Nothing above this file and compat.h tests a version or a
 * VMACCT_HAVE_*.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/cgroup.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/coredump.h>
#ifndef SUID_DUMP_USER		/* 7.2: dumpability is in the exec state */
#include <linux/sched/exec_state.h>
#endif
#include <linux/shmem_fs.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/version.h>

#include "compat.h"

/* behaviours of the running kernel, set by vmacct_compat_init() */
static bool vmacct_mremap_early __ro_after_init;
static bool vmacct_madvise_eagain __ro_after_init;
static bool vmacct_refusal_warn __ro_after_init;

/* Read the running kernel's version once, at load. */
void vmacct_compat_init(void)
{
	u32 v = vmacct_kernel_version();

	vmacct_mremap_early = v >= KERNEL_VERSION(6, 17, 0);
	vmacct_madvise_eagain = v >= KERNEL_VERSION(6, 1, 0);
	vmacct_refusal_warn = v >= KERNEL_VERSION(6, 1, 0);
}

/*
 * May @task's owner ptrace it (the "dumpable" half of ptrace's same-uid
 * rule)?  Up to 7.1 dumpability is a flag in @task's mm; 7.2 moved it to
 * the task's exec state (struct task_exec_state, RCU-protected), and
 * get_dumpable() and SUID_DUMP_USER are gone.
 */
bool vmacct_task_dumpable(struct task_struct *task, struct mm_struct *mm)
{
#ifdef SUID_DUMP_USER
	return get_dumpable(mm) == SUID_DUMP_USER;
#else
	const struct task_exec_state *es;
	bool owner;

	rcu_read_lock();
	es = rcu_dereference(task->exec_state);
	owner = es && READ_ONCE(es->dumpable) == TASK_DUMPABLE_OWNER;
	rcu_read_unlock();
	return owner;
#endif
}

/*
 * The alias list of an inode: d_u.d_alias up to 6.x, d_alias itself (and
 * for_each_alias()) once the union was reworked (7.x dcache.h).
 */
#ifdef for_each_alias
#define vmacct_for_each_alias(d, inode)	for_each_alias(d, inode)
#else
#define vmacct_for_each_alias(d, inode) \
	hlist_for_each_entry(d, &(inode)->i_dentry, d_u.d_alias)
#endif

/**
 * vmacct_inode_name_is - does @inode's first dentry's name start with
 *	@prefix?  For the kernel's pseudo files (alloc_file_pseudo()), whose
 *	dentry is created with the file and never renamed.
 * @inode: an inode the caller keeps alive (its superblock's inode list
 *	lock, or a reference)
 * @prefix: NUL-terminated
 *
 * Takes @inode->i_lock (the alias list's lock), then the dentry's
 * d_lock, in the dcache's order.
 */
bool vmacct_inode_name_is(struct inode *inode, const char *prefix)
{
	struct dentry *d;
	bool is = false;

	spin_lock(&inode->i_lock);
	vmacct_for_each_alias(d, inode) {
		spin_lock(&d->d_lock);
		is = !strncmp(d->d_name.name, prefix, strlen(prefix));
		spin_unlock(&d->d_lock);
		break;
	}
	spin_unlock(&inode->i_lock);
	return is;
}

/*
 * Is this shmem inode charged page by page (VM_NORESERVE: memfd, mounted
 * tmpfs files, NORESERVE SysV and shared anonymous objects) rather than
 * for its whole size?  Up to 6.x the flag is VM_NORESERVE in info->flags;
 * 7.2 keeps its own SHMEM_F_NORESERVE there (include/linux/shmem_fs.h).
 */
bool vmacct_shmem_noreserve(struct shmem_inode_info *info)
{
#ifdef SHMEM_F_NORESERVE
	return READ_ONCE(info->flags) & SHMEM_F_NORESERVE;
#else
	return READ_ONCE(info->flags) & VM_NORESERVE;
#endif
}

/*
 * Free what the filter of @ops holds (module exit only: it leaves the
 * ops' hash pointers dangling).  5.10 does not export
 * ftrace_free_filter(): resetting the filter to nothing installs the
 * kernel's empty hash and frees the old one, but needs memory for a
 * moment and frees nothing when there is none.
 */
void vmacct_ftrace_free_filter(struct ftrace_ops *ops)
{
#ifdef VMACCT_HAVE_FTRACE_FREE_FILTER
	ftrace_free_filter(ops);
#else
	ftrace_set_filter(ops, NULL, 0, 1);
#endif
}

#ifdef VMACCT_HAVE_DIRECT
/*
 * Call @tramp at the entry of @ops's filtered functions.  6.1 leaves
 * ->func and ->trampoline set when it then fails, and refuses an ops with
 * either (-EINVAL): a later try would fail for that alone (6.6 resets
 * them itself).  -EBUSY: a function has a direct call already.
 */
int vmacct_direct_register(struct ftrace_ops *ops, unsigned long tramp)
{
	int err;

	/* odd would ask 7.2 for a jmp (compat.h); VMACCT_TRAMP aligns */
	if (WARN_ON_ONCE(tramp & 1))
		return -EINVAL;
#ifdef VMACCT_HAVE_FTRACE_DIRECT_OPS
	err = register_ftrace_direct(ops, tramp);
#else
	err = register_ftrace_direct_multi(ops, tramp);
#endif
	if (err) {
		ops->func = NULL;
		ops->trampoline = 0;
	}
	return err;
}

/* The reverse; the filter stays (vmacct_ftrace_free_filter() at exit). */
void vmacct_direct_unregister(struct ftrace_ops *ops, unsigned long tramp)
{
#ifdef VMACCT_HAVE_FTRACE_DIRECT_OPS
	unregister_ftrace_direct(ops, tramp, false);
#else
	unregister_ftrace_direct_multi(ops, tramp);
#endif
}
#endif

/*
 * The first pid from @nr on in the initial pid namespace, or NULL; under
 * rcu_read_lock().  5.10 does not export find_ge_pid(), which is this
 * lookup (kernel/pid.c).
 */
struct pid *vmacct_find_ge_pid(int nr)
{
#ifdef VMACCT_HAVE_FIND_GE_PID
	return find_ge_pid(nr, &init_pid_ns);
#else
	return idr_get_next(&init_pid_ns.idr, &nr);
#endif
}

/*
 * A CLOCK_MONOTONIC timer of @mode (HRTIMER_MODE_REL_SOFT or _HARD)
 * calling @fn: hrtimer_setup() replaced hrtimer_init() in 6.13, which 7.x
 * removed.
 */
void vmacct_hrtimer_setup(struct hrtimer *timer,
			  enum hrtimer_restart (*fn)(struct hrtimer *timer),
			  enum hrtimer_mode mode)
{
#ifdef VMACCT_HAVE_HRTIMER_SETUP	/* from compat.mk */
	hrtimer_setup(timer, fn, CLOCK_MONOTONIC, mode);
#else
	hrtimer_init(timer, CLOCK_MONOTONIC, mode);
	timer->function = fn;
#endif
}

/**
 * vmacct_mremap_checks_early - does mremap() check the map count up front?
 *
 * The mremap rework of 6.17 checks every call under the mmap lock before
 * any unmap (mm/mremap.c check_map_count_against_split_early(), read in
 * 7.2); up to 6.16 only the paths that move check (mm/mremap.c
 * move_vma() and mremap_to()).  rules.c turns this into thresholds.
 */
bool vmacct_mremap_checks_early(void)
{
	return vmacct_mremap_early;
}

/*
 * madvise() reports a failed map-count check as EAGAIN from 6.1 (its
 * split_vma() fails with ENOMEM, which madvise_vma_behavior() turns into
 * EAGAIN; 6.1 and 6.12 mm/madvise.c); 5.10's madvise_behavior() makes the
 * check itself and returns its ENOMEM, only a split that fails for
 * memory becoming EAGAIN (5.10 mm/madvise.c).  rules.c says which errno.
 */
bool vmacct_madvise_count_eagain(void)
{
	return vmacct_madvise_eagain;
}

/*
 * Does __vm_enough_memory() warn on every refusal?  From 6.1 (where it is
 * verified; the warning came earlier) its refusal path asks ___ratelimit()
 * for "not enough memory for the allocation" on every refusal and never
 * otherwise, so a kprobe there sees refusals only; 5.10's refusal path
 * prints nothing (mm/util.c) and only the return value tells.  probe.c
 * picks its refusal probe by this.
 */
bool vmacct_refusal_warns(void)
{
	return vmacct_refusal_warn;
}

/* KERNEL_VERSION() of the running kernel, from its release string. */
u32 vmacct_kernel_version(void)
{
	unsigned int major = 0, minor = 0, sub = 0;

	if (sscanf(init_utsname()->release, "%u.%u.%u", &major, &minor,
		   &sub) < 2)
		return 0;
	return (major << 16) | ((minor & 0xff) << 8) | min(sub, 255U);
}
