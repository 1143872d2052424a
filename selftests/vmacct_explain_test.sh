#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmacct selftest: "vmacct explain" on the kernel's own lines.  A real
# mmap() refused by __vm_enough_memory() in mode 0 (vmacct_refuse_helper),
# under a plain name and under a hostile one (ESC, ", bytes: " inside),
# prints the kernel's line (6.1: "no enough memory", 6.9 on: with bytes);
# "vmacct explain --dmesg" must match it to the recorder's record of the
# same thread and pages, --json must agree, and the same lines read back
# from dmesg's output on standard input too.  A hand-made line of a pid
# that never existed is reported without a record, with a reconstruction.
# The record's printk_ns is the time stamp of the kernel's line, to 0.1 s.
# Last, more refusals than the kernel's ratelimit prints (10 per 5 s),
# and its "callbacks suppressed" line.
#
# Runs as root with vmacct loaded.  Sets vm.overcommit_memory=0 and
# recorder/enabled=1, and puts both back.  TAP output.

# shellcheck source=tap.sh
. "$(dirname "$0")/tap.sh"
HELPER=$(dirname "$0")/vmacct_refuse_helper
SYS=/sys/kernel/vmacct
OC=/proc/sys/vm/overcommit_memory
ESC=$(printf '\033')
HOSTILE="e${ESC}, bytes: 1 n"	# 14 bytes: fits in a comm
tmp=$(mktemp -d) || exit 1

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -c /dev/vmacct ] || skip_all "vmacct is not loaded"
[ -w "$SYS/recorder/enabled" ] || skip_all "the module has no recorder"
[ -x "$HELPER" ] || skip_all "$HELPER is missing"
[ -r /dev/kmsg ] || skip_all "no /dev/kmsg"
# 5.10's __vm_enough_memory() refuses without a word (mm/util.c); the
# line explained here is printed from 6.1, where the suite verifies it
case $(uname -r) in
5.*) skip_all "Linux $(uname -r) prints no line when __vm_enough_memory() refuses (5.10 mm/util.c): nothing to explain" ;;
esac

old_oc=$(cat $OC)
old_rec=$(cat "$SYS/recorder/enabled")
restore() {
	echo "$old_oc" > $OC
	echo "$old_rec" > "$SYS/recorder/enabled"
	rm -rf "$tmp"
}
trap restore EXIT
echo 0 > $OC
echo 1 > "$SYS/recorder/enabled"

# the kernel's line for thread $1 (the 6.1 or the 6.9 format) in dmesg
kline() {
	dmesg | grep -q "__vm_enough_memory: pid: $1, comm: .* enough memory for the allocation\$"
}

# refuse NAME: one refused mmap() under NAME whose line the kernel
# printed; its thread, pages and bytes in r_tid, r_pages, r_bytes.  A
# refusal in a window the ratelimit closed prints nothing: then wait for
# the next window, once.
refuse() {
	for _ in 1 2; do
		out=$("$HELPER" "$1") || { echo "# helper: $out"; return 1; }
		r_tid=$(echo "$out" | cut -d' ' -f2)
		r_pages=$(echo "$out" | cut -d' ' -f3)
		r_bytes=$(echo "$out" | cut -d' ' -f4)
		kline "$r_tid" && return 0
		echo "# no line for thread $r_tid (ratelimited?): again in 6 s"
		sleep 6
	done
	return 1
}

# matched_text TID PAGES: in explain's text, the line of thread TID is
# followed by its record, of TID and PAGES
matched_text() {
	awk -v tid="$1" -v pages="$2" '
		/^line [0-9]+: / && index($0, "__vm_enough_memory: pid: " tid ", comm: ") { on = 1; next }
		on { ok = index($0, "  the kernel'\''s decision: record #") == 1 &&
			  index($0, "(thread " tid ", the same name, " pages " pages") > 0; exit }
		END { exit !ok }' "$3"
}

# has TEXT STRING...: TEXT holds every STRING
has() {
	text=$1
	shift
	for s in "$@"; do
		case $text in
		*"$s"*) ;;
		*) echo "# no '$s' in: $text"; return 1 ;;
		esac
	done
}

# json_line TID FILE: the object of thread TID (the id the line printed)
json_line() {
	grep -F "\"kind\":\"refusal\"" "$2" | grep -F "\"tid\":$1,\"comm\":"
}

# json_matched TID PAGES BYTES FILE: its record is TID's, of PAGES; the
# line's bytes are BYTES (6.9 on) or null (6.1)
json_matched() {
	j=$(json_line "$1" "$4")
	[ "$(echo "$j" | wc -l)" = 1 ] || { echo "# thread $1: $(echo "$j" | wc -l) objects"; return 1; }
	case $(uname -r) in
	6.[0-8].*|5.*) want_bytes=null ;;
	*) want_bytes=$3 ;;
	esac
	# the helper is one thread: its process id is its thread id, and
	# the line's pid is the process its record names
	has "$j" "\"pid\":$1,\"tid\":$1,\"comm\":" "\"bytes\":$want_bytes," \
	    "\"record\":{\"seq\":" "\"pid\":$1,\"tid\":$1," \
	    "\"caller\":\"mmap\"" "\"mode\":0," "\"pages\":$2," "\"reason\":null," \
	    "\"reconstruction\":null}"
}

# the record number explain matched for thread $1 in $2, and log's own
seq_agrees() {
	got=$(json_line "$1" "$2" | sed -n 's/.*"record":{"seq":\([0-9]*\),.*/\1/p')
	want=$(vmacct log --json --pid "$1" | grep -F "\"tid\":$1," |
	       sed -n 's/^{"seq":\([0-9]*\),.*/\1/p' | tail -n 1)
	if [ -z "$got" ] || [ "$got" != "$want" ]; then
		echo "# thread $1: explain #$got, log #$want"
		return 1
	fi
}

check "a refused mmap() printed the kernel's line" refuse "refuse-plain"
p_tid=$r_tid p_pages=$r_pages p_bytes=$r_bytes
echo "# thread $p_tid, $p_pages pages, $p_bytes bytes"
check "... and under a hostile name" refuse "$HOSTILE"
h_tid=$r_tid h_pages=$r_pages h_bytes=$r_bytes
echo "# the kernel's lines:"
dmesg | grep -E "__vm_enough_memory: pid: ($p_tid|$h_tid), " | sed "s/$ESC/<ESC>/g; s/^/#   /"

vmacct explain --dmesg > "$tmp/text" 2> "$tmp/err"
check "vmacct explain --dmesg exits 0" [ $? = 0 ]
sed -n "/pid: $p_tid, /,/^\$/p" "$tmp/text" | sed 's/^/#   /'
tail -n 1 "$tmp/err" | sed 's/^/#   /'
echo "# why the others (earlier tests' lines) have no record:"
grep "^  no record: " "$tmp/text" | cut -c 1-150 | sort | uniq -c | sed 's/^/#   /'
check "... matches the plain line to the record of thread $p_tid, $p_pages pages" \
	matched_text "$p_tid" "$p_pages" "$tmp/text"
check "... and the hostile one (\\x1b decoded) to the record of thread $h_tid" \
	matched_text "$h_tid" "$h_pages" "$tmp/text"
check "... escapes the ESC of the name" sh -c "! grep -q '$ESC' '$tmp/text'"

vmacct explain --dmesg --json > "$tmp/json"
check "vmacct explain --dmesg --json exits 0" [ $? = 0 ]
check "... the plain line: its record, the same thread, pages and bytes" \
	json_matched "$p_tid" "$p_pages" "$p_bytes" "$tmp/json"
check "... the hostile line: the same" json_matched "$h_tid" "$h_pages" "$h_bytes" "$tmp/json"
check "... the hostile name decoded: \"e\\u001b, bytes: 1 n\"" \
	grep -qF "\"tid\":$h_tid,\"comm\":\"e\\u001b, bytes: 1 n\"," "$tmp/json"
check "... the record is the one vmacct log shows for the thread" seq_agrees "$p_tid" "$tmp/json"
check "... and for the hostile one" seq_agrees "$h_tid" "$tmp/json"

# dmesg's own output (syslog(2): "[  12.345678] " and the raw name)
dmesg > "$tmp/dmesg"
vmacct explain --json < "$tmp/dmesg" > "$tmp/json2"
check "vmacct explain of dmesg's output on standard input exits 0" [ $? = 0 ]
check "... matches the plain line" json_matched "$p_tid" "$p_pages" "$p_bytes" "$tmp/json2"
check "... and the hostile one, its name raw" json_matched "$h_tid" "$h_pages" "$h_bytes" "$tmp/json2"
check "... with the dmesg prefix and its time, also as an ISO 8601 duration" \
	sh -c "grep -F '\"tid\":$p_tid,\"comm\"' '$tmp/json2' | grep -qE '\"prefix\":\"dmesg\".*\"kernel_time_ns\":[0-9]+,\"kernel_time\":\"PT[0-9]+\\.[0-9]{9}S\",'"

# the record's printk_ns and the time stamp of the kernel's own line
# (dmesg's [SECONDS.MICROS]) for the same call: the same clock, read
# microseconds apart, where CLOCK_MONOTONIC may be a second away
printk_agrees() {
	line_us=$(dmesg | grep "__vm_enough_memory: pid: $1, comm: " | tail -n 1 |
		  sed -n 's/^\[ *\([0-9]*\)\.\([0-9]\{6\}\)\].*/\1\2/p')
	rec_ns=$(vmacct log --json --pid "$1" | grep -F "\"tid\":$1," | tail -n 1 |
		 sed -n 's/.*"printk_ns":\([0-9]*\),.*/\1/p')
	echo "# thread $1: line at ${line_us} us, record printk_ns ${rec_ns}"
	[ -n "$line_us" ] && [ -n "$rec_ns" ] || return 1
	d=$((rec_ns / 1000 - line_us))
	[ "$d" -lt 0 ] && d=$((-d))
	echo "# ... ${d} us apart"
	[ "$d" -lt 100000 ]
}
check "the record's printk_ns is within 0.1 s of the kernel's line" printk_agrees "$p_tid"

# a line of a pid that never existed, at the time of now: the printk
# clock of a line written now (/proc/uptime is another clock)
echo "vmacct_explain_test: now" > /dev/kmsg
up=$(dmesg | grep "vmacct_explain_test: now" | tail -n 1 | sed -n 's/^\[ *\([0-9]*\.[0-9]\{6\}\)\].*/\1/p')
[ -n "$up" ] || up=$(cut -d' ' -f1 /proc/uptime)0000
printf '[%13s] __vm_enough_memory: pid: 4194303, comm: ghost, bytes: 8192 not enough memory for the allocation\n' \
	"$up" > "$tmp/ghost"
printf '<4>[%13s] __vm_enough_memory: pid: 4194302, comm: ghost61, no enough memory for the allocation\n' \
	"$up" >> "$tmp/ghost"
vmacct explain "$tmp/ghost" > "$tmp/gtext" 2>&1
check "vmacct explain of a hand-made line exits 0" [ $? = 0 ]
sed 's/^/#   /' "$tmp/gtext"
check "... no record for pid 4194303, and why" \
	grep -q "^  no record: the recorder kept refusals from .* but none of thread 4194303" "$tmp/gtext"
check "... a RECONSTRUCTION of its 2 pages, labelled" \
	has "$(grep -A1 '^  RECONSTRUCTION from the terms of now (NOT the kernel.s decision then):$' "$tmp/gtext")" \
	"    2 pages (8 KiB) in mode 0 now: ALLOW"
vmacct explain --json "$tmp/ghost" > "$tmp/gjson"
check "... --json: record null, reason not_recorded, the reconstruction of 2 pages" \
	has "$(json_line 4194303 "$tmp/gjson")" '"comm":"ghost","bytes":8192,' \
	'"record":null,"reason":"not_recorded",' '"reconstruction":{"label":"reconstruction from the terms of now' \
	'"pages":2,"mode":0,"verdict":"allow",'
check "... the 6.1 line: no size, a reconstruction of the terms only" \
	has "$(json_line 4194302 "$tmp/gjson")" '"bytes":null,' '"record":null,' \
	'"reconstruction":{"label":"reconstruction from the terms of now' '"pages":null,"mode":0,"verdict":null,'

# the ratelimit: 30 refusals in a row in one process (at most 10 lines
# per 5 s), then one in the next window, before whose line the kernel
# says how many it dropped
out=$("$HELPER" refuse-burst 30)
check "30 refusals in a row: $out" [ $? = 0 ]
b_tid=$(echo "$out" | cut -d' ' -f2)
sleep 6
refuse "refuse-last" || true
vmacct explain --dmesg --json > "$tmp/json3"
supp=$(awk -v tid="\"tid\":$b_tid," '
	index($0, tid) { on = 1 }
	on && /"kind":"suppressed"/ { s = $0; sub(/.*"suppressed":/, "", s); sub(/,.*/, "", s); sum += s }
	END { print sum + 0 }' "$tmp/json3")
echo "# refusals the ratelimit left out since the burst: $supp"
check "... the ratelimit's lines say at least 10 were not printed" [ "$supp" -ge 10 ]
vmacct explain --dmesg > "$tmp/text3"
grep -A 1 "__vm_enough_memory: [0-9]* callbacks suppressed\$" "$tmp/text3" | tail -n 2 | sed 's/^/#   /'
check "... explain says so" grep -q "^  the kernel's ratelimit (10 lines per 5 s) did not print [0-9]* refusals before this line" "$tmp/text3"
burst=$(vmacct log --json --pid "$b_tid" | grep -cF '"comm":"refuse-burst"')
check "... the recorder kept all 30 ($burst)" [ "$burst" -ge 30 ]

echo "1..$n"
[ "$failed" = 0 ]
