#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-deb: build the Debian packages and install them, the way a
# user does, in a booted Debian 12 guest.
#
#   1. Installs what it needs (debhelper dh-dkms lintian debootstrap ...).
#   2. Builds vmacct and vmacct-dkms out of tree (scripts/deb/build-deb.sh,
#      also "make deb": results in build/deb/), checks their contents and
#      runs lintian on the .changes.
#   3. Once (cached in $VMACCT_CACHE/deb-rootfs, default /var/cache/vmacct,
#      keyed by deb-rootfs.stamp): a bookworm rootfs from debootstrap
#      --variant=minbase with linux-image-amd64, linux-headers-amd64, dkms
#      and kmod.  VMACCT_DEB_REFRESH=1 rebuilds it (new kernel, new mirror
#      state).
#   4. Copies it to build/check-deb/rootfs, installs the two .debs there
#      with dpkg -i in a chroot, and checks that DKMS built and installed
#      vmacct.ko for the rootfs's kernel.
#   5. Packs that rootfs into an ext4 image and boots its own kernel and
#      initramfs under QEMU (TCG, one host thread): twice with systemd
#      (scripts/deb/guest-boot-check.sh, run by a unit: the module loaded
#      at boot by the packages' modules-load.d entry, vmacct-textfile
#      writing vmacct_up 1, its counters moving, and vmacct_up 0 with its
#      reason once the module is unloaded; the second boot is the
#      reboot), then with
#      init=/check.sh (scripts/deb/guest-check.sh): modprobe vmacct, vmacct
#      status, lsmod, modprobe -r, modprobe vmacct stats=1 and -r again,
#      apt-get remove --purge of both packages,
#      dkms status, and a check that no file of the packages is left.
#   6. Turns the console's markers into PASS/FAIL lines; prints timings and
#      package sizes; ends with "N passed, N failed"; exit 1 on any failure.
#
# Logs: build/check-deb/ (build.log, lintian.log, install.log,
# console.log).  The rootfs copy is removed after the image is made, the
# image after a passing run (VMACCT_DEB_KEEP=1 keeps it).
# VMACCT_DEB_GUEST_TIMEOUT (default 600 s) bounds the guest.

set -uo pipefail
. "$(dirname "$0")/../lib.sh"

CACHE=${VMACCT_CACHE:-/var/cache/vmacct}
MIRROR=${VMACCT_DEB_MIRROR:-http://deb.debian.org/debian}
ROOTFS=$CACHE/deb-rootfs
STAMP=$CACHE/deb-rootfs.stamp
LOG=$BUILD/check-deb
DEBS=$BUILD/deb
SCRATCH=$LOG/rootfs
IMG=$LOG/rootfs.img
GUEST_TIMEOUT=${VMACCT_DEB_GUEST_TIMEOUT:-600}

ROOTFS_PKGS=(linux-image-amd64 linux-headers-amd64 dkms kmod libkmod2 systemd-sysv)
# Change anything that shapes the cached rootfs and this changes with it.
KEY="check-deb rootfs v3: debootstrap --variant=minbase bookworm $MIRROR (+updates, security);"
KEY+=" apt-get install --no-install-recommends ${ROOTFS_PKGS[*]}"

passed=0
failed=0
declare -A T	# timings, seconds
sizes=()

pass() {
	echo "PASS: $*"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# check COND-STATUS MESSAGE: PASS or FAIL on the status of the last command
check() {
	if [ "$1" = 0 ]; then
		pass "$2"
	else
		fail "$2"
	fi
}

say() {
	echo "check-deb: $*"
}

finish() {
	local k
	echo
	say "timings:"
	for k in build lintian rootfs install image guest total; do
		[ -n "${T[$k]:-}" ] && printf '  %-8s %s\n' "$k" "${T[$k]}"
	done
	if [ ${#sizes[@]} -gt 0 ]; then
		say "package sizes:"
		printf '  %s\n' "${sizes[@]}"
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ] && exit 0
	exit 1
}

# the run cannot go on: count it and report what we have
abort() {
	fail "$*"
	T[total]="$(($(date +%s) - start)) s"
	finish
}

# ---------------------------------------------------------------- mounts

MOUNTS=()
qemu_pid=

mnt() {
	mount "$@" && MOUNTS+=("${*: -1}")
}

umount_all() {
	local i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}"
	done
	MOUNTS=()
}

# mounts under DIR (none may be left when DIR is removed)
mounted_under() {
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts
}

safe_rm() {
	if [ -n "$(mounted_under "$1")" ]; then
		say "refusing to remove $1: mounted: $(mounted_under "$1" | tr '\n' ' ')"
		return 1
	fi
	rm -rf --one-file-system -- "$1"
}

chroot_mounts() {
	mnt -t proc proc "$1/proc" &&
	mnt -t sysfs sysfs "$1/sys" &&
	mnt --bind /dev "$1/dev" &&
	mnt --bind /dev/pts "$1/dev/pts"
}

in_chroot() {
	local dir=$1
	shift
	chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	if [ -n "$qemu_pid" ]; then
		kill "$qemu_pid" 2>/dev/null
		wait "$qemu_pid" 2>/dev/null
	fi
	umount_all
}
trap cleanup EXIT
# fd 3: the terminal, also while a step's output goes to a log
exec 3>&1
trap 'echo >&3; say interrupted >&3; exit 130' INT TERM

start=$(date +%s)
mkdir -p "$LOG" "$CACHE"

if [ "$(id -u)" != 0 ]; then
	abort "check-deb needs root (apt-get, debootstrap, chroot, mount)"
fi

# ---------------------------------------------------------------- a. deps

if ! "$ROOT/scripts/deps.sh" --check deb > /dev/null; then
	say "installing what make deb and this check need (scripts/deps.sh deb)"
	if ! "$ROOT/scripts/deps.sh" deb > "$LOG/deps.log" 2>&1; then
		tail -n 5 "$LOG/deps.log"
		abort "cannot install them (log: $LOG/deps.log)"
	fi
fi

# ---------------------------------------------------------------- b. build

t0=$(date +%s)
changes=$("$ROOT/scripts/deb/build-deb.sh" --log "$LOG/build.log" 2> "$LOG/build-deb.err")
rc=$?
T[build]="$(($(date +%s) - t0)) s"
if [ $rc != 0 ] || [ ! -f "$changes" ]; then
	cat "$LOG/build-deb.err"
	abort "dpkg-buildpackage -us -uc -b (log: $LOG/build.log)"
fi
grep -E '^host: [0-9]+ passed' "$LOG/build.log" | sed 's/^/  dh_auto_test: /'
pass "dpkg-buildpackage -us -uc -b (${T[build]}, with the host tests)"

deb_tool=$(ls "$DEBS"/vmacct_"$VERSION"-*_amd64.deb 2>/dev/null | head -n 1)
deb_dkms=$(ls "$DEBS"/vmacct-dkms_"$VERSION"-*_all.deb 2>/dev/null | head -n 1)
if [ -z "$deb_tool" ] || [ -z "$deb_dkms" ]; then
	abort "expected vmacct_${VERSION}-*_amd64.deb and vmacct-dkms_${VERSION}-*_all.deb in $DEBS"
fi

deb_dbg=$(ls "$DEBS"/vmacct-dbgsym_"$VERSION"-*_amd64.deb 2>/dev/null | head -n 1)
for d in "$deb_tool" "$deb_dkms" ${deb_dbg:+"$deb_dbg"}; do
	sizes+=("$(printf '%-32s Installed-Size %5s KiB, file %7s bytes' "$(basename "$d")" \
		"$(dpkg-deb -f "$d" Installed-Size)" "$(stat -c %s "$d")")")
done

# contents: what each package must ship
has() {	# has DEB PATH...
	local deb=$1 p list
	shift
	list=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's,^\./,/,')
	for p; do
		grep -qxF "$p" <<< "$list" || { echo "  missing in $(basename "$deb"): $p"; return 1; }
	done
}
has "$deb_tool" /usr/sbin/vmacct /usr/share/bash-completion/completions/vmacct \
	/usr/share/doc/vmacct/README.md.gz /usr/share/doc/vmacct/vmacct.rst.gz \
	/usr/share/doc/vmacct/copyright
check $? "vmacct.deb: tool, bash completion, docs"
has "$deb_tool" /usr/share/man/man8/vmacct.8.gz
check $? "vmacct.deb: man page vmacct(8)"
has "$deb_dkms" /usr/src/vmacct-"$VERSION"/{dkms.conf,Kbuild,Makefile,module/main.c,module/vmacct.h,module/uapi/linux/vmacct.h} \
	/etc/modprobe.d/vmacct.conf /usr/lib/modules-load.d/vmacct.conf
check $? "vmacct-dkms.deb: module source in /usr/src/vmacct-$VERSION, modprobe.d line, modules-load.d entry"
dpkg-deb -c "$deb_dkms" | awk '{ print $6 }' | grep -E '\.(o|ko|cmd|mod)$' > "$LOG/objects.txt"
[ ! -s "$LOG/objects.txt" ]
check $? "vmacct-dkms.deb: sources only, no build products"

# lintian, default level: any E: or W: fails (overrides are in debian/)
t0=$(date +%s)
lintian --show-overrides "$changes" > "$LOG/lintian.log" 2>&1
T[lintian]="$(($(date +%s) - t0)) s"
sed 's/^/  lintian: /' "$LOG/lintian.log" | grep -v 'running with root privileges'
if grep -qE '^[EW]: ' "$LOG/lintian.log"; then
	fail "lintian $(basename "$changes"): errors or warnings"
else
	pass "lintian $(basename "$changes"): no error or warning ($(grep -c '^O: ' "$LOG/lintian.log") overridden)"
fi

# ---------------------------------------------------------------- c. rootfs

kver_of() {
	local f
	f=$(ls "$1"/boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
	echo "${f##*/vmlinuz-}"
}

if [ "${VMACCT_DEB_REFRESH:-0}" = 1 ] || [ ! -d "$ROOTFS" ] ||
   [ "$(head -n 1 "$STAMP" 2>/dev/null)" != "$KEY" ]; then
	t0=$(date +%s)
	say "building the bookworm rootfs in $ROOTFS (once; log: $LOG/rootfs.log)"
	new=$ROOTFS.new
	rm -f "$STAMP"
	safe_rm "$new" || abort "cannot remove $new"
	if ! debootstrap --variant=minbase bookworm "$new" "$MIRROR" > "$LOG/rootfs.log" 2>&1; then
		tail -n 5 "$LOG/rootfs.log"
		abort "debootstrap --variant=minbase bookworm (log: $LOG/rootfs.log)"
	fi
	printf 'APT::Install-Recommends "false";\n' > "$new/etc/apt/apt.conf.d/99vmacct"
	# as a Debian 12 host has them: the point release, its updates and
	# security (the newest 6.1 kernel is often in bookworm-security)
	printf '%s\n' "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" \
		"deb ${MIRROR%/debian}/debian-security bookworm-security main" \
		> "$new/etc/apt/sources.list"
	cp /etc/resolv.conf "$new/etc/resolv.conf"
	chroot_mounts "$new" || abort "cannot mount /proc, /sys, /dev in $new"
	if ! { in_chroot "$new" apt-get update &&
	       in_chroot "$new" apt-get install -y "${ROOTFS_PKGS[@]}" &&
	       in_chroot "$new" apt-get clean; } >> "$LOG/rootfs.log" 2>&1; then
		tail -n 5 "$LOG/rootfs.log"
		abort "installing ${ROOTFS_PKGS[*]} in the rootfs (log: $LOG/rootfs.log)"
	fi
	umount_all
	k=$(kver_of "$new")
	# (lib/modules/$k/build is an absolute link, valid in the chroot only)
	[ -n "$k" ] && [ -f "$new/boot/initrd.img-$k" ] && [ -e "$new/usr/src/linux-headers-$k/Makefile" ] ||
		abort "rootfs has no kernel with an initramfs and headers (log: $LOG/rootfs.log)"
	safe_rm "$ROOTFS" || abort "cannot remove $ROOTFS"
	mv "$new" "$ROOTFS"
	printf '%s\nkernel %s, built %s\n' "$KEY" "$k" "$(date -u +%FT%TZ)" > "$STAMP"
	T[rootfs]="built in $(($(date +%s) - t0)) s"
	say "rootfs ready: kernel $k, ${T[rootfs]}"
else
	T[rootfs]="cached ($(sed -n 2p "$STAMP"))"
fi
KVER=$(kver_of "$ROOTFS")
say "guest kernel: $KVER"

# ---------------------------------------------------------------- d. install

t0=$(date +%s)
safe_rm "$SCRATCH" || abort "cannot remove $SCRATCH"
rm -f "$IMG"
cp -a "$ROOTFS" "$SCRATCH" || abort "cannot copy $ROOTFS to $SCRATCH"
mkdir -p "$SCRATCH/tmp/vmacct-debs"
cp "$deb_tool" "$deb_dkms" "$SCRATCH/tmp/vmacct-debs/"
chroot_mounts "$SCRATCH" || abort "cannot mount /proc, /sys, /dev in $SCRATCH"
{
	echo "# dpkg -i $(basename "$deb_tool") $(basename "$deb_dkms")"
	in_chroot "$SCRATCH" sh -c 'dpkg -i /tmp/vmacct-debs/*.deb' ||
		{ echo "# apt-get install -f"; in_chroot "$SCRATCH" apt-get update &&
		  in_chroot "$SCRATCH" apt-get install -f -y; }
} > "$LOG/install.log" 2>&1
st_tool=$(in_chroot "$SCRATCH" dpkg-query -W -f='${db:Status-Status}' vmacct 2>/dev/null)
st_dkms=$(in_chroot "$SCRATCH" dpkg-query -W -f='${db:Status-Status}' vmacct-dkms 2>/dev/null)
[ "$st_tool" = installed ] && [ "$st_dkms" = installed ]
check $? "dpkg -i vmacct vmacct-dkms in the bookworm chroot (log: $LOG/install.log)"
grep -E '^(Building for|Building initial module|Done\.|DKMS: )' "$LOG/install.log" | sed 's/^/  /'

dkms_st=$(in_chroot "$SCRATCH" dkms status 2>&1)
echo "$dkms_st" | sed 's/^/  dkms status: /'
grep -qE "^vmacct[/,] ?$VERSION, $KVER, [^:]*: installed" <<< "$dkms_st"
check $? "dkms status: vmacct $VERSION installed for $KVER"
ko=$(ls "$SCRATCH/lib/modules/$KVER/updates/dkms/"vmacct.ko* 2>/dev/null | head -n 1)
[ -n "$ko" ]
check $? "DKMS installed /lib/modules/$KVER/updates/dkms/${ko##*/}"
if [ -n "$ko" ]; then
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null)
	[ "${vm%% *}" = "$KVER" ]
	check $? "vmacct.ko vermagic is $KVER (${vm:-none})"
	grep -q "^updates/dkms/vmacct.ko" "$SCRATCH/lib/modules/$KVER/modules.dep"
	check $? "depmod: vmacct is in modules.dep for $KVER"
fi
umount_all
rm -rf "$SCRATCH/tmp/vmacct-debs"

# the guest: twice booted by systemd (guest-boot-check.sh, run by a unit
# once the system is up), then /check.sh as init; root on /dev/vda
sed "s/@VERSION@/$VERSION/" "$ROOT/scripts/deb/guest-check.sh" > "$SCRATCH/check.sh"
chmod 0755 "$SCRATCH/check.sh"
install -m 0755 "$ROOT/scripts/deb/guest-boot-check.sh" "$SCRATCH/boot-check.sh"
install -m 0644 "$ROOT/scripts/deb/guest-step.sh" "$SCRATCH/step.sh"
cat > "$SCRATCH/etc/systemd/system/vmacct-boot-check.service" <<'UNIT'
[Unit]
Description=check-deb: vmacct monitored after a reboot
After=multi-user.target systemd-modules-load.service

[Service]
Type=oneshot
ExecStart=/boot-check.sh
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$SCRATCH/etc/systemd/system/multi-user.target.wants" \
	"$SCRATCH/var/lib/prometheus/node-exporter"
ln -sf /etc/systemd/system/vmacct-boot-check.service \
	"$SCRATCH/etc/systemd/system/multi-user.target.wants/vmacct-boot-check.service"
# not a first boot: no interactive systemd-firstboot on the console
od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$SCRATCH/etc/machine-id"
ln -sf /dev/null "$SCRATCH/etc/systemd/system/systemd-firstboot.service"
# no login prompt on the console: its hangup would cut the checks' output
ln -sf /dev/null "$SCRATCH/etc/systemd/system/serial-getty@ttyS0.service"
ln -sf /dev/null "$SCRATCH/etc/systemd/system/getty@tty1.service"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' > "$SCRATCH/etc/fstab"
echo vmacct-deb > "$SCRATCH/etc/hostname"
cp "$SCRATCH/boot/vmlinuz-$KVER" "$SCRATCH/boot/initrd.img-$KVER" "$LOG/"
T[install]="$(($(date +%s) - t0)) s"

# ---------------------------------------------------------------- e. guest

t0=$(date +%s)
[ -z "$(mounted_under "$SCRATCH")" ] || abort "still mounted under $SCRATCH: $(mounted_under "$SCRATCH")"
size=$(( $(du -sm "$SCRATCH" | cut -f1) + 768 ))
if ! mkfs.ext4 -q -F -L vmacct-root -d "$SCRATCH" "$IMG" "${size}M" > "$LOG/mkfs.log" 2>&1; then
	cat "$LOG/mkfs.log"
	abort "mkfs.ext4 -d $SCRATCH $IMG"
fi
safe_rm "$SCRATCH"
T[image]="$(($(date +%s) - t0)) s (${size} MiB ext4)"

rc_of() {	# the status the guest reported for step $1, or "none"
	sed -n "s/^VMACCT-DEB-STEP $1 rc=\([0-9]*\)\$/\1/p" "$C" | tail -n 1 | grep . || echo none
}

out_of() {	# what step $1 printed
	sed -n "/^VMACCT-DEB-OUT-BEGIN $1\$/,/^VMACCT-DEB-OUT-END $1\$/p" "$C" | sed '1d;$d'
}

step_check() {	# step_check STEP MESSAGE
	local rc
	rc=$(rc_of "$1")
	if [ "$rc" = 0 ]; then
		pass "guest: $2"
	else
		fail "guest: $2 (status $rc)"
		out_of "$1" | tail -n 15 | sed "s/^/  $1: /"
	fi
}

# boot NAME APPEND: the image under QEMU, its console in $LOG/NAME.log
boot() {
	timeout "$GUEST_TIMEOUT" qemu-system-x86_64 -accel tcg,thread=single -cpu max \
		-m 2G -smp 2 -nographic -no-reboot \
		-kernel "$LOG/vmlinuz-$KVER" -initrd "$LOG/initrd.img-$KVER" \
		-append "root=/dev/vda rw rootfstype=ext4 console=ttyS0 panic=-1 $2" \
		-drive "file=$IMG,if=virtio,format=raw" -nic none \
		< /dev/null > "$LOG/$1.log" 2> "$LOG/$1.qemu.err" &
	qemu_pid=$!
	wait "$qemu_pid"
	qrc=$?
	qemu_pid=
	tr -d '\r' < "$LOG/$1.log" > "$LOG/$1.txt"
	return $qrc
}

# two boots by systemd: the module loaded by the packages alone, the
# textfile written with vmacct_up 1, its counters moving; again after the
# reboot
for b in 1 2; do
	t0=$(date +%s)
	say "boot $b by systemd under QEMU (console: $LOG/boot$b.log)"
	boot "boot$b" "systemd.show_status=0"
	qrc=$?
	T[boot$b]="$(($(date +%s) - t0)) s"
	C=$LOG/boot$b.txt
	if grep -q "^VMACCT-DEB-BOOT-END $b\$" "$C"; then
		pass "guest: boot $b by systemd ran the checks and powered off (${T[boot$b]})"
	else
		fail "guest: boot $b by systemd (QEMU status $qrc) did not finish its checks (console: $LOG/boot$b.log)"
		tail -n 20 "$C" | sed 's/^/  console: /'
	fi
	step_check "boot$b-loaded" "boot $b: systemd-modules-load loaded vmacct (modules-load.d, modprobe.d install line, vmacct load)"
	step_check "boot$b-up" "boot $b: vmacct-textfile.service wrote vmacct_up 1"
	step_check "boot$b-moving" "boot $b: the counters in vmacct.prom moved between two runs"
	out_of "boot$b-moving" | tail -n 1 | sed 's/^/  /'
	step_check "boot$b-down" "boot $b: unloaded, vmacct-textfile.service wrote a fresh vmacct.prom with vmacct_up{reason=\"not_loaded\"} 0"
done

t0=$(date +%s)
say "booting $KVER under QEMU (TCG; console: $LOG/console.log; timeout ${GUEST_TIMEOUT}s)"
boot console "init=/check.sh"
qrc=$?
T[guest]="$(($(date +%s) - t0)) s"
C=$LOG/console.txt

# ---------------------------------------------------------------- f. results

if [ $qrc = 124 ]; then
	fail "guest: timed out after ${GUEST_TIMEOUT}s (console: $LOG/console.log)"
elif ! grep -q '^VMACCT-DEB-END$' "$C"; then
	fail "guest: ended (QEMU status $qrc) without finishing /check.sh (console: $LOG/console.log)"
	tail -n 20 "$C" | sed 's/^/  console: /'
else
	pass "guest: booted $KVER from the ext4 image and ran /check.sh (${T[guest]})"
fi

if grep -q '^VMACCT-DEB-BEGIN$' "$C"; then
	say "guest: $(grep -m 1 '^kernel ' "$C"), $(out_of version | head -n 1)"
	if [ "$(rc_of install-line)" = 0 ] && out_of install-line | grep -q '^install /usr/sbin/vmacct load'; then
		pass "guest: modprobe -n -v vmacct runs /usr/sbin/vmacct load (modprobe.d line)"
	else
		fail "guest: modprobe -n -v vmacct: $(out_of install-line | head -n 1)"
	fi
	step_check modprobe "modprobe vmacct (through vmacct load)"
	say "guest: vmacct status:"
	out_of status | sed 's/^/  | /'
	if [ "$(rc_of status)" = 0 ] && out_of status | grep -q '^vmacct module '; then
		pass "guest: vmacct status printed the \"vmacct module\" header"
	else
		fail "guest: vmacct status (status $(rc_of status)), \"vmacct module\" header $(out_of status | grep -c '^vmacct module ') times"
	fi
	step_check lsmod "lsmod lists vmacct"
	step_check unload "modprobe -r vmacct"
	step_check modprobe-stats "modprobe vmacct stats=1 counts from load on (stats/enabled 1)"
	step_check unload-stats "modprobe -r vmacct while counting"
	step_check lsmod-after "vmacct no longer listed after unload"
	step_check purge "apt-get remove --purge -y vmacct-dkms vmacct"
	out_of purge | grep -E '^(Removing|Purging|Deleting|Module vmacct)' | sed 's/^/  purge: /'
	step_check dkms-after "dkms status shows no vmacct after the purge"
	out_of files-left | tail -n 1 | sed 's/^/  /'
	step_check files-left "no file of the packages left, nor DKMS's module and tree"
	# the guest's kernel log, kept in dmesg while the checks ran
	out_of dmesg > "$LOG/guest-dmesg.txt"
	if grep -qE 'BUG:|WARNING:|Oops|Call Trace|general protection|KASAN' "$LOG/guest-dmesg.txt"; then
		grep -E 'BUG:|WARNING:|Oops|Call Trace|general protection' "$LOG/guest-dmesg.txt" | head -n 10 | sed 's/^/  dmesg: /'
		fail "guest: kernel log has warnings (log: $LOG/guest-dmesg.txt)"
	else
		pass "guest: kernel log clean (no BUG, WARNING, Oops, Call Trace)"
	fi
fi

if [ "$failed" = 0 ] && [ "${VMACCT_DEB_KEEP:-0}" != 1 ]; then
	rm -f "$IMG"
fi
T[total]="$(($(date +%s) - start)) s"
finish
