// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: the bash completion (vmacct.bash-completion), run in a real
 * bash against the built tool.  What it offers is checked against other
 * sources: the command list against main.c's dispatch (an unknown command
 * is a usage error, each offered one is not), option words against the
 * tool accepting them, reproductions against repro_name(), pids against
 * our own pid.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "repro.h"
#include "run.h"
#include "tap.h"
#include "tool.h"

#define SCRIPT "vmacct.bash-completion"

/*
 * COMPREPLY for the words of a command line (the last may be ""), after
 * the shell commands pre (exports).
 */
static char *complete_after(const struct test_env *env, const char *pre,
			    const char *words)
{
	char prog[2560], dir[1024];
	const char *slash = strrchr(env->tool, '/');
	struct run_result r;
	char *argv[] = { "/bin/bash", "--norc", "--noprofile", "-c", prog, NULL };

	/* PATH gets the tool's directory: the completion runs "vmacct --help" */
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - env->tool) : 1,
		 slash ? env->tool : ".");
	snprintf(prog, sizeof(prog),
		 "%sPATH=%s:$PATH; source %s || exit 9; "
		 "COMP_WORDS=(%s); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
		 "_vmacct; printf '%%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '",
		 pre, dir, SCRIPT, words);
	if (run_capture(argv, &r) || r.status != 0) {
		tap_diag("bash for [%s]: status %d: %s", words, r.status,
			 r.err ? r.err : "");
		run_free(&r);
		return NULL;
	}
	free(r.err);
	return r.out;
}

static char *complete(const struct test_env *env, const char *words)
{
	return complete_after(env, "", words);
}


static int tool_status4(const struct test_env *env, const char *a,
			const char *b, const char *c, const char *d)
{
	char *argv[] = { (char *)env->tool, (char *)a, (char *)b, (char *)c,
			 (char *)d, NULL };
	struct run_result r;
	int st;

	if (run_capture(argv, &r))
		return -1;
	st = r.status;
	run_free(&r);
	return st;
}

static int tool_status(const struct test_env *env, const char *a, const char *b,
		       const char *c)
{
	return tool_status4(env, a, b, c, NULL);
}

/*
 * Is every word of @list accepted by the tool as "vmacct A B C", where
 * the one of A, B, C that is NULL stands for the word?  Not a usage error
 * is enough: without the module the command itself may still fail.
 */
static void each_accepted(struct tap *t, const struct test_env *env,
			  const char *what, const char *list, const char *a,
			  const char *b, const char *c)
{
	char *copy = strdup(list ? list : ""), *w, *save;
	int n = 0, st;

	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		st = tool_status(env, a ? a : w, b ? b : w, c ? c : w);
		n++;
		tap_ok(t, st >= 0 && st != VM_EXIT_USAGE,
		       "completion: %s '%s' is accepted by the tool (exit %d)",
		       what, w, st);
	}
	tap_ok(t, n > 0, "completion: %s offers something (%s)", what,
	       list ? list : "bash failed");
	free(copy);
}

/* Is @word one of the space-separated words of @list? */
static bool has_word(const char *list, const char *word)
{
	char padded[8192], needle[64];

	snprintf(padded, sizeof(padded), " %s", list ? list : "");
	snprintf(needle, sizeof(needle), " %s ", word);
	return strstr(padded, needle) != NULL;
}

/*
 * ps --cgroup: the directories of the cgroup2 mount (VMACCT_CGROUP_ROOT
 * here), level by level; names that bash would expand or split are never
 * offered, and nothing in them runs.
 */
static void test_cgroups(struct tap *t, const struct test_env *env)
{
	static const char *const dirs[] = {
		"system.slice", "system.slice/nginx.service", "system.slice/ssh.service",
		"user.slice", "$(touch PWNED)", "a b", "system.slice/x`touch PWNED`",
		"system.slice/*",
	};
	char root[] = "/tmp/vmacct-compl-XXXXXX", path[512], pre[600], *got;
	size_t i;

	if (!mkdtemp(root)) {
		tap_skip(t, "mkdtemp failed", "completion: ps --cgroup");
		return;
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		mkdir(path, 0700);
	}
	snprintf(pre, sizeof(pre), "export VMACCT_CGROUP_ROOT=%s; ", root);
	got = complete_after(env, pre, "vmacct ps --cgroup ''");
	tap_eq_str(t, got, "/ /system.slice/ /user.slice/ ",
		   "completion: ps --cgroup offers / and the top-level cgroups, no hostile name");
	free(got);
	got = complete_after(env, pre, "vmacct ps --cgroup /system.slice/");
	tap_eq_str(t, got, "/system.slice/nginx.service/ /system.slice/ssh.service/ ",
		   "completion: ps --cgroup /system.slice/ offers what is below it");
	free(got);
	got = complete_after(env, pre, "vmacct ps -r --cgroup /system.slice/s");
	tap_eq_str(t, got, "/system.slice/ssh.service/ ", "completion: ... by prefix");
	free(got);
	tap_ok(t, access("PWNED", F_OK) != 0, "completion: no command in a cgroup's name ran");
	tap_ok(t, tool_status(env, "ps", "--cgroup", "/system.slice/ssh.service/") != VM_EXIT_USAGE,
	       "completion: the tool takes the path offered, its slash included");
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	if (system(path))
		tap_diag("could not remove %s", root);
}

void test_completion(struct tap *t, const struct test_env *env)
{
	char *got, want[32], words[96];
	int i;

	if (access(SCRIPT, R_OK)) {
		tap_skip(t, SCRIPT " not in the current directory",
			 "completion: the script");
		return;
	}

	got = complete(env, "vmacct ''");
	tap_eq_str(t, got, "check explain fork-check load log ps repro status trace unload ",
		   "completion: the commands");
	each_accepted(t, env, "command", got, NULL, "--help", "-v");
	free(got);
	tap_ok(t, tool_status(env, "no-such-command", NULL, NULL) == VM_EXIT_USAGE,
	       "completion: an unknown command is a usage error (the check above can fail)");

	got = complete(env, "vmacct -v tr");
	tap_eq_str(t, got, "trace ", "completion: a command after -v");
	free(got);

	got = complete(env, "vmacct trace --");
	/* read from "vmacct trace --help"; each must also be a real option */
	for (i = 0; i < 8; i++) {
		static const char *const opt[] = {
			"--denied", "--pid", "--tid", "--json", "--count", "--duration",
			"--no-map-count", "--no-decisions",
		};

		tap_ok(t, has_word(got, opt[i]), "completion: trace offers %s", opt[i]);
	}
	tap_ok(t, tool_status(env, "trace", "--no-such-option", NULL) == VM_EXIT_USAGE &&
	       tool_status(env, "trace", "--denied", "--help") == 0,
	       "completion: trace rejects an unknown option and takes --denied");
	free(got);

	got = complete(env, "vmacct lo");
	tap_eq_str(t, got, "load log ", "completion: commands starting lo");
	free(got);

	got = complete(env, "vmacct log -");
	/* read from "vmacct log --help"; each must also be a real option */
	for (i = 0; i < 12; i++) {
		static const char *const opt[] = {
			"--json", "--follow", "--since", "--pid", "--verbose", "--help",
			"-j", "-f", "-s", "-p", "-v", "-h",
		};

		tap_ok(t, has_word(got, opt[i]), "completion: log offers %s", opt[i]);
	}
	tap_ok(t, !has_word(got, "--denied") && !has_word(got, "--tid"),
	       "completion: log offers no option of trace");
	tap_ok(t, tool_status(env, "log", "--no-such-option", NULL) == VM_EXIT_USAGE &&
	       tool_status(env, "log", "--follow", "--help") == 0 &&
	       tool_status4(env, "log", "--json", "--since", "5m") != VM_EXIT_USAGE &&
	       tool_status4(env, "log", "-j", "--pid", "1") != VM_EXIT_USAGE,
	       "completion: log rejects an unknown option and takes --follow, --since, --pid");
	free(got);

	got = complete(env, "vmacct log --since ''");
	tap_ok(t, got && !got[strspn(got, " ")], "completion: nothing for the age of log --since");
	free(got);
	got = complete(env, "vmacct log -s -");
	tap_ok(t, got && !got[strspn(got, " ")], "completion: ... nor options in its place");
	free(got);

	got = complete(env, "vmacct explain --");
	tap_ok(t, has_word(got, "--dmesg") && has_word(got, "--json") && !has_word(got, "--since"),
	       "completion: explain offers --dmesg and --json, from its --help");
	tap_ok(t, tool_status(env, "explain", "--dmesg", "--help") == 0 &&
	       tool_status(env, "explain", "--no-such-option", NULL) == VM_EXIT_USAGE,
	       "completion: explain takes --dmesg and rejects an unknown option");
	free(got);
	got = complete(env, "vmacct explain Makef");
	tap_eq_str(t, got, "Makefile ", "completion: explain's FILE is a file");
	free(got);

	got = complete(env, "vmacct ps --sort ''");
	tap_eq_str(t, got, "charge maps ", "completion: ps --sort keys");
	each_accepted(t, env, "ps --sort", got, "ps", "--sort", NULL);
	free(got);

	got = complete(env, "vmacct ps --by ''");
	tap_eq_str(t, got, "cgroup ", "completion: ps --by groupings");
	free(got);
	test_cgroups(t, env);
	got = complete(env, "vmacct status --to");
	tap_eq_str(t, got, "--top --top-cgroups ", "completion: status --top and --top-cgroups");
	free(got);

	got = complete(env, "vmacct check -m ''");
	tap_eq_str(t, got, "0 1 2 always guess never ", "completion: check --mode values");
	{
		char *copy = strdup(got ? got : ""), *w, *save;

		/* "check --mode M 1G": without the module, exit 3, not 2 */
		for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			int st = tool_status4(env, "check", "--mode", w, "1G");

			tap_ok(t, st >= 0 && st != VM_EXIT_USAGE,
			       "completion: check --mode '%s' is accepted by the tool (exit %d)",
			       w, st);
		}
		free(copy);
	}
	free(got);

	got = complete(env, "vmacct repro ''");
	for (i = 0; i < REPRO_COUNT; i++)
		tap_ok(t, has_word(got, repro_name(i)),
		       "completion: repro offers %s", repro_name(i));
	tap_ok(t, has_word(got, "all"), "completion: repro offers all");
	free(got);

	snprintf(want, sizeof(want), "%d", (int)getpid());
	snprintf(words, sizeof(words), "vmacct fork-check %s", want);
	got = complete(env, words);
	tap_ok(t, has_word(got, want), "completion: fork-check offers our pid %s", want);
	free(got);

	snprintf(words, sizeof(words), "vmacct trace --pid %s", want);
	got = complete(env, words);
	tap_ok(t, has_word(got, want), "completion: trace --pid offers our pid");
	free(got);

	snprintf(words, sizeof(words), "vmacct log --json -p %s", want);
	got = complete(env, words);
	tap_ok(t, has_word(got, want), "completion: log -p offers our pid");
	free(got);
}
