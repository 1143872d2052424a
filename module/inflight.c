// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: a __vm_enough_memory() call between its entry and its verdict.
 *
 * The probes (probe.c, entry.c) see a call at most twice: at its entry, with
 * its arguments, and, for a refused call only, where the kernel's refusal
 * path asks the ratelimit of its "not enough memory" warning (every
 * refusal asks, whether or not it then prints; no allowed call does).
 * Nothing sees an allowed call return.  So each CPU keeps the call that
 * entered last in a slot: its arguments for the refusal, which happens on
 * the same task without sleeping in between (the function never sleeps).
 *
 * Counting needs nothing more: a decision counts at entry, a denial at
 * the refusal.  A reader needs every decision with its verdict, which is
 * certain at entry for most calls:
 *  - mode 1 allows everything; mode 0 compares the request with a bound
 *    only memory hot-plug or swapon changes (these records are queued at
 *    entry, allowed, or left to the refusal when refused);
 *  - mode 2 compares the per-CPU read of vm_committed_as after the
 *    charge with "allowed": certain unless the predicted count is within
 *    committed_error of it, where other CPUs folding their deltas between
 *    this entry and the kernel's own read may flip it.
 * A call that is not certain allowed stays pending in its slot until its
 * refusal, or until it has certainly returned: the same CPU enters the
 * next call, a pinned timer finds the task gone from the CPU or in user
 * mode, or a reader about to read finds it so (or finds that the task is
 * the reader itself).  Its record then says allowed.  With full preemption a task
 * can be preempted inside the call; a pending record is then settled as
 * allowed when its CPU's timer finds another task running, and a refusal
 * that follows is still queued: the reader sees both (never on
 * PREEMPT_NONE or PREEMPT_VOLUNTARY kernels, which cannot preempt there).
 *
 * The refusal probe is a kprobe on a function built without ftrace
 * entries, so its handler may run in the int3 handler, which x86 enters
 * as an NMI: it builds the record with NMI-safe reads only (the terms,
 * the fast clocks, the task's ids) into a per-CPU staging queue and
 * leaves queueing it for the readers and the recorder, which take locks,
 * to an irq_work on the same CPU.  The entry, called from an entry hook
 * (entry.c), keeps preemption off while it fills its CPU's slot.
 * Nothing here sleeps.
 */
#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/mm_types.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmacct.h>
#include <asm/irq_regs.h>

#include "classify.h"
#include "commit.h"
#include "compat.h"
#include "events.h"
#include "inflight.h"
#include "recorder.h"
#include "ring.h"
#include "stats.h"
#include "syms.h"

#define VMACCT_SETTLE_NS	NSEC_PER_MSEC	/* a pending record's timer */
#define VMACCT_STAGED		4	/* refusals awaiting the irq_work */

struct vmacct_inflight {
	/*
	 * The call that entered last on this CPU.  @task is cleared before
	 * and set after the other fields, so that a refusal on another CPU
	 * (a task migrated inside the call) reads them whole or not at all.
	 */
	struct task_struct *task;	/* compared, never dereferenced */
	struct mm_struct *mm;		/* read nofault, at a refusal */
	long pages;
	u32 caller;
	int cap_sys_admin;

	/*
	 * 1 while @ev awaits the verdict.  Whoever turns it to 0 (the
	 * settling, or the refusal) owns @ev's fate; @ev is written only
	 * while it is 0, on this CPU.
	 */
	atomic_t pending;
	struct vmacct_event ev;
	struct hrtimer settle;

	/* refusals staged for the irq_work: NMI in, hard interrupt out */
	struct vmacct_record staged[VMACCT_STAGED];
	unsigned int staged_in;		/* written by the refusal only */
	unsigned int staged_out;	/* written by the irq_work only */
	struct irq_work work;
};

static DEFINE_PER_CPU(struct vmacct_inflight, vmacct_inflight);
static atomic64_t vmacct_unmatched = ATOMIC64_INIT(0);
static atomic64_t vmacct_lost = ATOMIC64_INIT(0);

/*
 * A record is built again in the same per-CPU slot for every decision a
 * reader wants, with nothing cleared first: vmacct_inflight_terms() and
 * vmacct_ring_stamp() write every field, and the fields end where the
 * record does.  A field added to struct vmacct_event must be written
 * there too; this fails until it is considered.
 */
static_assert(offsetofend(struct vmacct_event, cgroup_id) ==
	      sizeof(struct vmacct_event));

/*
 * The terms of a call as the kernel reads them: every field of its
 * record but the header (vmacct_ring_stamp()).  @total_vm and @map_count
 * are its mm's, 0 without one.  NMI-safe: plain reads of counters and
 * sysctls.
 */
static void vmacct_inflight_terms(struct vmacct_event *ev,
				  const struct vmacct_inflight *in,
				  u64 total_vm, u32 map_count, bool refused)
{
	vmacct_decision_terms(ev, total_vm, !!in->mm, in->pages,
			      in->cap_sys_admin);
	/* at a refusal: the read the kernel compared */
	if (refused)
		ev->committed = vmacct_committed_at_refusal(in->pages);
	ev->type = VMACCT_EV_DECISION;
	ev->caller = in->caller;
	ev->verdict = refused ? -ENOMEM : 0;
	ev->as_admin = in->cap_sys_admin;
	ev->pages = in->pages;
	ev->map_count = map_count;
	ev->max_map_count = vmacct_max_map_count();
	ev->total_vm = total_vm;
}

/* Is the verdict of the call in @ev certain to be "allowed"? */
static bool vmacct_certain_allowed(const struct vmacct_event *ev)
{
	switch (ev->mode) {
	case 1:
		return true;
	case 0:
		return ev->pages <= (s64)ev->guess_ceiling;
	default:
		return ev->committed + (s64)vmacct_committed_error() <
		       ev->allowed;
	}
}

/* A decision's record is final: to the readers, and the trace event. */
static void vmacct_inflight_emit(const struct vmacct_event *ev)
{
	vmacct_ring_queue(ev);
	trace_vmacct_decision(ev);
}

/* Is anyone interested in the records of decisions? */
static bool vmacct_inflight_wanted(void)
{
	return vmacct_ring_have_readers() || trace_vmacct_decision_enabled();
}

/*
 * Queue @in's pending record as allowed, if it is still pending.  Out of
 * line: the entry of the next call calls it only when one is pending.
 */
static noinline void vmacct_inflight_settle(struct vmacct_inflight *in)
{
	if (atomic_cmpxchg(&in->pending, 1, 0) == 1)
		vmacct_inflight_emit(&in->ev);
}

/*
 * In a hard interrupt on the CPU of a pending call: may its task still be
 * inside the call?  Only if the interrupt came from it, in kernel mode.
 */
static bool vmacct_maybe_inside(const struct vmacct_inflight *in)
{
	struct pt_regs *regs = get_irq_regs();

	return READ_ONCE(in->task) == current && (!regs || !user_mode(regs));
}

/*
 * Hard interrupt on the CPU of a pending call: settle it once its task
 * has left the CPU or runs in user mode; otherwise look again later.
 */
static enum hrtimer_restart vmacct_settle_timer(struct hrtimer *timer)
{
	struct vmacct_inflight *in =
		container_of(timer, struct vmacct_inflight, settle);

	if (!atomic_read(&in->pending))
		return HRTIMER_NORESTART;
	if (vmacct_maybe_inside(in)) {
		hrtimer_forward_now(timer, ns_to_ktime(VMACCT_SETTLE_NS));
		return HRTIMER_RESTART;
	}
	vmacct_inflight_settle(in);
	return HRTIMER_NORESTART;
}

struct vmacct_flush {
	struct vmacct_inflight *in;
	struct task_struct *reader;
};

/* IPI on the CPU of a pending call, for vmacct_inflight_flush(). */
static void vmacct_flush_one(void *arg)
{
	const struct vmacct_flush *f = arg;

	/* the reader's own call has returned: it is reading */
	if (READ_ONCE(f->in->task) == f->reader || !vmacct_maybe_inside(f->in))
		vmacct_inflight_settle(f->in);
}

/**
 * vmacct_inflight_flush - settle the pending calls that have returned
 *
 * For a reader about to read: a call pending on some CPU whose task is
 * the reader, or is not inside the call there, is settled now rather than
 * at its timer, so that a process reading its own records after a call
 * finds the call's record.  Process context; an IPI per CPU with a call
 * pending, which only a mode-2 call near the limit leaves.
 */
void vmacct_inflight_flush(void)
{
	struct vmacct_flush f = { .reader = current };
	int cpu;

	for_each_online_cpu(cpu) {
		f.in = per_cpu_ptr(&vmacct_inflight, cpu);
		if (atomic_read(&f.in->pending))
			smp_call_function_single(cpu, vmacct_flush_one, &f, 1);
	}
}

/*
 * A reader (or the decision trace event) wants the record of the call in
 * @in: queue it now if its verdict is certain, or leave it pending.  In
 * line in vmacct_inflight_enter_slow(), which is out of line already, so
 * that the calls nobody reads save no more registers than they use.
 */
static __always_inline void vmacct_inflight_record(struct vmacct_inflight *in)
{
	struct mm_struct *mm = in->mm;

	/* at the entry: the mm is the caller's, and alive */
	vmacct_inflight_terms(&in->ev, in, mm ? READ_ONCE(mm->total_vm) : 0,
			      mm ? READ_ONCE(mm->map_count) : 0, false);
	vmacct_ring_stamp(&in->ev);
	if (vmacct_certain_allowed(&in->ev)) {
		vmacct_inflight_emit(&in->ev);
		return;
	}
	atomic_set(&in->pending, 1);
	hrtimer_start(&in->settle, ns_to_ktime(VMACCT_SETTLE_NS),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

/*
 * Take the call into this CPU's slot @in, and count it.  Preemption off.
 * The mm's counts are read when a record is made, not here: at the
 * refusal they are still what the kernel compares (its caller holds the
 * mm, and the function changes neither).
 */
static __always_inline void vmacct_inflight_take(struct vmacct_inflight *in,
						 struct mm_struct *mm,
						 long pages, int cap_sys_admin,
						 u32 caller)
{
	WRITE_ONCE(in->task, NULL);
	barrier();
	in->mm = mm;
	in->pages = pages;
	in->cap_sys_admin = cap_sys_admin;
	in->caller = caller;
	/* the fields before the task: pairs with vmacct_inflight_find() */
	smp_store_release(&in->task, current);
	vmacct_stats_decision(caller);
}

/*
 * vmacct_inflight_enter() for the calls its fast path leaves: one still
 * pending on this CPU, a @caller only the stack names, a reader.
 * Preemption off.
 */
static noinline void vmacct_inflight_enter_slow(struct vmacct_inflight *in,
						struct mm_struct *mm,
						long pages, int cap_sys_admin,
						unsigned long parent,
						u32 caller)
{
	/* the call before on this CPU has returned, or it would be here */
	if (atomic_read(&in->pending))
		vmacct_inflight_settle(in);
	if (caller == VMACCT_CALLER_UNKNOWN)
		caller = vmacct_classify_caller(mm, parent);
	vmacct_inflight_take(in, mm, pages, cap_sys_admin, caller);
	if (vmacct_inflight_wanted())
		vmacct_inflight_record(in);
}

/**
 * vmacct_inflight_enter - a __vm_enough_memory() call enters
 * @mm: its first argument
 * @pages: its second
 * @cap_sys_admin: its third
 * @parent: its return address
 *
 * Called by a direct call's trampoline or an ftrace_ops callback (entry.c),
 * on the calling task, preemption on or off.  Every decision comes here,
 * so most end in the fast path: nothing pending on this CPU, a caller the
 * system call names, no reader.  It calls nothing, and nothing is live
 * after the slow path's call, so it saves no register.
 */
void notrace vmacct_inflight_enter(struct mm_struct *mm, long pages,
				   int cap_sys_admin, unsigned long parent)
{
	u32 caller = vmacct_classify_quick();
	struct vmacct_inflight *in;

	preempt_disable_notrace();
	in = this_cpu_ptr(&vmacct_inflight);
	if (unlikely(caller == VMACCT_CALLER_UNKNOWN ||
		     atomic_read(&in->pending) || vmacct_inflight_wanted()))
		vmacct_inflight_enter_slow(in, mm, pages, cap_sys_admin,
					   parent, caller);
	else
		vmacct_inflight_take(in, mm, pages, cap_sys_admin, caller);
	preempt_enable_notrace();
}

/* The slot of the current task's call: this CPU's, or another's. */
static struct vmacct_inflight *vmacct_inflight_find(void)
{
	struct vmacct_inflight *in = this_cpu_ptr(&vmacct_inflight);
	int cpu;

	/* the task before the fields: pairs with vmacct_inflight_enter() */
	if (smp_load_acquire(&in->task) == current)
		return in;
	for_each_possible_cpu(cpu) {
		in = per_cpu_ptr(&vmacct_inflight, cpu);
		/* as above */
		if (smp_load_acquire(&in->task) == current)
			return in;
	}
	return NULL;
}

/*
 * At a refusal: the counts of the refused call's mm, 0 without one.  Read
 * nofault, as a slot's mm is not held: a task that migrated inside the
 * refused call may find a slot of its own earlier call instead, whose mm
 * may be gone since (an execve() replaced it).  NMI-safe.
 */
static void vmacct_inflight_mm_counts(const struct vmacct_inflight *in,
				      u64 *total_vm, u32 *map_count)
{
	struct mm_struct *mm = READ_ONCE(in->mm);
	unsigned long tv = 0;
	int mc = 0;

	if (mm && (get_kernel_nofault(tv, &mm->total_vm) ||
		   get_kernel_nofault(mc, &mm->map_count))) {
		tv = 0;
		mc = 0;
	}
	*total_vm = tv;
	*map_count = mc;
}

/* Hard interrupt: hand the staged refusals to the readers and recorder. */
static void vmacct_inflight_work(struct irq_work *work)
{
	struct vmacct_inflight *in =
		container_of(work, struct vmacct_inflight, work);
	struct vmacct_record *rec;

	/* staged_in before the records: pairs with vmacct_inflight_refused() */
	while (in->staged_out != smp_load_acquire(&in->staged_in)) {
		rec = &in->staged[in->staged_out % VMACCT_STAGED];
		if (vmacct_ring_have_readers())
			vmacct_ring_queue(&rec->ev);
		vmacct_recorder_keep(rec);
		/* the slot is free again: pairs with the check below */
		smp_store_release(&in->staged_out, in->staged_out + 1);
	}
}

/**
 * vmacct_inflight_refused - the current task's call is being refused
 *
 * Probe context, possibly NMI-like (an int3 kprobe), on the refused task,
 * inside __vm_enough_memory() after the charge and before it is taken
 * back.
 */
void vmacct_inflight_refused(void)
{
	struct vmacct_inflight *in = vmacct_inflight_find();
	struct vmacct_inflight *here = this_cpu_ptr(&vmacct_inflight);
	struct vmacct_record *rec;
	unsigned int slot;
	u64 total_vm;
	u32 map_count;

	if (!in) {
		/* entered before the engine was armed */
		atomic64_inc(&vmacct_unmatched);
		return;
	}
	vmacct_classify_denied();
	vmacct_stats_denied(in->caller);
	/* the entry's record, if pending, gives way to this one */
	atomic_cmpxchg(&in->pending, 1, 0);

	if (vmacct_inflight_wanted() || vmacct_recorder_on() ||
	    trace_vmacct_refusal_enabled()) {
		slot = here->staged_in;
		/* a slot the irq_work is done with: pairs with its release */
		if (slot - smp_load_acquire(&here->staged_out) >=
		    VMACCT_STAGED) {
			atomic64_inc(&vmacct_lost);
		} else {
			rec = &here->staged[slot % VMACCT_STAGED];
			memset(rec, 0, sizeof(*rec));
			vmacct_inflight_mm_counts(in, &total_vm, &map_count);
			vmacct_inflight_terms(&rec->ev, in, total_vm,
					      map_count, true);
			vmacct_ring_stamp(&rec->ev);
			vmacct_recorder_stamp_decision(rec);
			/* trace events may be emitted from an NMI */
			trace_vmacct_decision(&rec->ev);
			trace_vmacct_refusal(rec);
			/* the record before its count: pairs with the work */
			smp_store_release(&here->staged_in, slot + 1);
			irq_work_queue(&here->work);
		}
	}
	WRITE_ONCE(in->task, NULL);
}

/*
 * An entry the engine could not see (ftrace's recursion guard turned it
 * away): forget this CPU's call, so that a refusal of the unseen one is
 * not taken for it.  Preemption may be on.
 */
void vmacct_inflight_lost(void)
{
	this_cpu_write(vmacct_inflight.task, NULL);
	atomic64_inc(&vmacct_lost);
}

/*
 * Calls the engine could not observe since load: entries turned away,
 * refusals it could not match to an entry or had no room to stage.
 */
u64 vmacct_inflight_missed(void)
{
	return atomic64_read(&vmacct_lost) + atomic64_read(&vmacct_unmatched);
}

void vmacct_inflight_init(void)
{
	struct vmacct_inflight *in;
	int cpu;

	vmacct_classify_init();
	for_each_possible_cpu(cpu) {
		in = per_cpu_ptr(&vmacct_inflight, cpu);
		vmacct_hrtimer_setup(&in->settle, vmacct_settle_timer,
				     HRTIMER_MODE_REL_HARD);
		init_irq_work(&in->work, vmacct_inflight_work);
	}
}

/*
 * After the decision probes are disarmed and no handler runs: hand over
 * what is staged, and forget every call.  A pending record is dropped: its
 * refusal, if any, is no longer seen, so it has no verdict.
 */
void vmacct_inflight_reset(void)
{
	struct vmacct_inflight *in;
	int cpu;

	for_each_possible_cpu(cpu) {
		in = per_cpu_ptr(&vmacct_inflight, cpu);
		hrtimer_cancel(&in->settle);
		irq_work_sync(&in->work);
		atomic_set(&in->pending, 0);
		WRITE_ONCE(in->task, NULL);
	}
}
