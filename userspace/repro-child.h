/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The child process of "vmacct repro": it obeys one command at a time
 * over a pipe, so that mapping until ENOMEM or forking near the limit
 * never hurts the tool, and so that a trace can be attached to its pid
 * before it acts.  It asks the module for its own map_count and
 * Committed_AS (device.h) on the descriptor it inherits.
 */
#ifndef VMACCT_REPRO_CHILD_H
#define VMACCT_REPRO_CHILD_H

#include <stdint.h>
#include <sys/types.h>

/* The child's commands and answers. */
enum child_op {
	OP_MAP_FILES = 1,	/* a: most maps; -> n, err, map_count */
	OP_UNMAP_FILES,
	OP_MALLOC_SMALL,	/* a: count, b: bytes; -> n, err, map_count */
	OP_REGION,		/* a: pages of one RW private mapping */
	OP_HOLES,		/* punch holes in it; -> n, err, map_count */
	OP_MALLOC_BIG,		/* a: count of 129 KiB; -> b: map_count after
				 * malloc, c: after freeing every other */
	OP_BIGFILE,		/* a: bytes of a sparse tmpfs file */
	OP_MMAP,		/* a: bytes, b: kind; -> err, c: committed delta */
	OP_HEAP,		/* a: bytes, touched */
	OP_FORK,		/* -> err */
	OP_EXIT,
};

/* What OP_MMAP maps: of the OP_BIGFILE file, or anonymous. */
enum map_kind {
	KIND_PRIVATE,		/* MAP_PRIVATE of the file */
	KIND_NORESERVE,		/* MAP_PRIVATE | MAP_NORESERVE of the file */
	KIND_SHARED,		/* MAP_SHARED of the file */
	KIND_ANON,		/* MAP_PRIVATE | MAP_ANONYMOUS */
	KIND_COUNT,
};

struct msg {
	int32_t op;
	int32_t err;		/* answer: 0 or an errno */
	int64_t a, b, c, n, map_count;
};

struct child {
	pid_t pid;
	int cmd;		/* we write commands */
	int res;		/* we read answers */
};

/*
 * Fork the child, with devfd (/dev/vmacct) for its own questions, and
 * wait until it is set up.  0 or -errno.
 */
int child_start(int devfd, struct child *ch);
/* Send one command and wait for the answer; -errno if the child died. */
int child_do(struct child *ch, struct msg *m);
/* Kill the child and reap it; nothing if it was not started. */
void child_stop(struct child *ch);
/*
 * Kill and reap the child that runs now, if any: for a fatal signal's
 * handler (async-signal-safe).
 */
void child_kill_running(void);

#endif
