// SPDX-License-Identifier: GPL-2.0
/* "vmacct status" rendering and warnings: see report.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "json.h"
#include "parse.h"
#include "report.h"
#include "status-table.h"
#include "table.h"
#include "trace.h"

const char *overcommit_mode_name(uint32_t mode)
{
	switch (mode) {
	case 0: return "guess";
	case 1: return "always";
	case 2: return "never";
	default: return "unknown";
	}
}

int parse_overcommit_mode(const char *s, uint32_t *mode)
{
	uint64_t v;
	uint32_t m;

	if (!parse_u64_range(s, 0, 2, &v)) {
		*mode = (uint32_t)v;
		return 0;
	}
	for (m = 0; s && m <= 2; m++) {
		if (!strcmp(s, overcommit_mode_name(m))) {
			*mode = m;
			return 0;
		}
	}
	return -EINVAL;
}

const char *overcommit_mode_desc(uint32_t mode)
{
	switch (mode) {
	case 0: return "heuristic: only one request larger than RAM + swap is refused";
	case 1: return "always overcommit: no check at all";
	case 2: return "strict: Committed_AS may not pass CommitLimit";
	default: return "not a mode this tool knows";
	}
}

int64_t commit_headroom(const struct vmacct_commit *c)
{
	return sub_u64_signed(c->limit, c->committed);
}

static void add_warning(struct status_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_warning(struct status_warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (w->n >= STATUS_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(w->msg[w->n++], STATUS_WARNING_LEN, fmt, ap);
	va_end(ap);
}

/* error > 1% of limit, without overflow */
static bool error_above_one_percent(uint64_t error, uint64_t limit)
{
	uint64_t e100;

	if (__builtin_mul_overflow(error, (uint64_t)100, &e100))
		return true;
	return e100 > limit;
}

void status_warnings(const struct vmacct_commit *c, struct status_warnings *w)
{
	/* uint64_t copies: __u64 is not the type PRIu64 expects everywhere */
	const uint64_t limit = c->limit, committed = c->committed;
	const uint64_t admin = c->admin_reserve, user = c->user_reserve;
	const uint64_t error = c->committed_error;
	const uint64_t kbytes = c->overcommit_kbytes;
	const uint32_t mode = c->overcommit_memory;
	int64_t headroom = commit_headroom(c);
	uint64_t reserves;

	memset(w, 0, sizeof(*w));
	if (__builtin_add_overflow(admin, user, &reserves))
		reserves = UINT64_MAX;

	if (mode == 2) {
		if (committed >= limit)
			add_warning(w,
				    "mode 2 and Committed_AS above CommitLimit: every new accountable allocation will fail (Committed_AS %" PRIu64 " >= CommitLimit %" PRIu64 " pages)",
				    committed, limit);
		else if ((uint64_t)headroom < reserves)
			add_warning(w,
				    "mode 2 and headroom (%" PRId64 " pages) below the reserves (admin %" PRIu64 " + user %" PRIu64 " pages): non-root allocations fail before CommitLimit is reached",
				    headroom, admin, user);
		if (error_above_one_percent(error, limit))
			add_warning(w,
				    "mode 2 and committed_error (%" PRIu64 " pages) above 1%% of CommitLimit (%" PRIu64 " pages): verdicts near the limit are fuzzy",
				    error, limit);
	} else if (mode == 1) {
		add_warning(w,
			    "mode 1 (always): no checks at all; the OOM killer is the only brake");
	} else if (mode != 0) {
		add_warning(w,
			    "unknown overcommit_memory value %" PRIu32 "; this tool knows 0, 1 and 2",
			    mode);
	}

	if (kbytes)
		add_warning(w,
			    "overcommit_kbytes is set (%" PRIu64 " kB): it defines CommitLimit and overcommit_ratio (%" PRIu32 ") is ignored",
			    kbytes, c->overcommit_ratio);
}

/* ---- people ---- */

#define LABEL_W 24

static void row_kbytes(FILE *out, const char *label, uint64_t kbytes,
		       uint64_t pages)
{
	char sz[SIZE_STR_MAX];
	uint64_t bytes;

	if (__builtin_mul_overflow(kbytes, (uint64_t)1024, &bytes))
		bytes = UINT64_MAX;
	fprintf(out, "  %-*s %" PRIu64 " kB (%s) = %" PRIu64 " pages\n",
		LABEL_W, label, kbytes, format_size(bytes, sz, sizeof(sz)),
		pages);
}

/* CommitLimit - (Committed_AS + extra), saturating. */
static int64_t headroom_minus(const struct vmacct_commit *c, uint64_t extra)
{
	uint64_t used;

	if (__builtin_add_overflow(c->committed, extra, &used))
		used = UINT64_MAX;
	return sub_u64_signed(c->limit, used);
}

static uint64_t sum_slots(const __u64 *v)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < VMACCT_STATS_SLOTS; i++)
		sum += v[i];
	return sum;
}

/* A row of counts: a label and one or two numbers (b NULL: one). */
static void counter_row(struct table *tb, const char *label, uint64_t a,
			const uint64_t *b)
{
	char num[24];

	table_row(tb);
	table_cell(tb, label);
	snprintf(num, sizeof(num), "%" PRIu64, a);
	table_cell(tb, num);
	if (b) {
		snprintf(num, sizeof(num), "%" PRIu64, *b);
		table_cell(tb, num);
	}
}

/*
 * The counters since load, as two tables drawn as the others (-r, -n):
 * the decisions of each caller that asked and their sum, then the
 * map-count failures by system call.  0 or the first -errno.
 */
static int stats_print_human(FILE *out, const struct vmacct_stats *s,
			     const struct status_view *v)
{
	uint64_t secs = s->counting_ns / 1000000000, denied;
	const char *name;
	struct table tb;
	unsigned int i;
	int err;

	if (!s->enabled && !s->counting_ns) {
		fputs("\ncounting: off; decisions and map-count failures are not counted\n"
		      "  (start: echo 1 > /sys/kernel/vmacct/stats/enabled, or load with stats=1)\n",
		      out);
		return 0;
	}
	fprintf(out, "\ncounting %s (counted %" PRIu64 "h %02" PRIu64 "m %02" PRIu64 "s since load)\n",
		s->enabled ? "on" : "off", secs / 3600, secs / 60 % 60, secs % 60);
	table_begin(&tb, v->raw, v->noheadings);
	table_column(&tb, "decisions", 0);
	table_column(&tb, "counted", SCOLS_FL_RIGHT);
	table_column(&tb, "denied", SCOLS_FL_RIGHT);
	for (i = 0; i < VMACCT_STATS_SLOTS; i++) {
		name = trace_caller_label(i);
		denied = s->denied[i];
		if (name && s->decisions[i])
			counter_row(&tb, name, s->decisions[i], &denied);
	}
	denied = sum_slots(s->denied);
	counter_row(&tb, "all", sum_slots(s->decisions), &denied);
	err = table_end(&tb, out);
	if (err)
		return err;

	if (!sum_slots(s->map_count)) {
		fputs("\nmap-count failures: none\n", out);
	} else {
		fputc('\n', out);
		table_begin(&tb, v->raw, v->noheadings);
		table_column(&tb, "map-count failures", 0);
		table_column(&tb, "calls", SCOLS_FL_RIGHT);
		for (i = 0; i < VMACCT_STATS_SLOTS; i++) {
			name = trace_syscall_name(i);
			if (name && s->map_count[i])
				counter_row(&tb, name, s->map_count[i], NULL);
		}
		err = table_end(&tb, out);
		if (err)
			return err;
	}
	if (s->missed)
		fprintf(out, "calls not observed: %" PRIu64 " (the probes could not observe them: the counts miss them)\n",
			(uint64_t)s->missed);
	return 0;
}

int status_print_human(FILE *out, const struct vmacct_version *v,
		       const struct vmacct_commit *c,
		       const struct vmacct_stats *s,
		       const struct status_warnings *w,
		       const struct status_view *view)
{
	char mver[32], kver[32], note[160], sz[SIZE_STR_MAX];
	struct st_row rows[8];
	size_t n;
	int err;
	uint32_t ps = c->page_size;
	int64_t headroom = commit_headroom(c);
	uint64_t bytes;
	unsigned int i;

	fprintf(out, "vmacct module %s (ABI %" PRIu32 "), running on Linux %s, algorithm %s\n",
		format_version_code(v->module_version, mver, sizeof(mver)),
		v->abi_version,
		format_version_code(v->kernel_version, kver, sizeof(kver)),
		v->algorithm == VMACCT_ALGO_V5_2 ? "v5.2+" : "unknown");
	fprintf(out, "page size %" PRIu32 " bytes, %" PRIu32 " online CPUs\n",
		ps, c->online_cpus);

	fputs("\npolicy\n", out);
	fprintf(out, "  %-*s %" PRIu32 " %s (%s)\n", LABEL_W, "overcommit_memory",
		c->overcommit_memory, overcommit_mode_name(c->overcommit_memory),
		overcommit_mode_desc(c->overcommit_memory));
	if (c->overcommit_kbytes) {
		if (__builtin_mul_overflow(c->overcommit_kbytes, (uint64_t)1024, &bytes))
			bytes = UINT64_MAX;
		fprintf(out, "  %-*s %" PRIu64 " kB (%s), in force: CommitLimit = overcommit_kbytes + swap\n",
			LABEL_W, "overcommit_kbytes", (uint64_t)c->overcommit_kbytes,
			format_size(bytes, sz, sizeof(sz)));
		fprintf(out, "  %-*s %" PRIu32 "%%, ignored while overcommit_kbytes is set\n",
			LABEL_W, "overcommit_ratio", c->overcommit_ratio);
	} else {
		fprintf(out, "  %-*s %" PRIu32 "%%, in force: CommitLimit = (RAM - hugetlb) × %" PRIu32 "%% + swap\n",
			LABEL_W, "overcommit_ratio", c->overcommit_ratio,
			c->overcommit_ratio);
	}
	row_kbytes(out, "admin_reserve_kbytes", c->admin_reserve_kbytes,
		   c->admin_reserve);
	row_kbytes(out, "user_reserve_kbytes", c->user_reserve_kbytes,
		   c->user_reserve);
	fprintf(out, "  %-*s %" PRIu32 " mappings per process\n", LABEL_W,
		"max_map_count", c->max_map_count);

	n = 0;
	rows[n++] = (struct st_row){ "CommitLimit", "limit", (int64_t)c->limit, NULL };
	rows[n++] = (struct st_row){ "Committed_AS", "committed", (int64_t)c->committed,
				     "exact sum, as /proc/meminfo" };
	snprintf(note, sizeof(note),
		 "what the kernel compares, +/- %" PRIu64 " pages (%" PRIu32 " CPUs x (batch %" PRIu32 " - 1))",
		 (uint64_t)c->committed_error, c->online_cpus, c->committed_batch);
	rows[n++] = (struct st_row){ "committed, as compared", "committed_read",
				     (int64_t)c->committed_read, note };
	rows[n++] = (struct st_row){ "headroom", "headroom", headroom,
				     "CommitLimit - Committed_AS" };
	if (c->overcommit_memory == 2) {
		uint64_t both;

		if (__builtin_add_overflow(c->admin_reserve, c->user_reserve, &both))
			both = UINT64_MAX;
		rows[n++] = (struct st_row){ "headroom, root", "headroom_root",
					     headroom_minus(c, c->user_reserve),
					     "minus the user reserve (worst case)" };
		rows[n++] = (struct st_row){ "headroom, non-root", "headroom_nonroot",
					     headroom_minus(c, both),
					     "minus the admin and user reserves (worst case)" };
	}
	rows[n++] = (struct st_row){ "mode-0 ceiling", "guess_ceiling", (int64_t)c->guess_ceiling,
				     "largest single request mode 0 accepts (RAM + swap)" };
	err = status_table_print(out, "commit", rows, n, view, ps);
	if (err)
		return err;

	n = 0;
	rows[n++] = (struct st_row){ "RAM", "totalram", (int64_t)c->totalram, NULL };
	rows[n++] = (struct st_row){ "swap total", "total_swap", (int64_t)c->total_swap, NULL };
	rows[n++] = (struct st_row){ "swap free", "free_swap", (int64_t)c->free_swap, NULL };
	rows[n++] = (struct st_row){ "hugetlb", "hugetlb", (int64_t)c->hugetlb,
				     "huge page pools, outside CommitLimit" };
	err = status_table_print(out, "memory", rows, n, view, ps);
	if (err)
		return err;
	if (s) {
		err = stats_print_human(out, s, view);
		if (err)
			return err;
	}

	if (w->n)
		fputc('\n', out);
	for (i = 0; i < w->n; i++)
		fprintf(out, "warning: %s\n", w->msg[i]);
	return 0;
}

/* ---- JSON ---- */

/* "key": {"name": v[kind], ...} over every known kind */
static void json_by_kind(struct json *j, const char *key,
			 const char *(*kind)(uint32_t), const __u64 *v)
{
	uint32_t i;

	json_object_begin(j, key);
	for (i = 0; i < VMACCT_STATS_SLOTS; i++)
		if (kind(i))
			json_u64(j, kind(i), v[i]);
	json_object_end(j);
}

void status_print_json(FILE *out, const struct vmacct_version *v,
		       const struct vmacct_commit *c,
		       const struct vmacct_stats *s,
		       const struct status_warnings *w)
{
	char ver[32], iso[ISO8601_STR_MAX];
	struct json j;
	unsigned int i;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "abi_version", v->abi_version);
	json_string(&j, "module_version",
		    format_version_code(v->module_version, ver, sizeof(ver)));
	json_string(&j, "kernel_version",
		    format_version_code(v->kernel_version, ver, sizeof(ver)));
	json_u64(&j, "algorithm", v->algorithm);
	json_u64(&j, "overcommit_memory", c->overcommit_memory);
	json_string(&j, "mode_name", overcommit_mode_name(c->overcommit_memory));
	json_u64(&j, "overcommit_ratio", c->overcommit_ratio);
	json_u64(&j, "max_map_count", c->max_map_count);
	json_u64(&j, "online_cpus", c->online_cpus);
	json_u64(&j, "page_size", c->page_size);
	json_u64(&j, "committed_batch", c->committed_batch);
	json_u64(&j, "overcommit_kbytes", c->overcommit_kbytes);
	json_u64(&j, "admin_reserve_kbytes", c->admin_reserve_kbytes);
	json_u64(&j, "user_reserve_kbytes", c->user_reserve_kbytes);
	json_u64(&j, "limit", c->limit);
	json_u64(&j, "committed", c->committed);
	json_u64(&j, "committed_read", c->committed_read);
	json_u64(&j, "committed_error", c->committed_error);
	json_i64(&j, "headroom", commit_headroom(c));
	json_u64(&j, "totalram", c->totalram);
	json_u64(&j, "total_swap", c->total_swap);
	json_u64(&j, "free_swap", c->free_swap);
	json_u64(&j, "hugetlb", c->hugetlb);
	json_u64(&j, "admin_reserve", c->admin_reserve);
	json_u64(&j, "user_reserve", c->user_reserve);
	json_u64(&j, "guess_ceiling", c->guess_ceiling);
	if (s) {
		json_object_begin(&j, "stats");
		json_bool(&j, "enabled", s->enabled);
		json_u64(&j, "counting_ns", s->counting_ns);
		json_string(&j, "counting",
			    format_iso8601_duration(s->counting_ns, iso,
						    sizeof(iso)));
		json_u64(&j, "missed", s->missed);
		json_by_kind(&j, "decisions", trace_caller_name, s->decisions);
		json_by_kind(&j, "denied", trace_caller_name, s->denied);
		json_by_kind(&j, "map_count", trace_syscall_name, s->map_count);
		json_object_end(&j);
	} else {
		json_null(&j, "stats");
	}
	json_array_begin(&j, "warnings");
	for (i = 0; i < w->n; i++)
		json_string(&j, NULL, w->msg[i]);
	json_array_end(&j);
	json_object_end(&j);
}
