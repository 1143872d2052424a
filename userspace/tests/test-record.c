// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: one recorder record without the device (record.c) -- the
 * --since duration, what would have been enough for each kind of
 * refusal, the checks on a record, and the line and the JSON object of
 * hand-made records.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "tap.h"

#define NS	1000000000ULL
#define POISON	0xccccccccccccccccULL

static struct vmacct_record decision(uint32_t caller, uint32_t mode,
				     int64_t pages)
{
	struct vmacct_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.size = sizeof(rec);
	rec.seq = 12;
	rec.realtime_ns = 1793793845123456000LL;	/* 2026-11-04T12:04:05.123456Z */
	rec.boottime_ns = 5000 * NS;
	rec.printk_ns = 3999 * NS + 5;	/* another clock than ev.time_ns */
	rec.cgroup_id = 77;
	rec.ev.cgroup_id = 77;
	rec.uid = 1000;
	rec.committed_error = 7808;
	rec.ev.version = VMACCT_EVENT_VERSION;
	rec.ev.type = VMACCT_EV_DECISION;
	rec.ev.size = sizeof(rec.ev);
	rec.ev.time_ns = 4000 * NS;
	rec.ev.pid = rec.ev.tgid = 206;
	memcpy(rec.ev.comm, "redis-server", 13);
	rec.ev.caller = caller;
	rec.ev.mode = mode;
	rec.ev.verdict = -ENOMEM;
	rec.ev.pages = pages;
	rec.ev.map_count = 90;
	rec.ev.max_map_count = 65530;
	rec.ev.total_vm = 64416;
	rec.ev.limit = 160000;
	rec.ev.admin_reserve = 2048;
	rec.ev.user_reserve = 2013;
	rec.ev.allowed = 155939;
	rec.ev.committed = 158289;
	rec.ev.guess_ceiling = 504786;
	return rec;
}

static struct vmacct_record map_count(uint32_t sys, int64_t enough)
{
	struct vmacct_record rec = decision(sys, 2, 1);

	rec.ev.type = VMACCT_EV_MAP_COUNT;
	rec.ev.map_count = 65530;
	rec.committed_error = 0;
	rec.min_max_map_count = enough;
	return rec;
}

static void fix_is(struct tap *t, const struct vmacct_record *rec,
		   const char *want, const char *what)
{
	char buf[200];
	const char *got;

	memset(buf, 'x', sizeof(buf));
	got = record_fix(rec, buf, sizeof(buf));
	tap_ok(t, got == buf, "fix, %s: written into the buffer given", what);
	tap_eq_str(t, got, want, "fix, %s", what);
}

static void test_fix(struct tap *t)
{
	struct vmacct_record rec;
	char small[16];

	/* map count: a number only when the sysctl (an int) can hold it */
	rec = map_count(VMACCT_SYS_MUNMAP, 65532);
	fix_is(t, &rec, "vm.max_map_count ≥ 65532 would have allowed it", "map count");
	rec.min_max_map_count = INT32_MAX;
	fix_is(t, &rec, "vm.max_map_count ≥ 2147483647 would have allowed it",
	       "map count INT_MAX");
	rec.min_max_map_count = (int64_t)INT32_MAX + 1;
	fix_is(t, &rec, "no vm.max_map_count would have allowed it", "map count past INT_MAX");
	rec.min_max_map_count = 0;
	fix_is(t, &rec, "no vm.max_map_count would have allowed it", "map count 0");
	rec.min_max_map_count = -1;
	fix_is(t, &rec, "no vm.max_map_count would have allowed it", "map count negative");
	/* a map-count failure is judged by its type, whatever the mode */
	rec = map_count(VMACCT_SYS_MMAP, 70000);
	rec.ev.mode = 0;
	fix_is(t, &rec, "vm.max_map_count ≥ 70000 would have allowed it",
	       "map count in mode 0");

	rec = decision(VMACCT_CALLER_BRK, 0, 3000000);
	fix_is(t, &rec,
	       "only RAM + swap above 2999999 pages, or vm.overcommit_memory=1, would have allowed it",
	       "mode 0");
	rec.min_ratio = 50;	/* not read in mode 0 */
	rec.min_kbytes = 1;
	fix_is(t, &rec,
	       "only RAM + swap above 2999999 pages, or vm.overcommit_memory=1, would have allowed it",
	       "mode 0 ignores min_ratio and min_kbytes");

	rec = decision(VMACCT_CALLER_MMAP, 2, 262144);
	rec.min_ratio = 64;
	rec.min_kbytes = 5099268;
	fix_is(t, &rec,
	       "vm.overcommit_ratio ≥ 64 or vm.overcommit_kbytes ≥ 5099268 would have allowed it",
	       "mode 2");
	rec.min_ratio = VMACCT_RATIO_NONE;
	fix_is(t, &rec,
	       "no vm.overcommit_ratio would have; vm.overcommit_kbytes ≥ 5099268 would have allowed it",
	       "mode 2 with VMACCT_RATIO_NONE");
	rec.min_ratio = VMACCT_RATIO_NONE - 1;
	fix_is(t, &rec,
	       "vm.overcommit_ratio ≥ 4294967294 or vm.overcommit_kbytes ≥ 5099268 would have allowed it",
	       "mode 2, a ratio one below VMACCT_RATIO_NONE is a ratio");

	rec.ev.mode = 3;
	fix_is(t, &rec, "a mode this tool does not know", "mode 3");

	rec = map_count(VMACCT_SYS_MUNMAP, 65532);
	memset(small, 'x', sizeof(small));
	record_fix(&rec, small, sizeof(small));
	tap_eq_str(t, small, "vm.max_map_coun", "fix: cut to the buffer given, terminated");
}

static void test_problem(struct tap *t)
{
	struct vmacct_record rec = decision(VMACCT_CALLER_FORK, 2, 8196);
	char buf[160];
	const char *p;

	p = record_problem(&rec, sizeof(rec), buf, sizeof(buf));
	tap_ok(t, p == NULL, "problem: none in a good record");
	p = record_problem(&rec, VMACCT_RECORD_SIZE_VER0 + 8, buf, sizeof(buf));
	tap_ok(t, p == NULL, "problem: none in a record larger than this tool's");
	p = record_problem(&rec, VMACCT_RECORD_SIZE_VER0 - 1, buf, sizeof(buf));
	tap_eq_str(t, p, "a record of 199 bytes, less than 200",
		   "problem: a record shorter than the first version");
	rec.ev.version = 1;
	p = record_problem(&rec, sizeof(rec), buf, sizeof(buf));
	tap_eq_str(t, p, "record #12: record version 1, this tool reads version 2",
		   "problem: an event of another version, with its number");
	rec.ev.version = VMACCT_EVENT_VERSION;
	rec.ev.size = 128;
	p = record_problem(&rec, sizeof(rec), buf, sizeof(buf));
	tap_eq_str(t, p, "record #12: record of 128 bytes, this tool reads 136-byte records",
		   "problem: an event of another size");
}

static char *render(const struct vmacct_record *rec, bool json)
{
	struct membuf m;

	if (!mem_open(&m))
		return NULL;
	if (json)
		record_print_json(m.f, rec);
	else
		record_print(m.f, rec);
	return mem_take(&m);
}

static void test_print(struct tap *t)
{
	struct vmacct_record rec;
	char *got;

	rec = decision(VMACCT_CALLER_FORK, 2, 8196);
	rec.min_ratio = 61;
	rec.min_kbytes = 649404;
	got = render(&rec, false);
	tap_eq_str(t, got,
		   "#12 2026-11-04T12:04:05.123456000Z redis-server[206/206] fork: 8196 pages DENIED "
		   "(mode 2) — committed 158289 ≥ allowed 155939 = limit 160000 − admin 2048 − "
		   "user 2013 — vm.overcommit_ratio ≥ 61 or vm.overcommit_kbytes ≥ 649404 would "
		   "have allowed it\n",
		   "line: number, ISO 8601 UTC time, the trace line, the fix");
	free(got);

	got = render(&rec, true);
	tap_eq_str(t, got,
		   "{\"seq\":12,\"version\":2,\"type\":\"decision\",\"size\":136,"
		   "\"time_ns\":4000000000000,\"realtime_ns\":1793793845123456000,"
		   "\"realtime\":\"2026-11-04T12:04:05.123456000Z\",\"pid\":206,\"tid\":206,"
		   "\"comm\":\"redis-server\",\"caller\":\"fork\",\"mode\":2,\"verdict\":-12,"
		   "\"denied\":true,\"as_admin\":false,\"pages\":8196,\"map_count\":90,"
		   "\"max_map_count\":65530,\"total_vm\":64416,\"limit\":160000,"
		   "\"admin_reserve\":2048,\"user_reserve\":2013,\"allowed\":155939,"
		   "\"committed\":158289,\"guess_ceiling\":504786,\"cgroup_id\":77,"
		   "\"cgroup\":null,\"boottime_ns\":5000000000000,"
		   "\"printk_ns\":3999000000005,\"uid\":1000,\"committed_error\":7808,\"min_ratio\":61,"
		   "\"min_kbytes\":649404,\"min_max_map_count\":null,"
		   "\"fix\":\"vm.overcommit_ratio ≥ 61 or vm.overcommit_kbytes ≥ 649404 would "
		   "have allowed it\"}\n",
		   "JSON: the trace members, then the record's, on one line");
	free(got);

	rec.min_ratio = VMACCT_RATIO_NONE;
	got = render(&rec, true);
	tap_contains(t, got, ",\"committed_error\":7808,\"min_ratio\":null,\"min_kbytes\":649404,"
		     "\"min_max_map_count\":null,",
		     "JSON, mode 2 without a ratio: min_ratio null, min_kbytes kept");
	free(got);

	rec.printk_ns = 0;
	got = render(&rec, true);
	tap_contains(t, got, ",\"boottime_ns\":5000000000000,\"printk_ns\":null,\"uid\":",
		     "JSON, a module without printk_ns (0): null");
	free(got);

	rec = decision(VMACCT_CALLER_BRK, 0, 3000000);
	rec.min_ratio = 5;	/* not mode 2: not shown */
	rec.min_kbytes = 6;
	got = render(&rec, true);
	tap_contains(t, got, ",\"committed_error\":7808,\"min_ratio\":null,\"min_kbytes\":null,"
		     "\"min_max_map_count\":null,",
		     "JSON, mode 0: no setting but committed_error");
	free(got);

	rec = map_count(VMACCT_SYS_MUNMAP, 65532);
	got = render(&rec, true);
	tap_contains(t, got, ",\"committed_error\":null,\"min_ratio\":null,\"min_kbytes\":null,"
		     "\"min_max_map_count\":65532,\"fix\":\"vm.max_map_count ≥ 65532 would have "
		     "allowed it\"}\n",
		     "JSON, map count: only min_max_map_count");
	free(got);
	rec.min_max_map_count = 0;
	got = render(&rec, true);
	tap_contains(t, got, ",\"min_max_map_count\":null,\"fix\":\"no vm.max_map_count would",
		     "JSON, map count without a setting: null");
	free(got);
	got = render(&rec, false);
	tap_eq_str(t, got,
		   "#12 2026-11-04T12:04:05.123456000Z redis-server[206/206] munmap: ENOMEM: "
		   "map_count 65530 ≥ max 65530 (max_map_count) — no vm.max_map_count would have "
		   "allowed it\n",
		   "line, map count: the failed check, then the fix");
	free(got);
}

/* A peak: the start time since boot has its nine digits as a string too. */
static void test_peak_json(struct tap *t)
{
	struct vmacct_peak p;
	struct membuf m;
	char *got;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.tgid = 77;
	p.peak = 65530;
	p.max_map_count = 65530;
	p.uid = 1000;
	p.realtime_ns = 1793793845123456000LL;
	p.start_boottime_ns = 9007199254740993ULL;	/* 2^53 + 1: no double holds it */
	p.cgroup_id = 5;
	memcpy(p.comm, "es", 3);
	if (!mem_open(&m)) {
		tap_ok(t, false, "peak JSON: no memory stream");
		return;
	}
	peak_print_json(m.f, &p);
	got = mem_take(&m);
	tap_eq_str(t, got,
		   "{\"pid\":77,\"comm\":\"es\",\"peak\":65530,\"max_map_count\":65530,"
		   "\"uid\":1000,\"cgroup_id\":5,\"realtime_ns\":1793793845123456000,"
		   "\"seen\":\"2026-11-04T12:04:05.123456000Z\","
		   "\"start_boottime_ns\":9007199254740993,"
		   "\"start_boottime\":\"PT9007199.254740993S\"}\n",
		   "peak JSON: start_boottime_ns with its ISO 8601 duration since boot beside it");
	free(got);
}

void test_record(struct tap *t)
{
	test_fix(t);
	test_problem(t);
	test_print(t);
	test_peak_json(t);
}
