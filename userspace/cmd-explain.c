// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct explain: the kernel's own "__vm_enough_memory: ... not enough
 * memory" lines, from standard input, a file or /dev/kmsg, each matched
 * to the recorder's record of that refusal (explain.h), printed with the
 * whole decision and its fix; a line without a record says why, with a
 * reconstruction from the terms of now, labelled as such.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "device.h"
#include "explain.h"
#include "log.h"
#include "parse.h"
#include "record.h"
#include "tool.h"

#define KMSG_PATH	"/dev/kmsg"
#define LOG_BATCH	256	/* records per VMACCT_IOC_LOG */

struct explain_opts {
	bool json;
	bool dmesg;
	const char *file;	/* NULL or "-": standard input */
	int verbose;
};

/* The lines of the input that are the kernel's, each with its own copy. */
struct input {
	struct explain_line *lines;
	unsigned long *numbers;
	size_t n, cap;
	unsigned long read;	/* lines read */
};

static const struct option explain_longopts[] = {
	{ "dmesg",   no_argument, NULL, 'd' },
	{ "json",    no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help",    no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct opt_help explain_opts_help[] = {
	{ "-d, --dmesg",   "read the kernel's log from " KMSG_PATH ": what it holds now,\n"
			   "without waiting for more (needs CAP_SYSLOG with\n"
			   "kernel.dmesg_restrict=1)" },
	{ "-j, --json",    "one JSON object per line of the kernel (JSON lines): line,\n"
			   "pid (the process, from the record; null without one),\n"
			   "tid (the thread the line names), comm, bytes,\n"
			   "kernel_time_ns and kernel_time, record (as \"vmacct log\n"
			   "--json\"), reason, reconstruction" },
	{ "-v, --verbose", "more messages on stderr" },
	{ "-h, --help",    "show this help" },
	{ NULL, NULL },
};

static void explain_help(FILE *out)
{
	print_usage(out, "vmacct explain [FILE | --dmesg] [--json] [-v]",
		    "The kernel's own lines about refused commit charges, explained: each\n"
		    "  __vm_enough_memory: pid: P, comm: C, bytes: B not enough memory for the allocation\n"
		    "(6.9 on; 6.1 prints \"no enough memory\" and no size) read from FILE, from\n"
		    "standard input (no FILE, or -), or with --dmesg from " KMSG_PATH ", with any\n"
		    "prefix (dmesg, /dev/kmsg, syslog, journalctl), is matched to the record\n"
		    "the module's recorder kept of that refusal: the same thread and name,\n"
		    "the same size, the closest in time.  Printed: the line, escaped, the\n"
		    "record as \"vmacct log\" prints it, and the fix.  A line with no record\n"
		    "(the recorder off, the record overwritten, before the module was loaded)\n"
		    "says which it probably is, and gets a RECONSTRUCTION: the same size\n"
		    "evaluated against the terms of now, which is not the kernel's decision.\n"
		    "\"__vm_enough_memory: N callbacks suppressed\" lines say how many refusals\n"
		    "the kernel's ratelimit did not print.  Needs the module loaded, and\n"
		    "CAP_PERFMON or CAP_SYS_ADMIN for the records: run as root.",
		    explain_opts_help);
}

/* -1 to go on, else an exit code. */
static int parse_explain_args(int argc, char *argv[], struct explain_opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "djvh", explain_longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->dmesg = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			explain_help(stdout);
			return VM_EXIT_OK;
		default:
			return getopt_error("explain", argc, argv, "djvh");
		}
	}
	if (optind < argc)
		o->file = argv[optind++];
	if (optind < argc)
		return usage_error("explain", "one FILE at most");
	if (o->file && o->dmesg)
		return usage_error("explain", "FILE and --dmesg exclude each other");
	return -1;
}

/* Keep the line if it is the kernel's.  0, or -1 without memory. */
static int add_line(struct input *in, const char *s, size_t len)
{
	struct explain_line l;
	void *p;
	char *copy;

	in->read++;
	if (explain_parse_line(s, len, &l) == EXPLAIN_NONE)
		return 0;
	if (in->n == in->cap) {
		in->cap = in->cap ? 2 * in->cap : 16;
		p = realloc(in->lines, in->cap * sizeof(*in->lines));
		if (!p)
			return -1;
		in->lines = p;
		p = realloc(in->numbers, in->cap * sizeof(*in->numbers));
		if (!p)
			return -1;
		in->numbers = p;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	explain_parse_line(copy, len, &in->lines[in->n]);
	in->numbers[in->n++] = in->read;
	return 0;
}

/*
 * Every line of fd, read until end of file or, for /dev/kmsg, until it
 * has nothing more now (EAGAIN); its continuation lines (" KEY=value")
 * are skipped.  An exit code.
 */
static int read_fd(int fd, const char *name, bool kmsg, struct input *in)
{
	size_t len = 0, cap = 65536, start, i;
	char *buf = malloc(cap), *p;
	ssize_t n;

	for (;;) {
		if (!buf)
			goto nomem;
		if (cap - len < 16384) {
			p = realloc(buf, cap *= 2);
			if (!p)
				goto nomem;
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && (errno == EINTR || (kmsg && errno == EPIPE)))
			continue;	/* EPIPE: records overwritten meanwhile */
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			log_err("%s: %s", name, strerror(errno));
			free(buf);
			return VM_EXIT_FAILED;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		for (start = 0, i = 0; i < len; i++) {
			if (buf[i] != '\n')
				continue;
			if (!(kmsg && buf[start] == ' ') && add_line(in, buf + start, i - start))
				goto nomem;
			start = i + 1;
		}
		memmove(buf, buf + start, len - start);
		len -= start;
	}
	if (len && !(kmsg && buf[0] == ' ') && add_line(in, buf, len))
		goto nomem;
	free(buf);
	return VM_EXIT_OK;
nomem:
	free(buf);
	log_err("%s: out of memory", name);
	return VM_EXIT_FAILED;
}

/* Open the input: an exit code, *fd open on VM_EXIT_OK. */
static int open_input(const struct explain_opts *o, int *fd)
{
	const char *path = o->dmesg ? KMSG_PATH : o->file;

	if (!o->dmesg && (!o->file || !strcmp(o->file, "-"))) {
		*fd = STDIN_FILENO;
		return VM_EXIT_OK;
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC | (o->dmesg ? O_NONBLOCK : 0));
	if (*fd >= 0)
		return VM_EXIT_OK;
	if (o->dmesg && (errno == EPERM || errno == EACCES)) {
		log_err("%s: %s — reading the kernel's log needs CAP_SYSLOG while kernel.dmesg_restrict is 1: run as root",
			path, strerror(errno));
		return VM_EXIT_PERM;
	}
	log_err("%s: %s", path, strerror(errno));
	return VM_EXIT_FAILED;
}

/*
 * Every record the recorder keeps, oldest first, into *recs (printk_ns 0
 * from a module older than it), and the clock now: the printk clock, or
 * from a module older than printk_now_ns CLOCK_MONOTONIC, as
 * explain_record_clock() falls back.  An exit code.
 */
static int read_records(int fd, int verbose, struct vmacct_record **recs,
			size_t *n, struct explain_ring *ring)
{
	uint64_t next = 1;
	struct vmacct_log l;
	struct timespec ts;
	char why[200];
	uint32_t i;
	void *p;
	int ret;

	do {
		p = realloc(*recs, (*n + LOG_BATCH) * sizeof(**recs));
		if (!p) {
			log_err("out of memory for the records");
			return VM_EXIT_FAILED;
		}
		*recs = p;
		memset(*recs + *n, 0, LOG_BATCH * sizeof(**recs));
		ret = vm_dev_log(fd, next, *recs + *n, LOG_BATCH, verbose, &l);
		if (ret < 0)
			return vm_dev_log_error(-ret);
		if (ret != VM_EXIT_OK)
			return ret;
		for (i = 0; i < l.nr; i++) {
			if (record_problem(*recs + *n + i, l.record_size, why, sizeof(why))) {
				log_err("%s", why);
				return VM_EXIT_ABI;
			}
		}
		ring->lost += l.lost;
		*n += l.nr;
		next = l.next;
	} while (l.nr == LOG_BATCH);
	ring->enabled = l.enabled;
	ring->total = l.total;
	ring->capacity = l.capacity;
	if (l.size >= VMACCT_LOG_SIZE_VER1) {
		ring->now_ns = l.printk_now_ns;
	} else {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ring->now_ns = (uint64_t)ts.tv_sec * 1000000000U + (uint64_t)ts.tv_nsec;
	}
	return VM_EXIT_OK;
}

/* Answer and print each line.  An exit code. */
static int explain_lines(int fd, const struct explain_opts *o, const struct input *in,
			 const struct vmacct_record *recs, size_t nrecs,
			 const struct explain_ring *ring, const struct vmacct_commit *c)
{
	long *match = calloc(in->n + 1, sizeof(*match));
	unsigned long matched = 0, unmatched = 0, suppressed = 0;
	char why[512];
	struct vmacct_eval e;
	struct explain_out a;
	uint64_t pages;
	size_t i;
	int ret = VM_EXIT_OK;

	if (!match || explain_match(in->lines, in->n, recs, nrecs, c->page_size, match)) {
		free(match);
		log_err("out of memory matching the lines");
		return VM_EXIT_FAILED;
	}
	for (i = 0; i < in->n && ret == VM_EXIT_OK; i++) {
		memset(&a, 0, sizeof(a));
		a.l = &in->lines[i];
		a.number = in->numbers[i];
		a.c = c;
		a.rec = match[i] >= 0 ? &recs[match[i]] : NULL;
		if (a.l->kind == EXPLAIN_SUPPRESSED) {
			suppressed += a.l->suppressed;
		} else if (a.rec) {
			matched++;
		} else {
			unmatched++;
			a.reason = explain_reason(a.l, ring, recs, nrecs);
			a.reason_text = explain_reason_text(a.reason, a.l, ring, recs, nrecs,
							    why, sizeof(why));
			pages = a.l->has_bytes ? a.l->bytes / c->page_size + !!(a.l->bytes % c->page_size) : 0;
			if (pages <= INT64_MAX) {
				ret = vm_dev_eval(fd, 0, VMACCT_EVAL_USER | VMACCT_EVAL_NO_MM, 0,
						  (int64_t)pages, o->verbose, &e);
				if (ret < 0)
					ret = vm_dev_pid_error("VMACCT_IOC_EVAL", 0, -ret);
				if (ret != VM_EXIT_OK)
					break;
				a.eval = &e;
			}
		}
		if (o->json)
			explain_print_json(stdout, &a);
		else
			explain_print(stdout, &a);
	}
	free(match);
	if (ret != VM_EXIT_OK || o->json)
		return ret;
	if (!in->n)
		fprintf(stderr, "vmacct: explain: no line of __vm_enough_memory in the %lu line%s read\n",
			in->read, in->read == 1 ? "" : "s");
	else
		fprintf(stderr, "vmacct: explain: %zu line%s of __vm_enough_memory in %lu read: %lu matched to a record, %lu without one; %lu refusal%s left out by the ratelimit; %zu record%s kept of %" PRIu64 " recorded since load\n",
			in->n, in->n == 1 ? "" : "s", in->read, matched, unmatched,
			suppressed, suppressed == 1 ? "" : "s", nrecs,
			nrecs == 1 ? "" : "s", ring->total);
	return ret;
}

int cmd_explain(int argc, char *argv[], const struct global_opts *g)
{
	struct explain_opts o = { 0 };
	struct vmacct_record *recs = NULL;
	struct explain_ring ring = { 0 };
	struct vmacct_version ver;
	struct vmacct_commit c;
	struct input in = { 0 };
	size_t nrecs = 0, i;
	int in_fd, fd, ret;

	ret = parse_explain_args(argc, argv, &o);
	if (ret >= 0)
		return ret;
	o.verbose += g->verbose;
	ret = open_input(&o, &in_fd);
	if (ret != VM_EXIT_OK)
		return ret;
	ret = vm_dev_open(g, o.verbose, &fd);
	if (ret != VM_EXIT_OK) {
		if (ret == VM_EXIT_NOT_LOADED)
			log_err("explain: the lines are matched with the module's records: load it first (vmacct load)");
		goto out_input;
	}
	ret = vm_dev_snapshot(fd, o.verbose, &ver, &c);
	if (ret == VM_EXIT_OK && !c.page_size) {
		log_err("%s: VMACCT_IOC_COMMIT reports a page size of 0 — rebuild/reinstall the tool and the module together",
			VMACCT_DEV_PATH);
		ret = VM_EXIT_ABI;
	}
	/* the lines first: every record of a line read is then in the ring */
	if (ret == VM_EXIT_OK)
		ret = read_fd(in_fd, o.dmesg ? KMSG_PATH : o.file && strcmp(o.file, "-") ?
			      o.file : "standard input", o.dmesg, &in);
	if (ret == VM_EXIT_OK)
		ret = read_records(fd, o.verbose, &recs, &nrecs, &ring);
	if (ret == VM_EXIT_OK && !ring.enabled)
		log_warn("the recorder is off (/sys/kernel/vmacct/recorder/enabled is 0): refusals since it was switched off are not kept");
	if (ret == VM_EXIT_OK)
		ret = explain_lines(fd, &o, &in, recs, nrecs, &ring, &c);
	if (ret == VM_EXIT_OK && fflush(stdout) == EOF) {
		log_err("stdout: %s", strerror(errno));
		ret = VM_EXIT_FAILED;
	}
	close(fd);
out_input:
	if (in_fd != STDIN_FILENO)
		close(in_fd);
	for (i = 0; i < in.n; i++)
		free((char *)in.lines[i].text);
	free(in.lines);
	free(in.numbers);
	free(recs);
	return ret;
}
