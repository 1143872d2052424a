// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct unload: remove vmacct.ko.  Removing a module that is not loaded
 * succeeds without doing anything; removal never waits for users.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
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

static void unload_help(FILE *out)
{
	print_usage(out, "vmacct unload [-v]",
		    "Remove vmacct.ko.  Fails while a process holds " VMACCT_DEV_PATH " open.\n"
		    "Needs root.  Unloading a module that is not loaded succeeds.",
		    unload_opts_help);
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
			return usage_error("unload", NULL);
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

	refcnt = kmod_module_get_refcnt(mod);
	if (refcnt > 0) {
		log_err("unload %s: %s (refcount %d) — %s", VMACCT_MODULE_NAME,
			strerror(EBUSY), refcnt, remove_hint(EBUSY));
		ret = VM_EXIT_FAILED;
		goto out;
	}

	err = kmod_module_remove_module(mod, 0);
	if (err == -ENOENT) {
		printf("%s is not loaded; nothing to do\n", VMACCT_MODULE_NAME);
		ret = VM_EXIT_OK;
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
