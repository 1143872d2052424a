#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-deb guest, booted by systemd (twice: the second boot is the
# reboot): run by vmacct-boot-check.service once the system is up, it
# checks that nothing but the packages loaded the module at boot
# (modules-load.d, then the modprobe.d install line, vmacct load), that
# vmacct-textfile.service writes vmacct_up 1, that the counters in the
# file move between two runs, and that with the module unloaded the
# service still runs and writes vmacct_up 0 with the reason (a file
# rewritten, not a stale one).  Then it powers the guest off; the
# host boots it again for the next boot.  Markers as guest-check.sh's,
# with the boot number in each step's name:
#   VMACCT-DEB-STEP boot<N>-<name> rc=<status>
#   VMACCT-DEB-OUT-BEGIN boot<N>-<name> ... VMACCT-DEB-OUT-END boot<N>-<name>

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

PROM=/var/lib/prometheus/node-exporter/vmacct.prom
COUNT=/var/lib/vmacct-boot-count

n=$(cat "$COUNT" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$COUNT"
sync

. /step.sh

# the sum of the decisions counted, as the textfile says
decisions() {
	awk '/^vmacct_commit_decisions_total/ { s += $2 } END { print s + 0 }' "$PROM"
}

loaded_at_boot() {
	lsmod | grep -w '^vmacct' || return 1
	journalctl -b -u systemd-modules-load.service --no-pager | tail -n 5
	systemctl is-active systemd-modules-load.service
}

textfile_up() {
	systemctl start vmacct-textfile.service || return 1
	grep -v '^#' "$PROM" | sed -n '1,3p'
	grep -qx 'vmacct_up 1' "$PROM"
}

counters_move() {
	before=$(decisions)
	i=0
	while [ $i -lt 20 ]; do
		sh -c true
		i=$((i + 1))
	done
	systemctl start vmacct-textfile.service || return 1
	after=$(decisions)
	echo "decisions in $PROM: $before, then $after after 20 execs"
	[ "$after" -gt "$before" ]
}

# unloaded: the service writes vmacct_up{reason="not_loaded"} 0, and a
# fresh file (its mtime moves), rather than be skipped
textfile_down() {
	vmacct unload || return 1
	before=$(stat -c %Y "$PROM")
	sleep 1.1
	systemctl start vmacct-textfile.service || return 1
	systemctl is-failed vmacct-textfile.service && return 1
	grep -v '^#' "$PROM"
	after=$(stat -c %Y "$PROM")
	[ "$after" -gt "$before" ] &&
		grep -qx 'vmacct_up{reason="not_loaded"} 0' "$PROM" &&
		! grep -q '^vmacct_commit_decisions_total' "$PROM"
}

echo "VMACCT-DEB-BOOT $n"
step "boot$n-loaded" loaded_at_boot
step "boot$n-up" textfile_up
step "boot$n-moving" counters_move
step "boot$n-down" textfile_down
echo "VMACCT-DEB-BOOT-END $n"
sync
systemctl poweroff
