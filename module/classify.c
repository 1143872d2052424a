// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: what a probed call was.
 *
 *  - A decision's caller kind: the system call the task is in says it for
 *    most callers; a page fault and execve() (bar its new stack) need a
 *    short stack walk.
 *  - A system call's failure: the errno of a failed check (rules.c) is
 *    vm.max_map_count's doing only if the count had reached a check
 *    site's threshold (rules.c), the range had no hole, and no commit
 *    denial of the same process came in between.
 *
 * Everything here runs in probe handlers: atomic context, no sleeping.
 * The system calls are read with the architecture's syscall_get_nr() and
 * syscall_get_arguments() (x86-64 and arm64; compat.h for the numbers
 * one of them lacks).
 */
#include <linux/atomic.h>
#include <linux/compat.h>
#include <linux/hash.h>
#include <linux/cred.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/vmacct.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "classify.h"
#include "compat.h"
#include "mm.h"
#include "rules.h"
#include "syms.h"

/*
 * The last commit denial, so that a system call failing with ENOMEM
 * because of commit accounting is not taken for a map-count failure.
 */
static atomic64_t vmacct_denial_seq = ATOMIC64_INIT(0);
static pid_t vmacct_denial_tgid;	/* WRITE_ONCE/READ_ONCE */

/* Not a caller: a code address that is none of the sites below. */
#define VMACCT_SITE_NONE	U32_MAX
#define VMACCT_SITE_BITS	6

/*
 * Code addresses already named: each CPU remembers the site of the last
 * 64 return addresses it looked up, so that a call from a path seen
 * before costs a stack walk and no symbol lookup, and one whose direct
 * caller is a site not even the walk.  Only the CPU itself touches its
 * cache, with preemption off.
 */
struct vmacct_site_slot {
	unsigned long ip;
	u32 caller;
};

static DEFINE_PER_CPU(struct vmacct_site_slot [1 << VMACCT_SITE_BITS],
		      vmacct_sites);

/*
 * The charging sites, by the name of the function a return address is
 * in: a page fault (stack growth, or a page of a NORESERVE shmem
 * mapping), taken in user mode or by the kernel copying to or from user
 * memory in any system call (read() into a tmpfs mapping), a write to a
 * tmpfs file (its pages are charged one by one), and execve() (its
 * stack, but also the ELF loader's data and bss mappings).
 */
static u32 vmacct_site_name(unsigned long ip)
{
	static const struct {
		const char *prefix;
		u32 caller;
	} sites[] = {
		{ "shmem_",		VMACCT_CALLER_SHMEM },
		{ "acct_stack_growth",	VMACCT_CALLER_STACK_GROWTH },
		{ "expand_downwards",	VMACCT_CALLER_STACK_GROWTH },
		{ "expand_upwards",	VMACCT_CALLER_STACK_GROWTH },
		{ "vm_brk_flags",	VMACCT_CALLER_BRK },
		{ "do_brk_flags",	VMACCT_CALLER_BRK },
		{ "mmap_region",	VMACCT_CALLER_MMAP },
		{ "__mmap_region",	VMACCT_CALLER_MMAP },
		{ "do_mmap",		VMACCT_CALLER_MMAP },
	};
	char name[KSYM_SYMBOL_LEN];
	unsigned int j;

	sprint_symbol_no_offset(name, ip);
	for (j = 0; j < ARRAY_SIZE(sites); j++)
		if (strncmp(name, sites[j].prefix,
			    strlen(sites[j].prefix)) == 0)
			return sites[j].caller;
	return VMACCT_SITE_NONE;
}

/* The site of return address @ip, from this CPU's cache if it can. */
static u32 vmacct_site(unsigned long ip)
{
	struct vmacct_site_slot *s;

	s = this_cpu_ptr(&vmacct_sites[hash_long(ip, VMACCT_SITE_BITS)]);
	if (s->ip != ip) {
		s->caller = vmacct_site_name(ip);
		s->ip = ip;
	}
	return s->caller;
}

/*
 * What asked for the charge: the direct caller of __vm_enough_memory()
 * (@parent) if it is a site, or else the innermost site on the stack, or
 * else @fallback.
 */
static u32 vmacct_stack_caller(unsigned long parent, u32 fallback)
{
	unsigned long entries[12];
	unsigned int i, n;
	u32 caller;

	caller = vmacct_site(parent);
	if (caller != VMACCT_SITE_NONE)
		return caller;
	n = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
	for (i = 0; i < n; i++) {
		caller = vmacct_site(entries[i]);
		if (caller != VMACCT_SITE_NONE)
			return caller;
	}
	return fallback;
}

/*
 * The system calls whose decisions are one caller kind, by number
 * (vmacct_classify_quick()): the kind + 1, or VMACCT_NR_BY_MAP_TYPE;
 * 0 for the others, which vmacct_classify_caller() tells apart.
 */
u8 vmacct_nr_kind[VMACCT_NR_KINDS] __read_mostly;
/* vmacct_in_compat_low_nr() (compat.h) needs the table below x32's bit */
static_assert(VMACCT_NR_KINDS <= 1U << 30);

void vmacct_classify_init(void)
{
	static const struct {
		int nr;
		u8 kind;
	} calls[] = {
		{ __NR_mmap,		VMACCT_NR_BY_MAP_TYPE },
		{ __NR_brk,		VMACCT_CALLER_BRK + 1 },
		{ __NR_mprotect,	VMACCT_CALLER_MPROTECT + 1 },
		{ __NR_pkey_mprotect,	VMACCT_CALLER_MPROTECT + 1 },
		{ __NR_mremap,		VMACCT_CALLER_MREMAP + 1 },
		{ __NR_clone,		VMACCT_CALLER_FORK + 1 },
		{ __NR_clone3,		VMACCT_CALLER_FORK + 1 },
		{ VMACCT_NR_FORK,	VMACCT_CALLER_FORK + 1 },
		{ VMACCT_NR_VFORK,	VMACCT_CALLER_FORK + 1 },
		{ __NR_shmget,		VMACCT_CALLER_SHMEM + 1 },
		{ __NR_swapoff,		VMACCT_CALLER_SWAPOFF + 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(calls); i++)
		if (calls[i].nr >= 0 && calls[i].nr < VMACCT_NR_KINDS)
			vmacct_nr_kind[calls[i].nr] = calls[i].kind;
}

/**
 * vmacct_classify_caller - the VMACCT_CALLER_* of a call in progress that
 *	vmacct_classify_quick() left VMACCT_CALLER_UNKNOWN
 * @mm: the mm __vm_enough_memory() was asked to charge
 * @parent: the return address of the __vm_enough_memory() call
 *
 * A kernel thread, a compat call, or by the stack a fault, execve() or a
 * system call that does not charge by itself.  Call with preemption off.
 */
u32 vmacct_classify_caller(const struct mm_struct *mm, unsigned long parent)
{
	int nr;

	if (!current->mm || (current->flags & PF_KTHREAD))
		return VMACCT_CALLER_OTHER;

	nr = syscall_get_nr(current, task_pt_regs(current));
	/*
	 * No system call: a fault from user mode.  Before
	 * in_compat_syscall(): x86's -1 has the x32 bit set.
	 */
	if (nr == -1)
		return vmacct_stack_caller(parent,
					   VMACCT_CALLER_STACK_GROWTH);
	if (in_compat_syscall())
		return VMACCT_CALLER_OTHER;
	switch (nr) {
	case __NR_execve:
	case __NR_execveat:
		/*
		 * The first VMA of the new mm, its stack, charged by
		 * insert_vm_struct() before it is linked (__bprm_mm_init()):
		 * no site is on that stack, so the walk, the dearest part of
		 * an exec's decisions, would only find the fallback.
		 */
		if (mm && mm != current->mm && !READ_ONCE(mm->map_count))
			return VMACCT_CALLER_EXEC_STACK;
		return vmacct_stack_caller(parent, VMACCT_CALLER_EXEC_STACK);
	default:
		/*
		 * No other system call charges by itself: a fault in kernel
		 * mode, or a tmpfs file's page.  The calls above fault on
		 * user memory only where they also charge, bar the thread
		 * ids fork() writes back, which stay "fork".
		 */
		return vmacct_stack_caller(parent, VMACCT_CALLER_OTHER);
	}
}

/* A __vm_enough_memory() call of the current task was refused. */
void vmacct_classify_denied(void)
{
	WRITE_ONCE(vmacct_denial_tgid, current->tgid);
	atomic64_inc(&vmacct_denial_seq);
}

/**
 * vmacct_classify_enter - note a system call that might fail on the count
 * @c: filled in with its arguments and the count at entry
 * @count: the caller's map_count at entry
 * @max: vm.max_map_count at entry, with @count at or above
 *	vmacct_rule_lowest(@max)
 *
 * Return: false when the call cannot fail on the count (a compat call):
 * nothing to watch.
 */
bool vmacct_classify_enter(struct vmacct_syscall *c, int count, int max)
{
	unsigned long args[6];

	if (in_compat_syscall())
		return false;

	syscall_get_arguments(current, task_pt_regs(current), args);
	c->denial_seq = atomic64_read(&vmacct_denial_seq);
	c->arg0 = args[0];
	c->arg1 = args[1];
	c->arg2 = args[2];
	c->arg3 = args[3];
	c->map_count = count;
	c->max_map_count = max;
	return true;
}

/*
 * Would RLIMIT_MEMLOCK refuse this mlock()?  do_mlock() (mm/mlock.c, 6.1
 * and 6.12) fails with ENOMEM when locked_vm plus the range exceeds the
 * limit without CAP_IPC_LOCK, before any split.  It then subtracts the
 * pages of the range already locked, which this does not: an mlock() the
 * first comparison refuses is never claimed for the count.
 */
static bool vmacct_memlock_refused(const struct vmacct_syscall *c)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	unsigned long locked;

	locked = PAGE_ALIGN(c->arg1 + offset_in_page(c->arg0)) >> PAGE_SHIFT;
	locked += READ_ONCE(current->mm->locked_vm);
	return locked > limit &&
	       !vmacct_mm_capable(current_cred(), CAP_IPC_LOCK);
}

/*
 * The flags rules.c needs for @sys: mremap()'s, and whether it shrinks;
 * whether a MAP_FIXED mmap() replaces the middle of one VMA (after the
 * call, which left the mapping as it was if it failed on the count).
 * Process context: the call's task_work.
 */
static unsigned long vmacct_rule_flags(u32 sys, const struct vmacct_syscall *c)
{
	unsigned long flags = 0;

	/* mremap(addr, old_len, new_len, flags, new_addr) */
	if (sys == VMACCT_SYS_MREMAP) {
		flags = c->arg3;
		if (PAGE_ALIGN(c->arg2) < PAGE_ALIGN(c->arg1))
			flags |= VMACCT_MREMAP_SHRINK;
	}
	/* mmap(addr, len, prot, flags, fd, off) */
	if (sys == VMACCT_SYS_MMAP &&
	    (c->arg3 & (MAP_FIXED | MAP_FIXED_NOREPLACE)) == MAP_FIXED &&
	    vmacct_mm_range_inside(current->mm, c->arg0, c->arg1))
		flags = VMACCT_MMAP_SPLITS;
	return flags;
}

/**
 * vmacct_classify_enough - a vm.max_map_count under which it would pass
 * @sys: VMACCT_SYS_* of a call vmacct_classify_map_count() claimed
 * @c: what vmacct_classify_enter() saw
 */
s64 vmacct_classify_enough(u32 sys, const struct vmacct_syscall *c)
{
	return vmacct_rule_sys_enough(sys, c->map_count,
				      vmacct_rule_flags(sys, c));
}

/**
 * vmacct_classify_map_count - did this call fail because of the count?
 * @sys: VMACCT_SYS_*
 * @c: what vmacct_classify_enter() saw
 * @ret: the system call's return value
 */
bool vmacct_classify_map_count(u32 sys, const struct vmacct_syscall *c,
			       long ret)
{
	if ((long)c->map_count <
	    vmacct_rule_sys_first(sys, c->max_map_count,
				  vmacct_rule_flags(sys, c)))
		return false;

	switch (sys) {
	case VMACCT_SYS_BRK:	/* returns the old break on failure */
		if (c->arg0 <= (unsigned long)ret)
			return false;
		break;
	case VMACCT_SYS_MMAP:
	case VMACCT_SYS_MUNMAP:
	case VMACCT_SYS_MREMAP:
		if (ret != -ENOMEM)
			return false;
		break;
	case VMACCT_SYS_MLOCK:
		if (ret != -ENOMEM || vmacct_memlock_refused(c) ||
		    !vmacct_mm_range_mapped(current->mm, c->arg0, c->arg1))
			return false;
		break;
	default:	/* madvise, mprotect, munlock: splits at both ends */
		if (ret != vmacct_rule_sys_errno(sys) ||
		    !vmacct_mm_range_mapped(current->mm, c->arg0, c->arg1))
			return false;
		break;
	}

	/* A commit denial during this call explains the ENOMEM instead. */
	return atomic64_read(&vmacct_denial_seq) == c->denial_seq ||
	       READ_ONCE(vmacct_denial_tgid) != current->tgid;
}
