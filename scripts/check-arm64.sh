#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-arm64: vmacct on Debian bookworm's arm64 kernels (the newest
# 6.1.0-N-arm64 and 6.12.N+deb12-arm64), from this amd64 host:
#
#   1. Dependencies: the aarch64 cross compiler and qemu-system-aarch64
#      (scripts/deps.sh arm64).  A private apt state for arm64 (and amd64,
#      for the kbuild tools) in $VMACCT_CACHE/arm64-apt (default
#      /var/cache/vmacct): the host's sources and dpkg architectures are
#      left alone.
#   2. Each kernel's linux-image (only its /boot), linux-headers-*-arm64,
#      linux-headers-*-common and the amd64 linux-kbuild-* of the same
#      version, unpacked into one tree per kernel in
#      $VMACCT_CACHE/arm64-kernel/KVER so that the headers' relative links
#      (scripts -> ../../lib/linux-kbuild-*) resolve to amd64 tools (the
#      host's own /usr/lib/linux-kbuild-* when it has that version); the
#      one-line Makefile that includes -common by absolute path is pointed
#      into the tree.  A kernel without CONFIG_KALLSYMS_ALL (6.1) also
#      gets its System.map out of linux-image-*-dbg (the .deb is dropped
#      once the map is out), which its suite guest finds where the
#      package puts it.
#   3. vmacct.ko cross-built for each kernel with W=1 (make -k: every
#      error of every file is in the log and printed), then sparse (C=2)
#      on the files that compiled.
#   4. The static selftests and the tool cross-built (the tool against
#      arm64 libkmod and libsmartcols unpacked into
#      $VMACCT_CACHE/arm64-sysroot), into $BUILD/arm64; userspace/vmacct
#      (the host's) is not touched.
#   5. Each kernel booted under QEMU (scripts/guest/run-guest.sh --arch
#      arm64) once with a probe script (uname, cpuinfo, tracefs, the
#      kallsyms entries vmacct load needs, the cross-built tool), whatever
#      the module did; then, if the module built, the suite
#      (scripts/guest/guest-suite.sh) exactly as make check runs it.
#
# Each step is timed; logs and times go to $BUILD/check-arm64/ (times.txt).
# VMACCT_ARM64_KERNELS="6.1.0-57-arm64 ..." picks kernels instead of the
# newest of each series; VMACCT_ARM64_TREE=DIR builds the module from DIR
# (Kbuild, Makefile, module/) instead of this tree; GUEST_TIMEOUT (default
# 1800 s) bounds each suite guest.
#
# Exit status: 0 if every result passed; 1 if something failed; 3 if the
# mirror could not be used (nothing was tested, no pass reported).
# Prints "KVER: N passed, N failed, N skipped" per kernel, and last
# "N passed, N failed, N skipped" as make check.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

NAME=check-arm64
CACHE=${VMACCT_CACHE:-/var/cache/vmacct}
APTDIR=$CACHE/arm64-apt
KCACHE=$CACHE/arm64-kernel
SYSROOT=$CACHE/arm64-sysroot
OUT=$BUILD/arm64
LOG=$BUILD/$NAME
TREE=${VMACCT_ARM64_TREE:-$ROOT}
CROSS=aarch64-linux-gnu
TRIPLET=aarch64-linux-gnu
# the series under test: the newest linux-image of each (not -rt, -cloud)
SERIES=('^linux-image-6\.1\.0-[0-9]+-arm64$' '^linux-image-6\.12\.[0-9]+\+deb12-arm64$')
# what the tool links (libkmod, libsmartcols) and what those need at run
# time; libc comes from the cross toolchain (libc6-dev-arm64-cross)
SYSROOT_PKGS=(libkmod-dev libkmod2 liblzma5 libssl3 libzstd1 libsmartcols-dev libsmartcols1)
start=$(date +%s.%N)
mkdir -p "$LOG" "$OUT" "$APTDIR/etc" "$APTDIR/lists/partial" "$APTDIR/debs" "$KCACHE"
: > "$LOG/times.txt"

now() {
	date +%s.%N
}

# seconds since $1, one decimal
since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

# step NAME T0: log how long step NAME took since T0
step() {
	local s
	s=$(since "$2")
	printf '%-56s %6s s\n' "$1" "$s" >> "$LOG/times.txt"
	say "time: $1: $s s"
}

# ---------------------------------------------------------------- 1. dependencies

t0=$(now)
ensure_deps all arm64
step "dependencies (deps.sh all arm64)" "$t0"

# the kselftest headers the selftests include
t0=$(now)
if ! make -s -C "$ROOT" ksft-headers > "$LOG/ksft.log" 2>&1; then
	tail -n 5 "$LOG/ksft.log"
	fail "cannot extract the kselftest headers (log: $LOG/ksft.log)"
fi
step "kselftest headers" "$t0"

# ---------------------------------------------------------------- apt state

arm64_apt_state "$APTDIR"
APT=("${ARM64_APT[@]}")

t0=$(now)
if ! apt-get "${APT[@]}" update > "$LOG/apt-update.log" 2>&1 ||
   grep -qE '^(E:|W: Failed)' "$LOG/apt-update.log"; then
	sed 's/^/  /' "$LOG/apt-update.log" | tail -n 5
	unusable "apt-get update failed (log: $LOG/apt-update.log)"
fi
step "apt-get update (private arm64+amd64 state)" "$t0"

# the candidate version of package $1 in the private state
candidate() {
	apt-cache "${APT[@]}" policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)'
}

# the cached .deb of package $1 (no :arch) at version $2
deb_of() {
	local f
	f=$(ls "$APTDIR/debs/${1}_${2//:/%3a}_"*.deb 2>/dev/null | head -n 1)
	[ -n "$f" ] && echo "$f"
}

# download the packages $@ (each NAME[:ARCH]=VERSION) that are not in
# $APTDIR/debs yet, in one apt-get call; remove older versions of them
fetch_debs() {
	local a name f old want=()
	for a in "$@"; do
		name=${a%%=*}
		deb_of "${name%%:*}" "${a#*=}" > /dev/null || want+=("$a")
	done
	[ ${#want[@]} = 0 ] && return 0
	(cd "$APTDIR/debs" && apt-get "${APT[@]}" download "${want[@]}") \
		>> "$LOG/download.log" 2>&1 || return 1
	for a in "${want[@]}"; do
		name=${a%%=*}
		name=${name%%:*}
		f=$(deb_of "$name" "${a#*=}") || return 1
		for old in "$APTDIR/debs/${name}_"*.deb; do
			[ "$old" = "$f" ] || rm -f "$old"
		done
	done
}

# ---------------------------------------------------------------- kernels

if [ -n "${VMACCT_ARM64_KERNELS:-}" ]; then
	mapfile -t kernels < <(printf '%s\n' $VMACCT_ARM64_KERNELS)
else
	kernels=()
	for re in "${SERIES[@]}"; do
		k=$(apt-cache "${APT[@]}" search --names-only "$re" | awk '{ print $1 }' |
			sed 's/^linux-image-//' | sort -V | tail -n 1)
		[ -n "$k" ] || unusable "no package matches $re"
		kernels+=("$k")
	done
fi
say "kernels: ${kernels[*]}"

# ---------------------------------------------------------------- 2. kernel trees

# The tree of kernel $1 (in $KCACHE): its headers in HDR, its image in VMLINUZ,
# the packages in PKGV: boot/, usr/src/linux-headers-*, usr/lib/linux-kbuild-*,
# downloading and unpacking what is missing.
declare -A HDR VMLINUZ PKGV SYSMAP
prepare_kernel() {
	local k=$1 root=$KCACHE/$1 v common kbuild kv deb host_v stamp t0 p fetched=
	v=$(candidate "linux-image-$k") || unusable "linux-image-$k is not in bookworm"
	[ "$(candidate "linux-headers-$k")" = "$v" ] ||
		unusable "linux-headers-$k $v is not in bookworm"
	common=$(apt-cache "${APT[@]}" depends "linux-headers-$k" |
		sed -nE 's/^ +Depends: (linux-headers-[^ :]+-common)$/\1/p' | head -n 1)
	kbuild=$(apt-cache "${APT[@]}" depends "linux-headers-$k" |
		sed -nE 's/^ +Depends: (linux-kbuild-[^ :]+)(:arm64)?$/\1/p' | head -n 1)
	[ -n "$common" ] && [ -n "$kbuild" ] ||
		unusable "cannot read what linux-headers-$k depends on"
	kv=$(candidate "$kbuild:amd64")
	[ "$kv" = "$v" ] || unusable "$kbuild:amd64 is at ${kv:-nothing}, not $v as linux-headers-$k"
	PKGV[$k]="linux-image-$k $v, linux-headers-$k $v, $common $v, $kbuild:amd64 $kv"
	stamp="$v"
	if [ "$(cat "$root/.vmacct-ready" 2>/dev/null)" != "$stamp" ]; then
		t0=$(now)
		fetch_debs "linux-image-$k=$v" "linux-headers-$k=$v" "$common=$v" \
			"$kbuild:amd64=$v" ||
			unusable "cannot download $k's packages (log: $LOG/download.log)"
		step "$k: download (4 packages)" "$t0"
		fetched=1
		t0=$(now)
		rm -rf "$root"
		mkdir -p "$root"
		# only /boot of the image: vmlinuz, config, System.map
		deb=$(deb_of "linux-image-$k" "$v") &&
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$root" ./boot ||
			fail "cannot unpack linux-image-$k"
		for p in "linux-headers-$k" "$common"; do
			deb=$(deb_of "$p" "$v") && dpkg-deb -x "$deb" "$root" ||
				fail "cannot unpack $p"
		done
		sed -i "s|^include /usr/src/|include $root/usr/src/|" \
			"$root/usr/src/linux-headers-$k/Makefile"
		echo "$stamp" > "$root/.vmacct-ready"
		step "$k: extract (boot/, headers, common)" "$t0"
	fi
	# the amd64 kbuild tools: the host's when it has this very version,
	# else the downloaded package, unpacked into the tree
	t0=$(now)
	host_v=$(dpkg-query -W -f='${Version} ${db:Status-Status}' "$kbuild:amd64" 2>/dev/null)
	rm -rf "${root:?}/usr/lib/$kbuild"
	mkdir -p "$root/usr/lib"
	if [ "$host_v" = "$v installed" ] && [ -d "/usr/lib/$kbuild/scripts" ]; then
		ln -s "/usr/lib/$kbuild" "$root/usr/lib/$kbuild"
		say "$k: kbuild tools: the host's /usr/lib/$kbuild ($v)"
	else
		fetch_debs "$kbuild:amd64=$v" && deb=$(deb_of "$kbuild" "$v") &&
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$root" "./usr/lib/$kbuild" ||
			unusable "cannot download or unpack $kbuild:amd64 $v"
		say "$k: kbuild tools: $kbuild:amd64 $v unpacked into the tree"
	fi
	[ -z "$fetched" ] || step "$k: kbuild tools" "$t0"
	HDR[$k]=$root/usr/src/linux-headers-$k
	VMLINUZ[$k]=$root/boot/vmlinuz-$k
	# a kernel built without CONFIG_KALLSYMS_ALL (6.1) lists no variable in
	# /proc/kallsyms: vmacct load reads them from System.map, which Debian
	# ships only in linux-image-*-dbg (800 MB; the map is its 9th file, so
	# tar stops early); the .deb is deleted once the map is out
	SYSMAP[$k]=
	if ! grep -q '^CONFIG_KALLSYMS_ALL=y' "$root/boot/config-$k"; then
		p=usr/lib/debug/boot/System.map-$k
		if [ ! -s "$root/$p" ]; then
			t0=$(now)
			fetch_debs "linux-image-$k-dbg=$v" && deb=$(deb_of "linux-image-$k-dbg" "$v") ||
				unusable "cannot download linux-image-$k-dbg $v (log: $LOG/download.log)"
			dpkg-deb --fsys-tarfile "$deb" 2>/dev/null |
				tar -x -C "$root" --occurrence=1 "./$p"
			rm -f "$deb"
			grep -q ' _stext$' "$root/$p" 2>/dev/null ||
				fail "$k: no System.map in linux-image-$k-dbg"
			step "$k: System.map from linux-image-$k-dbg" "$t0"
		fi
		SYSMAP[$k]=$root/$p
		say "$k: no CONFIG_KALLSYMS_ALL: System.map from linux-image-$k-dbg $v"
	fi
	[ -f "${HDR[$k]}/scripts/basic/fixdep" ] ||
		fail "$k: ${HDR[$k]}/scripts does not resolve to the kbuild tools"
	[ -r "${VMLINUZ[$k]}" ] || fail "$k: no ${VMLINUZ[$k]}"
	for p in "linux-image-$k" "linux-headers-$k" "$common" "$kbuild"; do
		deb=$(deb_of "$p" "$v") && KEEP+=("$deb")
	done
}

KEEP=()
for k in "${kernels[@]}"; do
	prepare_kernel "$k"
	say "$k: ${PKGV[$k]}"
done
# a new ABI replaces the old: drop the trees and packages of other kernels
# (not when VMACCT_ARM64_KERNELS named some)
if [ -z "${VMACCT_ARM64_KERNELS:-}" ]; then
	for d in "$KCACHE"/*; do
		[[ " ${kernels[*]} " == *" ${d##*/} "* ]] || rm -rf "$d"
	done
	for f in "$APTDIR"/debs/linux-*.deb; do
		[[ " ${KEEP[*]} " == *" $f "* ]] || rm -f "$f"
	done
fi

# ---------------------------------------------------------------- sysroot, busybox

# the arm64 libraries for the tool, and busybox for the guest, unpacked
# once per set of versions
t0=$(now)
sysroot_want=$(for p in "${SYSROOT_PKGS[@]}" busybox-static; do echo "$p $(candidate "$p")"; done)
if [ "$(cat "$SYSROOT/.vmacct-ready" 2>/dev/null)" != "$sysroot_want" ]; then
	rm -rf "$SYSROOT"
	mkdir -p "$SYSROOT"
	while read -r p v; do
		[ -n "$v" ] || unusable "$p is not in bookworm for arm64"
	done <<< "$sysroot_want"
	mapfile -t pv < <(echo "$sysroot_want" | tr ' ' '=')
	fetch_debs "${pv[@]}" ||
		unusable "cannot download the sysroot's packages (log: $LOG/download.log)"
	while read -r p v; do
		deb=$(deb_of "$p" "$v") && dpkg-deb -x "$deb" "$SYSROOT" ||
			fail "cannot unpack $p"
	done <<< "$sysroot_want"
	echo "$sysroot_want" > "$SYSROOT/.vmacct-ready"
	step "arm64 sysroot + busybox: download, extract" "$t0"
fi
say "arm64 sysroot: $(echo "$sysroot_want" | paste -sd, | sed 's/,/, /g')"
BUSYBOX=$SYSROOT/bin/busybox
[ -f "$BUSYBOX" ] || BUSYBOX=$SYSROOT/usr/bin/busybox
[ -f "$BUSYBOX" ] || fail "no busybox in busybox-static:arm64"

passed=0
failed=0
skipped=0
declare -A KP KF KS

# count result $2 (0 pass, else fail) of kernel $1 ("" for none), say $3
result() {
	if [ "$2" = 0 ]; then
		say "PASS: $3"
		passed=$((passed + 1))
		[ -z "$1" ] || KP[$1]=$((${KP[$1]:-0} + 1))
	else
		say "FAIL: $3"
		failed=$((failed + 1))
		[ -z "$1" ] || KF[$1]=$((${KF[$1]:-0} + 1))
	fi
}

# ---------------------------------------------------------------- 3. module

# the errors and warnings of build log $1: every one, grouped by file,
# without the kernel headers' own context lines
show_diagnostics() {
	grep -E '(error|warning):' "$1" | grep -v '^cc1: ' | sed 's/^/  /'
}

declare -A KO
for k in "${kernels[@]}"; do
	src=$OUT/$k/src
	rm -rf "${OUT:?}/$k"
	mkdir -p "$src"
	cp -a "$TREE/Kbuild" "$TREE/Makefile" "$TREE/dkms.conf" "$TREE/module" "$src/"
	t0=$(now)
	make -k -C "${HDR[$k]}" M="$src" ARCH=arm64 CROSS_COMPILE="$CROSS-" W=1 modules \
		> "$LOG/$k.module.log" 2>&1
	rc=$?
	step "$k: cross-build vmacct.ko (W=1)" "$t0"
	nerr=$(grep -c 'error:' "$LOG/$k.module.log")
	nwarn=$(grep -c 'warning:' "$LOG/$k.module.log")
	if [ "$rc" != 0 ] || [ ! -f "$src/vmacct.ko" ]; then
		show_diagnostics "$LOG/$k.module.log"
		result "$k" 1 "$k: cross-build of vmacct.ko: $nerr errors, $nwarn warnings (log: $LOG/$k.module.log)"
	elif [ "$nwarn" != 0 ]; then
		show_diagnostics "$LOG/$k.module.log"
		result "$k" 1 "$k: W=1 cross-build of vmacct.ko has $nwarn warnings"
		KO[$k]=$src/vmacct.ko
	else
		result "$k" 0 "$k: W=1 cross-build of vmacct.ko, no warnings"
		KO[$k]=$src/vmacct.ko
	fi

	# sparse on every file that compiles (kbuild checks a file after
	# compiling it): what it says beyond the compiler's own diagnostics
	t0=$(now)
	make -k -C "${HDR[$k]}" M="$src" ARCH=arm64 CROSS_COMPILE="$CROSS-" W=1 C=2 modules \
		> "$LOG/$k.sparse.log" 2>&1
	step "$k: sparse (C=2)" "$t0"
	checked=$(grep -c '^ *CHECK ' "$LOG/$k.sparse.log")
	grep -E '(error|warning):' "$LOG/$k.sparse.log" | grep -v '^cc1: ' |
		grep -vxF -f <(grep -E '(error|warning):' "$LOG/$k.module.log") > "$LOG/$k.sparse.new"
	total=$(find "$src/module" -name '*.c' | wc -l)
	if [ -s "$LOG/$k.sparse.new" ]; then
		sed 's/^/  /' "$LOG/$k.sparse.new"
		result "$k" 1 "$k: sparse on $checked of $total files: $(wc -l < "$LOG/$k.sparse.new") reports (log: $LOG/$k.sparse.log)"
	else
		result "$k" 0 "$k: sparse on $checked of $total files (the others do not compile), no reports"
	fi

	# the IBT rule on arm64's BTI: only exported functions reached
	if [ -n "${KO[$k]:-}" ]; then
		"$ROOT/scripts/ibt-audit.sh" --module "$k" "${KO[$k]}" "${HDR[$k]}" arm64 \
			> "$LOG/$k.ibt.log" 2>&1
		rc=$?
		grep -E '^(FAIL|  )' "$LOG/$k.ibt.log"
		result "$k" $rc "$k: ibt-audit (c), (a) and (b) of the arm64 vmacct.ko (log: $LOG/$k.ibt.log)"
	fi
done

# ---------------------------------------------------------------- 4. userspace

# the static selftests, once for every kernel
t0=$(now)
rm -rf "$OUT/selftests"
if make -s -C "$ROOT/selftests" CC="$CROSS-gcc" OUTPUT="$OUT/selftests" \
		> "$LOG/selftests.log" 2>&1 &&
   ! grep -q 'warning:' "$LOG/selftests.log"; then
	result "" 0 "static selftests cross-built for arm64 ($(ls "$OUT/selftests" | wc -l) files)"
else
	show_diagnostics "$LOG/selftests.log"
	tail -n 5 "$LOG/selftests.log" | sed 's/^/  /'
	result "" 1 "cross-building the selftests (log: $LOG/selftests.log)"
fi
step "cross-build selftests (static)" "$t0"

# the tool: a copy of its sources (the host's objects and binary stay
# where they are), against the sysroot's libkmod and libsmartcols
t0=$(now)
rm -rf "$OUT/src"
mkdir -p "$OUT/src/userspace" "$OUT/src/module"
cp "$ROOT"/userspace/*.c "$ROOT"/userspace/*.h "$ROOT/userspace/Makefile" "$OUT/src/userspace/"
cp -a "$ROOT/module/uapi" "$OUT/src/module/"
libdirs=$SYSROOT/usr/lib/$TRIPLET:$SYSROOT/lib/$TRIPLET
if PKG_CONFIG_SYSROOT_DIR=$SYSROOT PKG_CONFIG_LIBDIR=$SYSROOT/usr/lib/$TRIPLET/pkgconfig \
   make -s -j"$(nproc)" -C "$OUT/src/userspace" CC="$CROSS-gcc" \
		LDFLAGS="-Wl,-rpath-link,$libdirs" vmacct > "$LOG/tool.log" 2>&1; then
	cp "$OUT/src/userspace/vmacct" "$OUT/vmacct"
	result "" 0 "vmacct cross-built for arm64 ($("$CROSS-readelf" -d "$OUT/vmacct" |
		sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | paste -sd' '))"
else
	rm -f "$OUT/vmacct"
	show_diagnostics "$LOG/tool.log"
	tail -n 5 "$LOG/tool.log" | sed 's/^/  /'
	result "" 1 "cross-building the tool (log: $LOG/tool.log)"
fi
step "cross-build the tool" "$t0"

# ---------------------------------------------------------------- 5. guests

GUEST=("$ROOT/scripts/guest/run-guest.sh" --arch arm64 --busybox "$BUSYBOX"
	--sysroot "$SYSROOT")
tool=()
[ -x "$OUT/vmacct" ] && tool=(--bin "$OUT/vmacct")

# the probe: does the guest path work, whatever the module did
cat > "$LOG/probe.sh" <<'EOF'
# check-arm64's boot probe (busybox sh in the guest)
rc=0
echo "uname: $(uname -r) $(uname -m)"
[ "$(uname -m)" = aarch64 ] || rc=1
head -n 8 /proc/cpuinfo | sed 's/^/cpuinfo: /'
# one awk pass over each table: a grep each takes seconds under TCG
# $1: the names, $2: the file, $3: the field to match, $4: the label
listed() {
	awk -v want="$1" -v f="$3" -v label="$4" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) seen[w[i]] = 0 }
		($f in seen) { seen[$f] = 1 }
		END { for (i = 1; i <= n; i++) print label ": " w[i] (seen[w[i]] ? " listed" : " MISSING") }' "$2"
}
if [ -r /sys/kernel/tracing/available_filter_functions ]; then
	echo "tracefs: mounted"
	# the system calls vmacct traces at their entry (module/probe.c)
	listed "__arm64_sys_mmap __arm64_sys_munmap __arm64_sys_mprotect
		__arm64_sys_pkey_mprotect __arm64_sys_mremap __arm64_sys_brk
		__arm64_sys_madvise __arm64_sys_mlock __arm64_sys_mlock2
		__arm64_sys_munlock __vm_enough_memory" \
		/sys/kernel/tracing/available_filter_functions 1 "ftrace"
else
	echo "tracefs: not mounted"
	rc=1
fi
[ -d /sys/kernel/debug/tracing ] && echo "debugfs: mounted"
# vmacct load reads these from /proc/kallsyms (without CONFIG_KALLSYMS_ALL:
# from System.map, which this guest lacks: load --dry-run says so)
listed "vm_committed_as vm_committed_as_batch sysctl_overcommit_memory
	sysctl_overcommit_ratio sysctl_overcommit_kbytes sysctl_max_map_count
	sysctl_admin_reserve_kbytes sysctl_user_reserve_kbytes total_swap_pages
	totalreserve_pages hstates hugetlb_max_hstate" /proc/kallsyms 3 "kallsyms"
if command -v vmacct >/dev/null; then
	vmacct --version || rc=1
	[ -f /payload/vmacct.ko ] &&
		vmacct load --dry-run --ko /payload/vmacct.ko 2>&1 | head -n 5 | sed 's/^/load --dry-run: /'
fi
exit $rc
EOF

for k in "${kernels[@]}"; do
	# the probe, with the module when there is one (load --dry-run)
	pdir=$OUT/$k/probe
	mkdir -p "$pdir"
	[ -z "${KO[$k]:-}" ] || cp "${KO[$k]}" "$pdir/"
	t0=$(now)
	"${GUEST[@]}" --kernel "$k" --vmlinuz "${VMLINUZ[$k]}" --script "$LOG/probe.sh" \
		--payload "$pdir" "${tool[@]}" --out "$LOG/$k.probe.txt" \
		--console-log "$LOG/$k.probe.console" --timeout 300 2> "$LOG/$k.probe.err"
	rc=$?
	step "$k: probe guest (boot + script)" "$t0"
	sed 's/^/  /' "$LOG/$k.probe.txt"
	timing=$(sed -n 's/.*exit [0-9]*; //p' "$LOG/$k.probe.err" | tail -n 1)
	printf '%-56s %s\n' "$k: probe guest timing" "$timing" >> "$LOG/times.txt"
	[ "$rc" = 0 ] || sed 's/^/  /' "$LOG/$k.probe.err"
	result "$k" "$rc" "$k: arm64 guest boots and runs a script ($timing)"
done

for k in "${kernels[@]}"; do
	if [ -z "${KO[$k]:-}" ]; then
		say "$k: suite not run: vmacct.ko did not build"
		continue
	fi
	if [ ! -x "$OUT/vmacct" ]; then
		say "$k: suite not run: the tool did not build"
		continue
	fi
	payload=$OUT/$k/payload
	rm -rf "$payload"
	mkdir -p "$payload"
	# make_payload with the cross-built programs
	if ! { cp "${KO[$k]}" "$payload/" &&
	       cp -a "$OUT/selftests/." "$payload/" &&
	       make -s -C "$ROOT/selftests" list > "$payload/tests.list" &&
	       cp "$ROOT/Documentation/ABI/testing/sysfs-kernel-vmacct" "$payload/" &&
	       cp "$ROOT/scripts/guest/guest-suite.sh" "$payload/suite.sh" &&
	       { [ -z "${SYSMAP[$k]}" ] || cp "${SYSMAP[$k]}" "$payload/System.map"; }; }; then
		result "$k" 1 "$k: payload"
		continue
	fi
	# a kernel without CONFIG_KALLSYMS_ALL (6.1): the probe guest had no
	# System.map, and vmacct load must have said how to give one; the
	# suite's guest has it where linux-image-*-dbg puts it
	if [ -n "${SYSMAP[$k]}" ]; then
		grep -q '^load --dry-run: .*--system-map FILE' "$LOG/$k.probe.txt"
		result "$k" $? "$k: without System.map, vmacct load refuses, naming --system-map"
	fi
	t0=$(now)
	rm -f "$LOG/$k.tap"	# never count a previous run's results
	"${GUEST[@]}" --kernel "$k" --vmlinuz "${VMLINUZ[$k]}" \
		--script "$payload/suite.sh" --payload "$payload" "${tool[@]}" \
		--out "$LOG/$k.tap" --console-log "$LOG/$k.console" \
		--timeout "${GUEST_TIMEOUT:-1800}" 2> >(tee "$LOG/$k.guest.err" >&2)
	rc=$?
	step "$k: suite guest" "$t0"
	read -r p f s < <(tap_counts "$LOG/$k.tap")
	grep -E '^not ok [0-9]+' "$LOG/$k.tap" | sed "s/^/  $k: /"
	why_failed "$LOG/$k.tap" "$LOG/$k.console" "$k"
	grep -E '^(ok [0-9]+.*|1\.\.0 )# SKIP' "$LOG/$k.tap" | sed "s/^/  $k: /"
	say "guest $k: exit $rc; selftests: $p passed, $f failed, $s skipped"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	KP[$k]=$((${KP[$k]:-0} + p))
	KF[$k]=$((${KF[$k]:-0} + f))
	KS[$k]=$((${KS[$k]:-0} + s))
	result "$k" "$rc" "$k: guest run completed cleanly (exit $rc; console: $LOG/$k.console)"
	plans=$(tap_plan_mismatches "$LOG/$k.tap")
	[ -z "$plans" ] || echo "$plans" | sed "s/^/  $k: /"
	result "$k" "$([ -z "$plans" ] && echo 0 || echo 1)" \
		"$k: every selftest gave the results its plan announced"
done

step "total" "$start"
say "times (also in $LOG/times.txt):"
sed 's/^/  /' "$LOG/times.txt"
for k in "${kernels[@]}"; do
	echo "$k: ${KP[$k]:-0} passed, ${KF[$k]:-0} failed, ${KS[$k]:-0} skipped"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
