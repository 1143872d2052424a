// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: the examples of README.md and vmacct(8) are the current
 * command line.  "vmacct repro NAME" without --yes only prints what it
 * would change and exits 2, so every example that names a reproduction
 * carries --yes.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

/*
 * The text with the page's escapes taken out, as groff renders it: "\-"
 * is "-", font changes (\fB, \fI, \fP, \fR) are nothing.  malloc'd.
 */
static char *plain(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	while (*s) {
		if (s[0] == '\\' && s[1] == '-') {
			*o++ = '-';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'f' && s[2]) {
			s += 3;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

struct repro_scan {
	size_t examples;	/* "vmacct repro NAME ..." found */
	size_t bad;
};

/*
 * Each "vmacct repro" of text: the command runs to the end of its line,
 * a backtick, a pipe or a closing parenthesis.  A NAME after it (a word
 * not starting with "-") needs --yes among the command's words; each
 * that lacks it is a failure of t (counted only, with t NULL).
 */
static void scan_repro(struct tap *t, const char *what, const char *text,
		       struct repro_scan *sc)
{
	const char *p = text, *end, *name;
	char cmd[200];
	size_t n;

	while ((p = strstr(p, "vmacct repro "))) {
		end = p + strcspn(p, "\n`|)");
		n = (size_t)(end - p) < sizeof(cmd) - 1 ? (size_t)(end - p) : sizeof(cmd) - 1;
		memcpy(cmd, p, n);
		cmd[n] = '\0';
		p = end;
		name = cmd + strlen("vmacct repro ");
		name += strspn(name, " ");
		if (!*name || *name == '-' || !isalpha((unsigned char)*name))
			continue;
		sc->examples++;
		if (!strstr(cmd, " --yes") && !strstr(cmd, " -y")) {
			if (t)
				tap_ok(t, false, "%s: '%s' has no --yes: it would print what it would change and exit 2",
				       what, cmd);
			sc->bad++;
		}
	}
}

static void check_file(struct tap *t, const struct test_env *env,
		       const char *rel, bool roff, size_t min)
{
	struct repro_scan sc = { 0, 0 };
	char path[1024], *text, *flat;

	snprintf(path, sizeof(path), "%s/../../../%s", env->fixtures, rel);
	text = slurp(path);
	if (!tap_ok(t, text != NULL, "%s is readable", rel))
		return;
	flat = roff ? plain(text) : text;
	scan_repro(t, rel, flat ? flat : "", &sc);
	tap_ok(t, sc.examples >= min && !sc.bad,
	       "%s: every 'vmacct repro NAME' example (%zu) carries --yes", rel, sc.examples);
	if (flat != text)
		free(flat);
	free(text);
}

void test_docs(struct tap *t, const struct test_env *env)
{
	struct repro_scan sc = { 0, 0 };

	/* the scanner itself: what is an example, what lacks --yes */
	scan_repro(NULL, "scanner", "`vmacct repro --restore` `vmacct repro NAME --yes [--json]`\n"
		   "run vmacct repro all -y | tail\n", &sc);
	tap_ok(t, sc.examples == 2 && !sc.bad, "docs scanner: --restore is no NAME; --yes and -y count");
	{
		char *p = plain(".B vmacct repro map\\-files \\-\\-yes\n\\fBvmacct repro fork\\fP\n");
		struct repro_scan sc2 = { 0, 0 };

		scan_repro(NULL, "scanner", p ? p : "", &sc2);
		tap_ok(t, sc2.examples == 2 && sc2.bad == 1,
		       "docs scanner: roff escapes taken out; 'vmacct repro fork' alone is found");
		free(p);
	}

	/* README: the five incidents, all, the reference table; the page: EXAMPLES */
	check_file(t, env, "README.md", false, 7);
	check_file(t, env, "Documentation/vmacct.8", true, 6);
}
