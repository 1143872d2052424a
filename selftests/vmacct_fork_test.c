// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftests: VMACCT_IOC_FORK, would fork() of this process pass?
 *
 * The process holds a large touched heap and one region of each kind
 * dup_mmap() treats differently:
 *
 *   heap        256 MiB  private writable, touched   ac        charged
 *   dontfork     16 MiB  MADV_DONTFORK               ac dc     not copied
 *   wipeonfork   16 MiB  MADV_WIPEONFORK             ac wf     charged
 *   noreserve    64 MiB  MAP_NORESERVE (mode 0)      nr        not charged
 *   shared       16 MiB  MAP_SHARED|MAP_ANONYMOUS    sh        not charged
 *
 * FORK.charge must equal what smaps says (sizes of "ac" VMAs without
 * "dc") and what Committed_AS really gains when the child exists; the
 * mode-2 verdict must equal the real fork() outcome around min_ratio and
 * min_kbytes; in mode 0 a VMA larger than guess_ceiling (made in mode 1)
 * must make both FORK and fork() fail.
 *
 * The limits used never go below what is committed before the fork, and
 * the mode is restored right after each fork, before anything else.
 *
 * Needs root and a loaded vmacct module; otherwise every test says SKIP.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_mm_util.h"

#define MIB_PAGES(m)	((long long)(m) * (1024 * 1024 / page_size()))

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK	18
#endif

struct region {
	const char *what;
	long mib;
	int flags;
	int advice;	/* 0: none */
	bool touch;
};

static const struct region regions[] = {
	{ "heap", 256, MAP_PRIVATE | MAP_ANONYMOUS, 0, true },
	{ "dontfork", 16, MAP_PRIVATE | MAP_ANONYMOUS, MADV_DONTFORK, true },
	{ "wipeonfork", 16, MAP_PRIVATE | MAP_ANONYMOUS, MADV_WIPEONFORK, true },
	{ "noreserve", 64, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, 0,
	  false },
	{ "shared", 16, MAP_SHARED | MAP_ANONYMOUS, 0, true },
};

#define NR_REGIONS	(ARRAY_SIZE(regions))

FIXTURE(fork) {
	int fd;
	struct saved_sysctls saved;
	char *map[NR_REGIONS];
	char *pad;
	size_t pad_len;
	struct rbuf smaps, status;
};

FIXTURE_SETUP(fork)
{
	unsigned int i;
	size_t len;

	memset(self->map, 0, sizeof(self->map));
	self->pad = NULL;
	self->smaps.p = self->status.p = NULL;
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
	/* MAP_NORESERVE is honoured outside mode 2 only */
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));

	for (i = 0; i < NR_REGIONS; i++) {
		len = MIB_PAGES(regions[i].mib) * page_size();
		self->map[i] = map_alone(len, PROT_READ | PROT_WRITE,
					 regions[i].flags, -1);
		ASSERT_NE(MAP_FAILED, self->map[i])
			TH_LOG("%s: %s", regions[i].what, strerror(errno));
		if (regions[i].advice)
			ASSERT_EQ(0, madvise(self->map[i], len,
					     regions[i].advice))
				TH_LOG("%s: %s", regions[i].what,
				       strerror(errno));
		if (regions[i].touch)
			touch(self->map[i], len);
	}
	ASSERT_EQ(0, rbuf_init(&self->smaps, 1 << 20));
	ASSERT_EQ(0, rbuf_init(&self->status, 64 << 10));
	prefault_stack();
}

FIXTURE_TEARDOWN(fork)
{
	if (self->fd < 0)
		return;
	restore_sysctls(&self->saved);
	close(self->fd);
}

/* fork() a child that exits at once: 0, or the errno of fork(). */
static int real_fork(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return 0;
}

/*
 * FORK.charge, nr_charged and largest against smaps; the terms against
 * status, meminfo and the sysctls; and the charge against what fork()
 * really adds to Committed_AS while the child lives.
 */
TEST_F(fork, charge_is_ac_without_dc)
{
	long long user_cap = kb_to_pages(sysctl_ll("user_reserve_kbytes"));
	long long as0, as1, dontfork_pages;
	struct vmacct_fork f, again, fc;
	struct smaps_sum s, sc;
	struct status_vm st;
	struct vmacct_mm m;
	struct holder h;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		ASSERT_EQ(0, fork_ioctl(self->fd, 0, &f))
			TH_LOG("VMACCT_IOC_FORK: %s", strerror(errno));
		ASSERT_EQ(0, read_proc(0, "smaps", &self->smaps));
		ASSERT_EQ(0, read_proc(0, "status", &self->status));
		ASSERT_EQ(0, mm_ioctl(self->fd, 0, &m));
		ASSERT_EQ(0, fork_ioctl(self->fd, 0, &again));
		if (f.charge == again.charge && f.total_vm == again.total_vm)
			break;
	}
	ASSERT_EQ(0, parse_smaps(&self->smaps, &s));
	ASSERT_EQ(0, parse_status(&self->status, &st));
	dontfork_pages = MIB_PAGES(regions[1].mib);

	INFO("fork would charge %llu pages in %u VMAs (largest %llu); "
	     "mm charge %llu; min_ratio %u, min_kbytes %llu",
	     (unsigned long long)f.charge, f.nr_charged,
	     (unsigned long long)f.largest, (unsigned long long)m.charge,
	     f.min_ratio, (unsigned long long)f.min_kbytes);
	EXPECT_EQ(sizeof(f), f.size);
	EXPECT_EQ(s.fork_charge, f.charge);
	EXPECT_EQ(s.nr_fork, f.nr_charged);
	EXPECT_EQ(s.fork_largest, f.largest);
	EXPECT_EQ(MIB_PAGES(regions[0].mib), f.largest);
	EXPECT_EQ(m.charge - dontfork_pages, f.charge);
	EXPECT_EQ(st.size, f.total_vm);

	EXPECT_EQ(kb_to_pages(meminfo_kb("CommitLimit")), f.limit);
	EXPECT_EQ(1, f.as_admin);
	EXPECT_EQ(0, f.admin_reserve);
	EXPECT_EQ(st.size / 32 < user_cap ? st.size / 32 : user_cap,
		  f.user_reserve);
	EXPECT_EQ((long long)(f.limit - f.admin_reserve - f.user_reserve),
		  f.allowed);
	EXPECT_EQ(kb_to_pages(meminfo_kb("MemTotal")) +
		  kb_to_pages(meminfo_kb("SwapTotal")), f.guess_ceiling);
	EXPECT_EQ(0, f.reserved);

	/* mode 0: no VMA near guess_ceiling; mode 1 never fails */
	EXPECT_EQ(0, f.verdict[0]);
	EXPECT_EQ(VMACCT_TERM_GUESS_CEILING, f.deciding_term[0]);
	EXPECT_EQ(0, f.verdict[1]);
	EXPECT_EQ(VMACCT_TERM_NONE, f.deciding_term[1]);
	EXPECT_EQ(LLONG_MAX, f.margin[1]);
	EXPECT_EQ(f.verdict[2] == 0, f.margin[2] >= 0);

	/* the real charge of fork(): Committed_AS with the child alive */
	as0 = committed_as_pages();
	ASSERT_EQ(0, holder_start(&h, NULL, NULL));
	as1 = committed_as_pages();
	EXPECT_EQ((long long)f.charge, as1 - as0)
		TH_LOG("Committed_AS %lld -> %lld", as0, as1);

	/* the child, asked about directly: no DONTFORK region there */
	ASSERT_EQ(0, fork_ioctl(self->fd, h.pid, &fc));
	ASSERT_EQ(0, read_proc(h.pid, "smaps", &self->smaps));
	ASSERT_EQ(0, parse_smaps(&self->smaps, &sc));
	EXPECT_EQ(sc.fork_charge, fc.charge);
	EXPECT_EQ(sc.nr_fork, fc.nr_charged);
	EXPECT_EQ(f.charge, fc.charge);
	EXPECT_EQ(0, holder_stop(&h));
}

/*
 * The limit A(r) a fork compares with at overcommit_ratio r, the way the
 * kernel computes it (no hugetlb in the ratio base; swap added).
 */
static long long allowed_at_ratio(const struct vmacct_commit *c,
				  const struct vmacct_fork *f, long long r)
{
	long long limit = (c->totalram - c->hugetlb) * r / 100 + c->total_swap;

	return limit - (long long)f->admin_reserve - (long long)f->user_reserve;
}

/*
 * Mode 2.  dup_mmap() checks VMA by VMA, and the kernel compares the
 * shared part of the per-CPU count: the charges of the small VMAs after
 * the last one that folded (below committed_batch) are not seen.  So a
 * fork refused by a few pages may pass; the test keeps the refusing side
 * at least committed_batch pages short (a padding region moves it if
 * needed).  The passing side is exact.
 */
TEST_F_TIMEOUT(fork, mode2_verdict_matches_fork_around_min_ratio, 120)
{
	struct vmacct_commit c;
	struct vmacct_fork f;
	long long deficit, ratios[4], r, pad_pages, min_r;
	unsigned int i, n;
	int tries, err;

	/*
	 * committed_batch as it is in mode 2 (mode 0's is 64 times larger),
	 * read there at a ratio the fork passes with, so at a safe limit.
	 */
	ASSERT_EQ(0, fork_ioctl(self->fd, 0, &f));
	ASSERT_GT(98, f.min_ratio);
	ASSERT_EQ(0, set_sysctl("overcommit_ratio", f.min_ratio + 2));
	ASSERT_EQ(0, enter_mode2());
	err = commit_ioctl(self->fd, &c);
	set_sysctl("overcommit_memory", 0);
	ASSERT_EQ(0, err);
	ASSERT_EQ(2, c.overcommit_memory);

	for (tries = 0; ; tries++) {
		ASSERT_EQ(0, fork_ioctl(self->fd, 0, &f));
		ASSERT_NE(0xffffffffu, f.min_ratio);
		ASSERT_LT(1, f.min_ratio);
		ASSERT_GT(98, f.min_ratio);
		/* what the refusing side misses the limit by */
		deficit = (long long)(f.committed + f.charge) -
			  allowed_at_ratio(&c, &f, f.min_ratio - 1);
		if (deficit >= c.committed_batch || tries == 3)
			break;
		/* both the parent's charge and the fork's grow by pad_pages */
		pad_pages = c.committed_batch;
		if (self->pad)
			munmap(self->pad, self->pad_len);
		self->pad_len = (tries + 1) * pad_pages * page_size();
		self->pad = map_alone(self->pad_len, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1);
		ASSERT_NE(MAP_FAILED, self->pad);
	}
	ASSERT_LE(c.committed_batch, deficit);
	min_r = f.min_ratio;
	INFO("fork charge %llu, committed %llu: min_ratio %lld (refused by "
	     "%lld pages at %lld), min_kbytes %llu, batch %u",
	     (unsigned long long)f.charge, (unsigned long long)f.committed,
	     min_r, deficit, min_r - 1, (unsigned long long)f.min_kbytes,
	     c.committed_batch);

	n = 0;
	/* well below, only if the system stays 16 MiB under that limit */
	if (allowed_at_ratio(&c, &f, min_r - 3) >
	    (long long)f.committed + MIB_PAGES(16))
		ratios[n++] = min_r - 3;
	ratios[n++] = min_r - 1;
	ratios[n++] = min_r;
	ratios[n++] = min_r + 2;

	for (i = 0; i < n; i++) {
		struct vmacct_fork fr;
		long long as0, as1;

		r = ratios[i];
		ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
		ASSERT_EQ(0, set_sysctl("overcommit_ratio", r));
		ASSERT_EQ(0, enter_mode2());
		as0 = committed_as_pages();
		if (fork_ioctl(self->fd, 0, &fr)) {
			set_sysctl("overcommit_memory", 0);
			ASSERT_TRUE(false) TH_LOG("FORK: %s", strerror(errno));
		}
		err = real_fork();
		as1 = committed_as_pages();
		set_sysctl("overcommit_memory", 0);

		INFO("ratio %lld: FORK says %s (margin %lld, slop %u), "
		     "fork() %s", r, fr.verdict[2] ? "ENOMEM" : "pass",
		     (long long)fr.margin[2], fr.slop_may_flip,
		     err ? strerror(err) : "passed");
		EXPECT_EQ(fr.verdict[2], err ? -err : 0) TH_LOG("ratio %lld", r);
		EXPECT_EQ(r >= min_r ? 0 : -ENOMEM, fr.verdict[2])
			TH_LOG("ratio %lld, min_ratio %lld", r, min_r);
		EXPECT_EQ(min_r, fr.min_ratio);
		EXPECT_EQ(fr.verdict[2] == 0, fr.margin[2] >= 0);
		EXPECT_EQ(kb_to_pages(meminfo_kb("CommitLimit")), fr.limit);
		/* a refused fork gives back what it charged on the way */
		EXPECT_EQ(as0, as1);
	}

	/* min_kbytes passes; two batches of pages less is refused */
	{
		long long kb = f.min_kbytes, less;
		struct vmacct_fork fk;

		less = kb - 2LL * c.committed_batch * (page_size() / 1024);
		ASSERT_LT(0, less);
		ASSERT_EQ(0, set_sysctl("overcommit_kbytes", kb));
		ASSERT_EQ(0, enter_mode2());
		ASSERT_EQ(0, fork_ioctl(self->fd, 0, &fk));
		err = real_fork();
		set_sysctl("overcommit_memory", 0);
		EXPECT_EQ(0, fk.verdict[2]);
		EXPECT_EQ(0, err) TH_LOG("fork at min_kbytes %lld: %s", kb,
					 strerror(err));

		ASSERT_EQ(0, set_sysctl("overcommit_kbytes", less));
		ASSERT_EQ(0, enter_mode2());
		ASSERT_EQ(0, fork_ioctl(self->fd, 0, &fk));
		err = real_fork();
		set_sysctl("overcommit_memory", 0);
		EXPECT_EQ(-ENOMEM, fk.verdict[2]);
		EXPECT_EQ(ENOMEM, err) TH_LOG("fork at %lld kB", less);
		INFO("overcommit_kbytes %lld: fork passed; %lld: refused", kb,
		     less);

		/* one page less is refused by the model (exact arithmetic) */
		ASSERT_EQ(0, set_sysctl("overcommit_kbytes", kb - page_size() / 1024));
		ASSERT_EQ(0, fork_ioctl(self->fd, 0, &fk));
		EXPECT_EQ(-ENOMEM, fk.verdict[2]);
		EXPECT_EQ((unsigned long long)kb, fk.min_kbytes);
	}
	ASSERT_EQ(0, set_sysctl("overcommit_ratio", self->saved.ratio));
}

#define MAX_HELD_CPUS	64

/*
 * In mode 2, on every online CPU: a mapping of committed_batch pages
 * (its charge folds into the shared count: |delta + batch| >= batch),
 * then an unmap of batch - 1 of them on the same CPU, which stays in that
 * CPU's delta.  The shared count then reads (batch - 1) pages per CPU
 * more than the exact sum: the worst case for a mode-2 check.  Ends
 * pinned to the last CPU.  Returns the CPUs used, or -1.
 */
static int hold_negative_deltas(char **held, int batch)
{
	long psz = page_size();
	int cpu, n = 0;

	for (cpu = 0; cpu < CPU_SETSIZE && n < MAX_HELD_CPUS; cpu++) {
		if (pin_to_cpu(cpu))
			continue;
		held[n] = mmap(NULL, batch * psz, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (held[n] == MAP_FAILED)
			return -1;
		if (munmap(held[n] + psz, (batch - 1) * psz))
			return -1;
		n++;
	}
	return n;
}

/*
 * min_ratio and min_kbytes are flip points for the count as it reads now.
 * With every CPU holding a delta of -(batch - 1), a fork at the flip
 * point of the exact sum (what the count reads right after
 * overcommit_memory=2 folded everything) is refused, while at
 * min_ratio_certain / min_kbytes_certain it passes, in every trial.
 */
TEST_F_TIMEOUT(fork, certain_settings_pass_whatever_the_deltas, 240)
{
	static const int kinds[] = { 0, 1, 1, 1, 2, 2 };	/* ratio, kbytes, flip */
	char *held[MAX_HELD_CPUS];
	long psz_kb = page_size() / 1024;
	struct vmacct_commit c;
	struct vmacct_fork f;
	int trial, i, n, err, batch;
	long long gap, flip_kb;

	/* mode 2's batch, at a ratio with room for everything here */
	ASSERT_EQ(0, set_sysctl("overcommit_ratio", 100));
	ASSERT_EQ(0, enter_mode2());
	err = commit_ioctl(self->fd, &c);
	set_sysctl("overcommit_memory", 0);
	ASSERT_EQ(0, err);
	batch = c.committed_batch;
	ASSERT_LT(1, batch);

	for (trial = 0; trial < (int)ARRAY_SIZE(kinds); trial++) {
		ASSERT_EQ(0, set_sysctl("overcommit_ratio", 100));
		ASSERT_EQ(0, enter_mode2());	/* folds every delta */
		n = hold_negative_deltas(held, batch);
		if (n <= 0 || fork_ioctl(self->fd, 0, &f)) {
			set_sysctl("overcommit_memory", 0);
			ASSERT_LT(0, n);
			ASSERT_TRUE(false) TH_LOG("FORK: %s", strerror(errno));
		}
		/* the deltas are really there: the read is above the sum */
		gap = (long long)f.committed_read - (long long)f.committed;
		/* the flip point of the exact sum, from the certain one */
		flip_kb = (long long)f.min_kbytes_certain -
			  (long long)f.committed_error * psz_kb;
		switch (kinds[trial]) {
		case 0:
			err = set_sysctl("overcommit_ratio", f.min_ratio_certain);
			break;
		case 1:
			err = set_sysctl("overcommit_kbytes", f.min_kbytes_certain);
			break;
		default:	/* 64 pages above the exact sum's flip point */
			err = set_sysctl("overcommit_kbytes", flip_kb + 64 * psz_kb);
			break;
		}
		if (!err)
			err = real_fork();
		set_sysctl("overcommit_memory", 0);
		for (i = 0; i < n; i++)
			munmap(held[i], page_size());
		ASSERT_EQ(0, set_sysctl("overcommit_ratio", self->saved.ratio));

		INFO("trial %d (%s): %d CPUs hold -%d, read - sum = %lld pages; "
		     "min_ratio %u, certain %u; min_kbytes %llu, certain %llu, "
		     "exact flip %lld: fork() %s", trial,
		     kinds[trial] == 0 ? "ratio certain" :
		     kinds[trial] == 1 ? "kbytes certain" : "kbytes flip + 64 pages",
		     n, batch - 1, gap, f.min_ratio, f.min_ratio_certain,
		     (unsigned long long)f.min_kbytes,
		     (unsigned long long)f.min_kbytes_certain, flip_kb,
		     err ? strerror(err) : "passed");
		EXPECT_LE((long long)(n - 1) * (batch - 1), gap);
		EXPECT_LE(f.min_ratio, f.min_ratio_certain);
		EXPECT_LE(f.min_kbytes, f.min_kbytes_certain);
		if (kinds[trial] < 2) {
			EXPECT_EQ(0, err)
				TH_LOG("a certain setting refused the fork");
		} else {
			EXPECT_EQ(ENOMEM, err)
				TH_LOG("the exact sum's flip point passed with the deltas held");
		}
	}
}

/*
 * Mode 0: a fork fails if one charged VMA alone is larger than
 * guess_ceiling.  Such a VMA can only be made while in mode 1.
 */
FIXTURE(fork_mode0) {
	int fd;
	struct saved_sysctls saved;
};

FIXTURE_SETUP(fork_mode0)
{
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
}

FIXTURE_TEARDOWN(fork_mode0)
{
	if (self->fd < 0)
		return;
	restore_sysctls(&self->saved);
	close(self->fd);
}

TEST_F(fork_mode0, vma_above_guess_ceiling_fails_fork)
{
	struct vmacct_commit c;
	struct vmacct_fork f;
	long long pages;
	size_t len;
	char *big;
	int err;

	ASSERT_EQ(0, set_sysctl("overcommit_memory", 1));
	ASSERT_EQ(0, commit_ioctl(self->fd, &c));
	pages = c.guess_ceiling + 1024;
	len = pages * page_size();
	big = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, big);
	big[0] = 1;
	big[len / 2] = 1;
	big[len - 1] = 1;
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));

	ASSERT_EQ(0, fork_ioctl(self->fd, 0, &f));
	err = real_fork();
	EXPECT_EQ(-ENOMEM, f.verdict[0]);
	EXPECT_EQ(VMACCT_TERM_GUESS_CEILING, f.deciding_term[0]);
	EXPECT_EQ(pages, f.largest);
	EXPECT_EQ(0, f.verdict[1]);
	EXPECT_EQ(ENOMEM, err) TH_LOG("fork with a %lld-page VMA: %s", pages,
				      err ? strerror(err) : "passed");
	INFO("mode 0: VMA of guess_ceiling + 1024 = %lld pages: FORK says %s, "
	     "fork() %s", pages, f.verdict[0] ? "ENOMEM" : "pass",
	     err ? strerror(err) : "passed");

	ASSERT_EQ(0, munmap(big, len));
	ASSERT_EQ(0, fork_ioctl(self->fd, 0, &f));
	err = real_fork();
	EXPECT_EQ(0, f.verdict[0]);
	EXPECT_EQ(0, err) TH_LOG("fork without it: %s", strerror(err));
}

TEST_HARNESS_MAIN
