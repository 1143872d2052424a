// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: "vmacct check" rendering (check.c) and the verdict words
 * it shares with fork-check (verdict.c), on hand-made VMACCT_IOC_EVAL
 * answers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "machine.h"
#include "tap.h"
#include "verdict.h"

/*
 * 1 GiB for a process of total_vm 100000 without CAP_SYS_ADMIN in mode 2:
 * user reserve min(100000 / 32, 32768) = 3125;
 * allowed = 1262144 - 2048 - 3125 = 1256971;
 * 1239500 + 262144 = 1501644 is not below it: denied, and denied even
 * without the reserves (>= CommitLimit), so CommitLimit decides;
 * margin = 1256971 - 1 - 1501644 = -244674.
 * Before 5.2: 150000 "free" pages is not more than 262144: denied too.
 */
static struct vmacct_eval mode2_deny(void)
{
	struct vmacct_eval e = {
		.size = sizeof(e),
		.flags = 0,
		.pid = 4242,
		.mode = 2,
		.pages = 262144,
		.verdict = -ENOMEM,
		.deciding_term = VMACCT_TERM_LIMIT,
		.as_admin = 0,
		.slop_may_flip = 0,
		.margin = -244674,
		.limit = 1262144,
		.admin_reserve = 2048,
		.user_reserve = 3125,
		.allowed = 1256971,
		.committed_read = 1239500,
		.committed = 1240000,
		.committed_error = 7808,
		.guess_ceiling = 2262144,
		.total_vm = 100000,
		.old_verdict = -ENOMEM,
		.old_free = 150000,
		.totalreserve = 4567,
	};
	return e;
}

/*
 * The same 1 GiB in mode 0 (asked with --mode 0, --admin): one request
 * against RAM + swap = 2262144, margin 2262144 - 262144 = 2000000.
 */
static struct vmacct_eval mode0_allow(void)
{
	struct vmacct_eval e = mode2_deny();

	e.flags = VMACCT_EVAL_MODE | VMACCT_EVAL_ADMIN;
	e.mode = 0;
	e.verdict = 0;
	e.deciding_term = VMACCT_TERM_GUESS_CEILING;
	e.as_admin = 1;
	e.margin = 2000000;
	e.admin_reserve = 0;
	e.allowed = 1259019;
	e.old_verdict = 0;
	e.old_free = 300000;
	return e;
}

static char *render(const struct vmacct_eval *e, const struct vmacct_commit *c,
		    const struct check_request *r, bool json)
{
	struct membuf m;

	if (!mem_open(&m))
		return NULL;
	if (json)
		check_print_json(m.f, e, c, r);
	else
		check_print_human(m.f, e, c, r);
	return mem_take(&m);
}

static void test_words(struct tap *t)
{
	char buf[96];

	tap_eq_str(t, verdict_name(0), "allow", "verdict 0 is allow");
	tap_eq_str(t, verdict_name(-ENOMEM), "deny", "verdict -ENOMEM is deny");
	tap_eq_str(t, verdict_name(-EINVAL), "unknown", "any other verdict is unknown");
	tap_eq_str(t, verdict_word(-ENOMEM), "DENY", "verdict word DENY");
	tap_eq_str(t, term_name(VMACCT_TERM_NONE), "none", "term name none");
	tap_eq_str(t, term_name(VMACCT_TERM_GUESS_CEILING), "guess_ceiling", "term name guess_ceiling");
	tap_eq_str(t, term_name(VMACCT_TERM_LIMIT), "limit", "term name limit");
	tap_eq_str(t, term_name(VMACCT_TERM_ADMIN_RESERVE), "admin_reserve", "term name admin_reserve");
	tap_eq_str(t, term_name(VMACCT_TERM_USER_RESERVE), "user_reserve", "term name user_reserve");
	tap_eq_str(t, term_name(99), "unknown", "term 99 is unknown");
	tap_contains(t, term_desc(VMACCT_TERM_ADMIN_RESERVE), "without CAP_SYS_ADMIN",
		     "admin reserve described as kept from non-admins");
	tap_contains(t, term_desc(VMACCT_TERM_USER_RESERVE), "total_vm / 32",
		     "user reserve described with its formula");

	tap_eq_str(t, format_margin_note(INT64_MAX, 4096, buf, sizeof(buf)), "unlimited",
		   "margin LLONG_MAX (mode 1) is unlimited");
	tap_eq_str(t, format_margin_note(0, 4096, buf, sizeof(buf)),
		   "0 more pages (0 B) would still pass", "margin 0: passes with nothing to spare");
	tap_eq_str(t, format_margin_note(1, 4096, buf, sizeof(buf)),
		   "1 more page (4 KiB) would still pass", "margin 1: singular page");
	tap_eq_str(t, format_margin_note(-1, 4096, buf, sizeof(buf)),
		   "1 page (4 KiB) too many to pass", "margin -1: one page too many");
	tap_eq_str(t, format_margin_note(-262144, 4096, buf, sizeof(buf)),
		   "262144 pages (1 GiB) too many to pass", "margin -262144: 1 GiB too many");
	tap_eq_str(t, format_margin_note(INT64_MIN, 4096, buf, sizeof(buf)),
		   "9223372036854775808 pages (16 EiB) too many to pass",
		   "margin INT64_MIN: magnitude without overflow, size saturated");
}

void test_check(struct tap *t, const struct test_env *env)
{
	struct vmacct_commit c = test_machine();
	struct check_request req = { .pid = 4242, .self = 0, .comm = "postgres", .flags = 0 };
	struct check_request self = { .pid = 777, .self = 1, .comm = "vmacct", .flags = 0 };
	struct vmacct_eval e;
	char *out;

	test_words(t);

	/* mode 2, denied by CommitLimit */
	e = mode2_deny();
	out = render(&e, &c, &req, false);
	tap_eq_fixture(t, env, out, "check-mode2-deny.txt");
	tap_starts_with(t, out, "DENY: an allocation of 1 GiB (262144 pages) would fail now (ENOMEM)\n",
			"human: the first line is the verdict, with size and pages");
	tap_contains(t, out, "  margin                            -244674  -955.8 MiB   244674 pages (955.8 MiB) too many to pass\n",
		     "human: a negative margin in pages and bytes, in words");
	tap_contains(t, out, "\ndecided by: CommitLimit — ", "human: the deciding term, in words");
	tap_contains(t, out, "kernels before 5.2, and older articles (not this kernel): mode 0 would DENY",
		     "human: the pre-5.2 verdict, labelled as not this kernel");
	tap_ok(t, out && !strstr(out, "either way"), "human: no slop note when slop_may_flip is 0");
	free(out);
	out = render(&e, &c, &req, true);
	tap_eq_fixture(t, env, out, "check-mode2-deny.json");
	tap_contains(t, out, "\"rlimits\": null", "JSON: rlimits null when they were not read");
	free(out);

	/* --pid with resource limits: they refuse first (may_expand_vm) */
	{
		struct check_request lim = req;

		lim.have_rlimits = true;
		lim.rlimit_as = 512ULL << 20;		/* 131072 pages */
		lim.rlimit_data = CHECK_UNLIMITED;
		lim.total_vm = 1000;
		lim.data_vm = 400;
		tap_ok(t, check_rlimit_refuses(&lim, 0, 130072, 4096) == false &&
		       check_rlimit_refuses(&lim, 0, 130073, 4096) == true,
		       "RLIMIT_AS: total_vm + pages > limit >> PAGE_SHIFT, as may_expand_vm()");
		tap_ok(t, !check_rlimit_refuses(&lim, 1, UINT64_MAX / 2, 4096),
		       "RLIMIT_DATA unlimited refuses nothing");
		lim.rlimit_data = 4096 * 500;
		tap_ok(t, !check_rlimit_refuses(&lim, 1, 100, 4096) &&
		       check_rlimit_refuses(&lim, 1, 101, 4096),
		       "RLIMIT_DATA: data_vm + pages > limit >> PAGE_SHIFT");
		tap_ok(t, check_rlimit_refuses(&lim, 1, UINT64_MAX, 4096),
		       "a sum past 2^64 refuses");
		out = render(&e, &c, &lim, false);
		tap_contains(t, out, "\nfirst refused by: RLIMIT_AS of pid 4242 (512 MiB): total_vm 1000 + 262144 pages > 131072 pages — mmap() fails with ENOMEM before the overcommit accounting is asked (may_expand_vm)\n",
			     "human: RLIMIT_AS named, with the numbers the kernel compares");
		tap_contains(t, out, "first refused by: RLIMIT_DATA of pid 4242 (2 MiB), for a private writable mapping (malloc): data_vm 400 + 262144 pages > 500 pages",
			     "human: RLIMIT_DATA named, for malloc's mappings");
		free(out);
		out = render(&e, &c, &lim, true);
		tap_contains(t, out, "\"rlimits\": {\n    \"as_bytes\": 536870912,\n    \"data_bytes\": 2048000,\n    \"total_vm\": 1000,\n    \"data_vm\": 400,\n    \"as_refuses\": true,\n    \"data_refuses\": true\n  },",
			     "JSON: the limits, the counts and what refuses");
		free(out);
		lim.rlimit_as = lim.rlimit_data = CHECK_UNLIMITED;
		out = render(&e, &c, &lim, false);
		tap_ok(t, out && !strstr(out, "first refused by"), "human: no limit, no line");
		free(out);
	}

	/* the same within the per-CPU error */
	e.margin = -5;
	e.slop_may_flip = 1;
	out = render(&e, &c, &req, false);
	tap_contains(t, out, "note: within the per-CPU counter error (± 7808 pages): the verdict could go either way\n",
		     "human: slop_may_flip gives the either-way note");
	free(out);
	out = render(&e, &c, &req, true);
	tap_contains(t, out, "\"slop_may_flip\": true", "JSON: slop_may_flip true");
	tap_contains(t, out, "\"margin_pages\": -5,\n  \"margin_unlimited_reason\": null,",
		     "JSON: the margin as the module gave it, no reason for a limit");
	free(out);

	/* denied by the admin reserve: an admin would pass */
	e = mode2_deny();
	e.deciding_term = VMACCT_TERM_ADMIN_RESERVE;
	out = render(&e, &c, &self, false);
	tap_contains(t, out, "\ndecided by: admin reserve — the pages kept back from processes without CAP_SYS_ADMIN",
		     "human: denied by the admin reserve");
	tap_contains(t, out, "  process      pid 777 (vmacct, this tool; --pid P for another process)",
		     "human: without --pid the tool's own process sizes the user reserve, and says so");
	tap_contains(t, out, "  credentials  without CAP_SYS_ADMIN (this tool's own credentials; --admin or --user to choose)",
		     "human: credentials chosen by the module from the caller");
	tap_ok(t, !strstr(out, "SELinux"), "human: no SELinux note without SELinux");
	free(out);

	/* an admin under SELinux: the capability rule is all vmacct follows */
	e.as_admin = 1;
	self.selinux = true;
	out = render(&e, &c, &self, false);
	tap_contains(t, out, "SELinux is active: its policy may take the admin reserve's waiver away\n",
		     "human: SELinux may withdraw the waiver vmacct assumed");
	free(out);
	out = render(&e, &c, &self, true);
	tap_contains(t, out, "\"selinux_may_withdraw_admin\": true,", "JSON: SELinux may withdraw the waiver");
	free(out);
	e.as_admin = 0;
	out = render(&e, &c, &self, false);
	tap_ok(t, !strstr(out, "SELinux"), "human: no SELinux note without the waiver");
	free(out);
	self.selinux = false;
	out = render(&e, &c, &req, false);
	tap_contains(t, out, "  credentials  without CAP_SYS_ADMIN (judged by pid 4242's own credentials, not this tool's)\n"
		     "               as the kernel judges an allocation of that process; --admin or --user to choose\n",
		     "human: with --pid, that process's own credentials decide, and it says so");
	tap_ok(t, !strstr(out, "security module"), "human: no hook note without the waiver: a hook only takes it away");
	free(out);
	e.as_admin = 1;
	out = render(&e, &c, &req, false);
	tap_contains(t, out, "  credentials  as CAP_SYS_ADMIN (judged by pid 4242's own credentials, not this tool's)\n",
		     "human: another process that has CAP_SYS_ADMIN");
	tap_contains(t, out, "               by the capability rule: a security module's vm_enough_memory hook may\n"
		     "               take the waiver away (SELinux has one, not seen active here; AppArmor has none)\n",
		     "human: ... the waiver by the capability rule, which a security module's hook may take away");
	free(out);
	req.flags = VMACCT_EVAL_ADMIN;
	out = render(&e, &c, &req, false);
	tap_ok(t, out && !strstr(out, "security module") && !strstr(out, "judged by"),
	       "human: --admin asked for: neither note");
	free(out);
	req.flags = 0;
	e.as_admin = 0;

	/* mode 0 asked with --mode 0 --admin */
	e = mode0_allow();
	req.flags = e.flags;
	out = render(&e, &c, &req, false);
	tap_eq_fixture(t, env, out, "check-mode0-allow.txt");
	tap_contains(t, out, "ALLOW: an allocation of 1 GiB (262144 pages) would succeed in mode 0\n",
		     "human: with --mode the verdict is for that mode, not 'now'");
	tap_contains(t, out, "  mode         0 guess (--mode; the system is in mode 2 never)\n",
		     "human: --mode says which mode the system is in");
	tap_contains(t, out, "\nbounded by: mode-0 ceiling — ", "human: an allowed verdict is bounded, not decided");
	tap_contains(t, out, "  credentials  as CAP_SYS_ADMIN (--admin); only mode 2 looks at it\n",
		     "human: mode 0 says the credentials do not matter to it");
	tap_ok(t, out && !strstr(out, "CommitLimit  "), "human: mode 0 shows no CommitLimit row");
	free(out);
	out = render(&e, &c, &req, true);
	tap_contains(t, out, "\"verdict\": \"allow\"", "JSON mode 0: allow");
	tap_contains(t, out, "\"mode_from_option\": true", "JSON mode 0: the mode came from --mode");
	tap_contains(t, out, "\"as_admin\": true", "JSON mode 0: as admin");
	tap_contains(t, out, "\"deciding_term\": \"guess_ceiling\"", "JSON mode 0: guess_ceiling decides");
	free(out);

	/* mode 1: no limit */
	e = mode0_allow();
	e.mode = 1;
	e.deciding_term = VMACCT_TERM_NONE;
	e.margin = INT64_MAX;
	out = render(&e, &c, &req, false);
	tap_contains(t, out, "  margin                          unlimited\n", "human mode 1: the margin is unlimited");
	tap_contains(t, out, "\ndecided by: nothing — mode 1 checks nothing", "human mode 1: nothing decides");
	free(out);
	out = render(&e, &c, &req, true);
	tap_contains(t, out, "\"margin_pages\": null,\n  \"margin_unlimited_reason\": \"mode_1_no_check\",",
		     "JSON mode 1: margin null, not LLONG_MAX, and why");
	tap_ok(t, out && !strstr(out, "9223372036854775807"),
	       "JSON mode 1: no sentinel number anywhere");
	tap_contains(t, out, "\"deciding_term\": \"none\"", "JSON mode 1: term none");
	free(out);

	/* admin in mode 2, the before-5.2 estimate negative, comm unknown */
	e = mode2_deny();
	e.flags = VMACCT_EVAL_ADMIN;
	e.as_admin = 1;
	e.admin_reserve = 0;
	e.old_free = -1000;
	req.flags = e.flags;
	req.comm = NULL;
	out = render(&e, &c, &req, false);
	tap_contains(t, out, "  - admin reserve                         0         0 B   waived: CAP_SYS_ADMIN\n",
		     "human: an admin's admin reserve is 0 and waived");
	tap_contains(t, out, "  their \"free\" estimate               -1000    -3.9 MiB",
		     "human: a negative pre-5.2 estimate keeps its sign");
	tap_contains(t, out, "  process      pid 4242, total_vm", "human: no comm, no parentheses");
	free(out);
	out = render(&e, &c, &req, true);
	tap_contains(t, out, "\"comm\": null,", "JSON: unknown comm is null");
	tap_contains(t, out, "\"free_pages\": -1000,", "JSON: negative pre-5.2 estimate");
	free(out);

	/* a verdict that is neither 0 nor -ENOMEM */
	e = mode2_deny();
	e.verdict = -EINVAL;
	out = render(&e, &c, &req, false);
	tap_starts_with(t, out, "UNKNOWN: the module answered -22 for an allocation of 1 GiB (262144 pages) now\n",
			"human: a verdict the tool does not know is shown as UNKNOWN with its value");
	free(out);
	out = render(&e, &c, &req, true);
	tap_contains(t, out, "\"verdict\": \"unknown\"", "JSON: unknown verdict");
	free(out);

	/* one page */
	e = mode0_allow();
	e.pages = 1;
	req.flags = 0;
	out = render(&e, &c, &req, false);
	tap_starts_with(t, out, "ALLOW: an allocation of 4 KiB (1 page) would succeed now\n",
			"human: one page, singular, and 'now' without --mode");
	free(out);
}
