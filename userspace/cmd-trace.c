// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct trace: the live stream of the kernel's commit decisions and
 * map-count failures, one line (or one JSON object) per record.
 *
 * The file becomes a trace reader with VMACCT_IOC_TRACE; its ring is
 * mapped read-only, and records are taken in place and handed back with
 * VMACCT_IOC_CONSUME (read whole with read() from a module older than
 * that), after ppoll(), so that --duration can end the wait and
 * SIGINT/SIGTERM interrupt it without a race: the two signals stay
 * blocked except inside ppoll().  The session ends on a signal, at
 * --count or --duration, or when the module detaches its readers for an
 * unload (POLLHUP with nothing left, or read() fails with ENODEV); each
 * way prints the totals on stderr and exits 0.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
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
#include "system.h"
#include "tool.h"
#include "trace.h"

#define TRACE_BATCH	VMACCT_READ_MAX_RECORDS	/* records per read() */

struct trace_opts {
	struct trace_filter filter;
	bool json;
	uint64_t count;		/* stop after this many records; 0: never */
	uint64_t duration;	/* stop after this many ns; 0: never */
	int verbose;
};

/*
 * The signal that ended the session, 0 until then.  A handler can only
 * reach a global; nothing else here is one.
 */
static volatile sig_atomic_t trace_signal;

static void on_signal(int sig)
{
	trace_signal = sig;
}

static const struct option trace_longopts[] = {
	{ "denied",       no_argument,       NULL, 'd' },
	{ "pid",          required_argument, NULL, 'p' },
	{ "tgid",         required_argument, NULL, 'p' },
	{ "tid",          required_argument, NULL, 't' },
	{ "no-map-count", no_argument,       NULL, 'M' },
	{ "no-decisions", no_argument,       NULL, 'D' },
	{ "json",         no_argument,       NULL, 'j' },
	{ "count",        required_argument, NULL, 'n' },
	{ "duration",     required_argument, NULL, 's' },
	{ "verbose",      no_argument,       NULL, 'v' },
	{ "help",         no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct opt_help trace_opts_help[] = {
	{ "-d, --denied",        "decisions: only the denied ones (map-count failures\n"
				 "are all failures and stay)" },
	{ "-p, --pid PID",       "only this process, all its threads (--tgid: the same)" },
	{ "-t, --tid TID",       "only this thread" },
	{ "    --no-map-count",  "no map-count failures" },
	{ "    --no-decisions",  "no commit decisions" },
	{ "-j, --json",          "one JSON object per line (JSON lines): every field of\n"
				 "the record -- version, type (\"decision\"/\"map_count\"),\n"
				 "size, time_ns (CLOCK_MONOTONIC), realtime_ns (the same\n"
				 "as CLOCK_REALTIME), realtime (that in ISO 8601 UTC),\n"
				 "pid (the process), tid (the thread), comm, caller (a\n"
				 "word), mode, verdict (0 or -12), denied, as_admin,\n"
				 "pages, map_count, max_map_count, total_vm, limit,\n"
				 "admin_reserve, user_reserve, allowed, committed,\n"
				 "guess_ceiling" },
	{ "-n, --count N",       "stop after N records" },
	{ "-s, --duration TIME", "stop after TIME: seconds, or 30s, 5m, 1.5h, 1d" },
	{ "-v, --verbose",       "more messages on stderr" },
	{ "-h, --help",          "show this help" },
	{ NULL, NULL },
};

static void trace_help(FILE *out)
{
	print_usage(out, "vmacct trace [--denied] [--pid PID] [--tid TID] [--no-map-count]\n"
		    "                    [--no-decisions] [--json] [--count N] [--duration TIME] [-v]",
		    "The kernel's commit decisions (every __vm_enough_memory() call: mmap,\n"
		    "brk, mprotect, mremap, fork, exec stack, stack growth, shmem, swapoff)\n"
		    "and the system calls that failed with ENOMEM because of\n"
		    "vm.max_map_count, live, one line each:\n"
		    "\n"
		    "  TIME COMM[PID/TID] CALLER: PAGES allowed|DENIED (mode M) — the kernel's test\n"
		    "  TIME COMM[PID/TID] SYSCALL: ENOMEM: map_count N ≥ max ... (the check that failed)\n"
		    "\n"
		    "Mode 2 allows while committed (after the charge) < allowed = CommitLimit\n"
		    "− admin reserve − user reserve; mode 0 while pages ≤ totalram + swap;\n"
		    "mode 1 always.  Times are local wall-clock time.  Ids are those of the\n"
		    "initial pid namespace.  Stops at Ctrl-C (SIGINT), SIGTERM, --count,\n"
		    "--duration, or when the module detaches its readers to be unloaded,\n"
		    "then prints the totals on stderr (events shown, denied, map-count\n"
		    "failures, records this reader dropped, trace/missed) and exits 0.\n"
		    "\n"
		    "Needs CAP_PERFMON or CAP_SYS_ADMIN: run as root.  The module probes\n"
		    "__vm_enough_memory() and the system calls above from load while its\n"
		    "recorder is on (the default; see vmacct log), else while any trace\n"
		    "runs; a full ring drops records rather than slow the traced tasks.",
		    trace_opts_help);
}

/* -1 to go on, else an exit code. */
static int parse_trace_args(int argc, char *argv[], struct trace_opts *o)
{
	char what[200];
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "dp:t:jn:s:vh", trace_longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->filter.denied = true;
			break;
		case 'p':
		case 't':
			if (parse_u64_range(optarg, 1, INT32_MAX, &v)) {
				snprintf(what, sizeof(what),
					 "invalid %s '%s': a positive %s id",
					 c == 't' ? "TID" : "PID", optarg,
					 c == 't' ? "thread" : "process");
				return usage_error("trace", what);
			}
			if (c == 't')
				o->filter.pid = (int32_t)v;
			else
				o->filter.tgid = (int32_t)v;
			break;
		case 'M':
			o->filter.no_map_count = true;
			break;
		case 'D':
			o->filter.no_decisions = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'n':
			if (parse_u64_range(optarg, 1, UINT64_MAX, &o->count)) {
				snprintf(what, sizeof(what),
					 "invalid count '%s': a whole number, 1 or more", optarg);
				return usage_error("trace", what);
			}
			break;
		case 's':
			if (parse_duration(optarg, &o->duration) || !o->duration ||
			    o->duration > (uint64_t)INT64_MAX / 2) {
				snprintf(what, sizeof(what),
					 "invalid duration '%s': more than 0, in seconds or with a unit: 30s, 5m, 1.5h, 1d",
					 optarg);
				return usage_error("trace", what);
			}
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			trace_help(stdout);
			return VM_EXIT_OK;
		default:
			return getopt_error("trace", argc, argv, "dp:t:jn:s:vh");
		}
	}
	if (optind < argc)
		return usage_error("trace", "unexpected argument");
	if (o->filter.no_decisions && o->filter.no_map_count)
		return usage_error("trace", "--no-decisions and --no-map-count leave nothing to show");
	if (o->filter.no_decisions && o->filter.denied)
		return usage_error("trace", "--denied selects decisions, --no-decisions drops them: use one");
	return -1;
}

/* CLOCK_REALTIME - CLOCK_MONOTONIC now, to print record times as wall-clock. */
static int64_t realtime_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return ((int64_t)rt.tv_sec - (int64_t)mono.tv_sec) * 1000000000LL +
	       (rt.tv_nsec - mono.tv_nsec);
}

static int64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Catch SIGINT and SIGTERM, blocked except in ppoll(): *old gets the mask
 * to restore, *wait the one to wait with.  A signal the caller ignores
 * (a shell's background job ignores SIGINT) stays ignored.
 */
static void catch_signals(sigset_t *old, sigset_t *wait)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	struct sigaction sa, prev;
	sigset_t block;
	size_t i;

	sigemptyset(&block);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&block, sigs[i]);
	sigprocmask(SIG_BLOCK, &block, old);
	*wait = *old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: ppoll() returns EINTR */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &prev) == 0 &&
		    prev.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
		sigdelset(wait, sigs[i]);
	}
}

enum trace_end {
	TRACE_END_DONE,		/* signal, --count or --duration */
	TRACE_END_UNLOAD,	/* the module detached this reader */
};

/*
 * Print n records.  VM_EXIT_OK, with *done set at --count; or an exit
 * code after saying what went wrong.
 */
static int print_records(const struct vmacct_event *ev, size_t n,
			 const struct trace_opts *o, int64_t offset,
			 struct trace_totals *tot, bool *done)
{
	const char *problem;
	char why[128];
	size_t i;

	for (i = 0; i < n; i++) {
		problem = trace_record_problem(&ev[i], why, sizeof(why));
		if (problem) {
			log_err("%s: %s — ABI mismatch between the module and this tool: rebuild/reinstall both",
				VMACCT_DEV_PATH, problem);
			return VM_EXIT_ABI;
		}
		if (o->json)
			trace_print_event_json(stdout, &ev[i], offset);
		else
			trace_print_event(stdout, &ev[i], offset);
		trace_count(tot, &ev[i]);
		if (ferror(stdout)) {
			log_err("stdout: %s", strerror(errno));
			return VM_EXIT_FAILED;
		}
		if (o->count && tot->shown >= o->count) {
			*done = true;
			return VM_EXIT_OK;
		}
	}
	return VM_EXIT_OK;
}

/*
 * The next batch from the mapped ring: print what is queued, then hand
 * it back.  *got: records printed; 0 with POLLHUP means detached.
 */
static int ring_batch(int fd, struct vm_ring *ring, const struct trace_opts *o,
		      int64_t offset, struct trace_totals *tot, bool *done,
		      size_t *got)
{
	const struct vmacct_event *ev;
	size_t n;
	int ret, err;

	*got = 0;
	while (!*done && (n = vm_ring_peek(ring, TRACE_BATCH, &ev))) {
		ret = print_records(ev, n, o, offset, tot, done);
		/* what was printed is handed back, also at --count */
		err = vm_dev_ring_consume(fd, ring, n);
		if (ret)
			return ret;
		if (err) {
			log_err("%s: VMACCT_IOC_CONSUME: %s — see dmesg | grep vmacct",
				VMACCT_DEV_PATH, strerror(-err));
			return VM_EXIT_FAILED;
		}
		*got += n;
	}
	return VM_EXIT_OK;
}

/*
 * Read and print records until the session ends: from the ring mapped
 * (ring->hdr set), or with read().  VM_EXIT_OK with *end set, or an exit
 * code after saying what went wrong.
 */
static int trace_loop(int fd, struct vm_ring *ring, const struct trace_opts *o,
		      const sigset_t *waitmask, struct trace_totals *tot,
		      enum trace_end *end)
{
	struct vmacct_event buf[TRACE_BATCH];
	int64_t offset = realtime_offset();
	int64_t deadline = 0, left;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec ts, *tsp;
	bool done = false;
	size_t nrec;
	int ret;

	*end = TRACE_END_DONE;
	if (o->duration)
		deadline = monotonic_ns() + (int64_t)o->duration;

	for (;;) {
		if (trace_signal)
			return VM_EXIT_OK;
		tsp = NULL;
		if (o->duration) {
			left = deadline - monotonic_ns();
			if (left <= 0)
				return VM_EXIT_OK;
			ts.tv_sec = (time_t)(left / 1000000000LL);
			ts.tv_nsec = (long)(left % 1000000000LL);
			tsp = &ts;
		}
		ret = ppoll(&pfd, 1, tsp, waitmask);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			log_err("%s: poll: %s", VMACCT_DEV_PATH, strerror(errno));
			return VM_EXIT_FAILED;
		}
		if (ret == 0)
			continue;	/* the deadline, checked above */
		if (pfd.revents & POLLNVAL) {
			log_err("%s: poll: invalid descriptor", VMACCT_DEV_PATH);
			return VM_EXIT_FAILED;
		}

		if (ring->hdr) {
			ret = ring_batch(fd, ring, o, offset, tot, &done, &nrec);
			if (ret || done)
				return ret;
			if (!nrec && (pfd.revents & (POLLHUP | POLLERR))) {
				log_err("tracing stopped: the module is being unloaded");
				*end = TRACE_END_UNLOAD;
				return VM_EXIT_OK;
			}
		} else {
			/* POLLIN, or POLLHUP | POLLERR: read() says which */
			ret = vm_dev_read_events(fd, buf, TRACE_BATCH, &nrec);
			if (ret == -EINTR || ret == -EAGAIN)
				continue;
			if (ret == -ENODEV) {
				log_err("tracing stopped: the module is being unloaded");
				*end = TRACE_END_UNLOAD;
				return VM_EXIT_OK;
			}
			if (ret < 0) {
				log_err("%s: read: %s — see dmesg | grep vmacct",
					VMACCT_DEV_PATH, strerror(-ret));
				return VM_EXIT_FAILED;
			}
			if (ret)
				return ret;	/* not whole records, said */
			if (!nrec) {
				log_err("%s: read: end of file — the event stream never ends by itself: is %s the vmacct device? (ls -l %s)",
					VMACCT_DEV_PATH, VMACCT_DEV_PATH, VMACCT_DEV_PATH);
				return VM_EXIT_FAILED;
			}
			ret = print_records(buf, nrec, o, offset, tot, &done);
			if (ret || done)
				return ret;
		}
		/* the batch at once: a reader sees it without waiting */
		if (fflush(stdout) == EOF) {
			log_err("stdout: %s", strerror(errno));
			return VM_EXIT_FAILED;
		}
	}
}

/* The reader's dropped count (VMACCT_IOC_TRACE again) and trace/missed. */
static void trace_final_counts(int fd, const struct trace_opts *o,
			       struct trace_totals *tot)
{
	struct vmacct_trace t;
	int err;

	err = vm_dev_trace(fd, &o->filter, o->verbose, &t);
	if (err == 0) {
		tot->have_dropped = true;
		tot->dropped = t.dropped;
	} else if (err < 0) {
		log_note(o->verbose, "%s: VMACCT_IOC_TRACE for the dropped count: %s",
			 VMACCT_DEV_PATH, strerror(-err));
	}
	err = read_u64_file(VMACCT_TRACE_MISSED_PATH, &tot->missed);
	if (!err)
		tot->have_missed = true;
	else
		log_note(o->verbose, "%s: %s", VMACCT_TRACE_MISSED_PATH,
			 strerror(-err));
}

int cmd_trace(int argc, char *argv[], const struct global_opts *g)
{
	struct trace_opts o = { .verbose = g->verbose };
	struct trace_totals tot = { 0 };
	struct vm_ring ring;
	struct vmacct_trace t;
	sigset_t oldmask, waitmask;
	enum trace_end end;
	int fd, ret;

	ret = parse_trace_args(argc, argv, &o);
	if (ret >= 0)
		return ret;

	/*
	 * A terminal gets each line as it comes; a pipe or a file one
	 * write() per batch read (flushed after each), so that a slow file
	 * costs a system call per batch, not per record.
	 */
	if (isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOLBF, 0);
	else
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	ret = vm_dev_trace_open(g, o.verbose, &o.filter, &fd, &t);
	if (ret != VM_EXIT_OK)
		return ret;

	if (o.verbose || isatty(STDERR_FILENO))
		log_msg(1, LOG_LVL_NOTE, "tracing (ring of %u records); Ctrl-C to stop",
			t.buffer_size);

	/* the ring mapped, or read() from a module older than the mapping */
	ret = vm_ring_map(fd, &t, &ring);
	if (ret)
		log_note(o.verbose, "%s: mapping the ring: %s; reading with read()",
			 VMACCT_DEV_PATH, strerror(-ret));

	catch_signals(&oldmask, &waitmask);
	ret = trace_loop(fd, &ring, &o, &waitmask, &tot, &end);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	if (trace_signal)
		log_note(o.verbose, "stopped by %s", strsignal(trace_signal));
	else if (end == TRACE_END_DONE && ret == VM_EXIT_OK)
		log_note(o.verbose, "stopped at %s", o.count && tot.shown >= o.count
			 ? "--count" : "--duration");

	trace_final_counts(fd, &o, &tot);
	trace_print_totals(stderr, &tot);
	if (fflush(stdout) == EOF && ret == VM_EXIT_OK) {
		log_err("stdout: %s", strerror(errno));
		ret = VM_EXIT_FAILED;
	}
	vm_ring_unmap(&ring);
	close(fd);
	return ret;
}
