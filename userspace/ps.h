/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct ps" from VMACCT_IOC_MM answers: one row per process, the
 * map_count headrooms, sorting, and the JSON (the table for people is
 * ps-table.h's).  The rows live in a struct ps_table the caller owns; no I/O
 * beyond the FILE given, so the host tests feed it hand-made rows.
 */
#ifndef VMACCT_PS_H
#define VMACCT_PS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/vmacct.h>

#define PS_COMM_MAX 64

/* The five check sites of struct vmacct_mm, in its field order. */
enum headroom_kind {
	HR_MMAP,
	HR_SPLIT,
	HR_MUNMAP,
	HR_MREMAP_MOVE,
	HR_MREMAP_FIXED,
	HR_KINDS,
};

enum ps_sort {
	PS_SORT_MAPS,		/* map_count, largest first */
	PS_SORT_CHARGE,		/* commit charge, largest first */
};

#define PS_USER_MAX 33	/* LOGIN_NAME_MAX is 256; useradd's limit is 32 */

/*
 * What a row does not know (ps_row.unknown): never from the module; from
 * /proc, what it does not give (the VMA kinds) or could not be read.
 * Shown as '-' in the table and null in JSON, never as a made-up 0.
 */
enum ps_unknown {
	PS_UNK_CHARGE	= 1U << 0,	/* charge, largest_accounted, nr_accounted */
	PS_UNK_KINDS	= 1U << 1,	/* nr_anon_private ... nr_special */
	PS_UNK_TOTAL_VM	= 1U << 2,
	PS_UNK_DATA_VM	= 1U << 3,
	PS_UNK_EXEC_VM	= 1U << 4,
	PS_UNK_STACK_VM	= 1U << 5,
	PS_UNK_LOCKED_VM = 1U << 6,
	PS_UNK_PINNED_VM = 1U << 7,
};

struct ps_row {
	int32_t pid;
	int err;		/* 0, or the errno that hid the values (EACCES) */
	char comm[PS_COMM_MAX];
	bool have_uid;
	uint32_t uid;		/* the owner of /proc/PID */
	char user[PS_USER_MAX];	/* its name, or "" */
	struct vmacct_mm mm;	/* valid when err is 0, but for unknown's */
	unsigned int unknown;	/* enum ps_unknown */
	char *cgroup;		/* cgroup v2 path, malloc'd; NULL: none known */
};

struct ps_table {
	struct ps_row *rows;
	size_t n;
	size_t cap;
	bool from_proc;			/* rows from /proc, not the module */
	unsigned int kernel_threads;	/* ENXIO: omitted, counted */
	unsigned int missing;		/* PIDs asked for that are no process */
};

/*
 * Which processes a walk takes: all, those named, those of one user,
 * those of one cgroup and below it; a process must pass every filter set.
 */
#define PS_FILTER_PIDS 64

struct ps_filter {
	int32_t pids[PS_FILTER_PIDS];
	size_t npids;		/* 0: every process */
	bool by_uid;
	uint32_t uid;
	const char *cgroup;	/* cgroup_within() this; NULL: any */
};

/* "mmap", "split", "munmap", "mremap_move", "mremap_fixed". */
const char *headroom_kind_name(enum headroom_kind k);
int32_t mm_headroom(const struct vmacct_mm *m, enum headroom_kind k);
/* The smallest of the five; the first in field order on a tie. */
enum headroom_kind mm_tightest_headroom(const struct vmacct_mm *m);

/* "maps" or "charge".  0 or -EINVAL. */
int ps_parse_sort(const char *s, enum ps_sort *out);

/* Append a copy of r, which gives its cgroup to t.  0 or -ENOMEM. */
int ps_table_add(struct ps_table *t, const struct ps_row *r);
void ps_table_free(struct ps_table *t);
/*
 * Readable rows by key, largest first, then rows without values; ties by
 * pid, smallest first.
 */
void ps_sort(struct ps_table *t, enum ps_sort key);

/*
 * map_count as a percentage of max_map_count, one decimal place: "7.8%";
 * "-" when max_map_count is 0.
 */
char *format_map_percent(uint32_t map_count, uint32_t max, char *buf,
			 size_t len);

/*
 * The first limit rows (0: all) as JSON, each with "source": "proc" first
 * when the rows are from /proc; the table is ps-table.h's.
 */
void ps_print_json(FILE *out, const struct ps_table *t, size_t limit);

#endif
