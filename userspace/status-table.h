/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tables of "vmacct status", from the module or from /proc, drawn by
 * libsmartcols as util-linux draws lsmem's: raw output (-r), no headings
 * (-n), sizes in bytes (-b), and the columns of the commit and memory
 * tables chosen with -o.  The counters tables (decisions, map-count
 * failures) keep their columns: -o is about pages and sizes, which they
 * have none of; -r and -n apply to them as to every table.
 */
#ifndef VMACCT_STATUS_TABLE_H
#define VMACCT_STATUS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The columns of the commit and memory tables. */
enum st_col {
	ST_COL_NAME,		/* the row, for people; headed by the table's title */
	ST_COL_KEY,		/* the row, for scripts: its key of status --json */
	ST_COL_PAGES,
	ST_COL_SIZE,
	ST_COL_NOTE,
	ST_COL_COUNT,
};

#define ST_COLS_MAX	16

/* How the tables of status are drawn. */
struct status_view {
	bool raw;		/* -r: columns one blank apart, blanks as \x20 */
	bool noheadings;	/* -n */
	bool bytes;		/* -b: sizes in bytes */
	enum st_col cols[ST_COLS_MAX];
	size_t ncols;		/* 0: the default, NAME PAGES SIZE NOTE */
};

/*
 * -o LIST: column names separated by commas, any case ("key,pages");
 * "+LIST" adds to the default ones.  0, or -EINVAL with the reason in
 * what.
 */
int status_view_parse(struct status_view *v, const char *list, char *what,
		      size_t len);
/* NAME and what it shows, one per line, for --list-columns and --help. */
void status_list_columns(FILE *out);

/* A row of the commit or memory table. */
struct st_row {
	const char *label;	/* NAME */
	const char *key;	/* KEY */
	int64_t pages;		/* PAGES, and SIZE in pages of page_size */
	const char *note;	/* NOTE, or NULL */
};

/*
 * The table titled title (the heading of NAME), after a blank line, as
 * view says.  0, or the first -errno.
 */
int status_table_print(FILE *out, const char *title, const struct st_row *rows,
		       size_t n, const struct status_view *view,
		       uint32_t page_size);

#endif
