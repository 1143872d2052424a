// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct ps: every process's map_count, its headroom under
 * vm.max_map_count and its commit charge (VMACCT_IOC_MM, one call per
 * numeric entry of /proc: pswalk.c).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "device.h"
#include "log.h"
#include "parse.h"
#include "ps.h"
#include "system.h"
#include "tool.h"

struct ps_opts {
	enum ps_sort sort;
	size_t limit;		/* 0: every row */
	bool json;
	int verbose;
};

static const struct option ps_longopts[] = {
	{ "sort",    required_argument, NULL, 's' },
	{ "limit",   required_argument, NULL, 'n' },
	{ "json",    no_argument,       NULL, 'j' },
	{ "verbose", no_argument,       NULL, 'v' },
	{ "help",    no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct opt_help ps_opts_help[] = {
	{ "-s, --sort KEY", "maps: by map_count (the default); charge: by commit\n"
			    "charge; largest first, unreadable processes last" },
	{ "-n, --limit N",  "show the first N rows, after sorting" },
	{ "-j, --json",     "a JSON array, one object per process: pid, comm,\n"
			    "map_count, max_map_count, headroom {mmap, split,\n"
			    "munmap, mremap_move, mremap_fixed}, tightest,\n"
			    "charge_pages, largest_accounted, nr_accounted, the\n"
			    "VMA counts nr_* and the *_vm counters; for one that\n"
			    "may not be read only pid, comm and \"error\": \"EACCES\"" },
	{ "-v, --verbose",  "more messages on stderr" },
	{ "-h, --help",     "show this help" },
	{ NULL, NULL },
};

static void ps_help(FILE *out)
{
	print_usage(out, "vmacct ps [--sort maps|charge] [-n N] [--json] [-v]",
		    "One row per process: map_count (VMAs), its share of vm.max_map_count,\n"
		    "the tightest headroom, that is how many more VMAs the strictest check\n"
		    "site (mmap, split, munmap, mremap move, MREMAP_FIXED) lets it add, and\n"
		    "the commit charge of its VM_ACCOUNT VMAs (pages and size; ACCT: how\n"
		    "many such VMAs).\n"
		    "\n"
		    "Another user's or a non-dumpable process is listed without values\n"
		    "unless run as root (CAP_SYS_PTRACE); kernel threads are counted in the\n"
		    "footer; processes that exit during the walk are left out.  Needs\n"
		    "vmacct.ko loaded and read access to " VMACCT_DEV_PATH ".",
		    ps_opts_help);
}

/* -1 to go on, else an exit code. */
static int parse_ps_args(int argc, char *argv[], struct ps_opts *o)
{
	char what[160];
	uint64_t n;
	int c;

	while ((c = getopt_long(argc, argv, "s:n:jvh", ps_longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (ps_parse_sort(optarg, &o->sort)) {
				snprintf(what, sizeof(what),
					 "invalid sort key '%s': use maps or charge", optarg);
				return usage_error("ps", what);
			}
			break;
		case 'n':
			if (parse_u64_range(optarg, 1, SIZE_MAX, &n)) {
				snprintf(what, sizeof(what),
					 "invalid row count '%s': a whole number, 1 or more", optarg);
				return usage_error("ps", what);
			}
			o->limit = (size_t)n;
			break;
		case 'j':
			o->json = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			ps_help(stdout);
			return VM_EXIT_OK;
		default:
			return getopt_error("ps", argc, argv, "s:n:jvh");
		}
	}
	if (optind < argc)
		return usage_error("ps", "unexpected argument");
	return -1;
}

int cmd_ps(int argc, char *argv[], const struct global_opts *g)
{
	struct ps_opts o = { .sort = PS_SORT_MAPS, .verbose = g->verbose };
	struct ps_table t = { NULL, 0, 0, 0 };
	struct vmacct_version ver;
	struct vmacct_commit commit;
	int fd, ret;

	ret = parse_ps_args(argc, argv, &o);
	if (ret >= 0)
		return ret;

	ret = vm_dev_open(g, o.verbose, &fd);
	if (ret != VM_EXIT_OK)
		return ret;
	ret = vm_dev_snapshot(fd, o.verbose, &ver, &commit);
	if (ret == VM_EXIT_OK)
		ret = vm_ps_walk(fd, o.verbose, &t);
	close(fd);
	if (ret != VM_EXIT_OK)
		goto out;

	ps_sort(&t, o.sort);
	if (o.json)
		ps_print_json(stdout, &t, o.limit);
	else
		ps_print_human(stdout, &t, o.limit, commit.page_size);
	if (fflush(stdout) == EOF) {
		log_err("stdout: %s", strerror(errno));
		ret = VM_EXIT_FAILED;
	}
out:
	ps_table_free(&t);
	return ret;
}
