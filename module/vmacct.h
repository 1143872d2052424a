/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: the module's version, and the map of its files.
 *
 * The layers, each calling only those below it (one header per file):
 *
 *   faces        main.c (load order), dev.c (/dev/vmacct), sysfs.c
 *   queries      query.c: the model applied to one process;
 *                breakdown.c: Committed_AS by kind of holder
 *   stream       stream.c (who wants the probes), probe.c (the probes),
 *                entry.c (the hooks at function entries),
 *                inflight.c (a decision from entry to verdict),
 *                syscall.c (a system call near the limit, to its return),
 *                classify.c, ring.c (readers), stats.c (counters),
 *                recorder.c (the last refusals, kept with nobody reading)
 *   processes    tasks.c: every process's private charge, each mm once
 *   model        commit.c (the terms and verdicts), mm.c (one process),
 *                rules.c (where map_count is checked), shmem.c (what
 *                shmem inodes charge); ringmap.c, a reader's ring in
 *                memory it may map
 *   kernel       syms.c: unexported data
 *   versions     compat.c: every difference between supported kernels
 *
 * Each file has a header of the same name declaring what it offers; the
 * faces never call syms.c or compat.c.  scripts/layers.sh checks these rules.
 */
#ifndef _VMACCT_H
#define _VMACCT_H

#define VMACCT_VERSION_MAJOR	0
#define VMACCT_VERSION_MINOR	1
#define VMACCT_VERSION_PATCH	0
#define VMACCT_VERSION_STR	"0.1.0"

#endif /* _VMACCT_H */
