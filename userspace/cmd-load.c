// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct load: insert vmacct.ko with the addresses of the unexported
 * kernel data it reads.
 *
 * The module declares what it needs: one parameter per symbol, described
 * "kallsyms address of NAME".  This command reads those from the module's
 * modinfo, looks each NAME up in /proc/kallsyms (core kernel, exactly one
 * match), and inserts the module with "NAME=0xADDR ...".  A kernel that
 * lists functions only (no CONFIG_KALLSYMS_ALL) gives the rest through its
 * System.map (sysmap.h).  The module checks every address again and
 * refuses to load if one is wrong.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hints.h"
#include "kallsyms.h"
#include "load.h"
#include "log.h"
#include "modparam.h"
#include "system.h"
#include "tool.h"

static const struct option load_longopts[] = {
	{ "ko",       required_argument, NULL, 'k' },
	{ "dry-run",  no_argument,       NULL, 'n' },
	{ "kallsyms", required_argument, NULL, 's' },
	{ "system-map", required_argument, NULL, 'm' },
	{ "verbose",  no_argument,       NULL, 'v' },
	{ "help",     no_argument,       NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct opt_help load_opts_help[] = {
	{ "-k, --ko PATH",       "insert this vmacct.ko instead of the installed one\n"
				 "(found with libkmod under /lib/modules/$(uname -r))" },
	{ "-n, --dry-run",       "print the module option string and stop; for tests\n"
				 "and modprobe.d install lines" },
	{ "-s, --kallsyms FILE", "read addresses from FILE, not " KALLSYMS_PATH "\n"
				 "(with --dry-run only; for tests)" },
	{ "-m, --system-map FILE", "where the kernel lists functions only (built\n"
				 "without CONFIG_KALLSYMS_ALL), take the variables\n"
				 "from this System.map (default: /boot/System.map-$(uname -r),\n"
				 "then /usr/lib/debug/boot/System.map-$(uname -r))" },
	{ "-v, --verbose",       "say which module and which addresses" },
	{ "-h, --help",          "show this help" },
	{ NULL, NULL },
};

static void load_help(FILE *out)
{
	print_usage(out, "vmacct load [--ko PATH] [--dry-run [--kallsyms FILE]] [--system-map FILE] [-v] [-- MODULE_OPTION...]",
		    "Insert vmacct.ko.  The module lists the kernel symbols it needs as\n"
		    "parameters described \"kallsyms address of NAME\"; each NAME is looked up\n"
		    "in " KALLSYMS_PATH " (core kernel only, exactly one match) and passed as\n"
		    "NAME=0xADDRESS.  A kernel built without CONFIG_KALLSYMS_ALL lists no\n"
		    "variable there: those come from its System.map, moved by the boot's KASLR\n"
		    "offset (Debian: linux-image-$(uname -r)-dbg ships the map).\n"
		    "MODULE_OPTIONs after \"--\" are appended (name=\"value\" when the value\n"
		    "has a blank); modprobe.d's \"options vmacct\" come first, an address\n"
		    "there ignored with a warning, also when modprobe's install line\n"
		    "passes it again after \"--\".\n"
		    "First it refuses what the kernel would refuse, naming the obstacle: a\n"
		    "kernel without module support (no /proc/modules), a module whose\n"
		    "vermagic names another release than uname -r (also with --dry-run,\n"
		    "unless --kallsyms gives a test's table), an unsigned module while the\n"
		    "kernel is in lockdown.\n"
		    "Needs root, and kernel.kptr_restrict <= 1.  Loading a module that is\n"
		    "already loaded succeeds without doing anything.",
		    load_opts_help);
}

/* -1 to go on, else an exit code. */
static int parse_load_args(int argc, char *argv[], struct load_opts *o)
{
	int c;

	/* "+": a bare word is not an option to permute but an error below */
	while ((c = getopt_long(argc, argv, "+k:ns:m:vh", load_longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->ko = optarg;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 's':
			o->kallsyms = optarg;
			break;
		case 'm':
			o->system_map = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			load_help(stdout);
			return VM_EXIT_OK;
		default:
			return getopt_error("load", argc, argv, "+k:ns:m:vh");
		}
	}
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--")) {
			char what[160];

			snprintf(what, sizeof(what),
				 "unexpected argument '%s' (module options go after --)",
				 argv[optind]);
			return usage_error("load", what);
		}
		o->extra = argv + optind;
		o->nextra = (size_t)(argc - optind);
	}
	o->kallsyms_given = o->kallsyms;
	if (!o->kallsyms)
		o->kallsyms = KALLSYMS_PATH;
	else if (!o->dry_run)
		return usage_error("load", "--kallsyms is allowed only with --dry-run: addresses change at every boot");
	return -1;
}

/* What the module file says of itself. */
struct modfile {
	struct strv names;	/* the addresses it asks for */
	char *vermagic;		/* malloc'd; NULL: it has none */
	bool has_crcs;
	bool is_signed;
};

static int read_modfile(struct kmod_module *mod, const char *path,
			int verbose, struct modfile *mf)
{
	struct kmod_list *info = NULL;
	struct modinfo_kv *kv = NULL;
	const char *vermagic;
	size_t n = 0;
	int err, ret = VM_EXIT_OK;

	err = vm_module_info(mod, &info, &kv, &n);
	if (err == -ENOMEM) {
		log_err("%s: %s", path, strerror(ENOMEM));
		return VM_EXIT_FAILED;
	}
	if (err < 0) {
		log_err("%s: cannot read its modinfo: %s — is it a kernel module (.ko) at all? check with: modinfo %s",
			path, strerror(-err), path);
		return VM_EXIT_FAILED;
	}
	modinfo_facts(kv, n, &vermagic, &mf->is_signed);
	mf->has_crcs = vm_module_has_crcs(mod);
	if (vermagic && !(mf->vermagic = strdup(vermagic)))
		err = -ENOMEM;
	if (err || modparam_kallsyms_names(kv, n, &mf->names) < 0) {
		log_err("%s: %s", path, strerror(ENOMEM));
		ret = VM_EXIT_FAILED;
		goto out;
	}
	if (mf->names.n == 0)
		log_warn("%s declares no \"" KALLSYMS_PARM_PREFIX "NAME\" parameters; inserting it without addresses",
			 path);
	else
		log_note(verbose, "%s asks for %zu kernel address%s", path, mf->names.n,
			 mf->names.n == 1 ? "" : "es");
out:
	free(kv);
	kmod_module_info_free_list(info);
	return ret;
}

/*
 * The obstacles the kernel puts before any file, checked before root and
 * before looking for one: no module support.  Lockdown is read into
 * facts, to be judged once the file is known (a signed one passes).
 */
static int kernel_obstacles(struct load_facts *f, char *lockdown, size_t len)
{
	char text[512];

	f->have_modules = have_module_support();
	read_lockdown(lockdown, len);
	f->lockdown = lockdown;
	if (load_obstacle(f) != LOAD_NO_MODULES)
		return VM_EXIT_OK;
	load_obstacle_text(f, text, sizeof(text));
	log_err("load: %s", text);
	return load_obstacle_exit_code(LOAD_NO_MODULES);
}

/*
 * The file's obstacles: built for another kernel (not judged against a
 * test's --kallsyms table, which is no running kernel's), unsigned under
 * lockdown (read only when inserting).
 */
static int file_obstacles(const struct load_opts *o, const struct load_facts *f)
{
	enum load_obstacle ob = load_obstacle(f);
	char text[512];

	if (ob == LOAD_VERMAGIC && o->kallsyms_given)
		ob = LOAD_OK;
	if (ob != LOAD_VERMAGIC && ob != LOAD_LOCKDOWN) {
		log_note(o->verbose, "vermagic: %s", f->vermagic ? f->vermagic : "none");
		if (f->vermagic && !o->kallsyms_given &&
		    !vermagic_matches(f->vermagic, f->release))
			log_warn("%s was built for another release than the running %s; it carries symbol versions, by which the kernel will judge it",
				 f->path, f->release);
		return VM_EXIT_OK;
	}
	load_obstacle_text(f, text, sizeof(text));
	log_err("load: %s", text);
	return load_obstacle_exit_code(ob);
}

/*
 * The options after "--": those the install line passes again from
 * modprobe.d are taken out (modparam_drop_config_echo()), so that both
 * ways of loading treat modprobe.d alike; one that still sets an
 * address, or cannot reach the kernel as one option, is a usage error.
 * -1 to go on, else an exit code.
 */
static int check_extra(struct load_opts *o, const char *config,
		       const struct ksym_req *req, size_t nreq)
{
	char what[200];
	long bad;

	o->nextra = modparam_drop_config_echo(config, o->extra, o->nextra,
					      req, nreq);
	bad = modparam_find_conflict(o->extra, o->nextra, req, nreq);
	if (bad >= 0) {
		snprintf(what, sizeof(what),
			 "module option '%.80s' would override an address this command resolves",
			 o->extra[bad]);
		return usage_error("load", what);
	}
	bad = modparam_find_unsafe(o->extra, o->nextra);
	if (bad >= 0) {
		snprintf(what, sizeof(what),
			 "module option '%.80s' cannot reach the kernel as one option: a blank in its name, or a blank and a double quote",
			 o->extra[bad]);
		return usage_error("load", what);
	}
	return -1;
}

static int insert(struct kmod_module *mod, const char *path,
		  const char *options, const char *vermagic, size_t naddr,
		  int verbose)
{
	struct utsname u;
	int err;

	log_note(verbose, "inserting %s with options \"%s\"", path, options);
	err = kmod_module_insert_module(mod, 0, options);
	if (err == -EEXIST) {
		printf("%s is already loaded; nothing to do\n", VMACCT_MODULE_NAME);
		return VM_EXIT_OK;
	}
	if (err < 0) {
		log_err("insert %s: %s — %s", path, strerror(-err),
			insert_hint(-err));
		if (-err == ENOEXEC && vermagic && uname(&u) == 0)
			log_err("module vermagic: %s; running kernel: %s",
				vermagic, u.release);
		return insert_exit_code(-err);
	}
	printf("loaded %s from %s (%zu kernel addresses)\n", VMACCT_MODULE_NAME,
	       path, naddr);
	return VM_EXIT_OK;
}

int cmd_load(int argc, char *argv[], const struct global_opts *g)
{
	struct load_opts o = { .verbose = g->verbose };
	struct strv config = { NULL, 0 }, dropped = { NULL, 0 };
	struct modfile mf = { { NULL, 0 }, NULL, false, false };
	struct load_facts facts = { .have_modules = true };
	struct kmod_module *mod = NULL, *named = NULL;
	struct ksym_req *req = NULL;
	char *options = NULL, lockdown[128] = "", ahead[512] = "";
	struct utsname u;
	const char *path;
	struct global_opts kopts = *g;	/* with this command's -v */
	const char *config_opts;
	struct kmod_ctx *ctx;
	int ret, state, err;
	size_t i;

	ret = parse_load_args(argc, argv, &o);
	if (ret >= 0)
		return ret;

	kopts.verbose = o.verbose;
	ctx = vm_kmod_new(&kopts);
	if (!ctx)
		return VM_EXIT_FAILED;
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	facts.release = u.release;

	if (!o.dry_run) {
		state = vm_module_state(ctx, VMACCT_MODULE_NAME);
		if (state >= 0) {
			printf("%s is already loaded (%s); nothing to do\n",
			       VMACCT_MODULE_NAME, kmod_module_initstate_str(state));
			log_note(o.verbose, "its options were not re-applied; to load it again with fresh addresses: vmacct unload && vmacct load");
			ret = VM_EXIT_OK;
			goto out;
		}
		ret = kernel_obstacles(&facts, lockdown, sizeof(lockdown));
		if (ret)
			goto out;
		if (lockdown_active(lockdown))	/* said first if no file either */
			load_obstacle_text(&facts, ahead, sizeof(ahead));
		if (geteuid() != 0) {
			log_err("load: need root (CAP_SYS_MODULE to insert, CAP_SYSLOG to read kernel addresses) — try: sudo vmacct load");
			ret = VM_EXIT_PERM;
			goto out;
		}
	}

	ret = load_find_module(ctx, &o, ahead, &mod);
	if (ret)
		goto out;
	path = kmod_module_get_path(mod);
	if (!path)
		path = o.ko ? o.ko : VMACCT_MODULE_NAME;
	log_note(o.verbose, "module: %s", path);

	ret = read_modfile(mod, path, o.verbose, &mf);
	if (ret)
		goto out;
	facts.path = path;
	facts.vermagic = mf.vermagic;
	facts.has_crcs = mf.has_crcs;
	facts.is_signed = mf.is_signed;
	ret = file_obstacles(&o, &facts);
	if (ret)
		goto out;

	req = calloc(mf.names.n ? mf.names.n : 1, sizeof(*req));
	if (!req) {
		log_err("%s", strerror(ENOMEM));
		ret = VM_EXIT_FAILED;
		goto out;
	}
	for (i = 0; i < mf.names.n; i++)
		req[i].name = mf.names.v[i];

	/*
	 * options vmacct ... in modprobe.d, as modprobe vmacct applies them:
	 * by the module's name, whatever the file given with --ko is called
	 */
	err = kmod_module_new_from_name(ctx, VMACCT_MODULE_NAME, &named);
	if (err) {
		log_err("modprobe.d options: %s", strerror(-err));
		ret = VM_EXIT_FAILED;
		goto out;
	}
	config_opts = kmod_module_get_options(named);
	ret = check_extra(&o, config_opts, req, mf.names.n);
	if (ret >= 0)
		goto out;

	ret = load_resolve_symbols(&o, path, req, mf.names.n);
	if (ret)
		goto out;

	err = modparam_merge_config(config_opts, o.extra, o.nextra, req,
				    mf.names.n, &config, &dropped);
	if (err) {
		log_err("modprobe.d options: %s", strerror(-err));
		ret = VM_EXIT_FAILED;
		goto out;
	}
	for (i = 0; i < dropped.n; i++)
		log_warn("modprobe.d: 'options vmacct %s' ignored: this command resolves that address from /proc/kallsyms",
			 dropped.v[i]);
	if (config.n)
		log_note(o.verbose, "modprobe.d options applied: %zu", config.n);
	options = modparam_build_options(req, mf.names.n, &config, o.extra, o.nextra);
	if (!options) {
		log_err("%s", strerror(ENOMEM));
		ret = VM_EXIT_FAILED;
		goto out;
	}

	if (o.dry_run) {
		puts(options);
		ret = fflush(stdout) == EOF ? VM_EXIT_FAILED : VM_EXIT_OK;
		goto out;
	}
	ret = insert(mod, path, options, mf.vermagic, mf.names.n, o.verbose);

out:
	free(options);
	free(req);
	free(mf.vermagic);
	strv_free(&mf.names);
	strv_free(&config);
	strv_free(&dropped);
	if (named)
		kmod_module_unref(named);
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}
