// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct_trace_bench: what the event stream costs the traced task, and
 * how soon a new reader sees its first record.
 *
 *   vmacct_trace_bench measure LABEL [--reader|--reader-nomatch|--reader-decisions]
 *			[-m MMAPS] [-g GETPIDS] [-b BATCHES]
 *	Time, per call, (a) mmap() + munmap() of one private writable page
 *	(one __vm_enough_memory() call each) and (b) getpid() (no memory
 *	accounting at all), in BATCHES batches; print
 *	"RESULT LABEL mmap_ns=MEDIAN mmap_min=MIN getpid_ns=MEDIAN
 *	getpid_min=MIN events=E dropped=D".  With --reader, a thread of this
 *	process attaches a trace reader with no filter first and drains it
 *	for the whole run (E records read, D dropped).  --reader-nomatch
 *	attaches one whose filter takes nothing (the probes run, no record is
 *	queued, nothing is read): the probes' own cost.  What else is set up
 *	(module loaded or not, a tracefs kprobe event) is the caller's
 *	business: the label names it.
 *
 *   vmacct_trace_bench latency [-r REPEAT]
 *	With the module loaded and no reader attached: time from
 *	VMACCT_IOC_TRACE (which arms the probes) to the first record
 *	readable after one mmap(); the same for a second reader while the
 *	probes are already armed; and the wake-up of a reader blocked in
 *	poll() after an mmap().  Prints one "LATENCY" line per repetition
 *	and "LATENCY_SUMMARY attach_us=MED/MAX first_us=MED/MAX
 *	first_armed_us=MED/MAX wakeup_us=MED/MAX target_first_ms=50
 *	met|missed" (the target is on first_us).
 *
 * Not a test: run on demand in a guest (scripts/bench-trace.sh), which
 * boots each kernel and runs every configuration in one guest.
 * Exit: 0 done (latency: target met), 3 latency target missed, 1 error,
 * 4 skipped (not root, or no /dev/vmacct for --reader/latency).
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "vmacct_trace_util.h"

#define MAX_BATCHES	64
#define TARGET_FIRST_MS	50.0

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
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

static double minimum(const double *v, int n)
{
	double m = v[0];
	int i;

	for (i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

static double maximum(const double *v, int n)
{
	double m = v[0];
	int i;

	for (i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/* ns per mmap() + munmap() of one private writable page */
static double mmap_batch(long n)
{
	long psz = page_size(), i;
	unsigned long long t0;
	void *p;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		munmap(p, psz);
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

struct drainer {
	int fd;
	int stop;
	unsigned long long records;
};

static void *drain_main(void *arg)
{
	static struct vmacct_event buf[32];
	struct drainer *d = arg;
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	ssize_t r;

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

/* reader: 0 none, 1 drained, 2 matching nothing, 3 decisions only, drained */
static int measure(const char *label, int reader, long mmaps, long getpids,
		   int batches)
{
	double m[MAX_BATCHES], g[MAX_BATCHES], mmed, mmin, gmed, gmin;
	struct drainer d = { .fd = -1 };
	struct vmacct_trace t;
	pthread_t th;
	int i;

	if (reader) {
		d.fd = vt_open_reader(reader == 2 ? VMACCT_TRACE_NO_DECISIONS |
					VMACCT_TRACE_NO_MAP_COUNT :
				      reader == 3 ? VMACCT_TRACE_NO_MAP_COUNT : 0,
				      0, 0, 1);
		if (d.fd < 0) {
			fprintf(stderr, "attach: %s\n", strerror(errno));
			return errno == ENOENT || errno == EPERM ? 4 : 1;
		}
		if (reader != 2 && pthread_create(&th, NULL, drain_main, &d)) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}

	/* warm up the paths and the caches */
	mmap_batch(mmaps / 10 + 1);
	getpid_batch(getpids / 10 + 1);
	for (i = 0; i < batches; i++) {
		m[i] = mmap_batch(mmaps);
		g[i] = getpid_batch(getpids);
	}
	mmin = minimum(m, batches);
	gmin = minimum(g, batches);
	mmed = median(m, batches);
	gmed = median(g, batches);

	if (reader) {
		__atomic_store_n(&d.stop, 1, __ATOMIC_RELEASE);
		if (reader != 2)
			pthread_join(th, NULL);
		if (vt_trace(d.fd, &t, reader == 3 ? VMACCT_TRACE_NO_MAP_COUNT : 0,
			     0, 0))
			t.dropped = ~0ULL;
		close(d.fd);
	}
	printf("RESULT %s mmap_ns=%.0f mmap_min=%.0f getpid_ns=%.1f getpid_min=%.1f events=%llu dropped=%lld\n",
	       label, mmed, mmin, gmed, gmin, reader ? d.records : 0ULL,
	       reader ? (long long)t.dropped : 0LL);
	return 0;
}

struct waiter {
	int fd;
	int go[2];		/* main -> waiter: the reader is attached */
	unsigned long long t_woken;
};

/* Created before the reader attaches: its stack mmap() is no record. */
static void *wait_main(void *arg)
{
	struct waiter *w = arg;
	struct pollfd pfd = { .events = POLLIN };
	char c;

	if (read(w->go[0], &c, 1) != 1)
		return NULL;
	pfd.fd = w->fd;
	if (poll(&pfd, 1, 5000) == 1)
		w->t_woken = now_ns();
	return NULL;
}

static void one_mmap(void)
{
	void *p = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		munmap(p, page_size());
}

/* open, attach (pid = this thread), one mmap, read it: microseconds */
static double attach_to_first(double *attach_us)
{
	struct vmacct_event ev;
	struct vmacct_trace t;
	unsigned long long t0, t1, t2;
	int fd;

	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/*
	 * The raw ioctl, not vt_trace(): decisions are recorded as soon as it
	 * returns; only the map-count probes are armed after it.
	 */
	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	t.pid = vt_gettid();
	t0 = now_ns();
	if (ioctl(fd, VMACCT_IOC_TRACE, &t)) {
		close(fd);
		return -1;
	}
	t1 = now_ns();
	one_mmap();
	if (read(fd, &ev, sizeof(ev)) != sizeof(ev)) {
		close(fd);
		return -1;
	}
	t2 = now_ns();
	close(fd);
	if (attach_us)
		*attach_us = (t1 - t0) / 1e3;
	return (t2 - t0) / 1e3;
}

static int latency(int repeat)
{
	double attach[MAX_BATCHES], first[MAX_BATCHES], armed[MAX_BATCHES];
	double wake[MAX_BATCHES];
	unsigned long long t3;
	struct waiter w;
	pthread_t th;
	int i, keep;

	if (sysfs_ll("trace/enabled") != 0) {
		fprintf(stderr, "latency: needs the module loaded and no reader attached\n");
		return 4;
	}
	for (i = 0; i < repeat; i++) {
		/* no reader yet: VMACCT_IOC_TRACE registers the probes */
		first[i] = attach_to_first(&attach[i]);
		if (first[i] < 0)
			return 1;

		/* another reader keeps the probes armed */
		keep = vt_open_reader(VMACCT_TRACE_NO_DECISIONS |
				      VMACCT_TRACE_NO_MAP_COUNT, 0, getpid(), 1);
		if (keep < 0)
			return 1;
		armed[i] = attach_to_first(NULL);
		if (armed[i] < 0)
			return 1;

		/* a reader blocked in poll(): record -> wake-up */
		memset(&w, 0, sizeof(w));
		if (pipe(w.go))
			return 1;
		if (pthread_create(&th, NULL, wait_main, &w))
			return 1;
		w.fd = vt_open_reader(0, vt_gettid(), 0, 1);
		if (w.fd < 0)
			return 1;
		if (write(w.go[1], "g", 1) != 1)
			return 1;
		usleep(50000);	/* let it sleep in poll() */
		t3 = now_ns();
		one_mmap();
		pthread_join(th, NULL);
		close(w.fd);
		close(w.go[0]);
		close(w.go[1]);
		close(keep);
		wake[i] = w.t_woken > t3 ? (w.t_woken - t3) / 1e3 : -1;
		printf("LATENCY attach_us=%.0f first_us=%.0f first_armed_us=%.0f wakeup_us=%.0f\n",
		       attach[i], first[i], armed[i], wake[i]);
		if (wake[i] < 0) {
			fprintf(stderr, "latency: the poll()ing reader woke before the record\n");
			return 1;
		}
	}
	{
		double amax = maximum(attach, repeat);
		double fmax = maximum(first, repeat);
		double rmax = maximum(armed, repeat);
		double wmax = maximum(wake, repeat);
		int met = fmax / 1e3 < TARGET_FIRST_MS;

		printf("LATENCY_SUMMARY attach_us=%.0f/%.0f first_us=%.0f/%.0f first_armed_us=%.0f/%.0f wakeup_us=%.0f/%.0f target_first_ms=%.0f %s\n",
		       median(attach, repeat), amax, median(first, repeat), fmax,
		       median(armed, repeat), rmax, median(wake, repeat), wmax,
		       TARGET_FIRST_MS, met ? "met" : "missed");
		return met ? 0 : 3;
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vmacct_trace_bench measure LABEL [--reader|--reader-nomatch|--reader-decisions] [-m MMAPS] [-g GETPIDS] [-b BATCHES]\n"
		"       vmacct_trace_bench latency [-r REPEAT]\n");
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

int main(int argc, char *argv[])
{
	long mmaps = 20000, getpids = 200000;
	int batches = 5, reader = 0, repeat = 5, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (geteuid() != 0) {
		fprintf(stderr, "needs root\n");
		return 4;
	}
	if (strcmp(argv[1], "latency") == 0) {
		for (i = 2; i < argc; i++) {
			if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
				repeat = number(argv[++i], 1, MAX_BATCHES);
			else
				usage();
		}
		if (access(DEVNODE, F_OK))
			return 4;
		return latency(repeat);
	}
	if (strcmp(argv[1], "measure") || argc < 3)
		usage();
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--reader") == 0)
			reader = 1;
		else if (strcmp(argv[i], "--reader-nomatch") == 0)
			reader = 2;
		else if (strcmp(argv[i], "--reader-decisions") == 0)
			reader = 3;
		else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
			mmaps = number(argv[++i], 1, 100000000);
		else if (strcmp(argv[i], "-g") == 0 && i + 1 < argc)
			getpids = number(argv[++i], 1, 1000000000);
		else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc)
			batches = number(argv[++i], 1, MAX_BATCHES);
		else
			usage();
	}
	return measure(argv[2], reader, mmaps, getpids, batches);
}
