// SPDX-License-Identifier: GPL-2.0
/* Host tests: /proc/kallsyms parsing (kallsyms.c) on fixture files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kallsyms.h"
#include "tap.h"

/* The module author's list, in the order fake-mod.c declares them. */
static const char *const names[] = {
	"vm_committed_as", "vm_committed_as_batch",
	"sysctl_overcommit_memory", "sysctl_overcommit_ratio",
	"sysctl_overcommit_kbytes", "sysctl_max_map_count",
	"sysctl_admin_reserve_kbytes", "sysctl_user_reserve_kbytes",
	"total_swap_pages", "totalreserve_pages", "hstates",
	"hugetlb_max_hstate",
};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

/* Addresses in kallsyms-normal.txt. */
static const uint64_t normal_addr[N_NAMES] = {
	0xffffffff82a01000ULL, 0xffffffff82a01040ULL,
	0xffffffff82600040ULL, 0xffffffff82600044ULL,
	0xffffffff82600048ULL, 0xffffffff8260004cULL,
	0xffffffff82600060ULL, 0xffffffff82600068ULL,
	0xffffffff82a01080ULL, 0xffffffff82a01088ULL,
	0xffffffff82a02000ULL, 0xffffffff82a02800ULL,
};

static int scan_fixture(const struct test_env *env, const char *name,
			struct ksym_req *req, size_t n, struct ksym_stats *st)
{
	char path[512];
	FILE *f;
	int err;

	f = fopen(fixture_path(path, sizeof(path), env, name), "re");
	if (!f) {
		tap_diag("cannot open %s", path);
		return -errno;
	}
	err = kallsyms_scan(f, req, n, st);
	fclose(f);
	return err;
}

static void init_reqs(struct ksym_req *req)
{
	size_t i;

	for (i = 0; i < N_NAMES; i++) {
		req[i].name = names[i];
		req[i].addr = 0xdead;
		req[i].count = 99;
	}
}

static size_t index_of(const char *name)
{
	size_t i;

	for (i = 0; i < N_NAMES; i++)
		if (!strcmp(names[i], name))
			return i;
	return 0;
}

static void test_parse_line(struct tap *t)
{
	struct ksym_line kl;
	static const char *const bad[] = {
		"xyz T foo",
		"ffff T",
		"ffff T ",
		"ffff TT foo",
		"ffff  T foo",
		"ffff T foo\t[mod",
		"ffff T foo\t[]",
		"ffff T foo bar",
		"ffff T foo\tmod",
		"0xffff T foo",
		"1ffffffff81000000 T foo",	/* 17 digits */
		"",
	};
	size_t i;

	tap_ok(t, kallsyms_parse_line("ffffffff82a01000 B vm_committed_as\n", &kl) == 0 &&
	       kl.addr == 0xffffffff82a01000ULL && kl.type == 'B' &&
	       kl.name_len == strlen("vm_committed_as") &&
	       !strncmp(kl.name, "vm_committed_as", kl.name_len) && !kl.module,
	       "parse core line: address, type, name, no module");
	tap_ok(t, kallsyms_parse_line("ffffffffc0a00100 d vm_committed_as\t[some_mod]\n", &kl) == 0 &&
	       kl.module && kl.module_len == 8 && !strncmp(kl.module, "some_mod", 8) &&
	       kl.name_len == strlen("vm_committed_as"),
	       "parse module line: name stops at the tab, module inside []");
	tap_ok(t, kallsyms_parse_line("ffffffff82a010a0 b totalreserve_pages.cold", &kl) == 0 &&
	       kl.name_len == strlen("totalreserve_pages.cold"),
	       "parse line without newline, name with a dot");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_eq_i64(t, kallsyms_parse_line(bad[i], &kl), -EINVAL,
			   "reject malformed line \"%s\"", bad[i]);
}

void test_kallsyms(struct tap *t, const struct test_env *env)
{
	struct ksym_req req[N_NAMES], one;
	struct ksym_stats st;
	char msg[256];
	size_t i, ok;
	FILE *f;

	test_parse_line(t);

	/* normal: every symbol once, data shown as B/b/D/d and as T/t */
	init_reqs(req);
	tap_eq_i64(t, scan_fixture(env, "kallsyms-normal.txt", req, N_NAMES, &st), 0,
		   "scan kallsyms-normal.txt");
	for (i = 0, ok = 0; i < N_NAMES; i++)
		ok += kallsyms_check(&req[i]) == KSYM_OK && req[i].addr == normal_addr[i] &&
		      req[i].count == 1;
	tap_eq_u64(t, ok, N_NAMES, "normal: all %zu symbols found once at their exact address", N_NAMES);
	i = index_of("sysctl_overcommit_kbytes");
	tap_eq_u64(t, req[i].addr, 0xffffffff82600048ULL, "normal: data listed as 'T' is found");
	i = index_of("sysctl_max_map_count");
	tap_eq_u64(t, req[i].addr, 0xffffffff8260004cULL,
		   "normal: data listed as 't' is found, not sysctl_max_map_count_hint");
	i = index_of("vm_committed_as");
	tap_eq_u64(t, req[i].addr, 0xffffffff82a01000ULL,
		   "normal: vm_committed_as is not vm_committed_as_batch nor the [some_mod] copy");
	i = index_of("hstates");
	tap_ok(t, req[i].count == 1 && req[i].addr == 0xffffffff82a02000ULL,
	       "normal: hstates\\t[hugetlb_test] is ignored");
	i = index_of("totalreserve_pages");
	tap_ok(t, req[i].count == 1 && req[i].addr == 0xffffffff82a01088ULL,
	       "normal: totalreserve_pages.cold does not count");
	tap_eq_u64(t, st.lines, 27, "normal: 27 lines read");
	tap_eq_u64(t, st.core, 21, "normal: 21 core lines");
	tap_eq_u64(t, st.module, 5, "normal: 5 module lines ([bpf], [__builtin__ftrace], modules)");
	tap_eq_u64(t, st.malformed, 1, "normal: 1 malformed line ignored");
	tap_eq_u64(t, st.nonzero, 25, "normal: 25 non-zero addresses");
	tap_ok(t, !kallsyms_hidden(&st) && !kallsyms_empty(&st), "normal: neither hidden nor empty");

	one.name = "fixed_percpu_data";
	tap_eq_i64(t, scan_fixture(env, "kallsyms-normal.txt", &one, 1, &st), 0, "scan for a zero-address symbol");
	tap_eq_u64(t, kallsyms_check(&one), KSYM_ZERO, "normal: fixed_percpu_data (address 0) is KSYM_ZERO");
	one.name = "vm_committed";
	scan_fixture(env, "kallsyms-normal.txt", &one, 1, &st);
	tap_eq_u64(t, kallsyms_check(&one), KSYM_MISSING, "normal: prefix vm_committed matches nothing");

	/* duplicates */
	init_reqs(req);
	scan_fixture(env, "kallsyms-dup.txt", req, N_NAMES, &st);
	i = index_of("hstates");
	tap_ok(t, kallsyms_check(&req[i]) == KSYM_DUPLICATE && req[i].count == 2,
	       "dup: hstates twice in the core kernel is KSYM_DUPLICATE, count 2");
	tap_eq_u64(t, kallsyms_check(&req[index_of("hugetlb_max_hstate")]), KSYM_OK,
		   "dup: other symbols still resolve");

	/* all addresses zero: what a user without CAP_SYSLOG sees */
	init_reqs(req);
	scan_fixture(env, "kallsyms-zero.txt", req, N_NAMES, &st);
	tap_ok(t, kallsyms_hidden(&st), "zero: all addresses 0 is 'hidden'");
	tap_eq_u64(t, req[0].count, 1, "zero: the names are still found");

	/* a kernel without CONFIG_KALLSYMS_ALL lists functions only */
	init_reqs(req);
	scan_fixture(env, "kallsyms-functions-only.txt", req, N_NAMES, &st);
	for (i = 0, ok = 0; i < N_NAMES; i++)
		ok += kallsyms_check(&req[i]) == KSYM_MISSING;
	tap_eq_u64(t, ok, N_NAMES, "functions-only: every data symbol is KSYM_MISSING");
	tap_ok(t, !kallsyms_hidden(&st) && !kallsyms_empty(&st), "functions-only: not hidden, not empty");

	/* symbol present only in a module */
	init_reqs(req);
	scan_fixture(env, "kallsyms-module-only.txt", req, N_NAMES, &st);
	tap_eq_u64(t, kallsyms_check(&req[index_of("totalreserve_pages")]), KSYM_MISSING,
		   "module-only: totalreserve_pages\\t[some_mod] does not count");

	/* empty file */
	init_reqs(req);
	scan_fixture(env, "kallsyms-empty.txt", req, N_NAMES, &st);
	tap_ok(t, kallsyms_empty(&st) && !kallsyms_hidden(&st), "empty: empty, not hidden");

	/* a stream from memory, last line without newline */
	f = fmemopen((void *)"ffffffff81000010 T a\nffffffff81000020 D b", 41, "r");
	one.name = "b";
	tap_ok(t, f && kallsyms_scan(f, &one, 1, &st) == 0 && one.addr == 0xffffffff81000020ULL &&
	       st.lines == 2, "scan: last line without newline is read");
	if (f)
		fclose(f);

	kallsyms_hidden_reason(msg, sizeof(msg), 2, true);
	tap_contains(t, msg, "addresses hidden: kernel.kptr_restrict=2; need root with kptr_restrict <= 1",
		     "hidden reason for kptr_restrict=2");
	kallsyms_hidden_reason(msg, sizeof(msg), 1, false);
	tap_contains(t, msg, "not root", "hidden reason for a non-root user");
	kallsyms_hidden_reason(msg, sizeof(msg), 0, true);
	tap_contains(t, msg, "CAP_SYSLOG missing", "hidden reason for root without CAP_SYSLOG");
	kallsyms_hidden_reason(msg, sizeof(msg), -1, true);
	tap_contains(t, msg, "kptr_restrict unreadable", "hidden reason when kptr_restrict is unreadable");
}
