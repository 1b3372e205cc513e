/*
 * STATE_DIR/watch.pid: "PID START WALL", written by a running ocf-watch
 * (START: its /proc start time in clock ticks, WALL: epoch seconds it
 * started), removed when it stops.  --status checks it against /proc, so
 * a pid reused by another process is not taken for a live watcher.
 */
#ifndef OCF_PIDFILE_H
#define OCF_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

struct ocf_watcher {
	long pid;
	unsigned long long start;	/* /proc start time */
	double started;			/* epoch seconds */
	int alive;			/* pid runs with that start time */
};

/* this process is the watcher: 0, or -1 with err */
int ocf_pidfile_write(const char *dir, double started, char *err,
    size_t errlen);
void ocf_pidfile_remove(const char *dir);
/* 0 read (w->alive set), 1 no pid file, -1 unreadable or mangled */
int ocf_pidfile_read(const char *dir, struct ocf_watcher *w);

#endif
