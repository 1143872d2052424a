#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmacct selftest: who holds the commit, by cgroup.  In cgroup v2
# directories shaped like the ones systemd, Docker and the kubelet make,
# processes of known charges (vmacct_stress_helper hold PAGES); then
# `vmacct ps --by cgroup` against an independent source, the "ac" VMAs of
# each process's /proc/PID/smaps; its names; aggregates that follow a
# process that moves and one that exits; the CGROUP column; the stream's
# records (cgroup id = the directory's inode number); the Prometheus
# series; and, before cgroup2 is mounted, what the tool says without it.
#
# Runs as root with vmacct loaded and the tool installed.  TAP output.

HELPER=$(dirname "$0")/vmacct_stress_helper
REFUSE=$(dirname "$0")/vmacct_refuse_helper
. "$(dirname "$0")/tap.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -c /dev/vmacct ] || skip_all "/dev/vmacct: the module is not loaded"
command -v vmacct > /dev/null || skip_all "no vmacct tool in the guest"
[ -x "$HELPER" ] || skip_all "no $HELPER"
grep -q '^0::' /proc/self/cgroup || skip_all "no cgroup v2 line in /proc/self/cgroup"

ID=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
UID_=6b9f0e1c_1234_4abc_8def_0123456789ab
POD=6b9f0e1c-1234-4abc-8def-0123456789ab
R=/sys/fs/cgroup
SVC=/system.slice/nginx.service
DOCK=/system.slice/docker-$ID.scope
KUBE=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$UID_.slice/cri-containerd-$ID.scope
mounted=0
pids=""
tmp=/tmp/vmacct-cgroup-test.$$

cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	for d in "$KUBE" "$DOCK" "$SVC" /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$UID_.slice \
		 /kubepods.slice/kubepods-burstable.slice /kubepods.slice /system.slice; do
		rmdir "$R$d" 2>/dev/null
	done
	[ "$mounted" = 1 ] && umount "$R"
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp"

# -- without cgroup2 (unmounted for a moment): said, everything in / ----
had=$(grep -c " $R cgroup2 " /proc/mounts)
[ "$had" = 0 ] || umount "$R" || skip_all "cannot unmount $R for a moment"
out=$(vmacct ps --by cgroup -r -n 2>"$tmp/err")
if grep -q 'no cgroup2 filesystem mounted' "$tmp/err" &&
   [ "$(echo "$out" | wc -l)" = 1 ] && [ "${out%% *}" = / ]; then
	ok "without a cgroup2 mount: a warning, and one row, /"
else
	not_ok "without a cgroup2 mount: a warning, and one row, /"
	sed 's/^/# /' "$tmp/err"; echo "$out" | sed 's/^/# /'
fi
mkdir -p "$R"
mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$R" || skip_all "mount -t cgroup2 failed"
[ "$had" = 0 ] && mounted=1

for d in "$SVC" "$DOCK" "$KUBE"; do
	mkdir -p "$R$d" || skip_all "mkdir $R$d failed"
done

# hold PAGES CGROUP: a process holding PAGES charged pages, in CGROUP
hold() {
	"$HELPER" hold "$1" > "$tmp/held" &
	p=$!
	wait_for 50 grep -q '^held' "$tmp/held" || return 1
	echo "$p" > "$R$2/cgroup.procs" || return 1
	pids="$pids $p"
	echo "$p"
}

# the charge of PID from its smaps: the "ac" VMAs' sizes, in pages
smaps_charge() {
	awk -v ps="$(getconf PAGESIZE 2>/dev/null || echo 4096)" '
		/^Size:/ { size = $2 }
		/^VmFlags:/ { for (i = 2; i <= NF; i++) if ($i == "ac") kb += size }
		END { print kb * 1024 / ps }' "/proc/$1/smaps"
}

# the processes of cgroup DIR (cgroup.procs), and their smaps charge
procs_of() { cat "$R$1/cgroup.procs"; }
charge_of() {
	c=0
	for p in $(procs_of "$1"); do
		c=$((c + $(smaps_charge "$p")))
	done
	echo "$c"
}

# the row of cgroup PATH (the last column) in `ps --by cgroup -r -n`:
# "PROCS CHARGE"
row_of() {
	vmacct ps --by cgroup -r -n ${2:+--depth "$2"} |
		awk -v c="$1" '$NF == c { print $2, $3 }'
}

# the tool's row for DIR agrees with cgroup.procs and smaps
agrees() {
	want="$(procs_of "$1" | wc -l) $(charge_of "$1")"
	got=$(row_of "$1")
	[ "$got" = "$want" ] && return 0
	echo "# $1: tool '$got', cgroup.procs and smaps '$want'"
	return 1
}

a1=$(hold 100 "$SVC") && a2=$(hold 250 "$SVC") && d1=$(hold 4000 "$DOCK") &&
	k1=$(hold 30 "$KUBE") || skip_all "could not start the holders"

for d in "$SVC" "$DOCK" "$KUBE"; do
	check "ps --by cgroup: $d has its processes and their smaps 'ac' charge" agrees "$d"
done
check "ps --by cgroup: the 4000 pages held in docker are in its charge" \
	sh -c "[ \$(echo '$(row_of "$DOCK")' | cut -d' ' -f2) -ge 4000 ]"

json=$(vmacct ps --by cgroup --json)
check "JSON: a systemd unit by its name" sh -c "echo '$json' | grep -q '\"name\": \"nginx.service\"'"
check "JSON: a Docker container by runtime and short id" \
	sh -c "echo '$json' | grep -q '\"name\": \"docker 0123456789ab\"'"
check "JSON: a Kubernetes container by pod uid, runtime and short id" \
	sh -c "echo '$json' | grep -q '\"name\": \"pod $POD containerd 0123456789ab\"'"

# a process that moves, and one that exits
echo "$a2" > "$R$DOCK/cgroup.procs"
check "after a move: nginx.service has one process and its charge" agrees "$SVC"
check "after a move: the docker scope has two and both charges" agrees "$DOCK"
kill -9 "$k1"; wait "$k1" 2>/dev/null
check "after an exit: the pod's container has no row" sh -c "[ -z \"\$(vmacct ps --by cgroup -r -n | awk -v c='$KUBE' '\$NF == c')\" ]"
k1=$(hold 30 "$KUBE")

# --depth 1: /system.slice sums nginx.service and the docker scope
want=$(( $(procs_of "$SVC" | wc -l) + $(procs_of "$DOCK" | wc -l) ))
wantc=$(( $(charge_of "$SVC") + $(charge_of "$DOCK") ))
got=$(row_of /system.slice 1)
check "--depth 1: /system.slice holds $want processes, $wantc pages" [ "$got" = "$want $wantc" ]

# the CGROUP column
got=$(vmacct ps "$d1" -r -n -o pid,cgroup)
check "ps PID -o pid,cgroup: the process's cgroup path" [ "$got" = "$d1 $DOCK" ]

# the stream: a refusal from inside the pod's container names it
if [ -x "$REFUSE" ]; then
	old=$(cat /proc/sys/vm/overcommit_memory)
	echo 0 > /proc/sys/vm/overcommit_memory
	vmacct trace --json --denied --count 1 > "$tmp/trace" 2>/dev/null &
	tpid=$!
	sleep 1
	sh -c "echo \$\$ > '$R$KUBE/cgroup.procs'; exec '$REFUSE' cg-refuser" > /dev/null
	wait_for 100 grep -q cg-refuser "$tmp/trace"
	kill "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null
	echo "$old" > /proc/sys/vm/overcommit_memory
	ino=$(stat -c %i "$R$KUBE")
	check "trace --json: the refusal's cgroup_id is the directory's inode ($ino)" \
		grep -q "\"cgroup_id\":$ino," "$tmp/trace"
	check "trace --json: and its path" grep -q "\"cgroup\":\"$KUBE\"" "$tmp/trace"
else
	ok "# SKIP no $REFUSE"
	ok "# SKIP no $REFUSE"
fi

# Prometheus: at most --top-cgroups series each, the docker scope first
vmacct status --prometheus --top-cgroups 2 > "$tmp/prom"
check "prometheus: two cgroup charge series with --top-cgroups 2" \
	[ "$(grep -c '^vmacct_cgroup_commit_charge_bytes{' "$tmp/prom")" = 2 ]
ps=$(getconf PAGESIZE 2>/dev/null || echo 4096)
check "prometheus: the docker scope's charge in bytes" \
	grep -qx "vmacct_cgroup_commit_charge_bytes{cgroup=\"$DOCK\"} $(( $(charge_of "$DOCK") * ps ))" "$tmp/prom"
check "prometheus: the largest map_count of the nginx unit" \
	grep -q "^vmacct_cgroup_max_mappings{cgroup=\"/" "$tmp/prom"
grep '^vmacct_cgroup\|^vmacct_committed_bytes' "$tmp/prom" | sed 's/^/# /'

echo "1..$n"
[ "$failed" = 0 ]
