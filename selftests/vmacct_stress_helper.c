// SPDX-License-Identifier: GPL-2.0
/*
 * Helper of vmacct_unload_stress.sh (not a test by itself):
 *
 *   vmacct_stress_helper reader
 *	attach a trace reader with no filter (every decision and map-count
 *	record: the probes fire all the time under the stress), print
 *	"ready PID", read() until it fails or returns 0, then print
 *	"end: ENODEV N" / "end: EOF N" (N records read) and exit 0, or
 *	"end: ERRNO-NAME N" and exit 1; 3 if it could not attach.
 *
 *   vmacct_stress_helper stress SECONDS
 *	mmap/touch/mprotect/munmap of private writable memory, with a
 *	fork() (child maps, touches and exits) every 32 rounds, for SECONDS;
 *	print "stress PID: R rounds, F forks" and exit 0, or print what
 *	failed and exit 1.  Never opens /dev/vmacct (that would pin the
 *	module).
 *
 *   vmacct_stress_helper hold PAGES
 *	map PAGES of private writable memory (charged, untouched), print
 *	"held PID", and wait to be killed (vmacct_cgroup_test.sh: processes
 *	of known charges in cgroups).
 *
 *   vmacct_stress_helper kinds
 *	hold one charge of each shmem and private kind the breakdown names
 *	(make demo): 256 private pages, a SysV
 *	segment of 128 pages and one of 64 with SHM_NORESERVE (16 touched),
 *	a shared anonymous mapping of 96 pages and one of 64 with
 *	MAP_NORESERVE (8 touched), a memfd of 32 written pages; print
 *	"held PID" and wait to be killed (the segments are removed on exit).
 *
 *   vmacct_stress_helper bgsave MIB
 *	a Redis BGSAVE (make demo: the refusal nobody traced): take the
 *	name "redis-server", fill a heap of MIB MiB, fork() a child that
 *	would write the snapshot (it exits at once), and print Redis's own
 *	line: "Background saving started by pid N" or "Can't save in
 *	background: fork: <error>"; then "pid P".  Exits 0 either way, 1 if
 *	the heap cannot be had.
 *
 *   vmacct_stress_helper rearm N
 *	reproducer, not run by any test: a child loops on mprotect() while
 *	a reader toggles VMACCT_TRACE_NO_MAP_COUNT N times, so that the
 *	module arms and disarms its system call probes each time;
 *	prints "rearm: N toggles" and exits 0 if the kernel survives.  Under
 *	multi-threaded TCG both kernels crash within a few toggles, vmacct
 *	or not (guest/README.md: "Why single-threaded TCG"); single-threaded,
 *	2000 toggles and an unload pass.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>

#include "vmacct_trace_util.h"

static int reader(void)
{
	static struct vmacct_event ev[VMACCT_READ_MAX_RECORDS];
	unsigned long long records = 0;
	ssize_t n;
	int fd;

	fd = vt_open_reader(0, 0, 0, 0);
	if (fd < 0) {
		printf("attach: %s\n", strerrorname_np(errno));
		return 3;
	}
	printf("ready %d\n", getpid());
	fflush(stdout);
	for (;;) {
		n = read(fd, ev, sizeof(ev));
		if (n > 0) {
			records += n / sizeof(ev[0]);
			continue;
		}
		if (n == 0) {
			printf("end: EOF %llu\n", records);
			return 0;
		}
		if (errno == EINTR)
			continue;
		printf("end: %s %llu\n", strerrorname_np(errno), records);
		return errno == ENODEV ? 0 : 1;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int stress(double seconds)
{
	long ps = page_size(), rounds = 0, forks = 0;
	double end = now() + seconds;
	unsigned int r = getpid();

	while (now() < end) {
		size_t pages = 1 + (r = r * 1103515245 + 12345) % 64;
		size_t len = pages * ps;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pid_t pid;
		int st;

		if (p == MAP_FAILED) {
			printf("stress %d: mmap %zu pages: %s\n", getpid(), pages,
			       strerrorname_np(errno));
			return 1;
		}
		memset(p, 1, len);
		if (mprotect(p, ps, PROT_READ) ||
		    mprotect(p, ps, PROT_READ | PROT_WRITE) ||
		    (pages > 2 && munmap(p + ps, ps))) {
			printf("stress %d: mprotect/munmap: %s\n", getpid(),
			       strerrorname_np(errno));
			return 1;
		}
		if (rounds % 32 == 0) {
			pid = fork();
			if (pid < 0) {
				printf("stress %d: fork: %s\n", getpid(),
				       strerrorname_np(errno));
				return 1;
			}
			if (pid == 0) {
				char *q = mmap(NULL, 8 * ps, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

				if (q == MAP_FAILED)
					_exit(1);
				memset(q, 2, 8 * ps);
				p[0] = 3;	/* copy-on-write of the parent's page */
				_exit(0);
			}
			if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
			    WEXITSTATUS(st)) {
				printf("stress %d: child %d status 0x%x\n", getpid(),
				       pid, st);
				return 1;
			}
			forks++;
		}
		munmap(p, len);
		rounds++;
	}
	printf("stress %d: %ld rounds, %ld forks\n", getpid(), rounds, forks);
	return 0;
}

static int rearm(long n)
{
	struct vmacct_trace t;
	pid_t child;
	long i;
	int fd;

	child = fork();
	if (child == 0) {
		char *p = mmap(NULL, 2 * page_size(), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		for (;;) {
			mprotect(p, page_size(), PROT_READ);
			mprotect(p, page_size(), PROT_READ | PROT_WRITE);
		}
	}
	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	for (i = 0; fd >= 0 && i < n; i++) {
		memset(&t, 0, sizeof(t));
		t.size = sizeof(t);
		t.flags = i & 1 ? VMACCT_TRACE_NO_MAP_COUNT : 0;
		if (ioctl(fd, VMACCT_IOC_TRACE, &t)) {
			printf("rearm %ld: %s\n", i, strerrorname_np(errno));
			break;
		}
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	printf("rearm: %ld toggles\n", i);
	return i == n ? 0 : 1;
}

static int hold(long pages)
{
	if (pages < 0 || mmap(NULL, pages * sysconf(_SC_PAGESIZE),
			      PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED) {
		printf("hold %ld pages: %s\n", pages, strerror(errno));
		return 1;
	}
	printf("held %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}

static int bgsave(long mib)
{
	size_t bytes = (size_t)mib << 20;
	char *heap = mib > 0 ? malloc(bytes) : NULL;
	pid_t child;

	if (!heap || prctl(PR_SET_NAME, "redis-server", 0, 0, 0)) {
		printf("bgsave: a heap of %ld MiB: %s\n", mib, strerror(errno));
		return 1;
	}
	memset(heap, 1, bytes);
	child = fork();
	if (child == 0)
		_exit(0);
	if (child < 0)
		printf("Can't save in background: fork: %s\n", strerror(errno));
	else
		printf("Background saving started by pid %d\n", (int)child);
	if (child > 0)
		waitpid(child, NULL, 0);
	printf("pid %d\n", (int)getpid());
	return 0;
}

static int kinds(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	int a = shmget(IPC_PRIVATE, 128 * ps, IPC_CREAT | 0600);
	int b = shmget(IPC_PRIVATE, 64 * ps, IPC_CREAT | SHM_NORESERVE | 0600);
	int m = memfd_create("vmacct-demo", 0);
	char *p, *q, *page = calloc(1, ps);
	int i;

	if (a < 0 || b < 0 || m < 0 || !page) {
		printf("kinds: %s\n", strerror(errno));
		return 1;
	}
	shmat(a, NULL, 0);		/* removed once detached at exit */
	p = shmat(b, NULL, 0);
	shmctl(a, IPC_RMID, NULL);
	shmctl(b, IPC_RMID, NULL);
	q = mmap(NULL, 64 * ps, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == (void *)-1 || q == MAP_FAILED ||
	    mmap(NULL, 96 * ps, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ||
	    mmap(NULL, 256 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED) {
		printf("kinds: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < 16; i++)
		p[i * ps] = 1;
	for (i = 0; i < 8; i++)
		q[i * ps] = 1;
	for (i = 0; i < 32; i++)
		if (write(m, page, ps) != ps)
			return 1;
	printf("held %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char *argv[])
{
	if (argc == 2 && strcmp(argv[1], "reader") == 0)
		return reader();
	if (argc == 3 && strcmp(argv[1], "stress") == 0)
		return stress(atof(argv[2]));
	if (argc == 3 && strcmp(argv[1], "rearm") == 0)
		return rearm(atol(argv[2]));
	if (argc == 3 && strcmp(argv[1], "hold") == 0)
		return hold(atol(argv[2]));
	if (argc == 2 && strcmp(argv[1], "kinds") == 0)
		return kinds();
	if (argc == 3 && strcmp(argv[1], "bgsave") == 0)
		return bgsave(atol(argv[2]));
	fprintf(stderr, "usage: %s reader | stress SECONDS | rearm N | hold PAGES | kinds | bgsave MIB\n",
		argv[0]);
	return 64;
}
