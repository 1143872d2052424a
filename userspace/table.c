// SPDX-License-Identifier: GPL-2.0
/* The tool's tables through libsmartcols: see table.h. */
#include <errno.h>

#include "table.h"

void table_begin(struct table *t, bool raw, bool noheadings)
{
	t->ln = NULL;
	t->col = 0;
	t->err = 0;
	t->tb = scols_new_table();
	if (!t->tb) {
		t->err = -ENOMEM;
		return;
	}
	scols_table_enable_raw(t->tb, raw);
	scols_table_enable_noheadings(t->tb, noheadings);
	/*
	 * Cells are escaped by libsmartcols, as lsblk's: in the C locale this
	 * tool runs in, every byte that is not printable ASCII as \xNN (and
	 * in raw output blanks and backslashes too).  Never with its
	 * encoding off: 2.38 then loops forever on a multibyte character in
	 * the C locale.
	 */
	scols_table_enable_minout(t->tb, 1);	/* no blanks after the last cell */
}

void table_column(struct table *t, const char *name, int flags)
{
	if (!t->err && !scols_table_new_column(t->tb, name, 0, flags))
		t->err = -ENOMEM;
}

void table_row(struct table *t)
{
	if (t->err)
		return;
	t->col = 0;
	t->ln = scols_table_new_line(t->tb, NULL);
	if (!t->ln)
		t->err = -ENOMEM;
}

void table_cell(struct table *t, const char *text)
{
	if (!t->err && scols_line_set_data(t->ln, t->col++, text))
		t->err = -ENOMEM;
}

int table_end(struct table *t, FILE *out)
{
	int err = t->err;

	if (!err) {
		scols_table_set_stream(t->tb, out);
		err = scols_print_table(t->tb);
		if (err > 0)
			err = -EIO;
	}
	scols_unref_table(t->tb);
	t->tb = NULL;
	return err;
}
