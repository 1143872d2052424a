// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: "vmacct check" without --pid, or with --pid self, names the
 * resource limit that refuses first for the tool itself, as it does for
 * another process.  A shell's ulimit sets the tool's own limits; the
 * fake device (tests/fake-dev.so) answers VMACCT_IOC_EVAL and _MM, with
 * total_vm and data_vm 0 for the caller.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "tap.h"
#include "tool.h"

/* sh -c 'ulimit ULIMIT && exec TOOL ARGS...', with the fake device. */
static int run_limited(const struct test_env *env, const char *preload,
		       const char *ulimit, struct run_result *r,
		       const char *const args[])
{
	char script[128], *argv[16], *envv[] = { (char *)preload, "FAKE_VMACCT_MODE=2", NULL };
	size_t i, n = 0;

	snprintf(script, sizeof(script), "ulimit %s || exit 77; exec \"$0\" \"$@\"", ulimit);
	argv[n++] = "/bin/sh";
	argv[n++] = "-c";
	argv[n++] = script;
	argv[n++] = (char *)env->tool;
	for (i = 0; args[i] && n + 1 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	if (run_capture_env(argv, envv, r)) {
		tap_diag("cannot run /bin/sh");
		return -1;
	}
	return r->status;
}

#define LIMITED(r, ulimit, ...) \
	run_limited(env, preload, (ulimit), (r), (const char *const[]){ __VA_ARGS__, NULL })

void test_rlimit(struct tap *t, const struct test_env *env)
{
	char path[PATH_MAX], preload[PATH_MAX + 16];
	struct run_result r;
	int st;

	if (!env->fake_dev || !realpath(env->fake_dev, path)) {
		tap_skip(t, "no --fake-dev", "check names this tool's own resource limits");
		return;
	}
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", path);

	/* 1 GiB of address space (ulimit -v counts KiB): 262144 pages */
	st = LIMITED(&r, "-S -v 1048576", "check", "2G");
	tap_eq_i64(t, st, VM_EXIT_OK, "check 2G under ulimit -v 1048576, without --pid, exits 0");
	tap_contains(t, r.out, "\nfirst refused by: RLIMIT_AS of this tool, pid ",
		     "... naming RLIMIT_AS of the tool itself");
	tap_contains(t, r.out, " (1 GiB): total_vm 0 + 524288 pages > 262144 pages — mmap() fails with ENOMEM before the overcommit accounting is asked",
		     "... with the numbers the kernel compares");
	tap_ok(t, r.out && !strstr(r.out, "RLIMIT_DATA"), "... and not RLIMIT_DATA, which is not set");
	run_free(&r);

	st = LIMITED(&r, "-S -v 1048576", "check", "2G", "--pid", "self", "--json");
	tap_eq_i64(t, st, VM_EXIT_OK, "check 2G --pid self --json under ulimit -v exits 0");
	tap_contains(t, r.out, "\"rlimits\": {\n    \"as_bytes\": 1073741824,\n",
		     "... rlimits read for the tool itself, not null");
	tap_contains(t, r.out, "\"as_refuses\": true,\n    \"data_refuses\": false\n",
		     "... RLIMIT_AS refuses, RLIMIT_DATA does not");
	run_free(&r);

	/* 64 MiB of data (ulimit -d, KiB): 16384 pages, for malloc's mappings */
	st = LIMITED(&r, "-S -d 65536", "check", "1G", "--pid", "self");
	tap_eq_i64(t, st, VM_EXIT_OK, "check 1G --pid self under ulimit -d 65536 exits 0");
	tap_contains(t, r.out, "\nfirst refused by: RLIMIT_DATA of this tool, pid ",
		     "... naming RLIMIT_DATA of the tool itself");
	tap_contains(t, r.out, " (64 MiB), for a private writable mapping (malloc): data_vm 0 + 262144 pages > 16384 pages",
		     "... for malloc's mappings, with the numbers");
	run_free(&r);

	st = LIMITED(&r, "-S -v unlimited 2>/dev/null && ulimit -S -d unlimited 2>/dev/null", "check", "1G");
	if (st == 77) {
		tap_skip(t, "hard limits here", "check without limits names none");
	} else {
		tap_eq_i64(t, st, VM_EXIT_OK, "check 1G without limits exits 0");
		tap_ok(t, r.out && !strstr(r.out, "first refused by"), "... and names no limit");
	}
	run_free(&r);
}
