// SPDX-License-Identifier: GPL-2.0
/* Host tests: the JSON writer (json.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "tap.h"

static char *escape(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	json_write_string(f, s);
	fclose(f);
	return buf;
}

static void check_escape(struct tap *t, const char *in, const char *want,
			 const char *what)
{
	char *got = escape(in);

	tap_eq_str(t, got, want, "JSON string: %s", what);
	free(got);
}

void test_json(struct tap *t)
{
	char *buf = NULL;
	size_t len = 0;
	struct json j;
	FILE *f;

	check_escape(t, "abc", "\"abc\"", "plain");
	check_escape(t, "", "\"\"", "empty");
	check_escape(t, "a\"b\\c", "\"a\\\"b\\\\c\"", "quote and backslash");
	check_escape(t, "\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"", "short escapes");
	check_escape(t, "\x01\x1f", "\"\\u0001\\u001f\"", "other control characters as \\u00XX");
	check_escape(t, "\x7f/", "\"\\u007f/\"", "DEL as \\u007f, slash unescaped");
	check_escape(t, "\xc2\x9b" "1m", "\"\\u009b1m\"",
		     "a C1 control (CSI) as \\u009b");
	check_escape(t, "a\xff" "b", "\"a\\ufffdb\"",
		     "a byte that is not UTF-8 as \\ufffd");
	check_escape(t, "CommitLimit — ±1 é", "\"CommitLimit — ±1 é\"", "UTF-8 passes through");

	f = open_memstream(&buf, &len);
	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_u64(&j, "max", UINT64_MAX);
	json_i64(&j, "min", INT64_MIN);
	json_i64(&j, "neg", -5);
	json_string(&j, "s", "x\"y");
	json_bool(&j, "b", true);
	json_array_begin(&j, "empty");
	json_array_end(&j);
	json_array_begin(&j, "list");
	json_string(&j, NULL, "one");
	json_u64(&j, NULL, 2);
	json_array_end(&j);
	json_object_begin(&j, "obj");
	json_object_end(&j);
	json_object_end(&j);
	fclose(f);
	tap_eq_str(t, buf,
		   "{\n"
		   "  \"max\": 18446744073709551615,\n"
		   "  \"min\": -9223372036854775808,\n"
		   "  \"neg\": -5,\n"
		   "  \"s\": \"x\\\"y\",\n"
		   "  \"b\": true,\n"
		   "  \"empty\": [],\n"
		   "  \"list\": [\n"
		   "    \"one\",\n"
		   "    2\n"
		   "  ],\n"
		   "  \"obj\": {}\n"
		   "}\n",
		   "JSON writer: nesting, commas, empty containers, typed numbers");
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	json_init(&j, f);
	json_array_begin(&j, NULL);
	json_array_end(&j);
	fclose(f);
	tap_eq_str(t, buf, "[]\n", "JSON writer: empty top-level array");
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	json_init(&j, f);
	json_array_begin(&j, NULL);
	json_null(&j, NULL);
	json_object_begin(&j, NULL);
	json_null(&j, "min_ratio");
	json_bool(&j, "b", false);
	json_object_end(&j);
	json_array_end(&j);
	fclose(f);
	tap_eq_str(t, buf,
		   "[\n"
		   "  null,\n"
		   "  {\n"
		   "    \"min_ratio\": null,\n"
		   "    \"b\": false\n"
		   "  }\n"
		   "]\n",
		   "JSON writer: null as an element and as a member, objects in arrays");
	free(buf);

	/* compact: JSON lines, one object per line */
	buf = NULL;
	f = open_memstream(&buf, &len);
	json_init_compact(&j, f);
	json_object_begin(&j, NULL);
	json_u64(&j, "a", 1);
	json_string(&j, "s", "x y");
	json_array_begin(&j, "list");
	json_i64(&j, NULL, -2);
	json_bool(&j, NULL, true);
	json_array_end(&j);
	json_object_begin(&j, "empty");
	json_object_end(&j);
	json_null(&j, "n");
	json_object_end(&j);
	json_object_begin(&j, NULL);
	json_object_end(&j);
	fclose(f);
	tap_eq_str(t, buf,
		   "{\"a\":1,\"s\":\"x y\",\"list\":[-2,true],\"empty\":{},\"n\":null}\n"
		   "{}\n",
		   "JSON writer, compact: one line per top-level value, no spaces");
	free(buf);
}
