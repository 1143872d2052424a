/* SPDX-License-Identifier: GPL-2.0 */
/* vmacct: /sys/kernel/vmacct/ (sysfs.c), set up and torn down by main.c. */
#ifndef _VMACCT_SYSFS_H
#define _VMACCT_SYSFS_H

int vmacct_sysfs_init(void);
void vmacct_sysfs_exit(void);

#endif /* _VMACCT_SYSFS_H */
