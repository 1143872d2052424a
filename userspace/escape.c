// SPDX-License-Identifier: GPL-2.0
/* Untrusted text, escaped for each output: see escape.h. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"

/* The longest escape of one unit: "\xe2\x80\xae" and its NUL. */
#define UNIT_MAX	16

/* What starts the input: a UTF-8 character, or bytes that are not one. */
struct unit {
	size_t len;		/* bytes of the input it takes */
	uint32_t cp;		/* the character, when valid */
	bool valid;
};

/*
 * The unit at s (n > 0 bytes left).  Not valid: a byte that starts no
 * sequence, or the longest start of a sequence that is not completed
 * (overlong forms, surrogates and values above U+10FFFF never start
 * one): Unicode's "maximal subpart".
 */
static struct unit next_unit(const unsigned char *s, size_t n)
{
	struct unit u = { .len = 1, .cp = s[0], .valid = true };
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (s[0] < 0x80)
		return u;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3;
	else
		need = 0;
	if (!need) {
		u.valid = false;
		return u;
	}
	if (s[0] == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;	/* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f;	/* above U+10FFFF */
	u.cp = s[0] & (0x3f >> need);
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			u.len = i;
			u.valid = false;
			return u;
		}
		u.cp = u.cp << 6 | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	u.len = need + 1;
	return u;
}

/* Would a terminal obey it rather than show it?  See escape.h. */
static bool non_printing(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	       cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static size_t put(char *buf, const char *s)
{
	size_t n = strlen(s);

	memcpy(buf, s, n + 1);
	return n;
}

static const char hex[] = "0123456789abcdef";

/* \xNN for each byte of the unit */
static size_t text_bytes(char *buf, const unsigned char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		buf[o++] = '\\';
		buf[o++] = 'x';
		buf[o++] = hex[s[i] >> 4];
		buf[o++] = hex[s[i] & 0xf];
	}
	buf[o] = '\0';
	return o;
}

static size_t json_char(char *buf, uint32_t cp)
{
	switch (cp) {
	case '\b':	return put(buf, "\\b");
	case '\f':	return put(buf, "\\f");
	case '\n':	return put(buf, "\\n");
	case '\r':	return put(buf, "\\r");
	case '\t':	return put(buf, "\\t");
	default:
		buf[0] = '\\';
		buf[1] = 'u';
		buf[2] = hex[cp >> 12 & 0xf];
		buf[3] = hex[cp >> 8 & 0xf];
		buf[4] = hex[cp >> 4 & 0xf];
		buf[5] = hex[cp & 0xf];
		buf[6] = '\0';
		return 6;
	}
}

/*
 * The escape of unit u at s for face into buf (UNIT_MAX bytes, NUL
 * terminated); its length.  *cols: the columns it takes in a table.
 */
static size_t unit_escape(const unsigned char *s, struct unit u,
			  enum esc_face face, char *buf, size_t *cols)
{
	size_t n;

	if (u.valid && !non_printing(u.cp)) {
		if (u.cp == '\\' || (u.cp == '"' && face != ESC_TEXT)) {
			buf[0] = '\\';
			buf[1] = (char)u.cp;
			buf[2] = '\0';
			*cols = 2;
			return 2;
		}
		memcpy(buf, s, u.len);
		buf[u.len] = '\0';
		*cols = 1;
		return u.len;
	}
	if (face == ESC_JSON)
		n = json_char(buf, u.valid ? u.cp : 0xfffd);
	else if (face == ESC_PROM && u.valid && u.cp == '\n')
		n = put(buf, "\\n");
	else if (face == ESC_PROM)
		n = put(buf, "\xef\xbf\xbd");	/* U+FFFD */
	else
		n = text_bytes(buf, s, u.len);
	*cols = n;
	return n;
}

/* Printable ASCII every face shows as it is (not \\ or "). */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\' && c != '"';
}

void esc_write_n(FILE *out, const char *s, size_t n, enum esc_face face)
{
	const unsigned char *p = (const unsigned char *)s;
	char buf[UNIT_MAX];
	struct unit u;
	size_t i = 0, run, cols;

	while (i < n) {
		/* the common case, a run of plain ASCII, in one write */
		for (run = 0; i + run < n && plain(p[i + run]); run++)
			;
		if (run) {
			fwrite_unlocked(p + i, 1, run, out);
			i += run;
			continue;
		}
		u = next_unit(p + i, n - i);
		fwrite(buf, 1, unit_escape(p + i, u, face, buf, &cols), out);
		i += u.len;
	}
}

void esc_write(FILE *out, const char *s, enum esc_face face)
{
	esc_write_n(out, s, strlen(s), face);
}

/*
 * Escape s with ESC_TEXT while it fits: into buf (len bytes with the NUL)
 * when buf is given, else onto out within width columns.  The columns
 * written.
 */
static size_t text_fit(const char *s, char *buf, size_t len, FILE *out,
		       size_t width)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = strlen(s), o = 0, used = 0, k, cols;
	char e[UNIT_MAX];
	struct unit u;

	while (i < n) {
		u = next_unit(p + i, n - i);
		k = unit_escape(p + i, u, ESC_TEXT, e, &cols);
		if (buf ? o + k >= len : used + cols > width)
			break;
		if (buf)
			memcpy(buf + o, e, k);
		else
			fwrite(e, 1, k, out);
		o += k;
		used += cols;
		i += u.len;
	}
	if (buf)
		buf[o] = '\0';
	return used;
}

char *esc_text(const char *s, char *buf, size_t len)
{
	if (!len)
		return buf;
	text_fit(s, buf, len, NULL, 0);
	return buf;
}

void esc_text_column(FILE *out, const char *s, unsigned int width)
{
	size_t used = text_fit(s, NULL, 0, out, width);

	for (; used < width; used++)
		fputc(' ', out);
}
