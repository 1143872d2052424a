/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: every process's private commit charge, each address space once
 * (tasks.c).
 */
#ifndef _VMACCT_TASKS_H
#define _VMACCT_TASKS_H

#include <linux/types.h>

struct vmacct_tasks_charge {
	u64 pages;		/* pages of VM_ACCOUNT VMAs */
	u64 mms;		/* address spaces they are in */
	u32 unread;		/* exiting processes: mm gone from the task */
};

int vmacct_tasks_charge(struct vmacct_tasks_charge *t);

#endif /* _VMACCT_TASKS_H */
