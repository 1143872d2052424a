// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the probes, the one place that observes the kernel at work.
 *
 *  - decisions: an ftrace_ops at the entry of __vm_enough_memory() (traced,
 *    never called: it is sealed on IBT kernels) and a kprobe where its
 *    refusal path asks the ratelimit of its warning; inflight.c turns the
 *    two into counts and records with their verdicts.  Nothing hooks the
 *    return, so an allowed call costs one callback (but on 5.10, whose
 *    refusal path has no warning, a kretprobe reads every return);
 *  - map-count failures: an ftrace_ops at the entry of each system call
 *    that creates or splits VMAs sees a call that may fail with ENOMEM
 *    because of vm.max_map_count; syscall.c follows one near the limit
 *    to its return.  So these cost one callback elsewhere; other system
 *    calls are not probed.
 *
 * The handlers run in atomic context, possibly under swap_lock: no
 * sleeping, no mmap lock.  stream.c says what to arm; this file only
 * arms it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/vmacct.h>

#include "compat.h"
#include "inflight.h"
#include "probe.h"
#include "syscall.h"

static DEFINE_MUTEX(vmacct_probe_mutex);	/* the probes' state below */
static bool vmacct_decisions_on;	/* protected by vmacct_probe_mutex */
static bool vmacct_decision_filtered;	/* protected by vmacct_probe_mutex */
static bool vmacct_refusal_registered;	/* protected by vmacct_probe_mutex */
static bool vmacct_syscalls_on;		/* protected by vmacct_probe_mutex */

/*
 * The entry of __vm_enough_memory(mm, pages, cap_sys_admin): an ftrace_ops
 * callback, which reads the arguments from the registers ftrace saves for
 * every callback (no pt_regs, no kprobe lookup, no return hooked).
 */
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

static struct ftrace_ops vmacct_decision_ops = {
	.func	= vmacct_decision_entry,
	.flags	= VMACCT_FTRACE_OPS_FLAGS,
};

/*
 * ___ratelimit(rs, func): __vm_enough_memory()'s refusal path asks it
 * whether to print "not enough memory for the allocation", with func its
 * own name, on every refusal and never otherwise (mm/util.c, 6.1 to 7.2;
 * pr_warn_ratelimited() with CONFIG_PRINTK).  lib/ is built without
 * ftrace entries, hence a kprobe (int3, which x86 handles as an NMI,
 * until the kprobe is optimized into a jump); it fires only for
 * ratelimited messages, and hands a refusal to inflight.c, whose handler
 * is NMI-safe.  An NMI's own ratelimited message is not a refusal: its
 * name differs.
 */
static int vmacct_refusal_pre(struct kprobe *p, struct pt_regs *regs)
{
	const char *func = (const char *)regs_get_kernel_argument(regs, 1);

	if (func && strcmp(func, "__vm_enough_memory") == 0)
		vmacct_inflight_refused();
	return 0;
}

static struct kprobe vmacct_refusal_probe = {
	.symbol_name	= "___ratelimit",
	.pre_handler	= vmacct_refusal_pre,
};

/*
 * A kernel whose refusal path prints nothing (5.10; compat.c): a kretprobe
 * on __vm_enough_memory() reads every verdict, a refusal being its
 * -ENOMEM.  It runs in the return trampoline, on the task that made the
 * call, and costs every call a kprobe and a return hook.
 */
static int vmacct_refusal_ret(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	if (regs_return_value(regs))
		vmacct_inflight_refused();
	return 0;
}

static struct kretprobe vmacct_refusal_rp = {
	.kp.symbol_name	= "__vm_enough_memory",
	.handler	= vmacct_refusal_ret,
};

/* The refusal probe this kernel needs: its kprobe, and its name. */
static struct kprobe *vmacct_refusal_kp(void)
{
	return vmacct_refusal_warns() ? &vmacct_refusal_probe :
					&vmacct_refusal_rp.kp;
}

static const char *vmacct_refusal_what(void)
{
	return vmacct_refusal_warns() ? "___ratelimit" :
					"the return of __vm_enough_memory";
}

static int vmacct_refusal_register(void)
{
	if (vmacct_refusal_warns())
		return register_kprobe(&vmacct_refusal_probe);
	return register_kretprobe(&vmacct_refusal_rp);
}

static void vmacct_refusal_unregister(void)
{
	if (vmacct_refusal_warns())
		unregister_kprobe(&vmacct_refusal_probe);
	else
		unregister_kretprobe(&vmacct_refusal_rp);
}

/* a kretprobe also misses returns for want of an instance */
static u64 vmacct_refusal_missed(void)
{
	if (vmacct_refusal_warns())
		return vmacct_refusal_probe.nmissed;
	return (u64)vmacct_refusal_rp.nmissed + vmacct_refusal_rp.kp.nmissed;
}

/*
 * The system calls whose ENOMEM can come from max_map_count: an ftrace_ops
 * each at the entry (not a kretprobe: no kprobe lookup, no instance pool,
 * no return trampoline on every call); syscall.c follows a call near the
 * limit to its return.
 */
struct vmacct_sysprobe {
	struct ftrace_ops ops;
	const char *name;
	u32 sys;
	bool optional;		/* not on every kernel */
	bool filtered;		/* protected by vmacct_probe_mutex */
	bool enabled;		/* protected by vmacct_probe_mutex */
};

static void notrace vmacct_sys_entry(unsigned long ip,
				     unsigned long parent_ip,
				     struct ftrace_ops *op,
				     struct vmacct_ftrace_regs *fregs)
{
	struct vmacct_sysprobe *sp = container_of(op, struct vmacct_sysprobe,
						  ops);
	int bit = vmacct_ftrace_lock(ip, parent_ip);

	if (bit < 0) {
		vmacct_syscall_lost();
		return;
	}
	vmacct_syscall_enter(sp->sys);
	vmacct_ftrace_unlock(bit);
}

#define VMACCT_SYSPROBE(_sym, _sys, _opt) {				\
	.ops.func	= vmacct_sys_entry,				\
	.ops.flags	= VMACCT_FTRACE_OPS_FLAGS,			\
	.name		= _sym,						\
	.sys		= _sys,						\
	.optional	= _opt,						\
}

static struct vmacct_sysprobe vmacct_sysprobes[] = {
	VMACCT_SYSPROBE(VMACCT_SYS_PREFIX "mmap", VMACCT_SYS_MMAP, false),
	VMACCT_SYSPROBE(VMACCT_SYS_PREFIX "munmap", VMACCT_SYS_MUNMAP, false),
	VMACCT_SYSPROBE(VMACCT_SYS_PREFIX "mprotect", VMACCT_SYS_MPROTECT, false),
	VMACCT_SYSPROBE(VMACCT_SYS_PREFIX "pkey_mprotect", VMACCT_SYS_MPROTECT, true),
	VMACCT_SYSPROBE(VMACCT_SYS_PREFIX "mremap", VMACCT_SYS_MREMAP, false),
	VMACCT_SYSPROBE(VMACCT_SYS_PREFIX "brk", VMACCT_SYS_BRK, false),
	VMACCT_SYSPROBE(VMACCT_SYS_PREFIX "madvise", VMACCT_SYS_MADVISE, false),
	VMACCT_SYSPROBE(VMACCT_SYS_PREFIX "mlock", VMACCT_SYS_MLOCK, false),
	VMACCT_SYSPROBE(VMACCT_SYS_PREFIX "mlock2", VMACCT_SYS_MLOCK, true),
	VMACCT_SYSPROBE(VMACCT_SYS_PREFIX "munlock", VMACCT_SYS_MUNLOCK, false),
};

/*
 * Before a registration: a failed one may have left the address it
 * resolved (and a flag) in the struct, and register_kprobe() refuses a
 * kprobe with both an address and a symbol name (-EINVAL), so a retry
 * after a failure would fail for that alone.
 */
static void vmacct_kprobe_fresh(struct kprobe *kp)
{
	kp->addr = NULL;
	kp->flags = 0;
}

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

/*
 * Trace the function @name with @ops, whose filter is set once and kept
 * until module exit (*@filtered).  Return: 0, or -errno.
 */
static int vmacct_ops_on(struct ftrace_ops *ops, const char *name,
			 bool *filtered)
{
	unsigned char buf[32];	/* ftrace's parser writes to it */
	ssize_t len = strscpy((char *)buf, name, sizeof(buf));
	int err;

	if (len < 0)
		return -ENAMETOOLONG;
	if (!*filtered) {
		err = ftrace_set_filter(ops, buf, len, 1);
		if (!err && vmacct_filter_empty(ops))
			err = -ENOMEM;	/* module exit frees what it holds */
		if (err)
			return err;
		*filtered = true;
	}
	return register_ftrace_function(ops);
}

static void vmacct_syscalls_disarm(void)
{
	struct vmacct_sysprobe *sp;
	int i;

	lockdep_assert_held(&vmacct_probe_mutex);
	for (i = 0; i < ARRAY_SIZE(vmacct_sysprobes); i++) {
		sp = &vmacct_sysprobes[i];
		if (sp->enabled)
			unregister_ftrace_function(&sp->ops);
		sp->enabled = false;
	}
	vmacct_syscalls_on = false;
}

/*
 * The refusal kprobe first, then the entry: a refusal whose entry was not
 * seen is only counted as missed, while an entry whose refusal went unseen
 * would be counted as allowed.
 */
static int vmacct_decisions_arm(void)
{
	int err;

	if (vmacct_refusal_registered) {
		err = enable_kprobe(vmacct_refusal_kp());
	} else {
		vmacct_kprobe_fresh(vmacct_refusal_kp());
		err = vmacct_refusal_register();
		vmacct_refusal_registered = !err;
	}
	if (err) {
		pr_err("cannot probe %s: %d\n", vmacct_refusal_what(), err);
		return err;
	}
	err = vmacct_ops_on(&vmacct_decision_ops, "__vm_enough_memory",
			    &vmacct_decision_filtered);
	if (err) {
		pr_err("cannot trace __vm_enough_memory: %d\n", err);
		disable_kprobe(vmacct_refusal_kp());
	}
	return err;
}

/*
 * The reverse; then, once no refusal handler can still run (they run with
 * preemption off, so a grace period ends them), forget the calls in
 * flight.
 */
static void vmacct_decisions_disarm(void)
{
	unregister_ftrace_function(&vmacct_decision_ops);
	disable_kprobe(vmacct_refusal_kp());
	synchronize_rcu();
	vmacct_inflight_reset();
}

/**
 * vmacct_probe_decisions_on - arm the decision probes
 *
 * Return: 0 (also if they were armed), or the error arming them.
 */
int vmacct_probe_decisions_on(void)
{
	int err = 0;

	mutex_lock(&vmacct_probe_mutex);
	if (!vmacct_decisions_on) {
		err = vmacct_decisions_arm();
		vmacct_decisions_on = !err;
	}
	mutex_unlock(&vmacct_probe_mutex);
	return err;
}

/**
 * vmacct_probe_syscalls_on - arm the system call probes
 *
 * All of them or none: one that cannot be armed would leave its system
 * call's map-count failures unseen while counting and the recorder said
 * they were on.  An optional one (a system call this kernel may lack) is
 * left out only when ftrace finds no such function (-EINVAL).  Arming
 * patches text and costs milliseconds under emulation.
 *
 * Return: 0 (also if they were armed), or the error arming one.
 */
int vmacct_probe_syscalls_on(void)
{
	struct vmacct_sysprobe *sp;
	int i, err = 0;

	mutex_lock(&vmacct_probe_mutex);
	if (vmacct_syscalls_on)
		goto out;
	for (i = 0; i < ARRAY_SIZE(vmacct_sysprobes); i++) {
		sp = &vmacct_sysprobes[i];
		err = vmacct_ops_on(&sp->ops, sp->name, &sp->filtered);
		sp->enabled = !err;
		if (err == -EINVAL && sp->optional) {
			err = 0;
			continue;
		}
		if (err) {
			pr_err("cannot probe %s: %d\n", sp->name, err);
			vmacct_syscalls_disarm();
			goto out;
		}
	}
	vmacct_syscalls_on = true;
out:
	mutex_unlock(&vmacct_probe_mutex);
	return err;
}

void vmacct_probe_syscalls_off(void)
{
	mutex_lock(&vmacct_probe_mutex);
	vmacct_syscalls_disarm();
	mutex_unlock(&vmacct_probe_mutex);
}

/* Disarm every probe. */
void vmacct_probe_all_off(void)
{
	mutex_lock(&vmacct_probe_mutex);
	if (vmacct_decisions_on) {
		vmacct_decisions_disarm();
		vmacct_syscalls_disarm();
		vmacct_decisions_on = false;
	}
	mutex_unlock(&vmacct_probe_mutex);
}

bool vmacct_probe_decisions_armed(void)
{
	bool on;

	mutex_lock(&vmacct_probe_mutex);
	on = vmacct_decisions_on;
	mutex_unlock(&vmacct_probe_mutex);
	return on;
}

bool vmacct_probe_syscalls_armed(void)
{
	bool on;

	mutex_lock(&vmacct_probe_mutex);
	on = vmacct_syscalls_on;
	mutex_unlock(&vmacct_probe_mutex);
	return on;
}

/*
 * Calls lost to recursion, or to no memory for a near-limit system call's
 * task_work, since load.
 */
u64 vmacct_probe_missed(void)
{
	u64 missed;

	mutex_lock(&vmacct_probe_mutex);
	missed = vmacct_inflight_missed();
	if (vmacct_refusal_registered)
		missed += vmacct_refusal_missed();
	missed += vmacct_syscall_missed();
	mutex_unlock(&vmacct_probe_mutex);
	return missed;
}

/* Before a read: the records of calls that have returned, now. */
void vmacct_probe_flush(void)
{
	vmacct_inflight_flush();
}

void vmacct_probe_init(void)
{
	vmacct_inflight_init();
}

/*
 * Module exit, or a failed load: unregister every probe, which disarms it
 * and waits for handlers in progress; then for the system calls still
 * followed (syscall.c).
 */
void vmacct_probe_exit(void)
{
	struct vmacct_sysprobe *sp;
	int i;

	mutex_lock(&vmacct_probe_mutex);
	if (vmacct_decisions_on)
		vmacct_decisions_disarm();
	vmacct_decisions_on = false;
	/*
	 * Every filter, set or not: one that failed the emptiness check may
	 * be a real hash all the same (when that check itself had no memory;
	 * kmemleak found those leaked), and freeing the empty one is a
	 * no-op.  ftrace_free_filter() leaves the pointers dangling, which
	 * only exit may do.
	 */
	vmacct_ftrace_free_filter(&vmacct_decision_ops);
	vmacct_decision_filtered = false;
	if (vmacct_refusal_registered)
		vmacct_refusal_unregister();
	vmacct_refusal_registered = false;
	vmacct_syscalls_disarm();
	for (i = 0; i < ARRAY_SIZE(vmacct_sysprobes); i++) {
		sp = &vmacct_sysprobes[i];
		vmacct_ftrace_free_filter(&sp->ops);
		sp->filtered = false;
	}
	mutex_unlock(&vmacct_probe_mutex);
	vmacct_syscall_exit();
}
