// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream for people and scripts: see trace.h.
 *
 * Each decision line ends with the comparison the kernel made, in the
 * kernel's own terms: mode 2 allows iff committed < allowed (committed
 * read right after the charge), mode 0 iff pages <= guess_ceiling, mode 1
 * always.  The operator printed is the one the record's numbers satisfy;
 * when that disagrees with the verdict (a sysctl write or a counter fold
 * on another CPU between the kernel's read and the module's), the line
 * says so rather than print a comparison that is false.
 *
 * Map-count lines show the check of that system call that failed (see
 * VMACCT_IOC_MM's headrooms): mmap() and brk() fail once map_count >
 * max, munmap() once map_count >= max, the calls that split a VMA at
 * both ends (mprotect, madvise, mlock, munlock) once map_count >=
 * max - 1, and mremap() once map_count >= max - 3 (a move) or max - 5
 * (MREMAP_FIXED, MREMAP_DONTUNMAP), which the record does not tell apart;
 * from 6.17 every mremap() fails at max - 3, or max - 4 with
 * MREMAP_DONTUNMAP.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "cgroup.h"
#include "escape.h"
#include "json.h"
#include "parse.h"
#include "trace.h"
#include "tool.h"

void trace_filter_request(const struct trace_filter *f,
			  struct vmacct_trace *t)
{
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	if (f->denied)
		t->flags |= VMACCT_TRACE_DENIED;
	if (f->no_decisions)
		t->flags |= VMACCT_TRACE_NO_DECISIONS;
	if (f->no_map_count)
		t->flags |= VMACCT_TRACE_NO_MAP_COUNT;
	t->pid = f->pid;
	t->tgid = f->tgid;
}

const char *trace_record_problem(const struct vmacct_event *ev, char *buf,
				 size_t len)
{
	if (ev->version != VMACCT_EVENT_VERSION) {
		snprintf(buf, len,
			 "record version %u, this tool reads version %d",
			 ev->version, VMACCT_EVENT_VERSION);
		return buf;
	}
	if (ev->size != sizeof(*ev)) {
		snprintf(buf, len,
			 "record of %u bytes, this tool reads %zu-byte records",
			 ev->size, sizeof(*ev));
		return buf;
	}
	return NULL;
}

const char *trace_type_name(uint32_t type)
{
	switch (type) {
	case VMACCT_EV_DECISION:	return "decision";
	case VMACCT_EV_MAP_COUNT:	return "map_count";
	default:			return NULL;
	}
}

const char *trace_caller_name(uint32_t caller)
{
	switch (caller) {
	case VMACCT_CALLER_OTHER:		return "other";
	case VMACCT_CALLER_MMAP:		return "mmap";
	case VMACCT_CALLER_BRK:			return "brk";
	case VMACCT_CALLER_MPROTECT:		return "mprotect";
	case VMACCT_CALLER_MREMAP:		return "mremap";
	case VMACCT_CALLER_FORK:		return "fork";
	case VMACCT_CALLER_EXEC_STACK:		return "exec_stack";
	case VMACCT_CALLER_STACK_GROWTH:	return "stack_growth";
	case VMACCT_CALLER_SHMEM:		return "shmem";
	case VMACCT_CALLER_SWAPOFF:		return "swapoff";
	default:				return NULL;
	}
}

const char *trace_caller_label(uint32_t caller)
{
	switch (caller) {
	case VMACCT_CALLER_EXEC_STACK:		return "exec stack";
	case VMACCT_CALLER_STACK_GROWTH:	return "stack growth";
	default:				return trace_caller_name(caller);
	}
}

const char *trace_syscall_name(uint32_t sys)
{
	switch (sys) {
	case VMACCT_SYS_MMAP:		return "mmap";
	case VMACCT_SYS_MUNMAP:		return "munmap";
	case VMACCT_SYS_MPROTECT:	return "mprotect";
	case VMACCT_SYS_MREMAP:		return "mremap";
	case VMACCT_SYS_BRK:		return "brk";
	case VMACCT_SYS_MADVISE:	return "madvise";
	case VMACCT_SYS_MLOCK:		return "mlock";
	case VMACCT_SYS_MUNLOCK:	return "munlock";
	default:			return NULL;
	}
}

uint64_t trace_realtime_ns(uint64_t time_ns, int64_t realtime_offset_ns)
{
	if (realtime_offset_ns < 0) {
		uint64_t back = (uint64_t)-(realtime_offset_ns + 1) + 1;

		return time_ns > back ? time_ns - back : 0;
	}
	if (time_ns > UINT64_MAX - (uint64_t)realtime_offset_ns)
		return UINT64_MAX;
	return time_ns + (uint64_t)realtime_offset_ns;
}

/* "HH:MM:SS.uuuuuu", local time. */
static void format_clock(char *buf, size_t len, uint64_t time_ns,
			 int64_t realtime_offset_ns)
{
	uint64_t rt = trace_realtime_ns(time_ns, realtime_offset_ns);
	time_t secs = (time_t)(rt / 1000000000U);
	unsigned int usec = (unsigned int)(rt % 1000000000U / 1000U);
	struct tm tm;
	size_t n;

	if (!localtime_r(&secs, &tm) ||
	    !(n = strftime(buf, len, "%H:%M:%S", &tm))) {
		snprintf(buf, len, "%" PRIu64 ".%06u", rt / 1000000000U, usec);
		return;
	}
	snprintf(buf + n, len - n, ".%06u", usec);
}

static const char *plural(int64_t n)
{
	return n == 1 ? "" : "s";
}

/*
 * Mode 2's comparison: "committed C < allowed A = limit L − admin X −
 * user U".  Returns whether the terms allow.
 */
static bool print_mode2(FILE *out, const struct vmacct_event *ev)
{
	bool allow = ev->committed < ev->allowed;

	fprintf(out, "committed %" PRId64 " %s allowed %" PRId64
		" = limit %" PRIu64 " − admin %" PRIu64 "%s − user %" PRIu64,
		(int64_t)ev->committed, allow ? "<" : "≥",
		(int64_t)ev->allowed, (uint64_t)ev->limit,
		(uint64_t)ev->admin_reserve,
		ev->as_admin ? " (waived: CAP_SYS_ADMIN)" : "",
		(uint64_t)ev->user_reserve);
	return allow;
}

/* Mode 0's: "P ≤ ceiling G". */
static bool print_mode0(FILE *out, const struct vmacct_event *ev)
{
	bool allow = ev->pages < 0 ||
		     (uint64_t)ev->pages <= (uint64_t)ev->guess_ceiling;

	fprintf(out, "%" PRId64 " %s ceiling %" PRIu64, (int64_t)ev->pages,
		allow ? "≤" : ">", (uint64_t)ev->guess_ceiling);
	return allow;
}

static void print_decision(FILE *out, const struct vmacct_event *ev)
{
	const char *caller = trace_caller_label(ev->caller);
	bool known = true, allow = true;

	if (caller)
		fprintf(out, "%s: ", caller);
	else
		fprintf(out, "caller %u: ", ev->caller);
	fprintf(out, "%" PRId64 " page%s ", (int64_t)ev->pages,
		plural(ev->pages));
	if (ev->verdict == 0)
		fputs("allowed", out);
	else if (ev->verdict == -ENOMEM)
		fputs("DENIED", out);
	else
		fprintf(out, "verdict %d", ev->verdict);
	fprintf(out, " (mode %u) — ", ev->mode);

	switch (ev->mode) {
	case 0:
		allow = print_mode0(out, ev);
		break;
	case 1:
		fputs("always", out);
		break;
	case 2:
		allow = print_mode2(out, ev);
		break;
	default:
		fputs("a mode this tool does not know", out);
		known = false;
	}
	if (known && (ev->verdict == 0 || ev->verdict == -ENOMEM) &&
	    allow != (ev->verdict == 0))
		fputs(" (the terms changed on another CPU during the call)",
		      out);
}

static void print_map_count(FILE *out, const struct vmacct_event *ev)
{
	const char *sys = trace_syscall_name(ev->caller);
	int64_t max = ev->max_map_count;

	if (sys)
		fprintf(out, "%s: ", sys);
	else
		fprintf(out, "system call %u: ", ev->caller);
	if (ev->verdict == -ENOMEM)
		fputs("ENOMEM: ", out);
	else
		fprintf(out, "error %d: ", ev->verdict);

	switch (ev->caller) {
	case VMACCT_SYS_MMAP:
	case VMACCT_SYS_BRK:
		fprintf(out, "map_count %u > max %u (max_map_count)",
			ev->map_count, ev->max_map_count);
		break;
	case VMACCT_SYS_MUNMAP:
		fprintf(out, "map_count %u ≥ max %u (max_map_count)",
			ev->map_count, ev->max_map_count);
		break;
	case VMACCT_SYS_MPROTECT:
	case VMACCT_SYS_MADVISE:
	case VMACCT_SYS_MLOCK:
	case VMACCT_SYS_MUNLOCK:
		fprintf(out, "map_count %u ≥ max − 1 = %" PRId64
			" (max_map_count %u; a split at each end)",
			ev->map_count, max - 1, ev->max_map_count);
		break;
	case VMACCT_SYS_MREMAP:
		fprintf(out, "map_count %u ≥ max − 5 … max − 3 = %" PRId64
			" … %" PRId64 " (max_map_count %u: − 3 for a move, every call since 6.17; − 5 with MREMAP_FIXED or MREMAP_DONTUNMAP, − 4 with MREMAP_DONTUNMAP since 6.17)",
			ev->map_count, max - 5, max - 3, ev->max_map_count);
		break;
	default:
		fprintf(out, "map_count %u, max %u (max_map_count)",
			ev->map_count, ev->max_map_count);
	}
}

void trace_print_body(FILE *out, const struct vmacct_event *ev)
{
	esc_write_n(out, ev->comm, strnlen(ev->comm, sizeof(ev->comm)), ESC_TEXT);
	fprintf(out, "[%u/%u] ", ev->tgid, ev->pid);
	if (ev->type == VMACCT_EV_DECISION)
		print_decision(out, ev);
	else if (ev->type == VMACCT_EV_MAP_COUNT)
		print_map_count(out, ev);
	else
		fprintf(out, "event type %u, unknown to this tool", ev->type);
}

void trace_print_event(FILE *out, const struct vmacct_event *ev,
		       int64_t realtime_offset_ns)
{
	char clock[64];

	const char *cgroup = cgroup_path_of_id(ev->cgroup_id);

	format_clock(clock, sizeof(clock), ev->time_ns, realtime_offset_ns);
	fprintf(out, "%s ", clock);
	trace_print_body(out, ev);
	if (cgroup && strcmp(cgroup, "/")) {	/* the root says nothing */
		fputs(" [cgroup ", out);
		esc_write(out, cgroup, ESC_TEXT);
		fputc(']', out);
	}
	fputc('\n', out);
}

/* name, or "unknown-N" in buf. */
static const char *name_or_number(const char *name, uint32_t n, char *buf,
				  size_t len)
{
	if (name)
		return name;
	snprintf(buf, len, "unknown-%u", n);
	return buf;
}

void trace_json_fields(struct json *j, const struct vmacct_event *ev,
		       uint64_t realtime)
{
	char comm[sizeof(ev->comm) + 1], type[32], caller[32];
	char iso[ISO8601_STR_MAX];
	const char *cname, *cgroup;

	if (ev->type == VMACCT_EV_DECISION)
		cname = trace_caller_name(ev->caller);
	else if (ev->type == VMACCT_EV_MAP_COUNT)
		cname = trace_syscall_name(ev->caller);
	else
		cname = NULL;	/* whose numbers? */
	/* the record's field need not be terminated */
	memcpy(comm, ev->comm, sizeof(ev->comm));
	comm[sizeof(ev->comm)] = '\0';
	json_u64(j, "version", ev->version);
	json_string(j, "type", name_or_number(trace_type_name(ev->type),
					       ev->type, type, sizeof(type)));
	json_u64(j, "size", ev->size);
	json_u64(j, "time_ns", ev->time_ns);
	json_u64(j, "realtime_ns", realtime);
	json_string(j, "realtime",
		    format_iso8601_utc(realtime, iso, sizeof(iso)));
	json_u64(j, "pid", ev->tgid);
	json_u64(j, "tid", ev->pid);
	json_string(j, "comm", comm);
	json_string(j, "caller", name_or_number(cname, ev->caller, caller,
						 sizeof(caller)));
	json_u64(j, "mode", ev->mode);
	json_i64(j, "verdict", ev->verdict);
	json_bool(j, "denied", ev->verdict != 0);
	json_bool(j, "as_admin", ev->as_admin);
	json_i64(j, "pages", ev->pages);
	json_u64(j, "map_count", ev->map_count);
	json_u64(j, "max_map_count", ev->max_map_count);
	json_u64(j, "total_vm", ev->total_vm);
	json_u64(j, "limit", ev->limit);
	json_u64(j, "admin_reserve", ev->admin_reserve);
	json_u64(j, "user_reserve", ev->user_reserve);
	json_i64(j, "allowed", ev->allowed);
	json_i64(j, "committed", ev->committed);
	json_u64(j, "guess_ceiling", ev->guess_ceiling);
	json_u64(j, "cgroup_id", ev->cgroup_id);
	cgroup = cgroup_path_of_id(ev->cgroup_id);
	if (cgroup)
		json_string(j, "cgroup", cgroup);
	else
		json_null(j, "cgroup");
}

void trace_print_event_json(FILE *out, const struct vmacct_event *ev,
			    int64_t realtime_offset_ns)
{
	struct json j;

	json_init_compact(&j, out);
	json_object_begin(&j, NULL);
	trace_json_fields(&j, ev, trace_realtime_ns(ev->time_ns,
						    realtime_offset_ns));
	json_object_end(&j);
}

void trace_count(struct trace_totals *t, const struct vmacct_event *ev)
{
	t->shown++;
	if (ev->type == VMACCT_EV_DECISION && ev->verdict)
		t->denied++;
	else if (ev->type == VMACCT_EV_MAP_COUNT)
		t->map_count++;
}

void trace_print_totals(FILE *out, const struct trace_totals *t)
{
	fprintf(out, "vmacct: trace: %" PRIu64 " event%s shown, %" PRIu64
		" denied, %" PRIu64 " map-count failure%s; ",
		t->shown, plural((int64_t)t->shown), t->denied, t->map_count,
		plural((int64_t)t->map_count));
	if (t->have_dropped)
		fprintf(out, "%" PRIu64, t->dropped);
	else
		fputc('?', out);
	fputs(" dropped (ring full), ", out);
	if (t->have_missed)
		fprintf(out, "%" PRIu64, t->missed);
	else
		fputc('?', out);
	fputs(" missed (" VMACCT_TRACE_MISSED_PATH ")", out);
	if (t->have_dropped && t->dropped)
		fputs(" — to drop fewer: raise " VMACCT_TRACE_BUFFER_SIZE_PATH
		      " (for new readers) or narrow the filter (--denied, --pid, --tid)",
		      out);
	fputc('\n', out);
}
