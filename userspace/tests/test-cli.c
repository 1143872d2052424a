// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: the built binary on this machine, which has no vmacct
 * module.  Checks exit codes and that messages name the thing and a fix.
 */
#include <limits.h>
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

/* The line of a ps table for pid (blanks, the pid, a blank), or NULL. */
static const char *has_row(const char *out, int pid)
{
	char want[16];
	const char *line, *p;

	snprintf(want, sizeof(want), "%d ", pid);
	for (line = out; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		p = line + strspn(line, " ");
		/* not a footer line: "1 process not readable", "1 kernel thread" */
		if (!strncmp(p, want, strlen(want)) &&
		    strncmp(p + strlen(want), "process not readable", 20) &&
		    strncmp(p + strlen(want), "kernel thread", 13))
			return line;
	}
	return NULL;
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

	tap_eq_i64(t, RUN(&r, NULL), VM_EXIT_USAGE, "bare vmacct exits 2");
	tap_contains(t, r.err, "Usage: vmacct [-v] COMMAND [OPTIONS]\nCommands: load unload status ps check fork-check trace log explain repro\nTry 'vmacct help' or 'vmacct help COMMAND'.\n",
		     "bare vmacct: a short usage, the commands and what to try, on stderr");
	tap_ok(t, r.out && !*r.out, "bare vmacct: nothing on stdout");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "help"), VM_EXIT_OK, "vmacct help exits 0");
	tap_contains(t, r.out, "  5  ABI version mismatch", "vmacct help is the top-level help");
	run_free(&r);
	tap_eq_i64(t, RUN(&r, "help", "check"), VM_EXIT_OK, "vmacct help check exits 0");
	tap_starts_with(t, r.out, "Usage: vmacct check SIZE", "vmacct help check is check --help");
	run_free(&r);
	tap_eq_i64(t, RUN(&r, "help", "nope"), VM_EXIT_USAGE, "vmacct help nope exits 2");
	tap_contains(t, r.err, "vmacct: help: unknown command 'nope' — see: vmacct --help",
		     "vmacct help nope: names it");
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
	tap_contains(t, r.out, "\nExit codes: see vmacct --help.\n",
		     "load --help points at the exit codes");
	tap_ok(t, !strstr(r.out, "  5  ABI"), "load --help does not repeat their table");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "unload", "-h"), VM_EXIT_OK, "vmacct unload -h exits 0");
	tap_contains(t, r.out, "Usage: vmacct unload", "unload -h shows its usage");
	run_free(&r);
}

/* Usage errors are found before the module is looked for: exit 2 without it. */
struct usage_case {
	const char *args[6];
	const char *says;	/* in stderr */
};

static void test_new_usage(struct tap *t, const struct test_env *env)
{
	static const struct usage_case cases[] = {
		{ { "ps", "--sort", "size" }, "ps: invalid sort key 'size': use maps or charge — see: vmacct ps --help" },
		{ { "ps", "--limit", "0" }, "ps: invalid row count '0': a whole number, 1 or more" },
		{ { "ps", "--limit", "ten" }, "invalid row count 'ten'" },
		{ { "ps", "--limit" }, "vmacct: ps: option '--limit' needs an argument — see: vmacct ps --help" },
		{ { "ps", "-o" }, "vmacct: ps: option '-o' needs an argument — see: vmacct ps --help" },
		{ { "ps", "-o", "pid,tightest" }, "vmacct: ps: unknown column 'tightest' (see --list-columns) — see: vmacct ps --help" },
		{ { "ps", "--user", "no-such-user-here" }, "vmacct: ps: unknown user 'no-such-user-here': a name or a uid" },
		{ { "ps", "0" }, "vmacct: ps: invalid PID '0': a positive process id" },
		{ { "ps", "1", "x" }, "vmacct: ps: invalid PID 'x': a positive process id" },
		{ { "ps", "--sort" }, "vmacct: ps: option '--sort' needs an argument — see: vmacct ps --help" },
		{ { "ps", "--json=yes" }, "vmacct: ps: option '--json' takes no argument — see: vmacct ps --help" },
		{ { "ps", "--bogus=1" }, "vmacct: ps: unknown option '--bogus' — see: vmacct ps --help" },
		{ { "ps", "-jQ" }, "vmacct: ps: unknown option '-Q' — see: vmacct ps --help" },
		{ { "ps", "--json", "-Q" }, "vmacct: ps: unknown option '-Q' — see: vmacct ps --help" },
		{ { "ps", "-\x01" }, "vmacct: ps: unknown option '-\\x01' — see: vmacct ps --help" },	/* escaped by the log */
		{ { "-Q" }, "vmacct: unknown option '-Q' — see: vmacct --help" },
		{ { "--bogus" }, "vmacct: unknown option '--bogus' — see: vmacct --help" },
		{ { "help", "a", "b" }, "vmacct: help: one COMMAND at most — see: vmacct --help" },
		{ { "ps", "--bogus" }, "vmacct ps --help" },
		{ { "check" }, "check: missing SIZE — see: vmacct check --help" },
		{ { "check", "1Q" }, "check: invalid SIZE '1Q': bytes with an optional K, M, G, T, P or E suffix" },
		{ { "check", "1.5" }, "invalid SIZE '1.5'" },
		{ { "check", "1.5p" }, "invalid SIZE '1.5p'" },
		{ { "check", "0" }, "SIZE '0' is zero" },
		{ { "check", "0.0G" }, "SIZE '0.0G' is zero" },
		{ { "check", "-1G" }, "SIZE '-1G' is negative" },
		{ { "check", "--", "-1G" }, "SIZE '-1G' is negative" },
		{ { "check", "--pid", "-5", "1G" }, "invalid PID '-5'" },
		{ { "check", "16E" }, "check: SIZE '16E' is too large" },
		{ { "check", "9223372036854775808p" }, "SIZE '9223372036854775808p' is too large" },
		{ { "check", "1G", "2G" }, "check: unexpected argument after SIZE" },
		{ { "check", "1G", "--user", "--admin" }, "check: --user and --admin exclude each other" },
		{ { "check", "1G", "--mode", "3" }, "check: invalid mode '3': 0 (guess), 1 (always) or 2 (never)" },
		{ { "check", "1G", "--mode", "strict" }, "invalid mode 'strict'" },
		{ { "check", "1G", "--pid", "0" }, "check: invalid PID '0': a positive process id, or self" },
		{ { "check", "1G", "--pid", "x" }, "invalid PID 'x'" },
		{ { "fork-check" }, "fork-check: missing PID (a positive pid, or self)" },
		{ { "fork-check", "0" }, "fork-check: invalid PID '0': a positive process id, or self" },
		{ { "fork-check", "redis" }, "invalid PID 'redis'" },
		{ { "fork-check", "1", "2" }, "fork-check: unexpected argument after PID" },
		{ { "fork-check", "-5" }, "vmacct fork-check --help" },
		{ { "trace", "--tid", "0" }, "trace: invalid TID '0': a positive thread id — see: vmacct trace --help" },
		{ { "trace", "--pid", "0" }, "trace: invalid PID '0': a positive process id" },
		{ { "trace", "--tgid", "self" }, "trace: invalid PID 'self': a positive process id" },
		{ { "trace", "--tgid", "2147483648" }, "invalid PID '2147483648'" },
		{ { "trace", "--count", "0" }, "trace: invalid count '0': a whole number, 1 or more" },
		{ { "trace", "-n", "-1" }, "invalid count '-1'" },
		{ { "trace", "--duration", "0" }, "trace: invalid duration '0': more than 0, in seconds or with a unit: 30s, 5m, 1.5h, 1d" },
		{ { "trace", "--duration", "-5s" }, "invalid duration '-5s'" },
		{ { "trace", "--duration", "5M" }, "invalid duration '5M'" },
		{ { "trace", "--no-decisions", "--no-map-count" }, "trace: --no-decisions and --no-map-count leave nothing to show" },
		{ { "trace", "--denied", "--no-decisions" }, "trace: --denied selects decisions, --no-decisions drops them: use one" },
		{ { "trace", "1234" }, "trace: unexpected argument" },
		{ { "trace", "--bogus" }, "vmacct: trace: unknown option '--bogus' — see: vmacct trace --help" },
	};
	struct run_result r;
	char line[160];
	size_t i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		line[0] = '\0';
		for (k = 0; cases[i].args[k]; k++)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
				 k ? " " : "", cases[i].args[k]);
		tap_eq_i64(t, run_tool(env, &r, cases[i].args), VM_EXIT_USAGE,
			   "vmacct %s exits 2", line);
		tap_contains(t, r.err, cases[i].says, "... saying: %s", cases[i].says);
		run_free(&r);
	}

	tap_eq_i64(t, RUN(&r, "--help"), VM_EXIT_OK, "vmacct --help exits 0");
	tap_contains(t, r.out, "  ps          per process: map_count", "--help lists ps");
	tap_contains(t, r.out, "  check       would an allocation of SIZE succeed", "--help lists check");
	tap_contains(t, r.out, "  fork-check  would fork() of a process succeed", "--help lists fork-check");
	tap_contains(t, r.out, "  0  success (check, fork-check: whatever the verdict; read it from --json;\n",
		     "--help: exit 0 whatever the verdict");
	tap_contains(t, r.out, "     trace: also when ended by SIGINT/SIGTERM, --count, --duration or an\n",
		     "--help: trace exits 0 when it is ended");
	tap_contains(t, r.out, "     or trace, log or explain without CAP_PERFMON or CAP_SYS_ADMIN\n",
		     "--help: exit 4 for trace without the capability");
	tap_contains(t, r.out, "  trace       live: each commit decision and map-count failure",
		     "--help lists trace");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "ps", "--help"), VM_EXIT_OK, "vmacct ps --help exits 0");
	tap_contains(t, r.out, "Usage: vmacct ps [PID...] [--user USER] [--cgroup PATH] [--sort maps|charge]\n", "ps --help shows its usage");
	tap_contains(t, r.out, "\nColumns (-o):\n         PID  process id\n", "ps --help lists the columns");
	tap_contains(t, r.out, "Exit codes: see vmacct --help.", "ps --help points at the exit codes");
	tap_contains(t, r.out, "without it, the rows\ncome from /proc (maps, smaps, status), labelled approximate",
		     "ps --help says it answers from /proc without the module");
	tap_ok(t, r.out && !strstr(r.out, "Needs vmacct.ko"), "... and no longer that it needs it");
	run_free(&r);
	tap_eq_i64(t, RUN(&r, "status", "--help"), VM_EXIT_OK, "vmacct status --help exits 0");
	tap_contains(t, r.out, "without it, what /proc gives (the sysctls and\nmeminfo), labelled approximate.  --breakdown needs the module.",
		     "status --help says it answers from /proc without the module, but --breakdown");
	tap_ok(t, r.out && !strstr(r.out, "Needs vmacct.ko"), "... and no longer that it needs it");
	run_free(&r);
	tap_eq_i64(t, RUN(&r, "ps", "--list-columns"), VM_EXIT_OK, "vmacct ps --list-columns exits 0 without the module");
	tap_contains(t, r.out, "      SPLITS  headroom for splits", "... listing SPLITS");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "check", "-h"), VM_EXIT_OK, "vmacct check -h exits 0");
	tap_contains(t, r.out, "Usage: vmacct check SIZE [--pid PID] [--user|--admin] [--mode M]",
		     "check -h shows its usage");
	tap_contains(t, r.out, "pages with a lowercase p (4096p)", "check -h explains the p suffix");
	tap_contains(t, r.out, "exit status is 0 for any verdict", "check -h says how the verdict is read");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "trace", "--help"), VM_EXIT_OK, "vmacct trace --help exits 0");
	tap_contains(t, r.out, "Usage: vmacct trace [--denied] [--pid PID] [--tid TID] [--no-map-count]\n"
		     "                    [--no-decisions] [--json] [--count N] [--duration TIME] [-v]\n",
		     "trace --help shows its usage");
	tap_contains(t, r.out, "Needs CAP_PERFMON or CAP_SYS_ADMIN", "trace --help names the capability");
	tap_contains(t, r.out, "  -j, --json ", "trace --help documents --json");
	tap_contains(t, r.out, "Exit codes: see vmacct --help.", "trace --help points at the exit codes");
	tap_ok(t, r.err && !*r.err, "trace --help writes nothing to stderr");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "unload", "--help"), VM_EXIT_OK, "vmacct unload --help exits 0");
	tap_contains(t, r.out, "Trace readers are detached first (0 is written to\n/sys/kernel/vmacct/trace/enabled",
		     "unload --help says readers are detached");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "fork-check", "--help"), VM_EXIT_OK, "vmacct fork-check --help exits 0");
	tap_contains(t, r.out, "Usage: vmacct fork-check PID [--json]", "fork-check --help shows its usage");
	tap_contains(t, r.out, "verdicts (an array of 3 objects, index = mode",
		     "fork-check --help documents the verdicts shape");
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
		/* a kernel without module support is said first, and alone */
		tap_contains(t, r.err, access("/proc/modules", F_OK)
				? "vmacct: load: this kernel cannot load modules"
				: "/nonexistent: No such file or directory",
			     "... naming the path and the errno text (or first, no module support)");
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

	/* options vmacct ... in modprobe.d apply, as modprobe applies them */
	{
		char dir[] = "/tmp/vmacct-modprobe-XXXXXX", conf[300], envdir[300];
		char *argv[] = { (char *)env->tool, "load", "--ko", (char *)env->fake_ko, "-n", "-s",
				 ks, "--", "recorder=0", NULL };
		char *envp[] = { envdir, NULL };
		FILE *cf;

		if (mkdtemp(dir)) {
			snprintf(conf, sizeof(conf), "%s/vmacct.conf", dir);
			snprintf(envdir, sizeof(envdir), "VMACCT_MODPROBE_D=%s", dir);
			cf = fopen(conf, "w");
			if (cf) {
				fputs("# a comment\noptions vmacct recorder=1 stats=1 hstates=0x1\noptions other x=1\n", cf);
				fclose(cf);
			}
			fixture_path(ks, sizeof(ks), env, "kallsyms-normal.txt");
			tap_eq_i64(t, run_capture_env(argv, envp, &r) ? -1 : r.status, VM_EXIT_OK,
				   "dry run with modprobe.d options exits 0");
			tap_contains(t, r.out, "hugetlb_max_hstate=0xffffffff82a02800 stats=1 recorder=0\n",
				     "... stats=1 from modprobe.d, recorder=0 from the command line winning over its recorder=1");
			tap_ok(t, r.out && !strstr(r.out, "recorder=1") && !strstr(r.out, "hstates=0x1") &&
			       !strstr(r.out, "x=1"),
			       "... no overridden option, no address from the file, nothing of another module");
			tap_contains(t, r.err, "'options vmacct hstates=0x1' ignored",
				     "... and the address in the file is said to be ignored");
			run_free(&r);
			unlink(conf);
			rmdir(dir);
		} else {
			tap_skip(t, "no temporary directory", "modprobe.d options");
		}
	}

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
	tap_contains(t, r.err, "--system-map FILE", "... and the way around it");
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

/* A valid command line without the module: exit 3, the hint, no output. */
static void not_loaded(struct tap *t, const struct test_env *env,
		       const char *const args[])
{
	struct run_result r;
	char line[160] = "", want[96];
	size_t k;

	for (k = 0; args[k]; k++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
			 k ? " " : "", args[k]);
	tap_eq_i64(t, run_tool(env, &r, args), VM_EXIT_NOT_LOADED,
		   "%s without the module exits 3", line);
	snprintf(want, sizeof(want), "vmacct: %s needs the module: module vmacct is not loaded — ",
		 args[0]);
	tap_starts_with(t, r.err, want,
			"... saying that %s needs the module, naming it, then the obstacle", args[0]);
	tap_ok(t, r.err && (strstr(r.err, "CONFIG_MODULES=n") || strstr(r.err, "lockdown") ||
			    strstr(r.err, "make && sudo make install") || strstr(r.err, "try: vmacct load")),
	       "... which names a command that exists, or why none would help");
	tap_ok(t, r.out && !*r.out, "... and nothing on stdout");
	run_free(&r);
}

static void test_not_loaded(struct tap *t, const struct test_env *env)
{
	struct run_result r;

	if (module_loaded()) {
		tap_skip(t, "vmacct is loaded on this host", "status and ps without the module answer from /proc");
		tap_skip(t, "vmacct is loaded on this host", "check, fork-check, trace without the module exit 3");
		tap_skip(t, "vmacct is loaded on this host", "unload without the module exits 0");
		return;
	}
	/* status and ps answer from /proc, labelled */
	tap_eq_i64(t, RUN(&r, "status"), VM_EXIT_OK, "status without the module exits 0, from /proc");
	tap_contains(t, r.err, "module vmacct is not loaded: ", "... saying it is not loaded, and why");
	tap_contains(t, r.err, "showing what /proc gives, approximate", "... and what it shows instead");
	tap_starts_with(t, r.out, "from /proc (approximate): module vmacct is not loaded: ",
			"... labelled on stdout too");
	tap_contains(t, r.out, "\nCommitLimit ", "... CommitLimit from /proc/meminfo, in the commit table");
	tap_contains(t, r.out, "\nwhat vmacct.ko adds: ", "... and what the module would add");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "status", "--json"), VM_EXIT_OK, "status --json without the module exits 0");
	tap_starts_with(t, r.out, "{\n  \"source\": \"proc\",\n  \"module_missing\": \"module vmacct is not loaded: ",
			"... one JSON object, its source proc and why");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "ps", "-rn", "-o", "pid,maps", "--user", "0"), VM_EXIT_OK,
		   "ps without the module exits 0, from /proc");
	tap_contains(t, r.err, "map_count from /proc/PID/maps", "... saying where its numbers come from");
	run_free(&r);
	tap_eq_i64(t, RUN(&r, "ps"), VM_EXIT_OK, "ps (table) without the module exits 0");
	tap_contains(t, r.out, "\nfrom /proc (approximate: vmacct.ko not loaded;", "... labelled under the table");
	run_free(&r);

	not_loaded(t, env, (const char *const[]){ "check", "1G", NULL });
	not_loaded(t, env, (const char *const[]){ "check", "4096p", "--pid", "self", "--mode", "never", "--user", "--json", NULL });
	not_loaded(t, env, (const char *const[]){ "fork-check", "self", NULL });
	not_loaded(t, env, (const char *const[]){ "fork-check", "1", "--json", NULL });
	not_loaded(t, env, (const char *const[]){ "trace", NULL });
	not_loaded(t, env, (const char *const[]){ "trace", "--json", "--denied", "--tgid", "1", "-n", "5", "-s", "2", NULL });
	not_loaded(t, env, (const char *const[]){ "log", NULL });

	tap_eq_i64(t, RUN(&r, "status", "--breakdown"), VM_EXIT_NOT_LOADED,
		   "status --breakdown without the module exits 3");
	tap_starts_with(t, r.err, "vmacct: status --breakdown needs the module (the breakdown is its walk; /proc has no such answer): module vmacct is not loaded: ",
			"... saying that the breakdown needs it, and why it is not there");
	tap_ok(t, r.out && !*r.out, "... and nothing on stdout");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "unload"), VM_EXIT_OK, "unload without the module exits 0");
	tap_contains(t, r.out, "vmacct is not loaded; nothing to do", "... and says so");
	run_free(&r);
}

/* ---- end to end through tests/fake-dev.so (see fixtures/fake-dev.c) ---- */

struct fake {
	char preload[PATH_MAX + 16];
	char log[PATH_MAX + 24];
	char logpath[PATH_MAX];
	char mode[32];
	char err[32];
};

/* Run the tool with the fake device; mode and err as FAKE_VMACCT_*. */
static int run_fake(const struct test_env *env, struct fake *f,
		    struct run_result *r, const char *mode, const char *err,
		    const char *const args[])
{
	char *argv[16], *envv[5];
	size_t i;

	argv[0] = (char *)env->tool;
	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	snprintf(f->mode, sizeof(f->mode), "FAKE_VMACCT_MODE=%s", mode ? mode : "");
	snprintf(f->err, sizeof(f->err), "FAKE_VMACCT_ERR=%s", err ? err : "");
	envv[0] = f->preload;
	envv[1] = f->log;
	envv[2] = f->mode;
	envv[3] = f->err;
	envv[4] = NULL;
	if (run_capture_env(argv, envv, r)) {
		tap_diag("cannot run %s", env->tool);
		return -1;
	}
	return r->status;
}

#define FAKE(r, mode, err, ...) \
	run_fake(env, &f, (r), (mode), (err), (const char *const[]){ __VA_ARGS__, NULL })

/* The requests the fake device logged since the last call, then cleared. */
static char *take_log(struct fake *f)
{
	char *s = slurp(f->logpath);

	unlink(f->logpath);
	return s;
}

static void test_fake_dev(struct tap *t, const struct test_env *env)
{
	char path[PATH_MAX], *log;
	struct run_result r;
	struct fake f;
	int fd;

	if (!env->fake_dev || !realpath(env->fake_dev, path)) {
		tap_skip(t, "no --fake-dev", "commands end to end through a fake /dev/vmacct");
		return;
	}
	snprintf(f.preload, sizeof(f.preload), "LD_PRELOAD=%s", path);
	snprintf(f.logpath, sizeof(f.logpath), "/tmp/vmacct-host-test-XXXXXX");
	fd = mkstemp(f.logpath);
	if (fd < 0) {
		tap_ok(t, false, "temporary file for the fake device's log");
		return;
	}
	close(fd);
	unlink(f.logpath);
	snprintf(f.log, sizeof(f.log), "FAKE_VMACCT_LOG=%s", f.logpath);

	/* status through the refactored device code: the status fixture exactly */
	tap_eq_i64(t, FAKE(&r, "2", NULL, "status"), VM_EXIT_OK, "fake device: status exits 0");
	tap_eq_fixture(t, env, r.out, "status-mode2.txt");
	run_free(&r);

	/* a module older than the counters (ENOTTY): status without them */
	tap_eq_i64(t, FAKE(&r, "2", "25", "status"), VM_EXIT_OK,
		   "fake device: status on a module without VMACCT_IOC_STATS exits 0");
	tap_ok(t, r.out && strstr(r.out, "CommitLimit") && !strstr(r.out, "counting"),
	       "... with the terms and no counters section");
	run_free(&r);
	tap_eq_i64(t, FAKE(&r, "2", "25", "status", "--json"), VM_EXIT_OK,
		   "fake device: status --json on it exits 0");
	tap_contains(t, r.out, "\"stats\": null,", "... with stats null");
	run_free(&r);
	tap_eq_i64(t, FAKE(&r, "2", "22", "status"), VM_EXIT_FAILED,
		   "fake device: VMACCT_IOC_STATS failing with EINVAL: status exits 1");
	tap_contains(t, r.err, "VMACCT_IOC_STATS: Invalid argument",
		     "... naming the request and the errno");
	run_free(&r);

	/* check: how SIZE and the options are encoded in struct vmacct_eval */
	tap_eq_i64(t, FAKE(&r, "0", NULL, "check", "4097", "--user", "--mode", "never", "--json"),
		   VM_EXIT_OK, "fake device: check 4097 --user --mode never --json exits 0");
	log = take_log(&f);
	tap_eq_str(t, log, "EVAL size=144 flags=6 pid=0 mode=2 pages=2\n",
		   "... 4097 bytes rounded up to 2 pages; USER|MODE, mode 2, pid 0");
	tap_contains(t, r.out, "\"verdict\": \"allow\",", "... JSON verdict allow");
	tap_contains(t, r.out, "\"mode_from_option\": true,\n  \"system_mode\": 0,",
		     "... the mode asked and the system's");
	free(log);
	run_free(&r);

	tap_eq_i64(t, FAKE(&r, "2", NULL, "check", "1G", "--admin", "--pid", "1"),
		   VM_EXIT_OK, "fake device: check 1G --admin --pid 1 exits 0 on a DENY");
	log = take_log(&f);
	tap_eq_str(t, log, "EVAL size=144 flags=1 pid=1 mode=0 pages=262144\n",
		   "... ADMIN only, pid 1, mode left 0, 1G = 262144 pages");
	tap_starts_with(t, r.out, "DENY: an allocation of 1 GiB (262144 pages) would fail now (ENOMEM)\n",
			"... DENY first");
	tap_contains(t, r.out, "  - admin reserve                         0         0 B   waived: CAP_SYS_ADMIN\n",
		     "... as admin");
	free(log);
	run_free(&r);

	tap_eq_i64(t, FAKE(&r, "2", NULL, "check", "1p", "--mode", "1"), VM_EXIT_OK,
		   "fake device: check 1p --mode 1 exits 0");
	log = take_log(&f);
	tap_eq_str(t, log, "EVAL size=144 flags=4 pid=0 mode=1 pages=1\n", "... one page, MODE, mode 1");
	tap_contains(t, r.out, "margin                          unlimited", "... unlimited margin");
	free(log);
	run_free(&r);

	tap_eq_i64(t, FAKE(&r, "2", "3", "check", "1G", "--pid", "99999"), VM_EXIT_FAILED,
		   "fake device: check --pid of a process that is gone exits 1");
	tap_contains(t, r.err, "vmacct: pid 99999: VMACCT_IOC_EVAL: No such process — check the PID",
		     "... naming the pid, the errno text and the fix");
	tap_ok(t, r.out && !*r.out, "... and nothing on stdout");
	free(take_log(&f));
	run_free(&r);

	/* fork-check */
	tap_eq_i64(t, FAKE(&r, "2", NULL, "fork-check", "self"), VM_EXIT_OK,
		   "fake device: fork-check self exits 0 on a DENY");
	log = take_log(&f);
	tap_eq_str(t, log, "FORK size=192 flags=0 pid=0\n", "... self is pid 0 in the request");
	tap_contains(t, r.out, "(vmacct, this tool) would charge 2.1 GiB (550000 pages) in 12 VMAs\n",
		     "... self named as this tool");
	tap_contains(t, r.out, "  2 never   DENY     CommitLimit          -548155    -2.1 GiB   <- in force now\n",
		     "... mode 2 in force, from VMACCT_IOC_COMMIT");
	free(log);
	run_free(&r);

	tap_eq_i64(t, FAKE(&r, "1", NULL, "fork-check", "4242", "--json"), VM_EXIT_OK,
		   "fake device: fork-check 4242 --json exits 0");
	log = take_log(&f);
	tap_eq_str(t, log, "FORK size=192 flags=0 pid=4242\n", "... pid 4242 in the request");
	tap_contains(t, r.out, "\"mode_now\": 1,\n  \"verdict_now\": \"allow\",", "... mode 1 now: allow");
	free(log);
	run_free(&r);

	tap_eq_i64(t, FAKE(&r, "2", "13", "fork-check", "4242"), VM_EXIT_PERM,
		   "fake device: fork-check of another user's process (EACCES) exits 4");
	tap_contains(t, r.err, "vmacct: pid 4242: VMACCT_IOC_FORK: Permission denied — another user's process, or one that is not dumpable: run as its owner, or as root (CAP_SYS_PTRACE)",
		     "... naming the pid, the errno text and the fix");
	run_free(&r);
	tap_eq_i64(t, FAKE(&r, "2", "6", "fork-check", "2"), VM_EXIT_FAILED,
		   "fake device: fork-check of a kernel thread (ENXIO) exits 1");
	tap_contains(t, r.err, "a kernel thread: it has no user address space", "... saying it is a kernel thread");
	run_free(&r);
	tap_eq_i64(t, FAKE(&r, "2", "61", "fork-check", "4242"), VM_EXIT_FAILED,
		   "fake device: fork-check of an exiting process (ENODATA) exits 1");
	tap_contains(t, r.err, "the process is exiting", "... saying it is exiting");
	run_free(&r);
	tap_eq_i64(t, FAKE(&r, "2", "25", "fork-check", "4242"), VM_EXIT_ABI,
		   "fake device: a module without VMACCT_IOC_FORK (ENOTTY) exits 5");
	tap_contains(t, r.err, "the loaded module is older than this tool and does not know VMACCT_IOC_FORK",
		     "... saying the module is too old");
	run_free(&r);
	tap_eq_i64(t, FAKE(&r, "2", "22", "fork-check", "4242"), VM_EXIT_FAILED,
		   "fake device: EINVAL exits 1");
	tap_contains(t, r.err, "rebuild/reinstall the tool and the module together", "... with the fix");
	free(take_log(&f));
	run_free(&r);

	/* ps: the tool itself readable, pid 1 EACCES, every other process ENXIO */
	tap_eq_i64(t, FAKE(&r, "2", NULL, "ps"), VM_EXIT_OK, "fake device: ps exits 0");
	tap_ok(t, r.out && !strncmp(r.out + strspn(r.out, " "),
				    "PID COMM        MAPS %MAX   NEW SPLITS CHARGE    SIZE ACCT CGROUP\n", 66),
	       "... header first (the PID column as wide as the tool's pid)");
	tap_contains(t, r.out, " vmacct      4242 6.5% 61289  61288   1000 3.9 MiB    7 ",
		     "... the tool's own row from VMACCT_IOC_MM");
	tap_ok(t, has_row(r.out, 1), "... pid 1 listed");
	tap_contains(t, r.out, "    -    -     -      -      -       -    - ", "... without values");
	tap_contains(t, r.out, " kernel threads without an address space\n", "... kernel threads counted");
	tap_contains(t, r.out, "1 process not readable (no permission, '-')", "... one unreadable process");
	tap_ok(t, r.out && strstr(r.out, " vmacct ") && has_row(r.out, 1) &&
	       strstr(r.out, " vmacct ") < has_row(r.out, 1),
	       "... the readable row before the unreadable one");
	run_free(&r);

	tap_eq_i64(t, FAKE(&r, "2", NULL, "ps", "1", "-o", "pid,user,comm,maps"), VM_EXIT_OK,
		   "fake device: ps 1 -o pid,user,comm,maps exits 0");
	tap_ok(t, r.out && !strstr(r.out, "vmacct") && has_row(r.out, 1) &&
	       strstr(has_row(r.out, 1), " root "),
	       "... only pid 1, with its owner");
	run_free(&r);
	tap_eq_i64(t, FAKE(&r, "2", NULL, "ps", "1", "999999999"), VM_EXIT_FAILED,
		   "fake device: ps 1 999999999 exits 1");
	tap_contains(t, r.err, "vmacct: ps: no process 999999999\n", "... naming the PID that is no process");
	tap_ok(t, has_row(r.out, 1), "... and still listing pid 1");
	run_free(&r);
	tap_eq_i64(t, FAKE(&r, "2", NULL, "ps", "--user", "4294967294"), VM_EXIT_OK,
		   "fake device: ps --user of nobody's uid exits 0");
	tap_ok(t, r.out && !strstr(r.out, "vmacct") && !has_row(r.out, 1),
	       "... and lists no process of root");
	run_free(&r);
	tap_eq_i64(t, FAKE(&r, "2", NULL, "ps", "-u", "root", "-rn", "-o", "pid,comm"), VM_EXIT_OK,
		   "fake device: ps -u root -rn -o pid,comm exits 0");
	tap_contains(t, r.out, " vmacct\n", "... raw rows of root's processes");
	tap_ok(t, r.out && !strstr(r.out, "PID") && !strstr(r.out, "kernel thread"),
	       "... no heading, no footer");
	run_free(&r);

	tap_eq_i64(t, FAKE(&r, "2", NULL, "ps", "--json", "--sort", "charge"), VM_EXIT_OK,
		   "fake device: ps --json --sort charge exits 0");
	tap_starts_with(t, r.out, "[\n  {\n    \"pid\": ", "... a JSON array of objects");
	tap_contains(t, r.out, "\"comm\": \"vmacct\",\n    \"uid\": 0,\n    \"user\": \"root\",\n    \"cgroup\": ", "... the tool's own object, with its owner and cgroup");
	tap_contains(t, r.out, "\n    \"map_count\": 4242,", "... and its map_count");
	tap_contains(t, r.out, "  {\n    \"pid\": 1,\n", "... pid 1 ...");
	tap_contains(t, r.out, "\"error\": \"EACCES\"\n  }\n]\n", "... last, with error EACCES");
	run_free(&r);

	tap_eq_i64(t, FAKE(&r, "2", NULL, "ps", "--limit", "1"), VM_EXIT_OK, "fake device: ps --limit 1 exits 0");
	tap_ok(t, r.out && !has_row(r.out, 1), "... one row: the unreadable one is cut");
	tap_contains(t, r.out, "showing 1 of 2 processes (--limit)\n", "... and says so");
	run_free(&r);

	tap_eq_i64(t, FAKE(&r, "2", "3", "ps"), VM_EXIT_OK, "fake device: ps with every process gone exits 0");
	tap_eq_str(t, r.out, "0 kernel threads without an address space\n",
		   "... no rows (and so no heading), no kernel threads");
	run_free(&r);

	tap_eq_i64(t, FAKE(&r, "2", "6", "ps"), VM_EXIT_OK, "fake device: ps with only kernel threads exits 0");
	{
		const char *p = r.out;
		unsigned long n = p ? strtoul(p, NULL, 10) : 0;

		if (!tap_ok(t, n >= 2 && strstr(p, " kernel threads without an address space\n"),
			    "... no rows, every process counted as a kernel thread (at least pid 1 and the tool)"))
			tap_diag("  counted %lu", n);
	}
	run_free(&r);

	tap_eq_i64(t, FAKE(&r, "2", "22", "ps"), VM_EXIT_FAILED, "fake device: ps with EINVAL from the module exits 1");
	tap_contains(t, r.err, "VMACCT_IOC_MM: Invalid argument — the module rejected this tool's request layout",
		     "... naming the request and the fix");
	tap_ok(t, r.out && !*r.out, "... and prints no partial table");
	run_free(&r);
}

/*
 * A kernel that lists functions only: the variables come from System.map,
 * moved by the offset its text symbols give.  sysmap-kaslr.txt is
 * kallsyms-normal.txt linked 16 MiB lower, so the options must be the
 * normal table's, read independently from it.
 */
static void test_load_system_map(struct tap *t, const struct test_env *env)
{
	char ks[512], map[512];
	struct run_result r;
	char *normal = NULL;

	fixture_path(ks, sizeof(ks), env, "kallsyms-normal.txt");
	if (RUN(&r, "load", "--ko", env->fake_ko, "-n", "-s", ks) == VM_EXIT_OK)
		normal = r.out ? strdup(r.out) : NULL;
	run_free(&r);
	fixture_path(ks, sizeof(ks), env, "kallsyms-functions-only.txt");

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "-n", "-s", ks, "--system-map",
			  fixture_path(map, sizeof(map), env, "sysmap-kaslr.txt")),
		   VM_EXIT_OK, "functions-only kallsyms with a System.map exits 0");
	tap_ok(t, normal && *normal && r.out && !strcmp(r.out, normal),
	       "... with the addresses of the full table: the map's moved by the KASLR offset");
	if (!(normal && r.out && !strcmp(r.out, normal)))
		tap_diag("got '%s', want '%s'", r.out ? r.out : "", normal ? normal : "");
	run_free(&r);
	free(normal);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "-n", "-s", ks, "--system-map",
			  fixture_path(map, sizeof(map), env, "sysmap-other-build.txt")),
		   VM_EXIT_FAILED, "a System.map whose text moved differently exits 1");
	tap_contains(t, r.err, "the map is another build's", "... saying it is another build's");
	tap_contains(t, r.err, "__vm_enough_memory", "... naming the symbol that disagrees");
	tap_ok(t, r.out && !*r.out, "... and prints no option string");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "-n", "-s", ks, "--system-map",
			  fixture_path(map, sizeof(map), env, "sysmap-placeholder.txt")),
		   VM_EXIT_FAILED, "Debian's placeholder System.map exits 1");
	tap_contains(t, r.err, "not a System.map", "... saying it is no map");
	tap_contains(t, r.err, "-dbg", "... and which package has the real one");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "-n", "-s", ks, "--system-map",
			  fixture_path(map, sizeof(map), env, "sysmap-no-hstates.txt")),
		   VM_EXIT_FAILED, "a System.map without one of the variables exits 1");
	tap_contains(t, r.err, "(1 of the 12 that", "... with one symbol missing");
	tap_contains(t, r.err, ": hstates — ", "... naming it");
	run_free(&r);

	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "-n", "-s", ks, "--system-map",
			  "/nonexistent/System.map"),
		   VM_EXIT_FAILED, "a System.map that cannot be opened exits 1");
	tap_contains(t, r.err, "/nonexistent/System.map: No such file or directory",
		     "... naming the file and the errno text");
	run_free(&r);

	fixture_path(ks, sizeof(ks), env, "kallsyms-normal.txt");
	tap_eq_i64(t, RUN(&r, "load", "--ko", env->fake_ko, "-n", "-s", ks, "--system-map",
			  fixture_path(map, sizeof(map), env, "sysmap-other-build.txt")),
		   VM_EXIT_OK, "a kernel that lists its variables never reads the map");
	tap_contains(t, r.out, "hstates=0xffffffff82a02000 ", "... taking them from kallsyms");
	run_free(&r);
}

void test_cli(struct tap *t, const struct test_env *env)
{
	if (access(env->tool, X_OK)) {
		tap_ok(t, false, "tool %s is built and executable", env->tool);
		return;
	}
	test_usage(t, env);
	test_new_usage(t, env);
	test_load(t, env);
	test_load_system_map(t, env);
	test_not_loaded(t, env);
	test_fake_dev(t, env);
}
