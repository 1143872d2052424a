// SPDX-License-Identifier: GPL-2.0
/* ps from /proc, without the module: see ps-proc.h. */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "log.h"
#include "parse.h"
#include "procfs.h"
#include "ps-proc.h"
#include "tool.h"

/*
 * The mm counters from the Vm* lines of /proc/PID/status, in kB there:
 * VmSize is total_vm, VmData data_vm, VmExe + VmLib exec_vm, VmStk
 * stack_vm, VmLck locked_vm, VmPin pinned_vm (fs/proc/task_mmu.c,
 * task_mem()).  A line that is missing leaves its counter unknown.
 */
static void proc_vm_counters(const char *root, int32_t pid, uint32_t page_size,
			     struct ps_row *row)
{
	static const struct {
		const char *name;
		size_t off;
		unsigned int unknown;
	} vm[] = {
		{ "VmSize", offsetof(struct vmacct_mm, total_vm), PS_UNK_TOTAL_VM },
		{ "VmData", offsetof(struct vmacct_mm, data_vm), PS_UNK_DATA_VM },
		{ "VmStk", offsetof(struct vmacct_mm, stack_vm), PS_UNK_STACK_VM },
		{ "VmLck", offsetof(struct vmacct_mm, locked_vm), PS_UNK_LOCKED_VM },
		{ "VmPin", offsetof(struct vmacct_mm, pinned_vm), PS_UNK_PINNED_VM },
	};
	uint64_t kb, lib, per_page = page_size / 1024 ? page_size / 1024 : 1;
	char rel[64], *text;
	size_t i;

	snprintf(rel, sizeof(rel), "%d/status", (int)pid);
	text = proc_slurp(root, rel);
	for (i = 0; i < sizeof(vm) / sizeof(vm[0]); i++) {
		if (text && !proc_field_kb(text, vm[i].name, &kb))
			*(__u64 *)((char *)&row->mm + vm[i].off) = kb / per_page;
		else
			row->unknown |= vm[i].unknown;
	}
	if (text && !proc_field_kb(text, "VmExe", &kb) &&
	    !proc_field_kb(text, "VmLib", &lib))
		row->mm.exec_vm = (kb + lib) / per_page;
	else
		row->unknown |= PS_UNK_EXEC_VM;
	free(text);
}

/*
 * One process: map_count from maps (the gate [vsyscall] is no VMA of
 * the process), charge and accounted VMAs from smaps' "ac" (unknown when
 * smaps may not be read); the kinds of VMA are unknown.  0, or -errno
 * (-ENOENT: gone; -EACCES: not ours to read).
 */
static int proc_mm(const char *root, int32_t pid, uint32_t page_size,
		   struct ps_row *row)
{
	struct vmacct_mm *m = &row->mm;
	char rel[64], *text, *line, *p;
	uint64_t size_kb = 0, v;
	uint32_t maps = 0;

	snprintf(rel, sizeof(rel), "%d/maps", (int)pid);
	text = proc_slurp(root, rel);
	if (!text)
		return -errno;
	for (line = text; *line; line = p + 1) {
		size_t l;

		p = strchr(line, '\n');
		l = p ? (size_t)(p - line) : strlen(line);
		if (l && !memmem(line, l, "[vsyscall]", 10))
			maps++;
		if (!p)
			break;
	}
	free(text);
	memset(m, 0, sizeof(*m));
	m->pid = pid;
	m->map_count = maps;
	row->unknown = PS_UNK_KINDS;

	snprintf(rel, sizeof(rel), "%d/smaps", (int)pid);
	text = proc_slurp(root, rel);
	if (!text && !maps)
		return -errno;
	if (maps)
		proc_vm_counters(root, pid, page_size, row);
	if (!text) {
		row->unknown |= PS_UNK_CHARGE;	/* counts without the charge */
		return 0;
	}
	for (line = text; *line; line = p ? p + 1 : line + strlen(line)) {
		p = strchr(line, '\n');
		if (!strncmp(line, "Size:", 5)) {
			size_kb = strtoull(line + 5, NULL, 10);
		} else if (!strncmp(line, "VmFlags:", 8)) {
			const char *q = line + 8, *end = p ? p : line + strlen(line);

			for (; q < end; q += 3)
				if (q + 3 <= end && q[1] == 'a' && q[2] == 'c') {
					v = size_kb * 1024 / page_size;
					m->charge += v;
					m->nr_accounted++;
					if (v > m->largest_accounted)
						m->largest_accounted = v;
				}
		}
		if (!p)
			break;
	}
	free(text);
	return 0;
}

/* A process of the walk into t; skipped when gone, counted as a kernel thread. */
static int proc_add(const char *root, int32_t pid, uint32_t page_size,
		    uint32_t max, const struct ps_filter *f, struct ps_table *t)
{
	char rel[64], path[512], *comm;
	struct ps_row row;
	struct stat st;
	int err;

	memset(&row, 0, sizeof(row));
	row.pid = pid;
	snprintf(path, sizeof(path), "%s/%d", root, (int)pid);
	if (stat(path, &st))
		goto gone;
	row.have_uid = true;
	row.uid = st.st_uid;
	if (f && f->by_uid && row.uid != f->uid)
		return VM_EXIT_OK;
	if (f && f->cgroup) {
		err = cgroup_pid_within(root, pid, f->cgroup);
		if (err < 0)
			goto gone;
		if (!err)
			return VM_EXIT_OK;
	}
	proc_user_name(row.uid, row.user, sizeof(row.user));
	snprintf(rel, sizeof(rel), "%d/comm", (int)pid);
	comm = proc_slurp(root, rel);
	if (!comm)
		goto gone;
	proc_comm_trim(comm);
	snprintf(row.comm, sizeof(row.comm), "%s", comm);
	free(comm);

	err = proc_mm(root, pid, page_size, &row);
	if (err == -ENOENT || err == -ESRCH)
		goto gone;
	if (err == -EACCES || err == -EPERM) {
		row.err = -err;
	} else if (err) {
		row.err = -err;
	} else if (!row.mm.map_count) {
		t->kernel_threads++;
		return VM_EXIT_OK;
	} else {
		/* the rules of 6.1 to 6.16 (struct vmacct_mm says each) */
		row.mm.max_map_count = max;
		row.mm.headroom_mmap = (int32_t)((int64_t)max + 1 - row.mm.map_count);
		row.mm.headroom_split = (int32_t)((int64_t)max - row.mm.map_count);
		row.mm.headroom_munmap = row.mm.headroom_split;
		row.mm.headroom_mremap_move = (int32_t)((int64_t)max - 3 - row.mm.map_count);
		row.mm.headroom_mremap_fixed = (int32_t)((int64_t)max - 5 - row.mm.map_count);
	}
	row.cgroup = cgroup_of_pid(root, pid);
	if (ps_table_add(t, &row)) {
		free(row.cgroup);
		log_err("ps: %s", strerror(ENOMEM));
		return VM_EXIT_FAILED;
	}
	return VM_EXIT_OK;
gone:
	if (f && f->npids) {
		log_err("ps: no process %d", (int)pid);
		t->missing++;
	}
	return VM_EXIT_OK;
}

int proc_ps_walk(const char *root, uint32_t page_size,
		 const struct ps_filter *f, struct ps_table *t)
{
	uint64_t pid, max = 0;
	struct dirent *de;
	int ret = VM_EXIT_OK;
	size_t i;
	DIR *d;

	t->from_proc = true;
	if (proc_sysctl_u64(root, "max_map_count", &max))
		log_warn("%s/sys/vm/max_map_count unreadable: headrooms from 0", root);
	if (f && f->npids) {
		for (i = 0; i < f->npids && ret == VM_EXIT_OK; i++)
			ret = proc_add(root, f->pids[i], page_size, (uint32_t)max, f, t);
		return ret;
	}
	d = opendir(root);
	if (!d) {
		log_err("%s: %s — is procfs mounted?", root, strerror(errno));
		return VM_EXIT_FAILED;
	}
	while ((de = readdir(d)) && ret == VM_EXIT_OK) {
		if (parse_u64_range(de->d_name, 1, INT32_MAX, &pid))
			continue;
		ret = proc_add(root, (int32_t)pid, page_size, (uint32_t)max, f, t);
	}
	closedir(d);
	return ret;
}
