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
#       file outside this repository;
#   (e) README.md's "Layout" block names every file git tracks: by its
#       name, by a path ending in it (uapi/linux/vmacct.h), by a
#       directory with a slash inside (tests/fixtures/) for all below it,
#       by a pattern with a * whose part it matches is also named
#       (vmacct_*_test.c ... eval ...), or, for X.h, through X.c beside it.
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
	"entry"
	"inflight syscall"
	"classify ring stats recorder peaks events tasks"
	"commit mm rules shmem ringmap"
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

# (e) the Layout block of README.md against the files git tracks
layout_missing() {
	local block f b d t stem ok
	local -A word=()
	local -a globs=() paths=()
	block=$(awk '/^## Layout$/ { on = 1 } on && /^```$/ { n++; if (n == 2) exit; next }
		     on && n == 1' README.md)
	[ -n "$block" ] || { echo "  README.md: no Layout block"; return; }
	for t in $(printf '%s\n' "$block" | tr ',;:()' '     '); do
		word[$t]=1
		case $t in
		*'*'*) globs+=("$t") ;;
		?*/?*) paths+=("$t") ;;
		esac
	done
	covered() {
		b=${1##*/}
		d=$(dirname "$1")
		[ -n "${word[$b]:-}" ] && return 0
		for t in "${paths[@]}"; do
			case $t in
			*/) [ "${t%/}" = "$d" ] || [[ $d == */"${t%/}" ]] && return 0 ;;
			*) [ "$t" = "$1" ] || [[ $1 == */"$t" ]] && return 0 ;;
			esac
		done
		for t in "${globs[@]}"; do
			# shellcheck disable=SC2053
			if [[ $b == $t ]]; then
				stem=${b#"${t%%\**}"}
				stem=${stem%"${t#*\*}"}
				[ -n "$stem" ] && [ -n "${word[$stem]:-}" ] && return 0
			fi
		done
		return 1
	}
	while IFS= read -r f; do
		ok=1
		covered "$f" && ok=0
		if [ "$ok" = 1 ] && [[ $f == *.h ]] &&
		   git ls-files --error-unmatch "${f%.h}.c" >/dev/null 2>&1 &&
		   covered "${f%.h}.c"; then
			ok=0
		fi
		[ "$ok" = 0 ] || echo "  $f: not in README.md's Layout"
	done < <(git ls-files)
}
if git rev-parse --git-dir >/dev/null 2>&1; then
	miss=$(layout_missing)
	printf '%s' "${miss:+$miss$'\n'}"
	gate "README.md's Layout names every file of the tree" "$([ -z "$miss" ] && echo 0 || echo 1)"
else
	echo "note: not a git tree: README.md's Layout not checked"
fi

echo "layers: $passed passed, $failed failed"
[ "$failed" = 0 ]
