#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"

static double
clock_seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double
ocf_mono(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

double
ocf_wall(void)
{
	return clock_seconds(CLOCK_REALTIME);
}

double
ocf_uptime(void)
{
	return clock_seconds(CLOCK_BOOTTIME);
}

const char *
ocf_boot_id(void)
{
	static char id[40];
	FILE *f;

	if (id[0] != '\0')
		return id;
	/* without /proc every run looks like a new boot: recorded uptimes
	 * are then rebased, which only ever lengthens a wait */
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "re")) != NULL) {
		if (fgets(id, sizeof(id), f) == NULL)
			id[0] = '\0';
		fclose(f);
	}
	id[strcspn(id, "\n")] = '\0';
	return id;
}

double
ocf_since(double then, double now)
{
	/* a time in the future (a copied state, a bad clock) counts as now */
	return then > 0 && then < now ? now - then : 0;
}

void (*ocf_idle_hook)(void);

void
ocf_idle(void)
{
	if (ocf_idle_hook != NULL)
		ocf_idle_hook();
}

int
ocf_sleep(double s)
{
	struct timespec ts;

	ocf_idle();
	if (!(s > 0))
		return 0;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	/* an interrupted sleep returns, so a signal handler's flag is seen */
	return nanosleep(&ts, NULL) == 0 ? 0 : -1;
}

const char *
ocf_iso8601(double wall, char *buf, unsigned long len)
{
	time_t t = (time_t)wall;
	struct tm tm;
	int ms = (int)((wall - (double)t) * 1000);

	if (ms < 0 || ms > 999)
		ms = 0;
	if (gmtime_r(&t, &tm) == NULL ||
	    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ms) < 0)
		snprintf(buf, len, "?");
	return buf;
}
