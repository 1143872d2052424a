/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct selftests: the helpers every test, helper and benchmark shares.
 * Decimal files, the vm sysctls and the vmacct sysfs files, /proc/meminfo,
 * a trial mmap(), pinning to a CPU, saving and restoring the sysctls the
 * tests write, and the SKIP macros.
 *
 * Only libc: no harness, so that the trace reader helper and the
 * benchmarks (scripts/bench/) can include it too (the SKIP macros expand
 * only where used, after "kselftest_harness.h").  Nothing here allocates
 * memory (read(2) into buffers on the stack, no stdio), because reading a
 * /proc file must not change the mm being measured.
 */
#ifndef VMACCT_UTIL_H
#define VMACCT_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SYSFS		"/sys/kernel/vmacct/"
#define PROCVM		"/proc/sys/vm/"
#define DEVNODE		"/dev/vmacct"

/* Is the running kernel at least MAJOR.MINOR? (uname -r) */
static inline int kernel_at_least(unsigned int major, unsigned int minor)
{
	unsigned int a = 0, b = 0;
	char rel[128];
	FILE *f = fopen("/proc/sys/kernel/osrelease", "re");

	if (!f)
		return 0;
	if (!fgets(rel, sizeof(rel), f) || sscanf(rel, "%u.%u", &a, &b) != 2)
		a = b = 0;
	fclose(f);
	return a > major || (a == major && b >= minor);
}

/*
 * Is the running kernel built with KASAN (make check-debug's kernel)?  Its
 * instrumentation multiplies the cost of every kernel memory access, so
 * a throughput measured under it says nothing of a production kernel.
 * Generic KASAN has __asan_load8 in /proc/kallsyms (root reads names).
 */
static inline int kernel_has_kasan(void)
{
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, " __asan_load8\n") != NULL ||
			strstr(line, " kasan_report\n") != NULL;
	fclose(f);
	return found;
}

static inline long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* ------------------------------------------------------------ files */

/*
 * One read(2) of a small file into buf, NUL-terminated: the length read,
 * or -1 if the file cannot be opened or reads nothing.
 */
static inline ssize_t read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* One decimal value from a file; -1 with errno set on failure. */
static inline long long read_ll(const char *path)
{
	char buf[64];
	long long v;
	char *end;

	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || end == buf || (*end != '\n' && *end != '\0')) {
		errno = EINVAL;
		return -1;
	}
	return v;
}

/* Write "v\n"; 0, or -1 with errno from open() or write(). */
static inline int write_ll(const char *path, long long v)
{
	char buf[32];
	int fd, len, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%lld\n", v);
	if (write(fd, buf, len) != len)
		ret = -1;
	close(fd);
	return ret;
}

/* A file below dir (SYSFS or PROCVM): read or write its value. */
static inline long long dir_read_ll(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s", dir, name);
	return read_ll(path);
}

static inline int dir_write_ll(const char *dir, const char *name, long long v)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s", dir, name);
	return write_ll(path, v);
}

/* /proc/sys/vm/name */
static inline long long sysctl_ll(const char *name)
{
	return dir_read_ll(PROCVM, name);
}

static inline int set_sysctl(const char *name, long long v)
{
	return dir_write_ll(PROCVM, name, v);
}

/* /sys/kernel/vmacct/name */
static inline long long sysfs_ll(const char *name)
{
	return dir_read_ll(SYSFS, name);
}

static inline int set_sysfs(const char *name, long long v)
{
	return dir_write_ll(SYSFS, name, v);
}

/* ------------------------------------------------------------ /proc */

/* A "Name:  value" field of a /proc text file already read; -1 if absent. */
static inline long long field_ll(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, name, len) == 0 && p[len] == ':')
			return strtoll(p + len + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* A /proc/meminfo field, in kB; -1 if absent. */
static inline long long meminfo_kb(const char *field)
{
	char buf[8192];

	if (read_small("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	return field_ll(buf, field);
}

static inline long long kb_to_pages(long long kb)
{
	return kb / (page_size() / 1024);
}

/* One private writable mapping of pages, unmapped at once: 0 or errno. */
static inline int try_map(unsigned long long pages)
{
	size_t len = pages * page_size();
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return errno;
	munmap(p, len);
	return 0;
}

/* Pin the calling thread, and the children it forks from then on, to @cpu. */
static inline int pin_to_cpu(unsigned int cpu)
{
	unsigned long mask[1024 / (8 * sizeof(unsigned long))] = { 0 };
	const unsigned int bits = 8 * sizeof(unsigned long);

	if (cpu >= 1024) {
		errno = ERANGE;
		return -1;
	}
	mask[cpu / bits] = 1UL << (cpu % bits);
	return syscall(SYS_sched_setaffinity, 0, sizeof(mask), mask) ? -1 : 0;
}

/*
 * The same, to the CPU it runs on; that CPU, or -1 with errno.  A mode-2
 * check compares the shared part of a per-CPU counter (vm_committed_as):
 * a task that moves to another CPU folds the delta that CPU holds, and
 * the compared count moves by up to committed_error pages with no charge
 * of the test.  A test that asserts a mode-2 edge to the page runs on one
 * CPU, where the count moves by the test's own charges only.  Raw system
 * calls: the helpers that include this file need no _GNU_SOURCE.
 */
static inline int pin_to_this_cpu(void)
{
	unsigned int cpu;

	if (syscall(SYS_getcpu, &cpu, NULL, NULL) || pin_to_cpu(cpu))
		return -1;
	return cpu;
}

/* ------------------------------------------------------------ sysctls */

/*
 * The sysctls the tests write, saved in setup and restored in teardown.
 * Writing overcommit_kbytes zeroes overcommit_ratio and vice versa, so the
 * one that was in force is written last, and the mode after both.
 */
struct saved_sysctls {
	long long mode, ratio, kbytes, max_map, admin, user;
};

static inline void save_sysctls(struct saved_sysctls *s)
{
	s->mode = sysctl_ll("overcommit_memory");
	s->ratio = sysctl_ll("overcommit_ratio");
	s->kbytes = sysctl_ll("overcommit_kbytes");
	s->max_map = sysctl_ll("max_map_count");
	s->admin = sysctl_ll("admin_reserve_kbytes");
	s->user = sysctl_ll("user_reserve_kbytes");
}

static inline void restore_sysctls(const struct saved_sysctls *s)
{
	/* leave mode 2 before anything else: the limit may be tiny now */
	if (s->mode != 2)
		set_sysctl("overcommit_memory", s->mode);
	set_sysctl("max_map_count", s->max_map);
	set_sysctl("admin_reserve_kbytes", s->admin);
	set_sysctl("user_reserve_kbytes", s->user);
	if (s->kbytes) {
		set_sysctl("overcommit_kbytes", s->kbytes);
	} else {
		set_sysctl("overcommit_kbytes", 0);
		set_sysctl("overcommit_ratio", s->ratio);
	}
	set_sysctl("overcommit_memory", s->mode);
}

/* ------------------------------------------------------------ harness */

/* For the harness only.  Skip unless root; why ends "needs root ...". */
#define SKIP_UNLESS_ROOT(why) do {					\
	if (geteuid() != 0)						\
		SKIP(return, "needs root " why);			\
} while (0)

/* Skip unless /dev/vmacct opens; fdvar gets it (-1 when skipped). */
#define OPEN_DEVNODE_OR_SKIP(fdvar) do {				\
	fdvar = open(DEVNODE, O_RDONLY | O_CLOEXEC);			\
	if (fdvar < 0)							\
		SKIP(return, DEVNODE ": %s (module not loaded?)",	\
		     strerror(errno));					\
} while (0)

/* Skip unless /dev/vmacct exists (without opening it). */
#define SKIP_UNLESS_DEVNODE() do {					\
	if (access(DEVNODE, F_OK))					\
		SKIP(return, DEVNODE ": %s (module not loaded?)",	\
		     strerror(errno));					\
} while (0)

/* The policy sysctls saved by save_sysctls() were all readable. */
#define ASSERT_SAVED_POLICY(saved) do {					\
	ASSERT_LE(0, (saved)->mode);					\
	ASSERT_LE(0, (saved)->ratio);					\
	ASSERT_LE(0, (saved)->kbytes);					\
} while (0)

#endif /* VMACCT_UTIL_H */
