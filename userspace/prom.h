/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct status --prometheus": the node_exporter textfile-collector
 * format (Prometheus text exposition 0.0.4).  No I/O beyond the FILE
 * given, so the host tests feed it hand-made answers.
 */
#ifndef VMACCT_PROM_H
#define VMACCT_PROM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/vmacct.h>

#include "ps.h"

#define PROM_TOP_DEFAULT 10

/* What the recorder says (VMACCT_IOC_LOG with no records, VMACCT_IOC_PEAKS). */
struct prom_recorder {
	struct vmacct_log log;
	struct vmacct_peak peaks[VMACCT_PEAKS_MAX];
	uint32_t npeaks;
};

/*
 * The global terms from v and c, the counters of s (NULL: a module
 * without VMACCT_IOC_STATS; only vmacct_stats_enabled when it never
 * counted), then vmacct_process_mappings for the
 * top rows of t by map_count and vmacct_process_commit_charge_bytes for
 * the top rows by charge (t is sorted in place; unreadable rows are only
 * counted), then the recorder's totals, the time of the last refusal of
 * each kind and the peak table from r (NULL: a module without the
 * recorder, or a user who may not read it).  Every metric has HELP and
 * TYPE lines; sizes are in bytes.
 */
/* How many processes, and cgroups, get series of their own. */
struct prom_top {
	size_t processes;
	size_t cgroups;
};

/*
 * Every series; bd NULL when the breakdown was not allowed (then all of
 * Committed_AS is vmacct_committed_bytes{kind="remainder"}).  0 or
 * -ENOMEM.
 */
int prom_print(FILE *out, const struct vmacct_version *v,
	       const struct vmacct_commit *c, const struct vmacct_stats *s,
	       struct ps_table *t, const struct prom_top *top,
	       const struct prom_recorder *r, const struct vmacct_breakdown *bd);

/*
 * When the module does not answer: vmacct_up{reason="REASON"} 0 alone
 * (reason: not_loaded, no_device, permission, abi_mismatch, error), so
 * that a textfile keeps saying so instead of going stale.  prom_print()
 * writes vmacct_up{reason=""} 1 first.
 */
void prom_print_down(FILE *out, const char *reason);

#endif
