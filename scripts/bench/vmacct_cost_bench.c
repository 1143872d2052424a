// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct_cost_bench: what the module costs the workloads it watches
 * (issue 15).
 *
 *   vmacct_cost_bench measure LABEL [--reader] [-b BATCHES] [-w LIST]
 *			[-n WORKLOAD=OPS]... [-t TRUE]
 *	Time the workloads of LIST (comma-separated; default all, in this
 *	order) in BATCHES batches of OPS operations each, the workloads
 *	interleaved batch by batch so that a drift of the host touches all
 *	alike, each in a single-threaded child of this process (split in
 *	its own, the others in one):
 *
 *	mmap	  mmap() + munmap() of one private writable page (one
 *		  __vm_enough_memory() decision, two probed system calls)
 *	brk	  brk() one page up and back down (one decision, two probed
 *		  system calls)
 *	forkexec  fork(), execve() of TRUE (default: vmacct_true next to
 *		  this program, a static program that exits 0), waitpid()
 *	split	  in a child holding map_count at 90% of vm.max_map_count
 *		  (separate one-page VMAs; the caller sets the sysctl, e.g.
 *		  to 20000), mprotect() of one page in the middle of a
 *		  64-page written VMA to PROT_READ and back: a split into
 *		  three and a merge (two probed system calls, no decision)
 *	getpid	  getpid(): the control, nothing probes it
 *
 *	and print, per workload, "RESULT LABEL WORKLOAD ns=MEDIAN min=MIN
 *	max=MAX cpu=CPU batches=B ops=N" (ns per operation, elapsed; CPU:
 *	the median of the CPU time the child and the processes it reaped
 *	ran per operation, which leaves out a reader thread sharing the
 *	CPU; split adds map_count= and max_map_count=).  With --reader, a thread of this process
 *	attaches a trace reader with no filter (VMACCT_IOC_TRACE) once the
 *	children exist, before the warm-up, and drains it for the whole
 *	run as `vmacct trace` does (poll(), then read()s of
 *	VMACCT_READ_MAX_RECORDS records until none is left); then "DRAIN
 *	LABEL events=E dropped=D".  --reader-map drains the same way from
 *	the ring mapped read-only, handing records back with
 *	VMACCT_IOC_CONSUME, without read().  (The children keep the
 *	measured mm single-threaded: see struct worker.)  What else is set
 *	up (module loaded or not, a tracefs kprobe event) is the caller's
 *	business: the label names it.
 *
 *   vmacct_cost_bench attach [-r REPEAT]
 *	With the module loaded, its probes already armed by the recorder
 *	(recorder/enabled 1) and no trace reader: time from open() of
 *	/dev/vmacct (then VMACCT_IOC_TRACE for this thread) until
 *	trace/enabled reads 1, and until the record of one mmap() is
 *	readable; REPEAT times (default 20), one "ATTACH" line each, then
 *	"RESULT attach latency ioctl_us=MED/MAX enabled_us=MED/MAX
 *	first_us=MED/MAX target_ms=20 met|missed" (the target is on the
 *	largest first_us, which includes enabled_us).
 *
 * Not a test: run on demand in a guest by scripts/bench-cost.sh, which
 * alternates the configurations round by round.
 * Exit: 0 done (attach: target met), 3 attach target missed, 1 error,
 * 4 skipped (not root; no /dev/vmacct for --reader or attach; attach
 * without the recorder).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "vmacct_trace_util.h"

#define MAX_BATCHES	64
#define MAX_REPEAT	200
#define SPLIT_PAGES	64	/* the VMA split in the middle */
#define TARGET_ATTACH_MS 20.0

enum { W_MMAP, W_BRK, W_FORKEXEC, W_SPLIT, W_GETPID, NR_WORKLOADS };

static const char *const wname[NR_WORKLOADS] = {
	"mmap", "brk", "forkexec", "split", "getpid",
};

/* operations per batch: 0.05 to 0.2 s each under QEMU TCG */
static long wops[NR_WORKLOADS] = { 3000, 3000, 16, 1500, 60000 };

static char true_path[PATH_MAX];

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/*
 * CPU time of this process and of its children reaped so far: what the
 * workload itself ran, whoever else shares the CPU (a trace reader on
 * the guest's one vCPU).  The kernel's sum of a task's run time, exact
 * to the scheduler clock; the children's to the microsecond.
 */
static unsigned long long cpu_ns(void)
{
	struct timespec ts;
	struct rusage ru;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	if (getrusage(RUSAGE_CHILDREN, &ru))
		die("getrusage");
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec +
	       (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------- workloads */

static double mmap_batch(long n)
{
	long psz = page_size(), i;
	unsigned long long t0;
	void *p;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		if (munmap(p, psz))
			die("munmap");
	}
	return (double)(now_ns() - t0) / n;
}

/* the raw system call: glibc's sbrk() caches the break */
static double brk_batch(long n)
{
	unsigned long cur, up, psz = page_size();
	unsigned long long t0;
	long i;

	cur = syscall(SYS_brk, 0UL);
	up = cur + psz;
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if ((unsigned long)syscall(SYS_brk, up) != up) {
			fprintf(stderr, "brk: cannot grow the break\n");
			exit(1);
		}
		if ((unsigned long)syscall(SYS_brk, cur) != cur) {
			fprintf(stderr, "brk: cannot shrink the break\n");
			exit(1);
		}
	}
	return (double)(now_ns() - t0) / n;
}

static double forkexec_batch(long n)
{
	static char *const child_argv[] = { "vmacct_true", NULL };
	static char *const child_envp[] = { NULL };
	unsigned long long t0;
	int status;
	pid_t pid;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execve(true_path, child_argv, child_envp);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid)
			die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "forkexec: %s: status 0x%x\n",
				true_path, status);
			exit(1);
		}
	}
	return (double)(now_ns() - t0) / n;
}

static double getpid_batch(long n)
{
	unsigned long long t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++)
		syscall(SYS_getpid);
	return (double)(now_ns() - t0) / n;
}

/* --------------------------------------------- the split workload */

/*
 * VMAs of this process: lines of /proc/self/maps less the gate VMA,
 * counted as they stream (20000 lines do not fit vt_map_count()'s
 * buffer); -1 on error.
 */
static int count_vmas(void)
{
	static char buf[65536];
	size_t have = 0;
	char *p, *nl;
	ssize_t r;
	int fd, n = 0;

	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		r = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += r;
		buf[have] = '\0';
		p = buf;
		while ((nl = memchr(p, '\n', buf + have - p))) {
			*nl = '\0';
			if (!strstr(p, "[vsyscall]"))
				n++;
			p = nl + 1;
		}
		have = buf + have - p;
		memmove(buf, p, have);
	}
	close(fd);
	return r < 0 ? -1 : n;
}

static double split_batch(char *mid, long n)
{
	long psz = page_size(), i;
	unsigned long long t0;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (mprotect(mid, psz, PROT_READ))
			die("mprotect split");
		if (mprotect(mid, psz, PROT_READ | PROT_WRITE))
			die("mprotect merge");
	}
	return (double)(now_ns() - t0) / n;
}

/*
 * For split: a 64-page writable VMA between PROT_NONE guards (so that it
 * merges with nothing), then one-page VMAs (PROT_READ and PROT_NONE
 * alternately, neither charged) up to 90% of vm.max_map_count.  Returns
 * the page in the middle of the 64.  The 64 pages are written: 6.12
 * uncharges a never-written anonymous VMA made read-only and charges it
 * again (a decision) when it is made writable, 6.1 does not; once
 * written, neither makes a decision for the split or the merge.
 */
static char *split_setup(long long max)
{
	long psz = page_size(), target = max * 9 / 10, d, i;
	char *big, *fill;
	int tries, count;

	big = mmap(NULL, (SPLIT_PAGES + 2) * psz, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED)
		die("split: mmap");
	if (mprotect(big + psz, SPLIT_PAGES * psz, PROT_READ | PROT_WRITE))
		die("split: mprotect");
	memset(big + psz, 1, SPLIT_PAGES * psz);
	for (tries = 0; tries < 8; tries++) {
		count = count_vmas();
		if (count < 0)
			die("split: /proc/self/maps");
		d = target - count;
		if (d <= 0)
			break;
		fill = mmap(NULL, d * psz, PROT_READ,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (fill == MAP_FAILED)
			die("split: fill mmap");
		for (i = 1; i < d; i += 2)
			if (mprotect(fill + i * psz, psz, PROT_NONE))
				die("split: fill mprotect");
	}
	return big + (1 + SPLIT_PAGES / 2) * psz;
}

/* ------------------------------------------------------ the workers */

/*
 * Every workload runs in a worker: a child forked before the reader's
 * thread exists, so that the measured process has one thread in every
 * configuration.  (Under QEMU TCG a second thread in the mm, even one
 * asleep, makes brk() twice as slow and mmap() 10% slower with the module
 * not loaded at all: a reader thread in the measured process would be
 * charged for that.)  The split worker holds the VMAs; the other runs
 * the rest, so that fork() does not copy them.
 */
struct worker {
	pid_t pid;
	int cmd;		/* parent -> worker: struct job */
	int res;		/* worker -> parent: ns per op */
	int map_count;		/* the worker's, after its setup */
	long long max_map_count;
};

struct job {
	int workload;		/* -1: exit */
	long ops;
};

/* A batch's result: ns per operation, elapsed and of the worker's CPU. */
struct batch {
	double ns;
	double cpu_ns;
};

static struct batch run_batch(int w, char *mid, long n)
{
	unsigned long long c0 = cpu_ns();
	struct batch b;

	switch (w) {
	case W_MMAP:
		b.ns = mmap_batch(n);
		break;
	case W_BRK:
		b.ns = brk_batch(n);
		break;
	case W_FORKEXEC:
		b.ns = forkexec_batch(n);
		break;
	case W_SPLIT:
		b.ns = split_batch(mid, n);
		break;
	default:
		b.ns = getpid_batch(n);
		break;
	}
	b.cpu_ns = (double)(cpu_ns() - c0) / n;
	return b;
}

static void worker_main(int cmd, int res, int split, long long max)
{
	char *mid = split ? split_setup(max) : NULL;
	int count = count_vmas();
	struct batch t;
	struct job j;

	if (write(res, &count, sizeof(count)) != sizeof(count))
		_exit(1);
	for (;;) {
		if (read(cmd, &j, sizeof(j)) != sizeof(j) || j.workload < 0)
			_exit(0);
		t = run_batch(j.workload, mid, j.ops);
		if (write(res, &t, sizeof(t)) != sizeof(t))
			_exit(1);
	}
}

static int worker_start(struct worker *wk, int split)
{
	int c[2], r[2];

	wk->max_map_count = sysctl_ll("max_map_count");
	if (split && wk->max_map_count <= 0) {
		fprintf(stderr, "split: cannot read vm.max_map_count\n");
		return -1;
	}
	if (pipe2(c, O_CLOEXEC) || pipe2(r, O_CLOEXEC))
		die("pipe");
	fflush(stdout);
	wk->pid = fork();
	if (wk->pid < 0)
		die("fork");
	if (wk->pid == 0) {
		close(c[1]);
		close(r[0]);
		worker_main(c[0], r[1], split, wk->max_map_count);
		_exit(0);
	}
	close(c[0]);
	close(r[1]);
	wk->cmd = c[1];
	wk->res = r[0];
	if (read(wk->res, &wk->map_count, sizeof(wk->map_count)) !=
	    sizeof(wk->map_count)) {
		fprintf(stderr, "the %s worker failed to set up\n",
			split ? "split" : "main");
		return -1;
	}
	return 0;
}

static struct batch worker_batch(struct worker *wk, int w, long n)
{
	struct job j = { .workload = w, .ops = n };
	struct batch t;

	if (write(wk->cmd, &j, sizeof(j)) != sizeof(j) ||
	    read(wk->res, &t, sizeof(t)) != sizeof(t)) {
		fprintf(stderr, "%s: the worker died\n", wname[w]);
		exit(1);
	}
	return t;
}

/* an explicit request: the other worker has our pipe's write end too */
static void worker_stop(struct worker *wk)
{
	struct job j = { .workload = -1 };
	int status;

	if (wk->pid <= 0)
		return;
	if (write(wk->cmd, &j, sizeof(j)) != sizeof(j))
		kill(wk->pid, SIGKILL);
	close(wk->cmd);
	close(wk->res);
	waitpid(wk->pid, &status, 0);
}

/* ------------------------------------------------------ the reader */

struct drainer {
	int fd;
	int stop;
	int map;		/* --reader-map: map the ring, no read() */
	unsigned long long records;
};

/* --reader-map: poll(), then take the records from the mapped ring. */
static void *drain_map_main(struct drainer *d)
{
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	long page = sysconf(_SC_PAGESIZE);
	struct vmacct_consume c = { .size = sizeof(c) };
	const struct vmacct_ring_header *h;
	unsigned long long tail, len;
	const struct vmacct_event *ev;
	volatile unsigned long long sum = 0;
	struct vmacct_trace t;
	void *m;

	if (vt_trace(d->fd, &t, 0, 0, 0))
		return NULL;
	len = page + ((unsigned long long)t.buffer_size * VT_EVSZ + page - 1) / page * page;
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, d->fd, 0);
	if (m == MAP_FAILED) {
		perror("mmap of the ring");
		return NULL;
	}
	h = m;
	ev = (const void *)((const char *)m + h->data_offset);
	for (;;) {
		tail = __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE);
		for (; c.head < tail; c.head++)
			sum += ev[c.head % h->records].pages;	/* touch it */
		if (ioctl(d->fd, VMACCT_IOC_CONSUME, &c))
			break;
		d->records = c.head;
		if (__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE) == c.head)
			break;
		if (poll(&pfd, 1, 50) < 0)
			break;
	}
	munmap(m, len);
	return NULL;
}

static void *drain_main(void *arg)
{
	static struct vmacct_event buf[VMACCT_READ_MAX_RECORDS];
	struct drainer *d = arg;
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	ssize_t r;

	if (d->map)
		return drain_map_main(d);

	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		if (poll(&pfd, 1, 50) < 0)
			break;
		while ((r = read(d->fd, buf, sizeof(buf))) > 0)
			d->records += r / VT_EVSZ;
	}
	while ((r = read(d->fd, buf, sizeof(buf))) > 0)
		d->records += r / VT_EVSZ;
	return NULL;
}

/* -------------------------------------------------------- measure */

static int measure(const char *label, int reader, const int *want,
		   int batches)
{
	static double t[NR_WORKLOADS][MAX_BATCHES], c[NR_WORKLOADS][MAX_BATCHES];
	struct batch b;
	struct drainer d = { .fd = -1 };
	struct worker main_wk = { .pid = -1 }, split_wk = { .pid = -1 }, *wk;
	struct vmacct_trace tr;
	double lo, hi;
	pthread_t th;
	int w, i;

	if (want[W_FORKEXEC] && access(true_path, X_OK)) {
		fprintf(stderr, "forkexec: %s: %s\n", true_path, strerror(errno));
		return 1;
	}
	/* before the reader's thread: each worker has one thread */
	if (worker_start(&main_wk, 0))
		return 1;
	if (want[W_SPLIT] && worker_start(&split_wk, 1))
		return 1;
	if (reader) {
		d.map = reader == 2;
		d.fd = vt_open_reader(0, 0, 0, 1);
		if (d.fd < 0) {
			i = errno;
			fprintf(stderr, "attach: %s\n", strerror(i));
			worker_stop(&main_wk);
			worker_stop(&split_wk);
			return i == ENOENT || i == EPERM ? 4 : 1;
		}
		if (pthread_create(&th, NULL, drain_main, &d)) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}

	/* warm up the paths and the caches */
	for (w = 0; w < NR_WORKLOADS; w++) {
		wk = w == W_SPLIT ? &split_wk : &main_wk;
		if (want[w])
			worker_batch(wk, w, wops[w] / 10 + 1);
	}
	for (i = 0; i < batches; i++) {
		for (w = 0; w < NR_WORKLOADS; w++) {
			wk = w == W_SPLIT ? &split_wk : &main_wk;
			if (!want[w])
				continue;
			b = worker_batch(wk, w, wops[w]);
			t[w][i] = b.ns;
			c[w][i] = b.cpu_ns;
		}
	}

	if (reader) {
		__atomic_store_n(&d.stop, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		if (vt_trace(d.fd, &tr, 0, 0, 0))
			tr.dropped = ~0ULL;
		close(d.fd);
	}
	worker_stop(&main_wk);
	worker_stop(&split_wk);

	for (w = 0; w < NR_WORKLOADS; w++) {
		if (!want[w])
			continue;
		lo = hi = t[w][0];
		for (i = 1; i < batches; i++) {
			if (t[w][i] < lo)
				lo = t[w][i];
			if (t[w][i] > hi)
				hi = t[w][i];
		}
		printf("RESULT %s %s ns=%.1f min=%.1f max=%.1f cpu=%.1f batches=%d ops=%ld",
		       label, wname[w], median(t[w], batches), lo, hi,
		       median(c[w], batches), batches, wops[w]);
		if (w == W_SPLIT)
			printf(" map_count=%d max_map_count=%lld",
			       split_wk.map_count, split_wk.max_map_count);
		printf("\n");
	}
	if (reader)
		printf("DRAIN %s events=%llu dropped=%lld\n", label, d.records,
		       (long long)tr.dropped);
	return 0;
}

/* --------------------------------------------------------- attach */

/* Poll sysfs @name until it reads @v (busy, up to 3 s): 0 or -1. */
static int wait_sysfs(const char *name, long long v)
{
	unsigned long long end = now_ns() + 3000000000ULL;

	while (sysfs_ll(name) != v)
		if (now_ns() > end)
			return -1;
	return 0;
}

static int attach(int repeat)
{
	static double ioc[MAX_REPEAT], en[MAX_REPEAT], first[MAX_REPEAT];
	unsigned long long t0, t1, t2, t3;
	struct pollfd pfd = { .events = POLLIN };
	double imax = 0, emax = 0, fmax = 0;
	struct vmacct_trace tr;
	struct vmacct_event ev;
	long psz = page_size();
	int i, fd, met;
	void *p;

	if (sysfs_ll("recorder/enabled") != 1) {
		fprintf(stderr, "attach: needs the module loaded with the recorder on\n");
		return 4;
	}
	for (i = 0; i < repeat; i++) {
		if (wait_sysfs("trace/enabled", 0)) {
			fprintf(stderr, "attach: trace/enabled stays 1 with no reader\n");
			return 1;
		}
		memset(&tr, 0, sizeof(tr));
		tr.size = sizeof(tr);
		tr.pid = vt_gettid();
		t0 = now_ns();
		fd = open(DEVNODE, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("attach: open " DEVNODE);
		if (ioctl(fd, VMACCT_IOC_TRACE, &tr))
			die("attach: VMACCT_IOC_TRACE");
		t1 = now_ns();
		if (wait_sysfs("trace/enabled", 1)) {
			fprintf(stderr, "attach: trace/enabled not 1 after 3 s\n");
			return 1;
		}
		t2 = now_ns();
		p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("attach: mmap");
		pfd.fd = fd;
		if (poll(&pfd, 1, 5000) != 1 ||
		    read(fd, &ev, sizeof(ev)) != sizeof(ev)) {
			fprintf(stderr, "attach: no record of the mmap() within 5 s\n");
			return 1;
		}
		t3 = now_ns();
		munmap(p, psz);
		close(fd);
		if (ev.type != VMACCT_EV_DECISION || ev.pid != (__u32)vt_gettid()) {
			fprintf(stderr, "attach: first record type %u pid %u, not this mmap()\n",
				ev.type, ev.pid);
			return 1;
		}
		ioc[i] = (t1 - t0) / 1e3;
		en[i] = (t2 - t0) / 1e3;
		first[i] = (t3 - t0) / 1e3;
		printf("ATTACH ioctl_us=%.0f enabled_us=%.0f first_us=%.0f\n",
		       ioc[i], en[i], first[i]);
		if (ioc[i] > imax)
			imax = ioc[i];
		if (en[i] > emax)
			emax = en[i];
		if (first[i] > fmax)
			fmax = first[i];
	}
	met = fmax / 1e3 < TARGET_ATTACH_MS;
	printf("RESULT attach latency ioctl_us=%.0f/%.0f enabled_us=%.0f/%.0f first_us=%.0f/%.0f target_ms=%.0f %s\n",
	       median(ioc, repeat), imax, median(en, repeat), emax,
	       median(first, repeat), fmax, TARGET_ATTACH_MS,
	       met ? "met" : "missed");
	return met ? 0 : 3;
}

/* ----------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr,
		"usage: vmacct_cost_bench measure LABEL [--reader|--reader-map] [-b BATCHES] [-w LIST] [-n WORKLOAD=OPS]... [-t TRUE]\n"
		"       vmacct_cost_bench attach [-r REPEAT]\n"
		"workloads: mmap brk forkexec split getpid\n");
	exit(1);
}

static long number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		usage();
	return v;
}

static int workload(const char *s, size_t len)
{
	int w;

	for (w = 0; w < NR_WORKLOADS; w++)
		if (strlen(wname[w]) == len && !strncmp(s, wname[w], len))
			return w;
	usage();
	return -1;
}

static void parse_list(const char *s, int *want)
{
	const char *comma;

	memset(want, 0, NR_WORKLOADS * sizeof(*want));
	for (;;) {
		comma = strchr(s, ',');
		want[workload(s, comma ? (size_t)(comma - s) : strlen(s))] = 1;
		if (!comma)
			break;
		s = comma + 1;
	}
}

/* vmacct_true next to this program */
static void default_true_path(void)
{
	ssize_t n = readlink("/proc/self/exe", true_path, sizeof(true_path) - 1);
	char *slash;

	if (n < 0)
		n = 0;
	true_path[n] = '\0';
	slash = strrchr(true_path, '/');
	if (slash)
		slash[1] = '\0';
	else
		true_path[0] = '\0';
	strncat(true_path, "vmacct_true", sizeof(true_path) - strlen(true_path) - 1);
}

int main(int argc, char *argv[])
{
	int want[NR_WORKLOADS] = { 1, 1, 1, 1, 1 };
	int batches = 9, reader = 0, repeat = 20, i;
	const char *eq;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (geteuid() != 0) {
		fprintf(stderr, "needs root\n");
		return 4;
	}
	if (strcmp(argv[1], "attach") == 0) {
		for (i = 2; i < argc; i++) {
			if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
				repeat = number(argv[++i], 1, MAX_REPEAT);
			else
				usage();
		}
		if (access(DEVNODE, F_OK))
			return 4;
		return attach(repeat);
	}
	if (strcmp(argv[1], "measure") || argc < 3)
		usage();
	default_true_path();
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--reader") == 0) {
			reader = 1;
		} else if (strcmp(argv[i], "--reader-map") == 0) {
			reader = 2;
		} else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc) {
			batches = number(argv[++i], 1, MAX_BATCHES);
		} else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc) {
			parse_list(argv[++i], want);
		} else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			eq = strchr(argv[++i], '=');
			if (!eq)
				usage();
			wops[workload(argv[i], eq - argv[i])] =
				number(eq + 1, 1, 100000000);
		} else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			if (snprintf(true_path, sizeof(true_path), "%s",
				     argv[++i]) >= (int)sizeof(true_path))
				usage();
		} else {
			usage();
		}
	}
	return measure(argv[2], reader, want, batches);
}
