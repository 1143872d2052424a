/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct explain" without the device: the kernel's own log lines of
 * __vm_enough_memory() read back, each matched to a recorder record
 * (struct vmacct_record), and for a line without one, why and what the
 * terms of now would say.  No I/O beyond the FILE given, so the host
 * tests feed it hand-made lines and records.
 *
 * The kernel prints, ratelimited (10 lines per 5 s), from mm/util.c:
 *   6.1:      __vm_enough_memory: pid: %d, comm: %s, no enough memory for the allocation
 *   6.9 on:   __vm_enough_memory: pid: %d, comm: %s, bytes: %lu not enough memory for the allocation
 * and, from lib/ratelimit.c, when a new interval begins after lines were
 * dropped:
 *             __vm_enough_memory: %d callbacks suppressed
 * pid is the thread's id (current->pid), comm its name: any bytes, ", "
 * and "bytes: " included, so the name ends where the fixed text at the
 * END of the line begins.  Any prefix is accepted before the function's
 * name: /dev/kmsg's "PRI,SEQ,TIMESTAMP_US,FLAGS;", dmesg's "[  226.228443] ",
 * syslog's and journalctl's "Dec 02 15:34:36 host kernel: ".
 */
#ifndef VMACCT_EXPLAIN_H
#define VMACCT_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/vmacct.h>

#define EXPLAIN_COMM_MAX	64	/* a decoded name longer is no kernel's */

enum explain_kind {
	EXPLAIN_NONE,		/* not a line of __vm_enough_memory() */
	EXPLAIN_REFUSAL,	/* a refusal line */
	EXPLAIN_SUPPRESSED,	/* "N callbacks suppressed" */
};

enum explain_prefix {
	EXPLAIN_PFX_NONE,	/* the line starts with the function's name */
	EXPLAIN_PFX_KMSG,	/* /dev/kmsg: PRI,SEQ,TIMESTAMP_US,FLAGS; */
	EXPLAIN_PFX_DMESG,	/* [  226.228443] */
	EXPLAIN_PFX_SYSLOG,	/* ... kernel: */
	EXPLAIN_PFX_OTHER,
};

/* One line of the input, parsed. */
struct explain_line {
	const char *text;	/* the line, without its newline: the caller's */
	size_t len;
	enum explain_kind kind;
	enum explain_prefix prefix;
	bool has_bytes;		/* the 6.9 format */
	bool has_time;		/* the prefix has the printk clock */
	uint64_t bytes;
	uint64_t time_ns;	/* printk clock (local_clock()), ns */
	uint64_t suppressed;	/* EXPLAIN_SUPPRESSED: N */
	int32_t pid;		/* the thread (current->pid) */
	size_t comm_off;	/* the name as printed: text + comm_off */
	size_t comm_len;
	/*
	 * The name with /dev/kmsg's \xNN escapes decoded (kmsg and dmesg
	 * print bytes that do not print that way); dcomm_ok false when it
	 * would not fit.
	 */
	char dcomm[EXPLAIN_COMM_MAX + 1];
	size_t dcomm_len;
	bool dcomm_ok;
};

/*
 * Parse one line (len bytes, no newline; any bytes).  Returns l->kind;
 * l->text points at line.
 */
enum explain_kind explain_parse_line(const char *line, size_t len,
				     struct explain_line *l);

/* The name as the line means it: decoded for /dev/kmsg, else as printed. */
const char *explain_comm(const struct explain_line *l, size_t *len);
/* "6.1" or "6.9" (the first kernel with bytes), "kmsg", "dmesg", ... */
const char *explain_format_name(const struct explain_line *l);
const char *explain_prefix_name(enum explain_prefix p);

/*
 * A record's time on the kernel log's clock: printk_ns (local_clock(),
 * VMACCT_RECORD_SIZE_VER1), or, from a module older than that (printk_ns
 * 0), its CLOCK_MONOTONIC time.
 */
uint64_t explain_record_clock(const struct vmacct_record *r);

/*
 * How far apart a line's time and explain_record_clock() of its record
 * may be at time t (ns since boot) for the same call: 1 s, plus 500 ppm
 * of t.  The kernel prints the line within microseconds of the record's
 * printk_ns, in the same call.  An older module's CLOCK_MONOTONIC is
 * slewed by NTP by at most 500 ppm (MAXFREQ), and both clocks start near
 * boot, within a second of each other on an idle machine (more under
 * emulation: such a module's lines may find no record).
 */
uint64_t explain_tolerance_ns(uint64_t t);

/*
 * Could record r be the call line l reports?  A decision, the same
 * thread and name, bytes == pages * page_size when the line has bytes,
 * within explain_tolerance_ns() when it has a time.
 */
bool explain_candidate(const struct explain_line *l,
		       const struct vmacct_record *r, uint32_t page_size);

/*
 * Match lines to records: match[i] is the index in recs of line i's
 * record, or -1.  Each record matches at most one line.  Lines with a
 * time first, the closest pairs first; then the lines without one, in
 * order, each to the oldest candidate left.  0, or -1 without memory.
 */
int explain_match(const struct explain_line *lines, size_t nlines,
		   const struct vmacct_record *recs, size_t nrecs,
		   uint32_t page_size, long *match);

/* What VMACCT_IOC_LOG said, and the clock when the records were read. */
struct explain_ring {
	bool enabled;		/* the recorder is on now */
	uint64_t lost;		/* overwritten before they were read */
	uint64_t total;		/* recorded since load */
	uint32_t capacity;
	uint64_t now_ns;	/* the printk clock then (an older module:
				 * CLOCK_MONOTONIC) */
};

enum explain_reason {
	EXPLAIN_R_EARLIER_BOOT,	/* its time is after now */
	EXPLAIN_R_OVERWRITTEN,	/* before the oldest kept, some lost */
	EXPLAIN_R_BEFORE_LOAD,	/* before the first record, none lost */
	EXPLAIN_R_RECORDER_OFF,	/* off now */
	EXPLAIN_R_NOT_RECORDED,	/* records around it, none of its thread */
	EXPLAIN_R_UNKNOWN,	/* no time, nothing lost, recorder on */
};

/* Why line l (unmatched) probably has no record. */
enum explain_reason explain_reason(const struct explain_line *l,
				   const struct explain_ring *ring,
				   const struct vmacct_record *recs,
				   size_t nrecs);
/* The reason for JSON: "earlier_boot", "overwritten", ... */
const char *explain_reason_name(enum explain_reason r);
/* The reason for people, one sentence, into buf. */
char *explain_reason_text(enum explain_reason r, const struct explain_line *l,
			  const struct explain_ring *ring,
			  const struct vmacct_record *recs, size_t nrecs,
			  char *buf, size_t len);

/*
 * The smallest vm.overcommit_ratio (with overcommit_kbytes 0;
 * VMACCT_RATIO_NONE if none) and vm.overcommit_kbytes under which a
 * mode-2 dry run e would pass, with the RAM and swap of c.
 */
void explain_min_settings(const struct vmacct_eval *e,
			  const struct vmacct_commit *c, uint32_t *min_ratio,
			  uint64_t *min_kbytes);
/*
 * What would let a refused dry run e (mode 0 or 2) pass now, as a
 * phrase: "vm.overcommit_ratio ≥ R or vm.overcommit_kbytes ≥ K would
 * allow it now"; for an allowed one, that it would pass now.
 */
const char *explain_recon_fix(const struct vmacct_eval *e,
			      const struct vmacct_commit *c, char *buf, size_t len);


/* One line's answer, for the printers. */
struct explain_out {
	const struct explain_line *l;
	unsigned long number;			/* its line in the input */
	const struct vmacct_record *rec;	/* its record, or NULL */
	enum explain_reason reason;		/* without a record: why */
	const char *reason_text;
	/*
	 * Without a record: the reconstruction, a VMACCT_IOC_EVAL dry run
	 * (VMACCT_EVAL_USER | VMACCT_EVAL_NO_MM) of the line's pages, or of
	 * 0 pages when the line has no size; NULL if none could be made.
	 */
	const struct vmacct_eval *eval;
	const struct vmacct_commit *c;		/* the terms of now */
};

/*
 * "line N: " and the line escaped, then: its record as "vmacct log"
 * prints it and the fix (with a note for a fork), or the reason and the
 * reconstruction; or, for the ratelimit's line, how many it left out.
 */
void explain_print(FILE *out, const struct explain_out *o);
/* The same as one JSON object on one line: vmacct(8), JSON OUTPUT, explain. */
void explain_print_json(FILE *out, const struct explain_out *o);

#endif
