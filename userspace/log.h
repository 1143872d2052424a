/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Messages on stderr, each prefixed "vmacct: " and on one line: the text
 * is escaped as escape.h's ESC_TEXT says, since messages quote names,
 * /proc and libkmod.  Errors and warnings are always shown; notes need
 * -v, debug output -vv.  The verbosity travels as an argument: there is
 * no global logging state.
 */
#ifndef VMACCT_LOG_H
#define VMACCT_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LVL_ERR,
	LOG_LVL_WARN,
	LOG_LVL_NOTE,
	LOG_LVL_DEBUG,
};

void log_msg(int verbose, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(int verbose, enum log_level level, const char *prefix,
	      const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

#define log_err(...)		log_msg(0, LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...)		log_msg(0, LOG_LVL_WARN, __VA_ARGS__)
#define log_note(v, ...)	log_msg((v), LOG_LVL_NOTE, __VA_ARGS__)
#define log_debug(v, ...)	log_msg((v), LOG_LVL_DEBUG, __VA_ARGS__)

#endif
