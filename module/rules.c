// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: where the kernel checks mm->map_count against
 * vm.max_map_count, and with which comparison.  Each rule is stated once,
 * as the smallest map_count at which a check fails ("first"), so that a
 * headroom is first - map_count and a failure is map_count >= first.
 *
 * The check sites (6.1 and 6.12 compare alike; where they live):
 *
 *   new VMA   do_mmap() and do_brk_flags(): map_count > max
 *             (6.1 mm/mmap.c; 6.12 mm/mmap.c); but a MAP_FIXED mapping
 *             over the middle of one VMA then unmaps that range, which
 *             is munmap's check below, map_count >= max (6.1
 *             mmap_region() through do_mas_munmap(); 6.12 __mmap_region()
 *             through vms_gather_munmap_vmas())
 *   split     split_vma(): map_count >= max, before each split; mprotect(),
 *             mlock(), munlock() and madvise() split at both ends of the
 *             range, the second split seeing the first's VMA (6.1
 *             mm/mmap.c split_vma() and mm/madvise.c madvise_update_vma();
 *             6.12 mm/vma.c split_vma() through vma_modify())
 *   munmap    only when one VMA is cut at both ends: map_count >= max
 *             (6.1 mm/mmap.c do_mas_align_munmap(); 6.12 mm/vma.c
 *             vms_gather_munmap_vmas()); the end split is not checked
 *   mremap    a move: map_count >= max - 3 (mm/mremap.c move_vma());
 *             MREMAP_FIXED or MREMAP_DONTUNMAP: map_count + 2 >= max - 3
 *             (mm/mremap.c mremap_to()); a shrink without them unmaps the
 *             tail as munmap() does: map_count >= max when the tail ends
 *             inside the VMA (6.1 mm/mremap.c mremap() through
 *             do_mas_munmap(); 6.12 through do_vmi_munmap()); from 6.17
 *             every call, before any unmap: max - 3, or max - 4 with
 *             MREMAP_DONTUNMAP (mm/mremap.c
 *             check_map_count_against_split_early(), 7.2)
 *
 * __split_vma() on the munmap end split, insert_vm_struct() (exec's stack,
 * the vdso), dup_mmap() and in-place mremap() growth never check.
 *
 * 5.10 checks at the same sites with the same comparisons (mm/mmap.c
 * do_mmap(), do_brk_flags(), split_vma(), __do_munmap(); mm/mremap.c
 * move_vma(), mremap_to(); mm/madvise.c madvise_behavior() checks before
 * its own __split_vma() calls), but its madvise() returns the check's
 * ENOMEM where 6.1 and later return EAGAIN (vmacct_rule_sys_errno()).
 */
#include <linux/errno.h>
#include <linux/mman.h>
#include <linux/vmacct.h>

#include "compat.h"
#include "rules.h"

/*
 * The reserve R of an mremap() with @flags: it fails once
 * map_count >= max - R; -1 if it never checks.
 */
static int vmacct_mremap_reserve(unsigned long flags)
{
	if (vmacct_mremap_checks_early())
		return flags & MREMAP_DONTUNMAP ? 4 : 3;
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return VMACCT_RULE_WIDEST_RESERVE;
	if (flags & VMACCT_MREMAP_SHRINK)
		return 0;
	return flags & MREMAP_MAYMOVE ? 3 : -1;
}

/**
 * vmacct_rule_first - the smallest map_count at which a check site fails
 * @check: the kind of site
 * @max: vm.max_map_count (any int the sysctl accepts)
 * @mremap_flags: the MREMAP_* flags and VMACCT_MREMAP_SHRINK, for
 *	VMACCT_CHECK_MREMAP
 *
 * Return: that count, in a long so that max + 1 cannot overflow, or
 * VMACCT_RULE_NEVER.
 */
long vmacct_rule_first(enum vmacct_check check, int max,
		       unsigned long mremap_flags)
{
	int reserve;

	switch (check) {
	case VMACCT_CHECK_MAP:
		return (long)max + 1;
	case VMACCT_CHECK_SPLIT:
		return max;
	case VMACCT_CHECK_MREMAP:
		reserve = vmacct_mremap_reserve(mremap_flags);
		return reserve < 0 ? VMACCT_RULE_NEVER : (long)max - reserve;
	}
	return VMACCT_RULE_NEVER;
}

/**
 * vmacct_rule_sys_first - the smallest map_count at entry of a system
 *	call at which it can fail on the count
 * @sys: VMACCT_SYS_*
 * @max: vm.max_map_count
 * @mremap_flags: the flags of an mremap(), and VMACCT_MREMAP_SHRINK; or
 *	for mmap(), VMACCT_MMAP_SPLITS
 *
 * A call that splits at both ends of its range fails one VMA earlier than
 * one split would: the second split sees the first's new VMA.
 */
long vmacct_rule_sys_first(u32 sys, int max, unsigned long mremap_flags)
{
	switch (sys) {
	case VMACCT_SYS_MMAP:
		if (mremap_flags & VMACCT_MMAP_SPLITS)
			return vmacct_rule_first(VMACCT_CHECK_SPLIT, max, 0);
		return vmacct_rule_first(VMACCT_CHECK_MAP, max, 0);
	case VMACCT_SYS_BRK:
		return vmacct_rule_first(VMACCT_CHECK_MAP, max, 0);
	case VMACCT_SYS_MUNMAP:
		return vmacct_rule_first(VMACCT_CHECK_SPLIT, max, 0);
	case VMACCT_SYS_MREMAP:
		return vmacct_rule_first(VMACCT_CHECK_MREMAP, max,
					 mremap_flags);
	default:	/* mprotect, madvise, mlock, munlock: two splits */
		return vmacct_rule_first(VMACCT_CHECK_SPLIT, max, 0) - 1;
	}
}

/**
 * vmacct_rule_sys_errno - what a system call returns when its map-count
 *	check fails
 * @sys: VMACCT_SYS_*
 *
 * -ENOMEM, but madvise() turns its split's ENOMEM into -EAGAIN from 6.1.
 */
int vmacct_rule_sys_errno(u32 sys)
{
	if (sys == VMACCT_SYS_MADVISE && vmacct_madvise_count_eagain())
		return -EAGAIN;
	return -ENOMEM;
}

/**
 * vmacct_rule_sys_enough - a limit under which a failed call would pass
 * @sys: VMACCT_SYS_*
 * @map_count: the count when it was called
 * @mremap_flags: as for vmacct_rule_sys_first()
 *
 * Every threshold above is the limit plus a constant, so the call passes
 * its first check once the limit exceeds @map_count by that constant; a
 * call that adds two VMAs is given room for both.
 *
 * Return: that vm.max_map_count, or VMACCT_RULE_NEVER if no limit is
 * checked by the call.
 */
long vmacct_rule_sys_enough(u32 sys, long map_count,
			    unsigned long mremap_flags)
{
	long offset = vmacct_rule_sys_first(sys, 0, mremap_flags);

	if (offset == VMACCT_RULE_NEVER)
		return VMACCT_RULE_NEVER;
	return map_count - offset + 1;
}
