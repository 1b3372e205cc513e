#ifndef OCF_TIMEUTIL_H
#define OCF_TIMEUTIL_H

/* seconds on CLOCK_MONOTONIC: for deadlines and intervals */
double ocf_mono(void);
/* seconds since the epoch (CLOCK_REALTIME): for the state file and logs */
double ocf_wall(void);
/* sleep for s seconds (decimals allowed); returns early (-1) on a signal */
int ocf_sleep(double s);
/* "2026-11-25T13:00:00.123Z" into buf (at least 32 bytes) */
const char *ocf_iso8601(double wall, char *buf, unsigned long len);

#endif
