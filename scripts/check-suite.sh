#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole suite on a kernel of another Debian suite, exactly as make
# check runs it on bookworm's 6.1 and 6.12:
#
#   check-suite.sh sid        make check-newest: the newest kernel Debian
#                             ships (unstable)
#   check-suite.sh bullseye   part of make check: Debian 11's newest 5.10
#                             (bullseye and bullseye-security)
#   check-suite.sh SUITE --prepare
#                             only steps 1 and 2 (make build-matrix builds
#                             in the chroot), then exit 0
#
#   1. A separate apt state for the suite in $VMACCT_CACHE/SUITE-apt
#      (default /var/cache/vmacct): the host's own sources stay bookworm.
#      The newest linux-image-<version>-amd64 there (sid: not -rt, -cloud,
#      -dbg; bullseye: 5.10.0-N) is the kernel under test; its vmlinuz
#      comes from the package that holds it (linux-binary-<version> since
#      7.x, linux-image-<version> before).
#   2. A minimal chroot of the suite (debootstrap --variant=minbase),
#      built once in $VMACCT_CACHE/SUITE-chroot; each run installs make
#      and that kernel's headers in it, which pull the compiler the kernel
#      was built with (bookworm has no gcc-10 for 5.10; sid's kbuild
#      helpers need sid's glibc: neither can build on the host).
#   3. vmacct.ko is built in the chroot with W=1 and the suite's sparse
#      (C=1; a warning fails).  The
#      selftests are static programs and the tool talks to the kernel only
#      through the uapi header, so both are built on the host as for make
#      check.
#   4. The vmlinuz boots under QEMU with scripts/guest/run-guest.sh and
#      runs scripts/guest/guest-suite.sh: load, every selftest, unload.
#
# Exit status: 0 if every result passed; 1 if something failed; 3 if the
# suite's mirror could not be used (Release unreadable, package missing,
# download failed): then nothing was tested and no pass is reported.
# The last line is "N passed, N failed, N skipped" as for make check.

set -uo pipefail
. "$(dirname "$0")/lib.sh"
ensure_deps

SUITE=${1:-}
PREPARE=
[ "${2:-}" = --prepare ] && PREPARE=1
CACHE=${VMACCT_CACHE:-/var/cache/vmacct}
MIRROR=${VMACCT_MIRROR:-${VMACCT_SID_MIRROR:-http://deb.debian.org/debian}}
SECURITY=${VMACCT_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
case $SUITE in
sid)
	NAME=check-newest
	SOURCES="deb $MIRROR sid main"
	KERNELS='^linux-image-[0-9][^ ]*-amd64$'
	;;
bullseye)
	NAME=check-5.10
	# the newest 5.10 ABI is in bullseye-security, between point releases
	SOURCES="deb $MIRROR bullseye main
deb $SECURITY bullseye-security main"
	KERNELS='^linux-image-5\.10\.0-[0-9]+-amd64$'
	;;
*)
	echo "usage: ${0##*/} sid|bullseye [--prepare]" >&2
	exit 2
	;;
esac
APTDIR=$CACHE/$SUITE-apt
CHROOT=$CACHE/$SUITE-chroot
LOG=$BUILD/$NAME
start=$(date +%s)
mkdir -p "$LOG" "$APTDIR/etc" "$APTDIR/lists/partial" "$APTDIR/debs"

elapsed() {
	echo "$(($(date +%s) - $1)) s"
}

# ---------------------------------------------------------------- apt state

echo "$SOURCES" > "$APTDIR/etc/sources.list"
SUITE_APT=(-o "Dir::State::Lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR"
	 -o "Dir::Cache::Archives=$APTDIR/debs"
	 -o "Dir::Etc::SourceList=$APTDIR/etc/sources.list"
	 -o "Dir::Etc::SourceParts=/dev/null" -o "Dir::State::Status=/dev/null"
	 -o "APT::Architecture=amd64" -o "Acquire::Check-Valid-Until=false"
	 -o "Acquire::Retries=3")

t0=$(date +%s)
if ! apt-get "${SUITE_APT[@]}" update > "$LOG/apt-update.log" 2>&1 ||
   grep -qE '^(E:|W: Failed)' "$LOG/apt-update.log"; then
	sed 's/^/  /' "$LOG/apt-update.log" | tail -n 5
	unusable "apt-get update failed (log: $LOG/apt-update.log)"
fi

kver=$(apt-cache "${SUITE_APT[@]}" search --names-only "$KERNELS" |
	awk '{ print $1 }' | grep -vE -- '-(rt|cloud)-amd64$' |
	sed 's/^linux-image-//' | sort -V | tail -n 1)
[ -n "$kver" ] || unusable "no package matches $KERNELS in $SUITE"
say "newest kernel in $SUITE: $kver (package lists read in $(elapsed "$t0"))"

# ---------------------------------------------------------------- vmlinuz

kdir=$CACHE/$SUITE-kernel/$kver
vmlinuz=$(find "$kdir" -name 'vmlinuz*' -type f 2>/dev/null | head -n 1)
if [ -z "$vmlinuz" ]; then
	t0=$(date +%s)
	pkgs=("linux-image-$kver")
	mapfile -t -O 1 pkgs < <(apt-cache "${SUITE_APT[@]}" depends "linux-image-$kver" |
		sed -nE 's/^ +Depends: (linux-binary-[^ ]+)$/\1/p')
	rm -rf "$kdir"
	mkdir -p "$kdir"
	for p in "${pkgs[@]}"; do
		(cd "$APTDIR/debs" && apt-get "${SUITE_APT[@]}" download "$p") \
			>> "$LOG/download.log" 2>&1 ||
			unusable "cannot download $p (log: $LOG/download.log)"
		dpkg-deb -x "$(ls -t "$APTDIR/debs/${p}_"*.deb | head -n 1)" "$kdir" ||
			fail "cannot unpack $p"
	done
	vmlinuz=$(find "$kdir" -name 'vmlinuz*' -type f | head -n 1)
	[ -n "$vmlinuz" ] || fail "no vmlinuz in ${pkgs[*]}"
	say "kernel image: $vmlinuz (fetched in $(elapsed "$t0"))"
fi

# ---------------------------------------------------------------- chroot

in_chroot() {
	chroot_run "$CHROOT" "$@"
}

cleanup() {
	mountpoint -q "$CHROOT/proc" && umount "$CHROOT/proc"
}
trap cleanup EXIT

if [ ! -e "$CHROOT/.vmacct-ready" ]; then
	t0=$(date +%s)
	say "building the $SUITE chroot in $CHROOT (once)"
	rm -rf "$CHROOT" "$CHROOT.new"
	if ! debootstrap --variant=minbase "$SUITE" "$CHROOT.new" "$MIRROR" \
			> "$LOG/debootstrap.log" 2>&1; then
		tail -n 5 "$LOG/debootstrap.log" | sed 's/^/  /'
		if grep -qE "Couldn't download|Failed getting release|Invalid Release|couldn't find" "$LOG/debootstrap.log"; then
			unusable "debootstrap could not download (log: $LOG/debootstrap.log)"
		fi
		fail "debootstrap failed (log: $LOG/debootstrap.log)"
	fi
	echo "$SOURCES" > "$CHROOT.new/etc/apt/sources.list"
	# sid's Release file expires between its daily updates
	echo 'Acquire::Check-Valid-Until "false";' > "$CHROOT.new/etc/apt/apt.conf.d/99vmacct"
	echo 'APT::Install-Recommends "false";' >> "$CHROOT.new/etc/apt/apt.conf.d/99vmacct"
	touch "$CHROOT.new/.vmacct-ready"
	mv "$CHROOT.new" "$CHROOT"
	say "chroot ready in $(elapsed "$t0")"
fi

t0=$(date +%s)
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null
mountpoint -q "$CHROOT/proc" || mount -t proc proc "$CHROOT/proc"
if ! in_chroot apt-get update > "$LOG/chroot-apt.log" 2>&1; then
	unusable "apt-get update in the chroot failed (log: $LOG/chroot-apt.log)"
fi
if ! in_chroot apt-get install -y make sparse "linux-headers-$kver" >> "$LOG/chroot-apt.log" 2>&1; then
	tail -n 5 "$LOG/chroot-apt.log" | sed 's/^/  /'
	unusable "cannot install linux-headers-$kver in the chroot (log: $LOG/chroot-apt.log)"
fi
cc=$(in_chroot sh -c "sed -n 's/^CONFIG_CC_VERSION_TEXT=//p' /usr/src/linux-headers-$kver/.config")
say "chroot has make and linux-headers-$kver ($(elapsed "$t0")); compiler $cc"
if [ -n "$PREPARE" ]; then
	echo "prepared: $kver $vmlinuz"	# for scripts/lib.sh prepare_510
	exit 0
fi

# ---------------------------------------------------------------- build

passed=0
failed=0
skipped=0

t0=$(date +%s)
rm -rf "$CHROOT/build"
copy_module_tree "$CHROOT/build/vmacct"
if ! in_chroot make -C "/usr/src/linux-headers-$kver" M=/build/vmacct W=1 C=1 modules \
		> "$LOG/module.log" 2>&1 || [ ! -f "$CHROOT/build/vmacct/vmacct.ko" ]; then
	grep -m 5 -E 'error|Error' "$LOG/module.log" | sed 's/^/  /'
	fail "module build for $kver failed (log: $LOG/module.log)"
fi
# sparse's findings are "warning:" or "error:" lines too
if grep -qE '(warning|error):' "$LOG/module.log"; then
	grep -E '(warning|error):' "$LOG/module.log" | sed 's/^/  /'
	say "FAIL: W=1 and sparse build of vmacct.ko for $kver has warnings"
	failed=$((failed + 1))
else
	say "PASS: W=1 and sparse build of vmacct.ko for $kver, no warnings ($(elapsed "$t0"))"
	passed=$((passed + 1))
fi
umount "$CHROOT/proc"
if [ -f "$CHROOT/build/vmacct/vmacct.ko" ]; then
	"$ROOT/scripts/ibt-audit.sh" --module "$kver" "$CHROOT/build/vmacct/vmacct.ko" \
		"$CHROOT/usr/src/linux-headers-$kver" x86 > "$LOG/ibt.log" 2>&1
	if [ $? = 0 ]; then
		say "PASS: ibt-audit of vmacct.ko for $kver"
		passed=$((passed + 1))
	else
		grep -E '^(FAIL|  )' "$LOG/ibt.log"
		say "FAIL: ibt-audit of vmacct.ko for $kver (log: $LOG/ibt.log)"
		failed=$((failed + 1))
	fi
fi

payload=$BUILD/guest-$NAME/payload
rm -rf "$BUILD/guest-$NAME"
if ! { make -s -C "$ROOT" ksft-headers tool &&
       make_payload "$payload" "$CHROOT/build/vmacct/vmacct.ko"; } > "$LOG/build.log" 2>&1; then
	tail -n 20 "$LOG/build.log"
	fail "building the tool and the selftests failed (log: $LOG/build.log)"
fi

# ---------------------------------------------------------------- guest

guest_bins

t0=$(date +%s)
rm -f "$LOG/$kver.tap"	# never count a previous run's results
"$ROOT/scripts/guest/run-guest.sh" --kernel "$kver" --vmlinuz "$vmlinuz" \
	--script "$payload/suite.sh" --payload "$payload" \
	--bin "$ROOT/userspace/vmacct" "${GUEST_BINS[@]}" --out "$LOG/$kver.tap" \
	--console-log "$LOG/$kver.console" --timeout "${GUEST_TIMEOUT:-900}"
rc=$?
read -r p f s < <(tap_counts "$LOG/$kver.tap")
grep -E '^not ok [0-9]+' "$LOG/$kver.tap" | sed "s/^/  $kver: /"
why_failed "$LOG/$kver.tap" "$LOG/$kver.console" "$kver"
grep -E '^(ok [0-9]+.*|1\.\.0 )# SKIP' "$LOG/$kver.tap" | sed "s/^/  $kver: /"
say "guest $kver: exit $rc after $(elapsed "$t0"); selftests: $p passed, $f failed, $s skipped"
passed=$((passed + p))
failed=$((failed + f))
skipped=$((skipped + s))
if [ "$rc" = 0 ]; then
	passed=$((passed + 1))
else
	say "FAIL: guest run on $kver did not complete cleanly (exit $rc; console: $LOG/$kver.console)"
	failed=$((failed + 1))
fi

plans=$(tap_plan_mismatches "$LOG/$kver.tap")
if [ -n "$plans" ]; then
	echo "$plans" | sed "s/^/  $kver: /"
	say "FAIL: a selftest on $kver did not give the results its plan announced"
	failed=$((failed + 1))
else
	passed=$((passed + 1))
fi

say "tested Linux $kver from Debian $SUITE in $(elapsed "$start")"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
