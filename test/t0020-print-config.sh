#!/bin/sh
# t0020-print-config: --print-config on every tool.
#   - exit 0 with no primary configured; every key once, the keys of
#     ocf(7)'s CONFIGURATION section, in the same order from every tool;
#   - precedence: default < file < environment < flag (-t, -C, -T of
#     ocf-probe, -C of ocf-sync);
#   - the output is safe to eval in sh: a value with quotes, $, backquotes
#     and backslashes comes back byte for byte, and nothing in it runs;
#   - a bad value (file, environment, flag) exits 3 with the usual error
#     and prints nothing; an operand is a usage error (3); a full stdout
#     fails.

# shellcheck source=test/lib.sh
. "$(dirname "$0")/lib.sh"

TOOLS='ocf-probe ocf-promote ocf-demote ocf-sync ocf-watch'
for t in $TOOLS; do
	[ -x "$OCF_BIN/$t" ] || bail_out "$OCF_BIN/$t is missing (build first)"
done

# an empty file: /etc/ocf/ocf.conf of this machine must not count
: >"$TMP/empty.conf" || bail_out 'cannot write a file'

# keys FILE: the key of each KEY=... line of FILE
keys() {
	sed 's/=.*//' "$1"
}

# --- every tool, no primary, every key ------------------------------------------

for t in $TOOLS; do
	test_ok "$t --print-config exits 0 with no primary set" \
		"$t" -c "$TMP/empty.conf" --print-config
	test_cmp_str "$t --print-config writes nothing on stderr" '' \
		"$(cat "$TMP/err")"
	keys "$TMP/out" >"$TMP/keys.$t"
	cp "$TMP/out" "$TMP/defaults.$t"
done
D=$TMP/defaults.ocf-probe
test_ok 'every line is KEY='"'"'...'"'"'' \
	awk '!/^[A-Z][A-Z0-9_]*='"'"'.*'"'"'$/ { bad = 1 } END { exit bad }' "$D"
for t in ocf-promote ocf-demote ocf-sync ocf-watch; do
	test_ok "$t lists the same defaults as ocf-probe" \
		cmp "$D" "$TMP/defaults.$t"
done
for t in ocf-promote ocf-demote ocf-sync ocf-watch; do
	test_ok "$t lists the keys of ocf-probe, in the same order" \
		cmp "$TMP/keys.ocf-probe" "$TMP/keys.$t"
done
test_cmp_str 'no key is listed twice' '' \
	"$(sort "$TMP/keys.ocf-probe" | uniq -d)"
sed -n '/^\.Sh CONFIGURATION/,/^\.Sh /s/^\.It Ev \([A-Z_0-9]*\).*/\1/p' \
	"$SRCDIR/man/ocf.7" | sort >"$TMP/keys.man"
[ -s "$TMP/keys.man" ] || bail_out 'no key found in man/ocf.7'
test_cmp_str 'the keys are those ocf(7) documents' \
	"$(tr '\n' ' ' <"$TMP/keys.man")" \
	"$(sort "$TMP/keys.ocf-probe" | tr '\n' ' ')"
test_grep 'a default: PRIMARY_PORT' "^PRIMARY_PORT='18789'\$" "$D"
test_grep 'a default: STATE_DIR' "^STATE_DIR='/var/lib/ocf'\$" "$D"
test_grep 'no primary: PRIMARY_URL is empty' "^PRIMARY_URL=''\$" "$D"

# --- precedence: default < file < environment < flag -------------------------------

# the value of a key in a --print-config output: state_get sources the
# file in a subshell, as a script would eval it
cat >"$TMP/ocf.conf" <<'EOF'
PROBE_TIMEOUT=2
WORKSPACE=/from/the/file
TOKEN_FILE=/file/token
PRIMARY_URL=https://primary.example/
EOF
test_ok 'a file' ocf-probe -c "$TMP/ocf.conf" --print-config
test_cmp_str 'the file overrides the default' 2 \
	"$(state_get PROBE_TIMEOUT "$TMP/out")"
test_cmp_str 'PRIMARY_URL as set (its trailing / removed)' \
	https://primary.example "$(state_get PRIMARY_URL "$TMP/out")"
test_cmp_str 'what the file does not set keeps its default' \
	60 "$(state_get HOLD_DOWN "$TMP/out")"
test_ok 'a file and the environment' \
	env PROBE_TIMEOUT=3 TOKEN_FILE=/env/token \
	ocf-probe -c "$TMP/ocf.conf" --print-config
test_cmp_str 'the environment overrides the file' 3 \
	"$(state_get PROBE_TIMEOUT "$TMP/out")"
test_cmp_str 'the environment overrides the file (TOKEN_FILE)' /env/token \
	"$(state_get TOKEN_FILE "$TMP/out")"
test_ok 'a file, the environment and flags' \
	env PROBE_TIMEOUT=3 TOKEN_FILE=/env/token CA_FILE=/env/ca \
	ocf-probe -c "$TMP/ocf.conf" -t 4 -T /flag/token -C /flag/ca --print-config
test_cmp_str '-t overrides the environment' 4 \
	"$(state_get PROBE_TIMEOUT "$TMP/out")"
test_cmp_str '-T overrides the environment' /flag/token \
	"$(state_get TOKEN_FILE "$TMP/out")"
test_cmp_str '-C overrides the environment' /flag/ca \
	"$(state_get CA_FILE "$TMP/out")"
test_ok 'ocf-sync: a file and the environment' \
	env WORKSPACE=/from/env ocf-sync -c "$TMP/ocf.conf" --print-config
test_cmp_str 'ocf-sync: the environment overrides the file' /from/env \
	"$(state_get WORKSPACE "$TMP/out")"
test_ok 'ocf-sync: and -C' \
	env WORKSPACE=/from/env ocf-sync -c "$TMP/ocf.conf" -C /from/flag \
	--print-config
test_cmp_str 'ocf-sync: -C overrides the environment' /from/flag \
	"$(state_get WORKSPACE "$TMP/out")"
test_ok 'ocf-watch: the file and the environment' \
	env STATE_DIR="$TMP/st" ocf-watch -c "$TMP/ocf.conf" --print-config
test_cmp_str 'ocf-watch: STATE_DIR from the environment' "$TMP/st" \
	"$(state_get STATE_DIR "$TMP/out")"
test_cmp_str 'ocf-watch: WORKSPACE from the file' /from/the/file \
	"$(state_get WORKSPACE "$TMP/out")"

# --- safe to eval ---------------------------------------------------------------

# shellcheck disable=SC2016 # the $ and backquotes are the test
nasty='it'"'"'s "$HOME" `touch '"$TMP"'/ran` $(touch '"$TMP"'/ran) \ \\ ;&|<>*?'
tab=$(printf '\t')
test_ok 'a value with quotes, $, backquotes, backslashes and a tab' \
	env NODE_NAME="$nasty" SECRETS_SRC="a${tab}b" \
	ocf-watch -c "$TMP/empty.conf" --print-config
cp "$TMP/out" "$TMP/nasty.out"
# shellcheck disable=SC2016 # for the inner sh
test_ok 'sh evals the output' sh -c 'eval "$(cat "$1")"' sh "$TMP/nasty.out"
test_cmp_str 'the value comes back byte for byte' "$nasty" \
	"$(state_get NODE_NAME "$TMP/nasty.out")"
test_cmp_str 'a tab comes back' "a${tab}b" \
	"$(state_get SECRETS_SRC "$TMP/nasty.out")"
test_ok 'nothing in the value ran' test ! -e "$TMP/ran"
test_cmp_str 'one line per key, whatever the values' \
	"$(wc -l <"$TMP/keys.ocf-probe")" "$(wc -l <"$TMP/nasty.out")"
# shellcheck disable=SC2016 # for the inner sh
test_ok 'eval sets every key as a shell variable' sh -c '
	eval "$(cat "$1")" || exit 1
	while IFS= read -r k; do
		eval "[ \"\${$k+set}\" = set ]" || exit 1
	done <"$2"' sh "$TMP/nasty.out" "$TMP/keys.ocf-probe"

# a listing without single quotes in it is a configuration file itself
test_ok 'the defaults listed, read back as a file' \
	ocf-watch -c "$D" --print-config
cp "$TMP/out" "$TMP/read-back"
test_ok 'they list the same' cmp "$D" "$TMP/read-back"

# --- errors ---------------------------------------------------------------------

test_expect_code 3 'a bad value in the environment exits 3' \
	env FLAP_MAX=0 ocf-watch -c "$TMP/empty.conf" --print-config
test_grep 'it says which and why' \
	"ocf-watch: error: environment: FLAP_MAX: '0' is out of range" "$TMP/err"
test_cmp_str 'and prints nothing' '' "$(cat "$TMP/out")"
printf 'CHECK_INTERVAL=soon\n' >"$TMP/bad.conf"
for t in $TOOLS; do
	test_expect_code 3 "$t: a bad value in the file exits 3" \
		"$t" -c "$TMP/bad.conf" --print-config
	test_grep "$t: it names the file, line and key" \
		"$t: error: $TMP/bad.conf:1: CHECK_INTERVAL: 'soon'" "$TMP/err"
	test_cmp_str "$t: and prints nothing" '' "$(cat "$TMP/out")"
done
test_expect_code 3 'a bad flag value exits 3' \
	ocf-probe -c "$TMP/empty.conf" -t soon --print-config
test_grep 'it names the flag'"'"'s key' \
	"command line: PROBE_TIMEOUT: 'soon'" "$TMP/err"
test_expect_code 3 'a GATEWAY_CMD that cannot be split exits 3' \
	env GATEWAY_CMD='"unterminated' ocf-promote -c "$TMP/empty.conf" \
	--print-config
test_expect_code 3 'a missing -c file exits 3' \
	ocf-demote -c "$TMP/nowhere.conf" --print-config
test_expect_code 3 'ocf-probe: a target with --print-config is a usage error' \
	ocf-probe -c "$TMP/empty.conf" --print-config 127.0.0.1
test_grep 'it prints the usage' '^usage: ocf-probe ' "$TMP/err"
test_expect_code 3 'ocf-sync: a command with --print-config is a usage error' \
	ocf-sync -c "$TMP/empty.conf" --print-config status
test_expect_code 3 'ocf-watch: an operand is a usage error' \
	ocf-watch -c "$TMP/empty.conf" --print-config extra
if [ -w /dev/full ]; then
	ocf-probe -c "$TMP/empty.conf" --print-config >/dev/full 2>"$TMP/err"
	test_cmp_str '>/dev/full exits 3' 3 "$?"
	test_grep 'and says why' 'error: .*standard output' "$TMP/err"
else
	test_skip '>/dev/full exits 3' 'no writable /dev/full'
fi

test_done
