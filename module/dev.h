/* SPDX-License-Identifier: GPL-2.0 */
/* vmacct: /dev/vmacct (dev.c), set up and torn down by main.c. */
#ifndef _VMACCT_DEV_H
#define _VMACCT_DEV_H

int vmacct_dev_init(void);
void vmacct_dev_exit(void);

#endif /* _VMACCT_DEV_H */
