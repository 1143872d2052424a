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

# Run $2... in the chroot $1, with a clean environment.
chroot_run() {
	local root=$1
	shift
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive HOME=/root "$@"
}

# Debian 11's newest 5.10, for a target beside make check's 5.10 run
# (bench-cost): scripts/check-suite.sh bullseye --prepare (chroot, kernel
# image; cached), then vmacct.ko built in the chroot.  Sets K510,
# K510_VMLINUZ and K510_KO; 0, or 1 with the reason on stderr (log: $1).
prepare_510() {
	local log=$1 line chroot=${VMACCT_CACHE:-/var/cache/vmacct}/bullseye-chroot
	if ! "$ROOT/scripts/check-suite.sh" bullseye --prepare > "$log" 2>&1; then
		echo "5.10: the bullseye chroot or kernel could not be prepared (log: $log)" >&2
		return 1
	fi
	line=$(sed -n 's/^prepared: //p' "$log" | tail -n 1)
	read -r K510 K510_VMLINUZ <<< "$line"
	[ -n "$K510" ] && [ -r "$K510_VMLINUZ" ] || {
		echo "5.10: check-suite.sh --prepare named no kernel (log: $log)" >&2
		return 1
	}
	rm -rf "$chroot/bench"
	copy_module_tree "$chroot/bench/vmacct"
	if ! chroot_run "$chroot" make -C "/usr/src/linux-headers-$K510" M=/bench/vmacct \
			modules >> "$log" 2>&1; then
		echo "5.10: vmacct.ko did not build for $K510 (log: $log)" >&2
		return 1
	fi
	K510_KO=$chroot/bench/vmacct/vmacct.ko
}

# The private apt state of the arm64 targets (check-arm64, build-matrix)
# in directory $1: bookworm, -updates and -security for arm64 and, for
# the kbuild tools the headers run on this host, amd64; the host's own
# sources and dpkg architectures are left alone.  Sets ARM64_APT, the
# options for apt-get and apt-cache; apt-get update is the caller's.
arm64_apt_state() {
	local dir=$1 mirror=${VMACCT_MIRROR:-http://deb.debian.org/debian}
	local security=${VMACCT_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
	mkdir -p "$dir/etc" "$dir/lists/partial" "$dir/debs"
	printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
		"$mirror" "$mirror" "$security" > "$dir/etc/sources.list"
	# arm64 first (a bare package name is arm64), amd64 for
	# linux-kbuild-*:amd64; apt's binary caches kept (some images turn
	# them off: then every apt-cache call parses both architectures'
	# lists again, 1.7 s)
	ARM64_APT=(-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir"
		-o "Dir::Cache::Archives=$dir/debs"
		-o "Dir::Etc::SourceList=$dir/etc/sources.list"
		-o "Dir::Etc::SourceParts=/dev/null" -o "Dir::State::Status=/dev/null"
		-o "APT::Architecture=arm64" -o "APT::Architectures::=arm64"
		-o "APT::Architectures::=amd64" -o "Acquire::Retries=3"
		-o "Dir::Cache::pkgcache=$dir/pkgcache.bin"
		-o "Dir::Cache::srcpkgcache=$dir/srcpkgcache.bin")
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
# $BUILD/$1-$2/src (log: $BUILD/$1-$2.log), or the one built elsewhere
# given as $4, and, in $BUILD/$1-$2/payload, the module and the program
# $3 of scripts/bench/.  Says what failed.
bench_payload() {
	local d="$BUILD/$1-$2" ko=${4:-}
	rm -rf "$d"
	if [ -z "$ko" ]; then
		copy_module_tree "$d/src"
		if ! make -s -C "/lib/modules/$2/build" M="$d/src" modules > "$d.log" 2>&1; then
			echo "$1 $2: module build failed (log: $d.log)"
			return 1
		fi
		ko=$d/src/vmacct.ko
	fi
	mkdir -p "$d/payload" &&
	cp "$ko" "$d/payload/" &&
	make -s -C "$ROOT/scripts/bench" OUTPUT="$d/payload" "$d/payload/$3"
}

# GUEST_BINS: the --bin options of a suite guest beyond the tool:
# bpftrace (vmacct_bpftrace_test.sh) with the libraries it links, when
# the host has it (make deps installs it; the test skips without it).
guest_bins() {
	local bt
	GUEST_BINS=()
	bt=$(command -v bpftrace) && GUEST_BINS=(--bin "$bt")
}

# Install the packages of deps.sh's groups ($@; none: all) if any is
# missing, so that each make target works on a fresh machine.  Exits on
# an error.
ensure_deps() {
	"$ROOT/scripts/deps.sh" --check "$@" >/dev/null ||
		"$ROOT/scripts/deps.sh" "$@" || exit 1
}

# The start of benchmark $1 (bench, bench-cost, ...): its dependencies,
# the tool, its output directory $BUILD/$1 (OUT) and the kernels to run it
# on (kernels); with a second argument, the rounds asked ($2, default $3,
# at least $4) into ROUNDS.  Exits on an error.
bench_start() {
	if [ $# -gt 1 ]; then
		ROUNDS=${2:-$3}
		case $ROUNDS in
		'' | *[!0-9]*) echo "$1: ROUNDS must be a number" >&2; exit 1 ;;
		esac
		if [ "$ROUNDS" -lt "$4" ]; then
			echo "$1: ROUNDS must be at least $4" >&2
			exit 1
		fi
	fi
	OUT="$BUILD/$1"
	ensure_deps
	make -s -C "$ROOT" tool ksft-headers || exit 1
	mkdir -p "$OUT"
	kernels=$(discover_kernels)
	if [ -z "$kernels" ]; then
		echo "$1: no kernel with headers found (/boot/vmlinuz-* and /lib/modules/*/build): make deps" >&2
		exit 1
	fi
}

# Boot kernel $2 for benchmark $1 (its image $4, default /boot's): the
# script bench.sh and the payload that bench_payload made in
# $BUILD/$1-$2, with the tool; its output into $OUT/$2$5.txt, within $3
# seconds; with $6, the guest's clocks count instructions (run-guest.sh
# --icount $6), on one vCPU (6.1.0-57 does not get past "Booting SMP
# configuration" with two under -icount, seen).  The guest's exit status.
bench_guest() {
	local d="$BUILD/$1-$2" img=() ic=()
	[ -z "${4:-}" ] || img=(--vmlinuz "$4")
	[ -z "${6:-}" ] || ic=(--icount "$6" --smp 1)
	"$ROOT/scripts/guest/run-guest.sh" --kernel "$2" "${img[@]}" "${ic[@]}" \
		--script "$d/bench.sh" --payload "$d/payload" --bin "$ROOT/userspace/vmacct" \
		--out "$OUT/$2${5:-}.txt" --console-log "$d/console${5:-}.log" --timeout "$3"
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

# Programs of guest TAP $1 (framed by "# selftest: NAME" and "# exit:
# NAME STATUS") whose count of results differs from their plan "1..N":
# a program that stopped early, or a wrong plan.  One line each.
tap_plan_mismatches() {
	awk '/^# selftest: / { name = $3; plan = ""; n = 0 }
	     /^1\.\.[0-9]+/ { if (plan == "") plan = substr($1, 4) + 0 }
	     /^(ok|not ok) [0-9]+/ { n++ }
	     /^# exit: / { if (plan != n) print name ": plan " (plan == "" ? "none" : plan) ", " n " results" }' "$1"
}

# A failed test's own words: the harness's "file:line:test:..." lines
# (they go to the console, not the TAP), at most 20 of each test, so
# that a CI log that keeps only this output says why.
why_failed() {
	local tap=$1 console=$2 k=$3 name
	[ -r "$console" ] || return 0
	grep -E '^not ok [0-9]+ ' "$tap" | sed -E 's/^not ok [0-9]+ ([^ #]+).*/\1/' |
	sort -u | while read -r name; do
		grep -F ":${name#*.}:" "$console" | tr -d '\r' | head -n 20 |
			sed "s/^/  $k: /"
	done
}

# The check scripts that fetch from a Debian mirror (check-suite.sh,
# check-arm64.sh): say prefixes their NAME; unusable stops when the
# mirror, not vmacct, stopped them, reporting no result (exit 3); fail
# stops on a failure before any test ran.
EXIT_MIRROR=3
say() {
	echo "$NAME: $*"
}

unusable() {
	say "mirror unusable: $*"
	say "nothing was tested; exit $EXIT_MIRROR"
	exit $EXIT_MIRROR
}

fail() {
	say "$*"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}
