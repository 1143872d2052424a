// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the processes with the highest map_count seen since load.
 *
 * "How high did it get, and what limit would have been enough?" has an
 * answer for processes that did not fail yet, or that exited.  The system
 * call probes hand every call they see (the entry of mmap(), munmap(),
 * mprotect() and the others that create or split VMAs) to
 * vmacct_peaks_see(), with the count before the call; the table keeps the
 * VMACCT_PEAKS_MAX processes with the highest counts, one entry each, and
 * forgets the lowest when a higher one comes.
 *
 * The cost is on every one of those calls, so the common case reads two
 * words: a call below the floor (VMACCT_PEAKS_FLOOR, or the lowest peak of
 * a full table) returns at once, and one of a process already in the
 * table at that count or higher after a scan of the table without the
 * lock.  Probe context: no sleeping; the lock is a raw spinlock.
 */
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "compat.h"
#include "peaks.h"
#include "syms.h"

struct vmacct_peak_slot {
	pid_t tgid;		/* 0: free */
	u32 peak;
	u64 start;		/* the leader's start_boottime */
	struct vmacct_peak rec;
};

static DEFINE_RAW_SPINLOCK(vmacct_peaks_lock);	/* the table */
static struct vmacct_peak_slot vmacct_peaks[VMACCT_PEAKS_MAX];
static u32 vmacct_peaks_floor = VMACCT_PEAKS_FLOOR;	/* READ_ONCE */

/*
 * The slot the current process was last found in: most calls over the
 * floor come from the few processes that hold the table, one after the
 * other, so a hit needs no scan.  A hint only: READ_ONCE/WRITE_ONCE.
 */
static unsigned int vmacct_peaks_hint;

/* Is @s the current process (@tgid, started at @start) at @count or higher? */
static bool vmacct_peaks_slot_has(const struct vmacct_peak_slot *s,
				  pid_t tgid, u64 start, u32 count)
{
	return READ_ONCE(s->tgid) == tgid && READ_ONCE(s->peak) >= count &&
	       READ_ONCE(s->start) == start;
}

/* Is the current process in the table at @count or higher?  No lock. */
static bool vmacct_peaks_have(pid_t tgid, u64 start, u32 count)
{
	unsigned int i = READ_ONCE(vmacct_peaks_hint) % VMACCT_PEAKS_MAX;

	if (vmacct_peaks_slot_has(&vmacct_peaks[i], tgid, start, count))
		return true;
	for (i = 0; i < VMACCT_PEAKS_MAX; i++) {
		if (vmacct_peaks_slot_has(&vmacct_peaks[i], tgid, start,
					  count)) {
			WRITE_ONCE(vmacct_peaks_hint, i);
			return true;
		}
	}
	return false;
}

/* The lowest a newcomer must beat, under the lock. */
static u32 vmacct_peaks_lowest(void)
{
	u32 low = U32_MAX;
	int i;

	for (i = 0; i < VMACCT_PEAKS_MAX; i++) {
		if (!vmacct_peaks[i].tgid)
			return VMACCT_PEAKS_FLOOR;
		low = min(low, vmacct_peaks[i].peak);
	}
	return max_t(u32, low, VMACCT_PEAKS_FLOOR);
}

static void vmacct_peaks_fill(struct vmacct_peak_slot *s, u32 count,
			      u64 start)
{
	struct vmacct_peak *r = &s->rec;

	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->tgid = current->tgid;
	r->peak = count;
	r->max_map_count = vmacct_max_map_count();
	r->uid = from_kuid_munged(&init_user_ns, current_uid());
	r->realtime_ns = ktime_get_real_fast_ns();
	r->start_boottime_ns = start;
	r->cgroup_id = vmacct_task_cgroup_id(current);
	/* as trace events do: task_lock() may be held by our caller */
	memcpy(r->comm, current->comm, sizeof(r->comm));
	r->comm[sizeof(r->comm) - 1] = '\0';
	WRITE_ONCE(s->peak, count);
	WRITE_ONCE(s->tgid, current->tgid);
}

/**
 * vmacct_peaks_see - a call of the current process, with @count VMAs
 * @count: its mm's map_count at the entry of the call
 *
 * Probe context.
 */
void vmacct_peaks_see(u32 count)
{
	struct vmacct_peak_slot *s, *low = NULL;
	pid_t tgid = current->tgid;
	unsigned long flags;
	u64 start;
	int i;

	if (count <= READ_ONCE(vmacct_peaks_floor))
		return;
	start = current->group_leader->start_boottime;
	if (vmacct_peaks_have(tgid, start, count))
		return;

	raw_spin_lock_irqsave(&vmacct_peaks_lock, flags);
	for (i = 0; i < VMACCT_PEAKS_MAX; i++) {
		s = &vmacct_peaks[i];
		if (s->tgid == tgid && s->start == start) {
			if (count > s->peak)
				vmacct_peaks_fill(s, count, start);
			goto out;
		}
		if (!low || !s->tgid || (low->tgid && s->peak < low->peak))
			low = s;
	}
	/* a newcomer: in a free slot, or in place of the lowest peak */
	if (!low->tgid || count > low->peak) {
		WRITE_ONCE(low->start, start);
		vmacct_peaks_fill(low, count, start);
	}
out:
	WRITE_ONCE(vmacct_peaks_floor, vmacct_peaks_lowest());
	raw_spin_unlock_irqrestore(&vmacct_peaks_lock, flags);
}

static int vmacct_peak_cmp(const void *a, const void *b)
{
	const struct vmacct_peak *x = a, *y = b;

	if (x->peak != y->peak)
		return x->peak < y->peak ? 1 : -1;
	return x->tgid < y->tgid ? -1 : x->tgid > y->tgid;
}

/**
 * vmacct_peaks_read - VMACCT_IOC_PEAKS: the table, highest peak first
 * @p: the request (records, nr, record_size), checked by the caller; the
 *	answer is filled in
 *
 * Return: 0, -ENOMEM, or -EFAULT writing the records.
 */
int vmacct_peaks_read(struct vmacct_peaks *p)
{
	u32 usize = min_t(u32, p->record_size, sizeof(struct vmacct_peak));
	char __user *dst = u64_to_user_ptr(p->records);
	struct vmacct_peak *buf;
	u32 i, n = 0;
	int err = 0;

	buf = kmalloc_array(VMACCT_PEAKS_MAX, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	raw_spin_lock_irq(&vmacct_peaks_lock);
	for (i = 0; i < VMACCT_PEAKS_MAX; i++)
		if (vmacct_peaks[i].tgid)
			buf[n++] = vmacct_peaks[i].rec;
	raw_spin_unlock_irq(&vmacct_peaks_lock);

	sort(buf, n, sizeof(buf[0]), vmacct_peak_cmp, NULL);
	n = min(n, p->nr);
	for (i = 0; i < n; i++) {
		if (copy_to_user(dst + (size_t)i * p->record_size, &buf[i],
				 usize)) {
			err = -EFAULT;
			goto out;
		}
	}
	p->nr = n;
	p->record_size = usize;
out:
	kfree(buf);
	return err;
}
