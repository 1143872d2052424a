/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer: objects, arrays, strings, integers, booleans and
 * null, printed with two-space indentation, or compact on one line (JSON
 * lines); strings may hold any bytes (escape.h).  Its state lives in a struct json the caller owns.  Keys are
 * given for members of objects and NULL for elements of arrays.  Each
 * top-level value ends with a newline.
 */
#ifndef VMACCT_JSON_H
#define VMACCT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 8

struct json {
	FILE *out;
	bool compact;		/* one line, no spaces: JSON lines */
	unsigned int depth;
	bool has_items[JSON_MAX_DEPTH + 1];
};

void json_init(struct json *j, FILE *out);
/* The same, writing each top-level value on one line: {"a":1,"b":[2,3]} */
void json_init_compact(struct json *j, FILE *out);
/*
 * A JSON string literal, quotes included, escaped as RFC 8259 requires
 * and as escape.h's ESC_JSON says for bytes that are not UTF-8 or do not
 * print: every string this writer writes is valid UTF-8.
 */
void json_write_string(FILE *out, const char *s);

void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_string(struct json *j, const char *key, const char *s);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

#endif
