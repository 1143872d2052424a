/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The words "vmacct check" and "vmacct fork-check" share: verdicts,
 * deciding terms (VMACCT_TERM_*), margins (in words and as JSON), and the
 * mode-2 formula with every term evaluated.  No I/O beyond the FILE
 * given.
 */
#ifndef VMACCT_VERDICT_H
#define VMACCT_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/vmacct.h>

struct json;

/* "allow" (0), "deny" (-ENOMEM), "unknown" (anything else). */
const char *verdict_name(int32_t verdict);
/* The same in capitals, for the verdict line: "ALLOW", "DENY", "UNKNOWN". */
const char *verdict_word(int32_t verdict);

/* VMACCT_TERM_* as JSON names them: "none", "guess_ceiling", "limit", ... */
const char *term_name(uint32_t term);
/* For people, short: "nothing", "mode-0 ceiling", "CommitLimit", ... */
const char *term_label(uint32_t term);
/* What the term is, in one clause. */
const char *term_desc(uint32_t term);

/*
 * LLONG_MAX, no limit at all: mode 1's margin, and mode 2's for a fork()
 * that charges nothing.
 */
bool margin_unlimited(int64_t margin);
/*
 * Why a margin is unlimited, a word for JSON: "mode_1_no_check" (mode 1
 * refuses nothing), "nothing_charged" (a fork() with no VM_ACCOUNT VMA
 * makes no check), "unlimited" otherwise.  mode: the mode evaluated.
 */
const char *margin_unlimited_reason(uint32_t mode, bool nothing_charged);
/*
 * "margin_pages": the margin, or null when unlimited, and
 * "margin_unlimited_reason": reason then, else null.  A consumer reads
 * no sentinel number (INT64_MAX is not exact as a double).
 */
void verdict_json_margin(struct json *j, int64_t margin, const char *reason);
/*
 * The margin in words: "unlimited", "N more pages (SIZE) would still
 * pass", "N pages (SIZE) too many to pass".
 */
char *format_margin_note(int64_t margin, uint32_t page_size, char *buf,
			 size_t len);

#define VERDICT_LABEL_W 28

/* "  LABEL   PAGES   SIZE   NOTE" rows, the columns of every terms block. */
void verdict_row_pages(FILE *out, const char *label, uint64_t pages,
		       uint32_t page_size, const char *note);
void verdict_row_spages(FILE *out, const char *label, int64_t pages,
			uint32_t page_size, const char *note);
void verdict_row_margin(FILE *out, int64_t margin, uint32_t page_size);

/*
 * Mode 2's test, committed_read + add < limit - admin - user, one term
 * per row.  add is the request (check) or the fork's charge.
 */
struct mode2_terms {
	uint64_t limit;
	uint64_t admin_reserve;
	uint64_t user_reserve;
	int64_t allowed;
	uint64_t committed_read;
	uint64_t committed;
	uint64_t committed_error;
	uint64_t total_vm;
	uint64_t user_reserve_cap;	/* user_reserve_kbytes in pages */
	uint64_t add;
	int64_t margin;
	bool as_admin;
	const char *add_label;		/* "+ request", "+ fork charge" */
	const char *after_label;	/* "= committed after the charge" */
};
void print_mode2_terms(FILE *out, const struct mode2_terms *t,
		       uint32_t page_size);

#endif
