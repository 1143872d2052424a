// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: the built binary on this machine, which has no vmacct
 * module.  Checks exit codes and that messages name the thing and a fix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "tap.h"
#include "tool.h"

#define RUN(r, ...) run_tool(env, (r), (const char *const[]){ __VA_ARGS__, NULL })

static int run_tool(const struct test_env *env, struct run_result *r,
		    const char *const args[])
{
	char *argv[16];
	size_t i;

	argv[0] = (char *)env->tool;
	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	if (run_capture(argv, r)) {
		tap_diag("cannot run %s", env->tool);
		return -1;
	}
	return r->status;
}

static bool module_loaded(void)
{
	return access("/sys/module/" VMACCT_MODULE_NAME, F_OK) == 0;
}

static void test_usage(struct tap *t, const struct test_env *env)
{
	struct run_result r;

	tap_eq_i64(t, RUN(&r, "bogus"), VM_EXIT_USAGE, "vmacct bogus exits 2");
	tap_contains(t, r.err, "unknown command 'bogus' — see: vmacct --help",
		     "vmacct bogus names the command and the fix");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "--verbose"), VM_EXIT_USAGE, "vmacct without a command exits 2");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "status", "--bogus"), VM_EXIT_USAGE, "vmacct status --bogus exits 2");
	tap_contains(t, r.err, "vmacct status --help", "... and points at status --help");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "status", "extra"), VM_EXIT_USAGE, "vmacct status extra exits 2");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "foo=1"), VM_EXIT_USAGE, "module option without -- exits 2");
	tap_contains(t, r.err, "module options go after --", "... and says where they go");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--kallsyms", "/dev/null"), VM_EXIT_USAGE,
		   "--kallsyms without --dry-run exits 2");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "--help"), VM_EXIT_OK, "vmacct --help exits 0");
	tap_contains(t, r.out, "Exit codes:", "--help documents the exit codes");
	tap_contains(t, r.out, "  5  ABI version mismatch", "--help lists code 5");
	tap_contains(t, r.out, "  status  ", "--help lists the status command");
	tap_ok(t, r.err && !*r.err, "--help writes nothing to stderr");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "--version"), VM_EXIT_OK, "vmacct --version exits 0");
	tap_eq_str(t, r.out, "vmacct " VMACCT_TOOL_VERSION " (ABI 1)\n", "--version output");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--help"), VM_EXIT_OK, "vmacct load --help exits 0");
	tap_contains(t, r.out, "Usage: vmacct load", "load --help shows its usage");
	tap_contains(t, r.out, "Exit codes:", "load --help documents the exit codes");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "unload", "-h"), VM_EXIT_OK, "vmacct unload -h exits 0");
	tap_contains(t, r.out, "Usage: vmacct unload", "unload -h shows its usage");
	run_free(&r);
}

static void test_load(struct tap *t, const struct test_env *env)
{
	char ks[512];
	struct run_result r;

	tap_eq_i64(t, RUN(&r, "load", "--ko", "/nonexistent", "--dry-run"), VM_EXIT_FAILED,
		   "load --ko /nonexistent --dry-run exits 1");
	tap_contains(t, r.err, "vmacct: /nonexistent: No such file or directory — pass the path of a built vmacct.ko",
		     "... naming the path, the errno text and the fix");
	run_free(&r);

	if (geteuid() == 0 && !module_loaded()) {
		tap_eq_i64(t, RUN(&r, "load", "--ko", "/nonexistent"), VM_EXIT_FAILED,
			   "load --ko /nonexistent exits 1");
		tap_contains(t, r.err, "/nonexistent: No such file or directory",
			     "... naming the path and the errno text");
		run_free(&r);
	} else {
		tap_skip(t, "needs root and no vmacct loaded", "load --ko /nonexistent exits 1");
	}

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fixtures, "--dry-run"), VM_EXIT_FAILED,
		   "load --ko DIRECTORY exits 1");
	tap_contains(t, r.err, "cannot read its modinfo", "... saying the modinfo is unreadable");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "--dry-run", "--kallsyms",
			  fixture_path(ks, sizeof(ks), env, "kallsyms-normal.txt")),
		   VM_EXIT_OK, "dry run on the fake module and normal kallsyms exits 0");
	tap_eq_str(t, r.out,
		   "vm_committed_as=0xffffffff82a01000 vm_committed_as_batch=0xffffffff82a01040 "
		   "sysctl_overcommit_memory=0xffffffff82600040 sysctl_overcommit_ratio=0xffffffff82600044 "
		   "sysctl_overcommit_kbytes=0xffffffff82600048 sysctl_max_map_count=0xffffffff8260004c "
		   "sysctl_admin_reserve_kbytes=0xffffffff82600060 sysctl_user_reserve_kbytes=0xffffffff82600068 "
		   "total_swap_pages=0xffffffff82a01080 totalreserve_pages=0xffffffff82a01088 "
		   "hstates=0xffffffff82a02000 hugetlb_max_hstate=0xffffffff82a02800\n",
		   "dry run prints the 12 parameters from modinfo, debug and old_addr left out");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "-n", "-s",
			  fixture_path(ks, sizeof(ks), env, "kallsyms-normal.txt"),
			  "--", "debug=1"),
		   VM_EXIT_OK, "dry run with an extra module option exits 0");
	tap_contains(t, r.out, "hugetlb_max_hstate=0xffffffff82a02800 debug=1\n",
		     "the extra option is appended");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "-n", "-s",
			  fixture_path(ks, sizeof(ks), env, "kallsyms-normal.txt"),
			  "--", "hstates=0"),
		   VM_EXIT_USAGE, "an extra option overriding an address exits 2");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "--dry-run", "--kallsyms",
			  fixture_path(ks, sizeof(ks), env, "kallsyms-dup.txt")),
		   VM_EXIT_FAILED, "duplicate symbol exits 1");
	tap_contains(t, r.err, "symbol hstates occurs 2 times", "... naming the symbol");
	tap_ok(t, r.out && !*r.out, "... and prints no option string");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "--dry-run", "--kallsyms",
			  fixture_path(ks, sizeof(ks), env, "kallsyms-zero.txt")),
		   VM_EXIT_PERM, "all-zero addresses exit 4");
	tap_contains(t, r.err, "addresses hidden", "... saying the addresses are hidden");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "--dry-run", "--kallsyms",
			  fixture_path(ks, sizeof(ks), env, "kallsyms-functions-only.txt")),
		   VM_EXIT_FAILED, "kernel without data symbols exits 1");
	tap_contains(t, r.err, "(12 of the 12 that", "... counting the missing symbols");
	tap_contains(t, r.err, "CONFIG_KALLSYMS_ALL=y", "... and naming the kernel option");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "--dry-run", "--kallsyms",
			  fixture_path(ks, sizeof(ks), env, "kallsyms-module-only.txt")),
		   VM_EXIT_FAILED, "symbol only in a module exits 1");
	tap_contains(t, r.err, "(1 of the 12 that", "... with one symbol missing");
	tap_contains(t, r.err, ": totalreserve_pages — ", "... naming it");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "--dry-run", "--kallsyms",
			  fixture_path(ks, sizeof(ks), env, "kallsyms-empty.txt")),
		   VM_EXIT_FAILED, "empty kallsyms exits 1");
	tap_contains(t, r.err, "CONFIG_KALLSYMS=y", "... naming the kernel option");
	run_free(&r);
}

static void test_not_loaded(struct tap *t, const struct test_env *env)
{
	struct run_result r;

	if (module_loaded()) {
		tap_skip(t, "vmacct is loaded on this host", "status without the module exits 3");
		tap_skip(t, "vmacct is loaded on this host", "unload without the module exits 0");
		return;
	}
	tap_eq_i64(t, RUN(&r, "status"), VM_EXIT_NOT_LOADED, "status without the module exits 3");
	tap_contains(t, r.err, "module vmacct is not loaded", "... saying it is not loaded");
	tap_contains(t, r.err, "try: vmacct load", "... with the fix");
	tap_ok(t, r.out && !*r.out, "... and nothing on stdout");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "status", "--json"), VM_EXIT_NOT_LOADED, "status --json without the module exits 3");
	tap_ok(t, r.out && !*r.out, "... and prints no JSON");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "unload"), VM_EXIT_OK, "unload without the module exits 0");
	tap_contains(t, r.out, "vmacct is not loaded; nothing to do", "... and says so");
	run_free(&r);
}

void test_cli(struct tap *t, const struct test_env *env)
{
	if (access(env->tool, X_OK)) {
		tap_ok(t, false, "tool %s is built and executable", env->tool);
		return;
	}
	test_usage(t, env);
	test_load(t, env);
	test_not_loaded(t, env);
}
