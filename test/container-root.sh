#!/bin/sh
# test/container-root.sh - build, once, the Debian 12 root that the
# container tests (t8xxx) boot with systemd as PID 1, and print its path.
#
# The root is cached outside the repository, under
# OCF_TEST_CACHE/nspawn/root-KEY, KEY naming the suite and the package list:
# a changed list builds a new root, an unchanged one is reused. It is built
# into a temporary directory and renamed into place only when complete, so
# an interrupted build never leaves a half root that looks ready.
#
# Needs root, mmdebstrap and systemd-nspawn (Debian: mmdebstrap,
# systemd-container) and the Debian mirror; nothing else from the network.
set -eu

cache=${OCF_TEST_CACHE:-/var/cache/ocf-test}/nspawn
suite=bookworm
# systemd as PID 1 and the bus; what the .deb depends on; what the tests
# drive inside (git remotes, an sshd for rsync, python3 for stand-ins, ps)
packages=systemd,systemd-sysv,dbus,libcurl4,libgit2-1.5,libssl3,libjansson4,git,rsync,openssh-client,openssh-server,python3,procps,iproute2,ca-certificates

key=$(printf '%s %s 1\n' "$suite" "$packages" | cksum | cut -d' ' -f1)
root=$cache/root-$key

if [ ! -x "$root/lib/systemd/systemd" ]; then
	for tool in mmdebstrap systemd-nspawn; do
		command -v "$tool" >/dev/null 2>&1 || {
			echo "container-root: $tool not found" \
				"(apt-get install mmdebstrap systemd-container)" >&2
			exit 1
		}
	done
	mkdir -p "$cache"
	tmp=$cache/building-$key.$$
	rm -rf "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	echo "container-root: building $root (a few minutes, once)" >&2
	mmdebstrap --quiet --variant=minbase --include="$packages" \
		"$suite" "$tmp" >&2
	# a container of its own: no getty on a console nobody reads, no
	# sshd unless a test starts it, a machine id made at first boot
	rm -f "$tmp/etc/machine-id"
	: >"$tmp/etc/machine-id"
	chroot "$tmp" systemctl mask -q console-getty.service \
		getty@tty1.service ssh.service systemd-timesyncd.service \
		apt-daily.timer apt-daily-upgrade.timer 2>/dev/null ||
		chroot "$tmp" systemctl mask -q console-getty.service \
			getty@tty1.service ssh.service
	rm -rf "$root"
	mv "$tmp" "$root"
	trap - EXIT
fi
printf '%s\n' "$root"
