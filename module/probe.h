/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: the observation mechanism (probe.c).  Hooks at the entry of
 * __vm_enough_memory() and of the system calls whose ENOMEM can come from
 * vm.max_map_count (entry.c), a kprobe on its refusal path; their handlers
 * feed inflight.c, ring.c, the recorder and stats.c.  stream.c decides
 * what is armed and when.
 */
#ifndef _VMACCT_PROBE_H
#define _VMACCT_PROBE_H

#include <linux/types.h>

int vmacct_probe_decisions_on(void);
int vmacct_probe_syscalls_on(void);
void vmacct_probe_syscalls_off(void);
void vmacct_probe_all_off(void);
bool vmacct_probe_decisions_armed(void);
bool vmacct_probe_syscalls_armed(void);
u64 vmacct_probe_missed(void);
void vmacct_probe_flush(void);
void vmacct_probe_init(void);
void vmacct_probe_exit(void);

#endif /* _VMACCT_PROBE_H */
