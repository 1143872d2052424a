#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmacct selftest: `vmacct repro NAME --yes --json` for every reproduction,
# the same code path as the command, checked against sources the tool does
# not control: its exit status, the sysctls in /proc/sys/vm afterwards
# (also after a SIGINT in the middle of a run), and for the map-count
# reproductions the limit seen in /proc/sys/vm/max_map_count while it ran;
# then the promise to the host: nothing changes without --yes, and after
# a SIGKILL the state file holds the original values, a new repro refuses
# and `vmacct repro --restore` puts them back exactly.
#
# Runs as root with vmacct loaded.  TAP output.

. "$(dirname "$0")/tap.sh"

VM=/proc/sys/vm
TMP=${TMPDIR:-/tmp}/vmacct-repro-test.$$

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -c /dev/vmacct ] || skip_all "vmacct is not loaded"
command -v vmacct >/dev/null || skip_all "vmacct tool not in PATH"
mkdir -p "$TMP" || exit 1
trap 'rm -rf "$TMP"' EXIT

sysctls() {
	for f in overcommit_memory overcommit_ratio overcommit_kbytes max_map_count; do
		printf '%s=%s ' $f "$(cat $VM/$f)"
	done
}

# a number from the JSON line: the first "key":N
num() {
	grep -o "\"$1\":-\{0,1\}[0-9]*" "$2" | head -n 1 | cut -d: -f2
}

# every value max_map_count takes while the tool runs
watch_max() {
	: > "$TMP/max.seen"
	(
		last=
		while [ ! -e "$TMP/stop" ]; do
			v=$(cat $VM/max_map_count)	# busybox read: 1 byte per read(), and a sysctl read at an offset is empty
			[ "$v" = "$last" ] || echo "$v" >> "$TMP/max.seen"
			last=$v
		done
	) &
	watcher=$!
}

unwatch_max() {
	touch "$TMP/stop"
	wait $watcher
	rm -f "$TMP/stop"
}

# The fork reproduction in the background (pid), once it holds mode 2
# at min_ratio - 1 (output in $TMP/$1.out)
fork_held() {
	VMACCT_REPRO_HOLD=30 vmacct repro fork --yes < /dev/null > "$TMP/$1.out" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 300 ] && [ "$(cat $VM/overcommit_memory)" != 2 -o "$(cat $VM/overcommit_ratio)" = 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

echo "TAP version 13"
before=$(sysctls)
echo "# sysctls before: $before"

for name in map-files munmap-holes map-types big-alloc fork; do
	out=$TMP/$name.json
	# the map-count ones: held 1 s with the limit lowered, so the watcher
	# sees it.  No watcher during the others: in mode 2 near the limit
	# its own forks may be refused (a debug kernel commits more)
	hold=0
	case $name in map-files|munmap-holes) hold=1; watch_max ;; esac
	VMACCT_REPRO_HOLD=$hold vmacct repro $name --yes --json < /dev/null > "$out" 2> "$TMP/$name.err"
	rc=$?
	[ $hold = 1 ] && unwatch_max
	sed 's/^/# /' "$TMP/$name.err"
	check "$name: exit status 0" [ "$rc" = 0 ]
	check "$name: one JSON object, agree true" \
		grep -q "^{\"name\":\"$name\",\"agree\":true,\"error\":null," "$out"
	check "$name: no check disagrees" sh -c "! grep -q '\"agree\":false' '$out'"
	after=$(sysctls)
	check "$name: sysctls restored exactly ($after)" [ "$after" = "$before" ]
	if [ "$rc" != 0 ]; then
		sed 's/^/# /' "$out"
	fi

	case $name in
	map-files|munmap-holes)
		# the lowered limit, as /proc/sys/vm/max_map_count showed it
		lowered=$(grep -vx "$(echo "$before" | sed 's/.*max_map_count=\([0-9]*\).*/\1/')" "$TMP/max.seen" | head -n 1)
		got=$(num enomem_map_count "$out")
		echo "# max_map_count seen during the run: $(tr '\n' ' ' < "$TMP/max.seen")"
		if [ $name = map-files ]; then want=$((lowered + 1)); else want=$lowered; fi
		check "$name: ENOMEM at map_count $got = $( [ $name = map-files ] && echo 'max + 1' || echo max) ($want from $VM/max_map_count)" \
			test -n "$lowered" -a "$got" = "$want"
		check "$name: the module recorded the same map_count" \
			[ "$(num record_map_count "$out")" = "$got" ]
		;;
	fork)
		check "fork: ENOMEM at min_ratio - 1, success at min_ratio" \
			grep -q '"mode":2,"errno":12,"predicted_errno":12.*"mode":2,"errno":0,"predicted_errno":0' "$out"
		;;
	big-alloc)
		check "big-alloc: mode 0 and 2 refuse, mode 1 maps" \
			grep -q '"mode":0,"pages":[0-9]*,"errno":12.*"mode":1,"pages":[0-9]*,"errno":0.*"mode":2,"pages":[0-9]*,"errno":12' "$out"
		;;
	esac
done

# SIGINT in the middle: held in mode 2 at min_ratio - 1, the worst state
fork_held int
# past the ratio search: the hold comes right after it
sleep 1
mid=$(sysctls)
echo "# sysctls held: $mid"
kill -INT $pid
wait $pid
rc=$?
check "SIGINT mid-run: the sysctls were changed when it came" [ "$mid" != "$before" ]
check "SIGINT mid-run: the tool died of SIGINT (status $rc)" [ "$rc" = 130 ]
after=$(sysctls)
check "SIGINT mid-run: sysctls restored exactly ($after)" [ "$after" = "$before" ]

# SIGTERM the same way, during map-files
VMACCT_REPRO_HOLD=30 vmacct repro map-files --yes < /dev/null > "$TMP/term.out" 2>&1 &
pid=$!
i=0
while [ $i -lt 300 ] && [ "$(cat $VM/max_map_count)" = "$(echo "$before" | sed 's/.*max_map_count=\([0-9]*\).*/\1/')" ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM mid-run: the tool died of SIGTERM (status $rc)" [ "$rc" = 143 ]
after=$(sysctls)
check "SIGTERM mid-run: sysctls restored exactly ($after)" [ "$after" = "$before" ]

STATE=/run/vmacct/repro.state

# no --yes: nothing changed, whatever stdin is
vmacct repro fork < /dev/null > "$TMP/noyes.out" 2> "$TMP/noyes.err"
rc=$?
sed 's/^/# /' "$TMP/noyes.err"
check "without --yes: refused with exit 2 (got $rc)" [ "$rc" = 2 ]
check "without --yes: sysctls untouched, no state file" \
	sh -c "[ '$(sysctls)' = '$before' ] && [ ! -e $STATE ]"
check "SIGINT/SIGTERM runs left no state file" [ ! -e $STATE ]

# SIGKILL in the middle: the state file holds the values to put back
fork_held kill
sleep 1
kill -KILL $pid
wait $pid
mid=$(sysctls)
echo "# sysctls after SIGKILL: $mid"
sed 's/^/# state: /' $STATE
check "SIGKILL mid-run: the sysctls stay changed" [ "$mid" != "$before" ]
orig_mode=$(echo "$before" | sed 's/.*overcommit_memory=\([0-9]*\).*/\1/')
orig_ratio=$(echo "$before" | sed 's/.*overcommit_ratio=\([0-9]*\).*/\1/')
check "SIGKILL mid-run: $STATE holds the original mode $orig_mode and ratio $orig_ratio" \
	sh -c "grep -qx 'vm.overcommit_memory=$orig_mode' $STATE && grep -qx 'vm.overcommit_ratio=$orig_ratio' $STATE"
vmacct repro map-files --yes < /dev/null > "$TMP/pending.out" 2> "$TMP/pending.err"
rc=$?
sed 's/^/# /' "$TMP/pending.err"
check "restore pending: a new repro refuses with exit 1 (got $rc)" [ "$rc" = 1 ]
check "restore pending: it changed nothing" [ "$(sysctls)" = "$mid" ]
vmacct repro --restore > "$TMP/restore.out" 2>&1
rc=$?
sed 's/^/# /' "$TMP/restore.out"
check "repro --restore: exit 0 (got $rc)" [ "$rc" = 0 ]
after=$(sysctls)
check "repro --restore: sysctls restored exactly ($after)" [ "$after" = "$before" ]
check "repro --restore: the state file is gone" [ ! -e $STATE ]

echo "1..$n"
[ $failed = 0 ]
