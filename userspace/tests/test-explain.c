// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of "vmacct explain": the kernel's __vm_enough_memory lines
 * parsed in both formats (6.1, 6.9 on) behind every prefix (none, dmesg,
 * /dev/kmsg, syslog, journalctl), hostile names (the fixed text inside
 * the name, escapes, a trailing blank), the ratelimit's line, and lines
 * that only look like them; the matching to records, the reasons for a
 * line without one, the settings of a reconstruction and the printers;
 * then the built tool end to end through the fake device
 * (tests/fixtures/fake-dev.c): a file, standard input, --dmesg, --json
 * read by a strict parser, and the errors.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"
#include "run.h"
#include "tap.h"
#include "tool.h"

#define END69	" not enough memory for the allocation"
#define END61	", no enough memory for the allocation"
#define FN	"__vm_enough_memory: "

static struct explain_line parse(const char *s)
{
	struct explain_line l;

	explain_parse_line(s, strlen(s), &l);
	return l;
}

static bool comm_is(const struct explain_line *l, const char *want)
{
	size_t n;
	const char *c = explain_comm(l, &n);

	return n == strlen(want) && !memcmp(c, want, n);
}

static void test_formats(struct tap *t)
{
	static const struct {
		const char *line;
		enum explain_prefix prefix;
		bool has_time;
		uint64_t time_ns;
	} prefixes[] = {
		{ "", EXPLAIN_PFX_NONE, false, 0 },
		{ "[  226.228443] ", EXPLAIN_PFX_DMESG, true, 226228443000ULL },
		{ "[    0.000001] ", EXPLAIN_PFX_DMESG, true, 1000ULL },
		{ "<4>[  226.228443] ", EXPLAIN_PFX_DMESG, true, 226228443000ULL },
		{ "kern  :warn  : [  226.228443] ", EXPLAIN_PFX_DMESG, true, 226228443000ULL },
		{ "[  226.228443 <    0.000012>] ", EXPLAIN_PFX_DMESG, true, 226228443000ULL },
		{ "[Tue Dec  2 15:34:36 2025] ", EXPLAIN_PFX_OTHER, false, 0 },
		{ "4,1234,226228443,-;", EXPLAIN_PFX_KMSG, true, 226228443000ULL },
		{ "12,7,5,c,caller=T42;", EXPLAIN_PFX_KMSG, true, 5000ULL },
		{ "Dec 02 15:34:36 host kernel: ", EXPLAIN_PFX_SYSLOG, false, 0 },
		{ "Dec  2 15:34:36 host kernel: [  226.228443] ", EXPLAIN_PFX_SYSLOG, true, 226228443000ULL },
		{ "[  226.228443] host kernel: ", EXPLAIN_PFX_SYSLOG, true, 226228443000ULL },
		{ "2025-12-02T15:34:36+0000 host kernel: ", EXPLAIN_PFX_SYSLOG, false, 0 },
	};
	char line[256];
	struct explain_line l;
	unsigned int i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		snprintf(line, sizeof(line), "%s" FN "pid: 812, comm: stress, bytes: 1073741824" END69,
			 prefixes[i].line);
		l = parse(line);
		tap_ok(t, l.kind == EXPLAIN_REFUSAL && l.pid == 812 && comm_is(&l, "stress") &&
		       l.has_bytes && l.bytes == 1073741824ULL && l.prefix == prefixes[i].prefix &&
		       l.has_time == prefixes[i].has_time && l.time_ns == prefixes[i].time_ns,
		       "explain: 6.9 format behind '%s': pid, comm, bytes, prefix %s, time %llu",
		       prefixes[i].line, explain_prefix_name(prefixes[i].prefix),
		       (unsigned long long)prefixes[i].time_ns);
		snprintf(line, sizeof(line), "%s" FN "pid: 7, comm: sh" END61, prefixes[i].line);
		l = parse(line);
		tap_ok(t, l.kind == EXPLAIN_REFUSAL && l.pid == 7 && comm_is(&l, "sh") &&
		       !l.has_bytes && l.prefix == prefixes[i].prefix &&
		       l.has_time == prefixes[i].has_time && l.time_ns == prefixes[i].time_ns &&
		       !strcmp(explain_format_name(&l), "6.1"),
		       "explain: 6.1 format behind '%s': no bytes", prefixes[i].line);
		snprintf(line, sizeof(line), "%s" FN "12 callbacks suppressed", prefixes[i].line);
		l = parse(line);
		tap_ok(t, l.kind == EXPLAIN_SUPPRESSED && l.suppressed == 12 &&
		       l.has_time == prefixes[i].has_time && l.time_ns == prefixes[i].time_ns,
		       "explain: the ratelimit's line behind '%s': 12 suppressed", prefixes[i].line);
	}
}

static void test_hostile_comms(struct tap *t)
{
	static const struct {
		const char *line;
		const char *comm;	/* as explain_comm() gives it */
		uint64_t bytes;		/* 0: the 6.1 format */
	} ok[] = {
		{ FN "pid: 5, comm: x, bytes: 9 not enough, bytes: 4096" END69,
		  "x, bytes: 9 not enough", 4096 },
		{ FN "pid: 5, comm: a, comm: b, bytes: 8192" END69, "a, comm: b", 8192 },
		{ FN "pid: 5, comm: " END69 ", bytes: 4096" END69, END69, 4096 },
		{ FN "pid: 5, comm: trailing , bytes: 4096" END69, "trailing ", 4096 },
		{ FN "pid: 5, comm: , bytes: 4096" END69, "", 4096 },
		{ FN "pid: 5, comm: \x1b[31mred\x1b[0m, bytes: 4096" END69, "\x1b[31mred\x1b[0m", 4096 },
		{ FN "pid: 5, comm: b, bytes: 5" END61, "b, bytes: 5", 0 },
		{ FN "pid: 5, comm: a, no enough memory for the allocation" END61,
		  "a, no enough memory for the allocation", 0 },
		{ FN "pid: 5, comm: " FN "pid: 6, comm: y, bytes: 4096" END69,
		  FN "pid: 6, comm: y", 4096 },
		/* /dev/kmsg: \xNN decoded */
		{ "4,1,2,-;" FN "pid: 5, comm: \\x1b[1mev\\x0a\"q\\x5c, bytes: 4096" END69,
		  "\x1b[1mev\n\"q\\", 4096 },
		/* dmesg prints \xNN too, but the name is shown as printed */
		{ "[ 1.0] " FN "pid: 5, comm: a\\x41, bytes: 4096" END69, "a\\x41", 4096 },
	};
	struct explain_line l;
	unsigned int i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		l = parse(ok[i].line);
		if (!tap_ok(t, l.kind == EXPLAIN_REFUSAL && l.pid == 5 && comm_is(&l, ok[i].comm) &&
			    l.has_bytes == !!ok[i].bytes && l.bytes == ok[i].bytes,
			    "explain: hostile name %u: anchored on the end, the name whole", i))
			tap_diag("  kind %d, comm_len %zu, bytes %llu", l.kind, l.comm_len,
				 (unsigned long long)l.bytes);
	}
	l = parse("[ 1.0] " FN "pid: 5, comm: a\\x41, bytes: 4096" END69);
	tap_ok(t, l.dcomm_ok && l.dcomm_len == 2 && !memcmp(l.dcomm, "aA", 2),
	       "explain: a dmesg line's name is also decoded, for matching");
}

static void test_lookalikes(struct tap *t)
{
	static const char *const bad[] = {
		"my" FN "pid: 1, comm: x, bytes: 4096" END69,
		"[ 1.0] vm" FN "pid: 1, comm: x, bytes: 4096" END69,
		FN "pid: 1, comm: x, bytes: 4096" END69 " (retrying)",
		FN "pid: 1, comm: x, bytes: 4096" END69 " ",
		FN "pid: abc, comm: x, bytes: 4096" END69,
		FN "pid: -1, comm: x, bytes: 4096" END69,
		FN "pid: 01, comm: x, bytes: 4096" END69,
		FN "pid: 99999999999, comm: x, bytes: 4096" END69,
		FN "pid: 1 comm: x, bytes: 4096" END69,
		FN "pid:1, comm: x, bytes: 4096" END69,
		FN "pid: 1, comm: x, bytes: 12x" END69,
		FN "pid: 1, comm: x, bytes: " END69,
		FN "pid: 1, comm: x, bytes: 99999999999999999999" END69,
		FN "pid: 1, comm: x, bytes: 4096 no enough memory for the allocation",
		FN "pid: 1, comm: x, bytes:4096" END69,
		FN "pid: 1, comm: x" END69,
		FN "pid: 1, comm: x no enough memory for the allocation",
		FN "callbacks suppressed",
		FN "-3 callbacks suppressed",
		FN "3 callbacks suppressed.",
		"__vm_enough_memory 3 callbacks suppressed",
		"ratelimit: 3 callbacks suppressed",
		"__vm_enough_memory:pid: 1, comm: x, bytes: 4096" END69,
		"pid: 1, comm: x, bytes: 4096" END69,
		"",
	};
	struct explain_line l;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		l = parse(bad[i]);
		tap_ok(t, l.kind == EXPLAIN_NONE, "explain: not the kernel's line: '%s'", bad[i]);
	}
}

static struct vmacct_record rec(uint64_t seq, uint32_t type, uint32_t pid,
				const char *comm, int64_t pages, uint64_t time_s)
{
	struct vmacct_record r;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.seq = seq;
	r.ev.version = VMACCT_EVENT_VERSION;
	r.ev.size = sizeof(r.ev);
	r.ev.type = (uint16_t)type;
	r.ev.pid = pid;
	r.ev.tgid = pid;
	memcpy(r.ev.comm, comm, strnlen(comm, sizeof(r.ev.comm)));
	r.ev.caller = type == VMACCT_EV_DECISION ? VMACCT_CALLER_MMAP : VMACCT_SYS_MMAP;
	r.ev.mode = 2;
	r.ev.verdict = -ENOMEM;
	r.ev.pages = pages;
	/*
	 * The printk clock is the one to match; CLOCK_MONOTONIC was 1.1 s
	 * away from it in an emulated arm64 guest: here 7 s
	 */
	r.printk_ns = time_s * 1000000000ULL;
	r.ev.time_ns = r.printk_ns + 7000000000ULL;
	return r;
}

static void test_matching(struct tap *t)
{
	struct vmacct_record recs[] = {
		rec(1, VMACCT_EV_DECISION, 10, "app", 1, 100),
		rec(2, VMACCT_EV_DECISION, 10, "app", 1, 101),
		rec(3, VMACCT_EV_MAP_COUNT, 10, "app", 1, 101),
		rec(4, VMACCT_EV_DECISION, 11, "a\\", 2, 200),
		rec(5, VMACCT_EV_DECISION, 12, "app", 1, 300),
		rec(6, VMACCT_EV_DECISION, 12, "app", 1, 301),
	};
	const char *text[] = {
		"[  100.800000] " FN "pid: 10, comm: app, bytes: 4096" END69,	/* #2, closer */
		"[  100.700000] " FN "pid: 10, comm: app, bytes: 4096" END69,	/* #1: #2 taken */
		"4,1,200000000,-;" FN "pid: 11, comm: a\\x5c, bytes: 8192" END69,	/* #4 */
		"[  200.000000] " FN "pid: 11, comm: a\\x5c, bytes: 8192" END69,	/* none: taken */
		FN "pid: 12, comm: app, no enough memory for the allocation",	/* #5, oldest */
		FN "pid: 12, comm: app, no enough memory for the allocation",	/* #6 */
		FN "pid: 12, comm: app, no enough memory for the allocation",	/* none left */
		"[  302.500000] " FN "pid: 12, comm: app, bytes: 4096" END69,	/* none: 1.5 s */
		"[  100.000000] " FN "pid: 10, comm: app, bytes: 8192" END69,	/* none: size */
		"[  100.000000] " FN "pid: 10, comm: ap, bytes: 4096" END69,	/* none: name */
	};
	const long want[] = { 1, 0, 3, -1, 4, 5, -1, -1, -1, -1 };
	struct explain_line lines[sizeof(text) / sizeof(text[0])];
	long match[sizeof(text) / sizeof(text[0])];
	unsigned int i;

	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		explain_parse_line(text[i], strlen(text[i]), &lines[i]);
	tap_eq_i64(t, explain_match(lines, i, recs, sizeof(recs) / sizeof(recs[0]), 4096, match), 0,
		   "explain: match runs");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		tap_eq_i64(t, match[i], want[i], "explain: line %u matches record index %ld", i, want[i]);
	tap_ok(t, !explain_candidate(&lines[0], &recs[2], 4096),
	       "explain: a map-count record is never a line's");
	recs[0].printk_ns = 0;	/* a module without it */
	tap_eq_u64(t, explain_record_clock(&recs[0]), recs[0].ev.time_ns,
		   "explain: a record without printk_ns is on CLOCK_MONOTONIC");
	recs[0].printk_ns = 100000000000ULL;
	tap_eq_u64(t, explain_tolerance_ns(0), 1000000000ULL, "explain: tolerance 1 s at boot");
	tap_eq_u64(t, explain_tolerance_ns(86400000000000ULL), 44200000000ULL,
		   "explain: ... plus 500 ppm: 43.2 s more after a day");
	lines[0].time_ns = 0;	/* a record of 100 s against a line at 0 */
	tap_ok(t, !explain_candidate(&lines[0], &recs[0], 4096),
	       "explain: a record 100 s away is not a candidate");
}

static void test_reasons(struct tap *t)
{
	struct vmacct_record recs[] = {
		rec(5, VMACCT_EV_DECISION, 10, "app", 1, 100),
		rec(6, VMACCT_EV_DECISION, 10, "app", 1, 200),
	};
	struct explain_ring ring = { .enabled = true, .lost = 4, .total = 6, .capacity = 2,
				     .now_ns = 1000000000000ULL };
	struct explain_line early = parse("[   50.000000] " FN "pid: 9, comm: x, bytes: 4096" END69);
	struct explain_line mid = parse("[  150.000000] " FN "pid: 9, comm: x, bytes: 4096" END69);
	struct explain_line late = parse("[ 2000.000000] " FN "pid: 9, comm: x, bytes: 4096" END69);
	struct explain_line untimed = parse(FN "pid: 9, comm: x" END61);
	char buf[512];

	tap_eq_i64(t, explain_reason(&early, &ring, recs, 2), EXPLAIN_R_OVERWRITTEN,
		   "explain: before the oldest kept, some lost: overwritten");
	tap_contains(t, explain_reason_text(EXPLAIN_R_OVERWRITTEN, &early, &ring, recs, 2,
					    buf, sizeof(buf)),
		     "before the oldest record kept (#5, 100.000000 s), and 4 older refusals were overwritten",
		     "... saying so with the numbers");
	tap_eq_i64(t, explain_reason(&late, &ring, recs, 2), EXPLAIN_R_EARLIER_BOOT,
		   "explain: after the clock now: an earlier boot");
	tap_eq_i64(t, explain_reason(&mid, &ring, recs, 2), EXPLAIN_R_NOT_RECORDED,
		   "explain: among the records kept: not recorded");
	tap_eq_i64(t, explain_reason(&untimed, &ring, recs, 2), EXPLAIN_R_OVERWRITTEN,
		   "explain: no time, some lost: overwritten");
	ring.lost = 0;
	tap_eq_i64(t, explain_reason(&early, &ring, recs, 2), EXPLAIN_R_BEFORE_LOAD,
		   "explain: before the first, none lost: before load");
	tap_eq_i64(t, explain_reason(&untimed, &ring, recs, 2), EXPLAIN_R_UNKNOWN,
		   "explain: no time, none lost: unknown");
	tap_eq_i64(t, explain_reason(&mid, &ring, recs, 0), EXPLAIN_R_BEFORE_LOAD,
		   "explain: no record at all: before load");
	ring.enabled = false;
	tap_eq_i64(t, explain_reason(&mid, &ring, recs, 2), EXPLAIN_R_RECORDER_OFF,
		   "explain: the recorder off: recorder off");
	tap_eq_str(t, explain_reason_name(EXPLAIN_R_RECORDER_OFF), "recorder_off",
		   "explain: its JSON name");
}

static void test_settings(struct tap *t)
{
	struct vmacct_commit c = { .page_size = 4096, .totalram = 2000000, .hugetlb = 0,
				   .total_swap = 262144, .user_reserve = 32768 };
	struct vmacct_eval e = { .mode = 2, .pages = 2441406, .verdict = -ENOMEM,
				 .limit = 1262144, .margin = -2420811 };
	uint32_t ratio;
	uint64_t kb;
	char buf[256];

	/* need = limit - margin - swap = 3420811 pages */
	explain_min_settings(&e, &c, &ratio, &kb);
	tap_ok(t, ratio == 172 && kb == 13683244,
	       "explain: reconstruction's settings: ratio 172, kbytes 13683244 (got %u, %llu)",
	       ratio, (unsigned long long)kb);
	tap_eq_str(t, explain_recon_fix(&e, &c, buf, sizeof(buf)),
		   "vm.overcommit_ratio ≥ 172 or vm.overcommit_kbytes ≥ 13683244 would allow it now",
		   "explain: ... as a phrase");
	c.totalram = 0;
	explain_min_settings(&e, &c, &ratio, &kb);
	tap_ok(t, ratio == VMACCT_RATIO_NONE && kb == 13683244,
	       "explain: no RAM to scale: no ratio would do");
	e.mode = 0;
	tap_eq_str(t, explain_recon_fix(&e, &c, buf, sizeof(buf)),
		   "only RAM + swap above 2441405 pages, or vm.overcommit_memory=1, would allow it",
		   "explain: mode 0's fix");
	e.verdict = 0;
	tap_starts_with(t, explain_recon_fix(&e, &c, buf, sizeof(buf)), "none: it would pass now",
			"explain: nothing to fix when it would pass now");
}

static void test_printers(struct tap *t)
{
	static const char *const names[] = { "\x1b]0;x\x07 \xff" };
	struct vmacct_commit c = { .page_size = 4096, .user_reserve = 32768 };
	struct vmacct_record r = rec(8, VMACCT_EV_DECISION, 206, names[0], 8196, 10);
	struct vmacct_eval e = { .mode = 2, .pages = 1, .limit = 100, .allowed = 90,
				 .margin = 5 };
	struct explain_out o = { .number = 3, .c = &c };
	struct explain_line l;
	struct membuf m;
	char line[256], *out;
	FILE *f;

	r.ev.caller = VMACCT_CALLER_FORK;
	snprintf(line, sizeof(line), "[   10.000001] " FN "pid: 206, comm: %s, bytes: 33570816" END69,
		 names[0]);
	explain_parse_line(line, strlen(line), &l);
	o.l = &l;
	o.rec = &r;
	f = mem_open(&m);
	if (!f) {
		tap_ok(t, false, "explain: memory stream");
		return;
	}
	explain_print(f, &o);
	o.rec = NULL;
	o.reason = EXPLAIN_R_UNKNOWN;
	o.reason_text = "why";
	o.eval = &e;
	explain_print(f, &o);
	out = mem_take(&m);
	check_safe_text(t, out, "explain: text of a hostile line");
	tap_contains(t, out, "line 3: [   10.000001] " FN "pid: 206, comm: \\x1b]0;x\\x07 \\xff, bytes:",
		     "explain: the line escaped");
	tap_contains(t, out, "this is the charge of ONE VMA (8196 pages), not the whole fork; for the whole fork, if process 206 still exists: vmacct fork-check 206",
		     "explain: a fork's line is one VMA, and fork-check is suggested");
	tap_contains(t, out, "  no record: why\n  RECONSTRUCTION from the terms of now (NOT the kernel's decision then):\n",
		     "explain: without a record: the reason, and the reconstruction labelled");
	free(out);

	f = mem_open(&m);
	if (!f)
		return;
	o.rec = &r;
	explain_print_json(f, &o);
	o.rec = NULL;
	explain_print_json(f, &o);
	out = mem_take(&m);
	check_strict_json(t, out, true, names, 1, "explain --json of a hostile line");
	tap_contains(t, out, "\"record\":{\"seq\":8,", "explain: the record's object, as log --json");
	tap_contains(t, out, "\"record\":null,\"reason\":\"unknown\",\"reason_text\":\"why\"",
		     "explain: without a record: null, and the reason");
	free(out);

	snprintf(line, sizeof(line), "Dec 02 15:34:36 host kernel: " FN "pid: 206, comm: x" END61);
	explain_parse_line(line, strlen(line), &l);
	memcpy(r.ev.comm, "x", 2);
	o.rec = &r;
	f = mem_open(&m);
	if (!f)
		return;
	explain_print(f, &o);
	out = mem_take(&m);
	tap_contains(t, out, "(thread 206, the same name, 8196 pages (the line does not say its size), the oldest such not taken by another line: this line has no kernel time stamp):\n  #8 ",
		     "explain: a 6.1 line without a time stamp: how it was matched");
	free(out);
}

/* ---- the built tool through the fake device ---- */

struct fake {
	char preload[PATH_MAX + 16];
	const struct test_env *env;
};

#define ENV(...)  ((const char *const[]){ __VA_ARGS__, NULL })
#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
/* the printk clock now; CLOCK_MONOTONIC, the host's own, must not matter */
#define NOW	"FAKE_VMACCT_PRINTK=161000000000000"

static int run_fake(struct fake *f, struct run_result *r, const char *const extra[],
		    const char *const args[], const char *input)
{
	char *argv[12], *envv[20];
	size_t i, k = 0;

	argv[0] = (char *)f->env->tool;
	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	if (f->preload[0])
		envv[k++] = f->preload;
	for (i = 0; extra && extra[i] && k + 10 < sizeof(envv) / sizeof(envv[0]); i++)
		envv[k++] = (char *)extra[i];
	envv[k++] = "FAKE_VMACCT_ERR=";
	envv[k++] = "FAKE_VMACCT_REC=";
	envv[k++] = "FAKE_VMACCT_REC_OFF=";
	envv[k++] = "FAKE_VMACCT_KMSG=";
	envv[k++] = "FAKE_VMACCT_MONO=";
	envv[k++] = "FAKE_VMACCT_PRINTK=";
	envv[k++] = "FAKE_VMACCT_REC_VER0=";
	envv[k++] = "FAKE_VMACCT_LOG=";
	envv[k] = NULL;
	if (run_capture_input(argv, envv, r, input)) {
		tap_diag("cannot run %s", f->env->tool);
		return -1;
	}
	return r->status;
}

static unsigned int count_lines(const char *s)
{
	unsigned int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static void test_cli_file(struct tap *t, struct fake *f, const char *lines)
{
	const char *want[] = { "\x1b[1mev\n\"q\\" };
	struct run_result r, s;

	tap_eq_i64(t, run_fake(f, &r, ENV(NOW), ARGS("explain", lines), NULL), VM_EXIT_OK,
		   "fake device: explain FILE exits 0");
	tap_eq_fixture(t, f->env, r.out, "explain-fake.txt");
	check_safe_text(t, r.out, "explain FILE");
	tap_contains(t, r.out, "line 2: [89000.000100] " FN "pid: 901, comm: java, bytes: 1073741824" END69
		     "\n  the kernel's decision: record #3 (thread 901, the same name, 262144 pages = the line's bytes, time stamps 0.000100 s apart):\n  #3 ",
		     "... the dmesg line matched to record #3, the closest in time");
	tap_contains(t, r.out, "line 4: 4,1235,155600000010,-,caller=T4000;" FN "pid: 4000, comm: \\\\x1b[1mev\\\\x0a\"q\\\\x5c, bytes: 12288000000" END69
		     "\n  the kernel's decision: record #4 ",
		     "... the /dev/kmsg line with the hostile name matched to #4, its escapes escaped");
	tap_contains(t, r.out, "  no record: the recorder kept refusals from 89000.000000 s to 160990.000000 s after boot, but none of thread 31337",
		     "... a line among the records, without one: not recorded");
	tap_contains(t, r.out, "    1 page (4 KiB) in mode 2 now: ALLOW — committed 1239500 (± 7808) + the request, allowed 1260096 = limit 1262144 − admin 2048 − user 0: 20594 more pages (80.4 MiB) would still pass\n",
		     "... and its reconstruction: a dry run of its size, without a user reserve");
	tap_contains(t, r.out, "did not print 5 refusals before this line; \"vmacct log\" has them, if the recorder was on",
		     "... the ratelimit's line");
	tap_contains(t, r.out, "the line does not say the size (the 6.1 format prints none); mode 2 now",
		     "... the 6.1 line: the terms only");
	tap_contains(t, r.out, "and 2 older refusals were overwritten (the ring keeps 4): its record was probably one of them",
		     "... a line older than the ring: overwritten");
	tap_contains(t, r.out, "    fix now: vm.overcommit_ratio ≥ 172 or vm.overcommit_kbytes ≥ 13683244 would allow it now\n",
		     "... with the settings that would let its size pass now");
	tap_contains(t, r.out, "is later than the clock now (161000.000000 s): the line is from an earlier boot",
		     "... a line after the clock: an earlier boot");
	tap_ok(t, !strstr(r.out, "(quoted)") && !strstr(r.out, "myapp"),
	       "... the lines that only look like the kernel's are left out");
	tap_eq_str(t, r.err,
		   "vmacct: explain: 8 lines of __vm_enough_memory in 11 read: 3 matched to a record, 4 without one; 5 refusals left out by the ratelimit; 4 records kept of 6 recorded since load\n",
		   "... the totals on stderr");

	tap_eq_i64(t, run_fake(f, &s, ENV(NOW), ARGS("explain"), lines), VM_EXIT_OK,
		   "fake device: explain reading standard input exits 0");
	tap_eq_str(t, s.out, r.out, "... the same output as from the file");
	run_free(&s);
	tap_eq_i64(t, run_fake(f, &s, ENV(NOW), ARGS("explain", "-"), lines), VM_EXIT_OK,
		   "fake device: explain - exits 0");
	tap_eq_str(t, s.out, r.out, "... the same output");
	run_free(&s);
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV(NOW), ARGS("explain", "--json", lines), NULL), VM_EXIT_OK,
		   "fake device: explain --json exits 0");
	tap_eq_fixture(t, f->env, r.out, "explain-fake.jsonl");
	tap_eq_i64(t, count_lines(r.out), 8, "... one object per line of the kernel");
	tap_contains(t, r.out, "\"prefix\":\"dmesg\",\"pid\":900,\"tid\":901,\"comm\":\"java\",",
		     "... a thread's line: tid the id the kernel printed, pid its process (the record's tgid)");
	tap_contains(t, r.out, "\"kind\":\"suppressed\",\"format\":\"ratelimit\",\"prefix\":\"dmesg\",\"pid\":null,\"tid\":null,\"comm\":null,",
		     "... the ratelimit's line: neither");
	tap_contains(t, r.out, "\"kernel_time_ns\":null,\"kernel_time\":null,",
		     "... a line without a time stamp: both times null");
	check_strict_json(t, r.out, true, want, 1, "explain --json");
	tap_ok(t, r.err && !*r.err, "... nothing on stderr");
	run_free(&r);

	/* records 2 s later in CLOCK_MONOTONIC than in the printk clock */
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_REC_VER0=1", "FAKE_VMACCT_MONO=161002000000000"),
			       ARGS("explain", lines), NULL), VM_EXIT_OK,
		   "fake device: explain with a module without the printk clock exits 0");
	tap_contains(t, r.out, "record #3 (thread 901, the same name, 262144 pages = the line's bytes, time stamps 1.999900 s apart)",
		     "... matches on CLOCK_MONOTONIC instead, within its tolerance");
	tap_contains(t, r.out, "is later than the clock now (161002.000000 s)",
		     "... and takes CLOCK_MONOTONIC as the clock now");
	run_free(&r);
	tap_eq_i64(t, run_fake(f, &r, ENV("FAKE_VMACCT_REC_VER0=1", "FAKE_VMACCT_MONO=161002000000000"),
			       ARGS("explain", "--json", lines), NULL), VM_EXIT_OK,
		   "fake device: explain --json with that module exits 0");
	tap_contains(t, r.out, "\"boottime_ns\":90000000000000,\"printk_ns\":null,",
		     "... its records' printk_ns null, not the CLOCK_MONOTONIC it matched on");
	run_free(&r);
}

static void test_cli_kmsg(struct tap *t, struct fake *f, const char *kmsg)
{
	char env[PATH_MAX + 32];
	struct run_result r;

	snprintf(env, sizeof(env), "FAKE_VMACCT_KMSG=%s", kmsg);
	tap_eq_i64(t, run_fake(f, &r, ENV(NOW, env), ARGS("explain", "--dmesg", "--json"), NULL),
		   VM_EXIT_OK, "fake device: explain --dmesg --json exits 0");
	tap_eq_i64(t, count_lines(r.out), 2, "... two lines of the kernel, the continuation skipped");
	tap_contains(t, r.out, "\"prefix\":\"kmsg\",\"pid\":206,\"tid\":206,\"comm\":\"redis-server\",\"bytes\":33570816,\"kernel_time_ns\":160880000050000,\"kernel_time\":\"PT160880.000050000S\",\"suppressed\":null,\"record\":{\"seq\":5,",
		     "... the fork line matched to record #5: tid the printed id, pid its record's process, the time as an ISO 8601 duration since boot");
	tap_contains(t, r.out, "\"fork_check_pid\":206,", "... with fork-check's pid");
	tap_contains(t, r.out, "\"prefix\":\"kmsg\",\"pid\":null,\"tid\":77,\"comm\":\"es\",",
		     "... the other: its thread, and no process without a record to say it");
	tap_contains(t, r.out, "\"record\":null,\"reason\":\"not_recorded\",",
		     "... the other without a record");
	tap_contains(t, r.out, "\"reconstruction\":{\"label\":\"reconstruction from the terms of now, not the kernel's decision\",\"pages\":2,\"mode\":2,\"verdict\":\"allow\",",
		     "... and its reconstruction");
	check_strict_json(t, r.out, true, NULL, 0, "explain --dmesg --json");
	run_free(&r);

	tap_eq_i64(t, run_fake(f, &r, ENV(NOW, "FAKE_VMACCT_KMSG=1"), ARGS("explain", "-d"), NULL),
		   VM_EXIT_PERM, "fake device: explain -d refused by /dev/kmsg (EPERM) exits 4");
	tap_eq_str(t, r.err, "vmacct: /dev/kmsg: Operation not permitted — reading the kernel's log needs CAP_SYSLOG while kernel.dmesg_restrict is 1: run as root\n",
		   "... naming the capability and the sysctl");
	run_free(&r);
}

static void test_cli_errors(struct tap *t, struct fake *f, const char *lines)
{
	struct run_result r;
	struct fake none = { .env = f->env };

	tap_eq_i64(t, run_fake(f, &r, ENV(NOW, "FAKE_VMACCT_ERR=1"), ARGS("explain", lines), NULL),
		   VM_EXIT_PERM, "fake device: explain without CAP_PERFMON (EPERM) exits 4");
	tap_eq_str(t, r.err, "vmacct: /dev/vmacct: VMACCT_IOC_LOG: Operation not permitted — the recorder needs CAP_PERFMON or CAP_SYS_ADMIN (run as root)\n",
		   "... with the hint of log");
	tap_ok(t, r.out && !*r.out, "... and nothing on stdout");
	run_free(&r);
	tap_eq_i64(t, run_fake(f, &r, ENV(NOW, "FAKE_VMACCT_ERR=25"), ARGS("explain", lines), NULL),
		   VM_EXIT_ABI, "fake device: a module without the recorder (ENOTTY) exits 5");
	run_free(&r);
	tap_eq_i64(t, run_fake(&none, &r, NULL, ARGS("explain", lines), NULL), VM_EXIT_NOT_LOADED,
		   "explain without the module exits 3");
	tap_contains(t, r.err, "vmacct: explain needs the module: module vmacct is not loaded",
		     "... saying that explain needs it, and that it is not loaded");
	tap_contains(t, r.err, "vmacct: explain: the lines are matched with the module's records: load it first (vmacct load)\n",
		     "... and why explain needs it");
	run_free(&r);
	tap_eq_i64(t, run_fake(f, &r, ENV(NOW, "FAKE_VMACCT_REC_OFF=1"), ARGS("explain", "-j", lines), NULL),
		   VM_EXIT_OK, "fake device: explain with the recorder off exits 0");
	tap_contains(t, r.out, "\"reason\":\"recorder_off\"", "... a line without a record: the recorder is off");
	tap_starts_with(t, r.err, "vmacct: warning: the recorder is off", "... and a warning");
	run_free(&r);
	tap_eq_i64(t, run_fake(f, &r, ENV(NOW, "FAKE_VMACCT_REC=0 16"), ARGS("explain", "-j", lines), NULL),
		   VM_EXIT_OK, "fake device: explain with no record at all exits 0");
	tap_ok(t, strstr(r.out, "\"reason\":\"before_load\"") && !strstr(r.out, "\"record\":{"),
	       "... no line matched, each before load");
	run_free(&r);
	tap_eq_i64(t, run_fake(f, &r, ENV(NOW), ARGS("explain", "/nonexistent/kern.log"), NULL),
		   VM_EXIT_FAILED, "fake device: explain of a missing file exits 1");
	tap_eq_str(t, r.err, "vmacct: /nonexistent/kern.log: No such file or directory\n", "... naming it");
	run_free(&r);
	tap_eq_i64(t, run_fake(f, &r, ENV(NOW), ARGS("explain", "--dmesg", lines), NULL),
		   VM_EXIT_USAGE, "fake device: explain FILE --dmesg is a usage error");
	tap_eq_str(t, r.err, "vmacct: explain: FILE and --dmesg exclude each other — see: vmacct explain --help\n",
		   "... saying why");
	run_free(&r);
	tap_eq_i64(t, run_fake(f, &r, ENV(NOW), ARGS("explain", lines, lines), NULL),
		   VM_EXIT_USAGE, "fake device: explain with two files is a usage error");
	run_free(&r);
	tap_eq_i64(t, run_fake(f, &r, ENV(NOW), ARGS("explain"), NULL), VM_EXIT_OK,
		   "fake device: explain of empty input exits 0");
	tap_eq_str(t, r.err, "vmacct: explain: no line of __vm_enough_memory in the 0 lines read\n",
		   "... saying there was nothing");
	run_free(&r);
}

void test_explain(struct tap *t, const struct test_env *env)
{
	char path[PATH_MAX], lines[PATH_MAX], kmsg[] = "/tmp/vmacct-kmsg.XXXXXX";
	struct fake f = { .env = env };
	FILE *k;
	int fd;

	test_formats(t);
	test_hostile_comms(t);
	test_lookalikes(t);
	test_matching(t);
	test_reasons(t);
	test_settings(t);
	test_printers(t);

	if (!env->fake_dev || !realpath(env->fake_dev, path)) {
		tap_skip(t, "no --fake-dev", "explain end to end through a fake /dev/vmacct");
		return;
	}
	snprintf(f.preload, sizeof(f.preload), "LD_PRELOAD=%s", path);
	fixture_path(lines, sizeof(lines), env, "explain-lines.txt");
	test_cli_file(t, &f, lines);
	fd = mkstemp(kmsg);
	k = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!k) {
		tap_ok(t, false, "a temporary file standing in for /dev/kmsg");
		return;
	}
	fputs("6,10,5000000,-;Linux version 6.12\n"
	      "4,11,160880000050,-;" FN "pid: 206, comm: redis-server, bytes: 33570816" END69 "\n"
	      " SUBSYSTEM=mem\n"
	      "4,12,160500000000,-;" FN "pid: 77, comm: es, bytes: 8192" END69 "\n", k);
	fclose(k);
	test_cli_kmsg(t, &f, kmsg);
	unlink(kmsg);
	test_cli_errors(t, &f, lines);
}
