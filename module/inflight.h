/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: a __vm_enough_memory() call between its entry and its verdict
 * (inflight.c): what the probe engine knows of a decision, turned into
 * counts and the readers' records.  Probe context.
 */
#ifndef _VMACCT_INFLIGHT_H
#define _VMACCT_INFLIGHT_H

#include <linux/types.h>

struct mm_struct;

void vmacct_inflight_enter(struct mm_struct *mm, long pages,
			   int cap_sys_admin, unsigned long parent);
void vmacct_inflight_refused(void);
void vmacct_inflight_flush(void);
void vmacct_inflight_lost(void);
u64 vmacct_inflight_missed(void);
void vmacct_inflight_init(void);
void vmacct_inflight_reset(void);

#endif /* _VMACCT_INFLIGHT_H */
