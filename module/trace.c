// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the live stream of real decisions.
 *
 * Two kinds of record reach every trace reader whose filter they match:
 *
 *  - decisions: a kretprobe on __vm_enough_memory() (probed, never called:
 *    it is sealed on IBT kernels) records each call with the terms the
 *    kernel used and its verdict;
 *  - map-count failures: kretprobes on the system calls that create or
 *    split VMAs record a call that failed with ENOMEM because of
 *    vm.max_map_count.  Their entry handlers return at once, arming no
 *    return probe, unless the mm is within 5 VMAs of the limit, so they
 *    cost next to nothing elsewhere; other system calls are not probed.
 *
 * The probes are armed while at least one reader exists or counting is
 * on (stats/enabled), and only then.  Counting needs no reader: the
 * return handlers add each decision and each map-count failure to per-CPU
 * counters, and build a record only when a reader exists.  Each reader
 * has its own bounded ring: a full ring drops the record and counts it,
 * and never blocks or slows the traced task.
 * Handlers run in atomic context (possibly under swap_lock): they take
 * only the ring's raw spinlock and defer the reader's wake-up to an
 * irq_work.
 *
 * An open /dev/vmacct pins the module, so module exit never meets a
 * reader.  To unload while readers exist, writing 0 to trace/enabled
 * detaches them all: blocked read()s return -ENODEV, poll() reports
 * EPOLLHUP | EPOLLERR, and once they close the module can go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/ptrace.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <asm/unistd.h>

#include "vmacct.h"

#define VMACCT_READ_BATCH	VMACCT_READ_MAX_RECORDS
#define VMACCT_SYS_MAXACTIVE	64	/* concurrent near-limit syscalls */
#define VMACCT_WAKE_NS		NSEC_PER_MSEC	/* at most one wake-up per ms */

struct vmacct_reader {
	struct list_head node;		/* on vmacct_readers (RCU) */
	raw_spinlock_t lock;		/* protects everything below */
	struct vmacct_event *ring;
	u32 size;			/* records in @ring */
	u32 head;			/* oldest record */
	u32 count;			/* records queued */
	u64 dropped;
	u32 flags;			/* VMACCT_TRACE_* */
	pid_t pid;
	pid_t tgid;
	bool detached;
	bool listed;			/* protected by vmacct_trace_mutex */

	u64 woken_ns;			/* last wake-up queued */

	wait_queue_head_t wq;
	struct irq_work wakeup;		/* wakes @wq from probe context */
	struct hrtimer wake_timer;	/* a wake-up deferred by the limit */
	struct mutex read_mutex;	/* one read() at a time: @bounce */
	struct vmacct_event *bounce;
};

static DEFINE_MUTEX(vmacct_trace_mutex);	/* readers list and probes */
static LIST_HEAD(vmacct_readers);	/* protected by vmacct_trace_mutex */
static bool vmacct_probes_on;		/* protected by vmacct_trace_mutex */
static bool vmacct_sys_armed;		/* protected by vmacct_trace_mutex */

/*
 * Written under vmacct_trace_mutex, read by the probes: counting is on,
 * and the readers list is not empty (a record is worth building).
 */
static bool vmacct_stats_on;
static bool vmacct_have_readers;

/* Counting, since load: per CPU, summed when read (vmacct_stats_read()). */
struct vmacct_counts {
	u64 decisions[VMACCT_STATS_SLOTS];
	u64 denied[VMACCT_STATS_SLOTS];
	u64 map_count[VMACCT_STATS_SLOTS];
};

static DEFINE_PER_CPU(struct vmacct_counts, vmacct_counts);
static u64 vmacct_counting_ns;		/* protected by vmacct_trace_mutex */
static u64 vmacct_counting_since;	/* protected by vmacct_trace_mutex */

static unsigned int vmacct_ring_records = VMACCT_RING_DEFAULT;
static atomic64_t vmacct_nr_events = ATOMIC64_INIT(0);
static atomic64_t vmacct_nr_denied = ATOMIC64_INIT(0);
static atomic64_t vmacct_nr_dropped = ATOMIC64_INIT(0);

/*
 * The last commit denial, so that a system call failing with ENOMEM
 * because of commit accounting is not taken for a map-count failure.
 */
static atomic64_t vmacct_denial_seq = ATOMIC64_INIT(0);
static pid_t vmacct_denial_tgid;	/* WRITE_ONCE/READ_ONCE */

static void vmacct_reader_wakeup(struct irq_work *work)
{
	struct vmacct_reader *r = container_of(work, struct vmacct_reader,
					       wakeup);

	wake_up_interruptible_poll(&r->wq, EPOLLIN | EPOLLRDNORM);
}

static enum hrtimer_restart vmacct_wake_timer(struct hrtimer *timer)
{
	struct vmacct_reader *r = container_of(timer, struct vmacct_reader,
					       wake_timer);

	wake_up_interruptible_poll(&r->wq, EPOLLIN | EPOLLRDNORM);
	return HRTIMER_NORESTART;
}

/*
 * The ring went from empty to non-empty: wake the reader, at most once a
 * millisecond, so that a reader keeping up with a busy system is not woken
 * for every record; the timer delivers a wake-up held back by the limit.
 * Called with r->lock held.
 */
static void vmacct_wake(struct vmacct_reader *r, u64 now)
{
	if (now - r->woken_ns >= VMACCT_WAKE_NS) {
		r->woken_ns = now;
		irq_work_queue(&r->wakeup);
	} else if (!hrtimer_is_queued(&r->wake_timer)) {
		hrtimer_start(&r->wake_timer, ns_to_ktime(VMACCT_WAKE_NS),
			      HRTIMER_MODE_REL_SOFT);
	}
}

static bool vmacct_match(const struct vmacct_reader *r,
			 const struct vmacct_event *ev)
{
	if (ev->type == VMACCT_EV_DECISION) {
		if (r->flags & VMACCT_TRACE_NO_DECISIONS)
			return false;
		if ((r->flags & VMACCT_TRACE_DENIED) && !ev->verdict)
			return false;
	} else if (r->flags & VMACCT_TRACE_NO_MAP_COUNT) {
		return false;
	}
	if (r->pid && r->pid != ev->pid)
		return false;
	if (r->tgid && r->tgid != ev->tgid)
		return false;
	return true;
}

/* Probe context: queue @ev for every reader that wants it. */
static void vmacct_emit(struct vmacct_event *ev)
{
	struct vmacct_reader *r;
	unsigned long flags;

	ev->version = VMACCT_EVENT_VERSION;
	ev->size = sizeof(*ev);
	ev->time_ns = ktime_get_ns();
	ev->pid = current->pid;
	ev->tgid = current->tgid;
	/* as trace events do: task_lock() may be held by our caller */
	memcpy(ev->comm, current->comm, sizeof(ev->comm));
	ev->comm[sizeof(ev->comm) - 1] = '\0';

	atomic64_inc(&vmacct_nr_events);
	rcu_read_lock();
	list_for_each_entry_rcu(r, &vmacct_readers, node) {
		raw_spin_lock_irqsave(&r->lock, flags);
		if (!r->detached && vmacct_match(r, ev)) {
			if (r->count < r->size) {
				r->ring[(r->head + r->count) % r->size] = *ev;
				/* a reader sleeps only on an empty ring */
				if (!r->count++)
					vmacct_wake(r, ev->time_ns);
			} else {
				r->dropped++;
				atomic64_inc(&vmacct_nr_dropped);
			}
		}
		raw_spin_unlock_irqrestore(&r->lock, flags);
	}
	rcu_read_unlock();
}

/*
 * What asked for the charge.  The system call the task is in says it for
 * most callers.  Two situations need a short stack walk: a page fault
 * (stack growth, or a page of a NORESERVE shmem mapping) and execve()
 * (its stack, but also the ELF loader's data and bss mappings).
 */
static u32 vmacct_stack_caller(u32 fallback)
{
	static const struct {
		const char *prefix;
		u32 caller;
	} sites[] = {
		{ "shmem_",		VMACCT_CALLER_SHMEM },
		{ "vm_brk_flags",	VMACCT_CALLER_BRK },
		{ "do_brk_flags",	VMACCT_CALLER_BRK },
		{ "mmap_region",	VMACCT_CALLER_MMAP },
		{ "__mmap_region",	VMACCT_CALLER_MMAP },
		{ "do_mmap",		VMACCT_CALLER_MMAP },
	};
	unsigned long entries[12];
	char name[KSYM_SYMBOL_LEN];
	unsigned int i, j, n;

	n = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
	for (i = 0; i < n; i++) {
		sprint_symbol_no_offset(name, entries[i]);
		for (j = 0; j < ARRAY_SIZE(sites); j++)
			if (strncmp(name, sites[j].prefix,
				    strlen(sites[j].prefix)) == 0)
				return sites[j].caller;
	}
	return fallback;
}

static u32 vmacct_caller(void)
{
	struct pt_regs *uregs;

	if (!current->mm || (current->flags & PF_KTHREAD))
		return VMACCT_CALLER_OTHER;

	uregs = task_pt_regs(current);
	/* before in_compat_syscall(): -1 has the x32 bit set */
	if ((long)uregs->orig_ax == -1)
		return vmacct_stack_caller(VMACCT_CALLER_STACK_GROWTH);
	if (in_compat_syscall())
		return VMACCT_CALLER_OTHER;

	switch (uregs->orig_ax) {
	case __NR_mmap:
		if ((uregs->r10 & MAP_TYPE) == MAP_PRIVATE)
			return VMACCT_CALLER_MMAP;
		return VMACCT_CALLER_SHMEM;
	case __NR_brk:
		return VMACCT_CALLER_BRK;
	case __NR_mprotect:
	case __NR_pkey_mprotect:
		return VMACCT_CALLER_MPROTECT;
	case __NR_mremap:
		return VMACCT_CALLER_MREMAP;
	case __NR_clone:
	case __NR_clone3:
	case __NR_fork:
	case __NR_vfork:
		return VMACCT_CALLER_FORK;
	case __NR_execve:
	case __NR_execveat:
		return vmacct_stack_caller(VMACCT_CALLER_EXEC_STACK);
	case __NR_shmget:
		return VMACCT_CALLER_SHMEM;
	case __NR_swapoff:
		return VMACCT_CALLER_SWAPOFF;
	default:
		return VMACCT_CALLER_OTHER;
	}
}

struct vmacct_decision {
	u32 caller;
	bool record;		/* @ev holds the terms: a reader existed */
	struct vmacct_event ev;
};

/*
 * __vm_enough_memory(mm, pages, cap_sys_admin): the caller, and the terms
 * before the body when a reader will want the record.  Counting alone
 * needs only the caller.
 */
static int vmacct_decision_entry(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	struct vmacct_decision *d = (struct vmacct_decision *)ri->data;
	struct vmacct_event *ev = &d->ev;
	struct mm_struct *mm;

	d->caller = vmacct_caller();
	d->record = READ_ONCE(vmacct_have_readers);
	if (!d->record)
		return 0;
	mm = (struct mm_struct *)regs_get_kernel_argument(regs, 0);
	memset(ev, 0, sizeof(*ev));
	ev->type = VMACCT_EV_DECISION;
	ev->caller = d->caller;
	vmacct_decision_terms(ev, mm, regs_get_kernel_argument(regs, 1),
			      regs_get_kernel_argument(regs, 2));
	return 0;
}

static int vmacct_decision_ret(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	struct vmacct_decision *d = (struct vmacct_decision *)ri->data;
	int verdict = (int)regs_return_value(regs);

	if (verdict) {
		WRITE_ONCE(vmacct_denial_tgid, current->tgid);
		atomic64_inc(&vmacct_denial_seq);
	}
	if (READ_ONCE(vmacct_stats_on) && d->caller < VMACCT_STATS_SLOTS) {
		this_cpu_inc(vmacct_counts.decisions[d->caller]);
		if (verdict)
			this_cpu_inc(vmacct_counts.denied[d->caller]);
	}
	if (d->record && READ_ONCE(vmacct_have_readers)) {
		d->ev.verdict = verdict;
		if (verdict)
			atomic64_inc(&vmacct_nr_denied);
		vmacct_emit(&d->ev);
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
	bool registered;	/* protected by vmacct_trace_mutex */
	bool enabled;		/* protected by vmacct_trace_mutex */
};

struct vmacct_sysdata {
	u64 denial_seq;
	unsigned long arg0, arg1, arg3;
	u32 map_count;
	u32 max_map_count;
};

static int vmacct_sys_entry(struct kretprobe_instance *ri,
			    struct pt_regs *regs)
{
	struct vmacct_sysdata *d = (struct vmacct_sysdata *)ri->data;
	struct mm_struct *mm = current->mm;
	struct pt_regs *uregs;
	int count, max;

	if (!mm || in_compat_syscall())
		return 1;
	count = READ_ONCE(mm->map_count);
	max = vmacct_max_map_count();
	/* No check site fails below max - 5 (MREMAP_FIXED). */
	if (count < max - 5)
		return 1;

	uregs = task_pt_regs(current);
	d->denial_seq = atomic64_read(&vmacct_denial_seq);
	d->arg0 = uregs->di;
	d->arg1 = uregs->si;
	d->arg3 = uregs->r10;
	d->map_count = count;
	d->max_map_count = max;
	return 0;
}

/*
 * Is [start, start + len) entirely mapped?  mprotect(), madvise() and the
 * mlock family also fail with ENOMEM on a hole, which is not the count's
 * doing.  Return context: only a trylock, and a bounded walk; when either
 * gives up, assume mapped.
 */
static bool vmacct_range_mapped(struct mm_struct *mm, unsigned long start,
				unsigned long len)
{
	VMA_ITERATOR(vmi, mm, start);
	unsigned long end = start + PAGE_ALIGN(len), next = start;
	struct vm_area_struct *vma;
	unsigned int seen = 0;

	if (end <= start || !mmap_read_trylock(mm))
		return true;
	for_each_vma_range(vmi, vma, end) {
		if (vma->vm_start > next || ++seen > 64)
			break;
		next = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return next >= end || seen > 64;
}

/* Did this call fail because of the count?  KERNEL-NOTES §4.2 */
static bool vmacct_map_count_failure(u32 sys, const struct vmacct_sysdata *d,
				     long ret)
{
	long count = d->map_count, max = d->max_map_count;

	switch (sys) {
	case VMACCT_SYS_BRK:	/* returns the old break on failure */
		return d->arg0 > (unsigned long)ret && count > max;
	case VMACCT_SYS_MMAP:
		return ret == -ENOMEM && count > max;
	case VMACCT_SYS_MUNMAP:
		return ret == -ENOMEM && count >= max;
	case VMACCT_SYS_MREMAP: {
		int reserve = vmacct_mremap_reserve(d->arg3);

		return ret == -ENOMEM && reserve >= 0 && count >= max - reserve;
	}
	case VMACCT_SYS_MADVISE:
		/* madvise turns a failed split's ENOMEM into EAGAIN */
		if (ret != -EAGAIN || count < max - 1)
			return false;
		break;
	default:	/* splits at one or both ends: each checks >= max */
		if (ret != -ENOMEM || count < max - 1)
			return false;
		break;
	}
	return vmacct_range_mapped(current->mm, d->arg0, d->arg1);
}

static int vmacct_sys_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vmacct_sysdata *d = (struct vmacct_sysdata *)ri->data;
	struct vmacct_sysprobe *sp;
	struct vmacct_event ev;
	long ret = regs_return_value(regs);

	sp = container_of(get_kretprobe(ri), struct vmacct_sysprobe, rp);
	if (!vmacct_map_count_failure(sp->sys, d, ret))
		return 0;
	/* A commit denial during this call explains the ENOMEM instead. */
	if (atomic64_read(&vmacct_denial_seq) != d->denial_seq &&
	    READ_ONCE(vmacct_denial_tgid) == current->tgid)
		return 0;

	if (READ_ONCE(vmacct_stats_on) && sp->sys < VMACCT_STATS_SLOTS)
		this_cpu_inc(vmacct_counts.map_count[sp->sys]);
	if (!READ_ONCE(vmacct_have_readers))
		return 0;

	memset(&ev, 0, sizeof(ev));
	ev.type = VMACCT_EV_MAP_COUNT;
	ev.caller = sp->sys;
	ev.mode = vmacct_overcommit_memory();
	ev.verdict = -ENOMEM;
	ev.map_count = d->map_count;
	ev.max_map_count = d->max_map_count;
	if (sp->sys != VMACCT_SYS_BRK)
		ev.pages = PAGE_ALIGN(d->arg1) >> PAGE_SHIFT;
	ev.total_vm = READ_ONCE(current->mm->total_vm);
	vmacct_emit(&ev);
	return 0;
}

#define VMACCT_SYSPROBE(_sym, _sys, _opt) {				\
	.rp = {								\
		.kp.symbol_name	= _sym,					\
		.entry_handler	= vmacct_sys_entry,			\
		.handler	= vmacct_sys_ret,			\
		.data_size	= sizeof(struct vmacct_sysdata),	\
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
 * came from QEMU's multi-threaded TCG: selftests/guest/README.md.)
 */
static void vmacct_sysprobes_off(void)
{
	struct vmacct_sysprobe *sp;
	int i;

	lockdep_assert_held(&vmacct_trace_mutex);
	for (i = 0; i < ARRAY_SIZE(vmacct_sysprobes); i++) {
		sp = &vmacct_sysprobes[i];
		if (sp->enabled)
			disable_kretprobe(&sp->rp);
		sp->enabled = false;
	}
	WRITE_ONCE(vmacct_sys_armed, false);
}

static void vmacct_probes_off(void)
{
	lockdep_assert_held(&vmacct_trace_mutex);
	if (!vmacct_probes_on)
		return;
	disable_kretprobe(&vmacct_decision_probe);
	vmacct_sysprobes_off();
	WRITE_ONCE(vmacct_probes_on, false);
}

/*
 * Are map-count failures wanted, by counting or by a reader?  Only then
 * are the system calls probed.
 */
static bool vmacct_want_map_count(void)
{
	struct vmacct_reader *r;

	lockdep_assert_held(&vmacct_trace_mutex);
	if (vmacct_stats_on)
		return true;
	list_for_each_entry(r, &vmacct_readers, node)
		if (!(READ_ONCE(r->flags) & VMACCT_TRACE_NO_MAP_COUNT))
			return true;
	return false;
}

/* Register @rp the first time, enable it afterwards. */
static int vmacct_probe_on(struct kretprobe *rp, bool *registered)
{
	int err;

	if (*registered)
		return enable_kretprobe(rp);
	err = register_kretprobe(rp);
	*registered = !err;
	return err;
}

static void vmacct_sysprobes_on(void)
{
	struct vmacct_sysprobe *sp;
	int i, err;

	lockdep_assert_held(&vmacct_trace_mutex);
	for (i = 0; i < ARRAY_SIZE(vmacct_sysprobes); i++) {
		sp = &vmacct_sysprobes[i];
		err = vmacct_probe_on(&sp->rp, &sp->registered);
		if (err && !sp->optional)
			pr_warn("cannot probe %s (%d): its map-count failures will not be seen\n",
				sp->rp.kp.symbol_name, err);
		sp->enabled = !err;
	}
	WRITE_ONCE(vmacct_sys_armed, true);
}

/*
 * Arming a kretprobe patches text and costs milliseconds under emulation,
 * so only the decision probe is armed before the first reader's ioctl
 * returns; the system call probes follow from a work item, and
 * trace/enabled reads 1 once they are all armed.
 */
static void vmacct_arm_sysprobes(struct work_struct *work)
{
	mutex_lock(&vmacct_trace_mutex);
	if (vmacct_probes_on && !vmacct_sys_armed && vmacct_want_map_count())
		vmacct_sysprobes_on();
	mutex_unlock(&vmacct_trace_mutex);
}

static DECLARE_WORK(vmacct_arm_work, vmacct_arm_sysprobes);

static bool vmacct_decision_registered;	/* protected by vmacct_trace_mutex */

static int vmacct_probes_arm(void)
{
	int err;

	lockdep_assert_held(&vmacct_trace_mutex);
	if (vmacct_probes_on)
		return 0;

	err = vmacct_probe_on(&vmacct_decision_probe,
			      &vmacct_decision_registered);
	if (err) {
		pr_err("cannot probe __vm_enough_memory: %d\n", err);
		return err;
	}
	WRITE_ONCE(vmacct_probes_on, true);
	return 0;
}

/* After the readers, their filters or counting changed: arm or disarm. */
static void vmacct_probes_sync(void)
{
	lockdep_assert_held(&vmacct_trace_mutex);
	WRITE_ONCE(vmacct_have_readers, !list_empty(&vmacct_readers));
	if (!vmacct_have_readers && !vmacct_stats_on) {
		vmacct_probes_off();
		return;
	}
	if (!vmacct_want_map_count())
		vmacct_sysprobes_off();
	else if (!vmacct_sys_armed)
		schedule_work(&vmacct_arm_work);
}

static u64 vmacct_probes_missed(void)
{
	u64 missed;
	int i;

	lockdep_assert_held(&vmacct_trace_mutex);
	missed = vmacct_decision_probe.nmissed +
		 vmacct_decision_probe.kp.nmissed;
	for (i = 0; i < ARRAY_SIZE(vmacct_sysprobes); i++)
		missed += vmacct_sysprobes[i].rp.nmissed;
	return missed;
}

/* Lost to a full kretprobe instance pool or recursion, since load. */
u64 vmacct_trace_missed(void)
{
	u64 missed;

	mutex_lock(&vmacct_trace_mutex);
	missed = vmacct_probes_missed();
	mutex_unlock(&vmacct_trace_mutex);
	return missed;
}

/**
 * vmacct_stats_set - start or stop counting
 * @on: true to count decisions and map-count failures
 *
 * Starting arms every probe before it returns, so whatever happens after
 * is counted.  Stopping keeps the counts; the probes stay armed only if a
 * reader needs them.
 *
 * Return: 0, or the error registering the decision probe.
 */
int vmacct_stats_set(bool on)
{
	int err = 0;

	mutex_lock(&vmacct_trace_mutex);
	if (on == vmacct_stats_on)
		goto out;
	if (on) {
		err = vmacct_probes_arm();
		if (err)
			goto out;
		if (!vmacct_sys_armed)
			vmacct_sysprobes_on();
		vmacct_counting_since = ktime_get_ns();
		WRITE_ONCE(vmacct_stats_on, true);
	} else {
		WRITE_ONCE(vmacct_stats_on, false);
		vmacct_counting_ns += ktime_get_ns() - vmacct_counting_since;
		vmacct_probes_sync();
	}
out:
	mutex_unlock(&vmacct_trace_mutex);
	return err;
}

bool vmacct_stats_enabled(void)
{
	return READ_ONCE(vmacct_stats_on);
}

/**
 * vmacct_stats_read - the counters since load
 * @s: output fields filled; size, flags and reserved left alone
 *
 * The per-CPU counts are summed without stopping the probes, so a count
 * may be a call or two behind one taken at the same moment on another CPU;
 * each one only grows.
 */
void vmacct_stats_read(struct vmacct_stats *s)
{
	const struct vmacct_counts *c;
	int cpu, i;

	memset(s->decisions, 0, sizeof(s->decisions));
	memset(s->denied, 0, sizeof(s->denied));
	memset(s->map_count, 0, sizeof(s->map_count));
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(&vmacct_counts, cpu);
		for (i = 0; i < VMACCT_STATS_SLOTS; i++) {
			s->decisions[i] += READ_ONCE(c->decisions[i]);
			s->denied[i] += READ_ONCE(c->denied[i]);
			s->map_count[i] += READ_ONCE(c->map_count[i]);
		}
	}

	mutex_lock(&vmacct_trace_mutex);
	s->enabled = vmacct_stats_on;
	s->counting_ns = vmacct_counting_ns;
	if (vmacct_stats_on)
		s->counting_ns += ktime_get_ns() - vmacct_counting_since;
	s->missed = vmacct_probes_missed();
	mutex_unlock(&vmacct_trace_mutex);
}

static void vmacct_reader_free(struct vmacct_reader *r)
{
	hrtimer_cancel(&r->wake_timer);
	irq_work_sync(&r->wakeup);
	vfree(r->ring);
	kfree(r->bounce);
	kfree(r);
}

static struct vmacct_reader *vmacct_reader_alloc(void)
{
	struct vmacct_reader *r;
	u32 size = READ_ONCE(vmacct_ring_records);

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	r->ring = vmalloc_array(size, sizeof(*r->ring));
	r->bounce = kmalloc_array(VMACCT_READ_BATCH, sizeof(*r->bounce),
				  GFP_KERNEL);
	if (!r->ring || !r->bounce) {
		vfree(r->ring);
		kfree(r->bounce);
		kfree(r);
		return NULL;
	}
	r->size = size;
	raw_spin_lock_init(&r->lock);
	init_waitqueue_head(&r->wq);
	init_irq_work(&r->wakeup, vmacct_reader_wakeup);
	vmacct_hrtimer_setup(&r->wake_timer, vmacct_wake_timer);
	mutex_init(&r->read_mutex);
	return r;
}

/**
 * vmacct_trace_attach - make @*rp a trace reader, with filter @t
 * @rp: the file's reader slot; allocated on first use
 * @t: flags, pid and tgid in; buffer_size and dropped out
 *
 * Return: 0, -EPERM without CAP_PERFMON or CAP_SYS_ADMIN, -EINVAL for
 * unknown flags or negative ids, -ENOMEM, or an error registering the
 * probes.
 */
int vmacct_trace_attach(struct vmacct_reader **rp, struct vmacct_trace *t)
{
	struct vmacct_reader *r;
	unsigned long flags;
	int err = 0;

	if (!perfmon_capable())
		return -EPERM;
	if ((t->flags & ~VMACCT_TRACE_FLAGS) || t->pid < 0 || t->tgid < 0 ||
	    t->reserved)
		return -EINVAL;

	mutex_lock(&vmacct_trace_mutex);
	r = *rp;
	if (!r) {
		r = vmacct_reader_alloc();
		if (!r) {
			err = -ENOMEM;
			goto out;
		}
		err = vmacct_probes_arm();
		if (err) {
			vmacct_reader_free(r);
			goto out;
		}
		list_add_tail_rcu(&r->node, &vmacct_readers);
		r->listed = true;
		/* publish r fully built: pairs with vmacct_reader_of() */
		smp_store_release(rp, r);
	}
	raw_spin_lock_irqsave(&r->lock, flags);
	WRITE_ONCE(r->flags, t->flags);
	r->pid = t->pid;
	r->tgid = t->tgid;
	t->buffer_size = r->size;
	t->dropped = r->dropped;
	raw_spin_unlock_irqrestore(&r->lock, flags);
	if (r->listed)
		vmacct_probes_sync();
out:
	mutex_unlock(&vmacct_trace_mutex);
	return err;
}

/* Called at the last close of the file. */
void vmacct_trace_detach(struct vmacct_reader *r)
{
	if (!r)
		return;
	mutex_lock(&vmacct_trace_mutex);
	if (r->listed)
		list_del_rcu(&r->node);
	r->listed = false;
	vmacct_probes_sync();
	mutex_unlock(&vmacct_trace_mutex);
	flush_work(&vmacct_arm_work);
	synchronize_rcu();
	vmacct_reader_free(r);
}

/* trace/enabled = 0: detach every reader, disarm what counting does not use */
void vmacct_trace_stop(void)
{
	struct vmacct_reader *r, *tmp;
	unsigned long flags;

	mutex_lock(&vmacct_trace_mutex);
	list_for_each_entry_safe(r, tmp, &vmacct_readers, node) {
		raw_spin_lock_irqsave(&r->lock, flags);
		r->detached = true;
		raw_spin_unlock_irqrestore(&r->lock, flags);
		list_del_rcu(&r->node);
		r->listed = false;
		wake_up_interruptible_poll(&r->wq, EPOLLHUP | EPOLLERR);
	}
	vmacct_probes_sync();	/* counting keeps its probes */
	mutex_unlock(&vmacct_trace_mutex);
	flush_work(&vmacct_arm_work);
	synchronize_rcu();
}

/*
 * Module exit, or a failed load: no file is open, so no reader exists, and
 * sysfs is gone, so counting cannot start again; the probes may still be
 * armed for counting, and unregistering disarms them.
 */
void vmacct_trace_exit(void)
{
	struct kretprobe *rps[ARRAY_SIZE(vmacct_sysprobes) + 1];
	int i, n = 0;

	cancel_work_sync(&vmacct_arm_work);
	mutex_lock(&vmacct_trace_mutex);
	WRITE_ONCE(vmacct_stats_on, false);
	if (vmacct_decision_registered)
		rps[n++] = &vmacct_decision_probe;
	vmacct_decision_registered = false;
	for (i = 0; i < ARRAY_SIZE(vmacct_sysprobes); i++) {
		if (vmacct_sysprobes[i].registered)
			rps[n++] = &vmacct_sysprobes[i].rp;
		vmacct_sysprobes[i].registered = false;
	}
	/* all at once: one RCU grace period instead of one per probe */
	if (n)
		unregister_kretprobes(rps, n);
	mutex_unlock(&vmacct_trace_mutex);
}

/* A reader exists and every probe it needs is armed. */
bool vmacct_trace_enabled(void)
{
	bool on;

	mutex_lock(&vmacct_trace_mutex);
	on = !list_empty(&vmacct_readers) && vmacct_probes_on &&
	     (vmacct_sys_armed || !vmacct_want_map_count());
	mutex_unlock(&vmacct_trace_mutex);
	return on;
}

ssize_t vmacct_trace_read(struct vmacct_reader *r, char __user *buf,
			  size_t len, bool nonblock)
{
	size_t want = min_t(size_t, len / sizeof(struct vmacct_event),
			    VMACCT_READ_BATCH);
	unsigned long flags;
	size_t n, i;
	ssize_t ret;
	bool detached;

	if (!want)
		return -EINVAL;
	if (mutex_lock_interruptible(&r->read_mutex))
		return -ERESTARTSYS;
	for (;;) {
		raw_spin_lock_irqsave(&r->lock, flags);
		detached = r->detached;
		n = min_t(size_t, want, r->count);
		for (i = 0; i < n; i++)
			r->bounce[i] = r->ring[(r->head + i) % r->size];
		r->head = (r->head + n) % r->size;
		r->count -= n;
		raw_spin_unlock_irqrestore(&r->lock, flags);

		if (n)
			break;
		if (detached) {
			ret = -ENODEV;
			goto out;
		}
		if (nonblock) {
			ret = -EAGAIN;
			goto out;
		}
		ret = wait_event_interruptible(r->wq, READ_ONCE(r->count) ||
					       READ_ONCE(r->detached));
		if (ret)
			goto out;
	}
	ret = n * sizeof(struct vmacct_event);
	if (copy_to_user(buf, r->bounce, ret))
		ret = -EFAULT;
out:
	mutex_unlock(&r->read_mutex);
	return ret;
}

__poll_t vmacct_trace_poll(struct vmacct_reader *r, struct file *file,
			   poll_table *wait)
{
	__poll_t mask = 0;

	poll_wait(file, &r->wq, wait);
	if (READ_ONCE(r->count))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(r->detached))
		mask |= EPOLLHUP | EPOLLERR;
	return mask;
}

u64 vmacct_trace_events(void)
{
	return atomic64_read(&vmacct_nr_events);
}

u64 vmacct_trace_denied(void)
{
	return atomic64_read(&vmacct_nr_denied);
}

u64 vmacct_trace_dropped(void)
{
	return atomic64_read(&vmacct_nr_dropped);
}

unsigned int vmacct_trace_buffer_size(void)
{
	return READ_ONCE(vmacct_ring_records);
}

int vmacct_trace_set_buffer_size(unsigned int records)
{
	if (records < VMACCT_RING_MIN || records > VMACCT_RING_MAX)
		return -EINVAL;
	WRITE_ONCE(vmacct_ring_records, records);
	return 0;
}
