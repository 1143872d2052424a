// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text format of "vmacct status --prometheus".
 *
 * Conventions (prometheus.io/docs/practices/naming): the vmacct_ prefix,
 * base units (bytes, seconds; a ratio as a fraction), gauges for every
 * value read at scrape time, _total counters for the module's counts since
 * load, every known label value present (zeros included) so that rate()
 * sees a series from its start.  Pages are multiplied by the kernel's
 * page size.
 * Label values are escaped as the format requires (\\, \", \n), and a
 * process name is made valid UTF-8 without controls (escape.h, ESC_PROM).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "breakdown.h"
#include "escape.h"
#include "parse.h"
#include "prom.h"
#include "ps-cgroup.h"
#include "report.h"
#include "trace.h"

static void head_type(FILE *out, const char *name, const char *help,
		      const char *type)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void head(FILE *out, const char *name, const char *help)
{
	head_type(out, name, help, "gauge");
}

static void gauge_u64(FILE *out, const char *name, const char *help, uint64_t v)
{
	head(out, name, help);
	fprintf(out, "%s %" PRIu64 "\n", name, v);
}

static void gauge_i64(FILE *out, const char *name, const char *help, int64_t v)
{
	head(out, name, help);
	fprintf(out, "%s %" PRId64 "\n", name, v);
}

static void process_series(FILE *out, const char *name, const struct ps_row *r,
			   uint64_t v)
{
	fprintf(out, "%s{pid=\"%" PRId32 "\",comm=\"", name, r->pid);
	esc_write(out, r->comm, ESC_PROM);
	fprintf(out, "\"} %" PRIu64 "\n", v);
}

/* One series per known kind: name{label="kind"} v[kind]. */
static void counter_by_kind(FILE *out, const char *name, const char *help,
			    const char *lbl, const char *(*kind)(uint32_t),
			    const __u64 *v)
{
	uint32_t i;

	head_type(out, name, help, "counter");
	for (i = 0; i < VMACCT_STATS_SLOTS; i++)
		if (kind(i))
			fprintf(out, "%s{%s=\"%s\"} %" PRIu64 "\n", name, lbl,
				kind(i), (uint64_t)v[i]);
}

static void stats_print(FILE *out, const struct vmacct_stats *s)
{
	gauge_u64(out, "vmacct_stats_enabled",
		  "1 while the module counts decisions and map-count failures (/sys/kernel/vmacct/stats/enabled); the vmacct counters grow only then.",
		  s->enabled);
	/* never counted: zeros would claim "no denials" */
	if (!s->enabled && !s->counting_ns)
		return;
	head_type(out, "vmacct_stats_counting_seconds_total",
		  "Seconds the module has counted since it was loaded.", "counter");
	fprintf(out, "vmacct_stats_counting_seconds_total %" PRIu64 ".%03" PRIu64 "\n",
		(uint64_t)s->counting_ns / 1000000000,
		(uint64_t)s->counting_ns / 1000000 % 1000);
	counter_by_kind(out, "vmacct_commit_decisions_total",
			"__vm_enough_memory() decisions counted since load, by what asked for the charge.",
			"caller", trace_caller_name, s->decisions);
	counter_by_kind(out, "vmacct_commit_denials_total",
			"Of those, the ones refused with ENOMEM (overcommit accounting).",
			"caller", trace_caller_name, s->denied);
	counter_by_kind(out, "vmacct_map_count_failures_total",
			"System calls that failed because of vm.max_map_count, counted since load, by system call.",
			"syscall", trace_syscall_name, s->map_count);
	head_type(out, "vmacct_probe_missed_total",
		  "Calls the module's probes could not observe since load (ftrace recursion, a refusal whose entry was not seen, no memory to follow a near-limit system call); the counters above miss them.",
		  "counter");
	fprintf(out, "vmacct_probe_missed_total %" PRIu64 "\n", (uint64_t)s->missed);
}

/* One series per kind that has a time: name{label="kind"} seconds. */
static void last_by_kind(FILE *out, const char *name, const char *help,
			 const char *lbl, const char *(*kind)(uint32_t),
			 const __s64 *ns)
{
	uint32_t i;

	head(out, name, help);
	for (i = 0; i < VMACCT_STATS_SLOTS; i++)
		if (kind(i) && ns[i] > 0)
			fprintf(out, "%s{%s=\"%s\"} %" PRId64 ".%03" PRId64 "\n",
				name, lbl, kind(i), (int64_t)ns[i] / 1000000000,
				(int64_t)ns[i] / 1000000 % 1000);
}

static void recorder_print(FILE *out, const struct prom_recorder *r)
{
	const struct vmacct_peak *p;
	uint32_t i;

	gauge_u64(out, "vmacct_recorder_enabled",
		  "1 while the module records every refusal (/sys/kernel/vmacct/recorder/enabled).",
		  r->log.enabled);
	head_type(out, "vmacct_recorder_records_total",
		  "Refusals recorded since load (decisions refused with ENOMEM and map-count failures); vmacct log shows the last ones.",
		  "counter");
	fprintf(out, "vmacct_recorder_records_total %" PRIu64 "\n",
		(uint64_t)r->log.total);
	last_by_kind(out, "vmacct_last_denial_timestamp_seconds",
		     "Wall-clock time of the last recorded refusal by overcommit accounting, by what asked for the charge.",
		     "caller", trace_caller_name, r->log.last_denial_ns);
	last_by_kind(out, "vmacct_last_map_count_failure_timestamp_seconds",
		     "Wall-clock time of the last recorded map-count failure, by system call.",
		     "syscall", trace_syscall_name, r->log.last_map_count_ns);
	head(out, "vmacct_process_peak_mappings",
	     "The highest map_count seen since load, for the processes with the highest (exited ones too), against vmacct_mappings_max.");
	for (i = 0; i < r->npeaks; i++) {
		p = &r->peaks[i];
		fprintf(out, "vmacct_process_peak_mappings{pid=\"%" PRId32 "\",comm=\"",
			p->tgid);
		esc_write_n(out, p->comm, strnlen(p->comm, sizeof(p->comm)),
			    ESC_PROM);
		fprintf(out, "\"} %u\n", p->peak);
	}
}

static const char up_help[] =
	"1 when vmacct answered from the module; 0 when it could not, with the reason (not_loaded, no_device, permission, abi_mismatch, error).";

void prom_print_down(FILE *out, const char *reason)
{
	head(out, "vmacct_up", up_help);
	fprintf(out, "vmacct_up{reason=\"");
	esc_write(out, reason, ESC_PROM);
	fputs("\"} 0\n", out);
}

/* Series of the top cgroups by v (sorted by it), label cgroup="path". */
static void cgroup_series(FILE *out, const char *name, const char *help,
			  const struct cg_table *cg, size_t top, bool charge,
			  uint32_t page_size)
{
	const struct cg_group *g;
	size_t i;

	head(out, name, help);
	for (i = 0; i < cg->n && i < top; i++) {
		g = &cg->g[i];
		if (!charge && !g->closest)
			continue;
		fprintf(out, "%s{cgroup=\"", name);
		esc_write(out, g->path, ESC_PROM);
		fprintf(out, "\"} %" PRIu64 "\n", charge ?
			g->charge * page_size : (uint64_t)g->closest->mm.map_count);
	}
}

/* The top cgroups by commit charge and by map_count.  0 or -ENOMEM. */
static int cgroups_print(FILE *out, const struct ps_table *t, size_t top,
			 uint32_t page_size)
{
	struct cg_table cg;

	if (cg_table_build(&cg, t, CG_DEPTH_ALL, PS_SORT_CHARGE))
		return -ENOMEM;
	cgroup_series(out, "vmacct_cgroup_commit_charge_bytes",
		      "Commit charge (VM_ACCOUNT VMAs) of the processes of each of the cgroups (v2) with the most; --top-cgroups sets how many.",
		      &cg, top, true, page_size);
	cg_table_free(&cg);
	if (cg_table_build(&cg, t, CG_DEPTH_ALL, PS_SORT_MAPS))
		return -ENOMEM;
	cgroup_series(out, "vmacct_cgroup_max_mappings",
		      "The largest map_count of a process of each of the cgroups (v2) with the highest, against vmacct_mappings_max.",
		      &cg, top, false, page_size);
	cg_table_free(&cg);
	return 0;
}

int prom_print(FILE *out, const struct vmacct_version *v,
	       const struct vmacct_commit *c, const struct vmacct_stats *s,
	       struct ps_table *t, const struct prom_top *top,
	       const struct prom_recorder *r, const struct vmacct_breakdown *bd)
{
	const uint64_t ps = c->page_size;
	size_t i, unreadable = 0;
	char mver[32], kver[32];

	head(out, "vmacct_up", up_help);
	fputs("vmacct_up 1\n", out);
	head(out, "vmacct_info", "The vmacct module and the kernel it runs on; always 1.");
	fprintf(out, "vmacct_info{module_version=\"%s\",kernel_version=\"%s\",abi_version=\"%u\",algorithm=\"%u\"} 1\n",
		format_version_code(v->module_version, mver, sizeof(mver)),
		format_version_code(v->kernel_version, kver, sizeof(kver)),
		v->abi_version, v->algorithm);

	gauge_u64(out, "vmacct_overcommit_memory",
		  "vm.overcommit_memory: 0 heuristic, 1 always, 2 never (strict).",
		  c->overcommit_memory);
	head(out, "vmacct_overcommit_ratio",
	     "vm.overcommit_ratio as a fraction (0.5 for 50); in force in mode 2 when vm.overcommit_kbytes is 0.");
	fprintf(out, "vmacct_overcommit_ratio %d.%02d\n", c->overcommit_ratio / 100,
		c->overcommit_ratio % 100);
	gauge_u64(out, "vmacct_overcommit_kbytes_limit_bytes",
		  "vm.overcommit_kbytes in bytes; 0 when the ratio is in force.",
		  c->overcommit_kbytes * 1024);
	gauge_u64(out, "vmacct_admin_reserve_bytes",
		  "vm.admin_reserve_kbytes in bytes: kept back from processes without CAP_SYS_ADMIN in mode 2.",
		  c->admin_reserve_kbytes * 1024);
	gauge_u64(out, "vmacct_user_reserve_bytes",
		  "vm.user_reserve_kbytes in bytes (the kernel caps it per process).",
		  c->user_reserve_kbytes * 1024);
	gauge_u64(out, "vmacct_mappings_max",
		  "vm.max_map_count: the most VMAs (mappings) a process may have.",
		  c->max_map_count);
	gauge_u64(out, "vmacct_commit_limit_bytes",
		  "CommitLimit: what mode 2 lets the system commit.", c->limit * ps);
	bd_print_prom(out, bd, c->committed, c->page_size);
	gauge_u64(out, "vmacct_committed_compared_bytes",
		  "Committed_AS as __vm_enough_memory() compares it: the per-CPU counter without the CPU deltas.",
		  c->committed_read * ps);
	gauge_u64(out, "vmacct_committed_error_bytes",
		  "The most the compared value can differ from the exact one (CPUs x batch).",
		  c->committed_error * ps);
	gauge_i64(out, "vmacct_commit_headroom_bytes",
		  "CommitLimit - Committed_AS; negative when overcommitted.",
		  commit_headroom(c) * (int64_t)ps);
	gauge_u64(out, "vmacct_mode0_ceiling_bytes",
		  "RAM + swap: the largest single request mode 0 accepts.",
		  c->guess_ceiling * ps);
	gauge_u64(out, "vmacct_ram_bytes", "RAM the kernel manages (totalram).",
		  c->totalram * ps);
	gauge_u64(out, "vmacct_swap_bytes", "Swap in total.", c->total_swap * ps);
	gauge_u64(out, "vmacct_swap_free_bytes", "Swap free.", c->free_swap * ps);
	gauge_u64(out, "vmacct_hugetlb_bytes",
		  "Memory in hugetlb pools, outside CommitLimit's base.", c->hugetlb * ps);
	if (s)
		stats_print(out, s);

	for (i = 0; i < t->n; i++)
		unreadable += t->rows[i].err != 0;
	gauge_u64(out, "vmacct_processes", "Processes walked (kernel threads not included).",
		  t->n);
	gauge_u64(out, "vmacct_processes_unreadable",
		  "Processes whose numbers this user may not read (another user's, or not dumpable).",
		  unreadable);

	ps_sort(t, PS_SORT_MAPS);
	head(out, "vmacct_process_mappings",
	     "VMAs (mappings, map_count) of each of the processes with the most, against vmacct_mappings_max.");
	for (i = 0; i < t->n && i < top->processes && !t->rows[i].err; i++)
		process_series(out, "vmacct_process_mappings", &t->rows[i],
			       t->rows[i].mm.map_count);

	ps_sort(t, PS_SORT_CHARGE);
	head(out, "vmacct_process_commit_charge_bytes",
	     "Commit charge (VM_ACCOUNT VMAs) of each of the processes with the most.");
	for (i = 0; i < t->n && i < top->processes && !t->rows[i].err; i++)
		process_series(out, "vmacct_process_commit_charge_bytes", &t->rows[i],
			       t->rows[i].mm.charge * ps);
	if (r)
		recorder_print(out, r);
	return cgroups_print(out, t, top->cgroups, c->page_size);
}
