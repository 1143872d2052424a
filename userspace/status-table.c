// SPDX-License-Identifier: GPL-2.0
/* The tables of "vmacct status": see status-table.h. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "parse.h"
#include "status-table.h"
#include "table.h"

static const struct {
	const char *name;	/* for -o */
	const char *heading;	/* NULL: the table's title */
	int flags;
	const char *help;
} st_cols[ST_COL_COUNT] = {
	[ST_COL_NAME]	= { "NAME", NULL, 0,
			    "the row, for people (headed by the table: commit, memory)" },
	[ST_COL_KEY]	= { "KEY", "key", 0,
			    "the row, for scripts: its key in status --json (limit, committed, ...)" },
	[ST_COL_PAGES]	= { "PAGES", "pages", SCOLS_FL_RIGHT, "the value in pages (signed)" },
	[ST_COL_SIZE]	= { "SIZE", "size", SCOLS_FL_RIGHT, "the same as a size (bytes with -b)" },
	[ST_COL_NOTE]	= { "NOTE", "note", 0, "what the row is, or how it is computed" },
};

static const enum st_col st_default_cols[] = {
	ST_COL_NAME, ST_COL_PAGES, ST_COL_SIZE, ST_COL_NOTE,
};

#define N_DEFAULT (sizeof(st_default_cols) / sizeof(st_default_cols[0]))

int status_view_parse(struct status_view *v, const char *list, char *what,
		      size_t len)
{
	const char *p = list, *end;
	size_t n, i;

	if (*p != '+')
		v->ncols = 0;
	else if (p++, !v->ncols)
		for (i = 0; i < N_DEFAULT; i++)
			v->cols[v->ncols++] = st_default_cols[i];
	for (;;) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < ST_COL_COUNT; i++)
			if (strlen(st_cols[i].name) == n &&
			    !strncasecmp(p, st_cols[i].name, n))
				break;
		if (!n || i == ST_COL_COUNT) {
			snprintf(what, len, n ? "unknown column '%.*s' (see --list-columns)"
					      : "an empty column name in '%.*s'",
				 n ? (int)(n > 40 ? 40 : n) : 40, n ? p : list);
			return -EINVAL;
		}
		if (v->ncols == ST_COLS_MAX) {
			snprintf(what, len, "more than %d columns", ST_COLS_MAX);
			return -EINVAL;
		}
		v->cols[v->ncols++] = (enum st_col)i;
		if (!end)
			return 0;
		p = end + 1;
	}
}

void status_list_columns(FILE *out)
{
	size_t i;

	for (i = 0; i < ST_COL_COUNT; i++)
		fprintf(out, "%12s  %s\n", st_cols[i].name, st_cols[i].help);
}

/* The view's columns, or the default ones. */
static size_t view_cols(const struct status_view *v, const enum st_col **cols)
{
	if (v->ncols) {
		*cols = v->cols;
		return v->ncols;
	}
	*cols = st_default_cols;
	return N_DEFAULT;
}

/* SIZE of a signed count of pages: a size, or bytes with -b. */
static void size_cell(int64_t pages, uint32_t page_size, bool bytes, char *buf,
		      size_t len)
{
	uint64_t m = pages < 0 ? (uint64_t)0 - (uint64_t)pages : (uint64_t)pages;
	char mag[SIZE_STR_MAX];
	uint64_t b;

	if (bytes) {
		if (__builtin_mul_overflow(m, (uint64_t)page_size, &b))
			b = UINT64_MAX;
		snprintf(buf, len, "%s%" PRIu64, pages < 0 ? "-" : "", b);
	} else {
		snprintf(buf, len, "%s%s", pages < 0 ? "-" : "",
			 format_pages(m, page_size, mag, sizeof(mag)));
	}
}

int status_table_print(FILE *out, const char *title, const struct st_row *rows,
		       size_t n, const struct status_view *view,
		       uint32_t page_size)
{
	char num[24], sz[SIZE_STR_MAX + 1];
	const enum st_col *cols;
	size_t i, c, ncols = view_cols(view, &cols);
	const char *h;
	struct table tb;

	/* ASCII only: libsmartcols escapes the rest in the C locale (table.c) */
	table_begin(&tb, view->raw, view->noheadings);
	for (c = 0; c < ncols; c++) {
		h = st_cols[cols[c]].heading;
		table_column(&tb, h ? h : title, st_cols[cols[c]].flags);
	}
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%" PRId64, rows[i].pages);
		size_cell(rows[i].pages, page_size, view->bytes, sz, sizeof(sz));
		table_row(&tb);
		for (c = 0; c < ncols; c++) {
			switch (cols[c]) {
			case ST_COL_NAME:	table_cell(&tb, rows[i].label); break;
			case ST_COL_KEY:	table_cell(&tb, rows[i].key); break;
			case ST_COL_PAGES:	table_cell(&tb, num); break;
			case ST_COL_SIZE:	table_cell(&tb, sz); break;
			default:
				table_cell(&tb, rows[i].note ? rows[i].note : "");
				break;
			}
		}
	}
	if (!tb.err)
		fputc('\n', out);
	return table_end(&tb, out);
}
