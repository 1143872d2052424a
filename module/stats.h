/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: counters since load (stats.c): decisions and denials by caller,
 * map-count failures by system call, and how long counting was on.
 */
#ifndef _VMACCT_STATS_H
#define _VMACCT_STATS_H

#include <linux/compiler.h>
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
extern bool vmacct_stats_on;	/* switched under stats.c's mutex */

/*
 * Probe context: one decision of caller kind @caller (VMACCT_CALLER_*).
 * In line: every __vm_enough_memory() call counts.
 */
static inline void vmacct_stats_decision(u32 caller)
{
	if (!READ_ONCE(vmacct_stats_on) || caller >= VMACCT_STATS_SLOTS)
		return;
	this_cpu_inc(vmacct_counts.decisions[caller]);
}

void vmacct_stats_denied(u32 caller);
void vmacct_stats_map_count(u32 sys);

void vmacct_stats_read(struct vmacct_stats *s);

#endif /* _VMACCT_STATS_H */
