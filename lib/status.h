/*
 * ocf-watch --status: what a person or a monitoring system asks of a
 * node.  The state file says what the watcher last saw and did, the pid
 * file (pidfile.h) whether it still runs.  The result is a monitoring
 * plugin's: OK when the watcher runs and checked recently, WARNING when
 * degraded (role failed, flap breaker latched, maintenance, a sync
 * warning, a transition in flight), CRITICAL when the watcher is dead or
 * its last check is older than 3 x CHECK_INTERVAL + PROBE_TIMEOUT,
 * UNKNOWN when the state cannot be read.
 */
#ifndef OCF_STATUS_H
#define OCF_STATUS_H

#include <stddef.h>

struct ocf_config;
struct ocf_tick;

/* print the status (a screenful, or one JSON object) on stdout; returns
 * the exit code */
int ocf_status(const struct ocf_config *c, int json);

/* ocf-watch --once --json: one check's result as a JSON object */
int ocf_tick_json(const struct ocf_tick *t, int status, char *buf,
    size_t len);

#endif
