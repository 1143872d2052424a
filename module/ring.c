// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the stream's readers.
 *
 * Each reader (an open /dev/vmacct that asked for the stream) has its own
 * bounded ring of fixed-size records and a filter.  The probes hand every
 * record to vmacct_ring_queue(), which copies it into each matching ring:
 * a full ring drops the record and counts it, and never blocks or slows
 * the traced task.  Emitting runs in atomic context (possibly under
 * swap_lock): it takes only the ring's raw spinlock and defers the
 * reader's wake-up to an irq_work (vmacct_wake()).  read() copies to user
 * space straight from the ring: the records it copies are past the
 * producers' reach until it moves the ring's head.
 *
 * A reader may instead map its ring read-only (ringmap.c, struct
 * vmacct_ring_header) and hand records back with VMACCT_IOC_CONSUME
 * (vmacct_ring_consume()).  The head stays the module's: the header only
 * shows it.
 *
 * A detached reader (trace/enabled = 0) stays allocated until its file is
 * closed: blocked read()s return -ENODEV, poll() reports
 * EPOLLHUP | EPOLLERR.  stream.c decides when readers come and go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "compat.h"
#include "ring.h"
#include "ringmap.h"

#define VMACCT_READ_BATCH	VMACCT_READ_MAX_RECORDS
#define VMACCT_WAKE_NS		(10 * NSEC_PER_MSEC)	/* see vmacct_wake() */

struct vmacct_reader {
	struct list_head node;		/* on vmacct_readers (RCU) */
	raw_spinlock_t lock;		/* protects everything below */
	struct vmacct_ringmap map;	/* header and slots */
	u32 size;			/* records in @ring */
	u32 head;			/* oldest record; moved under read_mutex */
	u32 count;			/* records queued */
	u64 consumed;			/* records consumed since attach */
	u64 dropped;
	u32 flags;			/* VMACCT_TRACE_* */
	pid_t pid;
	pid_t tgid;
	bool detached;
	bool listed;			/* protected by vmacct_ring_mutex */

	u64 woken_ns;			/* last wake-up queued */

	wait_queue_head_t wq;
	struct irq_work wakeup;		/* wakes @wq from probe context */
	struct hrtimer wake_timer;	/* a wake-up deferred by the limit */
	struct mutex read_mutex;	/* one read() at a time */
};

static DEFINE_MUTEX(vmacct_ring_mutex);	/* changes of vmacct_readers */
static LIST_HEAD(vmacct_readers);	/* RCU; written under vmacct_ring_mutex */
bool vmacct_readers_exist;		/* written under vmacct_ring_mutex */

static unsigned int vmacct_ring_records = VMACCT_RING_DEFAULT;
static atomic64_t vmacct_nr_events = ATOMIC64_INIT(0);
static atomic64_t vmacct_nr_denied = ATOMIC64_INIT(0);
static atomic64_t vmacct_nr_dropped = ATOMIC64_INIT(0);

static void vmacct_reader_wakeup(struct irq_work *work)
{
	struct vmacct_reader *r = container_of(work, struct vmacct_reader,
					       wakeup);

	wake_up_interruptible_poll(&r->wq, EPOLLIN | EPOLLRDNORM);
}

static enum hrtimer_restart vmacct_wake_timer(struct hrtimer *timer)
{
	struct vmacct_reader *r = container_of(timer, struct vmacct_reader,
					       wake_timer);

	wake_up_interruptible_poll(&r->wq, EPOLLIN | EPOLLRDNORM);
	return HRTIMER_NORESTART;
}

/*
 * The ring went from empty to non-empty: wake the reader.  The first
 * record after a quiet spell wakes it at once; in a busy stretch it is
 * woken at most once every VMACCT_WAKE_NS (the timer delivers a wake-up
 * the limit held back), so that it reads records by the hundred rather
 * than one context switch every few: on one CPU, waking each millisecond
 * cost a one-page mmap() loop a third of what a reader costs it in all.
 * A ring half full wakes it at once whatever the limit
 * (vmacct_ring_queue()), so that the limit never makes a ring overflow.
 * Called with r->lock held.
 */
static void vmacct_wake(struct vmacct_reader *r, u64 now)
{
	if (now - r->woken_ns >= VMACCT_WAKE_NS || r->count >= r->size / 2) {
		r->woken_ns = now;
		irq_work_queue(&r->wakeup);
	} else if (!hrtimer_is_queued(&r->wake_timer)) {
		hrtimer_start(&r->wake_timer, ns_to_ktime(VMACCT_WAKE_NS),
			      HRTIMER_MODE_REL_SOFT);
	}
}

static bool vmacct_match(const struct vmacct_reader *r,
			 const struct vmacct_event *ev)
{
	if (ev->type == VMACCT_EV_DECISION) {
		if (r->flags & VMACCT_TRACE_NO_DECISIONS)
			return false;
		if ((r->flags & VMACCT_TRACE_DENIED) && !ev->verdict)
			return false;
	} else if (r->flags & VMACCT_TRACE_NO_MAP_COUNT) {
		return false;
	}
	if (r->pid && r->pid != ev->pid)
		return false;
	if (r->tgid && r->tgid != ev->tgid)
		return false;
	return true;
}

/**
 * vmacct_ring_queue - queue @ev for every reader that wants it
 * @ev: a whole record, header stamped (vmacct_ring_stamp())
 *
 * Probe context, a hard interrupt, or the task_work of a map-count
 * failure.  The list is walked under the RCU-sched read side: every
 * caller but the task_work has preemption off already, so it costs
 * nothing there, where rcu_read_lock() is two calls with PREEMPT_RCU (both
 * Debian kernels).  synchronize_rcu() waits for these readers too
 * (stream.c), since the RCU flavours were consolidated in 4.20.
 */
void vmacct_ring_queue(const struct vmacct_event *ev)
{
	struct vmacct_reader *r;
	unsigned long flags;

	atomic64_inc(&vmacct_nr_events);
	if (ev->type == VMACCT_EV_DECISION && ev->verdict)
		atomic64_inc(&vmacct_nr_denied);
	rcu_read_lock_sched();
	list_for_each_entry_rcu(r, &vmacct_readers, node) {
		raw_spin_lock_irqsave(&r->lock, flags);
		if (!r->detached && vmacct_match(r, ev)) {
			if (r->count < r->size) {
				r->map.slots[(r->head + r->count) % r->size] = *ev;
				/* the record before the tail a mapping reads */
				smp_store_release(&r->map.hdr->tail,
						  r->consumed + r->count + 1);
				/*
				 * A reader sleeps only on an empty ring; a
				 * wake-up held back may be due early.
				 */
				if (!r->count++ || r->count == r->size / 2)
					vmacct_wake(r, ev->time_ns);
			} else {
				r->dropped++;
				WRITE_ONCE(r->map.hdr->dropped, r->dropped);
				atomic64_inc(&vmacct_nr_dropped);
			}
		}
		raw_spin_unlock_irqrestore(&r->lock, flags);
	}
	rcu_read_unlock_sched();
}

/* Stamp @ev for the current task and queue it. */
void vmacct_ring_emit(struct vmacct_event *ev)
{
	vmacct_ring_stamp(ev);
	vmacct_ring_queue(ev);
}

/* Does a listed reader want map-count failures? */
bool vmacct_ring_want_map_count(void)
{
	struct vmacct_reader *r;
	bool want = false;

	mutex_lock(&vmacct_ring_mutex);
	list_for_each_entry(r, &vmacct_readers, node) {
		if (!(READ_ONCE(r->flags) & VMACCT_TRACE_NO_MAP_COUNT)) {
			want = true;
			break;
		}
	}
	mutex_unlock(&vmacct_ring_mutex);
	return want;
}

void vmacct_ring_free(struct vmacct_reader *r)
{
	hrtimer_cancel(&r->wake_timer);
	irq_work_sync(&r->wakeup);
	vmacct_ringmap_free(&r->map);
	kfree(r);
}

/* A new reader with a ring of trace/buffer_size records, not yet listed. */
struct vmacct_reader *vmacct_ring_alloc(void)
{
	struct vmacct_reader *r;
	u32 size = READ_ONCE(vmacct_ring_records);

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	if (vmacct_ringmap_alloc(&r->map, size)) {
		kfree(r);
		return NULL;
	}
	r->size = size;
	raw_spin_lock_init(&r->lock);
	init_waitqueue_head(&r->wq);
	init_irq_work(&r->wakeup, vmacct_reader_wakeup);
	vmacct_hrtimer_setup(&r->wake_timer, vmacct_wake_timer,
			     HRTIMER_MODE_REL_SOFT);
	mutex_init(&r->read_mutex);
	return r;
}

/* Set @r's filter from @t, and tell @t the ring's size and drops. */
void vmacct_ring_set_filter(struct vmacct_reader *r, struct vmacct_trace *t)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&r->lock, flags);
	WRITE_ONCE(r->flags, t->flags);
	r->pid = t->pid;
	r->tgid = t->tgid;
	t->buffer_size = r->size;
	t->dropped = r->dropped;
	raw_spin_unlock_irqrestore(&r->lock, flags);
}

/* Start delivering records to @r. */
void vmacct_ring_add(struct vmacct_reader *r)
{
	mutex_lock(&vmacct_ring_mutex);
	list_add_tail_rcu(&r->node, &vmacct_readers);
	r->listed = true;
	WRITE_ONCE(vmacct_readers_exist, true);
	mutex_unlock(&vmacct_ring_mutex);
}

/*
 * Stop delivering records to @r, if it was listed; the caller waits for
 * an RCU grace period before freeing it.
 */
void vmacct_ring_del(struct vmacct_reader *r)
{
	mutex_lock(&vmacct_ring_mutex);
	if (r->listed)
		list_del_rcu(&r->node);
	r->listed = false;
	WRITE_ONCE(vmacct_readers_exist, !list_empty(&vmacct_readers));
	mutex_unlock(&vmacct_ring_mutex);
}

bool vmacct_ring_listed(struct vmacct_reader *r)
{
	bool listed;

	mutex_lock(&vmacct_ring_mutex);
	listed = r->listed;
	mutex_unlock(&vmacct_ring_mutex);
	return listed;
}

/*
 * Detach every reader: they stay allocated until their file is closed,
 * but get nothing more; blocked readers wake up to -ENODEV.
 */
void vmacct_ring_detach_all(void)
{
	struct vmacct_reader *r, *tmp;
	unsigned long flags;

	mutex_lock(&vmacct_ring_mutex);
	list_for_each_entry_safe(r, tmp, &vmacct_readers, node) {
		raw_spin_lock_irqsave(&r->lock, flags);
		r->detached = true;
		raw_spin_unlock_irqrestore(&r->lock, flags);
		list_del_rcu(&r->node);
		r->listed = false;
		wake_up_interruptible_poll(&r->wq, EPOLLHUP | EPOLLERR);
	}
	WRITE_ONCE(vmacct_readers_exist, false);
	mutex_unlock(&vmacct_ring_mutex);
}

/*
 * Copy @n records from slot @head of @r to @buf, in two pieces where they
 * wrap.  The slots stay the reader's until the head moves past them.
 */
static int vmacct_ring_copy(struct vmacct_reader *r, char __user *buf,
			    u32 head, u32 n)
{
	u32 first = min(n, r->size - head);
	size_t sz = sizeof(*r->map.slots);

	if (copy_to_user(buf, &r->map.slots[head], first * sz))
		return -EFAULT;
	if (copy_to_user(buf + first * sz, r->map.slots, (n - first) * sz))
		return -EFAULT;
	return 0;
}

/*
 * The oldest @n records are consumed: their slots are the producers'
 * again.  Under @r->read_mutex, the only way the head moves.
 */
static void vmacct_ring_advance(struct vmacct_reader *r, u32 n)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&r->lock, flags);
	r->head = (r->head + n) % r->size;
	r->count -= n;
	r->consumed += n;
	WRITE_ONCE(r->map.hdr->head, r->consumed);
	raw_spin_unlock_irqrestore(&r->lock, flags);
}

/**
 * vmacct_ring_read - read() of a trace reader
 * @r: the reader
 * @buf: user buffer
 * @len: its size in bytes
 * @nonblock: O_NONBLOCK
 *
 * The oldest records, as many whole ones as @len holds (at most
 * VMACCT_READ_MAX_RECORDS).  Producers write only past head + count and
 * only read() moves the head, one at a time under @r->read_mutex, so the
 * records are copied with the lock dropped and consumed after: a fault
 * consumes none.
 *
 * Return: bytes read, -EINVAL for a buffer shorter than a record,
 * -EAGAIN (nonblocking, nothing queued), -ENODEV once detached and
 * drained, -EFAULT, or -ERESTARTSYS.
 */
ssize_t vmacct_ring_read(struct vmacct_reader *r, char __user *buf,
			 size_t len, bool nonblock)
{
	u32 want = min_t(size_t, len / sizeof(struct vmacct_event),
			 VMACCT_READ_BATCH);
	unsigned long flags;
	u32 head, n;
	ssize_t ret;
	bool detached;

	if (!want)
		return -EINVAL;
	if (mutex_lock_interruptible(&r->read_mutex))
		return -ERESTARTSYS;
	for (;;) {
		raw_spin_lock_irqsave(&r->lock, flags);
		detached = r->detached;
		head = r->head;
		n = min(want, r->count);
		raw_spin_unlock_irqrestore(&r->lock, flags);

		if (n)
			break;
		if (detached) {
			ret = -ENODEV;
			goto out;
		}
		if (nonblock) {
			ret = -EAGAIN;
			goto out;
		}
		ret = wait_event_interruptible(r->wq, READ_ONCE(r->count) ||
					       READ_ONCE(r->detached));
		if (ret)
			goto out;
	}
	ret = vmacct_ring_copy(r, buf, head, n);
	if (ret)
		goto out;
	vmacct_ring_advance(r, n);
	ret = n * sizeof(struct vmacct_event);
out:
	mutex_unlock(&r->read_mutex);
	return ret;
}

/**
 * vmacct_ring_consume - VMACCT_IOC_CONSUME: a mapped reader is done
 * @r: the reader
 * @c: @c->head, the records consumed since attach: at least the ring's
 *	head, at most its tail
 *
 * Return: 0, -EINVAL for a head out of that range, or -ERESTARTSYS.
 */
int vmacct_ring_consume(struct vmacct_reader *r, const struct vmacct_consume *c)
{
	unsigned long flags;
	u64 n;
	int err = 0;

	if (mutex_lock_interruptible(&r->read_mutex))
		return -ERESTARTSYS;
	raw_spin_lock_irqsave(&r->lock, flags);
	n = c->head - r->consumed;	/* wraps for a head behind ours */
	if (n > r->count)
		err = -EINVAL;
	raw_spin_unlock_irqrestore(&r->lock, flags);
	if (!err)
		vmacct_ring_advance(r, n);
	mutex_unlock(&r->read_mutex);
	return err;
}

/* Map @r's ring, read-only (vmacct_ringmap_mmap()). */
int vmacct_ring_mmap(struct vmacct_reader *r, struct vm_area_struct *vma)
{
	return vmacct_ringmap_mmap(&r->map, vma);
}

__poll_t vmacct_ring_poll(struct vmacct_reader *r, struct file *file,
			  poll_table *wait)
{
	__poll_t mask = 0;

	poll_wait(file, &r->wq, wait);
	if (READ_ONCE(r->count))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(r->detached))
		mask |= EPOLLHUP | EPOLLERR;
	return mask;
}

u64 vmacct_ring_events(void)
{
	return atomic64_read(&vmacct_nr_events);
}

u64 vmacct_ring_denied(void)
{
	return atomic64_read(&vmacct_nr_denied);
}

u64 vmacct_ring_dropped(void)
{
	return atomic64_read(&vmacct_nr_dropped);
}

unsigned int vmacct_ring_buffer_size(void)
{
	return READ_ONCE(vmacct_ring_records);
}

int vmacct_ring_set_buffer_size(unsigned int records)
{
	if (records < VMACCT_RING_MIN || records > VMACCT_RING_MAX)
		return -EINVAL;
	WRITE_ONCE(vmacct_ring_records, records);
	return 0;
}
