// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct check: would an allocation of SIZE succeed now, and why
 * (VMACCT_IOC_EVAL, a dry run of this kernel's __vm_enough_memory()
 * that charges nothing).
 *
 * The exit status says whether the evaluation worked, not what it
 * found: a DENY is an answer, and scripts read it from --json.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "device.h"
#include "log.h"
#include "parse.h"
#include "report.h"
#include "system.h"
#include "tool.h"

struct check_opts {
	struct size_arg size;
	int32_t pid;		/* 0: this tool */
	uint32_t flags;		/* VMACCT_EVAL_* */
	uint32_t mode;		/* with VMACCT_EVAL_MODE */
	bool json;
	int verbose;
};

static const struct option check_longopts[] = {
	{ "pid",     required_argument, NULL, 'p' },
	{ "user",    no_argument,       NULL, 'u' },
	{ "admin",   no_argument,       NULL, 'a' },
	{ "mode",    required_argument, NULL, 'm' },
	{ "json",    no_argument,       NULL, 'j' },
	{ "verbose", no_argument,       NULL, 'v' },
	{ "help",    no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Is @arg an option whose value is the next word ("-p", "--mode")? */
static bool takes_arg(const char *arg)
{
	return !strcmp(arg, "-p") || !strcmp(arg, "-m") ||
	       !strcmp(arg, "--pid") || !strcmp(arg, "--mode");
}

static const struct opt_help check_opts_help[] = {
	{ "-p, --pid PID",  "size the user reserve by this process's total_vm (a\n"
			    "positive pid, or self); default: this tool's own" },
	{ "-u, --user",     "evaluate as a process without CAP_SYS_ADMIN" },
	{ "-a, --admin",    "evaluate as CAP_SYS_ADMIN (no admin reserve in mode 2);\n"
			    "default for both: the credentials of the process\n"
			    "evaluated decide (--pid's own, else this tool's)" },
	{ "-m, --mode M",   "evaluate in overcommit mode M (0 guess, 1 always,\n"
			    "2 never) instead of the one in force" },
	{ "-j, --json",     "one JSON object: verdict (\"allow\"/\"deny\"), pages, mode,\n"
			    "as_admin, deciding_term, margin_pages (null when\n"
			    "unlimited, margin_unlimited_reason says why),\n"
			    "slop_may_flip, terms {every term}, pre_5_2 {verdict,\n"
			    "free_pages, ...}" },
	{ "-v, --verbose",  "more messages on stderr" },
	{ "-h, --help",     "show this help" },
	{ NULL, NULL },
};

static void check_help(FILE *out)
{
	print_usage(out, "vmacct check SIZE [--pid PID] [--user|--admin] [--mode M] [--json] [-v]",
		    "Would one allocation of SIZE (mmap, brk, ...) pass this kernel's\n"
		    "commit accounting now, and why: a dry run of __vm_enough_memory()\n"
		    "that charges nothing.  Prints ALLOW or DENY, every term of the\n"
		    "kernel's test for the mode with the margin left, the deciding term,\n"
		    "whether the per-CPU counter error could flip the verdict, and what\n"
		    "kernels before 5.2 (and older articles) would have said.\n"
		    "\n"
		    "SIZE is bytes, rounded up to whole pages, with an optional binary\n"
		    "suffix K, M, G, T, P or E, any case, optionally followed by iB or B\n"
		    "(4k = 4KiB = 4096), or pages with a lowercase p (4096p).  So 1p is\n"
		    "one page and 1P one pebibyte.\n"
		    "\n"
		    "The exit status is 0 for any verdict once the evaluation worked; a\n"
		    "script reads the verdict from --json (\"verdict\": \"allow\" or \"deny\"),\n"
		    "or the first word of the output (ALLOW or DENY).  Needs vmacct.ko\n"
		    "loaded; --pid for another user's process needs root.",
		    check_opts_help);
}

/* -1 to go on, else an exit code. */
static int parse_check_args(int argc, char *argv[], struct check_opts *o)
{
	bool user = false, admin = false;
	char what[200];
	int c, err;

	/*
	 * "-1G" would otherwise reach getopt as the options -1 and -G (an
	 * argument of -p or -m is left to them)
	 */
	for (c = 1; c < argc && strcmp(argv[c], "--"); c++) {
		if (argv[c][0] == '-' && isdigit((unsigned char)argv[c][1]) &&
		    !takes_arg(argv[c - 1])) {
			snprintf(what, sizeof(what),
				 "SIZE '%s' is negative: an allocation of more than 0 bytes",
				 argv[c]);
			return usage_error("check", what);
		}
	}
	while ((c = getopt_long(argc, argv, "p:uam:jvh", check_longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_pid_arg(optarg, &o->pid)) {
				snprintf(what, sizeof(what),
					 "invalid PID '%s': a positive process id, or self", optarg);
				return usage_error("check", what);
			}
			break;
		case 'u':
			user = true;
			break;
		case 'a':
			admin = true;
			break;
		case 'm':
			if (parse_overcommit_mode(optarg, &o->mode)) {
				snprintf(what, sizeof(what),
					 "invalid mode '%s': 0 (guess), 1 (always) or 2 (never)", optarg);
				return usage_error("check", what);
			}
			o->flags |= VMACCT_EVAL_MODE;
			break;
		case 'j':
			o->json = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			check_help(stdout);
			return VM_EXIT_OK;
		default:
			return getopt_error("check", argc, argv, "p:uam:jvh");
		}
	}
	if (user && admin)
		return usage_error("check", "--user and --admin exclude each other");
	if (user)
		o->flags |= VMACCT_EVAL_USER;
	if (admin)
		o->flags |= VMACCT_EVAL_ADMIN;

	if (optind >= argc)
		return usage_error("check", "missing SIZE");
	if (optind + 1 < argc)
		return usage_error("check", "unexpected argument after SIZE");
	err = parse_size_arg(argv[optind], &o->size);
	if (err == -EDOM || (!err && !o->size.value)) {
		snprintf(what, sizeof(what),
			 "SIZE '%s' is %s: an allocation of more than 0 bytes",
			 argv[optind], err ? "negative" : "zero");
		return usage_error("check", what);
	}
	if (err == -ERANGE) {
		snprintf(what, sizeof(what),
			 "SIZE '%s' is too large: at most 16 EiB - 1 bytes, or 2^63 - 1 pages",
			 argv[optind]);
		return usage_error("check", what);
	}
	if (err) {
		snprintf(what, sizeof(what),
			 "invalid SIZE '%s': bytes with an optional K, M, G, T, P or E suffix (1K = 1024, 1.5G, 1TiB), or whole pages with p (4096p)",
			 argv[optind]);
		return usage_error("check", what);
	}
	return -1;
}

/*
 * The process's resource limits (--pid's, or this tool's own: a shell's
 * ulimit reaches it) and the counts mmap() compares with them
 * (may_expand_vm() runs before the accounting).  Left out, with a note,
 * when they cannot be read.
 */
static void rlimits_of(int fd, const struct check_opts *o,
		       struct check_request *req)
{
	struct vmacct_mm mm;
	int err;

	err = read_rlimits(o->pid, &req->rlimit_as, &req->rlimit_data);
	if (!err)
		err = vm_dev_mm(fd, o->pid, 0, o->verbose, &mm);
	if (err) {
		log_note(o->verbose, "resource limits of pid %d left out: %s",
			 o->pid ? (int)o->pid : (int)getpid(),
			 strerror(err < 0 ? -err : EIO));
		return;
	}
	req->total_vm = mm.total_vm;
	req->data_vm = mm.data_vm;
	req->have_rlimits = true;
}

static int evaluate(int fd, const struct check_opts *o, uint64_t pages,
		    struct vmacct_eval *e)
{
	int ret = vm_dev_eval(fd, o->pid, o->flags, o->mode, (int64_t)pages,
			      o->verbose, e);

	if (ret < 0)
		return vm_dev_pid_error("VMACCT_IOC_EVAL", o->pid, -ret);
	return ret;
}

int cmd_check(int argc, char *argv[], const struct global_opts *g)
{
	struct check_opts o = { .verbose = g->verbose };
	struct vmacct_version ver;
	struct vmacct_commit commit;
	struct vmacct_eval e;
	struct check_request req;
	char comm[64], what[160];
	uint64_t pages;
	int fd, ret, err;

	ret = parse_check_args(argc, argv, &o);
	if (ret >= 0)
		return ret;

	ret = vm_dev_open(g, o.verbose, &fd);
	if (ret != VM_EXIT_OK)
		return ret;
	ret = vm_dev_snapshot(fd, o.verbose, &ver, &commit);
	if (ret != VM_EXIT_OK)
		goto out_close;
	err = size_arg_pages(&o.size, commit.page_size, &pages);
	if (err == -ERANGE) {
		snprintf(what, sizeof(what),
			 "SIZE is more than 2^63 - 1 pages of %u bytes", commit.page_size);
		ret = usage_error("check", what);
		goto out_close;
	}
	if (err) {
		log_err("%s: VMACCT_IOC_COMMIT reports a page size of 0 — rebuild/reinstall the tool and the module together",
			VMACCT_DEV_PATH);
		ret = VM_EXIT_ABI;
		goto out_close;
	}
	ret = evaluate(fd, &o, pages, &e);
	memset(&req, 0, sizeof(req));
	if (ret == VM_EXIT_OK)
		rlimits_of(fd, &o, &req);
out_close:
	close(fd);
	if (ret != VM_EXIT_OK)
		return ret;

	req.pid = o.pid ? o.pid : (int32_t)getpid();
	req.self = !o.pid;
	req.flags = o.flags;
	req.selinux = lsm_active("selinux");
	req.comm = read_comm(o.pid, comm, sizeof(comm)) ? NULL : comm;
	if (o.json)
		check_print_json(stdout, &e, &commit, &req);
	else
		check_print_human(stdout, &e, &commit, &req);
	if (fflush(stdout) == EOF) {
		log_err("stdout: %s", strerror(errno));
		return VM_EXIT_FAILED;
	}
	return VM_EXIT_OK;
}
