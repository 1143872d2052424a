// SPDX-License-Identifier: GPL-2.0
/* The table of "vmacct ps" through libsmartcols: see ps-table.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgroup.h"
#include "hints.h"
#include "parse.h"
#include "ps-table.h"
#include "table.h"

struct ps_col_info {
	const char *name;
	int flags;		/* SCOLS_FL_* */
	const char *help;
};

static const struct ps_col_info ps_cols[PS_COL_COUNT] = {
	[PS_COL_PID]	= { "PID", SCOLS_FL_RIGHT, "process id" },
	[PS_COL_USER]	= { "USER", 0, "owner (the user of /proc/PID), a name or a uid" },
	[PS_COL_COMM]	= { "COMM", 0, "command name (escaped: anyone sets their own)" },
	[PS_COL_MAPS]	= { "MAPS", SCOLS_FL_RIGHT, "map_count: the process's VMAs" },
	[PS_COL_PMAX]	= { "%MAX", SCOLS_FL_RIGHT, "map_count as a share of vm.max_map_count" },
	[PS_COL_NEW]	= { "NEW", SCOLS_FL_RIGHT,
			    "headroom for new mappings: how many more mmap() may add" },
	[PS_COL_SPLITS]	= { "SPLITS", SCOLS_FL_RIGHT,
			    "headroom for splits: how many more munmap()/mprotect() inside a mapping may do" },
	[PS_COL_CHARGE]	= { "CHARGE", SCOLS_FL_RIGHT, "commit charge of its VM_ACCOUNT VMAs, pages" },
	[PS_COL_SIZE]	= { "SIZE", SCOLS_FL_RIGHT, "the same charge as a size (bytes with -b)" },
	[PS_COL_ACCT]	= { "ACCT", SCOLS_FL_RIGHT, "how many VMAs carry that charge" },
	[PS_COL_MAX]	= { "MAX", SCOLS_FL_RIGHT, "vm.max_map_count as the process sees it" },
	[PS_COL_MMAP]	= { "MMAP", SCOLS_FL_RIGHT, "headroom at mmap()'s check" },
	[PS_COL_SPLIT]	= { "SPLIT", SCOLS_FL_RIGHT, "headroom at __split_vma()'s check (mprotect, madvise, mlock)" },
	[PS_COL_MUNMAP]	= { "MUNMAP", SCOLS_FL_RIGHT, "headroom at munmap()'s check of a cut inside a VMA" },
	[PS_COL_MREMAP_MOVE] = { "MREMAP-MOVE", SCOLS_FL_RIGHT, "headroom at mremap()'s check of a move" },
	[PS_COL_MREMAP_FIXED] = { "MREMAP-FIXED", SCOLS_FL_RIGHT,
				  "headroom at mremap(MREMAP_FIXED)'s check, the strictest" },
	[PS_COL_LARGEST] = { "LARGEST", SCOLS_FL_RIGHT, "largest accounted VMA, pages" },
	[PS_COL_TOTAL_VM] = { "TOTAL-VM", SCOLS_FL_RIGHT, "total_vm, pages" },
	[PS_COL_DATA_VM] = { "DATA-VM", SCOLS_FL_RIGHT, "data_vm (private writable), pages" },
	[PS_COL_STACK_VM] = { "STACK-VM", SCOLS_FL_RIGHT, "stack_vm, pages" },
	[PS_COL_LOCKED_VM] = { "LOCKED-VM", SCOLS_FL_RIGHT, "locked_vm (mlock), pages" },
	[PS_COL_CGROUP]	= { "CGROUP", SCOLS_FL_TRUNC, "cgroup v2 path ('-': none known, cgroup v1)" },
	[PS_COL_CGNAME]	= { "CGNAME", SCOLS_FL_TRUNC,
			    "the cgroup by a name people know: unit, container, pod" },
};

static const enum ps_col ps_default_cols[] = {
	PS_COL_PID, PS_COL_COMM, PS_COL_MAPS, PS_COL_PMAX, PS_COL_NEW,
	PS_COL_SPLITS, PS_COL_CHARGE, PS_COL_SIZE, PS_COL_ACCT, PS_COL_CGROUP,
};

int32_t mm_headroom_new(const struct vmacct_mm *m)
{
	return m->headroom_mmap;
}

int32_t mm_headroom_splits(const struct vmacct_mm *m)
{
	return m->headroom_split < m->headroom_munmap ? m->headroom_split
						      : m->headroom_munmap;
}

void ps_view_default(struct ps_view *v)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < sizeof(ps_default_cols) / sizeof(ps_default_cols[0]); i++)
		v->cols[v->ncols++] = ps_default_cols[i];
}

int ps_view_parse(struct ps_view *v, const char *list, char *what, size_t len)
{
	const char *p = list, *end;
	size_t n, i;

	if (*p == '+') {
		p++;
	} else {
		v->ncols = 0;
	}
	for (;;) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < PS_COL_COUNT; i++)
			if (strlen(ps_cols[i].name) == n &&
			    !strncasecmp(p, ps_cols[i].name, n))
				break;
		if (!n || i == PS_COL_COUNT) {
			snprintf(what, len, n ? "unknown column '%.*s' (see --list-columns)"
					      : "an empty column name in '%.*s'",
				 n ? (int)(n > 40 ? 40 : n) : 40, n ? p : list);
			return -EINVAL;
		}
		if (v->ncols == PS_COLS_MAX) {
			snprintf(what, len, "more than %d columns", PS_COLS_MAX);
			return -EINVAL;
		}
		v->cols[v->ncols++] = (enum ps_col)i;
		if (!end)
			return 0;
		p = end + 1;
	}
}

void ps_list_columns(FILE *out)
{
	size_t i;

	for (i = 0; i < PS_COL_COUNT; i++)
		fprintf(out, "%12s  %s\n", ps_cols[i].name, ps_cols[i].help);
}

/* What a row must know for column c: enum ps_unknown, 0 for none. */
static unsigned int cell_unknown(enum ps_col c)
{
	switch (c) {
	case PS_COL_CHARGE:
	case PS_COL_SIZE:
	case PS_COL_ACCT:
	case PS_COL_LARGEST:	return PS_UNK_CHARGE;
	case PS_COL_TOTAL_VM:	return PS_UNK_TOTAL_VM;
	case PS_COL_DATA_VM:	return PS_UNK_DATA_VM;
	case PS_COL_STACK_VM:	return PS_UNK_STACK_VM;
	case PS_COL_LOCKED_VM:	return PS_UNK_LOCKED_VM;
	default:		return 0;
	}
}

/* The text of one cell; "-" where a process may not be read, or unknown. */
static void cell(const struct ps_row *r, enum ps_col c, uint32_t page_size,
		 const struct ps_view *v, char *buf, size_t len)
{
	const struct vmacct_mm *m = &r->mm;
	const char *src;
	char num[16];
	int64_t n;

	switch (c) {
	case PS_COL_PID:
		snprintf(buf, len, "%" PRId32, r->pid);
		return;
	case PS_COL_USER:
	case PS_COL_COMM:
		src = c == PS_COL_COMM ? r->comm : r->user;
		if (c == PS_COL_USER && !r->user[0]) {
			if (r->have_uid)
				snprintf(num, sizeof(num), "%" PRIu32, r->uid);
			else
				snprintf(num, sizeof(num), "?");
			src = num;
		}
		/* libsmartcols escapes it (table.c) */
		snprintf(buf, len, "%s", src);
		return;
	case PS_COL_CGROUP:
		snprintf(buf, len, "%s", r->cgroup ? r->cgroup : "-");
		return;
	case PS_COL_CGNAME:
		if (r->cgroup)
			cgroup_name(r->cgroup, buf, len);
		else
			snprintf(buf, len, "-");
		return;
	default:
		break;
	}
	if (r->err || (r->unknown & cell_unknown(c))) {
		snprintf(buf, len, "-");
		return;
	}
	switch (c) {
	case PS_COL_MAPS:	n = m->map_count; break;
	case PS_COL_PMAX:
		format_map_percent(m->map_count, m->max_map_count, buf, len);
		return;
	case PS_COL_NEW:	n = mm_headroom_new(m); break;
	case PS_COL_SPLITS:	n = mm_headroom_splits(m); break;
	case PS_COL_CHARGE:	n = (int64_t)m->charge; break;
	case PS_COL_SIZE:
		if (v->bytes)
			snprintf(buf, len, "%" PRIu64, (uint64_t)m->charge * page_size);
		else
			format_pages(m->charge, page_size, buf, len);
		return;
	case PS_COL_ACCT:	n = m->nr_accounted; break;
	case PS_COL_MAX:	n = m->max_map_count; break;
	case PS_COL_MMAP:	n = m->headroom_mmap; break;
	case PS_COL_SPLIT:	n = m->headroom_split; break;
	case PS_COL_MUNMAP:	n = m->headroom_munmap; break;
	case PS_COL_MREMAP_MOVE: n = m->headroom_mremap_move; break;
	case PS_COL_MREMAP_FIXED: n = m->headroom_mremap_fixed; break;
	case PS_COL_LARGEST:	n = (int64_t)m->largest_accounted; break;
	case PS_COL_TOTAL_VM:	n = (int64_t)m->total_vm; break;
	case PS_COL_DATA_VM:	n = (int64_t)m->data_vm; break;
	case PS_COL_STACK_VM:	n = (int64_t)m->stack_vm; break;
	case PS_COL_LOCKED_VM:	n = (int64_t)m->locked_vm; break;
	default:		n = 0; break;
	}
	snprintf(buf, len, "%" PRId64, n);
}

int ps_print_table(FILE *out, const struct ps_table *t, size_t limit,
		   uint32_t page_size, const struct ps_view *v)
{
	char buf[4096 + 32];	/* a cgroup path, the longest cell */
	size_t i, c, n = limit && limit < t->n ? limit : t->n, denied = 0;
	struct table tb;
	int err;

	table_begin(&tb, v->raw, v->noheadings);
	for (c = 0; c < v->ncols; c++)
		table_column(&tb, ps_cols[v->cols[c]].name, ps_cols[v->cols[c]].flags);
	for (i = 0; i < n; i++) {
		table_row(&tb);
		for (c = 0; c < v->ncols; c++) {
			cell(&t->rows[i], v->cols[c], page_size, v, buf, sizeof(buf));
			table_cell(&tb, buf);
		}
	}
	err = table_end(&tb, out);
	if (err)
		return err;
	if (v->raw || v->noheadings)
		return 0;
	for (i = 0; i < t->n; i++)
		denied += t->rows[i].err != 0;
	if (n < t->n)
		fprintf(out, "showing %zu of %zu processes (--limit)\n", n, t->n);
	fprintf(out, "%u kernel thread%s without an address space\n",
		t->kernel_threads, t->kernel_threads == 1 ? "" : "s");
	if (denied)
		fprintf(out, "%zu process%s not readable (no permission, '-'): run as root, or with CAP_SYS_PTRACE, to see %s\n",
			denied, denied == 1 ? "" : "es", denied == 1 ? "it" : "them");
	return 0;
}
