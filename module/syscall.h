/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: a system call near vm.max_map_count, followed from its entry
 * (probe.c) to its return (syscall.c).
 */
#ifndef _VMACCT_SYSCALL_H
#define _VMACCT_SYSCALL_H

#include <linux/types.h>

void vmacct_syscall_enter(u32 sys);
void vmacct_syscall_lost(void);
u64 vmacct_syscall_missed(void);
void vmacct_syscall_exit(void);

#endif /* _VMACCT_SYSCALL_H */
