/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct status --breakdown": Committed_AS by kind of holder, from
 * VMACCT_IOC_BREAKDOWN, for people, as JSON and as Prometheus series.
 * No I/O beyond the FILE given: the host tests feed it hand-made answers.
 */
#ifndef VMACCT_BREAKDOWN_H
#define VMACCT_BREAKDOWN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/vmacct.h>

/* "private", "sysv", ...; NULL for a kind this tool does not know. */
const char *bd_kind_name(uint32_t kind);

/*
 * Committed_AS (read before the walk) minus every kind: what the walk
 * could not attribute.  Its bound: how much Committed_AS moved during
 * the walk (charges seen on one side of it and not the other).
 */
int64_t bd_remainder(const struct vmacct_breakdown *b);
uint64_t bd_drift(const struct vmacct_breakdown *b);

/* How status draws the breakdown's table: its -r, -n and -b. */
struct bd_view {
	bool raw;
	bool noheadings;
	bool bytes;
};

/* The breakdown for people, its table drawn as v says.  0 or -errno. */
int bd_print_human(FILE *out, const struct vmacct_breakdown *b,
		   uint32_t page_size, const struct bd_view *v);
void bd_print_json(FILE *out, const struct vmacct_breakdown *b,
		   uint32_t page_size);
/*
 * vmacct_committed_bytes{kind}: every kind and "remainder", whose sum is
 * Committed_AS; without b (the walk was not allowed) the whole of it as
 * the remainder, committed pages.
 */
void bd_print_prom(FILE *out, const struct vmacct_breakdown *b,
		   uint64_t committed, uint32_t page_size);

#endif
