/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reaching /dev/vmacct, for every command that asks the module: is the
 * module loaded (libkmod), is the node there, may we open it, does the
 * module speak our ABI.  Each function says what went wrong itself and
 * returns a VM_EXIT_* code.
 */
#ifndef VMACCT_DEVICE_H
#define VMACCT_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tool.h"

/* Open VMACCT_DEV_PATH read-only into *fd, explaining any failure. */
int vm_dev_open(const struct global_opts *g, int verbose, int *fd);

/* VMACCT_IOC_VERSION: the module speaks VMACCT_ABI_VERSION. */
int vm_dev_version(int fd, struct vmacct_version *v);

/* vm_dev_version(), then VMACCT_IOC_COMMIT. */
int vm_dev_snapshot(int fd, int verbose, struct vmacct_version *v,
		    struct vmacct_commit *c);

/*
 * VMACCT_IOC_STATS into *s.  A module older than the counters answers
 * ENOTTY: then *have is false and the result is VM_EXIT_OK.
 */
int vm_dev_stats(int fd, int verbose, struct vmacct_stats *s, bool *have);

/* An ioctl the device refused (ENOTTY: not the vmacct device). */
int vm_dev_ioctl_error(const char *what, int err);

/*
 * A per-process request (VMACCT_IOC_MM, _EVAL, _FORK) failed with err
 * for pid (0: this tool).  Process errors name the process and the fix;
 * ENOTTY here means a module older than the request.
 */
int vm_dev_pid_error(const char *what, int32_t pid, int err);

/*
 * The size the module wrote back: at least its first published version
 * (ver0), or the module and tool disagree on the layout.
 */
int vm_dev_check_size(const char *what, uint32_t got, uint32_t ver0,
		      size_t ours, int verbose);

struct ps_table;
/*
 * Every process of /proc into t (pswalk.c): VMACCT_IOC_MM each, the
 * vanished ones skipped, kernel threads counted, unreadable ones kept
 * with their errno.  An exit code.
 */
int vm_ps_walk(int fd, int verbose, struct ps_table *t);

#endif
