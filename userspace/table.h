/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tool's tables, drawn by libsmartcols as util-linux draws lsblk's
 * and findmnt's: raw output (-r), no headings (-n), cells escaped.  The
 * first error is kept, and the table then does nothing more until
 * table_end() returns it.
 */
#ifndef VMACCT_TABLE_H
#define VMACCT_TABLE_H

#include <libsmartcols.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct table {
	struct libscols_table *tb;
	struct libscols_line *ln;	/* the row being filled */
	size_t col;			/* its next cell */
	int err;
};

void table_begin(struct table *t, bool raw, bool noheadings);
/* A column; flags: SCOLS_FL_RIGHT, SCOLS_FL_TRUNC. */
void table_column(struct table *t, const char *name, int flags);
/* A new row, then its cells from the first column on. */
void table_row(struct table *t);
void table_cell(struct table *t, const char *text);
/* Print it to out and free it: 0, or the first -errno. */
int table_end(struct table *t, FILE *out);

#endif
