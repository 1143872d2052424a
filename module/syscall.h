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

#include "compat.h"
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

#ifdef VMACCT_HAVE_DIRECT
/*
 * vmacct_syscall_enter()'s first test in assembly, for the system call
 * trampolines (entry.c, compat.h): it returns at once for a task with no
 * mm, or with a map_count at or below VMACCT_PEAKS_FLOOR and below
 * vm.max_map_count less VMACCT_RULE_WIDEST_RESERVE, and sends the rest on
 * to the C entry, which decides.  A filter in front of that test, never
 * narrower, which spares a system call far from every limit the frame,
 * the call and the saved register.  Only %rdi (regs) is live at the entry
 * of __x64_sys_*(); count + reserve cannot overflow below the floor.
 * vm.max_map_count is read through vmacct_ksyms' first pointer (syms.h).
 */
#define VMACCT_SYSCALL_TRAMP_CHECK					\
	"	movq " VMACCT_ASM_CURRENT ", %rax\n"			\
	"	movq vmacct_off_task_mm(%rax), %rax\n"			\
	"	testq %rax, %rax\n"					\
	"	jz 2f\n"						\
	"	movl vmacct_off_mm_map_count(%rax), %eax\n"		\
	"	cmpl $" __stringify(VMACCT_PEAKS_FLOOR) ", %eax\n"	\
	"	jg 1f\n"						\
	"	addl $" __stringify(VMACCT_RULE_WIDEST_RESERVE) ", %eax\n"	\
	"	movq vmacct_ksyms(%rip), %rcx\n"				\
	"	cmpl (%rcx), %eax\n"					\
	"	jge 1f\n"						\
	"2:\n"								\
	ASM_RET								\
	"1:\n"
#endif

void vmacct_syscall_lost(void);
u64 vmacct_syscall_missed(void);
void vmacct_syscall_exit(void);

#endif /* _VMACCT_SYSCALL_H */
