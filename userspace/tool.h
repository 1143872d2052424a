/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct tool: what the subcommands share -- exit codes, paths, the
 * command table entry and the options every command accepts.
 */
#ifndef VMACCT_TOOL_H
#define VMACCT_TOOL_H

#include <stdio.h>

#include <linux/vmacct.h>

#define VMACCT_TOOL_VERSION	"0.1.0"
#define VMACCT_MODULE_NAME	"vmacct"
#define VMACCT_DEV_PATH		"/dev/" VMACCT_DEVICE_NAME
#define VMACCT_MISC_DEV_ATTR	"/sys/class/misc/" VMACCT_DEVICE_NAME "/dev"
#define VMACCT_SYSFS_DIR	"/sys/kernel/" VMACCT_DEVICE_NAME
#define VMACCT_TRACE_ENABLED_PATH	VMACCT_SYSFS_DIR "/trace/enabled"
#define VMACCT_TRACE_MISSED_PATH	VMACCT_SYSFS_DIR "/trace/missed"
#define VMACCT_TRACE_BUFFER_SIZE_PATH	VMACCT_SYSFS_DIR "/trace/buffer_size"
#define KALLSYMS_PATH		"/proc/kallsyms"
#define KPTR_RESTRICT_PATH	"/proc/sys/kernel/kptr_restrict"

/* Exit codes: documented in "vmacct --help" (main.c) and vmacct(8); keep them in step. */
enum vmacct_exit {
	VM_EXIT_OK		= 0,	/* success */
	VM_EXIT_FAILED		= 1,	/* operation failed: ioctl, insert, remove, bad file */
	VM_EXIT_USAGE		= 2,	/* usage error */
	VM_EXIT_NOT_LOADED	= 3,	/* module not loaded or /dev/vmacct missing */
	VM_EXIT_PERM		= 4,	/* permission denied, not root, kptr_restrict */
	VM_EXIT_ABI		= 5,	/* ABI version mismatch between tool and module */
};

/* Options given before the command name; read-only for the commands. */
struct global_opts {
	int verbose;
	const char *cmd;	/* the command's name ("trace"), for messages; or NULL */
};

struct command {
	const char *name;
	int (*fn)(int argc, char *argv[], const struct global_opts *g);
	const char *help;	/* one line, for "vmacct --help" */
};

/* One line per option in a command's --help, printed aligned. */
struct opt_help {
	const char *flags;
	const char *text;
};

void print_usage(FILE *out, const char *usage, const char *about,
		 const struct opt_help *opts);
/*
 * Report a usage error for cmd ("load", or NULL for vmacct itself), in
 * one format: "vmacct: CMD: WHAT — see: vmacct CMD --help".  Returns
 * VM_EXIT_USAGE.
 */
int usage_error(const char *cmd, const char *what);
/*
 * The same for the option getopt_long() (opterr 0) has just refused,
 * told from optopt and argv: unknown, or missing or given an argument.
 * optstring is the one getopt_long() was given.
 */
int getopt_error(const char *cmd, int argc, char *argv[], const char *optstring);

int cmd_load(int argc, char *argv[], const struct global_opts *g);
int cmd_unload(int argc, char *argv[], const struct global_opts *g);
int cmd_status(int argc, char *argv[], const struct global_opts *g);
int cmd_ps(int argc, char *argv[], const struct global_opts *g);
int cmd_check(int argc, char *argv[], const struct global_opts *g);
int cmd_fork_check(int argc, char *argv[], const struct global_opts *g);
int cmd_trace(int argc, char *argv[], const struct global_opts *g);
int cmd_log(int argc, char *argv[], const struct global_opts *g);
int cmd_explain(int argc, char *argv[], const struct global_opts *g);
int cmd_repro(int argc, char *argv[], const struct global_opts *g);

#endif
