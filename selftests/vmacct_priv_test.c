// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct privilege tests: what an unprivileged caller may and may not see.
 *
 * Documentation/userspace-api/vmacct.rst: another user's process (MM,
 * EVAL with a pid, FORK) needs the same ids and a dumpable mm, or
 * CAP_SYS_PTRACE: else EACCES.  The stream (VMACCT_IOC_TRACE, or the
 * implicit attach of read()/poll() on a fresh file) needs CAP_PERFMON or
 * CAP_SYS_ADMIN: else EPERM (poll() cannot return an errno: it reports
 * POLLERR).  The global terms (VERSION, COMMIT, sysfs policy/ and commit/)
 * are /proc/meminfo material and readable by anyone, with the same values.
 *
 * Capabilities count in the initial user namespace only: root inside a
 * user namespace (uid 0 there, uid 65534 outside) is not an admin for
 * __vm_enough_memory() and may not read root's processes or the stream.
 *
 * Run as root.  Each test drops privileges in a child (a fork of the
 * harness's per-test process); the child records the real syscall
 * outcomes in shared memory and the test asserts on them, so that an
 * assertion never runs in a process the harness does not know.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_util.h"

#define NOBODY		65534
#define MAX_FILES	48

/* -------------------------------------------------------------- helpers */

/* What a child saw; -1 means "not run". */
struct outcome {
	int setup_errno;	/* non-zero: the child could not get ready */
	char setup_what[64];
	uid_t uid, euid;
	int open_errno;
	/* MM, EVAL (pid), FORK against pid 1 and a root-owned child */
	int mm_errno[2], eval_errno[2], fork_errno[2];
	int mm_self_errno;
	/* the stream */
	int trace_ret, trace_errno;
	int read_ret, read_errno;
	int poll_ret;
	short poll_revents;
	int read_after_poll_ret, read_after_poll_errno;
	/* EVAL without flags, pid 0 */
	int eval0_errno;
	struct vmacct_eval eval0;
	/* global terms */
	int version_errno, commit_errno;
	struct vmacct_version version;
	struct vmacct_commit commit;
	int nfiles;
	char file_name[MAX_FILES][320];
	char file_text[MAX_FILES][64];
	int file_errno[MAX_FILES];
	/* user namespace facts */
	unsigned long long cap_eff;
};

static struct outcome *shared_outcome(void)
{
	struct outcome *o = mmap(NULL, sizeof(*o), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (o == MAP_FAILED)
		return NULL;
	memset(o, 0xff, sizeof(*o));
	o->setup_errno = 0;
	o->setup_what[0] = '\0';
	o->nfiles = 0;
	return o;
}

static void setup_fail(struct outcome *o, const char *what)
{
	o->setup_errno = errno ? errno : EINVAL;
	snprintf(o->setup_what, sizeof(o->setup_what), "%s", what);
	_exit(1);
}

/* Become uid/gid 65534 for good, no supplementary groups. */
static void drop_to_nobody(struct outcome *o)
{
	if (setgroups(0, NULL))
		setup_fail(o, "setgroups");
	if (setresgid(NOBODY, NOBODY, NOBODY))
		setup_fail(o, "setresgid");
	if (setresuid(NOBODY, NOBODY, NOBODY))
		setup_fail(o, "setresuid");
}

/* errno of one ioctl (0 on success) */
static int ioc_errno(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static int mm_errno(int fd, pid_t pid)
{
	struct vmacct_mm m = { .size = sizeof(m), .pid = pid };

	return ioc_errno(fd, VMACCT_IOC_MM, &m);
}

static int eval_errno(int fd, pid_t pid)
{
	struct vmacct_eval e = { .size = sizeof(e), .pid = pid, .pages = 1 };

	return ioc_errno(fd, VMACCT_IOC_EVAL, &e);
}

static int fork_errno(int fd, pid_t pid)
{
	struct vmacct_fork f = { .size = sizeof(f), .pid = pid };

	return ioc_errno(fd, VMACCT_IOC_FORK, &f);
}

/*
 * The stream on fresh files: the ioctl on one, read() on a second, poll()
 * then read() on a third (each file attaches at most once).
 */
static void try_stream(struct outcome *o)
{
	struct vmacct_trace t = { .size = sizeof(t) };
	struct vmacct_event ev;
	struct pollfd p;
	int fd;

	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC);
	o->trace_ret = ioctl(fd, VMACCT_IOC_TRACE, &t);
	o->trace_errno = o->trace_ret ? errno : 0;
	close(fd);

	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	o->read_ret = read(fd, &ev, sizeof(ev));
	o->read_errno = o->read_ret < 0 ? errno : 0;
	close(fd);

	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	o->poll_ret = poll(&p, 1, 100);
	o->poll_revents = p.revents;
	o->read_after_poll_ret = read(fd, &ev, sizeof(ev));
	o->read_after_poll_errno = o->read_after_poll_ret < 0 ? errno : 0;
	close(fd);
}

/*
 * The event stream refused to try_stream(): VMACCT_IOC_TRACE and read()
 * EPERM; poll() has no errno, so the attach failure is POLLERR, at once,
 * and a read() after it is still EPERM.
 */
static void expect_stream_refused(struct __test_metadata *_metadata,
				  const struct outcome *o)
{
	EXPECT_EQ(-1, o->trace_ret);
	EXPECT_EQ(EPERM, o->trace_errno);
	EXPECT_EQ(-1, o->read_ret);
	EXPECT_EQ(EPERM, o->read_errno);
	EXPECT_EQ(1, o->poll_ret);
	EXPECT_TRUE(o->poll_revents & POLLERR);
	EXPECT_FALSE(o->poll_revents & POLLIN);
	EXPECT_EQ(-1, o->read_after_poll_ret);
	EXPECT_EQ(EPERM, o->read_after_poll_errno);
}

static void try_other_processes(struct outcome *o, pid_t other)
{
	pid_t pids[2] = { 1, other };
	int fd, i;

	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC);
	o->open_errno = fd < 0 ? errno : 0;
	if (fd < 0)
		return;
	for (i = 0; i < 2; i++) {
		o->mm_errno[i] = mm_errno(fd, pids[i]);
		o->eval_errno[i] = eval_errno(fd, pids[i]);
		o->fork_errno[i] = fork_errno(fd, pids[i]);
	}
	o->mm_self_errno = mm_errno(fd, 0);
	close(fd);
}

/* sysfs policy/ and commit/, and the top-level text files */
static const char *const sysfs_dirs[] = { "", "policy/", "commit/" };

static void read_globals(struct outcome *o)
{
	unsigned int d;
	int fd;

	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC);
	o->open_errno = fd < 0 ? errno : 0;
	memset(&o->version, 0, sizeof(o->version));
	memset(&o->commit, 0, sizeof(o->commit));
	o->version.size = sizeof(o->version);
	o->commit.size = sizeof(o->commit);
	o->version_errno = ioc_errno(fd, VMACCT_IOC_VERSION, &o->version);
	o->commit_errno = ioc_errno(fd, VMACCT_IOC_COMMIT, &o->commit);
	if (fd >= 0)
		close(fd);

	o->nfiles = 0;
	for (d = 0; d < sizeof(sysfs_dirs) / sizeof(sysfs_dirs[0]); d++) {
		char dir[128], path[512];
		struct dirent *de;
		DIR *dp;

		snprintf(dir, sizeof(dir), SYSFS "%s", sysfs_dirs[d]);
		dp = opendir(dir);
		if (!dp)
			continue;
		while ((de = readdir(dp)) && o->nfiles < MAX_FILES) {
			int i = o->nfiles;

			if (de->d_type != DT_REG)
				continue;
			snprintf(o->file_name[i], sizeof(o->file_name[i]),
				 "%s%s", sysfs_dirs[d], de->d_name);
			snprintf(path, sizeof(path), "%s%s", dir, de->d_name);
			o->file_text[i][0] = '\0';
			o->file_errno[i] = 0;
			if (read_small(path, o->file_text[i],
				       sizeof(o->file_text[i])) < 0)
				o->file_errno[i] = errno ? errno : EIO;
			o->nfiles++;
		}
		closedir(dp);
	}
}

/* A root-owned child that lives until @wfd is closed. */
static pid_t root_child(int *wfd)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		(void)!read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	*wfd = p[1];
	return pid;
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define ASSERT_CHILD_READY(o) do {					\
	if ((o)->setup_errno)						\
		TH_LOG("child setup failed: %s: %s", (o)->setup_what,	\
		       strerror((o)->setup_errno));			\
	ASSERT_EQ(0, (o)->setup_errno);					\
} while (0)

/* ---------------------------------------------------- unprivileged user */

TEST(nobody_gets_eacces_for_other_users_processes)
{
	struct outcome *o;
	pid_t other, pid;
	int wfd;

	SKIP_UNLESS_ROOT("to drop to uid 65534");
	SKIP_UNLESS_DEVNODE();
	o = shared_outcome();
	ASSERT_NE(NULL, o);
	other = root_child(&wfd);
	ASSERT_LT(0, other);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		drop_to_nobody(o);
		o->uid = getuid();
		o->euid = geteuid();
		try_other_processes(o, other);
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
	close(wfd);
	waitpid(other, NULL, 0);

	ASSERT_CHILD_READY(o);
	ASSERT_EQ(NOBODY, o->uid);
	ASSERT_EQ(NOBODY, o->euid);
	ASSERT_EQ(0, o->open_errno);
	/* [0]: pid 1 (root's init), [1]: a root-owned child */
	EXPECT_EQ(EACCES, o->mm_errno[0]);
	EXPECT_EQ(EACCES, o->eval_errno[0]);
	EXPECT_EQ(EACCES, o->fork_errno[0]);
	EXPECT_EQ(EACCES, o->mm_errno[1]);
	EXPECT_EQ(EACCES, o->eval_errno[1]);
	EXPECT_EQ(EACCES, o->fork_errno[1]);
	/* and its own process stays readable */
	EXPECT_EQ(0, o->mm_self_errno);
}

TEST(nobody_gets_eperm_for_the_stream)
{
	struct vmacct_trace t = { .size = sizeof(t) };
	struct outcome *o;
	pid_t pid;
	int fd;

	SKIP_UNLESS_ROOT("to drop to uid 65534");
	OPEN_DEVNODE_OR_SKIP(fd);
	/* control: root may attach (so EPERM below is about privilege) */
	ASSERT_EQ(0, ioctl(fd, VMACCT_IOC_TRACE, &t));
	close(fd);

	o = shared_outcome();
	ASSERT_NE(NULL, o);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		drop_to_nobody(o);
		try_stream(o);
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
	ASSERT_CHILD_READY(o);

	expect_stream_refused(_metadata, o);
}

/* Fields of struct vmacct_commit that change while the system runs. */
static int commit_equal_stable(const struct vmacct_commit *a,
			       const struct vmacct_commit *b)
{
	struct vmacct_commit x = *a, y = *b;

	x.committed = y.committed = 0;
	x.committed_read = y.committed_read = 0;
	x.free_swap = y.free_swap = 0;
	return memcmp(&x, &y, sizeof(x)) == 0;
}

static int volatile_file(const char *name)
{
	return !strcmp(name, "commit/committed") ||
	       !strcmp(name, "commit/committed_read") ||
	       !strcmp(name, "commit/free_swap");
}

static const char *find_file(const struct outcome *o, const char *name)
{
	int i;

	for (i = 0; i < o->nfiles; i++)
		if (!strcmp(o->file_name[i], name))
			return o->file_errno[i] ? NULL : o->file_text[i];
	return NULL;
}

TEST(nobody_reads_the_same_global_terms_as_root)
{
	struct outcome *root1, *o;
	int attempt, i, same_volatile = 0;
	pid_t pid;

	SKIP_UNLESS_ROOT("to drop to uid 65534");
	SKIP_UNLESS_DEVNODE();
	root1 = shared_outcome();
	o = shared_outcome();
	ASSERT_NE(NULL, root1);
	ASSERT_NE(NULL, o);

	/*
	 * One process reads as root, drops to nobody and reads again (a
	 * fork between the two would change Committed_AS by its own
	 * charge).  The stable terms must be equal every time; Committed_AS
	 * and free swap move with the system, so they must be equal in at
	 * least one of a few tries on an idle guest.  The first reads warm
	 * up malloc (opendir()), so that the second ones charge nothing.
	 */
	for (attempt = 0; attempt < 20; attempt++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			read_globals(root1);
			read_globals(root1);
			drop_to_nobody(o);
			read_globals(o);
			_exit(0);
		}
		ASSERT_EQ(0, wait_child(pid));
		ASSERT_CHILD_READY(o);

		ASSERT_EQ(0, root1->open_errno);
		ASSERT_EQ(0, o->open_errno);
		ASSERT_EQ(0, root1->version_errno);
		ASSERT_EQ(0, o->version_errno);
		ASSERT_EQ(0, o->commit_errno);
		ASSERT_EQ(0, memcmp(&root1->version, &o->version,
				    sizeof(o->version)));
		ASSERT_TRUE(commit_equal_stable(&root1->commit, &o->commit));

		ASSERT_EQ(root1->nfiles, o->nfiles);
		ASSERT_LE(2 + 6 + 12, o->nfiles);	/* version..guess_ceiling */
		for (i = 0; i < o->nfiles; i++) {
			const char *r = find_file(root1, o->file_name[i]);

			if (o->file_errno[i])
				TH_LOG("%s: %s as nobody", o->file_name[i],
				       strerror(o->file_errno[i]));
			ASSERT_EQ(0, o->file_errno[i]);
			ASSERT_NE(NULL, r);
			if (volatile_file(o->file_name[i]))
				continue;
			if (strcmp(r, o->file_text[i]))
				TH_LOG("%s: root %s, nobody %s",
				       o->file_name[i], r, o->file_text[i]);
			ASSERT_STREQ(r, o->file_text[i]);
		}

		if (root1->commit.committed == o->commit.committed &&
		    root1->commit.committed_read == o->commit.committed_read &&
		    root1->commit.free_swap == o->commit.free_swap) {
			for (i = 0; i < o->nfiles; i++) {
				const char *r = find_file(root1, o->file_name[i]);

				if (volatile_file(o->file_name[i]) &&
				    (!r || strcmp(r, o->file_text[i])))
					break;
			}
			if (i == o->nfiles) {
				same_volatile = 1;
				break;
			}
		}
		TH_LOG("try %d: Committed_AS root %llu, nobody %llu", attempt,
		       (unsigned long long)root1->commit.committed,
		       (unsigned long long)o->commit.committed);
		usleep(20000);
	}
	EXPECT_TRUE(same_volatile)
		TH_LOG("Committed_AS never stood still for 20 tries");
}

/* ------------------------------------------------------ user namespace */

static unsigned long long cap_eff(void)
{
	char buf[4096];
	const char *p;

	if (read_small("/proc/self/status", buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, "CapEff:");
	return p ? strtoull(p + 7, NULL, 16) : 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * A child that is root in a new user namespace whose uid and gid 0 are
 * 65534 outside: it unshares (as root, which Debian allows whatever
 * kernel.unprivileged_userns_clone says), the parent writes the maps,
 * then it becomes uid 0 of the namespace: kuid 65534, every capability in
 * the namespace, none in the initial one.
 */
struct userns_child {
	pid_t pid;
	int to_child, from_child;
	int unshare_errno;
};

static void userns_explain(char *buf, size_t len, int err)
{
	long long clone = read_ll("/proc/sys/kernel/unprivileged_userns_clone");
	long long max = read_ll("/proc/sys/user/max_user_namespaces");

	snprintf(buf, len,
		 "unshare(CLONE_NEWUSER): %s (unprivileged_userns_clone %lld, max_user_namespaces %lld; -1: absent)",
		 strerror(err), clone, max);
}

TEST(root_in_a_user_namespace_is_not_admin)
{
	struct vmacct_commit c = { .size = sizeof(c) };
	struct vmacct_eval e = { .size = sizeof(e), .pages = 1 };
	char path[64], why[256];
	int to_child[2], from_child[2], fd, err;
	struct outcome *o;
	pid_t pid;
	char ch;

	SKIP_UNLESS_ROOT("to map uid 65534 into a user namespace");
	OPEN_DEVNODE_OR_SKIP(fd);
	/* control: root in the initial namespace is an admin */
	ASSERT_EQ(0, ioctl(fd, VMACCT_IOC_EVAL, &e));
	ASSERT_EQ(1, e.as_admin);
	ASSERT_EQ(0, e.admin_reserve);
	ASSERT_EQ(0, ioctl(fd, VMACCT_IOC_COMMIT, &c));
	close(fd);

	o = shared_outcome();
	ASSERT_NE(NULL, o);
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(from_child));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		if (setgroups(0, NULL))
			setup_fail(o, "setgroups");
		err = unshare(CLONE_NEWUSER) ? errno : 0;
		/* report unshare's outcome: 0, or the errno */
		ch = (char)err;
		(void)!write(from_child[1], &ch, 1);
		if (err)
			_exit(0);
		if (read(to_child[0], &ch, 1) != 1 || ch)
			_exit(0);	/* the parent could not map */
		if (setresgid(0, 0, 0))
			setup_fail(o, "setresgid(0) in the namespace");
		if (setresuid(0, 0, 0))
			setup_fail(o, "setresuid(0) in the namespace");
		o->uid = getuid();
		o->euid = geteuid();
		o->cap_eff = cap_eff();

		fd = open(DEVNODE, O_RDONLY | O_CLOEXEC);
		o->open_errno = fd < 0 ? errno : 0;
		if (fd < 0)
			_exit(0);
		memset(&o->eval0, 0, sizeof(o->eval0));
		o->eval0.size = sizeof(o->eval0);
		o->eval0.pages = 1;
		o->eval0_errno = ioc_errno(fd, VMACCT_IOC_EVAL, &o->eval0);
		o->mm_errno[0] = mm_errno(fd, 1);
		o->eval_errno[0] = eval_errno(fd, 1);
		o->fork_errno[0] = fork_errno(fd, 1);
		close(fd);
		try_stream(o);
		_exit(0);
	}
	close(to_child[0]);
	close(from_child[1]);
	ASSERT_EQ(1, read(from_child[0], &ch, 1));
	if (ch) {
		waitpid(pid, NULL, 0);
		userns_explain(why, sizeof(why), ch);
		SKIP(return, "%s", why);
	}
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	err = write_file(path, "0 65534 1\n");
	if (!err) {
		snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
		err = write_file(path, "0 65534 1\n");
	}
	if (err)
		TH_LOG("%s: %s", path, strerror(errno));
	ch = err ? 1 : 0;
	ASSERT_EQ(1, write(to_child[1], &ch, 1));
	close(to_child[1]);
	ASSERT_EQ(0, wait_child(pid));
	ASSERT_EQ(0, err);
	ASSERT_CHILD_READY(o);

	/* it is root there, with CAP_SYS_ADMIN (21) in its namespace */
	ASSERT_EQ(0, o->uid);
	ASSERT_EQ(0, o->euid);
	ASSERT_TRUE(o->cap_eff & (1ULL << 21));
	ASSERT_EQ(0, o->open_errno);

	/* EVAL without flags: the caller's own CAP_SYS_ADMIN, initial ns */
	ASSERT_EQ(0, o->eval0_errno);
	EXPECT_EQ(0, o->eval0.as_admin);
	EXPECT_EQ(c.admin_reserve, o->eval0.admin_reserve);
	EXPECT_EQ((__s64)o->eval0.limit - (__s64)o->eval0.admin_reserve -
		  (__s64)o->eval0.user_reserve, o->eval0.allowed);

	/* root's init is another user's process: kuid 65534 is not 0 */
	EXPECT_EQ(EACCES, o->mm_errno[0]);
	EXPECT_EQ(EACCES, o->eval_errno[0]);
	EXPECT_EQ(EACCES, o->fork_errno[0]);

	/* no CAP_PERFMON or CAP_SYS_ADMIN in the initial namespace */
	expect_stream_refused(_metadata, o);
}

TEST_HARNESS_MAIN
