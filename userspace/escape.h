/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text this tool does not control, written safely into each of its
 * outputs.  Process names above all (any process sets its own with
 * prctl(PR_SET_NAME), or by the name of the file it runs), and whatever
 * else comes from /proc, libkmod or the kernel.  The one place where
 * such bytes are turned into output; vmacct(8), "UNTRUSTED TEXT", is the
 * rule for people.
 *
 * The input is a sequence of bytes.  It is read as UTF-8: a valid
 * character, or else the longest start of one that is not completed (a
 * stray byte, a sequence cut short), which is "not UTF-8".  Characters
 * that do not print are the C0 controls (U+0000-U+001F), DEL, the C1
 * controls (U+0080-U+009F), the line and paragraph separators (U+2028,
 * U+2029) and the bidirectional formatting characters (U+061C, U+200E,
 * U+200F, U+202A-U+202E, U+2066-U+2069), which a terminal would obey.
 *
 *   ESC_TEXT  tables, trace lines, messages: printing characters as
 *             they are, a backslash as \\, and every byte of a character
 *             that does not print or of bytes that are not UTF-8 as \xNN
 *             (two lowercase hex digits).  Lossless: the bytes can be
 *             read back.
 *   ESC_JSON  inside a JSON string (RFC 8259): " and \ escaped, \b \f
 *             \n \r \t, every other character that does not print as
 *             \u00XX or \uXXXX, and bytes that are not UTF-8 as \ufffd
 *             (U+FFFD, the replacement character), one for each
 *             unfinished sequence, as Unicode recommends.  Pure JSON
 *             decoding gives the name with that replacement.
 *   ESC_PROM  inside a Prometheus label value (text format 0.0.4):
 *             \\ \" and \n, which the format defines; the format has no
 *             other escape, so the other characters that do not print and
 *             bytes that are not UTF-8 become U+FFFD, written as UTF-8.
 *
 * Each face writes valid UTF-8.
 */
#ifndef VMACCT_ESCAPE_H
#define VMACCT_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

enum esc_face {
	ESC_TEXT,
	ESC_JSON,
	ESC_PROM,
};

/* Room for n bytes escaped with ESC_TEXT, and the terminating NUL. */
#define ESC_TEXT_SIZE(n)	(4 * (n) + 1)

/* The n bytes at s (NULs included), escaped for face. */
void esc_write_n(FILE *out, const char *s, size_t n, enum esc_face face);
/* The string s, escaped for face. */
void esc_write(FILE *out, const char *s, enum esc_face face);

/*
 * s escaped with ESC_TEXT into buf, cut before the first character or
 * escape that does not fit (ESC_TEXT_SIZE(strlen(s)) always fits).
 * Returns buf.
 */
char *esc_text(const char *s, char *buf, size_t len);

/*
 * s escaped with ESC_TEXT in a table column: at most width columns,
 * counting one per character and one per character of an escape, cut
 * before the first that does not fit, then blanks up to width.
 */
void esc_text_column(FILE *out, const char *s, unsigned int width);

#endif
