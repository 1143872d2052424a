// SPDX-License-Identifier: GPL-2.0
/*
 * A trace reader's ring mapped read-only: the mapping, its header
 * checked, and the records queued in it.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ringmap.h"

int vm_ring_map(int fd, const struct vmacct_trace *t, struct vm_ring *r)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t data = (size_t)t->buffer_size * sizeof(struct vmacct_event);
	void *m;

	memset(r, 0, sizeof(*r));
	if (page <= 0 || !t->buffer_size)
		return -EINVAL;
	r->len = (size_t)page + (data + (size_t)page - 1) / (size_t)page * (size_t)page;
	m = mmap(NULL, r->len, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	r->hdr = m;
	/* the module's layout, or none: never slots outside the mapping */
	if (r->hdr->records != t->buffer_size ||
	    r->hdr->record_size != sizeof(struct vmacct_event) ||
	    r->hdr->data_offset != (uint64_t)page) {
		munmap(m, r->len);
		memset(r, 0, sizeof(*r));
		return -EPROTO;
	}
	r->slots = (const void *)((const char *)m + page);
	r->records = t->buffer_size;
	r->head = r->hdr->head;
	return 0;
}

void vm_ring_unmap(struct vm_ring *r)
{
	if (r->hdr)
		munmap((void *)r->hdr, r->len);
	memset(r, 0, sizeof(*r));
}

size_t vm_ring_peek(const struct vm_ring *r, size_t max,
			const struct vmacct_event **first)
{
	uint64_t tail = __atomic_load_n(&r->hdr->tail, __ATOMIC_ACQUIRE);
	uint64_t n = tail - r->head;
	size_t slot = (size_t)(r->head % r->records);

	if (n > r->records)	/* never from the module */
		n = 0;
	if (n > r->records - slot)
		n = r->records - slot;
	if (n > max)
		n = max;
	*first = &r->slots[slot];
	return (size_t)n;
}
