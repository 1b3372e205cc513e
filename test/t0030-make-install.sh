#!/bin/sh
# t0030-make-install: configure and the Makefile as an admin uses them.
#   - configure without cmocka still writes config.mak (HAVE_CMOCKA = no)
#     and says it is needed by make check only; make unit then stops with
#     what to install;
#   - a build in its own directory with PREFIX=/usr and a SYSCONFDIR of the
#     test's: the tools read SYSCONFDIR/ocf/ocf.conf; `make -q all` after
#     make is true, and `make install` after make compiles and links nothing;
#   - make install DESTDIR=...: the tools, ocf-drill (not ocf-demo), the man
#     pages, the units (in /lib/systemd/system, ExecStart= the real BINDIR,
#     no EnvironmentFile=), the examples, ocf.conf 0600
#     with every setting commented out;
#   - an edited ocf.conf is never replaced by install nor removed by
#     uninstall; make uninstall removes everything else install put there;
#   - another PREFIX regenerates the units and compiles nothing.
# The build runs in TMP: the tree's build/ and config.mak are not touched.

# shellcheck source=test/lib.sh
. "$(dirname "$0")/lib.sh"

command -v cc >/dev/null 2>&1 || bail_out 'no C compiler'
B=$TMP/build
ETC=$TMP/etc
D=$TMP/root

# mk ARG...: make in the source tree, building in B; whatever make runs
# this test (make check) passes no flags or variables down
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory \
		-C "$SRCDIR" B="$B" PREFIX=/usr SYSCONFDIR="$ETC" "$@"
}

# --- configure without cmocka --------------------------------------------------

# a compiler that cannot link cmocka, and no pkg-config: as on a machine
# without libcmocka-dev
mkdir "$TMP/nocm" "$TMP/cfg"
cat >"$TMP/nocm/cc" <<'EOF'
#!/bin/sh
for a; do [ "$a" != -lcmocka ] || exit 1; done
exec /usr/bin/env cc "$@"
EOF
chmod 755 "$TMP/nocm/cc"
(cd "$TMP/cfg" && sh "$SRCDIR/configure" CC="$TMP/nocm/cc" PKG_CONFIG=false \
	>"$TMP/configure.out" 2>&1)
test_cmp_str 'configure without cmocka exits 0' 0 "$?"
test_grep 'says cmocka is for make check only' \
	'^checking for cmocka\.\.\. no \(needed by make check only' \
	"$TMP/configure.out"
test_grep 'config.mak is written' '^HAVE_CMOCKA = no$' "$TMP/cfg/config.mak"
test_grep 'with the libraries the tools need' '^CURL_LIBS = -lcurl' \
	"$TMP/cfg/config.mak"
test_expect_code 2 'make unit without cmocka fails' mk HAVE_CMOCKA=no unit
test_grep 'saying what to install' 'cmocka is needed.*libcmocka-dev' "$TMP/err"

# --- build: the compiled-in configuration follows SYSCONFDIR ----------------------

test_ok 'make all (PREFIX=/usr, SYSCONFDIR in TMP)' mk -j4 all
test_ok 'make -q all right after make: nothing to do' mk -q all
mkdir -p "$ETC/ocf"
printf 'PRIMARY_URL=http://192.0.2.7:1234\n' >"$ETC/ocf/ocf.conf"
test_ok 'the tools read SYSCONFDIR/ocf/ocf.conf' \
	env -i "$B/ocf-probe" --print-config
test_grep 'PRIMARY_URL from it' "^PRIMARY_URL='http://192.0.2.7:1234'\$" "$TMP/out"
test_grep 'HOOKS_DIR defaults to SYSCONFDIR/ocf/hooks.d' \
	"^HOOKS_DIR='$ETC/ocf/hooks.d'\$" "$TMP/out"
rm -r "$ETC"

# --- install ---------------------------------------------------------------------

test_ok 'make install DESTDIR' mk DESTDIR="$D" install
test_cmp_str 'make install after make compiles and links nothing' '' \
	"$(grep -E '^ +(CC|AR|LINK) ' "$TMP/out")"
for t in ocf-probe ocf-promote ocf-demote ocf-sync ocf-watch ocf-drill; do
	test_ok "$t installed, executable" test -x "$D/usr/bin/$t"
	test_ok "$t.1 installed" test -f "$D/usr/share/man/man1/$t.1"
done
test_ok 'ocf-demo is not installed' test ! -e "$D/usr/bin/ocf-demo"
test_ok 'ocf.7 installed' test -f "$D/usr/share/man/man7/ocf.7"
U=$D/lib/systemd/system
test_ok 'ocf-watch.service in /lib/systemd/system (PREFIX=/usr)' \
	test -f "$U/ocf-watch.service"
test_ok 'openclaw.service too' test -f "$U/openclaw.service"
test_grep 'ExecStart= the installed ocf-watch' '^ExecStart=/usr/bin/ocf-watch$' \
	"$U/ocf-watch.service"
test_cmp_str 'no EnvironmentFile= (ocf-watch reads SYSCONFDIR/ocf/ocf.conf itself)' \
	'' "$(grep '^EnvironmentFile=' "$U/ocf-watch.service")"
test_grep 'ocf-sync.service: ExecStart= the installed ocf-sync' \
	'^ExecStart=/usr/bin/ocf-sync sync$' "$U/ocf-sync.service"
test_grep 'ocf-sync.timer installed' '^OnUnitInactiveSec=' "$U/ocf-sync.timer"
test_grep "the primary's pull drop-in in the examples, with the real path" \
	'^ExecStartPre=-\+/usr/bin/ocf-sync pull$' \
	"$D/usr/share/doc/ocf/examples/openclaw-primary-pull.conf"
test_cmp_str 'no /usr/local path left in the units' '' \
	"$(grep -h /usr/local/ "$U"/*.service "$U"/*.timer)"
test_cmp_str 'no unit enabled (no wants/ link)' '' \
	"$(find "$D" -name '*.wants')"
test_ok 'ocf.conf.example in the doc examples' \
	test -f "$D/usr/share/doc/ocf/examples/ocf.conf.example"
C=$D$ETC/ocf/ocf.conf
test_ok 'ocf.conf installed' test -f "$C"
test_cmp_str 'ocf.conf is 0600' 600 "$(stat -c %a "$C")"
test_cmp_str 'every setting of ocf.conf is commented out' '' \
	"$(grep -v -e '^#' -e '^$' "$C")"
test_grep 'the example is its source' '^#PRIMARY_IP=100.64.0.1$' "$C"

# an edited configuration is the admin's
printf 'PRIMARY_IP=192.0.2.1\n' >>"$C"
test_ok 'make install again' mk DESTDIR="$D" install
test_grep 'says it keeps ocf.conf' "^kept $C\$" "$TMP/out"
test_grep 'the edit is still there' '^PRIMARY_IP=192.0.2.1$' "$C"
test_ok 'make uninstall with an edited ocf.conf' mk DESTDIR="$D" uninstall
test_grep 'ocf.conf is kept' "^kept $C: it was edited\$" "$TMP/out"
test_cmp_str 'only ocf.conf is left' "$C" "$(find "$D" ! -type d)"
rm "$C"

# install, uninstall: nothing left but directories that are not ours
test_ok 'make install' mk DESTDIR="$D" install
test_ok 'make uninstall' mk DESTDIR="$D" uninstall
test_cmp_str 'no file or link left' '' "$(find "$D" ! -type d)"
test_cmp_str 'nor our directories' '' \
	"$(find "$D" -name ocf -o -name examples)"

# --- another PREFIX: units again, no compiler -------------------------------

test_ok 'make install PREFIX=/usr/local' mk PREFIX=/usr/local DESTDIR="$D" install
test_cmp_str 'compiles and links nothing' '' \
	"$(grep -E '^ +(CC|AR|LINK) ' "$TMP/out")"
U=$D/usr/local/lib/systemd/system
test_grep 'units in PREFIX/lib/systemd/system, ExecStart= PREFIX/bin' \
	'^ExecStart=/usr/local/bin/ocf-watch$' "$U/ocf-watch.service"
test_ok 'make uninstall PREFIX=/usr/local' mk PREFIX=/usr/local DESTDIR="$D" uninstall
test_cmp_str 'no file or link left' '' "$(find "$D" ! -type d)"

test_done
