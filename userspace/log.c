// SPDX-License-Identifier: GPL-2.0
/* Logging helper: see log.h. */
#include <stdio.h>
#include <stdlib.h>

#include "escape.h"
#include "log.h"

void log_vmsg(int verbose, enum log_level level, const char *prefix,
	      const char *fmt, va_list ap)
{
	char *msg;

	if (level == LOG_LVL_NOTE && verbose < 1)
		return;
	if (level == LOG_LVL_DEBUG && verbose < 2)
		return;

	fputs("vmacct: ", stderr);
	if (prefix)
		esc_write(stderr, prefix, ESC_TEXT);
	if (level == LOG_LVL_WARN)
		fputs("warning: ", stderr);
	/* what a message quotes (names, /proc, libkmod) is not ours */
	if (vasprintf(&msg, fmt, ap) < 0) {
		fputs("(a message, lost: out of memory)\n", stderr);
		return;
	}
	esc_write(stderr, msg, ESC_TEXT);
	free(msg);
	fputc('\n', stderr);
}

void log_msg(int verbose, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(verbose, level, NULL, fmt, ap);
	va_end(ap);
}
