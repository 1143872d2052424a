// SPDX-License-Identifier: GPL-2.0
/*
 * The walk of /proc that "vmacct ps" and "vmacct status --prometheus"
 * share: VMACCT_IOC_MM for each numeric entry (or each PID asked for),
 * with the owner of /proc/PID.
 *
 * Processes come and go during the walk: one that is gone (ESRCH) or
 * exiting (ENODATA) is skipped without a word, a kernel thread (ENXIO)
 * is counted, one we may not read (EACCES) is listed without values.
 * Any other error is about the request, not the process, and ends the
 * walk.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "device.h"
#include "log.h"
#include "parse.h"
#include "procfs.h"
#include "ps.h"
#include "system.h"
#include "tool.h"

/*
 * A process that is gone or exiting: nothing during a walk of /proc; one
 * asked for by its PID is said to be missing.
 */
static int gone(int32_t pid, const struct ps_filter *f, struct ps_table *t)
{
	if (f && f->npids) {
		log_err("ps: no process %d", (int)pid);
		t->missing++;
	}
	return VM_EXIT_OK;
}

/*
 * One process into t (its owner first, for --user), or nothing if it is
 * gone, exiting, a kernel thread or another user's.  An exit code on an
 * error that ends the walk.
 */
static int add_process(int fd, int32_t pid, int verbose,
		       const struct ps_filter *f, struct ps_table *t)
{
	char path[32];
	struct ps_row row;
	struct stat st;
	int err, ret;

	memset(&row, 0, sizeof(row));
	row.pid = pid;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (stat(path, &st) == 0) {
		row.have_uid = true;
		row.uid = st.st_uid;
		proc_user_name(row.uid, row.user, sizeof(row.user));
	} else if (errno == ENOENT) {
		return gone(pid, f, t);
	}
	if (f && f->by_uid && (!row.have_uid || row.uid != f->uid))
		return VM_EXIT_OK;
	if (f && f->cgroup) {
		ret = cgroup_pid_within("/proc", pid, f->cgroup);
		if (ret < 0)
			return gone(pid, f, t);
		if (!ret)
			return VM_EXIT_OK;
	}
	ret = vm_dev_mm(fd, pid, 0, verbose, &row.mm);
	if (ret > 0)
		return ret;
	if (ret < 0) {
		err = -ret;
		switch (err) {
		case ESRCH:
		case ENODATA:
			return gone(pid, f, t);
		case ENXIO:
			t->kernel_threads++;
			return VM_EXIT_OK;
		case EACCES:
		case EPERM:
			memset(&row.mm, 0, sizeof(row.mm));
			row.err = err;
			break;
		default:
			return vm_dev_pid_error("VMACCT_IOC_MM", pid, err);
		}
	}

	err = read_comm(pid, row.comm, sizeof(row.comm));
	if (err == -ENOENT || err == -ESRCH)
		return gone(pid, f, t);	/* gone since */
	if (err) {
		log_note(verbose, "/proc/%d/comm: %s", (int)pid, strerror(-err));
		snprintf(row.comm, sizeof(row.comm), "?");
	}
	row.cgroup = cgroup_of_pid("/proc", pid);
	if (ps_table_add(t, &row)) {
		free(row.cgroup);
		log_err("ps: %s", strerror(ENOMEM));
		return VM_EXIT_FAILED;
	}
	return VM_EXIT_OK;
}

int vm_ps_walk(int fd, int verbose, const struct ps_filter *f,
	       struct ps_table *t)
{
	struct dirent *de;
	uint64_t pid;
	int ret = VM_EXIT_OK;
	size_t i;
	DIR *d;

	if (f && f->npids) {
		for (i = 0; i < f->npids && ret == VM_EXIT_OK; i++)
			ret = add_process(fd, f->pids[i], verbose, f, t);
		return ret;
	}

	d = opendir("/proc");
	if (!d) {
		log_err("/proc: %s — is procfs mounted? (mount -t proc proc /proc)",
			strerror(errno));
		return VM_EXIT_FAILED;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				log_err("/proc: %s — cannot list processes", strerror(errno));
				ret = VM_EXIT_FAILED;
			}
			break;
		}
		if (parse_u64_range(de->d_name, 1, INT32_MAX, &pid))
			continue;	/* not a process */
		ret = add_process(fd, (int32_t)pid, verbose, f, t);
		if (ret != VM_EXIT_OK)
			break;
	}
	closedir(d);
	return ret;
}
