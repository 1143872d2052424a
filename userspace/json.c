// SPDX-License-Identifier: GPL-2.0
/* JSON writer: see json.h. */
#include <stdbool.h>
#include <string.h>

#include "escape.h"
#include "json.h"

void json_init(struct json *j, FILE *out)
{
	unsigned int i;

	j->out = out;
	j->compact = false;
	j->depth = 0;
	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		j->has_items[i] = false;
}

void json_init_compact(struct json *j, FILE *out)
{
	json_init(j, out);
	j->compact = true;
}

void json_write_string(FILE *out, const char *s)
{
	fputc('"', out);
	esc_write(out, s, ESC_JSON);
	fputc('"', out);
}

static void indent(struct json *j)
{
	unsigned int i;

	fputc('\n', j->out);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Does key need no escape (the keys this tool writes)? */
static bool plain_key(const char *key, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (key[i] < 0x20 || key[i] >= 0x7f || key[i] == '"' ||
		    key[i] == '\\')
			return false;
	return true;
}

/*
 * Separator, newline, indentation and "key": before any value.  A
 * compact line's separator and plain key go out in one write: a stream
 * writes thousands of them a second.
 */
static void begin_value(struct json *j, const char *key)
{
	char buf[80];
	size_t n = key ? strlen(key) : 0, o = 0;

	if (j->depth == 0)
		return;
	if (j->compact && key && n + 4 <= sizeof(buf) && plain_key(key, n)) {
		if (j->has_items[j->depth])
			buf[o++] = ',';
		j->has_items[j->depth] = true;
		buf[o++] = '"';
		memcpy(buf + o, key, n);
		o += n;
		buf[o++] = '"';
		buf[o++] = ':';
		fwrite_unlocked(buf, 1, o, j->out);
		return;
	}
	if (j->has_items[j->depth])
		fputc(',', j->out);
	j->has_items[j->depth] = true;
	if (!j->compact)
		indent(j);
	if (key) {
		json_write_string(j->out, key);
		fputs(j->compact ? ":" : ": ", j->out);
	}
}

static void open_container(struct json *j, const char *key, char c)
{
	begin_value(j, key);
	fputc(c, j->out);
	if (j->depth < JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void close_container(struct json *j, char c)
{
	bool items = j->has_items[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (items && !j->compact)
		indent(j);
	fputc(c, j->out);
	if (j->depth == 0)
		fputc('\n', j->out);
}

void json_object_begin(struct json *j, const char *key)
{
	open_container(j, key, '{');
}

void json_object_end(struct json *j)
{
	close_container(j, '}');
}

void json_array_begin(struct json *j, const char *key)
{
	open_container(j, key, '[');
}

void json_array_end(struct json *j)
{
	close_container(j, ']');
}

/* v in decimal, with a minus sign if negative (a stream writes many). */
static void put_number(FILE *out, uint64_t v, bool negative)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (negative)
		*--p = '-';
	fwrite_unlocked(p, 1, (size_t)(buf + sizeof(buf) - p), out);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	begin_value(j, key);
	put_number(j->out, v, false);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	begin_value(j, key);
	/* the magnitude of INT64_MIN does not fit an int64_t */
	put_number(j->out, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
}

void json_string(struct json *j, const char *key, const char *s)
{
	begin_value(j, key);
	json_write_string(j->out, s);
}

void json_bool(struct json *j, const char *key, bool v)
{
	begin_value(j, key);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j, const char *key)
{
	begin_value(j, key);
	fputs("null", j->out);
}
