/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table of "vmacct ps" for people and scripts, the util-linux way
 * (libsmartcols, as lsblk and findmnt): columns chosen with -o, raw
 * output (-r), no headings (-n), bytes instead of sizes (-b).  The JSON
 * of ps is ps.c's: its keys are documented and scripts rely on them.
 */
#ifndef VMACCT_PS_TABLE_H
#define VMACCT_PS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ps.h"

enum ps_col {
	PS_COL_PID,
	PS_COL_USER,
	PS_COL_COMM,
	PS_COL_MAPS,
	PS_COL_PMAX,		/* %MAX */
	PS_COL_NEW,		/* headroom for new mappings */
	PS_COL_SPLITS,		/* headroom for splits: munmap, mprotect */
	PS_COL_CHARGE,
	PS_COL_SIZE,
	PS_COL_ACCT,
	PS_COL_MAX,		/* max_map_count */
	PS_COL_MMAP,		/* the five check sites, one by one */
	PS_COL_SPLIT,
	PS_COL_MUNMAP,
	PS_COL_MREMAP_MOVE,
	PS_COL_MREMAP_FIXED,
	PS_COL_LARGEST,
	PS_COL_TOTAL_VM,
	PS_COL_DATA_VM,
	PS_COL_STACK_VM,
	PS_COL_LOCKED_VM,
	PS_COL_CGROUP,		/* cgroup v2 path */
	PS_COL_CGNAME,		/* its readable name */
	PS_COL_COUNT,
};

#define PS_COLS_MAX	32

struct ps_view {
	enum ps_col cols[PS_COLS_MAX];
	size_t ncols;
	bool raw;		/* -r: one line per row, blanks and the rest as \xNN */
	bool noheadings;	/* -n */
	bool bytes;		/* -b: SIZE in bytes */
};

/* The default columns, no flag set. */
void ps_view_default(struct ps_view *v);
/*
 * -o LIST: column names separated by commas, any case ("pid,comm,new");
 * "+LIST" adds to the default ones.  0, or -EINVAL with the reason in
 * what (an unknown name, too many, an empty name).
 */
int ps_view_parse(struct ps_view *v, const char *list, char *what, size_t len);
/* NAME and what it shows, one per line, for --list-columns and --help. */
void ps_list_columns(FILE *out);

/*
 * The first limit rows (0: all) as a table, then, unless raw or without
 * headings, the footer lines (kernel threads, rows not shown, rows not
 * readable).  SIZE is the charge in pages of page_size.  0 or -errno.
 */
int ps_print_table(FILE *out, const struct ps_table *t, size_t limit,
		   uint32_t page_size, const struct ps_view *v);

/* The headroom of new mappings, and of splits (the smaller of split and munmap). */
int32_t mm_headroom_new(const struct vmacct_mm *m);
int32_t mm_headroom_splits(const struct vmacct_mm *m);

#endif
