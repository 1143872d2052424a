/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the event-stream selftests, their reader helper and
 * the stream benchmark (scripts/bench/vmacct_trace_bench.c): attaching a
 * trace reader, draining it, and a few facts about the calling process
 * read from /proc.
 *
 * Only libc and the UAPI header: no harness, so that the helper and the
 * benchmark can use it too.  Nothing here allocates memory between a
 * measurement and the system call it measures (static buffers), because
 * malloc() can itself map memory and create events.
 */
#ifndef VMACCT_TRACE_UTIL_H
#define VMACCT_TRACE_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/vmacct.h>

#include "vmacct_util.h"

#define VT_EVSZ		sizeof(struct vmacct_event)

static inline pid_t vt_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/*
 * The first reader's VMACCT_IOC_TRACE arms the decision probe before it
 * returns and the system call probes just after; trace/enabled reads 1
 * once all are armed.  Wait for that (up to 3 s): 1 when armed, else 0.
 */
static inline int vt_wait_armed(void)
{
	int i;

	for (i = 0; i < 3000; i++) {
		if (sysfs_ll("trace/enabled") == 1)
			return 1;
		usleep(1000);
	}
	return 0;
}

/* VMACCT_IOC_TRACE on @fd, then wait until armed: 0 or -1 with errno. */
static inline int vt_trace(int fd, struct vmacct_trace *t, __u32 flags,
			   pid_t pid, pid_t tgid)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	t->flags = flags;
	t->pid = pid;
	t->tgid = tgid;
	ret = ioctl(fd, VMACCT_IOC_TRACE, t);
	if (ret == 0 && !vt_wait_armed()) {
		errno = ETIMEDOUT;
		return -1;
	}
	return ret;
}

/* A new trace reader with this filter; -1 with errno on failure. */
static inline int vt_open_reader(__u32 flags, pid_t pid, pid_t tgid,
				 int nonblock)
{
	struct vmacct_trace t;
	int fd, err;

	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));
	if (fd < 0)
		return -1;
	if (vt_trace(fd, &t, flags, pid, tgid)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/*
 * The calling process's VMAs, from /proc/self/smaps, read into a static
 * buffer with read() (no allocation: reading must not change what it
 * reads).  Debian's kernels have no [vsyscall] gate VMA, so every entry
 * is a VMA that map_count counts.
 */
struct vt_vma {
	unsigned long start, end;
	int accounted;		/* VmFlags "ac" */
	int dontcopy;		/* VmFlags "dc" */
	int stack;		/* [stack] */
};

#define VT_MAX_VMAS	512
static char vt_smaps_buf[1 << 20];
static struct vt_vma vt_vmas[VT_MAX_VMAS];

static inline ssize_t vt_slurp(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

static inline int vt_has_flag(const char *flags_line, const char *flag)
{
	const char *p = flags_line;
	size_t n = strlen(flag);

	while ((p = strstr(p, flag))) {
		if ((p == flags_line || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* Parse smaps of @pid (0: self) into vt_vmas; number of VMAs or -1. */
static inline int vt_read_vmas(pid_t pid)
{
	char path[64], *line, *next;
	unsigned long s, e;
	int n = 0;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/smaps");
	if (vt_slurp(path, vt_smaps_buf, sizeof(vt_smaps_buf)) < 0)
		return -1;
	for (line = vt_smaps_buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			next++;
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			if (s >= 0xffffffffff600000UL)	/* [vsyscall] */
				break;
			if (n == VT_MAX_VMAS)
				return -1;
			memset(&vt_vmas[n], 0, sizeof(vt_vmas[n]));
			vt_vmas[n].start = s;
			vt_vmas[n].end = e;
			if (next ? memmem(line, next - line, "[stack]", 7) :
				   strstr(line, "[stack]"))
				vt_vmas[n].stack = 1;
			n++;
		} else if (n && strncmp(line, "VmFlags:", 8) == 0) {
			char flags[256];
			size_t len = next ? (size_t)(next - line) : strlen(line);

			if (len >= sizeof(flags))
				len = sizeof(flags) - 1;
			memcpy(flags, line + 8, len - 8);
			flags[len - 8] = '\0';
			vt_vmas[n - 1].accounted = vt_has_flag(flags, "ac");
			vt_vmas[n - 1].dontcopy = vt_has_flag(flags, "dc");
		}
	}
	return n;
}

/*
 * map_count of the caller: lines of /proc/self/maps, less the gate VMA
 * ([vsyscall], not in the tree: fs/proc/task_mmu.c m_start() appends
 * get_gate_vma(), 6.1 and 6.12) if shown; -1 on error.
 */
static inline int vt_map_count(void)
{
	static char buf[1 << 20];
	ssize_t len;
	int n = 0;
	char *p;

	len = vt_slurp("/proc/self/maps", buf, sizeof(buf));
	if (len < 0)
		return -1;
	for (p = buf; *p; p++)
		if (*p == '\n')
			n++;
	if (strstr(buf, "[vsyscall]"))
		n--;
	return n;
}

#endif /* VMACCT_TRACE_UTIL_H */
