#!/bin/sh
# t0031-make-deb: make deb builds a package a Debian admin can trust.
#   - ocf_VERSION_ARCH.deb (lib/version.h, dpkg --print-architecture) in
#     the directory given (DEBDIR), nothing in the tree's root;
#   - control: Depends on the libraries the tools link (libcurl4,
#     libgit2-1.5, libssl3, libjansson4) and on openssh-client and rsync;
#   - /etc/ocf/ocf.conf a conffile, 0600 root, every setting commented out;
#     /var/lib/ocf 0700 root; the units in /lib/systemd/system with
#     ExecStart=/usr/bin/...; no maintainer script (nothing enables them);
#     stripped tools; gzipped man pages and changelog; copyright; md5sums
#     of every file but the conffile;
#   - dpkg installs it into a private root, keeps the conffile on remove
#     and removes it on purge;
#   - lintian, when installed, reports no error (E:).

# shellcheck source=test/lib.sh
. "$(dirname "$0")/lib.sh"

for t in dpkg-deb dpkg-shlibdeps cc; do
	command -v "$t" >/dev/null 2>&1 || bail_out "no $t (apt-get install dpkg-dev build-essential)"
done
VERSION=$(sed -n 's/^#define OCF_VERSION "\(.*\)"$/\1/p' "$SRCDIR/lib/version.h")
ARCH=$(dpkg --print-architecture)
DEB=$TMP/deb/ocf_${VERSION}_$ARCH.deb

ls "$SRCDIR"/*.deb >"$TMP/before" 2>/dev/null
test_ok 'make deb' env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make --no-print-directory -C "$SRCDIR" DEBDIR="$TMP/deb" deb
test_cmp_str 'make deb prints its path' "$DEB" "$(tail -n 1 "$TMP/out")"
test_ok "it is $DEB" test -f "$DEB"
ls "$SRCDIR"/*.deb >"$TMP/after" 2>/dev/null
test_cmp_str 'no .deb in the tree root' "$(cat "$TMP/before")" "$(cat "$TMP/after")"
[ -f "$DEB" ] || bail_out 'no package to look at'

# --- control -----------------------------------------------------------------------

field() {
	dpkg-deb -f "$DEB" "$1"
}
test_cmp_str 'Package' ocf "$(field Package)"
test_cmp_str 'Version (lib/version.h)' "$VERSION" "$(field Version)"
test_cmp_str 'Architecture' "$ARCH" "$(field Architecture)"
depends=$(field Depends)
for p in libcurl4 libgit2-1.5 libssl3 libjansson4 openssh-client rsync; do
	case ", $depends," in
	*", $p "* | *", $p,"*) test_ok "Depends: $p" true ;;
	*) test_cmp_str "Depends: $p" "$p in Depends" "$depends" ;;
	esac
done
dpkg-deb -e "$DEB" "$TMP/control"
test_cmp_str 'conffiles: /etc/ocf/ocf.conf' /etc/ocf/ocf.conf \
	"$(cat "$TMP/control/conffiles")"
test_cmp_str 'no maintainer script: nothing enables the units' \
	'conffiles control md5sums' \
	"$(find "$TMP/control" -type f -printf '%f\n' | sort | tr '\n' ' ' | sed 's/ $//')"

# --- contents ------------------------------------------------------------------------

dpkg-deb -c "$DEB" >"$TMP/contents"
# mode owner PATH: the line of dpkg-deb -c for PATH
has() {
	test_grep "$3: $1 $2" "^$1 $2 .* \\./$3\$" "$TMP/contents"
}
has -rw------- root/root etc/ocf/ocf.conf
has drwx------ root/root var/lib/ocf/
for t in ocf-probe ocf-promote ocf-demote ocf-sync ocf-watch ocf-drill; do
	has -rwxr-xr-x root/root "usr/bin/$t"
	has -rw-r--r-- root/root "usr/share/man/man1/$t.1.gz"
done
has -rw-r--r-- root/root usr/share/man/man7/ocf.7.gz
has -rw-r--r-- root/root lib/systemd/system/ocf-watch.service
has -rw-r--r-- root/root lib/systemd/system/openclaw.service
has -rw-r--r-- root/root usr/share/doc/ocf/copyright
has -rw-r--r-- root/root usr/share/doc/ocf/changelog.gz
has -rw-r--r-- root/root usr/share/doc/ocf/examples/ocf.conf.example
test_cmp_str 'no unit enabled (no wants/ link, no /etc/systemd)' '' \
	"$(grep -e '\.wants/' -e ' \./etc/systemd' "$TMP/contents")"
test_cmp_str 'not owned by the builder' '' \
	"$(awk '$2 != "root/root"' "$TMP/contents")"

X=$TMP/x
dpkg-deb -x "$DEB" "$X"
test_grep 'ExecStart= the packaged ocf-watch' '^ExecStart=/usr/bin/ocf-watch$' \
	"$X/lib/systemd/system/ocf-watch.service"
test_cmp_str 'every setting of ocf.conf is commented out' '' \
	"$(grep -v -e '^#' -e '^$' "$X/etc/ocf/ocf.conf")"
if command -v readelf >/dev/null 2>&1; then
	for t in ocf-probe ocf-watch; do
		test_cmp_str "$t is stripped" '' \
			"$(readelf -S "$X/usr/bin/$t" | grep -e '\.symtab' -e '\.debug_')"
	done
else
	test_skip 'the tools are stripped' 'no readelf (binutils)'
fi
test_ok 'the packaged ocf-probe runs' "$X/usr/bin/ocf-probe" -V
test_cmp_str 'and knows its version' "ocf-probe $VERSION" "$(cat "$TMP/out")"
# shellcheck disable=SC2016 # for the inner shell
test_ok 'md5sums match the files' \
	sh -c 'cd "$1" && md5sum --quiet -c "$2"' sh "$X" "$TMP/control/md5sums"
test_cmp_str 'md5sums lists every file but the conffile' \
	"$(cd "$X" && find . -type f ! -path ./etc/ocf/ocf.conf | sed 's|^\./||' | sort)" \
	"$(sed 's/^[0-9a-f]*  //' "$TMP/control/md5sums" | sort)"

# --- dpkg into a private root ------------------------------------------------------

R=$TMP/dpkgroot
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
: >"$R/var/lib/dpkg/status"
# the private root has no libc: the dependencies cannot be met there
dk() {
	dpkg --root="$R" --force-depends --force-not-root "$@"
}
test_ok 'dpkg -i into a private root' dk -i "$DEB"
test_grep 'the conffile is registered' '^ /etc/ocf/ocf.conf [0-9a-f]*$' \
	"$(dk -s ocf >"$TMP/status"; echo "$TMP/status")"
test_cmp_str '/var/lib/ocf is 0700' 700 "$(stat -c %a "$R/var/lib/ocf")"
test_ok 'dpkg -r' dk -r ocf
test_ok 'remove keeps the configuration' test -f "$R/etc/ocf/ocf.conf"
test_ok 'and removes the tools' test ! -e "$R/usr/bin/ocf-watch"
test_ok 'dpkg -P' dk -P ocf
test_ok 'purge removes the configuration' test ! -e "$R/etc/ocf"

# --- lintian ----------------------------------------------------------------------

if command -v lintian >/dev/null 2>&1; then
	lintian "$DEB" >"$TMP/lintian" 2>"$TMP/lintian.err"
	sed 's/^/# lintian: /' "$TMP/lintian"
	test_cmp_str 'lintian: no error' '' "$(grep '^E: ' "$TMP/lintian")"
	test_cmp_str 'lintian: no warning' '' "$(grep '^W: ' "$TMP/lintian")"
else
	test_skip 'lintian: no error' 'lintian not installed'
fi

test_done
