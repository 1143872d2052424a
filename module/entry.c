// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the entry hooks, vmacct's code at the entry of
 * __vm_enough_memory() (inflight.c) and of each system call that creates
 * or splits VMAs (syscall.c).  Each hook is one of two mechanisms:
 *
 *  - a direct call (x86-64, kernels with the ftrace_ops direct-call API;
 *    compat.h): ftrace turns the function's fentry call into a call of a
 *    trampoline here, which saves the argument registers the function
 *    takes and calls vmacct's C entry with them.  No ftrace_regs, no ops
 *    list, no recursion bookkeeping: a quarter or less of an ftrace_ops
 *    callback's cost (make bench, "direct-floor").  ftrace allows one
 *    direct call per function, and a BPF trampoline (fentry, fexit) is
 *    one: a function that has one already (-EBUSY) gets an ftrace_ops
 *    instead, which shares; a BPF program attached after vmacct cannot
 *    attach to these functions (README).  direct=0 at load uses
 *    ftrace_ops everywhere;
 *  - an ftrace_ops callback (arm64, 5.10, direct=0, or a function with a
 *    direct call already), reading the arguments from ftrace_regs.
 *
 * Both run on the calling task; nothing they call is hooked, so neither
 * can recurse into itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/vmacct.h>

#include "compat.h"
#include "entry.h"
#include "inflight.h"
#include "syscall.h"

static bool vmacct_direct = true;
module_param_named(direct, vmacct_direct, bool, 0444);
MODULE_PARM_DESC(direct,
		 "hook function entries by direct calls where the kernel can (default 1); 0: ftrace_ops callbacks");

/* One hooked function. */
struct vmacct_hook {
	const char *name;
	unsigned long tramp;	/* its direct trampoline, or 0: none */
	struct ftrace_ops ops;	/* the callback way */
	struct ftrace_ops dops;	/* the direct way (ftrace sets it up) */
	u32 sys;		/* VMACCT_SYS_*, 0 for the decision */
	bool optional;		/* a system call not on every kernel */
	bool filtered;		/* @ops's filter is set */
	bool dfiltered;		/* @dops's filter is set */
	bool on;		/* registered: by a direct call if @direct */
	bool direct;
};

#ifdef VMACCT_HAVE_DIRECT
/*
 * The C entries of the trampolines: __vm_enough_memory(mm, pages,
 * cap_sys_admin) and its return address go to vmacct_inflight_enter(),
 * a system call to vmacct_syscall_enter().  Preemption is on.
 */
__visible notrace void vmacct_sys_direct(u32 sys)
{
	VMACCT_TRAMP_SYS_OFFSETS();
	vmacct_syscall_enter(sys);
}

#define VMACCT_SYS_TRAMP(t, sys)					\
	VMACCT_TRAMP(t, VMACCT_SYSCALL_TRAMP_CHECK,			\
		     VMACCT_TRAMP_CALL1(vmacct_sys_direct, sys))

VMACCT_TRAMP(vmacct_decision_tramp, "", VMACCT_TRAMP_CALL3(vmacct_inflight_enter));
VMACCT_SYS_TRAMP(vmacct_mmap_tramp, VMACCT_SYS_MMAP);
VMACCT_SYS_TRAMP(vmacct_munmap_tramp, VMACCT_SYS_MUNMAP);
VMACCT_SYS_TRAMP(vmacct_mprotect_tramp, VMACCT_SYS_MPROTECT);
VMACCT_SYS_TRAMP(vmacct_mremap_tramp, VMACCT_SYS_MREMAP);
VMACCT_SYS_TRAMP(vmacct_brk_tramp, VMACCT_SYS_BRK);
VMACCT_SYS_TRAMP(vmacct_madvise_tramp, VMACCT_SYS_MADVISE);
VMACCT_SYS_TRAMP(vmacct_mlock_tramp, VMACCT_SYS_MLOCK);
VMACCT_SYS_TRAMP(vmacct_munlock_tramp, VMACCT_SYS_MUNLOCK);

/* The trampolines, by VMACCT_SYS_* (0: the decision). */
static void (*const vmacct_tramps[])(void) = {
	[0]			= vmacct_decision_tramp,
	[VMACCT_SYS_MMAP]	= vmacct_mmap_tramp,
	[VMACCT_SYS_MUNMAP]	= vmacct_munmap_tramp,
	[VMACCT_SYS_MPROTECT]	= vmacct_mprotect_tramp,
	[VMACCT_SYS_MREMAP]	= vmacct_mremap_tramp,
	[VMACCT_SYS_BRK]	= vmacct_brk_tramp,
	[VMACCT_SYS_MADVISE]	= vmacct_madvise_tramp,
	[VMACCT_SYS_MLOCK]	= vmacct_mlock_tramp,
	[VMACCT_SYS_MUNLOCK]	= vmacct_munlock_tramp,
};
#endif

/* The trampoline for hooks of @sys, or 0: none. */
static unsigned long vmacct_tramp_of(u32 sys)
{
#ifdef VMACCT_HAVE_DIRECT
	if (sys < ARRAY_SIZE(vmacct_tramps))
		return (unsigned long)vmacct_tramps[sys];
#endif
	return 0;
}

/* The ftrace_ops callbacks, preemption off by the recursion guard. */
static void notrace vmacct_decision_entry(unsigned long ip,
					  unsigned long parent_ip,
					  struct ftrace_ops *op,
					  struct vmacct_ftrace_regs *fregs)
{
	int bit = vmacct_ftrace_lock(ip, parent_ip);

	if (bit < 0) {
		vmacct_inflight_lost();
		return;
	}
	vmacct_inflight_enter((struct mm_struct *)vmacct_fregs_arg(fregs, 0),
			      (long)vmacct_fregs_arg(fregs, 1),
			      (int)vmacct_fregs_arg(fregs, 2), parent_ip);
	vmacct_ftrace_unlock(bit);
}

static void notrace vmacct_sys_entry(unsigned long ip,
				     unsigned long parent_ip,
				     struct ftrace_ops *op,
				     struct vmacct_ftrace_regs *fregs)
{
	struct vmacct_hook *h = container_of(op, struct vmacct_hook, ops);
	int bit = vmacct_ftrace_lock(ip, parent_ip);

	if (bit < 0) {
		vmacct_syscall_lost();
		return;
	}
	vmacct_syscall_enter(h->sys);
	vmacct_ftrace_unlock(bit);
}

static struct vmacct_hook vmacct_decision_hook = {
	.name		= "__vm_enough_memory",
	.ops.func	= vmacct_decision_entry,
	.ops.flags	= VMACCT_FTRACE_OPS_FLAGS,
};

#define VMACCT_SYSHOOK(_name, _sys, _opt) {				\
	.name		= VMACCT_SYS_PREFIX _name,			\
	.ops.func	= vmacct_sys_entry,				\
	.ops.flags	= VMACCT_FTRACE_OPS_FLAGS,			\
	.sys		= _sys,						\
	.optional	= _opt,						\
}

static struct vmacct_hook vmacct_sys_hooks[] = {
	VMACCT_SYSHOOK("mmap", VMACCT_SYS_MMAP, false),
	VMACCT_SYSHOOK("munmap", VMACCT_SYS_MUNMAP, false),
	VMACCT_SYSHOOK("mprotect", VMACCT_SYS_MPROTECT, false),
	VMACCT_SYSHOOK("pkey_mprotect", VMACCT_SYS_MPROTECT, true),
	VMACCT_SYSHOOK("mremap", VMACCT_SYS_MREMAP, false),
	VMACCT_SYSHOOK("brk", VMACCT_SYS_BRK, false),
	VMACCT_SYSHOOK("madvise", VMACCT_SYS_MADVISE, false),
	VMACCT_SYSHOOK("mlock", VMACCT_SYS_MLOCK, false),
	VMACCT_SYSHOOK("mlock2", VMACCT_SYS_MLOCK, true),
	VMACCT_SYSHOOK("munlock", VMACCT_SYS_MUNLOCK, false),
};

/*
 * Did ftrace_set_filter() leave @ops with an empty filter, one that traces
 * every function of the kernel?  It can, and return 0: when adding the
 * function to the new filter fails for memory, match_records() returns
 * -ENOMEM, which ftrace_set_hash() takes for a match, and it installs the
 * empty filter (kernel/trace/ftrace.c, 6.1 and 6.12; found by the fault
 * sweep: the decision callback ran on every function).  An empty filter is
 * the kernel's one empty hash: compare with the filter of an ops set to
 * nothing.  True also when that cannot be told (no memory either).
 */
static bool vmacct_filter_empty(struct ftrace_ops *ops)
{
	static struct ftrace_ops none;	/* never registered */
	struct ftrace_hash *empty, *mine;

	if (ftrace_set_filter(&none, NULL, 0, 1))
		return true;
	empty = rcu_access_pointer(none.func_hash->filter_hash);
	mine = rcu_access_pointer(ops->func_hash->filter_hash);
	vmacct_ftrace_free_filter(&none);
	return !empty || !mine || mine == empty;
}

/* Set @ops's filter to @name, once (*@filtered); kept until exit. */
static int vmacct_filter(struct ftrace_ops *ops, const char *name,
			 bool *filtered)
{
	unsigned char buf[32];	/* ftrace's parser writes to it */
	ssize_t len = strscpy((char *)buf, name, sizeof(buf));
	int err;

	if (*filtered)
		return 0;
	if (len < 0)
		return -ENAMETOOLONG;
	err = ftrace_set_filter(ops, buf, len, 1);
	if (!err && vmacct_filter_empty(ops))
		err = -ENOMEM;	/* exit frees what it holds */
	if (!err)
		*filtered = true;
	return err;
}

/*
 * Hook @h: by a direct call if it can, else (none here, direct=0, or the
 * function has a direct call already) by an ftrace_ops.
 * Return: 0, or -errno.
 */
static int vmacct_hook_on(struct vmacct_hook *h)
{
	unsigned long tramp = vmacct_tramp_of(h->sys);
	int err;

	if (tramp && vmacct_direct) {
		err = vmacct_filter(&h->dops, h->name, &h->dfiltered);
		if (!err)
			err = vmacct_direct_register(&h->dops, tramp);
		if (!err) {
			h->tramp = tramp;
			h->direct = true;
			h->on = true;
			return 0;
		}
		if (err != -EBUSY)
			return err;
		pr_info("%s has another direct call (a BPF trampoline?): hooked by an ftrace_ops\n",
			h->name);
	}
	err = vmacct_filter(&h->ops, h->name, &h->filtered);
	if (!err)
		err = register_ftrace_function(&h->ops);
	if (!err) {
		h->on = true;
		h->direct = false;
	}
	return err;
}

static void vmacct_hook_off(struct vmacct_hook *h)
{
	if (!h->on)
		return;
	if (h->direct)
		vmacct_direct_unregister(&h->dops, h->tramp);
	else
		unregister_ftrace_function(&h->ops);
	h->on = false;
}

/*
 * Every filter, set or not: one that failed the emptiness check may be a
 * real hash all the same (when that check itself had no memory; kmemleak
 * found those leaked), and freeing the empty one is a no-op.
 * ftrace_free_filter() leaves the pointers dangling, which only exit may
 * do.
 */
static void vmacct_hook_exit(struct vmacct_hook *h)
{
	vmacct_hook_off(h);
	vmacct_ftrace_free_filter(&h->ops);
	h->filtered = false;
	if (vmacct_tramp_of(h->sys)) {
		vmacct_ftrace_free_filter(&h->dops);
		h->dfiltered = false;
	}
}

int vmacct_entry_decision_on(void)
{
	int err = vmacct_hook_on(&vmacct_decision_hook);

	if (err)
		pr_err("cannot trace __vm_enough_memory: %d\n", err);
	return err;
}

void vmacct_entry_decision_off(void)
{
	vmacct_hook_off(&vmacct_decision_hook);
}

void vmacct_entry_syscalls_off(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(vmacct_sys_hooks); i++)
		vmacct_hook_off(&vmacct_sys_hooks[i]);
}

/*
 * All of them or none: one that cannot be hooked would leave its system
 * call's map-count failures unseen while counting and the recorder said
 * they were on.  An optional one (a system call this kernel may lack) is
 * left out only when ftrace finds no such function (-EINVAL).
 */
int vmacct_entry_syscalls_on(void)
{
	struct vmacct_hook *h;
	int i, err;

	for (i = 0; i < ARRAY_SIZE(vmacct_sys_hooks); i++) {
		h = &vmacct_sys_hooks[i];
		err = vmacct_hook_on(h);
		if (err == -EINVAL && h->optional)
			continue;
		if (err) {
			pr_err("cannot probe %s: %d\n", h->name, err);
			vmacct_entry_syscalls_off();
			return err;
		}
	}
	return 0;
}

/* Module exit, or a failed load: every hook off, every filter freed. */
void vmacct_entry_exit(void)
{
	int i;

	vmacct_hook_exit(&vmacct_decision_hook);
	for (i = 0; i < ARRAY_SIZE(vmacct_sys_hooks); i++)
		vmacct_hook_exit(&vmacct_sys_hooks[i]);
}
