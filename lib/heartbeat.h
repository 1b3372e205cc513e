/*
 * The dead man's switch of healthchecks-style services: a GET of
 * HEARTBEAT_URL while the watcher checks normally, HEARTBEAT_URL/fail
 * when a transition failed.  The URL is a secret: it is never logged.
 */
#ifndef OCF_HEARTBEAT_H
#define OCF_HEARTBEAT_H

struct ocf_config;
struct ocf_detach;

/* GET HEARTBEAT_URL + suffix in a child of slot d (see detach.h), bounded
 * by PROBE_TIMEOUT; skipped with a warning while the slot's last one
 * still waits.  Returns at once */
void ocf_heartbeat(const struct ocf_config *c, struct ocf_detach *d,
    const char *suffix);

#endif
