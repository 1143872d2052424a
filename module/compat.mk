# SPDX-License-Identifier: GPL-2.0
#
# Included by ./Kbuild and scripts/bench/floor/Kbuild, so that both build
# against module/compat.h with the same detection.
#
# Kernel API differences that no header macro reveals, detected from the
# headers (and, for exports, the Module.symvers) being built against and
# used only in module/compat.c and module/compat.h:
#   hrtimer_setup() replaced hrtimer_init() in 6.13 (gone in 7.x)
#   struct ftrace_regs and ftrace_test_recursion_trylock() came in 5.11
#   the maple tree's VMA iterator came in 6.1 (5.10: mm->mmap, vm_next)
#   find_ge_pid() and ftrace_free_filter() are not exported by 5.10
#   ftrace direct calls for an ftrace_ops: register_ftrace_direct_multi()
#   in 6.1, register_ftrace_direct(ops, addr) from 6.6
#   x86-64's per-CPU current_task is a field of pcpu_hot from 6.2 to 6.14
#   a VMA's flags change through vm_flags_clear() from 6.3
have = $(if $(shell grep -sw $(1) $(2)),-DVMACCT_HAVE_$(3))
ccflags-y += $(call have,hrtimer_setup,$(srctree)/include/linux/hrtimer.h,HRTIMER_SETUP)
ccflags-y += $(call have,ftrace_regs,$(srctree)/include/linux/ftrace.h,FTRACE_REGS)
ccflags-y += $(call have,ftrace_test_recursion_trylock,$(srctree)/include/linux/trace_recursion.h,FTRACE_RECURSION_LOCK)
ccflags-y += $(call have,vma_iter_init,$(srctree)/include/linux/mm_types.h,VMA_ITER)
ccflags-y += $(call have,vm_flags_clear,$(srctree)/include/linux/mm.h,VM_FLAGS_CLEAR)
ccflags-y += $(call have,find_ge_pid,$(objtree)/Module.symvers,FIND_GE_PID)
ccflags-y += $(call have,ftrace_free_filter,$(objtree)/Module.symvers,FTRACE_FREE_FILTER)
ccflags-y += $(call have,register_ftrace_direct_multi,$(objtree)/Module.symvers,FTRACE_DIRECT_MULTI)
ccflags-y += $(call have,pcpu_hot,$(objtree)/Module.symvers,PCPU_HOT)
ccflags-y += $(if $(shell grep -s 'int register_ftrace_direct.struct ftrace_ops' $(srctree)/include/linux/ftrace.h),-DVMACCT_HAVE_FTRACE_DIRECT_OPS)
