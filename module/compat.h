/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: the bottom layer, every difference between the kernels and
 * architectures the module supports (compat.c).  The rest of module/ calls these and never
 * tests a kernel version itself.
 */
#ifndef _VMACCT_COMPAT_H
#define _VMACCT_COMPAT_H

#include <linux/cgroup.h>
#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/ptrace.h>
#include <linux/types.h>
#include <asm/unistd.h>

/*
 * Exempts a local that is written whole before it is read from
 * CONFIG_INIT_STACK_ALL_ZERO's clearing; Debian's 5.10.0-30 headers
 * predate the kernel's definition (compiler_attributes.h).
 */
#ifndef __uninitialized
#define __uninitialized
#endif

struct inode;
struct pid;
struct shmem_inode_info;
struct task_struct;

void vmacct_compat_init(void);

u32 vmacct_kernel_version(void);
bool vmacct_task_dumpable(struct task_struct *task, struct mm_struct *mm);
bool vmacct_mremap_checks_early(void);
bool vmacct_madvise_count_eagain(void);
bool vmacct_refusal_warns(void);
bool vmacct_inode_name_is(struct inode *inode, const char *prefix);
bool vmacct_shmem_noreserve(struct shmem_inode_info *info);

/**
 * vmacct_task_cgroup_id - @task's cgroup v2 id (cgroup_id(), the inode
 *	number of its directory in the cgroup2 mount); 0 without cgroups.
 *	NMI-safe.  In line: every record of a reader takes it.
 * @task: a task the caller keeps alive
 *
 * The css_set is read under the RCU-sched read side, which costs nothing
 * where preemption is off already (every probe): task_css_set() accepts
 * rcu_read_lock_sched_held() (5.10, 6.1 and 6.12 cgroup.h), and a css_set
 * is freed with kfree_rcu(), whose grace period waits for it.
 */
static inline u64 vmacct_task_cgroup_id(struct task_struct *task)
{
#ifdef CONFIG_CGROUPS
	u64 id;

	rcu_read_lock_sched();
	id = cgroup_id(task_dfl_cgroup(task));
	rcu_read_unlock_sched();
	return id;
#else
	return 0;
#endif
}

/*
 * ftrace_ops callbacks (the VMACCT_HAVE_* come from compat.mk).  From 5.11 a
 * callback receives struct ftrace_regs and guards its own recursion
 * (ftrace_test_recursion_trylock(), for an ops without
 * FTRACE_OPS_FL_RECURSION).  5.10 passes struct pt_regs and guards
 * recursion itself, silently (ftrace_ops_assist_func() wraps an ops
 * without FTRACE_OPS_FL_RECURSION_SAFE; kernel/trace/ftrace.c).  Where
 * the architecture has no DYNAMIC_FTRACE_WITH_ARGS (5.10, and arm64 up to
 * 6.1) the argument registers reach a callback only with
 * FTRACE_OPS_FL_SAVE_REGS: 5.10 x86's plain trampoline passes NULL
 * (arch/x86/kernel/ftrace_64.S).
 */
#ifdef VMACCT_HAVE_FTRACE_REGS
#define vmacct_ftrace_regs	ftrace_regs
#else
#define vmacct_ftrace_regs	pt_regs
#endif

#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define VMACCT_FTRACE_OPS_FLAGS		0
#else
#define VMACCT_FTRACE_OPS_FLAGS		FTRACE_OPS_FL_SAVE_REGS
#endif

/* 0 or more to go on (then unlock), negative when recursing */
static __always_inline int vmacct_ftrace_lock(unsigned long ip,
					      unsigned long parent_ip)
{
#ifdef VMACCT_HAVE_FTRACE_RECURSION_LOCK
	return ftrace_test_recursion_trylock(ip, parent_ip);
#else
	return 0;
#endif
}

static __always_inline void vmacct_ftrace_unlock(int bit)
{
#ifdef VMACCT_HAVE_FTRACE_RECURSION_LOCK
	ftrace_test_recursion_unlock(bit);
#endif
}

/*
 * Argument @n of a function, in an ftrace_ops callback at its entry.  On
 * 5.10 the callback's pt_regs; up to 6.1 struct ftrace_regs wraps
 * pt_regs, read directly; from 6.2 it is opaque, read through
 * ftrace_regs_get_argument(), a macro on x86 and an inline function
 * where the architecture defines its own ftrace_regs (arm64 6.12,
 * HAVE_ARCH_FTRACE_REGS).
 */
#if defined(ftrace_regs_get_argument) || defined(HAVE_ARCH_FTRACE_REGS)
#define vmacct_fregs_arg(fregs, n)	ftrace_regs_get_argument(fregs, n)
#elif defined(VMACCT_HAVE_FTRACE_REGS)
#define vmacct_fregs_arg(fregs, n)	regs_get_kernel_argument(&(fregs)->regs, n)
#else
#define vmacct_fregs_arg(fregs, n)	regs_get_kernel_argument(fregs, n)
#endif

void vmacct_ftrace_free_filter(struct ftrace_ops *ops);

/*
 * ftrace direct calls (entry.c): ftrace patches a function's fentry call
 * into a call of a trampoline of the module's, registered for an
 * ftrace_ops's filter with register_ftrace_direct_multi() (6.1 to 6.5)
 * or register_ftrace_direct() (from 6.6; 5.10's takes one address and
 * 6.1 keeps that one too: not used).  x86-64 only here: arm64 has direct
 * calls from 6.4 only, and gets ftrace_ops callbacks.
 *
 * A trampoline is entered with the stack as at the function's entry plus
 * the return address of the fentry call; above that is the function's
 * own return address (an ftrace_ops callback's parent_ip).  It must save
 * the argument registers the function takes and return to the function
 * (samples/ftrace/ftrace-direct-multi.c); x86-64's kernel keeps the stack
 * 8-byte aligned (-mpreferred-stack-boundary=3), which pushes keep.
 * CALL_DEPTH_ACCOUNT (6.2+) keeps the return stack's depth accounting
 * right where call-depth tracking is on.  A trampoline's address must be
 * even, and is aligned as functions are: with
 * CONFIG_DYNAMIC_FTRACE_WITH_JMP (7.2, not 6.12; linux/ftrace.h's
 * ftrace_is_jmp()) an odd direct address asks ftrace to patch a jmp to
 * the address below it instead of a call.
 */
#if defined(CONFIG_X86_64) && defined(CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS) && \
	(defined(VMACCT_HAVE_FTRACE_DIRECT_OPS) || \
	 defined(VMACCT_HAVE_FTRACE_DIRECT_MULTI))
#define VMACCT_HAVE_DIRECT	1

#include <linux/linkage.h>
#include <linux/stringify.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>

#ifndef CALL_DEPTH_ACCOUNT
#define CALL_DEPTH_ACCOUNT	""
#endif

int vmacct_direct_register(struct ftrace_ops *ops, unsigned long tramp);
void vmacct_direct_unregister(struct ftrace_ops *ops, unsigned long tramp);

/*
 * A frame for the frame-pointer unwinder, where the kernel has it; ORC
 * (Debian's kernels) unwinds through the trampolines by objtool's tables.
 * The function's own return address (CALL3's parent) is above the
 * fentry call's, and above CALL3's three pushes without a frame.
 */
#ifdef CONFIG_FRAME_POINTER
#define VMACCT_TRAMP_FRAME	"	pushq %rbp\n	movq %rsp, %rbp\n"
#define VMACCT_TRAMP_UNFRAME	"	leave\n"
#define VMACCT_TRAMP_PARENT3	"16(%rbp)"
#else
#define VMACCT_TRAMP_FRAME	""
#define VMACCT_TRAMP_UNFRAME	""
#define VMACCT_TRAMP_PARENT3	"32(%rsp)"
#endif

/*
 * Trampoline @t: @check, then the frame, and @body, which calls vmacct (a
 * VMACCT_TRAMP_CALL*).  A @check that returns skips the rest.
 */
#define VMACCT_TRAMP(t, check, body)					\
	asm("	.pushsection .text, \"ax\", @progbits\n"			\
	    "	" __ALIGN_STR "\n"						\
	    "	.type " #t ", @function\n"				\
	    "	.globl " #t "\n"						\
	    #t ":\n"							\
	    ASM_ENDBR							\
	    CALL_DEPTH_ACCOUNT						\
	    check							\
	    VMACCT_TRAMP_FRAME						\
	    body							\
	    VMACCT_TRAMP_UNFRAME					\
	    ASM_RET							\
	    "	.size " #t ", .-" #t "\n"					\
	    "	.popsection\n")

/* For a function of three arguments: calls c(a0, a1, a2, parent_ip). */
#define VMACCT_TRAMP_CALL3(c)						\
	"	pushq %rdi\n"							\
	"	pushq %rsi\n"							\
	"	pushq %rdx\n"							\
	"	movq " VMACCT_TRAMP_PARENT3 ", %rcx\n"			\
	"	call " #c "\n"							\
	"	popq %rdx\n"							\
	"	popq %rsi\n"							\
	"	popq %rdi\n"

/* For a function of one argument: calls c(n), n a constant. */
#define VMACCT_TRAMP_CALL1(c, n)					\
	"	pushq %rdi\n"							\
	"	movl $" __stringify(n) ", %edi\n"				\
	"	call " #c "\n"							\
	"	popq %rdi\n"

/*
 * The current task, as an assembler operand: the per-CPU current_task,
 * which 6.2 to 6.14 keep in struct pcpu_hot.  The absolute form works
 * whether per-CPU symbols are zero-based (to 6.14) or kernel addresses.
 */
#ifdef VMACCT_HAVE_PCPU_HOT
#define VMACCT_ASM_CURRENT	"%gs:pcpu_hot+vmacct_off_current"
#define VMACCT_OFF_CURRENT	offsetof(struct pcpu_hot, current_task)
#else
#define VMACCT_ASM_CURRENT	"%gs:current_task"
#define VMACCT_OFF_CURRENT	0
#endif

/*
 * The offsets a trampoline's check reads (syscall.h), as assembler
 * symbols: in a C function, where the compiler can give them; it emits no
 * instruction.
 */
#define VMACCT_TRAMP_SYS_OFFSETS()					\
	asm(".set vmacct_off_current, %c0\n\t"				\
	    ".set vmacct_off_task_mm, %c1\n\t"				\
	    ".set vmacct_off_mm_map_count, %c2"				\
	    : : "i" (VMACCT_OFF_CURRENT),					\
		"i" (offsetof(struct task_struct, mm)),			\
		"i" (offsetof(struct mm_struct, map_count)))

#else
static inline int vmacct_direct_register(struct ftrace_ops *ops,
					 unsigned long tramp)
{
	return -EOPNOTSUPP;
}

static inline void vmacct_direct_unregister(struct ftrace_ops *ops,
					    unsigned long tramp)
{
}
#endif

/*
 * Take @flags away from a VMA being mapped (mmap_lock held for writing):
 * through vm_flags_clear() from 6.3, which made vm_flags read-only.
 */
static inline void vmacct_vma_clear_flags(struct vm_area_struct *vma,
					  vm_flags_t flags)
{
#ifdef VMACCT_HAVE_VM_FLAGS_CLEAR
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/*
 * A walk of an mm's VMAs from an address, under its mmap lock: the maple
 * tree from 6.1, the address-sorted list (mm->mmap, vm_next) before.
 * Init needs no lock; vmacct_vma_find() does.
 */
struct vmacct_vma_iter {
#ifdef VMACCT_HAVE_VMA_ITER
	struct vma_iterator vmi;
#else
	struct mm_struct *mm;
	unsigned long addr;
	struct vm_area_struct *next;
	bool started;
#endif
};

#ifdef VMACCT_HAVE_VMA_ITER
static inline void vmacct_vma_iter_init(struct vmacct_vma_iter *it,
					struct mm_struct *mm,
					unsigned long addr)
{
	vma_iter_init(&it->vmi, mm, addr);
}

/*
 * The next VMA that ends above the start and starts at or below @max.
 * mas_find()'s @max is inclusive on every kernel; vma_find()'s is
 * inclusive on 6.1 and exclusive from 6.4 (6.12 include/linux/mm.h).
 */
static inline struct vm_area_struct *
vmacct_vma_find(struct vmacct_vma_iter *it, unsigned long max)
{
	return mas_find(&it->vmi.mas, max);
}
#else
static inline void vmacct_vma_iter_init(struct vmacct_vma_iter *it,
					struct mm_struct *mm,
					unsigned long addr)
{
	it->mm = mm;
	it->addr = addr;
	it->next = NULL;
	it->started = false;
}

static inline struct vm_area_struct *
vmacct_vma_find(struct vmacct_vma_iter *it, unsigned long max)
{
	struct vm_area_struct *vma;

	if (!it->started) {
		it->next = find_vma(it->mm, it->addr);
		it->started = true;
	}
	vma = it->next;
	if (!vma || vma->vm_start > max)
		return NULL;
	it->next = vma->vm_next;
	return vma;
}
#endif

struct pid *vmacct_find_ge_pid(int nr);

void vmacct_hrtimer_setup(struct hrtimer *timer,
			  enum hrtimer_restart (*fn)(struct hrtimer *timer),
			  enum hrtimer_mode mode);

/*
 * The architectures: their system call entry points (each arch wraps
 * sys_NAME in its own pt_regs stub, arch/x86/include/asm/syscall_wrapper.h
 * and arch/arm64/include/asm/syscall_wrapper.h), and the system calls
 * one of them lacks: arm64 has no fork() or vfork(), only clone()
 * (include/uapi/asm-generic/unistd.h), so there they are numbers no
 * call has.
 */
#if defined(CONFIG_X86_64)
#define VMACCT_SYS_PREFIX	"__x64_sys_"
#elif defined(CONFIG_ARM64)
#define VMACCT_SYS_PREFIX	"__arm64_sys_"
#else
#error "vmacct supports x86-64 and arm64"
#endif

/*
 * Argument @n (0 to 5) of the native system call whose entry registers
 * are @regs: syscall_get_arguments() for one of them, without copying
 * six (arch/x86/include/asm/syscall.h, arch/arm64/include/asm/syscall.h).
 */
static inline unsigned long vmacct_syscall_arg(const struct pt_regs *regs,
					       unsigned int n)
{
#if defined(CONFIG_X86_64)
	switch (n) {
	case 0:
		return regs->di;
	case 1:
		return regs->si;
	case 2:
		return regs->dx;
	case 3:
		return regs->r10;
	case 4:
		return regs->r8;
	default:
		return regs->r9;
	}
#else
	return n ? regs->regs[n] : regs->orig_x0;
#endif
}

/*
 * in_compat_syscall() for a task whose syscall_get_nr(), as an unsigned
 * int, is below 2^30: x86-64's x32 calls have that bit (__X32_SYSCALL_BIT)
 * set, so only the ia32 test is left.
 */
#ifdef CONFIG_X86_64
#define vmacct_in_compat_low_nr()	in_ia32_syscall()
#else
#define vmacct_in_compat_low_nr()	in_compat_syscall()
#endif

/* fork() and vfork(): x86-64 has them, arm64 not (negative: none) */
#ifdef __NR_fork
#define VMACCT_NR_FORK		__NR_fork
#define VMACCT_NR_VFORK		__NR_vfork
#else
#define VMACCT_NR_FORK		(-2)
#define VMACCT_NR_VFORK		(-3)
#endif

#endif /* _VMACCT_COMPAT_H */
