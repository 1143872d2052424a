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
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hints.h"
#include "kallsyms.h"
#include "log.h"
#include "modparam.h"
#include "sysmap.h"
#include "system.h"
#include "tool.h"

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
		    "MODULE_OPTIONs after \"--\" are appended unchanged.\n"
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

static int find_module(struct kmod_ctx *ctx, const struct load_opts *o,
		       struct kmod_module **mod)
{
	struct kmod_list *list = NULL, *l;
	int err;

	if (o->ko) {
		err = kmod_module_new_from_path(ctx, o->ko, mod);
		if (err < 0) {
			log_err("%s: %s — pass the path of a built vmacct.ko (make, in the source tree, builds ./vmacct.ko), or leave out --ko to use the installed module",
				o->ko, strerror(-err));
			return VM_EXIT_FAILED;
		}
		return VM_EXIT_OK;
	}

	err = kmod_module_new_from_lookup(ctx, VMACCT_MODULE_NAME, &list);
	*mod = NULL;
	if (err >= 0) {
		kmod_list_foreach(l, list) {
			struct kmod_module *m = kmod_module_get_module(l);

			if (!*mod && kmod_module_get_path(m))
				*mod = m;
			else
				kmod_module_unref(m);
		}
		kmod_module_unref_list(list);
	}
	if (!*mod) {
		log_err("module %s not found under %s: %s — install it (in the source tree: make && sudo make install, or sudo make dkms-install; or the vmacct-dkms package), or pass --ko PATH",
			VMACCT_MODULE_NAME, kmod_get_dirname(ctx),
			strerror(err < 0 ? -err : ENOENT));
		return VM_EXIT_FAILED;
	}
	return VM_EXIT_OK;
}

/* The names the module asks for, and its vermagic (for ENOEXEC). */
static int needed_symbols(struct kmod_module *mod, const char *path,
			  int verbose, struct strv *names, char **vermagic)
{
	struct kmod_list *info = NULL, *l;
	struct modinfo_kv *kv = NULL;
	size_t n = 0, i = 0;
	int err, ret = VM_EXIT_OK;

	err = kmod_module_get_info(mod, &info);
	if (err < 0) {
		log_err("%s: cannot read its modinfo: %s — is it a kernel module (.ko) at all? check with: modinfo %s",
			path, strerror(-err), path);
		return VM_EXIT_FAILED;
	}
	kmod_list_foreach(l, info)
		n++;
	kv = calloc(n ? n : 1, sizeof(*kv));
	if (!kv) {
		log_err("%s: %s", path, strerror(ENOMEM));
		ret = VM_EXIT_FAILED;
		goto out_free_info;
	}
	kmod_list_foreach(l, info) {
		kv[i].key = kmod_module_info_get_key(l);
		kv[i].value = kmod_module_info_get_value(l);
		if (kv[i].key && kv[i].value && !strcmp(kv[i].key, "vermagic") &&
		    !*vermagic)
			*vermagic = strdup(kv[i].value);
		i++;
	}
	if (modparam_kallsyms_names(kv, n, names) < 0) {
		log_err("%s: %s", path, strerror(ENOMEM));
		ret = VM_EXIT_FAILED;
		goto out_free_kv;
	}
	if (names->n == 0)
		log_warn("%s declares no \"" KALLSYMS_PARM_PREFIX "NAME\" parameters; inserting it without addresses",
			 path);
	else
		log_note(verbose, "%s asks for %zu kernel address%s", path, names->n,
			 names->n == 1 ? "" : "es");

out_free_kv:
	free(kv);
out_free_info:
	kmod_module_info_free_list(info);
	return ret;
}

static int explain_hidden(const char *file)
{
	char reason[256];
	uint64_t kptr;
	int kr = -1;

	if (read_u64_file(KPTR_RESTRICT_PATH, &kptr) == 0 && kptr <= 10)
		kr = (int)kptr;
	kallsyms_hidden_reason(reason, sizeof(reason), kr, geteuid() == 0);
	log_err("%s: %s", file, reason);
	return VM_EXIT_PERM;
}

static int resolve_symbols(const struct load_opts *o, const char *modpath,
			   struct ksym_req *req, size_t n)
{
	struct ksym_stats st;
	size_t i, bad = 0, missing = 0;
	FILE *f;
	int err;

	f = fopen(o->kallsyms, "re");
	if (!f) {
		err = errno;
		log_err("%s: %s — %s", o->kallsyms, strerror(err),
			err == EACCES || err == EPERM ? "run as root: sudo vmacct load"
						      : "the kernel needs CONFIG_KALLSYMS=y and /proc mounted");
		return err == EACCES || err == EPERM ? VM_EXIT_PERM : VM_EXIT_FAILED;
	}
	err = kallsyms_scan(f, req, n, &st);
	fclose(f);
	if (err < 0) {
		log_err("%s: %s — read failed; retry, or see dmesg", o->kallsyms,
			strerror(-err));
		return VM_EXIT_FAILED;
	}
	log_debug(o->verbose, "%s: %zu lines, %zu core, %zu module, %zu malformed",
		  o->kallsyms, st.lines, st.core, st.module, st.malformed);

	if (kallsyms_empty(&st)) {
		log_err("%s: no symbols listed — the kernel needs CONFIG_KALLSYMS=y; or is this not a kallsyms file?",
			o->kallsyms);
		return VM_EXIT_FAILED;
	}
	if (n && kallsyms_hidden(&st))
		return explain_hidden(o->kallsyms);

	for (i = 0; i < n; i++)
		if (kallsyms_check(&req[i]) == KSYM_MISSING)
			missing++;
	if (missing) {
		/* a kernel listing functions only: the variables from System.map */
		if (sysmap_resolve(o->kallsyms, o->system_map, !o->kallsyms_given,
				   o->verbose, req, n))
			return VM_EXIT_FAILED;
		missing = 0;
	}

	for (i = 0; i < n; i++) {
		switch (kallsyms_check(&req[i])) {
		case KSYM_OK:
			log_note(o->verbose, "%s = 0x%" PRIx64, req[i].name,
				 req[i].addr);
			break;
		case KSYM_MISSING:
			missing++;
			break;
		case KSYM_DUPLICATE:
			log_err("%s: symbol %s occurs %u times among core-kernel symbols; its address is ambiguous — %s must use a symbol that is unique in this kernel",
				o->kallsyms, req[i].name, req[i].count, modpath);
			bad++;
			break;
		case KSYM_ZERO:
			log_err("%s: symbol %s has address 0 while other symbols do not: not an ordinary kernel variable here (per-CPU or absolute?) — %s does not match this kernel",
				o->kallsyms, req[i].name, modpath);
			bad++;
			break;
		}
	}
	if (missing) {
		struct utsname u;
		char *list = NULL;
		size_t size = 0;
		const char *sep = "";
		FILE *m = open_memstream(&list, &size);

		if (m) {
			for (i = 0; i < n; i++) {
				if (kallsyms_check(&req[i]) != KSYM_MISSING)
					continue;
				fprintf(m, "%s%s", sep, req[i].name);
				sep = ", ";
			}
			if (fclose(m)) {
				free(list);
				list = NULL;
			}
		}
		if (uname(&u))
			strcpy(u.release, "$(uname -r)");
		log_err("%s: missing from the core-kernel symbols (%zu of the %zu that %s needs): %s — a kernel built without CONFIG_KALLSYMS_ALL=y lists functions only: give its System.map with --system-map FILE (Debian: apt install linux-image-%s-dbg, which has /usr/lib/debug/boot/System.map-%s); or the module does not match this kernel",
			o->kallsyms, missing, n, modpath, list ? list : "?",
			u.release, u.release);
		free(list);
		bad += missing;
	}
	return bad ? VM_EXIT_FAILED : VM_EXIT_OK;
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
	struct strv names = { NULL, 0 }, config = { NULL, 0 }, dropped = { NULL, 0 };
	struct kmod_module *mod = NULL, *named = NULL;
	struct ksym_req *req = NULL;
	char *vermagic = NULL, *options = NULL;
	const char *path;
	struct global_opts kopts = *g;	/* with this command's -v */
	struct kmod_ctx *ctx;
	long conflict;
	int ret, state, err;
	size_t i;

	ret = parse_load_args(argc, argv, &o);
	if (ret >= 0)
		return ret;

	kopts.verbose = o.verbose;
	ctx = vm_kmod_new(&kopts);
	if (!ctx)
		return VM_EXIT_FAILED;

	if (!o.dry_run) {
		state = vm_module_state(ctx, VMACCT_MODULE_NAME);
		if (state >= 0) {
			printf("%s is already loaded (%s); nothing to do\n",
			       VMACCT_MODULE_NAME, kmod_module_initstate_str(state));
			log_note(o.verbose, "its options were not re-applied; to load it again with fresh addresses: vmacct unload && vmacct load");
			ret = VM_EXIT_OK;
			goto out;
		}
		if (geteuid() != 0) {
			log_err("load: need root (CAP_SYS_MODULE to insert, CAP_SYSLOG to read kernel addresses) — try: sudo vmacct load");
			ret = VM_EXIT_PERM;
			goto out;
		}
	}

	ret = find_module(ctx, &o, &mod);
	if (ret)
		goto out;
	path = kmod_module_get_path(mod);
	if (!path)
		path = o.ko ? o.ko : VMACCT_MODULE_NAME;
	log_note(o.verbose, "module: %s", path);

	ret = needed_symbols(mod, path, o.verbose, &names, &vermagic);
	if (ret)
		goto out;

	req = calloc(names.n ? names.n : 1, sizeof(*req));
	if (!req) {
		log_err("%s", strerror(ENOMEM));
		ret = VM_EXIT_FAILED;
		goto out;
	}
	for (i = 0; i < names.n; i++)
		req[i].name = names.v[i];

	conflict = modparam_find_conflict(o.extra, o.nextra, req, names.n);
	if (conflict >= 0) {
		char what[160];

		snprintf(what, sizeof(what),
			 "module option '%s' would override an address this command resolves",
			 o.extra[conflict]);
		ret = usage_error("load", what);
		goto out;
	}

	ret = resolve_symbols(&o, path, req, names.n);
	if (ret)
		goto out;

	/*
	 * options vmacct ... in modprobe.d, as modprobe vmacct applies them:
	 * by the module's name, whatever the file given with --ko is called
	 */
	err = kmod_module_new_from_name(ctx, VMACCT_MODULE_NAME, &named);
	if (!err) {
		err = modparam_merge_config(kmod_module_get_options(named), o.extra,
					    o.nextra, req, names.n, &config, &dropped);
		kmod_module_unref(named);
	}
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
	options = modparam_build_options(req, names.n, &config, o.extra, o.nextra);
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
	ret = insert(mod, path, options, vermagic, names.n, o.verbose);

out:
	free(options);
	free(req);
	free(vermagic);
	strv_free(&names);
	strv_free(&config);
	strv_free(&dropped);
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}
