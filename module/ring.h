/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: the stream's readers (ring.c): one bounded ring each, their
 * filters, wake-ups, read() and poll(), and the stream's counters.
 */
#ifndef _VMACCT_RING_H
#define _VMACCT_RING_H

#include <linux/compiler.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/types.h>
#include <linux/vmacct.h>

#include "compat.h"

#define VMACCT_RING_MIN		16
#define VMACCT_RING_MAX		65536
#define VMACCT_RING_DEFAULT	4096

struct file;
struct vm_area_struct;
struct vmacct_reader;

struct vmacct_reader *vmacct_ring_alloc(void);
void vmacct_ring_free(struct vmacct_reader *r);
void vmacct_ring_set_filter(struct vmacct_reader *r, struct vmacct_trace *t);
void vmacct_ring_add(struct vmacct_reader *r);
void vmacct_ring_del(struct vmacct_reader *r);
void vmacct_ring_detach_all(void);
bool vmacct_ring_listed(struct vmacct_reader *r);

/* set under the ring's mutex while a reader is listed; read by the probes */
extern bool vmacct_readers_exist;

/* Is anyone reading?  Lets the probes skip building a record. */
static inline bool vmacct_ring_have_readers(void)
{
	return READ_ONCE(vmacct_readers_exist);
}

bool vmacct_ring_want_map_count(void);

/*
 * Fill in @ev's header (version, size, time, ids, comm) for the current
 * task.  NMI-safe.  In line: every record takes it.
 */
static __always_inline void vmacct_ring_stamp(struct vmacct_event *ev)
{
	ev->version = VMACCT_EVENT_VERSION;
	ev->size = sizeof(*ev);
	ev->time_ns = ktime_get_mono_fast_ns();	/* NMI-safe */
	ev->pid = current->pid;
	ev->tgid = current->tgid;
	ev->cgroup_id = vmacct_task_cgroup_id(current);
	/* as trace events do: task_lock() may be held by our caller */
	memcpy(ev->comm, current->comm, sizeof(ev->comm));
	ev->comm[sizeof(ev->comm) - 1] = '\0';
}

void vmacct_ring_queue(const struct vmacct_event *ev);
void vmacct_ring_emit(struct vmacct_event *ev);

ssize_t vmacct_ring_read(struct vmacct_reader *r, char __user *buf,
			 size_t len, bool nonblock);
__poll_t vmacct_ring_poll(struct vmacct_reader *r, struct file *file,
			  struct poll_table_struct *wait);
int vmacct_ring_consume(struct vmacct_reader *r,
			const struct vmacct_consume *c);
int vmacct_ring_mmap(struct vmacct_reader *r, struct vm_area_struct *vma);

u64 vmacct_ring_events(void);
u64 vmacct_ring_denied(void);
u64 vmacct_ring_dropped(void);
unsigned int vmacct_ring_buffer_size(void);
int vmacct_ring_set_buffer_size(unsigned int records);

#endif /* _VMACCT_RING_H */
