/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: a system call near vm.max_map_count, followed from its entry
 * (entry.c's hooks) to its return (syscall.c).
 */
#ifndef _VMACCT_SYSCALL_H
#define _VMACCT_SYSCALL_H

#include <linux/compiler.h>
#include <linux/mm_types.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/vmacct.h>

#include "peaks.h"
#include "recorder.h"
#include "rules.h"
#include "syms.h"

void vmacct_syscall_near(u32 sys, int count);

/**
 * vmacct_syscall_enter - the entry of a probed system call
 * @sys: VMACCT_SYS_*
 *
 * In line in the hooks (entry.c), on the calling task, preemption on or
 * off.  Most calls end here: too few mappings for the peaks table (its
 * floor is never below VMACCT_PEAKS_FLOOR), or no news for it
 * (vmacct_peaks_known()), and too few for any check to fail.
 */
static __always_inline void vmacct_syscall_enter(u32 sys)
{
	struct mm_struct *mm = current->mm;
	int count;

	if (!mm)
		return;
	count = READ_ONCE(mm->map_count);
	if ((count > VMACCT_PEAKS_FLOOR && vmacct_recorder_on() &&
	     !vmacct_peaks_known(count)) ||
	    count >= vmacct_rule_lowest(vmacct_max_map_count()))
		vmacct_syscall_near(sys, count);
}

void vmacct_syscall_lost(void);
u64 vmacct_syscall_missed(void);
void vmacct_syscall_exit(void);

#endif /* _VMACCT_SYSCALL_H */
