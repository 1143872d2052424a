/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: counters since load (stats.c): decisions and denials by caller,
 * map-count failures by system call, and how long counting was on.
 */
#ifndef _VMACCT_STATS_H
#define _VMACCT_STATS_H

#include <linux/types.h>
#include <linux/vmacct.h>

void vmacct_stats_start(void);
void vmacct_stats_stop(void);
bool vmacct_stats_counting(void);

void vmacct_stats_decision(u32 caller);
void vmacct_stats_denied(u32 caller);
void vmacct_stats_map_count(u32 sys);

void vmacct_stats_read(struct vmacct_stats *s);

#endif /* _VMACCT_STATS_H */
