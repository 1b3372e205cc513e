/*
 * The gateway's channels.status reply, as its admin HTTP RPC gives it:
 * {"ok":true,"payload":{"channelAccounts":{"irc":[{"accountId":"default",
 * "connected":true,"lifecycle":"ready","lastError":null,...}],...}}}.
 * Whether each account of each channel is connected to its chat server,
 * which /readyz does not say: it stays 200 while a channel retries.
 */
#ifndef OCF_CHANSTATUS_H
#define OCF_CHANSTATUS_H

#include <stddef.h>

#define OCF_CHAN_MAX 32		/* accounts kept; more are counted */

struct ocf_chan_account {
	char channel[64];	/* "irc" */
	char account[64];	/* "default" */
	int connected;		/* connected, running, lifecycle ready */
	int running;		/* connected, or "running":true: started
				 * and not yet connected (a hot standby
				 * stops these) */
	char lifecycle[32];	/* "ready", "recovering", ... or "" */
	char last_error[256];	/* "" when none */
};

struct ocf_chan_status {
	int total;		/* enabled and configured accounts */
	int connected;		/* of those, connected */
	int running;		/* of those, running (connected or not) */
	int kept;		/* entries of acc[] filled */
	struct ocf_chan_account acc[OCF_CHAN_MAX];
};

/*
 * Parse a reply body.  0; -1 with err when it is not a channels.status
 * reply (not JSON, no "ok":true and channelAccounts); -2 with err for the
 * gateway's error reply, "ok":false (err holds its message).  Accounts
 * that are disabled or not configured are not expected to connect and
 * are left out.
 */
int ocf_chan_parse(const char *body, size_t len, struct ocf_chan_status *cs,
    char *err, size_t errlen);

/* "irc/default (recovering: connect ECONNREFUSED 127.0.0.1:6667), ..."
 * for the accounts not connected; returns buf */
const char *ocf_chan_down(const struct ocf_chan_status *cs, char *buf,
    size_t len);

#endif
