// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: the built tool's tables end to end, through the fake device
 * and without the module: ps --cgroup, how ps says its rows are from
 * /proc, and status's -o, -r, -n, -b and -J with and without the module.  The cgroup the tests stand in is whatever this
 * host put them in (read from /proc/self/cgroup), so that the figures
 * hold on any machine: the tool, our child, is in the same one.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "run.h"
#include "tap.h"
#include "tool.h"

struct cli {
	const struct test_env *env;
	char preload[PATH_MAX + 16];	/* "LD_PRELOAD=fake-dev.so", or "" */
};

/*
 * Run the tool with args; through the fake device when fake (else as
 * this host is: without the module), with extra ("NAME=value", or NULL)
 * in its environment.  The exit status, or -1.
 */
static int run(struct cli *c, struct run_result *r, bool fake, const char *extra,
	       const char *const args[])
{
	char *argv[16], *envv[3];
	size_t i, n = 0;

	argv[0] = (char *)c->env->tool;
	for (i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	if (fake)
		envv[n++] = c->preload;
	if (extra)
		envv[n++] = (char *)extra;
	envv[n] = NULL;
	if (run_capture_env(argv, envv, r)) {
		tap_diag("cannot run %s", c->env->tool);
		r->out = r->err = NULL;
		return -1;
	}
	return r->status;
}

#define FAKE(c, r, ...) run((c), (r), true, NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define REAL(c, r, ...) run((c), (r), false, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static bool module_loaded(void)
{
	return access("/sys/module/" VMACCT_MODULE_NAME, F_OK) == 0;
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while (hay && (hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void test_cgroup_usage(struct cli *c, struct tap *t)
{
	struct run_result r;

	tap_eq_i64(t, REAL(c, &r, "ps", "--cgroup", "system.slice"), VM_EXIT_USAGE,
		   "ps --cgroup system.slice (relative) exits 2");
	tap_contains(t, r.err, "vmacct: ps: invalid cgroup 'system.slice': a cgroup v2 path from /, as CGROUP shows it (/system.slice/foo.service), without . or .. — see: vmacct ps --help",
		     "... saying what a cgroup path is");
	tap_ok(t, r.out && !*r.out, "... and nothing on stdout");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "ps", "--cgroup", "/a/../b"), VM_EXIT_USAGE,
		   "ps --cgroup /a/../b exits 2");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "ps", "--cgroup"), VM_EXIT_USAGE, "ps --cgroup without a path exits 2");
	tap_contains(t, r.err, "option '--cgroup' needs an argument", "... saying so");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "ps", "--cgroup", "x\x1b[31m"), VM_EXIT_USAGE,
		   "ps --cgroup with an escape sequence exits 2");
	tap_contains(t, r.err, "'x\\x1b[31m'", "... the path escaped in the message");
	run_free(&r);
}

/* our cgroup's parent into buf ("/" for a top-level one) */
static void parent_of(const char *cg, char *buf, size_t len)
{
	const char *slash = strrchr(cg, '/');

	snprintf(buf, len, "%.*s", slash && slash != cg ? (int)(slash - cg) : 1, cg);
}

static void test_cgroup_filter(struct cli *c, struct tap *t, const char *cg)
{
	char none[4200], parent[4200], mnt[4200], env[4300];
	struct run_result r;

	snprintf(none, sizeof(none), "%s/vmacct-no-such-cgroup", strcmp(cg, "/") ? cg : "");
	parent_of(cg, parent, sizeof(parent));

	tap_eq_i64(t, FAKE(c, &r, "ps", "--cgroup", cg, "-rn", "-o", "comm,cgroup"), VM_EXIT_OK,
		   "fake device: ps --cgroup OURS exits 0");
	tap_ok(t, r.out && strstr(r.out, "vmacct "), "... listing the tool, which is in our cgroup");
	run_free(&r);

	tap_eq_i64(t, FAKE(c, &r, "ps", "--cgroup", parent, "-rn", "-o", "comm"), VM_EXIT_OK,
		   "fake device: ps --cgroup PARENT exits 0");
	tap_ok(t, r.out && strstr(r.out, "vmacct\n"), "... listing the tool: a cgroup takes those below it");
	run_free(&r);

	tap_eq_i64(t, FAKE(c, &r, "ps", "--cgroup", none), VM_EXIT_OK,
		   "fake device: ps --cgroup of a cgroup without processes exits 0");
	tap_ok(t, r.out && !strstr(r.out, "vmacct") && !strstr(r.out, "PID"),
	       "... with no row and no heading");
	tap_contains(t, r.err, "ps: no process in cgroup ", "... saying no process is in it");
	tap_contains(t, r.err, none, "... naming it");
	run_free(&r);

	tap_eq_i64(t, FAKE(c, &r, "ps", "1", "--cgroup", none), VM_EXIT_OK,
		   "fake device: ps 1 --cgroup NONE exits 0");
	tap_ok(t, r.err && !strstr(r.err, "no process 1"),
	       "... pid 1 is left out by the filter, not said to be missing");
	run_free(&r);

	tap_eq_i64(t, FAKE(c, &r, "ps", "--by", "cgroup", "--cgroup", cg, "--json"), VM_EXIT_OK,
		   "fake device: ps --by cgroup --cgroup OURS --json exits 0");
	snprintf(mnt, sizeof(mnt), "\"cgroup\": \"%s\",", cg);
	tap_contains(t, r.out, mnt, "... our cgroup's object");
	tap_eq_u64(t, count(r.out, "\"cgroup\": "), 1,
		   "... and no other: the kernel threads of the fake device are no rows");
	run_free(&r);

	/* the path under the cgroup2 mount, as it is typed from /sys/fs/cgroup */
	snprintf(env, sizeof(env), "VMACCT_CGROUP_ROOT=/vmacct-test/cgroup2");
	snprintf(mnt, sizeof(mnt), "/vmacct-test/cgroup2%s", strcmp(cg, "/") ? cg : "/");
	tap_eq_i64(t, run(c, &r, true, env, (const char *const[]){ "ps", "--cgroup", mnt, "-rn",
								  "-o", "comm", NULL }),
		   VM_EXIT_OK, "fake device: ps --cgroup MOUNT/OURS exits 0");
	tap_ok(t, r.out && strstr(r.out, "vmacct\n"), "... the mount's path taken from the mount down");
	run_free(&r);

	if (module_loaded()) {
		tap_skip(t, "vmacct is loaded on this host", "ps --cgroup without the module");
		return;
	}
	tap_eq_i64(t, REAL(c, &r, "ps", "--cgroup", cg, "-rn", "-o", "comm"), VM_EXIT_OK,
		   "ps --cgroup OURS without the module exits 0");
	tap_ok(t, r.out && strstr(r.out, "vmacct\n"), "... listing the tool from /proc");
	run_free(&r);
}

/* Without the module: every output says it is from /proc, where it can. */
static void test_proc_labels(struct cli *c, struct tap *t)
{
	static const char label[] = "\nfrom /proc (approximate: vmacct.ko not loaded;";
	struct run_result r;

	if (module_loaded()) {
		tap_skip(t, "vmacct is loaded on this host", "ps labelled from /proc without the module");
		return;
	}
	tap_eq_i64(t, REAL(c, &r, "ps", "--json"), VM_EXIT_OK, "ps --json without the module exits 0");
	tap_starts_with(t, r.out, "[\n  {\n    \"source\": \"proc\",\n    \"pid\": ",
			"... each object begins \"source\": \"proc\"");
	tap_eq_u64(t, count(r.out, "\"source\": \"proc\""), count(r.out, "\"pid\": "),
		   "... every object");
	tap_contains(t, r.out, "\"nr_anon_private\": null,", "... the VMA kinds null, not 0");
	tap_ok(t, r.out && strstr(r.out, "\"total_vm\": ") && !strstr(r.out, "\"total_vm\": 0,"),
	       "... the mm counters from /proc/PID/status");
	check_strict_json(t, r.out, false, NULL, 0, "ps --json without the module");
	run_free(&r);

	tap_eq_i64(t, REAL(c, &r, "ps", "--by", "cgroup"), VM_EXIT_OK,
		   "ps --by cgroup without the module exits 0");
	tap_contains(t, r.out, label, "... labelled on stdout under the table");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "ps", "--by", "cgroup", "-J"), VM_EXIT_OK,
		   "ps --by cgroup -J without the module exits 0");
	tap_starts_with(t, r.out, "[\n  {\n    \"source\": \"proc\",\n    \"cgroup\": ",
			"... each cgroup begins \"source\": \"proc\"");
	run_free(&r);

	tap_eq_i64(t, REAL(c, &r, "ps", "-r"), VM_EXIT_OK, "ps -r without the module exits 0");
	tap_ok(t, r.out && !strstr(r.out, "from /proc"), "... bare rows on stdout");
	tap_contains(t, r.err, "showing what /proc gives, approximate", "... labelled on stderr");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "ps", "--by", "cgroup", "-n"), VM_EXIT_OK,
		   "ps --by cgroup -n without the module exits 0");
	tap_ok(t, r.out && !strstr(r.out, "from /proc"), "... bare rows on stdout");
	tap_contains(t, r.err, "showing what /proc gives, approximate", "... labelled on stderr");
	run_free(&r);
}

/* With the module (the fake device): no label of /proc anywhere. */
static void test_module_unlabelled(struct cli *c, struct tap *t)
{
	struct run_result r;

	tap_eq_i64(t, FAKE(c, &r, "ps", "--json"), VM_EXIT_OK, "fake device: ps --json exits 0");
	tap_ok(t, r.out && !strstr(r.out, "\"source\"") && !strstr(r.out, "null,\n    \"nr_"),
	       "... no \"source\", and the module's numbers");
	run_free(&r);
	tap_eq_i64(t, FAKE(c, &r, "ps", "--by", "cgroup"), VM_EXIT_OK,
		   "fake device: ps --by cgroup exits 0");
	tap_ok(t, r.out && !strstr(r.out, "from /proc") && !strstr(r.err, "/proc gives"),
	       "... no label of /proc");
	run_free(&r);
	tap_eq_i64(t, FAKE(c, &r, "ps", "--by", "cgroup", "--json"), VM_EXIT_OK,
		   "fake device: ps --by cgroup --json exits 0");
	tap_ok(t, r.out && !strstr(r.out, "\"source\""), "... no \"source\"");
	run_free(&r);
}

/* status -o, --list-columns, and the usage errors around them. */
static void test_status_columns(struct cli *c, struct tap *t)
{
	struct run_result r;

	tap_eq_i64(t, REAL(c, &r, "status", "--list-columns"), VM_EXIT_OK,
		   "status --list-columns exits 0 without the module");
	tap_contains(t, r.out, "         KEY  the row, for scripts", "... listing KEY");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "status", "--help"), VM_EXIT_OK, "status --help exits 0");
	tap_contains(t, r.out, "\nColumns (-o) of the commit and memory tables:\n        NAME  ",
		     "... with a columns section");
	tap_contains(t, r.out, "  -o, --output LIST  ", "... and -o");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "status", "-o", "key,nope"), VM_EXIT_USAGE, "status -o key,nope exits 2");
	tap_contains(t, r.err, "vmacct: status: unknown column 'nope' (see --list-columns) — see: vmacct status --help",
		     "... naming the column");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "status", "-o", "key", "--json"), VM_EXIT_USAGE,
		   "status -o with --json exits 2");
	tap_contains(t, r.err, "-o chooses the columns of the commit and memory tables", "... saying what -o is for");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "status", "--prometheus", "-o", "pages"), VM_EXIT_USAGE,
		   "status -o with --prometheus exits 2");
	run_free(&r);

	if (!c->preload[0])
		return;
	tap_eq_i64(t, FAKE(c, &r, "status", "-rn", "-o", "key,pages"), VM_EXIT_OK,
		   "fake device: status -rn -o key,pages exits 0");
	tap_contains(t, r.out, "\n\nlimit 1262144\ncommitted 1240000\ncommitted_read 1239500\n",
		     "... the commit table as KEY PAGES, raw");
	tap_contains(t, r.out, "\n\ntotalram 2000000\n", "... the memory table too");
	tap_contains(t, r.out, "\nall 5312 3\n", "... the decisions raw, in their own columns");
	run_free(&r);
}

/*
 * The JSON OUTPUT subsection of command cmd in the man page (the
 * fixtures are userspace/tests/fixtures), malloc'd, or NULL.
 */
static char *man_json_section(const struct test_env *env, const char *cmd)
{
	char path[PATH_MAX], head[32], *page, *sec, *end, *out;

	snprintf(path, sizeof(path), "%s/../../../Documentation/vmacct.8", env->fixtures);
	page = slurp(path);
	sec = page ? strstr(page, "\n.SH JSON OUTPUT\n") : NULL;
	snprintf(head, sizeof(head), "\n.SS %s\n", cmd);
	sec = sec ? strstr(sec, head) : NULL;
	if (!sec) {
		free(page);
		return NULL;
	}
	end = strstr(sec + strlen(head), "\n.S");
	out = strndup(sec, end ? (size_t)(end - sec) : strlen(sec));
	free(page);
	return out;
}

/* Is word in text, between blanks, quotes, commas or line ends? */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = text; p && (p = strstr(p, word)); p += n)
		if ((p == text || strchr(" \n\"(", p[-1])) && strchr(" \n\",)", p[n]))
			return true;
	return false;
}

/* Every key of a JSON output is in the command's JSON OUTPUT subsection. */
static void keys_documented(struct tap *t, const struct test_env *env,
			    const char *cmd, const char *json, const char *what)
{
	char *sec = man_json_section(env, cmd), key[64];
	const char *p, *q;
	unsigned int n = 0, missing = 0;

	if (!tap_ok(t, sec && json, "%s: the man page's JSON OUTPUT has a %s subsection", what, cmd)) {
		free(sec);
		return;
	}
	for (p = json; (p = strchr(p, '"')); p = q + 1) {
		q = strchr(p + 1, '"');
		if (!q)
			break;
		if (strncmp(q, "\": ", 3) || (size_t)(q - p) >= sizeof(key)) {
			continue;	/* a value, not a key */
		}
		snprintf(key, sizeof(key), "%.*s", (int)(q - p - 1), p + 1);
		n++;
		if (!has_word(sec, key)) {
			tap_diag("  %s: key %s is not in JSON OUTPUT's %s", what, key, cmd);
			missing++;
		}
	}
	tap_ok(t, n && !missing, "%s: each of its %u keys is documented in vmacct(8)", what, n);
	free(sec);
}

/* status without the module: -r, -n, -b, -o and -J apply to what /proc gives. */
static void test_status_proc(struct cli *c, struct tap *t)
{
	struct run_result r;

	if (module_loaded()) {
		tap_skip(t, "vmacct is loaded on this host", "status from /proc: -r -n -b -o -J");
		return;
	}
	tap_eq_i64(t, REAL(c, &r, "status"), VM_EXIT_OK, "status without the module exits 0");
	tap_contains(t, r.out, "\ncommit ", "... a commit table");
	tap_contains(t, r.out, " GiB ", "... with sizes");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "status", "-r", "-n", "-b", "-o", "key,pages,size"), VM_EXIT_OK,
		   "status -rnb -o key,pages,size without the module exits 0");
	tap_starts_with(t, r.out, "from /proc (approximate): ", "... still labelled first");
	tap_contains(t, r.out, "\n\nlimit ", "... the commit table by key, raw, without a heading");
	tap_contains(t, r.out, "\ntotalram ", "... the memory table too");
	tap_ok(t, r.out && !strstr(r.out, "\ncommit ") && !strstr(r.out, "iB\n"),
	       "... no heading, sizes in bytes");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "status", "-J"), VM_EXIT_OK, "status -J without the module exits 0");
	tap_starts_with(t, r.out, "{\n  \"source\": \"proc\",", "... the JSON from /proc");
	check_strict_json(t, r.out, false, NULL, 0, "status -J without the module");
	keys_documented(t, c->env, "status", r.out, "status --json without the module");
	run_free(&r);
	tap_eq_i64(t, REAL(c, &r, "ps", "--json"), VM_EXIT_OK, "ps --json without the module exits 0");
	keys_documented(t, c->env, "ps", r.out, "ps --json without the module");
	run_free(&r);
}

void test_tables_cli(struct tap *t, const struct test_env *env)
{
	char path[PATH_MAX], *cg;
	struct cli c = { .env = env, .preload = "" };

	if (access(env->tool, X_OK)) {
		tap_skip(t, "no tool", "ps --cgroup");
		return;
	}
	test_cgroup_usage(&c, t);
	test_proc_labels(&c, t);
	test_status_proc(&c, t);
	if (!env->fake_dev || !realpath(env->fake_dev, path)) {
		test_status_columns(&c, t);
		tap_skip(t, "no --fake-dev", "ps --cgroup through a fake /dev/vmacct");
		return;
	}
	snprintf(c.preload, sizeof(c.preload), "LD_PRELOAD=%s", path);
	test_status_columns(&c, t);
	test_module_unlabelled(&c, t);
	cg = cgroup_of_pid("/proc", getpid());
	if (!cg) {
		tap_skip(t, "no cgroup v2 path in /proc/self/cgroup", "ps --cgroup of our cgroup");
		return;
	}
	test_cgroup_filter(&c, t, cg);
	free(cg);
}
