// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: the promise of "vmacct repro" to the host -- consent with
 * --yes only, the state file written before any change (its format, the
 * lock it is, its parser against files it did not write), a later repro
 * refusing while a restore is pending, and "repro --restore" -- on
 * temporary directories standing in for /proc/sys/vm and /run/vmacct.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "repro-state.h"
#include "repro-sysctl.h"
#include "run.h"
#include "tap.h"
#include "tool.h"

struct dirs {
	char sys[64];		/* stands in for /proc/sys/vm */
	char run[64];		/* stands in for /run/vmacct */
	char state[REPRO_STATE_PATH_MAX];
	char env_sys[96], env_run[96];
};


static void host_sysctls(const struct dirs *d, const char *mode,
			 const char *max)
{
	test_put_file(d->sys, "overcommit_memory", mode);
	test_put_file(d->sys, "max_map_count", max);
	test_put_file(d->sys, "overcommit_kbytes", "0\n");
	test_put_file(d->sys, "overcommit_ratio", "50\n");
}

static bool make_dirs(struct dirs *d)
{
	snprintf(d->sys, sizeof(d->sys), "/tmp/vmacct-state-sys-XXXXXX");
	snprintf(d->run, sizeof(d->run), "/tmp/vmacct-state-run-XXXXXX");
	if (!mkdtemp(d->sys) || !mkdtemp(d->run))
		return false;
	/* a directory repro must create: /run/vmacct does not exist at boot */
	strncat(d->run, "/sub", sizeof(d->run) - strlen(d->run) - 1);
	snprintf(d->state, sizeof(d->state), "%s/%s", d->run, REPRO_STATE_NAME);
	snprintf(d->env_sys, sizeof(d->env_sys), "VMACCT_SYSCTL_ROOT=%s", d->sys);
	snprintf(d->env_run, sizeof(d->env_run), "VMACCT_STATE_DIR=%s", d->run);
	return true;
}

static void remove_dirs(const struct dirs *d)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%.*s'", d->sys,
		 (int)(strlen(d->run) - 4), d->run);
	if (system(cmd))
		tap_diag("could not remove %s", cmd);
}

/* A pid that has just ended (and its start time, which is gone with it). */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

static int load(const struct dirs *d, struct sysctl_book *b, pid_t *pid,
		unsigned long long *start, char *what, size_t len)
{
	memset(b, 0, sizeof(*b));
	sysctl_book_init(b, d->sys);
	return repro_state_load(d->state, b, pid, start, what, len);
}

static void state_file(struct tap *t, const struct dirs *d,
		      struct sysctl_book *b)
{
	unsigned long long start = 0, got_start = 0;
	char what[120], desc[400];
	pid_t pid = 0;
	struct stat st;
	int err;

	host_sysctls(d, "0\n", "65530\n");
	sysctl_book_init(b, d->sys);
	err = repro_state_start_time(getpid(), &start);
	tap_ok(t, !err && start > 0,
	       "state: our start time from /proc/self/stat (%llu)", start);
	tap_eq_i64(t, repro_state_create(d->state, b, getpid(), start), 0,
		   "state: created, with its directory");
	tap_ok(t, stat(d->state, &st) == 0 && (st.st_mode & 0777) == 0644,
	       "state: the file is there, mode 0644");
	tap_ok(t, b->have_saved[SYSCTL_MAX_MAP_COUNT] &&
	       b->have_saved[SYSCTL_OVERCOMMIT_RATIO],
	       "state: every sysctl saved, not only those a repro changes");
	tap_eq_i64(t, repro_state_create(d->state, b, getpid(), start), -EEXIST,
		   "state: a second repro cannot create it (the lock)");
	tap_eq_i64(t, load(d, b, &pid, &got_start, what, sizeof(what)), 0,
		   "state: loads");
	tap_ok(t, pid == getpid() && got_start == start,
	       "state: the pid and start time that wrote it");
	tap_eq_str(t, b->saved[SYSCTL_MAX_MAP_COUNT], "65530",
		   "state: max_map_count as it was");
	repro_state_describe(b, desc, sizeof(desc));
	tap_eq_str(t, desc,
		   "vm.overcommit_memory=0 vm.max_map_count=65530 vm.overcommit_kbytes=0 vm.overcommit_ratio=50",
		   "state: described for the user");
	tap_ok(t, repro_state_owner_alive(getpid(), start),
	       "state: its writer (this process) is alive");
	tap_ok(t, !repro_state_owner_alive(getpid(), start + 1),
	       "state: a later process with the same pid is not its writer");
	tap_ok(t, !repro_state_owner_alive(dead_pid(), start),
	       "state: a process that ended is not alive");
	tap_ok(t, !repro_state_owner_alive(0, 0) && !repro_state_owner_alive(-1, 0),
	       "state: pid 0 and -1 are nobody");
}

/* Files repro did not write: each refused, nothing kept. */
static void state_hostile(struct tap *t, const struct dirs *d,
			 struct sysctl_book *b)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "pid=5\nvm.overcommit_memory=0\nvm.max_map_count=1\nvm.overcommit_kbytes=0\n",
		  "a sysctl missing" },
		{ "vm.overcommit_memory=0\nvm.max_map_count=1\nvm.overcommit_kbytes=0\nvm.overcommit_ratio=5\n",
		  "no pid" },
		{ "pid=5\nvm.overcommit_memory=0\nvm.max_map_count=1;reboot\nvm.overcommit_kbytes=0\nvm.overcommit_ratio=5\n",
		  "a value that is not digits" },
		{ "pid=5\nvm.overcommit_memory=0\nvm.overcommit_memory=2\nvm.max_map_count=1\nvm.overcommit_kbytes=0\nvm.overcommit_ratio=5\n",
		  "a repeated key" },
		{ "pid=5\nvm.swappiness=0\nvm.overcommit_memory=0\nvm.max_map_count=1\nvm.overcommit_kbytes=0\nvm.overcommit_ratio=5\n",
		  "a sysctl repro never changes" },
		{ "pid=5\nvm.overcommit_memory=\nvm.max_map_count=1\nvm.overcommit_kbytes=0\nvm.overcommit_ratio=5\n",
		  "an empty value" },
		{ "pid=0\nvm.overcommit_memory=0\nvm.max_map_count=1\nvm.overcommit_kbytes=0\nvm.overcommit_ratio=5\n",
		  "pid 0" },
		{ "pid=5\nvm.overcommit_memory=0\nvm.max_map_count=99999999999999999999999999999999999\nvm.overcommit_kbytes=0\nvm.overcommit_ratio=5\n",
		  "a value longer than a sysctl's" },
		{ "garbage\n", "not KEY=VALUE" },
		{ "", "empty" },
	};
	unsigned long long start;
	char what[120], text[600], *longline;
	unsigned int i;
	pid_t pid;
	int err, j;
	FILE *f;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s", bad[i].text);
		f = fopen(d->state, "w");
		if (!f)
			break;
		fputs(text, f);
		fclose(f);
		err = load(d, b, &pid, &start, what, sizeof(what));
		for (j = 0; j < SYSCTL_COUNT; j++)
			if (b->have_saved[j])
				err = 1;
		tap_eq_i64(t, err, -EINVAL, "state: refused, nothing kept: %s (%s)",
			   bad[i].why, what);
	}
	longline = malloc(4096);
	f = fopen(d->state, "w");
	if (longline && f) {
		memset(longline, '7', 4095);
		longline[4095] = '\0';
		fprintf(f, "pid=%s\n", longline);
		fclose(f);
		tap_eq_i64(t, load(d, b, &pid, &start, what, sizeof(what)), -EINVAL,
			   "state: refused: a line of 4 KiB (%s)", what);
	} else if (f) {
		fclose(f);
	}
	free(longline);
	unlink(d->state);
	tap_eq_i64(t, load(d, b, &pid, &start, what, sizeof(what)), -ENOENT,
		   "state: none there: -ENOENT");
}

/* A state file as a killed repro leaves it, written by @pid. */
static void leave_state(const struct dirs *d, struct sysctl_book *b,
			pid_t pid, unsigned long long start)
{
	host_sysctls(d, "0\n", "65530\n");
	sysctl_book_init(b, d->sys);
	unlink(d->state);
	repro_state_create(d->state, b, pid, start);
	/* what it had done when it was killed */
	test_put_file(d->sys, "overcommit_memory", "2\n");
	test_put_file(d->sys, "overcommit_ratio", "1\n");
	test_put_file(d->sys, "max_map_count", "1044\n");
}

static int run(const struct test_env *env, const struct dirs *d,
	       struct run_result *r, const char *a1, const char *a2,
	       const char *a3)
{
	char *argv[] = { (char *)env->tool, "repro", (char *)a1, (char *)a2,
			 (char *)a3, NULL };
	char *envp[] = { (char *)d->env_sys, (char *)d->env_run, NULL };

	if (run_capture_input(argv, envp, r, "/dev/null")) {
		tap_diag("cannot run %s", env->tool);
		return -1;
	}
	return r->status;
}

static void state_cli(struct tap *t, const struct test_env *env,
		     const struct dirs *d, struct sysctl_book *b)
{
	unsigned long long start = 0;
	struct run_result r;
	char buf[64];

	/* consent: stdin is not a terminal, which no longer counts */
	host_sysctls(d, "0\n", "65530\n");
	unlink(d->state);
	tap_eq_i64(t, run(env, d, &r, "fork", NULL, NULL), VM_EXIT_USAGE,
		   "repro without --yes, stdin not a terminal: refused (exit 2)");
	tap_contains(t, r.err, "nothing was changed; run again with --yes",
		     "repro without --yes: says nothing changed and how to go ahead");
	tap_contains(t, r.out, "vm.overcommit_memory",
		     "repro without --yes: says which sysctls it would change");
	tap_ok(t, access(d->state, F_OK) != 0,
	       "repro without --yes: no state file");
	run_free(&r);
	tap_eq_i64(t, run(env, d, &r, "--restore", "fork", NULL), VM_EXIT_USAGE,
		   "repro --restore NAME: a usage error");
	run_free(&r);

	if (geteuid() != 0) {
		tap_skip(t, "not root", "repro --yes and --restore (root only)");
		return;
	}
	tap_eq_i64(t, run(env, d, &r, "--restore", NULL, NULL), VM_EXIT_OK,
		   "repro --restore with no state file: exit 0");
	tap_contains(t, r.out, "nothing to restore",
		     "repro --restore with no state file: says so");
	run_free(&r);

	/* no module: the state file is made and removed, nothing changed */
	if (access("/dev/vmacct", F_OK) == 0) {
		tap_skip(t, "/dev/vmacct exists: repro would run",
			 "repro --yes without the device");
	} else {
		tap_eq_i64(t, run(env, d, &r, "fork", "--yes", NULL),
			   VM_EXIT_NOT_LOADED, "repro --yes without the device: exit 3");
		tap_ok(t, access(d->state, F_OK) != 0,
		       "repro --yes without the device: its state file is removed");
		run_free(&r);
	}

	/* killed: its state file says a restore is pending */
	leave_state(d, b, dead_pid(), 1);
	tap_eq_i64(t, run(env, d, &r, "fork", "--yes", NULL), VM_EXIT_FAILED,
		   "repro while a restore is pending: refused (exit 1)");
	tap_contains(t, r.err, "run 'vmacct repro --restore' first",
		     "repro while a restore is pending: says what to run");
	tap_contains(t, r.err, "vm.overcommit_memory=0 vm.max_map_count=65530",
		     "repro while a restore is pending: shows the saved values");
	tap_eq_str(t, test_get_line(d->sys, "overcommit_memory", buf, sizeof(buf)), "2",
		   "repro while a restore is pending: changed nothing");
	run_free(&r);
	tap_eq_i64(t, run(env, d, &r, "--restore", NULL, NULL), VM_EXIT_OK,
		   "repro --restore: exit 0");
	tap_contains(t, r.out, "vm.overcommit_memory: 2 -> 0",
		     "repro --restore: prints each value, now and restored");
	run_free(&r);
	tap_eq_str(t, test_get_line(d->sys, "overcommit_memory", buf, sizeof(buf)), "0",
		   "repro --restore: overcommit_memory back");
	tap_eq_str(t, test_get_line(d->sys, "max_map_count", buf, sizeof(buf)), "65530",
		   "repro --restore: max_map_count back");
	tap_eq_str(t, test_get_line(d->sys, "overcommit_ratio", buf, sizeof(buf)), "50",
		   "repro --restore: overcommit_ratio back");
	tap_ok(t, access(d->state, F_OK) != 0,
	       "repro --restore: the state file is removed");

	/* still running: neither a new repro nor --restore touches anything */
	repro_state_start_time(getpid(), &start);
	leave_state(d, b, getpid(), start);
	tap_eq_i64(t, run(env, d, &r, "fork", "--yes", NULL), VM_EXIT_FAILED,
		   "repro while another runs: refused");
	tap_contains(t, r.err, "is running",
		     "repro while another runs: says so");
	run_free(&r);
	tap_eq_i64(t, run(env, d, &r, "--restore", NULL, NULL), VM_EXIT_FAILED,
		   "repro --restore while its repro runs: refused");
	run_free(&r);
	tap_ok(t, access(d->state, F_OK) == 0 &&
	       !strcmp(test_get_line(d->sys, "overcommit_memory", buf, sizeof(buf)), "2"),
	       "repro --restore while its repro runs: file and sysctls untouched");
	unlink(d->state);
}

void test_repro_state(struct tap *t, const struct test_env *env)
{
	struct sysctl_book *b = calloc(1, sizeof(*b));
	struct dirs d;

	if (!b || !make_dirs(&d)) {
		tap_skip(t, "no temporary directory", "repro state file");
		free(b);
		return;
	}
	state_file(t, &d, b);
	state_hostile(t, &d, b);
	state_cli(t, env, &d, b);
	remove_dirs(&d);
	free(b);
}
