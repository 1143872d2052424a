/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine the host tests of status, check and fork-check reason
 * about: 8 GB, 4 CPUs, 1 GiB of swap, mode 2, ratio 50.
 * CommitLimit = 2000000 * 50% + 262144 = 1262144 pages.
 * Committed_AS 1240000 (the per-CPU read 1239500): headroom 22144, below
 * the reserves 2048 + 32768.  Each test's comments derive its expected
 * figures from these.
 */
#ifndef VMACCT_TEST_MACHINE_H
#define VMACCT_TEST_MACHINE_H

#include <linux/vmacct.h>

struct vmacct_commit test_machine(void);

#endif
