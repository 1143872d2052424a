/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP producer for the host tests.  The counters live in a
 * struct tap owned by the runner; the plan is printed at the end.
 */
#ifndef VMACCT_TAP_H
#define VMACCT_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct tap {
	unsigned int n;
	unsigned int passed;
	unsigned int failed;
	unsigned int skipped;
};

/* Where the runner found what the tests need. */
struct test_env {
	const char *tool;	/* built vmacct binary */
	const char *fixtures;	/* tests/fixtures */
	const char *fake_ko;	/* tests/fake-vmacct.ko */
	const char *fake_dev;	/* tests/fake-dev.so, or NULL */
};

#define TAP_FMT(a, b) __attribute__((format(printf, a, b)))

bool tap_ok(struct tap *t, bool cond, const char *fmt, ...) TAP_FMT(3, 4);
void tap_skip(struct tap *t, const char *reason, const char *fmt, ...) TAP_FMT(3, 4);
void tap_diag(const char *fmt, ...) TAP_FMT(1, 2);
bool tap_eq_u64(struct tap *t, uint64_t got, uint64_t want, const char *fmt, ...) TAP_FMT(4, 5);
bool tap_eq_i64(struct tap *t, int64_t got, int64_t want, const char *fmt, ...) TAP_FMT(4, 5);
bool tap_eq_str(struct tap *t, const char *got, const char *want, const char *fmt, ...) TAP_FMT(4, 5);
bool tap_starts_with(struct tap *t, const char *s, const char *prefix, const char *fmt, ...) TAP_FMT(4, 5);
bool tap_contains(struct tap *t, const char *hay, const char *needle, const char *fmt, ...) TAP_FMT(4, 5);

/* Output written into memory, for renderers that take a FILE. */
struct membuf {
	char *buf;
	size_t len;
	FILE *f;
};
/* NULL if open_memstream fails. */
FILE *mem_open(struct membuf *m);
/* Close the FILE and hand over its text (malloc'd; NULL on failure). */
char *mem_take(struct membuf *m);

/*
 * got equals the fixture file name, byte for byte.  With
 * VMACCT_WRITE_FIXTURES=DIR in the environment, got is also written to
 * DIR/name, to review and copy over a fixture that should change.
 */
bool tap_eq_fixture(struct tap *t, const struct test_env *env,
		    const char *got, const char *name);

/* Read a whole file into a malloc'd, NUL-terminated string, or NULL. */
char *slurp(const char *path);
/* The same, with its length in *len (the file may hold other NULs). */
char *slurp_len(const char *path, size_t *len);
/* dir + "/" + name in buf; returns buf. */
char *fixture_path(char *buf, size_t len, const struct test_env *env,
		   const char *name);

/*
 * Judges of output, in test-hostile.c.  check_safe_text: out is valid
 * UTF-8 without a control character but newline.  check_strict_json:
 * Python's strict parser reads out (with lines, JSON lines: each line one
 * object) and finds each of the n names as a "comm", decoded with U+FFFD;
 * skipped without python3.
 */
void check_safe_text(struct tap *t, const char *out, const char *what);
void check_strict_json(struct tap *t, const char *out, bool lines,
		       const char *const *want, size_t n, const char *what);

void test_parse(struct tap *t);
void test_kallsyms(struct tap *t, const struct test_env *env);
void test_modparam(struct tap *t);
void test_json(struct tap *t);
void test_report(struct tap *t, const struct test_env *env);
void test_ps(struct tap *t, const struct test_env *env);
void test_check(struct tap *t, const struct test_env *env);
void test_fork(struct tap *t, const struct test_env *env);
void test_trace(struct tap *t, const struct test_env *env);
void test_cli(struct tap *t, const struct test_env *env);
void test_trace_cli(struct tap *t, const struct test_env *env);
void test_log_cli(struct tap *t, const struct test_env *env);
void test_explain(struct tap *t, const struct test_env *env);
void test_record(struct tap *t);
void test_completion(struct tap *t, const struct test_env *env);
void test_prom(struct tap *t, const struct test_env *env);
void test_repro(struct tap *t);
void test_repro_state(struct tap *t, const struct test_env *env);
void test_procfs(struct tap *t);
/* dir/name written with text (nothing when it cannot be opened). */
void test_put_file(const char *dir, const char *name, const char *text);
/* The first line of dir/name, without its newline, into buf ("" if none). */
char *test_get_line(const char *dir, const char *name, char *buf, size_t len);
/* promtool check metrics on text (test-prom.c); a skip without promtool. */
void promtool_check(struct tap *t, const char *text, const char *what);
void test_escape(struct tap *t);
void test_hostile(struct tap *t, const struct test_env *env);
void test_cgroup(struct tap *t, const struct test_env *env);
void test_tables_cli(struct tap *t, const struct test_env *env);
void test_hints(struct tap *t, const struct test_env *env);
void test_load_checks(struct tap *t, const struct test_env *env);
void test_rlimit(struct tap *t, const struct test_env *env);
void test_install(struct tap *t, const struct test_env *env);
void test_docs(struct tap *t, const struct test_env *env);

#endif
