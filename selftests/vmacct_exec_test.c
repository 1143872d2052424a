// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftest: a process that execs a setuid-root binary is never
 * read through the new image by a same-uid reader.
 *
 * execve() installs the new mm (exec_mmap()) before it makes the mm
 * non-dumpable and commits the setuid credentials (fs/exec.c
 * begin_new_exec(), 6.1 and 6.12), and the new mm inherits the old
 * dumpable bits, so in between a reader checking "same ids and dumpable"
 * would be let in to the setuid image's mm.  vmacct, like mm_access(),
 * takes the mm and decides under exec_update_lock, which exec holds for
 * writing across that window.
 *
 * The target, as nobody, execs this program installed setuid root (on a
 * tmpfs of a private mount namespace: /tmp is often nosuid), with arguments of about 1.75 MiB: in the window the new mm is
 * only its argument stack, one VMA of at least 448 pages, which the
 * target's own image never is (its stack alone is a few pages when its
 * map count is 1).  The setuid image drops back to nobody and execs the
 * target again.  A nobody reader asks VMACCT_IOC_MM about the target as
 * fast as it can; every answer must be EACCES, or an image that is not
 * that one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_mm_util.h"

#define SUID_DIR	"/tmp/vmacct_exec"
#define SUID_COPY	SUID_DIR "/suid"
#define BIG_ARG_LEN	(120 * 1024)	/* under MAX_ARG_STRLEN (32 pages) */
#define BIG_ARGS	15		/* 1.75 MiB of arguments */
#define WINDOW_PAGES	448		/* what the setuid exec's stack holds */
#define RUN_SECONDS	6

/* The target: as nobody, exec the setuid copy; it execs @self back. */
static void target_loop(const char *self) __attribute__((noreturn));
static void target_loop(const char *self)
{
	static char *argv[BIG_ARGS + 4];
	static char big[BIG_ARG_LEN];
	int i;

	memset(big, 'x', sizeof(big) - 1);
	argv[0] = SUID_COPY;
	argv[1] = "--suid";
	argv[2] = (char *)self;
	for (i = 0; i < BIG_ARGS; i++)
		argv[i + 3] = big;
	argv[BIG_ARGS + 3] = NULL;
	execv(SUID_COPY, argv);
	_exit(20);
}

/* The setuid image: check it is one, drop to nobody, exec the target. */
static void suid_image(const char *self) __attribute__((noreturn));
static void suid_image(const char *self)
{
	char *argv[] = { (char *)self, "--target", NULL };

	if (geteuid() != 0)
		_exit(21);	/* not setuid: /tmp nosuid? */
	if (setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		_exit(22);
	execv(argv[0], argv);
	_exit(23);
}

struct tally {
	long ok, eacces, other, window;
	long last_pages, last_count;
	int other_errno;
};

/* The reader: as nobody, ask about @pid until @deadline. */
static void reader(int fd, pid_t pid, time_t deadline, struct tally *t)
{
	struct vmacct_mm m;

	if (become_nobody())
		_exit(30);
	while (time(NULL) < deadline) {
		memset(&m, 0, sizeof(m));
		m.size = sizeof(m);
		m.pid = pid;
		m.flags = VMACCT_MM_COUNTS_ONLY;
		if (ioctl(fd, VMACCT_IOC_MM, &m) == 0) {
			t->ok++;
			if (m.map_count == 1 && m.total_vm >= WINDOW_PAGES) {
				t->window++;
				t->last_pages = m.total_vm;
				t->last_count = m.map_count;
			}
		} else if (errno == EACCES) {
			t->eacces++;
		} else {
			t->other++;
			t->other_errno = errno;
		}
	}
	_exit(0);
}

/*
 * Copy this program to SUID_COPY, owned by root, mode 4755, on a tmpfs
 * mounted without nosuid in a mount namespace of this test's own.
 */
static int install_suid_copy(void)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	mkdir(SUID_DIR, 0755);
	if (mount("tmpfs", SUID_DIR, "tmpfs", 0, "mode=0755"))
		return -1;

	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	unlink(SUID_COPY);
	out = open(SUID_COPY, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			n = -1;
	close(in);
	if (close(out) || n < 0 || chown(SUID_COPY, 0, 0) ||
	    chmod(SUID_COPY, 04755))
		return -1;
	return 0;
}

TEST(setuid_exec_window_is_never_read)
{
	char self[4096];
	struct tally *t;
	pid_t target, rd;
	time_t deadline;
	int fd, status;
	ssize_t n;

	NEED_VMACCT(fd);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ASSERT_LT(0, n);
	self[n] = '\0';
	ASSERT_EQ(0, install_suid_copy());
	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, t);
	memset(t, 0, sizeof(*t));

	target = fork();
	ASSERT_LE(0, target);
	if (target == 0) {
		if (become_nobody())
			_exit(24);
		target_loop(self);
	}
	deadline = time(NULL) + RUN_SECONDS;
	rd = fork();
	ASSERT_LE(0, rd);
	if (rd == 0)
		reader(fd, target, deadline, t);

	ASSERT_EQ(rd, waitpid(rd, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("reader status %#x", status);
	/* the target execs forever; it must still be doing so */
	status = 0;
	if (waitpid(target, &status, WNOHANG) != 0)
		ksft_print_msg("the exec loop stopped: status %#x\n", status);
	EXPECT_EQ(0, status);
	kill(target, SIGKILL);
	waitpid(target, &status, 0);
	umount2(SUID_DIR, MNT_DETACH);

	ksft_print_msg("answers: %ld ok, %ld EACCES, %ld other (last errno %d), %ld about the setuid image mid-exec\n",
		       t->ok, t->eacces, t->other, t->other_errno, t->window);
	/* both images were seen, or the test proved nothing */
	EXPECT_LT(0, t->ok) TH_LOG("the reader never read the nobody image");
	EXPECT_LT(0, t->eacces) TH_LOG("the reader never met the setuid image");
	EXPECT_EQ(0, t->other);
	EXPECT_EQ(0, t->window)
		TH_LOG("%ld answers about the setuid image mid-exec (last: %ld VMA, %ld pages)",
		       t->window, t->last_count, t->last_pages);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--suid") == 0)
		suid_image(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "--target") == 0)
		target_loop(argv[0]);
	return test_harness_run(argc, argv);
}
