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
 * All counts are in pages of VMACCT_PAGE_SIZE bytes (see page_size) unless
 * the name ends in _kbytes.
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

#define VMACCT_IOC_MAGIC	0xbc

#define VMACCT_IOC_VERSION	_IOWR(VMACCT_IOC_MAGIC, 0x00, struct vmacct_version)
#define VMACCT_IOC_COMMIT	_IOWR(VMACCT_IOC_MAGIC, 0x01, struct vmacct_commit)

#endif /* _UAPI_LINUX_VMACCT_H */
