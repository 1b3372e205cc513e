# shellcheck shell=sh
# test/git.sh - what the sync tests (t30xx) share; source after lib.sh:
#
#	. "$(dirname "$0")/lib.sh"
#	. "$SRCDIR/test/git.sh"
#
# Sets HOME to TMP/home (created: git and ssh read nothing of the caller's)
# and a commit identity for git, and defines
#   osync ARG...      ocf-sync with TMP/ocf.conf
#   must CMD...       a setup step that has to work (bail out otherwise)
#   head_of DIR [REV] the commit REV (HEAD) names in the repository DIR

HOME=$TMP/home
GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid
GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid
export HOME GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME \
	GIT_COMMITTER_EMAIL
mkdir -p "$HOME" || bail_out 'cannot create HOME'

osync() {
	ocf-sync -c "$TMP/ocf.conf" "$@"
}

must() {
	"$@" || bail_out "setup failed: $*"
}

head_of() {
	git -C "$1" rev-parse "${2:-HEAD}"
}
