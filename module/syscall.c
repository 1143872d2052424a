// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: a system call near vm.max_map_count, followed from its entry to
 * its return.
 *
 * entry.c's hooks run vmacct_syscall_enter() (syscall.h) at the entry of
 * each system call that creates or splits VMAs; a direct call's
 * trampoline makes its first test itself.  Most return at once: the mm
 * is far from the peaks table's floor and from the limit, or holds the
 * table at that count already (peaks.h).  A call that might fail on the
 * count (classify.c) gets a task_work (TWA_RESUME), which runs when the
 * call returns to user mode, where the return value is still in the
 * task's registers, and judges it there: counted and recorded when it
 * failed because of the count.
 * Each queued work holds a module reference, so delete_module() answers
 * EBUSY until it has run (`vmacct unload` retries); the work drops it as
 * its last act, and module exit waits for RCU Tasks, whose grace period
 * a task still returning from that work has not passed.
 */
#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/vmacct.h>
#include <linux/wait_bit.h>

#include "classify.h"
#include "events.h"
#include "peaks.h"
#include "recorder.h"
#include "ring.h"
#include "rules.h"
#include "stats.h"
#include "syms.h"
#include "syscall.h"

/* A system call near the limit, between its entry and its return. */
struct vmacct_syswork {
	struct callback_head head;
	struct vmacct_syscall c;
	u32 sys;
};

static atomic_t vmacct_sys_pending = ATOMIC_INIT(0);
static atomic64_t vmacct_sys_lost = ATOMIC64_INIT(0);

/* A call that failed on the count: count it, and record it if wanted. */
static void vmacct_syscall_failed(u32 sys, const struct vmacct_syscall *c)
{
	struct vmacct_record rec;
	struct vmacct_event *ev = &rec.ev;
	s64 enough;

	vmacct_stats_map_count(sys);
	if (!vmacct_ring_have_readers() && !vmacct_recorder_on() &&
	    !trace_vmacct_map_count_enabled())
		return;

	memset(&rec, 0, sizeof(rec));
	ev->type = VMACCT_EV_MAP_COUNT;
	ev->caller = sys;
	ev->mode = vmacct_overcommit_memory();
	ev->verdict = -ENOMEM;
	ev->map_count = c->map_count;
	ev->max_map_count = c->max_map_count;
	if (sys != VMACCT_SYS_BRK)
		ev->pages = PAGE_ALIGN(c->arg1) >> PAGE_SHIFT;
	ev->total_vm = READ_ONCE(current->mm->total_vm);
	vmacct_ring_stamp(ev);
	if (vmacct_ring_have_readers())
		vmacct_ring_queue(ev);
	enough = vmacct_classify_enough(sys, c);
	vmacct_recorder_stamp_map_count(&rec, enough);
	trace_vmacct_map_count(&rec);
	vmacct_recorder_keep(&rec);
}

/*
 * The task_work of a call near the limit, on its way back to user mode
 * (or in do_exit(), after exit_mm(): then there is nothing to judge).
 * The module reference goes last: only the return is left to run here
 * after it, which module exit's RCU Tasks grace period waits for.
 */
static void vmacct_syscall_return(struct callback_head *head)
{
	struct vmacct_syswork *w = container_of(head, struct vmacct_syswork,
						head);
	long ret = regs_return_value(task_pt_regs(current));

	if (current->mm && vmacct_classify_map_count(w->sys, &w->c, ret))
		vmacct_syscall_failed(w->sys, &w->c);
	kfree(w);
	if (atomic_dec_and_test(&vmacct_sys_pending))
		wake_up_var(&vmacct_sys_pending);
	module_put(THIS_MODULE);
}

/*
 * A call whose mm is near the limit: follow it to its return if one of
 * the checks it makes could fail.  Out of line, so that the calls that
 * end at the two comparisons of vmacct_syscall_enter() do not set up (and,
 * with INIT_STACK_ALL_ZERO, clear) this frame.
 */
static noinline void vmacct_syscall_watch(u32 sys, int count, int max)
{
	struct vmacct_syswork *w;
	struct vmacct_syscall c;

	if (!vmacct_classify_enter(&c, count, max))
		return;
	if (!try_module_get(THIS_MODULE))	/* unloading */
		return;
	w = kmalloc(sizeof(*w), GFP_NOWAIT | __GFP_NOWARN);
	if (!w)
		goto lost;
	w->c = c;
	w->sys = sys;
	init_task_work(&w->head, vmacct_syscall_return);
	atomic_inc(&vmacct_sys_pending);
	if (!task_work_add(current, &w->head, TWA_RESUME))
		return;
	atomic_dec(&vmacct_sys_pending);	/* exiting: runs no more work */
	kfree(w);
lost:
	module_put(THIS_MODULE);
	atomic64_inc(&vmacct_sys_lost);
}

/**
 * vmacct_syscall_near - a probed system call past the inline checks
 * @sys: VMACCT_SYS_*
 * @count: its mm's map_count at entry
 *
 * For vmacct_syscall_enter() only; probe context, preemption on or off.
 */
void vmacct_syscall_near(u32 sys, int count)
{
	int max;

	if (count > VMACCT_PEAKS_FLOOR && vmacct_recorder_on() &&
	    !vmacct_peaks_known(count))
		vmacct_peaks_see(count);
	max = vmacct_max_map_count();
	if (count >= vmacct_rule_lowest(max))
		vmacct_syscall_watch(sys, count, max);
}

/* A call the probe could not see (recursion). */
void vmacct_syscall_lost(void)
{
	atomic64_inc(&vmacct_sys_lost);
}

/* Calls lost to recursion or to no memory for their task_work, since load. */
u64 vmacct_syscall_missed(void)
{
	return atomic64_read(&vmacct_sys_lost);
}

/*
 * Module exit, or a failed load, once the probes are unregistered: wait
 * for the task_works still queued (only a failed load can have any: each
 * holds a module reference), then for every task that ran one to have
 * left the module's code.
 */
void vmacct_syscall_exit(void)
{
	wait_var_event(&vmacct_sys_pending, !atomic_read(&vmacct_sys_pending));
	synchronize_rcu_tasks();
}
