# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for the shell selftests, sourced (not run) by each of them:
#   . "$(dirname "$0")/tap.sh"
# n counts the tests, failed the failures; a test ends with
#   [ "$failed" = 0 ]

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $1"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 4
}

# check DESC COMMAND...: ok if COMMAND succeeds, else not ok
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
