// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream of one child of "vmacct repro": see repro-trace.h.
 *
 * The reader is made by vm_dev_trace_open(), as "vmacct trace" makes
 * its own, and each record passes trace_record_problem() before it is
 * looked at: a record of another version or size ends the reproduction
 * rather than be misread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "repro-trace.h"
#include "system.h"
#include "trace.h"

struct tracer *tracer_new(void)
{
	struct tracer *t = calloc(1, sizeof(*t));

	if (t)
		t->fd = -1;
	return t;
}

int tracer_open(const struct global_opts *g, int verbose, struct tracer *t,
		pid_t tgid, bool map_count, bool decisions)
{
	struct trace_filter f = {
		.tgid = tgid,
		.no_map_count = !map_count,
		.no_decisions = !decisions,
	};
	struct vmacct_trace answer;
	uint64_t enabled = 0;
	int i, ret;

	t->n = 0;
	ret = vm_dev_trace_open(g, verbose, &f, &t->fd, &answer);
	if (ret != VM_EXIT_OK) {
		snprintf(t->error, sizeof(t->error),
			 "no event stream (the message above says why)");
		return ret;
	}
	/* the system call probes are armed asynchronously */
	for (i = 0; map_count && i < 200 && enabled != 1; i++) {
		if (read_u64_file(VMACCT_TRACE_ENABLED_PATH, &enabled))
			enabled = 0;
		if (enabled != 1)
			usleep(10000);
	}
	if (map_count && enabled != 1) {
		snprintf(t->error, sizeof(t->error), "%s",
			 strerror(ETIMEDOUT));
		return -ETIMEDOUT;
	}
	return 0;
}

int tracer_drain(struct tracer *t)
{
	const char *problem;
	char why[96];
	size_t nrec, i;
	int ret;

	t->n = 0;
	while (t->n < TRACER_MAX_EVENTS) {
		nrec = TRACER_MAX_EVENTS - t->n;
		if (nrec > VMACCT_READ_MAX_RECORDS)
			nrec = VMACCT_READ_MAX_RECORDS;
		ret = vm_dev_read_events(t->fd, &t->ev[t->n], nrec, &nrec);
		if (ret == -EAGAIN || (!ret && !nrec))
			break;		/* all read */
		if (ret < 0) {
			snprintf(t->error, sizeof(t->error), "read: %s",
				 strerror(-ret));
			return -1;
		}
		if (ret) {
			snprintf(t->error, sizeof(t->error),
				 "not whole records: ABI mismatch between the module and this tool");
			return -1;
		}
		for (i = 0; i < nrec; i++) {
			problem = trace_record_problem(&t->ev[t->n + i], why,
						       sizeof(why));
			if (problem) {
				snprintf(t->error, sizeof(t->error),
					 "%s: ABI mismatch between the module and this tool",
					 problem);
				return -1;
			}
		}
		t->n += nrec;
	}
	return 0;
}

void tracer_free(struct tracer *t)
{
	if (t && t->fd >= 0)
		close(t->fd);
	free(t);
}

const struct vmacct_event *tracer_find_map_count(const struct tracer *t,
						 uint32_t sys)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->ev[i].type == VMACCT_EV_MAP_COUNT && t->ev[i].caller == sys)
			return &t->ev[i];
	return NULL;
}

const struct vmacct_event *tracer_find_decision(const struct tracer *t,
						uint32_t caller, int64_t pages)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->ev[i].type == VMACCT_EV_DECISION &&
		    t->ev[i].caller == caller &&
		    (pages < 0 || t->ev[i].pages == pages))
			return &t->ev[i];
	return NULL;
}
