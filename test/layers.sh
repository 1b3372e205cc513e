#!/bin/sh
# test/layers.sh - fail when a file of lib/ includes a header of a higher
# layer, or is missing from the layer table of lib/README.  Run by
# `make lint`.
set -u
cd "$(dirname "$0")/.." || exit 3
status=0
# layer NAME: the rank (1 = lowest) of lib/NAME.[ch], or nothing
layer() {
	awk -v n="$1" '
	/^  [a-z]+: / {
		rank++
		for (i = 2; i <= NF; i++)
			if ($i == n) { print rank; exit }
	}' lib/README
}
for f in lib/*.c lib/*.h; do
	name=$(basename "$f")
	name=${name%.?}
	mine=$(layer "$name")
	if [ -z "$mine" ]; then
		printf 'layers: %s is in no layer of lib/README\n' "$f" >&2
		status=1
		continue
	fi
	bad=$(sed -n 's/^#include "\([a-z0-9_]*\)\.h".*/\1/p' "$f" |
	while IFS= read -r inc; do
		theirs=$(layer "$inc")
		if [ -z "$theirs" ]; then
			printf 'layers: %s includes %s.h, which is in no layer\n' \
				"$f" "$inc"
		elif [ "$theirs" -gt "$mine" ]; then
			printf 'layers: %s includes %s.h, a layer above its own\n' \
				"$f" "$inc"
		fi
	done)
	if [ -n "$bad" ]; then
		printf '%s\n' "$bad" >&2
		status=1
	fi
done
exit "$status"
