#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench: run vmacct_mm_bench (VMACCT_IOC_MM against parsing /proc/PID/maps
# and /proc/PID/smaps for a process with 65,000 VMAs) in a QEMU guest for
# every installed kernel, as `make check` runs the selftests.  Arguments
# are passed to the benchmark (-n VMAS -i IOCTLS -m MAPS_READS -s
# SMAPS_READS).  VMACCT_KERNELS picks the kernel(s).  Output per kernel:
# build/bench/KVER.txt.  Exit status: 0 when every kernel ran and met the
# targets, non-zero otherwise (the benchmark's own codes are in its header).
#
# Timings under QEMU TCG are slower than on hardware; the ratios are what
# to compare.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

OUT="$BUILD/bench"
rc=0

"$ROOT/scripts/deps.sh" --check >/dev/null || "$ROOT/scripts/deps.sh" || exit 1
make -s -C "$ROOT" tool || exit 1
mkdir -p "$OUT"

kernels=$(discover_kernels)
if [ -z "$kernels" ]; then
	echo "bench: no kernel with headers found (/boot/vmlinuz-* and /lib/modules/*/build): make deps" >&2
	exit 1
fi

args=""
for a in "$@"; do
	case $a in
	*[!A-Za-z0-9_-]*) echo "bench: argument '$a': letters, digits, - and _ only" >&2; exit 1 ;;
	esac
	args="$args $a"
done

for k in $kernels; do
	d="$BUILD/bench-$k"
	bench_payload bench "$k" vmacct_mm_bench || { rc=1; continue; }
	cat > "$d/bench.sh" <<GUEST
cd /payload || exit 1
vmacct load --ko /payload/vmacct.ko || exit 1
echo "kernel \$(uname -r), \$(nproc) CPUs, QEMU TCG guest"
./vmacct_mm_bench$args
r=\$?
vmacct unload
exit \$r
GUEST
	echo "== vmacct_mm_bench on $k"
	"$ROOT/scripts/guest/run-guest.sh" --kernel "$k" --script "$d/bench.sh" \
		--payload "$d/payload" --bin "$ROOT/userspace/vmacct" \
		--out "$OUT/$k.txt" --console-log "$d/console.log" --timeout 600
	r=$?
	cat "$OUT/$k.txt"
	echo "bench $k: exit $r (output: $OUT/$k.txt)"
	[ "$r" = 0 ] || rc=1
done
exit $rc
