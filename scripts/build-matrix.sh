#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make build-matrix: build vmacct.ko with W=1 against every
# linux-headers-*-amd64 package Debian bookworm offers (each 6.1 and 6.12
# ABI, in the standard, -cloud and -rt flavours; the metapackages are
# skipped), and every linux-headers-5.10.0-*-amd64 Debian 11 bullseye
# offers (bullseye and bullseye-security), one line per kernel:
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
# and built in the bullseye chroot of scripts/check-suite.sh.
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

# the package and what it needs from the same source: -common, kbuild
needed_debs() {
	apt-cache depends "$1" 2>/dev/null |
		sed -nE 's/^ +Depends: (linux-(headers|kbuild)-[^ ]+)$/\1/p'
	echo "$1"
}

# download (once) and unpack (once) package $1
fetch() {
	local p=$1 deb
	deb=$(ls "$DEBS/${p}_"*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		(cd "$DEBS" && apt-get download -q "$p" >>"$LOG/download.log" 2>&1) ||
			return 1
		deb=$(ls "$DEBS/${p}_"*.deb 2>/dev/null | head -n 1)
		[ -n "$deb" ] || return 1
	fi
	if [ ! -e "$TREE/.unpacked-$(basename "$deb")" ]; then
		dpkg-deb -x "$deb" "$TREE" && touch "$TREE/.unpacked-$(basename "$deb")"
	fi
}

# build against headers package $1; print the result line
build_one() {
	local p=$1 k=${1#linux-headers-} dep hdr src out first
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
	if make -C "$hdr" M="$src" W=1 modules >"$out" 2>&1 && [ -f "$src/vmacct.ko" ]; then
		first=$(grep -m 1 -E 'warning:' "$out")
		if [ -z "$first" ]; then
			printf '%-32s built\n' "$k"
			rm -rf "$src"
			return 0
		fi
		printf '%-32s FAILED (warning): %s\n' "$k" "${first#"$src"/}"
		return 1
	fi
	first=$(grep -m 1 -E 'error|Error|No such file' "$out")
	printf '%-32s FAILED: %s (log: %s)\n' "$k" "${first#"$src"/}" "$out"
	return 1
}

echo "build-matrix: ${#pkgs[@]} headers packages from bookworm; packages cached in $CACHE"
built=0
failed=0
for p in "${pkgs[@]}"; do
	if build_one "$p"; then
		built=$((built + 1))
	else
		failed=$((failed + 1))
	fi
done

# ---------------------------------------------------------------- 5.10

CHROOT=${VMACCT_CACHE:-/var/cache/vmacct}/bullseye-chroot
in_chroot() {
	chroot "$CHROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive HOME=/root "$@"
}

# build in the chroot against headers package $1 (installed there)
build_chroot() {
	local k=${1#linux-headers-} out=$LOG/$1.log first
	rm -rf "$CHROOT/matrix/$k"
	copy_module_tree "$CHROOT/matrix/$k"
	if in_chroot make -C "/usr/src/linux-headers-$k" M="/matrix/$k" W=1 modules \
			>"$out" 2>&1 && [ -f "$CHROOT/matrix/$k/vmacct.ko" ]; then
		first=$(grep -m 1 -E 'warning:' "$out")
		if [ -z "$first" ]; then
			printf '%-32s built\n' "$k"
			rm -rf "$CHROOT/matrix/$k"
			return 0
		fi
		printf '%-32s FAILED (warning): %s\n' "$k" "$first"
		return 1
	fi
	first=$(grep -m 1 -E 'error|Error|No such file' "$out")
	printf '%-32s FAILED: %s (log: %s)\n' "$k" "$first" "$out"
	return 1
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
	for p in "${old[@]}"; do
		if build_chroot "$p"; then
			built=$((built + 1))
		else
			failed=$((failed + 1))
		fi
	done
	rm -rf "$CHROOT/matrix"
fi
echo "build-matrix: $built built, $failed failed in $(($(date +%s) - start)) s (logs: $LOG)"
[ "$failed" = 0 ]
