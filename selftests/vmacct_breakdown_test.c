// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftests: VMACCT_IOC_BREAKDOWN, Committed_AS accounted for.
 *
 * Each test takes a breakdown, creates one kind of charge of a known
 * size, and takes another: that kind must move by exactly the pages
 * created, every other kind not at all, and Committed_AS (the module's
 * exact read, and /proc/meminfo's) by the same pages: the kernel's own
 * account is the independent source.  The guest is quiet (one test
 * program at a time), and the stack is grown beforehand, so that nothing
 * else charges in between.  Then: the remainder of a quiet guest within
 * its bound, an address space shared by two processes counted once, the
 * permission and the argument checks, and the walk at 1,000 processes
 * and 10,000 tmpfs files, timed for the record.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_util.h"

#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif

static int bd_read(int fd, struct vmacct_breakdown *b)
{
	memset(b, 0, sizeof(*b));
	b->size = sizeof(*b);
	return ioctl(fd, VMACCT_IOC_BREAKDOWN, b) ? errno : 0;
}

static long long bd_remainder(const struct vmacct_breakdown *b)
{
	long long r = b->committed_before;
	unsigned int i;

	for (i = 0; i < b->nr_kinds; i++)
		r -= (long long)b->pages[i];
	return r;
}

static const char *const kind_name[VMACCT_BD_KINDS] = {
	"private", "sysv", "shared_anon", "shmem_whole", "tmpfs", "memfd",
	"sysv_pages", "shared_anon_pages", "shmem_pages",
};

/* Grow the stack now, so that no later call charges stack growth. */
static void __attribute__((noinline)) grow_stack(void)
{
	volatile char pad[256 * 1024];

	memset((char *)pad, 1, sizeof(pad));
}

FIXTURE(bd) {
	int fd;
	struct saved_sysctls saved;
	struct vmacct_breakdown a;	/* before */
	long long meminfo_a;		/* Committed_AS, pages, before */
	char dir[64];			/* a tmpfs of the test's, or "" */
};

FIXTURE_SETUP(bd)
{
	self->fd = -1;
	self->dir[0] = '\0';
	OPEN_DEVNODE_OR_SKIP(self->fd);
	SKIP_UNLESS_ROOT("(the breakdown needs CAP_PERFMON or CAP_SYS_ADMIN)");
	save_sysctls(&self->saved);
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	grow_stack();
}

FIXTURE_TEARDOWN(bd)
{
	if (self->dir[0]) {
		umount2(self->dir, MNT_DETACH);
		rmdir(self->dir);
	}
	if (self->fd >= 0) {
		restore_sysctls(&self->saved);
		close(self->fd);
	}
}

static void before(struct __test_metadata *_metadata, FIXTURE_DATA(bd) *self)
{
	self->meminfo_a = kb_to_pages(meminfo_kb("Committed_AS"));
	ASSERT_EQ(0, bd_read(self->fd, &self->a));
	ASSERT_EQ(VMACCT_BD_KINDS, self->a.nr_kinds);
	ASSERT_EQ(0, self->a.unwalked) TH_LOG("a kernel without CONFIG_SHMEM?");
}

/*
 * Since before(): kind moved by exactly pages (objects by objs), every
 * other kind not at all, Committed_AS by charged pages.
 */
static void moved(struct __test_metadata *_metadata, FIXTURE_DATA(bd) *self,
		  int kind, long long pages, long long objs, long long charged)
{
	struct vmacct_breakdown b;
	long long meminfo_b;
	int i;

	ASSERT_EQ(0, bd_read(self->fd, &b));
	meminfo_b = kb_to_pages(meminfo_kb("Committed_AS"));
	for (i = 0; i < VMACCT_BD_KINDS; i++) {
		long long d = (long long)(b.pages[i] - self->a.pages[i]);

		EXPECT_EQ(i == kind ? pages : 0, d)
			TH_LOG("%s moved by %lld pages", kind_name[i], d);
	}
	if (kind >= 0)
		EXPECT_EQ(objs, (long long)(b.objects[kind] - self->a.objects[kind]));
	EXPECT_EQ(charged, b.committed_before - self->a.committed_before);
	EXPECT_EQ(charged, meminfo_b - self->meminfo_a);
	EXPECT_EQ(bd_remainder(&self->a), bd_remainder(&b))
		TH_LOG("the remainder moved: %lld -> %lld", bd_remainder(&self->a),
		       bd_remainder(&b));
}

TEST_F(bd, private_anonymous_mapping)
{
	long ps = page_size();
	char *p;

	before(_metadata, self);
	p = mmap(NULL, 300 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	moved(_metadata, self, VMACCT_BD_PRIVATE, 300, 0, 300);
	munmap(p, 300 * ps);
}

TEST_F(bd, private_writable_file_mapping)
{
	long ps = page_size();
	char path[] = "/tmp/vmacct-bd-XXXXXX";
	int fd = mkstemp(path);
	char *p;

	ASSERT_LE(0, fd);
	unlink(path);
	ASSERT_EQ(0, ftruncate(fd, 40 * ps));
	before(_metadata, self);
	p = mmap(NULL, 40 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	moved(_metadata, self, VMACCT_BD_PRIVATE, 40, 0, 40);
	munmap(p, 40 * ps);
	close(fd);
}

TEST_F(bd, sysv_segment_charged_by_size)
{
	long ps = page_size();
	int id;

	before(_metadata, self);
	id = shmget(IPC_PRIVATE, 100 * ps - 10, IPC_CREAT | 0600);
	ASSERT_LE(0, id) TH_LOG("shmget: %s", strerror(errno));
	moved(_metadata, self, VMACCT_BD_SYSV, 100, 1, 100);
	ASSERT_EQ(0, shmctl(id, IPC_RMID, NULL));
	moved(_metadata, self, -1, 0, 0, 0);
}

TEST_F(bd, sysv_noreserve_charged_by_page)
{
	long ps = page_size();
	char *p;
	int id, i;

	before(_metadata, self);
	id = shmget(IPC_PRIVATE, 100 * ps, IPC_CREAT | SHM_NORESERVE | 0600);
	ASSERT_LE(0, id);
	moved(_metadata, self, -1, 0, 0, 0);
	p = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	for (i = 0; i < 7; i++)
		p[i * ps] = 1;
	moved(_metadata, self, VMACCT_BD_SYSV_PAGES, 7, 1, 7);
	shmdt(p);
	shmctl(id, IPC_RMID, NULL);
}

TEST_F(bd, shared_anonymous_charged_by_size)
{
	long ps = page_size();
	char *p;

	before(_metadata, self);
	p = mmap(NULL, 64 * ps, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	moved(_metadata, self, VMACCT_BD_SHARED_ANON, 64, 1, 64);
	munmap(p, 64 * ps);
}

/* Mode 0 honours MAP_NORESERVE: each page as it is touched. */
TEST_F(bd, shared_anonymous_noreserve_charged_by_page)
{
	long ps = page_size();
	char *p;

	before(_metadata, self);
	p = mmap(NULL, 64 * ps, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	moved(_metadata, self, -1, 0, 0, 0);
	p[0] = p[5 * ps] = p[63 * ps] = 1;
	moved(_metadata, self, VMACCT_BD_SHARED_ANON_PAGES, 3, 1, 3);
	munmap(p, 64 * ps);
}

/* Mode 2 ignores MAP_NORESERVE (mm/mmap.c accountable_mapping()). */
TEST_F(bd, shared_anonymous_noreserve_in_mode_2_by_size)
{
	long ps = page_size();
	char *p;

	ASSERT_EQ(0, set_sysctl("overcommit_kbytes", 1LL << 40));
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 2));
	before(_metadata, self);
	p = mmap(NULL, 64 * ps, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	moved(_metadata, self, VMACCT_BD_SHARED_ANON, 64, 1, 64);
	munmap(p, 64 * ps);
}

/* Write one page more at a time: the kind follows page by page. */
static void page_by_page(struct __test_metadata *_metadata,
			 FIXTURE_DATA(bd) *self, int fd, int kind)
{
	long ps = page_size();
	char *page = calloc(1, ps);
	int i;

	ASSERT_NE(NULL, page);
	before(_metadata, self);
	for (i = 1; i <= 4; i++) {
		ASSERT_EQ(ps, pwrite(fd, page, ps, (i - 1) * ps));
		moved(_metadata, self, kind, i, 1, i);
	}
	ASSERT_EQ(0, ftruncate(fd, ps));	/* pages given back */
	moved(_metadata, self, kind, 1, 1, 1);
	free(page);
}

TEST_F(bd, memfd_page_by_page)
{
	int fd = memfd_create("vmacct-bd", 0);

	ASSERT_LE(0, fd);
	page_by_page(_metadata, self, fd, VMACCT_BD_MEMFD);
	close(fd);
}

TEST_F(bd, tmpfs_file_page_by_page)
{
	char path[96];
	int fd;

	snprintf(self->dir, sizeof(self->dir), "/tmp/vmacct-bd-tmpfs-%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	ASSERT_EQ(0, mount("tmpfs", self->dir, "tmpfs", 0, "size=16m"))
		TH_LOG("mount tmpfs: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", self->dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	ASSERT_LE(0, fd);
	page_by_page(_metadata, self, fd, VMACCT_BD_TMPFS);
	close(fd);
}

/* devtmpfs is shmem too: a file written in /dev, reached as /dev. */
TEST_F(bd, devtmpfs_file_page_by_page)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/vmacct-bd-%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	unlink(path);		/* evicted at close */
	page_by_page(_metadata, self, fd, VMACCT_BD_TMPFS);
	close(fd);
}

/* hugetlb charges nothing: its pool is taken out of CommitLimit. */
TEST_F(bd, hugetlb_charged_nowhere)
{
	long long saved = sysctl_ll("nr_hugepages");
	size_t len = 2UL << 20;
	char *p;

	if (saved < 0 || set_sysctl("nr_hugepages", saved + 1) ||
	    sysctl_ll("nr_hugepages") < saved + 1) {
		set_sysctl("nr_hugepages", saved);
		SKIP(return, "no huge page to reserve (nr_hugepages)");
	}
	before(_metadata, self);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p == MAP_FAILED) {
		set_sysctl("nr_hugepages", saved);
		SKIP(return, "MAP_HUGETLB: %s", strerror(errno));
	}
	p[0] = 1;
	moved(_metadata, self, -1, 0, 0, 0);
	munmap(p, len);
	set_sysctl("nr_hugepages", saved);
}

/*
 * In a quiet guest everything is attributed: the remainder is zero, or
 * within its bound (how far Committed_AS moved during the walk).
 */
TEST_F(bd, quiet_remainder_within_bound)
{
	struct vmacct_breakdown b;
	long long rem, bound;
	int i;

	ASSERT_EQ(0, bd_read(self->fd, &b));
	rem = bd_remainder(&b);
	bound = llabs(b.committed_after - b.committed_before);
	for (i = 0; i < VMACCT_BD_KINDS; i++)
		TH_LOG("%-18s %8llu pages, %llu holders", kind_name[i],
		       (unsigned long long)b.pages[i], (unsigned long long)b.objects[i]);
	TH_LOG("Committed_AS %lld, remainder %lld, bound %lld; %u superblocks, %llu inodes, %u exiting; %.2f ms",
	       (long long)b.committed_before, rem, bound, b.superblocks,
	       (unsigned long long)b.inodes, b.mms_unread, b.walk_ns / 1e6);
	EXPECT_LE(llabs(rem), bound);
	EXPECT_LE(2, b.superblocks) TH_LOG("the kernel's shm_mnt and a mount at least");
}

static int sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/* clone(CLONE_VM) without CLONE_THREAD: one mm, two processes, once. */
TEST_F(bd, shared_address_space_counted_once)
{
	long ps = page_size();
	char *stack = mmap(NULL, 64 * ps, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	ASSERT_NE(MAP_FAILED, stack);
	before(_metadata, self);
	pid = clone(sleeper, stack + 64 * ps, CLONE_VM | SIGCHLD, NULL);
	ASSERT_LT(0, pid);
	moved(_metadata, self, VMACCT_BD_PRIVATE, 0, 0, 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	munmap(stack, 64 * ps);
}

TEST_F(bd, arguments_and_permission)
{
	struct vmacct_breakdown b;
	int status;
	pid_t pid;

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMACCT_IOC_BREAKDOWN, &b));
	EXPECT_EQ(EINVAL, errno);
	memset(&b, 0, sizeof(b));
	b.size = VMACCT_BREAKDOWN_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(self->fd, VMACCT_IOC_BREAKDOWN, &b));
	EXPECT_EQ(EINVAL, errno);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* nobody, no capability left */
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(bd_read(self->fd, &b) == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("as nobody: status %#x (1: not EPERM)", status);
}

#define SCALE_PROCS	1000
#define SCALE_FILES	10000

/*
 * At scale: 1,000 processes with 4 charged pages of their own and
 * 10,000 one-page tmpfs files, every one of them attributed; the walk's
 * time is printed for the record (make check's note quotes it).  Under
 * KASAN (make check-debug) a fifth of each, in the time the runner gives.
 */
TEST_F_TIMEOUT(bd, at_scale_every_process_and_file, 150)
{
	struct vmacct_breakdown b;
	struct vmacct_mm m = { .size = sizeof(m) };
	long ps = page_size();
	static pid_t kids[SCALE_PROCS];
	int procs = kernel_has_kasan() ? SCALE_PROCS / 5 : SCALE_PROCS;
	int files = kernel_has_kasan() ? SCALE_FILES / 5 : SCALE_FILES;
	char path[96], *page;
	int i, fd, pipefd[2];
	long long charge;

	snprintf(self->dir, sizeof(self->dir), "/tmp/vmacct-bd-scale-%d", getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	ASSERT_EQ(0, mount("tmpfs", self->dir, "tmpfs", 0, "size=128m,nr_inodes=20000"));
	page = calloc(1, ps);
	ASSERT_NE(NULL, page);
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(0, ioctl(self->fd, VMACCT_IOC_MM, &m));
	charge = m.charge;	/* what each child inherits */
	before(_metadata, self);

	for (i = 0; i < procs; i++) {
		kids[i] = fork();
		ASSERT_LE(0, kids[i]);
		if (!kids[i]) {		/* 4 pages more, then wait for SIGKILL */
			if (mmap(NULL, 4 * ps, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
				_exit(1);
			if (write(pipefd[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
	}
	for (i = 0; i < procs; i++) {
		char c;

		ASSERT_EQ(1, read(pipefd[0], &c, 1));
	}
	TH_LOG("%d processes forked", procs);
	for (i = 0; i < files; i++) {
		snprintf(path, sizeof(path), "%s/%d", self->dir, i);
		fd = open(path, O_WRONLY | O_CREAT, 0600);
		ASSERT_LE(0, fd);
		ASSERT_EQ(ps, write(fd, page, ps));
		close(fd);
	}
	TH_LOG("%d files written", files);
	ASSERT_EQ(0, bd_read(self->fd, &b));
	TH_LOG("walk of %llu address spaces and %llu shmem inodes on %u superblocks: %.1f ms",
	       (unsigned long long)b.objects[VMACCT_BD_PRIVATE],
	       (unsigned long long)b.inodes, b.superblocks, b.walk_ns / 1e6);
	EXPECT_EQ(procs, (long long)(b.objects[VMACCT_BD_PRIVATE] -
					   self->a.objects[VMACCT_BD_PRIVATE]));
	EXPECT_EQ(procs * (charge + 4),
		  (long long)(b.pages[VMACCT_BD_PRIVATE] - self->a.pages[VMACCT_BD_PRIVATE]));
	EXPECT_EQ(files, (long long)(b.pages[VMACCT_BD_TMPFS] -
					   self->a.pages[VMACCT_BD_TMPFS]));
	EXPECT_EQ(files, (long long)(b.objects[VMACCT_BD_TMPFS] -
					   self->a.objects[VMACCT_BD_TMPFS]));
	EXPECT_EQ(bd_remainder(&self->a), bd_remainder(&b));

	close(pipefd[1]);
	for (i = 0; i < procs; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < procs; i++)
		waitpid(kids[i], NULL, 0);
	close(pipefd[0]);
	free(page);
}

TEST_HARNESS_MAIN
