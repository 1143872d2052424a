/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The five incidents of "vmacct repro", each shown three ways side by
 * side: what the module predicts (VMACCT_IOC_MM headroom,
 * VMACCT_IOC_EVAL, VMACCT_IOC_FORK), what the system call did in a child
 * (repro-child.h), and what the module recorded of the kernel's own
 * decision (repro-trace.h).  What they share is here (repro-cases.c);
 * each group of incidents has its file: repro-maps.c (vm.max_map_count),
 * repro-mmap.c (what mmap is charged), repro-fork.c (fork).
 */
#ifndef VMACCT_REPRO_CASES_H
#define VMACCT_REPRO_CASES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "repro.h"
#include "repro-sysctl.h"
#include "tool.h"

/* What every incident works with. */
struct repro_ctx {
	const struct global_opts *g;
	const struct repro_opts *o;
	int fd;				/* /dev/vmacct */
	struct vmacct_commit c;		/* at the start of the incident */
	struct sysctl_book book;
	uint64_t page;
};

/* Mark r failed with the message, and go to the incident's "out:". */
#define FAIL(r, ...) do {						\
	snprintf((r)->error, sizeof((r)->error), __VA_ARGS__);		\
	(r)->failed = true;						\
	goto out;							\
} while (0)

/*
 * What a failed vm_dev_*() request returned (device.h), in words: the
 * errno, or the ABI mismatch it has already reported.
 */
const char *repro_dev_error(int ret);

struct child;
struct tracer;
/*
 * What every incident acts with: a child (repro-child.h) and a tracer of
 * its map-count failures and/or its decisions (repro-trace.h), *t
 * allocated here.  0, or -1 with r failed and its error set; either way
 * repro_stop_traced() ends what was started.
 */
int repro_start_traced(struct repro_ctx *x, struct repro_result *r,
		       struct child *ch, struct tracer **t, bool map_count,
		       bool decisions);
/* Kill the child and free the tracer (NULL is fine). */
void repro_stop_traced(struct child *ch, struct tracer *t);

typedef void (*repro_fn)(struct repro_ctx *x, struct repro_result *r);

/* 1. many small mapped files against vm.max_map_count */
void repro_map_files(struct repro_ctx *x, struct repro_result *r);
/* 2. munmap of pages inside one VMA */
void repro_munmap_holes(struct repro_ctx *x, struct repro_result *r);
/* 3. MAP_PRIVATE, MAP_NORESERVE, MAP_SHARED, anonymous, in modes 0, 1, 2 */
void repro_map_types(struct repro_ctx *x, struct repro_result *r);
/* 4. one allocation larger than RAM + swap (1 TiB with --full) */
void repro_big_alloc(struct repro_ctx *x, struct repro_result *r);
/* 5. a process with a large touched heap forks, in mode 0 and mode 2 */
void repro_fork(struct repro_ctx *x, struct repro_result *r);

#endif
