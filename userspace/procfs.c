// SPDX-License-Identifier: GPL-2.0
/* status and ps from /proc, without the module: see procfs.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "parse.h"
#include "procfs.h"
#include "ps.h"
#include "report.h"
#include "status-table.h"

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

int proc_sysctl_u64(const char *root, const char *name, uint64_t *v)
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

int proc_field_kb(const char *text, const char *name, uint64_t *kb)
{
	size_t n = strlen(name);
	const char *line, *p;
	char num[32];
	size_t len;

	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, name, n) || line[n] != ':')
			continue;
		p = line + n + 1;
		p += strspn(p, " \t");
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
		err = proc_field_kb(mi, km[i].name, (uint64_t *)((char *)s + km[i].off));
		if (err) {
			snprintf(what, len, "%s/meminfo: no %s line", root, km[i].name);
			free(mi);
			return err;
		}
	}
	/* hugetlb: every size's pool, as "Hugetlb:" (5.x) or the default size */
	if (proc_field_kb(mi, "Hugetlb", &s->hugetlb_kb) &&
	    !proc_field_kb(mi, "HugePages_Total", &pages) &&
	    !proc_field_kb(mi, "Hugepagesize", &size_kb))
		s->hugetlb_kb = pages * size_kb;
	free(mi);

	err = proc_sysctl_u64(root, "overcommit_memory", &v);
	s->overcommit_memory = (uint32_t)v;
	if (!err)
		err = proc_sysctl_u64(root, "overcommit_ratio", &v);
	s->overcommit_ratio = (uint32_t)v;
	if (!err)
		err = proc_sysctl_u64(root, "overcommit_kbytes", &s->overcommit_kbytes);
	if (!err)
		err = proc_sysctl_u64(root, "admin_reserve_kbytes", &s->admin_reserve_kbytes);
	if (!err)
		err = proc_sysctl_u64(root, "user_reserve_kbytes", &s->user_reserve_kbytes);
	if (!err)
		err = proc_sysctl_u64(root, "max_map_count", &v);
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

/* kB of /proc/meminfo in pages of page_size. */
static int64_t kb_pages(uint64_t kb, uint32_t page_size)
{
	return (int64_t)(kb * 1024 / (page_size ? page_size : 4096));
}

int proc_status_print_human(FILE *out, const struct proc_status *s,
			    const char *why, const struct status_view *view)
{
	int64_t headroom = (int64_t)s->commit_limit_kb - (int64_t)s->committed_as_kb;
	uint32_t ps = s->page_size;
	struct st_row rows[4];
	int err;

	fprintf(out, "from /proc (approximate): %s\n\n", why);
	fprintf(out, "page size %" PRIu32 " bytes\n\n", ps);
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

	rows[0] = (struct st_row){ "CommitLimit", "limit", kb_pages(s->commit_limit_kb, ps),
				   "from /proc/meminfo" };
	rows[1] = (struct st_row){ "Committed_AS", "committed", kb_pages(s->committed_as_kb, ps),
				   "the exact sum; the kernel compares a per-CPU read" };
	rows[2] = (struct st_row){ "headroom", "headroom",
				   headroom < 0 ? -kb_pages((uint64_t)-headroom, ps)
						: kb_pages((uint64_t)headroom, ps),
				   "CommitLimit - Committed_AS" };
	err = status_table_print(out, "commit", rows, 3, view, ps);
	if (err)
		return err;
	rows[0] = (struct st_row){ "RAM", "totalram", kb_pages(s->mem_total_kb, ps), "MemTotal" };
	rows[1] = (struct st_row){ "swap total", "total_swap", kb_pages(s->swap_total_kb, ps), NULL };
	rows[2] = (struct st_row){ "swap free", "free_swap", kb_pages(s->swap_free_kb, ps), NULL };
	rows[3] = (struct st_row){ "hugetlb", "hugetlb", kb_pages(s->hugetlb_kb, ps),
				   "huge page pools, outside CommitLimit" };
	err = status_table_print(out, "memory", rows, 4, view, ps);
	if (err)
		return err;
	fprintf(out, "\n%s", proc_adds);
	return 0;
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

/*
 * /proc/PID/comm is the whole name as the task holds it, any byte but NUL
 * (a newline too: prctl(PR_SET_NAME) takes anything), then one newline
 * (fs/proc/base.c comm_show(), 6.1 and 6.12): take that one away, and
 * only it, so that the name is the one the module's path shows, escaped
 * when printed.
 */
void proc_comm_trim(char *comm)
{
	size_t n = strlen(comm);

	if (n && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
}
