#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vmacct selftest: a trace reader pins the module; writing 0 to
# trace/enabled detaches it (its blocked read() returns ENODEV); once it
# has closed, the module unloads, and `vmacct load` brings it back with
# a working stream.
#
# Runs as root, last in the list: it unloads the module and leaves it
# loaded again.  VMACCT_KO names the module file; vmacct_trace_reader is
# the helper next to this script.  TAP output.

KO=${VMACCT_KO:-/lib/modules/$(uname -r)/updates/dkms/vmacct.ko}
HELPER=$(dirname "$0")/vmacct_trace_reader
ENABLED=/sys/kernel/vmacct/trace/enabled
OUT=/tmp/vmacct_trace_unload.$$
. "$(dirname "$0")/tap.sh"

reader_ready() {
	grep -q '^ready ' "$OUT" 2>/dev/null
}

enabled_is() {
	[ "$(cat $ENABLED 2>/dev/null)" = "$1" ]
}

module_gone() {
	! [ -e /dev/vmacct ] && ! [ -d /sys/kernel/vmacct ]
}

module_back() {
	[ -c /dev/vmacct ] && [ -r $ENABLED ]
}

# Start a reader blocked in read(); sets rpid.
start_reader() {
	: > "$OUT"
	"$HELPER" block > "$OUT" 2>&1 &
	rpid=$!
	wait_for 50 reader_ready
}

# The reader ended with ENODEV (helper status 0, "read: ENODEV").
reader_got_enodev() {
	wait_for 50 dead "$rpid" || return 1
	wait "$rpid"
	status=$?
	if [ "$status" != 0 ] || ! grep -q '^read: ENODEV$' "$OUT"; then
		echo "# reader exit $status, output:"
		sed 's/^/#   /' "$OUT"
		return 1
	fi
	return 0
}

blocked_in_read() {
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$rpid/status")
	echo "# reader $rpid state $state wchan $(cat /proc/$rpid/wchan 2>/dev/null)"
	[ "$state" = S ]
}

cleanup() {
	[ -n "${rpid:-}" ] && kill "$rpid" 2>/dev/null
	rm -f "$OUT"
	# leave the module loaded for whatever runs next
	module_back || vmacct load --ko "$KO" >/dev/null 2>&1
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -f "$KO" ] || skip_all "no module at $KO (set VMACCT_KO)"
command -v vmacct >/dev/null || skip_all "vmacct tool not in PATH"
command -v rmmod >/dev/null || skip_all "no rmmod"
[ -x "$HELPER" ] || skip_all "no $HELPER"
[ -c /dev/vmacct ] || skip_all "/dev/vmacct missing (module not loaded?)"
enabled_is 0 || skip_all "another trace reader is attached"

echo "1..12"

check "a reader attaches and blocks in read()" start_reader
check "trace/enabled is 1 with the reader" enabled_is 1
check "the reader sleeps in read()" blocked_in_read
# the kernel's own refusal, not the tool's policy (vmacct unload may
# detach readers itself)
check "an open reader pins the module: refcnt > 0, rmmod refused" \
	sh -c '[ "$(cat /sys/module/vmacct/refcnt)" -gt 0 ] &&
	       ! rmmod vmacct 2>/dev/null && [ -c /dev/vmacct ]'

check "writing 0 to trace/enabled succeeds" sh -c "echo 0 > $ENABLED"
check "the blocked read() returns ENODEV and the reader exits" reader_got_enodev
rpid=
check "trace/enabled is 0 after the detach" enabled_is 0

check "vmacct unload succeeds once the reader has closed" vmacct unload
check "device and sysfs are gone" module_gone
check "vmacct load --ko brings the module back" vmacct load --ko "$KO"
check "device and sysfs are back, trace/enabled 0" \
	sh -c "[ -c /dev/vmacct ] && [ \"\$(cat $ENABLED)\" = 0 ]"

# the stream works on the reloaded module: attach, detach, ENODEV
if start_reader && enabled_is 1 && echo 0 > $ENABLED && reader_got_enodev; then
	rpid=
	ok "the reloaded module's stream attaches and detaches"
else
	not_ok "the reloaded module's stream attaches and detaches"
fi

[ "$failed" = 0 ]
