// SPDX-License-Identifier: GPL-2.0
/* Logging helper: see log.h. */
#include <stdio.h>

#include "log.h"

void log_vmsg(int verbose, enum log_level level, const char *prefix,
	      const char *fmt, va_list ap)
{
	if (level == LOG_LVL_NOTE && verbose < 1)
		return;
	if (level == LOG_LVL_DEBUG && verbose < 2)
		return;

	fputs("vmacct: ", stderr);
	if (prefix)
		fputs(prefix, stderr);
	if (level == LOG_LVL_WARN)
		fputs("warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_msg(int verbose, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(verbose, level, NULL, fmt, ap);
	va_end(ap);
}
