// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct log: the refusals the module's recorder kept since load, oldest
 * first, one line (or one JSON object) each, with what would have been
 * enough; --follow then prints new ones as they come.
 *
 * The records are copied out by number (VMACCT_IOC_LOG), so reading them
 * changes nothing: any number of "vmacct log" may run, and a later one
 * sees the same records.  --follow asks again every 200 ms; SIGINT and
 * SIGTERM end it, and it exits 0.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "device.h"
#include "log.h"
#include "parse.h"
#include "record.h"
#include "tool.h"

#define LOG_BATCH	256		/* records per VMACCT_IOC_LOG */
#define LOG_FOLLOW_NS	200000000L	/* --follow: ask every 200 ms */

struct log_opts {
	bool json;
	bool follow;
	bool peaks;		/* --peaks: the peak table instead */
	bool overwritten;	/* --overwritten: the overwritten groups */
	bool have_since;
	uint64_t since_ns;	/* --since: this far back from now */
	int32_t pid;		/* --pid: one process; 0 any */
	int verbose;
};

static volatile sig_atomic_t log_signal;

static void on_signal(int sig)
{
	log_signal = sig;
}

static const struct option log_longopts[] = {
	{ "json",    no_argument,       NULL, 'j' },
	{ "follow",  no_argument,       NULL, 'f' },
	{ "peaks",   no_argument,       NULL, 'P' },
	{ "overwritten", no_argument,   NULL, 'O' },
	{ "since",   required_argument, NULL, 's' },
	{ "pid",     required_argument, NULL, 'p' },
	{ "verbose", no_argument,       NULL, 'v' },
	{ "help",    no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct opt_help log_opts_help[] = {
	{ "-j, --json",         "one JSON object per line (JSON lines): the fields of\n"
				"\"vmacct trace --json\", then seq, boottime_ns,\n"
				"printk_ns (the clock of the kernel log's time stamps), uid,\n"
				"cgroup_id, committed_error, min_ratio, min_kbytes,\n"
				"min_max_map_count (null where they do not apply) and fix" },
	{ "-f, --follow",       "then print new refusals as they come, until Ctrl-C" },
	{ "    --peaks",        "instead: the processes with the highest map_count\n"
				"seen since load (exited ones too), highest first" },
	{ "    --overwritten",  "instead: the refusals the ring overwrote, counted by\n"
				"process and kind, most first" },
	{ "-s, --since AGE",    "only refusals of the last AGE: 30s, 5m, 2h, 1d" },
	{ "-p, --pid PID",      "only this process" },
	{ "-v, --verbose",      "more messages on stderr" },
	{ "-h, --help",         "show this help" },
	{ NULL, NULL },
};

static void log_help(FILE *out)
{
	print_usage(out, "vmacct log [--json] [--follow] [--since AGE] [--pid PID] [--peaks | --overwritten] [-v]",
		    "The refusals the module's recorder kept since it was loaded, with\n"
		    "nobody watching: commit decisions that returned ENOMEM and system\n"
		    "calls that failed with ENOMEM because of vm.max_map_count, oldest\n"
		    "first, one line each:\n"
		    "\n"
		    "  #SEQ TIME COMM[PID/TID] CALLER: PAGES DENIED (mode M) — the kernel's test — the fix\n"
		    "  #SEQ TIME COMM[PID/TID] SYSCALL: ENOMEM: map_count N ≥ max ... — the fix\n"
		    "\n"
		    "TIME is ISO 8601 UTC.  The fix is what would have been enough at that\n"
		    "moment: the smallest vm.overcommit_ratio and vm.overcommit_kbytes\n"
		    "(mode 2), or a vm.max_map_count.  The recorder keeps the newest\n"
		    "recorder/size records (default 1024) and counts the older ones it\n"
		    "overwrote by process and kind; the lines at the end, on stderr, say\n"
		    "so (\"and 39426 more mmap refusals of redis-server[206] from ...\"),\n"
		    "and how many were overwritten in all.  Needs CAP_PERFMON or\n"
		    "CAP_SYS_ADMIN: run as root.  The recorder is on unless the module was\n"
		    "loaded with recorder=0 or /sys/kernel/vmacct/recorder/enabled was set\n"
		    "to 0.",
		    log_opts_help);
}

/* -1 to go on, else an exit code. */
static int parse_log_args(int argc, char *argv[], struct log_opts *o)
{
	char what[200];
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "jfs:p:vh", log_longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'f':
			o->follow = true;
			break;
		case 'P':
			o->peaks = true;
			break;
		case 'O':
			o->overwritten = true;
			break;
		case 's':
			if (parse_duration(optarg, &o->since_ns)) {
				snprintf(what, sizeof(what),
					 "invalid age '%s': a number of seconds, or with a unit: 30s, 5m, 2h, 1d",
					 optarg);
				return usage_error("log", what);
			}
			o->have_since = true;
			break;
		case 'p':
			if (parse_u64_range(optarg, 1, INT32_MAX, &v)) {
				snprintf(what, sizeof(what),
					 "invalid PID '%s': a positive process id", optarg);
				return usage_error("log", what);
			}
			o->pid = (int32_t)v;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			log_help(stdout);
			return VM_EXIT_OK;
		default:
			return getopt_error("log", argc, argv, "jfs:p:vh");
		}
	}
	if (optind < argc)
		return usage_error("log", "unexpected argument");
	if (o->peaks && (o->follow || o->have_since || o->overwritten))
		return usage_error("log", "--peaks shows a table: no --follow, --since or --overwritten");
	if (o->overwritten && o->follow)
		return usage_error("log", "--overwritten shows a table: no --follow");
	return -1;
}

static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool wanted(const struct log_opts *o, const struct vmacct_record *rec,
		   int64_t cutoff)
{
	if (o->pid && rec->ev.tgid != (uint32_t)o->pid)
		return false;
	return !o->have_since || rec->realtime_ns >= cutoff;
}

/*
 * Print the records from *next on, as long as the module has them; *next
 * moves past them, *lost adds those overwritten before they were read.
 * An exit code.
 */
static int log_drain(int fd, const struct log_opts *o, int64_t cutoff,
		     uint64_t *next, uint64_t *shown, uint64_t *lost,
		     struct vmacct_log *l)
{
	static struct vmacct_record recs[LOG_BATCH];
	const char *problem;
	char why[200];
	uint32_t i;
	int ret;

	do {
		ret = vm_dev_log(fd, *next, recs, LOG_BATCH, o->verbose, l);
		if (ret < 0)
			return vm_dev_log_error(-ret);
		if (ret != VM_EXIT_OK)
			return ret;
		*lost += l->lost;
		if (*next > 1 && l->lost && o->follow)
			log_warn("%" PRIu64 " refusal%s overwritten before this tool read %s (raise /sys/kernel/vmacct/recorder/size)",
				 (uint64_t)l->lost, l->lost == 1 ? " was" : "s were",
				 l->lost == 1 ? "it" : "them");
		for (i = 0; i < l->nr; i++) {
			problem = record_problem(&recs[i], l->record_size,
						 why, sizeof(why));
			if (problem) {
				log_err("%s", problem);
				return VM_EXIT_ABI;
			}
			if (!wanted(o, &recs[i], cutoff))
				continue;
			if (o->json)
				record_print_json(stdout, &recs[i]);
			else
				record_print(stdout, &recs[i]);
			(*shown)++;
		}
		*next = l->next;
		fflush(stdout);
	} while (l->nr == LOG_BATCH && !log_signal);
	return VM_EXIT_OK;
}

/*
 * What the ring overwrote, by process and kind, most first, to out: the
 * groups of the process asked for (the rest only when none was), newer
 * than --since.  An exit code.
 */
static int log_overwrites(int fd, const struct log_opts *o, int64_t cutoff,
			  FILE *out)
{
	struct vmacct_overwrite groups[VMACCT_OVERWRITES_MAX + 1];
	uint32_t i, nr;
	int ret;

	ret = vm_dev_overwrites(fd, groups, VMACCT_OVERWRITES_MAX + 1,
				o->verbose, &nr);
	if (ret < 0)
		return vm_dev_recorder_error("VMACCT_IOC_OVERWRITES",
					     "counts nothing it overwrote",
					     -ret);
	if (ret != VM_EXIT_OK)
		return ret;
	for (i = 0; i < nr; i++) {
		if (o->pid && (groups[i].flags & VMACCT_OVERWRITE_REST ||
			       groups[i].tgid != o->pid))
			continue;
		if (o->have_since && groups[i].last_ns < cutoff)
			continue;
		if (out == stderr)
			fputs("vmacct: log: ", out);
		if (o->json)
			overwrite_print_json(out, &groups[i]);
		else
			overwrite_print(out, &groups[i]);
	}
	fflush(out);
	return VM_EXIT_OK;
}

/* --peaks: the table, highest first.  An exit code. */
static int log_peaks(int fd, const struct log_opts *o)
{
	struct vmacct_peak peaks[VMACCT_PEAKS_MAX];
	uint32_t i, nr;
	int ret;

	ret = vm_dev_peaks(fd, peaks, VMACCT_PEAKS_MAX, o->verbose, &nr);
	if (ret < 0)
		return vm_dev_recorder_error("VMACCT_IOC_PEAKS", "keeps no peaks", -ret);
	if (ret != VM_EXIT_OK)
		return ret;
	if (!o->json)
		peak_print_header(stdout);
	for (i = 0; i < nr; i++) {
		if (o->pid && peaks[i].tgid != o->pid)
			continue;
		if (o->json)
			peak_print_json(stdout, &peaks[i]);
		else
			peak_print(stdout, &peaks[i]);
	}
	return VM_EXIT_OK;
}

int cmd_log(int argc, char *argv[], const struct global_opts *g)
{
	struct log_opts o = { 0 };
	struct vmacct_version ver;
	struct vmacct_log l;
	struct sigaction sa;
	uint64_t next = 1, shown = 0, lost = 0;
	int64_t cutoff = 0;
	int fd, ret;

	ret = parse_log_args(argc, argv, &o);
	if (ret >= 0)
		return ret;
	o.verbose += g->verbose;
	/* an age beyond INT64_MAX ns (292 years) is before any record */
	if (o.have_since)
		cutoff = o.since_ns <= INT64_MAX ?
			 realtime_ns() - (int64_t)o.since_ns : INT64_MIN;

	ret = vm_dev_open(g, o.verbose, &fd);
	if (ret != VM_EXIT_OK)
		return ret;
	ret = vm_dev_version(fd, &ver);
	if (ret != VM_EXIT_OK)
		goto out;
	if (o.peaks) {
		ret = log_peaks(fd, &o);
		goto out;
	}
	if (o.overwritten) {
		ret = log_overwrites(fd, &o, cutoff, stdout);
		goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	ret = log_drain(fd, &o, cutoff, &next, &shown, &lost, &l);
	/* people see what was overwritten; scripts ask with --overwritten */
	if (ret == VM_EXIT_OK && !o.json && (l.total > l.capacity || lost))
		ret = log_overwrites(fd, &o, cutoff, stderr);
	if (ret != VM_EXIT_OK)
		goto out;
	if (!l.enabled)
		log_warn("the recorder is off (/sys/kernel/vmacct/recorder/enabled is 0): refusals since it was switched off are not kept");
	while (o.follow && !log_signal && ret == VM_EXIT_OK) {
		struct timespec ts = { 0, LOG_FOLLOW_NS };

		nanosleep(&ts, NULL);
		ret = log_drain(fd, &o, cutoff, &next, &shown, &lost, &l);
	}
	if (!o.json)
		fprintf(stderr, "vmacct: log: %" PRIu64 " refusal%s shown of %" PRIu64
			" recorded since load; %" PRIu64 " older overwritten (the ring keeps %u)\n",
			shown, shown == 1 ? "" : "s", (uint64_t)l.total, lost,
			l.capacity);
out:
	close(fd);
	return ret;
}
