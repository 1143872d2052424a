// SPDX-License-Identifier: GPL-2.0
/*
 * Cgroup paths and names: see cgroup.h.
 *
 * The names follow the shapes the runtimes give their directories:
 * systemd's units (".service", ".scope", ".slice"), Docker's
 * "docker-<64 hex>.scope" (systemd driver) or "docker/<64 hex>"
 * (cgroupfs), containerd's "cri-containerd-<id>.scope", CRI-O's
 * "crio-<id>.scope", Podman's "libpod-<id>.scope", and the kubelet's
 * "kubepods-<qos>-pod<uid with _>.slice" (systemd) or
 * "kubepods/<qos>/pod<uid>" (cgroupfs).
 */
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup.h"
#include "procfs.h"

char *cgroup_of_pid(const char *proc_root, int32_t pid)
{
	char rel[32], *text, *line, *save, *path = NULL;

	snprintf(rel, sizeof(rel), "%d/cgroup", (int)pid);
	text = proc_slurp(proc_root, rel);
	if (!text)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "0::", 3)) {
			path = strdup(line + 3);
			break;
		}
	}
	free(text);
	if (!path && !errno)
		errno = ENODATA;
	return path;
}

/* mountinfo's octal escapes (\040 for a blank) undone in place. */
static void unescape_octal(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

const char *cgroup2_mount(void)
{
	static char *mount;
	static bool looked;
	char *text, *line, *save, *sep, *f[5];
	const char *env;
	int i;

	env = getenv("VMACCT_CGROUP_ROOT");
	if (env && *env)
		return env;
	if (looked)
		return mount;
	looked = true;
	text = proc_slurp("/proc", "self/mountinfo");
	if (!text)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line && !mount;
	     line = strtok_r(NULL, "\n", &save)) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - FSTYPE SOURCE ... */
		sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		*sep = '\0';
		f[0] = strtok(line, " ");
		for (i = 1; i < 5 && f[i - 1]; i++)
			f[i] = strtok(NULL, " ");
		if (i == 5 && f[4]) {
			unescape_octal(f[4]);
			mount = strdup(f[4]);
		}
	}
	free(text);
	return mount;
}

/* The cgroup directories of the mount, by id (inode number), sorted. */
struct cg_entry {
	uint64_t id;
	char *path;
};

static struct {
	struct cg_entry *e;
	size_t n, cap;
	size_t root_len;
	char *root;		/* the mount walked */
	time_t walked;
} cg;

static int cg_visit(const char *fpath, const struct stat *st, int type,
		    struct FTW *ftw)
{
	struct cg_entry *more;
	const char *rel = fpath + cg.root_len;

	(void)ftw;
	if (type != FTW_D)
		return 0;
	if (cg.n == cg.cap) {
		size_t cap = cg.cap ? 2 * cg.cap : 256;

		more = realloc(cg.e, cap * sizeof(*more));
		if (!more)
			return 1;	/* stop: the ids seen so far serve */
		cg.e = more;
		cg.cap = cap;
	}
	cg.e[cg.n].id = st->st_ino;
	cg.e[cg.n].path = strdup(*rel ? rel : "/");
	if (!cg.e[cg.n].path)
		return 1;
	cg.n++;
	return 0;
}

static int cg_cmp(const void *a, const void *b)
{
	const struct cg_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void cg_walk(const char *root)
{
	size_t i;

	for (i = 0; i < cg.n; i++)
		free(cg.e[i].path);
	cg.n = 0;
	free(cg.root);
	cg.root = strdup(root);
	cg.root_len = strlen(root);
	while (cg.root_len > 1 && root[cg.root_len - 1] == '/')
		cg.root_len--;
	if (cg.root_len == 1)
		cg.root_len = 0;	/* mounted on "/" itself */
	nftw(root, cg_visit, 16, FTW_PHYS | FTW_MOUNT);
	qsort(cg.e, cg.n, sizeof(*cg.e), cg_cmp);
	cg.walked = time(NULL);
}

static const char *cg_find(uint64_t id)
{
	struct cg_entry key = { .id = id }, *hit;

	hit = bsearch(&key, cg.e, cg.n, sizeof(*cg.e), cg_cmp);
	return hit ? hit->path : NULL;
}

const char *cgroup_path_of_id(uint64_t id)
{
	const char *root = cgroup2_mount(), *path;

	if (!id || !root)
		return NULL;
	if (!cg.root || strcmp(cg.root, root))
		cg_walk(root);		/* another mount (VMACCT_CGROUP_ROOT) */
	path = cg_find(id);
	if (path || time(NULL) - cg.walked < 1)
		return path;
	cg_walk(root);
	return cg_find(id);
}

void cgroup_rollup(const char *path, unsigned int depth, char *buf,
		   size_t len)
{
	const char *p = path;
	unsigned int seen = 0;
	size_t n;

	while (*p == '/')
		p++;
	while (*p && seen < depth) {
		seen++;
		p += strcspn(p, "/");
		if (seen < depth)
			while (*p == '/')
				p++;
	}
	n = (size_t)(p - path);
	if (!depth || !n) {
		snprintf(buf, len, "/");
		return;
	}
	snprintf(buf, len, "%.*s", (int)n, path);
}

bool cgroup_within(const char *path, const char *top)
{
	size_t n = strlen(top);

	if (!strcmp(top, "/"))
		return true;
	if (!path)
		return false;		/* under "/" only */
	return !strncmp(path, top, n) && (path[n] == '/' || !path[n]);
}

int cgroup_pid_within(const char *proc_root, int32_t pid, const char *top)
{
	char *path;
	bool in;

	if (!strcmp(top, "/"))
		return 1;
	errno = 0;
	path = cgroup_of_pid(proc_root, pid);
	if (!path && (errno == ENOENT || errno == ESRCH))
		return -ENOENT;
	in = cgroup_within(path, top);
	free(path);
	return in;
}

int cgroup_path_arg(const char *arg, const char *mount, char *buf, size_t len)
{
	size_t m = mount ? strlen(mount) : 0, n, out = 0;
	const char *p = arg;

	while (m > 1 && mount[m - 1] == '/')
		m--;
	/* /sys/fs/cgroup/system.slice: the same path from the mount */
	if (m > 1 && !strncmp(p, mount, m) && (p[m] == '/' || !p[m]))
		p += m;
	else if (*p != '/')
		return -EINVAL;
	if (len < 2)
		return -ENAMETOOLONG;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		if (out + 1 + n + 1 > len)
			return -ENAMETOOLONG;
		buf[out++] = '/';
		memcpy(buf + out, p, n);
		out += n;
		p += n;
	}
	if (!out)
		buf[out++] = '/';
	buf[out] = '\0';
	return 0;
}

/* s is n lowercase hex digits and nothing more. */
static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]) || !s[i])
			return false;
	return !s[n];
}

/* "prefix<64 hex>suffix": the id's first 12 digits into id. */
static bool container_id(const char *comp, const char *prefix,
			 const char *suffix, char id[13])
{
	size_t p = strlen(prefix), s = strlen(suffix), n = strlen(comp);
	char hex[65];

	if (n != p + 64 + s || strncmp(comp, prefix, p) ||
	    strcmp(comp + n - s, suffix))
		return false;
	memcpy(hex, comp + p, 64);
	hex[64] = '\0';
	if (!all_hex(hex, 64))
		return false;
	memcpy(id, hex, 12);
	id[12] = '\0';
	return true;
}

/* A Kubernetes pod's uid in a component: "pod<uid>" or "...-pod<uid_>.slice". */
static bool pod_uid(const char *comp, char *uid, size_t len)
{
	const char *p = comp;
	size_t n, i;

	if (!strncmp(comp, "kubepods", 8))	/* systemd: kubepods-...-pod */
		p = strstr(comp, "-pod") ? strstr(comp, "-pod") + 1 : "";
	if (strncmp(p, "pod", 3))
		return false;
	p += 3;
	n = strcspn(p, ".");
	if (n != 36 || (p[n] && strcmp(p + n, ".slice")))
		return false;
	if (len < n + 1)
		return false;
	for (i = 0; i < n; i++) {
		char c = p[i] == '_' ? '-' : p[i];

		if (!strchr("0123456789abcdef-", c))
			return false;
		uid[i] = c;
	}
	uid[n] = '\0';
	return true;
}

void cgroup_name(const char *path, char *buf, size_t len)
{
	static const struct {
		const char *prefix, *suffix, *runtime;
	} shapes[] = {
		{ "docker-", ".scope", "docker" },
		{ "cri-containerd-", ".scope", "containerd" },
		{ "crio-", ".scope", "cri-o" },
		{ "libpod-", ".scope", "podman" },
	};
	char comp[256], parent[256] = "", uid[40] = "", id[13];
	const char *runtime = NULL, *p = path, *end;
	size_t i, n;

	comp[0] = '\0';
	for (;;) {			/* every component, the pod's on the way */
		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = p + strcspn(p, "/");
		n = (size_t)(end - p);
		snprintf(parent, sizeof(parent), "%s", comp);
		snprintf(comp, sizeof(comp), "%.*s", (int)n, p);
		if (!uid[0])
			pod_uid(comp, uid, sizeof(uid));
		p = end;
	}
	if (!comp[0]) {
		snprintf(buf, len, "/");
		return;
	}
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]) && !runtime; i++)
		if (container_id(comp, shapes[i].prefix, shapes[i].suffix, id))
			runtime = shapes[i].runtime;
	if (!runtime && container_id(comp, "", "", id))
		runtime = !strcmp(parent, "docker") ? "docker" : "container";
	if (runtime && uid[0])
		snprintf(buf, len, "pod %s %s %s", uid, runtime, id);
	else if (runtime)
		snprintf(buf, len, "%s %s", runtime, id);
	else if (uid[0] && pod_uid(comp, uid, sizeof(uid)))
		snprintf(buf, len, "pod %s", uid);
	else
		snprintf(buf, len, "%s", comp);
}
