// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the probes, the one place that observes the kernel at work.
 *
 *  - decisions: a kretprobe on __vm_enough_memory() (probed, never called:
 *    it is sealed on IBT kernels) sees each call with the terms the kernel
 *    used and its verdict;
 *  - map-count failures: kretprobes on the system calls that create or
 *    split VMAs see a call that failed with ENOMEM because of
 *    vm.max_map_count.  Their entry handlers return at once, arming no
 *    return probe, unless the mm is near the limit (classify.c), so they
 *    cost next to nothing elsewhere; other system calls are not probed.
 *
 * The handlers count (stats.c) while counting is on, and build a record
 * for the readers (ring.c) only while a reader exists.  They run in atomic
 * context, possibly under swap_lock: no sleeping, no mmap lock but a
 * trylock.  stream.c says what to arm; this file only arms it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/vmacct.h>

#include "classify.h"
#include "commit.h"
#include "probe.h"
#include "ring.h"
#include "stats.h"
#include "syms.h"

#define VMACCT_SYS_MAXACTIVE	64	/* concurrent near-limit syscalls */

static DEFINE_MUTEX(vmacct_probe_mutex);	/* the probes' state below */
static bool vmacct_decisions_on;	/* protected by vmacct_probe_mutex */
static bool vmacct_decision_registered;	/* protected by vmacct_probe_mutex */
static bool vmacct_syscalls_on;		/* protected by vmacct_probe_mutex */

struct vmacct_decision {
	u32 caller;
	bool record;		/* @ev holds the terms: a reader existed */
	struct vmacct_event ev;
};

/* The record's terms, before the body runs and charges. */
static void vmacct_decision_record(struct vmacct_event *ev,
				   struct mm_struct *mm, long pages,
				   int cap_sys_admin)
{
	struct vmacct_terms t;
	u64 total_vm = 0;

	memset(ev, 0, sizeof(*ev));
	ev->type = VMACCT_EV_DECISION;
	if (mm) {
		ev->map_count = READ_ONCE(mm->map_count);
		total_vm = READ_ONCE(mm->total_vm);
	}
	vmacct_decision_terms(&t, total_vm, !!mm, pages, cap_sys_admin);
	ev->mode = t.mode;
	ev->as_admin = cap_sys_admin;
	ev->pages = pages;
	ev->max_map_count = vmacct_max_map_count();
	ev->total_vm = total_vm;
	ev->limit = t.limit;
	ev->admin_reserve = t.admin_reserve;
	ev->user_reserve = t.user_reserve;
	ev->allowed = t.allowed;
	ev->committed = t.committed;
	ev->guess_ceiling = t.guess_ceiling;
}

/*
 * __vm_enough_memory(mm, pages, cap_sys_admin): the caller, and the terms
 * before the body when a reader will want the record.  Counting alone
 * needs only the caller.
 */
static int vmacct_decision_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct vmacct_decision *d = (struct vmacct_decision *)ri->data;

	d->caller = vmacct_classify_caller();
	d->record = vmacct_ring_have_readers();
	if (!d->record)
		return 0;
	vmacct_decision_record(&d->ev, (struct mm_struct *)
			       regs_get_kernel_argument(regs, 0),
			       regs_get_kernel_argument(regs, 1),
			       regs_get_kernel_argument(regs, 2));
	d->ev.caller = d->caller;
	return 0;
}

static int vmacct_decision_ret(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct vmacct_decision *d = (struct vmacct_decision *)ri->data;
	int verdict = (int)regs_return_value(regs);

	if (verdict)
		vmacct_classify_denied();
	vmacct_stats_decision(d->caller, verdict);
	if (d->record && vmacct_ring_have_readers()) {
		d->ev.verdict = verdict;
		vmacct_ring_emit(&d->ev);
	}
	return 0;
}

static struct kretprobe vmacct_decision_probe = {
	.kp.symbol_name	= "__vm_enough_memory",
	.entry_handler	= vmacct_decision_entry,
	.handler	= vmacct_decision_ret,
	.data_size	= sizeof(struct vmacct_decision),
};

/* The system calls whose ENOMEM can come from max_map_count. */
struct vmacct_sysprobe {
	struct kretprobe rp;
	u32 sys;
	bool optional;		/* not on every kernel */
	bool registered;	/* protected by vmacct_probe_mutex */
	bool enabled;		/* protected by vmacct_probe_mutex */
};

static int vmacct_sys_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	/* 0 arms the return probe */
	return vmacct_classify_enter((struct vmacct_syscall *)ri->data) ? 0 : 1;
}

static int vmacct_sys_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	const struct vmacct_syscall *c = (struct vmacct_syscall *)ri->data;
	struct vmacct_sysprobe *sp;
	struct vmacct_event ev;

	sp = container_of(get_kretprobe(ri), struct vmacct_sysprobe, rp);
	if (!vmacct_classify_map_count(sp->sys, c, regs_return_value(regs)))
		return 0;
	vmacct_stats_map_count(sp->sys);
	if (!vmacct_ring_have_readers())
		return 0;

	memset(&ev, 0, sizeof(ev));
	ev.type = VMACCT_EV_MAP_COUNT;
	ev.caller = sp->sys;
	ev.mode = vmacct_overcommit_memory();
	ev.verdict = -ENOMEM;
	ev.map_count = c->map_count;
	ev.max_map_count = c->max_map_count;
	if (sp->sys != VMACCT_SYS_BRK)
		ev.pages = PAGE_ALIGN(c->arg1) >> PAGE_SHIFT;
	ev.total_vm = READ_ONCE(current->mm->total_vm);
	vmacct_ring_emit(&ev);
	return 0;
}

#define VMACCT_SYSPROBE(_sym, _sys, _opt) {				\
	.rp = {								\
		.kp.symbol_name	= _sym,					\
		.entry_handler	= vmacct_sys_entry,			\
		.handler	= vmacct_sys_ret,			\
		.data_size	= sizeof(struct vmacct_syscall),	\
		.maxactive	= VMACCT_SYS_MAXACTIVE,			\
	},								\
	.sys = _sys,							\
	.optional = _opt,						\
}

static struct vmacct_sysprobe vmacct_sysprobes[] = {
	VMACCT_SYSPROBE("__x64_sys_mmap", VMACCT_SYS_MMAP, false),
	VMACCT_SYSPROBE("__x64_sys_munmap", VMACCT_SYS_MUNMAP, false),
	VMACCT_SYSPROBE("__x64_sys_mprotect", VMACCT_SYS_MPROTECT, false),
	VMACCT_SYSPROBE("__x64_sys_pkey_mprotect", VMACCT_SYS_MPROTECT, true),
	VMACCT_SYSPROBE("__x64_sys_mremap", VMACCT_SYS_MREMAP, false),
	VMACCT_SYSPROBE("__x64_sys_brk", VMACCT_SYS_BRK, false),
	VMACCT_SYSPROBE("__x64_sys_madvise", VMACCT_SYS_MADVISE, false),
	VMACCT_SYSPROBE("__x64_sys_mlock", VMACCT_SYS_MLOCK, false),
	VMACCT_SYSPROBE("__x64_sys_mlock2", VMACCT_SYS_MLOCK, true),
	VMACCT_SYSPROBE("__x64_sys_munlock", VMACCT_SYS_MUNLOCK, false),
};

/*
 * Each kretprobe is registered once, the first time it is needed, and
 * unregistered only at module exit; in between it is enabled and disabled
 * (a disabled probe is disarmed and costs nothing).  Re-registering would
 * resolve the symbol and allocate the instance pool again each time, and
 * would need the struct kretprobe's state reset by hand; nmissed then
 * counts since load.  (The guest crashes once blamed on re-registering
 * came from QEMU's multi-threaded TCG: scripts/guest/README.md.)
 */
static int vmacct_probe_on(struct kretprobe *rp, bool *registered)
{
	int err;

	if (*registered)
		return enable_kretprobe(rp);
	err = register_kretprobe(rp);
	*registered = !err;
	return err;
}

static void vmacct_syscalls_disarm(void)
{
	struct vmacct_sysprobe *sp;
	int i;

	lockdep_assert_held(&vmacct_probe_mutex);
	for (i = 0; i < ARRAY_SIZE(vmacct_sysprobes); i++) {
		sp = &vmacct_sysprobes[i];
		if (sp->enabled)
			disable_kretprobe(&sp->rp);
		sp->enabled = false;
	}
	vmacct_syscalls_on = false;
}

/**
 * vmacct_probe_decisions_on - arm the decision probe
 *
 * Return: 0 (also if it was armed), or the error registering it.
 */
int vmacct_probe_decisions_on(void)
{
	int err = 0;

	mutex_lock(&vmacct_probe_mutex);
	if (vmacct_decisions_on)
		goto out;
	err = vmacct_probe_on(&vmacct_decision_probe,
			      &vmacct_decision_registered);
	if (err) {
		pr_err("cannot probe __vm_enough_memory: %d\n", err);
		goto out;
	}
	vmacct_decisions_on = true;
out:
	mutex_unlock(&vmacct_probe_mutex);
	return err;
}

/*
 * Arm the system call probes.  One that cannot be armed is reported and
 * left out: its map-count failures go unseen, the others still work.
 * Arming patches text and costs milliseconds under emulation.
 */
void vmacct_probe_syscalls_on(void)
{
	struct vmacct_sysprobe *sp;
	int i, err;

	mutex_lock(&vmacct_probe_mutex);
	if (vmacct_syscalls_on)
		goto out;
	for (i = 0; i < ARRAY_SIZE(vmacct_sysprobes); i++) {
		sp = &vmacct_sysprobes[i];
		err = vmacct_probe_on(&sp->rp, &sp->registered);
		if (err && !sp->optional)
			pr_warn("cannot probe %s (%d): its map-count failures will not be seen\n",
				sp->rp.kp.symbol_name, err);
		sp->enabled = !err;
	}
	vmacct_syscalls_on = true;
out:
	mutex_unlock(&vmacct_probe_mutex);
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
		disable_kretprobe(&vmacct_decision_probe);
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

/* Calls lost to a full kretprobe instance pool or recursion, since load. */
u64 vmacct_probe_missed(void)
{
	u64 missed;
	int i;

	mutex_lock(&vmacct_probe_mutex);
	missed = vmacct_decision_probe.nmissed +
		 vmacct_decision_probe.kp.nmissed;
	for (i = 0; i < ARRAY_SIZE(vmacct_sysprobes); i++)
		missed += vmacct_sysprobes[i].rp.nmissed;
	mutex_unlock(&vmacct_probe_mutex);
	return missed;
}

/*
 * Module exit, or a failed load: unregister every probe, which disarms it
 * and waits for handlers in progress.
 */
void vmacct_probe_exit(void)
{
	struct kretprobe *rps[ARRAY_SIZE(vmacct_sysprobes) + 1];
	int i, n = 0;

	mutex_lock(&vmacct_probe_mutex);
	if (vmacct_decision_registered)
		rps[n++] = &vmacct_decision_probe;
	vmacct_decision_registered = false;
	vmacct_decisions_on = false;
	for (i = 0; i < ARRAY_SIZE(vmacct_sysprobes); i++) {
		if (vmacct_sysprobes[i].registered)
			rps[n++] = &vmacct_sysprobes[i].rp;
		vmacct_sysprobes[i].registered = false;
		vmacct_sysprobes[i].enabled = false;
	}
	vmacct_syscalls_on = false;
	/* all at once: one RCU grace period instead of one per probe */
	if (n)
		unregister_kretprobes(rps, n);
	mutex_unlock(&vmacct_probe_mutex);
}
