/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What /proc tells without the module, for status and ps when vmacct.ko
 * is not loaded: the sysctls and /proc/meminfo, and per process the
 * lines of /proc/PID/maps and the "ac" VMAs of /proc/PID/smaps.  All of
 * it approximate next to the module's answers (read without the mmap
 * lock, Committed_AS as the exact sum where the kernel compares a per-CPU
 * read, no mode-0 ceiling, nothing of the map-count rules per kernel),
 * and labelled so wherever it is shown.
 *
 * The root ("/proc") is an argument, so that the host tests read a
 * directory of their own.
 */
#ifndef VMACCT_PROCFS_H
#define VMACCT_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ps.h"

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
 * there (why, one line) and what it would add.
 */
void proc_status_print_human(FILE *out, const struct proc_status *s,
			     const char *why);
void proc_status_print_json(FILE *out, const struct proc_status *s,
			    const char *why);

/*
 * ps from /proc: a row per process of root (or those f names), its
 * map_count the lines of maps, its charge the "ac" VMAs of smaps, the
 * headrooms by the rules of Linux 6.1 to 6.16; one whose maps may not be
 * read without values (EACCES), kernel threads (no VMAs) counted.  An
 * exit code.
 */
int proc_ps_walk(const char *root, uint32_t page_size,
		 const struct ps_filter *f, struct ps_table *t);

#endif
