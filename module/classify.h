/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: what a probed call was (classify.c): the kind of caller behind a
 * __vm_enough_memory() decision, and whether a system call's failure was
 * vm.max_map_count's doing.  Called from probe handlers: atomic context.
 */
#ifndef _VMACCT_CLASSIFY_H
#define _VMACCT_CLASSIFY_H

#include <linux/compat.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/types.h>
#include <linux/vmacct.h>
#include <asm/syscall.h>

#include "compat.h"

struct mm_struct;

/* A system call that may fail on the count, as seen at its entry. */
struct vmacct_syscall {
	u64 denial_seq;		/* commit denials seen before the call */
	unsigned long arg0, arg1, arg2, arg3;
	u32 map_count;
	u32 max_map_count;
};

/* vmacct_nr_kind[]: a system call number's caller kind + 1 */
#define VMACCT_NR_KINDS		512
#define VMACCT_NR_BY_MAP_TYPE	U8_MAX	/* mmap(): by its flags */
#define VMACCT_CALLER_UNKNOWN	U32_MAX	/* ask vmacct_classify_caller() */

extern u8 vmacct_nr_kind[VMACCT_NR_KINDS];
void vmacct_classify_init(void);

/**
 * vmacct_classify_quick - the VMACCT_CALLER_* of a call in progress, if
 *	the system call the task is in says it
 *
 * In line at every decision's entry: a table of system call numbers names
 * most callers.  The others (a fault, execve(), a kernel thread, a compat
 * call) are VMACCT_CALLER_UNKNOWN, for vmacct_classify_caller().
 */
static __always_inline u32 vmacct_classify_quick(void)
{
	struct task_struct *task = current;
	struct pt_regs *uregs = task_pt_regs(task);
	unsigned long nr = (unsigned int)syscall_get_nr(task, uregs);
	u32 kind;

	if (unlikely(nr >= VMACCT_NR_KINDS))
		return VMACCT_CALLER_UNKNOWN;
	kind = vmacct_nr_kind[nr];
	/* below VMACCT_NR_KINDS: not x32 */
	if (unlikely(!kind || !task->mm || (task->flags & PF_KTHREAD) ||
		     vmacct_in_compat_low_nr()))
		return VMACCT_CALLER_UNKNOWN;
	/* mmap(): private memory, or a MAP_SHARED anonymous object */
	if (kind == VMACCT_NR_BY_MAP_TYPE)
		kind = (vmacct_syscall_arg(uregs, 3) & MAP_TYPE) == MAP_PRIVATE ?
		       VMACCT_CALLER_MMAP + 1 : VMACCT_CALLER_SHMEM + 1;
	return kind - 1;
}

u32 vmacct_classify_caller(const struct mm_struct *mm, unsigned long parent);
void vmacct_classify_denied(void);
bool vmacct_classify_enter(struct vmacct_syscall *c, int count, int max);
s64 vmacct_classify_enough(u32 sys, const struct vmacct_syscall *c);
bool vmacct_classify_map_count(u32 sys, const struct vmacct_syscall *c,
			       long ret);

#endif /* _VMACCT_CLASSIFY_H */
