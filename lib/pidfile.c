#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "pidfile.h"
#include "proc.h"
#include "state.h"

#define NAME "watch.pid"

int
ocf_pidfile_write(const char *dir, double started, char *err, size_t errlen)
{
	char path[PATH_MAX], buf[96];
	unsigned long long st;
	int n;

	if (ocf_state_path(dir, NAME, path, sizeof(path)) == NULL) {
		snprintf(err, errlen, "state directory path too long");
		return -1;
	}
	if (ocf_proc_start_time(getpid(), &st) == -1)
		st = 0;
	n = snprintf(buf, sizeof(buf), "%ld %llu %.3f\n", (long)getpid(), st,
	    started);
	return ocf_write_atomic(path, buf, (size_t)n, 0644, err, errlen);
}

void
ocf_pidfile_remove(const char *dir)
{
	char path[PATH_MAX];

	if (ocf_state_path(dir, NAME, path, sizeof(path)) != NULL)
		(void)unlink(path);
}

int
ocf_pidfile_read(const char *dir, struct ocf_watcher *w)
{
	char path[PATH_MAX], buf[128];
	ssize_t n;
	int fd;

	memset(w, 0, sizeof(*w));
	if (ocf_state_path(dir, NAME, path, sizeof(path)) == NULL)
		return -1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 1 : -1;
	n = ocf_read_full(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%ld %llu %lf", &w->pid, &w->start, &w->started) != 3 ||
	    w->pid <= 0)
		return -1;
	w->alive = ocf_proc_same((pid_t)w->pid, w->start);
	return 0;
}
