// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: "vmacct trace" and "vmacct unload" end to end through the
 * fake device (tests/fixtures/fake-dev.c): the filter as the module
 * receives it, the records as printed, the ways a session ends (ENODEV
 * for an unload, --count, --duration, SIGINT, SIGTERM), EPERM and ABI
 * mismatches, and unload's detach of trace readers and its retries.
 *
 * sysfs is a temporary directory standing in for /sys/kernel/vmacct
 * (FAKE_VMACCT_SYSFS); the fake device never lets the tool reach a real
 * one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include "run.h"
#include "tap.h"
#include "tool.h"

#define TOTALS_ALL \
	"vmacct: trace: 5 events shown, 1 denied, 2 map-count failures; 3 dropped (ring full), " \
	"2 missed (/sys/kernel/vmacct/trace/missed)"

struct fake {
	char preload[PATH_MAX + 16];
	char log[PATH_MAX + 24];
	char logpath[PATH_MAX];
	char sysfs[PATH_MAX];		/* the stand-in for /sys/kernel/vmacct */
	char sysfs_env[PATH_MAX + 24];
	const struct test_env *env;
};

/*
 * Run the tool with the fake device, the fake sysfs and extra
 * "NAME=value" settings (NULL-terminated); with sig, send it once stdout
 * shows wait_for.
 */
static int run_fake(struct fake *f, struct run_result *r,
		    const char *const extra[], const char *const args[],
		    int sig, const char *wait_for)
{
	char *argv[20], *envv[20];
	size_t i, k = 0;
	int err;

	argv[0] = (char *)f->env->tool;
	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	envv[k++] = f->preload;
	envv[k++] = f->log;
	envv[k++] = f->sysfs_env;
	for (i = 0; extra && extra[i] && k + 3 < sizeof(envv) / sizeof(envv[0]); i++)
		envv[k++] = (char *)extra[i];
	/* the first of a name wins: defaults after the test's own */
	envv[k++] = "FAKE_VMACCT_ERR=";
	envv[k++] = "FAKE_VMACCT_TRACE=";
	envv[k] = NULL;
	err = sig ? run_capture_signal(argv, envv, r, sig, wait_for)
		  : run_capture_env(argv, envv, r);
	if (err) {
		tap_diag("cannot run %s", f->env->tool);
		return -1;
	}
	return r->status;
}

#define ENV(...)  ((const char *const[]){ __VA_ARGS__, NULL })
#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The requests the fake device logged since the last call, then cleared. */
static char *take_log(struct fake *f)
{
	char *s = slurp(f->logpath);

	unlink(f->logpath);
	return s ? s : strdup("");
}

static char *get_file(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return slurp(path);
}

static void drop_file(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static unsigned int count_lines(const char *s, const char *prefix)
{
	unsigned int n = 0;
	size_t len = strlen(prefix);

	while (s && *s) {
		if (!strncmp(s, prefix, len))
			n++;
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	return n;
}

static bool is_clock(const char *s)
{
	static const char pat[] = "dd:dd:dd.dddddd ";
	size_t i;

	for (i = 0; i < sizeof(pat) - 1; i++) {
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return false;
	}
	return true;
}

/*
 * stdout without the wall-clock time that starts each line (it depends on
 * when the test runs); a line without one is kept whole, and fails.
 */
static char *strip_clocks(const char *s)
{
	char *out = malloc(s ? strlen(s) + 1 : 1), *o = out;
	const char *nl;
	size_t len;

	if (!out)
		return NULL;
	while (s && *s) {
		nl = strchr(s, '\n');
		len = nl ? (size_t)(nl - s) + 1 : strlen(s);
		if (len > 16 && is_clock(s)) {
			s += 16;
			len -= 16;
		}
		memcpy(o, s, len);
		o += len;
		s += len;
	}
	*o = '\0';
	return out;
}

static int64_t clock_offset_ns(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return ((int64_t)rt.tv_sec - mono.tv_sec) * 1000000000LL +
	       (rt.tv_nsec - mono.tv_nsec);
}

/*
 * JSON lines with each "realtime_ns" value and each "realtime" string
 * replaced by R, after checking that the first is time_ns plus this
 * machine's CLOCK_REALTIME - CLOCK_MONOTONIC (within a second) and the
 * second the same time in ISO 8601.  *clock_ok says whether every line
 * passed.
 */
static char *normalise_realtime(const char *s, bool *clock_ok)
{
	int64_t offset = clock_offset_ns(), diff;
	char *out = malloc(s ? strlen(s) + 1 : 1), *o = out;
	char iso[ISO8601_STR_MAX];
	const char *p, *q, *z;
	unsigned long long t, rt;

	*clock_ok = s && *s;
	if (!out)
		return NULL;
	while (s && *s) {
		p = strstr(s, "\"time_ns\":");
		q = strstr(s, "\"realtime_ns\":");
		z = strstr(s, "\"realtime\":\"");
		if (!p || !q || !z || z < q) {
			strcpy(o, s);
			*clock_ok = false;
			return out;
		}
		t = strtoull(p + 10, NULL, 10);
		rt = strtoull(q + 14, NULL, 10);
		diff = (int64_t)(rt - t) - offset;
		if (diff < -1000000000LL || diff > 1000000000LL)
			*clock_ok = false;
		format_iso8601_utc(rt, iso, sizeof(iso));
		z += 12;
		if (strncmp(z, iso, strlen(iso)) || z[strlen(iso)] != '"')
			*clock_ok = false;
		q += 14;
		memcpy(o, s, (size_t)(q - s));
		o += q - s;
		*o++ = 'R';
		s = q;
		while (*s >= '0' && *s <= '9')
			s++;
		memcpy(o, s, (size_t)(z - s));
		o += z - s;
		*o++ = 'R';
		s = strchr(z, '"');
		if (!s) {
			*o = '\0';
			*clock_ok = false;
			return out;
		}
		p = strchr(s, '\n');
		if (!p) {
			strcpy(o, s);
			return out;
		}
		memcpy(o, s, (size_t)(p - s) + 1);
		o += p - s + 1;
		s = p + 1;
	}
	*o = '\0';
	return out;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_trace_stream(struct tap *t, struct fake *f)
{
	struct run_result r;
	char *log, *s;
	bool clock_ok;

	/* every record, then the module detaches the reader (ENODEV) */
	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("trace"), 0, NULL), VM_EXIT_OK,
		   "fake device: trace exits 0 when the module detaches it (ENODEV)");
	s = strip_clocks(r.out);
	tap_eq_fixture(t, f->env, s, "trace-fake.txt");
	free(s);
	tap_ok(t, r.out && is_clock(r.out), "... each line starts with HH:MM:SS.uuuuuu");
	tap_eq_str(t, r.err,
		   "vmacct: tracing stopped: the module is being unloaded\n" TOTALS_ALL
		   " — to drop fewer: raise /sys/kernel/vmacct/trace/buffer_size (for new readers)"
		   " or narrow the filter (--denied, --pid, --tid)\n",
		   "... says why it stopped, then the totals: dropped from a second VMACCT_IOC_TRACE, trace/missed");
	log = take_log(f);
	tap_eq_str(t, log, "TRACE size=32 flags=0 pid=0 tgid=0\nTRACE size=32 flags=0 pid=0 tgid=0\n",
		   "... attached without a filter, and asked again with the same filter for the drops");
	free(log);
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("trace", "--json"), 0, NULL), VM_EXIT_OK,
		   "fake device: trace --json exits 0");
	s = normalise_realtime(r.out, &clock_ok);
	tap_eq_fixture(t, f->env, s, "trace-fake.jsonl");
	tap_ok(t, clock_ok, "... realtime_ns is time_ns + (CLOCK_REALTIME - CLOCK_MONOTONIC), within 1 s, and realtime the same in ISO 8601");
	free(s);
	tap_starts_with(t, r.err, "vmacct: tracing stopped: the module is being unloaded\n",
			"... the stop message on stderr, not in the JSON");
	free(take_log(f));
	run_free(&r);

	/* filters: how the options reach the module (which applies them) */
	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("trace", "--denied", "--pid", "206"), 0, NULL),
		   VM_EXIT_OK, "fake device: trace --denied --pid 206 exits 0");
	log = take_log(f);
	tap_eq_str(t, log, "TRACE size=32 flags=1 pid=0 tgid=206\nTRACE size=32 flags=1 pid=0 tgid=206\n",
		   "... DENIED, tgid 206, twice the same");
	s = strip_clocks(r.out);
	tap_eq_str(t, s, "redis-server[206/206] fork: 8196 pages DENIED (mode 2) — committed 158289 ≥ "
		   "allowed 155939 = limit 160000 − admin 2048 − user 2013\n",
		   "... the one denied decision of process 206");
	free(s);
	tap_contains(t, r.err, "vmacct: trace: 1 event shown, 1 denied, 0 map-count failures;",
		     "... counted");
	free(log);
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("trace", "--no-decisions", "--tid", "78"), 0, NULL),
		   VM_EXIT_OK, "fake device: trace --no-decisions --tid 78 exits 0");
	log = take_log(f);
	tap_starts_with(t, log, "TRACE size=32 flags=2 pid=78 tgid=0\n", "... NO_DECISIONS, thread 78");
	tap_eq_i64(t, count_lines(r.out, ""), 1, "... one record: the mremap of thread 78");
	tap_contains(t, r.out, " es[77/78] mremap: ENOMEM: ", "... shown as process 77, thread 78");
	free(log);
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("trace", "--no-map-count", "-d", "-p", "900", "-t", "901"),
			       0, NULL),
		   VM_EXIT_OK, "fake device: trace --no-map-count -d -p 900 -t 901 exits 0");
	log = take_log(f);
	tap_starts_with(t, log, "TRACE size=32 flags=5 pid=901 tgid=900\n",
			"... DENIED|NO_MAP_COUNT, thread 901 of process 900");
	tap_ok(t, r.out && !*r.out, "... and nothing matches");
	tap_contains(t, r.err, "vmacct: trace: 0 events shown, 0 denied, 0 map-count failures;",
		     "... the totals say so");
	free(log);
	run_free(&r);

	/* permission and ABI */
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_ERR=1"), ARGS("trace"), 0, NULL), VM_EXIT_PERM,
		   "fake device: trace without CAP_PERFMON (EPERM) exits 4");
	tap_eq_str(t, r.err,
		   "vmacct: /dev/vmacct: VMACCT_IOC_TRACE: Operation not permitted — the event stream needs "
		   "CAP_PERFMON or CAP_SYS_ADMIN (run as root)\n",
		   "... naming the capability and the fix, and no totals");
	tap_ok(t, r.out && !*r.out, "... and nothing on stdout");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_ERR=25"), ARGS("trace", "--json"), 0, NULL),
		   VM_EXIT_ABI, "fake device: a module without VMACCT_IOC_TRACE (ENOTTY) exits 5");
	tap_contains(t, r.err, "the loaded module is older than this tool and has no event stream",
		     "... saying the module is too old");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_ERR=22"), ARGS("trace"), 0, NULL),
		   VM_EXIT_FAILED, "fake device: VMACCT_IOC_TRACE EINVAL exits 1");
	tap_contains(t, r.err, "VMACCT_IOC_TRACE: Invalid argument — the module rejected this tool's request layout",
		     "... naming the request and the fix");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_TRACE=version"), ARGS("trace"), 0, NULL),
		   VM_EXIT_ABI, "fake device: a record of version 3 exits 5");
	tap_starts_with(t, r.err,
			"vmacct: /dev/vmacct: record version 3, this tool reads version 2 — ABI mismatch "
			"between the module and this tool: rebuild/reinstall both\n",
			"... naming both versions and the fix");
	tap_eq_i64(t, count_lines(r.out, ""), 2, "... after the two good records before it");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_TRACE=size"), ARGS("trace", "--json"), 0, NULL),
		   VM_EXIT_ABI, "fake device: a record of 144 bytes exits 5");
	tap_contains(t, r.err, "record of 144 bytes, this tool reads 136-byte records — ABI mismatch",
		     "... naming both sizes");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_TRACE=partial"), ARGS("trace"), 0, NULL),
		   VM_EXIT_ABI, "fake device: a read() of part of a record exits 5");
	tap_contains(t, r.err, "read returned 100 bytes, not whole 136-byte records — ABI mismatch",
		     "... saying so");
	tap_ok(t, r.out && !*r.out, "... and prints nothing of it");
	free(take_log(f));
	run_free(&r);
}

static void test_trace_end(struct tap *t, struct fake *f)
{
	struct run_result r;
	double t0, dt;
	char *s;

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("trace", "--count", "3"), 0, NULL), VM_EXIT_OK,
		   "fake device: trace --count 3 exits 0");
	tap_eq_i64(t, count_lines(r.out, ""), 3, "... after 3 records");
	tap_starts_with(t, r.err,
			"vmacct: trace: 3 events shown, 1 denied, 1 map-count failure; 3 dropped (ring full), ",
			"... totals only: no stop message");
	free(take_log(f));
	run_free(&r);

	t0 = now_s();
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_TRACE=block"), ARGS("trace", "--duration", "1"), 0, NULL),
		   VM_EXIT_OK, "fake device: trace --duration 1 on a quiet stream exits 0");
	dt = now_s() - t0;
	if (!tap_ok(t, dt >= 0.95 && dt < 4, "... after about 1 s"))
		tap_diag("  took %.3f s", dt);
	tap_eq_i64(t, count_lines(r.out, ""), 5, "... having shown the 5 records");
	tap_starts_with(t, r.err, TOTALS_ALL, "... then the totals");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_TRACE=block"), ARGS("trace"), SIGINT,
			       "mremap: ENOMEM"),
		   VM_EXIT_OK, "fake device: trace ended by SIGINT exits 0");
	s = strip_clocks(r.out);
	tap_eq_fixture(t, f->env, s, "trace-fake.txt");
	free(s);
	tap_starts_with(t, r.err, TOTALS_ALL, "... with the totals on stderr");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_TRACE=block"), ARGS("trace", "--json", "-v"), SIGTERM,
			       "\"caller\":\"mremap\""),
		   VM_EXIT_OK, "fake device: trace --json ended by SIGTERM exits 0");
	tap_eq_i64(t, count_lines(r.out, "{\"version\":2,"), 5, "... 5 JSON lines");
	tap_contains(t, r.err, "vmacct: stopped by Terminated\n", "... -v says which signal");
	tap_contains(t, r.err, TOTALS_ALL, "... with the totals");
	free(take_log(f));
	run_free(&r);

	/* a missing trace/missed is a "?", not an error */
	drop_file(f->sysfs, "trace/missed");
	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("trace", "-n", "1"), 0, NULL), VM_EXIT_OK,
		   "fake device: trace without trace/missed exits 0");
	tap_contains(t, r.err, "; 3 dropped (ring full), ? missed (/sys/kernel/vmacct/trace/missed)",
		     "... missed shown as ?");
	test_put_file(f->sysfs, "trace/missed", "2\n");
	free(take_log(f));
	run_free(&r);
}

static void test_unload(struct tap *t, struct fake *f)
{
	struct run_result r;
	char *log, *s;
	double t0, dt;

	/* tracing on: detach the readers, who then let go of the module */
	test_put_file(f->sysfs, "trace/enabled", "1\n");
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_EUID=0"), ARGS("unload"), 0, NULL), VM_EXIT_OK,
		   "fake device: unload with trace readers exits 0");
	tap_eq_str(t, r.out,
		   "detached the trace readers (wrote 0 to /sys/kernel/vmacct/trace/enabled)\nunloaded vmacct\n",
		   "... says it detached them, then unloaded");
	s = get_file(f->sysfs, "trace/enabled");
	tap_eq_str(t, s, "0\n", "... trace/enabled now holds 0");
	free(s);
	log = take_log(f);
	tap_eq_str(t, log, "SYSFS-WRITE trace/enabled\nREMOVE flags=0 -> 0\n",
		   "... the write comes before the removal, which then succeeds at once");
	free(log);
	run_free(&r);

	/* tracing off: nothing written */
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_EUID=0"), ARGS("unload"), 0, NULL), VM_EXIT_OK,
		   "fake device: unload with tracing off exits 0");
	tap_eq_str(t, r.out, "unloaded vmacct\n", "... without detaching anything");
	log = take_log(f);
	tap_eq_str(t, log, "REMOVE flags=0 -> 0\n", "... and writes nothing to sysfs");
	free(log);
	run_free(&r);

	/* a module without the event stream has no trace/enabled */
	drop_file(f->sysfs, "trace/enabled");
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_EUID=0"), ARGS("unload"), 0, NULL), VM_EXIT_OK,
		   "fake device: unload without trace/enabled exits 0");
	tap_ok(t, r.err && !*r.err, "... quietly");
	free(take_log(f));
	run_free(&r);
	test_put_file(f->sysfs, "trace/enabled", "0\n");

	/* in use for a moment: retried */
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_EUID=0", "FAKE_VMACCT_BUSY=2"), ARGS("unload"), 0, NULL),
		   VM_EXIT_OK, "fake device: unload of a module in use for two tries exits 0");
	log = take_log(f);
	tap_eq_str(t, log, "REMOVE flags=0 -> -11\nREMOVE flags=0 -> -11\nREMOVE flags=0 -> 0\n",
		   "... after retrying the removal (EAGAIN twice)");
	tap_eq_str(t, r.out, "unloaded vmacct\n", "... and says it unloaded");
	free(log);
	run_free(&r);

	/* in use for good: refused after about 3 s with the hint */
	t0 = now_s();
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_EUID=0", "FAKE_VMACCT_BUSY=always", "FAKE_VMACCT_REFCNT=1"),
			       ARGS("unload"), 0, NULL),
		   VM_EXIT_FAILED, "fake device: unload of a module that stays in use exits 1");
	dt = now_s() - t0;
	if (!tap_ok(t, dt >= 2.9 && dt < 8, "... after trying for about 3 s"))
		tap_diag("  took %.3f s", dt);
	log = take_log(f);
	if (!tap_ok(t, count_lines(log, "REMOVE flags=0 -> -11") >= 10 &&
		    count_lines(log, "REMOVE flags=0 -> 0") == 0,
		    "... retrying many times, never succeeding"))
		tap_diag("  %u removals", count_lines(log, "REMOVE"));
	tap_eq_str(t, r.err,
		   "vmacct: unload vmacct: Resource temporarily unavailable (refcount 1, still in use after 3 s) — "
		   "a process holds /dev/vmacct open: find it with fuser -v /dev/vmacct (or lsof /dev/vmacct), "
		   "end it, then retry\n",
		   "... naming the refcount, the wait and what holds /dev/vmacct");
	tap_ok(t, r.out && !*r.out, "... and nothing on stdout");
	free(log);
	run_free(&r);

	/* not root: nothing touched */
	test_put_file(f->sysfs, "trace/enabled", "1\n");
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_EUID=1000"), ARGS("unload"), 0, NULL), VM_EXIT_PERM,
		   "fake device: unload as a user exits 4");
	log = take_log(f);
	tap_eq_str(t, log, "", "... without writing to sysfs or removing anything");
	s = get_file(f->sysfs, "trace/enabled");
	tap_eq_str(t, s, "1\n", "... trace/enabled untouched");
	free(s);
	free(log);
	run_free(&r);
	test_put_file(f->sysfs, "trace/enabled", "0\n");
}

void test_trace_cli(struct tap *t, const struct test_env *env)
{
	char path[PATH_MAX], dir[PATH_MAX + 8];
	struct fake f = { .env = env };
	int fd;

	if (!env->fake_dev || !realpath(env->fake_dev, path)) {
		tap_skip(t, "no --fake-dev", "trace and unload end to end through a fake /dev/vmacct");
		return;
	}
	snprintf(f.preload, sizeof(f.preload), "LD_PRELOAD=%s", path);
	snprintf(f.logpath, sizeof(f.logpath), "/tmp/vmacct-host-test-XXXXXX");
	fd = mkstemp(f.logpath);
	snprintf(f.sysfs, sizeof(f.sysfs), "/tmp/vmacct-host-sysfs-XXXXXX");
	if (fd < 0 || !mkdtemp(f.sysfs)) {
		tap_ok(t, false, "temporary files for the fake device");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	unlink(f.logpath);
	snprintf(f.log, sizeof(f.log), "FAKE_VMACCT_LOG=%s", f.logpath);
	snprintf(f.sysfs_env, sizeof(f.sysfs_env), "FAKE_VMACCT_SYSFS=%s", f.sysfs);
	snprintf(dir, sizeof(dir), "%s/trace", f.sysfs);
	mkdir(dir, 0700);
	test_put_file(f.sysfs, "trace/missed", "2\n");
	test_put_file(f.sysfs, "trace/enabled", "0\n");

	test_trace_stream(t, &f);
	test_trace_end(t, &f);
	test_unload(t, &f);

	drop_file(f.sysfs, "trace/missed");
	drop_file(f.sysfs, "trace/enabled");
	rmdir(dir);
	rmdir(f.sysfs);
	unlink(f.logpath);
}
