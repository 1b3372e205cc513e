/*
 * The watcher's side of STANDBY_MODE=hot (hot.h): what it looks at on a
 * hot standby at each check, and what it does when the hot gateway is
 * gone (start it, fenced) or has just come up (arm the hold).  Neither is
 * a transition: the role stays standby, nothing is counted or announced,
 * the log says it.
 */
#ifndef OCF_HOTSTANDBY_H
#define OCF_HOTSTANDBY_H

#include "watch.h"

struct ocf_config;
struct ocf_state;
struct ocf_memory;

/*
 * The hot facts of a standby, for ocf_watch_decide: whether its gateway
 * runs (a marked one that answers ready is adopted, as a promotion
 * would), whether it is up while a fence waits to be armed, whether
 * channel accounts run on it.  Updates s->hot_gateway for --status.
 */
void ocf_hot_observe(const struct ocf_config *c, struct ocf_state *s,
    struct ocf_facts *f);

/* do a (OCF_ACT_HOT_START or OCF_ACT_HOT_ARM) under the state lock,
 * logging what it did; returns the exit code of it */
int ocf_hot_tend(const struct ocf_config *c, enum ocf_action a,
    const char *why, struct ocf_memory *mem);

/* at the watcher's start: warn about what would make the hot standby
 * fail (an admin RPC that does not answer or refuses us, a gateway file
 * that cannot be fenced) */
void ocf_hot_preflight(const struct ocf_config *c);

#endif
