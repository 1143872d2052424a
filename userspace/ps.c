// SPDX-License-Identifier: GPL-2.0
/* "vmacct ps" rows, sorting and rendering: see ps.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "hints.h"
#include "json.h"
#include "parse.h"
#include "ps.h"

const char *headroom_kind_name(enum headroom_kind k)
{
	switch (k) {
	case HR_MMAP:		return "mmap";
	case HR_SPLIT:		return "split";
	case HR_MUNMAP:		return "munmap";
	case HR_MREMAP_MOVE:	return "mremap_move";
	case HR_MREMAP_FIXED:	return "mremap_fixed";
	default:		return "unknown";
	}
}

int32_t mm_headroom(const struct vmacct_mm *m, enum headroom_kind k)
{
	switch (k) {
	case HR_MMAP:		return m->headroom_mmap;
	case HR_SPLIT:		return m->headroom_split;
	case HR_MUNMAP:		return m->headroom_munmap;
	case HR_MREMAP_MOVE:	return m->headroom_mremap_move;
	case HR_MREMAP_FIXED:	return m->headroom_mremap_fixed;
	default:		return 0;
	}
}

enum headroom_kind mm_tightest_headroom(const struct vmacct_mm *m)
{
	enum headroom_kind k, best = HR_MMAP;

	for (k = HR_SPLIT; k < HR_KINDS; k++)
		if (mm_headroom(m, k) < mm_headroom(m, best))
			best = k;
	return best;
}

int ps_parse_sort(const char *s, enum ps_sort *out)
{
	if (s && !strcmp(s, "maps"))
		*out = PS_SORT_MAPS;
	else if (s && !strcmp(s, "charge"))
		*out = PS_SORT_CHARGE;
	else
		return -EINVAL;
	return 0;
}

int ps_table_add(struct ps_table *t, const struct ps_row *r)
{
	struct ps_row *rows;
	size_t cap;

	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 256;
		rows = reallocarray(t->rows, cap, sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		t->rows = rows;
		t->cap = cap;
	}
	t->rows[t->n++] = *r;
	return 0;
}

void ps_table_free(struct ps_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->rows[i].cgroup);
	free(t->rows);
	t->rows = NULL;
	t->n = t->cap = 0;
}

/* Rows without values last; then by pid.  0 when both are readable. */
static int cmp_unreadable_then_pid(const struct ps_row *a,
				   const struct ps_row *b, bool *done)
{
	*done = true;
	if (!a->err != !b->err)
		return a->err ? 1 : -1;
	if (a->err)
		return a->pid < b->pid ? -1 : a->pid > b->pid;
	*done = false;
	return 0;
}

static int cmp_desc_u64(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

static int cmp_maps(const void *pa, const void *pb)
{
	const struct ps_row *a = pa, *b = pb;
	bool done;
	int r = cmp_unreadable_then_pid(a, b, &done);

	if (done)
		return r;
	r = cmp_desc_u64(a->mm.map_count, b->mm.map_count);
	if (r)
		return r;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static int cmp_charge(const void *pa, const void *pb)
{
	const struct ps_row *a = pa, *b = pb;
	bool done;
	int r = cmp_unreadable_then_pid(a, b, &done);

	if (done)
		return r;
	r = cmp_desc_u64(a->mm.charge, b->mm.charge);
	if (r)
		return r;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

void ps_sort(struct ps_table *t, enum ps_sort key)
{
	if (t->n > 1)
		qsort(t->rows, t->n, sizeof(*t->rows),
		      key == PS_SORT_CHARGE ? cmp_charge : cmp_maps);
}

char *format_map_percent(uint32_t map_count, uint32_t max, char *buf,
			 size_t len)
{
	uint64_t tenths;

	if (!max) {
		snprintf(buf, len, "-");
		return buf;
	}
	tenths = ((uint64_t)map_count * 1000 + max / 2) / max;
	snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%%", tenths / 10, tenths % 10);
	return buf;
}

static size_t shown(const struct ps_table *t, size_t limit)
{
	return limit && limit < t->n ? limit : t->n;
}

static void u64_or_null(struct json *j, const char *key, uint64_t v, bool unknown)
{
	if (unknown)
		json_null(j, key);
	else
		json_u64(j, key, v);
}

void ps_print_json(FILE *out, const struct ps_table *t, size_t limit)
{
	size_t i, n = shown(t, limit);
	const struct ps_row *r;
	enum headroom_kind k;
	unsigned int unk;
	struct json j;

	json_init(&j, out);
	json_array_begin(&j, NULL);
	for (i = 0; i < n; i++) {
		r = &t->rows[i];
		json_object_begin(&j, NULL);
		if (t->from_proc)
			json_string(&j, "source", "proc");
		json_i64(&j, "pid", r->pid);
		json_string(&j, "comm", r->comm);
		if (r->have_uid)
			json_u64(&j, "uid", r->uid);
		else
			json_null(&j, "uid");
		if (r->user[0])
			json_string(&j, "user", r->user);
		else
			json_null(&j, "user");
		if (r->cgroup)
			json_string(&j, "cgroup", r->cgroup);
		else
			json_null(&j, "cgroup");
		if (r->err) {
			json_string(&j, "error", errno_name(r->err));
			json_object_end(&j);
			continue;
		}
		json_u64(&j, "map_count", r->mm.map_count);
		json_u64(&j, "max_map_count", r->mm.max_map_count);
		json_object_begin(&j, "headroom");
		for (k = HR_MMAP; k < HR_KINDS; k++)
			json_i64(&j, headroom_kind_name(k), mm_headroom(&r->mm, k));
		json_object_end(&j);
		json_string(&j, "tightest", headroom_kind_name(mm_tightest_headroom(&r->mm)));
		unk = r->unknown;
		u64_or_null(&j, "charge_pages", r->mm.charge, unk & PS_UNK_CHARGE);
		u64_or_null(&j, "largest_accounted", r->mm.largest_accounted,
			    unk & PS_UNK_CHARGE);
		u64_or_null(&j, "nr_accounted", r->mm.nr_accounted, unk & PS_UNK_CHARGE);
		u64_or_null(&j, "nr_anon_private", r->mm.nr_anon_private, unk & PS_UNK_KINDS);
		u64_or_null(&j, "nr_file_private", r->mm.nr_file_private, unk & PS_UNK_KINDS);
		u64_or_null(&j, "nr_file_shared", r->mm.nr_file_shared, unk & PS_UNK_KINDS);
		u64_or_null(&j, "nr_stack", r->mm.nr_stack, unk & PS_UNK_KINDS);
		u64_or_null(&j, "nr_special", r->mm.nr_special, unk & PS_UNK_KINDS);
		u64_or_null(&j, "total_vm", r->mm.total_vm, unk & PS_UNK_TOTAL_VM);
		u64_or_null(&j, "data_vm", r->mm.data_vm, unk & PS_UNK_DATA_VM);
		u64_or_null(&j, "exec_vm", r->mm.exec_vm, unk & PS_UNK_EXEC_VM);
		u64_or_null(&j, "stack_vm", r->mm.stack_vm, unk & PS_UNK_STACK_VM);
		u64_or_null(&j, "locked_vm", r->mm.locked_vm, unk & PS_UNK_LOCKED_VM);
		u64_or_null(&j, "pinned_vm", r->mm.pinned_vm, unk & PS_UNK_PINNED_VM);
		json_object_end(&j);
	}
	json_array_end(&j);
}
