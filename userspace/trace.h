/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct trace" without the device: the filter as a VMACCT_IOC_TRACE
 * request, the checks on each record, one line per record for people
 * and one JSON object per record for scripts, and the totals printed at
 * the end.  No I/O beyond the FILE given, so the host tests feed it
 * hand-made records.
 */
#ifndef VMACCT_TRACE_H
#define VMACCT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/vmacct.h>

/* The options of "vmacct trace" that the module filters on. */
struct trace_filter {
	bool denied;		/* --denied: only denied decisions */
	bool no_decisions;	/* --no-decisions */
	bool no_map_count;	/* --no-map-count */
	int32_t pid;		/* --pid: one thread id; 0 any */
	int32_t tgid;		/* --tgid: one process id; 0 any */
};

/* The VMACCT_IOC_TRACE request for f (size, flags, pid, tgid; rest 0). */
void trace_filter_request(const struct trace_filter *f,
			  struct vmacct_trace *t);

/*
 * NULL when the record is one this tool reads (VMACCT_EVENT_VERSION,
 * sizeof(struct vmacct_event)); otherwise what is wrong, written in buf.
 */
const char *trace_record_problem(const struct vmacct_event *ev, char *buf,
				 size_t len);

/* "decision", "map_count", or NULL for a type this tool does not know. */
const char *trace_type_name(uint32_t type);
/* VMACCT_CALLER_* as JSON names it: "mmap", "exec_stack", ...; or NULL. */
const char *trace_caller_name(uint32_t caller);
/* The same for people: "mmap", "exec stack", "stack growth", ...; or NULL. */
const char *trace_caller_label(uint32_t caller);
/* VMACCT_SYS_*: "mmap", "munmap", "mprotect", ...; or NULL. */
const char *trace_syscall_name(uint32_t sys);

/*
 * time_ns (CLOCK_MONOTONIC) as CLOCK_REALTIME nanoseconds, given the
 * offset CLOCK_REALTIME - CLOCK_MONOTONIC taken once; saturating.
 */
uint64_t trace_realtime_ns(uint64_t time_ns, int64_t realtime_offset_ns);

/*
 * One line per record, local wall-clock time first:
 *   12:04:05.123456 redis-server[206/206] fork: 8196 pages DENIED (mode 2)
 *   — committed 158289 ≥ allowed 155939 = limit 160000 − admin 2048 − user 2013
 * (on one line), COMM[PROCESS/THREAD], the name escaped (escape.h).
 */
void trace_print_event(FILE *out, const struct vmacct_event *ev,
		       int64_t realtime_offset_ns);
/* The same line without the time and the newline: COMM[PID/TID] .... */
void trace_print_body(FILE *out, const struct vmacct_event *ev);
/*
 * One JSON object on one line (JSON lines): every field of the record,
 * the process id as "pid" and the thread id as "tid", the time also as
 * ISO 8601 UTC ("realtime"), the name escaped (escape.h).
 */
void trace_print_event_json(FILE *out, const struct vmacct_event *ev,
			    int64_t realtime_offset_ns);
struct json;
/* The record's members, for an object open in j; realtime in ns. */
void trace_json_fields(struct json *j, const struct vmacct_event *ev,
		       uint64_t realtime);

/* What a trace session showed, for the totals at its end. */
struct trace_totals {
	uint64_t shown;		/* records printed */
	uint64_t denied;	/* of those, denied decisions */
	uint64_t map_count;	/* of those, map-count failures */
	bool have_dropped;
	uint64_t dropped;	/* VMACCT_IOC_TRACE: this reader's drops */
	bool have_missed;
	uint64_t missed;	/* trace/missed */
};

/* Count one printed record. */
void trace_count(struct trace_totals *t, const struct vmacct_event *ev);
/* One line, "vmacct: trace: N events shown, ...", for stderr. */
void trace_print_totals(FILE *out, const struct trace_totals *t);

#endif
