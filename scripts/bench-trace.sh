#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-trace: what the event stream costs, per kernel, in one QEMU guest
# each (as `make check` boots them).  In the guest, for ROUNDS rounds:
#
#   not loaded         vmacct.ko absent
#   tracefs kretprobe  'r:vmacct_bench __vm_enough_memory $retval' in
#                      kprobe_events, enabled, trace_pipe drained
#   loaded, idle       vmacct.ko loaded with recorder=0, no trace reader
#                      (no probes; scripts/bench-cost.sh measures the
#                      recorder, the default)
#   tracing            a reader attached with no filter, drained by a
#                      thread of the measured process
#   probes only        a reader whose filter takes nothing: the decision
#                      probe runs, no record is queued or read
#   --no-map-count     a drained reader of decisions only: the system
#                      call probes are not armed
#   counting           stats/enabled = 1, no reader: every probe armed,
#                      each decision and map-count failure counted per
#                      CPU, no record built
#
# vmacct_trace_bench times mmap()+munmap() of one private writable page
# (one __vm_enough_memory() call) and getpid() (none) in each; the table
# shows the median over the rounds and the ratio to "not loaded".  Round 1
# also times VMACCT_IOC_TRACE -> first record readable, with the probes
# still to register (no other reader) and already armed, and the wake-up
# of a reader blocked in poll().
#
# Targets: loaded-idle mmap <= 1% slower than not loaded; tracing cheaper
# per call than the tracefs kretprobe; getpid unaffected (within 5%);
# first record readable < 50 ms after VMACCT_IOC_TRACE.
#
# Usage: bench-trace.sh [ROUNDS]   (default 5); VMACCT_KERNELS picks the
# kernel(s).  Output per kernel: build/bench-trace/KVER.txt (raw) and the
# table on stdout.  Exit: 0 every kernel ran and met the targets, 3 a
# target missed, 1 an error.  Timings under QEMU TCG are slower than on
# hardware and noisy; the ratios are what to compare.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

rc=0
bench_start bench-trace "${1:-}" 5 1

# the table, from the RESULT and LATENCY_SUMMARY lines of one guest
table() {
	awk -v k="$1" '
	function med(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++)
			for (j = i + 1; j <= n; j++)
				if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function val(f,   i, kv) {
		for (i = 3; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == f) return kv[2]
		}
		return ""
	}
	/^RESULT / {
		c = $2
		m[c] = m[c] " " val("mmap_ns")
		g[c] = g[c] " " val("getpid_ns")
		ev[c] += val("events"); dr[c] += val("dropped")
		n[c]++
	}
	/^LATENCY_SUMMARY / { lat = $0 }
	END {
		nc = split("not-loaded loaded-idle counting tracing tracing-decisions tracing-nomatch tracefs-kretprobe", order, " ")
		name["not-loaded"] = "not loaded"
		name["loaded-idle"] = "loaded, not tracing"
		name["counting"] = "counting (stats/enabled=1)"
		name["tracing"] = "tracing, reader draining"
		name["tracing-nomatch"] = "probes only (no record)"
		name["tracing-decisions"] = "tracing --no-map-count"
		name["tracefs-kretprobe"] = "tracefs kretprobe instead"
		if (!n["not-loaded"]) { print k ": no baseline result"; exit 1 }
		bm = med(m["not-loaded"]); bg = med(g["not-loaded"])
		printf "%s: per call, median of %d rounds (QEMU TCG, 2 vCPUs)\n", k, n["not-loaded"]
		printf "  %-27s %12s %7s %10s %7s\n", "configuration", "mmap+munmap", "ratio", "getpid", "ratio"
		for (i = 1; i <= nc; i++) {
			c = order[i]
			if (!n[c]) { printf "  %-27s %12s\n", name[c], "(not run)"; continue }
			cm[c] = med(m[c]); cg[c] = med(g[c])
			printf "  %-27s %9.0f ns %7.3f %7.1f ns %7.3f\n", name[c], cm[c], cm[c] / bm, cg[c], cg[c] / bg
		}
		if (n["tracing"])
			printf "  tracing: %d records read, %d dropped\n", ev["tracing"], dr["tracing"]
		bad = 0
		r = cm["loaded-idle"] / bm
		printf "  target loaded-idle mmap <= 1.01 x not loaded: %.3f %s\n", r, r <= 1.01 ? "met" : "MISSED"
		if (r > 1.01) bad = 1
		if (n["tracefs-kretprobe"]) {
			printf "  target tracing < tracefs kretprobe: %.0f vs %.0f ns %s\n", cm["tracing"], cm["tracefs-kretprobe"], cm["tracing"] < cm["tracefs-kretprobe"] ? "met" : "MISSED"
			if (cm["tracing"] >= cm["tracefs-kretprobe"]) bad = 1
		} else {
			print "  target tracing < tracefs kretprobe: not measured (no tracefs kprobe_events)"
		}
		worst = 0
		for (i = 2; i <= nc; i++) if (n[order[i]]) {
			d = cg[order[i]] / bg - 1; if (d < 0) d = -d
			if (d > worst) worst = d
		}
		printf "  target getpid unaffected (within 5%%): worst %.1f%% %s\n", worst * 100, worst <= 0.05 ? "met" : "MISSED"
		if (worst > 0.05) bad = 1
		if (lat != "") {
			split(lat, f, " ")
			printf "  VMACCT_IOC_TRACE -> first record readable, median/max: %s us (of which the ioctl %s us); with the probes already armed %s us; target < 50 ms: %s\n", substr(f[3], 10), substr(f[2], 11), substr(f[4], 16), f[7]
			printf "  record -> wake-up of a reader blocked in poll(), median/max: %s us\n", substr(f[5], 11)
			if (f[7] != "met") bad = 1
		} else {
			print "  latency: not measured"
			bad = 1
		}
		exit bad ? 3 : 0
	}' "$2"
}

for k in $kernels; do
	d="$BUILD/bench-trace-$k"
	bench_payload bench-trace "$k" vmacct_trace_bench || { rc=1; continue; }
	cat > "$d/bench.sh" <<GUEST
cd /payload || exit 1
T=/sys/kernel/tracing
B=./vmacct_trace_bench
echo "# kernel \$(uname -r), \$(nproc) CPUs, QEMU TCG guest"
r=0
for round in \$(seq $ROUNDS); do
	echo "# round \$round"
	\$B measure not-loaded || exit 1
	if [ -w \$T/kprobe_events ]; then
		echo 'r:vmacct_bench __vm_enough_memory \$retval' > \$T/kprobe_events || exit 1
		echo 1 > \$T/events/kprobes/vmacct_bench/enable || exit 1
		cat \$T/trace_pipe > /dev/null &
		cpid=\$!
		\$B measure tracefs-kretprobe || exit 1
		echo "# kprobe_profile: \$(cat \$T/kprobe_profile)"
		echo 0 > \$T/events/kprobes/vmacct_bench/enable
		kill \$cpid
		wait \$cpid 2>/dev/null
		echo '-:vmacct_bench' >> \$T/kprobe_events
	else
		echo "# no \$T/kprobe_events: tracefs kretprobe not measured"
	fi
	vmacct load --ko /payload/vmacct.ko -- recorder=0 > /dev/null || exit 1
	\$B measure loaded-idle || exit 1
	\$B measure tracing --reader || exit 1
	\$B measure tracing-nomatch --reader-nomatch || exit 1
	\$B measure tracing-decisions --reader-decisions || exit 1
	echo 1 > /sys/kernel/vmacct/stats/enabled || exit 1
	\$B measure counting || exit 1
	echo 0 > /sys/kernel/vmacct/stats/enabled || exit 1
	if [ "\$round" = 1 ]; then
		\$B latency
		r=\$?
		[ \$r = 0 ] || [ \$r = 3 ] || exit 1
	fi
	vmacct unload > /dev/null || exit 1
done
exit \$r
GUEST
	echo "== vmacct_trace_bench on $k"
	bench_guest bench-trace "$k" 900
	r=$?
	grep -E '^(LATENCY|# kprobe_profile)' "$OUT/$k.txt" | sed 's/^/  /'
	if [ "$r" != 0 ] && [ "$r" != 3 ]; then
		echo "bench-trace $k: guest exit $r (output: $OUT/$k.txt, console: $d/console.log)"
		rc=1
		continue
	fi
	table "$k" "$OUT/$k.txt"
	t=$?
	[ "$t" = 0 ] || [ "$rc" = 1 ] || rc=$t
	echo "bench-trace $k: raw output $OUT/$k.txt"
done
exit $rc
