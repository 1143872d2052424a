// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct ps: every process's (or those named, or one user's) map_count,
 * its headroom under vm.max_map_count and its commit charge
 * (VMACCT_IOC_MM, one call per process: pswalk.c), as a table
 * (ps-table.c) or JSON (ps.c).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cgroup.h"
#include "device.h"
#include "log.h"
#include "parse.h"
#include "ps.h"
#include "ps-cgroup.h"
#include "ps-proc.h"
#include "ps-table.h"
#include "system.h"
#include "tool.h"

struct ps_opts {
	enum ps_sort sort;
	size_t limit;		/* 0: every row */
	bool json;
	bool list_columns;
	bool by_cgroup;		/* --by cgroup */
	bool view_chosen;	/* -o given */
	unsigned int depth;	/* --depth, CG_DEPTH_ALL without */
	struct ps_view view;
	struct ps_filter filter;
	char cgroup[4096];	/* --cgroup, as /proc/PID/cgroup writes it */
	int verbose;
};

enum { OPT_LIMIT = 0x100, OPT_LIST_COLUMNS, OPT_BY, OPT_DEPTH, OPT_CGROUP };

static const struct option ps_longopts[] = {
	{ "sort",         required_argument, NULL, 's' },
	{ "limit",        required_argument, NULL, OPT_LIMIT },
	{ "user",         required_argument, NULL, 'u' },
	{ "cgroup",       required_argument, NULL, OPT_CGROUP },
	{ "output",       required_argument, NULL, 'o' },
	{ "list-columns", no_argument,       NULL, OPT_LIST_COLUMNS },
	{ "by",           required_argument, NULL, OPT_BY },
	{ "depth",        required_argument, NULL, OPT_DEPTH },
	{ "raw",          no_argument,       NULL, 'r' },
	{ "noheadings",   no_argument,       NULL, 'n' },
	{ "bytes",        no_argument,       NULL, 'b' },
	{ "json",         no_argument,       NULL, 'j' },
	{ "verbose",      no_argument,       NULL, 'v' },
	{ "help",         no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define PS_SHORTOPTS "s:u:o:rnbjJvh"

static const struct opt_help ps_opts_help[] = {
	{ "-s, --sort KEY",     "maps: by map_count (the default); charge: by commit\n"
				"charge; largest first, unreadable processes last" },
	{ "    --limit N",      "show the first N rows, after sorting" },
	{ "    --by cgroup",    "one row per cgroup v2: its processes, their commit\n"
				"charge, the largest map_count and its headroom, and\n"
				"the process that has it (the closest to the limit)" },
	{ "    --depth N",      "with --by cgroup: sum each cgroup into its ancestor\n"
				"N levels below the root (0: everything in /)" },
	{ "-u, --user USER",    "only the processes of USER (a name or a uid)" },
	{ "    --cgroup PATH",  "only the processes in cgroup v2 PATH or below it: the\n"
				"path as CGROUP shows it (/system.slice/foo.service), or\n"
				"under the cgroup2 mount (/sys/fs/cgroup/system.slice)" },
	{ "-o, --output LIST",  "the columns, by name, separated by commas; +LIST adds\n"
				"to the default ones (--list-columns)" },
	{ "    --list-columns", "list the columns -o takes, and what each shows" },
	{ "-r, --raw",          "raw output: one line per process, columns separated by\n"
				"one blank, blanks and unprintable bytes as \\xNN" },
	{ "-n, --noheadings",   "no heading line (and no footer)" },
	{ "-b, --bytes",        "SIZE in bytes, not 820 KiB" },
	{ "-j, -J, --json",     "a JSON array, one object per process: pid, comm, uid,\n"
				"user, cgroup, map_count, max_map_count, headroom {mmap, split,\n"
				"munmap, mremap_move, mremap_fixed}, tightest,\n"
				"charge_pages, largest_accounted, nr_accounted, the\n"
				"VMA counts nr_* and the *_vm counters; for one that\n"
				"may not be read only pid, comm, uid, user and\n"
				"\"error\": \"EACCES\"; with --by cgroup one object\n"
				"per cgroup: cgroup, name, processes, unreadable,\n"
				"charge_pages, charge_bytes, map_count, max_map_count,\n"
				"headroom {new, splits}, closest {pid, comm}; without\n"
				"the module each object begins \"source\": \"proc\" and\n"
				"what /proc does not give is null" },
	{ "-v, --verbose",      "more messages on stderr" },
	{ "-h, --help",         "show this help" },
	{ NULL, NULL },
};

static void ps_help(FILE *out)
{
	print_usage(out, "vmacct ps [PID...] [--user USER] [--cgroup PATH] [--sort maps|charge]\n"
		    "                 [--limit N] [--by cgroup [--depth N]] [-o LIST] [-r] [-n]\n"
		    "                 [-b] [--json] [-v]",
		    "One row per process (all of them, or the PIDs given): map_count\n"
		    "(VMAs), its share of vm.max_map_count, the headroom for new mappings\n"
		    "(NEW: how many more mmap() may add) and for splits (SPLITS: how many\n"
		    "more munmap() or mprotect() inside a mapping may do), and the commit\n"
		    "charge of its VM_ACCOUNT VMAs (pages and size; ACCT: how many such\n"
		    "VMAs).  The headroom at each of the kernel's five check sites is in\n"
		    "the columns MMAP ... MREMAP-FIXED and in --json.  CGROUP is the\n"
		    "process's cgroup v2 path ('-' on a host with cgroup v1 only).\n"
		    "\n"
		    "Another user's or a non-dumpable process is listed without values\n"
		    "('-') unless run as root (CAP_SYS_PTRACE); kernel threads are counted\n"
		    "in the footer; processes that exit during the walk are left out.\n"
		    "Exit status 1 when a PID given is not a process.  With vmacct.ko\n"
		    "loaded, needs read access to " VMACCT_DEV_PATH "; without it, the rows\n"
		    "come from /proc (maps, smaps, status), labelled approximate, and what\n"
		    "/proc cannot give is '-' (null in --json).",
		    ps_opts_help);
}

/* --user NAME or UID.  0, or -1 with the reason in what. */
static int parse_user(const char *s, struct ps_filter *f, char *what, size_t len)
{
	struct passwd *pw;
	uint64_t v;

	if (!parse_u64_range(s, 0, UINT32_MAX - 1, &v)) {
		f->uid = (uint32_t)v;
	} else {
		errno = 0;
		pw = getpwnam(s);
		if (!pw) {
			snprintf(what, len, "unknown user '%.64s': a name or a uid", s);
			return -1;
		}
		f->uid = pw->pw_uid;
	}
	f->by_uid = true;
	return 0;
}

/* --cgroup PATH into o->cgroup, the filter's.  0, or -1 with the reason in what. */
static int parse_cgroup(const char *s, struct ps_opts *o, char *what, size_t len)
{
	int err = cgroup_path_arg(s, cgroup2_mount(), o->cgroup, sizeof(o->cgroup));

	if (err == -ENAMETOOLONG) {
		snprintf(what, len, "invalid cgroup '%.64s...': longer than %zu bytes",
			 s, sizeof(o->cgroup) - 1);
		return -1;
	}
	if (err) {
		snprintf(what, len, "invalid cgroup '%.64s': a cgroup v2 path from /, as CGROUP shows it (/system.slice/foo.service), without . or ..",
			 s);
		return -1;
	}
	o->filter.cgroup = o->cgroup;
	return 0;
}

/* -1 to go on, else an exit code. */
static int parse_ps_args(int argc, char *argv[], struct ps_opts *o)
{
	char what[240];
	uint64_t n;
	int c;

	while ((c = getopt_long(argc, argv, PS_SHORTOPTS, ps_longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (ps_parse_sort(optarg, &o->sort)) {
				snprintf(what, sizeof(what),
					 "invalid sort key '%s': use maps or charge", optarg);
				return usage_error("ps", what);
			}
			break;
		case OPT_LIMIT:
			if (parse_u64_range(optarg, 1, SIZE_MAX, &n)) {
				snprintf(what, sizeof(what),
					 "invalid row count '%s': a whole number, 1 or more", optarg);
				return usage_error("ps", what);
			}
			o->limit = (size_t)n;
			break;
		case 'u':
			if (parse_user(optarg, &o->filter, what, sizeof(what)))
				return usage_error("ps", what);
			break;
		case OPT_CGROUP:
			if (parse_cgroup(optarg, o, what, sizeof(what)))
				return usage_error("ps", what);
			break;
		case 'o':
			if (ps_view_parse(&o->view, optarg, what, sizeof(what)))
				return usage_error("ps", what);
			o->view_chosen = true;
			break;
		case OPT_BY:
			if (strcmp(optarg, "cgroup")) {
				snprintf(what, sizeof(what),
					 "invalid --by '%.32s': the only grouping is cgroup", optarg);
				return usage_error("ps", what);
			}
			o->by_cgroup = true;
			break;
		case OPT_DEPTH:
			if (parse_u64_range(optarg, 0, 1000, &n)) {
				snprintf(what, sizeof(what),
					 "invalid depth '%.32s': a whole number, 0 to 1000", optarg);
				return usage_error("ps", what);
			}
			o->depth = (unsigned int)n;
			break;
		case OPT_LIST_COLUMNS:
			o->list_columns = true;
			break;
		case 'r':
			o->view.raw = true;
			break;
		case 'n':
			o->view.noheadings = true;
			break;
		case 'b':
			o->view.bytes = true;
			break;
		case 'j':
		case 'J':
			o->json = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			ps_help(stdout);
			fputs("\nColumns (-o):\n", stdout);
			ps_list_columns(stdout);
			return VM_EXIT_OK;
		default:
			return getopt_error("ps", argc, argv, PS_SHORTOPTS);
		}
	}
	if (o->depth != CG_DEPTH_ALL && !o->by_cgroup)
		return usage_error("ps", "--depth goes with --by cgroup");
	if (o->by_cgroup && o->view_chosen)
		return usage_error("ps", "-o chooses the columns of the process table, not of --by cgroup");
	for (; optind < argc; optind++) {
		int32_t pid;

		if (parse_pid_arg(argv[optind], &pid) || pid == 0) {
			snprintf(what, sizeof(what),
				 "invalid PID '%.32s': a positive process id", argv[optind]);
			return usage_error("ps", what);
		}
		if (o->filter.npids == PS_FILTER_PIDS) {
			snprintf(what, sizeof(what), "more than %d PIDs", PS_FILTER_PIDS);
			return usage_error("ps", what);
		}
		o->filter.pids[o->filter.npids++] = pid;
	}
	return -1;
}

/*
 * Under a table from /proc, for people; bare rows (-r, -n) are labelled
 * on stderr only, by the warning before the walk.
 */
static void proc_label(const struct ps_opts *o)
{
	if (!o->view.raw && !o->view.noheadings)
		puts("from /proc (approximate: vmacct.ko not loaded; it adds exact counts under the mmap lock, each kernel's check sites, and fork and refusal answers)");
}

/* ps --by cgroup: the rows summed per cgroup.  An exit code. */
static int print_by_cgroup(const struct ps_opts *o, const struct ps_table *t,
			   uint32_t page_size)
{
	struct cg_table cg;
	int err;

	err = cg_table_build(&cg, t, o->depth, o->sort);
	if (!err && cg.no_cgroups && t->n)
		log_warn("no cgroup v2 path in /proc/PID/cgroup (a kernel without cgroups?): every process is counted under /");
	else if (!err && !cgroup2_mount())
		log_warn("no cgroup2 filesystem mounted (cgroup v1 only?): every process is in the v2 root, shown as /");
	if (!err && o->json)
		cg_print_json(stdout, &cg, o->limit, page_size);
	else if (!err)
		err = cg_print_table(stdout, &cg, o->limit, page_size, o->view.raw,
				     o->view.noheadings, o->view.bytes);
	if (!err && !o->json && t->from_proc)
		proc_label(o);
	cg_table_free(&cg);
	if (err) {
		log_err("ps: %s", strerror(-err));
		return VM_EXIT_FAILED;
	}
	return VM_EXIT_OK;
}

int cmd_ps(int argc, char *argv[], const struct global_opts *g)
{
	struct ps_opts o = { .sort = PS_SORT_MAPS, .verbose = g->verbose,
			     .depth = CG_DEPTH_ALL };
	struct ps_table t = { .rows = NULL };
	struct vmacct_version ver;
	struct vmacct_commit commit;
	char why[640];
	int fd, ret, err;

	ps_view_default(&o.view);
	ret = parse_ps_args(argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (o.list_columns) {
		ps_list_columns(stdout);
		return VM_EXIT_OK;
	}

	ret = vm_dev_open_or_why(g, o.verbose, &fd, why, sizeof(why));
	if (ret == VM_EXIT_NOT_LOADED) {
		/* without the module: what /proc gives, labelled as such */
		log_warn("%s — showing what /proc gives, approximate: map_count from /proc/PID/maps, charge from smaps 'ac', the mm counters from status",
			 why);
		commit.page_size = (uint32_t)sysconf(_SC_PAGESIZE);
		ret = proc_ps_walk("/proc", commit.page_size, &o.filter, &t);
	} else if (ret == VM_EXIT_OK) {
		ret = vm_dev_snapshot(fd, o.verbose, &ver, &commit);
		if (ret == VM_EXIT_OK)
			ret = vm_ps_walk(fd, o.verbose, &o.filter, &t);
		close(fd);
	}
	if (ret != VM_EXIT_OK)
		goto out;

	ps_sort(&t, o.sort);
	if (o.by_cgroup) {
		ret = print_by_cgroup(&o, &t, commit.page_size);
	} else if (o.json) {
		ps_print_json(stdout, &t, o.limit);
	} else {
		err = ps_print_table(stdout, &t, o.limit, commit.page_size, &o.view);
		if (err) {
			log_err("ps: %s", strerror(-err));
			ret = VM_EXIT_FAILED;
		}
		if (!err && t.from_proc)
			proc_label(&o);
	}
	if (o.filter.cgroup && !t.n)
		log_warn("ps: no process in cgroup %s or below it%s", o.cgroup,
			 cgroup2_mount() ? "" : " (no cgroup2 filesystem mounted: every process is in /)");
	if (t.missing && ret == VM_EXIT_OK)
		ret = VM_EXIT_FAILED;	/* said by the walk */
	if (fflush(stdout) == EOF) {
		log_err("stdout: %s", strerror(errno));
		ret = VM_EXIT_FAILED;
	}
out:
	ps_table_free(&t);
	return ret;
}
