// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: "vmacct trace" without the device (trace.c) -- the filter
 * as a VMACCT_IOC_TRACE request, the record checks, one line per record
 * for every caller kind and both event types, JSON lines against a
 * fixture, and the totals -- on hand-made records.
 *
 * Times: the records' CLOCK_MONOTONIC times with the offset below are
 * 2026-11-04 12:04:05.123456 UTC and on; TZ is UTC0 while these run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ringmap.h"
#include "tap.h"
#include "trace.h"

/* CLOCK_REALTIME - CLOCK_MONOTONIC: time_ns 5 s is 12:04:05.123456 UTC */
#define OFFSET	1793793840123456000LL
#define T0	5000000000ULL

static struct vmacct_event base(uint16_t type, const char *comm,
				uint32_t tgid, uint32_t pid, uint64_t time_ns)
{
	struct vmacct_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.version = VMACCT_EVENT_VERSION;
	ev.type = type;
	ev.size = sizeof(ev);
	ev.time_ns = time_ns;
	ev.pid = pid;
	ev.tgid = tgid;
	strncpy(ev.comm, comm, sizeof(ev.comm));
	return ev;
}

/* A decision with the mode-2 terms of the redis example. */
static struct vmacct_event decision(uint32_t caller, uint32_t mode,
				    int32_t verdict, int64_t pages,
				    int64_t committed)
{
	struct vmacct_event ev = base(VMACCT_EV_DECISION, "app", 500, 501, T0);

	ev.caller = caller;
	ev.mode = mode;
	ev.verdict = verdict;
	ev.pages = pages;
	ev.map_count = 120;
	ev.max_map_count = 65530;
	ev.total_vm = 64416;
	ev.limit = 160000;
	ev.admin_reserve = 2048;
	ev.user_reserve = 2013;
	ev.allowed = 155939;
	ev.committed = committed;
	ev.guess_ceiling = 504786;
	return ev;
}

static struct vmacct_event map_count(uint32_t sys, uint32_t count,
				     uint32_t max)
{
	struct vmacct_event ev = base(VMACCT_EV_MAP_COUNT, "es", 77, 77,
				      T0 + 876544000ULL);

	ev.caller = sys;
	ev.mode = 2;
	ev.verdict = -ENOMEM;
	ev.pages = 1;
	ev.map_count = count;
	ev.max_map_count = max;
	ev.total_vm = 300000;
	return ev;
}

static char *render(const struct vmacct_event *ev, bool json)
{
	struct membuf m;

	if (!mem_open(&m))
		return NULL;
	if (json)
		trace_print_event_json(m.f, ev, OFFSET);
	else
		trace_print_event(m.f, ev, OFFSET);
	return mem_take(&m);
}

static void check_line(struct tap *t, const struct vmacct_event *ev,
		       const char *want, const char *what)
{
	char *got = render(ev, false);

	tap_eq_str(t, got, want, "trace line: %s", what);
	free(got);
}

static void test_filter(struct tap *t)
{
	static const struct {
		struct trace_filter f;
		uint32_t flags;
		const char *what;
	} cases[] = {
		{ { .denied = false }, 0, "no options: flags 0" },
		{ { .denied = true }, VMACCT_TRACE_DENIED, "--denied: DENIED" },
		{ { .no_decisions = true }, VMACCT_TRACE_NO_DECISIONS, "--no-decisions: NO_DECISIONS" },
		{ { .no_map_count = true }, VMACCT_TRACE_NO_MAP_COUNT, "--no-map-count: NO_MAP_COUNT" },
		{ { .denied = true, .no_map_count = true },
		  VMACCT_TRACE_DENIED | VMACCT_TRACE_NO_MAP_COUNT, "--denied --no-map-count: both" },
		{ { .no_decisions = true, .pid = 901, .tgid = 900 },
		  VMACCT_TRACE_NO_DECISIONS, "--no-decisions --pid 901 --tgid 900" },
	};
	struct vmacct_trace req;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&req, 0xcc, sizeof(req));	/* an unwritten field shows */
		trace_filter_request(&cases[i].f, &req);
		tap_ok(t, req.size == VMACCT_TRACE_SIZE_VER0 && req.size == sizeof(req) &&
		       req.flags == cases[i].flags && req.pid == cases[i].f.pid &&
		       req.tgid == cases[i].f.tgid && req.buffer_size == 0 &&
		       req.reserved == 0 && req.dropped == 0,
		       "VMACCT_IOC_TRACE request, %s", cases[i].what);
		if (req.flags != cases[i].flags)
			tap_diag("  flags %#x, want %#x", req.flags, cases[i].flags);
	}
	tap_eq_u64(t, VMACCT_TRACE_DENIED | VMACCT_TRACE_NO_DECISIONS | VMACCT_TRACE_NO_MAP_COUNT,
		   VMACCT_TRACE_FLAGS, "the three options are every flag the module knows");
}

static void test_record_check(struct tap *t)
{
	struct vmacct_event ev = decision(VMACCT_CALLER_MMAP, 2, 0, 1, 1);
	char buf[128];

	tap_eq_u64(t, sizeof(ev), 136, "struct vmacct_event is 136 bytes, as the documentation says");
	tap_ok(t, trace_record_problem(&ev, buf, sizeof(buf)) == NULL,
	       "a record of version 2 and 136 bytes passes");
	ev.version = 1;
	tap_eq_str(t, trace_record_problem(&ev, buf, sizeof(buf)),
		   "record version 1, this tool reads version 2", "another version is refused");
	ev.version = 0;
	tap_eq_str(t, trace_record_problem(&ev, buf, sizeof(buf)),
		   "record version 0, this tool reads version 2", "version 0 is refused");
	ev.version = VMACCT_EVENT_VERSION;
	ev.size = 128;
	tap_eq_str(t, trace_record_problem(&ev, buf, sizeof(buf)),
		   "record of 128 bytes, this tool reads 136-byte records", "another size is refused");
	ev.size = 64;
	tap_ok(t, trace_record_problem(&ev, buf, sizeof(buf)) != NULL, "a smaller size is refused");
}

static void test_names(struct tap *t)
{
	static const char *const callers[] = {
		"other", "mmap", "brk", "mprotect", "mremap", "fork",
		"exec_stack", "stack_growth", "shmem", "swapoff",
	};
	static const char *const syscalls[] = {
		NULL, "mmap", "munmap", "mprotect", "mremap", "brk",
		"madvise", "mlock", "munlock",
	};
	uint32_t i;
	bool ok = true;

	for (i = 0; i < sizeof(callers) / sizeof(callers[0]); i++)
		ok &= trace_caller_name(i) && !strcmp(trace_caller_name(i), callers[i]);
	tap_ok(t, ok, "caller names: every VMACCT_CALLER_* in order");
	tap_eq_u64(t, VMACCT_CALLER_SWAPOFF, 9, "... VMACCT_CALLER_SWAPOFF is the last, 9");
	tap_ok(t, !trace_caller_name(10) && !trace_caller_label(10),
	       "caller 10 has no name");
	tap_eq_str(t, trace_caller_label(VMACCT_CALLER_STACK_GROWTH), "stack growth",
		   "caller label: stack growth in words");
	tap_eq_str(t, trace_caller_label(VMACCT_CALLER_EXEC_STACK), "exec stack",
		   "caller label: exec stack in words");

	ok = true;
	for (i = 1; i < sizeof(syscalls) / sizeof(syscalls[0]); i++)
		ok &= trace_syscall_name(i) && !strcmp(trace_syscall_name(i), syscalls[i]);
	tap_ok(t, ok, "system call names: every VMACCT_SYS_* in order");
	tap_ok(t, !trace_syscall_name(0) && !trace_syscall_name(9),
	       "system calls 0 and 9 have no name");
	tap_eq_str(t, trace_type_name(VMACCT_EV_DECISION), "decision", "type 1: decision");
	tap_eq_str(t, trace_type_name(VMACCT_EV_MAP_COUNT), "map_count", "type 2: map_count");
	tap_ok(t, !trace_type_name(0) && !trace_type_name(3), "types 0 and 3 have no name");
}

/* The three examples of the design, then every caller kind. */
static void test_decision_lines(struct tap *t)
{
	struct vmacct_event ev;

	ev = decision(VMACCT_CALLER_FORK, 2, -ENOMEM, 8196, 158289);
	memcpy(ev.comm, "redis-server", 13);
	ev.tgid = 206;
	ev.pid = 206;
	check_line(t, &ev,
		   "12:04:05.123456 redis-server[206/206] fork: 8196 pages DENIED (mode 2) — "
		   "committed 158289 ≥ allowed 155939 = limit 160000 − admin 2048 − user 2013\n",
		   "fork denied in mode 2: committed ≥ allowed, every term");

	ev = decision(VMACCT_CALLER_MMAP, 0, 0, 256, 150000);
	memcpy(ev.comm, "java", 5);
	ev.tgid = 900;
	ev.pid = 901;
	ev.time_ns = T0 + 76544000ULL;
	check_line(t, &ev,
		   "12:04:05.200000 java[900/901] mmap: 256 pages allowed (mode 0) — 256 ≤ ceiling 504786\n",
		   "mmap allowed in mode 0: pages ≤ ceiling; COMM[PROCESS/THREAD]");

	ev = decision(VMACCT_CALLER_OTHER, 2, 0, 1, 155938);
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] other: 1 page allowed (mode 2) — "
		   "committed 155938 < allowed 155939 = limit 160000 − admin 2048 − user 2013\n",
		   "other, one page, allowed in mode 2 one below the bound");

	ev = decision(VMACCT_CALLER_BRK, 1, 0, 33, 999999);
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] brk: 33 pages allowed (mode 1) — always\n",
		   "brk in mode 1: always");

	ev = decision(VMACCT_CALLER_MPROTECT, 0, -ENOMEM, 504787, 0);
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] mprotect: 504787 pages DENIED (mode 0) — 504787 > ceiling 504786\n",
		   "mprotect denied in mode 0: pages > ceiling, one above");

	ev = decision(VMACCT_CALLER_MREMAP, 2, 0, 512, 100000);
	ev.as_admin = 1;
	ev.admin_reserve = 0;
	ev.allowed = 157987;
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] mremap: 512 pages allowed (mode 2) — "
		   "committed 100000 < allowed 157987 = limit 160000 − admin 0 (waived: CAP_SYS_ADMIN) − user 2013\n",
		   "mremap as CAP_SYS_ADMIN: the admin reserve waived");

	ev = decision(VMACCT_CALLER_EXEC_STACK, 2, 0, 34, 100034);
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] exec stack: 34 pages allowed (mode 2) — "
		   "committed 100034 < allowed 155939 = limit 160000 − admin 2048 − user 2013\n",
		   "exec stack");

	ev = decision(VMACCT_CALLER_STACK_GROWTH, 2, -ENOMEM, 1, 155939);
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] stack growth: 1 page DENIED (mode 2) — "
		   "committed 155939 ≥ allowed 155939 = limit 160000 − admin 2048 − user 2013\n",
		   "stack growth denied at exactly the bound (committed == allowed)");

	ev = decision(VMACCT_CALLER_SHMEM, 2, -ENOMEM, 262144, 400000);
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] shmem: 262144 pages DENIED (mode 2) — "
		   "committed 400000 ≥ allowed 155939 = limit 160000 − admin 2048 − user 2013\n",
		   "shmem denied");

	ev = decision(VMACCT_CALLER_SWAPOFF, 2, 0, 70000, 120000);
	ev.user_reserve = 0;
	ev.allowed = 157952;
	memcpy(ev.comm, "swapoff", 8);
	check_line(t, &ev,
		   "12:04:05.123456 swapoff[500/501] swapoff: 70000 pages allowed (mode 2) — "
		   "committed 120000 < allowed 157952 = limit 160000 − admin 2048 − user 0\n",
		   "swapoff, no user reserve");

	ev = decision(42, 2, 0, 3, 100);
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] caller 42: 3 pages allowed (mode 2) — "
		   "committed 100 < allowed 155939 = limit 160000 − admin 2048 − user 2013\n",
		   "a caller this tool does not know, by number");

	ev = decision(VMACCT_CALLER_MMAP, 7, 0, 3, 100);
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] mmap: 3 pages allowed (mode 7) — a mode this tool does not know\n",
		   "a mode this tool does not know");

	ev = decision(VMACCT_CALLER_MMAP, 2, -EINTR, 3, 100);
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] mmap: 3 pages verdict -4 (mode 2) — "
		   "committed 100 < allowed 155939 = limit 160000 − admin 2048 − user 2013\n",
		   "a verdict other than 0 or -ENOMEM, by number");

	ev = decision(VMACCT_CALLER_FORK, 2, -ENOMEM, 10, 148289);
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] fork: 10 pages DENIED (mode 2) — "
		   "committed 148289 < allowed 155939 = limit 160000 − admin 2048 − user 2013"
		   " (the terms changed on another CPU during the call)\n",
		   "terms that disagree with the verdict: the true comparison and a note");

	ev = decision(VMACCT_CALLER_MMAP, 0, 0, 600000, 0);
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] mmap: 600000 pages allowed (mode 0) — 600000 > ceiling 504786"
		   " (the terms changed on another CPU during the call)\n",
		   "mode 0 terms that disagree with an allowed verdict");

	ev = decision(VMACCT_CALLER_BRK, 2, -ENOMEM, 1, 5);
	ev.limit = 100;
	ev.allowed = -1961;
	check_line(t, &ev,
		   "12:04:05.123456 app[500/501] brk: 1 page DENIED (mode 2) — "
		   "committed 5 ≥ allowed -1961 = limit 100 − admin 2048 − user 2013\n",
		   "reserves larger than CommitLimit: a negative allowed, compared signed");
}

static void test_map_count_lines(struct tap *t)
{
	static const struct {
		uint32_t sys, count;
		const char *want;
	} cases[] = {
		{ VMACCT_SYS_MMAP, 65531,
		  "12:04:06.000000 es[77/77] mmap: ENOMEM: map_count 65531 > max 65530 (max_map_count)\n" },
		{ VMACCT_SYS_MUNMAP, 65530,
		  "12:04:06.000000 es[77/77] munmap: ENOMEM: map_count 65530 ≥ max 65530 (max_map_count)\n" },
		{ VMACCT_SYS_MPROTECT, 65529,
		  "12:04:06.000000 es[77/77] mprotect: ENOMEM: map_count 65529 ≥ max − 1 = 65529 (max_map_count 65530; a split at each end)\n" },
		{ VMACCT_SYS_MREMAP, 65526,
		  "12:04:06.000000 es[77/77] mremap: ENOMEM: map_count 65526 ≥ max − 5 … max − 3 = 65525 … 65527 (max_map_count 65530: − 3 for a move, every call since 6.17; − 5 with MREMAP_FIXED or MREMAP_DONTUNMAP, − 4 with MREMAP_DONTUNMAP since 6.17)\n" },
		{ VMACCT_SYS_BRK, 65531,
		  "12:04:06.000000 es[77/77] brk: ENOMEM: map_count 65531 > max 65530 (max_map_count)\n" },
		{ VMACCT_SYS_MADVISE, 65530,
		  "12:04:06.000000 es[77/77] madvise: ENOMEM: map_count 65530 ≥ max − 1 = 65529 (max_map_count 65530; a split at each end)\n" },
		{ VMACCT_SYS_MLOCK, 65529,
		  "12:04:06.000000 es[77/77] mlock: ENOMEM: map_count 65529 ≥ max − 1 = 65529 (max_map_count 65530; a split at each end)\n" },
		{ VMACCT_SYS_MUNLOCK, 65529,
		  "12:04:06.000000 es[77/77] munlock: ENOMEM: map_count 65529 ≥ max − 1 = 65529 (max_map_count 65530; a split at each end)\n" },
		{ 99, 5,
		  "12:04:06.000000 es[77/77] system call 99: ENOMEM: map_count 5, max 65530 (max_map_count)\n" },
	};
	struct vmacct_event ev;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev = map_count(cases[i].sys, cases[i].count, 65530);
		check_line(t, &ev, cases[i].want,
			   trace_syscall_name(cases[i].sys) ? trace_syscall_name(cases[i].sys)
							    : "unknown system call");
	}

	ev = map_count(VMACCT_SYS_MREMAP, 0, 3);
	check_line(t, &ev,
		   "12:04:06.000000 es[77/77] mremap: ENOMEM: map_count 0 ≥ max − 5 … max − 3 = -2 … 0 (max_map_count 3: − 3 for a move, every call since 6.17; − 5 with MREMAP_FIXED or MREMAP_DONTUNMAP, − 4 with MREMAP_DONTUNMAP since 6.17)\n",
		   "mremap with max_map_count 3: bounds below zero, no wrap-around");

	ev = map_count(VMACCT_SYS_MPROTECT, 0, 0);
	check_line(t, &ev,
		   "12:04:06.000000 es[77/77] mprotect: ENOMEM: map_count 0 ≥ max − 1 = -1 (max_map_count 0; a split at each end)\n",
		   "mprotect with max_map_count 0: max − 1 is -1, not 4294967295");

	ev = base(9, "odd", 1, 1, T0);
	check_line(t, &ev, "12:04:05.123456 odd[1/1] event type 9, unknown to this tool\n",
		   "an event type this tool does not know");
}

static void test_comm(struct tap *t)
{
	struct vmacct_event ev = decision(VMACCT_CALLER_MMAP, 1, 0, 1, 0);
	char *got;

	memcpy(ev.comm, "\x1b[31mred\a", 10);
	check_line(t, &ev,
		   "12:04:05.123456 \\x1b[31mred\\x07[500/501] mmap: 1 page allowed (mode 1) — always\n",
		   "control characters in a name become \\xNN (no terminal escapes)");

	memset(ev.comm, 0, sizeof(ev.comm));
	memcpy(ev.comm, "\xff\xfe" "ab\xc3\xa9\xe2\x82", 8);
	check_line(t, &ev,
		   "12:04:05.123456 \\xff\\xfeab\xc3\xa9\\xe2\\x82[500/501] mmap: 1 page allowed (mode 1) — always\n",
		   "bytes that are not UTF-8 become \\xNN, é stays, a cut sequence too");

	memcpy(ev.comm, "abcdefghijklmnop", 16);	/* no NUL */
	check_line(t, &ev,
		   "12:04:05.123456 abcdefghijklmnop[500/501] mmap: 1 page allowed (mode 1) — always\n",
		   "an unterminated 16-byte name stops at 16 bytes");

	memset(ev.comm, 0, sizeof(ev.comm));
	memcpy(ev.comm, "a\"b\\\n\xed\xa0\x80", 8);
	got = render(&ev, true);
	tap_contains(t, got, ",\"comm\":\"a\\\"b\\\\\\n\\ufffd\\ufffd\\ufffd\",",
		     "JSON: quote, backslash and newline escaped, each byte of a UTF-8 surrogate replaced");
	free(got);
}

static void test_json_lines(struct tap *t, const struct test_env *env)
{
	struct vmacct_event evs[6];
	struct membuf m;
	char *got;
	size_t i;

	evs[0] = decision(VMACCT_CALLER_FORK, 2, -ENOMEM, 8196, 158289);
	memcpy(evs[0].comm, "redis-server", 13);
	evs[0].tgid = evs[0].pid = 206;
	evs[1] = decision(VMACCT_CALLER_STACK_GROWTH, 0, 0, 1, 0);
	evs[1].as_admin = 1;
	evs[1].admin_reserve = 0;
	evs[2] = map_count(VMACCT_SYS_MUNMAP, 65530, 65530);
	evs[3] = map_count(VMACCT_SYS_MREMAP, 65528, 65530);
	evs[3].pid = 78;
	evs[4] = decision(42, 1, 0, 7, 1);
	evs[5] = base(9, "odd", 1, 1, T0);
	evs[5].caller = 3;

	if (!mem_open(&m)) {
		tap_ok(t, false, "memory stream for JSON lines");
		return;
	}
	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		trace_print_event_json(m.f, &evs[i], OFFSET);
	got = mem_take(&m);
	tap_eq_fixture(t, env, got, "trace-events.jsonl");
	free(got);

	got = render(&evs[0], true);
	tap_eq_str(t, got,
		   "{\"version\":2,\"type\":\"decision\",\"size\":136,\"time_ns\":5000000000,"
		   "\"realtime_ns\":1793793845123456000,"
		   "\"realtime\":\"2026-11-04T12:04:05.123456000Z\",\"pid\":206,\"tid\":206,"
		   "\"comm\":\"redis-server\",\"caller\":\"fork\",\"mode\":2,\"verdict\":-12,"
		   "\"denied\":true,\"as_admin\":false,\"pages\":8196,\"map_count\":120,"
		   "\"max_map_count\":65530,\"total_vm\":64416,\"limit\":160000,"
		   "\"admin_reserve\":2048,\"user_reserve\":2013,\"allowed\":155939,"
		   "\"committed\":158289,\"guess_ceiling\":504786,\"cgroup_id\":0,\"cgroup\":null}\n",
		   "JSON line: every field, one line, type and caller as words");
	free(got);
}

static void test_clock(struct tap *t)
{
	tap_eq_u64(t, trace_realtime_ns(T0, OFFSET), 1793793845123456000ULL,
		   "realtime: time_ns + offset");
	tap_eq_u64(t, trace_realtime_ns(5, -10), 0, "realtime: a negative result saturates at 0");
	tap_eq_u64(t, trace_realtime_ns(100, INT64_MIN), 0, "realtime: offset INT64_MIN saturates");
	tap_eq_u64(t, trace_realtime_ns(UINT64_MAX - 1, 5), UINT64_MAX,
		   "realtime: an overflow saturates at UINT64_MAX");
	tap_eq_u64(t, trace_realtime_ns(20, -10), 10, "realtime: a negative offset subtracts");
}

static void test_totals(struct tap *t)
{
	struct trace_totals tot = { 0 };
	struct vmacct_event ev;
	struct membuf m;
	char *got;

	ev = decision(VMACCT_CALLER_MMAP, 2, 0, 1, 0);
	trace_count(&tot, &ev);
	ev.verdict = -ENOMEM;
	trace_count(&tot, &ev);
	trace_count(&tot, &ev);
	ev = map_count(VMACCT_SYS_MUNMAP, 65530, 65530);
	trace_count(&tot, &ev);
	ev = base(9, "odd", 1, 1, T0);
	trace_count(&tot, &ev);
	tap_ok(t, tot.shown == 5 && tot.denied == 2 && tot.map_count == 1,
	       "totals: 5 shown, 2 denied decisions, 1 map-count failure");

	tot.have_dropped = true;
	tot.dropped = 3;
	tot.have_missed = true;
	tot.missed = 2;
	if (mem_open(&m)) {
		trace_print_totals(m.f, &tot);
		got = mem_take(&m);
		tap_eq_str(t, got,
			   "vmacct: trace: 5 events shown, 2 denied, 1 map-count failure; 3 dropped (ring full), "
			   "2 missed (/sys/kernel/vmacct/trace/missed) — to drop fewer: raise "
			   "/sys/kernel/vmacct/trace/buffer_size (for new readers) or narrow the filter "
			   "(--denied, --pid, --tid)\n",
			   "totals line with drops: the fix named");
		free(got);
	}

	tot = (struct trace_totals){ .shown = 1, .map_count = 2, .have_dropped = true };
	if (mem_open(&m)) {
		trace_print_totals(m.f, &tot);
		got = mem_take(&m);
		tap_eq_str(t, got,
			   "vmacct: trace: 1 event shown, 0 denied, 2 map-count failures; 0 dropped (ring full), "
			   "? missed (/sys/kernel/vmacct/trace/missed)\n",
			   "totals line without drops, missed unknown");
		free(got);
	}
}

/* The records of a mapped ring: up to its end, and never past its tail. */
static void test_ring_peek(struct tap *t)
{
	static struct vmacct_event slots[8];
	struct vmacct_ring_header h = { .records = 8 };
	struct vm_ring r = { .hdr = &h, .slots = slots, .records = 8 };
	const struct vmacct_event *ev = NULL;

	h.tail = 0;
	tap_eq_u64(t, vm_ring_peek(&r, 128, &ev), 0, "ring: empty, nothing");
	h.tail = 5;
	tap_eq_u64(t, vm_ring_peek(&r, 128, &ev), 5, "ring: 5 queued, 5");
	tap_ok(t, ev == &slots[0], "... from slot 0");
	tap_eq_u64(t, vm_ring_peek(&r, 3, &ev), 3, "ring: at most max");
	r.head = 6;
	h.tail = 11;
	tap_eq_u64(t, vm_ring_peek(&r, 128, &ev), 2, "ring: 5 from slot 6, up to the end: 2");
	tap_ok(t, ev == &slots[6], "... from slot 6");
	r.head = 8;
	tap_eq_u64(t, vm_ring_peek(&r, 128, &ev), 3, "ring: then the 3 after the end");
	tap_ok(t, ev == &slots[0], "... from slot 0");
	h.tail = r.head + 9;
	tap_eq_u64(t, vm_ring_peek(&r, 128, &ev), 0, "ring: a tail more than a ring ahead: nothing");
	h.tail = r.head - 1;
	tap_eq_u64(t, vm_ring_peek(&r, 128, &ev), 0, "ring: a tail behind the head: nothing");
}

void test_trace(struct tap *t, const struct test_env *env)
{
	const char *tz = getenv("TZ");
	char *saved = tz ? strdup(tz) : NULL;

	setenv("TZ", "UTC0", 1);
	tzset();
	test_filter(t);
	test_record_check(t);
	test_names(t);
	test_decision_lines(t);
	test_map_count_lines(t);
	test_comm(t);
	test_json_lines(t, env);
	test_clock(t);
	test_totals(t);
	test_ring_peek(t);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}
