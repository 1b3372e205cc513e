/*
 * Promotion and demotion: the library calls behind ocf-promote,
 * ocf-demote and ocf-watch.  Each runs under the state lock, records the
 * transition as started before touching anything (so a crash is visible
 * and repaired by the next run), verifies the result against the real
 * gateway, and is idempotent.
 */
#ifndef OCF_TRANSITION_H
#define OCF_TRANSITION_H

#include <stddef.h>

struct ocf_config;

enum {
	OCF_TR_FORCE = 1 << 0,	/* ignore maintenance and a healthy primary */
	OCF_TR_NOCHECK = 1 << 1, /* the caller has judged the primary (watcher) */
	OCF_TR_NOSYNC = 1 << 2,	/* skip workspace and secrets sync */
	OCF_TR_AUTO = 1 << 3,	/* the watcher's: counts for the flap breaker */
};

struct ocf_memory;

struct ocf_transition {
	int status;		/* exit code by the table */
	int changed;		/* the role changed */
	char detail[512];	/* one line for the operator */
	char conflict[256];	/* a sync merge's conflict to announce, or "" */
};

int ocf_promote(const struct ocf_config *c, int flags,
    struct ocf_transition *t);
int ocf_demote(const struct ocf_config *c, int flags,
    struct ocf_transition *t);

/* the same, starting from the caller's memory of a state it could not
 * save (the watcher's; see struct ocf_memory in state.h); why is recorded
 * as LAST_REASON ("by hand" for the two above) */
int ocf_promote_from(const struct ocf_config *c, int flags,
    struct ocf_memory *mem, const char *why, struct ocf_transition *t);
int ocf_demote_from(const struct ocf_config *c, int flags,
    struct ocf_memory *mem, const char *why, struct ocf_transition *t);

/* set or clear the maintenance flag (persisted in the state file) */
int ocf_maintenance(const struct ocf_config *c, int on,
    struct ocf_transition *t);

#endif
