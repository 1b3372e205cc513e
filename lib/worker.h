/*
 * The sync worker, for gitsync.c and secrets.c: fn runs in a forked
 * child, as OPENCLAW_USER when we are root, and fills a result that comes
 * back through a pipe.  The child is SIGKILLed once timeout seconds have
 * passed, unless it is in a local phase (see ocf_worker_phase): those are
 * given up to another timeout, because killing a worker that is writing
 * the checkout would leave it half updated.
 */
#ifndef OCF_WORKER_H
#define OCF_WORKER_H

/* what a sync did: the worker's reply, and what the sync API returns */
struct ocf_sync_result {
	int status;		/* OCF_OK/WARNING/CRITICAL/UNKNOWN */
	int ahead, behind;	/* against the remote branch; -1: unknown */
	int conflict;		/* a merge had conflicts: detail names them */
	char detail[256];	/* one line */
	char note[256];		/* a warning beside the result, or "" */
};

typedef void (*ocf_worker_fn)(void *arg, struct ocf_sync_result *r);

/* run fn(arg) in the worker as user ("": as we are); r->status */
int ocf_worker_run(const char *user, ocf_worker_fn fn, void *arg,
    double timeout, struct ocf_sync_result *r);

/* in the worker: 1 before writing local files, 0 before network again */
void ocf_worker_phase(int local);

/* set r's status and format its detail; r->status */
int ocf_sync_set(struct ocf_sync_result *r, int status, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* append a warning to r's note ("; " between two) */
void ocf_sync_note(struct ocf_sync_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
