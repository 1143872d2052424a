// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the probes, the one place that observes the kernel at work.
 *
 *  - decisions: vmacct's code at the entry of __vm_enough_memory()
 *    (entry.c: traced, never called: it is sealed on IBT kernels) and a
 *    kprobe where its refusal path asks the ratelimit of its warning;
 *    inflight.c turns the two into counts and records with their
 *    verdicts.  Nothing hooks the return, so an allowed call costs one
 *    entry hook (but on 5.10, whose refusal path has no warning, a
 *    kretprobe reads every return);
 *  - map-count failures: an entry hook on each system call that creates
 *    or splits VMAs sees a call that may fail with ENOMEM because of
 *    vm.max_map_count; syscall.c follows one near the limit to its
 *    return.  So these cost one entry hook elsewhere; other system calls
 *    are not probed.
 *
 * The handlers run in atomic context (a system call's check in entry.c
 * may run with preemption on), possibly under swap_lock: no sleeping, no
 * mmap lock.  stream.c says what to arm; this file only arms it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/vmacct.h>

#include "compat.h"
#include "entry.h"
#include "inflight.h"
#include "probe.h"
#include "syscall.h"

static DEFINE_MUTEX(vmacct_probe_mutex);	/* the probes' state below */
static bool vmacct_decisions_on;	/* protected by vmacct_probe_mutex */
static bool vmacct_refusal_registered;	/* protected by vmacct_probe_mutex */
static bool vmacct_syscalls_on;		/* protected by vmacct_probe_mutex */

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

static void vmacct_syscalls_disarm(void)
{
	lockdep_assert_held(&vmacct_probe_mutex);
	vmacct_entry_syscalls_off();
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
	err = vmacct_entry_decision_on();
	if (err)
		disable_kprobe(vmacct_refusal_kp());
	return err;
}

/*
 * The reverse; then, once no refusal handler can still run (they run with
 * preemption off, so a grace period ends them), forget the calls in
 * flight.
 */
static void vmacct_decisions_disarm(void)
{
	vmacct_entry_decision_off();
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
 * All of them or none (entry.c).  Arming patches text and costs
 * milliseconds under emulation.
 *
 * Return: 0 (also if they were armed), or the error arming one.
 */
int vmacct_probe_syscalls_on(void)
{
	int err = 0;

	mutex_lock(&vmacct_probe_mutex);
	if (!vmacct_syscalls_on) {
		err = vmacct_entry_syscalls_on();
		vmacct_syscalls_on = !err;
	}
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
	mutex_lock(&vmacct_probe_mutex);
	if (vmacct_decisions_on)
		vmacct_decisions_disarm();
	vmacct_decisions_on = false;
	if (vmacct_refusal_registered)
		vmacct_refusal_unregister();
	vmacct_refusal_registered = false;
	vmacct_syscalls_disarm();
	vmacct_entry_exit();
	mutex_unlock(&vmacct_probe_mutex);
	vmacct_syscall_exit();
}
