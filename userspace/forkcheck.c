// SPDX-License-Identifier: GPL-2.0
/* "vmacct fork-check" rendering: see forkcheck.h. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "escape.h"
#include "forkcheck.h"
#include "json.h"
#include "parse.h"
#include "report.h"
#include "verdict.h"

#define N_MODES 3

bool fork_min_ratio_possible(const struct vmacct_fork *f)
{
	return f->min_ratio != FORK_MIN_RATIO_NONE;
}

/*
 * Not documented as a sentinel, but no overcommit_kbytes can reach it:
 * treat it as "none" rather than print a value nobody can write.
 */
bool fork_min_kbytes_possible(const struct vmacct_fork *f)
{
	return f->min_kbytes != UINT64_MAX;
}

/* Did the module write the certain settings (VMACCT_FORK_SIZE_VER1)? */
bool fork_has_certain(const struct vmacct_fork *f)
{
	return f->size >= VMACCT_FORK_SIZE_VER1;
}

static bool certain_ratio_possible(const struct vmacct_fork *f)
{
	return fork_has_certain(f) && f->min_ratio_certain != FORK_MIN_RATIO_NONE;
}

static bool certain_kbytes_possible(const struct vmacct_fork *f)
{
	return fork_has_certain(f) && f->min_kbytes_certain != UINT64_MAX;
}

static void print_kbytes(FILE *out, uint64_t kb)
{
	char sz[SIZE_STR_MAX];
	uint64_t bytes;

	if (__builtin_mul_overflow(kb, (uint64_t)1024, &bytes))
		bytes = UINT64_MAX;
	fprintf(out, "%" PRIu64 " kB (%s)", kb, format_size(bytes, sz, sizeof(sz)));
}

static const char *pages_word(uint64_t n)
{
	return n == 1 ? "page" : "pages";
}

static void print_summary(FILE *out, const struct vmacct_fork *f,
			  const struct fork_request *r, uint32_t ps)
{
	char sz[SIZE_STR_MAX];

	fprintf(out, "fork() of pid %" PRId32, r->pid);
	if (r->comm) {
		fputs(" (", out);
		esc_write(out, r->comm, ESC_TEXT);
		fputs(r->self ? ", this tool)" : ")", out);
	} else if (r->self) {
		fputs(" (this tool)", out);
	}
	fprintf(out, " would charge %s (%" PRIu64 " %s) in %" PRIu32 " VMA%s\n",
		format_pages(f->charge, ps, sz, sizeof(sz)), (uint64_t)f->charge,
		pages_word(f->charge), f->nr_charged, f->nr_charged == 1 ? "" : "s");
	fprintf(out, "  %-12s %s (%" PRIu64 " %s): mode 0 checks each charged VMA on its own\n",
		"largest VMA", format_pages(f->largest, ps, sz, sizeof(sz)),
		(uint64_t)f->largest, pages_word(f->largest));
	fprintf(out, "  %-12s %" PRIu64 " %s (%s), the parent's: sizes the user reserve\n",
		"total_vm", (uint64_t)f->total_vm, pages_word(f->total_vm),
		format_pages(f->total_vm, ps, sz, sizeof(sz)));
	fprintf(out, "  %-12s %s\n", "credentials",
		f->as_admin ? "CAP_SYS_ADMIN: the admin reserve is waived"
			    : "without CAP_SYS_ADMIN: the admin reserve applies");
	if (f->as_admin && r->selinux)
		fprintf(out, "  %-12s SELinux is active: its policy may take that waiver away\n"
			"  %-12s (vmacct follows the capability rule only)\n", "", "");
}

static void print_table(FILE *out, const struct vmacct_fork *f,
			uint32_t mode_now, uint32_t ps)
{
	char mode[16], sz[SSIZE_STR_MAX], line[160];
	unsigned int m;
	size_t n;

	fprintf(out, "\n  %-9s %-8s %-15s %12s %11s\n", "mode", "verdict",
		"decided by", "margin pages", "size");
	for (m = 0; m < N_MODES; m++) {
		snprintf(mode, sizeof(mode), "%u %s", m, overcommit_mode_name(m));
		if (margin_unlimited(f->margin[m]))
			sz[0] = '\0';
		else
			format_spages(f->margin[m], ps, sz, sizeof(sz));
		n = (size_t)snprintf(line, sizeof(line), "  %-9s %-8s %-15s ",
				     mode, verdict_word(f->verdict[m]),
				     term_label(f->deciding_term[m]));
		if (margin_unlimited(f->margin[m]))
			snprintf(line + n, sizeof(line) - n, "%12s %11s%s",
				 "unlimited", "",
				 m == mode_now ? "   <- in force now" : "");
		else
			snprintf(line + n, sizeof(line) - n,
				 "%12" PRId64 " %11s%s", (int64_t)f->margin[m], sz,
				 m == mode_now ? "   <- in force now" : "");
		n = strlen(line);
		while (n && line[n - 1] == ' ')	/* no trailing blanks */
			line[--n] = '\0';
		fprintf(out, "%s\n", line);
	}
}

static void print_now(FILE *out, const struct vmacct_fork *f, uint32_t m,
		      uint32_t ps)
{
	char note[96];

	if (m >= N_MODES) {
		fprintf(out, "\nin force now: overcommit_memory %" PRIu32 ", not a mode this tool knows\n", m);
		return;
	}
	fprintf(out, "\nin force now: mode %" PRIu32 " (%s), so fork() would ", m,
		overcommit_mode_name(m));
	if (f->verdict[m] == 0 && margin_unlimited(f->margin[m]))
		fputs("succeed: nothing is checked\n", out);
	else if (f->verdict[m] == 0)
		fprintf(out, "succeed: %s\n",
			format_margin_note(f->margin[m], ps, note, sizeof(note)));
	else if (f->verdict[m] == -ENOMEM)
		fprintf(out, "fail with ENOMEM: %s\n",
			format_margin_note(f->margin[m], ps, note, sizeof(note)));
	else
		fprintf(out, "do what the module could not say (verdict %" PRId32 ")\n",
			f->verdict[m]);
	fprintf(out, "%s by: %s — %s\n",
		f->verdict[m] == 0 && f->deciding_term[m] != VMACCT_TERM_NONE
			? "bounded" : "decided",
		term_label(f->deciding_term[m]), term_desc(f->deciding_term[m]));
}

static void print_details(FILE *out, const struct vmacct_fork *f,
			  const struct vmacct_commit *c, uint32_t ps)
{
	char a[SIZE_STR_MAX], b[SIZE_STR_MAX];
	struct mode2_terms t;

	fprintf(out, "\nmode 0 in detail: each charged VMA <= RAM + total swap: the largest is %" PRIu64 " %s (%s),\n"
		"  the ceiling %" PRIu64 " %s (%s)\n",
		(uint64_t)f->largest, pages_word(f->largest),
		format_pages(f->largest, ps, a, sizeof(a)),
		(uint64_t)f->guess_ceiling, pages_word(f->guess_ceiling),
		format_pages(f->guess_ceiling, ps, b, sizeof(b)));

	fputs("\nmode 2 in detail: committed + fork charge < CommitLimit - admin reserve - user reserve\n"
	      "  (checked VMA by VMA as each is charged, which comes to the same)\n", out);
	memset(&t, 0, sizeof(t));
	t.limit = f->limit;
	t.admin_reserve = f->admin_reserve;
	t.user_reserve = f->user_reserve;
	t.allowed = f->allowed;
	t.committed_read = f->committed_read;
	t.committed = f->committed;
	t.committed_error = f->committed_error;
	t.total_vm = f->total_vm;
	t.user_reserve_cap = c->user_reserve;
	t.add = f->charge;
	t.margin = f->margin[2];
	t.as_admin = f->as_admin;
	t.add_label = "+ fork charge";
	t.after_label = "= committed after the fork";
	print_mode2_terms(out, &t, ps);
	if (f->slop_may_flip)
		fprintf(out, "note: within the per-CPU counter error (± %" PRIu64 " pages): the mode-2 verdict could go either way\n",
			(uint64_t)f->committed_error);
}

static void print_settings(FILE *out, const struct vmacct_fork *f,
			   const struct vmacct_commit *c)
{
	fprintf(out, "\n%s\n", f->verdict[2] == 0
		? "mode 2 lets this fork pass now; the smallest settings that still would:"
		: "mode 2 would let this fork pass with:");
	if (certain_ratio_possible(f))
		fprintf(out, "  overcommit_ratio  >= %" PRIu32 " certain", f->min_ratio_certain);
	else if (fork_min_ratio_possible(f))
		fprintf(out, "  overcommit_ratio  >= %" PRIu32, f->min_ratio);
	else
		fputs("  overcommit_ratio  none: no ratio is large enough", out);
	fprintf(out, "   (now %" PRId32 "%s)\n", c->overcommit_ratio,
		c->overcommit_kbytes ? ", ignored while overcommit_kbytes is set" : "");
	if (certain_kbytes_possible(f)) {
		fputs("  overcommit_kbytes >= ", out);
		print_kbytes(out, f->min_kbytes_certain);
		fputs(" certain", out);
	} else if (fork_min_kbytes_possible(f)) {
		fputs("  overcommit_kbytes >= ", out);
		print_kbytes(out, f->min_kbytes);
	} else {
		fputs("  overcommit_kbytes none: no value is large enough", out);
	}
	fprintf(out, "   (now %" PRIu64 ")\n", (uint64_t)c->overcommit_kbytes);
	if (fork_has_certain(f) && fork_min_ratio_possible(f)) {
		fprintf(out, "  \"certain\": passes whatever the per-CPU counts hold (± %" PRIu64 " pages);\n"
			"  the flip point as the count reads now is overcommit_ratio %" PRIu32 " or ",
			(uint64_t)f->committed_error, f->min_ratio);
		print_kbytes(out, f->min_kbytes);
		fputs(",\n  which a fork can still fail at when other CPUs fold their counts.\n", out);
	}
	fputs("  writing overcommit_ratio sets overcommit_kbytes to 0, and writing overcommit_kbytes\n"
	      "  sets overcommit_ratio to 0: set only the one you choose.  Both are computed from\n"
	      "  Committed_AS now, with the reserves still applied.\n", out);
}

static void print_advice(FILE *out, const struct vmacct_fork *f, uint32_t m)
{
	if (m >= N_MODES || f->verdict[m] != -ENOMEM)
		return;
	if (m == 2 && certain_ratio_possible(f))
		fprintf(out, "\nadvice: fork() charges a full copy of the parent's private writable memory, although\n"
			"copy-on-write will share most of it (why Redis BGSAVE fails): raise overcommit_ratio\n"
			"to %" PRIu32 " (certain) or overcommit_kbytes as above, or use mode 1 / add swap; see README\n",
			f->min_ratio_certain);
	else if (m == 2)
		fputs("\nadvice: fork() charges a full copy of the parent's private writable memory, although\n"
		      "copy-on-write will share most of it (why Redis BGSAVE fails): raise overcommit_ratio\n"
		      "or overcommit_kbytes as above, or use mode 1 / add swap; see README\n", out);
	else
		fputs("\nadvice: a charged VMA is larger than RAM + total swap, and mode 0 refuses to copy it\n"
		      "on fork(): use mode 1 / add swap; see README\n", out);
}

void fork_print_human(FILE *out, const struct vmacct_fork *f,
		      const struct vmacct_commit *c,
		      const struct fork_request *r)
{
	uint32_t ps = c->page_size, m = c->overcommit_memory;

	print_summary(out, f, r, ps);
	print_table(out, f, m, ps);
	print_now(out, f, m, ps);
	print_details(out, f, c, ps);
	print_settings(out, f, c);
	print_advice(out, f, m);
}

void fork_print_json(FILE *out, const struct vmacct_fork *f,
		     const struct vmacct_commit *c,
		     const struct fork_request *r)
{
	uint32_t m = c->overcommit_memory;
	struct json j;
	unsigned int i;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_i64(&j, "pid", r->pid);
	if (r->comm)
		json_string(&j, "comm", r->comm);
	else
		json_null(&j, "comm");
	json_u64(&j, "page_size", c->page_size);
	json_u64(&j, "nr_charged", f->nr_charged);
	json_u64(&j, "charge_pages", f->charge);
	json_u64(&j, "largest_pages", f->largest);
	json_u64(&j, "total_vm", f->total_vm);
	json_bool(&j, "as_admin", f->as_admin);
	json_bool(&j, "selinux_may_withdraw_admin", f->as_admin && r->selinux);
	json_bool(&j, "slop_may_flip", f->slop_may_flip);
	json_object_begin(&j, "terms");
	json_u64(&j, "limit", f->limit);
	json_u64(&j, "admin_reserve", f->admin_reserve);
	json_u64(&j, "user_reserve", f->user_reserve);
	json_i64(&j, "allowed", f->allowed);
	json_u64(&j, "committed_read", f->committed_read);
	json_u64(&j, "committed", f->committed);
	json_u64(&j, "committed_error", f->committed_error);
	json_u64(&j, "guess_ceiling", f->guess_ceiling);
	json_object_end(&j);
	json_array_begin(&j, "verdicts");
	for (i = 0; i < N_MODES; i++) {
		json_object_begin(&j, NULL);
		json_u64(&j, "mode", i);
		json_string(&j, "mode_name", overcommit_mode_name(i));
		json_string(&j, "verdict", verdict_name(f->verdict[i]));
		json_string(&j, "deciding_term", term_name(f->deciding_term[i]));
		verdict_json_margin(&j, f->margin[i],
				    margin_unlimited_reason(i, !f->nr_charged));
		json_object_end(&j);
	}
	json_array_end(&j);
	json_u64(&j, "mode_now", m);
	if (m < N_MODES)
		json_string(&j, "verdict_now", verdict_name(f->verdict[m]));
	else
		json_null(&j, "verdict_now");
	if (fork_min_ratio_possible(f))
		json_u64(&j, "min_ratio", f->min_ratio);
	else
		json_null(&j, "min_ratio");
	if (fork_min_kbytes_possible(f))
		json_u64(&j, "min_kbytes", f->min_kbytes);
	else
		json_null(&j, "min_kbytes");
	/* null also from a module that does not compute them */
	if (certain_ratio_possible(f))
		json_u64(&j, "min_ratio_certain", f->min_ratio_certain);
	else
		json_null(&j, "min_ratio_certain");
	if (certain_kbytes_possible(f))
		json_u64(&j, "min_kbytes_certain", f->min_kbytes_certain);
	else
		json_null(&j, "min_kbytes_certain");
	json_i64(&j, "overcommit_ratio", c->overcommit_ratio);
	json_u64(&j, "overcommit_kbytes", c->overcommit_kbytes);
	json_object_end(&j);
}
