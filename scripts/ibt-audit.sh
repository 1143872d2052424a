#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IBT audit of vmacct.ko: the module must never call, or take the address
# of, a kernel function that is not exported.
#
# Why: Debian's 6.12 kernel has CONFIG_X86_KERNEL_IBT=y.  objtool lists the
# ENDBR64 of every function whose address is never taken in the kernel
# (unexported ones such as kallsyms_lookup_name, __vm_enough_memory,
# vm_commit_limit, hugetlb_total_pages) and apply_seal_endbr() overwrites
# it at boot with a 4-byte NOP.  An indirect call to such a function (a
# pointer from kallsyms, a kprobe's .addr, a module parameter) on a CPU
# that enforces IBT is a #CP fault: "Missing ENDBR", then BUG().  On CPUs
# without IBT, and under QEMU's TCG that the selftests run on, the same
# call works: no test can show the crash, so this audit is the protection.
# (6.12: objtool's create_ibt_endbr_seal_sections() in
# tools/objtool/check.c, apply_seal_endbr() from alternative_instructions()
# in arch/x86/kernel/alternative.c, do_kernel_cp_fault() in
# arch/x86/kernel/cet.c.)  Exported functions keep their ENDBR, and direct
# calls (relocated by the module loader against Module.symvers) need none.
#
# Gates, one "PASS:"/"FAIL:" line each, then "ibt-audit: N passed, N failed":
#   (c) source, once: no kallsyms_lookup_name/kallsyms_on_each_symbol, no
#       call of a sealed function (__vm_enough_memory, vm_commit_limit,
#       hugetlb_total_pages, ptrace_may_access, mm_access,
#       security_vm_enough_memory_mm) outside comments and the strings
#       that name what is probed (a kprobe's .symbol_name, an ftrace_ops
#       filter's name; no filter set by address), no cast to a
#       function-pointer type anywhere
#       in module/, no function-pointer declarator in syms.c (where the
#       address parameters live), no call through a kprobe's .addr;
#   for every kernel with a lint build ($BUILD/lint-KVER/vmacct.ko, made
#   by lint.sh; built here if missing):
#   (a) every undefined symbol of vmacct.ko (nm -u) is in that kernel's
#       Module.symvers, nothing exempted: __fentry__ and the compiler's
#       __x86_indirect_thunk_* / __x86_return_thunk are exported by the
#       kernel and are checked like the rest;
#   (b) every address parameter (modinfo parm "kallsyms address of NAME")
#       is named NAME and NAME is declared as a variable, never as a
#       function, in that kernel's headers (or, where the kernel made it
#       file-local and no header names it, as 7.2 did, in module/syms.h).  The real symbol type is
#       checked in the guest, where /proc/kallsyms has it (the System.map
#       Debian installs is a stub): vmacct_kaddr_test's
#       address_parameters_are_data_symbols.
#
# The same rule holds on arm64, whose Debian kernels have BTI (and
# pointer authentication): an indirect branch must land on a BTI
# instruction, which only functions whose address is taken carry, and
# no unexported function is reachable through a pointer the module could
# form.  (a) and (b) apply unchanged; --module audits one such build.
#
# Usage: scripts/ibt-audit.sh   (VMACCT_KERNELS="a b" as for make check)
#        scripts/ibt-audit.sh --module LABEL KO KBUILD ARCH
#            one vmacct.ko built elsewhere (check-suite.sh's 5.10,
#            check-arm64.sh's arm64 builds); ARCH: x86 or arm64

set -uo pipefail
. "$(dirname "$0")/lib.sh"


# Functions that are sealed on 6.12 (or unexported everywhere): never call
# them; naming them as a kprobe's symbol_name string is how they are probed.
SEALED='kallsyms_lookup_name|kallsyms_on_each_symbol|__vm_enough_memory|vm_commit_limit|hugetlb_total_pages|ptrace_may_access|mm_access|security_vm_enough_memory_mm|cap_vm_enough_memory'

# module/ sources without comments and string literals (kept as "")
strip_c() {
	perl -0777 -pe '
		s{/\*.*?\*/}{ }gs;
		s{//[^\n]*}{}g;
		s{"(?:\\.|[^"\\\n])*"}{""}g;
	' "$@"
}

# flag LABEL HITS: print each hit under LABEL and fail (c)
flag() {
	[ -n "$2" ] || return 0
	printf '%s\n' "$2" | sed "s/^/  $1: /"
	rc=1
}

# --- (c) source
rc=0
src=$(cd "$ROOT" && for f in module/*.c module/*.h; do
	strip_c "$f" | awk -v f="$f" '{ print f ":" NR ": " $0 }'
done)
# any mention of the name in code (a call, or its address taken)
hits=$(printf '%s\n' "$src" | grep -E "\\b($SEALED)\\b" || true)
flag "sealed function in code" "$hits"
# a cast to a function-pointer type: "(type (*)(args))"
hits=$(printf '%s\n' "$src" | grep -E '\(\s*[A-Za-z_][A-Za-z0-9_ *]*\(\s*\*\s*\)\s*\(' || true)
flag "cast to a function pointer" "$hits"
# syms.c: no function-pointer declarator at all, no typedef of one.  One
# exception, matched exactly: vmacct_hrtimer_setup()'s parameter, through
# which the module hands its own timer callback to hrtimer_setup() (a
# module function, never an address from a parameter or kallsyms).  A
# pointer "typeof(NAME) *" is a function pointer if NAME is a function, so
# it is allowed only for a NAME whose type a static_assert(__same_type(NAME,
# ...)) pins to a data type.
pinned=$(printf '%s\n' "$src" | grep -E '^module/syms\.c:' |
	sed -nE 's/.*static_assert\(__same_type\(([A-Za-z_][A-Za-z0-9_]*), *([^)]*)\)\).*/\1 \2/p' |
	grep -vE '\(' | cut -d' ' -f1 | sort -u)
hits=$(printf '%s\n' "$src" | grep -E '^module/syms\.c:' |
	grep -E '\(\s*\*\s*[A-Za-z0-9_]*\s*\)\s*\(|typeof\s*\(\s*[A-Za-z_][A-Za-z0-9_]*(\[0\])?\s*\)\s*\*' |
	grep -vE ':\s+enum hrtimer_restart \(\*fn\)\(struct hrtimer \*timer\)(\)|,)$' |
	while IFS= read -r line; do
		# bash's own matching: no process per line (a pipeline here
		# once lost a pinned name on a host under load)
		if [[ $line =~ typeof[[:space:]]*\([[:space:]]*([A-Za-z_][A-Za-z0-9_]*)(\[0\])?[[:space:]]*\)[[:space:]]*\* ]] &&
		   [[ $'\n'$pinned$'\n' == *$'\n'"${BASH_REMATCH[1]}"$'\n'* ]]; then
			continue
		fi
		printf '%s\n' "$line"
	done || true)
flag "function pointer in syms.c" "$hits"
# kprobe addresses are never used as code: no call through ->addr/.addr
hits=$(printf '%s\n' "$src" | grep -E '(\.|->)addr\s*\)\s*\(|\(\s*\*\s*[A-Za-z0-9_.>-]*addr\s*\)\s*\(' || true)
flag "call through a probe address" "$hits"
# sealed functions are observed by name, as strings (seen in the raw
# source), never by an address: a kprobe's symbol_name, or the name an
# entry hook's ftrace filter is set with (entry.c's .name and
# ftrace_set_filter(); ftrace then patches the function's own fentry call,
# into a callback's trampoline or a direct call of the module's, and
# never calls through an address).  There
# must be at least the decision probe, in whichever file of module/ holds
# the probes, and no ftrace_set_filter_ip() (an address) anywhere.
probes=$(cd "$ROOT" && grep -lE '(symbol_name\s*=\s*|name\[\]\s*=\s*|\.name\s*=\s*)"__vm_enough_memory"' module/*.c)
if [ -z "$probes" ]; then
	echo "  module/*.c: __vm_enough_memory is not observed by name (has the probe been renamed?)"
	rc=1
fi
hits=$(printf '%s\n' "$src" | grep -E '\bftrace_set_filter_ips?\b' || true)
flag "an ftrace filter set by address" "$hits"
gate "ibt-audit (c) source: no sealed function called or addressed, no function pointer formed from an address" "$rc"

# --- (a) and (b), per kernel
# audit LABEL KO KBUILD ARCH: vmacct.ko KO built against the kernel
# headers KBUILD (its Makefile, Module.symvers, include/, and the -common
# tree it includes) of architecture ARCH (x86, arm64)
audit() {
	local k=$1 ko=$2 kb=$3 arch=$4 symvers=$3/Module.symvers
	local rc undef exported missing nundef thunks common incs parms n
	local line p desc name var fn
	if [ ! -f "$ko" ] || [ ! -f "$symvers" ]; then
		gate "ibt-audit $k: vmacct.ko and Module.symvers present" 1
		return
	fi

	# (a)
	rc=0
	undef=$(nm -u "$ko" | awk '{ print $2 }' | sort -u)
	exported=$(awk '{ print $2 }' "$symvers" | sort -u)
	missing=$(comm -23 <(printf '%s\n' "$undef") <(printf '%s\n' "$exported"))
	if [ -n "$missing" ]; then
		printf '%s\n' "$missing" | sed 's/^/  not exported: /'
		rc=1
	fi
	nundef=$(printf '%s\n' "$undef" | grep -c .)
	thunks=$(printf '%s\n' "$undef" | grep -cE '^__(fentry__|x86_)' || true)
	[ "$nundef" -gt 0 ] || rc=1
	gate "ibt-audit (a) $k: all $nundef undefined symbols of vmacct.ko are exported (incl. $thunks __fentry__/__x86_* thunks)" "$rc"

	# (b)
	rc=0
	common=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$kb/Makefile" | head -n 1)
	# a tree in a chroot names -common by its path inside the chroot
	[ -z "$common" ] || [ -d "$common" ] || common=${kb%/usr/src/*}$common
	incs=("$kb/include" "$kb/arch/$arch/include")
	[ -n "$common" ] && incs+=("$common/include" "$common/arch/$arch/include")
	parms=$(modinfo -F parm "$ko")
	n=0
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		p=${line%%:*}
		desc=${line#*:}
		case $desc in
		"kallsyms address of "*) ;;
		*) continue ;;	# not an address parameter
		esac
		name=${desc#kallsyms address of }
		name=${name% (*)}
		n=$((n + 1))
		if [ "$name" != "$p" ]; then
			echo "  parameter $p describes $name: the names must match"
			rc=1
		fi
		var=$(grep -rhsE "^\s*extern\b[^(]*\b$name\b\s*(\[[^]]*\])?\s*(__[a-z_]+\s*)*;" "${incs[@]}" | head -n 1)
		fn=$(grep -rhsE "^\s*(extern\s+)?[A-Za-z_][A-Za-z0-9_ *]*\b$name\s*\(" "${incs[@]}" | head -n 1)
		# a kernel that made it file-local (7.2: mm/util.c's statics)
		# declares nothing: then vmacct's own declaration (syms.h) says
		# variable, and no header may say function
		[ -n "$var" ] || [ -n "$fn" ] ||
			var=$(grep -hsE "^\s*extern\b[^(]*\b$name\b\s*;" "$ROOT/module/syms.h" | head -n 1)
		if [ -n "$fn" ] || [ -z "$var" ]; then
			echo "  $name: not declared as a variable in $k's headers${fn:+ (function: $fn)}"
			rc=1
		fi
	done <<< "$parms"
	[ "$n" -gt 0 ] || { echo "  no address parameters found"; rc=1; }
	gate "ibt-audit (b) $k: all $n address parameters name variables (data), not functions" "$rc"
}

if [ "${1:-}" = --module ]; then
	# a build made elsewhere (5.10 in its chroot, arm64 cross builds)
	[ $# = 5 ] || { echo "usage: ${0##*/} [--module LABEL KO KBUILD ARCH]" >&2; exit 2; }
	audit "$2" "$3" "$4" "$5"
else
	for k in $(discover_kernels); do
		d="$BUILD/lint-$k"
		if [ ! -f "$d/vmacct.ko" ]; then
			rm -rf "$d"
			copy_module_tree "$d"
			make -C "/lib/modules/$k/build" M="$d" modules >/dev/null 2>&1
		fi
		audit "$k" "$d/vmacct.ko" "/lib/modules/$k/build" x86
	done
fi

echo "ibt-audit: $passed passed, $failed failed"
[ "$failed" = 0 ]
