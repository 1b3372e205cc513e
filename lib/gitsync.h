/*
 * Workspace sync through git (libgit2); secrets are in secrets.h.
 *
 * Nothing is ever lost, nothing is rewritten: when the workspace and the
 * remote both moved on, the workspace's changes are committed and the
 * remote's branch merged in (three-way, libgit2).  A clean merge becomes
 * a merge commit; a merge with conflicts leaves the checkout exactly as
 * it was, and a push then sends the node's commits to a branch of their
 * own, ocf/NODE.  A push never forces.  Each operation runs in the sync worker
 * (worker.h), which drops to OPENCLAW_USER when we are root and is
 * SIGKILLed after SYNC_TIMEOUT, so files keep their owner and a hanging
 * remote cannot hold up a promotion.
 *
 * Every function returns r->status (OCF_OK, OCF_WARNING, OCF_CRITICAL or
 * OCF_UNKNOWN) and fills r->detail with one line that never holds a
 * credential.  None of them logs; the caller does.
 */
#ifndef OCF_GITSYNC_H
#define OCF_GITSYNC_H

#include "worker.h"	/* struct ocf_sync_result */

struct ocf_config;

/* fetch SYNC_REMOTE's branch; fast-forward, or commit and merge; never
 * writes to the remote */
int ocf_sync_pull(const struct ocf_config *c, struct ocf_sync_result *r);

/* commit the workspace's changes, merge the remote's, push; never force */
int ocf_sync_push(const struct ocf_config *c, struct ocf_sync_result *r);

/* after a pull or push whose merge had conflicts (r->conflict): the
 * sync-conflict event to the hooks and the webhook.  The caller holds no
 * lock (a hook may run ocf tools) */
void ocf_sync_announce(const struct ocf_config *c,
    const struct ocf_sync_result *r);

/* ahead/behind the remote-tracking branch, without fetching (-1 when
 * unknown); OK when level with it and clean, WARNING otherwise */
int ocf_sync_status(const struct ocf_config *c, struct ocf_sync_result *r,
    int *ahead, int *behind);

#endif
