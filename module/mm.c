// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: one process's VMAs, its commit charge, and what fork() of it
 * would charge.
 *
 * The commit charge of an mm is not stored anywhere: it is the sum of the
 * pages of its VM_ACCOUNT VMAs, so it is computed by walking them under
 * mmap_read_lock.  What dup_mmap() charges is the same sum without the
 * VM_DONTCOPY VMAs (VM_WIPEONFORK ones are still charged); it checks each
 * VMA in turn against __vm_enough_memory(), which the verdict below models
 * (see KERNEL-NOTES §2).
 *
 * Reading another process needs what /proc/PID/maps needs, as far as a
 * module can tell without ptrace_may_access() (not exported): the same
 * uid and gid (real, effective, saved) as the caller's filesystem ids and
 * a dumpable mm, or CAP_SYS_PTRACE.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mmap_lock.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "vmacct.h"

static bool vmacct_same_ids(struct task_struct *task)
{
	const struct cred *cred = current_cred(), *tcred;
	bool same;

	rcu_read_lock();
	tcred = __task_cred(task);
	same = uid_eq(cred->fsuid, tcred->euid) &&
	       uid_eq(cred->fsuid, tcred->suid) &&
	       uid_eq(cred->fsuid, tcred->uid) &&
	       gid_eq(cred->fsgid, tcred->egid) &&
	       gid_eq(cred->fsgid, tcred->sgid) &&
	       gid_eq(cred->fsgid, tcred->gid);
	rcu_read_unlock();
	return same;
}

static bool vmacct_may_read(struct task_struct *task, struct mm_struct *mm)
{
	if (same_thread_group(task, current))
		return true;
	if (vmacct_same_ids(task) && vmacct_task_dumpable(task, mm))
		return true;
	return capable(CAP_SYS_PTRACE);
}

/**
 * vmacct_mm_get - the mm of @pid, if the caller may read it
 * @pid: in the caller's pid namespace; 0 = the caller
 * @mmp: on success, a reference the caller drops with mmput()
 * @adminp: if not NULL, whether the task has CAP_SYS_ADMIN in the initial
 *	user namespace (what __vm_enough_memory()'s cap_sys_admin would be
 *	for an allocation it makes)
 *
 * Return: 0, -ESRCH (no such process), -ENXIO (a kernel thread: no user
 * address space), -ENODATA (the process is exiting: its mm is gone), or
 * -EACCES (not permitted).
 */
int vmacct_mm_get(pid_t pid, struct mm_struct **mmp, bool *adminp)
{
	struct task_struct *task;
	struct mm_struct *mm;
	int err = 0;

	if (pid < 0)
		return -ESRCH;

	rcu_read_lock();
	task = pid ? pid_task(find_vpid(pid), PIDTYPE_PID) : current;
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	if (!task)
		return -ESRCH;

	if (task->flags & PF_KTHREAD) {
		err = -ENXIO;
		goto out;
	}
	mm = get_task_mm(task);
	if (!mm) {
		err = -ENODATA;
		goto out;
	}
	if (!vmacct_may_read(task, mm)) {
		mmput(mm);
		err = -EACCES;
		goto out;
	}
	if (adminp)
		*adminp = has_capability_noaudit(task, CAP_SYS_ADMIN);
	*mmp = mm;
out:
	put_task_struct(task);
	return err;
}

static void vmacct_count_kind(struct vmacct_mm *m, struct vm_area_struct *vma)
{
	unsigned long flags = vma->vm_flags;

	if (flags & VM_STACK)
		m->nr_stack++;
	else if ((flags & (VM_PFNMAP | VM_IO)) ||
		 (!vma->vm_file && vma->vm_ops))
		m->nr_special++;
	else if (vma->vm_file && (flags & VM_MAYSHARE))
		m->nr_file_shared++;
	else if (vma->vm_file)
		m->nr_file_private++;
	else
		m->nr_anon_private++;
}

static void vmacct_walk(struct mm_struct *mm, struct vmacct_mm *m)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	if (m->flags & VMACCT_MM_COUNTS_ONLY)
		goto counters;
	for_each_vma(vmi, vma) {
		unsigned long pages = vma_pages(vma);

		vmacct_count_kind(m, vma);
		if (vma->vm_flags & VM_ACCOUNT) {
			m->nr_accounted++;
			m->charge += pages;
			if (pages > m->largest_accounted)
				m->largest_accounted = pages;
		}
	}
counters:
	m->map_count = mm->map_count;
	m->total_vm = mm->total_vm;
	m->data_vm = mm->data_vm;
	m->exec_vm = mm->exec_vm;
	m->stack_vm = mm->stack_vm;
	m->locked_vm = mm->locked_vm;
	m->pinned_vm = atomic64_read(&mm->pinned_vm);
}

/**
 * vmacct_mm_stats - one process's VMA counts, headrooms and charge
 * @m: @m->pid and @m->flags in (0 = the caller; VMACCT_MM_COUNTS_ONLY
 *	skips the walk); every other field out, zeroed by the caller
 *
 * Return: 0, an error of vmacct_mm_get(), or -EINTR if a fatal signal
 * arrived while waiting for the mmap lock.
 */
int vmacct_mm_stats(struct vmacct_mm *m)
{
	struct mm_struct *mm;
	int max, err;

	err = vmacct_mm_get(m->pid, &mm, NULL);
	if (err)
		return err;
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return -EINTR;
	}
	vmacct_walk(mm, m);
	mmap_read_unlock(mm);
	mmput(mm);

	/* KERNEL-NOTES §4.2: each site compares differently. */
	max = vmacct_max_map_count();
	m->max_map_count = max;
	m->headroom_mmap = max + 1 - (int)m->map_count;
	m->headroom_split = max - (int)m->map_count;
	m->headroom_munmap = max - (int)m->map_count;
	m->headroom_mremap_move = max - vmacct_mremap_reserve(MREMAP_MAYMOVE) -
				  (int)m->map_count;
	/* the tightest of MREMAP_FIXED and MREMAP_DONTUNMAP */
	m->headroom_mremap_fixed = max - (int)m->map_count -
		vmacct_mremap_reserve(MREMAP_MAYMOVE | MREMAP_FIXED |
				      MREMAP_DONTUNMAP);
	return 0;
}

/* Smallest overcommit_ratio with floor(base * ratio / 100) >= need. */
static u32 vmacct_min_ratio(s64 need, unsigned long base)
{
	u64 ratio;

	if (need <= 0)
		return 0;
	if (!base)
		return U32_MAX;
	ratio = div64_u64((u64)need * 100 + base - 1, base);
	return ratio > INT_MAX ? U32_MAX : ratio;
}

/* What dup_mmap() charges: VM_ACCOUNT VMAs that are copied. */
static void vmacct_fork_walk(struct mm_struct *mm, struct vmacct_fork *f)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	for_each_vma(vmi, vma) {
		unsigned long pages = vma_pages(vma);

		if ((vma->vm_flags & (VM_ACCOUNT | VM_DONTCOPY)) != VM_ACCOUNT)
			continue;
		f->nr_charged++;
		f->charge += pages;
		if (pages > f->largest)
			f->largest = pages;
	}
	f->total_vm = mm->total_vm;
}

/**
 * vmacct_fork_predict - what fork() would charge, and whether it would pass
 * @f: @f->pid in (0 = the caller); every other field out, zeroed by the
 *	caller
 *
 * Return: 0, an error of vmacct_mm_get(), or -EINTR.
 */
int vmacct_fork_predict(struct vmacct_fork *f)
{
	struct vmacct_commit c;
	struct mm_struct *mm;
	bool admin;
	s64 count, need;
	int err;

	err = vmacct_mm_get(f->pid, &mm, &admin);
	if (err)
		return err;
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return -EINTR;
	}
	vmacct_fork_walk(mm, f);
	mmap_read_unlock(mm);
	mmput(mm);

	vmacct_commit_snapshot(&c);
	count = vmacct_mode2_count(&c);
	f->as_admin = admin;
	f->committed = c.committed;
	f->committed_read = c.committed_read;
	f->committed_error = c.committed_error;
	f->limit = c.limit;
	f->guess_ceiling = c.guess_ceiling;
	f->admin_reserve = admin ? 0 : c.admin_reserve;
	f->user_reserve = min_t(u64, f->total_vm / 32, c.user_reserve);
	f->allowed = (s64)c.limit - f->admin_reserve - f->user_reserve;

	/* Mode 0: each charged VMA alone against RAM + swap. */
	f->verdict[0] = f->largest > c.guess_ceiling ? -ENOMEM : 0;
	f->deciding_term[0] = VMACCT_TERM_GUESS_CEILING;
	f->margin[0] = (s64)c.guess_ceiling - (s64)f->largest;

	f->verdict[1] = 0;
	f->deciding_term[1] = VMACCT_TERM_NONE;
	f->margin[1] = S64_MAX;

	/*
	 * Mode 2: the charges add up VMA by VMA and the sum only grows, so
	 * the last check decides: committed + S < allowed.  No accountable
	 * VMA means no check at all.
	 */
	if (f->nr_charged) {
		vmacct_mode2_verdict(count, f->charge, c.limit,
				     f->admin_reserve, f->user_reserve,
				     c.committed_error, &f->verdict[2],
				     &f->deciding_term[2], &f->margin[2],
				     &f->slop_may_flip);
	} else {
		f->verdict[2] = 0;
		f->deciding_term[2] = VMACCT_TERM_LIMIT;
		f->margin[2] = S64_MAX;
	}

	/*
	 * The settings that would let mode 2 pass: with the ratio branch,
	 * floor((totalram - hugetlb) * ratio / 100) must reach "need"; with
	 * kbytes, kbytes >> (PAGE_SHIFT - 10) must.
	 */
	need = 0;
	if (f->nr_charged)
		need = count + (s64)f->charge + 1 - (s64)c.total_swap +
		       (s64)f->admin_reserve + (s64)f->user_reserve;
	f->min_ratio = vmacct_min_ratio(need, c.totalram > c.hugetlb ?
					c.totalram - c.hugetlb : 0);
	f->min_kbytes = need > 0 ? (u64)need << (PAGE_SHIFT - 10) : 0;
	return 0;
}
