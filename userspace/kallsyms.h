/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/kallsyms: find the addresses of named core-kernel symbols.
 *
 * A line is "ADDRESS TYPE NAME" for the core kernel and
 * "ADDRESS TYPE NAME\t[MODULE]" for modules (and pseudo-modules such as
 * [bpf] or [__builtin__ftrace]).  Only core lines count.  The type letter
 * is not used: which letter a data symbol gets has changed between kernel
 * versions.  A name must occur exactly once.
 */
#ifndef VMACCT_KALLSYMS_H
#define VMACCT_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ksym_req {
	const char *name;	/* in: symbol to find */
	uint64_t addr;		/* out: address of the first core match */
	unsigned int count;	/* out: core lines with this exact name */
};

struct ksym_stats {
	size_t lines;		/* lines read */
	size_t core;		/* well-formed core-kernel lines */
	size_t module;		/* well-formed lines with a [module] column */
	size_t nonzero;		/* lines whose address is not zero */
	size_t malformed;	/* lines that did not parse (ignored) */
};

struct ksym_line {
	uint64_t addr;
	char type;
	const char *name;	/* points into the line */
	size_t name_len;
	const char *module;	/* NULL for core; else the text inside [] */
	size_t module_len;
};

/* Parse one line (with or without its newline).  0 or -EINVAL. */
int kallsyms_parse_line(const char *line, struct ksym_line *out);

/*
 * Read the whole stream, filling every request and the statistics
 * (requests are reset first).  0, or -errno if reading failed.
 */
int kallsyms_scan(FILE *f, struct ksym_req *req, size_t n,
		  struct ksym_stats *st);
/* The same for the file at path: 0, or -errno of the open or the read. */
int kallsyms_scan_file(const char *path, struct ksym_req *req, size_t n,
		       struct ksym_stats *st);

enum ksym_verdict {
	KSYM_OK,
	KSYM_MISSING,		/* no core line with this name */
	KSYM_DUPLICATE,		/* more than one core line */
	KSYM_ZERO,		/* found, address 0, while others are not */
};

/* Nothing listed at all: kernel without CONFIG_KALLSYMS, or wrong file. */
bool kallsyms_empty(const struct ksym_stats *st);
/* Every address reads 0: kptr_restrict or missing CAP_SYSLOG hides them. */
bool kallsyms_hidden(const struct ksym_stats *st);
enum ksym_verdict kallsyms_check(const struct ksym_req *req);

/*
 * Why the addresses are hidden, for the user: kptr_restrict is the value
 * of kernel.kptr_restrict or -1 if unreadable, root whether the effective
 * uid is 0.  Writes a one-line message with the fix into buf.
 */
void kallsyms_hidden_reason(char *buf, size_t len, int kptr_restrict,
			    bool root);

#endif
