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
 * A name for path people know: a systemd unit or slice as it is
 * ("nginx.service"), a container by runtime and short id ("docker
 * 0123456789ab"), with its Kubernetes pod when there is one ("pod
 * 6b9f0e1c-... containerd 0123456789ab"), a pod slice by its uid, else
 * the last component; "/" for the root.
 */
void cgroup_name(const char *path, char *buf, size_t len);

#endif
