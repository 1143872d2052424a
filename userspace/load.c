// SPDX-License-Identifier: GPL-2.0
/* vmacct load: the module file and the addresses; see load.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "load.h"
#include "log.h"
#include "sysmap.h"
#include "system.h"
#include "tool.h"

int load_find_module(struct kmod_ctx *ctx, const struct load_opts *o,
		     const char *ahead, struct kmod_module **mod)
{
	struct kmod_list *list = NULL, *l;
	int err;

	if (o->ko) {
		err = kmod_module_new_from_path(ctx, o->ko, mod);
		if (err < 0) {
			if (ahead && *ahead)
				log_err("load: %s", ahead);
			log_err("%s: %s — pass the path of a built vmacct.ko (make, in the source tree, builds ./vmacct.ko), or leave out --ko to use the installed module",
				o->ko, strerror(-err));
			return ahead && *ahead ? VM_EXIT_PERM : VM_EXIT_FAILED;
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
		if (ahead && *ahead)
			log_err("load: %s", ahead);
		log_err("module %s not found under %s: %s — install it (in the source tree: make && sudo make install, or sudo make dkms-install; or the vmacct-dkms package), or pass --ko PATH",
			VMACCT_MODULE_NAME, kmod_get_dirname(ctx),
			strerror(err < 0 ? -err : ENOENT));
		return ahead && *ahead ? VM_EXIT_PERM : VM_EXIT_FAILED;
	}
	return VM_EXIT_OK;
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

int load_resolve_symbols(const struct load_opts *o, const char *modpath,
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
