// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: "vmacct log" end to end through the fake device
 * (tests/fixtures/fake-dev.c), whose recorder pretends refusals 1..6 were
 * recorded in a ring of 4: the lines and JSON lines of the 4 kept, one
 * under a hostile name; the totals; --pid; --since against the records'
 * ages (the test hands the fake its clock); the batches of 256 and what
 * was overwritten; --follow; EPERM, ENOTTY and EINVAL.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/vmacct.h>

#include "run.h"
#include "tap.h"
#include "tool.h"

/* The name of record #4, as the fake device has it and as text shows it. */
#define HOSTILE_COMM	"\x1b[1mev\n\"q\\"
#define HOSTILE_SHOWN	"\\x1b[1mev\\x0a\"q\\\\[4000/4000] brk: "

#define TOTALS_FAKE \
	"vmacct: log: 4 refusals shown of 6 recorded since load; 2 older overwritten " \
	"(the ring keeps 4)\n"

/* What the fake's ring overwrote (#1, #2), newest first, as stderr says. */
#define GONE_ES_LINE \
	"and 1 more munmap map-count failure of es[77] at " \
	"2026-11-04T12:03:55.123456000Z (#2), overwritten\n"
#define GONE_REDIS_LINE \
	"and 1 more fork refusal of redis-server[206] at " \
	"2026-11-04T12:02:05.123456000Z (#1), overwritten\n"
#define GONE_ES		"vmacct: log: " GONE_ES_LINE
#define GONE_REDIS	"vmacct: log: " GONE_REDIS_LINE

struct fake {
	char preload[PATH_MAX + 16];
	char log[PATH_MAX + 24];
	char logpath[PATH_MAX];
	char request[96];	/* "LOG size=... nr=256 record_size=...": since */
	const struct test_env *env;
};

#define ENV(...)  ((const char *const[]){ __VA_ARGS__, NULL })
#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/*
 * Run the tool with the fake device and extra "NAME=value" settings
 * (NULL-terminated); with sig, send it once stdout shows wait_for.
 */
static int run_fake(struct fake *f, struct run_result *r,
		    const char *const extra[], const char *const args[],
		    int sig, const char *wait_for)
{
	char *argv[12], *envv[16];
	size_t i, k = 0;
	int err;

	argv[0] = (char *)f->env->tool;
	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	envv[k++] = f->preload;
	envv[k++] = f->log;
	for (i = 0; extra && extra[i] && k + 7 < sizeof(envv) / sizeof(envv[0]); i++)
		envv[k++] = (char *)extra[i];
	/* the first of a name wins: defaults after the test's own */
	envv[k++] = "FAKE_VMACCT_ERR=";
	envv[k++] = "FAKE_VMACCT_REC=";
	envv[k++] = "FAKE_VMACCT_REC_GROW=";
	envv[k++] = "FAKE_VMACCT_REC_OFF=";
	envv[k++] = "FAKE_VMACCT_NOW=";
	envv[k] = NULL;
	err = sig ? run_capture_signal(argv, envv, r, sig, wait_for)
		  : run_capture_env(argv, envv, r);
	if (err) {
		tap_diag("cannot run %s", f->env->tool);
		return -1;
	}
	return r->status;
}

/* The requests the fake device logged since the last call, then cleared. */
static char *take_log(struct fake *f)
{
	char *s = slurp(f->logpath);

	unlink(f->logpath);
	return s ? s : strdup("");
}

/* The request line the tool sends, from record since. */
static const char *request(struct fake *f, uint64_t since)
{
	snprintf(f->request, sizeof(f->request),
		 "LOG size=%zu since=%" PRIu64 " nr=256 record_size=%zu\n",
		 sizeof(struct vmacct_log), since, sizeof(struct vmacct_record));
	return f->request;
}

/* The request for what the ring overwrote, as the fake logs it. */
static const char *overwrites_request(void)
{
	static char req[96];

	snprintf(req, sizeof(req), "OVERWRITES size=%zu nr=%d record_size=%zu\n",
		 sizeof(struct vmacct_overwrites), VMACCT_OVERWRITES_MAX + 1,
		 sizeof(struct vmacct_overwrite));
	return req;
}

/* The lines of s that begin with prefix. */
static unsigned int count_prefixed(const char *s, const char *prefix)
{
	unsigned int n = 0;

	while (s && *s) {
		n += !strncmp(s, prefix, strlen(prefix));
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	return n;
}

static unsigned int count_lines(const char *s)
{
	unsigned int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* The record numbers at the start of the lines of s: "3 4 5 6". */
static char *numbers(const char *s)
{
	char *out = malloc(s ? strlen(s) + 1 : 1), *o = out;
	const char *end;

	if (!out)
		return NULL;
	*o = '\0';
	while (s && *s) {
		end = strchr(s, '\n');
		if (*s == '#') {
			s++;
			while (*s >= '0' && *s <= '9')
				*o++ = *s++;
			*o++ = ' ';
		} else {
			*o++ = '?';
			*o++ = ' ';
		}
		s = end ? end + 1 : s + strlen(s);
	}
	if (o > out)
		o--;
	*o = '\0';
	return out;
}

static void test_log_output(struct tap *t, struct fake *f)
{
	const char *hostile[] = { HOSTILE_COMM };
	struct run_result r;
	char *log, want[192];

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log"), 0, NULL), VM_EXIT_OK,
		   "fake device: log exits 0");
	tap_eq_fixture(t, f->env, r.out, "log-fake.txt");
	check_safe_text(t, r.out, "log");
	tap_contains(t, r.out, "\n#4 2026-11-04T10:34:05.123456000Z " HOSTILE_SHOWN,
		     "... the hostile name escaped: ESC, newline as \\xNN, backslash doubled");
	tap_eq_str(t, r.err, GONE_ES GONE_REDIS TOTALS_FAKE,
		   "... on stderr, what was overwritten by process and kind, newest first; then "
		   "the totals: shown, recorded since load, overwritten, the ring's size");
	log = take_log(f);
	snprintf(want, sizeof(want), "%s%s", request(f, 1), overwrites_request());
	tap_eq_str(t, log, want,
		   "... one request of records, from record 1, room for 256; one of what was "
		   "overwritten, room for all groups");
	free(log);
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "--json"), 0, NULL), VM_EXIT_OK,
		   "fake device: log --json exits 0");
	tap_eq_fixture(t, f->env, r.out, "log-fake.jsonl");
	tap_eq_i64(t, count_lines(r.out), 4, "... 4 lines");
	check_strict_json(t, r.out, true, hostile, 1, "log --json");
	tap_ok(t, !strstr(r.err, "overwritten,"),
	       "... what was overwritten is not mixed into the JSON lines, nor said on stderr");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_REC_OFF=1"), ARGS("log", "-j"), 0, NULL),
		   VM_EXIT_OK, "fake device: log -j with the recorder off exits 0");
	tap_eq_i64(t, count_lines(r.out), 4, "... with the records kept before");
	tap_starts_with(t, r.err,
			"vmacct: warning: the recorder is off (/sys/kernel/vmacct/recorder/enabled is 0)",
			"... and a warning that newer refusals are not kept");
	free(take_log(f));
	run_free(&r);
}

static void test_log_pid(struct tap *t, struct fake *f)
{
	struct run_result r;
	char *s;

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "--pid", "77"), 0, NULL), VM_EXIT_OK,
		   "fake device: log --pid 77 exits 0");
	tap_starts_with(t, r.out,
			"#6 2026-11-04T12:03:55.123456000Z es[77/78] munmap: ENOMEM: map_count 65530 ≥ "
			"max 65530 (max_map_count) — vm.max_map_count ≥ 65532 would have allowed it\n",
			"... the map-count failure of process 77 (its thread 78)");
	tap_eq_i64(t, count_lines(r.out), 1, "... alone");
	tap_starts_with(t, r.err, GONE_ES "vmacct: log: 1 refusal shown of 6 recorded since load;",
			"... counted, after the one of its refusals that was overwritten (not "
			"redis-server's)");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "-p", "4000", "--json"), 0, NULL),
		   VM_EXIT_OK, "fake device: log -p 4000 --json exits 0");
	tap_eq_i64(t, count_lines(r.out), 1, "... one line");
	tap_contains(t, r.out, "{\"seq\":4,", "... record 4");
	tap_contains(t, r.out, ",\"comm\":\"\\u001b[1mev\\n\\\"q\\\\\",",
		     "... its name with ESC as \\u001b, newline, quote and backslash escaped");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "--pid", "78"), 0, NULL), VM_EXIT_OK,
		   "fake device: log --pid 78 (a thread, not a process) exits 0");
	tap_ok(t, r.out && !*r.out, "... and shows nothing: --pid is the process");
	tap_starts_with(t, r.err, "vmacct: log: 0 refusals shown of 6 recorded since load;",
			"... the totals say so");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "--pid", "0"), 0, NULL), VM_EXIT_USAGE,
		   "fake device: log --pid 0 is a usage error");
	tap_starts_with(t, r.err, "vmacct: log: invalid PID '0': a positive process id",
			"... saying why");
	s = take_log(f);
	tap_eq_str(t, s, "", "... before asking the module");
	free(s);
	run_free(&r);
}

static int64_t realtime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The fake's records are 20 h, 90 min, 2 min and 10 s old (#3..#6). */
static void test_log_since(struct tap *t, struct fake *f)
{
	static const struct {
		const char *age;
		const char *want;
	} ok[] = {
		{ "30s", "6" },
		{ "5m", "5 6" },
		{ "2h", "4 5 6" },
		{ "1d", "3 4 5 6" },
		{ "100", "6" },
		{ "7200", "4 5 6" },
		{ "1.4h", "5 6" },		/* 84 min: a fraction */
		{ "1.6h", "4 5 6" },		/* 96 min */
		{ "0", "" },
		/* older than the epoch: everything */
		{ "15000000000", "3 4 5 6" },
		{ "213503d", "3 4 5 6" },
	};
	static const char *const bad[] = {
		"5x", "-1", "", "99999999999999999999", "18446744074", "214000d", "1h30m",
		"s", " 5", "5M",
	};
	char now[48], what[160];
	struct run_result r;
	unsigned int i;
	char *s;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(now, sizeof(now), "FAKE_VMACCT_NOW=%" PRId64, realtime_now());
		snprintf(what, sizeof(what), "fake device: log --since %s", ok[i].age);
		tap_eq_i64(t, run_fake(f, &r, ENV(now), ARGS("log", "--since", ok[i].age), 0, NULL),
			   VM_EXIT_OK, "%s exits 0", what);
		s = numbers(r.out);
		tap_eq_str(t, s, ok[i].want, "... shows records [%s]", ok[i].want);
		free(s);
		free(take_log(f));
		run_free(&r);
	}

	snprintf(now, sizeof(now), "FAKE_VMACCT_NOW=%" PRId64, realtime_now());
	tap_eq_i64(t, run_fake(f, &r, ENV(now), ARGS("log", "-s", "5m", "-j"), 0, NULL),
		   VM_EXIT_OK, "fake device: log -s 5m -j exits 0");
	tap_ok(t, count_lines(r.out) == 2 && !strncmp(r.out, "{\"seq\":5,", 9) &&
	       strstr(r.out, "\n{\"seq\":6,"),
	       "... records 5 and 6 as JSON lines");
	free(take_log(f));
	run_free(&r);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(what, sizeof(what), "vmacct: log: invalid age '%s': a number of seconds, "
			 "or with a unit: 30s, 5m, 2h, 1d — see: vmacct log --help\n", bad[i]);
		tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "--since", bad[i]), 0, NULL),
			   VM_EXIT_USAGE, "fake device: log --since '%s' is a usage error", bad[i]);
		tap_eq_str(t, r.err, what, "... naming the age and the forms");
		tap_ok(t, r.out && !*r.out, "... nothing on stdout");
		s = take_log(f);
		tap_eq_str(t, s, "", "... and the module is not asked");
		free(s);
		run_free(&r);
	}
}

static void test_log_ring(struct tap *t, struct fake *f)
{
	struct run_result r;
	char *log, *s, want[4 * 96];

	/* 1000 recorded, 600 kept: 401..1000 in batches of 256, 256 and 88 */
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_REC=1000 600"), ARGS("log"), 0, NULL),
		   VM_EXIT_OK, "fake device: log of a ring of 600 after 1000 exits 0");
	tap_eq_i64(t, count_lines(r.out), 600, "... 600 lines");
	tap_starts_with(t, r.out, "#401 ", "... from record 401");
	tap_contains(t, r.out, "\n#656 ", "... through the first batch");
	tap_contains(t, r.out, "\n#657 ", "... into the second");
	tap_contains(t, r.out, "\n#1000 ", "... to record 1000");
	tap_contains(t, r.err,
		     "\nvmacct: log: 600 refusals shown of 1000 recorded since load; 400 older "
		     "overwritten (the ring keeps 600)\n",
		     "... 400 overwritten: what the first answer said, not the last");
	tap_starts_with(t, r.err,
			"vmacct: log: and 100 more brk refusals of \\x1b[1mev\\x0a\"q\\\\[4000] "
			"from 2026-11-04T10:34:05.123456000Z to 2026-11-04T10:34:05.123456000Z "
			"(the last #400), overwritten\n"
			"vmacct: log: and 100 more mmap refusals of java[900] from ",
			"... counted by process and kind: 100 each, the newest group first, the "
			"name escaped");
	tap_eq_i64(t, count_prefixed(r.err, "vmacct: log: and 100 more "), 4,
		   "... four groups, one for each process and kind");
	log = take_log(f);
	snprintf(want, sizeof(want), "%s", request(f, 1));
	snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s", request(f, 657));
	snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s", request(f, 913));
	snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s",
		 overwrites_request());
	tap_eq_str(t, log, want, "... asked from 1, then from each answer's next: 657, 913");
	free(log);
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_REC=0 16"), ARGS("log"), 0, NULL),
		   VM_EXIT_OK, "fake device: log of an empty recorder exits 0");
	tap_ok(t, r.out && !*r.out, "... prints no record");
	tap_eq_str(t, r.err,
		   "vmacct: log: 0 refusals shown of 0 recorded since load; 0 older overwritten "
		   "(the ring keeps 16)\n",
		   "... and totals of 0");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_REC=3 16"), ARGS("log"), 0, NULL),
		   VM_EXIT_OK, "fake device: log of a ring not yet full exits 0");
	s = numbers(r.out);
	tap_eq_str(t, s, "1 2 3", "... records 1, 2, 3");
	free(s);
	tap_contains(t, r.err, "3 refusals shown of 3 recorded since load; 0 older overwritten",
		     "... none overwritten");
	free(take_log(f));
	run_free(&r);
}

static void test_log_overwritten(struct tap *t, struct fake *f)
{
	struct run_result r;
	char *log;

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "--overwritten"), 0, NULL), VM_EXIT_OK,
		   "fake device: log --overwritten exits 0");
	tap_eq_str(t, r.out, GONE_ES_LINE GONE_REDIS_LINE,
		   "... on stdout: the overwritten groups only, newest first, not the records");
	log = take_log(f);
	tap_eq_str(t, log, overwrites_request(), "... asking only what was overwritten");
	free(log);
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "--overwritten", "--json"), 0, NULL),
		   VM_EXIT_OK, "fake device: log --overwritten --json exits 0");
	tap_eq_fixture(t, f->env, r.out, "log-overwritten.jsonl");
	check_strict_json(t, r.out, true, NULL, 0, "log --overwritten --json");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "--overwritten", "-p", "206"), 0, NULL),
		   VM_EXIT_OK, "fake device: log --overwritten -p 206 exits 0");
	tap_eq_str(t, r.out, GONE_REDIS_LINE, "... redis-server's alone");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "--overwritten", "--follow"), 0, NULL),
		   VM_EXIT_USAGE, "fake device: log --overwritten --follow is a usage error");
	tap_starts_with(t, r.err, "vmacct: log: --overwritten shows a table: no --follow",
			"... saying why");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_REC=3 16"), ARGS("log"), 0, NULL),
		   VM_EXIT_OK, "fake device: log of a ring never full exits 0");
	log = take_log(f);
	tap_eq_i64(t, count_prefixed(log, "OVERWRITES "), 0,
		   "... and does not ask what was overwritten");
	free(log);
	run_free(&r);
}

static void test_log_follow(struct tap *t, struct fake *f)
{
	unsigned int calls, i;
	struct run_result r;
	char totals[160], *log, *s;
	bool froms = true;
	const char *req;

	/* 6 more refusals before each call, in a ring of 4: 2 lost each time */
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_REC_GROW=6"), ARGS("log", "--follow"),
			       SIGINT, "\n#15 "),
		   VM_EXIT_OK, "fake device: log --follow ended by SIGINT exits 0");
	log = take_log(f);
	calls = count_prefixed(log, "LOG ");
	/* the records' requests; what was overwritten is asked once, after the first */
	for (i = 0, s = log; i < calls + 1 && s; i++) {
		req = i == 1 ? overwrites_request() : request(f, 1 + 6 * (i - (i > 1)));
		if (strncmp(s, req, strlen(req)))
			froms = false;
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	if (!tap_ok(t, calls >= 3 && froms, "... asked from 1, 7, 13, ...: each answer's next"))
		tap_diag("  requests:\n%s", log);
	tap_starts_with(t, r.out, "#3 ", "... the kept records first");
	s = numbers(r.out);
	tap_starts_with(t, s, "3 4 5 6 9 10 11 12 15 16 17 18",
			"... then the new ones, past those overwritten");
	tap_eq_i64(t, count_lines(r.out), 4 * calls, "... 4 records an answer");
	free(s);
	tap_contains(t, r.err,
		     "vmacct: warning: 2 refusals were overwritten before this tool read them "
		     "(raise /sys/kernel/vmacct/recorder/size)\n",
		     "... warns of those overwritten while following");
	snprintf(totals, sizeof(totals),
		 "vmacct: log: %u refusals shown of %u recorded since load; %u older overwritten "
		 "(the ring keeps 4)\n", 4 * calls, 6 * calls, 2 * calls);
	tap_contains(t, r.err, totals, "... totals count every one overwritten (%u answers)",
		     calls);
	free(log);
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "-f", "-j"), SIGTERM, "\"seq\":6,"),
		   VM_EXIT_OK, "fake device: log -f -j ended by SIGTERM exits 0");
	tap_eq_fixture(t, f->env, r.out, "log-fake.jsonl");
	log = take_log(f);
	tap_starts_with(t, log, request(f, 1), "... asked from 1");
	froms = true;
	req = request(f, 7);
	for (s = strchr(log, '\n'); s && s[1]; s = strchr(s + 1, '\n'))
		froms = froms && !strncmp(s + 1, req, strlen(req));
	tap_ok(t, froms, "... then, if at all, from 7 each time: nothing new came");
	free(log);
	run_free(&r);
}

static void test_log_errors(struct tap *t, struct fake *f)
{
	struct run_result r;

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_ERR=1"), ARGS("log"), 0, NULL), VM_EXIT_PERM,
		   "fake device: log without CAP_PERFMON (EPERM) exits 4");
	tap_eq_str(t, r.err,
		   "vmacct: /dev/vmacct: VMACCT_IOC_LOG: Operation not permitted — the recorder needs "
		   "CAP_PERFMON or CAP_SYS_ADMIN (run as root)\n",
		   "... naming the capability and the fix, and no totals");
	tap_ok(t, r.out && !*r.out, "... and nothing on stdout");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_ERR=13"), ARGS("log", "--json"), 0, NULL),
		   VM_EXIT_PERM, "fake device: log --json refused with EACCES exits 4");
	tap_contains(t, r.err, "the recorder needs CAP_PERFMON or CAP_SYS_ADMIN (run as root)",
		     "... with the same hint");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_ERR=25"), ARGS("log"), 0, NULL), VM_EXIT_ABI,
		   "fake device: a module without VMACCT_IOC_LOG (ENOTTY) exits 5");
	tap_eq_str(t, r.err,
		   "vmacct: /dev/vmacct: VMACCT_IOC_LOG: Inappropriate ioctl for device — the loaded "
		   "module is older than this tool and has no recorder: rebuild and reinstall the "
		   "module, then: vmacct unload; vmacct load\n",
		   "... saying the module is older and how to replace it");
	tap_ok(t, r.out && !*r.out, "... and nothing on stdout");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_ERR=22"), ARGS("log"), 0, NULL),
		   VM_EXIT_FAILED, "fake device: VMACCT_IOC_LOG EINVAL exits 1");
	tap_contains(t, r.err,
		     "VMACCT_IOC_LOG: Invalid argument — the module rejected this tool's request layout",
		     "... naming the request and the fix");
	free(take_log(f));
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, NULL, ARGS("log", "extra"), 0, NULL), VM_EXIT_USAGE,
		   "fake device: log with an argument is a usage error");
	tap_eq_str(t, r.err, "vmacct: log: unexpected argument — see: vmacct log --help\n",
		   "... saying so");
	free(take_log(f));
	run_free(&r);
}

void test_log_cli(struct tap *t, const struct test_env *env)
{
	char path[PATH_MAX];
	struct fake f = { .env = env };
	int fd;

	if (!env->fake_dev || !realpath(env->fake_dev, path)) {
		tap_skip(t, "no --fake-dev", "log end to end through a fake /dev/vmacct");
		return;
	}
	snprintf(f.preload, sizeof(f.preload), "LD_PRELOAD=%s", path);
	snprintf(f.logpath, sizeof(f.logpath), "/tmp/vmacct-host-log-XXXXXX");
	fd = mkstemp(f.logpath);
	if (fd < 0) {
		tap_ok(t, false, "a temporary file for the fake device's requests");
		return;
	}
	close(fd);
	unlink(f.logpath);
	snprintf(f.log, sizeof(f.log), "FAKE_VMACCT_LOG=%s", f.logpath);

	test_log_output(t, &f);
	test_log_pid(t, &f);
	test_log_since(t, &f);
	test_log_ring(t, &f);
	test_log_overwritten(t, &f);
	test_log_follow(t, &f);
	test_log_errors(t, &f);
	unlink(f.logpath);
}
