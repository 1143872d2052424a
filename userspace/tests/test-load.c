// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: "vmacct load" end to end through tests/fake-dev.so, which
 * answers libkmod's insert (never made), and stands in for uname -r,
 * /proc/modules, the lockdown file and /proc/kallsyms.  The checks come
 * in the kernel's order: no module support and lockdown before the file
 * is looked for, then the file's vermagic (fake-vmacct.ko is built for
 * "6.12.0-test") and signature, then the addresses.
 */
#include <endian.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"
#include "tap.h"
#include "tool.h"

struct load_env {
	char preload[PATH_MAX + 16];
	char log[PATH_MAX + 24];
	char logpath[PATH_MAX];
	char kallsyms[PATH_MAX + 64];
	char modprobe_d[PATH_MAX + 32];
	char dir[64];			/* a temporary directory */
	char confdir[96];		/* its modprobe.d */
};

/* The tool with fake-dev.so, its log, kallsyms-normal.txt and the extra env. */
static int run_load(const struct test_env *env, struct load_env *le,
		    struct run_result *r, const char *const extra[],
		    const char *const args[])
{
	char *argv[16], *envv[24];
	size_t i, n = 0;

	argv[0] = (char *)env->tool;
	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	envv[n++] = le->preload;
	envv[n++] = le->log;
	envv[n++] = le->kallsyms;
	envv[n++] = le->modprobe_d;
	for (i = 0; extra && extra[i] && n + 1 < sizeof(envv) / sizeof(envv[0]); i++)
		envv[n++] = (char *)extra[i];
	envv[n] = NULL;
	unlink(le->logpath);
	if (run_capture_env(argv, envv, r)) {
		tap_diag("cannot run %s", env->tool);
		return -1;
	}
	return r->status;
}

#define LOAD(r, extra, ...) \
	run_load(env, &le, (r), (extra), (const char *const[]){ __VA_ARGS__, NULL })

/* As root, the module not loaded, /proc/modules there, a kernel of release. */
#define ROOT_ENV(release, ...) \
	((const char *const[]){ "FAKE_VMACCT_UNLOADED=1", "FAKE_VMACCT_EUID=0", \
				"FAKE_VMACCT_MODULES=1", "FAKE_VMACCT_RELEASE=" release, \
				__VA_ARGS__ NULL })

/*
 * A copy of fake-vmacct.ko with a module signature appended, as
 * scripts/sign-file writes one (X.509 id, which libkmod reads without
 * parsing PKCS#7): signer, key id, signature, struct module_signature,
 * the magic.  0 or -1.
 */
static int write_signed(const char *from, const char *to)
{
	static const char magic[] = "~Module signature appended~\n";
	struct {
		uint8_t algo, hash, id_type, signer_len, key_id_len, pad[3];
		uint32_t sig_len;	/* big endian */
	} __attribute__((packed)) sig = { 1, 4, 1, 4, 4, { 0, 0, 0 }, 0 };
	char body[16] = "testKEY1sigbytes";
	size_t len, n;
	char *ko;
	FILE *f;
	int ret = 0;

	ko = slurp(from);
	f = fopen(from, "rbe");
	if (!ko || !f) {
		free(ko);
		if (f)
			fclose(f);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	fclose(f);
	sig.sig_len = htobe32(8);
	f = fopen(to, "wbe");
	if (!f) {
		free(ko);
		return -1;
	}
	n = fwrite(ko, 1, len, f) + fwrite(body, 1, sizeof(body), f) +
	    fwrite(&sig, 1, sizeof(sig), f) + fwrite(magic, 1, sizeof(magic) - 1, f);
	if (n != len + sizeof(body) + sizeof(sig) + sizeof(magic) - 1)
		ret = -1;
	if (fclose(f))
		ret = -1;
	free(ko);
	return ret;
}

static void test_vermagic(struct tap *t, const struct test_env *env, struct load_env *le_)
{
	struct load_env le = *le_;
	struct run_result r;
	char *log;

	tap_eq_i64(t, LOAD(&r, ((const char *const[]){ "FAKE_VMACCT_RELEASE=6.1.0-other", NULL }),
			   "load", "--ko", env->fake_ko, "--dry-run"),
		   VM_EXIT_FAILED, "load --dry-run of a module built for another kernel exits 1");
	tap_contains(t, r.err, "vmacct: load: ", "... a load error");
	tap_contains(t, r.err, "was built for kernel 6.12.0-test, not the running kernel 6.1.0-other",
		     "... naming the kernel it was built for and the running one");
	tap_contains(t, r.err, "make && sudo make install", "... the rebuild from the source tree");
	tap_contains(t, r.err, "sudo dkms autoinstall", "... and with DKMS");
	tap_ok(t, r.out && !*r.out, "... and prints no option string");
	run_free(&r);

	tap_eq_i64(t, LOAD(&r, ROOT_ENV("6.12.0-test-rt",), "load", "--ko", env->fake_ko),
		   VM_EXIT_FAILED, "load (inserting) of a module for 6.12.0-test on 6.12.0-test-rt exits 1: the release whole, not a prefix");
	tap_contains(t, r.err, "not the running kernel 6.12.0-test-rt", "... said before inserting");
	log = slurp(le.logpath);
	tap_ok(t, !log || !strstr(log, "INSERT"), "... and nothing is inserted");
	free(log);
	run_free(&r);

	tap_eq_i64(t, LOAD(&r, ROOT_ENV("6.12.0-test",), "load", "--ko", env->fake_ko),
		   VM_EXIT_OK, "load of a module built for the running kernel exits 0");
	tap_contains(t, r.out, "loaded vmacct from ", "... saying it loaded it");
	log = slurp(le.logpath);
	tap_contains(t, log, "INSERT flags=0 vm_committed_as=0xffffffff82a01000 ",
		     "... inserted with the addresses of (the fake) /proc/kallsyms");
	free(log);
	run_free(&r);

	/* a test's table is no running kernel's: the dry run does not compare */
	tap_eq_i64(t, LOAD(&r, ((const char *const[]){ "FAKE_VMACCT_RELEASE=6.1.0-other", NULL }),
			   "load", "--ko", env->fake_ko, "-n", "-s", le.kallsyms + strlen("FAKE_VMACCT_KALLSYMS=")),
		   VM_EXIT_OK, "load --dry-run --kallsyms FILE does not compare the vermagic with uname -r");
	run_free(&r);
}

static void test_kernel_first(struct tap *t, const struct test_env *env, struct load_env *le_)
{
	struct load_env le = *le_;
	char lockfile[128], lockenv[160], signed_ko[128];
	struct run_result r;
	char *log;

	tap_eq_i64(t, LOAD(&r, ((const char *const[]){ "FAKE_VMACCT_UNLOADED=1", "FAKE_VMACCT_EUID=1000",
							"FAKE_VMACCT_MODULES=0", NULL }),
			   "load", "--ko", "/nonexistent/vmacct.ko"),
		   VM_EXIT_FAILED, "load on a kernel without module support exits 1");
	tap_starts_with(t, r.err, "vmacct: load: this kernel cannot load modules (no /proc/modules",
			"... the first message names it: before root, before the file");
	tap_ok(t, r.err && !strstr(r.err, "/nonexistent") && !strstr(r.err, "need root"),
	       "... and neither the missing file nor root is mentioned");
	run_free(&r);

	snprintf(lockfile, sizeof(lockfile), "%s/lockdown", le.dir);
	snprintf(lockenv, sizeof(lockenv), "FAKE_VMACCT_LOCKDOWN=%s", lockfile);
	test_put_file(le.dir, "lockdown", "none [integrity] confidentiality\n");
	tap_eq_i64(t, LOAD(&r, ROOT_ENV("6.12.0-test", lockenv,), "load", "--ko", "/nonexistent/vmacct.ko"),
		   VM_EXIT_PERM, "load in lockdown without a module file exits 4");
	tap_starts_with(t, r.err, "vmacct: load: the kernel is in lockdown ([integrity] confidentiality): it loads only signed modules",
			"... the first message names lockdown");
	tap_contains(t, r.err, "\nvmacct: /nonexistent/vmacct.ko: No such file or directory",
		     "... then the missing file");
	run_free(&r);

	tap_eq_i64(t, LOAD(&r, ROOT_ENV("6.12.0-test", lockenv,), "load", "--ko", env->fake_ko),
		   VM_EXIT_PERM, "load of an unsigned module in lockdown exits 4");
	tap_contains(t, r.err, "this vmacct.ko is not signed; sign vmacct.ko with a key it trusts (mokutil --import)",
		     "... saying it is not signed, and how to sign");
	log = slurp(le.logpath);
	tap_ok(t, !log || !strstr(log, "INSERT"), "... and nothing is inserted");
	free(log);
	run_free(&r);

	snprintf(signed_ko, sizeof(signed_ko), "%s/signed.ko", le.dir);
	if (write_signed(env->fake_ko, signed_ko)) {
		tap_ok(t, false, "a signed copy of the fake module is written");
	} else {
		tap_eq_i64(t, LOAD(&r, ROOT_ENV("6.12.0-test", lockenv,), "load", "--ko", signed_ko),
			   VM_EXIT_OK, "load of a signed module in lockdown goes on (the kernel checks the signature)");
		log = slurp(le.logpath);
		tap_contains(t, log, "INSERT flags=0 vm_committed_as=", "... to the insert");
		free(log);
		run_free(&r);
		unlink(signed_ko);
	}

	/* status names the same obstacles, in the same order */
	tap_eq_i64(t, LOAD(&r, ((const char *const[]){ "FAKE_VMACCT_UNLOADED=1", "FAKE_VMACCT_MODULES=0",
							lockenv, NULL }), "status"),
		   VM_EXIT_OK, "status without the module, on a kernel without module support, exits 0");
	tap_starts_with(t, r.out, "from /proc (approximate): module vmacct is not loaded: this kernel cannot load modules",
			"... naming no module support first, before lockdown");
	run_free(&r);
	tap_eq_i64(t, LOAD(&r, ((const char *const[]){ "FAKE_VMACCT_UNLOADED=1", "FAKE_VMACCT_MODULES=1",
							lockenv, "FAKE_VMACCT_RELEASE=6.12.0-none", NULL }),
			   "ps", "--user", "0", "-o", "pid"),
		   VM_EXIT_OK, "ps without the module in lockdown exits 0");
	tap_contains(t, r.err, "module vmacct is not loaded: the kernel is in lockdown ([integrity] confidentiality)",
		     "... naming lockdown");
	run_free(&r);
	unlink(lockfile);
}

/* The INSERT line of the fake device's log, malloc'd, or NULL. */
static char *insert_line(const struct load_env *le)
{
	char *log = slurp(le->logpath), *p, *line = NULL;

	p = log ? strstr(log, "INSERT ") : NULL;
	if (p)
		line = strndup(p, strcspn(p, "\n"));
	free(log);
	return line;
}

/*
 * modprobe.d's install line as shipped (its template, whose @SBINDIR@
 * make install fills in), running this tool on the fake module:
 * "install vmacct TOOL load --ko FAKE -- $CMDLINE_OPTS".  0 or -1.
 */
static int write_install_line(const struct test_env *env, const char *conf,
			      const char *options)
{
	char tmpl[1024], *text, *line, *at;
	const char *from = "@SBINDIR@/vmacct load";
	FILE *f;

	snprintf(tmpl, sizeof(tmpl), "%s/../../vmacct-modprobe.conf.in", env->fixtures);
	text = slurp(tmpl);
	line = text ? strstr(text, "\ninstall vmacct ") : NULL;
	at = line ? strstr(line, from) : NULL;
	f = at ? fopen(conf, "we") : NULL;
	if (!f) {
		free(text);
		return -1;
	}
	line[strcspn(line + 1, "\n") + 1] = '\0';
	*at = '\0';
	fprintf(f, "%s%s load --ko %s%s\n%s\n", line + 1, env->tool, env->fake_ko,
		at + strlen(from), options);
	free(text);
	return fclose(f) ? -1 : 0;
}

static const char *find_modprobe(void)
{
	static const char *const where[] = { "/usr/sbin/modprobe", "/sbin/modprobe",
					     "/usr/bin/modprobe", "/bin/modprobe" };
	size_t i;

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		if (!access(where[i], X_OK))
			return where[i];
	return NULL;
}

/*
 * "options vmacct" with an address in modprobe.d: "vmacct load" run
 * directly drops it with a warning, and so does the install line of
 * "modprobe vmacct", which passes it again as an option after "--".
 */
static void test_modprobe_paths(struct tap *t, const struct test_env *env, struct load_env *le_)
{
	static const char options[] = "options vmacct hstates=0x1 stats=1 name=\"a b\"";
	struct load_env le = *le_;
	const char *ks = le.kallsyms + strlen("FAKE_VMACCT_KALLSYMS=");
	char conf[128], root[96], *direct = NULL, *via = NULL;
	const char *modprobe = find_modprobe();
	struct run_result r;
	int st;

	snprintf(conf, sizeof(conf), "%s/vmacct.conf", le.confdir);
	if (write_install_line(env, conf, options)) {
		tap_ok(t, false, "modprobe.d with the shipped install line, on the fake module");
		return;
	}
	tap_eq_i64(t, LOAD(&r, NULL, "load", "--ko", env->fake_ko, "-n", "-s", ks), VM_EXIT_OK,
		   "modprobe.d sets an address: load run directly exits 0");
	tap_contains(t, r.err, "'options vmacct hstates=0x1' ignored", "... saying it ignores it");
	tap_contains(t, r.out, "hugetlb_max_hstate=0xffffffff82a02800 stats=1 name=\"a b\"\n",
		     "... and applies the rest");
	direct = r.out ? strdup(r.out) : NULL;
	run_free(&r);

	tap_eq_i64(t, LOAD(&r, NULL, "load", "--ko", env->fake_ko, "-n", "-s", ks,
			   "--", "hstates=0x1", "stats=1", "name=a b"), VM_EXIT_OK,
		   "... and as the install line passes it (after --, quotes gone): exits 0 too, no usage error");
	tap_contains(t, r.err, "'options vmacct hstates=0x1' ignored", "... saying the same");
	tap_ok(t, direct && r.out && !strcmp(direct, r.out), "... with the same option string");
	run_free(&r);
	free(direct);

	tap_eq_i64(t, LOAD(&r, NULL, "load", "--ko", env->fake_ko, "-n", "-s", ks,
			   "--", "hstates=0x1", "stats=1", "name=a b", "hstates=0x1"), VM_EXIT_USAGE,
		   "an address given once more than modprobe.d holds (modprobe's own command line) is a usage error");
	run_free(&r);
	tap_eq_i64(t, LOAD(&r, NULL, "load", "--ko", env->fake_ko, "-n", "-s", ks, "--", "hstates=0x2"),
		   VM_EXIT_USAGE, "an address modprobe.d does not hold is a usage error");
	run_free(&r);

	/* the real modprobe, through the shipped install line, against load run directly */
	/* modprobe's own libkmod calls are not all the fake's: a loaded vmacct stops it */
	if (!modprobe || !access("/sys/module/vmacct", F_OK)) {
		tap_skip(t, modprobe ? "vmacct is loaded on this host" : "no modprobe",
			 "modprobe vmacct inserts what vmacct load inserts");
		unlink(conf);
		return;
	}
	snprintf(root, sizeof(root), "%s/root", le.dir);
	mkdir(root, 0700);
	st = LOAD(&r, ROOT_ENV("6.12.0-test",), "load", "--ko", env->fake_ko);
	direct = insert_line(&le);
	run_free(&r);
	tap_ok(t, st == VM_EXIT_OK && direct && strstr(direct, " stats=1 name=\"a b\" -> 0"),
	       "vmacct load inserts the addresses and modprobe.d's other options");
	{
		char *argv[] = { (char *)modprobe, "-C", le.confdir, "-d", root, "vmacct", NULL };
		const char *const extra[] = { "FAKE_VMACCT_UNLOADED=1", "FAKE_VMACCT_EUID=0",
					      "FAKE_VMACCT_MODULES=1", "FAKE_VMACCT_RELEASE=6.12.0-test",
					      le.preload, le.log, le.kallsyms, le.modprobe_d, NULL };

		unlink(le.logpath);
		st = run_capture_env(argv, (char *const *)extra, &r) ? -1 : r.status;
	}
	via = insert_line(&le);
	tap_eq_i64(t, st, 0, "modprobe vmacct through the install line exits 0");
	tap_contains(t, r.err, "'options vmacct hstates=0x1' ignored", "... warning as vmacct load does");
	tap_ok(t, direct && via && !strcmp(direct, via), "... and inserts the same options");
	if (!(direct && via && !strcmp(direct, via)))
		tap_diag("direct '%s', modprobe '%s'", direct ? direct : "", via ? via : "");
	run_free(&r);
	free(direct);
	free(via);
	unlink(conf);
	rmdir(root);
}

void test_load_checks(struct tap *t, const struct test_env *env)
{
	struct load_env le;
	char path[PATH_MAX], ks[PATH_MAX];

	if (!env->fake_dev || !realpath(env->fake_dev, path) ||
	    !realpath(env->fixtures, ks)) {
		tap_skip(t, "no --fake-dev", "vmacct load end to end through a fake libkmod insert");
		return;
	}
	snprintf(le.preload, sizeof(le.preload), "LD_PRELOAD=%s", path);
	snprintf(le.kallsyms, sizeof(le.kallsyms), "FAKE_VMACCT_KALLSYMS=%s/kallsyms-normal.txt", ks);
	snprintf(le.dir, sizeof(le.dir), "/tmp/vmacct-load-test-XXXXXX");
	if (!mkdtemp(le.dir)) {
		tap_ok(t, false, "temporary directory for the load tests");
		return;
	}
	/* not this host's modprobe.d: an empty one */
	snprintf(le.confdir, sizeof(le.confdir), "%s/modprobe.d", le.dir);
	mkdir(le.confdir, 0700);
	snprintf(le.modprobe_d, sizeof(le.modprobe_d), "VMACCT_MODPROBE_D=%s", le.confdir);
	snprintf(le.logpath, sizeof(le.logpath), "%s/fake.log", le.dir);
	snprintf(le.log, sizeof(le.log), "FAKE_VMACCT_LOG=%s", le.logpath);

	test_vermagic(t, env, &le);
	test_kernel_first(t, env, &le);
	test_modprobe_paths(t, env, &le);
	unlink(le.logpath);
	rmdir(le.confdir);
	rmdir(le.dir);
}
