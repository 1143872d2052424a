/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: the processes with the highest map_count seen since load
 * (peaks.c), and VMACCT_IOC_PEAKS to read them.
 */
#ifndef _VMACCT_PEAKS_H
#define _VMACCT_PEAKS_H

#include <linux/types.h>
#include <linux/vmacct.h>

void vmacct_peaks_see(u32 count);
int vmacct_peaks_read(struct vmacct_peaks *p);

#endif /* _VMACCT_PEAKS_H */
