/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct repro" without the device: the names and arguments of the
 * reproductions, and what each one found -- the module's prediction,
 * the outcome of the system call, and the module's own record of the
 * decision -- with its rendering side by side.  The sysctls they change
 * are kept in repro-sysctl.h; the acts are in repro-*.c.
 */
#ifndef VMACCT_REPRO_H
#define VMACCT_REPRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum repro_id {
	REPRO_MAP_FILES,
	REPRO_MUNMAP_HOLES,
	REPRO_MAP_TYPES,
	REPRO_BIG_ALLOC,
	REPRO_FORK,
	REPRO_COUNT,
};

/* "map-files", ...; NULL for an id out of range. */
const char *repro_name(enum repro_id id);
/* The id of name, or -1. */
int repro_lookup(const char *name);

struct repro_opts {
	unsigned int which;	/* bit (1 << id) per reproduction to run */
	bool yes;		/* --yes: may change sysctls */
	bool restore;		/* --restore: put back what a state file holds */
	bool json;
	bool full;		/* --full: the real scale */
	bool help;
	int verbose;
};

/*
 * Parse "repro NAME [--yes] [--json] [--full] [-v]" or "repro --restore"
 * (argv[0] is the command).  0, or -1 with a message for the user in what.
 */
int repro_parse_args(int argc, char *argv[], struct repro_opts *o,
		     char *what, size_t len);

/*
 * For the selftests of the signal path: VMACCT_REPRO_HOLD=SECS waits that
 * long at the point where the most is changed, so a test can interrupt
 * the reproduction there.  Unset, it does nothing.
 */
void repro_hold_for_tests(void);

/* What one step of a reproduction predicted, saw and found recorded. */
#define REPRO_MAX_CHECKS	16
#define REPRO_MAX_NUMS		6
#define REPRO_TEXT		200

struct repro_num {
	const char *key;
	int64_t value;
};

struct repro_check {
	char what[REPRO_TEXT];		/* the act: "mmap 1-page files until ENOMEM" */
	char rule[REPRO_TEXT * 2];	/* the kernel rule, in plain words */
	char prediction[REPRO_TEXT * 2];
	char outcome[REPRO_TEXT * 2];
	char record[REPRO_TEXT * 2];	/* "" when none is expected */
	char old_rule[REPRO_TEXT * 2];	/* pre-5.2 heuristic, or "" */
	bool informational;		/* a contrast: no agreement asked */
	bool agree;
	char disagree[REPRO_TEXT];	/* where, when !agree */
	unsigned int nr_nums;
	struct repro_num nums[REPRO_MAX_NUMS];
};

struct repro_result {
	enum repro_id id;
	char intro[REPRO_TEXT * 3];	/* what it does, which sysctls */
	char summary[REPRO_TEXT];	/* "agree — ENOMEM at map_count ..." */
	bool failed;			/* could not run: error says why */
	char error[REPRO_TEXT];
	unsigned int nr_checks;
	struct repro_check checks[REPRO_MAX_CHECKS];
};

/* A new check of r (zeroed, agree = true), or NULL when full. */
struct repro_check *repro_add_check(struct repro_result *r);
void repro_check_num(struct repro_check *c, const char *key, int64_t v);
/* c disagrees: append "; " and the reason to c->disagree. */
void repro_disagree(struct repro_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Every non-informational check agrees and the reproduction ran. */
bool repro_agrees(const struct repro_result *r);

/* "== NAME ==" and what it will do, before it acts. */
void repro_print_intro(FILE *out, const struct repro_result *r);
/* The side-by-side text for people, then the summary line. */
void repro_print_human(FILE *out, const struct repro_result *r);
/* "map-files: agree — ..." or "map-files: DISAGREE — ...". */
void repro_print_summary(FILE *out, const struct repro_result *r);
/* One JSON object (one line) per reproduction. */
void repro_print_json(FILE *out, const struct repro_result *r);

#endif
