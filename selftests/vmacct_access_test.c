// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftests: who may read which process, and every rejection of
 * VMACCT_IOC_MM, VMACCT_IOC_EVAL and VMACCT_IOC_FORK.
 *
 *   ESRCH    no such process, or pid < 0
 *   ENXIO    a kernel thread (no user address space)
 *   ENODATA  an exiting process (a zombie: its mm is gone)
 *   EACCES   another uid, or a non-dumpable process, unless the caller
 *            has CAP_SYS_PTRACE; the caller's own process is always fine
 *   EINVAL   bad flags, EVAL mode > 2 or pages < 0, size below VER0
 *   E2BIG    size above a page, or non-zero bytes past the structure
 *   EFAULT   bad pointers
 *
 * Each rejection is checked as the pair "returns -1" and the errno.
 * Needs root (it drops to nobody) and a loaded vmacct module; otherwise
 * every test says SKIP.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stddef.h>

#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_mm_util.h"

#define PF_KTHREAD	0x00200000

enum cmd { C_MM, C_EVAL, C_FORK, NR_CMDS };

static const char * const cmd_name[NR_CMDS] = { "MM", "EVAL", "FORK" };

/* One per-process ioctl on pid: 0 or the errno. */
static int ask(int fd, enum cmd cmd, pid_t pid)
{
	struct vmacct_mm m;
	struct vmacct_eval e;
	struct vmacct_fork f;
	int ret = -1;

	switch (cmd) {
	case C_MM:
		ret = mm_ioctl(fd, pid, &m);
		break;
	case C_EVAL:
		ret = eval_ioctl(fd, 0, pid, 0, 1, &e);
		break;
	case C_FORK:
		ret = fork_ioctl(fd, pid, &f);
		break;
	default:
		errno = EINVAL;
	}
	return ret ? errno : 0;
}

static void expect_all(struct __test_metadata *_metadata, int fd, pid_t pid,
		       int want, const char *what)
{
	int c, got;

	for (c = 0; c < NR_CMDS; c++) {
		got = ask(fd, c, pid);
		EXPECT_EQ(want, got)
			TH_LOG("%s of %s (pid %d): got %s, want %s",
			       cmd_name[c], what, pid,
			       got ? strerror(got) : "success",
			       want ? strerror(want) : "success");
	}
}

/* A pid that is not in use: a child's, once it has been reaped. */
static pid_t dead_pid(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return pid;
}

TEST(missing_process_is_esrch)
{
	struct vmacct_eval e;
	long long pid_max;
	pid_t dead;
	int fd;

	NEED_VMACCT(fd);
	dead = dead_pid();
	ASSERT_LT(0, dead);
	pid_max = read_ll("/proc/sys/kernel/pid_max");

	expect_all(_metadata, fd, -1, ESRCH, "pid -1");
	expect_all(_metadata, fd, INT_MIN, ESRCH, "pid INT_MIN");
	expect_all(_metadata, fd, INT_MAX, ESRCH, "pid INT_MAX");
	expect_all(_metadata, fd, dead, ESRCH, "a reaped child");
	if (pid_max > 0 && pid_max <= INT_MAX)
		expect_all(_metadata, fd, pid_max, ESRCH, "pid_max");

	/* EVAL without an mm does not look the pid up */
	EXPECT_EQ(0, eval_ioctl(fd, VMACCT_EVAL_NO_MM, -1, 0, 1, &e));
	EXPECT_EQ(0, eval_ioctl(fd, VMACCT_EVAL_NO_MM, dead, 0, 1, &e));
	close(fd);
}

/* flags field of /proc/PID/stat; -1 if unreadable */
static long long stat_flags(pid_t pid)
{
	char path[64], buf[1024], *p;
	long long v = -1;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	/* after "pid (comm) ": state ppid pgrp session tty_nr tpgid flags */
	p = strrchr(buf, ')');
	for (field = 0; p && field < 7; field++)
		p = strchr(p + 1, ' ');
	if (p)
		v = strtoll(p + 1, NULL, 10);
	return v;
}

/* A kernel thread: kthreadd (pid 2) if it is one, else any. */
static pid_t find_kthread(void)
{
	struct dirent *d;
	long long flags;
	pid_t pid = -1;
	DIR *dir;

	flags = stat_flags(2);
	if (flags >= 0 && (flags & PF_KTHREAD))
		return 2;
	dir = opendir("/proc");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		pid_t p = atoi(d->d_name);

		if (p <= 0)
			continue;
		flags = stat_flags(p);
		if (flags >= 0 && (flags & PF_KTHREAD)) {
			pid = p;
			break;
		}
	}
	closedir(dir);
	return pid;
}

TEST(kernel_thread_is_enxio)
{
	pid_t kthread;
	int fd;

	NEED_VMACCT(fd);
	kthread = find_kthread();
	ASSERT_LT(0, kthread) TH_LOG("no kernel thread in /proc");
	INFO("kernel thread: pid %d, flags %#llx", kthread,
	     stat_flags(kthread));
	expect_all(_metadata, fd, kthread, ENXIO, "a kernel thread");
	close(fd);
}

TEST(zombie_is_enodata)
{
	int fd, status, i;
	pid_t pid;

	NEED_VMACCT(fd);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	for (i = 0; i < 500 && proc_state(pid) != 'Z'; i++)
		usleep(10000);
	ASSERT_EQ('Z', proc_state(pid));
	expect_all(_metadata, fd, pid, ENODATA, "a zombie");
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	expect_all(_metadata, fd, pid, ESRCH, "the reaped zombie");
	close(fd);
}

/*
 * Permissions.  A nobody process reads: root's process (EACCES), another
 * nobody process that is not dumpable (EACCES) and then dumpable (OK),
 * and itself, not dumpable after setuid() (OK).  Root reads both nobody
 * states (CAP_SYS_PTRACE).
 */
enum {
	R_ROOT_MM, R_ROOT_EVAL, R_ROOT_FORK,
	R_PEER_MM, R_PEER_EVAL, R_PEER_FORK,
	R_SELF_0, R_SELF_PID, R_SELF_DUMPABLE,
	NR_RESULTS
};

struct reader_result {
	int setup;		/* 0, or why the reader could not start */
	int err[NR_RESULTS];	/* 0 or errno */
};

/* the target: nobody, not dumpable at step 0, dumpable at step 1 */
static int nobody_target(void *arg, int step)
{
	if (step == 0) {
		if (become_nobody())
			return 10;
		return prctl(PR_SET_DUMPABLE, 0) ? 11 : 0;
	}
	if (step == 1)
		return prctl(PR_SET_DUMPABLE, 1) ? 12 : 0;
	return 0;
}

/* Fork a nobody reader that asks about root_pid, peer and itself. */
static int run_reader(int fd, pid_t root_pid, pid_t peer,
		      struct reader_result *out)
{
	int status;
	pid_t pid;

	memset(out, 0xff, sizeof(*out));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		out->setup = become_nobody() ? errno : 0;
		if (out->setup)
			_exit(1);
		out->err[R_ROOT_MM] = ask(fd, C_MM, root_pid);
		out->err[R_ROOT_EVAL] = ask(fd, C_EVAL, root_pid);
		out->err[R_ROOT_FORK] = ask(fd, C_FORK, root_pid);
		out->err[R_PEER_MM] = ask(fd, C_MM, peer);
		out->err[R_PEER_EVAL] = ask(fd, C_EVAL, peer);
		out->err[R_PEER_FORK] = ask(fd, C_FORK, peer);
		out->err[R_SELF_0] = ask(fd, C_MM, 0);
		out->err[R_SELF_PID] = ask(fd, C_FORK, getpid());
		out->err[R_SELF_DUMPABLE] = prctl(PR_GET_DUMPABLE);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(other_users_and_undumpable_are_eacces)
{
	struct reader_result *r;
	struct holder target;
	pid_t root_pid = getpid();
	int fd;

	NEED_VMACCT(fd);
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r);
	ASSERT_EQ(0, holder_start(&target, nobody_target, NULL));

	/* the target is not dumpable */
	ASSERT_EQ(0, run_reader(fd, root_pid, target.pid, r));
	EXPECT_EQ(0, r->setup);
	EXPECT_EQ(EACCES, r->err[R_ROOT_MM]) TH_LOG("nobody reads root: MM");
	EXPECT_EQ(EACCES, r->err[R_ROOT_EVAL]) TH_LOG("nobody reads root: EVAL");
	EXPECT_EQ(EACCES, r->err[R_ROOT_FORK]) TH_LOG("nobody reads root: FORK");
	EXPECT_EQ(EACCES, r->err[R_PEER_MM])
		TH_LOG("nobody reads a non-dumpable nobody: MM");
	EXPECT_EQ(EACCES, r->err[R_PEER_EVAL])
		TH_LOG("nobody reads a non-dumpable nobody: EVAL");
	EXPECT_EQ(EACCES, r->err[R_PEER_FORK])
		TH_LOG("nobody reads a non-dumpable nobody: FORK");
	/* itself, though setuid() made it non-dumpable */
	EXPECT_EQ(0, r->err[R_SELF_DUMPABLE]);
	EXPECT_EQ(0, r->err[R_SELF_0]) TH_LOG("nobody reads itself (pid 0)");
	EXPECT_EQ(0, r->err[R_SELF_PID]) TH_LOG("nobody reads its own pid");
	/* root may read anything */
	expect_all(_metadata, fd, target.pid, 0, "a non-dumpable nobody, as root");

	/* the target is dumpable now */
	ASSERT_EQ(0, holder_step(&target));
	ASSERT_EQ(0, run_reader(fd, root_pid, target.pid, r));
	EXPECT_EQ(0, r->err[R_PEER_MM])
		TH_LOG("nobody reads a dumpable nobody: MM");
	EXPECT_EQ(0, r->err[R_PEER_EVAL])
		TH_LOG("nobody reads a dumpable nobody: EVAL");
	EXPECT_EQ(0, r->err[R_PEER_FORK])
		TH_LOG("nobody reads a dumpable nobody: FORK");
	EXPECT_EQ(EACCES, r->err[R_ROOT_MM]);
	expect_all(_metadata, fd, target.pid, 0, "a dumpable nobody, as root");

	EXPECT_EQ(0, holder_stop(&target));
	munmap(r, sizeof(*r));
	close(fd);
}

/* EVAL's own arguments. */
TEST(eval_rejects_bad_arguments)
{
	static const struct {
		__u32 flags, mode;
		long long pages;
		const char *what;
	} bad[] = {
		{ 0x10, 0, 0, "unknown flag 0x10" },
		{ 0x80000000u, 0, 0, "unknown flag 0x80000000" },
		{ VMACCT_EVAL_ADMIN | VMACCT_EVAL_USER, 0, 0, "ADMIN and USER" },
		{ VMACCT_EVAL_MODE, 3, 0, "mode 3" },
		{ VMACCT_EVAL_MODE, 0xffffffffu, 0, "mode ~0" },
		{ 0, 0, -1, "pages -1" },
		{ 0, 0, LLONG_MIN, "pages LLONG_MIN" },
		{ VMACCT_EVAL_NO_MM, 0, -4096, "pages -4096 without mm" },
	};
	struct vmacct_eval e;
	unsigned int i;
	int fd;

	NEED_VMACCT(fd);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-1, eval_ioctl(fd, bad[i].flags, 0, bad[i].mode,
					 bad[i].pages, &e))
			TH_LOG("%s accepted", bad[i].what);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s", bad[i].what);
	}

	/* without VMACCT_EVAL_MODE the mode is output only */
	ASSERT_EQ(0, eval_ioctl(fd, 0, 0, 7, 0, &e));
	EXPECT_EQ(sysctl_ll("overcommit_memory"), e.mode);
	/* the whole range of pages is accepted */
	EXPECT_EQ(0, eval_ioctl(fd, 0, 0, 0, LLONG_MAX, &e));
	EXPECT_EQ(0, eval_ioctl(fd, VMACCT_EVAL_MODE | VMACCT_EVAL_ADMIN |
				VMACCT_EVAL_NO_MM, 0, 2, 0, &e));
	close(fd);
}

/*
 * The size/pointer rules every command shares, for each per-process
 * command.  A zeroed structure with its size set is a valid request for
 * all three (pid 0, flags 0, EVAL of 0 pages).
 */
FIXTURE(abi) {
	int fd;
};

FIXTURE_VARIANT(abi) {
	unsigned long cmd;
	unsigned long bare_cmd;	/* same number, no direction/size */
	size_t size, ver0;
	size_t first_out;	/* offset of the first output-only word */
	int skip_word;		/* offset of a word not to poison-check, or -1 */
};

FIXTURE_VARIANT_ADD(abi, mm) {
	.cmd = VMACCT_IOC_MM, .bare_cmd = _IO(VMACCT_IOC_MAGIC, 0x02),
	.size = sizeof(struct vmacct_mm), .ver0 = VMACCT_MM_SIZE_VER0,
	.first_out = offsetof(struct vmacct_mm, map_count), .skip_word = -1,
};

FIXTURE_VARIANT_ADD(abi, eval) {
	.cmd = VMACCT_IOC_EVAL, .bare_cmd = _IO(VMACCT_IOC_MAGIC, 0x03),
	.size = sizeof(struct vmacct_eval), .ver0 = VMACCT_EVAL_SIZE_VER0,
	.first_out = offsetof(struct vmacct_eval, verdict),
	/* "out: must be ignored" */
	.skip_word = offsetof(struct vmacct_eval, old_reserved),
};

FIXTURE_VARIANT_ADD(abi, fork) {
	.cmd = VMACCT_IOC_FORK, .bare_cmd = _IO(VMACCT_IOC_MAGIC, 0x04),
	.size = sizeof(struct vmacct_fork), .ver0 = VMACCT_FORK_SIZE_VER0,
	.first_out = offsetof(struct vmacct_fork, nr_charged), .skip_word = -1,
};

FIXTURE_SETUP(abi)
{
	NEED_VMACCT(self->fd);
}

FIXTURE_TEARDOWN(abi)
{
	if (self->fd >= 0)
		close(self->fd);
}

#define SIZE_OF(buf)	(*(__u32 *)(buf))

TEST_F(abi, rejects_bad_size_and_pointer)
{
	long psz = page_size();
	char *page, *big;
	int fd = self->fd;

	big = calloc(1, 2 * psz);
	ASSERT_NE(NULL, big);

	/* the published size works, and is written back */
	SIZE_OF(big) = variant->ver0;
	EXPECT_EQ(0, ioctl(fd, variant->cmd, big)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(variant->ver0 < variant->size ? variant->ver0 : variant->size,
		  SIZE_OF(big));

	/* too small */
	memset(big, 0, 2 * psz);
	SIZE_OF(big) = 0;
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, big));
	EXPECT_EQ(EINVAL, errno);
	SIZE_OF(big) = variant->ver0 - 1;
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, big));
	EXPECT_EQ(EINVAL, errno);
	SIZE_OF(big) = 4;
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, big));
	EXPECT_EQ(EINVAL, errno);

	/* a caller that knows a bigger structure: zero tail is fine */
	SIZE_OF(big) = variant->size + 16;
	EXPECT_EQ(0, ioctl(fd, variant->cmd, big));
	EXPECT_EQ(variant->size, SIZE_OF(big));
	SIZE_OF(big) = psz;
	EXPECT_EQ(0, ioctl(fd, variant->cmd, big));
	EXPECT_EQ(variant->size, SIZE_OF(big));
	/* ... a non-zero byte in it is not */
	SIZE_OF(big) = variant->size + 16;
	big[variant->size + 15] = 1;
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, big));
	EXPECT_EQ(E2BIG, errno);
	big[variant->size + 15] = 0;
	/* ... and more than a page is refused outright */
	SIZE_OF(big) = psz + 1;
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, big));
	EXPECT_EQ(E2BIG, errno);
	SIZE_OF(big) = 0xffffffffu;
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, big));
	EXPECT_EQ(E2BIG, errno);

	/* the size bits of the command do not matter, the direction does */
	memset(big, 0, 2 * psz);
	SIZE_OF(big) = variant->size;
	EXPECT_EQ(0, ioctl(fd, (variant->cmd & ~IOCSIZE_MASK) |
			   (200 << _IOC_SIZESHIFT), big));
	EXPECT_EQ(-1, ioctl(fd, variant->bare_cmd, big));
	EXPECT_EQ(ENOTTY, errno);

	/* bad pointers */
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, (void *)-4096L));
	EXPECT_EQ(EFAULT, errno) TH_LOG("kernel address");
	page = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	memset(page, 0, psz);
	SIZE_OF(page) = variant->size;
	ASSERT_EQ(0, mprotect(page, psz, PROT_READ));
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, page));
	EXPECT_EQ(EFAULT, errno) TH_LOG("read-only argument");
	ASSERT_EQ(0, munmap(page, psz));
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, page));
	EXPECT_EQ(EFAULT, errno) TH_LOG("unmapped argument");
	/* a structure that ends where the mapping ends */
	page = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, munmap(page + psz, psz));
	memset(page, 0, psz);
	SIZE_OF(page + psz - variant->size) = variant->size;
	EXPECT_EQ(0, ioctl(fd, variant->cmd, page + psz - variant->size));
	SIZE_OF(page + psz - variant->size) = variant->size + 8;
	EXPECT_EQ(-1, ioctl(fd, variant->cmd, page + psz - variant->size));
	EXPECT_EQ(EFAULT, errno) TH_LOG("size reaching past the mapping");
	munmap(page, psz);
	free(big);
}

TEST_F(abi, rejects_nonzero_flags)
{
	char buf[4096] = { 0 };

	SIZE_OF(buf) = variant->size;
	/* the lowest bit each command does not define */
	((__u32 *)buf)[1] = variant->cmd == VMACCT_IOC_EVAL ? 0x100 :
			    variant->cmd == VMACCT_IOC_MM ? 0x2 : 1;
	EXPECT_EQ(-1, ioctl(self->fd, variant->cmd, buf));
	EXPECT_EQ(EINVAL, errno);
	((__u32 *)buf)[1] = 0x80000000u;
	EXPECT_EQ(-1, ioctl(self->fd, variant->cmd, buf));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * VMACCT_MM_COUNTS_ONLY skips the walk: the same map_count, headrooms and
 * counters as a full call, and no charge or kinds.
 */
TEST(mm_counts_only_matches_the_walk)
{
	struct vmacct_mm full, fast;
	int fd;

	NEED_VMACCT(fd);
	ASSERT_EQ(0, mm_ioctl(fd, 0, &full));
	memset(&fast, POISON, sizeof(fast));
	fast.size = sizeof(fast);
	fast.flags = VMACCT_MM_COUNTS_ONLY;
	fast.pid = 0;
	ASSERT_EQ(0, ioctl(fd, VMACCT_IOC_MM, &fast));
	EXPECT_EQ(full.map_count, fast.map_count);
	EXPECT_EQ(full.max_map_count, fast.max_map_count);
	EXPECT_EQ(full.headroom_mmap, fast.headroom_mmap);
	EXPECT_EQ(full.headroom_mremap_fixed, fast.headroom_mremap_fixed);
	EXPECT_EQ(full.total_vm, fast.total_vm);
	EXPECT_EQ(full.data_vm, fast.data_vm);
	EXPECT_EQ(full.stack_vm, fast.stack_vm);
	EXPECT_LT(0, full.charge);
	EXPECT_EQ(0, fast.charge);
	EXPECT_EQ(0, fast.nr_accounted);
	EXPECT_EQ(0, fast.nr_anon_private);
	EXPECT_EQ(0, fast.largest_accounted);
	close(fd);
}

/* Every output field is written: none keeps the poison. */
TEST_F(abi, writes_every_output_field)
{
	unsigned char buf[4096];
	uint32_t word, poison;
	size_t off;

	memset(buf, POISON, sizeof(buf));
	memset(buf, 0, variant->first_out);	/* inputs: valid, zero */
	SIZE_OF(buf) = variant->size;
	if (variant->cmd == VMACCT_IOC_EVAL)
		((struct vmacct_eval *)buf)->pages = 1;
	ASSERT_EQ(0, ioctl(self->fd, variant->cmd, buf))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(variant->size, SIZE_OF(buf));

	memset(&poison, POISON, sizeof(poison));
	for (off = variant->first_out; off + 4 <= variant->size; off += 4) {
		if ((int)off == variant->skip_word)
			continue;
		memcpy(&word, buf + off, 4);
		EXPECT_NE(poison, word)
			TH_LOG("bytes %zu..%zu not written", off, off + 3);
	}
	/* nothing past the structure */
	for (off = variant->size; off < variant->size + 16; off++)
		EXPECT_EQ(POISON, buf[off]);
}

TEST_HARNESS_MAIN
