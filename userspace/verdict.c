// SPDX-License-Identifier: GPL-2.0
/* Verdicts, deciding terms and margins in words: see verdict.h. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "parse.h"
#include "verdict.h"

const char *verdict_name(int32_t verdict)
{
	if (verdict == 0)
		return "allow";
	if (verdict == -ENOMEM)
		return "deny";
	return "unknown";
}

const char *verdict_word(int32_t verdict)
{
	if (verdict == 0)
		return "ALLOW";
	if (verdict == -ENOMEM)
		return "DENY";
	return "UNKNOWN";
}

const char *term_name(uint32_t term)
{
	switch (term) {
	case VMACCT_TERM_NONE:		return "none";
	case VMACCT_TERM_GUESS_CEILING:	return "guess_ceiling";
	case VMACCT_TERM_LIMIT:		return "limit";
	case VMACCT_TERM_ADMIN_RESERVE:	return "admin_reserve";
	case VMACCT_TERM_USER_RESERVE:	return "user_reserve";
	default:			return "unknown";
	}
}

const char *term_label(uint32_t term)
{
	switch (term) {
	case VMACCT_TERM_NONE:		return "nothing";
	case VMACCT_TERM_GUESS_CEILING:	return "mode-0 ceiling";
	case VMACCT_TERM_LIMIT:		return "CommitLimit";
	case VMACCT_TERM_ADMIN_RESERVE:	return "admin reserve";
	case VMACCT_TERM_USER_RESERVE:	return "user reserve";
	default:			return "unknown term";
	}
}

const char *term_desc(uint32_t term)
{
	switch (term) {
	case VMACCT_TERM_NONE:
		return "mode 1 checks nothing; the charge is still added to Committed_AS";
	case VMACCT_TERM_GUESS_CEILING:
		return "one request may not exceed RAM + total swap; Committed_AS is not looked at";
	case VMACCT_TERM_LIMIT:
		return "Committed_AS (as compared) plus the charge must stay below CommitLimit itself, before any reserve is taken off";
	case VMACCT_TERM_ADMIN_RESERVE:
		return "the pages kept back from processes without CAP_SYS_ADMIN (admin_reserve_kbytes)";
	case VMACCT_TERM_USER_RESERVE:
		return "the pages kept back from every process with an mm: min(total_vm / 32, user_reserve_kbytes)";
	default:
		return "a deciding term this tool does not know: rebuild/reinstall the tool and the module together";
	}
}

bool margin_unlimited(int64_t margin)
{
	return margin == INT64_MAX;
}

const char *margin_unlimited_reason(uint32_t mode, bool nothing_charged)
{
	if (mode == 1)
		return "mode_1_no_check";
	if (nothing_charged)
		return "nothing_charged";
	return "unlimited";
}

void verdict_json_margin(struct json *j, int64_t margin, const char *reason)
{
	if (margin_unlimited(margin)) {
		json_null(j, "margin_pages");
		json_string(j, "margin_unlimited_reason", reason);
	} else {
		json_i64(j, "margin_pages", margin);
		json_null(j, "margin_unlimited_reason");
	}
}

static const char *pages_word(uint64_t n)
{
	return n == 1 ? "page" : "pages";
}

char *format_margin_note(int64_t margin, uint32_t page_size, char *buf,
			 size_t len)
{
	char sz[SIZE_STR_MAX];
	uint64_t mag = margin < 0 ? (uint64_t)0 - (uint64_t)margin : (uint64_t)margin;

	if (margin_unlimited(margin))
		snprintf(buf, len, "unlimited");
	else if (margin >= 0)
		snprintf(buf, len, "%" PRIu64 " more %s (%s) would still pass",
			 mag, pages_word(mag), format_pages(mag, page_size, sz, sizeof(sz)));
	else
		snprintf(buf, len, "%" PRIu64 " %s (%s) too many to pass",
			 mag, pages_word(mag), format_pages(mag, page_size, sz, sizeof(sz)));
	return buf;
}

void verdict_row_pages(FILE *out, const char *label, uint64_t pages,
		       uint32_t page_size, const char *note)
{
	char sz[SIZE_STR_MAX];

	fprintf(out, "  %-*s %12" PRIu64 " %11s", VERDICT_LABEL_W, label, pages,
		format_pages(pages, page_size, sz, sizeof(sz)));
	if (note && *note)
		fprintf(out, "   %s", note);
	fputc('\n', out);
}

void verdict_row_spages(FILE *out, const char *label, int64_t pages,
			uint32_t page_size, const char *note)
{
	char sz[SSIZE_STR_MAX];

	fprintf(out, "  %-*s %12" PRId64 " %11s", VERDICT_LABEL_W, label, pages,
		format_spages(pages, page_size, sz, sizeof(sz)));
	if (note && *note)
		fprintf(out, "   %s", note);
	fputc('\n', out);
}

void verdict_row_margin(FILE *out, int64_t margin, uint32_t page_size)
{
	char note[96];

	if (margin_unlimited(margin)) {
		fprintf(out, "  %-*s %12s\n", VERDICT_LABEL_W, "margin", "unlimited");
		return;
	}
	verdict_row_spages(out, "margin", margin, page_size,
			   format_margin_note(margin, page_size, note, sizeof(note)));
}

/* a + b, saturating */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

void print_mode2_terms(FILE *out, const struct mode2_terms *t,
		       uint32_t page_size)
{
	uint64_t after = add_sat(t->committed_read, t->add);
	char note[160];

	fprintf(out, "%-*s %12s %11s\n", VERDICT_LABEL_W + 2, "", "pages", "size");
	verdict_row_pages(out, "CommitLimit", t->limit, page_size, NULL);
	verdict_row_pages(out, "- admin reserve", t->admin_reserve, page_size,
			  t->as_admin ? "waived: CAP_SYS_ADMIN"
				      : "kept back from processes without CAP_SYS_ADMIN");
	if (t->total_vm)
		snprintf(note, sizeof(note),
			 "min(total_vm %" PRIu64 " / 32, %" PRIu64 ")",
			 t->total_vm, t->user_reserve_cap);
	else
		snprintf(note, sizeof(note), "no mm: no user reserve");
	verdict_row_pages(out, "- user reserve", t->user_reserve, page_size, note);
	verdict_row_spages(out, "= allowed", t->allowed, page_size, NULL);
	snprintf(note, sizeof(note),
		 "± %" PRIu64 " pages; Committed_AS (exact) %" PRIu64,
		 t->committed_error, t->committed);
	verdict_row_pages(out, "committed, as compared", t->committed_read,
			  page_size, note);
	verdict_row_pages(out, t->add_label, t->add, page_size, NULL);
	verdict_row_pages(out, t->after_label, after, page_size,
			  t->allowed > 0 && after < (uint64_t)t->allowed
				  ? "below allowed: passes"
				  : "not below allowed: fails");
	verdict_row_margin(out, t->margin, page_size);
}
