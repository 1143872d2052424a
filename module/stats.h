/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: counters since load (stats.c): decisions and denials by caller,
 * map-count failures by system call, and how long counting was on.
 */
#ifndef _VMACCT_STATS_H
#define _VMACCT_STATS_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/jump_label.h>
#include <linux/percpu.h>
#include <linux/types.h>
#include <linux/vmacct.h>

void vmacct_stats_start(void);
void vmacct_stats_stop(void);
bool vmacct_stats_counting(void);

/* the counts of one CPU; summed when read */
struct vmacct_counts {
	u64 decisions[VMACCT_STATS_SLOTS];
	u64 denied[VMACCT_STATS_SLOTS];
	u64 map_count[VMACCT_STATS_SLOTS];
};

DECLARE_PER_CPU(struct vmacct_counts, vmacct_counts);
/* counting is on: switched under stats.c's mutex, on by default */
DECLARE_STATIC_KEY_FALSE(vmacct_stats_key);

/* every caller kind and system call has its counter */
static_assert(VMACCT_CALLER_SWAPOFF < VMACCT_STATS_SLOTS);
static_assert(VMACCT_SYS_MUNLOCK < VMACCT_STATS_SLOTS);

/*
 * Probe context: one decision of caller kind @caller, a VMACCT_CALLER_*
 * constant.  In line: every __vm_enough_memory() call counts, so while
 * counting is on (the recorder's default) this is one jump and one add.
 */
static __always_inline void vmacct_stats_decision(u32 caller)
{
	if (static_branch_likely(&vmacct_stats_key))
		this_cpu_inc(vmacct_counts.decisions[caller]);
}

void vmacct_stats_denied(u32 caller);
void vmacct_stats_map_count(u32 sys);

void vmacct_stats_read(struct vmacct_stats *s);

#endif /* _VMACCT_STATS_H */
