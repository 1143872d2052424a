/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmacct: the kernel's virtual-memory accounting, as the kernel computes it.
 *
 * This header is the only contract between vmacct.ko, the vmacct tool and
 * the selftests.  Every ioctl argument begins with "__u32 size", the number
 * of bytes of the structure the caller knows (the openat2()/clone3()
 * convention):
 *
 *  - size smaller than the first published version of the structure
 *    (VMACCT_*_SIZE_VER0) is rejected with -EINVAL;
 *  - size larger than PAGE_SIZE is rejected with -E2BIG;
 *  - bytes beyond the structure the module knows must be zero, or -E2BIG;
 *  - input fields (flags, reserved and padding) must be zero, or -EINVAL;
 *    output fields are ignored on input;
 *  - on success the module writes min(size, its own size) bytes back and
 *    sets size to that number.
 *
 * The size bits of the command number (_IOC_SIZE) are not used to
 * dispatch: a caller built against a newer or older version of this header
 * reaches the same command, and "size" says which version it speaks.
 *
 * All counts are in pages of the kernel's page size (vmacct_commit.page_size)
 * unless the name ends in _kbytes.
 *
 * Margins are signed: margin >= 0 exactly when the verdict is "allowed",
 * and then that many more pages would still be allowed; a denied request
 * would need -margin fewer pages to pass.  Mode 2: allowed - 1 -
 * committed_after_charge; mode 0: guess_ceiling - request.
 */
#ifndef _UAPI_LINUX_VMACCT_H
#define _UAPI_LINUX_VMACCT_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VMACCT_DEVICE_NAME	"vmacct"
#define VMACCT_ABI_VERSION	1

/*
 * Which variant of __vm_enough_memory() the running kernel executes.
 * VMACCT_ALGO_V5_2: mode 0 compares one request with totalram + total swap
 * (commit 8c7829b04c52, v5.2); mode 2 compares the per-CPU read of
 * vm_committed_as, after charging, with CommitLimit minus the admin and
 * user reserves.
 */
#define VMACCT_ALGO_V5_2	1

/**
 * struct vmacct_version - VMACCT_IOC_VERSION
 * @size:		in: bytes the caller knows; out: bytes written
 * @abi_version:	out: VMACCT_ABI_VERSION of the module
 * @module_version:	out: (major << 16) | (minor << 8) | patch
 * @kernel_version:	out: KERNEL_VERSION(major, minor, sublevel) of the
 *			running kernel (sublevel capped at 255)
 * @algorithm:		out: VMACCT_ALGO_* of the running kernel
 * @commit_size:	out: sizeof(struct vmacct_commit) in the module
 * @reserved:		in: must be zero; out: zero
 */
struct vmacct_version {
	__u32 size;
	__u32 abi_version;
	__u32 module_version;
	__u32 kernel_version;
	__u32 algorithm;
	__u32 commit_size;
	__u64 reserved;
};

#define VMACCT_VERSION_SIZE_VER0	32

/**
 * struct vmacct_commit - VMACCT_IOC_COMMIT: one snapshot of every global term
 * @size:		in: bytes the caller knows; out: bytes written
 * @flags:		in: must be zero
 * @overcommit_memory:	vm.overcommit_memory (0 guess, 1 always, 2 never)
 * @overcommit_ratio:	vm.overcommit_ratio, percent
 * @max_map_count:	vm.max_map_count
 * @online_cpus:	CPUs whose local counts the exact sum adds up
 * @page_size:		bytes per page
 * @committed_batch:	vm_committed_as_batch: per-CPU fold threshold
 * @overcommit_kbytes:	vm.overcommit_kbytes
 * @admin_reserve_kbytes: vm.admin_reserve_kbytes
 * @user_reserve_kbytes: vm.user_reserve_kbytes
 * @limit:		vm_commit_limit(), /proc/meminfo CommitLimit
 * @committed:		vm_memory_committed(), exact sum, /proc/meminfo
 *			Committed_AS
 * @committed_read:	percpu_counter_read_positive(&vm_committed_as), the
 *			approximate value __vm_enough_memory() compares
 * @committed_error:	largest possible |committed - committed_read|:
 *			online_cpus * (committed_batch - 1)
 * @totalram:		totalram_pages()
 * @total_swap:		total_swap_pages, all active swap, used or free
 * @free_swap:		get_nr_swap_pages()
 * @hugetlb:		hugetlb_total_pages(): pages in huge page pools
 * @admin_reserve:	admin_reserve_kbytes in pages
 * @user_reserve:	user_reserve_kbytes in pages (the cap of
 *			min(total_vm / 32, user_reserve))
 * @guess_ceiling:	totalram + total_swap: in mode 0 one request of more
 *			pages than this is refused
 */
struct vmacct_commit {
	__u32 size;
	__u32 flags;
	__u32 overcommit_memory;
	__s32 overcommit_ratio;
	__u32 max_map_count;
	__u32 online_cpus;
	__u32 page_size;
	__u32 committed_batch;
	__u64 overcommit_kbytes;
	__u64 admin_reserve_kbytes;
	__u64 user_reserve_kbytes;
	__u64 limit;
	__u64 committed;
	__u64 committed_read;
	__u64 committed_error;
	__u64 totalram;
	__u64 total_swap;
	__u64 free_swap;
	__u64 hugetlb;
	__u64 admin_reserve;
	__u64 user_reserve;
	__u64 guess_ceiling;
};

#define VMACCT_COMMIT_SIZE_VER0		144

/**
 * struct vmacct_mm - VMACCT_IOC_MM: one process's VMAs and commit charge
 * @size:		in: bytes the caller knows; out: bytes written
 * @flags:		in: VMACCT_MM_COUNTS_ONLY or zero
 * @pid:		in: process (thread-group or thread id in the
 *			caller's pid namespace); 0 = the caller
 * @map_count:		mm->map_count: VMAs in the process
 * @max_map_count:	vm.max_map_count
 * @headroom_mmap:	new VMAs that mmap() or brk() can still create:
 *			they fail once map_count > max, so max + 1 - map_count
 * @headroom_split:	splits mprotect(), mlock(), madvise() and friends
 *			can still make (they fail once map_count >= max):
 *			max - map_count
 * @headroom_munmap:	munmap()s that cut one VMA at both ends can still
 *			succeed (map_count >= max fails): max - map_count;
 *			up to 6.16 also in-place mremap() shrinks whose
 *			unmapped tail ends inside the VMA
 * @headroom_mremap_move: VMAs that may be added before an mremap() that
 *			moves fails (map_count >= max - 3): max - 3 - map_count;
 *			from 6.17 every mremap() fails there, moving or not
 * @headroom_mremap_fixed: the same for the tightest of MREMAP_FIXED and
 *			MREMAP_DONTUNMAP: map_count >= max - 5 up to 6.16
 *			(max - 5 - map_count); from 6.17 MREMAP_DONTUNMAP at
 *			max - 4 (max - 4 - map_count), MREMAP_FIXED alone at
 *			max - 3, as a move
 * @nr_accounted:	VMAs with VM_ACCOUNT (commit-charged)
 * @nr_anon_private:	anonymous private VMAs (heap, malloc arenas)
 * @nr_file_private:	private file mappings (text, data of binaries)
 * @nr_file_shared:	shared file mappings, including MAP_SHARED |
 *			MAP_ANONYMOUS and SysV shm (shmem files)
 * @nr_stack:		stack VMAs (VM_GROWSDOWN)
 * @nr_special:		special mappings: [vdso], [vvar], [uprobes],
 *			VM_PFNMAP/VM_IO device mappings
 * @total_vm:		mm->total_vm (VmSize)
 * @data_vm:		mm->data_vm (VmData)
 * @exec_vm:		mm->exec_vm (VmExe + VmLib)
 * @stack_vm:		mm->stack_vm (VmStk)
 * @locked_vm:		mm->locked_vm (VmLck)
 * @pinned_vm:		mm->pinned_vm (VmPin)
 * @charge:		the mm's commit charge: pages of its VM_ACCOUNT VMAs
 * @largest_accounted:	pages of its largest VM_ACCOUNT VMA
 *
 * Every headroom is the number of operations of that kind, each adding one
 * VMA, that can still succeed: the operation fails when it is <= 0.  A
 * headroom larger than INT_MAX (vm.max_map_count near INT_MAX) reads
 * INT_MAX.
 *
 * With VMACCT_MM_COUNTS_ONLY the VMAs are not walked: map_count, the
 * headrooms and the *_vm counters are filled in constant time, and the
 * charge, nr_* and largest_accounted fields are 0.
 */
struct vmacct_mm {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 map_count;
	__u32 max_map_count;
	__s32 headroom_mmap;
	__s32 headroom_split;
	__s32 headroom_munmap;
	__s32 headroom_mremap_move;
	__s32 headroom_mremap_fixed;
	__u32 nr_accounted;
	__u32 nr_anon_private;
	__u32 nr_file_private;
	__u32 nr_file_shared;
	__u32 nr_stack;
	__u32 nr_special;
	__u64 total_vm;
	__u64 data_vm;
	__u64 exec_vm;
	__u64 stack_vm;
	__u64 locked_vm;
	__u64 pinned_vm;
	__u64 charge;
	__u64 largest_accounted;
};

#define VMACCT_MM_SIZE_VER0		128

/* struct vmacct_mm flags */
#define VMACCT_MM_COUNTS_ONLY	0x1U	/* no VMA walk: counts, no charge */

/* Deciding terms of a verdict (struct vmacct_eval, struct vmacct_fork) */
#define VMACCT_TERM_NONE		0	/* mode 1: nothing is checked */
#define VMACCT_TERM_GUESS_CEILING	1	/* mode 0: totalram + total swap */
#define VMACCT_TERM_LIMIT		2	/* mode 2: CommitLimit itself */
#define VMACCT_TERM_ADMIN_RESERVE	3	/* mode 2: the admin reserve */
#define VMACCT_TERM_USER_RESERVE	4	/* mode 2: the user reserve */

/* struct vmacct_eval flags */
#define VMACCT_EVAL_ADMIN	0x1U		/* evaluate as CAP_SYS_ADMIN */
#define VMACCT_EVAL_USER	0x2U		/* evaluate without CAP_SYS_ADMIN */
#define VMACCT_EVAL_MODE	0x4U		/* use @mode, not the sysctl */
#define VMACCT_EVAL_NO_MM	0x8U		/* no mm: no user reserve */
#define VMACCT_EVAL_FLAGS	0xfU

/**
 * struct vmacct_eval - VMACCT_IOC_EVAL: dry run of __vm_enough_memory()
 * @size:		in: bytes the caller knows; out: bytes written
 * @flags:		in: VMACCT_EVAL_*; without ADMIN or USER, the
 *			CAP_SYS_ADMIN of the process allocating decides, as
 *			the capability rule of security_vm_enough_memory_mm()
 *			would: that of @pid (the caller for 0 or NO_MM)
 * @pid:		in: process whose total_vm sizes the user reserve;
 *			0 = the caller; ignored with VMACCT_EVAL_NO_MM
 * @mode:		in: overcommit mode with VMACCT_EVAL_MODE (0..2);
 *			out: the mode evaluated
 * @pages:		in: the request, 0..LLONG_MAX pages
 * @verdict:		out: 0 (allowed) or -ENOMEM, as this kernel decides
 * @deciding_term:	out: VMACCT_TERM_* that decides the verdict: for a
 *			denial the first term, in the order limit, admin
 *			reserve, user reserve, that the charge no longer
 *			fits under; for an allowed request the bound itself
 *			(GUESS_CEILING in mode 0, LIMIT in mode 2)
 * @as_admin:		out: 1 if evaluated as CAP_SYS_ADMIN
 * @slop_may_flip:	out: 1 in mode 2 when the per-CPU error
 *			(committed_error) is as large as the margin, so
 *			counts not yet folded could change the verdict
 * @margin:		out: pages that could be added to @pages with the
 *			verdict still "allowed"; negative when denied by
 *			that many pages plus one.  Mode 1: LLONG_MAX.  A
 *			mode-2 evaluation while the system is in another
 *			mode uses the exact sum (committed), because writing
 *			overcommit_memory=2 folds the per-CPU counts first
 * @limit:		out: CommitLimit
 * @admin_reserve:	out: admin reserve subtracted (0 for an admin)
 * @user_reserve:	out: user reserve subtracted: min(total_vm / 32,
 *			user reserve), 0 without an mm
 * @allowed:		out: limit - admin_reserve - user_reserve (signed)
 * @committed_read:	out: what the kernel compares, before the charge
 * @committed:		out: Committed_AS, exact
 * @committed_error:	out: largest |committed - committed_read|
 * @guess_ceiling:	out: totalram + total swap (the mode-0 test)
 * @total_vm:		out: total_vm of the mm used (0 without an mm)
 * @old_verdict:	out: what kernels before 5.2 decided in mode 0
 *			(and what older articles describe): 0 or -ENOMEM.
 *			Not what this kernel does.
 * @old_reserved:	out: must be ignored
 * @old_free:		out: that heuristic's "free" pages: free + file -
 *			shmem + free swap + reclaimable slab + misc
 *			reclaimable - totalreserve_pages - admin reserve
 * @totalreserve:	out: totalreserve_pages, used by that heuristic
 */
struct vmacct_eval {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 mode;
	__s64 pages;
	__s32 verdict;
	__u32 deciding_term;
	__u32 as_admin;
	__u32 slop_may_flip;
	__s64 margin;
	__u64 limit;
	__u64 admin_reserve;
	__u64 user_reserve;
	__s64 allowed;
	__u64 committed_read;
	__u64 committed;
	__u64 committed_error;
	__u64 guess_ceiling;
	__u64 total_vm;
	__s32 old_verdict;
	__u32 old_reserved;
	__s64 old_free;
	__u64 totalreserve;
};

#define VMACCT_EVAL_SIZE_VER0		144

/**
 * struct vmacct_fork - VMACCT_IOC_FORK: would fork() of this process pass?
 * @size:		in: bytes the caller knows; out: bytes written
 * @flags:		in: must be zero
 * @pid:		in: the process that would fork; 0 = the caller
 * @nr_charged:		out: VMAs dup_mmap() would charge: VM_ACCOUNT and
 *			not VM_DONTCOPY (VM_WIPEONFORK ones are charged too)
 * @charge:		out: pages fork() would charge (S)
 * @largest:		out: pages of the largest charged VMA (mode 0
 *			checks each VMA against guess_ceiling)
 * @total_vm:		out: the parent's total_vm (sizes the user reserve)
 * @committed_read:	out: what the kernel compares, before the fork
 * @committed:		out: Committed_AS, exact
 * @committed_error:	out: largest |committed - committed_read|
 * @limit:		out: CommitLimit
 * @guess_ceiling:	out: totalram + total swap
 * @admin_reserve:	out: admin reserve that applies (0 if the process
 *			has CAP_SYS_ADMIN)
 * @user_reserve:	out: min(total_vm / 32, user reserve)
 * @allowed:		out: limit - admin_reserve - user_reserve (A)
 * @verdict:		out: per mode 0, 1, 2: 0 or -ENOMEM
 * @deciding_term:	out: per mode: VMACCT_TERM_*
 * @margin:		out: per mode: pages of headroom left after the fork
 *			(negative: missing pages); mode 1: LLONG_MAX
 * @as_admin:		out: 1 if the process has CAP_SYS_ADMIN in the
 *			initial user namespace, the capability rule of
 *			security_vm_enough_memory_mm() (an LSM's own
 *			vm_enough_memory hook, SELinux's, is not asked)
 * @slop_may_flip:	out: 1 if the mode-2 verdict is within the per-CPU
 *			error of flipping
 * @min_ratio:		out: smallest vm.overcommit_ratio (with
 *			overcommit_kbytes 0) that lets the fork pass in
 *			mode 2; 0xffffffff if none can
 * @reserved:		out: zero
 * @min_kbytes:		out: smallest vm.overcommit_kbytes that lets it pass
 *			(always exists: kbytes has no upper bound)
 * @min_ratio_certain:	out: smallest vm.overcommit_ratio that lets it pass
 *			whatever the per-CPU deltas of Committed_AS are then:
 *			the same computation with committed + committed_error
 *			for the count; 0xffffffff if none can
 * @reserved2:		out: zero
 * @min_kbytes_certain:	out: the same for vm.overcommit_kbytes
 *
 * @min_ratio and @min_kbytes are the flip points for the count as it reads
 * now; a setting between them and the certain ones may still refuse the
 * fork once other CPUs fold their deltas.  An older module returns 176
 * bytes (VMACCT_FORK_SIZE_VER0), without the certain fields.
 */
struct vmacct_fork {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__u32 nr_charged;
	__u64 charge;
	__u64 largest;
	__u64 total_vm;
	__u64 committed_read;
	__u64 committed;
	__u64 committed_error;
	__u64 limit;
	__u64 guess_ceiling;
	__u64 admin_reserve;
	__u64 user_reserve;
	__s64 allowed;
	__s32 verdict[3];
	__u32 deciding_term[3];
	__s64 margin[3];
	__u32 as_admin;
	__u32 slop_may_flip;
	__u32 min_ratio;
	__u32 reserved;
	__u64 min_kbytes;
	__u32 min_ratio_certain;
	__u32 reserved2;
	__u64 min_kbytes_certain;
};

#define VMACCT_FORK_SIZE_VER0		176
#define VMACCT_FORK_SIZE_VER1		192	/* + the certain settings */

/*
 * The event stream: read() on /dev/vmacct returns whole struct
 * vmacct_event records once the file is a trace reader (after
 * VMACCT_IOC_TRACE, or implicitly at the first read() or poll() with no
 * filter).  Needs CAP_PERFMON or CAP_SYS_ADMIN.
 */
#define VMACCT_EVENT_VERSION		2	/* 2: + cgroup_id */
#define VMACCT_READ_MAX_RECORDS		128	/* per read() call */

#define VMACCT_EV_DECISION		1	/* a __vm_enough_memory() call */
#define VMACCT_EV_MAP_COUNT		2	/* ENOMEM because of max_map_count */

/* What asked for the charge (struct vmacct_event.caller, decisions) */
#define VMACCT_CALLER_OTHER		0
#define VMACCT_CALLER_MMAP		1	/* mmap() of private writable memory */
#define VMACCT_CALLER_BRK		2
#define VMACCT_CALLER_MPROTECT		3	/* made writable */
#define VMACCT_CALLER_MREMAP		4	/* grown or moved */
#define VMACCT_CALLER_FORK		5	/* dup_mmap(), one call per VMA */
#define VMACCT_CALLER_EXEC_STACK	6	/* execve()'s first stack VMA */
#define VMACCT_CALLER_STACK_GROWTH	7	/* a page fault grew the stack */
#define VMACCT_CALLER_SHMEM		8	/* shmem object: MAP_SHARED anon, SysV */
#define VMACCT_CALLER_SWAPOFF		9

/* Which system call failed (struct vmacct_event.caller, map-count events) */
#define VMACCT_SYS_MMAP			1
#define VMACCT_SYS_MUNMAP		2
#define VMACCT_SYS_MPROTECT		3	/* also pkey_mprotect() */
#define VMACCT_SYS_MREMAP		4
#define VMACCT_SYS_BRK			5
#define VMACCT_SYS_MADVISE		6
#define VMACCT_SYS_MLOCK		7	/* mlock(), mlock2() */
#define VMACCT_SYS_MUNLOCK		8

/**
 * struct vmacct_event - one record of the stream (fixed size)
 * @version:		VMACCT_EVENT_VERSION
 * @type:		VMACCT_EV_*
 * @size:		sizeof(struct vmacct_event)
 * @time_ns:		CLOCK_MONOTONIC time of the decision or the failure
 * @pid:		thread id, in the initial pid namespace
 * @tgid:		process id, in the initial pid namespace
 * @comm:		the thread's name, NUL-terminated
 * @caller:		VMACCT_CALLER_* (decision) or VMACCT_SYS_* (map count)
 * @mode:		vm.overcommit_memory at the call
 * @verdict:		0 or -ENOMEM (map-count events: always -ENOMEM)
 * @as_admin:		decision: the third argument, cap_sys_admin (the
 *			admin reserve was waived); map count: 0
 * @pages:		decision: pages requested; map count: the length
 *			argument in pages, where the call has one
 * @map_count:		the mm's map_count at the call (0 without an mm)
 * @max_map_count:	vm.max_map_count at the call
 * @total_vm:		the mm's total_vm (sizes the user reserve)
 * @limit:		CommitLimit at the call
 * @admin_reserve:	admin reserve subtracted (0 for an admin)
 * @user_reserve:	user reserve subtracted (0 without an mm)
 * @allowed:		limit - admin_reserve - user_reserve
 * @committed:		decision: percpu_counter_read_positive() of
 *			vm_committed_as right after the charge: the value
 *			mode 2 compares with @allowed
 * @guess_ceiling:	totalram + total swap: the mode-0 bound
 * @cgroup_id:		the task's cgroup v2 id (the inode number of its
 *			directory in the cgroup2 mount); 0 without cgroup v2
 *			(added in record version 2)
 *
 * Mode 2 allows iff committed < allowed; mode 0 iff pages <=
 * guess_ceiling; mode 1 always.  The terms are read at the call, next to
 * the kernel's own reads, so another CPU can change them in between (a
 * sysctl write, a counter fold): rare, and visible as a record whose terms
 * disagree with its verdict.
 */
struct vmacct_event {
	__u16 version;
	__u16 type;
	__u32 size;
	__u64 time_ns;
	__u32 pid;
	__u32 tgid;
	char comm[16];
	__u32 caller;
	__u32 mode;
	__s32 verdict;
	__u32 as_admin;
	__s64 pages;
	__u32 map_count;
	__u32 max_map_count;
	__u64 total_vm;
	__u64 limit;
	__u64 admin_reserve;
	__u64 user_reserve;
	__s64 allowed;
	__s64 committed;
	__u64 guess_ceiling;
	__u64 cgroup_id;
};

/* struct vmacct_trace flags */
#define VMACCT_TRACE_DENIED		0x1U	/* only denied decisions */
#define VMACCT_TRACE_NO_DECISIONS	0x2U	/* no decision events */
#define VMACCT_TRACE_NO_MAP_COUNT	0x4U	/* no map-count events */
#define VMACCT_TRACE_FLAGS		0x7U

/**
 * struct vmacct_trace - VMACCT_IOC_TRACE: make this file a trace reader
 * @size:		in: bytes the caller knows; out: bytes written
 * @flags:		in: VMACCT_TRACE_*
 * @pid:		in: only this thread id (initial pid namespace); 0: any
 * @tgid:		in: only this process; 0: any
 * @buffer_size:	out: records this reader's ring holds
 * @reserved:		in: zero; out: zero
 * @dropped:		out: records dropped for this reader so far
 *
 * Calling it again changes the filter; records already queued stay.
 */
struct vmacct_trace {
	__u32 size;
	__u32 flags;
	__s32 pid;
	__s32 tgid;
	__u32 buffer_size;
	__u32 reserved;
	__u64 dropped;
};

#define VMACCT_TRACE_SIZE_VER0		32

/**
 * struct vmacct_ring_header - the first page of a trace reader's mapping
 * @head:		records consumed since the reader attached (by
 *			read() or VMACCT_IOC_CONSUME)
 * @tail:		records queued since the reader attached
 * @records:		slots in the ring (VMACCT_IOC_TRACE's buffer_size)
 * @record_size:	bytes per slot, sizeof(struct vmacct_event)
 * @data_offset:	bytes from the start of the mapping to slot 0 (one
 *			page)
 * @dropped:		records dropped for this reader so far (ring full)
 *
 * Instead of copying records with read(), a reader may map its ring:
 * after VMACCT_IOC_TRACE, mmap() the file read-only (PROT_READ,
 * MAP_SHARED) at offset 0 with a length of one page plus buffer_size *
 * sizeof(struct vmacct_event) rounded up to pages.  Record number n
 * (from 0) is in slot n % @records.  The reader loads @tail with acquire
 * semantics, reads the records from its head up to @tail, and hands them
 * back with VMACCT_IOC_CONSUME; until then the module does not write
 * their slots.  poll() reports EPOLLIN while @tail differs from @head.
 * read() and a mapping may be mixed: both consume from the same head.
 */
struct vmacct_ring_header {
	__u64 head;
	__u64 tail;
	__u32 records;
	__u32 record_size;
	__u64 data_offset;
	__u64 dropped;
};

/**
 * struct vmacct_consume - VMACCT_IOC_CONSUME: a mapped reader is done
 * @size:		in: bytes the caller knows; out: bytes written
 * @flags:		in: zero
 * @head:		in: records consumed since the reader attached,
 *			from the ring's head up to its tail (struct
 *			vmacct_ring_header); the slots before it may be
 *			written again
 */
struct vmacct_consume {
	__u32 size;
	__u32 flags;
	__u64 head;
};

#define VMACCT_CONSUME_SIZE_VER0	16

/*
 * Counting: with /sys/kernel/vmacct/stats/enabled = 1 (or the module
 * option stats=1, which starts it at load) the module counts every
 * __vm_enough_memory() decision and every map-count failure, with no
 * reader attached, in per-CPU counters.  It arms the same probes as the
 * trace (see "stats" in Documentation/userspace-api/vmacct.rst for the
 * cost).  The counters start at zero when the module is loaded and only
 * grow; periods with counting off are not counted (@counting_ns says how
 * long it was on).
 */
#define VMACCT_STATS_SLOTS		16	/* entries of each array below */

/**
 * struct vmacct_stats - VMACCT_IOC_STATS: counters since load
 * @size:		in: bytes the caller knows; out: bytes written
 * @flags:		in: must be zero
 * @enabled:		out: 1 while counting
 * @reserved:		in: zero; out: zero
 * @counting_ns:	out: nanoseconds counting has been on since load
 * @missed:		out: calls the probes could not observe since load
 *			(recursion, or no memory to follow a near-limit
 *			system call); the counters below miss them
 * @decisions:		out: __vm_enough_memory() calls, indexed by
 *			VMACCT_CALLER_*
 * @denied:		out: of those, the calls that returned -ENOMEM
 * @map_count:		out: system calls that failed because of
 *			vm.max_map_count, indexed by VMACCT_SYS_*
 */
struct vmacct_stats {
	__u32 size;
	__u32 flags;
	__u32 enabled;
	__u32 reserved;
	__u64 counting_ns;
	__u64 missed;
	__u64 decisions[VMACCT_STATS_SLOTS];
	__u64 denied[VMACCT_STATS_SLOTS];
	__u64 map_count[VMACCT_STATS_SLOTS];
};

#define VMACCT_STATS_SIZE_VER0		416

/*
 * The recorder: with /sys/kernel/vmacct/recorder/enabled = 1 (the default:
 * module option recorder=1) the module keeps the last recorder/size
 * refusals (decisions that returned -ENOMEM, and map-count failures) in a
 * ring, with nobody reading, each with the terms that explain it and what
 * would have been enough at that moment.  Allowed decisions are never
 * stored.  Records are numbered from 1 at load; a gap in the numbers is
 * records overwritten before anyone read them.
 */
#define VMACCT_RECORDER_MIN		16
#define VMACCT_RECORDER_MAX		65536
#define VMACCT_RECORDER_DEFAULT		1024

/* struct vmacct_record.min_ratio when no overcommit_ratio would do */
#define VMACCT_RATIO_NONE		0xffffffffU

/**
 * struct vmacct_record - one refusal the recorder kept (fixed size)
 * @size:		sizeof(struct vmacct_record)
 * @flags:		zero
 * @seq:		its number, 1 for the first refusal after load
 * @realtime_ns:	CLOCK_REALTIME of the refusal
 * @boottime_ns:	CLOCK_BOOTTIME of the refusal
 * @cgroup_id:		the task's cgroup v2 id, as @ev.cgroup_id
 * @uid:		the task's real uid, in the initial user namespace
 * @min_ratio:		mode-2 refusal: the smallest vm.overcommit_ratio
 *			(with overcommit_kbytes 0) under which the compared
 *			count would have passed; VMACCT_RATIO_NONE if none;
 *			0 for other records
 * @min_kbytes:		mode-2 refusal: the same for vm.overcommit_kbytes;
 *			0 for other records
 * @committed_error:	decision: largest possible difference between the
 *			compared count and the exact Committed_AS
 * @min_max_map_count:	map-count failure: a vm.max_map_count under which
 *			the call would have passed (the first check the
 *			call makes passes with one to spare for each VMA
 *			the call may add); 0 for decisions
 * @ev:			the refusal as the stream shows it: ids, comm,
 *			caller or system call, and every term (time_ns is
 *			CLOCK_MONOTONIC; verdict is -ENOMEM)
 * @printk_ns:		the kernel log's clock (local_clock(), the time
 *			stamp of a printk line) at the refusal; since
 *			VMACCT_RECORD_SIZE_VER1
 */
struct vmacct_record {
	__u32 size;
	__u32 flags;
	__u64 seq;
	__s64 realtime_ns;
	__u64 boottime_ns;
	__u64 cgroup_id;
	__u32 uid;
	__u32 min_ratio;
	__u64 min_kbytes;
	__u64 committed_error;
	__s64 min_max_map_count;
	struct vmacct_event ev;
	__u64 printk_ns;
};

/**
 * struct vmacct_log - VMACCT_IOC_LOG: copy records out of the recorder
 * @size:		in: bytes the caller knows; out: bytes written
 * @flags:		in: must be zero
 * @since:		in: the first record number wanted (0 or 1: the
 *			oldest kept)
 * @records:		in: user address of an array of @nr records
 * @nr:			in: room in @records; out: records written,
 *			oldest first (at most 256 per call: call again from
 *			@next)
 * @record_size:	in: sizeof(struct vmacct_record) the caller knows
 *			(at least VMACCT_RECORD_SIZE_VER0); out: bytes
 *			written per record, min(its size, the module's)
 * @next:		out: the number to ask for next (@since of the next
 *			call)
 * @lost:		out: records from @since on that were overwritten
 *			before this call
 * @total:		out: refusals recorded since load
 * @capacity:		out: records the ring holds (recorder/size)
 * @enabled:		out: 1 while recording
 * @last_denial_ns:	out: CLOCK_REALTIME of the newest refused decision
 *			recorded since load, by VMACCT_CALLER_*; 0: none
 * @last_map_count_ns:	out: the same for map-count failures, by
 *			VMACCT_SYS_*
 * @printk_now_ns:	out: the kernel log's clock (local_clock()) at this
 *			call, to compare with printk lines and @printk_ns
 *			of the records; since VMACCT_LOG_SIZE_VER1
 *
 * Needs CAP_PERFMON or CAP_SYS_ADMIN, like the stream.  Returns at once,
 * with @nr 0 when nothing from @since on is kept yet.
 */
struct vmacct_log {
	__u32 size;
	__u32 flags;
	__u64 since;
	__u64 records;
	__u32 nr;
	__u32 record_size;
	__u64 next;
	__u64 lost;
	__u64 total;
	__u32 capacity;
	__u32 enabled;
	__s64 last_denial_ns[VMACCT_STATS_SLOTS];
	__s64 last_map_count_ns[VMACCT_STATS_SLOTS];
	__u64 printk_now_ns;
};

#define VMACCT_LOG_SIZE_VER0		320
#define VMACCT_LOG_SIZE_VER1		328	/* printk_now_ns */
#define VMACCT_RECORD_SIZE_VER0		200
#define VMACCT_RECORD_SIZE_VER1		208	/* printk_ns */

/*
 * Peaks: while the recorder is on, the module keeps the VMACCT_PEAKS_MAX
 * processes with the highest map_count it saw since load, at the entry of
 * the system calls that create or split VMAs (the count before the call),
 * from VMACCT_PEAKS_FLOOR VMAs up, exited processes included.
 */
#define VMACCT_PEAKS_MAX		16
#define VMACCT_PEAKS_FLOOR		128

/**
 * struct vmacct_peak - one process's highest map_count seen (fixed size)
 * @size:		sizeof(struct vmacct_peak)
 * @tgid:		the process, initial pid namespace
 * @peak:		its highest map_count seen
 * @max_map_count:	vm.max_map_count when it was seen
 * @uid:		its real uid then, initial user namespace
 * @realtime_ns:	CLOCK_REALTIME when it was seen
 * @start_boottime_ns:	when the process started (CLOCK_BOOTTIME): tells a
 *			reused pid from the process itself
 * @cgroup_id:		its cgroup v2 id then (0 without cgroup v2)
 * @comm:		its name then, NUL-terminated
 */
struct vmacct_peak {
	__u32 size;
	__s32 tgid;
	__u32 peak;
	__u32 max_map_count;
	__u32 uid;
	__u32 reserved;
	__s64 realtime_ns;
	__u64 start_boottime_ns;
	__u64 cgroup_id;
	char comm[16];
};

/**
 * struct vmacct_peaks - VMACCT_IOC_PEAKS: the processes of highest map_count
 * @size:		in: bytes the caller knows; out: bytes written
 * @flags:		in: must be zero
 * @records:		in: user address of an array of @nr records
 * @nr:			in: room in @records; out: records written, highest
 *			peak first (at most VMACCT_PEAKS_MAX)
 * @record_size:	in: sizeof(struct vmacct_peak) the caller knows (at
 *			least VMACCT_PEAK_SIZE_VER0); out: bytes written per
 *			record
 *
 * Needs CAP_PERFMON or CAP_SYS_ADMIN, like the stream.
 */
struct vmacct_peaks {
	__u32 size;
	__u32 flags;
	__u64 records;
	__u32 nr;
	__u32 record_size;
};

#define VMACCT_PEAKS_SIZE_VER0		24
#define VMACCT_PEAK_SIZE_VER0		64

/*
 * Overwritten refusals: once the ring is full, each new record takes the
 * place of the oldest.  The recorder counts what it overwrote by process
 * and kind (caller of a decision, system call of a map-count failure), in
 * up to VMACCT_OVERWRITES_MAX groups; the refusals of a process and kind
 * that find every group taken are counted in one more group, flagged
 * VMACCT_OVERWRITE_REST.  Kept until unload.
 */
#define VMACCT_OVERWRITES_MAX		31
#define VMACCT_OVERWRITE_REST		0x1U

/**
 * struct vmacct_overwrite - overwritten refusals of one process and kind
 * @size:		sizeof(struct vmacct_overwrite)
 * @flags:		VMACCT_OVERWRITE_REST: the refusals of every process
 *			and kind that found no group of their own (then
 *			@type, @caller, @tgid, @uid, @cgroup_id and @comm
 *			are zero)
 * @type:		VMACCT_EV_DECISION or VMACCT_EV_MAP_COUNT
 * @caller:		VMACCT_CALLER_* of a decision, VMACCT_SYS_* of a
 *			map-count failure
 * @tgid:		the process, initial pid namespace
 * @uid:		its real uid at the newest of them
 * @count:		refusals overwritten
 * @first_ns:		CLOCK_REALTIME of the oldest of them
 * @last_ns:		CLOCK_REALTIME of the newest of them
 * @last_seq:		the record number of the newest of them
 * @cgroup_id:		its cgroup v2 id at the newest of them
 * @comm:		its name at the newest of them, NUL-terminated
 */
struct vmacct_overwrite {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 caller;
	__s32 tgid;
	__u32 uid;
	__u64 count;
	__s64 first_ns;
	__s64 last_ns;
	__u64 last_seq;
	__u64 cgroup_id;
	char comm[16];
};

/**
 * struct vmacct_overwrites - VMACCT_IOC_OVERWRITES: what the ring overwrote
 * @size:		in: bytes the caller knows; out: bytes written
 * @flags:		in: must be zero
 * @records:		in: user address of an array of @nr groups
 * @nr:			in: room in @records; out: groups written, most
 *			refusals first (at most VMACCT_OVERWRITES_MAX + 1)
 * @record_size:	in: sizeof(struct vmacct_overwrite) the caller knows
 *			(at least VMACCT_OVERWRITE_SIZE_VER0); out: bytes
 *			written per group
 *
 * Needs CAP_PERFMON or CAP_SYS_ADMIN, like the stream.
 */
struct vmacct_overwrites {
	__u32 size;
	__u32 flags;
	__u64 records;
	__u32 nr;
	__u32 record_size;
};

#define VMACCT_OVERWRITES_SIZE_VER0	24
#define VMACCT_OVERWRITE_SIZE_VER0	80

/*
 * Committed_AS attributed: what holds each page of vm_committed_as, by
 * kind (struct vmacct_breakdown.pages[]).  Every charge the kernel makes
 * goes to one of these; a charge of a kind the walk cannot reach is in
 * none of them, and so in the remainder, Committed_AS minus their sum.
 */
/*
 * The kinds:
 *  PRIVATE		VM_ACCOUNT VMAs of every process
 *  SYSV		SysV segments without SHM_NORESERVE: their size,
 *			charged at shmget()
 *  SHARED_ANON		MAP_SHARED anonymous (and /dev/zero) without
 *			MAP_NORESERVE: their size
 *  SHMEM_WHOLE		other kernel shmem objects charged by size (DRM/TTM,
 *			big keys, ...)
 *  TMPFS		files of mounted tmpfs (/dev/shm, /tmp, /run), of
 *			rootfs and of devtmpfs: pages allocated
 *  MEMFD		memfd_create(): pages allocated
 *  SYSV_PAGES		SysV segments with SHM_NORESERVE: pages allocated
 *  SHARED_ANON_PAGES	shared anonymous with MAP_NORESERVE: pages allocated
 *  SHMEM_PAGES		other kernel shmem objects charged by page (DRM GEM)
 */
#define VMACCT_BD_PRIVATE		0
#define VMACCT_BD_SYSV			1
#define VMACCT_BD_SHARED_ANON		2
#define VMACCT_BD_SHMEM_WHOLE		3
#define VMACCT_BD_TMPFS			4
#define VMACCT_BD_MEMFD			5
#define VMACCT_BD_SYSV_PAGES		6
#define VMACCT_BD_SHARED_ANON_PAGES	7
#define VMACCT_BD_SHMEM_PAGES		8
#define VMACCT_BD_KINDS		9
#define VMACCT_BD_SLOTS		16	/* entries of the arrays below */

/* struct vmacct_breakdown.unwalked: kinds the walk could not reach */
#define VMACCT_BD_NO_SHMEM	0x1U	/* no tmpfs walk: no CONFIG_SHMEM */
#define VMACCT_BD_NO_DEVTMPFS	0x2U	/* the caller's /dev: no devtmpfs */

/**
 * struct vmacct_breakdown - VMACCT_IOC_BREAKDOWN: Committed_AS by kind
 * @size:		in: bytes the caller knows; out: bytes written
 * @flags:		in: must be zero
 * @committed_before:	vm_memory_committed(), the exact sum (Committed_AS),
 *			read before the walk
 * @committed_after:	the same, read after it; the two differ when
 *			something charged or uncharged during the walk
 * @committed_error:	how far the per-CPU read a mode-2 check compares
 *			may be from the exact sum (as vmacct_commit's)
 * @pages:		pages charged, by VMACCT_BD_*
 * @objects:		what holds them, by VMACCT_BD_*: address spaces
 *			(each counted once, however many processes share it)
 *			for VMACCT_BD_PRIVATE, shmem inodes for the others
 * @nr_kinds:		VMACCT_BD_KINDS of the module: entries filled
 * @unwalked:		VMACCT_BD_NO_*: kinds not walked, in the remainder
 * @mms_unread:		processes whose address space the walk could not
 *			read: exiting (their mm is gone from the task but
 *			still charged until freed)
 * @superblocks:	tmpfs superblocks walked (mounts and the kernel's
 *			internal ones)
 * @inodes:		shmem inodes seen
 * @walk_ns:		how long the walk took
 *
 * The walk reads every process's VMAs under its mmap lock (as
 * VMACCT_IOC_MM) and every inode of every tmpfs superblock, so it costs
 * in proportion to both: it needs CAP_PERFMON or CAP_SYS_ADMIN, like the
 * stream.  Not a snapshot: what changes during the walk is seen or not,
 * which committed_after - committed_before bounds when changes do not
 * cancel out.
 */
struct vmacct_breakdown {
	__u32 size;
	__u32 flags;
	__s64 committed_before;
	__s64 committed_after;
	__u64 committed_error;
	__u64 pages[VMACCT_BD_SLOTS];
	__u64 objects[VMACCT_BD_SLOTS];
	__u32 nr_kinds;
	__u32 unwalked;
	__u32 mms_unread;
	__u32 superblocks;
	__u64 inodes;
	__u64 walk_ns;
};

#define VMACCT_BREAKDOWN_SIZE_VER0	320

#define VMACCT_IOC_MAGIC	0xbc

#define VMACCT_IOC_VERSION	_IOWR(VMACCT_IOC_MAGIC, 0x00, struct vmacct_version)
#define VMACCT_IOC_COMMIT	_IOWR(VMACCT_IOC_MAGIC, 0x01, struct vmacct_commit)
#define VMACCT_IOC_MM		_IOWR(VMACCT_IOC_MAGIC, 0x02, struct vmacct_mm)
#define VMACCT_IOC_EVAL		_IOWR(VMACCT_IOC_MAGIC, 0x03, struct vmacct_eval)
#define VMACCT_IOC_FORK		_IOWR(VMACCT_IOC_MAGIC, 0x04, struct vmacct_fork)
#define VMACCT_IOC_TRACE	_IOWR(VMACCT_IOC_MAGIC, 0x05, struct vmacct_trace)
#define VMACCT_IOC_STATS	_IOWR(VMACCT_IOC_MAGIC, 0x06, struct vmacct_stats)
#define VMACCT_IOC_LOG		_IOWR(VMACCT_IOC_MAGIC, 0x07, struct vmacct_log)
#define VMACCT_IOC_PEAKS	_IOWR(VMACCT_IOC_MAGIC, 0x08, struct vmacct_peaks)
#define VMACCT_IOC_OVERWRITES	_IOWR(VMACCT_IOC_MAGIC, 0x09, \
				     struct vmacct_overwrites)
#define VMACCT_IOC_BREAKDOWN	_IOWR(VMACCT_IOC_MAGIC, 0x0a, \
				     struct vmacct_breakdown)
#define VMACCT_IOC_CONSUME	_IOWR(VMACCT_IOC_MAGIC, 0x0b, \
				     struct vmacct_consume)

#endif /* _UAPI_LINUX_VMACCT_H */
