// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct_floor: what vmacct's probe mechanism costs before it does
 * anything, for make bench (scripts/bench-cost.sh); not part of the
 * product.
 *
 * One ftrace_ops on each function vmacct.ko hooks (module/entry.c), with
 * its flags and its recursion guard (module/compat.h), and an empty body;
 * or, with direct=1 (x86-64, 6.1 and later), a direct call of a
 * trampoline of vmacct's shape (compat.h's VMACCT_TRAMP) calling an
 * empty function.  A workload's time with this module loaded, against
 * not loaded, is the part of vmacct's cost that any design with that
 * mechanism on these functions pays; the rest is vmacct's own work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/string.h>

#include "compat.h"

static bool direct;
module_param(direct, bool, 0444);
MODULE_PARM_DESC(direct, "direct calls (x86-64, 6.1+) instead of ftrace_ops");

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

#ifdef VMACCT_HAVE_DIRECT
/* vmacct's trampolines (module/entry.c) with nothing behind them */
void vmacct_floor_call3(void *a0, long a1, int a2, unsigned long parent);
void vmacct_floor_call1(u32 sys);
void vmacct_floor_tramp3(void);
void vmacct_floor_tramp1(void);

__visible notrace void vmacct_floor_call3(void *a0, long a1, int a2,
					  unsigned long parent)
{
	preempt_disable_notrace();
	preempt_enable_notrace();
}

__visible notrace void vmacct_floor_call1(u32 sys)
{
	preempt_disable_notrace();
	preempt_enable_notrace();
}

VMACCT_TRAMP(vmacct_floor_tramp3, "", VMACCT_TRAMP_CALL3(vmacct_floor_call3));
VMACCT_TRAMP(vmacct_floor_tramp1, "", VMACCT_TRAMP_CALL1(vmacct_floor_call1, 1));

static struct ftrace_ops vmacct_floor_dops[2];	/* the decision, the rest */
static bool vmacct_floor_don[2];

static unsigned long vmacct_floor_tramp(int i)
{
	return i ? (unsigned long)vmacct_floor_tramp1 :
		   (unsigned long)vmacct_floor_tramp3;
}

static void vmacct_floor_direct_off(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (!vmacct_floor_don[i])
			continue;
#ifdef VMACCT_HAVE_FTRACE_DIRECT_OPS
		unregister_ftrace_direct(&vmacct_floor_dops[i],
					 vmacct_floor_tramp(i), true);
#else
		unregister_ftrace_direct_multi(&vmacct_floor_dops[i],
					       vmacct_floor_tramp(i));
		ftrace_free_filter(&vmacct_floor_dops[i]);
#endif
		vmacct_floor_don[i] = false;
	}
}

static int vmacct_floor_direct_on(void)
{
	unsigned char buf[32];
	int i, d, err;

	for (i = 0; i < ARRAY_SIZE(vmacct_floor_names); i++) {
		d = i ? 1 : 0;
		strscpy((char *)buf, vmacct_floor_names[i], sizeof(buf));
		err = ftrace_set_filter(&vmacct_floor_dops[d], buf,
					strlen((char *)buf), 0);
		if (err && err != -EINVAL)	/* -EINVAL: no such call */
			return err;
	}
	for (d = 0; d < 2; d++) {
#ifdef VMACCT_HAVE_FTRACE_DIRECT_OPS
		err = register_ftrace_direct(&vmacct_floor_dops[d],
					     vmacct_floor_tramp(d));
#else
		err = register_ftrace_direct_multi(&vmacct_floor_dops[d],
						   vmacct_floor_tramp(d));
#endif
		if (err) {
			pr_err("direct calls: %d\n", err);
			vmacct_floor_direct_off();
			return err;
		}
		vmacct_floor_don[d] = true;
	}
	return 0;
}
#else
static int vmacct_floor_direct_on(void)
{
	pr_err("no direct calls on this kernel\n");
	return -EOPNOTSUPP;
}

static void vmacct_floor_direct_off(void)
{
}
#endif

static int __init vmacct_floor_init(void)
{
	unsigned char buf[32];	/* ftrace's parser writes to it */
	struct ftrace_ops *ops;
	int i, err;

	if (direct)
		return vmacct_floor_direct_on();
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
	if (direct)
		vmacct_floor_direct_off();
	else
		vmacct_floor_off();
}

module_init(vmacct_floor_init);
module_exit(vmacct_floor_exit);
MODULE_DESCRIPTION("vmacct benchmark: the probe mechanism with empty callbacks");
MODULE_LICENSE("GPL");
