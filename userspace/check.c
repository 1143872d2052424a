// SPDX-License-Identifier: GPL-2.0
/* "vmacct check" rendering: see check.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "escape.h"
#include "json.h"
#include "parse.h"
#include "report.h"
#include "verdict.h"

static const char *pages_word(uint64_t n)
{
	return n == 1 ? "page" : "pages";
}

static void print_verdict_line(FILE *out, const struct vmacct_eval *e,
			       const struct check_request *r, uint32_t ps)
{
	char sz[SIZE_STR_MAX], when[32];
	uint64_t pages = (uint64_t)e->pages;

	format_pages(pages, ps, sz, sizeof(sz));
	if (r->flags & VMACCT_EVAL_MODE)
		snprintf(when, sizeof(when), "in mode %" PRIu32, e->mode);
	else
		snprintf(when, sizeof(when), "now");
	if (e->verdict == 0 || e->verdict == -ENOMEM)
		fprintf(out, "%s: an allocation of %s (%" PRIu64 " %s) would %s %s%s\n",
			verdict_word(e->verdict), sz, pages, pages_word(pages),
			e->verdict ? "fail" : "succeed", when,
			e->verdict ? " (ENOMEM)" : "");
	else
		fprintf(out, "UNKNOWN: the module answered %" PRId32 " for an allocation of %s (%" PRIu64 " %s) %s\n",
			e->verdict, sz, pages, pages_word(pages), when);
}

static void print_context(FILE *out, const struct vmacct_eval *e,
			  const struct vmacct_commit *c,
			  const struct check_request *r, uint32_t ps)
{
	char sz[SIZE_STR_MAX], own[160];
	const char *how;

	fprintf(out, "  %-12s %" PRIu32 " %s", "mode", e->mode,
		overcommit_mode_name(e->mode));
	if (!(r->flags & VMACCT_EVAL_MODE))
		fputs(" (the system's mode)\n", out);
	else if (e->mode == c->overcommit_memory)
		fputs(" (--mode; also the system's mode)\n", out);
	else
		fprintf(out, " (--mode; the system is in mode %" PRIu32 " %s)\n",
			c->overcommit_memory,
			overcommit_mode_name(c->overcommit_memory));

	if (r->flags & VMACCT_EVAL_ADMIN) {
		how = "--admin";
	} else if (r->flags & VMACCT_EVAL_USER) {
		how = "--user";
	} else if (r->self) {
		how = "this tool's own credentials; --admin or --user to choose";
	} else {
		/* the module judges another process as the kernel would */
		snprintf(own, sizeof(own),
			 "judged by pid %" PRId32 "'s own credentials, not this tool's",
			 r->pid);
		how = own;
	}
	fprintf(out, "  %-12s %s CAP_SYS_ADMIN (%s)%s\n", "credentials",
		e->as_admin ? "as" : "without", how,
		e->mode == 2 ? "" : "; only mode 2 looks at it");
	if (how == own)
		fprintf(out, "  %-12s as the kernel judges an allocation of that process; --admin or --user to choose\n",
			"");
	/*
	 * security_vm_enough_memory_mm() (security/security.c, 6.1 and 6.12)
	 * waives the admin reserve only if every vm_enough_memory hook
	 * agrees: a hook can take the waiver away, never grant it.  Of the
	 * security modules only capabilities and SELinux have one.
	 */
	if (e->as_admin && r->selinux)
		fprintf(out, "  %-12s SELinux is active: its policy may take the admin reserve's waiver away\n"
			"  %-12s (vmacct follows the capability rule only)\n", "", "");
	else if (e->as_admin && e->mode == 2 && !(r->flags & VMACCT_EVAL_ADMIN))
		fprintf(out, "  %-12s by the capability rule: a security module's vm_enough_memory hook may\n"
			"  %-12s take the waiver away (SELinux has one, not seen active here; AppArmor has none)\n",
			"", "");

	fprintf(out, "  %-12s pid %" PRId32, "process", r->pid);
	if (r->comm) {
		fputs(" (", out);
		esc_write(out, r->comm, ESC_TEXT);
		fputs(r->self ? ", this tool; --pid P for another process)" : ")",
		      out);
	} else if (r->self) {
		fputs(" (this tool; --pid P for another process)", out);
	}
	fprintf(out, ", total_vm %" PRIu64 " %s (%s): sizes the user reserve%s\n",
		(uint64_t)e->total_vm, pages_word(e->total_vm),
		format_pages(e->total_vm, ps, sz, sizeof(sz)),
		e->mode == 2 ? "" : ", which only mode 2 looks at");
}

static void print_terms(FILE *out, const struct vmacct_eval *e,
			const struct vmacct_commit *c, uint32_t ps)
{
	struct mode2_terms t;

	fputc('\n', out);
	switch (e->mode) {
	case 0:
		fputs("the kernel's test in mode 0: request <= RAM + total swap (this one request on its own;\n"
		      "Committed_AS and the reserves are not looked at)\n", out);
		fprintf(out, "%-*s %12s %11s\n", VERDICT_LABEL_W + 2, "", "pages", "size");
		verdict_row_pages(out, "mode-0 ceiling", e->guess_ceiling, ps,
				  "RAM + total swap");
		verdict_row_pages(out, "request", (uint64_t)e->pages, ps, NULL);
		verdict_row_margin(out, e->margin, ps);
		break;
	case 1:
		fputs("the kernel's test in mode 1: none (always overcommit): the request is charged\n"
		      "to Committed_AS and never refused\n", out);
		verdict_row_margin(out, e->margin, ps);
		break;
	case 2:
		fputs("the kernel's test in mode 2: committed + request < CommitLimit - admin reserve - user reserve\n",
		      out);
		memset(&t, 0, sizeof(t));
		t.limit = e->limit;
		t.admin_reserve = e->admin_reserve;
		t.user_reserve = e->user_reserve;
		t.allowed = e->allowed;
		t.committed_read = e->committed_read;
		t.committed = e->committed;
		t.committed_error = e->committed_error;
		t.total_vm = e->total_vm;
		t.user_reserve_cap = c->user_reserve;
		t.add = (uint64_t)e->pages;
		t.margin = e->margin;
		t.as_admin = e->as_admin;
		t.add_label = "+ request";
		t.after_label = "= committed after the charge";
		print_mode2_terms(out, &t, ps);
		break;
	default:
		fprintf(out, "mode %" PRIu32 " is not a mode this tool knows\n", e->mode);
		verdict_row_margin(out, e->margin, ps);
		break;
	}
}

static void print_pre_5_2(FILE *out, const struct vmacct_eval *e, uint32_t ps)
{
	fprintf(out, "\nkernels before 5.2, and older articles (not this kernel): mode 0 would %s\n",
		verdict_word(e->old_verdict));
	verdict_row_spages(out, "their \"free\" estimate", e->old_free, ps,
			   "a request had to be smaller than this");
	verdict_row_pages(out, "totalreserve_pages", e->totalreserve, ps, NULL);
	fputs("  \"free\" = free + page cache - shmem + free swap + reclaimable slab - totalreserve\n"
	      "           - admin reserve (not for CAP_SYS_ADMIN); v5.2 replaced this heuristic\n"
	      "           with the RAM + swap ceiling (commit 8c7829b04c52)\n", out);
}

bool check_rlimit_refuses(const struct check_request *r, int which,
			  uint64_t pages, uint32_t page_size)
{
	uint64_t limit = which ? r->rlimit_data : r->rlimit_as;
	uint64_t vm = which ? r->data_vm : r->total_vm, sum;

	if (!r->have_rlimits || limit == CHECK_UNLIMITED || !page_size)
		return false;
	if (__builtin_add_overflow(vm, pages, &sum))
		return true;
	return sum > limit / page_size;
}

/* The resource limits that refuse first, before the accounting is asked. */
static void print_rlimits(FILE *out, const struct vmacct_eval *e,
			  const struct check_request *r, uint32_t ps)
{
	char lim[SIZE_STR_MAX];
	uint64_t pages = (uint64_t)e->pages;
	const char *who = r->self ? "this tool, pid" : "pid";

	if (check_rlimit_refuses(r, 0, pages, ps))
		fprintf(out, "\nfirst refused by: RLIMIT_AS of %s %" PRId32 " (%s): total_vm %" PRIu64 " + %" PRIu64 " pages > %" PRIu64 " pages — mmap() fails with ENOMEM before the overcommit accounting is asked (may_expand_vm)\n",
			who, r->pid, format_size(r->rlimit_as, lim, sizeof(lim)),
			r->total_vm, pages, r->rlimit_as / ps);
	if (check_rlimit_refuses(r, 1, pages, ps))
		fprintf(out, "%sfirst refused by: RLIMIT_DATA of %s %" PRId32 " (%s), for a private writable mapping (malloc): data_vm %" PRIu64 " + %" PRIu64 " pages > %" PRIu64 " pages — ENOMEM before the overcommit accounting is asked\n",
			check_rlimit_refuses(r, 0, pages, ps) ? "" : "\n",
			who, r->pid, format_size(r->rlimit_data, lim, sizeof(lim)),
			r->data_vm, pages, r->rlimit_data / ps);
}

void check_print_human(FILE *out, const struct vmacct_eval *e,
		       const struct vmacct_commit *c,
		       const struct check_request *r)
{
	uint32_t ps = c->page_size;

	print_verdict_line(out, e, r, ps);
	print_context(out, e, c, r, ps);
	print_terms(out, e, c, ps);

	fprintf(out, "\n%s by: %s — %s\n",
		e->verdict == 0 && e->deciding_term != VMACCT_TERM_NONE
			? "bounded" : "decided",
		term_label(e->deciding_term), term_desc(e->deciding_term));
	if (e->slop_may_flip)
		fprintf(out, "note: within the per-CPU counter error (± %" PRIu64 " pages): the verdict could go either way\n",
			(uint64_t)e->committed_error);
	print_rlimits(out, e, r, ps);
	print_pre_5_2(out, e, ps);
}

void check_print_json(FILE *out, const struct vmacct_eval *e,
		      const struct vmacct_commit *c,
		      const struct check_request *r)
{
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_string(&j, "verdict", verdict_name(e->verdict));
	json_u64(&j, "pages", (uint64_t)e->pages);
	json_u64(&j, "page_size", c->page_size);
	json_u64(&j, "mode", e->mode);
	json_string(&j, "mode_name", overcommit_mode_name(e->mode));
	json_bool(&j, "mode_from_option", r->flags & VMACCT_EVAL_MODE);
	json_u64(&j, "system_mode", c->overcommit_memory);
	json_bool(&j, "as_admin", e->as_admin);
	json_bool(&j, "selinux_may_withdraw_admin", e->as_admin && r->selinux);
	json_i64(&j, "pid", r->pid);
	if (r->comm)
		json_string(&j, "comm", r->comm);
	else
		json_null(&j, "comm");
	json_string(&j, "deciding_term", term_name(e->deciding_term));
	verdict_json_margin(&j, e->margin,
			    margin_unlimited_reason(e->mode, false));
	json_bool(&j, "slop_may_flip", e->slop_may_flip);
	json_object_begin(&j, "terms");
	json_u64(&j, "limit", e->limit);
	json_u64(&j, "admin_reserve", e->admin_reserve);
	json_u64(&j, "user_reserve", e->user_reserve);
	json_i64(&j, "allowed", e->allowed);
	json_u64(&j, "committed_read", e->committed_read);
	json_u64(&j, "committed", e->committed);
	json_u64(&j, "committed_error", e->committed_error);
	json_u64(&j, "guess_ceiling", e->guess_ceiling);
	json_u64(&j, "total_vm", e->total_vm);
	json_object_end(&j);
	if (r->have_rlimits) {
		json_object_begin(&j, "rlimits");
		if (r->rlimit_as == CHECK_UNLIMITED)
			json_null(&j, "as_bytes");
		else
			json_u64(&j, "as_bytes", r->rlimit_as);
		if (r->rlimit_data == CHECK_UNLIMITED)
			json_null(&j, "data_bytes");
		else
			json_u64(&j, "data_bytes", r->rlimit_data);
		json_u64(&j, "total_vm", r->total_vm);
		json_u64(&j, "data_vm", r->data_vm);
		json_bool(&j, "as_refuses", check_rlimit_refuses(r, 0, (uint64_t)e->pages, c->page_size));
		json_bool(&j, "data_refuses", check_rlimit_refuses(r, 1, (uint64_t)e->pages, c->page_size));
		json_object_end(&j);
	} else {
		json_null(&j, "rlimits");
	}
	json_object_begin(&j, "pre_5_2");
	json_string(&j, "verdict", verdict_name(e->old_verdict));
	json_i64(&j, "free_pages", e->old_free);
	json_u64(&j, "totalreserve", e->totalreserve);
	json_object_end(&j);
	json_object_end(&j);
}
