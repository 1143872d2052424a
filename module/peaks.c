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
 * The cost is on every one of those calls, so most end in line, in
 * vmacct_peaks_known() (peaks.h): a call at or below the floor
 * (VMACCT_PEAKS_FLOOR, or the lowest peak of a full table), or one of the
 * process the table's hint names, at that count or lower.  The rest come
 * here: a scan of the table without the lock finds the others already in
 * it; only a new peak or a newcomer takes the lock.  A key changes only
 * under the lock, in a write section of the index's seqcount, so a read
 * without the lock never takes half of one key for another process's.
 * Probe context: no sleeping; the lock is a raw spinlock.
 */
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
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

static DEFINE_RAW_SPINLOCK(vmacct_peaks_lock);	/* the table */

struct vmacct_peaks_index vmacct_peaks_index = {
	.seq = SEQCNT_RAW_SPINLOCK_ZERO(vmacct_peaks_index.seq,
					&vmacct_peaks_lock),
	.floor = VMACCT_PEAKS_FLOOR,
};

/* What VMACCT_IOC_PEAKS reads of each slot of the index, under the lock. */
static struct vmacct_peak vmacct_peaks_rec[VMACCT_PEAKS_MAX];

/*
 * The slot of the current process (@tgid, started at @start), if a read
 * of the table without the lock finds one that no write crossed: the
 * hint moves there, and the answer is whether it holds @count or higher.
 * False sends the call to the lock.
 */
static bool vmacct_peaks_have(pid_t tgid, u64 start, u32 count)
{
	struct vmacct_peaks_index *x = &vmacct_peaks_index;
	const struct vmacct_peaks_key *k;
	unsigned int i, seq;
	u32 peak = 0;

	seq = raw_seqcount_begin(&x->seq);
	for (i = 0; i < VMACCT_PEAKS_MAX; i++) {
		k = &x->key[i];
		if (READ_ONCE(k->tgid) == tgid && READ_ONCE(k->start) == start) {
			peak = READ_ONCE(k->peak);
			break;
		}
	}
	if (i == VMACCT_PEAKS_MAX || read_seqcount_retry(&x->seq, seq))
		return false;
	WRITE_ONCE(x->hint, i);
	return peak >= count;
}

/* The lowest a newcomer must beat, under the lock. */
static u32 vmacct_peaks_lowest(void)
{
	const struct vmacct_peaks_key *k = vmacct_peaks_index.key;
	u32 low = U32_MAX;
	int i;

	for (i = 0; i < VMACCT_PEAKS_MAX; i++) {
		if (!k[i].tgid)
			return VMACCT_PEAKS_FLOOR;
		low = min(low, k[i].peak);
	}
	return max_t(u32, low, VMACCT_PEAKS_FLOOR);
}

/* Slot @i is the current process's, at @count: under the lock. */
static void vmacct_peaks_set(unsigned int i, u32 count, u64 start)
{
	struct vmacct_peaks_index *x = &vmacct_peaks_index;
	struct vmacct_peaks_key *k = &x->key[i];
	struct vmacct_peak *r = &vmacct_peaks_rec[i];

	write_seqcount_begin(&x->seq);
	WRITE_ONCE(k->tgid, current->tgid);
	WRITE_ONCE(k->peak, count);
	WRITE_ONCE(k->start, start);
	write_seqcount_end(&x->seq);
	WRITE_ONCE(x->hint, i);

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
}

/**
 * vmacct_peaks_see - a call of the current process, with @count VMAs
 * @count: its mm's map_count at the entry of the call
 *
 * For the calls vmacct_peaks_known() does not settle.  Probe context.
 */
void vmacct_peaks_see(u32 count)
{
	struct vmacct_peaks_index *x = &vmacct_peaks_index;
	const struct vmacct_peaks_key *k = x->key;
	pid_t tgid = current->tgid;
	unsigned int i, low = 0;
	unsigned long flags;
	u64 start;

	if (count <= READ_ONCE(x->floor))
		return;
	start = current->group_leader->start_boottime;
	if (vmacct_peaks_have(tgid, start, count))
		return;

	raw_spin_lock_irqsave(&vmacct_peaks_lock, flags);
	for (i = 0; i < VMACCT_PEAKS_MAX; i++) {
		if (k[i].tgid == tgid && k[i].start == start) {
			if (count > k[i].peak)
				vmacct_peaks_set(i, count, start);
			else
				WRITE_ONCE(x->hint, i);
			goto out;
		}
		/* the first free slot, or else the lowest peak */
		if (k[low].tgid && (!k[i].tgid || k[i].peak < k[low].peak))
			low = i;
	}
	/* a newcomer: in a free slot, or in place of the lowest peak */
	if (!k[low].tgid || count > k[low].peak)
		vmacct_peaks_set(low, count, start);
out:
	WRITE_ONCE(x->floor, vmacct_peaks_lowest());
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
		if (vmacct_peaks_index.key[i].tgid)
			buf[n++] = vmacct_peaks_rec[i];
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
