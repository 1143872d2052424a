/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What to tell the user when inserting or removing the module, or asking
 * it about a process, fails, and which exit code that is.  err is a
 * positive errno.
 */
#ifndef VMACCT_HINTS_H
#define VMACCT_HINTS_H

#include <stdbool.h>
#include <stddef.h>

const char *insert_hint(int err);
int insert_exit_code(int err);
const char *remove_hint(int err);
int remove_exit_code(int err);

/*
 * Why VMACCT_IOC_MM, _EVAL or _FORK failed for one process, and the fix;
 * NULL when err is not about the process but about the request (EINVAL,
 * ENOTTY, ...).
 */
const char *pid_error_hint(int err);
int pid_error_exit_code(int err);

/* "EACCES" for EACCES, ...: the errnos the module documents; "?" otherwise. */
const char *errno_name(int err);
/*
 * An outcome in words: "success" for 0, errno_name() for the errnos it
 * names ("ENOMEM"), strerror() for any other.
 */
const char *errno_text(int err);

/*
 * What stands between the user and a loaded module, gathered by
 * system.c (status, ps) or "vmacct load", and judged here.  The strings
 * come from the system and the module file: they are escaped when
 * written into a text.
 */
struct load_facts {
	bool have_modules;	/* /proc/modules exists: CONFIG_MODULES=y */
	const char *lockdown;	/* /sys/kernel/security/lockdown's text, or NULL */
	const char *release;	/* the running kernel: uname -r */
	const char *path;	/* the vmacct.ko found, or NULL: none installed */
	const char *vermagic;	/* its vermagic, or NULL: it has none */
	bool has_crcs;		/* it carries symbol versions (modversions) */
	bool is_signed;		/* it carries a module signature */
};

enum load_obstacle {
	LOAD_OK,		/* nothing known: only not loaded */
	LOAD_NO_MODULES,	/* the kernel cannot load modules */
	LOAD_VERMAGIC,		/* the file is built for another kernel */
	LOAD_LOCKDOWN,		/* lockdown, and no signed file to offer it */
	LOAD_NOT_INSTALLED,	/* no vmacct.ko for the running kernel */
};

/* Is the kernel in lockdown: a mode other than [none] in brackets? */
bool lockdown_active(const char *lockdown);

/*
 * Is vermagic that of the running kernel?  Its first word is the release
 * the module was built for (include/linux/vermagic.h: UTS_RELEASE, then
 * the flags), compared whole with uname -r.  false without a vermagic:
 * the kernel refuses such a module.  (A module with symbol versions is
 * judged by them instead: load_obstacle() does not ask then.)
 */
bool vermagic_matches(const char *vermagic, const char *release);

/*
 * The real obstacle first: no module support, a file built for another
 * kernel, lockdown without a signed file, no file at all; else LOAD_OK.
 * "Another kernel" as the kernel's same_magic() decides it: a file with
 * no vermagic, or another release without symbol versions; with them
 * another release is the kernel's to judge, by the versions.
 */
enum load_obstacle load_obstacle(const struct load_facts *f);

/* The exit code of "vmacct load" refusing for o (tool.h's table). */
int load_obstacle_exit_code(enum load_obstacle o);

/*
 * load_obstacle(f) as one line into buf, naming a command that exists;
 * "try: vmacct load" when there is none.
 */
void load_obstacle_text(const struct load_facts *f, char *buf, size_t len);

#endif
