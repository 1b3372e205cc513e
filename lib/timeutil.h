#ifndef OCF_TIMEUTIL_H
#define OCF_TIMEUTIL_H

/* seconds on CLOCK_MONOTONIC: for deadlines and intervals */
double ocf_mono(void);
/* seconds since the epoch (CLOCK_REALTIME): for the state file and logs */
double ocf_wall(void);
/*
 * Seconds on CLOCK_BOOTTIME: for durations that drive decisions and must
 * survive a restart of the tool (hold-down, rise streaks, the flap
 * window).  Unlike the wall clock it never steps; unlike CLOCK_MONOTONIC
 * it keeps counting through a suspend.  It restarts at each boot, so it
 * is recorded together with ocf_boot_id().
 */
double ocf_uptime(void);
/* this boot's id (/proc/sys/kernel/random/boot_id), "" when unknown */
const char *ocf_boot_id(void);
/* seconds from then to now, 0 when then is unset (0) or in the future */
double ocf_since(double then, double now);
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
