/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct log" without the device: one recorder record (struct
 * vmacct_record) as a line for people, with what would have been enough,
 * and as a JSON object; the checks on a record; the --since duration.
 * No I/O beyond the FILE given, so the host tests feed it hand-made
 * records.
 */
#ifndef VMACCT_RECORD_H
#define VMACCT_RECORD_H

#include <stdint.h>
#include <stdio.h>

#include <linux/vmacct.h>

/*
 * NULL when the record is one this tool reads (its size at least
 * VMACCT_RECORD_SIZE_VER0, an event it reads); otherwise what is wrong,
 * written in buf.
 */
const char *record_problem(const struct vmacct_record *rec, uint32_t size,
			   char *buf, size_t len);

/*
 * What would have let the refusal pass, as a phrase ("overcommit_ratio ≥
 * 41 or overcommit_kbytes ≥ 1048576 would have allowed it"), into buf.
 */
const char *record_fix(const struct vmacct_record *rec, char *buf,
		       size_t len);

/*
 * One line per record:
 *   #12 2026-12-02T03:12:05.123456Z redis-server[206/206] fork: 8196 pages
 *   DENIED (mode 2) — committed ... — overcommit_ratio ≥ 61 would have ...
 * (on one line), the name escaped (escape.h).
 */
void record_print(FILE *out, const struct vmacct_record *rec);
/*
 * One JSON object on one line: the trace record's members (trace.h), then
 * seq, boottime_ns, printk_ns (null from a module without it), uid,
 * cgroup_id, committed_error, min_ratio and min_kbytes (null where they
 * do not apply, min_ratio also when no ratio would do),
 * min_max_map_count (null for decisions) and "fix".
 */
void record_print_json(FILE *out, const struct vmacct_record *rec);

/*
 * The peak table (vmacct log --peaks): a header line, then one line per
 * process:
 *   PID  PEAK  MAX  %MAX  SEEN (ISO 8601 UTC)  COMM
 * the name escaped; and one JSON object per line with every field and
 * "seen" in ISO 8601.
 */
void peak_print_header(FILE *out);
void peak_print(FILE *out, const struct vmacct_peak *p);
void peak_print_json(FILE *out, const struct vmacct_peak *p);

/*
 * A group of refusals the ring overwrote (VMACCT_IOC_OVERWRITES), after
 * the records it is older than:
 *   and 39426 more mmap refusals of redis-server[206] from
 *   2026-12-02T03:12:05.123456000Z to ... (the last #40450), overwritten
 * ("at TIME (#SEQ)" for one)
 * (on one line), the name escaped; and one JSON object on one line,
 * "type": "overwritten", with count, kind ("decision", "map_count"),
 * caller (the caller or system call), pid, comm, uid, cgroup_id (null in
 * the group of the rest), first, last (ISO 8601 and _ns) and last_seq.
 */
void overwrite_print(FILE *out, const struct vmacct_overwrite *g);
void overwrite_print_json(FILE *out, const struct vmacct_overwrite *g);


#endif
