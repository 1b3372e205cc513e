# test/etcd.sh - a real etcd cluster for the arbiter's scenario tests
# (issue 15): three (or N) etcd members and the ocf nodes, each in a network
# namespace of its own, all joined to one bridge, so that a test can cut
# any one of them off, kill members and watch who serves.
#
# Source after lib.sh:
#
#	. "$SRCDIR/test/etcd.sh"
#	etcd_usable || { test_skip 'the arbiter' "$ETCD_WHY"; test_done; }
#	etcd_cluster_start || bail_out 'no etcd cluster'
#	etcd_node_ns a && etcd_node_ns b || bail_out 'no node namespaces'
#	etcd_in a ocf-watch -c "$TMP/a.conf" &	# ETCD_ENDPOINTS is exported
#	overlap_sampler_start "$TMP/s" a=http://127.0.0.1:18789/readyz \
#		b=http://127.0.0.1:18789/readyz
#	etcd_cut a; ...; overlap_sampler_stop
#	[ "$(overlap_count "$TMP/s")" = 0 ] && [ "$(gap_ms "$TMP/s")" -lt 15000 ]
#
# The network.  Everything lives in namespaces this file creates, named
# ocfe-<ETCD_ID>- (ETCD_ID: the test's pid): nothing is added to the
# host's own namespace, not even an interface, so parallel runs cannot
# collide and the host's routes never see the test's addresses.
#   ocfe-ID-hub   the bridge br0, with ETCD_NET.254 (the harness's own
#                 vantage point: never cut)
#   ocfe-ID-mI    member I (1..N): etcd on ETCD_NET.I, client port 2379,
#                 peer port 2380
#   ocfe-ID-NAME  an ocf node (etcd_node_ns): ETCD_NET.101, .102, ... in
#                 the order of creation; lo is up, so the node's stand-in
#                 gateway listens on 127.0.0.1 there and the same port
#                 serves in every node
# Each of them is joined to br0 by a veth pair: eth0 inside, v-NAME (v-mI)
# in the hub.  A cut sets v-NAME down, in the hub, where the inside cannot
# undo it; the inside end then has no carrier and its packets vanish (a
# cable pulled: connections hang, they are not refused).  ETCD_NET is
# 10.213.X with X from the pid: it cannot collide anyway (every run has
# its own bridge), it only makes two runs' logs tell apart.
#
# etcd: /usr/bin/etcd 3.4 (Debian etcd-server), one per member, heartbeat
# 100 ms, election timeout 1000 ms, data and log (zap, JSON lines) under
# $TMP/etcd/mI.data, mI.log.  It runs with an empty environment: etcd
# reads ETCD_* variables as flags, and ETCD_ENDPOINTS is ours.  etcdctl
# runs the same way (it refuses ETCDCTL_* variables that shadow a flag).
#
# Facts measured here (etcd 3.4.23, these timings, a loaded 2-core box),
# for the arbiter's design and its tests:
#   - the cluster forms in 0.9-5.7 s; a SIGKILLed leader is replaced
#     1.2-1.8 s later by etcd's log (election timeout 1-2 s, randomized),
#     1.1-4.2 s as etcd_leader sees it polling on a loaded machine; a
#     restarted member is healthy in 0.3-2 s; a healed or restarted
#     majority takes puts again in 0.4-3.5 s.
#   - a cut node: its connections hang (the permanent ARP entries below);
#     etcdctl fails after its command timeout.
#   - a member cut off with no leader keeps its client port open: through
#     the JSON gateway, put, linearizable range and lease grant answer only
#     after about 7 s (500 "context deadline exceeded", 503 "request timed
#     out"), lease keepalive 503 "etcdserver: no leader" after 7 s; a
#     serializable range answers at once with its stale copy, and
#     /v3/maintenance/status at once with errors ["etcdserver: no leader"].
#     A client must never read serializable, and must give up on its own
#     timeout well before 7 s.
#   - for about an election timeout after a partition a follower still
#     believes in its leader and forwards a put to it over a TCP stream
#     that now loses every packet; if the partition heals within about 4 s
#     the retransmission delivers it and the put the client saw time out
#     is applied after all, over any newer value.  A timed-out write is
#     "unknown", never "failed": guard writes with a compare.
#   - without --pre-vote (3.4's default) a member that was cut off comes
#     back with a higher term and forces an election: a few hundred ms to
#     2 s without a leader after every heal of a member.
#
# Cleanup: etcd_cluster_start registers etcd_cluster_stop with at_exit, so
# a test that fails or is interrupted still leaves no process, namespace or
# interface behind.  Every process inside the run's namespaces (etcd, and
# whatever the test started there: ocf nodes, gateways) gets SIGKILL.
#
# Settings (set before the calls; defaults in brackets):
#   ETCD_CMD_TIMEOUT   etcdctl_at's --command-timeout [2s]
#   ETCD_DIAL_TIMEOUT  etcdctl_at's --dial-timeout [1s]
#   ETCD_FLAGS         more etcd flags, split on blanks, after ours (a
#                      later flag wins), e.g. '--pre-vote' []
#   OVERLAP_INTERVAL_MS, OVERLAP_TIMEOUT_MS  the sampler's period and
#                      per-sample deadline [50, 40]
#   OVERLAP_DURATION_S the sampler ends itself after this long [900]
#
# Functions:
#   etcd_usable                  true if this machine can run the cluster;
#                                otherwise false with the reason in ETCD_WHY
#   etcd_cluster_start [N]       N members (default 3), wait (20 s) until all
#                                are healthy, export ETCD_ENDPOINTS
#   etcd_cluster_stop            kill everything in the run's namespaces,
#                                delete them (and so the bridge and veths)
#   etcd_node_ns NAME            a namespace for ocf node NAME on the bridge
#   etcd_in NAME CMD...          run CMD in NAME's namespace (NAME: a node,
#                                mI for member I, or hub)
#   etcd_ns NAME                 print the namespace's name (for ip netns,
#                                /run/netns/...)
#   etcd_addr NAME               print NAME's address on the bridge
#   etcdctl_at NAME ARGS...      etcdctl from NAME against ETCD_ENDPOINTS,
#                                with the short timeouts above
#   etcdctl_member I ARGS...     etcdctl in member I's namespace against
#                                member I alone (what that member says)
#   etcd_cut NAME...             cut nodes or members (mI) off the bridge
#   etcd_heal NAME...            join them again
#   etcd_split NAME...           a partition: NAME... on one side, the
#                                rest and the hub on the other
#   etcd_unsplit                 end it
#   etcd_member_kill I           SIGKILL member I, wait until it is gone
#   etcd_member_start I          start member I again on its data dir
#                                (--initial-cluster-state existing)
#   etcd_healthy [SECONDS]       wait (default 20) until every member
#                                answers healthy from the hub
#   etcd_leader                  print the index I of the leader (the
#                                member that says so with the highest raft
#                                term); false, printing nothing, if none
#   etcd_leader_of I             print the index of the member that
#                                member I takes for the leader, 0: none
#   etcd_majority_cut            cut a majority of the members, the leader
#                                first; print their names (mI ...) for
#                                etcd_heal
#   overlap_sampler_start OUT [NAME=]URL...
#                                sample every URL 20 times a second, each
#                                from node NAME's namespace (none: the
#                                test's own), into OUT: "T_MS UP1 UP2 ..."
#   overlap_sampler_stop         stop it (also at exit)
#   overlap_count OUT [FROM_MS [TO_MS]]
#                                print how many samples had 2 or more up
#   gap_ms OUT [FROM_MS [TO_MS]] print the longest time no URL was up (ms)

ETCD_ID=$$
ETCD_NET=10.213.$(($$ % 250 + 1))
ETCD_N=0
ETCD_NODES=''
ETCD_DIR=$TMP/etcd
ETCD_HUB=ocfe-$ETCD_ID-hub
ETCD_ENDPOINTS=''
ETCD_WHY=''
: "${ETCD_CMD_TIMEOUT:=2s}" "${ETCD_DIAL_TIMEOUT:=1s}" "${ETCD_FLAGS:=}"
: "${OVERLAP_INTERVAL_MS:=50}" "${OVERLAP_TIMEOUT_MS:=40}" "${OVERLAP_DURATION_S:=900}"
_etcd_cleanup_set=0
_etcd_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
OVERLAP_PID=''
_overlap_cleanup_set=0

# etcd_usable
# True if the cluster can run here: root, ip (iproute2), etcd and etcdctl,
# and a network namespace can be created.  Otherwise false with the reason
# in ETCD_WHY (for test_skip).
etcd_usable() {
	ETCD_WHY=''
	if [ "$(id -u)" != 0 ]; then
		ETCD_WHY='needs root (network namespaces)'
	elif ! command -v ip >/dev/null 2>&1; then
		ETCD_WHY='the ip command (iproute2) is missing'
	elif ! command -v etcd >/dev/null 2>&1; then
		ETCD_WHY='etcd is missing (apt-get install etcd-server)'
	elif ! command -v etcdctl >/dev/null 2>&1; then
		ETCD_WHY='etcdctl is missing (apt-get install etcd-client)'
	elif ! command -v curl >/dev/null 2>&1; then
		ETCD_WHY='curl is missing'
	elif ! ip netns add "ocfe-$ETCD_ID-probe" 2>"$TMP/etcd-netns.err"; then
		ETCD_WHY="cannot create a network namespace: $(head -n 1 "$TMP/etcd-netns.err")"
	else
		ip netns del "ocfe-$ETCD_ID-probe"
	fi
	[ -z "$ETCD_WHY" ]
}

# etcd_ns NAME: print the namespace of NAME (a node, mI, or hub)
etcd_ns() {
	printf 'ocfe-%s-%s\n' "$ETCD_ID" "$1"
}

# etcd_addr NAME: print NAME's address on the bridge (hub: the bridge's)
etcd_addr() {
	# shellcheck disable=SC2086 # a list of names
	case $1 in
	hub)	printf '%s.254\n' "$ETCD_NET" ;;
	m[1-9])	printf '%s.%s\n' "$ETCD_NET" "${1#m}" ;;
	*)	_etcd_a=$(printf '%s\n' $ETCD_NODES | awk -v n="$1" '
			$0 == n { print NR; exit }')
		[ -n "$_etcd_a" ] || {
			printf 'etcd_addr: no node %s\n' "'$1'" >&2
			return 1
		}
		printf '%s.%s\n' "$ETCD_NET" $((100 + _etcd_a)) ;;
	esac
}

# etcd_in NAME CMD...: CMD in NAME's network namespace
etcd_in() {
	[ $# -ge 2 ] || bail_out 'usage: etcd_in NAME CMD...'
	_etcd_in_ns=$(etcd_ns "$1")
	shift
	ip netns exec "$_etcd_in_ns" "$@"
}

# _etcd_mac ADDR: the fixed MAC address of ADDR's interface
_etcd_mac() {
	_etcd_m_o3=${1%.*}
	_etcd_m_o3=${_etcd_m_o3##*.}
	printf '02:0a:d5:%02x:00:%02x\n' "$_etcd_m_o3" "${1##*.}"
}

# _etcd_names: hub, the members and the nodes made so far
_etcd_names() {
	printf 'hub\n'
	_etcd_nm_i=1
	while [ "$_etcd_nm_i" -le "$ETCD_N" ]; do
		[ -e "/run/netns/$(etcd_ns "m$_etcd_nm_i")" ] &&
			printf 'm%s\n' "$_etcd_nm_i"
		_etcd_nm_i=$((_etcd_nm_i + 1))
	done
	# shellcheck disable=SC2086 # a list of names
	printf '%s\n' $ETCD_NODES
}

# _etcd_link NAME: create namespace NAME, join it to br0 (eth0 inside,
# v-NAME in the hub) with its address and fixed MAC, lo up.  The pair is
# created in the hub with its peer straight in the new namespace: no
# interface ever appears in the host's namespace.
#
# And permanent ARP entries between NAME and every other namespace, both
# ways.  Without them a cut is no cable pulled: carrier loss flushes the
# learnt entries, and new connections fail with "no route to host" after
# 3 s of unanswered ARP, where across the internet they hang until their
# own timeout.  Permanent entries survive the carrier loss, so every packet
# simply vanishes.  (ip -batch: one ip per namespace, it adds up.)
_etcd_link() {
	_etcd_l_ns=$(etcd_ns "$1")
	_etcd_l_addr=$(etcd_addr "$1") || return 1
	_etcd_l_mac=$(_etcd_mac "$_etcd_l_addr")
	_etcd_l_others=$(_etcd_names | grep -vx -e hub -e "$1")
	ip netns add "$_etcd_l_ns" || return 1
	printf '%s\n' "link add v-$1 type veth peer name eth0 netns $_etcd_l_ns" \
		"link set v-$1 master br0" "link set v-$1 up" \
		"neigh replace $_etcd_l_addr lladdr $_etcd_l_mac dev br0 nud permanent" |
		ip -n "$ETCD_HUB" -batch - || return 1
	{
		printf '%s\n' 'link set lo up' "link set eth0 address $_etcd_l_mac" \
			"addr add $_etcd_l_addr/24 dev eth0" 'link set eth0 up'
		for _etcd_l_o in hub $_etcd_l_others; do
			_etcd_l_oa=$(etcd_addr "$_etcd_l_o") || return 1
			printf 'neigh replace %s lladdr %s dev eth0 nud permanent\n' \
				"$_etcd_l_oa" "$(_etcd_mac "$_etcd_l_oa")"
		done
	} | ip -n "$_etcd_l_ns" -batch - || return 1
	for _etcd_l_o in $_etcd_l_others; do
		ip -n "$(etcd_ns "$_etcd_l_o")" neigh replace "$_etcd_l_addr" \
			lladdr "$_etcd_l_mac" dev eth0 nud permanent || return 1
	done
}

# _etcd_ours: print the run's namespaces, one a line
_etcd_ours() {
	ip netns list 2>/dev/null | awk -v p="ocfe-$ETCD_ID-" '
		index($1, p) == 1 { print $1 }'
}

# _etcd_pids NS...: print the pids of the processes in these namespaces
_etcd_pids() {
	for _etcd_p_ns in "$@"; do
		ip netns pids "$_etcd_p_ns" 2>/dev/null
	done
}

# _etcd_none_in NS...: true once no process is left in them
_etcd_none_in() {
	[ -z "$(_etcd_pids "$@")" ]
}

# _etcd_member_args I STATE: print the flags of member I
_etcd_member_args() {
	_etcd_ma_addr=$ETCD_NET.$1
	printf '%s\n' --name "m$1" --data-dir "$ETCD_DIR/m$1.data" \
		--listen-peer-urls "http://$_etcd_ma_addr:2380" \
		--initial-advertise-peer-urls "http://$_etcd_ma_addr:2380" \
		--listen-client-urls "http://$_etcd_ma_addr:2379" \
		--advertise-client-urls "http://$_etcd_ma_addr:2379" \
		--initial-cluster "$_etcd_cluster" \
		--initial-cluster-token "ocfe-$ETCD_ID" \
		--initial-cluster-state "$2" \
		--heartbeat-interval 100 --election-timeout 1000 \
		--logger zap --log-outputs stderr
	# (a command substitution: IFS is the caller's newline)
	IFS=' 	
'
	# shellcheck disable=SC2086 # split on blanks on purpose
	[ -z "$ETCD_FLAGS" ] || printf '%s\n' $ETCD_FLAGS
}

# _etcd_run I STATE: start member I in the background, outside the
# test's process tree (the subshell exits at once)
_etcd_run() {
	_etcd_r_ns=$(etcd_ns "m$1")
	# one flag a line, none with a blank: split on newlines only
	_etcd_r_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2046 # a list of flags
	(
		ip netns exec "$_etcd_r_ns" env -i PATH="$_etcd_path" \
			setsid etcd $(_etcd_member_args "$1" "$2") \
			</dev/null >>"$ETCD_DIR/m$1.log" 2>&1 &
	)
	IFS=$_etcd_r_ifs
}

# etcd_cluster_start [N]
# The hub, N members (1-9, default 3), one etcd each (--initial-cluster-
# state new); waits up to 20 s until etcdctl endpoint health passes for
# every member; exports ETCD_ENDPOINTS (http://ADDR:2379, comma-separated).
# False, with a message on stderr, when it cannot; at_exit cleans up
# whatever it made.
etcd_cluster_start() {
	ETCD_N=${1:-3}
	case $ETCD_N in
	[1-9])	;;
	*)	printf 'etcd_cluster_start: 1 to 9 members, not %s\n' "'$ETCD_N'" >&2
		return 1 ;;
	esac
	if [ "$_etcd_cleanup_set" = 0 ]; then
		at_exit etcd_cluster_stop
		_etcd_cleanup_set=1
	fi
	if [ -n "$(_etcd_ours)" ]; then
		printf 'etcd_cluster_start: namespaces of a run with this id (%s) exist: %s\n' \
			"$ETCD_ID" "$(_etcd_ours | tr '\n' ' ')" >&2
		return 1
	fi
	mkdir -p "$ETCD_DIR" || return 1
	{
		ip netns add "$ETCD_HUB" &&
			ip -n "$ETCD_HUB" link set lo up &&
			ip -n "$ETCD_HUB" link add br0 type bridge forward_delay 0 &&
			ip -n "$ETCD_HUB" link set br0 address \
				"$(_etcd_mac "$ETCD_NET.254")" &&
			ip -n "$ETCD_HUB" addr add "$ETCD_NET.254/24" dev br0 &&
			ip -n "$ETCD_HUB" link set br0 up
	} 2>"$ETCD_DIR/net.err" || {
		printf 'etcd_cluster_start: cannot make the hub: %s\n' \
			"$(head -n 1 "$ETCD_DIR/net.err")" >&2
		return 1
	}
	_etcd_cluster='' ETCD_ENDPOINTS=''
	_etcd_i=1
	while [ "$_etcd_i" -le "$ETCD_N" ]; do
		_etcd_link "m$_etcd_i" 2>"$ETCD_DIR/net.err" || {
			printf 'etcd_cluster_start: cannot make member %s: %s\n' \
				"$_etcd_i" "$(head -n 1 "$ETCD_DIR/net.err")" >&2
			return 1
		}
		_etcd_cluster="$_etcd_cluster${_etcd_cluster:+,}m$_etcd_i=http://$ETCD_NET.$_etcd_i:2380"
		ETCD_ENDPOINTS="$ETCD_ENDPOINTS${ETCD_ENDPOINTS:+,}http://$ETCD_NET.$_etcd_i:2379"
		_etcd_i=$((_etcd_i + 1))
	done
	export ETCD_ENDPOINTS
	_etcd_i=1
	while [ "$_etcd_i" -le "$ETCD_N" ]; do
		_etcd_run "$_etcd_i" new
		_etcd_i=$((_etcd_i + 1))
	done
	etcd_healthy 20 || {
		printf 'etcd_cluster_start: the cluster is not healthy after 20 s; logs: %s\n' \
			"$ETCD_DIR/m*.log" >&2
		tail -n 3 "$ETCD_DIR"/m*.log >&2
		return 1
	}
	# each member's id (kept across restarts: it lives in the data dir)
	_etcd_i=1
	while [ "$_etcd_i" -le "$ETCD_N" ]; do
		_etcd_st=$(_etcd_status "$_etcd_i") || {
			printf 'etcd_cluster_start: member %s does not tell its id\n' \
				"$_etcd_i" >&2
			return 1
		}
		printf '%s\n' "${_etcd_st%% *}" >"$ETCD_DIR/m$_etcd_i.id"
		_etcd_i=$((_etcd_i + 1))
	done
}

# etcd_cluster_stop
# SIGKILL every process in the run's namespaces (up to 5 s for them to go),
# delete the namespaces (their veths and the bridge go with them), stop
# the sampler.  Safe to call twice and when nothing was made.  Complains
# (as a TAP comment, false) when a namespace survives.
etcd_cluster_stop() {
	overlap_sampler_stop
	_etcd_s_list=$(_etcd_ours)
	[ -n "$_etcd_s_list" ] || return 0
	# shellcheck disable=SC2086 # a list of names
	_etcd_s_pids=$(_etcd_pids $_etcd_s_list)
	# shellcheck disable=SC2086 # a list of pids
	[ -z "$_etcd_s_pids" ] || kill -s KILL $_etcd_s_pids 2>/dev/null
	# shellcheck disable=SC2086
	wait_until 5 _etcd_none_in $_etcd_s_list ||
		printf '# etcd_cluster_stop: processes survive SIGKILL: %s\n' \
			"$(_etcd_pids $_etcd_s_list | tr '\n' ' ')"
	for _etcd_s_ns in $_etcd_s_list; do
		ip netns del "$_etcd_s_ns" 2>/dev/null
	done
	ETCD_NODES='' ETCD_N=0
	_etcd_s_left=$(_etcd_ours)
	[ -z "$_etcd_s_left" ] || {
		printf '# etcd_cluster_stop: namespaces left: %s\n' \
			"$(printf '%s\n' "$_etcd_s_left" | tr '\n' ' ')"
		return 1
	}
}

# etcd_node_ns NAME
# A namespace for ocf node NAME (a lower-case letter, then up to 7 letters
# or digits; not "hub", not mI), joined to the bridge: ETCD_NET.(100+k) for
# the k-th node, lo up.
etcd_node_ns() {
	case $1 in
	hub|m[0-9]*|''|[!a-z]*|*[!a-z0-9]*|?????????*)
		printf 'etcd_node_ns: bad node name %s\n' "'$1'" >&2
		return 1 ;;
	esac
	case " $ETCD_NODES " in
	*" $1 "*)
		printf 'etcd_node_ns: node %s exists\n' "'$1'" >&2
		return 1 ;;
	esac
	[ "$ETCD_N" -gt 0 ] || {
		echo 'etcd_node_ns: no cluster (etcd_cluster_start first)' >&2
		return 1
	}
	ETCD_NODES="$ETCD_NODES $1"
	_etcd_link "$1" 2>"$ETCD_DIR/net.err" || {
		printf 'etcd_node_ns: cannot make node %s: %s\n' "$1" \
			"$(head -n 1 "$ETCD_DIR/net.err")" >&2
		return 1
	}
}

# _etcdctl NAME ENDPOINTS DIAL_TIMEOUT COMMAND_TIMEOUT ARGS...
# etcdctl (API 3) in NAME's namespace, in an empty environment
_etcdctl() {
	_etcd_c_ns=$1 _etcd_c_ep=$2 _etcd_c_dial=$3 _etcd_c_cmd=$4
	shift 4
	etcd_in "$_etcd_c_ns" env -i PATH="$_etcd_path" ETCDCTL_API=3 etcdctl \
		--endpoints="$_etcd_c_ep" --dial-timeout="$_etcd_c_dial" \
		--command-timeout="$_etcd_c_cmd" "$@"
}

# etcdctl_at NAME ARGS...
# etcdctl (API 3) in NAME's namespace against ETCD_ENDPOINTS, with
# --dial-timeout ETCD_DIAL_TIMEOUT and --command-timeout ETCD_CMD_TIMEOUT,
# in an empty environment.  Its exit status is etcdctl's.
etcdctl_at() {
	[ $# -ge 2 ] || bail_out 'usage: etcdctl_at NAME ARGS...'
	_etcd_at=$1
	shift
	_etcdctl "$_etcd_at" "$ETCD_ENDPOINTS" "$ETCD_DIAL_TIMEOUT" \
		"$ETCD_CMD_TIMEOUT" "$@"
}

# _etcd_known NAME: true if NAME is a member or a node of this run
_etcd_known() {
	case $1 in
	m[1-9])	[ "${1#m}" -le "$ETCD_N" ] ;;
	*)	case " $ETCD_NODES " in *" $1 "*) ;; *) false ;; esac ;;
	esac || {
		printf 'etcd: no node or member %s\n' "'$1'" >&2
		return 1
	}
}

# etcdctl_member I ARGS...
# etcdctl in member I's namespace against member I alone (its own address:
# never cut), 1 s timeouts: what that member says, e.g. with
# get --consistency=s, its own copy even when it is cut off.
etcdctl_member() {
	[ $# -ge 2 ] || bail_out 'usage: etcdctl_member I ARGS...'
	_etcd_em=$1
	shift
	_etcdctl "m$_etcd_em" "http://$ETCD_NET.$_etcd_em:2379" 1s 1s "$@"
}

# _etcd_port NAME up|down: set v-NAME in the hub
_etcd_port() {
	_etcd_known "$1" && ip -n "$ETCD_HUB" link set "v-$1" "$2"
}

# etcd_cut NAME...: cut nodes or members (mI) off the bridge (their port
# in the hub down: the inside sees no carrier and cannot undo it)
etcd_cut() {
	for _etcd_c in "$@"; do
		_etcd_port "$_etcd_c" down || return 1
	done
}

# etcd_heal NAME...: join them again
etcd_heal() {
	for _etcd_c in "$@"; do
		_etcd_port "$_etcd_c" up || return 1
	done
}

# etcd_split NAME...
# A partition: NAME... (nodes and members) on one side, everything else
# and the hub on the other; the two sides cannot see each other (NAME's
# ports move to a second bridge, br1).  Unlike etcd_cut, a node can keep
# talking to a member on its own side: a node with a minority member.
# A later etcd_split adds to the same side.
etcd_split() {
	[ $# -ge 1 ] || bail_out 'usage: etcd_split NAME...'
	if ! ip -n "$ETCD_HUB" link show br1 >/dev/null 2>&1; then
		ip -n "$ETCD_HUB" link add br1 type bridge forward_delay 0 &&
			ip -n "$ETCD_HUB" link set br1 up || return 1
	fi
	for _etcd_c in "$@"; do
		_etcd_known "$_etcd_c" &&
			ip -n "$ETCD_HUB" link set "v-$_etcd_c" master br1 || return 1
	done
}

# etcd_unsplit: end etcd_split (every port back on br0; a cut stays cut)
etcd_unsplit() {
	for _etcd_c in $(ip -n "$ETCD_HUB" -o link show master br1 2>/dev/null |
		awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		ip -n "$ETCD_HUB" link set "$_etcd_c" master br0 || return 1
	done
}

# etcd_member_kill I: SIGKILL member I's etcd (every process in its
# namespace) and wait up to 5 s until it is gone
etcd_member_kill() {
	_etcd_k_ns=$(etcd_ns "m$1")
	# shellcheck disable=SC2046 # a list of pids
	kill -s KILL $(_etcd_pids "$_etcd_k_ns") 2>/dev/null
	wait_until 5 _etcd_none_in "$_etcd_k_ns"
}

# etcd_member_start I: start member I again with its data dir
# (--initial-cluster-state existing); returns at once (etcd_healthy waits)
etcd_member_start() {
	case $1 in
	[1-9])	[ "$1" -le "$ETCD_N" ] ;;
	*)	false ;;
	esac || {
		printf 'etcd_member_start: no member %s\n' "'$1'" >&2
		return 1
	}
	_etcd_none_in "$(etcd_ns "m$1")" || {
		printf 'etcd_member_start: member %s runs\n' "$1" >&2
		return 1
	}
	_etcd_run "$1" existing
}

# _etcd_all_healthy: etcdctl endpoint health, from the hub, for every member
_etcd_all_healthy() {
	_etcdctl hub "$ETCD_ENDPOINTS" 1s 1s endpoint health >/dev/null 2>&1
}

# etcd_healthy [SECONDS]: wait (default 20 s) until every member answers
# etcdctl endpoint health from the hub (a cut member never does)
etcd_healthy() {
	wait_until "${1:-20}" _etcd_all_healthy
}

# _etcd_status I: print "MEMBER_ID LEADER_ID RAFT_TERM" as member I says
# (LEADER_ID 0: none), asked inside I's namespace (so a cut member answers
# too) through the JSON gateway: curl costs a tenth of etcdctl, which
# matters when polling for a new leader on a loaded machine.  proto3 leaves
# out a zero: no "leader" is no leader.  False when I does not answer.
_etcd_status() {
	etcd_in "m$1" curl -s -m 1 --noproxy '*' -X POST -d '{}' \
		"http://$ETCD_NET.$1:2379/v3/maintenance/status" 2>/dev/null |
		awk '{
			m = l = t = ""
			if (match($0, /"member_id":"[0-9]+"/))
				m = substr($0, RSTART + 13, RLENGTH - 14)
			if (match($0, /"leader":"[0-9]+"/))
				l = substr($0, RSTART + 10, RLENGTH - 11)
			if (match($0, /"raftTerm":"[0-9]+"/))
				t = substr($0, RSTART + 12, RLENGTH - 13)
			if (m != "") {
				print m, (l == "" ? 0 : l), (t == "" ? 0 : t)
				ok = 1
			}
		}
		END { exit !ok }'
}

# etcd_leader
# Print the index I of the leader: each running member is asked about
# itself (_etcd_status, all at once), and of those that say they lead, the
# one with the highest raft term wins (a cut leader believes it leads until
# its CheckQuorum notices, about an election timeout).  False, printing
# nothing, when none leads.
etcd_leader() {
	_etcd_i=1 _etcd_lp=''
	while [ "$_etcd_i" -le "$ETCD_N" ]; do
		: >"$ETCD_DIR/status.$_etcd_i"
		if ! _etcd_none_in "$(etcd_ns "m$_etcd_i")"; then
			_etcd_status "$_etcd_i" |
				awk -v i="$_etcd_i" '$1 == $2 { print $3, i }' \
				>"$ETCD_DIR/status.$_etcd_i" &
			_etcd_lp="$_etcd_lp $!"
		fi
		_etcd_i=$((_etcd_i + 1))
	done
	# only these: the sampler is a child too
	for _etcd_p in $_etcd_lp; do
		wait "$_etcd_p"
	done
	_etcd_i=1
	while [ "$_etcd_i" -le "$ETCD_N" ]; do
		cat "$ETCD_DIR/status.$_etcd_i"
		rm -f "$ETCD_DIR/status.$_etcd_i"
		_etcd_i=$((_etcd_i + 1))
	done | sort -n -k1,1 | awk 'END { if (NR) print $2; exit !NR }'
}

# etcd_leader_of I
# Print the index of the member that member I takes for the leader (asked
# inside I's namespace, so a cut member answers too), 0 when it has none.
# False when I does not answer.
etcd_leader_of() {
	_etcd_lo=$(_etcd_status "$1") || return 1
	# shellcheck disable=SC2086 # three fields
	set -- $_etcd_lo
	[ "$2" != 0 ] || {
		echo 0
		return 0
	}
	# the members' ids, noted when the cluster formed
	grep -lx "$2" "$ETCD_DIR"/m[1-9].id 2>/dev/null |
		sed -n 's|.*/m\([1-9]\)\.id$|\1|p' | grep .
}

# etcd_majority_cut
# Cut N/2+1 members off the bridge: the leader (when there is one) first,
# then the lowest others.  Prints their names (mI ...) on one line, for
# etcd_heal.
etcd_majority_cut() {
	_etcd_mc_lead=$(etcd_leader) || _etcd_mc_lead=''
	_etcd_mc_want=$((ETCD_N / 2 + 1))
	_etcd_mc=''
	[ -z "$_etcd_mc_lead" ] || _etcd_mc="m$_etcd_mc_lead"
	_etcd_i=1
	# shellcheck disable=SC2086 # a list of names
	while [ "$(printf '%s\n' $_etcd_mc | wc -l)" -lt "$_etcd_mc_want" ] &&
		[ "$_etcd_i" -le "$ETCD_N" ]; do
		[ "$_etcd_i" = "$_etcd_mc_lead" ] || _etcd_mc="$_etcd_mc m$_etcd_i"
		_etcd_i=$((_etcd_i + 1))
	done
	_etcd_mc=${_etcd_mc# }
	# shellcheck disable=SC2086 # a list of names
	etcd_cut $_etcd_mc || return 1
	printf '%s\n' "$_etcd_mc"
}

# overlap_sampler_start OUT [NAME=]URL...
# Start ocf-overlap-sample: every OVERLAP_INTERVAL_MS (50) ms, GET every
# URL at once; a line "T_MS UP1 UP2 ..." per sample goes to OUT (T_MS: the
# epoch in ms, as date +%s%3N; UPk: 1 if URL k answered 200 within
# OVERLAP_TIMEOUT_MS (40) ms).  NAME= makes the request from node NAME's
# namespace (a node's gateway on 127.0.0.1 there); without it, from the
# test's own.  Returns once the first sample is written.  One sampler at
# a time; it runs as a child of the test and is stopped at exit.
overlap_sampler_start() {
	[ $# -ge 2 ] || bail_out 'usage: overlap_sampler_start OUT [NAME=]URL...'
	[ -z "$OVERLAP_PID" ] || {
		echo 'overlap_sampler_start: a sampler runs already' >&2
		return 1
	}
	_ov_out=$1
	shift
	_ov_n=0
	for _ov_t in "$@"; do
		case $_ov_t in
		http://*)	_ov_arg=$_ov_t ;;
		*=http://*)	_ov_arg=/run/netns/$(etcd_ns "${_ov_t%%=*}")=${_ov_t#*=} ;;
		*)	printf 'overlap_sampler_start: not [NAME=]URL: %s\n' "'$_ov_t'" >&2
			return 1 ;;
		esac
		# one argument each, kept in the positional parameters
		set -- "$@" "$_ov_arg"
		_ov_n=$((_ov_n + 1))
	done
	shift "$_ov_n"
	if [ "$_overlap_cleanup_set" = 0 ]; then
		at_exit overlap_sampler_stop
		_overlap_cleanup_set=1
	fi
	: >"$_ov_out" || return 1
	"$TEST_HELPERS/ocf-overlap-sample" -i "$OVERLAP_INTERVAL_MS" \
		-t "$OVERLAP_TIMEOUT_MS" -d "$OVERLAP_DURATION_S" "$@" \
		</dev/null >"$_ov_out" 2>"$_ov_out.err" &
	OVERLAP_PID=$!
	wait_until 2 test -s "$_ov_out" || {
		printf 'overlap_sampler_start: no sample after 2 s: %s\n' \
			"$(head -n 1 "$_ov_out.err")" >&2
		overlap_sampler_stop
		return 1
	}
}

# overlap_sampler_stop: stop the sampler (SIGTERM: it ends after the
# sample under way) and wait for it; nothing when none runs
overlap_sampler_stop() {
	[ -n "$OVERLAP_PID" ] || return 0
	kill -s TERM "$OVERLAP_PID" 2>/dev/null
	wait "$OVERLAP_PID"
	OVERLAP_PID=''
	return 0
}

# overlap_count OUT [FROM_MS [TO_MS]]
# Print how many samples of OUT (with FROM_MS <= T_MS <= TO_MS) had two or
# more URLs up: 50 ms each of two gateways serving at once.
overlap_count() {
	awk -v from="${2:-0}" -v to="${3:-99999999999999}" '
		NF >= 2 && $1 >= from && $1 <= to {
			n = 0
			for (i = 2; i <= NF; i++)
				n += ($i == 1)
			if (n >= 2)
				c++
		}
		END { print c + 0 }' "$1"
}

# gap_ms OUT [FROM_MS [TO_MS]]
# Print the longest time (ms) no URL was up: over each run of samples with
# none up, from the first sample of the run to the next sample with one
# up (or, for a run that reaches the end, to the last sample plus one
# interval).  0 when some URL was up in every sample.
gap_ms() {
	awk -v from="${2:-0}" -v to="${3:-99999999999999}" \
		-v iv="$OVERLAP_INTERVAL_MS" '
		NF >= 2 && $1 >= from && $1 <= to {
			n = 0
			for (i = 2; i <= NF; i++)
				n += ($i == 1)
			if (n == 0 && start == "")
				start = $1
			else if (n > 0 && start != "") {
				if ($1 - start > best)
					best = $1 - start
				start = ""
			}
			last = $1
		}
		END {
			if (start != "" && last + iv - start > best)
				best = last + iv - start
			print best + 0
		}' "$1"
}
