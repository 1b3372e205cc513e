#!/bin/sh
# t0010-doc-usage: every tool's usage() is its man page's SYNOPSIS.
#
# For each man/ocf-*.1 whose program is built ($OCF_BIN) or is a script
# (scripts/), as git's t0450 does for its commands:
#   - PROG -h exits 0, prints nothing on stderr, and its stdout without
#     the leading "usage: " equals the SYNOPSIS as mandoc renders it
#     (both whitespace-normalised, so line breaks do not matter);
#   - PROG -Z (an unknown flag) exits 3, prints nothing on stdout and the
#     same usage on stderr;
#   - PROG -h >/dev/full fails with an exit status, not a signal;
#   - PROG -V and PROG --version exit 0 and print one line, "PROG VERSION",
#     VERSION being lib/version.h's (what monitoring clients ask).
# Also: every built tool and script has a page, and every page is clean
# under mandoc -Tlint.
#
# The SYNOPSIS is rendered by mandoc rather than parsed from the macros
# here: what is compared is what a reader sees, whatever macros (Op, Ns,
# Cm, '|') the page uses.  Without mandoc, groff's mdoc package is used.

# shellcheck source=test/lib.sh
. "$(dirname "$0")/lib.sh"

MANDIR=$SRCDIR/man
BS=$(printf '\b')

# render PAGE: the page as plain text, 200 columns, overstrike removed
if command -v mandoc >/dev/null 2>&1; then
	RENDERER=mandoc
	render() {
		mandoc -Tascii -O width=200 "$1" | sed "s/.$BS//g"
	}
elif command -v nroff >/dev/null 2>&1; then
	RENDERER=nroff
	render() {
		GROFF_NO_SGR=1 nroff -mdoc -Tascii -rLL=200n "$1" 2>/dev/null |
			sed "s/.$BS//g"
	}
else
	RENDERER=
	render() {
		return 1
	}
fi

# words: all fields of stdin on one line, single spaces
words() {
	awk '{ for (i = 1; i <= NF; i++) printf "%s%s", n++ ? " " : "", $i }
	    END { print "" }'
}

# synopsis PAGE: the rendered SYNOPSIS section, normalised
synopsis() {
	render "$1" | awk '
		/^SYNOPSIS[ \t]*$/ { in_syn = 1; next }
		in_syn && /^[^ \t]/ { exit }
		in_syn' | words
}

# usage_from FILE skip: FILE's usage text without "usage: ", normalised.
# skip=0: the usage must be the whole of FILE (the -h output);
# skip=1: lines before the first "usage:" are dropped (getopt's complaint).
usage_from() {
	awk -v skip="$2" '
		!found && sub(/^usage:[ \t]+/, "") { found = 1 }
		!found && !skip { found = 1; print "[no usage: prefix]" }
		found' "$1" | words
}

# is_tool FILE: an executable regular file named like a tool (no suffix)
is_tool() {
	[ -f "$1" ] && [ -x "$1" ] || return 1
	case ${1##*/} in
	ocf-*.*)	return 1 ;;
	ocf-*)		return 0 ;;
	esac
	return 1
}

# program NAME: path of the built tool or the script, or nothing
program() {
	if is_tool "$OCF_BIN/$1"; then
		printf '%s\n' "$OCF_BIN/$1"
	elif is_tool "$SRCDIR/scripts/$1"; then
		printf '%s\n' "$SRCDIR/scripts/$1"
	fi
}

VERSION=$(sed -n 's/^#define OCF_VERSION "\(.*\)"$/\1/p' "$SRCDIR/lib/version.h")
[ -n "$VERSION" ] || bail_out "no OCF_VERSION in lib/version.h"

pages=0
for page in "$MANDIR"/ocf-*.1; do
	[ -f "$page" ] || continue
	pages=$((pages + 1))
	name=${page##*/}
	name=${name%.1}
	exe=$(program "$name")
	if [ -z "$exe" ]; then
		test_skip "$name: -h matches $name.1" \
			"no $name in $OCF_BIN or scripts/ (not built yet)"
		continue
	fi
	if [ -z "$RENDERER" ]; then
		test_skip "$name: -h matches $name.1" 'neither mandoc nor nroff installed'
		continue
	fi
	syn=$(synopsis "$page")
	case $syn in
	"$name "*|"$name")	;;
	*)
		test_cmp_str "$name.1: SYNOPSIS starts with $name" \
			"$name ..." "$syn"
		continue
		;;
	esac

	test_ok "$name -h exits 0" "$exe" -h
	test_cmp_str "$name -h matches the SYNOPSIS of $name.1" \
		"$syn" "$(usage_from "$TMP/out" 0)"
	test_cmp_str "$name -h writes nothing on stderr" "" "$(cat "$TMP/err")"

	test_expect_code 3 "$name -Z (unknown flag) exits 3" "$exe" -Z
	test_cmp_str "$name -Z prints the usage on stderr" \
		"$syn" "$(usage_from "$TMP/err" 1)"
	test_cmp_str "$name -Z writes nothing on stdout" "" "$(cat "$TMP/out")"

	for v in -V --version; do
		test_ok "$name $v exits 0" "$exe" "$v"
		test_cmp_str "$name $v prints '$name $VERSION'" \
			"$name $VERSION" "$(cat "$TMP/out")"
		test_cmp_str "$name $v writes nothing on stderr" "" \
			"$(cat "$TMP/err")"
	done

	if [ -w /dev/full ]; then
		"$exe" -h >/dev/full 2>"$TMP/err"
		rc=$?
		if [ "$rc" -eq 0 ]; then
			got='exit 0'
		elif [ "$rc" -gt 125 ]; then
			got="exit $rc (a signal or no exec)"
		else
			got='a failure exit'
		fi
		test_cmp_str "$name -h >/dev/full fails" 'a failure exit' "$got"
		test_grep "$name -h >/dev/full says why on stderr" . "$TMP/err"
	else
		test_skip "$name -h >/dev/full fails" 'no writable /dev/full'
	fi
done
[ "$pages" -gt 0 ] || bail_out "no man page in '$MANDIR'"

# every tool, built or script, has its page
for exe in "$OCF_BIN"/ocf-* "$SRCDIR"/scripts/ocf-*; do
	is_tool "$exe" || continue
	name=${exe##*/}
	test_ok "$name has a man page man/$name.1" test -f "$MANDIR/$name.1"
done

# every page is clean: warnings and errors, not style hints
if command -v mandoc >/dev/null 2>&1; then
	for page in "$MANDIR"/*.[1-9]; do
		[ -f "$page" ] || continue
		test_ok "mandoc -Tlint -Wwarning: ${page##*/} is clean" \
			mandoc -Tlint -Wwarning "$page"
	done
else
	test_skip 'mandoc -Tlint: man pages are clean' 'mandoc not installed'
fi

test_done
