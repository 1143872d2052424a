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

# wait_for TENTHS COMMAND...: run COMMAND every 0.1 s until it succeeds,
# at most TENTHS times; 1 if it never did
wait_for() {
	lim=$1
	shift
	i=0
	while [ $i -lt "$lim" ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# is process $1 alive (not gone, not a zombie)?
alive() {
	kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

dead() {
	! alive "$1"
}
