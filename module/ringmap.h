/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: the memory of a reader's ring (ringmap.c): a header page, then
 * the slots, which the reader may map read-only.
 */
#ifndef _VMACCT_RINGMAP_H
#define _VMACCT_RINGMAP_H

#include <linux/types.h>
#include <linux/vmacct.h>

struct vm_area_struct;

struct vmacct_ringmap {
	struct vmacct_ring_header *hdr;	/* what a mapping sees first */
	struct vmacct_event *slots;	/* after @hdr's page */
	size_t len;			/* bytes of both, page-rounded */
};

int vmacct_ringmap_alloc(struct vmacct_ringmap *m, u32 records);
void vmacct_ringmap_free(struct vmacct_ringmap *m);
int vmacct_ringmap_mmap(struct vmacct_ringmap *m, struct vm_area_struct *vma);

#endif /* _VMACCT_RINGMAP_H */
