/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reaching /dev/vmacct, for every command that asks the module: is the
 * module loaded (libkmod), is the node there, may we open it, does the
 * module speak our ABI; then each request to it, with the checks of the
 * size the module answers with, and the reading of the event stream.
 */
#ifndef VMACCT_DEVICE_H
#define VMACCT_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ringmap.h"
#include "tool.h"

/* Open VMACCT_DEV_PATH read-only into *fd, explaining any failure. */
int vm_dev_open(const struct global_opts *g, int verbose, int *fd);
/*
 * The same, but when the module is not loaded say nothing and put why
 * into why (for a command that has an answer without it): exit code 3.
 */
int vm_dev_open_or_why(const struct global_opts *g, int verbose, int *fd,
		       char *why, size_t len);

/*
 * Every ioctl of the device is made here, one function each; no other
 * file of the tool calls ioctl().
 *
 * The ones that say what went wrong themselves and return a VM_EXIT_*
 * code:
 */

/* VMACCT_IOC_VERSION: the module speaks VMACCT_ABI_VERSION. */
int vm_dev_version(int fd, struct vmacct_version *v);

/* vm_dev_version(), then VMACCT_IOC_COMMIT. */
int vm_dev_snapshot(int fd, int verbose, struct vmacct_version *v,
		    struct vmacct_commit *c);

/*
 * VMACCT_IOC_STATS into *s.  A module older than the counters answers
 * ENOTTY: then *have is false and the result is VM_EXIT_OK.
 */
int vm_dev_stats(int fd, int verbose, struct vmacct_stats *s, bool *have);

/*
 * The requests whose errno means something different to each caller (a
 * process that vanished is an error for check, a row to skip for ps, a
 * reproduction that failed for repro).  Each sets the request's size and
 * the fields given, zeroes the rest, makes the call and checks the size
 * the module wrote back (vm_dev_check_size()).  They return 0; -errno
 * when the ioctl failed, saying nothing (vm_dev_pid_error() says it for
 * a command); or a VM_EXIT_* code, above 0, after saying that the answer
 * is shorter than the module's first version.
 */

/* VMACCT_IOC_COMMIT: the global terms. */
int vm_dev_commit(int fd, int verbose, struct vmacct_commit *c);
/* VMACCT_IOC_MM for pid (0: the caller) with VMACCT_MM_* flags. */
int vm_dev_mm(int fd, int32_t pid, uint32_t flags, int verbose,
	      struct vmacct_mm *m);
/*
 * VMACCT_IOC_EVAL: pages for pid (0: the caller) with VMACCT_EVAL_*
 * flags; mode counts with VMACCT_EVAL_MODE only.
 */
int vm_dev_eval(int fd, int32_t pid, uint32_t flags, uint32_t mode,
		int64_t pages, int verbose, struct vmacct_eval *e);
/* VMACCT_IOC_FORK for pid (0: the caller). */
int vm_dev_fork(int fd, int32_t pid, int verbose, struct vmacct_fork *f);

struct trace_filter;
/*
 * VMACCT_IOC_TRACE: fd becomes (or, called again, stays) a trace reader
 * with filter f (trace.h); *t gets the module's answer.
 */
int vm_dev_trace(int fd, const struct trace_filter *f, int verbose,
		 struct vmacct_trace *t);
/* What a failed VMACCT_IOC_TRACE means, said; an exit code. */
int vm_dev_trace_error(int err);

/*
 * A new descriptor of the device as a trace reader, for "vmacct trace"
 * and "vmacct repro" alike: vm_dev_open(), vm_dev_version(),
 * vm_dev_trace() with filter f, then O_NONBLOCK (poll() says when
 * records wait).  An exit code, after saying what went wrong; *fd is
 * open only on VM_EXIT_OK.
 */
int vm_dev_trace_open(const struct global_opts *g, int verbose,
		      const struct trace_filter *f, int *fd,
		      struct vmacct_trace *t);

/*
 * read() of a trace reader: up to max records into buf, *nrec of them
 * (0: end of file).  0; -errno when read() failed, saying nothing
 * (EAGAIN: nothing queued, ENODEV: detached for an unload); or
 * VM_EXIT_ABI after saying that the bytes are not whole records.  Each
 * record is the caller's to check with trace_record_problem().
 */
/* A mapped ring (ringmap.h) hands back n records: 0, or -errno saying nothing. */
int vm_dev_ring_consume(int fd, struct vm_ring *r, size_t n);

int vm_dev_read_events(int fd, struct vmacct_event *buf, size_t max,
		       size_t *nrec);

/*
 * VMACCT_IOC_LOG: up to nr records from number since into recs; *l gets
 * the module's answer (nr, record_size, next, lost, total, capacity,
 * enabled).  0; -errno when the ioctl failed, saying nothing; or a
 * VM_EXIT_* code after saying that the answer is too short.
 */
int vm_dev_log(int fd, uint64_t since, struct vmacct_record *recs,
	       uint32_t nr, int verbose, struct vmacct_log *l);
/* What a failed VMACCT_IOC_LOG means, said; an exit code. */
int vm_dev_log_error(int err);
/*
 * VMACCT_IOC_PEAKS: up to nr records into peaks, *got of them, as
 * vm_dev_log() returns.
 */
int vm_dev_peaks(int fd, struct vmacct_peak *peaks, uint32_t nr,
		 int verbose, uint32_t *got);
/*
 * VMACCT_IOC_OVERWRITES: up to nr groups into groups, *got of them, as
 * vm_dev_log() returns.
 */
int vm_dev_overwrites(int fd, struct vmacct_overwrite *groups, uint32_t nr,
		      int verbose, uint32_t *got);
/*
 * VMACCT_IOC_BREAKDOWN into b.  0; -errno when the ioctl failed, saying
 * nothing; or a VM_EXIT_* code after saying the answer is too short.
 */
int vm_dev_breakdown(int fd, int verbose, struct vmacct_breakdown *b);

/*
 * What a failed recorder request (what: "VMACCT_IOC_PEAKS", ...) means,
 * said, for a module that "has" what it lacks when it answers ENOTTY
 * ("keeps no peaks"); an exit code.
 */
int vm_dev_recorder_error(const char *what, const char *has, int err);

/* An ioctl the device refused (ENOTTY: not the vmacct device). */
int vm_dev_ioctl_error(const char *what, int err);

/*
 * A per-process request (VMACCT_IOC_MM, _EVAL, _FORK) failed with err
 * for pid (0: this tool).  Process errors name the process and the fix;
 * ENOTTY here means a module older than the request.
 */
int vm_dev_pid_error(const char *what, int32_t pid, int err);

/*
 * The size the module wrote back: at least its first published version
 * (ver0), or the module and tool disagree on the layout.
 */
int vm_dev_check_size(const char *what, uint32_t got, uint32_t ver0,
		      size_t ours, int verbose);

struct ps_table;
struct ps_filter;
/*
 * Every process of /proc into t (pswalk.c), or those f names (NULL:
 * all): VMACCT_IOC_MM each, the vanished ones skipped (a PID asked for
 * is counted missing, and said), kernel threads counted, unreadable ones
 * kept with their errno.  An exit code.
 */
int vm_ps_walk(int fd, int verbose, const struct ps_filter *f,
	       struct ps_table *t);

#endif
