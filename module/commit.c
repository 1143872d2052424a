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
 * This file is the model: it reads, never charges, and knows no process
 * and no face.  query.c applies it to a process (dry runs, fork
 * predictions); the probes use vmacct_decision_terms() for a call in
 * progress.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/mman.h>
#include <linux/swap.h>
#include <linux/vmstat.h>

#include "commit.h"
#include "compat.h"
#include "syms.h"

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

/*
 * The largest possible |Committed_AS - its per-CPU read|: each CPU holds
 * a local delta below the batch in magnitude (lib/percpu_counter.c).
 */
static u64 vmacct_error_bound(u32 cpus, s32 batch)
{
	return (u64)cpus * (batch > 0 ? batch - 1 : 0);
}

/* The same bound, now. */
u64 vmacct_committed_error(void)
{
	return vmacct_error_bound(num_online_cpus(), vmacct_committed_batch());
}

/* Committed_AS: the exact sum of vm_committed_as, as /proc/meminfo reads it. */
u64 vmacct_committed_exact(void)
{
	return vm_memory_committed();
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
	s32 batch = vmacct_committed_batch();
	struct vmacct_sysctls s;
	unsigned long hugetlb;
	unsigned long limit;
	long swap;
	int ratio;

	vmacct_sysctls_read(&s);
	hugetlb = s.hugetlb_pages;
	swap = s.total_swap_pages;
	ratio = s.overcommit_ratio;
	c->overcommit_memory = s.overcommit_memory;
	c->overcommit_ratio = ratio;
	c->overcommit_kbytes = s.overcommit_kbytes;
	c->max_map_count = vmacct_max_map_count();
	c->admin_reserve_kbytes = s.admin_reserve_kbytes;
	c->user_reserve_kbytes = s.user_reserve_kbytes;
	c->online_cpus = num_online_cpus();
	c->page_size = PAGE_SIZE;
	c->committed_batch = batch > 0 ? batch : 0;

	limit = vmacct_commit_limit(totalram, hugetlb, swap, ratio,
				    c->overcommit_kbytes);
	c->limit = limit;
	c->committed_read = vmacct_committed_read();
	c->committed = vmacct_committed_exact();
	c->committed_error = vmacct_error_bound(c->online_cpus, batch);
	c->totalram = totalram;
	c->total_swap = swap > 0 ? swap : 0;
	c->free_swap = max_t(long, get_nr_swap_pages(), 0);
	c->hugetlb = hugetlb;
	c->admin_reserve = kbytes_to_pages(c->admin_reserve_kbytes);
	c->user_reserve = kbytes_to_pages(c->user_reserve_kbytes);
	c->guess_ceiling = c->totalram + c->total_swap;
}

/**
 * vmacct_user_reserve - the user reserve a request of an mm is held to
 * @total_vm: the mm's total_vm, in pages
 * @user_reserve: sysctl_user_reserve_kbytes, in pages
 *
 * Return: min(total_vm / 32, user reserve), as __vm_enough_memory()
 * subtracts it when it has an mm.
 */
u64 vmacct_user_reserve(u64 total_vm, u64 user_reserve)
{
	return min_t(u64, total_vm / 32, user_reserve);
}

/* allowed = vm_commit_limit() - admin reserve - user reserve, in a long */
s64 vmacct_allowed(u64 limit, u64 admin_reserve, u64 user_reserve)
{
	return (s64)limit - (s64)admin_reserve - (s64)user_reserve;
}

/**
 * vmacct_mode0_verdict - the mode-0 test: no request above RAM + swap
 * @pages: the request
 * @ceiling: totalram_pages() + total_swap_pages
 * @verdict: 0 or -ENOMEM
 * @term: VMACCT_TERM_GUESS_CEILING
 * @margin: pages that could be added with the verdict still "allow"
 */
void vmacct_mode0_verdict(u64 pages, u64 ceiling, s32 *verdict, u32 *term,
			  s64 *margin)
{
	*verdict = pages > ceiling ? -ENOMEM : 0;
	*term = VMACCT_TERM_GUESS_CEILING;
	*margin = (s64)ceiling - (s64)pages;
}

/* Mode 1 charges and never refuses. */
void vmacct_mode1_verdict(s32 *verdict, u32 *term, s64 *margin)
{
	*verdict = 0;
	*term = VMACCT_TERM_NONE;
	*margin = S64_MAX;
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
	s64 allowed = vmacct_allowed(limit, admin_reserve, user_reserve);
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
 * Smallest overcommit_ratio with floor(base * ratio / 100) >= need, the
 * ratio branch of vm_commit_limit().
 */
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

/**
 * vmacct_min_settings - the smallest settings that let a mode-2 charge pass
 * @c: snapshot of the global terms
 * @count: the count the check compares (vmacct_mode2_count())
 * @pages: the charge
 * @admin_reserve: as subtracted for the caller (0 for CAP_SYS_ADMIN)
 * @user_reserve: as subtracted for the caller
 * @min_ratio: smallest overcommit_ratio (U32_MAX: none would do)
 * @min_kbytes: smallest overcommit_kbytes
 *
 * With the ratio branch, floor((totalram - hugetlb) * ratio / 100) plus
 * swap must exceed count + pages + the reserves; with kbytes,
 * kbytes >> (PAGE_SHIFT - 10) plus swap must.
 */
void vmacct_min_settings(const struct vmacct_commit *c, s64 count, u64 pages,
			 u64 admin_reserve, u64 user_reserve, u32 *min_ratio,
			 u64 *min_kbytes)
{
	s64 need = count + (s64)pages + 1 - (s64)c->total_swap +
		   (s64)admin_reserve + (s64)user_reserve;

	*min_ratio = vmacct_min_ratio(need, c->totalram > c->hugetlb ?
				      c->totalram - c->hugetlb : 0);
	*min_kbytes = need > 0 ? (u64)need << (PAGE_SHIFT - 10) : 0;
}

/**
 * vmacct_refusal_settings - the settings that would have let a refusal pass
 * @committed: the count a refused mode-2 call compared (after its charge)
 * @admin_reserve: as subtracted for it
 * @user_reserve: as subtracted for it
 * @min_ratio: smallest overcommit_ratio (U32_MAX: none would do)
 * @min_kbytes: smallest overcommit_kbytes
 *
 * With the memory and swap of now.  Probe context: cheap reads only.
 */
void vmacct_refusal_settings(s64 committed, u64 admin_reserve,
			     u64 user_reserve, u32 *min_ratio, u64 *min_kbytes)
{
	long swap = vmacct_total_swap_pages();
	struct vmacct_commit c = {
		.totalram = totalram_pages(),
		.hugetlb = vmacct_hugetlb_total_pages(),
		.total_swap = swap > 0 ? swap : 0,
	};

	vmacct_min_settings(&c, committed, 0, admin_reserve, user_reserve,
			    min_ratio, min_kbytes);
}

/**
 * vmacct_pre_5_2_verdict - the mode-0 heuristic of kernels before 5.2
 * @pages: the request
 * @as_admin: the caller is CAP_SYS_ADMIN (no admin reserve)
 * @admin_reserve: the admin reserve in pages
 * @verdict: 0 or -ENOMEM
 * @free: what that heuristic called free, after the reserves
 * @totalreserve: totalreserve_pages
 *
 * "Free" memory, less totalreserve_pages and, for a non-admin, the admin
 * reserve, had to exceed the request.  Commit 8c7829b04c52 ("mm: fix
 * false-positive OVERCOMMIT_GUESS failures", 5.2) replaced it with the
 * RAM + swap ceiling; older articles still describe it.
 */
void vmacct_pre_5_2_verdict(s64 pages, bool as_admin, u64 admin_reserve,
			    s32 *verdict, s64 *free, u64 *totalreserve)
{
	s64 avail, reserve = vmacct_totalreserve_pages();

	avail = global_zone_page_state(NR_FREE_PAGES);
	avail += global_node_page_state(NR_FILE_PAGES);
	avail -= global_node_page_state(NR_SHMEM);
	avail += get_nr_swap_pages();
	avail += global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B);
	avail += global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE);

	*totalreserve = reserve;
	if (avail <= reserve) {
		*free = avail - reserve;
		*verdict = -ENOMEM;
		return;
	}
	avail -= reserve;
	if (!as_admin)
		avail -= admin_reserve;
	*free = avail;
	*verdict = avail > pages ? 0 : -ENOMEM;
}

/**
 * vmacct_decision_terms - the terms a __vm_enough_memory() call is using
 * @ev: its record: mode, limit, reserves, allowed, committed (as the
 *	mode-2 check will compare it) and guess_ceiling are written, nothing
 *	else
 * @total_vm: its mm's total_vm (ignored without an mm)
 * @has_mm: its first argument was not NULL
 * @pages: its second argument
 * @cap_sys_admin: its third argument
 *
 * Called from the probe at the function's entry, on the CPU that will
 * charge: cheap reads only (no exact sum, no locks).  It writes the
 * record itself, which the reader's copy is made from, so that a record
 * costs no second copy of its terms.
 */
void vmacct_decision_terms(struct vmacct_event *ev, u64 total_vm, bool has_mm,
			   long pages, int cap_sys_admin)
{
	unsigned long totalram = totalram_pages();
	/* every field is written by vmacct_sysctls_read() */
	struct vmacct_sysctls s __uninitialized;
	u64 limit, admin_reserve, user_reserve = 0;
	long swap;

	vmacct_sysctls_read(&s);
	swap = s.total_swap_pages;
	limit = vmacct_commit_limit(totalram, s.hugetlb_pages, swap,
				    s.overcommit_ratio, s.overcommit_kbytes);
	admin_reserve = cap_sys_admin ? 0 :
		kbytes_to_pages(s.admin_reserve_kbytes);
	if (has_mm)
		user_reserve =
			vmacct_user_reserve(total_vm,
					    kbytes_to_pages(s.user_reserve_kbytes));
	ev->mode = s.overcommit_memory;
	ev->limit = limit;
	ev->admin_reserve = admin_reserve;
	ev->user_reserve = user_reserve;
	ev->allowed = vmacct_allowed(limit, admin_reserve, user_reserve);
	ev->committed = vmacct_committed_after_charge(pages);
	ev->guess_ceiling = totalram + (swap > 0 ? swap : 0);
}

/* Which variant of __vm_enough_memory() this kernel runs. */
const char *vmacct_algorithm_name(void)
{
	return "v5.2";
}
