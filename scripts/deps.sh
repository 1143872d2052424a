#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what vmacct's build and tests need, from Debian's packages.
# Idempotent: does nothing (and needs no root) when everything is there.
# Every make target that needs a package goes through here (make deps, or
# its own call with the group it needs), so that each works on a fresh
# machine.
#
#   deps.sh [--check] [GROUP...]
#     GROUP: all (the default: build, tests, guests, lint, and arm64's),
#     deb (make deb and make check-deb: debhelper, dh-dkms, lintian, ...),
#     arm64 (only the part of make check that check-arm64.sh is: the
#     aarch64 cross compiler and qemu-system-aarch64; the arm64 kernels,
#     headers, busybox and libraries come from a private apt state, see
#     scripts/check-arm64.sh)
#     --check  only report; exit 1 if something is missing

set -euo pipefail

ALL=(
	build-essential pkg-config libkmod-dev libsmartcols-dev kmod dkms sparse
	qemu-system-x86 busybox-static cpio xz-utils
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-source-6.12
	flex bison bc libelf-dev libssl-dev
	debootstrap groff-base prometheus
	bpftrace
)
DEB=(
	build-essential dpkg-dev debhelper dh-dkms libkmod-dev libsmartcols-dev
	pkg-config lintian debootstrap e2fsprogs cpio qemu-system-x86
)
# the amd64 linux-kbuild-* that the arm64 headers' scripts/ resolve to is
# fetched with them; libelf1, libssl3, zlib1g and pahole are what it runs on
ARM64=(
	make gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
	qemu-system-arm cpio gzip xz-utils zstd pkg-config sparse
	libelf1 libssl3 zlib1g pahole
)

check_only=
groups=()
for a in "$@"; do
	case $a in
	--check) check_only=1 ;;
	all|deb|arm64) groups+=("$a") ;;
	*) echo "deps: unknown group '$a': all, deb or arm64" >&2; exit 2 ;;
	esac
done
[ ${#groups[@]} -gt 0 ] || groups=(all)
PACKAGES=()
for g in "${groups[@]}"; do
	case $g in
	all) PACKAGES+=("${ALL[@]}" "${ARM64[@]}") ;;
	deb) PACKAGES+=("${DEB[@]}") ;;
	arm64) PACKAGES+=("${ARM64[@]}") ;;
	esac
done

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
if [ -n "$check_only" ]; then
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
