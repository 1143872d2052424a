#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# man-check.sh [TOOL] [PAGE]: check the manual page vmacct(8) against the
# tool's own --help.
#
#   TOOL  the vmacct binary (default: ../userspace/vmacct from this script)
#   PAGE  the page source (default: ../Documentation/vmacct.8)
#
# Checks:
#   - groff -ww and man --warnings print nothing on stderr;
#   - the page source is tidy: no trailing blanks, no line starting with a
#     quote, every typed hyphen of an option written \-;
#   - .TH carries the version of TOOL --version;
#   - every command of "TOOL --help" is in SYNOPSIS and has a subsection
#     in COMMANDS, and every COMMANDS subsection is a command of the tool;
#   - every option spelling (-x and --long, aliases named in the help text)
#     and argument name of "TOOL CMD --help" is in that command's
#     subsection, and every option the subsection lists is one the tool
#     has; the same for "TOOL --help" and the OPTIONS section;
#   - every exit code of "TOOL --help" is an entry of EXIT STATUS, and
#     EXIT STATUS has no other;
#   - JSON OUTPUT has a subsection for every command that takes --json.
#
# The page is compared as groff renders it (hyphens and minus signs made
# ASCII, no hyphenation, one line per paragraph), so \- in the source
# compares as -.  Prints one "PASS: ..." or "FAIL: ..." line per check,
# then "man: N passed, N failed"; exits 1 if any check failed.
# groff comes with groff-base (apt-get install -y groff-base).

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tool=${1:-$here/../userspace/vmacct}
page=${2:-$here/../Documentation/vmacct.8}

npass=0
nfail=0
pass() { echo "PASS: $*"; npass=$((npass + 1)); }
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
finish() {
	echo "man: $npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
	exit
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$tool" ]; then
	fail "$tool: not an executable (build it: make -C userspace)"
fi
if [ ! -r "$page" ]; then
	fail "$page: cannot read the page"
fi
if ! command -v groff > /dev/null; then
	fail "groff not installed (apt-get install -y groff-base)"
fi
[ "$nfail" -eq 0 ] || finish

# ---- formatter warnings ----

# groff's default device, and the terminal one man uses
if groff -ww -z -man "$page" 2> "$tmp/groff.err" &&
   groff -ww -z -man -Tutf8 "$page" 2>> "$tmp/groff.err" &&
   [ ! -s "$tmp/groff.err" ]; then
	pass "groff -ww -z -man: no warning"
else
	fail "groff -ww -z -man: $(sort -u "$tmp/groff.err" | paste -sd ' ')"
fi

if command -v man > /dev/null; then
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" \
		> /dev/null 2> "$tmp/man.err"
	if [ ! -s "$tmp/man.err" ]; then
		pass "man --warnings -l (80 columns): no warning"
	else
		fail "man --warnings -l (80 columns): $(paste -sd ' ' "$tmp/man.err")"
	fi
else
	echo "man-check: man not installed: only groff checks the formatting" >&2
fi

# ---- the source ----

bad=$(grep -n '[[:blank:]]$' "$page" | cut -d: -f1 | paste -sd ' ')
quote=$(grep -n "^'" "$page" | cut -d: -f1 | paste -sd ' ')
# a typed option: - or -- then a letter, after a blank or an opening
# bracket, outside comments; the page must write \-
hyph=$(grep -vn '^\.\\"' "$page" | grep -E '(^[0-9]+:|[[:blank:]("[])--?[A-Za-z]' |
	cut -d: -f1 | paste -sd ' ')
problems=
[ -z "$bad" ] || problems+="trailing blanks on lines $bad; "
[ -z "$quote" ] || problems+="lines starting with ' at $quote; "
[ -z "$hyph" ] || problems+="option hyphens not written \\- on lines $hyph; "
if [ -z "$problems" ]; then
	pass "page source: no trailing blanks, no line starting with ', options written \\-"
else
	fail "page source: ${problems%; }"
fi

# ---- the tool's help ----

if ! "$tool" --help > "$tmp/help" 2> "$tmp/help.err"; then
	fail "$tool --help: exit status $? ($(head -n 1 "$tmp/help.err"))"
	finish
fi

# The first column of the block headed $1 in help file $2: command names.
block_first_words() {
	awk -v head="$1:" '
		$0 == head { on = 1; next }
		on && /^[^ ]/ { on = 0 }
		on && /^  [^ ]/ { print $1 }' "$2"
}

# Help file $1, block "Options:": one line per option entry, "FLAGS<TAB>TEXT"
# (entries start at column 3, or at 7 for a long-only option; continuation
# lines are indented further and belong to the entry above).
option_entries() {
	awk '
		$0 == "Options:" { on = 1; next }
		on && (/^$/ || /^[^ ]/) { on = 0 }
		!on { next }
		/^  -/ || /^      -/ {
			if (flags != "") print flags "\t" text
			line = $0
			sub(/^ +/, "", line)
			flags = line
			sub(/  .*/, "", flags)
			text = substr(line, length(flags) + 1)
			next
		}
		{ text = text " " $0 }
		END { if (flags != "") print flags "\t" text }' "$1"
}

# Option spellings of help file $1, one per line: those of the flags
# column, and the long ones the descriptions name as aliases ("--tgid").
option_spellings() {
	option_entries "$1" | awk -F '\t' '{
		n = split($1, w, /[ ,]+/)
		for (i = 1; i <= n; i++)
			if (w[i] ~ /^--?[A-Za-z0-9]/) print w[i]
		s = $2
		while (match(s, /--[A-Za-z0-9][A-Za-z0-9-]*/)) {
			print substr(s, RSTART, RLENGTH)
			s = substr(s, RSTART + RLENGTH)
		}
	}' | sort -u
}

# Argument names of the flags column of help file $1 (PATH, N, SECS).
option_arguments() {
	option_entries "$1" | awk -F '\t' '{
		n = split($1, w, /[ ,]+/)
		for (i = 1; i <= n; i++)
			if (w[i] ~ /^[A-Z][A-Z0-9_]*$/) print w[i]
	}' | sort -u
}

# ---- the page as text ----

# Wide lines (no paragraph is broken), no hyphenation, no overstriking;
# hyphen, non-breaking hyphen and minus sign as ASCII '-'.
groff -man -Tutf8 -P-cbou -rLL=4000n -rHY=0 "$page" 2> /dev/null |
	LC_ALL=C sed -e $'s/\xe2\x80\x90/-/g' -e $'s/\xe2\x80\x91/-/g' \
		-e $'s/\xe2\x88\x92/-/g' > "$tmp/page.txt"

# Section $1 of the rendered page (its heading at column 1), heading excluded.
section() {
	awk -v name="$1" '
		/^[^ ]/ { on = ($0 == name); next }
		on' "$tmp/page.txt"
}

# Subsection $2 of section $1 (subsection headings are indented 3).
subsection() {
	section "$1" | awk -v name="$2" '
		/^   [^ ]/ { h = $0; sub(/^ +/, "", h); on = (h == name); next }
		on'
}

# Subsection headings of section $1.
subsections() {
	section "$1" | awk '/^   [^ ]/ { sub(/^ +/, ""); print }'
}

# Is option spelling $1 a word of file $2?  (not part of a longer option)
has_option() {
	grep -qE -- "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|\$)" "$2"
}

# Is $1 a word of file $2?
has_word() {
	grep -qE -- "(^|[^A-Za-z0-9_])$1([^A-Za-z0-9_]|\$)" "$2"
}

# Option spellings of the .TP tags of text file $1: lines indented 7 that
# start with a hyphen.
tag_options() {
	awk '/^       -/ {
		n = split($0, w, /[ ,]+/)
		for (i = 1; i <= n; i++)
			if (w[i] ~ /^--?[A-Za-z0-9]/) print w[i]
	}' "$1" | sort -u
}

# ---- the version ----

tool_version=$("$tool" --version 2> /dev/null | awk '{ print $2; exit }')
th_version=$(awk '/^\.TH / { print; exit }' "$page")
if [ -n "$tool_version" ] && [[ $th_version == *"\"vmacct $tool_version\""* ]]; then
	pass ".TH names vmacct $tool_version, as $(basename "$tool") --version does"
else
	fail ".TH line '$th_version' does not name \"vmacct ${tool_version:-?}\" ($(basename "$tool") --version)"
fi

# The lines of file $1 that are not lines of file $2, each after a space.
not_in() {
	local line out=''
	while read -r line; do
		grep -qxF -- "$line" "$2" || out+=" $line"
	done < "$1"
	printf '%s' "$out"
}

# "$1:$2; $3:$4", each half only when its list ($2, $4) is not empty.
two_lists() {
	local msg=''
	[ -z "$2" ] || msg+="$1:$2"
	[ -z "$4" ] || msg+="${msg:+; }$3:$4"
	printf '%s' "$msg"
}

# ---- commands ----

block_first_words Commands "$tmp/help" > "$tmp/commands"
section SYNOPSIS > "$tmp/synopsis"
subsections COMMANDS > "$tmp/page-commands"
missing=
while read -r cmd; do
	has_option "vmacct $cmd" "$tmp/synopsis" || missing+=" $cmd (SYNOPSIS)"
	grep -qxF -- "$cmd" "$tmp/page-commands" || missing+=" $cmd (COMMANDS subsection)"
done < "$tmp/commands"
extra=$(not_in "$tmp/page-commands" "$tmp/commands")
if [ ! -s "$tmp/commands" ]; then
	fail "commands: none found under \"Commands:\" in $(basename "$tool") --help"
elif [ -z "$missing$extra" ]; then
	pass "commands: all $(wc -l < "$tmp/commands") of --help in SYNOPSIS and COMMANDS, and no other"
else
	fail "commands: $(two_lists missing "$missing" "COMMANDS subsections the tool lacks" "$extra")"
fi

# ---- options: $1 what, $2 help file, $3 page text to search ----

check_options() {
	local what=$1 help=$2 text=$3 opt arg missing='' extra='' n=0 m=0

	option_spellings "$help" > "$tmp/spellings"
	option_arguments "$help" > "$tmp/arguments"
	if [ ! -s "$tmp/spellings" ]; then
		fail "$what: no options found under \"Options:\" in its --help"
		return
	fi
	if [ ! -s "$text" ]; then
		fail "$what: the page has no text for it"
		return
	fi
	while read -r opt; do
		n=$((n + 1))
		has_option "$opt" "$text" || missing+=" $opt"
	done < "$tmp/spellings"
	while read -r arg; do
		m=$((m + 1))
		has_word "$arg" "$text" || missing+=" $arg"
	done < "$tmp/arguments"
	tag_options "$text" > "$tmp/tagged"
	extra=$(not_in "$tmp/tagged" "$tmp/spellings")
	if [ -z "$missing$extra" ]; then
		pass "$what: all $n option spellings and $m argument names of its --help, and no other option"
	else
		fail "$what: $(two_lists missing "$missing" "options the tool lacks" "$extra")"
	fi
}

section OPTIONS > "$tmp/options"
if [ -s "$tmp/options" ]; then
	check_options "global options (OPTIONS)" "$tmp/help" "$tmp/options"
else
	check_options "global options (whole page)" "$tmp/help" "$tmp/page.txt"
fi

json=
while read -r cmd; do
	if ! "$tool" "$cmd" --help < /dev/null > "$tmp/help-$cmd" 2> "$tmp/help.err"; then
		fail "$cmd: $(basename "$tool") $cmd --help exits $? ($(head -n 1 "$tmp/help.err"))"
		continue
	fi
	subsection COMMANDS "$cmd" > "$tmp/sub-$cmd"
	check_options "$cmd (COMMANDS subsection)" "$tmp/help-$cmd" "$tmp/sub-$cmd"
	option_spellings "$tmp/help-$cmd" | grep -qxF -- --json && json+=" $cmd"
done < "$tmp/commands"

# ---- exit codes ----

awk '
	$0 == "Exit codes:" { on = 1; next }
	on && /^[^ ]/ { on = 0 }
	on && /^  [0-9]+  / { print $1 }' "$tmp/help" > "$tmp/codes"
section "EXIT STATUS" | awk '/^ +[0-9]+( |$)/ { print $1 }' > "$tmp/page-codes"
missing=$(not_in "$tmp/codes" "$tmp/page-codes")
extra=$(not_in "$tmp/page-codes" "$tmp/codes")
if [ ! -s "$tmp/codes" ]; then
	fail "exit codes: none found under \"Exit codes:\" in $(basename "$tool") --help"
elif [ -z "$missing$extra" ]; then
	pass "exit codes: $(paste -sd ' ' "$tmp/codes") all in EXIT STATUS, and no other"
else
	fail "exit codes: $(two_lists "missing from EXIT STATUS" "$missing" "in EXIT STATUS but not in --help" "$extra")"
fi

# ---- JSON OUTPUT ----

subsections "JSON OUTPUT" > "$tmp/page-json"
missing=
for cmd in $json; do
	grep -qxF -- "$cmd" "$tmp/page-json" || missing+=" $cmd"
done
if [ -z "$json" ]; then
	fail "JSON OUTPUT: no command of the tool takes --json"
elif [ -z "$missing" ]; then
	pass "JSON OUTPUT: a subsection for each command with --json:$json"
else
	fail "JSON OUTPUT: no subsection for:$missing"
fi

finish
