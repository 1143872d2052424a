/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event stream of one child of "vmacct repro": a trace reader of its
 * own, made as "vmacct trace" makes one (device.h), read after each
 * command, every record checked as "vmacct trace" checks it (trace.h),
 * and searched for the record of the act.
 */
#ifndef VMACCT_REPRO_TRACE_H
#define VMACCT_REPRO_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tool.h"

#define TRACER_MAX_EVENTS	4096

struct tracer {
	int fd;				/* -1: not open */
	struct vmacct_event ev[TRACER_MAX_EVENTS];
	size_t n;			/* read by the last tracer_drain() */
	char error[128];		/* why tracer_drain() failed */
};

/*
 * A new tracer (calloc'd, closed; NULL when out of memory), to be
 * opened and at last freed with tracer_free().
 */
struct tracer *tracer_new(void);
/*
 * Trace process tgid: its map-count failures, its decisions, or both;
 * with map-count failures, wait until the module has armed their probes.
 * 0, or not 0 with t->error saying why: the probes were not armed in
 * 2 s, or the device refused (vm_dev_trace_open() has said why on
 * stderr).
 */
int tracer_open(const struct global_opts *g, int verbose, struct tracer *t,
		pid_t tgid, bool map_count, bool decisions);
/*
 * Read what is queued (after the child answered, it is all there) into
 * t->ev, replacing what was there.  0, or -1 with t->error saying why (a
 * record this tool does not read, or a read that failed).
 */
int tracer_drain(struct tracer *t);
/* Close and free t; NULL is fine. */
void tracer_free(struct tracer *t);

/* The first map-count failure of system call sys (VMACCT_SYS_*), or NULL. */
const struct vmacct_event *tracer_find_map_count(const struct tracer *t,
						 uint32_t sys);
/*
 * The first decision of caller (VMACCT_CALLER_*) for pages (< 0: any),
 * or NULL.
 */
const struct vmacct_event *tracer_find_decision(const struct tracer *t,
						uint32_t caller, int64_t pages);

#endif
