/*
 * METRICS_FILE: the state after each check in the Prometheus text
 * exposition format, for node_exporter's textfile collector, replaced
 * atomically (atomic.h) so that a scrape never reads half a file.
 * Names: ocf_ prefix, base units (seconds), _total counters; the
 * transition counters live in the state file and survive restarts.
 */
#ifndef OCF_METRICS_H
#define OCF_METRICS_H

#include <stddef.h>

struct ocf_config;
struct ocf_state;

struct ocf_metrics_check {
	double at;			/* wall time of the check */
	double duration;		/* its seconds */
	double watcher_start;		/* epoch seconds, 0: no watcher (--once) */
	const struct ocf_state *mem;	/* the state when the file lags, or NULL */
};

/* gateway_ready: 1 the local gateway answered ready, else 0 */
long ocf_metrics_format(const struct ocf_state *s,
    const struct ocf_metrics_check *m, int gateway_ready, char *buf,
    size_t len);

/* load the state (or take m->mem), ask the local gateway when active,
 * write METRICS_FILE; 0, or -1 with a warning logged */
int ocf_metrics_write(const struct ocf_config *c,
    const struct ocf_metrics_check *m);

#endif
