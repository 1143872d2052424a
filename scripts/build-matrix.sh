#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make build-matrix: build vmacct.ko with W=1 against every
# linux-headers-*-amd64 package Debian bookworm offers (each 6.1 and 6.12
# ABI, in the standard, -cloud and -rt flavours; the metapackages are
# skipped), every linux-headers-5.10.0-*-amd64 Debian 11 bullseye offers
# (bullseye and bullseye-security), and every linux-headers-*-arm64 of
# bookworm (standard, -cloud, -rt and 6.12's -arm64-16k, 16 KiB pages),
# cross-built, one line per kernel:
#
#   6.1.0-47-amd64                  built
#   6.12.107+deb12-rt-amd64         FAILED: vmacct.c:12: error: ...
#
# The packages (each flavour's headers, the shared -common headers and the
# linux-kbuild tools they depend on) are downloaded once with apt-get
# download into $VMACCT_CACHE/build-matrix/debs (default
# /var/cache/vmacct) and unpacked into one tree there, so that their
# relative links (scripts -> ../../lib/linux-kbuild-*) resolve; only the
# one-line Makefile that includes the -common tree by absolute path is
# pointed into it.  Nothing is installed on the host.  The 5.10 headers
# need 5.10's compiler (gcc-10, which bookworm lacks): they are installed
# and built in the bullseye chroot of scripts/check-suite.sh.  The arm64
# headers come through check-arm64's private apt state and run the amd64
# kbuild tools of the same version, unpacked into the same tree.
#
# A build that prints a warning counts as failed, as under make lint.
# Exit status: 0 if every kernel built, 1 if one failed, 2 if the package
# list could not be read.  VMACCT_MATRIX="PATTERN" (grep -E) limits the
# kernels.

set -uo pipefail
. "$(dirname "$0")/lib.sh"
ensure_deps

CACHE=${VMACCT_CACHE:-/var/cache/vmacct}/build-matrix
DEBS=$CACHE/debs
TREE=$CACHE/tree
LOG=$BUILD/build-matrix
mkdir -p "$DEBS" "$TREE" "$LOG"
start=$(date +%s)

# apt's lists must know the packages; refresh them when they are missing
# or older than a day
lists_fresh() {
	[ -n "$(find /var/lib/apt/lists -name '*bookworm*_Packages' -mtime -1 2>/dev/null | head -n 1)" ]
}
if ! lists_fresh; then
	apt-get update -q >"$LOG/apt-update.log" 2>&1 ||
		{ echo "build-matrix: apt-get update failed (log: $LOG/apt-update.log)"; exit 2; }
fi

mapfile -t pkgs < <(apt-cache search --names-only '^linux-headers-[0-9]+\.[0-9]+\.[0-9]+[-+][^ ]*-amd64$' |
	awk '{ print $1 }' | grep -vE -- '-common|-dbg' | sort -V)
if [ ${#pkgs[@]} -eq 0 ]; then
	echo "build-matrix: apt-cache lists no linux-headers-*-amd64 package"
	exit 2
fi
if [ -n "${VMACCT_MATRIX:-}" ]; then
	mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | grep -E -- "$VMACCT_MATRIX")
fi

# apt's options: the host's state for amd64, arm64_apt_state's for arm64
MATRIX_APT=()

# the package and what it needs from the same source: -common, and the
# kbuild tools, which run here (amd64, whatever the headers' architecture)
needed_debs() {
	apt-cache "${MATRIX_APT[@]}" depends "$1" 2>/dev/null |
		sed -nE 's/^ +Depends: (linux-headers-[^ :]+)(:[a-z0-9]+)?$/\1/p
			s/^ +Depends: (linux-kbuild-[^ :]+)(:[a-z0-9]+)?$/\1:amd64/p'
	echo "$1"
}

# download (once) and unpack (once) package $1 (NAME or NAME:ARCH)
fetch() {
	local p=${1%%:*} deb
	deb=$(ls "$DEBS/${p}_"*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		(cd "$DEBS" && apt-get "${MATRIX_APT[@]}" download -q "$1" >>"$LOG/download.log" 2>&1) ||
			return 1
		deb=$(ls "$DEBS/${p}_"*.deb 2>/dev/null | head -n 1)
		[ -n "$deb" ] || return 1
	fi
	if [ ! -e "$TREE/.unpacked-$(basename "$deb")" ]; then
		dpkg-deb -x "$deb" "$TREE" && touch "$TREE/.unpacked-$(basename "$deb")"
	fi
}

# the result line of kernel $1 from build log $2 (the build's status $3,
# its source tree $4, removed on success); the status
judge() {
	local k=$1 out=$2 first
	if [ "$3" = 0 ] && [ -f "$4/vmacct.ko" ]; then
		first=$(grep -m 1 -E 'warning:' "$out")
		if [ -z "$first" ]; then
			printf '%-36s built\n' "$k"
			rm -rf "$4"
			return 0
		fi
		printf '%-36s FAILED (warning): %s\n' "$k" "${first#"$4"/}"
		return 1
	fi
	first=$(grep -m 1 -E 'error|Error|No such file' "$out")
	printf '%-36s FAILED: %s (log: %s)\n' "$k" "${first#"$4"/}" "$out"
	return 1
}

# build against headers package $1 (arm64 ones cross-built); print the
# result line
build_one() {
	local p=$1 k=${1#linux-headers-} dep hdr src out cross=()
	[[ $k == *-arm64* ]] && cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	for dep in $(needed_debs "$p"); do
		if ! fetch "$dep"; then
			printf '%-32s FAILED: cannot download %s (log: %s)\n' "$k" "$dep" "$LOG/download.log"
			return 1
		fi
	done
	hdr=$TREE/usr/src/linux-headers-$k
	if [ ! -f "$hdr/Makefile" ]; then
		printf '%-32s FAILED: no %s after unpacking\n' "$k" "$hdr/Makefile"
		return 1
	fi
	# "include /usr/src/linux-headers-X-common/Makefile" -> into the tree
	sed -i "s#^include /usr/src/#include $TREE/usr/src/#" "$hdr/Makefile"

	src=$LOG/src-$k
	out=$LOG/$k.log
	rm -rf "$src"
	copy_module_tree "$src"
	make -C "$hdr" M="$src" "${cross[@]}" W=1 modules >"$out" 2>&1
	judge "$k" "$out" $? "$src"
}

built=0
failed=0
# build with $1 (build_one, build_chroot) against each package $2...
build_all() {
	local how=$1 p
	shift
	for p in "$@"; do
		if "$how" "$p"; then
			built=$((built + 1))
		else
			failed=$((failed + 1))
		fi
	done
}

echo "build-matrix: ${#pkgs[@]} headers packages from bookworm; packages cached in $CACHE"
build_all build_one "${pkgs[@]}"

# ---------------------------------------------------------------- 5.10

CHROOT=${VMACCT_CACHE:-/var/cache/vmacct}/bullseye-chroot
in_chroot() {
	chroot_run "$CHROOT" "$@"
}

# build in the chroot against headers package $1 (installed there)
build_chroot() {
	local k=${1#linux-headers-} out=$LOG/$1.log
	rm -rf "$CHROOT/matrix/$k"
	copy_module_tree "$CHROOT/matrix/$k"
	in_chroot make -C "/usr/src/linux-headers-$k" M="/matrix/$k" W=1 modules >"$out" 2>&1
	judge "$k" "$out" $? "$CHROOT/matrix/$k"
}

if ! "$ROOT/scripts/check-suite.sh" bullseye --prepare >"$LOG/bullseye.log" 2>&1; then
	echo "build-matrix: FAILED: the bullseye chroot (log: $LOG/bullseye.log)"
	failed=$((failed + 1))
else
	mapfile -t old < <(in_chroot apt-cache search --names-only '^linux-headers-5\.10\.0-[0-9]+-[^ ]*amd64$' |
		awk '{ print $1 }' | grep -vE -- '-common' | sort -V)
	if [ -n "${VMACCT_MATRIX:-}" ]; then
		mapfile -t old < <(printf '%s\n' "${old[@]}" | grep -E -- "$VMACCT_MATRIX")
	fi
	echo "build-matrix: ${#old[@]} headers packages from bullseye, built in $CHROOT"
	if [ ${#old[@]} -gt 0 ] &&
	   ! in_chroot apt-get install -y "${old[@]}" >"$LOG/bullseye-apt.log" 2>&1; then
		echo "build-matrix: FAILED: cannot install the 5.10 headers in the chroot (log: $LOG/bullseye-apt.log)"
		failed=$((failed + 1))
		old=()
	fi
	build_all build_chroot "${old[@]}"
	rm -rf "$CHROOT/matrix"
fi
# ---------------------------------------------------------------- arm64

# bookworm's linux-headers-*-arm64 (standard, -cloud, -rt, 16 KiB pages),
# cross-built with the amd64 kbuild tools unpacked beside them, as
# check-arm64 builds; the packages come through its private apt state
ensure_deps arm64
arm64_apt_state "${VMACCT_CACHE:-/var/cache/vmacct}/arm64-apt"
MATRIX_APT=("${ARM64_APT[@]}")
if ! apt-get "${MATRIX_APT[@]}" update >"$LOG/arm64-apt-update.log" 2>&1 ||
   grep -qE '^(E:|W: Failed)' "$LOG/arm64-apt-update.log"; then
	echo "build-matrix: FAILED: apt-get update of the arm64 state (log: $LOG/arm64-apt-update.log)"
	failed=$((failed + 1))
else
	mapfile -t apkgs < <(apt-cache "${MATRIX_APT[@]}" search --names-only \
			'^linux-headers-[0-9]+\.[0-9]+\.[0-9]+[-+][^ ]*-arm64(-16k)?$' |
		awk '{ print $1 }' | grep -vE -- '-common|-dbg' | sort -V)
	if [ -n "${VMACCT_MATRIX:-}" ]; then
		mapfile -t apkgs < <(printf '%s\n' "${apkgs[@]}" | grep -E -- "$VMACCT_MATRIX")
	fi
	echo "build-matrix: ${#apkgs[@]} arm64 headers packages from bookworm, cross-built"
	build_all build_one "${apkgs[@]}"
fi

echo "build-matrix: $built built, $failed failed in $(($(date +%s) - start)) s (logs: $LOG)"
[ "$failed" = 0 ]
