#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmacct selftest: bpftrace sees the refusals vmacct sees.  One bpftrace
# attached to tracepoint:vmacct:vmacct_refusal, vmacct_decision (denied
# ones) and vmacct_map_count watches vmacct_refuse_helper make 5 mmap()
# calls that mode 2 refuses, then fail to start 3 times on
# vm.max_map_count.  Stopped with SIGINT, each of its counts must be the
# number of calls the helper saw fail with ENOMEM and the number of
# records the recorder added, and the fields of every event the helper's
# pid, name, pages and mode, or the count and the limit it failed on.
# The fields bpftrace reads must be those of the events' tracefs format.
#
# Runs as root with vmacct loaded.  Sets vm.overcommit_memory, _ratio and
# _kbytes, vm.max_map_count and recorder/enabled, and puts them back.
# Skips when bpftrace is not in the guest (scripts/check.sh installs the
# host's with run-guest.sh --bin) or cannot run a tracepoint program on
# this kernel; a bpftrace that runs but does not see vmacct's events fails.
# TAP output.

# shellcheck source=tap.sh
. "$(dirname "$0")/tap.sh"
HELPER=$(dirname "$0")/vmacct_refuse_helper
SYS=/sys/kernel/vmacct
VM=/proc/sys/vm
NR=5		# refused mmap() calls
NM=3		# start-ups that fail on the count
tmp=$(mktemp -d) || exit 1

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -c /dev/vmacct ] || skip_all "vmacct is not loaded"
[ -w "$SYS/recorder/enabled" ] || skip_all "the module has no recorder"
[ -x "$HELPER" ] || skip_all "$HELPER is missing"
command -v bpftrace > /dev/null ||
	skip_all "no bpftrace in the guest (scripts/check.sh passes the host's: apt-get install bpftrace)"

# bpftrace reads each event's format from tracefs; run-guest.sh's init
# mounts it where the kernel has it, a guest of another runner may not
TRACEFS=
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -d "$d/events" ] && TRACEFS=$d && break
done
if [ -z "$TRACEFS" ]; then
	err=$(mount -t tracefs nodev /sys/kernel/tracing 2>&1) ||
		skip_all "no tracefs, and mounting it failed: $err"
	TRACEFS=/sys/kernel/tracing
fi

# Can bpftrace run a tracepoint program on this kernel at all?  Asked of
# a tracepoint every kernel has (a failure on vmacct's is this test's
# failure, not the environment's): the bpf() system call, the verifier,
# attaching through perf_event_open(), the format parser and clang, with
# the libraries --bin brought.
bpftrace -e 'tracepoint:sched:sched_process_exit { @ = count(); } BEGIN { exit(); }' \
	> "$tmp/probe.out" 2>&1 ||
	skip_all "bpftrace $(bpftrace --version 2>&1) cannot run a tracepoint program on $(uname -r): $(grep -v '^Attaching' "$tmp/probe.out" | head -n 3 | tr '\n' ' ')"

old_oc=$(cat $VM/overcommit_memory)
old_ratio=$(cat $VM/overcommit_ratio)
old_kbytes=$(cat $VM/overcommit_kbytes)
old_mmc=$(cat $VM/max_map_count)
old_rec=$(cat "$SYS/recorder/enabled")
bt=
restore() {
	[ -z "$bt" ] || kill -KILL "$bt" 2> /dev/null
	echo "$old_mmc" > $VM/max_map_count
	echo "$old_kbytes" > $VM/overcommit_kbytes
	echo "$old_ratio" > $VM/overcommit_ratio
	echo "$old_oc" > $VM/overcommit_memory
	echo "$old_rec" > "$SYS/recorder/enabled"
	rm -rf "$tmp"
}
trap restore EXIT
echo 1 > "$SYS/recorder/enabled"
echo "# $(bpftrace --version), tracefs at $TRACEFS"

# the fields of event $1, as "TYPE NAME" lines: from tracefs's format
# (less the common_ ones every event has), and as bpftrace lists them
format_fields() {
	sed -n 's/^[[:space:]]*field:\(.*\);[[:space:]]*offset:.*/\1/p' \
		"$TRACEFS/events/vmacct/$1/format" | grep -v ' common_'
}
bpftrace_fields() {
	bpftrace -lv "tracepoint:vmacct:$1" | sed -n 's/^[[:space:]]\{1,\}//p'
}
same_fields() {
	format_fields "$1" > "$tmp/f.format"
	bpftrace_fields "$1" > "$tmp/f.bpftrace"
	[ -s "$tmp/f.format" ] && cmp -s "$tmp/f.format" "$tmp/f.bpftrace" && return 0
	echo "# tracefs: $(tr '\n' ',' < "$tmp/f.format")"
	echo "# bpftrace: $(tr '\n' ',' < "$tmp/f.bpftrace")"
	return 1
}

bpftrace -l 'tracepoint:vmacct:*' > "$tmp/list" 2>&1
printf 'tracepoint:vmacct:%s\n' vmacct_decision vmacct_map_count vmacct_refusal > "$tmp/list.want"
check "bpftrace -l lists the three vmacct tracepoints" cmp -s "$tmp/list" "$tmp/list.want"
for ev in vmacct_decision vmacct_refusal vmacct_map_count; do
	check "bpftrace -lv reads the fields of $ev that tracefs's format defines" same_fields "$ev"
done

# start_at MAX: start the helper (asking for one mmap()) with
# vm.max_map_count at MAX, for no longer than it runs: every process with
# more mappings, this shell and bpftrace included, can add none
# meanwhile.  Its pid in pid, exit status in rc, output in out.
start_at() {
	echo "$1" > $VM/max_map_count
	"$HELPER" bpft-start 1 > "$tmp/h.out" 2>&1 &
	pid=$!
	wait $pid
	rc=$?
	echo "$old_mmc" > $VM/max_map_count
	out=$(cat "$tmp/h.out")
}
# did it die of the mprotect() of its start-up (glibc's words, strerror)?
relro_enomem() {
	case $rc:$out in
	"127:"*"cannot apply additional memory protection after relocation: Cannot allocate memory") ;;
	*) return 1 ;;
	esac
}

# The map-count failures are the helper's start-up, under a limit just
# below what it needs.  Its own mmap() cannot be the call that fails:
# glibc's start-up of a static program ends with the mprotect() that
# makes its RELRO read-only, which splits a VMA (split_vma(): fails once
# map_count >= max) when the count is K - 1, and the helper's mmap() then
# comes at K (do_mmap(): fails once map_count > max); no limit passes the
# one and fails the other.  Under max = K - 1 that mprotect() is the one
# call that fails (exec's and the heap's VMAs came at counts <= max - 1
# and pass), glibc prints strerror(ENOMEM) and the helper exits 127
# before main().  Found from well above K down: the helper starts (and
# in mode 1 its mmap() is granted: nothing else refuses it) until it
# cannot.
echo 1 > $VM/overcommit_memory
top=64
max=$top
M=
while [ $max -gt 0 ]; do
	start_at $max
	case $rc:$out in
	"1:mmap of "*" succeeded: not refused") max=$((max - 1)) ;;
	*) M=$max; break ;;
	esac
done
# it started under M + 1 (the limit was lowered from above), died of
# that mprotect() under M
calibrated() {
	[ -n "$M" ] && [ "$M" -lt $top ] && relro_enomem
}
echo "# this shell has $(wc -l < /proc/$$/maps) mappings"
check "the helper starts under vm.max_map_count $((M + 1)), not under $M (exit $rc: ${out#: })" calibrated

# "ready" reaches the output only once bpftrace polls its buffers, which
# it starts after attaching every probe (BEGIN itself may fire before).
# The SIGINT that stops it is seen by its own program too, which then
# calls exit(): bpftrace 0.17's SIGINT handler only sets a flag, read
# when epoll_wait() fails with EINTR or when an event arrives, so a
# SIGINT that lands between two 100 ms polls is never acted on (it hung
# one CI run); exit()'s event is read whenever the signal landed.
prog='
BEGIN { printf("ready\n"); }
tracepoint:signal:signal_generate /args->sig == 2 && args->comm == "bpftrace"/ {
	exit();
}
tracepoint:vmacct:vmacct_refusal {
	@refusals = count();
	@refusal[args->pid, args->tgid, args->comm, args->caller, args->mode,
		 args->pages] = count();
}
tracepoint:vmacct:vmacct_decision /args->verdict != 0/ {
	@denied = count();
	@decision[args->pid, args->tgid, args->comm, args->caller, args->mode,
		  args->verdict, args->pages] = count();
}
tracepoint:vmacct:vmacct_map_count {
	@map_counts = count();
	@map_count[args->comm, args->syscall, args->map_count,
		   args->max_map_count, args->enough] = count();
	@map_pid[args->pid, args->tgid] = count();
}'
t0=$(date +%s)
bpftrace -B none -e "$prog" > "$tmp/bt.out" 2> "$tmp/bt.err" &
bt=$!
# (up to 2 minutes: it compiles with LLVM under TCG; no wait once it died)
ready_or_dead() {
	grep -qx ready "$tmp/bt.out" || dead "$bt"
}
wait_for 1200 ready_or_dead
check "bpftrace attached its 5 probes (in $(($(date +%s) - t0)) s)" grep -qx ready "$tmp/bt.out"

# Mode 2 at ratio 100 and no kbytes: the helper asks for RAM + swap +
# 1 GiB, which no ratio up to 100 allows, while everything else (this
# shell, bpftrace) has the most room it can get: only its calls are
# refused.
rec0=$(cat "$SYS/recorder/records")
echo 0 > $VM/overcommit_kbytes
echo 100 > $VM/overcommit_ratio
echo 2 > $VM/overcommit_memory
out=$("$HELPER" bpft-refuse $NR)
rc=$?
echo 1 > $VM/overcommit_memory
rec1=$(cat "$SYS/recorder/records")
check "mode 2 refused each of the helper's $NR mmap() calls with ENOMEM ($out)" \
	[ "$rc:${out%% *}" = 0:refused ]
r_tid=$(echo "$out" | cut -d' ' -f2)
r_pages=$(echo "$out" | cut -d' ' -f3)

# NM start-ups under max = M, each failing on the count once
pids=
n_enomem=0
i=0
while [ $i -lt $NM ]; do
	start_at $M
	relro_enomem && n_enomem=$((n_enomem + 1))
	pids="$pids $pid"
	i=$((i + 1))
done
rec2=$(cat "$SYS/recorder/records")
echo "$old_oc" > $VM/overcommit_memory
check "under vm.max_map_count $M the helper failed to start with ENOMEM $n_enomem times of $NM (pids$pids)" \
	[ $n_enomem = $NM ]

kill -INT "$bt"
wait_for 600 dead "$bt"
# still running a minute later: say in the result itself where each
# thread waits (a CI log may keep only result lines), then kill it (a
# failure, not a suite that hangs in the wait below)
hung=
if ! dead "$bt"; then
	for t in /proc/"$bt"/task/*; do
		hung="$hung ${t##*/} $(tr -c '[:alnum:]._-' '_' < "$t/comm" 2>/dev/null)"
		hung="$hung $(sed -n 's/^State:\t\(.\).*/\1/p' "$t/status" 2>/dev/null)"
		hung="$hung $(tr -c '[:alnum:]._-' '_' < "$t/wchan" 2>/dev/null);"
	done
	sed 's/^/# bpftrace: /' "$tmp/bt.err"
	kill -KILL "$bt"
fi
check "bpftrace stops on SIGINT${hung:+ (still runs 60 s later; threads:$hung)}" [ -z "$hung" ]
wait "$bt"
check "... and exits 0" [ $? = 0 ]
bt=
sed 's/^/# bpftrace: /' "$tmp/bt.out" "$tmp/bt.err" | grep -v ': $'
check "... and lost no event" sh -c "! grep -q '^Lost ' '$tmp/bt.out'"

# the value of bpftrace's map line "$1: N"; 0 when it printed none (a
# map it never wrote)
value() {
	v=$(grep -F "$1: " "$tmp/bt.out" | sed 's/.*: //')
	echo "${v:-0}"
}
# the lines of map $1: one per distinct key
keys() {
	grep "^@$1\[" "$tmp/bt.out"
}
# the recorder's records of process $1 of type $2 (decision, map_count)
recorded() {
	vmacct log --json --pid "$1" | grep -c "\"type\":\"$2\""
}
# each of the helper's pids $pids has one map-count event and one record
one_each() {
	[ "$(keys map_pid | wc -l)" = $NM ] || return 1
	for p in $pids; do
		keys map_pid | grep -qx "@map_pid\[$p, $p\]: 1" || return 1
		[ "$(recorded "$p" map_count)" = 1 ] || return 1
	done
}
# the limit the event names, E = $1, is one the helper starts under:
# it did at M + 1 and at every limit above
starts_under() {
	[ -n "$1" ] && [ "$1" -gt "$M" ]
}

n_ref=$(value @refusals)
n_den=$(value @denied)
n_map=$(value @map_counts)
check "bpftrace counted $NR vmacct_refusal events ($n_ref)" [ "$n_ref" = $NR ]
check "... as many as the recorder added ($((rec1 - rec0))), all of pid $r_tid ($(recorded "$r_tid" decision))" \
	[ "$n_ref:$n_ref" = "$((rec1 - rec0)):$(recorded "$r_tid" decision)" ]
check "... each of pid $r_tid, bpft-refuse, mmap, mode 2, $r_pages pages" \
	[ "$(keys refusal)" = "@refusal[$r_tid, $r_tid, bpft-refuse, 1, 2, $r_pages]: $NR" ]
check "bpftrace counted $NR denied vmacct_decision events ($n_den)" [ "$n_den" = $NR ]
check "... each of the same pid, mmap, mode 2, -ENOMEM, $r_pages pages" \
	[ "$(keys decision)" = "@decision[$r_tid, $r_tid, bpft-refuse, 1, 2, -12, $r_pages]: $NR" ]
check "bpftrace counted $NM vmacct_map_count events ($n_map)" [ "$n_map" = $NM ]
check "... as many as the recorder added ($((rec2 - rec1)))" [ "$n_map" = $((rec2 - rec1)) ]
check "... one of each helper's pid, recorded for it" one_each
# the name is exec's (the helper never got to its prctl())
enough=$(keys map_count | sed -n "s/^@map_count\[vmacct_refuse_h, 3, $M, $M, \([0-9]*\)\]: $NM\$/\1/p")
check "... each of vmacct_refuse_h, mprotect, at $M mappings of $M" [ -n "$enough" ]
check "... naming a limit it starts under ($enough)" starts_under "$enough"

echo "1..$n"
[ "$failed" = 0 ]
