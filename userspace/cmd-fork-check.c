// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct fork-check: would fork() of this process pass the commit
 * accounting (the Redis BGSAVE question), under each overcommit mode and
 * under the one in force, and what setting would let it (VMACCT_IOC_FORK,
 * plus VMACCT_IOC_COMMIT for the mode in force).
 *
 * As for check, the exit status says whether the prediction worked, not
 * what it predicts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "forkcheck.h"
#include "log.h"
#include "parse.h"
#include "system.h"
#include "tool.h"

struct fork_opts {
	int32_t pid;		/* 0: this tool ("self") */
	bool json;
	int verbose;
};

static const struct option fork_longopts[] = {
	{ "json",    no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help",    no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct opt_help fork_opts_help[] = {
	{ "-j, --json",    "one JSON object: charge_pages, largest_pages, nr_charged,\n"
			   "verdicts (an array of 3 objects, index = mode: mode,\n"
			   "mode_name, verdict, deciding_term, margin_pages (null\n"
			   "when unlimited), margin_unlimited_reason), mode_now,\n"
			   "verdict_now, min_ratio and min_kbytes (null when no value\n"
			   "can), terms {every term}, as_admin, slop_may_flip" },
	{ "-v, --verbose", "more messages on stderr" },
	{ "-h, --help",    "show this help" },
	{ NULL, NULL },
};

static void fork_help(FILE *out)
{
	print_usage(out, "vmacct fork-check PID [--json] [-v]",
		    "Would fork() of process PID (a positive pid, or self) pass the commit\n"
		    "accounting now?  fork() charges every private writable (VM_ACCOUNT)\n"
		    "VMA again for the child, although copy-on-write shares the pages.\n"
		    "Shows that charge, the largest such VMA, the verdict under modes 0, 1\n"
		    "and 2 with the deciding term and margin, the mode in force and so what\n"
		    "fork() will do, and the smallest overcommit_ratio or overcommit_kbytes\n"
		    "that lets mode 2 pass.  Other fork() failures (RLIMIT_NPROC, pid\n"
		    "exhaustion) are not predicted.\n"
		    "\n"
		    "The exit status is 0 for any verdict once the prediction worked; a\n"
		    "script reads \"verdict_now\" from --json.  Needs vmacct.ko loaded;\n"
		    "another user's process needs root.",
		    fork_opts_help);
}

/* -1 to go on, else an exit code. */
static int parse_fork_args(int argc, char *argv[], struct fork_opts *o)
{
	char what[160];
	int c;

	while ((c = getopt_long(argc, argv, "jvh", fork_longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			fork_help(stdout);
			return VM_EXIT_OK;
		default:
			return getopt_error("fork-check", argc, argv, "jvh");
		}
	}
	if (optind >= argc)
		return usage_error("fork-check", "missing PID (a positive pid, or self)");
	if (optind + 1 < argc)
		return usage_error("fork-check", "unexpected argument after PID");
	if (parse_pid_arg(argv[optind], &o->pid)) {
		snprintf(what, sizeof(what),
			 "invalid PID '%s': a positive process id, or self", argv[optind]);
		return usage_error("fork-check", what);
	}
	return -1;
}

static int predict(int fd, const struct fork_opts *o, struct vmacct_fork *f)
{
	int ret = vm_dev_fork(fd, o->pid, o->verbose, f);

	if (ret < 0)
		return vm_dev_pid_error("VMACCT_IOC_FORK", o->pid, -ret);
	return ret;
}

int cmd_fork_check(int argc, char *argv[], const struct global_opts *g)
{
	struct fork_opts o = { .verbose = g->verbose };
	struct vmacct_version ver;
	struct vmacct_commit commit;
	struct vmacct_fork f;
	struct fork_request req;
	char comm[64];
	int fd, ret;

	ret = parse_fork_args(argc, argv, &o);
	if (ret >= 0)
		return ret;

	ret = vm_dev_open(g, o.verbose, &fd);
	if (ret != VM_EXIT_OK)
		return ret;
	ret = vm_dev_snapshot(fd, o.verbose, &ver, &commit);
	if (ret == VM_EXIT_OK)
		ret = predict(fd, &o, &f);
	close(fd);
	if (ret != VM_EXIT_OK)
		return ret;

	req.pid = o.pid ? o.pid : (int32_t)getpid();
	req.self = !o.pid;
	req.selinux = lsm_active("selinux");
	req.comm = read_comm(o.pid, comm, sizeof(comm)) ? NULL : comm;
	if (o.json)
		fork_print_json(stdout, &f, &commit, &req);
	else
		fork_print_human(stdout, &f, &commit, &req);
	if (fflush(stdout) == EOF) {
		log_err("stdout: %s", strerror(errno));
		return VM_EXIT_FAILED;
	}
	return VM_EXIT_OK;
}
