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

void vmacct_sysctls_read(struct vmacct_sysctls *s);

/* vm.overcommit_memory, as the kernel's own code reads it */
int vmacct_overcommit_memory(void);

/* vm.max_map_count, read by every probed system call: in line */
extern int *vmacct_sysctl_max_map_count;

static inline int vmacct_max_map_count(void)
{
	return READ_ONCE(*vmacct_sysctl_max_map_count);
}

/* vm_committed_as, and the terms vm_commit_limit() reads */
s64 vmacct_committed_read(void);
s64 vmacct_committed_at_refusal(long pages);
s64 vmacct_committed_count(void);
s64 vmacct_committed_after_charge(s64 pages);
s32 vmacct_committed_batch(void);
long vmacct_total_swap_pages(void);
unsigned long vmacct_hugetlb_total_pages(void);
unsigned long vmacct_totalreserve_pages(void);

#endif /* _VMACCT_SYMS_H */
