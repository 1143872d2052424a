// SPDX-License-Identifier: GPL-2.0
/*
 * One recorder record, for people and for scripts.  See record.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "json.h"
#include "parse.h"
#include "record.h"
#include "trace.h"

const char *record_problem(const struct vmacct_record *rec, uint32_t size,
			   char *buf, size_t len)
{
	char why[128];
	const char *p;

	if (size < VMACCT_RECORD_SIZE_VER0) {
		snprintf(buf, len, "a record of %u bytes, less than %u",
			 size, VMACCT_RECORD_SIZE_VER0);
		return buf;
	}
	p = trace_record_problem(&rec->ev, why, sizeof(why));
	if (p) {
		snprintf(buf, len, "record #%" PRIu64 ": %s",
			 (uint64_t)rec->seq, p);
		return buf;
	}
	return NULL;
}

const char *record_fix(const struct vmacct_record *rec, char *buf,
		       size_t len)
{
	const struct vmacct_event *ev = &rec->ev;

	if (ev->type == VMACCT_EV_MAP_COUNT) {
		if (rec->min_max_map_count <= 0 ||
		    rec->min_max_map_count > INT32_MAX)
			snprintf(buf, len, "no vm.max_map_count would have allowed it");
		else
			snprintf(buf, len, "vm.max_map_count ≥ %" PRId64
				 " would have allowed it",
				 (int64_t)rec->min_max_map_count);
		return buf;
	}
	switch (ev->mode) {
	case 0:
		snprintf(buf, len, "only RAM + swap above %" PRId64
			 " pages, or vm.overcommit_memory=1, would have allowed it",
			 (int64_t)ev->pages - 1);
		break;
	case 2:
		if (rec->min_ratio == VMACCT_RATIO_NONE)
			snprintf(buf, len, "no vm.overcommit_ratio would have; vm.overcommit_kbytes ≥ %"
				 PRIu64 " would have allowed it",
				 (uint64_t)rec->min_kbytes);
		else
			snprintf(buf, len, "vm.overcommit_ratio ≥ %u or vm.overcommit_kbytes ≥ %"
				 PRIu64 " would have allowed it",
				 rec->min_ratio, (uint64_t)rec->min_kbytes);
		break;
	default:
		snprintf(buf, len, "a mode this tool does not know");
	}
	return buf;
}

void record_print(FILE *out, const struct vmacct_record *rec)
{
	char iso[ISO8601_STR_MAX], fix[200];

	fprintf(out, "#%" PRIu64 " %s ", (uint64_t)rec->seq,
		format_iso8601_utc((uint64_t)rec->realtime_ns, iso,
				   sizeof(iso)));
	trace_print_body(out, &rec->ev);
	fprintf(out, " — %s\n", record_fix(rec, fix, sizeof(fix)));
}

void record_print_json(FILE *out, const struct vmacct_record *rec)
{
	bool decision = rec->ev.type == VMACCT_EV_DECISION;
	bool mode2 = decision && rec->ev.mode == 2;
	char fix[200];
	struct json j;

	json_init_compact(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "seq", rec->seq);
	trace_json_fields(&j, &rec->ev, (uint64_t)rec->realtime_ns);
	json_u64(&j, "boottime_ns", rec->boottime_ns);
	/* 0: a module older than the field (local_clock() is never 0 then) */
	if (rec->printk_ns)
		json_u64(&j, "printk_ns", rec->printk_ns);
	else
		json_null(&j, "printk_ns");
	json_u64(&j, "uid", rec->uid);
	if (decision)
		json_u64(&j, "committed_error", rec->committed_error);
	else
		json_null(&j, "committed_error");
	if (mode2 && rec->min_ratio != VMACCT_RATIO_NONE)
		json_u64(&j, "min_ratio", rec->min_ratio);
	else
		json_null(&j, "min_ratio");
	if (mode2)
		json_u64(&j, "min_kbytes", rec->min_kbytes);
	else
		json_null(&j, "min_kbytes");
	if (!decision && rec->min_max_map_count > 0)
		json_i64(&j, "min_max_map_count", rec->min_max_map_count);
	else
		json_null(&j, "min_max_map_count");
	json_string(&j, "fix", record_fix(rec, fix, sizeof(fix)));
	json_object_end(&j);
}

void peak_print_header(FILE *out)
{
	fprintf(out, "%8s %8s %8s %6s  %-27s %s\n", "PID", "PEAK", "MAX",
		"%MAX", "SEEN", "COMM");
}

void peak_print(FILE *out, const struct vmacct_peak *p)
{
	char iso[ISO8601_STR_MAX];

	fprintf(out, "%8d %8u %8u %5.1f%%  %-27s ", p->tgid, p->peak,
		p->max_map_count,
		p->max_map_count ? 100.0 * p->peak / p->max_map_count : 0.0,
		format_iso8601_utc((uint64_t)p->realtime_ns, iso, sizeof(iso)));
	esc_write_n(out, p->comm, strnlen(p->comm, sizeof(p->comm)), ESC_TEXT);
	fputc('\n', out);
}

void peak_print_json(FILE *out, const struct vmacct_peak *p)
{
	char iso[ISO8601_STR_MAX], comm[sizeof(p->comm) + 1];
	struct json j;

	memcpy(comm, p->comm, sizeof(p->comm));
	comm[sizeof(p->comm)] = '\0';
	json_init_compact(&j, out);
	json_object_begin(&j, NULL);
	json_i64(&j, "pid", p->tgid);
	json_string(&j, "comm", comm);
	json_u64(&j, "peak", p->peak);
	json_u64(&j, "max_map_count", p->max_map_count);
	json_u64(&j, "uid", p->uid);
	json_u64(&j, "cgroup_id", p->cgroup_id);
	json_i64(&j, "realtime_ns", p->realtime_ns);
	json_string(&j, "seen", format_iso8601_utc((uint64_t)p->realtime_ns,
						   iso, sizeof(iso)));
	json_u64(&j, "start_boottime_ns", p->start_boottime_ns);
	/* CLOCK_BOOTTIME: a duration since this boot, all nine digits */
	json_string(&j, "start_boottime",
		    format_iso8601_duration(p->start_boottime_ns, iso,
					    sizeof(iso)));
	json_object_end(&j);
}

/* "mmap" of a decision, "mprotect map-count failure" of a system call. */
static void overwrite_kind(const struct vmacct_overwrite *g, char *buf,
			   size_t len)
{
	const char *name;

	if (g->type == VMACCT_EV_MAP_COUNT) {
		name = trace_syscall_name(g->caller);
		if (name)
			snprintf(buf, len, "%s map-count failure", name);
		else
			snprintf(buf, len, "system call %u map-count failure",
				 g->caller);
		return;
	}
	name = trace_caller_label(g->caller);
	if (name)
		snprintf(buf, len, "%s refusal", name);
	else
		snprintf(buf, len, "caller %u refusal", g->caller);
}

void overwrite_print(FILE *out, const struct vmacct_overwrite *g)
{
	char first[ISO8601_STR_MAX], last[ISO8601_STR_MAX], kind[64];
	const char *s = g->count == 1 ? "" : "s";

	format_iso8601_utc((uint64_t)g->first_ns, first, sizeof(first));
	format_iso8601_utc((uint64_t)g->last_ns, last, sizeof(last));
	if (g->flags & VMACCT_OVERWRITE_REST) {
		fprintf(out, "and %" PRIu64 " more refusal%s of other processes",
			(uint64_t)g->count, s);
	} else {
		overwrite_kind(g, kind, sizeof(kind));
		fprintf(out, "and %" PRIu64 " more %s%s of ",
			(uint64_t)g->count, kind, s);
		esc_write_n(out, g->comm, strnlen(g->comm, sizeof(g->comm)),
			    ESC_TEXT);
		fprintf(out, "[%d]", g->tgid);
	}
	if (g->count == 1)
		fprintf(out, " at %s (#%" PRIu64 "), overwritten\n", last,
			(uint64_t)g->last_seq);
	else
		fprintf(out, " from %s to %s (the last #%" PRIu64
			"), overwritten\n", first, last,
			(uint64_t)g->last_seq);
}

void overwrite_print_json(FILE *out, const struct vmacct_overwrite *g)
{
	char iso[ISO8601_STR_MAX], comm[sizeof(g->comm) + 1], num[16];
	bool rest = g->flags & VMACCT_OVERWRITE_REST;
	const char *name;
	struct json j;

	memcpy(comm, g->comm, sizeof(g->comm));
	comm[sizeof(g->comm)] = '\0';
	json_init_compact(&j, out);
	json_object_begin(&j, NULL);
	json_string(&j, "type", "overwritten");
	json_u64(&j, "count", g->count);
	if (rest) {
		json_null(&j, "kind");
		json_null(&j, "caller");
		json_null(&j, "pid");
		json_null(&j, "comm");
		json_null(&j, "uid");
		json_null(&j, "cgroup_id");
	} else {
		json_string(&j, "kind", trace_type_name(g->type) ?
			    trace_type_name(g->type) : "unknown");
		name = g->type == VMACCT_EV_MAP_COUNT ?
		       trace_syscall_name(g->caller) :
		       trace_caller_name(g->caller);
		if (!name) {
			snprintf(num, sizeof(num), "%u", g->caller);
			name = num;
		}
		json_string(&j, "caller", name);
		json_i64(&j, "pid", g->tgid);
		json_string(&j, "comm", comm);
		json_u64(&j, "uid", g->uid);
		json_u64(&j, "cgroup_id", g->cgroup_id);
	}
	json_i64(&j, "first_ns", g->first_ns);
	json_string(&j, "first", format_iso8601_utc((uint64_t)g->first_ns,
						    iso, sizeof(iso)));
	json_i64(&j, "last_ns", g->last_ns);
	json_string(&j, "last", format_iso8601_utc((uint64_t)g->last_ns,
						   iso, sizeof(iso)));
	json_u64(&j, "last_seq", g->last_seq);
	json_object_end(&j);
}
