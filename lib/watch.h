/*
 * The monitor: probe the primary, count consecutive failures and
 * successes in the state file, and promote or demote through the same
 * library calls (and the same lock) as ocf-promote and ocf-demote.
 */
#ifndef OCF_WATCH_H
#define OCF_WATCH_H

#include "state.h"

struct ocf_config;

struct ocf_tick {
	int verdict;		/* the primary's: OCF_OK/WARNING/CRITICAL */
	int acted;		/* a transition was attempted */
	int status;		/* its result, when acted */
	int fails, rises;	/* counters after this check */
	int active;		/* role after this check is active */
	enum ocf_role role;	/* role after this check */
	int saved;		/* the state was read and saved */
	double at;		/* wall time of the check */
	double duration;	/* seconds it took, transition included */
	int hurry;		/* check again after FAST_INTERVAL (arbiter) */
	char reason[768];	/* the probe's reason (ocf_probe_result's) */
	char witness[8];	/* the state's WITNESS after this check */
};

/* one iteration: probe, count, repair, transition when a threshold is
 * crossed.  Returns the primary's verdict (OCF_UNKNOWN when the state
 * could not be read or written) */
int ocf_watch_tick(const struct ocf_config *c, struct ocf_tick *t);

/* seconds until the next check after t: CHECK_INTERVAL, or FAST_INTERVAL
 * while counting towards a verdict, with up to 5 % jitter */
double ocf_watch_interval(const struct ocf_config *c,
    const struct ocf_tick *t);

/*
 * The decision of one check, a pure function of the configuration, the
 * state after counting the check, and the facts below.
 */
enum ocf_action { OCF_ACT_NOTHING, OCF_ACT_PROMOTE, OCF_ACT_DEMOTE,
	OCF_ACT_HOT_START,	/* start a hot standby's gateway, fenced */
	OCF_ACT_HOT_ARM,	/* hold the channels of a fenced one, ready */
};

struct ocf_facts {
	int verdict;		/* the primary's, this check */
	int running;		/* active: our gateway runs */
	int present;		/* not active: something of our gateway runs
				 * (cold mode) */
	double now;		/* ocf_uptime() */
	/* STANDBY_MODE=hot, not active (hotstandby.h) */
	int hot;		/* the facts below were asked */
	int hot_running;	/* the hot gateway runs (or was adopted) */
	int hot_ready;		/* it answers ready (asked while fenced) */
	int chan_up;		/* channel accounts run on it */
};

enum ocf_action ocf_watch_decide(const struct ocf_config *c,
    const struct ocf_state *s, const struct ocf_facts *f, const char **why);

/*
 * Seconds to wait after the n-th consecutive failed promotion before the
 * next: max(HOLD_DOWN, CHECK_INTERVAL) doubled n - 1 times, at most
 * OCF_BACKOFF_DOUBLINGS times (16 x the base).
 */
#define OCF_BACKOFF_DOUBLINGS 4
double ocf_watch_backoff(const struct ocf_config *c, int attempts);

/* the loop, until SIGTERM/SIGINT; SIGHUP re-reads the config from path.
 * Returns the exit code */
int ocf_watch_run(struct ocf_config *c, const char *path);

/* clear the flap-breaker latch and the counters */
int ocf_watch_reset(const struct ocf_config *c, char *msg,
    unsigned long len);

#endif
