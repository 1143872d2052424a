// SPDX-License-Identifier: GPL-2.0
/* Host tests: modinfo parameter extraction and option strings (modparam.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hints.h"
#include "modparam.h"
#include "tap.h"
#include "tool.h"

static void test_is_kallsyms(struct tap *t)
{
	static const char *const no[] = {
		"foo:kallsyms address of bar",		/* other name */
		"foo:kallsyms address of foo ",		/* trailing space */
		"foo:Kallsyms address of foo",		/* case */
		"foo:kallsyms address of fo",
		"foo:kallsyms address of foo:x",
		"foo:the kallsyms address of foo",
		"foo",					/* no description */
		":kallsyms address of ",		/* empty name */
		"foo:",
	};
	const char *name = NULL;
	size_t len = 0, i;

	tap_ok(t, modparam_is_kallsyms("vm_committed_as:kallsyms address of vm_committed_as",
				       &name, &len) && len == 15 &&
	       !strncmp(name, "vm_committed_as", len),
	       "\"NAME:kallsyms address of NAME\" is a symbol parameter");
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		tap_ok(t, !modparam_is_kallsyms(no[i], &name, &len),
		       "\"%s\" is not a symbol parameter", no[i]);
	tap_ok(t, !modparam_is_kallsyms(NULL, &name, &len), "NULL value is not a symbol parameter");
}

void test_modparam(struct tap *t)
{
	static const struct modinfo_kv kv[] = {
		{ "name", "vmacct" },
		{ "vermagic", "6.12.0 SMP preempt mod_unload" },
		{ "parm", "vm_committed_as:kallsyms address of vm_committed_as" },
		{ "parmtype", "vm_committed_as:ulong" },
		{ "parm", "debug:enable debug messages" },
		{ "parmtype", "hidden:kallsyms address of hidden" },	/* not "parm" */
		{ "description", "kallsyms address of description" },
		{ "parm", "old_addr:kallsyms address of vm_committed_as" },
		{ "parm", "hstates:kallsyms address of hstates" },
		{ "parm", "vm_committed_as:kallsyms address of vm_committed_as" },	/* repeat */
		{ NULL, "x:kallsyms address of x" },
		{ "parm", NULL },
		{ "parm", "sysctl_max_map_count:kallsyms address of sysctl_max_map_count" },
	};
	struct strv names = { NULL, 0 };
	struct ksym_req req[2] = {
		{ "vm_committed_as", 0xffffffff82a01000ULL, 1 },
		{ "hstates", 0xffffffff82a02000ULL, 1 },
	};
	char *extra[] = { "debug=1", "dyndbg=+p" };
	char *conflict[] = { "debug=1", "hstates=0x1" };
	char *bare[] = { "hstates" };
	char *near[] = { "hstatesx=1", "hstate=2" };
	char *opts;

	test_is_kallsyms(t);

	tap_eq_i64(t, modparam_kallsyms_names(kv, sizeof(kv) / sizeof(kv[0]), &names), 0,
		   "extract symbol parameters from modinfo");
	tap_ok(t, names.n == 3 && !strcmp(names.v[0], "vm_committed_as") &&
	       !strcmp(names.v[1], "hstates") && !strcmp(names.v[2], "sysctl_max_map_count"),
	       "exactly vm_committed_as, hstates, sysctl_max_map_count, in modinfo order, no repeat");
	strv_free(&names);
	tap_eq_i64(t, modparam_kallsyms_names(kv, 0, &names), 0, "empty modinfo is fine");
	tap_eq_u64(t, names.n, 0, "empty modinfo yields no names");
	strv_free(&names);

	opts = modparam_build_options(req, 2, NULL, NULL, 0);
	tap_eq_str(t, opts, "vm_committed_as=0xffffffff82a01000 hstates=0xffffffff82a02000",
		   "option string for two symbols");
	free(opts);
	opts = modparam_build_options(req, 2, NULL, extra, 2);
	tap_eq_str(t, opts, "vm_committed_as=0xffffffff82a01000 hstates=0xffffffff82a02000 debug=1 dyndbg=+p",
		   "option string with extra options appended");
	free(opts);
	opts = modparam_build_options(req, 0, NULL, extra, 1);
	tap_eq_str(t, opts, "debug=1", "option string with only an extra option");
	free(opts);
	opts = modparam_build_options(req, 0, NULL, NULL, 0);
	tap_eq_str(t, opts, "", "empty option string");
	free(opts);

	/* options vmacct ... from modprobe.d: the command line wins, addresses are never taken */
	{
		struct strv cfg = { NULL, 0 }, dropped = { NULL, 0 };
		char *cmdline[] = { "recorder=0" };

		tap_eq_i64(t, modparam_merge_config("  recorder=1 stats=1\thstates=0x1 name=\"a b\" debug\n",
						    cmdline, 1, req, 2, &cfg, &dropped), 0,
			   "modprobe.d options merged");
		tap_ok(t, cfg.n == 3 && !strcmp(cfg.v[0], "stats=1") &&
		       !strcmp(cfg.v[1], "name=\"a b\"") && !strcmp(cfg.v[2], "debug"),
		       "modprobe.d: recorder=1 left to the command line's recorder=0; a quoted blank kept; a bare name kept");
		tap_ok(t, dropped.n == 1 && !strcmp(dropped.v[0], "hstates=0x1"),
		       "modprobe.d: an address parameter is dropped (and said)");
		opts = modparam_build_options(req, 2, &cfg, cmdline, 1);
		tap_eq_str(t, opts, "vm_committed_as=0xffffffff82a01000 hstates=0xffffffff82a02000 stats=1 name=\"a b\" debug recorder=0",
			   "option string: addresses, modprobe.d, then the command line");
		free(opts);
		strv_free(&cfg);
		strv_free(&dropped);
		tap_eq_i64(t, modparam_merge_config(NULL, NULL, 0, req, 2, &cfg, &dropped), 0,
			   "no modprobe.d options: nothing");
		tap_ok(t, cfg.n == 0 && dropped.n == 0, "... and nothing added");
	}

	/* the install line passes modprobe.d's options again, quotes taken out by its shell */
	{
		char *ex[] = { "hstates=0x1", "stats=1", "name=a b", "recorder=0", "hstates=0x1",
			       "vm_committed_as=0x5", "hstates=0x2" };
		char *q[] = { "hstates=0x1" };
		size_t n;

		n = modparam_drop_config_echo("hstates=0x1 stats=1 name=\"a b\"", ex, 7, req, 2);
		tap_eq_u64(t, n, 6, "install line: one address option that modprobe.d holds is taken out");
		tap_ok(t, n == 6 && !strcmp(ex[0], "stats=1") && !strcmp(ex[1], "name=a b") &&
		       !strcmp(ex[2], "recorder=0") && !strcmp(ex[3], "hstates=0x1") &&
		       !strcmp(ex[4], "vm_committed_as=0x5") && !strcmp(ex[5], "hstates=0x2"),
		       "... each word of modprobe.d once; other options, and addresses it does not hold, stay in order");
		tap_eq_u64(t, modparam_drop_config_echo("hstates=\"0x1\"", q, 1, req, 2), 0,
			   "install line: a quoted word of modprobe.d matches its unquoted echo");
		tap_eq_u64(t, modparam_drop_config_echo(NULL, ex, 6, req, 2), 6,
			   "install line: no modprobe.d options, nothing taken out");
	}
	{
		char *ok[] = { "name=a b", "debug", "x=\"y\"" }, *q[] = { "name=a \"b" },
		     *nm[] = { "na me=1" }, *bname[] = { "na me" };

		tap_eq_i64(t, modparam_find_unsafe(ok, 3), -1, "a blank in a value, or a quote alone, can be passed");
		tap_eq_i64(t, modparam_find_unsafe(q, 1), 0, "a blank and a double quote cannot");
		tap_eq_i64(t, modparam_find_unsafe(nm, 1), 0, "a blank in a name cannot");
		tap_eq_i64(t, modparam_find_unsafe(bname, 1), 0, "a bare name with a blank cannot");
		opts = modparam_build_options(req, 0, NULL, ok, 2);
		tap_eq_str(t, opts, "name=\"a b\" debug",
			   "an option with a blank is quoted again: the kernel reads one option, not name=a and b");
		free(opts);
	}

	tap_eq_i64(t, modparam_find_conflict(conflict, 2, req, 2), 1, "hstates=0x1 conflicts with a resolved address");
	tap_eq_i64(t, modparam_find_conflict(bare, 1, req, 2), 0, "bare 'hstates' conflicts too");
	tap_eq_i64(t, modparam_find_conflict(near, 2, req, 2), -1, "hstatesx=1 and hstate=2 do not conflict");
	tap_eq_i64(t, modparam_find_conflict(extra, 2, req, 2), -1, "debug=1 does not conflict");

	/* what the user is told when insert/remove fails */
	tap_contains(t, insert_hint(EINVAL), "dmesg | grep vmacct", "EINVAL hint points at dmesg");
	tap_contains(t, insert_hint(EPERM), "Secure Boot", "EPERM hint names Secure Boot");
	tap_contains(t, insert_hint(EKEYREJECTED), "signed", "EKEYREJECTED hint asks for a signed module");
	tap_contains(t, insert_hint(ENOEXEC), "another kernel", "ENOEXEC hint: built for another kernel");
	tap_contains(t, insert_hint(ENOSYS), "CONFIG_MODULES", "ENOSYS hint: kernel without modules");
	tap_eq_i64(t, insert_exit_code(EPERM), VM_EXIT_PERM, "EPERM on insert exits 4");
	tap_eq_i64(t, insert_exit_code(EKEYREJECTED), VM_EXIT_PERM, "EKEYREJECTED on insert exits 4");
	tap_eq_i64(t, insert_exit_code(EINVAL), VM_EXIT_FAILED, "EINVAL on insert exits 1");
	tap_contains(t, remove_hint(EAGAIN), "holds /dev/vmacct open", "EAGAIN (in use) hint on remove");
	tap_contains(t, remove_hint(EBUSY), "holds /dev/vmacct open", "EBUSY hint on remove");
	tap_eq_i64(t, remove_exit_code(EPERM), VM_EXIT_PERM, "EPERM on remove exits 4");
	tap_eq_i64(t, remove_exit_code(EAGAIN), VM_EXIT_FAILED, "EAGAIN on remove exits 1");
}
