/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which cgroup a process is in, and a name for it people know.
 *
 * Paths are the cgroup v2 ones, relative to the root of the hierarchy as
 * this process sees it ("/system.slice/nginx.service"), from
 * /proc/PID/cgroup's "0::" line, or from a cgroup id (the inode number
 * of the directory: the module's records carry it) by a walk of the
 * cgroup2 mount.  The /proc root is an argument and the cgroup2 one
 * VMACCT_CGROUP_ROOT when set, so that the host tests use directories
 * of their own.  Every name here comes from whoever made the directory (a
 * delegated subtree is an unprivileged user's): print it escaped.
 */
#ifndef VMACCT_CGROUP_H
#define VMACCT_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CGROUP_NAME_MAX 96

/*
 * The cgroup v2 path of process pid (proc_root/PID/cgroup), malloc'd; NULL with errno: ENOENT
 * (no such process), ENODATA (no "0::" line: cgroup v1 only), or another
 * error reading /proc/PID/cgroup.
 */
char *cgroup_of_pid(const char *proc_root, int32_t pid);

/*
 * Where the cgroup2 hierarchy is mounted (VMACCT_CGROUP_ROOT, else the
 * first cgroup2 line of /proc/self/mountinfo); NULL when there is none.
 */
const char *cgroup2_mount(void);

/*
 * The path of the cgroup whose id is id, from a walk of the mount (again
 * at most once a second when an id is not found: a cgroup made since);
 * NULL for 0, an id no longer there, or no cgroup2 mount.
 */
const char *cgroup_path_of_id(uint64_t id);

/* path cut to its first depth components into buf ("/" for 0). */
void cgroup_rollup(const char *path, unsigned int depth, char *buf,
		   size_t len);

/*
 * Is path (a process's cgroup; NULL: none known, counted under "/") top
 * itself or below it?  top as cgroup_path_arg() writes it.
 */
bool cgroup_within(const char *path, const char *top);
/*
 * The same for process pid of proc_root: 1 yes, 0 no, -ENOENT when it is
 * gone.
 */
int cgroup_pid_within(const char *proc_root, int32_t pid, const char *top);

/*
 * A cgroup path as typed (ps --cgroup) into buf as /proc/PID/cgroup
 * writes them: from "/" ("/system.slice/nginx.service"), or from the
 * mount point mount (the cgroup2 mount, or NULL) down
 * ("/sys/fs/cgroup/system.slice/nginx.service"); repeated and trailing
 * slashes dropped.  0, -EINVAL (relative, or a "." or ".." component),
 * or -ENAMETOOLONG.
 */
int cgroup_path_arg(const char *arg, const char *mount, char *buf, size_t len);

/*
 * A name for path people know: a systemd unit or slice as it is
 * ("nginx.service"), a container by runtime and short id ("docker
 * 0123456789ab"), with its Kubernetes pod when there is one ("pod
 * 6b9f0e1c-... containerd 0123456789ab"), a pod slice by its uid, else
 * the last component; "/" for the root.
 */
void cgroup_name(const char *path, char *buf, size_t len);

#endif
