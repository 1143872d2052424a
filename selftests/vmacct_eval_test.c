// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftests: VMACCT_IOC_EVAL, the dry run of __vm_enough_memory().
 *
 * The verdicts are checked against real mmap() calls at the boundary the
 * ioctl names: in mode 2 EVAL(pages = 0) gives the margin M, and an
 * mmap() of M pages must succeed where M + 1 fails with ENOMEM, for root
 * and for nobody (no CAP_SYS_ADMIN: the admin reserve applies), with a
 * small and a large total_vm (the user reserve is total_vm / 32, capped).
 * Mode 0 is checked at guess_ceiling, mode 1 above it.  The terms are
 * checked against /proc/meminfo, /proc/zoneinfo, /proc/PID/status and the
 * sysctls.
 *
 * Mode-2 measurements start right after overcommit_memory=2 is written:
 * the handler folds the per-CPU counts, so the shared count the kernel
 * compares is exact, and every size used is above committed_batch, so
 * each charge folds at once.  The limit is set a hundred-odd MiB above
 * what is committed, never below it, and restored before anything forks.
 *
 * Needs root and a loaded vmacct module; otherwise every test says SKIP.
 */
#define _GNU_SOURCE
#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_mm_util.h"

#define MIB_PAGES(m)	((long long)(m) * (1024 * 1024 / page_size()))
/* what the limit is set above Committed_AS, before reserves */
#define MODE2_ROOM_MIB	96

static void eval_sysctls_teardown(int fd, const struct saved_sysctls *saved)
{
	if (fd < 0)
		return;
	restore_sysctls(saved);
	close(fd);
}

/* A mode-2 limit MODE2_ROOM_MIB (plus the reserves) above what is committed */
struct mode2_room {
	struct vmacct_commit c;	/* the accounting when it was set */
	long long admin_pages;	/* admin_reserve_kbytes, in pages */
	long long user_cap;	/* user_reserve_kbytes, in pages */
	long long ratio;	/* the overcommit_ratio written */
};

/*
 * Write the smallest overcommit_ratio whose CommitLimit is at least
 * committed + MODE2_ROOM_MIB + both reserves (no swap in the guest; swap
 * is added anyway), and leave the mode alone.  Return: 0, or -1 when the
 * accounting cannot be read, the ratio falls outside 1..99 or the sysctl
 * cannot be written.
 */
static int set_mode2_room(int fd, struct mode2_room *r)
{
	long long base, want;

	if (commit_ioctl(fd, &r->c))
		return -1;
	r->admin_pages = kb_to_pages(sysctl_ll("admin_reserve_kbytes"));
	r->user_cap = kb_to_pages(sysctl_ll("user_reserve_kbytes"));
	base = r->c.totalram - r->c.hugetlb;
	want = r->c.committed + MIB_PAGES(MODE2_ROOM_MIB) + r->admin_pages +
	       r->user_cap - r->c.total_swap;
	r->ratio = base > 0 ? (want * 100 + base - 1) / base : -1;
	if (r->ratio <= 0 || r->ratio >= 100) {
		errno = ERANGE;
		return -1;
	}
	return set_sysctl("overcommit_ratio", r->ratio);
}

/* Out of mode 2, before anything else: into the saved mode, or 0. */
static void leave_mode2(const struct saved_sysctls *saved)
{
	set_sysctl("overcommit_memory", saved->mode == 2 ? 0 : saved->mode);
}

/* --------------------------------------------------------------- mode 2 */

/* What the child saw; the parent asserts on it after restoring the mode. */
struct mode2_seen {
	int failed_step;	/* 0, or the step that could not run */
	int failed_errno;
	struct vmacct_eval e0, e_m, e_m1, e_2m, e_end;
	struct vmacct_eval e_other_class, e_mode0, e_mode1;
	long long vmsize;	/* VmSize in pages when e0 was taken */
	long long commit_limit;	/* CommitLimit in pages, same time */
	long long as0, as1;	/* Committed_AS around a burst of EVALs */
	int mmap_err[3];	/* M - 1, M, M + 1: 0 or errno */
};

FIXTURE(mode2) {
	int fd;
	struct saved_sysctls saved;
	struct mode2_seen *seen;
	pid_t child;
};

FIXTURE_VARIANT(mode2) {
	bool admin;		/* root, or nobody without CAP_SYS_ADMIN */
	long extra_vm_mib;	/* PROT_NONE mapping to grow total_vm */
};

FIXTURE_VARIANT_ADD(mode2, admin) {
	.admin = true, .extra_vm_mib = 0,
};

/* total_vm / 32 = 8192 pages of user reserve, below its cap */
FIXTURE_VARIANT_ADD(mode2, admin_large_total_vm) {
	.admin = true, .extra_vm_mib = 1024,
};

/* total_vm / 32 above user_reserve_kbytes: the cap applies */
FIXTURE_VARIANT_ADD(mode2, admin_huge_total_vm) {
	.admin = true, .extra_vm_mib = 8192,
};

FIXTURE_VARIANT_ADD(mode2, user) {
	.admin = false, .extra_vm_mib = 0,
};

FIXTURE_VARIANT_ADD(mode2, user_large_total_vm) {
	.admin = false, .extra_vm_mib = 1024,
};

FIXTURE_SETUP(mode2)
{
	self->seen = MAP_FAILED;
	self->child = 0;
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	self->seen = mmap(NULL, sizeof(*self->seen), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->seen);
}

FIXTURE_TEARDOWN(mode2)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	eval_sysctls_teardown(self->fd, &self->saved);
	if (self->seen != MAP_FAILED)
		munmap(self->seen, sizeof(*self->seen));
}

#define STEP(n, call) do {						\
	if (call) {							\
		seen->failed_step = (n);				\
		seen->failed_errno = errno;				\
		return;							\
	}								\
} while (0)

/*
 * In the child, once the parent has entered mode 2: everything the
 * kernel will compare is exact now, and nothing here charges anything
 * until the mmap()s.
 */
static void mode2_measure(int fd, struct mode2_seen *seen, struct rbuf *status)
{
	struct status_vm s;
	long long m;
	int i;

	STEP(1, eval_ioctl(fd, 0, 0, 0, 0, &seen->e0));
	STEP(2, read_proc(0, "status", status) || parse_status(status, &s));
	seen->vmsize = s.size;
	seen->commit_limit = kb_to_pages(meminfo_kb("CommitLimit"));
	m = seen->e0.margin;
	STEP(3, eval_ioctl(fd, 0, 0, 0, m, &seen->e_m));
	STEP(4, eval_ioctl(fd, 0, 0, 0, m + 1, &seen->e_m1));
	STEP(5, eval_ioctl(fd, 0, 0, 0, 2 * m, &seen->e_2m));
	STEP(6, eval_ioctl(fd, seen->e0.as_admin ? VMACCT_EVAL_USER :
			   VMACCT_EVAL_ADMIN, 0, 0, 0, &seen->e_other_class));
	STEP(7, eval_ioctl(fd, VMACCT_EVAL_MODE, 0, 0, 0, &seen->e_mode0));
	STEP(8, eval_ioctl(fd, VMACCT_EVAL_MODE, 0, 1, 0, &seen->e_mode1));

	/* EVAL charges nothing, whatever it is asked */
	seen->as0 = committed_as_pages();
	for (i = 0; i < 64; i++) {
		struct vmacct_eval e;

		STEP(9, eval_ioctl(fd, i & 1 ? VMACCT_EVAL_ADMIN : 0, 0, 0,
				    (long long)i * m / 16, &e));
	}
	seen->as1 = committed_as_pages();

	/* the sanity bounds the parent asserts; no mmap outside them */
	if (m < 4096 || m > MIB_PAGES(1024)) {
		seen->failed_step = 10;
		return;
	}
	seen->mmap_err[0] = try_map(m - 1);
	seen->mmap_err[1] = try_map(m);
	seen->mmap_err[2] = try_map(m + 1);
	STEP(11, eval_ioctl(fd, 0, 0, 0, 0, &seen->e_end));
}

TEST_F(mode2, margin_is_the_mmap_boundary)
{
	const struct mode2_seen *seen = self->seen;
	struct mode2_room room;
	long long want_user;
	int ready[2], go[2], status;
	char ch;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	fflush(stdout);
	fflush(stderr);
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0) {
		struct mode2_seen *out = self->seen;
		struct rbuf status_buf;
		void *extra;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!variant->admin && become_nobody())
			_exit(20);
		if (variant->extra_vm_mib) {
			extra = mmap(NULL, MIB_PAGES(variant->extra_vm_mib) *
				     page_size(), PROT_NONE, MAP_PRIVATE |
				     MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			if (extra == MAP_FAILED)
				_exit(21);
		}
		if (rbuf_init(&status_buf, 64 << 10))
			_exit(22);
		prefault_stack();
		if (write(ready[1], "r", 1) != 1 || read(go[0], &ch, 1) != 1)
			_exit(23);
		mode2_measure(self->fd, out, &status_buf);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &ch, 1)) TH_LOG("the child did not start");

	ASSERT_EQ(0, set_mode2_room(self->fd, &room))
		TH_LOG("ratio %lld for committed %llu of %llu pages of RAM: %s",
		       room.ratio, (unsigned long long)room.c.committed,
		       (unsigned long long)room.c.totalram, strerror(errno));

	ASSERT_EQ(0, enter_mode2());
	ASSERT_EQ(1, write(go[1], "g", 1));
	waitpid(self->child, &status, 0);
	self->child = 0;
	leave_mode2(&self->saved);

	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, seen->failed_step)
		TH_LOG("step %d: %s (margin %lld)", seen->failed_step,
		       strerror(seen->failed_errno), (long long)seen->e0.margin);

	INFO("%s, total_vm %lld: ratio %lld, limit %llu, allowed %lld, "
	     "committed %llu (read %llu), reserves admin %llu user %llu: "
	     "margin M = %lld pages (%lld MiB)",
	     variant->admin ? "admin" : "nobody", seen->vmsize, room.ratio,
	     (unsigned long long)seen->e0.limit, (long long)seen->e0.allowed,
	     (unsigned long long)seen->e0.committed,
	     (unsigned long long)seen->e0.committed_read,
	     (unsigned long long)seen->e0.admin_reserve,
	     (unsigned long long)seen->e0.user_reserve,
	     (long long)seen->e0.margin,
	     (long long)seen->e0.margin / MIB_PAGES(1));
	INFO("mmap of M-1, M, M+1 pages: %s, %s, %s",
	     strerror(seen->mmap_err[0]), strerror(seen->mmap_err[1]),
	     strerror(seen->mmap_err[2]));

	/* the terms */
	EXPECT_EQ(2, seen->e0.mode);
	EXPECT_EQ(0, seen->e0.verdict);
	EXPECT_EQ(variant->admin, seen->e0.as_admin);
	EXPECT_EQ(seen->commit_limit, seen->e0.limit);
	EXPECT_EQ(variant->admin ? 0 : room.admin_pages,
		  seen->e0.admin_reserve);
	EXPECT_EQ(seen->vmsize, seen->e0.total_vm);
	want_user = seen->vmsize / 32;
	if (want_user > room.user_cap)
		want_user = room.user_cap;
	EXPECT_EQ(want_user, seen->e0.user_reserve);
	if (variant->extra_vm_mib > 4096)
		EXPECT_EQ(room.user_cap, seen->e0.user_reserve);
	EXPECT_EQ((long long)(seen->e0.limit - seen->e0.admin_reserve -
			      seen->e0.user_reserve), seen->e0.allowed);
	EXPECT_EQ(room.c.guess_ceiling, seen->e0.guess_ceiling);
	EXPECT_LE(llabs((long long)(seen->e0.committed -
				    seen->e0.committed_read)),
		  (long long)seen->e0.committed_error);
	EXPECT_TRUE(seen->e0.deciding_term == VMACCT_TERM_LIMIT ||
		    seen->e0.deciding_term == VMACCT_TERM_ADMIN_RESERVE ||
		    seen->e0.deciding_term == VMACCT_TERM_USER_RESERVE)
		TH_LOG("deciding_term %u", seen->e0.deciding_term);
	/* allowed iff committed_read + pages < allowed */
	EXPECT_EQ(seen->e0.allowed - (long long)seen->e0.committed_read - 1,
		  seen->e0.margin);
	EXPECT_EQ(0, seen->e0.slop_may_flip)
		TH_LOG("margin %lld, error %llu", (long long)seen->e0.margin,
		       (unsigned long long)seen->e0.committed_error);

	/* the boundary, by EVAL */
	EXPECT_EQ(0, seen->e_m.verdict);
	EXPECT_EQ(0, seen->e_m.margin);
	EXPECT_EQ(1, seen->e_m.slop_may_flip);
	EXPECT_EQ(-ENOMEM, seen->e_m1.verdict);
	EXPECT_EQ(-1, seen->e_m1.margin);
	EXPECT_EQ(-ENOMEM, seen->e_2m.verdict);
	EXPECT_EQ(-seen->e0.margin, seen->e_2m.margin);

	/* ... and by the real mmap() */
	EXPECT_EQ(0, seen->mmap_err[0]) TH_LOG("mmap(M - 1) failed");
	EXPECT_EQ(0, seen->mmap_err[1]) TH_LOG("mmap(M) failed");
	EXPECT_EQ(ENOMEM, seen->mmap_err[2]) TH_LOG("mmap(M + 1) did not fail");
	/* the same state after them: the boundary was measured where named */
	EXPECT_EQ(seen->e0.margin, seen->e_end.margin);

	/* EVAL charged nothing */
	EXPECT_EQ(seen->as0, seen->as1);

	/* the other capability class differs by the admin reserve only */
	EXPECT_EQ(!variant->admin, seen->e_other_class.as_admin);
	EXPECT_EQ(seen->e0.margin + (variant->admin ? -room.admin_pages :
				     room.admin_pages),
		  seen->e_other_class.margin);

	/* mode overrides: mode 0 compares with guess_ceiling, 1 allows all */
	EXPECT_EQ(0, seen->e_mode0.mode);
	EXPECT_EQ((long long)room.c.guess_ceiling, seen->e_mode0.margin);
	EXPECT_EQ(VMACCT_TERM_GUESS_CEILING, seen->e_mode0.deciding_term);
	EXPECT_EQ(1, seen->e_mode1.mode);
	EXPECT_EQ(0, seen->e_mode1.verdict);
	EXPECT_EQ(LLONG_MAX, seen->e_mode1.margin);
	EXPECT_EQ(VMACCT_TERM_NONE, seen->e_mode1.deciding_term);
}

/* --------------------------------------------------------------- modes 0, 1 */

FIXTURE(modes) {
	int fd;
	struct saved_sysctls saved;
};

FIXTURE_SETUP(modes)
{
	SYSCTL_FIXTURE_SETUP(self->fd, &self->saved);
}

FIXTURE_TEARDOWN(modes)
{
	eval_sysctls_teardown(self->fd, &self->saved);
}

/*
 * Mode 0 compares each request with totalram + total swap, for admin and
 * user alike (since 5.2): mmap() of guess_ceiling pages succeeds, one
 * more fails.  The pre-5.2 heuristic would have refused both.
 */
TEST_F(modes, mode0_boundary_is_guess_ceiling)
{
	struct vmacct_eval e0, eg, eg1, eu;
	struct vmacct_commit c;
	long long g, as0, as1;
	int fd = self->fd;

	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	ASSERT_EQ(0, commit_ioctl(fd, &c));
	g = c.guess_ceiling;
	EXPECT_EQ(kb_to_pages(meminfo_kb("MemTotal")) +
		  kb_to_pages(meminfo_kb("SwapTotal")), g);

	as0 = committed_as_pages();
	ASSERT_EQ(0, eval_ioctl(fd, 0, 0, 0, 0, &e0));
	ASSERT_EQ(0, eval_ioctl(fd, 0, 0, 0, g, &eg));
	ASSERT_EQ(0, eval_ioctl(fd, 0, 0, 0, g + 1, &eg1));
	ASSERT_EQ(0, eval_ioctl(fd, VMACCT_EVAL_USER, 0, 0, 0, &eu));
	as1 = committed_as_pages();
	EXPECT_EQ(as0, as1) TH_LOG("EVAL charged something");

	EXPECT_EQ(0, e0.mode);
	EXPECT_EQ(0, e0.verdict);
	EXPECT_EQ(VMACCT_TERM_GUESS_CEILING, e0.deciding_term);
	EXPECT_EQ(g, e0.guess_ceiling);
	EXPECT_EQ(g, e0.margin);
	EXPECT_EQ(1, e0.as_admin);
	EXPECT_EQ(0, eg.verdict);
	EXPECT_EQ(0, eg.margin);
	EXPECT_EQ(-ENOMEM, eg1.verdict);
	EXPECT_EQ(-1, eg1.margin);
	/* no reserve in mode 0 */
	EXPECT_EQ(0, eu.as_admin);
	EXPECT_EQ(g, eu.margin);
	/* what older articles describe would have refused this */
	EXPECT_EQ(-ENOMEM, eg.old_verdict);

	EXPECT_EQ(0, try_map(g)) TH_LOG("mmap of guess_ceiling pages");
	EXPECT_EQ(ENOMEM, try_map(g + 1));
	INFO("mode 0: guess_ceiling %lld pages: mmap(g) ok, mmap(g + 1) "
	     "ENOMEM; pre-5.2 old_free was %lld", g, (long long)eg.old_free);
}

/* Mode 1 allows everything: twice guess_ceiling is mapped. */
TEST_F(modes, mode1_always_allows)
{
	struct vmacct_eval e0, emax, e2g;
	struct vmacct_commit c;
	long long as0, as1;
	int fd = self->fd;

	ASSERT_EQ(0, set_sysctl("overcommit_memory", 1));
	ASSERT_EQ(0, commit_ioctl(fd, &c));
	as0 = committed_as_pages();
	ASSERT_EQ(0, eval_ioctl(fd, 0, 0, 0, 0, &e0));
	ASSERT_EQ(0, eval_ioctl(fd, 0, 0, 0, 2 * c.guess_ceiling, &e2g));
	ASSERT_EQ(0, eval_ioctl(fd, VMACCT_EVAL_USER, 0, 0, LLONG_MAX, &emax));
	as1 = committed_as_pages();
	EXPECT_EQ(as0, as1);

	EXPECT_EQ(1, e0.mode);
	EXPECT_EQ(0, e0.verdict);
	EXPECT_EQ(LLONG_MAX, e0.margin);
	EXPECT_EQ(VMACCT_TERM_NONE, e0.deciding_term);
	EXPECT_EQ(0, e2g.verdict);
	EXPECT_EQ(0, emax.verdict);

	EXPECT_EQ(0, try_map(2 * c.guess_ceiling));
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
}

/*
 * Requests near LLONG_MAX pages are refused in mode 2, and the margin
 * stays M - pages: committed + pages must not wrap around to "allowed".
 * (No syscall can ask for that much; this is the arithmetic of the dry
 * run, on the 0..LLONG_MAX range the UAPI accepts.)
 */
TEST_F(modes, mode2_huge_request_does_not_wrap)
{
	const long long sizes[] = {
		LLONG_MAX, LLONG_MAX - 1, LLONG_MAX / 2 + 1, 1LL << 40,
	};
	struct vmacct_eval e0, e, again;
	unsigned int i;
	int tries;

	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* the margin for 0 pages, held still around the call */
		for (tries = 0; tries < 20; tries++) {
			ASSERT_EQ(0, eval_ioctl(self->fd, VMACCT_EVAL_MODE, 0, 2,
						0, &e0));
			ASSERT_EQ(0, eval_ioctl(self->fd, VMACCT_EVAL_MODE, 0, 2,
						sizes[i], &e));
			ASSERT_EQ(0, eval_ioctl(self->fd, VMACCT_EVAL_MODE, 0, 2,
						0, &again));
			if (e0.margin == again.margin)
				break;
		}
		EXPECT_EQ(-ENOMEM, e.verdict) TH_LOG("pages %lld", sizes[i]);
		EXPECT_EQ(e0.margin - sizes[i], e.margin)
			TH_LOG("pages %lld", sizes[i]);

		ASSERT_EQ(0, eval_ioctl(self->fd, VMACCT_EVAL_MODE, 0, 0,
					sizes[i], &e));
		EXPECT_EQ(-ENOMEM, e.verdict);
		EXPECT_EQ((long long)e.guess_ceiling - sizes[i], e.margin);
	}
}

/* ------------------------------------------------- another process's own */

/* What the child of the test below did, and what it saw of itself. */
struct other_seen {
	long long margin;	/* in: the margin the parent's EVAL gave */
	unsigned long long cap_eff;	/* out: CapEff of its /proc status */
	int mmap_err[3];	/* out: M - 1, M, M + 1: 0 or errno */
	int failed;		/* out: the step that could not run */
};

/* CapEff of /proc/self/status, or ~0 when unreadable. */
static unsigned long long self_cap_eff(void)
{
	char buf[4096], *p;

	if (read_small("/proc/self/status", buf, sizeof(buf)) < 0)
		return ~0ULL;
	p = strstr(buf, "CapEff:");
	return p ? strtoull(p + 7, NULL, 16) : ~0ULL;
}

/*
 * Root asks EVAL about a process of uid nobody, without CAP_SYS_ADMIN:
 * the dry run must judge that process's own allocation, as the kernel
 * will (security_vm_enough_memory_mm() asks the capability of the task
 * allocating, mm/util.c and security/commoncap.c, 6.1 and 6.12), not the
 * root caller's.  So as_admin is 0, the admin reserve applies, and the
 * margin M is where the child's own mmap() flips: M - 1 and M pages
 * pass, M + 1 fails with ENOMEM.  Judged by root's credentials the margin
 * would be the admin reserve larger, and mmap(M) of the child would fail.
 * FORK of the same process says as_admin 0 too.
 */
TEST_F(modes, other_process_judged_by_its_own_credentials)
{
	struct mode2_room room;
	long long m;
	struct vmacct_eval e0, e_m, e_m1, e_admin, e_self, e_end;
	struct other_seen *seen;
	struct vmacct_fork f;
	int ready[2], go[2], status, err = 0;
	pid_t child;
	char ch;

	seen = mmap(NULL, sizeof(*seen), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, seen);
	memset(seen, 0, sizeof(*seen));
	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	fflush(stdout);
	fflush(stderr);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(ready[0]);
		close(go[1]);
		if (become_nobody())
			_exit(20);
		/* setuid() cleared it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		seen->cap_eff = self_cap_eff();
		prefault_stack();
		if (write(ready[1], "r", 1) != 1 || read(go[0], &ch, 1) != 1)
			_exit(21);
		m = seen->margin;
		seen->mmap_err[0] = try_map(m - 1);
		seen->mmap_err[1] = try_map(m);
		seen->mmap_err[2] = try_map(m + 1);
		/* done; wait for the parent's last EVAL, then go */
		if (write(ready[1], "d", 1) != 1)
			_exit(22);
		(void)!read(go[0], &ch, 1);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	ASSERT_EQ(1, read(ready[0], &ch, 1)) TH_LOG("the child did not start");
	EXPECT_EQ(0, seen->cap_eff) TH_LOG("the child kept capabilities %llx",
					   seen->cap_eff);

	ASSERT_EQ(0, set_mode2_room(self->fd, &room))
		TH_LOG("ratio %lld for committed %llu of %llu pages of RAM: %s",
		       room.ratio, (unsigned long long)room.c.committed,
		       (unsigned long long)room.c.totalram, strerror(errno));
	prefault_stack();

	/* in mode 2 nothing here charges anything until the child's mmap()s */
	ASSERT_EQ(0, enter_mode2());
	err |= eval_ioctl(self->fd, 0, child, 0, 0, &e0);
	m = e0.margin;
	err |= eval_ioctl(self->fd, 0, child, 0, m, &e_m);
	err |= eval_ioctl(self->fd, 0, child, 0, m + 1, &e_m1);
	err |= eval_ioctl(self->fd, VMACCT_EVAL_ADMIN, child, 0, 0, &e_admin);
	err |= eval_ioctl(self->fd, 0, 0, 0, 0, &e_self);
	err |= fork_ioctl(self->fd, child, &f);
	if (!err && m >= 4096 && m <= MIB_PAGES(1024)) {
		seen->margin = m;
		if (write(go[1], "g", 1) != 1 || read(ready[0], &ch, 1) != 1)
			err = -1;
		else
			err |= eval_ioctl(self->fd, 0, child, 0, 0, &e_end);
	} else {
		seen->failed = 1;
	}
	close(go[1]);
	waitpid(child, &status, 0);
	leave_mode2(&self->saved);

	ASSERT_EQ(0, err) TH_LOG("an ioctl failed: %s", strerror(errno));
	ASSERT_EQ(0, seen->failed) TH_LOG("margin %lld out of bounds", m);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	INFO("pid %d (uid %d, no CAP_SYS_ADMIN) asked by root: as_admin %u, "
	     "admin reserve %llu, user reserve %llu (total_vm %llu): margin M = "
	     "%lld; as admin %lld; mmap of M-1, M, M+1 in the child: %s, %s, %s",
	     child, NOBODY, e0.as_admin, (unsigned long long)e0.admin_reserve,
	     (unsigned long long)e0.user_reserve,
	     (unsigned long long)e0.total_vm, m, (long long)e_admin.margin,
	     strerror(seen->mmap_err[0]), strerror(seen->mmap_err[1]),
	     strerror(seen->mmap_err[2]));

	/* the caller is root and an admin; the process asked about is not */
	EXPECT_EQ(1, e_self.as_admin);
	EXPECT_EQ(2, e0.mode);
	EXPECT_EQ(0, e0.as_admin);
	EXPECT_EQ(room.admin_pages, e0.admin_reserve);
	EXPECT_EQ((long long)(e0.limit - e0.admin_reserve - e0.user_reserve),
		  e0.allowed);
	EXPECT_EQ(e0.allowed - (long long)e0.committed_read - 1, m);
	EXPECT_EQ(0, f.as_admin);
	EXPECT_EQ(room.admin_pages, f.admin_reserve);
	/* as an admin it would be the admin reserve more */
	EXPECT_EQ(1, e_admin.as_admin);
	EXPECT_EQ(m + room.admin_pages, e_admin.margin);

	/* the boundary, by EVAL ... */
	EXPECT_EQ(0, e_m.verdict);
	EXPECT_EQ(0, e_m.margin);
	EXPECT_EQ(-ENOMEM, e_m1.verdict);
	EXPECT_EQ(-1, e_m1.margin);
	/* ... and by the child's own mmap() */
	EXPECT_EQ(0, seen->mmap_err[0]) TH_LOG("mmap(M - 1) failed in the child");
	EXPECT_EQ(0, seen->mmap_err[1]) TH_LOG("mmap(M) failed in the child");
	EXPECT_EQ(ENOMEM, seen->mmap_err[2]) TH_LOG("mmap(M + 1) did not fail");
	/* the same state after them: the boundary was measured where named */
	EXPECT_EQ(m, e_end.margin);
	munmap(seen, sizeof(*seen));
}

/* --------------------------------------------------------------- terms */

/*
 * totalreserve_pages from /proc/zoneinfo, the way
 * calculate_totalreserve_pages() sums it: per zone the largest lowmem
 * reserve plus the high watermark, at most the managed pages.
 */
static long long zoneinfo_totalreserve(long long *boost)
{
	long long total = 0, high = -1, managed = -1, prot = 0, v;
	struct rbuf b;
	char *line, *p;

	*boost = 0;
	if (rbuf_init(&b, 1 << 20) || read_file("/proc/zoneinfo", &b))
		return -1;
	for (line = b.p; line && *line; line = strchr(line, '\n') ?
	     strchr(line, '\n') + 1 : NULL) {
		p = line;
		while (*p == ' ')
			p++;
		if (strncmp(p, "high ", 5) == 0) {
			high = strtoll(p + 5, NULL, 10);
		} else if (strncmp(p, "boost ", 6) == 0) {
			*boost += strtoll(p + 6, NULL, 10);
		} else if (strncmp(p, "managed ", 8) == 0) {
			managed = strtoll(p + 8, NULL, 10);
		} else if (strncmp(p, "protection: (", 13) == 0) {
			if (high < 0 || managed < 0)
				break;
			p += 13;
			prot = 0;
			for (;;) {
				v = strtoll(p, &p, 10);
				if (v > prot)
					prot = v;
				if (*p != ',')
					break;
				p++;
			}
			v = prot + high;
			total += v > managed ? managed : v;
			high = managed = -1;
		}
	}
	rbuf_free(&b);
	return total;
}

/*
 * The pre-5.2 heuristic's "free", from /proc/meminfo: free + file pages
 * (Cached + Buffers + SwapCached) - Shmem + SwapFree + KReclaimable.
 */
static long long meminfo_old_free(void)
{
	return kb_to_pages(meminfo_kb("MemFree") + meminfo_kb("Cached") +
			   meminfo_kb("Buffers") + meminfo_kb("SwapCached") -
			   meminfo_kb("Shmem") + meminfo_kb("SwapFree") +
			   meminfo_kb("KReclaimable"));
}

/*
 * Pages of drift allowed between the module's read of the vmstat counters
 * and /proc/meminfo's, taken just before and after: 4 MiB, for pages
 * allocated or freed in between and per-CPU vmstat deltas not yet folded.
 */
#define OLD_FREE_SLACK	1024

TEST_F(modes, old_heuristic_terms_match_meminfo)
{
	long long before, after, zone_reserve, boost, admin_pages, f;
	struct vmacct_eval ea, eu, e_below, e_at;
	int fd = self->fd, tries;
	bool stable = false;

	ASSERT_EQ(0, set_sysctl("overcommit_memory", 0));
	admin_pages = kb_to_pages(sysctl_ll("admin_reserve_kbytes"));

	before = meminfo_old_free();
	ASSERT_EQ(0, eval_ioctl(fd, VMACCT_EVAL_ADMIN, 0, 0, 0, &ea));
	ASSERT_EQ(0, eval_ioctl(fd, VMACCT_EVAL_USER, 0, 0, 0, &eu));
	after = meminfo_old_free();

	zone_reserve = zoneinfo_totalreserve(&boost);
	ASSERT_LE(0, zone_reserve);
	INFO("old heuristic: old_free %lld (user %lld), totalreserve %llu "
	     "(zoneinfo %lld, boost %lld); meminfo free %lld..%lld",
	     (long long)ea.old_free, (long long)eu.old_free,
	     (unsigned long long)ea.totalreserve, zone_reserve, boost,
	     before, after);
	/* watermark boosts move "high" in zoneinfo; none in a quiet guest */
	EXPECT_LE(llabs((long long)ea.totalreserve - zone_reserve), boost);

	EXPECT_LE(ea.old_free, (before > after ? before : after) -
		  (long long)ea.totalreserve + OLD_FREE_SLACK);
	EXPECT_GE(ea.old_free, (before < after ? before : after) -
		  (long long)ea.totalreserve - OLD_FREE_SLACK);
	/* a user also loses the admin reserve */
	EXPECT_LE(llabs(ea.old_free - admin_pages - eu.old_free),
		  OLD_FREE_SLACK);
	EXPECT_EQ(ea.totalreserve, eu.totalreserve);

	/* each answer is consistent with its own old_free ... */
	EXPECT_EQ(ea.old_free > 0 ? 0 : -ENOMEM, ea.old_verdict);

	/*
	 * ... and it flips at old_free: allowed iff pages < old_free.  free
	 * pages move, so retry until both calls saw the same old_free.
	 */
	for (tries = 0; tries < 50 && !stable; tries++) {
		ASSERT_EQ(0, eval_ioctl(fd, VMACCT_EVAL_ADMIN, 0, 0, 0, &ea));
		f = ea.old_free;
		ASSERT_LT(1, f);
		ASSERT_EQ(0, eval_ioctl(fd, VMACCT_EVAL_ADMIN, 0, 0, f - 1,
					&e_below));
		ASSERT_EQ(0, eval_ioctl(fd, VMACCT_EVAL_ADMIN, 0, 0, f, &e_at));
		stable = e_below.old_free == f && e_at.old_free == f;
	}
	ASSERT_TRUE(stable) TH_LOG("old_free never held still for two calls");
	EXPECT_EQ(0, e_below.old_verdict);
	EXPECT_EQ(-ENOMEM, e_at.old_verdict);
	/* the kernel itself allows both */
	EXPECT_EQ(0, e_below.verdict);
	EXPECT_EQ(0, e_at.verdict);
	INFO("old_verdict flips at old_free %lld after %d tries", f, tries);
}

/* total_vm of another process sizes the user reserve; NO_MM drops it. */
static int map_big_none(void *arg, int step)
{
	long mib = *(long *)arg;

	if (step)
		return 0;
	return mmap(NULL, MIB_PAGES(mib) * page_size(), PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) ==
	       MAP_FAILED ? 10 : 0;
}

TEST_F(modes, user_reserve_follows_target_total_vm)
{
	long long user_cap = kb_to_pages(sysctl_ll("user_reserve_kbytes"));
	struct vmacct_eval e, enomm;
	struct status_vm s;
	struct holder h;
	struct rbuf st;
	long mib = 1024;

	ASSERT_EQ(0, rbuf_init(&st, 64 << 10));
	ASSERT_EQ(0, holder_start(&h, map_big_none, &mib));
	ASSERT_EQ(0, read_proc(h.pid, "status", &st));
	ASSERT_EQ(0, parse_status(&st, &s));
	ASSERT_EQ(0, eval_ioctl(self->fd, VMACCT_EVAL_MODE, h.pid, 2, 0, &e))
		TH_LOG("EVAL(pid %d): %s", h.pid, strerror(errno));
	ASSERT_EQ(0, eval_ioctl(self->fd, VMACCT_EVAL_MODE | VMACCT_EVAL_NO_MM,
				h.pid, 2, 0, &enomm));
	EXPECT_EQ(0, holder_stop(&h));

	EXPECT_EQ(s.size, e.total_vm);
	EXPECT_EQ(s.size / 32 < user_cap ? s.size / 32 : user_cap,
		  e.user_reserve);
	EXPECT_LT(0, e.user_reserve);
	EXPECT_EQ(0, enomm.total_vm);
	EXPECT_EQ(0, enomm.user_reserve);
	EXPECT_EQ(e.allowed + (long long)e.user_reserve, enomm.allowed);
	rbuf_free(&st);
}

TEST_HARNESS_MAIN
