#ifndef OCF_HOOKS_H
#define OCF_HOOKS_H

struct ocf_config;

struct ocf_event {
	const char *event;	/* "promote", "demote", "fail", "latch" */
	const char *old_role, *new_role;
	long number;		/* TRANSITIONS after this one */
	const char *reason;	/* one line */
	int status;		/* exit code of the transition */
};

/*
 * Run every executable in HOOKS_DIR in name order (dot files and names
 * ending in '~' skipped), each with a clean environment plus OCF_EVENT,
 * OCF_OLD_ROLE, OCF_NEW_ROLE, OCF_TRANSITION, OCF_REASON, OCF_STATUS,
 * OCF_NODE, OCF_STATE_DIR, OCF_PRIMARY_URL, killed after HOOK_TIMEOUT.
 * A failing hook is logged and never stops anything.  Returns the number
 * of hooks that failed.
 */
int ocf_hooks_run(const struct ocf_config *c, const struct ocf_event *e);

/* POST the event as JSON to NOTIFY_URL (when set), bounded; logs failure.
 * 0 sent (2xx), -1 failed */
int ocf_notify(const struct ocf_config *c, const struct ocf_event *e);
/* the JSON body, for tests and docs */
int ocf_event_json(const struct ocf_config *c, const struct ocf_event *e,
    char *buf, unsigned long len);

/* tell everyone: the hooks, then the webhook (the caller holds no lock:
 * a hook may call ocf tools itself) */
void ocf_announce(const struct ocf_config *c, const char *event,
    const char *old_role, const char *new_role, long number,
    const char *reason, int status);

#endif
