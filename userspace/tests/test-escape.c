// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: escape.c on its own, byte for byte, for each face: the
 * hostile process names of issue 14 (0xff, an ESC sequence, tab,
 * newline, quote, backslash, a 4-byte character cut at 15 bytes, the
 * empty name), C1 controls, bidirectional marks, overlong forms and
 * surrogates; then the buffer and column forms, which must never cut an
 * escape or a character in two.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "tap.h"

struct esc_case {
	const char *what;
	const char *in;
	const char *text;
	const char *json;
	const char *prom;
};

#define FFFD "\xef\xbf\xbd"

static const struct esc_case cases[] = {
	{ "plain ASCII", "redis-server", "redis-server", "redis-server",
	  "redis-server" },
	{ "empty", "", "", "", "" },
	{ "byte 0xff", "a\xff" "b", "a\\xffb", "a\\ufffdb", "a" FFFD "b" },
	{ "ESC[31m", "\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m",
	  "\\u001b[31mred\\u001b[0m", FFFD "[31mred" FFFD "[0m" },
	{ "tab", "tab\there", "tab\\x09here", "tab\\there", "tab" FFFD "here" },
	{ "newline", "nl\nline", "nl\\x0aline", "nl\\nline", "nl\\nline" },
	{ "quote", "q\"uote", "q\"uote", "q\\\"uote", "q\\\"uote" },
	{ "backslash", "back\\slash", "back\\\\slash", "back\\\\slash",
	  "back\\\\slash" },
	{ "a 4-byte character cut at 15 bytes", "abcdefghijkl\xf0\x9f\x98",
	  "abcdefghijkl\\xf0\\x9f\\x98", "abcdefghijkl\\ufffd",
	  "abcdefghijkl" FFFD },
	{ "the whole 4-byte character", "ok\xf0\x9f\x98\x80",
	  "ok\xf0\x9f\x98\x80", "ok\xf0\x9f\x98\x80", "ok\xf0\x9f\x98\x80" },
	{ "é and ±, printing", "\xc3\xa9\xc2\xb1", "\xc3\xa9\xc2\xb1",
	  "\xc3\xa9\xc2\xb1", "\xc3\xa9\xc2\xb1" },
	{ "DEL", "a\x7f", "a\\x7f", "a\\u007f", "a" FFFD },
	{ "C1 CSI (U+009B)", "\xc2\x9b" "31m", "\\xc2\\x9b31m", "\\u009b31m",
	  FFFD "31m" },
	{ "right-to-left override (U+202E)", "\xe2\x80\xae" "fdp.exe",
	  "\\xe2\\x80\\xaefdp.exe", "\\u202efdp.exe", FFFD "fdp.exe" },
	{ "line separator (U+2028)", "a\xe2\x80\xa8" "b", "a\\xe2\\x80\\xa8b",
	  "a\\u2028b", "a" FFFD "b" },
	{ "overlong '/'", "\xc0\xaf", "\\xc0\\xaf", "\\ufffd\\ufffd",
	  FFFD FFFD },
	{ "a surrogate, 3 stray bytes", "\xed\xa0\x80", "\\xed\\xa0\\x80",
	  "\\ufffd\\ufffd\\ufffd", FFFD FFFD FFFD },
	{ "above U+10FFFF", "\xf4\x90\x80\x80",
	  "\\xf4\\x90\\x80\\x80", "\\ufffd\\ufffd\\ufffd\\ufffd",
	  FFFD FFFD FFFD FFFD },
	{ "a cut sequence before ASCII", "\xe2\x82" "x", "\\xe2\\x82x",
	  "\\ufffdx", FFFD "x" },
};

static char *escaped(const char *in, size_t n, enum esc_face face)
{
	struct membuf m;

	if (!mem_open(&m))
		return NULL;
	esc_write_n(m.f, in, n, face);
	return mem_take(&m);
}

static void test_faces(struct tap *t)
{
	static const char *const face_name[] = { "text", "JSON", "Prometheus" };
	const struct esc_case *c;
	const char *want;
	char *got;
	size_t i;
	int f;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		for (f = ESC_TEXT; f <= ESC_PROM; f++) {
			want = f == ESC_TEXT ? c->text :
			       f == ESC_JSON ? c->json : c->prom;
			got = escaped(c->in, strlen(c->in), f);
			tap_eq_str(t, got, want, "escape, %s: %s", face_name[f],
				   c->what);
			free(got);
		}
	}

	got = escaped("a\0b", 3, ESC_TEXT);
	tap_eq_str(t, got, "a\\x00b", "escape, text: a NUL inside a length-given field");
	free(got);
	got = escaped("a\0b", 3, ESC_JSON);
	tap_eq_str(t, got, "a\\u0000b", "escape, JSON: a NUL as \\u0000");
	free(got);
}

static void test_buffer(struct tap *t)
{
	char buf[ESC_TEXT_SIZE(15)];
	char *col;
	struct membuf m;

	tap_eq_str(t, esc_text("\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\xff",
			       buf, sizeof(buf)),
		   "\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\x0b\\x0c\\x0e\\x0f\\x10\\x11\\xff",
		   "esc_text: ESC_TEXT_SIZE(15) holds 15 escaped bytes");
	tap_eq_str(t, esc_text("a\xff" "b", buf, 6), "a\\xff",
		   "esc_text: cut after a whole escape");
	tap_eq_str(t, esc_text("a\xff" "b", buf, 5), "a",
		   "esc_text: an escape that does not fit is left out whole");
	tap_eq_str(t, esc_text("\xc3\xa9\xc3\xa9", buf, 4), "\xc3\xa9",
		   "esc_text: never half a character");
	tap_eq_str(t, esc_text("x", buf, 1), "", "esc_text: room for the NUL only");

	if (!mem_open(&m)) {
		tap_ok(t, false, "memory stream");
		return;
	}
	esc_text_column(m.f, "\x1b[31mred\x1b[0m", 15);
	fputc('|', m.f);
	esc_text_column(m.f, "\xc3\xa9", 3);
	fputc('|', m.f);
	esc_text_column(m.f, "abcdefghijkl\xf0\x9f\x98", 15);
	fputc('|', m.f);
	esc_text_column(m.f, "", 3);
	fputc('|', m.f);
	esc_text_column(m.f, "kworker/R-ext4-rsv-conversion", 15);
	fputc('|', m.f);
	col = mem_take(&m);
	tap_eq_str(t, col,
		   "\\x1b[31mred\\x1b|\xc3\xa9  |abcdefghijkl   |   |kworker/R-ext4-|",
		   "esc_text_column: cut at a whole escape or character, padded by columns");
	free(col);
}

void test_escape(struct tap *t)
{
	test_faces(t);
	test_buffer(t);
}
