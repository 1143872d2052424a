// SPDX-License-Identifier: GPL-2.0
/*
 * Helper of the event-stream selftests (not a test by itself):
 *
 *   vmacct_trace_reader block
 *	attach a trace reader whose filter nothing matches, print
 *	"ready PID", block in read(), and when read() returns print
 *	"read: ERRNO-NAME" and exit 0 if it failed with ENODEV (the reader
 *	was detached by writing 0 to trace/enabled), 1 on another error,
 *	2 if it returned data, 3 if the reader could not be attached.
 *
 *   vmacct_trace_reader stack
 *	print "stack PAGES": the size of the [stack] VMA execve() built,
 *	read first thing in main(), and exit 0.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "vmacct_trace_util.h"

static int block(void)
{
	struct vmacct_event ev;
	ssize_t n;
	int fd;

	/* tgid = self, and no kind of record: nothing ever arrives */
	fd = vt_open_reader(VMACCT_TRACE_NO_DECISIONS | VMACCT_TRACE_NO_MAP_COUNT,
			    0, getpid(), 0);
	if (fd < 0) {
		printf("attach: %s\n", strerrorname_np(errno));
		return 3;
	}
	printf("ready %d\n", getpid());
	fflush(stdout);
	n = read(fd, &ev, sizeof(ev));
	if (n >= 0) {
		printf("read: %zd bytes\n", n);
		return 2;
	}
	printf("read: %s\n", strerrorname_np(errno));
	return errno == ENODEV ? 0 : 1;
}

static int stack(void)
{
	int i, n = vt_read_vmas(0);

	for (i = 0; i < n; i++) {
		if (vt_vmas[i].stack) {
			printf("stack %lu\n",
			       (vt_vmas[i].end - vt_vmas[i].start) / page_size());
			return 0;
		}
	}
	printf("stack ?\n");
	return 1;
}

int main(int argc, char *argv[])
{
	if (argc == 2 && strcmp(argv[1], "block") == 0)
		return block();
	if (argc == 2 && strcmp(argv[1], "stack") == 0)
		return stack();
	fprintf(stderr, "usage: %s block|stack\n", argv[0]);
	return 64;
}
