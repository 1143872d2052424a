// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftests: the global commit terms.
 *
 * Every value vmacct reports is checked against an independent source:
 * the sysctls in /proc/sys/vm, /proc/meminfo, and the outcome of real
 * mmap()/munmap() calls.  Charges are measured as deltas inside the test
 * body, because the harness itself maps and forks.
 *
 * Needs root (it writes sysctls) and a loaded vmacct module; otherwise
 * every test says SKIP with the reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_util.h"

#define POISON		0xcc
#define NR_PAGES	4096UL	/* 16 MiB: above any background noise */

static int commit_ioctl(int fd, struct vmacct_commit *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	return ioctl(fd, VMACCT_IOC_COMMIT, c);
}

static unsigned long long committed_now(int fd)
{
	struct vmacct_commit c;

	if (commit_ioctl(fd, &c))
		return ~0ULL;
	return c.committed;
}

/* Skip unless root and the module is there; return an open /dev/vmacct. */
#define NEED_VMACCT(fdvar) do {						\
	SKIP_UNLESS_ROOT("to write vm sysctls");			\
	OPEN_DEVNODE_OR_SKIP(fdvar);					\
} while (0)

static const char * const policy_files[] = {
	"overcommit_memory", "overcommit_ratio", "overcommit_kbytes",
	"max_map_count", "admin_reserve_kbytes", "user_reserve_kbytes",
};

/* Every policy/ file equals its sysctl. */
TEST(policy_files_equal_sysctls)
{
	char path[128];
	unsigned int i;
	int fd;

	NEED_VMACCT(fd);
	for (i = 0; i < sizeof(policy_files) / sizeof(policy_files[0]); i++) {
		snprintf(path, sizeof(path), "policy/%s", policy_files[i]);
		EXPECT_EQ(sysctl_ll(policy_files[i]), sysfs_ll(path))
			TH_LOG("%s", policy_files[i]);
	}
	close(fd);
}

/* The shared sysctls, and nr_hugepages that one test here writes. */
struct commit_saved {
	struct saved_sysctls sys;
	long long hugepages;
};

/* Open the device (or SKIP) and save the sysctls; -1 in *fd means skipped. */
#define SYSCTL_FIXTURE_SETUP(fdvar, saved) do {				\
	fdvar = -1;							\
	NEED_VMACCT(fdvar);						\
	save_sysctls(&(saved)->sys);					\
	(saved)->hugepages = sysctl_ll("nr_hugepages");			\
	ASSERT_SAVED_POLICY(&(saved)->sys);				\
} while (0)

static void sysctl_fixture_teardown(int fd, const struct commit_saved *saved)
{
	if (fd < 0)
		return;
	set_sysctl("nr_hugepages", saved->hugepages);
	restore_sysctls(&saved->sys);
	close(fd);
}

FIXTURE(sysctls) {
	int fd;
	struct commit_saved saved;
};

FIXTURE_SETUP(sysctls)
{
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
}

FIXTURE_TEARDOWN(sysctls)
{
	sysctl_fixture_teardown(self->fd, &self->saved);
}

static void expect_policy_matches(struct __test_metadata *_metadata)
{
	char path[128];
	unsigned int i;

	for (i = 0; i < sizeof(policy_files) / sizeof(policy_files[0]); i++) {
		snprintf(path, sizeof(path), "policy/%s", policy_files[i]);
		EXPECT_EQ(sysctl_ll(policy_files[i]), sysfs_ll(path))
			TH_LOG("%s", policy_files[i]);
	}
	EXPECT_EQ(kb_to_pages(meminfo_kb("CommitLimit")),
		  sysfs_ll("commit/limit"));
}

/* policy/ follows every sysctl write, including the handlers' side effects. */
TEST_F(sysctls, policy_files_follow_sysctl_writes)
{
	static const struct { const char *name; long long v; } writes[] = {
		{ "overcommit_memory", 2 },
		{ "overcommit_memory", 1 },
		{ "overcommit_memory", 0 },
		{ "overcommit_ratio", 37 },
		{ "max_map_count", 12345 },
		{ "admin_reserve_kbytes", 4096 },
		{ "user_reserve_kbytes", 65536 },
		{ "overcommit_kbytes", 123456 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		ASSERT_EQ(0, set_sysctl(writes[i].name, writes[i].v))
			TH_LOG("write %s: %s", writes[i].name, strerror(errno));
		ASSERT_EQ(writes[i].v, sysctl_ll(writes[i].name));
		expect_policy_matches(_metadata);
	}

	/* The kernel's handler zeroed the ratio; vmacct must show that. */
	EXPECT_EQ(0, sysfs_ll("policy/overcommit_ratio"));
	EXPECT_EQ(123456, sysfs_ll("policy/overcommit_kbytes"));
	/* kbytes mode: limit = kbytes in pages + swap, hugetlb ignored */
	EXPECT_EQ(kb_to_pages(123456) + sysfs_ll("commit/total_swap"),
		  sysfs_ll("commit/limit"));

	/* And back: writing the ratio zeroes kbytes. */
	ASSERT_EQ(0, set_sysctl("overcommit_ratio", 80));
	EXPECT_EQ(0, sysfs_ll("policy/overcommit_kbytes"));
	EXPECT_EQ(80, sysfs_ll("policy/overcommit_ratio"));
	expect_policy_matches(_metadata);
}

/* commit/limit is CommitLimit for several ratios, to the page. */
TEST_F(sysctls, limit_equals_commitlimit)
{
	static const int ratios[] = { 0, 1, 50, 99, 100, 250 };
	unsigned int i;

	for (i = 0; i < sizeof(ratios) / sizeof(ratios[0]); i++) {
		ASSERT_EQ(0, set_sysctl("overcommit_ratio", ratios[i]));
		EXPECT_EQ(kb_to_pages(meminfo_kb("CommitLimit")),
			  sysfs_ll("commit/limit"))
			TH_LOG("overcommit_ratio=%d", ratios[i]);
	}
}

/* hugetlb pages are recomputed from hstates[]: check against a real pool. */
TEST_F(sysctls, hugetlb_pool_counts_and_shrinks_limit)
{
	long long got, hpage_kb;

	hpage_kb = meminfo_kb("Hugepagesize");
	if (hpage_kb <= 0)
		SKIP(return, "kernel without hugetlb pages");
	ASSERT_EQ(0, set_sysctl("overcommit_ratio", 50));
	if (set_sysctl("nr_hugepages", 4))
		SKIP(return, "cannot write nr_hugepages: %s", strerror(errno));
	got = sysctl_ll("nr_hugepages");
	if (got <= 0)
		SKIP(return, "could not allocate any huge page");

	EXPECT_EQ(got * kb_to_pages(hpage_kb), sysfs_ll("commit/hugetlb"));
	EXPECT_EQ(kb_to_pages(meminfo_kb("Hugetlb")),
		  sysfs_ll("commit/hugetlb"));
	EXPECT_EQ(kb_to_pages(meminfo_kb("CommitLimit")),
		  sysfs_ll("commit/limit"));

	ASSERT_EQ(0, set_sysctl("nr_hugepages", 0));
	EXPECT_EQ(0, sysfs_ll("commit/hugetlb"));
	EXPECT_EQ(kb_to_pages(meminfo_kb("CommitLimit")),
		  sysfs_ll("commit/limit"));
}

/*
 * commit/committed is Committed_AS.  Both are exact sums, so with a
 * reading of each bracketing the other they must agree exactly; retry a
 * few times in case something else charged in between.
 */
TEST(committed_equals_committed_as)
{
	long long before, as, after;
	int fd, tries;

	NEED_VMACCT(fd);
	for (tries = 0; tries < 5; tries++) {
		before = sysfs_ll("commit/committed");
		as = kb_to_pages(meminfo_kb("Committed_AS"));
		after = sysfs_ll("commit/committed");
		if (before == after)
			break;
	}
	ASSERT_EQ(before, after);
	EXPECT_EQ(before, as);
	close(fd);
}

/* The approximate read the kernel compares is within the stated error. */
TEST(committed_read_within_error)
{
	struct vmacct_commit c;
	long long diff;
	int fd;

	NEED_VMACCT(fd);
	ASSERT_EQ(0, commit_ioctl(fd, &c));
	diff = (long long)c.committed - (long long)c.committed_read;
	if (diff < 0)
		diff = -diff;
	EXPECT_LE(diff, (long long)c.committed_error);
	EXPECT_EQ(c.online_cpus * (c.committed_batch - 1ULL),
		  c.committed_error);
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), c.online_cpus);
	EXPECT_LT(0, c.committed_batch);
	close(fd);
}

/* The ioctl snapshot against /proc/meminfo and the sysctls. */
TEST(commit_ioctl_matches_meminfo)
{
	struct vmacct_commit c;
	int fd;

	NEED_VMACCT(fd);
	ASSERT_EQ(0, commit_ioctl(fd, &c));
	EXPECT_EQ(sizeof(c), c.size);
	EXPECT_EQ(0, c.flags);
	EXPECT_EQ(page_size(), c.page_size);
	EXPECT_EQ(kb_to_pages(meminfo_kb("MemTotal")), c.totalram);
	EXPECT_EQ(kb_to_pages(meminfo_kb("SwapTotal")), c.total_swap);
	EXPECT_EQ(kb_to_pages(meminfo_kb("SwapFree")), c.free_swap);
	EXPECT_EQ(kb_to_pages(meminfo_kb("Hugetlb")), c.hugetlb);
	EXPECT_EQ(kb_to_pages(meminfo_kb("CommitLimit")), c.limit);
	EXPECT_EQ(c.totalram + c.total_swap, c.guess_ceiling);
	EXPECT_EQ(sysctl_ll("overcommit_memory"), c.overcommit_memory);
	EXPECT_EQ(sysctl_ll("overcommit_ratio"), c.overcommit_ratio);
	EXPECT_EQ(sysctl_ll("overcommit_kbytes"), c.overcommit_kbytes);
	EXPECT_EQ(sysctl_ll("max_map_count"), c.max_map_count);
	EXPECT_EQ(sysctl_ll("admin_reserve_kbytes"), c.admin_reserve_kbytes);
	EXPECT_EQ(sysctl_ll("user_reserve_kbytes"), c.user_reserve_kbytes);
	EXPECT_EQ(kb_to_pages(c.admin_reserve_kbytes), c.admin_reserve);
	EXPECT_EQ(kb_to_pages(c.user_reserve_kbytes), c.user_reserve);
	EXPECT_EQ(sysfs_ll("commit/committed_batch"), c.committed_batch);
	close(fd);
}

/*
 * Charges.  Each variant maps NR_PAGES with the given flags in the given
 * overcommit mode and states how many pages Committed_AS must rise by.
 */
FIXTURE(charge) {
	int fd;
	struct commit_saved saved;
};

FIXTURE_SETUP(charge)
{
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
}

FIXTURE_TEARDOWN(charge)
{
	sysctl_fixture_teardown(self->fd, &self->saved);
}

FIXTURE_VARIANT(charge) {
	int mode;
	int prot;
	int flags;
	unsigned long charge;	/* expected pages */
};

FIXTURE_VARIANT_ADD(charge, private_mode0) {
	.mode = 0, .prot = PROT_READ | PROT_WRITE,
	.flags = MAP_PRIVATE | MAP_ANONYMOUS, .charge = NR_PAGES,
};

FIXTURE_VARIANT_ADD(charge, private_mode1) {
	.mode = 1, .prot = PROT_READ | PROT_WRITE,
	.flags = MAP_PRIVATE | MAP_ANONYMOUS, .charge = NR_PAGES,
};

FIXTURE_VARIANT_ADD(charge, private_mode2) {
	.mode = 2, .prot = PROT_READ | PROT_WRITE,
	.flags = MAP_PRIVATE | MAP_ANONYMOUS, .charge = NR_PAGES,
};

FIXTURE_VARIANT_ADD(charge, private_readonly_mode0) {
	.mode = 0, .prot = PROT_READ,
	.flags = MAP_PRIVATE | MAP_ANONYMOUS, .charge = 0,
};

FIXTURE_VARIANT_ADD(charge, noreserve_mode0) {
	.mode = 0, .prot = PROT_READ | PROT_WRITE,
	.flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, .charge = 0,
};

FIXTURE_VARIANT_ADD(charge, noreserve_mode1) {
	.mode = 1, .prot = PROT_READ | PROT_WRITE,
	.flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, .charge = 0,
};

/* Mode 2 ignores MAP_NORESERVE. */
FIXTURE_VARIANT_ADD(charge, noreserve_mode2) {
	.mode = 2, .prot = PROT_READ | PROT_WRITE,
	.flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	.charge = NR_PAGES,
};

/* The shmem object is charged once, at mmap, whatever is touched later. */
FIXTURE_VARIANT_ADD(charge, shared_anon_mode0) {
	.mode = 0, .prot = PROT_READ | PROT_WRITE,
	.flags = MAP_SHARED | MAP_ANONYMOUS, .charge = NR_PAGES,
};

FIXTURE_VARIANT_ADD(charge, shared_anon_mode2) {
	.mode = 2, .prot = PROT_READ | PROT_WRITE,
	.flags = MAP_SHARED | MAP_ANONYMOUS, .charge = NR_PAGES,
};

/*
 *   before        mmap NR_PAGES        touch all        munmap
 *   C0  ------>  C0 + charge  ------>  C0 + charge  -->  C0
 *
 * Each step is read three ways: the ioctl, commit/committed and
 * Committed_AS in /proc/meminfo; all must show the same delta.
 */
TEST_F(charge, mmap_charges_exactly)
{
	unsigned long long c0, c1, c2, c3;
	long long m0, m1, s0, s1;
	size_t len = NR_PAGES * page_size();
	char *p;
	size_t off;

	ASSERT_EQ(0, set_sysctl("overcommit_ratio", 100));
	ASSERT_EQ(0, set_sysctl("overcommit_memory", variant->mode));
	ASSERT_EQ(variant->mode, sysfs_ll("policy/overcommit_memory"));

	m0 = kb_to_pages(meminfo_kb("Committed_AS"));
	s0 = sysfs_ll("commit/committed");
	c0 = committed_now(self->fd);
	p = mmap(NULL, len, variant->prot, variant->flags, -1, 0);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	c1 = committed_now(self->fd);
	s1 = sysfs_ll("commit/committed");
	m1 = kb_to_pages(meminfo_kb("Committed_AS"));

	EXPECT_EQ(variant->charge, c1 - c0);
	EXPECT_EQ((long long)variant->charge, s1 - s0);
	EXPECT_EQ((long long)variant->charge, m1 - m0);

	if (variant->prot & PROT_WRITE) {
		for (off = 0; off < len; off += page_size())
			p[off] = 1;
		c2 = committed_now(self->fd);
		EXPECT_EQ(variant->charge, c2 - c0)
			TH_LOG("touching the pages changed the charge");
	}

	ASSERT_EQ(0, munmap(p, len));
	c3 = committed_now(self->fd);
	EXPECT_EQ(c0, c3) TH_LOG("munmap did not give the charge back");
}

/* The ioctl rejects each malformed argument with the documented errno. */
TEST(ioctl_rejects_bad_input)
{
	long psz = page_size();
	struct vmacct_commit c;
	struct vmacct_version v;
	char *page, *big;
	int fd;

	NEED_VMACCT(fd);

	/* unknown commands */
	EXPECT_EQ(-1, ioctl(fd, _IOWR(VMACCT_IOC_MAGIC, 0x7f, __u32), &c));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOWR('x', 0x01, struct vmacct_commit), &c));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IO(VMACCT_IOC_MAGIC, 0x01), &c));
	EXPECT_EQ(ENOTTY, errno) TH_LOG("right number, wrong direction");

	/* bad pointers */
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_COMMIT, NULL));
	EXPECT_EQ(EFAULT, errno);
	page = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	memset(page, 0, psz);
	((struct vmacct_commit *)page)->size = sizeof(c);
	ASSERT_EQ(0, mprotect(page, psz, PROT_READ));
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_COMMIT, page));
	EXPECT_EQ(EFAULT, errno) TH_LOG("read-only argument");
	ASSERT_EQ(0, munmap(page, psz));
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_COMMIT, page));
	EXPECT_EQ(EFAULT, errno) TH_LOG("unmapped argument");
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_VERSION, (void *)-4096L));
	EXPECT_EQ(EFAULT, errno) TH_LOG("kernel address");

	/* sizes */
	memset(&c, 0, sizeof(c));
	c.size = 0;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_COMMIT, &c));
	EXPECT_EQ(EINVAL, errno);
	c.size = VMACCT_COMMIT_SIZE_VER0 - 1;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_COMMIT, &c));
	EXPECT_EQ(EINVAL, errno);
	memset(&v, 0, sizeof(v));
	v.size = 4;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_VERSION, &v));
	EXPECT_EQ(EINVAL, errno);

	/* a caller that knows a bigger struct: zero tail is fine */
	big = calloc(1, psz + 2);
	ASSERT_NE(NULL, big);
	((struct vmacct_commit *)big)->size = sizeof(c) + 16;
	EXPECT_EQ(0, ioctl(fd, VMACCT_IOC_COMMIT, big));
	EXPECT_EQ(sizeof(c), ((struct vmacct_commit *)big)->size);
	/* ... a non-zero byte in the tail is not */
	((struct vmacct_commit *)big)->size = sizeof(c) + 16;
	big[sizeof(c) + 15] = 1;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_COMMIT, big));
	EXPECT_EQ(E2BIG, errno);
	big[sizeof(c) + 15] = 0;
	/* ... and more than a page is refused outright */
	((struct vmacct_commit *)big)->size = psz + 1;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_COMMIT, big));
	EXPECT_EQ(E2BIG, errno);
	((struct vmacct_commit *)big)->size = psz;
	EXPECT_EQ(0, ioctl(fd, VMACCT_IOC_COMMIT, big));
	((struct vmacct_commit *)big)->size = 0xffffffffu;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_COMMIT, big));
	EXPECT_EQ(E2BIG, errno);
	free(big);

	/* input fields must be zero */
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_COMMIT, &c));
	EXPECT_EQ(EINVAL, errno);
	c.flags = 0x80000000u;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_COMMIT, &c));
	EXPECT_EQ(EINVAL, errno);
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	v.reserved = 1ULL << 63;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_VERSION, &v));
	EXPECT_EQ(EINVAL, errno);

	close(fd);
}

/*
 * The size bits of the command number do not matter: "size" in the
 * structure does.  A caller built with another struct size still works.
 */
TEST(ioctl_ignores_size_bits_of_command)
{
	struct vmacct_commit c;
	int fd;

	NEED_VMACCT(fd);
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	EXPECT_EQ(0, ioctl(fd, _IOWR(VMACCT_IOC_MAGIC, 0x01, char[200]), &c));
	EXPECT_EQ(kb_to_pages(meminfo_kb("CommitLimit")), c.limit);
	close(fd);
}

/* Every output field is written: none keeps the poison. */
static void expect_no_poison(struct __test_metadata *_metadata,
			     const void *buf, size_t len, const char *what)
{
	const unsigned char *b = buf;
	uint32_t word, poison;
	size_t off;

	memset(&poison, POISON, sizeof(poison));
	for (off = 8; off + 4 <= len; off += 4) {
		memcpy(&word, b + off, 4);
		EXPECT_NE(poison, word)
			TH_LOG("%s: bytes %zu..%zu not written", what, off,
			       off + 3);
	}
}

TEST(ioctl_writes_every_output_field)
{
	struct vmacct_commit c;
	struct vmacct_version v;
	int fd;

	NEED_VMACCT(fd);

	memset(&c, POISON, sizeof(c));
	c.size = sizeof(c);
	c.flags = 0;
	ASSERT_EQ(0, ioctl(fd, VMACCT_IOC_COMMIT, &c));
	expect_no_poison(_metadata, &c, sizeof(c), "vmacct_commit");

	memset(&v, POISON, sizeof(v));
	v.size = sizeof(v);
	v.reserved = 0;
	ASSERT_EQ(0, ioctl(fd, VMACCT_IOC_VERSION, &v));
	expect_no_poison(_metadata, &v, sizeof(v), "vmacct_version");
	EXPECT_EQ(VMACCT_ABI_VERSION, v.abi_version);
	EXPECT_EQ(sizeof(struct vmacct_commit), v.commit_size);
	EXPECT_EQ(VMACCT_ALGO_V5_2, v.algorithm);
	close(fd);
}

/* The version ioctl agrees with uname and sysfs. */
TEST(version_matches_uname_and_sysfs)
{
	struct vmacct_version v;
	unsigned int a, b, s = 0, m1, m2, m3;
	char rel[128], ver[32];
	int fd, vfd;
	ssize_t n;
	FILE *f;

	NEED_VMACCT(fd);
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	ASSERT_EQ(0, ioctl(fd, VMACCT_IOC_VERSION, &v));

	f = fopen("/proc/sys/kernel/osrelease", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(rel, sizeof(rel), f));
	fclose(f);
	ASSERT_LE(2, sscanf(rel, "%u.%u.%u", &a, &b, &s));
	EXPECT_EQ((a << 16) | (b << 8) | (s > 255 ? 255 : s),
		  v.kernel_version);

	vfd = open(SYSFS "version", O_RDONLY);
	ASSERT_LE(0, vfd);
	n = read(vfd, ver, sizeof(ver) - 1);
	close(vfd);
	ASSERT_LT(0, n);
	ver[n] = '\0';
	ASSERT_EQ(3, sscanf(ver, "%u.%u.%u", &m1, &m2, &m3));
	EXPECT_EQ((m1 << 16) | (m2 << 8) | m3, v.module_version);
	close(fd);
}

/* The global terms are open to anyone: they are in /proc/meminfo. */
TEST(unprivileged_reader_gets_global_terms)
{
	int fd, status;
	pid_t pid;

	NEED_VMACCT(fd);
	close(fd);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct vmacct_commit c;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		fd = open(DEVNODE, O_RDONLY);
		if (fd < 0)
			_exit(11);
		if (commit_ioctl(fd, &c))
			_exit(12);
		if (c.limit != (unsigned long long)
			      kb_to_pages(meminfo_kb("CommitLimit")))
			_exit(13);
		if (sysfs_ll("commit/limit") < 0)
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
