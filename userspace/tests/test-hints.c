// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: every "make ..." a hint of the built tool names is a
 * command that works in the source tree: no -C into a directory without
 * a Makefile (there is only the top one for people), and every target a
 * target of the top Makefile.  The hints are read from the binary itself,
 * so a message added anywhere is covered.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hints.h"
#include "modparam.h"
#include "tap.h"
#include "tool.h"

/* Is target a rule of the Makefile text mk ("name:" or "a name b:" at a line start)? */
static bool make_has_target(const char *mk, const char *target)
{
	const char *line, *colon, *p;
	size_t tl = strlen(target);

	for (line = mk; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (!isalnum((unsigned char)*line) && *line != '.' && *line != '_')
			continue;
		colon = strchr(line, ':');
		if (!colon || colon[1] == '=' || memchr(line, '\n', (size_t)(colon - line)) ||
		    memchr(line, '=', (size_t)(colon - line)))
			continue;
		for (p = line; p < colon; ) {
			size_t wl = strcspn(p, " \t:");

			if (wl == tl && !memcmp(p, target, tl))
				return true;
			p += wl;
			p += strspn(p, " \t");
		}
	}
	return false;
}

struct make_scan {
	size_t commands;	/* "make" commands found */
	size_t bad;		/* tokens that fail */
	bool saw_install, saw_dkms_install;
};

/* The words after a "make" at s, up to the end of the command. */
static void check_make_args(struct tap *t, const char *mk, const char *s,
			    const char *text, struct make_scan *sc)
{
	char tok[64];
	size_t n;
	bool end = false;

	sc->commands++;
	while (!end) {
		s += strspn(s, " ");
		n = strcspn(s, " ");
		if (!n || n >= sizeof(tok))
			break;
		memcpy(tok, s, n);
		tok[n] = '\0';
		s += n;
		if (!strcmp(tok, "&&") || !strcmp(tok, "||") || !strcmp(tok, "or"))
			break;
		/* a word that ends the sentence ends the command */
		while (n && strchr("),;`.'\"", tok[n - 1])) {
			tok[--n] = '\0';
			end = true;
		}
		if (!n)
			break;
		if (tok[0] == '-') {
			if (!strcmp(tok, "-C") || !strncmp(tok, "-C", 2)) {
				tap_ok(t, false, "hint names 'make %s': hints run make in the source tree's top directory (in \"%.120s\")",
				       tok, text);
				sc->bad++;
				if (!strcmp(tok, "-C")) {	/* and its directory */
					s += strspn(s, " ");
					s += strcspn(s, " ");
				}
			}
			continue;
		}
		if (strchr(tok, '='))
			continue;
		if (!make_has_target(mk, tok)) {
			tap_ok(t, false, "hint names 'make %s', a target the top Makefile does not have (in \"%.120s\")",
			       tok, text);
			sc->bad++;
		}
		sc->saw_install |= !strcmp(tok, "install");
		sc->saw_dkms_install |= !strcmp(tok, "dkms-install");
	}
}

/*
 * A "make" that is a command, not the English verb: at the start, or
 * after "(", "`", ": ", "; ", "&& " or "sudo ".
 */
static bool is_make_command(const char *text, const char *at)
{
	static const char *const before[] = { "(", "`", ": ", "; ", "&& ", "sudo " };
	size_t i, bl;

	if ((at > text && (isalnum((unsigned char)at[-1]) || at[-1] == '_')) ||
	    isalnum((unsigned char)at[4]) || at[4] == '_' || at[4] == '-')
		return false;
	if (at == text)
		return true;
	for (i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		bl = strlen(before[i]);
		if ((size_t)(at - text) >= bl && !memcmp(at - bl, before[i], bl))
			return true;
	}
	return false;
}

/* Every printable run of the binary is a string the tool may print. */
static void scan_binary(struct tap *t, const char *mk, const char *bin,
			size_t len, struct make_scan *sc)
{
	size_t i = 0, start;
	char *text;
	const char *at;

	while (i < len) {
		start = i;
		while (i < len && ((unsigned char)bin[i] >= 0x20 || bin[i] == '\t'))
			i++;
		if (i - start >= 8) {
			text = strndup(bin + start, i - start);
			for (at = text; text && (at = strstr(at, "make")); at += 4)
				if (is_make_command(text, at))
					check_make_args(t, mk, at + 4, text, sc);
			free(text);
		}
		i++;
	}
}

static void test_vermagic(struct tap *t)
{
	tap_ok(t, vermagic_matches("6.1.0-57-amd64 SMP preempt mod_unload modversions ", "6.1.0-57-amd64"),
	       "vermagic: the first word is the release");
	tap_ok(t, vermagic_matches("6.12.0\tSMP", "6.12.0"), "vermagic: a tab ends the word too");
	tap_ok(t, !vermagic_matches("6.1.0-57-amd64-rt SMP", "6.1.0-57-amd64"),
	       "vermagic: a longer release is another kernel");
	tap_ok(t, !vermagic_matches("6.1.0 SMP", "6.1.0-57-amd64"),
	       "vermagic: a prefix of the release is another kernel");
	tap_ok(t, !vermagic_matches("SMP 6.1.0", "6.1.0"), "vermagic: only the first word counts");
	tap_ok(t, !vermagic_matches(NULL, "6.1.0") && !vermagic_matches("", "6.1.0") &&
	       !vermagic_matches("   ", "6.1.0") && !vermagic_matches("6.1.0", NULL),
	       "vermagic: none, empty or blank never matches");
}

static void test_modinfo_facts(struct tap *t)
{
	static const struct modinfo_kv plain[] = {
		{ "name", "vmacct" }, { "vermagic", "6.1.0 SMP" }, { "vermagic", "7.0 SMP" },
		{ NULL, "x" }, { "signer", NULL },
	};
	static const struct modinfo_kv sig[] = {
		{ "sig_id", "PKCS#7" }, { "signer", "" }, { "vermagic", "6.12.0 SMP" },
	};
	const char *vm = "x";
	bool sg = true;

	modinfo_facts(plain, sizeof(plain) / sizeof(plain[0]), &vm, &sg);
	tap_ok(t, vm && !strcmp(vm, "6.1.0 SMP") && !sg,
	       "modinfo: the first vermagic; no signature entry, not signed");
	modinfo_facts(sig, sizeof(sig) / sizeof(sig[0]), &vm, &sg);
	tap_ok(t, vm && !strcmp(vm, "6.12.0 SMP") && sg, "modinfo: sig_id means signed");
	modinfo_facts(sig, 0, &vm, &sg);
	tap_ok(t, !vm && !sg, "modinfo: nothing, no vermagic");
}

static void test_obstacles(struct tap *t)
{
	struct load_facts f = {
		.have_modules = true, .lockdown = "none [integrity] confidentiality\n",
		.release = "6.1.0-57-amd64", .path = "/lib/modules/x/vmacct.ko",
		.vermagic = "6.12.0-test SMP", .is_signed = false,
	};
	char buf[512];

	f.have_modules = false;
	tap_eq_i64(t, load_obstacle(&f), LOAD_NO_MODULES, "obstacle: no module support comes first");
	load_obstacle_text(&f, buf, sizeof(buf));
	tap_contains(t, buf, "cannot load modules (no /proc/modules", "... and says so");
	tap_eq_i64(t, load_obstacle_exit_code(LOAD_NO_MODULES), VM_EXIT_FAILED, "... exit 1");

	f.have_modules = true;
	tap_eq_i64(t, load_obstacle(&f), LOAD_VERMAGIC, "obstacle: then a file for another kernel, before lockdown");
	load_obstacle_text(&f, buf, sizeof(buf));
	tap_contains(t, buf, "/lib/modules/x/vmacct.ko was built for kernel 6.12.0-test, not the running kernel 6.1.0-57-amd64",
		     "... naming the file, its kernel and the running one");
	tap_contains(t, buf, "(in the source tree: make && sudo make install; with DKMS: sudo dkms autoinstall)",
		     "... and the commands that rebuild it");
	tap_eq_i64(t, load_obstacle_exit_code(LOAD_VERMAGIC), VM_EXIT_FAILED, "... exit 1");
	f.has_crcs = true;
	tap_eq_i64(t, load_obstacle(&f), LOAD_LOCKDOWN,
		   "obstacle: another release with symbol versions is the kernel's to judge (same_magic())");
	f.vermagic = NULL;
	tap_eq_i64(t, load_obstacle(&f), LOAD_VERMAGIC, "obstacle: no vermagic, with symbol versions or not");
	f.has_crcs = false;
	load_obstacle_text(&f, buf, sizeof(buf));
	tap_contains(t, buf, "has no vermagic", "obstacle: a file without vermagic");
	f.vermagic = "\x1b]0;pwned\a\xff SMP";
	load_obstacle_text(&f, buf, sizeof(buf));
	tap_ok(t, !strchr(buf, '\x1b') && !strchr(buf, '\a') && strstr(buf, "built for kernel \\x1b]0;pwned\\x07\\xff,"),
	       "obstacle: a hostile vermagic is escaped");

	f.vermagic = "6.1.0-57-amd64 SMP preempt";
	tap_eq_i64(t, load_obstacle(&f), LOAD_LOCKDOWN, "obstacle: lockdown and an unsigned file");
	load_obstacle_text(&f, buf, sizeof(buf));
	tap_contains(t, buf, "lockdown ([integrity] confidentiality): it loads only signed modules, and this vmacct.ko is not signed",
		     "... its mode named, the file unsigned");
	tap_eq_i64(t, load_obstacle_exit_code(LOAD_LOCKDOWN), VM_EXIT_PERM, "... exit 4, as the kernel's EPERM");
	f.is_signed = true;
	tap_eq_i64(t, load_obstacle(&f), LOAD_OK, "obstacle: lockdown and a signed file: none (the kernel checks the key)");
	f.path = NULL;
	tap_eq_i64(t, load_obstacle(&f), LOAD_LOCKDOWN, "obstacle: lockdown and no file");
	load_obstacle_text(&f, buf, sizeof(buf));
	tap_contains(t, buf, "and no vmacct.ko is installed", "... saying there is none");
	f.lockdown = "[none] integrity confidentiality\n";
	tap_eq_i64(t, load_obstacle(&f), LOAD_NOT_INSTALLED, "obstacle: no lockdown, no file");
	f.release = "6.12.117";
	load_obstacle_text(&f, buf, sizeof(buf));
	tap_contains(t, buf, "not installed for the running kernel 6.12.117", "... for this kernel");
	tap_contains(t, buf, "make && sudo make install", "... naming make install, a command that exists");
	f.lockdown = NULL;
	f.path = "/x/vmacct.ko";
	f.vermagic = "6.12.117 SMP";
	tap_eq_i64(t, load_obstacle(&f), LOAD_OK, "obstacle: installed for this kernel, only not loaded");
	load_obstacle_text(&f, buf, sizeof(buf));
	tap_eq_str(t, buf, "try: vmacct load", "... try: vmacct load");
	tap_ok(t, !lockdown_active("[none] integrity") && !lockdown_active("") &&
	       !lockdown_active(NULL) && lockdown_active("none integrity [confidentiality]"),
	       "lockdown: active when the bracketed mode is not none");
}

void test_hints(struct tap *t, const struct test_env *env)
{
	struct make_scan sc = { 0, 0, false, false };
	char path[1024];
	size_t blen, mlen;
	char *bin, *mk;

	test_vermagic(t);
	test_modinfo_facts(t);
	test_obstacles(t);

	snprintf(path, sizeof(path), "%s/../../../Makefile", env->fixtures);
	mk = slurp_len(path, &mlen);
	bin = slurp_len(env->tool, &blen);
	if (!tap_ok(t, mk && bin, "the top Makefile (%s) and the tool are readable", path)) {
		free(mk);
		free(bin);
		return;
	}
	tap_ok(t, make_has_target(mk, "install") && make_has_target(mk, "dkms-install") &&
	       make_has_target(mk, "all") && !make_has_target(mk, "KVER") &&
	       !make_has_target(mk, "no-such-target"),
	       "the Makefile's targets are read: install, dkms-install, all; not a variable");
	scan_binary(t, mk, bin, blen, &sc);
	tap_ok(t, sc.commands >= 3 && sc.saw_install && sc.saw_dkms_install,
	       "the tool's hints name make %zu times, make install and make dkms-install among them",
	       sc.commands);
	tap_ok(t, !sc.bad, "every make command a hint names is a target of the top Makefile, run there");
	tap_ok(t, !memmem(bin, blen, "make -C module", 14),
	       "no hint says 'make -C module' (module/ has no Makefile)");
	free(mk);
	free(bin);
}
