/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct check" from a VMACCT_IOC_EVAL answer: the verdict line, the
 * kernel's formula for the mode with every term, the margin, the
 * deciding term, and the pre-5.2 heuristic labelled as such.  No I/O
 * beyond the FILE given, so the host tests feed it hand-made answers.
 */
#ifndef VMACCT_CHECK_H
#define VMACCT_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/vmacct.h>

/* What was asked, beyond what struct vmacct_eval echoes. */
struct check_request {
	int32_t pid;		/* the process shown: --pid, or the tool's own */
	int self;		/* 1 when pid is this tool (no --pid) */
	const char *comm;	/* its /proc/PID/comm (any bytes), or NULL */
	uint32_t flags;		/* VMACCT_EVAL_* sent */
	bool selinux;		/* SELinux active: its vm_enough_memory hook
				 * may withdraw the admin waiver */
	/*
	 * The process's (--pid's, or this tool's) soft RLIMIT_AS and
	 * RLIMIT_DATA (bytes, CHECK_UNLIMITED for none) and its total_vm and
	 * data_vm (pages), which mmap() compares with them before it asks
	 * the overcommit accounting (may_expand_vm()).
	 */
	bool have_rlimits;
	uint64_t rlimit_as, rlimit_data;
	uint64_t total_vm, data_vm;
};

#define CHECK_UNLIMITED UINT64_MAX

/*
 * Would the process's RLIMIT_AS (which: 0) or RLIMIT_DATA (1) refuse a
 * mapping of pages first?  RLIMIT_DATA counts private writable mappings
 * (malloc()'s), RLIMIT_AS every mapping.  The kernel's test:
 * vm + pages > limit >> PAGE_SHIFT (mm/mmap.c, may_expand_vm()).
 */
bool check_rlimit_refuses(const struct check_request *r, int which,
			  uint64_t pages, uint32_t page_size);

/*
 * e is the module's answer; c the snapshot taken with it (page size,
 * the system's mode, the user reserve cap).
 */
void check_print_human(FILE *out, const struct vmacct_eval *e,
		       const struct vmacct_commit *c,
		       const struct check_request *r);
void check_print_json(FILE *out, const struct vmacct_eval *e,
		      const struct vmacct_commit *c,
		      const struct check_request *r);

#endif
