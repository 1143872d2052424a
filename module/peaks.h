/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: the processes with the highest map_count seen since load
 * (peaks.c), and VMACCT_IOC_PEAKS to read them.
 */
#ifndef _VMACCT_PEAKS_H
#define _VMACCT_PEAKS_H

#include <linux/compiler.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
#include <linux/types.h>
#include <linux/vmacct.h>

/* Which process a slot of the table holds, and its peak. */
struct vmacct_peaks_key {
	pid_t tgid;		/* 0: a free slot */
	u32 peak;
	u64 start;		/* the group leader's start_boottime */
};

/*
 * What the system call probes read without the lock: peaks.c changes a
 * key only under its lock and inside a write section of @seq, so a read
 * that @seq says no write crossed saw whole keys.
 */
struct vmacct_peaks_index {
	seqcount_raw_spinlock_t seq;
	u32 floor;		/* a count at or below it is no peak */
	unsigned int hint;	/* the slot a process was found in last */
	struct vmacct_peaks_key key[VMACCT_PEAKS_MAX];
};

extern struct vmacct_peaks_index vmacct_peaks_index;

/**
 * vmacct_peaks_known - is @count no news for the peaks table?
 * @count: the current process's map_count at the entry of a system call
 *
 * In line in every system call probe (syscall.h), so that a process that
 * holds the table at this count, as one at 90% of vm.max_map_count
 * splitting and merging does on every call, costs a few loads and no
 * call: true when @count is at or below the table's floor, or when the
 * slot a process was found in last holds the current one at @count or
 * higher.  False sends the call to vmacct_peaks_see(), which decides.
 */
static __always_inline bool vmacct_peaks_known(u32 count)
{
	struct vmacct_peaks_index *x = &vmacct_peaks_index;
	const struct vmacct_peaks_key *k;
	struct task_struct *t = current;
	unsigned int seq;
	bool known;

	if (count <= READ_ONCE(x->floor))
		return true;
	seq = raw_seqcount_begin(&x->seq);
	k = &x->key[READ_ONCE(x->hint) % VMACCT_PEAKS_MAX];
	known = READ_ONCE(k->tgid) == t->tgid && READ_ONCE(k->peak) >= count &&
		READ_ONCE(k->start) == t->group_leader->start_boottime;
	return known && !read_seqcount_retry(&x->seq, seq);
}

void vmacct_peaks_see(u32 count);
int vmacct_peaks_read(struct vmacct_peaks *p);

#endif /* _VMACCT_PEAKS_H */
