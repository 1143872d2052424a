#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-guest.sh - run a shell script as root inside a throw-away QEMU guest.
#
# Packs a small initramfs (busybox-static, an /init written here, optional
# host executables with their shared libraries, an optional payload
# directory and the script), boots a kernel under QEMU TCG, runs the script
# and brings its stdout back over the guest's second serial port (ttyS1).
# The guest's console (ttyS0: kernel messages and the script's stderr) goes
# to a log file that is checked for kernel warnings afterwards.
# With --arch arm64: qemu-system-aarch64 -M virt, the console on the PL011
# (ttyAMA0) and the script's stdout on a PCI 16550 (ttyS0), with an arm64
# busybox and cross-built executables.
#
# See --help and README.md in this directory.

set -euo pipefail

PROG=${0##*/}
MARKER=VMACCT-GUEST-EXIT

usage() {
	cat <<EOF
Usage: $PROG --kernel KVER --script FILE [OPTIONS]

Boot a kernel in QEMU (TCG), run FILE with busybox sh as root inside the
guest, and copy the script's stdout back to the host.

Required:
  --kernel KVER         boot /boot/vmlinuz-KVER (with --vmlinuz: only a label)
  --script FILE         shell script (busybox sh) to run in the guest as root

Options:
  --arch ARCH           x86_64 (default) or arm64: the guest's architecture
                        (arm64: qemu-system-aarch64 -M virt, an
                        aarch64 --busybox and --bin executables)
  --busybox PATH        the static busybox to put in the guest (default
                        /bin/busybox; required with --arch arm64)
  --sysroot DIR         arm64: where the libraries of --bin executables are
                        looked up (DIR/lib/aarch64-linux-gnu,
                        DIR/usr/lib/aarch64-linux-gnu), before the cross
                        libc in /usr/aarch64-linux-gnu/lib
  --vmlinuz PATH        boot this kernel image instead of /boot/vmlinuz-KVER
  --payload DIR         copy DIR as-is into the guest as /payload (the
                        script's working directory)
  --bin PATH            install a host executable as /usr/bin/NAME with every
                        shared library ldd reports (and the ELF interpreter);
                        a bare NAME is looked up in PATH; repeatable; with
                        --arch arm64 an aarch64 executable, its libraries
                        found from its DT_NEEDED entries (readelf) in
                        --sysroot and the cross libc
  --out FILE            write the script's stdout here (default: stdout)
  --console-log FILE    keep the full serial console here (kernel messages
                        and the script's stderr); by default a temporary
                        file, removed on success and kept on failure
  --timeout SECONDS     wall-clock limit for the whole guest (default 600)
  --mem SIZE            guest memory, QEMU syntax (default 2G)
  --smp N               guest CPUs (default 2)
  --tcg-thread MODE     single (default) or multi: QEMU's TCG runs all vCPUs
                        on one host thread, or one thread per vCPU (MTTCG).
                        MTTCG in QEMU 7.2 loses cross-modifying code: arming
                        or disarming a kprobe on a system call while other
                        vCPUs run it crashes stock 6.1 and 6.12 guests (a
                        jump to 0, a stale int3); see README.md here
  --icount SHIFT        count time by instructions (QEMU -icount
                        shift=SHIFT,sleep=off; x86_64): each guest
                        instruction advances the guest's clocks by 2^SHIFT
                        ns, so that timings inside the guest measure the
                        instructions executed, whatever the host is doing
                        (with --smp 1: 6.1.0-57 hangs bringing up a second
                        vCPU under -icount)
  --append "ARGS"       extra kernel command line
  --qemu-arg ARG        one more QEMU argument, as is (repeatable; x86_64):
                        scripts/bench-profile.sh passes QEMU's -d exec log
  --workdir DIR         scratch directory for the initramfs (default: a
                        mktemp directory removed at exit; a given DIR is kept)
  -h, --help            show this help

Exit status:
  N     the script's own exit status (guest finished, console log clean)
  124   the guest timed out
  125   the guest ended without reporting the script's status (kernel
        panic, crash, QEMU failure), or the runner was misused
  126   the script finished but the console log has kernel warnings
        (BUG:, WARNING:, Oops, Call Trace, KASAN, ...); they are printed
  130   interrupted on the host

Inside the guest:
  PATH has busybox-static applets; /proc, /sys, /dev (devtmpfs), /dev/pts,
  /dev/shm, /tmp, /run are mounted, and debugfs, tracefs and cgroup2 when
  the kernel has them.  stdin is /dev/null.  VMACCT_GUEST=1 and
  VMACCT_KERNEL=<label> are exported.  /etc/passwd has root (0) and nobody
  (65534, group nogroup 65534, shell /bin/sh).

  Dropping privileges (busybox 1.35 in Debian 12: su works; its setpriv has
  no --reuid and there is no chpst):
      su -s /bin/sh nobody -c 'id'
      su -s /bin/sh nobody -c 'exec "\$0" "\$@"' /payload/prog arg1 arg2
EOF
}

die() {
	printf '%s: %s\n' "$PROG" "$*" >&2
	exit 125
}

msg() {
	printf '%s: %s\n' "$PROG" "$*" >&2
}

# ---------------------------------------------------------------- options

arch=x86_64
busybox=
sysroot=
kernel=
vmlinuz=
script=
payload=
out=
console_log=
timeout_s=600
mem=2G
smp=2
tcg_thread=${VMACCT_TCG_THREAD:-single}
append=
workdir=
icount=
bins=()
qemu_extra=()

need_arg() {
	[[ $# -ge 2 ]] || die "option $1 needs an argument (see --help)"
}

while [[ $# -gt 0 ]]; do
	case $1 in
	--arch)		need_arg "$@"; arch=$2; shift 2 ;;
	--busybox)	need_arg "$@"; busybox=$2; shift 2 ;;
	--sysroot)	need_arg "$@"; sysroot=$2; shift 2 ;;
	--kernel)	need_arg "$@"; kernel=$2; shift 2 ;;
	--vmlinuz)	need_arg "$@"; vmlinuz=$2; shift 2 ;;
	--script)	need_arg "$@"; script=$2; shift 2 ;;
	--payload)	need_arg "$@"; payload=$2; shift 2 ;;
	--bin)		need_arg "$@"; bins+=("$2"); shift 2 ;;
	--out)		need_arg "$@"; out=$2; shift 2 ;;
	--console-log)	need_arg "$@"; console_log=$2; shift 2 ;;
	--timeout)	need_arg "$@"; timeout_s=$2; shift 2 ;;
	--mem)		need_arg "$@"; mem=$2; shift 2 ;;
	--smp)		need_arg "$@"; smp=$2; shift 2 ;;
	--tcg-thread)	need_arg "$@"; tcg_thread=$2; shift 2 ;;
	--append)	need_arg "$@"; append=$2; shift 2 ;;
	--icount)	need_arg "$@"; icount=$2; shift 2 ;;
	--qemu-arg)	need_arg "$@"; qemu_extra+=("$2"); shift 2 ;;
	--workdir)	need_arg "$@"; workdir=$2; shift 2 ;;
	-h|--help)	usage; exit 0 ;;
	*)		die "unknown argument '$1' (see --help)" ;;
	esac
done

[[ $arch == x86_64 || $arch == arm64 ]] || die "--arch $arch: expected x86_64 or arm64"
[[ -n $kernel || -n $vmlinuz ]] || die "--kernel KVER (or --vmlinuz PATH) is required"
[[ -n $script ]] || die "--script FILE is required"
[[ -n $vmlinuz ]] || vmlinuz=/boot/vmlinuz-$kernel
[[ -n $kernel ]] || kernel=$(basename "$vmlinuz")
[[ -r $vmlinuz ]] || die "kernel image $vmlinuz: not readable"
[[ -f $script && -r $script ]] || die "script $script: not a readable file"
[[ -z $payload || -d $payload ]] || die "payload $payload: not a directory"
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || die "--timeout $timeout_s: not a positive integer"
[[ $smp =~ ^[1-9][0-9]*$ ]] || die "--smp $smp: not a positive integer"
[[ $tcg_thread == single || $tcg_thread == multi ]] ||
	die "--tcg-thread $tcg_thread: expected single or multi"
[[ -z $icount || $icount =~ ^[0-9]$ ]] || die "--icount $icount: expected a shift from 0 to 9"
[[ -z $icount || $arch == x86_64 ]] || die "--icount: x86_64 guests only"
[[ ${#qemu_extra[@]} = 0 || $arch == x86_64 ]] || die "--qemu-arg: x86_64 guests only"
[[ $mem =~ ^[1-9][0-9]*[KMGT]?$ ]] || die "--mem $mem: expected a size like 2G or 512M"
[[ $kernel != *[[:space:]\'\"\\]* ]] || die "--kernel $kernel: no spaces or quotes, please"

[[ -z $sysroot || -d $sysroot ]] || die "--sysroot $sysroot: not a directory"
if [[ $arch == x86_64 ]]; then
	qemu_bin="qemu-system-x86_64"
	for tool in "$qemu_bin" cpio gzip timeout ldd; do
		command -v "$tool" >/dev/null || die "$tool not found"
	done
	busybox=${busybox:-/bin/busybox}
	[[ -x $busybox ]] || die "$busybox not found (apt-get install busybox-static)"
	# A dynamically linked busybox would need its libraries in the guest too.
	if ldd "$busybox" >/dev/null 2>&1; then
		die "$busybox is dynamically linked; install busybox-static"
	fi
else
	qemu_bin="qemu-system-aarch64"
	triplet=aarch64-linux-gnu
	for tool in "$qemu_bin" cpio gzip timeout; do
		command -v "$tool" >/dev/null || die "$tool not found"
	done
	# GNU readelf reads every ELF machine; the cross one is what deps.sh installs
	readelf=$(command -v "$triplet-readelf" || command -v readelf) ||
		die "$triplet-readelf not found (apt-get install binutils-$triplet)"
	[[ -n $busybox ]] || die "--arch arm64 needs --busybox PATH (an aarch64 busybox-static)"
	[[ -f $busybox && -r $busybox ]] || die "--busybox $busybox: not a readable file"
	LC_ALL=C "$readelf" -h "$busybox" 2>/dev/null | grep -q 'Machine:.*AArch64' ||
		die "--busybox $busybox: not an aarch64 executable"
	if LC_ALL=C "$readelf" -l "$busybox" | grep -q 'INTERP'; then
		die "--busybox $busybox is dynamically linked; use busybox-static"
	fi
fi

# ---------------------------------------------------------------- scratch

own_workdir=
console_tmp=
qemu_pid=
interrupted=

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	if [[ -n $qemu_pid ]]; then
		kill -TERM "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
	fi
	if [[ -n $own_workdir ]]; then
		rm -rf -- "$own_workdir"
	fi
}
trap cleanup EXIT

if [[ -n $workdir ]]; then
	mkdir -p -- "$workdir"
	workdir=$(cd -- "$workdir" && pwd)
else
	workdir=$(mktemp -d "${TMPDIR:-/tmp}/vmacct-guest.XXXXXX")
	own_workdir=$workdir
fi
if [[ -z $console_log ]]; then
	console_log=$(mktemp --suffix=.log "${TMPDIR:-/tmp}/vmacct-guest-console-$kernel.XXXXXX")
	console_tmp=$console_log
fi
: >"$console_log" || die "cannot write console log $console_log"

root=$workdir/root
initrd=$workdir/initrd.cpio.gz
results=$workdir/results
qemu_err=$workdir/qemu.stderr
rm -rf -- "$root" "$initrd" "$results" "$qemu_err"

# ---------------------------------------------------------------- initramfs

pack_start=$(date +%s.%N)

# Merged /usr like Debian 12, so paths reported by ldd work either way.
mkdir -p "$root"/usr/{bin,sbin,lib,lib64} \
	"$root"/{dev,proc,sys,tmp,run,root,etc/vmacct-guest,payload}
ln -s usr/bin "$root/bin"
ln -s usr/sbin "$root/sbin"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
chmod 1777 "$root/tmp"
chmod 700 "$root/root"

cp "$busybox" "$root/usr/bin/busybox"
chmod 755 "$root/usr/bin/busybox"
if [[ $arch == x86_64 ]]; then
	applets=$("$busybox" --list-full)
	while IFS= read -r applet; do
		[[ $applet == */busybox ]] && continue
		ln -sf /usr/bin/busybox "$root/$applet"
	done <<<"$applets"
else
	# The host cannot run an aarch64 busybox to list its applets: /init
	# links them first thing (busybox --install -s), keeping every file
	# already there (--bin), and then removes the /usr/sbin links of the
	# names listed here, which would come first in PATH.
	ln -s busybox "$root/usr/bin/sh"
	: >"$root/etc/vmacct-guest/link-applets"
fi

# Copy host file $1 to the same path in the guest (following symlinks).
copy_lib() {
	local src=$1
	[[ -e $root$src ]] && return 0
	mkdir -p -- "$(dirname -- "$root$src")"
	cp -L -- "$src" "$root$src"
}

install_bin() {
	local bin=$1 path name line lib ldd_out
	if [[ $bin == */* ]]; then
		path=$bin
	else
		path=$(command -v -- "$bin") || die "--bin $bin: not found in PATH"
	fi
	[[ -f $path && -x $path ]] || die "--bin $path: not an executable file"
	name=$(basename -- "$path")
	# --bin wins over a busybox applet of the same name, whatever the PATH order.
	rm -f -- "$root"/usr/{bin,sbin}/"$name"
	cp -L -- "$path" "$root/usr/bin/$name"

	if ! ldd_out=$(LC_ALL=C ldd -- "$path" 2>&1); then
		# Static executables and scripts need nothing more.
		[[ $ldd_out == *"not a dynamic executable"* ]] && return 0
		die "--bin $path: ldd failed: $ldd_out"
	fi
	while IFS= read -r line; do
		case $line in
		*"=> not found"*)
			die "--bin $path: missing library: ${line#"${line%%[![:space:]]*}"}" ;;
		*"=> /"*)
			lib=${line#*=> }
			lib=${lib%% (*}
			copy_lib "$lib" ;;
		*[[:space:]]/*)
			# the ELF interpreter: "/lib64/ld-linux-x86-64.so.2 (0x...)"
			lib=${line#"${line%%[![:space:]]*}"}
			lib=${lib%% (*}
			copy_lib "$lib" ;;
		esac
	done <<<"$ldd_out"
}

# arm64: the library $1 (a file name), from --sysroot or the cross libc
find_cross_lib() {
	local d
	for d in ${sysroot:+"$sysroot/lib/$triplet" "$sysroot/usr/lib/$triplet"} \
		 "/usr/$triplet/lib"; do
		if [[ -e $d/$1 ]]; then
			printf '%s\n' "$d/$1"
			return 0
		fi
	done
	return 1
}

# arm64: the DT_NEEDED libraries of ELF file $1 (for --bin $2), recursively,
# into /usr/lib/aarch64-linux-gnu, which the guest's ld.so searches.
install_cross_needed() {
	local elf=$1 bin=$2 lib src
	for lib in $(LC_ALL=C "$readelf" -d "$elf" |
		     sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		[[ -e $root/usr/lib/$triplet/$lib ]] && continue
		src=$(find_cross_lib "$lib") ||
			die "--bin $bin: missing library $lib (not in ${sysroot:+$sysroot/{,usr/}lib/$triplet or }/usr/$triplet/lib)"
		mkdir -p -- "$root/usr/lib/$triplet"
		cp -L -- "$src" "$root/usr/lib/$triplet/$lib"
		install_cross_needed "$src" "$bin"
	done
}

install_bin_cross() {
	local path=$1 name interp src
	[[ -f $path && -x $path ]] || die "--bin $path: not an executable file"
	name=$(basename -- "$path")
	rm -f -- "$root"/usr/{bin,sbin}/"$name"
	cp -L -- "$path" "$root/usr/bin/$name"
	printf '%s\n' "$name" >>"$root/etc/vmacct-guest/link-applets"
	# a script needs nothing more
	[[ $(head -c 4 -- "$path" | od -An -c | tr -d ' ') == 177ELF ]] || return 0
	LC_ALL=C "$readelf" -h "$path" | grep -q 'Machine:.*AArch64' ||
		die "--bin $path: not an aarch64 executable"
	interp=$(LC_ALL=C "$readelf" -l "$path" |
		 sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
	if [[ -n $interp && ! -e $root$interp ]]; then
		src=$(find_cross_lib "$(basename -- "$interp")") ||
			die "--bin $path: missing ELF interpreter $interp"
		mkdir -p -- "$(dirname -- "$root$interp")"
		cp -L -- "$src" "$root$interp"
	fi
	install_cross_needed "$path" "$path"
}

for b in "${bins[@]}"; do
	if [[ $arch == x86_64 ]]; then
		install_bin "$b"
	else
		install_bin_cross "$b"
	fi
done

if [[ -n $payload ]]; then
	cp -a -- "$payload/." "$root/payload/"
fi
cp -- "$script" "$root/etc/vmacct-guest/script"

cat >"$root/init" <<'EOF'
#!/bin/sh
# vmacct guest init, written by run-guest.sh.  Runs as PID 1.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C VMACCT_GUEST=1

# A busybox the host could not run (another architecture): link its
# applets now (--install reads /proc/self/exe), leaving the --bin
# executables listed in the file in front of them in PATH.
if [ -e /etc/vmacct-guest/link-applets ]; then
	/usr/bin/busybox mount -t proc proc /proc
	/usr/bin/busybox --install -s
	/usr/bin/busybox umount /proc
	while read -r name; do
		[ -L "/usr/sbin/$name" ] && rm -f "/usr/sbin/$name"
	done </etc/vmacct-guest/link-applets
fi

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
exec </dev/null >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts -o nosuid,noexec,gid=5,mode=620,ptmxmode=000 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp
mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
# Optional, depending on the kernel's configuration.
mount -t debugfs -o nosuid,nodev,noexec debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs -o nosuid,nodev,noexec tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup 2>/dev/null

cat >/etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/sh
PASSWD
cat >/etc/group <<'GROUP'
root:x:0:
tty:x:5:
nogroup:x:65534:
GROUP
printf 'root::1::::::\nnobody:*:1::::::\n' >/etc/shadow
chmod 600 /etc/shadow
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >/etc/nsswitch.conf
printf '/bin/sh\n' >/etc/shells
hostname vmacct-guest

. /etc/vmacct-guest/env

# Results go to the second serial port, byte for byte (no CR insertion).
if ! stty -F "$results_tty" raw -echo; then
	echo "vmacct-guest: cannot set up $results_tty; no results" >&2
	poweroff -f
fi
exec 3>"$results_tty"

read -r up _ </proc/uptime
echo "VMACCT-GUEST-START uptime=$up"
cd /payload || cd /
sh /etc/vmacct-guest/script >&3 2>"$console_tty" 3>&-
status=$?
cd /
read -r up _ </proc/uptime
echo "VMACCT-GUEST-END uptime=$up status=$status"

# Nothing may write to the results after the marker: stop what the script left.
kill -KILL -1 2>/dev/null
sleep 0.2

# The marker is written only here, after the script has returned.  The
# leading newline keeps it on a line of its own; the host strips it again.
printf '\nVMACCT-GUEST-EXIT %d\n' "$status" >&3
# stty waits for the output to drain (TCSADRAIN) before poweroff.
stty -F "$results_tty" raw -echo
exec 3>&-
sync
poweroff -f
echo o >/proc/sysrq-trigger
while :; do sleep 1; done
EOF
chmod 755 "$root/init"
# the serial ports, for init only (not exported): x86_64 has two 16550s;
# arm64's virt board has one PL011, the results go to a PCI 16550
if [[ $arch == x86_64 ]]; then
	printf 'console_tty=/dev/ttyS0\nresults_tty=/dev/ttyS1\n' >"$root/etc/vmacct-guest/env"
else
	printf 'console_tty=/dev/ttyAMA0\nresults_tty=/dev/ttyS0\n' >"$root/etc/vmacct-guest/env"
fi
printf 'export VMACCT_KERNEL=%s\n' "$kernel" >>"$root/etc/vmacct-guest/env"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$initrd"

# ---------------------------------------------------------------- boot

# tsc=reliable: under TCG the TSC follows the host clock, and a busy host
# delays the clocksource watchdog's reads enough that it marks the TSC
# unstable and moves to the emulated HPET, which makes every clock read a
# trip into QEMU (seen: a make check-debug fuzzer three times slower after
# "clocksource: Switched to clocksource hpet" while the host compiled).
if [[ $arch == x86_64 ]]; then
	cmdline="console=ttyS0 panic=-1 printk.time=1 tsc=reliable${append:+ $append}"
	qemu=(qemu-system-x86_64
		-accel "tcg,thread=$tcg_thread" -cpu max -m "$mem" -smp "$smp"
		${icount:+-icount "shift=$icount,sleep=off"}
		"${qemu_extra[@]}"
		-nodefaults -no-user-config -display none -monitor none -no-reboot
		-kernel "$vmlinuz" -initrd "$initrd" -append "$cmdline"
		-serial "file:$console_log"	# ttyS0: console
		-serial "file:$results")	# ttyS1: the script's stdout
else
	# -M virt has one PL011 (ttyAMA0, the console); the script's stdout
	# goes to a PCI 16550 (pci-serial), ttyS0 to Debian's arm64 kernels
	# (SERIAL_8250_PCI=y, unlike virtio-console, a module on 6.1).
	# pauth-impdef: the kernels sign return addresses (ARM64_PTR_AUTH_KERNEL)
	# and TCG's architected QARMA5 makes them about 4 times slower to boot
	# (12.6 s against 3.2 s to init for 6.1.0-57, 12.5 s against 3.7 s for
	# 6.12.118); the implementation-defined algorithm keeps pointer
	# authentication on, only cheaper.  Debian's arm64 vmlinuz is an
	# uncompressed Image, which -kernel boots directly (no firmware).
	cmdline="console=ttyAMA0 panic=-1 printk.time=1${append:+ $append}"
	qemu=(qemu-system-aarch64
		-M virt -accel "tcg,thread=$tcg_thread" -cpu "max,pauth-impdef=on"
		-m "$mem" -smp "$smp"
		-nodefaults -no-user-config -display none -monitor none -no-reboot
		-kernel "$vmlinuz" -initrd "$initrd" -append "$cmdline"
		-serial "file:$console_log"	# ttyAMA0: console
		-chardev "file,id=results,path=$results"
		-device "pci-serial,chardev=results")	# ttyS0: the script's stdout
fi

# shellcheck disable=SC2317 # called from the signal trap
on_signal() {
	interrupted=1
	[[ -n $qemu_pid ]] && kill -TERM "$qemu_pid" 2>/dev/null
	return 0
}
trap on_signal INT TERM HUP

start=$(date +%s.%N)
pack=$(awk -v a="$pack_start" -v b="$start" 'BEGIN { printf "%.2f", b - a }')
# timeout runs QEMU in its own process group; on a signal to us, on_signal
# asks timeout to stop it.
timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null 2>"$qemu_err" &
qemu_pid=$!
qemu_rc=0
while :; do
	wait "$qemu_pid" && qemu_rc=0 || qemu_rc=$?
	# wait returns early (>128) when a trapped signal arrives
	kill -0 "$qemu_pid" 2>/dev/null || break
done
qemu_pid=
trap - INT TERM HUP
end=$(date +%s.%N)
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

# ---------------------------------------------------------------- results

# Kernel warnings in the console log.  Only kernel messages count: lines
# carry a printk timestamp (printk.time=1 above), which keeps the script's
# own stderr (also on ttyS0) from matching.  The timestamp is not anchored
# to the line start because a kernel message may follow a partial line of
# user output.
ts_re='\[ *[0-9]+\.[0-9]+\]'
bad_re='BUG:|WARNING:|Oops|Call Trace|general protection|KASAN|UBSAN|suspected memory leak|Kernel panic'
# Benign lines excluded by exact text; keep this list short and explained:
#   (none needed for Debian 6.1.0-56 and 6.12.117+deb12 under TCG -cpu max)
ok_re='^$'

scan_console() {
	# Print each offending line with 3 lines before and 20 after, at most
	# 200 lines in all.
	# (patterns via the environment: awk -v would eat the backslashes)
	TS_RE=$ts_re BAD_RE=$bad_re OK_RE=$ok_re awk '
		BEGIN { ts = ENVIRON["TS_RE"]; bad = ENVIRON["BAD_RE"]; ok = ENVIRON["OK_RE"] }
		{ sub(/\r$/, "") }
		NR == FNR {
			if ($0 ~ (ts ".*(" bad ")") && !($0 ~ ok)) {
				for (i = NR - 3; i <= NR + 20; i++) show[i] = 1
				n++
			}
			next
		}
		FNR in show {
			if (shown == 200) { print "    [... more in the console log]"; shown++ }
			if (shown > 200) next
			if (last && FNR != last + 1) print "    ---"
			printf "    %s\n", $0
			last = FNR
			shown++
		}
		END { exit n ? 1 : 0 }
	' "$console_log" "$console_log"
}

# The exit status: the last line of the result stream must be the marker,
# and init's own line on the console must agree with it (so a script that
# prints the marker text itself and then dies is not taken for finished).
status=
if [[ -s $results ]]; then
	last=$(tail -n 1 "$results")
	if [[ $last =~ ^$MARKER\ ([0-9]+)$ ]]; then
		status=${BASH_REMATCH[1]}
	fi
fi
end_line=$(grep -a -o 'VMACCT-GUEST-END uptime=[0-9.]* status=[0-9]*' "$console_log" | tail -n 1) || true
start_up=$(grep -a -o 'VMACCT-GUEST-START uptime=[0-9.]*' "$console_log" | head -n 1) || true
start_up=${start_up##*=}
end_up=${end_line#*uptime=}
end_up=${end_up%% *}
if [[ -n $status && $end_line != *" status=$status" ]]; then
	msg "$kernel: the result stream ends with '$MARKER $status' but init did not report that status"
	status=
fi

# The script's stdout: everything before the marker and the newline that
# precedes it, byte for byte; all of it if there is no marker.
emit_results() {
	local keep
	if [[ -n $status ]]; then
		local suffix=$'\n'"$MARKER $status"$'\n'
		keep=$(( $(stat -c %s "$results") - ${#suffix} ))
		(( keep >= 0 )) || keep=0
		head -c "$keep" "$results"
	elif [[ -f $results ]]; then
		cat "$results"
	fi
}
if [[ -n $out ]]; then
	emit_results >"$out"
else
	emit_results
fi

warnings=$(scan_console) || true

console_tail() {
	msg "$kernel: last lines of the console:"
	tail -n 15 "$console_log" | tr -d '\r' | sed 's/^/    /' >&2
}

rc=0
if [[ -n $interrupted ]]; then
	msg "$kernel: interrupted"
	rc=130
elif [[ $qemu_rc -eq 124 || ( $qemu_rc -eq 137 && ${wall%.*} -ge $timeout_s ) ]]; then
	msg "$kernel: guest timed out after $timeout_s s"
	[[ -n $warnings ]] || console_tail
	rc=124
elif [[ -z $status ]]; then
	if [[ $qemu_rc -ne 0 ]]; then
		msg "$kernel: QEMU failed (exit status $qemu_rc)"
	elif grep -aq 'Kernel panic' "$console_log"; then
		msg "$kernel: guest kernel panicked; the script did not finish"
	else
		msg "$kernel: guest ended without reporting the script's exit status (crash?)"
		[[ -n $warnings ]] || console_tail
	fi
	rc=125
elif [[ -n $warnings ]]; then
	msg "$kernel: script exited with $status but the console log has kernel warnings"
	rc=126
else
	rc=$status
fi
if [[ -n $warnings ]]; then
	msg "$kernel: kernel warnings in the console log:"
	printf '%s\n' "$warnings" >&2
fi
if [[ $rc -ge 124 && -s $qemu_err ]]; then
	msg "$kernel: QEMU's stderr:"
	sed 's/^/    /' "$qemu_err" >&2
fi

msg "$kernel: exit $rc; pack ${pack}s, QEMU wall ${wall}s, script ran from guest uptime ${start_up:-?}s to ${end_up:-?}s"
if [[ $rc -ne 0 ]]; then
	msg "$kernel: console log: $console_log"
elif [[ -n $console_tmp ]]; then
	rm -f -- "$console_tmp"
fi
exit "$rc"
