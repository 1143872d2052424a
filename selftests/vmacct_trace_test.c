// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftests: the event stream (read() on /dev/vmacct after
 * VMACCT_IOC_TRACE).
 *
 * Each test drives the kernel from user space and checks the records the
 * module produced against what is known independently: the system call's
 * own outcome, /proc/self/smaps and /proc/self/maps, /proc/meminfo, the
 * sysctls the test wrote, CLOCK_MONOTONIC around the call.  Counts are
 * taken inside the test body, filtered by this process's ids, because
 * the harness forks and maps memory of its own.
 *
 * Every record any test reads goes through check_record(): whole record,
 * valid header, and a verdict that agrees with the record's own terms
 * (mode 2: denied iff committed >= allowed; mode 0: denied iff pages >
 * guess_ceiling; mode 1: never denied).  Not a sample: all of them.
 *
 * Tests that switch to overcommit mode 2 keep the system below its limit
 * except inside one system call of this process, and put the saved
 * sysctls back in the fixture's teardown before anything else.
 *
 * Needs root and a loaded vmacct module; otherwise every test is a SKIP
 * with the reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_trace_util.h"

#define GIB		(1ULL << 30)
#define HUGE_REQUEST	(64 * GIB)	/* above RAM + swap and CommitLimit */
#define NR_EV		4096		/* records a test keeps per reader */

/* Addresses far from the binary, the heap and the mmap area (47-bit VA) */
#define LOOP_BASE	0x100000000000UL
#define TRI_BASE	0x200000000000UL
#define BIG_BASE	0x300000000000UL

struct evset {
	int n;
	int lost;			/* more than NR_EV records */
	struct vmacct_event ev[NR_EV];
};

static struct evset set_a, set_b, set_c, set_d;

/* Records checked by check_record() in this test process, by mode. */
static unsigned long n_checked[3], n_denied[3];

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* A /proc/meminfo field, in pages; -1 if absent. */
static long long meminfo_pages(const char *field)
{
	long long kb = meminfo_kb(field);

	return kb < 0 ? -1 : kb_to_pages(kb);
}

static const char *ev_type_name(const struct vmacct_event *e)
{
	return e->type == VMACCT_EV_DECISION ? "decision" :
	       e->type == VMACCT_EV_MAP_COUNT ? "map_count" : "?";
}

#define LOG_EVENT(e) TH_LOG("  %s: pid %u tgid %u comm %.16s caller %u mode %u " \
	"verdict %d admin %u pages %lld map_count %u/%u total_vm %llu "	\
	"limit %llu admin_res %llu user_res %llu allowed %lld "		\
	"committed %lld ceiling %llu", ev_type_name(e), (e)->pid,	\
	(e)->tgid, (e)->comm, (e)->caller, (e)->mode, (e)->verdict,	\
	(e)->as_admin, (long long)(e)->pages, (e)->map_count,		\
	(e)->max_map_count, (unsigned long long)(e)->total_vm,		\
	(unsigned long long)(e)->limit,					\
	(unsigned long long)(e)->admin_reserve,				\
	(unsigned long long)(e)->user_reserve, (long long)(e)->allowed,	\
	(long long)(e)->committed, (unsigned long long)(e)->guess_ceiling)

/*
 * One record, on its own: a whole valid record, and a verdict that agrees
 * with the terms it carries (mm/util.c __vm_enough_memory(), the same in
 * 6.1 and 6.12).
 */
static void check_record(struct __test_metadata *_metadata,
			 const struct vmacct_event *e)
{
	int ok = 1;

	ok &= e->version == VMACCT_EVENT_VERSION;
	ok &= e->size == sizeof(*e);
	ok &= e->type == VMACCT_EV_DECISION || e->type == VMACCT_EV_MAP_COUNT;
	ok &= memchr(e->comm, '\0', sizeof(e->comm)) != NULL;
	ok &= e->pid > 0 && e->tgid > 0;
	ok &= e->mode <= 2;
	EXPECT_TRUE(ok) {
		TH_LOG("malformed record: version %u size %u type %u",
		       e->version, e->size, e->type);
		LOG_EVENT(e);
	}
	if (!ok)
		return;

	if (e->type == VMACCT_EV_MAP_COUNT) {
		EXPECT_EQ(-ENOMEM, e->verdict) LOG_EVENT(e);
		EXPECT_TRUE(e->caller >= VMACCT_SYS_MMAP &&
			    e->caller <= VMACCT_SYS_MUNLOCK) LOG_EVENT(e);
		/*
		 * no check site fails below max - 5: the lowest is
		 * mremap_to() in mm/mremap.c, map_count + 2 >= max - 3
		 * (6.1 and 6.12)
		 */
		EXPECT_LE((long long)e->max_map_count - 5,
			  (long long)e->map_count) LOG_EVENT(e);
		return;
	}

	EXPECT_TRUE(e->verdict == 0 || e->verdict == -ENOMEM) LOG_EVENT(e);
	EXPECT_LE(e->caller, VMACCT_CALLER_SWAPOFF) LOG_EVENT(e);
	EXPECT_LE(0, e->pages) LOG_EVENT(e);
	EXPECT_TRUE(e->as_admin == 0 || e->as_admin == 1) LOG_EVENT(e);
	EXPECT_TRUE(!e->as_admin || !e->admin_reserve) LOG_EVENT(e);
	EXPECT_EQ((long long)e->limit - (long long)e->admin_reserve -
		  (long long)e->user_reserve, e->allowed) LOG_EVENT(e);

	n_checked[e->mode]++;
	if (e->verdict)
		n_denied[e->mode]++;
	switch (e->mode) {
	case 2:
		EXPECT_EQ(e->committed >= e->allowed, e->verdict != 0) {
			TH_LOG("mode 2: committed vs allowed disagrees with the verdict");
			LOG_EVENT(e);
		}
		break;
	case 0:
		EXPECT_EQ(e->pages > (long long)e->guess_ceiling,
			  e->verdict != 0) {
			TH_LOG("mode 0: pages vs guess_ceiling disagrees with the verdict");
			LOG_EVENT(e);
		}
		break;
	case 1:
		EXPECT_EQ(0, e->verdict) {
			TH_LOG("mode 1 denial");
			LOG_EVENT(e);
		}
		break;
	}
}

/*
 * Read every record queued on a non-blocking reader into @s, checking
 * each read() (whole records, at most one batch of 32) and each record.
 * Returns the number of records read.
 */
static int drain(struct __test_metadata *_metadata, int fd, struct evset *s)
{
	static struct vmacct_event buf[64];
	int got = 0, i, n;
	ssize_t r;

	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0) {
			EXPECT_EQ(EAGAIN, errno)
				TH_LOG("read: %s", strerror(errno));
			break;
		}
		EXPECT_LT(0, r);
		if (r <= 0)
			break;
		EXPECT_EQ(0, r % VT_EVSZ) TH_LOG("read returned %zd bytes", r);
		EXPECT_GE(VMACCT_READ_MAX_RECORDS * VT_EVSZ, (size_t)r);
		n = r / VT_EVSZ;
		for (i = 0; i < n; i++) {
			check_record(_metadata, &buf[i]);
			if (s && s->n < NR_EV)
				s->ev[s->n++] = buf[i];
			else if (s)
				s->lost++;
		}
		got += n;
	}
	return got;
}

static void reset(struct evset *s)
{
	s->n = 0;
	s->lost = 0;
}

static void log_set(struct __test_metadata *_metadata, const struct evset *s)
{
	const struct vmacct_event *e;
	int i;

	TH_LOG("%d records:", s->n);
	for (i = 0; i < s->n && i < 64; i++) {
		e = &s->ev[i];
		LOG_EVENT(e);
	}
}

/* Records of @type (and @caller unless -1) from process @tgid (0: any). */
static int count_ev(const struct evset *s, int type, int caller, pid_t tgid)
{
	int i, n = 0;

	for (i = 0; i < s->n; i++) {
		if (s->ev[i].type != type)
			continue;
		if (caller >= 0 && s->ev[i].caller != (__u32)caller)
			continue;
		if (tgid && s->ev[i].tgid != (__u32)tgid)
			continue;
		n++;
	}
	return n;
}

/* The first record matching, or NULL. */
static const struct vmacct_event *find_ev(const struct evset *s, int type,
					  int caller, pid_t tgid, long long pages)
{
	int i;

	for (i = 0; i < s->n; i++) {
		const struct vmacct_event *e = &s->ev[i];

		if (e->type == type && (caller < 0 || e->caller == (__u32)caller) &&
		    (!tgid || e->tgid == (__u32)tgid) &&
		    (pages < 0 || e->pages == pages))
			return e;
	}
	return NULL;
}

static void print_checked(void)
{
	ksft_print_msg("records checked: mode 0: %lu (%lu denied), mode 1: %lu, mode 2: %lu (%lu denied)\n",
		       n_checked[0], n_denied[0], n_checked[1], n_checked[2],
		       n_denied[2]);
}

/* Skip unless root and /dev/vmacct exists. */
#define NEED_VMACCT() do {						\
	SKIP_UNLESS_ROOT("(CAP_PERFMON for the stream, sysctl writes)");	\
	SKIP_UNLESS_DEVNODE();						\
} while (0)

FIXTURE(trace) {
	struct saved_sysctls saved;
	long long buffer_size;
	int ready;
};

FIXTURE_SETUP(trace)
{
	self->ready = 0;
	NEED_VMACCT();
	save_sysctls(&self->saved);
	self->buffer_size = sysfs_ll("trace/buffer_size");
	ASSERT_SAVED_POLICY(&self->saved);
	ASSERT_LE(0, self->saved.max_map);
	ASSERT_LE(16, self->buffer_size);
	self->ready = 1;
	reset(&set_a);
	reset(&set_b);
	reset(&set_c);
	reset(&set_d);
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
}

FIXTURE_TEARDOWN(trace)
{
	if (!self->ready)
		return;
	restore_sysctls(&self->saved);
	set_sysfs("trace/buffer_size", self->buffer_size);
	print_checked();
}

/* This process's own reader: every record of this thread group. */
#define OWN_READER(fd, flags) do {					\
	fd = vt_open_reader(flags, 0, getpid(), 1);			\
	ASSERT_LE(0, fd) TH_LOG("attach: %s", strerror(errno));	\
} while (0)

static void my_comm(char comm[16])
{
	memset(comm, 0, 16);
	prctl(PR_GET_NAME, comm);
}

/*
 * N accountable mmaps, N decisions: caller MMAP, this thread, the
 * requested pages in order, granted, stamped between the call's start and
 * end on CLOCK_MONOTONIC.
 */
TEST_F(trace, mmap_decisions_one_per_call)
{
	enum { N = 6 };
	unsigned long long t0[N], t1[N];
	long psz = page_size();
	char comm[16];
	void *p[N];
	int fd, i;

	my_comm(comm);
	OWN_READER(fd, 0);
	for (i = 0; i < N; i++) {
		t0[i] = now_ns();
		p[i] = mmap(NULL, (10 + i) * psz, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		t1[i] = now_ns();
		ASSERT_NE(MAP_FAILED, p[i]);
	}
	drain(_metadata, fd, &set_a);
	ASSERT_EQ(N, set_a.n) log_set(_metadata, &set_a);
	for (i = 0; i < N; i++) {
		const struct vmacct_event *e = &set_a.ev[i];

		EXPECT_EQ(VMACCT_EV_DECISION, e->type);
		EXPECT_EQ(VMACCT_CALLER_MMAP, e->caller) LOG_EVENT(e);
		EXPECT_EQ(vt_gettid(), e->pid);
		EXPECT_EQ(getpid(), e->tgid);
		EXPECT_STREQ(comm, e->comm);
		EXPECT_EQ(10 + i, e->pages) LOG_EVENT(e);
		EXPECT_EQ(0, e->verdict);
		EXPECT_EQ(0, e->mode);
		EXPECT_EQ(1, e->as_admin) TH_LOG("root is CAP_SYS_ADMIN");
		EXPECT_LE(t0[i], e->time_ns);
		EXPECT_GE(t1[i], e->time_ns);
		EXPECT_EQ(sysctl_ll("max_map_count"), e->max_map_count);
	}

	/* giving memory back is not a decision */
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, munmap(p[i], (10 + i) * page_size()));
	EXPECT_EQ(0, drain(_metadata, fd, NULL));
	close(fd);
}

/*
 * What charges nothing makes no decision: MAP_NORESERVE private mappings
 * in modes 0 and 1, read-only private mappings, and the page faults that
 * fill them.  A charged mapping afterwards shows the reader was listening.
 */
TEST_F(trace, uncharged_mappings_make_no_decision)
{
	static const int modes[] = { 0, 1 };
	long psz = page_size();
	unsigned int m;
	void *p, *q;
	int fd;

	OWN_READER(fd, 0);
	for (m = 0; m < 2; m++) {
		ASSERT_EQ(0, set_sysctl("overcommit_memory", modes[m]));
		p = mmap(NULL, 13 * psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		ASSERT_NE(MAP_FAILED, p);
		q = mmap(NULL, 14 * psz, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, q);
		memset(p, 1, 13 * psz);	/* faults charge nothing either */
		EXPECT_EQ(0, drain(_metadata, fd, &set_a))
			TH_LOG("mode %d", modes[m]);
		munmap(p, 13 * psz);
		munmap(q, 14 * psz);
	}
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	p = mmap(NULL, 15 * psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(1, drain(_metadata, fd, &set_a));
	EXPECT_NE(NULL, find_ev(&set_a, VMACCT_EV_DECISION, VMACCT_CALLER_MMAP,
				getpid(), 15));
	munmap(p, 15 * psz);
	close(fd);
}

/* The one decision of @s; fails the test unless there is exactly one. */
static const struct vmacct_event *only_one(struct __test_metadata *_metadata,
					   const struct evset *s)
{
	if (s->n != 1) {
		TH_LOG("expected exactly one record");
		log_set(_metadata, s);
		return NULL;
	}
	return &s->ev[0];
}

#define EXPECT_ONE_DECISION(s, want_caller, want_pages) do {		\
	const struct vmacct_event *_e = only_one(_metadata, s);	\
	ASSERT_NE(NULL, _e);						\
	EXPECT_EQ(VMACCT_EV_DECISION, _e->type);			\
	EXPECT_EQ(want_caller, _e->caller) LOG_EVENT(_e);		\
	EXPECT_EQ((long long)(want_pages), _e->pages) LOG_EVENT(_e);	\
	EXPECT_EQ(0, _e->verdict);					\
	EXPECT_EQ(vt_gettid(), _e->pid);				\
	EXPECT_EQ(getpid(), _e->tgid);					\
} while (0)

/* brk growth: the pages the break crosses, caller BRK. */
TEST_F(trace, caller_brk)
{
	long psz = page_size();
	unsigned long cur, end, want;
	int fd;

	OWN_READER(fd, 0);
	cur = (unsigned long)sbrk(0);
	end = cur + 9 * psz;
	want = ((end + psz - 1) / psz) - ((cur + psz - 1) / psz);
	ASSERT_NE((void *)-1, sbrk(9 * psz));
	ASSERT_EQ(end, (unsigned long)sbrk(0));
	drain(_metadata, fd, &set_a);
	EXPECT_ONE_DECISION(&set_a, VMACCT_CALLER_BRK, want);
	/* shrinking gives back, no decision */
	ASSERT_NE((void *)-1, sbrk(-9 * psz));
	EXPECT_EQ(0, drain(_metadata, fd, NULL));
	close(fd);
}

/* mprotect() making a read-only private mapping writable: caller MPROTECT. */
TEST_F(trace, caller_mprotect)
{
	long psz = page_size();
	void *p;
	int fd;

	OWN_READER(fd, 0);
	p = mmap(NULL, 7 * psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, drain(_metadata, fd, NULL));
	ASSERT_EQ(0, mprotect(p, 7 * psz, PROT_READ | PROT_WRITE));
	drain(_metadata, fd, &set_a);
	EXPECT_ONE_DECISION(&set_a, VMACCT_CALLER_MPROTECT, 7);
	munmap(p, 7 * psz);
	close(fd);
}

/*
 * mremap() growth charges the growth only, caller MREMAP: once in place,
 * once moved (the pages above are taken).
 *
 *   in place:  [ a: 10 RW ][ free ]        ->  [ a: 15 RW ]
 *   moved:     [ b: 10 RW ][ c: RO ]       ->  b moves, 30 RW elsewhere
 */
TEST_F(trace, caller_mremap)
{
	long psz = page_size();
	char *a, *b, *nb;
	void *na;
	int fd;

	a = mmap(NULL, 20 * psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, a);
	ASSERT_EQ(0, munmap(a + 10 * psz, 10 * psz));
	b = mmap(NULL, 20 * psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, b);
	ASSERT_EQ(0, mprotect(b + 10 * psz, 10 * psz, PROT_READ));

	OWN_READER(fd, 0);
	na = mremap(a, 10 * psz, 15 * psz, 0);
	ASSERT_EQ(a, na) TH_LOG("mremap in place: %s", strerror(errno));
	drain(_metadata, fd, &set_a);
	EXPECT_ONE_DECISION(&set_a, VMACCT_CALLER_MREMAP, 5);

	reset(&set_a);
	nb = mremap(b, 10 * psz, 30 * psz, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, nb);
	EXPECT_NE(b, nb) TH_LOG("expected a move");
	drain(_metadata, fd, &set_a);
	EXPECT_ONE_DECISION(&set_a, VMACCT_CALLER_MREMAP, 20);

	munmap(a, 15 * psz);
	munmap(nb, 30 * psz);
	munmap(b + 10 * psz, 10 * psz);
	close(fd);
}

/* The shmem object of MAP_SHARED|MAP_ANONYMOUS and of shmget(): SHMEM. */
TEST_F(trace, caller_shmem)
{
	long psz = page_size();
	void *p;
	int fd, id;

	OWN_READER(fd, 0);
	p = mmap(NULL, 11 * psz, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	drain(_metadata, fd, &set_a);
	EXPECT_ONE_DECISION(&set_a, VMACCT_CALLER_SHMEM, 11);
	munmap(p, 11 * psz);

	reset(&set_a);
	id = shmget(IPC_PRIVATE, 12 * psz, IPC_CREAT | 0600);
	ASSERT_LE(0, id) TH_LOG("shmget: %s", strerror(errno));
	drain(_metadata, fd, &set_a);
	shmctl(id, IPC_RMID, NULL);
	EXPECT_ONE_DECISION(&set_a, VMACCT_CALLER_SHMEM, 12);
	close(fd);
}

/* @n granted SHMEM decisions of one page each, from this thread, on @fd */
static void expect_shmem_pages(struct __test_metadata *_metadata, int fd,
			       int n)
{
	int i;

	drain(_metadata, fd, &set_a);
	EXPECT_EQ(n, set_a.n) log_set(_metadata, &set_a);
	for (i = 0; i < set_a.n; i++) {
		const struct vmacct_event *e = &set_a.ev[i];

		EXPECT_EQ(VMACCT_CALLER_SHMEM, e->caller) LOG_EVENT(e);
		EXPECT_EQ(1, e->pages) LOG_EVENT(e);
		EXPECT_EQ(vt_gettid(), e->pid);
		EXPECT_EQ(0, e->verdict);
	}
}

/*
 * A MAP_NORESERVE shared anonymous mapping in mode 0 charges nothing at
 * mmap(); each page is charged when a write fault allocates it
 * (mm/shmem.c shmem_acct_blocks() in 6.12, shmem_acct_block() in 6.1):
 * one SHMEM decision of one page per page touched, from the faulting
 * thread.
 */
TEST_F(trace, caller_shmem_noreserve_fault)
{
	long psz = page_size();
	char *p;
	int fd, i;

	OWN_READER(fd, 0);
	p = mmap(NULL, 3 * psz, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, drain(_metadata, fd, &set_a)) log_set(_metadata, &set_a);
	reset(&set_a);
	for (i = 0; i < 3; i++)
		p[i * psz] = 1;
	expect_shmem_pages(_metadata, fd, 3);
	munmap(p, 3 * psz);
	close(fd);
}

/*
 * The same pages faulted in by the kernel: read() from a pipe into the
 * NORESERVE mapping takes the faults in kernel mode, inside read(), and
 * each page is still a SHMEM decision, not one of read().  A write() to a
 * tmpfs file charges its new pages the same way (the file is NORESERVE:
 * mm/shmem.c shmem_get_inode() in 6.1 and 6.12 is given VM_NORESERVE).
 */
TEST_F(trace, caller_shmem_kernel_mode_fault)
{
	long psz = page_size();
	int fd, pfd[2], i;
	char *p, *buf;

	OWN_READER(fd, 0);
	p = mmap(NULL, 3 * psz, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	buf = malloc(3 * psz);
	ASSERT_NE(NULL, buf);
	memset(buf, 7, 3 * psz);
	ASSERT_EQ(0, pipe(pfd));
	drain(_metadata, fd, NULL);
	reset(&set_a);
	/* one page per round: a pipe holds 16 pages */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(psz, write(pfd[1], buf, psz));
		ASSERT_EQ(psz, read(pfd[0], p + i * psz, psz));
	}
	expect_shmem_pages(_metadata, fd, 3);
	close(pfd[0]);
	close(pfd[1]);
	munmap(p, 3 * psz);
	free(buf);
	close(fd);
}

TEST_F(trace, caller_tmpfs_file_write)
{
	char path[] = "/dev/shm/vmacct_trace_XXXXXX";
	long psz = page_size();
	int fd, tfd, i;
	char *buf;

	OWN_READER(fd, 0);
	tfd = mkstemp(path);
	if (tfd < 0)
		SKIP(close(fd); return, "no tmpfs at /dev/shm: %s", strerror(errno));
	unlink(path);
	buf = malloc(2 * psz);
	ASSERT_NE(NULL, buf);
	memset(buf, 7, 2 * psz);
	drain(_metadata, fd, NULL);
	reset(&set_a);
	ASSERT_EQ(2 * psz, write(tfd, buf, 2 * psz));
	drain(_metadata, fd, &set_a);
	EXPECT_LE(1, set_a.n) log_set(_metadata, &set_a);
	for (i = 0; i < set_a.n; i++) {
		const struct vmacct_event *e = &set_a.ev[i];

		EXPECT_EQ(VMACCT_CALLER_SHMEM, e->caller) LOG_EVENT(e);
		EXPECT_EQ(getpid(), e->tgid);
	}
	close(tfd);
	free(buf);
	close(fd);
}

/*
 * fork(): one decision per VMA dup_mmap() charges, in address order:
 * the smaps entries with "ac" and without "dc" (kernel/fork.c dup_mmap()
 * skips VM_DONTCOPY and charges each VM_ACCOUNT VMA; fs/proc/task_mmu.c
 * show_smap_vma_flags() prints them as "dc" and "ac"; 6.1 and 6.12).  One
 * mapping is MADV_DONTFORK (not charged), one MADV_WIPEONFORK (charged).
 */
TEST_F(trace, caller_fork_one_per_charged_vma)
{
	unsigned long want[VT_MAX_VMAS];
	long psz = page_size();
	int fd, i, n, nwant = 0, status;
	char *dc, *wf;
	pid_t pid;

	dc = mmap(NULL, 21 * psz, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, dc);
	ASSERT_EQ(0, madvise(dc, 21 * psz, MADV_DONTFORK));
	wf = mmap(NULL, 22 * psz, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, wf);
	ASSERT_EQ(0, madvise(wf, 22 * psz, MADV_WIPEONFORK));
	OWN_READER(fd, 0);

	n = vt_read_vmas(0);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++)
		if (vt_vmas[i].accounted && !vt_vmas[i].dontcopy)
			want[nwant++] = (vt_vmas[i].end - vt_vmas[i].start) / psz;
	pid = fork();
	if (pid == 0)
		_exit(0);
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));

	drain(_metadata, fd, &set_a);
	EXPECT_EQ(nwant, set_a.n) log_set(_metadata, &set_a);
	EXPECT_EQ(nwant, count_ev(&set_a, VMACCT_EV_DECISION,
				  VMACCT_CALLER_FORK, getpid()));
	for (i = 0; i < set_a.n && i < nwant; i++) {
		EXPECT_EQ(want[i], set_a.ev[i].pages) TH_LOG("VMA %d", i);
		EXPECT_EQ(0, set_a.ev[i].verdict);
		EXPECT_EQ(vt_gettid(), set_a.ev[i].pid);
	}
	EXPECT_EQ(NULL, find_ev(&set_a, VMACCT_EV_DECISION, -1, 0, 21))
		TH_LOG("the MADV_DONTFORK mapping was charged");
	EXPECT_NE(NULL, find_ev(&set_a, VMACCT_EV_DECISION, VMACCT_CALLER_FORK,
				getpid(), 22))
		TH_LOG("the MADV_WIPEONFORK mapping was not reported");
	munmap(dc, 21 * psz);
	munmap(wf, 22 * psz);
	close(fd);
}

/* Child: the [stack] VMA's start; 0 if not found. */
static unsigned long stack_start(void)
{
	int i, n = vt_read_vmas(0);

	for (i = 0; i < n; i++)
		if (vt_vmas[i].stack)
			return vt_vmas[i].start;
	return 0;
}

/*
 * Stack growth: a child touches the page 10 pages below its [stack] VMA;
 * the fault grows the VMA by exactly 10 pages: one STACK_GROWTH decision
 * of 10 pages from the child.
 */
TEST_F(trace, caller_stack_growth_exact)
{
	long psz = page_size();
	unsigned long grown;
	int fd, pfd[2], status;
	pid_t pid;

	ASSERT_EQ(0, pipe(pfd));
	fd = vt_open_reader(0, 0, 0, 1);	/* any process: the child */
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned long s0 = stack_start(), s1;

		if (!s0)
			_exit(1);
		*(volatile char *)(s0 - 10 * psz) = 1;
		s1 = stack_start();
		grown = (s0 - s1) / psz;
		if (write(pfd[1], &grown, sizeof(grown)) != sizeof(grown))
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(sizeof(grown), read(pfd[0], &grown, sizeof(grown)));
	EXPECT_EQ(10, grown) TH_LOG("the [stack] VMA grew by %lu pages", grown);

	drain(_metadata, fd, &set_a);
	EXPECT_EQ(1, count_ev(&set_a, VMACCT_EV_DECISION,
			      VMACCT_CALLER_STACK_GROWTH, pid))
		log_set(_metadata, &set_a);
	{
		const struct vmacct_event *e = find_ev(&set_a, VMACCT_EV_DECISION,
			VMACCT_CALLER_STACK_GROWTH, pid, -1);

		ASSERT_NE(NULL, e);
		EXPECT_EQ(10, e->pages) LOG_EVENT(e);
		EXPECT_EQ(pid, e->pid);
		EXPECT_EQ(0, e->verdict);
	}
	close(pfd[0]);
	close(pfd[1]);
	close(fd);
}

static int __attribute__((noinline)) recurse(int depth)
{
	volatile char frame[4000];

	frame[0] = (char)depth;
	frame[sizeof(frame) - 1] = (char)depth;
	if (depth == 0)
		return frame[0];
	return recurse(depth - 1) + frame[sizeof(frame) - 1];
}

/*
 * Deep recursion in a child: the STACK_GROWTH decisions of the child add
 * up to what its [stack] VMA grew by.
 */
TEST_F(trace, caller_stack_growth_recursion)
{
	long psz = page_size();
	unsigned long grown, sum = 0;
	int fd, pfd[2], status, i;
	pid_t pid;

	ASSERT_EQ(0, pipe(pfd));
	fd = vt_open_reader(0, 0, 0, 1);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned long s0 = stack_start(), s1;

		recurse(400);	/* about 1.6 MB of stack */
		s1 = stack_start();
		grown = (s0 - s1) / psz;
		if (write(pfd[1], &grown, sizeof(grown)) != sizeof(grown))
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(sizeof(grown), read(pfd[0], &grown, sizeof(grown)));
	ASSERT_LT(100, grown);

	drain(_metadata, fd, &set_a);
	for (i = 0; i < set_a.n; i++) {
		const struct vmacct_event *e = &set_a.ev[i];

		if (e->tgid != (__u32)pid || e->type != VMACCT_EV_DECISION)
			continue;
		EXPECT_EQ(VMACCT_CALLER_STACK_GROWTH, e->caller) LOG_EVENT(e);
		sum += e->pages;
	}
	EXPECT_LE(1, count_ev(&set_a, VMACCT_EV_DECISION,
			      VMACCT_CALLER_STACK_GROWTH, pid));
	EXPECT_EQ(grown, sum) log_set(_metadata, &set_a);
	close(pfd[0]);
	close(pfd[1]);
	close(fd);
}

/* The helper program, next to this one; 0 if found. */
static int helper_path(char *buf, size_t size)
{
	char exe[PATH_MAX - 32];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	snprintf(buf, size, "%s/vmacct_trace_reader", exe);
	return access(buf, X_OK);
}

/*
 * execve() of a static program: the new program's first decision is its
 * first stack VMA, one page (fs/exec.c __bprm_mm_init), caller EXEC_STACK,
 * from the new pid; and the stack charges of the exec (EXEC_STACK, or
 * STACK_GROWTH for the expansion in setup_arg_pages) add up to the
 * [stack] VMA the new program finds.  The program's own segments (data,
 * bss) are charged inside execve() too, but they are not the stack.
 */
TEST_F(trace, caller_exec_stack)
{
	char path[PATH_MAX], out[64];
	unsigned long stack_pages = 0, sum = 0;
	const struct vmacct_event *first = NULL;
	int fd, pfd[2], status, i;
	ssize_t n;
	pid_t pid;

	if (helper_path(path, sizeof(path)))
		SKIP(return, "no vmacct_trace_reader next to this program");
	ASSERT_EQ(0, pipe(pfd));
	fd = vt_open_reader(0, 0, 0, 1);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(pfd[1], 1);
		execl(path, path, "stack", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	n = read(pfd[0], out, sizeof(out) - 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_LT(0, n);
	out[n] = '\0';
	ASSERT_EQ(1, sscanf(out, "stack %lu", &stack_pages)) TH_LOG("%s", out);

	drain(_metadata, fd, &set_a);
	for (i = 0; i < set_a.n; i++) {
		const struct vmacct_event *e = &set_a.ev[i];

		if (e->tgid != (__u32)pid || e->type != VMACCT_EV_DECISION)
			continue;
		if (!first)
			first = e;
		if (e->caller == VMACCT_CALLER_EXEC_STACK ||
		    e->caller == VMACCT_CALLER_STACK_GROWTH)
			sum += e->pages;
	}
	ASSERT_NE(NULL, first) log_set(_metadata, &set_a);
	EXPECT_EQ(VMACCT_CALLER_EXEC_STACK, first->caller) LOG_EVENT(first);
	EXPECT_EQ(1, first->pages) LOG_EVENT(first);
	EXPECT_EQ(pid, first->pid);
	EXPECT_EQ(stack_pages, sum) {
		TH_LOG("the new program's [stack] is %lu pages; the exec's stack-labelled decisions add up to %lu",
		       stack_pages, sum);
		log_set(_metadata, &set_a);
	}
	close(pfd[0]);
	close(fd);
}

/*
 * Every decision agrees with its own terms and with the outcome of the
 * system call, in each mode.  The reader takes every process's records.
 * Mode 0 and mode 2 are pushed to their boundary: the largest request
 * that passes and the smallest that fails, found by bisection.
 */
FIXTURE(modes) {
	struct saved_sysctls saved;
	int ready;
};

FIXTURE_VARIANT(modes) {
	int mode;
};

FIXTURE_VARIANT_ADD(modes, guess) { .mode = 0 };
FIXTURE_VARIANT_ADD(modes, always) { .mode = 1 };
FIXTURE_VARIANT_ADD(modes, never) { .mode = 2 };

FIXTURE_SETUP(modes)
{
	self->ready = 0;
	NEED_VMACCT();
	save_sysctls(&self->saved);
	ASSERT_SAVED_POLICY(&self->saved);
	/* mode 2's edge to 64 pages: the compared count must not move */
	ASSERT_LE(0, pin_to_this_cpu()) TH_LOG("%s", strerror(errno));
	self->ready = 1;
	reset(&set_a);
}

FIXTURE_TEARDOWN(modes)
{
	if (!self->ready)
		return;
	restore_sysctls(&self->saved);
	print_checked();
}

struct outcome {
	unsigned long long pages;
	int err;
};

/*
 * The largest request in [lo, hi) that passes, by bisection; lo must
 * pass and hi fail.  Each probe is recorded in @log.
 */
static unsigned long long bisect(unsigned long long lo, unsigned long long hi,
				 struct outcome *log, int *nlog)
{
	unsigned long long mid;
	int err;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		err = try_map(mid);
		log[*nlog].pages = mid;
		log[(*nlog)++].err = err;
		if (err)
			hi = mid;
		else
			lo = mid;
	}
	return lo;
}

TEST_F(modes, every_decision_agrees_with_terms_and_outcome)
{
	unsigned long long ceiling, edge = 0;
	struct outcome log[128];
	long psz = page_size();
	int fd, i, nlog = 0, status, near_grant = 0, near_deny = 0;
	pid_t pid;
	char *brk0;
	void *p;

	fd = vt_open_reader(0, 0, 0, 1);	/* every process */
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_sysctl("overcommit_memory", variant->mode));

	/* small grants, of each kind this process can drive */
	for (i = 0; i < 8; i++) {
		log[nlog].pages = 30 + i;
		log[nlog++].err = try_map(30 + i);
	}
	p = mmap(NULL, 5 * psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, mprotect(p, 5 * psz, PROT_READ | PROT_WRITE));
	munmap(p, 5 * psz);
	brk0 = sbrk(0);
	ASSERT_NE((void *)-1, sbrk(3 * psz));
	EXPECT_EQ(0, brk((void *)brk0));
	pid = fork();
	if (pid == 0)
		_exit(try_map(40) ? 1 : 0);
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));

	/* far beyond RAM + swap and CommitLimit */
	log[nlog].pages = HUGE_REQUEST / psz;
	log[nlog++].err = try_map(HUGE_REQUEST / psz);
	EXPECT_EQ(variant->mode == 1 ? 0 : ENOMEM, log[nlog - 1].err);

	if (variant->mode == 0) {
		/* mode 0 refuses pages > totalram + total swap */
		ceiling = meminfo_pages("MemTotal") + meminfo_pages("SwapTotal");
		edge = bisect(1, ceiling * 2, log, &nlog);
		EXPECT_EQ(ceiling, edge);
	} else if (variant->mode == 2) {
		long long head = meminfo_pages("CommitLimit") -
				 meminfo_pages("Committed_AS");

		ASSERT_LT(1024, head) TH_LOG("no commit headroom for the test");
		edge = bisect(1, 2 * head + 1024, log, &nlog);
		ASSERT_LT(0, edge);
	}
	/* back to the saved mode before anything else */
	restore_sysctls(&self->saved);

	drain(_metadata, fd, &set_a);
	EXPECT_EQ(0, set_a.lost);
	for (i = 0; i < nlog; i++) {
		const struct vmacct_event *e = find_ev(&set_a, VMACCT_EV_DECISION,
				VMACCT_CALLER_MMAP, getpid(), log[i].pages);

		EXPECT_NE(NULL, e)
			TH_LOG("no record of the mmap of %llu pages", log[i].pages);
		if (!e)
			continue;
		EXPECT_EQ(log[i].err ? -ENOMEM : 0, e->verdict) {
			TH_LOG("mmap of %llu pages: %s", log[i].pages,
			       strerror(log[i].err));
			LOG_EVENT(e);
		}
		EXPECT_EQ(variant->mode, e->mode);
		if (e->mode == 2 && !e->verdict && e->allowed - e->committed <= 64)
			near_grant++;
		if (e->mode == 2 && e->verdict && e->committed - e->allowed <= 64)
			near_deny++;
	}
	EXPECT_NE(NULL, find_ev(&set_a, VMACCT_EV_DECISION, VMACCT_CALLER_MPROTECT,
				getpid(), 5));
	EXPECT_NE(NULL, find_ev(&set_a, VMACCT_EV_DECISION, VMACCT_CALLER_MMAP,
				pid, 40));
	if (variant->mode == 2) {
		EXPECT_LT(0, near_grant) TH_LOG("no grant within 64 pages of the limit");
		EXPECT_LT(0, near_deny) TH_LOG("no denial within 64 pages of the limit");
	}
	if (edge)
		ksft_print_msg("mode %d: %d records, largest request granted %llu pages\n",
			       variant->mode, set_a.n, edge);
	close(fd);
}

/*
 * The one map-count record a failed call must have left on @fd: @sys,
 * the count and limit at the call, this thread.
 */
static void expect_incident(struct __test_metadata *_metadata, int fd,
			    const char *what, int sys, int count, int max)
{
	const struct vmacct_event *e;

	reset(&set_a);
	drain(_metadata, fd, &set_a);
	e = only_one(_metadata, &set_a);
	EXPECT_NE(NULL, e) TH_LOG("%s: not exactly one map-count record", what);
	if (!e)
		return;
	EXPECT_EQ(VMACCT_EV_MAP_COUNT, e->type) TH_LOG("%s", what);
	EXPECT_EQ(sys, e->caller) {
		TH_LOG("%s", what);
		LOG_EVENT(e);
	}
	EXPECT_EQ(count, e->map_count) {
		TH_LOG("%s", what);
		LOG_EVENT(e);
	}
	EXPECT_EQ(max, e->max_map_count) TH_LOG("%s", what);
	EXPECT_EQ(-ENOMEM, e->verdict) TH_LOG("%s", what);
	EXPECT_EQ(vt_gettid(), e->pid) TH_LOG("%s", what);
	EXPECT_EQ(getpid(), e->tgid) TH_LOG("%s", what);
}

/* TRI_BASE: 5 read-only pages, one VMA, for the splits of the tests below */
static char *map_tri(void)
{
	return mmap((void *)TRI_BASE, 5 * page_size(), PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
}

/*
 * Map-count incidents, each reported exactly once and only when the count
 * is the cause (the check sites, 6.12: mm/mmap.c do_mmap() and
 * do_brk_flags() refuse at map_count > max, mm/vma.c split_vma() (under
 * mprotect and mlock) and vms_gather_munmap_vmas() at map_count >= max,
 * mm/mremap.c move_vma() at map_count >= max - 3; 6.1 makes the same
 * comparisons in mm/mmap.c do_mmap(), do_brk_flags(), split_vma(),
 * do_mas_align_munmap() and mm/mremap.c move_vma()):
 *
 *   mmap until ENOMEM           -> MAP_COUNT/SYS_MMAP at max + 1
 *   brk growth at max + 1       -> MAP_COUNT/SYS_BRK at max + 1
 *   munmap one mapping: max     -> nothing
 *   mprotect the middle of tri  -> MAP_COUNT/SYS_MPROTECT at max
 *   munmap the middle of tri    -> MAP_COUNT/SYS_MUNMAP at max
 *   mlock the middle of tri     -> MAP_COUNT/SYS_MLOCK at max
 *   mremap growth that moves    -> MAP_COUNT/SYS_MREMAP at max
 *   munmap the first page       -> succeeds, nothing
 *   RLIMIT_AS ENOMEM at max     -> nothing
 *   mode-2 ENOMEM of mprotect   -> a denied decision, no MAP_COUNT
 *
 *   LOOP_BASE: [1][ ][1][ ][1] ...  one-page mappings with holes: no merging
 *   TRI_BASE:  [ tri: 5 pages RO ]
 *   BIG_BASE:  [ big: 64 GiB PROT_NONE, charged only if made writable ]
 */
TEST_F(trace, map_count_incidents)
{
	const unsigned long big_len = HUGE_REQUEST;
	int fd_mc, fd_all, fd_nomc, count0, max, n_ok, count, err, i;
	long psz = page_size();
	const struct vmacct_event *e;
	struct rlimit rl, rl_low;
	char *tri, *big, *p;
	char comm[16];

	my_comm(comm);
	tri = map_tri();
	ASSERT_EQ((void *)TRI_BASE, tri);
	big = mmap((void *)BIG_BASE, big_len, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ((void *)BIG_BASE, big);

	OWN_READER(fd_mc, VMACCT_TRACE_NO_DECISIONS);
	OWN_READER(fd_all, 0);
	OWN_READER(fd_nomc, VMACCT_TRACE_NO_MAP_COUNT);

	count0 = vt_map_count();
	ASSERT_LT(0, count0);
	max = count0 + 20;
	ASSERT_EQ(0, set_sysctl("max_map_count", max));

	/* 1. mmap until the count stops it */
	for (i = 0, err = 0; i < 64; i++) {
		p = mmap((void *)(LOOP_BASE + 2UL * i * psz), psz, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED) {
			err = errno;
			break;
		}
		ASSERT_EQ((void *)(LOOP_BASE + 2UL * i * psz), p);
	}
	n_ok = i;
	count = vt_map_count();
	ASSERT_EQ(ENOMEM, err) TH_LOG("mmap %d: %s", i, strerror(err));
	EXPECT_EQ(max + 1, count) TH_LOG("do_mmap() allows max + 1 VMAs");
	EXPECT_EQ(max + 1 - count0, n_ok);

	drain(_metadata, fd_mc, &set_a);
	e = only_one(_metadata, &set_a);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(VMACCT_EV_MAP_COUNT, e->type) LOG_EVENT(e);
	EXPECT_EQ(VMACCT_SYS_MMAP, e->caller) LOG_EVENT(e);
	EXPECT_EQ(count, e->map_count) LOG_EVENT(e);
	EXPECT_EQ(max, e->max_map_count) LOG_EVENT(e);
	EXPECT_EQ(1, e->pages);
	EXPECT_EQ(vt_gettid(), e->pid);
	EXPECT_EQ(getpid(), e->tgid);
	EXPECT_STREQ(comm, e->comm);
	EXPECT_EQ(-ENOMEM, e->verdict);

	/* brk growth checks the count first, like mmap: "> max" */
	p = sbrk(0);
	EXPECT_EQ((void *)-1, sbrk(psz));
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(p, sbrk(0));
	expect_incident(_metadata, fd_mc, "brk", VMACCT_SYS_BRK, max + 1, max);

	/* 2. back to exactly max: the splits that need a VMA fail */
	ASSERT_EQ(0, munmap((void *)(LOOP_BASE + 2UL * (n_ok - 1) * psz), psz));
	ASSERT_EQ(max, vt_map_count());
	reset(&set_a);
	EXPECT_EQ(0, drain(_metadata, fd_mc, &set_a)) log_set(_metadata, &set_a);

	EXPECT_EQ(-1, mprotect(tri + 2 * psz, psz, PROT_NONE));
	EXPECT_EQ(ENOMEM, errno);
	expect_incident(_metadata, fd_mc, "mprotect", VMACCT_SYS_MPROTECT, max, max);
	EXPECT_EQ(1, set_a.n ? set_a.ev[0].pages : 0);

	EXPECT_EQ(-1, munmap(tri + 2 * psz, psz));
	EXPECT_EQ(ENOMEM, errno);
	expect_incident(_metadata, fd_mc, "munmap", VMACCT_SYS_MUNMAP, max, max);
	EXPECT_EQ(1, set_a.n ? set_a.ev[0].pages : 0);

	EXPECT_EQ(-1, mlock(tri + 2 * psz, psz));
	EXPECT_EQ(ENOMEM, errno);
	expect_incident(_metadata, fd_mc, "mlock", VMACCT_SYS_MLOCK, max, max);

	/* the page after loop[0] is free, the next one taken: it must move */
	p = mremap((void *)LOOP_BASE, psz, 3 * psz, MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENOMEM, errno);
	expect_incident(_metadata, fd_mc, "mremap", VMACCT_SYS_MREMAP, max, max);
	ASSERT_EQ(max, vt_map_count());

	/* cutting one end needs no new VMA: fine at the limit */
	EXPECT_EQ(0, munmap(tri, psz));
	EXPECT_EQ(max, vt_map_count());
	EXPECT_EQ(0, drain(_metadata, fd_mc, NULL));

	/* 3. RLIMIT_AS refuses an mmap while the count would allow it */
	ASSERT_EQ(0, getrlimit(RLIMIT_AS, &rl));
	rl_low = rl;
	{
		static char status[4096];
		char *vm;
		unsigned long long vmsize_kb = 0;

		ASSERT_LT(0, vt_slurp("/proc/self/status", status, sizeof(status)));
		vm = strstr(status, "VmSize:");
		ASSERT_NE(NULL, vm);
		vmsize_kb = strtoull(vm + 7, NULL, 10);
		rl_low.rlim_cur = vmsize_kb * 1024 + 16 * psz;
	}
	ASSERT_EQ(0, setrlimit(RLIMIT_AS, &rl_low));
	p = mmap(NULL, 64 * psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	err = errno;
	ASSERT_EQ(0, setrlimit(RLIMIT_AS, &rl));
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENOMEM, err);
	EXPECT_EQ(max, vt_map_count());
	reset(&set_a);
	EXPECT_EQ(0, drain(_metadata, fd_mc, &set_a)) {
		TH_LOG("an RLIMIT_AS failure was reported as a map-count failure");
		log_set(_metadata, &set_a);
	}

	/* 4. a commit denial of mprotect at the limit is not a map-count one */
	drain(_metadata, fd_all, NULL);
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 2));
	i = mprotect(big, big_len, PROT_READ | PROT_WRITE);
	err = errno;
	restore_sysctls(&self->saved);
	ASSERT_EQ(-1, i);
	EXPECT_EQ(ENOMEM, err);
	reset(&set_a);
	EXPECT_EQ(0, drain(_metadata, fd_mc, &set_a)) {
		TH_LOG("a commit denial was reported as a map-count failure");
		log_set(_metadata, &set_a);
	}
	reset(&set_b);
	drain(_metadata, fd_all, &set_b);
	EXPECT_EQ(1, set_b.n) log_set(_metadata, &set_b);
	e = find_ev(&set_b, VMACCT_EV_DECISION, VMACCT_CALLER_MPROTECT, getpid(),
		    big_len / psz);
	ASSERT_NE(NULL, e) log_set(_metadata, &set_b);
	EXPECT_EQ(-ENOMEM, e->verdict);
	EXPECT_EQ(2, e->mode);
	EXPECT_EQ(0, count_ev(&set_b, VMACCT_EV_MAP_COUNT, -1, 0));

	/* the reader that asked for no map-count records got none */
	reset(&set_c);
	drain(_metadata, fd_nomc, &set_c);
	EXPECT_EQ(0, count_ev(&set_c, VMACCT_EV_MAP_COUNT, -1, 0));
	EXPECT_EQ(1, count_ev(&set_c, VMACCT_EV_DECISION, VMACCT_CALLER_MPROTECT,
			      getpid()));

	ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
	for (i = 0; i < n_ok - 1; i++)
		munmap((void *)(LOOP_BASE + 2UL * i * psz), psz);
	munmap(tri, 5 * psz);
	munmap(big, big_len);
	close(fd_mc);
	close(fd_all);
	close(fd_nomc);
}

/*
 * madvise() needing a split at the limit fails too.  From 6.1 with
 * EAGAIN: the kernel turns the split's ENOMEM into EAGAIN
 * (madvise_vma_behavior(), "kernel resources temporarily unavailable");
 * 5.10's madvise_behavior() checks the count itself and returns its
 * ENOMEM (5.10 mm/madvise.c).  It is a map-count failure all the same,
 * and VMACCT_SYS_MADVISE exists to report it.
 *
 *   TRI_BASE: [ tri: 5 pages RO ]   max_map_count = map_count
 *   madvise(MADV_DONTFORK) of the middle page -> EAGAIN (5.10: ENOMEM),
 *   one record
 */
TEST_F(trace, map_count_madvise_incident)
{
	long psz = page_size();
	int fd_mc, max, ret, err;
	char *tri;

	tri = map_tri();
	ASSERT_EQ((void *)TRI_BASE, tri);
	OWN_READER(fd_mc, VMACCT_TRACE_NO_DECISIONS);
	max = vt_map_count();
	ASSERT_LT(0, max);
	ASSERT_EQ(0, set_sysctl("max_map_count", max));

	ret = madvise(tri + 2 * psz, psz, MADV_DONTFORK);
	err = errno;
	EXPECT_EQ(max, vt_map_count());
	ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(kernel_at_least(6, 1) ? EAGAIN : ENOMEM, err)
		TH_LOG("madvise: %s", strerror(err));
	expect_incident(_metadata, fd_mc, "madvise", VMACCT_SYS_MADVISE, max, max);

	/* with room for the splits the same call works */
	EXPECT_EQ(0, madvise(tri + 2 * psz, psz, MADV_DONTFORK));
	munmap(tri, 5 * psz);
	close(fd_mc);
}

/*
 * mremap() shrinking a mapping unmaps its tail as munmap() does: cutting
 * inside a VMA needs a new one, so at map_count >= max it fails with
 * ENOMEM, with or without MREMAP_MAYMOVE (6.1 mm/mremap.c mremap() ->
 * do_mas_munmap(); 6.12 -> do_vmi_munmap(); from 6.17 every mremap() is
 * refused at max - 3 before anything).  One below that, it works.
 *
 *   TRI_BASE: [ tri: 5 pages RO ]
 *   mremap(tri + 1p, 3p, 1p) unmaps [tri + 2p, tri + 4p): a cut inside
 */
TEST_F(trace, map_count_mremap_shrink_incident)
{
	static const int flags[] = { 0, MREMAP_MAYMOVE };
	int early = kernel_at_least(6, 17) ? 3 : 0;
	long psz = page_size();
	int fd_mc, count, err, i;
	char *tri, *p;

	OWN_READER(fd_mc, VMACCT_TRACE_NO_DECISIONS);
	for (i = 0; i < 2; i++) {
		tri = map_tri();
		ASSERT_EQ((void *)TRI_BASE, tri);
		count = vt_map_count();
		ASSERT_LT(0, count);

		/* at the limit: refused, one record */
		ASSERT_EQ(0, set_sysctl("max_map_count", count + early));
		p = mremap(tri + psz, 3 * psz, psz, flags[i]);
		err = errno;
		ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
		EXPECT_EQ(MAP_FAILED, p);
		EXPECT_EQ(ENOMEM, err) TH_LOG("shrink: %s", strerror(err));
		EXPECT_EQ(count, vt_map_count());
		expect_incident(_metadata, fd_mc, "mremap shrink",
				VMACCT_SYS_MREMAP, count, count + early);

		/* one more allowed: it works, no record */
		ASSERT_EQ(0, set_sysctl("max_map_count", count + early + 1));
		p = mremap(tri + psz, 3 * psz, psz, flags[i]);
		err = errno;
		ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
		EXPECT_EQ(tri + psz, p) TH_LOG("shrink: %s", strerror(err));
		EXPECT_EQ(count + 1, vt_map_count());
		EXPECT_EQ(0, drain(_metadata, fd_mc, NULL));
		munmap(tri, 5 * psz);
	}
	close(fd_mc);
}

/*
 * mmap(MAP_FIXED) over the middle of one VMA unmaps that range first,
 * which splits the VMA at both ends: munmap()'s check, map_count >= max
 * (6.12 mm/vma.c vms_gather_munmap_vmas(); 6.1 mm/mmap.c
 * do_mas_align_munmap(); 5.10 mm/mmap.c __do_munmap()), one VMA earlier
 * than a new mapping alone (do_mmap(): map_count > max).  So at the
 * limit it fails with ENOMEM, leaving the mapping as it was, and is one
 * map-count incident; a plain new mapping at the same count works; one
 * more allowed, the MAP_FIXED mapping works.
 *
 *   TRI_BASE: [ tri: 5 pages RO ]
 *   mmap(tri + 2p, 1p, MAP_FIXED): a cut inside tri at both ends
 */
TEST_F(trace, map_count_mmap_fixed_incident)
{
	long psz = page_size();
	int fd_mc, count, err;
	char *tri, *p, *q;

	OWN_READER(fd_mc, VMACCT_TRACE_NO_DECISIONS);
	tri = map_tri();
	ASSERT_EQ((void *)TRI_BASE, tri);
	count = vt_map_count();
	ASSERT_LT(0, count);

	/* at the limit: the replacement is refused, one record */
	ASSERT_EQ(0, set_sysctl("max_map_count", count));
	p = mmap(tri + 2 * psz, psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	err = errno;
	/* ... while a new mapping at the same count still works */
	q = mmap(NULL, psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENOMEM, err) TH_LOG("mmap MAP_FIXED: %s", strerror(err));
	EXPECT_NE(MAP_FAILED, q) TH_LOG("mmap: %s", strerror(errno));
	expect_incident(_metadata, fd_mc, "mmap MAP_FIXED", VMACCT_SYS_MMAP,
			count, count);
	if (q != MAP_FAILED)
		munmap(q, psz);
	EXPECT_EQ(count, vt_map_count());

	/* one more allowed: it works, no record */
	ASSERT_EQ(0, set_sysctl("max_map_count", count + 1));
	p = mmap(tri + 2 * psz, psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	err = errno;
	ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
	EXPECT_EQ(tri + 2 * psz, p) TH_LOG("mmap MAP_FIXED: %s", strerror(err));
	EXPECT_EQ(count + 2, vt_map_count());
	EXPECT_EQ(0, drain(_metadata, fd_mc, NULL));
	munmap(tri, 5 * psz);
	close(fd_mc);
}

/*
 * mlock() at the limit whose ENOMEM comes from RLIMIT_MEMLOCK, checked
 * before any split (mm/mlock.c do_mlock(), 6.1 and 6.12), is no map-count
 * failure.  Without CAP_IPC_LOCK (dropped from the effective set) and
 * with a limit of 1 byte: 0 pages, though not 0, which can_do_mlock()
 * refuses with EPERM.
 */
TEST_F(trace, map_count_memlock_enomem_not_reported)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[2], low[2];
	long psz = page_size();
	struct rlimit rl, rl0 = { 1, 1 };
	int fd_mc, max, ret, err;
	char *tri;

	tri = map_tri();
	ASSERT_EQ((void *)TRI_BASE, tri);
	OWN_READER(fd_mc, VMACCT_TRACE_NO_DECISIONS);
	ASSERT_EQ(0, syscall(SYS_capget, &hdr, caps));
	memcpy(low, caps, sizeof(low));
	low[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &rl));
	rl0.rlim_max = rl.rlim_max;

	max = vt_map_count();
	ASSERT_EQ(0, set_sysctl("max_map_count", max));
	ASSERT_EQ(0, syscall(SYS_capset, &hdr, low));
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &rl0));
	ret = mlock(tri + 2 * psz, psz);
	err = errno;
	setrlimit(RLIMIT_MEMLOCK, &rl);
	syscall(SYS_capset, &hdr, caps);
	ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));

	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENOMEM, err) TH_LOG("mlock: %s", strerror(err));
	reset(&set_a);
	EXPECT_EQ(0, drain(_metadata, fd_mc, &set_a)) {
		TH_LOG("an RLIMIT_MEMLOCK failure was reported as a map-count failure");
		log_set(_metadata, &set_a);
	}

	/* with CAP_IPC_LOCK back the same call meets the count */
	ASSERT_EQ(0, set_sysctl("max_map_count", max));
	ret = mlock(tri + 2 * psz, psz);
	err = errno;
	ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENOMEM, err);
	expect_incident(_metadata, fd_mc, "mlock", VMACCT_SYS_MLOCK, max, max);
	munmap(tri, 5 * psz);
	close(fd_mc);
}

/* VmLck of /proc/self/status in pages (mm->locked_vm), -1 if absent. */
static long long vmlck_pages(void)
{
	static char status[4096];
	char *p;

	if (vt_slurp("/proc/self/status", status, sizeof(status)) <= 0)
		return -1;
	p = strstr(status, "VmLck:");
	return p ? strtoll(p + 6, NULL, 10) * 1024 / page_size() : -1;
}

/* One lock call of the three kinds below: 0 or errno. */
static int lock_call(int kind, void *addr, size_t len)
{
	long ret;

	if (kind == 0)
		ret = mlock(addr, len);
	else
		ret = syscall(SYS_mlock2, addr, len, kind == 2 ? MLOCK_ONFAULT : 0);
	return ret ? errno : 0;
}

/*
 * mlock() and mlock2() at the RLIMIT_MEMLOCK boundary, without
 * CAP_IPC_LOCK (mm/mlock.c do_mlock(), 6.1 and 6.12: ENOMEM before any
 * split when locked_vm + the range > the limit in pages).  Two pages
 * locked beforehand make locked_vm L, and the range is one page:
 *
 *   limit L + 1 pages, max = map_count  -> passes the limit, fails to
 *                                          split: one MAP_COUNT/SYS_MLOCK
 *   limit L pages (+ 1 byte), max = count -> RLIMIT refusal: no record
 *   limit L + 1, max as it was          -> locked: no record
 *   limit L (+ 1 byte), max as it was   -> RLIMIT refusal: no record
 *
 * for mlock(), mlock2(0) and mlock2(MLOCK_ONFAULT).
 */
TEST_F(trace, map_count_memlock_boundary)
{
	static const char *const kinds[] = { "mlock", "mlock2", "mlock2(MLOCK_ONFAULT)" };
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[2], low[2];
	long psz = page_size();
	struct rlimit rl, at, over;
	long long locked, after;
	int fd_mc, max, k, err[4], n[4];
	char *tri, *held, what[64];

	tri = map_tri();
	ASSERT_EQ((void *)TRI_BASE, tri);
	held = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, held);
	ASSERT_EQ(0, mlock(held, 2 * psz)) TH_LOG("mlock as root: %s", strerror(errno));
	locked = vmlck_pages();
	ASSERT_LE(2, locked);
	OWN_READER(fd_mc, VMACCT_TRACE_NO_DECISIONS);
	ASSERT_EQ(0, syscall(SYS_capget, &hdr, caps));
	memcpy(low, caps, sizeof(low));
	low[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &rl));
	at.rlim_cur = (locked + 1) * psz;		/* locked + 1 page = the limit */
	over.rlim_cur = locked * psz + psz - 1;		/* one page over it, not 0 */
	at.rlim_max = over.rlim_max = rl.rlim_max;
	ASSERT_LE(at.rlim_cur, rl.rlim_max);

	for (k = 0; k < 3; k++) {
		/* at the memlock limit, at the map count's: fails on the count */
		max = vt_map_count();
		ASSERT_EQ(0, set_sysctl("max_map_count", max));
		ASSERT_EQ(0, syscall(SYS_capset, &hdr, low));
		ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &at));
		err[0] = lock_call(k, tri + 2 * psz, psz);
		setrlimit(RLIMIT_MEMLOCK, &rl);
		syscall(SYS_capset, &hdr, caps);
		ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
		snprintf(what, sizeof(what), "%s at the memlock limit, max = count", kinds[k]);
		EXPECT_EQ(ENOMEM, err[0]) TH_LOG("%s: %s", what, strerror(err[0]));
		expect_incident(_metadata, fd_mc, what, VMACCT_SYS_MLOCK, max, max);
		n[0] = set_a.n;

		/*
		 * one page over the memlock limit, at the map count's and
		 * below it: RLIMIT_MEMLOCK refuses first; then at the memlock
		 * limit below the map count's: it locks
		 */
		ASSERT_EQ(0, set_sysctl("max_map_count", max));
		ASSERT_EQ(0, syscall(SYS_capset, &hdr, low));
		ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &over));
		err[1] = lock_call(k, tri + 2 * psz, psz);
		ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
		err[2] = lock_call(k, tri + 2 * psz, psz);
		ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &at));
		err[3] = lock_call(k, tri + 2 * psz, psz);
		after = vmlck_pages();
		setrlimit(RLIMIT_MEMLOCK, &rl);
		syscall(SYS_capset, &hdr, caps);

		EXPECT_EQ(ENOMEM, err[1]) TH_LOG("%s one page over the limit, max = count: %s",
						 kinds[k], strerror(err[1]));
		EXPECT_EQ(ENOMEM, err[2]) TH_LOG("%s one page over the limit: %s",
						 kinds[k], strerror(err[2]));
		EXPECT_EQ(0, err[3]) TH_LOG("%s at the limit, max as it was: %s",
					    kinds[k], strerror(err[3]));
		EXPECT_EQ(locked + 1, after) TH_LOG("%s: VmLck %lld pages", kinds[k], after);
		reset(&set_a);
		n[1] = drain(_metadata, fd_mc, &set_a);
		EXPECT_EQ(0, n[1]) {
			TH_LOG("%s: an RLIMIT_MEMLOCK refusal, or a lock that passed, was reported",
			       kinds[k]);
			log_set(_metadata, &set_a);
		}
		ksft_print_msg("%s, locked_vm %lld pages, max_map_count %d: at the memlock limit ENOMEM, %d map-count record; one page over ENOMEM, %d records; below max: locked at the limit, ENOMEM over it\n",
			       kinds[k], locked, max, n[0], n[1]);
		ASSERT_EQ(0, munlock(tri + 2 * psz, psz));
	}
	munlock(held, 2 * psz);
	munmap(held, 2 * psz);
	munmap(tri, 5 * psz);
	close(fd_mc);
}

/*
 * At the limit, calls that fail with ENOMEM because the range is not
 * mapped are no map-count failures, and are not reported (the documented
 * rule: "an ENOMEM for another reason (..., an unmapped range) is not
 * reported").
 *
 *   max_map_count = map_count; LOOP_BASE: nothing mapped
 *   mprotect, mlock, madvise(MADV_DONTFORK) of it -> ENOMEM, no record
 */
TEST_F(trace, map_count_unmapped_enomem_not_reported)
{
	void *hole = (void *)LOOP_BASE;
	long psz = page_size();
	int fd_mc, max, err[3], ret[3];

	OWN_READER(fd_mc, VMACCT_TRACE_NO_DECISIONS);
	max = vt_map_count();
	ASSERT_LT(0, max);
	ASSERT_EQ(0, set_sysctl("max_map_count", max));
	ret[0] = mprotect(hole, psz, PROT_READ);
	err[0] = errno;
	ret[1] = mlock(hole, psz);
	err[1] = errno;
	ret[2] = madvise(hole, psz, MADV_DONTFORK);
	err[2] = errno;
	ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));

	EXPECT_EQ(-1, ret[0]);
	EXPECT_EQ(ENOMEM, err[0]) TH_LOG("mprotect: %s", strerror(err[0]));
	EXPECT_EQ(-1, ret[1]);
	EXPECT_EQ(ENOMEM, err[1]) TH_LOG("mlock: %s", strerror(err[1]));
	EXPECT_EQ(-1, ret[2]);
	EXPECT_EQ(ENOMEM, err[2]) TH_LOG("madvise: %s", strerror(err[2]));
	reset(&set_a);
	EXPECT_EQ(0, drain(_metadata, fd_mc, &set_a)) {
		TH_LOG("ENOMEM for an unmapped range reported as a map-count failure");
		log_set(_metadata, &set_a);
	}
	close(fd_mc);
}

/*
 * fork() in mode 2 with a limit that holds this process's memory but not
 * a second copy of its big mapping: dup_mmap() charges the VMAs below the
 * big one (granted), then the big one (denied), and stops.
 *
 *   committed C1 (big included) + 4096 pages <= CommitLimit(ratio)
 *                                            <  C1 + big - 4096
 */
TEST_F_TIMEOUT(trace, fork_denied_in_mode2, 60)
{
	const unsigned long big_pages = 65536;	/* 256 MiB */
	unsigned long want[VT_MAX_VMAS], failing = 0;
	long long totalram, hugetlb, c1, limit;
	long psz = page_size();
	int fd, i, n, nbefore = 0, ratio, ndenied = 0, err;
	char *big;
	pid_t pid;

	big = mmap(NULL, big_pages * psz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, big);
	OWN_READER(fd, 0);

	ASSERT_EQ(0, set_sysctl("user_reserve_kbytes", 0));
	totalram = meminfo_pages("MemTotal");
	hugetlb = meminfo_pages("Hugetlb");
	if (hugetlb < 0)
		hugetlb = 0;
	ASSERT_EQ(0, meminfo_pages("SwapTotal")) TH_LOG("the guest has no swap");
	c1 = meminfo_pages("Committed_AS");
	ratio = (int)(((c1 + 4096) * 100 + (totalram - hugetlb) - 1) /
		      (totalram - hugetlb));
	limit = (totalram - hugetlb) * ratio / 100;
	ASSERT_GT(c1 + (long long)big_pages - 4096, limit)
		TH_LOG("ratio %d too coarse: limit %lld, committed %lld", ratio,
		       limit, c1);
	ASSERT_EQ(0, set_sysctl("overcommit_ratio", ratio));
	ASSERT_EQ(limit, meminfo_pages("CommitLimit"));

	/* what dup_mmap() will charge, in order, up to the big VMA */
	n = vt_read_vmas(0);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		if (!vt_vmas[i].accounted || vt_vmas[i].dontcopy)
			continue;
		if ((unsigned long)big >= vt_vmas[i].start &&
		    (unsigned long)big < vt_vmas[i].end) {
			failing = (vt_vmas[i].end - vt_vmas[i].start) / psz;
			break;
		}
		want[nbefore++] = (vt_vmas[i].end - vt_vmas[i].start) / psz;
	}
	ASSERT_LE(big_pages, failing);

	/* the overshoot window: this one system call */
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 2));
	pid = fork();
	err = errno;
	restore_sysctls(&self->saved);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	ASSERT_EQ(-1, pid) TH_LOG("fork succeeded in mode 2 with ratio %d", ratio);
	EXPECT_EQ(ENOMEM, err);

	drain(_metadata, fd, &set_a);
	for (i = 0; i < set_a.n; i++) {
		const struct vmacct_event *e = &set_a.ev[i];

		EXPECT_EQ(VMACCT_EV_DECISION, e->type);
		EXPECT_EQ(VMACCT_CALLER_FORK, e->caller) LOG_EVENT(e);
		EXPECT_EQ(2, e->mode);
		EXPECT_EQ(vt_gettid(), e->pid);
		if (e->verdict) {
			ndenied++;
			EXPECT_EQ(failing, e->pages) LOG_EVENT(e);
			EXPECT_EQ(set_a.n - 1, i) TH_LOG("decisions after the denial");
		} else if (i < nbefore) {
			EXPECT_EQ(want[i], e->pages) TH_LOG("VMA %d", i);
		}
	}
	EXPECT_EQ(1, ndenied) log_set(_metadata, &set_a);
	EXPECT_EQ(nbefore + 1, set_a.n) log_set(_metadata, &set_a);
	munmap(big, big_pages * psz);
	close(fd);
}

/*
 * A ring of 16 records and 40 decisions, nothing read: 24 dropped for the
 * reader and in trace/dropped; the 16 kept read back as whole records;
 * every mmap succeeded (a full ring never fails or blocks the task).
 */
TEST_F(trace, small_ring_drops_and_stays_whole)
{
	enum { N = 40, RING = 16 };
	long long dropped0, events0, dropped1, events1;
	static struct vmacct_event buf[64];
	struct vmacct_trace t;
	long psz = page_size();
	int fd, i, failures = 0;
	ssize_t r;
	void *p;

	EXPECT_EQ(-1, set_sysfs("trace/buffer_size", RING - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_sysfs("trace/buffer_size", 65537));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, set_sysfs("trace/buffer_size", RING));
	ASSERT_EQ(RING, sysfs_ll("trace/buffer_size"));

	OWN_READER(fd, 0);
	ASSERT_EQ(0, vt_trace(fd, &t, 0, 0, getpid()));
	EXPECT_EQ(RING, t.buffer_size);
	EXPECT_EQ(0, t.dropped);
	dropped0 = sysfs_ll("trace/dropped");
	events0 = sysfs_ll("trace/events");

	for (i = 0; i < N; i++) {
		p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			failures++;
			continue;
		}
		*(volatile char *)p = 1;
		if (munmap(p, psz))
			failures++;
	}
	EXPECT_EQ(0, failures);

	ASSERT_EQ(0, vt_trace(fd, &t, 0, 0, getpid()));
	EXPECT_EQ(N - RING, t.dropped);
	EXPECT_EQ(RING, t.buffer_size);
	dropped1 = sysfs_ll("trace/dropped");
	events1 = sysfs_ll("trace/events");
	EXPECT_EQ(N - RING, dropped1 - dropped0);
	EXPECT_LE(N, events1 - events0);

	/* a buffer for one and a half records gets one */
	r = read(fd, buf, VT_EVSZ + VT_EVSZ / 2);
	EXPECT_EQ(VT_EVSZ, r);
	check_record(_metadata, &buf[0]);
	/* less than a record is refused, and takes nothing */
	EXPECT_EQ(-1, read(fd, buf, VT_EVSZ - 1));
	EXPECT_EQ(EINVAL, errno);
	r = read(fd, buf, sizeof(buf));
	EXPECT_EQ((RING - 1) * VT_EVSZ, r);
	for (i = 0; i < r / (ssize_t)VT_EVSZ; i++) {
		check_record(_metadata, &buf[i]);
		EXPECT_EQ(VMACCT_CALLER_MMAP, buf[i].caller);
		EXPECT_EQ(1, buf[i].pages);
		EXPECT_EQ(getpid(), buf[i].tgid);
		EXPECT_LE(buf[i ? i - 1 : 0].time_ns, buf[i].time_ns);
	}
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);

	/* room again: the next record is kept, nothing more dropped */
	p = mmap(NULL, psz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, psz);
	EXPECT_EQ(1, drain(_metadata, fd, NULL));
	ASSERT_EQ(0, vt_trace(fd, &t, 0, 0, getpid()));
	EXPECT_EQ(N - RING, t.dropped);
	close(fd);
}

/* mmap() and munmap() @pages private writable pages: one decision */
static int map_unmap(long pages)
{
	size_t len = pages * page_size();
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	return munmap(p, len);
}

/*
 * read() copies straight from the ring: records that run round its end
 * come out whole and in order, and a buffer read() cannot write, whether
 * the fault is before the end of the ring or after it, takes none.
 */
TEST_F(trace, read_across_the_ring_end_and_after_a_fault)
{
	enum { RING = 16, FIRST = 12, N = 8 };
	static struct vmacct_event buf[32];
	size_t before_end = (RING - FIRST) * VT_EVSZ;
	long psz = page_size();
	char *pages;
	ssize_t r;
	int fd, i;

	ASSERT_EQ(0, set_sysfs("trace/buffer_size", RING));
	/* a writable page, then a read-only one, mapped before the reader */
	pages = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, pages);
	ASSERT_EQ(0, mprotect(pages + psz, psz, PROT_READ));
	OWN_READER(fd, 0);
	/* the ring's size is taken at attach: put it back for what follows */
	ASSERT_EQ(0, set_sysfs("trace/buffer_size", self->buffer_size));

	/* the ring's head moves to slot FIRST */
	for (i = 0; i < FIRST; i++)
		ASSERT_EQ(0, map_unmap(i + 1));
	ASSERT_EQ(FIRST, drain(_metadata, fd, NULL));
	/* N records from slot FIRST: RING - FIRST before the end, the rest after */
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, map_unmap(101 + i));

	/* the part after the end faults */
	EXPECT_EQ(-1, read(fd, pages + psz - before_end, N * VT_EVSZ));
	EXPECT_EQ(EFAULT, errno);
	/* the part before it faults */
	EXPECT_EQ(-1, read(fd, pages + psz, N * VT_EVSZ));
	EXPECT_EQ(EFAULT, errno);

	r = read(fd, buf, sizeof(buf));
	ASSERT_EQ(N * VT_EVSZ, r);
	for (i = 0; i < N; i++) {
		check_record(_metadata, &buf[i]);
		EXPECT_EQ(VMACCT_CALLER_MMAP, buf[i].caller);
		EXPECT_EQ(101 + i, buf[i].pages);
		EXPECT_EQ(getpid(), buf[i].tgid);
		EXPECT_LE(buf[i ? i - 1 : 0].time_ns, buf[i].time_ns);
	}
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
	munmap(pages, 2 * psz);
}

/* The length of a reader's mapping: a page, then @records slots. */
static size_t ring_map_len(unsigned int records)
{
	size_t psz = page_size();

	return psz + ((size_t)records * VT_EVSZ + psz - 1) / psz * psz;
}

static int consume(int fd, unsigned long long head)
{
	struct vmacct_consume c = { .size = sizeof(c), .head = head };

	return ioctl(fd, VMACCT_IOC_CONSUME, &c);
}

/*
 * A reader maps its ring read-only and sees the same records read()
 * would, across the ring's end; VMACCT_IOC_CONSUME hands them back and
 * takes only a head between the ring's head and tail; read() and the
 * mapping share that head; the header counts drops; every other mapping
 * (before attach, writable, executable, private, of another length or
 * offset) is refused, and one made cannot be made writable.
 */
TEST_F(trace, mapped_ring_same_records_as_read)
{
	enum { RING = 16, FIRST = 12, N = 8 };
	static struct vmacct_event buf[32];
	const struct vmacct_ring_header *h;
	const struct vmacct_event *slots;
	size_t len = ring_map_len(RING);
	struct vmacct_trace t;
	unsigned long long i;
	void *m;
	int fd, fd2;

	/* no reader yet: nothing to map */
	fd2 = open(DEVNODE, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, len, PROT_READ, MAP_SHARED, fd2, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, consume(fd2, 0));
	EXPECT_EQ(EINVAL, errno);
	close(fd2);

	ASSERT_EQ(0, set_sysfs("trace/buffer_size", RING));
	OWN_READER(fd, 0);
	ASSERT_EQ(0, set_sysfs("trace/buffer_size", self->buffer_size));
	ASSERT_EQ(0, vt_trace(fd, &t, 0, 0, getpid()));
	ASSERT_EQ(RING, t.buffer_size);

	EXPECT_EQ(MAP_FAILED, mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	EXPECT_EQ(EACCES, errno);	/* a read-only file: the VFS says so */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0));
	EXPECT_TRUE(errno == EPERM || errno == EACCES) TH_LOG("errno %d", errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, len - page_size(), PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, len + page_size(), PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, len, PROT_READ, MAP_SHARED, fd, page_size()));
	EXPECT_EQ(EINVAL, errno);

	m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(-1, mprotect(m, len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	h = m;
	EXPECT_EQ(RING, h->records);
	EXPECT_EQ(VT_EVSZ, h->record_size);
	EXPECT_EQ(page_size(), h->data_offset);
	EXPECT_EQ(0, h->head);
	EXPECT_EQ(0, h->tail);
	slots = (const void *)((const char *)m + h->data_offset);

	/* read() moves the head to FIRST; the header shows it */
	for (i = 0; i < FIRST; i++)
		ASSERT_EQ(0, map_unmap(i + 1));
	ASSERT_EQ(FIRST, drain(_metadata, fd, NULL));
	EXPECT_EQ(FIRST, h->head);
	EXPECT_EQ(FIRST, h->tail);

	/* N records from slot FIRST, across the ring's end */
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, map_unmap(101 + i));
	ASSERT_EQ(FIRST + N, __atomic_load_n(&h->tail, __ATOMIC_ACQUIRE));
	for (i = FIRST; i < FIRST + N; i++) {
		const struct vmacct_event *e = &slots[i % RING];

		check_record(_metadata, e);
		EXPECT_EQ(VMACCT_CALLER_MMAP, e->caller);
		EXPECT_EQ(101 + (long long)(i - FIRST), e->pages);
		EXPECT_EQ(getpid(), e->tgid);
	}
	/* a head behind the ring's, or past its tail, is refused */
	EXPECT_EQ(-1, consume(fd, FIRST - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, consume(fd, FIRST + N + 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, consume(fd, ~0ULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(FIRST, h->head);

	/* half of them back: read() gets the other half, the same records */
	ASSERT_EQ(0, consume(fd, FIRST + N / 2));
	EXPECT_EQ(FIRST + N / 2, h->head);
	ASSERT_EQ(N / 2 * VT_EVSZ, read(fd, buf, sizeof(buf)));
	for (i = 0; i < N / 2; i++)
		EXPECT_EQ(0, memcmp(&buf[i], &slots[(FIRST + N / 2 + i) % RING], VT_EVSZ));
	EXPECT_EQ(FIRST + N, h->head);
	ASSERT_EQ(0, consume(fd, FIRST + N));	/* nothing more: allowed */

	/* a full ring drops, and the header says how many */
	for (i = 0; i < RING + 3; i++)
		ASSERT_EQ(0, map_unmap(1));
	EXPECT_EQ(FIRST + N + RING, h->tail);
	EXPECT_EQ(3, h->dropped);
	ASSERT_EQ(0, vt_trace(fd, &t, 0, 0, getpid()));
	EXPECT_EQ(3, t.dropped);
	ASSERT_EQ(0, consume(fd, h->tail));
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);

	/* the mapping outlives the file, and keeps the ring */
	close(fd);
	EXPECT_EQ(FIRST + N + RING, h->tail);
	EXPECT_EQ(0, munmap(m, len));
}

/* A thread that maps 18 pages when told to. */
struct mapper {
	int go[2];
	pid_t tid;
	void *p;
};

static void *mapper_main(void *arg)
{
	struct mapper *m = arg;
	char c;

	m->tid = vt_gettid();
	if (read(m->go[0], &c, 1) != 1)
		return NULL;
	m->p = mmap(NULL, 18 * page_size(), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return NULL;
}

/*
 * Filters: DENIED keeps only denials; tgid keeps one process; pid keeps
 * one thread.
 *
 *   this process:  mmap 16 (granted), mmap 64 GiB (denied in mode 0),
 *                  thread mmap 18
 *   child:         mmap 17
 */
TEST_F(trace, filters_select_denials_processes_threads)
{
	int fd_denied, fd_self, fd_child, fd_thread, go[2], status, i;
	long psz = page_size();
	struct mapper m;
	pthread_t th;
	pid_t child;
	void *p, *q;
	char c = 1;

	ASSERT_EQ(0, pipe(go));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(try_map(17) ? 2 : 0);
	}
	memset(&m, 0, sizeof(m));
	ASSERT_EQ(0, pipe(m.go));
	ASSERT_EQ(0, pthread_create(&th, NULL, mapper_main, &m));
	while (!__atomic_load_n(&m.tid, __ATOMIC_ACQUIRE))
		sched_yield();

	fd_denied = vt_open_reader(VMACCT_TRACE_DENIED, 0, 0, 1);
	ASSERT_LE(0, fd_denied);
	fd_self = vt_open_reader(0, 0, getpid(), 1);
	ASSERT_LE(0, fd_self);
	fd_child = vt_open_reader(0, 0, child, 1);
	ASSERT_LE(0, fd_child);
	fd_thread = vt_open_reader(0, vt_gettid(), 0, 1);
	ASSERT_LE(0, fd_thread);

	p = mmap(NULL, 16 * psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	q = mmap(NULL, HUGE_REQUEST, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_EQ(MAP_FAILED, q);
	ASSERT_EQ(ENOMEM, errno);
	ASSERT_EQ(1, write(m.go[1], &c, 1));
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_NE(MAP_FAILED, m.p);
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* DENIED: only denials, ours among them */
	drain(_metadata, fd_denied, &set_a);
	for (i = 0; i < set_a.n; i++) {
		EXPECT_EQ(VMACCT_EV_DECISION, set_a.ev[i].type);
		EXPECT_NE(0, set_a.ev[i].verdict) LOG_EVENT(&set_a.ev[i]);
	}
	EXPECT_EQ(1, count_ev(&set_a, VMACCT_EV_DECISION, VMACCT_CALLER_MMAP,
			      getpid())) log_set(_metadata, &set_a);
	EXPECT_NE(NULL, find_ev(&set_a, VMACCT_EV_DECISION, VMACCT_CALLER_MMAP,
				getpid(), HUGE_REQUEST / psz));

	/* tgid = this process: its threads, not the child */
	drain(_metadata, fd_self, &set_b);
	for (i = 0; i < set_b.n; i++)
		EXPECT_EQ(getpid(), set_b.ev[i].tgid) LOG_EVENT(&set_b.ev[i]);
	EXPECT_NE(NULL, find_ev(&set_b, VMACCT_EV_DECISION, -1, getpid(), 16));
	EXPECT_NE(NULL, find_ev(&set_b, VMACCT_EV_DECISION, -1, getpid(),
				HUGE_REQUEST / psz));
	EXPECT_NE(NULL, find_ev(&set_b, VMACCT_EV_DECISION, -1, getpid(), 18));
	EXPECT_EQ(NULL, find_ev(&set_b, VMACCT_EV_DECISION, -1, 0, 17));

	/* tgid = the child: only its mmap */
	drain(_metadata, fd_child, &set_c);
	for (i = 0; i < set_c.n; i++)
		EXPECT_EQ(child, set_c.ev[i].tgid) LOG_EVENT(&set_c.ev[i]);
	EXPECT_NE(NULL, find_ev(&set_c, VMACCT_EV_DECISION, VMACCT_CALLER_MMAP,
				child, 17)) log_set(_metadata, &set_c);

	/* pid = this thread: not the other thread */
	drain(_metadata, fd_thread, &set_d);
	for (i = 0; i < set_d.n; i++)
		EXPECT_EQ(vt_gettid(), set_d.ev[i].pid) LOG_EVENT(&set_d.ev[i]);
	EXPECT_NE(NULL, find_ev(&set_d, VMACCT_EV_DECISION, -1, getpid(), 16));
	EXPECT_EQ(NULL, find_ev(&set_d, VMACCT_EV_DECISION, -1, 0, 18))
		TH_LOG("the other thread (%d) got through a pid filter", m.tid);

	munmap(p, 16 * psz);
	munmap(m.p, 18 * psz);
	close(fd_denied);
	close(fd_self);
	close(fd_child);
	close(fd_thread);
}

/*
 * Without CAP_PERFMON/CAP_SYS_ADMIN the node opens (global terms are
 * public) but the stream does not: VMACCT_IOC_TRACE and read() are EPERM,
 * poll() reports an error.
 */
TEST(unprivileged_cannot_trace)
{
	int status;
	pid_t pid;

	NEED_VMACCT();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct vmacct_commit c;
		struct vmacct_trace t;
		struct vmacct_event ev;
		struct pollfd pfd;
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		fd = open(DEVNODE, O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			_exit(11);
		if (vt_trace(fd, &t, 0, 0, 0) != -1)
			_exit(12);
		if (errno != EPERM)
			_exit(13);
		if (read(fd, &ev, sizeof(ev)) != -1)
			_exit(14);
		if (errno != EPERM)
			_exit(15);
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLERR))
			_exit(16);
		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		if (ioctl(fd, VMACCT_IOC_COMMIT, &c))
			_exit(17);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10 setuid, 11 open, 12/13 ioctl not EPERM, 14/15 read not EPERM, 16 poll, 17 COMMIT");
}

/* Malformed VMACCT_IOC_TRACE arguments: EINVAL/E2BIG, and no reader made. */
TEST(trace_ioctl_rejects_bad_input)
{
	struct {
		struct vmacct_trace t;
		char tail[16];
	} big;
	struct vmacct_trace t;
	long long enabled0;
	int fd;

	NEED_VMACCT();
	enabled0 = sysfs_ll("trace/enabled");
	fd = open(DEVNODE, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);

	EXPECT_EQ(-1, vt_trace(fd, &t, VMACCT_TRACE_FLAGS + 1, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, vt_trace(fd, &t, 0x80000000u, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, vt_trace(fd, &t, 0, -1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, vt_trace(fd, &t, 0, 0, INT_MIN));
	EXPECT_EQ(EINVAL, errno);

	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	t.reserved = 1;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_TRACE, &t));
	EXPECT_EQ(EINVAL, errno);
	memset(&t, 0, sizeof(t));
	t.size = VMACCT_TRACE_SIZE_VER0 - 1;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_TRACE, &t));
	EXPECT_EQ(EINVAL, errno);

	memset(&big, 0, sizeof(big));
	big.t.size = sizeof(big);
	big.tail[15] = 1;
	EXPECT_EQ(-1, ioctl(fd, VMACCT_IOC_TRACE, &big));
	EXPECT_EQ(E2BIG, errno);

	/* none of that attached the file */
	EXPECT_EQ(enabled0, sysfs_ll("trace/enabled"));

	/* output fields are written; the input ones come back as given */
	memset(&t, 0xcc, sizeof(t));
	t.size = sizeof(t);
	t.flags = VMACCT_TRACE_DENIED;
	t.pid = 0;
	t.tgid = getpid();
	t.reserved = 0;
	ASSERT_EQ(0, ioctl(fd, VMACCT_IOC_TRACE, &t));
	EXPECT_EQ(sizeof(t), t.size);
	EXPECT_EQ(VMACCT_TRACE_DENIED, t.flags);
	EXPECT_EQ(sysfs_ll("trace/buffer_size"), t.buffer_size);
	EXPECT_EQ(0, t.reserved);
	EXPECT_EQ(0, t.dropped);
	EXPECT_EQ(1, vt_wait_armed());
	close(fd);
}

struct blocker {
	int fd;
	int use_poll;
	int ret;
	int err;
	short revents;
	unsigned long long t_done;
	int done;
};

static void *blocker_main(void *arg)
{
	struct blocker *b = arg;
	struct vmacct_event ev;
	struct pollfd pfd;

	if (b->use_poll) {
		pfd.fd = b->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		b->ret = poll(&pfd, 1, 20000);
		b->revents = pfd.revents;
	} else {
		b->ret = read(b->fd, &ev, sizeof(ev));
	}
	b->err = errno;
	b->t_done = now_ns();
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * trace/enabled: 0 without readers, 1 with any, 0 after the last one
 * closes; writing 0 detaches the readers: a read() blocked in another
 * thread returns ENODEV and a blocked poll() reports POLLHUP|POLLERR, at
 * once; a new reader can attach afterwards.
 */
TEST(enabled_follows_readers_and_detaches_them)
{
	struct blocker rb = { .use_poll = 0 }, pb = { .use_poll = 1 };
	pthread_t rt, pt;
	struct pollfd pfd;
	struct vmacct_event ev;
	unsigned long long t0;
	int fd1, fd2, fd4, i;
	void *p;

	NEED_VMACCT();
	if (sysfs_ll("trace/enabled") != 0)
		SKIP(return, "another trace reader is attached");

	fd1 = vt_open_reader(0, 0, getpid(), 1);
	ASSERT_LE(0, fd1);
	EXPECT_EQ(1, sysfs_ll("trace/enabled"));
	fd2 = vt_open_reader(0, 0, getpid(), 1);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(1, sysfs_ll("trace/enabled"));
	close(fd2);
	EXPECT_EQ(1, sysfs_ll("trace/enabled"));
	close(fd1);
	EXPECT_EQ(0, sysfs_ll("trace/enabled"));

	/* 1 is not writable: the first reader enables */
	EXPECT_EQ(-1, set_sysfs("trace/enabled", 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, sysfs_ll("trace/enabled"));

	/* readers whose filter nothing matches, blocked in two threads */
	rb.fd = vt_open_reader(VMACCT_TRACE_NO_DECISIONS | VMACCT_TRACE_NO_MAP_COUNT,
			       0, getpid(), 0);
	ASSERT_LE(0, rb.fd);
	pb.fd = vt_open_reader(VMACCT_TRACE_NO_DECISIONS | VMACCT_TRACE_NO_MAP_COUNT,
			       0, getpid(), 0);
	ASSERT_LE(0, pb.fd);
	ASSERT_EQ(0, pthread_create(&rt, NULL, blocker_main, &rb));
	ASSERT_EQ(0, pthread_create(&pt, NULL, blocker_main, &pb));
	usleep(300000);
	ASSERT_EQ(0, __atomic_load_n(&rb.done, __ATOMIC_ACQUIRE))
		TH_LOG("read() returned %d (%s) without data", rb.ret,
		       strerror(rb.err));
	ASSERT_EQ(0, __atomic_load_n(&pb.done, __ATOMIC_ACQUIRE));
	EXPECT_EQ(1, sysfs_ll("trace/enabled"));

	t0 = now_ns();
	ASSERT_EQ(0, set_sysfs("trace/enabled", 0));
	for (i = 0; i < 500; i++) {
		if (__atomic_load_n(&rb.done, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&pb.done, __ATOMIC_ACQUIRE))
			break;
		usleep(10000);
	}
	ASSERT_TRUE(rb.done && pb.done) TH_LOG("a blocked reader stayed blocked for 5 s");
	pthread_join(rt, NULL);
	pthread_join(pt, NULL);
	EXPECT_EQ(-1, rb.ret);
	EXPECT_EQ(ENODEV, rb.err) TH_LOG("read: %s", strerror(rb.err));
	EXPECT_GT(500000000ULL, rb.t_done - t0)
		TH_LOG("read() took %llu ms to return", (rb.t_done - t0) / 1000000);
	EXPECT_EQ(1, pb.ret);
	EXPECT_EQ(POLLHUP | POLLERR, pb.revents & (POLLHUP | POLLERR))
		TH_LOG("revents 0x%x", pb.revents);
	EXPECT_GT(500000000ULL, pb.t_done - t0)
		TH_LOG("poll() took %llu ms to return", (pb.t_done - t0) / 1000000);
	EXPECT_EQ(0, sysfs_ll("trace/enabled"));

	/* detached for good: read() fails at once, poll() says so */
	EXPECT_EQ(-1, read(rb.fd, &ev, sizeof(ev)));
	EXPECT_EQ(ENODEV, errno);
	pfd.fd = pb.fd;
	pfd.events = POLLIN;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLHUP | POLLERR, pfd.revents & (POLLHUP | POLLERR));

	/* a new reader enables tracing again and gets records */
	fd4 = vt_open_reader(0, 0, getpid(), 1);
	ASSERT_LE(0, fd4);
	EXPECT_EQ(1, sysfs_ll("trace/enabled"));
	p = mmap(NULL, 19 * page_size(), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, 19 * page_size());
	reset(&set_a);
	EXPECT_EQ(1, drain(_metadata, fd4, &set_a));
	EXPECT_NE(NULL, find_ev(&set_a, VMACCT_EV_DECISION, VMACCT_CALLER_MMAP,
				getpid(), 19));
	close(fd4);
	EXPECT_EQ(0, sysfs_ll("trace/enabled"));
	close(rb.fd);
	close(pb.fd);
	EXPECT_EQ(0, sysfs_ll("trace/enabled"));
}

TEST_HARNESS_MAIN
