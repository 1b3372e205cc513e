/* The results of pulls, pushes and secrets syncs, kept in the state. */
#ifndef OCF_SYNCSTATE_H
#define OCF_SYNCSTATE_H

#include <stddef.h>

struct ocf_config;
struct ocf_state;
struct ocf_sync_result;

/* record a result in the state: what = "pull" | "push" | "secrets";
 * sets the field, its _AT time and SYNC_DETAIL */
void ocf_sync_record(struct ocf_state *s, const char *what,
    const struct ocf_sync_result *r);

/* the same into the state file, under the lock (waited for a while):
 * for a sync run on its own, outside a transition.  0 or -1 with err */
int ocf_sync_save(const struct ocf_config *c, const char *what,
    const struct ocf_sync_result *r, char *err, size_t errlen);

#endif
