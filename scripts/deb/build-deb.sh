#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: build the vmacct and vmacct-dkms packages out of tree.
#
# The tree (what git tracks, plus files git does not ignore yet, such as a
# new debian/) is copied to build/deb/src/vmacct-VERSION and
# built there with dpkg-buildpackage -us -uc -b, because dpkg-buildpackage
# writes its results next to the source directory; the results (.deb,
# .ddeb, .buildinfo, .changes) are then moved to build/deb/.  Nothing is
# written in the checkout outside build/.
#
#   build-deb.sh [--log FILE]
#
# Prints the path of the .changes file on the last line.

set -euo pipefail
. "$(dirname "$0")/../lib.sh"

OUT=$BUILD/deb
log=$OUT/build.log
if [ "${1:-}" = --log ]; then
	log=$2
fi

ensure_deps deb

src=$OUT/src/vmacct-$VERSION
rm -rf "$OUT"
mkdir -p "$src" "$(dirname "$log")"

# copy the tree
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			# deleted but not yet committed; and never build/
			[ -e "$f" ] || [ -L "$f" ] || continue
			case $f in build/*) continue ;; esac
			printf '%s\0' "$f"
		done | cpio -0 -pdm --quiet "$src")
else
	tar -C "$ROOT" --exclude=./build --exclude-vcs --exclude-vcs-ignores -cf - . |
		tar -C "$src" -xf -
fi
[ -f "$src/debian/control" ] || { echo "build-deb: no debian/ in $ROOT" >&2; exit 1; }

echo "build-deb: building in $src (log: $log)" >&2
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) > "$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "build-deb: dpkg-buildpackage failed (log: $log)" >&2
	exit 1
fi

shopt -s nullglob
results=("$OUT"/src/*.deb "$OUT"/src/*.ddeb "$OUT"/src/*.buildinfo "$OUT"/src/*.changes)
mv "${results[@]}" "$OUT/"
changes=("$OUT"/vmacct_*.changes)
[ ${#changes[@]} = 1 ] || { echo "build-deb: expected one .changes in $OUT" >&2; exit 1; }
for f in "$OUT"/*.deb; do
	echo "build-deb: $f" >&2
done
echo "${changes[0]}"
