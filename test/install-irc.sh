#!/bin/sh
# Install OpenClaw's IRC channel plugin (@openclaw/irc, from npm) once into a
# template gateway home under the cache, for the tests (test/irc.sh), the
# demo and the bench, and print the template's path.  Each user copies it
# (irc_gateway_home in scripts/common.sh).
#
# The install records the absolute path of the plugin's files (in
# openclaw.json's plugin index and state/openclaw.sqlite): a home built
# elsewhere and renamed into place loses its plugin, so the template is
# built at its final path, under a lock (one builder at a time, the others
# wait for it), and a marker file written last says it is complete.  About
# 30-50 s, and the npm registry, once.
#   OCF_TEST_CACHE   cache directory [/var/cache/ocf-test]
set -u
cache=${OCF_TEST_CACHE:-/var/cache/ocf-test}
template=$cache/irc-home
here=$(cd "$(dirname "$0")" && pwd) || exit 1

err() {
	printf 'install-irc: error: %s\n' "$*" >&2
	exit 1
}

if [ -f "$template/.ocf-complete" ]; then
	printf '%s\n' "$template"
	exit 0
fi
for t in jq flock; do
	command -v "$t" >/dev/null 2>&1 || err "$t not found (sh test/install-deps.sh)"
done
gw_path=$(OCF_TEST_CACHE=$cache sh "$here/install-gateway.sh") ||
	err 'the gateway cannot be installed'
mkdir -p "$cache" || exit 1
log=$(mktemp "${TMPDIR:-/tmp}/install-irc.XXXXXX") || exit 1
(
	flock -w 300 9 || err 'the template lock is held for 300 s'
	[ -f "$template/.ocf-complete" ] && exit 0
	rm -rf "$template"
	mkdir -p "$template/.openclaw" || exit 1
	printf '%s\n' '{ "gateway": { "mode": "local", "auth": { "mode": "none" } } }' \
		>"$template/.openclaw/openclaw.json" || exit 1
	printf 'install-irc: installing @openclaw/irc into %s\n' "$template" >&2
	if ! env HOME="$template" PATH="$gw_path:$PATH" \
		OPENCLAW_NO_AUTO_UPDATE=1 OPENCLAW_DISABLE_BONJOUR=1 \
		npm_config_cache="$cache/npm-cache" \
		openclaw plugins install @openclaw/irc >"$log" 2>&1 ||
		! jq -e '.plugins.entries.irc.enabled == true and .meta != null' \
			"$template/.openclaw/openclaw.json" >/dev/null; then
		echo 'install-irc: error: openclaw plugins install failed:' >&2
		tail -n 20 "$log" | sed 's/^/  /' >&2
		exit 1
	fi
	: >"$template/.ocf-complete"
) 9>"$cache/irc-home.lock"
rc=$?
rm -f "$log"
[ "$rc" = 0 ] || exit "$rc"
printf '%s\n' "$template"
