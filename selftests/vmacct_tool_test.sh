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

# With the module unloaded: status says so (exit 3) with the fix, and an
# unprivileged load is refused as a permission problem (exit 4).
not_loaded_is_exit_3_with_hint() {
	vmacct unload >/dev/null || return 1
	ret=0
	status_exit 3 vmacct status || ret=1
	grep -q "vmacct load" /tmp/vmacct-err || { echo "# no hint"; ret=1; }
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

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -d "$SYS" ] || skip_all "vmacct not loaded"
[ -n "$KO" ] && [ -f "$KO" ] || skip_all "VMACCT_KO not set"
command -v vmacct >/dev/null || skip_all "vmacct tool not in PATH"

echo "1..14"
check "vmacct status exits 0" status_exit 0 vmacct status
check "status --json equals every sysfs value" json_matches_sysfs
check "status --json follows overcommit_memory writes" json_follows_mode
check "mode 1 warns that nothing is checked" mode1_warns
check "status as nobody works (global terms are open)" \
	status_exit 0 su -s /bin/sh nobody -c 'vmacct status'
check "ps --json map_count of pid 1 equals its maps lines" ps_map_count_equals_maps_lines
check "ps --json charge of pid 1 equals its smaps 'ac' sizes" ps_charge_equals_smaps
check "fork-check charge of pid 1 equals smaps 'ac' without 'dc'" fork_check_charge_equals_smaps
check "check SIZE flips from allow to deny at guess_ceiling + 1 page" check_flips_at_guess_ceiling
check "status --prometheus: counters of decisions by caller, summing to stats/decisions" \
	prometheus_counts_decisions
check "status --prometheus: max_map_count, CommitLimit, pid 1's mappings as /proc" \
	prometheus_matches_proc
check "unloaded: status exits 3 with a hint, load as nobody exits 4" \
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
