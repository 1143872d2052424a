// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the global terms of __vm_enough_memory(), as the running kernel
 * computes them (mm/util.c, identical on 6.1 and 6.12):
 *
 *   mode 1 (always): charge, never fail.
 *   mode 0 (guess):  fail a request of more than totalram + total_swap pages.
 *   mode 2 (never):  allowed = vm_commit_limit()
 *                              - admin reserve (unless CAP_SYS_ADMIN)
 *                              - min(total_vm / 32, user reserve)
 *                    and fail unless, after charging,
 *                    percpu_counter_read_positive(&vm_committed_as) < allowed.
 *
 * This file only reads; it never charges anything.  vmacct_eval() is a
 * dry run of the same test for any request.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/mman.h>
#include <linux/string.h>
#include <linux/sched/mm.h>
#include <linux/swap.h>
#include <linux/vmstat.h>

#include "vmacct.h"

static inline u64 kbytes_to_pages(unsigned long kbytes)
{
	return kbytes >> (PAGE_SHIFT - 10);
}

/*
 * vm_commit_limit(), with the kernel's own unsigned long arithmetic (a
 * negative ratio or hugetlb above totalram wrap there too, and CommitLimit
 * in /proc/meminfo shows the same).  The kbytes branch ignores hugetlb.
 */
static unsigned long vmacct_commit_limit(unsigned long totalram,
					 unsigned long hugetlb, long swap,
					 int ratio, unsigned long kbytes)
{
	unsigned long limit;

	if (kbytes)
		limit = kbytes >> (PAGE_SHIFT - 10);
	else
		limit = (totalram - hugetlb) * ratio / 100;
	return limit + swap;
}

/**
 * vmacct_commit_snapshot - read every global term in one pass
 * @c: filled in completely; @c->size and @c->flags are left to the caller
 *
 * The sysctls are read once each, and every derived value (limit,
 * reserves in pages, ceiling) is computed from those same reads, so the
 * snapshot is self-consistent even while an administrator writes sysctls.
 */
void vmacct_commit_snapshot(struct vmacct_commit *c)
{
	unsigned long totalram = totalram_pages();
	unsigned long hugetlb = vmacct_hugetlb_total_pages();
	long swap = vmacct_total_swap_pages();
	s32 batch = vmacct_committed_batch();
	int ratio = vmacct_overcommit_ratio();
	unsigned long limit;

	c->overcommit_memory = vmacct_overcommit_memory();
	c->overcommit_ratio = ratio;
	c->overcommit_kbytes = vmacct_overcommit_kbytes();
	c->max_map_count = vmacct_max_map_count();
	c->admin_reserve_kbytes = vmacct_admin_reserve_kbytes();
	c->user_reserve_kbytes = vmacct_user_reserve_kbytes();
	c->online_cpus = num_online_cpus();
	c->page_size = PAGE_SIZE;
	c->committed_batch = batch > 0 ? batch : 0;

	limit = vmacct_commit_limit(totalram, hugetlb, swap, ratio,
				    c->overcommit_kbytes);
	c->limit = limit;
	c->committed_read = vmacct_committed_read();
	c->committed = vm_memory_committed();
	c->committed_error = (u64)c->online_cpus *
			     (c->committed_batch ? c->committed_batch - 1 : 0);
	c->totalram = totalram;
	c->total_swap = swap > 0 ? swap : 0;
	c->free_swap = max_t(long, get_nr_swap_pages(), 0);
	c->hugetlb = hugetlb;
	c->admin_reserve = kbytes_to_pages(c->admin_reserve_kbytes);
	c->user_reserve = kbytes_to_pages(c->user_reserve_kbytes);
	c->guess_ceiling = c->totalram + c->total_swap;
}

/**
 * vmacct_mode2_verdict - the mode-2 test of __vm_enough_memory()
 * @count: vm_committed_as.count before the charge (it may be negative)
 * @pages: the charge
 * @limit: vm_commit_limit()
 * @admin_reserve: subtracted unless the caller is CAP_SYS_ADMIN
 * @user_reserve: min(total_vm / 32, user reserve), 0 without an mm
 * @error: largest difference between @count and the exact sum
 * @verdict: 0 or -ENOMEM
 * @term: VMACCT_TERM_* that decides (deny) or bounds (allow)
 * @margin: pages that could be added with the verdict still "allow"
 * @slop: 1 if folding per-CPU deltas could flip the verdict
 *
 * The kernel charges first, then allows iff
 * percpu_counter_read_positive() < allowed.
 */
void vmacct_mode2_verdict(s64 count, u64 pages, u64 limit, u64 admin_reserve,
			  u64 user_reserve, u64 error, s32 *verdict, u32 *term,
			  s64 *margin, u32 *slop)
{
	s64 allowed = (s64)limit - (s64)admin_reserve - (s64)user_reserve;
	s64 after, room;

	/*
	 * margin = allowed - 1 - after, in two steps so that a request near
	 * LLONG_MAX gives the true (very negative) margin, saturating only
	 * past S64_MIN; such a request is denied (the kernel's long would
	 * wrap, but no real caller gets there).
	 */
	if (check_add_overflow(count, (s64)pages, &after)) {
		*verdict = -ENOMEM;
		if (check_sub_overflow(allowed - 1, count, &room) ||
		    check_sub_overflow(room, (s64)pages, margin))
			*margin = S64_MIN;
		after = S64_MAX;	/* past every term */
	} else {
		after = max_t(s64, after, 0);
		*verdict = after < allowed ? 0 : -ENOMEM;
		if (check_sub_overflow(allowed - 1, after, margin))
			*margin = S64_MIN;
	}
	if (*verdict == 0 || after >= (s64)limit)
		*term = VMACCT_TERM_LIMIT;
	else if (after >= (s64)limit - (s64)admin_reserve)
		*term = VMACCT_TERM_ADMIN_RESERVE;
	else
		*term = VMACCT_TERM_USER_RESERVE;
	*slop = *margin < (s64)error && *margin >= -(s64)error;
}

/**
 * vmacct_mode2_count - the count a mode-2 check would compare
 * @c: snapshot of the global terms
 *
 * In mode 2 that is the shared count as it is.  In another mode it is the
 * exact sum: writing overcommit_memory=2 folds every CPU's delta first
 * (sync_overcommit_as), so that is what a switch to mode 2 would compare.
 */
s64 vmacct_mode2_count(const struct vmacct_commit *c)
{
	if (c->overcommit_memory == OVERCOMMIT_NEVER)
		return vmacct_committed_count();
	return c->committed;
}

/*
 * The mode-0 heuristic of kernels before 5.2 (replaced by commit
 * 8c7829b04c52): "free" memory, less totalreserve_pages and, for a
 * non-admin, the admin reserve, must exceed the request.
 */
static void vmacct_eval_pre_5_2(struct vmacct_eval *e, u64 admin_reserve)
{
	s64 free, reserve = vmacct_totalreserve_pages();

	free = global_zone_page_state(NR_FREE_PAGES);
	free += global_node_page_state(NR_FILE_PAGES);
	free -= global_node_page_state(NR_SHMEM);
	free += get_nr_swap_pages();
	free += global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B);
	free += global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE);

	e->totalreserve = reserve;
	if (free <= reserve) {
		e->old_free = free - reserve;
		e->old_verdict = -ENOMEM;
		return;
	}
	free -= reserve;
	if (!e->as_admin)
		free -= admin_reserve;
	e->old_free = free;
	e->old_verdict = free > e->pages ? 0 : -ENOMEM;
}

/**
 * vmacct_eval - dry run of __vm_enough_memory(); nothing is charged
 * @e: flags, pid, mode and pages in; the rest out
 *
 * Return: 0, -EINVAL for bad flags, mode or pages, or an error of
 * vmacct_mm_get().
 */
int vmacct_eval(struct vmacct_eval *e)
{
	struct vmacct_commit c;
	struct mm_struct *mm;
	u64 admin_reserve;
	s64 count;
	int err;

	if ((e->flags & ~VMACCT_EVAL_FLAGS) ||
	    ((e->flags & VMACCT_EVAL_ADMIN) && (e->flags & VMACCT_EVAL_USER)) ||
	    ((e->flags & VMACCT_EVAL_MODE) && e->mode > OVERCOMMIT_NEVER) ||
	    e->pages < 0)
		return -EINVAL;

	e->total_vm = 0;
	if (!(e->flags & VMACCT_EVAL_NO_MM)) {
		err = vmacct_mm_get(e->pid, &mm, NULL);
		if (err)
			return err;
		e->total_vm = READ_ONCE(mm->total_vm);
		mmput(mm);
	}

	if (e->flags & VMACCT_EVAL_ADMIN)
		e->as_admin = 1;
	else if (e->flags & VMACCT_EVAL_USER)
		e->as_admin = 0;
	else
		e->as_admin = has_capability_noaudit(current, CAP_SYS_ADMIN);

	vmacct_commit_snapshot(&c);
	count = vmacct_mode2_count(&c);
	if (!(e->flags & VMACCT_EVAL_MODE))
		e->mode = c.overcommit_memory;

	e->limit = c.limit;
	e->committed = c.committed;
	e->committed_read = c.committed_read;
	e->committed_error = c.committed_error;
	e->guess_ceiling = c.guess_ceiling;
	admin_reserve = c.admin_reserve;
	e->admin_reserve = e->as_admin ? 0 : admin_reserve;
	e->user_reserve = 0;
	if (!(e->flags & VMACCT_EVAL_NO_MM))
		e->user_reserve = min_t(u64, e->total_vm / 32, c.user_reserve);
	e->allowed = (s64)e->limit - (s64)e->admin_reserve -
		     (s64)e->user_reserve;
	e->slop_may_flip = 0;

	switch (e->mode) {
	case OVERCOMMIT_ALWAYS:
		e->verdict = 0;
		e->deciding_term = VMACCT_TERM_NONE;
		e->margin = S64_MAX;
		break;
	case OVERCOMMIT_GUESS:
		e->verdict = (u64)e->pages > c.guess_ceiling ? -ENOMEM : 0;
		e->deciding_term = VMACCT_TERM_GUESS_CEILING;
		e->margin = (s64)c.guess_ceiling - e->pages;
		break;
	default:
		vmacct_mode2_verdict(count, e->pages, e->limit,
				     e->admin_reserve, e->user_reserve,
				     e->committed_error, &e->verdict,
				     &e->deciding_term, &e->margin,
				     &e->slop_may_flip);
		break;
	}

	e->old_reserved = 0;
	vmacct_eval_pre_5_2(e, admin_reserve);
	return 0;
}

/**
 * vmacct_decision_terms - the terms a __vm_enough_memory() call is using
 * @ev: the record to fill (mode, limit, reserves, allowed, committed as it
 *	will be compared, ceiling, map_count, total_vm)
 * @mm: its first argument (may be NULL)
 * @pages: its second argument
 * @cap_sys_admin: its third argument
 *
 * Called from the probe at the function's entry, on the CPU that will
 * charge: cheap reads only (no exact sum, no locks).
 */
void vmacct_decision_terms(struct vmacct_event *ev, struct mm_struct *mm,
			   long pages, int cap_sys_admin)
{
	unsigned long totalram = totalram_pages();
	long swap = vmacct_total_swap_pages();
	u64 user_reserve = 0;

	ev->mode = vmacct_overcommit_memory();
	ev->as_admin = cap_sys_admin;
	ev->pages = pages;
	ev->max_map_count = vmacct_max_map_count();
	ev->limit = vmacct_commit_limit(totalram, vmacct_hugetlb_total_pages(),
					swap, vmacct_overcommit_ratio(),
					vmacct_overcommit_kbytes());
	ev->admin_reserve = cap_sys_admin ? 0 :
		vmacct_admin_reserve_kbytes() >> (PAGE_SHIFT - 10);
	if (mm) {
		ev->map_count = READ_ONCE(mm->map_count);
		ev->total_vm = READ_ONCE(mm->total_vm);
		user_reserve = min_t(u64, ev->total_vm / 32,
				     vmacct_user_reserve_kbytes() >>
				     (PAGE_SHIFT - 10));
	}
	ev->user_reserve = user_reserve;
	ev->allowed = (s64)ev->limit - (s64)ev->admin_reserve -
		      (s64)user_reserve;
	ev->committed = vmacct_committed_after_charge(pages);
	ev->guess_ceiling = totalram + (swap > 0 ? swap : 0);
}

/* Which variant of __vm_enough_memory() this kernel runs. */
const char *vmacct_algorithm_name(void)
{
	return "v5.2";
}
