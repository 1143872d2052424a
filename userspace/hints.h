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
 * Why the module is not loaded, the real obstacle first: no module
 * support (no /proc/modules), lockdown (the text of
 * /sys/kernel/security/lockdown, "[none]" or NULL when there is none),
 * no vmacct.ko installed for the running kernel (release), or only not
 * loaded.  One line into buf that names a command that exists.
 */
void load_obstacle_text(bool have_modules, const char *lockdown,
			bool installed, const char *release, char *buf,
			size_t len);

#endif
