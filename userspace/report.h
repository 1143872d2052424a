/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct status" from a snapshot: derived values, operator warnings and
 * the two renderings (people, JSON).  No I/O beyond the FILE given, so
 * the host tests feed it hand-made snapshots.
 */
#ifndef VMACCT_REPORT_H
#define VMACCT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/vmacct.h>

#include "status-table.h"

#define STATUS_MAX_WARNINGS	8
#define STATUS_WARNING_LEN	256

struct status_warnings {
	unsigned int n;
	char msg[STATUS_MAX_WARNINGS][STATUS_WARNING_LEN];
};

/* "guess", "always", "never" (the kernel's OVERCOMMIT_* names) or "unknown". */
const char *overcommit_mode_name(uint32_t mode);
/*
 * An overcommit mode given by number (0, 1, 2) or by name (guess, always,
 * never).  0 or -EINVAL.
 */
int parse_overcommit_mode(const char *s, uint32_t *mode);
/* What the mode does, for people. */
const char *overcommit_mode_desc(uint32_t mode);
/* CommitLimit - Committed_AS, negative when over the limit. */
int64_t commit_headroom(const struct vmacct_commit *c);

void status_warnings(const struct vmacct_commit *c, struct status_warnings *w);

/*
 * s: the module's counters since load, or NULL for a module without
 * VMACCT_IOC_STATS (then they are left out).  0, or -errno when a table
 * could not be drawn.
 */
int status_print_human(FILE *out, const struct vmacct_version *v,
		       const struct vmacct_commit *c,
		       const struct vmacct_stats *s,
		       const struct status_warnings *w,
		       const struct status_view *view);
void status_print_json(FILE *out, const struct vmacct_version *v,
		       const struct vmacct_commit *c,
		       const struct vmacct_stats *s,
		       const struct status_warnings *w);

#endif
