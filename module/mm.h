/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: one process (mm.c): the access check, the VMA walk, its counts
 * and commit charge, and what fork() of it would charge.  No verdicts.
 */
#ifndef _VMACCT_MM_H
#define _VMACCT_MM_H

#include <linux/types.h>
#include <linux/vmacct.h>

struct cred;
struct mm_struct;

/* What dup_mmap() would charge for one process. */
struct vmacct_fork_charge {
	u32 nr_charged;		/* VM_ACCOUNT VMAs without VM_DONTCOPY */
	u64 charge;		/* their pages */
	u64 largest;		/* the largest of them, in pages */
	u64 total_vm;		/* the parent's, for the user reserve */
	bool as_admin;		/* vmacct_mm_cap_sys_admin() of the process */
};

bool vmacct_mm_capable(const struct cred *cred, int cap);
bool vmacct_mm_cap_sys_admin(const struct cred *cred);
int vmacct_mm_counts(struct vmacct_mm *m);
int vmacct_mm_charge(struct mm_struct *mm, u64 *pages);
int vmacct_mm_total_vm(pid_t pid, u64 *total_vm, bool *adminp);
int vmacct_mm_fork_charge(pid_t pid, struct vmacct_fork_charge *f);
bool vmacct_mm_range_inside(struct mm_struct *mm, unsigned long start,
			    unsigned long len);
bool vmacct_mm_range_mapped(struct mm_struct *mm, unsigned long start,
			    unsigned long len);

#endif /* _VMACCT_MM_H */
