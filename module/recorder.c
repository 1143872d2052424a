// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the recorder, the last refusals since load, kept with nobody
 * reading.
 *
 * The probes hand it every refused decision and every map-count failure
 * while it is on; it numbers them from 1, adds the wall-clock and boot
 * times, the uid and the cgroup, and what would have been enough (the
 * model's and the rules' answer, computed here, on the refusal path
 * only), and keeps the newest recorder/size of them in one ring.  Adding
 * runs in probe context under a raw spinlock and never sleeps or
 * allocates; the ring is allocated when the recorder is switched on or
 * resized, in process context.  Readers copy records out by number
 * (VMACCT_IOC_LOG), so any number of them may read, each at its own pace,
 * and none can slow a refused task.  What the ring overwrites is not lost
 * without a trace: it is counted by process and kind
 * (VMACCT_IOC_OVERWRITES), so that a storm of one process's refusals
 * reads as one line.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/math64.h>
#include <linux/mman.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/vmalloc.h>

#include "commit.h"
#include "recorder.h"

#define VMACCT_LOG_BATCH	256	/* records per VMACCT_IOC_LOG call */

static DEFINE_MUTEX(vmacct_rec_mutex);		/* switching and resizing */
static DEFINE_RAW_SPINLOCK(vmacct_rec_lock);	/* the seven below */
static struct vmacct_record *vmacct_rec_ring;
static u32 vmacct_rec_size = VMACCT_RECORDER_DEFAULT;
static u64 vmacct_rec_seq;			/* the last number given */
static u64 vmacct_rec_oldest = 1;	/* the oldest a resize kept */
bool vmacct_rec_on;				/* also read by the probes */
static s64 vmacct_rec_last[2][VMACCT_STATS_SLOTS];	/* by type, caller */
/* what the ring overwrote: groups filled in order, then the rest */
static struct vmacct_overwrite vmacct_rec_gone[VMACCT_OVERWRITES_MAX + 1];

/* Record number @seq's place in a ring of @size. */
static u32 vmacct_rec_slot(u64 seq, u32 size)
{
	u32 rem;

	div_u64_rem(seq - 1, size, &rem);
	return rem;
}

/*
 * The header of a record of the current task: times, uid, cgroup.
 * NMI-safe: the fast clocks, local_clock() (printk's own), and the
 * task's own credentials and cgroup.
 */
static void vmacct_recorder_stamp(struct vmacct_record *rec)
{
	rec->size = sizeof(*rec);
	rec->realtime_ns = ktime_get_real_fast_ns();
	rec->boottime_ns = ktime_get_boot_fast_ns();
	rec->printk_ns = local_clock();
	rec->cgroup_id = rec->ev.cgroup_id;
	rec->uid = from_kuid_munged(&init_user_ns, current_uid());
}

/**
 * vmacct_recorder_stamp_decision - complete a refused decision's record
 * @rec: @rec->ev filled and stamped, with the terms read at the refusal;
 *	the rest zero
 *
 * The header, and what would have let it pass.  NMI-safe.
 */
void vmacct_recorder_stamp_decision(struct vmacct_record *rec)
{
	const struct vmacct_event *ev = &rec->ev;

	vmacct_recorder_stamp(rec);
	rec->committed_error = vmacct_committed_error();
	if (ev->mode == OVERCOMMIT_NEVER)
		vmacct_refusal_settings(ev->committed, ev->admin_reserve,
					ev->user_reserve, &rec->min_ratio,
					&rec->min_kbytes);
}

/**
 * vmacct_recorder_stamp_map_count - complete a map-count failure's record
 * @rec: @rec->ev filled and stamped; the rest zero
 * @enough: a vm.max_map_count under which it would have passed
 *
 * NMI-safe.
 */
void vmacct_recorder_stamp_map_count(struct vmacct_record *rec, s64 enough)
{
	vmacct_recorder_stamp(rec);
	rec->min_max_map_count = enough;
}

/*
 * Count @rec, about to be overwritten or dropped by a resize, in the group
 * of its process and kind: the first free group if it has none, the rest
 * when all are taken.  Under the ring's lock.
 */
static void vmacct_recorder_forget(const struct vmacct_record *rec)
{
	const struct vmacct_event *ev = &rec->ev;
	struct vmacct_overwrite *g;
	int i;

	for (i = 0; i < VMACCT_OVERWRITES_MAX; i++) {
		g = &vmacct_rec_gone[i];
		if (!g->count) {
			g->size = sizeof(*g);
			g->type = ev->type;
			g->caller = ev->caller;
			g->tgid = ev->tgid;
			break;
		}
		if (g->tgid == ev->tgid && g->type == ev->type &&
		    g->caller == ev->caller)
			break;
	}
	if (i == VMACCT_OVERWRITES_MAX) {
		g = &vmacct_rec_gone[i];
		g->size = sizeof(*g);
		g->flags = VMACCT_OVERWRITE_REST;
	} else {
		g->uid = rec->uid;
		g->cgroup_id = rec->cgroup_id;
		memcpy(g->comm, ev->comm, sizeof(g->comm));
		g->comm[sizeof(g->comm) - 1] = '\0';
	}
	if (!g->count++)
		g->first_ns = rec->realtime_ns;
	g->last_ns = rec->realtime_ns;
	g->last_seq = rec->seq;
}

/**
 * vmacct_recorder_keep - number @rec and keep it, if the recorder is on
 * @rec: a stamped record
 *
 * Probe context or a hard interrupt, not NMI: takes the ring's lock.
 */
void vmacct_recorder_keep(struct vmacct_record *rec)
{
	struct vmacct_record *slot;
	unsigned long flags;

	raw_spin_lock_irqsave(&vmacct_rec_lock, flags);
	if (vmacct_rec_on && vmacct_rec_ring) {
		rec->seq = ++vmacct_rec_seq;
		slot = &vmacct_rec_ring[vmacct_rec_slot(rec->seq,
							vmacct_rec_size)];
		if (slot->seq)		/* full: the oldest goes */
			vmacct_recorder_forget(slot);
		*slot = *rec;
		if (rec->ev.caller < VMACCT_STATS_SLOTS)
			vmacct_rec_last[rec->ev.type == VMACCT_EV_MAP_COUNT]
				       [rec->ev.caller] = rec->realtime_ns;
	}
	raw_spin_unlock_irqrestore(&vmacct_rec_lock, flags);
}

/*
 * Replace the ring with one of @size records (NULL: none), keeping the
 * newest records that fit.
 */
static void vmacct_recorder_swap(struct vmacct_record *ring, u32 size)
{
	struct vmacct_record *old;
	unsigned long flags;
	u64 seq, kept, keep;
	u32 slot;

	lockdep_assert_held(&vmacct_rec_mutex);
	raw_spin_lock_irqsave(&vmacct_rec_lock, flags);
	old = vmacct_rec_ring;
	if (ring && old) {
		/* the records there are: not those a smaller ring lost */
		kept = min_t(u64, vmacct_rec_seq + 1 - vmacct_rec_oldest,
			     vmacct_rec_size);
		keep = min_t(u64, kept, size);
		/* those a smaller ring drops count as overwritten */
		for (seq = vmacct_rec_seq + 1 - kept;
		     seq + keep <= vmacct_rec_seq; seq++) {
			slot = vmacct_rec_slot(seq, vmacct_rec_size);
			vmacct_recorder_forget(&old[slot]);
		}
		for (seq = vmacct_rec_seq - keep + 1; seq <= vmacct_rec_seq;
		     seq++)
			ring[vmacct_rec_slot(seq, size)] =
				old[vmacct_rec_slot(seq, vmacct_rec_size)];
		/* a larger ring does not bring back what a smaller one lost */
		vmacct_rec_oldest = vmacct_rec_seq - keep + 1;
	}
	vmacct_rec_ring = ring;
	if (ring)
		vmacct_rec_size = size;
	raw_spin_unlock_irqrestore(&vmacct_rec_lock, flags);
	vfree(old);
}

/**
 * vmacct_recorder_set_size - keep the last @records refusals
 * @records: VMACCT_RECORDER_MIN..VMACCT_RECORDER_MAX
 *
 * Return: 0, -EINVAL out of range, or -ENOMEM.  The newest records that
 * fit are kept, with their numbers.
 */
int vmacct_recorder_set_size(u32 records)
{
	struct vmacct_record *ring = NULL;

	if (records < VMACCT_RECORDER_MIN || records > VMACCT_RECORDER_MAX)
		return -EINVAL;
	mutex_lock(&vmacct_rec_mutex);
	if (vmacct_rec_ring) {
		ring = vzalloc(array_size(records, sizeof(*ring)));
		if (!ring) {
			mutex_unlock(&vmacct_rec_mutex);
			return -ENOMEM;
		}
		vmacct_recorder_swap(ring, records);
	} else {
		vmacct_rec_size = records;
	}
	mutex_unlock(&vmacct_rec_mutex);
	return 0;
}

u32 vmacct_recorder_size(void)
{
	return READ_ONCE(vmacct_rec_size);
}

/* Refusals recorded since load. */
u64 vmacct_recorder_total(void)
{
	unsigned long flags;
	u64 seq;

	raw_spin_lock_irqsave(&vmacct_rec_lock, flags);
	seq = vmacct_rec_seq;
	raw_spin_unlock_irqrestore(&vmacct_rec_lock, flags);
	return seq;
}

/**
 * vmacct_recorder_switch - start or stop keeping refusals
 * @on: true to keep them
 *
 * Starting allocates the ring the first time; stopping keeps the records,
 * readable, until the module is unloaded.  The caller arms the probes.
 *
 * Return: 0 or -ENOMEM.
 */
int vmacct_recorder_switch(bool on)
{
	struct vmacct_record *ring;
	int err = 0;

	mutex_lock(&vmacct_rec_mutex);
	if (on && !vmacct_rec_ring) {
		ring = vzalloc(array_size(vmacct_rec_size, sizeof(*ring)));
		if (!ring) {
			err = -ENOMEM;
			goto out;
		}
		vmacct_recorder_swap(ring, vmacct_rec_size);
	}
	raw_spin_lock_irq(&vmacct_rec_lock);
	WRITE_ONCE(vmacct_rec_on, on);
	raw_spin_unlock_irq(&vmacct_rec_lock);
out:
	mutex_unlock(&vmacct_rec_mutex);
	return err;
}

/**
 * vmacct_recorder_read - VMACCT_IOC_LOG: copy records out, oldest first
 * @l: the request (since, records, nr, record_size), checked by the
 *	caller; the answer is filled in
 *
 * Return: 0, -ENOMEM, or -EFAULT writing the records.
 */
int vmacct_recorder_read(struct vmacct_log *l)
{
	u32 usize = min_t(u32, l->record_size, sizeof(struct vmacct_record));
	char __user *dst = u64_to_user_ptr(l->records);
	struct vmacct_record *buf = NULL;
	u64 since = max_t(u64, l->since, 1), first, seq;
	u32 i, n = 0, want;
	int err = 0;

	mutex_lock(&vmacct_rec_mutex);	/* the ring cannot change size */
	want = min3(l->nr, vmacct_rec_size, (u32)VMACCT_LOG_BATCH);
	if (want) {
		buf = kvmalloc_array(want, sizeof(*buf), GFP_KERNEL);
		if (!buf) {
			err = -ENOMEM;
			goto out;
		}
	}

	raw_spin_lock_irq(&vmacct_rec_lock);
	seq = vmacct_rec_seq;
	first = seq > vmacct_rec_size ? seq - vmacct_rec_size + 1 : 1;
	first = max(first, vmacct_rec_oldest);
	l->lost = since < first ? first - since : 0;
	since = max(since, first);
	if (vmacct_rec_ring)
		for (; n < want && since + n <= seq; n++)
			buf[n] = vmacct_rec_ring[vmacct_rec_slot(since + n,
							vmacct_rec_size)];
	l->total = seq;
	l->capacity = vmacct_rec_size;
	l->enabled = vmacct_rec_on;
	memcpy(l->last_denial_ns, vmacct_rec_last[0],
	       sizeof(l->last_denial_ns));
	memcpy(l->last_map_count_ns, vmacct_rec_last[1],
	       sizeof(l->last_map_count_ns));
	raw_spin_unlock_irq(&vmacct_rec_lock);
	l->printk_now_ns = local_clock();

	for (i = 0; i < n; i++) {
		if (copy_to_user(dst + (size_t)i * l->record_size, &buf[i],
				 usize)) {
			err = -EFAULT;
			goto out;
		}
	}
	l->nr = n;
	l->record_size = usize;
	l->next = since + n;
out:
	mutex_unlock(&vmacct_rec_mutex);
	kvfree(buf);
	return err;
}

static int vmacct_overwrite_cmp(const void *a, const void *b)
{
	const struct vmacct_overwrite *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->last_seq < y->last_seq ? 1 : x->last_seq > y->last_seq ?
	       -1 : 0;
}

/**
 * vmacct_recorder_overwrites - VMACCT_IOC_OVERWRITES: what the ring overwrote
 * @o: the request (records, nr, record_size), checked by the caller; the
 *	answer is filled in
 *
 * Return: 0, -ENOMEM, or -EFAULT writing the groups.
 */
int vmacct_recorder_overwrites(struct vmacct_overwrites *o)
{
	u32 usize = min_t(u32, o->record_size,
			  sizeof(struct vmacct_overwrite));
	char __user *dst = u64_to_user_ptr(o->records);
	struct vmacct_overwrite *buf;
	u32 i, n = 0;
	int err = 0;

	buf = kmalloc_array(ARRAY_SIZE(vmacct_rec_gone), sizeof(*buf),
			    GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	raw_spin_lock_irq(&vmacct_rec_lock);
	for (i = 0; i < ARRAY_SIZE(vmacct_rec_gone); i++)
		if (vmacct_rec_gone[i].count)
			buf[n++] = vmacct_rec_gone[i];
	raw_spin_unlock_irq(&vmacct_rec_lock);

	sort(buf, n, sizeof(buf[0]), vmacct_overwrite_cmp, NULL);
	n = min(n, o->nr);
	for (i = 0; i < n; i++) {
		if (copy_to_user(dst + (size_t)i * o->record_size, &buf[i],
				 usize)) {
			err = -EFAULT;
			goto out;
		}
	}
	o->nr = n;
	o->record_size = usize;
out:
	kfree(buf);
	return err;
}

/* Module exit, after the probes are gone. */
void vmacct_recorder_exit(void)
{
	mutex_lock(&vmacct_rec_mutex);
	WRITE_ONCE(vmacct_rec_on, false);
	vmacct_recorder_swap(NULL, 0);
	mutex_unlock(&vmacct_rec_mutex);
}
