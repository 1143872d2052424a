// SPDX-License-Identifier: GPL-2.0
/*
 * The child process of "vmacct repro": see repro-child.h.
 *
 * Its maps array is allocated before it says it is ready, so that what
 * the parent measures from then on changes only by what it commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "device.h"
#include "repro-child.h"

#define CHILD_MAX_MAPS	70000		/* above the default max_map_count */

/* The child that runs now, for child_kill_running() in a signal handler. */
static volatile pid_t running_child;

void child_kill_running(void)
{
	pid_t child = running_child;

	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
}

/* In the child: its own map_count from the module (-1 on error). */
static int64_t self_map_count(int fd)
{
	struct vmacct_mm m;

	if (vm_dev_mm(fd, 0, VMACCT_MM_COUNTS_ONLY, 0, &m))
		return -1;
	return m.map_count;
}

/* In the child: Committed_AS from the module (-1 on error). */
static int64_t self_committed(int fd)
{
	struct vmacct_commit c;

	if (vm_dev_commit(fd, 0, &c))
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

int child_start(int devfd, struct child *ch)
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
		child_main(devfd, cmd[0], res[1]);
		_exit(0);
	}
	running_child = ch->pid;
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

int child_do(struct child *ch, struct msg *m)
{
	if (write(ch->cmd, m, sizeof(*m)) != sizeof(*m))
		return -EPIPE;
	if (read(ch->res, m, sizeof(*m)) != sizeof(*m))
		return -EPIPE;
	return 0;
}

void child_stop(struct child *ch)
{
	if (ch->pid <= 0)
		return;
	close(ch->cmd);
	close(ch->res);
	kill(ch->pid, SIGKILL);
	waitpid(ch->pid, NULL, 0);
	running_child = 0;
	ch->pid = 0;
}
