#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-drain: how fast `vmacct trace` drains (issue 15), per kernel, in
# one QEMU guest each.  For each output format (text, --json) and sink (a
# file on tmpfs, a pipe into cat writing such a file), ROUNDS times:
#
#   start `vmacct trace --denied [--json]` into the sink with a reader
#   ring of 65536 (trace/buffer_size), wait until it prints one warm-up
#   refusal, stop it (SIGSTOP), let vmacct_refuse_helper be refused
#   RECORDS times (all queued in the module's ring for this reader), then
#   continue it (SIGCONT) and time until the sink holds every record
#   (polled every 20 ms); stop it (SIGTERM: a script's background job
#   ignores SIGINT) and read its "dropped" total.
#
# The rate is RECORDS over that time: what the tool alone writes, the
# storm already queued, the guest otherwise idle.  The table gives the
# median and the spread (lowest, highest) over the rounds.  A record is
# one line either way (about 200 bytes of text or 520 of JSON).
#
# Usage: bench-drain.sh [ROUNDS]   (default 5); VMACCT_KERNELS picks the
# kernel(s).  Output per kernel: build/bench-drain/KVER.txt (raw) and the
# table on stdout.  Exit: 0 every kernel ran with nothing dropped, 1
# otherwise.  Timings under QEMU TCG are slower than on hardware.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

RECORDS=20000
rc=0
bench_start bench-drain "${1:-}" 5 1

for k in $kernels; do
	d="$BUILD/bench-drain-$k"
	bench_payload bench-drain "$k" vmacct_true || { rc=1; continue; }
	make -s -C "$ROOT/selftests" OUTPUT="$d/payload" \
		"$d/payload/vmacct_refuse_helper" || { rc=1; continue; }
	cat > "$d/bench.sh" <<GUEST
cd /payload || exit 1
vmacct load --ko /payload/vmacct.ko || exit 1
echo 0 > /proc/sys/vm/overcommit_memory
echo 65536 > /sys/kernel/vmacct/trace/buffer_size
echo "kernel \$(uname -r), \$(nproc) CPUs, QEMU TCG guest"
now_ms() { read -r up _ < /proc/uptime; echo "\${up%.*}\${up#*.}0"; }
lines() { if [ -f "\$1" ]; then wc -l < "\$1"; else echo 0; fi; }
for round in \$(seq 1 $ROUNDS); do
	for fmt in text json; do
		for sink in file pipe; do
			rm -f /tmp/sink /tmp/err
			opt=""; [ \$fmt = json ] && opt=--json
			if [ \$sink = file ]; then
				vmacct trace --denied \$opt > /tmp/sink 2> /tmp/err &
				tool=\$!
			else
				( vmacct trace --denied \$opt 2> /tmp/err & echo \$! > /tmp/tool; wait ) | cat > /tmp/sink &
				sleep 0.2; tool=\$(cat /tmp/tool)
			fi
			# attached once the warm-up refusal reaches the sink
			n=0
			while [ "\$(lines /tmp/sink)" -lt 1 ] && [ \$n -lt 300 ]; do
				./vmacct_refuse_helper warm-up > /dev/null; sleep 0.1; n=\$((n + 1))
			done
			base=\$(lines /tmp/sink)
			kill -STOP \$tool
			./vmacct_refuse_helper storm $RECORDS > /dev/null || echo "refuse_helper failed"
			want=\$((base + $RECORDS))
			t0=\$(now_ms)
			kill -CONT \$tool
			n=0
			while [ "\$(lines /tmp/sink)" -lt \$want ] && [ \$n -lt 3000 ]; do
				sleep 0.02; n=\$((n + 1))
			done
			t1=\$(now_ms)
			got=\$((\$(lines /tmp/sink) - base))
			kill -TERM \$tool; wait
			dropped=\$(sed -n 's/.* \([0-9][0-9]*\) dropped.*/\1/p' /tmp/err)
			echo "DRAIN \$fmt \$sink records=\$got ms=\$((t1 - t0)) dropped=\${dropped:-?}"
		done
	done
done
vmacct unload
GUEST
	echo "== vmacct trace drain rate on $k"
	bench_guest bench-drain "$k" 1200
	r=$?
	[ "$r" = 0 ] || rc=1
	awk -v k="$k" -v want="$RECORDS" '
	function sort(a, n,   i, j, t) {
		for (i = 1; i <= n; i++)
			for (j = i + 1; j <= n; j++)
				if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	}
	/^kernel / { print; next }
	/^DRAIN / {
		split($4, r, "="); split($5, t, "="); split($6, dr, "=")
		key = $2 " " $3
		if (!(key in n)) order[++nk] = key
		rate = t[2] > 0 ? r[2] * 1000 / t[2] : 0
		v[key, ++n[key]] = rate
		if (r[2] != want || dr[2] != "0") bad = bad "\n  " $0
	}
	END {
		printf "%s: records a second, %d queued refusals, median (min..max) of %d rounds\n", k, want, n[order[1]]
		for (i = 1; i <= nk; i++) {
			key = order[i]
			for (j = 1; j <= n[key]; j++) a[j] = v[key, j]
			sort(a, n[key])
			m = n[key] % 2 ? a[(n[key] + 1) / 2] : (a[n[key] / 2] + a[n[key] / 2 + 1]) / 2
			printf "  %-12s %8.0f  (%.0f..%.0f)\n", key, m, a[1], a[n[key]]
		}
		if (bad != "") { printf "  incomplete or dropped:%s\n", bad; exit 1 }
	}' "$OUT/$k.txt" || rc=1
	echo "bench-drain $k: exit $r (output: $OUT/$k.txt)"
done
exit $rc
