// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct repro: the five incidents vmacct exists for, reproduced on this
 * machine (repro-cases.h) -- the command line: what each will do, the
 * consent to change sysctls (--yes, always), the state file written
 * before any change (repro-state.h), running the ones named, printing
 * what they found, and putting every sysctl back, also on
 * SIGINT/SIGTERM/SIGHUP (the handler kills the child, restores, removes
 * the state file, then dies of the signal); and --restore, for when the
 * tool could not (SIGKILL, a crash).
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "log.h"
#include "repro-cases.h"
#include "repro-child.h"
#include "repro-state.h"
#include "tool.h"

/*
 * What the signal handler needs: the sysctls to put back and the state
 * file to remove once they are.  A handler can only reach globals;
 * nothing else here is one (the child is repro-child.c's).
 */
static struct sysctl_book *sig_book;
static char sig_state[REPRO_STATE_PATH_MAX];

static void on_fatal_signal(int sig)
{
	child_kill_running();
	if (sig_book && sysctl_restore(sig_book) == 0)
		unlink(sig_state);
	signal(sig, SIG_DFL);
	raise(sig);
}

static const char *const intros[REPRO_COUNT] = {
	[REPRO_MAP_FILES] =
		"Incident: a service mapping many small files (Elasticsearch, a database) gets ENOMEM from mmap\n"
		"with plenty of free memory.  A child maps one-page tmpfs files until mmap fails.\n"
		"Changes vm.max_map_count (to the child's map_count + 1000; --full: 65530) and puts it back.",
	[REPRO_MUNMAP_HOLES] =
		"Incident: munmap() itself fails with ENOMEM (an allocator returning pages in the middle\n"
		"of a large mapping).  A child maps one large region and unmaps every other page.\n"
		"Changes vm.max_map_count (to the child's map_count + 1000; --full: 65530) and puts it back.",
	[REPRO_MAP_TYPES] =
		"Incident: which mappings does overcommit accounting refuse or charge?  A child maps a sparse\n"
		"tmpfs file larger than RAM + swap four ways, and the same size anonymously, in each mode,\n"
		"touching 4 pages.  Changes vm.overcommit_memory to 0, 1 and 2 and puts it back.",
	[REPRO_BIG_ALLOC] =
		"Incident: malloc(1 TiB) fails on one host and succeeds on another.  A child maps more than\n"
		"RAM + swap (--full: 1 TiB) anonymously in each mode, touching 4 pages.\n"
		"Changes vm.overcommit_memory to 0, 1 and 2 and puts it back.",
	[REPRO_FORK] =
		"Incident: Redis \"Can't save in background: fork: Cannot allocate memory\".  A child with\n"
		"a 200 MiB touched heap forks in mode 0, then in mode 2 with vm.overcommit_ratio at\n"
		"min_ratio − 1 and at min_ratio (from VMACCT_IOC_FORK).  Changes vm.overcommit_memory and\n"
		"vm.overcommit_ratio (and so overcommit_kbytes) and puts them back, leaving mode 2 first.",
};

static const struct opt_help repro_opts_help[] = {
	{ "-y, --yes",     "change the sysctls (required: without it, repro only says\n"
			   "what it would change)" },
	{ "    --restore", "put back the sysctls a killed or crashed repro left\n"
			   "changed, from its state file, and remove the file" },
	{ "-j, --json",    "one JSON object per reproduction, one per line: name, agree,\n"
			   "error, summary, checks [{what, rule, prediction, outcome,\n"
			   "record, before_5_2, informational, agree, disagree,\n"
			   "numbers {...}}]" },
	{ "-f, --full",    "the real scale: max_map_count 65530, 1 TiB (slower)" },
	{ "-v, --verbose", "more messages on stderr" },
	{ "-h, --help",    "show this help" },
	{ NULL, NULL },
};

static void repro_help(FILE *out)
{
	print_usage(out, "vmacct repro NAME --yes [--json] [--full] [-v]\n"
		    "       vmacct repro --restore",
		    "Reproduce an incident and show, side by side, the module's prediction,\n"
		    "what the system call did, and the module's record of the kernel's\n"
		    "decision.  NAME: map-files, munmap-holes, map-types, big-alloc, fork,\n"
		    "or all.  Each says what it will do and which sysctls it changes, and\n"
		    "puts every sysctl back when it ends, also on SIGINT or SIGTERM.  It\n"
		    "changes sysctls only with --yes.  Before the first change it saves\n"
		    "their values to " REPRO_STATE_DIR "/" REPRO_STATE_NAME ", and removes\n"
		    "the file once they are back.  While the file is there (the tool was\n"
		    "killed with SIGKILL, or crashed), repro refuses to start and\n"
		    "'vmacct repro --restore' puts the values back.\n"
		    "Never provokes the OOM killer: it touches only a few pages of the big\n"
		    "mappings.  Root only.  Exit status 1 when prediction, outcome and\n"
		    "record disagree anywhere (the output says where).\n"
		    "\n"
		    "For tests: VMACCT_REPRO_HOLD=SECS waits that long where map-files and\n"
		    "munmap-holes have lowered vm.max_map_count and where fork is in mode 2\n"
		    "at min_ratio - 1, so the signal path can be exercised;\n"
		    "VMACCT_STATE_DIR replaces " REPRO_STATE_DIR ".",
		    repro_opts_help);
}

static const repro_fn repro_fns[REPRO_COUNT] = {
	[REPRO_MAP_FILES]	= repro_map_files,
	[REPRO_MUNMAP_HOLES]	= repro_munmap_holes,
	[REPRO_MAP_TYPES]	= repro_map_types,
	[REPRO_BIG_ALLOC]	= repro_big_alloc,
	[REPRO_FORK]		= repro_fork,
};

/*
 * A state file that is already there: a repro still running, or one that
 * ended without putting the sysctls back.  Says which.
 */
static void state_busy(const char *path)
{
	struct sysctl_book *b = calloc(1, sizeof(*b));
	unsigned long long start;
	char what[120], vals[400];
	pid_t pid;
	int err;

	if (!b) {
		log_err("out of memory");
		return;
	}
	sysctl_book_init(b, SYSCTL_ROOT);
	err = repro_state_load(path, b, &pid, &start, what, sizeof(what));
	if (err == -EINVAL)
		log_err("repro: %s exists but is not a vmacct repro state file (%s): check /proc/sys/vm, then remove it",
			path, what);
	else if (err)
		log_err("repro: %s exists but cannot be read: %s", path, strerror(-err));
	else if (repro_state_owner_alive(pid, start))
		log_err("repro: another vmacct repro (pid %ld) is running; it puts the sysctls back itself when it ends",
			(long)pid);
	else {
		repro_state_describe(b, vals, sizeof(vals));
		log_err("repro: a restore is pending: vmacct repro (pid %ld) ended without putting the sysctls back; %s holds their values before it (%s): run 'vmacct repro --restore' first",
			(long)pid, path, vals);
	}
	free(b);
}

/*
 * Before the first change: the original value of every sysctl to the
 * state file, and to the user.
 */
static int state_begin(struct repro_ctx *x, const struct repro_opts *o)
{
	unsigned long long start = 0;
	char vals[400];
	int err;

	repro_state_path(sig_state, sizeof(sig_state));
	err = repro_state_start_time(getpid(), &start);
	if (!err)
		err = repro_state_create(sig_state, &x->book, getpid(), start);
	if (err == -EEXIST) {
		state_busy(sig_state);
		return VM_EXIT_FAILED;
	}
	if (err) {
		log_err("repro: cannot save the sysctls to %s: %s; nothing was changed",
			sig_state, strerror(-err));
		return VM_EXIT_FAILED;
	}
	repro_state_describe(&x->book, vals, sizeof(vals));
	if (o->json)
		log_msg(0, LOG_LVL_ERR, "repro: sysctls before any change, saved to %s: %s",
			sig_state, vals);
	else
		printf("Sysctls before any change, saved to %s:\n  %s\n",
		       sig_state, vals);
	return VM_EXIT_OK;
}

/* vmacct repro --restore */
static int repro_restore(const struct repro_opts *o)
{
	char path[REPRO_STATE_PATH_MAX], what[120], now[SYSCTL_VALUE_MAX];
	struct sysctl_book *b;
	unsigned long long start;
	int ret = VM_EXIT_FAILED, i, err;
	pid_t pid;

	if (geteuid() != 0) {
		log_err("repro --restore: writes sysctls: run as root");
		return VM_EXIT_PERM;
	}
	repro_state_path(path, sizeof(path));
	b = calloc(1, sizeof(*b));
	if (!b) {
		log_err("out of memory");
		return VM_EXIT_FAILED;
	}
	sysctl_book_init(b, getenv("VMACCT_SYSCTL_ROOT") ?: SYSCTL_ROOT);
	err = repro_state_load(path, b, &pid, &start, what, sizeof(what));
	if (err == -ENOENT) {
		printf("No state file at %s: nothing to restore.\n", path);
		ret = VM_EXIT_OK;
		goto out;
	}
	if (err == -EINVAL) {
		log_err("repro --restore: %s is not a vmacct repro state file (%s): nothing was changed",
			path, what);
		goto out;
	}
	if (err) {
		log_err("repro --restore: cannot read %s: %s", path, strerror(-err));
		goto out;
	}
	if (repro_state_owner_alive(pid, start)) {
		log_err("repro --restore: the vmacct repro that wrote %s (pid %ld) is still running and puts the sysctls back itself; to stop it: kill %ld",
			path, (long)pid, (long)pid);
		goto out;
	}
	for (i = 0; i < SYSCTL_COUNT; i++) {
		if (sysctl_read(b, i, now, sizeof(now)))
			snprintf(now, sizeof(now), "?");
		printf("vm.%s: %s -> %s\n", sysctl_name(i), now, b->saved[i]);
	}
	err = sysctl_restore(b);
	if (err) {
		log_err("repro --restore: writing the sysctls: %s; %s is kept",
			strerror(-err), path);
		goto out;
	}
	if (unlink(path) && errno != ENOENT) {
		log_err("repro --restore: restored, but cannot remove %s: %s",
			path, strerror(errno));
		goto out;
	}
	if (o->verbose)
		log_note(o->verbose, "removed %s", path);
	printf("Restored; removed %s.\n", path);
	ret = VM_EXIT_OK;
out:
	free(b);
	return ret;
}

int cmd_repro(int argc, char *argv[], const struct global_opts *g)
{
	struct repro_opts o = { .verbose = g->verbose };
	struct repro_result *res = NULL;
	struct vmacct_version ver;
	struct vmacct_commit now;
	struct sigaction sa;
	struct repro_ctx *x = NULL;
	char what[200];
	bool restore_failed = false;
	int ret, i, n = 0, bad = 0, err;

	if (repro_parse_args(argc, argv, &o, what, sizeof(what)))
		return usage_error("repro", what);
	if (o.help) {
		repro_help(stdout);
		return VM_EXIT_OK;
	}
	if (o.restore)
		return repro_restore(&o);
	if (!o.yes) {
		for (i = 0; i < REPRO_COUNT; i++)
			if (o.which & (1U << i))
				printf("%s: %s\n\n", repro_name(i), intros[i]);
		log_err("repro: changes sysctls for the whole host (above): nothing was changed; run again with --yes to go ahead");
		return VM_EXIT_USAGE;
	}
	if (geteuid() != 0) {
		log_err("repro: changes sysctls and reads the event stream: run as root");
		return VM_EXIT_PERM;
	}

	x = calloc(1, sizeof(*x));
	res = calloc(REPRO_COUNT, sizeof(*res));
	if (!x || !res) {
		log_err("out of memory");
		ret = VM_EXIT_FAILED;
		goto out_free;
	}
	x->g = g;
	x->o = &o;
	x->page = (uint64_t)sysconf(_SC_PAGESIZE);
	sysctl_book_init(&x->book, getenv("VMACCT_SYSCTL_ROOT") ?: SYSCTL_ROOT);
	ret = state_begin(x, &o);
	if (ret != VM_EXIT_OK)
		goto out_free;
	ret = vm_dev_open(g, o.verbose, &x->fd);
	if (ret != VM_EXIT_OK)
		goto out_unsaved;
	ret = vm_dev_snapshot(x->fd, o.verbose, &ver, &x->c);
	if (ret != VM_EXIT_OK)
		goto out_close;

	sig_book = &x->book;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigfillset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < REPRO_COUNT; i++) {
		struct repro_result *r = &res[i];

		if (!(o.which & (1U << i)))
			continue;
		r->id = i;
		snprintf(r->intro, sizeof(r->intro), "%s", intros[i]);
		if (!o.json && o.which != (1U << i))
			fputc('\n', stdout);
		if (!o.json)
			repro_print_intro(stdout, r);
		/* start from the same snapshot each time (or the last one) */
		err = vm_dev_commit(x->fd, o.verbose, &now);
		if (!err)
			x->c = now;
		else if (err < 0)
			log_warn("VMACCT_IOC_COMMIT: %s", strerror(-err));
		repro_fns[i](x, r);
		err = sysctl_restore(&x->book);
		if (err)
			restore_failed = true;
		if (err && !r->failed) {
			r->failed = true;
			snprintf(r->error, sizeof(r->error), "restoring the sysctls: %s",
				 strerror(-err));
		}
		if (o.json)
			repro_print_json(stdout, r);
		else
			repro_print_human(stdout, r);
		n++;
		bad += !repro_agrees(r);
	}
	if (!o.json && n > 1) {
		printf("\nSummary:\n");
		for (i = 0; i < REPRO_COUNT; i++)
			if (o.which & (1U << i))
				repro_print_summary(stdout, &res[i]);
	}
	ret = bad ? VM_EXIT_FAILED : VM_EXIT_OK;
	if (fflush(stdout) == EOF)
		ret = VM_EXIT_FAILED;
	sig_book = NULL;
	if (restore_failed) {
		log_err("repro: could not put every sysctl back; %s keeps their original values: run 'vmacct repro --restore'",
			sig_state);
		ret = VM_EXIT_FAILED;
	}
out_close:
	close(x->fd);
out_unsaved:
	if (!restore_failed)
		unlink(sig_state);
out_free:
	free(res);
	free(x);
	return ret;
}
