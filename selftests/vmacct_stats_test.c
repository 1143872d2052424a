// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftest: the counters since load (stats/enabled, VMACCT_IOC_STATS).
 *
 * Each test takes the counters, makes calls whose outcome it knows from
 * the system call itself (granted, refused with ENOMEM by commit
 * accounting, refused by vm.max_map_count), takes them again and compares
 * the difference with what it did.  The guest runs nothing else while a
 * test runs, so the differences are exact; another process allocating at
 * the same moment would show up as a larger count, and the test logs
 * every slot that moved.
 *
 * Runs as root (writes stats/enabled and vm sysctls) with vmacct.ko
 * loaded; restores both.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_mm_util.h"
#include "vmacct_trace_util.h"

#define TIB		(1ULL << 40)	/* above RAM + swap of any test guest */
#define MAP_BASE	0x400000000000UL

static int stats_ioctl(int fd, struct vmacct_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	return ioctl(fd, VMACCT_IOC_STATS, s);
}

static unsigned long long sum(const __u64 *v)
{
	unsigned long long n = 0;
	int i;

	for (i = 0; i < VMACCT_STATS_SLOTS; i++)
		n += v[i];
	return n;
}

/* Log every slot that moved between a and b. */
static void log_moved(struct __test_metadata *_metadata,
		      const struct vmacct_stats *a, const struct vmacct_stats *b)
{
	int i;

	for (i = 0; i < VMACCT_STATS_SLOTS; i++) {
		if (a->decisions[i] != b->decisions[i] || a->denied[i] != b->denied[i])
			TH_LOG("  caller %d: decisions +%llu, denied +%llu", i,
			       (unsigned long long)(b->decisions[i] - a->decisions[i]),
			       (unsigned long long)(b->denied[i] - a->denied[i]));
		if (a->map_count[i] != b->map_count[i])
			TH_LOG("  syscall %d: map-count failures +%llu", i,
			       (unsigned long long)(b->map_count[i] - a->map_count[i]));
	}
}

#define D(a, b, field, i)	((long long)((b).field[i] - (a).field[i]))

FIXTURE(stats) {
	int fd;
	long long was_enabled;
	struct saved_sysctls saved;
};

FIXTURE_SETUP(stats)
{
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
	self->was_enabled = sysfs_ll("stats/enabled");
	ASSERT_LE(0, self->was_enabled);
	ASSERT_EQ(0, set_sysfs("stats/enabled", 1));
	ASSERT_EQ(1, sysfs_ll("stats/enabled"));
}

FIXTURE_TEARDOWN(stats)
{
	if (self->fd < 0)
		return;
	restore_sysctls(&self->saved);
	set_sysfs("stats/enabled", self->was_enabled);
	close(self->fd);
}

/*
 * Mode 0: N private writable mappings are granted, M requests of 1 TiB
 * (more than RAM + swap) are refused: N + M decisions by mmap, M of them
 * denied, and no other caller.
 */
TEST_F(stats, mmap_decisions_and_denials)
{
	const int n = 64, m = 5;
	struct vmacct_stats a, b;
	long psz = page_size();
	int i, refused = 0;
	void *p;

	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	ASSERT_EQ(0, stats_ioctl(self->fd, &a));
	for (i = 0; i < n; i++) {
		p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, munmap(p, psz));
	}
	for (i = 0; i < m; i++) {
		p = mmap(NULL, TIB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED && errno == ENOMEM)
			refused++;
		else if (p != MAP_FAILED)
			munmap(p, TIB);
	}
	ASSERT_EQ(0, stats_ioctl(self->fd, &b));
	log_moved(_metadata, &a, &b);

	ASSERT_EQ(m, refused) TH_LOG("mode 0 must refuse 1 TiB");
	EXPECT_EQ(1, b.enabled);
	EXPECT_EQ(n + m, D(a, b, decisions, VMACCT_CALLER_MMAP));
	EXPECT_EQ(m, D(a, b, denied, VMACCT_CALLER_MMAP));
	EXPECT_EQ(n + m, (long long)(sum(b.decisions) - sum(a.decisions)));
	EXPECT_EQ(m, (long long)(sum(b.denied) - sum(a.denied)));
	EXPECT_EQ(0, (long long)(sum(b.map_count) - sum(a.map_count)));
	EXPECT_LT(a.counting_ns, b.counting_ns);
}

/*
 * fork() charges each VM_ACCOUNT VMA of the parent once (dup_mmap()): K
 * forks count K x nr_accounted decisions by fork, as VMACCT_IOC_MM counts
 * the VMAs just before.
 */
TEST_F(stats, fork_one_decision_per_charged_vma)
{
	const int k = 3;
	struct vmacct_stats a, b;
	struct vmacct_mm mm;
	int i, status;
	pid_t pid;

	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	ASSERT_EQ(0, mm_ioctl(self->fd, 0, &mm));
	ASSERT_LT(0, mm.nr_accounted);
	ASSERT_EQ(0, stats_ioctl(self->fd, &a));
	for (i = 0; i < k; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(0);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
	}
	ASSERT_EQ(0, stats_ioctl(self->fd, &b));
	log_moved(_metadata, &a, &b);

	EXPECT_EQ((long long)k * mm.nr_accounted,
		  D(a, b, decisions, VMACCT_CALLER_FORK))
		TH_LOG("%d forks of a process with %u accounted VMAs", k,
		       mm.nr_accounted);
	EXPECT_EQ(0, D(a, b, denied, VMACCT_CALLER_FORK));
}

/*
 * max_map_count = map_count + 10: mmap until ENOMEM (one failure), then
 * munmap of the middle page of a 3-page mapping (a split, refused): one
 * map-count failure each, by mmap and by munmap, and no decision.
 */
TEST_F(stats, map_count_failures)
{
	struct vmacct_stats a, b;
	long psz = page_size();
	int i, max, err = 0;
	char *tri, *p;

	tri = mmap(NULL, 3 * psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, tri);
	max = vt_map_count();
	ASSERT_LT(0, max);
	max += 10;
	ASSERT_EQ(0, stats_ioctl(self->fd, &a));
	ASSERT_EQ(0, set_sysctl("max_map_count", max));
	for (i = 0; i < 64; i++) {
		p = mmap((void *)(MAP_BASE + 2UL * i * psz), psz, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED) {
			err = errno;
			break;
		}
	}
	ASSERT_EQ(ENOMEM, err) TH_LOG("mmap %d: %s", i, strerror(err));
	EXPECT_EQ(-1, munmap(tri + psz, psz));
	EXPECT_EQ(ENOMEM, errno);
	ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
	ASSERT_EQ(0, stats_ioctl(self->fd, &b));
	log_moved(_metadata, &a, &b);

	EXPECT_EQ(1, D(a, b, map_count, VMACCT_SYS_MMAP));
	EXPECT_EQ(1, D(a, b, map_count, VMACCT_SYS_MUNMAP));
	EXPECT_EQ(2, (long long)(sum(b.map_count) - sum(a.map_count)));
	EXPECT_EQ(0, (long long)(sum(b.decisions) - sum(a.decisions)));
	munmap((void *)MAP_BASE, 2UL * i * psz);
	munmap(tri, 3 * psz);
}

/*
 * Off: nothing is counted (not even with a trace reader arming the same
 * probes), the counts stay, the counting time stops; the sysfs totals are
 * the sums of the ioctl's slots.  On again: counting resumes from there.
 */
TEST_F(stats, off_keeps_counts_and_counts_nothing)
{
	struct vmacct_stats a, b, c;
	long psz = page_size();
	int i, reader;
	void *p;

	ASSERT_EQ(0, set_sysfs("stats/enabled", 0));
	ASSERT_EQ(0, sysfs_ll("stats/enabled"));
	ASSERT_EQ(0, stats_ioctl(self->fd, &a));
	EXPECT_EQ(0, a.enabled);

	reader = vt_open_reader(0, 0, 0, 0);
	ASSERT_LE(0, reader);
	for (i = 0; i < 16; i++) {
		p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, p);
		munmap(p, psz);
	}
	EXPECT_EQ(MAP_FAILED, mmap(NULL, TIB, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	close(reader);
	ASSERT_EQ(0, stats_ioctl(self->fd, &b));
	log_moved(_metadata, &a, &b);

	EXPECT_EQ(0, memcmp(a.decisions, b.decisions, sizeof(a.decisions)));
	EXPECT_EQ(0, memcmp(a.denied, b.denied, sizeof(a.denied)));
	EXPECT_EQ(0, memcmp(a.map_count, b.map_count, sizeof(a.map_count)));
	EXPECT_EQ(a.counting_ns, b.counting_ns);

	EXPECT_EQ((long long)sum(b.decisions), sysfs_ll("stats/decisions"));
	EXPECT_EQ((long long)sum(b.denied), sysfs_ll("stats/denied"));
	EXPECT_EQ((long long)sum(b.map_count), sysfs_ll("stats/map_count"));
	EXPECT_EQ((long long)(b.counting_ns / 1000000000),
		  sysfs_ll("stats/counting_seconds"));

	ASSERT_EQ(0, set_sysfs("stats/enabled", 1));
	/* counting alone is no trace: trace/enabled says "a reader exists" */
	EXPECT_EQ(0, sysfs_ll("trace/enabled"));
	p = mmap(NULL, psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, psz);
	ASSERT_EQ(0, stats_ioctl(self->fd, &c));
	EXPECT_EQ(1, c.enabled);
	EXPECT_EQ(1, D(b, c, decisions, VMACCT_CALLER_MMAP));
	EXPECT_LT(b.counting_ns, c.counting_ns);
}

/* A trace reader and counting at once: each sees every decision. */
TEST_F(stats, counts_match_a_trace_reader)
{
	struct vmacct_event ev[64];
	struct vmacct_stats a, b;
	long psz = page_size();
	int i, n = 0, reader;
	ssize_t len;
	void *p;

	reader = vt_open_reader(0, 0, getpid(), 1);
	ASSERT_LE(0, reader);
	ASSERT_EQ(0, stats_ioctl(self->fd, &a));
	for (i = 0; i < 10; i++) {
		p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, p);
		munmap(p, psz);
	}
	ASSERT_EQ(0, stats_ioctl(self->fd, &b));
	while ((len = read(reader, ev, sizeof(ev))) > 0)
		for (i = 0; i < len / (ssize_t)sizeof(ev[0]); i++)
			n += ev[i].type == VMACCT_EV_DECISION &&
			     ev[i].caller == VMACCT_CALLER_MMAP;
	close(reader);
	log_moved(_metadata, &a, &b);

	EXPECT_EQ(10, n);
	EXPECT_EQ(n, D(a, b, decisions, VMACCT_CALLER_MMAP));
}

/* stats/enabled: root only, a boolean. */
TEST_F(stats, enabled_refuses_garbage_and_other_users)
{
	int status;
	pid_t pid;
	int f;

	f = open(SYSFS "stats/enabled", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, f);
	errno = 0;
	EXPECT_EQ(-1, write(f, "2\n", 2));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, write(f, "maybe", 5));
	EXPECT_EQ(EINVAL, errno);
	close(f);
	EXPECT_EQ(1, sysfs_ll("stats/enabled"));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct vmacct_stats s;

		if (become_nobody())
			_exit(10);
		if (open(SYSFS "stats/enabled", O_WRONLY | O_CLOEXEC) >= 0 ||
		    errno != EACCES)
			_exit(11);
		/* the counters are system-wide, like /proc/vmstat: readable */
		if (stats_ioctl(self->fd, &s) || !s.enabled)
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10: cannot become nobody; 11: nobody may write stats/enabled; 12: nobody cannot read the counters");
}

/* VMACCT_IOC_STATS on arg: 0, or the errno. */
static int stats_errno(int fd, void *arg)
{
	return ioctl(fd, VMACCT_IOC_STATS, arg) ? errno : 0;
}

TEST(stats_ioctl_rejects_bad_input)
{
	struct {
		struct vmacct_stats s;
		char tail[64];
	} big;
	struct vmacct_stats s;
	int fd;

	OPEN_DEVNODE_OR_SKIP(fd);

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.flags = 1;
	EXPECT_EQ(EINVAL, stats_errno(fd, &s)) TH_LOG("flags 1");
	s.flags = 0;
	s.reserved = 1;
	EXPECT_EQ(EINVAL, stats_errno(fd, &s)) TH_LOG("reserved 1");
	s.reserved = 0;
	s.size = VMACCT_STATS_SIZE_VER0 - 8;
	EXPECT_EQ(EINVAL, stats_errno(fd, &s)) TH_LOG("size below VER0");
	s.size = 4097;
	EXPECT_EQ(E2BIG, stats_errno(fd, &s)) TH_LOG("size above a page");

	memset(&big, 0, sizeof(big));
	big.s.size = sizeof(big);
	big.tail[10] = 1;
	EXPECT_EQ(E2BIG, stats_errno(fd, &big)) TH_LOG("non-zero tail");

	/* a larger caller with a zero tail: the module writes its own size */
	big.tail[10] = 0;
	EXPECT_EQ(0, stats_errno(fd, &big));
	EXPECT_EQ(sizeof(struct vmacct_stats), big.s.size);
	EXPECT_EQ(VMACCT_STATS_SIZE_VER0, sizeof(struct vmacct_stats));
	close(fd);
}

TEST_HARNESS_MAIN
