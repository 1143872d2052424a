#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot a Debian kernel in QEMU, load vmacct.ko with
# `vmacct load`, and show what `vmacct status` says from inside the guest.
# VMACCT_KERNELS picks the kernel(s); by default the newest installed.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$ROOT/selftests/deps.sh" --check >/dev/null || "$ROOT/selftests/deps.sh"
make -s -C "$ROOT" tool

kernels=$(discover_kernels)
[ -n "${VMACCT_KERNELS:-}" ] || kernels=$(echo "$kernels" | tail -n 1)
if [ -z "$kernels" ]; then
	echo "demo: no kernel with headers found (/boot/vmlinuz-* and /lib/modules/*/build): make deps" >&2
	exit 1
fi

for k in $kernels; do
	d="$BUILD/demo-$k"
	rm -rf "$d"
	copy_module_tree "$d/src"
	make -s -C "/lib/modules/$k/build" M="$d/src" modules >/dev/null
	mkdir -p "$d/payload"
	cp "$d/src/vmacct.ko" "$d/payload/"
	cat > "$d/demo.sh" <<'GUEST'
set -e
echo "\$ uname -r"
uname -r
echo "\$ vmacct load --ko /payload/vmacct.ko"
vmacct load --ko /payload/vmacct.ko
echo "\$ vmacct status"
vmacct status
echo "\$ echo 2 > /proc/sys/vm/overcommit_memory; vmacct status"
echo 2 > /proc/sys/vm/overcommit_memory
vmacct status
echo 0 > /proc/sys/vm/overcommit_memory
echo "\$ vmacct status --json"
vmacct status --json
echo "\$ vmacct unload"
vmacct unload
GUEST
	echo "=== vmacct demo on Debian kernel $k (QEMU TCG guest) ==="
	"$ROOT/selftests/guest/run-guest.sh" --kernel "$k" --script "$d/demo.sh" \
		--payload "$d/payload" --bin "$ROOT/userspace/vmacct" \
		--console-log "$d/console.log" --timeout 300
done
