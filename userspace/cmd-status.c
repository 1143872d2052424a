// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct status: one snapshot of the global accounting terms
 * (VMACCT_IOC_COMMIT), with what an operator should worry about.
 *
 * Reaching the device, and saying why not, is device.c's job.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "log.h"
#include "parse.h"
#include "procfs.h"
#include "prom.h"
#include "ps.h"
#include "breakdown.h"
#include "report.h"
#include "tool.h"

static const struct option status_longopts[] = {
	{ "json",    no_argument, NULL, 'j' },
	{ "raw",     no_argument, NULL, 'r' },
	{ "noheadings", no_argument, NULL, 'n' },
	{ "bytes",   no_argument, NULL, 'b' },
	{ "output",  required_argument, NULL, 'o' },
	{ "list-columns", no_argument, NULL, 'L' },
	{ "prometheus", no_argument, NULL, 'P' },
	{ "top",     required_argument, NULL, 'T' },
	{ "top-cgroups", required_argument, NULL, 'C' },
	{ "breakdown", no_argument, NULL, 'B' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help",    no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define STATUS_SHORTOPTS "jJrnbo:vh"

static const struct opt_help status_opts_help[] = {
	{ "-j, -J, --json", "one JSON object: the UAPI field names, headroom, mode_name,\n"
			   "abi_version, module_version, stats and warnings; without\n"
			   "the module \"source\": \"proc\" and what /proc gives, in kB" },
	{ "-r, --raw",     "every table raw (commit, memory, and the counters):\n"
			   "columns one blank apart, blanks and unprintable bytes\n"
			   "as \\xNN" },
	{ "-n, --noheadings", "the tables without their heading lines" },
	{ "-b, --bytes",   "sizes in bytes, not 985.9 MiB" },
	{ "-o, --output LIST", "the columns of the commit and memory tables, by name,\n"
			   "separated by commas; +LIST adds to the default ones\n"
			   "(--list-columns); the counters keep theirs" },
	{ "    --list-columns", "list the columns -o takes, and what each shows" },
	{ "    --prometheus", "the node_exporter textfile format instead: the global\n"
			   "terms in bytes, the counters since load, and\n"
			   "vmacct_process_mappings and\n"
			   "vmacct_process_commit_charge_bytes {pid, comm} for the\n"
			   "processes with the most (walks /proc like ps)" },
	{ "    --top N", "with --prometheus: N processes by each (default 10)" },
	{ "    --top-cgroups N", "with --prometheus: N cgroups by each of\n"
			   "vmacct_cgroup_commit_charge_bytes and\n"
			   "vmacct_cgroup_max_mappings {cgroup} (default 10)" },
	{ "    --breakdown", "Committed_AS accounted for instead: private mappings of\n"
			   "every process, SysV segments, shared anonymous mappings,\n"
			   "tmpfs, memfd and other shmem, and the remainder with its\n"
			   "bound (a walk of every process and shmem inode; needs\n"
			   "CAP_PERFMON or CAP_SYS_ADMIN)" },
	{ "-v, --verbose", "more messages on stderr" },
	{ "-h, --help",    "show this help" },
	{ NULL, NULL },
};

static void status_help(FILE *out)
{
	print_usage(out, "vmacct status [-o LIST] [-r] [-n] [-b] [--breakdown] [--json |\n"
		    "                     --prometheus [--top N] [--top-cgroups N]] [-v]",
		    "Overcommit policy, CommitLimit and Committed_AS (pages and bytes), the\n"
		    "committed value the kernel actually compares with its error bound,\n"
		    "headroom, the mode-0 per-request ceiling, RAM, swap, hugetlb and\n"
		    "max_map_count; the decisions, denials and map-count failures\n"
		    "counted since load, by caller (while /sys/kernel/vmacct/stats/enabled\n"
		    "is 1); then one \"warning:\" line per problem an operator should\n"
		    "know about.  With vmacct.ko loaded, needs read access to\n"
		    VMACCT_DEV_PATH "; without it, what /proc gives (the sysctls and\n"
		    "meminfo), labelled approximate.  --breakdown needs the module.",
		    status_opts_help);
}

/*
 * The recorder's totals and peaks, for --prometheus: false (and a note)
 * when the module has no recorder or this user may not read it.
 */
static bool recorder_read(int fd, int verbose, struct prom_recorder *r)
{
	int ret;

	memset(r, 0, sizeof(*r));
	ret = vm_dev_log(fd, 0, NULL, 0, verbose, &r->log);
	if (ret == VM_EXIT_OK)
		ret = vm_dev_peaks(fd, r->peaks, VMACCT_PEAKS_MAX, verbose,
				   &r->npeaks);
	if (ret < 0)
		log_note(verbose, "the recorder's metrics left out: %s",
			 strerror(-ret));
	return ret == VM_EXIT_OK;
}

/*
 * --prometheus when the module does not answer (exit code ret, why it
 * is not loaded in why): vmacct_up 0 with the reason, exit 0, so that
 * the textfile service writes it rather than leave a stale file.
 */
static int prom_down(int ret, const char *why)
{
	const char *reason;

	switch (ret) {
	case VM_EXIT_NOT_LOADED:
		reason = why[0] ? "not_loaded" : "no_device";
		break;
	case VM_EXIT_PERM:
		reason = "permission";
		break;
	case VM_EXIT_ABI:
		reason = "abi_mismatch";
		break;
	default:
		reason = "error";
		break;
	}
	if (why[0])
		log_warn("%s — writing vmacct_up{reason=\"%s\"} 0", why, reason);
	else
		log_warn("writing vmacct_up{reason=\"%s\"} 0", reason);
	prom_print_down(stdout, reason);
	if (fflush(stdout) == EOF) {
		log_err("stdout: %s", strerror(errno));
		return VM_EXIT_FAILED;
	}
	return VM_EXIT_OK;
}

/*
 * VMACCT_IOC_BREAKDOWN.  For --breakdown every failure is said and ends
 * the command; for --prometheus one this user may not make (no
 * CAP_PERFMON) or an older module leaves the kinds out, with a note.
 */
static int breakdown_read(int fd, int verbose, bool asked,
			  struct vmacct_breakdown *bd, bool *have)
{
	int ret = vm_dev_breakdown(fd, verbose, bd);

	*have = ret == VM_EXIT_OK;
	if (ret >= 0)
		return ret;
	if (asked && (ret == -EPERM || ret == -EACCES)) {
		log_err("%s: VMACCT_IOC_BREAKDOWN: %s — the breakdown walks every process and shmem inode and needs CAP_PERFMON or CAP_SYS_ADMIN (run as root)",
			VMACCT_DEV_PATH, strerror(-ret));
		return VM_EXIT_PERM;
	}
	if (asked)
		return vm_dev_recorder_error("VMACCT_IOC_BREAKDOWN",
					     "has no breakdown", -ret);
	log_note(verbose, "vmacct_committed_bytes by kind left out: %s",
		 strerror(-ret));
	return VM_EXIT_OK;
}

/* Without the module: what /proc gives, labelled as such.  Exit 0. */
static int status_from_proc(bool json, const struct status_view *view,
			    const char *why)
{
	struct proc_status ps;
	char what[200];
	int err = 0;

	if (proc_status_read("/proc", (uint32_t)sysconf(_SC_PAGESIZE), &ps,
			     what, sizeof(what))) {
		log_err("%s; and /proc does not answer either: %s", why, what);
		return VM_EXIT_NOT_LOADED;
	}
	log_warn("%s — showing what /proc gives, approximate", why);
	if (json)
		proc_status_print_json(stdout, &ps, why);
	else
		err = proc_status_print_human(stdout, &ps, why, view);
	if (err)
		log_err("status: cannot draw the tables: %s", strerror(-err));
	if (fflush(stdout) == EOF) {
		log_err("stdout: %s", strerror(errno));
		return VM_EXIT_FAILED;
	}
	return err ? VM_EXIT_FAILED : VM_EXIT_OK;
}

int cmd_status(int argc, char *argv[], const struct global_opts *g)
{
	struct vmacct_version ver;
	struct vmacct_commit commit;
	struct vmacct_stats stats;
	struct status_warnings warn;
	struct ps_table t = { .rows = NULL };
	struct prom_top top = { PROM_TOP_DEFAULT, PROM_TOP_DEFAULT };
	struct vmacct_breakdown bd;
	bool breakdown = false, have_bd = false;
	int verbose = g->verbose;
	bool json = false, prom = false, top_set = false, have_stats = false;
	bool have_rec = false;
	struct status_view view = { .raw = false };
	bool view_chosen = false;
	struct prom_recorder rec;
	char why[640], what[160];
	uint64_t n;
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, STATUS_SHORTOPTS, status_longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
		case 'J':
			json = true;
			break;
		case 'r':
			view.raw = true;
			break;
		case 'n':
			view.noheadings = true;
			break;
		case 'b':
			view.bytes = true;
			break;
		case 'o':
			if (status_view_parse(&view, optarg, what, sizeof(what)))
				return usage_error("status", what);
			view_chosen = true;
			break;
		case 'L':
			status_list_columns(stdout);
			return VM_EXIT_OK;
		case 'P':
			prom = true;
			break;
		case 'T':
			if (parse_u64_range(optarg, 0, 100000, &n))
				return usage_error("status", "--top: a whole number, 0 to 100000");
			top.processes = (size_t)n;
			top_set = true;
			break;
		case 'C':
			if (parse_u64_range(optarg, 0, 100000, &n))
				return usage_error("status", "--top-cgroups: a whole number, 0 to 100000");
			top.cgroups = (size_t)n;
			top_set = true;
			break;
		case 'B':
			breakdown = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			status_help(stdout);
			fputs("\nColumns (-o) of the commit and memory tables:\n", stdout);
			status_list_columns(stdout);
			return VM_EXIT_OK;
		default:
			return getopt_error("status", argc, argv, STATUS_SHORTOPTS);
		}
	}
	if (optind < argc)
		return usage_error("status", "unexpected argument");
	if (json && prom)
		return usage_error("status", "--json and --prometheus exclude each other");
	if (top_set && !prom)
		return usage_error("status", "--top and --top-cgroups go with --prometheus");
	if (breakdown && prom)
		return usage_error("status", "--breakdown and --prometheus exclude each other (--prometheus has vmacct_committed_bytes{kind})");
	if (view_chosen && (json || prom || breakdown))
		return usage_error("status", "-o chooses the columns of the commit and memory tables: not with --json, --prometheus or --breakdown");

	why[0] = '\0';
	ret = vm_dev_open_or_why(g, verbose, &fd, why, sizeof(why));
	if (ret == VM_EXIT_NOT_LOADED && breakdown) {
		log_err("status --breakdown needs the module (the breakdown is its walk; /proc has no such answer): %s",
			why);
		return ret;
	}
	if (ret == VM_EXIT_NOT_LOADED && !prom)
		return status_from_proc(json, &view, why);
	if (ret != VM_EXIT_OK && prom)
		return prom_down(ret, why);
	if (ret != VM_EXIT_OK)
		return ret;
	ret = vm_dev_snapshot(fd, verbose, &ver, &commit);
	if (ret == VM_EXIT_OK)
		ret = vm_dev_stats(fd, verbose, &stats, &have_stats);
	if (ret == VM_EXIT_OK && prom)
		ret = vm_ps_walk(fd, verbose, NULL, &t);
	if (ret == VM_EXIT_OK && prom)
		have_rec = recorder_read(fd, verbose, &rec);
	if (ret == VM_EXIT_OK && (prom || breakdown))
		ret = breakdown_read(fd, verbose, breakdown, &bd, &have_bd);
	close(fd);
	if (ret != VM_EXIT_OK) {
		ps_table_free(&t);
		return prom ? prom_down(ret, "") : ret;
	}
	if (prom) {
		ret = prom_print(stdout, &ver, &commit, have_stats ? &stats : NULL,
				 &t, &top, have_rec ? &rec : NULL,
				 have_bd ? &bd : NULL);
		ps_table_free(&t);
		if (ret)
			log_err("status: %s", strerror(-ret));
		if (fflush(stdout) == EOF || ret) {
			log_err("stdout: %s", strerror(errno));
			return VM_EXIT_FAILED;
		}
		return VM_EXIT_OK;
	}

	if (breakdown) {
		struct bd_view bv = { view.raw, view.noheadings, view.bytes };

		ret = 0;
		if (json)
			bd_print_json(stdout, &bd, commit.page_size);
		else
			ret = bd_print_human(stdout, &bd, commit.page_size, &bv);
		if (ret) {
			log_err("status: %s", strerror(-ret));
			return VM_EXIT_FAILED;
		}
		if (fflush(stdout) == EOF) {
			log_err("stdout: %s", strerror(errno));
			return VM_EXIT_FAILED;
		}
		return VM_EXIT_OK;
	}
	status_warnings(&commit, &warn);
	if (json)
		status_print_json(stdout, &ver, &commit,
				  have_stats ? &stats : NULL, &warn);
	else
		ret = status_print_human(stdout, &ver, &commit,
					 have_stats ? &stats : NULL, &warn, &view);
	if (ret)
		log_err("status: cannot draw the tables: %s", strerror(-ret));
	if (fflush(stdout) == EOF) {
		log_err("stdout: %s", strerror(errno));
		return VM_EXIT_FAILED;
	}
	return ret ? VM_EXIT_FAILED : VM_EXIT_OK;
}
