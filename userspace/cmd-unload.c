// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct unload: remove vmacct.ko.  Removing a module that is not loaded
 * succeeds without doing anything.
 *
 * An open /dev/vmacct pins the module, and a trace reader ("vmacct
 * trace", anything reading the event stream) keeps its file open until
 * it is told to stop.  So first, if trace/enabled reads 1, write 0 to it:
 * the module detaches every reader (their read() fails with ENODEV) and
 * they close.  Then the removal is retried for a few seconds while the
 * module is still in use, and only then refused with the hint that names
 * what to look for.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hints.h"
#include "log.h"
#include "system.h"
#include "tool.h"

static const struct option unload_longopts[] = {
	{ "verbose", no_argument, NULL, 'v' },
	{ "help",    no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct opt_help unload_opts_help[] = {
	{ "-v, --verbose", "more messages on stderr" },
	{ "-h, --help",    "show this help" },
	{ NULL, NULL },
};

#define UNLOAD_WAIT_MS		3000	/* for users of the module to close */
#define UNLOAD_RETRY_MS		100

static void unload_help(FILE *out)
{
	print_usage(out, "vmacct unload [-v]",
		    "Remove vmacct.ko.  Trace readers are detached first (0 is written to\n"
		    VMACCT_TRACE_ENABLED_PATH ": their read() fails with ENODEV\n"
		    "and they close); while a process still holds " VMACCT_DEV_PATH " open the\n"
		    "removal is retried for up to 3 seconds, then refused.  Needs root.\n"
		    "Unloading a module that is not loaded succeeds.",
		    unload_opts_help);
}

/*
 * Tracing on: detach the readers, so that they close /dev/vmacct.  Only
 * says what happened; the removal tells whether it was enough.
 */
static void detach_trace_readers(int verbose)
{
	uint64_t on;
	int err;

	err = read_u64_file(VMACCT_TRACE_ENABLED_PATH, &on);
	if (err == -ENOENT) {
		log_note(verbose, "%s: %s: no event stream to stop",
			 VMACCT_TRACE_ENABLED_PATH, strerror(-err));
		return;
	}
	if (err) {
		log_warn("%s: %s — cannot tell whether trace readers hold the module",
			 VMACCT_TRACE_ENABLED_PATH, strerror(-err));
		return;
	}
	if (!on) {
		log_note(verbose, "%s: 0: no trace readers", VMACCT_TRACE_ENABLED_PATH);
		return;
	}
	err = write_string_file(VMACCT_TRACE_ENABLED_PATH, "0\n");
	if (err) {
		log_warn("writing 0 to %s: %s — trace readers stay attached and keep the module in use",
			 VMACCT_TRACE_ENABLED_PATH, strerror(-err));
		return;
	}
	printf("detached the trace readers (wrote 0 to %s)\n",
	       VMACCT_TRACE_ENABLED_PATH);
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Remove the module, retrying for UNLOAD_WAIT_MS while it is in use
 * (libkmod never waits: delete_module() then fails with EWOULDBLOCK, which
 * is EAGAIN, or EBUSY).  0 or -errno.
 */
static int remove_module(struct kmod_module *mod, int verbose)
{
	int64_t deadline = monotonic_ms() + UNLOAD_WAIT_MS;
	struct timespec pause = { 0, UNLOAD_RETRY_MS * 1000000L };
	unsigned int tries = 0;
	int err;

	for (;;) {
		err = kmod_module_remove_module(mod, 0);
		tries++;
		if ((err != -EAGAIN && err != -EBUSY) ||
		    monotonic_ms() >= deadline)
			break;
		if (tries == 1)
			log_note(verbose, "%s is in use: waiting up to %d s for its users to close",
				 VMACCT_MODULE_NAME, UNLOAD_WAIT_MS / 1000);
		nanosleep(&pause, NULL);
	}
	log_debug(verbose, "delete_module: %u attempt%s", tries, tries == 1 ? "" : "s");
	return err;
}

int cmd_unload(int argc, char *argv[], const struct global_opts *g)
{
	struct kmod_module *mod = NULL;
	struct global_opts kopts = *g;	/* with this command's -v */
	struct kmod_ctx *ctx;
	int verbose = g->verbose;
	int c, err, state, refcnt, ret;

	while ((c = getopt_long(argc, argv, "vh", unload_longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose++;
			break;
		case 'h':
			unload_help(stdout);
			return VM_EXIT_OK;
		default:
			return getopt_error("unload", argc, argv, "vh");
		}
	}
	if (optind < argc)
		return usage_error("unload", "unexpected argument");

	kopts.verbose = verbose;
	ctx = vm_kmod_new(&kopts);
	if (!ctx)
		return VM_EXIT_FAILED;

	err = kmod_module_new_from_name(ctx, VMACCT_MODULE_NAME, &mod);
	if (err < 0) {
		log_err("%s: %s", VMACCT_MODULE_NAME, strerror(-err));
		ret = VM_EXIT_FAILED;
		goto out;
	}

	state = kmod_module_get_initstate(mod);
	if (state == -ENOENT) {
		printf("%s is not loaded; nothing to do\n", VMACCT_MODULE_NAME);
		ret = VM_EXIT_OK;
		goto out;
	}
	if (state == KMOD_MODULE_BUILTIN) {
		log_err("%s is built into the kernel and cannot be unloaded", VMACCT_MODULE_NAME);
		ret = VM_EXIT_FAILED;
		goto out;
	}
	if (state < 0)
		log_note(verbose, "cannot read the state of %s: %s; trying anyway",
			 VMACCT_MODULE_NAME, strerror(-state));

	if (geteuid() != 0) {
		log_err("unload: need root (CAP_SYS_MODULE) — try: sudo vmacct unload");
		ret = VM_EXIT_PERM;
		goto out;
	}

	detach_trace_readers(verbose);

	err = remove_module(mod, verbose);
	if (err == -ENOENT) {
		printf("%s is not loaded; nothing to do\n", VMACCT_MODULE_NAME);
		ret = VM_EXIT_OK;
		goto out;
	}
	if (err == -EAGAIN || err == -EBUSY) {
		refcnt = kmod_module_get_refcnt(mod);
		log_err("unload %s: %s (refcount %d, still in use after %d s) — %s",
			VMACCT_MODULE_NAME, strerror(-err), refcnt,
			UNLOAD_WAIT_MS / 1000, remove_hint(-err));
		ret = remove_exit_code(-err);
		goto out;
	}
	if (err < 0) {
		log_err("unload %s: %s — %s", VMACCT_MODULE_NAME, strerror(-err),
			remove_hint(-err));
		ret = remove_exit_code(-err);
		goto out;
	}
	printf("unloaded %s\n", VMACCT_MODULE_NAME);
	ret = VM_EXIT_OK;

out:
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}
