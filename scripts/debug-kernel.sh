#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make debug-kernel: a small x86-64 kernel from Debian's linux-source-6.12
# with the debugging a module must pass under: KASAN (generic, inline),
# lockdep (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN, DEBUG_LIST,
# DEBUG_VM, and fault injection (failslab, fail_page_alloc, fail_usercopy,
# fail_function) for the sweep; reports are collected, not fatal
# (PANIC_ON_WARN off).  Base: x86_64_defconfig + kvm_guest.config + what
# vmacct needs.
#
# Cached in $VMACCT_CACHE (default /var/cache/vmacct), keyed by the source
# tarball's version and this script's config, so a second run costs
# nothing.  Prints the build directory (bzImage in arch/x86/boot/, and the
# Module.symvers an out-of-tree build needs) on its last line.

set -euo pipefail
. "$(dirname "$0")/lib.sh"
ensure_deps

CACHE=${VMACCT_CACHE:-/var/cache/vmacct}
tarball=$(ls /usr/src/linux-source-6.12*.tar.xz 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	echo "debug-kernel: no /usr/src/linux-source-6.12*.tar.xz: run 'make deps'" >&2
	exit 1
fi

# the options on top of defconfig; changing them changes the cache key
OPTIONS="
MODULES=y MODULE_UNLOAD=y MODVERSIONS=n MODULE_SIG=n
KPROBES=y KRETPROBES=y KALLSYMS=y KALLSYMS_ALL=y
FTRACE=y FUNCTION_TRACER=y DYNAMIC_FTRACE=y KPROBE_EVENTS=y
SWAP=y SHMEM=y TMPFS=y HUGETLBFS=y HUGETLB_PAGE=y SYSVIPC=y
NAMESPACES=y USER_NS=y
DEVTMPFS=y DEVTMPFS_MOUNT=n BLK_DEV_INITRD=y RD_GZIP=y DEBUG_FS=y
SERIAL_8250=y SERIAL_8250_CONSOLE=y
X86_KERNEL_IBT=y
KASAN=y KASAN_GENERIC=y KASAN_INLINE=y
PROVE_LOCKING=y DEBUG_ATOMIC_SLEEP=y
DEBUG_KMEMLEAK=y DEBUG_KMEMLEAK_AUTO_SCAN=n
UBSAN=y UBSAN_BOUNDS=y DEBUG_LIST=y DEBUG_VM=y
FAULT_INJECTION=y FAULT_INJECTION_DEBUG_FS=y FAILSLAB=y FAIL_PAGE_ALLOC=y
FAULT_INJECTION_USERCOPY=y FUNCTION_ERROR_INJECTION=y FAIL_FUNCTION=y
PANIC_ON_WARN=n BOOTPARAM_HUNG_TASK_PANIC=n DETECT_HUNG_TASK=y
DEBUG_INFO_NONE=y DEBUG_INFO_BTF=n
DRM=n SOUND=n USB_SUPPORT=n WLAN=n WIRELESS=n
LOCALVERSION=\"-vmacct-debug\" LOCALVERSION_AUTO=n
"
key=$( (basename "$tarball"; stat -c %s "$tarball"; echo "$OPTIONS") | sha256sum | cut -c1-12)
dir="$CACHE/debug-kernel-$key"
if [ -f "$dir/done" ]; then
	echo "debug-kernel: cached ($dir)" >&2
	echo "$dir/build"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir/build"
start=$(date +%s)
echo "debug-kernel: extracting $(basename "$tarball")" >&2
tar -xJf "$tarball" -C "$dir"
src=$(ls -d "$dir"/linux-source-6.12*/ | head -n 1)

cd "$src"
make -s O="$dir/build" x86_64_defconfig kvm_guest.config >&2
for opt in $OPTIONS; do
	name=${opt%%=*}
	val=${opt#*=}
	case $val in
	y) scripts/config --file "$dir/build/.config" -e "$name" ;;
	n) scripts/config --file "$dir/build/.config" -d "$name" ;;
	*) scripts/config --file "$dir/build/.config" --set-val "$name" "$val" ;;
	esac
done
make -s O="$dir/build" olddefconfig >&2
# olddefconfig drops an option whose dependencies are missing: say so
for opt in $OPTIONS; do
	case $opt in
	*=y) grep -qx "CONFIG_${opt%%=*}=y" "$dir/build/.config" || {
		echo "debug-kernel: CONFIG_${opt%%=*} did not survive olddefconfig" >&2
		exit 1
	} ;;
	esac
done
echo "debug-kernel: building (this takes tens of minutes on 2 cores)" >&2
make -s O="$dir/build" -j"$(nproc)" bzImage modules >&2
echo "$(( $(date +%s) - start ))" > "$dir/build-seconds"
touch "$dir/done"
echo "debug-kernel: built in $(cat "$dir/build-seconds") s: $dir" >&2
echo "$dir/build"
