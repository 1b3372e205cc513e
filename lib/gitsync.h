/*
 * Workspace sync through git (libgit2) and secrets through rsync.
 *
 * Nothing is ever lost: a pull only fast-forwards a clean checkout, a push
 * never forces (when the remote moved on, the node's commits go to a
 * branch of their own, ocf/NODE), and a failed secrets sync keeps the
 * cached copy.  Each operation runs in a forked worker that drops to
 * OPENCLAW_USER when we are root and is SIGKILLed after SYNC_TIMEOUT, so
 * files keep their owner and a hanging remote cannot hold up a promotion.
 *
 * Every function returns r->status (OCF_OK, OCF_WARNING, OCF_CRITICAL or
 * OCF_UNKNOWN) and fills r->detail with one line that never holds a
 * credential.  None of them logs; the caller does.
 */
#ifndef OCF_GITSYNC_H
#define OCF_GITSYNC_H

#include <stddef.h>

struct ocf_config;
struct ocf_state;

struct ocf_sync_result {
	int status;		/* OCF_OK/WARNING/CRITICAL/UNKNOWN */
	char detail[256];	/* one line, no secrets */
};

/* fetch SYNC_REMOTE's branch and fast-forward the current branch only */
int ocf_sync_pull(const struct ocf_config *c, struct ocf_sync_result *r);

/* commit the workspace's changes and push; never force */
int ocf_sync_push(const struct ocf_config *c, struct ocf_sync_result *r);

/* ahead/behind the remote-tracking branch, without fetching (-1 when
 * unknown); OK when level with it and clean, WARNING otherwise */
int ocf_sync_status(const struct ocf_config *c, struct ocf_sync_result *r,
    int *ahead, int *behind);

/* rsync SECRETS_HOST:SECRETS_SRC into SECRETS_DIR (secrets.c) */
int ocf_sync_secrets(const struct ocf_config *c, struct ocf_sync_result *r);

/* record a result in the state: what = "pull" | "push" | "secrets";
 * sets the field, its _AT time and SYNC_DETAIL */
void ocf_sync_record(struct ocf_state *s, const char *what,
    const struct ocf_sync_result *r);

/* the same into the state file, under the lock (waited for a while):
 * for a sync run on its own, outside a transition.  0 or -1 with err */
int ocf_sync_save(const struct ocf_config *c, const char *what,
    const struct ocf_sync_result *r, char *err, size_t errlen);

/*
 * The worker, shared by gitsync.c and secrets.c.  fn runs in a forked
 * child, as OPENCLAW_USER when we are root, and fills rep, which comes
 * back through a pipe.  The child is SIGKILLed once timeout seconds have
 * passed, unless it is in a local phase (see ocf_sync_phase): those are
 * given up to another timeout, because killing a worker that is writing
 * the checkout would leave it half updated.
 */
struct ocf_sync_reply {
	int status;
	int ahead, behind;
	char detail[256];
};

typedef void (*ocf_sync_fn)(const struct ocf_config *c, void *arg,
    struct ocf_sync_reply *rep);

int ocf_sync_worker(const struct ocf_config *c, ocf_sync_fn fn, void *arg,
    double timeout, struct ocf_sync_reply *rep);

/* in the worker: 1 before writing local files, 0 before network again */
void ocf_sync_phase(int local);

#endif
