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

rc=0
bench_start bench

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
	bench_guest bench "$k" 600
	r=$?
	cat "$OUT/$k.txt"
	echo "bench $k: exit $r (output: $OUT/$k.txt)"
	[ "$r" = 0 ] || rc=1
done
exit $rc
