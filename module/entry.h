/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: the entry hooks (entry.c): vmacct's code at the entry of
 * __vm_enough_memory() and of the system calls whose ENOMEM can come from
 * vm.max_map_count, by a direct call where the kernel offers one and an
 * ftrace_ops callback elsewhere.  probe.c decides when; callers
 * serialize (probe.c's mutex).
 */
#ifndef _VMACCT_ENTRY_H
#define _VMACCT_ENTRY_H

#include <linux/types.h>

int vmacct_entry_decision_on(void);
void vmacct_entry_decision_off(void);
int vmacct_entry_syscalls_on(void);
void vmacct_entry_syscalls_off(void);
void vmacct_entry_exit(void);

/*
 * entry.c's own: the direct-call trampolines (assembly, compat.h) and the
 * C entry of the system calls' (the decision's is vmacct_inflight_enter());
 * nothing else calls these.
 */
void vmacct_sys_direct(u32 sys);
void vmacct_decision_tramp(void);
void vmacct_mmap_tramp(void);
void vmacct_munmap_tramp(void);
void vmacct_mprotect_tramp(void);
void vmacct_mremap_tramp(void);
void vmacct_brk_tramp(void);
void vmacct_madvise_tramp(void);
void vmacct_mlock_tramp(void);
void vmacct_munlock_tramp(void);

#endif /* _VMACCT_ENTRY_H */
