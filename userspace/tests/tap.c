// SPDX-License-Identifier: GPL-2.0
/* TAP output for the host tests: see tap.h. */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

/* A test name on one line: control characters shown as \n, \xNN. */
static void print_name(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

static void print_name(const char *fmt, va_list ap)
{
	char buf[512];
	const unsigned char *p;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (p = (const unsigned char *)buf; *p; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p < 0x20 || *p == '#')
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
}

static bool report(struct tap *t, bool cond, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static bool report(struct tap *t, bool cond, const char *fmt, va_list ap)
{
	t->n++;
	if (cond)
		t->passed++;
	else
		t->failed++;
	printf("%s %u - ", cond ? "ok" : "not ok", t->n);
	print_name(fmt, ap);
	putchar('\n');
	return cond;
}

bool tap_ok(struct tap *t, bool cond, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = report(t, cond, fmt, ap);
	va_end(ap);
	return r;
}

void tap_skip(struct tap *t, const char *reason, const char *fmt, ...)
{
	va_list ap;

	t->n++;
	t->skipped++;
	printf("ok %u - ", t->n);
	va_start(ap, fmt);
	print_name(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Multi-line text as TAP diagnostics. */
static void diag_text(const char *label, const char *s)
{
	const char *nl;

	printf("#   %s:\n", label);
	if (!s) {
		printf("#     (null)\n");
		return;
	}
	while (*s) {
		nl = strchr(s, '\n');
		if (!nl)
			nl = s + strlen(s);
		printf("#     |%.*s\n", (int)(nl - s), s);
		s = *nl ? nl + 1 : nl;
	}
}

bool tap_eq_u64(struct tap *t, uint64_t got, uint64_t want, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = report(t, got == want, fmt, ap);
	va_end(ap);
	if (!r)
		tap_diag("  got %" PRIu64 ", want %" PRIu64, got, want);
	return r;
}

bool tap_eq_i64(struct tap *t, int64_t got, int64_t want, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = report(t, got == want, fmt, ap);
	va_end(ap);
	if (!r)
		tap_diag("  got %" PRId64 ", want %" PRId64, got, want);
	return r;
}

bool tap_eq_str(struct tap *t, const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = report(t, got && want && !strcmp(got, want), fmt, ap);
	va_end(ap);
	if (!r) {
		diag_text("got", got);
		diag_text("want", want);
	}
	return r;
}

bool tap_starts_with(struct tap *t, const char *s, const char *prefix, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = report(t, s && !strncmp(s, prefix, strlen(prefix)), fmt, ap);
	va_end(ap);
	if (!r) {
		diag_text("text", s);
		diag_text("does not start with", prefix);
	}
	return r;
}

bool tap_contains(struct tap *t, const char *hay, const char *needle, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = report(t, hay && strstr(hay, needle), fmt, ap);
	va_end(ap);
	if (!r) {
		diag_text("text", hay);
		diag_text("does not contain", needle);
	}
	return r;
}

char *slurp_len(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t n;
	char chunk[4096];
	FILE *f, *m;

	*len = 0;
	f = fopen(path, "re");
	if (!f)
		return NULL;
	m = open_memstream(&buf, len);
	if (!m) {
		fclose(f);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *slurp(const char *path)
{
	size_t len;

	return slurp_len(path, &len);
}

char *fixture_path(char *buf, size_t len, const struct test_env *env,
		   const char *name)
{
	snprintf(buf, len, "%s/%s", env->fixtures, name);
	return buf;
}

FILE *mem_open(struct membuf *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f;
}

char *mem_take(struct membuf *m)
{
	char *buf;

	if (!m->f)
		return NULL;
	if (fclose(m->f)) {
		free(m->buf);
		m->buf = NULL;
	}
	m->f = NULL;
	buf = m->buf;
	m->buf = NULL;
	return buf;
}

bool tap_eq_fixture(struct tap *t, const struct test_env *env,
		    const char *got, const char *name)
{
	const char *dir = getenv("VMACCT_WRITE_FIXTURES");
	char path[512];
	char *want;
	FILE *f;
	bool r;

	if (dir && *dir && got) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		f = fopen(path, "we");
		if (f) {
			fputs(got, f);
			fclose(f);
		}
	}
	want = slurp(fixture_path(path, sizeof(path), env, name));
	if (!want)
		tap_diag("cannot read %s", path);
	r = tap_eq_str(t, got, want, "output matches fixture %s", name);
	free(want);
	return r;
}

void test_put_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

char *test_get_line(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX + 64];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}
