#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the whole suite, the ioctl fuzzer at full length and the
# unload stress at 200 cycles, on a debug kernel (KASAN, lockdep, UBSAN,
# kmemleak, DEBUG_LIST, DEBUG_VM, DEBUG_ATOMIC_SLEEP; see debug-kernel.sh),
# then a kmemleak scan after the module is unloaded.  Fails on any failed
# test and on any report on the console (BUG:, WARNING:, KASAN, UBSAN,
# lockdep, kmemleak, ...), and prints each report.  Not part of make check:
# the first build of the kernel takes tens of minutes (then it is cached).
#
# VMACCT_FUZZ_CALLS (default 1000000), VMACCT_STRESS_CYCLES (200) and
# VMACCT_STRESS_SECONDS (2, the stress before each unload) override the
# lengths.  On 2 host cores the 1,000,000 fuzz calls alone take about 40
# minutes (20,000 in 48 s under KASAN and lockdep).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

LOG="$BUILD/check-debug"
FUZZ_CALLS=${VMACCT_FUZZ_CALLS:-1000000}
STRESS_CYCLES=${VMACCT_STRESS_CYCLES:-200}
STRESS_SECONDS=${VMACCT_STRESS_SECONDS:-2}
mkdir -p "$LOG"

ensure_deps
t0=$(date +%s)
kbuild=$("$ROOT/scripts/debug-kernel.sh" | tail -n 1) || exit 1
echo "debug kernel: $kbuild (ready after $(( $(date +%s) - t0 )) s)"

make -s -C "$ROOT" ksft-headers tool || exit 1
payload="$BUILD/debug-guest/payload"
rm -rf "$BUILD/debug-guest"
mkdir -p "$payload"
copy_module_tree "$BUILD/debug-guest/src"
if ! make -s -C "$kbuild" M="$BUILD/debug-guest/src" modules > "$LOG/module.log" 2>&1; then
	cat "$LOG/module.log"
	echo "0 passed, 1 failed"
	exit 1
fi
make_payload "$payload" "$BUILD/debug-guest/src/vmacct.ko" >> "$LOG/module.log" 2>&1 || exit 1

cat > "$BUILD/debug-guest/run.sh" <<GUEST
export VMACCT_FUZZ_CALLS=$FUZZ_CALLS VMACCT_STRESS_CYCLES=$STRESS_CYCLES
export VMACCT_STRESS_SECONDS=$STRESS_SECONDS
KL=/sys/kernel/debug/kmemleak
# forget what the kernel leaked while booting: only our leaks count
if [ -w \$KL ]; then echo scan > \$KL; echo clear > \$KL; fi
sh /payload/suite.sh
rc=\$?
if [ -w \$KL ]; then
	echo scan > \$KL
	sleep 6
	echo scan > \$KL
	if [ -s \$KL ]; then
		echo "# kmemleak reports after unload:"
		sed 's/^/# /' \$KL
		echo "not ok 1 kmemleak: no leak after unload"
		rc=1
	else
		echo "ok 1 kmemleak: no leak after unload"
	fi
else
	echo "not ok 1 kmemleak: \$KL not available"
	rc=1
fi
exit \$rc
GUEST

guest_bins
t1=$(date +%s)
rm -f "$LOG/debug.tap"	# never count a previous run's results
# no5lvl: with 5-level paging (TCG's -cpu max has LA57) KASAN reports a
# wild-memory-access in an interrupt during identify_cpu() at boot, long
# before vmacct loads, and the taint turns lockdep off for the whole run
"$ROOT/scripts/guest/run-guest.sh" --kernel "vmacct-debug" \
	--vmlinuz "$kbuild/arch/x86/boot/bzImage" --mem 3G --append no5lvl \
	--script "$BUILD/debug-guest/run.sh" --payload "$payload" \
	--bin "$ROOT/userspace/vmacct" "${GUEST_BINS[@]}" --out "$LOG/debug.tap" \
	--console-log "$LOG/debug.console" --timeout 12000
rc=$?
read -r p f s < <(tap_counts "$LOG/debug.tap")
grep -E '^not ok' "$LOG/debug.tap" | sed 's/^/  /'
# The kernel's reports.  "kmemleak: Kernel memory leak detector
# initialized" is none, nor a test's own "# ..." diagnostic that names
# KASAN; each report found is printed and fails the run.
grep -E '(BUG:|WARNING:|KASAN|UBSAN|kmemleak: [0-9]+ new suspected|unreferenced object|possible circular|inconsistent lock|Call Trace)' \
	"$LOG/debug.console" | tr -d '\r' | grep -vE '^[[:space:]]*#' > "$LOG/reports.txt"
reports=$(wc -l < "$LOG/reports.txt")
echo "debug guest: exit $rc after $(( $(date +%s) - t1 )) s; console reports: $reports (log: $LOG/debug.console)"
sed 's/^/  report: /' "$LOG/reports.txt" | head -n 40
grep -E '^# (seed|calls|fuzz|stress|cycles)' "$LOG/debug.tap" | head -n 20
[ "$rc" = 0 ] || f=$((f + 1))
[ "$reports" = 0 ] || f=$((f + 1))
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
