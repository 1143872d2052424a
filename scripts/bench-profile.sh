#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-profile: where the module's own instructions go (issue 15), per
# function of vmacct.ko, for one workload of vmacct_cost_bench, in one
# QEMU guest per kernel (x86-64).  The guest counts time by instructions
# (-icount, one vCPU, as bench-cost.sh's icount guests) and QEMU logs
# every translation block executed in the module area (-d exec,nochain
# with -dfilter; -d in_asm gives each block's length), so a block run N
# times counts N times its instructions, each iteration of a rep-prefixed
# string instruction as one, as -icount counts them.  Nothing outside the
# module is counted: the kernel functions it calls (the clock, the ring's
# lock, copy_to_user()) and the system calls of the reader are not.
#
# The guest loads the module with its defaults (the recorder on) and
# runs "vmacct_cost_bench measure" with one batch of OPS operations (and
# its warm-up of OPS / 10 + 1), with --reader if asked.  The table gives
# each function's instructions and blocks per operation, the load and
# the reader's attach included (a fraction of one per operation at the
# default OPS).
#
# Usage: bench-profile.sh [--reader | --reader-map] [WORKLOAD [OPS]]
#   WORKLOAD: mmap (default), brk, forkexec, split or getpid; OPS default
#   3000.  VMACCT_KERNELS picks the kernel(s) with headers on this host.
# Output: build/bench-profile/KVER-WORKLOAD[-reader|-reader-map].txt (the table) and
# .log (QEMU's log, removed once read unless VMACCT_PROFILE_KEEP=1).
# Exit: 0, or 1 on an error.  A development tool: not part of make bench.

set -uo pipefail
. "$(dirname "$0")/lib.sh"

reader= label=recorder
case ${1:-} in
--reader | --reader-map)
	reader=$1 label=${1#--}
	shift
	;;
esac
WORKLOAD=${1:-mmap}
OPS=${2:-3000}
case $WORKLOAD in
mmap | brk | forkexec | split | getpid) ;;
*) echo "bench-profile: unknown workload '$WORKLOAD'" >&2; exit 1 ;;
esac
case $OPS in
'' | *[!0-9]* | 0) echo "bench-profile: OPS must be a positive number" >&2; exit 1 ;;
esac

# x86-64's module area, MODULES_VADDR to MODULES_END (KASLR moves the
# module inside it): only vmacct.ko is loaded in the guest
AREA=0xffffffffc0000000..0xfffffffffeffffff

# Per function of the module: instructions and blocks per operation,
# from QEMU's in_asm and exec log ($1) and the module's symbols, "SYM
# address type name" lines of the guest's output ($2).
profile() {
	perl -e '
	my ($log, $out, $ops) = @ARGV;
	my (@sa, @sn, %len, %ins, %tbs);
	open(my $o, "<", $out) or die "$out: $!\n";
	my @s;
	while (<$o>) {
		push @s, [hex($1), $3] if /^SYM ([0-9a-f]+) ([tTwW]) (\S+)/;
	}
	@s = sort { $a->[0] <=> $b->[0] } @s;
	@sa = map { $_->[0] } @s;
	@sn = map { $_->[1] } @s;
	die "no symbol of the module in $out\n" unless @sa;
	sub name {
		my ($pc) = @_;
		my ($lo, $hi) = (0, $#sa);
		return "?" if $pc < $sa[0];
		while ($lo < $hi) {
			my $mid = int(($lo + $hi + 1) / 2);
			if ($sa[$mid] <= $pc) { $lo = $mid } else { $hi = $mid - 1 }
		}
		return $sn[$lo];
	}
	open(my $l, "<", $log) or die "$log: $!\n";
	my ($start, $n);
	while (<$l>) {
		if (/^IN:/) { $start = undef; $n = 0; next }
		if (/^0x([0-9a-f]+):\s+(?:[0-9a-f]{2} )+/) {
			$start = hex($1) unless defined $start;
			$n++;
			next;
		}
		if (defined $start && /^\s*$/) { $len{$start} = $n; $start = undef; next }
		if (/^Trace \d+: \S+ \[[0-9a-f]+\/([0-9a-f]+)\//) {
			my $pc = hex($1);
			my $f = name($pc);
			$ins{$f} += $len{$pc} // 1;
			$tbs{$f}++;
		}
	}
	my ($total, $blocks) = (0, 0);
	$total += $_ for values %ins;
	$blocks += $_ for values %tbs;
	printf "%10.1f %8.1f  %s\n", $total / $ops, $blocks / $ops, "(all of vmacct.ko)";
	for my $f (sort { $ins{$b} <=> $ins{$a} } keys %ins) {
		last if $ins{$f} / $ops < 0.05;
		printf "%10.1f %8.1f  %s\n", $ins{$f} / $ops, $tbs{$f} / $ops, $f;
	}' "$1" "$2" "$3"
}

rc=0
bench_start bench-profile
for k in $kernels; do
	d="$BUILD/bench-profile-$k"
	bench_payload bench-profile "$k" vmacct_cost_bench || { rc=1; continue; }
	if [ "$WORKLOAD" = forkexec ]; then
		make -s -C "$ROOT/scripts/bench" OUTPUT="$d/payload" "$d/payload/vmacct_true" ||
			{ rc=1; continue; }
	fi
	cat > "$d/bench.sh" <<GUEST
cd /payload || exit 1
echo 20000 > /proc/sys/vm/max_map_count || exit 1
vmacct load --ko /payload/vmacct.ko > /dev/null || exit 1
grep '\[vmacct\]\$' /proc/kallsyms | sed 's/^/SYM /'
./vmacct_cost_bench measure $label $reader -w $WORKLOAD -b 1 -n $WORKLOAD=$OPS || exit 1
GUEST
	name="$OUT/$k-$WORKLOAD${reader:+-$label}"
	"$ROOT/scripts/guest/run-guest.sh" --kernel "$k" --icount 0 --smp 1 \
		--qemu-arg -d --qemu-arg exec,nochain,in_asm \
		--qemu-arg -dfilter --qemu-arg "$AREA" \
		--qemu-arg -D --qemu-arg "$name.log" \
		--script "$d/bench.sh" --payload "$d/payload" --bin "$ROOT/userspace/vmacct" \
		--out "$name.out" --console-log "$d/console.log" --timeout 1800
	r=$?
	if [ "$r" != 0 ]; then
		echo "bench-profile $k: guest exit $r (console: $d/console.log)"
		rc=1
		continue
	fi
	# the warm-up runs OPS / 10 + 1 operations before the batch
	total=$((OPS + OPS / 10 + 1))
	{
		echo "# $k, $WORKLOAD, $label: instructions and translation blocks of vmacct.ko per operation ($total operations)"
		grep '^RESULT' "$name.out"
		echo "# insns/op  blocks/op  function"
		profile "$name.log" "$name.out" "$total"
	} > "$name.txt" || { rc=1; continue; }
	[ "${VMACCT_PROFILE_KEEP:-0}" = 1 ] || rm -f "$name.log"
	cat "$name.txt"
done
exit $rc
