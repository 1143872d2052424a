#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the QEMU guest (busybox sh, root), from scripts/check.sh
# (and check-suite.sh, check-debug.sh) through scripts/guest/run-guest.sh:
# load vmacct.ko with `vmacct load`, run every selftest, show `vmacct
# status`, unload.  Output is TAP per program, framed by "# selftest: NAME"
# and "# exit: NAME STATUS" lines, then "# time: NAME SECONDS" (what the
# timeout in selftests/settings is measured against); exit status is
# non-zero if any program failed (4, kselftest's SKIP, is not a failure).

cd /payload || exit 1
# the module as DKMS built it: vmacct.ko, or vmacct.ko.xz where the
# kernel compresses modules
for VMACCT_KO in /payload/vmacct.ko /payload/vmacct.ko.xz; do
	[ -f "$VMACCT_KO" ] && break
done
export VMACCT_KO

echo "# kernel: $(uname -r)"
echo "# module: $VMACCT_KO"
# a kernel without CONFIG_KALLSYMS_ALL: its System.map, where Debian's
# linux-image-*-dbg installs it and vmacct load looks
if [ -f /payload/System.map ]; then
	mkdir -p /usr/lib/debug/boot &&
	cp /payload/System.map "/usr/lib/debug/boot/System.map-$(uname -r)"
	echo "# System.map: /usr/lib/debug/boot/System.map-$(uname -r)"
fi
if ! vmacct load --ko "$VMACCT_KO"; then
	echo "Bail out! vmacct load failed"
	dmesg | tail -n 20 | sed 's/^/# /'
	exit 1
fi

rc=0
for t in $(cat tests.list); do
	echo "# selftest: $t"
	t0=$(date +%s)
	./"$t"
	r=$?
	echo "# exit: $t $r"
	echo "# time: $t $(($(date +%s) - t0))"
	[ "$r" = 0 ] || [ "$r" = 4 ] || rc=1
done

echo "# vmacct status:"
vmacct status 2>&1 | sed 's/^/#   /'

if ! vmacct unload; then
	echo "Bail out! vmacct unload failed"
	rc=1
fi
exit $rc
