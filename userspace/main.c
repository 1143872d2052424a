// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the kernel's virtual-memory accounting, read through vmacct.ko.
 *
 * This file holds the command table, the options that come before the
 * command name, and the help text shared by every command.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "tool.h"

static const struct command commands[] = {
	{ "load",       cmd_load,       "insert vmacct.ko with the kernel addresses it needs (root)" },
	{ "unload",     cmd_unload,     "remove vmacct.ko (root)" },
	{ "status",     cmd_status,     "overcommit policy, CommitLimit, Committed_AS, headroom, warnings" },
	{ "ps",         cmd_ps,         "per process: map_count against max_map_count, commit charge" },
	{ "check",      cmd_check,      "would an allocation of SIZE succeed now, and why" },
	{ "fork-check", cmd_fork_check, "would fork() of a process succeed, and what setting would make it" },
	{ "trace",      cmd_trace,      "live: each commit decision and map-count failure, one line each (root)" },
	{ "log",        cmd_log,        "the refusals recorded since load, with what would have been enough (root)" },
	{ "explain",    cmd_explain,    "the kernel's __vm_enough_memory lines, each with the decision behind it (root)" },
	{ "repro",      cmd_repro,      "reproduce an incident: prediction, outcome and the kernel's record (root)" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct option main_longopts[] = {
	{ "verbose", no_argument, NULL, 'v' },
	{ "help",    no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const struct opt_help main_opts_help[] = {
	{ "-v, --verbose", "more messages on stderr (twice: also libkmod's)" },
	{ "-h, --help",    "show this help; COMMAND --help for one command" },
	{ "-V, --version", "show the tool version and the ABI it speaks" },
	{ NULL, NULL },
};

static void print_exit_codes(FILE *out)
{
	fputs("\nExit codes:\n"
	      "  0  success (check, fork-check: whatever the verdict; read it from --json;\n"
	      "     trace: also when ended by SIGINT/SIGTERM, --count, --duration or an\n"
	      "     unload of the module)\n"
	      "  1  operation failed (ioctl, module insert or remove, unreadable file,\n"
	      "     no such process, a kernel thread, a process exiting)\n"
	      "  2  usage error\n"
	      "  3  module not loaded, or /dev/vmacct missing (status and ps then\n"
	      "     answer from /proc, exit 0)\n"
	      "  4  permission denied: not root, kernel.kptr_restrict hides addresses,\n"
	      "     the kernel refuses an unsigned module (Secure Boot, lockdown),\n"
	      "     another user's or a non-dumpable process without CAP_SYS_PTRACE,\n"
	      "     or trace, log or explain without CAP_PERFMON or CAP_SYS_ADMIN\n"
	      "  5  ABI version mismatch between this tool and the module (also an\n"
	      "     event record of another version or size), or a module too old for\n"
	      "     the command\n", out);
}

void print_usage(FILE *out, const char *usage, const char *about,
		 const struct opt_help *opts)
{
	size_t w = 0, len;
	const struct opt_help *o;

	fprintf(out, "Usage: %s\n", usage);
	if (about)
		fprintf(out, "\n%s\n", about);
	for (o = opts; o && o->flags; o++) {
		len = strlen(o->flags);
		if (len > w)
			w = len;
	}
	if (opts && opts->flags)
		fputs("\nOptions:\n", out);
	for (o = opts; o && o->flags; o++) {
		const char *t;

		fprintf(out, "  %-*s  ", (int)w, o->flags);
		for (t = o->text; *t; t++) {
			fputc(*t, out);
			if (*t == '\n')
				fprintf(out, "  %-*s  ", (int)w, "");
		}
		fputc('\n', out);
	}
	fputs("\nExit codes: see vmacct --help.\n", out);
}

int getopt_error(const char *cmd, int argc, char *argv[], const char *optstring)
{
	const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : NULL;
	const char *cur = optind < argc ? argv[optind] : NULL, *spec;
	char what[160], name[16];
	size_t n;

	/*
	 * glibc (opterr 0) leaves optopt 0 for an unknown long option, the
	 * option's value for a long one missing its argument or given one
	 * it does not take, and the character for a short one; a long one
	 * is always the word before optind, a short one may be inside the
	 * word at optind ("-xj").
	 */
	if (optopt && cur && cur[0] == '-' && cur[1] != '-' &&
	    strchr(cur + 1, optopt))
		word = NULL;
	if (word && !strncmp(word, "--", 2) && word[2]) {
		n = strcspn(word, "=");
		if (!optopt)
			snprintf(what, sizeof(what), "unknown option '%.*s'",
				 (int)(n > 64 ? 64 : n), word);
		else if (word[n])
			snprintf(what, sizeof(what), "option '%.*s' takes no argument",
				 (int)(n > 64 ? 64 : n), word);
		else
			snprintf(what, sizeof(what), "option '%.64s' needs an argument",
				 word);
		return usage_error(cmd, what);
	}
	/* any byte: log_err() escapes what a terminal should not see */
	snprintf(name, sizeof(name), "-%c", optopt ? optopt : '?');
	spec = optopt && optopt != ':' && optopt != '+' ? strchr(optstring, optopt) : NULL;
	if (spec && spec[1] == ':')
		snprintf(what, sizeof(what), "option '%s' needs an argument", name);
	else
		snprintf(what, sizeof(what), "unknown option '%s'", name);
	return usage_error(cmd, what);
}

int usage_error(const char *cmd, const char *what)
{
	const char *sep = cmd ? " " : "";

	if (what)
		log_err("%s%s%s — see: vmacct%s%s --help", cmd ? cmd : "",
			cmd ? ": " : "", what, sep, cmd ? cmd : "");
	else
		log_err("see: vmacct%s%s --help", sep, cmd ? cmd : "");
	return VM_EXIT_USAGE;
}

static void print_help(FILE *out)
{
	size_t i, w = 0, len;
	const struct opt_help *o;

	fputs("Usage: vmacct [-v] COMMAND [OPTIONS]\n"
	      "       vmacct help [COMMAND]\n"
	      "       vmacct COMMAND --help\n\n"
	      "The kernel's virtual-memory accounting (overcommit mode, CommitLimit,\n"
	      "Committed_AS, max_map_count) as the kernel itself computes it, read\n"
	      "from the vmacct kernel module through " VMACCT_DEV_PATH ".\n\n"
	      "Commands:\n", out);
	for (i = 0; i < N_COMMANDS; i++) {
		len = strlen(commands[i].name);
		if (len > w)
			w = len;
	}
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-*s  %s\n", (int)w, commands[i].name,
			commands[i].help);

	w = 0;
	for (o = main_opts_help; o->flags; o++) {
		len = strlen(o->flags);
		if (len > w)
			w = len;
	}
	fputs("\nOptions:\n", out);
	for (o = main_opts_help; o->flags; o++)
		fprintf(out, "  %-*s  %s\n", (int)w, o->flags, o->text);
	print_exit_codes(out);
}

/* Bare "vmacct": what to type next, on stderr. */
static int short_usage(void)
{
	size_t i;

	fputs("Usage: vmacct [-v] COMMAND [OPTIONS]\nCommands:", stderr);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(stderr, " %s", commands[i].name);
	fputs("\nTry 'vmacct help' or 'vmacct help COMMAND'.\n", stderr);
	return VM_EXIT_USAGE;
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* vmacct help [COMMAND]: the same as vmacct [COMMAND] --help */
static int help_command(int argc, char *argv[], const struct global_opts *g)
{
	const struct command *cmd;
	char prog[64], help[] = "--help", what[128];
	char *args[] = { prog, help, NULL };

	if (argc < 2) {
		print_help(stdout);
		return VM_EXIT_OK;
	}
	if (argc > 2)
		return usage_error(NULL, "help: one COMMAND at most");
	cmd = find_command(argv[1]);
	if (!cmd) {
		snprintf(what, sizeof(what), "help: unknown command '%.64s'", argv[1]);
		return usage_error(NULL, what);
	}
	snprintf(prog, sizeof(prog), "vmacct %s", cmd->name);
	optind = 0;
	return cmd->fn(2, args, g);
}

int main(int argc, char *argv[])
{
	struct global_opts g = { .verbose = 0 };
	const char *name;
	char what[128], prog[64];
	size_t i;
	int c;

	opterr = 0;	/* getopt_error() says what is wrong, as the tool's own errors */
	/* "+": stop at the command name; its options are its own */
	while ((c = getopt_long(argc, argv, "+vhV", main_longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			g.verbose++;
			break;
		case 'h':
			print_help(stdout);
			return VM_EXIT_OK;
		case 'V':
			printf("vmacct %s (ABI %d)\n", VMACCT_TOOL_VERSION,
			       VMACCT_ABI_VERSION);
			return VM_EXIT_OK;
		default:
			return getopt_error(NULL, argc, argv, "+vhV");
		}
	}

	if (optind >= argc)
		return short_usage();

	name = argv[optind];
	if (!strcmp(name, "help"))
		return help_command(argc - optind, argv + optind, &g);
	for (i = 0; i < N_COMMANDS; i++) {
		if (strcmp(name, commands[i].name))
			continue;
		snprintf(prog, sizeof(prog), "vmacct %s", commands[i].name);
		argv[optind] = prog;
		argc -= optind;
		argv += optind;
		optind = 0;	/* glibc: restart getopt for the command */
		g.cmd = commands[i].name;
		return commands[i].fn(argc, argv, &g);
	}

	snprintf(what, sizeof(what), "unknown command '%s'", name);
	return usage_error(NULL, what);
}
