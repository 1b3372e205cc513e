/*
 * Workspace sync through git (libgit2); secrets are in secrets.h.
 *
 * Nothing is ever lost: a pull only fast-forwards a clean checkout, and a
 * push never forces (when the remote moved on, the node's commits go to a
 * branch of their own, ocf/NODE).  Each operation runs in the sync worker
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

/* fetch SYNC_REMOTE's branch and fast-forward the current branch only */
int ocf_sync_pull(const struct ocf_config *c, struct ocf_sync_result *r);

/* commit the workspace's changes and push; never force */
int ocf_sync_push(const struct ocf_config *c, struct ocf_sync_result *r);

/* ahead/behind the remote-tracking branch, without fetching (-1 when
 * unknown); OK when level with it and clean, WARNING otherwise */
int ocf_sync_status(const struct ocf_config *c, struct ocf_sync_result *r,
    int *ahead, int *behind);

#endif
