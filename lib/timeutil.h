#ifndef OCF_TIMEUTIL_H
#define OCF_TIMEUTIL_H

/* seconds on CLOCK_MONOTONIC: for deadlines and intervals */
double ocf_mono(void);
/* seconds since the epoch (CLOCK_REALTIME): for the state file and logs */
double ocf_wall(void);
/* sleep for s seconds (decimals allowed); returns early (-1) on a signal.
 * Calls ocf_idle() first, so every wait loop serves the idle hook */
int ocf_sleep(double s);

/* called from every wait: the watcher sets it to its systemd watchdog
 * keepalive, so a long demotion, hook or sync never looks like a hang */
extern void (*ocf_idle_hook)(void);
void ocf_idle(void);
/* "2026-11-25T13:00:00.123Z" into buf (at least 32 bytes) */
const char *ocf_iso8601(double wall, char *buf, unsigned long len);

#endif
