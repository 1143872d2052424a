/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: what a probed call was (classify.c): the kind of caller behind a
 * __vm_enough_memory() decision, and whether a system call's failure was
 * vm.max_map_count's doing.  Called from probe handlers: atomic context.
 */
#ifndef _VMACCT_CLASSIFY_H
#define _VMACCT_CLASSIFY_H

#include <linux/types.h>

struct mm_struct;

/* A system call that may fail on the count, as seen at its entry. */
struct vmacct_syscall {
	u64 denial_seq;		/* commit denials seen before the call */
	unsigned long arg0, arg1, arg2, arg3;
	u32 map_count;
	u32 max_map_count;
};

u32 vmacct_classify_caller(const struct mm_struct *mm, unsigned long parent);
void vmacct_classify_denied(void);
bool vmacct_classify_enter(struct vmacct_syscall *c, int count, int max);
s64 vmacct_classify_enough(u32 sys, const struct vmacct_syscall *c);
bool vmacct_classify_map_count(u32 sys, const struct vmacct_syscall *c,
			       long ret);

#endif /* _VMACCT_CLASSIFY_H */
