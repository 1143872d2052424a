// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct status: one snapshot of the global accounting terms
 * (VMACCT_IOC_COMMIT), with what an operator should worry about.
 *
 * Why the snapshot is unavailable matters as much as the snapshot, so
 * the order is: is the module loaded (libkmod), is the node there, may
 * we open it, does it speak our ABI.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "parse.h"
#include "report.h"
#include "system.h"
#include "tool.h"

static const struct option status_longopts[] = {
	{ "json",    no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help",    no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct opt_help status_opts_help[] = {
	{ "-j, --json",    "one JSON object: the UAPI field names, headroom, mode_name,\n"
			   "abi_version, module_version and warnings" },
	{ "-v, --verbose", "more messages on stderr" },
	{ "-h, --help",    "show this help" },
	{ NULL, NULL },
};

static void status_help(FILE *out)
{
	print_usage(out, "vmacct status [--json] [-v]",
		    "Overcommit policy, CommitLimit and Committed_AS (pages and bytes), the\n"
		    "committed value the kernel actually compares with its error bound,\n"
		    "headroom, the mode-0 per-request ceiling, RAM, swap, hugetlb and\n"
		    "max_map_count, then one \"warning:\" line per problem an operator\n"
		    "should know about.  Needs vmacct.ko loaded and read access to\n"
		    VMACCT_DEV_PATH ".",
		    status_opts_help);
}

/*
 * Why open() failed.  state is what libkmod said about the module: loaded
 * (>= 0) or unknown (< 0); "not loaded" was reported before opening.
 */
static int explain_open_error(int err, int state)
{
	char dev[32] = "";
	unsigned int major, minor;
	FILE *f;

	if (err == ENOENT || err == ENXIO || err == ENODEV) {
		f = fopen(VMACCT_MISC_DEV_ATTR, "re");
		if (f) {
			if (!fgets(dev, sizeof(dev), f) ||
			    parse_devnum(dev, &major, &minor))
				dev[0] = '\0';
			fclose(f);
		}
		if (state < 0)
			log_err("%s: %s — is the module loaded? try: vmacct load; if it is, the node is missing: check udev/devtmpfs (ls -l %s, cat %s)",
				VMACCT_DEV_PATH, strerror(err), VMACCT_DEV_PATH,
				VMACCT_MISC_DEV_ATTR);
		else if (dev[0])
			log_err("%s: %s — the module is loaded but the device node is missing: check udev/devtmpfs (ls -l %s); the kernel says it is char %u:%u (%s), so: mknod %s c %u %u",
				VMACCT_DEV_PATH, strerror(err), VMACCT_DEV_PATH,
				major, minor, VMACCT_MISC_DEV_ATTR,
				VMACCT_DEV_PATH, major, minor);
		else
			log_err("%s: %s — the module is loaded but the device node is missing and %s is unreadable: check udev/devtmpfs (ls -l %s) and dmesg | grep vmacct",
				VMACCT_DEV_PATH, strerror(err),
				VMACCT_MISC_DEV_ATTR, VMACCT_DEV_PATH);
		return VM_EXIT_NOT_LOADED;
	}
	if (err == EACCES || err == EPERM) {
		log_err("%s: %s — check its owner and mode (ls -l %s); run as root or as a user the node's permissions allow",
			VMACCT_DEV_PATH, strerror(err), VMACCT_DEV_PATH);
		return VM_EXIT_PERM;
	}
	log_err("%s: %s — see dmesg | grep vmacct", VMACCT_DEV_PATH,
		strerror(err));
	return VM_EXIT_FAILED;
}

static int ioctl_error(const char *what, int err)
{
	if (err == ENOTTY)
		log_err("%s: %s: %s — %s does not answer vmacct ioctls; is it the vmacct device? (ls -l %s)",
			VMACCT_DEV_PATH, what, strerror(err), VMACCT_DEV_PATH,
			VMACCT_DEV_PATH);
	else if (err == EINVAL || err == E2BIG)
		log_err("%s: %s: %s — the module rejected this tool's request layout: rebuild/reinstall the tool and the module together",
			VMACCT_DEV_PATH, what, strerror(err));
	else
		log_err("%s: %s: %s — see dmesg | grep vmacct", VMACCT_DEV_PATH,
			what, strerror(err));
	return VM_EXIT_FAILED;
}

static int read_snapshot(int fd, int verbose, struct vmacct_version *v,
			 struct vmacct_commit *c)
{
	memset(v, 0, sizeof(*v));
	v->size = sizeof(*v);
	if (ioctl(fd, VMACCT_IOC_VERSION, v) < 0)
		return ioctl_error("VMACCT_IOC_VERSION", errno);
	if (v->abi_version != VMACCT_ABI_VERSION) {
		log_err("ABI version mismatch: tool %d, module %u — rebuild/reinstall both",
			VMACCT_ABI_VERSION, v->abi_version);
		return VM_EXIT_ABI;
	}

	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	if (ioctl(fd, VMACCT_IOC_COMMIT, c) < 0)
		return ioctl_error("VMACCT_IOC_COMMIT", errno);
	if (c->size < VMACCT_COMMIT_SIZE_VER0) {
		log_err("%s: VMACCT_IOC_COMMIT wrote %u bytes, fewer than the %d of its first version — rebuild/reinstall both",
			VMACCT_DEV_PATH, c->size, VMACCT_COMMIT_SIZE_VER0);
		return VM_EXIT_ABI;
	}
	if (c->size < sizeof(*c))
		log_note(verbose, "module knows %u bytes of struct vmacct_commit, this tool %zu: the newer fields read as 0",
			 c->size, sizeof(*c));
	return VM_EXIT_OK;
}

int cmd_status(int argc, char *argv[], const struct global_opts *g)
{
	struct vmacct_version ver;
	struct vmacct_commit commit;
	struct status_warnings warn;
	struct global_opts kopts = *g;	/* with this command's -v */
	struct kmod_ctx *ctx;
	int verbose = g->verbose;
	bool json = false;
	int c, fd, state, ret;

	while ((c = getopt_long(argc, argv, "jvh", status_longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			status_help(stdout);
			return VM_EXIT_OK;
		default:
			return usage_error("status", NULL);
		}
	}
	if (optind < argc)
		return usage_error("status", "unexpected argument");

	kopts.verbose = verbose;
	ctx = vm_kmod_new(&kopts);
	if (!ctx)
		return VM_EXIT_FAILED;
	state = vm_module_state(ctx, VMACCT_MODULE_NAME);
	kmod_unref(ctx);

	if (state == -ENOENT) {
		log_err("module %s is not loaded (/sys/module/%s: %s) — try: vmacct load",
			VMACCT_MODULE_NAME, VMACCT_MODULE_NAME, strerror(-state));
		return VM_EXIT_NOT_LOADED;
	}
	if (state < 0)
		log_note(verbose, "cannot tell whether %s is loaded: %s",
			 VMACCT_MODULE_NAME, strerror(-state));
	else if (state == KMOD_MODULE_COMING || state == KMOD_MODULE_GOING)
		log_warn("module %s is %s", VMACCT_MODULE_NAME,
			 kmod_module_initstate_str(state));

	fd = open(VMACCT_DEV_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return explain_open_error(errno, state);

	ret = read_snapshot(fd, verbose, &ver, &commit);
	close(fd);
	if (ret != VM_EXIT_OK)
		return ret;

	status_warnings(&commit, &warn);
	if (json)
		status_print_json(stdout, &ver, &commit, &warn);
	else
		status_print_human(stdout, &ver, &commit, &warn);
	if (fflush(stdout) == EOF) {
		log_err("stdout: %s", strerror(errno));
		return VM_EXIT_FAILED;
	}
	return VM_EXIT_OK;
}
