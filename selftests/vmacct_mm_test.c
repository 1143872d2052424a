// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftests: VMACCT_IOC_MM, one process's VMAs and commit charge.
 *
 * Every field is checked against what the kernel shows through /proc
 * (maps, smaps, status), read without changing the mm in between, and
 * every headroom against the outcome of the real syscall at the boundary.
 * Counts are taken inside the test body: the harness forks twice and maps
 * shared pages of its own.
 *
 * Needs root (it writes vm.max_map_count) and a loaded vmacct module;
 * otherwise every test says SKIP with the reason.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/syscall.h>

#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_mm_util.h"

#define NR_PAGES	4096UL		/* 16 MiB: above any background noise */
#define MANY_VMAS	60000
#define BUF_SMALL	(1UL << 20)	/* maps/smaps of a small process */
#define BUF_MAPS_MANY	(16UL << 20)	/* maps of MANY_VMAS VMAs */
#define BUF_STATUS	(64UL << 10)
#define SMAPS_PER_VMA	1200UL		/* bytes of smaps text per VMA, at most */

/*
 * Read MM, then the /proc files, then MM again, until the two MM reads
 * agree (nothing changed the mm while /proc was read).  Each rbuf
 * may be NULL.
 */
static int mm_with_proc(int fd, pid_t pid, struct vmacct_mm *m,
			struct rbuf *maps, struct rbuf *status,
			struct rbuf *smaps)
{
	struct vmacct_mm again;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		if (mm_ioctl(fd, pid, m))
			return -1;
		if (maps && read_proc(pid, "maps", maps))
			return -1;
		if (status && read_proc(pid, "status", status))
			return -1;
		if (smaps && read_proc(pid, "smaps", smaps))
			return -1;
		if (mm_ioctl(fd, pid, &again))
			return -1;
		if (mm_same(m, &again))
			return 0;
	}
	errno = EAGAIN;
	return -1;
}

/* Every field of MM against /proc/PID/status, maps and the sysctl. */
static void expect_mm_matches_proc(struct __test_metadata *_metadata,
				   const struct vmacct_mm *m,
				   const struct rbuf *maps,
				   const struct rbuf *status,
				   long long max_map_count)
{
	struct status_vm s;
	long n = maps_count(maps);

	ASSERT_EQ(0, parse_status(status, &s));
	EXPECT_EQ(sizeof(*m), m->size);
	EXPECT_EQ(0, m->flags);
	EXPECT_EQ(n, m->map_count);
	EXPECT_EQ(s.size, m->total_vm);
	EXPECT_EQ(s.data, m->data_vm);
	EXPECT_EQ(s.exe + s.lib, m->exec_vm);
	EXPECT_EQ(s.stk, m->stack_vm);
	EXPECT_EQ(s.lck, m->locked_vm);
	EXPECT_EQ(s.pin, m->pinned_vm);

	/* the headrooms, as the UAPI header defines them */
	EXPECT_EQ(max_map_count, m->max_map_count);
	EXPECT_EQ(max_map_count + 1 - n, m->headroom_mmap);
	EXPECT_EQ(max_map_count - n, m->headroom_split);
	EXPECT_EQ(max_map_count - n, m->headroom_munmap);
	EXPECT_EQ(max_map_count - 3 - n, m->headroom_mremap_move);
	/* MREMAP_DONTUNMAP: 5 below max up to 6.16, 4 from 6.17 */
	EXPECT_EQ(max_map_count - (kernel_at_least(6, 17) ? 4 : 5) - n,
		  m->headroom_mremap_fixed);
}

/* The charge and the VMA kinds against /proc/PID/smaps. */
static void expect_mm_matches_smaps(struct __test_metadata *_metadata,
				    const struct vmacct_mm *m,
				    const struct rbuf *smaps)
{
	struct smaps_sum s;

	ASSERT_EQ(0, parse_smaps(smaps, &s));
	EXPECT_EQ(s.nr_vmas, m->map_count);
	EXPECT_EQ(s.charge, m->charge);
	EXPECT_EQ(s.nr_accounted, m->nr_accounted);
	EXPECT_EQ(s.largest, m->largest_accounted);
	EXPECT_EQ(s.nr_anon_private, m->nr_anon_private);
	EXPECT_EQ(s.nr_file_private, m->nr_file_private);
	EXPECT_EQ(s.nr_file_shared, m->nr_file_shared);
	EXPECT_EQ(s.nr_stack, m->nr_stack);
	EXPECT_EQ(s.nr_special, m->nr_special);
}

struct idle_thread {
	int pipefd[2];
	pid_t tid;
};

/* A thread that says its id and waits until told to end. */
static void *idle_thread(void *arg)
{
	struct idle_thread *t = arg;
	char c;

	t->tid = syscall(SYS_gettid);
	if (write(t->pipefd[1], "t", 1) != 1)
		return NULL;
	if (read(t->pipefd[0], &c, 1) < 0)
		return NULL;
	return NULL;
}

/*
 * The caller (pid 0, its own pid, and one of its threads' ids) against
 * its own /proc files.  A few locked pages make locked_vm non-zero.
 */
TEST(caller_counts_match_proc)
{
	struct rbuf maps, status, smaps;
	struct vmacct_mm m, mpid, mtid;
	struct idle_thread t;
	int fd, to_thread[2], from_thread[2];
	pthread_t thread;
	char *locked, c;

	NEED_VMACCT(fd);
	prefault_stack();
	ASSERT_EQ(0, rbuf_init(&maps, BUF_SMALL));
	ASSERT_EQ(0, rbuf_init(&status, BUF_STATUS));
	ASSERT_EQ(0, rbuf_init(&smaps, 4 * BUF_SMALL));
	locked = map_alone(4 * page_size(), PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1);
	ASSERT_NE(MAP_FAILED, locked);
	ASSERT_EQ(0, mlock(locked, 4 * page_size()));

	ASSERT_EQ(0, mm_with_proc(fd, 0, &m, &maps, &status, &smaps))
		TH_LOG("VMACCT_IOC_MM: %s", strerror(errno));
	expect_mm_matches_proc(_metadata, &m, &maps, &status,
			       sysctl_ll("max_map_count"));
	expect_mm_matches_smaps(_metadata, &m, &smaps);
	EXPECT_LE(4, m.locked_vm);
	INFO("caller: map_count %u, total_vm %llu, charge %llu in %u VMAs",
	     m.map_count, (unsigned long long)m.total_vm,
	     (unsigned long long)m.charge, m.nr_accounted);

	/* pid 0 and the caller's pid are the same process */
	ASSERT_EQ(0, mm_ioctl(fd, getpid(), &mpid));
	EXPECT_TRUE(mm_same(&m, &mpid));

	/*
	 * So is any thread of it (its stack is one more VMA).  The thread
	 * reads from to_thread[0] and writes to from_thread[1].
	 */
	ASSERT_EQ(0, pipe(from_thread));
	ASSERT_EQ(0, pipe(to_thread));
	t.pipefd[0] = to_thread[0];
	t.pipefd[1] = from_thread[1];
	ASSERT_EQ(0, pthread_create(&thread, NULL, idle_thread, &t));
	ASSERT_EQ(1, read(from_thread[0], &c, 1));
	ASSERT_EQ(0, mm_ioctl(fd, 0, &m));
	ASSERT_EQ(0, mm_ioctl(fd, t.tid, &mtid))
		TH_LOG("thread %d: %s", t.tid, strerror(errno));
	EXPECT_TRUE(mm_same(&m, &mtid));
	EXPECT_EQ(m.map_count, mtid.map_count);
	ASSERT_EQ(1, write(to_thread[1], "x", 1));
	pthread_join(thread, NULL);

	rbuf_free(&maps);
	rbuf_free(&status);
	rbuf_free(&smaps);
	close(fd);
}

/*
 * Another process: a child that maps nr_vmas extra VMAs (alternating
 * PROT_NONE and PROT_READ pages, so that none merge), locks a few pages,
 * and waits.
 */
struct many_vmas {
	long nr_vmas;
};

static int make_many_vmas(void *arg, int step)
{
	const struct many_vmas *mv = arg;
	long pages = mv->nr_vmas, i;
	char *p, *locked;

	if (step)
		return 0;
	locked = map_alone(8 * page_size(), PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1);
	if (locked == MAP_FAILED || mlock(locked, 8 * page_size()))
		return 10;
	if (!pages)
		return 0;
	/*
	 * |N|R|N|R| ... |N|   one PROT_NONE reservation; every odd page made
	 *  0 1 2 3      2k    readable splits off two VMAs: 2k + 1 in all
	 */
	p = map_alone(pages * page_size(), PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
	if (p == MAP_FAILED)
		return 11;
	for (i = 1; i < pages - 1; i += 2)
		if (mprotect(p + i * page_size(), page_size(), PROT_READ))
			return 12;
	return 0;
}

FIXTURE(other) {
	int fd;
	struct saved_sysctls saved;
	struct holder h;
};

FIXTURE_VARIANT(other) {
	long nr_vmas;
	bool smaps;	/* also check the charge against smaps */
};

FIXTURE_VARIANT_ADD(other, child) {
	.nr_vmas = 0, .smaps = true,
};

FIXTURE_VARIANT_ADD(other, child_60k_vmas) {
	.nr_vmas = MANY_VMAS, .smaps = true,
};

FIXTURE_SETUP(other)
{
	self->h.pid = 0;
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
}

FIXTURE_TEARDOWN(other)
{
	if (self->fd < 0)
		return;
	if (self->h.pid > 0)
		holder_stop(&self->h);
	restore_sysctls(&self->saved);
	close(self->fd);
}

/*
 * 300 s: the 60,000-VMA variant reads that many smaps entries, which took
 * over 120 s on the KASAN debug kernel under TCG with a second guest
 * running (make check-debug, 2026-12-02); a few seconds elsewhere.
 */
TEST_F_TIMEOUT(other, counts_match_proc, 300)
{
	struct rbuf maps, status, smaps = { 0 };
	struct many_vmas mv = { .nr_vmas = variant->nr_vmas };
	size_t mapsz = variant->nr_vmas ? BUF_MAPS_MANY : BUF_SMALL;
	long long max_map = self->saved.max_map;
	struct vmacct_mm m;

	/* room for the child's VMAs, with the harness's and ours */
	if (max_map < variant->nr_vmas + 1000) {
		max_map = variant->nr_vmas + 5000;
		ASSERT_EQ(0, set_sysctl("max_map_count", max_map));
	}
	ASSERT_EQ(0, rbuf_init(&maps, mapsz));
	ASSERT_EQ(0, rbuf_init(&status, BUF_STATUS));
	if (variant->smaps)
		ASSERT_EQ(0, rbuf_init(&smaps, BUF_SMALL +
				       variant->nr_vmas * SMAPS_PER_VMA));
	ASSERT_EQ(0, holder_start(&self->h, make_many_vmas, &mv))
		TH_LOG("child could not map %ld VMAs", variant->nr_vmas);

	ASSERT_EQ(0, mm_with_proc(self->fd, self->h.pid, &m, &maps, &status,
				  variant->smaps ? &smaps : NULL))
		TH_LOG("VMACCT_IOC_MM(%d): %s", self->h.pid, strerror(errno));
	expect_mm_matches_proc(_metadata, &m, &maps, &status, max_map);
	if (variant->smaps)
		expect_mm_matches_smaps(_metadata, &m, &smaps);
	EXPECT_LE(variant->nr_vmas, m.map_count);
	EXPECT_LE(8, m.locked_vm);
	INFO("child %d: map_count %u, max %u, headroom_mmap %d, charge %llu",
	     self->h.pid, m.map_count, m.max_map_count, m.headroom_mmap,
	     (unsigned long long)m.charge);

	EXPECT_EQ(0, holder_stop(&self->h));
	rbuf_free(&maps);
	rbuf_free(&status);
	rbuf_free(&smaps);
}

/*
 * Headrooms.  For each kind of operation, max_map_count is set so that
 * the headroom is 1, 0 and -1, and the operation is tried for real: it
 * must succeed exactly when the headroom is positive, and fail with ENOMEM
 * otherwise.  The operands are isolated (a free page on each side, or a
 * neighbour with other protections), so each success adds a VMA and each
 * failure can only be the map count.
 *
 * mremap() changed in 6.17 (mm/mremap.c, read in 7.2: do_mremap() calls
 * check_map_count_against_split_early()): every call now checks
 * map_count + 4 <= max (+ 5 with MREMAP_DONTUNMAP) under the mmap lock
 * before unmapping anything, where up to 6.16 only moves checked
 * (move_vma()), MREMAP_FIXED and MREMAP_DONTUNMAP at map_count >= max - 5
 * in mremap_to().  headroom_mremap_fixed is the tightest of the two; from
 * 6.17 a plain MREMAP_FIXED fails where a move does (headroom_mremap_move).
 */
enum op_kind {
	OP_MMAP, OP_SPLIT, OP_MUNMAP, OP_MREMAP_MOVE, OP_MREMAP_FIXED,
	OP_MREMAP_DONTUNMAP, OP_MREMAP_SHRINK,
};

struct op_state {
	char *a;	/* the operand */
	char *b;	/* MREMAP_MOVE: the blocker after a */
	char *t;	/* MMAP, MREMAP_FIXED, _DONTUNMAP: the free target */
	void *res;	/* what the operation returned */
};

FIXTURE(headroom) {
	int fd;
	struct saved_sysctls saved;
};

FIXTURE_VARIANT(headroom) {
	enum op_kind op;
	int offset;	/* refused once map_count >= max - offset */
	int offset_617;	/* the same from 6.17 on */
	int added;	/* VMAs a success adds; -1: not checked */
};

/* a new VMA: do_mmap() refuses once map_count > max */
FIXTURE_VARIANT_ADD(headroom, mmap) {
	.op = OP_MMAP, .offset = -1, .offset_617 = -1, .added = 1,
};

/* mprotect() of the first page of a 2-page VMA: one split_vma() */
FIXTURE_VARIANT_ADD(headroom, mprotect_split) {
	.op = OP_SPLIT, .offset = 0, .offset_617 = 0, .added = 1,
};

/* munmap() of the middle page of a 3-page VMA */
FIXTURE_VARIANT_ADD(headroom, munmap_middle) {
	.op = OP_MUNMAP, .offset = 0, .offset_617 = 0, .added = 1,
};

/* growing a VMA whose next page is taken: move_vma() */
FIXTURE_VARIANT_ADD(headroom, mremap_move) {
	.op = OP_MREMAP_MOVE, .offset = 3, .offset_617 = 3, .added = -1,
};

/* MREMAP_FIXED of a 1-page VMA into a free page: mremap_to() */
FIXTURE_VARIANT_ADD(headroom, mremap_fixed) {
	.op = OP_MREMAP_FIXED, .offset = 5, .offset_617 = 3, .added = 0,
};

/* the same with MREMAP_DONTUNMAP: the source stays, one VMA more */
FIXTURE_VARIANT_ADD(headroom, mremap_dontunmap) {
	.op = OP_MREMAP_DONTUNMAP, .offset = 5, .offset_617 = 4, .added = 1,
};

/*
 * shrinking the first two pages of a 3-page VMA to one, in place: the
 * tail is unmapped as munmap() of the middle page would be
 */
FIXTURE_VARIANT_ADD(headroom, mremap_shrink) {
	.op = OP_MREMAP_SHRINK, .offset = 0, .offset_617 = 3, .added = 1,
};

FIXTURE_SETUP(headroom)
{
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
}

FIXTURE_TEARDOWN(headroom)
{
	if (self->fd < 0)
		return;
	restore_sysctls(&self->saved);
	close(self->fd);
}

static int op_prepare(enum op_kind op, struct op_state *st)
{
	const long p = page_size();
	const int anon = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
	char *x;

	memset(st, 0, sizeof(*st));
	switch (op) {
	case OP_MMAP:
		st->t = fresh_addr(p);
		return st->t ? 0 : -1;
	case OP_SPLIT:
		st->a = map_alone(2 * p, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		return st->a == MAP_FAILED ? -1 : 0;
	case OP_MUNMAP:
	case OP_MREMAP_SHRINK:
		st->a = map_alone(3 * p, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		return st->a == MAP_FAILED ? -1 : 0;
	case OP_MREMAP_MOVE:
		/* |a: R|b: NONE|: a cannot grow in place */
		x = fresh_addr(2 * p);
		if (!x)
			return -1;
		st->a = mmap(x, p, PROT_READ, anon, -1, 0);
		st->b = mmap(x + p, p, PROT_NONE, anon, -1, 0);
		return st->a == MAP_FAILED || st->b == MAP_FAILED ? -1 : 0;
	case OP_MREMAP_FIXED:
	case OP_MREMAP_DONTUNMAP:
		st->a = map_alone(p, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		if (st->a == MAP_FAILED)
			return -1;
		st->t = fresh_addr(p);
		return st->t ? 0 : -1;
	}
	return -1;
}

/* 0 or -1 with errno, like the syscall */
static int op_run(enum op_kind op, struct op_state *st)
{
	const long p = page_size();

	switch (op) {
	case OP_MMAP:
		st->res = mmap(st->t, p, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			       -1, 0);
		return st->res == MAP_FAILED ? -1 : 0;
	case OP_SPLIT:
		return mprotect(st->a, p, PROT_NONE);
	case OP_MUNMAP:
		return munmap(st->a + p, p);
	case OP_MREMAP_SHRINK:
		st->res = mremap(st->a, 2 * p, p, 0);
		return st->res == MAP_FAILED ? -1 : 0;
	case OP_MREMAP_MOVE:
		st->res = mremap(st->a, p, 2 * p, MREMAP_MAYMOVE);
		return st->res == MAP_FAILED ? -1 : 0;
	case OP_MREMAP_FIXED:
		st->res = mremap(st->a, p, p, MREMAP_MAYMOVE | MREMAP_FIXED,
				 st->t);
		return st->res == MAP_FAILED ? -1 : 0;
	case OP_MREMAP_DONTUNMAP:
		st->res = mremap(st->a, p, p, MREMAP_MAYMOVE | MREMAP_FIXED |
				 MREMAP_DONTUNMAP, st->t);
		return st->res == MAP_FAILED ? -1 : 0;
	}
	errno = EINVAL;
	return -1;
}

static void op_cleanup(enum op_kind op, struct op_state *st, bool done)
{
	const long p = page_size();

	switch (op) {
	case OP_MMAP:
		if (done)
			munmap(st->t, p);
		break;
	case OP_SPLIT:
		munmap(st->a, 2 * p);
		break;
	case OP_MUNMAP:
	case OP_MREMAP_SHRINK:
		munmap(st->a, 3 * p);
		break;
	case OP_MREMAP_MOVE:
		if (done)
			munmap(st->res, 2 * p);
		munmap(st->a, 2 * p);	/* a (if still there) and b */
		break;
	case OP_MREMAP_FIXED:
	case OP_MREMAP_DONTUNMAP:
		munmap(st->a, p);
		munmap(st->t, p);
		break;
	}
}

static __s32 headroom_of(const struct vmacct_mm *m, enum op_kind op)
{
	/* from 6.17 a plain MREMAP_FIXED or a shrink is checked like any mremap() */
	if ((op == OP_MREMAP_FIXED || op == OP_MREMAP_SHRINK) &&
	    kernel_at_least(6, 17))
		op = OP_MREMAP_MOVE;
	switch (op) {
	case OP_MMAP:
		return m->headroom_mmap;
	case OP_SPLIT:
		return m->headroom_split;
	case OP_MUNMAP:
	case OP_MREMAP_SHRINK:	/* the same unmap */
		return m->headroom_munmap;
	case OP_MREMAP_MOVE:
		return m->headroom_mremap_move;
	case OP_MREMAP_FIXED:
	case OP_MREMAP_DONTUNMAP:
		return m->headroom_mremap_fixed;
	}
	return INT_MIN;
}

TEST_F(headroom, says_where_enomem_starts)
{
	static const int want[] = { 1, 0, -1 };
	struct rbuf maps;
	unsigned int i;

	prefault_stack();
	ASSERT_EQ(0, rbuf_init(&maps, BUF_SMALL));

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		struct vmacct_mm m;
		struct op_state st;
		long long max, n, n_after;
		int mret, merr, ret = -1, err = 0;

		ASSERT_EQ(0, set_sysctl("max_map_count", self->saved.max_map));
		ASSERT_EQ(0, op_prepare(variant->op, &st))
			TH_LOG("cannot set up the operand: %s", strerror(errno));

		/*
		 * The count from /proc; the limit that leaves headroom want[i]:
		 * the kernel refuses once map_count >= max - offset (for mmap,
		 * offset -1: map_count > max), so headroom = max - offset - n.
		 */
		ASSERT_EQ(0, read_proc(0, "maps", &maps));
		n = maps_count(&maps);
		max = n + want[i] + (kernel_at_least(6, 17) ?
				     variant->offset_617 : variant->offset);
		ASSERT_EQ(0, set_sysctl("max_map_count", max));

		mret = mm_ioctl(self->fd, 0, &m);
		merr = errno;
		if (mret == 0) {
			errno = 0;
			ret = op_run(variant->op, &st);
			err = errno;
		}
		/* the limit back before anything can need a new VMA */
		set_sysctl("max_map_count", self->saved.max_map);
		n_after = -1;
		if (read_proc(0, "maps", &maps) == 0)
			n_after = maps_count(&maps);

		ASSERT_EQ(0, mret) TH_LOG("VMACCT_IOC_MM: %s", strerror(merr));
		EXPECT_EQ(n, m.map_count);
		EXPECT_EQ(max, m.max_map_count);
		EXPECT_EQ(want[i], headroom_of(&m, variant->op))
			TH_LOG("map_count %lld, max %lld", n, max);
		if (want[i] > 0) {
			EXPECT_EQ(0, ret)
				TH_LOG("headroom %d but the operation failed: %s",
				       want[i], strerror(err));
			if (ret == 0 && variant->added >= 0)
				EXPECT_EQ(n + variant->added, n_after);
		} else {
			EXPECT_EQ(-1, ret)
				TH_LOG("headroom %d but the operation succeeded",
				       want[i]);
			EXPECT_EQ(ENOMEM, err);
			EXPECT_EQ(n, n_after);
		}
		op_cleanup(variant->op, &st, ret == 0);
		INFO("map_count %lld, max_map_count %lld: headroom %d, "
		     "operation %s", n, max, headroom_of(&m, variant->op),
		     ret == 0 ? "succeeded" : strerror(err));
	}
	rbuf_free(&maps);
}

/*
 * The same boundaries reached the way processes reach them: with the
 * limit a little above the count, add VMAs one by one (new mappings, or
 * holes punched in one large mapping) until the kernel says ENOMEM.  Each
 * step must succeed exactly while the headroom read just before it is
 * positive.
 *
 *   mmap:    |a| |b| |c| ...      one page each, a free page between
 *   munmap:  |a| |b| |c| ...      holes punched in one 2N-page VMA
 */
FIXTURE(drive) {
	int fd;
	struct saved_sysctls saved;
};

FIXTURE_VARIANT(drive) {
	bool munmap;	/* punch holes, or map new pages */
};

FIXTURE_VARIANT_ADD(drive, mmap_pages) {
	.munmap = false,
};

FIXTURE_VARIANT_ADD(drive, munmap_holes) {
	.munmap = true,
};

FIXTURE_SETUP(drive)
{
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
}

FIXTURE_TEARDOWN(drive)
{
	if (self->fd < 0)
		return;
	restore_sysctls(&self->saved);
	close(self->fd);
}

#define DRIVE_ROOM	24	/* VMAs between the count and the limit */

TEST_F(drive, count_stops_where_headroom_hits_zero)
{
	const long p = page_size(), steps = 2 * DRIVE_ROOM;
	long long n0, max, n_end = -1;
	struct vmacct_mm m, end;
	int errs[2 * DRIVE_ROOM + 2], headrooms[2 * DRIVE_ROOM + 2];
	char *area;
	struct rbuf maps;
	long i, done;
	int ret;

	prefault_stack();
	ASSERT_EQ(0, rbuf_init(&maps, BUF_SMALL));
	area = map_alone((2 * steps + 2) * p, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1);
	ASSERT_NE(MAP_FAILED, area);
	if (!variant->munmap)
		ASSERT_EQ(0, munmap(area, (2 * steps + 2) * p));

	ASSERT_EQ(0, read_proc(0, "maps", &maps));
	n0 = maps_count(&maps);
	max = n0 + DRIVE_ROOM;
	ASSERT_EQ(0, set_sysctl("max_map_count", max));

	/* no ASSERT until the limit is back: nothing else may need a VMA */
	for (i = 0, done = 0; i < steps; i++) {
		if (mm_ioctl(self->fd, 0, &m)) {
			headrooms[i] = INT_MIN;
			errs[i] = errno;
			break;
		}
		headrooms[i] = variant->munmap ? m.headroom_munmap :
						 m.headroom_mmap;
		if (variant->munmap)
			ret = munmap(area + (2 * i + 1) * p, p);
		else
			ret = mmap(area + 2 * i * p, p, PROT_READ,
				   MAP_PRIVATE | MAP_ANONYMOUS |
				   MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED ?
			      -1 : 0;
		errs[i] = ret ? errno : 0;
		if (ret)
			break;
		done++;
	}
	ret = mm_ioctl(self->fd, 0, &end);
	if (read_proc(0, "maps", &maps) == 0)
		n_end = maps_count(&maps);
	set_sysctl("max_map_count", self->saved.max_map);

	ASSERT_LT(i, steps) TH_LOG("never refused after %ld steps", steps);
	ASSERT_NE(INT_MIN, headrooms[i]) TH_LOG("MM: %s", strerror(errs[i]));
	ASSERT_EQ(0, ret);
	for (i = 0; i < done; i++)
		EXPECT_LT(0, headrooms[i])
			TH_LOG("step %ld succeeded at headroom %d", i,
			       headrooms[i]);
	EXPECT_EQ(0, headrooms[done]) TH_LOG("refused at step %ld", done);
	EXPECT_EQ(ENOMEM, errs[done]);
	/* mmap stops at max + 1 VMAs, munmap at max */
	EXPECT_EQ(max + !variant->munmap, n_end);
	EXPECT_EQ(n_end, end.map_count);
	EXPECT_EQ(0, variant->munmap ? end.headroom_munmap :
				       end.headroom_mmap);
	INFO("%s: %ld succeeded from %lld VMAs, refused at %lld with "
	     "max_map_count %lld", variant->munmap ? "munmap holes" :
	     "mmap pages", done, n0, n_end, max);
	munmap(area, (2 * steps + 2) * p);
	rbuf_free(&maps);
}

/*
 * Commit charge.  Each variant does one thing to one isolated VMA of
 * NR_PAGES and says how the charge and Committed_AS move; before and
 * after, the charge, nr_accounted and largest_accounted must equal what
 * smaps says ("ac" VMAs).
 */
enum charge_op {
	CH_MMAP_PRIVATE, CH_MUNMAP, CH_MPROTECT_RO_UNTOUCHED,
	CH_MPROTECT_RO_TOUCHED, CH_MPROTECT_RW_FROM_NONE, CH_MREMAP_GROW,
	CH_BRK_GROW, CH_MMAP_NORESERVE, CH_MMAP_SHARED_ANON, CH_MMAP_READONLY,
};

FIXTURE(charge) {
	int fd;
	struct saved_sysctls saved;
};

FIXTURE_VARIANT(charge) {
	enum charge_op op;
	long charge;	/* pages the mm's charge moves by, in NR_PAGES */
	long as;	/* pages Committed_AS moves by, in NR_PAGES */
};

FIXTURE_VARIANT_ADD(charge, mmap_private_writable) {
	.op = CH_MMAP_PRIVATE, .charge = 1, .as = 1,
};

FIXTURE_VARIANT_ADD(charge, munmap_private_writable) {
	.op = CH_MUNMAP, .charge = -1, .as = -1,
};

/* 6.1 keeps the charge, 6.12 drops it: decided from smaps, see below */
FIXTURE_VARIANT_ADD(charge, mprotect_readonly_never_written) {
	.op = CH_MPROTECT_RO_UNTOUCHED, .charge = 0, .as = 0,
};

FIXTURE_VARIANT_ADD(charge, mprotect_readonly_after_write) {
	.op = CH_MPROTECT_RO_TOUCHED, .charge = 0, .as = 0,
};

FIXTURE_VARIANT_ADD(charge, mprotect_writable_from_none) {
	.op = CH_MPROTECT_RW_FROM_NONE, .charge = 1, .as = 1,
};

FIXTURE_VARIANT_ADD(charge, mremap_grow) {
	.op = CH_MREMAP_GROW, .charge = 1, .as = 1,
};

FIXTURE_VARIANT_ADD(charge, brk_grow) {
	.op = CH_BRK_GROW, .charge = 1, .as = 1,
};

FIXTURE_VARIANT_ADD(charge, mmap_noreserve) {
	.op = CH_MMAP_NORESERVE, .charge = 0, .as = 0,
};

/* the shmem object is charged, but to no mm */
FIXTURE_VARIANT_ADD(charge, mmap_shared_anon) {
	.op = CH_MMAP_SHARED_ANON, .charge = 0, .as = 1,
};

FIXTURE_VARIANT_ADD(charge, mmap_readonly) {
	.op = CH_MMAP_READONLY, .charge = 0, .as = 0,
};

FIXTURE_SETUP(charge)
{
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
	/* MAP_NORESERVE is honoured outside mode 2 only */
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
}

FIXTURE_TEARDOWN(charge)
{
	if (self->fd < 0)
		return;
	restore_sysctls(&self->saved);
	close(self->fd);
}

static void expect_charge_matches_smaps(struct __test_metadata *_metadata,
					int fd, struct rbuf *smaps,
					struct vmacct_mm *m)
{
	struct smaps_sum s;

	ASSERT_EQ(0, mm_with_proc(fd, 0, m, NULL, NULL, smaps))
		TH_LOG("VMACCT_IOC_MM: %s", strerror(errno));
	ASSERT_EQ(0, parse_smaps(smaps, &s));
	EXPECT_EQ(s.charge, m->charge);
	EXPECT_EQ(s.nr_accounted, m->nr_accounted);
	EXPECT_EQ(s.largest, m->largest_accounted);
	EXPECT_EQ(s.nr_vmas, m->map_count);
}

TEST_F(charge, moves_by_exact_pages)
{
	const size_t len = NR_PAGES * page_size();
	const int priv = MAP_PRIVATE | MAP_ANONYMOUS;
	long long as0, as1, want_charge, want_as;
	struct vmacct_mm m0, m1;
	struct rbuf smaps;
	char *p = NULL, *x;
	void *brk0 = NULL;
	int ret = 0;

	prefault_stack();
	ASSERT_EQ(0, rbuf_init(&smaps, 4 * BUF_SMALL));

	/* the VMA the operation works on */
	switch (variant->op) {
	case CH_MUNMAP:
	case CH_MPROTECT_RO_UNTOUCHED:
		p = map_alone(len, PROT_READ | PROT_WRITE, priv, -1);
		break;
	case CH_MPROTECT_RO_TOUCHED:
		p = map_alone(len, PROT_READ | PROT_WRITE, priv, -1);
		if (p != MAP_FAILED)
			p[0] = 1;
		break;
	case CH_MPROTECT_RW_FROM_NONE:
		p = map_alone(len, PROT_NONE, priv, -1);
		break;
	case CH_MREMAP_GROW:
		/* room to grow in place, or the kernel moves it: same charge */
		x = fresh_addr(2 * len);
		ASSERT_NE(NULL, x);
		p = mmap(x, len, PROT_READ | PROT_WRITE,
			 priv | MAP_FIXED_NOREPLACE, -1, 0);
		break;
	case CH_BRK_GROW:
		brk0 = sbrk(0);
		ASSERT_NE((void *)-1, brk0);
		break;
	default:
		break;
	}
	ASSERT_NE(MAP_FAILED, p);

	expect_charge_matches_smaps(_metadata, self->fd, &smaps, &m0);
	as0 = committed_as_pages();

	switch (variant->op) {
	case CH_MMAP_PRIVATE:
		p = map_alone(len, PROT_READ | PROT_WRITE, priv, -1);
		ret = p == MAP_FAILED ? -1 : 0;
		break;
	case CH_MUNMAP:
		ret = munmap(p, len);
		p = NULL;
		break;
	case CH_MPROTECT_RO_UNTOUCHED:
	case CH_MPROTECT_RO_TOUCHED:
		ret = mprotect(p, len, PROT_READ);
		break;
	case CH_MPROTECT_RW_FROM_NONE:
		ret = mprotect(p, len, PROT_READ | PROT_WRITE);
		break;
	case CH_MREMAP_GROW:
		x = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
		ret = x == MAP_FAILED ? -1 : 0;
		if (!ret)
			p = x;
		break;
	case CH_BRK_GROW:
		ret = sbrk(len) == (void *)-1 ? -1 : 0;
		break;
	case CH_MMAP_NORESERVE:
		p = map_alone(len, PROT_READ | PROT_WRITE,
			      priv | MAP_NORESERVE, -1);
		ret = p == MAP_FAILED ? -1 : 0;
		break;
	case CH_MMAP_SHARED_ANON:
		p = map_alone(len, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1);
		ret = p == MAP_FAILED ? -1 : 0;
		break;
	case CH_MMAP_READONLY:
		p = map_alone(len, PROT_READ, priv, -1);
		ret = p == MAP_FAILED ? -1 : 0;
		break;
	}
	ASSERT_EQ(0, ret) TH_LOG("operation failed: %s", strerror(errno));

	as1 = committed_as_pages();
	expect_charge_matches_smaps(_metadata, self->fd, &smaps, &m1);

	want_charge = variant->charge * (long long)NR_PAGES;
	want_as = variant->as * (long long)NR_PAGES;
	if (variant->op == CH_MPROTECT_RO_UNTOUCHED) {
		/*
		 * Kernels with "mm/mprotect: allow unfaulted VMAs to be
		 * unaccounted on mprotect()" (6.12, not 6.1) drop VM_ACCOUNT
		 * here; smaps says which one this is.
		 */
		const char *flags = smaps_flags_at(&smaps, p);

		ASSERT_NE(NULL, flags);
		if (!has_flag(flags, "ac")) {
			want_charge = -(long long)NR_PAGES;
			want_as = -(long long)NR_PAGES;
		}
		INFO("mprotect(PROT_READ) of a never-written VMA: this kernel "
		     "%s the charge", want_charge ? "drops" : "keeps");
	}
	EXPECT_EQ(want_charge, (long long)(m1.charge - m0.charge));
	EXPECT_EQ(want_as, as1 - as0);

	switch (variant->op) {
	case CH_MREMAP_GROW:
		munmap(p, 2 * len);
		break;
	case CH_BRK_GROW:
		sbrk(-(intptr_t)len);
		break;
	default:
		if (p)
			munmap(p, len);
	}
	rbuf_free(&smaps);
}

/*
 * VMA kinds: one new VMA of each kind moves its own counter by one and no
 * other; afterwards every counter equals the smaps classification.
 */
enum vma_kind { K_ANON, K_FILE_PRIVATE, K_FILE_SHARED, K_STACK };

static __u32 kind_count(const struct vmacct_mm *m, enum vma_kind k)
{
	switch (k) {
	case K_ANON:
		return m->nr_anon_private;
	case K_FILE_PRIVATE:
		return m->nr_file_private;
	case K_FILE_SHARED:
		return m->nr_file_shared;
	case K_STACK:
		return m->nr_stack;
	}
	return 0;
}

TEST(kind_counters_move_by_one)
{
	static const struct {
		const char *what;
		enum vma_kind kind;
		int prot, flags;
		bool file;
	} adds[] = {
		{ "anonymous private", K_ANON, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, false },
		{ "tmpfs file private", K_FILE_PRIVATE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE, true },
		{ "tmpfs file shared", K_FILE_SHARED, PROT_READ | PROT_WRITE,
		  MAP_SHARED, true },
		{ "shared anonymous", K_FILE_SHARED, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, false },
		{ "MAP_GROWSDOWN", K_STACK, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, false },
	};
	const size_t len = 4 * page_size();
	char path[] = "/dev/shm/vmacct_kind_XXXXXX";
	void *maps[ARRAY_SIZE(adds)];
	struct vmacct_mm m0, m1;
	struct rbuf smaps;
	unsigned int i, k;
	int fd, file;

	NEED_VMACCT(fd);
	prefault_stack();
	ASSERT_EQ(0, rbuf_init(&smaps, 4 * BUF_SMALL));
	file = mkstemp(path);
	if (file < 0) {
		snprintf(path, sizeof(path), "/tmp/vmacct_kind_XXXXXX");
		file = mkstemp(path);
	}
	ASSERT_LE(0, file) TH_LOG("mkstemp: %s", strerror(errno));
	unlink(path);
	ASSERT_EQ(0, ftruncate(file, len));

	for (i = 0; i < ARRAY_SIZE(adds); i++) {
		ASSERT_EQ(0, mm_ioctl(fd, 0, &m0));
		maps[i] = map_alone(len, adds[i].prot, adds[i].flags,
				    adds[i].file ? file : -1);
		ASSERT_NE(MAP_FAILED, maps[i])
			TH_LOG("%s: %s", adds[i].what, strerror(errno));
		ASSERT_EQ(0, mm_ioctl(fd, 0, &m1));

		EXPECT_EQ(m0.map_count + 1, m1.map_count) TH_LOG("%s", adds[i].what);
		for (k = K_ANON; k <= K_STACK; k++)
			EXPECT_EQ(kind_count(&m0, k) + (k == adds[i].kind),
				  kind_count(&m1, k))
				TH_LOG("adding a %s VMA, counter %u", adds[i].what, k);
		EXPECT_EQ(m0.nr_special, m1.nr_special) TH_LOG("%s", adds[i].what);
	}

	ASSERT_EQ(0, mm_with_proc(fd, 0, &m1, NULL, NULL, &smaps));
	expect_mm_matches_smaps(_metadata, &m1, &smaps);
	INFO("kinds: anon private %u, file private %u, file shared %u, "
	     "stack %u, special %u (map_count %u)", m1.nr_anon_private,
	     m1.nr_file_private, m1.nr_file_shared, m1.nr_stack,
	     m1.nr_special, m1.map_count);

	for (i = 0; i < ARRAY_SIZE(adds); i++)
		munmap(maps[i], len);
	close(file);
	rbuf_free(&smaps);
	close(fd);
}

/*
 * vm.max_map_count accepts any int up to INT_MAX: the headrooms are then
 * larger than the count can ever reach, computed without overflow (max +
 * 1 - map_count for mmap), and a new mapping is allowed.
 */
TEST(headrooms_at_int_max)
{
	struct saved_sysctls saved;
	struct vmacct_mm m;
	struct rbuf maps;
	long long n;
	int fd, ret;
	void *p;

	NEED_VMACCT(fd);
	save_sysctls(&saved);
	ASSERT_EQ(0, rbuf_init(&maps, BUF_SMALL));
	prefault_stack();
	ASSERT_EQ(0, set_sysctl("max_map_count", INT_MAX));
	ASSERT_EQ(0, read_proc(0, "maps", &maps));
	n = maps_count(&maps);
	ret = mm_ioctl(fd, 0, &m);
	p = mmap(NULL, page_size(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	restore_sysctls(&saved);

	ASSERT_EQ(0, ret);
	EXPECT_EQ(n, m.map_count);
	EXPECT_EQ(INT_MAX, m.max_map_count);
	EXPECT_EQ((long long)INT_MAX + 1 - n, m.headroom_mmap);
	EXPECT_EQ((long long)INT_MAX - n, m.headroom_split);
	EXPECT_EQ((long long)INT_MAX - n, m.headroom_munmap);
	EXPECT_LT(0, m.headroom_mremap_move);
	EXPECT_LT(0, m.headroom_mremap_fixed);
	EXPECT_NE(MAP_FAILED, p);
	if (p != MAP_FAILED)
		munmap(p, page_size());
	rbuf_free(&maps);
	close(fd);
}

TEST_HARNESS_MAIN
