/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What to tell the user when inserting or removing the module fails, and
 * which exit code that is.  err is a positive errno.
 */
#ifndef VMACCT_HINTS_H
#define VMACCT_HINTS_H

const char *insert_hint(int err);
int insert_exit_code(int err);
const char *remove_hint(int err);
int remove_exit_code(int err);

#endif
