# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the host-side scripts (sourced, bash).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
VERSION=$(sed -n 's/^#define VMACCT_VERSION_STR\t"\(.*\)"/\1/p' "$ROOT/module/vmacct.h")

# A result of the host-side scripts: gate NAME STATUS prints "PASS: NAME"
# (STATUS 0) or "FAIL: NAME" and counts it in passed/failed.
passed=0
failed=0
gate() {
	if [ "$2" = 0 ]; then
		echo "PASS: $1"
		passed=$((passed + 1))
	else
		echo "FAIL: $1"
		failed=$((failed + 1))
	fi
}

# Kernels to test: every /boot/vmlinuz-* with headers in /lib/modules/*/build,
# oldest first.  VMACCT_KERNELS="a b" overrides.
discover_kernels() {
	local f k
	if [ -n "${VMACCT_KERNELS:-}" ]; then
		printf '%s\n' $VMACCT_KERNELS
		return
	fi
	for f in /boot/vmlinuz-*; do
		[ -e "$f" ] || continue
		k=${f#/boot/vmlinuz-}
		[ -e "/lib/modules/$k/build/Makefile" ] && echo "$k"
	done | sort -V
}

# Copy the module sources (what DKMS and Kbuild need) into DIR.
copy_module_tree() {
	mkdir -p "$1"
	cp -a "$ROOT/Kbuild" "$ROOT/Makefile" "$ROOT/dkms.conf" "$ROOT/module" "$1/"
}

# Build vmacct.ko for kernel $1 with DKMS in a private tree under $BUILD,
# print the path of the built module.  Nothing outside $BUILD is touched
# (except DKMS's signing key, /var/lib/dkms/mok.*, which it creates once).
dkms_build() {
	local k=$1 d="$BUILD/dkms-$1"
	rm -rf "$d"
	copy_module_tree "$d/src/vmacct-$VERSION"
	mkdir -p "$d/tree"
	dkms add -m vmacct -v "$VERSION" --sourcetree "$d/src" --dkmstree "$d/tree" >&2 &&
	dkms build -m vmacct -v "$VERSION" -k "$k" --sourcetree "$d/src" --dkmstree "$d/tree" >&2 ||
		return 1
	ls "$d/tree/vmacct/$VERSION/$k"/*/module/vmacct.ko* 2>/dev/null | head -n 1
}

dkms_remove() {
	local k=$1 d="$BUILD/dkms-$1"
	dkms remove -m vmacct -v "$VERSION" -k "$k" --sourcetree "$d/src" --dkmstree "$d/tree" >&2
}

# A benchmark's guest tree: vmacct.ko built for kernel $2 in
# $BUILD/$1-$2/src (log: $BUILD/$1-$2.log) and, in $BUILD/$1-$2/payload,
# the module and the program $3 of scripts/bench/.  Says what failed.
bench_payload() {
	local d="$BUILD/$1-$2"
	rm -rf "$d"
	copy_module_tree "$d/src"
	if ! make -s -C "/lib/modules/$2/build" M="$d/src" modules > "$d.log" 2>&1; then
		echo "$1 $2: module build failed (log: $d.log)"
		return 1
	fi
	mkdir -p "$d/payload" &&
	cp "$d/src/vmacct.ko" "$d/payload/" &&
	make -s -C "$ROOT/scripts/bench" OUTPUT="$d/payload" "$d/payload/$3"
}

# Fill guest payload directory $1 for the suite: the static selftests, the
# list of programs to run, the ABI file the sysfs test checks, the suite
# script (suite.sh) and the module file(s) $2...
make_payload() {
	local dir=$1
	shift
	mkdir -p "$dir" &&
	{ [ $# = 0 ] || cp "$@" "$dir/"; } &&
	make -s -C "$ROOT/selftests" OUTPUT="$dir" &&
	make -s -C "$ROOT/selftests" list > "$dir/tests.list" &&
	cp "$ROOT/Documentation/ABI/testing/sysfs-kernel-vmacct" "$dir/" &&
	cp "$ROOT/scripts/guest/guest-suite.sh" "$dir/suite.sh"
}

# Print "PASSED FAILED SKIPPED" for a guest's TAP: the top-level "ok" and
# "not ok" lines of every program.
tap_counts() {
	local p f s
	if [ ! -r "$1" ]; then
		echo "0 0 0"
		return
	fi
	p=$(grep -E '^ok [0-9]+' "$1" | grep -vc '# SKIP')
	# a skipped test, or a whole program skipped ("1..0 # SKIP why")
	s=$(grep -cE '^(ok [0-9]+.*|1\.\.0 )# SKIP' "$1")
	f=$(grep -cE '^not ok [0-9]+' "$1")
	echo "$p $f $s"
}
