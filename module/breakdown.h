/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: Committed_AS attributed, by kind (breakdown.c).
 */
#ifndef _VMACCT_BREAKDOWN_H
#define _VMACCT_BREAKDOWN_H

#include <linux/vmacct.h>

int vmacct_breakdown(struct vmacct_breakdown *b);

#endif /* _VMACCT_BREAKDOWN_H */
