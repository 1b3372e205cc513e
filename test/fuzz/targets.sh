# test/fuzz/targets.sh - sourced by run.sh and t7100: what each fuzz target
# links.  sources TARGET prints the lib/*.c basenames the target needs,
# libs TARGET the libraries beyond libc and libm.
# shellcheck disable=SC2034 # used by the scripts that source this file
FUZZ_TARGETS='config state health split knownhosts chanstatus etcdjson rpcreply fence'
sources() {
	case $1 in
	config)	echo config syntax log timeutil cmdline ;;
	state)	echo state atomic lock log timeutil ;;
	health)	echo health ;;
	split)	echo cmdline ;;
	knownhosts)	echo knownhosts base64 ;;
	chanstatus)	echo chanstatus syntax ;;
	etcdjson)	echo etcdjson base64 syntax ;;
	rpcreply)	echo rpcreply syntax ;;
	fence)	echo fence syntax ;;
	esac
}
libs() {
	case $1 in
	knownhosts)	pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto ;;
	chanstatus|rpcreply|fence)
		pkg-config --libs jansson 2>/dev/null || echo -ljansson ;;
	etcdjson)	echo "$(pkg-config --libs jansson 2>/dev/null || echo -ljansson)" \
		    "$(pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto)" ;;
	esac
}
