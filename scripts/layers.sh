#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The shape of the tree (issue 13), checked rather than hoped for:
#   (a) module/: each file includes only its own header, the module's
#       version header and the headers of files in lower layers (so calls
#       only point down and no two files call each other); the faces
#       (dev.c, sysfs.c) never include syms.h;
#   (b) no .c or .h file in module/ or userspace/ over 500 lines (the UAPI
#       header and the tool's tests aside);
#   (c) userspace/: ioctl() is called only in device.c;
#   (d) comments cite the kernel's own sources, never "KERNEL-NOTES", a
#       file outside this repository.
# One PASS:/FAIL: line per rule, then "layers: N passed, N failed".

set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

# module/ layers, top to bottom; a file may include a header of any file
# in a later row, never one of its own row or an earlier one
LAYERS=(
	"main"
	"dev sysfs"
	"query stream breakdown"
	"probe"
	"inflight syscall"
	"classify ring stats recorder peaks events tasks"
	"commit mm rules shmem"
	"syms"
	"compat"
)

declare -A rank
for i in "${!LAYERS[@]}"; do
	for f in ${LAYERS[$i]}; do
		rank[$f]=$i
	done
done

bad=""
for c in module/*.c; do
	f=$(basename "$c" .c)
	if [ -z "${rank[$f]:-}" ]; then
		bad+="  $c: not in any layer of scripts/layers.sh"$'\n'
		continue
	fi
	[ -f "module/$f.h" ] || [ "$f" = main ] ||
		bad+="  $c: no header module/$f.h declaring what it offers"$'\n'
	for h in $(sed -n 's/^#include "\([^"]*\)\.h".*/\1/p' "$c" "module/$f.h" 2>/dev/null); do
		[ "$h" = "$f" ] || [ "$h" = vmacct ] && continue
		if [ -z "${rank[$h]:-}" ]; then
			bad+="  $c: includes $h.h, which no layer owns"$'\n'
		elif [ "${rank[$h]}" -le "${rank[$f]}" ]; then
			bad+="  $c (layer $((rank[$f] + 1))) includes $h.h (layer $((rank[$h] + 1))): calls must point down"$'\n'
		fi
	done
done
for h in module/*.h; do
	f=$(basename "$h" .h)
	[ "$f" = vmacct ] || [ -f "module/$f.c" ] ||
		bad+="  $h: a header without its file"$'\n'
done
for face in dev sysfs; do
	grep -qE '^#include "(syms|compat).h"' "module/$face.c" &&
		bad+="  module/$face.c: a face reaches syms.c or compat.c"$'\n'
done
printf '%s' "$bad"
gate "module/ layers point down, faces never reach syms.c or compat.c" "$([ -z "$bad" ] && echo 0 || echo 1)"

long=$(wc -l module/*.c module/*.h userspace/*.c userspace/*.h |
	awk '$2 != "total" && $1 > 500 { print "  " $2 ": " $1 " lines" }')
printf '%s' "${long:+$long$'\n'}"
gate "no file over 500 lines in module/ and userspace/" "$([ -z "$long" ] && echo 0 || echo 1)"

calls=$(grep -n '\bioctl *(' userspace/*.c | grep -v '^userspace/device\.c:' || true)
printf '%s' "${calls:+$(echo "$calls" | sed 's/^/  /')$'\n'}"
gate "userspace/: ioctl() only in device.c" "$([ -z "$calls" ] && echo 0 || echo 1)"

cites=$(grep -rn 'KERNEL-NOTES' module userspace selftests scripts Documentation \
	--exclude=layers.sh || true)
printf '%s' "${cites:+$(echo "$cites" | sed 's/^/  /')$'\n'}"
gate "comments cite the kernel's sources, not KERNEL-NOTES" "$([ -z "$cites" ] && echo 0 || echo 1)"

echo "layers: $passed passed, $failed failed"
[ "$failed" = 0 ]
