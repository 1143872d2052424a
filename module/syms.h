/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: unexported kernel data, reached through addresses verified at
 * load time.  Nothing here knows a process, a verdict or a face;
 * everything above reads the kernel's accounting through these
 * functions.
 */
#ifndef _VMACCT_SYMS_H
#define _VMACCT_SYMS_H

#include <linux/compiler.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/percpu.h>
#include <linux/percpu_counter.h>
#include <linux/swap.h>
#include <linux/types.h>

/*
 * Newer kernels made three of the objects syms.c reads file-local,
 * declared in no header (by 7.2: mm/util.c's static
 * sysctl_overcommit_ratio and sysctl_overcommit_kbytes, and
 * sysctl_max_map_count beside its sysctl table; 6.12 still declares all
 * three in linux/mm.h).  These declarations give the types syms.c reads
 * them with: where a kernel header still declares one, a different type
 * there is a conflicting-types build error.  Never referenced (only
 * typeof() and sizeof()): not exported, a use would not link.
 */
extern int sysctl_overcommit_ratio;
extern unsigned long sysctl_overcommit_kbytes;
extern int sysctl_max_map_count;

int vmacct_syms_init(void);

/*
 * What vm_commit_limit() and __vm_enough_memory() read besides
 * vm_committed_as and totalram_pages(), read once each in one call: a
 * record of a decision takes them all.
 */
struct vmacct_sysctls {
	int overcommit_memory;
	int overcommit_ratio;
	unsigned long overcommit_kbytes;
	unsigned long admin_reserve_kbytes;
	unsigned long user_reserve_kbytes;
	long total_swap_pages;
	unsigned long hugetlb_pages;		/* hugetlb_total_pages() */
};

/*
 * The verified pointers, typed by the kernel's own declarations
 * (linux/mman.h, mm.h, swap.h, hugetlb.h), so that a kernel that changes
 * a type changes ours with it, and syms.c's checks make any change a
 * build error rather than a wrong read.  Filled in vmacct_syms_init(),
 * before any reader (sysfs, device, probe) exists; read-only afterwards.
 * Public so that the readers of the hot paths below are in line.
 */
struct vmacct_ksyms {
	/* first: the system call trampolines read it at offset 0 (syscall.h) */
	typeof(sysctl_max_map_count) *sysctl_max_map_count;
	typeof(vm_committed_as) *vm_committed_as;
	typeof(vm_committed_as_batch) *vm_committed_as_batch;
	typeof(sysctl_overcommit_memory) *sysctl_overcommit_memory;
	typeof(sysctl_overcommit_ratio) *sysctl_overcommit_ratio;
	typeof(sysctl_overcommit_kbytes) *sysctl_overcommit_kbytes;
	typeof(sysctl_admin_reserve_kbytes) *sysctl_admin_reserve_kbytes;
	typeof(sysctl_user_reserve_kbytes) *sysctl_user_reserve_kbytes;
	typeof(total_swap_pages) *total_swap_pages;
	typeof(totalreserve_pages) *totalreserve_pages;
#ifdef CONFIG_HUGETLB_PAGE
	typeof(hugetlb_max_hstate) *hugetlb_max_hstate;
	typeof(hstates[0]) *hstates;
#endif
};

extern struct vmacct_ksyms vmacct_ksyms;

/* hugetlb_total_pages(), recomputed: it is sealed on IBT kernels. */
static inline unsigned long vmacct_hugetlb_total_pages(void)
{
#ifdef CONFIG_HUGETLB_PAGE
	const struct vmacct_ksyms *k = &vmacct_ksyms;
	int i, n = READ_ONCE(*k->hugetlb_max_hstate);
	unsigned long nr = 0;

	for (i = 0; i < n && i < HUGE_MAX_HSTATE; i++) {
		struct hstate *h = &k->hstates[i];

		nr += READ_ONCE(h->nr_huge_pages) << huge_page_order(h);
	}
	return nr;
#else
	return 0;
#endif
}

static inline void vmacct_sysctls_read(struct vmacct_sysctls *s)
{
	const struct vmacct_ksyms *k = &vmacct_ksyms;

	s->overcommit_memory = READ_ONCE(*k->sysctl_overcommit_memory);
	s->overcommit_ratio = READ_ONCE(*k->sysctl_overcommit_ratio);
	s->overcommit_kbytes = READ_ONCE(*k->sysctl_overcommit_kbytes);
	s->admin_reserve_kbytes = READ_ONCE(*k->sysctl_admin_reserve_kbytes);
	s->user_reserve_kbytes = READ_ONCE(*k->sysctl_user_reserve_kbytes);
	s->total_swap_pages = READ_ONCE(*k->total_swap_pages);
	s->hugetlb_pages = vmacct_hugetlb_total_pages();
}

/*
 * What percpu_counter_read_positive() will return once this CPU has
 * charged @pages: the local delta is folded into the shared count when it
 * would reach the batch (lib/percpu_counter.c).  Call with preemption off,
 * on the charging CPU.
 */
static inline s64 vmacct_committed_after_charge(s64 pages)
{
	const struct vmacct_ksyms *k = &vmacct_ksyms;
	s64 count = READ_ONCE(k->vm_committed_as->count);
#ifdef CONFIG_SMP
	s64 local = this_cpu_read(*k->vm_committed_as->counters);

	if (abs(local + pages) >= READ_ONCE(*k->vm_committed_as_batch))
		count += local + pages;
#else
	count += pages;
#endif
	return count > 0 ? count : 0;
}

/* vm.overcommit_memory, as the kernel's own code reads it */
int vmacct_overcommit_memory(void);

/* vm.max_map_count, read by every probed system call: in line */
static inline int vmacct_max_map_count(void)
{
	return READ_ONCE(*vmacct_ksyms.sysctl_max_map_count);
}

/* vm_committed_as, and the terms vm_commit_limit() reads */
s64 vmacct_committed_read(void);
s64 vmacct_committed_at_refusal(long pages);
s64 vmacct_committed_count(void);
s32 vmacct_committed_batch(void);
long vmacct_total_swap_pages(void);
unsigned long vmacct_totalreserve_pages(void);

#endif /* _VMACCT_SYMS_H */
