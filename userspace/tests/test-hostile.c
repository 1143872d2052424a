// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: hostile process names through every real output (issue
 * 14, item 6) -- the ps table and JSON, the Prometheus metrics, trace
 * lines and JSON lines, check and fork-check -- and then the built tool
 * itself, run through a link whose name is hostile, so that the kernel
 * gives the tool that name (comm) and the whole path, /proc included,
 * is taken.
 *
 * Judges this tool does not write: the text has no control character
 * but newline and is valid UTF-8 (glibc's own decoder, C.UTF-8); JSON is
 * read by Python's strict parser, which must also find each name as
 * Unicode's replacement decoding of its bytes; Prometheus text goes to
 * promtool check metrics.  The last two are skipped when not installed.
 */
#include <limits.h>
#include <stdbool.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "check.h"
#include "forkcheck.h"
#include "procfs.h"
#include "ps-proc.h"
#include "prom.h"
#include "ps.h"
#include "ps-table.h"
#include "run.h"
#include "tap.h"
#include "tool.h"
#include "trace.h"

#define PYTHON		"/usr/bin/python3"

/* At most 15 bytes each: what a kernel comm holds. */
static const char *const names[] = {
	"a\xff" "b",
	"\x1b[31mred\x1b[0m",
	"tab\there",
	"nl\nline",
	"q\"uote",
	"back\\slash",
	"abcdefghijkl\xf0\x9f\x98",	/* U+1F600 cut at 15 bytes */
	"",
	"\xc2\x9b" "31m\xe2\x80\xae" "exe",	/* CSI, right-to-left override */
};

#define N_NAMES (sizeof(names) / sizeof(names[0]))

/*
 * Reads every JSON value in the file (JSON lines, or values one after
 * another), strictly UTF-8, and fails unless each name given in hex is
 * the "comm" of some object, decoded with U+FFFD replacement.  With
 * --lines first, each line must be one object, and the last line end.
 */
static const char py_check[] =
	"import json, sys\n"
	"text = open(sys.argv[1], 'rb').read().decode('utf-8')\n"
	"dec, i, comms = json.JSONDecoder(), 0, set()\n"
	"lines = sys.argv[2:3] == ['--lines']\n"
	"hexes = sys.argv[3:] if lines else sys.argv[2:]\n"
	"def walk(v):\n"
	"    if isinstance(v, dict):\n"
	"        for k, x in v.items():\n"
	"            if k == 'comm' and isinstance(x, str):\n"
	"                comms.add(x)\n"
	"            walk(x)\n"
	"    elif isinstance(v, list):\n"
	"        for x in v:\n"
	"            walk(x)\n"
	"if lines and not text.endswith('\\n'):\n"
	"    sys.exit('no newline at the end')\n"
	"for n, line in enumerate(text[:-1].split('\\n') if lines else [], 1):\n"
	"    try:\n"
	"        v = dec.decode(line)\n"
	"    except ValueError as e:\n"
	"        sys.exit('line %d: %s' % (n, e))\n"
	"    if not isinstance(v, dict):\n"
	"        sys.exit('line %d: not an object' % n)\n"
	"    walk(v)\n"
	"while not lines:\n"
	"    while i < len(text) and text[i] in ' \\t\\r\\n':\n"
	"        i += 1\n"
	"    if i == len(text):\n"
	"        break\n"
	"    v, i = dec.raw_decode(text, i)\n"
	"    walk(v)\n"
	"miss = [h for h in hexes\n"
	"        if bytes.fromhex(h).decode('utf-8', 'replace') not in comms]\n"
	"if miss:\n"
	"    sys.exit('names not found: ' + ' '.join(miss))\n";

/* NULL when s is safe for a terminal, else what is wrong. */
static const char *unsafe_text(const char *s)
{
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	const char *why = NULL;
	mbstate_t st;
	locale_t old;
	wchar_t wc;
	size_t n;

	if (!s)
		return "no output";
	if (!utf8)
		return "no C.UTF-8 locale to decode with";
	old = uselocale(utf8);
	memset(&st, 0, sizeof(st));
	while (*s && !why) {
		n = mbrtowc(&wc, s, strlen(s), &st);
		if (n == (size_t)-1 || n == (size_t)-2)
			why = "not UTF-8";
		else if ((wc < 0x20 && wc != '\n') || (wc >= 0x7f && wc <= 0x9f))
			why = "a control character";
		else
			s += n;
	}
	uselocale(old);
	freelocale(utf8);
	return why;
}

void check_safe_text(struct tap *t, const char *out, const char *what)
{
	const char *why = unsafe_text(out);

	tap_ok(t, !why, "%s: valid UTF-8, no control character but newline%s%s",
	       what, why ? ": " : "", why ? why : "");
}

/* s into a new temporary file; its name in path. */
static bool to_file(const char *s, char *path, size_t len)
{
	FILE *f;
	int fd;

	snprintf(path, len, "/tmp/vmacct-hostile.XXXXXX");
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f)
		return false;
	fputs(s ? s : "", f);
	return fclose(f) == 0;
}

static void hex(const char *s, size_t n, char *buf)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(buf + 2 * i, "%02x", (unsigned char)s[i]);
	buf[2 * n] = '\0';
}

void check_strict_json(struct tap *t, const char *out, bool lines,
		       const char *const *want, size_t n, const char *what)
{
	char file[64], script[64], hexes[N_NAMES][33];
	char *argv[5 + N_NAMES];
	struct run_result r;
	size_t i, k;

	if (access(PYTHON, X_OK)) {
		tap_skip(t, PYTHON " not installed", "%s: a strict JSON parser reads it", what);
		return;
	}
	if (!to_file(out, file, sizeof(file)) ||
	    !to_file(py_check, script, sizeof(script))) {
		tap_ok(t, false, "%s: temporary files", what);
		return;
	}
	argv[0] = PYTHON;
	argv[1] = script;
	argv[2] = file;
	k = 3;
	if (lines)
		argv[k++] = "--lines";
	for (i = 0; i < n && i < N_NAMES; i++) {
		hex(want[i], strlen(want[i]), hexes[i]);
		argv[k++] = hexes[i];
	}
	argv[k] = NULL;
	if (run_capture(argv, &r) == 0) {
		if (!tap_ok(t, r.status == 0,
			    "%s: a strict JSON parser reads it%s, every name as its bytes decoded with U+FFFD",
			    what, lines ? " line by line, one object each" : ""))
			tap_diag("%s", r.err ? r.err : "");
		run_free(&r);
	} else {
		tap_ok(t, false, "%s: run %s", what, PYTHON);
	}
	unlink(file);
	unlink(script);
}

static void check_prom(struct tap *t, const char *out, const char *what)
{
	check_safe_text(t, out, what);
	promtool_check(t, out, what);
}

/* What m holds: safe text, with each of need[] (NULL-terminated) in it. */
static void judge_text(struct tap *t, struct membuf *m, const char *what,
		       const char *const need[])
{
	char *out = mem_take(m);
	size_t i;

	check_safe_text(t, out, what);
	for (i = 0; need[i]; i++)
		tap_contains(t, out ? out : "", need[i], "%s: holds \"%s\"",
			     what, need[i]);
	free(out);
}

/* What m holds: JSON with every one of the names. */
static void judge_json(struct tap *t, struct membuf *m, const char *what)
{
	char *out = mem_take(m);

	check_strict_json(t, out, false, names, N_NAMES, what);
	free(out);
}

/* Every line of out has n fields separated by exactly one blank. */
static bool raw_fields_are(const char *out, size_t n)
{
	size_t fields = 1;

	for (; *out; out++) {
		if (*out == ' ') {
			fields++;
		} else if (*out == '\n') {
			if (fields != n)
				return false;
			fields = 1;
		}
	}
	return true;
}

static void hostile_table(struct ps_table *tab)
{
	struct ps_row r;
	size_t i;

	memset(tab, 0, sizeof(*tab));
	for (i = 0; i < N_NAMES; i++) {
		memset(&r, 0, sizeof(r));
		r.pid = 100 + (int32_t)i;
		snprintf(r.comm, sizeof(r.comm), "%s", names[i]);
		r.mm.map_count = 10 + (uint32_t)i;
		r.mm.max_map_count = 65530;
		r.mm.charge = 1 + i;
		ps_table_add(tab, &r);
	}
}

static void test_ps_and_prom(struct tap *t)
{
	static const char *const table[] = {
		"\n100 a\\xffb                       10 ",	/* columns in place */
		"\n101 \\x1b[31mred\\x1b[0m           11 ",
		"\n104 q\"uote                       14 ",
		"\n105 back\\slash                   15 ",	/* as lsblk: only \\x is ambiguous */
		"\n106 abcdefghijkl\\xf0\\x9f\\x98     16 ",
		"\n107                              17 ",	/* empty: blanks */
		"\n108 \\xc2\\x9b31m\\xe2\\x80\\xaeexe   18 ",
		NULL,
	};
	static const char *const raw[] = {
		"100 a\\xffb 10 ",
		"102 tab\\x09here 12 ",
		"103 nl\\x0aline 13 ",
		"105 back\\x5cslash 15 ",	/* util-linux raw: every backslash as \x5c */
		"107  17 ",			/* empty: an empty field */
		NULL,
	};
	struct ps_view view;
	struct vmacct_version v = { .abi_version = 1 };
	struct vmacct_commit c = { .page_size = 4096, .max_map_count = 65530 };
	struct prom_recorder rec;
	struct ps_table tab;
	struct membuf m;
	char *out;

	hostile_table(&tab);
	ps_view_default(&view);
	if (mem_open(&m)) {
		ps_print_table(m.f, &tab, 0, 4096, &view);
		judge_text(t, &m, "hostile names, ps table", table);
	}
	view.raw = true;
	if (mem_open(&m)) {
		ps_print_table(m.f, &tab, 0, 4096, &view);
		out = mem_take(&m);
		tap_ok(t, out && raw_fields_are(out, view.ncols),
		       "hostile names, ps -r: every line has %zu fields, one blank apart",
		       view.ncols);
		if (out && mem_open(&m)) {
			fputs(out, m.f);
			judge_text(t, &m, "hostile names, ps -r", raw);
		}
		free(out);
	}
	if (mem_open(&m)) {
		ps_print_json(m.f, &tab, 0);
		judge_json(t, &m, "hostile names, ps --json");
	}
	/* the peak table holds names too */
	memset(&rec, 0, sizeof(rec));
	rec.npeaks = 2;
	rec.peaks[0].tgid = 200;
	memcpy(rec.peaks[0].comm, "p\xff\"q\n\x1b[0m", 9);
	rec.peaks[1].tgid = 201;
	memset(rec.peaks[1].comm, 'z', sizeof(rec.peaks[1].comm));	/* unterminated */
	if (mem_open(&m)) {
		struct prom_top tops = { 100, 100 };

		prom_print(m.f, &v, &c, NULL, &tab, &tops, &rec, NULL);
		out = mem_take(&m);
		check_prom(t, out, "hostile names, status --prometheus");
		tap_contains(t, out, "vmacct_process_peak_mappings{pid=\"201\",comm=\"zzzzzzzzzzzzzzzz\"}",
			     "hostile names, Prometheus: an unterminated peak name stops at 16 bytes");
		tap_contains(t, out, "comm=\"nl\\nline\"", "hostile names, Prometheus: newline as \\n");
		tap_contains(t, out, "comm=\"a\xef\xbf\xbd" "b\"",
			     "hostile names, Prometheus: 0xff as U+FFFD");
		free(out);
	}
	ps_table_free(&tab);
}

/*
 * Without the module, ps reads each name from /proc/PID/comm: the whole
 * name, then one newline (fs/proc/base.c comm_show()).  Every hostile
 * name, and one that ends in a newline of its own, must come out as its
 * bytes, as VMACCT_IOC_MM's path has them, not cut at a newline.
 */
static void test_proc_names(struct tap *t)
{
	static const char maps[] = "00600000-00602000 rw-p 00000000 00:00 0 [heap]\n";
	static const char smaps[] =
		"00600000-00602000 rw-p 00000000 00:00 0 [heap]\n"
		"Size:                  8 kB\n"
		"VmFlags: rd wr mr mw me ac \n";
	static const char trail[] = "trail\n";		/* a name ending in one */
	static const char *const raw[] = {
		"103 nl\\x0aline ",
		"109 trail\\x0a ",
		"107  ",
		NULL,
	};
	char dir[] = "/tmp/vmacct-hostile-proc-XXXXXX", rel[64], text[64], cmd[300];
	struct ps_table tab = { .rows = NULL };
	struct ps_view view;
	struct membuf m;
	bool same = true;
	size_t i;

	if (!mkdtemp(dir)) {
		tap_skip(t, "no temporary directory", "hostile names from /proc");
		return;
	}
	snprintf(cmd, sizeof(cmd), "%s/sys", dir);
	mkdir(cmd, 0755);
	snprintf(cmd, sizeof(cmd), "%s/sys/vm", dir);
	mkdir(cmd, 0755);
	test_put_file(dir, "sys/vm/max_map_count", "65530\n");
	for (i = 0; i <= N_NAMES; i++) {
		snprintf(cmd, sizeof(cmd), "%s/%zu", dir, 100 + i);
		mkdir(cmd, 0755);
		snprintf(rel, sizeof(rel), "%zu/comm", 100 + i);
		snprintf(text, sizeof(text), "%s\n", i < N_NAMES ? names[i] : trail);
		test_put_file(dir, rel, text);
		snprintf(rel, sizeof(rel), "%zu/maps", 100 + i);
		test_put_file(dir, rel, maps);
		snprintf(rel, sizeof(rel), "%zu/smaps", 100 + i);
		test_put_file(dir, rel, smaps);
	}
	tap_eq_i64(t, proc_ps_walk(dir, 4096, NULL, &tab), VM_EXIT_OK,
		   "hostile names from /proc: the walk");
	ps_sort(&tab, PS_SORT_MAPS);
	tap_eq_i64(t, (int64_t)tab.n, (int64_t)N_NAMES + 1, "... a row for each name");
	for (i = 0; i < tab.n; i++) {
		size_t k = (size_t)tab.rows[i].pid - 100;
		const char *want = k < N_NAMES ? names[k] : trail;

		if (k > N_NAMES || strcmp(tab.rows[i].comm, want)) {
			tap_diag("pid %d: comm of %zu bytes, want %zu", tab.rows[i].pid,
				 strlen(tab.rows[i].comm), strlen(want));
			same = false;
		}
	}
	tap_ok(t, same && tab.n == N_NAMES + 1,
	       "... each name its bytes: a newline inside kept, only procfs's own newline after it taken");
	ps_view_default(&view);
	view.raw = true;
	if (mem_open(&m)) {
		ps_print_table(m.f, &tab, 0, 4096, &view);
		judge_text(t, &m, "hostile names from /proc, ps -r", raw);
	}
	ps_table_free(&tab);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		tap_diag("could not remove %s", dir);
}

static void test_trace_lines(struct tap *t)
{
	static const char *const lines[] = {
		" abcdefghijkl\\xf0\\x9f\\x98[206/206] ",	/* cut character */
		" xxxxxxxxxxxxxxx\\x1b[208/208] ",	/* 16 bytes, no NUL */
		NULL,
	};
	struct membuf text, json;
	struct vmacct_event ev;
	size_t i;

	if (!mem_open(&text) || !mem_open(&json)) {
		tap_ok(t, false, "memory streams");
		return;
	}
	for (i = 0; i < N_NAMES; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.version = VMACCT_EVENT_VERSION;
		ev.size = sizeof(ev);
		ev.type = i % 2 ? VMACCT_EV_MAP_COUNT : VMACCT_EV_DECISION;
		ev.caller = VMACCT_CALLER_MMAP;
		ev.pid = ev.tgid = 200 + (uint32_t)i;
		memcpy(ev.comm, names[i], strlen(names[i]));
		trace_print_event(text.f, &ev, 0);
		trace_print_event_json(json.f, &ev, 0);
	}
	memset(ev.comm, 'x', sizeof(ev.comm));
	ev.comm[15] = '\x1b';
	trace_print_event(text.f, &ev, 0);
	judge_text(t, &text, "hostile names, trace lines", lines);
	judge_json(t, &json, "hostile names, trace --json");
}

static void test_check_and_fork(struct tap *t)
{
	static const char *const named[] = {
		"pid 300 (q\"uote, this tool; --pid P for another process)",
		"fork() of pid 300 (\\x1b[31mred\\x1b[0m) would charge",
		NULL,
	};
	struct vmacct_commit c = { .page_size = 4096, .overcommit_memory = 2 };
	struct check_request cr = { .pid = 300, .self = 1 };
	struct fork_request fr = { .pid = 300, .self = 0 };
	struct membuf human, json;
	struct vmacct_eval e;
	struct vmacct_fork f;
	size_t i;

	memset(&e, 0, sizeof(e));
	memset(&f, 0, sizeof(f));
	e.mode = 2;
	if (!mem_open(&human) || !mem_open(&json)) {
		tap_ok(t, false, "memory streams");
		return;
	}
	for (i = 0; i < N_NAMES; i++) {
		cr.comm = fr.comm = names[i];
		check_print_human(human.f, &e, &c, &cr);
		fork_print_human(human.f, &f, &c, &fr);
		check_print_json(json.f, &e, &c, &cr);
		fork_print_json(json.f, &f, &c, &fr);
	}
	judge_text(t, &human, "hostile names, check and fork-check", named);
	judge_json(t, &json, "hostile names, check and fork-check --json");
}

enum face { FACE_TEXT, FACE_JSON, FACE_PROM, FACE_STDERR };

/*
 * One run of the tool under its hostile name: the arguments, the exit
 * status, the face of what it prints, and text it must contain: pre,
 * then (with name) the name as text shows it, then post.
 */
struct tool_case {
	const char *label;
	const char *args[5];
	int status;
	enum face face;
	const char *pre;
	bool name;
	const char *post;
};

static const struct tool_case tool_cases[] = {
	{ "ps", { "ps" }, 0, FACE_TEXT, " hh\\xff\\x1b[31m\\x09\"\\\\x0a\\xf0\\x9f\\x98 ", false, NULL },
	{ "ps --json", { "ps", "--json" }, 0, FACE_JSON, NULL, false, NULL },
	{ "status --prometheus", { "status", "--prometheus", "--top", "5" }, 0,
	  FACE_PROM, NULL, false, NULL },
	{ "fork-check self", { "fork-check", "self" }, 0, FACE_TEXT, " (", true,
	  ", this tool) would charge" },
	{ "fork-check self --json", { "fork-check", "self", "--json" }, 0,
	  FACE_JSON, NULL, false, NULL },
	{ "check 4k", { "check", "4k" }, 0, FACE_TEXT, " (", true,
	  ", this tool; --pid P" },
	{ "check with a hostile SIZE, the message", { "check", "\x1b]0;pwned\a\xff" },
	  2, FACE_STDERR, "'\\x1b]0;pwned\\x07\\xff'", false, NULL },
};

static void run_tool_case(struct tap *t, const struct tool_case *c,
			  char *link, char *const envv[])
{
	static const char comm[] = "hh\xff\x1b[31m\t\"\\\n\xf0\x9f\x98";
	static const char shown[] =
		"hh\\xff\\x1b[31m\\x09\"\\\\\\x0a\\xf0\\x9f\\x98";
	const char *want[] = { comm };
	char *argv[7], what[64], text[160];
	struct run_result r;
	const char *out;
	size_t i;

	argv[0] = link;
	for (i = 0; i < 5 && c->args[i]; i++)
		argv[i + 1] = (char *)c->args[i];
	argv[i + 1] = NULL;
	snprintf(what, sizeof(what), "hostile tool name: %s", c->label);
	if (run_capture_env(argv, envv, &r)) {
		tap_ok(t, false, "%s: run the tool", what);
		return;
	}
	tap_eq_i64(t, r.status, c->status, "%s: exit status", what);
	out = c->face == FACE_STDERR ? r.err : r.out;
	if (c->face == FACE_JSON)
		check_strict_json(t, out, false, want, 1, what);
	else if (c->face == FACE_PROM)
		check_prom(t, out, what);
	else
		check_safe_text(t, out, what);
	if (c->pre) {
		snprintf(text, sizeof(text), "%s%s%s", c->pre,
			 c->name ? shown : "", c->post ? c->post : "");
		tap_contains(t, out ? out : "", text, "%s: escaped: \"%s\"", what, text);
	}
	run_free(&r);
}

/*
 * The built tool under a hostile name: a link in a new directory, run
 * by its path, so that the kernel names the process after it (16 bytes,
 * cut to 15 in comm).
 */
static void test_hostile_tool(struct tap *t, const struct test_env *env)
{
	static const char link_name[] =
		"hh\xff\x1b[31m\t\"\\\n\xf0\x9f\x98\x80";
	char dir[] = "/tmp/vmacct-hostile-tool.XXXXXX";
	char tool[PATH_MAX], dev[PATH_MAX], preload[PATH_MAX + 16];
	char link[sizeof(dir) + sizeof(link_name) + 1];
	char *envv[] = { preload, NULL };
	size_t i;

	if (!env->fake_dev || !realpath(env->fake_dev, dev) ||
	    !realpath(env->tool, tool)) {
		tap_skip(t, "no fake device library", "hostile names: the tool");
		return;
	}
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", dev);
	if (!mkdtemp(dir)) {
		tap_ok(t, false, "hostile names: a temporary directory");
		return;
	}
	snprintf(link, sizeof(link), "%s/%s", dir, link_name);
	if (symlink(tool, link)) {
		tap_ok(t, false, "hostile names: a link to the tool");
		rmdir(dir);
		return;
	}
	for (i = 0; i < sizeof(tool_cases) / sizeof(tool_cases[0]); i++)
		run_tool_case(t, &tool_cases[i], link, envv);
	unlink(link);
	rmdir(dir);
}

void test_hostile(struct tap *t, const struct test_env *env)
{
	test_ps_and_prom(t);
	test_proc_names(t);
	test_trace_lines(t);
	test_check_and_fork(t);
	test_hostile_tool(t, env);
}
