#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmacct selftest: unload under load.  VMACCT_STRESS_CYCLES cycles
# (default 5; 200 on the debug kernel) of:
#   vmacct load --ko $VMACCT_KO (every second cycle with stats=1:
#   counting from load on, the probes' counting path runs too)
#   a trace reader with no filter, blocked in or busy with read()
#   (the first cycle: also a loop writing 0 and 1 to stats/enabled)
#   4 processes looping over mmap/munmap/mprotect/fork (the probes fire
#   in all of them)
#   a process refused over and over (mmap() of more than RAM + swap): the
#   recorder (on from load) keeps refusals while the module goes
#   vmacct unload while all of that runs
# and then: the module is gone (/sys/module/vmacct absent), the reader
# ended by itself with ENODEV or EOF (not killed, not stuck: waited for
# with a timeout), every stress process exited 0.  A cycle whose unload
# fails (module still in use) fails.  At the end: no BUG/WARNING/KASAN/
# kmemleak line in dmesg since the start, and the module is loaded again
# for whatever runs next.
#
# Runs as root; unloads the module.  vmacct_stress_helper is the helper
# next to this script.  TAP output, one line per cycle.

KO=${VMACCT_KO:-/lib/modules/$(uname -r)/updates/dkms/vmacct.ko}
HELPER=$(dirname "$0")/vmacct_stress_helper
REFUSE=$(dirname "$0")/vmacct_refuse_helper
CYCLES=${VMACCT_STRESS_CYCLES:-5}
STRESS_PROCS=${VMACCT_STRESS_PROCS:-4}
STRESS_SECONDS=${VMACCT_STRESS_SECONDS:-3}
TMP=/tmp/vmacct_unload_stress.$$
BAD_RE='BUG:|WARNING:|Oops|Call Trace|general protection|KASAN|UBSAN|kmemleak|hung_task|blocked for more than'
. "$(dirname "$0")/tap.sh"

reader_ready() {
	grep -q '^ready ' "$TMP/reader" 2>/dev/null
}

module_gone() {
	! [ -d /sys/module/vmacct ] && ! [ -e /dev/vmacct ]
}

recorder_kept() {
	[ "$(cat /sys/kernel/vmacct/recorder/records 2>/dev/null || echo 0)" -gt 0 ]
}

module_back() {
	[ -c /dev/vmacct ] && [ -r /sys/kernel/vmacct/trace/enabled ]
}

bad_lines() {
	dmesg 2>/dev/null | grep -cE "$BAD_RE"
}

# show a stuck process and kill it
stuck() {
	echo "# pid $1 stuck: $(grep '^State:' /proc/$1/status 2>/dev/null) wchan $(cat /proc/$1/wchan 2>/dev/null)"
	[ -r "/proc/$1/stack" ] && sed 's/^/#   /' "/proc/$1/stack"
	kill -9 "$1" 2>/dev/null
}

cleanup() {
	for p in ${rpid:-} ${tpid:-} ${spids:-} ${fpid:-}; do
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$TMP"
	# leave the module loaded for whatever runs next
	module_back || vmacct load --ko "$KO" >/dev/null 2>&1
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -f "$KO" ] || skip_all "no module at $KO (set VMACCT_KO)"
command -v vmacct >/dev/null || skip_all "vmacct tool not in PATH"
[ -x "$HELPER" ] || skip_all "no $HELPER"
[ -x "$REFUSE" ] || skip_all "no $REFUSE"
[ "$(cat /sys/kernel/vmacct/trace/enabled 2>/dev/null || echo 0)" = 0 ] ||
	skip_all "another trace reader is attached"

mkdir -p "$TMP" || exit 1
echo "1..$((CYCLES + 3))"
echo "# $CYCLES cycles, $STRESS_PROCS stress processes of ${STRESS_SECONDS} s each"
# only this test's reports count: earlier ones (a boot-time report, the
# fault test's) would rotate out of the ring and change the count
dmesg -c >/dev/null 2>&1
bad0=$(bad_lines)
t0=$(date +%s)

# start from an unloaded module: each cycle loads it
vmacct unload >/dev/null 2>&1

c=1
while [ $c -le "$CYCLES" ]; do
	why=
	rpid=
	spids=
	tpid=
	: > "$TMP/reader"
	opts=
	[ $((c % 2)) = 0 ] && opts="stats=1"
	if ! vmacct load --ko "$KO" -- $opts > "$TMP/load" 2>&1; then
		why="vmacct load failed: $(cat "$TMP/load")"
	else
		"$HELPER" reader > "$TMP/reader" 2>&1 &
		rpid=$!
		wait_for 100 reader_ready || why="reader did not attach: $(cat "$TMP/reader")"
	fi
	if [ -z "$why" ] && [ "$c" = 1 ]; then
		# until the file goes with the module; a write refused then is fine
		sh -c 'f=/sys/kernel/vmacct/stats/enabled
		       while [ -e $f ]; do echo 1 > $f; echo 0 > $f; done' 2>/dev/null &
		tpid=$!
	fi
	s=0
	while [ -z "$why" ] && [ $s -lt "$STRESS_PROCS" ]; do
		"$HELPER" stress "$STRESS_SECONDS" > "$TMP/stress.$s" 2>&1 &
		spids="$spids $!"
		s=$((s + 1))
	done
	fpid=
	if [ -z "$why" ]; then
		rm -f "$TMP/stop"
		# refused until told to stop, through the unload
		REFUSE=$REFUSE STOP=$TMP/stop sh -c \
			'while ! [ -e "$STOP" ]; do "$REFUSE" vmacct-refused 20 >/dev/null || exit 1; done' &
		fpid=$!
	fi
	# let the stress run, the probes fire, the reader read and the
	# recorder keep refusals: 0.5 s, and until it holds one (on a host
	# busy with other guests the first refusal came later than 0.5 s)
	[ -z "$why" ] && sleep 0.5 && wait_for 100 recorder_kept
	recs=$(cat /sys/kernel/vmacct/recorder/records 2>/dev/null)
	[ -z "$why" ] && [ "${recs:-0}" -gt 0 ] ||
		why="${why:-the recorder kept no refusal before the unload (records: ${recs:-none})}"
	if [ -z "$why" ] && ! vmacct unload > "$TMP/unload" 2>&1; then
		why="vmacct unload failed (still in use?): $(tr '\n' ' ' < "$TMP/unload")"
	fi
	if [ -z "$why" ] && ! module_gone; then
		why="module still present after vmacct unload"
	fi
	# the reader: ended by itself, with ENODEV or EOF, within 10 s
	if [ -n "$rpid" ]; then
		if ! wait_for 100 dead "$rpid"; then
			stuck "$rpid"
			why="${why:+$why; }reader stuck"
		fi
		wait "$rpid"
		st=$?
		end=$(grep '^end: ' "$TMP/reader")
		if [ "$st" != 0 ] || ! echo "$end" | grep -qE '^end: (ENODEV|EOF) '; then
			why="${why:+$why; }reader exit $st: $(tr '\n' ' ' < "$TMP/reader")"
		fi
	fi
	# the refused process: still refused after the unload, then told to stop
	if [ -n "$fpid" ]; then
		touch "$TMP/stop"
		if ! wait_for 100 dead "$fpid"; then
			stuck "$fpid"
			why="${why:+$why; }refused process stuck"
		fi
		wait "$fpid" || why="${why:+$why; }refused process exit $? (an mmap() it expected refused was not)"
		fpid=
	fi
	# the stats/enabled loop: ended with the file
	if [ -n "$tpid" ]; then
		if ! wait_for 100 dead "$tpid"; then
			stuck "$tpid"
			why="${why:+$why; }stats/enabled writer stuck"
		fi
		wait "$tpid"
	fi
	# the stress processes: finished by themselves, exit 0
	for p in $spids; do
		if ! wait_for $((STRESS_SECONDS * 10 + 200)) dead "$p"; then
			stuck "$p"
			why="${why:+$why; }stress $p stuck"
		fi
		wait "$p" || why="${why:+$why; }stress $p exit $?"
	done
	[ -n "$why" ] && for s in $(seq 0 $((STRESS_PROCS - 1))); do
		sed 's/^/#   /' "$TMP/stress.$s" 2>/dev/null
	done
	if [ -z "$why" ]; then
		ok "cycle $c: unloaded under load and refusals ($recs recorded); reader ${end#end: } records"
	else
		not_ok "cycle $c: $why"
		# a module still loaded, or wedged: stop here
		module_gone || vmacct unload >/dev/null 2>&1
	fi
	rpid=
	spids=
	c=$((c + 1))
done
echo "# $CYCLES cycles in $(($(date +%s) - t0)) s"

check "vmacct load --ko brings the module back after the cycles" \
	sh -c "vmacct load --ko '$KO' >/dev/null && [ -c /dev/vmacct ] &&
	       [ \"\$(cat /sys/kernel/vmacct/trace/enabled)\" = 0 ]"

bad1=$(bad_lines)
if [ "$bad1" = "$bad0" ]; then
	ok "no kernel report in dmesg (BUG, WARNING, KASAN, kmemleak, hung task)"
else
	not_ok "kernel reports in dmesg: $bad0 before, $bad1 after"
	dmesg | grep -E "$BAD_RE" | tail -n 20 | sed 's/^/# /'
fi

# kmemleak, where the kernel has it (the debug kernel): nothing of vmacct
KML=/sys/kernel/debug/kmemleak
if [ -w $KML ]; then
	# objects younger than 5 s are not reported: scan, wait, scan again
	echo scan > $KML 2>/dev/null
	sleep 6
	echo scan > $KML 2>/dev/null
	leaks=$(grep -c vmacct $KML 2>/dev/null)
	if [ "${leaks:-0}" = 0 ]; then
		ok "kmemleak: no unreferenced object from vmacct"
	else
		not_ok "kmemleak: $leaks lines name vmacct"
		grep -B2 -A12 vmacct $KML | head -n 60 | sed 's/^/# /'
	fi
else
	ok "kmemleak # SKIP $KML not available"
fi

[ "$failed" = 0 ]
