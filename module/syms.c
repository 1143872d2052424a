// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: unexported kernel data.
 *
 * The terms of __vm_enough_memory() live in variables that the kernel does
 * not export.  Their addresses come in as module parameters, filled from
 * /proc/kallsyms by "vmacct load"; each one is checked with sprint_symbol()
 * to be exactly the start of a core-kernel symbol of the expected name and
 * at least as large as the object we read through it.  A missing or wrong
 * address refuses the load and names the symbol.
 *
 * A kernel built without CONFIG_KALLSYMS_ALL (Debian's arm64 6.1) lists
 * functions only: sprint_symbol() names no variable, and "vmacct load"
 * takes the addresses from the build's System.map instead, moved by the
 * boot's KASLR offset.  Three exported variables, one in each data section
 * the others live in (.data, .data..read_mostly, .bss), come the same way
 * and are compared with their addresses as this module was linked to them:
 * a System.map of another build, or a wrong offset, moves them and refuses
 * the load.  Those anchors are checked on every kernel.
 *
 * No unexported function is ever called: on IBT kernels (Debian 6.12) their
 * ENDBR is sealed at boot and an indirect call is a BUG().  Functions such
 * as vm_commit_limit() and hugetlb_total_pages() are recomputed here from
 * data instead.  What differs between kernel versions is in compat.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/hugetlb.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/mman.h>
#include <linux/moduleparam.h>
#include <linux/percpu_counter.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/utsname.h>

#include "compat.h"
#include "syms.h"

static unsigned long addr_vm_committed_as;
module_param_named(vm_committed_as, addr_vm_committed_as, ulong, 0);
MODULE_PARM_DESC(vm_committed_as, "kallsyms address of vm_committed_as");

static unsigned long addr_vm_committed_as_batch;
module_param_named(vm_committed_as_batch, addr_vm_committed_as_batch, ulong, 0);
MODULE_PARM_DESC(vm_committed_as_batch,
		 "kallsyms address of vm_committed_as_batch");

static unsigned long addr_sysctl_overcommit_memory;
module_param_named(sysctl_overcommit_memory, addr_sysctl_overcommit_memory,
		   ulong, 0);
MODULE_PARM_DESC(sysctl_overcommit_memory,
		 "kallsyms address of sysctl_overcommit_memory");

static unsigned long addr_sysctl_overcommit_ratio;
module_param_named(sysctl_overcommit_ratio, addr_sysctl_overcommit_ratio,
		   ulong, 0);
MODULE_PARM_DESC(sysctl_overcommit_ratio,
		 "kallsyms address of sysctl_overcommit_ratio");

static unsigned long addr_sysctl_overcommit_kbytes;
module_param_named(sysctl_overcommit_kbytes, addr_sysctl_overcommit_kbytes,
		   ulong, 0);
MODULE_PARM_DESC(sysctl_overcommit_kbytes,
		 "kallsyms address of sysctl_overcommit_kbytes");

static unsigned long addr_sysctl_max_map_count;
module_param_named(sysctl_max_map_count, addr_sysctl_max_map_count, ulong, 0);
MODULE_PARM_DESC(sysctl_max_map_count,
		 "kallsyms address of sysctl_max_map_count");

static unsigned long addr_sysctl_admin_reserve_kbytes;
module_param_named(sysctl_admin_reserve_kbytes,
		   addr_sysctl_admin_reserve_kbytes, ulong, 0);
MODULE_PARM_DESC(sysctl_admin_reserve_kbytes,
		 "kallsyms address of sysctl_admin_reserve_kbytes");

static unsigned long addr_sysctl_user_reserve_kbytes;
module_param_named(sysctl_user_reserve_kbytes, addr_sysctl_user_reserve_kbytes,
		   ulong, 0);
MODULE_PARM_DESC(sysctl_user_reserve_kbytes,
		 "kallsyms address of sysctl_user_reserve_kbytes");

static unsigned long addr_total_swap_pages;
module_param_named(total_swap_pages, addr_total_swap_pages, ulong, 0);
MODULE_PARM_DESC(total_swap_pages, "kallsyms address of total_swap_pages");

static unsigned long addr_totalreserve_pages;
module_param_named(totalreserve_pages, addr_totalreserve_pages, ulong, 0);
MODULE_PARM_DESC(totalreserve_pages, "kallsyms address of totalreserve_pages");

#ifdef CONFIG_HUGETLB_PAGE
static unsigned long addr_hstates;
module_param_named(hstates, addr_hstates, ulong, 0);
MODULE_PARM_DESC(hstates, "kallsyms address of hstates");

static unsigned long addr_hugetlb_max_hstate;
module_param_named(hugetlb_max_hstate, addr_hugetlb_max_hstate, ulong, 0);
MODULE_PARM_DESC(hugetlb_max_hstate, "kallsyms address of hugetlb_max_hstate");
#endif

/* the anchors: exported, so the linker gives their true addresses */
static unsigned long addr_init_uts_ns;
module_param_named(init_uts_ns, addr_init_uts_ns, ulong, 0);
MODULE_PARM_DESC(init_uts_ns, "kallsyms address of init_uts_ns");

static unsigned long addr__totalram_pages;
module_param_named(_totalram_pages, addr__totalram_pages, ulong, 0);
MODULE_PARM_DESC(_totalram_pages, "kallsyms address of _totalram_pages");

static unsigned long addr_high_memory;
module_param_named(high_memory, addr_high_memory, ulong, 0);
MODULE_PARM_DESC(high_memory, "kallsyms address of high_memory");

struct vmacct_ksyms vmacct_ksyms __ro_after_init;
static_assert(offsetof(struct vmacct_ksyms, sysctl_max_map_count) == 0);

/* The types the accessors below return and the code above reads. */
static_assert(__same_type(vm_committed_as, struct percpu_counter));
static_assert(__same_type(vm_committed_as_batch, s32));
static_assert(__same_type(sysctl_overcommit_memory, int));
static_assert(__same_type(sysctl_overcommit_ratio, int));
static_assert(__same_type(sysctl_overcommit_kbytes, unsigned long));
static_assert(__same_type(sysctl_max_map_count, int));
static_assert(__same_type(sysctl_admin_reserve_kbytes, unsigned long));
static_assert(__same_type(sysctl_user_reserve_kbytes, unsigned long));
static_assert(__same_type(total_swap_pages, long));
static_assert(__same_type(totalreserve_pages, unsigned long));
#ifdef CONFIG_HUGETLB_PAGE
static_assert(__same_type(hugetlb_max_hstate, int));
static_assert(__same_type(hstates, struct hstate[HUGE_MAX_HSTATE]));
#endif

struct vmacct_sym {
	const char *name;
	unsigned long *addr;	/* module parameter */
	size_t size;		/* bytes we read through it */
	size_t align;		/* its alignment */
	void **ptr;		/* where the verified pointer goes */
};

struct vmacct_anchor {
	const char *name;
	unsigned long *addr;	/* module parameter */
	const void *real;	/* where the linker put it */
};

/*
 * How far from init_uts_ns an address found in a System.map may lie:
 * beyond the kernel image's data and bss (a few MiB on Debian's kernels),
 * short of anything else.  Only the check without CONFIG_KALLSYMS_ALL
 * uses it; there the anchors have already proved the map and its offset.
 */
#define VMACCT_SYSMAP_REACH	SZ_64M

static int vmacct_check_anchor(const struct vmacct_anchor *a)
{
	if (!*a->addr) {
		pr_err("no address for %s: load with 'vmacct load', which reads it from /proc/kallsyms\n",
		       a->name);
		return -EINVAL;
	}
	if (*a->addr != (unsigned long)a->real) {
		pr_err("address given for %s is not where this kernel has it: the addresses come from another build (a System.map of another kernel?)\n",
		       a->name);
		return -EINVAL;
	}
	return 0;
}

/*
 * Without CONFIG_KALLSYMS_ALL the kernel cannot name a variable: accept
 * an address it cannot name if the anchors (@anchored) proved the map it
 * came from, and it is aligned for the object and near the kernel's data.
 */
static int vmacct_check_unnamed(const struct vmacct_sym *s, bool anchored)
{
	unsigned long base = (unsigned long)&init_uts_ns;

	if (IS_ENABLED(CONFIG_KALLSYMS_ALL)) {
		pr_err("address given for %s is not a kernel symbol\n",
		       s->name);
		return -EINVAL;
	}
	if (!anchored)		/* the wrong anchor is named already */
		return -EINVAL;
	/* unsigned: one comparison for both sides of base */
	if (!IS_ALIGNED(*s->addr, s->align) ||
	    *s->addr - (base - VMACCT_SYSMAP_REACH) > 2 * VMACCT_SYSMAP_REACH) {
		pr_err("address given for %s is misaligned or outside the kernel's data (a kernel without CONFIG_KALLSYMS_ALL cannot name a variable: vmacct load takes them from System.map)\n",
		       s->name);
		return -EINVAL;
	}
	*s->ptr = (void *)*s->addr;
	return 0;
}

/*
 * sprint_symbol() writes "name+0xoff/0xsize", and " [module]" for module
 * symbols, or a bare hex number when the address is no symbol at all.
 */
static int vmacct_check_sym(const struct vmacct_sym *s, bool anchored)
{
	char buf[KSYM_SYMBOL_LEN];
	size_t len = strlen(s->name);
	unsigned long symsize;
	char *p;

	if (!*s->addr) {
		pr_err("no address for %s: load with 'vmacct load', which reads it from /proc/kallsyms\n",
		       s->name);
		return -EINVAL;
	}

	sprint_symbol(buf, *s->addr);
	if (strncmp(buf, "0x", 2) == 0)
		return vmacct_check_unnamed(s, anchored);
	if (strncmp(buf, s->name, len) != 0 ||
	    (strncmp(buf + len, "+0x0/", 5) != 0 &&
	     strncmp(buf + len, "+0/", 3) != 0)) {
		pr_err("address given for %s is %s, not the start of %s\n",
		       s->name, buf, s->name);
		return -EINVAL;
	}
	if (strchr(buf, '[')) {
		pr_err("address given for %s is in a module (%s)\n",
		       s->name, buf);
		return -EINVAL;
	}

	p = strchr(buf + len, '/');
	if (!p || kstrtoul(p + 1, 0, &symsize) || symsize < s->size) {
		pr_err("%s is smaller than the %zu bytes this module reads (%s): built for another kernel?\n",
		       s->name, s->size, buf);
		return -EINVAL;
	}

	*s->ptr = (void *)*s->addr;
	return 0;
}

/*
 * One row per object: its name, the module parameter with its address, the
 * bytes the kernel declares (sizeof of the declaration: kallsyms' size is
 * only the distance to the next symbol, so it must be at least this), its
 * alignment, and the pointer to fill.
 */
#define VMACCT_SYM(sym) \
	{ #sym, &addr_##sym, sizeof(typeof(sym)), __alignof__(typeof(sym)), \
	  (void **)&vmacct_ksyms.sym }

#define VMACCT_ANCHOR(sym) \
	{ #sym, &addr_##sym, &(sym) }

int vmacct_syms_init(void)
{
	const struct vmacct_anchor anchors[] = {
		VMACCT_ANCHOR(init_uts_ns),
		VMACCT_ANCHOR(_totalram_pages),
		VMACCT_ANCHOR(high_memory),
	};
	const struct vmacct_sym syms[] = {
		VMACCT_SYM(vm_committed_as),
		VMACCT_SYM(vm_committed_as_batch),
		VMACCT_SYM(sysctl_overcommit_memory),
		VMACCT_SYM(sysctl_overcommit_ratio),
		VMACCT_SYM(sysctl_overcommit_kbytes),
		VMACCT_SYM(sysctl_max_map_count),
		VMACCT_SYM(sysctl_admin_reserve_kbytes),
		VMACCT_SYM(sysctl_user_reserve_kbytes),
		VMACCT_SYM(total_swap_pages),
		VMACCT_SYM(totalreserve_pages),
#ifdef CONFIG_HUGETLB_PAGE
		VMACCT_SYM(hugetlb_max_hstate),
		VMACCT_SYM(hstates),
#endif
	};
	int i, err, ret = 0;

	/* Check them all, so that one load attempt names every bad one. */
	for (i = 0; i < ARRAY_SIZE(anchors); i++) {
		err = vmacct_check_anchor(&anchors[i]);
		if (err && !ret)
			ret = err;
	}
	for (i = 0; i < ARRAY_SIZE(syms); i++) {
		err = vmacct_check_sym(&syms[i], !ret);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

int vmacct_overcommit_memory(void)
{
	return READ_ONCE(*vmacct_ksyms.sysctl_overcommit_memory);
}

/* What __vm_enough_memory() compares: the counter without the CPU deltas. */
s64 vmacct_committed_read(void)
{
	return percpu_counter_read_positive(vmacct_ksyms.vm_committed_as);
}

/*
 * At a refusal of @pages, the per-CPU read __vm_enough_memory() compared
 * with "allowed".  Where the refusal is seen before the kernel takes the
 * charge back (the ratelimit kprobe), the read itself.  Where it is seen
 * at the return (5.10's kretprobe), the charge is gone: the read plus
 * @pages, which is exact when the charge and its return were both folded
 * into the shared count (any @pages of a per-CPU batch or more), and
 * otherwise at most @pages above what was compared, never below it.
 */
s64 vmacct_committed_at_refusal(long pages)
{
	if (vmacct_refusal_warns())
		return vmacct_committed_read();
	return vmacct_committed_read() + pages;
}

/* The shared count itself, possibly negative: what the check adds to. */
s64 vmacct_committed_count(void)
{
	return READ_ONCE(vmacct_ksyms.vm_committed_as->count);
}

unsigned long vmacct_totalreserve_pages(void)
{
	return READ_ONCE(*vmacct_ksyms.totalreserve_pages);
}

s32 vmacct_committed_batch(void)
{
	return READ_ONCE(*vmacct_ksyms.vm_committed_as_batch);
}

long vmacct_total_swap_pages(void)
{
	return READ_ONCE(*vmacct_ksyms.total_swap_pages);
}
