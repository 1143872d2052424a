#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what vmacct's build and tests need, from Debian's packages.
# Idempotent: does nothing (and needs no root) when everything is there.
#
#   deps.sh          install what is missing
#   deps.sh --check  only report; exit 1 if something is missing

set -euo pipefail

PACKAGES=(
	build-essential pkg-config libkmod-dev kmod dkms sparse
	qemu-system-x86 busybox-static cpio xz-utils
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-source-6.12
	flex bison bc libelf-dev libssl-dev
	debootstrap groff-base prometheus
	bpftrace
)

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PACKAGES[@]} packages installed"
	exit 0
fi

echo "deps: missing: ${missing[*]}"
if [ "${1:-}" = --check ]; then
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: installing packages needs root: sudo make deps" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "deps: installed ${missing[*]}"
