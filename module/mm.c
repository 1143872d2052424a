// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: one process: may the caller read it, its VMAs by kind, its
 * commit charge, and what fork() of it would charge.  No verdicts: query.c
 * puts these numbers to the model (commit.c) and the rules (rules.c).
 *
 * The commit charge of an mm is not stored anywhere: it is the sum of the
 * pages of its VM_ACCOUNT VMAs, so it is computed by walking them under
 * mmap_read_lock.  What dup_mmap() charges is the same sum without the
 * VM_DONTCOPY VMAs (VM_WIPEONFORK ones are still charged: kernel/fork.c
 * dup_mmap(), 6.1 and 6.12).
 *
 * Reading another process needs what /proc/PID/maps needs, as far as a
 * module can tell without ptrace_may_access() (not exported): the same
 * uid and gid (real, effective, saved) as the caller's filesystem ids and
 * a dumpable mm, or CAP_SYS_PTRACE, decided with the mm under the task's
 * exec_update_lock as mm_access() does.
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
#include <linux/user_namespace.h>
#include <linux/string.h>

#include "compat.h"
#include "mm.h"

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
 * vmacct_mm_capable - cap_capable() of @cred for @cap in the initial
 *	user namespace (security/commoncap.c, 6.1 and 6.12): the effective
 *	set of a credential of that namespace.  Safe in atomic context.
 * @cred: a credential the caller keeps alive
 * @cap: CAP_*
 */
bool vmacct_mm_capable(const struct cred *cred, int cap)
{
	return cred->user_ns == &init_user_ns &&
	       cap_raised(cred->cap_effective, cap);
}

/**
 * vmacct_mm_cap_sys_admin - the cap_sys_admin __vm_enough_memory() gets
 * @cred: the credentials of the task making the allocation
 *
 * security_vm_enough_memory_mm() (security/security.c, 6.1 and 6.12)
 * passes cap_sys_admin = 1 unless a vm_enough_memory hook refuses.
 * Capabilities' hook, cap_vm_enough_memory() (security/commoncap.c), asks
 * cap_capable() for CAP_SYS_ADMIN in the initial user namespace
 * (vmacct_mm_capable()).  This is that rule, and only it: it does not
 * ask the other security modules' capable hooks (AppArmor's may refuse
 * what the vm_enough_memory hooks grant), and it cannot ask SELinux's
 * vm_enough_memory hook, which may take the waiver away (the tool says so
 * when SELinux is active).
 */
bool vmacct_mm_cap_sys_admin(const struct cred *cred)
{
	return vmacct_mm_capable(cred, CAP_SYS_ADMIN);
}

/*
 * The target's CAP_SYS_ADMIN for an allocation of its own: its subjective
 * credentials are the kernel's current_cred() then, but another task's
 * may be freed without an RCU grace period (override_creds() with
 * non_rcu, kernel/cred.c), so only the caller's own are read; another
 * task's objective credentials equal them outside such overrides.
 */
static bool vmacct_task_admin(struct task_struct *task)
{
	bool admin;

	if (task == current)
		return vmacct_mm_cap_sys_admin(current_cred());
	rcu_read_lock();
	admin = vmacct_mm_cap_sys_admin(__task_cred(task));
	rcu_read_unlock();
	return admin;
}

/*
 * The mm of @task, if the caller may read it.  As mm_access()
 * (kernel/fork.c, 6.1 and 6.12): begin_new_exec() installs the new mm
 * before set_dumpable() and commit_creds(), and the new mm inherits the
 * old dumpable bits, so the mm and the permission are taken together
 * under exec_update_lock, which exec holds for writing across that
 * window.  The reference then pins the mm checked: whatever the task
 * execs next, the walk reads that mm, never its successor.
 */
static int vmacct_task_mm(struct task_struct *task, struct mm_struct **mmp,
			  bool *adminp)
{
	struct rw_semaphore *exec_lock = &task->signal->exec_update_lock;
	struct mm_struct *mm;
	int err = 0;

	if (down_read_killable(exec_lock))
		return -EINTR;
	mm = get_task_mm(task);
	if (!mm) {
		err = -ENODATA;
	} else if (!vmacct_may_read(task, mm)) {
		mmput(mm);
		err = -EACCES;
	} else {
		if (adminp)
			*adminp = vmacct_task_admin(task);
		*mmp = mm;
	}
	up_read(exec_lock);
	return err;
}

/**
 * vmacct_mm_get - the mm of @pid, if the caller may read it
 * @pid: in the caller's pid namespace; 0 = the caller
 * @mmp: on success, a reference the caller drops with mmput()
 * @adminp: if not NULL, whether __vm_enough_memory() would get
 *	cap_sys_admin for an allocation the process makes (see
 *	vmacct_mm_cap_sys_admin())
 *
 * Return: 0, -ESRCH (no such process), -ENXIO (a kernel thread: no user
 * address space), -ENODATA (the process is exiting: its mm is gone),
 * -EACCES (not permitted), or -EINTR (a fatal signal while waiting for an
 * exec to finish).
 */
static int vmacct_mm_get(pid_t pid, struct mm_struct **mmp, bool *adminp)
{
	struct task_struct *task;
	int err;

	if (pid < 0)
		return -ESRCH;

	rcu_read_lock();
	task = pid ? pid_task(find_vpid(pid), PIDTYPE_PID) : current;
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	if (!task)
		return -ESRCH;

	if (task->flags & PF_KTHREAD)
		err = -ENXIO;
	else
		err = vmacct_task_mm(task, mmp, adminp);
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
	struct vmacct_vma_iter it;
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	if (m->flags & VMACCT_MM_COUNTS_ONLY)
		goto counters;
	vmacct_vma_iter_init(&it, mm, 0);
	while ((vma = vmacct_vma_find(&it, ULONG_MAX))) {
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
 * vmacct_mm_counts - one process's VMA counts, counters and charge
 * @m: @m->pid and @m->flags in (0 = the caller; VMACCT_MM_COUNTS_ONLY
 *	skips the walk); the counts and counters out, zeroed by the caller
 *
 * Return: 0, an error of vmacct_mm_get(), or -EINTR if a fatal signal
 * arrived while waiting for the mmap lock.
 */
int vmacct_mm_counts(struct vmacct_mm *m)
{
	struct mm_struct *mm;
	int err;

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
	return 0;
}

/**
 * vmacct_mm_charge - the commit charge of @mm: pages of its VM_ACCOUNT VMAs
 * @mm: an mm the caller holds a reference to (mmget())
 * @pages: out
 *
 * Return: 0, or -EINTR if a fatal signal arrived while waiting for the
 * mmap lock.
 */
int vmacct_mm_charge(struct mm_struct *mm, u64 *pages)
{
	struct vmacct_mm m = { .flags = 0 };

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vmacct_walk(mm, &m);
	mmap_read_unlock(mm);
	*pages = m.charge;
	return 0;
}

/**
 * vmacct_mm_total_vm - the total_vm of @pid's mm
 * @pid: as for vmacct_mm_get()
 * @total_vm: out
 * @adminp: out, as for vmacct_mm_get()
 *
 * Return: 0 or an error of vmacct_mm_get().
 */
int vmacct_mm_total_vm(pid_t pid, u64 *total_vm, bool *adminp)
{
	struct mm_struct *mm;
	int err;

	err = vmacct_mm_get(pid, &mm, adminp);
	if (err)
		return err;
	*total_vm = READ_ONCE(mm->total_vm);
	mmput(mm);
	return 0;
}

/* What dup_mmap() charges: VM_ACCOUNT VMAs that are copied. */
static void vmacct_fork_walk(struct mm_struct *mm,
			     struct vmacct_fork_charge *f)
{
	struct vmacct_vma_iter it;
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	vmacct_vma_iter_init(&it, mm, 0);
	while ((vma = vmacct_vma_find(&it, ULONG_MAX))) {
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
 * vmacct_mm_fork_charge - what fork() of @pid would charge
 * @pid: as for vmacct_mm_get()
 * @f: filled in
 *
 * Return: 0, an error of vmacct_mm_get(), or -EINTR.
 */
int vmacct_mm_fork_charge(pid_t pid, struct vmacct_fork_charge *f)
{
	struct mm_struct *mm;
	bool admin;
	int err;

	memset(f, 0, sizeof(*f));
	err = vmacct_mm_get(pid, &mm, &admin);
	if (err)
		return err;
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return -EINTR;
	}
	vmacct_fork_walk(mm, f);
	mmap_read_unlock(mm);
	mmput(mm);
	f->as_admin = admin;
	return 0;
}

/**
 * vmacct_mm_range_inside - does [@start, @start + @len) lie strictly
 *	inside one VMA, so that unmapping it splits that VMA at both ends?
 * @mm: the current task's mm
 * @start: first byte
 * @len: length in bytes
 *
 * From the call's task_work (syscall.c), which may sleep; the lock is
 * taken killably, and false when that gives up.
 */
bool vmacct_mm_range_inside(struct mm_struct *mm, unsigned long start,
			    unsigned long len)
{
	unsigned long end = start + PAGE_ALIGN(len);
	struct vmacct_vma_iter it;
	struct vm_area_struct *vma;
	bool inside;

	if (end <= start || mmap_read_lock_killable(mm))
		return false;
	vmacct_vma_iter_init(&it, mm, start);
	vma = vmacct_vma_find(&it, start);
	inside = vma && vma->vm_start < start && end < vma->vm_end;
	mmap_read_unlock(mm);
	return inside;
}

/**
 * vmacct_mm_range_mapped - is [start, start + len) entirely mapped?
 * @mm: the current task's mm
 * @start: first byte
 * @len: length in bytes
 *
 * mprotect(), madvise() and the mlock family also fail on a hole, which is
 * not the count's doing.  Called from the call's task_work on its way
 * back to user mode (syscall.c), which may sleep: the lock is taken, but
 * killably, and the walk is bounded; when either gives up, assume mapped.
 */
bool vmacct_mm_range_mapped(struct mm_struct *mm, unsigned long start,
			    unsigned long len)
{
	unsigned long end = start + PAGE_ALIGN(len), next = start;
	struct vmacct_vma_iter it;
	struct vm_area_struct *vma;
	unsigned int seen = 0;

	if (end <= start || mmap_read_lock_killable(mm))
		return true;
	vmacct_vma_iter_init(&it, mm, start);
	while ((vma = vmacct_vma_find(&it, end - 1))) {
		if (vma->vm_start > next || ++seen > 64)
			break;
		next = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return next >= end || seen > 64;
}
