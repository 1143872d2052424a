/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct fork-check" from a VMACCT_IOC_FORK answer: what fork() of the
 * process would charge, the verdict under each overcommit mode, the mode
 * in force and so what will happen, and the smallest overcommit_ratio or
 * overcommit_kbytes that would let mode 2 pass.  No I/O beyond the FILE
 * given, so the host tests feed it hand-made answers.
 */
#ifndef VMACCT_FORKCHECK_H
#define VMACCT_FORKCHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/vmacct.h>

#define FORK_MIN_RATIO_NONE	0xffffffffU	/* struct vmacct_fork: no ratio can */

struct fork_request {
	int32_t pid;		/* the process shown */
	int self;		/* 1 for "self": this tool */
	const char *comm;	/* its /proc/PID/comm, or NULL */
	bool selinux;		/* SELinux active (see check.h) */
};

/* Can some overcommit_ratio / overcommit_kbytes let the fork pass? */
bool fork_min_ratio_possible(const struct vmacct_fork *f);
bool fork_min_kbytes_possible(const struct vmacct_fork *f);
/* Does the answer carry min_ratio_certain and min_kbytes_certain? */
bool fork_has_certain(const struct vmacct_fork *f);

/*
 * f is the module's answer; c a snapshot taken with it (page size, the
 * mode in force, the current ratio and kbytes, the user reserve cap).
 */
void fork_print_human(FILE *out, const struct vmacct_fork *f,
		      const struct vmacct_commit *c,
		      const struct fork_request *r);
void fork_print_json(FILE *out, const struct vmacct_fork *f,
		     const struct vmacct_commit *c,
		     const struct fork_request *r);

#endif
