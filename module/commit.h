/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: the model of __vm_enough_memory() (commit.c).  CommitLimit, the
 * snapshot of every global term, and the verdicts of modes 0, 1 and 2:
 * functions of numbers, with no process and no face.
 */
#ifndef _VMACCT_COMMIT_H
#define _VMACCT_COMMIT_H

#include <linux/types.h>
#include <linux/vmacct.h>

void vmacct_commit_snapshot(struct vmacct_commit *c);
s64 vmacct_mode2_count(const struct vmacct_commit *c);
u64 vmacct_committed_error(void);
u64 vmacct_committed_exact(void);
const char *vmacct_algorithm_name(void);

u64 vmacct_user_reserve(u64 total_vm, u64 user_reserve);
s64 vmacct_allowed(u64 limit, u64 admin_reserve, u64 user_reserve);

void vmacct_mode0_verdict(u64 pages, u64 ceiling, s32 *verdict, u32 *term,
			  s64 *margin);
void vmacct_mode1_verdict(s32 *verdict, u32 *term, s64 *margin);
void vmacct_mode2_verdict(s64 count, u64 pages, u64 limit, u64 admin_reserve,
			  u64 user_reserve, u64 error, s32 *verdict, u32 *term,
			  s64 *margin, u32 *slop);
void vmacct_min_settings(const struct vmacct_commit *c, s64 count, u64 pages,
			 u64 admin_reserve, u64 user_reserve, u32 *min_ratio,
			 u64 *min_kbytes);
void vmacct_refusal_settings(s64 committed, u64 admin_reserve,
			     u64 user_reserve, u32 *min_ratio, u64 *min_kbytes);
void vmacct_pre_5_2_verdict(s64 pages, bool as_admin, u64 admin_reserve,
			    s32 *verdict, s64 *free, u64 *totalreserve);

void vmacct_decision_terms(struct vmacct_event *ev, u64 total_vm, bool has_mm,
			   long pages, int cap_sys_admin);

#endif /* _VMACCT_COMMIT_H */
