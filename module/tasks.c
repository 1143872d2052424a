// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: every process's private commit charge, each address space once.
 *
 * Processes are visited in pid order of the initial pid namespace, each
 * thread group once through its leader (find_ge_pid() and PIDTYPE_TGID,
 * as /proc's readdir does); get_task_mm() refuses kernel threads, even
 * those borrowing a user mm.  Each mm's charge is the walk of mm.c.
 *
 * One address space may belong to several processes: a vfork() child
 * until it execs, clone(CLONE_VM) without CLONE_THREAD.  Such an mm has
 * more users than the reference taken here and its own thread, so every
 * mm with more is remembered, pinned with mmgrab() so that its address
 * cannot be reused by a new mm before the walk ends, and a process whose
 * mm was remembered already is not counted again.  Multi-threaded
 * processes are remembered too, harmlessly.
 *
 * Not a snapshot: a process that starts, execs or exits during the walk
 * may be seen before or after, or not at all; a process already exiting
 * (PF_EXITING, no exit_state) has let go of an mm that may still be
 * charged until exit_mmap() and is counted as unread.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "mm.h"
#include "tasks.h"

/* The mms seen with other users: pinned (mmgrab()) until the walk ends. */
struct vmacct_shared_mms {
	struct mm_struct **mm;
	unsigned int nr, room;
};

static bool vmacct_mm_seen(const struct vmacct_shared_mms *s,
			   const struct mm_struct *mm)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (s->mm[i] == mm)
			return true;
	return false;
}

static int vmacct_mm_remember(struct vmacct_shared_mms *s,
			      struct mm_struct *mm)
{
	struct mm_struct **more;

	if (s->nr == s->room) {
		unsigned int room = s->room ? 2 * s->room : 64;

		more = kvmalloc_array(room, sizeof(*more), GFP_KERNEL);
		if (!more)
			return -ENOMEM;
		if (s->nr)
			memcpy(more, s->mm, s->nr * sizeof(*more));
		kvfree(s->mm);
		s->mm = more;
		s->room = room;
	}
	mmgrab(mm);
	s->mm[s->nr++] = mm;
	return 0;
}

static void vmacct_mms_forget(struct vmacct_shared_mms *s)
{
	while (s->nr)
		mmdrop(s->mm[--s->nr]);
	kvfree(s->mm);
}

/*
 * The next process from pid @nr on, with a reference; NULL past the last.
 * *@nr moves past it.
 */
static struct task_struct *vmacct_next_process(int *nr)
{
	struct task_struct *task = NULL;
	struct pid *pid;

	rcu_read_lock();
	while (!task && (pid = vmacct_find_ge_pid(*nr))) {
		*nr = pid_nr(pid) + 1;
		task = pid_task(pid, PIDTYPE_TGID);
	}
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

/* Exiting, past exit_mm(), not yet a zombie: its mm may still be charged. */
static bool vmacct_exiting(struct task_struct *task)
{
	return (READ_ONCE(task->flags) & PF_EXITING) &&
	       !READ_ONCE(task->exit_state);
}

/* Count @mm, unless a process met before shares it. */
static int vmacct_count_mm(struct vmacct_tasks_charge *t,
			   struct vmacct_shared_mms *shared,
			   struct mm_struct *mm)
{
	u64 pages;
	int err;

	/* more users than this reference and one thread */
	if (atomic_read(&mm->mm_users) > 2) {
		if (vmacct_mm_seen(shared, mm))
			return 0;
		err = vmacct_mm_remember(shared, mm);
		if (err)
			return err;
	}
	err = vmacct_mm_charge(mm, &pages);
	if (err)
		return err;
	t->pages += pages;
	t->mms++;
	return 0;
}

/**
 * vmacct_tasks_charge - the private commit charge of every process
 * @t: filled in
 *
 * Return: 0, -ENOMEM, or -EINTR on a fatal signal.
 */
int vmacct_tasks_charge(struct vmacct_tasks_charge *t)
{
	struct vmacct_shared_mms shared = { NULL, 0, 0 };
	struct task_struct *task;
	struct mm_struct *mm;
	int nr = 1, err = 0;

	memset(t, 0, sizeof(*t));
	while (!err && (task = vmacct_next_process(&nr))) {
		mm = get_task_mm(task);
		if (!mm && vmacct_exiting(task))
			t->unread++;
		put_task_struct(task);
		if (mm) {
			err = vmacct_count_mm(t, &shared, mm);
			mmput(mm);
		}
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
		cond_resched();
	}
	vmacct_mms_forget(&shared);
	return err;
}
