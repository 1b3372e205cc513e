/*
 * The monitor: probe the primary, count consecutive failures and
 * successes in the state file, and promote or demote through the same
 * library calls (and the same lock) as ocf-promote and ocf-demote.
 */
#ifndef OCF_WATCH_H
#define OCF_WATCH_H

struct ocf_config;

struct ocf_tick {
	int verdict;		/* the primary's: OCF_OK/WARNING/CRITICAL */
	int acted;		/* a transition was attempted */
	int status;		/* its result, when acted */
	int fails, rises;	/* counters after this check */
	int active;		/* role after this check is active */
	char reason[256];	/* the probe's reason */
};

/* one iteration: probe, count, repair, transition when a threshold is
 * crossed.  Returns the primary's verdict (OCF_UNKNOWN when the state
 * could not be read or written) */
int ocf_watch_tick(const struct ocf_config *c, struct ocf_tick *t);

/* seconds until the next check after t: CHECK_INTERVAL, or FAST_INTERVAL
 * while counting towards a verdict, with up to 5 % jitter */
double ocf_watch_interval(const struct ocf_config *c,
    const struct ocf_tick *t);

/* the loop, until SIGTERM/SIGINT; SIGHUP re-reads the config from path.
 * Returns the exit code */
int ocf_watch_run(struct ocf_config *c, const char *path);

/* clear the flap-breaker latch and the counters */
int ocf_watch_reset(const struct ocf_config *c, char *msg,
    unsigned long len);

#endif
