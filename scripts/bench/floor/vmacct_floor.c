// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct_floor: what vmacct's probe mechanism costs before it does
 * anything, for make bench (scripts/bench-cost.sh); not part of the
 * product.
 *
 * One ftrace_ops on each function vmacct.ko traces (module/probe.c), with
 * its flags and its recursion guard (module/compat.h), and an empty body.
 * A workload's time with this module loaded, against not loaded, is the
 * part of vmacct's cost that any design with an ftrace callback on these
 * functions pays; the rest is vmacct's own work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "compat.h"

static const char *const vmacct_floor_names[] = {
	"__vm_enough_memory",
	VMACCT_SYS_PREFIX "mmap", VMACCT_SYS_PREFIX "munmap",
	VMACCT_SYS_PREFIX "mprotect", VMACCT_SYS_PREFIX "pkey_mprotect",
	VMACCT_SYS_PREFIX "mremap", VMACCT_SYS_PREFIX "brk",
	VMACCT_SYS_PREFIX "madvise", VMACCT_SYS_PREFIX "mlock",
	VMACCT_SYS_PREFIX "mlock2", VMACCT_SYS_PREFIX "munlock",
};

static struct ftrace_ops vmacct_floor_ops[ARRAY_SIZE(vmacct_floor_names)];
static bool vmacct_floor_on[ARRAY_SIZE(vmacct_floor_names)];

static void notrace vmacct_floor_entry(unsigned long ip,
				       unsigned long parent_ip,
				       struct ftrace_ops *op,
				       struct vmacct_ftrace_regs *fregs)
{
	int bit = vmacct_ftrace_lock(ip, parent_ip);

	if (bit >= 0)
		vmacct_ftrace_unlock(bit);
}

static void vmacct_floor_off(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(vmacct_floor_ops); i++) {
		if (vmacct_floor_on[i])
			unregister_ftrace_function(&vmacct_floor_ops[i]);
		vmacct_floor_on[i] = false;
#ifdef VMACCT_HAVE_FTRACE_FREE_FILTER
		ftrace_free_filter(&vmacct_floor_ops[i]);
#else
		ftrace_set_filter(&vmacct_floor_ops[i], NULL, 0, 1);
#endif
	}
}

static int __init vmacct_floor_init(void)
{
	unsigned char buf[32];	/* ftrace's parser writes to it */
	struct ftrace_ops *ops;
	int i, err;

	for (i = 0; i < ARRAY_SIZE(vmacct_floor_ops); i++) {
		ops = &vmacct_floor_ops[i];
		ops->func = vmacct_floor_entry;
		ops->flags = VMACCT_FTRACE_OPS_FLAGS;
		strscpy((char *)buf, vmacct_floor_names[i], sizeof(buf));
		err = ftrace_set_filter(ops, buf, strlen((char *)buf), 1);
		if (err == -EINVAL)	/* a system call this kernel lacks */
			continue;
		if (!err)
			err = register_ftrace_function(ops);
		if (err) {
			pr_err("cannot trace %s: %d\n", vmacct_floor_names[i], err);
			vmacct_floor_off();
			return err;
		}
		vmacct_floor_on[i] = true;
	}
	return 0;
}

static void __exit vmacct_floor_exit(void)
{
	vmacct_floor_off();
}

module_init(vmacct_floor_init);
module_exit(vmacct_floor_exit);
MODULE_DESCRIPTION("vmacct benchmark: the probe mechanism with empty callbacks");
MODULE_LICENSE("GPL");
