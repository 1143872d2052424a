/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: the questions asked of one process (query.c): its counts and
 * headrooms, a dry run of __vm_enough_memory(), a fork prediction; and
 * what this module and kernel are.
 */
#ifndef _VMACCT_QUERY_H
#define _VMACCT_QUERY_H

#include <linux/vmacct.h>

void vmacct_query_version(struct vmacct_version *v);
int vmacct_query_mm(struct vmacct_mm *m);
int vmacct_query_eval(struct vmacct_eval *e);
int vmacct_query_fork(struct vmacct_fork *f);

#endif /* _VMACCT_QUERY_H */
