/*
 * Processes as /proc shows them: start times (a recycled pid is not the
 * process we recorded), process groups counted and stopped whole.  The
 * gateway renames its processes, so nothing here looks at names.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "timeutil.h"

#define STOP_POLL	0.05	/* seconds between checks of a stopping group */
#define KILL_WAIT	5.0	/* seconds we wait for a SIGKILLed group */

struct pstat {
	char			state;
	pid_t			pgrp;
	unsigned long long	start;
};

/*
 * /proc/PID/stat: comm (field 2) may hold spaces and ')', so fields are
 * counted from the last ')'.  Field 3 is the state, 5 the process group,
 * 22 the start time.
 */
static int
parse_stat(char *buf, size_t len, struct pstat *ps)
{
	char *p, *end;
	int field;

	if ((p = memrchr(buf, ')', len)) == NULL)
		return -1;
	p++;
	for (field = 3; field <= 22; field++) {
		if (*p != ' ')
			return -1;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return -1;
		if (field == 3)
			ps->state = *p;
		errno = 0;
		if (field == 5)
			ps->pgrp = (pid_t)strtol(p, &end, 10);
		else if (field == 22)
			ps->start = strtoull(p, &end, 10);
		else
			end = p + strcspn(p, " ");
		if (end == p || errno != 0)
			return -1;
		p = end;
	}
	return 0;
}

ssize_t
ocf_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int
read_stat(const char *path, struct pstat *ps)
{
	char buf[4096];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = ocf_read_full(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return parse_stat(buf, (size_t)n, ps);
}

static int
read_pid_stat(pid_t pid, struct pstat *ps)
{
	char path[64];

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	return read_stat(path, ps);
}

static int
is_dead(char state)
{
	return state == 'Z' || state == 'X' || state == 'x';
}

int
ocf_proc_start_time(pid_t pid, unsigned long long *t)
{
	struct pstat ps;

	if (read_pid_stat(pid, &ps) == -1)
		return -1;
	*t = ps.start;
	return 0;
}

int
ocf_proc_same(pid_t pid, unsigned long long start)
{
	struct pstat ps;

	return read_pid_stat(pid, &ps) == 0 && !is_dead(ps.state) &&
	    ps.start == start;
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* by process group only: the gateway renames its processes */
int
ocf_pgrp_count(pid_t pgid)
{
	struct dirent *de;
	struct pstat ps;
	char path[300];
	DIR *d;
	int n = 0;

	if (pgid <= 0)
		return 0;
	if ((d = opendir("/proc")) == NULL)
		/* without /proc all we can tell is whether it exists */
		return kill(-pgid, 0) == 0 || errno == EPERM;
	while ((de = readdir(d)) != NULL) {
		if (!all_digits(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (read_stat(path, &ps) == 0 && ps.pgrp == pgid &&
		    !is_dead(ps.state))
			n++;
	}
	closedir(d);
	return n;
}

/* gone: no live member, and the leader reaped if it is our child */
static int
pgrp_gone(pid_t pgid)
{
	pid_t r;

	while ((r = waitpid(pgid, NULL, WNOHANG)) == -1 && errno == EINTR)
		;
	return r != 0 && ocf_pgrp_count(pgid) == 0;
}

static int
pgrp_wait(pid_t pgid, double timeout)
{
	double deadline = ocf_mono() + timeout;

	for (;;) {
		double left;

		if (pgrp_gone(pgid))
			return 1;
		if ((left = deadline - ocf_mono()) <= 0)
			return 0;
		ocf_sleep(left < STOP_POLL ? left : STOP_POLL);
	}
}

int
ocf_pgrp_stop(pid_t pgid, double timeout)
{
	/* never kill(0) or kill(-1): that would be us or everything */
	if (pgid <= 1) {
		errno = EINVAL;
		return -1;
	}
	if (kill(-pgid, SIGTERM) == -1) {
		if (errno != ESRCH)
			return -1;
		(void)pgrp_gone(pgid);
		return 0;
	}
	/* a stopped process would hold SIGTERM pending forever */
	(void)kill(-pgid, SIGCONT);
	if (pgrp_wait(pgid, timeout > 0 ? timeout : 0))
		return 0;
	if (kill(-pgid, SIGKILL) == -1) {
		if (errno != ESRCH)
			return -1;
		/* it went away on its own just in time */
		return pgrp_wait(pgid, KILL_WAIT) ? 0 : -1;
	}
	return pgrp_wait(pgid, KILL_WAIT) ? 1 : -1;
}

/* 1 when /proc/pid/fd has a descriptor open on path, 0 otherwise */
static int
pid_holds(const char *pid, const char *path)
{
	char dir[300], fd[600], target[4096];
	struct dirent *de;
	DIR *d;
	ssize_t n;
	int found = 0;

	snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
	if ((d = opendir(dir)) == NULL)
		return 0;	/* gone, or not ours to see */
	while (!found && (de = readdir(d)) != NULL) {
		if (!all_digits(de->d_name))
			continue;
		snprintf(fd, sizeof(fd), "%s/%s", dir, de->d_name);
		n = readlink(fd, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = strcmp(target, path) == 0;
	}
	closedir(d);
	return found;
}

int
ocf_proc_holds(const char *path)
{
	char real[4096];
	struct dirent *de;
	DIR *d;
	int found = 0;

	if (realpath(path, real) == NULL)
		return errno == ENOENT ? 0 : -1;
	if ((d = opendir("/proc")) == NULL)
		return -1;
	while (!found && (de = readdir(d)) != NULL)
		if (all_digits(de->d_name))
			found = pid_holds(de->d_name, real);
	closedir(d);
	return found;
}
