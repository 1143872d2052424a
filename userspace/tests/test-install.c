// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: "make install-tool" (what "make install" adds to the
 * module's modules_install) under DESTDIR: the files that run the tool
 * (the modprobe.d install line, vmacct-textfile.service) name the path it
 * was installed to, for PREFIX=/usr/local as for the default /usr.  Runs
 * the top Makefile; never installs outside a temporary directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "tap.h"

/* sh -c 'exec make -s -C TOP install-tool DESTDIR=dest ARGS'; the exit status. */
static int make_install(const struct test_env *env, const char *dest,
			const char *args, char **err)
{
	char cmd[1024];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	/* not the jobserver or the flags of the make that runs these tests */
	char *envv[] = { "MAKEFLAGS=", "MAKELEVEL=", "MFLAGS=", NULL };
	struct run_result r;
	int st;

	snprintf(cmd, sizeof(cmd),
		 "exec make -s -C '%s/../../..' install-tool DESTDIR='%s' %s",
		 env->fixtures, dest, args);
	if (run_capture_env(argv, envv, &r))
		return -1;
	st = r.status;
	*err = r.err;
	r.err = NULL;
	run_free(&r);
	return st;
}

static char *read_in(const char *dest, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", dest, rel);
	return slurp(path);
}

static void check_tree(struct tap *t, const char *dest, const char *prefix)
{
	char rel[256], want[256], *text;

	snprintf(rel, sizeof(rel), "%s/sbin/vmacct", prefix);
	{
		char path[512];

		snprintf(path, sizeof(path), "%s%s", dest, rel);
		tap_ok(t, access(path, X_OK) == 0, "PREFIX=%s: the tool is %s", prefix, rel);
	}

	text = read_in(dest, "/etc/modprobe.d/vmacct.conf");
	snprintf(want, sizeof(want), "\ninstall vmacct %s/sbin/vmacct load -- $CMDLINE_OPTS\n", prefix);
	tap_contains(t, text, want, "PREFIX=%s: the modprobe.d install line runs %s", prefix, rel);
	tap_ok(t, text && !strchr(text, '@') &&
	       (!strcmp(prefix, "/usr") || !strstr(text, "/usr/sbin/vmacct")),
	       "PREFIX=%s: ... and no other path, no placeholder left", prefix);
	free(text);

	text = read_in(dest, "/etc/modules-load.d/vmacct.conf");
	tap_contains(t, text, "\nvmacct\n", "PREFIX=%s: the modules-load.d entry", prefix);
	free(text);

	snprintf(rel, sizeof(rel), "%s/lib/systemd/system/vmacct-textfile.service", prefix);
	text = read_in(dest, rel);
	snprintf(want, sizeof(want), "; if %s/sbin/vmacct status --prometheus --top \"$${VMACCT_TOP}\" > \"$$t\";",
		 prefix);
	tap_contains(t, text, want, "PREFIX=%s: vmacct-textfile.service runs %s/sbin/vmacct, its unit's $$ kept",
		     prefix, prefix);
	tap_ok(t, text && !strchr(text, '@') &&
	       (!strcmp(prefix, "/usr") || !strstr(text, "/usr/sbin/vmacct")),
	       "PREFIX=%s: ... and no other path, no placeholder left", prefix);
	free(text);
	snprintf(rel, sizeof(rel), "%s/lib/systemd/system/vmacct-textfile.timer", prefix);
	text = read_in(dest, rel);
	tap_ok(t, text != NULL, "PREFIX=%s: the timer beside it", prefix);
	free(text);
}

void test_install(struct tap *t, const struct test_env *env)
{
	char dir[] = "/tmp/vmacct-install-XXXXXX", dest[64], *err = NULL;
	char *rm[] = { "/bin/rm", "-rf", dir, NULL };
	struct run_result r;
	int st;

	if (!mkdtemp(dir)) {
		tap_ok(t, false, "a temporary directory for make install");
		return;
	}
	snprintf(dest, sizeof(dest), "%s/local", dir);
	st = make_install(env, dest, "PREFIX=/usr/local", &err);
	if (!tap_eq_i64(t, st, 0, "make install-tool DESTDIR=... PREFIX=/usr/local exits 0"))
		tap_diag("%s", err ? err : "");
	free(err);
	check_tree(t, dest, "/usr/local");

	snprintf(dest, sizeof(dest), "%s/usr", dir);
	st = make_install(env, dest, "", &err);
	tap_eq_i64(t, st, 0, "make install-tool DESTDIR=... (PREFIX /usr) exits 0");
	free(err);
	check_tree(t, dest, "/usr");

	if (!run_capture(rm, &r))
		run_free(&r);
}
