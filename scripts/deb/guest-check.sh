#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-deb guest: runs as init (init=/check.sh) in a Debian bookworm
# rootfs where vmacct and vmacct-dkms were installed with dpkg and DKMS
# built the module.  Loads the module the way a user does (modprobe, which
# goes through "vmacct load"), unloads it, purges both packages and checks
# that nothing is left.  Prints on the console (ttyS0), for the host to
# parse:
#   VMACCT-DEB-BEGIN
#   VMACCT-DEB-STEP <name> rc=<status>        one per step
#   VMACCT-DEB-OUT-BEGIN <name> ... VMACCT-DEB-OUT-END <name>
#   VMACCT-DEB-END
# then powers off.  Never returns (init must not exit).

PATH=/usr/sbin:/usr/bin:/sbin:/bin
HOME=/root
DEBIAN_FRONTEND=noninteractive
LC_ALL=C.UTF-8
export PATH HOME DEBIAN_FRONTEND LC_ALL

# the initramfs moves its /proc, /sys, /dev and /run here; a kernel booted
# without one mounts nothing
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mountpoint -q /dev/pts || mount -t devpts devpts /dev/pts
mountpoint -q /run || mount -t tmpfs tmpfs /run
mountpoint -q /tmp || mount -t tmpfs tmpfs /tmp
# kernel messages only in dmesg from now on: they would cut marker lines
echo 1 > /proc/sys/kernel/printk

VERSION=@VERSION@
KVER=$(uname -r)

# step NAME CMD...: run CMD, its output between markers, then its status
. /step.sh

lsmod_vmacct() {
	lsmod | grep -w '^vmacct'
}

dkms_no_vmacct() {
	out=$(dkms status 2>&1)
	echo "$out"
	! echo "$out" | grep -q vmacct
}

# every path the packages own that is not a directory, and the
# directories that are theirs alone, plus what DKMS made
owned_files() {
	dpkg -L vmacct vmacct-dkms | while read -r f; do
		[ -d "$f" ] && [ ! -L "$f" ] && continue
		echo "$f"
	done
	echo "/usr/src/vmacct-$VERSION"
	echo "/usr/share/doc/vmacct"
	echo "/usr/share/doc/vmacct-dkms"
	echo "/var/lib/dkms/vmacct"
	ls -d /lib/modules/*/updates/dkms/vmacct.ko* 2>/dev/null
}

left_over() {
	n=0
	total=0
	while read -r f; do
		total=$((total + 1))
		if [ -e "$f" ] || [ -L "$f" ]; then
			echo "left: $f"
			n=$((n + 1))
		fi
	done < /tmp/owned
	echo "$total paths checked, $n left"
	[ "$total" -gt 10 ] && [ "$n" = 0 ]
}

echo "VMACCT-DEB-BEGIN"
echo "kernel $KVER"
step version vmacct --version
step dkms-before dkms status
owned_files > /tmp/owned
step owned cat /tmp/owned
step install-line modprobe -n -v vmacct
step modprobe modprobe vmacct
step status vmacct status
step lsmod lsmod_vmacct
step unload modprobe -r vmacct
# options on the modprobe command line reach the module through the
# install line's $CMDLINE_OPTS: stats=1 counts from load on
step modprobe-stats sh -c 'modprobe vmacct stats=1 &&
	[ "$(cat /sys/kernel/vmacct/stats/enabled)" = 1 ] &&
	vmacct status --prometheus --top 0 | grep "^vmacct_stats_enabled 1$"'
step unload-stats modprobe -r vmacct
step lsmod-after sh -c '! lsmod | grep -w "^vmacct"'
step purge apt-get remove --purge -y vmacct-dkms vmacct
step dkms-after dkms_no_vmacct
step files-left left_over
step dmesg dmesg
echo "VMACCT-DEB-END"

sync
mount -o remount,ro / 2>/dev/null
echo o > /proc/sysrq-trigger
sleep 60
