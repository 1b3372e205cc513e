/*
 * STANDBY_MODE=hot: the standby's gateway runs all the time with its
 * channels held down; a promotion starts the channels, a demotion stops
 * them, over the gateway's admin RPC (gwrpc.h), and the gateway stays.
 *
 * How the channels are held down (measured on openclaw 2026.9.6, see
 * ocf(7), HOT STANDBY):
 *   - while the gateway runs: channels.stop, the gateway's manual stop,
 *     which its own restarts of an account (the channel health monitor,
 *     a config hot reload) respect and channels.start lifts in 0.05 s;
 *   - across a start of the gateway, which forgets a manual stop and
 *     starts every enabled account by itself: the boot fence (fence.h).
 *     Before ocf starts the gateway of a hot standby it marks every
 *     account disabled in the gateway's openclaw.json (GATEWAY_CONFIG);
 *     once the gateway is ready, ocf "arms" the hold: a manual stop of
 *     each fenced account, then the fence undone through the gateway's
 *     own config.patch (the gateway rewrites its file; the hot reload
 *     that follows respects the manual stop).  The operator's file is as
 *     it was, the channels are enabled and stopped, and a promotion needs
 *     no config reload (1.6-16 s here) but only channels.start.
 *   - OPENCLAW_SKIP_CHANNELS=1 is no answer: the gateway then drops the
 *     channels from its runtime config, and channels.start answers
 *     "skipped: unconfigured".
 * A start ocf does not make (the gateway restarting itself, systemd's
 * Restart=) is not fenced: its channels come up, and the watcher stops
 * them at its next check (ocf_hot_hold) and says so.
 */
#ifndef OCF_HOT_H
#define OCF_HOT_H

#include <stddef.h>

struct ocf_config;
struct ocf_state;

/* what a hold or a look found: accounts listed, running, and their
 * names ("irc/default, telegram/main") */
struct ocf_hot_channels {
	int total;		/* enabled and configured accounts */
	int running;		/* of those, running (connected or not) */
	int stopped;		/* ocf_hot_hold: running ones it stopped */
	char names[256];	/* the running (or stopped) ones */
};

/* the gateway's openclaw.json: GATEWAY_CONFIG, or where the gateway
 * looks by default (OPENCLAW_CONFIG_PATH, OPENCLAW_STATE_DIR, the home of
 * OPENCLAW_USER, ours); NULL when it does not fit */
const char *ocf_hot_config_path(const struct ocf_config *c, char *buf,
    size_t len);

/*
 * The fence in two steps, so that the caller records it before the file
 * changes (a crash in between leaves a record of a fence that is not
 * there, which undoes nothing, never a fence nobody knows of): plan reads
 * the file and fills record (1; 0 nothing to fence; -1 err), write
 * writes it, refusing when the file changed since the plan (0 or -1).
 * The gateway must not run.  Both run as OPENCLAW_USER when we are root.
 */
int ocf_hot_fence_plan(const struct ocf_config *c, char *record,
    size_t reclen, char *err, size_t errlen);
int ocf_hot_fence_write(const struct ocf_config *c, const char *record,
    char *err, size_t errlen);

/*
 * Undo the fence recorded in s->hot_fence and clear it: through the
 * gateway's config.patch when it runs (running), in the file when it
 * does not.  0 (also when there is none), -1 with err.
 */
int ocf_hot_unfence(const struct ocf_config *c, struct ocf_state *s,
    int running, char *err, size_t errlen);

/*
 * A hot standby's gateway that is ready (/readyz, so its own start of the
 * channels is over): hold each fenced account (channels.stop), then undo
 * the fence through the gateway.  0, -1 with err.
 */
int ocf_hot_arm(const struct ocf_config *c, struct ocf_state *s, char *err,
    size_t errlen);

/*
 * Stop every channel account of the running gateway (channels.stop, a
 * manual stop: also those not running, so that nothing restarts them),
 * then wait up to timeout seconds for channels.status to show none
 * running.  h says how many were running (h->stopped) and which.  0, -1
 * with err (the RPC did not answer or refused, or one kept running).
 */
int ocf_hot_hold(const struct ocf_config *c, double timeout,
    struct ocf_hot_channels *h, char *err, size_t errlen);

/* start every account that is not running (channels.start); h->total
 * counts them.  0, -1 with err (the RPC is absent, refuses us, or the
 * gateway refused a start) */
int ocf_hot_serve(const struct ocf_config *c, struct ocf_hot_channels *h,
    char *err, size_t errlen);

/* one look at the channels (channels.status): 0 with h filled, -1 with
 * err when the RPC did not answer it, -2 when it answered that it is off
 * or refuses us (404, 401, 403: waiting will not help) */
int ocf_hot_look(const struct ocf_config *c, double timeout,
    struct ocf_hot_channels *h, char *err, size_t errlen);

/*
 * Wait up to timeout seconds for the running gateway's admin RPC to
 * answer channels.status (a gateway the watcher has just started may
 * still be booting; /readyz says 503 while channels are held down).  0,
 * -1 with err (no answer in time, an RPC that is off or refuses us, or
 * the gateway gone).
 */
int ocf_hot_wait(const struct ocf_config *c, struct ocf_state *s,
    double timeout, char *err, size_t errlen);

#endif
