#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Quality gates for module/: checkpatch.pl --strict, and for every
# installed kernel a build with W=1 and sparse (C=1) that must print no
# warning; then the IBT audit (scripts/ibt-audit.sh) and the man page
# against the tool (scripts/man-check.sh).  One "PASS:"/"FAIL:" line per
# gate, then "lint: N passed, N failed".

set -uo pipefail
. "$(dirname "$0")/lib.sh"
ensure_deps


[ -f "$BUILD/checkpatch/checkpatch.pl" ] || "$ROOT/scripts/extract-ksrc.sh" "$BUILD" >/dev/null

out=$(cd "$ROOT" && perl "$BUILD/checkpatch/checkpatch.pl" --strict --no-tree --terse \
	--show-types -f module/*.c module/*.h module/uapi/linux/*.h 2>&1)
cnt=$(printf '%s\n' "$out" | grep -c ': \(ERROR\|WARNING\|CHECK\):')
[ "$cnt" = 0 ] || printf '%s\n' "$out" | grep ': \(ERROR\|WARNING\|CHECK\):' | sed 's/^/  /'
gate "checkpatch --strict module/ ($cnt reports)" "$cnt"

for k in $(discover_kernels); do
	d="$BUILD/lint-$k"
	rm -rf "$d"
	copy_module_tree "$d"
	log=$(make -C "/lib/modules/$k/build" M="$d" W=1 C=1 modules 2>&1)
	rc=$?
	warn=$(printf '%s\n' "$log" | grep -E '(warning|error):' || true)
	[ -z "$warn" ] || printf '%s\n' "$warn" | sed 's/^/  /'
	[ -n "$warn" ] && rc=1
	[ -f "$d/vmacct.ko" ] || rc=1
	gate "build $k with W=1 and sparse (C=1), no warnings" "$rc"
done

# syms.c pins the type of every unexported object it reads to the kernel's
# declaration: a kernel that changed one must fail the build.  Pretend
# sysctl_max_map_count became a long, and total_swap_pages an int, in a
# copy, and expect the static assertions to stop both.
k=$(discover_kernels | head -n 1)
if [ -n "$k" ]; then
	d="$BUILD/lint-types"
	rm -rf "$d"
	copy_module_tree "$d"
	sed -i -e 's/__same_type(sysctl_max_map_count, int)/__same_type(sysctl_max_map_count, long)/' \
	       -e 's/__same_type(total_swap_pages, long)/__same_type(total_swap_pages, int)/' \
	       "$d/module/syms.c"
	log=$(make -C "/lib/modules/$k/build" M="$d" modules 2>&1)
	n=$(printf '%s\n' "$log" | grep -c 'static assertion failed')
	[ "$n" = 2 ] || printf '%s\n' "$log" | tail -n 5 | sed 's/^/  /'
	gate "a changed type of an unexported object is a build error ($n of 2 caught)" \
		$([ "$n" = 2 ] && [ ! -f "$d/vmacct.ko" ] && echo 0 || echo 1)
fi

# Count the PASS:/FAIL: lines of checker $1's output $2 as gates, show
# the lines matching $3; a checker that printed no gate fails.
add_gates() {
	local p f
	printf '%s\n' "$2" | grep -E "$3" || true
	p=$(printf '%s\n' "$2" | grep -c '^PASS: ')
	f=$(printf '%s\n' "$2" | grep -c '^FAIL: ')
	passed=$((passed + p))
	failed=$((failed + f))
	[ $((p + f)) -gt 0 ] || gate "$1 ran (no gate printed)" 1
}

# IBT audit (scripts/ibt-audit.sh)
add_gates ibt-audit "$("$ROOT/scripts/ibt-audit.sh" 2>&1)" '^(PASS|FAIL|  )'

# the man page: renders without warnings, documents every command,
# option and exit code of the built tool (scripts/man-check.sh)
if [ -x "$ROOT/userspace/vmacct" ]; then
	add_gates man-check "$("$ROOT/scripts/man-check.sh" "$ROOT/userspace/vmacct" \
		"$ROOT/Documentation/vmacct.8" 2>&1)" '^(FAIL|  )'
else
	gate "man page check: userspace/vmacct is not built" 1
fi

# the shape of the tree: layers point down, no long files, ioctl() only
# in userspace/device.c, no citation of files outside the repository
# (scripts/layers.sh)
add_gates layers "$("$ROOT/scripts/layers.sh" 2>&1)" '^(FAIL|  )'

echo "lint: $passed passed, $failed failed"
[ "$failed" = 0 ]
