// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftest: ioctl fuzzer.
 *
 *   vmacct_fuzz [-n CALLS] [-s SEED] [-t THREADS]
 *
 * Random and structured calls to every command of /dev/vmacct: the six
 * real command numbers, the same with other _IOC_SIZE bits (dispatch
 * ignores them), random numbers of type 0xbc and fully random numbers;
 * buffers of 0..PAGE_SIZE+1 bytes, random or a valid structure with one
 * field mutated (size, flags, reserved, pid, pages, mode); pointers NULL,
 * unmapped, read-only, kernel addresses, misaligned or straddling the end
 * of a mapping.  Every call must succeed or fail with an errno that
 * Documentation/userspace-api/vmacct.rst lists for that command; anything
 * else fails the test with the seed, thread, call index and arguments.
 *
 * CALLS (default $VMACCT_FUZZ_CALLS, else 20000) are split: half in the
 * main thread, half over THREADS threads (default 4) on a shared fd and
 * on fds of their own, while processes exit (and sit as zombies) under
 * queries of MM, EVAL and FORK from other threads.  The seed is printed
 * first ("# seed N"); a thread's sequence of calls depends only on the
 * seed and its index.
 *
 * VMACCT_IOC_TRACE calls go to one separate fd, so only that fd becomes
 * a trace reader; a few non-blocking read()s are made on it.  Plain TAP
 * through kselftest.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmacct.h>

#include "kselftest.h"
#include "vmacct_util.h"

enum { C_VERSION, C_COMMIT, C_MM, C_EVAL, C_FORK, C_TRACE, C_STATS, C_LOG,
       C_PEAKS, C_OVERWRITES, C_BREAKDOWN, C_CONSUME, C_UNKNOWN, NCMD };

static const char *const cmd_name[NCMD] = {
	"VERSION", "COMMIT", "MM", "EVAL", "FORK", "TRACE", "STATS", "LOG",
	"PEAKS", "OVERWRITES", "BREAKDOWN", "CONSUME", "unknown",
};

static const unsigned long cmd_nr[C_UNKNOWN] = {
	VMACCT_IOC_VERSION, VMACCT_IOC_COMMIT, VMACCT_IOC_MM,
	VMACCT_IOC_EVAL, VMACCT_IOC_FORK, VMACCT_IOC_TRACE, VMACCT_IOC_STATS,
	VMACCT_IOC_LOG, VMACCT_IOC_PEAKS, VMACCT_IOC_OVERWRITES,
	VMACCT_IOC_BREAKDOWN, VMACCT_IOC_CONSUME,
};

static const size_t cmd_size[C_UNKNOWN] = {
	sizeof(struct vmacct_version), sizeof(struct vmacct_commit),
	sizeof(struct vmacct_mm), sizeof(struct vmacct_eval),
	sizeof(struct vmacct_fork), sizeof(struct vmacct_trace),
	sizeof(struct vmacct_stats), sizeof(struct vmacct_log),
	sizeof(struct vmacct_peaks), sizeof(struct vmacct_overwrites),
	sizeof(struct vmacct_breakdown), sizeof(struct vmacct_consume),
};

static const size_t cmd_ver0[C_UNKNOWN] = {
	VMACCT_VERSION_SIZE_VER0, VMACCT_COMMIT_SIZE_VER0, VMACCT_MM_SIZE_VER0,
	VMACCT_EVAL_SIZE_VER0, VMACCT_FORK_SIZE_VER0, VMACCT_TRACE_SIZE_VER0,
	VMACCT_STATS_SIZE_VER0, VMACCT_LOG_SIZE_VER0, VMACCT_PEAKS_SIZE_VER0,
	VMACCT_OVERWRITES_SIZE_VER0, VMACCT_BREAKDOWN_SIZE_VER0,
	VMACCT_CONSUME_SIZE_VER0,
};

#define BIT(e)		(1ULL << (e))
#define COMMON		(BIT(EFAULT) | BIT(EINVAL) | BIT(E2BIG))
#define PROCESS		(BIT(ESRCH) | BIT(ENXIO) | BIT(ENODATA) | BIT(EACCES) | \
			 BIT(EINTR))

/* The documented errnos of each command (all are below 64). */
static const unsigned long long allowed[NCMD] = {
	[C_VERSION]	= COMMON,
	[C_COMMIT]	= COMMON,
	[C_MM]		= COMMON | PROCESS,
	[C_EVAL]	= COMMON | PROCESS,
	[C_FORK]	= COMMON | PROCESS,
	[C_TRACE]	= COMMON | BIT(EPERM) | BIT(ENOMEM),
	[C_STATS]	= COMMON,
	[C_LOG]		= COMMON | BIT(EPERM) | BIT(ENOMEM),
	[C_PEAKS]	= COMMON | BIT(EPERM) | BIT(ENOMEM),
	[C_OVERWRITES]	= COMMON | BIT(EPERM) | BIT(ENOMEM),
	[C_BREAKDOWN]	= COMMON | BIT(EPERM) | BIT(ENOMEM) | BIT(EINTR),
	[C_CONSUME]	= COMMON | BIT(EINTR),
	[C_UNKNOWN]	= BIT(ENOTTY),
};

static long ps;			/* page size */
static unsigned long long seed;
static int shared_fd, trace_fd;
static pid_t dead_pid;
static atomic_long total_calls;	/* fuzz calls and reads */
static atomic_long race_calls;	/* queries of exiting children */
static atomic_long total_fail;
static atomic_long nr_ok, nr_err[NCMD];
static atomic_int zombie_pid;	/* the racing child, 0 between children */
static atomic_int race_stop;
static atomic_long race_fail;	/* wrong answers to the query threads */
/*
 * Where VMACCT_IOC_LOG may write records: LOG_SINK_PAGES pages nobody
 * reads, then a PROT_NONE guard page.  No other address of ours is given
 * to it, so it can overwrite nothing the fuzzer uses.
 */
#define LOG_SINK_PAGES	16
static unsigned char *log_sink;

/* ------------------------------------------------------------ PRNG */

struct rng { unsigned long long s; };

static unsigned long long rnd(struct rng *r)
{
	/* splitmix64 */
	unsigned long long z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned long rn(struct rng *r, unsigned long n)
{
	return n ? rnd(r) % n : 0;
}

/* ------------------------------------------------------------ failures */

static void report(const char *what, int tid, long idx, unsigned long cmd,
		   const char *ptrkind, void *ptr, size_t len, __u32 size,
		   long ret, int err)
{
	long f = atomic_fetch_add(&total_fail, 1);

	if (f >= 30)
		return;
	ksft_print_msg("FAIL %s: seed %llu thread %d call %ld: cmd 0x%08lx ptr %s %p len %zu size/pid %u -> %ld errno %d (%s)\n",
		       what, seed, tid, idx, cmd, ptrkind, ptr, len, size, ret,
		       err, strerrorname_np(err) ?: "?");
}

/* ------------------------------------------------------------ commands */

static int classify(unsigned long cmd)
{
	cmd &= 0xffffffffUL;	/* the kernel sees an unsigned int */
	if (_IOC_TYPE(cmd) == VMACCT_IOC_MAGIC && _IOC_NR(cmd) < C_UNKNOWN &&
	    _IOC_DIR(cmd) == (_IOC_READ | _IOC_WRITE))
		return _IOC_NR(cmd);
	return C_UNKNOWN;
}

/* types the VFS answers itself before the driver (FIOCLEX, FIFREEZE, ...) */
static int vfs_type(unsigned int t)
{
	return t == 0x00 || t == 'T' || t == 'X' || t == 'f' || t == 0x94 ||
	       t == 0x15;
}

static unsigned long pick_cmd(struct rng *r)
{
	unsigned long c, k = rn(r, 100);

	if (k < 55)
		return cmd_nr[rn(r, C_UNKNOWN)];
	if (k < 75) {	/* size bits changed */
		c = cmd_nr[rn(r, C_UNKNOWN)];
		return (c & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
		       (rn(r, _IOC_SIZEMASK + 1) << _IOC_SIZESHIFT);
	}
	if (k < 88)	/* magic 0xbc, any number, direction, size */
		return _IOC(rn(r, 4), VMACCT_IOC_MAGIC, rn(r, 256) < 128 ?
			    rn(r, 8) : rn(r, 256), rn(r, _IOC_SIZEMASK + 1));
	do {
		c = (unsigned int)rnd(r);
	} while (vfs_type(_IOC_TYPE(c)));
	return c;
}

static __s32 pick_pid(struct rng *r)
{
	switch (rn(r, 10)) {
	case 0: return 0;
	case 1: return getpid();
	case 2: return dead_pid;
	case 3: return 1;
	case 4: return 2;		/* kthreadd */
	case 5: return INT_MAX;
	case 6: return -1;
	case 7: return (__s32)rnd(r);
	case 8: return atomic_load(&zombie_pid);
	default: return rn(r, 400);	/* low pids: kernel threads, init */
	}
}

static __s64 pick_pages(struct rng *r)
{
	switch (rn(r, 8)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return LLONG_MAX;
	case 3: return -1;
	case 4: return LLONG_MIN;
	case 5: return rn(r, 1UL << 20);
	default: return (__s64)rnd(r);
	}
}

static __u32 pick_flags(struct rng *r)
{
	switch (rn(r, 6)) {
	case 0: return 0;
	case 1: return 1U << rn(r, 32);
	case 2: return rn(r, 16);
	case 3: return 0xffffffffU;
	default: return (__u32)rnd(r);
	}
}

static __u32 pick_size(struct rng *r, int c)
{
	size_t s = c < C_UNKNOWN ? cmd_size[c] : 64,
	       v = c < C_UNKNOWN ? cmd_ver0[c] : 64;

	switch (rn(r, 12)) {
	case 0: return 0;
	case 1: return v - 1;
	case 2: return v;
	case 3: return s + 8 * (1 + rn(r, 4));
	case 4: return ps;
	case 5: return ps + 1;
	case 6: return rn(r, ps + 2);
	case 7: return (__u32)rnd(r);
	default: return s;
	}
}

/*
 * Fill buf[0..len) for command c: random bytes, zeros, or a valid
 * structure (flags, reserved zero; pid 0) with at most one field mutated.
 * Returns the size field written (0 if none).
 */
static __u32 fill(struct rng *r, unsigned char *buf, size_t len, int c)
{
	union {
		struct vmacct_version v;
		struct vmacct_commit cm;
		struct vmacct_mm m;
		struct vmacct_eval e;
		struct vmacct_fork f;
		struct vmacct_trace t;
		struct vmacct_stats s;
		struct vmacct_log l;
		struct vmacct_peaks pk;
		struct vmacct_overwrites ow;
		struct vmacct_breakdown bd;
		struct vmacct_consume cs;
		unsigned char b[512];
	} u;
	size_t i, n;
	int k = rn(r, 10), mut;

	if (k == 0) {
		for (i = 0; i < len; i++)
			buf[i] = rnd(r);
		return len >= 4 ? *(__u32 *)buf : 0;
	}
	if (k == 1) {
		memset(buf, 0, len);
		return 0;
	}
	if (c == C_UNKNOWN)
		c = rn(r, C_UNKNOWN);
	memset(&u, 0, sizeof(u));
	u.v.size = cmd_size[c];
	/* output fields are ignored on input: poison them sometimes */
	if (rn(r, 4) == 0)
		for (i = 8; i < cmd_size[c]; i++)
			u.b[i] = rnd(r);
	switch (c) {
	case C_VERSION: u.v.reserved = 0; break;
	case C_COMMIT: u.cm.flags = 0; break;
	case C_MM: u.m.flags = rn(r, 2); u.m.pid = 0; break;
	case C_EVAL:
		u.e.flags = rn(r, 16); u.e.pid = 0; u.e.mode = rn(r, 3);
		u.e.pages = rn(r, 1000);
		break;
	case C_FORK: u.f.flags = 0; u.f.pid = 0; break;
	case C_TRACE:
		u.t.flags = rn(r, 8); u.t.pid = 0; u.t.tgid = 0;
		u.t.reserved = 0;
		break;
	case C_STATS: u.s.flags = 0; u.s.reserved = 0; break;
	case C_LOG:
		u.l.flags = 0; u.l.since = rn(r, 4) ? rn(r, 64) : rnd(r);
		u.l.record_size = rn(r, 4) ? sizeof(struct vmacct_record) :
				  pick_size(r, C_UNKNOWN) * 4;
		u.l.nr = rn(r, 4) ? rn(r, 8) : (__u32)rnd(r);
		switch (rn(r, 5)) {
		case 0: u.l.records = 0; break;
		case 1: u.l.records = 0xffff800000000000ULL; break;
		case 2:	/* ends in the guard page */
			u.l.records = (__u64)(uintptr_t)log_sink +
				      LOG_SINK_PAGES * ps - rn(r, 600);
			break;
		default: u.l.records = (__u64)(uintptr_t)log_sink; break;
		}
		break;
	case C_PEAKS:
		u.pk.flags = 0;
		u.pk.record_size = rn(r, 4) ? sizeof(struct vmacct_peak) :
				   pick_size(r, C_UNKNOWN);
		u.pk.nr = rn(r, 4) ? rn(r, 20) : (__u32)rnd(r);
		switch (rn(r, 4)) {
		case 0: u.pk.records = 0; break;
		case 1:	/* ends in the guard page */
			u.pk.records = (__u64)(uintptr_t)log_sink +
				       LOG_SINK_PAGES * ps - rn(r, 200);
			break;
		default: u.pk.records = (__u64)(uintptr_t)log_sink; break;
		}
		break;
	case C_OVERWRITES:
		u.ow.flags = 0;
		u.ow.record_size = rn(r, 4) ?
				   sizeof(struct vmacct_overwrite) :
				   pick_size(r, C_UNKNOWN);
		u.ow.nr = rn(r, 4) ? rn(r, 40) : (__u32)rnd(r);
		switch (rn(r, 4)) {
		case 0: u.ow.records = 0; break;
		case 1:	/* ends in the guard page */
			u.ow.records = (__u64)(uintptr_t)log_sink +
				       LOG_SINK_PAGES * ps - rn(r, 400);
			break;
		default: u.ow.records = (__u64)(uintptr_t)log_sink; break;
		}
		break;
	case C_BREAKDOWN:
		u.bd.flags = 0;
		break;
	case C_CONSUME:
		/* mostly near the reader's head, sometimes anywhere */
		u.cs.flags = 0;
		u.cs.head = rn(r, 4) ? rn(r, 4096) : rnd(r);
		break;
	}
	mut = rn(r, 8);
	switch (mut) {
	case 0: u.v.size = pick_size(r, c); break;
	case 1: ((__u32 *)u.b)[1] = pick_flags(r); break;	/* flags, or abi_version */
	case 2:
		if (c == C_VERSION) u.v.reserved = rnd(r) | 1;
		else if (c == C_TRACE) u.t.reserved = rnd(r) | 1;
		else if (c == C_STATS) u.s.reserved = rnd(r) | 1;
		else if (c == C_FORK) u.f.reserved = rnd(r);	/* output */
		break;
	case 3: case 4:
		if (c == C_MM) u.m.pid = pick_pid(r);
		else if (c == C_EVAL) u.e.pid = pick_pid(r);
		else if (c == C_FORK) u.f.pid = pick_pid(r);
		else if (c == C_TRACE) {
			u.t.pid = pick_pid(r);
			u.t.tgid = pick_pid(r);
		}
		break;
	case 5:
		if (c == C_EVAL) u.e.pages = pick_pages(r);
		break;
	case 6:
		if (c == C_EVAL) u.e.mode = rn(r, 6);
		break;
	default: break;	/* valid */
	}
	/* the bytes after the structure: zero, or sometimes not */
	n = len < sizeof(u) ? len : sizeof(u);
	memcpy(buf, u.b, n);
	for (i = n; i < len; i++)
		buf[i] = 0;
	if (rn(r, 8) == 0 && len > cmd_size[c])
		buf[cmd_size[c] + rn(r, len - cmd_size[c])] = rnd(r) | 1;
	return u.v.size;
}

/* ------------------------------------------------------------ arenas */

struct arena {
	unsigned char *rw;	/* 2 pages RW, then a PROT_NONE guard page */
	unsigned char *ro;	/* 1 page read-only, a valid-looking structure */
	void *unmapped;
};

static int arena_init(struct arena *a, struct rng *r)
{
	a->rw = mmap(NULL, 3 * ps, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a->ro = mmap(NULL, ps, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a->unmapped = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a->rw == MAP_FAILED || a->ro == MAP_FAILED || a->unmapped == MAP_FAILED)
		return -1;
	if (mprotect(a->rw + 2 * ps, ps, PROT_NONE) || munmap(a->unmapped, ps))
		return -1;
	fill(r, a->ro, ps, rn(r, C_UNKNOWN));
	return mprotect(a->ro, ps, PROT_READ);
}

static void arena_refresh_ro(struct arena *a, struct rng *r)
{
	if (mprotect(a->ro, ps, PROT_READ | PROT_WRITE) == 0) {
		fill(r, a->ro, ps, rn(r, C_UNKNOWN));
		mprotect(a->ro, ps, PROT_READ);
	}
}

static void arena_free(struct arena *a)
{
	munmap(a->rw, 3 * ps);
	munmap(a->ro, ps);
}

/* ------------------------------------------------------------ the fuzz */

static void one_read(struct rng *r, struct arena *a, int tid, long idx)
{
	size_t len = rn(r, 4) ? rn(r, 2) * 128 * (1 + rn(r, 8)) : rn(r, ps + 2);
	void *p = rn(r, 8) ? (void *)a->rw : rn(r, 2) ? NULL : a->ro;
	ssize_t n;

	if (len > 2 * ps)
		len = 2 * ps;
	n = read(trace_fd, p, len);
	atomic_fetch_add(&total_calls, 1);
	if (n >= 0 ? n % sizeof(struct vmacct_event) != 0 :
	    !(errno == EINVAL || errno == EAGAIN || errno == EFAULT ||
	      errno == ENODEV))
		report("read", tid, idx, 0, p == a->rw ? "rw" : "bad", p, len,
		       0, n, n < 0 ? errno : 0);
}

/*
 * mmap() of the trace fd's ring with a random length, offset, protection
 * and sharing: refused with a documented errno, or a mapping whose
 * header is the module's, which cannot be written.
 */
static void one_map(struct rng *r, int tid, long idx)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_READ | PROT_EXEC, PROT_NONE };
	size_t len = (1 + rn(r, 2200)) * ps;	/* 4096 records: 137 pages */
	off_t off = rn(r, 4) ? 0 : (off_t)rn(r, 4) * ps;
	int prot = prots[rn(r, 4)];
	int flags = rn(r, 4) ? MAP_SHARED : MAP_PRIVATE;
	const struct vmacct_ring_header *h;
	void *m;

	m = mmap(NULL, len, prot, flags, trace_fd, off);
	atomic_fetch_add(&total_calls, 1);
	if (m == MAP_FAILED) {
		if (!(errno == EINVAL || errno == EPERM || errno == EACCES ||
		      errno == ENOMEM))
			report("mmap", tid, idx, 0, "ring", NULL, len, prot, -1, errno);
		return;
	}
	h = m;
	if ((prot & PROT_READ) &&
	    (h->record_size != sizeof(struct vmacct_event) ||
	     h->data_offset != (__u64)ps || len != ps + (h->records *
	     sizeof(struct vmacct_event) + ps - 1) / ps * ps))
		report("mmap header", tid, idx, 0, "ring", m, len, prot, 0, 0);
	if (mprotect(m, len, PROT_READ | PROT_WRITE) == 0)
		report("mprotect writable", tid, idx, 0, "ring", m, len, prot, 0, 0);
	munmap(m, len);
}

static void fuzz(int tid, int fd, long calls)
{
	struct rng r = { seed * 1000003ULL + tid };
	struct arena a;
	long i;

	if (arena_init(&a, &r)) {
		report("arena", tid, -1, 0, "-", NULL, 0, 0, -1, errno);
		return;
	}
	for (i = 0; i < calls; i++) {
		unsigned long cmd = pick_cmd(&r);
		int c = classify(cmd), k, err, cfd;
		size_t len = rn(&r, 2) ? rn(&r, ps + 2) :
			     (c < C_UNKNOWN ? cmd_size[c] : 64) + rn(&r, 17) - 8;
		const char *kind;
		unsigned char *p;
		__u32 size = 0;
		long ret;

		if (len > (size_t)ps + 1)
			len = ps + 1;
		k = rn(&r, 20);
		if (k < 11) {
			kind = "rw";
			p = a.rw + 8 * rn(&r, (2 * ps - len) / 8 + 1);
			size = fill(&r, p, len, c);
		} else if (k == 11) {
			kind = "NULL"; p = NULL;
		} else if (k == 12) {
			kind = "unmapped"; p = a.unmapped;
		} else if (k == 13) {
			kind = "readonly"; p = a.ro; size = *(__u32 *)a.ro;
		} else if (k == 14) {
			kind = "ktext"; p = (void *)0xffffffff81000000UL;
		} else if (k == 15) {
			kind = "kdirect"; p = (void *)0xffff888000000000UL;
		} else if (k == 16) {
			kind = "misaligned";
			p = a.rw + 1 + rn(&r, 7);
			if (len > 2 * ps - 8)
				len = 2 * ps - 8;
			size = fill(&r, p, len, c);
		} else if (k == 17) {
			kind = "small"; p = (void *)(unsigned long)(1 + rn(&r, ps));
		} else {
			/* straddle the end of the RW mapping: the tail is in the guard */
			size_t in = 1 + rn(&r, len ? len : 1);

			kind = "straddle";
			if (in > 2 * (size_t)ps)
				in = 2 * ps;
			p = a.rw + 2 * ps - in;
			size = fill(&r, p, in, c);
		}
		if (rn(&r, 500) == 0)
			arena_refresh_ro(&a, &r);

		/* only the trace fd ever becomes a reader */
		cfd = c == C_TRACE || c == C_CONSUME ? trace_fd : fd;
		ret = ioctl(cfd, cmd, p);
		err = ret < 0 ? errno : 0;
		atomic_fetch_add(&total_calls, 1);
		if (ret == 0 && c != C_UNKNOWN) {
			atomic_fetch_add(&nr_ok, 1);
		} else if (ret == -1 && err < 64 && (allowed[c] & BIT(err))) {
			atomic_fetch_add(&nr_err[c], 1);
		} else {
			report(cmd_name[c], tid, i, cmd, kind, p, len, size, ret, err);
			if (k < 11 && len >= 32)
				ksft_print_msg("  buffer: size %u word1 0x%x word2 %d word3 %u pages %lld\n",
					       size, ((__u32 *)p)[1], ((__s32 *)p)[2],
					       ((__u32 *)p)[3], *(long long *)(p + 16));
		}
		if (rn(&r, 1000) == 0)
			one_read(&r, &a, tid, i);
		if (rn(&r, 1000) == 0)
			one_map(&r, tid, i);
	}
	arena_free(&a);
}

/* ------------------------------------------------------------ threads */

struct thread_arg {
	int tid, fd;
	long calls;
};

static void *fuzz_thread(void *p)
{
	struct thread_arg *t = p;

	fuzz(t->tid, t->fd, t->calls);
	return NULL;
}

/* query pid with MM, EVAL and FORK: the first unexpected errno, or 0 */
static int query(int fd, pid_t pid, int which, int *got)
{
	union {
		struct vmacct_mm m;
		struct vmacct_eval e;
		struct vmacct_fork f;
	} u;
	static const unsigned long cmds[3] = {
		VMACCT_IOC_MM, VMACCT_IOC_EVAL, VMACCT_IOC_FORK,
	};

	memset(&u, 0, sizeof(u));
	switch (which) {
	case 0: u.m.size = sizeof(u.m); u.m.pid = pid; break;
	case 1: u.e.size = sizeof(u.e); u.e.pid = pid; u.e.pages = 1; break;
	default: u.f.size = sizeof(u.f); u.f.pid = pid; break;
	}
	*got = ioctl(fd, cmds[which], &u) ? errno : 0;
	atomic_fetch_add(&race_calls, 1);
	return *got;
}

/* other threads: query whatever child is current, in a loop */
static void *race_query_thread(void *p)
{
	struct thread_arg *t = p;
	long i = 0;
	int got;

	while (!atomic_load(&race_stop)) {
		pid_t pid = atomic_load(&zombie_pid);

		if (!pid) {
			sched_yield();
			continue;
		}
		query(t->fd, pid, i % 3, &got);
		if (got && got != ESRCH && got != ENODATA) {
			report("race query", t->tid, i, 0, "pid", NULL, 0, pid, -1, got);
			atomic_fetch_add(&race_fail, 1);
		}
		i++;
	}
	return NULL;
}

static void child_work(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		void *m = mmap(NULL, 16 * ps, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED) {
			mprotect(m, ps, PROT_READ);
			munmap(m, 16 * ps);
		}
	}
	_exit(0);
}

/*
 * Children that exit while being queried: before the exit any answer is
 * fine, a zombie must give ENODATA, a reaped one ESRCH.  Returns the
 * number of wrong answers seen here (the query threads report theirs).
 */
static long race_children(int fd, int nchildren, struct rng *r)
{
	long bad = 0;
	int i, w, got;

	for (i = 0; i < nchildren; i++) {
		siginfo_t si;
		pid_t pid = fork();

		if (pid < 0)
			return bad + 1;
		if (pid == 0)
			child_work(rn(r, 200));
		atomic_store(&zombie_pid, pid);
		for (;;) {
			memset(&si, 0, sizeof(si));
			if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT))
				return bad + 1;
			if (si.si_pid == pid)
				break;
			query(fd, pid, rn(r, 3), &got);
			if (got && got != ESRCH && got != ENODATA) {
				report("live child", -1, i, 0, "pid", NULL, 0, pid, -1, got);
				bad++;
			}
		}
		/* a zombie now, until reaped: a few rounds, also for the others */
		for (w = 0; w < 30; w++) {
			if (query(fd, pid, w % 3, &got) != ENODATA) {
				report("zombie (ENODATA expected)", -1, i, 0, "pid",
				       NULL, 0, pid, -1, got);
				bad++;
			}
		}
		atomic_store(&zombie_pid, 0);
		waitpid(pid, NULL, 0);
		for (w = 0; w < 3; w++) {
			if (query(fd, pid, w, &got) != ESRCH) {
				report("reaped (ESRCH expected)", -1, i, 0, "pid",
				       NULL, 0, pid, -1, got);
				bad++;
			}
		}
	}
	return bad;
}

/* ------------------------------------------------------------ main */

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-n CALLS] [-s SEED] [-t THREADS]\n", argv0);
	exit(KSFT_FAIL);
}

int main(int argc, char *argv[])
{
	long calls = 20000, before, fail0;
	struct thread_arg *ta, qa[2];
	pthread_t *th, qt[2];
	int opt, nthreads = 4, i, have_seed = 0;
	struct timespec t0, t1;
	char errs[512];
	size_t n;
	struct rng r;
	char *env;
	pid_t pid;

	env = getenv("VMACCT_FUZZ_CALLS");
	if (env && *env)
		calls = strtol(env, NULL, 0);
	while ((opt = getopt(argc, argv, "n:s:t:")) != -1) {
		switch (opt) {
		case 'n': calls = strtol(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); have_seed = 1; break;
		case 't': nthreads = atoi(optarg); break;
		default: usage(argv[0]);
		}
	}
	if (calls < 1 || nthreads < 1 || nthreads > 256)
		usage(argv[0]);
	if (!have_seed) {
		clock_gettime(CLOCK_REALTIME, &t0);
		seed = (unsigned long long)t0.tv_sec * 1000000000ULL + t0.tv_nsec;
	}
	printf("# seed %llu\n", seed);
	printf("# calls %ld threads %d (reproduce: %s -n %ld -s %llu -t %d)\n",
	       calls, nthreads, argv[0], calls, seed, nthreads);
	ksft_print_header();
	ps = page_size();
	log_sink = mmap(NULL, (LOG_SINK_PAGES + 1) * ps, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (log_sink == MAP_FAILED ||
	    mprotect(log_sink + LOG_SINK_PAGES * ps, ps, PROT_NONE))
		ksft_exit_fail_msg("log sink: %s\n", strerror(errno));

	shared_fd = open(DEVNODE, O_RDONLY | O_CLOEXEC);
	if (shared_fd < 0)
		ksft_exit_skip(DEVNODE ": %s (module not loaded?)\n", strerror(errno));
	trace_fd = open(DEVNODE, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (trace_fd < 0)
		ksft_exit_fail_msg(DEVNODE ": %s\n", strerror(errno));
	ksft_set_plan(3);

	/* a pid that is certainly dead */
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	dead_pid = pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);

	/* 1: the main thread alone */
	fuzz(0, shared_fd, calls / 2);
	ksft_test_result(atomic_load(&total_fail) == 0,
			 "%ld calls in one thread: only documented errnos (%.1f s)\n",
			 atomic_load(&total_calls), since(&t0));

	/* 2 and 3: threads on shared and own fds, children exiting under queries */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fail0 = atomic_load(&total_fail);
	before = atomic_load(&total_calls);
	ta = calloc(nthreads, sizeof(*ta));
	th = calloc(nthreads, sizeof(*th));
	for (i = 0; i < 2; i++) {
		qa[i].tid = 1000 + i;
		qa[i].fd = i ? open(DEVNODE, O_RDONLY | O_CLOEXEC) : shared_fd;
		if (qa[i].fd < 0 || pthread_create(&qt[i], NULL, race_query_thread, &qa[i]))
			ksft_exit_fail_msg("query thread: %s\n", strerror(errno));
	}
	for (i = 0; i < nthreads; i++) {
		ta[i].tid = i + 1;
		ta[i].calls = (calls - calls / 2 + nthreads - 1) / nthreads;
		ta[i].fd = i % 2 ? open(DEVNODE, O_RDONLY | O_CLOEXEC) : shared_fd;
		if (ta[i].fd < 0 || pthread_create(&th[i], NULL, fuzz_thread, &ta[i]))
			ksft_exit_fail_msg("fuzz thread: %s\n", strerror(errno));
	}
	r.s = seed ^ 0x5a5a5a5aULL;
	{
		int nchildren = calls / 1000 < 20 ? 20 : calls / 1000 > 1000 ? 1000 : calls / 1000;
		long bad = race_children(shared_fd, nchildren, &r);

		/* the query threads race with the children only */
		atomic_store(&race_stop, 1);
		for (i = 0; i < 2; i++)
			pthread_join(qt[i], NULL);
		ksft_test_result(bad == 0 && atomic_load(&race_fail) == 0,
				 "%d children exiting under %ld queries from 3 threads: live any answer, zombie ENODATA, reaped ESRCH (%.1f s)\n",
				 nchildren, atomic_load(&race_calls), since(&t1));
		for (i = 0; i < nthreads; i++)
			pthread_join(th[i], NULL);
		/* report() counts every failure in total_fail, the racing ones too */
		ksft_test_result(atomic_load(&total_fail) - fail0 - atomic_load(&race_fail) - bad <= 0,
				 "%ld calls in %d threads on shared and own fds: only documented errnos (%.1f s)\n",
				 atomic_load(&total_calls) - before, nthreads, since(&t1));
	}
	for (i = 0; i < nthreads; i++)
		if (ta[i].fd != shared_fd)
			close(ta[i].fd);
	close(qa[1].fd);
	close(trace_fd);
	close(shared_fd);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0, n = 0; i < NCMD && n < sizeof(errs); i++)
		n += snprintf(errs + n, sizeof(errs) - n, " %s %ld", cmd_name[i],
			      atomic_load(&nr_err[i]));
	ksft_print_msg("total %ld fuzz calls (+ %ld race queries) in %.1f s (seed %llu): %ld succeeded; errors:%s; %ld unexpected\n",
		       atomic_load(&total_calls), atomic_load(&race_calls),
		       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		       seed, atomic_load(&nr_ok), errs, atomic_load(&total_fail));
	ksft_finished();
}
