// SPDX-License-Identifier: GPL-2.0
/*
 * The walk of /proc that "vmacct ps" and "vmacct status --prometheus"
 * share: VMACCT_IOC_MM for each numeric entry.
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
#include <string.h>

#include "device.h"
#include "log.h"
#include "parse.h"
#include "ps.h"
#include "system.h"
#include "tool.h"

/*
 * One process into t, or nothing if it is gone, exiting or a kernel
 * thread.  An exit code on an error that ends the walk.
 */
static int add_process(int fd, int32_t pid, int verbose, struct ps_table *t)
{
	struct ps_row row;
	int err, ret;

	memset(&row, 0, sizeof(row));
	row.pid = pid;
	ret = vm_dev_mm(fd, pid, 0, verbose, &row.mm);
	if (ret > 0)
		return ret;
	if (ret < 0) {
		err = -ret;
		switch (err) {
		case ESRCH:
		case ENODATA:
			return VM_EXIT_OK;
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
		return VM_EXIT_OK;	/* gone since */
	if (err) {
		log_note(verbose, "/proc/%d/comm: %s", (int)pid, strerror(-err));
		snprintf(row.comm, sizeof(row.comm), "?");
	}
	if (ps_table_add(t, &row)) {
		log_err("ps: %s", strerror(ENOMEM));
		return VM_EXIT_FAILED;
	}
	return VM_EXIT_OK;
}

int vm_ps_walk(int fd, int verbose, struct ps_table *t)
{
	struct dirent *de;
	uint64_t pid;
	int ret = VM_EXIT_OK;
	DIR *d;

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
		ret = add_process(fd, (int32_t)pid, verbose, t);
		if (ret != VM_EXIT_OK)
			break;
	}
	closedir(d);
	return ret;
}
