/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A trace reader's ring mapped read-only (struct vmacct_ring_header):
 * records are taken in place, with no copy and no read(), and handed
 * back with VMACCT_IOC_CONSUME (vm_dev_ring_consume(), device.c).
 */
#ifndef VMACCT_RINGMAP_H
#define VMACCT_RINGMAP_H

#include <stddef.h>
#include <stdint.h>
#include <linux/vmacct.h>

struct vm_ring {
	const struct vmacct_ring_header *hdr;
	const struct vmacct_event *slots;
	size_t len;		/* of the mapping */
	uint32_t records;
	uint64_t head;		/* records consumed since attach */
};

/*
 * Map fd's ring of t->buffer_size records.  0, or -errno saying nothing
 * (ENODEV from a module older than the mapping: read() then; EPROTO for
 * a header of another layout).
 */
int vm_ring_map(int fd, const struct vmacct_trace *t, struct vm_ring *r);
void vm_ring_unmap(struct vm_ring *r);
/*
 * The records queued after r->head, up to max and up to the ring's end:
 * their number, the first at *first.
 */
size_t vm_ring_peek(const struct vm_ring *r, size_t max,
		    const struct vmacct_event **first);

#endif
