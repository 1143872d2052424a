// SPDX-License-Identifier: GPL-2.0
/* Host tests: "vmacct fork-check" rendering (forkcheck.c) on hand-made answers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forkcheck.h"
#include "machine.h"
#include "tap.h"

/*
 * A redis-server with a 2 GiB heap (total_vm 600000, 12 charged VMAs,
 * 550000 pages charged) forking for BGSAVE, not CAP_SYS_ADMIN:
 *   user reserve min(600000 / 32, 32768) = 18750
 *   A = 1262144 - 2048 - 18750 = 1241346
 *   mode 2: 1239500 + 550000 = 1789500 is not below A: denied by
 *           CommitLimit itself (>= 1262144); margin A - 1 - 1789500 = -548155
 *   mode 0: the largest VMA 524288 <= 2262144: margin 1737856
 *   min ratio: CommitLimit must reach 1789500 + 20798 + 1 = 1810299:
 *           2000000 * r / 100 + 262144 >= 1810299 first at r = 78
 *   min kbytes: kbytes / 4 + 262144 >= 1810299 first at 6192620
 *   certain: committed + committed_error = 1247808 for the count, so
 *            1818607: ratio 78 still (1560000 >= 1556463), kbytes 6225852
 */
static struct vmacct_fork redis(void)
{
	struct vmacct_fork f = {
		.size = sizeof(f),
		.pid = 4242,
		.nr_charged = 12,
		.charge = 550000,
		.largest = 524288,
		.total_vm = 600000,
		.committed_read = 1239500,
		.committed = 1240000,
		.committed_error = 7808,
		.limit = 1262144,
		.guess_ceiling = 2262144,
		.admin_reserve = 2048,
		.user_reserve = 18750,
		.allowed = 1241346,
		.verdict = { 0, 0, -ENOMEM },
		.deciding_term = { VMACCT_TERM_GUESS_CEILING, VMACCT_TERM_NONE,
				   VMACCT_TERM_LIMIT },
		.margin = { 1737856, INT64_MAX, -548155 },
		.as_admin = 0,
		.slop_may_flip = 0,
		.min_ratio = 78,
		.min_kbytes = 6192620,
		.min_ratio_certain = 78,
		.min_kbytes_certain = 6225852,
	};
	return f;
}

static char *render(const struct vmacct_fork *f, const struct vmacct_commit *c,
		    const struct fork_request *r, bool json)
{
	struct membuf m;

	if (!mem_open(&m))
		return NULL;
	if (json)
		fork_print_json(m.f, f, c, r);
	else
		fork_print_human(m.f, f, c, r);
	return mem_take(&m);
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while (hay && (hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

void test_fork(struct tap *t, const struct test_env *env)
{
	struct vmacct_commit c = test_machine();
	struct fork_request req = { .pid = 4242, .self = 0, .comm = "redis-server" };
	struct fork_request self = { .pid = 777, .self = 1, .comm = "vmacct" };
	struct vmacct_fork f = redis();
	char *out;

	tap_ok(t, fork_min_ratio_possible(&f), "min_ratio 78 is a ratio");
	f.min_ratio = 0;
	tap_ok(t, fork_min_ratio_possible(&f), "min_ratio 0 is a ratio");
	f.min_ratio = 0xffffffff;
	tap_ok(t, !fork_min_ratio_possible(&f), "min_ratio 0xffffffff is none");
	f.min_kbytes = UINT64_MAX;
	tap_ok(t, !fork_min_kbytes_possible(&f), "min_kbytes UINT64_MAX is none");
	f.min_kbytes = 0;
	tap_ok(t, fork_min_kbytes_possible(&f), "min_kbytes 0 is a value (CommitLimit = swap)");

	/* an admin parent under SELinux */
	f = redis();
	f.as_admin = 1;
	req.selinux = true;
	out = render(&f, &c, &req, false);
	tap_contains(t, out, "SELinux is active: its policy may take that waiver away\n",
		     "human: SELinux may withdraw the waiver of an admin parent");
	free(out);
	req.selinux = false;

	/* mode 2 in force, denied: the BGSAVE case */
	f = redis();
	out = render(&f, &c, &req, false);
	tap_eq_fixture(t, env, out, "fork-redis-mode2.txt");
	tap_starts_with(t, out, "fork() of pid 4242 (redis-server) would charge 2.1 GiB (550000 pages) in 12 VMAs\n",
			"human: the first line is the charge, in size, pages and VMAs");
	tap_eq_u64(t, count(out, "<- in force now"), 1, "human: one row is marked in force");
	tap_contains(t, out, "  2 never   DENY     CommitLimit          -548155    -2.1 GiB   <- in force now\n",
		     "human: ... the mode-2 row, with verdict, term and margin");
	tap_contains(t, out, "  1 always  ALLOW    nothing            unlimited\n",
		     "human: mode 1 row, unlimited, no trailing blanks");
	tap_contains(t, out, "\nin force now: mode 2 (never), so fork() would fail with ENOMEM: 548155 pages (2.1 GiB) too many to pass\n",
		     "human: what will happen under the mode in force");
	tap_contains(t, out, "  overcommit_ratio  >= 78 certain   (now 50)\n",
		     "human: the smallest certain ratio and the current one");
	tap_contains(t, out, "  overcommit_kbytes >= 6225852 kB (5.9 GiB) certain   (now 0)\n",
		     "human: the smallest certain kbytes, in kB and size");
	tap_contains(t, out, "(± 7808 pages);\n  the flip point as the count reads now is overcommit_ratio 78 or 6192620 kB (5.9 GiB),\n",
		     "human: the flip points as the count reads now, beside the error");
	tap_contains(t, out, "raise overcommit_ratio\nto 78 (certain) or",
		     "human: the advice names the certain ratio");
	tap_contains(t, out, "writing overcommit_ratio sets overcommit_kbytes to 0, and writing overcommit_kbytes\n",
		     "human: the note that each sysctl zeroes the other");
	tap_contains(t, out, "or use mode 1 / add swap; see README\n", "human: the Redis advice when mode 2 denies");
	free(out);
	out = render(&f, &c, &req, true);
	tap_eq_fixture(t, env, out, "fork-redis-mode2.json");
	free(out);

	/* a module without the certain settings: the flip points, as before */
	f.size = VMACCT_FORK_SIZE_VER0;
	out = render(&f, &c, &req, false);
	tap_contains(t, out, "  overcommit_ratio  >= 78   (now 50)\n",
		     "human, 176-byte answer: the smallest ratio and the current one");
	tap_contains(t, out, "  overcommit_kbytes >= 6192620 kB (5.9 GiB)   (now 0)\n",
		     "human, 176-byte answer: the smallest kbytes, in kB and size");
	tap_ok(t, !strstr(out, "certain"), "human, 176-byte answer: nothing said certain");
	free(out);
	out = render(&f, &c, &req, true);
	tap_contains(t, out, "\"min_ratio_certain\": null,", "JSON, 176-byte answer: min_ratio_certain null");
	free(out);
	f.size = sizeof(f);

	/* no ratio can help; kbytes none; ratio ignored while kbytes is set */
	f.min_ratio = f.min_ratio_certain = 0xffffffff;
	f.min_kbytes = f.min_kbytes_certain = UINT64_MAX;
	c.overcommit_kbytes = 4194304;
	out = render(&f, &c, &req, false);
	tap_contains(t, out, "  overcommit_ratio  none: no ratio is large enough   (now 50, ignored while overcommit_kbytes is set)\n",
		     "human: min_ratio 0xffffffff is none, and the current ratio is ignored");
	tap_contains(t, out, "  overcommit_kbytes none: no value is large enough   (now 4194304)\n",
		     "human: min_kbytes none");
	free(out);
	out = render(&f, &c, &req, true);
	tap_contains(t, out, "\"min_ratio\": null,", "JSON: min_ratio none is null");
	tap_contains(t, out, "\"min_kbytes\": null,", "JSON: min_kbytes none is null");
	free(out);
	c = test_machine();

	/* mode 0 in force, and one VMA larger than RAM + swap */
	f = redis();
	f.largest = 3000000;
	f.verdict[0] = -ENOMEM;
	f.margin[0] = 2262144 - 3000000;
	c.overcommit_memory = 0;
	out = render(&f, &c, &req, false);
	tap_contains(t, out, "  0 guess   DENY     mode-0 ceiling       -737856    -2.8 GiB   <- in force now\n",
		     "human: mode 0 denies a VMA larger than RAM + swap, in force");
	tap_contains(t, out, "\nin force now: mode 0 (guess), so fork() would fail with ENOMEM", "human: mode 0 in force fails");
	tap_contains(t, out, "mode 0 refuses to copy it\non fork(): use mode 1 / add swap; see README\n",
		     "human: the mode-0 advice");
	tap_ok(t, out && !strstr(out, "raise overcommit_ratio"), "human: no ratio advice when mode 0 is in force");
	free(out);
	out = render(&f, &c, &req, true);
	tap_contains(t, out, "\"mode_now\": 0,\n  \"verdict_now\": \"deny\",", "JSON: mode_now 0, verdict_now deny");
	free(out);
	c = test_machine();

	/* mode 2 passes: no advice; the settings are how far it could go down */
	f = redis();
	f.charge = 1000;
	f.verdict[2] = 0;
	f.margin[2] = 845;
	f.min_ratio = 50;
	f.min_kbytes = 3996620;
	f.slop_may_flip = 1;
	out = render(&f, &c, &self, false);
	tap_starts_with(t, out, "fork() of pid 777 (vmacct, this tool) would charge 3.9 MiB (1000 pages) in 12 VMAs\n",
			"human: self is named as this tool");
	tap_contains(t, out, "\nin force now: mode 2 (never), so fork() would succeed: 845 more pages (3.3 MiB) would still pass\n",
		     "human: mode 2 in force passes with its margin");
	tap_contains(t, out, "\nbounded by: CommitLimit — ", "human: an allowed verdict is bounded");
	tap_contains(t, out, "mode 2 lets this fork pass now; the smallest settings that still would:\n",
		     "human: the settings read as how low they could go");
	tap_contains(t, out, "note: within the per-CPU counter error (± 7808 pages): the mode-2 verdict could go either way\n",
		     "human: the slop note");
	tap_ok(t, out && !strstr(out, "advice:"), "human: no advice when the fork passes");
	free(out);

	/* a mode this tool does not know */
	f = redis();
	c.overcommit_memory = 7;
	out = render(&f, &c, &req, false);
	tap_contains(t, out, "\nin force now: overcommit_memory 7, not a mode this tool knows\n",
		     "human: unknown mode in force");
	tap_eq_u64(t, count(out, "<- in force now"), 0, "human: no row marked in force");
	free(out);
	out = render(&f, &c, &req, true);
	tap_contains(t, out, "\"mode_now\": 7,\n  \"verdict_now\": null,", "JSON: verdict_now null for an unknown mode");
	free(out);
	c = test_machine();

	/* nothing charged: mode 2 makes no check (module/query.c) */
	f = redis();
	f.nr_charged = 0;
	f.charge = 0;
	f.verdict[2] = 0;
	f.margin[2] = INT64_MAX;
	out = render(&f, &c, &req, true);
	tap_contains(t, out, "\"margin_pages\": null,\n      \"margin_unlimited_reason\": \"nothing_charged\"\n",
		     "JSON: mode 2 with nothing charged: margin null, reason nothing_charged");
	tap_contains(t, out, "\"margin_pages\": null,\n      \"margin_unlimited_reason\": \"mode_1_no_check\"\n",
		     "JSON: mode 1 still says mode_1_no_check");
	tap_ok(t, out && !strstr(out, "9223372036854775807"), "JSON: no sentinel number");
	free(out);
}
