/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What /proc tells without the module, for status when vmacct.ko is not
 * loaded: the sysctls and /proc/meminfo (ps's walk is ps-proc.h's), with
 * the reading of /proc files both share.  All of it approximate next to
 * the module's answers (read without the mmap lock, Committed_AS as the
 * exact sum where the kernel compares a per-CPU read, no mode-0 ceiling,
 * nothing of the map-count rules per kernel), and labelled so wherever
 * it is shown.
 *
 * The root ("/proc") is an argument, so that the host tests read a
 * directory of their own.
 */
#ifndef VMACCT_PROCFS_H
#define VMACCT_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "status-table.h"

struct proc_status {
	uint32_t page_size;
	/* /proc/sys/vm */
	uint32_t overcommit_memory;
	uint32_t overcommit_ratio;
	uint64_t overcommit_kbytes;
	uint64_t admin_reserve_kbytes;
	uint64_t user_reserve_kbytes;
	uint32_t max_map_count;
	/* /proc/meminfo, kB */
	uint64_t commit_limit_kb;
	uint64_t committed_as_kb;
	uint64_t mem_total_kb;
	uint64_t swap_total_kb;
	uint64_t swap_free_kb;
	uint64_t hugetlb_kb;
};

/* A whole small file root/rel into a malloc'd string.  NULL, errno set. */
char *proc_slurp(const char *root, const char *rel);
/* root/sys/vm/name, a whole number.  0 or -errno. */
int proc_sysctl_u64(const char *root, const char *name, uint64_t *v);
/*
 * The line "name:  1234 kB" of text (meminfo, /proc/PID/status): its
 * number.  0, -ENOENT (no such line) or -EINVAL.
 */
int proc_field_kb(const char *text, const char *name, uint64_t *kb);

/*
 * A name read from /proc/PID/comm without the one newline procfs adds
 * after it; a newline of the name itself is kept.
 */
void proc_comm_trim(char *comm);

/*
 * The name of uid (the owner of /proc/PID) into buf, "" when it has
 * none; looked up once per user of a walk.
 */
void proc_user_name(uint32_t uid, char *buf, size_t len);

/* Everything above from root.  0, or -errno naming nothing (see log). */
int proc_status_read(const char *root, uint32_t page_size,
		     struct proc_status *s, char *what, size_t len);

/*
 * The status from /proc, labelled as such, with why the module is not
 * there (why, one line) and what it would add; its commit and memory
 * tables in pages, drawn as view says (status-table.h) with the module's
 * rows and keys.  0, or -errno when a table could not be drawn.
 */
int proc_status_print_human(FILE *out, const struct proc_status *s,
			    const char *why, const struct status_view *view);
void proc_status_print_json(FILE *out, const struct proc_status *s,
			    const char *why);

#endif
