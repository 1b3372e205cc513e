# test/sshd.sh - a throwaway sshd on 127.0.0.1 for the sync tests (POSIX sh)
#
# Source it after lib.sh:
#
#	. "$SRCDIR/test/sshd.sh"
#	sshd_start || { test_skip 'ssh transport' "$SSHD_WHY"; test_done; }
#
# sshd_start makes a throwaway ed25519 host key and client key under
# $TMP/sshd, starts /usr/sbin/sshd -D -e on the first free port from 2200
# (loopback only, root login by key only) in its own process group that
# the exit trap kills, and sets:
#
#   SSHD_PORT         the port
#   SSHD_KEY          the client's private key (public key: $SSHD_KEY.pub)
#   SSHD_KNOWN_HOSTS  a known_hosts file with the host key as
#                     "[127.0.0.1]:PORT ssh-ed25519 ..."
#   SSHD_LOG          sshd's own messages
#
# It returns 1 with the reason in SSHD_WHY when sshd cannot start (not
# installed, not root): the caller skips, never passes.
#
# sshd_ssh CMD...     run CMD on the server through ssh, as root

SSHD_BIN=${SSHD_BIN:-/usr/sbin/sshd}
SSHD_WHY=''

# _sshd_listening: true once something listens on SSHD_PORT.
_sshd_listening() {
	! port_free "$SSHD_PORT"
}

# _sshd_own_group: true once sshd leads its own process group.
_sshd_own_group() {
	# shellcheck disable=SC2154 # _ocf_st_pgid is set by lib.sh's _ocf_stat
	_ocf_stat "$_sd_pid" && [ "$_ocf_st_pgid" = "$_sd_pid" ]
}

sshd_start() {
	_sd=$TMP/sshd
	if [ ! -x "$SSHD_BIN" ]; then
		SSHD_WHY="$SSHD_BIN is not installed (openssh-server)"
		return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		SSHD_WHY='sshd needs root to start here'
		return 1
	fi
	mkdir -p "$_sd" || bail_out "cannot create $_sd"
	ssh-keygen -q -t ed25519 -N '' -C ocf-test-host -f "$_sd/host_ed25519" ||
		bail_out 'ssh-keygen failed (host key)'
	ssh-keygen -q -t ed25519 -N '' -C ocf-test-client -f "$_sd/id_ed25519" ||
		bail_out 'ssh-keygen failed (client key)'
	cp "$_sd/id_ed25519.pub" "$_sd/authorized_keys" ||
		bail_out 'cannot write authorized_keys'
	SSHD_PORT=$(pick_port 2200) || bail_out 'no free port from 2200'
	cat >"$_sd/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $SSHD_PORT
HostKey $_sd/host_ed25519
PidFile $_sd/sshd.pid
AuthorizedKeysFile $_sd/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowTcpForwarding no
X11Forwarding no
LogLevel VERBOSE
EOF
	# sshd refuses to start without its privilege separation directory.
	mkdir -p /run/sshd
	if ! "$SSHD_BIN" -t -f "$_sd/sshd_config" >"$_sd/check" 2>&1; then
		SSHD_WHY="sshd -t rejects the test config: $(head -n 1 "$_sd/check")"
		return 1
	fi
	SSHD_LOG=$_sd/log
	setsid "$SSHD_BIN" -D -e -f "$_sd/sshd_config" >"$SSHD_LOG" 2>&1 &
	_sd_pid=$!
	# setsid makes it the leader of its own group, once it has run.
	wait_until 5 _sshd_own_group ||
		bail_out "sshd (pid $_sd_pid) did not get a process group of its own"
	track_pgid "$_sd_pid"
	if ! wait_until 10 _sshd_listening; then
		SSHD_WHY="sshd did not listen on 127.0.0.1:$SSHD_PORT: $(head -n 3 "$SSHD_LOG")"
		return 1
	fi
	SSHD_KEY=$_sd/id_ed25519
	SSHD_KNOWN_HOSTS=$_sd/known_hosts
	printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" \
		"$(cut -d ' ' -f 1,2 "$_sd/host_ed25519.pub")" >"$SSHD_KNOWN_HOSTS" ||
		bail_out 'cannot write known_hosts'
	export SSHD_PORT SSHD_KEY SSHD_KNOWN_HOSTS SSHD_LOG SSHD_WHY
	return 0
}

sshd_ssh() {
	ssh -F /dev/null -p "$SSHD_PORT" -i "$SSHD_KEY" -o BatchMode=yes \
		-o UserKnownHostsFile="$SSHD_KNOWN_HOSTS" \
		-o StrictHostKeyChecking=yes root@127.0.0.1 "$@"
}
