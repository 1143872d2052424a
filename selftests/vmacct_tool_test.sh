#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmacct selftest: the tool end to end against the loaded module, and the
# ABI documentation against the files the module really creates.
#
# Runs as root with vmacct loaded; VMACCT_KO names the module file and
# VMACCT_ABI_DOC the sysfs ABI document.  TAP output.

KO=${VMACCT_KO:-}
DOC=${VMACCT_ABI_DOC:-/payload/sysfs-kernel-vmacct}
SYS=/sys/kernel/vmacct
. "$(dirname "$0")/tap.sh"

# value of a numeric key in `vmacct status --json` (flat keys only)
json_num() {
	tr ',{}' '\n\n\n' | sed -n "s/^ *\"$1\": *\\(-\\?[0-9][0-9]*\\) *\$/\\1/p" | head -n 1
}

json_matches_sysfs() {
	json=$(vmacct status --json) || return 1
	for f in commit/limit commit/totalram commit/total_swap commit/hugetlb \
		 commit/guess_ceiling commit/admin_reserve commit/user_reserve \
		 policy/overcommit_memory policy/overcommit_ratio \
		 policy/overcommit_kbytes policy/max_map_count; do
		key=${f#*/}
		got=$(echo "$json" | json_num "$key")
		want=$(cat "$SYS/$f")
		if [ "$got" != "$want" ]; then
			echo "# $key: json '$got', sysfs '$want'"
			return 1
		fi
	done
}

json_follows_mode() {
	old=$(cat /proc/sys/vm/overcommit_memory)
	ret=0
	for m in 2 1 0; do
		echo $m > /proc/sys/vm/overcommit_memory
		got=$(vmacct status --json | json_num overcommit_memory)
		[ "$got" = "$m" ] || { echo "# mode $m: json says '$got'"; ret=1; }
	done
	echo "$old" > /proc/sys/vm/overcommit_memory
	return $ret
}

# The warning an operator needs in mode 1.  (Mode 2 above CommitLimit
# cannot be shown from inside: no process could be started to show it;
# the host tests cover that warning on fixtures.)
mode1_warns() {
	old_mode=$(cat /proc/sys/vm/overcommit_memory)
	echo 1 > /proc/sys/vm/overcommit_memory
	out=$(vmacct status 2>&1)
	echo "$old_mode" > /proc/sys/vm/overcommit_memory
	echo "$out" | grep -q '^warning: mode 1 (always): no checks at all' ||
		{ echo "$out" | sed 's/^/# /'; return 1; }
}

# status --prometheus against /proc: the limit, CommitLimit, pid 1's
# mappings.  The output is also printed as "# prom: " lines, from which
# scripts/check.sh feeds Prometheus's promtool on the host.
prometheus_matches_proc() {
	out=$(vmacct status --prometheus --top 100000) || return 1
	echo "$out" | sed 's/^/# prom: /'
	echo "$out" | grep -qx 'vmacct_up 1' || { echo "# no vmacct_up 1"; return 1; }
	got=$(echo "$out" | sed -n 's/^vmacct_mappings_max \([0-9]*\)$/\1/p')
	want=$(cat /proc/sys/vm/max_map_count)
	[ "$got" = "$want" ] || { echo "# vmacct_mappings_max '$got', /proc '$want'"; return 1; }
	got=$(echo "$out" | sed -n 's/^vmacct_commit_limit_bytes \([0-9]*\)$/\1/p')
	want=$(($(sed -n 's/^CommitLimit: *\([0-9]*\) kB$/\1/p' /proc/meminfo) * 1024))
	[ "$got" = "$want" ] || { echo "# vmacct_commit_limit_bytes '$got', meminfo '$want'"; return 1; }
	got=$(echo "$out" | sed -n 's/^vmacct_process_mappings{pid="1",comm="[^"]*"} \([0-9]*\)$/\1/p')
	# [vsyscall] is listed in maps but is no VMA (kernels with vsyscall=xonly)
	want=$(grep -vc '\[vsyscall\]' /proc/1/maps)
	[ "$got" = "$want" ] || { echo "# pid 1: vmacct_process_mappings '$got', maps lines '$want'"; return 1; }
}

# The counters: three execve()s while counting add at least three
# exec-stack decisions; with counting off again the series add up to
# stats/decisions exactly.  (vmacct_stats_test checks exact counts.)
prom_value() {	# series-selector text
	echo "$2" | awk -v s="$1" 'index($0, s " ") == 1 { print $2 }'
}
prometheus_counts_decisions() {
	sel='vmacct_commit_decisions_total{caller="exec_stack"}'
	echo 1 > "$SYS/stats/enabled" || return 1
	a=$(prom_value "$sel" "$(vmacct status --prometheus --top 0)")
	sh -c true; sh -c true; sh -c true
	echo 0 > "$SYS/stats/enabled" || return 1
	out=$(vmacct status --prometheus --top 0) || return 1
	b=$(prom_value "$sel" "$out")
	echo "# exec_stack decisions: $a, then $b after 3 execs"
	[ -n "$a" ] && [ -n "$b" ] && [ $((b - a)) -ge 3 ] || return 1
	[ "$(prom_value vmacct_stats_enabled "$out")" = 0 ] || return 1
	sum=$(echo "$out" | awk '/^vmacct_commit_decisions_total\{/ { n += $2 } END { print n + 0 }')
	echo "# series sum $sum, stats/decisions $(cat "$SYS/stats/decisions")"
	[ "$sum" = "$(cat "$SYS/stats/decisions")" ]
}

status_exit() {	# expected-code command...
	want=$1
	shift
	"$@" >/dev/null 2>/tmp/vmacct-err
	got=$?
	[ "$got" = "$want" ] || { echo "# $*: exit $got, want $want"; sed 's/^/# /' /tmp/vmacct-err; return 1; }
}

# With the module unloaded: check says so (exit 3) with the fix, status answers from /proc, and an
# unprivileged load is refused as a permission problem (exit 4).
not_loaded_is_exit_3_with_hint() {
	vmacct unload >/dev/null || return 1
	ret=0
	status_exit 3 vmacct check 1M || ret=1
	grep -q "vmacct load" /tmp/vmacct-err || { echo "# no hint"; ret=1; }
	status_exit 0 vmacct status || ret=1	# from /proc
	grep -q "showing what /proc gives" /tmp/vmacct-err || { echo "# status not labelled /proc"; ret=1; }
	status_exit 4 su -s /bin/sh nobody -c "vmacct load --ko $KO" || ret=1
	[ -d "$SYS" ] && { echo "# nobody loaded the module"; ret=1; }
	vmacct load --ko "$KO" >/dev/null || ret=1
	return $ret
}

documented_files() {
	sed -n 's|^What:[[:space:]]*/sys/kernel/vmacct/||p' "$DOC" | sort
}

real_files() {
	(cd "$SYS" && find . -type f | sed 's|^\./||' | sort)
}

every_file_documented() {
	missing=$(real_files | grep -vxF "$(documented_files)")
	[ -z "$missing" ] || { echo "# undocumented: $missing"; return 1; }
}

every_documented_file_exists() {
	extra=$(documented_files | grep -vxF "$(real_files)")
	[ -z "$extra" ] || { echo "# documented but absent: $extra"; return 1; }
}

# ps --json: the object of one pid, flattened to one line
ps_entry() {
	vmacct ps --json | tr -d '\n' | sed 's/},\? *{ *"pid"/}\n{"pid"/g' |
		grep "\"pid\": $1," | head -n 1
}

ps_map_count_equals_maps_lines() {
	want=$(grep -vc '\[vsyscall\]' /proc/1/maps)
	got=$(ps_entry 1 | json_num map_count)
	[ "$got" = "$want" ] || { echo "# pid 1: ps says '$got', /proc/1/maps has $want"; return 1; }
}

# pages of VMAs whose smaps VmFlags match $2 and not $3, for pid $1
smaps_pages() {
	awk -v want="$2" -v not="$3" '
		/^[0-9a-f]+-[0-9a-f]+ / { split($1, r, "-"); size = 0 }
		/^Size:/ { size = $2 }
		/^VmFlags:/ {
			has = 0; bad = 0
			for (i = 2; i <= NF; i++) { if ($i == want) has = 1; if (not != "" && $i == not) bad = 1 }
			if (has && !bad) total += size
		}
		END { print total / 4 }' "/proc/$1/smaps"
}

# ps PID -o: NEW and SPLITS from /proc: mmap() may add VMAs until
# map_count > max_map_count, a split needs map_count < max_map_count
ps_headrooms_equal_proc() {
	line=$(vmacct ps -rn -o pid,maps,new,splits,max 1) || return 1
	maps=$(grep -vc '\[vsyscall\]' /proc/1/maps)
	max=$(cat /proc/sys/vm/max_map_count)
	want="1 $maps $((max + 1 - maps)) $((max - maps)) $max"
	[ "$line" = "$want" ] || { echo "# ps -rn 1: '$line', from /proc: '$want'"; return 1; }
}

# ps PID... lists those and no other; a PID that is no process: exit 1
ps_pids_given() {
	out=$(vmacct ps -rn -o pid 1 $$) || return 1
	[ "$(printf '%s\n' "$out" | sort -n | tr '\n' ' ')" = "$(printf '%s\n' 1 $$ | sort -n | tr '\n' ' ')" ] ||
		{ echo "# ps 1 $$: '$out'"; return 1; }
	vmacct ps 1 2147483647 > /dev/null 2>&1
	[ $? = 1 ] || { echo "# ps of a pid that is no process did not exit 1"; return 1; }
}

# ps --user nobody: only nobody's processes (a sleep run as nobody), by /proc's owner
ps_user_filter() {
	su -s /bin/sh nobody -c 'exec sleep 30' &
	sp=$!
	sleep 0.5
	out=$(vmacct ps -rn -o pid,user --user nobody) || { kill $sp; return 1; }
	kill $sp
	wait $sp 2>/dev/null
	printf '%s\n' "$out" | grep -q " nobody\$" || { echo "# ps --user nobody: '$out'"; return 1; }
	printf '%s\n' "$out" | grep -vq " nobody\$" && { echo "# another user's row: '$out'"; return 1; }
	return 0
}

ps_charge_equals_smaps() {
	want=$(smaps_pages 1 ac)
	got=$(ps_entry 1 | json_num charge_pages)
	[ "$got" = "$want" ] || { echo "# pid 1: ps charge '$got', smaps ac $want"; return 1; }
}

fork_check_charge_equals_smaps() {
	want=$(smaps_pages 1 ac dc)
	got=$(vmacct fork-check 1 --json | json_num charge_pages)
	[ "$got" = "$want" ] || { echo "# pid 1: fork-check '$got', smaps ac without dc $want"; return 1; }
}

# The tool's SIZE arithmetic meets the kernel's verdict exactly: in mode 0
# the largest request allowed is guess_ceiling pages.
check_flips_at_guess_ceiling() {
	ceil=$(cat $SYS/commit/guess_ceiling)
	a=$(vmacct check "${ceil}p" --mode 0 --json | sed -n 's/^ *"verdict": "\(.*\)",\?$/\1/p' | head -n 1)
	d=$(vmacct check "$((ceil + 1))p" --mode 0 --json | sed -n 's/^ *"verdict": "\(.*\)",\?$/\1/p' | head -n 1)
	bytes=$(vmacct check "$((ceil * 4096))" --mode 0 --json | sed -n 's/^ *"verdict": "\(.*\)",\?$/\1/p' | head -n 1)
	[ "$a/$d/$bytes" = "allow/deny/allow" ] || { echo "# at $ceil pages: $a, +1: $d, in bytes: $bytes"; return 1; }
}

# A size with a fraction is rounded up to whole bytes, then pages: half a
# KiB under guess_ceiling's pages is allowed, half a KiB over is not.
check_fraction_at_guess_ceiling() {
	ceil=$(cat $SYS/commit/guess_ceiling)
	kib=$((ceil * 4096 / 1024))
	a=$(vmacct check "$((kib - 1)).5k" --mode 0 --json | sed -n 's/^ *"verdict": "\(.*\)",\?$/\1/p' | head -n 1)
	d=$(vmacct check "${kib}.5K" --mode 0 --json | sed -n 's/^ *"verdict": "\(.*\)",\?$/\1/p' | head -n 1)
	[ "$a/$d" = "allow/deny" ] || { echo "# $((kib - 1)).5k: $a, ${kib}.5K: $d"; return 1; }
}

# check --pid names RLIMIT_AS when it refuses before the accounting: a
# sleep under ulimit -v 100 MiB; the kernel agrees (dd's buffer of the
# same size fails under the same limit, a small one does not)
check_names_rlimit_as() {
	sh -c 'ulimit -v 102400; exec sleep 30' &
	sp=$!
	sleep 0.3
	big=$(vmacct check 200M --pid $sp)
	small=$(vmacct check 1M --pid $sp)
	kill $sp
	wait $sp 2>/dev/null
	has "$big" "first refused by: RLIMIT_AS of pid $sp (100 MiB)" || { echo "# 200M: $big"; return 1; }
	has "$small" "first refused by" && { echo "# 1M: $small"; return 1; }
	sh -c 'ulimit -v 102400; dd if=/dev/zero of=/dev/null bs=200M count=1' 2>/dev/null &&
		{ echo "# a 200 MiB buffer was allocated under a 100 MiB RLIMIT_AS"; return 1; }
	sh -c 'ulimit -v 102400; dd if=/dev/zero of=/dev/null bs=1M count=1' 2>/dev/null ||
		{ echo "# a 1 MiB buffer was refused"; return 1; }
}

# trace --duration takes a unit and a fraction: 1.5s ends it after 1.5 s.
trace_duration_fraction() {
	t0=$(cut -d' ' -f1 /proc/uptime)
	vmacct trace --duration 1.5s > /dev/null 2>&1 || return 1
	t1=$(cut -d' ' -f1 /proc/uptime)
	awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; print "# ran " d " s"; exit !(d >= 1.4 && d < 10) }'
}

# A process with a hostile name (issue 14): a script named hh, 0xff,
# ESC[31m, tab, quote, backslash, newline and U+1F600, 16 bytes, which
# the kernel cuts to 15 for comm, inside the emoji.  It forks a subshell
# five times a second: fork decisions for trace, under that name.
HDIR=${TMPDIR:-/tmp}/vmacct-hostile.$$
HNAME=$(printf 'hh\377\033[31m\t"\\\n\360\237\230\200')
HPID=
# its comm as each face must write it (printf '%s', never echo, for these)
HTEXT='hh\xff\x1b[31m\x09"\\\x0a\xf0\x9f\x98'
HCOLUMN='hh\xff\x1b[31m\x09"\\x0a\xf0\x9f\x98'	# ps shows it whole, as lsblk escapes
HJSON='hh\ufffd\u001b[31m\t\"\\\n\ufffd'

hostile_start() {
	mkdir -p "$HDIR" || return 1
	# shellcheck disable=SC2016 # $1 is the script's own
	printf '#!/bin/sh\nwhile [ ! -e "$1" ]; do (exit 0); sleep 0.2; done\n' > "$HDIR/$HNAME"
	chmod +x "$HDIR/$HNAME" || return 1
	"$HDIR/$HNAME" "$HDIR/stop" &
	HPID=$!
	wait_for 100 grep -q '^hh' "/proc/$HPID/comm"
}

hostile_stop() {
	[ -n "$HPID" ] || return 0
	touch "$HDIR/stop"
	wait "$HPID"
	rm -rf "$HDIR"
	HPID=
}

# does $1 hold a byte that is not printable ASCII (newlines aside)?
not_ascii() {
	printf '%s\n' "$1" | LC_ALL=C grep -q '[^ -~]'
}

# does $1 hold a control byte (newlines aside)?  UTF-8 text is allowed.
has_control() {
	printf '%s\n' "$1" | LC_ALL=C grep -q '[[:cntrl:]]'
}

# does $1 contain the text $2 (no pattern)?
has() {
	printf '%s\n' "$1" | grep -qF -- "$2"
}

hostile_ps() {
	out=$(vmacct ps) || return 1
	not_ascii "$out" && { echo "# ps: a byte that is not printable ASCII"; return 1; }
	has "$out" " $HCOLUMN " || { echo "# ps: no row for $HCOLUMN"; return 1; }
	raw=$(vmacct ps -r -n -o pid,comm,maps "$HPID") || return 1
	[ "$raw" = "$HPID hh\xff\x1b[31m\x09\"\x5c\x0a\xf0\x9f\x98 $(grep -vc '\[vsyscall\]' /proc/$HPID/maps)" ] ||
		{ echo "# ps -r: '$raw'"; return 1; }
}

hostile_ps_json() {
	out=$(vmacct ps --json) || return 1
	not_ascii "$out" && { echo "# ps --json: a byte that is not printable ASCII"; return 1; }
	has "$out" "\"comm\": \"$HJSON\"" || { echo "# ps --json: no comm $HJSON"; return 1; }
}

# the stream: the name escaped, pid the process, tid the thread, and the
# time also in ISO 8601
hostile_trace_json() {
	out=$(vmacct trace --json --pid "$HPID" --count 3 --duration 10 2>/dev/null) || return 1
	[ -n "$out" ] || { echo "# trace --json: no record of pid $HPID"; return 1; }
	not_ascii "$out" && { echo "# trace --json: a byte that is not printable ASCII"; return 1; }
	printf '%s\n' "$out" | head -n 1 | sed 's/^/# /'
	printf '%s\n' "$out" | grep -qvF "\"pid\":$HPID,\"tid\":$HPID,\"comm\":\"$HJSON\"" &&
		{ echo "# trace --json: a record without pid, tid and the escaped comm"; return 1; }
	has "$out" '"tgid"' && { echo "# trace --json: tgid is gone"; return 1; }
	printf '%s\n' "$out" |
		grep -qv '"realtime":"[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{9\}Z"' &&
		{ echo "# trace --json: a record without realtime in ISO 8601"; return 1; }
	return 0
}

hostile_trace_text() {
	out=$(vmacct trace --pid "$HPID" --count 2 --duration 10 2>/dev/null) || return 1
	has_control "$out" && { echo "# trace: a control byte"; return 1; }
	has "$out" " ${HTEXT}[$HPID/$HPID] " || { echo "# trace: no line for $HTEXT"; return 1; }
}

hostile_check_fork() {
	out=$(vmacct check 4k --pid "$HPID") || return 1
	has_control "$out" && { echo "# check: a control byte"; return 1; }
	has "$out" "pid $HPID ($HTEXT)" || { echo "# check: no escaped name"; return 1; }
	out=$(vmacct fork-check "$HPID") || return 1
	has_control "$out" && { echo "# fork-check: a control byte"; return 1; }
	has "$out" "fork() of pid $HPID ($HTEXT)" || { echo "# fork-check: no escaped name"; return 1; }
	out=$(vmacct fork-check "$HPID" --json) || return 1
	not_ascii "$out" && { echo "# fork-check --json: a byte that is not printable ASCII"; return 1; }
	has "$out" "\"comm\": \"$HJSON\"" || { echo "# fork-check --json: no comm $HJSON"; return 1; }
}

# Prometheus: the series of the hostile process, its label escaped as the
# text format says: U+FFFD for 0xff, ESC, tab and the cut emoji, \" \\ \n
# (promtool reads the "# prom: " lines of prometheus_matches_proc on the
# host, this process among them)
hostile_prometheus() {
	out=$(vmacct status --prometheus --top 100000) || return 1
	has_control "$out" && { echo "# prometheus: a control byte"; return 1; }
	fffd=$(printf '\357\277\275')
	has "$out" "vmacct_process_mappings{pid=\"$HPID\",comm=\"hh$fffd${fffd}[31m$fffd\\\"\\\\\\n$fffd\"} " ||
		{ echo "# prometheus: no series for pid $HPID with the escaped name"; return 1; }
}

# JSON margins: no 9223372036854775807, null with its reason
check_mode1_margin_null() {
	out=$(vmacct check 4k --mode 1 --json) || return 1
	has "$out" 9223372036854775807 && { echo "# the sentinel is back"; return 1; }
	if ! has "$out" '"margin_pages": null,' ||
	   ! has "$out" '"margin_unlimited_reason": "mode_1_no_check",'; then
		printf '%s\n' "$out" | sed 's/^/# /'
		return 1
	fi
}

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -d "$SYS" ] || skip_all "vmacct not loaded"
[ -n "$KO" ] && [ -f "$KO" ] || skip_all "VMACCT_KO not set"
command -v vmacct >/dev/null || skip_all "vmacct tool not in PATH"

trap hostile_stop EXIT
hostile_start || { echo "# cannot start a process with a hostile name"; HPID=; }

echo "1..27"
check "vmacct status exits 0" status_exit 0 vmacct status
check "status --json equals every sysfs value" json_matches_sysfs
check "status --json follows overcommit_memory writes" json_follows_mode
check "mode 1 warns that nothing is checked" mode1_warns
check "status as nobody works (global terms are open)" \
	status_exit 0 su -s /bin/sh nobody -c 'vmacct status'
check "ps --json map_count of pid 1 equals its maps lines" ps_map_count_equals_maps_lines
check "ps --json charge of pid 1 equals its smaps 'ac' sizes" ps_charge_equals_smaps
check "ps -o NEW, SPLITS of pid 1 are max + 1 - maps and max - maps from /proc" ps_headrooms_equal_proc
check "ps PID... lists exactly those; a PID that is no process exits 1" ps_pids_given
check "ps --user nobody lists only nobody's processes" ps_user_filter
check "fork-check charge of pid 1 equals smaps 'ac' without 'dc'" fork_check_charge_equals_smaps
check "check SIZE flips from allow to deny at guess_ceiling + 1 page" check_flips_at_guess_ceiling
check "check SIZE with a fraction rounds up to the page the kernel judges" check_fraction_at_guess_ceiling
check "trace --duration 1.5s ends after 1.5 s" trace_duration_fraction
check "check --pid names RLIMIT_AS when it refuses first, as dd finds" check_names_rlimit_as
check "status --prometheus: counters of decisions by caller, summing to stats/decisions" \
	prometheus_counts_decisions
check "status --prometheus: max_map_count, CommitLimit, pid 1's mappings as /proc" \
	prometheus_matches_proc
check "hostile name: ps shows it as \\xNN escapes, printable ASCII only" hostile_ps
check "hostile name: ps --json as \\u escapes and U+FFFD, printable ASCII only" hostile_ps_json
check "hostile name: trace --json escapes it; pid is the process, tid the thread, realtime ISO 8601" \
	hostile_trace_json
check "hostile name: trace lines escape it, no control byte" hostile_trace_text
check "hostile name: check and fork-check (human and JSON) escape it" hostile_check_fork
check "hostile name: status --prometheus label escaped, no control byte" hostile_prometheus
check "check --mode 1 --json: margin_pages null with margin_unlimited_reason" \
	check_mode1_margin_null
check "unloaded: check exits 3 with a hint, status answers from /proc, load as nobody exits 4" \
	not_loaded_is_exit_3_with_hint
if [ -f "$DOC" ]; then
	check "every sysfs file is in the ABI document" every_file_documented
	check "every documented file exists" every_documented_file_exists
else
	n=$((n + 2))
	echo "ok $((n - 1)) every sysfs file is in the ABI document # SKIP no $DOC"
	echo "ok $n every documented file exists # SKIP no $DOC"
fi
[ "$failed" = 0 ]
