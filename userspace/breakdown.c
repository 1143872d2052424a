// SPDX-License-Identifier: GPL-2.0
/* Committed_AS by kind of holder: see breakdown.h. */
#include <inttypes.h>
#include <stdlib.h>

#include "breakdown.h"
#include "json.h"
#include "parse.h"
#include "table.h"

static const struct {
	const char *name;
	const char *what;
} bd_kinds[VMACCT_BD_KINDS] = {
	[VMACCT_BD_PRIVATE]	= { "private", "private mappings of processes (VM_ACCOUNT)" },
	[VMACCT_BD_SYSV]	= { "sysv", "SysV shm segments, by size" },
	[VMACCT_BD_SHARED_ANON]	= { "shared_anon", "shared anonymous mappings, by size" },
	[VMACCT_BD_SHMEM_WHOLE]	= { "shmem_objects", "other kernel shmem objects, by size" },
	[VMACCT_BD_TMPFS]	= { "tmpfs", "files of tmpfs, rootfs and devtmpfs, by page" },
	[VMACCT_BD_MEMFD]	= { "memfd", "memfd_create() files, by page" },
	[VMACCT_BD_SYSV_PAGES]	= { "sysv_noreserve", "SysV segments with SHM_NORESERVE, by page" },
	[VMACCT_BD_SHARED_ANON_PAGES] = { "shared_anon_noreserve",
					  "shared anonymous with MAP_NORESERVE, by page" },
	[VMACCT_BD_SHMEM_PAGES]	= { "shmem_pages", "other kernel shmem objects, by page" },
};

const char *bd_kind_name(uint32_t kind)
{
	return kind < VMACCT_BD_KINDS ? bd_kinds[kind].name : NULL;
}

/* The kinds both this tool and the module know. */
static uint32_t kinds(const struct vmacct_breakdown *b)
{
	return b->nr_kinds < VMACCT_BD_KINDS ? b->nr_kinds : VMACCT_BD_KINDS;
}

int64_t bd_remainder(const struct vmacct_breakdown *b)
{
	int64_t r = b->committed_before;
	uint32_t i;

	for (i = 0; i < VMACCT_BD_SLOTS && i < b->nr_kinds; i++)
		r -= (int64_t)b->pages[i];
	return r;
}

uint64_t bd_drift(const struct vmacct_breakdown *b)
{
	int64_t d = b->committed_after - b->committed_before;

	return d < 0 ? (uint64_t)-d : (uint64_t)d;
}

static void size_of(uint64_t pages, uint32_t page_size, bool bytes,
		    char *buf, size_t len)
{
	if (bytes)
		snprintf(buf, len, "%" PRIu64, pages * page_size);
	else
		format_pages(pages, page_size, buf, len);
}

int bd_print_human(FILE *out, const struct vmacct_breakdown *b,
		  uint32_t page_size, const struct bd_view *v)
{
	char sz[32], num[32];
	int64_t rem = bd_remainder(b);
	struct table tb;
	uint32_t i;
	int err;

	fprintf(out, "Committed_AS accounted for: %" PRIu64 " address spaces, %" PRIu64
		" shmem inodes on %u tmpfs superblocks, walked in %.1f ms\n\n",
		(uint64_t)b->objects[VMACCT_BD_PRIVATE], (uint64_t)b->inodes,
		b->superblocks, b->walk_ns / 1e6);
	table_begin(&tb, v->raw, v->noheadings);
	table_column(&tb, "KIND", 0);
	table_column(&tb, "PAGES", SCOLS_FL_RIGHT);
	table_column(&tb, "SIZE", SCOLS_FL_RIGHT);
	table_column(&tb, "HOLDERS", SCOLS_FL_RIGHT);
	table_column(&tb, "WHAT", 0);
	for (i = 0; i < kinds(b); i++) {
		char what[160];

		table_row(&tb);
		table_cell(&tb, bd_kinds[i].name);
		snprintf(num, sizeof(num), "%" PRIu64, (uint64_t)b->pages[i]);
		table_cell(&tb, num);
		size_of(b->pages[i], page_size, v->bytes, sz, sizeof(sz));
		table_cell(&tb, sz);
		snprintf(num, sizeof(num), "%" PRIu64, (uint64_t)b->objects[i]);
		table_cell(&tb, num);
		snprintf(what, sizeof(what), "%s%s", bd_kinds[i].what,
			 i != VMACCT_BD_PRIVATE && (b->unwalked & VMACCT_BD_NO_SHMEM) ?
			 " (not walked)" : "");
		table_cell(&tb, what);
	}
	table_row(&tb);
	table_cell(&tb, "remainder");
	snprintf(num, sizeof(num), "%" PRId64, rem);
	table_cell(&tb, num);
	format_spages(rem, page_size, sz, sizeof(sz));
	if (v->bytes)
		snprintf(sz, sizeof(sz), "%" PRId64, rem * (int64_t)page_size);
	table_cell(&tb, sz);
	table_cell(&tb, "-");
	table_cell(&tb, "Committed_AS minus all of the above");
	table_row(&tb);
	table_cell(&tb, "Committed_AS");
	snprintf(num, sizeof(num), "%" PRId64, (int64_t)b->committed_before);
	table_cell(&tb, num);
	size_of((uint64_t)b->committed_before, page_size, v->bytes, sz, sizeof(sz));
	table_cell(&tb, sz);
	table_cell(&tb, "-");
	table_cell(&tb, "the exact sum, before the walk");
	err = table_end(&tb, out);
	if (err)
		return err;
	fprintf(out, "\nremainder bound: %" PRIu64 " pages (Committed_AS moved by that much during the walk: %" PRId64 " -> %" PRId64 ")",
		bd_drift(b), (int64_t)b->committed_before, (int64_t)b->committed_after);
	fputs(";\n  beyond it, charges in flight: mappings charged and not yet linked, address spaces\n"
	      "  being built by fork()/exec() or freed at exit, shmem inodes being evicted\n", out);
	if (b->mms_unread)
		fprintf(out, "  %u exiting process%s: address space no longer readable, still charged until freed\n",
			b->mms_unread, b->mms_unread == 1 ? "" : "es");
	if (b->unwalked & VMACCT_BD_NO_SHMEM)
		fputs("  shmem not walked (kernel without CONFIG_SHMEM): all of it is in the remainder\n", out);
	if (b->unwalked & VMACCT_BD_NO_DEVTMPFS)
		fputs("  devtmpfs not walked (/dev here is not devtmpfs: a container?): files written\n"
		      "  on the host's /dev are in the remainder\n", out);
	fputs("hugetlb is never charged: its pools are taken out of CommitLimit instead\n", out);
	return 0;
}

void bd_print_json(FILE *out, const struct vmacct_breakdown *b,
		   uint32_t page_size)
{
	char iso[ISO8601_STR_MAX];
	struct json j;
	uint32_t i;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "page_size", page_size);
	json_i64(&j, "committed_before_pages", b->committed_before);
	json_i64(&j, "committed_after_pages", b->committed_after);
	json_u64(&j, "committed_error_pages", b->committed_error);
	json_array_begin(&j, "kinds");
	for (i = 0; i < kinds(b); i++) {
		json_object_begin(&j, NULL);
		json_string(&j, "kind", bd_kinds[i].name);
		json_u64(&j, "pages", b->pages[i]);
		json_u64(&j, "bytes", b->pages[i] * page_size);
		json_u64(&j, "holders", b->objects[i]);
		json_bool(&j, "walked", i == VMACCT_BD_PRIVATE ||
			  !(b->unwalked & VMACCT_BD_NO_SHMEM));
		json_object_end(&j);
	}
	json_array_end(&j);
	json_i64(&j, "remainder_pages", bd_remainder(b));
	json_i64(&j, "remainder_bytes", bd_remainder(b) * (int64_t)page_size);
	json_u64(&j, "remainder_bound_pages", bd_drift(b));
	json_u64(&j, "exiting_unread", b->mms_unread);
	json_array_begin(&j, "unwalked");
	if (b->unwalked & VMACCT_BD_NO_SHMEM)
		json_string(&j, NULL, "shmem");
	if (b->unwalked & VMACCT_BD_NO_DEVTMPFS)
		json_string(&j, NULL, "devtmpfs");
	json_array_end(&j);
	json_u64(&j, "superblocks", b->superblocks);
	json_u64(&j, "inodes", b->inodes);
	json_u64(&j, "walk_ns", b->walk_ns);
	json_string(&j, "walk",
		    format_iso8601_duration(b->walk_ns, iso, sizeof(iso)));
	json_object_end(&j);
}

void bd_print_prom(FILE *out, const struct vmacct_breakdown *b,
		   uint64_t committed, uint32_t page_size)
{
	uint32_t i;

	fputs("# HELP vmacct_committed_bytes Committed_AS by kind of holder (vmacct status --breakdown); the kinds sum to Committed_AS, the exact sum as /proc/meminfo's; kind=\"remainder\" is what the walk could not attribute (all of it when the walk was not allowed).\n"
	      "# TYPE vmacct_committed_bytes gauge\n", out);
	if (!b) {
		fprintf(out, "vmacct_committed_bytes{kind=\"remainder\"} %" PRIu64 "\n",
			committed * page_size);
		return;
	}
	for (i = 0; i < kinds(b); i++)
		fprintf(out, "vmacct_committed_bytes{kind=\"%s\"} %" PRIu64 "\n",
			bd_kinds[i].name, (uint64_t)b->pages[i] * page_size);
	fprintf(out, "vmacct_committed_bytes{kind=\"remainder\"} %" PRId64 "\n",
		bd_remainder(b) * (int64_t)page_size);
}
