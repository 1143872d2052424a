/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: where the kernel checks mm->map_count against
 * vm.max_map_count (rules.c), per check site and per system call.  The
 * headrooms of VMACCT_IOC_MM and the stream's map-count failures both
 * read these, so each rule is written once.
 */
#ifndef _VMACCT_RULES_H
#define _VMACCT_RULES_H

#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/types.h>

/* "this never fails on the count" */
#define VMACCT_RULE_NEVER	LONG_MAX

/* The kinds of check site, by the comparison they make. */
enum vmacct_check {
	VMACCT_CHECK_MAP,	/* a new VMA: do_mmap(), do_brk_flags() */
	VMACCT_CHECK_SPLIT,	/* split_vma(), and munmap() of a hole */
	VMACCT_CHECK_MREMAP,	/* mremap(), by its flags */
};

/*
 * Not a kernel flag: with VMACCT_CHECK_MREMAP, the call shrinks the
 * mapping (new_len < old_len), which unmaps the tail as munmap() does.
 */
#define VMACCT_MREMAP_SHRINK	BIT(31)

/*
 * Not a kernel flag: with VMACCT_SYS_MMAP, a MAP_FIXED mapping over the
 * middle of one VMA, which the kernel unmaps first as munmap() does.
 */
#define VMACCT_MMAP_SPLITS	BIT(30)

long vmacct_rule_first(enum vmacct_check check, int max,
		       unsigned long mremap_flags);
long vmacct_rule_sys_first(u32 sys, int max, unsigned long mremap_flags);

/*
 * The widest reserve of any check: mremap() with MREMAP_FIXED or
 * MREMAP_DONTUNMAP before 6.17, 4 from 6.17 (vmacct_mremap_reserve()).
 */
#define VMACCT_RULE_WIDEST_RESERVE	5

/*
 * Below this map_count no system call fails on the count.  Inline: every
 * probed system call asks it first.
 */
static inline long vmacct_rule_lowest(int max)
{
	return (long)max - VMACCT_RULE_WIDEST_RESERVE;
}

int vmacct_rule_sys_errno(u32 sys);
long vmacct_rule_sys_enough(u32 sys, long map_count,
			    unsigned long mremap_flags);

#endif /* _VMACCT_RULES_H */
