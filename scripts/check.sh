#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: everything, from a clean clone on a fresh machine.
#
#   1. dependencies (scripts/deps.sh, only if something is missing)
#   2. host tests of the tool            (userspace/tests)
#   3. quality gates                     (scripts/lint.sh)
#   4. for every installed kernel: build vmacct.ko with DKMS, boot it in
#      QEMU with the static selftests and the tool, load the DKMS-built
#      module with `vmacct load`, run the suite, unload
#
# Every result counts once; the last line is "N passed, N failed, N skipped".
# Logs: build/check/.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

LOG="$BUILD/check"
GUEST_TIMEOUT=${GUEST_TIMEOUT:-900}
skipped=0
start=$(date +%s)

# add the counts of a "WHAT: N passed, N failed" line
add_summary() {
	local line p f
	line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		gate "$2 (no summary line in $1)" 1
		return
	fi
	p=$(echo "$line" | sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	passed=$((passed + p))
	failed=$((failed + f))
	echo "$2: $p passed, $f failed"
}

# TAP from the guest: top-level "ok"/"not ok" lines of every program
add_tap() {
	local tap=$1 k=$2 p f s
	read -r p f s < <(tap_counts "$tap")
	grep -E '^not ok [0-9]+' "$tap" | sed "s/^/  $k: /"
	why_failed "$tap" "${tap%.tap}.console" "$k"
	grep -E '^(ok [0-9]+.*|1\.\.0 )# SKIP' "$tap" | sed "s/^/  $k: /"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	echo "selftests on $k: $p passed, $f failed, $s skipped"
}

# promtool check metrics on the "# prom: " lines the guest's
# vmacct_tool_test.sh printed (real `vmacct status --prometheus` output)
prom_check() {
	local out
	sed -n 's/^# prom: //p' "$1" > "$LOG/$2.prom"
	if [ ! -s "$LOG/$2.prom" ]; then
		gate "promtool: no prometheus output in the $2 guest's TAP" 1
		return
	fi
	out=$(promtool check metrics < "$LOG/$2.prom" 2>&1)
	[ -z "$out" ] || echo "$out" | sed 's/^/  /'
	gate "promtool check metrics on the $2 guest's output ($(grep -vc '^#' "$LOG/$2.prom") samples)" \
		$([ -z "$out" ] && echo 0 || echo 1)
}

mkdir -p "$LOG"

echo "== dependencies"
if ! "$ROOT/scripts/deps.sh" --check >/dev/null; then
	"$ROOT/scripts/deps.sh" > "$LOG/deps.log" 2>&1
	gate "install dependencies (log: $LOG/deps.log)" $?
fi

echo "== build"
make -C "$ROOT" ksft-headers > "$LOG/build.log" 2>&1 &&
make -C "$ROOT" tool >> "$LOG/build.log" 2>&1 &&
make -C "$ROOT/selftests" OUTPUT="$BUILD/selftests" >> "$LOG/build.log" 2>&1
rc=$?
gate "build tool and selftests (log: $LOG/build.log)" $rc
[ $rc = 0 ] || tail -n 30 "$LOG/build.log"

echo "== host tests"
make -s -C "$ROOT/userspace" test > "$LOG/host.log" 2>&1
grep -E '^not ok' "$LOG/host.log" | sed 's/^/  /'
add_summary "$LOG/host.log" "host tests"

echo "== lint"
"$ROOT/scripts/lint.sh" > "$LOG/lint.log" 2>&1
grep -E '^(FAIL|  )' "$LOG/lint.log"
add_summary "$LOG/lint.log" "lint"

guest_bins

kernels=$(discover_kernels)
if [ -z "$kernels" ]; then
	gate "kernels to test (none found: /boot/vmlinuz-* with /lib/modules/*/build)" 1
fi

for k in $kernels; do
	echo "== kernel $k"
	payload="$BUILD/guest-$k/payload"
	rm -rf "$BUILD/guest-$k"
	mkdir -p "$payload"

	ko=$(dkms_build "$k" 2> "$LOG/dkms-$k.log")
	rc=$?
	[ -n "$ko" ] && [ -f "$ko" ] || rc=1
	gate "dkms add+build for $k (log: $LOG/dkms-$k.log)" $rc
	if [ $rc != 0 ]; then
		tail -n 20 "$LOG/dkms-$k.log"
		continue
	fi
	# keep DKMS's file name: 6.12 installs vmacct.ko.xz
	cp "$ko" "$payload/"
	dkms_remove "$k" >> "$LOG/dkms-$k.log" 2>&1
	gate "dkms remove for $k" $?

	if ! make_payload "$payload" >> "$LOG/build.log" 2>&1; then
		gate "guest payload for $k (log: $LOG/build.log)" 1
		continue
	fi

	t0=$(date +%s)
	rm -f "$LOG/$k.tap"	# never count a previous run's results
	"$ROOT/scripts/guest/run-guest.sh" --kernel "$k" \
		--script "$payload/suite.sh" --payload "$payload" \
		--bin "$ROOT/userspace/vmacct" "${GUEST_BINS[@]}" \
		--out "$LOG/$k.tap" --console-log "$LOG/$k.console" \
		--timeout "$GUEST_TIMEOUT"
	rc=$?
	echo "guest $k: exit $rc after $(($(date +%s) - t0)) s (TAP: $LOG/$k.tap, console: $LOG/$k.console)"
	add_tap "$LOG/$k.tap" "$k"
	gate "guest run on $k completed cleanly (exit $rc)" $rc
	plans=$(tap_plan_mismatches "$LOG/$k.tap")
	printf '%s' "${plans:+$(echo "$plans" | sed "s/^/  $k: /")$'\n'}"
	gate "every selftest on $k gave the results its plan announced" \
		"$([ -z "$plans" ] && echo 0 || echo 1)"
	prom_check "$LOG/$k.tap" "$k"
done

# counted WHAT LOG FILTER CMD...: run a check script that ends with "N
# passed, N failed, N skipped" (exit 3: its mirror was unusable, nothing
# tested) into $LOG/LOG.log, print the lines FILTER (grep -E) selects,
# and count its results with ours
counted() {
	local what=$1 log=$LOG/$2.log filter=$3 rc p f s
	shift 3
	"$@" > "$log" 2>&1
	rc=$?
	grep -E "$filter" "$log" | sed 's/^/  /'
	if [ $rc = 3 ]; then
		gate "$what: the mirror was unusable, nothing tested (log: $log)" 1
		return
	fi
	read -r p f s < <(tail -n 1 "$log" |
		sed -nE 's/^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p')
	if [ -z "${p:-}" ]; then
		gate "$what: no summary line (exit $rc; log: $log)" 1
		return
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	echo "$what: $p passed, $f failed, $s skipped"
}

# 5.10 is not a bookworm kernel: Debian 11's, built in a bullseye chroot
# with its own compiler (check-suite.sh)
echo "== kernel 5.10 (Debian 11 bullseye)"
counted "kernel 5.10" 5.10 '^[^0-9]' "$ROOT/scripts/check-suite.sh" bullseye

# arm64: Debian's arm64 6.1 and 6.12, cross-built and booted under
# qemu-system-aarch64 (check-arm64.sh)
echo "== arm64 (Debian 12's arm64 kernels)"
counted arm64 arm64 '^(check-arm64: (PASS|FAIL|SKIP|guest)|  [^ ]+: (not ok|ok .*# SKIP|1\.\.0))|^[^ ]+-arm64: [0-9]+ passed' \
	"$ROOT/scripts/check-arm64.sh"

echo "== done in $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
