/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct selftests: helpers shared by the per-process tests
 * (vmacct_mm_test.c, vmacct_eval_test.c, vmacct_fork_test.c,
 * vmacct_access_test.c) and the benchmark of make bench
 * (scripts/bench/vmacct_mm_bench.c).
 *
 * The independent sources the tests compare vmacct with are read here:
 * /proc/PID/maps, /proc/PID/smaps, /proc/PID/status, /proc/meminfo and
 * /proc/zoneinfo.  Reading them must not change the mm being measured, so
 * every read goes with read(2) into a buffer mapped and touched before the
 * measurement starts (no stdio, no malloc).
 *
 * Include after <linux/vmacct.h> and "kselftest_harness.h".
 */
#ifndef VMACCT_MM_UTIL_H
#define VMACCT_MM_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "vmacct_util.h"

#define POISON		0xcc
#define NOBODY		65534

/* The 6.12 harness runs every test in a grandchild: print our numbers. */
#define INFO(fmt, ...)	ksft_print_msg(fmt "\n", ##__VA_ARGS__)

/* ------------------------------------------------------------ files */

/*
 * Read a whole file into a buffer mapped (and touched) beforehand, so that
 * reading a /proc file of the caller does not change the caller's mm.
 */
struct rbuf {
	char *p;
	size_t cap;
	size_t len;
};

static inline int rbuf_init(struct rbuf *b, size_t cap)
{
	size_t off;

	b->len = 0;
	b->cap = cap;
	b->p = mmap(NULL, cap, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (b->p == MAP_FAILED) {
		b->p = NULL;
		return -1;
	}
	for (off = 0; off < cap; off += page_size())
		b->p[off] = 0;
	return 0;
}

static inline void rbuf_free(struct rbuf *b)
{
	if (b->p)
		munmap(b->p, b->cap);
	b->p = NULL;
}

/* 0, or -1 with errno (E2BIG: the buffer was too small). */
static inline int read_file(const char *path, struct rbuf *b)
{
	ssize_t n;
	int fd;

	b->len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		if (b->len + 1 >= b->cap) {
			close(fd);
			errno = E2BIG;
			return -1;
		}
		n = read(fd, b->p + b->len, b->cap - 1 - b->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		b->len += n;
	}
	close(fd);
	b->p[b->len] = '\0';
	return 0;
}

static inline int read_proc(pid_t pid, const char *what, struct rbuf *b)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", what);
	return read_file(path, b);
}

static inline long long committed_as_pages(void)
{
	return kb_to_pages(meminfo_kb("Committed_AS"));
}

/* ------------------------------------------------------------ sysctls */

/*
 * Enter mode 2 (or re-enter it): the handler folds every CPU's local part
 * of vm_committed_as, so committed_read is exact right after this.
 */
static inline int enter_mode2(void)
{
	return set_sysctl("overcommit_memory", 2);
}

/* Skip unless root and the module is there; return an open /dev/vmacct. */
#define NEED_VMACCT(fdvar) do {						\
	fdvar = -1;							\
	SKIP_UNLESS_ROOT("(writes vm sysctls, drops to nobody)");	\
	OPEN_DEVNODE_OR_SKIP(fdvar);					\
} while (0)

/* The same, and save the sysctls for the teardown to restore. */
#define SYSCTL_FIXTURE_SETUP(fdvar, saved) do {				\
	NEED_VMACCT(fdvar);						\
	save_sysctls(saved);						\
	ASSERT_SAVED_POLICY(saved);					\
	ASSERT_LE(0, (saved)->max_map);					\
} while (0)

/* ------------------------------------------------------------ ioctls */

static inline int commit_ioctl(int fd, struct vmacct_commit *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	return ioctl(fd, VMACCT_IOC_COMMIT, c);
}

static inline int mm_ioctl(int fd, pid_t pid, struct vmacct_mm *m)
{
	memset(m, POISON, sizeof(*m));
	m->size = sizeof(*m);
	m->flags = 0;
	m->pid = pid;
	return ioctl(fd, VMACCT_IOC_MM, m);
}

static inline int eval_ioctl(int fd, __u32 flags, pid_t pid, __u32 mode,
		      long long pages, struct vmacct_eval *e)
{
	memset(e, 0, sizeof(*e));
	e->size = sizeof(*e);
	e->flags = flags;
	e->pid = pid;
	e->mode = mode;
	e->pages = pages;
	return ioctl(fd, VMACCT_IOC_EVAL, e);
}

static inline int fork_ioctl(int fd, pid_t pid, struct vmacct_fork *f)
{
	memset(f, 0, sizeof(*f));
	f->size = sizeof(*f);
	f->pid = pid;
	return ioctl(fd, VMACCT_IOC_FORK, f);
}

/* The fields of struct vmacct_mm that describe the mm (not the limit). */
static inline bool mm_same(const struct vmacct_mm *a, const struct vmacct_mm *b)
{
	return a->map_count == b->map_count &&
	       a->total_vm == b->total_vm && a->data_vm == b->data_vm &&
	       a->exec_vm == b->exec_vm && a->stack_vm == b->stack_vm &&
	       a->locked_vm == b->locked_vm && a->pinned_vm == b->pinned_vm &&
	       a->charge == b->charge && a->nr_accounted == b->nr_accounted &&
	       a->largest_accounted == b->largest_accounted;
}

/* ------------------------------------------------------------ /proc parsers */

/* map_count from /proc/PID/maps: its lines, minus the gate VMA if shown. */
static inline long maps_count(const struct rbuf *b)
{
	long lines = 0;
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->p[i] == '\n')
			lines++;
	if (memmem(b->p, b->len, "[vsyscall]", 10))
		lines--;
	return lines;
}

/* /proc/PID/status memory lines, in pages. */
struct status_vm {
	long long size, data, exe, lib, stk, lck, pin;
};

static inline int parse_status(const struct rbuf *b, struct status_vm *s)
{
	s->size = field_ll(b->p, "VmSize");
	s->data = field_ll(b->p, "VmData");
	s->exe = field_ll(b->p, "VmExe");
	s->lib = field_ll(b->p, "VmLib");
	s->stk = field_ll(b->p, "VmStk");
	s->lck = field_ll(b->p, "VmLck");
	s->pin = field_ll(b->p, "VmPin");
	if (s->size < 0 || s->data < 0 || s->exe < 0 || s->lib < 0 ||
	    s->stk < 0 || s->lck < 0 || s->pin < 0)
		return -1;
	s->size = kb_to_pages(s->size);
	s->data = kb_to_pages(s->data);
	s->exe = kb_to_pages(s->exe);
	s->lib = kb_to_pages(s->lib);
	s->stk = kb_to_pages(s->stk);
	s->lck = kb_to_pages(s->lck);
	s->pin = kb_to_pages(s->pin);
	return 0;
}

/*
 * What /proc/PID/smaps says, summed the way vmacct documents its fields:
 * "ac" is VM_ACCOUNT, "dc" VM_DONTCOPY, "gd" VM_GROWSDOWN, "ms"
 * VM_MAYSHARE, "pf"/"io" VM_PFNMAP/VM_IO, "sh" VM_SHARED.
 */
struct smaps_sum {
	long nr_vmas;
	long nr_accounted;		/* ac */
	unsigned long long charge;	/* pages of ac VMAs */
	unsigned long long largest;	/* largest ac VMA */
	long nr_fork;			/* ac and not dc */
	unsigned long long fork_charge;
	unsigned long long fork_largest;
	long nr_anon_private;
	long nr_file_private;
	long nr_file_shared;
	long nr_stack;
	long nr_special;
};

/* Is the two-letter flag in a VmFlags line (up to the newline)? */
static inline bool has_flag(const char *flags, const char *f)
{
	const char *p = flags;

	while (*p && *p != '\n') {
		while (*p == ' ')
			p++;
		if (p[0] == f[0] && p[1] == f[1] &&
		    (p[2] == ' ' || p[2] == '\n' || p[2] == '\0'))
			return true;
		while (*p && *p != ' ' && *p != '\n')
			p++;
	}
	return false;
}

/* Name of a VMA header line ("" for anonymous), copied into name. */
static inline void vma_name(const char *line, char *name, size_t size)
{
	const char *p = line, *e;
	int field;

	/* start-end perms offset dev inode [name] */
	for (field = 0; field < 5; field++) {
		while (*p && *p != ' ' && *p != '\n')
			p++;
		while (*p == ' ')
			p++;
	}
	e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	if ((size_t)(e - p) >= size)
		e = p + size - 1;
	memcpy(name, p, e - p);
	name[e - p] = '\0';
}

static inline bool is_special_name(const char *name)
{
	if (name[0] != '[')
		return false;
	return strcmp(name, "[heap]") && strcmp(name, "[stack]") &&
	       strncmp(name, "[anon:", 6) && strncmp(name, "[anon_shmem:", 12);
}

static inline void classify(struct smaps_sum *s, const char *name, const char *flags,
		     unsigned long long pages)
{
	bool ac = has_flag(flags, "ac");

	if (ac) {
		s->nr_accounted++;
		s->charge += pages;
		if (pages > s->largest)
			s->largest = pages;
		if (!has_flag(flags, "dc")) {
			s->nr_fork++;
			s->fork_charge += pages;
			if (pages > s->fork_largest)
				s->fork_largest = pages;
		}
	}
	if (has_flag(flags, "pf") || has_flag(flags, "io") ||
	    is_special_name(name))
		s->nr_special++;
	else if (has_flag(flags, "gd"))
		s->nr_stack++;
	else if (has_flag(flags, "ms"))
		s->nr_file_shared++;
	else if (name[0] == '/')
		s->nr_file_private++;
	else
		s->nr_anon_private++;
}

static inline bool is_vma_header(const char *line)
{
	const char *p = line;

	while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))
		p++;
	return p != line && *p == '-';
}

static inline int parse_smaps(const struct rbuf *b, struct smaps_sum *s)
{
	unsigned long long start = 0, end = 0;
	char name[256] = "";
	const char *line = b->p;
	bool open_vma = false;
	char *e;

	memset(s, 0, sizeof(*s));
	while (line && *line) {
		if (is_vma_header(line)) {
			if (open_vma)
				return -1;	/* no VmFlags line: unknown format */
			/* not sscanf(): it runs strlen() over the whole rest */
			start = strtoull(line, &e, 16);
			if (*e != '-')
				return -1;
			end = strtoull(e + 1, &e, 16);
			if (*e != ' ' || end < start)
				return -1;
			vma_name(line, name, sizeof(name));
			open_vma = true;
			s->nr_vmas++;
		} else if (strncmp(line, "VmFlags:", 8) == 0) {
			if (!open_vma)
				return -1;
			/*
			 * The gate VMA is appended by show_map, not in the
			 * tree, and not in map_count (fs/proc/task_mmu.c
			 * proc_get_vma() and m_start() add get_gate_vma(),
			 * the static gate_vma of arch/x86/entry/vsyscall/
			 * vsyscall_64.c; 6.1 and 6.12): shown on kernels
			 * with vsyscall emulation.
			 */
			if (strcmp(name, "[vsyscall]") == 0)
				s->nr_vmas--;
			else
				classify(s, name, line + 8,
					 (end - start) / page_size());
			open_vma = false;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return open_vma ? -1 : 0;
}

/* Flags of the smaps entry that starts at addr; NULL if none. */
static inline const char *smaps_flags_at(const struct rbuf *b, const void *addr)
{
	char hdr[32];
	const char *p;
	int n;

	n = snprintf(hdr, sizeof(hdr), "%lx-", (unsigned long)addr);
	for (p = b->p; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, hdr, n) == 0)
			break;
	}
	if (!p || !*p)
		return NULL;
	p = strstr(p, "VmFlags:");
	return p ? p + 8 : NULL;
}

/* ------------------------------------------------------------ memory */

/*
 * An address with len bytes free and one free page on each side, so that a
 * mapping placed there with MAP_FIXED_NOREPLACE merges with nothing.  Valid
 * until the next mmap of this process.
 */
static inline char *fresh_addr(size_t len)
{
	char *p;

	p = mmap(NULL, len + 2 * page_size(), PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	munmap(p, len + 2 * page_size());
	return p + page_size();
}

/* Map at a fresh address; MAP_FAILED on failure. */
static inline void *map_alone(size_t len, int prot, int flags, int fd)
{
	char *a = fresh_addr(len);

	if (!a)
		return MAP_FAILED;
	return mmap(a, len, prot, flags | MAP_FIXED_NOREPLACE, fd, 0);
}

/*
 * Grow the stack now, so that it does not grow (and change total_vm,
 * stack_vm and the commit charge) in the middle of a measurement.
 */
static void __attribute__((noinline, unused)) prefault_stack(void)
{
	volatile char pad[256 * 1024];
	size_t i;

	for (i = 0; i < sizeof(pad); i += 1024)
		pad[i] = 1;
	(void)pad[0];
}

/* Touch every page of a region (one write each). */
static inline void touch(char *p, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += page_size())
		p[off] = 1;
}

/* ------------------------------------------------------------ processes */

/*
 * A child that runs fn(arg, 0) to prepare itself, says "ready", and then
 * for every byte the parent writes runs fn(arg, step) and says "ready"
 * again; it exits when the parent closes the pipe.  It dies with the
 * parent.  fn returns non-zero to make the child exit with that status.
 */
struct holder {
	pid_t pid;
	int ready;	/* read end: the child writes one byte per step */
	int go;		/* write end: the parent writes one byte per step */
};

typedef int (*holder_fn)(void *arg, int step);

static inline int holder_start(struct holder *h, holder_fn fn, void *arg)
{
	int rp[2], gp[2], step = 0, ret;
	char c = 'r';

	h->pid = 0;
	if (pipe(rp))
		return -1;
	if (pipe(gp)) {
		close(rp[0]);
		close(rp[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	h->pid = fork();
	if (h->pid < 0)
		return -1;
	if (h->pid == 0) {
		close(rp[0]);
		close(gp[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			ret = fn ? fn(arg, step) : 0;
			if (ret)
				_exit(ret);
			if (write(rp[1], &c, 1) != 1)
				_exit(3);
			if (read(gp[0], &c, 1) != 1)
				_exit(0);
			step++;
		}
	}
	close(rp[1]);
	close(gp[0]);
	h->ready = rp[0];
	h->go = gp[1];
	if (read(h->ready, &c, 1) != 1)
		return -1;	/* the child failed to prepare */
	return 0;
}

/* Run the holder's next step and wait for its "ready". */
static inline int holder_step(struct holder *h)
{
	char c = 'g';

	if (write(h->go, &c, 1) != 1)
		return -1;
	return read(h->ready, &c, 1) == 1 ? 0 : -1;
}

/* Release the holder and reap it: its exit status, 128 + signal if killed. */
static inline int holder_stop(struct holder *h)
{
	int status;

	if (h->pid <= 0)
		return -1;
	close(h->go);
	close(h->ready);
	if (waitpid(h->pid, &status, 0) != h->pid)
		return -1;
	h->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Drop to nobody:nogroup (this also clears every capability). */
static inline int become_nobody(void)
{
	if (setgroups(0, NULL) && errno != EPERM)
		return -1;
	if (setgid(NOBODY) || setuid(NOBODY))
		return -1;
	return 0;
}

/* State letter of /proc/PID/stat ('?' if unreadable). */
static inline char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

#endif /* VMACCT_MM_UTIL_H */
