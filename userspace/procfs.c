// SPDX-License-Identifier: GPL-2.0
/* status and ps from /proc, without the module: see procfs.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "parse.h"
#include "cgroup.h"
#include "procfs.h"
#include "report.h"
#include "tool.h"

char *proc_slurp(const char *root, const char *rel)
{
	char path[512], *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				close(fd);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (n < 0) {
		int err = errno;

		free(buf);
		close(fd);
		errno = err;
		return NULL;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

static int sysctl_u64(const char *root, const char *name, uint64_t *v)
{
	char rel[64], *s;
	int err;

	snprintf(rel, sizeof(rel), "sys/vm/%s", name);
	s = proc_slurp(root, rel);
	if (!s)
		return -errno;
	s[strcspn(s, "\n")] = '\0';
	err = parse_u64(s, v);
	free(s);
	return err;
}

/* "Name:   1234 kB" of meminfo. */
static int meminfo_kb(const char *text, const char *name, uint64_t *kb)
{
	size_t n = strlen(name);
	const char *line, *p;
	char num[32];
	size_t len;

	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, name, n) || line[n] != ':')
			continue;
		p = line + n + 1;
		p += strspn(p, " ");
		len = strspn(p, "0123456789");
		if (!len || len >= sizeof(num))
			return -EINVAL;
		memcpy(num, p, len);
		num[len] = '\0';
		return parse_u64(num, kb);
	}
	return -ENOENT;
}

int proc_status_read(const char *root, uint32_t page_size,
		     struct proc_status *s, char *what, size_t len)
{
	static const struct {
		const char *name;
		size_t off;
	} km[] = {
		{ "CommitLimit", offsetof(struct proc_status, commit_limit_kb) },
		{ "Committed_AS", offsetof(struct proc_status, committed_as_kb) },
		{ "MemTotal", offsetof(struct proc_status, mem_total_kb) },
		{ "SwapTotal", offsetof(struct proc_status, swap_total_kb) },
		{ "SwapFree", offsetof(struct proc_status, swap_free_kb) },
	};
	uint64_t v, pages = 0, size_kb = 0;
	char *mi;
	size_t i;
	int err;

	memset(s, 0, sizeof(*s));
	s->page_size = page_size;
	mi = proc_slurp(root, "meminfo");
	if (!mi) {
		err = -errno;
		snprintf(what, len, "%s/meminfo: %s", root, strerror(-err));
		return err;
	}
	for (i = 0; i < sizeof(km) / sizeof(km[0]); i++) {
		err = meminfo_kb(mi, km[i].name, (uint64_t *)((char *)s + km[i].off));
		if (err) {
			snprintf(what, len, "%s/meminfo: no %s line", root, km[i].name);
			free(mi);
			return err;
		}
	}
	/* hugetlb: every size's pool, as "Hugetlb:" (5.x) or the default size */
	if (meminfo_kb(mi, "Hugetlb", &s->hugetlb_kb) &&
	    !meminfo_kb(mi, "HugePages_Total", &pages) &&
	    !meminfo_kb(mi, "Hugepagesize", &size_kb))
		s->hugetlb_kb = pages * size_kb;
	free(mi);

	err = sysctl_u64(root, "overcommit_memory", &v);
	s->overcommit_memory = (uint32_t)v;
	if (!err)
		err = sysctl_u64(root, "overcommit_ratio", &v);
	s->overcommit_ratio = (uint32_t)v;
	if (!err)
		err = sysctl_u64(root, "overcommit_kbytes", &s->overcommit_kbytes);
	if (!err)
		err = sysctl_u64(root, "admin_reserve_kbytes", &s->admin_reserve_kbytes);
	if (!err)
		err = sysctl_u64(root, "user_reserve_kbytes", &s->user_reserve_kbytes);
	if (!err)
		err = sysctl_u64(root, "max_map_count", &v);
	s->max_map_count = (uint32_t)v;
	if (err)
		snprintf(what, len, "%s/sys/vm: %s", root, strerror(-err));
	return err;
}

static const char proc_adds[] =
	"what vmacct.ko adds: the committed value the kernel compares (a per-CPU\n"
	"  read, with its error bound) rather than the exact sum, the mode-0 ceiling,\n"
	"  a dry run of any size (check), fork predictions (fork-check), the\n"
	"  decisions and refusals counted and recorded since load (trace, log)\n";

void proc_status_print_human(FILE *out, const struct proc_status *s,
			     const char *why)
{
	char sz[SIZE_STR_MAX];
	int64_t headroom = (int64_t)s->commit_limit_kb - (int64_t)s->committed_as_kb;

	fprintf(out, "from /proc (approximate): %s\n\n", why);
	fputs("policy\n", out);
	fprintf(out, "  %-24s %" PRIu32 " %s (%s)\n", "overcommit_memory",
		s->overcommit_memory, overcommit_mode_name(s->overcommit_memory),
		overcommit_mode_desc(s->overcommit_memory));
	if (s->overcommit_kbytes)
		fprintf(out, "  %-24s %" PRIu64 " kB, in force (overcommit_ratio %" PRIu32 "%% ignored)\n",
			"overcommit_kbytes", s->overcommit_kbytes, s->overcommit_ratio);
	else
		fprintf(out, "  %-24s %" PRIu32 "%%, in force\n", "overcommit_ratio",
			s->overcommit_ratio);
	fprintf(out, "  %-24s %" PRIu64 " kB\n", "admin_reserve_kbytes", s->admin_reserve_kbytes);
	fprintf(out, "  %-24s %" PRIu64 " kB\n", "user_reserve_kbytes", s->user_reserve_kbytes);
	fprintf(out, "  %-24s %" PRIu32 " mappings per process\n", "max_map_count",
		s->max_map_count);
	fputs("\n/proc/meminfo\n", out);
	fprintf(out, "  %-24s %12" PRIu64 " kB %11s\n", "CommitLimit", s->commit_limit_kb,
		format_size(s->commit_limit_kb * 1024, sz, sizeof(sz)));
	fprintf(out, "  %-24s %12" PRIu64 " kB %11s   the exact sum; the kernel compares a per-CPU read\n",
		"Committed_AS", s->committed_as_kb,
		format_size(s->committed_as_kb * 1024, sz, sizeof(sz)));
	fprintf(out, "  %-24s %12" PRId64 " kB %11s%s   CommitLimit - Committed_AS\n", "headroom",
		headroom, format_size((uint64_t)(headroom < 0 ? -headroom : headroom) * 1024,
				      sz, sizeof(sz)), headroom < 0 ? " over" : "");
	fprintf(out, "  %-24s %12" PRIu64 " kB\n", "MemTotal", s->mem_total_kb);
	fprintf(out, "  %-24s %12" PRIu64 " kB\n", "SwapTotal", s->swap_total_kb);
	fprintf(out, "  %-24s %12" PRIu64 " kB\n", "SwapFree", s->swap_free_kb);
	fprintf(out, "  %-24s %12" PRIu64 " kB   huge page pools, outside CommitLimit\n",
		"hugetlb", s->hugetlb_kb);
	fprintf(out, "\n%s", proc_adds);
}

void proc_status_print_json(FILE *out, const struct proc_status *s,
			    const char *why)
{
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_string(&j, "source", "proc");
	json_string(&j, "module_missing", why);
	json_u64(&j, "page_size", s->page_size);
	json_u64(&j, "overcommit_memory", s->overcommit_memory);
	json_string(&j, "mode_name", overcommit_mode_name(s->overcommit_memory));
	json_u64(&j, "overcommit_ratio", s->overcommit_ratio);
	json_u64(&j, "overcommit_kbytes", s->overcommit_kbytes);
	json_u64(&j, "admin_reserve_kbytes", s->admin_reserve_kbytes);
	json_u64(&j, "user_reserve_kbytes", s->user_reserve_kbytes);
	json_u64(&j, "max_map_count", s->max_map_count);
	json_u64(&j, "commit_limit_kb", s->commit_limit_kb);
	json_u64(&j, "committed_as_kb", s->committed_as_kb);
	json_i64(&j, "headroom_kb", (int64_t)s->commit_limit_kb - (int64_t)s->committed_as_kb);
	json_u64(&j, "mem_total_kb", s->mem_total_kb);
	json_u64(&j, "swap_total_kb", s->swap_total_kb);
	json_u64(&j, "swap_free_kb", s->swap_free_kb);
	json_u64(&j, "hugetlb_kb", s->hugetlb_kb);
	json_object_end(&j);
}

/*
 * One process: map_count from maps (the gate [vsyscall] is no VMA of
 * the process), charge and accounted VMAs from smaps' "ac".  0, or
 * -errno (-ENOENT: gone; -EACCES: not ours to read).
 */
static int proc_mm(const char *root, int32_t pid, uint32_t page_size,
		   struct vmacct_mm *m)
{
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

	snprintf(rel, sizeof(rel), "%d/smaps", (int)pid);
	text = proc_slurp(root, rel);
	if (!text)
		return maps ? 0 : -errno;	/* counts without the charge */
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

void proc_user_name(uint32_t uid, char *buf, size_t len)
{
	/* one lookup per user, not per process: NSS may be LDAP or sssd */
	static struct {
		uint32_t uid;
		char name[PS_USER_MAX];
		bool used;
	} cache[16];
	static unsigned int next;
	struct passwd pw, *res = NULL;
	char pwbuf[1024];
	unsigned int i;

	for (i = 0; i < sizeof(cache) / sizeof(cache[0]); i++) {
		if (cache[i].used && cache[i].uid == uid) {
			snprintf(buf, len, "%s", cache[i].name);
			return;
		}
	}
	buf[0] = '\0';
	if (!getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) && res)
		snprintf(buf, len, "%s", pw.pw_name);
	i = next++ % (sizeof(cache) / sizeof(cache[0]));
	cache[i].uid = uid;
	cache[i].used = true;
	snprintf(cache[i].name, sizeof(cache[i].name), "%s", buf);
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
	comm[strcspn(comm, "\n")] = '\0';
	snprintf(row.comm, sizeof(row.comm), "%s", comm);
	free(comm);

	err = proc_mm(root, pid, page_size, &row.mm);
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

	if (sysctl_u64(root, "max_map_count", &max))
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
