#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmacct selftest: the module refuses to load with a missing or wrong
# kernel symbol address, names the symbol, and loads with the right ones.
# A kernel built without CONFIG_KALLSYMS_ALL cannot name a variable: there
# the addresses come from System.map, and what is refused is a map of
# another build (by vmacct load) or with moved data (by the module's
# anchors).
#
# Also: the parameters stats, recorder, recorder_size and direct, and the
# entry hooks (direct calls or ftrace_ops) as tracing/enabled_functions
# shows them, with and without a BPF trampoline on a hooked function.
#
# Runs as root on a kernel where vmacct.ko may be loaded (it is unloaded
# and loaded again).  VMACCT_KO names the module file.  TAP output.

KO=${VMACCT_KO:-/lib/modules/$(uname -r)/updates/dkms/vmacct.ko}
. "$(dirname "$0")/tap.sh"

# address of a core-kernel symbol in /proc/kallsyms
ksym() {
	awk -v s="$1" '$3 == s && NF == 3 { print "0x" $1; exit }' /proc/kallsyms
}

# the address vmacct load passes for NAME (kallsyms, or System.map)
addr_of() {
	echo "$OPTS" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# The option string `vmacct load` would use, with NAME's address replaced.
opts_with() {
	echo "$OPTS" | sed "s/\(^\| \)$1=0x[0-9a-f]*/\1$1=$2/"
}

# the hex address with its last digit changed (busybox sh has no 64-bit
# arithmetic): 8 bytes away, or 4 where the last digit is 8
nudge() {
	case $1 in
	*0) echo "${1%?}8" ;;
	*) echo "${1%?}c" ;;
	esac
}

# Try a load command; succeed if the load is refused and the kernel log
# names the expected complaint.
refused_with() {
	want=$1
	shift
	dmesg -c >/dev/null
	if "$@" >/dev/null 2>&1; then
		echo "# unexpectedly loaded: $*"
		vmacct unload >/dev/null 2>&1
		return 1
	fi
	if [ -e /dev/vmacct ]; then
		echo "# /dev/vmacct exists after a refused load"
		return 1
	fi
	if ! dmesg | grep -q "vmacct: .*$want"; then
		echo "# kernel log lacks '$want':"
		dmesg | sed 's/^/#   /'
		return 1
	fi
	return 0
}

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -f "$KO" ] || skip_all "no module at $KO (set VMACCT_KO)"
command -v vmacct >/dev/null || skip_all "vmacct tool not in PATH"
[ "$(ksym _stext)" != "0x0000000000000000" ] ||
	skip_all "kallsyms addresses hidden (kptr_restrict)"
OPTS=$(vmacct load --ko "$KO" --dry-run) ||
	skip_all "vmacct load --dry-run fails: no address to test with"
# does the kernel name variables (CONFIG_KALLSYMS_ALL)?
if [ -n "$(ksym vm_committed_as)" ]; then
	NAMES_DATA=1
	MAP=
else
	NAMES_DATA=0
	for MAP in /boot/System.map-$(uname -r) /usr/lib/debug/boot/System.map-$(uname -r) ""; do
		grep -q ' _stext$' "$MAP" 2>/dev/null && break
	done
fi
echo "# kernel names its variables: $NAMES_DATA${MAP:+ (System.map: $MAP)}"

echo "1..24"

vmacct unload >/dev/null 2>&1
check "unload removes /dev/vmacct and sysfs" \
	sh -c '! [ -e /dev/vmacct ] && ! [ -d /sys/kernel/vmacct ]'

# without the module, status and ps answer from /proc, labelled: the
# numbers are /proc's own, exit 0; check still needs the module (exit 3)
from_proc() {
	js=$(vmacct status --json 2>/dev/null) || return 1
	limit=$(printf '%s\n' "$js" | sed -n 's/^ *"commit_limit_kb": \([0-9]*\),$/\1/p')
	want=$(sed -n 's/^CommitLimit: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
	src=$(printf '%s\n' "$js" | sed -n 's/^ *"source": "\(.*\)",$/\1/p')
	echo "# status --json from $src: CommitLimit $limit kB, /proc/meminfo $want kB"
	[ "$src" = proc ] && [ "$limit" = "$want" ] || return 1
	line=$(vmacct ps -rn -o pid,maps,new 1 2>/dev/null) || return 1
	maps=$(grep -vc '\[vsyscall\]' /proc/1/maps)
	max=$(cat /proc/sys/vm/max_map_count)
	echo "# ps 1 from /proc: '$line'"
	[ "$line" = "1 $maps $((max + 1 - maps))" ] || return 1
	vmacct ps 2>&1 | grep -q "showing what /proc gives, approximate" || return 1
	prom=$(vmacct status --prometheus 2>/dev/null) || return 1
	echo "# status --prometheus: $(printf '%s\n' "$prom" | grep -v '^#')"
	[ "$(printf '%s\n' "$prom" | grep -v '^#')" = 'vmacct_up{reason="not_loaded"} 0' ] || return 1
	vmacct check 1M > /dev/null 2>&1
	[ $? = 3 ]
}
check "without the module status and ps answer from /proc, --prometheus says vmacct_up 0; check exits 3" from_proc

check "plain insmod without addresses is refused, naming the symbol" \
	refused_with "no address for vm_committed_as" insmod "$KO"

NO_NAMES="# SKIP the kernel names no variable (built without CONFIG_KALLSYMS_ALL): the anchors below check the map instead"

ratio=$(addr_of sysctl_overcommit_ratio)
if [ "$NAMES_DATA" = 1 ]; then
	check "address of another symbol is refused, naming both" \
		refused_with "address given for sysctl_max_map_count is sysctl_overcommit_ratio" \
		insmod "$KO" $(opts_with sysctl_max_map_count "$ratio")
else
	ok "address of another symbol is refused, naming both $NO_NAMES"
fi

# hstates is at least 8-byte aligned: point 4 or 8 bytes into it
if [ "$NAMES_DATA" = 1 ]; then
	check "address inside a symbol is refused" \
		refused_with "address given for hstates is hstates+0x" \
		insmod "$KO" $(opts_with hstates "$(nudge "$(addr_of hstates)")")
else
	ok "address inside a symbol is refused $NO_NAMES"
fi

if [ "$NAMES_DATA" = 1 ]; then
	nosym="address given for total_swap_pages is not a kernel symbol"
else
	nosym="address given for total_swap_pages is misaligned or outside the kernel's data"
fi
check "address that is no symbol is refused" \
	refused_with "$nosym" insmod "$KO" $(opts_with total_swap_pages 0x10)

# an anchor, an exported variable whose true address the module knows,
# given another's: what a System.map of another build would do
check "an anchor at another variable's address is refused, naming it" \
	refused_with "address given for init_uts_ns is not where this kernel has it" \
	insmod "$KO" $(opts_with init_uts_ns "$(addr_of high_memory)")

# A copy of the map with one line's address nudged.
map_with() {
	awk -v s="$1" '$3 == s { a = $1; if (a ~ /0$/) sub(/.$/, "8", a); else sub(/.$/, "c", a); $1 = a } { print }' \
		"$MAP" > /tmp/vmacct-test.map
}

NAMES="# SKIP the kernel names its variables (CONFIG_KALLSYMS_ALL): vmacct load reads no System.map"
if [ "$NAMES_DATA" = 1 ]; then
	ok "a System.map whose data moved is refused by the module $NAMES"
	ok "a System.map of another build is refused by vmacct load $NAMES"
	ok "without a System.map vmacct load refuses, naming --system-map and the -dbg package $NAMES"
	ok "vmacct load finds the System.map by itself $NAMES"
elif [ -z "$MAP" ]; then
	for t in "a System.map whose data moved is refused by the module" \
		 "a System.map of another build is refused by vmacct load" \
		 "without a System.map vmacct load refuses" \
		 "vmacct load finds the System.map by itself"; do
		not_ok "$t (no System.map of $(uname -r) in /boot or /usr/lib/debug/boot)"
	done
else
	# the text agrees, the data does not: only the module can tell
	map_with init_uts_ns
	check "a System.map whose data moved is refused by the module" \
		refused_with "address given for init_uts_ns is not where this kernel has it" \
		vmacct load --ko "$KO" --system-map /tmp/vmacct-test.map

	map_with __vm_enough_memory
	other_build() {
		vmacct load --ko "$KO" --system-map /tmp/vmacct-test.map 2>/tmp/vmacct-test.err
		rc=$?
		sed 's/^/# /' /tmp/vmacct-test.err
		[ $rc = 1 ] && grep -q "the map is another build's" /tmp/vmacct-test.err &&
			! [ -e /dev/vmacct ]
	}
	check "a System.map of another build is refused by vmacct load" other_build
	rm -f /tmp/vmacct-test.map

	no_map() {
		mv "$MAP" "$MAP.away" || return 1
		vmacct load --ko "$KO" 2>/tmp/vmacct-test.err
		rc=$?
		mv "$MAP.away" "$MAP"
		sed 's/^/# /' /tmp/vmacct-test.err
		[ $rc = 1 ] && grep -q -- "--system-map FILE" /tmp/vmacct-test.err &&
			grep -q -- "-dbg" /tmp/vmacct-test.err && ! [ -e /dev/vmacct ]
	}
	check "without a System.map vmacct load refuses, naming --system-map and the -dbg package" no_map

	# what the suite loads with: the same addresses as given explicitly
	same_map() {
		[ "$(vmacct load --ko "$KO" --dry-run --system-map "$MAP")" = "$OPTS" ]
	}
	check "vmacct load finds the System.map by itself" same_map
fi

module_strings() {
	case $KO in
	*.xz) unxz -c "$KO" | strings ;;
	*) strings "$KO" ;;
	esac
}

# every "kallsyms address of NAME" parameter in the module's modinfo, once
same_symbols() {
	want=$(module_strings | sed -n 's/^parm=\([a-z_]*\):kallsyms address of \1$/\1/p' | sort)
	got=$(echo "$OPTS" | tr ' ' '\n' | sed -n 's/=0x[0-9a-f]*$//p' | sort)
	[ -n "$want" ] && [ "$want" = "$got" ] && [ "$(echo "$got" | uniq -d)" = "" ]
}
check "the dry-run option string names every symbol parameter once" same_symbols

# stats=1 after "--": counting is on before the load returns, so the
# decisions of a process started right after are counted (sh's exec
# stack at least, one per execve)
counts_from_load() {
	vmacct load --ko "$KO" -- stats=1 || return 1
	[ "$(cat /sys/kernel/vmacct/stats/enabled)" = 1 ] || return 1
	before=$(cat /sys/kernel/vmacct/stats/decisions)
	sh -c true
	after=$(cat /sys/kernel/vmacct/stats/decisions)
	echo "# decisions counted: $before before sh -c true, $after after"
	[ "$after" -gt "$before" ] || return 1
	[ "$(cat /sys/module/vmacct/parameters/stats)" = Y ] || return 1
	vmacct unload
}
check "load with stats=1 counts from load on, and unloads while counting" \
	counts_from_load

# recorder=0 and no stats=1: nothing counts and nothing is recorded from
# load on (vmacct_recorder_test checks that refusals then leave no record)
quiet_load() {
	vmacct load --ko "$KO" -- recorder=0 || return 1
	[ "$(cat /sys/kernel/vmacct/recorder/enabled)" = 0 ] &&
	[ "$(cat /sys/kernel/vmacct/stats/enabled)" = 0 ] &&
	[ "$(cat /sys/kernel/vmacct/stats/decisions)" = 0 ] &&
	[ "$(cat /sys/kernel/vmacct/recorder/records)" = 0 ] &&
	[ "$(cat /sys/module/vmacct/parameters/recorder)" = N ] || return 1
	vmacct unload
}
check "with recorder=0 nothing counts or records after load" quiet_load

# options vmacct ... in modprobe.d apply to vmacct load as to modprobe:
# recorder_size from the file; recorder=1 in the file loses to the
# command line's recorder=0 (the kernel's own parameters say so)
modprobe_d_options() {
	mkdir -p /etc/modprobe.d || return 1
	echo "options vmacct recorder=1 recorder_size=64" > /etc/modprobe.d/vmacct-test.conf
	vmacct load --ko "$KO" -- recorder=0
	rc=$?
	rm -f /etc/modprobe.d/vmacct-test.conf
	[ $rc = 0 ] || return 1
	size=$(cat /sys/module/vmacct/parameters/recorder_size)
	rec=$(cat /sys/module/vmacct/parameters/recorder)
	vmacct unload
	echo "# recorder_size $size, recorder $rec"
	[ "$size" = 64 ] && [ "$rec" = N ]
}
check "modprobe.d options apply to vmacct load, the command line winning" modprobe_d_options

check "recorder_size out of range is refused, naming the range" \
	refused_with "recorder_size=8: must be 16 to 65536" \
	vmacct load --ko "$KO" -- recorder_size=8

# The entry hooks (module/entry.c), as the kernel's own list of traced
# functions shows them: on x86-64 from 6.1 a direct call of a vmacct
# trampoline ("direct-->NAME_tramp [vmacct]" under the function in
# tracing/enabled_functions), an ftrace_ops callback on arm64, on 5.10 and
# with direct=0; none after unload.
EF=
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -r "$d/enabled_functions" ] && EF=$d/enabled_functions && break
done
case $(uname -m) in
x86_64) SYSFN=__x64_sys_ ;;
*) SYSFN=__arm64_sys_ ;;
esac
kv=$(uname -r)
kmaj=${kv%%.*}
kmin=${kv#*.}
kmin=${kmin%%[!0-9]*}
DIRECT=callback
if [ "$SYSFN" = __x64_sys_ ] &&
   { [ "$kmaj" -gt 6 ] || { [ "$kmaj" = 6 ] && [ "$kmin" -ge 1 ]; }; }; then
	DIRECT=direct
fi

# hook_of FUNC: "direct" (a direct call of vmacct's), "listed" (traced,
# no direct call of vmacct's) or "none", from enabled_functions
hook_of() {
	awk -v f="$1" '
		$1 == f { seen = 1; in_f = 1; next }
		in_f && /^[ \t]/ { if ($0 ~ /direct-->.*_tramp.*\[vmacct\]/) d = 1; next }
		{ in_f = 0 }
		END { print d ? "direct" : seen ? "listed" : "none" }' "$EF"
}

# hooks_are WANT: every hooked function is WANT ("listed" for callbacks)
hooks_are() {
	for f in __vm_enough_memory ${SYSFN}mmap ${SYSFN}munmap ${SYSFN}brk \
		 ${SYSFN}mprotect ${SYSFN}mremap ${SYSFN}madvise ${SYSFN}mlock \
		 ${SYSFN}munlock; do
		h=$(hook_of "$f")
		if [ "$h" != "$1" ]; then
			echo "# $f: $h in $EF, expected $1"
			grep -A1 "^$f " "$EF" | sed 's/^/#   /'
			return 1
		fi
	done
}

# decisions count through the hooks: an exec makes several
counts_decisions() {
	before=$(cat /sys/kernel/vmacct/stats/decisions)
	sh -c true
	after=$(cat /sys/kernel/vmacct/stats/decisions)
	echo "# decisions counted: $before before sh -c true, $after after"
	[ "$after" -gt "$before" ]
}

hooks_by_default() {
	vmacct load --ko "$KO" || return 1
	want=$DIRECT
	[ "$want" = callback ] && want=listed
	hooks_are "$want" && counts_decisions || { vmacct unload; return 1; }
	vmacct unload && hooks_are none
}

hooks_direct0() {
	vmacct load --ko "$KO" -- direct=0 || return 1
	[ "$(cat /sys/module/vmacct/parameters/direct)" = N ] &&
		hooks_are listed && counts_decisions || { vmacct unload; return 1; }
	vmacct unload && hooks_are none
}

if [ -z "$EF" ]; then
	ok "entry hooks by default # SKIP no tracing/enabled_functions to check them in"
	ok "entry hooks with direct=0 # SKIP no tracing/enabled_functions"
else
	check "entry hooks by default: $DIRECT calls on $(uname -m) $kv, decisions counted, none left after unload" \
		hooks_by_default
	check "entry hooks with direct=0: ftrace_ops callbacks, decisions counted, none left after unload" \
		hooks_direct0
fi

# A function with another direct call (a BPF trampoline: bpftrace's
# kfunc probe) gets vmacct's ftrace_ops instead, which shares it, and
# vmacct says so; while vmacct holds a direct call, a BPF trampoline on
# that function cannot attach (README).
# has FUNC a direct call that is not vmacct's (a BPF trampoline's)?
bpf_attached() {
	awk -v f="$1" '
		$1 == f { in_f = 1; next }
		in_f && /^[ \t]/ { if ($0 ~ /direct-->/ && $0 !~ /\[vmacct\]/) d = 1; next }
		{ in_f = 0 }
		END { exit !d }' "$EF"
}

# bpftrace counting the calls of FUNC in the background (pid $bpid,
# output to FILE): 0 once its trampoline is on FUNC, 1 if bpftrace exits
# first or 90 s pass (stopped then)
bpf_on() {
	bpftrace -e "kfunc:$1 { @n = count(); }" > "$2" 2>&1 &
	bpid=$!
	i=0
	while [ $i -lt 900 ]; do
		bpf_attached "$1" && alive $bpid && return 0
		alive $bpid || break
		sleep 0.1
		i=$((i + 1))
	done
	kill -INT $bpid 2>/dev/null
	wait $bpid
	return 1
}

bpf_first() {
	out=$(mktemp) || return 1
	bpf_on __vm_enough_memory "$out" || { rm -f "$out"; return 1; }
	dmesg -c > /dev/null
	vmacct load --ko "$KO"
	rc=$?
	if [ $rc = 0 ]; then
		dmesg | grep -q 'vmacct: __vm_enough_memory has another direct call' ||
			{ echo "# no fallback line in the kernel log"; rc=1; }
		[ "$(hook_of ${SYSFN}mmap)" = direct ] ||
			{ echo "# ${SYSFN}mmap: $(hook_of ${SYSFN}mmap)"; rc=1; }
		counts_decisions || rc=1
		vmacct unload || rc=1
	fi
	kill -INT $bpid
	wait $bpid
	grep -q '^@n: [1-9]' "$out" || { echo "# bpftrace counted nothing:"; sed 's/^/#   /' "$out"; rc=1; }
	rm -f "$out"
	return $rc
}

bpf_after() {
	out=$(mktemp) || return 1
	vmacct load --ko "$KO" || return 1
	if bpf_on ${SYSFN}munmap "$out"; then
		echo "# bpftrace attached to ${SYSFN}munmap beside vmacct's direct call"
		kill -INT $bpid
		wait $bpid
		rm -f "$out"
		vmacct unload
		return 1
	fi
	sed 's/^/# bpftrace: /' "$out" | head -5
	grep -qi 'attach' "$out"
	rc=$?
	rm -f "$out"
	vmacct unload && [ $rc = 0 ]
}

if [ "$DIRECT" != direct ] || [ -z "$EF" ]; then
	ok "a BPF trampoline first: vmacct shares the function by an ftrace_ops # SKIP no direct calls on $(uname -m) $kv"
	ok "a BPF trampoline after vmacct's direct call cannot attach # SKIP no direct calls on $(uname -m) $kv"
elif ! command -v bpftrace > /dev/null; then
	ok "a BPF trampoline first: vmacct shares the function by an ftrace_ops # SKIP no bpftrace in the guest"
	ok "a BPF trampoline after vmacct's direct call cannot attach # SKIP no bpftrace in the guest"
elif [ ! -r /sys/kernel/btf/vmlinux ]; then
	# make check-debug's kernel: no BPF syscall, no BTF
	ok "a BPF trampoline first: vmacct shares the function by an ftrace_ops # SKIP $kv has no BTF (/sys/kernel/btf/vmlinux): no kfunc probes"
	ok "a BPF trampoline after vmacct's direct call cannot attach # SKIP $kv has no BTF (/sys/kernel/btf/vmlinux): no kfunc probes"
else
	check "a BPF trampoline first: vmacct shares the function by an ftrace_ops, says so, and both count" \
		bpf_first
	check "a BPF trampoline after vmacct's direct call cannot attach (README)" \
		bpf_after
fi

check "vmacct load with kallsyms addresses loads" \
	vmacct load --ko "$KO"

check "by default the recorder is on after load, and counting with it" \
	sh -c '[ "$(cat /sys/kernel/vmacct/recorder/enabled)" = 1 ] &&
	       [ "$(cat /sys/kernel/vmacct/recorder/size)" = 1024 ] &&
	       [ "$(cat /sys/kernel/vmacct/stats/enabled)" = 1 ]'

check "device and sysfs are back after load" \
	sh -c '[ -c /dev/vmacct ] && [ -r /sys/kernel/vmacct/commit/limit ]'

# The recorder's groups of overwritten refusals count since load, and the
# suite's earlier refusals take them all, so in the suite's run of
# vmacct_recorder_test its storm test finds no group of its own and skips;
# right after a load it must find one and pass.
fresh_storm() {
	out=$(./vmacct_recorder_test -t storm_overwritten_is_counted 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	[ "$rc" = 0 ] && echo "$out" | grep -q '^ok 1 ' &&
		! echo "$out" | grep -q '# SKIP'
}
check "right after load the recorder counts a storm's overwritten refusals in a group of its own" \
	fresh_storm

[ "$failed" = 0 ]
