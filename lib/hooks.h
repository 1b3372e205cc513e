#ifndef OCF_HOOKS_H
#define OCF_HOOKS_H

struct ocf_config;

struct ocf_event {
	const char *event;	/* "promote", "demote", "fail", "latch" */
	const char *old_role, *new_role;
	long number;		/* TRANSITIONS after this one */
	const char *reason;	/* one line */
	int status;		/* exit code of the transition */
	/* for the sentence of NOTIFY_FORMAT (0: unknown, left out): how
	 * long the primary had been down (promote) or back (demote), and
	 * how long the transition took */
	double primary_for, took;
	long token;		/* ARBITER=etcd: the fencing token, 0: none */
};

/*
 * Run every executable in HOOKS_DIR in name order (dot files and names
 * ending in '~' skipped), each with a clean environment plus OCF_EVENT,
 * OCF_OLD_ROLE, OCF_NEW_ROLE, OCF_TRANSITION, OCF_REASON, OCF_STATUS,
 * OCF_NODE, OCF_STATE_DIR, OCF_PRIMARY_URL (and OCF_TOKEN, the fencing
 * token, with ARBITER=etcd), killed after HOOK_TIMEOUT.
 * A failing hook is logged and never stops anything.  Returns the number
 * of hooks that failed.
 */
int ocf_hooks_run(const struct ocf_config *c, const struct ocf_event *e);

/*
 * POST the event to NOTIFY_URL (when set) in NOTIFY_FORMAT, bounded by
 * PROBE_TIMEOUT; logs a failure (never the URL).  0 sent (2xx) or sent
 * off, -1 failed.  With ocf_notify_background set (the watcher), the post
 * runs in a child of its own and never delays the caller.
 */
int ocf_notify(const struct ocf_config *c, const struct ocf_event *e);
extern int ocf_notify_background;
/* the JSON body, for tests and docs */
int ocf_event_json(const struct ocf_config *c, const struct ocf_event *e,
    char *buf, unsigned long len);
/* the event as one sentence a person reads on a phone:
 * "node-b: standby promoted: primary down for 9.1 s, gateway ready in 6.4 s" */
int ocf_event_text(const struct ocf_config *c, const struct ocf_event *e,
    char *buf, unsigned long len);

/* tell everyone: the hooks, then the webhook (the caller holds no lock:
 * a hook may call ocf tools itself) */
void ocf_announce(const struct ocf_config *c, const char *event,
    const char *old_role, const char *new_role, long number,
    const char *reason, int status);
/* the same with the whole event */
void ocf_announce_event(const struct ocf_config *c, const struct ocf_event *e);

#endif
