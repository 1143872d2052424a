// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct_true: exit 0 at once.  The program vmacct_cost_bench's forkexec
 * workload executes: static, so that an exec costs the same in every
 * guest and needs no dynamic loader.
 */
int main(void)
{
	return 0;
}
