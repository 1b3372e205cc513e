/*
 * systemd's notify protocol without libsystemd: datagrams to
 * $NOTIFY_SOCKET ("READY=1", "STATUS=...", "WATCHDOG=1").  All calls are
 * no-ops when the variable is not set.
 */
#ifndef OCF_SDNOTIFY_H
#define OCF_SDNOTIFY_H

/* read NOTIFY_SOCKET and WATCHDOG_USEC (for our pid only) */
void ocf_sd_init(void);
int ocf_sd_notify(const char *msg);
/* send WATCHDOG=1 when half the watchdog interval has passed; cheap
 * enough to call from every wait loop */
void ocf_sd_keepalive(void);
/* seconds between keepalives (half of WATCHDOG_USEC), 0 when off */
double ocf_sd_keepalive_interval(void);

#endif
