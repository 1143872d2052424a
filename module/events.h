/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: trace events (events.c defines them), for the tools people
 * already use: perf record -e 'vmacct:*', trace-cmd, bpftrace's
 * tracepoint:vmacct:*, or tracefs's events/vmacct/.  A disabled event is
 * a static branch: it costs nothing.
 *
 *  - vmacct_decision: a __vm_enough_memory() call with its verdict and
 *    the terms it was decided on, when its verdict is known (see
 *    inflight.c: at entry, at the refusal, or once it has returned);
 *  - vmacct_refusal: a refused call, with what would have been enough;
 *  - vmacct_map_count: a system call that failed because of
 *    vm.max_map_count.
 *
 * The task fields are those of the call, which the event may be emitted
 * after (from a timer or an irq_work): use pid and tgid, not the event's
 * common_pid.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmacct

#if !defined(_VMACCT_EVENTS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VMACCT_EVENTS_H

#include <linux/tracepoint.h>
#include <linux/vmacct.h>

TRACE_EVENT(vmacct_decision,
	    TP_PROTO(const struct vmacct_event *ev),
	    TP_ARGS(ev),
	    TP_STRUCT__entry(__field(u32, pid)
			     __field(u32, tgid)
			     __array(char, comm, 16)
			     __field(u32, caller)
			     __field(u32, mode)
			     __field(s32, verdict)
			     __field(u32, as_admin)
			     __field(s64, pages)
			     __field(s64, committed)
			     __field(s64, allowed)
			     __field(u64, guess_ceiling)),
	    TP_fast_assign(__entry->pid = ev->pid;
			   __entry->tgid = ev->tgid;
			   memcpy(__entry->comm, ev->comm, 16);
			   __entry->caller = ev->caller;
			   __entry->mode = ev->mode;
			   __entry->verdict = ev->verdict;
			   __entry->as_admin = ev->as_admin;
			   __entry->pages = ev->pages;
			   __entry->committed = ev->committed;
			   __entry->allowed = ev->allowed;
			   __entry->guess_ceiling = ev->guess_ceiling;),
	    TP_printk("pid=%u tgid=%u comm=%.16s caller=%s pages=%lld mode=%u verdict=%d committed=%lld allowed=%lld guess_ceiling=%llu as_admin=%u",
		      __entry->pid, __entry->tgid, __entry->comm,
		      __print_symbolic(__entry->caller,
				       { VMACCT_CALLER_OTHER, "other" },
				       { VMACCT_CALLER_MMAP, "mmap" },
				       { VMACCT_CALLER_BRK, "brk" },
				       { VMACCT_CALLER_MPROTECT, "mprotect" },
				       { VMACCT_CALLER_MREMAP, "mremap" },
				       { VMACCT_CALLER_FORK, "fork" },
				       { VMACCT_CALLER_EXEC_STACK, "exec_stack" },
				       { VMACCT_CALLER_STACK_GROWTH,
					 "stack_growth" },
				       { VMACCT_CALLER_SHMEM, "shmem" },
				       { VMACCT_CALLER_SWAPOFF, "swapoff" }),
		      __entry->pages, __entry->mode, __entry->verdict,
		      __entry->committed, __entry->allowed,
		      __entry->guess_ceiling, __entry->as_admin)
);

TRACE_EVENT(vmacct_refusal,
	    TP_PROTO(const struct vmacct_record *rec),
	    TP_ARGS(rec),
	    TP_STRUCT__entry(__field(u32, pid)
			     __field(u32, tgid)
			     __array(char, comm, 16)
			     __field(u32, caller)
			     __field(u32, mode)
			     __field(s64, pages)
			     __field(s64, committed)
			     __field(s64, allowed)
			     __field(u32, min_ratio)
			     __field(u64, min_kbytes)),
	    TP_fast_assign(__entry->pid = rec->ev.pid;
			   __entry->tgid = rec->ev.tgid;
			   memcpy(__entry->comm, rec->ev.comm, 16);
			   __entry->caller = rec->ev.caller;
			   __entry->mode = rec->ev.mode;
			   __entry->pages = rec->ev.pages;
			   __entry->committed = rec->ev.committed;
			   __entry->allowed = rec->ev.allowed;
			   __entry->min_ratio = rec->min_ratio;
			   __entry->min_kbytes = rec->min_kbytes;),
	    TP_printk("pid=%u tgid=%u comm=%.16s caller=%s pages=%lld mode=%u committed=%lld allowed=%lld min_ratio=%u min_kbytes=%llu",
		      __entry->pid, __entry->tgid, __entry->comm,
		      __print_symbolic(__entry->caller,
				       { VMACCT_CALLER_OTHER, "other" },
				       { VMACCT_CALLER_MMAP, "mmap" },
				       { VMACCT_CALLER_BRK, "brk" },
				       { VMACCT_CALLER_MPROTECT, "mprotect" },
				       { VMACCT_CALLER_MREMAP, "mremap" },
				       { VMACCT_CALLER_FORK, "fork" },
				       { VMACCT_CALLER_EXEC_STACK, "exec_stack" },
				       { VMACCT_CALLER_STACK_GROWTH,
					 "stack_growth" },
				       { VMACCT_CALLER_SHMEM, "shmem" },
				       { VMACCT_CALLER_SWAPOFF, "swapoff" }),
		      __entry->pages, __entry->mode, __entry->committed,
		      __entry->allowed, __entry->min_ratio, __entry->min_kbytes)
);

TRACE_EVENT(vmacct_map_count,
	    TP_PROTO(const struct vmacct_record *rec),
	    TP_ARGS(rec),
	    TP_STRUCT__entry(__field(u32, pid)
			     __field(u32, tgid)
			     __array(char, comm, 16)
			     __field(u32, syscall)
			     __field(u32, map_count)
			     __field(u32, max_map_count)
			     __field(s64, pages)
			     __field(s64, enough)),
	    TP_fast_assign(__entry->pid = rec->ev.pid;
			   __entry->tgid = rec->ev.tgid;
			   memcpy(__entry->comm, rec->ev.comm, 16);
			   __entry->syscall = rec->ev.caller;
			   __entry->map_count = rec->ev.map_count;
			   __entry->max_map_count = rec->ev.max_map_count;
			   __entry->pages = rec->ev.pages;
			   __entry->enough = rec->min_max_map_count;),
	    TP_printk("pid=%u tgid=%u comm=%.16s syscall=%s map_count=%u max_map_count=%u pages=%lld enough=%lld",
		      __entry->pid, __entry->tgid, __entry->comm,
		      __print_symbolic(__entry->syscall,
				       { VMACCT_SYS_MMAP, "mmap" },
				       { VMACCT_SYS_MUNMAP, "munmap" },
				       { VMACCT_SYS_MPROTECT, "mprotect" },
				       { VMACCT_SYS_MREMAP, "mremap" },
				       { VMACCT_SYS_BRK, "brk" },
				       { VMACCT_SYS_MADVISE, "madvise" },
				       { VMACCT_SYS_MLOCK, "mlock" },
				       { VMACCT_SYS_MUNLOCK, "munlock" }),
		      __entry->map_count, __entry->max_map_count,
		      __entry->pages, __entry->enough)
);

#endif /* _VMACCT_EVENTS_H */

/* out of the kernel tree: define_trace.h finds this file by -I$(src)/module */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE events
#include <trace/define_trace.h>
