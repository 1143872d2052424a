// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftest: the recorder (recorder/, VMACCT_IOC_LOG).
 *
 * With no trace reader, each test provokes refusals whose outcome it sees
 * in the system call itself (ENOMEM from mmap, brk, fork, munmap), then
 * reads the records added since and checks that there is exactly one per
 * refusal, with the terms that explain it, and that what the record says
 * would have been enough, applied, lets the same call pass.  The guest
 * runs nothing else while a test runs.
 *
 * Runs as root (writes vm sysctls and recorder/) with vmacct.ko loaded
 * with the recorder on (the default); restores both.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_mm_util.h"
#include "vmacct_trace_util.h"

#define TIB		(1ULL << 40)	/* above RAM + swap of any test guest */
#define MAP_BASE	0x400000000000UL
#define MAXREC		256

static int log_ioctl(int fd, __u64 since, struct vmacct_record *recs,
		     __u32 nr, struct vmacct_log *l)
{
	memset(l, 0, sizeof(*l));
	l->size = sizeof(*l);
	l->since = since;
	l->records = (__u64)(uintptr_t)recs;
	l->nr = nr;
	l->record_size = sizeof(*recs);
	return ioctl(fd, VMACCT_IOC_LOG, l);
}

/* Refusals recorded since load. */
static long long rec_total(int fd)
{
	struct vmacct_log l;

	if (log_ioctl(fd, 0, NULL, 0, &l))
		return -1;
	return (long long)l.total;
}

/* The records numbered after @before, into @recs; how many, or -1. */
static int records_after(int fd, long long before, struct vmacct_record *recs)
{
	struct vmacct_log l;

	if (log_ioctl(fd, before + 1, recs, MAXREC, &l))
		return -1;
	return (int)l.nr;
}

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

FIXTURE(rec) {
	int fd;
	long long was_on, was_size;
	struct saved_sysctls saved;
	struct vmacct_record recs[MAXREC];
};

FIXTURE_SETUP(rec)
{
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
	self->was_on = sysfs_ll("recorder/enabled");
	self->was_size = sysfs_ll("recorder/size");
	ASSERT_LE(0, self->was_on) TH_LOG("no recorder/ in sysfs");
	/*
	 * A fix applied is tried with a margin of 16 or 64 pages: the
	 * compared count must not move by another CPU's delta meanwhile.
	 */
	ASSERT_LE(0, pin_to_this_cpu()) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, set_sysfs("recorder/enabled", 1));
	/* no reader: the records must come with nobody watching */
	ASSERT_EQ(0, sysfs_ll("trace/enabled"));
}

FIXTURE_TEARDOWN(rec)
{
	if (self->fd < 0)
		return;
	restore_sysctls(&self->saved);
	set_sysfs("recorder/size", self->was_size);
	set_sysfs("recorder/enabled", self->was_on);
	close(self->fd);
}

/* The fields every record of this process must have. */
static void check_header(struct __test_metadata *_metadata,
			 const struct vmacct_record *r, long long t0,
			 long long t1)
{
	EXPECT_EQ(sizeof(*r), r->size);
	EXPECT_EQ(VMACCT_EVENT_VERSION, r->ev.version);
	EXPECT_EQ((__u32)getpid(), r->ev.tgid);
	EXPECT_EQ((__u32)getuid(), r->uid);
	EXPECT_EQ(-ENOMEM, r->ev.verdict);
	EXPECT_LE(t0, r->realtime_ns);
	EXPECT_GE(t1, r->realtime_ns);
	EXPECT_LT(0, (long long)r->boottime_ns);
}

/*
 * Mode 0: five requests of 1 TiB by mmap and one by brk are refused (the
 * system calls say so): six records, in order, numbered one after the
 * other, each with the pages asked and a ceiling below them.
 */
TEST_F(rec, mode0_refusals_each_recorded)
{
	const int n = 5;
	long long before, t0, t1;
	long psz = page_size();
	void *p, *brk0;
	int i, got;

	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	before = rec_total(self->fd);
	ASSERT_LE(0, before);
	t0 = now_ns(CLOCK_REALTIME);
	for (i = 0; i < n; i++) {
		p = mmap(NULL, TIB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_EQ(MAP_FAILED, p);
		ASSERT_EQ(ENOMEM, errno);
	}
	brk0 = sbrk(0);
	ASSERT_EQ((void *)-1, sbrk((intptr_t)TIB));
	ASSERT_EQ(brk0, sbrk(0));
	t1 = now_ns(CLOCK_REALTIME);

	got = records_after(self->fd, before, self->recs);
	ASSERT_EQ(n + 1, got);
	for (i = 0; i < got; i++) {
		const struct vmacct_record *r = &self->recs[i];

		check_header(_metadata, r, t0, t1);
		EXPECT_EQ(before + 1 + i, (long long)r->seq);
		EXPECT_EQ(VMACCT_EV_DECISION, r->ev.type);
		EXPECT_EQ(i < n ? VMACCT_CALLER_MMAP : VMACCT_CALLER_BRK,
			  r->ev.caller);
		EXPECT_EQ(0, r->ev.mode);
		EXPECT_EQ((long long)(TIB / psz), r->ev.pages);
		EXPECT_LT(r->ev.guess_ceiling, (__u64)r->ev.pages);
		/* no setting but mode 1 helps in mode 0 */
		EXPECT_EQ(0, r->min_ratio);
		EXPECT_EQ(0, r->min_kbytes);
	}
	EXPECT_EQ(before + n + 1, rec_total(self->fd));
	EXPECT_EQ(before + n + 1, sysfs_ll("recorder/records"));
}

/*
 * Mode 2 at ratio R with a request half a ratio step too large: refused.
 * The record says overcommit_ratio R + 1 would have allowed it, and it
 * does, and R does not; its overcommit_kbytes, applied, allows it too.
 */
TEST_F(rec, mode2_refusal_and_its_fix)
{
	const long ratio = 90;
	long long before, step, pages, need;
	struct vmacct_commit c;
	const struct vmacct_record *r;
	int got, err;

	ASSERT_EQ(0, set_sysctl("overcommit_kbytes", 0));
	ASSERT_EQ(0, set_sysctl("overcommit_ratio", ratio));
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 2));
	ASSERT_EQ(0, commit_ioctl(self->fd, &c));
	step = (long long)(c.totalram - c.hugetlb) / 100;
	ASSERT_LT(1000, step);
	/* allowed - 1 - committed pages fit (user reserve: ours, about) */
	need = (long long)c.limit - (long long)c.admin_reserve -
	       (long long)c.committed_read;
	ASSERT_LT(step, need) TH_LOG("Committed_AS too high for this test");
	pages = need + step / 2;

	before = rec_total(self->fd);
	err = try_map(pages);
	ASSERT_EQ(ENOMEM, err);
	got = records_after(self->fd, before, self->recs);
	ASSERT_EQ(1, got);
	r = &self->recs[0];
	check_header(_metadata, r, 0, now_ns(CLOCK_REALTIME));
	EXPECT_EQ(VMACCT_CALLER_MMAP, r->ev.caller);
	EXPECT_EQ(2, r->ev.mode);
	EXPECT_EQ(pages, r->ev.pages);
	EXPECT_GE(r->ev.committed, r->ev.allowed)
		TH_LOG("the record's terms must explain the refusal");
	EXPECT_EQ(ratio + 1, (long)r->min_ratio)
		TH_LOG("limit %llu, committed %lld, step %lld",
		       (unsigned long long)r->ev.limit,
		       (long long)r->ev.committed, step);

	ASSERT_EQ(0, set_sysctl("overcommit_ratio", r->min_ratio));
	EXPECT_EQ(0, try_map(pages)) TH_LOG("ratio %u must allow it",
					    r->min_ratio);
	ASSERT_EQ(0, set_sysctl("overcommit_ratio", r->min_ratio - 1));
	EXPECT_EQ(ENOMEM, try_map(pages));
	/* 16 pages for what the kernel may have charged in between */
	ASSERT_EQ(0, set_sysctl("overcommit_kbytes", r->min_kbytes +
				16 * (page_size() / 1024)));
	EXPECT_EQ(0, try_map(pages)) TH_LOG("kbytes %llu must allow it",
					    (unsigned long long)r->min_kbytes);
}

/*
 * A Redis-style fork: a parent holding one large private writable
 * mapping forks in mode 2 with the limit set so that the copy does not
 * fit.  fork() fails with ENOMEM; the record says fork, and its pages are
 * at least the mapping's (the charge that tipped it).
 */
TEST_F(rec, fork_refusal_recorded)
{
	long long before, pages;
	struct vmacct_commit c;
	const struct vmacct_record *r;
	long psz = page_size();
	size_t len;
	pid_t pid;
	int got, i;
	void *p;

	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	ASSERT_EQ(0, commit_ioctl(self->fd, &c));
	pages = (long long)c.totalram / 4;
	len = pages * psz;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	/* the limit: what is committed now plus half the mapping */
	ASSERT_EQ(0, commit_ioctl(self->fd, &c));
	ASSERT_EQ(0, set_sysctl("overcommit_kbytes",
				((long long)c.committed + pages / 2 +
				 (long long)c.admin_reserve) * (psz / 1024)));
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 2));

	before = rec_total(self->fd);
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	ASSERT_EQ(-1, pid) TH_LOG("fork must be refused");
	ASSERT_EQ(ENOMEM, errno);
	got = records_after(self->fd, before, self->recs);
	ASSERT_EQ(1, got) TH_LOG("one refused charge stops the fork");
	r = &self->recs[0];
	for (i = 0; i < got; i++)
		check_header(_metadata, &self->recs[i], 0,
			     now_ns(CLOCK_REALTIME));
	EXPECT_EQ(VMACCT_CALLER_FORK, r->ev.caller);
	EXPECT_LE(pages, r->ev.pages);
	EXPECT_NE(VMACCT_RATIO_NONE, r->min_ratio);

	/* its kbytes let the fork pass */
	ASSERT_EQ(0, set_sysctl("overcommit_kbytes", r->min_kbytes +
				64 * (psz / 1024)));
	pid = fork();
	if (pid == 0)
		_exit(0);
	EXPECT_LT(0, pid) TH_LOG("fork with overcommit_kbytes %llu: %s",
				 (unsigned long long)r->min_kbytes,
				 strerror(errno));
	if (pid > 0)
		waitpid(pid, NULL, 0);
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	munmap(p, len);
}

/*
 * vm.max_map_count = map_count + 10: mmap until ENOMEM, then munmap of
 * the middle page of a 3-page mapping: one record each, with map_count
 * and max; the max_map_count each names lets the same call pass.
 */
TEST_F(rec, map_count_failures_and_their_fix)
{
	long long before;
	long psz = page_size();
	int i, max, got, err = 0;
	char *tri, *p, *at;

	tri = mmap(NULL, 3 * psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ASSERT_NE(MAP_FAILED, tri);
	max = vt_map_count() + 10;
	before = rec_total(self->fd);
	ASSERT_EQ(0, set_sysctl("max_map_count", max));
	for (i = 0; i < 64; i++) {
		at = (char *)(MAP_BASE + 2UL * i * psz);
		p = mmap(at, psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
			 MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED) {
			err = errno;
			break;
		}
	}
	ASSERT_EQ(ENOMEM, err);
	ASSERT_EQ(-1, munmap(tri + psz, psz));
	ASSERT_EQ(ENOMEM, errno);

	got = records_after(self->fd, before, self->recs);
	ASSERT_EQ(2, got);
	check_header(_metadata, &self->recs[0], 0, now_ns(CLOCK_REALTIME));
	check_header(_metadata, &self->recs[1], 0, now_ns(CLOCK_REALTIME));
	EXPECT_EQ(VMACCT_EV_MAP_COUNT, self->recs[0].ev.type);
	EXPECT_EQ(VMACCT_SYS_MMAP, self->recs[0].ev.caller);
	EXPECT_EQ(VMACCT_SYS_MUNMAP, self->recs[1].ev.caller);
	EXPECT_EQ(max, (int)self->recs[0].ev.max_map_count);
	EXPECT_LT(max, (int)self->recs[0].ev.map_count);

	/* each fix, applied, lets its call pass */
	ASSERT_EQ(0, set_sysctl("max_map_count",
				self->recs[0].min_max_map_count));
	p = mmap(at, psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_FIXED_NOREPLACE, -1, 0);
	EXPECT_NE(MAP_FAILED, p) TH_LOG("mmap with max_map_count %lld: %s",
					(long long)self->recs[0].min_max_map_count,
					strerror(errno));
	if (p != MAP_FAILED)
		munmap(p, psz);
	ASSERT_EQ(0, set_sysctl("max_map_count",
				self->recs[1].min_max_map_count));
	EXPECT_EQ(0, munmap(tri + psz, psz))
		TH_LOG("munmap with max_map_count %lld: %s",
		       (long long)self->recs[1].min_max_map_count,
		       strerror(errno));
	ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
	munmap((void *)MAP_BASE, 2UL * i * psz);
	munmap(tri, 3 * psz);
}

/* Off: refusals are not kept, the records stay readable; on again. */
TEST_F(rec, off_records_nothing_and_keeps_records)
{
	long long before;
	struct vmacct_log l;
	int i;

	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	ASSERT_EQ(ENOMEM, try_map(TIB / page_size()));
	before = rec_total(self->fd);
	ASSERT_LT(0, before);
	ASSERT_EQ(0, set_sysfs("recorder/enabled", 0));
	EXPECT_EQ(0, sysfs_ll("recorder/enabled"));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(ENOMEM, try_map(TIB / page_size()));
	EXPECT_EQ(before, rec_total(self->fd));
	ASSERT_EQ(0, log_ioctl(self->fd, before, self->recs, 1, &l));
	EXPECT_EQ(1, l.nr);
	EXPECT_EQ(before, (long long)self->recs[0].seq);
	EXPECT_EQ(0, l.enabled);
	ASSERT_EQ(0, set_sysfs("recorder/enabled", 1));
	ASSERT_EQ(ENOMEM, try_map(TIB / page_size()));
	EXPECT_EQ(before + 1, rec_total(self->fd));
}

/*
 * A ring of 16 and 20 refusals: the newest 16 are kept, numbered; asking
 * from the first says 4 were overwritten.
 */
TEST_F(rec, ring_keeps_the_newest)
{
	const int n = 20, size = VMACCT_RECORDER_MIN;
	long long before;
	struct vmacct_log l;
	int i;

	ASSERT_EQ(0, set_sysfs("recorder/size", size));
	EXPECT_EQ(size, sysfs_ll("recorder/size"));
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	before = rec_total(self->fd);
	for (i = 0; i < n; i++)
		ASSERT_EQ(ENOMEM, try_map(TIB / page_size() + i));
	ASSERT_EQ(0, log_ioctl(self->fd, before + 1, self->recs, MAXREC, &l));
	EXPECT_EQ(n - size, (long long)l.lost);
	EXPECT_EQ(size, (int)l.nr);
	EXPECT_EQ(size, (int)l.capacity);
	EXPECT_EQ(before + n + 1, (long long)l.next);
	for (i = 0; i < (int)l.nr; i++) {
		EXPECT_EQ(before + n - size + 1 + i,
			  (long long)self->recs[i].seq);
		/* the i-th kept is the (n - size + i)-th request */
		EXPECT_EQ((long long)(TIB / page_size()) + n - size + i,
			  self->recs[i].ev.pages);
	}
	/* a larger ring keeps those 16 and does not bring the 4 back */
	ASSERT_EQ(0, set_sysfs("recorder/size", 4 * size));
	ASSERT_EQ(0, log_ioctl(self->fd, before + 1, self->recs, MAXREC, &l));
	EXPECT_EQ(n - size, (long long)l.lost);
	EXPECT_EQ(size, (int)l.nr);
	for (i = 0; i < (int)l.nr; i++) {
		EXPECT_EQ(VMACCT_EVENT_VERSION, self->recs[i].ev.version);
		EXPECT_EQ(before + n - size + 1 + i,
			  (long long)self->recs[i].seq);
	}
	/* out of range sizes are refused */
	EXPECT_EQ(-1, set_sysfs("recorder/size", size - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_sysfs("recorder/size", VMACCT_RECORDER_MAX + 1));
	EXPECT_EQ(EINVAL, errno);
}

#define NGROUPS		(VMACCT_OVERWRITES_MAX + 1)

/* What the ring overwrote, into @g; how many groups, or -1. */
static int overwrites_ioctl(int fd, struct vmacct_overwrite *g)
{
	struct vmacct_overwrites q;

	memset(&q, 0, sizeof(q));
	memset(g, 0, NGROUPS * sizeof(*g));
	q.size = sizeof(q);
	q.records = (__u64)(uintptr_t)g;
	q.nr = NGROUPS;
	q.record_size = sizeof(*g);
	return ioctl(fd, VMACCT_IOC_OVERWRITES, &q) ? -1 : (int)q.nr;
}

/* The group of @tgid's refusals of @caller in @g, or NULL. */
static const struct vmacct_overwrite *
group_of(const struct vmacct_overwrite *g, int n, pid_t tgid, __u32 caller)
{
	int i;

	for (i = 0; i < n; i++)
		if (!(g[i].flags & VMACCT_OVERWRITE_REST) &&
		    g[i].tgid == tgid && g[i].type == VMACCT_EV_DECISION &&
		    g[i].caller == caller)
			return &g[i];
	return NULL;
}

/* The count of the rest's group in @g (0 without one). */
static __u64 rest_of(const struct vmacct_overwrite *g, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (g[i].flags & VMACCT_OVERWRITE_REST)
			return g[i].count;
	return 0;
}

/* A child named @name that is refused @n mmaps, then @m brks; its pid. */
static pid_t refused_child(const char *name, int n, int m)
{
	pid_t pid = fork();
	int i;

	if (pid)
		return pid;
	prctl(PR_SET_NAME, name);
	for (i = 0; i < n; i++)
		if (try_map(TIB / page_size()) != ENOMEM)
			_exit(1);
	for (i = 0; i < m; i++)
		if (sbrk((intptr_t)TIB) != (void *)-1 || errno != ENOMEM)
			_exit(2);
	_exit(0);
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/*
 * A storm of one process's refusals in a ring of 64: the ring keeps the
 * newest and counts the rest in that process's group of mmap refusals;
 * shrinking the ring to 16 counts the records it drops there too.  The
 * 107 refusals (100 by mmap, then 7 by brk) leave 16 kept and 91 mmap
 * refusals counted, between the first and the last overwritten, with
 * the process's name and uid; none of its brk refusals.
 */
TEST_F(rec, storm_overwritten_is_counted)
{
	struct vmacct_overwrite g[NGROUPS];
	const struct vmacct_overwrite *mine;
	long long before, t0, t1;
	struct vmacct_log l;
	int n, i;
	pid_t pid;

	ASSERT_EQ(0, set_sysfs("recorder/size", 64));
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	before = rec_total(self->fd);
	t0 = now_ns(CLOCK_REALTIME);
	pid = refused_child("vmacct-storm", 100, 7);
	ASSERT_EQ(0, reap(pid));
	t1 = now_ns(CLOCK_REALTIME);
	ASSERT_EQ(before + 107, rec_total(self->fd));

	n = overwrites_ioctl(self->fd, g);
	ASSERT_LE(1, n);
	mine = group_of(g, n, pid, VMACCT_CALLER_MMAP);
	if (mine) {
		EXPECT_EQ(43, mine->count) TH_LOG("a ring of 64 keeps 64 of 107");
	} else {
		/* the table was full before: counted with the rest */
		TH_LOG("every group taken before this test: counted in the rest");
	}

	ASSERT_EQ(0, set_sysfs("recorder/size", VMACCT_RECORDER_MIN));
	n = overwrites_ioctl(self->fd, g);
	ASSERT_LE(1, n);
	ASSERT_EQ(0, log_ioctl(self->fd, before + 1, self->recs, MAXREC, &l));
	EXPECT_EQ(VMACCT_RECORDER_MIN, (int)l.nr);
	EXPECT_EQ(107 - VMACCT_RECORDER_MIN, (long long)l.lost);
	mine = group_of(g, n, pid, VMACCT_CALLER_MMAP);
	if (!mine)
		SKIP(return, "every group was taken by earlier tests' refusals");
	EXPECT_EQ(91, mine->count);
	EXPECT_EQ(sizeof(*mine), mine->size);
	EXPECT_EQ(0, mine->flags);
	EXPECT_STREQ("vmacct-storm", mine->comm);
	EXPECT_EQ(getuid(), mine->uid);
	EXPECT_LE(t0, mine->first_ns);
	EXPECT_LE(mine->first_ns, mine->last_ns);
	EXPECT_GE(t1, mine->last_ns);
	EXPECT_EQ(before + 91, (long long)mine->last_seq);
	EXPECT_EQ(NULL, group_of(g, n, pid, VMACCT_CALLER_BRK));
	/* most first */
	for (i = 1; i < n; i++)
		EXPECT_GE(g[i - 1].count, g[i].count);
}

/*
 * More processes than groups: 40 children refused once each, pushed out
 * of a ring of 16 by 16 more refusals.  Each child has its own group
 * while there is a free one (after the group of the 16 refusals they
 * push out); the others are counted in the rest, and every one of the
 * 40 is counted once.
 */
TEST_F(rec, overwritten_beyond_the_groups_is_the_rest)
{
	struct vmacct_overwrite g[NGROUPS];
	const int kids = 40;
	pid_t pid[40], pusher;
	__u64 rest0, rest1, own = 0;
	int n, i, free0 = VMACCT_OVERWRITES_MAX;

	ASSERT_EQ(0, set_sysfs("recorder/size", VMACCT_RECORDER_MIN));
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	/* empty the ring of older records: they are counted first */
	pusher = refused_child("vmacct-push", VMACCT_RECORDER_MIN, 0);
	ASSERT_EQ(0, reap(pusher));
	n = overwrites_ioctl(self->fd, g);
	ASSERT_LE(0, n);
	rest0 = rest_of(g, n);
	for (i = 0; i < n; i++)
		free0 -= !(g[i].flags & VMACCT_OVERWRITE_REST);

	for (i = 0; i < kids; i++) {
		pid[i] = refused_child("vmacct-kid", 1, 0);
		ASSERT_EQ(0, reap(pid[i]));
	}
	pusher = refused_child("vmacct-push", VMACCT_RECORDER_MIN, 0);
	ASSERT_EQ(0, reap(pusher));

	n = overwrites_ioctl(self->fd, g);
	ASSERT_EQ(NGROUPS, n) TH_LOG("40 new processes fill every group");
	rest1 = rest_of(g, n);
	for (i = 0; i < kids; i++) {
		const struct vmacct_overwrite *k =
			group_of(g, n, pid[i], VMACCT_CALLER_MMAP);

		if (k) {
			EXPECT_EQ(1, k->count);
			EXPECT_STREQ("vmacct-kid", k->comm);
			own++;
		}
	}
	/* the first pusher's 16, overwritten first, took a group if one was free */
	EXPECT_EQ(free0 ? free0 - 1 : 0, (int)own);
	EXPECT_EQ(kids - own + (free0 ? 0 : VMACCT_RECORDER_MIN), rest1 - rest0);
}

static int peaks_ioctl(int fd, struct vmacct_peak *p, __u32 nr)
{
	struct vmacct_peaks q;

	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.records = (__u64)(uintptr_t)p;
	q.nr = nr;
	q.record_size = sizeof(*p);
	return ioctl(fd, VMACCT_IOC_PEAKS, &q) ? -1 : (int)q.nr;
}

/*
 * A child maps separate pages until it has more VMAs than the table's
 * lowest peak, names itself, reads its count in /proc/self/maps and makes
 * one more mmap() (the entry is where peaks are seen), then exits.  The
 * table lists it, after its exit, with that count.
 */
TEST_F(rec, peaks_keep_an_exited_process)
{
	struct vmacct_peak p[VMACCT_PEAKS_MAX];
	int n, i, target = 300, counts[2], pipefd[2], status;
	long psz = page_size();
	long long t0 = now_ns(CLOCK_REALTIME);
	pid_t pid;

	n = peaks_ioctl(self->fd, p, VMACCT_PEAKS_MAX);
	ASSERT_LE(0, n);
	if (n == VMACCT_PEAKS_MAX && (int)p[n - 1].peak + 64 > target)
		target = p[n - 1].peak + 64;
	ASSERT_LT(target + 100, sysctl_ll("max_map_count"));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (i = 0; vt_map_count() < target; i++)
			if (mmap((void *)(MAP_BASE + 2UL * i * psz), psz,
				 PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
				 MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED)
				_exit(1);
		prctl(PR_SET_NAME, "vmacct-peak");
		counts[0] = vt_map_count();
		mmap(NULL, psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		counts[1] = vt_map_count();
		_exit(write(pipefd[1], counts, sizeof(counts)) ==
		      sizeof(counts) ? 0 : 1);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(counts), read(pipefd[0], counts, sizeof(counts)));
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));

	n = peaks_ioctl(self->fd, p, VMACCT_PEAKS_MAX);
	ASSERT_LT(0, n);
	for (i = 0; i < n && p[i].tgid != pid; i++)
		if (i)
			EXPECT_GE(p[i - 1].peak, p[i].peak);
	ASSERT_LT(i, n) TH_LOG("pid %d (%d VMAs) not among %d peaks", pid,
			       counts[0], n);
	/* seen at the entry of the last mmap(): the count before it */
	EXPECT_EQ(counts[0], (int)p[i].peak) TH_LOG("%d VMAs after it",
						    counts[1]);
	EXPECT_STREQ("vmacct-peak", p[i].comm);
	EXPECT_EQ(sysctl_ll("max_map_count"), p[i].max_map_count);
	EXPECT_EQ(sizeof(p[i]), p[i].size);
	EXPECT_LE(t0, p[i].realtime_ns);
	EXPECT_GE(now_ns(CLOCK_REALTIME), p[i].realtime_ns);
	EXPECT_LT(0, (long long)p[i].start_boottime_ns);
}

/*
 * A child for the parent to step: for each count read from @cmd, it maps
 * or unmaps pages of its own (from @base, one VMA each) until it has that
 * many VMAs, makes one probed call that leaves the count as it is (an
 * mprotect() of its first page to the protection it has), and writes its
 * count to @ans.
 */
static void peak_stepper(int cmd, int ans, unsigned long base)
{
	long psz = page_size();
	int want, n = 0;

	prctl(PR_SET_NAME, "vmacct-step");
	while (read(cmd, &want, sizeof(want)) == sizeof(want)) {
		while (n < 1 || vt_map_count() < want)
			if (mmap((void *)(base + 2UL * n++ * psz), psz, PROT_READ,
				 MAP_PRIVATE | MAP_ANONYMOUS |
				 MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED)
				_exit(1);
		while (n > 1 && vt_map_count() > want)
			if (munmap((void *)(base + 2UL * --n * psz), psz))
				_exit(1);
		if (mprotect((void *)base, psz, PROT_READ))
			_exit(1);
		want = vt_map_count();
		if (write(ans, &want, sizeof(want)) != sizeof(want))
			_exit(1);
	}
	_exit(0);
}

/* The peak the table holds for @pid, or -1. */
static int peak_of(int fd, pid_t pid)
{
	struct vmacct_peak p[VMACCT_PEAKS_MAX];
	int n = peaks_ioctl(fd, p, VMACCT_PEAKS_MAX), i;

	for (i = 0; i < n; i++)
		if (p[i].tgid == pid)
			return (int)p[i].peak;
	return -1;
}

/*
 * Two processes in turn, each up and down: the table follows each one's
 * highest count, never lowers it, and never credits one process with the
 * other's.  (The probes settle most of these calls in line, from the slot
 * the last process was found in; a new high of the other one, even one
 * below the peak in that slot, must not be taken for one.)
 */
TEST_F(rec, peaks_follow_two_processes_in_turn)
{
	static const struct { int who, step; } steps[] = {
		{ 0, 60 }, { 1, 0 }, { 0, -50 }, { 1, 40 }, { 0, 70 },
		{ 1, -40 }, { 0, 65 }, { 1, 50 },
	};
	struct vmacct_peak p[VMACCT_PEAKS_MAX];
	int cmd[2][2], ans[2][2], high[2] = { 0, 0 }, base = 200, i, n, got;
	pid_t pid[2];

	n = peaks_ioctl(self->fd, p, VMACCT_PEAKS_MAX);
	ASSERT_LE(0, n);
	/* above the two lowest of a full table: both stay in it */
	if (n == VMACCT_PEAKS_MAX && (int)p[n - 2].peak + 64 > base)
		base = p[n - 2].peak + 64;
	ASSERT_LT(base + 200, sysctl_ll("max_map_count"));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pipe(cmd[i]));
		ASSERT_EQ(0, pipe(ans[i]));
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			close(cmd[i][1]);
			close(ans[i][0]);
			peak_stepper(cmd[i][0], ans[i][1],
				     MAP_BASE + (i + 1) * (1UL << 36));
		}
		close(cmd[i][0]);
		close(ans[i][1]);
	}
	for (i = 0; i < (int)ARRAY_SIZE(steps); i++) {
		int w = steps[i].who, want = base + steps[i].step;

		ASSERT_EQ(sizeof(want), write(cmd[w][1], &want, sizeof(want)));
		ASSERT_EQ(sizeof(got), read(ans[w][0], &got, sizeof(got)))
			TH_LOG("step %d: the child failed", i);
		ASSERT_EQ(want, got);
		high[w] = high[w] > got ? high[w] : got;
		/* seen at the entry of the mprotect(): this count */
		EXPECT_EQ(high[w], peak_of(self->fd, pid[w]))
			TH_LOG("step %d: pid %d at %d VMAs", i, pid[w], got);
		EXPECT_EQ(high[!w] ? high[!w] : -1,
			  peak_of(self->fd, pid[!w]))
			TH_LOG("step %d: the other one", i);
	}
	/* the second child holds the first one's pipes too: close all first */
	for (i = 0; i < 2; i++) {
		close(cmd[i][1]);
		close(ans[i][0]);
	}
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, reap(pid[i]));
}

#define TRACEFS		"/sys/kernel/tracing/"

/* Lines of tracefs's trace buffer that have every one of @words. */
static int trace_lines(const char *const words[])
{
	static char buf[1 << 20];
	char *line, *next;
	int n = 0, i;

	if (vt_slurp(TRACEFS "trace", buf, sizeof(buf)) < 0)
		return -1;
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (i = 0; words[i] && strstr(line, words[i]); i++)
			;
		n += !words[i];
	}
	return n;
}

/*
 * The trace events, through tracefs as perf and bpftrace see them: with
 * vmacct_decision, vmacct_refusal and vmacct_map_count enabled and no
 * reader, three mode-0 refusals of 1 TiB and one map-count failure give
 * exactly those events, with the process, the pages and the counts.
 */
TEST_F(rec, trace_events_see_each_refusal)
{
	static const char *const evs[] = {
		"vmacct_decision", "vmacct_refusal", "vmacct_map_count",
	};
	char tgid[32], pages[48], path[128], max_s[48];
	long psz = page_size();
	unsigned int i;
	int max, err = 0;
	char *tri;

	if (access(TRACEFS "events/vmacct", F_OK))
		SKIP(return, TRACEFS "events/vmacct: %s (no tracefs mounted?)",
		     strerror(errno));
	ASSERT_EQ(0, write_ll(TRACEFS "tracing_on", 1));
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), TRACEFS "events/vmacct/%s/enable",
			 evs[i]);
		ASSERT_EQ(0, write_ll(path, 1)) TH_LOG("%s", path);
	}
	/* an empty buffer: opening "trace" with O_TRUNC clears it */
	close(open(TRACEFS "trace", O_WRONLY | O_TRUNC));

	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(ENOMEM, try_map(TIB / psz));
	tri = mmap(NULL, 3 * psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ASSERT_NE(MAP_FAILED, tri);
	max = vt_map_count() - 1;
	ASSERT_EQ(0, set_sysctl("max_map_count", max));
	ASSERT_EQ(-1, munmap(tri + psz, psz));
	err = errno;
	ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
	ASSERT_EQ(ENOMEM, err);
	munmap(tri, 3 * psz);

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), TRACEFS "events/vmacct/%s/enable",
			 evs[i]);
		write_ll(path, 0);
	}
	snprintf(tgid, sizeof(tgid), " tgid=%d ", getpid());
	snprintf(pages, sizeof(pages), " pages=%llu ", TIB / psz);
	snprintf(max_s, sizeof(max_s), " max_map_count=%d ", max);
	{
		const char *const refusal[] = { "vmacct_refusal:", tgid, pages,
						"caller=mmap", NULL };
		const char *const denied[] = { "vmacct_decision:", tgid, pages,
					       "verdict=-12", NULL };
		const char *const mapc[] = { "vmacct_map_count:", tgid,
					     "syscall=munmap", max_s, NULL };

		EXPECT_EQ(3, trace_lines(refusal));
		EXPECT_EQ(3, trace_lines(denied));
		EXPECT_EQ(1, trace_lines(mapc));
	}
}

/* Bad requests and callers without the privilege are refused. */
TEST_F(rec, log_ioctl_rejects_bad_input)
{
	struct vmacct_record one;
	struct vmacct_log l;
	pid_t pid;
	int status;

	ASSERT_EQ(0, log_ioctl(self->fd, 0, &one, 1, &l));
	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.record_size = sizeof(one);
	l.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMACCT_IOC_LOG, &l));
	EXPECT_EQ(EINVAL, errno);
	l.flags = 0;
	l.record_size = VMACCT_RECORD_SIZE_VER0 - 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMACCT_IOC_LOG, &l));
	EXPECT_EQ(EINVAL, errno);
	l.size = VMACCT_LOG_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(self->fd, VMACCT_IOC_LOG, &l));
	EXPECT_EQ(EINVAL, errno);

	/* a record to copy, to an address that is not mapped */
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	ASSERT_EQ(ENOMEM, try_map(TIB / page_size()));
	ASSERT_EQ(0, log_ioctl(self->fd, 0, NULL, 0, &l));
	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.record_size = sizeof(one);
	l.nr = 1;
	l.since = rec_total(self->fd);
	l.records = 4096;	/* below mmap_min_addr */
	EXPECT_EQ(-1, ioctl(self->fd, VMACCT_IOC_LOG, &l));
	EXPECT_EQ(EFAULT, errno);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setuid(65534))
			_exit(2);
		_exit(log_ioctl(self->fd, 0, &one, 1, &l) == -1 &&
		      errno == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("an unprivileged caller must get EPERM");
}

/* VMACCT_IOC_OVERWRITES checks flags and sizes, and needs privilege. */
TEST_F(rec, overwrites_ioctl_rejects_bad_input)
{
	struct vmacct_overwrite g[NGROUPS];
	struct vmacct_overwrites q;
	pid_t pid;
	int status;

	ASSERT_LE(0, overwrites_ioctl(self->fd, g));
	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.record_size = sizeof(g[0]);
	q.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMACCT_IOC_OVERWRITES, &q));
	EXPECT_EQ(EINVAL, errno);
	q.flags = 0;
	q.record_size = VMACCT_OVERWRITE_SIZE_VER0 - 1;
	EXPECT_EQ(-1, ioctl(self->fd, VMACCT_IOC_OVERWRITES, &q));
	EXPECT_EQ(EINVAL, errno);
	q.record_size = sizeof(g[0]);
	q.size = VMACCT_OVERWRITES_SIZE_VER0 - 8;
	EXPECT_EQ(-1, ioctl(self->fd, VMACCT_IOC_OVERWRITES, &q));
	EXPECT_EQ(EINVAL, errno);
	/* nothing asked, nothing written, whatever the address */
	q.size = sizeof(q);
	q.nr = 0;
	q.records = 4096;
	EXPECT_EQ(0, ioctl(self->fd, VMACCT_IOC_OVERWRITES, &q));
	EXPECT_EQ(0, q.nr);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setuid(65534))
			_exit(2);
		_exit(overwrites_ioctl(self->fd, g) == -1 && errno == EPERM ?
		      0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("an unprivileged caller must get EPERM");
}

TEST_HARNESS_MAIN
