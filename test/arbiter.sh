# test/arbiter.sh - ocf nodes with ARBITER=etcd for the scenario tests
# (issue 15), on the cluster of test/etcd.sh: each node is a network
# namespace with a real ocf-watch and a stand-in gateway (ocf-testsrv on
# 127.0.0.1:$ARB_PORT there, started by ocf-watch through GATEWAY_CMD).
#
# Source after lib.sh and etcd.sh, start the cluster, then:
#
#	arb_node a 100 && arb_node b 50 || bail_out ...
#	arb_start a; arb_start b
#	wait_until 20 arb_serves a
#
# Settings (before arb_node): ARB_TTL [6] (LEASE_TTL), ARB_PORT [18789],
# ARB_FAKETIME [] (libfaketime: the watchers' wall clocks can step).
#
# Functions:
#   arb_node NAME PRIORITY [KEY=VALUE...]  a node: namespace, config, state
#   arb_start NAME       its ocf-watch, in the background (log $TMP/NAME.log)
#   arb_stop NAME        SIGTERM to its watcher, wait for it (bounded)
#   arb_alive NAME       its watcher runs
#   arb_kill NAME        SIGKILL to every process of the node: a dead VPS
#   arb_kill_watcher NAME  SIGKILL to its watcher and keeper, not its gateway
#   arb_clock NAME S     step its wall clock to S seconds off (ARB_FAKETIME)
#   arb_faketime_lib     the libfaketime library
#   arb_up NAME          its gateway answers /readyz 200 (true/false)
#   arb_serving          the names of the nodes whose gateway answers
#   arb_serves NAME      NAME and only NAME serves
#   arb_serves_one [NOT] exactly one node serves (not NOT)
#   arb_none             no node serves
#   arb_gateway NAME     its gateway's pid (GATEWAY_PID)
#   arb_leader           the node named by the leader key (etcd), or ""
#   arb_urls             NAME=URL arguments for overlap_sampler_start

ARB_TTL=${ARB_TTL:-6}
ARB_PORT=${ARB_PORT:-18789}
ARB_FAKETIME=${ARB_FAKETIME:-}
ARB_NODES=''

arb_node() {
	[ $# -ge 2 ] || bail_out 'usage: arb_node NAME PRIORITY [KEY=VALUE...]'
	_arb_n=$1
	_arb_p=$2
	shift 2
	etcd_node_ns "$_arb_n" || return 1
	mkdir -p "$TMP/st-$_arb_n" || return 1
	{
		printf '%s\n' "ARBITER=etcd" "ETCD_ENDPOINTS=$ETCD_ENDPOINTS" \
			"LEASE_TTL=$ARB_TTL" "NODE_PRIORITY=$_arb_p" \
			"NODE_NAME=$_arb_n" "CHECK_INTERVAL=10" \
			"PROBE_TIMEOUT=0.5" "RISE_THRESHOLD=3" "HOLD_DOWN=2" \
			"READY_TIMEOUT=5" "STOP_TIMEOUT=2" "OPENCLAW_USER=" \
			"GATEWAY_CMD=$TEST_HELPERS/ocf-testsrv -p $ARB_PORT" \
			"GATEWAY_URL=http://127.0.0.1:$ARB_PORT" \
			"READY_CHECK=readyz" \
			"STATE_DIR=$TMP/st-$_arb_n" "WORKSPACE=$TMP/no-workspace" \
			"HOOKS_DIR=$TMP/no-hooks"
		for _arb_kv in "$@"; do
			printf '%s\n' "$_arb_kv"
		done
	} >"$TMP/$_arb_n.conf" || return 1
	ARB_NODES="$ARB_NODES $_arb_n"
}

arb_start() {
	# exec, and `ip netns exec` execs too: $! is the watcher itself
	if [ -n "$ARB_FAKETIME" ]; then
		[ -f "$TMP/$1.faketime" ] || printf '+0\n' >"$TMP/$1.faketime"
		(exec ip netns exec "$(etcd_ns "$1")" env \
			LD_PRELOAD="$ARB_FAKETIME" FAKETIME_NO_CACHE=1 \
			FAKETIME_TIMESTAMP_FILE="$TMP/$1.faketime" \
			FAKETIME_DONT_FAKE_MONOTONIC=1 "$OCF_BIN/ocf-watch" \
			-c "$TMP/$1.conf" >>"$TMP/$1.log" 2>&1 </dev/null) &
	else
		(exec ip netns exec "$(etcd_ns "$1")" "$OCF_BIN/ocf-watch" \
			-c "$TMP/$1.conf" >>"$TMP/$1.log" 2>&1 </dev/null) &
	fi
	printf '%s\n' $! >"$TMP/$1.pid"
}

# arb_clock NAME SECONDS: step NAME's wall clock to SECONDS off (+3600,
# -3600, 0); only CLOCK_REALTIME moves, as in a real step (ARB_FAKETIME)
arb_clock() {
	case $2 in -*) _arb_off=$2 ;; *) _arb_off=+$2 ;; esac
	printf '%s\n' "$_arb_off" >"$TMP/$1.faketime.tmp" &&
		mv -f "$TMP/$1.faketime.tmp" "$TMP/$1.faketime"
}

# arb_faketime_lib: print the libfaketime library, or fail
arb_faketime_lib() {
	for _arb_f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
	    /usr/lib/*/faketime/libfaketime.so.1; do
		[ -f "$_arb_f" ] && printf '%s\n' "$_arb_f" && return 0
	done
	return 1
}

_arb_pid() {
	cat "$TMP/$1.pid" 2>/dev/null
}

arb_stop() {
	_arb_sp=$(_arb_pid "$1")
	[ -n "$_arb_sp" ] || return 0
	kill -s TERM "$_arb_sp" 2>/dev/null
	wait_until 20 _arb_gone "$_arb_sp"
	_arb_r=$?
	rm -f "$TMP/$1.pid"
	return "$_arb_r"
}

_arb_gone() {
	! kill -0 "$1" 2>/dev/null
}

# arb_alive NAME: its watcher runs (not a zombie)
arb_alive() {
	_arb_ap=$(_arb_pid "$1")
	[ -n "$_arb_ap" ] || return 1
	case $(sed 's/.*) //' "/proc/$_arb_ap/stat" 2>/dev/null) in
	''|Z*|X*) return 1 ;;
	esac
}

arb_kill() {
	# every process in the node's namespace: watcher, keeper, gateway,
	# its log keeper
	for _arb_k in $(ip netns pids "$(etcd_ns "$1")"); do
		kill -s KILL "$_arb_k" 2>/dev/null
	done
	rm -f "$TMP/$1.pid"
	wait_until 5 _arb_empty "$1"
}

# arb_kill_watcher NAME: SIGKILL to its watcher and lease keeper at once
# (the gateway left alone): what an OOM kill or a cgroup kill does
arb_kill_watcher() {
	_arb_kw_ns=$(etcd_ns "$1")
	for _arb_k in $(ip netns pids "$_arb_kw_ns"); do
		case $(cat "/proc/$_arb_k/comm" 2>/dev/null) in
		ocf-watch|ocf-lease) kill -s KILL "$_arb_k" ;;
		esac
	done
	rm -f "$TMP/$1.pid"
}

_arb_empty() {
	[ -z "$(ip netns pids "$(etcd_ns "$1")")" ]
}

arb_up() {
	[ "$(etcd_in "$1" curl -s -o /dev/null -m 1 -w '%{http_code}' \
		"http://127.0.0.1:$ARB_PORT/readyz" 2>/dev/null)" = 200 ]
}

arb_serving() {
	_arb_s=''
	for _arb_x in $ARB_NODES; do
		arb_up "$_arb_x" && _arb_s="$_arb_s $_arb_x"
	done
	printf '%s\n' "${_arb_s# }"
}

arb_serves() {
	[ "$(arb_serving)" = "$1" ]
}

# arb_serves_one [NOT]: exactly one node serves (and it is not NOT)
arb_serves_one() {
	_arb_one=$(arb_serving)
	case $_arb_one in
	''|*' '*|"${1:-}") return 1 ;;
	esac
}

# arb_none: no node serves
arb_none() {
	[ -z "$(arb_serving)" ]
}

# arb_gateway NAME: the pid of NAME's gateway, as its state records it
arb_gateway() {
	state_get GATEWAY_PID "$TMP/st-$1/state"
}

arb_leader() {
	# from the hub: never cut
	_arb_v=$(etcdctl_at hub get --print-value-only /ocf/leader \
		2>/dev/null) || return 1
	printf '%s\n' "${_arb_v#* }"
}

arb_urls() {
	for _arb_x in $ARB_NODES; do
		printf '%s=http://127.0.0.1:%s/readyz\n' "$_arb_x" "$ARB_PORT"
	done
}
