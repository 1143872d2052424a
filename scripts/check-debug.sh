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
#
# A TCG guest runs on one host thread, so the programs are shared out
# among VMACCT_DEBUG_GUESTS guests (default: one per host core, at most
# 4), each booting the same kernel and module, loading it, running its
# share and unloading, then scanning for leaks.  The share is balanced by
# each program's time in an earlier run (WEIGHTS below); every guest's
# console is searched for reports.

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

# Seconds each program took in a debug guest (make check-debug's "# time:"
# lines, 2026-12-05, two guests on 2 host cores); a program not named
# counts 20.  The fuzzer and the unload stress scale with their lengths:
# 2.2 ms a call, 13.7 s a cycle.
WEIGHTS="
vmacct_fuzz:$((FUZZ_CALLS * 22 / 10000))
vmacct_unload_stress.sh:$((STRESS_CYCLES * 137 / 10))
vmacct_fault_test:3700
vmacct_tool_test.sh:110
vmacct_repro_test.sh:90
vmacct_mm_test:90
vmacct_load_test.sh:70
"
guests=${VMACCT_DEBUG_GUESTS:-$(nproc)}
case $guests in
''|*[!0-9]*|0) echo "VMACCT_DEBUG_GUESTS=$guests: a number from 1 to 4" >&2; exit 2 ;;
esac
[ "$guests" -le 4 ] || guests=4

# Longest first, each to the guest with the least so far; each guest's
# share keeps the suite's order.
awk -v n="$guests" -v w="$WEIGHTS" '
	BEGIN { k = split(w, a, /[ \n]+/)
		for (i = 1; i <= k; i++) if (split(a[i], p, ":") == 2) t[p[1]] = p[2] }
	{ name[NR] = $1; c[NR] = ($1 in t) ? t[$1] : 20 }
	END {
		for (i = 1; i <= NR; i++) done[i] = 0
		for (j = 1; j <= NR; j++) {
			best = 0
			for (i = 1; i <= NR; i++)
				if (!done[i] && (!best || c[i] > c[best])) best = i
			done[best] = 1; g = 0
			for (i = 1; i < n; i++) if (load[i] < load[g]) g = i
			load[g] += c[best]; at[best] = g
		}
		for (i = 1; i <= NR; i++) print at[i], name[i]
	}' "$payload/tests.list" > "$BUILD/debug-guest/shares"

guest_bins
t1=$(date +%s)
rm -f "$LOG"/debug*.tap "$LOG"/debug*.console	# never count a previous run's
pids=()
for ((g = 0; g < guests; g++)); do
	gp="$BUILD/debug-guest/payload$g"
	rm -rf "$gp"
	cp -a "$payload" "$gp"
	awk -v g="$g" '$1 == g { print $2 }' "$BUILD/debug-guest/shares" > "$gp/tests.list"
	[ -s "$gp/tests.list" ] || continue
	echo "debug guest $g: $(tr '\n' ' ' < "$gp/tests.list")"
	# no5lvl: with 5-level paging (TCG's -cpu max has LA57) KASAN reports
	# a wild-memory-access in an interrupt during identify_cpu() at
	# boot, long before vmacct loads, and the taint turns lockdep off
	# for the whole run
	"$ROOT/scripts/guest/run-guest.sh" --kernel "vmacct-debug" \
		--vmlinuz "$kbuild/arch/x86/boot/bzImage" --mem 3G --append no5lvl \
		--script "$BUILD/debug-guest/run.sh" --payload "$gp" \
		--bin "$ROOT/userspace/vmacct" "${GUEST_BINS[@]}" \
		--out "$LOG/debug$g.tap" --console-log "$LOG/debug$g.console" \
		--timeout 12000 > "$LOG/guest$g.log" 2>&1 &
	pids[g]=$!
done

p=0 f=0 s=0 reports=0
: > "$LOG/reports.txt"
for g in "${!pids[@]}"; do
	wait "${pids[g]}"
	rc=$?
	read -r gp gf gs < <(tap_counts "$LOG/debug$g.tap")
	grep -E '^not ok' "$LOG/debug$g.tap" | sed "s/^/  guest $g: /"
	# The kernel's reports.  "kmemleak: Kernel memory leak detector
	# initialized" is none, nor a test's own "# ..." diagnostic that
	# names KASAN; each report found is printed and fails the run.
	grep -E '(BUG:|WARNING:|KASAN|UBSAN|kmemleak: [0-9]+ new suspected|unreferenced object|possible circular|inconsistent lock|Call Trace)' \
		"$LOG/debug$g.console" | tr -d '\r' | grep -vE '^[[:space:]]*#' |
		sed "s/^/guest $g: /" > "$LOG/reports$g.txt"
	cat "$LOG/reports$g.txt" >> "$LOG/reports.txt"
	n=$(wc -l < "$LOG/reports$g.txt")
	echo "debug guest $g: exit $rc, $gp passed, $gf failed, $gs skipped, console reports: $n (log: $LOG/debug$g.console)"
	grep -E '^# time: ' "$LOG/debug$g.tap" | tr '\n' ' ' | sed 's/# time: //g; s/^/  times: /; s/$/\n/'
	grep -E '^# (seed|calls|fuzz|stress|cycles)' "$LOG/debug$g.tap" | head -n 20
	[ "$rc" = 0 ] || gf=$((gf + 1))
	p=$((p + gp)) f=$((f + gf)) s=$((s + gs)) reports=$((reports + n))
done
echo "debug guests: $guests, done after $(( $(date +%s) - t1 )) s; console reports: $reports"
sed 's/^/  report: /' "$LOG/reports.txt" | head -n 40
[ "$reports" = 0 ] || f=$((f + 1))
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
