// SPDX-License-Identifier: GPL-2.0
/* "vmacct ps --by cgroup": see ps-cgroup.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "json.h"
#include "parse.h"
#include "ps-cgroup.h"
#include "ps-table.h"
#include "table.h"

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct cg_group *)a)->path,
		      ((const struct cg_group *)b)->path);
}

static uint32_t maps_of(const struct cg_group *g)
{
	return g->closest ? g->closest->mm.map_count : 0;
}

static int cmp_maps(const void *pa, const void *pb)
{
	const struct cg_group *a = pa, *b = pb;

	if (maps_of(a) != maps_of(b))
		return maps_of(a) > maps_of(b) ? -1 : 1;
	return cmp_path(a, b);
}

static int cmp_charge(const void *pa, const void *pb)
{
	const struct cg_group *a = pa, *b = pb;

	if (a->charge != b->charge)
		return a->charge > b->charge ? -1 : 1;
	return cmp_path(a, b);
}

/* The group of path in cg (sorted by path while building), or a new one. */
static struct cg_group *group_of(struct cg_table *cg, size_t *cap,
				 const char *path)
{
	struct cg_group key = { .path = (char *)path }, *g, *more;

	g = bsearch(&key, cg->g, cg->n, sizeof(*cg->g), cmp_path);
	if (g)
		return g;
	if (cg->n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		more = reallocarray(cg->g, *cap, sizeof(*more));
		if (!more)
			return NULL;
		cg->g = more;
	}
	g = &cg->g[cg->n];
	memset(g, 0, sizeof(*g));
	g->path = strdup(path);
	if (!g->path)
		return NULL;
	cg->n++;
	qsort(cg->g, cg->n, sizeof(*cg->g), cmp_path);
	return bsearch(&key, cg->g, cg->n, sizeof(*cg->g), cmp_path);
}

int cg_table_build(struct cg_table *cg, const struct ps_table *t,
		   unsigned int depth, enum ps_sort key)
{
	const struct ps_row *r;
	struct cg_group *g;
	size_t i, cap = 0;
	char path[4096];
	const char *src;

	memset(cg, 0, sizeof(*cg));
	cg->no_cgroups = true;
	cg->from_proc = t->from_proc;
	for (i = 0; i < t->n; i++) {
		r = &t->rows[i];
		if (r->cgroup)
			cg->no_cgroups = false;
		src = r->cgroup ? r->cgroup : "/";
		if (depth == CG_DEPTH_ALL)
			snprintf(path, sizeof(path), "%s", src);
		else
			cgroup_rollup(src, depth, path, sizeof(path));
		g = group_of(cg, &cap, path);
		if (!g)
			return -ENOMEM;
		g->processes++;
		if (r->err) {
			g->unreadable++;
			continue;
		}
		g->charge += r->mm.charge;
		if (!g->closest || r->mm.map_count > g->closest->mm.map_count)
			g->closest = r;
	}
	if (cg->n > 1)
		qsort(cg->g, cg->n, sizeof(*cg->g),
		      key == PS_SORT_CHARGE ? cmp_charge : cmp_maps);
	return 0;
}

void cg_table_free(struct cg_table *cg)
{
	size_t i;

	for (i = 0; i < cg->n; i++)
		free(cg->g[i].path);
	free(cg->g);
	memset(cg, 0, sizeof(*cg));
}

/*
 * NAME first and whole; on a narrow terminal libsmartcols cuts CLOSEST
 * and the path (last) rather than the numbers.
 */
enum { CG_NAME, CG_PROCS, CG_CHARGE, CG_SIZE, CG_MAPS, CG_NEW, CG_SPLITS,
       CG_CLOSEST, CG_CGROUP, CG_COLS };

static const struct {
	const char *name;
	int flags;
} cg_cols[CG_COLS] = {
	[CG_NAME]	= { "NAME", 0 },
	[CG_PROCS]	= { "PROCS", SCOLS_FL_RIGHT },
	[CG_CHARGE]	= { "CHARGE", SCOLS_FL_RIGHT },
	[CG_SIZE]	= { "SIZE", SCOLS_FL_RIGHT },
	[CG_MAPS]	= { "MAPS", SCOLS_FL_RIGHT },
	[CG_NEW]	= { "NEW", SCOLS_FL_RIGHT },
	[CG_SPLITS]	= { "SPLITS", SCOLS_FL_RIGHT },
	[CG_CLOSEST]	= { "CLOSEST", SCOLS_FL_TRUNC },
	[CG_CGROUP]	= { "CGROUP", SCOLS_FL_TRUNC },
};

static void cg_cell(const struct cg_group *g, int c, uint32_t page_size,
		    bool bytes, char *buf, size_t len)
{
	const struct ps_row *r = g->closest;

	switch (c) {
	case CG_CGROUP:
		snprintf(buf, len, "%s", g->path);
		return;
	case CG_NAME:
		cgroup_name(g->path, buf, len);
		return;
	case CG_PROCS:
		snprintf(buf, len, "%zu", g->processes);
		return;
	case CG_CHARGE:
		snprintf(buf, len, "%" PRIu64, g->charge);
		return;
	case CG_SIZE:
		if (bytes)
			snprintf(buf, len, "%" PRIu64, g->charge * page_size);
		else
			format_pages(g->charge, page_size, buf, len);
		return;
	default:
		break;
	}
	if (!r) {
		snprintf(buf, len, "-");
		return;
	}
	switch (c) {
	case CG_MAPS:
		snprintf(buf, len, "%" PRIu32, r->mm.map_count);
		return;
	case CG_NEW:
		snprintf(buf, len, "%" PRId32, mm_headroom_new(&r->mm));
		return;
	case CG_SPLITS:
		snprintf(buf, len, "%" PRId32, mm_headroom_splits(&r->mm));
		return;
	default:
		snprintf(buf, len, "%" PRId32 " %s", r->pid, r->comm);
		return;
	}
}

int cg_print_table(FILE *out, const struct cg_table *cg, size_t limit,
		   uint32_t page_size, bool raw, bool noheadings, bool bytes)
{
	size_t i, n = limit && limit < cg->n ? limit : cg->n;
	char buf[4096 + 32];
	struct table tb;
	int c, err;

	table_begin(&tb, raw, noheadings);
	for (c = 0; c < CG_COLS; c++)
		table_column(&tb, cg_cols[c].name, cg_cols[c].flags);
	for (i = 0; i < n; i++) {
		table_row(&tb);
		for (c = 0; c < CG_COLS; c++) {
			cg_cell(&cg->g[i], c, page_size, bytes, buf, sizeof(buf));
			table_cell(&tb, buf);
		}
	}
	err = table_end(&tb, out);
	if (err)
		return err;
	if (!raw && !noheadings && n < cg->n)
		fprintf(out, "showing %zu of %zu cgroups (--limit)\n", n, cg->n);
	return 0;
}

void cg_print_json(FILE *out, const struct cg_table *cg, size_t limit,
		   uint32_t page_size)
{
	size_t i, n = limit && limit < cg->n ? limit : cg->n;
	const struct cg_group *g;
	char name[CGROUP_NAME_MAX];
	struct json j;

	json_init(&j, out);
	json_array_begin(&j, NULL);
	for (i = 0; i < n; i++) {
		g = &cg->g[i];
		cgroup_name(g->path, name, sizeof(name));
		json_object_begin(&j, NULL);
		if (cg->from_proc)
			json_string(&j, "source", "proc");
		json_string(&j, "cgroup", g->path);
		json_string(&j, "name", name);
		json_u64(&j, "processes", g->processes);
		json_u64(&j, "unreadable", g->unreadable);
		json_u64(&j, "charge_pages", g->charge);
		json_u64(&j, "charge_bytes", g->charge * page_size);
		if (g->closest) {
			json_u64(&j, "map_count", g->closest->mm.map_count);
			json_u64(&j, "max_map_count", g->closest->mm.max_map_count);
			json_object_begin(&j, "headroom");
			json_i64(&j, "new", mm_headroom_new(&g->closest->mm));
			json_i64(&j, "splits", mm_headroom_splits(&g->closest->mm));
			json_object_end(&j);
			json_object_begin(&j, "closest");
			json_i64(&j, "pid", g->closest->pid);
			json_string(&j, "comm", g->closest->comm);
			json_object_end(&j);
		} else {
			json_null(&j, "map_count");
			json_null(&j, "max_map_count");
			json_null(&j, "headroom");
			json_null(&j, "closest");
		}
		json_object_end(&j);
	}
	json_array_end(&j);
}
