#ifndef OCF_PROC_H
#define OCF_PROC_H

#include <sys/types.h>

/* read up to len bytes, on through EINTR, until EOF: the count, or -1 */
ssize_t ocf_read_full(int fd, void *buf, size_t len);

/* start time of pid in clock ticks since boot (/proc/PID/stat field 22);
 * 0 and *t set, or -1 when there is no such process */
int ocf_proc_start_time(pid_t pid, unsigned long long *t);

/* true when pid exists and still has the recorded start time */
int ocf_proc_same(pid_t pid, unsigned long long start);

/* 1 when a process we may look at has path open, 0 when none does, -1
 * when /proc cannot tell; other users' processes are hidden from us */
int ocf_proc_holds(const char *path);

/* number of live (non-zombie) processes in process group pgid */
int ocf_pgrp_count(pid_t pgid);

/*
 * Stop a whole process group: SIGTERM, wait up to timeout seconds for
 * every process of the group to exit, then SIGKILL and wait again
 * (bounded).  Reaps pgid itself when it is our child.  Returns 0 when the
 * group is gone, 1 when SIGKILL was needed, -1 if processes remain.
 */
int ocf_pgrp_stop(pid_t pgid, double timeout);

#endif
