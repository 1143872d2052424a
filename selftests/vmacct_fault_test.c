// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct selftest: the fault-injection sweep.
 *
 * Every fallible path of the module is run with its 1st, 2nd, 3rd, ...
 * fault point failed, until it runs with no fault injected at all: the
 * module load (with recorder=0, and by default, where the recorder
 * allocates its ring and registers every probe in init), every ioctl
 * (VMACCT_IOC_TRACE on a fresh file, so that it allocates a ring and arms
 * the probes), and the writes to stats/enabled, recorder/enabled,
 * recorder/size and trace/buffer_size.  The tool is the kernel's
 * per-thread systematic fault injection (fault-injection.rst in the
 * kernel's Documentation/fault-injection/): writing N to
 * /proc/thread-self/fail-nth fails the N-th fault point (a slab or page
 * allocation, a copy to or from user space) this thread reaches; reading
 * it back after the one system call under test gives 0 when that
 * happened, or what was left of N when the call ended first.
 *
 * Each injected failure must give an errno documented for that call
 * (Documentation/userspace-api/vmacct.rst; the loader's and kernfs's
 * ENOMEM and EFAULT), or the call must succeed all the same ("recovered":
 * most are the debug kernel's own allocations with a fallback, kmemleak's
 * metadata and KASAN's stack depot, and the loader's uevents), and leave
 * nothing behind: a failed load no /dev/vmacct, no /sys/kernel/vmacct, no
 * /sys/module/vmacct, no kprobe of the module's in
 * /sys/kernel/debug/kprobes/list and no ftrace callback on a function it
 * traces in tracing/enabled_functions; a failed
 * stats/enabled or recorder/enabled write counting off and no probe armed; a failed attach no reader once its file is
 * closed.  During the loads a thread opens /dev/vmacct in a loop (issue
 * 14, item 1): an open that succeeds during a load that then fails is a
 * failure (the module is freed under that file).  At the end no module
 * reference is left and the module stays loaded.
 *
 * With the recorder every recovered point costs a load and an unload with
 * twelve probes, so that sweep skips what other points cover already:
 * the loader's points before vmacct_init() (the same as with recorder=0)
 * and the registration of nine of the ten system-call probes (the same
 * code as the first); see plan_stats().  VMACCT_FAULT_FULL=1 sweeps every
 * point (some 20 minutes more under make check-debug);
 * VMACCT_FAULT_ONLY=WORD runs only the paths whose name has WORD.  Which
 * allocation is the N-th is not fixed from one load to the next (a slab
 * may need a new page, kmemleak's pool may serve), so the counts vary by
 * a few points from run to run.
 *
 * Injected failures are silent (verbose = 0 in every fail* directory of
 * debugfs), but the kernel itself warns, with a stack dump, when vmalloc()
 * or a per-CPU allocation fails, and WARN()s when jump_label cannot
 * allocate for a module's static keys at load; the console checks of the
 * guest and of make check-debug count any stack dump.  So while sweeping
 * the console shows only messages of level KERN_ERR and above, and the
 * test reads every message from /dev/kmsg: it counts those warnings of the
 * kernel's, fails the path on anything else that looks like a report
 * (BUG:, WARNING:, KASAN, lockdep, a stack dump of its own, ...), and
 * writes each such report's first line back to the console at KERN_ERR,
 * so that the console checks see it too.
 *
 * Runs as root, with vmacct.ko loaded, VMACCT_KO naming its file and the
 * vmacct tool in PATH (for the kallsyms addresses: `vmacct load --dry-run`).
 * Needs a kernel with CONFIG_FAULT_INJECTION (fail-nth), FAILSLAB,
 * FAIL_PAGE_ALLOC and FAULT_INJECTION_DEBUG_FS (make check-debug's kernel;
 * FAULT_INJECTION_USERCOPY for the copies); elsewhere it skips.  Prints,
 * per path, "# fault: PATH: N points injected, E failed (errno counts), R
 * recovered".  Plain TAP through kselftest.h.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmacct.h>

#include "kselftest.h"
#include "vmacct_util.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE	4
#endif

#define MODNAME		"vmacct"
#define DEBUGFS		"/sys/kernel/debug"
#define KPROBES_LIST	DEBUGFS "/kprobes/list"
#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define PRINTK		"/proc/sys/kernel/printk"

/* a path that reaches this many fault points without finishing fails */
#define MAX_POINTS	5000

#define BIT(e)		(1ULL << (e))
#define N_OF(a)		(sizeof(a) / sizeof((a)[0]))
#define NERR		134	/* errnos counted one by one, below this */
#define MAX_BAD_SHOWN	15	/* wrong outcomes printed per path */

/* ------------------------------------------------------------ a path */

struct sweep {
	const char *name;
	unsigned long long allowed;	/* errnos an injected failure may give */
	long injected;			/* calls in which the N-th point failed */
	long failed;			/* ... and the call failed */
	long recovered;			/* ... and the call succeeded anyway */
	long errs[NERR];		/* failures by errno */
	long bad;			/* wrong outcomes */
	struct timespec t0;
};

static void sweep_begin(struct sweep *s, const char *name,
			unsigned long long allowed)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->allowed = allowed;
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
}

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static __printf(3, 4) void bad(struct sweep *s, unsigned int n,
			       const char *fmt, ...)
{
	va_list ap;

	if (s->bad++ >= MAX_BAD_SHOWN) {
		if (s->bad == MAX_BAD_SHOWN + 1)
			ksft_print_msg("%s: more wrong outcomes not shown\n",
				       s->name);
		return;
	}
	printf("# FAIL %s, point %u: ", s->name, n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static const char *errname(int e)
{
	const char *s = strerrorname_np(e);

	return s ? s : "?";
}

/*
 * An injected failure: the call failed with @err (0: it succeeded).
 * Counts it and checks the errno against the path's.
 */
static void injected(struct sweep *s, unsigned int n, int err)
{
	s->injected++;
	if (!err) {
		s->recovered++;
		return;
	}
	s->failed++;
	if (err > 0 && err < NERR)
		s->errs[err]++;
	if (err <= 0 || err >= 64 || !(s->allowed & BIT(err)))
		bad(s, n, "failed with %s (%d), not an errno documented for it",
		    errname(err), err);
}

/* The summary line, then the path's TAP result. */
static void sweep_end(struct sweep *s, int ok)
{
	char counts[512] = "";
	size_t len = 0;
	int e;

	for (e = 1; e < NERR; e++)
		if (s->errs[e] && len < sizeof(counts) - 32)
			len += snprintf(counts + len, sizeof(counts) - len,
					"%s%s %ld", len ? ", " : "",
					errname(e), s->errs[e]);
	printf("# fault: %s: %ld points injected, %ld failed (%s), %ld recovered (%.1f s)\n",
	       s->name, s->injected, s->failed, len ? counts : "-",
	       s->recovered, since(&s->t0));
	ksft_test_result(ok && !s->bad, "%s: every injected failure documented, nothing left behind\n",
			 s->name);
}

/* ------------------------------------------------------------ files */

/* Write a string to a file: 0 or -errno. */
static int write_str(const char *path, const char *val)
{
	ssize_t n, len = strlen(val);
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n != len)
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

/* A small file's first line, without the newline: length, or -1. */
static ssize_t read_line(const char *path, char *buf, size_t size)
{
	char *nl;

	if (read_small(path, buf, size) < 0)
		return -1;
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return strlen(buf);
}

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* ------------------------------------------------------------ knobs */

/*
 * The debugfs and sysctl values the test changes, restored at exit in
 * reverse order.
 */
struct knob {
	char path[128];
	char saved[64];
};

static struct knob knobs[32];
static int nknobs;

/* Set @path to @val (NULL: keep it), and restore its value at exit. */
static int knob_set(const char *path, const char *val)
{
	struct knob *k;
	char old[64];
	int err;

	if (nknobs == (int)N_OF(knobs) ||
	    read_line(path, old, sizeof(old)) < 0)
		return -ENOENT;
	err = val ? write_str(path, val) : 0;
	if (err)
		return err;
	k = &knobs[nknobs++];
	snprintf(k->path, sizeof(k->path), "%s", path);
	snprintf(k->saved, sizeof(k->saved), "%s", old);
	return 0;
}

static void knobs_restore(void)
{
	while (nknobs > 0) {
		nknobs--;
		write_str(knobs[nknobs].path, knobs[nknobs].saved);
	}
}

/* ------------------------------------------------------------ fail-nth */

static int nth_fd = -1;

/* Fail the n-th fault point this thread reaches from now on (0: none). */
static void nth_arm(unsigned int n)
{
	char buf[16];
	int i, len = snprintf(buf, sizeof(buf), "%u", n);

	/*
	 * With points still to go, the copy of this write's own buffer may
	 * be the armed point (EFAULT): then none is armed any more, and the
	 * write goes through the second time.
	 */
	for (i = 0; i < 2; i++) {
		if (pwrite(nth_fd, buf, len, 0) == len)
			return;
		if (errno != EFAULT)
			break;
	}
	ksft_exit_fail_msg("writing %u to " FAIL_NTH ": %s\n", n,
			   strerror(errno));
}

/*
 * The points still to go before the one armed by nth_arm() when the call
 * under test returned: 0 if that call reached it.  Reading copies to user
 * space, itself a fault point: with one point to go it is the read that
 * fails (EFAULT), and that means 1.  Disarms.
 */
static unsigned int nth_left(void)
{
	char buf[16];
	ssize_t n;
	int err;

	n = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	err = errno;
	nth_arm(0);
	if (n < 0 && err == EFAULT)
		return 1;
	if (n <= 0)
		ksft_exit_fail_msg("reading " FAIL_NTH ": %s\n", strerror(err));
	buf[n] = '\0';
	return strtoul(buf, NULL, 10);
}

/* Did the call under test reach the point armed by nth_arm()?  Disarms. */
static int nth_injected(void)
{
	return nth_left() == 0;
}

/* ------------------------------------------------------------ kernel log */

/*
 * While sweeping, the console shows KERN_ERR and above only; every message
 * is read here.  Expected, and counted: the warnings with a stack dump the
 * kernel prints itself when an allocation fails (vmalloc(), per-CPU
 * memory), and the WARN()s of kernel/jump_label.c when it cannot allocate
 * for a module's static keys at load (jump_label_module_notify() warns and
 * undoes, and jump_label_del_module() then warns for each key it finds
 * half linked: "No memory during module load"), and those of
 * kernel/trace/trace_events.c when it cannot allocate the fields of a
 * module's trace events at load (event_define_fields() warns once with
 * "error code is -12"; its undo then trips event_file_put()'s refcount
 * warnings: the kernel's module notifier, not vmacct's code).  Each starts
 * an expected block, in which a stack dump is expected too; the block ends
 * with the next "cut here" or "end trace" line.  Anything else that looks
 * like a report is one.
 */
static int kmsg_fd = -1;
static int console_lowered;
static long kmsg_alloc_warnings, kmsg_kernel_warns, kmsg_reports, kmsg_lost;
static int kmsg_expected;	/* records left in an expected block */
static const char *kmsg_watch;	/* a message to look out for ... */
static int kmsg_watch_seen;	/* ... and whether it came */

static const char *const alloc_warning[] = {
	"vmalloc error:", "page allocation failure:",
	"percpu: allocation failed", "vmap allocation for size",
};

/* "WARNING: CPU: 0 PID: 1 at FILE:LINE FUNCTION+..." of the kernel's own */
static const char *const kernel_warn[][2] = {
	{ " at kernel/jump_label.c:", " jump_label_module_notify+" },
	{ " at kernel/jump_label.c:", " jump_label_del_module+" },
	{ " at kernel/trace/trace_events.c:", " event_define_fields" },
	{ " at kernel/trace/trace_events.c:", " event_file_put+" },
};

/* the console checks of scripts/guest/run-guest.sh and check-debug.sh */
static const char *const report[] = {
	"BUG:", "WARNING:", "Oops", "general protection", "KASAN", "UBSAN",
	"unreferenced object", "suspected memory leak", "possible circular",
	"inconsistent lock", "Kernel panic", "Call Trace",
	"blocked for more than", "detected stall",
};

/* Write a report's line back to the console, at KERN_ERR. */
static void kmsg_echo(const char *line)
{
	char buf[512];
	int fd, len;

	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	len = snprintf(buf, sizeof(buf), "<3>vmacct_fault_test: kept off the console: %s",
		       line);
	if (write(fd, buf, len < (int)sizeof(buf) ? len : (int)sizeof(buf) - 1) < 0)
		len = 0;
	close(fd);
}

/* Is @msg a report, given the expected block it may be in? */
static int kmsg_classify(const char *msg)
{
	unsigned int i;

	if (strstr(msg, "[ cut here ]") || strstr(msg, "---[ end trace")) {
		kmsg_expected = 0;
		return 0;
	}
	if (kmsg_expected)
		kmsg_expected--;
	for (i = 0; i < N_OF(alloc_warning); i++) {
		if (strstr(msg, alloc_warning[i])) {
			kmsg_alloc_warnings++;
			kmsg_expected = 60;
			return 0;
		}
	}
	if (strstr(msg, "Failed to allocate memory: jump_label may not work properly")) {
		kmsg_expected = 60;
		return 0;
	}
	if (strstr(msg, "WARNING:")) {
		for (i = 0; i < N_OF(kernel_warn); i++) {
			if (strstr(msg, kernel_warn[i][0]) &&
			    strstr(msg, kernel_warn[i][1])) {
				kmsg_kernel_warns++;
				kmsg_expected = 60;
				return 0;
			}
		}
		return 1;
	}
	if (kmsg_expected && strstr(msg, "Call Trace"))
		return 0;
	for (i = 0; i < N_OF(report); i++)
		if (strstr(msg, report[i]))
			return 1;
	return 0;
}

/* Read what the kernel logged since the last call; reports fail @s. */
static void kmsg_drain(struct sweep *s)
{
	char rec[8192], *msg, *end;
	unsigned int level;
	ssize_t n;

	if (kmsg_fd < 0)
		return;
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE) {	/* overwritten before read */
			kmsg_lost++;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		*msg++ = '\0';
		end = strchr(msg, '\n');
		if (end)
			*end = '\0';
		level = strtoul(rec, NULL, 10) & 7;
		if (kmsg_watch && strstr(msg, kmsg_watch))
			kmsg_watch_seen = 1;
		if (!kmsg_classify(msg))
			continue;
		kmsg_reports++;
		if (s)
			s->bad++;
		if (kmsg_reports <= 20) {
			printf("# kernel report (during %s): %s\n",
			       s ? s->name : "setup", msg);
			/* the console showed it already unless lowered */
			if (console_lowered && level >= 4)
				kmsg_echo(msg);
		}
	}
}

/* ------------------------------------------------------------ setup */

static char printk_saved[64];
static int load(const char *extra);

/* At exit: the settings as they were, and the module loaded. */
static void restore_all(void)
{
	if (nth_fd >= 0 && pwrite(nth_fd, "0", 1, 0) != 1 &&
	    pwrite(nth_fd, "0", 1, 0) != 1)
		perror(FAIL_NTH);
	knobs_restore();
	if (console_lowered)
		write_str(PRINTK, printk_saved);
	console_lowered = 0;
	if (!exists("/sys/module/" MODNAME) && load(""))
		perror("loading " MODNAME " again");
}

/*
 * fail-nth counts every fault point of every kind; make each kind fail
 * sleeping allocations and order-0 pages too, and fail silently.
 */
static void setup_fault_injection(void)
{
	static const char *const set[][2] = {
		{ DEBUGFS "/failslab/ignore-gfp-wait", "N" },
		{ DEBUGFS "/fail_page_alloc/ignore-gfp-wait", "N" },
		{ DEBUGFS "/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ DEBUGFS "/fail_page_alloc/min-order", "0" },
	};
	char path[300];
	struct dirent *d;
	unsigned int i;
	DIR *dir;
	int err;

	for (i = 0; i < N_OF(set); i++) {
		err = knob_set(set[i][0], set[i][1]);
		if (err)
			ksft_exit_fail_msg("%s: %s\n", set[i][0], strerror(-err));
	}
	/*
	 * verbose = 0 everywhere: no "forcing a failure" and no stack dump;
	 * an injection counts "times" down, so that is restored too
	 */
	dir = opendir(DEBUGFS);
	if (!dir)
		ksft_exit_fail_msg(DEBUGFS ": %s\n", strerror(errno));
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "fail", 4))
			continue;
		snprintf(path, sizeof(path), DEBUGFS "/%s/verbose", d->d_name);
		if (exists(path) && (err = knob_set(path, "0")))
			ksft_exit_fail_msg("%s: %s\n", path, strerror(-err));
		snprintf(path, sizeof(path), DEBUGFS "/%s/times", d->d_name);
		if (exists(path) && (err = knob_set(path, NULL)))
			ksft_exit_fail_msg("%s: %s\n", path, strerror(-err));
	}
	closedir(dir);
}

/* The console shows KERN_ERR and above; the rest is read by kmsg_drain(). */
static void lower_console(void)
{
	if (read_line(PRINTK, printk_saved, sizeof(printk_saved)) < 0)
		ksft_exit_fail_msg(PRINTK ": %s\n", strerror(errno));
	/* tabs separate the four values; write them back as they were */
	for (char *p = printk_saved; *p; p++)
		if (*p == '\t')
			*p = ' ';
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd < 0)
		ksft_exit_fail_msg("/dev/kmsg: %s\n", strerror(errno));
	lseek(kmsg_fd, 0, SEEK_END);	/* only what happens from now on */
	if (write_str(PRINTK, "4"))
		ksft_exit_fail_msg(PRINTK ": %s\n", strerror(errno));
	console_lowered = 1;
}

/* ------------------------------------------------------------ the module */

static const char *ko;
static int ko_fd = -1, ko_flags;
static char opts[4096];		/* `vmacct load --dry-run`: the addresses */

/* What the module kprobes (module/probe.c), as kprobes/list shows it. */
static const char *const probed[] = { "___ratelimit" };

/*
 * The functions the module traces with an ftrace_ops (module/probe.c), as
 * tracing/enabled_functions shows them.
 */
static const char *const traced[] = {
	"__vm_enough_memory", "__x64_sys_mmap", "__x64_sys_munmap",
	"__x64_sys_mprotect", "__x64_sys_pkey_mprotect", "__x64_sys_mremap",
	"__x64_sys_brk", "__x64_sys_madvise", "__x64_sys_mlock",
	"__x64_sys_mlock2", "__x64_sys_munlock",
};

static int baseline_probes = -1, baseline_armed = -1, baseline_ftrace = -1;
static int traceable = -1;	/* of traced[], the functions this kernel has */

/*
 * Lines of tracing/enabled_functions on a function the module traces: the
 * ftrace callbacks on them (the module's, and whatever else traces them);
 * -1 if the file cannot be read.
 */
static int count_ftrace(void)
{
	char line[512];
	unsigned int i;
	size_t len;
	FILE *f;
	int n = 0;

	f = fopen(DEBUGFS "/tracing/enabled_functions", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; i < N_OF(traced); i++) {
			len = strlen(traced[i]);
			if (!strncmp(line, traced[i], len) && line[len] == ' ') {
				n++;
				break;
			}
		}
	}
	fclose(f);
	return n;
}

/*
 * Of traced[], the functions /proc/kallsyms lists (the optional system
 * calls may be missing): an armed module traces each of them once.
 * -1 if kallsyms cannot be read.
 */
static int count_traceable(void)
{
	char line[512], type, name[256];
	unsigned int i;
	FILE *f;
	int n = 0;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %c %255s", &type, name) != 2 ||
		    (type != 't' && type != 'T'))
			continue;
		for (i = 0; i < N_OF(traced); i++)
			if (!strcmp(name, traced[i]))
				n++;
	}
	fclose(f);
	return n;
}

/*
 * Lines of kprobes/list on a symbol the module probes (*armed: of those,
 * the ones not disabled); -1 if the list cannot be read.
 */
static int count_probes(int *armed)
{
	static char buf[1 << 16];
	char *line, *next, pat[64];
	int fd, n = 0;
	size_t len = 0;
	ssize_t r;
	unsigned int i;

	*armed = 0;
	fd = open(KPROBES_LIST, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < sizeof(buf) - 1 &&
	       (r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += r;
	close(fd);
	buf[len] = '\0';
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (i = 0; i < N_OF(probed); i++) {
			snprintf(pat, sizeof(pat), " %s+0x", probed[i]);
			if (strstr(line, pat)) {
				n++;
				if (!strstr(line, "[DISABLED]"))
					(*armed)++;
				break;
			}
		}
	}
	return n;
}

/* delete_module(), waiting up to 5 s for users to go: 0 or errno. */
static int unload(void)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (syscall(SYS_delete_module, MODNAME, O_NONBLOCK) == 0 ||
		    errno == ENOENT)
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			break;
		usleep(10000);
	}
	return errno;
}

/* finit_module() with the addresses and @extra: 0 or errno. */
static int load(const char *extra)
{
	char o[sizeof(opts) + 64];

	snprintf(o, sizeof(o), "%s%s%s", opts, extra[0] ? " " : "", extra);
	return syscall(SYS_finit_module, ko_fd, o, ko_flags) ? errno : 0;
}

/* The module is gone: no device, no sysfs, no probe.  0 or a message. */
static const char *check_gone(void)
{
	int armed;

	if (exists(DEVNODE))
		return DEVNODE " exists";
	if (exists("/sys/kernel/vmacct"))
		return "/sys/kernel/vmacct exists";
	if (exists("/sys/module/" MODNAME))
		return "/sys/module/" MODNAME " exists";
	if (count_probes(&armed) != baseline_probes)
		return "a kprobe of the module is left in " KPROBES_LIST;
	if (count_ftrace() != baseline_ftrace)
		return "an ftrace callback of the module is left in enabled_functions";
	return NULL;
}

/* The module is loaded and answers.  0 or a message. */
static const char *check_loaded(int counting)
{
	struct vmacct_version v;
	int fd, ret;

	if (!exists("/sys/module/" MODNAME))
		return "/sys/module/" MODNAME " is missing";
	if (sysfs_ll("stats/enabled") != counting ||
	    sysfs_ll("recorder/enabled") != counting)
		return counting ? "loaded with the recorder, not recording" :
				  "recording after a load with recorder=0";
	/* recording arms every probe or fails (module/probe.c) */
	if (counting && count_ftrace() != baseline_ftrace + traceable)
		return "recording with a function of the module untraced";
	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "cannot open " DEVNODE;
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	ret = ioctl(fd, VMACCT_IOC_VERSION, &v);
	close(fd);
	if (ret || v.abi_version != VMACCT_ABI_VERSION)
		return "VMACCT_IOC_VERSION fails";
	return NULL;
}

/* ------------------------------------------------------------ the opener */

/*
 * Item 1 of issue 14: a thread opens /dev/vmacct while the main thread
 * loads, makes a VMACCT_IOC_VERSION, waits a millisecond (a failing init
 * would free the module meanwhile), asks again and closes.  It runs only
 * while a load is in progress; between loads the main thread parks it
 * (park() returns once it is between iterations, with no file open).
 */
static struct {
	pthread_t th;
	atomic_int run, stop, lost;
	atomic_long req, ack;		/* park handshake */
	atomic_long opens, ioctl_ok, ioctl_err;
} op;

static void *opener(void *arg)
{
	struct vmacct_version v;
	int fd, i;

	while (!atomic_load(&op.stop)) {
		if (!atomic_load(&op.run)) {
			atomic_store(&op.ack, atomic_load(&op.req));
			usleep(200);
			continue;
		}
		fd = open(DEVNODE, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			usleep(1000);	/* the window is milliseconds long */
			continue;
		}
		atomic_fetch_add(&op.opens, 1);
		for (i = 0; i < 2; i++) {
			memset(&v, 0, sizeof(v));
			v.size = sizeof(v);
			if (ioctl(fd, VMACCT_IOC_VERSION, &v) == 0)
				atomic_fetch_add(&op.ioctl_ok, 1);
			else
				atomic_fetch_add(&op.ioctl_err, 1);
			if (!i)
				usleep(1000);
		}
		close(fd);
	}
	return NULL;
}

static void opener_go(void)
{
	if (!atomic_load(&op.lost))
		atomic_store(&op.run, 1);
}

/*
 * 0 once the opener is between iterations; -1 if it did not get there in
 * 20 s (an oops in freed module code ends the thread), and from then on.
 */
static int opener_park(void)
{
	long r;
	int i;

	atomic_store(&op.run, 0);
	r = atomic_fetch_add(&op.req, 1) + 1;
	for (i = 0; atomic_load(&op.ack) < r; i++) {
		if (atomic_load(&op.lost) || i == 200000) {
			atomic_store(&op.lost, 1);
			return -1;
		}
		usleep(100);
	}
	return 0;
}

/* ------------------------------------------------------------ loads */

/*
 * Where a load sweep starts, and where it jumps once a load logged
 * kmsg_watch (0: nowhere): see plan_stats().
 */
struct plan {
	unsigned int first, jump;
};

/*
 * Paths 1 and 2: unload, then load with @extra and its n-th fault point
 * failed, for n = 1, 2, ... (as @plan says) until a load reaches no armed
 * point.  That last load stays.
 */
static void sweep_load(const char *name, const char *extra, int counting,
		       const struct plan *plan)
{
	long opens0, ok0, err0, opens_failed = 0;
	unsigned int n, jump = plan->jump;
	const char *why;
	struct sweep s;
	int err, inj, done = 0;

	/* what the loader and vmacct_init() can give under a fault */
	sweep_begin(&s, name, BIT(ENOMEM) | BIT(EFAULT));
	err = unload();
	if (err || (why = check_gone())) {
		bad(&s, 0, "cannot unload first: %s", err ? strerror(err) : why);
		sweep_end(&s, 0);
		return;
	}
	ok0 = atomic_load(&op.ioctl_ok);
	err0 = atomic_load(&op.ioctl_err);
	kmsg_watch_seen = 0;
	for (n = plan->first; n <= MAX_POINTS && !done; n++) {
		opens0 = atomic_load(&op.opens);
		opener_go();
		nth_arm(n);
		err = load(extra);
		inj = nth_injected();
		if (opener_park() && !atomic_load(&op.stop)) {
			atomic_store(&op.stop, 1);	/* reported once */
			bad(&s, n, "the opener thread is stuck or gone (an oops in the module?)");
		}
		if (!inj) {
			done = 1;
			if (err)
				bad(&s, n, "load with no fault injected failed: %s",
				    strerror(err));
			else if ((why = check_loaded(counting)))
				bad(&s, n, "after the load: %s", why);
		} else {
			injected(&s, n, err);
			if (!err) {	/* recovered: it must work, and go */
				if ((why = check_loaded(counting)))
					bad(&s, n, "loaded despite the fault, but %s", why);
				err = unload();
				if (err)
					bad(&s, n, "unload after a recovered load: %s",
					    strerror(err));
				if ((why = check_gone()))
					bad(&s, n, "after unload: %s", why);
			} else {
				if ((why = check_gone()))
					bad(&s, n, "after the failed load (%s): %s",
					    errname(err), why);
				if (atomic_load(&op.opens) != opens0) {
					opens_failed++;
					bad(&s, n, "%s opened during a load that failed (%s)",
					    DEVNODE, errname(err));
				}
			}
		}
		if (n % 16 == 0 || jump)
			kmsg_drain(&s);
		if (jump && kmsg_watch_seen) {
			if (n + 1 < jump)
				printf("# fault: %s: point %u: \"%s\": on at point %u\n",
				       name, n, kmsg_watch, jump);
			n = n + 1 < jump ? jump - 1 : n;
			jump = 0;
		}
	}
	if (!done)
		bad(&s, n, "still failing after %d points", MAX_POINTS);
	kmsg_drain(&s);
	printf("# fault: %s: the opener opened %s %ld times (%ld during failed loads), VMACCT_IOC_VERSION %ld ok, %ld failed\n",
	       name, DEVNODE, atomic_load(&op.opens), opens_failed,
	       atomic_load(&op.ioctl_ok) - ok0, atomic_load(&op.ioctl_err) - err0);
	atomic_store(&op.opens, 0);
	sweep_end(&s, done);
}

/* The fault points a load with @extra reaches, and unload; 0 on failure. */
static unsigned int load_points(const char *extra, int *err)
{
	unsigned int left;

	*err = unload();
	if (*err)
		return 0;
	nth_arm(1000000);
	*err = load(extra);
	left = nth_left();
	unload();
	return left ? 1000000 - left : 0;
}

/*
 * What the sweep of the default load may skip (there each point costs a
 * load, with twelve probes, and an unload: a second or more under KASAN):
 *
 *  - the points before vmacct_init(), the loader's own, the same with the
 *    recorder as without, swept by the load with recorder=0.  Counted on a
 *    load whose init fails at once, before any allocation of its own (one
 *    address wrong: vmacct_syms_init() refuses it); that count also has
 *    the few points of its teardown (the uevent of the removal), hence a
 *    margin;
 *  - the registration of the system-call probes after the first: ten
 *    ftrace_set_filter() and register_ftrace_function() pairs in one loop
 *    (module/probe.c), each of whose failures is reported and fails the
 *    arming (the load).  The sweep fails every
 *    point of the first, and once the second reports a failure ("cannot
 *    probe __x64_sys_munmap"), it goes on where what the load with
 *    recorder=0 does after vmacct_init()'s start begins (sysfs, the device,
 *    the loader's end): its total less the points before init, counted
 *    back from the total of a default load, less a margin that also
 *    covers what the totals vary by from one load to the next (up to 30
 *    points seen).
 *
 * VMACCT_FAULT_FULL=1 skips nothing.
 */
#define LOADER_MARGIN	64
#define TAIL_MARGIN	96

static void plan_stats(struct plan *plan)
{
	unsigned int before_init, plain, stats;
	char bad[sizeof(opts)], *p, *e;
	const char *env = getenv("VMACCT_FAULT_FULL");
	int err;

	plan->first = 1;
	plan->jump = 0;
	if (env && !strcmp(env, "1"))
		return;
	snprintf(bad, sizeof(bad), "%s", opts);
	p = strstr(bad, "=0x");
	if (!p || unload())
		return;
	for (e = p + 3; *e && *e != ' '; e++)
		;
	memmove(p + 5, e, strlen(e) + 1);
	memcpy(p, "=0x10", 5);
	nth_arm(1000000);
	err = syscall(SYS_finit_module, ko_fd, bad, ko_flags) ? errno : 0;
	before_init = nth_left();
	if (err != EINVAL || !before_init || check_gone()) {
		ksft_print_msg("a load with a wrong address: %s: the recorder's sweep skips nothing\n",
			       err ? errname(err) : "loaded");
		unload();
		return;
	}
	before_init = 1000000 - before_init;
	plain = load_points("recorder=0", &err);
	if (!err)
		stats = load_points("", &err);
	if (err || plain <= before_init || stats <= plain ||
	    before_init <= LOADER_MARGIN ||
	    stats - (plain - before_init) <= before_init + TAIL_MARGIN) {
		ksft_print_msg("cannot count the points of a load (%s): the recorder's sweep skips nothing\n",
			       err ? errname(err) : "counts out of order");
		return;
	}
	plan->first = before_init - LOADER_MARGIN;
	plan->jump = stats - (plain - before_init) - TAIL_MARGIN;
	kmsg_watch = "cannot probe __x64_sys_munmap";
	printf("# fault: load (recorder): a load reaches %u points with recorder=0, %u with the recorder, %u with an init that fails at once: from point %u, and on at point %u from the second system-call probe (VMACCT_FAULT_FULL=1: every point)\n",
	       plain, stats, before_init, plan->first, plan->jump);
}

/* Unload and load with no fault, so that nothing is registered yet. */
static int reload(void)
{
	int err = unload();

	if (!err)
		err = load("recorder=0");
	if (err)
		ksft_print_msg("reload of the module: %s\n", strerror(err));
	return err;
}

/* VMACCT_FAULT_ONLY=WORD: only the paths whose name has WORD. */
static int wanted(const char *name)
{
	const char *only = getenv("VMACCT_FAULT_ONLY");

	if (!only || !*only || strstr(name, only))
		return 1;
	ksft_test_result_skip("%s: not in VMACCT_FAULT_ONLY\n", name);
	return 0;
}

/* ------------------------------------------------------------ ioctls */

#define COMMON		(BIT(EFAULT) | BIT(EINVAL) | BIT(E2BIG))
#define PROCESS		(BIT(ESRCH) | BIT(ENXIO) | BIT(ENODATA) | BIT(EACCES) | \
			 BIT(EINTR))
/* of the documented errnos, those a failed allocation or copy can give */
#define FAULTS		(BIT(EFAULT) | BIT(ENOMEM))

union ioc_arg {
	struct vmacct_version v;
	struct vmacct_commit c;
	struct vmacct_mm m;
	struct vmacct_eval e;
	struct vmacct_fork f;
	struct vmacct_trace t;
	struct vmacct_stats s;
	struct vmacct_log l;
	struct vmacct_peaks pk;
	struct vmacct_overwrites ow;
	struct vmacct_breakdown bd;
};

struct ioc_case {
	const char *name;
	unsigned long cmd;
	size_t size;
	unsigned long long documented;	/* vmacct.rst */
	int pid;			/* MM, EVAL, FORK: whose; -1 the child */
	int fresh;			/* a new file for each call (TRACE) */
};

static pid_t child;
static struct vmacct_record log_records[4];

static void ioc_fill(const struct ioc_case *c, union ioc_arg *a)
{
	memset(a, 0, sizeof(*a));
	a->v.size = c->size;
	switch (c->cmd) {
	case VMACCT_IOC_MM:
		a->m.pid = c->pid < 0 ? child : c->pid;
		break;
	case VMACCT_IOC_EVAL:
		a->e.pid = c->pid;
		a->e.pages = 1;
		break;
	case VMACCT_IOC_FORK:
		a->f.pid = c->pid;
		break;
	case VMACCT_IOC_LOG:
		a->l.records = (__u64)(uintptr_t)log_records;
		a->l.nr = N_OF(log_records);
		a->l.record_size = sizeof(log_records[0]);
		break;
	case VMACCT_IOC_PEAKS:
		a->pk.records = (__u64)(uintptr_t)log_records;
		a->pk.nr = 3;	/* 192 bytes: within log_records */
		a->pk.record_size = sizeof(struct vmacct_peak);
		break;
	case VMACCT_IOC_OVERWRITES:
		a->ow.records = (__u64)(uintptr_t)log_records;
		a->ow.nr = 2;	/* 160 bytes: within log_records */
		a->ow.record_size = sizeof(struct vmacct_overwrite);
		break;
	}
}

/* Path 3: one ioctl with its n-th fault point failed, n = 1, 2, ... */
static void sweep_ioctl(int fd, const struct ioc_case *c)
{
	char name[64];
	union ioc_arg a;
	struct sweep s;
	unsigned int n;
	int cfd, ret, err, inj, done = 0;

	snprintf(name, sizeof(name), "ioctl %s", c->name);
	if (!wanted(name))
		return;
	sweep_begin(&s, name, c->documented & FAULTS);
	for (n = 1; n <= MAX_POINTS && !done; n++) {
		cfd = c->fresh ? open(DEVNODE, O_RDONLY | O_CLOEXEC) : fd;
		if (cfd < 0) {
			bad(&s, n, "open " DEVNODE ": %s", strerror(errno));
			break;
		}
		ioc_fill(c, &a);
		nth_arm(n);
		ret = ioctl(cfd, c->cmd, &a);
		err = ret ? errno : 0;
		inj = nth_injected();
		if (c->fresh)
			close(cfd);
		if (!inj) {
			done = 1;
			if (err)
				bad(&s, n, "no fault injected, yet %s", errname(err));
			else if (a.v.size != c->size)
				bad(&s, n, "size %u written back, not %zu",
				    a.v.size, c->size);
		} else {
			injected(&s, n, err);
		}
	}
	if (!done)
		bad(&s, n, "still failing after %d points", MAX_POINTS);
	kmsg_drain(&s);
	sweep_end(&s, done);
}

/*
 * After the TRACE sweep, every file closed: no reader is left, and a
 * normal attach still gets its events (an mmap() of private writable
 * memory is one decision).
 */
static void trace_after(void)
{
	struct vmacct_event ev;
	struct vmacct_trace t;
	struct pollfd pfd;
	int fd, ok = 1;
	ssize_t n;
	void *p;

	if (sysfs_ll("trace/enabled") != 0) {
		ksft_print_msg("trace/enabled is %lld with every file closed\n",
			       sysfs_ll("trace/enabled"));
		ok = 0;
	}
	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	t.flags = VMACCT_TRACE_NO_MAP_COUNT;
	t.pid = syscall(SYS_gettid);
	if (fd < 0 || ioctl(fd, VMACCT_IOC_TRACE, &t)) {
		ksft_print_msg("attach after the sweep: %s\n", strerror(errno));
		ok = 0;
	} else {
		p = mmap(NULL, 4 * page_size(), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			munmap(p, 4 * page_size());
		pfd.fd = fd;
		pfd.events = POLLIN;
		n = -1;
		if (poll(&pfd, 1, 5000) == 1)
			n = read(fd, &ev, sizeof(ev));
		if (n != sizeof(ev) || ev.type != VMACCT_EV_DECISION ||
		    ev.pid != t.pid || ev.caller != VMACCT_CALLER_MMAP ||
		    ev.pages != 4) {
			ksft_print_msg("no decision record for the mmap() (read %zd, type %u caller %u pages %lld)\n",
				       n, n == sizeof(ev) ? ev.type : 0,
				       n == sizeof(ev) ? ev.caller : 0,
				       n == sizeof(ev) ? (long long)ev.pages : 0);
			ok = 0;
		}
	}
	if (fd >= 0)
		close(fd);
	ksft_test_result(ok, "after the TRACE sweep: trace/enabled 0, and a new reader gets the decision of an mmap()\n");
}

/* ------------------------------------------------------------ sysfs */

/*
 * Path 4: a write of @val to a sysfs file with its n-th point failed.
 * @after checks the state after a failed write and undoes a successful
 * one (no fault armed then): a message, or NULL.
 */
static void sweep_write(const char *name, const char *file, const char *val,
			const char *(*after)(int err))
{
	char path[128];
	struct sweep s;
	const char *why;
	unsigned int n;
	ssize_t len = strlen(val), w;
	int fd, err, inj, done = 0;

	snprintf(path, sizeof(path), SYSFS "%s", file);
	if (!wanted(name))
		return;
	/* kernfs allocates its buffer and copies from user space */
	sweep_begin(&s, name, BIT(ENOMEM) | BIT(EFAULT));
	for (n = 1; n <= MAX_POINTS && !done; n++) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			bad(&s, n, "open %s: %s", path, strerror(errno));
			break;
		}
		nth_arm(n);
		w = write(fd, val, len);
		err = w < 0 ? errno : 0;
		inj = nth_injected();
		close(fd);
		if (w >= 0 && w != len)
			bad(&s, n, "short write: %zd of %zd", w, len);
		if (!inj) {
			done = 1;
			if (err)
				bad(&s, n, "no fault injected, yet %s", errname(err));
		} else {
			injected(&s, n, err);
		}
		if ((why = after(err)))
			bad(&s, n, "after the write (%s): %s",
			    err ? errname(err) : "succeeded", why);
	}
	if (!done)
		bad(&s, n, "still failing after %d points", MAX_POINTS);
	kmsg_drain(&s);
	sweep_end(&s, done);
}

/* recorder/enabled = 1: a failure leaves it off, counting off, nothing armed */
static const char *after_recorder(int err)
{
	int armed;

	if (!err) {
		if (sysfs_ll("recorder/enabled") != 1)
			return "not recording after a successful write";
		if (set_sysfs("recorder/enabled", 0) ||
		    set_sysfs("stats/enabled", 0))
			return "cannot write 0";
	}
	if (sysfs_ll("recorder/enabled") != 0)
		return "recording is on";
	if (sysfs_ll("stats/enabled") != 0)
		return "counting is on";
	if (count_probes(&armed) < 0 || armed != baseline_armed)
		return "a kprobe of the module is armed";
	if (count_ftrace() != baseline_ftrace)
		return "an ftrace callback of the module is on";
	return NULL;
}

static long long recorder_size0;

/* recorder/size: a failure leaves the old size */
static const char *after_recorder_size(int err)
{
	if (!err) {
		if (sysfs_ll("recorder/size") == recorder_size0)
			return "the size did not change";
		if (set_sysfs("recorder/size", recorder_size0))
			return "cannot restore the size";
	}
	if (sysfs_ll("recorder/size") != recorder_size0)
		return "the size changed";
	return NULL;
}

/* stats/enabled = 1: a failure leaves counting off and nothing armed. */
static const char *after_stats(int err)
{
	int armed;

	if (!err) {
		if (sysfs_ll("stats/enabled") != 1)
			return "not counting after a successful write";
		if (count_ftrace() != baseline_ftrace + traceable)
			return "counting with a function of the module untraced";
		if (set_sysfs("stats/enabled", 0))
			return "cannot write 0";
	}
	if (sysfs_ll("stats/enabled") != 0)
		return "counting is on";
	if (sysfs_ll("trace/enabled") != 0)
		return "trace/enabled is not 0";
	if (count_probes(&armed) < 0 || armed != baseline_armed)
		return "a kprobe of the module is armed";
	if (count_ftrace() != baseline_ftrace)
		return "an ftrace callback of the module is on";
	return NULL;
}

static long long buffer_size0;

/* trace/buffer_size: a failure leaves the old size */
static const char *after_buffer_size(int err)
{
	if (!err) {
		if (sysfs_ll("trace/buffer_size") == buffer_size0)
			return "the size did not change";
		if (set_sysfs("trace/buffer_size", buffer_size0))
			return "cannot restore the size";
	}
	if (sysfs_ll("trace/buffer_size") != buffer_size0)
		return "the size changed";
	return NULL;
}

/* ------------------------------------------------------------ main */

static void child_wait(void)
{
	pause();
	_exit(0);
}

/* Check that fail-nth works here: uname() copies its result out once. */
static void self_check(void)
{
	struct utsname u;
	int ret, err, inj;

	if (!exists(DEBUGFS "/fail_usercopy")) {
		ksft_test_result_skip("fail-nth self-check: no fail_usercopy\n");
		return;
	}
	nth_arm(1);
	ret = uname(&u);
	err = errno;
	inj = nth_injected();
	ksft_test_result(ret == -1 && err == EFAULT && inj,
			 "fail-nth fails the first fault point of the next call (uname(): %s)\n",
			 ret ? errname(err) : "succeeded");
}

static const struct ioc_case ioc_cases[] = {
	{ .name = "VERSION", .cmd = VMACCT_IOC_VERSION,
	  .size = sizeof(struct vmacct_version), .documented = COMMON },
	{ .name = "COMMIT", .cmd = VMACCT_IOC_COMMIT,
	  .size = sizeof(struct vmacct_commit), .documented = COMMON },
	{ .name = "MM self", .cmd = VMACCT_IOC_MM,
	  .size = sizeof(struct vmacct_mm), .documented = COMMON | PROCESS },
	{ .name = "MM child", .cmd = VMACCT_IOC_MM,
	  .size = sizeof(struct vmacct_mm), .documented = COMMON | PROCESS,
	  .pid = -1 },
	{ .name = "EVAL", .cmd = VMACCT_IOC_EVAL,
	  .size = sizeof(struct vmacct_eval), .documented = COMMON | PROCESS },
	{ .name = "FORK", .cmd = VMACCT_IOC_FORK,
	  .size = sizeof(struct vmacct_fork), .documented = COMMON | PROCESS },
	{ .name = "STATS", .cmd = VMACCT_IOC_STATS,
	  .size = sizeof(struct vmacct_stats), .documented = COMMON },
	{ .name = "LOG", .cmd = VMACCT_IOC_LOG,
	  .size = sizeof(struct vmacct_log),
	  .documented = COMMON | BIT(EPERM) | BIT(ENOMEM) },
	{ .name = "PEAKS", .cmd = VMACCT_IOC_PEAKS,
	  .size = sizeof(struct vmacct_peaks),
	  .documented = COMMON | BIT(EPERM) | BIT(ENOMEM) },
	{ .name = "OVERWRITES", .cmd = VMACCT_IOC_OVERWRITES,
	  .size = sizeof(struct vmacct_overwrites),
	  .documented = COMMON | BIT(EPERM) | BIT(ENOMEM) },
	{ .name = "BREAKDOWN", .cmd = VMACCT_IOC_BREAKDOWN,
	  .size = sizeof(struct vmacct_breakdown),
	  .documented = COMMON | BIT(EPERM) | BIT(ENOMEM) | BIT(EINTR) },
	/* a fresh file each time: a ring, and the decision probe */
	{ .name = "TRACE attach", .cmd = VMACCT_IOC_TRACE,
	  .size = sizeof(struct vmacct_trace),
	  .documented = COMMON | BIT(EPERM) | BIT(ENOMEM), .fresh = 1 },
};

#define NIOC	N_OF(ioc_cases)

int main(void)
{
	struct timespec t0;
	char cmd[600], path[300];
	static const struct plan every = { 1, 0 };
	struct plan plan;
	unsigned int i;
	long long refcnt;
	FILE *f;
	int fd, armed;
	size_t len;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ksft_print_header();
	if (geteuid() != 0)
		ksft_exit_skip("needs root\n");
	if (!exists(FAIL_NTH))
		ksft_exit_skip("no " FAIL_NTH ": kernel without CONFIG_FAULT_INJECTION\n");
	ko = getenv("VMACCT_KO");
	if (!ko || !*ko || !exists(ko))
		ksft_exit_skip("no module file: set VMACCT_KO\n");
	if (!exists(DEVNODE))
		ksft_exit_skip(DEVNODE " missing (module not loaded?)\n");
	if (!exists(DEBUGFS "/failslab") &&
	    mount("debugfs", DEBUGFS, "debugfs", 0, NULL) && errno != EBUSY)
		ksft_exit_skip("cannot mount debugfs: %s\n", strerror(errno));
	if (!exists(DEBUGFS "/failslab") || !exists(DEBUGFS "/fail_page_alloc"))
		ksft_exit_skip("no failslab or fail_page_alloc in debugfs: kernel without CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC or CONFIG_FAULT_INJECTION_DEBUG_FS\n");
	if (!exists(KPROBES_LIST))
		ksft_exit_skip("no " KPROBES_LIST "\n");
	if (!exists(DEBUGFS "/fail_usercopy"))
		ksft_print_msg("no fail_usercopy (CONFIG_FAULT_INJECTION_USERCOPY): copies to and from user space are not failed\n");

	/* the option string with the kallsyms addresses, before unloading */
	snprintf(cmd, sizeof(cmd), "vmacct load --ko '%s' --dry-run", ko);
	f = popen(cmd, "r");
	if (!f || !fgets(opts, sizeof(opts), f) || pclose(f) != 0) {
		ksft_exit_fail_msg("`%s` failed: cannot get the module options\n",
				   cmd);
	}
	len = strlen(opts);
	while (len && isspace((unsigned char)opts[len - 1]))
		opts[--len] = '\0';
	len = strlen(ko);
	if ((len > 3 && !strcmp(ko + len - 3, ".xz")) ||
	    (len > 3 && !strcmp(ko + len - 3, ".gz")) ||
	    (len > 4 && !strcmp(ko + len - 4, ".zst")))
		ko_flags = MODULE_INIT_COMPRESSED_FILE;
	ko_fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (ko_fd < 0)
		ksft_exit_fail_msg("%s: %s\n", ko, strerror(errno));
	nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (nth_fd < 0)
		ksft_exit_fail_msg(FAIL_NTH ": %s\n", strerror(errno));

	ksft_set_plan(10 + NIOC);
	atexit(restore_all);
	setup_fault_injection();
	lower_console();
	self_check();

	/* the opener, and a child to query: before the sweep, not during */
	if (pthread_create(&op.th, NULL, opener, NULL))
		ksft_exit_fail_msg("opener thread: %s\n", strerror(errno));
	opener_park();
	child = fork();
	if (child < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (child == 0)
		child_wait();

	/* paths 1 and 2: the loads; what the kprobes list holds without us */
	if (unload())
		ksft_exit_fail_msg("cannot unload " MODNAME "\n");
	baseline_probes = count_probes(&baseline_armed);
	if (baseline_probes < 0)
		ksft_exit_fail_msg(KPROBES_LIST ": %s\n", strerror(errno));
	baseline_ftrace = count_ftrace();
	if (baseline_ftrace < 0)
		ksft_exit_fail_msg(DEBUGFS "/tracing/enabled_functions: %s\n",
				   strerror(errno));
	traceable = count_traceable();
	if (traceable < 0)
		ksft_exit_fail_msg("/proc/kallsyms: %s\n", strerror(errno));
	if (baseline_probes)
		ksft_print_msg("%d kprobes on the module's symbols exist without it (%d armed): compared with that\n",
			       baseline_probes, baseline_armed);
	if (wanted("load recorder=0"))
		sweep_load("load recorder=0", "recorder=0", 0, &every);
	if (wanted("load (recorder)")) {
		plan_stats(&plan);
		sweep_load("load (recorder)", "", 1, &plan);
	}

	/* path 3: every ioctl, on a module with no probe registered yet */
	if (reload())
		ksft_exit_fail_msg("cannot load " MODNAME " again\n");
	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		ksft_exit_fail_msg(DEVNODE ": %s\n", strerror(errno));
	for (i = 0; i < NIOC; i++)
		sweep_ioctl(fd, &ioc_cases[i]);
	close(fd);
	if (wanted("after the TRACE sweep"))
		trace_after();

	/* path 4: the sysfs writes, again with nothing registered */
	if (reload())
		ksft_exit_fail_msg("cannot load " MODNAME " again\n");
	sweep_write("stats/enabled", "stats/enabled", "1", after_stats);
	sweep_write("recorder/enabled", "recorder/enabled", "1",
		    after_recorder);
	recorder_size0 = sysfs_ll("recorder/size");
	snprintf(path, sizeof(path), "%d", recorder_size0 == 2048 ? 1024 : 2048);
	sweep_write("recorder/size", "recorder/size", path,
		    after_recorder_size);
	buffer_size0 = sysfs_ll("trace/buffer_size");
	snprintf(path, sizeof(path), "%d", buffer_size0 == 2048 ? 1024 : 2048);
	sweep_write("trace/buffer_size", "trace/buffer_size", path,
		    after_buffer_size);

	/* path 5: no module reference left, the module stays */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	if (!atomic_load(&op.lost)) {
		atomic_store(&op.stop, 1);
		pthread_join(op.th, NULL);
	}
	refcnt = read_ll("/sys/module/" MODNAME "/refcnt");
	count_probes(&armed);
	ksft_test_result(refcnt == 0 && !check_loaded(0) && armed == baseline_armed,
			 "every file closed: refcnt %lld, the module loaded and answering, no probe armed\n",
			 refcnt);

	restore_all();
	kmsg_drain(NULL);
	printf("# fault: kernel log: %ld allocation-failure warnings (vmalloc, per-CPU), %ld WARNs of kernel/jump_label.c on a failed allocation, %ld reports, %ld records lost\n",
	       kmsg_alloc_warnings, kmsg_kernel_warns, kmsg_reports, kmsg_lost);
	/* a lost record may have been a report */
	ksft_test_result(kmsg_reports == 0 && kmsg_lost == 0,
			 "no kernel report during the sweep (%.0f s)\n", since(&t0));
	ksft_finished();
}
