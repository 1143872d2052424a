/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The promise "vmacct repro" makes to the host: before it changes a
 * sysctl it writes the original values of all of them to a state file,
 * and it removes the file only once they are back.  A file left behind
 * (the tool was killed with SIGKILL, or crashed, or the restore failed)
 * means a restore is pending: a later repro refuses to start, and
 * "vmacct repro --restore" puts the values back.
 *
 * The file doubles as the lock between two repros: it is created with
 * link(), which fails if it exists, so exactly one of them gets it.
 */
#ifndef VMACCT_REPRO_STATE_H
#define VMACCT_REPRO_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "repro-sysctl.h"

/* Where; VMACCT_STATE_DIR in the environment replaces the directory. */
#define REPRO_STATE_DIR		"/run/vmacct"
#define REPRO_STATE_NAME	"repro.state"
#define REPRO_STATE_PATH_MAX	(SYSCTL_PATH_MAX + 32)

/* The file's path for this run (the directory from the environment). */
void repro_state_path(char *buf, size_t len);

/*
 * Read every sysctl of @b (saving all of them, so that a restore writes
 * all back) and write them, with @pid and its @start time, to a new
 * state file at @path,
 * creating its directory.  0; -EEXIST when a state file is already there
 * (nothing is written then); or another -errno.
 */
int repro_state_create(const char *path, struct sysctl_book *b, pid_t pid,
		       unsigned long long start);

/*
 * Parse the state file at @path into @b's saved values (all of them are
 * required, digits only, nothing else accepted), the pid that wrote it
 * and that process's start time.  0; -ENOENT when there is none; -EINVAL (with the line in @what)
 * for a file that is not one; or another -errno.
 */
int repro_state_load(const char *path, struct sysctl_book *b, pid_t *pid,
		     unsigned long long *start, char *what, size_t len);

/*
 * The start time of @pid (field 22 of /proc/PID/stat, clock ticks since
 * boot), which tells it from a later process given the same pid.
 * 0 or -errno.
 */
int repro_state_start_time(pid_t pid, unsigned long long *start);

/* Is the process that wrote a state file (@pid, @start) still running? */
bool repro_state_owner_alive(pid_t pid, unsigned long long start);

/* "vm.overcommit_memory=0 vm.max_map_count=65530 ..." from @b's saved values. */
void repro_state_describe(const struct sysctl_book *b, char *buf, size_t len);

#endif
