# test/promote.sh - sourced by the transition tests against the real
# OpenClaw gateway (t2001-t2004, t2006-t2008) right after lib.sh, with
# PORT_BASE set:
#
#	. "$(dirname "$0")/lib.sh"
#	PORT_BASE=21000
#	. "$SRCDIR/test/promote.sh"
#
# It installs the gateway (gateway.sh), picks P, the local gateway's port,
# from PORT_BASE with a gateway's 110 ports free, sets and exports the
# settings those tests share (a test may override any of them after
# sourcing), and sources marked.sh.  (Not named t*.sh: test/run.sh runs
# those as tests.)

command -v gw_install >/dev/null 2>&1 || . "$SRCDIR/test/gateway.sh"
gw_install || bail_out 'the OpenClaw gateway cannot be installed'
P=$(pick_port "${PORT_BASE:?set PORT_BASE before sourcing promote.sh}" 110) ||
	bail_out 'no free port'

# the gateway this node promotes: instance "sb" on P; no primary answers
# (port 1), so that nothing refuses a promotion
STATE_DIR=$TMP/state
OPENCLAW_USER=
GATEWAY_CMD=$(gw_cmdline sb "$P") || bail_out 'no gateway command line'
GATEWAY_URL=http://127.0.0.1:$P
PRIMARY_URL=http://127.0.0.1:1
HOOKS_DIR=$TMP/hooks
WORKSPACE=$TMP/none
READY_TIMEOUT=90	# a real cold start: 5-9 s idle, over 20 s on a loaded CI machine
STOP_TIMEOUT=15
HOOK_TIMEOUT=2
export STATE_DIR OPENCLAW_USER GATEWAY_CMD GATEWAY_URL PRIMARY_URL HOOKS_DIR \
	WORKSPACE READY_TIMEOUT STOP_TIMEOUT HOOK_TIMEOUT

. "$SRCDIR/test/marked.sh"
