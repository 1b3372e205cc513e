#!/bin/sh
# Install what the tests use, as root on Debian, when it is missing: so that
# `make check` passes on a fresh Debian 12 machine, and .ci/run shares the
# one list.  Without root or apt-get it only says what is missing (the tests
# that need it then fail or skip with a reason).
#   --all   also the build libraries and the linters (CI)
set -u

# need COMMAND PACKAGE: PACKAGE when COMMAND is not found
missing=
need() {
	command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || missing="$missing $2"
}
# need_pkg PACKAGE: PACKAGE when dpkg does not have it
need_pkg() {
	dpkg -s "$1" >/dev/null 2>&1 || missing="$missing $1"
}

need curl curl
need git git
need /usr/sbin/sshd openssh-server
need ssh openssh-client
need rsync rsync
need openssl openssl
need mandoc mandoc
need valgrind valgrind
need clang clang
need npm npm
# a real chat channel (t2009, t4010): the IRC server, and jq to edit the
# gateway's openclaw.json without losing its meta block; flock (util-linux)
# guards the plugin template
need ngircd ngircd
need jq jq
need flock util-linux
# libfaketime (LD_PRELOAD) steps the wall clock of one process: t7011 and
# make nemesis; namespaces for the nemesis (util-linux)
need faketime faketime
need unshare util-linux
# network namespaces and veth pairs: t4006 and make nemesis
need ip iproute2
# a real etcd cluster for the arbiter (ARBITER=etcd, test/etcd.sh: t5xxx;
# t5001 tests the client against one etcd); etcdctl to look
need etcd etcd-server
need etcdctl etcd-client
command -v dpkg >/dev/null 2>&1 && need_pkg libclang-rt-14-dev
# t0031 builds the .deb (dpkg-shlibdeps) and checks it with lintian
need dpkg-shlibdeps dpkg-dev
need lintian lintian
# promtool checks the METRICS_FILE of t4505 and t4012 (Debian ships it with the server)
need promtool prometheus
# the t8xxx tests boot a Debian root with systemd as PID 1
need mmdebstrap mmdebstrap
need systemd-nspawn systemd-container
if [ "${1:-}" = --all ]; then
	need cc build-essential
	need pkg-config pkg-config
	need cppcheck cppcheck
	need shellcheck shellcheck
	for p in ca-certificates procps libcurl4-openssl-dev libgit2-dev \
		libssl-dev libjansson-dev libcmocka-dev; do
		command -v dpkg >/dev/null 2>&1 && need_pkg "$p"
	done
fi
[ -n "$missing" ] || exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: missing (install them for a full run):$missing" >&2
	exit 0
fi
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 || exit 1
# shellcheck disable=SC2086 # a list of package names
apt-get install -y -q --no-install-recommends $missing >&2
