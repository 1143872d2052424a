/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct ps --by cgroup": the processes of a walk summed per cgroup
 * (rolled up to --depth components), as a table or JSON, and the
 * per-cgroup series of status --prometheus.  No I/O beyond the FILE
 * given: the host tests feed it hand-made rows.
 */
#ifndef VMACCT_PS_CGROUP_H
#define VMACCT_PS_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ps.h"

#define CG_DEPTH_ALL UINT32_MAX	/* no roll-up: each process's own cgroup */

struct cg_group {
	char *path;		/* the cgroup, or its ancestor at --depth */
	size_t processes;
	size_t unreadable;	/* of those, without values (EACCES) */
	uint64_t charge;	/* pages, readable processes */
	/* the process closest to vm.max_map_count: the largest map_count */
	const struct ps_row *closest;
};

struct cg_table {
	struct cg_group *g;
	size_t n;
	bool no_cgroups;	/* no process had a cgroup v2 path */
	bool from_proc;		/* the rows were from /proc: "source": "proc" */
};

/*
 * Group the rows of t (which must outlive cg) by cgroup cut to depth
 * components; processes with no cgroup v2 path go to "/".  Sorted like
 * ps: PS_SORT_MAPS by the largest map_count, PS_SORT_CHARGE by charge;
 * ties by path.  0 or -ENOMEM.
 */
int cg_table_build(struct cg_table *cg, const struct ps_table *t,
		   unsigned int depth, enum ps_sort key);
void cg_table_free(struct cg_table *cg);

/* The first limit groups (0: all), for people or as JSON. */
int cg_print_table(FILE *out, const struct cg_table *cg, size_t limit,
		   uint32_t page_size, bool raw, bool noheadings, bool bytes);
void cg_print_json(FILE *out, const struct cg_table *cg, size_t limit,
		   uint32_t page_size);

#endif
