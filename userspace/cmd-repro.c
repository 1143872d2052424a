// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct repro: the five incidents vmacct exists for, reproduced on this
 * machine, each shown three ways side by side: what the module predicts
 * (VMACCT_IOC_MM headroom, VMACCT_IOC_EVAL, VMACCT_IOC_FORK), what the
 * system call did, and what the module recorded of the kernel's own
 * decision (the event stream, filtered to the process that acts).
 *
 * The acts run in a child process that obeys one command at a time over
 * a pipe, so that mapping until ENOMEM or forking near the limit never
 * hurts the tool, and so that the trace can be attached to the child's
 * pid before it acts.  Every sysctl changed is saved first and written
 * back when the reproduction ends, on an error, and on SIGINT/SIGTERM
 * (the handler kills the child, restores, then dies of the signal).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "device.h"
#include "log.h"
#include "repro.h"
#include "tool.h"

#define SYSCTL_ROOT	"/proc/sys/vm"
#define MAP_HEADROOM	1000		/* maps allowed by default */
#define FORK_HEAP	(200ULL << 20)	/* the forking child's touched heap */
#define MAX_EVENTS	4096
#define GIB		(1ULL << 30)
#define CHILD_MAX_MAPS	70000		/* above the default max_map_count */

/*
 * What the signal handler needs: the sysctls to put back and the child
 * to kill.  A handler can only reach globals; nothing else here is one.
 */
static struct sysctl_book *sig_book;
static volatile pid_t sig_child;

static void on_fatal_signal(int sig)
{
	pid_t child = sig_child;

	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (sig_book)
		sysctl_restore(sig_book);
	signal(sig, SIG_DFL);
	raise(sig);
}

struct ctx {
	int fd;				/* /dev/vmacct */
	struct vmacct_commit c;		/* at the start */
	struct sysctl_book book;
	const struct repro_opts *o;
	uint64_t page;
};

/* The child's commands and answers. */
enum child_op {
	OP_MAP_FILES = 1,	/* a: most maps; -> n, err, map_count */
	OP_UNMAP_FILES,
	OP_MALLOC_SMALL,	/* a: count, b: bytes; -> n, err, map_count */
	OP_REGION,		/* a: pages of one RW private mapping */
	OP_HOLES,		/* punch holes in it; -> n, err, map_count */
	OP_MALLOC_BIG,		/* a: count of 129 KiB; -> b: map_count after
				 * malloc, c: after freeing every other */
	OP_BIGFILE,		/* a: bytes of a sparse tmpfs file */
	OP_MMAP,		/* a: bytes, b: kind; -> err, c: committed delta */
	OP_HEAP,		/* a: bytes, touched */
	OP_FORK,		/* -> err */
	OP_EXIT,
};

enum map_kind {
	KIND_PRIVATE,		/* MAP_PRIVATE of the file */
	KIND_NORESERVE,		/* MAP_PRIVATE | MAP_NORESERVE of the file */
	KIND_SHARED,		/* MAP_SHARED of the file */
	KIND_ANON,		/* MAP_PRIVATE | MAP_ANONYMOUS */
	KIND_COUNT,
};

static const char *const kind_names[KIND_COUNT] = {
	"MAP_PRIVATE file", "MAP_PRIVATE|MAP_NORESERVE file",
	"MAP_SHARED file", "MAP_PRIVATE|MAP_ANONYMOUS",
};

struct msg {
	int32_t op;
	int32_t err;		/* answer: 0 or an errno */
	int64_t a, b, c, n, map_count;
};

struct child {
	pid_t pid;
	int cmd;		/* we write commands */
	int res;		/* we read answers */
};

/* In the child: its own map_count from the module (-1 on error). */
static int64_t self_map_count(int fd)
{
	struct vmacct_mm m;

	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.flags = VMACCT_MM_COUNTS_ONLY;
	if (ioctl(fd, VMACCT_IOC_MM, &m) < 0)
		return -1;
	return m.map_count;
}

static int64_t self_committed(int fd)
{
	struct vmacct_commit c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	if (ioctl(fd, VMACCT_IOC_COMMIT, &c) < 0)
		return -1;
	return (int64_t)c.committed;
}

struct child_state {
	int devfd;
	long page;
	void **maps;
	size_t nr_maps, max_maps;
	char *region;
	size_t region_pages;
	int bigfd;
};

static void child_map_files(struct child_state *s, struct msg *m)
{
	char path[64];
	size_t i;
	void *p;
	int fd;

	/* the array was allocated at the start: no VMA of its own now */
	for (i = 0; i < s->max_maps && i < (size_t)m->a; i++) {
		snprintf(path, sizeof(path), "/dev/shm/vmacct-repro-%d-%zu",
			 (int)getpid(), i);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			m->err = errno;
			break;
		}
		unlink(path);
		if (ftruncate(fd, s->page) < 0) {
			m->err = errno;
			close(fd);
			break;
		}
		p = mmap(NULL, s->page, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED) {
			m->err = errno;
			break;
		}
		s->maps[s->nr_maps++] = p;
	}
	m->n = (int64_t)s->nr_maps;
	m->map_count = self_map_count(s->devfd);
}

static void child_malloc_small(struct child_state *s, struct msg *m)
{
	int64_t i;
	char *p;

	for (i = 0; i < m->a; i++) {
		p = malloc((size_t)m->b);
		if (!p) {
			m->err = ENOMEM;
			break;
		}
		p[0] = 1;
	}
	m->n = i;
	m->map_count = self_map_count(s->devfd);
}

static void child_holes(struct child_state *s, struct msg *m)
{
	size_t pg;

	m->n = 0;
	/* every other page, never the first or the last: a cut at both ends */
	for (pg = 1; pg + 1 < s->region_pages; pg += 2) {
		if (munmap(s->region + pg * s->page, s->page) < 0) {
			m->err = errno;
			break;
		}
		m->n++;
	}
	m->map_count = self_map_count(s->devfd);
}

static void child_malloc_big(struct child_state *s, struct msg *m)
{
	void *p[256];
	int64_t i, n = m->a > 256 ? 256 : m->a;

	/*
	 * A fresh process's threshold: glibc raises it to the size of each
	 * mmapped chunk freed, and the tool freed large ones before forking.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	m->n = n;
	for (i = 0; i < n; i++) {
		p[i] = malloc(129 << 10);
		if (!p[i]) {
			m->err = ENOMEM;
			m->n = i;
			break;
		}
	}
	m->b = self_map_count(s->devfd);
	for (i = 1; i < m->n; i += 2)
		free(p[i]);
	m->c = self_map_count(s->devfd);
}

static void child_mmap(struct child_state *s, struct msg *m)
{
	static const int flags[KIND_COUNT] = {
		MAP_PRIVATE, MAP_PRIVATE | MAP_NORESERVE, MAP_SHARED,
		MAP_PRIVATE | MAP_ANONYMOUS,
	};
	size_t len = (size_t)m->a;
	int64_t before, after;
	char *p;
	int i;

	before = self_committed(s->devfd);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags[m->b],
		 m->b == KIND_ANON ? -1 : s->bigfd, 0);
	if (p == MAP_FAILED) {
		m->err = errno;
		m->c = 0;
		return;
	}
	for (i = 0; i < 4; i++)		/* a few pages only */
		p[(size_t)i * (len / 4)] = 1;
	after = self_committed(s->devfd);
	m->c = after - before;
	munmap(p, len);
	/* the pages written to the shared file stay: punch them out */
	if (m->b == KIND_SHARED)
		fallocate(s->bigfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  0, (off_t)len);
}

static void child_fork(struct msg *m)
{
	pid_t p = fork();

	if (p < 0) {
		m->err = errno;
		return;
	}
	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
}

static void child_main(int devfd, int cmd, int res)
{
	struct child_state s = { .devfd = devfd, .page = sysconf(_SC_PAGESIZE),
				 .bigfd = -1 };
	struct msg m;
	char path[64];
	char *heap;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	s.max_maps = CHILD_MAX_MAPS;
	s.maps = calloc(s.max_maps, sizeof(void *));
	if (!s.maps)
		_exit(1);
	/* set up: what the parent measures from now on stays as it is */
	memset(&m, 0, sizeof(m));
	m.map_count = self_map_count(devfd);
	if (write(res, &m, sizeof(m)) != sizeof(m))
		_exit(1);
	for (;;) {
		if (read(cmd, &m, sizeof(m)) != sizeof(m))
			_exit(0);
		m.err = 0;
		switch (m.op) {
		case OP_MAP_FILES:
			child_map_files(&s, &m);
			break;
		case OP_UNMAP_FILES:
			while (s.nr_maps)
				munmap(s.maps[--s.nr_maps], s.page);
			m.map_count = self_map_count(devfd);
			break;
		case OP_MALLOC_SMALL:
			child_malloc_small(&s, &m);
			break;
		case OP_REGION:
			s.region_pages = (size_t)m.a;
			s.region = mmap(NULL, s.region_pages * s.page,
					PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (s.region == MAP_FAILED)
				m.err = errno;
			m.map_count = self_map_count(devfd);
			break;
		case OP_HOLES:
			child_holes(&s, &m);
			break;
		case OP_MALLOC_BIG:
			child_malloc_big(&s, &m);
			break;
		case OP_BIGFILE:
			snprintf(path, sizeof(path), "/dev/shm/vmacct-repro-big-%d",
				 (int)getpid());
			s.bigfd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			if (s.bigfd < 0) {
				m.err = errno;
				break;
			}
			unlink(path);
			if (ftruncate(s.bigfd, (off_t)m.a) < 0)
				m.err = errno;
			break;
		case OP_MMAP:
			child_mmap(&s, &m);
			break;
		case OP_HEAP:
			heap = malloc((size_t)m.a);
			if (!heap)
				m.err = ENOMEM;
			else
				memset(heap, 1, (size_t)m.a);
			break;
		case OP_FORK:
			child_fork(&m);
			break;
		default:
			_exit(0);
		}
		if (write(res, &m, sizeof(m)) != sizeof(m))
			_exit(1);
	}
}

static int child_start(struct ctx *x, struct child *ch)
{
	struct msg ready;
	int cmd[2], res[2];

	if (pipe2(cmd, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(res, O_CLOEXEC) < 0) {
		close(cmd[0]);
		close(cmd[1]);
		return -errno;
	}
	fflush(NULL);
	ch->pid = fork();
	if (ch->pid < 0) {
		close(cmd[0]); close(cmd[1]); close(res[0]); close(res[1]);
		return -errno;
	}
	if (ch->pid == 0) {
		close(cmd[1]);
		close(res[0]);
		child_main(x->fd, cmd[0], res[1]);
		_exit(0);
	}
	sig_child = ch->pid;
	close(cmd[0]);
	close(res[1]);
	ch->cmd = cmd[1];
	ch->res = res[0];
	/*
	 * Wait until the child has allocated what it needs (its maps array is
	 * a VMA of its own): a count taken before that would be one short.
	 */
	if (read(ch->res, &ready, sizeof(ready)) != sizeof(ready))
		return -EPIPE;
	return 0;
}

/* Send one command and wait for the answer; -errno if the child died. */
static int child_do(struct child *ch, struct msg *m)
{
	if (write(ch->cmd, m, sizeof(*m)) != sizeof(*m))
		return -EPIPE;
	if (read(ch->res, m, sizeof(*m)) != sizeof(*m))
		return -EPIPE;
	return 0;
}

static void child_stop(struct child *ch)
{
	if (ch->pid <= 0)
		return;
	close(ch->cmd);
	close(ch->res);
	kill(ch->pid, SIGKILL);
	waitpid(ch->pid, NULL, 0);
	sig_child = 0;
	ch->pid = 0;
}

/* The trace reader for one child. */
struct tracer {
	int fd;
	struct vmacct_event ev[MAX_EVENTS];
	size_t n;
};

static int tracer_open(struct ctx *x, struct tracer *t, pid_t tgid,
		       bool map_count, bool decisions)
{
	struct vmacct_trace tr;
	uint64_t enabled = 0;
	char buf[16];
	int i, fd;
	ssize_t n;

	t->n = 0;
	t->fd = open(VMACCT_DEV_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0)
		return -errno;
	memset(&tr, 0, sizeof(tr));
	tr.size = sizeof(tr);
	tr.tgid = tgid;
	if (!map_count)
		tr.flags |= VMACCT_TRACE_NO_MAP_COUNT;
	if (!decisions)
		tr.flags |= VMACCT_TRACE_NO_DECISIONS;
	if (ioctl(t->fd, VMACCT_IOC_TRACE, &tr) < 0) {
		int err = -errno;

		close(t->fd);
		t->fd = -1;
		return err;
	}
	/* the system call probes are armed asynchronously */
	for (i = 0; map_count && i < 200 && enabled != 1; i++) {
		fd = open(VMACCT_TRACE_ENABLED_PATH, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n > 0) {
				buf[n] = '\0';
				enabled = strtoull(buf, NULL, 10);
			}
		}
		if (enabled != 1)
			usleep(10000);
	}
	(void)x;
	return map_count && enabled != 1 ? -ETIMEDOUT : 0;
}

/* Read what is queued (after the child answered, it is all there). */
static void tracer_drain(struct tracer *t)
{
	ssize_t n;

	t->n = 0;
	for (;;) {
		if (t->n >= MAX_EVENTS)
			break;
		n = read(t->fd, &t->ev[t->n],
			 (MAX_EVENTS - t->n) * sizeof(t->ev[0]) >
			 VMACCT_READ_MAX_RECORDS * sizeof(t->ev[0]) ?
			 VMACCT_READ_MAX_RECORDS * sizeof(t->ev[0]) :
			 (MAX_EVENTS - t->n) * sizeof(t->ev[0]));
		if (n <= 0)
			break;
		t->n += (size_t)n / sizeof(t->ev[0]);
	}
}

static void tracer_close(struct tracer *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

static const struct vmacct_event *find_map_count(const struct tracer *t,
						 uint32_t sys)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->ev[i].type == VMACCT_EV_MAP_COUNT && t->ev[i].caller == sys)
			return &t->ev[i];
	return NULL;
}

static const struct vmacct_event *find_decision(const struct tracer *t,
						uint32_t caller, int64_t pages)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->ev[i].type == VMACCT_EV_DECISION &&
		    t->ev[i].caller == caller &&
		    (pages < 0 || t->ev[i].pages == pages))
			return &t->ev[i];
	return NULL;
}

static int query_mm(struct ctx *x, pid_t pid, struct vmacct_mm *m)
{
	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	m->pid = pid;
	m->flags = VMACCT_MM_COUNTS_ONLY;
	return ioctl(x->fd, VMACCT_IOC_MM, m) < 0 ? -errno : 0;
}

static int query_eval(struct ctx *x, pid_t pid, uint32_t mode, int64_t pages,
		      struct vmacct_eval *e)
{
	memset(e, 0, sizeof(*e));
	e->size = sizeof(*e);
	e->flags = VMACCT_EVAL_MODE;
	e->mode = mode;
	e->pid = pid;
	e->pages = pages;
	return ioctl(x->fd, VMACCT_IOC_EVAL, e) < 0 ? -errno : 0;
}

static int query_fork(struct ctx *x, pid_t pid, struct vmacct_fork *f)
{
	memset(f, 0, sizeof(*f));
	f->size = sizeof(*f);
	f->pid = pid;
	return ioctl(x->fd, VMACCT_IOC_FORK, f) < 0 ? -errno : 0;
}

#define FAIL(r, ...) do {						\
	snprintf((r)->error, sizeof((r)->error), __VA_ARGS__);		\
	(r)->failed = true;						\
	goto out;							\
} while (0)

static const char *errname(int err)
{
	return err == 0 ? "success" : err == ENOMEM ? "ENOMEM" : strerror(err);
}

static void disagree(struct repro_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void disagree(struct repro_check *c, const char *fmt, ...)
{
	va_list ap;
	size_t len = strlen(c->disagree);

	if (len)
		len += (size_t)snprintf(c->disagree + len, sizeof(c->disagree) - len, "; ");
	va_start(ap, fmt);
	if (len < sizeof(c->disagree))
		vsnprintf(c->disagree + len, sizeof(c->disagree) - len, fmt, ap);
	va_end(ap);
	c->agree = false;
}

/*
 * For the selftests of the signal path: VMACCT_REPRO_HOLD=SECS waits that
 * long at the point where the most is changed, so a test can interrupt
 * the reproduction there.  Unset, it does nothing.
 */
static void hold_for_tests(void)
{
	const char *s = getenv("VMACCT_REPRO_HOLD");
	unsigned int secs = s ? (unsigned int)strtoul(s, NULL, 10) : 0;

	while (secs)
		secs = sleep(secs);
}

/*
 * What map-files and munmap-holes share: a child repeated one operation
 * until it failed (m->n successes, then m->err at m->map_count).  Fill in
 * the outcome and the module's record of that failure, and compare both
 * with the prediction: as many successes as the headroom said, ENOMEM,
 * at max + over VMAs, recorded with the same numbers.
 */
struct limit_run {
	const char *ops;	/* "maps": what succeeded, plural */
	const char *predicted;	/* the key of the prediction: "predicted_maps" */
	const char *call;	/* "mmap": the system call of the record */
	__u32 sys;		/* its VMACCT_SYS_* */
	const char *cmp;	/* how that call compares: ">" or "≥" */
	int over;		/* map_count at failure: max + over */
	const char *at;		/* ... in words: "max + 1" */
};

static const struct limit_run map_files_run = {
	.ops = "maps", .predicted = "predicted_maps", .call = "mmap", .sys = VMACCT_SYS_MMAP, .cmp = ">",
	.over = 1, .at = "max + 1",
};

static const struct limit_run munmap_holes_run = {
	.ops = "holes", .predicted = "predicted_holes", .call = "munmap", .sys = VMACCT_SYS_MUNMAP, .cmp = "≥",
	.over = 0, .at = "max",
};

static void compare_limit_run(struct repro_check *c, struct tracer *t,
			      const struct vmacct_mm *mm, const struct msg *m,
			      const struct limit_run *lr)
{
	int predicted = lr->over ? mm->headroom_mmap : mm->headroom_munmap;
	int64_t fail_at = (int64_t)mm->max_map_count + lr->over;
	const struct vmacct_event *ev;

	snprintf(c->outcome, sizeof(c->outcome),
		 "%" PRId64 " %s succeeded, the next failed with %s, at map_count %" PRId64,
		 m->n, lr->ops, errname(m->err), m->map_count);
	tracer_drain(t);
	ev = find_map_count(t, lr->sys);
	if (ev)
		snprintf(c->record, sizeof(c->record),
			 "%s: ENOMEM: map_count %u %s max %u (max_map_count)",
			 lr->call, ev->map_count, lr->cmp, ev->max_map_count);
	else
		snprintf(c->record, sizeof(c->record), "no map-count failure recorded");
	repro_check_num(c, "max_map_count", mm->max_map_count);
	repro_check_num(c, lr->predicted, predicted);
	repro_check_num(c, lr->ops, m->n);
	repro_check_num(c, "enomem_map_count", m->err == ENOMEM ? m->map_count : -1);
	repro_check_num(c, "record_map_count", ev ? (int64_t)ev->map_count : -1);
	if (m->err != ENOMEM)
		disagree(c, "outcome: %s, not ENOMEM", errname(m->err));
	if (m->n != predicted)
		disagree(c, "predicted %d %s, %" PRId64 " succeeded", predicted,
			 lr->ops, m->n);
	if (m->map_count != fail_at)
		disagree(c, "map_count at failure %" PRId64 ", not %s = %" PRId64,
			 m->map_count, lr->at, fail_at);
	if (!ev)
		disagree(c, "the module recorded no map-count failure");
	else if (ev->map_count != m->map_count || ev->max_map_count != mm->max_map_count)
		disagree(c, "record says map_count %u max %u", ev->map_count, ev->max_map_count);
}

/*
 * The start of map-files and munmap-holes: a child, traced; a
 * vm.max_map_count MAP_HEADROOM above its count (65530 with --full); and
 * the module's view of the child under that limit in @mm.  0, or -1 with
 * @r failed and its error set.
 */
static int start_near_limit(struct ctx *x, struct repro_result *r,
			    struct child *ch, struct tracer *t,
			    struct vmacct_mm *mm, uint64_t *max)
{
	int err;

	err = child_start(x, ch);
	if (err)
		FAIL(r, "fork: %s", strerror(-err));
	err = tracer_open(x, t, ch->pid, true, false);
	if (err)
		FAIL(r, "trace: %s", strerror(-err));
	if (query_mm(x, ch->pid, mm))
		FAIL(r, "VMACCT_IOC_MM: %s", strerror(errno));
	*max = x->o->full ? 65530 : mm->map_count + MAP_HEADROOM;
	err = sysctl_set(&x->book, SYSCTL_MAX_MAP_COUNT, *max);
	if (err)
		FAIL(r, "vm.max_map_count: %s", strerror(-err));
	if (query_mm(x, ch->pid, mm))
		FAIL(r, "VMACCT_IOC_MM: %s", strerror(errno));
	hold_for_tests();
	return 0;
out:
	return -1;
}

/* 1. many small mapped files against vm.max_map_count */
static void repro_map_files(struct ctx *x, struct repro_result *r)
{
	struct child ch = { 0 };
	struct tracer *t = calloc(1, sizeof(*t));
	struct repro_check *c;
	struct vmacct_mm mm;
	struct msg m;
	uint64_t max;
	int64_t tries;

	if (!t)
		FAIL(r, "out of memory");
	t->fd = -1;
	if (start_near_limit(x, r, &ch, t, &mm, &max))
		goto out;

	c = repro_add_check(r);
	snprintf(c->what, sizeof(c->what),
		 "mmap one-page files from /dev/shm (tmpfs), one VMA each, until it fails");
	snprintf(c->rule, sizeof(c->rule),
		 "mmap() refuses a new VMA once map_count > vm.max_map_count (do_mmap checks '>'), so a process holds at most max + 1 VMAs; the error is ENOMEM although memory is free");
	snprintf(c->prediction, sizeof(c->prediction),
		 "VMACCT_IOC_MM: map_count %u, max %u, headroom_mmap %d: %d more maps, then ENOMEM at map_count %u = max + 1",
		 mm.map_count, mm.max_map_count, mm.headroom_mmap,
		 mm.headroom_mmap, mm.max_map_count + 1);
	tries = mm.headroom_mmap + 10;
	memset(&m, 0, sizeof(m));
	m.op = OP_MAP_FILES;
	m.a = tries;
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	compare_limit_run(c, t, &mm, &m, &map_files_run);
	snprintf(r->summary, sizeof(r->summary),
		 "ENOMEM at map_count %" PRId64 " = max + 1 (max %u)", m.map_count,
		 mm.max_map_count);

	/* the contrast: the same bytes from malloc */
	tries = m.n;
	m.op = OP_UNMAP_FILES;
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	c = repro_add_check(r);
	snprintf(c->what, sizeof(c->what),
		 "malloc() the same total, %" PRId64 " × 4 KiB, with the same max_map_count",
		 tries);
	snprintf(c->rule, sizeof(c->rule),
		 "small mallocs come from the brk heap: one VMA that grows, so the count does not rise with the number of allocations");
	snprintf(c->prediction, sizeof(c->prediction),
		 "all %" PRId64 " succeed; map_count (now %" PRId64 ") stays ≤ max %u",
		 tries, m.map_count, mm.max_map_count);
	m.op = OP_MALLOC_SMALL;
	m.a = tries;
	m.b = 4096;
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	snprintf(c->outcome, sizeof(c->outcome),
		 "%" PRId64 " of %" PRId64 " succeeded; map_count %" PRId64, m.n, tries,
		 m.map_count);
	tracer_drain(t);
	snprintf(c->record, sizeof(c->record), "%s",
		 t->n ? "a map-count failure was recorded" : "no map-count failure recorded");
	repro_check_num(c, "mallocs", m.n);
	repro_check_num(c, "map_count", m.map_count);
	if (m.n != tries || m.err)
		disagree(c, "only %" PRId64 " mallocs succeeded", m.n);
	if (m.map_count > (int64_t)mm.max_map_count)
		disagree(c, "map_count %" PRId64 " above max", m.map_count);
	if (t->n)
		disagree(c, "the module recorded a map-count failure");
out:
	child_stop(&ch);
	if (t)
		tracer_close(t);
	free(t);
}

/* 2. munmap of pages inside one VMA */
static void repro_munmap_holes(struct ctx *x, struct repro_result *r)
{
	struct child ch = { 0 };
	struct tracer *t = calloc(1, sizeof(*t));
	struct repro_check *c;
	struct vmacct_mm mm;
	struct msg m;
	uint64_t max;
	int64_t before;
	int err;

	if (!t)
		FAIL(r, "out of memory");
	t->fd = -1;

	/* the glibc contrast first, with the limit untouched */
	err = child_start(x, &ch);
	if (err)
		FAIL(r, "fork: %s", strerror(-err));
	memset(&m, 0, sizeof(m));
	m.op = OP_UNMAP_FILES;	/* nothing to unmap: just the count */
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	before = m.map_count;
	m.op = OP_MALLOC_BIG;
	m.a = 64;
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	child_stop(&ch);
	c = repro_add_check(r);
	c->informational = true;
	snprintf(c->what, sizeof(c->what),
		 "glibc: 64 × malloc(129 KiB), then free() every other one");
	snprintf(c->rule, sizeof(c->rule),
		 "above the 128 KiB mmap threshold each malloc is its own mmap; adjacent anonymous mappings with the same flags merge into one VMA, and free() is munmap: freeing a chunk inside a merged VMA is a hole, +1 VMA");
	snprintf(c->outcome, sizeof(c->outcome),
		 "map_count %" PRId64 " → %" PRId64 " after the mallocs (%s), → %" PRId64 " after %" PRId64 " frees (%+" PRId64 ": %s)",
		 before, m.b,
		 m.b - before >= m.n ? "one VMA each: no merging" :
		 m.b - before <= 1 ? "they merged into one VMA" : "partly merged",
		 m.c, m.n / 2, m.c - m.b,
		 m.c - m.b >= m.n / 2 ? "each free punched a hole, +1 VMA each" :
		 m.c - m.b >= m.n / 2 - 1 && m.c > m.b ?
		 "each free inside the merged VMA punched a hole, +1 VMA; a chunk at its edge only shrinks it" :
		 m.c == m.b ? "no holes: the chunks did not come from mmap" :
		 "some frees punched holes");
	repro_check_num(c, "map_count_before", before);
	repro_check_num(c, "map_count_after_malloc", m.b);
	repro_check_num(c, "map_count_after_free", m.c);

	if (start_near_limit(x, r, &ch, t, &mm, &max))
		goto out;
	memset(&m, 0, sizeof(m));
	m.op = OP_REGION;
	m.a = 2 * (int64_t)(max - mm.map_count) + 16;
	if (child_do(&ch, &m) || m.err)
		FAIL(r, "mmap of %" PRId64 " pages: %s", m.a, errname(m.err));
	if (query_mm(x, ch.pid, &mm))
		FAIL(r, "VMACCT_IOC_MM: %s", strerror(errno));

	c = repro_add_check(r);
	snprintf(c->what, sizeof(c->what),
		 "one private mapping of %" PRId64 " pages (one VMA), then munmap every other page",
		 m.a);
	snprintf(c->rule, sizeof(c->rule),
		 "munmap of a page inside a VMA leaves two VMAs where there was one: it needs one more VMA, and fails with ENOMEM once map_count ≥ vm.max_map_count");
	snprintf(c->prediction, sizeof(c->prediction),
		 "VMACCT_IOC_MM: map_count %u, max %u, headroom_munmap %d: %d holes, then ENOMEM at map_count %u = max",
		 mm.map_count, mm.max_map_count, mm.headroom_munmap,
		 mm.headroom_munmap, mm.max_map_count);
	m.op = OP_HOLES;
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	compare_limit_run(c, t, &mm, &m, &munmap_holes_run);
	snprintf(r->summary, sizeof(r->summary),
		 "munmap ENOMEM after %" PRId64 " holes, at map_count %" PRId64 " = max",
		 m.n, m.map_count);
out:
	child_stop(&ch);
	if (t)
		tracer_close(t);
	free(t);
}

/* A size larger than RAM + swap: whole GiB, at least 1 GiB more. */
static uint64_t beyond_ram_swap(const struct ctx *x)
{
	uint64_t b = x->c.guess_ceiling * x->page + GIB;

	return (b + GIB - 1) / GIB * GIB;
}

static void fmt_size(char *buf, size_t len, uint64_t bytes)
{
	if (bytes >= GIB)
		snprintf(buf, len, "%.1f GiB", (double)bytes / (double)GIB);
	else
		snprintf(buf, len, "%" PRIu64 " MiB", bytes >> 20);
}

/*
 * One mmap of len bytes of kind in mode, in the child: the prediction
 * (the rule, and VMACCT_IOC_EVAL where the kernel charges), the outcome
 * with the Committed_AS delta, and the decision recorded.
 */
static int mmap_check(struct ctx *x, struct child *ch, struct tracer *t,
		      struct repro_result *r, uint32_t mode, int kind,
		      uint64_t len, bool old)
{
	int64_t pages = (int64_t)(len / x->page);
	bool charged = kind == KIND_PRIVATE || kind == KIND_ANON ||
		       (kind == KIND_NORESERVE && mode == 2);
	const struct vmacct_event *ev;
	struct repro_check *c;
	struct vmacct_eval e;
	struct msg m;
	char size[32];
	int want_err = 0, err;

	err = sysctl_set(&x->book, SYSCTL_OVERCOMMIT_MEMORY, mode);
	if (err) {
		snprintf(r->error, sizeof(r->error), "vm.overcommit_memory: %s", strerror(-err));
		return -1;
	}
	if (query_eval(x, ch->pid, mode, pages, &e)) {
		snprintf(r->error, sizeof(r->error), "VMACCT_IOC_EVAL: %s", strerror(errno));
		return -1;
	}
	fmt_size(size, sizeof(size), len);
	c = repro_add_check(r);
	if (!c)
		return 0;
	snprintf(c->what, sizeof(c->what), "mode %u: mmap %s of %s (RAM + swap is %" PRIu64 " pages)",
		 mode, kind_names[kind], size, (uint64_t)e.guess_ceiling);
	if (kind == KIND_SHARED)
		snprintf(c->rule, sizeof(c->rule),
			 "a shared mapping is never charged (the file's pages are the file's, charged per page as a tmpfs file is written): no __vm_enough_memory() call");
	else if (kind == KIND_NORESERVE && mode != 2)
		snprintf(c->rule, sizeof(c->rule),
			 "MAP_NORESERVE in mode %u: not charged, no check at all", mode);
	else if (mode == 0)
		snprintf(c->rule, sizeof(c->rule),
			 "private writable%s is charged; mode 0 refuses one request larger than RAM + swap",
			 kind == KIND_NORESERVE ? " (MAP_NORESERVE is ignored in mode 2 only)" : "");
	else if (mode == 1)
		snprintf(c->rule, sizeof(c->rule),
			 "private writable is charged; mode 1 never refuses");
	else
		snprintf(c->rule, sizeof(c->rule),
			 "private writable%s is charged; mode 2 refuses when Committed_AS after the charge ≥ CommitLimit − reserves",
			 kind == KIND_NORESERVE ? " (mode 2 ignores MAP_NORESERVE)" : "");
	if (charged) {
		want_err = e.verdict ? ENOMEM : 0;
		snprintf(c->prediction, sizeof(c->prediction),
			 "VMACCT_IOC_EVAL: %" PRId64 " pages %s (margin %" PRId64 "); charge %s",
			 pages, e.verdict ? "DENIED" : "allowed", (int64_t)e.margin,
			 e.verdict ? "none" : "the full size");
	} else {
		snprintf(c->prediction, sizeof(c->prediction),
			 "succeeds, charges only the few pages touched");
	}
	if (old && mode == 0)
		snprintf(c->old_rule, sizeof(c->old_rule),
			 "the old heuristic (free + page cache − shmem + free swap + reclaimable − reserves = %" PRId64 " pages) would have %s it — not what this kernel does",
			 (int64_t)e.old_free, e.old_verdict ? "refused" : "allowed");
	memset(&m, 0, sizeof(m));
	m.op = OP_MMAP;
	m.a = (int64_t)len;
	m.b = kind;
	if (child_do(ch, &m)) {
		snprintf(r->error, sizeof(r->error), "the child died");
		return -1;
	}
	snprintf(c->outcome, sizeof(c->outcome), "%s; Committed_AS %+" PRId64 " pages while mapped",
		 m.err ? errname(m.err) : "mapped", m.c);
	tracer_drain(t);
	ev = find_decision(t, VMACCT_CALLER_MMAP, pages);
	if (ev)
		snprintf(c->record, sizeof(c->record),
			 "mmap: %" PRId64 " pages %s (mode %u)%s", (int64_t)ev->pages,
			 ev->verdict ? "DENIED" : "allowed", ev->mode,
			 ev->mode == 2 ? " — committed vs allowed" : "");
	else
		snprintf(c->record, sizeof(c->record), "no decision of %" PRId64 " pages recorded", pages);
	repro_check_num(c, "mode", mode);
	repro_check_num(c, "pages", pages);
	repro_check_num(c, "errno", m.err);
	repro_check_num(c, "committed_delta", m.c);
	if (m.err != want_err)
		disagree(c, "predicted %s, mmap gave %s", errname(want_err), errname(m.err));
	if (charged && !ev)
		disagree(c, "the module recorded no decision for it");
	if (!charged && ev)
		disagree(c, "the module recorded a decision for an uncharged mapping");
	if (ev && (ev->verdict != 0) != (want_err != 0))
		disagree(c, "record verdict %d", ev->verdict);
	/* what it charged while mapped: the whole size, or a few pages */
	if (!m.err) {
		int64_t want = charged ? pages : 0;

		if (m.c < want - 1024 || m.c > want + 1024)
			disagree(c, "Committed_AS moved %+" PRId64 " pages, expected about %+" PRId64,
				 m.c, want);
	}
	return 0;
}

/* 3. MAP_PRIVATE, MAP_NORESERVE, MAP_SHARED, anonymous, in modes 0, 1, 2 */
static void repro_map_types(struct ctx *x, struct repro_result *r)
{
	struct child ch = { 0 };
	struct tracer *t = calloc(1, sizeof(*t));
	uint64_t len = beyond_ram_swap(x);
	unsigned int mode, i;
	struct msg m;
	int kind, err;
	size_t len_s;

	if (!t)
		FAIL(r, "out of memory");
	t->fd = -1;
	err = child_start(x, &ch);
	if (err)
		FAIL(r, "fork: %s", strerror(-err));
	err = tracer_open(x, t, ch.pid, false, true);
	if (err)
		FAIL(r, "trace: %s", strerror(-err));
	memset(&m, 0, sizeof(m));
	m.op = OP_BIGFILE;
	m.a = (int64_t)len;
	if (child_do(&ch, &m) || m.err)
		FAIL(r, "sparse file in /dev/shm: %s", errname(m.err));
	for (mode = 0; mode <= 2; mode++)
		for (kind = 0; kind < KIND_COUNT; kind++)
			if (mmap_check(x, &ch, t, r, mode, kind, len, false)) {
				r->failed = true;
				goto out;
			}
	/* "ENOMEM: mode 0 private, anon; mode 1 none; mode 2 ..." */
	len_s = (size_t)snprintf(r->summary, sizeof(r->summary), "ENOMEM:");
	for (mode = 0; mode <= 2 && len_s < sizeof(r->summary); mode++) {
		int nfail = 0;

		len_s += (size_t)snprintf(r->summary + len_s, sizeof(r->summary) - len_s,
					  "%s mode %u", mode ? ";" : "", mode);
		for (i = 0; i < r->nr_checks && len_s < sizeof(r->summary); i++) {
			const struct repro_check *c = &r->checks[i];

			if (c->nums[0].value != mode || !c->nums[2].value)
				continue;
			len_s += (size_t)snprintf(r->summary + len_s,
						  sizeof(r->summary) - len_s, "%s %s",
						  nfail++ ? "," : "",
						  kind_names[i % KIND_COUNT]);
		}
		if (!nfail && len_s < sizeof(r->summary))
			len_s += (size_t)snprintf(r->summary + len_s,
						  sizeof(r->summary) - len_s, " none");
	}
out:
	sysctl_restore(&x->book);
	child_stop(&ch);
	if (t)
		tracer_close(t);
	free(t);
}

/* 4. one allocation larger than RAM + swap (1 TiB with --full) */
static void repro_big_alloc(struct ctx *x, struct repro_result *r)
{
	struct child ch = { 0 };
	struct tracer *t = calloc(1, sizeof(*t));
	uint64_t len = x->o->full ? 1024 * GIB : beyond_ram_swap(x);
	unsigned int mode;
	char size[32];
	int err;

	if (!t)
		FAIL(r, "out of memory");
	t->fd = -1;
	err = child_start(x, &ch);
	if (err)
		FAIL(r, "fork: %s", strerror(-err));
	err = tracer_open(x, t, ch.pid, false, true);
	if (err)
		FAIL(r, "trace: %s", strerror(-err));
	for (mode = 0; mode <= 2; mode++)
		if (mmap_check(x, &ch, t, r, mode, KIND_ANON, len, true)) {
			r->failed = true;
			goto out;
		}
	fmt_size(size, sizeof(size), len);
	snprintf(r->summary, sizeof(r->summary),
		 "mmap of %s: mode 0 %s, mode 1 %s, mode 2 %s", size,
		 r->checks[0].nums[2].value ? "ENOMEM" : "ok",
		 r->checks[1].nums[2].value ? "ENOMEM" : "ok",
		 r->checks[2].nums[2].value ? "ENOMEM" : "ok");
out:
	sysctl_restore(&x->book);
	child_stop(&ch);
	if (t)
		tracer_close(t);
	free(t);
}

/* One fork of the child, checked against VMACCT_IOC_FORK and the trace. */
static int fork_check(struct ctx *x, struct child *ch, struct tracer *t,
		      struct repro_result *r, uint32_t mode, const char *setting)
{
	const struct vmacct_event *ev, *denied = NULL;
	struct repro_check *c;
	struct vmacct_fork f;
	struct msg m;
	size_t i, nfork = 0;
	int want;

	if (query_fork(x, ch->pid, &f)) {
		snprintf(r->error, sizeof(r->error), "VMACCT_IOC_FORK: %s", strerror(errno));
		return -1;
	}
	want = f.verdict[mode] ? ENOMEM : 0;
	c = repro_add_check(r);
	snprintf(c->what, sizeof(c->what), "mode %u%s: the child (%" PRIu64 " pages charged in %u VMAs) forks",
		 mode, setting, (uint64_t)f.charge, f.nr_charged);
	if (mode == 0)
		snprintf(c->rule, sizeof(c->rule),
			 "fork() charges every private writable VMA again for the child; mode 0 checks each VMA alone against RAM + swap (largest here %" PRIu64 " of %" PRIu64 " pages)",
			 (uint64_t)f.largest, (uint64_t)f.guess_ceiling);
	else
		snprintf(c->rule, sizeof(c->rule),
			 "mode 2: fork() fails when Committed_AS + the child's charge reaches CommitLimit − reserves: %" PRIu64 " + %" PRIu64 " vs allowed %" PRId64 " = limit %" PRIu64 " − admin %" PRIu64 " − user %" PRIu64,
			 (uint64_t)f.committed, (uint64_t)f.charge, (int64_t)f.allowed,
			 (uint64_t)f.limit, (uint64_t)f.admin_reserve, (uint64_t)f.user_reserve);
	snprintf(c->prediction, sizeof(c->prediction),
		 "VMACCT_IOC_FORK: %s, margin %" PRId64 " pages%s; min_ratio %u",
		 want ? "ENOMEM" : "succeeds", (int64_t)f.margin[mode],
		 f.slop_may_flip && mode == 2 ? " (within the per-CPU error)" : "",
		 f.min_ratio);
	memset(&m, 0, sizeof(m));
	m.op = OP_FORK;
	if (child_do(ch, &m)) {
		snprintf(r->error, sizeof(r->error), "the child died");
		return -1;
	}
	snprintf(c->outcome, sizeof(c->outcome), "fork() %s",
		 m.err ? errname(m.err) : "succeeded");
	tracer_drain(t);
	for (i = 0; i < t->n; i++) {
		ev = &t->ev[i];
		if (ev->type != VMACCT_EV_DECISION || ev->caller != VMACCT_CALLER_FORK)
			continue;
		nfork++;
		if (ev->verdict && !denied)
			denied = ev;
	}
	if (denied)
		snprintf(c->record, sizeof(c->record),
			 "%zu fork decisions, the last DENIED: %" PRId64 " pages, committed %" PRId64 " ≥ allowed %" PRId64 " (mode %u)",
			 nfork, (int64_t)denied->pages, (int64_t)denied->committed,
			 (int64_t)denied->allowed, denied->mode);
	else
		snprintf(c->record, sizeof(c->record),
			 "%zu fork decisions, all allowed (mode %u)", nfork, mode);
	repro_check_num(c, "mode", mode);
	repro_check_num(c, "errno", m.err);
	repro_check_num(c, "predicted_errno", want);
	repro_check_num(c, "min_ratio", f.min_ratio);
	repro_check_num(c, "decisions", (int64_t)nfork);
	if (m.err != want)
		disagree(c, "predicted %s, fork() gave %s", errname(want), errname(m.err));
	if (!nfork)
		disagree(c, "the module recorded no fork decision");
	if (!!denied != !!want)
		disagree(c, "the record %s", denied ? "has a denial" : "has no denial");
	if (!want && nfork != f.nr_charged)
		disagree(c, "%zu decisions recorded for %u charged VMAs", nfork, f.nr_charged);
	return 0;
}

/* 5. a process with a large touched heap forks, in mode 0 and mode 2 */
static void repro_fork(struct ctx *x, struct repro_result *r)
{
	struct child ch = { 0 };
	struct tracer *t = calloc(1, sizeof(*t));
	struct vmacct_fork f;
	struct vmacct_eval e;
	struct repro_check *c;
	uint64_t window, ratio = 0;
	int64_t m_pass, m_fail, margin, pad = 0;
	void *padmap = MAP_FAILED;
	size_t padlen = 0;
	char setting[64];
	struct msg m;
	int err, i;

	if (!t)
		FAIL(r, "out of memory");
	t->fd = -1;
	err = child_start(x, &ch);
	if (err)
		FAIL(r, "fork: %s", strerror(-err));
	err = tracer_open(x, t, ch.pid, false, true);
	if (err)
		FAIL(r, "trace: %s", strerror(-err));
	err = sysctl_set(&x->book, SYSCTL_OVERCOMMIT_MEMORY, 0);
	if (err)
		FAIL(r, "vm.overcommit_memory: %s", strerror(-err));
	memset(&m, 0, sizeof(m));
	m.op = OP_HEAP;
	m.a = FORK_HEAP;
	if (child_do(&ch, &m) || m.err)
		FAIL(r, "the child's heap: %s", errname(m.err));
	tracer_drain(t);

	if (fork_check(x, &ch, t, r, 0, ""))
		goto fail;
	/* what kernels before 5.2 would have said of the largest VMA */
	if (query_fork(x, ch.pid, &f) || query_eval(x, ch.pid, 0, (int64_t)f.largest, &e))
		FAIL(r, "VMACCT_IOC_FORK/EVAL: %s", strerror(errno));
	c = &r->checks[r->nr_checks - 1];
	snprintf(c->old_rule, sizeof(c->old_rule),
		 "the old mode-0 heuristic compared each VMA (largest %" PRIu64 " pages) with free + page cache − shmem + free swap + reclaimable − reserves = %" PRId64 " pages: it would have %s the fork",
		 (uint64_t)f.largest, (int64_t)e.old_free, e.old_verdict ? "refused" : "allowed");

	/*
	 * Mode 2.  One percent of RAM moves CommitLimit by a window of
	 * pages; the fork must miss by more than the per-CPU error at
	 * min_ratio - 1 and pass by more than it at min_ratio.  The tool's
	 * own untouched, charged mapping (the pad) moves Committed_AS into
	 * the middle of a window.
	 */
	err = sysctl_set(&x->book, SYSCTL_OVERCOMMIT_RATIO, x->c.overcommit_ratio > 0 ?
			 (uint64_t)x->c.overcommit_ratio : 50);
	if (!err)
		err = sysctl_set(&x->book, SYSCTL_OVERCOMMIT_MEMORY, 2);
	if (err)
		FAIL(r, "sysctl: %s", strerror(-err));
	window = (x->c.totalram - x->c.hugetlb) / 100;
	for (i = 0; i < 4; i++) {
		if (query_fork(x, ch.pid, &f))
			FAIL(r, "VMACCT_IOC_FORK: %s", strerror(errno));
		if (f.min_ratio == UINT32_MAX || f.min_ratio < 2 || f.min_ratio > 100)
			FAIL(r, "min_ratio %u: no ratio from 2 to 100 flips this fork", f.min_ratio);
		ratio = f.min_ratio;
		if (sysctl_set(&x->book, SYSCTL_OVERCOMMIT_RATIO, ratio) || query_fork(x, ch.pid, &f))
			FAIL(r, "ratio %" PRIu64 ": %s", ratio, strerror(errno));
		m_pass = f.margin[2];
		if (sysctl_set(&x->book, SYSCTL_OVERCOMMIT_RATIO, ratio - 1) || query_fork(x, ch.pid, &f))
			FAIL(r, "ratio %" PRIu64 ": %s", ratio - 1, strerror(errno));
		m_fail = f.margin[2];
		if (m_pass >= (int64_t)f.committed_error + 64 &&
		    -m_fail >= (int64_t)f.committed_error + 64)
			break;
		/* move Committed_AS to the middle of the window (at ratio 100) */
		if (sysctl_set(&x->book, SYSCTL_OVERCOMMIT_RATIO, 100))
			FAIL(r, "ratio 100: %s", strerror(errno));
		margin = (m_pass - (int64_t)window / 2) % (int64_t)window;
		if (margin < 0)
			margin += (int64_t)window;
		pad += margin;
		if (padmap != MAP_FAILED)
			munmap(padmap, padlen);
		padlen = (size_t)pad * x->page;
		padmap = padlen ? mmap(NULL, padlen, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : MAP_FAILED;
		if (padlen && padmap == MAP_FAILED)
			FAIL(r, "pad of %" PRId64 " pages: %s", pad, strerror(errno));
	}
	if (i == 4)
		FAIL(r, "could not place the fork a per-CPU error away from both sides of min_ratio %" PRIu64, ratio);

	hold_for_tests();
	snprintf(setting, sizeof(setting), ", overcommit_ratio %" PRIu64 " = min_ratio − 1", ratio - 1);
	if (fork_check(x, &ch, t, r, 2, setting))
		goto fail;
	if (sysctl_set(&x->book, SYSCTL_OVERCOMMIT_RATIO, ratio))
		FAIL(r, "ratio: %s", strerror(errno));
	snprintf(setting, sizeof(setting), ", overcommit_ratio %" PRIu64 " = min_ratio", ratio);
	if (fork_check(x, &ch, t, r, 2, setting))
		goto fail;
	snprintf(r->summary, sizeof(r->summary),
		 "fork of a %llu MiB heap: mode 0 ok; mode 2 ENOMEM at ratio %" PRIu64 ", ok at min_ratio %" PRIu64,
		 FORK_HEAP >> 20, ratio - 1, ratio);
	goto out;
fail:
	r->failed = true;
out:
	/* leave mode 2 before anything else has to fork */
	sysctl_restore(&x->book);
	if (padmap != MAP_FAILED)
		munmap(padmap, padlen);
	child_stop(&ch);
	if (t)
		tracer_close(t);
	free(t);
}

static const char *const intros[REPRO_COUNT] = {
	[REPRO_MAP_FILES] =
		"Incident: a service mapping many small files (Elasticsearch, a database) gets ENOMEM from mmap\n"
		"with plenty of free memory.  A child maps one-page tmpfs files until mmap fails.\n"
		"Changes vm.max_map_count (to the child's map_count + 1000; --full: 65530) and puts it back.",
	[REPRO_MUNMAP_HOLES] =
		"Incident: munmap() itself fails with ENOMEM (an allocator returning pages in the middle\n"
		"of a large mapping).  A child maps one large region and unmaps every other page.\n"
		"Changes vm.max_map_count (to the child's map_count + 1000; --full: 65530) and puts it back.",
	[REPRO_MAP_TYPES] =
		"Incident: which mappings does overcommit accounting refuse or charge?  A child maps a sparse\n"
		"tmpfs file larger than RAM + swap four ways, and the same size anonymously, in each mode,\n"
		"touching 4 pages.  Changes vm.overcommit_memory to 0, 1 and 2 and puts it back.",
	[REPRO_BIG_ALLOC] =
		"Incident: malloc(1 TiB) fails on one host and succeeds on another.  A child maps more than\n"
		"RAM + swap (--full: 1 TiB) anonymously in each mode, touching 4 pages.\n"
		"Changes vm.overcommit_memory to 0, 1 and 2 and puts it back.",
	[REPRO_FORK] =
		"Incident: Redis \"Can't save in background: fork: Cannot allocate memory\".  A child with\n"
		"a 200 MiB touched heap forks in mode 0, then in mode 2 with vm.overcommit_ratio at\n"
		"min_ratio − 1 and at min_ratio (from VMACCT_IOC_FORK).  Changes vm.overcommit_memory and\n"
		"vm.overcommit_ratio (and so overcommit_kbytes) and puts them back, leaving mode 2 first.",
};

static const struct opt_help repro_opts_help[] = {
	{ "-y, --yes",     "change the sysctls without asking (needed when stdin is a terminal)" },
	{ "-j, --json",    "one JSON object per reproduction, one per line: name, agree,\n"
			   "error, summary, checks [{what, rule, prediction, outcome,\n"
			   "record, before_5_2, informational, agree, disagree,\n"
			   "numbers {...}}]" },
	{ "-f, --full",    "the real scale: max_map_count 65530, 1 TiB (slower)" },
	{ "-v, --verbose", "more messages on stderr" },
	{ "-h, --help",    "show this help" },
	{ NULL, NULL },
};

static void repro_help(FILE *out)
{
	print_usage(out, "vmacct repro NAME [--yes] [--json] [--full] [-v]",
		    "Reproduce an incident and show, side by side, the module's prediction,\n"
		    "what the system call did, and the module's record of the kernel's\n"
		    "decision.  NAME: map-files, munmap-holes, map-types, big-alloc, fork,\n"
		    "or all.  Each says what it will do and which sysctls it changes, and\n"
		    "puts every sysctl back when it ends, also on SIGINT or SIGTERM.  It\n"
		    "changes sysctls only with --yes or when stdin is not a terminal.\n"
		    "Never provokes the OOM killer: it touches only a few pages of the big\n"
		    "mappings.  Root only.  Exit status 1 when prediction, outcome and\n"
		    "record disagree anywhere (the output says where).\n"
		    "\n"
		    "For tests: VMACCT_REPRO_HOLD=SECS waits that long where map-files and\n"
		    "munmap-holes have lowered vm.max_map_count and where fork is in mode 2\n"
		    "at min_ratio - 1, so the signal path can be exercised.",
		    repro_opts_help);
}

typedef void (*repro_fn)(struct ctx *x, struct repro_result *r);

static const repro_fn repro_fns[REPRO_COUNT] = {
	[REPRO_MAP_FILES]	= repro_map_files,
	[REPRO_MUNMAP_HOLES]	= repro_munmap_holes,
	[REPRO_MAP_TYPES]	= repro_map_types,
	[REPRO_BIG_ALLOC]	= repro_big_alloc,
	[REPRO_FORK]		= repro_fork,
};

int cmd_repro(int argc, char *argv[], const struct global_opts *g)
{
	struct repro_opts o = { .verbose = g->verbose };
	struct repro_result *res = NULL;
	struct vmacct_version ver;
	struct sigaction sa;
	struct ctx *x = NULL;
	char what[200];
	int ret, i, n = 0, bad = 0, err;

	if (repro_parse_args(argc, argv, &o, what, sizeof(what)))
		return usage_error("repro", what);
	if (o.help) {
		repro_help(stdout);
		return VM_EXIT_OK;
	}
	if (!o.yes && isatty(STDIN_FILENO)) {
		for (i = 0; i < REPRO_COUNT; i++)
			if (o.which & (1U << i))
				printf("%s: %s\n\n", repro_name(i), intros[i]);
		log_err("repro: refusing to change sysctls without --yes (stdin is a terminal); run again with --yes");
		return VM_EXIT_USAGE;
	}
	if (geteuid() != 0) {
		log_err("repro: changes sysctls and reads the event stream: run as root");
		return VM_EXIT_PERM;
	}

	x = calloc(1, sizeof(*x));
	res = calloc(REPRO_COUNT, sizeof(*res));
	if (!x || !res) {
		log_err("out of memory");
		ret = VM_EXIT_FAILED;
		goto out_free;
	}
	x->o = &o;
	x->page = (uint64_t)sysconf(_SC_PAGESIZE);
	sysctl_book_init(&x->book, getenv("VMACCT_SYSCTL_ROOT") ?: SYSCTL_ROOT);
	ret = vm_dev_open(g, o.verbose, &x->fd);
	if (ret != VM_EXIT_OK)
		goto out_free;
	ret = vm_dev_snapshot(x->fd, o.verbose, &ver, &x->c);
	if (ret != VM_EXIT_OK)
		goto out_close;

	sig_book = &x->book;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigfillset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < REPRO_COUNT; i++) {
		struct repro_result *r = &res[i];

		if (!(o.which & (1U << i)))
			continue;
		r->id = i;
		snprintf(r->intro, sizeof(r->intro), "%s", intros[i]);
		if (!o.json && o.which != (1U << i))
			fputc('\n', stdout);
		if (!o.json)
			repro_print_intro(stdout, r);
		/* start from the same snapshot each time */
		if (ioctl(x->fd, VMACCT_IOC_COMMIT, &x->c) < 0)
			log_warn("VMACCT_IOC_COMMIT: %s", strerror(errno));
		repro_fns[i](x, r);
		err = sysctl_restore(&x->book);
		if (err && !r->failed) {
			r->failed = true;
			snprintf(r->error, sizeof(r->error), "restoring the sysctls: %s",
				 strerror(-err));
		}
		if (o.json)
			repro_print_json(stdout, r);
		else
			repro_print_human(stdout, r);
		n++;
		bad += !repro_agrees(r);
	}
	if (!o.json && n > 1) {
		printf("\nSummary:\n");
		for (i = 0; i < REPRO_COUNT; i++)
			if (o.which & (1U << i))
				repro_print_summary(stdout, &res[i]);
	}
	ret = bad ? VM_EXIT_FAILED : VM_EXIT_OK;
	if (fflush(stdout) == EOF)
		ret = VM_EXIT_FAILED;
	sig_book = NULL;
out_close:
	close(x->fd);
out_free:
	free(res);
	free(x);
	return ret;
}
