// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the global terms of __vm_enough_memory(), as the running kernel
 * computes them (mm/util.c, identical on 6.1 and 6.12):
 *
 *   mode 1 (always): charge, never fail.
 *   mode 0 (guess):  fail a request of more than totalram + total_swap pages.
 *   mode 2 (never):  allowed = vm_commit_limit()
 *                              - admin reserve (unless CAP_SYS_ADMIN)
 *                              - min(total_vm / 32, user reserve)
 *                    and fail unless, after charging,
 *                    percpu_counter_read_positive(&vm_committed_as) < allowed.
 *
 * This file only reads; it never charges anything.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/string.h>
#include <linux/swap.h>

#include "vmacct.h"

static inline u64 kbytes_to_pages(unsigned long kbytes)
{
	return kbytes >> (PAGE_SHIFT - 10);
}

/**
 * vmacct_commit_snapshot - read every global term in one pass
 * @c: filled in completely; @c->size and @c->flags are left to the caller
 *
 * The sysctls are read once each, and every derived value (limit,
 * reserves in pages, ceiling) is computed from those same reads, so the
 * snapshot is self-consistent even while an administrator writes sysctls.
 */
void vmacct_commit_snapshot(struct vmacct_commit *c)
{
	unsigned long totalram = totalram_pages();
	unsigned long hugetlb = vmacct_hugetlb_total_pages();
	long swap = vmacct_total_swap_pages();
	s32 batch = vmacct_committed_batch();
	int ratio = vmacct_overcommit_ratio();
	unsigned long limit;

	c->overcommit_memory = vmacct_overcommit_memory();
	c->overcommit_ratio = ratio;
	c->overcommit_kbytes = vmacct_overcommit_kbytes();
	c->max_map_count = vmacct_max_map_count();
	c->admin_reserve_kbytes = vmacct_admin_reserve_kbytes();
	c->user_reserve_kbytes = vmacct_user_reserve_kbytes();
	c->online_cpus = num_online_cpus();
	c->page_size = PAGE_SIZE;
	c->committed_batch = batch > 0 ? batch : 0;

	/*
	 * vm_commit_limit(), with the kernel's own unsigned long arithmetic
	 * (a negative ratio or hugetlb above totalram wrap there too, and
	 * CommitLimit in /proc/meminfo shows the same).  The kbytes branch
	 * ignores hugetlb pages.
	 */
	if (c->overcommit_kbytes)
		limit = c->overcommit_kbytes >> (PAGE_SHIFT - 10);
	else
		limit = (totalram - hugetlb) * ratio / 100;
	limit += swap;

	c->limit = limit;
	c->committed_read = vmacct_committed_read();
	c->committed = vm_memory_committed();
	c->committed_error = (u64)c->online_cpus *
			     (c->committed_batch ? c->committed_batch - 1 : 0);
	c->totalram = totalram;
	c->total_swap = swap > 0 ? swap : 0;
	c->free_swap = max_t(long, get_nr_swap_pages(), 0);
	c->hugetlb = hugetlb;
	c->admin_reserve = kbytes_to_pages(c->admin_reserve_kbytes);
	c->user_reserve = kbytes_to_pages(c->user_reserve_kbytes);
	c->guess_ceiling = c->totalram + c->total_swap;
}

/* Which variant of __vm_enough_memory() this kernel runs. */
const char *vmacct_algorithm_name(void)
{
	return "v5.2";
}
