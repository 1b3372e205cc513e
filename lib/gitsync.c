/*
 * Workspace sync through libgit2, in the sync worker (worker.c says why
 * a worker).  Everything that touches libgit2 runs there; the parent
 * only reads the token and cleans the detail that comes back.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "config.h"
#include "exitcode.h"
#include "gitsync.h"
#include "hooks.h"
#include "knownhosts.h"
#include "node.h"
#include "proc.h"
#include "redact.h"
#include "state.h"
#include "token.h"
#include "worker.h"

/* libgit2 asks again after every failed credential; stop it */
#define MAX_CRED_CALLS 8
#define TOKEN_MAX 4096
/* merges a push makes while the remote keeps moving, before it gives up */
#define MAX_MERGES 3

/* ---- libgit2 callbacks ---------------------------------------------- */

struct gctx {
	const struct ocf_config *c;
	char token[TOKEN_MAX];	/* GIT_TOKEN_FILE, read by the parent */
	char user[256];		/* local user name, for ssh without one */
	int port;		/* of the URL in use, for known_hosts */
	int fport, pport;	/* of the fetch and the push URL */
	int calls;		/* credential requests in this connection */
	int keyidx, agent_tried, token_tried;
	char why[256];		/* our own reason when a callback refused */
	char rejected[256];	/* a ref the server refused, and why */
};

static void
ctx_reset(struct gctx *g)
{
	g->calls = g->keyidx = g->agent_tried = g->token_tried = 0;
	g->why[0] = g->rejected[0] = '\0';
}

static int
refuse(struct gctx *g, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
refuse(struct gctx *g, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->why, sizeof(g->why), fmt, ap);
	va_end(ap);
	git_error_set_str(GIT_ERROR_NET, g->why);
	return code;
}

/* the next private key to offer: SSH_KEY, else the usual ~/.ssh ones */
static int
next_key(struct gctx *g, char *buf, size_t len)
{
	static const char *const dflt[] = { "id_ed25519", "id_ecdsa",
	    "id_rsa" };
	const char *home = getenv("HOME");

	if (g->c->ssh_key[0] != '\0') {
		snprintf(buf, len, "%s", g->c->ssh_key);
		return g->keyidx++ == 0;
	}
	while (g->keyidx < 3) {
		snprintf(buf, len, "%s/.ssh/%s", home != NULL ? home : "",
		    dflt[g->keyidx++]);
		if (access(buf, R_OK) == 0)
			return 1;
	}
	return 0;
}

static int
cred_cb(git_credential **out, const char *url, const char *url_user,
    unsigned int allowed, void *payload)
{
	struct gctx *g = payload;
	const char *user = url_user != NULL && *url_user != '\0' ?
	    url_user : g->user;
	char priv[1100], pub[1110];

	(void)url;
	if (++g->calls > MAX_CRED_CALLS)
		return refuse(g, GIT_EAUTH, "authentication failed after %d "
		    "attempts", MAX_CRED_CALLS);
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user);
	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		if (!g->agent_tried && getenv("SSH_AUTH_SOCK") != NULL) {
			g->agent_tried = 1;
			return git_credential_ssh_key_from_agent(out, user);
		}
		if (next_key(g, priv, sizeof(priv))) {
			snprintf(pub, sizeof(pub), "%s.pub", priv);
			return git_credential_ssh_key_new(out, user,
			    access(pub, R_OK) == 0 ? pub : NULL, priv, NULL);
		}
	}
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) &&
	    g->token[0] != '\0' && !g->token_tried) {
		g->token_tried = 1;
		return git_credential_userpass_plaintext_new(out,
		    url_user != NULL && *url_user != '\0' ? url_user :
		    "x-access-token", g->token);
	}
	return refuse(g, GIT_EAUTH, "authentication failed: no %s left to "
	    "try (ssh-agent, SSH_KEY, GIT_TOKEN_FILE)",
	    (allowed & GIT_CREDENTIAL_SSH_KEY) ? "ssh key" : "credential");
}

/*
 * TLS: libgit2 has verified the chain against the system CAs; keep its
 * verdict.  SSH: with SSH_KNOWN_HOSTS, that file alone decides; without
 * it, libgit2 1.5.1 decides from ~/.ssh/known_hosts of the user and
 * refuses an unknown host (never accepts blindly).
 */
static int
cert_cb(git_cert *cert, int valid, const char *host, void *payload)
{
	struct gctx *g = payload;
	const git_cert_hostkey *hk = (const git_cert_hostkey *)cert;

	(void)valid;
	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2 ||
	    g->c->ssh_known_hosts[0] == '\0')
		return GIT_PASSTHROUGH;
	if (!(hk->type & GIT_CERT_SSH_RAW) || hk->hostkey == NULL)
		return refuse(g, GIT_ECERTIFICATE, "host key of '%s' cannot "
		    "be checked", host);
	if (ocf_kh_check(g->c->ssh_known_hosts, host, g->port,
	    (const unsigned char *)hk->hostkey, hk->hostkey_len, g->why,
	    sizeof(g->why)) == -1) {
		git_error_set_str(GIT_ERROR_SSH, g->why);
		return GIT_ECERTIFICATE;
	}
	return 0;
}

static int
push_ref_cb(const char *refname, const char *status, void *payload)
{
	struct gctx *g = payload;

	if (status != NULL && g->rejected[0] == '\0')
		snprintf(g->rejected, sizeof(g->rejected), "%s: %s", refname,
		    status);
	return 0;
}

static void
callbacks(git_remote_callbacks *cb, struct gctx *g)
{
	git_remote_init_callbacks(cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb->credentials = cred_cb;
	cb->certificate_check = cert_cb;
	cb->push_update_reference = push_ref_cb;
	cb->payload = g;
}

/* libgit2's last error, or the reason our callback gave */
static const char *
gerr(const struct gctx *g)
{
	const git_error *e = git_error_last();

	if (g != NULL && g->why[0] != '\0')
		return g->why;
	return e != NULL && e->message != NULL ? e->message : "unknown error";
}

/* ---- the workspace ------------------------------------------------- */

struct ws {
	git_repository *repo;
	git_remote *remote;
	char branch[256];	/* the current branch */
	char rbranch[256];	/* its counterpart on the remote */
	char lref[300];		/* refs/heads/<branch> */
	char tref[600];		/* refs/remotes/<remote>/<rbranch> */
	git_oid head;
	int unborn;
	char why[300];		/* a message of our own */
};

static void
ws_close(struct ws *w)
{
	git_remote_free(w->remote);
	git_repository_free(w->repo);
	memset(w, 0, sizeof(*w));
}

/*
 * A lock file left by a killed git (or by a worker killed from outside:
 * ours are never killed while they write) would block every sync.  One
 * is removed only when it is older than SYNC_TIMEOUT and no process we
 * can see holds it open; a younger or held one is left to fail the sync.
 */
static void
stale_locks(const struct ocf_config *c, struct ws *w,
    struct ocf_sync_result *rep)
{
	const char *gd = git_repository_path(w->repo);
	const char *names[] = { "index.lock", "HEAD.lock", w->lref, w->tref };
	char path[1200];
	struct stat st;
	double age;

	for (size_t i = 0; gd != NULL && i < sizeof(names) / sizeof(names[0]);
	    i++) {
		snprintf(path, sizeof(path), "%s%s%s", gd, names[i],
		    i < 2 ? "" : ".lock");
		if (lstat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		age = difftime(time(NULL), st.st_mtime);
		if (age < c->sync_timeout || ocf_proc_holds(path) != 0)
			continue;
		if (unlink(path) == 0)
			ocf_sync_note(rep, "removed a stale lock '%s' (%.0fs "
			    "old, no process holds it)", path, age);
	}
}

static int
ws_open(const struct ocf_config *c, struct ws *w, struct ocf_sync_result *rep)
{
	git_reference *h = NULL;
	const char *t;
	int e;

	memset(w, 0, sizeof(*w));
	e = git_repository_open_ext(&w->repo, c->workspace,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (e == GIT_ENOTFOUND) {
		ocf_sync_set(rep, OCF_UNKNOWN, "'%s' is not a git repository "
		    "(WORKSPACE)", c->workspace);
		return -1;
	}
	if (e < 0) {
		ocf_sync_set(rep, OCF_UNKNOWN, "unable to open '%s': %s",
		    c->workspace, gerr(NULL));
		return -1;
	}
	if (git_repository_is_bare(w->repo)) {
		ocf_sync_set(rep, OCF_UNKNOWN, "'%s' is a bare repository, "
		    "not a checkout", c->workspace);
		return -1;
	}
	if (git_reference_lookup(&h, w->repo, "HEAD") < 0) {
		ocf_sync_set(rep, OCF_UNKNOWN, "unable to read HEAD of '%s': "
		    "%s", c->workspace, gerr(NULL));
		return -1;
	}
	if (git_reference_type(h) != GIT_REFERENCE_SYMBOLIC ||
	    strncmp(t = git_reference_symbolic_target(h), "refs/heads/",
	    11) != 0) {
		git_reference_free(h);
		ocf_sync_set(rep, OCF_UNKNOWN, "HEAD of '%s' is detached: "
		    "check out a branch", c->workspace);
		return -1;
	}
	snprintf(w->lref, sizeof(w->lref), "%s", t);
	snprintf(w->branch, sizeof(w->branch), "%s", t + 11);
	git_reference_free(h);
	snprintf(w->rbranch, sizeof(w->rbranch), "%s",
	    c->sync_branch[0] != '\0' ? c->sync_branch : w->branch);
	snprintf(w->tref, sizeof(w->tref), "refs/remotes/%s/%s",
	    c->sync_remote, w->rbranch);
	stale_locks(c, w, rep);
	if ((e = git_reference_name_to_id(&w->head, w->repo, w->lref)) ==
	    GIT_ENOTFOUND)
		w->unborn = 1;
	else if (e < 0) {
		ocf_sync_set(rep, OCF_UNKNOWN, "unable to resolve '%s' in "
		    "'%s': %s", w->lref, c->workspace, gerr(NULL));
		return -1;
	}
	return 0;
}

/* url.<base>.insteadOf (or pushInsteadOf): the longest prefix wins */
struct rewrite {
	const char *url, *suffix;
	size_t best;
	char out[1024];
};

static int
rewrite_cb(const git_config_entry *e, void *payload)
{
	struct rewrite *rw = payload;
	size_t nl = strlen(e->name), sl = strlen(rw->suffix), vl;

	if (nl <= 4 + sl || strncmp(e->name, "url.", 4) != 0 ||
	    strcasecmp(e->name + nl - sl, rw->suffix) != 0 || e->value == NULL)
		return 0;
	vl = strlen(e->value);
	if (vl == 0 || vl <= rw->best || strncmp(rw->url, e->value, vl) != 0)
		return 0;
	rw->best = vl;
	snprintf(rw->out, sizeof(rw->out), "%.*s%s", (int)(nl - 4 - sl),
	    e->name + 4, rw->url + vl);
	return 0;
}

/* 1 and out filled when a rule applies to url */
static int
rewrite(git_config *cfg, const char *url, const char *suffix, char *out,
    size_t len)
{
	struct rewrite rw = { .url = url, .suffix = suffix };

	if (git_config_foreach(cfg, rewrite_cb, &rw) < 0 || rw.best == 0)
		return 0;
	snprintf(out, len, "%s", rw.out);
	return 1;
}

/*
 * The remote, as an in-memory remote with its URLs rewritten here:
 * git_remote_lookup() goes through libgit2 1.5.1's regex config iterator,
 * which leaks PCRE2 match data for every config entry that does not match.
 */
static int
ws_remote(const struct ocf_config *c, struct ws *w, struct gctx *g,
    struct ocf_sync_result *rep)
{
	git_remote_create_options o;
	git_config *cfg = NULL;
	git_buf url = { 0 }, pushurl = { 0 };
	char key[300], furl[1024], purl[1024];
	int rc = -1;

	snprintf(key, sizeof(key), "remote.%s.url", c->sync_remote);
	if (git_repository_config_snapshot(&cfg, w->repo) < 0 ||
	    git_config_get_string_buf(&url, cfg, key) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "no remote '%s' in '%s' "
		    "(SYNC_REMOTE)", c->sync_remote, c->workspace);
		goto out;
	}
	snprintf(key, sizeof(key), "remote.%s.pushurl", c->sync_remote);
	if (git_config_get_string_buf(&pushurl, cfg, key) == 0) {
		if (!rewrite(cfg, pushurl.ptr, ".insteadof", purl, sizeof(purl)))
			snprintf(purl, sizeof(purl), "%s", pushurl.ptr);
	} else if (!rewrite(cfg, url.ptr, ".pushinsteadof", purl,
	    sizeof(purl)) && !rewrite(cfg, url.ptr, ".insteadof", purl,
	    sizeof(purl)))
		snprintf(purl, sizeof(purl), "%s", url.ptr);
	if (!rewrite(cfg, url.ptr, ".insteadof", furl, sizeof(furl)))
		snprintf(furl, sizeof(furl), "%s", url.ptr);
	git_remote_create_options_init(&o, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	o.repository = w->repo;
	o.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
	    GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (git_remote_create_with_opts(&w->remote, furl, &o) < 0 ||
	    (strcmp(purl, furl) != 0 &&
	    git_remote_set_instance_pushurl(w->remote, purl) < 0)) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to use remote '%s': "
		    "%s", c->sync_remote, gerr(NULL));
		goto out;
	}
	g->fport = ocf_kh_port(furl);
	g->pport = ocf_kh_port(purl);
	rc = 0;
out:
	git_buf_dispose(&pushurl);
	git_buf_dispose(&url);
	git_config_free(cfg);
	return rc;
}

/* non-ignored entries of git status, untracked files included */
static int
dirty_count(struct ws *w, size_t *n)
{
	git_status_options so;
	git_status_list *l;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
	    GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	if (git_status_list_new(&l, w->repo, &so) < 0)
		return -1;
	*n = git_status_list_entrycount(l);
	git_status_list_free(l);
	return 0;
}

/* libgit2 says "unsupported URL protocol" for a local path that is gone */
static const char *
missing_path(struct ws *w, const struct gctx *g)
{
	const char *url = git_remote_url(w->remote);

	if (url == NULL || g->why[0] != '\0')
		return gerr(g);
	if (strncmp(url, "file://", 7) == 0)
		url += 7;
	if (*url == '/' && access(url, F_OK) == -1) {
		snprintf(w->why, sizeof(w->why), "'%s': %s", url,
		    strerror(errno));
		return w->why;
	}
	/* what libgit2 1.5.1 says when the local remote is someone else's */
	if (*url == '/' && strstr(gerr(g), "safe.directory") != NULL) {
		snprintf(w->why, sizeof(w->why), "'%s' is owned by another "
		    "user (safe.directory)", url);
		return w->why;
	}
	return gerr(g);
}

/*
 * Fetch the remote branch into its remote-tracking ref.  The download is
 * the network phase; updating the refs is local, so a watchdog kill never
 * leaves a ref lock behind.  tip gets the remote branch's commit.
 */
static int
fetch(const struct ocf_config *c, struct ws *w, struct gctx *g,
    git_oid *tip, struct ocf_sync_result *rep)
{
	char spec[1024], *specp = spec, want[300];
	git_strarray specs = { &specp, 1 };
	const git_remote_head **heads;
	git_fetch_options fo;
	size_t nheads;
	int e, found = 0;

	snprintf(spec, sizeof(spec), "+refs/heads/%s:%s", w->rbranch,
	    w->tref);
	snprintf(want, sizeof(want), "refs/heads/%s", w->rbranch);
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	callbacks(&fo.callbacks, g);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.prune = GIT_FETCH_NO_PRUNE;
	ctx_reset(g);
	g->port = g->fport;
	ocf_worker_phase(0);
	e = git_remote_download(w->remote, &specs, &fo);
	if (e == 0 && (e = git_remote_ls(&heads, &nheads, w->remote)) == 0)
		for (size_t i = 0; i < nheads && !found; i++)
			if (strcmp(heads[i]->name, want) == 0) {
				git_oid_cpy(tip, &heads[i]->oid);
				found = 1;
			}
	git_remote_disconnect(w->remote);
	if (e == 0) {
		ocf_worker_phase(1);
		e = git_remote_update_tips(w->remote, &fo.callbacks, 1,
		    GIT_REMOTE_DOWNLOAD_TAGS_NONE, "ocf-sync: fetch");
	}
	if (e < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to fetch '%s': %s",
		    c->sync_remote, missing_path(w, g));
		return -1;
	}
	if (!found) {
		ocf_sync_set(rep, OCF_CRITICAL, "remote '%s' has no branch "
		    "'%s'", c->sync_remote, w->rbranch);
		return -1;
	}
	return 0;
}

static const char *
plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* checkout SAFE, then move the branch: the tree is known to be clean */
/* ---- committing and merging ---------------------------------------- */

/* the node's name reduced to what a ref and an e-mail take */
static void
node_ref_name(const struct ocf_config *c, char *buf, size_t len)
{
	char raw[256];
	size_t o = 0;

	for (const char *p = ocf_node_name(c, raw, sizeof(raw)); *p != '\0' &&
	    o + 1 < len; p++) {
		char ch = *p;

		if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !(ch >= '0' && ch <= '9') && ch != '-' && ch != '_' &&
		    !(ch == '.' && o > 0 && buf[o - 1] != '.'))
			ch = '-';
		buf[o++] = ch;
	}
	while (o > 0 && (buf[o - 1] == '.' || buf[o - 1] == '-'))
		o--;
	buf[o] = '\0';
	if (o == 0 || buf[0] == '-')
		snprintf(buf, len, "node");
}

/* now in UTC: ISO 8601, or compact for a branch name */
static void
utc_stamp(char *buf, size_t len, int compact)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	if (compact)
		strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "ocf on NODE <ocf@NODE>", now */
static int
signature(git_signature **sig, const char *node)
{
	char name[300], email[300];

	snprintf(name, sizeof(name), "ocf on %s", node);
	snprintf(email, sizeof(email), "ocf@%s", node);
	return git_signature_now(sig, name, email);
}

struct staging {
	struct ocf_sync_result *rep;
};

/*
 * git add -A stages a repository nested in the workspace as a gitlink,
 * with a warning; libgit2 refuses the whole add instead.  We skip it,
 * with a warning too: a gitlink would name commits that the remote does
 * not have, and the other node would get an empty directory.
 */
static int
stage_cb(const char *path, const char *spec, void *payload)
{
	struct staging *st = payload;
	size_t n = strlen(path);

	(void)spec;
	if (n == 0 || path[n - 1] != '/')
		return 0;	/* a file: add it */
	ocf_sync_note(st->rep, "skipped '%s': a git repository of its own "
	    "is not synced", path);
	return 1;
}

/* git add -A (ignored files stay out) and commit; *files: what changed */
static int
commit_all(const struct ocf_config *c, struct ws *w, const char *node,
    size_t *files, struct ocf_sync_result *rep)
{
	struct staging st = { rep };
	git_index *idx = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	git_diff *diff = NULL;
	git_oid tree_id, id;
	char msg[400], when[32];
	int rc = -1;

	ocf_worker_phase(1);
	*files = 0;
	if (git_repository_index(&idx, w->repo) < 0 ||
	    git_index_add_all(idx, NULL, GIT_INDEX_ADD_DEFAULT, stage_cb,
	    &st) < 0 ||
	    git_index_update_all(idx, NULL, NULL, NULL) < 0 ||
	    git_index_write(idx) < 0 ||
	    git_index_write_tree(&tree_id, idx) < 0 ||
	    git_tree_lookup(&tree, w->repo, &tree_id) < 0 ||
	    (!w->unborn && (git_commit_lookup(&parent, w->repo,
	    &w->head) < 0 || git_commit_tree(&ptree, parent) < 0)) ||
	    git_diff_tree_to_tree(&diff, w->repo, ptree, tree, NULL) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to stage the changes "
		    "of '%s': %s", c->workspace, gerr(NULL));
		goto out;
	}
	if ((*files = git_diff_num_deltas(diff)) == 0) {
		rc = 0;		/* only stat noise: nothing to commit */
		goto out;
	}
	utc_stamp(when, sizeof(when), 0);
	snprintf(msg, sizeof(msg), "ocf: workspace of %s at %s\n", node, when);
	if (signature(&sig, node) < 0 ||
	    git_commit_create(&id, w->repo, "HEAD", sig, sig, NULL, msg, tree,
	    parent != NULL ? 1 : 0,
	    (const git_commit **)(parent != NULL ? &parent : NULL)) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to commit in '%s': "
		    "%s", c->workspace, gerr(NULL));
		goto out;
	}
	git_oid_cpy(&w->head, &id);
	w->unborn = 0;
	rc = 0;
out:
	git_diff_free(diff);
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_index_free(idx);
	return rc;
}

/* the conflicting paths, "a, b (+N more)", to fit in len */
static void
conflict_names(git_index *idx, char *buf, size_t len)
{
	git_index_conflict_iterator *it;
	const git_index_entry *anc, *ours, *theirs;
	size_t o = 0, more = 0;

	buf[0] = '\0';
	if (git_index_conflict_iterator_new(&it, idx) < 0)
		return;
	while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
		const char *p = ours != NULL ? ours->path : theirs != NULL ?
		    theirs->path : anc->path;
		size_t n = strlen(p) + (o > 0 ? 2 : 0);

		if (more == 0 && o + n + 16 < len) {
			snprintf(buf + o, len - o, "%s%s", o > 0 ? ", " : "",
			    p);
			o += n;
		} else
			more++;
	}
	git_index_conflict_iterator_free(it);
	if (more > 0)
		snprintf(buf + o, len - o, " (+%zu more)", more);
}

/* the paths of base that diff deletes and the old paths it renames */
static int
gone_and_moved(git_repository *repo, git_tree *base, git_tree *side,
    git_diff **out)
{
	git_diff_find_options fo;

	if (git_diff_tree_to_tree(out, repo, base, side, NULL) < 0)
		return -1;
	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	fo.flags = GIT_DIFF_FIND_RENAMES;	/* 50%, as git merge */
	return git_diff_find_similar(*out, &fo);
}

/* 1 when a path a renames is one that b deletes; its name in buf */
static int
renamed_deleted(git_diff *a, git_diff *b, char *buf, size_t len)
{
	size_t na = git_diff_num_deltas(a), nb = git_diff_num_deltas(b);

	for (size_t i = 0; i < na; i++) {
		const git_diff_delta *r = git_diff_get_delta(a, i);

		if (r->status != GIT_DELTA_RENAMED)
			continue;
		for (size_t j = 0; j < nb; j++) {
			const git_diff_delta *d = git_diff_get_delta(b, j);

			if (d->status == GIT_DELTA_DELETED &&
			    strcmp(d->old_file.path, r->old_file.path) == 0) {
				snprintf(buf, len, "%s", r->new_file.path);
				return 1;
			}
		}
	}
	return 0;
}

/*
 * libgit2 1.5 resolves a file renamed on one side and deleted on the
 * other by keeping the renamed file; git calls it a conflict
 * (rename/delete), and so do we: one side's deletion would be undone
 * without anyone deciding it.  1 and the path when there is one, 0 when
 * not, -1 on error.
 */
static int
rename_delete(git_repository *repo, git_commit *ours, git_commit *theirs,
    char *buf, size_t len)
{
	git_oid bid;
	git_commit *bc = NULL;
	git_tree *bt = NULL, *ot = NULL, *tt = NULL;
	git_diff *od = NULL, *td = NULL;
	int rc = -1;

	if (git_merge_base(&bid, repo, git_commit_id(ours),
	    git_commit_id(theirs)) < 0 ||
	    git_commit_lookup(&bc, repo, &bid) < 0 ||
	    git_commit_tree(&bt, bc) < 0 || git_commit_tree(&ot, ours) < 0 ||
	    git_commit_tree(&tt, theirs) < 0 ||
	    gone_and_moved(repo, bt, ot, &od) < 0 ||
	    gone_and_moved(repo, bt, tt, &td) < 0)
		goto out;
	rc = renamed_deleted(od, td, buf, len) ||
	    renamed_deleted(td, od, buf, len);
out:
	git_diff_free(td);
	git_diff_free(od);
	git_tree_free(tt);
	git_tree_free(ot);
	git_tree_free(bt);
	git_commit_free(bc);
	return rc;
}

/*
 * A three-way merge of tip into the branch, made in memory first, so
 * that a merge with conflicts touches nothing.  A clean one becomes a
 * commit with both parents, checked out (SAFE: the tree was committed
 * just before, and libgit2 checks every file before it writes one) and
 * only then made the branch's tip.  0 merged, 1 conflicts (*names says
 * where), -1 error (rep says).
 */
static int
merge(const struct ocf_config *c, struct ws *w, const git_oid *tip,
    const char *node, char *names, size_t len, struct ocf_sync_result *rep)
{
	git_commit *ours = NULL, *theirs = NULL;
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_reference *ref = NULL, *moved = NULL;
	git_merge_options mo;
	git_checkout_options co;
	git_oid tree_id, id;
	char msg[1200], when[32];
	int e, rc = -1;

	ocf_worker_phase(1);
	git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
	if (git_commit_lookup(&ours, w->repo, &w->head) < 0 ||
	    git_commit_lookup(&theirs, w->repo, tip) < 0 ||
	    git_merge_commits(&idx, w->repo, ours, theirs, &mo) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to merge %s/%s: %s",
		    c->sync_remote, w->rbranch, gerr(NULL));
		goto out;
	}
	if (git_index_has_conflicts(idx)) {
		conflict_names(idx, names, len);
		rc = 1;
		goto out;
	}
	if ((e = rename_delete(w->repo, ours, theirs, names, len)) != 0) {
		if (e == -1)
			ocf_sync_set(rep, OCF_CRITICAL, "unable to merge "
			    "%s/%s: %s", c->sync_remote, w->rbranch,
			    gerr(NULL));
		rc = e;
		goto out;
	}
	utc_stamp(when, sizeof(when), 0);
	snprintf(msg, sizeof(msg), "ocf: merge %s/%s into %s on %s at %s\n",
	    c->sync_remote, w->rbranch, w->branch, node, when);
	if (git_index_write_tree_to(&tree_id, idx, w->repo) < 0 ||
	    git_tree_lookup(&tree, w->repo, &tree_id) < 0 ||
	    signature(&sig, node) < 0 ||
	    git_commit_create_v(&id, w->repo, NULL, sig, sig, NULL, msg, tree,
	    2, ours, theirs) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to commit the merge "
		    "of %s/%s: %s", c->sync_remote, w->rbranch, gerr(NULL));
		goto out;
	}
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (git_checkout_tree(w->repo, (git_object *)tree, &co) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to check out the "
		    "merge of %s/%s: %s", c->sync_remote, w->rbranch,
		    gerr(NULL));
		goto out;
	}
	if (git_reference_lookup(&ref, w->repo, w->lref) < 0 ||
	    git_reference_set_target(&moved, ref, &id, msg) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to update '%s': %s",
		    w->lref, gerr(NULL));
		goto out;
	}
	git_oid_cpy(&w->head, &id);
	rc = 0;
out:
	git_reference_free(moved);
	git_reference_free(ref);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
	git_commit_free(theirs);
	git_commit_free(ours);
	return rc;
}

/* ---- pull ---------------------------------------------------------- */

static void
fast_forward(const struct ocf_config *c, struct ws *w, const git_oid *to,
    size_t n, struct ocf_sync_result *rep)
{
	git_object *target = NULL;
	git_reference *ref = NULL, *moved = NULL;
	git_checkout_options co;
	char msg[700];
	int e;

	ocf_worker_phase(1);
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	snprintf(msg, sizeof(msg), "ocf-sync pull: fast-forward to %s/%s",
	    c->sync_remote, w->rbranch);
	if (git_object_lookup(&target, w->repo, to, GIT_OBJECT_COMMIT) < 0 ||
	    git_checkout_tree(w->repo, target, &co) < 0) {
		ocf_sync_set(rep, OCF_WARNING, "kept local changes: unable "
		    "to fast-forward: %s", gerr(NULL));
		goto out;
	}
	if (w->unborn)
		e = git_reference_create(&moved, w->repo, w->lref, to, 0, msg);
	else if ((e = git_reference_lookup(&ref, w->repo, w->lref)) == 0)
		e = git_reference_set_target(&moved, ref, to, msg);
	if (e < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to update '%s': %s",
		    w->lref, gerr(NULL));
		goto out;
	}
	rep->ahead = rep->behind = 0;
	if (w->unborn)
		ocf_sync_set(rep, OCF_OK, "checked out %s/%s", c->sync_remote,
		    w->rbranch);
	else
		ocf_sync_set(rep, OCF_OK, "fast-forwarded %zu commit%s", n,
		    plural(n));
out:
	git_reference_free(moved);
	git_reference_free(ref);
	git_object_free(target);
}


/*
 * Bring the remote's work into the checkout: fast-forward when only the
 * remote moved on; when both did, commit what the workspace holds and
 * merge.  A pull never writes to the remote: a merge goes out with the
 * next push.
 */
static void
pull_decide(const struct ocf_config *c, struct ws *w, const git_oid *tip,
    struct ocf_sync_result *rep)
{
	char node[128], names[160], done[64] = "";
	size_t ahead = 0, behind = 0, dirty, files = 0;
	int r;

	if (!w->unborn && git_oid_equal(&w->head, tip)) {
		rep->ahead = rep->behind = 0;
		ocf_sync_set(rep, OCF_OK, "up to date");
		return;
	}
	if (!w->unborn && git_graph_ahead_behind(&ahead, &behind, w->repo,
	    &w->head, tip) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to compare with "
		    "%s/%s: %s", c->sync_remote, w->rbranch, gerr(NULL));
		return;
	}
	rep->ahead = (int)ahead;
	rep->behind = (int)behind;
	if (!w->unborn && behind == 0) {
		ocf_sync_set(rep, OCF_OK, "nothing to pull: ahead %zu (not "
		    "pushed yet)", ahead);
		return;
	}
	if (git_repository_state(w->repo) != GIT_REPOSITORY_STATE_NONE) {
		ocf_sync_set(rep, OCF_WARNING, "'%s' is in the middle of a "
		    "merge or rebase: not pulled", c->workspace);
		return;
	}
	if (dirty_count(w, &dirty) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to read the status "
		    "of '%s': %s", c->workspace, gerr(NULL));
		return;
	}
	if (w->unborn && dirty > 0) {
		ocf_sync_set(rep, OCF_WARNING, "kept local changes: %zu "
		    "file%s dirty and no commit yet", dirty, plural(dirty));
		return;
	}
	node_ref_name(c, node, sizeof(node));
	if (dirty > 0 && commit_all(c, w, node, &files, rep) == -1)
		return;
	if (files > 0) {
		snprintf(done, sizeof(done), "committed %zu file%s; ", files,
		    plural(files));
		ahead++;
	}
	if (ahead == 0) {
		fast_forward(c, w, tip, behind, rep);
		return;
	}
	if ((r = merge(c, w, tip, node, names, sizeof(names), rep)) == -1)
		return;
	rep->ahead = (int)ahead;
	if (r == 1) {
		rep->conflict = 1;
		ocf_sync_set(rep, OCF_WARNING, "%sconflict in %s: kept the "
		    "checkout as it was (ahead %zu, behind %zu)", done, names,
		    ahead, behind);
		return;
	}
	rep->ahead = (int)ahead + 1;
	rep->behind = 0;
	ocf_sync_set(rep, OCF_OK, "%smerged %zu commit%s of %s/%s", done,
	    behind, plural(behind), c->sync_remote, w->rbranch);
}

static void
do_pull(void *arg, struct ocf_sync_result *rep)
{
	struct gctx *g = arg;
	const struct ocf_config *c = g->c;
	struct ws w;
	git_oid tip;

	git_libgit2_init();
	if (ws_open(c, &w, rep) == 0 && ws_remote(c, &w, g, rep) == 0 &&
	    fetch(c, &w, g, &tip, rep) == 0)
		pull_decide(c, &w, &tip, rep);
	ws_close(&w);
	explicit_bzero(g->token, sizeof(g->token));
	git_libgit2_shutdown();
}

/* ---- push ---------------------------------------------------------- */

/* push the branch to dst, never forced: 0 done, 1 refused, -1 error */
static int
push_one(struct ws *w, struct gctx *g, const char *dst)
{
	char spec[700], *specp = spec;
	git_strarray specs = { &specp, 1 };
	git_push_options po;
	int e;

	snprintf(spec, sizeof(spec), "%s:%s", w->lref, dst);	/* no '+' */
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	callbacks(&po.callbacks, g);
	ctx_reset(g);
	g->port = g->pport;
	ocf_worker_phase(0);
	e = git_remote_upload(w->remote, &specs, &po);
	git_remote_disconnect(w->remote);
	if (e == GIT_ENONFASTFORWARD)
		return 1;
	if (e < 0)
		return -1;
	return g->rejected[0] != '\0' ? 1 : 0;
}

/* our remote is in-memory: move the tracking ref ourselves; if that
 * fails it is only stale, and the next push says so */
static void
pushed(struct ws *w, struct ocf_sync_result *rep)
{
	git_reference *ref = NULL;

	ocf_worker_phase(1);
	(void)git_reference_create(&ref, w->repo, w->tref, &w->head, 1,
	    "ocf-sync: push");
	git_reference_free(ref);
	rep->ahead = rep->behind = 0;
}

/* our commits go to ocf/NODE, never over the remote's branch; conflict
 * names the files when a merge is why, why the remote's own refusal */
static void
push_aside(const struct ocf_config *c, struct ws *w, struct gctx *g,
    const char *node, const git_oid *tip, const char *conflict,
    const char *why, struct ocf_sync_result *rep)
{
	char dst[600], stamp[32];
	size_t ahead, behind;
	int r;

	snprintf(dst, sizeof(dst), "refs/heads/ocf/%s", node);
	if ((r = push_one(w, g, dst)) == 1) {
		utc_stamp(stamp, sizeof(stamp), 1);
		snprintf(dst, sizeof(dst), "refs/heads/ocf/%s-%s", node, stamp);
		r = push_one(w, g, dst);
	}
	if (git_graph_ahead_behind(&ahead, &behind, w->repo, &w->head,
	    tip) == 0) {
		rep->ahead = (int)ahead;
		rep->behind = (int)behind;
	}
	if (conflict != NULL)
		rep->conflict = 1;
	if (r != 0)
		ocf_sync_set(rep, OCF_CRITICAL, "%s%s and unable to push to "
		    "'%s': %s; the commits stay in '%s'", conflict != NULL ?
		    "conflict in " : "remote moved on", conflict != NULL ?
		    conflict : "", dst + 11, r == 1 ? g->rejected : gerr(g),
		    c->workspace);
	else if (conflict != NULL)
		ocf_sync_set(rep, OCF_WARNING, "conflict in %s: kept the "
		    "checkout as it was; pushed to %s for merging", conflict,
		    dst + 11);
	else if (why[0] != '\0')
		ocf_sync_set(rep, OCF_WARNING, "%s/%s refused the push (%s); "
		    "pushed to %s for merging", c->sync_remote, w->rbranch, why,
		    dst + 11);
	else
		ocf_sync_set(rep, OCF_WARNING, "remote moved on; pushed to "
		    "%s for merging", dst + 11);
}

/*
 * The remote refused our push: fetch, and when both sides moved on,
 * merge and push again, a bounded number of times (the remote may keep
 * moving).  Conflicts, or a refusal that no merge cures, send our branch
 * to ocf/NODE instead.
 */
static void
push_merging(const struct ocf_config *c, struct ws *w, struct gctx *g,
    const char *node, const char *done, struct ocf_sync_result *rep)
{
	char why[256], names[120], dst[300];
	git_oid tip;
	size_t ahead, behind, merged = 0;
	int r;

	snprintf(why, sizeof(why), "%s", g->rejected);
	snprintf(dst, sizeof(dst), "refs/heads/%s", w->rbranch);
	for (int tries = 0; tries < MAX_MERGES; tries++) {
		if (fetch(c, w, g, &tip, rep) == -1)
			return;
		if (git_oid_equal(&tip, &w->head) ||
		    git_graph_descendant_of(w->repo, &tip, &w->head) == 1) {
			rep->ahead = 0;
			ocf_sync_set(rep, OCF_OK, "%s%s/%s already has our "
			    "commits", done, c->sync_remote, w->rbranch);
			return;
		}
		/* already merged, still refused: not for being behind */
		if (git_graph_descendant_of(w->repo, &w->head, &tip) == 1)
			break;
		if (git_graph_ahead_behind(&ahead, &behind, w->repo, &w->head,
		    &tip) < 0)
			behind = 0;
		if ((r = merge(c, w, &tip, node, names, sizeof(names),
		    rep)) == -1)
			return;
		if (r == 1) {
			push_aside(c, w, g, node, &tip, names, why, rep);
			return;
		}
		merged += behind;
		if ((r = push_one(w, g, dst)) == 0) {
			pushed(w, rep);
			ocf_sync_set(rep, OCF_OK, "%smerged %zu commit%s of "
			    "%s/%s; pushed", done, merged, plural(merged),
			    c->sync_remote, w->rbranch);
			return;
		}
		if (r == -1) {
			ocf_sync_set(rep, OCF_CRITICAL, "%smerged %s/%s but "
			    "unable to push: %s; the merge stays in '%s'", done,
			    c->sync_remote, w->rbranch, gerr(g), c->workspace);
			return;
		}
		snprintf(why, sizeof(why), "%s", g->rejected);
	}
	push_aside(c, w, g, node, &tip, NULL, why, rep);
}

static void
push_decide(const struct ocf_config *c, struct ws *w, struct gctx *g,
    struct ocf_sync_result *rep)
{
	char node[128], dst[300], done[64] = "";
	size_t files;
	git_oid track;
	int r, tracked;

	if (git_repository_state(w->repo) != GIT_REPOSITORY_STATE_NONE) {
		ocf_sync_set(rep, OCF_WARNING, "'%s' is in the middle of a "
		    "merge or rebase: nothing committed", c->workspace);
		return;
	}
	if (dirty_count(w, &files) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to read the status "
		    "of '%s': %s", c->workspace, gerr(NULL));
		return;
	}
	node_ref_name(c, node, sizeof(node));
	if (files > 0 && commit_all(c, w, node, &files, rep) == -1)
		return;
	if (files > 0)
		snprintf(done, sizeof(done), "committed %zu file%s; ", files,
		    plural(files));
	if (w->unborn) {
		ocf_sync_set(rep, OCF_OK, "nothing to push");
		return;
	}
	tracked = git_reference_name_to_id(&track, w->repo, w->tref) == 0;
	if (files == 0 && tracked && (git_oid_equal(&track, &w->head) ||
	    git_graph_descendant_of(w->repo, &track, &w->head) == 1)) {
		ocf_sync_set(rep, OCF_OK, "nothing to push");
		return;
	}
	snprintf(dst, sizeof(dst), "refs/heads/%s", w->rbranch);
	if ((r = push_one(w, g, dst)) == 0) {
		pushed(w, rep);
		ocf_sync_set(rep, OCF_OK, "%spushed to %s/%s", done,
		    c->sync_remote, w->rbranch);
	} else if (r == -1)
		ocf_sync_set(rep, OCF_CRITICAL, "%sunable to push to '%s': "
		    "%s", done, c->sync_remote, gerr(g));
	else
		push_merging(c, w, g, node, done, rep);
}

static void
do_push(void *arg, struct ocf_sync_result *rep)
{
	struct gctx *g = arg;
	const struct ocf_config *c = g->c;
	struct ws w;

	git_libgit2_init();
	if (ws_open(c, &w, rep) == 0 && ws_remote(c, &w, g, rep) == 0)
		push_decide(c, &w, g, rep);
	ws_close(&w);
	explicit_bzero(g->token, sizeof(g->token));
	git_libgit2_shutdown();
}

/* ---- status -------------------------------------------------------- */

static void
do_status(void *arg, struct ocf_sync_result *rep)
{
	const struct gctx *g = arg;
	const struct ocf_config *c = g->c;
	struct ws w;
	git_oid track;
	size_t ahead = 0, behind = 0, dirty = 0;
	char extra[64] = "";

	git_libgit2_init();
	if (ws_open(c, &w, rep) == -1)
		goto out;
	if (dirty_count(&w, &dirty) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to read the status "
		    "of '%s': %s", c->workspace, gerr(NULL));
		goto out;
	}
	if (dirty > 0)
		snprintf(extra, sizeof(extra), "; %zu file%s dirty", dirty,
		    plural(dirty));
	if (git_reference_name_to_id(&track, w.repo, w.tref) < 0) {
		ocf_sync_set(rep, OCF_WARNING, "no %s/%s yet (never "
		    "fetched)%s", c->sync_remote, w.rbranch, extra);
		goto out;
	}
	if (!w.unborn && git_graph_ahead_behind(&ahead, &behind, w.repo,
	    &w.head, &track) < 0) {
		ocf_sync_set(rep, OCF_CRITICAL, "unable to compare with "
		    "%s/%s: %s", c->sync_remote, w.rbranch, gerr(NULL));
		goto out;
	}
	if (w.unborn)
		ocf_sync_set(rep, OCF_WARNING, "no commit yet%s", extra);
	else if (ahead == 0 && behind == 0 && dirty == 0)
		ocf_sync_set(rep, OCF_OK, "up to date with %s/%s",
		    c->sync_remote, w.rbranch);
	else
		ocf_sync_set(rep, OCF_WARNING, "ahead %zu, behind %zu%s",
		    ahead, behind, extra);
	if (!w.unborn) {
		rep->ahead = (int)ahead;
		rep->behind = (int)behind;
	}
out:
	ws_close(&w);
	git_libgit2_shutdown();
}

/* ---- the API ------------------------------------------------------- */

static int
run_git(const struct ocf_config *c, ocf_worker_fn fn, int token,
    const char *kept, struct ocf_sync_result *r, int *ahead, int *behind)
{
	struct gctx *g;
	struct passwd *pw;

	memset(r, 0, sizeof(*r));
	r->ahead = r->behind = -1;
	/* read here, as root when we are, and handed to the worker in
	 * memory: the file may stay readable by root only */
	if ((g = calloc(1, sizeof(*g))) == NULL)
		ocf_sync_set(r, OCF_CRITICAL, "out of memory");
	else if (token && c->git_token_file[0] != '\0' &&
	    ocf_read_token(c->git_token_file, g->token, sizeof(g->token),
	    r->detail, sizeof(r->detail)) == -1)
		r->status = OCF_UNKNOWN;
	else {
		g->c = c;
		/* the user name ssh offers when the URL has none, as ssh(1)
		 * would */
		if (geteuid() == 0 && c->openclaw_user[0] != '\0')
			snprintf(g->user, sizeof(g->user), "%s",
			    c->openclaw_user);
		else if ((pw = getpwuid(geteuid())) != NULL)
			snprintf(g->user, sizeof(g->user), "%s", pw->pw_name);
		if (ocf_worker_run(c->openclaw_user, fn, g, c->sync_timeout,
		    r) == OCF_CRITICAL &&
		    strncmp(r->detail, "timed out", 9) == 0)
			ocf_sync_set(r, OCF_CRITICAL, "timed out after %gs "
			    "(SYNC_TIMEOUT) talking to '%.100s'; %s",
			    c->sync_timeout, c->sync_remote, kept);
		ocf_redact(r->detail, sizeof(r->detail), g->token);
		ocf_redact(r->note, sizeof(r->note), g->token);
		explicit_bzero(g->token, sizeof(g->token));
	}
	free(g);
	if (ahead != NULL)
		*ahead = r->ahead;
	if (behind != NULL)
		*behind = r->behind;
	return r->status;
}

int
ocf_sync_pull(const struct ocf_config *c, struct ocf_sync_result *r)
{
	return run_git(c, do_pull, 1, "the checkout is used as is", r, NULL,
	    NULL);
}

int
ocf_sync_push(const struct ocf_config *c, struct ocf_sync_result *r)
{
	return run_git(c, do_push, 1, "the commits stay in the workspace", r,
	    NULL, NULL);
}

int
ocf_sync_status(const struct ocf_config *c, struct ocf_sync_result *r,
    int *ahead, int *behind)
{
	return run_git(c, do_status, 0, "nothing changed", r, ahead, behind);
}

void
ocf_sync_announce(const struct ocf_config *c, const struct ocf_sync_result *r)
{
	struct ocf_state s;
	char err[OCF_STATE_ERRLEN];

	if (!r->conflict)
		return;
	if (ocf_state_load(c->state_dir, &s, err, sizeof(err)) == -1)
		ocf_state_init(&s);	/* the event matters more than the role */
	ocf_announce(c, "sync-conflict", ocf_role_name(s.role),
	    ocf_role_name(s.role), s.transitions, r->detail, r->status);
}
