#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract from Debian's newest linux-source-*.tar.xz what the build needs
# and must not be committed: the kselftest headers (into BUILD/ksft) and
# checkpatch.pl with its data files (into BUILD/checkpatch).  One tar pass.

set -euo pipefail

BUILD=${1:?usage: extract-ksrc.sh BUILD_DIR}
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	"$(dirname "$0")/deps.sh" >&2 || exit 1
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
fi
if [ -z "$tarball" ]; then
	echo "extract-ksrc: no /usr/src/linux-source-*.tar.xz: run 'make deps'" >&2
	exit 1
fi
top=$(basename "$tarball" .tar.xz)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tar -xJf "$tarball" -C "$tmp" \
	"$top/tools/testing/selftests/kselftest.h" \
	"$top/tools/testing/selftests/kselftest_harness.h" \
	"$top/scripts/checkpatch.pl" \
	"$top/scripts/spelling.txt" \
	"$top/scripts/const_structs.checkpatch"

mkdir -p "$BUILD/ksft" "$BUILD/checkpatch"
cp "$tmp/$top/tools/testing/selftests/kselftest.h" \
   "$tmp/$top/tools/testing/selftests/kselftest_harness.h" "$BUILD/ksft/"
cp "$tmp/$top/scripts/checkpatch.pl" "$tmp/$top/scripts/spelling.txt" \
   "$tmp/$top/scripts/const_structs.checkpatch" "$BUILD/checkpatch/"
echo "$top" > "$BUILD/ksft/SOURCE"
echo "extract-ksrc: kselftest headers and checkpatch.pl from $top"
