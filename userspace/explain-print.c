// SPDX-License-Identifier: GPL-2.0
/*
 * "vmacct explain" for people and for scripts: one line of the kernel,
 * its record or why it has none, and the reconstruction.  See explain.h.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "explain.h"
#include "json.h"
#include "parse.h"
#include "record.h"
#include "verdict.h"

static void print_line_head(FILE *out, const struct explain_out *a)
{
	fprintf(out, "line %lu: ", a->number);
	esc_write_n(out, a->l->text, a->l->len, ESC_TEXT);
	fputc('\n', out);
}

static void print_fork_note(FILE *out, const struct vmacct_record *r)
{
	if (r->ev.caller != VMACCT_CALLER_FORK)
		return;
	fprintf(out, "  fork(): the kernel charges the parent's VMAs one call each and prints one line per refused call: this is the charge of ONE VMA (%lld pages), not the whole fork; for the whole fork, if process %u still exists: vmacct fork-check %u\n",
		(long long)r->ev.pages, r->ev.tgid, r->ev.tgid);
}

static const char *pages_word(int64_t n)
{
	return n == 1 ? "page" : "pages";
}

/* The mode-2 terms, and what the margin means: with or without a size. */
static void print_recon_mode2(FILE *out, const struct explain_out *a)
{
	const struct vmacct_eval *e = a->eval;
	char note[128], sz[SIZE_STR_MAX];

	fprintf(out, " — committed %llu (± %llu)%s, allowed %lld = limit %llu − admin %llu − user %llu: ",
		(unsigned long long)e->committed_read, (unsigned long long)e->committed_error,
		a->l->has_bytes ? " + the request" : "", (long long)e->allowed,
		(unsigned long long)e->limit, (unsigned long long)e->admin_reserve,
		(unsigned long long)e->user_reserve);
	if (a->l->has_bytes)
		fprintf(out, "%s\n", format_margin_note(e->margin, a->c->page_size, note, sizeof(note)));
	else if (e->margin >= 0)
		fprintf(out, "a request of at most %lld %s (%s) would pass now\n", (long long)e->margin,
			pages_word(e->margin),
			format_pages((uint64_t)e->margin, a->c->page_size, sz, sizeof(sz)));
	else
		fputs("no request would pass now\n", out);
}

static void print_recon(FILE *out, const struct explain_out *a)
{
	const struct vmacct_eval *e = a->eval;
	char sz[SIZE_STR_MAX], fix[256];

	fputs("  RECONSTRUCTION from the terms of now (NOT the kernel's decision then):\n    ", out);
	if (!e) {
		fputs("none: the line's size is more pages than a dry run takes\n", out);
		return;
	}
	if (a->l->has_bytes)
		fprintf(out, "%lld %s (%s) in mode %u now: %s", (long long)e->pages,
			pages_word(e->pages),
			format_pages((uint64_t)e->pages, a->c->page_size, sz, sizeof(sz)),
			e->mode, verdict_word(e->verdict));
	else
		fprintf(out, "the line does not say the size (the 6.1 format prints none); mode %u now",
			e->mode);
	if (e->mode == 2)
		print_recon_mode2(out, a);
	else if (e->mode == 0)
		fprintf(out, " — one request above RAM + swap, %llu pages, is refused\n",
			(unsigned long long)e->guess_ceiling);
	else
		fputs(" — mode 1 refuses nothing: the system was in mode 0 or 2 then\n", out);
	fprintf(out, "    assumed: a process without CAP_SYS_ADMIN (admin reserve %llu pages) and no user reserve — the process may be gone; with its total_vm the user reserve would take up to %llu pages more\n",
		(unsigned long long)e->admin_reserve, (unsigned long long)a->c->user_reserve);
	if (a->l->has_bytes && e->mode != 1)
		fprintf(out, "    fix now: %s\n", explain_recon_fix(e, a->c, fix, sizeof(fix)));
}

void explain_print(FILE *out, const struct explain_out *a)
{
	const struct vmacct_record *r = a->rec;
	char fix[200], t[128];
	int64_t d;

	print_line_head(out, a);
	if (a->l->kind == EXPLAIN_SUPPRESSED) {
		fprintf(out, "  the kernel's ratelimit (10 lines per 5 s) did not print %" PRIu64
			" refusal%s before this line; \"vmacct log\" has them, if the recorder was on\n\n",
			a->l->suppressed, a->l->suppressed == 1 ? "" : "s");
		return;
	}
	if (!r) {
		fprintf(out, "  no record: %s\n", a->reason_text);
		print_recon(out, a);
		fputc('\n', out);
		return;
	}
	if (!a->l->has_time)
		snprintf(t, sizeof(t), ", the oldest such not taken by another line: this line has no kernel time stamp");
	else {
		d = (int64_t)(a->l->time_ns - explain_record_clock(r));
		snprintf(t, sizeof(t), ", time stamps %" PRIu64 ".%06" PRIu64 " s apart",
			 (uint64_t)(d < 0 ? -d : d) / 1000000000U,
			 (uint64_t)(d < 0 ? -d : d) % 1000000000U / 1000);
	}
	fprintf(out, "  the kernel's decision: record #%" PRIu64 " (thread %u, the same name, %"
		PRId64 " pages%s%s):\n  ", (uint64_t)r->seq, r->ev.pid,
		(int64_t)r->ev.pages,
		a->l->has_bytes ? " = the line's bytes" : " (the line does not say its size)", t);
	record_print(out, r);
	fprintf(out, "  fix: %s\n", record_fix(r, fix, sizeof(fix)));
	print_fork_note(out, r);
	fputc('\n', out);
}

/* A member whose value is written as is: compact writer only. */
static void json_raw_key(struct json *j, const char *key)
{
	if (j->has_items[j->depth])
		fputc(',', j->out);
	j->has_items[j->depth] = true;
	json_write_string(j->out, key);
	fputc(':', j->out);
}

static void json_bytes(struct json *j, const char *key, const char *s, size_t n)
{
	json_raw_key(j, key);
	fputc('"', j->out);
	esc_write_n(j->out, s, n, ESC_JSON);
	fputc('"', j->out);
}

static void json_opt_u64(struct json *j, const char *key, bool has, uint64_t v)
{
	if (has)
		json_u64(j, key, v);
	else
		json_null(j, key);
}

static void json_opt_str(struct json *j, const char *key, bool has, const char *v)
{
	if (has)
		json_string(j, key, v);
	else
		json_null(j, key);
}

static void json_record(struct json *j, const struct vmacct_record *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (m) {
		record_print_json(m, r);
		if (fclose(m))
			len = 0;
	}
	while (len && buf[len - 1] == '\n')
		len--;
	json_raw_key(j, "record");
	if (len)
		fwrite(buf, 1, len, j->out);
	else
		fputs("null", j->out);
	free(buf);
}

static void json_recon(struct json *j, const struct explain_out *a)
{
	const struct vmacct_eval *e = a->eval;
	bool deny2 = a->l->has_bytes && e->mode == 2 && e->verdict;
	char fix[256];
	uint32_t ratio;
	uint64_t kb;

	explain_min_settings(e, a->c, &ratio, &kb);
	json_object_begin(j, "reconstruction");
	json_string(j, "label", "reconstruction from the terms of now, not the kernel's decision");
	json_opt_u64(j, "pages", a->l->has_bytes, (uint64_t)e->pages);
	json_u64(j, "mode", e->mode);
	json_opt_str(j, "verdict", a->l->has_bytes, verdict_name(e->verdict));
	verdict_json_margin(j, e->margin, margin_unlimited_reason(e->mode, false));
	json_bool(j, "as_admin", e->as_admin);
	json_u64(j, "user_reserve_cap", a->c->user_reserve);
	json_object_begin(j, "terms");
	json_u64(j, "limit", e->limit);
	json_u64(j, "admin_reserve", e->admin_reserve);
	json_u64(j, "user_reserve", e->user_reserve);
	json_i64(j, "allowed", e->allowed);
	json_u64(j, "committed_read", e->committed_read);
	json_u64(j, "committed", e->committed);
	json_u64(j, "committed_error", e->committed_error);
	json_u64(j, "guess_ceiling", e->guess_ceiling);
	json_object_end(j);
	json_opt_u64(j, "min_ratio", deny2 && ratio != VMACCT_RATIO_NONE, ratio);
	json_opt_u64(j, "min_kbytes", deny2, kb);
	json_opt_str(j, "fix", a->l->has_bytes && e->mode != 1,
		     explain_recon_fix(e, a->c, fix, sizeof(fix)));
	json_object_end(j);
}

void explain_print_json(FILE *out, const struct explain_out *a)
{
	const struct explain_line *l = a->l;
	bool refusal = l->kind == EXPLAIN_REFUSAL, why = !a->rec && refusal;
	char iso[ISO8601_STR_MAX];
	const char *comm = NULL;
	struct json j;
	size_t n = 0;

	json_init_compact(&j, out);
	json_object_begin(&j, NULL);
	json_u64(&j, "line_number", a->number);
	json_bytes(&j, "line", l->text, l->len);
	json_string(&j, "kind", refusal ? "refusal" : "suppressed");
	json_string(&j, "format", explain_format_name(l));
	json_string(&j, "prefix", explain_prefix_name(l->prefix));
	/*
	 * The kernel prints current->pid, the thread: that is "tid"; the
	 * process ("pid", the thread group) is known only from the record
	 * the line matched.
	 */
	json_opt_u64(&j, "pid", a->rec, a->rec ? a->rec->ev.tgid : 0);
	if (refusal) {
		json_i64(&j, "tid", l->pid);
		comm = explain_comm(l, &n);
		json_bytes(&j, "comm", comm, n);
	} else {
		json_null(&j, "tid");
		json_null(&j, "comm");
	}
	json_opt_u64(&j, "bytes", l->has_bytes, l->bytes);
	json_opt_u64(&j, "kernel_time_ns", l->has_time, l->time_ns);
	/* since boot, of a boot that may not be this one: a duration */
	json_opt_str(&j, "kernel_time", l->has_time,
		     format_iso8601_duration(l->time_ns, iso, sizeof(iso)));
	json_opt_u64(&j, "suppressed", !refusal, l->suppressed);
	if (a->rec)
		json_record(&j, a->rec);
	else
		json_null(&j, "record");
	json_opt_str(&j, "reason", why, explain_reason_name(a->reason));
	json_opt_str(&j, "reason_text", why, a->reason_text);
	json_opt_u64(&j, "fork_check_pid", a->rec && a->rec->ev.caller == VMACCT_CALLER_FORK,
		     a->rec ? a->rec->ev.tgid : 0);
	if (why && a->eval)
		json_recon(&j, a);
	else
		json_null(&j, "reconstruction");
	json_object_end(&j);
}

