// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the memory of a reader's ring.
 *
 * One vmalloc_user() area (zeroed, and mappable page by page): a page
 * for struct vmacct_ring_header, then the slots.  A reader may map it
 * read-only in place of read(); ring.c owns what is written in it.
 */
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "ringmap.h"

/**
 * vmacct_ringmap_alloc - a header page and @records slots
 * @m: filled in
 * @records: at most VMACCT_RING_MAX (8.5 MiB of slots)
 *
 * Return: 0 or -ENOMEM.
 */
int vmacct_ringmap_alloc(struct vmacct_ringmap *m, u32 records)
{
	m->len = PAGE_SIZE +
		 PAGE_ALIGN((size_t)records * sizeof(struct vmacct_event));
	m->hdr = vmalloc_user(m->len);
	if (!m->hdr)
		return -ENOMEM;
	m->slots = (void *)m->hdr + PAGE_SIZE;
	m->hdr->records = records;
	m->hdr->record_size = sizeof(struct vmacct_event);
	m->hdr->data_offset = PAGE_SIZE;
	return 0;
}

/* Once no mapping is left: a mapping holds the file, the file the ring. */
void vmacct_ringmap_free(struct vmacct_ringmap *m)
{
	vfree(m->hdr);
	m->hdr = NULL;
}

/**
 * vmacct_ringmap_mmap - map the header and the slots into @vma
 * @m: the ring
 * @vma: shared, offset 0, exactly @m->len long, neither writable nor
 *	executable; it never becomes so (VM_MAYWRITE, VM_MAYEXEC go)
 *
 * Return: 0, -EINVAL for another offset or length or a private mapping,
 * -EPERM for a writable or executable one, or remap_vmalloc_range()'s
 * error.
 */
int vmacct_ringmap_mmap(struct vmacct_ringmap *m, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != m->len ||
	    !(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EPERM;
	vmacct_vma_clear_flags(vma, VM_MAYWRITE | VM_MAYEXEC);
	return remap_vmalloc_range(vma, m->hdr, 0);
}
