// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct kernel-address scan: nothing the module hands to user space may
 * contain a kernel address.  The module holds the addresses of twelve
 * kernel variables (module parameters with permission 0); a leak would
 * defeat KASLR for any opener of the world-readable /dev/vmacct.
 *
 * Every output is exercised and scanned:
 *  - the output structure of every ioctl (VERSION, COMMIT, MM, EVAL with
 *    every flag, FORK, TRACE), pid 0 and pid 1;
 *  - every file under /sys/kernel/vmacct;
 *  - a few hundred records of the event stream (decisions and map-count
 *    failures);
 *  - `vmacct status --json`, `vmacct ps --json` and `vmacct status`.
 *
 * The rule (kaddr()): a 64-bit value v is a kernel address when
 *
 *	0xff00000000000000 <= v < 0xffffffffff800000
 *
 * The lower bound is the bottom of the kernel half of the x86-64 address
 * space with 5-level paging (0xff00...; with 4-level paging it is
 * 0xffff800000000000, inside the range).  The upper bound leaves out the
 * top 8 MiB, above FIXADDR_TOP (0xffffffffff7ff000 and the vsyscall page
 * below it are the highest kernel mappings): no kernel object lives
 * there, and as signed numbers these are -1 .. -8388608, the legitimate
 * small negatives of the ABI (-ENOMEM verdicts, -1, negative margins of up
 * to 8M pages).  The requests below are chosen so that no legitimate
 * signed field can go more negative than that.
 *
 * Binary outputs are scanned as every naturally aligned 8-byte
 * little-endian word: every 64-bit field of the ABI is 8-byte aligned, so
 * a pointer stored in any field occupies one such word.  Text is scanned
 * as every number in it: 0x-prefixed hex, bare hex runs of 12 or more
 * digits with a letter a-f, and decimal (a leading '-' makes it a two's
 * complement 64-bit value).  Also /sys/module/vmacct/parameters must not
 * show the address parameters, and (for the IBT audit, scripts/
 * ibt-audit.sh) every address parameter must name a data symbol in this
 * kernel's /proc/kallsyms.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmacct.h>

#include "kselftest_harness.h"
#include "vmacct_util.h"

#define KADDR_MIN	0xff00000000000000ULL
#define KADDR_END	0xffffffffff800000ULL

static int kaddr(uint64_t v)
{
	return v >= KADDR_MIN && v < KADDR_END;
}

/* Leaks found in @buf, scanned as aligned 64-bit words; logged. */
static int scan_words(struct __test_metadata *_metadata, const char *what,
		      const void *buf, size_t len)
{
	const unsigned char *p = buf;
	int found = 0;
	size_t off;

	for (off = 0; off + 8 <= len; off += 8) {
		uint64_t v = 0;
		int b;

		for (b = 7; b >= 0; b--)
			v = (v << 8) | p[off + b];
		if (kaddr(v)) {
			TH_LOG("%s: offset %zu: 0x%016llx looks like a kernel address",
			       what, off, (unsigned long long)v);
			found++;
		}
	}
	return found;
}

static int ishex(int c)
{
	return isxdigit((unsigned char)c);
}

/* Leaks found in the text @s (NUL-terminated); logged. */
static int scan_text(struct __test_metadata *_metadata, const char *what,
		     const char *s)
{
	const char *p = s;
	int found = 0;

	while (*p) {
		const char *q = p;
		uint64_t v = 0;
		int valid = 0, neg = 0;

		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && ishex(p[2])) {
			q = p + 2;
			while (ishex(*q) && q - p < 2 + 17)
				v = (v << 4) | strtoul((char[]){ *q++, 0 }, NULL, 16);
			valid = !ishex(*q);
		} else if (ishex(*p) && (p == s || !isalnum((unsigned char)p[-1]))) {
			int letter = 0, n = 0;

			while (ishex(q[n])) {
				letter |= isalpha((unsigned char)q[n]);
				n++;
			}
			if (n >= 12 && n <= 16 && letter &&
			    !isalnum((unsigned char)q[n])) {
				v = strtoull(p, NULL, 16);
				q = p + n;
				valid = 1;
			} else if (isdigit((unsigned char)*p)) {
				char *end;

				neg = p > s && p[-1] == '-';
				errno = 0;
				v = strtoull(p, &end, 10);
				q = end;
				valid = errno != ERANGE;
				if (neg)
					v = -v;
			}
		}
		if (valid && kaddr(v)) {
			TH_LOG("%s: \"%.*s%.*s\" looks like a kernel address",
			       what, neg, "-", (int)(q - p), p);
			found++;
		}
		if (q == p) {
			p++;
		} else {
			/* skip the rest of the token */
			p = q;
			while (isalnum((unsigned char)*p))
				p++;
		}
	}
	return found;
}

TEST(the_rule)
{
	/* what the scan flags, and what it lets through */
	ASSERT_TRUE(kaddr(0xffffffff81000000ULL));	/* kernel text */
	ASSERT_TRUE(kaddr(0xffffffffc0a01000ULL));	/* module */
	ASSERT_TRUE(kaddr(0xffff888003c00000ULL));	/* direct map */
	ASSERT_TRUE(kaddr(0xffffc90000000000ULL));	/* vmalloc */
	ASSERT_TRUE(kaddr(0xff11000000000000ULL));	/* LA57 direct map */
	ASSERT_FALSE(kaddr((uint64_t)-1));
	ASSERT_FALSE(kaddr((uint64_t)-12));
	ASSERT_FALSE(kaddr((uint64_t)-8388608));
	ASSERT_FALSE(kaddr((uint64_t)LLONG_MAX));
	ASSERT_FALSE(kaddr((uint64_t)LLONG_MIN));
	ASSERT_FALSE(kaddr(0x00007fffffffffffULL));	/* user space */
	ASSERT_EQ(1, scan_text(_metadata, "rule", "a 0xffffffff81000000 b"));
	ASSERT_EQ(1, scan_text(_metadata, "rule", "ffffffff81000000 T _text"));
	ASSERT_EQ(1, scan_text(_metadata, "rule", "\"x\": 18446744071578845184,"));
	ASSERT_EQ(1, scan_text(_metadata, "rule", "m -2130706432 "));
	ASSERT_EQ(1, scan_text(_metadata, "rule", "m -140737488355328 "));
	ASSERT_EQ(0, scan_text(_metadata, "rule",
			       "\"verdict\": -12, \"margin\": -1, \"cap\": 18446744073709551615, 9223372036854775807 deadbeef"));
	ASSERT_EQ(1, scan_words(_metadata, "rule",
				(uint64_t[]){ 1, 0xffffffff81000000ULL, -12 }, 24));
}

/* ------------------------------------------------------------ ioctls */

#define SCAN_IOC(fd, cmd, arg, what) do {				\
	int _r = ioctl(fd, cmd, arg);					\
	if (_r)								\
		TH_LOG("%s: %s", what, strerror(errno));		\
	ASSERT_EQ(0, _r);						\
	leaks += scan_words(_metadata, what, arg, sizeof(*(arg)));	\
	count++;							\
} while (0)

TEST(ioctl_outputs_hold_no_kernel_address)
{
	struct vmacct_commit c;
	int fd, leaks = 0, count = 0;
	__u32 flags[] = { 0, VMACCT_EVAL_ADMIN, VMACCT_EVAL_USER,
			  VMACCT_EVAL_NO_MM, VMACCT_EVAL_USER | VMACCT_EVAL_NO_MM,
			  VMACCT_EVAL_MODE };
	pid_t pids[] = { 0, 1 };
	unsigned int i, j, m, p;

	SKIP_UNLESS_ROOT("to read pid 1");
	OPEN_DEVNODE_OR_SKIP(fd);

	{
		struct vmacct_version v = { .size = sizeof(v) };

		SCAN_IOC(fd, VMACCT_IOC_VERSION, &v, "VERSION");
	}
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	SCAN_IOC(fd, VMACCT_IOC_COMMIT, &c, "COMMIT");

	for (p = 0; p < 2; p++) {
		for (m = 0; m < 2; m++) {
			struct vmacct_mm mm = { .size = sizeof(mm),
						.pid = pids[p],
						.flags = m ? VMACCT_MM_COUNTS_ONLY : 0 };

			SCAN_IOC(fd, VMACCT_IOC_MM, &mm, "MM");
		}
		{
			struct vmacct_fork f = { .size = sizeof(f),
						 .pid = pids[p] };

			SCAN_IOC(fd, VMACCT_IOC_FORK, &f, "FORK");
		}
	}

	/*
	 * EVAL: every flag, every mode, requests of 0, 1, just over each
	 * bound and LLONG_MAX: margins stay within -8M pages (or reach
	 * LLONG_MIN territory, outside the rule).
	 */
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		__s64 pages[] = { 0, 1, (__s64)c.guess_ceiling + 1,
				  (__s64)c.limit + 1, LLONG_MAX };

		for (j = 0; j < sizeof(pages) / sizeof(pages[0]); j++) {
			for (m = 0; m < 3; m++) {
				struct vmacct_eval e = { .size = sizeof(e),
							 .flags = flags[i],
							 .pages = pages[j],
							 .mode = m };

				if (!(flags[i] & VMACCT_EVAL_MODE) && m)
					continue;
				SCAN_IOC(fd, VMACCT_IOC_EVAL, &e, "EVAL");
				if (!(flags[i] & VMACCT_EVAL_NO_MM)) {
					e.pid = 1;
					e.size = sizeof(e);
					SCAN_IOC(fd, VMACCT_IOC_EVAL, &e,
						 "EVAL pid 1");
				}
			}
		}
	}

	{
		struct vmacct_trace t = { .size = sizeof(t), .buffer_size = 64 };

		SCAN_IOC(fd, VMACCT_IOC_TRACE, &t, "TRACE");
	}
	{
		struct vmacct_stats st = { .size = sizeof(st) };

		SCAN_IOC(fd, VMACCT_IOC_STATS, &st, "STATS");
	}
	/* the recorder's answers, and the records, peaks and groups they copy */
	{
		static struct vmacct_record recs[64];
		struct vmacct_log l = { .size = sizeof(l), .nr = 64,
					.records = (__u64)(uintptr_t)recs,
					.record_size = sizeof(recs[0]) };

		SCAN_IOC(fd, VMACCT_IOC_LOG, &l, "LOG");
		leaks += scan_words(_metadata, "LOG records", recs,
				    l.nr * sizeof(recs[0]));
	}
	{
		static struct vmacct_peak pk[VMACCT_PEAKS_MAX];
		struct vmacct_peaks q = { .size = sizeof(q),
					  .nr = VMACCT_PEAKS_MAX,
					  .records = (__u64)(uintptr_t)pk,
					  .record_size = sizeof(pk[0]) };

		SCAN_IOC(fd, VMACCT_IOC_PEAKS, &q, "PEAKS");
		leaks += scan_words(_metadata, "PEAKS records", pk,
				    q.nr * sizeof(pk[0]));
	}
	{
		static struct vmacct_overwrite ow[VMACCT_OVERWRITES_MAX + 1];
		struct vmacct_overwrites q = {
			.size = sizeof(q), .nr = VMACCT_OVERWRITES_MAX + 1,
			.records = (__u64)(uintptr_t)ow,
			.record_size = sizeof(ow[0]) };

		SCAN_IOC(fd, VMACCT_IOC_OVERWRITES, &q, "OVERWRITES");
		leaks += scan_words(_metadata, "OVERWRITES groups", ow,
				    q.nr * sizeof(ow[0]));
	}
	{
		struct vmacct_breakdown q = { .size = sizeof(q) };

		SCAN_IOC(fd, VMACCT_IOC_BREAKDOWN, &q, "BREAKDOWN");
	}
	close(fd);
	TH_LOG("%d ioctl outputs scanned", count);
	ASSERT_EQ(0, leaks);
}

/* ------------------------------------------------------------ sysfs */

static int scan_dir(struct __test_metadata *_metadata, const char *dir,
		    int *files)
{
	struct dirent *de;
	int leaks = 0;
	DIR *dp;

	dp = opendir(dir);
	if (!dp)
		return 0;
	while ((de = readdir(dp))) {
		char path[1024], buf[4096];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			leaks += scan_dir(_metadata, path, files);
			continue;
		}
		if (!S_ISREG(st.st_mode) || !(st.st_mode & 0444))
			continue;
		if (read_small(path, buf, sizeof(buf)) < 0)
			continue;
		leaks += scan_text(_metadata, path, buf);
		(*files)++;
	}
	closedir(dp);
	return leaks;
}

TEST(sysfs_files_hold_no_kernel_address)
{
	int files = 0, leaks;

	SKIP_UNLESS_DEVNODE();
	leaks = scan_dir(_metadata, "/sys/kernel/vmacct", &files);
	TH_LOG("%d files under /sys/kernel/vmacct scanned", files);
	ASSERT_LE(2 + 6 + 12 + 6, files);
	ASSERT_EQ(0, leaks);
}

/*
 * The address parameters have permission 0: sysfs does not list them.
 * The visible ones are stats and recorder (Y or N) and recorder_size (a
 * number of records), which hold no address.
 */
TEST(address_parameters_are_not_in_sysfs)
{
	const char *dir = "/sys/module/vmacct/parameters";
	struct dirent *de;
	int leaks = 0, files = 0, others = 0;
	DIR *dp;

	SKIP_UNLESS_DEVNODE();
	dp = opendir(dir);
	ASSERT_NE(NULL, dp) TH_LOG("%s: %s (stats should be there)", dir,
				   strerror(errno));
	/* the options, published read-only; the addresses never */
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "stats") ||
		    !strcmp(de->d_name, "recorder") ||
		    !strcmp(de->d_name, "recorder_size") ||
		    !strcmp(de->d_name, "direct"))
			continue;
		TH_LOG("%s/%s is visible", dir, de->d_name);
		others++;
	}
	closedir(dp);
	leaks = scan_dir(_metadata, dir, &files);
	EXPECT_EQ(4, files);
	ASSERT_EQ(0, others);
	ASSERT_EQ(0, leaks);
}

/* ------------------------------------------------------------ stream */

static void make_events(void)
{
	long ps = page_size();
	int i;

	for (i = 0; i < 200; i++) {
		void *p = mmap(NULL, (i % 7 + 1) * ps, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED)
			munmap(p, (i % 7 + 1) * ps);
	}
	/* mprotect to writable, and a denial (a request above the ceiling) */
	for (i = 0; i < 50; i++) {
		void *p = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p != MAP_FAILED) {
			mprotect(p, ps, PROT_READ | PROT_WRITE);
			munmap(p, ps);
		}
	}
	for (i = 0; i < 5; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}

FIXTURE(stream) {
	int unused;
};

FIXTURE_SETUP(stream)
{
}

FIXTURE_TEARDOWN(stream)
{
}

TEST_F_TIMEOUT(stream, records_hold_no_kernel_address, 120)
{
	static struct vmacct_event ev[VMACCT_READ_MAX_RECORDS];
	struct vmacct_trace t = { .size = sizeof(t), .buffer_size = 4096 };
	struct vmacct_commit c = { .size = sizeof(c) };
	int fd, leaks = 0, records = 0, rounds;
	char what[64];

	SKIP_UNLESS_ROOT("for the stream (CAP_PERFMON)");
	OPEN_DEVNODE_OR_SKIP(fd);
	ASSERT_EQ(0, ioctl(fd, VMACCT_IOC_COMMIT, &c));
	ASSERT_EQ(0, ioctl(fd, VMACCT_IOC_TRACE, &t));
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_NONBLOCK));
	for (rounds = 0; rounds < 2000; rounds++) {
		if (sysfs_ll("trace/enabled") == 1)
			break;
		usleep(1000);
	}

	/* a denial in mode 0: one request larger than RAM + swap */
	{
		void *p = mmap(NULL, (c.guess_ceiling + 1) * c.page_size,
			       PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p != MAP_FAILED)
			munmap(p, (c.guess_ceiling + 1) * c.page_size);
	}

	for (rounds = 0; rounds < 50 && records < 300; rounds++) {
		ssize_t n;
		int i;

		make_events();
		usleep(5000);
		while ((n = read(fd, ev, sizeof(ev))) > 0) {
			ASSERT_EQ(0, n % sizeof(ev[0]));
			for (i = 0; i < n / (ssize_t)sizeof(ev[0]); i++) {
				snprintf(what, sizeof(what),
					 "record %d (type %u)", records,
					 ev[i].type);
				leaks += scan_words(_metadata, what, &ev[i],
						    sizeof(ev[i]));
				records++;
			}
		}
		ASSERT_EQ(EAGAIN, errno);
	}
	close(fd);
	TH_LOG("%d stream records scanned", records);
	ASSERT_LE(300, records);
	ASSERT_EQ(0, leaks);
}

/* ------------------------------------------------------------ the tool */

static int run_tool(struct __test_metadata *_metadata, const char *cmd,
		    char *out, size_t size)
{
	size_t len = 0, n;
	FILE *f;

	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (len + 1 < size && (n = fread(out + len, 1, size - 1 - len, f)))
		len += n;
	out[len] = '\0';
	return pclose(f);
}

TEST(tool_output_holds_no_kernel_address)
{
	static const char *const cmds[] = {
		"vmacct status --json 2>&1",
		"vmacct status 2>&1",
		"vmacct ps --json 2>&1",
		"vmacct ps 2>&1",
	};
	static char out[1 << 20];
	unsigned int i;
	int leaks = 0;

	SKIP_UNLESS_DEVNODE();
	if (system("command -v vmacct >/dev/null 2>&1"))
		SKIP(return, "vmacct (the tool) is not in PATH");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int rc = run_tool(_metadata, cmds[i], out, sizeof(out));

		if (rc)
			TH_LOG("%s: exit %d: %.200s", cmds[i], rc, out);
		ASSERT_EQ(0, rc);
		ASSERT_LT(10, strlen(out));
		leaks += scan_text(_metadata, cmds[i], out);
	}
	ASSERT_EQ(0, leaks);
}

/* ------------------------------------------------------------ IBT (b) */

/*
 * The section bounds of the core kernel image, from /proc/kallsyms; from
 * the build's System.map where the kernel lists functions only (built
 * without CONFIG_KALLSYMS_ALL), moved by _stext's KASLR offset.
 */
enum { TEXT, ETEXT, SDATA, EDATA, BSS, EBSS, RODATA, ERODATA, NBOUNDS };

static const char *const bound_name[NBOUNDS] = {
	"_stext", "_etext", "_sdata", "_edata",
	"__bss_start", "__bss_stop", "__start_rodata", "__end_rodata",
};

/* An address parameter of `vmacct load --dry-run`: NAME=0x... */
struct addr_param {
	const char *name;
	unsigned long long addr;
	char type;
};

#define MAX_PARAMS	32

/*
 * Find each bound, and each parameter's own type letter (only logged: 7.2
 * lists initialized data as 'T'/'t', so letters prove nothing), in one
 * pass: /proc/kallsyms is long, and slow to read under emulation.
 */
static int read_bounds(const char *table, unsigned long long *b,
		       struct addr_param *p, int n)
{
	static char line[512];
	unsigned long long a;
	char t, sym[256];
	int found = 0, i;
	FILE *f = fopen(table, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* core kernel symbols only: a module's ends in "\t[mod]" */
		if (sscanf(line, "%llx %c %255s", &a, &t, sym) != 3 ||
		    strchr(line, '\t'))
			continue;
		for (i = 0; i < n; i++)
			if (!strcmp(sym, p[i].name))
				p[i].type = t;
		for (i = 0; i < NBOUNDS; i++)
			if (!b[i] && !strcmp(sym, bound_name[i])) {
				b[i] = a;
				found++;
			}
	}
	fclose(f);
	return found;
}

/* Where vmacct load looks for the map of the running kernel. */
static int read_map_bounds(unsigned long long *b, struct addr_param *p, int n)
{
	static const char *const dirs[] = { "/boot", "/usr/lib/debug/boot" };
	unsigned long long m[NBOUNDS];
	struct utsname u;
	char path[512];
	int i, k;

	if (uname(&u))
		return -1;
	for (k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s/System.map-%s", dirs[k], u.release);
		memset(m, 0, sizeof(m));
		if (read_bounds(path, m, p, n) != NBOUNDS)
			continue;
		for (i = 0; i < NBOUNDS; i++)
			b[i] = m[i] + (b[TEXT] - m[TEXT]);
		return NBOUNDS;
	}
	return -1;
}

/*
 * Every address parameter ("kallsyms address of NAME", as `vmacct load
 * --dry-run` passes them: NAME=0x...) must be a data object of this
 * kernel, read through a pointer, never a function that could be called
 * through one (sealed ENDBR on IBT kernels, see scripts/ibt-audit.sh):
 * its address lies in the image's data, BSS or read-only data, and not in
 * its text.
 * Section bounds, not kallsyms type letters, which 7.2 changed.
 */
TEST(address_parameters_are_data_symbols)
{
	static char opts[8192];
	const char *ko = getenv("VMACCT_KO");
	unsigned long long b[NBOUNDS] = { 0 };
	struct addr_param p[MAX_PARAMS];
	char cmd[1024], *tok, *save;
	int names = 0, bad = 0, i;

	SKIP_UNLESS_ROOT("to read /proc/kallsyms");
	if (!ko)
		SKIP(return, "VMACCT_KO is not set (run from scripts/guest/guest-suite.sh)");
	snprintf(cmd, sizeof(cmd), "vmacct load --dry-run --ko '%s' 2>&1", ko);
	ASSERT_EQ(0, run_tool(_metadata, cmd, opts, sizeof(opts)))
		TH_LOG("%s: %s", cmd, opts);

	for (tok = strtok_r(opts, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		ASSERT_GT(MAX_PARAMS, names);
		*eq = '\0';
		p[names].name = tok;
		p[names].addr = strtoull(eq + 1, NULL, 0);
		p[names].type = '?';
		names++;
	}
	ASSERT_LE(10, names);

	if (read_bounds("/proc/kallsyms", b, p, names) != NBOUNDS) {
		ASSERT_NE(0, b[TEXT]);
		TH_LOG("/proc/kallsyms lists functions only: the bounds from System.map");
		ASSERT_EQ(NBOUNDS, read_map_bounds(b, p, names))
			TH_LOG("no System.map of this kernel, which vmacct load needed too");
	}
	for (i = 0; i < NBOUNDS; i += 2)
		ASSERT_LT(b[i], b[i + 1]);
	for (i = 0; i < names; i++) {
		unsigned long long addr = p[i].addr;
		const char *where;

		if (addr >= b[TEXT] && addr < b[ETEXT])
			where = NULL;
		else if (addr >= b[SDATA] && addr < b[EDATA])
			where = "data";
		else if (addr >= b[BSS] && addr < b[EBSS])
			where = "bss";
		else if (addr >= b[RODATA] && addr < b[ERODATA])
			where = "rodata";
		else
			where = NULL;
		if (!where) {
			TH_LOG("%s (kallsyms '%c'): not in the kernel's data, bss or rodata",
			       p[i].name, p[i].type);
			bad++;
		} else {
			TH_LOG("%s: %s (kallsyms '%c')", p[i].name, where,
			       p[i].type);
		}
	}
	ASSERT_EQ(0, bad);
}

TEST_HARNESS_MAIN
