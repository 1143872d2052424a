/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct load"'s work on the module file and on the kernel's symbol
 * table: find vmacct.ko, and resolve the addresses it asks for from
 * /proc/kallsyms (or System.map, sysmap.h).  cmd-load.c holds the
 * command: its options, the checks before inserting, the insert.
 */
#ifndef VMACCT_LOAD_H
#define VMACCT_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include <libkmod.h>

#include "kallsyms.h"

struct load_opts {
	const char *ko;		/* --ko, or NULL: look the module up */
	const char *kallsyms;	/* symbol table to read */
	bool kallsyms_given;	/* --kallsyms: a test's table */
	const char *system_map;	/* --system-map, or NULL: look for one */
	bool dry_run;
	int verbose;
	char **extra;		/* module options after "--" */
	size_t nextra;
};

/*
 * The module to insert: --ko's file, or the one libkmod finds for the
 * running kernel.  VM_EXIT_OK, or an exit code after saying why.  ahead
 * (NULL or "" for none) is lockdown, found before looking: when there is
 * no file either, it is said first, and its exit code (4) is the one.
 */
int load_find_module(struct kmod_ctx *ctx, const struct load_opts *o,
		     const char *ahead, struct kmod_module **mod);

/*
 * The n addresses req asks for, from o->kallsyms (and System.map where it
 * lists functions only).  VM_EXIT_OK, or an exit code after saying why.
 */
int load_resolve_symbols(const struct load_opts *o, const char *modpath,
			 struct ksym_req *req, size_t n);

#endif
