// SPDX-License-Identifier: GPL-2.0
/* The host tests' machine: see machine.h. */
#include "machine.h"

struct vmacct_commit test_machine(void)
{
	struct vmacct_commit c = {
		.size = sizeof(c),
		.overcommit_memory = 2,
		.overcommit_ratio = 50,
		.max_map_count = 65530,
		.online_cpus = 4,
		.page_size = 4096,
		.committed_batch = 1953,
		.overcommit_kbytes = 0,
		.admin_reserve_kbytes = 8192,
		.user_reserve_kbytes = 131072,
		.limit = 1262144,
		.committed = 1240000,
		.committed_read = 1239500,
		.committed_error = 4 * 1952,
		.totalram = 2000000,
		.total_swap = 262144,
		.free_swap = 200000,
		.hugetlb = 0,
		.admin_reserve = 2048,
		.user_reserve = 32768,
		.guess_ceiling = 2262144,
	};
	return c;
}
