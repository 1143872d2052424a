// SPDX-License-Identifier: GPL-2.0
/* Host tests: status warnings and rendering (report.c) on hand-made snapshots. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "report.h"
#include "tap.h"

static struct vmacct_version version(void)
{
	struct vmacct_version v = {
		.size = sizeof(v),
		.abi_version = VMACCT_ABI_VERSION,
		.module_version = 0x000100,
		.kernel_version = 0x060c00,
		.algorithm = VMACCT_ALGO_V5_2,
		.commit_size = sizeof(struct vmacct_commit),
	};
	return v;
}

/*
 * One hour, two minutes and 3.5 s of counting; a few kinds asked.  The
 * fake device answers the same (tests/fixtures/fake-dev.c).
 */
static struct vmacct_stats sample_stats(void)
{
	struct vmacct_stats s = {
		.size = sizeof(s),
		.enabled = 1,
		.counting_ns = 3723500000000ULL,
		.decisions = {
			[VMACCT_CALLER_MMAP] = 5000,
			[VMACCT_CALLER_FORK] = 300,
			[VMACCT_CALLER_STACK_GROWTH] = 12,
		},
		.denied = {
			[VMACCT_CALLER_MMAP] = 2,
			[VMACCT_CALLER_FORK] = 1,
		},
		.map_count = {
			[VMACCT_SYS_MMAP] = 1,
			[VMACCT_SYS_MUNMAP] = 7,
		},
	};
	return s;
}

static struct status_view test_view;	/* what render_stats() draws with */

static char *render_stats(const struct vmacct_commit *c,
			  const struct vmacct_stats *s, bool json)
{
	struct vmacct_version v = version();
	struct status_view view = test_view;
	struct status_warnings w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	status_warnings(c, &w);
	if (json)
		status_print_json(f, &v, c, s, &w);
	else
		status_print_human(f, &v, c, s, &w, &view);
	fclose(f);
	return buf;
}

static char *render(const struct vmacct_commit *c, bool json)
{
	struct vmacct_stats s = sample_stats();

	return render_stats(c, &s, json);
}

/* The counters section: derived from sample_stats(), and its absences. */
static void test_stats(struct tap *t)
{
	struct vmacct_commit c = test_machine();
	struct vmacct_stats s = sample_stats();
	char *out;

	out = render_stats(&c, &s, false);
	tap_contains(t, out, "\ncounting on (counted 1h 02m 03s since load)\ndecisions    counted denied\n",
		     "human: counting time 3723.5 s as 1h 02m 03s, then the decisions table");
	tap_contains(t, out, "\nall             5312      3\n",
		     "human: all callers summed, 5000 + 300 + 12 and 2 + 1");
	tap_contains(t, out, "\nstack growth      12      0\n",
		     "human: a caller with decisions and no denial has its row");
	tap_ok(t, out && !strstr(out, "\nbrk "), "human: a caller that never asked has no row");
	tap_contains(t, out, "\n\nmap-count failures calls\nmmap                   1\nmunmap                 7\n",
		     "human: map-count failures by system call, a table of their own");
	free(out);

	/* the counters' tables are drawn as the others: -r, -n */
	test_view.raw = test_view.noheadings = true;
	out = render_stats(&c, &s, false);
	test_view.raw = test_view.noheadings = false;
	tap_contains(t, out, "\ncounting on (counted 1h 02m 03s since load)\nmmap 5000 2\nfork 300 1\nstack\\x20growth 12 0\nall 5312 3\n\nmmap 1\nmunmap 7\n",
		     "human -rn: the counters raw, without headings, the counting line kept");
	free(out);

	s.missed = 4;
	s.enabled = 0;
	memset(s.map_count, 0, sizeof(s.map_count));
	out = render_stats(&c, &s, false);
	tap_contains(t, out, "counting off (counted", "human: stopped counting says off");
	tap_contains(t, out, "\nmap-count failures: none\n", "human: no map-count failure says none");
	tap_contains(t, out, "\ncalls not observed: 4 (", "human: missed calls shown");
	free(out);

	memset(&s, 0, sizeof(s));
	out = render_stats(&c, &s, false);
	tap_contains(t, out, "counting: off; decisions and map-count failures are not counted",
		     "human: never counted says so, with no zero rows");
	tap_ok(t, out && !strstr(out, "map-count failures calls") && !strstr(out, "decisions    counted"),
	       "human: ... and no counters");
	free(out);
	out = render_stats(&c, &s, true);
	tap_contains(t, out, "\"enabled\": false", "JSON: never counted is enabled false");
	free(out);

	out = render_stats(&c, NULL, false);
	tap_ok(t, out && !strstr(out, "counting"), "human: a module without counters: no section");
	free(out);
	out = render_stats(&c, NULL, true);
	tap_contains(t, out, "\"stats\": null", "JSON: a module without counters: stats null");
	free(out);
}

/* -o: the columns of the commit and memory tables, and only theirs. */
static void test_columns(struct tap *t)
{
	struct vmacct_commit c = test_machine();
	char what[120], *out;

	memset(&test_view, 0, sizeof(test_view));
	tap_eq_i64(t, status_view_parse(&test_view, "Key,PAGES", what, sizeof(what)), 0,
		   "status -o Key,PAGES: any case");
	out = render(&c, false);
	tap_contains(t, out, "\nkey                pages\nlimit            1262144\ncommitted        1240000\n",
		     "status -o key,pages: those columns, in that order, KEY headed key");
	tap_contains(t, out, "\nheadroom_root     -10624\nheadroom_nonroot  -12672\nguess_ceiling    2262144\n",
		     "status -o key,pages: the mode-2 rows have keys of their own");
	tap_contains(t, out, "\nkey          pages\ntotalram   2000000\n", "status -o: the memory table too");
	tap_contains(t, out, "\ndecisions    counted denied\n", "status -o: the decisions keep their columns");
	free(out);
	tap_eq_i64(t, status_view_parse(&test_view, "+key", what, sizeof(what)), 0,
		   "status -o +key after -o key,pages adds to those");
	tap_eq_u64(t, test_view.ncols, 3, "... three columns");
	memset(&test_view, 0, sizeof(test_view));
	tap_eq_i64(t, status_view_parse(&test_view, "+key", what, sizeof(what)), 0, "status -o +key");
	out = render(&c, false);
	tap_contains(t, out, "\ncommit                   pages      size note                                                                 key\n",
		     "status -o +key: the default columns, then KEY");
	free(out);
	tap_eq_i64(t, status_view_parse(&test_view, "pages,bogus", what, sizeof(what)), -EINVAL,
		   "status -o pages,bogus refused");
	tap_contains(t, what, "unknown column 'bogus' (see --list-columns)", "... naming it");
	tap_eq_i64(t, status_view_parse(&test_view, "pages,", what, sizeof(what)), -EINVAL,
		   "status -o 'pages,' refused");
	memset(&test_view, 0, sizeof(test_view));
}

static void check_golden(struct tap *t, const struct test_env *env,
			 const struct vmacct_commit *c, bool json,
			 const char *golden)
{
	char path[512];
	char *want = slurp(fixture_path(path, sizeof(path), env, golden));
	char *got = render(c, json);

	if (!want)
		tap_diag("cannot read %s", path);
	tap_eq_str(t, got, want, "%s output matches %s", json ? "JSON" : "human", golden);
	free(want);
	free(got);
}

static void test_parse_mode(struct tap *t)
{
	static const struct { const char *in; int err; uint32_t mode; } cases[] = {
		{ "0", 0, 0 }, { "1", 0, 1 }, { "2", 0, 2 },
		{ "guess", 0, 0 }, { "always", 0, 1 }, { "never", 0, 2 },
		{ "3", -EINVAL, 0 }, { "-1", -EINVAL, 0 }, { "02x", -EINVAL, 0 },
		{ "Never", -EINVAL, 0 }, { "unknown", -EINVAL, 0 }, { "", -EINVAL, 0 },
	};
	uint32_t mode;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mode = 99;
		if (cases[i].err)
			tap_eq_i64(t, parse_overcommit_mode(cases[i].in, &mode), cases[i].err,
				   "--mode \"%s\" is refused", cases[i].in);
		else
			tap_ok(t, parse_overcommit_mode(cases[i].in, &mode) == 0 &&
			       mode == cases[i].mode, "--mode \"%s\" is mode %u",
			       cases[i].in, cases[i].mode);
	}
	tap_eq_i64(t, parse_overcommit_mode(NULL, &mode), -EINVAL, "--mode NULL is refused");
}

void test_report(struct tap *t, const struct test_env *env)
{
	struct vmacct_commit c;
	struct status_warnings w;
	char *out;

	tap_eq_str(t, overcommit_mode_name(0), "guess", "mode 0 is guess");
	tap_eq_str(t, overcommit_mode_name(1), "always", "mode 1 is always");
	tap_eq_str(t, overcommit_mode_name(2), "never", "mode 2 is never");
	tap_eq_str(t, overcommit_mode_name(7), "unknown", "mode 7 is unknown");
	test_parse_mode(t);

	/* mode 2, healthy: no warning */
	c = test_machine();
	c.committed = 1000000;
	status_warnings(&c, &w);
	tap_eq_u64(t, w.n, 0, "mode 2 with headroom above the reserves: no warning");
	tap_eq_i64(t, commit_headroom(&c), 262144, "headroom = limit - committed");

	/* exactly at the reserves: still no warning */
	c.committed = c.limit - (c.admin_reserve + c.user_reserve);
	status_warnings(&c, &w);
	tap_eq_u64(t, w.n, 0, "mode 2 with headroom equal to the reserves: no warning");

	/* one page below the reserves */
	c.committed++;
	status_warnings(&c, &w);
	tap_ok(t, w.n == 1 && strstr(w.msg[0], "mode 2 and headroom (34815 pages) below the reserves (admin 2048 + user 32768 pages): non-root allocations fail"),
	       "mode 2 one page below the reserves warns with the numbers");

	/* at and over the limit */
	c.committed = c.limit;
	status_warnings(&c, &w);
	tap_ok(t, w.n == 1, "mode 2 at CommitLimit: exactly one warning (not also the reserves one)");
	tap_eq_str(t, w.msg[0],
		   "mode 2 and Committed_AS above CommitLimit: every new accountable allocation will fail (Committed_AS 1262144 >= CommitLimit 1262144 pages)",
		   "mode 2 at CommitLimit warns that every allocation will fail");
	c.committed = c.limit + 5000;
	status_warnings(&c, &w);
	tap_eq_i64(t, commit_headroom(&c), -5000, "headroom is negative over the limit");
	tap_contains(t, w.msg[0], "every new accountable allocation will fail", "mode 2 over CommitLimit warns");

	/* error bound: exactly 1% is fine, one page more is fuzzy */
	c = test_machine();
	c.committed = 1000000;
	c.limit = 1200000;
	c.committed_error = 12000;
	status_warnings(&c, &w);
	tap_eq_u64(t, w.n, 0, "committed_error exactly 1%% of CommitLimit: no warning");
	c.committed_error = 12001;
	status_warnings(&c, &w);
	tap_ok(t, w.n == 1 && strstr(w.msg[0], "verdicts near the limit are fuzzy") &&
	       strstr(w.msg[0], "12001 pages"),
	       "committed_error above 1%% of CommitLimit in mode 2 warns");
	c.overcommit_memory = 0;
	status_warnings(&c, &w);
	tap_eq_u64(t, w.n, 0, "the same error bound in mode 0: no warning");

	/* mode 0 over the limit is normal */
	c = test_machine();
	c.overcommit_memory = 0;
	c.committed = c.limit * 3;
	status_warnings(&c, &w);
	tap_eq_u64(t, w.n, 0, "mode 0 with Committed_AS above CommitLimit: no warning");

	/* mode 1, and overcommit_kbytes */
	c = test_machine();
	c.overcommit_memory = 1;
	c.overcommit_kbytes = 4194304;
	status_warnings(&c, &w);
	tap_ok(t, w.n == 2, "mode 1 with overcommit_kbytes: two warnings");
	tap_eq_str(t, w.msg[0], "mode 1 (always): no checks at all; the OOM killer is the only brake",
		   "mode 1 warning");
	tap_eq_str(t, w.msg[1], "overcommit_kbytes is set (4194304 kB): it defines CommitLimit and overcommit_ratio (50) is ignored",
		   "overcommit_kbytes warning names both values");
	c.overcommit_memory = 9;
	c.overcommit_kbytes = 0;
	status_warnings(&c, &w);
	tap_ok(t, w.n == 1 && strstr(w.msg[0], "unknown overcommit_memory value 9"),
	       "unknown mode warns");

	/* human output: kbytes in force, ratio ignored */
	c = test_machine();
	c.overcommit_kbytes = 4194304;
	out = render(&c, false);
	tap_contains(t, out, "overcommit_kbytes        4194304 kB (4 GiB), in force",
		     "human: overcommit_kbytes shown as in force");
	tap_contains(t, out, "overcommit_ratio         50%, ignored while overcommit_kbytes is set",
		     "human: ratio shown as ignored");
	free(out);

	/* human output: negative headroom, mode 0 has no reserve lines */
	c = test_machine();
	c.overcommit_memory = 0;
	c.committed = c.limit + 262144;
	out = render(&c, false);
	tap_contains(t, out, "\nheadroom               -262144  -1 GiB CommitLimit - Committed_AS\n",
		     "human: negative headroom in pages and bytes");
	tap_ok(t, out && !strstr(out, "headroom, non-root") && !strstr(out, "warning:"),
	       "human: mode 0 shows no reserve headroom and no warning");
	free(out);

	/* -r -n -b: the tables raw, without headings, sizes in bytes */
	c = test_machine();
	test_view.raw = test_view.noheadings = test_view.bytes = true;
	out = render(&c, false);
	test_view.raw = test_view.noheadings = test_view.bytes = false;
	tap_contains(t, out, "\nCommitLimit 1262144 5169741824 \n",
		     "status -rnb: a row, one blank between columns, bytes, an empty note");
	tap_contains(t, out, "\nheadroom,\\x20root -10624 -43515904 minus\\x20the\\x20user\\x20reserve\\x20(worst\\x20case)\n",
		     "status -rnb: blanks inside a cell as \\x20, a negative size");
	if (!tap_ok(t, out && !strstr(out, "\ncommit ") && !strstr(out, "\nmemory ") &&
		    !strstr(out, " GiB"),
		    "status -rnb: no heading, no human size"))
		tap_diag("%s", out ? out : "(null)");
	tap_contains(t, out, "  overcommit_memory        2 never", "status -rnb: the policy lines stay");
	free(out);
	test_view.bytes = true;
	out = render(&c, false);
	test_view.bytes = false;
	tap_contains(t, out, "\nRAM        2000000 8192000000\n", "status -b: RAM in bytes");
	tap_contains(t, out, "\nmemory       pages       size note\n", "status -b: headings kept");
	free(out);

	test_stats(t);
	test_columns(t);

	c = test_machine();
	check_golden(t, env, &c, false, "status-mode2.txt");
	check_golden(t, env, &c, true, "status-mode2.json");
}
