#!/bin/sh
# pkg/deb/build.sh DIR: build DIR/ocf_VERSION_ARCH.deb with dpkg-deb, no
# debhelper (make deb runs it).
#
# The tools are built in DIR/build with Debian's paths (PREFIX=/usr,
# SYSCONFDIR=/etc, UNITDIR=/lib/systemd/system) and hardening flags
# (dpkg-buildflags), installed by `make install` into DIR/root, then
# stripped, the man pages and changelog gzipped, and the package metadata
# added: Depends from dpkg-shlibdeps plus the programs ocf runs (rsync,
# ssh), /etc/ocf/ocf.conf as a conffile (root-only: it may name token
# files), /var/lib/ocf 0700, md5sums.  There are no maintainer scripts: the
# units are installed, not enabled.
#
# Environment: MAKE (make), DEB_MAINTAINER (the Maintainer field).
set -eu

prog='make deb'
die() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 1
}

[ $# -eq 1 ] || die 'usage: pkg/deb/build.sh DIR'
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${MAKE:=make}"
: "${DEB_MAINTAINER:=the ocf developers <ocf-devel@example.org>}"
for t in dpkg-deb dpkg-shlibdeps dpkg-buildflags; do
	command -v "$t" >/dev/null 2>&1 ||
		die "'$t' not found: apt-get install dpkg-dev"
done
command -v strip >/dev/null 2>&1 || die "'strip' not found: apt-get install binutils"

umask 022
mkdir -p "$1"
out=$(cd "$1" && pwd)
root=$out/root
cd "$top"

version=$(sed -n 's/^#define OCF_VERSION "\(.*\)"$/\1/p' lib/version.h)
[ -n "$version" ] || die "no OCF_VERSION in lib/version.h"
arch=$(dpkg --print-architecture)
# the changelog's last entry is this version: a new version needs an entry
clver=$(sed -n '1s/^ocf (\([^)]*\)).*/\1/p' pkg/deb/changelog)
[ "$clver" = "$version" ] ||
	die "pkg/deb/changelog is at '$clver', lib/version.h at '$version': add an entry"

# --- build and install with Debian's paths and flags ------------------------

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
rm -rf "$root"
set -- B="$out/build" PREFIX=/usr SYSCONFDIR=/etc UNITDIR=/lib/systemd/system \
	CFLAGS_USER="$cflags" LDFLAGS_USER="$ldflags"
$MAKE --no-print-directory "$@" all
$MAKE --no-print-directory "$@" DESTDIR="$root" install >/dev/null

# --- what a Debian package is expected to hold ---------------------------------

for f in "$root"/usr/bin/*; do
	# the tools, not ocf-drill (a script)
	case $(od -An -tx1 -N4 "$f" | tr -d ' \n') in
	7f454c46)
		strip --strip-unneeded --remove-section=.comment \
			--remove-section=.note "$f" ;;
	esac
done
gzip -9n "$root"/usr/share/man/man*/*
doc=$root/usr/share/doc/ocf
install -m 644 pkg/deb/copyright "$doc/copyright"
# a native package (upstream builds it): changelog.gz, as lintian wants
gzip -9nc pkg/deb/changelog >"$doc/changelog.gz"
chmod 644 "$doc/changelog.gz"
install -d "$root/usr/share/lintian/overrides"
install -m 644 pkg/deb/lintian-overrides "$root/usr/share/lintian/overrides/ocf"
# make install wrote the configuration only because root/ was empty
[ -f "$root/etc/ocf/ocf.conf" ] || die "make install wrote no etc/ocf/ocf.conf"
chmod 600 "$root/etc/ocf/ocf.conf"
install -d -m 700 "$root/var/lib/ocf"

# --- metadata ------------------------------------------------------------------

mkdir -p "$root/DEBIAN" "$out/shlibs/debian"
printf 'Source: ocf\n\nPackage: ocf\nArchitecture: any\n' \
	>"$out/shlibs/debian/control"
bins=
for f in "$root"/usr/bin/*; do
	case $(od -An -tx1 -N4 "$f" | tr -d ' \n') in
	7f454c46) bins="$bins -e$f" ;;
	esac
done
# shellcheck disable=SC2086 # one -e option a binary
shlibs=$(cd "$out/shlibs" && dpkg-shlibdeps -O $bins) ||
	die 'dpkg-shlibdeps failed'
shlibs=${shlibs#shlibs:Depends=}
[ -n "$shlibs" ] || die 'dpkg-shlibdeps found no library'
# what ocf runs: rsync and ssh for the secrets (ocf-sync), awk for ocf-drill
depends="$shlibs, openssh-client, rsync"

(cd "$root" && find etc -type f | sort | sed 's|^|/|') >"$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o \
	-type f -print | sed 's|^\./||' | sort | while IFS= read -r f; do
		md5sum "$f"
	done) >"$root/DEBIAN/md5sums"
size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" \
	-e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
	-e "s/@MAINTAINER@/$DEB_MAINTAINER/" pkg/deb/control.in \
	>"$root/DEBIAN/control"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" \
	"$root/DEBIAN/md5sums"

deb=$out/ocf_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
printf '%s\n' "$deb"
